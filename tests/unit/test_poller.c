/* The Flink poller driven by a test clock and a fake server: what it asks each round,
 * when off-screen details and /config come due, that a failing job-detail endpoint is
 * an error on that job (and its earlier data stays, stale), and that history takes a
 * point when a job's metrics are complete, with NaN points for the refreshes it missed.
 * The fake server keeps each request; the test answers it with a fixture or an error. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "clock.h"
#include "fixture.h"
#include "history.h"
#include "poller.h"
#include "prom_cover.h"
#include "xalloc.h"

#define T0 1800000000000LL
#define BASE "http://flink:8081"
#define JOB1 "9f86d081884c7d659a2feaa0c55ad015" /* jobs_overview.flink-2.1.json */
#define JOB2 "a3f5b9c2d4e6f8a0b1c3d5e7f9a1b3c5"

struct pending {
    char *url; /* owned */
    http_done_fn done;
    void *arg;
    enum http_priority prio;
};

struct fake {
    struct pending reqs[512];
    bool fill[512]; /* struct http_request.fill of reqs[i] */
    size_t n;
};

struct world {
    struct fake server;
    struct clock clock;
    struct app app;
    struct poller *p;
};

static int fake_submit(void *arg, const struct http_request *req) {
    struct fake *f = arg;
    assert_true(f->n < sizeof f->reqs / sizeof f->reqs[0]);
    f->reqs[f->n].url = xstrdup(req->url);
    f->reqs[f->n].done = req->done;
    f->reqs[f->n].arg = req->arg;
    f->reqs[f->n].prio = req->priority;
    f->fill[f->n] = req->fill;
    f->n++;
    return 0;
}

/* Does request i go to path (exact: "/jobs/X") or, with like, contain it? */
static bool matches(const struct world *w, size_t i, const char *path, bool like) {
    const char *p = w->server.reqs[i].url + strlen(BASE);
    if (like)
        return strstr(p, path) != NULL;
    size_t len = strcspn(p, "?");
    return strlen(path) == len && strncmp(p, path, len) == 0;
}

/* Answer the first request to path (see matches), the last one (asked most recently)
 * when last: status 200 with the fixture (subdir, name), or the error status with Flink's
 * error body. Returns false when none is out. */
static bool answer_at(struct world *w, const char *path, bool like, bool last, long status,
                      const char *subdir, const char *name) {
    for (size_t k = 0; k < w->server.n; k++) {
        size_t i = last ? w->server.n - 1 - k : k;
        if (!matches(w, i, path, like))
            continue;
        struct pending r = w->server.reqs[i];
        memmove(&w->server.reqs[i], &w->server.reqs[i + 1],
                (w->server.n - i - 1) * sizeof w->server.reqs[0]);
        memmove(&w->server.fill[i], &w->server.fill[i + 1],
                (w->server.n - i - 1) * sizeof w->server.fill[0]);
        w->server.n--;
        char *body;
        size_t len;
        if (name) {
            struct body b = fixture_load(subdir, name);
            body = xmalloc(b.len + 1); /* http.c hands out NUL-terminated bodies */
            memcpy(body, b.data, b.len);
            body[b.len] = '\0';
            len = b.len;
            free(b.data);
        } else {
            body = xstrdup("{\"errors\":[\"Internal server error.\"]}");
            len = strlen(body);
        }
        char err[160] = "";
        if (status != 200)
            snprintf(err, sizeof err, "HTTP %ld from %.*s", status,
                     (int)strcspn(r.url + strlen(BASE), "?"), r.url + strlen(BASE));
        struct http_response resp = {
            status == 200 ? HTTP_OK : HTTP_FAILED, status, body, len, err, 1};
        r.done(r.arg, &resp);
        free(body);
        free(r.url);
        return true;
    }
    return false;
}

static bool answer_req(struct world *w, const char *path, bool like, long status,
                       const char *subdir, const char *name) {
    return answer_at(w, path, like, false, status, subdir, name);
}

/* Requests out to path (exact, before any query). */
static size_t asked(const struct world *w, const char *path) {
    size_t n = 0;
    for (size_t i = 0; i < w->server.n; i++)
        n += matches(w, i, path, false);
    return n;
}

/* The priority of the first request out to path (exact); -1 when none is out. */
static int prio_of(const struct world *w, const char *path) {
    for (size_t i = 0; i < w->server.n; i++)
        if (matches(w, i, path, false))
            return (int)w->server.reqs[i].prio;
    return -1;
}

/* Requests out whose path contains part. */
static size_t asked_like(const struct world *w, const char *part) {
    size_t n = 0;
    for (size_t i = 0; i < w->server.n; i++)
        n += matches(w, i, part, true);
    return n;
}

static bool answer(struct world *w, const char *path, long status, const char *subdir,
                   const char *name) {
    return answer_req(w, path, false, status, subdir, name);
}

/* Answer every request out (and those their answers make) whose path contains part. */
static size_t answer_all(struct world *w, const char *part, const char *subdir, const char *name) {
    size_t n = 0;
    while (answer_req(w, part, true, 200, subdir, name))
        n++;
    return n;
}

static int setup(void **state) {
    struct world *w = xcalloc(1, sizeof *w);
    clock_test_init(&w->clock, T0);
    w->app.n_clusters = 1;
    w->app.clusters = xcalloc(1, sizeof *w->app.clusters);
    cluster_init(&w->app.clusters[0], "production", BASE);
    w->app.refresh_ms = 2000;
    w->app.history_len = 20;
    w->app.detail_interval_ms = 30000;
    w->p = poller_new(&w->app, NULL);
    poller_set_clock(w->p, &w->clock);
    poller_set_submit(w->p, fake_submit, &w->server);
    *state = w;
    return 0;
}

static int teardown(void **state) {
    struct world *w = *state;
    /* requests still out complete cancelled, as http_free does */
    while (w->server.n > 0) {
        struct pending r = w->server.reqs[--w->server.n];
        struct http_response resp = {HTTP_FAILED, 0, "", 0, "cancelled", 0};
        r.done(r.arg, &resp);
        free(r.url);
    }
    poller_free(w->p);
    for (size_t i = 0; i < w->app.n_clusters; i++)
        cluster_free(&w->app.clusters[i]);
    free(w->app.clusters);
    free(w);
    return 0;
}

/* The summaries answered: two jobs (JOB1, JOB2) and the task managers. */
static void answer_summaries(struct world *w) {
    assert_true(answer(w, "/config", 200, "", "config.flink-2.1.json"));
    assert_true(answer(w, "/overview", 200, "", "overview.flink-1.20.json"));
    assert_true(answer(w, "/jobs/overview", 200, "", "jobs_overview.flink-2.1.json"));
    assert_true(answer(w, "/taskmanagers", 200, "", "taskmanagers.flink-2.3.json"));
}

static void first_round_asks_each_summary_once(void **state) {
    struct world *w = *state;
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/config"), 1);
    assert_int_equal(asked(w, "/jobmanager/config"), 1);
    assert_int_equal(asked(w, "/overview"), 1);
    assert_int_equal(asked(w, "/jobs/overview"), 1);
    assert_int_equal(asked(w, "/taskmanagers"), 1);
    assert_int_equal(poller_in_flight(w->p), 5);
    /* a hanging server: the next rounds ask nothing again while those are out */
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(poller_in_flight(w->p), 5);
}

static void config_comes_due_again_after_a_minute(void **state) {
    struct world *w = *state;
    poller_round(w->p, -1, NULL);
    answer_summaries(w);
    answer_all(w, "/jobmanager/config", "", "empty.json");
    assert_int_equal(w->app.clusters[0].sources[SRC_CONFIG].state, SOURCE_OK);
    assert_true(w->app.clusters[0].sources[SRC_CONFIG].last_ok_ms == T0);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/config"), 0);
    assert_int_equal(asked(w, "/overview"), 1);
    clock_advance(&w->clock, 60000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/config"), 1);
}

static void jobs_list_asks_each_jobs_details(void **state) {
    struct world *w = *state;
    poller_round(w->p, -1, NULL);
    answer_summaries(w);
    assert_int_equal(w->app.clusters[0].jobs.len, 2);
    assert_int_equal(asked(w, "/jobs/" JOB1), 1);
    assert_int_equal(asked(w, "/jobs/" JOB1 "/checkpoints"), 1);
    assert_int_equal(asked(w, "/jobs/" JOB1 "/checkpoints/config"), 1);
    assert_int_equal(asked(w, "/jobs/" JOB1 "/exceptions"), 1);
    assert_int_equal(asked(w, "/jobs/" JOB2), 1);
    /* the job's answer asks each of its four vertices' metrics, aggregated over the
     * subtasks: nobody looks at its per-subtask backpressure */
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/jobs/" JOB1 "/vertices/"), 4);
    assert_int_equal(asked_like(w, "/backpressure"), 0);
}

static void off_screen_details_wait_for_the_detail_interval(void **state) {
    struct world *w = *state;
    poller_round(w->p, -1, NULL);
    answer_summaries(w);
    answer_all(w, "/jobs/" JOB1, "detail", "checkpoints.flink-1.15.json"); /* any answer */
    answer_all(w, "/jobs/" JOB2, "detail", "checkpoints.flink-1.15.json");
    assert_int_equal(asked_like(w, "/jobs/"), 0);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/jobs/" JOB1), 0);
    /* on screen: every round */
    poller_round(w->p, 0, JOB1);
    assert_int_equal(asked(w, "/jobs/" JOB1), 1);
    assert_int_equal(asked(w, "/jobs/" JOB2), 0);
    clock_advance(&w->clock, 30000);
    poller_round(w->p, 0, JOB1);
    assert_int_equal(asked(w, "/jobs/" JOB2), 1);
}

static void failing_exceptions_are_an_error_on_the_job_then_stale(void **state) {
    struct world *w = *state;
    poller_round(w->p, 0, JOB1);
    answer_summaries(w);
    assert_true(answer(w, "/jobs/" JOB1 "/exceptions", 500, NULL, NULL));
    const struct job *j = cluster_job_by_id(&w->app.clusters[0], JOB1);
    assert_non_null(j);
    const struct source *s = &j->detail->parts[DETAIL_EXCEPTIONS];
    assert_int_equal(s->state, SOURCE_ERROR);
    assert_non_null(strstr(s->error, "HTTP 500 from /jobs/" JOB1 "/exceptions"));
    assert_non_null(strstr(s->error, "Internal server error."));
    assert_false(j->detail->have_exceptions);
    assert_false(source_stale(s));
    /* the other endpoints of the job are not touched by it */
    assert_int_equal(j->detail->parts[DETAIL_CHECKPOINTS].state, SOURCE_PENDING);

    answer_all(w, "/jobs/" JOB1, "detail", "checkpoints.flink-1.15.json");
    clock_advance(&w->clock, 2000);
    poller_round(w->p, 0, JOB1);
    assert_true(
        answer(w, "/jobs/" JOB1 "/exceptions", 200, "detail", "exceptions.flink-2.x-failed.json"));
    assert_int_equal(s->state, SOURCE_OK);
    assert_true(s->last_ok_ms == T0 + 2000);
    size_t n = j->detail->exceptions.len;
    assert_true(n > 0);

    answer_all(w, "/jobs/" JOB1, "detail", "checkpoints.flink-1.15.json");
    clock_advance(&w->clock, 2000);
    poller_round(w->p, 0, JOB1);
    assert_true(answer(w, "/jobs/" JOB1 "/exceptions", 500, NULL, NULL));
    assert_true(source_stale(s));
    assert_true(s->last_ok_ms == T0 + 2000);
    assert_int_equal(j->detail->exceptions.len, n); /* the last good answer stays */
}

/* One refresh of JOB1's details, its vertices' metrics all answered at the clock's time. */
static void refresh_job1(struct world *w) {
    poller_round(w->p, 0, JOB1);
    answer_all(w, "/jobs/" JOB1 "/checkpoints", "detail", "checkpoints.flink-1.15.json");
    answer_all(w, "/jobs/" JOB1 "/exceptions", "detail", "exceptions.flink-2.x-failed.json");
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/jobs/" JOB1), 4);
    answer_all(w, "/subtasks/metrics", "detail", "vertex_metrics.agg.json");
    answer_all(w, "/backpressure", "detail", "backpressure.flink-1.17plus.json");
}

static void history_takes_a_point_when_metrics_complete_and_marks_gaps(void **state) {
    struct world *w = *state;
    poller_round(w->p, 0, JOB1);
    answer_summaries(w);
    while (answer_req(w, "/jobs/", true, 500, NULL, NULL))
        ;
    clock_advance(&w->clock, 2000);
    refresh_job1(w);
    const struct job *j = cluster_job_by_id(&w->app.clusters[0], JOB1);
    const struct job_detail *d = j->detail;
    assert_true(d->metrics_ms == T0 + 2000);
    assert_false(isnan(d->records_in_per_s));
    assert_int_equal(d->history.in_per_s.len, 0); /* the poller pushes nothing itself */
    history_update(&w->app);
    assert_int_equal(d->history.in_per_s.len, 1);
    assert_true(ring_last_time(&d->history.in_per_s) == T0 + 2000);
    history_update(&w->app); /* nothing new: no point */
    assert_int_equal(d->history.in_per_s.len, 1);

    /* three refresh periods later: two NaN points for the refreshes it missed */
    clock_advance(&w->clock, 6000);
    refresh_job1(w);
    history_update(&w->app);
    const struct ring *r = &d->history.in_per_s;
    assert_int_equal(r->len, 4);
    assert_true(isnan(ring_get(r, 1)) && isnan(ring_get(r, 2)));
    assert_false(isnan(ring_get(r, 3)));
    assert_true(ring_time(r, 1) == T0 + 4000 && ring_time(r, 2) == T0 + 6000);
    assert_true(ring_time(r, 3) == T0 + 8000);
}

/* The loop drives the poller through its source ops like any other source. */
static void driven_through_its_source_ops(void **state) {
    struct world *w = *state;
    struct data_source src = poller_source(w->p);
    assert_string_equal(src.ops->name, "flink");
    struct source_focus none = {-1, NULL};
    assert_false(data_sources_busy(&src, 1));
    data_sources_round(&src, 1, &none);
    assert_true(data_sources_busy(&src, 1));
    assert_false(data_sources_take_changed(&src, 1));
    answer_summaries(w);
    assert_true(data_sources_take_changed(&src, 1));
    assert_false(data_sources_take_changed(&src, 1)); /* cleared */
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    assert_false(data_sources_busy(&src, 1));
    struct source_focus job1 = {0, JOB1};
    clock_advance(&w->clock, 2000);
    data_sources_round(&src, 1, &job1);
    assert_int_equal(asked(w, "/jobs/" JOB1), 1);
    assert_int_equal(asked(w, "/jobs/" JOB2), 0);
}

/* ---- who waits for what, and the background within its share ---------------------- */

/* Add cluster "name" (5 letters, as long as "flink": matches() cuts BASE off every URL)
 * with n_jobs jobs the poller already knows (ids "j<ci>-<k>"). */
static size_t add_cluster(struct world *w, const char *name, size_t n_jobs) {
    size_t ci = w->app.n_clusters++;
    w->app.clusters = xrealloc(w->app.clusters, w->app.n_clusters * sizeof *w->app.clusters);
    char *url = xasprintf("http://%s:8081", name);
    cluster_init(&w->app.clusters[ci], name, url);
    free(url);
    struct cluster *c = &w->app.clusters[ci];
    c->jobs.items = xcalloc(n_jobs ? n_jobs : 1, sizeof *c->jobs.items);
    c->jobs.len = n_jobs;
    for (size_t k = 0; k < n_jobs; k++) {
        snprintf(c->jobs.items[k].id, sizeof c->jobs.items[k].id, "j%zu-%zu", ci, k);
        c->jobs.items[k].state = JOB_RUNNING;
    }
    return ci;
}

static void focus_on(struct world *w, int cluster, const char *job, enum poller_tab tab,
                     const bool *on, size_t n) {
    struct poller_focus f = {cluster, job, tab, on, n, -1, NULL, NULL, NULL, NULL, 0};
    poller_set_focus(w->p, &f);
}

/* The job on screen goes as the screen in view, the board's summaries of clusters on
 * screen as the board, everything else in the background (held by the budget). */
static void requests_say_who_waits(void **state) {
    struct world *w = *state;
    size_t other = add_cluster(w, "other", 0);
    bool on[2] = {true, false};
    focus_on(w, 0, JOB1, POLLER_TAB_OTHER, on, 2);
    poller_round(w->p, 0, JOB1);
    answer_summaries(w);
    assert_int_equal(prio_of(w, "/jobs/" JOB1), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/jobs/" JOB1 "/checkpoints"), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/jobs/" JOB2), HTTP_PRIO_BACKGROUND);
    assert_int_equal(prio_of(w, "/jobmanager/config"), HTTP_PRIO_BACKGROUND);
    /* the other cluster is off screen: its summaries in the background */
    const char *ov = "http://other:8081/overview";
    bool seen = false;
    for (size_t i = 0; i < w->server.n; i++) {
        if (strcmp(w->server.reqs[i].url, ov) == 0) {
            assert_int_equal(w->server.reqs[i].prio, HTTP_PRIO_BACKGROUND);
            seen = true;
        }
    }
    assert_true(seen);
    (void)other;
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/subtasks/metrics"), 4);
    for (size_t i = 0; i < w->server.n; i++)
        if (strstr(w->server.reqs[i].url, "/subtasks/metrics"))
            assert_int_equal(w->server.reqs[i].prio, HTTP_PRIO_VIEW);
    /* next round, the cluster whose job is open: its summaries are the screen in view */
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    clock_advance(&w->clock, 2000);
    poller_round(w->p, 0, JOB1);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/jobs/overview"), HTTP_PRIO_VIEW);
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    /* back on the clusters screen, with its row on screen: the board's */
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 2);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_BOARD);
    assert_int_equal(prio_of(w, "/jobs/overview"), HTTP_PRIO_BOARD);
}

/* Every request out answered with status (and those the answers make). */
static void refuse_all(struct world *w, long status) {
    while (answer_req(w, "/", true, status, NULL, NULL))
        ;
}

/* A reload (poller_retry_failed): a cluster whose summaries or rare endpoints were refused
 * asks them again in the next round as the screen in view, the rare ones too, once; the
 * rounds after keep their usual priorities (the board's; the rare ones the background's). */
static void a_reload_asks_what_failed_again_at_once(void **state) {
    struct world *w = *state;
    poller_round(w->p, -1, NULL);
    answer_summaries(w);
    answer_all(w, "/jobmanager/config", "", "empty.json");
    refuse_all(w, 500); /* the jobs' details: not what this is about */
    /* a minute on, the token was rotated: every summary refused, the rare ones too */
    clock_advance(&w->clock, 60000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/config"), 1);
    refuse_all(w, 401);
    assert_int_equal(w->app.clusters[0].sources[SRC_OVERVIEW].state, SOURCE_ERROR);
    assert_int_equal(w->app.clusters[0].sources[SRC_CONFIG].state, SOURCE_ERROR);
    /* without a reload: the board's turn, the rare ones in the background */
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_BOARD);
    assert_int_equal(prio_of(w, "/config"), HTTP_PRIO_BACKGROUND);
    refuse_all(w, 401);
    /* the reload */
    poller_retry_failed(w->p);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/jobs/overview"), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/config"), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/jobmanager/config"), HTTP_PRIO_VIEW);
    refuse_all(w, 401);
    /* once */
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_BOARD);
    assert_int_equal(prio_of(w, "/config"), HTTP_PRIO_BACKGROUND);
}

/* The token was rotated while requests were out with the old one: the reload asks those
 * again rather than waiting for them (http.c sends the new ones apart), and the old
 * token's 401, arriving after the new answer, is dropped: the cluster stays fine, and
 * nothing is left marked out. */
static void answers_asked_before_a_reload_do_not_undo_it(void **state) {
    struct world *w = *state;
    poller_round(w->p, -1, NULL);
    answer_summaries(w);
    answer_all(w, "/jobmanager/config", "", "empty.json");
    refuse_all(w, 500);
    /* a minute on: the token rotated; /config comes due, is out with the old token, and
     * the summaries are refused */
    clock_advance(&w->clock, 60000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/config"), 1);
    assert_true(answer(w, "/overview", 401, "", NULL));
    assert_true(answer(w, "/jobs/overview", 401, "", NULL));
    assert_int_equal(w->app.clusters[0].sources[SRC_OVERVIEW].state, SOURCE_ERROR);
    /* the next round's /overview goes out, with the old token still */
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/overview"), 1);
    /* the reload: what was out is asked again, at once */
    poller_retry_failed(w->p);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/config"), 2);
    assert_int_equal(asked(w, "/overview"), 2);
    assert_int_equal(prio_of(w, "/config"), HTTP_PRIO_BACKGROUND); /* the old one, first */
    /* the new answers first, then the old token's refusals */
    assert_true(answer_at(w, "/config", false, true, 200, "", "config.flink-2.1.json"));
    assert_true(answer_at(w, "/overview", false, true, 200, "", "overview.flink-1.20.json"));
    assert_true(answer(w, "/config", 401, "", NULL));
    assert_true(answer(w, "/overview", 401, "", NULL));
    assert_int_equal(w->app.clusters[0].sources[SRC_CONFIG].state, SOURCE_OK);
    assert_int_equal(w->app.clusters[0].sources[SRC_OVERVIEW].state, SOURCE_OK);
    /* nothing is still taken for out: the next round asks the summaries again, and
     * /config, answered, not before its interval */
    answer_all(w, "/", "", "empty.json");
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/overview"), 1);
    assert_int_equal(asked(w, "/config"), 0);
}

/* A cluster whose summaries wait in the background comes on screen: they are asked
 * again at the board's priority (http.c joins the two and moves the queued one up). */
static void summaries_move_up_when_their_cluster_comes_on_screen(void **state) {
    struct world *w = *state;
    bool off[1] = {false}, on[1] = {true};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, off, 1);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/overview"), 1);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_BACKGROUND);
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 1);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/overview"), 2);
    /* a row on screen that never answered fills at once: as the screen in view */
    size_t view = 0;
    for (size_t i = 0; i < w->server.n; i++)
        view += matches(w, i, "/overview", false) && w->server.reqs[i].prio == HTTP_PRIO_VIEW;
    assert_int_equal(view, 1);
    /* and not a third time while it is still out */
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/overview"), 2);
    /* both answers are the one answer: the cluster is fine */
    assert_true(answer(w, "/overview", 200, "", "overview.flink-1.20.json"));
    assert_true(answer(w, "/overview", 200, "", "overview.flink-1.20.json"));
    assert_int_equal(w->app.clusters[0].sources[SRC_OVERVIEW].state, SOURCE_OK);
}

/* The row selected on the clusters screen is what an action key acts on: its jobs'
 * details go for the board as soon as it is selected, not in the background. */
static void selected_row_details_go_as_the_screen_in_view(void **state) {
    struct world *w = *state;
    bool on[1] = {true};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 1);
    poller_round(w->p, -1, NULL);
    answer_summaries(w); /* the jobs list asks their details in the background */
    assert_int_equal(prio_of(w, "/jobs/" JOB2), HTTP_PRIO_BACKGROUND);
    /* still waiting there when production is selected: moved up at once */
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 1, 0, NULL, NULL, NULL, NULL, 0};
    poller_set_focus(w->p, &f);
    /* an action key on the row needs them: never held by the budget */
    size_t view = 0;
    for (size_t i = 0; i < w->server.n; i++)
        view += (matches(w, i, "/jobs/" JOB1, false) || matches(w, i, "/jobs/" JOB2, false)) &&
                w->server.reqs[i].prio == HTTP_PRIO_VIEW;
    assert_int_equal(view, 2);
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    /* due again after the detail interval: asked as in view, not in the background */
    clock_advance(&w->clock, 30000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(prio_of(w, "/jobs/" JOB1), HTTP_PRIO_VIEW);
    assert_int_equal(prio_of(w, "/jobs/" JOB2), HTTP_PRIO_VIEW);
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    /* not again while they are fresh */
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked(w, "/jobs/" JOB1), 0);
}

/* Per-subtask values only where the screen shows subtasks: the heatmap tab. */
static void heatmap_tab_asks_per_subtask_values(void **state) {
    struct world *w = *state;
    focus_on(w, 0, JOB1, POLLER_TAB_SUBTASKS, NULL, 0);
    poller_round(w->p, 0, JOB1);
    answer_summaries(w);
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/jobs/" JOB1 "/vertices/"), 8);
    assert_int_equal(asked_like(w, "/backpressure"), 4);
    answer_all(w, "/jobs/" JOB1, "detail", "checkpoints.flink-1.15.json");
    /* back on the overview tab: aggregates only */
    focus_on(w, 0, JOB1, POLLER_TAB_OTHER, NULL, 0);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, 0, JOB1);
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/backpressure"), 0);
    assert_int_equal(asked_like(w, "/subtasks/metrics"), 4);
}

/* The subtask drill-down: the drilled vertex's detail and task managers go with the job
 * on screen's refresh, as the screen in view; no other vertex's, and nothing once it
 * closes. The answer lands on the job (job_detail.drill). */
static void drill_asks_only_the_drilled_vertex(void **state) {
    struct world *w = *state;
    const char *vid = "0a448493b4782967b150582570326227";
    struct poller_focus f = {0, JOB1, POLLER_TAB_SUBTASKS, NULL, 0, -1, NULL, vid, NULL, NULL, 0};
    poller_set_focus(w->p, &f);
    poller_round(w->p, 0, JOB1);
    answer_summaries(w);
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked(w, "/jobs/" JOB1 "/vertices/0a448493b4782967b150582570326227"), 1);
    assert_int_equal(
        asked(w, "/jobs/" JOB1 "/vertices/0a448493b4782967b150582570326227/taskmanagers"), 1);
    assert_int_equal(prio_of(w, "/jobs/" JOB1 "/vertices/0a448493b4782967b150582570326227"),
                     HTTP_PRIO_VIEW);
    assert_int_equal(asked(w, "/jobs/" JOB1 "/vertices/bc764cd8ddf7a0cff126f51c16239658"), 0);
    assert_true(answer(w, "/jobs/" JOB1 "/vertices/0a448493b4782967b150582570326227", 200,
                       "detail", "vertex.flink-1.20.json"));
    const struct job *j = cluster_find_job(&w->app.clusters[0], JOB1);
    assert_non_null(j->detail->drill);
    assert_string_equal(j->detail->drill->vertex_id, vid);
    assert_int_equal(j->detail->drill->subtasks.len, 3);
    assert_int_equal(j->detail->drill->subtasks_src.state, SOURCE_OK);
    answer_all(w, "/jobs/" JOB1, "detail", "checkpoints.flink-1.15.json");
    /* closed: the heatmap alone */
    focus_on(w, 0, JOB1, POLLER_TAB_SUBTASKS, NULL, 0);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, 0, JOB1);
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/vertices/0a448493b4782967b150582570326227/taskmanagers"), 0);
    assert_int_equal(asked(w, "/jobs/" JOB1 "/vertices/0a448493b4782967b150582570326227"), 0);
    assert_int_equal(asked_like(w, "/backpressure"), 4); /* the heatmap's still go */
}

/* Task manager metrics: every round while their tab is on screen, else every detail
 * interval in the background. */
static void task_manager_metrics_at_the_detail_interval(void **state) {
    struct world *w = *state;
    bool on[1] = {true};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 1);
    poller_round(w->p, -1, NULL);
    answer_summaries(w);
    size_t n = asked_like(w, "/metrics?get=Status.JVM");
    assert_true(n > 0);
    for (size_t i = 0; i < w->server.n; i++)
        if (strstr(w->server.reqs[i].url, "/metrics?get=Status.JVM"))
            assert_int_equal(w->server.reqs[i].prio, HTTP_PRIO_BACKGROUND);
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    /* the list of task managers itself: at the detail interval too, not every round */
    assert_int_equal(asked(w, "/taskmanagers"), 0);
    assert_true(asked(w, "/jobs/overview") > 0);
    assert_int_equal(asked_like(w, "/metrics?get=Status.JVM"), 0);
    while (answer_req(w, "/", true, 500, NULL, NULL))
        ;
    /* the task managers tab opens: every round, for the screen in view */
    focus_on(w, 0, JOB1, POLLER_TAB_TASKMANAGERS, on, 1);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, 0, JOB1);
    assert_int_equal(asked_like(w, "/metrics?get=Status.JVM"), n);
    assert_int_equal(prio_of(w, "/taskmanagers"), HTTP_PRIO_VIEW);
}

/* Off-screen jobs' details: never more than POLLER_BACKGROUND_MAX background requests
 * out (the HTTP budget paces them, the queue stays short), the oldest first: every job
 * gets its turn before any gets a second. */
static void background_details_take_turns_oldest_first(void **state) {
    struct world *w = *state;
    enum { JOBS = 60 };
    size_t ci = add_cluster(w, "bulky", JOBS);
    bool on[2] = {false, false};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 2);
    int asked_count[JOBS] = {0};
    /* the fake server answers everything with an error, a wave at a time */
    for (int wave = 0; wave < 40; wave++) {
        poller_round(w->p, -1, NULL);
        assert_true(poller_background_in_flight(w->p) <= POLLER_BACKGROUND_MAX + 4);
        for (size_t i = 0; i < w->server.n; i++) {
            for (size_t k = 0; k < JOBS; k++) {
                char path[64];
                snprintf(path, sizeof path, "http://bulky:8081/jobs/j%zu-%zu", ci, k);
                if (strcmp(w->server.reqs[i].url, path) == 0)
                    asked_count[k]++;
            }
        }
        /* only those out now: what their answers ask is counted in the next wave */
        for (size_t n = w->server.n; n > 0; n--)
            assert_true(answer_req(w, "/", true, 500, NULL, NULL));
        clock_advance(&w->clock, 100);
    }
    /* 4 s in all, within one detail interval: each job once, none twice */
    for (size_t k = 0; k < JOBS; k++)
        assert_int_equal(asked_count[k], 1);
    /* an interval later they come due again, oldest first */
    clock_advance(&w->clock, 30000);
    poller_round(w->p, -1, NULL);
    assert_true(poller_background_in_flight(w->p) <= POLLER_BACKGROUND_MAX + 4);
    size_t first = w->server.n;
    for (size_t i = 0; i < w->server.n && first == w->server.n; i++)
        if (strstr(w->server.reqs[i].url, "http://bulky:8081/jobs/j"))
            first = i;
    assert_true(first < w->server.n);
    assert_non_null(strstr(w->server.reqs[first].url, "/jobs/j1-0"));
}

/* One vertex's metrics failing is that vertex's own error; the others stay good, and the
 * job's metrics part names it. */
static void a_failing_vertex_is_its_own_error(void **state) {
    struct world *w = *state;
    poller_round(w->p, 0, JOB1);
    answer_summaries(w);
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_true(answer_req(w, "/subtasks/metrics", true, 500, NULL, NULL));
    answer_all(w, "/subtasks/metrics", "detail", "vertex_metrics.agg.json");
    const struct job *j = cluster_job_by_id(&w->app.clusters[0], JOB1);
    const struct job_detail *d = j->detail;
    size_t bad = 0, good = 0;
    const struct vertex *failed = NULL;
    for (size_t i = 0; i < d->vertices.len; i++) {
        const struct vertex *v = &d->vertices.items[i];
        if (v->metrics.state == SOURCE_ERROR) {
            bad++;
            failed = v;
        }
        good += v->metrics.state == SOURCE_OK;
    }
    assert_int_equal(bad, 1);
    assert_int_equal(good, d->vertices.len - 1);
    if (failed == NULL)
        fail();
    assert_non_null(strstr(failed->metrics.error, "HTTP 500"));
    const struct source *part = &d->parts[DETAIL_VERTEX_METRICS];
    assert_int_equal(part->state, SOURCE_ERROR);
    assert_non_null(strstr(part->error, failed->name ? failed->name : failed->id));
    char id[33];
    snprintf(id, sizeof id, "%s", failed->id);
    /* the next refresh answers: the vertex is fine again, with the part */
    answer_all(w, "/jobs/" JOB1, "detail", "checkpoints.flink-1.15.json");
    clock_advance(&w->clock, 2000);
    refresh_job1(w);
    failed = job_detail_vertex(j->detail, id);
    assert_non_null(failed);
    assert_int_equal(failed->metrics.state, SOURCE_OK);
    assert_int_equal(part->state, SOURCE_OK);
}

/* Answers trickling in off screen redraw at most once a second; what the screen in view
 * waits for, at once. */
static void background_answers_redraw_at_most_once_a_second(void **state) {
    struct world *w = *state;
    bool off[1] = {false};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, off, 1);
    poller_round(w->p, -1, NULL);
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_BACKGROUND);
    assert_true(answer(w, "/overview", 200, "", "overview.flink-1.20.json"));
    assert_true(poller_take_changed(w->p));
    assert_true(answer(w, "/taskmanagers", 200, "", "taskmanagers.flink-2.3.json"));
    assert_false(poller_take_changed(w->p));
    clock_advance(&w->clock, 500);
    assert_false(poller_take_changed(w->p));
    clock_advance(&w->clock, 500);
    assert_true(poller_take_changed(w->p));
    assert_false(poller_take_changed(w->p));
    /* the board's rows: at most every half second */
    bool on[1] = {true};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 1);
    clock_advance(&w->clock, POLLER_DETAIL_INTERVAL_MS); /* the task managers due again */
    poller_round(w->p, -1, NULL);
    (void)poller_take_changed(w->p); /* whatever came before */
    assert_int_equal(prio_of(w, "/overview"), HTTP_PRIO_BOARD);
    assert_true(answer(w, "/overview", 200, "", "overview.flink-1.20.json"));
    assert_true(poller_take_changed(w->p));
    assert_true(answer(w, "/taskmanagers", 200, "", "taskmanagers.flink-2.3.json"));
    assert_false(poller_take_changed(w->p));
    clock_advance(&w->clock, 500);
    assert_true(poller_take_changed(w->p));
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, off, 1);
    /* the job on screen: at once */
    assert_true(answer(w, "/jobs/overview", 200, "", "jobs_overview.flink-2.1.json"));
    /* its details went in the background (off screen then); the job opens: they are
     * asked again for the screen in view, which http.c joins to the queued ones */
    assert_int_equal(prio_of(w, "/jobs/" JOB1), HTTP_PRIO_BACKGROUND);
    focus_on(w, 0, JOB1, POLLER_TAB_OTHER, off, 1);
    poller_round(w->p, 0, JOB1);
    size_t view = 0;
    for (size_t i = 0; i < w->server.n; i++)
        view += matches(w, i, "/jobs/" JOB1, false) && w->server.reqs[i].prio == HTTP_PRIO_VIEW;
    assert_int_equal(view, 1);
    (void)poller_take_changed(w->p);
    assert_true(answer(w, "/jobs/" JOB1 "/checkpoints", 200, "detail",
                       "checkpoints.flink-1.15.json"));
    assert_true(answer(w, "/jobs/" JOB1 "/checkpoints", 200, "detail",
                       "checkpoints.flink-1.15.json"));
    assert_int_equal(asked(w, "/jobs/" JOB1 "/checkpoints"), 0);
    assert_true(poller_take_changed(w->p));
    /* the job's answer (twice: the queued one and its copy) asks its vertices once, for
     * the screen in view */
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_true(answer(w, "/jobs/" JOB1, 200, "detail", "job.flink-2.1.json"));
    assert_int_equal(asked_like(w, "/subtasks/metrics"), 4);
    for (size_t i = 0; i < w->server.n; i++)
        if (strstr(w->server.reqs[i].url, "/subtasks/metrics"))
            assert_int_equal(w->server.reqs[i].prio, HTTP_PRIO_VIEW);
}

/* The clusters screen left open: /overview and /jobs/overview every round, the list of
 * task managers only every detail interval (it changes seldom, and it was a third of
 * what a console cost the API server). */
static void task_managers_list_at_the_detail_interval(void **state) {
    struct world *w = *state;
    bool on[1] = {true};
    focus_on(w, -1, NULL, POLLER_TAB_OTHER, on, 1);
    int tms = 0, overviews = 0;
    for (int round = 0; round < 30; round++) { /* a minute at 2 s */
        poller_round(w->p, -1, NULL);
        tms += (int)asked(w, "/taskmanagers");
        overviews += (int)asked(w, "/overview");
        while (answer_req(w, "/taskmanagers", false, 200, "", "taskmanagers.flink-2.3.json"))
            ;
        while (answer_req(w, "/", true, 500, NULL, NULL))
            ;
        clock_advance(&w->clock, 2000);
    }
    assert_int_equal(overviews, 30);
    assert_true(tms >= 2 && tms <= 3); /* at 0 s, 30 s (and 60 s) */
}

/* A fresh board: the job rows on screen get their first details for the board, as a
 * fill, a few jobs at a time and before any off-screen job's; the rows below the screen
 * wait in the background. */
static void rows_on_screen_get_their_first_details_first(void **state) {
    struct world *w = *state;
    enum { JOBS = 14 };
    size_t ci = add_cluster(w, "fresh", JOBS);
    bool on[2] = {false, true};
    int rc[3] = {(int)ci, (int)ci, (int)ci};
    const char *rj[3] = {"j1-9", "j1-3", "j1-12"}; /* the board's order, not the list's */
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 2, -1, NULL, NULL, rc, rj, 3};
    poller_set_focus(w->p, &f);
    poller_round(w->p, -1, NULL);
    for (int i = 0; i < 3; i++) {
        char path[64];
        snprintf(path, sizeof path, "http://fresh:8081/jobs/%s", rj[i]);
        bool seen = false;
        for (size_t k = 0; k < w->server.n; k++)
            if (strcmp(w->server.reqs[k].url, path) == 0) {
                assert_int_equal(w->server.reqs[k].prio, HTTP_PRIO_BOARD);
                assert_true(w->server.fill[k]);
                seen = true;
            }
        assert_true(seen);
    }
    /* a job below the screen: background, no fill */
    for (size_t k = 0; k < w->server.n; k++)
        if (strcmp(w->server.reqs[k].url, "http://fresh:8081/jobs/j1-0") == 0) {
            assert_int_equal(w->server.reqs[k].prio, HTTP_PRIO_BACKGROUND);
            assert_false(w->server.fill[k]);
        }
    /* once a row's first details are in, its refreshes are no fill */
    while (answer_req(w, "/jobs/j1-9", true, 500, NULL, NULL))
        ;
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    for (size_t k = 0; k < w->server.n; k++)
        if (strstr(w->server.reqs[k].url, "/jobs/j1-9"))
            fail();
}

/* A row that had its first details, whose background refresh is still out when the
 * next round comes, is not made a fill: its refresh stays in the steady share. (A slow
 * cluster holding the host's slots kept such refreshes out long enough that the rounds
 * caught most of them, and the API server got the whole budget, 300 requests a minute
 * at 3 x 20 with one cluster hanging, where the steady share is 135.) */
static void a_row_refreshed_in_the_background_is_not_made_a_fill(void **state) {
    struct world *w = *state;
    size_t ci = add_cluster(w, "fresh", 3);
    bool on[2] = {false, true};
    int rc[1] = {(int)ci};
    const char *rj[1] = {"j1-1"};
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 2, -1, NULL, NULL, rc, rj, 1};
    poller_set_focus(w->p, &f);
    poller_round(w->p, -1, NULL);
    while (w->server.n > 0) /* its first details (and the others'), answered */
        assert_true(answer_req(w, "/", true, 500, NULL, NULL));
    clock_advance(&w->clock, POLLER_DETAIL_INTERVAL_MS + 1000);
    poller_round(w->p, -1, NULL);
    size_t out = 0;
    for (size_t k = 0; k < w->server.n; k++)
        if (strcmp(w->server.reqs[k].url, "http://fresh:8081/jobs/j1-1") == 0) {
            assert_int_equal(w->server.reqs[k].prio, HTTP_PRIO_BACKGROUND);
            assert_false(w->server.fill[k]);
            out++;
        }
    assert_int_equal(out, 1); /* its refresh, in the background */
    clock_advance(&w->clock, 2000); /* the next round while it is out */
    poller_round(w->p, -1, NULL);
    for (size_t k = 0; k < w->server.n; k++)
        if (strstr(w->server.reqs[k].url, "/jobs/j1-1"))
            assert_false(w->server.fill[k]);
}

/* Requests out whose URL is exactly url (no query). */
static size_t asked_url(const struct world *w, const char *url) {
    size_t n = 0;
    for (size_t i = 0; i < w->server.n; i++)
        n += strcmp(w->server.reqs[i].url, url) == 0;
    return n;
}

/* Answer everything out with an error, as often as answers ask more. */
static void answer_everything(struct world *w) {
    while (w->server.n > 0)
        assert_true(answer_req(w, "/", true, 500, NULL, NULL));
}

/* Answer everything out, and what the answers ask in turn; how many of them went to url
 * (and to j1-3 of "fleet", into *j3). */
static size_t answer_counting(struct world *w, const char *url, size_t *j3) {
    size_t n = 0;
    *j3 = 0;
    while (w->server.n > 0) {
        n += strcmp(w->server.reqs[0].url, url) == 0;
        *j3 += strcmp(w->server.reqs[0].url, "http://fleet:8081/jobs/j1-3") == 0;
        assert_true(answer_req(w, "/", true, 500, NULL, NULL));
    }
    return n;
}

/* Rows whose REST details predate Prometheus's answers for them: when Prometheus stops
 * answering, each gets a fill at once (its figures were Prometheus's last, going stale),
 * not at the next detail interval; and the jobs off screen are due at once too. */
static void rows_prometheus_answered_for_fill_again_when_it_stops(void **state) {
    struct world *w = *state;
    size_t ci = add_cluster(w, "fleet", 4);
    bool on[2] = {false, true};
    int rc[2] = {(int)ci, (int)ci};
    const char *rj[2] = {"j1-0", "j1-1"};
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 2, -1, NULL, NULL, rc, rj, 2};
    poller_set_focus(w->p, &f);
    poller_round(w->p, -1, NULL); /* REST first: every job's details, answered */
    answer_everything(w);
    struct prom_cover cover;
    prom_cover_init(&cover);
    w->app.prom_cover = &cover;
    for (int round = 0; round < 2; round++) { /* then Prometheus answers for all four */
        clock_advance(&w->clock, 2000);
        prom_cover_begin(&cover);
        for (int k = 0; k < 4; k++) {
            char id[16];
            snprintf(id, sizeof id, "j1-%d", k);
            prom_cover_add(&cover, ci, id);
        }
        prom_cover_commit(&cover, clock_now(&w->clock));
        poller_round(w->p, -1, NULL);
        answer_everything(w);
    }
    /* it fails, well within the detail interval of REST's details */
    clock_advance(&w->clock, 2000);
    prom_cover_clear(&cover, 0);
    poller_round(w->p, -1, NULL);
    for (size_t k = 0; k < w->server.n; k++)
        if (strcmp(w->server.reqs[k].url, "http://fleet:8081/jobs/j1-0") == 0 ||
            strcmp(w->server.reqs[k].url, "http://fleet:8081/jobs/j1-1") == 0)
            assert_true(w->server.fill[k]);
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-0"), 1);
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-1"), 1);
    size_t j3 = 0;
    answer_counting(w, "", &j3);
    assert_int_equal(j3, 1); /* off screen: in the background, without waiting either */
    w->app.prom_cover = NULL;
    prom_cover_free(&cover);
}

/* While Prometheus's last good answer names a job (prom_cover.h), the board's figures of
 * that job are Prometheus's: no fill of its row, no background refresh of its details.
 * The job on screen still gets its REST details; a job Prometheus does not name, and
 * every job once the answer is stale or cleared, falls back to REST at once. */
static void jobs_prometheus_covers_get_no_rest_for_the_board(void **state) {
    struct world *w = *state;
    size_t ci = add_cluster(w, "fleet", 6);
    struct prom_cover cover;
    prom_cover_init(&cover);
    prom_cover_begin(&cover);
    for (int k = 0; k < 4; k++) {
        char id[16];
        snprintf(id, sizeof id, "j1-%d", k);
        prom_cover_add(&cover, ci, id);
    }
    prom_cover_add(&cover, 0, "j1-5"); /* the same id in another cluster: not this one's */
    prom_cover_commit(&cover, T0);
    w->app.prom_cover = &cover;
    bool on[2] = {false, true};
    int rc[2] = {(int)ci, (int)ci};
    const char *rj[2] = {"j1-0", "j1-4"};
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 2, -1, NULL, NULL, rc, rj, 2};
    poller_set_focus(w->p, &f);
    for (int round = 0; round < 3; round++) { /* a few refreshes, answered in between */
        poller_round(w->p, -1, NULL);
        for (int k = 0; k < 4; k++) {
            char url[64];
            snprintf(url, sizeof url, "http://fleet:8081/jobs/j1-%d", k);
            assert_int_equal(asked_url(w, url), 0);
        }
        if (round == 0) { /* the ones Prometheus does not name: the row's fill, the rest */
            assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-4"), 1);
            assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-5"), 1);
        }
        assert_int_equal(asked_url(w, "http://fleet:8081/jobs/overview"), 1); /* kept as it is */
        answer_everything(w);
        clock_advance(&w->clock, 2000);
        prom_cover_commit(&cover, clock_now(&w->clock)); /* Prometheus answers each round */
    }
    /* the job on screen: REST, at the refresh rate, as the screen in view */
    poller_round(w->p, (int)ci, "j1-1");
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-1"), 1);
    answer_everything(w);
    /* a failed round clears the cover: the row fills, the rest go in the background */
    prom_cover_commit(&cover, clock_now(&w->clock));
    prom_cover_clear(&cover, 0);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-0"), 1);
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-2"), 1);
    answer_everything(w);
    /* Prometheus again, a detail interval on: due, but covered */
    clock_advance(&w->clock, 30001);
    prom_cover_begin(&cover);
    prom_cover_add(&cover, ci, "j1-2");
    prom_cover_commit(&cover, clock_now(&w->clock));
    poller_round(w->p, -1, NULL);
    size_t j3 = 0;
    assert_int_equal(answer_counting(w, "http://fleet:8081/jobs/j1-2", &j3), 0);
    assert_int_equal(j3, 1); /* no longer named */
    /* its rounds hang: past three refresh periods, REST again */
    clock_advance(&w->clock, 3 * 2000 + 1);
    poller_round(w->p, -1, NULL);
    assert_int_equal(answer_counting(w, "http://fleet:8081/jobs/j1-2", &j3), 1);
    w->app.prom_cover = NULL;
    prom_cover_free(&cover);
}

/* A Prometheus that has not answered yet: for one refresh period the rows wait for it
 * instead of each spending a REST fill; then REST fills them. */
static void rows_wait_one_refresh_for_prometheus_first_answer(void **state) {
    struct world *w = *state;
    size_t ci = add_cluster(w, "fleet", 3);
    struct prom_cover cover;
    prom_cover_init(&cover);
    prom_cover_clear(&cover, T0);
    w->app.prom_cover = &cover;
    bool on[2] = {false, true};
    int rc[1] = {(int)ci};
    const char *rj[1] = {"j1-0"};
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 2, -1, NULL, NULL, rc, rj, 1};
    poller_set_focus(w->p, &f);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked_like(w, "fleet:8081/jobs/j1-"), 0);
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/overview"), 1); /* the list, as ever */
    answer_everything(w);
    clock_advance(&w->clock, 2000);
    poller_round(w->p, -1, NULL);
    assert_int_equal(asked_url(w, "http://fleet:8081/jobs/j1-0"), 1);
    answer_everything(w);
    w->app.prom_cover = NULL;
    prom_cover_free(&cover);
}

/* The selected row's job (what the action keys need) while Prometheus covers it: its
 * details when the row is selected, not again every detail interval; selected again
 * later, they are asked again. */
static void selected_row_covered_by_prometheus_asked_when_selected(void **state) {
    struct world *w = *state;
    size_t ci = add_cluster(w, "fleet", 2);
    struct prom_cover cover;
    prom_cover_init(&cover);
    prom_cover_begin(&cover);
    prom_cover_add(&cover, ci, "j1-0");
    prom_cover_add(&cover, ci, "j1-1");
    prom_cover_commit(&cover, T0);
    w->app.prom_cover = &cover;
    bool on[2] = {false, true};
    struct poller_focus f = {-1, NULL, POLLER_TAB_OTHER, on, 2, (int)ci, "j1-0", NULL, NULL, NULL, 0};
    poller_set_focus(w->p, &f);
    size_t j3;
    assert_int_equal(answer_counting(w, "http://fleet:8081/jobs/j1-0", &j3), 1);
    clock_advance(&w->clock, 30001);
    prom_cover_commit(&cover, clock_now(&w->clock));
    poller_round(w->p, -1, NULL);
    assert_int_equal(answer_counting(w, "http://fleet:8081/jobs/j1-0", &j3), 0);
    f.selected_job = "j1-1"; /* down a row and back */
    poller_set_focus(w->p, &f);
    f.selected_job = "j1-0";
    poller_set_focus(w->p, &f);
    assert_int_equal(answer_counting(w, "http://fleet:8081/jobs/j1-0", &j3), 1);
    w->app.prom_cover = NULL;
    prom_cover_free(&cover);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(first_round_asks_each_summary_once, setup, teardown),
        cmocka_unit_test_setup_teardown(config_comes_due_again_after_a_minute, setup, teardown),
        cmocka_unit_test_setup_teardown(jobs_list_asks_each_jobs_details, setup, teardown),
        cmocka_unit_test_setup_teardown(off_screen_details_wait_for_the_detail_interval, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(failing_exceptions_are_an_error_on_the_job_then_stale,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(history_takes_a_point_when_metrics_complete_and_marks_gaps,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(driven_through_its_source_ops, setup, teardown),
        cmocka_unit_test_setup_teardown(requests_say_who_waits, setup, teardown),
        cmocka_unit_test_setup_teardown(a_reload_asks_what_failed_again_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(answers_asked_before_a_reload_do_not_undo_it, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(summaries_move_up_when_their_cluster_comes_on_screen,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(selected_row_details_go_as_the_screen_in_view, setup, teardown),
        cmocka_unit_test_setup_teardown(heatmap_tab_asks_per_subtask_values, setup, teardown),
        cmocka_unit_test_setup_teardown(drill_asks_only_the_drilled_vertex, setup, teardown),
        cmocka_unit_test_setup_teardown(task_manager_metrics_at_the_detail_interval, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(background_details_take_turns_oldest_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_failing_vertex_is_its_own_error, setup, teardown),
        cmocka_unit_test_setup_teardown(background_answers_redraw_at_most_once_a_second, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(task_managers_list_at_the_detail_interval, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(jobs_prometheus_covers_get_no_rest_for_the_board, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(rows_wait_one_refresh_for_prometheus_first_answer, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(selected_row_covered_by_prometheus_asked_when_selected,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(rows_on_screen_get_their_first_details_first, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(a_row_refreshed_in_the_background_is_not_made_a_fill,
                                        setup, teardown),
        cmocka_unit_test_setup_teardown(rows_prometheus_answered_for_fill_again_when_it_stops,
                                        setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
