#include "flink_subtasks.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"
#include "xalloc.h"

/* "host:port" (1.19+ endpoint) or "[v6]:port" to the host alone; a bare host stays. */
static char *host_of(const cJSON *o) {
    const char *ep = json_get_string_ref(o, "endpoint");
    if (ep == NULL)
        ep = json_get_string_ref(o, "host");
    if (ep == NULL || ep[0] == '\0')
        return NULL;
    size_t len = strlen(ep);
    const char *colon = strrchr(ep, ':');
    bool one_colon = colon != NULL && strchr(ep, ':') == colon;
    if (ep[0] == '[') {
        const char *close = strchr(ep, ']');
        if (close != NULL)
            return sanitize_strndup(ep + 1, (size_t)(close - ep - 1));
    } else if (one_colon) {
        len = (size_t)(colon - ep);
    }
    return sanitize_strndup(ep, len);
}

/* A counter of the IOMetricsInfo object: -1 unknown (and for a negative one). */
static int64_t io_counter(const cJSON *metrics, const char *key) {
    int64_t v = json_get_i64(metrics, key, -1);
    return v < 0 ? -1 : v;
}

static void fill_subtask(const cJSON *el, void *item, void *ctx) {
    int *next = ctx;
    struct subtask_info *s = item;
    s->index = json_get_int(el, "subtask", *next);
    (*next)++;
    s->status = json_get_string(el, "status");
    s->attempt = json_get_int(el, "attempt", -1);
    s->start_ms = json_get_i64(el, "start-time", -1);
    s->duration_ms = json_get_i64(el, "duration", -1);
    if (s->start_ms < 0)
        s->start_ms = -1;
    if (s->duration_ms < 0)
        s->duration_ms = -1;
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(el, "metrics");
    if (!cJSON_IsObject(m))
        m = NULL;
    s->read_records = io_counter(m, "read-records");
    s->write_records = io_counter(m, "write-records");
    s->read_bytes = io_counter(m, "read-bytes");
    s->write_bytes = io_counter(m, "write-bytes");
    s->tm_id = json_get_string(el, "taskmanager-id");
    s->host = host_of(el);
}

/* The array field key of a parsed object, checked: FA_SHAPE when it is there and is not
 * an array, or holds more than SUBTASKS_MAX entries. */
static enum fa_status list_of(const cJSON *root, const char *key, const cJSON **out, char *err,
                              size_t errlen) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(root, key);
    *out = NULL;
    if (a == NULL || cJSON_IsNull(a))
        return FA_OK;
    if (!cJSON_IsArray(a)) {
        if (err && errlen)
            snprintf(err, errlen, "\"%s\" is a JSON %s, not an array", key, json_doc_type_name(a));
        return FA_SHAPE;
    }
    if (cJSON_GetArraySize(a) > SUBTASKS_MAX) {
        if (err && errlen)
            snprintf(err, errlen, "more than %d %s", SUBTASKS_MAX, key);
        return FA_SHAPE;
    }
    *out = a;
    return FA_OK;
}

enum fa_status flink_subtasks_parse_vertex(const char *body, size_t len, struct subtask_list *out,
                                           char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *subtasks = NULL;
    st = list_of(root, "subtasks", &subtasks, err, errlen);
    if (st == FA_OK) {
        int next = 0;
        out->items =
            json_doc_map_list(subtasks, sizeof *out->items, NULL, fill_subtask, &next, &out->len);
    }
    cJSON_Delete(root);
    return st;
}

static void fill_tm(const cJSON *el, void *item, void *ctx) {
    (void)ctx;
    struct vertex_tm *t = item;
    t->tm_id = json_get_string(el, "taskmanager-id");
    t->host = host_of(el);
    t->status = json_get_string(el, "status");
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(el, "metrics");
    if (!cJSON_IsObject(m))
        m = NULL;
    t->read_records = io_counter(m, "read-records");
    t->write_records = io_counter(m, "write-records");
    t->subtasks = -1;
    const cJSON *counts = cJSON_GetObjectItemCaseSensitive(el, "status-counts");
    const cJSON *c;
    if (cJSON_IsObject(counts)) {
        t->subtasks = 0;
        cJSON_ArrayForEach(c, counts) {
            if (cJSON_IsNumber(c) && c->valuedouble > 0 && c->valuedouble < SUBTASKS_MAX)
                t->subtasks += (int)c->valuedouble;
        }
    }
}

enum fa_status flink_subtasks_parse_tms(const char *body, size_t len, struct vertex_tm_list *out,
                                        char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *tms = NULL;
    st = list_of(root, "taskmanagers", &tms, err, errlen);
    if (st == FA_OK)
        out->items = json_doc_map_list(tms, sizeof *out->items, NULL, fill_tm, NULL, &out->len);
    cJSON_Delete(root);
    return st;
}
