/* What an action does to a simulated Flink cluster, over the simulator's clock: savepoint
 * operations (triggered by POST /jobs/:jid/savepoints, /stop, the operator or a
 * FlinkStateSnapshot) that complete after two steps with a location or a failure cause,
 * a cancel (CANCELLING, then CANCELED after a step), and a restart (RESTARTING, then
 * RUNNING with subtasks deploying, initializing, running: one step each), optionally with
 * new vertex parallelisms, as a new submission, or restored from a savepoint path.
 *
 * A step lasts --action-steps-ms (default 1500). Nothing runs in the background: the
 * model's event replay (sim_model_lock) asks sim_actions_next() when the next change is
 * due and runs it with sim_actions_run(), in order with the cluster's other events. Every
 * function runs under the model lock. Operations are kept for the life of the process (at
 * most SIM_ACTIONS_MAX_OPS a cluster), so a trigger id always answers. */
#ifndef FLINKTOP_SIM_ACTIONS_H
#define FLINKTOP_SIM_ACTIONS_H

#include "sim_prng.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_ACTIONS_MAX_OPS 4096
#define SIM_ACTIONS_DEFAULT_STEP_MS 1500
#define SIM_ACTION_MAX_VERTICES 8 /* >= SIM_MAX_VERTICES */

struct sim_cluster;
struct sim_job;

enum sim_action_kind { SIM_ACTION_NONE, SIM_ACTION_CANCEL, SIM_ACTION_RESTART, SIM_ACTION_REDEPLOY };

/* The action a job is going through (one at a time: a new one replaces it). */
struct sim_job_action {
    enum sim_action_kind kind;
    int step;      /* the step that runs at `at` */
    int64_t at;    /* epoch ms */
    bool resubmit; /* RESTART: a new submission (new start time), not an in-place restart */
    int parallelism[SIM_ACTION_MAX_VERTICES]; /* RESTART: new per vertex, 0 = keep */
    char *restore_path; /* owned; RESTART restores from this savepoint, NULL = checkpoint */
    /* REDEPLOY: the operator deletes the cluster at down_at and submits the job again on a
     * new one at submit_at (0 = never: suspended, or the new cluster never comes up) */
    int64_t down_at, submit_at;
    bool new_jid;     /* the job gets a new id at down_at (every mode but last-state) */
    bool empty_state; /* the new job starts from empty state (stateless) */
};

/* A job renamed by a redeploy: the job of old id `from` now runs as `to`. */
struct sim_job_rename {
    char from[33], to[33];
};

/* What the operator does to a job when it redeploys its cluster (sim_actions_redeploy). */
struct sim_redeploy {
    int64_t cancel_at;        /* the job is cancelled first (stateless), 0 = not */
    int64_t down_at;          /* the cluster is deleted: the job's tasks stop, JM gone */
    int64_t submit_at;        /* the new job is submitted, 0 = never */
    bool new_jid;             /* a new job id from down_at on */
    bool empty_state;         /* no restore at all */
    const char *restore_path; /* borrowed, copied; NULL = the latest checkpoint */
    const int *parallelism;   /* per vertex, 0 = keep; NULL = keep all */
};

struct sim_savepoint_op {
    char trigger[33]; /* 32 hex: the request-id */
    char jid[33];
    int64_t started, done_at;
    bool stop;       /* stop-with-savepoint: the job FINISHES when it completes */
    bool cancel_job; /* cancel-job: the job is CANCELED when it completes */
    bool done, failed;
    char *location;      /* owned: where the savepoint is (or would have been) */
    char *failure_class; /* owned, once failed */
    char *failure_trace; /* owned, once failed */
    char *planned_cause; /* owned: the cause it will fail with, NULL = it will succeed */
};

struct sim_actions {
    struct sim_savepoint_op *ops; /* owned array */
    size_t n, cap;
    struct sim_prng prng; /* trigger ids, locations, random failures */
    int64_t step_ms;
    struct sim_job_rename *renames; /* owned: every redeploy's new job id, oldest first */
    size_t n_renames;
    /* The cluster's JobManager does not answer (the operator deleted it): from down_from
     * (0 = it always answered) until up_at (0 = not again). */
    int64_t down_from, up_at;
};

void sim_actions_init(struct sim_actions *a, uint64_t seed, size_t cluster_index, int step_ms);
void sim_actions_free(struct sim_actions *a);

/* When the next action step or savepoint completion of c is due (0 = none). */
int64_t sim_actions_next(const struct sim_cluster *c);
/* Runs what is due at t (sim_actions_next() said t). */
void sim_actions_run(struct sim_cluster *c, int64_t t);
/* Drops the job's pending action (it failed or was restarted from /_sim). */
void sim_actions_forget_job(struct sim_job *j);

/* Starts a savepoint of j at `start` (now or later) into dir (borrowed; trailing slashes
 * ignored), with trigger id trigger (borrowed 32 hex; NULL = a new one). fail: 1 = it fails
 * (forced), 0 = it succeeds unless the job is not running when it completes, -1 = now and then it
 * fails (1 in 8, never on a frozen cluster). Returns the operation (borrowed, valid until the next
 * sim_actions call), or NULL when the cluster already holds SIM_ACTIONS_MAX_OPS of them. */
const struct sim_savepoint_op *sim_actions_savepoint(struct sim_cluster *c, struct sim_job *j,
                                                     int64_t start, const char *dir,
                                                     const char *trigger, bool stop,
                                                     bool cancel_job, int fail);
/* The operation of job jid with trigger id trigger (borrowed strings), or NULL. */
const struct sim_savepoint_op *sim_actions_find(const struct sim_cluster *c, const char *jid,
                                                const char *trigger);
/* The location of operation index op (borrowed), or NULL. */
const char *sim_actions_location(const struct sim_cluster *c, size_t op);

/* The cluster's default savepoint directory (state.savepoints.dir), returned owned, or
 * NULL when it has none (staging: a client must name a directory there). */
char *sim_actions_savepoint_dir(const struct sim_cluster *c);

/* Cancels j at t: CANCELLING now, CANCELED a step later. False (nothing changes) when
 * the job already is FINISHED or FAILED; true and nothing changes when CANCELED. */
bool sim_actions_cancel(struct sim_cluster *c, struct sim_job *j, int64_t t);
/* The same, from `start` on (now or later; nothing happens then to a terminal job). */
void sim_actions_cancel_at(struct sim_job *j, int64_t start);
/* Restarts j at `start` (now or later). In place (not resubmit, no restore_path, the job
 * running): a failover (sim_model_failover: RESTARTING, the old executions cancelled, new
 * ones up after the restart delay, same job id and start-time), a rescale when
 * parallelism changes something, else the loss of its task managers. Otherwise RESTARTING
 * (or, from a terminal state, nothing) and then a new submission, RUNNING with subtasks
 * deploying, initializing, running, one step each. parallelism: new per vertex (0 =
 * keep), NULL = keep all; restore_path: borrowed, NULL = the latest checkpoint. */
void sim_actions_restart(struct sim_cluster *c, struct sim_job *j, int64_t start,
                         const int *parallelism, bool resubmit, const char *restore_path);

/* Redeploys j as r says (sim_operator): cancelled first or not, its tasks stop when the
 * cluster is deleted, then a new submission (new start time, RUNNING with subtasks
 * deploying, initializing, running: one step each) restored from r's path, the latest
 * checkpoint or nothing. Replaces j's pending action. */
void sim_actions_redeploy(struct sim_cluster *c, struct sim_job *j, const struct sim_redeploy *r);
/* The job that job id jid (borrowed) is now, following redeploys' new ids; NULL = none. */
struct sim_job *sim_actions_job(struct sim_cluster *c, const char *jid);
/* Whether c's JobManager answers at now (sim_flink answers 503 while it does not). */
bool sim_actions_cluster_down(const struct sim_cluster *c, int64_t now);

#endif
