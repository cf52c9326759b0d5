/* Time in milliseconds: monotonic for timers and timeouts, wall clock for what the
 * user sees (ages, "last good at").
 *
 * A struct clock is the wall clock a module takes (the pollers, history): real by
 * default (clock_real), or a test clock that only moves when a test advances it, so
 * schedules and ages are unit-tested without waiting. */
#ifndef FLINKTOP_CLOCK_H
#define FLINKTOP_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ms(void);
int64_t clock_wall_ms(void);

struct clock {
    int64_t (*wall_ms)(void); /* NULL: a test clock, whose time is test_ms */
    int64_t test_ms;
};

/* The real wall clock (clock_wall_ms). */
extern const struct clock clock_real;
/* The clock's wall time; c NULL is the real clock. */
int64_t clock_now(const struct clock *c);
/* A test clock at start_ms; clock_advance moves it by ms. */
void clock_test_init(struct clock *c, int64_t start_ms);
void clock_advance(struct clock *c, int64_t ms);

#endif
