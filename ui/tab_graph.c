/* Job tab 7: the job graph. The vertices top down in topological order (job_graph.h),
 * each indented by its depth and numbered, with its parallelism and its worst subtask's
 * busy and backpressured time; between a vertex and the one it follows, the edge's ship
 * strategy (HASH, REBALANCE, FORWARD, BROADCAST); a vertex fed by anything else than the
 * row above lists its inputs by number. Plain lines, so it reads in ASCII and 80 columns,
 * and two vertices with the same name are told apart by their numbers. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bottleneck.h"
#include "draw.h"
#include "job_graph.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "view_job.h"
#include "xalloc.h"

#define RIGHT_W 26   /* "p 128  busy 100%  bp 100%" */
#define MARK_W 12    /* "  bottleneck" */
#define NAME_MIN 16  /* indentation gives way before the name does */
#define RIGHT_COL 80 /* where the figures start at most */

/* One screen line: a vertex, or the edge line above it. */
struct graph_line {
    size_t row; /* into the graph's rows */
    bool edge;
};

static int indent_of(int depth, int w) {
    int most = (w - RIGHT_W - MARK_W - NAME_MIN) / 2 * 2;
    if (most > 24)
        most = 24;
    int x = 2 * depth;
    return x < most ? x : most > 0 ? most : 0;
}

static void draw_edge(struct job_view *jv, WINDOW *win, int y, int w, const struct job_graph *g,
                      size_t r) {
    const struct vertex_list *l = &jv->job->detail->vertices;
    const struct vertex *v = &l->items[g->rows[r].vertex];
    bool ascii = jv->v->ascii;
    char line[512];
    size_t n = 0;
    if (g->rows[r].chained) {
        int x = 1 + indent_of(g->rows[r - 1].depth, w) + 1;
        snprintf(line, sizeof line, "%s %s", ascii ? "|" : "\u2502",
                 v->ship && v->ship[0][0] ? v->ship[0] : "");
        draw_text(win, y, x, w - x, line, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
        return;
    }
    n += (size_t)snprintf(line, sizeof line, "%s from", ascii ? "^" : "\u2191");
    for (int k = 0; k < v->n_inputs && n < sizeof line - 40; k++) {
        long u = job_graph_find(l, v->inputs[k]);
        if (u < 0)
            continue;
        n += (size_t)snprintf(line + n, sizeof line - n, "%s [%d]%s%s", k ? "," : "",
                              g->number[u], v->ship && v->ship[k][0] ? " " : "",
                              v->ship ? v->ship[k] : "");
    }
    int x = 1 + indent_of(g->rows[r].depth, w) + 1;
    draw_text(win, y, x, w - x, line, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
}

/* Backpressure as Flink's levels colour it (over 50 % high, over 10 % low); busy only
 * when nearly saturated (a busy vertex is fine unless it holds others back, which the
 * bottleneck mark says). */
static enum color_role bp_role(double r) {
    return isnan(r) ? ROLE_DIM : r > 0.5 ? ROLE_STATE_BAD : r > 0.1 ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

static enum color_role busy_role(double r) {
    return isnan(r) ? ROLE_DIM : r > 0.8 ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

static void draw_vertex(struct job_view *jv, WINDOW *win, int y, int w, const struct job_graph *g,
                        size_t r, bool any_bottleneck) {
    const struct vertex_list *l = &jv->job->detail->vertices;
    size_t i = g->rows[r].vertex;
    const struct vertex *v = &l->items[i];
    bool ascii = jv->v->ascii;
    int x = 1 + indent_of(g->rows[r].depth, w);
    char num[16];
    int nw = snprintf(num, sizeof num, "[%d]", g->number[i]);
    draw_text(win, y, x, w - x, num, colors_attr(ROLE_HEADER), DRAW_LEFT, ascii);
    x += nw + 1;
    /* the figures in one column, near the names on a wide terminal */
    int right = w - RIGHT_W - (any_bottleneck ? MARK_W : 0);
    if (right > RIGHT_COL)
        right = RIGHT_COL;
    bool running = v->status == NULL || strcmp(v->status, "RUNNING") == 0;
    char name[512];
    snprintf(name, sizeof name, "%s%s%s%s", v->name ? v->name : v->id, running ? "" : " (",
             running ? "" : v->status, running ? "" : ")");
    if (right - 1 > x)
        draw_text(win, y, x, right - 1 - x, name,
                  colors_attr(running ? ROLE_DEFAULT : ROLE_STATE_WARN), DRAW_LEFT, ascii);
    if (right < 0)
        return;
    char par[16], busy[16], bp[16], seg[32];
    text_int(v->parallelism, par, sizeof par);
    double busy_r = bottleneck_busy_ratio(v), bp_r = bottleneck_bp_ratio(v);
    units_percent(busy_r, busy, sizeof busy);
    units_percent(bp_r, bp, sizeof bp);
    snprintf(seg, sizeof seg, "p %-4s", par);
    draw_text(win, y, right, 7, seg, colors_attr(ROLE_DEFAULT), DRAW_LEFT, ascii);
    snprintf(seg, sizeof seg, "busy %4s", busy);
    draw_text(win, y, right + 7, 10, seg, colors_attr(busy_role(busy_r)), DRAW_LEFT, ascii);
    snprintf(seg, sizeof seg, "bp %4s", bp);
    draw_text(win, y, right + 18, 8, seg, colors_attr(bp_role(bp_r)), DRAW_LEFT, ascii);
    if (any_bottleneck && bottleneck_is(l, i))
        draw_text(win, y, right + RIGHT_W, MARK_W, "  bottleneck", colors_attr(ROLE_STATE_BAD),
                  DRAW_LEFT, ascii);
}

static void graph_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    const struct job_detail *d = jv->job->detail;
    bool ascii = jv->v->ascii;
    const struct source *s = d ? &d->parts[DETAIL_JOB] : NULL;
    if (!job_view_source(jv, win, &y, &h, w, s, d && d->vertices_ms != 0, "the job graph"))
        return;
    const struct vertex_list *l = &d->vertices;
    if (l->len == 0) {
        view_message(win, y + (h - 1) / 2, w, "no vertices", ROLE_DIM, ascii);
        return;
    }
    struct job_graph g;
    job_graph_build(l, &g);
    struct graph_line *lines = xcalloc(2 * g.n, sizeof *lines);
    size_t n = 0;
    bool any_bottleneck = false;
    for (size_t r = 0; r < g.n; r++) {
        const struct vertex *v = &l->items[g.rows[r].vertex];
        bool has_input = false;
        for (int k = 0; k < v->n_inputs && !has_input; k++)
            has_input = job_graph_find(l, v->inputs[k]) >= 0;
        if (has_input)
            lines[n++] = (struct graph_line){r, true};
        lines[n++] = (struct graph_line){r, false};
        any_bottleneck = any_bottleneck || bottleneck_is(l, g.rows[r].vertex);
    }
    char head[160];
    snprintf(head, sizeof head, "%zu vertices, %zu edges, top down; busy and bp: the worst subtask",
             g.n, g.edges);
    draw_text(win, y, 1, w - 1, head, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
    int body = h - 2;
    jv->graph_page = body > 0 ? body : 1;
    if (jv->graph_top > (int)n - body)
        jv->graph_top = (int)n - body;
    if (jv->graph_top < 0)
        jv->graph_top = 0;
    for (int k = 0; k < body && (size_t)(jv->graph_top + k) < n; k++) {
        const struct graph_line *gl = &lines[jv->graph_top + k];
        if (gl->edge)
            draw_edge(jv, win, y + 2 + k, w, &g, gl->row);
        else
            draw_vertex(jv, win, y + 2 + k, w, &g, gl->row, any_bottleneck);
    }
    free(lines);
    job_graph_free(&g);
}

static unsigned graph_key(struct job_view *jv, enum request req) {
    int page = jv->graph_page > 1 ? jv->graph_page - 1 : 1;
    switch (req) {
    case REQ_UP:
        jv->graph_top--;
        break;
    case REQ_DOWN:
        jv->graph_top++;
        break;
    case REQ_PAGE_UP:
        jv->graph_top -= page;
        break;
    case REQ_PAGE_DOWN:
        jv->graph_top += page;
        break;
    case REQ_TOP:
        jv->graph_top = 0;
        break;
    case REQ_BOTTOM:
        jv->graph_top = 1 << 20; /* the draw clamps it */
        break;
    default:
        return 0;
    }
    if (jv->graph_top < 0)
        jv->graph_top = 0;
    return UI_REDRAW;
}

const struct job_tab tab_graph = {"Graph", "Graph", NULL, graph_draw, graph_key, NULL};
