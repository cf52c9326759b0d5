#include "flink_detail.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"
#include "xalloc.h"

/* More per-subtask backpressure than this is not a Flink vertex (max parallelism is
 * 32768): refuse it rather than allocate for it. */
#define BP_MAX_SUBTASKS 100000
/* Exception history kept; Flink's own default is 16 (web.exception-history-size). */
#define MAX_EXCEPTIONS 1000
/* What Flink writes for a checkpoint whose metadata was not written to a durable path. */
#define NOT_ADDRESSABLE "<checkpoint-not-externally-addressable>"
/* 2^63: how cJSON holds Long.MAX_VALUE (9223372036854775807), which it cannot represent. */
#define TWO_POW_63 9223372036854775808.0

/* ---- small getters ------------------------------------------------------------------- */

/* Counts, sizes, timestamps and durations are never negative: a negative value is as
 * unknown as a missing one (and -1 is what Flink itself sends for "not yet"). */
static int get_count(const cJSON *o, const char *key) {
    int v = json_get_int(o, key, -1);
    return v < 0 ? -1 : v;
}

static int64_t get_nonneg(const cJSON *o, const char *key) {
    int64_t v = json_get_i64(o, key, -1);
    return v < 0 ? -1 : v;
}

/* A string field; empty counts as unknown. returns owned string or NULL */
static char *get_text(const cJSON *o, const char *key) {
    char *s = json_get_string(o, key);
    if (s != NULL && s[0] == '\0') {
        free(s);
        s = NULL;
    }
    return s;
}

static const cJSON *get_object(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *get_array(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsArray(v) ? v : NULL;
}

static size_t count_objects(const cJSON *arr) {
    size_t n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (cJSON_IsObject(it))
            n++;
    }
    return n;
}

/* A rate or time that cannot be negative or infinite: anything else is unknown. */
static double nonneg_or_nan(double d) { return (isfinite(d) && d >= 0) ? d : NAN; }

static void ascii_lower(char *s) {
    for (; s != NULL && *s; s++)
        if (*s >= 'A' && *s <= 'Z')
            *s = (char)(*s - 'A' + 'a');
}

static bool ascii_ieq(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        char x = (*a >= 'A' && *a <= 'Z') ? (char)(*a - 'A' + 'a') : *a;
        char y = (*b >= 'A' && *b <= 'Z') ? (char)(*b - 'A' + 'a') : *b;
        if (x != y)
            return false;
    }
    return *a == *b;
}

/* ---- text that may span lines ------------------------------------------------------ */

/* returns owned copy of a stack trace with each line sanitised and the lines joined by
 * '\n'; a tab becomes four spaces, trailing blank lines go. NULL stays NULL. */
static char *sanitize_trace(const char *s) {
    if (s == NULL)
        return NULL;
    size_t tabs = 0, n = 0;
    for (; s[n]; n++)
        tabs += s[n] == '\t';
    char *expanded = xmalloc(n + 3 * tabs + 1);
    size_t e = 0;
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\t') {
            memcpy(expanded + e, "    ", 4);
            e += 4;
        } else {
            expanded[e++] = s[i];
        }
    }
    expanded[e] = '\0';
    /* a sanitised line can grow (a control byte becomes U+FFFD, 3 bytes: at most 3x),
     * plus a '\n' a line */
    char *out = xmalloc(4 * e + 2);
    size_t o = 0;
    for (size_t i = 0; i <= e;) {
        size_t line = 0;
        while (i + line < e && expanded[i + line] != '\n')
            line++;
        char *clean = sanitize_strndup(expanded + i, line);
        size_t cl = strlen(clean);
        if (o > 0)
            out[o++] = '\n';
        memcpy(out + o, clean, cl);
        o += cl;
        free(clean);
        i += line + 1;
    }
    free(expanded);
    while (o > 0 && (out[o - 1] == '\n' || out[o - 1] == ' '))
        o--;
    out[o] = '\0';
    /* and leading blank lines */
    size_t start = 0, k = 0;
    for (; k < o && (out[k] == ' ' || out[k] == '\n'); k++)
        if (out[k] == '\n')
            start = k + 1;
    if (start > 0)
        memmove(out, out + start, o - start + 1);
    /* held while the job is shown: give back the 4x room sanitising might have needed */
    return xrealloc(out, o - start + 1);
}

/* returns owned one-line form of a message that may span lines: each line sanitised and
 * trimmed, blank ones dropped, the rest joined by one space; NULL when nothing is left */
static char *one_line(const char *s) {
    char *trace = sanitize_trace(s);
    if (trace == NULL)
        return NULL;
    size_t o = 0;
    for (const char *p = trace; *p;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, "\n");
        size_t keep = n;
        while (keep > 0 && p[keep - 1] == ' ')
            keep--;
        if (keep > 0) {
            if (o > 0)
                trace[o++] = ' ';
            memmove(trace + o, p, keep); /* o never passes p: the text only shrinks */
            o += keep;
        }
        p += n;
        if (*p == '\n')
            p++;
    }
    trace[o] = '\0';
    if (o == 0) {
        free(trace);
        trace = NULL;
    }
    return trace;
}

/* returns owned first non-blank line of a sanitised trace, trimmed, or NULL */
static char *first_line(const char *trace) {
    if (trace == NULL)
        return NULL;
    const char *p = trace;
    for (;;) {
        while (*p == ' ')
            p++;
        size_t n = strcspn(p, "\n");
        while (n > 0 && p[n - 1] == ' ')
            n--;
        if (n > 0)
            return xstrndup(p, n);
        p += strcspn(p, "\n");
        if (*p == '\0')
            return NULL;
        p++;
    }
}

/* The exception class at the start of a first line ("java.io.IOException: disk full"):
 * the text before ':' when it is a dotted name with no space in it. returns owned string
 * or NULL */
static char *class_of_line(const char *line) {
    if (line == NULL)
        return NULL;
    size_t n = strcspn(line, ":");
    if (n == 0 || memchr(line, ' ', n) != NULL || memchr(line, '.', n) == NULL)
        return NULL;
    return xstrndup(line, n);
}

/* ---- /jobs/:jid ---------------------------------------------------------------------- */

/* Vertex ids sorted for lookup: a hostile plan with many nodes and inputs stays
 * O(n log n) instead of comparing every node with every vertex. */
struct id_index {
    const char *id;
    size_t at;
};

static int id_index_cmp(const void *a, const void *b) {
    return strcmp(((const struct id_index *)a)->id, ((const struct id_index *)b)->id);
}

/* the index in the vertex list of id, or -1 */
static long id_index_find(const struct id_index *ix, size_t n, const char *id) {
    if (id[0] == '\0' || n == 0)
        return -1;
    struct id_index key = {id, 0};
    const struct id_index *hit = bsearch(&key, ix, n, sizeof *ix, id_index_cmp);
    return hit != NULL ? (long)hit->at : -1;
}

/* A name from a fixed vocabulary (a ship strategy: HASH, RANGE, FORWARD): its letters,
 * digits, '_' and '-' up to size - 1 bytes, "" when it has anything else. */
static void copy_token(char *dst, size_t size, const char *src) {
    size_t n = 0;
    dst[0] = '\0';
    if (src == NULL)
        return;
    for (; src[n] && n + 1 < size; n++) {
        char c = src[n];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-')) {
            dst[0] = '\0';
            return;
        }
        dst[n] = c;
    }
    dst[n] = '\0';
}

/* plan.nodes[].inputs[].id: the upstream vertices of the vertex with the node's id, in
 * the plan's order. Inputs that are not vertices of this job, repeats and the vertex
 * itself are left out; the first node with an id wins. */
static void read_plan_inputs(const cJSON *root, struct vertex_list *out) {
    const cJSON *nodes = get_array(get_object(root, "plan"), "nodes");
    if (nodes == NULL || out->len == 0)
        return;
    struct id_index *ix = xmalloc(out->len * sizeof *ix);
    size_t n_ix = 0;
    for (size_t i = 0; i < out->len; i++)
        if (out->items[i].id[0] != '\0')
            ix[n_ix++] = (struct id_index){out->items[i].id, i};
    qsort(ix, n_ix, sizeof *ix, id_index_cmp);
    /* mark[u] == d + 1 once vertex u is an input of vertex d */
    size_t *mark = xcalloc(out->len, sizeof *mark);

    const cJSON *node;
    cJSON_ArrayForEach(node, nodes) {
        char id[33];
        json_doc_copy_hex_id(id, json_get_string_ref(node, "id"));
        long d = id_index_find(ix, n_ix, id);
        const cJSON *inputs = get_array(node, "inputs");
        if (d < 0 || inputs == NULL || out->items[d].inputs != NULL)
            continue;
        struct vertex *v = &out->items[d];
        /* distinct upstream vertices: no more than the inputs listed, nor the vertices */
        size_t cap = (size_t)cJSON_GetArraySize(inputs);
        if (cap > out->len)
            cap = out->len;
        v->inputs = xcalloc(cap, sizeof *v->inputs);
        v->ship = xcalloc(cap, sizeof *v->ship);
        const cJSON *in;
        cJSON_ArrayForEach(in, inputs) {
            char up[33];
            json_doc_copy_hex_id(up, json_get_string_ref(in, "id"));
            long u = id_index_find(ix, n_ix, up);
            if (u < 0 || u == d || mark[u] == (size_t)d + 1)
                continue;
            mark[u] = (size_t)d + 1;
            copy_token(v->ship[v->n_inputs], sizeof v->ship[0],
                       json_get_string_ref(in, "ship_strategy"));
            memcpy(v->inputs[v->n_inputs++], up, sizeof up);
        }
    }
    free(mark);
    free(ix);
}

enum fa_status flink_detail_parse_job(const char *body, size_t len, struct job_details *summary,
                                      struct vertex_list *out, char *err, size_t errlen) {
    struct job_details sum = {
        .id = "", .parallelism = -1, .max_parallelism = -1, .vertex_count = -1};
    out->items = NULL;
    out->len = 0;
    if (summary != NULL)
        *summary = sum;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;

    json_doc_copy_hex_id(sum.id, json_get_string_ref(root, "jid"));
    const cJSON *vertices = get_array(root, "vertices");
    int max_maxpar = -1;
    if (vertices != NULL) {
        out->items = xcalloc(count_objects(vertices), sizeof *out->items);
        const cJSON *o;
        cJSON_ArrayForEach(o, vertices) {
            if (!cJSON_IsObject(o))
                continue;
            struct vertex *v = &out->items[out->len++];
            vertex_init(v);
            json_doc_copy_hex_id(v->id, json_get_string_ref(o, "id"));
            v->name = json_get_string(o, "name");
            v->parallelism = get_count(o, "parallelism");
            v->max_parallelism = get_count(o, "maxParallelism");
            v->status = get_text(o, "status");
            if (v->parallelism > 0 && v->parallelism > sum.parallelism)
                sum.parallelism = v->parallelism;
            if (v->max_parallelism > 0 && v->max_parallelism > max_maxpar)
                max_maxpar = v->max_parallelism;
        }
        sum.vertex_count = (int)out->len;
    }
    /* The job's own maxParallelism is -1 when not set: then the vertices tell. */
    int job_maxpar = get_count(root, "maxParallelism");
    sum.max_parallelism = job_maxpar > 0 ? job_maxpar : max_maxpar;
    read_plan_inputs(root, out);
    cJSON_Delete(root);
    if (summary != NULL)
        *summary = sum;
    return FA_OK;
}

/* ---- /jobs/:jid/vertices/:vid/subtasks/metrics ---------------------------------------- */

enum fa_status flink_detail_parse_vertex_metrics(const char *body, size_t len, struct vertex *v,
                                                 char *err, size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st; /* v keeps what it had */
    double in = NAN, out = NAN, busy = NAN, bp = NAN, idle = NAN;
    const struct {
        const char *id;
        const char *agg;
        double *dst;
    } wanted[] = {
        {"numRecordsInPerSecond", "sum", &in}, {"numRecordsOutPerSecond", "sum", &out},
        {"busyTimeMsPerSecond", "max", &busy}, {"backPressuredTimeMsPerSecond", "max", &bp},
        {"idleTimeMsPerSecond", "max", &idle},
    };
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        if (id == NULL)
            continue;
        for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
            if (strcmp(id, wanted[i].id) == 0 && isnan(*wanted[i].dst))
                *wanted[i].dst = nonneg_or_nan(json_get_double(m, wanted[i].agg));
    }
    cJSON_Delete(root);
    v->in_per_s = in;
    v->out_per_s = out;
    v->busy_ms = busy;
    v->backpressured_ms = bp;
    v->idle_ms = idle;
    return FA_OK;
}

/* ---- /jobs/:jid/vertices/:vid/backpressure -------------------------------------------- */

static enum bp_level parse_level(const char *s) {
    if (s == NULL)
        return BP_UNKNOWN;
    if (ascii_ieq(s, "ok"))
        return BP_OK;
    if (ascii_ieq(s, "low"))
        return BP_LOW;
    if (ascii_ieq(s, "high"))
        return BP_HIGH;
    return BP_UNKNOWN;
}

static enum bp_level get_level(const cJSON *o) {
    enum bp_level l = parse_level(json_get_string_ref(o, "backpressureLevel"));
    if (l == BP_UNKNOWN)
        l = parse_level(json_get_string_ref(o, "backpressure-level"));
    return l;
}

/* A ratio in 0..1; a hair over 1 (rounding in ms/1000) is 1, anything else unknown. */
static double get_ratio(const cJSON *o, const char *key) {
    double d = json_get_double(o, key);
    if (!isfinite(d) || d < 0 || d > 1.001)
        return NAN;
    return d > 1 ? 1 : d;
}

/* The subtask index of one entry: -1 when missing or not a whole number >= 0 (the entry
 * cannot be placed), BP_MAX_SUBTASKS when it is that large or larger. */
static long get_subtask_index(const cJSON *o) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "subtask");
    double d;
    if (cJSON_IsNumber(v)) {
        d = v->valuedouble;
    } else {
        int64_t i = json_get_i64(o, "subtask", -1); /* numeric strings */
        if (i < 0)
            return -1;
        d = i >= BP_MAX_SUBTASKS ? BP_MAX_SUBTASKS : (double)i;
    }
    if (!isfinite(d) || d < 0 || d != floor(d)) {
        /* cJSON reads 1e400 as +inf: that is too many, not unplaceable */
        return (isinf(d) && d > 0) ? BP_MAX_SUBTASKS : -1;
    }
    return d >= BP_MAX_SUBTASKS ? BP_MAX_SUBTASKS : (long)d;
}

static double *nan_array(size_t n) {
    double *a = xmalloc(n * sizeof *a);
    for (size_t i = 0; i < n; i++)
        a[i] = NAN;
    return a;
}

enum fa_status flink_detail_parse_backpressure(const char *body, size_t len, struct vertex *v,
                                               char *err, size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st; /* v keeps what it had */

    const char *status = json_get_string_ref(root, "status");
    const cJSON *subtasks = get_array(root, "subtasks");
    bool deprecated = status != NULL && ascii_ieq(status, "deprecated");
    bool sampled = !deprecated && ((status != NULL && ascii_ieq(status, "ok")) || subtasks != NULL);
    if (!sampled)
        subtasks = NULL;

    /* First pass: how many, and how wide. */
    size_t n = 0;
    size_t entries = 0;
    const cJSON *s;
    cJSON_ArrayForEach(s, subtasks) {
        if (!cJSON_IsObject(s))
            continue;
        long idx = get_subtask_index(s);
        if (idx >= BP_MAX_SUBTASKS || ++entries > BP_MAX_SUBTASKS) {
            if (err != NULL && errlen > 0)
                snprintf(err, errlen, "backpressure for more than %d subtasks", BP_MAX_SUBTASKS);
            cJSON_Delete(root);
            return FA_SHAPE;
        }
        if (idx >= 0 && (size_t)idx + 1 > n)
            n = (size_t)idx + 1;
    }

    double *ratio = NULL, *busy = NULL, *idle = NULL;
    if (n > 0) {
        ratio = nan_array(n);
        busy = nan_array(n);
        idle = nan_array(n);
    }
    bool *filled = n > 0 ? xcalloc(n, sizeof *filled) : NULL;
    double worst = NAN;
    cJSON_ArrayForEach(s, subtasks) {
        long idx = cJSON_IsObject(s) ? get_subtask_index(s) : -1;
        if (idx < 0 || (size_t)idx >= n || filled[idx])
            continue; /* unplaceable, or a repeat: the first answer for a subtask wins */
        filled[idx] = true;
        ratio[idx] = get_ratio(s, "ratio");
        busy[idx] = get_ratio(s, "busyRatio");
        idle[idx] = get_ratio(s, "idleRatio");
        if (!isnan(ratio[idx]) && (isnan(worst) || ratio[idx] > worst))
            worst = ratio[idx];
    }
    free(filled);

    enum bp_level level = sampled ? get_level(root) : BP_UNKNOWN;
    if (sampled && level == BP_UNKNOWN)
        level = bp_level_of_ratio(worst);
    cJSON_Delete(root);

    free(v->bp_ratio);
    free(v->busy_ratio);
    free(v->idle_ratio);
    v->bp_sampled = sampled;
    v->bp_level = level;
    v->n_subtasks = n;
    v->bp_ratio = ratio;
    v->busy_ratio = busy;
    v->idle_ratio = idle;
    return FA_OK;
}

/* ---- /jobs/:jid/checkpoints ----------------------------------------------------------- */

/* status, or (when absent) what the className / pre-1.15 @class discriminator says. */
static char *checkpoint_status(const cJSON *o) {
    char *s = get_text(o, "status");
    if (s != NULL)
        return s;
    const char *cls = json_get_string_ref(o, "className");
    if (cls == NULL)
        cls = json_get_string_ref(o, "@class");
    if (cls == NULL)
        return NULL;
    if (strcmp(cls, "completed") == 0)
        return xstrdup("COMPLETED");
    if (strcmp(cls, "failed") == 0)
        return xstrdup("FAILED");
    if (strcmp(cls, "in_progress") == 0)
        return xstrdup("IN_PROGRESS");
    return NULL;
}

/* external_path; NULL when there is none to restore from. */
static char *checkpoint_path(const cJSON *o) {
    char *p = get_text(o, "external_path");
    if (p != NULL && strcmp(p, NOT_ADDRESSABLE) == 0) {
        free(p);
        p = NULL;
    }
    return p;
}

/* c must be initialised (checkpoint_init) and own nothing. */
static void parse_checkpoint(const cJSON *o, struct checkpoint *c) {
    c->id = get_nonneg(o, "id");
    c->status = checkpoint_status(o);
    c->is_savepoint = json_get_bool(o, "is_savepoint", false);
    c->trigger_ts = get_nonneg(o, "trigger_timestamp");
    c->ack_ts = get_nonneg(o, "latest_ack_timestamp");
    c->duration_ms = get_nonneg(o, "end_to_end_duration");
    c->state_size = get_nonneg(o, "state_size");
    int64_t incremental = get_nonneg(o, "checkpointed_size"); /* 1.15+ */
    c->size_bytes = incremental >= 0 ? incremental : c->state_size;
    c->path = checkpoint_path(o);
    c->failure_ts = get_nonneg(o, "failure_timestamp");
    c->failure_message = one_line(json_get_string_ref(o, "failure_message"));
    c->discarded = json_get_bool(o, "discarded", false);
    const char *fmt = json_get_string_ref(o, "savepointFormat");
    if (fmt && strlen(fmt) < sizeof c->format &&
        strspn(fmt, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_") == strlen(fmt))
        snprintf(c->format, sizeof c->format, "%s", fmt);
}

static void parse_restored(const cJSON *o, struct checkpoint *c) {
    c->id = get_nonneg(o, "id");
    c->restore_ts = get_nonneg(o, "restore_timestamp");
    c->is_savepoint = json_get_bool(o, "is_savepoint", false);
    c->path = checkpoint_path(o);
}

enum fa_status flink_detail_parse_checkpoints(const char *body, size_t len,
                                              struct checkpoint_stats *out, char *err,
                                              size_t errlen) {
    checkpoint_stats_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;

    const cJSON *counts = get_object(root, "counts");
    out->restored = get_nonneg(counts, "restored");
    out->total = get_nonneg(counts, "total");
    out->completed = get_nonneg(counts, "completed");
    out->failed = get_nonneg(counts, "failed");
    out->in_progress = get_nonneg(counts, "in_progress");

    const cJSON *latest = get_object(root, "latest");
    /* Each is null until there is one. */
    const cJSON *o = get_object(latest, "completed");
    if (o != NULL)
        parse_checkpoint(o, &out->last_completed);
    o = get_object(latest, "savepoint");
    if (o != NULL)
        parse_checkpoint(o, &out->last_savepoint);
    o = get_object(latest, "failed");
    if (o != NULL)
        parse_checkpoint(o, &out->last_failed);
    o = get_object(latest, "restored");
    if (o != NULL)
        parse_restored(o, &out->last_restored);

    const cJSON *history = get_array(root, "history");
    if (history != NULL) {
        out->history = xcalloc(count_objects(history), sizeof *out->history);
        cJSON_ArrayForEach(o, history) {
            if (!cJSON_IsObject(o))
                continue;
            struct checkpoint *c = &out->history[out->n_history++];
            checkpoint_init(c);
            parse_checkpoint(o, c);
        }
    }
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /jobs/:jid/checkpoints/config ---------------------------------------------------- */

/* interval: Long.MAX_VALUE means periodic checkpoints are off, which is not "unknown". */
static int64_t get_interval(const cJSON *o) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, "interval");
    if (cJSON_IsNumber(v) && v->valuedouble == TWO_POW_63)
        return INT64_MAX;
    return get_nonneg(o, "interval");
}

enum fa_status flink_detail_parse_checkpoint_config(const char *body, size_t len,
                                                    struct checkpoint_config *out, char *err,
                                                    size_t errlen) {
    checkpoint_config_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    out->enabled = true;
    out->mode = get_text(root, "mode");
    ascii_lower(out->mode); /* the OpenAPI spec shows EXACTLY_ONCE; the wire says exactly_once */
    out->interval_ms = get_interval(root);
    out->timeout_ms = get_nonneg(root, "timeout");
    out->min_pause_ms = get_nonneg(root, "min_pause");
    out->max_concurrent = get_nonneg(root, "max_concurrent");
    out->tolerable_failed = get_count(root, "tolerable_failed_checkpoints");
    out->state_backend = get_text(root, "state_backend");
    out->unaligned = json_get_bool(root, "unaligned_checkpoints", false);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /jobs/:jid/exceptions ------------------------------------------------------------ */

static void parse_exception(const cJSON *o, struct exception_entry *x) {
    x->name = get_text(o, "exceptionName");
    x->stacktrace = sanitize_trace(json_get_string_ref(o, "stacktrace"));
    x->message = first_line(x->stacktrace);
    if (x->message == NULL)
        x->message = xstrdup(x->name);
    x->timestamp = get_nonneg(o, "timestamp");
    x->task = get_text(o, "taskName");
    x->endpoint = get_text(o, "endpoint"); /* 1.19+ */
    if (x->endpoint == NULL)
        x->endpoint = get_text(o, "location"); /* 1.13 to 1.20 */
}

enum fa_status flink_detail_parse_exceptions(const char *body, size_t len, struct exceptions *out,
                                             char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;

    const cJSON *history = get_object(root, "exceptionHistory");
    const cJSON *entries = get_array(history, "entries");
    size_t n = count_objects(entries);
    if (n > 0) {
        out->truncated = json_get_bool(history, "truncated", false) || n > MAX_EXCEPTIONS;
        if (n > MAX_EXCEPTIONS)
            n = MAX_EXCEPTIONS;
        out->entries = xcalloc(n, sizeof *out->entries);
        const cJSON *o;
        cJSON_ArrayForEach(o, entries) {
            if (!cJSON_IsObject(o))
                continue;
            if (out->len == n)
                break;
            parse_exception(o, &out->entries[out->len++]);
        }
    } else {
        /* Before 1.13 (and still in 1.x next to an empty history): root-exception. */
        const char *root_exc = json_get_string_ref(root, "root-exception");
        char *trace = sanitize_trace(root_exc);
        char *msg = first_line(trace);
        if (msg != NULL) {
            out->entries = xcalloc(1, sizeof *out->entries);
            struct exception_entry *x = &out->entries[out->len++];
            x->stacktrace = trace;
            trace = NULL;
            x->message = msg;
            msg = NULL;
            x->name = class_of_line(x->message);
            x->timestamp = get_nonneg(root, "timestamp");
            out->truncated = json_get_bool(root, "truncated", false);
        }
        free(trace);
        free(msg);
    }
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /taskmanagers/:tmid/metrics ------------------------------------------------------ */

enum fa_status flink_detail_parse_tm_metrics(const char *body, size_t len, struct tm_metrics *out,
                                             char *err, size_t errlen) {
    out->heap_used = out->heap_max = out->cpu_load = out->threads = NAN;
    out->gc_time_ms_per_s = NAN;
    out->gc_time_total_ms = NAN;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const struct {
        const char *id;
        double *dst;
    } wanted[] = {
        {"Status.JVM.Memory.Heap.Used", &out->heap_used},
        {"Status.JVM.Memory.Heap.Max", &out->heap_max},
        {"Status.JVM.CPU.Load", &out->cpu_load},
        {"Status.JVM.Threads.Count", &out->threads},
        {"Status.JVM.GarbageCollector.All.TimeMsPerSecond", &out->gc_time_ms_per_s},
    };
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        if (id == NULL)
            continue;
        /* value is a string ("34", "0.0", "NaN"); json_get_double reads it with strtod
         * and insists on reaching its end. Heap max is -1 when the JVM has none, CPU load
         * negative when not available: both unknown. */
        for (size_t i = 0; i < sizeof wanted / sizeof wanted[0]; i++)
            if (strcmp(id, wanted[i].id) == 0 && isnan(*wanted[i].dst))
                *wanted[i].dst = nonneg_or_nan(json_get_double(m, "value"));
        /* a collector's Time (not All's: its rate is read above) adds to the total */
        size_t idl = strlen(id);
        if (strncmp(id, "Status.JVM.GarbageCollector.", 28) == 0 && idl > 33 &&
            strcmp(id + idl - 5, ".Time") == 0 && strncmp(id + 28, "All.", 4) != 0) {
            double v = nonneg_or_nan(json_get_double(m, "value"));
            double sum = isnan(out->gc_time_total_ms) ? 0 : out->gc_time_total_ms;
            if (!isnan(v))
                out->gc_time_total_ms = sum + v;
        }
    }
    cJSON_Delete(root);
    return FA_OK;
}
