/* Alert rules: what to watch, from config/alerts.yaml (the defaults come from the seed
 * guide: FlinkJobFailed, HighCheckpointDuration, HighBackpressure, HighMemoryUsage,
 * LowThroughput, CheckpointFailure, ClusterDown, PodCrashLoop, PodOOMKilled).
 *
 *   rules:
 *     - name: HighBackpressure          # unique
 *       severity: warning               # critical | warning | info
 *       scope: vertex                   # optional: the metric's scope when left out
 *       metric: backpressured_ms_per_s  # one of ALERT_METRICS below
 *       op: ">"                         # > >= < <= == != increased
 *       threshold: 500                  # in the metric's unit; "increased": the rise (default 0)
 *       for: 2m                         # 0s (default): fire in the evaluation that sees it
 *       keep_firing_for: 1m             # optional; default one refresh
 *       message: "{vertex} of {job} on {cluster} is backpressured {value} ms/s"
 *       enabled: true                   # optional
 *
 * Message placeholders: {name} {severity} {value} {threshold} always; {cluster} in every
 * scope; {job} in job and vertex scope; {bottleneck} in job scope; {vertex} in vertex scope; {taskmanager} in
 * taskmanager scope; {pod} in pod scope. Errors read like config errors:
 *   alerts.yaml:14: unknown metric "heap_ratoi" (did you mean "heap_ratio"?)
 *   alerts.yaml:9: scope "vertex" has no metric "job_failed" (it is a job metric) */
#ifndef FLINKTOP_ALERT_RULES_H
#define FLINKTOP_ALERT_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Ordered: a worse severity compares greater. */
#define ALERT_SEVERITIES(X)                                                                        \
    X(ALERT_SEV_INFO, "info")                                                                      \
    X(ALERT_SEV_WARNING, "warning")                                                                \
    X(ALERT_SEV_CRITICAL, "critical")

/* ALERT_SEV_NONE: "no alert", what lookups return for an unaffected cluster or job. */
#define ALERT_SEV_ENUM(id, name) id,
enum alert_severity { ALERT_SEV_NONE = -1, ALERT_SEVERITIES(ALERT_SEV_ENUM) ALERT_SEV_COUNT };
#undef ALERT_SEV_ENUM

#define ALERT_SCOPES(X)                                                                            \
    X(ALERT_SCOPE_CLUSTER, "cluster")                                                              \
    X(ALERT_SCOPE_JOB, "job")                                                                      \
    X(ALERT_SCOPE_VERTEX, "vertex")                                                                \
    X(ALERT_SCOPE_TASKMANAGER, "taskmanager")                                                      \
    X(ALERT_SCOPE_POD, "pod")

#define ALERT_SCOPE_ENUM(id, name) id,
enum alert_scope { ALERT_SCOPES(ALERT_SCOPE_ENUM) ALERT_SCOPE_COUNT };
#undef ALERT_SCOPE_ENUM

/* The metrics a rule may watch (alert_samples.c computes them). A value is NaN when it is
 * unknown; an unknown value never fires and never resolves.
 * id, name, scope, unit, counter (may use op "increased"), meaning */
#define ALERT_METRICS(X)                                                                           \
    X(ALERT_METRIC_CLUSTER_UNREACHABLE, "cluster_unreachable", ALERT_SCOPE_CLUSTER, "0/1", false,  \
      "1 when every REST source polled each refresh (/overview, /jobs/overview, "                  \
      "/taskmanagers) fails, 0 when one answers; unknown until one has answered or failed")        \
    X(ALERT_METRIC_JOB_FAILED, "job_failed", ALERT_SCOPE_JOB, "0/1", false,                        \
      "1 when the job state is FAILED")                                                            \
    X(ALERT_METRIC_JOB_RESTARTING, "job_restarting", ALERT_SCOPE_JOB, "0/1", false,                \
      "1 when the job state is RESTARTING or FAILING")                                             \
    X(ALERT_METRIC_RECORDS_IN_PER_S, "records_in_per_s", ALERT_SCOPE_JOB, "records/s", false,      \
      "records the job's sources emit per second; RUNNING jobs only")                              \
    X(ALERT_METRIC_CHECKPOINT_DURATION_MS, "checkpoint_duration_ms", ALERT_SCOPE_JOB, "ms", false, \
      "end-to-end duration of the last completed checkpoint; RUNNING jobs only")                   \
    X(ALERT_METRIC_CHECKPOINTS_FAILED_TOTAL, "checkpoints_failed_total", ALERT_SCOPE_JOB, "count", \
      true, "failed checkpoints since the job started")                                            \
    X(ALERT_METRIC_CHECKPOINT_AGE_S, "checkpoint_age_s", ALERT_SCOPE_JOB, "s", false,              \
      "seconds since the last completed checkpoint (since the start when none has completed); "    \
      "RUNNING jobs with periodic checkpoints")                                                    \
    X(ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW, "checkpoint_failures_in_row", ALERT_SCOPE_JOB,      \
      "count", false,                                                                              \
      "failed checkpoints since the last completed one, from the ids Flink reports (not capped "   \
      "by its 10-entry history); RUNNING jobs with checkpoints")                                   \
    X(ALERT_METRIC_CHECKPOINT_MISSED_INTERVALS, "checkpoint_missed_intervals", ALERT_SCOPE_JOB,    \
      "intervals", false,                                                                          \
      "checkpoint_age_s over the expected cadence (the interval, or a slow checkpoint's duration " \
      "plus the minimum pause); RUNNING jobs with periodic checkpoints")                           \
    X(ALERT_METRIC_JOB_BACKPRESSURED_MS_PER_S, "job_backpressured_ms_per_s", ALERT_SCOPE_JOB,      \
      "ms/s", false,                                                                               \
      "the most backpressured vertex's backPressuredTimeMsPerSecond (0 to 1000); {bottleneck} "    \
      "names the likely cause, downstream of it; RUNNING jobs only")                               \
    X(ALERT_METRIC_BACKPRESSURED_MS_PER_S, "backpressured_ms_per_s", ALERT_SCOPE_VERTEX, "ms/s",   \
      false, "max over subtasks of backPressuredTimeMsPerSecond (0 to 1000); RUNNING jobs only")   \
    X(ALERT_METRIC_BUSY_MS_PER_S, "busy_ms_per_s", ALERT_SCOPE_VERTEX, "ms/s", false,              \
      "max over subtasks of busyTimeMsPerSecond (0 to 1000); RUNNING jobs only")                   \
    X(ALERT_METRIC_HEAP_RATIO, "heap_ratio", ALERT_SCOPE_TASKMANAGER, "0..1", false,               \
      "JVM heap used / heap max")                                                                  \
    X(ALERT_METRIC_CPU_LOAD, "cpu_load", ALERT_SCOPE_TASKMANAGER, "0..1", false,                   \
      "JVM process CPU load")                                                                      \
    X(ALERT_METRIC_POD_CRASH_LOOP, "pod_crash_loop", ALERT_SCOPE_POD, "0/1", false,                \
      "1 when a container of the pod waits with reason CrashLoopBackOff")                          \
    X(ALERT_METRIC_POD_OOM_KILLED, "pod_oom_killed", ALERT_SCOPE_POD, "0/1", false,                \
      "1 when a container of the pod last terminated with reason OOMKilled")                       \
    X(ALERT_METRIC_POD_RESTARTS, "pod_restarts", ALERT_SCOPE_POD, "count", true,                   \
      "container restarts of the pod, summed")

#define ALERT_METRIC_ENUM(id, name, scope, unit, counter, help) id,
enum alert_metric { ALERT_METRICS(ALERT_METRIC_ENUM) ALERT_METRIC_COUNT };
#undef ALERT_METRIC_ENUM

#define ALERT_OPS(X)                                                                               \
    X(ALERT_OP_GT, ">")                                                                            \
    X(ALERT_OP_GE, ">=")                                                                           \
    X(ALERT_OP_LT, "<")                                                                            \
    X(ALERT_OP_LE, "<=")                                                                           \
    X(ALERT_OP_EQ, "==")                                                                           \
    X(ALERT_OP_NE, "!=")                                                                           \
    X(ALERT_OP_INCREASED, "increased")

#define ALERT_OP_ENUM(id, text) id,
enum alert_op { ALERT_OPS(ALERT_OP_ENUM) ALERT_OP_COUNT };
#undef ALERT_OP_ENUM

/* Static strings; "?" out of range. */
const char *alert_severity_name(enum alert_severity s);
const char *alert_scope_name(enum alert_scope s);
const char *alert_metric_name(enum alert_metric m);
const char *alert_metric_unit(enum alert_metric m);
const char *alert_metric_help(enum alert_metric m);
const char *alert_op_text(enum alert_op op);
enum alert_scope alert_metric_scope(enum alert_metric m);
bool alert_metric_is_counter(enum alert_metric m);
/* -1 when unknown */
int alert_metric_parse(const char *name);

/* True when value (known, not NaN) against threshold meets op; never for NaN and never
 * for ALERT_OP_INCREASED, which needs the previous value (alerts.c). */
bool alert_op_holds(enum alert_op op, double value, double threshold);

struct alert_rule {
    char *name; /* owned, unique in its file */
    enum alert_severity severity;
    enum alert_scope scope;
    enum alert_metric metric;
    enum alert_op op;
    double threshold;
    int64_t for_ms; /* >= 0 */
    /* how long a firing alert stays firing once its condition is false, so a condition
     * that flickers does not fire and resolve every refresh; -1: one refresh period */
    int64_t keep_firing_for_ms;
    char *message;  /* owned template */
    bool enabled;
    int line; /* where the rule starts */
};

struct alert_rules {
    char *file;               /* owned: the file they came from, NULL when built in code */
    struct alert_rule *items; /* owned */
    size_t len;
};

/* Load a rules file into *out (zeroed first; the caller frees it with alert_rules_free).
 * Returns 0, or -1 with every error line, '\n'-separated, in err, and *out left empty
 * (what was read before the error is freed here, so a caller that frees only on success
 * leaks nothing; alert_rules_free on it is harmless). A missing file is an error. Reload
 * contract as for config: load fresh, swap on success (alerts_set_rules), keep the old
 * rules on failure. */
int alert_rules_load(const char *path, struct alert_rules *out, char *err, size_t errlen);
/* Same from memory; file names it in messages. */
int alert_rules_load_string(const char *text, size_t len, const char *file, struct alert_rules *out,
                            char *err, size_t errlen);
void alert_rules_free(struct alert_rules *r);
/* borrowed: the rule of that name, NULL when none */
const struct alert_rule *alert_rules_find(const struct alert_rules *r, const char *name);

/* Render a message template for one instance. Labels may be NULL ("-"). Into buf;
 * returns buf. */
struct alert_labels {
    const char *cluster, *job, *vertex, *taskmanager, *pod; /* borrowed */
    const char *bottleneck; /* job scope: the likely bottleneck vertex, NULL unknown */
};
char *alert_rule_render(const struct alert_rule *rule, const struct alert_labels *labels,
                        double value, char *buf, size_t size);
/* A value as messages show it: "512", "0.934", "?" for NaN. Into buf; returns buf. */
char *alert_format_value(double v, char *buf, size_t size);

#endif
