#include "json_doc.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

void json_doc_set_err(char *err, size_t errlen, const char *msg) {
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "%s", msg);
}

const char *json_doc_type_name(const cJSON *v) {
    if (cJSON_IsArray(v))
        return "array";
    if (cJSON_IsObject(v))
        return "object";
    if (cJSON_IsString(v))
        return "string";
    if (cJSON_IsNumber(v))
        return "number";
    if (cJSON_IsBool(v))
        return "boolean";
    return "null";
}

/* cJSON decodes the escape \u0000 into a NUL byte inside a C string, which cuts the
 * string there: "a\u0000b" would be stored as "a" and the rest lost without a trace.
 * Before parsing, each \u0000 escape is respelt \uFFFD (same length, so byte offsets in
 * error messages stay true), which is the glyph sanitize shows for a NUL. Returns an owned
 * copy, or NULL when body has no such escape. */
static char *respell_nul_escapes(const char *body, size_t len) {
    char *copy = NULL;
    for (size_t i = 0; i + 1 < len; i++) {
        if (body[i] != '\\')
            continue;
        if (body[i + 1] == 'u' && i + 5 < len && memcmp(body + i + 2, "0000", 4) == 0) {
            if (copy == NULL) {
                copy = xmalloc(len);
                memcpy(copy, body, len);
            }
            memcpy(copy + i + 2, "FFFD", 4);
        }
        i++; /* the escaped character: "\\u0000" is a backslash, then text */
    }
    return copy;
}

enum fa_status json_doc_parse(const char *body, size_t len, cJSON **root, char *err,
                              size_t errlen) {
    *root = NULL;
    size_t first = 0;
    while (body != NULL && first < len && is_space(body[first]))
        first++;
    if (body == NULL || first == len) {
        json_doc_set_err(err, errlen, "empty response");
        return FA_EMPTY;
    }
    char *respelt = respell_nul_escapes(body, len);
    if (respelt != NULL)
        body = respelt;
    const char *end = NULL;
    cJSON *v = cJSON_ParseWithLengthOpts(body, len, &end, false);
    enum fa_status st = FA_OK;
    if (v == NULL) {
        size_t at = (end != NULL && end >= body && end <= body + len) ? (size_t)(end - body) : 0;
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "malformed JSON at byte %zu", at);
        st = FA_SYNTAX;
        goto out;
    }
    size_t rest = (size_t)(end - body);
    while (rest < len && is_space(body[rest]))
        rest++;
    if (rest < len) {
        cJSON_Delete(v);
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "malformed JSON at byte %zu: data after the value", rest);
        st = FA_SYNTAX;
        goto out;
    }
    *root = v;
out:
    free(respelt);
    return st;
}

static enum fa_status parse_shaped(const char *body, size_t len, cJSON **root, char *err,
                                   size_t errlen, bool want_object) {
    enum fa_status st = json_doc_parse(body, len, root, err, errlen);
    if (st != FA_OK)
        return st;
    bool ok = want_object ? cJSON_IsObject(*root) : cJSON_IsArray(*root);
    if (!ok) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "expected JSON %s, got %s", want_object ? "object" : "array",
                     json_doc_type_name(*root));
        cJSON_Delete(*root);
        *root = NULL;
        return FA_SHAPE;
    }
    return FA_OK;
}

enum fa_status json_doc_parse_object(const char *body, size_t len, cJSON **root, char *err,
                                     size_t errlen) {
    return parse_shaped(body, len, root, err, errlen, true);
}

enum fa_status json_doc_parse_array(const char *body, size_t len, cJSON **root, char *err,
                                    size_t errlen) {
    return parse_shaped(body, len, root, err, errlen, false);
}

void json_doc_copy_hex_id(char dst[33], const char *src) {
    dst[0] = '\0';
    if (src == NULL)
        return;
    for (size_t i = 0; i < 32; i++) {
        char c = src[i];
        bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
        if (!hex)
            return; /* also stops at a NUL shorter than 32 */
    }
    if (src[32] != '\0')
        return;
    memcpy(dst, src, 32);
    dst[32] = '\0';
}

static bool keep_object(const cJSON *el) { return cJSON_IsObject(el); }

void *json_doc_map_list(const cJSON *arr, size_t item_size, bool (*keep)(const cJSON *el),
                        void (*fill)(const cJSON *el, void *item, void *ctx), void *ctx,
                        size_t *n) {
    if (keep == NULL)
        keep = keep_object;
    size_t count = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (keep(it))
            count++;
    }
    char *items = xcalloc(count, item_size);
    *n = 0;
    cJSON_ArrayForEach(it, arr) {
        if (keep(it) && *n < count)
            fill(it, items + (*n)++ * item_size, ctx);
    }
    return items;
}
