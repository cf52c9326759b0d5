/* A JobManager's or a task manager's memory and JVM in detail: what Enter on a row of the
 * task managers tab (and `m` for the JobManager) opens. Heap, non-heap, metaspace, direct
 * and mapped buffers, managed memory, the network buffer pool, threads, CPU, and garbage
 * collection per collector, from one /taskmanagers/:id/metrics?get=... (or
 * /jobmanager/metrics?get=...) request with every name; which collectors there are comes
 * from the metric list (the same path without get=), asked once per open. A task
 * manager's memory configuration and hardware come from /taskmanagers/:id, once.
 *
 * Flink before 2.0 has no TimeMsPerSecond per collector (nor the "All" collector): the
 * counters Count and Time are turned into rates between two samples, so GC shows a rate
 * from the second sample on, never a made-up zero.
 *
 * Fetched only while its screen is open: jvm_fetch_refresh (every refresh period) asks
 * the metrics again when the last answer is in; nothing is asked once it is closed.
 * Unknown numbers are NaN; names are sanitised.
 *
 * On Kubernetes the pod's memory use comes from the metrics API (k8s_pod_metrics.h)
 * through the context's API server, with its TLS and token: asked when the screen names
 * the pod (jvm_fetch_pod), then at most once a refresh; never again on a cluster that
 * answered it has no metrics API. */
#ifndef FLINKTOP_FLINK_JVM_H
#define FLINKTOP_FLINK_JVM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "model.h"
#include "source.h"

struct http;

#define JVM_GC_MAX 8 /* collectors kept (a JVM has two or three) */
#define JVM_GC_NAME_MAX 64

/* One garbage collector (Status.JVM.GarbageCollector.<name>.*). */
struct jvm_gc {
    char name[JVM_GC_NAME_MAX]; /* "G1_Young_Generation" */
    double count;               /* collections since start, NaN unknown */
    double time_ms;             /* ms spent since start, NaN unknown */
    double ms_per_s;            /* TimeMsPerSecond, or derived from time_ms; NaN unknown */
    double per_min;             /* collections a minute, derived from count; NaN unknown */
};

/* Every figure is NaN until known (bytes, counts, ratios). */
struct jvm_metrics {
    double heap_used, heap_committed, heap_max;
    double nonheap_used, nonheap_committed, nonheap_max;
    double metaspace_used, metaspace_committed, metaspace_max;
    double direct_count, direct_used, direct_capacity;
    double mapped_count, mapped_used, mapped_capacity;
    double managed_used, managed_total;                       /* task managers only */
    double segments_available, segments_used, segments_total; /* network buffer pool */
    double threads, cpu_load, classes_loaded;
    double gc_all_ms_per_s; /* GarbageCollector.All.TimeMsPerSecond (2.0+), NaN absent */
    struct jvm_gc gc[JVM_GC_MAX];
    size_t n_gc;
};

/* A task manager's /taskmanagers/:id: memoryConfiguration and hardware; -1 unknown. */
struct jvm_tm_info {
    int64_t framework_heap, task_heap, framework_off_heap, task_off_heap;
    int64_t network, managed, metaspace, overhead, total_flink, total_process;
    int64_t cpu_cores, physical_memory;
};

void jvm_metrics_init(struct jvm_metrics *m);
void jvm_tm_info_init(struct jvm_tm_info *t);

/* The metric list ([{"id": ...}]): the collectors' names (those with a .Count or .Time,
 * "All" aside), at most JVM_GC_MAX, in the list's order; names with anything but
 * letters, digits, '_', '-' and '.' are dropped (they go into a URL). */
enum fa_status flink_jvm_parse_names(const char *body, size_t len, char names[][JVM_GC_NAME_MAX],
                                     size_t *n, char *err, size_t errlen);
/* "get=Status.JVM...,..." with every figure above and each collector's Count, Time and
 * TimeMsPerSecond. returns owned string */
char *flink_jvm_query(char names[][JVM_GC_NAME_MAX], size_t n);
/* The metrics answer ([{"id","value"}]) into *out (initialised here; the collectors are
 * those of names, in that order). Values are strings; negative maxima (-1: none) are
 * unknown. */
enum fa_status flink_jvm_parse_metrics(const char *body, size_t len, char names[][JVM_GC_NAME_MAX],
                                       size_t n, struct jvm_metrics *out, char *err, size_t errlen);
/* Rates from counters: each collector of cur whose ms_per_s is unknown gets
 * (time now - time then) / seconds between, and per_min from its count, when prev (taken
 * dt_ms earlier, dt_ms > 0) has the same collector; a counter that went back (a restart)
 * leaves the rate unknown. */
void flink_jvm_derive(const struct jvm_metrics *prev, struct jvm_metrics *cur, int64_t dt_ms);
/* The task managers tab's GC column without All.TimeMsPerSecond (before Flink 2.0):
 * cur's gc_time_ms_per_s from its gc_time_total_ms and prev's (taken at prev_ms, 0
 * never) when both are known and the total did not go back; else left as it is. */
void flink_jvm_tm_gc_rate(const struct tm_metrics *prev, int64_t prev_ms, struct tm_metrics *cur,
                          int64_t now_ms);
/* GET /taskmanagers/:id (TaskManagerDetailsInfo) into *out. */
enum fa_status flink_jvm_parse_tm(const char *body, size_t len, struct jvm_tm_info *out, char *err,
                                  size_t errlen);

/* ---- the fetcher ---------------------------------------------------------------------- */

struct jvm_fetch;

/* returns owned fetcher over http (borrowed: free the fetcher after http_free). */
struct jvm_fetch *jvm_fetch_new(struct http *http);
void jvm_fetch_free(struct jvm_fetch *f);
/* Open the JVM of task manager tm_id (NULL: the JobManager) of cluster ci (c borrowed for
 * the call): the metric list goes out (then the metrics), and a task manager's details. */
void jvm_fetch_open(struct jvm_fetch *f, size_t ci, const struct cluster *c, const char *tm_id,
                    int64_t now);
/* Nothing is open any more; answers in flight are dropped when they come. */
void jvm_fetch_close(struct jvm_fetch *f);
/* Ask the metrics again when open, drawn since the last call (not hidden under the
 * pager it opened) and the last request is in (the refresh timer). */
void jvm_fetch_refresh(struct jvm_fetch *f, int64_t now);
/* The pod ns/name (borrowed) of the open JVM, as the screen finds it in the pod list:
 * a new one is asked at once (cluster on Kubernetes only; NULLs: nothing). */
void jvm_fetch_pod(struct jvm_fetch *f, const char *ns, const char *pod, int64_t now);
/* Its screen was drawn (it is on top): the next refresh may ask. */
void jvm_fetch_seen(struct jvm_fetch *f);

/* What the open JVM's screen reads; borrowed, valid until the next loop turn. */
struct jvm_view_data {
    bool have_metrics;           /* a metrics answer came */
    const struct jvm_metrics *m; /* the latest */
    int64_t metrics_ms;          /* wall clock of it */
    const struct source *metrics_source;
    bool have_info; /* task managers: /taskmanagers/:id answered */
    const struct jvm_tm_info *info;
    const struct source *info_source;
    int pod_state;                   /* enum k8s_pod_metrics_result of the last answer, -1 none */
    int64_t pod_memory;              /* the pod's memory use in bytes (last good), -1 unknown */
    const struct source *pod_source; /* errors of the pod's metrics */
};
/* The data of task manager tm_id (NULL: the JobManager) of cluster ci, false when
 * something else (or nothing) is open. */
bool jvm_fetch_get(const struct jvm_fetch *f, size_t ci, const char *tm_id,
                   struct jvm_view_data *out);
/* An answer arrived since the last call. */
bool jvm_fetch_take_changed(struct jvm_fetch *f);

#endif
