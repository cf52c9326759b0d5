/* A growing byte buffer with a hard maximum set at creation (curl's dynbuf): appending
 * past the maximum fails instead of growing, so a huge HTTP body is an error with a
 * message, not an out-of-memory. */
#ifndef FLINKTOP_BUF_H
#define FLINKTOP_BUF_H

#include <stdbool.h>
#include <stddef.h>

struct buf {
    char *data; /* owned; always NUL-terminated when non-NULL */
    size_t len;
    size_t cap;
    size_t max; /* appends that would pass this fail */
};

void buf_init(struct buf *b, size_t max);
/* Returns false (and leaves b unchanged) when len + n would exceed max. */
bool buf_append(struct buf *b, const void *p, size_t n);
/* Hands the data over: returns owned memory (caller frees; may be NULL when empty) and
 * resets b to empty. */
char *buf_take(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
