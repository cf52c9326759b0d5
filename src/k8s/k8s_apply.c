#include "k8s_apply.h"

#include <string.h>

#include "k8s_api.h"
#include "k8s_apps.h"

static const char *const wkind_names[WK_COUNT] = {
    "flinkdeployments", "flinksessionjobs", "flinkstatesnapshots", "pods", "events", "deployments"};

const char *k8s_wkind_name(enum k8s_wkind k) {
    return (int)k >= 0 && k < WK_COUNT ? wkind_names[k] : "unknown";
}

bool k8s_wkind_namespaced(enum k8s_wkind k) { return k >= WK_SNAPSHOTS && k < WK_COUNT; }

/* The namespace state an object goes to: NULL when the stream is not about ns or s holds
 * no such namespace (nothing would show it). */
static struct k8s_namespace_state *target(struct k8s_context_state *s, const char *stream_ns,
                                          const char *ns) {
    if (ns == NULL || (stream_ns != NULL && strcmp(stream_ns, ns) != 0))
        return NULL;
    return k8s_context_namespace_find(s, ns);
}

static bool apply_ns_object(struct k8s_context_state *s, enum k8s_wkind kind, const char *ns,
                            enum k8s_watch_type type, const cJSON *o) {
    bool del = type == K8S_WATCH_DELETED, changed = false;
    switch (kind) {
    case WK_PODS: {
        struct pod x;
        if (!k8s_api_pod_from(o, &x))
            return false;
        struct k8s_namespace_state *n = target(s, ns, x.namespace);
        if (n && del) {
            changed = pod_list_remove(&n->pods, x.namespace, x.name);
        } else if (n) {
            pod_list_put(&n->pods, &x);
            changed = true;
        }
        pod_free(&x);
        return changed;
    }
    case WK_EVENTS: {
        struct k8s_event x;
        if (!k8s_api_event_from(o, &x))
            return false;
        struct k8s_namespace_state *n = target(s, ns, x.namespace);
        if (n && del) {
            changed = k8s_event_list_remove(&n->events, x.namespace, x.name);
        } else if (n) {
            k8s_event_list_put(&n->events, &x);
            k8s_api_sort_events(&n->events);
            changed = true;
        }
        k8s_event_free(&x);
        return changed;
    }
    case WK_SNAPSHOTS: {
        struct flink_snapshot x;
        if (!k8s_api_snapshot_from(o, &x))
            return false;
        struct k8s_namespace_state *n = target(s, ns, x.namespace);
        if (n && del) {
            changed = flink_snapshot_list_remove(&n->snapshots, x.namespace, x.name);
        } else if (n) {
            flink_snapshot_list_put(&n->snapshots, &x);
            changed = true;
        }
        flink_snapshot_free(&x);
        return changed;
    }
    case WK_APPS: {
        struct apps_deployment x;
        if (!k8s_apps_deployment_from(o, &x))
            return false;
        struct k8s_namespace_state *n = target(s, ns, x.namespace);
        if (n && del) {
            changed = apps_deployment_list_remove(&n->apps, x.namespace, x.name);
        } else if (n) {
            apps_deployment_list_put(&n->apps, &x);
            changed = true;
        }
        apps_deployment_free(&x);
        return changed;
    }
    default:
        return false;
    }
}

static enum flink_kind resource_kind(enum k8s_wkind kind) {
    return kind == WK_DEPLOYMENTS ? FLINK_KIND_DEPLOYMENT : FLINK_KIND_SESSION_JOB;
}

void k8s_apply_list(struct k8s_context_state *s, enum k8s_wkind kind, const char *ns,
                    const cJSON *items) {
    const cJSON *it;
    if (!k8s_wkind_namespaced(kind)) {
        struct flink_resource_list l = {NULL, 0};
        cJSON_ArrayForEach(it, items) {
            struct flink_resource r;
            if (k8s_api_flink_resource_from(it, resource_kind(kind), &r) &&
                (ns == NULL || (r.namespace && strcmp(r.namespace, ns) == 0)))
                flink_resource_list_put(&l, &r);
            flink_resource_free(&r);
        }
        flink_resource_list_replace(kind == WK_DEPLOYMENTS ? &s->deployments : &s->session_jobs,
                                    &l);
        return;
    }
    for (size_t i = 0; i < s->n_namespaces; i++) {
        struct k8s_namespace_state *n = &s->namespaces[i];
        if (ns != NULL && strcmp(ns, n->name) != 0)
            continue;
        if (kind == WK_PODS) {
            pod_list_free(&n->pods);
            n->pods_ok = true;
        } else if (kind == WK_EVENTS) {
            k8s_event_list_free(&n->events);
            n->events_ok = true;
        } else if (kind == WK_APPS) {
            apps_deployment_list_free(&n->apps);
            n->apps_ok = true;
        } else {
            flink_snapshot_list_free(&n->snapshots);
            n->snapshots_ok = true;
        }
    }
    cJSON_ArrayForEach(it, items) apply_ns_object(s, kind, ns, K8S_WATCH_ADDED, it);
}

bool k8s_apply_event(struct k8s_context_state *s, enum k8s_wkind kind, const char *ns,
                     enum k8s_watch_type type, const cJSON *object) {
    if (type != K8S_WATCH_ADDED && type != K8S_WATCH_MODIFIED && type != K8S_WATCH_DELETED)
        return false;
    if (k8s_wkind_namespaced(kind))
        return apply_ns_object(s, kind, ns, type, object);
    if (kind != WK_DEPLOYMENTS && kind != WK_SESSION_JOBS)
        return false;
    struct flink_resource r;
    if (!k8s_api_flink_resource_from(object, resource_kind(kind), &r))
        return false;
    struct flink_resource_list *l = kind == WK_DEPLOYMENTS ? &s->deployments : &s->session_jobs;
    bool changed = true;
    if (ns != NULL && (r.namespace == NULL || strcmp(r.namespace, ns) != 0))
        changed = false;
    else if (type == K8S_WATCH_DELETED)
        changed = flink_resource_list_remove(l, r.namespace, r.name);
    else
        flink_resource_list_put(l, &r);
    flink_resource_free(&r);
    return changed;
}
