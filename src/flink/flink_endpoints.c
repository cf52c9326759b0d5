#include "flink_endpoints.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "flink_detail.h"
#include "flink_jvm.h"
#include "xalloc.h"

/* ---- parse: the parsers of flink_api.c and flink_detail.c behind one signature ------- */

static enum fa_status parse_config(const struct http_response *r, union flink_parsed *o, char *e,
                                   size_t n) {
    return flink_api_parse_config(r->body, r->len, &o->config, e, n);
}

static enum fa_status parse_overview(const struct http_response *r, union flink_parsed *o, char *e,
                                     size_t n) {
    return flink_api_parse_overview(r->body, r->len, &o->overview, e, n);
}

static enum fa_status parse_jobs(const struct http_response *r, union flink_parsed *o, char *e,
                                 size_t n) {
    o->jobs = (struct job_list){0};
    return flink_api_parse_jobs_overview(r->body, r->len, &o->jobs, e, n);
}

static enum fa_status parse_tms(const struct http_response *r, union flink_parsed *o, char *e,
                                size_t n) {
    o->tms = (struct taskmanager_list){0};
    return flink_api_parse_taskmanagers(r->body, r->len, &o->tms, e, n);
}

static enum fa_status parse_jm_config(const struct http_response *r, union flink_parsed *o, char *e,
                                      size_t n) {
    return flink_api_parse_jm_config(r->body, r->len, &o->jm.savepoint_dir, &o->jm.adaptive, e, n);
}

static enum fa_status parse_job(const struct http_response *r, union flink_parsed *o, char *e,
                                size_t n) {
    o->job.vertices = (struct vertex_list){0};
    return flink_detail_parse_job(r->body, r->len, &o->job.summary, &o->job.vertices, e, n);
}

static enum fa_status parse_vertex_metrics(const struct http_response *r, union flink_parsed *o,
                                           char *e, size_t n) {
    vertex_init(&o->vertex);
    enum fa_status st = flink_detail_parse_vertex_metrics(r->body, r->len, &o->vertex, e, n);
    if (st != FA_OK)
        vertex_free(&o->vertex);
    return st;
}

static enum fa_status parse_backpressure(const struct http_response *r, union flink_parsed *o,
                                         char *e, size_t n) {
    vertex_init(&o->vertex);
    enum fa_status st = flink_detail_parse_backpressure(r->body, r->len, &o->vertex, e, n);
    if (st != FA_OK)
        vertex_free(&o->vertex);
    return st;
}

static enum fa_status parse_checkpoints(const struct http_response *r, union flink_parsed *o,
                                        char *e, size_t n) {
    return flink_detail_parse_checkpoints(r->body, r->len, &o->checkpoints, e, n);
}

static enum fa_status parse_cp_config(const struct http_response *r, union flink_parsed *o, char *e,
                                      size_t n) {
    if (r->status == 404) {
        /* "Checkpointing is not enabled for this job": a fact, not an error */
        checkpoint_config_init(&o->cp_config);
        o->cp_config.enabled = false;
        return FA_OK;
    }
    return flink_detail_parse_checkpoint_config(r->body, r->len, &o->cp_config, e, n);
}

static enum fa_status parse_exceptions(const struct http_response *r, union flink_parsed *o,
                                       char *e, size_t n) {
    return flink_detail_parse_exceptions(r->body, r->len, &o->exceptions, e, n);
}

static enum fa_status parse_tm_metrics(const struct http_response *r, union flink_parsed *o,
                                       char *e, size_t n) {
    return flink_detail_parse_tm_metrics(r->body, r->len, &o->tm, e, n);
}

static enum fa_status parse_watermarks(const struct http_response *r, union flink_parsed *o,
                                       char *e, size_t n) {
    vertex_watermarks_init(&o->wm);
    return flink_watermarks_parse(r->body, r->len, &o->wm, e, n);
}

static enum fa_status parse_job_metrics(const struct http_response *r, union flink_parsed *o,
                                        char *e, size_t n) {
    return flink_job_metrics_parse(r->body, r->len, &o->num_restarts, e, n);
}

static enum fa_status parse_source_lag(const struct http_response *r, union flink_parsed *o,
                                       char *e, size_t n) {
    return flink_source_lag_parse(r->body, r->len, &o->source_lag.pending, &o->source_lag.lag_max,
                                  e, n);
}

/* ---- apply: a parsed answer into the model -------------------------------------------- */

static void apply_config(const struct flink_target *t, union flink_parsed *o) {
    flink_config_free(&t->cluster->config);
    t->cluster->config = o->config;
}

static void apply_overview(const struct flink_target *t, union flink_parsed *o) {
    flink_overview_free(&t->cluster->overview);
    t->cluster->overview = o->overview;
}

static void apply_jobs(const struct flink_target *t, union flink_parsed *o) {
    struct cluster *c = t->cluster;
    job_list_carry(&c->jobs, &o->jobs);
    job_list_free(&c->jobs);
    c->jobs = o->jobs;
}

static void apply_tms(const struct flink_target *t, union flink_parsed *o) {
    struct cluster *c = t->cluster;
    taskmanager_list_carry(&c->taskmanagers, &o->tms);
    taskmanager_list_free(&c->taskmanagers);
    c->taskmanagers = o->tms;
}

/* A failed answer keeps what was known: the actions then ask for a directory. */
static void apply_jm_config(const struct flink_target *t, union flink_parsed *o) {
    struct cluster *c = t->cluster;
    free(c->savepoint_dir);
    c->savepoint_dir = o->jm.savepoint_dir;
    c->adaptive_scheduler = o->jm.adaptive;
    c->jm_config_known = true;
}

/* Keep the last metrics and backpressure of vertices that are still there, so a fresh
 * /jobs/:jid does not blank the screen until their own answers arrive. */
static void carry_vertices(struct vertex_list *old, struct vertex_list *fresh) {
    for (size_t i = 0; i < fresh->len; i++) {
        struct vertex *nv = &fresh->items[i];
        for (size_t k = 0; k < old->len; k++) {
            struct vertex *ov = &old->items[k];
            if (strcmp(ov->id, nv->id) != 0)
                continue;
            nv->in_per_s = ov->in_per_s;
            nv->out_per_s = ov->out_per_s;
            nv->busy_ms = ov->busy_ms;
            nv->backpressured_ms = ov->backpressured_ms;
            nv->idle_ms = ov->idle_ms;
            nv->metrics = ov->metrics;
            nv->bp_sampled = ov->bp_sampled;
            nv->bp_level = ov->bp_level;
            nv->n_subtasks = ov->n_subtasks;
            nv->bp_ratio = ov->bp_ratio;
            nv->busy_ratio = ov->busy_ratio;
            nv->idle_ratio = ov->idle_ratio;
            nv->wm = ov->wm;
            nv->pending_records = ov->pending_records;
            nv->records_lag_max = ov->records_lag_max;
            ov->bp_ratio = ov->busy_ratio = ov->idle_ratio = NULL;
            ov->n_subtasks = 0;
            break;
        }
    }
}

static void apply_job(const struct flink_target *t, union flink_parsed *o) {
    struct job *j = t->job;
    struct job_detail *d = j ? j->detail : NULL;
    if (d == NULL) {
        vertex_list_free(&o->job.vertices);
        return;
    }
    j->parallelism = o->job.summary.parallelism;
    j->max_parallelism = o->job.summary.max_parallelism;
    carry_vertices(&d->vertices, &o->job.vertices);
    vertex_list_free(&d->vertices);
    d->vertices = o->job.vertices;
    d->vertices_ms = t->now;
}

/* A failed answer keeps the last good values: no flicker to "-" on one bad poll. */
static void apply_vertex_metrics(const struct flink_target *t, union flink_parsed *o) {
    struct vertex *v = t->vertex;
    if (v) {
        v->in_per_s = o->vertex.in_per_s;
        v->out_per_s = o->vertex.out_per_s;
        v->busy_ms = o->vertex.busy_ms;
        v->backpressured_ms = o->vertex.backpressured_ms;
        v->idle_ms = o->vertex.idle_ms;
    }
    vertex_free(&o->vertex);
}

static void apply_backpressure(const struct flink_target *t, union flink_parsed *o) {
    struct vertex *v = t->vertex;
    if (v) {
        free(v->bp_ratio);
        free(v->busy_ratio);
        free(v->idle_ratio);
        v->bp_sampled = o->vertex.bp_sampled;
        v->bp_level = o->vertex.bp_level;
        v->n_subtasks = o->vertex.n_subtasks;
        v->bp_ratio = o->vertex.bp_ratio;
        v->busy_ratio = o->vertex.busy_ratio;
        v->idle_ratio = o->vertex.idle_ratio;
        o->vertex.bp_ratio = o->vertex.busy_ratio = o->vertex.idle_ratio = NULL;
        o->vertex.n_subtasks = 0;
    }
    vertex_free(&o->vertex);
}

static void apply_checkpoints(const struct flink_target *t, union flink_parsed *o) {
    struct job_detail *d = t->job ? t->job->detail : NULL;
    if (d == NULL) {
        checkpoint_stats_free(&o->checkpoints);
        return;
    }
    checkpoint_stats_free(&d->checkpoints);
    d->checkpoints = o->checkpoints;
    d->have_checkpoints = true;
}

static void apply_cp_config(const struct flink_target *t, union flink_parsed *o) {
    struct job_detail *d = t->job ? t->job->detail : NULL;
    if (d == NULL) {
        checkpoint_config_free(&o->cp_config);
        return;
    }
    checkpoint_config_free(&d->cp_config);
    d->cp_config = o->cp_config;
    d->have_cp_config = true;
}

static void apply_exceptions(const struct flink_target *t, union flink_parsed *o) {
    struct job_detail *d = t->job ? t->job->detail : NULL;
    if (d == NULL) {
        exceptions_free(&o->exceptions);
        return;
    }
    exceptions_free(&d->exceptions);
    d->exceptions = o->exceptions;
    d->have_exceptions = true;
}

static void apply_tm_metrics(const struct flink_target *t, union flink_parsed *o) {
    if (t->tm == NULL)
        return;
    /* before Flink 2.0: GC ms per second from the collectors' times of two answers */
    flink_jvm_tm_gc_rate(&t->tm->metrics, t->tm->metrics_ms, &o->tm, t->now);
    t->tm->metrics = o->tm;
    t->tm->metrics_ms = t->now;
}

/* The watermarks' counts and times; the vertex's own source stays (it reports this). */
static void apply_watermarks(const struct flink_target *t, union flink_parsed *o) {
    if (t->vertex == NULL)
        return;
    struct source src = t->vertex->wm.src;
    t->vertex->wm = o->wm;
    t->vertex->wm.src = src;
}

static void apply_job_metrics(const struct flink_target *t, union flink_parsed *o) {
    if (t->job && t->job->detail)
        t->job->detail->num_restarts = o->num_restarts;
}

static void apply_source_lag(const struct flink_target *t, union flink_parsed *o) {
    if (t->vertex == NULL)
        return;
    t->vertex->pending_records = o->source_lag.pending;
    t->vertex->records_lag_max = o->source_lag.lag_max;
}

/* ---- source: where each endpoint reports ---------------------------------------------- */

static struct source *src_config(const struct flink_target *t) {
    return &t->cluster->sources[SRC_CONFIG];
}
static struct source *src_overview(const struct flink_target *t) {
    return &t->cluster->sources[SRC_OVERVIEW];
}
static struct source *src_jobs(const struct flink_target *t) {
    return &t->cluster->sources[SRC_JOBS];
}
static struct source *src_tms(const struct flink_target *t) {
    return &t->cluster->sources[SRC_TASKMANAGERS];
}
static struct source *src_jm_config(const struct flink_target *t) {
    return &t->cluster->jm_config_source;
}
static struct source *src_tm_metrics(const struct flink_target *t) {
    return &t->cluster->tm_metrics_source;
}

static struct source *detail_source(const struct flink_target *t, enum detail_part part) {
    return t->job && t->job->detail ? &t->job->detail->parts[part] : NULL;
}
static struct source *src_job(const struct flink_target *t) { return detail_source(t, DETAIL_JOB); }
/* Each vertex's own: the job's part sums them up when the refresh's set is in
 * (poller.c). */
static struct source *src_vertex_metrics(const struct flink_target *t) {
    return t->vertex ? &t->vertex->metrics : NULL;
}
static struct source *src_backpressure(const struct flink_target *t) {
    return detail_source(t, DETAIL_BACKPRESSURE);
}
static struct source *src_checkpoints(const struct flink_target *t) {
    return detail_source(t, DETAIL_CHECKPOINTS);
}
static struct source *src_cp_config(const struct flink_target *t) {
    return detail_source(t, DETAIL_CP_CONFIG);
}
static struct source *src_exceptions(const struct flink_target *t) {
    return detail_source(t, DETAIL_EXCEPTIONS);
}

static struct source *src_watermarks(const struct flink_target *t) {
    return t->vertex ? &t->vertex->wm.src : NULL;
}
static struct source *src_job_metrics(const struct flink_target *t) {
    return t->job && t->job->detail ? &t->job->detail->job_metrics : NULL;
}

/* ---- the subtask drill-down (flink_subtasks.h): one vertex's, kept on its job ---------- */

static enum fa_status parse_vertex_detail(const struct http_response *r, union flink_parsed *o,
                                          char *e, size_t n) {
    return flink_subtasks_parse_vertex(r->body, r->len, &o->subtasks, e, n);
}

static enum fa_status parse_vertex_tms(const struct http_response *r, union flink_parsed *o,
                                       char *e, size_t n) {
    return flink_subtasks_parse_tms(r->body, r->len, &o->vertex_tms, e, n);
}

/* The job's drill-down state for t's vertex, made (or remade for another vertex) on
 * demand; NULL when the job or the vertex left the model. */
static struct subtask_drill *drill_of(const struct flink_target *t) {
    if (t->job == NULL || t->job->detail == NULL || t->vertex == NULL)
        return NULL;
    struct job_detail *d = t->job->detail;
    if (d->drill && strcmp(d->drill->vertex_id, t->vertex->id) != 0) {
        subtask_drill_free(d->drill);
        d->drill = NULL;
    }
    if (d->drill == NULL)
        d->drill = subtask_drill_new(t->vertex->id);
    return d->drill;
}

static void apply_vertex_detail(const struct flink_target *t, union flink_parsed *o) {
    struct subtask_drill *d = drill_of(t);
    if (d) {
        subtask_list_free(&d->subtasks);
        d->subtasks = o->subtasks;
        o->subtasks = (struct subtask_list){0};
    }
    subtask_list_free(&o->subtasks);
}

static void apply_vertex_tms(const struct flink_target *t, union flink_parsed *o) {
    struct subtask_drill *d = drill_of(t);
    if (d) {
        vertex_tm_list_free(&d->tms);
        d->tms = o->vertex_tms;
        o->vertex_tms = (struct vertex_tm_list){0};
    }
    vertex_tm_list_free(&o->vertex_tms);
}

static struct source *src_vertex_detail(const struct flink_target *t) {
    struct subtask_drill *d = drill_of(t);
    return d ? &d->subtasks_src : NULL;
}

static struct source *src_vertex_tms(const struct flink_target *t) {
    struct subtask_drill *d = drill_of(t);
    return d ? &d->tms_src : NULL;
}

/* ---- the table ------------------------------------------------------------------------ */

static const struct flink_endpoint endpoints[EP_COUNT] = {
    [EP_CONFIG] = {EP_CONFIG, "/config", TIER_RARE, FOLLOW_NONE, false, false, parse_config,
                   apply_config, src_config},
    [EP_OVERVIEW] = {EP_OVERVIEW, "/overview", TIER_SUMMARY, FOLLOW_NONE, false, false,
                     parse_overview, apply_overview, src_overview},
    [EP_JOBS] = {EP_JOBS, "/jobs/overview", TIER_SUMMARY, FOLLOW_JOBS, false, false, parse_jobs,
                 apply_jobs, src_jobs},
    [EP_TASKMANAGERS] = {EP_TASKMANAGERS, "/taskmanagers", TIER_SUMMARY, FOLLOW_TMS, false, false,
                         parse_tms, apply_tms, src_tms},
    [EP_JM_CONFIG] = {EP_JM_CONFIG, "/jobmanager/config", TIER_RARE, FOLLOW_NONE, false, false,
                      parse_jm_config, apply_jm_config, src_jm_config},
    [EP_JOB] = {EP_JOB, "/jobs/{jid}", TIER_JOB, FOLLOW_VERTICES, false, false, parse_job,
                apply_job, src_job},
    [EP_VERTEX_METRICS] =
        {EP_VERTEX_METRICS,
         "/jobs/{jid}/vertices/{vid}/subtasks/metrics?" FLINK_VERTEX_METRICS_QUERY, TIER_VERTEX,
         FOLLOW_NONE, false, true, parse_vertex_metrics, apply_vertex_metrics, src_vertex_metrics},
    [EP_BACKPRESSURE] = {EP_BACKPRESSURE, "/jobs/{jid}/vertices/{vid}/backpressure", TIER_SUBTASK,
                         FOLLOW_NONE, false, false, parse_backpressure, apply_backpressure,
                         src_backpressure},
    [EP_CHECKPOINTS] = {EP_CHECKPOINTS, "/jobs/{jid}/checkpoints", TIER_JOB, FOLLOW_NONE, false,
                        false, parse_checkpoints, apply_checkpoints, src_checkpoints},
    [EP_CP_CONFIG] = {EP_CP_CONFIG, "/jobs/{jid}/checkpoints/config", TIER_JOB_ONCE, FOLLOW_NONE,
                      true, false, parse_cp_config, apply_cp_config, src_cp_config},
    [EP_EXCEPTIONS] = {EP_EXCEPTIONS, "/jobs/{jid}/exceptions?maxExceptions=20", TIER_JOB,
                       FOLLOW_NONE, false, false, parse_exceptions, apply_exceptions,
                       src_exceptions},
    [EP_TM_METRICS] = {EP_TM_METRICS, "/taskmanagers/{tmid}/metrics?" FLINK_TM_METRICS_QUERY,
                       TIER_TM, FOLLOW_NONE, false, false, parse_tm_metrics, apply_tm_metrics,
                       src_tm_metrics},
    [EP_WATERMARKS] = {EP_WATERMARKS, "/jobs/{jid}/vertices/{vid}/watermarks", TIER_VIEW_VTX,
                       FOLLOW_NONE, false, false, parse_watermarks, apply_watermarks,
                       src_watermarks},
    [EP_JOB_METRICS] = {EP_JOB_METRICS, "/jobs/{jid}/metrics?" FLINK_JOB_METRICS_QUERY,
                        TIER_VIEW_JOB, FOLLOW_NONE, false, false, parse_job_metrics,
                        apply_job_metrics, src_job_metrics},
    [EP_SOURCE_LAG] = {EP_SOURCE_LAG,
                       "/jobs/{jid}/vertices/{vid}/subtasks/metrics?" FLINK_SOURCE_LAG_QUERY,
                       TIER_VIEW_SRC, FOLLOW_NONE, false, false, parse_source_lag,
                       apply_source_lag, src_watermarks},
    [EP_VERTEX_DETAIL] = {EP_VERTEX_DETAIL, "/jobs/{jid}/vertices/{vid}", TIER_DRILL, FOLLOW_NONE,
                          false, false, parse_vertex_detail, apply_vertex_detail,
                          src_vertex_detail},
    [EP_VERTEX_TMS] = {EP_VERTEX_TMS, "/jobs/{jid}/vertices/{vid}/taskmanagers", TIER_DRILL,
                       FOLLOW_NONE, false, false, parse_vertex_tms, apply_vertex_tms,
                       src_vertex_tms},
};

const struct flink_endpoint *flink_endpoint(enum flink_ep kind) {
    return (int)kind >= 0 && kind < EP_COUNT ? &endpoints[kind] : NULL;
}

char *flink_endpoint_path(const struct flink_endpoint *e, const char *jid, const char *vid,
                          const char *tmid) {
    struct buf b;
    buf_init(&b, 4096);
    for (const char *s = e->path; *s;) {
        const char *val = NULL;
        size_t skip = 0;
        char *esc = NULL;
        if (strncmp(s, "{jid}", 5) == 0) {
            val = jid;
            skip = 5;
        } else if (strncmp(s, "{vid}", 5) == 0) {
            val = vid;
            skip = 5;
        } else if (strncmp(s, "{tmid}", 6) == 0) {
            /* task manager ids are pod names or host:port-suffix: escape them for the path */
            esc = curl_easy_escape(NULL, tmid ? tmid : "", 0);
            val = esc;
            skip = 6;
        }
        if (skip) {
            buf_append(&b, val ? val : "", val ? strlen(val) : 0);
            curl_free(esc);
            s += skip;
        } else {
            buf_append(&b, s, 1);
            s++;
        }
    }
    size_t n;
    char *path = buf_take(&b, &n);
    return path ? path : xstrdup("");
}

bool flink_endpoint_answer(const struct flink_endpoint *e, const struct flink_target *t,
                           const struct http_response *resp, const char *path) {
    struct source *src = e->source(t);
    bool answered = resp->outcome == HTTP_OK || (e->not_found_answers && resp->status == 404);
    if (!answered) {
        if (src == NULL)
            return false;
        char *why = resp->status >= 400 ? flink_api_error_message(resp->body, resp->len) : NULL;
        if (why && *why)
            source_fail(src, t->now, "%s: %s", resp->error, why);
        else
            source_fail(src, t->now, "%s", resp->error);
        free(why);
        return false;
    }
    union flink_parsed parsed;
    char err[128] = "";
    if (e->parse(resp, &parsed, err, sizeof err) != FA_OK) {
        if (src) {
            /* the path without its query: the error line stays short */
            size_t n = strcspn(path, "?");
            source_fail(src, t->now, "bad answer from %.*s: %s", (int)n, path, err);
        }
        return false;
    }
    e->apply(t, &parsed);
    if (src)
        source_ok(src, t->now);
    return true;
}
