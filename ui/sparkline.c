#include "sparkline.h"

#include <math.h>
#include <string.h>

#define LEVELS 8

static const char *const utf8_ramp[LEVELS] = {"\u2581", "\u2582", "\u2583", "\u2584",
                                              "\u2585", "\u2586", "\u2587", "\u2588"};
static const char ascii_ramp[LEVELS + 1] = "_.-:=+*#";

double sparkline_bin_mean(const struct ring *r, size_t from, size_t to) {
    double sum = 0;
    size_t n = 0;
    for (size_t i = from; i < to; i++) {
        double x = ring_get(r, i);
        if (!isnan(x)) {
            sum += x;
            n++;
        }
    }
    return n ? sum / (double)n : NAN;
}

int sparkline_text(const struct ring *r, int cells, bool ascii, char *buf, size_t size) {
    if (size == 0)
        return 0;
    buf[0] = '\0';
    size_t n = r ? r->len : 0;
    if (cells <= 0)
        return 0;
    /* The value of each cell, oldest first; NaN blank. At most one pass over the ring. */
    double val[512];
    if (cells > (int)(sizeof val / sizeof val[0]))
        cells = (int)(sizeof val / sizeof val[0]);
    size_t shown = n < (size_t)cells ? n : (size_t)cells;
    size_t pad = (size_t)cells - shown;
    double max = 0;
    for (size_t c = 0; c < shown; c++) {
        /* bins counted from the newest end, so the right cell is always the latest */
        size_t from = n - (shown - c) * n / shown, to = n - (shown - c - 1) * n / shown;
        double v = sparkline_bin_mean(r, from, to);
        val[c] = v;
        if (!isnan(v) && v > max)
            max = v;
    }
    size_t o = 0;
    int written = 0;
    for (size_t c = 0; c < (size_t)cells; c++) {
        const char *g = " ";
        char one[2] = {0, 0};
        if (c >= pad && !isnan(val[c - pad])) {
            double v = val[c - pad] < 0 ? 0 : val[c - pad];
            int lvl = max > 0 ? (int)lround(v / max * (LEVELS - 1)) : 0;
            lvl = lvl < 0 ? 0 : lvl >= LEVELS ? LEVELS - 1 : lvl;
            if (ascii) {
                one[0] = ascii_ramp[lvl];
                g = one;
            } else {
                g = utf8_ramp[lvl];
            }
        }
        size_t gl = strlen(g);
        if (o + gl + 1 > size)
            break;
        memcpy(buf + o, g, gl);
        o += gl;
        written++;
    }
    buf[o] = '\0';
    return written;
}
