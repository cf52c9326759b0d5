#include "snapshot.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static void add_int(cJSON *o, const char *k, int64_t v) {
    if (v < 0)
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, (double)v);
}

static void add_str(cJSON *o, const char *k, const char *v) {
    if (v)
        cJSON_AddStringToObject(o, k, v);
    else
        cJSON_AddNullToObject(o, k);
}

static const char *cluster_version(const struct cluster *c) {
    return c->config.flink_version ? c->config.flink_version : c->overview.flink_version;
}

int snapshot_all_ok(const struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++)
        if (cluster_state(&app->clusters[i]) != SOURCE_OK)
            return 0;
    return 1;
}

static cJSON *job_json(const struct job *j) {
    cJSON *o = cJSON_CreateObject();
    add_str(o, "id", j->id[0] ? j->id : NULL);
    add_str(o, "name", j->name);
    add_str(o, "state", j->state == JOB_UNKNOWN ? NULL : job_state_name(j->state));
    add_int(o, "start_time", j->start_time);
    add_int(o, "end_time", j->end_time);
    add_int(o, "duration_ms", j->duration_ms);
    add_int(o, "parallelism", j->parallelism);
    add_int(o, "max_parallelism", j->max_parallelism);
    add_int(o, "tasks_total", j->tasks_total);
    return o;
}

static cJSON *cluster_json(const struct cluster *c) {
    cJSON *o = cJSON_CreateObject();
    add_str(o, "name", c->name);
    add_str(o, "url", c->url);
    bool ok = cluster_state(c) == SOURCE_OK;
    cJSON_AddStringToObject(o, "status", ok ? "ok" : "error");
    add_str(o, "error", ok ? NULL : cluster_error(c));
    add_str(o, "flink_version", cluster_version(c));
    const struct flink_overview *ov = &c->overview;
    bool have_ov = c->sources[SRC_OVERVIEW].last_ok_ms > 0;
    add_int(o, "taskmanagers", have_ov ? ov->taskmanagers : -1);
    add_int(o, "slots_total", have_ov ? ov->slots_total : -1);
    add_int(o, "slots_available", have_ov ? ov->slots_available : -1);
    add_int(o, "jobs_running", have_ov ? ov->jobs_running : -1);
    add_int(o, "jobs_finished", have_ov ? ov->jobs_finished : -1);
    add_int(o, "jobs_cancelled", have_ov ? ov->jobs_cancelled : -1);
    add_int(o, "jobs_failed", have_ov ? ov->jobs_failed : -1);
    cJSON *sources = cJSON_AddObjectToObject(o, "sources");
    static const char *const names[SRC_COUNT] = {"config", "overview", "jobs", "taskmanagers"};
    for (int s = 0; s < SRC_COUNT; s++) {
        const struct source *src = &c->sources[s];
        cJSON *so = cJSON_AddObjectToObject(sources, names[s]);
        cJSON_AddStringToObject(so, "status", src->state == SOURCE_OK      ? "ok"
                                              : src->state == SOURCE_ERROR ? "error"
                                                                           : "pending");
        add_str(so, "error", src->error[0] ? src->error : NULL);
    }
    if (c->sources[SRC_JOBS].last_ok_ms > 0) {
        cJSON *jobs = cJSON_AddArrayToObject(o, "jobs");
        for (size_t i = 0; i < c->jobs.len; i++)
            cJSON_AddItemToArray(jobs, job_json(&c->jobs.items[i]));
    } else {
        cJSON_AddNullToObject(o, "jobs");
    }
    return o;
}

char *snapshot_json(const struct app *app) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "clusters");
    for (size_t i = 0; i < app->n_clusters; i++)
        cJSON_AddItemToArray(arr, cluster_json(&app->clusters[i]));
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (s == NULL)
        return xstrdup("{}");
    char *out = xstrdup(s);
    cJSON_free(s);
    return out;
}

static void print_int(FILE *out, int64_t v) {
    if (v < 0)
        fputs("-", out);
    else
        fprintf(out, "%lld", (long long)v);
}

void snapshot_text(const struct app *app, FILE *out) {
    for (size_t i = 0; i < app->n_clusters; i++) {
        const struct cluster *c = &app->clusters[i];
        bool ok = cluster_state(c) == SOURCE_OK;
        bool have_ov = c->sources[SRC_OVERVIEW].last_ok_ms > 0;
        const char *v = cluster_version(c);
        fprintf(out, "%s  %s  flink %s  %s\n", c->name, c->url, v ? v : "-",
                ok ? "ok" : "error");
        if (!ok) {
            const char *why = cluster_error(c);
            fprintf(out, "  error: %s\n", why ? why : "no answer");
        }
        fputs("  taskmanagers ", out);
        print_int(out, have_ov ? c->overview.taskmanagers : -1);
        fputs("  slots ", out);
        print_int(out, have_ov ? c->overview.slots_total - c->overview.slots_available : -1);
        fputs("/", out);
        print_int(out, have_ov ? c->overview.slots_total : -1);
        fputs("  running ", out);
        print_int(out, have_ov ? c->overview.jobs_running : -1);
        fputs("  failed ", out);
        print_int(out, have_ov ? c->overview.jobs_failed : -1);
        fputs("\n", out);
        for (size_t k = 0; k < c->jobs.len; k++) {
            const struct job *j = &c->jobs.items[k];
            fprintf(out, "  %-32s  %-12s  p=", j->id[0] ? j->id : "-",
                    job_state_name(j->state));
            print_int(out, j->parallelism);
            fprintf(out, "  %s\n", j->name ? j->name : "-");
        }
    }
}
