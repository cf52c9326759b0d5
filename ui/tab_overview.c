/* Job tab 1: where the job is slow. Each vertex with its parallelism, records in and out
 * per second, busy and backpressured time, state and a sparkline of its throughput;
 * then the job's records in/out per second over its history. */
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

enum { VC_NAME, VC_PAR, VC_IN, VC_OUT, VC_BUSY, VC_BP, VC_TREND, VC_N };

/* A vertex that is not RUNNING says so after its name, in its colour: the column a
 * state of its own would take is worth more to long vertex names. */
static const struct table_col cols[VC_N] = {
    [VC_NAME] = {"VERTEX", 12, 0, true, false, true},     [VC_PAR] = {"PAR", 3, 3, false, true},
    [VC_IN] = {"IN/S", 6, 0, false, true},          [VC_OUT] = {"OUT/S", 6, 0, false, true},
    [VC_BUSY] = {"BUSY", 4, 0, false, true},        [VC_BP] = {"BACKPR", 4, 0, false, true},
    [VC_TREND] = {"RECORDS/S", 12, 2, true, false},
};

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
    struct job_seg segs[] = {
        {in, ROLE_CHART_IN}, {out, ROLE_CHART_OUT}, {neck, ROLE_STATE_BAD},
        {cp, cp_role},       {par, ROLE_DIM},
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
    int table_h = h, chart_h = 0;
    if (h - want - 1 >= CHART_MIN) {
        table_h = want;
        chart_h = h - want - 1;
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
    if (chart_h <= 0)
        return;
    int cy = y + table_h + 1;
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
