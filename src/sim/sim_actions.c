#include "sim_actions.h"

#include "sim_model.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Static_assert(SIM_MAX_VERTICES <= SIM_ACTION_MAX_VERTICES, "action parallelism array too small");

/* A savepoint takes two steps from its trigger. */
#define SAVEPOINT_STEPS 2
/* Now and then a savepoint fails: 1 in this many. */
#define SAVEPOINT_FAIL_ONE_IN 8

static const char *const random_causes[] = {
    "Checkpoint expired before completing.",
    "Asynchronous task checkpoint failed.",
    "Failure to finalize checkpoint.",
};

void sim_actions_init(struct sim_actions *a, uint64_t seed, size_t cluster_index, int step_ms) {
    memset(a, 0, sizeof *a);
    sim_prng_init(&a->prng, seed, 3000 + cluster_index);
    a->step_ms = step_ms > 0 ? step_ms : SIM_ACTIONS_DEFAULT_STEP_MS;
}

void sim_actions_free(struct sim_actions *a) {
    for (size_t i = 0; i < a->n; i++) {
        free(a->ops[i].location);
        free(a->ops[i].failure_class);
        free(a->ops[i].failure_trace);
        free(a->ops[i].planned_cause);
    }
    free(a->ops);
    free(a->renames);
    memset(a, 0, sizeof *a);
}

void sim_actions_forget_job(struct sim_job *j) {
    free(j->action.restore_path);
    memset(&j->action, 0, sizeof j->action);
}

int64_t sim_actions_next(const struct sim_cluster *c) {
    int64_t next = 0;
    for (size_t i = 0; i < c->actions.n; i++) {
        const struct sim_savepoint_op *op = &c->actions.ops[i];
        if (!op->done && (next == 0 || op->done_at < next))
            next = op->done_at;
    }
    for (size_t i = 0; i < c->n_jobs; i++) {
        const struct sim_job_action *a = &c->jobs[i].action;
        if (a->kind != SIM_ACTION_NONE && (next == 0 || a->at < next))
            next = a->at;
    }
    return next;
}

/* ---- savepoints ------------------------------------------------------------------ */

/* Fills the failure of op: Flink's SerializedThrowable class and stack trace. */
static void fail_op(struct sim_savepoint_op *op, const char *cause) {
    op->failed = true;
    free(op->failure_class);
    free(op->failure_trace);
    op->failure_class = xstrdup("org.apache.flink.runtime.checkpoint.CheckpointException");
    op->failure_trace = xasprintf(
        "org.apache.flink.runtime.checkpoint.CheckpointException: %s\n"
        "\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator.abortPendingCheckpoint"
        "(CheckpointCoordinator.java:2219)\n"
        "\tat org.apache.flink.runtime.checkpoint.CheckpointCoordinator.triggerSavepointInternal"
        "(CheckpointCoordinator.java:489)\n"
        "\tat org.apache.flink.runtime.scheduler.SchedulerBase.triggerSavepoint"
        "(SchedulerBase.java:943)\n"
        "\tat org.apache.flink.runtime.jobmaster.JobMaster.triggerSavepoint(JobMaster.java:898)\n"
        "\tat java.base/java.util.concurrent.CompletableFuture$AsyncSupply.run"
        "(CompletableFuture.java:1768)\n",
        cause);
}

static void job_ends(struct sim_cluster *c, struct sim_job *j, enum sim_job_state s, int64_t t) {
    /* An upgrade's stop-with-savepoint ends the job; the operator's redeploy goes on. */
    if (j->action.kind != SIM_ACTION_REDEPLOY)
        sim_actions_forget_job(j);
    if (sim_job_holds_slots(j))
        sim_model_stop_tasks(c, j, t);
    j->next_at = 0;
    j->restart_step = 0;
    j->phase = SIM_TASKS_STEADY;
    if (j->metrics_until == 0)
        j->metrics_until = t;
    sim_model_set_job_state(j, s, t);
    j->end_time = t;
}

static void complete_op(struct sim_cluster *c, size_t idx, int64_t t) {
    struct sim_savepoint_op *op = &c->actions.ops[idx];
    op->done = true;
    struct sim_job *j = sim_cluster_job(c, op->jid);
    if (j == NULL || !j->checkpoints.enabled) {
        fail_op(op, "Checkpointing has not been enabled for this job.");
        return;
    }
    if (j->state != SIM_JOB_RUNNING || j->phase != SIM_TASKS_STEADY) {
        /* Failed before it reached the checkpoint statistics. */
        char *cause = xasprintf("Checkpoint triggering task %s (1/%d) of job %s is not being "
                                "executed at the moment. Aborting checkpoint. Failure reason: "
                                "Not all required tasks are currently running.",
                                j->vertices[0].name, j->vertices[0].parallelism, j->jid);
        fail_op(op, cause);
        free(cause);
        return;
    }
    if (op->planned_cause != NULL) {
        fail_op(op, op->planned_cause);
        sim_checkpoints_add_savepoint(c, j, op->started, t, idx, op->stop, true);
        return;
    }
    sim_checkpoints_add_savepoint(c, j, op->started, t, idx, op->stop, false);
    if (op->stop)
        job_ends(c, j, SIM_JOB_FINISHED, t);
    else if (op->cancel_job)
        job_ends(c, j, SIM_JOB_CANCELED, t);
}

const struct sim_savepoint_op *sim_actions_savepoint(struct sim_cluster *c, struct sim_job *j,
                                                     int64_t start, const char *dir,
                                                     const char *trigger, bool stop,
                                                     bool cancel_job, int fail) {
    struct sim_actions *a = &c->actions;
    if (a->n == SIM_ACTIONS_MAX_OPS)
        return NULL;
    if (a->n == a->cap) {
        a->cap = a->cap == 0 ? 16 : a->cap * 2;
        a->ops = xrealloc(a->ops, a->cap * sizeof *a->ops);
    }
    struct sim_savepoint_op *op = &a->ops[a->n++];
    memset(op, 0, sizeof *op);
    sim_prng_hex32(&a->prng, op->trigger);
    if (trigger != NULL)
        snprintf(op->trigger, sizeof op->trigger, "%s", trigger);
    snprintf(op->jid, sizeof op->jid, "%s", j->jid);
    op->started = start;
    op->done_at = start + SAVEPOINT_STEPS * a->step_ms;
    op->stop = stop;
    op->cancel_job = cancel_job;
    char rnd[33];
    sim_prng_hex32(&a->prng, rnd);
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/')
        len--;
    op->location = xasprintf("%.*s/savepoint-%.6s-%.12s", (int)len, dir, j->jid, rnd);
    bool random_failure = sim_prng_range(&a->prng, 1, SAVEPOINT_FAIL_ONE_IN) == 1;
    if (fail > 0)
        op->planned_cause = xstrdup("Asynchronous task checkpoint failed.");
    else if (fail < 0 && random_failure && !c->frozen)
        op->planned_cause = xstrdup(random_causes[sim_prng_range(
            &a->prng, 0, (int64_t)(sizeof random_causes / sizeof random_causes[0]) - 1)]);
    return op;
}

const struct sim_savepoint_op *sim_actions_find(const struct sim_cluster *c, const char *jid,
                                                const char *trigger) {
    for (size_t i = 0; i < c->actions.n; i++) {
        const struct sim_savepoint_op *op = &c->actions.ops[i];
        if (strcmp(op->trigger, trigger) == 0 && strcmp(op->jid, jid) == 0)
            return op;
    }
    return NULL;
}

const char *sim_actions_location(const struct sim_cluster *c, size_t op) {
    return op < c->actions.n ? c->actions.ops[op].location : NULL;
}

char *sim_actions_savepoint_dir(const struct sim_cluster *c) {
    if (c->index == 1)
        return NULL;
    return xasprintf("s3://flink-%s/savepoints", c->name);
}

/* ---- cancel and restart ---------------------------------------------------------- */

/* CANCELLING at t, CANCELED a step later. */
static void cancel_now(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    sim_actions_forget_job(j);
    if (sim_job_holds_slots(j))
        sim_model_stop_tasks(c, j, t);
    j->next_at = 0;
    j->restart_step = 0;
    j->phase = SIM_TASKS_STEADY;
    if (j->metrics_until == 0)
        j->metrics_until = t;
    sim_model_set_job_state(j, SIM_JOB_CANCELLING, t);
    j->action.kind = SIM_ACTION_CANCEL;
    j->action.step = 1;
    j->action.at = t + c->actions.step_ms;
}

bool sim_actions_cancel(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    if (j->state == SIM_JOB_CANCELED || j->state == SIM_JOB_CANCELLING)
        return true;
    if (sim_job_state_is_terminal(j->state))
        return false;
    cancel_now(c, j, t);
    return true;
}

void sim_actions_cancel_at(struct sim_job *j, int64_t start) {
    sim_actions_forget_job(j);
    j->action.kind = SIM_ACTION_CANCEL;
    j->action.step = 0;
    j->action.at = start;
}

void sim_actions_restart(struct sim_cluster *c, struct sim_job *j, int64_t start,
                         const int *parallelism, bool resubmit, const char *restore_path) {
    (void)c;
    sim_actions_forget_job(j);
    j->action.kind = SIM_ACTION_RESTART;
    j->action.step = 0;
    j->action.at = start;
    j->action.resubmit = resubmit || sim_job_state_is_terminal(j->state);
    for (size_t v = 0; parallelism != NULL && v < j->n_vertices; v++)
        j->action.parallelism[v] = parallelism[v];
    j->action.restore_path = restore_path != NULL ? xstrdup(restore_path) : NULL;
}

/* The job restarts from the path the action names, else from its latest checkpoint. */
static void restore(const struct sim_job_action *a, struct sim_job *j, int64_t t) {
    if (a->restore_path != NULL)
        sim_checkpoints_restore_path(j, a->restore_path, t);
    else
        sim_checkpoints_restore(j, t);
}

/* Every subtask up again: the job is steady, its action done, checkpoints go on. */
static void running_again(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    j->phase = SIM_TASKS_STEADY;
    j->last_modification = t;
    j->steady_since = t;
    sim_actions_forget_job(j);
    sim_checkpoints_start(c, j, t);
}

static void restart_step(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    struct sim_job_action *a = &j->action;
    int64_t step = c->actions.step_ms;
    switch (a->step) {
    case 0:
        /* In place (new task managers, the adaptive scheduler's rescale): a failover, as
         * Flink's scheduler does one; the model carries it on from here. */
        if (!a->resubmit && a->restore_path == NULL) {
            int par[SIM_ACTION_MAX_VERTICES] = {0};
            bool rescale = false;
            for (size_t v = 0; v < j->n_vertices; v++) {
                par[v] = a->parallelism[v];
                rescale = rescale || par[v] > 0;
            }
            if (sim_model_failover(c, j, t, rescale ? SIM_FAILOVER_RESCALE : SIM_FAILOVER_TM_LOST,
                                   par))
                break;
        }
        /* Whatever the job was doing (a failure's own restart too) gives way. */
        j->next_at = 0;
        j->restart_step = 0;
        j->failed_task = false;
        j->failovers_left = 0;
        if (sim_job_holds_slots(j) && j->state != SIM_JOB_RESTARTING) {
            sim_model_stop_tasks(c, j, t);
            if (j->metrics_until == 0)
                j->metrics_until = t;
        }
        j->phase = SIM_TASKS_STEADY;
        if (!sim_job_state_is_terminal(j->state))
            sim_model_set_job_state(j, SIM_JOB_RESTARTING, t);
        a->step = 1;
        a->at = t + step;
        break;
    case 1: {
        int demand = 0;
        for (size_t v = 0; v < j->n_vertices; v++) {
            if (a->parallelism[v] > 0)
                j->vertices[v].parallelism = a->parallelism[v];
            if (j->vertices[v].parallelism > demand)
                demand = j->vertices[v].parallelism;
        }
        j->demand = demand;
        if (a->resubmit) {
            j->start_time = t;
            j->end_time = -1;
            memset(j->timestamps, 0, sizeof j->timestamps);
            sim_model_set_job_state(j, SIM_JOB_INITIALIZING, t);
            sim_model_set_job_state(j, SIM_JOB_CREATED, t);
        }
        j->end_time = -1;
        sim_model_set_job_state(j, SIM_JOB_RUNNING, t);
        j->phase = SIM_TASKS_DEPLOYING;
        j->running_since = t;
        j->metrics_until = 0;
        sim_load_reset(j, t);
        restore(a, j, t);
        a->step = 2;
        a->at = t + step;
        break;
    }
    case 2:
        j->phase = SIM_TASKS_INITIALIZING;
        j->last_modification = t;
        a->step = 3;
        a->at = t + step;
        break;
    default:
        running_again(c, j, t);
        break;
    }
}

/* ---- the operator's redeploy --------------------------------------------------------- */

void sim_actions_redeploy(struct sim_cluster *c, struct sim_job *j, const struct sim_redeploy *r) {
    sim_actions_forget_job(j);
    struct sim_job_action *a = &j->action;
    a->kind = SIM_ACTION_REDEPLOY;
    a->step = r->cancel_at > 0 ? 0 : 2;
    a->at = r->cancel_at > 0 ? r->cancel_at : r->down_at;
    a->down_at = r->down_at;
    a->submit_at = r->submit_at;
    a->new_jid = r->new_jid;
    a->empty_state = r->empty_state;
    for (size_t v = 0; r->parallelism != NULL && v < j->n_vertices; v++)
        a->parallelism[v] = r->parallelism[v];
    a->restore_path = r->restore_path != NULL ? xstrdup(r->restore_path) : NULL;
    (void)c;
}

struct sim_job *sim_actions_job(struct sim_cluster *c, const char *jid) {
    char cur[33];
    snprintf(cur, sizeof cur, "%s", jid);
    for (size_t i = 0; i < c->actions.n_renames; i++)
        if (strcmp(c->actions.renames[i].from, cur) == 0)
            snprintf(cur, sizeof cur, "%s", c->actions.renames[i].to);
    return sim_cluster_job(c, cur);
}

bool sim_actions_cluster_down(const struct sim_cluster *c, int64_t now) {
    const struct sim_actions *a = &c->actions;
    return a->down_from > 0 && now >= a->down_from && (a->up_at == 0 || now < a->up_at);
}

/* A new job knows nothing of the old one's checkpoints: the history starts empty (the
 * checkpoint counter goes on from what it restores, as Flink's does). */
static void fresh_checkpoint_history(struct sim_job *j, bool keep_ids) {
    struct sim_checkpoints *cp = &j->checkpoints;
    cp->restored = cp->total = cp->completed = cp->failed = 0;
    cp->head = cp->n = 0;
    cp->has_completed = cp->has_failed = cp->has_restored = false;
    cp->in_progress = false;
    free(cp->restored_path);
    cp->restored_path = NULL;
    memset(cp->summary, 0, sizeof cp->summary);
    if (!keep_ids) {
        cp->last_id = 0;
        cp->has_savepoint = false;
    }
}

static void redeploy_step(struct sim_cluster *c, struct sim_job *j, int64_t t) {
    struct sim_job_action *a = &j->action;
    int64_t step = c->actions.step_ms;
    switch (a->step) {
    case 0: /* stateless: cancel first */
        if (sim_job_holds_slots(j)) {
            sim_model_stop_tasks(c, j, t);
            if (j->metrics_until == 0)
                j->metrics_until = t;
        }
        j->next_at = 0;
        j->restart_step = 0;
        j->phase = SIM_TASKS_STEADY;
        if (!sim_job_state_is_terminal(j->state))
            sim_model_set_job_state(j, SIM_JOB_CANCELLING, t);
        a->step = 1;
        a->at = t + step;
        break;
    case 1:
        if (j->state == SIM_JOB_CANCELLING) {
            sim_model_set_job_state(j, SIM_JOB_CANCELED, t);
            j->end_time = t;
        }
        a->step = 2;
        a->at = a->down_at > t ? a->down_at : t;
        break;
    case 2: /* the cluster is deleted: whatever still runs stops with its JobManager */
        j->next_at = 0;
        j->restart_step = 0;
        j->phase = SIM_TASKS_STEADY;
        if (sim_job_holds_slots(j)) {
            sim_model_stop_tasks(c, j, t);
            if (j->metrics_until == 0)
                j->metrics_until = t;
            sim_model_set_job_state(j, SIM_JOB_SUSPENDED, t);
        }
        if (a->new_jid) {
            struct sim_actions *acts = &c->actions;
            acts->renames = xrealloc(acts->renames, (acts->n_renames + 1) * sizeof *acts->renames);
            struct sim_job_rename *rn = &acts->renames[acts->n_renames++];
            snprintf(rn->from, sizeof rn->from, "%s", j->jid);
            sim_prng_hex32(&acts->prng, rn->to);
            snprintf(j->jid, sizeof j->jid, "%s", rn->to);
        }
        if (a->submit_at == 0) {
            sim_actions_forget_job(j);
            break;
        }
        a->step = 3;
        a->at = a->submit_at > t ? a->submit_at : t;
        break;
    case 3: { /* the new cluster's JobManager submits the job */
        int demand = 0;
        for (size_t v = 0; v < j->n_vertices; v++) {
            if (a->parallelism[v] > 0)
                j->vertices[v].parallelism = a->parallelism[v];
            if (j->vertices[v].parallelism > demand)
                demand = j->vertices[v].parallelism;
        }
        j->demand = demand;
        j->start_time = t;
        j->end_time = -1;
        memset(j->timestamps, 0, sizeof j->timestamps);
        sim_model_set_job_state(j, SIM_JOB_INITIALIZING, t);
        sim_model_set_job_state(j, SIM_JOB_CREATED, t);
        sim_model_set_job_state(j, SIM_JOB_RUNNING, t);
        j->phase = SIM_TASKS_DEPLOYING;
        j->running_since = t;
        j->metrics_until = 0;
        sim_load_reset(j, t);
        if (c->slots_per_tm > 0) /* a created cluster: its task managers come as asked for */
            sim_model_fit_slots(c, t);
        if (a->new_jid || a->empty_state)
            fresh_checkpoint_history(j, !a->empty_state);
        if (a->empty_state) /* stateless: nothing to restore */
            j->checkpoints.has_restored = false;
        else
            restore(a, j, t);
        a->step = 4;
        a->at = t + step;
        break;
    }
    case 4:
        j->phase = SIM_TASKS_INITIALIZING;
        j->last_modification = t;
        a->step = 5;
        a->at = t + step;
        break;
    default:
        running_again(c, j, t);
        break;
    }
}

void sim_actions_run(struct sim_cluster *c, int64_t t) {
    /* Savepoints first: a stop's savepoint completes before a later step of its job. */
    for (size_t i = 0; i < c->actions.n; i++) {
        if (!c->actions.ops[i].done && c->actions.ops[i].done_at <= t) {
            complete_op(c, i, t);
            return;
        }
    }
    for (size_t i = 0; i < c->n_jobs; i++) {
        struct sim_job *j = &c->jobs[i];
        if (j->action.kind == SIM_ACTION_NONE || j->action.at > t)
            continue;
        if (j->action.kind == SIM_ACTION_CANCEL && j->action.step == 0) {
            if (sim_job_state_is_terminal(j->state) || j->state == SIM_JOB_CANCELLING)
                sim_actions_forget_job(j);
            else
                cancel_now(c, j, t);
        } else if (j->action.kind == SIM_ACTION_CANCEL) {
            sim_actions_forget_job(j);
            sim_model_set_job_state(j, SIM_JOB_CANCELED, t);
            j->end_time = t;
        } else if (j->action.kind == SIM_ACTION_REDEPLOY) {
            redeploy_step(c, j, t);
        } else {
            restart_step(c, j, t);
        }
        return;
    }
}
