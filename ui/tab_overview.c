/* Job tab 1: where the job is slow. Each vertex with its parallelism, records in and out
 * per second, busy and backpressured time, state, its slowest subtask's input watermark
 * and how far that lags behind the clock, a source's backlog (pendingRecords or Kafka's
 * records-lag-max, where the connector reports it) and a sparkline of its throughput;
 * the job's restarts (how many, the last hour's, the newest failures' root causes: the
 * exceptions tab has their traces); then the job's records in/out per second over its
 * history. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bottleneck.h"
#include "chart.h"
#include "draw.h"
#include "heatmap.h"
#include "sparkline.h"
#include "text.h"
#include "units.h"
#include "vertex_name.h"
#include "view_job.h"
#include "watermark.h"

enum { VC_NAME, VC_PAR, VC_IN, VC_OUT, VC_BUSY, VC_BP, VC_WM, VC_LAG, VC_SRC, VC_TREND, VC_N };

/* A vertex that is not RUNNING says so after its name, in its colour: the column a
 * state of its own would take is worth more to long vertex names. A name keeps up to 28
 * cells (less when every name is shorter) before the watermark and backlog columns. */
static const struct table_col cols[VC_N] = {
    [VC_NAME] = {"VERTEX", 28, 0, true, false, true},
    [VC_PAR] = {"PAR", 3, 3, false, true},
    [VC_IN] = {"IN/S", 6, 0, false, true},
    [VC_OUT] = {"OUT/S", 6, 0, false, true},
    [VC_BUSY] = {"BUSY", 4, 0, false, true},
    [VC_BP] = {"BACKPR", 4, 0, false, true},
    [VC_WM] = {"WATERMARK", 8, 7, false, true},
    [VC_LAG] = {"WM LAG", 6, 5, false, true},
    [VC_SRC] = {"BACKLOG", 6, 6, false, true},
    [VC_TREND] = {"RECORDS/S", 12, 2, true, false},
};

#define LAG_WARN_MS 60000LL /* a minute behind: worth a look */
#define LAG_BAD_MS 600000LL /* ten minutes behind: windows are not firing */
#define AHEAD_MS 5000LL     /* further ahead than a clock skew: records from the future */
#define HOUR_MS 3600000LL
#define RESTART_LINES 4 /* failures listed under the table, newest first */

/* A source's records not yet read: pendingRecords, else the worst partition's lag. */
static double source_backlog(const struct vertex *v) {
    return !isnan(v->pending_records) ? v->pending_records : v->records_lag_max;
}

/* The lag of a vertex's slowest subtask now, -1 when it has no time. */
static int64_t vertex_lag(const struct job_view *jv, const struct vertex *v, bool *ahead) {
    if (watermark_state_of(&v->wm) != WM_TIME) {
        *ahead = false;
        return -1;
    }
    int64_t lag = watermark_lag_ms(v->wm.min, jv->v->app->now_ms, ahead);
    *ahead = *ahead && v->wm.min - jv->v->app->now_ms > AHEAD_MS;
    return lag;
}

/* The lag cell: "1.2s", "3m05s"; "no wm" for a vertex without one (a source's input, a
 * job without event time), "ended" at the end of input, "ahead" for one from the future,
 * "-" not known yet. */
static enum color_role lag_cell(const struct job_view *jv, const struct vertex *v, char *buf,
                                size_t size) {
    switch (watermark_state_of(&v->wm)) {
    case WM_UNKNOWN:
        snprintf(buf, size, "-");
        return ROLE_DIM;
    case WM_NONE:
        snprintf(buf, size, "no wm");
        return ROLE_DIM;
    case WM_END:
        snprintf(buf, size, "ended");
        return ROLE_DIM;
    default:
        break;
    }
    bool ahead;
    int64_t lag = vertex_lag(jv, v, &ahead);
    if (ahead) {
        snprintf(buf, size, "ahead");
        return ROLE_STATE_WARN;
    }
    units_ms(lag, buf, size);
    return lag >= LAG_BAD_MS ? ROLE_STATE_BAD : lag >= LAG_WARN_MS ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

static const struct vertex_list *vertices(const struct job_view *jv) {
    static const struct vertex_list none = {NULL, 0};
    return jv->job && jv->job->detail ? &jv->job->detail->vertices : &none;
}

/* A history ring of the vertex, without creating one (job_history_vertex would). */
static const struct vertex_history *history_of(const struct job_view *jv, const char *id) {
    const struct job_history *h = &jv->job->detail->history;
    for (size_t i = 0; i < h->n_vertices; i++)
        if (strcmp(h->vertices[i].id, id) == 0)
            return &h->vertices[i];
    return NULL;
}

static size_t rows_count(void *ctx) { return vertices(ctx)->len; }

static double ratio_ms(double ms) { return isnan(ms) ? NAN : ms / 1000.0; }

static enum color_role status_role(const char *s) {
    if (s == NULL)
        return ROLE_DEFAULT;
    if (strcmp(s, "RUNNING") == 0)
        return ROLE_DEFAULT;
    if (strcmp(s, "FAILED") == 0)
        return ROLE_STATE_BAD;
    if (strcmp(s, "FINISHED") == 0 || strcmp(s, "CANCELED") == 0)
        return ROLE_DIM;
    return ROLE_STATE_WARN;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct job_view *jv = ctx;
    const struct vertex_list *l = vertices(jv);
    const struct vertex *v = &l->items[row];
    switch (col) {
    case VC_NAME: {
        bool running = v->status == NULL || strcmp(v->status, "RUNNING") == 0;
        char name[256];
        snprintf(buf, size, "%s%s%s%s", vertex_name_shown(l, row, name, sizeof name),
                 running ? "" : " (", running ? "" : v->status, running ? "" : ")");
        return status_role(v->status);
    }
    case VC_PAR:
        text_int(v->parallelism, buf, size);
        return ROLE_DEFAULT;
    case VC_IN:
        units_si(v->in_per_s, buf, size);
        return ROLE_DEFAULT;
    case VC_OUT:
        units_si(v->out_per_s, buf, size);
        return ROLE_DEFAULT;
    case VC_BUSY:
        units_percent(ratio_ms(v->busy_ms), buf, size);
        return bottleneck_is(l, row) ? ROLE_STATE_BAD : ROLE_DEFAULT;
    case VC_BP: {
        double r = ratio_ms(v->backpressured_ms);
        units_percent(r, buf, size);
        enum color_role role = heatmap_role(r);
        return role == ROLE_HEAT_HIGH  ? ROLE_STATE_BAD
               : role == ROLE_HEAT_LOW ? ROLE_STATE_WARN
                                       : ROLE_DEFAULT;
    }
    case VC_WM:
        if (watermark_state_of(&v->wm) != WM_TIME) {
            snprintf(buf, size, "-");
            return ROLE_DIM;
        }
        text_clock(v->wm.min, buf, size);
        return ROLE_DEFAULT;
    case VC_LAG:
        return lag_cell(jv, v, buf, size);
    case VC_SRC: /* a source's records not yet read, where its connector says */
        units_si(source_backlog(v), buf, size);
        return ROLE_DEFAULT;
    default: {
        /* what a source emits, what the others receive */
        const struct vertex_history *h = history_of(jv, v->id);
        const struct ring *r = h ? (v->n_inputs == 0 ? &h->out_per_s : &h->in_per_s) : NULL;
        sparkline_text(r, jv->spark_cells, jv->v->ascii, buf, size);
        return ROLE_CHART_IN;
    }
    }
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct vertex_list *l = vertices(ctx);
    const struct vertex *va = &l->items[a], *vb = &l->items[b];
    switch (col) {
    case VC_NAME:
        return strcmp(va->name ? va->name : "", vb->name ? vb->name : "");
    case VC_PAR:
        return job_view_cmp_num(va->parallelism < 0 ? NAN : va->parallelism,
                                vb->parallelism < 0 ? NAN : vb->parallelism);
    case VC_IN:
        return job_view_cmp_num(va->in_per_s, vb->in_per_s);
    case VC_OUT:
        return job_view_cmp_num(va->out_per_s, vb->out_per_s);
    case VC_BUSY:
        return job_view_cmp_num(va->busy_ms, vb->busy_ms);
    case VC_BP:
        return job_view_cmp_num(va->backpressured_ms, vb->backpressured_ms);
    case VC_WM: /* no time last */
        return job_view_cmp_num(watermark_state_of(&va->wm) == WM_TIME ? (double)va->wm.min : NAN,
                                watermark_state_of(&vb->wm) == WM_TIME ? (double)vb->wm.min : NAN);
    case VC_SRC:
        return job_view_cmp_num(source_backlog(va), source_backlog(vb));
    case VC_LAG: {
        bool ahead;
        int64_t la = vertex_lag(ctx, va, &ahead), lb = vertex_lag(ctx, vb, &ahead);
        return job_view_cmp_num(la < 0 ? NAN : (double)la, lb < 0 ? NAN : (double)lb);
    }
    default:
        return 0;
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct vertex *v = &vertices(ctx)->items[row];
    return text_icontains(v->name, filter) || text_icontains(v->id, filter) ||
           text_icontains(v->status, filter);
}

static const char *rows_key(void *ctx, size_t row) { return vertices(ctx)->items[row].id; }

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void overview_init(struct job_view *jv) { table_init(&jv->vertices, cols, VC_N, -1); }

/* The vertex furthest behind: "watermark lag 42s: Window(...) subtask 3", and how many
 * subtasks have none while others do (an input that sends none holds its window back). */
static enum color_role watermark_summary(const struct job_view *jv, char *buf, size_t size) {
    const struct vertex_list *l = &jv->job->detail->vertices;
    buf[0] = '\0';
    size_t worst = l->len;
    int64_t worst_lag = -1;
    int none = 0;
    bool any_known = false;
    for (size_t i = 0; i < l->len; i++) {
        const struct vertex *v = &l->items[i];
        enum watermark_state st = watermark_state_of(&v->wm);
        any_known = any_known || st != WM_UNKNOWN;
        if (st != WM_TIME)
            continue;
        none += v->wm.n_none;
        bool ahead;
        int64_t lag = vertex_lag(jv, v, &ahead);
        if (lag > worst_lag) {
            worst_lag = lag;
            worst = i;
        }
    }
    if (worst == l->len) {
        if (any_known)
            snprintf(buf, size, "no watermarks");
        return ROLE_DIM;
    }
    char name[120], lag[16], idle[48] = "";
    vertex_name_shown(l, worst, name, sizeof name);
    if (none > 0)
        snprintf(idle, sizeof idle, ", %d subtask%s without one", none, none == 1 ? "" : "s");
    snprintf(buf, size, "watermark lag %s: %s subtask %d%s", units_ms(worst_lag, lag, sizeof lag),
             name, l->items[worst].wm.slowest, idle);
    return worst_lag >= LAG_BAD_MS    ? ROLE_STATE_BAD
           : worst_lag >= LAG_WARN_MS ? ROLE_STATE_WARN
                                      : ROLE_DEFAULT;
}

/* "restarts 3, 2 in the last hour": numRestarts where the metric came, and the failures
 * of the exception history within the hour. */
static enum color_role restarts_summary(const struct job_view *jv, char *buf, size_t size) {
    const struct job_detail *d = jv->job->detail;
    buf[0] = '\0';
    bool have_exc = d->parts[DETAIL_EXCEPTIONS].last_ok_ms != 0;
    if (d->num_restarts < 0 && !have_exc)
        return ROLE_DIM;
    int64_t last;
    int hour = have_exc ? restarts_within(&d->exceptions, jv->v->app->now_ms, HOUR_MS, &last) : -1;
    char n[24], h[48] = "";
    if (hour >= 0)
        snprintf(h, sizeof h, "%s%d in the last hour", d->num_restarts >= 0 ? ", " : "", hour);
    if (d->num_restarts >= 0)
        snprintf(buf, size, "restarts %s%s", text_int(d->num_restarts, n, sizeof n), h);
    else
        snprintf(buf, size, "failures: %s", h);
    return hour > 0 ? ROLE_STATE_WARN : ROLE_DIM;
}

/* The newest failures, one line each: when, the root cause, the task and where it ran. */
static int restart_lines(const struct job_view *jv, WINDOW *win, int y, int h, int w) {
    const struct exceptions *e = &jv->job->detail->exceptions;
    bool ascii = jv->v->ascii;
    if (h < 2 || e->len == 0)
        return 0;
    int n = (int)e->len < h - 1 ? (int)e->len : h - 1;
    n = n > RESTART_LINES ? RESTART_LINES : n;
    char head[96];
    snprintf(head, sizeof head, "Failures, newest first (%zu%s; tab 5 has the traces)", e->len,
             e->truncated ? "+" : "");
    draw_blank(win, y, 0, w, colors_attr(ROLE_DEFAULT));
    draw_text(win, y, 1, w - 2, head, colors_attr(ROLE_HEADER), DRAW_LEFT, ascii);
    for (int i = 0; i < n; i++) {
        const struct exception_entry *x = &e->entries[i];
        int row = y + 1 + i, x0 = 1;
        draw_blank(win, row, 0, w, colors_attr(ROLE_DEFAULT));
        char when[32], cause[512], where[600];
        int64_t age = x->timestamp > 0 ? jv->v->app->now_ms - x->timestamp : -1;
        if (age >= HOUR_MS * 20)
            text_datetime(x->timestamp, when, sizeof when);
        else
            text_clock(x->timestamp, when, sizeof when);
        x0 +=
            draw_text(win, row, x0, w - 1 - x0, when, colors_attr(ROLE_DIM), DRAW_LEFT, ascii) + 2;
        restart_root_cause(x, cause, sizeof cause);
        snprintf(where, sizeof where, "%s%s%s", x->task ? x->task : "global failure",
                 x->endpoint ? " @ " : "", x->endpoint ? x->endpoint : "");
        /* the cause first; where it happened gets what is left, at least a name's worth */
        int room = w - 1 - x0;
        int cw = text_width(cause), ww = text_width(where);
        int cause_w = cw + 2 + ww <= room ? cw : room - (ww < 18 ? ww : 18) - 2;
        cause_w = cause_w < room / 2 ? (cw < room ? cw : room) : cause_w;
        if (cause_w > 0)
            x0 += draw_text(win, row, x0, cause_w, cause[0] ? cause : "-",
                            colors_attr(ROLE_STATE_BAD), DRAW_LEFT, ascii) +
                  2;
        if (w - 1 - x0 > 3)
            draw_text(win, row, x0, w - 1 - x0, where, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
    }
    return n + 1;
}

/* The job in one line: throughput, where it is slow, when it last checkpointed. */
static int summary(struct job_view *jv, WINDOW *win, int y, int w, int max_rows) {
    const struct job_detail *d = jv->job->detail;
    const struct vertex_list *l = &d->vertices;
    char in[32], out[32], par[32], cp[64], neck[160], tmp[16];
    snprintf(in, sizeof in, "in %s/s", units_si(d->records_in_per_s, tmp, sizeof tmp));
    snprintf(out, sizeof out, "out %s/s", units_si(d->records_out_per_s, tmp, sizeof tmp));
    snprintf(par, sizeof par, "%zu vertices, parallelism %s", l->len,
             text_int(jv->job->parallelism, tmp, sizeof tmp));
    cp[0] = '\0';
    enum color_role cp_role = ROLE_DEFAULT;
    if (d->have_cp_config && !d->cp_config.enabled) {
        snprintf(cp, sizeof cp, "checkpointing disabled");
        cp_role = ROLE_STATE_WARN;
    } else if (d->have_checkpoints && d->checkpoints.last_completed.id < 0) {
        snprintf(cp, sizeof cp, "no checkpoint completed yet");
        cp_role = ROLE_STATE_WARN;
    } else if (d->have_checkpoints) {
        const struct checkpoint *c = &d->checkpoints.last_completed;
        int64_t at = c->ack_ts >= 0 ? c->ack_ts : c->trigger_ts;
        snprintf(cp, sizeof cp, "last checkpoint %s ago",
                 text_age(at >= 0 ? jv->v->app->now_ms - at : -1, tmp, sizeof tmp));
    }
    neck[0] = '\0';
    for (size_t i = 0, used = 0; i < l->len; i++) {
        if (!bottleneck_is(l, i))
            continue;
        char name[200];
        vertex_name_shown(l, i, name, sizeof name);
        int n =
            snprintf(neck + used, sizeof neck - used, "%s%s", used ? ", " : "bottleneck: ", name);
        if (n < 0 || (size_t)n >= sizeof neck - used)
            break;
        used += (size_t)n;
    }
    char wm[200], rs[96];
    enum color_role wm_role = watermark_summary(jv, wm, sizeof wm);
    enum color_role rs_role = restarts_summary(jv, rs, sizeof rs);
    struct job_seg segs[] = {
        {in, ROLE_CHART_IN}, {out, ROLE_CHART_OUT}, {neck, ROLE_STATE_BAD}, {cp, cp_role},
        {rs, rs_role},       {wm, wm_role},         {par, ROLE_DIM},
    };
    return job_view_flow(win, y, 1, w - 1, 0, max_rows, segs, sizeof segs / sizeof segs[0],
                         jv->v->ascii);
}

static void legend(struct job_view *jv, WINDOW *win, int y, int w) {
    const struct job_detail *d = jv->job->detail;
    bool ascii = jv->v->ascii;
    const char *mark = ascii ? "*" : "\u28ff";
    char in[40], out[40], tmp[16];
    snprintf(in, sizeof in, "in %s/s", units_si(ring_last(&d->history.in_per_s), tmp, sizeof tmp));
    snprintf(out, sizeof out, "out %s/s",
             units_si(ring_last(&d->history.out_per_s), tmp, sizeof tmp));
    struct job_seg segs[] = {
        {"records per second", ROLE_HEADER},
        {mark, ROLE_CHART_IN},
        {in, ROLE_DEFAULT},
        {mark, ROLE_CHART_OUT},
        {out, ROLE_DEFAULT},
    };
    draw_blank(win, y, 0, w, colors_attr(ROLE_DEFAULT));
    job_view_flow(win, y, 1, w - 1, 0, 1, segs, sizeof segs / sizeof segs[0], ascii);
}

static void overview_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    const struct job_detail *d = jv->job->detail;
    const struct source *s =
        d ? job_view_worse(&d->parts[DETAIL_JOB], &d->parts[DETAIL_VERTEX_METRICS]) : NULL;
    if (!job_view_source(jv, win, &y, &h, w, s, d && d->vertices_ms != 0, "vertices"))
        return;
    int used = summary(jv, win, y, w, h > 12 ? 2 : 1);
    y += used;
    h -= used;
    autoscaler_panel_draw(win, &y, &h, w, jv->v->app, jv->cluster, jv->job, jv->v->ascii);
    if (h <= 0)
        return;
    /* the table as tall as its rows, the chart the rest when it gets 7 rows or more */
    enum { CHART_MIN = 7 };
    int want = (int)d->vertices.len + 1;
    /* the failures under the whole table when there is room, before the chart */
    int rs_want = d->exceptions.len == 0              ? 0
                  : d->exceptions.len < RESTART_LINES ? (int)d->exceptions.len + 1
                                                      : RESTART_LINES + 1;
    int rs_h = rs_want > 0 && h - want - 1 >= 2 ? h - want - 1 : 0;
    rs_h = rs_h > rs_want ? rs_want : rs_h;
    h -= rs_h > 0 ? rs_h + 1 : 0;
    int table_h = h, chart_h = 0;
    if (h - want - 1 >= CHART_MIN) {
        table_h = want;
        chart_h = h - want - 1;
    } else if (rs_h > 0) {
        table_h = want; /* the whole table, the failures under it, no room for a chart */
    } else if (h >= CHART_MIN + 4) {
        table_h = h - CHART_MIN - 1;
        chart_h = CHART_MIN;
    }
    jv->spark_cells = w >= 140 ? 12 + (w - 140) / 2 : 12;
    jv->spark_cells = jv->spark_cells > 48 ? 48 : jv->spark_cells;
    table_sync(&jv->vertices, &rows, jv);
    table_draw(&jv->vertices, win, y, table_h, w, jv->v->ascii, &rows, jv);
    if (d->vertices.len == 0 && table_h > 1)
        view_message(win, y + 1, w, "no vertices", ROLE_DIM, jv->v->ascii);
    job_view_no_match(jv, &jv->vertices, win, y + 1, w);
    if (rs_h > 0)
        restart_lines(jv, win, y + table_h + 1, rs_h, w);
    if (chart_h <= 0)
        return;
    int cy = y + table_h + 1 + (rs_h > 0 ? rs_h + 1 : 0);
    legend(jv, win, cy, w);
    struct chart c = {
        {{&d->history.in_per_s, ROLE_CHART_IN}, {&d->history.out_per_s, ROLE_CHART_OUT}},
        2,
        jv->v->app->refresh_ms,
        chart_glyphs_for(jv->v->ascii),
        jv->v->ascii,
    };
    chart_draw(win, cy + 1, 1, chart_h - 1, w - 2, &c);
}

static unsigned overview_key(struct job_view *jv, enum request req) {
    if (jv->job == NULL)
        return 0;
    return job_view_table_key(jv, &jv->vertices, &rows, req);
}

static bool overview_filter(struct job_view *jv, struct table_filter *out) {
    out->text = jv->vertices.filter;
    out->t = &jv->vertices;
    out->src = &rows;
    out->ctx = jv;
    return true;
}

const struct job_tab tab_overview = {"Overview",    "Overview",   overview_init,
                                     overview_draw, overview_key, overview_filter};
