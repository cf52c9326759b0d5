#include "flink_api.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"
#include "xalloc.h"

#define FA_STATUS_MSG(id, msg) [id] = msg,
static const char *const fa_messages[] = {FA_STATUS(FA_STATUS_MSG)};
#undef FA_STATUS_MSG

const char *fa_status_message(enum fa_status s) {
    if ((int)s < 0 || (size_t)s >= sizeof fa_messages / sizeof fa_messages[0])
        return "unknown status";
    return fa_messages[s];
}

static bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

/* Counts, timestamps and durations are never negative: a negative value is as unknown
 * as a missing one (and -1 is what Flink itself sends for "not yet"). */
static int get_count(const cJSON *o, const char *key) {
    int v = json_get_int(o, key, UNKNOWN_I);
    return v < 0 ? UNKNOWN_I : v;
}

static int64_t get_time(const cJSON *o, const char *key) {
    int64_t v = json_get_i64(o, key, UNKNOWN_I);
    return v < 0 ? UNKNOWN_I : v;
}

/* A version string; empty counts as unknown. */
static char *get_version(const cJSON *o, const char *key) {
    char *s = json_get_string(o, key);
    if (s != NULL && s[0] == '\0') {
        free(s);
        s = NULL;
    }
    return s;
}

/* The array under key in an object, or NULL. */
static const cJSON *get_array(const cJSON *o, const char *key) {
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsArray(a) ? a : NULL;
}

/* ---- /config ------------------------------------------------------------------------- */

enum fa_status flink_api_parse_config(const char *body, size_t len, struct flink_config *out,
                                      char *err, size_t errlen) {
    flink_config_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    out->flink_version = get_version(root, "flink-version");
    out->flink_revision = get_version(root, "flink-revision");
    out->refresh_interval = get_time(root, "refresh-interval");
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /jobmanager/config -------------------------------------------------------------- */

enum fa_status flink_api_parse_jm_config(const char *body, size_t len, char **savepoint_dir,
                                         int *adaptive, char *err, size_t errlen) {
    *savepoint_dir = NULL;
    *adaptive = 0;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const char *dir = NULL, *dir2x = NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const char *key = json_get_string_ref(e, "key");
        const char *value = json_get_string_ref(e, "value");
        if (key == NULL || value == NULL || value[0] == '\0' || strcmp(value, "******") == 0)
            continue;
        if (strcmp(key, "state.savepoints.dir") == 0)
            dir = value;
        else if (strcmp(key, "execution.checkpointing.savepoint-dir") == 0)
            dir2x = value;
        else if (strcmp(key, "jobmanager.scheduler") == 0)
            *adaptive = strcasecmp(value, "adaptive") == 0;
    }
    if (dir2x || dir) /* 2.x reads the new key first */
        *savepoint_dir = sanitize_strdup(dir2x ? dir2x : dir);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /overview ----------------------------------------------------------------------- */

enum fa_status flink_api_parse_overview(const char *body, size_t len, struct flink_overview *out,
                                        char *err, size_t errlen) {
    flink_overview_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    out->taskmanagers = get_count(root, "taskmanagers");
    out->slots_total = get_count(root, "slots-total");
    out->slots_available = get_count(root, "slots-available");
    out->jobs_running = get_count(root, "jobs-running");
    out->jobs_finished = get_count(root, "jobs-finished");
    out->jobs_cancelled = get_count(root, "jobs-cancelled");
    out->jobs_failed = get_count(root, "jobs-failed");
    out->flink_version = get_version(root, "flink-version");
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /jobs/overview ------------------------------------------------------------------ */

static void parse_job(const cJSON *o, struct job *j) {
    job_init(j);
    json_doc_copy_hex_id(j->id, json_get_string_ref(o, "jid"));
    j->name = json_get_string(o, "name");
    j->state = job_state_parse(json_get_string_ref(o, "state"));
    j->start_time = get_time(o, "start-time");
    j->end_time = get_time(o, "end-time");
    j->duration_ms = get_time(o, "duration");
    j->last_modification = get_time(o, "last-modification");
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(o, "tasks");
    if (cJSON_IsObject(tasks)) {
        j->tasks_total = get_count(tasks, "total");
        j->tasks_running = get_count(tasks, "running");
        j->tasks_failed = get_count(tasks, "failed");
    }
}

static void fill_job(const cJSON *o, void *item, void *ctx) {
    (void)ctx;
    parse_job(o, item);
}

enum fa_status flink_api_parse_jobs_overview(const char *body, size_t len, struct job_list *out,
                                             char *err, size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *jobs = cJSON_IsObject(root) ? get_array(root, "jobs") : NULL;
    if (jobs == NULL) {
        json_doc_set_err(err, errlen, "expected object with \"jobs\" array");
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    out->items = json_doc_map_list(jobs, sizeof *out->items, NULL, fill_job, NULL, &out->len);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /taskmanagers ------------------------------------------------------------------- */

static void parse_taskmanager(const cJSON *o, struct taskmanager *tm) {
    /* A TM without an id is still a TM the cluster counts: keep it, with an empty id. */
    tm->id = json_get_string(o, "id");
    if (tm->id == NULL)
        tm->id = xstrdup("");
    tm->path = json_get_string(o, "path");
    tm->slots_total = get_count(o, "slotsNumber");
    tm->slots_free = get_count(o, "freeSlots");
    tm->last_heartbeat = get_time(o, "timeSinceLastHeartbeat");
    const cJSON *hw = cJSON_GetObjectItemCaseSensitive(o, "hardware");
    double cores = json_get_double(hw, "cpuCores");
    tm->cpu_cores = (isfinite(cores) && cores >= 0) ? cores : NAN;
    tm->physical_memory = get_time(hw, "physicalMemory");
    tm->metrics = (struct tm_metrics){NAN, NAN, NAN, NAN, NAN, NAN};
}

static void fill_taskmanager(const cJSON *o, void *item, void *ctx) {
    (void)ctx;
    parse_taskmanager(o, item);
}

enum fa_status flink_api_parse_taskmanagers(const char *body, size_t len,
                                            struct taskmanager_list *out, char *err,
                                            size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *tms = cJSON_IsObject(root) ? get_array(root, "taskmanagers") : NULL;
    if (tms == NULL) {
        json_doc_set_err(err, errlen, "expected object with \"taskmanagers\" array");
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    out->items =
        json_doc_map_list(tms, sizeof *out->items, NULL, fill_taskmanager, NULL, &out->len);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- /jobs/:jid ---------------------------------------------------------------------- */

static void job_details_init(struct job_details *d) {
    d->id[0] = '\0';
    d->parallelism = UNKNOWN_I;
    d->max_parallelism = UNKNOWN_I;
    d->vertex_count = UNKNOWN_I;
}

enum fa_status flink_api_parse_job_details(const char *body, size_t len, struct job_details *out,
                                           char *err, size_t errlen) {
    job_details_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    json_doc_copy_hex_id(out->id, json_get_string_ref(root, "jid"));
    const cJSON *vertices = get_array(root, "vertices");
    int max_par = UNKNOWN_I;
    int max_maxpar = UNKNOWN_I;
    if (vertices != NULL) {
        int count = 0;
        const cJSON *v;
        cJSON_ArrayForEach(v, vertices) {
            if (!cJSON_IsObject(v))
                continue;
            count++;
            int p = get_count(v, "parallelism");
            if (p > 0 && p > max_par)
                max_par = p;
            int mp = get_count(v, "maxParallelism");
            if (mp > 0 && mp > max_maxpar)
                max_maxpar = mp;
        }
        out->vertex_count = count;
    }
    out->parallelism = max_par;
    /* The job's own maxParallelism is -1 when not set: then the vertices tell. */
    int job_maxpar = get_count(root, "maxParallelism");
    out->max_parallelism = job_maxpar > 0 ? job_maxpar : max_maxpar;
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- error bodies -------------------------------------------------------------------- */

char *flink_api_error_message(const char *body, size_t len) {
    cJSON *root = NULL;
    if (json_doc_parse(body, len, &root, NULL, 0) != FA_OK)
        return NULL;
    char *msg = NULL;
    const cJSON *errors = cJSON_IsObject(root) ? get_array(root, "errors") : NULL;
    const cJSON *e;
    cJSON_ArrayForEach(e, errors) {
        if (!cJSON_IsString(e) || e->valuestring == NULL)
            continue;
        /* Flink appends the server's stack trace after a newline: keep the first line. */
        const char *s = e->valuestring;
        while (is_space(*s))
            s++;
        size_t n = strcspn(s, "\r\n");
        while (n > 0 && is_space(s[n - 1]))
            n--;
        if (n == 0)
            continue;
        msg = sanitize_strndup(s, n);
        break;
    }
    cJSON_Delete(root);
    return msg;
}
