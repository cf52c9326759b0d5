#include "sim_metrics.h"

#include "sim_load.h"
#include "sim_model.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* How a value is written as a string: a Java long, a Java double, or a boolean. */
enum fmt { FMT_LONG, FMT_DOUBLE, FMT_BOOL };

/* Task metrics every subtask reports (Flink's MetricNames), in the order the id list
 * shows them. */
#define TASK_METRICS(X)                                                                            \
    X(RECORDS_IN, "numRecordsIn", FMT_LONG)                                                        \
    X(RECORDS_OUT, "numRecordsOut", FMT_LONG)                                                      \
    X(BYTES_IN, "numBytesIn", FMT_LONG)                                                            \
    X(BYTES_OUT, "numBytesOut", FMT_LONG)                                                          \
    X(RECORDS_IN_RATE, "numRecordsInPerSecond", FMT_DOUBLE)                                        \
    X(RECORDS_OUT_RATE, "numRecordsOutPerSecond", FMT_DOUBLE)                                      \
    X(BYTES_IN_RATE, "numBytesInPerSecond", FMT_DOUBLE)                                            \
    X(BYTES_OUT_RATE, "numBytesOutPerSecond", FMT_DOUBLE)                                          \
    X(BUSY, "busyTimeMsPerSecond", FMT_DOUBLE)                                                     \
    X(IDLE, "idleTimeMsPerSecond", FMT_LONG)                                                       \
    X(BACKPRESSURED, "backPressuredTimeMsPerSecond", FMT_LONG)                                     \
    X(SOFT_BACKPRESSURED, "softBackPressuredTimeMsPerSecond", FMT_LONG)                            \
    X(HARD_BACKPRESSURED, "hardBackPressuredTimeMsPerSecond", FMT_LONG)                            \
    X(ACC_BUSY, "accumulateBusyTimeMs", FMT_DOUBLE)                                                \
    X(ACC_IDLE, "accumulateIdleTimeMs", FMT_LONG)                                                  \
    X(ACC_BACKPRESSURED, "accumulateBackPressuredTimeMs", FMT_LONG)                                \
    X(IS_BACKPRESSURED, "isBackPressured", FMT_BOOL)                                               \
    X(IN_POOL, "buffers.inPoolUsage", FMT_DOUBLE)                                                  \
    X(OUT_POOL, "buffers.outPoolUsage", FMT_DOUBLE)                                                \
    X(IN_QUEUE, "buffers.inputQueueLength", FMT_LONG)                                              \
    X(OUT_QUEUE, "buffers.outputQueueLength", FMT_LONG)                                            \
    X(WATERMARK, "currentInputWatermark", FMT_LONG)                                                \
    X(MAILBOX, "mailboxMailsPerSecond", FMT_DOUBLE)                                                \
    X(START_DELAY, "checkpointStartDelayNanos", FMT_LONG)

enum task_metric {
#define TASK_ENUM(id, name, fmt) TM_##id,
    TASK_METRICS(TASK_ENUM)
#undef TASK_ENUM
        TASK_METRIC_COUNT
};

struct metric_info {
    const char *name;
    enum fmt fmt;
    int since_major, since_minor; /* task manager metrics that came later */
};

static const struct metric_info task_metrics[TASK_METRIC_COUNT] = {
#define TASK_INFO(id, name, fmt) {name, fmt, 1, 0},
    TASK_METRICS(TASK_INFO)
#undef TASK_INFO
};

/* Task manager metrics. The per-collector TimeMsPerSecond and the "All" collector came
 * with 2.0 here; older clusters lack them. */
#define JVM_METRICS(X)                                                                             \
    X(CPU_LOAD, "Status.JVM.CPU.Load", FMT_DOUBLE, 1, 0)                                           \
    X(CPU_TIME, "Status.JVM.CPU.Time", FMT_LONG, 1, 0)                                             \
    X(HEAP_USED, "Status.JVM.Memory.Heap.Used", FMT_LONG, 1, 0)                                    \
    X(HEAP_COMMITTED, "Status.JVM.Memory.Heap.Committed", FMT_LONG, 1, 0)                          \
    X(HEAP_MAX, "Status.JVM.Memory.Heap.Max", FMT_LONG, 1, 0)                                      \
    X(NONHEAP_USED, "Status.JVM.Memory.NonHeap.Used", FMT_LONG, 1, 0)                              \
    X(NONHEAP_COMMITTED, "Status.JVM.Memory.NonHeap.Committed", FMT_LONG, 1, 0)                    \
    X(NONHEAP_MAX, "Status.JVM.Memory.NonHeap.Max", FMT_LONG, 1, 0)                                \
    X(METASPACE_USED, "Status.JVM.Memory.Metaspace.Used", FMT_LONG, 1, 0)                          \
    X(METASPACE_COMMITTED, "Status.JVM.Memory.Metaspace.Committed", FMT_LONG, 1, 0)                \
    X(METASPACE_MAX, "Status.JVM.Memory.Metaspace.Max", FMT_LONG, 1, 0)                            \
    X(DIRECT_COUNT, "Status.JVM.Memory.Direct.Count", FMT_LONG, 1, 0)                              \
    X(DIRECT_USED, "Status.JVM.Memory.Direct.MemoryUsed", FMT_LONG, 1, 0)                          \
    X(DIRECT_CAPACITY, "Status.JVM.Memory.Direct.TotalCapacity", FMT_LONG, 1, 0)                   \
    X(MAPPED_COUNT, "Status.JVM.Memory.Mapped.Count", FMT_LONG, 1, 0)                              \
    X(MAPPED_USED, "Status.JVM.Memory.Mapped.MemoryUsed", FMT_LONG, 1, 0)                          \
    X(MAPPED_CAPACITY, "Status.JVM.Memory.Mapped.TotalCapacity", FMT_LONG, 1, 0)                   \
    X(THREADS, "Status.JVM.Threads.Count", FMT_LONG, 1, 0)                                         \
    X(CLASSES_LOADED, "Status.JVM.ClassLoader.ClassesLoaded", FMT_LONG, 1, 0)                      \
    X(CLASSES_UNLOADED, "Status.JVM.ClassLoader.ClassesUnloaded", FMT_LONG, 1, 0)                  \
    X(YOUNG_COUNT, "Status.JVM.GarbageCollector.G1_Young_Generation.Count", FMT_LONG, 1, 0)        \
    X(YOUNG_TIME, "Status.JVM.GarbageCollector.G1_Young_Generation.Time", FMT_LONG, 1, 0)          \
    X(YOUNG_RATE, "Status.JVM.GarbageCollector.G1_Young_Generation.TimeMsPerSecond", FMT_DOUBLE,   \
      2, 0)                                                                                        \
    X(OLD_COUNT, "Status.JVM.GarbageCollector.G1_Old_Generation.Count", FMT_LONG, 1, 0)            \
    X(OLD_TIME, "Status.JVM.GarbageCollector.G1_Old_Generation.Time", FMT_LONG, 1, 0)              \
    X(OLD_RATE, "Status.JVM.GarbageCollector.G1_Old_Generation.TimeMsPerSecond", FMT_DOUBLE, 2, 0) \
    X(ALL_COUNT, "Status.JVM.GarbageCollector.All.Count", FMT_LONG, 2, 0)                          \
    X(ALL_TIME, "Status.JVM.GarbageCollector.All.Time", FMT_LONG, 2, 0)                            \
    X(ALL_RATE, "Status.JVM.GarbageCollector.All.TimeMsPerSecond", FMT_DOUBLE, 2, 0)               \
    X(MANAGED_USED, "Status.Flink.Memory.Managed.Used", FMT_LONG, 1, 0)                            \
    X(MANAGED_TOTAL, "Status.Flink.Memory.Managed.Total", FMT_LONG, 1, 0)                          \
    X(SEGMENTS_AVAILABLE, "Status.Shuffle.Netty.AvailableMemorySegments", FMT_LONG, 1, 0)          \
    X(SEGMENTS_USED, "Status.Shuffle.Netty.UsedMemorySegments", FMT_LONG, 1, 0)                    \
    X(SEGMENTS_TOTAL, "Status.Shuffle.Netty.TotalMemorySegments", FMT_LONG, 1, 0)

enum jvm_metric {
#define JVM_ENUM(id, name, fmt, major, minor) JVM_##id,
    JVM_METRICS(JVM_ENUM)
#undef JVM_ENUM
        JVM_METRIC_COUNT
};

static const struct metric_info jvm_metrics[JVM_METRIC_COUNT] = {
#define JVM_INFO(id, name, fmt, major, minor) {name, fmt, major, minor},
    JVM_METRICS(JVM_INFO)
#undef JVM_INFO
};

/* Aggregations, in the order Flink's AggregatedMetric writes them. */
enum { AGG_MIN = 1, AGG_MAX = 2, AGG_AVG = 4, AGG_SUM = 8, AGG_SKEW = 16 };
static const struct {
    const char *name;
    unsigned bit;
} aggs[] = {
    {"min", AGG_MIN}, {"max", AGG_MAX}, {"avg", AGG_AVG}, {"sum", AGG_SUM}, {"skew", AGG_SKEW}};
#define N_AGGS (sizeof aggs / sizeof aggs[0])

/* ---- small helpers -------------------------------------------------------------- */

/* Next non-empty comma-separated token of *p; false at the end. */
static bool next_token(const char **p, const char **tok, size_t *len) {
    while (**p == ',')
        (*p)++;
    if (**p == '\0')
        return false;
    *tok = *p;
    while (**p != ',' && **p != '\0')
        (*p)++;
    *len = (size_t)(*p - *tok);
    return true;
}

static bool token_is(const char *tok, size_t len, const char *s) {
    return strlen(s) == len && memcmp(tok, s, len) == 0;
}

/* Whether the same token appeared earlier in the list starting at list. */
static bool seen_before(const char *list, const char *tok, size_t len) {
    const char *p = list, *t;
    size_t n;
    while (next_token(&p, &t, &n) && t < tok)
        if (n == len && memcmp(t, tok, len) == 0)
            return true;
    return false;
}

/* Writes v as Java's Double.toString does: the shortest digits that read back as v, plain
 * for 1e-3 <= |v| < 1e7 and "1.2E8" otherwise, always with a fractional digit. */
static void java_double(char *buf, size_t cap, double v) {
    if (isnan(v)) {
        snprintf(buf, cap, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, "%s", v > 0 ? "Infinity" : "-Infinity");
        return;
    }
    if (v == 0.0) {
        snprintf(buf, cap, "%s", signbit(v) ? "-0.0" : "0.0");
        return;
    }
    char e[48];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(e, sizeof e, "%.*e", prec - 1, v);
        if (strtod(e, NULL) == v)
            break;
    }
    const char *p = e[0] == '-' ? e + 1 : e;
    char digits[24];
    size_t nd = 0;
    for (; *p != 'e' && *p != '\0' && nd < sizeof digits; p++)
        if (*p != '.')
            digits[nd++] = *p;
    int exp = *p == 'e' ? (int)strtol(p + 1, NULL, 10) : 0;
    while (nd > 1 && digits[nd - 1] == '0')
        nd--;
    char out[64];
    size_t n = 0;
    if (v < 0)
        out[n++] = '-';
    double a = fabs(v);
    if (a >= 1e-3 && a < 1e7) {
        if (exp >= 0) {
            for (int i = 0; i <= exp; i++)
                out[n++] = i < (int)nd ? digits[i] : '0';
            out[n++] = '.';
            if ((int)nd > exp + 1)
                for (size_t i = (size_t)exp + 1; i < nd; i++)
                    out[n++] = digits[i];
            else
                out[n++] = '0';
        } else {
            out[n++] = '0';
            out[n++] = '.';
            for (int i = 0; i < -exp - 1; i++)
                out[n++] = '0';
            for (size_t i = 0; i < nd; i++)
                out[n++] = digits[i];
        }
        out[n] = '\0';
    } else {
        out[n++] = digits[0];
        out[n++] = '.';
        if (nd > 1)
            for (size_t i = 1; i < nd; i++)
                out[n++] = digits[i];
        else
            out[n++] = '0';
        snprintf(out + n, sizeof out - n, "E%d", exp);
    }
    snprintf(buf, cap, "%s", out);
}

static void format_value(char *buf, size_t cap, double v, enum fmt f) {
    if (f == FMT_BOOL)
        snprintf(buf, cap, "%s", v != 0.0 ? "true" : "false");
    else if (f == FMT_DOUBLE || isnan(v))
        java_double(buf, cap, v);
    else
        snprintf(buf, cap, "%lld", (long long)llround(v));
}

static void add_value(cJSON *arr, const char *id, double v, enum fmt f) {
    char buf[64];
    format_value(buf, sizeof buf, v, f);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddStringToObject(o, "value", buf);
    cJSON_AddItemToArray(arr, o);
}

static void add_id(cJSON *arr, const char *id) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    cJSON_AddItemToArray(arr, o);
}

static void bad_param(struct sim_reply *r, const char *param, const char *value) {
    sim_reply_error(r, 400,
                    "Bad request, could not parse parameters: Cannot resolve query parameter "
                    "(%s) from value \"%s\".",
                    param, value);
}

/* Parses agg (NULL: every aggregation the version knows). False on an unknown one. */
static bool parse_aggs(const struct sim_cluster *c, const char *agg, unsigned *mask) {
    bool skew = sim_cluster_version_at_least(c, 1, 20);
    *mask = 0;
    if (agg == NULL || agg[0] == '\0') {
        *mask = AGG_MIN | AGG_MAX | AGG_AVG | AGG_SUM | (skew ? AGG_SKEW : 0);
        return true;
    }
    const char *p = agg, *tok;
    size_t len;
    while (next_token(&p, &tok, &len)) {
        bool ok = false;
        for (size_t i = 0; i < N_AGGS; i++) {
            if (strlen(aggs[i].name) == len && strncasecmp(tok, aggs[i].name, len) == 0 &&
                (aggs[i].bit != AGG_SKEW || skew)) {
                *mask |= aggs[i].bit;
                ok = true;
            }
        }
        if (!ok)
            return false;
    }
    return true;
}

static bool parse_index(const char *s, size_t len, long *out) {
    char buf[24];
    if (len == 0 || len >= sizeof buf)
        return false;
    memcpy(buf, s, len);
    buf[len] = '\0';
    char *end = NULL;
    long v = strtol(buf, &end, 10);
    if (*end != '\0' || v < 0)
        return false;
    *out = v;
    return true;
}

/* Parses "0,2,5-9" into sel (n long). NULL selects all. False when malformed. */
static bool parse_subtasks(const char *spec, bool *sel, int n) {
    for (int i = 0; i < n; i++)
        sel[i] = spec == NULL;
    if (spec == NULL)
        return true;
    const char *p = spec, *tok;
    size_t len;
    while (next_token(&p, &tok, &len)) {
        const char *dash = memchr(tok, '-', len);
        long lo, hi;
        if (dash == NULL) {
            if (!parse_index(tok, len, &lo))
                return false;
            hi = lo;
        } else if (!parse_index(tok, (size_t)(dash - tok), &lo) ||
                   !parse_index(dash + 1, len - (size_t)(dash - tok) - 1, &hi) || hi < lo) {
            return false;
        }
        for (long i = lo; i <= hi && i < n; i++)
            sel[i] = true;
    }
    return true;
}

/* Adds {"id", <aggregations>} over vals (n of them) to arr. Math as Flink's
 * DoubleAccumulator: a NaN makes every aggregate NaN, written as the string "NaN". */
static void add_aggregate(cJSON *arr, const char *id, const double *vals, size_t n, unsigned mask) {
    if (n == 0)
        return;
    double min = vals[0], max = vals[0], sum = 0.0;
    bool nan = false;
    for (size_t i = 0; i < n; i++) {
        nan = nan || isnan(vals[i]);
        min = vals[i] < min ? vals[i] : min;
        max = vals[i] > max ? vals[i] : max;
        sum += vals[i];
    }
    double avg = sum / (double)n;
    double skew = 0.0;
    if (avg != 0.0) {
        double dev = 0.0;
        for (size_t i = 0; i < n; i++)
            dev += fabs(avg - vals[i]);
        skew = dev / (double)n / avg * 100.0;
        skew = skew < 100.0 ? skew : 100.0;
    }
    double out[N_AGGS] = {min, max, avg, sum, skew};
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", id);
    for (size_t k = 0; k < N_AGGS; k++) {
        if (!(mask & aggs[k].bit))
            continue;
        if (nan)
            cJSON_AddStringToObject(o, aggs[k].name, "NaN");
        else
            cJSON_AddNumberToObject(o, aggs[k].name, out[k]);
    }
    cJSON_AddItemToArray(arr, o);
}

/* ---- task metrics --------------------------------------------------------------- */

struct vertex_ctx {
    const struct sim_cluster *c;
    const struct sim_job *j;
    size_t v;
    struct sim_vertex_load vl;
    double weight_total;
    int64_t step, fetch;
};

static void vertex_ctx_init(struct vertex_ctx *x, const struct sim_cluster *c,
                            const struct sim_job *j, size_t v, int64_t now) {
    x->c = c;
    x->j = j;
    x->v = v;
    sim_load_vertex(j, v, &x->vl);
    x->weight_total = sim_load_weight_total(j, v);
    x->step = sim_load_step_index(c, now);
    x->fetch = sim_load_fetch_time(c, now);
}

static double clamp01(double v) { return v < 0.0 ? 0.0 : v > 1.0 ? 1.0 : v; }

/* Every task metric of subtask i, into val (TASK_METRIC_COUNT long). */
static void subtask_values(const struct vertex_ctx *x, int i, double *val) {
    const struct sim_job *j = x->j;
    const struct sim_vertex *vx = &j->vertices[x->v];
    struct sim_subtask_load s;
    sim_load_subtask(j, x->v, &x->vl, x->weight_total, i, x->step, &s);
    double u = sim_prng_unit(vx->key, (uint64_t)i, (uint64_t)x->step * 2 + 3);
    double bp = s.backpressured, busy = s.busy;
    bool source = x->v == 0;

    val[TM_RECORDS_IN] = floor(vx->shown.records_in * s.share);
    val[TM_RECORDS_OUT] = floor(vx->shown.records_out * s.share);
    val[TM_BYTES_IN] = floor(vx->shown.bytes_in * s.share);
    val[TM_BYTES_OUT] = floor(vx->shown.bytes_out * s.share);
    val[TM_RECORDS_IN_RATE] = s.in_rate;
    val[TM_RECORDS_OUT_RATE] = s.out_rate;
    val[TM_BYTES_IN_RATE] = s.in_bytes_rate;
    val[TM_BYTES_OUT_RATE] = s.out_bytes_rate;
    /* Flink 2.x reports NaN when busy-time measurement is off (one job shows the trap). */
    val[TM_BUSY] = j->busy_nan ? NAN : busy;
    val[TM_IDLE] = s.idle;
    val[TM_BACKPRESSURED] = bp;
    double hard = floor(bp * (0.3 + 0.6 * u));
    val[TM_HARD_BACKPRESSURED] = hard;
    val[TM_SOFT_BACKPRESSURED] = bp - hard;
    double share = 1.0 / vx->parallelism;
    val[TM_ACC_BUSY] = j->busy_nan ? NAN : floor(vx->shown.busy_ms * share);
    val[TM_ACC_IDLE] = floor(vx->shown.idle_ms * share);
    val[TM_ACC_BACKPRESSURED] = floor(vx->shown.backpressured_ms * share);
    val[TM_IS_BACKPRESSURED] = bp > 500 ? 1.0 : 0.0;
    /* A saturated task's input buffers fill up; a back-pressured one's output buffers. */
    double in_pool = source ? 0.0 : clamp01(pow(busy / 1000.0, 4.0) + 0.05 * u);
    double out_pool = x->v + 1 == j->n_vertices ? 0.0 : clamp01(bp / 1000.0 + 0.03 * u);
    val[TM_IN_POOL] = round(in_pool * 1000.0) / 1000.0;
    val[TM_OUT_POOL] = round(out_pool * 1000.0) / 1000.0;
    val[TM_IN_QUEUE] = floor(in_pool * 16.0);
    val[TM_OUT_QUEUE] = floor(out_pool * 16.0);
    /* Sources have no input: their input watermark stays at Long.MIN_VALUE. */
    val[TM_WATERMARK] =
        source ? (double)INT64_MIN : (double)(x->fetch - 800 - (int64_t)(bp * 6.0 + u * 500.0));
    val[TM_MAILBOX] = round((2.0 + s.in_rate / 500.0 + 10.0 * u) * 1000.0) / 1000.0;
    val[TM_START_DELAY] = floor(bp * 20000000.0 * u);
}

/* A Kafka source's operator metrics: its backlog, under the first operator of vertex 0's
 * chain as Flink's metric query service names it (space . : and , become _, at most 80
 * characters): "Source__KafkaSource-orders.pendingRecords". */
enum { SRC_PENDING, SRC_LAG_MAX, SRC_METRIC_COUNT };
static const char *const src_metric_suffix[SRC_METRIC_COUNT] = {
    ".pendingRecords", ".KafkaSourceReader.KafkaConsumer.records-lag-max"};

static bool source_operator(const struct sim_job *j, int v, char *buf, size_t size) {
    const char *name = j != NULL && v == 0 ? j->vertices[0].name : NULL;
    if (name == NULL || strstr(name, "Kafka") == NULL || size == 0)
        return false;
    const char *arrow = strstr(name, " -> ");
    size_t n = arrow != NULL ? (size_t)(arrow - name) : strlen(name);
    n = n > 80 ? 80 : n;
    n = n >= size ? size - 1 : n;
    for (size_t i = 0; i < n; i++)
        buf[i] = strchr(" .:,", name[i]) != NULL ? '_' : name[i];
    buf[n] = '\0';
    return true;
}

static int find_source_metric(const char *op, const char *tok, size_t len) {
    size_t on = strlen(op);
    if (len <= on || memcmp(tok, op, on) != 0)
        return -1;
    for (int k = 0; k < SRC_METRIC_COUNT; k++)
        if (token_is(tok + on, len - on, src_metric_suffix[k]))
            return k;
    return -1;
}

/* Subtask i's backlog: a few seconds of what it reads, many more while it is held back;
 * the worst partition's lag a third of it. */
static double source_value(const struct vertex_ctx *x, int i, int k) {
    struct sim_subtask_load s;
    sim_load_subtask(x->j, x->v, &x->vl, x->weight_total, i, x->step, &s);
    double u = sim_prng_unit(x->j->vertices[x->v].key, (uint64_t)i, (uint64_t)x->step * 2 + 5);
    double pending = floor(s.out_rate * (2.0 + s.backpressured / 1000.0 * 60.0 + u));
    return k == SRC_PENDING ? pending : floor(pending / 3.0);
}

static int find_task_metric(const char *tok, size_t len) {
    for (int k = 0; k < TASK_METRIC_COUNT; k++)
        if (token_is(tok, len, task_metrics[k].name))
            return k;
    return -1;
}

static void reply_array(struct sim_reply *r, cJSON *arr) { sim_reply_json(r, 200, arr); }

void sim_metrics_render_subtasks(const struct sim_cluster *c, const struct sim_job *j, int v,
                                 const struct sim_metric_query *q, int64_t now,
                                 struct sim_reply *r) {
    unsigned mask = 0;
    if (!parse_aggs(c, q->agg, &mask)) {
        bad_param(r, "agg", q->agg);
        return;
    }
    int p = j != NULL && v >= 0 ? j->vertices[v].parallelism : 0;
    bool *sel = xcalloc(p > 0 ? (size_t)p : 1, sizeof *sel);
    double *vals = NULL, *row = NULL;
    cJSON *arr = NULL;
    if (!parse_subtasks(q->subtasks, sel, p)) {
        bad_param(r, "subtasks", q->subtasks);
        goto out;
    }
    arr = cJSON_CreateArray();
    if (j == NULL || v < 0 || !sim_load_seen(c, j, now))
        goto done;
    char op[96], id[160];
    bool kafka = source_operator(j, v, op, sizeof op);
    if (q->get == NULL) {
        for (int k = 0; k < TASK_METRIC_COUNT; k++)
            add_id(arr, task_metrics[k].name);
        for (int k = 0; kafka && k < SRC_METRIC_COUNT; k++) {
            snprintf(id, sizeof id, "%s%s", op, src_metric_suffix[k]);
            add_id(arr, id);
        }
        goto done;
    }

    /* Every value of every selected subtask, metric-major. */
    struct vertex_ctx x;
    vertex_ctx_init(&x, c, j, (size_t)v, now);
    vals = xcalloc((size_t)p * TASK_METRIC_COUNT, sizeof *vals);
    row = xcalloc(TASK_METRIC_COUNT, sizeof *row);
    size_t n = 0;
    for (int i = 0; i < p; i++) {
        if (!sel[i])
            continue;
        subtask_values(&x, i, row);
        for (int k = 0; k < TASK_METRIC_COUNT; k++)
            vals[(size_t)k * (size_t)p + n] = row[k];
        n++;
    }
    const char *it = q->get, *tok;
    size_t len;
    while (next_token(&it, &tok, &len)) {
        int sk = kafka ? find_source_metric(op, tok, len) : -1;
        if (sk >= 0 && !seen_before(q->get, tok, len)) {
            double *sv = xcalloc((size_t)p, sizeof *sv);
            size_t m = 0;
            for (int i = 0; i < p; i++)
                if (sel[i])
                    sv[m++] = source_value(&x, i, sk);
            snprintf(id, sizeof id, "%s%s", op, src_metric_suffix[sk]);
            add_aggregate(arr, id, sv, m, mask);
            free(sv);
            continue;
        }
        int k = find_task_metric(tok, len);
        /* Booleans do not aggregate (Flink skips what Double.valueOf rejects). */
        if (k < 0 || task_metrics[k].fmt == FMT_BOOL || seen_before(q->get, tok, len))
            continue;
        add_aggregate(arr, task_metrics[k].name, &vals[(size_t)k * (size_t)p], n, mask);
    }
done:
    reply_array(r, arr);
    arr = NULL;
out:
    cJSON_Delete(arr);
    free(sel);
    free(vals);
    free(row);
}

void sim_metrics_render_vertex(const struct sim_cluster *c, const struct sim_job *j, int v,
                               const struct sim_metric_query *q, int64_t now, struct sim_reply *r) {
    cJSON *arr = cJSON_CreateArray();
    if (j == NULL || v < 0 || !sim_load_seen(c, j, now)) {
        reply_array(r, arr);
        return;
    }
    int p = j->vertices[v].parallelism;
    char id[128];
    if (q->get == NULL) {
        for (int i = 0; i < p; i++) {
            for (int k = 0; k < TASK_METRIC_COUNT; k++) {
                snprintf(id, sizeof id, "%d.%s", i, task_metrics[k].name);
                add_id(arr, id);
            }
        }
        reply_array(r, arr);
        return;
    }
    struct vertex_ctx x;
    vertex_ctx_init(&x, c, j, (size_t)v, now);
    double row[TASK_METRIC_COUNT];
    int row_of = -1;
    const char *it = q->get, *tok;
    size_t len;
    while (next_token(&it, &tok, &len)) {
        const char *dot = memchr(tok, '.', len);
        long i;
        if (dot == NULL || !parse_index(tok, (size_t)(dot - tok), &i) || i >= p ||
            seen_before(q->get, tok, len))
            continue;
        int k = find_task_metric(dot + 1, len - (size_t)(dot - tok) - 1);
        if (k < 0)
            continue;
        if (row_of != (int)i) {
            subtask_values(&x, (int)i, row);
            row_of = (int)i;
        }
        snprintf(id, sizeof id, "%ld.%s", i, task_metrics[k].name);
        add_value(arr, id, row[k], task_metrics[k].fmt);
    }
    reply_array(r, arr);
}

static const char *level(double ratio) {
    return ratio <= 0.10 ? "ok" : ratio <= 0.5 ? "low" : "high";
}

void sim_metrics_render_backpressure(const struct sim_cluster *c, const struct sim_job *j, int v,
                                     int64_t now, struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    if (j == NULL || v < 0 || !sim_load_seen(c, j, now)) {
        /* No task metric store for the vertex yet: the body is just the status. */
        cJSON_AddStringToObject(o, "status", "deprecated");
        sim_reply_json(r, 200, o);
        return;
    }
    bool new_name = sim_cluster_version_at_least(c, 1, 17);
    struct vertex_ctx x;
    vertex_ctx_init(&x, c, j, (size_t)v, now);
    cJSON *subtasks = cJSON_CreateArray();
    double worst = 0.0;
    for (int i = 0; i < j->vertices[v].parallelism; i++) {
        struct sim_subtask_load s;
        sim_load_subtask(j, (size_t)v, &x.vl, x.weight_total, i, x.step, &s);
        double ratio = s.backpressured / 1000.0;
        worst = ratio > worst ? ratio : worst;
        cJSON *st = cJSON_CreateObject();
        cJSON_AddNumberToObject(st, "subtask", i);
        if (new_name)
            cJSON_AddStringToObject(st, "backpressureLevel", level(ratio));
        cJSON_AddStringToObject(st, "backpressure-level", level(ratio));
        cJSON_AddNumberToObject(st, "ratio", ratio);
        cJSON_AddNumberToObject(st, "idleRatio", s.idle / 1000.0);
        if (j->busy_nan)
            cJSON_AddStringToObject(st, "busyRatio", "NaN");
        else
            cJSON_AddNumberToObject(st, "busyRatio", s.busy / 1000.0);
        cJSON_AddItemToArray(subtasks, st);
    }
    cJSON_AddStringToObject(o, "status", "ok");
    if (new_name)
        cJSON_AddStringToObject(o, "backpressureLevel", level(worst));
    cJSON_AddStringToObject(o, "backpressure-level", level(worst));
    cJSON_AddNumberToObject(o, "end-timestamp", (double)x.fetch);
    cJSON_AddItemToObject(o, "subtasks", subtasks);
    sim_reply_json(r, 200, o);
}

/* ---- task managers -------------------------------------------------------------- */

void sim_metrics_tm_jvm(const struct sim_cluster *c, size_t t, int64_t now,
                        struct sim_tm_jvm *out) {
    const struct sim_tm *tm = &c->tms[t];
    uint64_t key = sim_prng_hash(c->index, (uint64_t)tm->pod_index, 0x7a);
    int *per_job = xcalloc(c->n_jobs > 0 ? c->n_jobs : 1, sizeof *per_job);
    sim_cluster_tm_jobs(c, t, per_job);
    int used = 0;
    double load = 0.0, bp = 0.0;
    for (size_t i = 0; i < c->n_jobs; i++) {
        if (per_job[i] == 0)
            continue;
        used += per_job[i];
        const struct sim_job *j = &c->jobs[i];
        if (j->state != SIM_JOB_RUNNING)
            continue;
        load += per_job[i] * (0.15 + 0.85 * sim_load_avg_busy(j) / 1000.0);
        bp += per_job[i] * sim_load_max_backpressure(j) / 1000.0;
    }
    free(per_job);
    int slots = tm->slots > 0 ? tm->slots : 1;
    load /= slots;
    bp /= slots;

    int64_t step = sim_load_step_index(c, now);
    int64_t elapsed = c->frozen ? 30 * 60000 + (int64_t)(key % 3600000)
                                : sim_load_fetch_time(c, now) - tm->registered_at;
    elapsed = elapsed > 0 ? elapsed : 0;
    double u = sim_prng_unit(key, (uint64_t)step, 1);
    out->cpu_load = clamp01(0.02 + 0.85 * load + 0.04 * (u - 0.5));
    out->cpu_load = round(out->cpu_load * 1e4) / 1e4;
    int cores = tm->slots / 2 > 0 ? tm->slots / 2 : 1;
    out->cpu_time_ns = (int64_t)((double)elapsed * 1e6 * cores * (0.05 + out->cpu_load));

    /* The heap climbs as young objects pile up and drops at each collection; a busier
     * task manager fills it faster. */
    int64_t period = (int64_t)((30000.0 + (double)(key % 60000)) * (1.2 - 0.6 * load));
    double phase = (double)(elapsed % period) / (double)period;
    double floor_share = 0.12 + 0.05 * sim_prng_unit(key, 0, 2);
    double top_share = 0.55 + 0.3 * load;
    out->heap_max = SIM_TM_HEAP_MAX;
    out->heap_committed = SIM_TM_HEAP_MAX;
    out->heap_used =
        (int64_t)((double)SIM_TM_HEAP_MAX * (floor_share + (top_share - floor_share) * phase));
    /* Young collections every second or two (more time the busier), a mixed/old one at
     * the bottom of each sawtooth now and then. */
    double young_pause = 8.0 + 12.0 * load, old_pause = 120.0 + 200.0 * load;
    out->young_ms_per_s = 1.5 + 20.0 * load + 2.0 * sim_prng_unit(key, (uint64_t)step, 3);
    out->young_ms_per_s = round(out->young_ms_per_s * 1000.0) / 1000.0;
    out->young_count = (int64_t)((double)elapsed / 1000.0 * out->young_ms_per_s / young_pause);
    out->young_time_ms = (int64_t)((double)out->young_count * young_pause);
    int64_t old_period = period * 45;
    out->old_count = elapsed / old_period;
    out->old_time_ms = (int64_t)((double)out->old_count * old_pause);
    out->old_ms_per_s = round(old_pause * 1000.0 / (double)old_period * 1000.0) / 1000.0;

    const int64_t mib = 1024 * 1024;
    out->metaspace_used = 88 * mib + (int64_t)(key % (40 * (uint64_t)mib)) + used * 2 * mib;
    out->metaspace_committed = (out->metaspace_used / (4 * mib) + 1) * 4 * mib;
    out->metaspace_max = SIM_TM_METASPACE;
    out->nonheap_used = out->metaspace_used + 48 * mib;
    out->nonheap_committed = out->metaspace_committed + 56 * mib;
    out->nonheap_max = SIM_TM_METASPACE + 240 * mib + 1024 * mib;
    out->direct_count = 40 + used * 12;
    out->direct_used = SIM_TM_NETWORK + 8 * mib + used * mib;
    out->direct_capacity = out->direct_used;
    out->mapped_count = 0;
    out->mapped_used = 0;
    out->mapped_capacity = 0;
    out->threads = 45 + used * 9 + (int64_t)(key % 6);
    out->classes_loaded = 9000 + used * 450 + (int64_t)(key % 300);
    out->classes_unloaded = out->old_count * 12;
    out->managed_total = SIM_TM_MANAGED;
    out->managed_used = strcmp(c->profile->state_backend, "rocksdb") == 0
                            ? (int64_t)((double)SIM_TM_MANAGED * 0.85 * used / slots)
                            : 0;
    out->segments_total = SIM_TM_NETWORK / 32768;
    out->segments_used = (int64_t)((double)out->segments_total * (0.04 + 0.5 * bp) * used / slots);
    out->segments_available = out->segments_total - out->segments_used;
}

static double jvm_value(const struct sim_tm_jvm *m, int k) {
    switch (k) {
    case JVM_CPU_LOAD:
        return m->cpu_load;
    case JVM_CPU_TIME:
        return (double)m->cpu_time_ns;
    case JVM_HEAP_USED:
        return (double)m->heap_used;
    case JVM_HEAP_COMMITTED:
        return (double)m->heap_committed;
    case JVM_HEAP_MAX:
        return (double)m->heap_max;
    case JVM_NONHEAP_USED:
        return (double)m->nonheap_used;
    case JVM_NONHEAP_COMMITTED:
        return (double)m->nonheap_committed;
    case JVM_NONHEAP_MAX:
        return (double)m->nonheap_max;
    case JVM_METASPACE_USED:
        return (double)m->metaspace_used;
    case JVM_METASPACE_COMMITTED:
        return (double)m->metaspace_committed;
    case JVM_METASPACE_MAX:
        return (double)m->metaspace_max;
    case JVM_DIRECT_COUNT:
        return (double)m->direct_count;
    case JVM_DIRECT_USED:
        return (double)m->direct_used;
    case JVM_DIRECT_CAPACITY:
        return (double)m->direct_capacity;
    case JVM_MAPPED_COUNT:
        return (double)m->mapped_count;
    case JVM_MAPPED_USED:
        return (double)m->mapped_used;
    case JVM_MAPPED_CAPACITY:
        return (double)m->mapped_capacity;
    case JVM_THREADS:
        return (double)m->threads;
    case JVM_CLASSES_LOADED:
        return (double)m->classes_loaded;
    case JVM_CLASSES_UNLOADED:
        return (double)m->classes_unloaded;
    case JVM_YOUNG_COUNT:
        return (double)m->young_count;
    case JVM_YOUNG_TIME:
        return (double)m->young_time_ms;
    case JVM_YOUNG_RATE:
        return m->young_ms_per_s;
    case JVM_OLD_COUNT:
        return (double)m->old_count;
    case JVM_OLD_TIME:
        return (double)m->old_time_ms;
    case JVM_OLD_RATE:
        return m->old_ms_per_s;
    case JVM_ALL_COUNT:
        return (double)(m->young_count + m->old_count);
    case JVM_ALL_TIME:
        return (double)(m->young_time_ms + m->old_time_ms);
    case JVM_ALL_RATE:
        return m->young_ms_per_s + m->old_ms_per_s;
    case JVM_MANAGED_USED:
        return (double)m->managed_used;
    case JVM_MANAGED_TOTAL:
        return (double)m->managed_total;
    case JVM_SEGMENTS_AVAILABLE:
        return (double)m->segments_available;
    case JVM_SEGMENTS_USED:
        return (double)m->segments_used;
    default:
        return (double)m->segments_total;
    }
}

static bool jvm_available(const struct sim_cluster *c, int k) {
    return sim_cluster_version_at_least(c, jvm_metrics[k].since_major, jvm_metrics[k].since_minor);
}

static int find_jvm_metric(const struct sim_cluster *c, const char *tok, size_t len) {
    for (int k = 0; k < JVM_METRIC_COUNT; k++)
        if (jvm_available(c, k) && token_is(tok, len, jvm_metrics[k].name))
            return k;
    return -1;
}

void sim_metrics_render_tm(const struct sim_cluster *c, size_t t, const struct sim_metric_query *q,
                           int64_t now, struct sim_reply *r) {
    cJSON *arr = cJSON_CreateArray();
    if (t == SIZE_MAX) {
        reply_array(r, arr);
        return;
    }
    if (q->get == NULL) {
        for (int k = 0; k < JVM_METRIC_COUNT; k++)
            if (jvm_available(c, k))
                add_id(arr, jvm_metrics[k].name);
        reply_array(r, arr);
        return;
    }
    struct sim_tm_jvm m;
    sim_metrics_tm_jvm(c, t, now, &m);
    const char *it = q->get, *tok;
    size_t len;
    while (next_token(&it, &tok, &len)) {
        int k = find_jvm_metric(c, tok, len);
        if (k >= 0 && !seen_before(q->get, tok, len))
            add_value(arr, jvm_metrics[k].name, jvm_value(&m, k), jvm_metrics[k].fmt);
    }
    reply_array(r, arr);
}

/* Whether task manager id is in the comma-separated list (NULL: every one). */
static bool tm_selected(const char *list, const char *id) {
    if (list == NULL)
        return true;
    const char *p = list, *tok;
    size_t len;
    while (next_token(&p, &tok, &len))
        if (token_is(tok, len, id))
            return true;
    return false;
}

void sim_metrics_render_tms(const struct sim_cluster *c, const struct sim_metric_query *q,
                            int64_t now, struct sim_reply *r) {
    unsigned mask = 0;
    if (!parse_aggs(c, q->agg, &mask)) {
        bad_param(r, "agg", q->agg);
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    if (q->get == NULL) {
        for (int k = 0; k < JVM_METRIC_COUNT; k++)
            if (jvm_available(c, k))
                add_id(arr, jvm_metrics[k].name);
        reply_array(r, arr);
        return;
    }
    size_t n_tms = c->n_tms > 0 ? c->n_tms : 1;
    double *vals = xcalloc(n_tms * JVM_METRIC_COUNT, sizeof *vals);
    size_t n = 0;
    for (size_t t = 0; t < c->n_tms; t++) {
        if (!c->tms[t].present || !tm_selected(q->taskmanagers, c->tms[t].id))
            continue;
        struct sim_tm_jvm m;
        sim_metrics_tm_jvm(c, t, now, &m);
        for (int k = 0; k < JVM_METRIC_COUNT; k++)
            vals[(size_t)k * n_tms + n] = jvm_value(&m, k);
        n++;
    }
    const char *it = q->get, *tok;
    size_t len;
    while (next_token(&it, &tok, &len)) {
        int k = find_jvm_metric(c, tok, len);
        if (k >= 0 && !seen_before(q->get, tok, len))
            add_aggregate(arr, jvm_metrics[k].name, &vals[(size_t)k * n_tms], n, mask);
    }
    free(vals);
    reply_array(r, arr);
}

/* ---- for the Prometheus scrape (sim_prom) -------------------------------------------- */

size_t sim_metrics_task_count(void) { return TASK_METRIC_COUNT; }

const char *sim_metrics_task_name(size_t k) {
    return k < TASK_METRIC_COUNT ? task_metrics[k].name : NULL;
}

void sim_metrics_vertex_values(const struct sim_cluster *c, const struct sim_job *j, size_t v,
                               int64_t now, double *vals) {
    struct vertex_ctx x;
    vertex_ctx_init(&x, c, j, v, now);
    for (int i = 0; i < j->vertices[v].parallelism; i++)
        subtask_values(&x, i, &vals[(size_t)i * TASK_METRIC_COUNT]);
}

size_t sim_metrics_jvm_count(void) { return JVM_METRIC_COUNT; }

const char *sim_metrics_jvm_name(const struct sim_cluster *c, size_t k) {
    return k < JVM_METRIC_COUNT && jvm_available(c, (int)k) ? jvm_metrics[k].name : NULL;
}

void sim_metrics_jvm_values(const struct sim_cluster *c, size_t t, int64_t now, double *vals) {
    struct sim_tm_jvm m;
    sim_metrics_tm_jvm(c, t, now, &m);
    for (int k = 0; k < JVM_METRIC_COUNT; k++)
        vals[k] = jvm_value(&m, k);
}

/* ---- watermarks, one subtask, the job manager, jobs ---------------------------- */

void sim_metrics_render_watermarks(const struct sim_cluster *c, const struct sim_job *j, int v,
                                   int64_t now, struct sim_reply *r) {
    cJSON *arr = cJSON_CreateArray();
    if (j != NULL && v >= 0 && sim_load_seen(c, j, now)) {
        struct vertex_ctx x;
        vertex_ctx_init(&x, c, j, (size_t)v, now);
        double row[TASK_METRIC_COUNT];
        char id[64];
        for (int i = 0; i < j->vertices[v].parallelism; i++) {
            subtask_values(&x, i, row);
            snprintf(id, sizeof id, "%d.%s", i, task_metrics[TM_WATERMARK].name);
            add_value(arr, id, row[TM_WATERMARK], FMT_LONG);
        }
    }
    reply_array(r, arr);
}

void sim_metrics_render_subtask(const struct sim_cluster *c, const struct sim_job *j, int v,
                                int subtask, const struct sim_metric_query *q, int64_t now,
                                struct sim_reply *r) {
    cJSON *arr = cJSON_CreateArray();
    if (j == NULL || v < 0 || subtask < 0 || subtask >= j->vertices[v].parallelism ||
        !sim_load_seen(c, j, now)) {
        reply_array(r, arr);
        return;
    }
    if (q->get == NULL) {
        for (int k = 0; k < TASK_METRIC_COUNT; k++)
            add_id(arr, task_metrics[k].name);
        reply_array(r, arr);
        return;
    }
    struct vertex_ctx x;
    vertex_ctx_init(&x, c, j, (size_t)v, now);
    double row[TASK_METRIC_COUNT];
    subtask_values(&x, subtask, row);
    const char *it = q->get, *tok;
    size_t len;
    while (next_token(&it, &tok, &len)) {
        int k = find_task_metric(tok, len);
        if (k >= 0 && !seen_before(q->get, tok, len))
            add_value(arr, task_metrics[k].name, row[k], task_metrics[k].fmt);
    }
    reply_array(r, arr);
}

/* A fixed list of named values: the ids without get, else the asked ones as strings. */
struct named_value {
    const char *name;
    enum fmt fmt;
    double value;
};

static void render_named(const struct named_value *nv, size_t n, const char *get,
                         struct sim_reply *r) {
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; get == NULL && i < n; i++)
        add_id(arr, nv[i].name);
    const char *it = get, *tok;
    size_t len;
    while (get != NULL && next_token(&it, &tok, &len)) {
        for (size_t i = 0; i < n; i++)
            if (token_is(tok, len, nv[i].name) && !seen_before(get, tok, len))
                add_value(arr, nv[i].name, nv[i].value, nv[i].fmt);
    }
    reply_array(r, arr);
}

void sim_metrics_render_jobmanager(const struct sim_cluster *c, const struct sim_metric_query *q,
                                   int64_t now, struct sim_reply *r) {
    struct sim_cluster_counts n;
    sim_cluster_counts(c, &n);
    const double mib = 1024.0 * 1024.0;
    uint64_t key = sim_prng_hash(c->index, 0x6a6d, 0x7a);
    int64_t step = sim_load_step_index(c, now);
    double u = sim_prng_unit(key, (uint64_t)step, 1);
    double elapsed =
        c->frozen ? 3600000.0 : (double)(sim_load_fetch_time(c, now) - c->fetch_origin);
    /* A 2 GiB JobManager: its heap saw-tooths between a quarter and a half. */
    double heap_max = 1024.0 * mib, phase = fmod(elapsed / 45000.0, 1.0);
    const struct named_value nv[] = {
        {"numRegisteredTaskManagers", FMT_LONG, n.taskmanagers},
        {"numRunningJobs", FMT_LONG, n.jobs_running},
        {"taskSlotsTotal", FMT_LONG, n.slots_total},
        {"taskSlotsAvailable", FMT_LONG, n.slots_available},
        {"Status.JVM.CPU.Load", FMT_DOUBLE, round((0.03 + 0.04 * u) * 1e4) / 1e4},
        {"Status.JVM.CPU.Time", FMT_LONG, floor(elapsed * 1e6 * 0.05)},
        {"Status.JVM.Memory.Heap.Used", FMT_LONG, floor(heap_max * (0.25 + 0.25 * phase))},
        {"Status.JVM.Memory.Heap.Committed", FMT_LONG, heap_max},
        {"Status.JVM.Memory.Heap.Max", FMT_LONG, heap_max},
        {"Status.JVM.Memory.NonHeap.Used", FMT_LONG, 142.0 * mib},
        {"Status.JVM.Memory.NonHeap.Committed", FMT_LONG, 150.0 * mib},
        {"Status.JVM.Memory.NonHeap.Max", FMT_LONG, 1504.0 * mib},
        {"Status.JVM.Memory.Metaspace.Used", FMT_LONG, 96.0 * mib},
        {"Status.JVM.Memory.Metaspace.Max", FMT_LONG, 256.0 * mib},
        {"Status.JVM.Memory.Metaspace.Committed", FMT_LONG, 98.0 * mib},
        {"Status.JVM.Memory.Direct.Count", FMT_LONG, 12},
        {"Status.JVM.Memory.Direct.MemoryUsed", FMT_LONG, 4.0 * mib},
        {"Status.JVM.Memory.Direct.TotalCapacity", FMT_LONG, 4.0 * mib},
        /* a JobManager maps no files: the pool is there, empty */
        {"Status.JVM.Memory.Mapped.Count", FMT_LONG, 0},
        {"Status.JVM.Memory.Mapped.MemoryUsed", FMT_LONG, 0},
        {"Status.JVM.Memory.Mapped.TotalCapacity", FMT_LONG, 0},
        {"Status.JVM.Threads.Count", FMT_LONG, 62},
        {"Status.JVM.ClassLoader.ClassesLoaded", FMT_LONG, 11234},
        {"Status.JVM.GarbageCollector.G1_Young_Generation.Count", FMT_LONG,
         floor(elapsed / 45000.0)},
        {"Status.JVM.GarbageCollector.G1_Young_Generation.Time", FMT_LONG,
         floor(elapsed / 45000.0) * 9.0},
        {"Status.JVM.GarbageCollector.G1_Old_Generation.Count", FMT_LONG, 0},
        {"Status.JVM.GarbageCollector.G1_Old_Generation.Time", FMT_LONG, 0},
    };
    render_named(nv, sizeof nv / sizeof nv[0], q->get, r);
}

/* The job metrics Flink's JobManager registers per job, at now. */
enum {
    JOB_UPTIME,
    JOB_NUM_RESTARTS,
    JOB_FULL_RESTARTS,
    JOB_DOWNTIME,
    JOB_COMPLETED_CPS,
    JOB_FAILED_CPS,
    JOB_IN_PROGRESS_CPS,
    JOB_TOTAL_CPS,
    JOB_LAST_CP_DURATION,
    JOB_LAST_CP_SIZE,
    JOB_LAST_CP_ID,
    JOB_METRIC_COUNT
};
static const char *const job_metric_names[JOB_METRIC_COUNT] = {
    "uptime",
    "numRestarts",
    "fullRestarts",
    "downtime",
    "numberOfCompletedCheckpoints",
    "numberOfFailedCheckpoints",
    "numberOfInProgressCheckpoints",
    "totalNumberOfCheckpoints",
    "lastCheckpointDuration",
    "lastCheckpointSize",
    "lastCompletedCheckpointId",
};

static void job_values(const struct sim_job *j, int64_t now, double *val) {
    const struct sim_checkpoints *k = &j->checkpoints;
    bool running = j->state == SIM_JOB_RUNNING;
    val[JOB_UPTIME] = running ? (double)(now - j->running_since) : 0.0;
    val[JOB_NUM_RESTARTS] = j->restarts;
    val[JOB_FULL_RESTARTS] = j->restarts;
    val[JOB_DOWNTIME] = 0.0;
    val[JOB_COMPLETED_CPS] = (double)k->completed;
    val[JOB_FAILED_CPS] = (double)k->failed;
    val[JOB_IN_PROGRESS_CPS] = k->in_progress ? 1.0 : 0.0;
    val[JOB_TOTAL_CPS] = (double)k->total;
    val[JOB_LAST_CP_DURATION] =
        k->has_completed ? (double)(k->latest_completed.end_ts - k->latest_completed.trigger_ts)
                         : -1.0;
    val[JOB_LAST_CP_SIZE] = k->has_completed ? (double)k->latest_completed.checkpointed_size : -1.0;
    val[JOB_LAST_CP_ID] = k->has_completed ? (double)k->latest_completed.id : -1.0;
}

void sim_metrics_render_job(const struct sim_cluster *c, const struct sim_job *j,
                            const struct sim_metric_query *q, int64_t now, struct sim_reply *r) {
    (void)c;
    struct named_value nv[JOB_METRIC_COUNT];
    double val[JOB_METRIC_COUNT];
    size_t n = 0;
    if (j != NULL) {
        job_values(j, now, val);
        for (int k = 0; k < JOB_METRIC_COUNT; k++)
            nv[n++] = (struct named_value){job_metric_names[k], FMT_LONG, val[k]};
    }
    render_named(nv, n, q->get, r);
}

/* Whether job id is in the comma-separated list (NULL: every one). */
static bool job_selected(const char *list, const char *id) { return tm_selected(list, id); }

void sim_metrics_render_jobs(const struct sim_cluster *c, const struct sim_metric_query *q,
                             int64_t now, struct sim_reply *r) {
    unsigned mask = 0;
    if (!parse_aggs(c, q->agg, &mask)) {
        bad_param(r, "agg", q->agg);
        return;
    }
    cJSON *arr = cJSON_CreateArray();
    if (q->get == NULL) {
        for (int k = 0; k < JOB_METRIC_COUNT; k++)
            add_id(arr, job_metric_names[k]);
        reply_array(r, arr);
        return;
    }
    size_t n_jobs = c->n_jobs > 0 ? c->n_jobs : 1;
    double *vals = xcalloc(n_jobs * JOB_METRIC_COUNT, sizeof *vals);
    size_t n = 0;
    for (size_t i = 0; i < c->n_jobs; i++) {
        /* The metric store only holds jobs the JobManager still runs. */
        if (sim_job_state_is_terminal(c->jobs[i].state) || !job_selected(q->jobs, c->jobs[i].jid))
            continue;
        double val[JOB_METRIC_COUNT];
        job_values(&c->jobs[i], now, val);
        for (int k = 0; k < JOB_METRIC_COUNT; k++)
            vals[(size_t)k * n_jobs + n] = val[k];
        n++;
    }
    const char *it = q->get, *tok;
    size_t len;
    while (n > 0 && next_token(&it, &tok, &len)) {
        for (int k = 0; k < JOB_METRIC_COUNT; k++)
            if (token_is(tok, len, job_metric_names[k]) && !seen_before(q->get, tok, len))
                add_aggregate(arr, job_metric_names[k], &vals[(size_t)k * n_jobs], n, mask);
    }
    free(vals);
    reply_array(r, arr);
}
