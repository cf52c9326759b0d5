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

/* Failover choreography, in ms, as Flink's scheduler restarts a job: RESTARTING with the
 * old executions CANCELING, all CANCELED after CANCEL_MS; after RESTART_DELAY_MS (the
 * restart strategy's delay, from the failure) RUNNING with new executions SCHEDULED, then
 * DEPLOYING, then INITIALIZING, then all RUNNING. */
#define CANCEL_MS 1000
#define RESTART_DELAY_MS 4000
#define SCHEDULED_MS 500
#define DEPLOYING_MS 1000
#define INITIALIZING_MS 2000
/* A job set to fail repeatedly (/_sim failovers) runs this long between failures. */
#define FAILOVER_AGAIN_MS 5000

/* What runs at a job's next_at (its restart_step). */
enum {
    STEP_NONE,
    STEP_CANCELED,   /* the old executions are all CANCELED */
    STEP_SCHEDULE,   /* the restart delay is over: new executions, RUNNING */
    STEP_DEPLOY,     /* they deploy */
    STEP_INITIALIZE, /* they initialise (restore state) */
    STEP_STEADY,     /* all RUNNING */
    STEP_FAIL_AGAIN  /* a job set to fail repeatedly fails over again */
};

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

static void set_state(struct sim_job *j, enum sim_job_state s, int64_t t) {
    j->state = s;
    j->timestamps[s] = t;
    j->last_modification = t;
}

void sim_model_set_job_state(struct sim_job *j, enum sim_job_state s, int64_t t) {
    set_state(j, s, t);
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

/* The first 64 bits of a hex id. */
static uint64_t id_key(const char *id) {
    char half[17];
    memcpy(half, id, 16);
    half[16] = '\0';
    return (uint64_t)strtoull(half, NULL, 16);
}

/* forced_par > 0 overrides every drawn parallelism (--parallelism); the draws still happen,
 * so ids and names stay those of the same seed without it. */
static void build_vertices(struct sim_job *j, struct sim_prng *p, int max_par, bool slow_chain,
                           int forced_par) {
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
        vx->key = id_key(vx->id);
        vx->name = op->name;
        vx->keyed_input = op->keyed;
        /* Middle vertices run at the job's parallelism; sources (partitions) and sinks
         * are often narrower. */
        vx->parallelism = (v == 0 || v == last) ? (int)sim_prng_range(p, 1, par) : par;
        if (forced_par > 0)
            vx->parallelism = forced_par;
        if (v > 0)
            rate = rate * sim_prng_range(p, 30, 100) / 100;
        vx->out_rate = v == last ? 0 : rate;
        vx->record_bytes = (int)sim_prng_range(p, 120, 1500);
        vx->busy_permille = (int)sim_prng_range(p, 30, 600);
        vx->backpressure_permille = (int)sim_prng_range(p, 0, 40);
        if (v == slow)
            vx->busy_permille = 980;
        else if (slow_chain && v < slow)
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
        j->timestamps[SIM_JOB_RESTARTING] = failing;
        running = failing + RESTART_DELAY_MS;
        j->restarts = (int)sim_prng_range(p, 1, 4);
    }
    j->timestamps[SIM_JOB_RUNNING] = running;
    j->state = SIM_JOB_RUNNING;
    j->last_modification = running + SCHEDULED_MS + DEPLOYING_MS + INITIALIZING_MS;
    j->steady_since = j->last_modification;
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
    j->steady_since = j->running_since;
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
    j->steady_since = j->running_since + DEPLOYING_MS + INITIALIZING_MS;
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

/* Fills e with where subtask s of vertex v of job ji runs. */
static void locate(const struct sim_cluster *c, size_t ji, int v, int s, struct sim_exception *e) {
    e->vertex = v;
    e->subtask = s;
    e->tm_id[0] = '\0';
    e->host[0] = '\0';
    size_t t = v >= 0 ? sim_cluster_subtask_tm(c, ji, s) : SIZE_MAX;
    if (t != SIZE_MAX) {
        snprintf(e->tm_id, sizeof e->tm_id, "%s", c->tms[t].id);
        snprintf(e->host, sizeof e->host, "%s", c->tms[t].ip);
    }
}

/* Records a failure of job ji at t in its exception history. tm: the task manager that
 * was lost, or SIZE_MAX for a failure of the job's own code. */
static void record_failure(struct sim_cluster *c, size_t ji, size_t tm, int64_t t, bool final) {
    struct sim_job *j = &c->jobs[ji];
    struct sim_exception e = {0};
    struct sim_prng *p = &c->dynamics;
    e.timestamp = t;
    e.attempt = j->attempt;
    e.final = final;
    e.detail = sim_prng_range(p, 1000, 99999999);
    int v = (int)j->failed_vertex;
    if (tm != SIZE_MAX) {
        /* The first subtask that ran on the lost task manager. */
        e.kind = SIM_FAILURE_TM_LOST;
        int s = 0;
        while (s < j->demand && sim_cluster_subtask_tm(c, ji, s) != tm)
            s++;
        s = s < j->vertices[v].parallelism ? s : 0;
        locate(c, ji, v, s, &e);
        snprintf(e.tm_id, sizeof e.tm_id, "%s", c->tms[tm].id);
        snprintf(e.host, sizeof e.host, "%s", c->tms[tm].ip);
    } else {
        e.kind = sim_exceptions_pick(j, v, p);
        int s = (int)sim_prng_range(p, 0, (int64_t)j->vertices[v].parallelism - 1);
        locate(c, ji, e.kind == SIM_FAILURE_COORDINATOR ? -1 : v, s, &e);
    }
    sim_exceptions_add(&j->exceptions, &e);
}

/* Metrics, checkpoints and the exception history of the start-up world. */
static void build_dynamics(struct sim_cluster *c, size_t ci, const struct sim_model_options *o,
                           int64_t now) {
    sim_prng_init(&c->dynamics, o->seed, 1000 + ci);
    c->frozen = o->frozen;
    c->fetch_origin = now;
    c->metric_at = now;
    c->episode_job = SIZE_MAX;
    c->next_episode_at = now + sim_prng_range(&c->dynamics, 60000, 240000);
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct sim_job *j = &c->jobs[i];
        sim_load_init_job(j, c->metric_at);
        /* The failures the job already went through: restarts that healed, or, for the
         * failed job, the restarts until its restart strategy gave up. */
        j->attempt = j->restarts;
        if (j->state == SIM_JOB_FAILED) {
            int n = j->restarts < SIM_EXCEPTION_HISTORY ? j->restarts : SIM_EXCEPTION_HISTORY;
            int64_t failing = j->timestamps[SIM_JOB_FAILING];
            for (int k = n - 1; k >= 0; k--) {
                j->attempt = j->restarts - k;
                record_failure(c, i, SIZE_MAX, failing - k * 32 * SECOND, k == 0);
            }
            j->attempt = j->restarts;
        } else if (j->timestamps[SIM_JOB_RESTARTING] != 0) {
            j->failed_vertex = (size_t)sim_prng_range(&c->dynamics, 0, (int64_t)j->n_vertices - 1);
            j->attempt = j->restarts - 1;
            record_failure(c, i, SIZE_MAX, j->timestamps[SIM_JOB_RESTARTING], false);
            j->attempt = j->restarts;
        }
        sim_checkpoints_build(c, j, now);
    }
}

/* The grid's namespaces (--clusters/--jobs), as they always were: one a cluster. */
static char *grid_namespace(const struct sim_cluster *c) {
    if (c->index == 0)
        return xstrdup("flink-prod");
    if (c->index == 1)
        return xstrdup("flink-staging");
    if (c->index == 2)
        return xstrdup("flink-dev");
    return xasprintf("flink-%s", c->name);
}

/* Job i's state at start: the fleet entry's, else the grid's. */
static enum sim_job_state start_state(const struct sim_fleet_entry *fe, size_t ci, size_t i,
                                      size_t n_jobs) {
    if (fe == NULL)
        return initial_state(ci, i, n_jobs);
    return fe->states[i] == SIM_FLEET_FAILED     ? SIM_JOB_FAILED
           : fe->states[i] == SIM_FLEET_FINISHED ? SIM_JOB_FINISHED
                                                 : SIM_JOB_RUNNING;
}

static void build_cluster(struct sim_cluster *c, size_t ci, const struct sim_model_options *o,
                          bool frozen, int64_t now) {
    struct sim_prng build;
    sim_prng_init(&build, o->seed, ci * 2 + 1);
    sim_prng_init(&c->events, o->seed, ci * 2 + 2);

    const struct sim_fleet_entry *fe = o->fleet ? sim_catalog_fleet(ci) : NULL;
    c->index = ci;
    c->profile = fe != NULL ? fe->profile : sim_catalog_profile(ci);
    if (fe != NULL)
        c->name = xstrdup(fe->name);
    else
        c->name =
            c->profile->name != NULL ? xstrdup(c->profile->name) : xasprintf("cluster-%zu", ci + 1);
    c->namespace = fe != NULL ? xstrdup(fe->ns) : grid_namespace(c);
    c->mode = fe != NULL ? fe->mode : o->jobs == 1 ? SIM_MODE_APPLICATION : SIM_MODE_SESSION;
    c->jm_replicas = fe != NULL ? fe->jm_replicas : 1;
    parse_version(c);
    c->n_tms = (size_t)(o->taskmanagers > 0 ? o->taskmanagers : c->profile->taskmanagers);
    /* the fleet's one-job clusters are sized for their job: two task managers */
    if (fe != NULL && o->taskmanagers <= 0 && fe->mode != SIM_MODE_SESSION)
        c->n_tms = 2;
    c->n_jobs = fe != NULL ? fe->n_jobs : (size_t)o->jobs;

    /* Size slots so every slot-holding job still fits while one task manager is away;
     * then the overview never shows more slots used than exist. */
    size_t holders = 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        holders += !sim_job_state_is_terminal(start_state(fe, ci, i, c->n_jobs));
    size_t usable = c->n_tms > 1 ? c->n_tms - 1 : 1;
    size_t slots = (size_t)c->profile->slots_per_tm;
    if (holders > slots * usable)
        slots = (holders + usable - 1) / usable;
    size_t budget = holders > 0 ? slots * usable / holders : 8;
    if (budget > 8)
        budget = 8;
    /* With --parallelism every job needs that many slots: make room for all of them. */
    if (o->parallelism > 0 && holders * (size_t)o->parallelism > slots * usable)
        slots = (holders * (size_t)o->parallelism + usable - 1) / usable;

    /* Staging runs mostly the same pipelines as production, shifted by one; the other
     * clusters start further down the list. */
    size_t name_offset = ci == 0 ? 0 : ci == 1 ? 1 : 4 * ci;
    size_t hostile = 0;
    /* the fleet's hostile names run on across its clusters */
    size_t fleet_hostile = 0;
    for (size_t k = 0; fe != NULL && o->hostile_names && k < ci; k++)
        fleet_hostile += sim_catalog_fleet(k)->n_jobs;
    c->jobs = xcalloc(c->n_jobs, sizeof *c->jobs);
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct sim_job *j = &c->jobs[i];
        enum sim_job_state st = start_state(fe, ci, i, c->n_jobs);
        sim_prng_hex32(&build, j->jid);
        j->name = fe != NULL ? xstrdup(fe->jobs[i])
                             : job_name(ci, i, c->n_jobs, name_offset, &hostile, o);
        bool slow = sim_prng_range(&build, 0, 2) == 0;
        if (fe != NULL) /* the fleet's backpressured jobs, and only those */
            slow = fe->states[i] == SIM_FLEET_SLOW;
        build_vertices(j, &build, sim_job_state_is_terminal(st) ? 8 : (int)budget, slow,
                       o->parallelism);
        if (fe != NULL && o->hostile_names) {
            /* every name a server sends can be hostile: the job's, an operator chain's,
             * and what its exceptions say */
            const char *hn = sim_catalog_fleet_hostile_name(fleet_hostile + i);
            if (hn != NULL) {
                free(j->name);
                j->name = xstrdup(hn);
            }
            j->vertices[1].name = sim_catalog_hostile_vertex(fleet_hostile + i);
            j->hostile = true;
        }
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
    build_dynamics(c, ci, o, now);
    for (size_t i = 0; fe != NULL && i < c->n_jobs; i++)
        if (fe->states[i] == SIM_FLEET_FAILING_CHECKPOINTS) /* until a test says otherwise */
            sim_checkpoints_force_failures(c, &c->jobs[i], 1000000, now);
    sim_actions_init(&c->actions, o->seed, ci, o->action_step_ms);
}

struct sim_model *sim_model_new(const struct sim_model_options *o, int64_t now_ms) {
    struct sim_model *m = xcalloc(1, sizeof *m);
    pthread_mutex_init(&m->lock, NULL);
    m->frozen = o->frozen;
    m->started_at = now_ms;
    m->now = now_ms;
    m->n_clusters = o->fleet ? sim_catalog_fleet_count() : (size_t)o->clusters;
    m->cap_clusters = m->n_clusters + SIM_MODEL_SPARE_CLUSTERS;
    m->clusters = xcalloc(m->cap_clusters, sizeof *m->clusters);
    for (size_t ci = 0; ci < m->n_clusters; ci++)
        build_cluster(&m->clusters[ci], ci, o, o->frozen, now_ms);
    m->action_step_ms = o->action_step_ms;
    m->seed = o->seed;
    return m;
}

struct sim_cluster *sim_model_add_cluster(struct sim_model *m, const struct sim_cluster_spec *s,
                                          int64_t now) {
    if (m->n_clusters >= m->cap_clusters)
        return NULL;
    size_t ci = m->n_clusters;
    struct sim_cluster *c = &m->clusters[ci];
    memset(c, 0, sizeof *c);
    c->index = ci;
    c->name = xstrdup(s->name);
    c->namespace = xstrdup(s->namespace);
    c->mode = s->mode;
    c->jm_replicas = s->jm_replicas > 0 ? s->jm_replicas : 1;
    c->profile = sim_catalog_profile_for(s->version_major, s->version_minor);
    parse_version(c);
    c->jobs = xcalloc(1, sizeof *c->jobs);
    c->tms = xcalloc(1, sizeof *c->tms);
    c->next_pod_index = 1;
    c->slots_per_tm = s->slots_per_tm > 0 ? s->slots_per_tm : c->profile->slots_per_tm;
    uint64_t h = 1469598103934665603ULL;
    for (const char *p = s->name; *p != '\0'; p++)
        h = (h ^ (unsigned char)*p) * 1099511628211ULL;
    sim_prng_init(&c->events, m->seed ^ h, ci * 2 + 2);
    sim_prng_init(&c->dynamics, m->seed ^ h, 1000 + ci);
    c->frozen = m->frozen;
    c->next_event_at = m->frozen ? INT64_MAX : now + sim_prng_range(&c->events, 30000, 90000);
    c->fetch_origin = now;
    c->metric_at = now;
    c->episode_job = SIZE_MAX;
    c->next_episode_at = now + sim_prng_range(&c->dynamics, 60000, 240000);
    sim_actions_init(&c->actions, m->seed ^ h, ci, m->action_step_ms);
    m->n_clusters++;
    return c;
}

void sim_model_remove_cluster(struct sim_model *m, struct sim_cluster *c, int64_t now) {
    (void)m;
    (void)now;
    c->gone = true;
    c->next_event_at = INT64_MAX;
}

void sim_model_free(struct sim_model *m) {
    if (m == NULL)
        return;
    for (size_t ci = 0; ci < m->n_clusters; ci++) {
        struct sim_cluster *c = &m->clusters[ci];
        for (size_t i = 0; i < c->n_jobs; i++) {
            free(c->jobs[i].name);
            free(c->jobs[i].checkpoints.restored_path);
            sim_actions_forget_job(&c->jobs[i]);
        }
        sim_actions_free(&c->actions);
        for (size_t t = 0; t < c->n_tms; t++)
            free(c->tms[t].id);
        free(c->jobs);
        free(c->tms);
        free(c->name);
        free(c->namespace);
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

/* The job's tasks stop at t: counters stop, the running checkpoint fails. */
static void tasks_stop(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    sim_load_flush(j, t);
    sim_checkpoints_stop(c, j, t);
}

void sim_model_stop_tasks(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    tasks_stop(c, j, t);
}

/* A span of the failover choreography, scaled to the cluster's action step
 * (--action-steps-ms) so a faster simulator restarts its jobs faster too. */
static int64_t span(const struct sim_cluster *c, int64_t ms) {
    int64_t step = c->actions.step_ms > 0 ? c->actions.step_ms : SIM_ACTIONS_DEFAULT_STEP_MS;
    int64_t v = ms * step / SIM_ACTIONS_DEFAULT_STEP_MS;
    return v > 0 ? v : 1;
}

/* Job ji fails over at t (sim_model_failover): because task manager lost_tm died
 * (SIZE_MAX: its own code failed, or why says a rescale). The failed vertex is drawn from
 * p: the cluster's event draws when the schedule made it fail, so the schedule stays the
 * seed's. */
static bool failover(struct sim_cluster *c, size_t ji, size_t lost_tm, int64_t t,
                     enum sim_failover_cause why, const int *parallelism, struct sim_prng *p) {
    struct sim_job *j = &c->jobs[ji];
    if (j->state != SIM_JOB_RUNNING && j->state != SIM_JOB_RESTARTING)
        return false;
    int par[SIM_MAX_VERTICES] = {0};
    for (size_t v = 0; parallelism != NULL && v < j->n_vertices; v++)
        par[v] = parallelism[v] > 0 ? parallelism[v] : 0;
    sim_actions_forget_job(j);
    j->failed_task = false;
    if (why != SIM_FAILOVER_RESCALE) {
        j->failed_vertex = (size_t)sim_prng_range(p, 0, (int64_t)j->n_vertices - 1);
        record_failure(c, ji, lost_tm, t, false);
        j->failed_task = j->exceptions.entries[j->exceptions.head].vertex >= 0;
        /* the restart strategy counts it as it decides to restart */
        j->restarts++;
    }
    /* the old executions stop (they already did when it was restarting) */
    if (j->state == SIM_JOB_RUNNING) {
        tasks_stop(c, j, t);
        j->metrics_until = t;
    }
    set_state(j, SIM_JOB_RESTARTING, t);
    j->phase = SIM_TASKS_CANCELING;
    j->canceled_at = 0;
    memcpy(j->next_parallelism, par, sizeof j->next_parallelism);
    j->restart_step = STEP_CANCELED;
    j->next_at = t + span(c, CANCEL_MS);
    return true;
}

static void start_restart(struct sim_cluster *c, size_t ji, size_t lost_tm, int64_t t) {
    failover(c, ji, lost_tm, t, SIM_FAILOVER_TASK, NULL, &c->events);
}

/* The restart delay is over: new executions (attempt + 1) at the new parallelism,
 * restored from the latest checkpoint. */
static void schedule_again(struct sim_job *j, int64_t t) {
    int demand = 0;
    for (size_t v = 0; v < j->n_vertices; v++) {
        if (j->next_parallelism[v] > 0)
            j->vertices[v].parallelism = j->next_parallelism[v];
        j->next_parallelism[v] = 0;
        if (j->vertices[v].parallelism > demand)
            demand = j->vertices[v].parallelism;
    }
    j->demand = demand;
    set_state(j, SIM_JOB_RUNNING, t);
    j->phase = SIM_TASKS_SCHEDULED;
    j->attempt++;
    j->failed_task = false;
    j->canceled_at = 0;
    j->previous_since = j->running_since;
    j->running_since = t;
    j->metrics_until = 0;
    sim_load_reset(j, t);
    sim_checkpoints_restore(j, t);
}

static void job_step(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    switch (j->restart_step) {
    case STEP_CANCELED:
        j->phase = SIM_TASKS_CANCELED;
        j->canceled_at = t;
        j->last_modification = t;
        j->restart_step = STEP_SCHEDULE;
        j->next_at = t + span(c, RESTART_DELAY_MS - CANCEL_MS);
        break;
    case STEP_SCHEDULE:
        schedule_again(j, t);
        j->restart_step = STEP_DEPLOY;
        j->next_at = t + span(c, SCHEDULED_MS);
        break;
    case STEP_DEPLOY:
        /* Subtask transitions move last-modification too, as in Flink's JobDetails. */
        j->phase = SIM_TASKS_DEPLOYING;
        j->last_modification = t;
        j->restart_step = STEP_INITIALIZE;
        j->next_at = t + span(c, DEPLOYING_MS);
        break;
    case STEP_INITIALIZE:
        j->phase = SIM_TASKS_INITIALIZING;
        j->last_modification = t;
        j->restart_step = STEP_STEADY;
        j->next_at = t + span(c, INITIALIZING_MS);
        break;
    case STEP_FAIL_AGAIN:
        j->restart_step = STEP_NONE;
        j->next_at = 0;
        if (j->failovers_left > 0)
            j->failovers_left--;
        failover(c, (size_t)(j - c->jobs), SIZE_MAX, t, SIM_FAILOVER_TASK, NULL, &c->dynamics);
        break;
    default:
        j->phase = SIM_TASKS_STEADY;
        j->last_modification = t;
        j->steady_since = t;
        j->fresh = false;
        j->restart_step = STEP_NONE;
        j->next_at = 0;
        sim_checkpoints_start(c, j, t);
        if (j->failovers_left > 0) {
            j->restart_step = STEP_FAIL_AGAIN;
            j->next_at = t + span(c, FAILOVER_AGAIN_MS);
        }
        break;
    }
}

static bool restartable(const struct sim_job *j) {
    return j->state == SIM_JOB_RUNNING && j->phase == SIM_TASKS_STEADY && j->next_at == 0 &&
           j->action.kind == SIM_ACTION_NONE;
}

bool sim_model_crash_job(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    if (!restartable(j))
        return false;
    start_restart(c, (size_t)(j - c->jobs), SIZE_MAX, t);
    return true;
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
            start_restart(c, i, SIZE_MAX, t);
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
        start_restart(c, first[pick], pick, t);
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
 * job steps, checkpoints, task managers and the metric fetch, each in index order), so
 * the result does not depend on how often it is called. */
static void cluster_advance(struct sim_cluster *c, int64_t now) {
    for (;;) {
        enum { NONE, EVENT, JOB, CHECKPOINT, TM, FETCH, ACTION } kind = NONE;
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
        for (size_t i = 0; i < c->n_jobs; i++) {
            int64_t at = sim_checkpoints_next(&c->jobs[i]);
            if (at != 0 && at < when) {
                when = at;
                kind = CHECKPOINT;
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
        if (c->metric_at + SIM_FETCH_MS < when) {
            when = c->metric_at + SIM_FETCH_MS;
            kind = FETCH;
        }
        int64_t act = sim_actions_next(c);
        if (act != 0 && act < when) {
            when = act;
            kind = ACTION;
        }
        if (kind == NONE || when > now)
            return;
        if (kind == EVENT)
            cluster_event(c, when);
        else if (kind == JOB)
            job_step(c, &c->jobs[which], when);
        else if (kind == CHECKPOINT)
            sim_checkpoints_event(c, &c->jobs[which], when);
        else if (kind == TM)
            tm_return(c, &c->tms[which], when);
        else if (kind == ACTION)
            sim_actions_run(c, when);
        else
            sim_load_step(c, when);
    }
}

int64_t sim_model_lock(struct sim_model *m, int64_t now_ms) {
    pthread_mutex_lock(&m->lock);
    if (now_ms > m->now)
        m->now = now_ms;
    for (size_t ci = 0; ci < m->n_clusters; ci++)
        if (!m->clusters[ci].gone)
            cluster_advance(&m->clusters[ci], m->now);
    return m->now;
}

void sim_model_unlock(struct sim_model *m) { pthread_mutex_unlock(&m->lock); }

/* ---- queries -------------------------------------------------------------------- */

struct sim_cluster *sim_model_cluster(struct sim_model *m, const char *name) {
    for (size_t ci = 0; ci < m->n_clusters; ci++)
        if (!m->clusters[ci].gone && strcmp(m->clusters[ci].name, name) == 0)
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
        rest = j->phase == SIM_TASKS_SCHEDULED      ? SIM_TASK_SCHEDULED
               : j->phase == SIM_TASKS_DEPLOYING    ? SIM_TASK_DEPLOYING
               : j->phase == SIM_TASKS_INITIALIZING ? SIM_TASK_INITIALIZING
                                                    : SIM_TASK_RUNNING;
        break;
    case SIM_JOB_RESTARTING:
        /* a failover: the old executions cancel; the one that failed shows FAILED */
        rest = j->phase == SIM_TASKS_CANCELING ? SIM_TASK_CANCELING : SIM_TASK_CANCELED;
        one_failed = j->failed_task && v == j->failed_vertex;
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

struct sim_job *sim_model_job(struct sim_model *m, const char *jid, struct sim_cluster **cluster) {
    for (size_t ci = 0; ci < m->n_clusters; ci++) {
        struct sim_job *j = sim_cluster_job(&m->clusters[ci], jid);
        if (j != NULL) {
            *cluster = &m->clusters[ci];
            return j;
        }
    }
    return NULL;
}

struct sim_tm *sim_cluster_tm(struct sim_cluster *c, const char *id, size_t *index) {
    for (size_t t = 0; t < c->n_tms; t++) {
        if (c->tms[t].present && strcmp(c->tms[t].id, id) == 0) {
            *index = t;
            return &c->tms[t];
        }
    }
    return NULL;
}

/* ---- test controls -------------------------------------------------------------- */

bool sim_model_fail_job(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    if (sim_job_state_is_terminal(j->state))
        return false;
    size_t ji = (size_t)(j - c->jobs);
    j->failed_vertex = (size_t)sim_prng_range(&c->dynamics, 0, (int64_t)j->n_vertices - 1);
    record_failure(c, ji, SIZE_MAX, t, true);
    tasks_stop(c, j, t);
    set_state(j, SIM_JOB_FAILING, t);
    set_state(j, SIM_JOB_FAILED, t);
    j->phase = SIM_TASKS_STEADY;
    j->end_time = t;
    if (j->metrics_until == 0)
        j->metrics_until = t;
    j->restart_step = STEP_NONE;
    j->next_at = 0;
    j->failovers_left = 0;
    j->failed_task = false;
    sim_actions_forget_job(j);
    return true;
}

bool sim_model_failover(struct sim_cluster *c, struct sim_job *j, int64_t t,
                        enum sim_failover_cause why, const int *parallelism) {
    size_t ji = (size_t)(j - c->jobs);
    size_t tm = why == SIM_FAILOVER_TM_LOST ? sim_cluster_subtask_tm(c, ji, 0) : SIZE_MAX;
    return failover(c, ji, tm, t, why, parallelism, &c->dynamics);
}

bool sim_model_failovers(struct sim_cluster *c, struct sim_job *j, int n, int64_t t) {
    if (n < 1 || !sim_model_failover(c, j, t, SIM_FAILOVER_TASK, NULL))
        return false;
    j->failovers_left = n - 1;
    return true;
}

bool sim_model_restart_job(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    if (j->batch)
        return false;
    /* A job that runs fails over in place, as a failure would make it. */
    if (sim_model_failover(c, j, t, SIM_FAILOVER_TASK, NULL))
        return true;
    /* Anything else is submitted again: a new start time. */
    sim_actions_forget_job(j);
    j->failovers_left = 0;
    j->failed_task = false;
    tasks_stop(c, j, t);
    j->start_time = t;
    j->end_time = -1;
    memset(j->timestamps, 0, sizeof j->timestamps);
    set_state(j, SIM_JOB_INITIALIZING, t);
    set_state(j, SIM_JOB_CREATED, t);
    set_state(j, SIM_JOB_RUNNING, t);
    /* Then the choreography from "subtasks deploying" on. */
    j->phase = SIM_TASKS_DEPLOYING;
    j->running_since = t;
    j->metrics_until = 0;
    j->restart_step = STEP_INITIALIZE;
    j->next_at = t + DEPLOYING_MS;
    sim_load_reset(j, t);
    sim_checkpoints_restore(j, t);
    return true;
}

/* Slots: the resource manager asks for task manager pods until the jobs fit. */
void sim_model_fit_slots(struct sim_cluster *c, int64_t t) {
    int free_slots = 0;
    for (size_t i = 0; i < c->n_tms; i++)
        free_slots += c->tms[i].present ? c->tms[i].slots : 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        free_slots -= sim_job_holds_slots(&c->jobs[i]) ? c->jobs[i].demand : 0;
    int slots = c->n_tms > 0          ? c->tms[0].slots
                : c->slots_per_tm > 0 ? c->slots_per_tm
                                      : c->profile->slots_per_tm;
    if (slots < 1)
        slots = 1;
    while (free_slots < 0 && c->n_tms < 1000) {
        c->tms = xrealloc(c->tms, (c->n_tms + 1) * sizeof *c->tms);
        struct sim_tm *tm = &c->tms[c->n_tms++];
        memset(tm, 0, sizeof *tm);
        tm->pod_index = c->next_pod_index++;
        tm->id = xasprintf("%s-taskmanager-1-%d", c->name, tm->pod_index);
        set_tm_address(c, tm);
        tm->slots = slots;
        tm->present = true;
        tm->registered_at = t;
        free_slots += slots;
    }
}

void sim_model_submit_job(struct sim_cluster *c, const char *name, int parallelism, int64_t t,
                          char *jid_out) {
    struct sim_prng p;
    uint64_t h = 1469598103934665603ULL;
    for (const char *s = name; *s != '\0'; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ULL;
    sim_prng_init(&p, h ^ (uint64_t)t, c->index * 7919 + c->n_jobs);
    int par = parallelism < 1 ? 1 : parallelism > 64 ? 64 : parallelism;

    c->jobs = xrealloc(c->jobs, (c->n_jobs + 1) * sizeof *c->jobs);
    struct sim_job *j = &c->jobs[c->n_jobs];
    memset(j, 0, sizeof *j);
    sim_prng_hex32(&p, j->jid);
    j->name = xstrdup(name);
    build_vertices(j, &p, par, false, par);
    j->start_time = t;
    j->end_time = -1;
    set_state(j, SIM_JOB_INITIALIZING, t);
    set_state(j, SIM_JOB_CREATED, t);
    set_state(j, SIM_JOB_RUNNING, t);
    j->running_since = t;
    j->steady_since = t;
    j->bottleneck = -1;
    sim_load_init_job(j, c->metric_at);
    sim_checkpoints_build(c, j, t);
    /* its subtasks come up as after a restart, which this is not */
    j->phase = SIM_TASKS_DEPLOYING;
    j->fresh = true;
    j->restart_step = STEP_INITIALIZE;
    j->next_at = t + DEPLOYING_MS;
    c->n_jobs++;

    sim_model_fit_slots(c, t);
    snprintf(jid_out, 33, "%s", j->jid);
}

/* ---- placement ------------------------------------------------------------------ */

void sim_cluster_tm_jobs(const struct sim_cluster *c, size_t tm, int *per_job) {
    int *used = xcalloc(c->n_tms, sizeof *used);
    size_t t = 0;
    for (size_t i = 0; i < c->n_jobs; i++) {
        const struct sim_job *j = &c->jobs[i];
        per_job[i] = 0;
        if (!sim_job_holds_slots(j))
            continue;
        int need = j->demand;
        while (need > 0 && t < c->n_tms) {
            if (!c->tms[t].present || used[t] >= c->tms[t].slots) {
                t++;
                continue;
            }
            int take = c->tms[t].slots - used[t] < need ? c->tms[t].slots - used[t] : need;
            used[t] += take;
            need -= take;
            if (t == tm)
                per_job[i] += take;
        }
    }
    free(used);
}

size_t sim_cluster_subtask_tm(const struct sim_cluster *c, size_t ji, int s) {
    if (c->n_tms == 0)
        return SIZE_MAX;
    int *used = xcalloc(c->n_tms, sizeof *used);
    size_t t = 0, found = SIZE_MAX;
    for (size_t i = 0; i <= ji && found == SIZE_MAX; i++) {
        const struct sim_job *j = &c->jobs[i];
        if (!sim_job_holds_slots(j))
            continue;
        int need = j->demand, placed = 0;
        while (need > 0 && t < c->n_tms) {
            if (!c->tms[t].present || used[t] >= c->tms[t].slots) {
                t++;
                continue;
            }
            int take = c->tms[t].slots - used[t] < need ? c->tms[t].slots - used[t] : need;
            if (i == ji && s >= placed && s < placed + take) {
                found = t;
                break;
            }
            used[t] += take;
            need -= take;
            placed += take;
        }
    }
    free(used);
    if (found != SIZE_MAX)
        return found;
    /* Not placed (the job holds no slots now): say where it ran, spread by subtask. */
    size_t n = (ji + (size_t)s) % c->n_tms;
    for (size_t k = 0; k < c->n_tms; k++) {
        size_t at = (n + k) % c->n_tms;
        if (c->tms[at].present)
            return at;
    }
    return SIZE_MAX;
}
