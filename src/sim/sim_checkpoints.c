#include "sim_checkpoints.h"

#include "sim_actions.h"
#include "sim_load.h"
#include "sim_model.h"
#include "xalloc.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MIB (1024.0 * 1024.0)
/* How far back the start-up history is played out, in checkpoint intervals. */
#define BUILD_INTERVALS 60
/* A forced failure triggers this soon and fails within FORCED_FAIL_MAX_MS of it. */
#define FORCED_TRIGGER_MS 1000
#define FORCED_FAIL_MIN_MS 300
#define FORCED_FAIL_MAX_MS 1500

/* CheckpointFailureReason messages; DECLINED is formatted with the failing subtask. */
enum failure {
    FAIL_NONE,
    FAIL_EXPIRED,
    FAIL_DECLINED,
    FAIL_ASYNC,
    FAIL_IO,
    FAIL_FINALIZE,
    FAIL_SUSPEND,
};

static const char *const failure_text[] = {
    [FAIL_NONE] = "",
    [FAIL_EXPIRED] = "Checkpoint expired before completing.",
    [FAIL_DECLINED] = "Task has failed.", /* see failure_message */
    [FAIL_ASYNC] = "Asynchronous task checkpoint failed.",
    [FAIL_IO] = "An Exception occurred while triggering the checkpoint. IO-problem detected.",
    [FAIL_FINALIZE] = "Failure to finalize checkpoint.",
    [FAIL_SUSPEND] = "Checkpoint Coordinator is suspending.",
};

static const char *const stat_names[SIM_CP_STAT_COUNT] = {
    "checkpointed_size",  "state_size",     "end_to_end_duration",
    "alignment_buffered", "processed_data", "persisted_data",
};

static int64_t interval_ms(const struct sim_cluster *c) {
    return (int64_t)c->profile->checkpoint_interval_s * 1000;
}

static int64_t timeout_ms(const struct sim_cluster *c) {
    return (int64_t)c->profile->checkpoint_timeout_s * 1000;
}

static bool rocksdb(const struct sim_cluster *c) {
    return strcmp(c->profile->state_backend, "rocksdb") == 0;
}

static bool aligned(const struct sim_cluster *c) {
    return !c->profile->at_least_once && !c->profile->unaligned;
}

static int num_subtasks(const struct sim_job *j) {
    int n = 0;
    for (size_t v = 0; v < j->n_vertices; v++)
        n += j->vertices[v].parallelism;
    return n;
}

static double unit(struct sim_prng *p) { return (double)sim_prng_range(p, 0, 999999) / 1e6; }

/* ---- statistics ----------------------------------------------------------------- */

static void summary_add(struct sim_checkpoint_summary *s, int64_t v) {
    if (s->count == 0 || v < s->min)
        s->min = v;
    if (s->count == 0 || v > s->max)
        s->max = v;
    s->count++;
    s->sum += (double)v;
    s->window[s->window_pos] = v;
    s->window_pos = (s->window_pos + 1) % SIM_CHECKPOINT_WINDOW;
    if (s->window_len < SIM_CHECKPOINT_WINDOW)
        s->window_len++;
}

static void summarize(struct sim_checkpoints *cp, const struct sim_checkpoint *k) {
    int64_t v[SIM_CP_STAT_COUNT] = {
        [SIM_CP_STAT_CHECKPOINTED] = k->checkpointed_size,
        [SIM_CP_STAT_STATE] = k->state_size,
        [SIM_CP_STAT_DURATION] = k->end_ts - k->trigger_ts,
        [SIM_CP_STAT_ALIGNMENT] = 0,
        [SIM_CP_STAT_PROCESSED] = k->processed_data,
        [SIM_CP_STAT_PERSISTED] = k->persisted_data,
    };
    for (int i = 0; i < SIM_CP_STAT_COUNT; i++)
        summary_add(&cp->summary[i], v[i]);
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* Percentile as commons-math estimates it (position p * (n + 1), interpolated). */
static double percentile(const int64_t *sorted, size_t n, double p) {
    double pos = p * (double)(n + 1);
    if (pos < 1.0)
        return (double)sorted[0];
    if (pos >= (double)n)
        return (double)sorted[n - 1];
    size_t lo = (size_t)pos;
    double frac = pos - (double)lo;
    return (double)sorted[lo - 1] + frac * (double)(sorted[lo] - sorted[lo - 1]);
}

/* ---- the checkpoint life -------------------------------------------------------- */

static struct sim_checkpoint *newest(struct sim_checkpoints *cp) { return &cp->history[cp->head]; }

static void push(struct sim_checkpoints *cp, const struct sim_checkpoint *k) {
    if (cp->n > 0)
        cp->head = (cp->head + 1) % SIM_CHECKPOINT_HISTORY;
    cp->history[cp->head] = *k;
    if (cp->n < SIM_CHECKPOINT_HISTORY)
        cp->n++;
}

/* Drops the newest entry (an in-progress checkpoint frozen start-up does not keep). */
static void pop(struct sim_checkpoints *cp) {
    cp->n--;
    cp->head = (cp->head + SIM_CHECKPOINT_HISTORY - 1) % SIM_CHECKPOINT_HISTORY;
    if (cp->n == 0)
        cp->head = 0;
}

/* How long a checkpoint of k's size takes now: RocksDB uploads the increment, HashMap
 * writes everything; barriers wait behind back-pressured buffers unless unaligned. */
static int64_t duration(const struct sim_cluster *c, const struct sim_job *j,
                        const struct sim_checkpoint *k, struct sim_prng *p) {
    double mb = (double)k->checkpointed_size / MIB;
    double ms = (250.0 + mb * (rocksdb(c) ? 6.0 : 2.5)) * (0.75 + 0.6 * unit(p));
    double bp = sim_load_max_backpressure(j) / 1000.0;
    if (aligned(c))
        ms *= 1.0 + 6.0 * bp;
    else if (!c->profile->at_least_once)
        ms *= 1.0 + 0.5 * bp;
    double cap = (double)timeout_ms(c) - 1000.0;
    return (int64_t)(ms < cap ? ms : cap);
}

static void fill_sizes(const struct sim_cluster *c, struct sim_job *j, struct sim_checkpoint *k,
                       struct sim_prng *p) {
    struct sim_checkpoints *cp = &j->checkpoints;
    cp->state_size *= 1.0 + (double)sim_prng_range(p, -15, 20) / 1000.0;
    if (cp->state_size < MIB)
        cp->state_size = MIB;
    k->state_size = (int64_t)cp->state_size;
    k->checkpointed_size =
        rocksdb(c) ? (int64_t)(cp->state_size * cp->delta * (0.7 + 0.6 * unit(p))) : k->state_size;
    /* In-flight data: what an aligned barrier waited behind, or what an unaligned one
     * persisted; nothing for at-least-once. */
    int bp = sim_load_max_backpressure(j);
    if (c->profile->at_least_once) {
        k->processed_data = 0;
    } else if (bp > 100) {
        k->processed_data = (int64_t)(bp * 2.0 * MIB / 1000.0 * (1.0 + unit(p)));
    } else {
        k->processed_data = sim_prng_range(p, 0, 65536);
    }
    k->persisted_data = k->unaligned ? k->processed_data : 0;
}

static void trigger(struct sim_cluster *c, struct sim_job *j, int64_t t, int64_t deadline) {
    struct sim_checkpoints *cp = &j->checkpoints;
    struct sim_prng *p = &c->dynamics;
    struct sim_checkpoint k = {0};
    k.id = ++cp->last_id;
    k.status = SIM_CP_IN_PROGRESS;
    k.unaligned = c->profile->unaligned && !c->profile->at_least_once;
    k.trigger_ts = t;
    k.num_subtasks = num_subtasks(j);
    k.failed_vertex = (int)sim_prng_range(p, 0, (int64_t)j->n_vertices - 1);
    k.failed_subtask =
        (int)sim_prng_range(p, 0, (int64_t)j->vertices[k.failed_vertex].parallelism - 1);
    fill_sizes(c, j, &k, p);
    int64_t d = duration(c, j, &k, p);
    int bp = sim_load_max_backpressure(j);
    int risk = 15 + (aligned(c) ? bp / 20 : 0); /* per mille */
    if (cp->forced_failures > 0) {
        cp->forced_failures--;
        k.failure = cp->forced_failures % 2 == 0 ? FAIL_DECLINED : FAIL_ASYNC;
        k.end_ts = t + sim_prng_range(p, FORCED_FAIL_MIN_MS, FORCED_FAIL_MAX_MS);
    } else if (!c->frozen && sim_prng_range(p, 0, 999) < risk) {
        static const int kinds[] = {FAIL_EXPIRED, FAIL_DECLINED, FAIL_ASYNC, FAIL_IO,
                                    FAIL_FINALIZE};
        k.failure = kinds[sim_prng_range(p, 0, (int64_t)(sizeof kinds / sizeof kinds[0]) - 1)];
        /* Expiry takes the whole timeout: only when that ends before the deadline. */
        if (k.failure == FAIL_EXPIRED && t + timeout_ms(c) > deadline)
            k.failure = FAIL_DECLINED;
        k.end_ts = k.failure == FAIL_EXPIRED ? t + timeout_ms(c) : t + sim_prng_range(p, 100, d);
    } else {
        k.failure = FAIL_NONE;
        k.end_ts = t + (d > 1 ? d : 1);
    }
    k.acknowledged = (int)sim_prng_range(p, 0, k.num_subtasks - 1);
    cp->total++;
    push(cp, &k);
    cp->in_progress = true;
    cp->next_at = k.end_ts;
}

static void schedule_after(struct sim_cluster *c, struct sim_job *j, int64_t trigger_ts,
                           int64_t t) {
    struct sim_checkpoints *cp = &j->checkpoints;
    if (cp->forced_failures > 0) {
        cp->next_at = t + FORCED_TRIGGER_MS;
    } else if (c->frozen) {
        cp->next_at = 0;
    } else {
        int64_t next = trigger_ts + interval_ms(c);
        int64_t pause = t + c->profile->min_pause_ms;
        cp->next_at = next > pause ? next : pause;
        if (cp->next_at <= t)
            cp->next_at = t + 1;
    }
}

/* Ends the in-progress checkpoint at t as planned (or with failure, when not NONE). */
static void finish(struct sim_job *j, int64_t t, int failure) {
    struct sim_checkpoints *cp = &j->checkpoints;
    struct sim_checkpoint *k = newest(cp);
    cp->in_progress = false;
    if (failure != FAIL_NONE)
        k->failure = failure;
    k->end_ts = t;
    if (k->failure == FAIL_NONE) {
        k->status = SIM_CP_COMPLETED;
        k->acknowledged = k->num_subtasks;
        cp->completed++;
        cp->latest_completed = *k;
        cp->has_completed = true;
        summarize(cp, k);
    } else {
        k->status = SIM_CP_FAILED;
        cp->failed++;
        cp->latest_failed = *k;
        cp->has_failed = true;
    }
}

static void run_event(struct sim_cluster *c, struct sim_job *j, int64_t t, int64_t deadline) {
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->in_progress) {
        trigger(c, j, t, deadline);
        return;
    }
    int64_t trigger_ts = newest(cp)->trigger_ts;
    finish(j, t, FAIL_NONE);
    schedule_after(c, j, trigger_ts, t);
}

void sim_checkpoints_event(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    run_event(c, j, t, INT64_MAX);
}

int64_t sim_checkpoints_next(const struct sim_job *j) {
    return j->checkpoints.enabled ? j->checkpoints.next_at : 0;
}

void sim_checkpoints_start(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled || cp->in_progress)
        return;
    if (cp->forced_failures > 0)
        cp->next_at = t + FORCED_TRIGGER_MS;
    else if (c->frozen)
        cp->next_at = 0;
    else /* Flink's random initial delay, between the minimum pause and the interval */
        cp->next_at =
            t + sim_prng_range(&c->dynamics,
                               c->profile->min_pause_ms > 1000 ? c->profile->min_pause_ms : 1000,
                               interval_ms(c));
}

void sim_checkpoints_stop(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    (void)c;
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled)
        return;
    if (cp->in_progress)
        finish(j, t, FAIL_SUSPEND);
    cp->next_at = 0;
}

void sim_checkpoints_restore(struct sim_job *j, int64_t t) {
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled || !cp->has_completed)
        return;
    free(cp->restored_path);
    cp->restored_path = NULL;
    cp->restored++;
    cp->has_restored = true;
    cp->restored_id = cp->latest_completed.id;
    cp->restored_at = t;
}

void sim_checkpoints_restore_path(struct sim_job *j, const char *path, int64_t t) {
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled)
        return;
    free(cp->restored_path);
    cp->restored_path = xstrdup(path);
    cp->restored++;
    cp->has_restored = true;
    cp->restored_id = cp->has_savepoint ? cp->latest_savepoint.id : cp->last_id;
    cp->restored_at = t;
}

void sim_checkpoints_add_savepoint(struct sim_cluster *c, struct sim_job *j, int64_t trigger_ts,
                                   int64_t t, size_t op, bool sync, bool failed) {
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled)
        return;
    struct sim_checkpoint k = {0};
    k.id = ++cp->last_id;
    k.savepoint = (int)op + 1;
    k.sync = sync;
    k.trigger_ts = trigger_ts;
    k.end_ts = t > trigger_ts ? t : trigger_ts + 1;
    k.num_subtasks = num_subtasks(j);
    /* A savepoint is always a full, canonical copy of the state. */
    k.state_size = (int64_t)cp->state_size;
    k.checkpointed_size = k.state_size;
    k.failure = failed ? FAIL_DECLINED : FAIL_NONE;
    k.failed_vertex = 0;
    k.failed_subtask = 0;
    k.acknowledged = failed ? k.num_subtasks / 2 : k.num_subtasks;
    k.status = failed ? SIM_CP_FAILED : SIM_CP_COMPLETED;
    cp->total++;
    push(cp, &k);
    /* An in-progress checkpoint stays the newest entry: finish() ends history[head]. */
    if (cp->in_progress && cp->n > 1) {
        size_t below = (cp->head + SIM_CHECKPOINT_HISTORY - 1) % SIM_CHECKPOINT_HISTORY;
        struct sim_checkpoint tmp = cp->history[below];
        cp->history[below] = cp->history[cp->head];
        cp->history[cp->head] = tmp;
    }
    if (failed) {
        cp->failed++;
        cp->latest_failed = k;
        cp->has_failed = true;
    } else {
        cp->completed++;
        cp->latest_savepoint = k;
        cp->has_savepoint = true;
        summarize(cp, &k);
    }
    (void)c;
}

void sim_checkpoints_force_failures(struct sim_cluster *c, struct sim_job *j, int n, int64_t t) {
    (void)c;
    struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled)
        return;
    cp->forced_failures = n;
    if (n <= 0)
        return;
    if (cp->in_progress) {
        /* The running checkpoint is the first of them: it fails shortly. */
        struct sim_checkpoint *k = newest(cp);
        cp->forced_failures--;
        k->failure = FAIL_DECLINED;
        if (k->end_ts > t + FORCED_FAIL_MIN_MS)
            k->end_ts = t + FORCED_FAIL_MIN_MS;
        cp->next_at = k->end_ts;
    } else if (j->state == SIM_JOB_RUNNING && j->phase == SIM_TASKS_STEADY) {
        if (cp->next_at == 0 || cp->next_at > t + FORCED_TRIGGER_MS)
            cp->next_at = t + FORCED_TRIGGER_MS;
    }
}

/* A checkpoint of typical size for this job, for the summary of checkpoints older than
 * the start-up history. */
static void past_checkpoint(struct sim_cluster *c, struct sim_job *j, struct sim_prng *p) {
    struct sim_checkpoint k = {0};
    double keep = j->checkpoints.state_size;
    k.unaligned = c->profile->unaligned && !c->profile->at_least_once;
    fill_sizes(c, j, &k, p);
    j->checkpoints.state_size = keep;
    k.end_ts = duration(c, j, &k, p);
    summarize(&j->checkpoints, &k);
}

void sim_checkpoints_build(struct sim_cluster *c, struct sim_job *j, int64_t now) {
    struct sim_checkpoints *cp = &j->checkpoints;
    struct sim_prng *p = &c->dynamics;
    memset(cp, 0, sizeof *cp);
    if (j->batch)
        return;
    cp->enabled = true;
    /* Log-uniform state sizes: RocksDB jobs hold GBs of keyed state, HashMap ones MBs. */
    double lo = rocksdb(c) ? 256.0 * MIB : 8.0 * MIB;
    double hi = rocksdb(c) ? 24576.0 * MIB : 600.0 * MIB;
    cp->state_size = lo * pow(hi / lo, unit(p));
    cp->delta = rocksdb(c) ? (double)sim_prng_range(p, 1, 8) / 100.0 : 1.0;

    int64_t interval = interval_ms(c);
    int64_t until = j->state == SIM_JOB_FAILED ? j->metrics_until : now;
    int64_t first_run = j->start_time + 3000;
    int64_t from = j->steady_since;
    int64_t window = until - BUILD_INTERVALS * interval;
    if (window < from)
        window = from;
    int64_t older = window > first_run ? (window - first_run) / interval : 0;
    cp->last_id = older;
    cp->total = older;
    cp->failed = older / 60;
    cp->completed = older - cp->failed;
    for (int64_t i = 0; i < cp->completed && i < 16; i++)
        past_checkpoint(c, j, p);
    /* Each restart in this JobManager's life restored the latest checkpoint. */
    if (j->restarts > 0 && older > 0) {
        cp->restored = j->restarts;
        cp->has_restored = true;
        cp->restored_at = j->timestamps[SIM_JOB_RUNNING];
        int64_t id = (cp->restored_at - first_run) / interval;
        cp->restored_id = id > 0 && id <= older ? id : older;
    }

    if (until <= from)
        return;
    /* The past is played live even with --frozen: frozen only stops the future. */
    bool frozen = c->frozen;
    c->frozen = false;
    cp->next_at = window + sim_prng_range(p, 1000, interval);
    while (cp->next_at != 0 && cp->next_at <= until)
        run_event(c, j, cp->next_at, until);
    c->frozen = frozen;
    if (j->state == SIM_JOB_FAILED) {
        sim_checkpoints_stop(c, j, until);
    } else if (frozen) {
        if (cp->in_progress) {
            pop(cp);
            cp->in_progress = false;
            cp->total--;
            cp->last_id--;
        }
        cp->next_at = 0;
    }
}

/* ---- wire shapes ---------------------------------------------------------------- */

static void add_num(cJSON *o, const char *key, int64_t v) {
    cJSON_AddNumberToObject(o, key, (double)v);
}

static char *failure_message(const struct sim_job *j, const struct sim_checkpoint *k) {
    if (k->failure != FAIL_DECLINED)
        return xstrdup(failure_text[k->failure]);
    const struct sim_vertex *vx = &j->vertices[k->failed_vertex];
    return xasprintf("Task name with subtask : %s (%d/%d)#%d Failure reason: %s", vx->name,
                     k->failed_subtask + 1, vx->parallelism, j->restarts,
                     failure_text[FAIL_DECLINED]);
}

/* What one vertex's subtasks acknowledged of checkpoint k: acknowledged subtasks get
 * their share of the sizes; with_subtasks adds the summary and every subtask (for
 * .../checkpoints/details/:cid/subtasks/:vid). */
static int acked_subtasks(const struct sim_checkpoint *k, int64_t now) {
    if (k->status == SIM_CP_COMPLETED)
        return k->num_subtasks;
    if (k->status == SIM_CP_FAILED)
        return k->acknowledged;
    int64_t span = k->end_ts - k->trigger_ts;
    double part = span > 0 ? (double)(now - k->trigger_ts) / (double)span : 1.0;
    part = part < 0.0 ? 0.0 : part > 0.95 ? 0.95 : part;
    return (int)(k->num_subtasks * part);
}

static cJSON *stats_dto(int64_t min, int64_t max, int64_t avg) {
    cJSON *o = cJSON_CreateObject();
    add_num(o, "min", min);
    add_num(o, "max", max);
    add_num(o, "avg", avg);
    cJSON_AddNumberToObject(o, "p50", (double)avg);
    cJSON_AddNumberToObject(o, "p90", (double)(avg + (max - avg) * 8 / 10));
    cJSON_AddNumberToObject(o, "p95", (double)(avg + (max - avg) * 9 / 10));
    cJSON_AddNumberToObject(o, "p99", (double)max);
    cJSON_AddNumberToObject(o, "p999", (double)max);
    return o;
}

static cJSON *task_json(const struct sim_cluster *c, const struct sim_job *j,
                        const struct sim_checkpoint *k, size_t v, int64_t now, bool with_subtasks) {
    static const char *const status_names[] = {"IN_PROGRESS", "COMPLETED", "FAILED"};
    int p = j->vertices[v].parallelism;
    int total = k->num_subtasks > 0 ? k->num_subtasks : 1;
    /* Acknowledgements arrive vertex by vertex in the job's order. */
    int acked_all = acked_subtasks(k, now), before = 0;
    for (size_t u = 0; u < v; u++)
        before += j->vertices[u].parallelism;
    int acked = acked_all - before;
    acked = acked < 0 ? 0 : acked > p ? p : acked;
    double share = (double)p / total;
    int64_t e2e = k->end_ts - k->trigger_ts;
    e2e = e2e > 0 ? e2e : 0;
    cJSON *o = cJSON_CreateObject();
    add_num(o, "id", k->id);
    cJSON_AddStringToObject(
        o, "status",
        status_names[k->status == SIM_CP_COMPLETED || acked < p ? k->status : SIM_CP_COMPLETED]);
    int64_t last_ack =
        acked > 0 ? k->trigger_ts + e2e * (int64_t)(v + 1) / (int64_t)(j->n_vertices + 1) : -1;
    add_num(o, "latest_ack_timestamp", last_ack);
    double frac = p > 0 ? (double)acked / p : 0.0;
    int64_t cps = (int64_t)((double)k->checkpointed_size * share * frac);
    int64_t state = (int64_t)((double)k->state_size * share * frac);
    if (sim_cluster_version_at_least(c, 1, 15))
        add_num(o, "checkpointed_size", cps);
    add_num(o, "state_size", state);
    add_num(o, "end_to_end_duration", last_ack >= 0 ? last_ack - k->trigger_ts : 0);
    add_num(o, "alignment_buffered", 0);
    add_num(o, "processed_data", (int64_t)((double)k->processed_data * share * frac));
    add_num(o, "persisted_data", (int64_t)((double)k->persisted_data * share * frac));
    add_num(o, "num_subtasks", p);
    add_num(o, "num_acknowledged_subtasks", acked);
    if (!with_subtasks)
        return o;
    int64_t per = acked > 0 ? state / acked : 0, per_cp = acked > 0 ? cps / acked : 0;
    int64_t dur = last_ack >= 0 ? last_ack - k->trigger_ts : 0;
    cJSON *sum = cJSON_AddObjectToObject(o, "summary");
    if (sim_cluster_version_at_least(c, 1, 15))
        cJSON_AddItemToObject(sum, "checkpointed_size",
                              stats_dto(per_cp * 9 / 10, per_cp * 11 / 10, per_cp));
    cJSON_AddItemToObject(sum, "state_size", stats_dto(per * 9 / 10, per * 11 / 10, per));
    cJSON_AddItemToObject(sum, "end_to_end_duration", stats_dto(dur * 7 / 10, dur, dur * 85 / 100));
    cJSON *cd = cJSON_AddObjectToObject(sum, "checkpoint_duration");
    /* over the subtasks that acknowledged: none yet, nothing measured */
    cJSON_AddItemToObject(cd, "sync", acked > 0 ? stats_dto(1, 12, 4) : stats_dto(0, 0, 0));
    cJSON_AddItemToObject(cd, "async", stats_dto(dur / 4, dur * 6 / 10, dur * 4 / 10));
    cJSON *al = cJSON_AddObjectToObject(sum, "alignment");
    cJSON_AddItemToObject(al, "buffered", stats_dto(0, 0, 0));
    cJSON_AddItemToObject(al, "processed", stats_dto(0, 0, 0));
    cJSON_AddItemToObject(al, "persisted", stats_dto(0, 0, 0));
    cJSON_AddItemToObject(al, "duration", stats_dto(0, dur / 5, dur / 10));
    cJSON_AddItemToObject(sum, "start_delay", stats_dto(0, dur / 8, dur / 20));
    cJSON *subs = cJSON_AddArrayToObject(o, "subtasks");
    for (int i = 0; i < p; i++) {
        cJSON *s = cJSON_CreateObject();
        add_num(s, "index", i);
        if (i < acked) {
            int64_t ack = k->trigger_ts + dur * (70 + (i * 7) % 30) / 100;
            cJSON_AddStringToObject(s, "className", "completed");
            cJSON_AddStringToObject(s, "status", "completed");
            add_num(s, "ack_timestamp", ack);
            add_num(s, "end_to_end_duration", ack - k->trigger_ts);
            if (sim_cluster_version_at_least(c, 1, 15))
                add_num(s, "checkpointed_size", per_cp);
            add_num(s, "state_size", per);
            cJSON *ck = cJSON_AddObjectToObject(s, "checkpoint");
            add_num(ck, "sync", 2 + i % 5);
            add_num(ck, "async", (ack - k->trigger_ts) / 2);
            cJSON *a = cJSON_AddObjectToObject(s, "alignment");
            add_num(a, "buffered", 0);
            add_num(a, "processed", 0);
            add_num(a, "persisted", 0);
            add_num(a, "duration", (ack - k->trigger_ts) / 10);
            add_num(s, "start_delay", (ack - k->trigger_ts) / 20);
            cJSON_AddBoolToObject(s, "unaligned_checkpoint", k->unaligned);
            cJSON_AddBoolToObject(s, "aborted", false);
        } else {
            cJSON_AddStringToObject(s, "className", "pending");
            cJSON_AddStringToObject(s, "status", "pending_or_failed");
        }
        cJSON_AddItemToArray(subs, s);
    }
    return o;
}

static cJSON *checkpoint_json(const struct sim_cluster *c, const struct sim_job *j,
                              const struct sim_checkpoint *k, int64_t now, bool details) {
    const struct sim_checkpoints *cp = &j->checkpoints;
    cJSON *o = cJSON_CreateObject();
    static const char *const class_names[] = {"in_progress", "completed", "failed"};
    static const char *const status_names[] = {"IN_PROGRESS", "COMPLETED", "FAILED"};
    cJSON_AddStringToObject(o, "className", class_names[k->status]);
    add_num(o, "id", k->id);
    cJSON_AddStringToObject(o, "status", status_names[k->status]);
    cJSON_AddBoolToObject(o, "is_savepoint", k->savepoint != 0);
    add_num(o, "trigger_timestamp", k->trigger_ts);

    /* An in-progress checkpoint shows the acknowledgements so far. */
    int acked = k->status == SIM_CP_COMPLETED ? k->num_subtasks : k->acknowledged;
    int64_t last_ack = k->end_ts;
    double part = 1.0;
    if (k->status == SIM_CP_IN_PROGRESS) {
        int64_t span = k->end_ts - k->trigger_ts;
        part = span > 0 ? (double)(now - k->trigger_ts) / (double)span : 1.0;
        part = part < 0.0 ? 0.0 : part > 0.95 ? 0.95 : part;
        acked = (int)(k->num_subtasks * part);
        last_ack = acked > 0 ? k->trigger_ts + (int64_t)((double)span * part) : -1;
    } else if (k->status == SIM_CP_FAILED) {
        part = k->num_subtasks > 0 ? (double)acked / k->num_subtasks : 0.0;
        last_ack = acked > 0 ? k->trigger_ts + (k->end_ts - k->trigger_ts) / 2 : -1;
    }
    add_num(o, "latest_ack_timestamp", last_ack);
    if (sim_cluster_version_at_least(c, 1, 15))
        add_num(o, "checkpointed_size", (int64_t)((double)k->checkpointed_size * part));
    add_num(o, "state_size", (int64_t)((double)k->state_size * part));
    int64_t e2e = k->status == SIM_CP_IN_PROGRESS ? (last_ack >= 0 ? last_ack - k->trigger_ts : 0)
                                                  : k->end_ts - k->trigger_ts;
    add_num(o, "end_to_end_duration", e2e);
    add_num(o, "alignment_buffered", 0);
    add_num(o, "processed_data", (int64_t)((double)k->processed_data * part));
    add_num(o, "persisted_data", (int64_t)((double)k->persisted_data * part));
    add_num(o, "num_subtasks", k->num_subtasks);
    add_num(o, "num_acknowledged_subtasks", acked);
    /* UNALIGNED_CHECKPOINT exists from 1.17; before, an unaligned one is a CHECKPOINT. */
    const char *type = k->savepoint != 0 ? (k->sync ? "SYNC_SAVEPOINT" : "SAVEPOINT")
                       : k->unaligned && sim_cluster_version_at_least(c, 1, 17)
                           ? "UNALIGNED_CHECKPOINT"
                           : "CHECKPOINT";
    cJSON_AddStringToObject(o, "checkpoint_type", type);
    /* savepointFormat from 1.17: a savepoint's format, null for a checkpoint. */
    if (sim_cluster_version_at_least(c, 1, 17)) {
        if (k->savepoint != 0)
            cJSON_AddStringToObject(o, "savepointFormat", "CANONICAL");
        else
            cJSON_AddNullToObject(o, "savepointFormat");
    }
    cJSON *tasks = cJSON_AddObjectToObject(o, "tasks");
    if (details)
        for (size_t v = 0; v < j->n_vertices; v++)
            cJSON_AddItemToObject(tasks, j->vertices[v].id, task_json(c, j, k, v, now, false));
    if (k->status == SIM_CP_COMPLETED && k->savepoint != 0) {
        const char *loc = sim_actions_location(c, (size_t)(k->savepoint - 1));
        cJSON_AddStringToObject(o, "external_path", loc != NULL ? loc : "");
        cJSON_AddBoolToObject(o, "discarded", false);
    } else if (k->status == SIM_CP_COMPLETED) {
        char *path =
            xasprintf("s3://flink-%s/checkpoints/%s/chk-%lld", c->name, j->jid, (long long)k->id);
        cJSON_AddStringToObject(o, "external_path", path);
        free(path);
        /* Only the latest completed checkpoint is retained; older ones were subsumed. */
        cJSON_AddBoolToObject(o, "discarded", k->id != cp->latest_completed.id);
    } else if (k->status == SIM_CP_FAILED) {
        add_num(o, "failure_timestamp", k->end_ts);
        char *msg = failure_message(j, k);
        cJSON_AddStringToObject(o, "failure_message", msg);
        free(msg);
    }
    return o;
}

static cJSON *summary_json(const struct sim_cluster *c, const struct sim_checkpoint_summary *s) {
    cJSON *o = cJSON_CreateObject();
    add_num(o, "min", s->count > 0 ? s->min : 0);
    add_num(o, "max", s->count > 0 ? s->max : 0);
    add_num(o, "avg", s->count > 0 ? (int64_t)(s->sum / (double)s->count) : 0);
    if (!sim_cluster_version_at_least(c, 1, 14))
        return o;
    static const char *const names[] = {"p50", "p90", "p95", "p99", "p999"};
    static const double ps[] = {0.5, 0.9, 0.95, 0.99, 0.999};
    int64_t sorted[SIM_CHECKPOINT_WINDOW];
    memcpy(sorted, s->window, s->window_len * sizeof sorted[0]);
    qsort(sorted, s->window_len, sizeof sorted[0], cmp_i64);
    for (size_t i = 0; i < sizeof ps / sizeof ps[0]; i++) {
        /* An empty histogram's percentiles are NaN, which Jackson writes as "NaN". */
        if (s->window_len == 0)
            cJSON_AddStringToObject(o, names[i], "NaN");
        else
            cJSON_AddNumberToObject(o, names[i], percentile(sorted, s->window_len, ps[i]));
    }
    return o;
}

void sim_checkpoints_render(const struct sim_cluster *c, const struct sim_job *j, int64_t now,
                            struct sim_reply *r) {
    const struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled) {
        sim_reply_error(r, 404, "Checkpointing has not been enabled.");
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *counts = cJSON_AddObjectToObject(o, "counts");
    add_num(counts, "restored", cp->restored);
    add_num(counts, "total", cp->total);
    add_num(counts, "in_progress", cp->in_progress ? 1 : 0);
    add_num(counts, "completed", cp->completed);
    add_num(counts, "failed", cp->failed);

    cJSON *summary = cJSON_AddObjectToObject(o, "summary");
    for (int i = 0; i < SIM_CP_STAT_COUNT; i++) {
        if (i == SIM_CP_STAT_CHECKPOINTED && !sim_cluster_version_at_least(c, 1, 15))
            continue;
        cJSON_AddItemToObject(summary, stat_names[i], summary_json(c, &cp->summary[i]));
    }

    cJSON *latest = cJSON_AddObjectToObject(o, "latest");
    if (cp->has_completed)
        cJSON_AddItemToObject(latest, "completed",
                              checkpoint_json(c, j, &cp->latest_completed, now, false));
    else
        cJSON_AddNullToObject(latest, "completed");
    if (cp->has_savepoint)
        cJSON_AddItemToObject(latest, "savepoint",
                              checkpoint_json(c, j, &cp->latest_savepoint, now, false));
    else
        cJSON_AddNullToObject(latest, "savepoint");
    if (cp->has_failed)
        cJSON_AddItemToObject(latest, "failed",
                              checkpoint_json(c, j, &cp->latest_failed, now, false));
    else
        cJSON_AddNullToObject(latest, "failed");
    if (cp->has_restored) {
        cJSON *rs = cJSON_AddObjectToObject(latest, "restored");
        add_num(rs, "id", cp->restored_id);
        add_num(rs, "restore_timestamp", cp->restored_at);
        cJSON_AddBoolToObject(rs, "is_savepoint", cp->restored_path != NULL);
        char *path = cp->restored_path != NULL
                         ? xstrdup(cp->restored_path)
                         : xasprintf("s3://flink-%s/checkpoints/%s/chk-%lld", c->name, j->jid,
                                     (long long)cp->restored_id);
        cJSON_AddStringToObject(rs, "external_path", path);
        free(path);
    } else {
        cJSON_AddNullToObject(latest, "restored");
    }

    cJSON *history = cJSON_AddArrayToObject(o, "history");
    for (size_t i = 0; i < cp->n; i++) {
        size_t at = (cp->head + SIM_CHECKPOINT_HISTORY - i) % SIM_CHECKPOINT_HISTORY;
        cJSON_AddItemToArray(history, checkpoint_json(c, j, &cp->history[at], now, false));
    }
    sim_reply_json(r, 200, o);
}

void sim_checkpoints_render_config(const struct sim_cluster *c, const struct sim_job *j,
                                   struct sim_reply *r) {
    if (!j->checkpoints.enabled) {
        sim_reply_error(r, 404, "Checkpointing is not enabled for this job (%s).", j->jid);
        return;
    }
    const struct sim_profile *pr = c->profile;
    cJSON *o = cJSON_CreateObject();
    /* Lower case on the wire, whatever the OpenAPI spec shows. */
    cJSON_AddStringToObject(o, "mode", pr->at_least_once ? "at_least_once" : "exactly_once");
    add_num(o, "interval", interval_ms(c));
    add_num(o, "timeout", timeout_ms(c));
    add_num(o, "min_pause", pr->min_pause_ms);
    add_num(o, "max_concurrent", 1);
    cJSON *ext = cJSON_AddObjectToObject(o, "externalization");
    cJSON_AddBoolToObject(ext, "enabled", pr->retain);
    cJSON_AddBoolToObject(ext, "delete_on_cancellation", !pr->retain);
    cJSON_AddStringToObject(o, "state_backend",
                            rocksdb(c) ? "EmbeddedRocksDBStateBackend" : "HashMapStateBackend");
    cJSON_AddStringToObject(o, "checkpoint_storage", "FileSystemCheckpointStorage");
    cJSON_AddBoolToObject(o, "unaligned_checkpoints", pr->unaligned && !pr->at_least_once);
    add_num(o, "tolerable_failed_checkpoints", pr->tolerable_failures);
    add_num(o, "aligned_checkpoint_timeout", 0);
    cJSON_AddBoolToObject(o, "checkpoints_after_tasks_finish", true);
    if (sim_cluster_version_at_least(c, 1, 16))
        cJSON_AddBoolToObject(o, "state_changelog_enabled", false);
    sim_reply_json(r, 200, o);
}

/* The checkpoint of that id the tracker still knows: in the history or one of the latest. */
static const struct sim_checkpoint *find_checkpoint(const struct sim_checkpoints *cp, int64_t id) {
    for (size_t i = 0; i < cp->n; i++)
        if (cp->history[i].id == id)
            return &cp->history[i];
    if (cp->has_completed && cp->latest_completed.id == id)
        return &cp->latest_completed;
    if (cp->has_savepoint && cp->latest_savepoint.id == id)
        return &cp->latest_savepoint;
    if (cp->has_failed && cp->latest_failed.id == id)
        return &cp->latest_failed;
    return NULL;
}

void sim_checkpoints_render_details(const struct sim_cluster *c, const struct sim_job *j,
                                    int64_t id, const char *vertex_id, int64_t now,
                                    struct sim_reply *r) {
    const struct sim_checkpoints *cp = &j->checkpoints;
    if (!cp->enabled) {
        sim_reply_error(r, 404, "Checkpointing has not been enabled.");
        return;
    }
    const struct sim_checkpoint *k = find_checkpoint(cp, id);
    if (k == NULL) {
        sim_reply_error(r, 404, "Could not find checkpointing statistics for checkpoint %lld.",
                        (long long)id);
        return;
    }
    if (vertex_id == NULL) {
        sim_reply_json(r, 200, checkpoint_json(c, j, k, now, true));
        return;
    }
    for (size_t v = 0; v < j->n_vertices; v++) {
        if (strcmp(j->vertices[v].id, vertex_id) == 0) {
            sim_reply_json(r, 200, task_json(c, j, k, v, now, true));
            return;
        }
    }
    sim_reply_error(r, 404, "There is no checkpoint statistics for task %s.", vertex_id);
}
