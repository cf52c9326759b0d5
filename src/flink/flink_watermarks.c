#include "flink_watermarks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_get.h"

#define WM_NAME "currentInputWatermark"
#define WM_SUFFIX "." WM_NAME

/* The subtask index before ".currentInputWatermark", -1 when the id is another metric;
 * *plain when the id is the bare name (no index: the answer's position stands in). */
static long subtask_of(const char *id, bool *plain) {
    size_t n = strlen(id), sn = sizeof WM_SUFFIX - 1;
    *plain = strcmp(id, WM_NAME) == 0;
    if (*plain)
        return 0;
    if (n <= sn || strcmp(id + n - sn, WM_SUFFIX) != 0)
        return -1;
    char *end = NULL;
    long i = strtol(id, &end, 10);
    if (end != id + n - sn || i < 0 || i > 1000000)
        return -1;
    return i;
}

/* A watermark value: the string Flink writes, or a number from a server that differs. */
static int64_t value_of(const cJSON *m) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(m, "value");
    if (cJSON_IsNumber(v) && v->valuedouble >= 9.2e18)
        return WATERMARK_END; /* Long.MAX_VALUE as a double */
    return json_get_i64(m, "value", WATERMARK_NONE);
}

enum fa_status flink_watermarks_parse(const char *body, size_t len, struct vertex_watermarks *out,
                                      char *err, size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    out->n = out->n_none = out->n_end = 0;
    out->min = out->max = WATERMARK_NONE;
    out->slowest = -1;
    const cJSON *m;
    long pos = 0;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        bool plain = false;
        long sub = id ? subtask_of(id, &plain) : -1;
        if (sub < 0)
            continue;
        if (plain)
            sub = pos;
        pos++;
        out->n++;
        int64_t wm = value_of(m);
        if (wm == WATERMARK_NONE) {
            out->n_none++;
        } else if (wm == WATERMARK_END) {
            out->n_end++;
        } else {
            if (out->min == WATERMARK_NONE || wm < out->min) {
                out->min = wm;
                out->slowest = (int)sub;
            }
            if (out->max == WATERMARK_NONE || wm > out->max)
                out->max = wm;
        }
    }
    cJSON_Delete(root);
    return FA_OK;
}

void flink_source_operator(const char *vertex_name, char *buf, size_t size) {
    if (size == 0)
        return;
    buf[0] = '\0';
    if (vertex_name == NULL)
        return;
    const char *arrow = strstr(vertex_name, " -> ");
    size_t n = arrow ? (size_t)(arrow - vertex_name) : strlen(vertex_name);
    n = n > 80 ? 80 : n;
    n = n >= size ? size - 1 : n;
    for (size_t i = 0; i < n; i++)
        buf[i] = strchr(" .:,", vertex_name[i]) != NULL ? '_' : vertex_name[i];
    buf[n] = '\0';
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), k = strlen(suffix);
    return n >= k && strcmp(s + n - k, suffix) == 0;
}

enum fa_status flink_source_lag_parse(const char *body, size_t len, double *pending,
                                      double *lag_max, char *err, size_t errlen) {
    *pending = *lag_max = NAN;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        if (id == NULL)
            continue;
        if (ends_with(id, ".pendingRecords")) {
            double v = json_get_double(m, "sum");
            if (isfinite(v) && v >= 0)
                *pending = isnan(*pending) ? v : *pending + v;
        } else if (ends_with(id, "records-lag-max")) {
            double v = json_get_double(m, "max");
            if (isfinite(v) && v >= 0 && (isnan(*lag_max) || v > *lag_max))
                *lag_max = v;
        }
    }
    cJSON_Delete(root);
    return FA_OK;
}

enum fa_status flink_job_metrics_parse(const char *body, size_t len, int64_t *num_restarts,
                                       char *err, size_t errlen) {
    *num_restarts = -1;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        if (id && strcmp(id, "numRestarts") == 0) {
            int64_t n = json_get_i64(m, "value", -1);
            *num_restarts = n >= 0 ? n : -1;
        }
    }
    cJSON_Delete(root);
    return FA_OK;
}
