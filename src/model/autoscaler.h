/* The flink-kubernetes-operator's autoscaler for one FlinkDeployment, as flinktop reads
 * it: whether it is on (spec.flinkConfiguration job.autoscaler.enabled, or the pre-1.8
 * kubernetes.operator.job.autoscaler.enabled), what it stores in the ConfigMap
 * autoscaler-NAME of the deployment's namespace (parallelismOverrides: the parallelism it
 * set per vertex; scalingHistory: each vertex's past decisions), and what its ScalingReport
 * event says (the last decision: each vertex's parallelism before and after, its processing
 * capacity and the target data rate). Parsed by k8s_autoscaler.c (the ConfigMap) and here
 * (the event's text). Unknown numbers are -1 / NaN; strings owned and sanitised. */
#ifndef FLINKTOP_AUTOSCALER_H
#define FLINKTOP_AUTOSCALER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct flink_resource;

/* Most entries kept of overrides, history and a report: a job has a few dozen vertices. */
#define AUTOSCALER_MAX_ENTRIES 512

struct autoscaler_override {
    char vertex_id[33];
    int parallelism;
};

/* One past decision of scalingHistory. */
struct autoscaler_change {
    char vertex_id[33];
    int64_t at_ms; /* epoch ms, -1 unknown */
    int from, to;  /* currentParallelism -> newParallelism, -1 unknown */
};

/* One vertex of a ScalingReport. */
struct autoscaler_report_vertex {
    char vertex_id[33];
    int from, to;
    double capacity_from, capacity_to, target_rate; /* records per second, NaN unknown */
};

struct autoscaler_report {
    bool executed; /* "Scaling execution enabled": applied; false: only recommended */
    char *why;     /* owned: the report's lead ("Scaling execution disabled by config
                      job.autoscaler.scaling.enabled:false"), NULL none */
    struct autoscaler_report_vertex *vertices; /* owned */
    size_t n;
};

/* One deployment's ConfigMap as last read; owned by its context (k8s_model.h). */
struct autoscaler_state {
    char *ns, *name;   /* owned: the FlinkDeployment */
    struct source src; /* the ConfigMap's GET */
    bool found;        /* the ConfigMap exists (a 404 is "not written yet", no error) */
    struct autoscaler_override *overrides; /* owned */
    size_t n_overrides;
    struct autoscaler_change *history; /* owned, newest first */
    size_t n_history;
    char history_note[120]; /* why scalingHistory could not be read; "" fine or absent */
    int64_t asked_ms;       /* the poller's: when it was last asked, 0 never */
    bool in_flight;
    bool urgent; /* asked as the screen in view */
};

/* The deployment has the autoscaler on. */
bool autoscaler_enabled(const struct flink_resource *r);

/* parallelismOverrides as Flink's map option writes it ("VID:P,VID:P"; an entry in single
 * quotes is unquoted): the entries with a 32-hex id and a positive parallelism (the rest
 * dropped, as the operator drops them). *out owned (free), NULL when none. Returns the
 * count. */
size_t autoscaler_parse_overrides(const char *s, struct autoscaler_override **out);
/* The message of a ScalingReport event. false (and *out empty) when it names no vertex. */
bool autoscaler_parse_report(const char *message, struct autoscaler_report *out);
void autoscaler_report_free(struct autoscaler_report *r);
/* Frees what s owns and leaves it zeroed. */
void autoscaler_state_free(struct autoscaler_state *s);
/* The override of vertex vid, -1 none. */
int autoscaler_override_of(const struct autoscaler_state *s, const char *vid);

#endif
