#include "k8s_model.h"

#include "autoscaler.h"

#include <cjson/cJSON.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "xalloc.h"

/* ---- enumerations -------------------------------------------------------------------- */

#define K8S_ENUM_NAME(id, name) [id] = name,
static const char *const flink_kind_names[] = {FLINK_KINDS(K8S_ENUM_NAME)};
static const char *const lifecycle_names[] = {FLINK_LIFECYCLES(K8S_ENUM_NAME)};
static const char *const jm_deploy_names[] = {JM_DEPLOY_STATES(K8S_ENUM_NAME)};
static const char *const reconcile_names[] = {RECONCILE_STATES(K8S_ENUM_NAME)};
static const char *const snapshot_names[] = {SNAPSHOT_STATES(K8S_ENUM_NAME)};
static const char *const pod_phase_names[] = {POD_PHASES(K8S_ENUM_NAME)};
#undef K8S_ENUM_NAME

/* Index 0 is the "unknown" member of every table. */
static const char *enum_name(const char *const *names, int count, int v) {
    return (v < 0 || v >= count) ? names[0] : names[v];
}

static int enum_parse(const char *const *names, int count, const char *s) {
    if (s == NULL)
        return 0;
    for (int i = 1; i < count; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return 0;
}

const char *flink_kind_name(enum flink_kind k) {
    return enum_name(flink_kind_names, FLINK_KIND_COUNT, (int)k);
}
enum flink_kind flink_kind_parse(const char *s) {
    return (enum flink_kind)enum_parse(flink_kind_names, FLINK_KIND_COUNT, s);
}
const char *flink_lifecycle_name(enum flink_lifecycle s) {
    return enum_name(lifecycle_names, LIFECYCLE_COUNT, (int)s);
}
enum flink_lifecycle flink_lifecycle_parse(const char *s) {
    return (enum flink_lifecycle)enum_parse(lifecycle_names, LIFECYCLE_COUNT, s);
}
const char *jm_deploy_state_name(enum jm_deploy_state s) {
    return enum_name(jm_deploy_names, JM_DEPLOY_COUNT, (int)s);
}
enum jm_deploy_state jm_deploy_state_parse(const char *s) {
    return (enum jm_deploy_state)enum_parse(jm_deploy_names, JM_DEPLOY_COUNT, s);
}
const char *reconcile_state_name(enum reconcile_state s) {
    return enum_name(reconcile_names, RECONCILE_COUNT, (int)s);
}
enum reconcile_state reconcile_state_parse(const char *s) {
    return (enum reconcile_state)enum_parse(reconcile_names, RECONCILE_COUNT, s);
}
const char *snapshot_state_name(enum snapshot_state s) {
    return enum_name(snapshot_names, SNAPSHOT_STATE_COUNT, (int)s);
}
enum snapshot_state snapshot_state_parse(const char *s) {
    return (enum snapshot_state)enum_parse(snapshot_names, SNAPSHOT_STATE_COUNT, s);
}
const char *pod_phase_name(enum pod_phase p) {
    return enum_name(pod_phase_names, POD_PHASE_COUNT, (int)p);
}
enum pod_phase pod_phase_parse(const char *s) {
    return (enum pod_phase)enum_parse(pod_phase_names, POD_PHASE_COUNT, s);
}

/* ---- FlinkDeployment / FlinkSessionJob ----------------------------------------------- */

static void job_spec_init(struct flink_job_spec *j) {
    j->jar_uri = NULL;
    j->entry_class = NULL;
    j->parallelism = UNKNOWN_I;
    j->upgrade_mode = NULL;
    j->state = NULL;
    j->savepoint_trigger_nonce = UNKNOWN_I;
    j->checkpoint_trigger_nonce = UNKNOWN_I;
    j->initial_savepoint_path = NULL;
    j->savepoint_redeploy_nonce = UNKNOWN_I;
    j->allow_non_restored_state = UNKNOWN_I;
}

static void job_spec_free(struct flink_job_spec *j) {
    free(j->jar_uri);
    free(j->entry_class);
    free(j->upgrade_mode);
    free(j->state);
    free(j->initial_savepoint_path);
    job_spec_init(j);
}

void flink_resource_init(struct flink_resource *r) {
    r->kind = FLINK_KIND_UNKNOWN;
    r->namespace = NULL;
    r->name = NULL;
    r->uid = NULL;
    r->resource_version = NULL;
    r->generation = UNKNOWN_I;
    r->created_ms = UNKNOWN_I;

    struct flink_resource_spec *sp = &r->spec;
    sp->image = NULL;
    sp->flink_version = NULL;
    sp->mode = NULL;
    sp->service_account = NULL;
    sp->has_job = false;
    job_spec_init(&sp->job);
    sp->restart_nonce = UNKNOWN_I;
    sp->tm_replicas = UNKNOWN_I;
    sp->jm_replicas = UNKNOWN_I;
    sp->deployment_name = NULL;
    sp->conf = NULL;
    sp->conf_len = 0;
    sp->conf_truncated = false;
    sp->conf_raw = NULL;

    struct flink_resource_status *st = &r->status;
    st->present = false;
    st->lifecycle = LIFECYCLE_UNKNOWN;
    st->jm_status = JM_DEPLOY_UNKNOWN;
    memset(st->job.job_id, 0, sizeof st->job.job_id);
    st->job.job_name = NULL;
    st->job.state = JOB_UNKNOWN;
    st->job.start_ms = UNKNOWN_I;
    st->job.update_ms = UNKNOWN_I;
    st->job.upgrade_savepoint_path = NULL;
    st->reconciliation = RECONCILE_UNKNOWN;
    st->error = NULL;
    st->error_cause = NULL;
    st->observed_generation = UNKNOWN_I;
    st->cluster_flink_version = NULL;
    st->tm_replicas = UNKNOWN_I;
    st->tm_label_selector = NULL;
}

void flink_resource_free(struct flink_resource *r) {
    free(r->namespace);
    free(r->name);
    free(r->uid);
    free(r->resource_version);

    struct flink_resource_spec *sp = &r->spec;
    free(sp->image);
    free(sp->flink_version);
    free(sp->mode);
    free(sp->service_account);
    job_spec_free(&sp->job);
    free(sp->deployment_name);
    for (size_t i = 0; i < sp->conf_len; i++) {
        free(sp->conf[i].key);
        free(sp->conf[i].value);
    }
    free(sp->conf);
    cJSON_Delete(sp->conf_raw);

    struct flink_resource_status *st = &r->status;
    free(st->job.job_name);
    free(st->job.upgrade_savepoint_path);
    free(st->error);
    free(st->error_cause);
    free(st->cluster_flink_version);
    free(st->tm_label_selector);

    flink_resource_init(r);
}

void flink_resource_list_free(struct flink_resource_list *l) {
    for (size_t i = 0; i < l->len; i++)
        flink_resource_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

const char *flink_resource_conf(const struct flink_resource *r, const char *key) {
    if (r == NULL || key == NULL)
        return NULL;
    for (size_t i = 0; i < r->spec.conf_len; i++)
        if (strcmp(r->spec.conf[i].key, key) == 0)
            return r->spec.conf[i].value;
    return NULL;
}

/* ---- FlinkStateSnapshot -------------------------------------------------------------- */

void flink_snapshot_init(struct flink_snapshot *s) {
    s->namespace = NULL;
    s->name = NULL;
    s->job_kind = FLINK_KIND_UNKNOWN;
    s->job_name = NULL;
    s->checkpoint = false;
    s->spec_path = NULL;
    s->already_exists = UNKNOWN_I;
    s->state = SNAPSHOT_UNKNOWN;
    s->path = NULL;
    s->error = NULL;
    s->trigger_id = NULL;
    s->failures = UNKNOWN_I;
    s->trigger_ms = UNKNOWN_I;
    s->result_ms = UNKNOWN_I;
    s->created_ms = UNKNOWN_I;
}

void flink_snapshot_free(struct flink_snapshot *s) {
    free(s->namespace);
    free(s->name);
    free(s->job_name);
    free(s->spec_path);
    free(s->path);
    free(s->error);
    free(s->trigger_id);
    flink_snapshot_init(s);
}

void flink_snapshot_list_free(struct flink_snapshot_list *l) {
    for (size_t i = 0; i < l->len; i++)
        flink_snapshot_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

/* ---- Pods ---------------------------------------------------------------------------- */

void pod_init(struct pod *p) {
    p->namespace = NULL;
    p->name = NULL;
    p->app = NULL;
    p->component = NULL;
    p->phase = POD_PHASE_UNKNOWN;
    p->ready = UNKNOWN_I;
    p->containers_ready = UNKNOWN_I;
    p->containers_total = UNKNOWN_I;
    p->restarts = UNKNOWN_I;
    p->term_reason = NULL;
    p->term_exit_code = UNKNOWN_I;
    p->term_ms = UNKNOWN_I;
    p->memory_limit = UNKNOWN_I;
    p->waiting_reason = NULL;
    p->waiting_message = NULL;
    p->reason = NULL;
    p->message = NULL;
    p->node = NULL;
    p->created_ms = UNKNOWN_I;
}

void pod_free(struct pod *p) {
    free(p->namespace);
    free(p->name);
    free(p->app);
    free(p->component);
    free(p->term_reason);
    free(p->waiting_reason);
    free(p->waiting_message);
    free(p->reason);
    free(p->message);
    free(p->node);
    pod_init(p);
}

void pod_list_free(struct pod_list *l) {
    for (size_t i = 0; i < l->len; i++)
        pod_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

/* ---- apps/v1 Deployments -------------------------------------------------------------- */

static bool str_same(const char *a, const char *b);

static void condition_init(struct k8s_condition *c) {
    c->status = UNKNOWN_I;
    c->reason = NULL;
    c->message = NULL;
}

static void condition_free(struct k8s_condition *c) {
    free(c->reason);
    free(c->message);
    condition_init(c);
}

void apps_deployment_init(struct apps_deployment *d) {
    d->namespace = NULL;
    d->name = NULL;
    d->app = NULL;
    d->component = NULL;
    d->replicas = UNKNOWN_I;
    d->status_replicas = UNKNOWN_I;
    d->ready = UNKNOWN_I;
    d->updated = UNKNOWN_I;
    d->available = UNKNOWN_I;
    d->generation = UNKNOWN_I;
    d->observed_generation = UNKNOWN_I;
    condition_init(&d->progressing);
    condition_init(&d->available_cond);
    condition_init(&d->replica_failure);
    d->created_ms = UNKNOWN_I;
}

void apps_deployment_free(struct apps_deployment *d) {
    free(d->namespace);
    free(d->name);
    free(d->app);
    free(d->component);
    condition_free(&d->progressing);
    condition_free(&d->available_cond);
    condition_free(&d->replica_failure);
    apps_deployment_init(d);
}

void apps_deployment_list_free(struct apps_deployment_list *l) {
    for (size_t i = 0; i < l->len; i++)
        apps_deployment_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

const char *deploy_rollout_name(enum deploy_rollout r) {
    switch (r) {
    case DEPLOY_ROLLOUT_COMPLETE:
        return "complete";
    case DEPLOY_ROLLOUT_PROGRESSING:
        return "progressing";
    case DEPLOY_ROLLOUT_STUCK:
        return "stuck";
    default:
        return "unknown";
    }
}

enum deploy_rollout apps_deployment_rollout(const struct apps_deployment *d, const char **why) {
    const char *dummy;
    if (why == NULL)
        why = &dummy;
    *why = NULL;
    const struct k8s_condition *pc = &d->progressing, *rf = &d->replica_failure;
    if (pc->reason && strcmp(pc->reason, "ProgressDeadlineExceeded") == 0) {
        *why = pc->message ? pc->message : pc->reason;
        return DEPLOY_ROLLOUT_STUCK;
    }
    if (rf->status == 1) {
        *why = rf->message ? rf->message : rf->reason ? rf->reason : "ReplicaFailure";
        return DEPLOY_ROLLOUT_STUCK;
    }
    if (d->generation >= 0 && d->observed_generation >= 0 &&
        d->observed_generation < d->generation) {
        *why = "waiting for the deployment controller to observe the new spec";
        return DEPLOY_ROLLOUT_PROGRESSING;
    }
    if (d->replicas < 0 || d->updated < 0 || d->available < 0 || d->status_replicas < 0)
        return DEPLOY_ROLLOUT_UNKNOWN;
    if (d->updated < d->replicas) {
        *why = "new replicas are being rolled out";
        return DEPLOY_ROLLOUT_PROGRESSING;
    }
    if (d->status_replicas > d->updated) {
        *why = "old replicas are pending termination";
        return DEPLOY_ROLLOUT_PROGRESSING;
    }
    if (d->available < d->updated) {
        *why = "updated replicas are not available yet";
        return DEPLOY_ROLLOUT_PROGRESSING;
    }
    return DEPLOY_ROLLOUT_COMPLETE;
}

const struct apps_deployment **apps_deployments_of_app(const struct apps_deployment_list *l,
                                                       const char *ns, const char *app, size_t *n) {
    *n = 0;
    if (l == NULL || app == NULL)
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < l->len; i++)
        count +=
            str_same(l->items[i].app, app) && (ns == NULL || str_same(l->items[i].namespace, ns));
    if (count == 0)
        return NULL;
    const struct apps_deployment **out = xcalloc(count, sizeof *out);
    for (size_t i = 0; i < l->len; i++)
        if (str_same(l->items[i].app, app) && (ns == NULL || str_same(l->items[i].namespace, ns)))
            out[(*n)++] = &l->items[i];
    return out;
}

/* ---- Events -------------------------------------------------------------------------- */

void k8s_event_init(struct k8s_event *e) {
    e->namespace = NULL;
    e->name = NULL;
    e->type = NULL;
    e->warning = false;
    e->reason = NULL;
    e->message = NULL;
    e->count = UNKNOWN_I;
    e->object_kind = NULL;
    e->object_name = NULL;
    e->source = NULL;
    e->last_ms = UNKNOWN_I;
}

void k8s_event_free(struct k8s_event *e) {
    free(e->namespace);
    free(e->name);
    free(e->type);
    free(e->reason);
    free(e->message);
    free(e->object_kind);
    free(e->object_name);
    free(e->source);
    k8s_event_init(e);
}

void k8s_event_list_free(struct k8s_event_list *l) {
    for (size_t i = 0; i < l->len; i++)
        k8s_event_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

/* ---- updaters ----------------------------------------------------------------------- */

/* One shape for the four lists: {items, len}, items keyed by namespace and name. */
struct list_kind {
    size_t size;
    const char *(*ns)(const void *item);
    const char *(*name)(const void *item);
    void (*init)(void *item);
    void (*free)(void *item);
};

static bool str_same(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* The index of ns/name in items, or len. */
static size_t list_find(const void *items, size_t len, const struct list_kind *k, const char *ns,
                        const char *name) {
    const unsigned char *p = items;
    for (size_t i = 0; name != NULL && i < len; i++) {
        const void *it = p + i * k->size;
        if (str_same(k->name(it), name) &&
            (ns == NULL ? k->ns(it) == NULL : str_same(k->ns(it), ns)))
            return i;
    }
    return len;
}

static void list_put(void **items, size_t *len, const struct list_kind *k, void *item) {
    size_t i = list_find(*items, *len, k, k->ns(item), k->name(item));
    if (i == *len) {
        *items = xrealloc(*items, (*len + 1) * k->size);
        (*len)++;
    } else {
        k->free((unsigned char *)*items + i * k->size);
    }
    memcpy((unsigned char *)*items + i * k->size, item, k->size);
    k->init(item); /* handed over */
}

static bool list_remove(void **items, size_t *len, const struct list_kind *k, const char *ns,
                        const char *name) {
    size_t i = list_find(*items, *len, k, ns, name);
    if (i == *len)
        return false;
    unsigned char *p = *items;
    k->free(p + i * k->size);
    memmove(p + i * k->size, p + (i + 1) * k->size, (*len - i - 1) * k->size);
    (*len)--;
    if (*len == 0) {
        free(*items);
        *items = NULL;
    }
    return true;
}

#define LIST_KIND(prefix, type, list_type, init_fn, free_fn, list_free_fn)                         \
    static const char *prefix##_ns(const void *it) { return ((const type *)it)->namespace; }       \
    static const char *prefix##_name(const void *it) { return ((const type *)it)->name; }          \
    static void prefix##_init_v(void *it) { init_fn(it); }                                         \
    static void prefix##_free_v(void *it) { free_fn(it); }                                         \
    static const struct list_kind prefix##_kind = {sizeof(type), prefix##_ns, prefix##_name,       \
                                                   prefix##_init_v, prefix##_free_v};              \
    void prefix##_put(list_type *l, type *item) {                                                  \
        list_put((void **)&l->items, &l->len, &prefix##_kind, item);                               \
    }                                                                                              \
    bool prefix##_remove(list_type *l, const char *ns, const char *name) {                         \
        return list_remove((void **)&l->items, &l->len, &prefix##_kind, ns, name);                 \
    }                                                                                              \
    void prefix##_replace(list_type *l, list_type *with) {                                         \
        list_free_fn(l);                                                                           \
        *l = *with;                                                                                \
        with->items = NULL;                                                                        \
        with->len = 0;                                                                             \
    }

LIST_KIND(flink_resource_list, struct flink_resource, struct flink_resource_list,
          flink_resource_init, flink_resource_free, flink_resource_list_free)
LIST_KIND(flink_snapshot_list, struct flink_snapshot, struct flink_snapshot_list,
          flink_snapshot_init, flink_snapshot_free, flink_snapshot_list_free)
LIST_KIND(pod_list, struct pod, struct pod_list, pod_init, pod_free, pod_list_free)
LIST_KIND(k8s_event_list, struct k8s_event, struct k8s_event_list, k8s_event_init, k8s_event_free,
          k8s_event_list_free)
LIST_KIND(apps_deployment_list, struct apps_deployment, struct apps_deployment_list,
          apps_deployment_init, apps_deployment_free, apps_deployment_list_free)
#undef LIST_KIND

struct k8s_namespace_state *k8s_context_namespace_find(struct k8s_context_state *s,
                                                       const char *ns) {
    for (size_t i = 0; ns != NULL && i < s->n_namespaces; i++)
        if (str_same(s->namespaces[i].name, ns))
            return &s->namespaces[i];
    return NULL;
}

struct k8s_namespace_state *k8s_context_namespace_add(struct k8s_context_state *s, const char *ns) {
    struct k8s_namespace_state *n = k8s_context_namespace_find(s, ns);
    if (n != NULL)
        return n;
    s->namespaces = xrealloc(s->namespaces, (s->n_namespaces + 1) * sizeof *s->namespaces);
    n = &s->namespaces[s->n_namespaces++];
    memset(n, 0, sizeof *n);
    n->name = xstrdup(ns);
    return n;
}

void k8s_namespace_state_free(struct k8s_namespace_state *n) {
    free(n->name);
    pod_list_free(&n->pods);
    k8s_event_list_free(&n->events);
    flink_snapshot_list_free(&n->snapshots);
    apps_deployment_list_free(&n->apps);
    memset(n, 0, sizeof *n);
}

bool k8s_context_namespace_remove(struct k8s_context_state *s, const char *ns) {
    struct k8s_namespace_state *n = k8s_context_namespace_find(s, ns);
    if (n == NULL)
        return false;
    size_t i = (size_t)(n - s->namespaces);
    k8s_namespace_state_free(n);
    memmove(&s->namespaces[i], &s->namespaces[i + 1],
            (s->n_namespaces - i - 1) * sizeof *s->namespaces);
    s->n_namespaces--;
    if (s->n_namespaces == 0) {
        free(s->namespaces);
        s->namespaces = NULL;
    }
    return true;
}

void k8s_context_data_free(struct k8s_context_state *s) {
    flink_resource_list_free(&s->deployments);
    flink_resource_list_free(&s->session_jobs);
    for (size_t i = 0; i < s->n_namespaces; i++)
        k8s_namespace_state_free(&s->namespaces[i]);
    free(s->namespaces);
    s->namespaces = NULL;
    s->n_namespaces = 0;
}

/* ---- The API server ------------------------------------------------------------------ */

void k8s_version_init(struct k8s_version *v) {
    v->major = UNKNOWN_I;
    v->minor = UNKNOWN_I;
    v->git_version = NULL;
    v->platform = NULL;
}

void k8s_version_free(struct k8s_version *v) {
    free(v->git_version);
    free(v->platform);
    k8s_version_init(v);
}

/* ---- readers ------------------------------------------------------------------------ */

size_t k8s_context_count(const struct app *a) {
    size_t n = 0;
    for (size_t i = 0; i < a->n_k8s_contexts; i++)
        n += a->k8s_contexts[i]->in_scope;
    return n;
}

const struct k8s_context_state *k8s_context_at(const struct app *a, size_t i) {
    for (size_t k = 0; k < a->n_k8s_contexts; k++) {
        if (!a->k8s_contexts[k]->in_scope)
            continue;
        if (i == 0)
            return a->k8s_contexts[k];
        i--;
    }
    return NULL;
}

const struct k8s_namespace_state *k8s_cluster_namespace(const struct cluster *c) {
    const struct k8s_context_state *s = c->k8s.ctx;
    for (size_t i = 0; s && c->k8s.namespace && i < s->n_namespaces; i++)
        if (s->namespaces[i].name && strcmp(s->namespaces[i].name, c->k8s.namespace) == 0)
            return &s->namespaces[i];
    return NULL;
}

const struct apps_deployment **k8s_cluster_deployments(const struct cluster *c, size_t *n,
                                                       bool *listed) {
    *n = 0;
    const struct k8s_namespace_state *ns = c->k8s.name ? k8s_cluster_namespace(c) : NULL;
    if (listed)
        *listed = ns != NULL && ns->apps_ok;
    if (ns == NULL || !ns->apps_ok)
        return NULL;
    return apps_deployments_of_app(&ns->apps, ns->name, c->k8s.name, n);
}

const struct autoscaler_state *k8s_cluster_autoscaler(const struct cluster *c) {
    const struct k8s_context_state *s = c->k8s.ctx;
    for (size_t i = 0; s && c->k8s.namespace && c->k8s.name && i < s->n_autoscalers; i++)
        if (strcmp(s->autoscalers[i].ns, c->k8s.namespace) == 0 &&
            strcmp(s->autoscalers[i].name, c->k8s.name) == 0)
            return &s->autoscalers[i];
    return NULL;
}

bool pod_of_app(const struct pod *p, const char *ns, const char *app) {
    return p->app && app && strcmp(p->app, app) == 0 &&
           (ns == NULL || (p->namespace && strcmp(p->namespace, ns) == 0));
}

const struct pod **pods_of_app(const struct pod_list *pods, const char *ns, const char *app,
                               size_t *n) {
    *n = 0;
    if (pods == NULL || app == NULL)
        return NULL;
    size_t count = 0;
    for (size_t i = 0; i < pods->len; i++)
        if (pod_of_app(&pods->items[i], ns, app))
            count++;
    if (count == 0)
        return NULL;
    const struct pod **out = xcalloc(count, sizeof *out);
    for (size_t i = 0; i < pods->len; i++)
        if (pod_of_app(&pods->items[i], ns, app))
            out[(*n)++] = &pods->items[i];
    return out;
}

static bool same_str(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* Newest first; a stable insertion sort (a resource's events are few). */
static void sort_events_newest(const struct k8s_event **v, size_t n) {
    for (size_t i = 1; i < n; i++) {
        const struct k8s_event *e = v[i];
        size_t k = i;
        for (; k > 0 && v[k - 1]->last_ms < e->last_ms; k--)
            v[k] = v[k - 1];
        v[k] = e;
    }
}

const struct k8s_event **events_of(const struct k8s_event_list *events,
                                   const struct pod_list *pods, const char *ns,
                                   const char *name, size_t *n) {
    *n = 0;
    if (events == NULL || name == NULL || events->len == 0)
        return NULL;
    size_t npods = 0;
    const struct pod **mine = pods_of_app(pods, ns, name, &npods);
    const struct k8s_event **out = xcalloc(events->len, sizeof *out);
    for (size_t i = 0; i < events->len; i++) {
        const struct k8s_event *e = &events->items[i];
        if (e->object_name == NULL || (ns != NULL && !same_str(e->namespace, ns)))
            continue;
        bool match = strcmp(e->object_name, name) == 0;
        for (size_t k = 0; !match && k < npods; k++)
            match = same_str(e->object_name, mine[k]->name);
        if (match)
            out[(*n)++] = e;
    }
    free(mine);
    if (*n == 0) {
        free(out);
        return NULL;
    }
    sort_events_newest(out, *n);
    return out;
}

/* sum + v over known values: the first known one starts the sum; saturates. */
static int add_known(int sum, int v) {
    if (sum < 0)
        return v;
    return sum > INT_MAX - v ? INT_MAX : sum + v;
}

struct pod_summary pod_list_summary(const struct pod_list *pods, const char *ns, const char *app) {
    struct pod_summary s = {0, 0, UNKNOWN_I, 0, 0, 0};
    for (size_t i = 0; pods != NULL && app != NULL && i < pods->len; i++) {
        const struct pod *p = &pods->items[i];
        if (!pod_of_app(p, ns, app))
            continue;
        s.total++;
        if (p->ready == 1)
            s.ready++;
        if (p->restarts >= 0)
            s.restarts = add_known(s.restarts, p->restarts);
        if (p->waiting_reason != NULL)
            s.waiting++;
        if (p->term_reason && strcmp(p->term_reason, "OOMKilled") == 0)
            s.oom_killed++;
        if (p->phase == POD_PHASE_PENDING)
            s.pending++;
    }
    return s;
}

bool k8s_context_ok(const struct k8s_context_state *s) {
    return s->error[0] == '\0' || s->crds == K8S_CRDS_ABSENT;
}

const struct flink_resource *k8s_cluster_resource(const struct cluster *c) {
    const struct k8s_context_state *s = c->k8s.ctx;
    if (s == NULL || c->k8s.gone)
        return NULL;
    for (size_t i = 0; i < s->deployments.len; i++) {
        const struct flink_resource *r = &s->deployments.items[i];
        if (r->namespace && strcmp(r->namespace, c->k8s.namespace) == 0 &&
            strcmp(r->name, c->k8s.name) == 0)
            return r;
    }
    return NULL;
}

bool k8s_cluster_pods(const struct cluster *c, struct pod_summary *out) {
    memset(out, 0, sizeof *out);
    out->restarts = UNKNOWN_I;
    const struct k8s_context_state *s = c->k8s.ctx;
    if (s == NULL)
        return false;
    for (size_t i = 0; i < s->n_namespaces; i++) {
        const struct k8s_namespace_state *n = &s->namespaces[i];
        if (strcmp(n->name, c->k8s.namespace) != 0)
            continue;
        if (!n->pods_ok)
            return false;
        *out = pod_list_summary(&n->pods, n->name, c->k8s.name);
        return true;
    }
    return false;
}

/* When a snapshot happened: its trigger, else its creation (a pending one). */
static int64_t snapshot_when(const struct flink_snapshot *s) {
    return s->trigger_ms >= 0 ? s->trigger_ms : s->created_ms;
}

/* Newest first; equal times keep the list's order (the pointers point into one array). */
static int cmp_snapshot_newest(const void *a, const void *b) {
    const struct flink_snapshot *x = *(const struct flink_snapshot *const *)a;
    const struct flink_snapshot *y = *(const struct flink_snapshot *const *)b;
    int64_t tx = snapshot_when(x), ty = snapshot_when(y);
    if (tx != ty)
        return tx > ty ? -1 : 1;
    return x < y ? -1 : x > y;
}

size_t k8s_cluster_snapshots(const struct cluster *c, const struct flink_snapshot ***out) {
    *out = NULL;
    if (!k8s_cluster_snapshots_served(c) || c->k8s.namespace == NULL || c->k8s.name == NULL)
        return 0;
    const struct k8s_namespace_state *n = k8s_cluster_namespace(c);
    if (n == NULL || n->snapshots.len == 0)
        return 0;
    const struct flink_snapshot **v = xcalloc(n->snapshots.len, sizeof *v);
    size_t k = 0;
    for (size_t i = 0; i < n->snapshots.len; i++) {
        const struct flink_snapshot *sn = &n->snapshots.items[i];
        if (sn->job_kind == FLINK_KIND_DEPLOYMENT && sn->job_name &&
            strcmp(sn->job_name, c->k8s.name) == 0)
            v[k++] = sn;
    }
    if (k == 0) {
        free(v);
        return 0;
    }
    qsort(v, k, sizeof *v, cmp_snapshot_newest);
    *out = v;
    return k;
}

const char *k8s_cluster_server(const struct cluster *c) {
    return c->k8s.ctx ? c->k8s.ctx->server : NULL;
}

bool k8s_cluster_snapshots_served(const struct cluster *c) {
    return c->k8s.ctx && c->k8s.ctx->crds == K8S_CRDS_PRESENT && c->k8s.ctx->discovery.snapshots;
}
