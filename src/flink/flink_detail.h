/* Parsers for the inside of a job (Flink 1.15 to 2.x, as ../shared/specs/ and
 * FLINK-API.md say): vertices and plan, aggregated vertex metrics, backpressure,
 * checkpoints and their config, exceptions, task manager metrics.
 *
 * Same contract as flink_api.h: raw body + length in; FA_OK, or an error with one short
 * line in err; on error *out is left initialised/unchanged as stated and owns nothing
 * new. Missing or wrong-typed fields are unknown, never 0. Strings are sanitised. */
#ifndef FLINKTOP_FLINK_DETAIL_H
#define FLINKTOP_FLINK_DETAIL_H

#include <stddef.h>

#include "flink_api.h"
#include "job_detail.h"

/* GET /jobs/:jid: the summary (as flink_api_parse_job_details) and the vertices with
 * their upstream inputs from plan.nodes[].inputs[].id. out is initialised here; free
 * with vertex_list_free. */
enum fa_status flink_detail_parse_job(const char *body, size_t len, struct job_details *summary,
                                      struct vertex_list *out, char *err, size_t errlen);

/* GET /jobs/:jid/vertices/:vid/subtasks/metrics?get=numRecordsInPerSecond,
 * numRecordsOutPerSecond,busyTimeMsPerSecond,backPressuredTimeMsPerSecond,
 * idleTimeMsPerSecond&agg=sum,max : a bare array [{id,sum,max,...}]. Sets v->in_per_s and
 * v->out_per_s from "sum", v->busy_ms, v->backpressured_ms, v->idle_ms from "max";
 * metrics absent from the answer become NaN. */
enum fa_status flink_detail_parse_vertex_metrics(const char *body, size_t len, struct vertex *v,
                                                 char *err, size_t errlen);

/* GET /jobs/:jid/vertices/:vid/backpressure. Replaces v's per-subtask arrays.
 * {"status":"deprecated"} gives FA_OK with v->bp_sampled false and no subtasks.
 * Reads backpressureLevel or the legacy backpressure-level; busyRatio may be "NaN". */
enum fa_status flink_detail_parse_backpressure(const char *body, size_t len, struct vertex *v,
                                               char *err, size_t errlen);

/* GET /jobs/:jid/checkpoints; accepts "className" and the pre-1.15 "@class". out is
 * initialised here; free with checkpoint_stats_free. */
enum fa_status flink_detail_parse_checkpoints(const char *body, size_t len,
                                              struct checkpoint_stats *out, char *err,
                                              size_t errlen);

/* GET /jobs/:jid/checkpoints/config. out is initialised here (enabled = true on FA_OK);
 * free with checkpoint_config_free. */
enum fa_status flink_detail_parse_checkpoint_config(const char *body, size_t len,
                                                    struct checkpoint_config *out, char *err,
                                                    size_t errlen);

/* GET /jobs/:jid/exceptions: exceptionHistory.entries (1.13+), else the pre-2.0
 * root-exception/timestamp/all-exceptions. out is initialised here; free with
 * exceptions_free. */
enum fa_status flink_detail_parse_exceptions(const char *body, size_t len, struct exceptions *out,
                                             char *err, size_t errlen);

/* GET /taskmanagers/:tmid/metrics?get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,
 * Status.JVM.CPU.Load,Status.JVM.Threads.Count,Status.JVM.GarbageCollector.All.TimeMsPerSecond
 * : bare array [{id,value}] with string values. out is set to NaN first. */
enum fa_status flink_detail_parse_tm_metrics(const char *body, size_t len, struct tm_metrics *out,
                                             char *err, size_t errlen);

/* The query strings the parsers above expect (static). */
#define FLINK_VERTEX_METRICS_QUERY                                                                 \
    "get=numRecordsInPerSecond,numRecordsOutPerSecond,busyTimeMsPerSecond,"                        \
    "backPressuredTimeMsPerSecond,idleTimeMsPerSecond&agg=sum,max"
#define FLINK_TM_METRICS_QUERY                                                                     \
    "get=Status.JVM.Memory.Heap.Used,Status.JVM.Memory.Heap.Max,Status.JVM.CPU.Load,"              \
    "Status.JVM.Threads.Count,Status.JVM.GarbageCollector.All."                                    \
    "TimeMsPerSecond" FLINK_TM_GC_TIME_QUERY
/* Before Flink 2.0 there is no All.TimeMsPerSecond: the time of the collectors of the
 * JVMs Flink runs on (G1 by default; Parallel, Serial, CMS), summed (tm_metrics). */
#define FLINK_TM_GC_TIME_QUERY                                                                     \
    ",Status.JVM.GarbageCollector.G1_Young_Generation.Time,"                                       \
    "Status.JVM.GarbageCollector.G1_Old_Generation.Time,"                                          \
    "Status.JVM.GarbageCollector.PS_Scavenge.Time,Status.JVM.GarbageCollector.PS_MarkSweep.Time,"  \
    "Status.JVM.GarbageCollector.Copy.Time,Status.JVM.GarbageCollector.MarkSweepCompact.Time,"     \
    "Status.JVM.GarbageCollector.ParNew.Time,"                                                     \
    "Status.JVM.GarbageCollector.ConcurrentMarkSweep.Time"

#endif
