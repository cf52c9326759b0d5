/* FLINKTOP_BENCH=trace: the console's progress and key latency for make bench. */
#include "bench_trace.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "clock.h"
#include "job_detail.h"
#include "model.h"
#include "xalloc.h"

struct bench_trace {
    FILE *out;
    int64_t start_ms;
    int64_t key_us; /* read time of the first key not yet on screen, 0 none */
    size_t last[4]; /* the progress counts last written */
    bool progressed;
    size_t health; /* the health count last written */
    bool health_written;
    char opened[33]; /* the job whose screen was last traced as opened */
    size_t points;   /* its known throughput points last traced */
};

static int64_t real_us(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

struct bench_trace *bench_trace_open(int64_t start_ms) {
    const char *mode = getenv("FLINKTOP_BENCH");
    const char *path = getenv("FLINKTOP_BENCH_FILE");
    if (mode == NULL || strcmp(mode, "trace") != 0 || path == NULL || path[0] == '\0')
        return NULL;
    FILE *f = fopen(path, "a");
    if (f == NULL)
        return NULL; /* a benchmark without its figures, never a console that fails */
    struct bench_trace *t = xcalloc(1, sizeof *t);
    t->out = f;
    t->start_ms = start_ms;
    return t;
}

void bench_trace_free(struct bench_trace *t) {
    if (t == NULL)
        return;
    fclose(t->out);
    free(t);
}

void bench_trace_key(struct bench_trace *t) {
    if (t && t->key_us == 0)
        t->key_us = real_us();
}

void bench_trace_busy(struct bench_trace *t, int64_t woke_us) {
    if (t == NULL || woke_us == 0)
        return;
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    int64_t us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000 - woke_us;
    if (us > BENCH_TRACE_BUSY_US)
        fprintf(t->out, "busy %lld %lld\n", (long long)(clock_mono_ms() - t->start_ms),
                (long long)us);
}

static void trace_progress(struct bench_trace *t, const struct app *app) {
    size_t n[4] = {0, 0, 0, 0}; /* clusters, answered, jobs, detailed */
    for (size_t i = 0; i < app->n_clusters; i++) {
        const struct cluster *c = &app->clusters[i];
        if (!cluster_in_scope(c))
            continue;
        n[0]++;
        if (c->sources[SRC_JOBS].last_ok_ms > 0)
            n[1]++;
        n[2] += c->jobs.len;
        for (size_t j = 0; j < c->jobs.len; j++) {
            const struct job_detail *d = c->jobs.items[j].detail;
            if (d && d->vertices_ms > 0 && d->metrics_ms > 0)
                n[3]++;
        }
    }
    if (t->progressed && memcmp(n, t->last, sizeof n) == 0)
        return;
    memcpy(t->last, n, sizeof n);
    t->progressed = true;
    fprintf(t->out, "progress %lld %zu %zu %zu %zu\n", (long long)(clock_mono_ms() - t->start_ms),
            n[0], n[1], n[2], n[3]);
}

static void trace_age(struct bench_trace *t, const struct app *app, int focus_cluster,
                      const char *focus_job) {
    if (focus_cluster < 0 || (size_t)focus_cluster >= app->n_clusters || focus_job == NULL)
        return;
    const struct cluster *c = &app->clusters[focus_cluster];
    const struct job *j = cluster_job_by_id(c, focus_job);
    if (j == NULL)
        return;
    const struct ring *r = j->detail ? &j->detail->history.in_per_s : NULL;
    size_t known = 0;
    for (size_t i = 0; r && i < r->len; i++)
        known += !isnan(ring_get(r, i));
    bool first = strcmp(t->opened, focus_job) != 0; /* its screen's first frame */
    if (first || known != t->points)
        fprintf(t->out, "%s %lld %s %zu\n", first ? "opened" : "points",
                (long long)(clock_mono_ms() - t->start_ms), focus_job, known);
    snprintf(t->opened, sizeof t->opened, "%s", focus_job);
    t->points = known;
    int64_t now = clock_wall_ms();
    int64_t summary = c->sources[SRC_JOBS].last_ok_ms;
    int64_t metrics = j->detail ? j->detail->metrics_ms : 0;
    fprintf(t->out, "age %lld %lld %lld\n", (long long)(clock_mono_ms() - t->start_ms),
            (long long)(summary > 0 ? now - summary : -1),
            (long long)(metrics > 0 ? now - metrics : -1));
}

void bench_trace_frame(struct bench_trace *t, const struct app *app, int focus_cluster,
                       const char *focus_job, double draw_ms) {
    if (t == NULL)
        return;
    if (t->key_us) {
        fprintf(t->out, "key %lld %lld\n", (long long)t->key_us, (long long)real_us());
        t->key_us = 0;
    }
    fprintf(t->out, "frame %lld %.3f\n", (long long)(clock_mono_ms() - t->start_ms), draw_ms);
    trace_progress(t, app);
    trace_age(t, app, focus_cluster, focus_job);
    fflush(t->out);
}

void bench_trace_health(struct bench_trace *t, size_t jobs) {
    if (t == NULL || (t->health_written && jobs == t->health))
        return;
    t->health = jobs;
    t->health_written = true;
    fprintf(t->out, "health %lld %zu\n", (long long)(clock_mono_ms() - t->start_ms), jobs);
    fflush(t->out);
}
