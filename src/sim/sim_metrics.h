/* The metric endpoints of the Flink REST API, from what sim_load says each subtask and
 * task manager is doing (specs/FLINK-API.md 2.6, 2.7):
 *
 *   /jobs/:jid/vertices/:vid/subtasks/metrics?get=&agg=&subtasks=  aggregated, numbers
 *   /jobs/:jid/vertices/:vid/metrics?get=                           "<i>.<metric>", strings
 *   /jobs/:jid/vertices/:vid/backpressure
 *   /taskmanagers/:tmid/metrics?get=                                strings
 *   /taskmanagers/metrics?get=&agg=&taskmanagers=                   aggregated, numbers
 *   /jobs/:jid/vertices/:vid/watermarks                             "<i>.currentInputWatermark"
 *   /jobs/:jid/vertices/:vid/subtasks/:idx/metrics?get=             strings
 *   /jobmanager/metrics?get=, /jobs/:jid/metrics?get=               strings
 *   /jobs/metrics?get=&agg=&jobs=                                   aggregated over running jobs
 *
 * Every answer is a bare JSON array (never {"metrics": ...}); without get, the list of
 * available ids [{"id"}]; unknown ids are skipped; a job or vertex the fetcher has not
 * seen yet gives [] (and back-pressure {"status":"deprecated"}). Single values are strings
 * formatted like Java's String.valueOf ("12.5", "0.0", "1.2E8", "NaN"); aggregates are
 * JSON numbers, or the string "NaN" where Jackson would write one. skew exists from 1.20;
 * an older cluster answers agg=skew with 400. */
#ifndef FLINKTOP_SIM_METRICS_H
#define FLINKTOP_SIM_METRICS_H

#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_cluster;
struct sim_job;

/* The query parameters the metric endpoints read; each borrowed, NULL when absent. */
struct sim_metric_query {
    const char *get;
    const char *agg;
    const char *subtasks;     /* "0,2,5-9" */
    const char *taskmanagers; /* comma-separated ids */
    const char *jobs;         /* comma-separated job ids (/jobs/metrics) */
};

/* What a task manager's JVM shows in one metric step (bytes, counts, ms). */
struct sim_tm_jvm {
    double cpu_load; /* 0..1 */
    int64_t cpu_time_ns;
    int64_t heap_used, heap_committed, heap_max;
    int64_t nonheap_used, nonheap_committed, nonheap_max;
    int64_t metaspace_used, metaspace_committed, metaspace_max;
    int64_t direct_count, direct_used, direct_capacity;
    int64_t mapped_count, mapped_used, mapped_capacity;
    int64_t threads, classes_loaded, classes_unloaded;
    int64_t young_count, young_time_ms, old_count, old_time_ms;
    double young_ms_per_s, old_ms_per_s;
    int64_t managed_used, managed_total;
    int64_t segments_available, segments_used, segments_total;
};

/* Task manager t of c at now: heap as a GC sawtooth, CPU load from the busy time of the
 * tasks in its slots. */
void sim_metrics_tm_jvm(const struct sim_cluster *c, size_t t, int64_t now, struct sim_tm_jvm *out);

/* j may be NULL (an unknown job answers [] like Flink's metric store); v is an index in
 * j->vertices or -1 for an unknown vertex. Each fills r (the caller frees r->body). */
void sim_metrics_render_subtasks(const struct sim_cluster *c, const struct sim_job *j, int v,
                                 const struct sim_metric_query *q, int64_t now,
                                 struct sim_reply *r);
void sim_metrics_render_vertex(const struct sim_cluster *c, const struct sim_job *j, int v,
                               const struct sim_metric_query *q, int64_t now, struct sim_reply *r);
void sim_metrics_render_backpressure(const struct sim_cluster *c, const struct sim_job *j, int v,
                                     int64_t now, struct sim_reply *r);
/* t: index in c->tms, or SIZE_MAX for an unknown task manager. */
void sim_metrics_render_tm(const struct sim_cluster *c, size_t t, const struct sim_metric_query *q,
                           int64_t now, struct sim_reply *r);
void sim_metrics_render_tms(const struct sim_cluster *c, const struct sim_metric_query *q,
                            int64_t now, struct sim_reply *r);

/* For the PrometheusReporter's scrape (sim_prom): the same numbers as the endpoints above.
 * Names are the REST metric names ("buffers.inPoolUsage"); static strings. */
size_t sim_metrics_task_count(void);
const char *sim_metrics_task_name(size_t k);
/* Every task metric of every subtask of vertex v at now: vals[i * count + k] for subtask i
 * (vals is parallelism * sim_metrics_task_count() long, caller-owned). */
void sim_metrics_vertex_values(const struct sim_cluster *c, const struct sim_job *j, size_t v,
                               int64_t now, double *vals);
size_t sim_metrics_jvm_count(void);
/* NULL for a metric this cluster's Flink version does not have. */
const char *sim_metrics_jvm_name(const struct sim_cluster *c, size_t k);
/* Every JVM metric of task manager t at now into vals (sim_metrics_jvm_count() long). */
void sim_metrics_jvm_values(const struct sim_cluster *c, size_t t, int64_t now, double *vals);
void sim_metrics_render_watermarks(const struct sim_cluster *c, const struct sim_job *j, int v,
                                   int64_t now, struct sim_reply *r);
void sim_metrics_render_subtask(const struct sim_cluster *c, const struct sim_job *j, int v,
                                int subtask, const struct sim_metric_query *q, int64_t now,
                                struct sim_reply *r);
void sim_metrics_render_jobmanager(const struct sim_cluster *c, const struct sim_metric_query *q,
                                   int64_t now, struct sim_reply *r);
/* j may be NULL (an unknown job: []). */
void sim_metrics_render_job(const struct sim_cluster *c, const struct sim_job *j,
                            const struct sim_metric_query *q, int64_t now, struct sim_reply *r);
void sim_metrics_render_jobs(const struct sim_cluster *c, const struct sim_metric_query *q,
                             int64_t now, struct sim_reply *r);

#endif
