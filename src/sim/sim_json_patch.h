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

/* o[key] = v, replacing what was there (v is taken). */
void sim_json_set(cJSON *o, const char *key, cJSON *v);
/* RFC 7386: merges patch into target (both borrowed; target is modified): null deletes,
 * objects merge, anything else replaces. */
void sim_json_merge_patch(cJSON *target, const cJSON *patch);

#endif
