/* `!`: the alerts, one table with a cursor on the top row: firing first (severity
 * coloured, worst first, then oldest; Prometheus's own beside flinktop's, FROM saying
 * whose, one row for a rule both fire on the same job, the Prometheus rule's `for` and
 * expression after its message), then pending ones (marked "pending", dim, how long
 * of their `for`), then the last resolved ones (marked "resolved": when they fired and for
 * how long). Enter opens the job on the tab the alert is about (a cluster's jobs for a
 * cluster-wide alert), `/` filters, `<` `>` sort. Read from the engine the app borrows
 * (app->alerts); nothing here changes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "draw.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "xalloc.h"

/* ---- the active alerts: a table (cursor, Enter, / and sorting) ---- */

enum { AC_SEV, AC_NAME, AC_CLUSTER, AC_JOB, AC_VALUE, AC_SINCE, AC_MESSAGE, AC_FROM, AC_N };

static const struct table_col cols[AC_N] = {
    [AC_SEV] = {"SEVERITY", 8, 0, false, false},  [AC_NAME] = {"NAME", 22, 0, false, false},
    [AC_CLUSTER] = {"CLUSTER", 11, 3, false, false}, [AC_JOB] = {"JOB", 14, 2, true, false},
    [AC_VALUE] = {"VALUE", 5, 5, false, true},    [AC_SINCE] = {"SINCE", 5, 4, false, true},
    [AC_MESSAGE] = {"MESSAGE", 10, 1, true, false},
    [AC_FROM] = {"FROM", 10, 6, false, false},
};

/* Who fires it: flinktop's rules, Prometheus's (alerts_set_external), or both (the
 * column goes first on a narrow screen: Prometheus's message says whose too). */
static const char *origin_of(const struct alert *a) {
    if (a->origin)
        return a->origin;
    return a->also_origin ? "both" : "flinktop";
}

/* The rows: firing, pending, then the last resolved, as the engine lists them; rebuilt
 * when the table syncs (before every key and draw), so the pointers never outlive an
 * evaluation. */
struct active {
    const struct alert **rows; /* owned array, borrowed alerts */
    size_t len, cap;
    char key[256]; /* scratch for rows_key */
};

static struct active *active_of(void *ctx) { return ((struct view *)ctx)->priv; }

static void active_free(void *priv) {
    struct active *a = priv;
    if (a == NULL)
        return;
    free(a->rows);
    free(a);
}

static bool have_rules(const struct alerts *a) {
    const struct alert_rules *r = a ? alerts_rules(a) : NULL;
    return r != NULL && r->len > 0;
}

static size_t rows_count(void *ctx) {
    struct view *v = ctx;
    struct active *ac = active_of(ctx);
    const struct alerts *a = v->app->alerts;
    ac->len = 0;
    if (!have_rules(a))
        return 0;
    size_t n_fire = alerts_list(a, ALERT_FIRING, NULL, 0);
    size_t n_pend = alerts_list(a, ALERT_PENDING, NULL, 0);
    size_t n_done = alerts_resolved_count(a);
    if (n_fire + n_pend + n_done > ac->cap) {
        ac->cap = n_fire + n_pend + n_done;
        ac->rows = xrealloc(ac->rows, ac->cap * sizeof *ac->rows);
    }
    ac->len = alerts_list(a, ALERT_FIRING, ac->rows, n_fire);
    ac->len += alerts_list(a, ALERT_PENDING, ac->rows + ac->len, n_pend);
    for (size_t i = 0; i < n_done; i++) {
        const struct alert *x = alerts_resolved(a, i);
        if (x)
            ac->rows[ac->len++] = x;
    }
    return ac->len;
}

static const struct alert *row_at(void *ctx, size_t row) { return active_of(ctx)->rows[row]; }

static enum color_role severity_role(enum alert_severity s) {
    switch (s) {
    case ALERT_SEV_CRITICAL:
        return ROLE_STATE_BAD;
    case ALERT_SEV_WARNING:
        return ROLE_STATE_WARN;
    default:
        return ROLE_DEFAULT;
    }
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct view *v = ctx;
    const struct alert *a = row_at(ctx, row);
    bool pending = a->state == ALERT_PENDING, done = a->state == ALERT_RESOLVED;
    enum color_role plain = pending || done ? ROLE_DIM : ROLE_DEFAULT;
    char age[16], age2[16];
    switch (col) {
    case AC_SEV:
        snprintf(buf, size, "%s",
                 pending ? "pending" : done ? "resolved" : alert_severity_name(a->severity));
        return pending || done ? ROLE_DIM : severity_role(a->severity);
    case AC_NAME:
        snprintf(buf, size, "%s", a->rule);
        return plain;
    case AC_CLUSTER:
        snprintf(buf, size, "%s", a->cluster ? a->cluster : "-");
        return plain;
    case AC_JOB:
        snprintf(buf, size, "%s", a->job ? a->job : a->taskmanager ? a->taskmanager
                                                   : a->pod       ? a->pod
                                                                  : "-");
        return plain;
    case AC_VALUE:
        alert_format_value(a->value, buf, size);
        return plain;
    case AC_FROM:
        snprintf(buf, size, "%s", origin_of(a));
        return a->origin || a->also_origin ? ROLE_HEADER : ROLE_DIM;
    case AC_SINCE: {
        int64_t ms = v->app->now_ms - (pending ? a->since_ms : done ? a->resolved_ms : a->fired_ms);
        text_age(ms < 0 ? 0 : ms, buf, size);
        return plain;
    }
    default:
        if (pending) {
            const struct alert_rule *r = alert_rules_find(alerts_rules(v->app->alerts), a->rule);
            int64_t ms = v->app->now_ms - a->since_ms;
            snprintf(buf, size, "pending for %s of %s: %s", text_age(ms < 0 ? 0 : ms, age, sizeof age),
                     r ? text_age(r->for_ms, age2, sizeof age2) : "-",
                     a->message ? a->message : "");
            return plain;
        }
        if (done) {
            snprintf(buf, size, "fired %s, resolved after %s: %s",
                     text_clock(a->fired_ms, age, sizeof age),
                     text_duration(a->resolved_ms - a->fired_ms, age2, sizeof age2),
                     a->message ? a->message : "");
            return plain;
        }
        if (a->origin) { /* Prometheus's: its rule's `for` and expression after the words */
            snprintf(buf, size, "%s [%s]", a->message ? a->message : "",
                     a->detail ? a->detail : "Prometheus");
            return plain;
        }
        snprintf(buf, size, "%s", a->message ? a->message : "");
        return plain;
    }
}

/* Firing, then pending, then resolved. */
static int state_rank(const struct alert *a) {
    return a->state == ALERT_FIRING ? 0 : a->state == ALERT_PENDING ? 1 : 2;
}

static int cmp_str(const char *a, const char *b) {
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL); /* unknown last */
    return strcmp(a, b);
}

static int rows_compare(void *ctx, size_t ia, size_t ib, int col) {
    const struct alert *a = row_at(ctx, ia), *b = row_at(ctx, ib);
    int c = 0;
    switch (col) {
    case AC_NAME:
        c = strcmp(a->rule, b->rule);
        break;
    case AC_CLUSTER:
        c = cmp_str(a->cluster, b->cluster);
        break;
    case AC_JOB:
        c = cmp_str(a->job, b->job);
        break;
    case AC_VALUE:
        c = (a->value < b->value) - (a->value > b->value);
        break;
    case AC_SINCE: /* the oldest first */
        c = (a->since_ms > b->since_ms) - (a->since_ms < b->since_ms);
        break;
    case AC_MESSAGE:
        c = cmp_str(a->message, b->message);
        break;
    case AC_FROM:
        c = strcmp(origin_of(a), origin_of(b));
        break;
    default: /* firing, pending, resolved; then the worst severity; then the engine's order */
        c = state_rank(a) - state_rank(b);
        c = c ? c : (int)b->severity - (int)a->severity;
        break;
    }
    return c ? c : (ia > ib) - (ia < ib);
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct alert *a = row_at(ctx, row);
    return text_icontains(a->rule, filter) || text_icontains(a->cluster, filter) ||
           text_icontains(a->job, filter) || text_icontains(a->message, filter) ||
           text_icontains(alert_severity_name(a->severity), filter) ||
           text_icontains(origin_of(a), filter) || text_icontains(a->detail, filter) ||
           (a->state == ALERT_PENDING && text_icontains("pending", filter)) ||
           (a->state == ALERT_RESOLVED && text_icontains("resolved", filter));
}

static const char *rows_key(void *ctx, size_t row) {
    const struct alert *a = row_at(ctx, row);
    struct active *ac = active_of(ctx);
    snprintf(ac->key, sizeof ac->key, "%s\x1f%s\x1f%lld", a->rule, a->key,
             (long long)(a->state == ALERT_RESOLVED ? a->resolved_ms : 0));
    return ac->key;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void alerts_init(struct view *v) {
    v->priv = xcalloc(1, sizeof(struct active));
    v->priv_free = active_free;
    table_init(&v->table, cols, AC_N, AC_SEV);
}

static void alerts_title(struct view *v, char *buf, size_t size) {
    const struct alerts *a = v->app->alerts;
    if (!have_rules(a)) {
        snprintf(buf, size, "Alerts");
        return;
    }
    size_t counts[ALERT_SEV_COUNT];
    size_t n = alerts_counts(a, counts);
    size_t pend = alerts_list(a, ALERT_PENDING, NULL, 0);
    char label[96];
    snprintf(label, sizeof label, "Alerts: %zu firing, %zu pending, %zu resolved", n, pend,
             alerts_resolved_count(a));
    view_table_title(v, label, buf, size);
}

static void alerts_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    if (h <= 0)
        return;
    if (!have_rules(v->app->alerts)) {
        view_message(win, y + h / 2, w, "no alert rules loaded", ROLE_DIM, v->ascii);
        return;
    }
    table_draw(&v->table, win, y, h, w, v->ascii, &rows, v);
    if (v->table.n_rows == 0 && h > 1)
        view_table_empty(v, win, y + 1 + (h - 1) / 2, w, "no alerts firing, pending or resolved");
}

/* The job tab an alert is about: where to look next. */
static enum request tab_for(const struct alert *a, const struct alerts *engine) {
    const struct alert_rule *r = alert_rules_find(alerts_rules(engine), a->rule);
    switch (r ? r->metric : ALERT_METRIC_COUNT) {
    case ALERT_METRIC_JOB_FAILED:
    case ALERT_METRIC_JOB_RESTARTING:
        return REQ_TAB_EXCEPTIONS;
    case ALERT_METRIC_CHECKPOINT_DURATION_MS:
    case ALERT_METRIC_CHECKPOINTS_FAILED_TOTAL:
    case ALERT_METRIC_CHECKPOINT_AGE_S:
    case ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW:
    case ALERT_METRIC_CHECKPOINT_MISSED_INTERVALS:
        return REQ_TAB_CHECKPOINTS;
    case ALERT_METRIC_JOB_BACKPRESSURED_MS_PER_S:
    case ALERT_METRIC_BACKPRESSURED_MS_PER_S:
    case ALERT_METRIC_BUSY_MS_PER_S:
        return REQ_TAB_BACKPRESSURE;
    case ALERT_METRIC_HEAP_RATIO:
    case ALERT_METRIC_CPU_LOAD:
        return REQ_TAB_TASKMANAGERS;
    case ALERT_METRIC_POD_CRASH_LOOP:
    case ALERT_METRIC_POD_OOM_KILLED:
    case ALERT_METRIC_POD_RESTARTS:
        return REQ_TAB_KUBERNETES;
    default:
        return REQ_TAB_OVERVIEW;
    }
}

static unsigned alerts_key(struct view *v, enum request req, struct view_open *open) {
    size_t row;
    if (req != REQ_OPEN || !table_selected(&v->table, &row))
        return 0;
    const struct alert *a = row_at(v, row);
    const struct app *app = v->app;
    int c = app_cluster_by_name(app, a->cluster);
    if (c < 0)
        return 0;
    open->cluster = c;
    if (a->job_id) {
        open->ops = &view_job;
        open->job_id = a->job_id;
        open->tab = tab_for(a, app->alerts);
    } else {
        open->ops = &view_jobs; /* a cluster, task manager or pod alert: the cluster */
    }
    return UI_REDRAW | UI_REFETCH;
}

/* y: the selected alert as one line for an incident channel. */
static char *alerts_copy(struct view *v, char *what, size_t size) {
    size_t row;
    if (!table_selected(&v->table, &row))
        return NULL;
    const struct alert *a = row_at(v, row);
    snprintf(what, size, "alert");
    return xasprintf("%s %s %s%s%s: %s", alert_severity_name(a->severity), a->rule,
                     a->cluster ? a->cluster : "fleet", a->job ? "/" : "", a->job ? a->job : "",
                     a->message ? a->message : "");
}

static const enum request alerts_help[] = {
    REQ_UP,   REQ_DOWN,   REQ_PAGE_UP,   REQ_PAGE_DOWN, REQ_TOP,         REQ_BOTTOM,
    REQ_OPEN, REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_alerts = {
    "Alerts", &rows, alerts_init, alerts_title, alerts_draw, alerts_key, alerts_help, alerts_copy,
};

enum color_role view_alert_name(const struct app *app, const char *cluster, const char *job_id,
                                const char *name, char *buf, size_t size, enum color_role plain) {
    enum alert_severity s = ALERT_SEV_NONE;
    if (app->alerts && cluster)
        s = job_id ? alerts_worst_for_job(app->alerts, cluster, job_id)
                   : alerts_worst_for_cluster(app->alerts, cluster);
    if (s == ALERT_SEV_CRITICAL || s == ALERT_SEV_WARNING) {
        snprintf(buf, size, "%s %s", s == ALERT_SEV_CRITICAL ? "!" : "~", name);
        return severity_role(s);
    }
    snprintf(buf, size, "%s", name);
    return plain;
}
