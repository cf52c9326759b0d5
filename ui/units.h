/* Numbers as the job screen prints them: SI rates ("12.3k"), bytes ("45.6 MiB"),
 * short durations ("340ms", "1.2s", "3m05s"), percentages. Unknown (NaN, infinite,
 * negative) is "-", never 0; negative zero is "0", never "-0"; a value beyond the
 * largest unit or a ratio above 100% is clamped with a '>' (">999P", ">100%"), never
 * garbage such as "infP" or "1844674407370955%". No curses here: each writes into buf
 * (size bytes) and returns buf. */
#ifndef FLINKTOP_UNITS_H
#define FLINKTOP_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* 950, 9.5, 12.3k, 123k, 1.2M, 4.5G, 1.0T; "-" for NaN or negative. */
char *units_si(double v, char *buf, size_t size);
/* 512 B, 1.5 KiB, 45.6 MiB, 2.0 GiB; "-" for NaN or negative. */
char *units_bytes(double v, char *buf, size_t size);
/* The same, one letter and no space: 512B, 1.5K, 45.6M, 2.0G. */
char *units_bytes_short(double v, char *buf, size_t size);
/* 0ms, 340ms, 1.2s, 12s, 3m05s, 2h07m; "-" when ms < 0. */
char *units_ms(int64_t ms, char *buf, size_t size);
/* A ratio 0..1 as "42%"; "-" for NaN, infinity or negative; ">100%" above 1. */
char *units_percent(double ratio, char *buf, size_t size);

#endif
