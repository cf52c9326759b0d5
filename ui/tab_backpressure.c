/* Job tab 3: which subtask is the bottleneck. The heatmap of vertices by subtasks,
 * coloured by backpressured ratio (b: busy ratio), binned when subtasks outnumber the
 * columns, the likely bottleneck marked. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "bottleneck.h"
#include "draw.h"
#include "heatmap.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "vertex_name.h"
#include "view_job.h"
#include "xalloc.h"

/* The level text of a row: "HIGH 82%", from the worst subtask of the metric shown. */
struct level_text {
    char s[24];
    char name[200]; /* the vertex's shown name ("Map (2)") */
};

static void backpressure_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    const struct job_detail *d = jv->job->detail;
    bool ascii = jv->v->ascii;
    const struct source *s =
        d ? job_view_worse(&d->parts[DETAIL_JOB], &d->parts[DETAIL_BACKPRESSURE]) : NULL;
    if (!job_view_source(jv, win, &y, &h, w, s, d && d->vertices_ms != 0, "vertices"))
        return;
    const struct vertex_list *l = &d->vertices;
    if (l->len == 0) {
        view_message(win, y + (h - 1) / 2, w, "no vertices", ROLE_DIM, ascii);
        return;
    }
    /* one allocation a draw for the rows; none per cell */
    struct heatmap_row *rows = xcalloc(l->len, sizeof *rows);
    struct level_text *levels = xcalloc(l->len, sizeof *levels);
    for (size_t i = 0; i < l->len; i++) {
        const struct vertex *v = &l->items[i];
        struct heatmap_row *r = &rows[i];
        r->name = vertex_name_shown(l, i, levels[i].name, sizeof levels[i].name);
        const double *ratios = jv->busy ? v->busy_ratio : v->bp_ratio;
        if (v->bp_sampled && ratios && v->n_subtasks > 0) {
            r->ratios = ratios;
            r->n = v->n_subtasks;
            double worst = heatmap_bin_max(ratios, r->n, 0, r->n);
            char pct[16];
            snprintf(levels[i].s, sizeof levels[i].s, "%-4s %4s", heatmap_level_name(worst),
                     units_percent(worst, pct, sizeof pct));
            r->level = levels[i].s;
            r->level_role = heatmap_role(worst);
        }
        r->bottleneck = bottleneck_is(l, i);
    }
    struct heatmap_layout lay;
    heatmap_layout(rows, l->len, w - 1, ascii, &lay);

    /* what is shown, how to switch, what a cell is */
    char title[96], scale[64], where[48] = "";
    snprintf(title, sizeof title, "%s ratio per subtask  (b: %s)",
             jv->busy ? "busy" : "backpressured", jv->busy ? "backpressured" : "busy");
    heatmap_scale_text(lay.bin, scale, sizeof scale);
    int body = h - 3;
    jv->heat_page = body > 0 ? body : 1;
    if (jv->heat_top + (size_t)jv->heat_page > l->len)
        jv->heat_top = l->len > (size_t)jv->heat_page ? l->len - (size_t)jv->heat_page : 0;
    if (body > 0 && l->len > (size_t)body)
        snprintf(where, sizeof where, "vertices %zu-%zu of %zu (j/k)", jv->heat_top + 1,
                 jv->heat_top + (size_t)body, l->len);
    struct job_seg head[] = {{title, ROLE_HEADER},
                             {scale, ROLE_DEFAULT},
                             {where, ROLE_DIM},
                             {"Enter: its subtasks", ROLE_DIM}};
    draw_blank(win, y, 0, w, colors_attr(ROLE_DEFAULT));
    job_view_flow(win, y, 1, w - 1, 0, 1, head, 4, ascii);
    if (h > 1)
        heatmap_legend(win, y + 1, 1, w - 1, ascii);
    if (h > 2)
        heatmap_axis(win, y + 2, 1, w - 1, &lay, ascii);
    if (body > 0)
        heatmap_draw(win, y + 3, 1, body, w - 1, rows, l->len, jv->heat_top, &lay, ascii);
    /* the cursor: the row Enter drills into */
    if (jv->heat_sel >= l->len)
        jv->heat_sel = l->len - 1;
    if (body > 0 && jv->heat_sel >= jv->heat_top && jv->heat_sel < jv->heat_top + (size_t)body)
        draw_text(win, y + 3 + (int)(jv->heat_sel - jv->heat_top), 0, 1, ascii ? ">" : "\u25b6",
                  colors_attr(ROLE_SELECTED), DRAW_LEFT, ascii);
    free(levels);
    free(rows);
}

/* The cursor is a vertex row (marked at the map's left edge); the map scrolls to keep it
 * in view. Enter opens that vertex's subtasks (view_subtasks.c through view_job.c). */
static unsigned backpressure_key(struct job_view *jv, enum request req) {
    const struct job_detail *d = jv->job ? jv->job->detail : NULL;
    size_t n = d ? d->vertices.len : 0;
    size_t page = jv->heat_page > 1 ? (size_t)jv->heat_page - 1 : 1;
    switch (req) {
    case REQ_HEAT_METRIC:
        jv->busy = !jv->busy;
        return UI_REDRAW;
    case REQ_OPEN:
        if (n == 0)
            return 0;
        snprintf(jv->drill_vertex, sizeof jv->drill_vertex, "%s",
                 d->vertices.items[jv->heat_sel < n ? jv->heat_sel : n - 1].id);
        return UI_REDRAW;
    case REQ_UP:
        jv->heat_sel = jv->heat_sel > 0 ? jv->heat_sel - 1 : 0;
        break;
    case REQ_DOWN:
        jv->heat_sel++;
        break;
    case REQ_PAGE_UP:
        jv->heat_sel = jv->heat_sel > page ? jv->heat_sel - page : 0;
        break;
    case REQ_PAGE_DOWN:
        jv->heat_sel += page;
        break;
    case REQ_TOP:
        jv->heat_sel = 0;
        break;
    case REQ_BOTTOM:
        jv->heat_sel = n;
        break;
    default:
        return 0;
    }
    if (jv->heat_sel >= n)
        jv->heat_sel = n > 0 ? n - 1 : 0;
    if (jv->heat_sel < jv->heat_top)
        jv->heat_top = jv->heat_sel;
    else if (jv->heat_page > 0 && jv->heat_sel >= jv->heat_top + (size_t)jv->heat_page)
        jv->heat_top = jv->heat_sel - (size_t)jv->heat_page + 1;
    return UI_REDRAW;
}

const struct job_tab tab_backpressure = {"Backpressure",    "Backpr",         NULL,
                                         backpressure_draw, backpressure_key, NULL};
