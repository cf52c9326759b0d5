#include "poller.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flink_endpoints.h"
#include "prom_cover.h"
#include "strmap.h"
#include "xalloc.h"

/* ---- the scheduler's bookkeeping (not the model's): what is out, what is due ---------- */

struct job_sched {
    char id[33];
    int64_t details_ms;         /* clock the last detail refresh started, 0 never */
    int in_flight;              /* requests of its detail set still out */
    int pending_vmetrics;       /* answers of this refresh's metrics set still out */
    enum http_priority prio;    /* of the refresh under way: its vertices' go the same */
    bool subtasks;              /* this refresh asks per-subtask values too */
    bool fill;                  /* a visible row's first details (struct http_request.fill) */
    int64_t covered_ms;         /* clock Prometheus last answered for it on the board */
};

struct tm_sched {
    char *id; /* owned */
    bool in_flight;
};

/* One per cluster, by the cluster's index (its stable id: entries are never removed). */
struct cluster_sched {
    bool in_flight[EP_COUNT];           /* the cluster-level endpoints */
    enum http_priority asked[EP_COUNT]; /* the priority those went with */
    int64_t summary_ms;       /* clock its summaries were last asked, 0 never */
    int64_t tm_ms;            /* clock its task managers' metrics were last asked */
    bool retry; /* poller_retry_failed: its summaries go at HTTP_PRIO_VIEW, rare ones too */
    /* Bumped by poller_retry_failed: a request asked before it went with the settings of
     * before (a rotated token's 401), and an answer older than the endpoint's last ask is
     * dropped. */
    unsigned epoch;
    unsigned asked_epoch[EP_COUNT]; /* the epoch of in_flight[k]'s latest ask */
    struct job_sched **jobs;  /* owned, each owned */
    size_t n_jobs;
    struct strmap job_index; /* id -> jobs[i] */
    struct tm_sched *tms;    /* owned */
    size_t n_tms;
};

/* The argument of one request: owned by the request, freed in its callback. */
struct fetch {
    struct poller *p;
    size_t cluster;
    enum flink_ep kind;
    enum http_priority prio;
    bool again; /* asked again to move a queued copy up: its answer leads to nothing more */
    unsigned epoch; /* its cluster's struct cluster_sched.epoch when asked */
    char job_id[33];
    char vertex_id[33];
    char *tm_id; /* owned */
    char *path;  /* owned */
};

/* A job row on screen (struct poller_focus.row_*). */
struct poller_row {
    int cluster;
    char id[33];
};

struct poller {
    struct app *app;
    struct http *http;
    const struct clock *clock; /* borrowed; NULL: the real clock */
    poller_submit_fn submit;   /* NULL: http_submit */
    void *submit_arg;
    struct cluster_sched *sched; /* owned, one per cluster seen */
    size_t n_sched;
    int in_flight;
    int bg_in_flight; /* of them at HTTP_PRIO_BACKGROUND */
    bool all_details;
    bool changed;            /* an answer for the screen in view came in */
    bool board_changed;      /* one for the board's rows */
    bool bg_changed;         /* one in the background */
    int64_t board_report_ms; /* when board_changed was last reported */
    int64_t bg_report_ms;    /* when bg_changed was last reported */
    int focus;
    char focus_job[33];
    enum poller_tab tab;
    bool *on_screen; /* owned copy, NULL: every cluster */
    struct fetch *last_fetch; /* the request ask() made last (borrowed, for ask_again) */
    int selected;              /* struct poller_focus.selected_cluster */
    char selected_job[33];
    size_t n_on_screen;
    char drill_vertex[33]; /* struct poller_focus.drill_vertex, "" none */
    struct poller_row *rows; /* owned: the job rows on screen */
    size_t n_rows;
    int filling; /* jobs whose fill is out (js->fill), at most POLLER_FILL_MAX */
    bool selected_moved; /* schedule_selected runs for a row just selected */
};

struct poller *poller_new(struct app *app, struct http *http) {
    struct poller *p = xcalloc(1, sizeof *p);
    p->app = app;
    p->http = http;
    p->focus = -1;
    p->selected = -1;
    return p;
}

void poller_free(struct poller *p) {
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_sched; i++) {
        for (size_t k = 0; k < p->sched[i].n_tms; k++)
            free(p->sched[i].tms[k].id);
        free(p->sched[i].tms);
        for (size_t k = 0; k < p->sched[i].n_jobs; k++)
            free(p->sched[i].jobs[k]);
        free(p->sched[i].jobs);
        strmap_free(&p->sched[i].job_index);
    }
    free(p->sched);
    free(p->on_screen);
    free(p->rows);
    free(p);
}

void poller_set_all_details(struct poller *p, bool all) { p->all_details = all; }
void poller_set_clock(struct poller *p, const struct clock *clock) { p->clock = clock; }
void poller_set_submit(struct poller *p, poller_submit_fn submit, void *arg) {
    p->submit = submit;
    p->submit_arg = arg;
}
int poller_in_flight(const struct poller *p) { return p->in_flight; }
int poller_background_in_flight(const struct poller *p) { return p->bg_in_flight; }

static int64_t now_ms(const struct poller *p) { return clock_now(p->clock); }

bool poller_take_changed(struct poller *p) {
    int64_t now = now_ms(p);
    bool bg = p->bg_changed && now - p->bg_report_ms >= POLLER_BACKGROUND_REPORT_MS;
    bool board = p->board_changed && now - p->board_report_ms >= POLLER_BOARD_REPORT_MS;
    bool c = p->changed || board || bg;
    p->changed = false;
    if (c) { /* what is drawn now includes them all */
        if (p->board_changed)
            p->board_report_ms = now;
        if (p->bg_changed)
            p->bg_report_ms = now;
        p->board_changed = p->bg_changed = false;
    }
    return c;
}

static void schedule_selected(struct poller *p, size_t ci);
static bool prom_covers(const struct poller *p, size_t ci, const char *id, int64_t now);

void poller_set_focus(struct poller *p, const struct poller_focus *f) {
    p->focus = f->cluster;
    snprintf(p->focus_job, sizeof p->focus_job, "%s", f->job ? f->job : "");
    p->tab = f->tab;
    const char *sj = f->selected_job ? f->selected_job : "";
    bool moved = f->selected_cluster != p->selected || strcmp(sj, p->selected_job) != 0;
    p->selected = f->selected_cluster;
    snprintf(p->selected_job, sizeof p->selected_job, "%s", sj);
    snprintf(p->drill_vertex, sizeof p->drill_vertex, "%s", f->drill_vertex ? f->drill_vertex : "");
    free(p->on_screen);
    p->on_screen = NULL;
    p->n_on_screen = 0;
    if (f->on_screen) {
        p->n_on_screen = f->n_on_screen;
        p->on_screen = xcalloc(f->n_on_screen ? f->n_on_screen : 1, sizeof *p->on_screen);
        memcpy(p->on_screen, f->on_screen, f->n_on_screen * sizeof *p->on_screen);
    }
    free(p->rows);
    p->rows = NULL;
    p->n_rows = f->n_rows < POLLER_ROWS_MAX ? f->n_rows : POLLER_ROWS_MAX;
    if (p->n_rows > 0) {
        p->rows = xcalloc(p->n_rows, sizeof *p->rows);
        for (size_t i = 0; i < p->n_rows; i++) {
            p->rows[i].cluster = f->row_clusters[i];
            snprintf(p->rows[i].id, sizeof p->rows[i].id, "%s",
                     f->row_jobs[i] ? f->row_jobs[i] : "");
        }
    }
    /* a new row selected: what an action on it needs, now rather than next round */
    if (moved && !p->all_details && p->selected >= 0 && (size_t)p->selected < p->app->n_clusters &&
        cluster_in_scope(&p->app->clusters[p->selected])) {
        p->selected_moved = true;
        schedule_selected(p, (size_t)p->selected);
        p->selected_moved = false;
    }
}

static size_t ring_size(const struct poller *p) {
    return p->app->history_len ? p->app->history_len : 450;
}

static int detail_interval(const struct poller *p) {
    return p->app->detail_interval_ms > 0 ? p->app->detail_interval_ms : POLLER_DETAIL_INTERVAL_MS;
}

static int refresh_interval(const struct poller *p) {
    return p->app->refresh_ms > 0 ? p->app->refresh_ms : 2000;
}

/* Cluster ci has something on screen: its own screen, or a row of the screen in view. */
static bool on_screen(const struct poller *p, size_t ci) {
    if ((int)ci == p->focus)
        return true;
    if (p->on_screen == NULL || ci >= p->n_on_screen)
        return true; /* new since the screen was last drawn: its first rows are coming */
    return p->on_screen[ci];
}

static bool is_focus_job(const struct poller *p, size_t ci, const char *id) {
    return (int)ci == p->focus && p->focus_job[0] && strcmp(p->focus_job, id) == 0;
}

/* The job's overview tab is on screen: its TIER_VIEW_* endpoints are due. */
static bool overview_in_view(const struct poller *p, size_t ci, const char *id) {
    return !p->all_details && p->tab == POLLER_TAB_OVERVIEW && is_focus_job(p, ci, id);
}

/* The cluster's bookkeeping, made on first use (Kubernetes discovery adds clusters). */
static struct cluster_sched *sched_of(struct poller *p, size_t ci) {
    if (ci >= p->n_sched) {
        size_t n = p->app->n_clusters > ci ? p->app->n_clusters : ci + 1;
        p->sched = xrealloc(p->sched, n * sizeof *p->sched);
        memset(&p->sched[p->n_sched], 0, (n - p->n_sched) * sizeof *p->sched);
        for (size_t i = p->n_sched; i < n; i++)
            strmap_init(&p->sched[i].job_index);
        p->n_sched = n;
    }
    return &p->sched[ci];
}

/* The job's bookkeeping; made when create, else NULL when there is none. O(1). */
static struct job_sched *job_sched(struct poller *p, size_t ci, const char *id, bool create) {
    struct cluster_sched *cs = sched_of(p, ci);
    struct job_sched *js = strmap_get(&cs->job_index, id);
    if (js || !create)
        return js;
    cs->jobs = xrealloc(cs->jobs, (cs->n_jobs + 1) * sizeof *cs->jobs);
    js = xcalloc(1, sizeof *js);
    snprintf(js->id, sizeof js->id, "%s", id);
    cs->jobs[cs->n_jobs++] = js;
    strmap_put(&cs->job_index, js->id, js);
    return js;
}

static struct tm_sched *tm_sched(struct poller *p, size_t ci, const char *id, bool create) {
    struct cluster_sched *cs = sched_of(p, ci);
    for (size_t i = 0; i < cs->n_tms; i++)
        if (strcmp(cs->tms[i].id, id) == 0)
            return &cs->tms[i];
    if (!create)
        return NULL;
    cs->tms = xrealloc(cs->tms, (cs->n_tms + 1) * sizeof *cs->tms);
    struct tm_sched *ts = &cs->tms[cs->n_tms++];
    ts->id = xstrdup(id);
    ts->in_flight = false;
    return ts;
}

/* Forget the jobs that left the list and have nothing out. */
static void prune_jobs(struct poller *p, size_t ci) {
    struct cluster_sched *cs = sched_of(p, ci);
    struct cluster *c = &p->app->clusters[ci];
    size_t k = 0;
    for (size_t i = 0; i < cs->n_jobs; i++) {
        struct job_sched *js = cs->jobs[i];
        if (js->in_flight > 0 || cluster_find_job(c, js->id)) {
            cs->jobs[k++] = js;
        } else {
            strmap_del(&cs->job_index, js->id);
            free(js);
        }
    }
    cs->n_jobs = k;
}

static struct taskmanager *find_tm(struct cluster *c, const char *id) {
    for (size_t i = 0; id && i < c->taskmanagers.len; i++)
        if (strcmp(c->taskmanagers.items[i].id, id) == 0)
            return &c->taskmanagers.items[i];
    return NULL;
}

static void prune_tms(struct poller *p, size_t ci) {
    struct cluster_sched *cs = sched_of(p, ci);
    struct cluster *c = &p->app->clusters[ci];
    size_t k = 0;
    for (size_t i = 0; i < cs->n_tms; i++) {
        if (cs->tms[i].in_flight || find_tm(c, cs->tms[i].id))
            cs->tms[k++] = cs->tms[i];
        else
            free(cs->tms[i].id);
    }
    cs->n_tms = k;
}

/* ---- requests ------------------------------------------------------------------------ */

static void on_done(void *arg, const struct http_response *resp);

static void fetch_free(struct fetch *f) {
    free(f->tm_id);
    free(f->path);
    free(f);
}

/* What a fetch is about, looked up again in the model (lists are replaced by each poll). */
static void fetch_target(const struct fetch *f, struct flink_target *t) {
    struct cluster *c = &f->p->app->clusters[f->cluster];
    memset(t, 0, sizeof *t);
    t->cluster = c;
    t->now = now_ms(f->p);
    if (f->job_id[0])
        t->job = cluster_find_job(c, f->job_id);
    if (t->job && t->job->detail && f->vertex_id[0])
        t->vertex = job_detail_vertex(t->job->detail, f->vertex_id);
    if (f->tm_id)
        t->tm = find_tm(c, f->tm_id);
}

/* Ask endpoint kind of cluster ci (about job jid, vertex vid, task manager tmid when the
 * endpoint is about one) for whoever waits (prio). Returns false when the request could
 * not even be made. */
static bool ask(struct poller *p, size_t ci, enum flink_ep kind, const char *jid, const char *vid,
                const char *tmid, enum http_priority prio, bool fill) {
    const struct flink_endpoint *e = flink_endpoint(kind);
    struct cluster *c = &p->app->clusters[ci];
    struct fetch *f = xcalloc(1, sizeof *f);
    f->p = p;
    f->cluster = ci;
    f->kind = kind;
    f->prio = prio;
    f->epoch = sched_of(p, ci)->epoch;
    snprintf(f->job_id, sizeof f->job_id, "%s", jid ? jid : "");
    snprintf(f->vertex_id, sizeof f->vertex_id, "%s", vid ? vid : "");
    f->tm_id = tmid ? xstrdup(tmid) : NULL;
    f->path = flink_endpoint_path(e, jid, vid, tmid);
    char *url = xasprintf("%s%s", c->url, f->path);
    struct http_request req = {0};
    req.url = url;
    req.done = on_done;
    req.arg = f;
    req.timeout_ms = p->app->timeout_ms;
    req.tls = c->tls;
    req.priority = prio;
    req.fill = fill;
    int rc = p->submit ? p->submit(p->submit_arg, &req) : http_submit(p->http, &req);
    free(url);
    if (rc != 0) {
        struct flink_target t;
        fetch_target(f, &t);
        struct source *s = e->source(&t);
        if (s)
            source_fail(s, t.now, "bad URL: %s", c->url);
        fetch_free(f);
        return false;
    }
    p->in_flight++;
    if (prio == HTTP_PRIO_BACKGROUND)
        p->bg_in_flight++;
    p->last_fetch = f;
    return true;
}

/* ask() for an endpoint already out, to move it up: see struct fetch.again. */
static bool ask_again(struct poller *p, size_t ci, enum flink_ep kind, const char *jid,
                      enum http_priority prio, bool fill) {
    if (!ask(p, ci, kind, jid, NULL, NULL, prio, fill))
        return false;
    p->last_fetch->again = true;
    return true;
}

/* Who waits for cluster ci's summaries: its own screen (its jobs, one of its jobs) is
 * the screen in view; a row on the clusters screen or the board is the board's. */
static enum http_priority summary_prio(const struct poller *p, size_t ci) {
    if (p->all_details)
        return HTTP_PRIO_BOARD;
    /* the cluster on screen, and the row the cursor is on: an action key acts on it at
     * once, so its job list must not wait behind the budget */
    if ((int)ci == p->focus || (int)ci == p->selected)
        return HTTP_PRIO_VIEW;
    if (!on_screen(p, ci))
        return HTTP_PRIO_BACKGROUND;
    /* a row still empty fills at once (the first screen is whole in a round trip); after
     * that the rows on screen share the budget and show their age */
    return p->app->clusters[ci].sources[SRC_OVERVIEW].last_ok_ms == 0 ? HTTP_PRIO_VIEW
                                                                      : HTTP_PRIO_BOARD;
}

static bool rare_due(const struct source *s, int64_t now) {
    return s->state != SOURCE_OK || now - s->last_ok_ms >= FLINK_RARE_INTERVAL_MS;
}

static bool tms_in_view(const struct poller *p, size_t ci);

static bool detail_due(const struct poller *p, const struct source *s, int64_t now) {
    return s == NULL || s->state != SOURCE_OK || now - s->last_ok_ms >= detail_interval(p);
}

static bool summaries_out(const struct cluster_sched *cs) {
    for (int k = 0; k < EP_COUNT; k++)
        if (cs->in_flight[k] && flink_endpoint((enum flink_ep)k)->tier == TIER_SUMMARY)
            return true;
    return false;
}

/* A cluster's summaries not already out, and its rare endpoints when due (those always
 * in the background: nobody waits for a version string). */
static void ask_summaries(struct poller *p, size_t ci, enum http_priority prio) {
    struct cluster *c = &p->app->clusters[ci];
    struct cluster_sched *cs = sched_of(p, ci);
    struct flink_target t = {.cluster = c};
    int64_t now = now_ms(p);
    cs->summary_ms = now;
    for (int k = 0; k < EP_COUNT; k++) {
        const struct flink_endpoint *e = flink_endpoint((enum flink_ep)k);
        if (e->tier != TIER_SUMMARY && e->tier != TIER_RARE)
            continue;
        enum http_priority pr = e->tier == TIER_RARE && !cs->retry ? HTTP_PRIO_BACKGROUND : prio;
        /* out since before a reload: asked anew, with what the reload brought */
        bool stale = cs->in_flight[k] && cs->asked_epoch[k] != cs->epoch;
        if (cs->in_flight[k] && !stale) {
            /* still queued behind others, and now someone waits for it: the same GET
             * again joins it (http.c coalesces) and moves it up to pr */
            if (pr > cs->asked[k] && ask(p, ci, e->kind, NULL, NULL, NULL, pr, false))
                cs->asked[k] = pr;
            continue;
        }
        if (e->tier == TIER_RARE && !stale && !rare_due(e->source(&t), now))
            continue;
        /* the task managers change seldom: at the detail interval, unless their tab is
         * on screen (every round) or they never answered */
        if (e->kind == EP_TASKMANAGERS && !p->all_details && !tms_in_view(p, ci) &&
            !detail_due(p, e->source(&t), now))
            continue;
        if (ask(p, ci, e->kind, NULL, NULL, NULL, pr, false)) {
            cs->in_flight[k] = true;
            cs->asked[k] = pr;
            cs->asked_epoch[k] = cs->epoch;
        }
    }
    cs->retry = false;
}

/* The job's fill is over once nothing of it is out. */
static void fill_done(struct poller *p, struct job_sched *js) {
    if (js->fill && js->in_flight == 0) {
        js->fill = false;
        p->filling--;
    }
}

/* One job's whole detail set: its TIER_JOB endpoints (the job's answer then asks its
 * vertices'), and the TIER_JOB_ONCE ones until they answered. */
static void refresh_job(struct poller *p, size_t ci, struct job *j, enum http_priority prio,
                        bool subtasks, bool fill) {
    if (j->detail == NULL)
        j->detail = job_detail_new(ring_size(p));
    struct job_sched *js = job_sched(p, ci, j->id, true);
    if (js->in_flight > 0) {
        /* the last refresh has not finished: never pile up on a slow server. When it
         * went in the background and the job is now on screen, its requests are asked
         * again at prio: http.c joins each to the queued one and moves it up, and the
         * vertices' go at prio once the job's answer is in. */
        if (prio > js->prio || (fill && !js->fill)) {
            if (prio > js->prio)
                js->prio = prio;
            js->subtasks = js->subtasks || subtasks;
            if (fill && !js->fill) {
                js->fill = true;
                p->filling++;
            }
            for (int k = 0; k < EP_COUNT; k++) {
                const struct flink_endpoint *e = flink_endpoint((enum flink_ep)k);
                if (e->tier == TIER_JOB && ask_again(p, ci, e->kind, j->id, js->prio, js->fill))
                    js->in_flight++;
            }
            /* its vertices' requests, asked when the job's answer came in, still wait at
             * the old priority: move them up too (the fetches keep their own) */
            if (prio > HTTP_PRIO_BOARD && p->http && p->submit == NULL) {
                char *prefix = xasprintf("%s/jobs/%s/", p->app->clusters[ci].url, j->id);
                http_promote(p->http, prefix, prio);
                free(prefix);
            }
        }
        return;
    }
    js->details_ms = now_ms(p);
    js->prio = prio;
    js->subtasks = subtasks;
    if (fill) {
        js->fill = true;
        p->filling++;
    }
    for (int k = 0; k < EP_COUNT; k++) {
        const struct flink_endpoint *e = flink_endpoint((enum flink_ep)k);
        if (e->tier == TIER_VIEW_JOB && overview_in_view(p, ci, j->id) &&
            ask(p, ci, e->kind, j->id, NULL, NULL, prio, false))
            js->in_flight++; /* what only the job on screen shows (its restarts) */
        if (e->tier != TIER_JOB && e->tier != TIER_JOB_ONCE)
            continue;
        if (e->tier == TIER_JOB_ONCE) {
            struct flink_target t = {.cluster = &p->app->clusters[ci], .job = j};
            const struct source *s = e->source(&t);
            if (s && s->last_ok_ms > 0)
                continue;
        }
        if (ask(p, ci, e->kind, j->id, NULL, NULL, prio, fill))
            js->in_flight++;
    }
    fill_done(p, js);
}

/* The job on screen, every round, for the screen in view; with --once every job. */
static void schedule_details(struct poller *p, size_t ci) {
    struct cluster *c = &p->app->clusters[ci];
    if (p->all_details) {
        for (size_t k = 0; k < c->jobs.len; k++)
            if (c->jobs.items[k].id[0])
                refresh_job(p, ci, &c->jobs.items[k], HTTP_PRIO_BOARD, true, false);
        return;
    }
    if ((int)ci != p->focus || p->focus_job[0] == '\0')
        return;
    struct job *fj = cluster_find_job(c, p->focus_job);
    if (fj)
        refresh_job(p, ci, fj, HTTP_PRIO_VIEW, p->tab == POLLER_TAB_SUBTASKS, false);
}

/* The selected row's job(s), when their details are due: what an action key needs (its
 * parallelism, its checkpoints) is there at once, so they go as the screen in view (they
 * spend the budget's tokens, never wait for them); at most every detail interval. */
static void schedule_selected(struct poller *p, size_t ci) {
    if ((int)ci != p->selected || (int)ci == p->focus)
        return;
    struct cluster *c = &p->app->clusters[ci];
    if (p->selected_job[0] == '\0' && c->jobs.len > POLLER_SELECTED_MAX_JOBS)
        return;
    int64_t now = now_ms(p);
    for (size_t k = 0; k < c->jobs.len; k++) {
        struct job *j = &c->jobs.items[k];
        if (j->id[0] == '\0' || (p->selected_job[0] && strcmp(j->id, p->selected_job) != 0))
            continue;
        const struct job_sched *js = job_sched(p, ci, j->id, false);
        /* a job Prometheus covers: when the row is selected, not again every interval */
        bool again = p->selected_moved || !prom_covers(p, ci, j->id, now);
        bool due = js == NULL || js->details_ms == 0 ||
                   (again && now - js->details_ms >= detail_interval(p));
        if (due || (js->in_flight > 0 && js->prio < HTTP_PRIO_VIEW))
            refresh_job(p, ci, j, HTTP_PRIO_VIEW, false, false);
    }
}

/* Every task manager's metrics not already out (one request each: Flink's REST API has
 * no per-task-manager values in one request). */
static void ask_tm_metrics(struct poller *p, size_t ci, enum http_priority prio) {
    struct cluster *c = &p->app->clusters[ci];
    sched_of(p, ci)->tm_ms = now_ms(p);
    for (size_t i = 0; i < c->taskmanagers.len; i++) {
        struct taskmanager *t = &c->taskmanagers.items[i];
        if (t->id[0] == '\0')
            continue;
        struct tm_sched *ts = tm_sched(p, ci, t->id, true);
        if (ts->in_flight)
            continue;
        for (int k = 0; k < EP_COUNT; k++)
            if (flink_endpoint((enum flink_ep)k)->tier == TIER_TM &&
                ask(p, ci, (enum flink_ep)k, NULL, NULL, t->id, prio, false))
                ts->in_flight = true;
    }
}

static bool tms_out(const struct cluster_sched *cs) {
    for (size_t i = 0; i < cs->n_tms; i++)
        if (cs->tms[i].in_flight)
            return true;
    return false;
}

/* The task managers tab of the cluster on screen wants its metrics every round. */
static bool tms_in_view(const struct poller *p, size_t ci) {
    return (int)ci == p->focus && p->tab == POLLER_TAB_TASKMANAGERS;
}

/* ---- Prometheus answers for the fleet ------------------------------------------------ */

/* The board's figures of job id of cluster ci come from Prometheus (prom_cover.h, the
 * model's record the Prometheus source writes): no REST fill or background refresh of its
 * details for them. The job on screen and the selected row are asked as before. */
static bool prom_covers(const struct poller *p, size_t ci, const char *id, int64_t now) {
    return prom_cover_job(p->app->prom_cover, ci, id, now, refresh_interval(p));
}

/* Prometheus's first answer is due (at most a refresh period): the rows wait for it
 * rather than spend a REST fill on what it is about to say. */
static bool prom_waiting(const struct poller *p, int64_t now) {
    return prom_cover_waiting(p->app->prom_cover, now, refresh_interval(p));
}

/* ---- the rows on screen: their first details before anything off screen ------------ */

/* Each job row on screen that has no details yet and none out gets its first detail
 * set for the board, as a fill (it waits for the budget, not for its steady share), at
 * most POLLER_FILL_MAX jobs at a time, top row first. O(rows). */
static void fill_rows(struct poller *p) {
    int64_t now = now_ms(p);
    if (p->all_details || prom_waiting(p, now))
        return;
    for (size_t i = 0; i < p->n_rows && p->filling < POLLER_FILL_MAX; i++) {
        const struct poller_row *r = &p->rows[i];
        if (r->cluster < 0 || (size_t)r->cluster >= p->app->n_clusters)
            continue;
        size_t ci = (size_t)r->cluster;
        struct cluster *c = &p->app->clusters[ci];
        if (!cluster_in_scope(c) || is_focus_job(p, ci, r->id))
            continue;
        struct job *j = cluster_find_job(c, r->id);
        if (j == NULL)
            continue;
        if (prom_covers(p, ci, j->id, now)) {
            job_sched(p, ci, j->id, true)->covered_ms = now;
            continue;
        }
        const struct job_sched *js = job_sched(p, ci, j->id, false);
        /* Prometheus answered for it since its REST details: its figures are the last
         * Prometheus gave, going stale, until a fill brings REST's (the detail interval
         * would leave them for up to 30 s, or an hour as some configs say) */
        bool behind = js && js->covered_ms > js->details_ms;
        /* a job whose first details answered (or failed) has had its fill: a refresh of
         * it caught out in the background is the usual round, not a fill (made one, it
         * left the steady share: with a slow cluster holding slots, most background
         * refreshes of the rows on screen were caught so and the API server got the
         * whole budget); one still waiting for its first moves up */
        bool had = j->detail && j->detail->parts[DETAIL_JOB].state != SOURCE_PENDING;
        if (js && (js->fill || (!behind && js->details_ms != 0 && (js->in_flight == 0 || had))))
            continue;
        refresh_job(p, ci, j, HTTP_PRIO_BOARD, false, true);
    }
}

/* ---- the background: within the budget, oldest first --------------------------------- */

enum bg_kind { BG_NONE, BG_SUMMARIES, BG_TMS, BG_JOB };

struct bg_pick {
    enum bg_kind kind;
    size_t ci;
    size_t job; /* index into the cluster's jobs */
    int64_t last;
};

static void consider(struct bg_pick *best, enum bg_kind kind, size_t ci, size_t job, int64_t last) {
    if (best->kind == BG_NONE || last < best->last)
        *best = (struct bg_pick){kind, ci, job, last};
}

/* The background unit that waited longest among those due: an off-screen cluster's
 * summaries (due every refresh), a cluster's task manager metrics and a job's details
 * (each due every detail interval). O(jobs). */
static struct bg_pick oldest_due(struct poller *p, int64_t now) {
    struct bg_pick best = {BG_NONE, 0, 0, 0};
    bool prom_first = prom_waiting(p, now);
    for (size_t ci = 0; ci < p->app->n_clusters; ci++) {
        struct cluster *c = &p->app->clusters[ci];
        if (!cluster_in_scope(c))
            continue;
        struct cluster_sched *cs = sched_of(p, ci);
        if (!on_screen(p, ci) && !summaries_out(cs) &&
            (cs->summary_ms == 0 || now - cs->summary_ms >= refresh_interval(p)))
            consider(&best, BG_SUMMARIES, ci, 0, cs->summary_ms);
        if (!tms_in_view(p, ci) && c->taskmanagers.len > 0 && !tms_out(cs) &&
            (cs->tm_ms == 0 || now - cs->tm_ms >= detail_interval(p)))
            consider(&best, BG_TMS, ci, 0, cs->tm_ms);
        for (size_t k = 0; k < c->jobs.len; k++) {
            const struct job *j = &c->jobs.items[k];
            if (j->id[0] == '\0' || is_focus_job(p, ci, j->id) || prom_first)
                continue; /* Prometheus is about to answer for it */
            if (prom_covers(p, ci, j->id, now)) { /* it answers for it */
                job_sched(p, ci, j->id, true)->covered_ms = now;
                continue;
            }
            const struct job_sched *js = job_sched(p, ci, j->id, false);
            int64_t last = js ? js->details_ms : 0;
            bool behind = js && js->covered_ms > last; /* due at once, as in fill_rows */
            if ((js && js->in_flight > 0) ||
                (last != 0 && !behind && now - last < detail_interval(p)))
                continue;
            consider(&best, BG_JOB, ci, k, last);
        }
    }
    return best;
}

/* Start background work, oldest first, while fewer than POLLER_BACKGROUND_MAX of its
 * requests are out: the HTTP budget paces them; the poller only keeps the queue short.
 * Each unit is stamped before it asks, so none is picked twice in one fill. */
static void background_fill(struct poller *p) {
    if (p->all_details)
        return;
    int64_t now = now_ms(p);
    while (p->bg_in_flight < POLLER_BACKGROUND_MAX) {
        struct bg_pick b = oldest_due(p, now);
        if (b.kind == BG_NONE)
            return;
        if (b.kind == BG_SUMMARIES)
            ask_summaries(p, b.ci, HTTP_PRIO_BACKGROUND);
        else if (b.kind == BG_TMS)
            ask_tm_metrics(p, b.ci, HTTP_PRIO_BACKGROUND);
        else
            refresh_job(p, b.ci, &p->app->clusters[b.ci].jobs.items[b.job],
                        HTTP_PRIO_BACKGROUND, false, false);
    }
}

/* The drilled-into vertex of the job on screen: its TIER_DRILL endpoints (its subtasks and
 * their task managers), at the refresh's priority; nothing for any other job or vertex. */
static void ask_drill(struct poller *p, size_t ci, struct job *j, struct job_sched *js) {
    if (p->drill_vertex[0] == '\0' || !is_focus_job(p, ci, j->id) ||
        job_detail_vertex(j->detail, p->drill_vertex) == NULL)
        return;
    for (int k = 0; k < EP_COUNT; k++)
        if (flink_endpoint((enum flink_ep)k)->tier == TIER_DRILL &&
            ask(p, ci, (enum flink_ep)k, j->id, p->drill_vertex, NULL, js->prio, false))
            js->in_flight++;
}

/* The job's answer is in: ask each vertex's endpoints, at the refresh's priority. */
static void schedule_vertices(struct poller *p, size_t ci, struct job *j) {
    struct job_sched *js = job_sched(p, ci, j->id, true);
    struct job_detail *d = j->detail;
    js->pending_vmetrics = 0;
    for (size_t i = 0; i < d->vertices.len; i++) {
        const char *vid = d->vertices.items[i].id;
        if (vid[0] == '\0')
            continue;
        for (int k = 0; k < EP_COUNT; k++) {
            const struct flink_endpoint *e = flink_endpoint((enum flink_ep)k);
            bool wanted = e->tier == TIER_VERTEX || (e->tier == TIER_SUBTASK && js->subtasks);
            /* the watermarks: only the job on screen shows them */
            wanted = wanted || (e->tier == TIER_VIEW_VTX && overview_in_view(p, ci, j->id));
            if (e->tier == TIER_VIEW_SRC && d->vertices.items[i].n_inputs == 0 &&
                overview_in_view(p, ci, j->id)) {
                /* a source's backlog: its operator's metric names are in the path */
                char op[96];
                flink_source_operator(d->vertices.items[i].name, op, sizeof op);
                if (op[0] && ask(p, ci, e->kind, j->id, vid, op, js->prio, js->fill))
                    js->in_flight++;
                continue;
            }
            if (!wanted || !ask(p, ci, e->kind, j->id, vid, NULL, js->prio, js->fill))
                continue;
            js->in_flight++;
            if (e->metrics_set)
                js->pending_vmetrics++;
        }
    }
    ask_drill(p, ci, j, js);
}

/* Every metric of this refresh is in (or there was none to ask): the job's throughput,
 * the time history takes its point from, and the job's metrics part says how its
 * vertices' went (the first failing vertex's error, each vertex keeping its own). */
static void metrics_complete(struct job_detail *d, int64_t now) {
    job_detail_update_throughput(d);
    d->metrics_ms = now;
    const struct vertex *bad = NULL;
    size_t n_bad = 0;
    bool any = false;
    for (size_t i = 0; i < d->vertices.len; i++) {
        const struct vertex *v = &d->vertices.items[i];
        if (v->metrics.state == SOURCE_ERROR) {
            bad = bad ? bad : v;
            n_bad++;
        }
        any = any || v->metrics.state != SOURCE_PENDING;
    }
    struct source *part = &d->parts[DETAIL_VERTEX_METRICS];
    if (bad && n_bad > 1)
        source_fail(part, now, "%zu of %zu vertices: %s", n_bad, d->vertices.len,
                    bad->metrics.error);
    else if (bad)
        source_fail(part, now, "%s: %s", bad->name ? bad->name : bad->id, bad->metrics.error);
    else if (any || d->vertices.len == 0)
        source_ok(part, now);
}

void poller_retry_failed(struct poller *p) {
    for (size_t ci = 0; ci < p->app->n_clusters; ci++) {
        struct cluster *c = &p->app->clusters[ci];
        struct flink_target t = {.cluster = c};
        for (int k = 0; k < EP_COUNT; k++) {
            const struct flink_endpoint *e = flink_endpoint((enum flink_ep)k);
            if ((e->tier == TIER_SUMMARY || e->tier == TIER_RARE) &&
                e->source(&t) && e->source(&t)->state == SOURCE_ERROR) {
                sched_of(p, ci)->retry = true;
                sched_of(p, ci)->epoch++;
                break;
            }
        }
    }
}

void poller_round(struct poller *p, int focus, const char *focus_job) {
    p->focus = focus;
    snprintf(p->focus_job, sizeof p->focus_job, "%s", focus_job ? focus_job : "");
    for (size_t ci = 0; ci < p->app->n_clusters; ci++) {
        struct cluster *c = &p->app->clusters[ci];
        if (!cluster_in_scope(c))
            continue; /* its resource vanished (the entry stays, its index is someone's), or
                         it lies outside the :ctx / :ns scope */
        /* the clusters on screen every round; the rest in the background; one a reload
         * asked to try again, at once */
        if (p->n_sched > ci && p->sched[ci].retry)
            ask_summaries(p, ci, HTTP_PRIO_VIEW);
        else if (p->all_details || on_screen(p, ci))
            ask_summaries(p, ci, summary_prio(p, ci));
        /* Details for the jobs and task managers we already know; new ones are scheduled
         * when their list arrives. */
        schedule_details(p, ci);
        if (!p->all_details)
            schedule_selected(p, ci);
        if (p->all_details)
            ask_tm_metrics(p, ci, HTTP_PRIO_BOARD);
        else if (tms_in_view(p, ci))
            ask_tm_metrics(p, ci, HTTP_PRIO_VIEW);
    }
    fill_rows(p);
    background_fill(p);
}

/* ---- answers ------------------------------------------------------------------------- */

/* Every answer goes through the source interface (poller_source_ops.on_response). */
static void on_done(void *arg, const struct http_response *resp) {
    struct fetch *f = arg;
    poller_source_ops.on_response(f->p, f, resp);
}

static void on_response(void *self, void *request, const struct http_response *resp) {
    struct poller *p = self;
    struct fetch *f = request;
    const struct flink_endpoint *e = flink_endpoint(f->kind);
    p->in_flight--;
    if (f->prio == HTTP_PRIO_BACKGROUND)
        p->bg_in_flight--;
    struct job_sched *js = f->job_id[0] ? job_sched(p, f->cluster, f->job_id, false) : NULL;
    if (js && js->in_flight > 0)
        js->in_flight--;
    if (f->tm_id) {
        struct tm_sched *ts = tm_sched(p, f->cluster, f->tm_id, false);
        if (ts)
            ts->in_flight = false;
    }
    /* a cluster endpoint asked again since a reload: this older answer (the old token's
     * 401, say) is dropped; the newer one decides */
    bool superseded = false;
    if (e->tier == TIER_SUMMARY || e->tier == TIER_RARE) {
        struct cluster_sched *cs = sched_of(p, f->cluster);
        superseded = f->epoch != cs->asked_epoch[f->kind];
        if (!superseded)
            cs->in_flight[f->kind] = false;
    }

    struct flink_target t;
    fetch_target(f, &t);
    bool about_gone = f->job_id[0] && (t.job == NULL || t.job->detail == NULL);
    /* an answer about a job that left the list while we asked is dropped */
    bool applied = !about_gone && !superseded && flink_endpoint_answer(e, &t, resp, f->path);
    if (applied && !f->again) {
        if (e->follow == FOLLOW_JOBS) {
            prune_jobs(p, f->cluster);
            schedule_details(p, f->cluster);
            if (!p->all_details)
                schedule_selected(p, f->cluster);
        } else if (e->follow == FOLLOW_TMS) {
            prune_tms(p, f->cluster);
            if (p->all_details)
                ask_tm_metrics(p, f->cluster, HTTP_PRIO_BOARD);
            else if (tms_in_view(p, f->cluster))
                ask_tm_metrics(p, f->cluster, HTTP_PRIO_VIEW);
        } else if (e->follow == FOLLOW_VERTICES && js) {
            schedule_vertices(p, f->cluster, t.job);
            if (js->pending_vmetrics == 0)
                metrics_complete(t.job->detail, t.now);
        }
    }
    /* a failed metrics answer keeps the vertex's last values and still counts */
    if (e->metrics_set && js && !about_gone && js->pending_vmetrics > 0 &&
        --js->pending_vmetrics == 0)
        metrics_complete(t.job->detail, t.now);
    if (f->prio == HTTP_PRIO_BACKGROUND)
        p->bg_changed = true; /* off screen: drawn with the next change at most a second on */
    else if (f->prio == HTTP_PRIO_BOARD)
        p->board_changed = true; /* rows of a list: a few answers to a frame */
    else
        p->changed = true;
    fetch_free(f);
    if (js)
        fill_done(p, js); /* its last answer, vertices' asks included */
    /* a background slot freed, or a list brought new jobs: the next row, the next oldest */
    fill_rows(p);
    background_fill(p);
}

/* ---- the source interface ------------------------------------------------------------ */

static void ops_round(void *self, const struct source_focus *focus) {
    poller_round(self, focus ? focus->cluster : -1, focus ? focus->job : NULL);
}
static bool ops_take_changed(void *self) { return poller_take_changed(self); }
static bool ops_busy(const void *self) { return poller_in_flight(self) > 0; }
static void ops_free(void *self) { poller_free(self); }

const struct source_ops poller_source_ops = {"flink",          ops_round, on_response,
                                             ops_take_changed, ops_busy,  ops_free};

struct data_source poller_source(struct poller *p) {
    return (struct data_source){&poller_source_ops, p};
}
