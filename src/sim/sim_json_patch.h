/* RFC 6902 JSON Patch (what `kubectl patch --type json` sends as
 * application/json-patch+json): add, remove, replace, move, copy, test, with RFC 6901
 * pointers ("/spec/job/parallelism", "~1" for '/', "~0" for '~', "-" for an array's end). */
#ifndef FLINKTOP_SIM_JSON_PATCH_H
#define FLINKTOP_SIM_JSON_PATCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

/* Applies ops (borrowed: an array of operations) to doc (borrowed, modified in place; on
 * failure it may be half done: patch a copy). false with a message in err when an
 * operation is malformed, a path does not exist, or a test fails. */
bool sim_json_patch_apply(cJSON *doc, const cJSON *ops, char *err, size_t errlen);

#endif
