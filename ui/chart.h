/* A line chart of one or two history rings sharing a y axis from 0 to their largest
 * value: labels on the left in SI units ("12.3k"), the time axis below ("-15m ... now",
 * one point per step_ms). Glyphs: braille (2x4 dots a cell) on UTF-8 terminals, half
 * blocks (1x2) when a font lacks braille, ASCII (1x2: . ' : |) otherwise. NaN points
 * are gaps in the line; more points than dot columns are binned (mean), fewer are
 * spread over the width. Drawn with one allocation per call, none per cell. */
#ifndef FLINKTOP_CHART_H
#define FLINKTOP_CHART_H

#include <curses.h>
#include <stdbool.h>
#include <stdint.h>

#include "colors.h"
#include "ring.h"

enum chart_glyphs { CHART_BRAILLE, CHART_BLOCK, CHART_ASCII };

#define CHART_MAX_SERIES 2

struct chart_series {
    const struct ring *ring; /* borrowed */
    enum color_role role;
};

struct chart {
    struct chart_series series[CHART_MAX_SERIES];
    int n_series;
    int64_t step_ms; /* time between two points, for the time axis; <= 0: no time labels */
    enum chart_glyphs glyphs;
    bool ascii; /* labels and axis in ASCII */
};

/* The glyphs for a terminal: braille unless ascii. */
enum chart_glyphs chart_glyphs_for(bool ascii);

/* Draw the chart in rows [y, y+h) and cells [x, x+w) of win: the y labels take the
 * left, the time axis the bottom row (when h >= 3). Returns the plot's width in cells
 * (0 when nothing fits). With no point at all, says "no history yet". */
int chart_draw(WINDOW *win, int y, int x, int h, int w, const struct chart *c);

/* Only the plot, no axes: cells [x, x+w) of rows [y, y+h) scaled from 0 to max (max <=
 * 0: every point on the baseline). For tests and small multiples. */
void chart_plot(WINDOW *win, int y, int x, int h, int w, const struct chart *c, double max);

/* The largest known value over the chart's series; NaN when none is known. */
double chart_max(const struct chart *c);

#endif
