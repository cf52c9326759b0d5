#include "sim_autoscaler.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xalloc.h"

void sim_autoscaler_init(struct sim_autoscaler *a, int64_t origin) {
    memset(a, 0, sizeof *a);
    a->origin = origin;
    a->next_at = origin + SIM_AUTOSCALER_INTERVAL_MS;
}

static const char *conf_str(const cJSON *spec, const char *key) {
    const cJSON *conf = cJSON_GetObjectItemCaseSensitive(spec, "flinkConfiguration");
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(conf, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

bool sim_autoscaler_enabled(const cJSON *spec) {
    const char *on = conf_str(spec, "job.autoscaler.enabled");
    if (on == NULL)
        on = conf_str(spec, "kubernetes.operator.job.autoscaler.enabled");
    return on != NULL && strcmp(on, "true") == 0;
}

/* The most subtasks a vertex may get: the cluster's slots (one slot-sharing group). */
static int max_parallelism(const struct sim_cluster *c) {
    int slots = 0;
    for (size_t t = 0; t < c->n_tms; t++)
        slots += c->tms[t].slots;
    return slots > 32 ? 32 : slots;
}

/* Records per second into vertex v at nominal throughput: its own output, or (a sink)
 * what its upstream sends it. */
static double input_rate(const struct sim_job *j, size_t v) {
    if (j->vertices[v].out_rate > 0)
        return (double)j->vertices[v].out_rate;
    return v > 0 ? (double)j->vertices[v - 1].out_rate : 0;
}

/* One evaluation at t: the busiest vertex with room doubles (a decision), or nothing. */
static void evaluate(struct sim_autoscaler *a, struct sim_cluster *c, struct sim_job *j,
                     int64_t t) {
    if (j == NULL || j->state != SIM_JOB_RUNNING || j->phase != SIM_TASKS_STEADY)
        return; /* the autoscaler waits for a running, stable job */
    int cap = max_parallelism(c);
    size_t best = j->n_vertices;
    for (size_t v = 0; v < j->n_vertices; v++) {
        const struct sim_vertex *vx = &j->vertices[v];
        if (vx->parallelism >= cap || vx->busy_permille < 200)
            continue; /* no room, or not busy enough to be worth a scale-up */
        if (best == j->n_vertices || vx->busy_permille > j->vertices[best].busy_permille)
            best = v;
    }
    if (best == j->n_vertices)
        return;
    struct sim_vertex *vx = &j->vertices[best];
    int from = vx->parallelism, to = from * 2 > cap ? cap : from * 2;
    if (a->n_history == SIM_AUTOSCALER_HISTORY) {
        memmove(&a->history[0], &a->history[1],
                (SIM_AUTOSCALER_HISTORY - 1) * sizeof a->history[0]);
        a->n_history--;
    }
    struct sim_autoscaler_decision *d = &a->history[a->n_history++];
    memset(d, 0, sizeof *d);
    d->at = t;
    snprintf(d->vertex, sizeof d->vertex, "%s", vx->id);
    d->from = from;
    d->to = to;
    double rate = input_rate(j, best);
    double busy = vx->busy_permille > 0 ? vx->busy_permille / 1000.0 : 1;
    d->capacity_from = rate / busy;
    d->capacity_to = d->capacity_from * to / from;
    d->target_rate =
        d->capacity_from * 1.2; /* its input and the catch-up to do: more than it keeps up with */
    a->reports++;
    /* the operator applies the overrides: the job restarts at the new parallelism */
    vx->parallelism = to;
    vx->busy_permille = vx->busy_permille * from / to;
    int demand = 0;
    for (size_t v = 0; v < j->n_vertices; v++)
        if (j->vertices[v].parallelism > demand)
            demand = j->vertices[v].parallelism;
    j->demand = demand;
    sim_model_restart_job(c, j, t);
}

void sim_autoscaler_advance(struct sim_autoscaler *a, const cJSON *spec, struct sim_cluster *c,
                            struct sim_job *j, int64_t now) {
    if (!sim_autoscaler_enabled(spec)) {
        while (a->next_at <= now) /* off: no evaluation piles up for when it comes on */
            a->next_at += SIM_AUTOSCALER_INTERVAL_MS;
        return;
    }
    /* a clock moved days ahead evaluates a few times, not thousands */
    int budget = 8;
    while (a->next_at <= now) {
        if (budget-- > 0)
            evaluate(a, c, j, a->next_at);
        a->next_at += SIM_AUTOSCALER_INTERVAL_MS;
    }
}

/* ---- what the operator writes ---------------------------------------------------------- */

static uint32_t crc32_of(const unsigned char *p, size_t n) {
    uint32_t crc = 0xffffffffu;
    for (size_t i = 0; i < n; i++) {
        crc ^= p[i];
        for (int k = 0; k < 8; k++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

/* text as a gzip member of stored (uncompressed) deflate blocks: what any gunzip reads,
 * with no compression library in the simulator. Returns owned bytes, *len their count. */
static unsigned char *gzip_stored(const char *text, size_t n, size_t *len) {
    size_t blocks = n / 65535 + 1;
    unsigned char *out = xmalloc(10 + n + blocks * 5 + 8);
    static const unsigned char header[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255};
    memcpy(out, header, sizeof header);
    size_t o = sizeof header, i = 0;
    do {
        size_t k = n - i > 65535 ? 65535 : n - i;
        out[o++] = i + k == n ? 1 : 0; /* BFINAL on the last, BTYPE 00 stored */
        out[o++] = (unsigned char)(k & 0xff);
        out[o++] = (unsigned char)(k >> 8);
        out[o++] = (unsigned char)(~k & 0xff);
        out[o++] = (unsigned char)((~k >> 8) & 0xff);
        memcpy(out + o, text + i, k);
        o += k;
        i += k;
    } while (i < n);
    uint32_t crc = crc32_of((const unsigned char *)text, n);
    for (int b = 0; b < 4; b++)
        out[o++] = (unsigned char)(crc >> (8 * b));
    for (int b = 0; b < 4; b++)
        out[o++] = (unsigned char)((uint32_t)n >> (8 * b));
    *len = o;
    return out;
}

static char *base64(const unsigned char *p, size_t n) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char *out = xmalloc(4 * ((n + 2) / 3) + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i += 3) {
        uint32_t v = (uint32_t)p[i] << 16;
        if (i + 1 < n)
            v |= (uint32_t)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < n ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* YAML text, gzip, base64: KubernetesAutoScalerStateStore's compress(). */
static void add_compressed(cJSON *data, const char *key, const char *yaml) {
    size_t n = 0;
    unsigned char *gz = gzip_stored(yaml, strlen(yaml), &n);
    char *b64 = base64(gz, n);
    cJSON_AddStringToObject(data, key, b64);
    free(b64);
    free(gz);
}

static void iso(char *out, size_t n, int64_t ms) {
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* Appends to a growing string. */
struct text {
    char *s;
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = xrealloc(t->s, t->cap);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

void sim_autoscaler_configmap_data(const struct sim_autoscaler *a, const struct sim_job *j,
                                   cJSON *data) {
    /* the overrides: every vertex of the job once the autoscaler scaled anything */
    if (j != NULL && a->n_history > 0) {
        struct text o = {0};
        for (size_t v = 0; v < j->n_vertices; v++)
            put(&o, "%s%s:%d", v ? "," : "", j->vertices[v].id, j->vertices[v].parallelism);
        cJSON_AddStringToObject(data, "parallelismOverrides", o.s ? o.s : "");
        free(o.s);
    }
    /* the history: vertex -> time -> ScalingSummary, as Jackson's YAML writes it */
    struct text h = {0};
    put(&h, "---\n");
    for (size_t i = 0; i < a->n_history; i++) {
        const struct sim_autoscaler_decision *d = &a->history[i];
        bool first = true; /* one map a vertex: its decisions under it */
        for (size_t k = 0; k < i && first; k++)
            first = strcmp(a->history[k].vertex, d->vertex) != 0;
        if (!first)
            continue;
        put(&h, "\"%s\":\n", d->vertex);
        for (size_t k = i; k < a->n_history; k++) {
            const struct sim_autoscaler_decision *e = &a->history[k];
            if (strcmp(e->vertex, d->vertex) != 0)
                continue;
            char when[40];
            iso(when, sizeof when, e->at);
            put(&h,
                "  \"%s\":\n    currentParallelism: %d\n    newParallelism: %d\n"
                "    metrics:\n      TRUE_PROCESSING_RATE:\n        current: .NaN\n"
                "        average: %.2f\n      EXPECTED_PROCESSING_RATE:\n        current: %.2f\n"
                "        average: .NaN\n      TARGET_DATA_RATE:\n        current: .NaN\n"
                "        average: %.2f\n",
                when, e->from, e->to, e->capacity_from, e->capacity_to, e->target_rate);
        }
    }
    if (a->n_history == 0)
        put(&h, "{}\n");
    add_compressed(data, "scalingHistory", h.s);
    free(h.s);
    add_compressed(data, "collectedMetrics", "---\n{}\n");
}

char *sim_autoscaler_report(const struct sim_autoscaler *a) {
    if (a->n_history == 0)
        return NULL;
    const struct sim_autoscaler_decision *d = &a->history[a->n_history - 1];
    return xasprintf("Scaling execution enabled, begin scaling vertices:{ Vertex ID %s | "
                     "Parallelism %d -> %d | Processing capacity %.2f -> %.2f | Target data "
                     "rate %.2f}",
                     d->vertex, d->from, d->to, d->capacity_from, d->capacity_to, d->target_rate);
}
