#include "sim_sessionjobs.h"

#include "sim_actions.h"
#include "sim_json_patch.h"
#include "sim_k8s.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FLINK_GV "flink.apache.org/v1beta1"

/* One stored FlinkSessionJob and the job it runs. */
struct entry {
    cJSON *obj;     /* owned: apiVersion, kind, metadata, spec */
    size_t cluster; /* its session cluster in the model, SIZE_MAX when none */
    char jid[33];   /* the Flink job it runs now, "" none */
    char *error;    /* owned: why nothing runs (status.error), NULL none */
    int64_t reconciled_at;
    bool gone; /* deleted */
};

struct sim_sessionjobs {
    struct entry *items; /* owned */
    size_t n, cap;
    unsigned seq; /* generateName suffixes */
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

static const char *name_of(const struct entry *e) { return str(obj(e->obj, "metadata"), "name"); }

static const char *ns_of(const struct entry *e) {
    return str(obj(e->obj, "metadata"), "namespace");
}

static void set_rv(cJSON *md, long *rv) {
    char *s = xasprintf("%ld", ++*rv);
    sim_json_set(md, "resourceVersion", cJSON_CreateString(s));
    free(s);
}

/* A DNS-1123 name from a job name ("orders-enrichment" stays): owned, NULL when nothing
 * of it is usable (a CJK name). */
static char *dns_name(const char *job) {
    size_t n = strlen(job);
    char *out = xmalloc(n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n && o < 63; i++) {
        char ch = job[i];
        if (ch >= 'A' && ch <= 'Z')
            ch = (char)(ch - 'A' + 'a');
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
        if (!ok && (o == 0 || out[o - 1] == '-'))
            continue;
        out[o++] = ok ? ch : '-';
    }
    while (o > 0 && out[o - 1] == '-')
        o--;
    out[o] = '\0';
    if (o == 0 || strcmp(out, job) != 0) {
        free(out);
        return NULL;
    }
    return out;
}

static struct entry *add_entry(struct sim_sessionjobs *s) {
    if (s->n == s->cap) {
        s->cap = s->cap > 0 ? s->cap * 2 : 8;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    struct entry *e = &s->items[s->n++];
    memset(e, 0, sizeof *e);
    e->cluster = SIZE_MAX;
    return e;
}

static cJSON *new_object(const char *ns, const char *name, long *rv, int64_t created) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "apiVersion", FLINK_GV);
    cJSON_AddStringToObject(o, "kind", "FlinkSessionJob");
    cJSON *md = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    cJSON_AddStringToObject(md, "namespace", ns);
    char *key = xasprintf("%s/%s/sessionjob", ns, name);
    char *uid = sim_k8s_uid(key);
    cJSON_AddStringToObject(md, "uid", uid);
    free(uid);
    free(key);
    set_rv(md, rv);
    cJSON_AddNumberToObject(md, "generation", 1);
    sim_k8s_add_time(md, "creationTimestamp", created);
    return o;
}

/* ---- building ----------------------------------------------------------------------- */

struct sim_sessionjobs *sim_sessionjobs_new(const struct sim_model *m, long *rv, int64_t now_ms) {
    struct sim_sessionjobs *s = xcalloc(1, sizeof *s);
    for (size_t ci = 0; ci < m->n_clusters; ci++) {
        const struct sim_cluster *c = &m->clusters[ci];
        if (c->mode != SIM_MODE_SESSION)
            continue;
        for (size_t ji = 0; ji < c->n_jobs; ji++) {
            const struct sim_job *j = &c->jobs[ji];
            char *name = dns_name(j->name);
            if (name == NULL)
                name = xasprintf("%s-job-%zu", c->name, ji + 1);
            /* submitted a while after the session cluster came up */
            int64_t created = now_ms - 13LL * 24 * 3600 * 1000 + (int64_t)(ci * 64 + ji) * 60000;
            struct entry *e = add_entry(s);
            e->obj = new_object(c->namespace, name, rv, created);
            e->cluster = ci;
            e->reconciled_at = created;
            snprintf(e->jid, sizeof e->jid, "%s", j->jid);
            cJSON *md = obj(e->obj, "metadata");
            cJSON *labels = cJSON_AddObjectToObject(md, "labels");
            cJSON_AddStringToObject(labels, "app.kubernetes.io/part-of", c->name);
            cJSON *spec = cJSON_AddObjectToObject(e->obj, "spec");
            cJSON_AddStringToObject(spec, "deploymentName", c->name);
            cJSON *job = cJSON_AddObjectToObject(spec, "job");
            char *jar = xasprintf("https://artifacts.example.com/flink/%s-1.4.2.jar", name);
            cJSON_AddStringToObject(job, "jarURI", jar);
            free(jar);
            cJSON_AddStringToObject(job, "entryClass", "com.example.pipelines.Main");
            cJSON_AddNumberToObject(job, "parallelism", j->demand > 0 ? j->demand : 1);
            cJSON_AddStringToObject(job, "upgradeMode", j->batch ? "stateless" : "savepoint");
            cJSON_AddStringToObject(job, "state", "running");
            free(name);
        }
    }
    return s;
}

void sim_sessionjobs_free(struct sim_sessionjobs *s) {
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->n; i++) {
        cJSON_Delete(s->items[i].obj);
        free(s->items[i].error);
    }
    free(s->items);
    free(s);
}

/* ---- status ------------------------------------------------------------------------- */

static struct sim_job *job_of(const struct entry *e, struct sim_model *m,
                              struct sim_cluster **cluster) {
    if (e->cluster >= m->n_clusters || e->jid[0] == '\0')
        return NULL;
    *cluster = &m->clusters[e->cluster];
    return sim_actions_job(*cluster, e->jid); /* a redeployed session: its new id */
}

static bool suspended(const struct entry *e) {
    const char *st = str(obj(obj(e->obj, "spec"), "job"), "state");
    return st != NULL && strcmp(st, "suspended") == 0;
}

static void add_ms_string(cJSON *o, const char *key, int64_t ms) {
    char *v = xasprintf("%lld", (long long)ms);
    cJSON_AddStringToObject(o, key, v);
    free(v);
}

static cJSON *render(const struct entry *e, struct sim_model *m, int64_t now) {
    cJSON *out = cJSON_Duplicate(e->obj, true);
    cJSON *md = obj(out, "metadata");
    cJSON *st = cJSON_AddObjectToObject(out, "status");
    struct sim_cluster *c = NULL;
    const struct sim_job *j = job_of(e, m, &c);
    cJSON *js = cJSON_AddObjectToObject(st, "jobStatus");
    const char *lifecycle = "CREATED";
    if (j != NULL) {
        cJSON_AddStringToObject(js, "jobId", j->jid);
        cJSON_AddStringToObject(js, "jobName", j->name);
        /* while its session cluster is redeployed the operator cannot see the job */
        bool away = !suspended(e) && sim_actions_cluster_down(c, now);
        cJSON_AddStringToObject(js, "state",
                                suspended(e) ? "SUSPENDED"
                                : away       ? "RECONCILING"
                                             : sim_job_state_name(j->state));
        add_ms_string(js, "startTime", j->start_time);
        add_ms_string(js, "updateTime", j->last_modification);
        if (suspended(e))
            lifecycle = "SUSPENDED";
        else if (away)
            lifecycle = "DEPLOYED";
        else if (j->state == SIM_JOB_FAILED)
            lifecycle = "FAILED";
        else if (j->state == SIM_JOB_RUNNING && j->phase != SIM_TASKS_STEADY &&
                 (j->fresh || j->action.kind == SIM_ACTION_REDEPLOY))
            lifecycle = "DEPLOYED";
        else
            lifecycle = "STABLE";
    } else if (suspended(e)) {
        lifecycle = "SUSPENDED";
    }
    if (e->error != NULL)
        cJSON_AddStringToObject(st, "error", e->error);
    cJSON_AddStringToObject(st, "lifecycleState", lifecycle);
    cJSON *rs = cJSON_AddObjectToObject(st, "reconciliationStatus");
    cJSON_AddStringToObject(rs, "state", e->error != NULL ? "UPGRADING" : "DEPLOYED");
    cJSON_AddNumberToObject(rs, "reconciliationTimestamp", (double)e->reconciled_at);
    /* as the operator writes it: the spec and the metadata it reconciled, as a string */
    cJSON *last = cJSON_CreateObject();
    cJSON_AddItemToObject(last, "spec", cJSON_Duplicate(obj(e->obj, "spec"), true));
    cJSON *rmd = cJSON_AddObjectToObject(last, "resource_metadata");
    cJSON_AddStringToObject(rmd, "apiVersion", FLINK_GV);
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(md, "generation");
    cJSON_AddBoolToObject(rmd, "firstDeployment", e->jid[0] == '\0');
    char *text = cJSON_PrintUnformatted(last);
    cJSON_AddStringToObject(rs, "lastReconciledSpec", text);
    if (e->error == NULL)
        cJSON_AddStringToObject(rs, "lastStableSpec", text);
    free(text);
    cJSON_Delete(last);
    cJSON_AddNumberToObject(st, "observedGeneration", cJSON_IsNumber(gen) ? gen->valuedouble : 1);
    return out;
}

void sim_sessionjobs_list(struct sim_sessionjobs *s, struct sim_model *m, cJSON *items,
                          int64_t now) {
    for (size_t i = 0; i < s->n; i++)
        if (!s->items[i].gone)
            cJSON_AddItemToArray(items, render(&s->items[i], m, now));
}

/* ---- the operator's part ------------------------------------------------------------ */

static struct entry *find(struct sim_sessionjobs *s, const char *ns, const char *name) {
    for (size_t i = 0; i < s->n; i++) {
        const char *n = name_of(&s->items[i]), *x = ns_of(&s->items[i]);
        if (!s->items[i].gone && n != NULL && x != NULL && strcmp(n, name) == 0 &&
            strcmp(x, ns) == 0)
            return &s->items[i];
    }
    return NULL;
}

static void set_error(struct entry *e, char *msg) {
    free(e->error);
    e->error = msg; /* taken */
}

/* Cancels the job e runs, if it still runs. */
static void cancel(struct entry *e, struct sim_model *m, int64_t now) {
    struct sim_cluster *c = NULL;
    struct sim_job *j = job_of(e, m, &c);
    if (j != NULL && !sim_job_state_is_terminal(j->state))
        sim_actions_cancel(c, j, now);
}

/* Submits e's spec.job to its session cluster (when it is one), as the operator does. */
static void submit(struct entry *e, struct sim_model *m, const char *ns,
                   sim_sessionjobs_live_fn live, void *cls, int64_t now) {
    cJSON *spec = obj(e->obj, "spec");
    const char *dep = str(spec, "deploymentName");
    cJSON *job = obj(spec, "job");
    size_t ci = SIZE_MAX;
    e->jid[0] = '\0';
    e->reconciled_at = now;
    if (dep == NULL || !live(cls, ns, dep, &ci) || ci >= m->n_clusters) {
        e->cluster = SIZE_MAX;
        set_error(e, xasprintf("Session cluster deployment is not found: %s",
                               dep != NULL ? dep : "(spec.deploymentName is not set)"));
        return;
    }
    e->cluster = ci;
    if (job == NULL) {
        set_error(e, xstrdup("spec.job is not set"));
        return;
    }
    set_error(e, NULL);
    if (suspended(e))
        return;
    const cJSON *par = cJSON_GetObjectItemCaseSensitive(job, "parallelism");
    int p = cJSON_IsNumber(par) && par->valuedouble >= 1 ? (int)par->valuedouble : 1;
    /* the job's name is what the program calls it: here its FlinkSessionJob's */
    sim_model_submit_job(&m->clusters[ci], name_of(e), p, now, e->jid);
}

/* ---- writes ------------------------------------------------------------------------- */

void sim_sessionjobs_create(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                            const char *body, size_t body_len, long *rv,
                            sim_sessionjobs_live_fn live, void *cls, int64_t now,
                            struct sim_reply *r) {
    const char *end = NULL;
    cJSON *in = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    char *final = NULL;
    if (!cJSON_IsObject(in)) {
        sim_k8s_status(r, 400, "BadRequest", "the body of the request is not a JSON object");
        goto out;
    }
    const char *kind = str(in, "kind");
    if (kind != NULL && strcmp(kind, "FlinkSessionJob") != 0) {
        sim_k8s_status(r, 400, "BadRequest", "kind %s does not match flinksessionjobs", kind);
        goto out;
    }
    cJSON *md = obj(in, "metadata");
    const char *name = str(md, "name"), *gen_name = str(md, "generateName");
    const char *in_ns = str(md, "namespace");
    if (in_ns != NULL && strcmp(in_ns, ns) != 0) {
        sim_k8s_status(r, 400, "BadRequest",
                       "the namespace of the provided object does not match the namespace sent "
                       "on the request");
        goto out;
    }
    if (name != NULL) {
        final = xstrdup(name);
    } else if (gen_name != NULL) {
        char sfx[6];
        sim_k8s_suffix(sfx, sizeof sfx, gen_name, ++s->seq);
        final = xasprintf("%s%s", gen_name, sfx);
    } else {
        sim_k8s_status(r, 422, "Invalid",
                       "FlinkSessionJob.flink.apache.org is invalid: metadata.name: Required "
                       "value: name or generateName is required");
        goto out;
    }
    if (find(s, ns, final) != NULL) {
        sim_k8s_status(r, 409, "AlreadyExists",
                       "flinksessionjobs.flink.apache.org \"%s\" already exists", final);
        goto out;
    }
    struct entry *e = add_entry(s);
    e->obj = new_object(ns, final, rv, now);
    cJSON *emd = obj(e->obj, "metadata");
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; i++)
        if (obj(md, maps[i]) != NULL)
            cJSON_AddItemToObject(emd, maps[i], cJSON_Duplicate(obj(md, maps[i]), true));
    cJSON *spec = obj(in, "spec");
    cJSON_AddItemToObject(e->obj, "spec",
                          spec != NULL ? cJSON_Duplicate(spec, true) : cJSON_CreateObject());
    submit(e, m, ns, live, cls, now);
    sim_reply_json(r, 201, render(e, m, now));
out:
    free(final);
    cJSON_Delete(in);
}

void sim_sessionjobs_patch(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                           const char *name, const char *content_type, const char *body,
                           size_t body_len, long *rv, sim_sessionjobs_live_fn live, void *cls,
                           int64_t now, struct sim_reply *r) {
    cJSON *patch = NULL, *doc = NULL;
    struct entry *e = find(s, ns, name);
    if (e == NULL) {
        sim_k8s_status(r, 404, "NotFound", "flinksessionjobs.flink.apache.org \"%s\" not found",
                       name);
        goto out;
    }
    bool json_patch =
        content_type != NULL && strncmp(content_type, "application/json-patch+json", 27) == 0;
    if (!json_patch &&
        (content_type == NULL || strncmp(content_type, "application/merge-patch+json", 28) != 0)) {
        sim_k8s_status(r, 415, "UnsupportedMediaType",
                       "the body of the request was in an unknown format - accepted media types "
                       "include: application/json-patch+json, application/merge-patch+json");
        goto out;
    }
    const char *end = NULL;
    patch = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    cJSON *md = obj(e->obj, "metadata");
    if (json_patch) {
        char err[256];
        doc = render(e, m, now);
        if (!sim_json_patch_apply(doc, patch, err, sizeof err)) {
            sim_k8s_status(r, 422, "Invalid", "%s", err);
            goto out;
        }
    } else {
        if (!cJSON_IsObject(patch)) {
            sim_k8s_status(r, 400, "BadRequest", "the patch is not a JSON object");
            goto out;
        }
        const char *want = str(obj(patch, "metadata"), "resourceVersion");
        if (!sim_k8s_rv_current(want, str(md, "resourceVersion"))) {
            sim_k8s_status(r, 409, "Conflict",
                           "Operation cannot be fulfilled on flinksessionjobs.flink.apache.org "
                           "\"%s\": the object has been modified; please apply your changes to "
                           "the latest version and try again",
                           name);
            goto out;
        }
        doc = cJSON_Duplicate(e->obj, true);
        sim_json_merge_patch(doc, patch);
    }
    /* Only metadata's labels and annotations and the spec change through the main
     * resource; status is a subresource. */
    cJSON *new_spec = obj(doc, "spec");
    cJSON *new_md = obj(doc, "metadata");
    bool spec_changed =
        !cJSON_Compare(obj(e->obj, "spec"), new_spec != NULL ? new_spec : NULL, true);
    bool md_changed = false;
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; i++) {
        cJSON *have = obj(md, maps[i]), *want = obj(new_md, maps[i]);
        if ((have == NULL) != (want == NULL) || (have != NULL && !cJSON_Compare(have, want, true)))
            md_changed = true;
    }
    if (spec_changed || md_changed) {
        for (size_t i = 0; i < 2; i++) {
            cJSON *want = obj(new_md, maps[i]);
            cJSON_DeleteItemFromObjectCaseSensitive(md, maps[i]);
            if (want != NULL)
                cJSON_AddItemToObject(md, maps[i], cJSON_Duplicate(want, true));
        }
        set_rv(md, rv);
    }
    if (spec_changed) {
        cJSON *old_spec = cJSON_Duplicate(obj(e->obj, "spec"), true);
        cJSON *old_job = obj(old_spec, "job");
        sim_json_set(e->obj, "spec",
                     new_spec != NULL ? cJSON_Duplicate(new_spec, true) : cJSON_CreateObject());
        const cJSON *gen = cJSON_GetObjectItemCaseSensitive(md, "generation");
        sim_json_set(md, "generation",
                     cJSON_CreateNumber((cJSON_IsNumber(gen) ? gen->valuedouble : 1) + 1));
        /* The operator: a suspend cancels, a resume or any other job change (parallelism,
         * jar, entry class) cancels and submits again. */
        cJSON *new_job = obj(obj(e->obj, "spec"), "job");
        cJSON *a = cJSON_Duplicate(old_job, true), *b = cJSON_Duplicate(new_job, true);
        /* what does not redeploy: the state (above), the nonces of savepoints and
         * checkpoints (the operator triggers one), where a redeploy would start from, how
         * the next upgrade goes (the operator's spec diff ignores upgradeMode) */
        static const char *const not_upgrades[] = {"state", "savepointTriggerNonce",
                                                   "checkpointTriggerNonce", "initialSavepointPath",
                                                   "upgradeMode"};
        for (size_t i = 0; i < sizeof not_upgrades / sizeof not_upgrades[0]; i++) {
            cJSON_DeleteItemFromObjectCaseSensitive(a, not_upgrades[i]);
            cJSON_DeleteItemFromObjectCaseSensitive(b, not_upgrades[i]);
        }
        bool job_changed = !cJSON_Compare(a, b, true);
        /* spec.restartNonce: the operator redeploys the job */
        const cJSON *rn_old = cJSON_GetObjectItemCaseSensitive(old_spec, "restartNonce");
        const cJSON *rn_new = cJSON_GetObjectItemCaseSensitive(obj(e->obj, "spec"), "restartNonce");
        if ((rn_old == NULL) != (rn_new == NULL) ||
            (rn_old != NULL && !cJSON_Compare(rn_old, rn_new, true)))
            job_changed = true;
        cJSON_Delete(a);
        cJSON_Delete(b);
        struct sim_cluster *c = NULL;
        struct sim_job *j = job_of(e, m, &c);
        bool runs = j != NULL && !sim_job_state_is_terminal(j->state);
        if (suspended(e)) {
            cancel(e, m, now);
            e->reconciled_at = now;
        } else if (!runs || job_changed) {
            cancel(e, m, now);
            submit(e, m, ns, live, cls, now);
        }
        cJSON_Delete(old_spec);
    }
    sim_reply_json(r, 200, render(e, m, now));
out:
    cJSON_Delete(patch);
    cJSON_Delete(doc);
}

bool sim_sessionjobs_delete(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                            const char *name, int64_t now) {
    struct entry *e = find(s, ns, name);
    if (e == NULL)
        return false;
    cancel(e, m, now);
    e->gone = true;
    return true;
}

bool sim_sessionjobs_job(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                         const char *name, struct sim_cluster **c, struct sim_job **j) {
    struct entry *e = find(s, ns, name);
    *j = e != NULL ? job_of(e, m, c) : NULL;
    return *j != NULL;
}

void sim_sessionjobs_redeployed(struct sim_sessionjobs *s, struct sim_model *m, size_t ci,
                                int64_t down_at, int64_t up_at) {
    for (size_t i = 0; i < s->n; i++) {
        struct entry *e = &s->items[i];
        struct sim_cluster *c = NULL;
        struct sim_job *j = e->gone || e->cluster != ci ? NULL : job_of(e, m, &c);
        if (j == NULL || sim_job_state_is_terminal(j->state))
            continue;
        const char *mode = str(obj(obj(e->obj, "spec"), "job"), "upgradeMode");
        struct sim_redeploy rd = {
            .down_at = down_at,
            .submit_at = up_at,
            .new_jid = true,
            .empty_state = mode == NULL || strcmp(mode, "stateless") == 0,
        };
        /* its latest retained checkpoint, where the job was when the cluster went */
        char *path = !rd.empty_state && j->checkpoints.has_completed
                         ? xasprintf("s3://flink-%s/checkpoints/%s/chk-%lld", c->name, j->jid,
                                     (long long)j->checkpoints.latest_completed.id)
                         : NULL;
        rd.restore_path = path;
        rd.empty_state = path == NULL;
        sim_actions_redeploy(c, j, &rd);
        free(path);
    }
}
