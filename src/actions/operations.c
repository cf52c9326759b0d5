#include "operations.h"

#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "flink_api.h"
#include "flink_detail.h"
#include "job_detail.h"
#include "json_doc.h"
#include "json_get.h"
#include "k8s_api.h"
#include "k8s_model.h"
#include "model.h"
#include "sanitize.h"
#include "xalloc.h"

#define POLL_MS 1000
#define DEADLINE_TRIGGER_MS (10 * 60 * 1000) /* savepoints of large state take minutes */
#define DEADLINE_RESOURCE_MS (5 * 60 * 1000)
#define DEADLINE_JOB_MS (2 * 60 * 1000)
/* An uncertain savepoint or cancel that shows no trace in the job's state this long after
 * the request is taken as not applied. */
#define UNCERTAIN_GRACE_MS 20000

struct operations {
    struct http *http;
    op_audit_fn audit;
    void *audit_arg;
    struct operation **items; /* owned, oldest first */
    size_t len;
    int next_id;
    bool changed;
};

struct operations *operations_new(struct http *http, op_audit_fn audit, void *audit_arg) {
    struct operations *ops = xcalloc(1, sizeof *ops);
    ops->http = http;
    ops->audit = audit;
    ops->audit_arg = audit_arg;
    ops->next_id = 1;
    return ops;
}

/* Server text into a fixed buffer, without control characters. */
static void copy_clean(char *dst, size_t size, const char *src) {
    char *clean = sanitize_strdup(src ? src : "");
    snprintf(dst, size, "%s", clean ? clean : "");
    free(clean);
}

/* Every answer is parsed as the Flink parsers parse theirs (json_doc): an escaped NUL
 * (\u0000) becomes U+FFFD, shown, instead of silently cutting the string it stands in
 * (a savepoint path, a cause, a request-id). NULL when the body is not one JSON value. */
static cJSON *parse_answer(const struct http_response *resp) {
    cJSON *root = NULL;
    if (json_doc_parse(resp->body, resp->len, &root, NULL, 0) != FA_OK)
        return NULL;
    return root;
}

/* An id taken from an answer that went through parse_answer held a NUL: it is not the id
 * the server meant, so it is not followed. */
static bool holds_nul(const char *s) {
    return s != NULL && strstr(s, "\xEF\xBF\xBD") != NULL;
}

static void op_free(struct operation *op) {
    free(op->action);
    free(op->params);
    free(op->cluster);
    free(op->context);
    free(op->ns);
    free(op->resource);
    free(op->job_id);
    free(op->job_name);
    free(op->base_url);
    free(op->follow_path);
    free(op->want_job_state);
    free(op->reason);
    free(op->k8s_user);
    free(op->body);
    free(op);
}

void operations_free(struct operations *ops) {
    if (ops == NULL)
        return;
    for (size_t i = 0; i < ops->len; i++)
        op_free(ops->items[i]);
    free(ops->items);
    free(ops);
}

const char *operations_state_name(enum op_state s) {
    switch (s) {
    case OP_RUNNING:
        return "running";
    case OP_SUCCEEDED:
        return "succeeded";
    case OP_FAILED:
        return "failed";
    case OP_TIMED_OUT:
        return "timed out";
    case OP_ABANDONED:
        return "abandoned";
    case OP_UNKNOWN:
        return "unknown";
    }
    return "?";
}

/* The audit log's word for how an operation ended. */
static const char *phase_name(enum op_state st) {
    switch (st) {
    case OP_SUCCEEDED:
        return "succeeded";
    case OP_TIMED_OUT:
        return "timed-out";
    case OP_ABANDONED:
        return "abandoned";
    case OP_UNKNOWN:
        return "unknown";
    default:
        return "failed";
    }
}

static void finish(struct operation *op, enum op_state st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void finish(struct operation *op, enum op_state st, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    if (st == OP_SUCCEEDED && op->uncertain_ms > 0 && strncmp(s, "applied", 7) != 0) {
        char *t = xasprintf("applied (its answer was lost): %s", s);
        free(s);
        s = t;
    }
    copy_clean(op->result, sizeof op->result, s);
    free(s);
    op->state = st;
    op->phase[0] = '\0';
    op->finished_ms = clock_wall_ms();
    op->owner->changed = true;
    char err[256];
    if (op->owner->audit) /* an outcome line that fails is said by the hook itself */
        (void)op->owner->audit(op->owner->audit_arg, op, phase_name(st), err, sizeof err);
}

static void set_phase(struct operation *op, const char *phase) {
    if (strcmp(op->phase, phase) != 0) {
        copy_clean(op->phase, sizeof op->phase, phase);
        op->owner->changed = true;
    }
}

/* ---- what a failure means --------------------------------------------------------- */

void operations_describe_failure(const struct http_response *resp, bool k8s, char *out,
                                 size_t size) {
    char *msg = NULL;
    if (resp->status >= 400 && resp->body && resp->len)
        msg = k8s ? k8s_api_error_message(resp->body, resp->len)
                  : flink_api_error_message(resp->body, resp->len);
    if (msg == NULL && resp->status >= 400 && resp->body && resp->len)
        msg = k8s ? flink_api_error_message(resp->body, resp->len)
                  : k8s_api_error_message(resp->body, resp->len);
    const char *m = msg ? msg : "";
    switch (resp->status) {
    case 0:
        snprintf(out, size, "%s", resp->error && resp->error[0] ? resp->error : "no answer");
        break;
    case 401:
        snprintf(out, size, "unauthorized (401): the credential was refused%s%s", msg ? ": " : "",
                 m);
        break;
    case 403:
        snprintf(out, size, "forbidden (403): %s", msg ? m : "the server refused the request");
        break;
    case 404:
        snprintf(out, size, "%s (404)%s%s",
                 k8s ? "the resource is gone" : "the job is gone or the endpoint is unknown",
                 msg ? ": " : "", m);
        break;
    case 409:
        snprintf(out, size,
                 "conflict (409): it changed on the server since it was read; press the key "
                 "again to re-read and confirm%s%s",
                 msg ? ": " : "", m);
        break;
    default:
        if (resp->status >= 500)
            snprintf(out, size, "server error HTTP %ld%s%s", resp->status, msg ? ": " : "", m);
        else
            snprintf(out, size, "HTTP %ld%s%s", resp->status, msg ? ": " : "", m);
    }
    free(msg);
}

/* ---- following ---------------------------------------------------------------------- */

static void on_follow(void *arg, const struct http_response *resp);

/* The one place an action's HTTP request is made, the mutation and every follow-up GET:
 * actions go ahead of polls, so that a hung poll never delays them. When http.h grows a
 * priority (struct http_request.priority), it is set here, once. */
static void action_http_request(struct http_request *req, struct operation *op, const char *url,
                                http_done_fn done) {
    memset(req, 0, sizeof *req);
    req->url = url;
    req->tls = op->tls;
    req->done = done;
    req->arg = op; /* the callback gets its operation back */
    /* a user's action and its follow-up: ahead of every poll, never held by the budget */
    req->priority = HTTP_PRIO_ACTION;
}

static void submit_get(struct operation *op, const char *path) {
    char *url = xasprintf("%s%s", op->base_url, path);
    struct http_request req;
    action_http_request(&req, op, url, on_follow);
    op->in_flight = true;
    if (http_submit(op->owner->http, &req) != 0) {
        op->in_flight = false;
        finish(op, OP_FAILED, "cannot request %s", path);
    }
    free(url);
}

/* Flink's savepoint (and stop) status: IN_PROGRESS, then COMPLETED with either a
 * location or a failure cause. */
static void follow_trigger(struct operation *op, const cJSON *root) {
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    const char *id = json_get_string_ref(status, "id");
    if (id == NULL || strcmp(id, "COMPLETED") != 0) {
        char phase[96];
        snprintf(phase, sizeof phase, "savepoint %s", id ? id : "pending");
        set_phase(op, phase);
        return;
    }
    const cJSON *operation = cJSON_GetObjectItemCaseSensitive(root, "operation");
    const char *loc = json_get_string_ref(operation, "location");
    const cJSON *cause = cJSON_GetObjectItemCaseSensitive(operation, "failure-cause");
    if (cause == NULL) /* checkpoints spell it failureCause */
        cause = cJSON_GetObjectItemCaseSensitive(operation, "failureCause");
    if (loc) {
        finish(op, OP_SUCCEEDED, "savepoint at %s", loc);
    } else if (cause) {
        const char *cls = json_get_string_ref(cause, "class");
        const char *trace = json_get_string_ref(cause, "stack-trace");
        char first[512] = "";
        if (trace) { /* the exception's own line says most */
            size_t n = strcspn(trace, "\n");
            snprintf(first, sizeof first, "%.*s", (int)(n < 511 ? n : 511), trace);
        }
        finish(op, OP_FAILED, "savepoint failed: %s", first[0] ? first : (cls ? cls : "unknown"));
    } else {
        finish(op, OP_FAILED, "savepoint completed without a location");
    }
}

static void follow_snapshot(struct operation *op, const struct http_response *resp) {
    struct flink_snapshot s;
    char err[256];
    if (k8s_api_parse_snapshot(resp->body, resp->len, &s, err, sizeof err) != FA_OK) {
        set_phase(op, "waiting for the snapshot's status");
        return;
    }
    if (s.state == SNAPSHOT_COMPLETED) {
        finish(op, OP_SUCCEEDED, "savepoint at %s", s.path ? s.path : "(no path reported)");
    } else if (s.state == SNAPSHOT_FAILED || s.state == SNAPSHOT_ABANDONED) {
        finish(op, OP_FAILED, "snapshot %s: %s", snapshot_state_name(s.state),
               s.error ? s.error : "no reason given");
    } else {
        char phase[96];
        snprintf(phase, sizeof phase, "snapshot %s", snapshot_state_name(s.state));
        set_phase(op, phase);
    }
    flink_snapshot_free(&s);
}

/* status.jobStatus.savepointInfo.lastSavepoint of a resource, when its triggerNonce is
 * ours: the location. borrowed from root */
static const char *nonce_savepoint(const cJSON *root, int64_t nonce) {
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *js = cJSON_GetObjectItemCaseSensitive(st, "jobStatus");
    const cJSON *info = cJSON_GetObjectItemCaseSensitive(js, "savepointInfo");
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(info, "lastSavepoint");
    if (last == NULL || json_get_i64(last, "triggerNonce", -1) != nonce)
        return NULL;
    return json_get_string_ref(last, "location");
}

static void follow_resource(struct operation *op, const struct http_response *resp) {
    struct flink_resource r;
    char err[256];
    if (k8s_api_parse_flink_resource(resp->body, resp->len, &r, err, sizeof err) != FA_OK) {
        set_phase(op, "waiting for the resource");
        return;
    }
    if (op->savepoint_nonce > 0) {
        cJSON *root = parse_answer(resp);
        const char *loc = nonce_savepoint(root, op->savepoint_nonce);
        if (loc)
            finish(op, OP_SUCCEEDED, "savepoint at %s", loc);
        cJSON_Delete(root);
        if (op->state != OP_RUNNING) {
            flink_resource_free(&r);
            return;
        }
    }
    enum flink_lifecycle lc = r.status.lifecycle;
    bool caught_up = r.status.observed_generation >= op->generation && op->generation > 0;
    char phase[96];
    if (!caught_up) {
        snprintf(phase, sizeof phase, "operator: generation %lld of %lld, %s",
                 (long long)r.status.observed_generation, (long long)op->generation,
                 flink_lifecycle_name(lc));
        set_phase(op, phase);
    } else if (op->savepoint_nonce > 0) {
        snprintf(phase, sizeof phase, "operator: savepoint requested, %s",
                 flink_lifecycle_name(lc));
        set_phase(op, phase);
    } else if (lc == LIFECYCLE_FAILED) {
        finish(op, OP_FAILED, "the resource FAILED: %s",
               r.status.error ? r.status.error : "no error given");
    } else if (lc == LIFECYCLE_ROLLED_BACK || r.status.jm_status == JM_DEPLOY_ERROR) {
        /* the new spec never came up: the operator rolled back, or its JobManager fails */
        finish(op, OP_FAILED, "%s: %s",
               lc == LIFECYCLE_ROLLED_BACK ? "rolled back to the last stable spec"
                                           : "the JobManager deployment failed",
               r.status.error ? r.status.error : "no error given");
    } else if (op->want_suspended ? lc == LIFECYCLE_SUSPENDED : lc == LIFECYCLE_STABLE) {
        finish(op, OP_SUCCEEDED, "reconciled: generation %lld, %s",
               (long long)r.status.observed_generation, flink_lifecycle_name(lc));
    } else {
        snprintf(phase, sizeof phase, "operator: %s", flink_lifecycle_name(lc));
        set_phase(op, phase);
    }
    flink_resource_free(&r);
}

static void follow_job(struct operation *op, const struct http_response *resp) {
    cJSON *root = NULL;
    char err[256];
    if (json_doc_parse_object(resp->body, resp->len, &root, err, sizeof err) != FA_OK) {
        set_phase(op, "waiting for the job");
        return;
    }
    const char *state = json_get_string_ref(root, "state");
    if (state == NULL)
        state = "?";
    if (op->want_job_state) {
        if (strcmp(state, op->want_job_state) == 0)
            finish(op, OP_SUCCEEDED, "job %s", state);
        else if (strcmp(state, "FAILED") == 0)
            finish(op, OP_FAILED, "the job FAILED instead");
        else {
            char phase[96];
            snprintf(phase, sizeof phase, "job %s", state);
            set_phase(op, phase);
        }
    } else if (op->want_parallelism > 0) {
        struct job_details d;
        bool at = false;
        if (flink_api_parse_job_details(resp->body, resp->len, &d, err, sizeof err) == FA_OK)
            at = d.parallelism == op->want_parallelism;
        if (strcmp(state, "RUNNING") != 0)
            op->seen_change = true;
        if (at && strcmp(state, "RUNNING") == 0) {
            finish(op, OP_SUCCEEDED, "running at parallelism %d", op->want_parallelism);
        } else {
            char phase[96];
            snprintf(phase, sizeof phase, "job %s, rescaling to %d", state, op->want_parallelism);
            set_phase(op, phase);
        }
    }
    cJSON_Delete(root);
}

/* A Deployment after its template changed: the controller has seen the generation and
 * every replica is updated and available; or it gave up (ProgressDeadlineExceeded). */
static void follow_deployment(struct operation *op, const struct http_response *resp) {
    cJSON *root = NULL;
    char err[256];
    if (json_doc_parse_object(resp->body, resp->len, &root, err, sizeof err) != FA_OK) {
        set_phase(op, "waiting for the Deployment");
        return;
    }
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(root, "spec");
    int64_t observed = json_get_i64(st, "observedGeneration", -1);
    int64_t want = json_get_i64(spec, "replicas", 1);
    int64_t updated = json_get_i64(st, "updatedReplicas", 0);
    int64_t available = json_get_i64(st, "availableReplicas", 0);
    int64_t total = json_get_i64(st, "replicas", 0);
    const cJSON *conds = cJSON_GetObjectItemCaseSensitive(st, "conditions"), *cond;
    cJSON_ArrayForEach(cond, conds) {
        const char *reason = json_get_string_ref(cond, "reason");
        if (reason && strcmp(reason, "ProgressDeadlineExceeded") == 0) {
            const char *m = json_get_string_ref(cond, "message");
            finish(op, OP_FAILED, "the rollout stalled: %s", m ? m : reason);
            cJSON_Delete(root);
            return;
        }
    }
    if (observed >= op->generation && op->generation > 0 && updated == want && available == want &&
        total == want) {
        finish(op, OP_SUCCEEDED, "rolled out: %lld/%lld replicas updated", (long long)updated,
               (long long)want);
    } else {
        char phase[96];
        snprintf(phase, sizeof phase, "rollout: %lld of %lld updated, %lld available",
                 (long long)updated, (long long)want, (long long)available);
        set_phase(op, phase);
    }
    cJSON_Delete(root);
}

/* ---- sent, answer lost: was it applied? -------------------------------------------- */

bool operations_maybe_delivered(const struct http_response *resp) {
    if (resp->outcome == HTTP_OK)
        return false; /* an answer came: it says what happened */
    /* http.c's words for a request that went out and whose answer did not come whole; a
     * refused connection, a bad URL, TLS or an HTTP status mean it was not taken */
    const char *e = resp->error ? resp->error : "";
    static const char *const lost[] = {"timed out", "server closed the connection",
                                       "connection reset", "response cut short"};
    for (size_t i = 0; i < sizeof lost / sizeof lost[0]; i++)
        if (strncmp(e, lost[i], strlen(lost[i])) == 0)
            return true;
    return false;
}

/* Every member of the merge-patch `want` is in `have` with the same value (null: absent).
 * metadata is skipped: its resourceVersion is the precondition, not a change. */
static bool patch_in(const cJSON *want, const cJSON *have, int depth) {
    if (depth > 16)
        return false;
    const cJSON *w;
    cJSON_ArrayForEach(w, want) {
        if (depth == 0 && w->string && strcmp(w->string, "metadata") == 0)
            continue;
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(have, w->string);
        if (cJSON_IsNull(w)) {
            if (h != NULL && !cJSON_IsNull(h))
                return false;
        } else if (cJSON_IsObject(w)) {
            if (!cJSON_IsObject(h) || !patch_in(w, h, depth + 1))
                return false;
        } else if (h == NULL || !cJSON_Compare(w, h, true)) {
            return false;
        }
    }
    return true;
}

static void become_applied(struct operation *op, const char *how) {
    op->uncertain = false;
    char phase[96];
    snprintf(phase, sizeof phase, "applied (%s); following", how);
    set_phase(op, phase);
}

/* A patched resource or Deployment read back: it carries the patch (applied: follow on as
 * if the answer had come), or it does not (not applied). */
static void uncertain_patch(struct operation *op, const struct http_response *resp) {
    cJSON *have = parse_answer(resp);
    cJSON *want = op->body ? cJSON_Parse(op->body) : NULL;
    if (!cJSON_IsObject(have) || !cJSON_IsObject(want)) {
        set_phase(op, "unknown: it may have been applied; reading the resource");
    } else if (patch_in(want, have, 0)) {
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(have, "metadata");
        op->generation = json_get_i64(md, "generation", -1);
        become_applied(op, "the resource carries the patch");
    } else {
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(want, "metadata");
        const char *sent_rv = json_get_string_ref(md, "resourceVersion");
        const char *rv = json_get_string_ref(cJSON_GetObjectItemCaseSensitive(have, "metadata"),
                                             "resourceVersion");
        finish(op, OP_FAILED, "not applied: the %s does not carry the change%s",
               op->follow == OP_FOLLOW_DEPLOYMENT ? "Deployment" : "resource",
               sent_rv && rv && strcmp(sent_rv, rv) == 0 ? " (unchanged since it was read)" : "");
    }
    cJSON_Delete(want);
    cJSON_Delete(have);
}

/* A plain savepoint or stop: the job's checkpoint history has a savepoint triggered since
 * the request (applied), or none a while later (not applied). */
static void uncertain_trigger(struct operation *op, const struct http_response *resp) {
    struct checkpoint_stats cs;
    char err[256];
    if (flink_detail_parse_checkpoints(resp->body, resp->len, &cs, err, sizeof err) != FA_OK) {
        set_phase(op, "unknown: it may have been applied; reading the checkpoints");
        checkpoint_stats_free(&cs);
        return;
    }
    const struct checkpoint *found = NULL;
    for (size_t i = 0; i < cs.n_history && found == NULL; i++)
        if (cs.history[i].is_savepoint && cs.history[i].trigger_ts >= op->started_ms - 2000)
            found = &cs.history[i];
    if (found && found->status && strcmp(found->status, "COMPLETED") == 0 && found->path)
        finish(op, OP_SUCCEEDED, "applied: savepoint at %s", found->path);
    else if (found && found->status && strcmp(found->status, "FAILED") == 0)
        finish(op, OP_FAILED, "applied, but the savepoint failed: %s",
               found->failure_message ? found->failure_message : "no reason given");
    else if (found)
        set_phase(op, "applied: savepoint IN_PROGRESS");
    else if (clock_mono_ms() - op->uncertain_ms > UNCERTAIN_GRACE_MS)
        finish(op, OP_FAILED, "not applied: no savepoint of the job started after the request");
    else
        set_phase(op, "unknown: it may have been applied; reading the checkpoints");
    checkpoint_stats_free(&cs);
}

/* A cancel: the job left RUNNING (applied) or is still RUNNING a while later. */
static void uncertain_job(struct operation *op, const struct http_response *resp) {
    cJSON *root = parse_answer(resp);
    const char *state = json_get_string_ref(root, "state");
    if (state && op->want_job_state && strcmp(state, "RUNNING") != 0) {
        become_applied(op, "the job left RUNNING");
    } else if (state && op->want_job_state &&
               clock_mono_ms() - op->uncertain_ms > UNCERTAIN_GRACE_MS) {
        finish(op, OP_FAILED, "not applied: the job is still %s", state);
    } else if (state && op->want_parallelism > 0) {
        op->uncertain = false; /* rescaling shows itself: follow it as usual */
        follow_job(op, resp);
    } else {
        set_phase(op, "unknown: it may have been applied; reading the job");
    }
    cJSON_Delete(root);
}

static void follow_uncertain(struct operation *op, const struct http_response *resp) {
    if (resp->outcome != HTTP_OK) {
        if (resp->status == 404 && op->follow == OP_FOLLOW_SNAPSHOT)
            finish(op, OP_FAILED, "not applied: the snapshot %s does not exist", op->ref);
        else
            set_phase(op, "unknown: it may have been applied; reading the state again");
        return;
    }
    switch (op->follow) {
    case OP_FOLLOW_SNAPSHOT: /* it exists: it was created */
        become_applied(op, "the snapshot exists");
        follow_snapshot(op, resp);
        break;
    case OP_FOLLOW_RESOURCE:
    case OP_FOLLOW_DEPLOYMENT:
        uncertain_patch(op, resp);
        break;
    case OP_FOLLOW_TRIGGER:
        uncertain_trigger(op, resp);
        break;
    case OP_FOLLOW_JOB:
        uncertain_job(op, resp);
        break;
    case OP_FOLLOW_NONE:
        break;
    }
}

/* The mutating request went out and no answer came: say so, and read the state. */
static void start_uncertain(struct operation *op, const char *why) {
    op->uncertain = true;
    op->uncertain_ms = clock_mono_ms();
    if (op->follow == OP_FOLLOW_TRIGGER) {
        free(op->follow_path);
        op->follow_path = xasprintf("/jobs/%s/checkpoints", op->job_id ? op->job_id : "");
    }
    if (op->follow == OP_FOLLOW_NONE || op->follow_path == NULL) {
        finish(op, OP_UNKNOWN, "unknown: it may have been applied (%s); nothing to read back", why);
        return;
    }
    char phase[96];
    snprintf(phase, sizeof phase, "unknown: it may have been applied (%.40s); reading", why);
    set_phase(op, phase);
}

static void on_follow(void *arg, const struct http_response *resp) {
    struct operation *op = arg;
    op->in_flight = false;
    op->next_poll_ms = clock_mono_ms() + POLL_MS;
    if (op->state != OP_RUNNING)
        return;
    if (op->uncertain) {
        follow_uncertain(op, resp);
        return;
    }
    if (resp->outcome != HTTP_OK) {
        if (resp->status == 404 || resp->status == 403 || resp->status == 401) {
            char line[512];
            operations_describe_failure(resp, op->api_server, line, sizeof line);
            finish(op, OP_FAILED, "while following: %s", line);
        } else { /* a slow or flaky server: keep trying until the deadline */
            char phase[96];
            snprintf(phase, sizeof phase, "retrying: %s", resp->error);
            set_phase(op, phase);
        }
        return;
    }
    switch (op->follow) {
    case OP_FOLLOW_TRIGGER: {
        cJSON *root = NULL;
        char err[256];
        if (json_doc_parse_object(resp->body, resp->len, &root, err, sizeof err) == FA_OK)
            follow_trigger(op, root);
        else
            set_phase(op, "waiting for the savepoint's status");
        cJSON_Delete(root);
        break;
    }
    case OP_FOLLOW_SNAPSHOT:
        follow_snapshot(op, resp);
        break;
    case OP_FOLLOW_RESOURCE:
        follow_resource(op, resp);
        break;
    case OP_FOLLOW_JOB:
        follow_job(op, resp);
        break;
    case OP_FOLLOW_DEPLOYMENT:
        follow_deployment(op, resp);
        break;
    case OP_FOLLOW_NONE:
        break;
    }
}

/* ---- the mutating request --------------------------------------------------------- */

/* The answer to the request itself: what to follow next. */
static void on_sent(void *arg, const struct http_response *resp) {
    struct operation *op = arg;
    op->in_flight = false;
    if (op->state != OP_RUNNING) /* abandoned at quit, then cancelled by http_free */
        return;
    op->http_status = resp->status;
    op->next_poll_ms = clock_mono_ms() + POLL_MS;
    op->owner->changed = true;
    if (operations_maybe_delivered(resp)) {
        start_uncertain(op, resp->error && resp->error[0] ? resp->error : "no answer");
        return;
    }
    if (resp->outcome != HTTP_OK) {
        char line[768];
        operations_describe_failure(resp, op->api_server, line, sizeof line);
        finish(op, OP_FAILED, "%s", line);
        return;
    }
    cJSON *root = parse_answer(resp);
    switch (op->follow) {
    case OP_FOLLOW_TRIGGER: {
        const char *id = json_get_string_ref(root, "request-id");
        if (id == NULL) {
            finish(op, OP_FAILED, "the answer carried no request-id");
            break;
        }
        if (holds_nul(id)) {
            finish(op, OP_FAILED, "the answer's request-id holds a NUL (\\u0000): not followed");
            break;
        }
        copy_clean(op->ref, sizeof op->ref, id);
        free(op->follow_path);
        op->follow_path =
            xasprintf("/jobs/%s/savepoints/%s", op->job_id ? op->job_id : "", op->ref);
        set_phase(op, "savepoint triggered");
        break;
    }
    case OP_FOLLOW_SNAPSHOT: {
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
        const char *name = json_get_string_ref(md, "name");
        if (name)
            copy_clean(op->ref, sizeof op->ref, name);
        set_phase(op, "snapshot created");
        break;
    }
    case OP_FOLLOW_RESOURCE:
    case OP_FOLLOW_DEPLOYMENT: {
        const cJSON *md = cJSON_GetObjectItemCaseSensitive(root, "metadata");
        op->generation = json_get_i64(md, "generation", -1);
        const char *rv = json_get_string_ref(md, "resourceVersion");
        if (rv)
            snprintf(op->ref, sizeof op->ref, "resourceVersion %s", rv);
        set_phase(op, op->follow == OP_FOLLOW_DEPLOYMENT ? "patched; waiting for the rollout"
                                                         : "patched; waiting for the operator");
        break;
    }
    case OP_FOLLOW_JOB:
        set_phase(op, "accepted");
        break;
    case OP_FOLLOW_NONE:
        finish(op, OP_SUCCEEDED, "done (HTTP %ld)", resp->status);
        break;
    }
    cJSON_Delete(root);
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

/* Keep the list bounded: drop the oldest finished operations beyond OPS_KEEP. */
static void prune(struct operations *ops) {
    size_t i = 0;
    while (ops->len > OPS_KEEP && i < ops->len) {
        if (ops->items[i]->state != OP_RUNNING) {
            op_free(ops->items[i]);
            memmove(&ops->items[i], &ops->items[i + 1], (ops->len - i - 1) * sizeof *ops->items);
            ops->len--;
        } else {
            i++;
        }
    }
}

const struct operation *operations_start(struct operations *ops, const struct op_request *r,
                                         char *err, size_t errlen) {
    if (r->base_url == NULL || r->path == NULL || r->action == NULL) {
        snprintf(err, errlen, "nothing to send");
        return NULL;
    }
    prune(ops);
    struct operation *op = xcalloc(1, sizeof *op);
    op->owner = ops;
    op->id = ops->next_id++;
    op->action = xstrdup(r->action);
    op->params = xstrdup(r->params ? r->params : "{}");
    op->cluster_id = r->cluster_id;
    op->cluster = dup_or_null(r->cluster);
    op->context = dup_or_null(r->context);
    op->ns = dup_or_null(r->ns);
    op->resource = dup_or_null(r->resource);
    op->job_id = dup_or_null(r->job_id);
    op->job_name = dup_or_null(r->job_name);
    op->base_url = xstrdup(r->base_url);
    size_t n = strlen(op->base_url);
    while (n > 0 && op->base_url[n - 1] == '/')
        op->base_url[--n] = '\0';
    op->follow_path = dup_or_null(r->follow_path);
    op->tls = r->tls;
    op->api_server = r->api_server;
    op->follow = r->follow;
    op->want_job_state = dup_or_null(r->want_job_state);
    op->want_parallelism = r->want_parallelism;
    op->want_suspended = r->want_suspended;
    op->savepoint_nonce = r->savepoint_nonce;
    op->reason = dup_or_null(r->reason);
    op->k8s_user = dup_or_null(r->k8s_user);
    op->body = dup_or_null(r->body);
    if (r->ref)
        copy_clean(op->ref, sizeof op->ref, r->ref);
    op->generation = -1;
    op->state = OP_RUNNING;
    op->started_ms = clock_wall_ms();
    int64_t deadline = r->deadline_ms;
    if (deadline <= 0)
        deadline = r->follow == OP_FOLLOW_TRIGGER || r->follow == OP_FOLLOW_SNAPSHOT
                       ? DEADLINE_TRIGGER_MS
                       : (r->follow == OP_FOLLOW_RESOURCE || r->follow == OP_FOLLOW_DEPLOYMENT
                              ? DEADLINE_RESOURCE_MS
                              : DEADLINE_JOB_MS);
    op->deadline_ms = clock_mono_ms() + deadline;
    snprintf(op->phase, sizeof op->phase, "sending");

    /* The audit line first: an action that cannot be audited is not sent. */
    char why[256] = "";
    if (ops->audit && ops->audit(ops->audit_arg, op, "requested", why, sizeof why) != 0) {
        snprintf(err, errlen, "%s", why[0] ? why : "audit log: the line could not be written");
        ops->next_id--;
        op_free(op);
        return NULL;
    }
    char *url = xasprintf("%s%s", op->base_url, r->path);
    struct http_request req;
    action_http_request(&req, op, url, on_sent);
    req.method = r->method;
    req.body = r->body;
    req.content_type = r->content_type;
    ops->items = xrealloc(ops->items, (ops->len + 1) * sizeof *ops->items);
    ops->items[ops->len++] = op;
    op->in_flight = true;
    if (http_submit(ops->http, &req) != 0) {
        op->in_flight = false;
        finish(op, OP_FAILED, "cannot make a request to %s", url);
    }
    free(url);
    ops->changed = true;
    return op;
}

void operations_tick(struct operations *ops, int64_t now_ms) {
    (void)now_ms; /* deadlines and polls run on the monotonic clock */
    int64_t mono = clock_mono_ms();
    for (size_t i = 0; i < ops->len; i++) {
        struct operation *op = ops->items[i];
        if (op->state != OP_RUNNING || op->in_flight)
            continue;
        if (mono >= op->deadline_ms && op->uncertain) {
            finish(op, OP_UNKNOWN, "unknown: it may have been applied; check the %s",
                   op->api_server ? "resource with kubectl" : "job");
            continue;
        }
        if (mono >= op->deadline_ms) {
            finish(op, OP_TIMED_OUT, "gave up waiting (%s); check the %s", op->phase,
                   op->api_server ? "resource with kubectl" : "job");
            continue;
        }
        if (op->follow_path && mono >= op->next_poll_ms)
            submit_get(op, op->follow_path);
    }
}

static bool same(const char *a, const char *b) {
    return (a == NULL && b == NULL) || (a && b && strcmp(a, b) == 0);
}

const struct operation *operations_running(const struct operations *ops, int cluster_id,
                                           const char *job_id, const char *action) {
    for (size_t i = ops ? ops->len : 0; i-- > 0;) {
        const struct operation *op = ops->items[i];
        if (op->state == OP_RUNNING && op->cluster_id == cluster_id && same(op->job_id, job_id) &&
            (action == NULL || strcmp(op->action, action) == 0))
            return op;
    }
    return NULL;
}

const struct operation *operations_unsettled(const struct operations *ops, int cluster_id,
                                             const char *job_id, const char *action) {
    for (size_t i = ops ? ops->len : 0; i-- > 0;) {
        const struct operation *op = ops->items[i];
        if ((op->state == OP_RUNNING || op->state == OP_UNKNOWN) && op->cluster_id == cluster_id &&
            same(op->job_id, job_id) && (action == NULL || strcmp(op->action, action) == 0))
            return op;
    }
    return NULL;
}

size_t operations_running_count(const struct operations *ops) {
    size_t n = 0;
    for (size_t i = 0; ops && i < ops->len; i++)
        n += ops->items[i]->state == OP_RUNNING;
    return n;
}

bool operations_busy(const struct operations *ops, int cluster_id, const char *job_id) {
    for (size_t i = 0; ops && i < ops->len; i++) {
        const struct operation *op = ops->items[i];
        if (op->state == OP_RUNNING && op->cluster_id == cluster_id &&
            (job_id == NULL || same(op->job_id, job_id)))
            return true;
    }
    return false;
}

size_t operations_count(const struct operations *ops) { return ops ? ops->len : 0; }

const struct operation *operations_get(const struct operations *ops, size_t i) {
    return i < ops->len ? ops->items[ops->len - 1 - i] : NULL;
}

bool operations_take_changed(struct operations *ops) {
    bool c = ops->changed;
    ops->changed = false;
    return c;
}

void operations_set_audit(struct operations *ops, op_audit_fn audit, void *audit_arg) {
    ops->audit = audit;
    ops->audit_arg = audit_arg;
}

void operations_abandon_all(struct operations *ops) {
    for (size_t i = 0; ops && i < ops->len; i++)
        if (ops->items[i]->state == OP_RUNNING)
            finish(ops->items[i], OP_ABANDONED,
                   "flinktop quit while following it (%s); the "
                   "request itself was sent",
                   ops->items[i]->phase);
}
