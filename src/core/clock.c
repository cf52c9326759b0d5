#include "clock.h"

#include <time.h>

static int64_t read_ms(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t clock_mono_ms(void) { return read_ms(CLOCK_MONOTONIC); }
int64_t clock_wall_ms(void) { return read_ms(CLOCK_REALTIME); }

const struct clock clock_real = {clock_wall_ms, 0};

int64_t clock_now(const struct clock *c) {
    if (c == NULL)
        return clock_wall_ms();
    return c->wall_ms ? c->wall_ms() : c->test_ms;
}

void clock_test_init(struct clock *c, int64_t start_ms) {
    c->wall_ms = NULL;
    c->test_ms = start_ms;
}

void clock_advance(struct clock *c, int64_t ms) { c->test_ms += ms; }
