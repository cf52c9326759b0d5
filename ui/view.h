/* Screens. Each one fills in a view_ops (tig's view_ops): a title, a draw, a key
 * handler and the requests it answers (for help). ui.c keeps a stack of struct view,
 * routes requests to the top one and draws it; adding a screen is a file with its ops
 * and a place that opens it. Handlers change state and return UI flags; only draw
 * touches the window. */
#ifndef FLINKTOP_VIEW_H
#define FLINKTOP_VIEW_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "k8s_model.h"
#include "keymap.h"
#include "table.h"

struct view_ops;

/* One screen on the stack. */
struct view {
    const struct view_ops *ops;
    struct app *app;               /* borrowed */
    bool ascii;                    /* no glyphs of our own beyond ASCII */
    int cluster;                   /* the cluster on screen, -1 none */
    char job_id[33];               /* the job on screen (a job screen), "" none */
    const struct view_ops *under;  /* help: the screen it was opened from */
    struct table table;            /* screens with rows (ops->rows != NULL) */
    int scroll;                    /* first line shown, screens without a table */
    void *priv;                    /* owned: a screen's own state, made by ops->init */
    void (*priv_free)(void *priv); /* frees priv when the screen closes; NULL none */
};

/* A screen a key asks to open on top of the current one. */
struct view_open {
    const struct view_ops *ops;
    int cluster;
    const char *job_id; /* the job it is about (a job screen), NULL: the opener's; borrowed */
    enum request tab;   /* a job screen's tab to show first (REQ_TAB_*), REQ_NONE: its first */
};

struct view_ops {
    const char *name;
    /* the table's rows (NULL: no table, no filter); ctx is the struct view */
    const struct table_source *rows;
    void (*init)(struct view *v); /* optional: set up v->table */
    /* the screen's title for the header line into buf */
    void (*title)(struct view *v, char *buf, size_t size);
    /* draw rows [y, y+h) of win, w cells wide; the table is synced already */
    void (*draw)(struct view *v, WINDOW *win, int y, int h, int w);
    /* a request the table did not take; may set *open. Returns UI flags. Esc and q
     * come here first: a screen with something open inside it (a trace) closes that
     * and returns UI_REDRAW; 0 lets the screen itself close. */
    unsigned (*key)(struct view *v, enum request req, struct view_open *open);
    /* requests this screen answers, REQ_NONE last: what help lists for it */
    const enum request *help;
    /* optional: what `y` copies here (the selected row's id, path or trace) as a new
     * string the caller frees, and in what a few words naming it ("job id"); NULL when
     * there is nothing to copy */
    char *(*copy)(struct view *v, char *what, size_t size);
};

extern const struct view_ops view_clusters;
/* The cluster index of the clusters screen's selected row, -1 none (view_clusters.c). */
int view_clusters_selected(const struct view *v);
/* The cluster index of the clusters screen's model row `row` (table.order's values), -1
 * none (view_clusters.c): what the rows on screen are about. */
int view_clusters_row_cluster(const struct view *v, size_t row);
extern const struct view_ops view_jobs;
extern const struct view_ops view_board;
/* The cluster index of the fleet board's selected row, -1 none (view_board.c). */
int view_board_selected_cluster(const struct view *v);
/* The same for the board's model row (view_board.c). */
int view_board_row_cluster(const struct view *v, size_t row);
/* The id of the board's model row's job, NULL none. borrowed */
const char *view_board_row_job(const struct view *v, size_t row);
extern const struct view_ops view_help;
extern const struct view_ops view_alerts;
/* A row's name cell with its alert mark (view_alerts.c): "! name" when a critical alert
 * fires on the cluster (job_id NULL) or on the job, "~ name" for a warning, else just
 * the name; into buf. Returns the mark's role (bad, warn), else plain. */
enum color_role view_alert_name(const struct app *app, const char *cluster, const char *job_id,
                                const char *name, char *buf, size_t size, enum color_role plain);
/* The alert mark of a row, for its own one-cell column: "!" when a critical alert fires
 * on the cluster (job_id NULL) or on the job, "~" for a warning, else ""; into buf.
 * Returns the mark's role (bad, warn), else default. */
enum color_role view_alert_mark(const struct app *app, const char *cluster, const char *job_id,
                                char *buf, size_t size);
extern const struct view_ops view_job;
extern const struct view_ops view_operations;
extern const struct view_ops view_subtasks;
/* Right after pushing a view_subtasks: the vertex of the job on screen it shows (copied). */
void view_subtasks_start(struct view *v, const char *vertex_id);
/* The vertex the subtasks screen v shows, NULL for another screen. borrowed */
const char *view_subtasks_vertex(const struct view *v);
extern const struct view_ops view_logs;
struct logs;
/* Right after pushing a view_logs: open the JobManager's log of c (tm_id NULL) or that
 * task manager's, through logs (NULL: the screen says logs are not available). */
void view_logs_start(struct view *v, struct logs *logs, const struct cluster *c, const char *tm_id);
/* What `/` edits on the log pager: its search text (out->t NULL: no table). */
bool view_logs_search(struct view *v, struct table_filter *out);

/* Right after pushing a view_logs: open path of c's Flink REST API (a process's stdout,
 * "/jobmanager/stdout") under title; thread_dump: the answer is a thread dump's JSON,
 * shown as text (view_logs.c). */
void view_logs_start_path(struct view *v, struct logs *logs, const struct cluster *c,
                          const char *path, const char *title, bool thread_dump);
extern const struct view_ops view_jvm;
struct jvm_fetch;
/* Right after pushing a view_jvm: open the memory and JVM of task manager tm_id (NULL:
 * the JobManager) of c, through fetch (the app's; NULL: nothing is fetched). */
void view_jvm_start(struct view *v, struct jvm_fetch *fetch, const struct cluster *c,
                    const char *tm_id, int64_t now);
/* The task manager a view_jvm shows, NULL for the JobManager or another screen. borrowed */
const char *view_jvm_tm(const struct view *v);
extern const struct view_ops view_config;
struct conf_fetch;
/* Right after pushing a view_config: open the JobManager's configuration of c and, with
 * job_id, the job's, through fetch (the app's; NULL: nothing is fetched). */
void view_config_start(struct view *v, struct conf_fetch *fetch, const struct cluster *c,
                       const char *job_id, int64_t now);

/* The requests every screen answers (ui.c handles them), REQ_NONE last. */
extern const enum request view_global_keys[];

/* The cluster a view shows, or NULL when its index is out of range. borrowed */
struct cluster *view_cluster(const struct view *v);
/* Wall clock of the oldest good answer among the sources polled every round (the
 * /config source is polled rarely and would make everything look old); 0 never.
 * Same rule as app_cluster_stale. */
int64_t view_cluster_data_ms(const struct cluster *c);
/* "stale 34s" / the error line / "" for a cluster, and its role: one wording on every
 * screen. */
enum color_role view_cluster_status(const struct app *app, const struct cluster *c, char *buf,
                                    size_t size);
/* How worried a job state should make you: bad, warn, ok, dim (ended), default. */
enum color_role view_job_state_role(enum job_state s);
/* The same for an operator lifecycle state: STABLE ok, DEPLOYED/UPGRADING warn, FAILED bad. */
enum color_role view_lifecycle_role(enum flink_lifecycle s);
/* "Jobs: x (12)", or with a filter "Jobs: x (2 of 12, filter: fail)", into buf. */
void view_table_title(const struct view *v, const char *label, char *buf, size_t size);
/* Row y of an empty table: none ("no jobs"), or that the filter hides every row. */
void view_table_empty(const struct view *v, WINDOW *win, int y, int w, const char *none);
/* Scrolling for a screen without a table (help, alerts): Up/Down a line, PgUp/PgDn ten,
 * Home to the top, End to bottom (the screen's draw clamps it). UI flags, 0 when req
 * is not one of these. */
unsigned view_scroll_key(struct view *v, enum request req, int bottom);
/* Draw msg centred on row y in role (an empty table, a loading screen). */
void view_message(WINDOW *win, int y, int w, const char *msg, enum color_role role, bool ascii);

#endif
