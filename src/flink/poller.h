/* The scheduler of the Flink REST endpoints (the table in flink_endpoints.h): each round
 * asks the clusters on screen for their summaries (/overview, /jobs/overview; the list
 * of task managers every detail interval, every round while their tab is on screen;
 * /config and /jobmanager/config now and then) and the job on screen's details; the job
 * rows on screen without details get their first ones next (a fill: struct
 * http_request.fill); in the background, within the budget and oldest first, the other clusters'
 * summaries, the other jobs' details (each due every detail interval) and task manager
 * metrics; parses the answers into the app's clusters and records each endpoint's
 * struct source. What is in flight and what is due is the poller's own bookkeeping, not
 * the model's. A request still in flight is never asked again, so a hanging server never
 * piles up requests. History is not pushed here: history_update() reads the model.
 *
 * While Prometheus answers for the fleet (app->prom_cover, prom_cover.h: the jobs its last
 * good fleet answer named, at most three refresh periods old), the jobs it covers get no
 * fill and no background refresh of their details: their board figures are Prometheus's.
 * The job on screen keeps its REST details every round, the selected row's job when the
 * row is selected (not again each detail interval while it stays covered); a
 * job it does not cover, or every job when it fails, goes stale or is removed, is filled
 * and refreshed as above. For one refresh period after a Prometheus starts (or moves)
 * the rows wait for its first answer. --once (all details) asks every job regardless. */
#ifndef FLINKTOP_POLLER_H
#define FLINKTOP_POLLER_H

#include <stdbool.h>

#include "app.h"
#include "clock.h"
#include "http.h"
#include "source_ops.h"

/* How often each job's details are refreshed when it is not on screen (default). */
#define POLLER_DETAIL_INTERVAL_MS 30000
/* Background requests (off-screen clusters' summaries, off-screen jobs' details, task
 * manager metrics) out at once: the rest wait their turn in the poller, oldest first,
 * so the HTTP queue stays short and what comes on screen never waits behind a backlog. */
#define POLLER_BACKGROUND_MAX 16

/* What the job screen shows, so the poller asks what it costs and no more. */
enum poller_tab {
    POLLER_TAB_OTHER,
    POLLER_TAB_SUBTASKS,     /* per-subtask values (the backpressure heatmap) */
    POLLER_TAB_TASKMANAGERS, /* the task managers and their metrics */
    POLLER_TAB_OVERVIEW,     /* watermarks and restarts of the job on screen */
};

/* What is on screen (the UI says, main.c passes it on). Every request is tagged with
 * who waits for it (http.h): the job on screen's endpoints HTTP_PRIO_VIEW; the summaries
 * (/overview, /jobs/overview) of clusters on screen HTTP_PRIO_BOARD, every round, and the
 * first details of job rows on screen HTTP_PRIO_BOARD as a fill; everything else
 * HTTP_PRIO_BACKGROUND, within the budget. */
struct poller_focus {
    int cluster;         /* the cluster whose screen is open, -1 none */
    const char *job;     /* the job on screen, NULL none; copied */
    enum poller_tab tab; /* what the job screen shows */
    /* on_screen[i]: cluster i has a row on screen (n_on_screen entries; copied). NULL:
     * every cluster counts as on screen (no screen told us otherwise); so does one
     * beyond n_on_screen (found since the screen was drawn). */
    const bool *on_screen;
    size_t n_on_screen;
    /* The row selected on the clusters screen or the board, what an action key acts on:
     * that job's details (selected_job, copied; NULL: every job of the cluster when it
     * has at most POLLER_SELECTED_MAX_JOBS) go for the board, not the background. */
    int selected_cluster; /* -1 none */
    const char *selected_job;
    /* The vertex of the job on screen whose subtasks the drill-down shows (copied; NULL
     * none): its TIER_DRILL endpoints go with the job's refresh, at its priority. */
    const char *drill_vertex;
    /* The job rows on screen (the board's, a cluster's jobs screen's): row_clusters[i] and
     * row_jobs[i] (copied), n_rows of them. A row without details yet gets its first
     * ones before any off-screen job, for the board (POLLER_FILL_MAX jobs at a time). */
    const int *row_clusters;
    const char *const *row_jobs;
    size_t n_rows;
};
#define POLLER_SELECTED_MAX_JOBS 8
/* Most job rows a screen reports (a terminal rarely shows more). */
#define POLLER_ROWS_MAX 256
/* Visible rows' first detail sets out at once: the queue stays short, so a refresh of
 * what is already there does not wait behind a whole screen's first fill. */
#define POLLER_FILL_MAX 4

struct poller;

/* returns owned poller; app and http are borrowed and must outlive it */
struct poller *poller_new(struct app *app, struct http *http);
void poller_free(struct poller *p);

/* The clock the schedule and the sources' times read (borrowed; NULL: the real one). */
void poller_set_clock(struct poller *p, const struct clock *clock);
/* Where requests go instead of http_submit (a test's fake server): same contract, 0 or
 * -1 with done never called. */
typedef int (*poller_submit_fn)(void *arg, const struct http_request *req);
void poller_set_submit(struct poller *p, poller_submit_fn submit, void *arg);
/* Fetch every job's details in the round that sees it (for --once). */
void poller_set_all_details(struct poller *p, bool all);
/* What is on screen from now on (see struct poller_focus). */
void poller_set_focus(struct poller *p, const struct poller_focus *f);
/* Start a round. focus is the cluster on screen (-1 none) and focus_job the id of the
 * job on screen (NULL none), replacing those of poller_set_focus: that job's details
 * are refreshed every round, the rest round-robin within the budget. */
void poller_round(struct poller *p, int focus, const char *focus_job);
/* Every cluster with a failed summary or rare endpoint asks all of them again in the
 * next round, at HTTP_PRIO_VIEW, once (a reload: a fixed credential or URL shows at
 * once, where the budget's steady share would come round to each in up to a minute). */
void poller_retry_failed(struct poller *p);
/* Requests of this poller at HTTP_PRIO_BACKGROUND still out (at most about
 * POLLER_BACKGROUND_MAX). */
int poller_background_in_flight(const struct poller *p);
/* Requests of this poller still in flight. */
int poller_in_flight(const struct poller *p);
/* True when some cluster changed since the last call; clears the flag. Answers for the
 * screen in view count at once; the board's at most every POLLER_BOARD_REPORT_MS and
 * those in the background (off screen) every POLLER_BACKGROUND_REPORT_MS, so the screen
 * is not redrawn for each of them as they trickle in. */
#define POLLER_BACKGROUND_REPORT_MS 1000
/* The same for the board's summaries (the rows of the clusters screen and the board):
 * they come in paced by the budget, one frame takes those of half a second. */
#define POLLER_BOARD_REPORT_MS 500
bool poller_take_changed(struct poller *p);

/* The poller as a source the loop drives (source_ops.h): start_round is poller_round
 * with the focus, busy is requests in flight. */
extern const struct source_ops poller_source_ops;
struct data_source poller_source(struct poller *p);

#endif
