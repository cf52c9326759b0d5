#include "once_output.h"

#include "health.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "freshness.h"
#include "http_trust.h"
#include "k8s_model.h"
#include "prom_source.h"
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

int once_all_ok(const struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++) {
        const struct cluster *c = &app->clusters[i];
        if (!c->k8s.gone && cluster_state(c) != SOURCE_OK)
            return 0;
        /* its pods, events or snapshots list failed: what it says of them is not true */
        if (cluster_in_scope(c) && freshness_k8s_failed(c, NULL) != NULL)
            return 0;
    }
    for (size_t i = 0; i < k8s_context_count(app); i++)
        if (!k8s_context_ok(k8s_context_at(app, i)))
            return 0;
    if (app->prom && prom_source_state(app->prom)->state != SOURCE_OK)
        return 0;
    return 1;
}

/* The operator's view of a cluster found through Kubernetes; null for a --flink one. */
static cJSON *deployment_json(const struct cluster *c) {
    if (c->k8s.ctx == NULL)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    add_str(o, "kind", c->k8s.kind);
    add_str(o, "name", c->k8s.name);
    const struct flink_resource *r = k8s_cluster_resource(c);
    const struct flink_resource_status *st = r ? &r->status : NULL;
    add_str(o, "lifecycle_state",
            st && st->lifecycle != LIFECYCLE_UNKNOWN ? flink_lifecycle_name(st->lifecycle) : NULL);
    add_str(o, "jm_deployment_status",
            st && st->jm_status != JM_DEPLOY_UNKNOWN ? jm_deploy_state_name(st->jm_status) : NULL);
    add_str(o, "job_state",
            st && st->job.state != JOB_UNKNOWN ? job_state_name(st->job.state) : NULL);
    add_int(o, "parallelism", r && r->spec.has_job ? r->spec.job.parallelism : -1);
    add_str(o, "upgrade_mode", r && r->spec.has_job ? r->spec.job.upgrade_mode : NULL);
    struct pod_summary ps;
    bool have_pods = k8s_cluster_pods(c, &ps);
    add_int(o, "pods_ready", have_pods ? ps.ready : -1);
    add_int(o, "pods_total", have_pods ? ps.total : -1);
    add_int(o, "restarts", have_pods ? ps.restarts : -1);
    add_str(o, "error", st ? st->error : NULL);
    return o;
}

/* The cluster's apps/v1 Deployments; null for a --flink cluster or before they were
 * listed. rollout: "complete", "progressing", "stuck" or "unknown"; message: why (the
 * condition's message when stuck), null when complete. */
static cJSON *deployments_json(const struct cluster *c) {
    size_t n = 0;
    bool listed = false;
    const struct apps_deployment **v = k8s_cluster_deployments(c, &n, &listed);
    if (!listed)
        return cJSON_CreateNull();
    cJSON *arr = cJSON_CreateArray();
    for (size_t i = 0; i < n; i++) {
        const struct apps_deployment *d = v[i];
        cJSON *o = cJSON_CreateObject();
        add_str(o, "name", d->name);
        add_str(o, "namespace", d->namespace);
        add_int(o, "replicas", d->replicas);
        add_int(o, "ready", d->ready);
        add_int(o, "updated", d->updated);
        add_int(o, "available", d->available);
        const char *why = NULL;
        cJSON_AddStringToObject(o, "rollout",
                                deploy_rollout_name(apps_deployment_rollout(d, &why)));
        add_str(o, "message", why);
        cJSON_AddItemToArray(arr, o);
    }
    free(v);
    return arr;
}

static cJSON *context_json(const struct k8s_context_state *s) {
    cJSON *o = cJSON_CreateObject();
    add_str(o, "name", s->name);
    add_str(o, "namespace", s->namespace);
    add_str(o, "scope", s->scope); /* null: all namespaces */
    cJSON_AddBoolToObject(o, "fell_back", s->fell_back);
    cJSON_AddBoolToObject(o, "tls_verify", http_trust_of(s->tls) == HTTP_TRUST_VERIFIED);
    cJSON_AddStringToObject(o, "status",
                            !k8s_context_ok(s)           ? "error"
                            : s->crds == K8S_CRDS_ABSENT ? "no-crds"
                            : s->listed                  ? "ok"
                                                         : "pending");
    add_str(o, "error", s->error[0] ? s->error : NULL);
    cJSON_AddItemToObject(o, "crds",
                          s->crds == K8S_CRDS_UNKNOWN
                              ? cJSON_CreateNull()
                              : cJSON_CreateBool(s->crds == K8S_CRDS_PRESENT));
    add_int(o, "deployments", s->listed ? (int64_t)s->deployments.len : -1);
    add_int(o, "session_jobs", s->discovery.session_jobs ? (int64_t)s->session_jobs.len : -1);
    add_str(o, "watch", s->watch_note[0] ? s->watch_note : NULL); /* e.g. watch forbidden */
    cJSON *nss = cJSON_AddArrayToObject(o, "namespace_errors");
    for (size_t i = 0; i < s->n_namespaces; i++)
        if (s->namespaces[i].error[0])
            cJSON_AddItemToArray(nss, cJSON_CreateString(s->namespaces[i].error));
    return o;
}

static void add_num(cJSON *o, const char *k, double v) {
    if (isnan(v) || isinf(v))
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, v);
}

/* Seconds since an epoch-ms time, or null. */
static void add_age(cJSON *o, const char *k, int64_t ts, int64_t now_ms) {
    if (ts <= 0)
        cJSON_AddNullToObject(o, k);
    else
        cJSON_AddNumberToObject(o, k, (double)((now_ms - ts) / 1000));
}

static cJSON *vertex_json(const struct vertex *v) {
    cJSON *o = cJSON_CreateObject();
    add_str(o, "id", v->id[0] ? v->id : NULL);
    add_str(o, "name", v->name);
    add_int(o, "parallelism", v->parallelism);
    add_num(o, "records_in_per_s", v->in_per_s);
    add_num(o, "records_out_per_s", v->out_per_s);
    add_num(o, "busy_ratio", v->busy_ms / 1000.0);
    cJSON *bp = cJSON_AddObjectToObject(o, "backpressure");
    if (v->bp_sampled) {
        cJSON_AddStringToObject(bp, "level", bp_level_name(v->bp_level));
        double max = NAN;
        cJSON *subs = cJSON_AddArrayToObject(bp, "subtasks");
        for (size_t i = 0; i < v->n_subtasks; i++) {
            double r = v->bp_ratio[i];
            if (!isnan(r) && (isnan(max) || r > max))
                max = r;
            cJSON_AddItemToArray(subs, isnan(r) ? cJSON_CreateNull() : cJSON_CreateNumber(r));
        }
        add_num(bp, "max_ratio", max);
    } else {
        cJSON_AddNullToObject(bp, "level");
        cJSON_AddNullToObject(bp, "max_ratio");
        cJSON_AddNullToObject(bp, "subtasks");
    }
    return o;
}

static cJSON *checkpoints_json(const struct job_detail *d, int64_t now_ms) {
    if (!d->have_checkpoints)
        return cJSON_CreateNull();
    const struct checkpoint_stats *cs = &d->checkpoints;
    cJSON *o = cJSON_CreateObject();
    add_int(o, "completed", cs->completed);
    add_int(o, "failed", cs->failed);
    add_int(o, "in_progress", cs->in_progress);
    if (d->have_cp_config && d->cp_config.enabled && d->cp_config.interval_ms != INT64_MAX)
        add_int(o, "interval_ms", d->cp_config.interval_ms);
    else
        cJSON_AddNullToObject(o, "interval_ms");
    const struct checkpoint *lc = &cs->last_completed;
    if (lc->id >= 0) {
        cJSON *c = cJSON_AddObjectToObject(o, "last_completed");
        add_int(c, "id", lc->id);
        add_int(c, "duration_ms", lc->duration_ms);
        add_int(c, "size_bytes", lc->size_bytes);
        add_age(c, "age_s", lc->ack_ts > 0 ? lc->ack_ts : lc->trigger_ts, now_ms);
        add_str(c, "path", lc->path);
    } else {
        cJSON_AddNullToObject(o, "last_completed");
    }
    const struct checkpoint *lf = &cs->last_failed;
    if (lf->id >= 0) {
        cJSON *c = cJSON_AddObjectToObject(o, "last_failed");
        add_int(c, "id", lf->id);
        add_age(c, "age_s", lf->failure_ts > 0 ? lf->failure_ts : lf->trigger_ts, now_ms);
        add_str(c, "cause", lf->failure_message);
    } else {
        cJSON_AddNullToObject(o, "last_failed");
    }
    const struct checkpoint *ls = &cs->last_savepoint;
    if (ls->id >= 0) {
        cJSON *c = cJSON_AddObjectToObject(o, "last_savepoint");
        add_str(c, "path", ls->path);
        add_age(c, "age_s", ls->ack_ts > 0 ? ls->ack_ts : ls->trigger_ts, now_ms);
    } else {
        cJSON_AddNullToObject(o, "last_savepoint");
    }
    return o;
}

static cJSON *exceptions_json(const struct job_detail *d) {
    if (!d->have_exceptions)
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    if (d->exceptions.len > 0) {
        const struct exception_entry *e = &d->exceptions.entries[0];
        cJSON *root = cJSON_AddObjectToObject(o, "root");
        add_int(root, "time", e->timestamp);
        add_str(root, "message", e->message);
    } else {
        cJSON_AddNullToObject(o, "root");
    }
    return o;
}

/* The job's triage (health.h): class, reason in words and the numbers behind them. */
static cJSON *health_json(const struct job *j, int64_t now_ms) {
    struct job_health h;
    health_eval(j, now_ms, &h);
    cJSON *o = cJSON_CreateObject();
    add_str(o, "class", health_class_name(h.cls));
    add_str(o, "reason", h.reason[0] ? h.reason : NULL);
    add_int(o, "checkpoint_failures_in_row", h.cp_failed_in_row);
    add_int(o, "checkpoint_age_ms", h.cp_age_ms);
    add_num(o, "backpressured_max", h.bp_max);
    add_num(o, "busy_max", h.busy_max);
    const struct vertex *b = h.bottleneck;
    add_str(o, "bottleneck", b ? (b->name ? b->name : b->id) : NULL);
    return o;
}

/* One ring as {"source", "points": [[unix_ms, value], ...]}: gaps (NaN) left out. */
static cJSON *series_json(const struct ring *r, bool backfilled) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "source", backfilled ? "prometheus" : "rest");
    cJSON *pts = cJSON_AddArrayToObject(o, "points");
    for (size_t i = 0; r && i < r->len; i++) {
        double v = ring_get(r, i);
        int64_t t = ring_time(r, i);
        if (isnan(v) || isinf(v) || t <= 0)
            continue;
        cJSON *p = cJSON_CreateArray();
        cJSON_AddItemToArray(p, cJSON_CreateNumber((double)t));
        cJSON_AddItemToArray(p, cJSON_CreateNumber(v));
        cJSON_AddItemToArray(pts, p);
    }
    return o;
}

/* The job's history rings (history.h), Prometheus's backfill and REST's points by time. */
static cJSON *history_json(const struct job_detail *d) {
    const struct job_history *h = d ? &d->history : NULL;
    unsigned bf = h ? h->backfilled : 0;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "records_in_per_s",
                          series_json(h ? &h->in_per_s : NULL, bf & HISTORY_BF_THROUGHPUT));
    cJSON_AddItemToObject(o, "records_out_per_s",
                          series_json(h ? &h->out_per_s : NULL, bf & HISTORY_BF_THROUGHPUT));
    cJSON_AddItemToObject(o, "backpressured_max",
                          series_json(h ? &h->bp_max : NULL, bf & HISTORY_BF_LOAD));
    cJSON_AddItemToObject(o, "busy_max", series_json(h ? &h->busy_max : NULL, bf & HISTORY_BF_LOAD));
    cJSON_AddItemToObject(o, "checkpoint_duration_ms",
                          series_json(h ? &h->cp_duration_ms : NULL, bf & HISTORY_BF_CHECKPOINTS));
    return o;
}

static cJSON *job_json(const struct job *j, int64_t now_ms) {
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
    cJSON_AddItemToObject(o, "health", health_json(j, now_ms));
    cJSON_AddItemToObject(o, "history", history_json(j->detail));
    const struct job_detail *d = j->detail;
    if (d == NULL) {
        cJSON_AddNullToObject(o, "records_in_per_s");
        cJSON_AddNullToObject(o, "records_out_per_s");
        cJSON_AddNullToObject(o, "vertices");
        cJSON_AddNullToObject(o, "checkpoints");
        cJSON_AddNullToObject(o, "exceptions");
        cJSON *errs = cJSON_AddArrayToObject(o, "errors");
        if (j->id[0] == '\0') { /* never asked: a path must not carry what the server sent */
            cJSON *e = cJSON_CreateObject();
            add_str(e, "endpoint", "job");
            add_str(e, "error", "no valid job id from the server (32 hex digits): details not asked");
            cJSON_AddBoolToObject(e, "stale", false);
            cJSON_AddItemToArray(errs, e);
        }
        return o;
    }
    add_num(o, "records_in_per_s", d->records_in_per_s);
    add_num(o, "records_out_per_s", d->records_out_per_s);
    if (d->vertices_ms > 0) {
        cJSON *vs = cJSON_AddArrayToObject(o, "vertices");
        for (size_t i = 0; i < d->vertices.len; i++)
            cJSON_AddItemToArray(vs, vertex_json(&d->vertices.items[i]));
    } else {
        cJSON_AddNullToObject(o, "vertices");
    }
    cJSON_AddItemToObject(o, "checkpoints", checkpoints_json(d, now_ms));
    cJSON_AddItemToObject(o, "exceptions", exceptions_json(d));
    /* the job-detail endpoints that failed: what is null above, or stale, and why */
    cJSON *errs = cJSON_AddArrayToObject(o, "errors");
    for (int p = 0; p < DETAIL_PART_COUNT; p++) {
        const struct source *s = &d->parts[p];
        if (s->state != SOURCE_ERROR)
            continue;
        cJSON *e = cJSON_CreateObject();
        add_str(e, "endpoint", detail_part_name((enum detail_part)p));
        add_str(e, "error", s->error);
        cJSON_AddBoolToObject(e, "stale", source_stale(s));
        cJSON_AddItemToArray(errs, e);
    }
    return o;
}

static cJSON *taskmanager_json(const struct app *app, const struct cluster *c,
                               const struct taskmanager *t) {
    cJSON *o = cJSON_CreateObject();
    add_str(o, "id", t->id);
    add_int(o, "slots_total", t->slots_total);
    add_int(o, "slots_free", t->slots_free);
    add_num(o, "heap_used", t->metrics.heap_used);
    add_num(o, "heap_max", t->metrics.heap_max);
    add_num(o, "cpu_load", t->metrics.cpu_load);
    /* the heap's history: Prometheus's backfill before REST's points */
    cJSON_AddItemToObject(o, "heap_used_history",
                          series_json(&t->heap_used,
                                      prom_source_tm_heap_backfilled(app->prom, c->name, t->id)));
    return o;
}

/* What Prometheus says of job j of cluster ci; null when no series matched. */
static cJSON *prom_job_json(const struct app *app, size_t ci, const struct job *j) {
    struct prom_job_health h;
    if (!prom_source_job(app->prom, app, ci, j->id, &h))
        return cJSON_CreateNull();
    cJSON *o = cJSON_CreateObject();
    add_num(o, "records_in_per_s", h.v[PROM_M_RECORDS_IN]);
    add_num(o, "records_out_per_s", h.v[PROM_M_RECORDS_OUT]);
    add_num(o, "backpressured_max_ms_per_s", h.v[PROM_M_BACKPRESSURED_MAX]);
    add_num(o, "busy_max_ms_per_s", h.v[PROM_M_BUSY_MAX]);
    add_num(o, "checkpoint_age_s", h.checkpoint_age_s);
    add_num(o, "checkpoint_duration_ms", h.v[PROM_M_CHECKPOINT_DURATION]);
    add_num(o, "checkpoint_size_bytes", h.v[PROM_M_CHECKPOINT_SIZE]);
    add_num(o, "checkpoints_failed", h.v[PROM_M_CHECKPOINTS_FAILED]);
    add_num(o, "restarts", h.v[PROM_M_RESTARTS]);
    add_num(o, "source_lag_records", prom_job_health_lag(&h));
    add_int(o, "time", h.sample_ms > 0 ? h.sample_ms : -1);
    return o;
}

/* The source itself: {"url","status","error","queries","last_ok"}. */
static cJSON *prom_json(const struct app *app) {
    const struct source *st = prom_source_state(app->prom);
    cJSON *o = cJSON_CreateObject();
    add_str(o, "url", prom_source_url(app->prom));
    cJSON_AddStringToObject(o, "status",
                            prom_source_status(app->prom, app->now_ms, app->refresh_ms));
    add_str(o, "error", st->error[0] ? st->error : NULL);
    cJSON_AddNumberToObject(o, "queries", PROM_SOURCE_QUERIES);
    cJSON_AddNumberToObject(o, "backfill_queries", (double)prom_source_backfill_queries(app->prom));
    add_int(o, "last_ok", st->last_ok_ms > 0 ? st->last_ok_ms : -1);
    return o;
}

/* {"used", "max", "history"} of cluster ci's JobManager heap, from Prometheus. */
static cJSON *jm_heap_json(const struct app *app, size_t ci) {
    double used, max;
    int64_t t;
    prom_source_jobmanager_heap(app->prom, app, ci, &used, &max, &t);
    cJSON *o = cJSON_CreateObject();
    add_num(o, "used", used);
    add_num(o, "max", max);
    cJSON_AddItemToObject(
        o, "history",
        series_json(prom_source_jobmanager_heap_ring(app->prom, app->clusters[ci].name), true));
    return o;
}

static cJSON *cluster_json(const struct app *app, size_t ci, int64_t now_ms) {
    const struct cluster *c = &app->clusters[ci];
    cJSON *o = cJSON_CreateObject();
    add_str(o, "name", c->name);
    add_str(o, "url", cluster_shown_url(c)); /* never a password */
    add_str(o, "context", c->k8s.context);
    add_str(o, "namespace", c->k8s.namespace);
    /* false when TLS verification is skipped (insecure-skip-tls-verify, insecure: true) */
    cJSON_AddBoolToObject(o, "tls_verify", http_trust_of(c->tls) == HTTP_TRUST_VERIFIED);
    cJSON_AddItemToObject(o, "deployment", deployment_json(c));
    cJSON_AddItemToObject(o, "deployments", deployments_json(c));
    if (app->prom) /* the JobManager's heap and its history: Prometheus's alone */
        cJSON_AddItemToObject(o, "jobmanager_heap", jm_heap_json(app, ci));
    bool ok = cluster_state(c) == SOURCE_OK;
    const struct source *k8s_failed = freshness_k8s_failed(c, NULL);
    cJSON_AddStringToObject(o, "status", ok && k8s_failed == NULL ? "ok" : "error");
    add_str(o, "error", !ok ? cluster_error(c) : k8s_failed ? k8s_failed->error : NULL);
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
        cJSON_AddStringToObject(so, "status",
                                src->state == SOURCE_OK      ? "ok"
                                : src->state == SOURCE_ERROR ? "error"
                                                             : "pending");
        add_str(so, "error", src->error[0] ? src->error : NULL);
        add_int(so, "last_ok", src->last_ok_ms > 0 ? src->last_ok_ms : -1);
    }
    /* a FlinkDeployment's Kubernetes lists: its pods, events (and snapshots) */
    for (int l = 0; l < FRESH_K8S_LISTS; l++) {
        const struct source *src = freshness_k8s_list(c, (enum fresh_k8s_list)l);
        if (src == NULL)
            continue;
        cJSON *so = cJSON_AddObjectToObject(sources, freshness_k8s_list_name((enum fresh_k8s_list)l));
        cJSON_AddStringToObject(so, "status",
                                src->state == SOURCE_OK      ? "ok"
                                : src->state == SOURCE_ERROR ? "error"
                                                             : "pending");
        add_str(so, "error", src->error[0] ? src->error : NULL);
        add_int(so, "last_ok", src->last_ok_ms > 0 ? src->last_ok_ms : -1);
    }
    if (c->sources[SRC_JOBS].last_ok_ms > 0) {
        cJSON *jobs = cJSON_AddArrayToObject(o, "jobs");
        for (size_t i = 0; i < c->jobs.len; i++) {
            cJSON *jo = job_json(&c->jobs.items[i], now_ms);
            if (app->prom)
                cJSON_AddItemToObject(jo, "prometheus", prom_job_json(app, ci, &c->jobs.items[i]));
            cJSON_AddItemToArray(jobs, jo);
        }
    } else {
        cJSON_AddNullToObject(o, "jobs");
    }
    if (c->sources[SRC_TASKMANAGERS].last_ok_ms > 0) {
        cJSON *tms = cJSON_AddArrayToObject(o, "taskmanager_list");
        for (size_t i = 0; i < c->taskmanagers.len; i++)
            cJSON_AddItemToArray(tms, taskmanager_json(app, c, &c->taskmanagers.items[i]));
    } else {
        cJSON_AddNullToObject(o, "taskmanager_list");
    }
    return o;
}

char *once_json(const struct app *app) {
    cJSON *root = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(root, "clusters");
    for (size_t i = 0; i < app->n_clusters; i++)
        if (!app->clusters[i].k8s.gone)
            cJSON_AddItemToArray(arr, cluster_json(app, i, app->now_ms));
    if (app->k8s_contexts) {
        cJSON *ctxs = cJSON_AddArrayToObject(root, "contexts");
        for (size_t i = 0; i < k8s_context_count(app); i++)
            cJSON_AddItemToArray(ctxs, context_json(k8s_context_at(app, i)));
    }
    cJSON *alerts = app->alerts ? alerts_to_json(app->alerts) : NULL;
    if (alerts == NULL)
        alerts = cJSON_CreateArray();
    for (cJSON *a = alerts->child; a; a = a->next) /* beside Prometheus's, say whose */
        if (cJSON_GetObjectItemCaseSensitive(a, "origin") == NULL)
            cJSON_AddStringToObject(a, "origin", "flinktop");
    if (app->prom) { /* Prometheus's alerts are the engine's external ones (alerts.h) */
        cJSON_AddItemToObject(root, "prometheus", prom_json(app));
    } else {
        cJSON_AddNullToObject(root, "prometheus");
    }
    cJSON_AddItemToObject(root, "alerts", alerts);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    if (s == NULL)
        return xstrdup("{}");
    char *out = xstrdup(s);
    cJSON_free(s);
    return out;
}
