#include "sim_operator.h"

#include "sim_actions.h"
#include "sim_k8s.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a spec change does. */
enum {
    CYCLE_UPGRADE = 1u << 0, /* the cluster is redeployed (or deployed again after a suspend) */
    CYCLE_SUSPEND = 1u << 1, /* running -> suspended */
};

/* The operator's own texts (AbstractFlinkResourceReconciler, ConditionUtils). */
#define MSG_SUSPENDED "Suspending existing deployment."
#define MSG_ROLLBACK "Rolling back failed deployment."
#define MSG_SUBMIT "Starting deployment"

static cJSON *obj(const cJSON *o, const char *key) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const char *str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static bool str_is(const char *a, const char *b) { return a != NULL && strcmp(a, b) == 0; }

/* Whether key of a and b (either may be NULL) differ. */
static bool differs(const cJSON *a, const cJSON *b, const char *key) {
    const cJSON *x = a != NULL ? cJSON_GetObjectItemCaseSensitive(a, key) : NULL;
    const cJSON *y = b != NULL ? cJSON_GetObjectItemCaseSensitive(b, key) : NULL;
    if (x == NULL || y == NULL)
        return x != y;
    return !cJSON_Compare(x, y, true);
}

static bool is_suspended(const cJSON *spec) {
    return str_is(str(obj(spec, "job"), "state"), "suspended");
}

/* lastReconciledSpec / lastStableSpec as the operator serialises them: owned JSON text.
 * first: the resource's first deployment (resource_metadata.firstDeployment). */
static char *wrap_spec_as(const cJSON *spec, double generation, bool first) {
    cJSON *w = cJSON_CreateObject();
    cJSON_AddItemToObject(w, "spec", cJSON_Duplicate(spec, true));
    cJSON *rm = cJSON_AddObjectToObject(w, "resource_metadata");
    cJSON_AddStringToObject(rm, "apiVersion", "flink.apache.org/v1beta1");
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(rm, "metadata"), "generation", generation);
    cJSON_AddBoolToObject(rm, "firstDeployment", first);
    char *out = cJSON_PrintUnformatted(w);
    cJSON_Delete(w);
    return out;
}

static char *wrap_spec(const cJSON *spec, double generation) {
    return wrap_spec_as(spec, generation, false);
}

/* The simulated registry has an image when its name says flink and its tag is a version. */
static bool image_exists(const char *image) {
    if (image == NULL)
        return true;
    const char *slash = strrchr(image, '/');
    const char *colon = strrchr(slash != NULL ? slash : image, ':');
    if (strstr(image, "flink") == NULL)
        return false;
    return colon == NULL || (colon[1] >= '0' && colon[1] <= '9');
}

void sim_operator_init(struct sim_operator_state *o, const cJSON *spec, double generation,
                       const char *base) {
    memset(o, 0, sizeof *o);
    o->seen_spec = cJSON_Duplicate(spec, true);
    o->reconciled = wrap_spec(spec, generation);
    o->stable = wrap_spec(spec, generation);
    o->stable_spec = cJSON_Duplicate(spec, true);
    o->base = base;
    o->before = base;
    o->observed = generation;
    o->target = generation;
    o->suspended = is_suspended(spec);
    o->was_up = !o->suspended;
    o->jm_before = o->suspended ? "MISSING" : "READY";
    o->step = SIM_ACTIONS_DEFAULT_STEP_MS;
}

static void free_deploys(struct sim_operator_state *o) {
    for (size_t i = 0; i < 2; i++) {
        free(o->dep[i].image);
        memset(&o->dep[i], 0, sizeof o->dep[i]);
    }
}

void sim_operator_free(struct sim_operator_state *o) {
    cJSON_Delete(o->seen_spec);
    free(o->reconciled);
    free(o->pending);
    free(o->stable);
    cJSON_Delete(o->stable_spec);
    free(o->stable_next);
    cJSON_Delete(o->stable_next_spec);
    free(o->image_before);
    free_deploys(o);
    free(o->last_savepoint);
    free(o->upgrade_path);
    free(o->error_msg);
    for (size_t i = 0; i < o->n_snaps; i++)
        free(o->snap_path[i]);
    for (size_t i = 0; i < SIM_OPERATOR_EVENTS; i++) {
        free(o->events[i].object);
        free(o->events[i].message);
    }
    memset(o, 0, sizeof *o);
}

static void add_event(struct sim_operator_state *o, const char *kind, const char *object,
                      const char *type, const char *reason, const char *component,
                      const char *message, int64_t at) {
    struct sim_operator_event *e;
    if (o->n_events == SIM_OPERATOR_EVENTS) {
        e = &o->events[o->first_event];
        o->first_event = (o->first_event + 1) % SIM_OPERATOR_EVENTS;
    } else {
        e = &o->events[(o->first_event + o->n_events) % SIM_OPERATOR_EVENTS];
        o->n_events++;
    }
    free(e->object);
    free(e->message);
    snprintf(e->kind, sizeof e->kind, "%s", kind);
    e->object = xstrdup(object);
    snprintf(e->type, sizeof e->type, "%s", type);
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    snprintf(e->component, sizeof e->component, "%s", component);
    e->message = xstrdup(message);
    e->at = at;
}

static void fd_event(struct sim_operator_state *o, const char *name, const char *type,
                     const char *reason, const char *component, const char *message, int64_t at) {
    add_event(o, "FlinkDeployment", name, type, reason, component, message, at);
}

/* ---- the cluster over the cycle ------------------------------------------------------ */

/* The JobManager pod of deployment number gen (0 = the original, named base): a new
 * ReplicaSet pod suffix each time. Writes into out. */
static void jm_name(const char *base, unsigned gen, char *out, size_t n) {
    const char *dash = strrchr(base, '-');
    if (gen == 0 || dash == NULL) {
        snprintf(out, n, "%s", base);
        return;
    }
    char sfx[6];
    sim_k8s_suffix(sfx, sizeof sfx, base, 100 + gen);
    snprintf(out, n, "%.*s-%s", (int)(dash - base), base, sfx);
}

struct view {
    bool jm, jm_ready, tms, service;
    unsigned gen;        /* 0 = the original deployment: pods as rendered */
    int64_t since;       /* its pods' creation (gen > 0) */
    int64_t tms_since;   /* its task managers' */
    const char *image;   /* what the pods run; NULL = as rendered */
    const char *waiting; /* the JobManager container's waiting reason, NULL = running */
    const char *jm_status;
    bool error; /* the deployment failed (status.error) */
};

static struct view view_at(const struct sim_operator_state *o, int64_t now) {
    struct view v = {0};
    int64_t s = o->step;
    bool deleted = o->down_at > 0 && now >= o->down_at;
    bool deployed = o->dep[0].deploy_at > 0 && now >= o->dep[0].deploy_at;
    if (!deleted && !deployed) {
        v.jm = v.jm_ready = v.tms = v.service = o->was_up;
        v.gen = o->gen_before;
        v.since = v.tms_since = o->since_before;
        v.image = o->image_before;
        v.jm_status = o->jm_before;
        return v;
    }
    size_t d = o->rollback_at > 0 && now >= o->rollback_at ? 1 : 0;
    const struct sim_operator_deploy *dp = &o->dep[d];
    v.gen = o->gen_before + 1 + (unsigned)d;
    v.jm_status = "MISSING";
    if (dp->deploy_at == 0 || now < dp->deploy_at)
        return v; /* deleted, not deployed again (yet) */
    v.jm = v.service = true;
    v.since = dp->deploy_at;
    v.image = dp->image;
    if (dp->bad_image) {
        bool backoff = now >= dp->deploy_at + s;
        v.waiting = backoff ? "ImagePullBackOff" : "ErrImagePull";
        v.jm_status = backoff ? "ERROR" : "DEPLOYING";
        v.error = backoff;
        return v;
    }
    if (now < dp->deploy_at + s) {
        v.waiting = "ContainerCreating";
        v.jm_status = "DEPLOYING";
    } else if (dp->ready_at == 0 || now < dp->ready_at) {
        v.jm_status = "DEPLOYED_NOT_READY";
    } else {
        v.jm_ready = v.tms = true;
        v.tms_since = dp->ready_at;
        v.jm_status = "READY";
    }
    return v;
}

static const char *lifecycle_at(const struct sim_operator_state *o, int64_t now,
                                const char **recon) {
    *recon = "DEPLOYED";
    if (o->cycle_at == 0)
        return o->suspended ? "SUSPENDED" : o->base;
    if (now < o->cycle_at + o->step) {
        if (o->created) /* not reconciled yet: the status' defaults */
            *recon = "UPGRADING";
        return o->before;
    }
    if (o->go_at == INT64_MAX) { /* every savepoint attempt failed: it stays upgrading */
        *recon = "UPGRADING";
        return "UPGRADING";
    }
    if (o->cycle & CYCLE_SUSPEND) {
        if (o->down_at > 0 && now < o->down_at) {
            *recon = "UPGRADING";
            return "UPGRADING";
        }
        return "SUSPENDED";
    }
    if (o->rollback_at > 0 && now >= o->rollback_at) {
        *recon = now < o->dep[1].deploy_at ? "ROLLING_BACK" : "ROLLED_BACK";
        return *recon;
    }
    if (now < o->dep[0].deploy_at) {
        *recon = "UPGRADING";
        return "UPGRADING";
    }
    if (o->dep[0].stable_at > 0 && now >= o->dep[0].stable_at)
        return "STABLE";
    return "DEPLOYED";
}

char *sim_operator_savepoint_dir(const struct sim_cluster *c, const cJSON *spec) {
    const cJSON *conf = obj(spec, "flinkConfiguration");
    const char *dir = str(conf, "state.savepoints.dir");
    if (dir == NULL)
        dir = str(conf, "execution.checkpointing.savepoint-dir");
    if (dir != NULL && dir[0] != '\0')
        return xstrdup(dir);
    char *d = sim_actions_savepoint_dir(c);
    return d != NULL ? d : xasprintf("s3://flink-%s/savepoints", c->name);
}

static const struct sim_savepoint_op *start_savepoint(struct sim_operator_state *o,
                                                      struct sim_model *m, struct sim_cluster *c,
                                                      struct sim_job *j, const cJSON *spec,
                                                      int64_t at, bool upgrade) {
    char *dir = sim_operator_savepoint_dir(c, spec);
    int fail = upgrade ? 0 : -1;
    if (m->forced_savepoint_failures > 0) {
        m->forced_savepoint_failures--;
        fail = 1;
    }
    /* An upgrade stops the job with its savepoint (stop-with-savepoint, no drain). */
    const struct sim_savepoint_op *op =
        sim_actions_savepoint(c, j, at, dir, NULL, upgrade, false, fail);
    free(dir);
    if (op == NULL)
        return NULL;
    snprintf(o->sp_trigger, sizeof o->sp_trigger, "%s", op->trigger);
    o->sp_upgrade = upgrade;
    o->sp_recorded = false;
    o->sp_started = at;
    const cJSON *nonce =
        cJSON_GetObjectItemCaseSensitive(obj(spec, "job"), "savepointTriggerNonce");
    o->sp_has_nonce = !upgrade && cJSON_IsNumber(nonce);
    o->sp_nonce = o->sp_has_nonce ? nonce->valuedouble : 0;
    return op;
}

/* The operator retries a failed reconcile with a growing delay (JOSDK's retry:
 * kubernetes.operator.retry.initial.interval 5 s, times 2 each attempt, 15 attempts). */
#define RETRY_FIRST_MS 5000
#define RETRY_ATTEMPTS 15

/* An upgrade's stop-with-savepoint from p on. One that fails (/_sim/savepoints/fail: the
 * next N savepoints fail, taken as the attempts are planned) leaves the job running on
 * the old spec: the reconcile fails (a ClusterDeploymentException event, status.error)
 * and is retried; the upgrade goes on from the first attempt that succeeds (go_at), or
 * never (go_at INT64_MAX, NULL returned). Returns the savepoint that succeeds. */
static const struct sim_savepoint_op *upgrade_savepoint(struct sim_operator_state *o,
                                                        struct sim_model *m, struct sim_cluster *c,
                                                        struct sim_job *j, const char *name,
                                                        const cJSON *spec, int64_t p) {
    int64_t at = p, delay = RETRY_FIRST_MS;
    for (int attempt = 0; attempt < RETRY_ATTEMPTS; attempt++) {
        const struct sim_savepoint_op *op = start_savepoint(o, m, c, j, spec, at, true);
        if (op == NULL)
            break;
        if (op->planned_cause == NULL) {
            if (attempt > 0) {
                o->go_at = at;
                o->error_until = at;
            }
            return op;
        }
        if (o->error_msg == NULL) {
            o->error_msg = xasprintf("java.util.concurrent.ExecutionException: "
                                     "org.apache.flink.runtime.checkpoint.CheckpointException: %s",
                                     op->planned_cause);
            o->error_from = op->done_at;
        }
        fd_event(o, name, "Warning", "ClusterDeploymentException", "JobManagerDeployment",
                 o->error_msg, op->done_at);
        at = op->done_at + delay;
        delay *= 2;
    }
    o->go_at = INT64_MAX;
    o->error_until = INT64_MAX;
    return NULL;
}

/* "path : old -> new" for every leaf that differs, comma separated, into out. */
static void diff_leaves(const cJSON *a, const cJSON *b, const char *path, char *out, size_t n) {
    if (cJSON_IsObject(a) && cJSON_IsObject(b)) {
        const cJSON *x;
        cJSON_ArrayForEach(x, a) {
            char *p = path[0] != '\0' ? xasprintf("%s.%s", path, x->string) : xstrdup(x->string);
            diff_leaves(x, cJSON_GetObjectItemCaseSensitive(b, x->string), p, out, n);
            free(p);
        }
        cJSON_ArrayForEach(x, b) {
            if (cJSON_GetObjectItemCaseSensitive(a, x->string) != NULL)
                continue;
            char *p = path[0] != '\0' ? xasprintf("%s.%s", path, x->string) : xstrdup(x->string);
            diff_leaves(NULL, x, p, out, n);
            free(p);
        }
        return;
    }
    if (a != NULL && b != NULL && cJSON_Compare(a, b, true))
        return;
    char *va = a != NULL ? cJSON_PrintUnformatted(a) : xstrdup("null");
    char *vb = b != NULL ? cJSON_PrintUnformatted(b) : xstrdup("null");
    size_t len = strlen(out);
    if (len + 1 < n)
        snprintf(out + len, n - len, "%s%s : %s -> %s", len > 0 ? ", " : "", path, va, vb);
    free(va);
    free(vb);
}

/* Folds what the cluster is at now into the "before" of a new cycle. */
static void fold(struct sim_operator_state *o, int64_t now) {
    struct view v = view_at(o, now);
    const char *recon;
    o->before = lifecycle_at(o, now, &recon);
    o->was_up = v.jm;
    o->gen_before = v.gen;
    o->since_before = v.since;
    char *img = v.image != NULL ? xstrdup(v.image) : NULL;
    free(o->image_before);
    o->image_before = img;
    o->jm_before = v.jm_status;
    o->down_at = o->rollback_at = 0;
    o->go_at = o->error_from = o->error_until = 0;
    free(o->error_msg);
    o->error_msg = NULL;
    free_deploys(o);
    o->rolling_back = false;
    o->created = false; /* a later cycle starts from a deployed cluster */
}

static void promote(struct sim_operator_state *o, int64_t now) {
    if (o->pending != NULL && now >= o->pending_at) {
        free(o->reconciled);
        o->reconciled = o->pending;
        o->pending = NULL;
    }
    if (o->stable_next != NULL && o->stable_next_at > 0 && now >= o->stable_next_at) {
        free(o->stable);
        cJSON_Delete(o->stable_spec);
        o->stable = o->stable_next;
        o->stable_spec = o->stable_next_spec;
        o->stable_next = NULL;
        o->stable_next_spec = NULL;
    }
}

static bool rollback_enabled(const cJSON *spec) {
    const char *v =
        str(obj(spec, "flinkConfiguration"), "kubernetes.operator.deployment.rollback.enabled");
    return v != NULL && strcmp(v, "true") == 0;
}

void sim_operator_spec_changed(struct sim_operator_state *o, struct sim_model *m,
                               struct sim_cluster *c, struct sim_job *j, const char *name,
                               const char *jm_pod, const cJSON *spec, double generation,
                               int64_t now) {
    o->step = c->actions.step_ms;
    int64_t s = o->step, p = now + s;
    promote(o, now);
    const cJSON *old = o->seen_spec;
    const cJSON *old_job = obj(old, "job"), *new_job = obj(spec, "job");
    /* observedGeneration and lastReconciledSpec follow when the operator picks it up */
    o->observed = now >= o->target_at ? o->target : o->observed;
    o->target = generation;
    o->target_at = p;
    free(o->pending);
    o->pending = wrap_spec(spec, generation);
    o->pending_at = p;

    bool was_suspended = o->suspended;
    bool suspended = is_suspended(spec);
    bool rescale = differs(old_job, new_job, "parallelism");
    bool redeploy = differs(old_job, new_job, "savepointRedeployNonce") &&
                    str(new_job, "initialSavepointPath") != NULL;
    bool savepoint =
        differs(old_job, new_job, "savepointTriggerNonce") &&
        cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(new_job, "savepointTriggerNonce"));
    /* Anything else in the spec (restartNonce, configuration, image, resources) upgrades. */
    cJSON *a = cJSON_Duplicate(old, true), *b = cJSON_Duplicate(spec, true);
    static const char *const job_keys[] = {"parallelism", "state", "savepointTriggerNonce",
                                           "upgradeMode"};
    for (size_t i = 0; i < sizeof job_keys / sizeof job_keys[0]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj(a, "job"), job_keys[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(obj(b, "job"), job_keys[i]);
    }
    bool other = !cJSON_Compare(a, b, true);
    cJSON_Delete(a);
    cJSON_Delete(b);
    bool suspend = suspended && !was_suspended;
    bool upgrade = !suspended && (rescale || redeploy || other || was_suspended);

    char diff[512] = "";
    diff_leaves(old, spec, "", diff, sizeof diff);
    /* the default parallelism goes to the vertices that follow it (those without their own) */
    int par[SIM_ACTION_MAX_VERTICES] = {0};
    const cJSON *op_old = cJSON_GetObjectItemCaseSensitive(old_job, "parallelism");
    const cJSON *op_new = cJSON_GetObjectItemCaseSensitive(new_job, "parallelism");
    if (rescale && j != NULL && cJSON_IsNumber(op_new) && op_new->valuedouble >= 1) {
        int n = op_new->valuedouble > 128 ? 128 : (int)op_new->valuedouble;
        for (size_t v = 0; v < j->n_vertices && v < SIM_ACTION_MAX_VERTICES; v++)
            if (!cJSON_IsNumber(op_old) || j->vertices[v].parallelism == (int)op_old->valuedouble)
                par[v] = n;
    }
    cJSON *old_copy = o->seen_spec;
    o->seen_spec = cJSON_Duplicate(spec, true);

    if (!upgrade && !suspend) {
        cJSON_Delete(old_copy);
        o->suspended = suspended;
        if (savepoint && j != NULL && !suspended)
            start_savepoint(o, m, c, j, spec, p, false);
        return; /* a savepoint trigger, or a change to a suspended deployment */
    }
    char *msg = xasprintf("%s change(s) detected (Diff: FlinkDeploymentSpec[%s]), starting "
                          "reconciliation.",
                          redeploy ? "SAVEPOINT_REDEPLOY" : "UPGRADE", diff);
    fd_event(o, name, "Normal", "SpecChanged", "Operator", msg, p);
    free(msg);

    /* A new cycle starts from the cluster as it is now. */
    fold(o, now);
    snprintf(o->jid_before, sizeof o->jid_before, "%s", j != NULL ? j->jid : "");
    o->suspended = suspended;
    o->cycle_at = now;
    o->cycle = suspend ? CYCLE_SUSPEND : CYCLE_UPGRADE;
    const char *mode = str(new_job, "upgradeMode");
    if (mode == NULL)
        mode = "stateless";
    bool stateless = redeploy || strcmp(mode, "stateless") == 0;
    bool by_savepoint = !redeploy && strcmp(mode, "savepoint") == 0;
    bool last_state = !redeploy && strcmp(mode, "last-state") == 0;

    /* Stop the job and delete the cluster (when it runs). */
    struct sim_redeploy rd = {0};
    const char *restore = NULL;
    if (o->was_up) {
        fd_event(o, name, "Normal", "Suspended", "JobManagerDeployment", MSG_SUSPENDED, p);
        const struct sim_savepoint_op *op = NULL;
        if (by_savepoint && j != NULL && j->state == SIM_JOB_RUNNING)
            op = upgrade_savepoint(o, m, c, j, name, spec, p);
        if (o->go_at == INT64_MAX) { /* every attempt failed: the cluster stays as it is */
            cJSON_Delete(old_copy);
            return;
        }
        if (op != NULL) {
            o->down_at = op->done_at;
            restore = op->location;
        } else if (stateless && j != NULL && !sim_job_state_is_terminal(j->state)) {
            rd.cancel_at = p;
            o->down_at = p + s;
        } else {
            o->down_at = p; /* last-state: the JobManager goes, HA keeps the job */
        }
        if (j != NULL && (op != NULL || rd.cancel_at > 0)) {
            char *m2 = xasprintf("Job status changed from RUNNING to %s",
                                 op != NULL ? "FINISHED" : "CANCELED");
            fd_event(o, name, "Normal", "JobStatusChanged", "Job", m2, o->down_at);
            free(m2);
        }
        c->actions.down_from = o->down_at;
        c->actions.up_at = 0;
    } else if (c->actions.down_from == 0) {
        c->actions.down_from = now;
    }
    rd.down_at = o->was_up ? o->down_at : p;
    if (suspend) {
        if (j != NULL)
            sim_actions_redeploy(c, j, &rd);
        cJSON_Delete(old_copy);
        return;
    }

    /* Deploy the new spec. */
    if (by_savepoint && restore == NULL)
        restore = o->upgrade_path; /* resuming: from the suspend's savepoint */
    if (redeploy)
        restore = str(new_job, "initialSavepointPath");
    const char *image = str(spec, "image");
    struct sim_operator_deploy *d0 = &o->dep[0];
    d0->deploy_at = o->was_up ? o->down_at + s : p;
    d0->image = image != NULL ? xstrdup(image) : NULL;
    d0->bad_image = !image_exists(image);
    fd_event(o, name, "Normal", "Submit", "JobManagerDeployment", MSG_SUBMIT, d0->deploy_at);
    char pod[256];
    jm_name(jm_pod, o->gen_before + 1, pod, sizeof pod);
    if (d0->bad_image) {
        char *m1 = xasprintf("Failed to pull image \"%s\": rpc error: code = NotFound desc = "
                             "failed to pull and unpack image \"docker.io/library/%s\": not found",
                             image, image);
        add_event(o, "Pod", pod, "Warning", "Failed", "kubelet", m1, d0->deploy_at);
        free(m1);
        char *m2 = xasprintf("Back-off pulling image \"%s\"", image);
        add_event(o, "Pod", pod, "Warning", "BackOff", "kubelet", m2, d0->deploy_at + s);
        fd_event(o, name, "Warning", "ImagePullBackOff", "JobManagerDeployment", m2,
                 d0->deploy_at + s);
        free(m2);
    } else {
        d0->ready_at = d0->deploy_at + 2 * s;
        d0->stable_at = d0->ready_at + 2 * s;
        rd.submit_at = d0->ready_at;
        free(o->stable_next);
        cJSON_Delete(o->stable_next_spec);
        o->stable_next = wrap_spec(spec, generation);
        o->stable_next_spec = cJSON_Duplicate(spec, true);
        o->stable_next_at = d0->stable_at;
    }
    if (d0->bad_image && rollback_enabled(spec) && o->stable_spec != NULL) {
        o->rolling_back = true;
        o->rollback_at = d0->deploy_at + 3 * s;
        struct sim_operator_deploy *d1 = &o->dep[1];
        d1->deploy_at = o->rollback_at + s;
        d1->ready_at = d1->deploy_at + 2 * s;
        d1->stable_at = d1->ready_at + 2 * s;
        const char *stable_image = str(o->stable_spec, "image");
        d1->image = stable_image != NULL ? xstrdup(stable_image) : NULL;
        fd_event(o, name, "Normal", "Rollback", "JobManagerDeployment", MSG_ROLLBACK,
                 o->rollback_at);
        fd_event(o, name, "Normal", "Submit", "JobManagerDeployment", MSG_SUBMIT, d1->deploy_at);
        rd.submit_at = d1->ready_at;
        memset(par, 0, sizeof par); /* the stable spec's parallelism is what ran */
        stateless = false;          /* a rollback restores last-state */
    }
    if (rd.submit_at > 0 && j != NULL)
        fd_event(o, name, "Normal", "JobStatusChanged", "Job",
                 "Job status changed from RECONCILING to RUNNING", rd.submit_at);
    c->actions.up_at = rd.submit_at;
    if (j != NULL) {
        rd.new_jid = !last_state;
        rd.empty_state = stateless && !redeploy;
        rd.restore_path = last_state ? NULL : restore;
        rd.parallelism = par;
        sim_actions_redeploy(c, j, &rd);
    }
    cJSON_Delete(old_copy);
}

void sim_operator_created(struct sim_operator_state *o, struct sim_cluster *c, struct sim_job *j,
                          const char *name, const char *jm_pod, const cJSON *spec,
                          double generation, int64_t now) {
    sim_operator_init(o, spec, generation, "DEPLOYED");
    o->step = c->actions.step_ms;
    int64_t s = o->step, p = now + s;
    c->actions.down_from = now;
    c->actions.up_at = 0;
    if (o->suspended) { /* created suspended: nothing is deployed until job.state running */
        if (j != NULL) {
            struct sim_redeploy rd = {.down_at = now, .empty_state = true};
            sim_actions_redeploy(c, j, &rd);
        }
        return;
    }
    o->created = true;
    /* nothing stable yet: lastStableSpec comes once the first deployment is */
    free(o->stable);
    o->stable = NULL;
    cJSON_Delete(o->stable_spec);
    o->stable_spec = NULL;
    o->was_up = false;
    o->jm_before = "MISSING";
    o->before = "CREATED";
    o->cycle_at = now;
    o->cycle = CYCLE_UPGRADE;
    o->target_at = p;
    o->pending = wrap_spec_as(spec, generation, true);
    o->pending_at = p;
    const char *image = str(spec, "image");
    struct sim_operator_deploy *d0 = &o->dep[0];
    d0->deploy_at = p;
    d0->image = image != NULL ? xstrdup(image) : NULL;
    d0->bad_image = !image_exists(image);
    fd_event(o, name, "Normal", "Submit", "JobManagerDeployment", MSG_SUBMIT, p);
    if (d0->bad_image) {
        char pod[256];
        jm_name(jm_pod, 1, pod, sizeof pod);
        char *m1 = xasprintf("Failed to pull image \"%s\": rpc error: code = NotFound desc = "
                             "failed to pull and unpack image \"docker.io/library/%s\": not found",
                             image, image);
        add_event(o, "Pod", pod, "Warning", "Failed", "kubelet", m1, p);
        free(m1);
        char *m2 = xasprintf("Back-off pulling image \"%s\"", image);
        add_event(o, "Pod", pod, "Warning", "BackOff", "kubelet", m2, p + s);
        fd_event(o, name, "Warning", "ImagePullBackOff", "JobManagerDeployment", m2, p + s);
        free(m2);
    } else {
        d0->ready_at = p + 2 * s;
        d0->stable_at = d0->ready_at + 2 * s;
        o->stable_next = wrap_spec_as(spec, generation, true);
        o->stable_next_spec = cJSON_Duplicate(spec, true);
        o->stable_next_at = d0->stable_at;
        c->actions.up_at = d0->ready_at;
    }
    if (j == NULL)
        return;
    struct sim_redeploy rd = {0};
    rd.down_at = now;
    rd.submit_at = d0->ready_at; /* 0: never (the image cannot be pulled) */
    rd.empty_state = true;
    if (rd.submit_at > 0)
        fd_event(o, name, "Normal", "JobStatusChanged", "Job",
                 "Job status changed from RECONCILING to RUNNING", rd.submit_at);
    sim_actions_redeploy(c, j, &rd);
}

bool sim_operator_job_visible(const struct sim_operator_state *o, int64_t now) {
    return !o->created || now >= o->dep[0].deploy_at;
}

void sim_operator_advance(struct sim_operator_state *o, struct sim_cluster *c,
                          const struct sim_job *j, const char *name, int64_t now) {
    promote(o, now);
    if (o->sp_trigger[0] == '\0' || o->sp_recorded || j == NULL)
        return;
    const struct sim_savepoint_op *op = NULL;
    for (size_t i = 0; i < c->actions.n; i++)
        if (strcmp(c->actions.ops[i].trigger, o->sp_trigger) == 0)
            op = &c->actions.ops[i];
    if (op == NULL || !op->done)
        return;
    o->sp_recorded = true;
    if (op->failed && o->sp_upgrade)
        return; /* an upgrade's: upgrade_savepoint wrote its events */
    if (op->failed) {
        const char *trace = op->failure_trace != NULL ? op->failure_trace : "";
        const char *nl = strchr(trace, '\n');
        char *msg = xasprintf("Savepoint failed: %.*s",
                              (int)(nl != NULL ? (size_t)(nl - trace) : strlen(trace)), trace);
        fd_event(o, name, "Warning", "SavepointError", "Operator", msg, op->done_at);
        free(msg);
        return;
    }
    free(o->last_savepoint);
    o->last_savepoint = xstrdup(op->location);
    o->last_savepoint_ts = op->done_at;
    o->last_upgrade = o->sp_upgrade;
    o->last_has_nonce = o->sp_has_nonce;
    o->last_nonce = o->sp_nonce;
    if (o->sp_upgrade) {
        free(o->upgrade_path);
        o->upgrade_path = xstrdup(op->location);
        if (o->n_snaps < SIM_OPERATOR_SNAPS) {
            o->snap_path[o->n_snaps] = xstrdup(op->location);
            o->snap_at[o->n_snaps++] = op->done_at;
        }
    }
}

char *sim_operator_take_snapshot(struct sim_operator_state *o, int64_t *at) {
    if (o->n_snaps == 0)
        return NULL;
    char *path = o->snap_path[0];
    *at = o->snap_at[0];
    memmove(&o->snap_path[0], &o->snap_path[1], (o->n_snaps - 1) * sizeof o->snap_path[0]);
    memmove(&o->snap_at[0], &o->snap_at[1], (o->n_snaps - 1) * sizeof o->snap_at[0]);
    o->n_snaps--;
    return path;
}

bool sim_operator_jm_ready(const struct sim_operator_state *o, int64_t now) {
    return view_at(o, now).jm_ready;
}

bool sim_operator_service_gone(const struct sim_operator_state *o, int64_t now) {
    return !view_at(o, now).service;
}

int sim_operator_pod_restarts(const struct sim_operator_state *o, int64_t now,
                              int64_t *restarted_at) {
    (void)o;
    (void)now;
    *restarted_at = 0;
    return 0;
}

static void set(cJSON *o, const char *key, cJSON *v) {
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

static void set_time(cJSON *o, const char *key, int64_t ms) {
    cJSON *tmp = cJSON_CreateObject();
    sim_k8s_add_time(tmp, key, ms);
    set(o, key, cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(tmp, key), true));
    cJSON_Delete(tmp);
}

static cJSON *condition(const char *type, bool ok, const char *reason, const char *message,
                        int64_t at) {
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", ok ? "True" : "False");
    cJSON_AddNullToObject(c, "lastProbeTime");
    sim_k8s_add_time(c, "lastTransitionTime", at);
    if (reason != NULL)
        cJSON_AddStringToObject(c, "reason", reason);
    if (message != NULL)
        cJSON_AddStringToObject(c, "message", message);
    return c;
}

bool sim_operator_pod(const struct sim_operator_state *o, cJSON *pod, bool taskmanager,
                      int64_t start, int64_t now) {
    struct view v = view_at(o, now);
    if (taskmanager ? !v.tms : !v.jm)
        return false;
    if (v.gen == 0 && v.image == NULL)
        return true; /* the original deployment, as rendered */
    cJSON *md = obj(pod, "metadata");
    const char *ns = str(md, "namespace");
    const char *name = str(md, "name");
    int64_t created = taskmanager ? (start > v.tms_since ? start : v.tms_since) : v.since;
    if (v.gen > 0 && name != NULL) {
        char renamed[256];
        if (taskmanager)
            snprintf(renamed, sizeof renamed, "%s", name);
        else
            jm_name(name, v.gen, renamed, sizeof renamed);
        set(md, "name", cJSON_CreateString(renamed));
        char *key = taskmanager ? xasprintf("%s/%s#%u", ns != NULL ? ns : "", renamed, v.gen)
                                : xasprintf("%s/%s", ns != NULL ? ns : "", renamed);
        char *uid = sim_k8s_uid(key);
        set(md, "uid", cJSON_CreateString(uid));
        free(uid);
        free(key);
        set_time(md, "creationTimestamp", created);
    }
    cJSON *ctr =
        cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(obj(pod, "spec"), "containers"), 0);
    cJSON *st = obj(pod, "status");
    cJSON *cs = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(st, "containerStatuses"), 0);
    if (v.image != NULL) {
        if (ctr != NULL)
            set(ctr, "image", cJSON_CreateString(v.image));
        if (cs != NULL)
            set(cs, "image", cJSON_CreateString(v.image));
    }
    if (st == NULL || v.gen == 0)
        return true;
    set_time(st, "startTime", created);
    bool ready = taskmanager || v.jm_ready;
    cJSON *conds = cJSON_CreateArray();
    cJSON_AddItemToArray(conds, condition("Initialized", true, NULL, NULL, created));
    cJSON_AddItemToArray(conds, condition("Ready", ready, ready ? NULL : "ContainersNotReady",
                                          ready ? NULL
                                                : "containers with unready status: "
                                                  "[flink-main-container]",
                                          created));
    cJSON_AddItemToArray(conds, condition("ContainersReady", ready,
                                          ready ? NULL : "ContainersNotReady", NULL, created));
    cJSON_AddItemToArray(conds, condition("PodScheduled", true, NULL, NULL, created));
    set(st, "conditions", conds);
    if (cs == NULL)
        return true;
    set(cs, "ready", cJSON_CreateBool(ready));
    set(cs, "restartCount", cJSON_CreateNumber(0));
    cJSON_DeleteItemFromObjectCaseSensitive(cs, "lastState");
    cJSON_AddObjectToObject(cs, "lastState");
    cJSON *state = cJSON_CreateObject();
    if (!taskmanager && v.waiting != NULL) {
        set(st, "phase", cJSON_CreateString("Pending"));
        set(cs, "started", cJSON_CreateBool(false));
        cJSON *w = cJSON_AddObjectToObject(state, "waiting");
        cJSON_AddStringToObject(w, "reason", v.waiting);
        if (strcmp(v.waiting, "ContainerCreating") != 0 && v.image != NULL) {
            char *msg = strcmp(v.waiting, "ImagePullBackOff") == 0
                            ? xasprintf("Back-off pulling image \"%s\"", v.image)
                            : xasprintf("rpc error: code = NotFound desc = failed to pull and "
                                        "unpack image \"docker.io/library/%s\": not found",
                                        v.image);
            cJSON_AddStringToObject(w, "message", msg);
            free(msg);
        }
        cJSON_DeleteItemFromObjectCaseSensitive(cs, "containerID");
    } else {
        set(st, "phase", cJSON_CreateString("Running"));
        set(cs, "started", cJSON_CreateBool(true));
        sim_k8s_add_time(cJSON_AddObjectToObject(state, "running"), "startedAt", created);
    }
    set(cs, "state", state);
    return true;
}

/* Bytes of a Flink memory size ("2048m", "4g", "1024"), -1 when unreadable. */
static double memory_bytes(const char *s) {
    if (s == NULL)
        return -1;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || v < 0)
        return -1;
    while (*end == ' ')
        end++;
    switch (*end) {
    case 'k':
    case 'K':
        return v * 1024.0;
    case 'm':
    case 'M':
        return v * 1024.0 * 1024.0;
    case 'g':
    case 'G':
        return v * 1024.0 * 1024.0 * 1024.0;
    case 't':
    case 'T':
        return v * 1024.0 * 1024.0 * 1024.0 * 1024.0;
    case '\0':
        return v;
    default:
        return -1;
    }
}

static double replicas(const cJSON *role, double dflt) {
    const cJSON *r = cJSON_GetObjectItemCaseSensitive(role, "replicas");
    return cJSON_IsNumber(r) ? r->valuedouble : dflt;
}

/* The Running condition the operator derives from the job's state (application mode). */
static cJSON *running_condition(const char *state, int64_t at) {
    static const struct {
        const char *state, *reason, *message;
    } map[] = {
        {"RECONCILING", "Reconciling", "Job is currently reconciling"},
        {"CREATED", "JobCreated", "Job is created"},
        {"RUNNING", "JobRunning", "Job is running"},
        {"FAILING", "JobFailing", "Job has failed"},
        {"RESTARTING", "JobRestarting", "The job is currently restarting"},
        {"FAILED", "JobFailed", "The job has failed with a non-recoverable task failure"},
        {"FINISHED", "JobFinished", "Job's tasks have successfully finished"},
        {"CANCELED", "JobCancelled", "Job has been cancelled"},
        {"SUSPENDED", "JobSuspended", "The job has been suspended"},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].state, state) == 0) {
            cJSON *c = cJSON_CreateObject();
            cJSON_AddStringToObject(c, "type", "Running");
            cJSON_AddStringToObject(c, "status", strcmp(state, "RUNNING") == 0 ? "True" : "False");
            cJSON_AddStringToObject(c, "reason", map[i].reason);
            cJSON_AddStringToObject(c, "message", map[i].message);
            sim_k8s_add_time(c, "lastTransitionTime", at);
            return c;
        }
    return NULL;
}

static cJSON *ms_string(int64_t ms) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)ms);
    return cJSON_CreateString(buf);
}

void sim_operator_status(const struct sim_operator_state *o, const struct sim_cluster *c,
                         const struct sim_job *j, cJSON *st, int64_t now) {
    const char *recon;
    const char *lifecycle = lifecycle_at(o, now, &recon);
    struct view v = view_at(o, now);
    bool suspended = strcmp(lifecycle, "SUSPENDED") == 0;
    set(st, "lifecycleState", cJSON_CreateString(lifecycle));
    set(st, "jobManagerDeploymentStatus",
        cJSON_CreateString(v.jm_status != NULL ? v.jm_status
                           : suspended         ? "MISSING"
                                               : "READY"));
    set(st, "observedGeneration",
        cJSON_CreateNumber(now >= o->target_at ? o->target : o->observed));
    cJSON *rs = cJSON_GetObjectItemCaseSensitive(st, "reconciliationStatus");
    if (!cJSON_IsObject(rs)) {
        rs = cJSON_CreateObject();
        set(st, "reconciliationStatus", rs);
    }
    set(rs, "state", cJSON_CreateString(recon));
    bool picked = o->pending != NULL && now >= o->pending_at;
    set(rs, "lastReconciledSpec", cJSON_CreateString(picked ? o->pending : o->reconciled));
    bool stable_now = o->stable_next != NULL && o->stable_next_at > 0 && now >= o->stable_next_at;
    const char *stable = stable_now ? o->stable_next : o->stable;
    if (stable != NULL)
        set(rs, "lastStableSpec", cJSON_CreateString(stable));
    if (o->cycle_at != 0)
        set(rs, "reconciliationTimestamp",
            cJSON_CreateNumber(
                (double)(now >= o->cycle_at + o->step ? o->cycle_at + o->step : o->cycle_at)));
    if (v.error) {
        const char *image = o->dep[o->rollback_at > 0 && now >= o->rollback_at ? 1 : 0].image;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(
            e, "type", "org.apache.flink.kubernetes.operator.exception.DeploymentFailedException");
        char *msg = xasprintf("Back-off pulling image \"%s\"", image != NULL ? image : "");
        cJSON_AddStringToObject(e, "message", msg);
        free(msg);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(e, "additionalMetadata"), "reason",
                                "ImagePullBackOff");
        cJSON_AddArrayToObject(e, "throwableList");
        char *err = cJSON_PrintUnformatted(e);
        cJSON_Delete(e);
        set(st, "error", cJSON_CreateString(err));
        free(err);
    }
    if (o->error_msg != NULL && o->error_from > 0 && now >= o->error_from &&
        now < o->error_until) { /* the upgrade's savepoint failed: the reconcile's error */
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(
            e, "type", "org.apache.flink.kubernetes.operator.exception.ReconciliationException");
        cJSON_AddStringToObject(e, "message", o->error_msg);
        cJSON_AddObjectToObject(e, "additionalMetadata");
        cJSON *tl = cJSON_AddArrayToObject(e, "throwableList");
        cJSON *t = cJSON_CreateObject();
        cJSON_AddStringToObject(t, "type",
                                "org.apache.flink.runtime.checkpoint.CheckpointException");
        const char *cause = strstr(o->error_msg, "CheckpointException: ");
        cJSON_AddStringToObject(t, "message", cause != NULL ? cause + 21 : o->error_msg);
        cJSON_AddObjectToObject(t, "additionalMetadata");
        cJSON_AddItemToArray(tl, t);
        char *err = cJSON_PrintUnformatted(e);
        cJSON_Delete(e);
        set(st, "error", cJSON_CreateString(err));
        free(err);
    }
    /* The job as the operator last saw it. */
    const char *job_state = NULL;
    int64_t job_at = o->cycle_at + o->step;
    if (j != NULL) {
        if (v.jm_ready) {
            job_state = sim_job_state_name(j->state);
            job_at = j->timestamps[j->state] > 0 ? j->timestamps[j->state] : j->start_time;
        } else if (suspended) {
            job_state = "SUSPENDED";
        } else if (o->cycle_at != 0 && o->dep[0].deploy_at > 0 && now >= o->dep[0].deploy_at) {
            job_state = "RECONCILING"; /* submitted, the JobManager not up yet */
        } else {
            job_state = sim_job_state_name(j->state);
        }
    }
    cJSON *js = cJSON_GetObjectItemCaseSensitive(st, "jobStatus");
    if (cJSON_IsObject(js) && j != NULL) {
        /* the operator assigns the new job id when it submits the new deployment */
        bool old_id =
            o->jid_before[0] != '\0' && o->dep[0].deploy_at > 0 && now < o->dep[0].deploy_at;
        set(js, "jobId", cJSON_CreateString(old_id ? o->jid_before : j->jid));
        set(js, "state", cJSON_CreateString(job_state));
        cJSON *si = cJSON_CreateObject();
        if (o->last_savepoint != NULL) {
            cJSON *last = cJSON_CreateObject();
            cJSON_AddStringToObject(last, "location", o->last_savepoint);
            cJSON_AddNumberToObject(last, "timeStamp", (double)o->last_savepoint_ts);
            cJSON_AddStringToObject(last, "triggerType", o->last_upgrade ? "UPGRADE" : "MANUAL");
            cJSON_AddStringToObject(last, "formatType", "CANONICAL");
            if (o->last_has_nonce)
                cJSON_AddNumberToObject(last, "triggerNonce", o->last_nonce);
            cJSON_AddItemToArray(cJSON_AddArrayToObject(si, "savepointHistory"),
                                 cJSON_Duplicate(last, true));
            cJSON_AddItemToObject(si, "lastSavepoint", last);
        } else {
            cJSON_AddNullToObject(si, "lastSavepoint");
            cJSON_AddArrayToObject(si, "savepointHistory");
        }
        bool in_flight = o->sp_trigger[0] != '\0' && !o->sp_recorded && now >= o->sp_started;
        cJSON_AddStringToObject(si, "triggerId", in_flight ? o->sp_trigger : "");
        cJSON_AddNumberToObject(si, "triggerTimestamp", in_flight ? (double)o->sp_started : 0);
        if (in_flight)
            cJSON_AddStringToObject(si, "triggerType", o->sp_upgrade ? "UPGRADE" : "MANUAL");
        cJSON_AddNumberToObject(si, "lastPeriodicSavepointTimestamp", 0);
        set(js, "savepointInfo", si);
        if (o->upgrade_path != NULL)
            set(js, "upgradeSavepointPath", cJSON_CreateString(o->upgrade_path));
        set(js, "updateTime", ms_string(j->last_modification));
        set(js, "startTime", ms_string(j->start_time));
    }
    if (job_state != NULL) {
        cJSON *cond = running_condition(job_state, job_at);
        if (cond != NULL) {
            cJSON *conds = cJSON_CreateArray();
            cJSON_AddItemToArray(conds, cond);
            set(st, "conditions", conds);
        }
    }
    cJSON *ci = cJSON_GetObjectItemCaseSensitive(st, "clusterInfo");
    if (cJSON_IsObject(ci)) {
        const cJSON *jm = obj(o->seen_spec, "jobManager"), *tm = obj(o->seen_spec, "taskManager");
        double jm_mem = memory_bytes(str(obj(jm, "resource"), "memory"));
        double tm_mem = memory_bytes(str(obj(tm, "resource"), "memory"));
        if (jm_mem >= 0 && tm_mem >= 0) {
            char buf[32];
            snprintf(buf, sizeof buf, "%.0f",
                     jm_mem * replicas(jm, 1) + tm_mem * replicas(tm, (double)c->n_tms));
            set(ci, "total-memory", cJSON_CreateString(buf));
        }
        if (j != NULL && j->checkpoints.enabled) { /* the job's state as its checkpoints size it */
            char buf[32];
            snprintf(buf, sizeof buf, "%lld",
                     (long long)(j->checkpoints.has_completed
                                     ? j->checkpoints.latest_completed.state_size
                                     : (int64_t)j->checkpoints.state_size));
            set(ci, "state-size", cJSON_CreateString(buf));
        }
    }
    if (!v.tms) {
        cJSON *tmst = cJSON_GetObjectItemCaseSensitive(st, "taskManager");
        if (cJSON_IsObject(tmst)) {
            set(tmst, "labelSelector", cJSON_CreateString(""));
            set(tmst, "replicas", cJSON_CreateNumber(0));
        }
    }
}
