/* The job screen's insides: its state, which its tab files share, and the tabs. Only
 * view_job.c and tab_*.c include this; the rest of the UI knows the screen as view_job
 * (view.h), and ui.c asks it one thing: what `/` filters (view_job_filter). */
#ifndef FLINKTOP_VIEW_JOB_H
#define FLINKTOP_VIEW_JOB_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "colors.h"
#include "table.h"
#include "view.h"

enum job_tab_id {
    TAB_OVERVIEW,
    TAB_CHECKPOINTS,
    TAB_BACKPRESSURE,
    TAB_TASKMANAGERS,
    TAB_EXCEPTIONS,
    TAB_KUBERNETES,
    TAB_GRAPH,
    TAB_COUNT
};

struct job_view {
    struct view *v;          /* borrowed: the screen this state belongs to */
    struct cluster *cluster; /* borrowed: looked up again at every draw and key */
    struct job *job;         /* borrowed, same; NULL when the job left the list */
    int tab;
    struct table vertices, checkpoints, tms, exceptions;
    bool busy;       /* the heatmap shows busy ratios instead of backpressured */
    size_t heat_top; /* first vertex shown by the heatmap */
    int heat_page;   /* vertex rows it showed at the last draw */
    bool trace;      /* the selected exception's trace is open */
    int trace_top;   /* its first line shown */
    int trace_page;  /* lines it showed at the last draw */
    int spark_cells; /* width of the vertex sparklines at the last draw */
    char key[64];    /* a row key made on demand (table_source.key); valid until the next */
    int k8s_top;     /* Kubernetes tab: first line shown */
    int k8s_page;    /* its lines shown at the last draw */
    int k8s_lines;   /* its lines at the last draw */
    char k8s_filter[TABLE_FILTER_MAX]; /* Kubernetes tab: pods, events, conf lines; "" none */
    /* Kubernetes tab's pod cursor: the pod it is on among those shown, its name at the
     * last draw (the cursor follows it; "" none), whether a key moved it since (then
     * k8s_pod_sel rules), the line of the first pod (-1 none) and the pods shown then */
    int k8s_pod_sel;
    char k8s_pod[256];
    bool k8s_pod_moved;
    int k8s_pod_first;
    int k8s_n_pods;
    int graph_top;  /* graph tab: first line shown */
    int graph_page; /* its lines shown at the last draw */
    bool cp_open;   /* checkpoints tab: a checkpoint's detail is open (app->cp_detail) */
    int cp_top;     /* its first operator shown */
    int cp_page;    /* operators it showed at the last draw */
    /* heatmap: the vertex row the cursor is on (Enter drills in) */
    size_t heat_sel;
    /* a tab asked to open this vertex's subtasks (view_subtasks); "" none */
    char drill_vertex[33];
};

struct job_tab {
    const char *name;       /* "Overview" */
    const char *short_name; /* for narrow terminals */
    void (*init)(struct job_view *jv);
    /* rows [y, y+h) of win, w cells; jv->job is set and non-NULL */
    void (*draw)(struct job_view *jv, WINDOW *win, int y, int h, int w);
    /* a request the screen did not take; returns UI flags */
    unsigned (*key)(struct job_view *jv, enum request req);
    /* optional: what `/` filters on this tab; false (or NULL) when nothing */
    bool (*filter)(struct job_view *jv, struct table_filter *out);
};

/* What `/` filters on the job screen's current tab (ui.c), the job looked up again
 * first; false when that tab has nothing to filter (the heatmap). */
bool view_job_filter(struct view *v, struct table_filter *out);

/* The tab the job screen v shows (enum job_tab_id), TAB_OVERVIEW before its first draw. */
int view_job_tab(const struct view *v);

extern const struct job_tab tab_overview;
extern const struct job_tab tab_checkpoints;
extern const struct job_tab tab_backpressure;
extern const struct job_tab tab_taskmanagers;
extern const struct job_tab tab_exceptions;
extern const struct job_tab tab_kubernetes;
extern const struct job_tab tab_graph;

/* The vertex whose subtasks Enter asked to open (view_subtasks), NULL none. borrowed */
const char *view_job_drill_vertex(struct view *v);

/* The task manager selected on the task managers tab of job screen v, or the pod under
 * the cursor on its Kubernetes tab (a name view_logs looks up among the pods), NULL when
 * another tab is shown or none is selected. borrowed */
const char *view_job_selected_tm(struct view *v);

/* What `y` copies on a tab with a cursor (view_job.c asks the tab on screen): a new
 * string the caller frees and its name in what, or NULL for the job id instead. */
char *tab_checkpoints_copy(struct job_view *jv, char *what, size_t size); /* external path */
char *tab_exceptions_copy(struct job_view *jv, char *what, size_t size);  /* whole trace */
char *tab_taskmanagers_copy(struct job_view *jv, char *what, size_t size); /* its id */
const char *tab_taskmanagers_selected(struct job_view *jv); /* its id, NULL none */
/* The pod under the Kubernetes tab's cursor, its name; NULL none. */
const char *tab_kubernetes_selected_pod(struct job_view *jv);

/* The overview's autoscaler panel (autoscaler_panel.c): for a job whose FlinkDeployment has
 * the operator's autoscaler on, its last decision, each vertex's parallelism now against
 * what it recommends, and its history, from row *y; moves *y down and *h up by the rows it
 * took (none for other jobs). All borrowed. */
void autoscaler_panel_draw(WINDOW *win, int *y, int *h, int w, const struct app *app,
                           const struct cluster *c, const struct job *j, bool ascii);

/* A piece of a line in its colour. */
struct job_seg {
    const char *text; /* NULL or "": skipped */
    enum color_role role;
};

/* Segments one after another from (y, x), two cells apart; when the next does not fit
 * the row, it goes on the next row at x + indent. At most max_rows rows; returns the
 * rows used (0 when nothing was drawn). */
int job_view_flow(WINDOW *win, int y, int x, int w, int indent, int max_rows,
                  const struct job_seg *segs, size_t n, bool ascii);
/* A tab's data and the source it came from. Not have: draws the source's error line
 * (when it failed) or "loading WHAT…", and returns false. Have, and the source failed
 * since: one line at *y says so ("stale 34s: HTTP 500 from ..."), *y and *h move down
 * one, returns true; else just true. s may be NULL (nothing known of it). */
bool job_view_source(const struct job_view *jv, WINDOW *win, int *y, int *h, int w,
                     const struct source *s, bool have, const char *what);
/* The one of two sources to report: a failed one first, else a. */
const struct source *job_view_worse(const struct source *a, const struct source *b);
/* "loading vertices…" (ASCII "...") centred in the rows given. */
void job_view_loading(const struct job_view *jv, WINDOW *win, int y, int h, int w,
                      const char *what);
/* The table keys (move, page, sort) on t after a sync. */
unsigned job_view_table_key(struct job_view *jv, struct table *t, const struct table_source *src,
                            enum request req);
/* Under a table whose filter hides every row (row y, the first body row): say so. */
void job_view_no_match(const struct job_view *jv, const struct table *t, WINDOW *win, int y, int w);
/* Compare two numbers with the unknown (NaN) last. */
int job_view_cmp_num(double a, double b);

#endif
