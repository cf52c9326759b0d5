/* The backpressure heatmap: one row a vertex, one cell a subtask (or, when subtasks
 * outnumber the columns, a bin of consecutive subtasks showing their MAX), each cell a
 * glyph of the ramp " ░▒▓█" (ASCII " .:#@") by ratio, coloured by level where colour
 * is available: OK <= 10 %, LOW <= 50 %, HIGH above (Flink's own levels). Readable
 * without colour: the glyph alone tells the level. Drawing costs one pass over each
 * row's subtasks and one curses call per run of equal cells; nothing is allocated. */
#ifndef FLINKTOP_HEATMAP_H
#define FLINKTOP_HEATMAP_H

#include <curses.h>
#include <stdbool.h>
#include <stddef.h>

#include "colors.h"

/* Widest grid drawn, in cells; wider terminals leave the rest blank. */
#define HEATMAP_MAX_COLS 1024

/* One row of the map. Everything borrowed for the duration of a call. */
struct heatmap_row {
    const char *name;
    const double *ratios; /* n of them, 0..1, NaN unknown; NULL: not sampled yet */
    size_t n;
    const char *level; /* at the row's end, e.g. "HIGH 82%"; NULL none */
    enum color_role level_role;
    bool bottleneck; /* marked "◀ bottleneck" */
};

/* Where things go, from every row (so scrolling never changes the scale). */
struct heatmap_layout {
    int name_w;   /* cells for the names */
    int grid_x;   /* first cell of the grid, from the left of the map */
    int grid_w;   /* cells between the frame bars */
    int cell_w;   /* cells a bin takes: 1, or up to 4 when there is room */
    size_t bin;   /* consecutive subtasks a cell shows */
    size_t max_n; /* the most subtasks of any row */
    int level_w;  /* cells for the level text */
};

/* Subtasks one cell shows when n of them get `cols` cells: 1 when they fit, else
 * ceil(n / cols). */
size_t heatmap_bin(size_t n, int cols);
/* The max of the known ratios[from, to) (clipped to n); NaN when none is known. */
double heatmap_bin_max(const double *ratios, size_t n, size_t from, size_t to);
/* The ramp glyph of a ratio ("?" unknown); a static string. */
const char *heatmap_glyph(double ratio, bool ascii);
/* The colour role of a ratio's level; ROLE_DIM unknown. */
enum color_role heatmap_role(double ratio);
/* "OK", "LOW", "HIGH", "-" unknown; a static string. */
const char *heatmap_level_name(double ratio);
/* What one cell means: "1 cell = 8 subtasks, max" or "1 cell = 1 subtask". */
void heatmap_scale_text(size_t bin, char *buf, size_t size);

void heatmap_layout(const struct heatmap_row *rows, size_t n_rows, int w, bool ascii,
                    struct heatmap_layout *out);
/* Rows [first, first+h) of rows, from row y at x, w cells wide, laid out by l. */
void heatmap_draw(WINDOW *win, int y, int x, int h, int w, const struct heatmap_row *rows,
                  size_t n_rows, size_t first, const struct heatmap_layout *l, bool ascii);
/* The subtask numbers over the grid: "0" at its left, the last at its right. */
void heatmap_axis(WINDOW *win, int y, int x, int w, const struct heatmap_layout *l, bool ascii);
/* The legend on row y: each level's glyphs in its colour, then its range. */
void heatmap_legend(WINDOW *win, int y, int x, int w, bool ascii);

#endif
