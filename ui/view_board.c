/* The fleet board: every job of every cluster in scope, one row a job, sickest first
 * (health.h: failed, not checkpointing, backpressured, restarting, healthy), with the
 * reason in words, throughput, worst backpressure and busy time, the last completed
 * checkpoint's age and the failures since it, namespace and the operator's lifecycle,
 * restarts in the last hour and when the last was, and how old the data is. Enter opens
 * the job. Columns that do not fit drop by priority; the job's name never does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freshness.h"
#include "health.h"
#include "prom_source.h"
#include "sparkline.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "view.h"
#include "watermark.h"
#include "xalloc.h"

enum {
    BC_MARK,
    BC_JOB,
    BC_CLUSTER,
    BC_NAMESPACE,
    BC_STATE,
    BC_LIFECYCLE,
    BC_HEALTH,
    BC_IN,
    BC_OUT,
    BC_TREND,
    BC_BP,
    BC_BUSY,
    BC_CKPT,
    BC_FAILS,
    BC_RESTARTS,
    BC_AGE,
    BC_LAG,
    BC_N
};

#define TREND_CELLS 10 /* the sparkline of records out per second */

static const struct table_col cols[BC_N] = {
    [BC_MARK] = {"", 1, 0, false, false, false, true},
    [BC_JOB] = {"JOB", 18, 0, true, false, true},
    [BC_CLUSTER] = {"CLUSTER", 11, 4, true, false, true},
    [BC_NAMESPACE] = {"NAMESPACE", 9, 13, true, false},
    [BC_STATE] = {"STATE", 9, 2, false, false},
    [BC_LIFECYCLE] = {"LIFECYCLE", 9, 14, false, false},
    [BC_HEALTH] = {"HEALTH", 56, 1, true, false}, [BC_IN] = {"IN/s", 6, 7, false, true},
    [BC_OUT] = {"OUT/s", 6, 8, false, true},     [BC_BP] = {"BP", 4, 5, false, true},
    [BC_BUSY] = {"BUSY", 4, 9, false, true},     [BC_CKPT] = {"CKPT", 6, 6, false, true},
    [BC_FAILS] = {"FAILS", 5, 10, false, true},  [BC_AGE] = {"AGE", 5, 11, false, true},
    [BC_LAG] = {"LAG", 5, 12, false, true},     [BC_RESTARTS] = {"RESTARTS", 8, 15, false, true},
    [BC_TREND] = {"OUT TREND", TREND_CELLS, 16, false, false},
};

/* Restarts in the last hour from the job's exception history (each failure is one; Flink
 * keeps the newest), and when the last was; -1 while the exceptions are not known. */
static int restarts_1h(const struct job *j, int64_t now, int64_t *last) {
    const struct job_detail *d = j->detail;
    *last = -1;
    if (d == NULL || d->parts[DETAIL_EXCEPTIONS].last_ok_ms == 0)
        return -1;
    int n = 0;
    for (size_t i = 0; i < d->exceptions.len; i++) {
        int64_t t = d->exceptions.entries[i].timestamp;
        if (t > *last)
            *last = t;
        n += t > 0 && now - t <= 3600000;
    }
    return n;
}

/* What Prometheus says of a row's job (board_prom_eval); used where the job's REST
 * details are not fetched yet or older. */
struct board_prom {
    bool used;           /* throughput and the data's age are Prometheus's */
    double in, out, lag; /* NaN unknown */
    int64_t sample_ms;   /* Prometheus's time of the figures, 0 none */
};

/* One row: where the job lives and its health, rebuilt when the table syncs. */
struct board_row {
    size_t cluster, job;
    struct job_health health;
    char key[128]; /* cluster name + job id: the row's identity across refreshes */
    struct board_prom prom; /* Prometheus's figures for the job */
};

struct board {
    struct board_row *rows; /* owned */
    size_t len, cap;
};

/* The sources' backlog: Prometheus's, else what Flink REST said of it lately (asked
 * while the job's overview tab is on screen). */
#define BOARD_REST_LAG_MAX_AGE_MS 60000
static double row_lag(const struct board_row *r, const struct job *j, int64_t now) {
    return !isnan(r->prom.lag) ? r->prom.lag
                               : job_source_backlog(j->detail, now, BOARD_REST_LAG_MAX_AGE_MS);
}

static struct board *board_of(void *ctx) { return ((struct view *)ctx)->priv; }

static void board_free(void *priv) {
    struct board *b = priv;
    if (b == NULL)
        return;
    free(b->rows);
    free(b);
}

/* Prometheus's figures for the row's job, and its health where REST has none (or older
 * ones): fleet-wide queries give every job its numbers before its details are polled. */
static void board_prom_eval(const struct app *app, size_t ci, const struct job *j,
                            struct board_row *r) {
    struct board_prom *p = &r->prom;
    p->used = false;
    p->in = p->out = p->lag = NAN;
    p->sample_ms = 0;
    struct prom_job_health ph;
    if (app->prom == NULL || !prom_source_job(app->prom, app, ci, j->id, &ph))
        return;
    p->lag = prom_job_health_lag(&ph);
    p->sample_ms = ph.sample_ms;
    struct health_figures f = {ph.v[PROM_M_BACKPRESSURED_MAX] / 1000.0,
                               ph.v[PROM_M_BUSY_MAX] / 1000.0, -1, ph.sample_ms};
    double cp = ph.v[PROM_M_CHECKPOINT_TS];
    f.cp_last_completed_ms = isnan(cp) ? -1 : (int64_t)cp;
    int64_t stale = 2 * (int64_t)(app->refresh_ms > 0 ? app->refresh_ms : 2000);
    const struct job_detail *d = j->detail;
    if (d == NULL || d->metrics_ms <= 0 || isnan(d->records_in_per_s) ||
        (ph.sample_ms > 0 && ph.sample_ms - d->metrics_ms > stale)) {
        p->used = true;
        p->in = ph.v[PROM_M_RECORDS_IN];
        p->out = ph.v[PROM_M_RECORDS_OUT];
    }
    health_use_figures(j, &f, stale, &r->health);
}

static double row_in(const struct board_row *r, const struct job_detail *d) {
    return r->prom.used ? r->prom.in : d ? d->records_in_per_s : NAN;
}

static double row_out(const struct board_row *r, const struct job_detail *d) {
    return r->prom.used ? r->prom.out : d ? d->records_out_per_s : NAN;
}

/* The AGE cell of a row on Prometheus's figures: "P 4s". */
static enum color_role board_prom_age(const struct app *app, const struct board_row *r, char *buf,
                                      size_t size) {
    char age[16];
    int64_t at = r->prom.sample_ms;
    text_duration(at > 0 && app->now_ms >= at ? app->now_ms - at : -1, age, sizeof age);
    snprintf(buf, size, "P %s", age);
    return ROLE_DIM;
}

/* Rebuild the rows from the model: count() is the first thing a table sync asks. */
static size_t rows_count(void *ctx) {
    struct view *v = ctx;
    struct board *b = board_of(ctx);
    const struct app *app = v->app;
    b->len = 0;
    for (size_t ci = 0; ci < app->n_clusters; ci++) {
        const struct cluster *c = &app->clusters[ci];
        if (!cluster_in_scope(c))
            continue;
        for (size_t k = 0; k < c->jobs.len; k++) {
            if (b->len == b->cap) {
                b->cap = b->cap ? 2 * b->cap : 64;
                b->rows = xrealloc(b->rows, b->cap * sizeof *b->rows);
            }
            struct board_row *r = &b->rows[b->len++];
            const struct job *j = &c->jobs.items[k];
            r->cluster = ci;
            r->job = k;
            health_eval(j, app->now_ms, &r->health);
            board_prom_eval(app, ci, j, r);
            snprintf(r->key, sizeof r->key, "%s/%s", c->name, j->id[0] ? j->id : "-");
        }
    }
    return b->len;
}

int view_board_row_cluster(const struct view *v, size_t row) {
    const struct board *b = v->priv;
    return b && row < b->len ? (int)b->rows[row].cluster : -1;
}

const char *view_board_row_job(const struct view *v, size_t row) {
    const struct board *b = v->priv;
    if (b == NULL || row >= b->len || b->rows[row].cluster >= v->app->n_clusters)
        return NULL;
    const struct cluster *c = &v->app->clusters[b->rows[row].cluster];
    return b->rows[row].job < c->jobs.len ? c->jobs.items[b->rows[row].job].id : NULL;
}

static const struct cluster *cluster_at(void *ctx, size_t row) {
    struct view *v = ctx;
    return &v->app->clusters[board_of(ctx)->rows[row].cluster];
}

static const struct job *job_at(void *ctx, size_t row) {
    const struct board_row *r = &board_of(ctx)->rows[row];
    return &cluster_at(ctx, row)->jobs.items[r->job];
}

static enum color_role health_role(enum health_class h) {
    switch (h) {
    case HEALTH_FAILED:
    case HEALTH_NOT_CHECKPOINTING:
        return ROLE_STATE_BAD;
    case HEALTH_BACKPRESSURED:
    case HEALTH_RESTARTING:
        return ROLE_STATE_WARN;
    case HEALTH_HEALTHY:
        return ROLE_STATE_OK;
    default:
        return ROLE_DIM;
    }
}

/* One of the cluster's sources failed: Flink REST's summaries, or its pods, events or
 * snapshots list; what the row shows of it is old or unknown. */
static bool source_failed(const struct cluster *c) {
    return cluster_state(c) == SOURCE_ERROR || freshness_k8s_failed(c, NULL) != NULL;
}

static double ratio_or_nan(double r) { return isnan(r) ? NAN : r > 1.0 ? 1.0 : r < 0 ? 0 : r; }

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct view *v = ctx;
    const struct board_row *r = &board_of(ctx)->rows[row];
    const struct cluster *c = cluster_at(ctx, row);
    const struct job *j = job_at(ctx, row);
    const struct job_health *h = &r->health;
    const struct job_detail *d = j->detail;
    enum color_role plain = app_cluster_stale(v->app, c) ? ROLE_STALE : ROLE_DEFAULT;
    switch (col) {
    case BC_MARK:
        return view_alert_mark(v->app, c->name, j->id, buf, size);
    case BC_JOB:
        snprintf(buf, size, "%s", j->name ? j->name : "-");
        return plain;
    case BC_CLUSTER: /* the name flinktop gives it everywhere (`/` matches the namespace too) */
        snprintf(buf, size, "%s", c->name);
        return source_failed(c) ? ROLE_ERROR : plain;
    case BC_NAMESPACE:
        snprintf(buf, size, "%s", c->k8s.namespace ? c->k8s.namespace : "-");
        return plain;
    case BC_STATE:
        snprintf(buf, size, "%s", j->state == JOB_UNKNOWN ? "-" : job_state_name(j->state));
        return view_job_state_role(j->state);
    case BC_LIFECYCLE: {
        const struct flink_resource *fr = k8s_cluster_resource(c);
        snprintf(buf, size, "%s", fr ? flink_lifecycle_name(fr->status.lifecycle) : "-");
        return fr ? view_lifecycle_role(fr->status.lifecycle) : ROLE_DIM;
    }
    case BC_RESTARTS: {
        int64_t last;
        int n = restarts_1h(j, v->app->now_ms, &last);
        char age[16] = "";
        if (n > 0)
            text_duration(v->app->now_ms - last, age, sizeof age);
        if (n < 0)
            snprintf(buf, size, "-");
        else
            snprintf(buf, size, "%d%s%s", n, n > 0 ? " " : "", age);
        return n > 0 ? ROLE_STATE_WARN : plain;
    }
    case BC_HEALTH:
        if (h->reason[0] == '\0' && h->cls == HEALTH_HEALTHY && j->state != JOB_RUNNING) {
            snprintf(buf, size, "-"); /* finished, canceled, suspended: nothing to watch */
            return ROLE_DIM;
        }
        snprintf(buf, size, "%s", h->reason[0] ? h->reason : health_class_name(h->cls));
        return health_role(h->cls);
    case BC_IN:
        units_si(row_in(r, d), buf, size);
        return plain;
    case BC_OUT:
        units_si(row_out(r, d), buf, size);
        return plain;
    case BC_TREND:
        sparkline_text(d ? &d->history.out_per_s : NULL, TREND_CELLS, v->ascii, buf, size);
        return ROLE_CHART_OUT;
    case BC_LAG:
        units_si(row_lag(r, j, v->app->now_ms), buf, size);
        return plain;
    case BC_BP:
        units_percent(ratio_or_nan(h->bp_max), buf, size);
        return !isnan(h->bp_max) && h->bp_max > HEALTH_BP_RATIO ? ROLE_STATE_WARN : plain;
    case BC_BUSY:
        units_percent(ratio_or_nan(h->busy_max), buf, size);
        return plain;
    case BC_CKPT:
        text_duration(h->cp_age_ms, buf, size);
        return h->cls == HEALTH_NOT_CHECKPOINTING ? ROLE_STATE_BAD : plain;
    case BC_FAILS:
        text_int(h->cp_failed_in_row, buf, size);
        return h->cp_failed_in_row >= HEALTH_CP_FAILURES_IN_ROW ? ROLE_STATE_BAD : plain;
    default: {
        if (source_failed(c)) { /* the footer and the clusters screen say which and why */
            snprintf(buf, size, "err");
            return ROLE_ERROR;
        }
        if (r->prom.used) /* "P": Prometheus's figures, as of its sample */
            return board_prom_age(v->app, r, buf, size);
        int64_t at = view_cluster_data_ms(c);
        text_duration(at > 0 ? v->app->now_ms - at : -1, buf, size);
        return plain;
    }
    }
}

static int cmp_num(double a, double b) {
    if (isnan(a) != isnan(b))
        return isnan(a) ? 1 : -1; /* unknown last */
    if (isnan(a))
        return 0;
    return (a < b) - (a > b); /* numbers: biggest first */
}

static int cmp_str(const char *a, const char *b) {
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL);
    return strcmp(a, b);
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct board_row *ra = &board_of(ctx)->rows[a], *rb = &board_of(ctx)->rows[b];
    const struct job *ja = job_at(ctx, a), *jb = job_at(ctx, b);
    const struct job_detail *da = ja->detail, *db = jb->detail;
    int c = 0;
    switch (col) {
    case BC_JOB:
        c = cmp_str(ja->name, jb->name);
        break;
    case BC_CLUSTER:
        c = cmp_str(cluster_at(ctx, a)->k8s.namespace, cluster_at(ctx, b)->k8s.namespace);
        c = c ? c : cmp_str(cluster_at(ctx, a)->name, cluster_at(ctx, b)->name);
        break;
    case BC_NAMESPACE:
        c = cmp_str(cluster_at(ctx, a)->k8s.namespace, cluster_at(ctx, b)->k8s.namespace);
        break;
    case BC_STATE:
        c = (int)ja->state - (int)jb->state;
        break;
    case BC_LIFECYCLE: {
        const struct flink_resource *fa = k8s_cluster_resource(cluster_at(ctx, a));
        const struct flink_resource *fb = k8s_cluster_resource(cluster_at(ctx, b));
        c = (fa ? (int)fa->status.lifecycle : -1) - (fb ? (int)fb->status.lifecycle : -1);
        break;
    }
    case BC_RESTARTS: {
        int64_t la, lb;
        int64_t now = ((struct view *)ctx)->app->now_ms;
        c = restarts_1h(jb, now, &lb) - restarts_1h(ja, now, &la);
        break;
    }
    case BC_IN:
        c = cmp_num(row_in(ra, da), row_in(rb, db));
        break;
    case BC_OUT:
        c = cmp_num(row_out(ra, da), row_out(rb, db));
        break;
    case BC_LAG: {
        int64_t now = ((struct view *)ctx)->app->now_ms;
        c = cmp_num(row_lag(ra, ja, now), row_lag(rb, jb, now));
        break;
    }
    case BC_BP:
        c = cmp_num(ra->health.bp_max, rb->health.bp_max);
        break;
    case BC_BUSY:
        c = cmp_num(ra->health.busy_max, rb->health.busy_max);
        break;
    case BC_CKPT:
        c = cmp_num(ra->health.cp_age_ms < 0 ? NAN : (double)ra->health.cp_age_ms,
                    rb->health.cp_age_ms < 0 ? NAN : (double)rb->health.cp_age_ms);
        break;
    case BC_FAILS:
        c = cmp_num(ra->health.cp_failed_in_row < 0 ? NAN : (double)ra->health.cp_failed_in_row,
                    rb->health.cp_failed_in_row < 0 ? NAN : (double)rb->health.cp_failed_in_row);
        break;
    default: /* HEALTH (the default) and AGE: the triage order */
        c = health_compare(&ra->health, &rb->health);
        break;
    }
    c = c ? c : cmp_str(ja->name, jb->name);
    return c ? c : strcmp(ra->key, rb->key);
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct board_row *r = &board_of(ctx)->rows[row];
    const struct job *j = job_at(ctx, row);
    const struct cluster *c = cluster_at(ctx, row);
    return text_icontains(j->name, filter) || text_icontains(j->id, filter) ||
           text_icontains(c->name, filter) || text_icontains(c->k8s.namespace, filter) ||
           text_icontains(r->health.reason, filter) ||
           text_icontains(health_class_name(r->health.cls), filter) ||
           (j->state != JOB_UNKNOWN && text_icontains(job_state_name(j->state), filter));
}

static const char *rows_key(void *ctx, size_t row) { return board_of(ctx)->rows[row].key; }

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void board_init(struct view *v) {
    v->priv = xcalloc(1, sizeof(struct board));
    v->priv_free = board_free;
    table_init(&v->table, cols, BC_N, BC_HEALTH);
}

static void board_title(struct view *v, char *buf, size_t size) {
    view_table_title(v, "Fleet", buf, size);
}

static void board_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    if (h <= 0)
        return;
    table_draw(&v->table, win, y, h, w, v->ascii, &rows, v);
    if (v->table.n_rows == 0 && h > 1)
        view_table_empty(v, win, y + 1 + (h - 1) / 2, w, "no jobs in scope yet");
}

static unsigned board_key(struct view *v, enum request req, struct view_open *open) {
    size_t row;
    if (req != REQ_OPEN || !table_selected(&v->table, &row))
        return 0;
    const struct job *j = job_at(v, row);
    if (j->id[0] == '\0')
        return 0;
    open->ops = &view_job;
    open->cluster = (int)board_of(v)->rows[row].cluster;
    open->job_id = j->id;
    return UI_REDRAW | UI_REFETCH;
}

int view_board_selected_cluster(const struct view *v) {
    size_t row;
    const struct board *b = v->priv;
    if (b == NULL || !table_selected(&v->table, &row))
        return -1;
    return (int)b->rows[row].cluster;
}

/* y: the selected job's id. */
static char *board_copy(struct view *v, char *what, size_t size) {
    size_t row;
    if (!table_selected(&v->table, &row) || job_at(v, row)->id[0] == '\0')
        return NULL;
    snprintf(what, size, "job id");
    return xstrdup(job_at(v, row)->id);
}

static const enum request board_help[] = {
    REQ_UP,   REQ_DOWN,   REQ_PAGE_UP,   REQ_PAGE_DOWN, REQ_TOP,         REQ_BOTTOM,
    REQ_OPEN, REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_board = {
    "Fleet", &rows, board_init, board_title, board_draw, board_key, board_help, board_copy,
};
