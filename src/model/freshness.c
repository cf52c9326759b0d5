#include "freshness.h"

#include <stddef.h>
#include <string.h>

#include "k8s_model.h"

_Static_assert(FRESH_K8S_LISTS == K8S_NS_LISTS, "one fresh_k8s_list a namespace list");

const char *freshness_k8s_list_name(enum fresh_k8s_list l) {
    static const char *const names[FRESH_K8S_LISTS] = {"pods", "events", "snapshots",
                                                       "deployments"};
    return (int)l >= 0 && l < FRESH_K8S_LISTS ? names[l] : "?";
}

const struct source *freshness_k8s_list(const struct cluster *c, enum fresh_k8s_list l) {
    if ((int)l < 0 || l >= FRESH_K8S_LISTS || c->k8s.name == NULL)
        return NULL;
    const struct k8s_namespace_state *n = k8s_cluster_namespace(c);
    if (n == NULL)
        return NULL;
    /* snapshots are listed only where the API server serves them */
    if (l == FRESH_SNAPSHOTS && !k8s_cluster_snapshots_served(c))
        return NULL;
    /* Deployments RBAC forbids are a note on tab 6, not a failure of the cluster */
    if (l == FRESH_DEPLOYMENTS && n->apps_forbidden[0])
        return NULL;
    return &n->lists[l];
}

const struct source *freshness_k8s_failed(const struct cluster *c, enum fresh_k8s_list *which) {
    for (int l = 0; l < FRESH_K8S_LISTS; l++) {
        const struct source *s = freshness_k8s_list(c, (enum fresh_k8s_list)l);
        if (s && s->state == SOURCE_ERROR) {
            if (which)
                *which = (enum fresh_k8s_list)l;
            return s;
        }
    }
    return NULL;
}

static void consider(struct fresh_oldest *o, bool *any, const char *name, int64_t t) {
    if (t <= 0 || (*any && t >= o->last_ok_ms))
        return;
    o->source = name;
    o->last_ok_ms = t;
    *any = true;
}

bool freshness_cluster_oldest(const struct cluster *c, struct fresh_oldest *out) {
    /* /taskmanagers goes every detail interval (poller.c), not every round */
    static const enum cluster_source polled[] = {SRC_OVERVIEW, SRC_JOBS};
    static const char *const polled_names[] = {"overview", "jobs"};
    bool any = false;
    out->source = NULL;
    out->last_ok_ms = 0;
    for (size_t i = 0; i < sizeof polled / sizeof polled[0]; i++)
        consider(out, &any, polled_names[i], c->sources[polled[i]].last_ok_ms);
    for (int l = 0; l < FRESH_K8S_LISTS; l++) {
        const struct source *s = freshness_k8s_list(c, (enum fresh_k8s_list)l);
        if (s)
            consider(out, &any, freshness_k8s_list_name((enum fresh_k8s_list)l), s->last_ok_ms);
    }
    return any;
}
