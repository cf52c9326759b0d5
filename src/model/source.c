#include "source.h"

#include <stdarg.h>
#include <stdio.h>

void source_init(struct source *s) {
    s->state = SOURCE_PENDING;
    s->last_ok_ms = 0;
    s->last_try_ms = 0;
    s->error[0] = '\0';
}

void source_ok(struct source *s, int64_t now) {
    s->state = SOURCE_OK;
    s->last_try_ms = now;
    s->last_ok_ms = now;
    s->error[0] = '\0';
}

void source_fail(struct source *s, int64_t now, const char *fmt, ...) {
    s->state = SOURCE_ERROR;
    s->last_try_ms = now;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(s->error, sizeof s->error, fmt, ap);
    va_end(ap);
}

bool source_stale(const struct source *s) { return s->state == SOURCE_ERROR && s->last_ok_ms > 0; }
