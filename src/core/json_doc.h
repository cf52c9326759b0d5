/* One JSON document from a Flink answer: the raw body parsed as exactly one value (with
 * only whitespace around it) and its top-level shape checked, with the one-line error
 * messages every parser shares ("empty response", "malformed JSON at byte 17",
 * "expected JSON object, got array"). Also small helpers those parsers share. */
#ifndef FLINKTOP_JSON_DOC_H
#define FLINKTOP_JSON_DOC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "flink_api.h"

/* Parse body[0..len) (not necessarily NUL-terminated; never read past len) as one JSON
 * value. FA_EMPTY for an empty or all-whitespace body, FA_SYNTAX for anything else that
 * is not one JSON value. On FA_OK *root is owned by the caller (cJSON_Delete); on error
 * *root is NULL and err (errlen bytes, may be NULL/0) holds one line. */
enum fa_status json_doc_parse(const char *body, size_t len, cJSON **root, char *err, size_t errlen);
/* json_doc_parse, then FA_SHAPE unless the top level is an object. */
enum fa_status json_doc_parse_object(const char *body, size_t len, cJSON **root, char *err,
                                     size_t errlen);
/* json_doc_parse, then FA_SHAPE unless the top level is an array. */
enum fa_status json_doc_parse_array(const char *body, size_t len, cJSON **root, char *err,
                                    size_t errlen);

/* The skeleton every list parser shares (Flink's jobs and task managers, Kubernetes'
 * resources, pods, events, snapshots): one item a element of arr that keep accepts (NULL
 * keep: every object), in a fresh array of item_size bytes each, zeroed, filled in order
 * by fill(element, item, ctx). arr NULL is an empty list. Returns the array (owned:
 * caller frees; never NULL) and its length in *n. */
void *json_doc_map_list(const cJSON *arr, size_t item_size, bool (*keep)(const cJSON *el),
                        void (*fill)(const cJSON *el, void *item, void *ctx), void *ctx, size_t *n);

/* returns a static string: "object", "array", "string", "number", "boolean", "null" */
const char *json_doc_type_name(const cJSON *v);
/* Write msg to err when there is room (err may be NULL). */
void json_doc_set_err(char *err, size_t errlen, const char *msg);
/* Copy a Flink id into dst[33] when src is exactly 32 hex digits, else leave dst "". */
void json_doc_copy_hex_id(char dst[33], const char *src);

#endif
