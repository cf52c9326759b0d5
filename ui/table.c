#include "table.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "text.h"
#include "ui.h"
#include "xalloc.h"

/* Cells for the sort mark after a title: always kept, so sorting never moves columns. */
#define MARK_CELLS 1

static unsigned frame = 1; /* table_new_frame; 0 means never drawn */

void table_init(struct table *t, const struct table_col *cols, int n_cols, int sort_col) {
    memset(t, 0, sizeof *t);
    t->cols = cols;
    t->n_cols = n_cols < TABLE_MAX_COLS ? n_cols : TABLE_MAX_COLS;
    t->sort_col = sort_col;
    for (int c = 0; c < t->n_cols; c++)
        t->shown[c] = true;
}

void table_free(struct table *t) {
    free(t->order);
    free(t->scratch);
    free(t->sel_key);
    t->order = NULL;
    t->scratch = NULL;
    t->sel_key = NULL;
    t->n_rows = t->cap = 0;
}

struct sort_ctx {
    const struct table *t;
    const struct table_source *src;
    void *ctx;
};

/* Ties fall back to the model's order, so equal rows never swap between refreshes;
 * inverting reverses everything, ties included. */
static int row_cmp(const struct sort_ctx *s, size_t a, size_t b) {
    int c = 0;
    if (s->t->sort_col >= 0)
        c = s->src->compare(s->ctx, a, b, s->t->sort_col);
    if (c == 0)
        c = (a > b) - (a < b);
    return s->t->sort_desc ? -c : c;
}

/* Merge sort: stable, and it takes a context, which qsort does not. */
static void merge_sort(size_t *a, size_t *tmp, size_t n, const struct sort_ctx *s) {
    if (n < 2)
        return;
    size_t mid = n / 2;
    merge_sort(a, tmp, mid, s);
    merge_sort(a + mid, tmp, n - mid, s);
    size_t i = 0, j = mid, k = 0;
    while (i < mid && j < n)
        tmp[k++] = row_cmp(s, a[j], a[i]) < 0 ? a[j++] : a[i++];
    while (i < mid)
        tmp[k++] = a[i++];
    while (j < n)
        tmp[k++] = a[j++];
    memcpy(a, tmp, n * sizeof *a);
}

static void remember_selection(struct table *t, const struct table_source *src, void *ctx) {
    free(t->sel_key);
    t->sel_key = NULL;
    if (t->n_rows > 0) {
        const char *k = src->key(ctx, t->order[t->sel]);
        t->sel_key = k ? xstrdup(k) : NULL;
    }
}

static void clamp_view(struct table *t) {
    if (t->sel >= t->n_rows)
        t->sel = t->n_rows ? t->n_rows - 1 : 0;
    size_t page = t->page > 0 ? (size_t)t->page : 1;
    if (t->sel < t->top)
        t->top = t->sel;
    if (t->sel >= t->top + page)
        t->top = t->sel - page + 1;
    /* No empty rows below the last one while earlier rows are scrolled off. */
    if (t->top > 0 && t->top + page > t->n_rows)
        t->top = t->n_rows > page ? t->n_rows - page : 0;
}

void table_sync(struct table *t, const struct table_source *src, void *ctx) {
    size_t n = src->count(ctx);
    if (n > t->cap) {
        t->order = xrealloc(t->order, n * sizeof *t->order);
        t->scratch = xrealloc(t->scratch, n * sizeof *t->scratch);
        t->cap = n;
    }
    t->total = n;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (t->filter[0] == '\0' || src->match(ctx, i, t->filter))
            t->order[k++] = i;
    t->n_rows = k;
    struct sort_ctx s = {t, src, ctx};
    merge_sort(t->order, t->scratch, k, &s);
    if (t->sel_key && t->sel_chosen) {
        for (size_t i = 0; i < k; i++) {
            const char *key = src->key(ctx, t->order[i]);
            if (key && strcmp(key, t->sel_key) == 0) {
                t->sel = i;
                break;
            }
        }
    }
    clamp_view(t);
    remember_selection(t, src, ctx);
}

/* The next shown column after `from` in direction dir, or `from` when there is none. */
static int next_shown(const struct table *t, int from, int dir) {
    for (int c = from + dir; c >= 0 && c < t->n_cols; c += dir)
        if (t->shown[c] && !t->cols[c].mark) /* a marker column is not a sort key */
            return c;
    return from;
}

unsigned table_key(struct table *t, enum request req, const struct table_source *src, void *ctx) {
    size_t page = t->page > 1 ? (size_t)t->page - 1 : 1;
    switch (req) {
    case REQ_UP:
        t->sel = t->sel > 0 ? t->sel - 1 : 0;
        break;
    case REQ_DOWN:
        t->sel++;
        break;
    case REQ_PAGE_UP:
        t->sel = t->sel > page ? t->sel - page : 0;
        t->top = t->top > page ? t->top - page : 0;
        break;
    case REQ_PAGE_DOWN:
        t->sel += page;
        t->top += page;
        break;
    case REQ_TOP:
        t->sel = 0; /* back to following the top row */
        break;
    case REQ_BOTTOM:
        t->sel = t->n_rows ? t->n_rows - 1 : 0;
        break;
    case REQ_SORT_PREV:
        t->sort_col = next_shown(t, t->sort_col < 0 ? t->n_cols : t->sort_col, -1);
        if (t->sort_col >= t->n_cols)
            t->sort_col = -1;
        break;
    case REQ_SORT_NEXT:
        t->sort_col = next_shown(t, t->sort_col, +1);
        if (t->sort_col >= t->n_cols)
            t->sort_col = -1;
        break;
    case REQ_SORT_INVERT:
        t->sort_desc = !t->sort_desc;
        break;
    default:
        return 0;
    }
    if (req == REQ_SORT_PREV || req == REQ_SORT_NEXT || req == REQ_SORT_INVERT) {
        table_sync(t, src, ctx); /* re-sort; a chosen selection follows its row */
    } else {
        t->sel_chosen = req != REQ_TOP;
        clamp_view(t);
        remember_selection(t, src, ctx);
    }
    return UI_REDRAW;
}

bool table_selected(const struct table *t, size_t *row) {
    if (t->n_rows == 0)
        return false;
    *row = t->order[t->sel];
    return true;
}

void table_new_frame(void) {
    if (++frame == 0)
        frame = 1;
}

bool table_click(struct table *t, int y, const struct table_source *src, void *ctx) {
    if (t->drawn_frame != frame || y < t->body_y || y >= t->body_y + t->page)
        return false;
    size_t i = t->top + (size_t)(y - t->body_y);
    if (i >= t->n_rows)
        return false;
    t->sel = i;
    t->sel_chosen = true;
    clamp_view(t);
    remember_selection(t, src, ctx);
    return true;
}

/* ---- layout ---- */

struct layout {
    int width[TABLE_MAX_COLS];
    bool shown[TABLE_MAX_COLS];
    int gap;
    int n_shown;
};

static int col_min(const struct table_col *col) {
    int title = text_width(col->title) + MARK_CELLS;
    return col->min > title ? col->min : title;
}

/* The cells between column c and the next one shown: a marker column sits one cell
 * from what it marks. */
static int gap_after(const struct table *t, const struct layout *l, int c) {
    return t->cols[c].mark ? 1 : l->gap;
}

/* Which columns fit with this gap, dropping the highest `drop` first. */
static void fit_columns(const struct table *t, int w, int gap, struct layout *l) {
    l->gap = gap;
    for (;;) {
        int used = 1, n = 0, victim = -1, prev = -1;
        for (int c = 0; c < t->n_cols; c++) {
            if (!l->shown[c])
                continue;
            used += l->width[c] + (prev >= 0 ? gap_after(t, l, prev) : 0);
            prev = c;
            n++;
            if (t->cols[c].drop > 0 && (victim < 0 || t->cols[c].drop >= t->cols[victim].drop))
                victim = c;
        }
        l->n_shown = n;
        if (used <= w || victim < 0)
            return;
        l->shown[victim] = false;
    }
}

static int row_span(const struct table_source *src, void *ctx, size_t row) {
    return src->span ? src->span(ctx, row) : -1;
}

static int widest_cell(const struct table *t, int c, int cap, const struct table_source *src,
                       void *ctx) {
    char buf[1024]; /* wider than any column: 3 bytes make 2 cells at worst */
    int widest = 0;
    for (size_t i = 0; i < t->n_rows && widest < cap; i++) {
        int span = row_span(src, ctx, t->order[i]);
        if (span >= 0 && c >= span)
            continue; /* that cell is not in this column */
        src->cell(ctx, t->order[i], c, buf, sizeof buf);
        int cw = text_width(buf);
        widest = cw > widest ? cw : widest;
    }
    return widest;
}

static void layout(const struct table *t, int w, const struct table_source *src, void *ctx,
                   struct layout *l) {
    struct layout wide, narrow;
    for (int c = 0; c < t->n_cols; c++) {
        int m = col_min(&t->cols[c]);
        if (t->cols[c].middle && t->cols[c].flex) { /* a name column needs no more than
                                                       its longest name */
            int title = text_width(t->cols[c].title) + MARK_CELLS;
            int cw = widest_cell(t, c, m, src, ctx);
            m = cw < m ? (cw > title ? cw : title) : m;
        }
        wide.width[c] = narrow.width[c] = m;
        wide.shown[c] = narrow.shown[c] = true;
    }
    /* Two cells between columns read better; one, when that shows more columns. */
    fit_columns(t, w, 2, &wide);
    fit_columns(t, w, 1, &narrow);
    *l = narrow.n_shown > wide.n_shown ? narrow : wide;

    int used = 1, want[TABLE_MAX_COLS], last_flex = -1;
    for (int c = 0, prev = -1; c < t->n_cols; c++) {
        if (!l->shown[c])
            continue;
        used += l->width[c] + (prev >= 0 ? gap_after(t, l, prev) : 0);
        prev = c;
        want[c] = l->width[c];
        if (t->cols[c].flex) {
            int cw = widest_cell(t, c, w, src, ctx);
            want[c] = cw > want[c] ? cw : want[c];
            last_flex = c;
        }
    }
    /* Share the room among flex columns a cell at a time up to what each wants, so a
     * long error line and a long name both get some. The rest goes to the last one, so
     * on a wide terminal the columns stay together instead of far apart. */
    int extra = w - used;
    for (bool grew = true; extra > 0 && grew;) {
        grew = false;
        for (int c = 0; c < t->n_cols && extra > 0; c++) {
            if (l->shown[c] && t->cols[c].flex && l->width[c] < want[c]) {
                l->width[c]++;
                extra--;
                grew = true;
            }
        }
    }
    if (extra > 0 && last_flex >= 0)
        l->width[last_flex] += extra;
}

/* ---- drawing ---- */

static void draw_header(const struct table *t, WINDOW *win, int y, int w, bool ascii,
                        const struct layout *l) {
    attr_t attr = colors_attr(ROLE_HEADER);
    draw_blank(win, y, 0, w, attr);
    int x = 1;
    for (int c = 0; c < t->n_cols && x < w; c++) {
        if (!l->shown[c])
            continue;
        const char *mark = "";
        if (c == t->sort_col)
            mark = ascii ? (t->sort_desc ? "v" : "^") : (t->sort_desc ? "\u25bc" : "\u25b2");
        char title[64];
        snprintf(title, sizeof title, "%s%s", t->cols[c].title, mark);
        int cw = l->width[c] < w - x ? l->width[c] : w - x;
        draw_text(win, y, x, cw, title, attr, t->cols[c].right ? DRAW_RIGHT : DRAW_LEFT, ascii);
        x += l->width[c] + gap_after(t, l, c);
    }
}

static void draw_row(const struct table *t, WINDOW *win, int y, int w, bool ascii,
                     const struct layout *l, size_t i, const struct table_source *src, void *ctx) {
    bool selected = i == t->sel;
    attr_t base = colors_attr(selected ? ROLE_SELECTED : ROLE_DEFAULT);
    draw_blank(win, y, 0, w, base);
    int x = 1;
    char buf[1024];
    int span = row_span(src, ctx, t->order[i]);
    for (int c = 0; c < t->n_cols && x < w; c++) {
        if (!l->shown[c])
            continue;
        bool spans = span >= 0 && c >= span;
        enum color_role role = src->cell(ctx, t->order[i], spans ? span : c, buf, sizeof buf);
        /* On the selection bar a coloured cell keeps its colour, reversed. */
        attr_t attr = role == ROLE_DEFAULT ? base : colors_attr(role);
        if (selected && role != ROLE_DEFAULT)
            attr |= A_REVERSE;
        int cw = l->width[c] < w - x && !spans ? l->width[c] : w - x;
        if (t->cols[c].middle && !spans) { /* a name: its distinguishing tail stays */
            char fit[1024];
            text_fit_middle(buf, cw, ascii, fit, sizeof fit);
            draw_text(win, y, x, cw, fit, attr, DRAW_LEFT, ascii);
        } else {
            draw_text(win, y, x, cw, buf, attr,
                      t->cols[c].right && !spans ? DRAW_RIGHT : DRAW_LEFT, ascii);
        }
        if (spans)
            break;
        x += l->width[c] + gap_after(t, l, c);
    }
}

void table_draw(struct table *t, WINDOW *win, int y, int h, int w, bool ascii,
                const struct table_source *src, void *ctx) {
    if (h <= 0 || w <= 0)
        return;
    struct layout l;
    layout(t, w, src, ctx, &l);
    memcpy(t->shown, l.shown, sizeof t->shown);
    draw_header(t, win, y, w, ascii, &l);
    t->page = h - 1;
    t->body_y = y + 1;
    t->drawn_frame = frame;
    clamp_view(t);
    for (int r = 0; r < t->page && t->top + (size_t)r < t->n_rows; r++)
        draw_row(t, win, y + 1 + r, w, ascii, &l, t->top + (size_t)r, src, ctx);
}
