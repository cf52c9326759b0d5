/* Text in terminal cells: display width of UTF-8 strings (mbrtowc + wcwidth), cutting
 * to a number of cells with an ellipsis, and the short formats the screens use for
 * numbers, ages, durations and times. Unknown values (negative) format as "-".
 * No curses here: everything writes into caller-owned buffers. */
#ifndef FLINKTOP_TEXT_H
#define FLINKTOP_TEXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Cells s takes on screen under the current locale. An invalid byte or an unprintable
 * character counts one cell (text_fit draws it as '?'). NULL is 0. */
int text_width(const char *s);

/* Copy into out (size bytes, always NUL-terminated) the longest start of s that fits in
 * `cells` cells. When s is longer, the last cell is an ellipsis ("…", or "~" when
 * ascii). A character is never split: a double-width one that would straddle the edge
 * is left out, so the result is `cells` wide or, then, one less. Returns the width of
 * out in cells. NULL s gives "". With ascii (--ascii, or a terminal that is not UTF-8)
 * every character beyond ASCII becomes one '?' a cell, so the columns still line up. */
int text_fit(const char *s, int cells, bool ascii, char *out, size_t size);

/* text_fit for names: when s is longer than `cells`, keep its start and its end with
 * the ellipsis between ("fraud-detec…-eu-west-2"), the start one cell longer when the
 * room is odd, so names that differ only at the end stay apart. Never splits a
 * character; ascii as text_fit. Below 5 cells, or for a name over 512 characters, it
 * cuts at the end as text_fit does. Returns the width of out in cells. */
int text_fit_middle(const char *s, int cells, bool ascii, char *out, size_t size);

/* True when needle occurs in hay, ASCII letters compared without case. An empty
 * needle matches everything; NULL hay matches nothing. */
bool text_icontains(const char *hay, const char *needle);

/* The formats below write into buf (size bytes) and return buf. */

/* v, or "-" when v < 0 (unknown). */
char *text_int(int64_t v, char *buf, size_t size);
/* "used/total"; each unknown part is "-", both unknown is "-". */
char *text_ratio(int64_t used, int64_t total, char *buf, size_t size);
/* How long ago, one unit: "3s", "5m", "2h", "4d"; "-" when ms < 0. */
char *text_age(int64_t ms, char *buf, size_t size);
/* A run time, two units from minutes up: "45s", "12m05s", "3h07m", "2d04h"; "-" when
 * ms < 0. */
char *text_duration(int64_t ms, char *buf, size_t size);
/* Local time of an epoch in ms, "YYYY-MM-DD HH:MM:SS"; "-" when ms < 0. */
char *text_datetime(int64_t epoch_ms, char *buf, size_t size);
/* Local time of day, "HH:MM:SS"; "-" when ms < 0. */
char *text_clock(int64_t epoch_ms, char *buf, size_t size);

#endif
