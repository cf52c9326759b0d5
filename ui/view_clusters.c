/* The start screen: one row a cluster, its size, its jobs by state and how fresh its
 * data is. A failing cluster's row carries its error; a stale one keeps its last good
 * numbers, greyed. Clusters outside the :ctx / :ns scope (k8s.hidden) have no row: the
 * table's rows are the shown clusters, mapped to their index in app->clusters. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "freshness.h"
#include "health.h"
#include "http_trust.h"
#include "k8s_model.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "xalloc.h"

/* Logical columns. The table sees one of three layouts (cols_plain, cols_k8s,
 * cols_k8s_ctx): the Kubernetes columns only when a cluster came from a FlinkDeployment,
 * CONTEXT only with more than one context. They drop first when the terminal narrows. */
enum {
    CC_MARK,
    CC_NAME,
    CC_CONTEXT,
    CC_NAMESPACE,
    CC_VERSION,
    CC_TM,
    CC_SLOTS,
    CC_RUN,
    CC_FAIL,
    CC_SICK,
    CC_FIN,
    CC_CANC,
    CC_LIFECYCLE,
    CC_JM,
    CC_JOB,
    CC_PODS,
    CC_RESTARTS,
    CC_UPDATED,
    CC_N
};

/* At 80 columns the names stay readable (a fleet's are 15-25 characters): counts that
 * say less than a name go first (restarts, cancelled, finished, the JobManager's state). */
static const struct table_col all_cols[CC_N] = {
    [CC_MARK] = {"", 1, 0, false, false, false, true},
    [CC_NAME] = {"NAME", 20, 0, true, false, true},
    [CC_CONTEXT] = {"CONTEXT", 7, 7, true, false},
    [CC_NAMESPACE] = {"NAMESPACE", 16, 6, true, false},
    [CC_VERSION] = {"VERSION", 7, 3, false, false},
    [CC_TM] = {"TM", 2, 9, false, true},
    [CC_SLOTS] = {"SLOTS", 7, 8, false, true},
    [CC_RUN] = {"RUN", 3, 0, false, true},
    [CC_FAIL] = {"FAIL", 4, 0, false, true},
    [CC_SICK] = {"SICK", 4, 2, false, true},
    [CC_FIN] = {"FIN", 3, 15, false, true},
    [CC_CANC] = {"CANC", 4, 15, false, true},
    [CC_LIFECYCLE] = {"LIFECYCLE", 9, 4, false, false},
    [CC_JM] = {"JM", 5, 11, true, false},
    [CC_JOB] = {"JOB", 7, 5, true, false},
    [CC_PODS] = {"PODS", 4, 10, false, true},
    [CC_RESTARTS] = {"RESTARTS", 8, 14, false, true},
    [CC_UPDATED] = {"UPDATED", 16, 0, true, false}, /* an error line must say something */
};

static const int map_plain[] = {
    CC_MARK, CC_NAME, CC_VERSION, CC_TM, CC_SLOTS, CC_RUN, CC_FAIL, CC_SICK, CC_FIN, CC_CANC, CC_UPDATED,
};
static const int map_k8s[] = {
    CC_MARK, CC_NAME, CC_NAMESPACE, CC_VERSION, CC_TM,  CC_SLOTS, CC_RUN,      CC_FAIL,    CC_SICK, CC_FIN,
    CC_CANC, CC_LIFECYCLE, CC_JM,      CC_JOB, CC_PODS,  CC_RESTARTS, CC_UPDATED,
};
static const int map_k8s_ctx[] = {
    CC_MARK, CC_NAME, CC_CONTEXT, CC_NAMESPACE, CC_VERSION, CC_TM,  CC_SLOTS, CC_RUN,      CC_FAIL,
    CC_SICK, CC_FIN,  CC_CANC,    CC_LIFECYCLE, CC_JM,      CC_JOB, CC_PODS,  CC_RESTARTS, CC_UPDATED,
};

#define N_OF(a) ((int)(sizeof a / sizeof a[0]))
/* the table's columns of each layout, copied from all_cols by layouts_fill() */
static struct table_col cols_plain[N_OF(map_plain)], cols_k8s[N_OF(map_k8s)],
    cols_k8s_ctx[N_OF(map_k8s_ctx)];

struct clusters_layout {
    struct table_col *cols;
    const int *map; /* table column -> logical column */
    int n;
};

static const struct clusters_layout layouts[] = {
    {cols_plain, map_plain, N_OF(map_plain)},
    {cols_k8s, map_k8s, N_OF(map_k8s)},
    {cols_k8s_ctx, map_k8s_ctx, N_OF(map_k8s_ctx)},
};

static void layouts_fill(void) {
    for (int l = 0; l < N_OF(layouts); l++)
        for (int i = 0; i < layouts[l].n; i++)
            layouts[l].cols[i] = all_cols[layouts[l].map[i]];
}
/* The contexts in use: the poller's when there is one, else those clusters point at. */
static size_t context_count(const struct app *a) {
    if (a->k8s_contexts)
        return k8s_context_count(a);
    size_t n = 0;
    for (size_t i = 0; i < a->n_clusters; i++) {
        const char *ctx = a->clusters[i].k8s.context;
        bool seen = false;
        for (size_t j = 0; ctx && j < i && !seen; j++)
            seen = a->clusters[j].k8s.context && strcmp(a->clusters[j].k8s.context, ctx) == 0;
        n += ctx && !seen;
    }
    return n;
}

/* The screen's own state (v->priv): table row -> index into app->clusters, rebuilt
 * whenever the table counts its rows. */
struct clusters_rows {
    size_t *index; /* owned */
    size_t n, cap;
};

static void clusters_rows_free(void *priv) {
    struct clusters_rows *r = priv;
    if (r)
        free(r->index);
    free(r);
}

static struct clusters_rows *rows_map(struct view *v) {
    if (v->priv == NULL) {
        v->priv = xcalloc(1, sizeof(struct clusters_rows));
        v->priv_free = clusters_rows_free;
    }
    return v->priv;
}

/* The cluster on table row `row`. */
static const struct cluster *row_cluster(struct view *v, size_t row) {
    const struct clusters_rows *r = rows_map(v);
    return &v->app->clusters[row < r->n ? r->index[row] : 0];
}

int view_clusters_selected(const struct view *v) {
    size_t row;
    const struct clusters_rows *r = v->priv;
    if (r == NULL || !table_selected(&v->table, &row) || row >= r->n)
        return -1;
    return (int)r->index[row];
}

int view_clusters_row_cluster(const struct view *v, size_t row) {
    const struct clusters_rows *r = v->priv;
    return r && row < r->n ? (int)r->index[row] : -1;
}

/* 0 plain, 1 Kubernetes, 2 Kubernetes over several contexts */
static int layout_of(const struct app *a) {
    bool k8s = false;
    for (size_t i = 0; i < a->n_clusters && !k8s; i++)
        k8s = a->clusters[i].k8s.name != NULL;
    if (!k8s)
        return 0;
    return context_count(a) > 1 ? 2 : 1;
}

static const struct clusters_layout *current(const struct view *v) {
    for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
        if (v->table.cols == layouts[i].cols)
            return &layouts[i];
    return &layouts[0];
}

static int logical(const struct view *v, int col) {
    const struct clusters_layout *l = current(v);
    return col >= 0 && col < l->n ? l->map[col] : -1;
}

static int table_col_of(const struct view *v, int lcol) {
    const struct clusters_layout *l = current(v);
    for (int i = 0; i < l->n; i++)
        if (l->map[i] == lcol)
            return i;
    return -1;
}

/* Switch the table to the layout the clusters need now; the sort stays on its column
 * when the new layout has it. */
static void sync_layout(struct view *v) {
    const struct clusters_layout *want = &layouts[layout_of(v->app)];
    if (v->table.cols == want->cols)
        return;
    int sort = logical(v, v->table.sort_col);
    v->table.cols = want->cols;
    v->table.n_cols = want->n;
    v->table.sort_col = sort >= 0 ? table_col_of(v, sort) : -1;
    for (int c = 0; c < TABLE_MAX_COLS; c++)
        v->table.shown[c] = c < want->n;
}

/* A Kubernetes column's cell: "-" for a --flink cluster. */
static enum color_role k8s_cell(const struct cluster *c, int col, char *buf, size_t size,
                                enum color_role plain, bool ascii) {
    const struct flink_resource *r = k8s_cluster_resource(c);
    snprintf(buf, size, "-");
    if (c->k8s.name == NULL)
        return plain;
    switch (col) {
    case CC_CONTEXT:
        snprintf(buf, size, "%s", c->k8s.context ? c->k8s.context : "-");
        return plain;
    case CC_NAMESPACE:
        snprintf(buf, size, "%s", c->k8s.namespace ? c->k8s.namespace : "-");
        return plain;
    case CC_LIFECYCLE:
        if (c->k8s.gone) {
            snprintf(buf, size, "gone");
            return ROLE_DIM;
        }
        if (r == NULL || !r->status.present)
            return plain;
        snprintf(buf, size, "%s", flink_lifecycle_name(r->status.lifecycle));
        return plain == ROLE_STALE ? plain : view_lifecycle_role(r->status.lifecycle);
    case CC_JM:
        if (r && r->status.present)
            snprintf(buf, size, "%s", jm_deploy_state_name(r->status.jm_status));
        return r && r->status.jm_status == JM_DEPLOY_ERROR ? ROLE_STATE_BAD : plain;
    case CC_JOB: {
        if (r == NULL || !r->status.present)
            return plain;
        enum job_state op = r->status.job.state;
        const struct job *j = cluster_job_by_id(c, r->status.job.job_id);
        if (j == NULL || j->state == op || j->state == JOB_UNKNOWN) {
            snprintf(buf, size, "%s", job_state_name(op));
            return plain == ROLE_STALE ? plain : view_job_state_role(op);
        }
        snprintf(buf, size, "%s%s%s", job_state_name(op), ascii ? "!=" : "\u2260",
                 job_state_name(j->state));
        return ROLE_STATE_WARN;
    }
    case CC_PODS:
    case CC_RESTARTS: {
        struct pod_summary ps;
        const struct source *pl = freshness_k8s_list(c, FRESH_PODS);
        if (col == CC_PODS && pl && pl->state == SOURCE_ERROR) {
            snprintf(buf, size, "err"); /* not the last good count, as if it were now */
            return ROLE_ERROR;
        }
        if (!k8s_cluster_pods(c, &ps))
            return plain;
        if (col == CC_PODS) {
            text_ratio(ps.ready, ps.total, buf, size);
            return ps.ready < ps.total ? ROLE_STATE_WARN : plain;
        }
        text_int(ps.restarts, buf, size);
        return ps.restarts > 0 ? ROLE_STATE_WARN : plain;
    }
    default:
        return plain;
    }
}

static bool k8s_col(int col) {
    return col == CC_CONTEXT || col == CC_NAMESPACE || (col >= CC_LIFECYCLE && col <= CC_RESTARTS);
}

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

/* Jobs that need a look (health.h: failed, not checkpointing, backpressured,
 * restarting), as the fleet board would list them first; -1 before the jobs answered. */
static int64_t sick_count(const struct app *app, const struct cluster *c) {
    if (c->sources[SRC_JOBS].last_ok_ms == 0)
        return -1;
    int64_t n = 0;
    for (size_t i = 0; i < c->jobs.len; i++) {
        struct job_health h;
        health_eval(&c->jobs.items[i], app->now_ms, &h);
        n += h.cls < HEALTH_HEALTHY;
    }
    return n;
}

static size_t rows_count(void *ctx) {
    struct view *v = ctx;
    sync_layout(v); /* table_sync asks for the count first, before every key and draw */
    struct clusters_rows *r = rows_map(v);
    if (r->cap < v->app->n_clusters) {
        r->cap = v->app->n_clusters;
        r->index = xrealloc(r->index, r->cap * sizeof *r->index);
    }
    r->n = 0;
    for (size_t i = 0; i < v->app->n_clusters; i++)
        if (!v->app->clusters[i].k8s.hidden)
            r->index[r->n++] = i;
    return r->n;
}

/* A cluster that failed before it ever answered has no numbers, only its error: that
 * runs from the version column on, so the SRE reads the whole line, not "connect t…". */
static bool error_only(const struct cluster *c) {
    return cluster_state(c) == SOURCE_ERROR && view_cluster_data_ms(c) == 0 && version(c) == NULL;
}

static int rows_span(void *ctx, size_t row) {
    struct view *v = ctx;
    return error_only(row_cluster(v, row)) ? table_col_of(v, CC_VERSION) : -1;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct view *v = ctx;
    const struct cluster *c = row_cluster(v, row);
    col = logical(v, col);
    if (col == CC_VERSION && error_only(c))
        return view_cluster_status(v->app, c, buf, size);
    enum color_role plain = app_cluster_stale(v->app, c) ? ROLE_STALE : ROLE_DEFAULT;
    if (k8s_col(col))
        return k8s_cell(c, col, buf, size, plain, v->ascii);
    if (col == CC_UPDATED && c->k8s.ctx && c->k8s.ctx->error[0] &&
        cluster_state(c) != SOURCE_ERROR) {
        snprintf(buf, size, "%s", c->k8s.ctx->error); /* its context failed */
        return ROLE_ERROR;
    }
    enum fresh_k8s_list which;
    const struct source *list = freshness_k8s_failed(c, &which);
    if (col == CC_UPDATED && list && cluster_state(c) != SOURCE_ERROR) {
        snprintf(buf, size, "%s", list->error); /* its pods, events or snapshots list failed */
        return ROLE_ERROR;
    }
    switch (col) {
    case CC_MARK:
        return view_alert_mark(v->app, c->name, NULL, buf, size);
    case CC_NAME: {
        /* a connection that skips TLS verification says so on its row: red when a token
         * or password rides on it */
        enum http_trust trust = http_trust_of(c->tls);
        char name[256];
        snprintf(name, sizeof name, "%s%s", c->name ? c->name : "-",
                 trust != HTTP_TRUST_VERIFIED ? " INSECURE" : "");
        snprintf(buf, size, "%s", name);
        enum color_role role = cluster_state(c) == SOURCE_ERROR ? ROLE_ERROR : plain;
        if (trust == HTTP_TRUST_INSECURE_CREDENTIAL)
            return ROLE_ERROR;
        return trust == HTTP_TRUST_INSECURE && role == plain ? ROLE_STATE_WARN : role;
    }
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
    case CC_SICK: {
        int64_t n = sick_count(v->app, c);
        text_int(n, buf, size);
        return n > 0 ? ROLE_STATE_WARN : plain;
    }
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
    if (cluster_state(c) == SOURCE_ERROR || freshness_k8s_failed(c, NULL))
        return 0;
    if (app_cluster_stale(app, c))
        return 1;
    return view_cluster_data_ms(c) == 0 ? 2 : 3;
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    struct view *v = ctx;
    const struct cluster *ca = row_cluster(v, a), *cb = row_cluster(v, b);
    col = logical(v, col);
    if (k8s_col(col)) {
        char ba[256], bb[256];
        k8s_cell(ca, col, ba, sizeof ba, ROLE_DEFAULT, true);
        k8s_cell(cb, col, bb, sizeof bb, ROLE_DEFAULT, true);
        return cmp_str(strcmp(ba, "-") ? ba : NULL, strcmp(bb, "-") ? bb : NULL);
    }
    switch (col) {
    case CC_NAME:
        return cmp_str(ca->name, cb->name);
    case CC_VERSION:
        return cmp_str(version(ca), version(cb));
    case CC_SICK:
        return cmp_num(sick_count(v->app, ca), sick_count(v->app, cb));
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
    const struct cluster *c = row_cluster(v, row);
    return text_icontains(c->name, filter) || text_icontains(cluster_shown_url(c), filter) ||
           text_icontains(version(c), filter);
}

static const char *rows_key(void *ctx, size_t row) {
    struct view *v = ctx;
    return row_cluster(v, row)->name;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  rows_span};

static void clusters_init(struct view *v) {
    layouts_fill();
    const struct clusters_layout *l = &layouts[layout_of(v->app)];
    table_init(&v->table, l->cols, l->n, -1);
}

/* The scope (context, namespace) is on the header of every screen (bars.c). */
static void clusters_title(struct view *v, char *buf, size_t size) {
    view_table_title(v, "Clusters", buf, size);
}

/* A context that failed before it listed anything (a token file or client key it cannot
 * read, an exec plugin that failed, a server that refused) has no rows to carry its
 * error: each gets its line under the table, from row y, at most h rows. */
static int context_errors(struct view *v, WINDOW *win, int y, int h, int w) {
    int used = 0;
    size_t n = k8s_context_count(v->app);
    for (size_t i = 0; i < n && used < h; i++) {
        const struct k8s_context_state *s = k8s_context_at(v->app, i);
        if (s == NULL || s->error[0] == '\0' || s->listed)
            continue;
        char line[400];
        snprintf(line, sizeof line, "context %s: %s", s->name && s->name[0] ? s->name : "-",
                 s->error);
        used += draw_wrapped(win, y + used, 1, w - 2, h - used, line, colors_attr(ROLE_ERROR),
                             v->ascii);
    }
    return used;
}

static void clusters_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    table_draw(&v->table, win, y, h, w, v->ascii, &rows, v);
    int below = 2 + (int)v->table.n_rows; /* the header, the rows, a blank line */
    int errors = h > below ? context_errors(v, win, y + below, h - below, w) : 0;
    if (v->table.n_rows == 0 && h > 1 && errors == 0)
        view_table_empty(v, win, y + 1 + (h - 1) / 2, w,
                         v->app->n_clusters > 0 ? "no clusters in this context and namespace"
                                                : "no clusters configured");
}

static unsigned clusters_key(struct view *v, enum request req, struct view_open *open) {
    size_t row;
    if (req != REQ_OPEN || !table_selected(&v->table, &row))
        return 0;
    const struct clusters_rows *r = rows_map(v);
    if (row >= r->n)
        return 0;
    open->ops = &view_jobs;
    open->cluster = (int)r->index[row];
    return UI_REDRAW | UI_REFETCH;
}

/* y: the selected cluster's name (what :cluster and kubectl want). */
static char *clusters_copy(struct view *v, char *what, size_t size) {
    int c = view_clusters_selected(v);
    if (c < 0 || (size_t)c >= v->app->n_clusters || v->app->clusters[c].name == NULL)
        return NULL;
    snprintf(what, size, "cluster name");
    return xstrdup(v->app->clusters[c].name);
}

static const enum request clusters_help[] = {
    REQ_UP,   REQ_DOWN,   REQ_PAGE_UP,   REQ_PAGE_DOWN, REQ_TOP,         REQ_BOTTOM,
    REQ_OPEN, REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_clusters = {
    "Clusters", &rows,         clusters_init, clusters_title,
    clusters_draw, clusters_key, clusters_help, clusters_copy,
};
