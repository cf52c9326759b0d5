#include "log_buffer.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "sanitize.h"
#include "xalloc.h"

void log_buffer_init(struct log_buffer *b, size_t cap_bytes) {
    memset(b, 0, sizeof *b);
    b->cap_bytes = cap_bytes ? cap_bytes : LOG_BUFFER_DEFAULT_CAP;
    buf_init(&b->partial, LOG_LINE_MAX + 1);
}

static struct log_line *slot(const struct log_buffer *b, size_t i) {
    return &b->ring[(b->head + i) % b->cap_lines];
}

static void drop_front(struct log_buffer *b) {
    struct log_line *l = slot(b, 0);
    b->bytes -= l->len + 1;
    free(l->text);
    l->text = NULL;
    b->head = (b->head + 1) % b->cap_lines;
    b->n--;
    b->first++;
    b->dropped++;
}

void log_buffer_clear(struct log_buffer *b) {
    while (b->n > 0) {
        drop_front(b);
        b->dropped--; /* cleared, not dropped for the cap */
    }
    buf_free(&b->partial);
    buf_init(&b->partial, LOG_LINE_MAX + 1);
    b->last_level = LOG_LEVEL_NONE;
}

void log_buffer_free(struct log_buffer *b) {
    for (size_t i = 0; i < b->n; i++)
        free(slot(b, i)->text);
    free(b->ring);
    buf_free(&b->partial);
    memset(b, 0, sizeof *b);
}

/* The level word of log4j's default layouts ("2024-05-01 10:00:00,123 WARN  org..."):
 * the first of the first five words that is a level. */
static enum log_level level_word(const char *s, size_t len) {
    static const struct {
        const char *w;
        enum log_level l;
    } words[] = {{"ERROR", LOG_LEVEL_ERROR}, {"FATAL", LOG_LEVEL_ERROR}, {"WARN", LOG_LEVEL_WARN},
                 {"WARNING", LOG_LEVEL_WARN}, {"INFO", LOG_LEVEL_INFO},  {"DEBUG", LOG_LEVEL_DEBUG},
                 {"TRACE", LOG_LEVEL_DEBUG}};
    size_t i = 0;
    for (int word = 0; word < 5 && i < len; word++) {
        while (i < len && s[i] == ' ')
            i++;
        size_t start = i;
        while (i < len && s[i] != ' ')
            i++;
        size_t wl = i - start;
        for (size_t k = 0; k < sizeof words / sizeof words[0]; k++)
            if (strlen(words[k].w) == wl && memcmp(s + start, words[k].w, wl) == 0)
                return words[k].l;
    }
    return LOG_LEVEL_NONE;
}

/* "java.lang.IllegalStateException: ..." or "Caused by: ...": where a trace starts. */
static bool starts_exception(const char *s, size_t len) {
    if (len >= 10 && memcmp(s, "Caused by:", 10) == 0)
        return true;
    size_t i = 0;
    while (i < len && s[i] != ':' && s[i] != ' ')
        i++;
    if (i < 9 || memchr(s, '.', i) == NULL)
        return false;
    return (i >= 9 && memcmp(s + i - 9, "Exception", 9) == 0) ||
           (i >= 5 && memcmp(s + i - 5, "Error", 5) == 0);
}

static bool continues_trace(const char *s, size_t len) {
    return len > 0 && (s[0] == ' ' || (len >= 3 && memcmp(s, "...", 3) == 0));
}

static void push_line(struct log_buffer *b, const char *raw, size_t len) {
    if (len > 0 && raw[len - 1] == '\r')
        len--;
    /* tabs become spaces first: the sanitiser removes tabs, and "\tat ..." needs its indent */
    char *expanded = xmalloc(len * 4 + 1);
    size_t k = 0;
    for (size_t i = 0; i < len; i++) {
        if (raw[i] == '\t') {
            memcpy(expanded + k, "    ", 4);
            k += 4;
        } else {
            expanded[k++] = raw[i];
        }
    }
    struct log_line line = {sanitize_strndup(expanded, k), 0, LOG_LEVEL_NONE, false, false};
    free(expanded);
    line.len = strlen(line.text);
    enum log_level lv = level_word(line.text, line.len);
    line.own = lv != LOG_LEVEL_NONE;
    line.cause = starts_exception(line.text, line.len);
    if (lv == LOG_LEVEL_NONE && (line.cause || continues_trace(line.text, line.len)))
        lv = b->last_level; /* a trace under its log line */
    else if (lv != LOG_LEVEL_NONE)
        b->last_level = lv;
    line.level = lv;
    if (b->n == b->cap_lines) {
        size_t cap = b->cap_lines ? b->cap_lines * 2 : 256;
        struct log_line *ring = xcalloc(cap, sizeof *ring);
        for (size_t i = 0; i < b->n; i++)
            ring[i] = *slot(b, i);
        free(b->ring);
        b->ring = ring;
        b->cap_lines = cap;
        b->head = 0;
    }
    *slot(b, b->n) = line;
    b->n++;
    b->bytes += line.len + 1;
    while (b->bytes > b->cap_bytes && b->n > 1)
        drop_front(b);
}

void log_buffer_feed(struct log_buffer *b, const char *data, size_t len) {
    while (len > 0) {
        const char *nl = memchr(data, '\n', len);
        size_t take = nl ? (size_t)(nl - data) : len;
        size_t room = LOG_LINE_MAX - b->partial.len;
        if (take > room) { /* a line too long for the screen's sake: cut it there */
            buf_append(&b->partial, data, room);
            push_line(b, b->partial.data, b->partial.len);
            buf_free(&b->partial);
            buf_init(&b->partial, LOG_LINE_MAX + 1);
            data += room;
            len -= room;
            continue;
        }
        if (nl == NULL) {
            buf_append(&b->partial, data, take);
            return;
        }
        if (b->partial.len > 0) {
            buf_append(&b->partial, data, take);
            push_line(b, b->partial.data, b->partial.len);
            buf_free(&b->partial);
            buf_init(&b->partial, LOG_LINE_MAX + 1);
        } else {
            push_line(b, data, take);
        }
        data += take + 1;
        len -= take + 1;
    }
}

void log_buffer_end(struct log_buffer *b) {
    if (b->partial.len > 0)
        push_line(b, b->partial.data, b->partial.len);
    buf_free(&b->partial);
    buf_init(&b->partial, LOG_LINE_MAX + 1);
}

uint64_t log_buffer_first(const struct log_buffer *b) { return b->first; }
uint64_t log_buffer_end_no(const struct log_buffer *b) { return b->first + b->n; }

const struct log_line *log_buffer_line(const struct log_buffer *b, uint64_t no) {
    if (no < b->first || no >= b->first + b->n)
        return NULL;
    return slot(b, (size_t)(no - b->first));
}

static bool contains(const char *hay, const char *needle) {
    size_t n = strlen(needle);
    if (n == 0)
        return false;
    for (; *hay; hay++)
        if (strncasecmp(hay, needle, n) == 0)
            return true;
    return false;
}

int64_t log_buffer_search(const struct log_buffer *b, const char *needle, uint64_t from,
                          bool backward) {
    uint64_t end = log_buffer_end_no(b);
    if (b->n == 0)
        return -1;
    if (from < b->first)
        from = backward ? b->first - 1 : b->first;
    if (!backward) {
        for (uint64_t no = from; no < end; no++)
            if (contains(log_buffer_line(b, no)->text, needle))
                return (int64_t)no;
        return -1;
    }
    if (from >= end)
        from = end - 1;
    for (uint64_t no = from + 1; no-- > b->first;)
        if (contains(log_buffer_line(b, no)->text, needle))
            return (int64_t)no;
    return -1;
}

int64_t log_buffer_next_error(const struct log_buffer *b, uint64_t from) {
    if (from < b->first)
        from = b->first;
    for (uint64_t no = from; no < log_buffer_end_no(b); no++) {
        const struct log_line *l = log_buffer_line(b, no);
        if ((l->level == LOG_LEVEL_ERROR && l->own) ||
            (l->len >= 10 && memcmp(l->text, "Caused by:", 10) == 0))
            return (int64_t)no;
    }
    return -1;
}
