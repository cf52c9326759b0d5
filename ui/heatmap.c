#include "heatmap.h"

#include <math.h>
#include <stdio.h>
#include <wchar.h>

#include "draw.h"
#include "text.h"

#define MARK_UTF8 "\u25c0 bottleneck"
#define MARK_ASCII "<- bottleneck"

static const wchar_t ramp_wide[] = L" \u2591\u2592\u2593\u2588";
static const wchar_t ramp_ascii[] = L" .:#@";
static const char *const ramp_utf8[] = {" ", "\u2591", "\u2592", "\u2593", "\u2588"};
static const char *const ramp_ascii_s[] = {" ", ".", ":", "#", "@"};

/* The ramp step of a ratio: 0 nothing at all, 1 OK, 2 LOW, 3 and 4 HIGH; -1 unknown. */
static int ramp_index(double r) {
    if (isnan(r))
        return -1;
    if (r <= 0)
        return 0;
    if (r <= 0.10)
        return 1;
    if (r <= 0.5)
        return 2;
    return r <= 0.8 ? 3 : 4;
}

size_t heatmap_bin(size_t n, int cols) {
    if (cols <= 0)
        cols = 1;
    if (n <= (size_t)cols)
        return 1;
    return (n + (size_t)cols - 1) / (size_t)cols;
}

double heatmap_bin_max(const double *ratios, size_t n, size_t from, size_t to) {
    double m = NAN;
    if (ratios == NULL)
        return m;
    to = to < n ? to : n;
    for (size_t i = from; i < to; i++)
        if (!isnan(ratios[i]) && (isnan(m) || ratios[i] > m))
            m = ratios[i];
    return m;
}

const char *heatmap_glyph(double ratio, bool ascii) {
    int i = ramp_index(ratio);
    if (i < 0)
        return "?";
    return ascii ? ramp_ascii_s[i] : ramp_utf8[i];
}

enum color_role heatmap_role(double ratio) {
    int i = ramp_index(ratio);
    if (i < 0)
        return ROLE_DIM;
    return i <= 1 ? ROLE_HEAT_OK : i == 2 ? ROLE_HEAT_LOW : ROLE_HEAT_HIGH;
}

const char *heatmap_level_name(double ratio) {
    int i = ramp_index(ratio);
    if (i < 0)
        return "-";
    return i <= 1 ? "OK" : i == 2 ? "LOW" : "HIGH";
}

void heatmap_scale_text(size_t bin, char *buf, size_t size) {
    if (bin <= 1)
        snprintf(buf, size, "1 cell = 1 subtask");
    else
        snprintf(buf, size, "1 cell = %zu subtasks, max", bin);
}

void heatmap_layout(const struct heatmap_row *rows, size_t n_rows, int w, bool ascii,
                    struct heatmap_layout *out) {
    int widest = 1, level_w = 0;
    bool mark = false;
    size_t max_n = 0;
    for (size_t i = 0; i < n_rows; i++) {
        int nw = text_width(rows[i].name);
        widest = nw > widest ? nw : widest;
        int lw = text_width(rows[i].level);
        level_w = lw > level_w ? lw : level_w;
        mark = mark || rows[i].bottleneck;
        if (rows[i].ratios && rows[i].n > max_n)
            max_n = rows[i].n;
    }
    int mark_w = mark ? 1 + text_width(ascii ? MARK_ASCII : MARK_UTF8) : 0;
    int name_w = w / 4 > 8 ? w / 4 : 8;
    name_w = widest < name_w ? widest : name_w;
    int tail = (level_w > 0 ? 1 + level_w : 0) + mark_w;
    int room = w - name_w - 1 - 2 - tail;
    if (room < 8 && name_w > 4) { /* narrow: the names give first */
        name_w -= 8 - room < name_w - 4 ? 8 - room : name_w - 4;
        room = w - name_w - 1 - 2 - tail;
    }
    room = room < 1 ? 1 : room > HEATMAP_MAX_COLS ? HEATMAP_MAX_COLS : room;
    out->name_w = name_w;
    out->grid_x = name_w + 2;
    out->max_n = max_n;
    out->level_w = level_w;
    out->bin = heatmap_bin(max_n, room);
    size_t cols = max_n ? (max_n + out->bin - 1) / out->bin : 0;
    int cell_w = 1;
    if (out->bin == 1 && max_n > 0) {
        cell_w = (int)((size_t)room / max_n);
        cell_w = cell_w < 1 ? 1 : cell_w > 4 ? 4 : cell_w;
    }
    out->cell_w = cell_w;
    out->grid_w = (int)cols * cell_w;
}

/* Cells [from, to) of line in their attributes, as few curses calls as runs. */
static void emit(WINDOW *win, int y, int x, const wchar_t *line, const attr_t *attr, int from,
                 int to) {
    int start = from;
    for (int i = from + 1; i <= to; i++) {
        if (i < to && attr[i] == attr[start])
            continue;
        wattrset(win, (int)attr[start]);
        mvwaddnwstr(win, y, x + start, line + start, i - start);
        start = i;
    }
}

static void draw_row(WINDOW *win, int y, int x, int w, const struct heatmap_row *r,
                     const struct heatmap_layout *l, bool ascii) {
    attr_t plain = colors_attr(ROLE_DEFAULT), dim = colors_attr(ROLE_DIM);
    draw_blank(win, y, x, w, plain);
    /* cut in the middle: "Map (2)" and "Sink: kafka-enriched" keep what tells them apart */
    int nw = l->name_w < w ? l->name_w : w;
    char name[512];
    text_fit_middle(r->name ? r->name : "-", nw, ascii, name, sizeof name);
    draw_text(win, y, x, nw, name, r->bottleneck ? plain | A_BOLD : plain, DRAW_LEFT, ascii);
    int gx = l->name_w + 1; /* the left bar */
    if (gx >= w)
        return;
    if (r->ratios == NULL) {
        draw_text(win, y, x + gx, w - gx, "not sampled yet", dim, DRAW_LEFT, ascii);
        return;
    }
    wchar_t line[HEATMAP_MAX_COLS + 2];
    attr_t attr[HEATMAP_MAX_COLS + 2];
    const wchar_t *ramp = ascii ? ramp_ascii : ramp_wide;
    wchar_t bar = ascii ? L'|' : 0x2502;
    int o = 0, max = l->grid_w + 2;
    line[o] = bar;
    attr[o++] = dim;
    size_t bins = (r->n + l->bin - 1) / l->bin;
    for (size_t b = 0; b < bins && o + l->cell_w < max; b++) {
        double v = heatmap_bin_max(r->ratios, r->n, b * l->bin, (b + 1) * l->bin);
        int i = ramp_index(v);
        wchar_t g = i < 0 ? L'?' : ramp[i];
        attr_t a = colors_attr(heatmap_role(v));
        for (int k = 0; k < l->cell_w; k++) {
            line[o] = g;
            attr[o++] = a;
        }
    }
    line[o] = bar; /* this row's own end: fewer subtasks, shorter row */
    attr[o++] = dim;
    int room = w - gx;
    emit(win, y, x + gx, line, attr, 0, o < room ? o : room);
    int tx = gx + max + 1;
    if (r->level && tx < w) {
        int lw = l->level_w < w - tx ? l->level_w : w - tx;
        draw_text(win, y, x + tx, lw, r->level, colors_attr(r->level_role), DRAW_LEFT, ascii);
        tx += l->level_w + 1;
    } else if (l->level_w > 0) {
        tx += l->level_w + 1;
    }
    if (r->bottleneck && tx < w)
        draw_text(win, y, x + tx, w - tx, ascii ? MARK_ASCII : MARK_UTF8,
                  colors_attr(ROLE_STATE_BAD) | A_BOLD, DRAW_LEFT, ascii);
}

void heatmap_draw(WINDOW *win, int y, int x, int h, int w, const struct heatmap_row *rows,
                  size_t n_rows, size_t first, const struct heatmap_layout *l, bool ascii) {
    if (w <= 0)
        return;
    for (int i = 0; i < h && first + (size_t)i < n_rows; i++)
        draw_row(win, y + i, x, w, &rows[first + (size_t)i], l, ascii);
}

void heatmap_axis(WINDOW *win, int y, int x, int w, const struct heatmap_layout *l, bool ascii) {
    attr_t dim = colors_attr(ROLE_DIM);
    draw_blank(win, y, x, w, dim);
    if (l->max_n == 0)
        return;
    int gx = l->grid_x; /* the first cell */
    if (gx >= w)
        return;
    draw_text(win, y, x, l->name_w < w ? l->name_w : w, "subtask", dim, DRAW_RIGHT, ascii);
    char last[24];
    snprintf(last, sizeof last, "%zu", l->max_n - 1);
    int lw = text_width(last);
    draw_text(win, y, x + gx, 1, "0", dim, DRAW_LEFT, ascii);
    int lx = gx + l->grid_w - lw;
    if (l->max_n > 1 && lx > gx + 1 && lx + lw <= w)
        draw_text(win, y, x + lx, lw, last, dim, DRAW_LEFT, ascii);
}

void heatmap_legend(WINDOW *win, int y, int x, int w, bool ascii) {
    struct {
        const char *glyphs, *text;
        double sample;
    } items[] = {
        {ascii ? "." : "\u2591", ascii ? "OK <=10%" : "OK \u226410%", 0.05},
        {ascii ? ":" : "\u2592", ascii ? "LOW <=50%" : "LOW \u226450%", 0.3},
        {ascii ? "#@" : "\u2593\u2588", "HIGH >50%", 0.9},
        {"?", "unknown", NAN},
    };
    attr_t plain = colors_attr(ROLE_DEFAULT);
    draw_blank(win, y, x, w, plain);
    int cx = 0;
    for (size_t i = 0; i < sizeof items / sizeof items[0] && cx < w; i++) {
        int gw = text_width(items[i].glyphs), tw = text_width(items[i].text);
        if (cx + gw + 1 + tw > w)
            break;
        draw_text(win, y, x + cx, gw, items[i].glyphs, colors_attr(heatmap_role(items[i].sample)),
                  DRAW_LEFT, ascii);
        draw_text(win, y, x + cx + gw + 1, tw, items[i].text, plain, DRAW_LEFT, ascii);
        cx += gw + 1 + tw + 3;
    }
}
