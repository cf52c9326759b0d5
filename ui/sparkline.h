/* A one-row history: each cell a level of ▁▂▃▄▅▆▇█ (ASCII _.-:=+*#), oldest left,
 * newest right, scaled from 0 to the largest value shown. A NaN is a gap (a blank cell),
 * never a zero; all zeros is a flat baseline. More points than cells: each cell is the
 * mean of a bin of consecutive points; fewer: one point a cell, right-aligned, blank on
 * the left. No curses here: the line is text, so a table cell can hold it. */
#ifndef FLINKTOP_SPARKLINE_H
#define FLINKTOP_SPARKLINE_H

#include <stdbool.h>
#include <stddef.h>

#include "ring.h"

/* The line for ring r (NULL: empty) in `cells` cells into buf (size bytes, always
 * NUL-terminated; 3 bytes a cell is enough). Returns the cells written. */
int sparkline_text(const struct ring *r, int cells, bool ascii, char *buf, size_t size);

/* The mean of the known points of r in [from, to); NaN when none is known. Shared by
 * the chart's binning. */
double sparkline_bin_mean(const struct ring *r, size_t from, size_t to);

#endif
