/* The start screen: one row a cluster, its size, its jobs by state and how fresh its
 * data is. A failing cluster's row carries its error; a stale one keeps its last good
 * numbers, greyed. */
#include <stdio.h>
#include <string.h>

#include "text.h"
#include "ui.h"
#include "view.h"

enum { CC_NAME, CC_VERSION, CC_TM, CC_SLOTS, CC_RUN, CC_FAIL, CC_FIN, CC_CANC, CC_UPDATED, CC_N };

static const struct table_col cols[CC_N] = {
    [CC_NAME] = {"NAME", 10, 0, true, false},
    [CC_VERSION] = {"VERSION", 7, 3, false, false},
    [CC_TM] = {"TM", 2, 4, false, true},
    [CC_SLOTS] = {"SLOTS", 7, 5, false, true},
    [CC_RUN] = {"RUN", 3, 0, false, true},
    [CC_FAIL] = {"FAIL", 4, 0, false, true},
    [CC_FIN] = {"FIN", 3, 7, false, true},
    [CC_CANC] = {"CANC", 4, 6, false, true},
    [CC_UPDATED] = {"UPDATED", 10, 0, true, false},
};

static const char *version(const struct cluster *c) {
    return c->config.flink_version ? c->config.flink_version : c->overview.flink_version;
}

/* A number column's value; -1 unknown. */
static int64_t number(const struct cluster *c, int col) {
    const struct flink_overview *ov = &c->overview;
    bool have_ov = c->sources[SRC_OVERVIEW].last_ok_ms > 0;
    struct job_counts jc;
    app_job_counts(c, &jc);
    switch (col) {
    case CC_TM:
        return have_ov ? ov->taskmanagers : -1;
    case CC_SLOTS:
        if (!have_ov || ov->slots_total < 0 || ov->slots_available < 0)
            return -1;
        return ov->slots_total - ov->slots_available;
    case CC_RUN:
        return jc.running;
    case CC_FAIL:
        return jc.failed;
    case CC_FIN:
        return jc.finished;
    case CC_CANC:
        return jc.cancelled;
    default:
        return -1;
    }
}

static size_t rows_count(void *ctx) {
    struct view *v = ctx;
    return v->app->n_clusters;
}

/* A cluster that failed before it ever answered has no numbers, only its error: that
 * runs from the version column on, so the SRE reads the whole line, not "connect t…". */
static bool error_only(const struct cluster *c) {
    return cluster_state(c) == SOURCE_ERROR && view_cluster_data_ms(c) == 0 && version(c) == NULL;
}

static int rows_span(void *ctx, size_t row) {
    struct view *v = ctx;
    return error_only(&v->app->clusters[row]) ? CC_VERSION : -1;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct view *v = ctx;
    const struct cluster *c = &v->app->clusters[row];
    if (col == CC_VERSION && error_only(c))
        return view_cluster_status(v->app, c, buf, size);
    enum color_role plain = app_cluster_stale(v->app, c) ? ROLE_STALE : ROLE_DEFAULT;
    switch (col) {
    case CC_NAME:
        snprintf(buf, size, "%s", c->name ? c->name : "-");
        return cluster_state(c) == SOURCE_ERROR ? ROLE_ERROR : plain;
    case CC_VERSION:
        snprintf(buf, size, "%s", version(c) ? version(c) : "-");
        return plain;
    case CC_SLOTS: {
        bool have_ov = c->sources[SRC_OVERVIEW].last_ok_ms > 0;
        text_ratio(number(c, CC_SLOTS), have_ov ? c->overview.slots_total : -1, buf, size);
        return plain;
    }
    case CC_FAIL:
        text_int(number(c, col), buf, size);
        return number(c, col) > 0 ? ROLE_STATE_BAD : plain;
    case CC_UPDATED:
        return view_cluster_status(v->app, c, buf, size);
    default:
        text_int(number(c, col), buf, size);
        return plain;
    }
}

static int cmp_str(const char *a, const char *b) {
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL); /* unknown last */
    return strcmp(a, b);
}

static int cmp_num(int64_t a, int64_t b) {
    if ((a < 0) != (b < 0))
        return a < 0 ? 1 : -1; /* unknown last */
    return (a > b) - (a < b);
}

/* Worst first: failing, stale, not answered yet, fine. */
static int health_rank(const struct app *app, const struct cluster *c) {
    if (cluster_state(c) == SOURCE_ERROR)
        return 0;
    if (app_cluster_stale(app, c))
        return 1;
    return view_cluster_data_ms(c) == 0 ? 2 : 3;
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    struct view *v = ctx;
    const struct cluster *ca = &v->app->clusters[a], *cb = &v->app->clusters[b];
    switch (col) {
    case CC_NAME:
        return cmp_str(ca->name, cb->name);
    case CC_VERSION:
        return cmp_str(version(ca), version(cb));
    case CC_UPDATED: {
        int c = health_rank(v->app, ca) - health_rank(v->app, cb);
        return c ? c : cmp_num(view_cluster_data_ms(ca), view_cluster_data_ms(cb));
    }
    default:
        return cmp_num(number(ca, col), number(cb, col));
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    struct view *v = ctx;
    const struct cluster *c = &v->app->clusters[row];
    return text_icontains(c->name, filter) || text_icontains(c->url, filter) ||
           text_icontains(version(c), filter);
}

static const char *rows_key(void *ctx, size_t row) {
    struct view *v = ctx;
    return v->app->clusters[row].name;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  rows_span};

static void clusters_init(struct view *v) { table_init(&v->table, cols, CC_N, -1); }

static void clusters_title(struct view *v, char *buf, size_t size) {
    view_table_title(v, "Clusters", buf, size);
}

static void clusters_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    table_draw(&v->table, win, y, h, w, v->ascii, &rows, v);
    if (v->table.n_rows == 0 && h > 1)
        view_table_empty(v, win, y + 1 + (h - 1) / 2, w, "no clusters configured");
}

static unsigned clusters_key(struct view *v, enum request req, struct view_open *open) {
    size_t row;
    if (req != REQ_OPEN || !table_selected(&v->table, &row))
        return 0;
    open->ops = &view_jobs;
    open->cluster = (int)row;
    return UI_REDRAW | UI_REFETCH;
}

static const enum request clusters_help[] = {
    REQ_UP,   REQ_DOWN,   REQ_PAGE_UP,   REQ_PAGE_DOWN, REQ_TOP,         REQ_BOTTOM,
    REQ_OPEN, REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_clusters = {
    "Clusters", &rows, clusters_init, clusters_title, clusters_draw, clusters_key, clusters_help,
};
