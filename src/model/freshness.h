/* How fresh what a cluster shows is, over all of its sources: the Flink REST summaries
 * (model.h) and the Kubernetes lists of its namespace (pods, events, snapshots:
 * k8s_model.h). Views, --once and the footer read these, so a failed pods list is an
 * error on the cluster's row and the oldest data on screen is named with its source.
 * Pure readers of the model; everything returned is borrowed from it. */
#ifndef FLINKTOP_FRESHNESS_H
#define FLINKTOP_FRESHNESS_H

#include <stdbool.h>
#include <stdint.h>

#include "model.h"
#include "source.h"

/* The Kubernetes lists of a cluster's namespace, in k8s_namespace_state.lists order. */
enum fresh_k8s_list {
    FRESH_PODS,
    FRESH_EVENTS,
    FRESH_SNAPSHOTS,
    FRESH_DEPLOYMENTS,
    FRESH_K8S_LISTS
};

/* "pods", "events", "snapshots", "deployments"; a static string. */
const char *freshness_k8s_list_name(enum fresh_k8s_list l);
/* The state of list l of the cluster's namespace; borrowed (valid until the k8s poller
 * drops the namespace), NULL for a --flink cluster or a namespace not listed yet. */
const struct source *freshness_k8s_list(const struct cluster *c, enum fresh_k8s_list l);
/* The first of the cluster's Kubernetes lists whose last answer failed, NULL when none;
 * *which (may be NULL) gets its list. */
const struct source *freshness_k8s_failed(const struct cluster *c, enum fresh_k8s_list *which);

/* The oldest good data of a cluster: which source it came from and when. */
struct fresh_oldest {
    const char *source; /* static: "overview", "jobs", "taskmanagers", "pods", ... */
    int64_t last_ok_ms; /* wall clock of its last good answer */
};

/* The oldest last-good answer among the sources polled every round (the Flink summaries
 * but /config) and the Kubernetes lists that have answered; false when none has. */
bool freshness_cluster_oldest(const struct cluster *c, struct fresh_oldest *out);

#endif
