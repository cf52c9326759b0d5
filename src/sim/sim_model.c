#include "sim_model.h"

#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define SECOND 1000LL
#define MINUTE (60 * SECOND)
#define HOUR (60 * MINUTE)
#define DAY (24 * HOUR)

/* Restart choreography, in ms: FAILING, then RESTARTING (the restart-strategy delay),
 * then RUNNING with subtasks DEPLOYING, then INITIALIZING, then all RUNNING. */
#define FAILING_MS 2000
#define RESTART_DELAY_MS 4000
#define DEPLOYING_MS 1000
#define INITIALIZING_MS 2000
/* Flink's metric fetcher refreshes every 10 s; served metrics move in the same steps. */
#define METRIC_INTERVAL_MS 10000

static const char *const job_state_names[SIM_JOB_STATE_COUNT] = {
    "INITIALIZING", "CREATED",  "RUNNING",    "FAILING",   "FAILED",      "CANCELLING",
    "CANCELED",     "FINISHED", "RESTARTING", "SUSPENDED", "RECONCILING",
};

static const char *const task_state_names[SIM_TASK_STATE_COUNT] = {
    "CREATED",   "SCHEDULED", "DEPLOYING", "RUNNING",     "FINISHED",
    "CANCELING", "CANCELED",  "FAILED",    "RECONCILING", "INITIALIZING",
};

static const char *const task_state_lower[SIM_TASK_STATE_COUNT] = {
    "created",   "scheduled", "deploying", "running",     "finished",
    "canceling", "canceled",  "failed",    "reconciling", "initializing",
};

const char *sim_job_state_name(enum sim_job_state s) { return job_state_names[s]; }
const char *sim_task_state_name(enum sim_task_state s) { return task_state_names[s]; }
const char *sim_task_state_lower(enum sim_task_state s) { return task_state_lower[s]; }

bool sim_job_state_is_terminal(enum sim_job_state s) {
    return s == SIM_JOB_FAILED || s == SIM_JOB_CANCELED || s == SIM_JOB_FINISHED;
}

int64_t sim_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void set_state(struct sim_job *j, enum sim_job_state s, int64_t t) {
    j->state = s;
    j->timestamps[s] = t;
    j->last_modification = t;
}

/* ---- building ------------------------------------------------------------------- */

static void parse_version(struct sim_cluster *c) {
    char *end = NULL;
    const char *v = c->profile->version;
    long major = strtol(v, &end, 10);
    long minor = 0;
    if (end != v && *end == '.')
        minor = strtol(end + 1, NULL, 10);
    c->version_major = (int)major;
    c->version_minor = (int)minor;
}

static void set_tm_address(struct sim_cluster *c, struct sim_tm *tm) {
    snprintf(tm->ip, sizeof tm->ip, "10.%d.%d.%d", (int)(c->index % 200) + 1,
             (tm->pod_index / 200) % 256, tm->pod_index % 200 + 10);
}

static void build_vertices(struct sim_job *j, struct sim_prng *p, int max_par, bool slow_chain) {
    int par = (int)sim_prng_range(p, 1, max_par);
    j->n_vertices = (size_t)sim_prng_range(p, 3, SIM_MAX_VERTICES);
    size_t last = j->n_vertices - 1;
    /* With slow_chain one vertex is saturated and everything upstream of it waits on
     * it: the backpressure pattern the console has to point at. */
    size_t slow = slow_chain ? (size_t)sim_prng_range(p, 1, (int64_t)last) : SIZE_MAX;
    int64_t rate = sim_prng_range(p, 200, 50000);
    sim_prng_hex32(p, j->slot_sharing_group);

    for (size_t v = 0; v < j->n_vertices; v++) {
        struct sim_vertex *vx = &j->vertices[v];
        const struct sim_operator *op;
        if (v == 0)
            op = sim_catalog_source((size_t)sim_prng_next(p));
        else if (v == last)
            op = sim_catalog_sink((size_t)sim_prng_next(p));
        else
            op = sim_catalog_middle((size_t)sim_prng_next(p));
        sim_prng_hex32(p, vx->id);
        vx->name = op->name;
        vx->keyed_input = op->keyed;
        /* Middle vertices run at the job's parallelism; sources (partitions) and sinks
         * are often narrower. */
        vx->parallelism = (v == 0 || v == last) ? (int)sim_prng_range(p, 1, par) : par;
        if (v > 0)
            rate = rate * sim_prng_range(p, 30, 100) / 100;
        vx->out_rate = v == last ? 0 : rate;
        vx->record_bytes = (int)sim_prng_range(p, 120, 1500);
        vx->busy_permille = (int)sim_prng_range(p, 30, 600);
        vx->backpressure_permille = (int)sim_prng_range(p, 0, 40);
        if (v == slow)
            vx->busy_permille = 980;
        else if (v < slow)
            vx->backpressure_permille = (int)sim_prng_range(p, 500, 900);
        if (vx->busy_permille + vx->backpressure_permille > 1000)
            vx->busy_permille = 1000 - vx->backpressure_permille;
        if (vx->parallelism > j->demand)
            j->demand = vx->parallelism;
    }
}

static void build_running(struct sim_job *j, struct sim_prng *p, int64_t now) {
    j->start_time = now - sim_prng_range(p, 2 * HOUR, 20 * DAY);
    j->end_time = -1;
    j->timestamps[SIM_JOB_INITIALIZING] = j->start_time;
    j->timestamps[SIM_JOB_CREATED] = j->start_time + sim_prng_range(p, 50, 300);
    int64_t running = j->start_time + sim_prng_range(p, 800, 3000);
    /* A third of the jobs restarted once in the past, as long-running jobs do. */
    if (sim_prng_range(p, 0, 2) == 0) {
        int64_t failing = sim_prng_range(p, running + MINUTE, now - 10 * MINUTE);
        j->timestamps[SIM_JOB_FAILING] = failing;
        j->timestamps[SIM_JOB_RESTARTING] = failing + FAILING_MS;
        running = failing + FAILING_MS + RESTART_DELAY_MS;
        j->restarts = (int)sim_prng_range(p, 1, 4);
    }
    j->timestamps[SIM_JOB_RUNNING] = running;
    j->state = SIM_JOB_RUNNING;
    j->last_modification = running + DEPLOYING_MS + INITIALIZING_MS;
    j->running_since = running;
}

static void build_finished(struct sim_job *j, struct sim_prng *p, int64_t now) {
    j->batch = true;
    j->start_time = now - sim_prng_range(p, 3 * HOUR, 30 * HOUR);
    j->end_time = j->start_time + sim_prng_range(p, 20 * MINUTE, 2 * HOUR);
    j->timestamps[SIM_JOB_INITIALIZING] = j->start_time;
    j->timestamps[SIM_JOB_CREATED] = j->start_time + 120;
    j->timestamps[SIM_JOB_RUNNING] = j->start_time + 1500;
    j->timestamps[SIM_JOB_FINISHED] = j->end_time;
    j->state = SIM_JOB_FINISHED;
    j->last_modification = j->end_time;
    j->running_since = j->start_time + 1500;
    j->metrics_until = j->end_time;
}

static void build_failed(struct sim_job *j, struct sim_prng *p, int64_t now) {
    j->start_time = now - sim_prng_range(p, DAY, 4 * DAY);
    j->end_time = now - sim_prng_range(p, 10 * MINUTE, 6 * HOUR);
    int64_t failing = j->end_time - sim_prng_range(p, 1000, 3000);
    j->timestamps[SIM_JOB_INITIALIZING] = j->start_time;
    j->timestamps[SIM_JOB_CREATED] = j->start_time + 150;
    /* It restarted a few times before the restart strategy gave up. */
    j->timestamps[SIM_JOB_RESTARTING] = failing - 30 * SECOND;
    j->timestamps[SIM_JOB_RUNNING] = failing - 25 * SECOND;
    j->timestamps[SIM_JOB_FAILING] = failing;
    j->timestamps[SIM_JOB_FAILED] = j->end_time;
    j->state = SIM_JOB_FAILED;
    j->last_modification = j->end_time;
    j->running_since = failing - 25 * SECOND;
    j->metrics_until = failing;
    j->restarts = (int)sim_prng_range(p, 3, 10);
    j->failed_vertex = (size_t)sim_prng_range(p, 0, (int64_t)j->n_vertices - 1);
}

static enum sim_job_state initial_state(size_t ci, size_t i, size_t n_jobs) {
    if (n_jobs >= 4 && i == 3 && ci == 0)
        return SIM_JOB_FINISHED;
    if (n_jobs >= 4 && i == 3 && ci == 1)
        return SIM_JOB_FAILED;
    return SIM_JOB_RUNNING;
}

static char *job_name(size_t ci, size_t i, size_t n_jobs, size_t name_offset, size_t *hostile,
                      const struct sim_model_options *o) {
    if (ci == 2 && i == (n_jobs > 1 ? 1 : 0))
        return xstrdup(sim_catalog_cjk_job_name());
    if (initial_state(ci, i, n_jobs) == SIM_JOB_FINISHED)
        return xstrdup(sim_catalog_batch_job_name(ci));
    if (o->hostile_names && sim_catalog_hostile_name(*hostile) != NULL)
        return xstrdup(sim_catalog_hostile_name((*hostile)++));
    size_t k = name_offset + i;
    size_t round = i / sim_catalog_job_name_count();
    if (round == 0)
        return xstrdup(sim_catalog_job_name(k));
    return xasprintf("%s-%zu", sim_catalog_job_name(k), round + 1);
}

static void build_cluster(struct sim_cluster *c, size_t ci, const struct sim_model_options *o,
                          bool frozen, int64_t now) {
    struct sim_prng build;
    sim_prng_init(&build, o->seed, ci * 2 + 1);
    sim_prng_init(&c->events, o->seed, ci * 2 + 2);

    c->index = ci;
    c->profile = sim_catalog_profile(ci);
    c->name =
        c->profile->name != NULL ? xstrdup(c->profile->name) : xasprintf("cluster-%zu", ci + 1);
    parse_version(c);
    c->n_tms = (size_t)(o->taskmanagers > 0 ? o->taskmanagers : c->profile->taskmanagers);
    c->n_jobs = (size_t)o->jobs;

    /* Size slots so every slot-holding job still fits while one task manager is away;
     * then the overview never shows more slots used than exist. */
    size_t holders = 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        holders += !sim_job_state_is_terminal(initial_state(ci, i, c->n_jobs));
    size_t usable = c->n_tms > 1 ? c->n_tms - 1 : 1;
    size_t slots = (size_t)c->profile->slots_per_tm;
    if (holders > slots * usable)
        slots = (holders + usable - 1) / usable;
    size_t budget = holders > 0 ? slots * usable / holders : 8;
    if (budget > 8)
        budget = 8;

    /* Staging runs mostly the same pipelines as production, shifted by one; the other
     * clusters start further down the list. */
    size_t name_offset = ci == 0 ? 0 : ci == 1 ? 1 : 4 * ci;
    size_t hostile = 0;
    c->jobs = xcalloc(c->n_jobs, sizeof *c->jobs);
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct sim_job *j = &c->jobs[i];
        enum sim_job_state st = initial_state(ci, i, c->n_jobs);
        sim_prng_hex32(&build, j->jid);
        j->name = job_name(ci, i, c->n_jobs, name_offset, &hostile, o);
        bool slow = sim_prng_range(&build, 0, 2) == 0;
        build_vertices(j, &build, sim_job_state_is_terminal(st) ? 8 : (int)budget, slow);
        if (st == SIM_JOB_FINISHED)
            build_finished(j, &build, now);
        else if (st == SIM_JOB_FAILED)
            build_failed(j, &build, now);
        else
            build_running(j, &build, now);
    }
    /* Flink 2.x reports NaN busy time when measurement is off: one job shows the trap. */
    if (c->version_major >= 2 && c->n_jobs > 0)
        c->jobs[c->n_jobs - 1].busy_nan = true;

    c->tms = xcalloc(c->n_tms, sizeof *c->tms);
    for (size_t t = 0; t < c->n_tms; t++) {
        struct sim_tm *tm = &c->tms[t];
        tm->pod_index = (int)t + 1;
        tm->id = xasprintf("%s-taskmanager-1-%d", c->name, tm->pod_index);
        set_tm_address(c, tm);
        tm->slots = (int)slots;
        tm->present = true;
        tm->registered_at = now - sim_prng_range(&build, 10 * MINUTE, 3 * DAY);
    }
    c->next_pod_index = (int)c->n_tms + 1;
    c->next_event_at = frozen ? INT64_MAX : now + sim_prng_range(&c->events, 30000, 90000);
}

struct sim_model *sim_model_new(const struct sim_model_options *o, int64_t now_ms) {
    struct sim_model *m = xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    m->frozen = o->frozen;
    m->started_at = now_ms;
    m->now = now_ms;
    m->n_clusters = (size_t)o->clusters;
    m->clusters = xcalloc(m->n_clusters, sizeof *m->clusters);
    for (size_t ci = 0; ci < m->n_clusters; ci++)
        build_cluster(&m->clusters[ci], ci, o, o->frozen, now_ms);
    return m;
}

void sim_model_free(struct sim_model *m) {
    if (m == NULL)
        return;
    for (size_t ci = 0; ci < m->n_clusters; ci++) {
        struct sim_cluster *c = &m->clusters[ci];
        for (size_t i = 0; i < c->n_jobs; i++)
            free(c->jobs[i].name);
        for (size_t t = 0; t < c->n_tms; t++)
            free(c->tms[t].id);
        free(c->jobs);
        free(c->tms);
        free(c->name);
    }
    free(m->clusters);
    pthread_mutex_destroy(&m->lock);
    free(m);
}

/* ---- slots ---------------------------------------------------------------------- */

bool sim_job_holds_slots(const struct sim_job *j) {
    return !sim_job_state_is_terminal(j->state) && j->state != SIM_JOB_SUSPENDED;
}

/* Fills task managers in order with each slot-holding job's demand. first_job[t], when
 * not NULL, gets the index of the first job placed on task manager t (or SIZE_MAX). */
static void allocate(const struct sim_cluster *c, int *used, size_t *first_job) {
    for (size_t t = 0; t < c->n_tms; t++) {
        used[t] = 0;
        if (first_job != NULL)
            first_job[t] = SIZE_MAX;
    }
    size_t t = 0;
    for (size_t i = 0; i < c->n_jobs; i++) {
        const struct sim_job *j = &c->jobs[i];
        if (!sim_job_holds_slots(j))
            continue;
        int need = j->demand;
        while (need > 0 && t < c->n_tms) {
            const struct sim_tm *tm = &c->tms[t];
            if (!tm->present || used[t] >= tm->slots) {
                t++;
                continue;
            }
            int take = tm->slots - used[t] < need ? tm->slots - used[t] : need;
            used[t] += take;
            need -= take;
            if (first_job != NULL && first_job[t] == SIZE_MAX)
                first_job[t] = i;
        }
    }
}

void sim_cluster_slot_usage(const struct sim_cluster *c, int *used) { allocate(c, used, NULL); }

void sim_cluster_counts(const struct sim_cluster *c, struct sim_cluster_counts *out) {
    memset(out, 0, sizeof *out);
    int *used = xcalloc(c->n_tms, sizeof *used);
    allocate(c, used, NULL);
    for (size_t t = 0; t < c->n_tms; t++) {
        if (!c->tms[t].present)
            continue;
        out->taskmanagers++;
        out->slots_total += c->tms[t].slots;
        out->slots_available += c->tms[t].slots - used[t];
    }
    free(used);
    /* Flink's "jobs-running" is every job not globally terminal (restarting included). */
    for (size_t i = 0; i < c->n_jobs; i++) {
        switch (c->jobs[i].state) {
        case SIM_JOB_FINISHED:
            out->jobs_finished++;
            break;
        case SIM_JOB_CANCELED:
            out->jobs_cancelled++;
            break;
        case SIM_JOB_FAILED:
            out->jobs_failed++;
            break;
        default:
            out->jobs_running++;
            break;
        }
    }
}

/* ---- life ----------------------------------------------------------------------- */

static void start_restart(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    j->failed_vertex = (size_t)sim_prng_range(&c->events, 0, (int64_t)j->n_vertices - 1);
    set_state(j, SIM_JOB_FAILING, t);
    j->phase = SIM_TASKS_STEADY;
    j->metrics_until = t;
    j->restart_step = 1;
    j->next_at = t + FAILING_MS;
}

static void job_step(struct sim_job *j, int64_t t) {
    switch (j->restart_step) {
    case 1:
        set_state(j, SIM_JOB_RESTARTING, t);
        j->restart_step = 2;
        j->next_at = t + RESTART_DELAY_MS;
        break;
    case 2:
        set_state(j, SIM_JOB_RUNNING, t);
        j->phase = SIM_TASKS_DEPLOYING;
        j->running_since = t;
        j->metrics_until = 0;
        j->restart_step = 3;
        j->next_at = t + DEPLOYING_MS;
        break;
    case 3:
        /* Subtask transitions move last-modification too, as in Flink's JobDetails. */
        j->phase = SIM_TASKS_INITIALIZING;
        j->last_modification = t;
        j->restart_step = 4;
        j->next_at = t + INITIALIZING_MS;
        break;
    default:
        j->phase = SIM_TASKS_STEADY;
        j->last_modification = t;
        j->restarts++;
        j->restart_step = 0;
        j->next_at = 0;
        break;
    }
}

static bool restartable(const struct sim_job *j) {
    return j->state == SIM_JOB_RUNNING && j->phase == SIM_TASKS_STEADY && j->next_at == 0;
}

static bool restart_random_job(struct sim_cluster *c, int64_t t) {
    size_t n = 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        n += restartable(&c->jobs[i]);
    if (n == 0)
        return false;
    size_t pick = (size_t)sim_prng_range(&c->events, 0, (int64_t)n - 1);
    for (size_t i = 0; i < c->n_jobs; i++) {
        if (!restartable(&c->jobs[i]))
            continue;
        if (pick-- == 0) {
            start_restart(c, &c->jobs[i], t);
            break;
        }
    }
    return true;
}

static bool tm_can_leave(const struct sim_cluster *c) {
    if (c->n_tms < 2)
        return false;
    for (size_t t = 0; t < c->n_tms; t++)
        if (!c->tms[t].present)
            return false;
    return true;
}

/* A task manager pod dies: its slots vanish and the first job with tasks on it fails
 * ("TaskManager ... lost") and restarts on the remaining slots. */
static void tm_leave(struct sim_cluster *c, int64_t t) {
    size_t pick = (size_t)sim_prng_range(&c->events, 0, (int64_t)c->n_tms - 1);
    int *used = xcalloc(c->n_tms, sizeof *used);
    size_t *first = xcalloc(c->n_tms, sizeof *first);
    allocate(c, used, first);
    if (first[pick] != SIZE_MAX && restartable(&c->jobs[first[pick]]))
        start_restart(c, &c->jobs[first[pick]], t);
    free(used);
    free(first);
    c->tms[pick].present = false;
    c->tms[pick].away_until = t + sim_prng_range(&c->events, 15000, 25000);
}

/* Kubernetes replaces the pod: a new name and address register with the JobManager. */
static void tm_return(struct sim_cluster *c, struct sim_tm *tm, int64_t t) {
    free(tm->id);
    tm->pod_index = c->next_pod_index++;
    tm->id = xasprintf("%s-taskmanager-1-%d", c->name, tm->pod_index);
    set_tm_address(c, tm);
    tm->present = true;
    tm->registered_at = t;
    tm->away_until = 0;
}

static void cluster_event(struct sim_cluster *c, int64_t t) {
    c->next_event_at = t + sim_prng_range(&c->events, 30000, 90000);
    int64_t roll = sim_prng_range(&c->events, 0, 99);
    bool tm_ok = tm_can_leave(c);
    if (roll < 65 || !tm_ok) {
        if (!restart_random_job(c, t) && tm_ok)
            tm_leave(c, t);
    } else {
        tm_leave(c, t);
    }
}

/* Replays every scheduled change up to now, earliest first (ties: cluster event, then
 * jobs, then task managers, in index order), so the result does not depend on how often
 * it is called. */
static void cluster_advance(struct sim_cluster *c, int64_t now) {
    for (;;) {
        enum { NONE, EVENT, JOB, TM } kind = NONE;
        int64_t when = INT64_MAX;
        size_t which = 0;
        if (c->next_event_at < when) {
            when = c->next_event_at;
            kind = EVENT;
        }
        for (size_t i = 0; i < c->n_jobs; i++) {
            if (c->jobs[i].next_at != 0 && c->jobs[i].next_at < when) {
                when = c->jobs[i].next_at;
                kind = JOB;
                which = i;
            }
        }
        for (size_t t = 0; t < c->n_tms; t++) {
            if (!c->tms[t].present && c->tms[t].away_until < when) {
                when = c->tms[t].away_until;
                kind = TM;
                which = t;
            }
        }
        if (kind == NONE || when > now)
            return;
        if (kind == EVENT)
            cluster_event(c, when);
        else if (kind == JOB)
            job_step(&c->jobs[which], when);
        else
            tm_return(c, &c->tms[which], when);
    }
}

int64_t sim_model_lock(struct sim_model *m, int64_t now_ms) {
    pthread_mutex_lock(&m->lock);
    if (now_ms > m->now)
        m->now = now_ms;
    for (size_t ci = 0; ci < m->n_clusters; ci++)
        cluster_advance(&m->clusters[ci], m->now);
    return m->now;
}

void sim_model_unlock(struct sim_model *m) { pthread_mutex_unlock(&m->lock); }

/* ---- queries -------------------------------------------------------------------- */

struct sim_cluster *sim_model_cluster(struct sim_model *m, const char *name) {
    for (size_t ci = 0; ci < m->n_clusters; ci++)
        if (strcmp(m->clusters[ci].name, name) == 0)
            return &m->clusters[ci];
    return NULL;
}

struct sim_job *sim_cluster_job(struct sim_cluster *c, const char *jid) {
    for (size_t i = 0; i < c->n_jobs; i++)
        if (strcmp(c->jobs[i].jid, jid) == 0)
            return &c->jobs[i];
    return NULL;
}

bool sim_cluster_version_at_least(const struct sim_cluster *c, int major, int minor) {
    return c->version_major > major || (c->version_major == major && c->version_minor >= minor);
}

enum sim_task_state sim_vertex_tasks(const struct sim_job *j, size_t v,
                                     int counts[SIM_TASK_STATE_COUNT]) {
    int p = j->vertices[v].parallelism;
    enum sim_task_state rest;
    bool one_failed = false;
    memset(counts, 0, sizeof(int) * SIM_TASK_STATE_COUNT);
    switch (j->state) {
    case SIM_JOB_RUNNING:
        rest = j->phase == SIM_TASKS_DEPLOYING      ? SIM_TASK_DEPLOYING
               : j->phase == SIM_TASKS_INITIALIZING ? SIM_TASK_INITIALIZING
                                                    : SIM_TASK_RUNNING;
        break;
    case SIM_JOB_FAILING:
    case SIM_JOB_CANCELLING:
        rest = SIM_TASK_CANCELING;
        one_failed = j->state == SIM_JOB_FAILING && v == j->failed_vertex;
        break;
    case SIM_JOB_FAILED:
        rest = SIM_TASK_CANCELED;
        one_failed = v == j->failed_vertex;
        break;
    case SIM_JOB_RESTARTING:
    case SIM_JOB_CANCELED:
    case SIM_JOB_SUSPENDED:
        rest = SIM_TASK_CANCELED;
        break;
    case SIM_JOB_FINISHED:
        rest = SIM_TASK_FINISHED;
        break;
    case SIM_JOB_RECONCILING:
        rest = SIM_TASK_RECONCILING;
        break;
    default:
        rest = SIM_TASK_CREATED;
        break;
    }
    if (one_failed) {
        counts[SIM_TASK_FAILED] = 1;
        counts[rest] = p - 1;
        return SIM_TASK_FAILED;
    }
    counts[rest] = p;
    return rest;
}

void sim_job_tasks(const struct sim_job *j, int counts[SIM_TASK_STATE_COUNT]) {
    int one[SIM_TASK_STATE_COUNT];
    memset(counts, 0, sizeof(int) * SIM_TASK_STATE_COUNT);
    for (size_t v = 0; v < j->n_vertices; v++) {
        sim_vertex_tasks(j, v, one);
        for (int s = 0; s < SIM_TASK_STATE_COUNT; s++)
            counts[s] += one[s];
    }
}

int64_t sim_job_metric_elapsed(const struct sim_job *j, int64_t now_ms) {
    int64_t sampled = now_ms - now_ms % METRIC_INTERVAL_MS;
    int64_t end = j->metrics_until != 0 && j->metrics_until < sampled ? j->metrics_until : sampled;
    return end > j->running_since ? end - j->running_since : 0;
}
