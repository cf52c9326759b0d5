/* Where one kind of data comes from and how it went last time: every Flink endpoint
 * (a cluster's summaries, each job-detail endpoint), shown on the thing it concerns.
 *
 * ok: the last answer was good. error: it failed; when a good answer came before, its
 * data is still in the model, now stale (source_stale), and views show it marked. The
 * scheduler's own bookkeeping (what is in flight) lives in the pollers, not here. */
#ifndef FLINKTOP_SOURCE_H
#define FLINKTOP_SOURCE_H

#include <stdbool.h>
#include <stdint.h>

enum source_state { SOURCE_PENDING, SOURCE_OK, SOURCE_ERROR };

struct source {
    enum source_state state;
    int64_t last_ok_ms;  /* wall clock of the last good answer, 0 = never */
    int64_t last_try_ms; /* wall clock the last request finished */
    char error[160];     /* last error line, "" when none */
};

void source_init(struct source *s);
/* A good answer at now: state ok, error cleared. */
void source_ok(struct source *s, int64_t now);
/* A failure at now, with its one line (printf format). */
void source_fail(struct source *s, int64_t now, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Failed after a good answer: the data held is the last good one, older than it looks. */
bool source_stale(const struct source *s);

#endif
