#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "standalone.h"
#include "xalloc.h"

#define JOB_STATE_NAME(id, name) [id] = name,
static const char *const job_state_names[JOB_STATE_COUNT] = {JOB_STATES(JOB_STATE_NAME)};
#undef JOB_STATE_NAME

const char *job_state_name(enum job_state s) {
    if ((int)s < 0 || s >= JOB_STATE_COUNT)
        return job_state_names[JOB_UNKNOWN];
    return job_state_names[s];
}

enum job_state job_state_parse(const char *name) {
    if (name == NULL)
        return JOB_UNKNOWN;
    for (int s = 0; s < JOB_STATE_COUNT; s++)
        if (s != JOB_UNKNOWN && strcmp(name, job_state_names[s]) == 0)
            return (enum job_state)s;
    return JOB_UNKNOWN;
}

void flink_config_init(struct flink_config *c) {
    c->flink_version = NULL;
    c->flink_revision = NULL;
    c->refresh_interval = UNKNOWN_I;
}

void flink_config_free(struct flink_config *c) {
    free(c->flink_version);
    free(c->flink_revision);
    flink_config_init(c);
}

void flink_overview_init(struct flink_overview *o) {
    o->taskmanagers = UNKNOWN_I;
    o->slots_total = UNKNOWN_I;
    o->slots_available = UNKNOWN_I;
    o->jobs_running = UNKNOWN_I;
    o->jobs_finished = UNKNOWN_I;
    o->jobs_cancelled = UNKNOWN_I;
    o->jobs_failed = UNKNOWN_I;
    o->flink_version = NULL;
}

void flink_overview_free(struct flink_overview *o) {
    free(o->flink_version);
    flink_overview_init(o);
}

void job_init(struct job *j) {
    memset(j->id, 0, sizeof j->id);
    j->name = NULL;
    j->state = JOB_UNKNOWN;
    j->start_time = UNKNOWN_I;
    j->end_time = UNKNOWN_I;
    j->duration_ms = UNKNOWN_I;
    j->last_modification = UNKNOWN_I;
    j->tasks_total = UNKNOWN_I;
    j->tasks_running = UNKNOWN_I;
    j->tasks_failed = UNKNOWN_I;
    j->parallelism = UNKNOWN_I;
    j->max_parallelism = UNKNOWN_I;
    j->detail = NULL;
}

void job_list_free(struct job_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].name);
        job_detail_free(l->items[i].detail);
    }
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

void taskmanager_list_free(struct taskmanager_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].id);
        free(l->items[i].path);
        ring_free(&l->items[i].heap_used);
    }
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

void job_list_carry(struct job_list *old, struct job_list *fresh) {
    for (size_t i = 0; i < fresh->len; i++) {
        struct job *nj = &fresh->items[i];
        for (size_t k = 0; nj->id[0] && k < old->len; k++) {
            struct job *oj = &old->items[k];
            if (strcmp(oj->id, nj->id) != 0)
                continue;
            nj->parallelism = oj->parallelism;
            nj->max_parallelism = oj->max_parallelism;
            nj->detail = oj->detail;
            oj->detail = NULL;
            break;
        }
    }
}

void taskmanager_list_carry(struct taskmanager_list *old, struct taskmanager_list *fresh) {
    for (size_t i = 0; i < fresh->len; i++) {
        struct taskmanager *nt = &fresh->items[i];
        for (size_t k = 0; k < old->len; k++) {
            struct taskmanager *ot = &old->items[k];
            if (strcmp(ot->id, nt->id) != 0)
                continue;
            nt->metrics = ot->metrics;
            nt->metrics_ms = ot->metrics_ms;
            nt->heap_used = ot->heap_used;
            memset(&ot->heap_used, 0, sizeof ot->heap_used);
            break;
        }
    }
}

/* Everything but name and url back to "nothing known yet". */
static void cluster_reset(struct cluster *c) {
    for (int s = 0; s < SRC_COUNT; s++)
        source_init(&c->sources[s]);
    source_init(&c->jm_config_source);
    source_init(&c->tm_metrics_source);
    flink_config_init(&c->config);
    flink_overview_init(&c->overview);
    c->jobs.items = NULL;
    c->jobs.len = 0;
    c->taskmanagers.items = NULL;
    c->taskmanagers.len = 0;
    c->savepoint_dir = NULL;
    c->adaptive_scheduler = UNKNOWN_I;
    c->jm_config_known = false;
}

void cluster_init(struct cluster *c, const char *name, const char *url) {
    c->name = xstrdup(name);
    c->url = xstrdup(url);
    c->tls = NULL;
    c->auth = NULL;
    c->standalone = NULL;
    memset(&c->k8s, 0, sizeof c->k8s);
    cluster_reset(c);
}

const char *cluster_shown_url(const struct cluster *c) {
    return c->auth && c->auth->shown_url ? c->auth->shown_url : c->url;
}

void cluster_free(struct cluster *c) {
    if (c->auth != NULL && c->tls == &c->auth->tls)
        c->tls = NULL;
    flink_auth_free(c->auth);
    c->auth = NULL;
    free(c->name);
    free(c->url);
    c->name = NULL;
    c->url = NULL;
    flink_config_free(&c->config);
    free(c->savepoint_dir);
    c->savepoint_dir = NULL;
    flink_overview_free(&c->overview);
    job_list_free(&c->jobs);
    taskmanager_list_free(&c->taskmanagers);
    free(c->k8s.context);
    free(c->k8s.namespace);
    free(c->k8s.name);
    free(c->k8s.kind);
    memset(&c->k8s, 0, sizeof c->k8s);
    standalone_free(c->standalone);
    c->standalone = NULL;
    c->tls = NULL;
    cluster_reset(c);
}

enum source_state cluster_state(const struct cluster *c) {
    enum source_state worst = SOURCE_OK;
    for (int s = 0; s < SRC_COUNT; s++) {
        enum source_state st = c->sources[s].state;
        if (st == SOURCE_ERROR)
            return SOURCE_ERROR;
        if (st == SOURCE_PENDING)
            worst = SOURCE_PENDING;
    }
    return worst;
}

const char *cluster_error(const struct cluster *c) {
    bool failed = false;
    for (int s = 0; s < SRC_COUNT; s++) {
        const struct source *src = &c->sources[s];
        if (src->state != SOURCE_ERROR)
            continue;
        if (src->error[0] != '\0')
            return src->error;
        failed = true;
    }
    /* A failed source that left no message still must not read as "no error". */
    return failed ? "request failed" : NULL;
}

int64_t cluster_last_ok(const struct cluster *c) {
    int64_t oldest = 0;
    for (int s = 0; s < SRC_COUNT; s++) {
        int64_t t = c->sources[s].last_ok_ms;
        if (t > 0 && (oldest == 0 || t < oldest))
            oldest = t;
    }
    return oldest;
}

/* The index of the job with this id, or jobs.len when absent: one search for both the
 * const and the mutable lookup. */
static size_t job_index(const struct cluster *c, const char *id) {
    if (id == NULL || id[0] == '\0')
        return c->jobs.len;
    for (size_t i = 0; i < c->jobs.len; i++)
        if (strcmp(c->jobs.items[i].id, id) == 0)
            return i;
    return c->jobs.len;
}

struct job *cluster_find_job(struct cluster *c, const char *id) {
    size_t i = job_index(c, id);
    return i < c->jobs.len ? &c->jobs.items[i] : NULL;
}

const struct job *cluster_job_by_id(const struct cluster *c, const char *id) {
    size_t i = job_index(c, id);
    return i < c->jobs.len ? &c->jobs.items[i] : NULL;
}

bool cluster_in_scope(const struct cluster *c) { return !c->k8s.gone && !c->k8s.hidden; }
