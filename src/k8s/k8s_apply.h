/* Kubernetes lists and watch events applied to a context's model (k8s_model.h): what the
 * k8s poller's watches (k8s_watch.h) hand over, as plain functions over the data, so they
 * are tested and fuzzed without a server.
 *
 * FlinkDeployments and FlinkSessionJobs go to s->deployments / s->session_jobs; pods,
 * events, FlinkStateSnapshots and apps/v1 Deployments to the namespace state of their
 * namespace, and only
 * where s already holds one (a namespace with Flink resources: k8s_poller keeps that
 * set); the others are dropped. ADDED and MODIFIED replace the object with the same
 * namespace and name (or add it), DELETED removes it, a list replaces the set. Objects
 * are borrowed cJSON; what is kept is parsed and sanitised (k8s_api.h). Events stay
 * newest first. */
#ifndef FLINKTOP_K8S_APPLY_H
#define FLINKTOP_K8S_APPLY_H

#include <cjson/cJSON.h>
#include <stdbool.h>

#include "k8s_model.h"
#include "k8s_watch.h"

/* The kinds the console lists and watches. */
/* WK_DEPLOYMENTS are FlinkDeployments; WK_APPS the apps/v1 Deployments Flink runs on
 * (k8s_apps.h), kept per namespace like pods. */
enum k8s_wkind {
    WK_DEPLOYMENTS,
    WK_SESSION_JOBS,
    WK_SNAPSHOTS,
    WK_PODS,
    WK_EVENTS,
    WK_APPS,
    WK_COUNT
};

/* "flinkdeployments", "pods", "deployments", ... (the resource's plural) */
const char *k8s_wkind_name(enum k8s_wkind k);
/* Pods, events, snapshots and Deployments live in namespaces (k8s_namespace_state). */
bool k8s_wkind_namespaced(enum k8s_wkind k);

/* A full list (items: a cJSON array, borrowed) of kind: replaces what s holds of it, in
 * namespace ns only, or everywhere when ns is NULL. A namespaced kind's lists answered
 * (pods_ok, events_ok, snapshots_ok) where it applied. */
void k8s_apply_list(struct k8s_context_state *s, enum k8s_wkind kind, const char *ns,
                    const cJSON *items);
/* One ADDED, MODIFIED or DELETED of kind from a stream over ns (NULL: all namespaces;
 * an object of another namespace is ignored). True when s changed. */
bool k8s_apply_event(struct k8s_context_state *s, enum k8s_wkind kind, const char *ns,
                     enum k8s_watch_type type, const cJSON *object);

#endif
