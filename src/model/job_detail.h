/* What flinktop knows inside one job: vertices with throughput and backpressure,
 * checkpoints, exceptions; and the history rings that outlive each poll.
 *
 * Same conventions as model.h: unknown is -1 / NaN / NULL, strings are owned and
 * sanitised. Parsed pieces (struct vertex_list, struct checkpoint_stats, ...) are
 * replaced wholesale on each answer; struct job_history persists across polls. */
#ifndef FLINKTOP_JOB_DETAIL_H
#define FLINKTOP_JOB_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "history.h"
#include "subtasks.h"
#include "ring.h"
#include "source.h"
#include "watermark.h"

/* Backpressure level as Flink computes it: ratio <= 0.10 ok, <= 0.5 low, else high. */
enum bp_level { BP_UNKNOWN, BP_OK, BP_LOW, BP_HIGH };
const char *bp_level_name(enum bp_level l);    /* "unknown", "ok", "low", "high" */
enum bp_level bp_level_of_ratio(double ratio); /* BP_UNKNOWN for NaN */

/* One vertex of /jobs/:jid, plus its metrics and backpressure when they arrived. */
struct vertex {
    char id[33];
    char *name;          /* owned */
    int parallelism;     /* -1 unknown */
    int max_parallelism; /* -1 unknown */
    char *status;        /* owned ExecutionState name, NULL unknown */
    int n_inputs;        /* from plan.nodes[].inputs: upstream vertex ids */
    char (*inputs)[33];  /* owned array of n_inputs ids */
    char (*ship)[24];    /* owned, parallel to inputs: the edge's ship_strategy (HASH,
                            REBALANCE, FORWARD, BROADCAST, ...), "" unknown */
    /* from /subtasks/metrics (aggregated over subtasks); NaN unknown */
    double in_per_s;         /* sum of numRecordsInPerSecond */
    double out_per_s;        /* sum of numRecordsOutPerSecond */
    double busy_ms;          /* max of busyTimeMsPerSecond */
    double backpressured_ms; /* max of backPressuredTimeMsPerSecond */
    double idle_ms;          /* max of idleTimeMsPerSecond */
    struct source metrics;   /* how this vertex's /subtasks/metrics went: one failing
                                vertex is its own error (carried across /jobs/:jid) */
    /* from /backpressure */
    bool bp_sampled; /* false: not fetched yet, or status "deprecated" */
    enum bp_level bp_level;
    size_t n_subtasks;  /* entries in the arrays below */
    double *bp_ratio;   /* owned, per subtask, 0..1, NaN unknown */
    double *busy_ratio; /* owned, per subtask */
    double *idle_ratio; /* owned, per subtask */
    /* from /watermarks: the job on screen's vertices only (carried across /jobs/:jid) */
    struct vertex_watermarks wm;
    /* a source's backlog where its connector reports it (the job on screen's sources):
     * the sum of <operator>.pendingRecords and the worst records-lag-max; NaN unknown */
    double pending_records, records_lag_max;
};

struct vertex_list {
    struct vertex *items; /* owned */
    size_t len;
};

/* One checkpoint of /jobs/:jid/checkpoints (latest.* or history). */
struct checkpoint {
    int64_t id;   /* -1: none */
    char *status; /* owned: IN_PROGRESS, COMPLETED, FAILED */
    bool is_savepoint;
    int64_t trigger_ts;  /* epoch ms */
    int64_t ack_ts;      /* latest_ack_timestamp */
    int64_t duration_ms; /* end_to_end_duration */
    int64_t size_bytes;  /* checkpointed_size when known, else state_size */
    int64_t state_size;
    char *path;            /* owned external_path (completed) */
    int64_t failure_ts;    /* failed only */
    char *failure_message; /* owned, failed only */
    int64_t restore_ts;    /* latest.restored only */
    bool discarded;        /* completed, then deleted by Flink (subsumed): cannot restore */
    char format[16];       /* savepointFormat (1.17+): CANONICAL, NATIVE; "" unknown */
};

struct checkpoint_stats {
    int64_t total, completed, failed, in_progress, restored; /* -1 unknown */
    struct checkpoint last_completed;                        /* id -1 when none yet */
    struct checkpoint last_failed;
    struct checkpoint last_savepoint;
    struct checkpoint last_restored;
    struct checkpoint *history; /* owned, newest first */
    size_t n_history;
};

/* /jobs/:jid/checkpoints/config */
struct checkpoint_config {
    bool enabled;        /* false on 404 "Checkpointing is not enabled" */
    char *mode;          /* owned: exactly_once / at_least_once */
    int64_t interval_ms; /* -1 unknown; INT64_MAX when periodic checkpoints are off */
    int64_t timeout_ms;
    int64_t min_pause_ms;
    int64_t max_concurrent;
    int tolerable_failed; /* -1 unknown */
    char *state_backend;  /* owned */
    bool unaligned;
};

struct exception_entry {
    char *name;        /* owned exceptionName */
    char *message;     /* owned: first line of the trace */
    char *stacktrace;  /* owned: full trace; sanitised but newlines kept as '\n' */
    int64_t timestamp; /* epoch ms */
    char *task;        /* owned taskName, NULL for global failures */
    char *endpoint;    /* owned endpoint or location */
};

struct exceptions {
    struct exception_entry *entries; /* owned, newest first; entries[0] is the root */
    size_t len;
    bool truncated;
};

/* Per task manager metrics from /taskmanagers/:id/metrics; NaN unknown. */
struct tm_metrics {
    double heap_used, heap_max, cpu_load, threads, gc_time_ms_per_s;
    /* the sum of the common collectors' GarbageCollector.<name>.Time (ms since start),
     * NaN none: where gc_time_ms_per_s is absent (Flink before 2.0) the rate comes from
     * two of these (flink_jvm_tm_gc_rate) */
    double gc_time_total_ms;
};

/* The job-detail endpoints, each with its own source (job_detail.parts): a failing one
 * shows its error on its tab, and what it answered before stays, marked stale. The
 * per-vertex ones are one source over the job's vertices (the worst answer of the last
 * refresh; each vertex's metrics also keep their own, struct vertex.metrics). */
enum detail_part {
    DETAIL_JOB,            /* /jobs/:jid: vertices */
    DETAIL_VERTEX_METRICS, /* /jobs/:jid/vertices/:vid/subtasks/metrics */
    DETAIL_BACKPRESSURE,   /* /jobs/:jid/vertices/:vid/backpressure */
    DETAIL_CHECKPOINTS,
    DETAIL_CP_CONFIG,
    DETAIL_EXCEPTIONS,
    DETAIL_PART_COUNT
};

/* "job", "vertex_metrics", "backpressure", "checkpoints", "checkpoint_config",
 * "exceptions"; a static string ("unknown" out of range). */
const char *detail_part_name(enum detail_part p);

/* Everything inside one job; owned by its struct job (model.h) and carried across polls. */
struct job_detail {
    struct source parts[DETAIL_PART_COUNT];
    struct vertex_list vertices;
    int64_t vertices_ms; /* wall clock of the last /jobs/:jid */
    struct checkpoint_stats checkpoints;
    bool have_checkpoints;
    struct checkpoint_config cp_config;
    bool have_cp_config;
    struct exceptions exceptions;
    bool have_exceptions;
    struct job_history history;
    double records_in_per_s;  /* what the sources emit, NaN unknown */
    double records_out_per_s; /* what the sinks receive, NaN unknown */
    int64_t metrics_ms;       /* wall clock the last complete set of vertex metrics arrived
                                 (history takes a point from it), 0 never */
    /* the numRestarts job metric (the job on screen), -1 unknown; how that went */
    int64_t num_restarts;
    struct source job_metrics;
    /* owned: the drilled-into vertex's subtasks, NULL none (flink_subtasks.h; filled while
     * the drill-down shows) */
    struct subtask_drill *drill;
};

void checkpoint_init(struct checkpoint *c);
void checkpoint_free(struct checkpoint *c);
void checkpoint_stats_init(struct checkpoint_stats *s);
void checkpoint_stats_free(struct checkpoint_stats *s);
void checkpoint_config_init(struct checkpoint_config *c);
void checkpoint_config_free(struct checkpoint_config *c);
void vertex_init(struct vertex *v);
void vertex_free(struct vertex *v);
void vertex_list_free(struct vertex_list *l);
void exceptions_free(struct exceptions *e);
/* returns owned detail with rings of ring_size entries */
struct job_detail *job_detail_new(size_t ring_size);
void job_detail_free(struct job_detail *d);
/* borrowed: the vertex with this id, or NULL */
struct vertex *job_detail_vertex(struct job_detail *d, const char *id);
/* After a complete set of vertex metrics: the job's throughput, what the sources emit
 * (in) and what the sinks receive (out); NaN when a vertex that counts is unknown. */
void job_detail_update_throughput(struct job_detail *d);

#endif
