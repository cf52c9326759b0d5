/* Which job is sick, and why, in words: one health class per job and a one-line reason
 * ("checkpoints failing for 14m (50 in a row): Task has failed", "backpressured 92% at
 * Sink: kafka-enriched (bottleneck)"). Pure logic on the model at a wall time the caller
 * gives; shared by the fleet board, the jobs list, alerts and --once.
 *
 * The order is the triage order: failed and failing first, then not checkpointing,
 * then backpressured, then restarting, then healthy; unknown last. */
#ifndef FLINKTOP_HEALTH_H
#define FLINKTOP_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define HEALTH_CLASSES(X)                                                                          \
    X(HEALTH_FAILED, "failed")                                                                     \
    X(HEALTH_NOT_CHECKPOINTING, "not checkpointing")                                               \
    X(HEALTH_BACKPRESSURED, "backpressured")                                                       \
    X(HEALTH_RESTARTING, "restarting")                                                             \
    X(HEALTH_HEALTHY, "healthy")                                                                   \
    X(HEALTH_UNKNOWN, "unknown")

#define HEALTH_ENUM(id, name) id,
enum health_class { HEALTH_CLASSES(HEALTH_ENUM) HEALTH_CLASS_COUNT };
#undef HEALTH_ENUM

/* Thresholds. Failures in a row and missed intervals as the issue tracker's triage rule
 * and the default alert rules say; backpressure "high" as Flink's own level. */
#define HEALTH_CP_FAILURES_IN_ROW 3
#define HEALTH_CP_MISSED_INTERVALS 3
#define HEALTH_BP_RATIO 0.5

struct job_health {
    enum health_class cls;
    int64_t cp_failed_in_row;     /* failures since the last completed checkpoint, -1 unknown */
    int64_t cp_last_completed_ms; /* epoch ms of the last completed checkpoint, -1 none */
    int64_t cp_age_ms;            /* now - last completed, -1 unknown or none */
    double bp_max;                /* worst vertex's backpressured ratio 0..1, NaN unknown */
    double busy_max;              /* worst vertex's busy ratio 0..1, NaN unknown */
    const struct vertex *bp_vertex;  /* borrowed from the job: worst backpressured vertex */
    const struct vertex *bottleneck; /* borrowed: likely bottleneck (bottleneck.h) or NULL */
    char reason[240];                /* one line in words; "" when healthy or unknown */
    bool other_source; /* bp_max, busy_max or the checkpoint's age came from
                          health_use_figures (Prometheus), not the job's REST details */
};

/* returns a static string: "failed", "not checkpointing", ... */
const char *health_class_name(enum health_class c);

/* Checkpoint failures in a row, from what Flink reports in one answer (so it is right
 * from the first poll and across restarts of the console, and not capped by the
 * 10-entry history): checkpoint ids are consecutive, so every id after the latest
 * completed one up to the latest failed one failed (or is still running); with no
 * completed checkpoint at all it is counts.failed. -1 unknown. */
int64_t health_cp_failures_in_row(const struct checkpoint_stats *s);

/* How often a completed checkpoint can be expected: the configured interval, or, when a
 * checkpoint takes longer than that, its duration plus the minimum pause (Flink starts the
 * next one only then). -1 when checkpoints are off or the interval is unknown. */
int64_t health_cp_cadence_ms(const struct job_detail *d);

/* The wall time the job's checkpoint data is from: when /checkpoints last answered (never
 * later than now), else now. A checkpoint's age is only known as of then: measured
 * against now, data fetched 30 s ago would make every job look overdue. */
int64_t health_cp_as_of(const struct job_detail *d, int64_t now_ms);

/* A span of time as an incident channel says it: "45s", "14m", "3h07m", "2d04h". */
void health_span(int64_t ms, char *buf, size_t size);

/* Fills *out for job j at wall time now_ms. j->detail may be NULL (details not fetched
 * yet): the class then comes from the job state alone. */
void health_eval(const struct job *j, int64_t now_ms, struct job_health *out);

/* A job's figures from a source other than its REST details (Prometheus): NaN, -1 unknown. */
struct health_figures {
    double bp_max, busy_max;      /* ratio 0..1 */
    int64_t cp_last_completed_ms; /* epoch ms */
    int64_t as_of_ms;             /* when the source sampled them; 0 unknown */
};

/* After health_eval: take f where the job's REST details say nothing, or where their
 * vertex metrics are older than f by more than stale_ms; a running job judged healthy
 * (or not judged) from its state alone then becomes backpressured when f says so, with
 * the reason saying where the figure came from. Returns true (and sets
 * h->other_source) when any of f was taken. */
bool health_use_figures(const struct job *j, const struct health_figures *f, int64_t stale_ms,
                        struct job_health *h);

/* Triage order: negative when a comes first (sicker); ties broken by worse numbers
 * (more failures in a row, older checkpoint, more backpressure). */
int health_compare(const struct job_health *a, const struct job_health *b);

#endif
