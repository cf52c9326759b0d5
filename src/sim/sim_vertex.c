#include "sim_vertex.h"

#include "sim_load.h"
#include "sim_prng.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERTEX_MAX_PARALLELISM 128
#define PREVIOUS_ATTEMPT_MS 60000

/* One subtask (one execution attempt) as Flink's ExecutionGraph knows it. */
struct subtask {
    int index;
    enum sim_task_state state;
    int attempt;
    size_t tm;                        /* index in c->tms, SIZE_MAX when unassigned */
    int64_t ts[SIM_TASK_STATE_COUNT]; /* entry into each state, 0 = never */
    int64_t start, end, duration;     /* start = DEPLOYING; end -1 while not terminal */
    struct sim_io io;
};

static void add_num(cJSON *o, const char *key, int64_t v) {
    cJSON_AddNumberToObject(o, key, (double)v);
}

static bool terminal(enum sim_task_state s) {
    return s == SIM_TASK_FINISHED || s == SIM_TASK_CANCELED || s == SIM_TASK_FAILED;
}

/* The subtask that failed when the vertex shows one FAILED: the newest exception's. */
static int failed_subtask(const struct sim_job *j, size_t v) {
    const struct sim_exceptions *h = &j->exceptions;
    if (h->n > 0 && h->entries[h->head].vertex == (int)v)
        return h->entries[h->head].subtask;
    return 0;
}

static int64_t clamp_now(int64_t t, int64_t now) { return t < now ? t : now; }

/* What the vertex does in the current metric step, computed once for all its subtasks. */
struct vertex_step {
    struct sim_vertex_load vl;
    double weight_total;
    int64_t step;
};

static void vertex_step_init(const struct sim_cluster *c, const struct sim_job *j, size_t v,
                             int64_t now, struct vertex_step *vs) {
    sim_load_vertex(j, v, &vs->vl);
    vs->weight_total = sim_load_weight_total(j, v);
    vs->step = sim_load_step_index(c, now);
}

/* Subtask i of vertex v of job ji at now, its current attempt. */
static void subtask_at(const struct sim_cluster *c, size_t ji, size_t v, int i, int64_t now,
                       const struct vertex_step *vs, struct subtask *out) {
    const struct sim_job *j = &c->jobs[ji];
    const struct sim_vertex *vx = &j->vertices[v];
    int counts[SIM_TASK_STATE_COUNT];
    enum sim_task_state rest = sim_vertex_tasks(j, v, counts);
    for (int s = 0; s < SIM_TASK_STATE_COUNT; s++)
        if (counts[s] > 0 && s != SIM_TASK_FAILED)
            rest = (enum sim_task_state)s;
    memset(out, 0, sizeof *out);
    out->index = i;
    out->state = counts[SIM_TASK_FAILED] > 0 && i == failed_subtask(j, v) ? SIM_TASK_FAILED : rest;
    out->attempt = j->attempt;
    out->tm = c->n_tms > 0 ? sim_cluster_subtask_tm(c, ji, i) : SIZE_MAX;

    /* Created, scheduled, deployed and initialised a few ms apart; running once the
     * whole job was (steady_since). */
    uint64_t h = sim_prng_hash(vx->key, (uint64_t)i, 0x5b);
    int64_t base = j->running_since;
    int64_t created = clamp_now(base, now);
    int64_t scheduled = clamp_now(base + 3 + (int64_t)(h % 5), now);
    int64_t deploying = clamp_now(base + 30 + (int64_t)(h % 40), now);
    int64_t initializing = clamp_now(deploying + 200 + (int64_t)(h % 300), now);
    int64_t running = j->steady_since - (int64_t)(h % 150);
    running = clamp_now(running > initializing ? running : initializing + 1, now);
    int64_t end = -1;
    if (terminal(out->state) || out->state == SIM_TASK_CANCELING) {
        end = j->end_time >= 0 ? j->end_time : j->metrics_until > 0 ? j->metrics_until : now;
        end = clamp_now(end, now);
    }
    out->ts[SIM_TASK_CREATED] = created;
    if (out->state != SIM_TASK_CREATED)
        out->ts[SIM_TASK_SCHEDULED] = scheduled;
    if (out->state != SIM_TASK_CREATED && out->state != SIM_TASK_SCHEDULED)
        out->ts[SIM_TASK_DEPLOYING] = deploying;
    if (out->state != SIM_TASK_CREATED && out->state != SIM_TASK_SCHEDULED &&
        out->state != SIM_TASK_DEPLOYING)
        out->ts[SIM_TASK_INITIALIZING] = initializing;
    if (out->state == SIM_TASK_RUNNING || end >= 0) {
        out->ts[SIM_TASK_RUNNING] = running < (end >= 0 ? end : now) ? running : initializing;
    }
    if (end >= 0) {
        if (out->state == SIM_TASK_CANCELING) {
            out->ts[SIM_TASK_CANCELING] = end;
            end = -1;
        } else {
            out->ts[out->state] = end;
        }
    }
    /* A failover's cancelled execution: CANCELING at the failure, CANCELED once all were. */
    if (j->state == SIM_JOB_RESTARTING && out->state == SIM_TASK_CANCELED && j->canceled_at > 0) {
        out->ts[SIM_TASK_CANCELING] = out->ts[SIM_TASK_CANCELED];
        out->ts[SIM_TASK_CANCELED] = clamp_now(j->canceled_at, now);
    }
    out->start = out->ts[SIM_TASK_DEPLOYING] > 0 ? out->ts[SIM_TASK_DEPLOYING] : -1;
    out->end = terminal(out->state) ? out->ts[out->state] : -1;
    out->duration = out->start < 0 ? -1 : (out->end >= 0 ? out->end : now) - out->start;

    /* Its share of what the vertex counted (the shares add up to the vertex's). */
    struct sim_subtask_load sl;
    sim_load_subtask(j, v, &vs->vl, vs->weight_total, i, vs->step, &sl);
    double share = 1.0 / vx->parallelism;
    out->io.records_in = floor(vx->shown.records_in * sl.share);
    out->io.records_out = floor(vx->shown.records_out * sl.share);
    out->io.bytes_in = floor(vx->shown.bytes_in * sl.share);
    out->io.bytes_out = floor(vx->shown.bytes_out * sl.share);
    out->io.busy_ms = floor(vx->shown.busy_ms * share);
    out->io.idle_ms = floor(vx->shown.idle_ms * share);
    out->io.backpressured_ms = floor(vx->shown.backpressured_ms * share);
}

/* An earlier attempt n of subtask i: it ran until the failure that ended it. */
static void previous_attempt(const struct sim_cluster *c, size_t ji, size_t v, int i, int n,
                             int64_t now, struct subtask *out) {
    const struct sim_job *j = &c->jobs[ji];
    struct vertex_step vs;
    vertex_step_init(c, j, v, now, &vs);
    subtask_at(c, ji, v, i, now, &vs, out);
    int64_t end = j->running_since > j->start_time ? j->running_since - 1 : j->start_time;
    enum sim_task_state st = SIM_TASK_CANCELED;
    const struct sim_exceptions *h = &j->exceptions;
    for (size_t k = 0; k < h->n; k++) {
        const struct sim_exception *e = &h->entries[(h->head + k) % SIM_EXCEPTION_HISTORY];
        if (e->attempt == n) {
            end = e->timestamp;
            if (e->vertex == (int)v && e->subtask == i)
                st = SIM_TASK_FAILED;
            break;
        }
    }
    int64_t begin =
        end - PREVIOUS_ATTEMPT_MS > j->start_time ? end - PREVIOUS_ATTEMPT_MS : j->start_time;
    /* the attempt just before this one: it came up when the model says */
    if (n == j->attempt - 1 && j->previous_since > 0 && j->previous_since < end)
        begin = j->previous_since;
    memset(out->ts, 0, sizeof out->ts);
    out->state = st;
    out->attempt = n;
    out->ts[SIM_TASK_CREATED] = begin;
    out->ts[SIM_TASK_SCHEDULED] = begin + 3;
    out->ts[SIM_TASK_DEPLOYING] = begin + 40;
    out->ts[SIM_TASK_INITIALIZING] = begin + 300;
    out->ts[SIM_TASK_RUNNING] = begin + 900 < end ? begin + 900 : end;
    out->ts[st] = end;
    out->start = begin + 40;
    out->end = end;
    out->duration = end - out->start;
    memset(&out->io, 0, sizeof out->io);
}

static cJSON *io_json(const struct sim_cluster *c, const struct sim_job *j,
                      const struct sim_io *io) {
    cJSON *m = cJSON_CreateObject();
    add_num(m, "read-bytes", (int64_t)io->bytes_in);
    cJSON_AddBoolToObject(m, "read-bytes-complete", true);
    add_num(m, "write-bytes", (int64_t)io->bytes_out);
    cJSON_AddBoolToObject(m, "write-bytes-complete", true);
    add_num(m, "read-records", (int64_t)io->records_in);
    cJSON_AddBoolToObject(m, "read-records-complete", true);
    add_num(m, "write-records", (int64_t)io->records_out);
    cJSON_AddBoolToObject(m, "write-records-complete", true);
    if (sim_cluster_version_at_least(c, 1, 16)) {
        add_num(m, "accumulated-backpressured-time", (int64_t)io->backpressured_ms);
        add_num(m, "accumulated-idle-time", (int64_t)io->idle_ms);
        if (j->busy_nan)
            cJSON_AddStringToObject(m, "accumulated-busy-time", "NaN");
        else
            cJSON_AddNumberToObject(m, "accumulated-busy-time", floor(io->busy_ms));
    }
    return m;
}

/* "10.1.0.5" and "10.1.0.5:6121" of a subtask's task manager. */
static void tm_address(const struct sim_cluster *c, size_t tm, char *host, size_t hcap,
                       char *endpoint, size_t ecap) {
    if (tm == SIZE_MAX || tm >= c->n_tms) {
        snprintf(host, hcap, "(unassigned)");
        snprintf(endpoint, ecap, "(unassigned)");
        return;
    }
    snprintf(host, hcap, "%s", c->tms[tm].ip);
    snprintf(endpoint, ecap, "%s:%d", c->tms[tm].ip, SIM_TM_DATA_PORT);
}

static void add_location(const struct sim_cluster *c, cJSON *o, size_t tm) {
    char host[64], endpoint[80];
    tm_address(c, tm, host, sizeof host, endpoint, sizeof endpoint);
    if (sim_cluster_version_at_least(c, 1, 19))
        cJSON_AddStringToObject(o, "endpoint", endpoint);
    if (!sim_cluster_version_at_least(c, 2, 0))
        cJSON_AddStringToObject(o, "host", host);
}

/* How long the subtask spent in each of the states up to RUNNING (1.16+). */
static int64_t state_duration(const struct subtask *s, enum sim_task_state st, int64_t now) {
    if (s->ts[st] == 0)
        return 0;
    static const enum sim_task_state order[] = {SIM_TASK_CREATED, SIM_TASK_SCHEDULED,
                                                SIM_TASK_DEPLOYING, SIM_TASK_INITIALIZING,
                                                SIM_TASK_RUNNING};
    int64_t next = 0;
    for (size_t k = 0; k + 1 < sizeof order / sizeof order[0]; k++)
        if (order[k] == st)
            next = s->ts[order[k + 1]];
    if (st == SIM_TASK_RUNNING || next == 0)
        next = s->end >= 0 ? s->end : now;
    return next > s->ts[st] ? next - s->ts[st] : 0;
}

static const enum sim_task_state duration_states[] = {SIM_TASK_CREATED, SIM_TASK_SCHEDULED,
                                                      SIM_TASK_DEPLOYING, SIM_TASK_INITIALIZING,
                                                      SIM_TASK_RUNNING};
#define N_DURATION_STATES (sizeof duration_states / sizeof duration_states[0])

static cJSON *subtask_json(const struct sim_cluster *c, const struct sim_job *j,
                           const struct subtask *s, int64_t now) {
    cJSON *o = cJSON_CreateObject();
    add_num(o, "subtask", s->index);
    cJSON_AddStringToObject(o, "status", sim_task_state_name(s->state));
    add_num(o, "attempt", s->attempt);
    add_location(c, o, s->tm);
    add_num(o, "start-time", s->start);
    add_num(o, "end-time", s->end);
    add_num(o, "duration", s->duration);
    cJSON_AddItemToObject(o, "metrics", io_json(c, j, &s->io));
    cJSON_AddStringToObject(o, "taskmanager-id",
                            s->tm != SIZE_MAX ? c->tms[s->tm].id : "(unassigned)");
    if (sim_cluster_version_at_least(c, 1, 16)) {
        cJSON *sd = cJSON_AddObjectToObject(o, "status-duration");
        for (size_t k = 0; k < N_DURATION_STATES; k++)
            add_num(sd, sim_task_state_name(duration_states[k]),
                    state_duration(s, duration_states[k], now));
    }
    /* The hidden compatibility duplicate Flink still writes. */
    add_num(o, "start_time", s->start);
    return o;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* {min, max, avg, sum, median, p25, p75, p95} of n values (sorted in place). */
static cJSON *stats_json(int64_t *v, size_t n) {
    cJSON *o = cJSON_CreateObject();
    int64_t sum = 0;
    qsort(v, n, sizeof *v, cmp_i64);
    for (size_t i = 0; i < n; i++)
        sum += v[i];
    const double q[] = {0.5, 0.25, 0.75, 0.95};
    const char *names[] = {"median", "p25", "p75", "p95"};
    add_num(o, "min", n > 0 ? v[0] : 0);
    add_num(o, "max", n > 0 ? v[n - 1] : 0);
    add_num(o, "avg", n > 0 ? sum / (int64_t)n : 0);
    add_num(o, "sum", sum);
    for (size_t k = 0; k < 4; k++) {
        size_t idx = n > 0 ? (size_t)ceil(q[k] * (double)n) : 0;
        add_num(o, names[k], n > 0 ? v[idx > 0 ? idx - 1 : 0] : 0);
    }
    return o;
}

/* The aggregated block (1.16+) over the subtasks in subs. */
static cJSON *aggregated_json(const struct subtask *subs, size_t n, int64_t now) {
    cJSON *o = cJSON_CreateObject();
    int64_t *vals = xcalloc(n > 0 ? n : 1, sizeof *vals);
    static const char *const io_names[] = {"read-bytes",
                                           "write-bytes",
                                           "read-records",
                                           "write-records",
                                           "accumulated-backpressured-time",
                                           "accumulated-idle-time",
                                           "accumulated-busy-time"};
    cJSON *m = cJSON_AddObjectToObject(o, "metrics");
    for (size_t k = 0; k < sizeof io_names / sizeof io_names[0]; k++) {
        for (size_t i = 0; i < n; i++) {
            const struct sim_io *io = &subs[i].io;
            double x = k == 0   ? io->bytes_in
                       : k == 1 ? io->bytes_out
                       : k == 2 ? io->records_in
                       : k == 3 ? io->records_out
                       : k == 4 ? io->backpressured_ms
                       : k == 5 ? io->idle_ms
                                : io->busy_ms;
            vals[i] = (int64_t)x;
        }
        cJSON_AddItemToObject(m, io_names[k], stats_json(vals, n));
    }
    cJSON *sd = cJSON_AddObjectToObject(o, "status-duration");
    for (size_t k = 0; k < N_DURATION_STATES; k++) {
        for (size_t i = 0; i < n; i++)
            vals[i] = state_duration(&subs[i], duration_states[k], now);
        cJSON_AddItemToObject(sd, sim_task_state_name(duration_states[k]), stats_json(vals, n));
    }
    free(vals);
    return o;
}

static struct subtask *all_subtasks(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                                    size_t *n) {
    int p = c->jobs[ji].vertices[v].parallelism;
    struct subtask *subs = xcalloc(p > 0 ? (size_t)p : 1, sizeof *subs);
    struct vertex_step vs;
    vertex_step_init(c, &c->jobs[ji], v, now, &vs);
    for (int i = 0; i < p; i++)
        subtask_at(c, ji, v, i, now, &vs, &subs[i]);
    *n = (size_t)p;
    return subs;
}

void sim_vertex_render(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                       struct sim_reply *r) {
    const struct sim_job *j = &c->jobs[ji];
    const struct sim_vertex *vx = &j->vertices[v];
    size_t n;
    struct subtask *subs = all_subtasks(c, ji, v, now, &n);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", vx->id);
    cJSON_AddStringToObject(o, "name", vx->name);
    add_num(o, "parallelism", vx->parallelism);
    add_num(o, "maxParallelism", VERTEX_MAX_PARALLELISM);
    add_num(o, "now", now);
    cJSON *arr = cJSON_AddArrayToObject(o, "subtasks");
    for (size_t i = 0; i < n; i++)
        cJSON_AddItemToArray(arr, subtask_json(c, j, &subs[i], now));
    if (sim_cluster_version_at_least(c, 1, 16))
        cJSON_AddItemToObject(o, "aggregated", aggregated_json(subs, n, now));
    free(subs);
    sim_reply_json(r, 200, o);
}

void sim_vertex_render_subtask(const struct sim_cluster *c, size_t ji, size_t v, long subtask,
                               long attempt, int64_t now, struct sim_reply *r) {
    const struct sim_job *j = &c->jobs[ji];
    struct subtask s;
    if (subtask < 0 || subtask >= j->vertices[v].parallelism) {
        sim_reply_error(r, 404, "Invalid subtask index %ld for vertex %s.", subtask,
                        j->vertices[v].id);
        return;
    }
    if (attempt > j->attempt) {
        sim_reply_error(r, 404, "Attempt %ld not found in subtask %ld", attempt, subtask);
        return;
    }
    if (attempt >= 0 && attempt < j->attempt) {
        previous_attempt(c, ji, v, (int)subtask, (int)attempt, now, &s);
    } else {
        struct vertex_step vs;
        vertex_step_init(c, j, v, now, &vs);
        subtask_at(c, ji, v, (int)subtask, now, &vs, &s);
    }
    sim_reply_json(r, 200, subtask_json(c, j, &s, now));
}

void sim_vertex_render_taskmanagers(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                                    struct sim_reply *r) {
    const struct sim_job *j = &c->jobs[ji];
    const struct sim_vertex *vx = &j->vertices[v];
    size_t n;
    struct subtask *subs = all_subtasks(c, ji, v, now, &n);
    struct subtask *mine = xcalloc(n > 0 ? n : 1, sizeof *mine);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", vx->id);
    cJSON_AddStringToObject(o, "name", vx->name);
    add_num(o, "now", now);
    cJSON *arr = cJSON_AddArrayToObject(o, "taskmanagers");
    for (size_t t = 0; t < c->n_tms; t++) {
        size_t m = 0;
        for (size_t i = 0; i < n; i++)
            if (subs[i].tm == t)
                mine[m++] = subs[i];
        if (m == 0)
            continue;
        /* What Flink's handler reports per task manager: its subtasks' earliest start,
         * latest end (when all ended), summed I/O and their states. */
        int counts[SIM_TASK_STATE_COUNT] = {0};
        int64_t start = -1, end = -1;
        bool all_done = true;
        struct sim_io io = {0};
        for (size_t i = 0; i < m; i++) {
            counts[mine[i].state]++;
            if (mine[i].start > 0 && (start < 0 || mine[i].start < start))
                start = mine[i].start;
            all_done = all_done && mine[i].end >= 0;
            if (mine[i].end > end)
                end = mine[i].end;
            io.bytes_in += mine[i].io.bytes_in;
            io.bytes_out += mine[i].io.bytes_out;
            io.records_in += mine[i].io.records_in;
            io.records_out += mine[i].io.records_out;
            io.busy_ms += mine[i].io.busy_ms;
            io.idle_ms += mine[i].io.idle_ms;
            io.backpressured_ms += mine[i].io.backpressured_ms;
        }
        if (!all_done)
            end = -1;
        enum sim_task_state status = mine[0].state;
        if (counts[SIM_TASK_FAILED] > 0)
            status = SIM_TASK_FAILED;
        cJSON *e = cJSON_CreateObject();
        add_location(c, e, t);
        cJSON_AddStringToObject(e, "status", sim_task_state_name(status));
        add_num(e, "start-time", start);
        add_num(e, "end-time", end);
        add_num(e, "duration", start < 0 ? -1 : (end >= 0 ? end : now) - start);
        cJSON_AddItemToObject(e, "metrics", io_json(c, j, &io));
        cJSON *sc = cJSON_AddObjectToObject(e, "status-counts");
        for (int s = 0; s < SIM_TASK_STATE_COUNT; s++)
            add_num(sc, sim_task_state_name((enum sim_task_state)s), counts[s]);
        cJSON_AddStringToObject(e, "taskmanager-id", c->tms[t].id);
        if (sim_cluster_version_at_least(c, 1, 16))
            cJSON_AddItemToObject(e, "aggregated", aggregated_json(mine, m, now));
        cJSON_AddItemToArray(arr, e);
    }
    free(mine);
    free(subs);
    sim_reply_json(r, 200, o);
}

void sim_vertex_render_times(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                             struct sim_reply *r) {
    const struct sim_job *j = &c->jobs[ji];
    const struct sim_vertex *vx = &j->vertices[v];
    size_t n;
    struct subtask *subs = all_subtasks(c, ji, v, now, &n);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", vx->id);
    cJSON_AddStringToObject(o, "name", vx->name);
    add_num(o, "now", now);
    cJSON *arr = cJSON_AddArrayToObject(o, "subtasks");
    for (size_t i = 0; i < n; i++) {
        const struct subtask *s = &subs[i];
        cJSON *e = cJSON_CreateObject();
        add_num(e, "subtask", s->index);
        add_location(c, e, s->tm);
        int64_t start = s->ts[SIM_TASK_SCHEDULED] > 0 ? s->ts[SIM_TASK_SCHEDULED] : -1;
        add_num(e, "duration", start < 0 ? -1 : (s->end >= 0 ? s->end : now) - start);
        cJSON *ts = cJSON_AddObjectToObject(e, "timestamps");
        for (int k = 0; k < SIM_TASK_STATE_COUNT; k++)
            add_num(ts, sim_task_state_name((enum sim_task_state)k), s->ts[k]);
        cJSON_AddItemToArray(arr, e);
    }
    free(subs);
    sim_reply_json(r, 200, o);
}

/* The execution attempt id (hex) of subtask i, attempt n: stable for the pair. */
static void attempt_id(const struct sim_vertex *vx, long i, long n, char out[33]) {
    uint64_t a = sim_prng_hash(vx->key, (uint64_t)i, (uint64_t)n * 2 + 1);
    uint64_t b = sim_prng_hash(vx->key, (uint64_t)i, (uint64_t)n * 2 + 2);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

void sim_vertex_render_accumulators(const struct sim_cluster *c, size_t ji, size_t v, int which,
                                    long subtask, long attempt, struct sim_reply *r) {
    const struct sim_job *j = &c->jobs[ji];
    const struct sim_vertex *vx = &j->vertices[v];
    /* The catalogue's jobs register no user accumulators, as most streaming jobs. */
    cJSON *o = cJSON_CreateObject();
    if (which == 0) {
        cJSON_AddStringToObject(o, "id", vx->id);
        cJSON_AddArrayToObject(o, "user-accumulators");
    } else if (which == 1) {
        cJSON_AddStringToObject(o, "id", vx->id);
        add_num(o, "parallelism", vx->parallelism);
        cJSON *arr = cJSON_AddArrayToObject(o, "subtasks");
        for (int i = 0; i < vx->parallelism; i++) {
            cJSON *e = cJSON_CreateObject();
            add_num(e, "subtask", i);
            add_num(e, "attempt", j->attempt);
            size_t tm = c->n_tms > 0 ? sim_cluster_subtask_tm(c, ji, i) : SIZE_MAX;
            add_location(c, e, tm);
            cJSON_AddArrayToObject(e, "user-accumulators");
            cJSON_AddItemToArray(arr, e);
        }
    } else {
        if (subtask < 0 || subtask >= vx->parallelism || attempt < 0 || attempt > j->attempt) {
            cJSON_Delete(o);
            sim_reply_error(r, 404, "Attempt %ld of subtask %ld not found.", attempt, subtask);
            return;
        }
        char id[33];
        attempt_id(vx, subtask, attempt, id);
        add_num(o, "subtask", subtask);
        add_num(o, "attempt", attempt);
        cJSON_AddStringToObject(o, "id", id);
        cJSON_AddArrayToObject(o, "user-accumulators");
    }
    sim_reply_json(r, 200, o);
}
