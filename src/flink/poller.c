#include "poller.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "flink_api.h"
#include "flink_detail.h"
#include "xalloc.h"

/* /config rarely changes: ask again after this long. */
#define CONFIG_INTERVAL_MS 60000

enum fetch_kind {
    FETCH_SOURCE,   /* one of the cluster's summaries */
    FETCH_JOB,      /* /jobs/:jid */
    FETCH_VMETRICS, /* /jobs/:jid/vertices/:vid/subtasks/metrics */
    FETCH_BACKPRESSURE,
    FETCH_CHECKPOINTS,
    FETCH_CP_CONFIG,
    FETCH_EXCEPTIONS,
    FETCH_TM_METRICS, /* /taskmanagers/:tmid/metrics */
    FETCH_JM_CONFIG,  /* /jobmanager/config: savepoint directory, scheduler (actions) */
};

/* The argument of one request: owned by the request, freed in its callback. */
struct fetch {
    struct poller *p;
    size_t cluster;
    enum fetch_kind kind;
    enum cluster_source source;
    char job_id[33];
    char vertex_id[33];
    char *tm_id; /* owned */
};

struct poller {
    struct app *app;
    struct http *http;
    int in_flight;
    bool all_details;
    bool changed;
    int focus;
    char focus_job[33];
};

static const char *const source_paths[SRC_COUNT] = {
    [SRC_CONFIG] = "/config",
    [SRC_OVERVIEW] = "/overview",
    [SRC_JOBS] = "/jobs/overview",
    [SRC_TASKMANAGERS] = "/taskmanagers",
};

struct poller *poller_new(struct app *app, struct http *http) {
    struct poller *p = xcalloc(1, sizeof *p);
    p->app = app;
    p->http = http;
    p->focus = -1;
    return p;
}

void poller_free(struct poller *p) { free(p); }
void poller_set_all_details(struct poller *p, bool all) { p->all_details = all; }
int poller_in_flight(const struct poller *p) { return p->in_flight; }

bool poller_take_changed(struct poller *p) {
    bool c = p->changed;
    p->changed = false;
    return c;
}

static size_t ring_size(const struct poller *p) {
    return p->app->history_len ? p->app->history_len : 450;
}

static int detail_interval(const struct poller *p) {
    return p->app->detail_interval_ms > 0 ? p->app->detail_interval_ms : POLLER_DETAIL_INTERVAL_MS;
}

static void on_done(void *arg, const struct http_response *resp);

static struct fetch *fetch_new(struct poller *p, size_t ci, enum fetch_kind kind) {
    struct fetch *f = xcalloc(1, sizeof *f);
    f->p = p;
    f->cluster = ci;
    f->kind = kind;
    return f;
}

static void fetch_free(struct fetch *f) {
    free(f->tm_id);
    free(f);
}

/* The job a fetch is about, if it is still in the list. borrowed */
static struct job *fetch_job(const struct fetch *f) {
    return cluster_find_job(&f->p->app->clusters[f->cluster], f->job_id);
}

static void submit(struct poller *p, struct fetch *f, const char *path) {
    struct cluster *c = &p->app->clusters[f->cluster];
    char *url = xasprintf("%s%s", c->url, path);
    struct http_request req = {0};
    req.url = url;
    req.done = on_done;
    req.arg = f;
    req.timeout_ms = p->app->timeout_ms;
    req.tls = c->tls;
    if (http_submit(p->http, &req) != 0) {
        if (f->kind == FETCH_SOURCE) {
            struct source *s = &c->sources[f->source];
            s->state = SOURCE_ERROR;
            snprintf(s->error, sizeof s->error, "bad URL: %s", c->url);
        }
        fetch_free(f);
        free(url);
        return;
    }
    p->in_flight++;
    if (f->kind == FETCH_SOURCE) {
        c->sources[f->source].in_flight = true;
    } else if (f->kind != FETCH_TM_METRICS && f->kind != FETCH_JM_CONFIG) {
        struct job *j = fetch_job(f);
        if (j && j->detail)
            j->detail->in_flight++;
    }
    free(url);
}

static void fetch_source(struct poller *p, size_t ci, enum cluster_source src) {
    struct fetch *f = fetch_new(p, ci, FETCH_SOURCE);
    f->source = src;
    submit(p, f, source_paths[src]);
}

static void fetch_job_part(struct poller *p, size_t ci, const char *jid, enum fetch_kind kind,
                           const char *vid) {
    struct fetch *f = fetch_new(p, ci, kind);
    snprintf(f->job_id, sizeof f->job_id, "%s", jid);
    if (vid)
        snprintf(f->vertex_id, sizeof f->vertex_id, "%s", vid);
    char path[256];
    switch (kind) {
    case FETCH_JOB:
        snprintf(path, sizeof path, "/jobs/%s", jid);
        break;
    case FETCH_VMETRICS:
        snprintf(path, sizeof path, "/jobs/%s/vertices/%s/subtasks/metrics?%s", jid, vid,
                 FLINK_VERTEX_METRICS_QUERY);
        break;
    case FETCH_BACKPRESSURE:
        snprintf(path, sizeof path, "/jobs/%s/vertices/%s/backpressure", jid, vid);
        break;
    case FETCH_CHECKPOINTS:
        snprintf(path, sizeof path, "/jobs/%s/checkpoints", jid);
        break;
    case FETCH_CP_CONFIG:
        snprintf(path, sizeof path, "/jobs/%s/checkpoints/config", jid);
        break;
    case FETCH_EXCEPTIONS:
        snprintf(path, sizeof path, "/jobs/%s/exceptions?maxExceptions=20", jid);
        break;
    default:
        fetch_free(f);
        return;
    }
    submit(p, f, path);
}

static void fetch_tm_metrics(struct poller *p, size_t ci, const char *tm_id) {
    struct fetch *f = fetch_new(p, ci, FETCH_TM_METRICS);
    f->tm_id = xstrdup(tm_id);
    /* task manager ids are pod names or host:port-suffix: escape them for the path */
    char *esc = curl_easy_escape(NULL, tm_id, 0);
    char *path = xasprintf("/taskmanagers/%s/metrics?%s", esc ? esc : "", FLINK_TM_METRICS_QUERY);
    curl_free(esc);
    submit(p, f, path);
    free(path);
}

/* One job's whole detail set: the job (then its vertices' metrics and backpressure),
 * checkpoints, checkpoint config (once), exceptions. */
static void refresh_job(struct poller *p, size_t ci, struct job *j) {
    if (j->detail == NULL)
        j->detail = job_detail_new(ring_size(p));
    if (j->detail->in_flight > 0)
        return; /* the last refresh has not finished: never pile up on a slow server */
    j->details_ms = clock_wall_ms();
    fetch_job_part(p, ci, j->id, FETCH_JOB, NULL);
    fetch_job_part(p, ci, j->id, FETCH_CHECKPOINTS, NULL);
    if (!j->detail->have_cp_config)
        fetch_job_part(p, ci, j->id, FETCH_CP_CONFIG, NULL);
    fetch_job_part(p, ci, j->id, FETCH_EXCEPTIONS, NULL);
}

/* How many items of n to refresh per round so each is refreshed every interval. */
static int round_budget(const struct poller *p, size_t n) {
    int rounds = detail_interval(p) / (p->app->refresh_ms > 0 ? p->app->refresh_ms : 2000);
    if (rounds < 1)
        rounds = 1;
    return (int)((n + (size_t)rounds - 1) / (size_t)rounds) + 1;
}

/* The job on screen every round; the others round-robin, each at least every
 * detail_interval; all of them with --once. */
static void schedule_details(struct poller *p, size_t ci) {
    struct cluster *c = &p->app->clusters[ci];
    size_t n = c->jobs.len;
    if (n == 0)
        return;
    int64_t now = clock_wall_ms();
    if ((int)ci == p->focus && p->focus_job[0]) {
        struct job *fj = cluster_find_job(c, p->focus_job);
        if (fj)
            refresh_job(p, ci, fj);
    }
    int budget = p->all_details ? (int)n : round_budget(p, n);
    size_t start = c->detail_cursor;
    for (size_t k = 0; k < n && budget > 0; k++) {
        size_t idx = (start + k) % n;
        struct job *j = &c->jobs.items[idx];
        if (j->id[0] == '\0')
            continue;
        bool due = j->details_ms == 0 || now - j->details_ms >= detail_interval(p);
        if (!p->all_details && !due)
            continue;
        refresh_job(p, ci, j);
        budget--;
        c->detail_cursor = (idx + 1) % n;
    }
}

static void schedule_tm_metrics(struct poller *p, size_t ci) {
    struct cluster *c = &p->app->clusters[ci];
    size_t n = c->taskmanagers.len;
    int64_t now = clock_wall_ms();
    bool all = p->all_details || (int)ci == p->focus;
    for (size_t i = 0; i < n; i++) {
        struct taskmanager *t = &c->taskmanagers.items[i];
        if (t->id[0] == '\0' || t->metrics_in_flight)
            continue;
        if (!all && t->metrics_ms && now - t->metrics_ms < detail_interval(p))
            continue;
        t->metrics_in_flight = true;
        fetch_tm_metrics(p, ci, t->id);
    }
}

void poller_round(struct poller *p, int focus, const char *focus_job) {
    p->focus = focus;
    snprintf(p->focus_job, sizeof p->focus_job, "%s", focus_job ? focus_job : "");
    int64_t now = clock_wall_ms();
    for (size_t ci = 0; ci < p->app->n_clusters; ci++) {
        struct cluster *c = &p->app->clusters[ci];
        if (c->k8s.gone || c->k8s.hidden)
            continue; /* its resource vanished (the entry stays, its index is someone's), or
                         it lies outside the :ctx / :ns scope */
        for (int s = 0; s < SRC_COUNT; s++) {
            struct source *src = &c->sources[s];
            if (src->in_flight)
                continue;
            if (s == SRC_CONFIG && src->state == SOURCE_OK &&
                now - src->last_ok_ms < CONFIG_INTERVAL_MS)
                continue;
            fetch_source(p, ci, (enum cluster_source)s);
            if (s == SRC_CONFIG) /* as rarely as /config */
                submit(p, fetch_new(p, ci, FETCH_JM_CONFIG), "/jobmanager/config");
        }
        /* Details for the jobs and task managers we already know; new ones are scheduled
         * when their list arrives. */
        schedule_details(p, ci);
        schedule_tm_metrics(p, ci);
    }
}

/* Parse a good answer into the cluster. Returns the parser status; err is filled on
 * failure. */
static enum fa_status apply_source(struct poller *p, size_t ci, enum cluster_source src,
                                   const struct http_response *resp, char *err, size_t errlen) {
    struct cluster *c = &p->app->clusters[ci];
    enum fa_status st = FA_OK;
    switch (src) {
    case SRC_CONFIG: {
        struct flink_config cfg;
        st = flink_api_parse_config(resp->body, resp->len, &cfg, err, errlen);
        if (st == FA_OK) {
            flink_config_free(&c->config);
            c->config = cfg;
        }
        break;
    }
    case SRC_OVERVIEW: {
        struct flink_overview ov;
        st = flink_api_parse_overview(resp->body, resp->len, &ov, err, errlen);
        if (st == FA_OK) {
            flink_overview_free(&c->overview);
            c->overview = ov;
        }
        break;
    }
    case SRC_JOBS: {
        struct job_list jobs = {0};
        st = flink_api_parse_jobs_overview(resp->body, resp->len, &jobs, err, errlen);
        if (st == FA_OK) {
            job_list_carry(&c->jobs, &jobs);
            job_list_free(&c->jobs);
            c->jobs = jobs;
            if (c->detail_cursor >= jobs.len)
                c->detail_cursor = 0;
            schedule_details(p, ci);
        }
        break;
    }
    case SRC_TASKMANAGERS: {
        struct taskmanager_list tms = {0};
        st = flink_api_parse_taskmanagers(resp->body, resp->len, &tms, err, errlen);
        if (st == FA_OK) {
            taskmanager_list_carry(&c->taskmanagers, &tms);
            for (size_t i = 0; i < tms.len; i++)
                if (tms.items[i].heap_used.v == NULL)
                    ring_init(&tms.items[i].heap_used, ring_size(p));
            taskmanager_list_free(&c->taskmanagers);
            c->taskmanagers = tms;
            schedule_tm_metrics(p, ci);
        }
        break;
    }
    case SRC_COUNT:
        break;
    }
    return st;
}

static void finish_source(struct fetch *f, const struct http_response *resp) {
    struct poller *p = f->p;
    struct cluster *c = &p->app->clusters[f->cluster];
    struct source *s = &c->sources[f->source];
    s->in_flight = false;
    s->last_try_ms = clock_wall_ms();
    if (resp->outcome == HTTP_OK) {
        char err[128] = "";
        if (apply_source(p, f->cluster, f->source, resp, err, sizeof err) == FA_OK) {
            s->state = SOURCE_OK;
            s->last_ok_ms = s->last_try_ms;
            s->error[0] = '\0';
        } else {
            s->state = SOURCE_ERROR;
            snprintf(s->error, sizeof s->error, "bad answer from %s: %s", source_paths[f->source],
                     err);
        }
        return;
    }
    s->state = SOURCE_ERROR;
    char *why = resp->status >= 400 ? flink_api_error_message(resp->body, resp->len) : NULL;
    if (why && *why)
        snprintf(s->error, sizeof s->error, "%s: %s", resp->error, why);
    else
        snprintf(s->error, sizeof s->error, "%s", resp->error);
    free(why);
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
            nv->bp_sampled = ov->bp_sampled;
            nv->bp_level = ov->bp_level;
            nv->n_subtasks = ov->n_subtasks;
            nv->bp_ratio = ov->bp_ratio;
            nv->busy_ratio = ov->busy_ratio;
            nv->idle_ratio = ov->idle_ratio;
            ov->bp_ratio = ov->busy_ratio = ov->idle_ratio = NULL;
            ov->n_subtasks = 0;
            break;
        }
    }
}

static bool vertex_is_source(const struct vertex *v) { return v->n_inputs == 0; }

/* A vertex nobody reads from is a sink. */
static bool vertex_is_sink(const struct vertex_list *l, const struct vertex *v) {
    for (size_t i = 0; i < l->len; i++)
        for (int k = 0; k < l->items[i].n_inputs; k++)
            if (strcmp(l->items[i].inputs[k], v->id) == 0)
                return false;
    return true;
}

/* Job throughput: what the sources emit (in) and what the sinks receive (out). NaN when
 * a vertex that counts is unknown. */
static void job_throughput(const struct vertex_list *l, double *in, double *out) {
    *in = 0;
    *out = 0;
    if (l->len == 0) {
        *in = *out = NAN;
        return;
    }
    for (size_t i = 0; i < l->len; i++) {
        const struct vertex *v = &l->items[i];
        if (vertex_is_source(v))
            *in += v->out_per_s;
        if (vertex_is_sink(l, v))
            *out += v->in_per_s;
    }
}

/* A job off screen is refreshed only every detail interval: push NaN for the refreshes
 * that had no data, so one ring entry stays one refresh period and charts keep their
 * time axis. */
static void push_gaps(struct job_history *h, int refresh_ms) {
    int64_t now = clock_wall_ms();
    if (h->last_push_ms > 0 && refresh_ms > 0) {
        int64_t missed = (now - h->last_push_ms) / refresh_ms - 1;
        if (missed > (int64_t)h->ring_size)
            missed = (int64_t)h->ring_size;
        for (int64_t i = 0; i < missed; i++) {
            ring_push(&h->in_per_s, NAN);
            ring_push(&h->out_per_s, NAN);
            for (size_t v = 0; v < h->n_vertices; v++) {
                ring_push(&h->vertices[v].in_per_s, NAN);
                ring_push(&h->vertices[v].out_per_s, NAN);
                ring_push(&h->vertices[v].busy, NAN);
                ring_push(&h->vertices[v].backpressured, NAN);
            }
        }
    }
    h->last_push_ms = now;
}

/* All vertex metrics of this refresh are in: push the history. */
static void push_job_history(struct job_detail *d, int refresh_ms) {
    struct job_history *h = &d->history;
    push_gaps(h, refresh_ms);
    for (size_t i = 0; i < d->vertices.len; i++) {
        const struct vertex *v = &d->vertices.items[i];
        struct vertex_history *vh = job_history_vertex(h, v->id);
        ring_push(&vh->in_per_s, v->in_per_s);
        ring_push(&vh->out_per_s, v->out_per_s);
        ring_push(&vh->busy, v->busy_ms / 1000.0);
        ring_push(&vh->backpressured, v->backpressured_ms / 1000.0);
    }
    double in, out;
    job_throughput(&d->vertices, &in, &out);
    d->records_in_per_s = in;
    d->records_out_per_s = out;
    ring_push(&h->in_per_s, in);
    ring_push(&h->out_per_s, out);
}

static void finish_job_part(struct fetch *f, const struct http_response *resp) {
    struct job *j = fetch_job(f);
    if (j == NULL || j->detail == NULL)
        return; /* the job left the list while we asked */
    struct job_detail *d = j->detail;
    if (d->in_flight > 0)
        d->in_flight--;
    char err[128] = "";
    bool ok = resp->outcome == HTTP_OK;
    switch (f->kind) {
    case FETCH_JOB: {
        if (!ok)
            break;
        struct job_details sum;
        struct vertex_list vl = {0};
        if (flink_detail_parse_job(resp->body, resp->len, &sum, &vl, err, sizeof err) != FA_OK)
            break;
        j->parallelism = sum.parallelism;
        j->max_parallelism = sum.max_parallelism;
        carry_vertices(&d->vertices, &vl);
        vertex_list_free(&d->vertices);
        d->vertices = vl;
        d->vertices_ms = clock_wall_ms();
        d->pending_vmetrics = (int)vl.len;
        for (size_t i = 0; i < vl.len; i++) {
            if (vl.items[i].id[0] == '\0') {
                d->pending_vmetrics--;
                continue;
            }
            fetch_job_part(f->p, f->cluster, j->id, FETCH_VMETRICS, vl.items[i].id);
            fetch_job_part(f->p, f->cluster, j->id, FETCH_BACKPRESSURE, vl.items[i].id);
        }
        if (d->pending_vmetrics <= 0)
            push_job_history(d, f->p->app->refresh_ms);
        break;
    }
    case FETCH_VMETRICS: {
        struct vertex *v = job_detail_vertex(d, f->vertex_id);
        /* a failed answer keeps the last good values: no flicker to "-" on one bad poll */
        if (v && ok)
            flink_detail_parse_vertex_metrics(resp->body, resp->len, v, err, sizeof err);
        if (--d->pending_vmetrics == 0)
            push_job_history(d, f->p->app->refresh_ms);
        break;
    }
    case FETCH_BACKPRESSURE: {
        struct vertex *v = job_detail_vertex(d, f->vertex_id);
        if (v && ok)
            flink_detail_parse_backpressure(resp->body, resp->len, v, err, sizeof err);
        break;
    }
    case FETCH_CHECKPOINTS: {
        struct checkpoint_stats cs;
        if (!ok ||
            flink_detail_parse_checkpoints(resp->body, resp->len, &cs, err, sizeof err) != FA_OK)
            break;
        checkpoint_stats_free(&d->checkpoints);
        d->checkpoints = cs;
        d->have_checkpoints = true;
        const struct checkpoint *lc = &cs.last_completed;
        if (lc->id >= 0 && lc->id != d->history.last_cp_id) {
            ring_push(&d->history.cp_duration_ms, (double)lc->duration_ms);
            ring_push(&d->history.cp_size, (double)lc->size_bytes);
            d->history.last_cp_id = lc->id;
        }
        break;
    }
    case FETCH_CP_CONFIG: {
        if (resp->status == 404) {
            /* "Checkpointing is not enabled for this job": a fact, not an error */
            checkpoint_config_free(&d->cp_config);
            d->cp_config.enabled = false;
            d->have_cp_config = true;
            break;
        }
        struct checkpoint_config cc;
        if (!ok || flink_detail_parse_checkpoint_config(resp->body, resp->len, &cc, err,
                                                        sizeof err) != FA_OK)
            break;
        checkpoint_config_free(&d->cp_config);
        d->cp_config = cc;
        d->have_cp_config = true;
        break;
    }
    case FETCH_EXCEPTIONS: {
        struct exceptions ex;
        if (!ok ||
            flink_detail_parse_exceptions(resp->body, resp->len, &ex, err, sizeof err) != FA_OK)
            break;
        exceptions_free(&d->exceptions);
        d->exceptions = ex;
        d->have_exceptions = true;
        break;
    }
    default:
        break;
    }
}

static void finish_tm_metrics(struct fetch *f, const struct http_response *resp) {
    struct cluster *c = &f->p->app->clusters[f->cluster];
    for (size_t i = 0; i < c->taskmanagers.len; i++) {
        struct taskmanager *t = &c->taskmanagers.items[i];
        if (strcmp(t->id, f->tm_id) != 0)
            continue;
        t->metrics_in_flight = false;
        struct tm_metrics m;
        char err[128];
        if (resp->outcome != HTTP_OK ||
            flink_detail_parse_tm_metrics(resp->body, resp->len, &m, err, sizeof err) != FA_OK)
            return;
        t->metrics = m;
        t->metrics_ms = clock_wall_ms();
        ring_push(&t->heap_used, m.heap_used);
        return;
    }
}

/* A failed answer keeps what was known: the actions then ask for a directory. */
static void finish_jm_config(struct fetch *f, const struct http_response *resp) {
    struct cluster *c = &f->p->app->clusters[f->cluster];
    char *dir;
    int adaptive;
    char err[128];
    if (resp->outcome != HTTP_OK ||
        flink_api_parse_jm_config(resp->body, resp->len, &dir, &adaptive, err, sizeof err) != FA_OK)
        return;
    free(c->savepoint_dir);
    c->savepoint_dir = dir;
    c->adaptive_scheduler = adaptive;
    c->jm_config_known = true;
}

static void on_done(void *arg, const struct http_response *resp) {
    struct fetch *f = arg;
    struct poller *p = f->p;
    p->in_flight--;
    if (f->kind == FETCH_SOURCE)
        finish_source(f, resp);
    else if (f->kind == FETCH_TM_METRICS)
        finish_tm_metrics(f, resp);
    else if (f->kind == FETCH_JM_CONFIG)
        finish_jm_config(f, resp);
    else
        finish_job_part(f, resp);
    p->changed = true;
    fetch_free(f);
}
