#include "sim_deployments.h"

#include "sim_actions.h"
#include "sim_k8s.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define APPS_GV "apps/v1"
#define RESTARTED_AT "kubectl.kubernetes.io/restartedAt"
#define REVISION "deployment.kubernetes.io/revision"
#define EVENTS 32 /* per cluster: a ring */

/* One stored Deployment and where its latest change stands. */
struct deployment {
    cJSON *obj;     /* owned: apiVersion, kind, metadata, spec */
    size_t cluster; /* index into the model's clusters */
    bool taskmanager;
    bool absent; /* no such Deployment: a native cluster has none for its task managers */
    /* the latest spec change: its status lags a step, a template change rolls out */
    int64_t changed_at;     /* 0: never changed */
    double observed_before; /* status.observedGeneration until the change shows */
    int replicas_before;    /* status.replicas until then */
    int64_t rolled_at;      /* the latest template change (a rollout), 0: none */
    int64_t pods_at;        /* when that rollout's pods start, 0: none */
};

struct event_ring {
    struct sim_deployment_event items[EVENTS];
    size_t n, first;
};

struct sim_deployments {
    struct deployment *items; /* owned: 2 per cluster, job manager then task managers */
    size_t n;
    struct event_ring *events; /* owned: one ring per cluster */
    size_t n_clusters;
    int64_t step_ms; /* fallback when a cluster has no step of its own */
};

/* ---- small helpers ------------------------------------------------------------------ */

static cJSON *obj(cJSON *o, const char *key) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const char *str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *key, double unknown) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : unknown;
}

static void set(cJSON *o, const char *key, cJSON *v) {
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

static const char *name_of(const struct deployment *dp) {
    return str(obj(dp->obj, "metadata"), "name");
}

static const char *ns_of(const struct deployment *dp) {
    return str(obj(dp->obj, "metadata"), "namespace");
}

/* spec.replicas (Kubernetes defaults a missing one to 1), never below 0. */
static int spec_replicas(cJSON *d) {
    double r = num(obj(d, "spec"), "replicas", 1);
    return r < 0 ? 0 : r > 100000 ? 100000 : (int)r;
}

/* The pod-template-hash of the ReplicaSet for revision rev: 10 characters. */
static void rs_hash(char out[11], const char *name, long rev) {
    sim_k8s_suffix(out, 11, name, (uint64_t)rev * 2654435761u + 17);
}

static long revision(cJSON *d) {
    const char *r = str(obj(obj(d, "metadata"), "annotations"), REVISION);
    char *end = NULL;
    long v = r != NULL ? strtol(r, &end, 10) : 1;
    return r != NULL && end != r && *end == '\0' && v > 0 ? v : 1;
}

static int64_t step_of(const struct sim_deployments *d, const struct sim_model *m, size_t ci) {
    int64_t s = ci < m->n_clusters ? m->clusters[ci].actions.step_ms : 0;
    return s > 0 ? s : d->step_ms;
}

static void add_event(struct sim_deployments *d, size_t ci, const char *kind, const char *object,
                      const char *reason, const char *source, char *message, int64_t at) {
    struct event_ring *ring = &d->events[ci];
    struct sim_deployment_event *e;
    if (ring->n == EVENTS) {
        e = &ring->items[ring->first];
        ring->first = (ring->first + 1) % EVENTS;
    } else {
        e = &ring->items[(ring->first + ring->n) % EVENTS];
        ring->n++;
    }
    free(e->object);
    free(e->message);
    e->kind = kind;
    e->object = xstrdup(object);
    e->type = "Normal";
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    e->source = source;
    e->message = message; /* taken */
    e->at = at;
}

/* ---- building ----------------------------------------------------------------------- */

static cJSON *labels_for(const char *cluster, const char *component, bool native) {
    cJSON *l = cJSON_CreateObject();
    cJSON_AddStringToObject(l, "app", cluster);
    cJSON_AddStringToObject(l, "component", component);
    if (native)
        cJSON_AddStringToObject(l, "type", "flink-native-kubernetes");
    return l;
}

static cJSON *port(const char *name, int number) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddNumberToObject(p, "containerPort", number);
    cJSON_AddStringToObject(p, "protocol", "TCP");
    return p;
}

/* Standalone: NAME-jobmanager and NAME-taskmanager, as Flink's standalone Kubernetes setup
 * has them. Native (a FlinkDeployment's cluster): the JobManager Deployment is NAME, made
 * and owned by the operator; task managers are bare pods Flink itself creates. */
static cJSON *build(const struct sim_cluster *c, const char *ns, bool tm, int replicas, long rv,
                    int64_t created) {
    const char *component = tm ? "taskmanager" : "jobmanager";
    bool native = c->mode != SIM_MODE_STANDALONE;
    char *name = native ? xstrdup(c->name) : xasprintf("%s-%s", c->name, component);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "apiVersion", APPS_GV);
    cJSON_AddStringToObject(d, "kind", "Deployment");
    cJSON *md = cJSON_AddObjectToObject(d, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "namespace", ns);
    char *key = xasprintf("%s/%s/deployment", ns, name);
    char *uid = sim_k8s_uid(key);
    cJSON_AddStringToObject(md, "uid", uid);
    free(uid);
    free(key);
    char *rvs = xasprintf("%ld", rv);
    cJSON_AddStringToObject(md, "resourceVersion", rvs);
    free(rvs);
    cJSON_AddNumberToObject(md, "generation", 1);
    sim_k8s_add_time(md, "creationTimestamp", created);
    cJSON_AddItemToObject(md, "labels", labels_for(c->name, component, native));
    cJSON_AddStringToObject(cJSON_AddObjectToObject(md, "annotations"), REVISION, "1");
    if (native) { /* the FlinkDeployment owns it (deleting that deletes the cluster) */
        cJSON *ref = cJSON_CreateObject();
        cJSON_AddStringToObject(ref, "apiVersion", "flink.apache.org/v1beta1");
        cJSON_AddStringToObject(ref, "kind", "FlinkDeployment");
        cJSON_AddStringToObject(ref, "name", c->name);
        char *fd_key = xasprintf("%s/%s", ns, c->name);
        char *fd_uid = sim_k8s_uid(fd_key);
        cJSON_AddStringToObject(ref, "uid", fd_uid);
        free(fd_uid);
        free(fd_key);
        cJSON_AddBoolToObject(ref, "controller", true);
        cJSON_AddBoolToObject(ref, "blockOwnerDeletion", true);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(md, "ownerReferences"), ref);
    }

    cJSON *spec = cJSON_AddObjectToObject(d, "spec");
    cJSON_AddNumberToObject(spec, "replicas", replicas);
    cJSON_AddItemToObject(cJSON_AddObjectToObject(spec, "selector"), "matchLabels",
                          labels_for(c->name, component, native));
    cJSON *tpl = cJSON_AddObjectToObject(spec, "template");
    cJSON_AddItemToObject(cJSON_AddObjectToObject(tpl, "metadata"), "labels",
                          labels_for(c->name, component, native));
    cJSON *ps = cJSON_AddObjectToObject(tpl, "spec");
    cJSON *ctr = cJSON_CreateObject();
    cJSON_AddStringToObject(ctr, "name", native ? "flink-main-container" : component);
    char *image = xasprintf("flink:%d.%d", c->version_major, c->version_minor);
    cJSON_AddStringToObject(ctr, "image", image);
    free(image);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(ctr, "args"), cJSON_CreateString(component));
    cJSON *ports = cJSON_AddArrayToObject(ctr, "ports");
    if (tm) {
        cJSON_AddItemToArray(ports, port("rpc", 6122));
    } else {
        cJSON_AddItemToArray(ports, port("rpc", 6123));
        cJSON_AddItemToArray(ports, port("blob-server", 6124));
        cJSON_AddItemToArray(ports, port("webui", 8081));
    }
    cJSON_AddItemToArray(cJSON_AddArrayToObject(ps, "containers"), ctr);
    cJSON_AddStringToObject(ps, "serviceAccountName", "flink");
    cJSON *strategy = cJSON_AddObjectToObject(spec, "strategy");
    cJSON_AddStringToObject(strategy, "type", "RollingUpdate");
    cJSON *ru = cJSON_AddObjectToObject(strategy, "rollingUpdate");
    cJSON_AddStringToObject(ru, "maxSurge", "25%");
    cJSON_AddStringToObject(ru, "maxUnavailable", "25%");
    cJSON_AddNumberToObject(spec, "revisionHistoryLimit", 10);
    cJSON_AddNumberToObject(spec, "progressDeadlineSeconds", 600);
    free(name);
    return d;
}

struct sim_deployments *sim_deployments_new(const struct sim_model *m, char *const *namespaces,
                                            long *rv, int64_t now_ms) {
    struct sim_deployments *d = xcalloc(1, sizeof *d);
    d->n_clusters = m->n_clusters;
    d->n = 2 * m->n_clusters;
    d->items = xcalloc(d->n > 0 ? d->n : 1, sizeof *d->items);
    d->events = xcalloc(d->n_clusters > 0 ? d->n_clusters : 1, sizeof *d->events);
    d->step_ms = m->n_clusters > 0 && m->clusters[0].actions.step_ms > 0
                     ? m->clusters[0].actions.step_ms
                     : SIM_ACTIONS_DEFAULT_STEP_MS;
    for (size_t i = 0; i < m->n_clusters; i++) {
        const struct sim_cluster *c = &m->clusters[i];
        int tms = 0;
        for (size_t t = 0; t < c->n_tms; t++)
            tms += c->tms[t].present;
        /* Created with the cluster, a while before the oldest simulated history. */
        int64_t created = now_ms - 14LL * 24 * 3600 * 1000 + (int64_t)i * 3600 * 1000 + 60000;
        for (int k = 0; k < 2; k++) {
            struct deployment *dp = &d->items[2 * i + (size_t)k];
            dp->cluster = i;
            dp->taskmanager = k == 1;
            dp->absent = k == 1 && c->mode != SIM_MODE_STANDALONE;
            if (dp->absent)
                continue;
            dp->obj =
                build(c, namespaces[i], k == 1, k == 1 ? tms : c->jm_replicas, ++*rv, created);
            dp->observed_before = 1;
            dp->replicas_before = spec_replicas(dp->obj);
        }
    }
    return d;
}

void sim_deployments_add_cluster(struct sim_deployments *d, const struct sim_cluster *c,
                                 const char *ns, long *rv, int64_t created) {
    size_t i = d->n_clusters++;
    d->n = 2 * d->n_clusters;
    d->items = xrealloc(d->items, d->n * sizeof *d->items);
    d->events = xrealloc(d->events, d->n_clusters * sizeof *d->events);
    memset(&d->events[i], 0, sizeof d->events[i]);
    for (int k = 0; k < 2; k++) {
        struct deployment *dp = &d->items[2 * i + (size_t)k];
        memset(dp, 0, sizeof *dp);
        dp->cluster = c->index;
        dp->taskmanager = k == 1;
        dp->absent = k == 1 && c->mode != SIM_MODE_STANDALONE;
        if (dp->absent)
            continue;
        dp->obj = build(c, ns, k == 1, k == 1 ? 0 : c->jm_replicas, ++*rv, created);
        dp->observed_before = 1;
        dp->replicas_before = spec_replicas(dp->obj);
    }
}

void sim_deployments_free(struct sim_deployments *d) {
    if (d == NULL)
        return;
    for (size_t i = 0; i < d->n; i++)
        cJSON_Delete(d->items[i].obj);
    for (size_t ci = 0; ci < d->n_clusters; ci++)
        for (size_t k = 0; k < EVENTS; k++) {
            free(d->events[ci].items[k].object);
            free(d->events[ci].items[k].message);
        }
    free(d->items);
    free(d->events);
    free(d);
}

/* ---- status ------------------------------------------------------------------------- */

static cJSON *condition(const char *type, const char *reason, const char *message, int64_t at) {
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", "True");
    sim_k8s_add_time(c, "lastUpdateTime", at);
    sim_k8s_add_time(c, "lastTransitionTime", at);
    cJSON_AddStringToObject(c, "reason", reason);
    cJSON_AddStringToObject(c, "message", message);
    return c;
}

/* A deep copy of dp with its status at now (see the header's timeline). */
static cJSON *render(const struct sim_deployments *d, const struct deployment *dp,
                     const struct sim_model *m, int64_t now) {
    cJSON *out = cJSON_Duplicate(dp->obj, true);
    cJSON *md = obj(out, "metadata");
    const char *name = str(md, "name");
    double gen = num(md, "generation", 1);
    int want = spec_replicas(out);
    int64_t s = step_of(d, m, dp->cluster);
    int64_t dt = dp->changed_at != 0 ? now - dp->changed_at : INT64_MAX;
    int64_t rdt = dp->rolled_at != 0 ? now - dp->rolled_at : INT64_MAX;
    int ready = want;
    if (dp->taskmanager && dp->cluster < m->n_clusters) {
        const struct sim_cluster *c = &m->clusters[dp->cluster];
        int present = 0;
        for (size_t t = 0; t < c->n_tms; t++)
            present += c->tms[t].present;
        if (present < ready)
            ready = present; /* a lost task manager's pod is not ready */
    }
    double observed = dt < s ? dp->observed_before : gen;
    int replicas = dt < s ? dp->replicas_before : want, updated = replicas;
    bool rolling = rdt >= s && rdt < 3 * s && want > 0;
    if (dt < s) {
        ready = dp->replicas_before < ready ? dp->replicas_before : ready;
    } else if (rolling) {
        /* maxSurge: one new pod next to the old ones until the old ones are gone */
        replicas = want + 1;
        updated = rdt < 2 * s ? 1 : want;
    }
    int available = ready;
    cJSON *st = cJSON_AddObjectToObject(out, "status");
    cJSON_AddNumberToObject(st, "observedGeneration", observed);
    cJSON_AddNumberToObject(st, "replicas", replicas);
    cJSON_AddNumberToObject(st, "updatedReplicas", updated);
    cJSON_AddNumberToObject(st, "readyReplicas", ready);
    cJSON_AddNumberToObject(st, "availableReplicas", available);
    if (replicas - available > 0)
        cJSON_AddNumberToObject(st, "unavailableReplicas", replicas - available);
    cJSON *conds = cJSON_AddArrayToObject(st, "conditions");
    int64_t since =
        dp->rolled_at != 0 && rdt >= 3 * s ? dp->rolled_at + 3 * s : m->started_at - 600000;
    cJSON_AddItemToArray(conds, condition("Available", "MinimumReplicasAvailable",
                                          "Deployment has minimum availability.", since));
    char hash[11];
    rs_hash(hash, name != NULL ? name : "", revision(out));
    char *msg;
    if (rolling) {
        msg = xasprintf("ReplicaSet \"%s-%s\" is progressing.", name, hash);
        cJSON_AddItemToArray(conds,
                             condition("Progressing", "ReplicaSetUpdated", msg, dp->rolled_at + s));
    } else {
        msg = xasprintf("ReplicaSet \"%s-%s\" has successfully progressed.", name, hash);
        cJSON_AddItemToArray(conds, condition("Progressing", "NewReplicaSetAvailable", msg, since));
    }
    free(msg);
    return out;
}

void sim_deployments_list(struct sim_deployments *d, const struct sim_model *m, cJSON *items,
                          int64_t now) {
    for (size_t i = 0; i < d->n; i++) {
        size_t ci = d->items[i].cluster;
        if (d->items[i].absent || (ci < m->n_clusters && m->clusters[ci].gone))
            continue; /* a deleted created cluster's went with it */
        cJSON_AddItemToArray(items, render(d, &d->items[i], m, now));
    }
}

int64_t sim_deployments_pods_started(const struct sim_deployments *d, size_t ci, bool taskmanager,
                                     int64_t now) {
    size_t i = 2 * ci + (taskmanager ? 1 : 0);
    if (ci >= d->n_clusters || i >= d->n || d->items[i].pods_at == 0)
        return 0;
    return d->items[i].pods_at <= now ? d->items[i].pods_at : 0;
}

size_t sim_deployments_event_count(const struct sim_deployments *d, size_t ci) {
    return ci < d->n_clusters ? d->events[ci].n : 0;
}

const struct sim_deployment_event *sim_deployments_event(const struct sim_deployments *d, size_t ci,
                                                         size_t k) {
    if (ci >= d->n_clusters || k >= d->events[ci].n)
        return NULL;
    const struct event_ring *ring = &d->events[ci];
    return &ring->items[(ring->first + k) % EVENTS];
}

/* ---- patches ------------------------------------------------------------------------ */

/* Whether every item of the array is an object with a string "name" (the lists a
 * strategic merge patch merges by name: containers, env, volumes, ports). */
static bool named_list(const cJSON *a) {
    if (!cJSON_IsArray(a))
        return false;
    for (const cJSON *it = a->child; it != NULL; it = it->next)
        if (!cJSON_IsObject(it) || str(it, "name") == NULL)
            return false;
    return true;
}

static cJSON *find_named(cJSON *a, const char *name) {
    for (cJSON *it = a->child; it != NULL; it = it->next)
        if (strcmp(str(it, "name"), name) == 0)
            return it;
    return NULL;
}

static void apply_patch(cJSON *target, const cJSON *patch, bool strategic);

/* A copy of a patch value as it is stored: without directives when strategic. */
static cJSON *stored_copy(const cJSON *p, bool strategic) {
    if (!strategic || !cJSON_IsObject(p))
        return cJSON_Duplicate(p, true);
    cJSON *o = cJSON_CreateObject();
    apply_patch(o, p, true);
    return o;
}

/* RFC 7386 merge patch (strategic false), or a strategic merge patch as far as a
 * Deployment needs it: objects merge key by key (null deletes), "$patch": "replace"
 * replaces the object and "$patch": "delete" removes it, lists of named objects merge by
 * name, other lists are replaced, other directives ("$setElementOrder/...",
 * "$retainKeys", "$deleteFromPrimitiveList/...") are dropped. target is modified. */
static void apply_patch(cJSON *target, const cJSON *patch, bool strategic) {
    if (strategic) {
        const char *directive = str(patch, "$patch");
        if (directive != NULL && strcmp(directive, "replace") == 0) {
            while (target->child != NULL)
                cJSON_Delete(cJSON_DetachItemViaPointer(target, target->child));
        }
    }
    for (const cJSON *p = patch->child; p != NULL; p = p->next) {
        if (p->string == NULL || (strategic && p->string[0] == '$'))
            continue;
        cJSON *have = cJSON_GetObjectItemCaseSensitive(target, p->string);
        const char *dir = strategic && cJSON_IsObject(p) ? str(p, "$patch") : NULL;
        if (cJSON_IsNull(p) || (dir != NULL && strcmp(dir, "delete") == 0)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
        } else if (cJSON_IsObject(p)) {
            if (!cJSON_IsObject(have)) {
                have = cJSON_CreateObject();
                set(target, p->string, have);
            }
            apply_patch(have, p, strategic);
        } else if (strategic && named_list(p) && named_list(have)) {
            for (const cJSON *e = p->child; e != NULL; e = e->next) {
                cJSON *mine = find_named(have, str(e, "name"));
                const char *edir = str(e, "$patch");
                if (edir != NULL && strcmp(edir, "delete") == 0) {
                    if (mine != NULL)
                        cJSON_Delete(cJSON_DetachItemViaPointer(have, mine));
                } else if (mine != NULL) {
                    apply_patch(mine, e, true);
                } else {
                    cJSON_AddItemToArray(have, stored_copy(e, true));
                }
            }
        } else {
            set(target, p->string, stored_copy(p, strategic));
        }
    }
}

static struct deployment *find(struct sim_deployments *d, const char *ns, const char *name) {
    for (size_t i = 0; i < d->n; i++) {
        if (d->items[i].absent)
            continue;
        const char *n = name_of(&d->items[i]), *s = ns_of(&d->items[i]);
        if (n != NULL && s != NULL && strcmp(n, name) == 0 && strcmp(s, ns) == 0)
            return &d->items[i];
    }
    return NULL;
}

/* The pods of dp's component start again and the cluster's jobs restart. */
static void roll_out(struct sim_deployments *d, struct sim_model *m, struct deployment *dp,
                     long old_rev, int64_t now) {
    const char *name = name_of(dp);
    size_t ci = dp->cluster;
    int64_t s = step_of(d, m, ci);
    char old_hash[11], new_hash[11];
    /* a rollout still under way is replaced: its ReplicaSet is the one scaled down */
    rs_hash(old_hash, name, old_rev);
    rs_hash(new_hash, name, revision(dp->obj));
    dp->rolled_at = now;
    dp->pods_at = now + s;
    int want = spec_replicas(dp->obj);
    add_event(d, ci, "Deployment", name, "ScalingReplicaSet", "deployment-controller",
              xasprintf("Scaled up replica set %s-%s to %d", name, new_hash, want > 0 ? 1 : 0),
              now);
    if (ci >= m->n_clusters)
        return;
    struct sim_cluster *c = &m->clusters[ci];
    if (want > 0) {
        if (dp->taskmanager) {
            for (size_t t = 0; t < c->n_tms; t++) {
                if (!c->tms[t].present)
                    continue;
                add_event(d, ci, "Pod", c->tms[t].id, "Killing", "kubelet",
                          xstrdup("Stopping container taskmanager"), now + s);
                add_event(d, ci, "Pod", c->tms[t].id, "Started", "kubelet",
                          xstrdup("Started container taskmanager"), now + s);
            }
        } else {
            char *pod = sim_k8s_jm_pod_name(c);
            add_event(d, ci, "Pod", pod, "Killing", "kubelet",
                      xstrdup("Stopping container jobmanager"), now + s);
            add_event(d, ci, "Pod", pod, "Started", "kubelet",
                      xstrdup("Started container jobmanager"), now + s);
            free(pod);
        }
    }
    add_event(d, ci, "Deployment", name, "ScalingReplicaSet", "deployment-controller",
              xasprintf("Scaled down replica set %s-%s to 0 from %d", name, old_hash, want),
              now + 3 * s);
    /* A new job manager submits the jobs again (from their latest checkpoint, as HA
     * does); new task managers make them fail over in place. */
    for (size_t ji = 0; ji < c->n_jobs; ji++) {
        struct sim_job *j = &c->jobs[ji];
        if (sim_job_state_is_terminal(j->state) || j->state == SIM_JOB_SUSPENDED)
            continue;
        sim_actions_restart(c, j, now + s, NULL, !dp->taskmanager, NULL);
    }
}

void sim_deployments_patch(struct sim_deployments *d, struct sim_model *m, const char *ns,
                           const char *name, const char *content_type, const char *body,
                           size_t body_len, long *rv, const char *forbidden_user, int64_t now,
                           struct sim_reply *r) {
    cJSON *patch = NULL, *before = NULL;
    struct deployment *dp = find(d, ns, name);
    if (dp == NULL) {
        sim_k8s_status(r, 404, "NotFound", "deployments.apps \"%s\" not found", name);
        goto out;
    }
    if (forbidden_user != NULL) {
        sim_k8s_status(r, 403, "Forbidden",
                       "deployments.apps \"%s\" is forbidden: User \"%s\" cannot patch resource "
                       "\"deployments\" in API group \"apps\" in the namespace \"%s\"",
                       name, forbidden_user, ns);
        goto out;
    }
    bool merge =
        content_type != NULL && strncmp(content_type, "application/merge-patch+json", 28) == 0;
    bool strategic = content_type != NULL &&
                     strncmp(content_type, "application/strategic-merge-patch+json", 38) == 0;
    if (!merge && !strategic) {
        sim_k8s_status(r, 415, "UnsupportedMediaType",
                       "the body of the request was in an unknown format - accepted media types "
                       "include: application/merge-patch+json, "
                       "application/strategic-merge-patch+json");
        goto out;
    }
    const char *end = NULL;
    patch = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    if (!cJSON_IsObject(patch)) {
        sim_k8s_status(r, 400, "BadRequest", "the patch is not a JSON object");
        goto out;
    }
    cJSON *md = obj(dp->obj, "metadata");
    cJSON *pmd = obj(patch, "metadata");
    const char *want_rv = pmd != NULL ? str(pmd, "resourceVersion") : NULL;
    const char *have_rv = str(md, "resourceVersion");
    if (!sim_k8s_rv_current(want_rv, have_rv)) {
        sim_k8s_status(r, 409, "Conflict",
                       "Operation cannot be fulfilled on deployments.apps \"%s\": the object "
                       "has been modified; please apply your changes to the latest version and "
                       "try again",
                       name);
        goto out;
    }
    /* status is a subresource; identity fields are not the client's to change */
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "status");
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "apiVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "kind");
    if (pmd != NULL) {
        static const char *const fixed[] = {"name",       "namespace",       "uid",
                                            "generation", "resourceVersion", "creationTimestamp"};
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
            cJSON_DeleteItemFromObjectCaseSensitive(pmd, fixed[i]);
    }
    before = cJSON_Duplicate(dp->obj, true);
    long old_rev = revision(dp->obj);
    apply_patch(dp->obj, patch, strategic);
    /* what a client may not break: a spec with a template, a whole number of replicas */
    const char *invalid = NULL;
    const cJSON *replicas = cJSON_GetObjectItemCaseSensitive(obj(dp->obj, "spec"), "replicas");
    if (obj(dp->obj, "spec") == NULL || obj(obj(dp->obj, "spec"), "template") == NULL)
        invalid = "spec.template: Required value";
    else if (replicas != NULL && (!cJSON_IsNumber(replicas) || replicas->valuedouble < 0 ||
                                  replicas->valuedouble > 100000 ||
                                  replicas->valuedouble != (double)(long)replicas->valuedouble))
        invalid = "spec.replicas: Invalid value: must be a whole number from 0";
    if (invalid != NULL) {
        cJSON_Delete(dp->obj);
        dp->obj = before;
        before = NULL;
        sim_k8s_status(r, 422, "Invalid", "Deployment.apps \"%s\" is invalid: %s", name, invalid);
        goto out;
    }
    if (!cJSON_Compare(before, dp->obj, true)) {
        md = obj(dp->obj, "metadata");
        char *rvs = xasprintf("%ld", ++*rv);
        set(md, "resourceVersion", cJSON_CreateString(rvs));
        free(rvs);
        cJSON *old_spec = obj(before, "spec"), *new_spec = obj(dp->obj, "spec");
        if (!cJSON_Compare(old_spec, new_spec, true)) {
            double g = num(md, "generation", 1);
            /* what shows until the change is observed: the status before it */
            bool pending = dp->changed_at != 0 && now - dp->changed_at < step_of(d, m, dp->cluster);
            if (!pending) {
                dp->observed_before = g;
                dp->replicas_before = spec_replicas(before);
            }
            dp->changed_at = now;
            set(md, "generation", cJSON_CreateNumber(g + 1));
            if (!cJSON_Compare(obj(old_spec, "template"), obj(new_spec, "template"), true)) {
                cJSON *ann = obj(md, "annotations");
                if (ann == NULL)
                    ann = cJSON_AddObjectToObject(md, "annotations");
                char *rev = xasprintf("%ld", old_rev + 1);
                set(ann, REVISION, cJSON_CreateString(rev));
                free(rev);
                roll_out(d, m, dp, old_rev, now);
            }
        }
    }
    sim_reply_json(r, 200, render(d, dp, m, now));
out:
    cJSON_Delete(patch);
    cJSON_Delete(before);
}

char *sim_deployments_bump(struct sim_deployments *d, const char *ns, const char *name, long *rv) {
    struct deployment *dp = find(d, ns, name);
    if (dp == NULL)
        return NULL;
    char *rvs = xasprintf("%ld", ++*rv);
    set(obj(dp->obj, "metadata"), "resourceVersion", cJSON_CreateString(rvs));
    return rvs;
}
