#include "sim_operator.h"

#include "sim_actions.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What a spec change does. */
enum {
    CYCLE_UPGRADE = 1u << 0,   /* the job is restarted (or submitted again) */
    CYCLE_SUSPEND = 1u << 1,   /* running -> suspended */
    CYCLE_SAVEPOINT = 1u << 2, /* a manual savepoint (trigger nonce) */
};

static cJSON *obj(const cJSON *o, const char *key) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const char *str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* Whether key of a and b (either may be NULL) differ. */
static bool differs(const cJSON *a, const cJSON *b, const char *key) {
    const cJSON *x = a != NULL ? cJSON_GetObjectItemCaseSensitive(a, key) : NULL;
    const cJSON *y = b != NULL ? cJSON_GetObjectItemCaseSensitive(b, key) : NULL;
    if (x == NULL || y == NULL)
        return x != y;
    return !cJSON_Compare(x, y, true);
}

static bool is_suspended(const cJSON *spec) {
    const char *s = str(obj(spec, "job"), "state");
    return s != NULL && strcmp(s, "suspended") == 0;
}

void sim_operator_init(struct sim_operator_state *o, const cJSON *spec, double generation,
                       const char *base) {
    memset(o, 0, sizeof *o);
    o->seen_spec = cJSON_Duplicate(spec, true);
    o->reconciled = cJSON_PrintUnformatted(spec);
    o->base = base;
    o->before = base;
    o->observed = generation;
    o->target = generation;
    o->suspended = is_suspended(spec);
}

void sim_operator_free(struct sim_operator_state *o) {
    cJSON_Delete(o->seen_spec);
    free(o->reconciled);
    free(o->pending);
    free(o->last_savepoint);
    free(o->upgrade_path);
    for (size_t i = 0; i < SIM_OPERATOR_EVENTS; i++) {
        free(o->events[i].object);
        free(o->events[i].message);
    }
    memset(o, 0, sizeof *o);
}

static void add_event(struct sim_operator_state *o, const char *kind, const char *object,
                      const char *type, const char *reason, const char *message, int64_t at) {
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
    e->message = xstrdup(message);
    e->at = at;
}

/* ---- the status timeline ----------------------------------------------------------- */

static int64_t step_of(const struct sim_cluster *c) { return c->actions.step_ms; }

static const char *lifecycle_at(const struct sim_operator_state *o, const struct sim_cluster *c,
                                int64_t now, const char **recon) {
    *recon = "DEPLOYED";
    if (o->cycle_at == 0)
        return o->suspended ? "SUSPENDED" : o->base;
    int64_t s = step_of(c), dt = now - o->cycle_at;
    if (dt < s)
        return o->before;
    if (o->cycle & CYCLE_SUSPEND) {
        if (dt < 3 * s) {
            *recon = "UPGRADING";
            return "UPGRADING";
        }
        return "SUSPENDED";
    }
    if (o->cycle & CYCLE_UPGRADE) {
        if (dt < 2 * s) {
            *recon = "UPGRADING";
            return "UPGRADING";
        }
        return dt < 4 * s ? "DEPLOYED" : "STABLE";
    }
    return o->suspended ? "SUSPENDED" : o->before;
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

static void start_savepoint(struct sim_operator_state *o, struct sim_model *m,
                            struct sim_cluster *c, struct sim_job *j, const cJSON *spec, int64_t at,
                            bool upgrade) {
    char *dir = sim_operator_savepoint_dir(c, spec);
    int fail = upgrade ? 0 : -1;
    if (!upgrade && m->forced_savepoint_failures > 0) {
        m->forced_savepoint_failures--;
        fail = 1;
    }
    const struct sim_savepoint_op *op =
        sim_actions_savepoint(c, j, at, dir, NULL, upgrade, false, fail);
    free(dir);
    if (op == NULL)
        return;
    snprintf(o->sp_trigger, sizeof o->sp_trigger, "%s", op->trigger);
    o->sp_upgrade = upgrade;
    o->sp_recorded = false;
    o->sp_started = at;
    const cJSON *nonce =
        cJSON_GetObjectItemCaseSensitive(obj(spec, "job"), "savepointTriggerNonce");
    o->sp_has_nonce = !upgrade && cJSON_IsNumber(nonce);
    o->sp_nonce = o->sp_has_nonce ? nonce->valuedouble : 0;
}

void sim_operator_spec_changed(struct sim_operator_state *o, struct sim_model *m,
                               struct sim_cluster *c, struct sim_job *j, const char *name,
                               const char *jm_pod, const cJSON *spec, double generation,
                               int64_t now) {
    const cJSON *old = o->seen_spec;
    const cJSON *old_job = obj(old, "job"), *new_job = obj(spec, "job");
    int64_t s = step_of(c), at = now + s;
    const char *recon;
    /* What shows now stays until the operator picks the change up. */
    o->before = lifecycle_at(o, c, now, &recon);
    o->observed = o->cycle_at != 0 && now - o->cycle_at < s ? o->observed : o->target;
    o->target = generation;
    o->cycle_at = now;
    o->cycle = 0;
    free(o->pending);
    o->pending = cJSON_PrintUnformatted(spec);

    bool was_suspended = o->suspended;
    o->suspended = is_suspended(spec);
    bool rescale = differs(old_job, new_job, "parallelism");
    bool restart = differs(old, spec, "restartNonce");
    bool redeploy = differs(old_job, new_job, "savepointRedeployNonce") &&
                    str(new_job, "initialSavepointPath") != NULL;
    bool savepoint =
        differs(old_job, new_job, "savepointTriggerNonce") &&
        cJSON_IsNumber(cJSON_GetObjectItemCaseSensitive(new_job, "savepointTriggerNonce"));
    /* Anything else in the spec (configuration, image, resources) is an upgrade. */
    cJSON *a = cJSON_Duplicate(old, true), *b = cJSON_Duplicate(spec, true);
    static const char *const job_keys[] = {
        "parallelism",           "state",      "savepointRedeployNonce", "initialSavepointPath",
        "savepointTriggerNonce", "upgradeMode"};
    cJSON_DeleteItemFromObjectCaseSensitive(a, "restartNonce");
    cJSON_DeleteItemFromObjectCaseSensitive(b, "restartNonce");
    for (size_t i = 0; i < sizeof job_keys / sizeof job_keys[0]; i++) {
        cJSON_DeleteItemFromObjectCaseSensitive(obj(a, "job"), job_keys[i]);
        cJSON_DeleteItemFromObjectCaseSensitive(obj(b, "job"), job_keys[i]);
    }
    bool other = !cJSON_Compare(a, b, true);
    cJSON_Delete(a);
    cJSON_Delete(b);
    cJSON_Delete(o->seen_spec);
    o->seen_spec = cJSON_Duplicate(spec, true);

    const char *mode = str(new_job, "upgradeMode");
    char *msg = xasprintf("UPGRADE change(s) detected (generation %.0f), starting reconciliation.",
                          generation);
    add_event(o, "FlinkDeployment", name, "Normal", "SpecChanged", msg, now);
    free(msg);

    if (o->suspended && !was_suspended) {
        o->cycle = CYCLE_SUSPEND;
        if (j != NULL && mode != NULL && strcmp(mode, "savepoint") == 0 &&
            j->state == SIM_JOB_RUNNING)
            start_savepoint(o, m, c, j, spec, at, true);
        else if (j != NULL)
            sim_actions_cancel_at(j, at);
        add_event(o, "FlinkDeployment", name, "Normal", "Suspended",
                  "Suspending the job (spec.job.state: suspended)", at);
        return;
    }
    if (o->suspended)
        return; /* changes to a suspended deployment wait for it to run again */
    bool resume = was_suspended;
    if (rescale || restart || redeploy || other || resume)
        o->cycle |= CYCLE_UPGRADE;
    if (savepoint && !(o->cycle & CYCLE_UPGRADE)) {
        o->cycle |= CYCLE_SAVEPOINT;
        if (j != NULL)
            start_savepoint(o, m, c, j, spec, at, false);
    }
    if (restart) {
        o->pod_restarts++;
        o->pods_restart_at = at;
        add_event(o, "Pod", jm_pod, "Normal", "Killing", "Stopping container flink-main-container",
                  at);
        add_event(o, "Pod", jm_pod, "Normal", "Started", "Started container flink-main-container",
                  at);
    }
    if (!(o->cycle & CYCLE_UPGRADE) || j == NULL)
        return;
    int par[SIM_ACTION_MAX_VERTICES] = {0};
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(new_job, "parallelism");
    if (rescale && cJSON_IsNumber(p) && p->valuedouble >= 1) {
        int n = p->valuedouble > 128 ? 128 : (int)p->valuedouble;
        for (size_t v = 0; v < j->n_vertices; v++)
            par[v] = n;
    }
    const char *from = NULL;
    if (redeploy)
        from = str(new_job, "initialSavepointPath");
    else if (resume && mode != NULL && strcmp(mode, "savepoint") == 0)
        from = o->upgrade_path;
    /* A rescale alone restarts the job in place; anything else submits it again. */
    bool resubmit = restart || redeploy || other || resume;
    sim_actions_restart(c, j, at, par, resubmit, from);
}

void sim_operator_advance(struct sim_operator_state *o, struct sim_cluster *c,
                          const struct sim_job *j, const char *name, int64_t now) {
    if (o->pending != NULL && o->cycle_at != 0 && now - o->cycle_at >= step_of(c)) {
        free(o->reconciled);
        o->reconciled = o->pending;
        o->pending = NULL;
    }
    if (o->sp_trigger[0] == '\0' || o->sp_recorded || j == NULL)
        return;
    const struct sim_savepoint_op *op = sim_actions_find(c, j->jid, o->sp_trigger);
    if (op == NULL || !op->done)
        return;
    o->sp_recorded = true;
    if (op->failed) {
        const char *trace = op->failure_trace != NULL ? op->failure_trace : "";
        const char *nl = strchr(trace, '\n');
        char *msg = xasprintf("Savepoint failed: %.*s",
                              (int)(nl != NULL ? (size_t)(nl - trace) : strlen(trace)), trace);
        add_event(o, "FlinkDeployment", name, "Warning", "SavepointError", msg, op->done_at);
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
    }
}

bool sim_operator_tms_gone(const struct sim_operator_state *o, const struct sim_cluster *c,
                           int64_t now) {
    const char *recon;
    return strcmp(lifecycle_at(o, c, now, &recon), "SUSPENDED") == 0;
}

int sim_operator_pod_restarts(const struct sim_operator_state *o, int64_t now,
                              int64_t *restarted_at) {
    *restarted_at = 0;
    if (o->pod_restarts == 0)
        return 0;
    if (now < o->pods_restart_at)
        return o->pod_restarts - 1;
    *restarted_at = o->pods_restart_at;
    return o->pod_restarts;
}

static void set(cJSON *o, const char *key, cJSON *v) {
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

static cJSON *ms_string(int64_t ms) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)ms);
    return cJSON_CreateString(buf);
}

void sim_operator_status(const struct sim_operator_state *o, const struct sim_cluster *c,
                         const struct sim_job *j, cJSON *st, int64_t now) {
    const char *recon;
    const char *lifecycle = lifecycle_at(o, c, now, &recon);
    bool settled = o->cycle_at == 0 || now - o->cycle_at >= step_of(c);
    bool suspended = strcmp(lifecycle, "SUSPENDED") == 0;
    set(st, "lifecycleState", cJSON_CreateString(lifecycle));
    set(st, "jobManagerDeploymentStatus", cJSON_CreateString(suspended ? "MISSING" : "READY"));
    set(st, "observedGeneration", cJSON_CreateNumber(settled ? o->target : o->observed));
    cJSON *rs = cJSON_GetObjectItemCaseSensitive(st, "reconciliationStatus");
    if (!cJSON_IsObject(rs)) {
        rs = cJSON_CreateObject();
        set(st, "reconciliationStatus", rs);
    }
    set(rs, "state", cJSON_CreateString(recon));
    set(rs, "lastReconciledSpec", cJSON_CreateString(o->reconciled));
    if (o->cycle_at != 0)
        set(rs, "reconciliationTimestamp",
            cJSON_CreateNumber((double)(settled ? o->cycle_at + step_of(c) : o->cycle_at)));
    cJSON *js = cJSON_GetObjectItemCaseSensitive(st, "jobStatus");
    if (cJSON_IsObject(js) && j != NULL) {
        set(js, "state",
            cJSON_CreateString(suspended ? "SUSPENDED" : sim_job_state_name(j->state)));
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
    if (suspended) {
        cJSON *tm = cJSON_GetObjectItemCaseSensitive(st, "taskManager");
        if (cJSON_IsObject(tm)) {
            set(tm, "labelSelector", cJSON_CreateString(""));
            set(tm, "replicas", cJSON_CreateNumber(0));
        }
    }
}
