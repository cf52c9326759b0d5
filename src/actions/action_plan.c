#include "action_plan.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "clock.h"
#include "json_doc.h"
#include "json_get.h"
#include "profile.h"
#include "sanitize.h"
#include "xalloc.h"

#define FLINK_GV "/apis/flink.apache.org/v1beta1"
#define MERGE_PATCH "application/merge-patch+json"
#define JSON "application/json"
/* Nonces travel as JSON numbers (doubles): past 2^53 they would lose the + 1. */
#define NONCE_MAX 9007199254740991LL
#define K8S_NAME_MAX 253
#define K8S_NS_MAX 63
#define CAUSE_MAX 512

static const char *const action_names[] = {
#define ACTION_NAME(id, name) name,
    ACTIONS(ACTION_NAME)
#undef ACTION_NAME
};

const char *action_name(enum action a) { return (unsigned)a < ACT_COUNT ? action_names[a] : "?"; }

enum action action_parse(const char *s) {
    for (int i = 0; s && i < ACT_COUNT; i++)
        if (strcmp(action_names[i], s) == 0)
            return (enum action)i;
    return ACT_COUNT;
}

static const char *const status_messages[] = {
#define ACTION_STATUS_MSG(id, msg) msg,
    ACTION_STATUS(ACTION_STATUS_MSG)
#undef ACTION_STATUS_MSG
};

const char *action_status_message(enum action_status s) {
    return (unsigned)s < sizeof status_messages / sizeof status_messages[0] ? status_messages[s]
                                                                            : "?";
}

void action_target_init(struct action_target *t) {
    memset(t, 0, sizeof *t);
    t->kind = TARGET_PLAIN;
    t->resource_kind = FLINK_KIND_UNKNOWN;
    t->savepoint_trigger_nonce = -1;
    t->savepoint_redeploy_nonce = -1;
    t->restart_nonce = -1;
    t->parallelism = -1;
    t->max_parallelism = -1;
}

void action_target_from_resource(struct action_target *t, const struct flink_resource *r,
                                 const char *cluster, const char *context, bool snapshots_served) {
    action_target_init(t);
    t->kind = TARGET_OPERATOR;
    t->cluster = cluster ? cluster : r->name;
    t->job_name = r->status.job.job_name;
    t->job_id = r->status.job.job_id[0] ? r->status.job.job_id : NULL;
    t->context = context;
    t->ns = r->namespace;
    t->name = r->name;
    t->resource_kind = r->kind;
    t->resource_version = r->resource_version;
    t->savepoint_trigger_nonce = r->spec.job.savepoint_trigger_nonce;
    t->savepoint_redeploy_nonce = r->spec.job.savepoint_redeploy_nonce;
    t->restart_nonce = r->spec.restart_nonce;
    t->upgrade_mode = r->spec.job.upgrade_mode;
    t->job_state = r->spec.job.state;
    t->snapshots_served = snapshots_served;
    t->flink_version = r->spec.flink_version;
    t->conf_raw = r->spec.conf_raw;
    t->parallelism = r->spec.job.parallelism;
}

enum action action_suspend_or_cancel(const struct action_target *t) {
    return t->kind == TARGET_OPERATOR ? ACT_SUSPEND : ACT_CANCEL;
}

void action_plan_free(struct action_plan *p) {
    free(p->path);
    free(p->body);
    free(p->effect);
    free(p->show_json);
    free(p->params);
    free(p->ref);
    free(p->follow_path);
    memset(p, 0, sizeof *p);
}

/* ---- checks on what came from servers ------------------------------------------------ */

static bool hex_id(const char *s) {
    if (s == NULL || strlen(s) != 32)
        return false;
    for (size_t i = 0; i < 32; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A DNS-1123 subdomain (resource names) or label (namespaces, no dots). */
static bool dns_name(const char *s, size_t max, bool dots) {
    size_t n = s ? strlen(s) : 0;
    if (n == 0 || n > max)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool alnum = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        if (!alnum && c != '-' && !(dots && c == '.'))
            return false;
        if (!alnum && (i == 0 || i == n - 1))
            return false;
    }
    return true;
}

/* ---- building ------------------------------------------------------------------------ */

struct ctx {
    enum action a;
    const struct action_target *t;
    const struct action_params *p;
    struct action_plan *out;
    char *err;
    size_t errlen;
    int64_t now_ms;
};

static enum action_status fail(struct ctx *c, enum action_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static enum action_status fail(struct ctx *c, enum action_status st, const char *fmt, ...) {
    if (c->err && c->errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(c->err, c->errlen, fmt, ap);
        va_end(ap);
    }
    return st;
}

/* How the job is named in sentences: "orders (0a1b...)" or the resource or the id. */
static char *job_words(const struct action_target *t) {
    const char *name = t->job_name ? t->job_name : t->name;
    if (name && t->job_id)
        return xasprintf("job %s (%s)", name, t->job_id);
    if (name)
        return xasprintf("job %s", name);
    if (t->job_id)
        return xasprintf("job %s", t->job_id);
    return xstrdup("the job");
}

/* "on cluster prod" / "on prod in namespace flink" */
static char *where_words(const struct action_target *t) {
    const char *cluster = t->cluster ? t->cluster : (t->name ? t->name : "?");
    if (t->kind == TARGET_OPERATOR && t->ns)
        return xasprintf("on %s (namespace %s)", cluster, t->ns);
    return xasprintf("on %s", cluster);
}

static void set_effect(struct ctx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_effect(struct ctx *c, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    c->out->effect = sanitize_strdup(s);
    free(s);
}

static char *print(const cJSON *j) {
    char *s = cJSON_PrintUnformatted(j);
    char *out = xstrdup(s ? s : "{}");
    cJSON_free(s);
    return out;
}

/* Takes params (owned). */
static void set_params(struct ctx *c, cJSON *params) {
    c->out->params = print(params);
    cJSON_Delete(params);
}

static int64_t next_nonce(int64_t current, int64_t now_ms) {
    if (current < 0 || current >= NONCE_MAX)
        return now_ms > current ? now_ms : 1;
    return current + 1;
}

static const char *resource_plural(const struct action_target *t) {
    return t->resource_kind == FLINK_KIND_SESSION_JOB ? "flinksessionjobs" : "flinkdeployments";
}

static const char *resource_kind_name(const struct action_target *t) {
    return t->resource_kind == FLINK_KIND_SESSION_JOB ? "FlinkSessionJob" : "FlinkDeployment";
}

static char *resource_path(const struct action_target *t) {
    return xasprintf(FLINK_GV "/namespaces/%s/%s/%s", t->ns, resource_plural(t), t->name);
}

/* The checks every operator action needs. */
static enum action_status check_operator(struct ctx *c) {
    const struct action_target *t = c->t;
    if (!dns_name(t->ns, K8S_NS_MAX, false))
        return fail(c, ACTION_UNKNOWN_STATE, "the resource's namespace is not known");
    if (!dns_name(t->name, K8S_NAME_MAX, true))
        return fail(c, ACTION_UNKNOWN_STATE, "the resource's name is not known");
    if (t->resource_version == NULL || t->resource_version[0] == '\0')
        return fail(c, ACTION_UNKNOWN_STATE,
                    "the resource's version is not known yet: wait for the next refresh");
    return ACTION_OK;
}

/* A merge-patch of the resource: {"metadata":{"resourceVersion":RV},"spec":spec}, spec
 * owned. */
static void operator_patch(struct ctx *c, cJSON *spec) {
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(root, "metadata"), "resourceVersion",
                            c->t->resource_version);
    cJSON_AddItemToObject(root, "spec", spec);
    struct action_plan *o = c->out;
    o->api_server = true;
    o->method = "PATCH";
    o->path = resource_path(c->t);
    o->content_type = MERGE_PATCH;
    o->body = print(root);
    o->show_json = xstrdup(o->body);
    o->follow = OP_FOLLOW_RESOURCE;
    o->follow_path = resource_path(c->t);
    cJSON_Delete(root);
}

/* {"job": {...}} for the spec, the job object in *job. */
static cJSON *job_spec(cJSON **job) {
    cJSON *spec = cJSON_CreateObject();
    *job = cJSON_AddObjectToObject(spec, "job");
    return spec;
}

/* The Flink job the plain actions address. */
static enum action_status check_plain(struct ctx *c) {
    if (!hex_id(c->t->job_id))
        return fail(c, ACTION_UNKNOWN_STATE, "the job's id is not known");
    return ACTION_OK;
}

static const char *target_dir(const struct ctx *c) {
    const char *d = c->p && c->p->target_dir && c->p->target_dir[0] ? c->p->target_dir : NULL;
    if (d == NULL && c->t->savepoint_dir && c->t->savepoint_dir[0])
        d = c->t->savepoint_dir;
    return d;
}

/* "<deployment>-<base36 of now>", cut so it stays a valid name. returns owned */
static char *snapshot_name(const char *base, int64_t now_ms) {
    char sfx[16];
    size_t n = 0;
    uint64_t v = now_ms > 0 ? (uint64_t)now_ms : 0;
    do {
        sfx[n++] = "0123456789abcdefghijklmnopqrstuvwxyz"[v % 36];
        v /= 36;
    } while (v && n < sizeof sfx - 1);
    for (size_t i = 0; i < n / 2; i++) {
        char t = sfx[i];
        sfx[i] = sfx[n - 1 - i];
        sfx[n - 1 - i] = t;
    }
    sfx[n] = '\0';
    size_t keep = strlen(base);
    if (keep > K8S_NAME_MAX - 1 - n)
        keep = K8S_NAME_MAX - 1 - n;
    while (keep > 0 && (base[keep - 1] == '-' || base[keep - 1] == '.'))
        keep--;
    return xasprintf("%.*s-%s", (int)keep, base, sfx);
}

/* POST /jobs/J/ENDPOINT of a plain cluster, followed as a savepoint trigger: the body is
 * {DIR_KEY: dir, FLAG_KEY: false} (savepoints and stop spell the directory differently).
 * No directory: ask for one. */
static enum action_status plain_trigger(struct ctx *c, const char *dir, const char *endpoint,
                                        const char *dir_key, const char *flag_key) {
    const struct action_target *t = c->t;
    struct action_plan *o = c->out;
    enum action_status st = check_plain(c);
    if (st != ACTION_OK)
        return st;
    if (dir == NULL)
        return fail(c, ACTION_NEED_INPUT,
                    "no savepoint directory is known for %s: give one (savepoint_dir in "
                    "the config, or state.savepoints.dir on the cluster)",
                    t->cluster ? t->cluster : "this cluster");
    cJSON *body = cJSON_CreateObject();
    cJSON_AddStringToObject(body, dir_key, dir);
    cJSON_AddFalseToObject(body, flag_key);
    o->method = "POST";
    o->path = xasprintf("/jobs/%s/%s", t->job_id, endpoint);
    o->content_type = JSON;
    o->body = print(body);
    o->follow = OP_FOLLOW_TRIGGER;
    cJSON_Delete(body);
    return ACTION_OK;
}

static enum action_status savepoint(struct ctx *c) {
    const struct action_target *t = c->t;
    struct action_plan *o = c->out;
    char *job = job_words(t), *where = where_words(t);
    const char *dir = target_dir(c);
    enum action_status st = ACTION_OK;
    cJSON *params = cJSON_CreateObject();
    if (dir)
        cJSON_AddStringToObject(params, "targetDirectory", dir);
    if (t->kind == TARGET_OPERATOR) {
        st = check_operator(c);
        if (st != ACTION_OK)
            goto out;
        if (t->snapshots_served) {
            char *name = snapshot_name(t->name, c->now_ms);
            cJSON *root = cJSON_CreateObject();
            cJSON_AddStringToObject(root, "apiVersion", "flink.apache.org/v1beta1");
            cJSON_AddStringToObject(root, "kind", "FlinkStateSnapshot");
            cJSON *md = cJSON_AddObjectToObject(root, "metadata");
            cJSON_AddStringToObject(md, "name", name);
            cJSON_AddStringToObject(md, "namespace", t->ns);
            cJSON *spec = cJSON_AddObjectToObject(root, "spec");
            cJSON *ref = cJSON_AddObjectToObject(spec, "jobReference");
            cJSON_AddStringToObject(ref, "kind", resource_kind_name(t));
            cJSON_AddStringToObject(ref, "name", t->name);
            cJSON *sp = cJSON_AddObjectToObject(spec, "savepoint");
            if (dir)
                cJSON_AddStringToObject(sp, "path", dir);
            cJSON_AddFalseToObject(sp, "alreadyExists");
            /* the operator's default disposes of the files when the CR is deleted: a
             * savepoint taken in an incident must outlive a kubectl delete */
            cJSON_AddFalseToObject(sp, "disposeOnDelete");
            o->api_server = true;
            o->method = "POST";
            o->path = xasprintf(FLINK_GV "/namespaces/%s/flinkstatesnapshots", t->ns);
            o->content_type = JSON;
            o->body = print(root);
            o->show_json = xstrdup(o->body);
            o->follow = OP_FOLLOW_SNAPSHOT;
            o->follow_path =
                xasprintf(FLINK_GV "/namespaces/%s/flinkstatesnapshots/%s", t->ns, name);
            o->ref = xstrdup(name);
            cJSON_AddStringToObject(params, "snapshot", name);
            cJSON_Delete(root);
            free(name);
        } else {
            int64_t nonce = next_nonce(t->savepoint_trigger_nonce, c->now_ms);
            cJSON *jobo;
            cJSON *spec = job_spec(&jobo);
            cJSON_AddNumberToObject(jobo, "savepointTriggerNonce", (double)nonce);
            operator_patch(c, spec);
            o->savepoint_nonce = nonce;
            cJSON_AddNumberToObject(params, "savepointTriggerNonce", (double)nonce);
        }
        set_effect(c, "Take a savepoint of %s %s into %s, through the operator.", job, where,
                   dir ? dir : "the configured savepoint directory");
    } else {
        st = plain_trigger(c, dir, "savepoints", "target-directory", "cancel-job");
        if (st != ACTION_OK)
            goto out;
        set_effect(c, "Take a savepoint of %s %s into %s; the job keeps running.", job, where, dir);
    }
out:
    if (st == ACTION_OK)
        set_params(c, params);
    else
        cJSON_Delete(params);
    free(job);
    free(where);
    return st;
}

static enum action_status stop(struct ctx *c) {
    const struct action_target *t = c->t;
    struct action_plan *o = c->out;
    char *job = job_words(t), *where = where_words(t);
    const char *dir = target_dir(c);
    enum action_status st;
    if (t->kind == TARGET_OPERATOR) {
        st = check_operator(c);
        if (st != ACTION_OK)
            goto out;
        if (t->job_state && strcmp(t->job_state, "suspended") == 0) {
            st = fail(c, ACTION_UNSUPPORTED, "%s is already suspended", job);
            goto out;
        }
        cJSON *jobo;
        cJSON *spec = job_spec(&jobo);
        cJSON_AddStringToObject(jobo, "upgradeMode", "savepoint");
        cJSON_AddStringToObject(jobo, "state", "suspended");
        operator_patch(c, spec);
        o->want_suspended = true;
        bool mode_changes = t->upgrade_mode && strcmp(t->upgrade_mode, "savepoint") != 0;
        set_effect(c,
                   "Stop %s %s with a savepoint: the operator takes a savepoint, then "
                   "suspends the job%s%s%s.",
                   job, where, mode_changes ? " (upgradeMode changes from " : "",
                   mode_changes ? t->upgrade_mode : "", mode_changes ? " to savepoint)" : "");
    } else {
        st = plain_trigger(c, dir, "stop", "targetDirectory", "drain");
        if (st != ACTION_OK)
            goto out;
        set_effect(c, "Stop %s %s with a savepoint into %s; the job ends FINISHED.", job, where,
                   dir);
    }
    cJSON *params = cJSON_CreateObject();
    if (dir)
        cJSON_AddStringToObject(params, "targetDirectory", dir);
    set_params(c, params);
out:
    free(job);
    free(where);
    return st;
}

static enum action_status suspend(struct ctx *c) {
    const struct action_target *t = c->t;
    char *job = job_words(t), *where = where_words(t);
    enum action_status st;
    if (t->kind != TARGET_OPERATOR) {
        st = fail(c, ACTION_UNSUPPORTED,
                  "suspend needs the operator: a plain cluster's job can be cancelled");
        goto out;
    }
    st = check_operator(c);
    if (st != ACTION_OK)
        goto out;
    if (t->job_state && strcmp(t->job_state, "suspended") == 0) {
        st = fail(c, ACTION_UNSUPPORTED, "%s is already suspended", job);
        goto out;
    }
    cJSON *jobo;
    cJSON *spec = job_spec(&jobo);
    cJSON_AddStringToObject(jobo, "state", "suspended");
    operator_patch(c, spec);
    c->out->want_suspended = true;
    const char *mode = t->upgrade_mode ? t->upgrade_mode : "";
    const char *how = strcmp(mode, "savepoint") == 0    ? "a savepoint is taken first"
                      : strcmp(mode, "last-state") == 0 ? "its last checkpoint is kept"
                      : strcmp(mode, "stateless") == 0  ? "its state is discarded"
                                                        : "its upgradeMode decides how";
    set_effect(c, "Suspend %s %s (upgradeMode %s: %s).", job, where,
               t->upgrade_mode ? t->upgrade_mode : "unknown", how);
    set_params(c, cJSON_CreateObject());
out:
    free(job);
    free(where);
    return st;
}

static enum action_status cancel(struct ctx *c) {
    const struct action_target *t = c->t;
    char *job = job_words(t), *where = where_words(t);
    enum action_status st;
    if (t->kind == TARGET_OPERATOR) {
        st = fail(c, ACTION_UNSUPPORTED,
                  "an operator-managed job is suspended, not cancelled: its upgradeMode "
                  "decides what happens to its state");
        goto out;
    }
    st = check_plain(c);
    if (st != ACTION_OK)
        goto out;
    struct action_plan *o = c->out;
    o->method = "PATCH";
    o->path = xasprintf("/jobs/%s?mode=cancel", t->job_id);
    o->follow = OP_FOLLOW_JOB;
    o->follow_path = xasprintf("/jobs/%s", t->job_id);
    o->want_job_state = "CANCELED";
    set_effect(c,
               "Cancel %s %s without a savepoint: its state since the last checkpoint is "
               "lost.",
               job, where);
    set_params(c, cJSON_CreateObject());
out:
    free(job);
    free(where);
    return st;
}

static enum action_status rescale(struct ctx *c) {
    const struct action_target *t = c->t;
    struct action_plan *o = c->out;
    int n = c->p ? c->p->parallelism : 0;
    char *job = job_words(t), *where = where_words(t);
    enum action_status st = ACTION_OK;
    if (n < 1) {
        st = fail(c, ACTION_BAD_PARAM, "the parallelism must be a whole number of at least 1");
        goto out;
    }
    if (t->max_parallelism > 0 && n > t->max_parallelism) {
        st = fail(c, ACTION_BAD_PARAM,
                  "the parallelism must be between 1 and %d (the job's "
                  "maxParallelism)",
                  t->max_parallelism);
        goto out;
    }
    if (t->parallelism > 0 && n == t->parallelism) {
        st = fail(c, ACTION_BAD_PARAM, "%s already runs at parallelism %d", job, n);
        goto out;
    }
    char from[32] = "";
    if (t->parallelism > 0)
        snprintf(from, sizeof from, " from %d", t->parallelism);
    if (t->kind == TARGET_OPERATOR) {
        st = check_operator(c);
        if (st != ACTION_OK)
            goto out;
        cJSON *jobo;
        cJSON *spec = job_spec(&jobo);
        cJSON_AddNumberToObject(jobo, "parallelism", n);
        operator_patch(c, spec);
        set_effect(c, "Rescale %s %s%s to parallelism %d: the operator upgrades the job.", job,
                   where, from, n);
    } else {
        st = check_plain(c);
        if (st != ACTION_OK)
            goto out;
        if (!t->resource_requirements || t->n_vertices == 0) {
            st =
                fail(c, ACTION_UNSUPPORTED, "rescale needs the operator or the adaptive scheduler");
            goto out;
        }
        cJSON *body = cJSON_CreateObject();
        for (size_t i = 0; i < t->n_vertices; i++) {
            if (!hex_id(t->vertex_ids[i])) {
                cJSON_Delete(body);
                st = fail(c, ACTION_UNKNOWN_STATE, "the job's vertex ids are not known");
                goto out;
            }
            cJSON *par = cJSON_AddObjectToObject(cJSON_AddObjectToObject(body, t->vertex_ids[i]),
                                                 "parallelism");
            cJSON_AddNumberToObject(par, "lowerBound", 1);
            cJSON_AddNumberToObject(par, "upperBound", n);
        }
        o->method = "PUT";
        o->path = xasprintf("/jobs/%s/resource-requirements", t->job_id);
        o->content_type = JSON;
        o->body = print(body);
        o->follow = OP_FOLLOW_JOB;
        o->follow_path = xasprintf("/jobs/%s", t->job_id);
        o->want_parallelism = n;
        cJSON_Delete(body);
        set_effect(c,
                   "Rescale %s %s%s to parallelism %d: the adaptive scheduler restarts it "
                   "with up to %d subtasks a vertex, as slots allow.",
                   job, where, from, n, n);
    }
    cJSON *params = cJSON_CreateObject();
    cJSON_AddNumberToObject(params, "parallelism", n);
    if (t->parallelism > 0)
        cJSON_AddNumberToObject(params, "from", t->parallelism);
    set_params(c, params);
out:
    free(job);
    free(where);
    return st;
}

/* RFC 3339 UTC, seconds, as kubectl rollout restart writes it. */
static void rfc3339(char *buf, size_t size, int64_t ms) {
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static enum action_status restart(struct ctx *c) {
    const struct action_target *t = c->t;
    struct action_plan *o = c->out;
    char *job = job_words(t), *where = where_words(t);
    enum action_status st = ACTION_OK;
    cJSON *params = cJSON_CreateObject();
    if (t->kind == TARGET_OPERATOR) {
        st = check_operator(c);
        if (st != ACTION_OK)
            goto out;
        int64_t nonce = next_nonce(t->restart_nonce, c->now_ms);
        cJSON *spec = cJSON_CreateObject();
        cJSON_AddNumberToObject(spec, "restartNonce", (double)nonce);
        operator_patch(c, spec);
        cJSON_AddNumberToObject(params, "restartNonce", (double)nonce);
        set_effect(c,
                   "Restart %s %s: the operator redeploys it the way its upgradeMode (%s) "
                   "says.",
                   job, where, t->upgrade_mode ? t->upgrade_mode : "unknown");
    } else if (t->deployment && t->deployment[0]) {
        if (!dns_name(t->ns, K8S_NS_MAX, false)) {
            st = fail(c, ACTION_UNKNOWN_STATE,
                      "the namespace of Deployment %s is not known: set namespace in the config",
                      t->deployment);
            goto out;
        }
        if (!dns_name(t->deployment, K8S_NAME_MAX, true)) {
            st = fail(c, ACTION_BAD_PARAM, "%s is not a valid Deployment name", t->deployment);
            goto out;
        }
        char ts[32];
        rfc3339(ts, sizeof ts, c->now_ms);
        cJSON *root = cJSON_CreateObject();
        cJSON *ann = cJSON_AddObjectToObject(
            cJSON_AddObjectToObject(
                cJSON_AddObjectToObject(cJSON_AddObjectToObject(root, "spec"), "template"),
                "metadata"),
            "annotations");
        cJSON_AddStringToObject(ann, "kubectl.kubernetes.io/restartedAt", ts);
        o->api_server = true;
        o->method = "PATCH";
        o->path = xasprintf("/apis/apps/v1/namespaces/%s/deployments/%s", t->ns, t->deployment);
        o->content_type = MERGE_PATCH;
        o->body = print(root);
        o->show_json = xstrdup(o->body);
        o->follow = OP_FOLLOW_DEPLOYMENT; /* until the new pods are all up */
        o->follow_path = xstrdup(o->path);
        cJSON_Delete(root);
        cJSON_AddStringToObject(params, "deployment", t->deployment);
        cJSON_AddStringToObject(params, "restartedAt", ts);
        set_effect(c,
                   "Restart the pods of Deployment %s in namespace %s (%s), as kubectl "
                   "rollout restart does: running jobs restart from their last checkpoint "
                   "when HA is set up.",
                   t->deployment, t->ns, t->cluster ? t->cluster : "cluster unnamed");
    } else {
        st = fail(c, ACTION_UNSUPPORTED,
                  "restart needs the operator, or a standalone Deployment named in the config "
                  "(deployment: NAME)");
    }
out:
    if (st == ACTION_OK)
        set_params(c, params);
    else
        cJSON_Delete(params);
    free(job);
    free(where);
    return st;
}

static enum action_status redeploy(struct ctx *c) {
    const struct action_target *t = c->t;
    char *job = job_words(t), *where = where_words(t);
    const char *path = c->p ? c->p->savepoint_path : NULL;
    enum action_status st;
    if (t->kind != TARGET_OPERATOR) {
        st = fail(c, ACTION_UNSUPPORTED,
                  "redeploy from a savepoint needs the operator: on a "
                  "plain cluster, submit the job again with -s PATH");
        goto out;
    }
    st = check_operator(c);
    if (st != ACTION_OK)
        goto out;
    if (path == NULL || path[0] == '\0') {
        st = fail(c, ACTION_NEED_INPUT, "choose a savepoint or checkpoint to redeploy from");
        goto out;
    }
    int64_t nonce = next_nonce(t->savepoint_redeploy_nonce, c->now_ms);
    cJSON *jobo;
    cJSON *spec = job_spec(&jobo);
    cJSON_AddStringToObject(jobo, "initialSavepointPath", path);
    cJSON_AddNumberToObject(jobo, "savepointRedeployNonce", (double)nonce);
    operator_patch(c, spec);
    set_effect(c,
               "Redeploy %s %s from %s: its current state is dropped and there is no "
               "rollback.",
               job, where, path);
    cJSON *params = cJSON_CreateObject();
    cJSON_AddStringToObject(params, "savepointPath", path);
    cJSON_AddNumberToObject(params, "savepointRedeployNonce", (double)nonce);
    set_params(c, params);
out:
    free(job);
    free(where);
    return st;
}

static enum action_status apply_profile(struct ctx *c) {
    const struct action_target *t = c->t;
    const struct profile_diff *d = c->p ? c->p->diff : NULL;
    char *job = job_words(t), *where = where_words(t);
    enum action_status st;
    if (t->kind != TARGET_OPERATOR) {
        st = fail(c, ACTION_UNSUPPORTED,
                  "applying a profile needs the operator: a plain "
                  "cluster's configuration is in its own files");
        goto out;
    }
    st = check_operator(c);
    if (st != ACTION_OK)
        goto out;
    if (d == NULL) {
        st = fail(c, ACTION_NEED_INPUT, "choose a profile");
        goto out;
    }
    const char *name = c->p->profile_name ? c->p->profile_name : d->profile;
    if (d->len == 0) {
        st = fail(c, ACTION_UNSUPPORTED, "profile %s changes nothing on %s", name ? name : "?",
                  t->name);
        goto out;
    }
    struct action_plan *o = c->out;
    o->api_server = true;
    o->method = "PATCH";
    o->path = resource_path(t);
    o->content_type = MERGE_PATCH;
    o->body = profile_patch_body(d, t->resource_version, t->conf_raw);
    o->show_json = xstrdup(o->body);
    o->follow = OP_FOLLOW_RESOURCE;
    o->follow_path = resource_path(t);
    set_effect(c,
               "Apply profile %s to %s %s: %zu added, %zu changed, %zu removed; the "
               "operator upgrades the job.",
               name ? name : "?", job, where, d->added, d->changed, d->removed);
    cJSON *params = cJSON_CreateObject();
    if (name)
        cJSON_AddStringToObject(params, "profile", name);
    cJSON_AddNumberToObject(params, "added", (double)d->added);
    cJSON_AddNumberToObject(params, "changed", (double)d->changed);
    cJSON_AddNumberToObject(params, "removed", (double)d->removed);
    set_params(c, params);
out:
    free(job);
    free(where);
    return st;
}

enum action_status action_plan_build(enum action a, const struct action_target *t,
                                     const struct action_params *p, struct action_plan *out,
                                     char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    out->action = a;
    if (err && errlen)
        err[0] = '\0';
    struct ctx c = {a, t, p, out, err, errlen, p && p->now_ms > 0 ? p->now_ms : clock_wall_ms()};
    enum action_status st;
    switch (a) {
    case ACT_SAVEPOINT:
        st = savepoint(&c);
        break;
    case ACT_STOP:
        st = stop(&c);
        break;
    case ACT_SUSPEND:
        st = suspend(&c);
        break;
    case ACT_CANCEL:
        st = cancel(&c);
        break;
    case ACT_RESCALE:
        st = rescale(&c);
        break;
    case ACT_RESTART:
        st = restart(&c);
        break;
    case ACT_REDEPLOY:
        st = redeploy(&c);
        break;
    case ACT_PROFILE:
        st = apply_profile(&c);
        break;
    default:
        st = fail(&c, ACTION_UNSUPPORTED, "unknown action");
        break;
    }
    if (st != ACTION_OK) {
        action_plan_free(out);
        out->action = a;
    }
    return st;
}

/* ---- the answers --------------------------------------------------------------------- */

enum fa_status action_parse_trigger(const char *body, size_t len, char id[33], char *err,
                                    size_t errlen) {
    id[0] = '\0';
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    json_doc_copy_hex_id(id, json_get_string_ref(root, "request-id"));
    cJSON_Delete(root);
    if (id[0] == '\0') {
        json_doc_set_err(err, errlen, "the answer carried no request-id");
        return FA_SHAPE;
    }
    return FA_OK;
}

/* The first line of a Java stack trace, else the class; owned, sanitised, capped. */
static char *cause_line(const cJSON *cause) {
    const char *trace = json_get_string_ref(cause, "stack-trace");
    const char *cls = json_get_string_ref(cause, "class");
    if (trace && trace[0]) {
        size_t n = strcspn(trace, "\r\n");
        if (n > CAUSE_MAX)
            n = CAUSE_MAX;
        while (n > 0 && n < strlen(trace) && ((unsigned char)trace[n] & 0xC0) == 0x80)
            n--;
        return sanitize_strndup(trace, n);
    }
    if (cls && cls[0])
        return sanitize_strdup(cls);
    return xstrdup("no cause given");
}

enum fa_status action_parse_trigger_status(const char *body, size_t len, struct trigger_status *out,
                                           char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    const char *id = json_get_string_ref(status, "id");
    if (id == NULL) {
        json_doc_set_err(err, errlen, "the answer carried no status.id");
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    if (strcmp(id, "IN_PROGRESS") == 0) {
        out->state = TRIGGER_IN_PROGRESS;
    } else if (strcmp(id, "COMPLETED") == 0) {
        const cJSON *op = cJSON_GetObjectItemCaseSensitive(root, "operation");
        const char *loc = json_get_string_ref(op, "location");
        const cJSON *cause = cJSON_GetObjectItemCaseSensitive(op, "failure-cause");
        if (cause == NULL) /* checkpoints spell it failureCause */
            cause = cJSON_GetObjectItemCaseSensitive(op, "failureCause");
        if (loc && loc[0]) {
            out->state = TRIGGER_COMPLETED;
            out->location = sanitize_strdup(loc);
        } else if (cJSON_IsObject(cause)) {
            out->state = TRIGGER_FAILED;
            out->cause = cause_line(cause);
        } else {
            out->state = TRIGGER_FAILED;
            out->cause = xstrdup("completed without a location");
        }
    } else {
        out->state = TRIGGER_UNKNOWN;
    }
    cJSON_Delete(root);
    return FA_OK;
}

void action_trigger_status_free(struct trigger_status *s) {
    free(s->location);
    free(s->cause);
    memset(s, 0, sizeof *s);
}
