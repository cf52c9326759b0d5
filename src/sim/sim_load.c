#include "sim_load.h"

#include "sim_model.h"

#include <math.h>

/* A bottlenecked job runs at this share of its sources' rate. */
#define BOTTLENECK_THROTTLE 0.55
/* Base busy time at or above this (per mille) is a vertex saturated by design. */
#define SATURATED 900
#define EPISODE_GAP_MIN_MS (2 * 60 * 1000)
#define EPISODE_GAP_MAX_MS (6 * 60 * 1000)
#define EPISODE_MIN_MS (60 * 1000)
#define EPISODE_MAX_MS (3 * 60 * 1000)
#define THROUGHPUT_MIN 650
#define THROUGHPUT_MAX 1350

static int clamp_int(int v, int lo, int hi) { return v < lo ? lo : v > hi ? hi : v; }

int64_t sim_load_fetch_time(const struct sim_cluster *c, int64_t now) {
    int64_t since = now - c->fetch_origin;
    if (since < 0)
        return c->fetch_origin;
    return now - since % SIM_FETCH_MS;
}

int64_t sim_load_step_index(const struct sim_cluster *c, int64_t now) {
    return c->frozen ? 0 : (sim_load_fetch_time(c, now) - c->fetch_origin) / SIM_FETCH_MS;
}

bool sim_load_seen(const struct sim_cluster *c, const struct sim_job *j, int64_t now) {
    return j->state == SIM_JOB_RUNNING && j->phase == SIM_TASKS_STEADY &&
           sim_load_fetch_time(c, now) >= j->steady_since;
}

void sim_load_vertex(const struct sim_job *j, size_t v, struct sim_vertex_load *out) {
    const struct sim_vertex *vx = &j->vertices[v];
    double f = j->throughput / 1000.0;
    if (j->bottleneck >= 0)
        f *= BOTTLENECK_THROTTLE;
    out->out_rate = (double)vx->out_rate * f;
    out->in_rate = v > 0 ? (double)j->vertices[v - 1].out_rate * f : 0.0;
    out->out_bytes_rate = out->out_rate * vx->record_bytes;
    out->in_bytes_rate = v > 0 ? out->in_rate * j->vertices[v - 1].record_bytes : 0.0;

    int b = j->bottleneck;
    int busy, bp;
    if (b < 0) {
        bp = vx->backpressure_permille;
        busy =
            vx->busy_permille >= SATURATED ? vx->busy_permille : (int)lround(vx->busy_permille * f);
    } else if ((int)v == b) {
        busy = 975;
        bp = 0;
    } else if ((int)v < b) {
        bp = 780;
        busy = vx->busy_permille < 180 ? vx->busy_permille : 180;
    } else {
        bp = 0;
        busy = (int)lround(vx->busy_permille * BOTTLENECK_THROTTLE);
    }
    bp = clamp_int(bp, 0, 1000);
    out->busy = clamp_int(busy, 0, 1000 - bp);
    out->backpressured = bp;
    out->idle = 1000 - out->busy - bp;
}

/* A subtask's weight: keyed vertices carry the skew of their keys. Static per vertex. */
static double weight(const struct sim_vertex *vx, int subtask) {
    double u = sim_prng_unit(vx->key, (uint64_t)subtask, 0);
    return vx->keyed_input ? 0.55 + 0.9 * u : 0.8 + 0.4 * u;
}

double sim_load_weight_total(const struct sim_job *j, size_t v) {
    const struct sim_vertex *vx = &j->vertices[v];
    double sum = 0.0;
    for (int i = 0; i < vx->parallelism; i++)
        sum += weight(vx, i);
    return sum;
}

void sim_load_subtask(const struct sim_job *j, size_t v, const struct sim_vertex_load *vl,
                      double weight_total, int subtask, int64_t step,
                      struct sim_subtask_load *out) {
    const struct sim_vertex *vx = &j->vertices[v];
    double w = weight(vx, subtask);
    double share = weight_total > 0.0 ? w / weight_total : 0.0;
    double rel = share * vx->parallelism; /* 1.0 = an average subtask */
    double u1 = sim_prng_unit(vx->key, (uint64_t)subtask, (uint64_t)step * 2 + 1);
    double u2 = sim_prng_unit(vx->key, (uint64_t)subtask, (uint64_t)step * 2 + 2);
    out->share = share;
    out->in_rate = vl->in_rate * share;
    out->out_rate = vl->out_rate * share;
    out->in_bytes_rate = vl->in_bytes_rate * share;
    out->out_bytes_rate = vl->out_bytes_rate * share;

    int b = j->bottleneck;
    int busy, bp;
    if (b >= 0 && (int)v == b) {
        busy = 950 + (int)(u1 * 50.0);
        bp = 0;
    } else if (b >= 0 && (int)v < b) {
        bp = 640 + (int)(u2 * 280.0);
        busy = (int)lround(vl->busy * rel * (0.9 + 0.2 * u1));
    } else if (vl->busy >= SATURATED) {
        bp = 0;
        busy = vl->busy - (int)(u1 * 40.0);
    } else {
        bp = (int)lround(vl->backpressured * (0.85 + 0.3 * u2));
        busy = (int)lround(vl->busy * rel * (0.92 + 0.16 * u1));
    }
    bp = clamp_int(bp, 0, 1000);
    out->backpressured = bp;
    out->busy = clamp_int(busy, 0, 1000 - bp);
    out->idle = 1000 - out->busy - bp;
}

int sim_load_max_backpressure(const struct sim_job *j) {
    int max = 0;
    for (size_t v = 0; v < j->n_vertices; v++) {
        struct sim_vertex_load vl;
        sim_load_vertex(j, v, &vl);
        if (vl.backpressured > max)
            max = vl.backpressured;
    }
    return max;
}

int sim_load_avg_busy(const struct sim_job *j) {
    if (j->n_vertices == 0)
        return 0;
    int sum = 0;
    for (size_t v = 0; v < j->n_vertices; v++) {
        struct sim_vertex_load vl;
        sim_load_vertex(j, v, &vl);
        sum += vl.busy;
    }
    return sum / (int)j->n_vertices;
}

/* ---- counters ------------------------------------------------------------------- */

static void accumulate(struct sim_job *j, int64_t ms) {
    if (ms <= 0)
        return;
    double s = (double)ms / 1000.0;
    for (size_t v = 0; v < j->n_vertices; v++) {
        struct sim_vertex *vx = &j->vertices[v];
        struct sim_vertex_load vl;
        sim_load_vertex(j, v, &vl);
        double slot_ms = (double)ms * vx->parallelism;
        vx->acc.records_in += vl.in_rate * s;
        vx->acc.records_out += vl.out_rate * s;
        vx->acc.bytes_in += vl.in_bytes_rate * s;
        vx->acc.bytes_out += vl.out_bytes_rate * s;
        vx->acc.busy_ms += slot_ms * vl.busy / 1000.0;
        vx->acc.backpressured_ms += slot_ms * vl.backpressured / 1000.0;
        vx->acc.idle_ms += slot_ms * vl.idle / 1000.0;
    }
}

static bool producing(const struct sim_job *j) { return j->state == SIM_JOB_RUNNING; }

void sim_load_init_job(struct sim_job *j, int64_t fetch_at) {
    j->throughput = 1000;
    j->bottleneck = -1;
    int64_t end =
        j->metrics_until != 0 && j->metrics_until < fetch_at ? j->metrics_until : fetch_at;
    j->acc_at = j->running_since;
    accumulate(j, end - j->running_since);
    j->acc_at = fetch_at;
    for (size_t v = 0; v < j->n_vertices; v++)
        j->vertices[v].shown = j->vertices[v].acc;
}

void sim_load_flush(struct sim_job *j, int64_t t) {
    if (producing(j) && t > j->acc_at) {
        accumulate(j, t - j->acc_at);
        j->acc_at = t;
    }
}

void sim_load_reset(struct sim_job *j, int64_t t) {
    for (size_t v = 0; v < j->n_vertices; v++) {
        struct sim_io zero = {0};
        j->vertices[v].acc = zero;
        j->vertices[v].shown = zero;
    }
    j->acc_at = t;
}

static void drift(struct sim_cluster *c, struct sim_job *j) {
    /* A random walk pulled back towards nominal: minutes-long swells and dips. */
    int th = j->throughput;
    th += (int)sim_prng_range(&c->dynamics, -30, 30) + (1000 - th) / 12;
    j->throughput = clamp_int(th, THROUGHPUT_MIN, THROUGHPUT_MAX);
}

static bool episode_candidate(const struct sim_job *j) {
    return j->state == SIM_JOB_RUNNING && j->phase == SIM_TASKS_STEADY && !j->bottleneck_forced &&
           j->bottleneck < 0 && j->n_vertices >= 2;
}

static void end_episode(struct sim_cluster *c, int64_t t) {
    struct sim_job *j = &c->jobs[c->episode_job];
    if (!j->bottleneck_forced)
        j->bottleneck = -1;
    c->episode_job = SIZE_MAX;
    c->next_episode_at = t + sim_prng_range(&c->dynamics, EPISODE_GAP_MIN_MS, EPISODE_GAP_MAX_MS);
}

static void start_episode(struct sim_cluster *c, int64_t t) {
    size_t n = 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        n += episode_candidate(&c->jobs[i]);
    if (n == 0) {
        c->next_episode_at = t + EPISODE_MIN_MS;
        return;
    }
    size_t pick = (size_t)sim_prng_range(&c->dynamics, 0, (int64_t)n - 1);
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct sim_job *j = &c->jobs[i];
        if (!episode_candidate(j) || pick-- != 0)
            continue;
        /* Anything but the source can choke: a window, a join, a slow sink. */
        j->bottleneck = (int)sim_prng_range(&c->dynamics, 1, (int64_t)j->n_vertices - 1);
        c->episode_job = i;
        c->episode_until = t + sim_prng_range(&c->dynamics, EPISODE_MIN_MS, EPISODE_MAX_MS);
        return;
    }
}

void sim_load_step(struct sim_cluster *c, int64_t t) {
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct sim_job *j = &c->jobs[i];
        sim_load_flush(j, t);
        if (t > j->acc_at)
            j->acc_at = t;
        for (size_t v = 0; v < j->n_vertices; v++)
            j->vertices[v].shown = j->vertices[v].acc;
        if (!c->frozen && producing(j))
            drift(c, j);
    }
    if (!c->frozen) {
        if (c->episode_job != SIZE_MAX && t >= c->episode_until)
            end_episode(c, t);
        else if (c->episode_job == SIZE_MAX && t >= c->next_episode_at)
            start_episode(c, t);
    }
    c->metric_at = t;
}

/* A forced bottleneck or a cleared one takes the job out of a running episode; the next
 * episode keeps its rhythm. */
static void leave_episode(struct sim_cluster *c, const struct sim_job *j) {
    if (c->episode_job != SIZE_MAX && &c->jobs[c->episode_job] == j) {
        c->episode_job = SIZE_MAX;
        c->next_episode_at = c->episode_until + EPISODE_GAP_MIN_MS;
    }
}

void sim_load_force_bottleneck(struct sim_cluster *c, struct sim_job *j, int v) {
    leave_episode(c, j);
    j->bottleneck = v;
    j->bottleneck_forced = true;
}

void sim_load_clear_bottleneck(struct sim_cluster *c, struct sim_job *j) {
    leave_episode(c, j);
    j->bottleneck = -1;
    j->bottleneck_forced = false;
}
