/* Breaking long text into lines of a number of terminal cells (a stack trace, a
 * checkpoint path), never inside a character. No curses here. */
#ifndef FLINKTOP_WRAP_H
#define FLINKTOP_WRAP_H

#include <stdbool.h>
#include <stddef.h>

/* Bytes of the start of s (len bytes) to put on a line of `cells` cells: the longest
 * that fits, or with words, up to its last space when the rest goes on. At least one
 * character when len > 0, so a loop always moves on. *used (may be NULL) gets its
 * width in cells. An invalid byte counts as one cell. */
size_t wrap_prefix(const char *s, size_t len, int cells, bool words, int *used);

/* Lines s takes at `cells` cells, its '\n' kept as line breaks; 0 for NULL or "". With
 * words, a continuation line skips the spaces it broke at (callers draw it the same way). */
int wrap_count(const char *s, int cells, bool words);

#endif
