#include "chart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "draw.h"
#include "sparkline.h"
#include "text.h"
#include "units.h"
#include "xalloc.h"

/* The dots of the plot, a cell at a time: which sub-cell dots are set, and by which
 * series (bit s). One buffer for the whole plot, made once per call. */
struct grid {
    int w, h, xres, yres;
    enum chart_glyphs glyphs;
    unsigned char *mask;
    unsigned char *who;
    wchar_t *line; /* w + 1 */
};

/* Braille dot bits by sub-column and sub-row from the top (Unicode 2800 block). */
static const unsigned char braille_bit[2][4] = {{0x01, 0x02, 0x04, 0x40}, {0x08, 0x10, 0x20, 0x80}};

enum chart_glyphs chart_glyphs_for(bool ascii) { return ascii ? CHART_ASCII : CHART_BRAILLE; }

static void set_dot(struct grid *g, int x, int y, int s) {
    int cx = x / g->xres, sx = x % g->xres;
    int row = g->h - 1 - y / g->yres;
    int sub = g->yres - 1 - y % g->yres; /* from the top of the cell */
    if (cx < 0 || cx >= g->w || row < 0 || row >= g->h)
        return;
    size_t i = (size_t)row * (size_t)g->w + (size_t)cx;
    g->mask[i] |= g->glyphs == CHART_BRAILLE ? braille_bit[sx][sub] : (unsigned char)(1u << sub);
    g->who[i] |= (unsigned char)(1u << s);
}

/* Bresenham: every dot between two points, so the line has no holes. */
static void line(struct grid *g, int x0, int y0, int x1, int y1, int s) {
    int dx = abs(x1 - x0), sx = x0 < x1 ? 1 : -1;
    int dy = -abs(y1 - y0), sy = y0 < y1 ? 1 : -1;
    int err = dx + dy;
    for (;;) {
        set_dot(g, x0, y0, s);
        if (x0 == x1 && y0 == y1)
            return;
        int e2 = 2 * err;
        if (e2 >= dy) {
            err += dy;
            x0 += sx;
        }
        if (e2 <= dx) {
            err += dx;
            y0 += sy;
        }
    }
}

static int dot_y(double v, double max, int dots) {
    if (!(max > 0) || !(v > 0))
        return 0;
    long y = lround(v / max * (dots - 1));
    return y < 0 ? 0 : y >= dots ? dots - 1 : (int)y;
}

static void plot_series(struct grid *g, const struct ring *r, int s, double max) {
    size_t n = r ? r->len : 0;
    int dx = g->w * g->xres, dy = g->h * g->yres;
    if (n == 0 || dx <= 0)
        return;
    bool binned = n >= (size_t)dx;
    size_t points = binned ? (size_t)dx : n;
    int px = -1, py = 0;
    for (size_t i = 0; i < points; i++) {
        double v;
        int x;
        if (binned) {
            /* bins counted from the newest end: the last column is always the latest */
            size_t from = n - ((size_t)dx - i) * n / (size_t)dx;
            size_t to = n - ((size_t)dx - i - 1) * n / (size_t)dx;
            v = sparkline_bin_mean(r, from, to);
            x = (int)i;
        } else {
            v = ring_get(r, i);
            x = n == 1 ? dx - 1 : (int)(i * (size_t)(dx - 1) / (n - 1));
        }
        if (isnan(v)) {
            px = -1; /* a gap: the line stops here and starts again after */
            continue;
        }
        int y = dot_y(v, max, dy);
        if (px >= 0)
            line(g, px, py, x, y, s);
        else
            set_dot(g, x, y, s);
        px = x;
        py = y;
    }
}

static wchar_t glyph(const struct grid *g, int row, int col) {
    unsigned char m = g->mask[(size_t)row * (size_t)g->w + (size_t)col];
    if (m == 0)
        return L' ';
    switch (g->glyphs) {
    case CHART_BRAILLE:
        return (wchar_t)(0x2800 + m);
    case CHART_BLOCK:
        return m == 1 ? 0x2580 : m == 2 ? 0x2584 : 0x2588; /* upper, lower, full */
    case CHART_ASCII:
    default:
        if (m == 1)
            return L'\'';
        if (m == 2)
            return L'.';
        /* both halves: part of a vertical run when the line goes on above or below */
        if ((row > 0 && (g->mask[(size_t)(row - 1) * (size_t)g->w + (size_t)col] & 2)) ||
            (row + 1 < g->h && (g->mask[(size_t)(row + 1) * (size_t)g->w + (size_t)col] & 1)))
            return L'|';
        return L':';
    }
}

double chart_max(const struct chart *c) {
    double m = NAN;
    for (int s = 0; s < c->n_series && s < CHART_MAX_SERIES; s++) {
        const struct ring *r = c->series[s].ring;
        double x = r ? ring_max(r) : NAN;
        if (!isnan(x) && (isnan(m) || x > m))
            m = x;
    }
    return m;
}

void chart_plot(WINDOW *win, int y, int x, int h, int w, const struct chart *c, double max) {
    if (h <= 0 || w <= 0)
        return;
    struct grid g = {w, h, 1, 2, c->glyphs, NULL, NULL, NULL};
    if (c->glyphs == CHART_BRAILLE) {
        g.xres = 2;
        g.yres = 4;
    }
    size_t cells = (size_t)w * (size_t)h;
    /* one allocation: a line of wide characters, then masks and series bits */
    void *mem = xcalloc(1, ((size_t)w + 1) * sizeof(wchar_t) + 2 * cells);
    g.line = mem;
    g.mask = (unsigned char *)(g.line + w + 1);
    g.who = g.mask + cells;
    /* the later series first, so the first is on top where they cross */
    for (int s = c->n_series - 1; s >= 0; s--)
        if (s < CHART_MAX_SERIES)
            plot_series(&g, c->series[s].ring, s, max);
    attr_t plain = colors_attr(ROLE_DEFAULT);
    for (int row = 0; row < h; row++) {
        int start = 0;
        attr_t run = plain;
        for (int col = 0; col <= w; col++) {
            attr_t a = plain;
            if (col < w) {
                g.line[col] = glyph(&g, row, col);
                unsigned char who = g.who[(size_t)row * (size_t)w + (size_t)col];
                if (who)
                    a = colors_attr(c->series[(who & 1) ? 0 : 1].role);
            }
            if (col == w || (col > start && a != run)) {
                wattrset(win, (int)run);
                mvwaddnwstr(win, y + row, x + start, g.line + start, col - start);
                start = col;
            }
            run = a;
        }
    }
    free(mem);
}

/* "-15m", "-45s": how long ago the left edge is. */
static void ago(int64_t ms, char *buf, size_t size) {
    char t[16];
    snprintf(buf, size, "-%s", text_age(ms, t, sizeof t));
}

int chart_draw(WINDOW *win, int y, int x, int h, int w, const struct chart *c) {
    if (h <= 0 || w <= 0)
        return 0;
    size_t n = 0;
    for (int s = 0; s < c->n_series && s < CHART_MAX_SERIES; s++)
        if (c->series[s].ring && c->series[s].ring->len > n)
            n = c->series[s].ring->len;
    double max = chart_max(c);
    attr_t dim = colors_attr(ROLE_DIM);
    if (n == 0 || isnan(max)) { /* no point, or every point unknown (a failed job's) */
        draw_text(win, y + (h - 1) / 2, x, w, n == 0 ? "no history yet" : "no known values yet",
                  dim, DRAW_CENTER, c->ascii);
        return 0;
    }
    bool time_axis = h >= 3 && c->step_ms > 0;
    int ph = time_axis ? h - 1 : h;
    /* y labels: the top is the largest value, the bottom 0, the middle half-way */
    char top[16], mid[16];
    units_si(max, top, sizeof top);
    int mid_row = ph >= 5 ? (ph - 1) / 2 : -1;
    double mid_v = mid_row > 0 ? max * (double)(ph - 1 - mid_row) / (ph - 1) : 0;
    units_si(mid_v, mid, sizeof mid);
    if (max <= 0) /* all zeros: one 0, at the baseline, not three */
        top[0] = mid[0] = '\0';
    int lw = text_width(top) > 1 ? text_width(top) : 1; /* the baseline's "0" at least */
    lw = text_width(mid) > lw && mid_row > 0 ? text_width(mid) : lw;
    if (w < lw + 6) /* too narrow for labels: the plot alone */
        lw = -1;
    int px = x + lw + 1, pw = w - lw - 1;
    const char *bar = c->ascii ? "|" : "\u2502", *tick = c->ascii ? "+" : "\u2524";
    for (int r = 0; lw >= 0 && r < ph; r++) {
        const char *label = r == 0 ? top : r == ph - 1 ? "0" : r == mid_row ? mid : "";
        draw_text(win, y + r, x, lw, label, dim, DRAW_RIGHT, c->ascii);
        draw_text(win, y + r, x + lw, 1, label[0] ? tick : bar, dim, DRAW_LEFT, c->ascii);
    }
    chart_plot(win, y, px, ph, pw, c, max);
    if (time_axis) {
        char left[24], middle[24];
        int64_t span = (int64_t)n * c->step_ms;
        ago(span, left, sizeof left);
        ago(span / 2, middle, sizeof middle);
        int ty = y + h - 1;
        draw_blank(win, ty, x, w, dim);
        int left_w = text_width(left), mid_w = text_width(middle);
        draw_text(win, ty, px, left_w < pw ? left_w : pw, left, dim, DRAW_LEFT, c->ascii);
        if (pw >= 30)
            draw_text(win, ty, px + (pw - mid_w) / 2, mid_w, middle, dim, DRAW_LEFT, c->ascii);
        int now_w = pw < 3 ? pw : 3;
        draw_text(win, ty, px + pw - now_w, now_w, "now", dim, DRAW_LEFT, c->ascii);
    }
    return pw;
}
