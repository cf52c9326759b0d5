/* The lines of one log as a pager holds them: a ring capped in bytes (a task manager's
 * log can be hundreds of MiB; the pager keeps the newest part), fed piece by piece as a
 * download or a stream delivers it (a piece may end inside a line or a UTF-8
 * character), each line sanitised on the way in and its level read once.
 *
 * Lines are numbered from the first the buffer ever took: a number stays with its line
 * while the ring drops older ones, so a search position or a scroll position survives
 * new lines arriving. */
#ifndef FLINKTOP_LOG_BUFFER_H
#define FLINKTOP_LOG_BUFFER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define LOG_BUFFER_DEFAULT_CAP ((size_t)8 << 20) /* bytes of lines kept */
#define LOG_LINE_MAX 8192                        /* longer lines are cut (and say so) */

enum log_level { LOG_LEVEL_NONE, LOG_LEVEL_DEBUG, LOG_LEVEL_INFO, LOG_LEVEL_WARN, LOG_LEVEL_ERROR };

struct log_line {
    char *text; /* owned, sanitised, no newline */
    size_t len;
    enum log_level level; /* from the log4j layout's level word; a stack trace line ("\tat
                             ...", "Caused by: ...") takes the level of its exception */
    bool cause;           /* "Caused by:" or the first line of an exception */
    bool own;             /* the level is the line's own word, not its trace's */
};

struct log_buffer {
    struct log_line *ring; /* owned, cap_lines slots */
    size_t cap_lines, head, n; /* the oldest is ring[head], n lines held */
    uint64_t first;            /* the number of ring[head] */
    size_t bytes, cap_bytes;
    uint64_t dropped; /* lines dropped from the front for the cap */
    struct buf partial; /* owned: the end of the last piece, a line not yet complete */
    enum log_level last_level;
};

void log_buffer_init(struct log_buffer *b, size_t cap_bytes);
void log_buffer_free(struct log_buffer *b);
/* Forget every line (a new download replaces the old one); numbering goes on. */
void log_buffer_clear(struct log_buffer *b);
/* Take the next piece of the log. */
void log_buffer_feed(struct log_buffer *b, const char *data, size_t len);
/* The stream ended: a last line without its newline becomes a line. */
void log_buffer_end(struct log_buffer *b);

/* Numbers of the lines held: [first, end). */
uint64_t log_buffer_first(const struct log_buffer *b);
uint64_t log_buffer_end_no(const struct log_buffer *b);
/* Line number no, NULL when it is not held. borrowed until the next feed */
const struct log_line *log_buffer_line(const struct log_buffer *b, uint64_t no);
/* The next line at or after from (backward: at or before) whose text contains needle,
 * case-insensitively; -1 none. */
int64_t log_buffer_search(const struct log_buffer *b, const char *needle, uint64_t from,
                          bool backward);
/* The first ERROR line or "Caused by:" at or after from; -1 none. */
int64_t log_buffer_next_error(const struct log_buffer *b, uint64_t from);

#endif
