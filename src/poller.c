#include "poller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "flink_api.h"
#include "xalloc.h"

/* /config rarely changes: ask again after this long. */
#define CONFIG_INTERVAL_MS 60000

enum fetch_kind { FETCH_SOURCE, FETCH_DETAILS };

/* The argument of one request: owned by the request, freed in its callback. */
struct fetch {
    struct poller *p;
    size_t cluster;
    enum fetch_kind kind;
    enum cluster_source source;
    char job_id[33];
};

struct poller {
    struct app *app;
    struct http *http;
    int in_flight;
    bool all_details;
    bool changed;
    int focus;
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

static void on_done(void *arg, const struct http_response *resp);

static void submit(struct poller *p, struct fetch *f, const char *path) {
    struct cluster *c = &p->app->clusters[f->cluster];
    char *url = xasprintf("%s%s", c->url, path);
    struct http_request req = {0};
    req.url = url;
    req.done = on_done;
    req.arg = f;
    req.timeout_ms = p->app->timeout_ms;
    if (http_submit(p->http, &req) == 0) {
        p->in_flight++;
        if (f->kind == FETCH_SOURCE)
            c->sources[f->source].in_flight = true;
    } else if (f->kind == FETCH_SOURCE) {
        struct source *s = &c->sources[f->source];
        s->state = SOURCE_ERROR;
        snprintf(s->error, sizeof s->error, "bad URL: %s", c->url);
        free(f);
    } else {
        free(f);
    }
    free(url);
}

static void fetch_source(struct poller *p, size_t ci, enum cluster_source src) {
    struct fetch *f = xcalloc(1, sizeof *f);
    f->p = p;
    f->cluster = ci;
    f->kind = FETCH_SOURCE;
    f->source = src;
    submit(p, f, source_paths[src]);
}

static void fetch_details(struct poller *p, size_t ci, const struct job *j) {
    struct fetch *f = xcalloc(1, sizeof *f);
    f->p = p;
    f->cluster = ci;
    f->kind = FETCH_DETAILS;
    memcpy(f->job_id, j->id, sizeof f->job_id);
    char path[64];
    snprintf(path, sizeof path, "/jobs/%s", j->id);
    submit(p, f, path);
}

/* Round-robin over the jobs whose details are missing or old; all of them on the focus
 * cluster and in --once mode. */
static void schedule_details(struct poller *p, size_t ci) {
    struct cluster *c = &p->app->clusters[ci];
    size_t n = c->jobs.len;
    if (n == 0)
        return;
    bool all = p->all_details || (int)ci == p->focus;
    int64_t now = clock_wall_ms();
    int budget = all ? (int)n : POLLER_DETAILS_PER_ROUND;
    for (size_t k = 0; k < n && budget > 0; k++) {
        size_t idx = (c->detail_cursor + k) % n;
        struct job *j = &c->jobs.items[idx];
        if (j->id[0] == '\0')
            continue;
        bool due = j->details_ms == 0 || now - j->details_ms >= POLLER_DETAIL_INTERVAL_MS;
        if (!all && !due)
            continue;
        j->details_ms = now; /* claimed: not asked again until the interval passes */
        fetch_details(p, ci, j);
        budget--;
        c->detail_cursor = (idx + 1) % n;
    }
}

void poller_round(struct poller *p, int focus) {
    p->focus = focus;
    int64_t now = clock_wall_ms();
    for (size_t ci = 0; ci < p->app->n_clusters; ci++) {
        struct cluster *c = &p->app->clusters[ci];
        for (int s = 0; s < SRC_COUNT; s++) {
            struct source *src = &c->sources[s];
            if (src->in_flight)
                continue;
            if (s == SRC_CONFIG && src->state == SOURCE_OK &&
                now - src->last_ok_ms < CONFIG_INTERVAL_MS)
                continue;
            fetch_source(p, ci, (enum cluster_source)s);
        }
        /* Details for the jobs we already know; new jobs are scheduled on arrival. */
        schedule_details(p, ci);
    }
}

/* Carry what only the details know over to the freshly parsed job list. */
static void keep_details(const struct job_list *old, struct job_list *fresh) {
    for (size_t i = 0; i < fresh->len; i++) {
        struct job *nj = &fresh->items[i];
        for (size_t k = 0; k < old->len; k++) {
            const struct job *oj = &old->items[k];
            if (nj->id[0] && strcmp(oj->id, nj->id) == 0) {
                nj->parallelism = oj->parallelism;
                nj->max_parallelism = oj->max_parallelism;
                nj->details_ms = oj->details_ms;
                break;
            }
        }
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
            keep_details(&c->jobs, &jobs);
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
            taskmanager_list_free(&c->taskmanagers);
            c->taskmanagers = tms;
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

static void finish_details(struct fetch *f, const struct http_response *resp) {
    struct cluster *c = &f->p->app->clusters[f->cluster];
    struct job *j = cluster_find_job(c, f->job_id);
    if (j == NULL || resp->outcome != HTTP_OK)
        return; /* the job left, or its details failed: its values stay as they were */
    struct job_details d;
    char err[128];
    if (flink_api_parse_job_details(resp->body, resp->len, &d, err, sizeof err) != FA_OK)
        return;
    j->parallelism = d.parallelism;
    j->max_parallelism = d.max_parallelism;
    j->details_ms = clock_wall_ms();
}

static void on_done(void *arg, const struct http_response *resp) {
    struct fetch *f = arg;
    struct poller *p = f->p;
    p->in_flight--;
    if (f->kind == FETCH_SOURCE)
        finish_source(f, resp);
    else
        finish_details(f, resp);
    p->changed = true;
    free(f);
}
