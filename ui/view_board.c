/* The fleet board: every job of every cluster in scope, one row a job, sickest first
 * (health.h: failed, not checkpointing, backpressured, restarting, healthy), with the
 * reason in words, throughput, worst backpressure and busy time, the last completed
 * checkpoint's age and the failures since it, and how old the data is. Enter opens the
 * job. Columns that do not fit drop by priority; the job's name never does. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "view.h"
#include "xalloc.h"

enum {
    BC_JOB,
    BC_CLUSTER,
    BC_STATE,
    BC_HEALTH,
    BC_IN,
    BC_OUT,
    BC_BP,
    BC_BUSY,
    BC_CKPT,
    BC_FAILS,
    BC_AGE,
    BC_N
};

static const struct table_col cols[BC_N] = {
    [BC_JOB] = {"JOB", 18, 0, true, false},      [BC_CLUSTER] = {"CLUSTER", 11, 4, true, false},
    [BC_STATE] = {"STATE", 9, 2, false, false},
    [BC_HEALTH] = {"HEALTH", 34, 3, true, false}, [BC_IN] = {"IN/s", 6, 7, false, true},
    [BC_OUT] = {"OUT/s", 6, 8, false, true},     [BC_BP] = {"BP", 4, 5, false, true},
    [BC_BUSY] = {"BUSY", 4, 9, false, true},     [BC_CKPT] = {"CKPT", 6, 6, false, true},
    [BC_FAILS] = {"FAILS", 5, 10, false, true},  [BC_AGE] = {"AGE", 4, 11, false, true},
};

/* One row: where the job lives and its health, rebuilt when the table syncs. */
struct board_row {
    size_t cluster, job;
    struct job_health health;
    char key[128]; /* cluster name + job id: the row's identity across refreshes */
};

struct board {
    struct board_row *rows; /* owned */
    size_t len, cap;
};

static struct board *board_of(void *ctx) { return ((struct view *)ctx)->priv; }

static void board_free(void *priv) {
    struct board *b = priv;
    if (b == NULL)
        return;
    free(b->rows);
    free(b);
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
    case BC_JOB:
        return view_alert_name(v->app, c->name, j->id, j->name ? j->name : "-", buf, size,
                               plain);
    case BC_CLUSTER: /* the name flinktop gives it everywhere (`/` matches the namespace too) */
        snprintf(buf, size, "%s", c->name);
        return plain;
    case BC_STATE:
        snprintf(buf, size, "%s", j->state == JOB_UNKNOWN ? "-" : job_state_name(j->state));
        return view_job_state_role(j->state);
    case BC_HEALTH:
        if (h->reason[0] == '\0' && h->cls == HEALTH_HEALTHY && j->state != JOB_RUNNING) {
            snprintf(buf, size, "-"); /* finished, canceled, suspended: nothing to watch */
            return ROLE_DIM;
        }
        snprintf(buf, size, "%s", h->reason[0] ? h->reason : health_class_name(h->cls));
        return health_role(h->cls);
    case BC_IN:
        units_si(d ? d->records_in_per_s : NAN, buf, size);
        return plain;
    case BC_OUT:
        units_si(d ? d->records_out_per_s : NAN, buf, size);
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
    case BC_STATE:
        c = (int)ja->state - (int)jb->state;
        break;
    case BC_IN:
        c = cmp_num(da ? da->records_in_per_s : NAN, db ? db->records_in_per_s : NAN);
        break;
    case BC_OUT:
        c = cmp_num(da ? da->records_out_per_s : NAN, db ? db->records_out_per_s : NAN);
        break;
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

static const enum request board_help[] = {
    REQ_UP,   REQ_DOWN,   REQ_PAGE_UP,   REQ_PAGE_DOWN, REQ_TOP,         REQ_BOTTOM,
    REQ_OPEN, REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_board = {
    "Fleet", &rows, board_init, board_title, board_draw, board_key, board_help,
};
