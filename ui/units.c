#include "units.h"

#include <math.h>
#include <stdio.h>

#include "text.h"

/* v scaled by base until below 1000 (for bytes too: 1012 MiB is 1.0 GiB, four digits
 * would not fit the columns), formatted with one decimal under 100; a value that rounds
 * up to 1000 moves to the next unit (999.96k is 1.0M, not 1000k). */
static char *scaled(double v, double base, const char *const *unit, int n_units, const char *sep,
                    char *buf, size_t size) {
    if (!isfinite(v) || v < 0) { /* NaN, infinity (never "infP") and negatives are unknown */
        snprintf(buf, size, "-");
        return buf;
    }
    v += 0.0; /* -0.0 becomes 0.0: never "-0" */
    int u = 0;
    while (u + 1 < n_units && v >= 999.95) {
        v /= base;
        u++;
    }
    if (v >= 999.5) { /* beyond the largest unit: clamped, with '>' saying so */
        snprintf(buf, size, ">999%s%s", sep, unit[u]);
        return buf;
    }
    if (u == 0 && v < 10 && v != floor(v))
        snprintf(buf, size, "%.1f%s%s", v, sep, unit[0]);
    else if (u == 0 || v >= 99.95)
        snprintf(buf, size, "%.0f%s%s", v, sep, unit[u]);
    else
        snprintf(buf, size, "%.1f%s%s", v, sep, unit[u]);
    return buf;
}

char *units_si(double v, char *buf, size_t size) {
    static const char *const unit[] = {"", "k", "M", "G", "T", "P"};
    return scaled(v, 1000.0, unit, 6, "", buf, size);
}

char *units_bytes(double v, char *buf, size_t size) {
    static const char *const unit[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    return scaled(v, 1024.0, unit, 6, " ", buf, size);
}

char *units_bytes_short(double v, char *buf, size_t size) {
    static const char *const unit[] = {"B", "K", "M", "G", "T", "P"};
    return scaled(v, 1024.0, unit, 6, "", buf, size);
}

char *units_ms(int64_t ms, char *buf, size_t size) {
    if (ms < 0)
        snprintf(buf, size, "-");
    else if (ms < 1000)
        snprintf(buf, size, "%lldms", (long long)ms);
    else if (ms < 9950)
        snprintf(buf, size, "%.1fs", (double)ms / 1000.0);
    else
        text_duration(ms, buf, size);
    return buf;
}

char *units_percent(double ratio, char *buf, size_t size) {
    if (!isfinite(ratio) || ratio < 0)
        snprintf(buf, size, "-");
    else if (ratio >= 1.005) /* a busy time of 1844674407370955% is a broken metric */
        snprintf(buf, size, ">100%%");
    else
        snprintf(buf, size, "%.0f%%", ratio * 100.0 + 0.0); /* + 0.0: never "-0%" */
    return buf;
}
