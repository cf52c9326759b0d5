#include "sim_control.h"

#include "sim_clock.h"
#include "sim_k8s_auth.h"
#include "sim_k8s_metrics.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sim_control_owns(const char *path) {
    return strcmp(path, "/_sim") == 0 || strncmp(path, "/_sim/", 6) == 0;
}

/* Adds "ok":true to o and renders it (o is taken). */
static void reply_ok(struct sim_reply *r, int status, cJSON *o) {
    cJSON_AddBoolToObject(o, "ok", true);
    sim_reply_json(r, status, o);
}

/* Reads {"pattern","mode","arg"?} and adds the rule; answers 201 or 400. */
static void add_fault(struct sim_faults *faults, const char *body, size_t body_len,
                      struct sim_reply *r) {
    char err[256];
    char *arg = NULL;
    cJSON *in = NULL;
    if (body == NULL || body_len == 0) {
        sim_reply_error(r, 400, "empty body: expected {\"pattern\",\"mode\",\"arg\"}");
        goto out;
    }
    const char *end = NULL;
    in = cJSON_ParseWithLengthOpts(body, body_len, &end, false);
    if (!cJSON_IsObject(in)) {
        sim_reply_error(r, 400, "body is not a JSON object");
        goto out;
    }
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(in, "pattern");
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(in, "mode");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(in, "arg");
    if (!cJSON_IsString(pattern) || !cJSON_IsString(mode)) {
        sim_reply_error(r, 400, "\"pattern\" and \"mode\" must be strings");
        goto out;
    }
    if (cJSON_IsNumber(a)) {
        double d = a->valuedouble;
        if (d != floor(d) || fabs(d) > 1e12) {
            sim_reply_error(r, 400, "\"arg\" must be a whole number");
            goto out;
        }
        arg = xasprintf("%.0f", d);
    } else if (cJSON_IsString(a)) {
        arg = xstrdup(a->valuestring);
    } else if (a != NULL && !cJSON_IsNull(a)) {
        sim_reply_error(r, 400, "\"arg\" must be a number or a string");
        goto out;
    }
    if (!sim_faults_add(faults, pattern->valuestring, mode->valuestring, arg, err, sizeof err)) {
        sim_reply_error(r, 400, "%s", err);
        goto out;
    }
    /* Echo the rule as the list shows it: the last entry. */
    cJSON *list = sim_faults_list(faults);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(list, "faults");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "fault", cJSON_DetachItemFromArray(arr, cJSON_GetArraySize(arr) - 1));
    cJSON_Delete(list);
    reply_ok(r, 201, o);
out:
    free(arg);
    cJSON_Delete(in);
}

static void not_allowed(struct sim_reply *r, const char *method, const char *path,
                        const char *allow) {
    sim_reply_error(r, 405, "Method %s is not allowed on %s", method, path);
    r->allow = allow;
}

/* ---- jobs ----------------------------------------------------------------------- */

static cJSON *job_json(const struct sim_cluster *c, const struct sim_job *j) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "cluster", c->name);
    cJSON_AddStringToObject(o, "jid", j->jid);
    cJSON_AddStringToObject(o, "state", sim_job_state_name(j->state));
    return o;
}

static void list_jobs(struct sim_model *m, struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON *jobs = cJSON_AddArrayToObject(o, "jobs");
    for (size_t ci = 0; ci < m->n_clusters; ci++) {
        const struct sim_cluster *c = &m->clusters[ci];
        if (c->gone)
            continue; /* a deleted created cluster's */
        for (size_t i = 0; i < c->n_jobs; i++) {
            const struct sim_job *j = &c->jobs[i];
            cJSON *jo = job_json(c, j);
            cJSON_AddStringToObject(jo, "name", j->name);
            if (j->bottleneck >= 0)
                cJSON_AddNumberToObject(jo, "bottleneck", j->bottleneck);
            else
                cJSON_AddNullToObject(jo, "bottleneck");
            cJSON *vs = cJSON_AddArrayToObject(jo, "vertices");
            for (size_t v = 0; v < j->n_vertices; v++) {
                cJSON *vo = cJSON_CreateObject();
                cJSON_AddNumberToObject(vo, "index", (double)v);
                cJSON_AddStringToObject(vo, "id", j->vertices[v].id);
                cJSON_AddStringToObject(vo, "name", j->vertices[v].name);
                cJSON_AddNumberToObject(vo, "parallelism", j->vertices[v].parallelism);
                cJSON_AddItemToArray(vs, vo);
            }
            cJSON_AddItemToArray(jobs, jo);
        }
    }
    sim_reply_json(r, 200, o);
}

/* Reads a whole number field of a JSON object body into *out; answers 400 when missing. */
static bool body_int(const char *body, size_t body_len, const char *field, long min, long max,
                     long *out, struct sim_reply *r) {
    bool ok = false;
    cJSON *in = NULL;
    if (body != NULL && body_len > 0) {
        const char *end = NULL;
        in = cJSON_ParseWithLengthOpts(body, body_len, &end, false);
    }
    const cJSON *v = cJSON_IsObject(in) ? cJSON_GetObjectItemCaseSensitive(in, field) : NULL;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) ||
        v->valuedouble < (double)min || v->valuedouble > (double)max) {
        sim_reply_error(r, 400, "expected a JSON body {\"%s\": <whole number %ld..%ld>}", field,
                        min, max);
        goto out;
    }
    *out = (long)v->valuedouble;
    ok = true;
out:
    cJSON_Delete(in);
    return ok;
}

/* /_sim/jobs/JID/ACTION, under the model lock. */
static void job_action(struct sim_model *m, const char *method, const char *path, const char *rest,
                       const char *body, size_t body_len, int64_t t, struct sim_reply *r) {
    const char *slash = strchr(rest, '/');
    if (slash == NULL) {
        sim_reply_error(r, 404, "Not found: %s", path);
        return;
    }
    char *jid = xstrndup(rest, (size_t)(slash - rest));
    const char *action = slash + 1;
    struct sim_cluster *c = NULL;
    struct sim_job *j = sim_model_job(m, jid, &c);
    bool post = strcmp(method, "POST") == 0;
    long n = 0;
    if (j == NULL) {
        sim_reply_error(r, 404, "Job %s not found", jid);
    } else if (strcmp(action, "fail") == 0) {
        if (!post)
            not_allowed(r, method, path, "POST");
        else if (!sim_model_fail_job(c, j, t))
            sim_reply_error(r, 409, "Job %s is already %s", jid, sim_job_state_name(j->state));
        else
            reply_ok(r, 200, job_json(c, j));
    } else if (strcmp(action, "restart") == 0) {
        if (!post)
            not_allowed(r, method, path, "POST");
        else if (!sim_model_restart_job(c, j, t))
            sim_reply_error(r, 409, "Job %s is a BATCH job: it does not restart", jid);
        else
            reply_ok(r, 200, job_json(c, j));
    } else if (strcmp(action, "failovers") == 0) {
        if (!post) {
            not_allowed(r, method, path, "POST");
        } else if (body_int(body, body_len, "count", 1, 1000, &n, r)) {
            if (sim_model_failovers(c, j, (int)n, t))
                reply_ok(r, 200, job_json(c, j));
            else
                sim_reply_error(r, 409, "Job %s is %s: it does not fail over", jid,
                                sim_job_state_name(j->state));
        }
    } else if (strcmp(action, "crash") == 0) { /* a task fails; the job restarts */
        if (!post)
            not_allowed(r, method, path, "POST");
        else if (!sim_model_crash_job(c, j, t))
            sim_reply_error(r, 409, "Job %s is not running steadily", jid);
        else
            reply_ok(r, 200, job_json(c, j));
    } else if (strcmp(action, "bottleneck") == 0) {
        if (strcmp(method, "DELETE") == 0) {
            sim_load_clear_bottleneck(c, j);
            reply_ok(r, 200, job_json(c, j));
        } else if (!post) {
            not_allowed(r, method, path, "POST, DELETE");
        } else if (body_int(body, body_len, "vertex", 0, (long)j->n_vertices - 1, &n, r)) {
            sim_load_force_bottleneck(c, j, (int)n);
            cJSON *o = job_json(c, j);
            cJSON_AddNumberToObject(o, "vertex", (double)n);
            cJSON_AddStringToObject(o, "vertexId", j->vertices[n].id);
            reply_ok(r, 200, o);
        }
    } else if (strcmp(action, "checkpoint-failures") == 0) {
        if (!post) {
            not_allowed(r, method, path, "POST");
        } else if (j->batch) {
            sim_reply_error(r, 409, "Job %s has checkpointing disabled", jid);
        } else if (body_int(body, body_len, "count", 0, 1000000, &n, r)) {
            sim_checkpoints_force_failures(c, j, (int)n, t);
            cJSON *o = job_json(c, j);
            cJSON_AddNumberToObject(o, "count", (double)n);
            reply_ok(r, 200, o);
        }
    } else {
        sim_reply_error(r, 404, "Not found: %s", path);
    }
    free(jid);
}

/* ---- actions: the request log, forced savepoint failures, Kubernetes conflicts ------ */

static void requests(const struct sim_control *ctl, const char *method, const char *path,
                     struct sim_reply *r) {
    if (strcmp(method, "GET") == 0) {
        sim_reply_json(r, 200, sim_requests_list(ctl->requests));
    } else if (strcmp(method, "DELETE") == 0) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddNumberToObject(o, "cleared", (double)sim_requests_clear(ctl->requests));
        reply_ok(r, 200, o);
    } else {
        not_allowed(r, method, path, "GET, DELETE");
    }
}

static void savepoint_failures(const struct sim_control *ctl, const char *method, const char *path,
                               const char *body, size_t body_len, int64_t now,
                               struct sim_reply *r) {
    long n = 1;
    bool del = strcmp(method, "DELETE") == 0;
    if (!del && strcmp(method, "POST") != 0) {
        not_allowed(r, method, path, "POST, DELETE");
        return;
    }
    if (!del && body != NULL && body_len > 0 &&
        !body_int(body, body_len, "count", 0, 1000000, &n, r))
        return;
    sim_model_lock(ctl->model, now);
    ctl->model->forced_savepoint_failures = del ? 0 : (int)n;
    sim_model_unlock(ctl->model);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "count", del ? 0 : (double)n);
    reply_ok(r, 200, o);
}

/* /_sim/clock: GET reads it, POST {"advance_ms":N} moves it and brings the model there
 * at once (the replay's cost is paid here, and the answer's now is what requests see). */
static void clock_control(const struct sim_control *ctl, const char *method, const char *path,
                          const char *body, size_t body_len, struct sim_reply *r) {
    long ms = 0;
    bool post = strcmp(method, "POST") == 0;
    if (!post && strcmp(method, "GET") != 0) {
        not_allowed(r, method, path, "GET, POST");
        return;
    }
    if (post && !body_int(body, body_len, "advance_ms", 0, (long)SIM_CLOCK_MAX_ADVANCE_MS, &ms, r))
        return;
    int64_t now = post ? sim_clock_advance(ms) : sim_now_ms();
    if (post) {
        now = sim_model_lock(ctl->model, now);
        sim_model_unlock(ctl->model);
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "mode", sim_clock_mode_name(sim_clock_mode()));
    cJSON_AddNumberToObject(o, "now_ms", (double)now);
    reply_ok(r, 200, o);
}

/* Reads an optional {"user": "..."} body; returns owned user name or NULL after a 400. */
static char *forbid_user(const char *body, size_t body_len, struct sim_reply *r) {
    char *user = NULL;
    cJSON *in = NULL;
    if (body != NULL && body_len > 0) {
        const char *end = NULL;
        in = cJSON_ParseWithLengthOpts(body, body_len, &end, false);
        const cJSON *u = cJSON_IsObject(in) ? cJSON_GetObjectItemCaseSensitive(in, "user") : NULL;
        if (!cJSON_IsObject(in) || (u != NULL && !cJSON_IsString(u))) {
            sim_reply_error(r, 400, "expected a JSON body {\"user\": <string>}");
            goto out;
        }
        if (u != NULL)
            user = xstrdup(u->valuestring);
    }
    if (user == NULL)
        user = xstrdup("system:serviceaccount:flink-ops:flinktop");
out:
    cJSON_Delete(in);
    return user;
}

/* /_sim/k8s/forbid and /_sim/k8s/NS/NAME/bump. */
static void k8s_control(const struct sim_control *ctl, const char *method, const char *path,
                        const char *rest, const char *body, size_t body_len, struct sim_reply *r) {
    if (strcmp(rest, "drop-watches") == 0) { /* every open watch stream ends */
        if (strcmp(method, "POST") != 0) {
            not_allowed(r, method, path, "POST");
            return;
        }
        sim_k8s_drop_watches(ctl->k8s);
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(rest, "compact") == 0) { /* etcd compacted: older watches get 410 */
        if (strcmp(method, "POST") != 0) {
            not_allowed(r, method, path, "POST");
            return;
        }
        sim_k8s_compact(ctl->k8s, ctl->model);
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(rest, "token") == 0) { /* a rotated service account token */
        if (strcmp(method, "POST") != 0) {
            not_allowed(r, method, path, "POST");
            return;
        }
        cJSON *in = body != NULL ? cJSON_ParseWithLength(body, body_len) : NULL;
        const cJSON *t = cJSON_GetObjectItemCaseSensitive(in, "token");
        if (!cJSON_IsString(t) || t->valuestring[0] == '\0' || strchr(t->valuestring, '\n')) {
            cJSON_Delete(in);
            sim_reply_error(r, 400, "expected {\"token\": \"a non-empty single line\"}");
            return;
        }
        sim_k8s_auth_set_token(t->valuestring);
        cJSON_Delete(in);
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(rest, "no-metrics-api") == 0) { /* a cluster without metrics-server */
        if (strcmp(method, "POST") != 0 && strcmp(method, "DELETE") != 0) {
            not_allowed(r, method, path, "POST, DELETE");
            return;
        }
        sim_k8s_metrics_absent(strcmp(method, "POST") == 0);
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(rest, "forbid-watch") == 0) { /* RBAC: list yes, watch no */
        if (strcmp(method, "POST") != 0 && strcmp(method, "DELETE") != 0) {
            not_allowed(r, method, path, "POST, DELETE");
            return;
        }
        /* {"resource": "deployments"}: that resource only (RBAC that leaves it out of the
         * watch verbs); no body: every one */
        cJSON *in = body != NULL && body_len > 0 ? cJSON_ParseWithLength(body, body_len) : NULL;
        const cJSON *res = cJSON_GetObjectItemCaseSensitive(in, "resource");
        if (in != NULL && !(cJSON_IsString(res) && res->valuestring[0] != '\0' &&
                            strlen(res->valuestring) < 64 && !strchr(res->valuestring, '/'))) {
            cJSON_Delete(in);
            sim_reply_error(r, 400, "expected no body or {\"resource\": \"a plural name\"}");
            return;
        }
        sim_k8s_auth_forbid_watch(strcmp(method, "POST") == 0,
                                  cJSON_IsString(res) ? res->valuestring : NULL);
        cJSON_Delete(in);
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(rest, "forbid") == 0) {
        if (strcmp(method, "DELETE") == 0) {
            sim_k8s_forbid(ctl->k8s, ctl->model, NULL);
            reply_ok(r, 200, cJSON_CreateObject());
        } else if (strcmp(method, "POST") == 0) {
            char *user = forbid_user(body, body_len, r);
            if (user == NULL)
                return;
            sim_k8s_forbid(ctl->k8s, ctl->model, user);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "user", user);
            free(user);
            reply_ok(r, 200, o);
        } else {
            not_allowed(r, method, path, "POST, DELETE");
        }
        return;
    }
    const char *slash = strchr(rest, '/');
    const char *name = slash != NULL ? slash + 1 : NULL;
    const char *tail = name != NULL ? strchr(name, '/') : NULL;
    if (tail == NULL || (strcmp(tail, "/bump") != 0 && strcmp(tail, "/oom") != 0)) {
        sim_reply_error(r, 404, "Not found: %s", path);
        return;
    }
    if (strcmp(method, "POST") != 0) {
        not_allowed(r, method, path, "POST");
        return;
    }
    char *ns = xstrndup(rest, (size_t)(slash - rest));
    char *nm = xstrndup(name, (size_t)(tail - name));
    if (strcmp(tail, "/oom") == 0) {
        if (sim_k8s_oom(ctl->k8s, ctl->model, ns, nm))
            reply_ok(r, 200, cJSON_CreateObject());
        else
            sim_reply_error(r, 404, "No FlinkDeployment %s/%s", ns, nm);
        free(ns);
        free(nm);
        return;
    }
    char *rv = sim_k8s_bump(ctl->k8s, ctl->model, ns, nm);
    if (rv == NULL) {
        sim_reply_error(r, 404, "No FlinkDeployment %s/%s", ns, nm);
    } else {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "resourceVersion", rv);
        reply_ok(r, 200, o);
    }
    free(rv);
    free(ns);
    free(nm);
}

void sim_control_handle(const struct sim_control *ctl, const char *method, const char *path,
                        const char *body, size_t body_len, int64_t now_ms, struct sim_reply *r) {
    struct sim_faults *faults = ctl->faults;
    struct sim_model *model = ctl->model;
    if (strcmp(path, "/_sim/requests") == 0) {
        requests(ctl, method, path, r);
        return;
    }
    if (strcmp(path, "/_sim/stats") == 0 && ctl->stats != NULL) {
        if (strcmp(method, "GET") == 0) {
            sim_reply_json(r, 200, sim_stats_json(ctl->stats));
        } else if (strcmp(method, "DELETE") == 0) {
            sim_stats_reset(ctl->stats);
            reply_ok(r, 200, cJSON_CreateObject());
        } else {
            not_allowed(r, method, path, "GET, DELETE");
        }
        return;
    }
    if (strcmp(path, "/_sim/savepoints/fail") == 0) {
        savepoint_failures(ctl, method, path, body, body_len, now_ms, r);
        return;
    }
    if (strncmp(path, "/_sim/k8s/", 10) == 0 && ctl->k8s != NULL) {
        k8s_control(ctl, method, path, path + 10, body, body_len, r);
        return;
    }
    if (strcmp(path, "/_sim/jobs") == 0 || strncmp(path, "/_sim/jobs/", 11) == 0) {
        int64_t t = sim_model_lock(model, now_ms);
        if (path[10] == '\0') {
            if (strcmp(method, "GET") == 0)
                list_jobs(model, r);
            else
                not_allowed(r, method, path, "GET");
        } else {
            job_action(model, method, path, path + 11, body, body_len, t, r);
        }
        sim_model_unlock(model);
        return;
    }
    if (strcmp(path, "/_sim/clock") == 0) {
        clock_control(ctl, method, path, body, body_len, r);
        return;
    }
    if (strcmp(path, "/_sim/health") == 0) {
        if (strcmp(method, "GET") != 0) {
            not_allowed(r, method, path, "GET");
            return;
        }
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(path, "/_sim/faults") == 0) {
        if (strcmp(method, "GET") == 0) {
            sim_reply_json(r, 200, sim_faults_list(faults));
        } else if (strcmp(method, "POST") == 0) {
            add_fault(faults, body, body_len, r);
        } else if (strcmp(method, "DELETE") == 0) {
            size_t n = sim_faults_clear(faults);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "cleared", (double)n);
            reply_ok(r, 200, o);
        } else {
            not_allowed(r, method, path, "GET, POST, DELETE");
        }
        return;
    }
    sim_reply_error(r, 404, "Not found: %s", path);
}
