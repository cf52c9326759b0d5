#include "sim_flink_actions.h"

#include "sim_actions.h"
#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VERTEX_MAX_PARALLELISM 128 /* the vertices' maxParallelism (sim_flink) */

/* Parses an optional JSON object body: {} when empty. Returns owned object, or NULL
 * after answering 400 the way Flink rejects a body of the wrong shape. */
static cJSON *object_body(const char *body, size_t body_len, const char *type,
                          struct sim_reply *r) {
    if (body == NULL || body_len == 0)
        return cJSON_CreateObject();
    const char *end = NULL;
    cJSON *in = cJSON_ParseWithLengthOpts(body, body_len, &end, false);
    if (!cJSON_IsObject(in)) {
        cJSON_Delete(in);
        sim_reply_error(r, 400, "Request did not match expected format %s.", type);
        return NULL;
    }
    return in;
}

static bool is_hex32(const char *s) {
    if (strlen(s) != 32)
        return false;
    for (const char *p = s; *p != '\0'; p++)
        if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
            return false;
    return true;
}

/* ---- savepoints ------------------------------------------------------------------ */

void sim_flink_actions_savepoint(struct sim_model *m, struct sim_cluster *c, struct sim_job *j,
                                 const char *body, size_t body_len, bool stop, int64_t now,
                                 struct sim_reply *r) {
    const char *type = stop ? "StopWithSavepointRequestBody" : "SavepointTriggerRequestBody";
    const char *dir_field = stop ? "targetDirectory" : "target-directory";
    char *dir = NULL;
    cJSON *in = object_body(body, body_len, type, r);
    if (in == NULL)
        return;
    const cJSON *target = cJSON_GetObjectItemCaseSensitive(in, dir_field);
    const cJSON *flag = cJSON_GetObjectItemCaseSensitive(in, stop ? "drain" : "cancel-job");
    const cJSON *trigger = cJSON_GetObjectItemCaseSensitive(in, "triggerId");
    if ((target != NULL && !cJSON_IsString(target) && !cJSON_IsNull(target)) ||
        (flag != NULL && !cJSON_IsBool(flag) && !cJSON_IsNull(flag)) ||
        (trigger != NULL && !(cJSON_IsString(trigger) && is_hex32(trigger->valuestring)) &&
         !cJSON_IsNull(trigger))) {
        sim_reply_error(r, 400, "Request did not match expected format %s.", type);
        goto out;
    }
    const char *tid = cJSON_IsString(trigger) ? trigger->valuestring : NULL;
    /* A retry with the same triggerId is the same operation. */
    if (tid != NULL && sim_actions_find(c, j->jid, tid) != NULL) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "request-id", tid);
        sim_reply_json(r, 202, o);
        goto out;
    }
    if (cJSON_IsString(target) && target->valuestring[0] != '\0')
        dir = xstrdup(target->valuestring);
    else
        dir = sim_actions_savepoint_dir(c);
    if (dir == NULL) {
        const char *key = sim_cluster_version_at_least(c, 2, 0)
                              ? "execution.checkpointing.savepoint-dir"
                              : "state.savepoints.dir";
        sim_reply_error(r, 400, "Config key [%s] is not set. Property [%s] must be provided.", key,
                        dir_field);
        goto out;
    }
    int fail = -1;
    if (m->forced_savepoint_failures > 0) {
        m->forced_savepoint_failures--;
        fail = 1;
    }
    bool cancel_job = !stop && cJSON_IsTrue(flag);
    const struct sim_savepoint_op *op =
        sim_actions_savepoint(c, j, now, dir, tid, stop, cancel_job, fail);
    if (op == NULL) {
        sim_reply_error(r, 503, "Too many savepoint operations on this cluster (%d).",
                        SIM_ACTIONS_MAX_OPS);
        goto out;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "request-id", op->trigger);
    sim_reply_json(r, 202, o);
out:
    free(dir);
    cJSON_Delete(in);
}

void sim_flink_actions_savepoint_status(const struct sim_cluster *c, const struct sim_job *j,
                                        const char *trigger, struct sim_reply *r) {
    const struct sim_savepoint_op *op = sim_actions_find(c, j->jid, trigger);
    if (op == NULL) {
        sim_reply_error(r, 404, "There is no savepoint operation with triggerId=%s for job %s.",
                        trigger, j->jid);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON *st = cJSON_AddObjectToObject(o, "status");
    if (!op->done) {
        cJSON_AddStringToObject(st, "id", "IN_PROGRESS");
        cJSON_AddNullToObject(o, "operation");
        sim_reply_json(r, 200, o);
        return;
    }
    /* A failure is COMPLETED too, with a failure-cause instead of a location. */
    cJSON_AddStringToObject(st, "id", "COMPLETED");
    cJSON *operation = cJSON_AddObjectToObject(o, "operation");
    if (op->failed) {
        cJSON *cause = cJSON_AddObjectToObject(operation, "failure-cause");
        cJSON_AddStringToObject(cause, "class", op->failure_class);
        cJSON_AddStringToObject(cause, "stack-trace", op->failure_trace);
        /* Java serialization, base64; clients ignore it. */
        cJSON_AddStringToObject(cause, "serialized-throwable", "rO0ABXNyADdvcmcuYXBhY2hl");
    } else {
        cJSON_AddStringToObject(operation, "location", op->location);
    }
    sim_reply_json(r, 200, o);
}

/* ---- cancel ---------------------------------------------------------------------- */

void sim_flink_actions_cancel(struct sim_cluster *c, struct sim_job *j, const char *mode,
                              int64_t now, struct sim_reply *r) {
    if (mode != NULL && strcmp(mode, "stop") == 0) {
        sim_reply_error(r, 308,
                        "The termination mode \"stop\" has been removed. For an ungraceful "
                        "shutdown, please use \"cancel\" instead. For a graceful shutdown, "
                        "please use \"jobs/:jobId/stop\" instead.");
        return;
    }
    if (mode != NULL && strcmp(mode, "cancel") != 0) {
        sim_reply_error(r, 400,
                        "Bad request, could not parse parameters: Cannot resolve query "
                        "parameter (mode) from value \"%s\".",
                        mode);
        return;
    }
    if (!sim_actions_cancel(c, j, now)) {
        sim_reply_error(r, 409,
                        "Job cancellation failed because the job has already reached another "
                        "terminal state (%s).",
                        sim_job_state_name(j->state));
        return;
    }
    sim_reply_json(r, 202, cJSON_CreateObject());
}

/* ---- resource requirements ------------------------------------------------------- */

/* False after answering as Flink does when the scheduler cannot change requirements. */
static bool adaptive(const struct sim_cluster *c, struct sim_reply *r) {
    if (strcmp(c->profile->scheduler, "adaptive") == 0)
        return true;
    /* Flink's answer to an exception no handler expected: two entries. */
    cJSON *o = cJSON_CreateObject();
    cJSON *errors = cJSON_AddArrayToObject(o, "errors");
    cJSON_AddItemToArray(errors, cJSON_CreateString("Internal server error."));
    cJSON_AddItemToArray(
        errors,
        cJSON_CreateString(
            "<Exception on server side:\n"
            "java.lang.UnsupportedOperationException: The DefaultScheduler does not support "
            "changing the parallelism without a job restart. This feature is currently only "
            "expected to work with the AdaptiveScheduler (jobmanager.scheduler: adaptive).\n"
            "\tat org.apache.flink.runtime.scheduler.SchedulerNG.requestJobResourceRequirements"
            "(SchedulerNG.java:217)\n"
            "\tat org.apache.flink.runtime.jobmaster.JobMaster.requestJobResourceRequirements"
            "(JobMaster.java:1005)\n\nEnd of exception on server side>"));
    sim_reply_json(r, 500, o);
    return false;
}

void sim_flink_actions_requirements(const struct sim_cluster *c, const struct sim_job *j,
                                    struct sim_reply *r) {
    if (!adaptive(c, r))
        return;
    cJSON *o = cJSON_CreateObject();
    for (size_t v = 0; v < j->n_vertices; v++) {
        const struct sim_vertex *vx = &j->vertices[v];
        /* While a rescale restarts the job, the requirements already are the new ones. */
        int upper = j->action.kind == SIM_ACTION_RESTART && j->action.parallelism[v] > 0
                        ? j->action.parallelism[v]
                    : j->next_parallelism[v] > 0 ? j->next_parallelism[v]
                                                 : vx->parallelism;
        cJSON *p = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, vx->id), "parallelism");
        cJSON_AddNumberToObject(p, "lowerBound", vx->lower_bound > 0 ? vx->lower_bound : 1);
        cJSON_AddNumberToObject(p, "upperBound", upper);
    }
    sim_reply_json(r, 200, o);
}

/* Reads one {"parallelism":{"lowerBound","upperBound"}} entry; false when malformed. */
static bool read_bounds(const cJSON *entry, int *lower, int *upper) {
    const cJSON *p = cJSON_GetObjectItemCaseSensitive(entry, "parallelism");
    const cJSON *lo = cJSON_GetObjectItemCaseSensitive(p, "lowerBound");
    const cJSON *hi = cJSON_GetObjectItemCaseSensitive(p, "upperBound");
    if (!cJSON_IsNumber(lo) || !cJSON_IsNumber(hi) || lo->valuedouble != floor(lo->valuedouble) ||
        hi->valuedouble != floor(hi->valuedouble))
        return false;
    if (lo->valuedouble < 1 || hi->valuedouble < lo->valuedouble ||
        hi->valuedouble > VERTEX_MAX_PARALLELISM)
        return false;
    *lower = (int)lo->valuedouble;
    *upper = (int)hi->valuedouble;
    return true;
}

void sim_flink_actions_set_requirements(struct sim_cluster *c, struct sim_job *j, const char *body,
                                        size_t body_len, int64_t now, struct sim_reply *r) {
    if (!adaptive(c, r))
        return;
    cJSON *in = object_body(body, body_len, "JobResourceRequirementsBody", r);
    if (in == NULL)
        return;
    int lower[SIM_ACTION_MAX_VERTICES] = {0}, upper[SIM_ACTION_MAX_VERTICES] = {0};
    if (in->child == NULL) {
        sim_reply_error(r, 400, "Request body does not specify resource requirements.");
        goto out;
    }
    for (const cJSON *e = in->child; e != NULL; e = e->next) {
        size_t v = 0;
        while (v < j->n_vertices && strcmp(j->vertices[v].id, e->string) != 0)
            v++;
        if (v == j->n_vertices) {
            sim_reply_error(r, 400, "Job vertex %s is not part of job %s.", e->string, j->jid);
            goto out;
        }
        if (!read_bounds(e, &lower[v], &upper[v])) {
            sim_reply_error(r, 400,
                            "Invalid parallelism for job vertex %s: expected whole numbers "
                            "1 <= lowerBound <= upperBound <= %d.",
                            e->string, VERTEX_MAX_PARALLELISM);
            goto out;
        }
    }
    if (sim_job_state_is_terminal(j->state)) {
        sim_reply_error(r, 409, "Job %s is %s: its resource requirements cannot change.", j->jid,
                        sim_job_state_name(j->state));
        goto out;
    }
    bool changes = false;
    for (size_t v = 0; v < j->n_vertices; v++) {
        if (upper[v] == 0)
            continue;
        j->vertices[v].lower_bound = lower[v];
        changes = changes || upper[v] != j->vertices[v].parallelism;
    }
    /* The adaptive scheduler restarts the job with the new parallelism, in place. */
    if (changes)
        sim_actions_restart(c, j, now, upper, false, NULL);
    sim_reply_json(r, 200, cJSON_CreateObject());
out:
    cJSON_Delete(in);
}
