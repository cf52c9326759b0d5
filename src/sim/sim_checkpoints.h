/* Checkpoints of one job, as Flink's CheckpointStatsTracker keeps them, and their wire
 * shapes: GET /jobs/:jid/checkpoints (counts, summary, latest, history) and
 * GET /jobs/:jid/checkpoints/config (specs/FLINK-API.md 2.8, 2.9).
 *
 * A checkpoint triggers at the cluster's configured interval once every subtask runs,
 * takes longer under back-pressure (aligned ones most), grows or shrinks the state a
 * little, and now and then fails with a cause. A job that stops fails its in-progress
 * checkpoint; a restarted job restores from the latest completed one. sim_model drives
 * the schedule (sim_checkpoints_next / sim_checkpoints_event) in its event replay.
 *
 * With --frozen no periodic checkpoint triggers after start-up, so counts stay put and
 * tests can compare them exactly; failures forced through /_sim still trigger (within
 * about a second each). Batch jobs have checkpointing off: both endpoints answer 404. */
#ifndef FLINKTOP_SIM_CHECKPOINTS_H
#define FLINKTOP_SIM_CHECKPOINTS_H

#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_CHECKPOINT_HISTORY 10 /* web.checkpoints.history */
#define SIM_CHECKPOINT_WINDOW 64  /* completed checkpoints the percentiles cover */

struct sim_cluster;
struct sim_job;

enum sim_checkpoint_status { SIM_CP_IN_PROGRESS, SIM_CP_COMPLETED, SIM_CP_FAILED };

struct sim_checkpoint {
    int64_t id;
    enum sim_checkpoint_status status;
    bool unaligned;
    int64_t trigger_ts;
    int64_t end_ts; /* acknowledged by all (completed), failed, or expected (in progress) */
    int64_t checkpointed_size, state_size, processed_data, persisted_data;
    int num_subtasks;
    int acknowledged; /* when failed: how many subtasks acknowledged before */
    int failure;      /* failure cause, an index into sim_checkpoints.c's table */
    int failed_vertex, failed_subtask;
    int savepoint; /* 0 = a checkpoint; else 1 + the index of its savepoint operation */
    bool sync;     /* a stop-with-savepoint's savepoint */
};

/* Running min / max / sum plus a window of recent values for the percentiles. */
struct sim_checkpoint_summary {
    int64_t min, max, count;
    double sum;
    int64_t window[SIM_CHECKPOINT_WINDOW];
    size_t window_len, window_pos;
};

enum {
    SIM_CP_STAT_CHECKPOINTED,
    SIM_CP_STAT_STATE,
    SIM_CP_STAT_DURATION,
    SIM_CP_STAT_ALIGNMENT,
    SIM_CP_STAT_PROCESSED,
    SIM_CP_STAT_PERSISTED,
    SIM_CP_STAT_COUNT
};

struct sim_checkpoints {
    bool enabled;
    int64_t restored, total, completed, failed;
    int64_t last_id;
    struct sim_checkpoint history[SIM_CHECKPOINT_HISTORY]; /* ring; newest at head */
    size_t head, n;
    bool has_completed, has_failed;
    struct sim_checkpoint latest_completed, latest_failed;
    bool has_restored;
    int64_t restored_id, restored_at;
    char *restored_path; /* owned; set when restored from a savepoint path, else NULL */
    bool has_savepoint;
    struct sim_checkpoint latest_savepoint;
    struct sim_checkpoint_summary summary[SIM_CP_STAT_COUNT];
    bool in_progress;    /* history[head] is in progress */
    int64_t next_at;     /* next trigger or end of the in-progress one; 0 = none */
    int forced_failures; /* the next checkpoints fail, however many this says */
    double state_size;   /* full state now, bytes; drifts */
    double delta;        /* incremental share of the state per checkpoint (RocksDB) */
};

/* At build: fills the history of a job that has run since its steady_since (up to its
 * end for a failed one) and schedules the next trigger. p draws the past. */
void sim_checkpoints_build(struct sim_cluster *c, struct sim_job *j, int64_t now);
/* When the next checkpoint event is due (0 = none). */
int64_t sim_checkpoints_next(const struct sim_job *j);
/* Runs the event due at t: a trigger, or the end of the in-progress checkpoint. */
void sim_checkpoints_event(struct sim_cluster *c, struct sim_job *j, int64_t t);
/* Every subtask runs (again) at t: periodic checkpoints resume. */
void sim_checkpoints_start(struct sim_cluster *c, struct sim_job *j, int64_t t);
/* The job stops at t: the in-progress checkpoint fails, nothing more triggers. */
void sim_checkpoints_stop(struct sim_cluster *c, struct sim_job *j, int64_t t);
/* The job's tasks restore from the latest completed checkpoint at t. */
void sim_checkpoints_restore(struct sim_job *j, int64_t t);
/* The next n checkpoints fail; the next one triggers about a second after t (or after the
 * in-progress one ends) if the job is running. */
void sim_checkpoints_force_failures(struct sim_cluster *c, struct sim_job *j, int n, int64_t t);

/* A savepoint (operation index op in the cluster's sim_actions) triggered at trigger_ts
 * ends at t: it joins the history (completed, or failed when failed) and, completed, is
 * the latest savepoint. */
void sim_checkpoints_add_savepoint(struct sim_cluster *c, struct sim_job *j, int64_t trigger_ts,
                                   int64_t t, size_t op, bool sync, bool failed);
/* The job's tasks restore from the savepoint at path (borrowed, copied) at t. */
void sim_checkpoints_restore_path(struct sim_job *j, const char *path, int64_t t);

/* GET /jobs/:jid/checkpoints and /checkpoints/config; fill r (caller frees its body). */
void sim_checkpoints_render(const struct sim_cluster *c, const struct sim_job *j, int64_t now,
                            struct sim_reply *r);
void sim_checkpoints_render_config(const struct sim_cluster *c, const struct sim_job *j,
                                   struct sim_reply *r);

/* GET /jobs/:jid/checkpoints/details/:id (vertex_id NULL: the checkpoint with its tasks
 * filled) and .../details/:id/subtasks/:vid (vertex_id borrowed: that vertex's summary and
 * subtasks). 404 for a checkpoint the tracker no longer holds. */
void sim_checkpoints_render_details(const struct sim_cluster *c, const struct sim_job *j,
                                    int64_t id, const char *vertex_id, int64_t now,
                                    struct sim_reply *r);

#endif
