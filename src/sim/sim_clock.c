#include "sim_clock.h"

#include <pthread.h>
#include <string.h>
#include <time.h>

static pthread_mutex_t clock_lock = PTHREAD_MUTEX_INITIALIZER;
static enum sim_clock_mode clock_mode = SIM_CLOCK_REAL;
static int64_t manual_base; /* the wall time at start-up (manual) */
static int64_t offset;      /* everything sim_clock_advance() added */
static int64_t last;        /* the latest time handed out: never go backwards */

static int64_t wall_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sim_clock_init(enum sim_clock_mode mode) {
    pthread_mutex_lock(&clock_lock);
    clock_mode = mode;
    manual_base = wall_ms();
    offset = 0;
    last = 0;
    pthread_mutex_unlock(&clock_lock);
}

enum sim_clock_mode sim_clock_mode(void) {
    pthread_mutex_lock(&clock_lock);
    enum sim_clock_mode m = clock_mode;
    pthread_mutex_unlock(&clock_lock);
    return m;
}

const char *sim_clock_mode_name(enum sim_clock_mode mode) {
    return mode == SIM_CLOCK_MANUAL ? "manual" : "real";
}

bool sim_clock_parse_mode(const char *s, enum sim_clock_mode *out) {
    if (strcmp(s, "real") == 0)
        *out = SIM_CLOCK_REAL;
    else if (strcmp(s, "manual") == 0)
        *out = SIM_CLOCK_MANUAL;
    else
        return false;
    return true;
}

/* Under clock_lock. */
static int64_t now_locked(void) {
    int64_t t = (clock_mode == SIM_CLOCK_MANUAL ? manual_base : wall_ms()) + offset;
    if (t < last) /* the wall clock stepped back (NTP): hold still instead */
        t = last;
    last = t;
    return t;
}

int64_t sim_clock_advance(int64_t ms) {
    if (ms < 0)
        ms = 0;
    if (ms > SIM_CLOCK_MAX_ADVANCE_MS)
        ms = SIM_CLOCK_MAX_ADVANCE_MS;
    pthread_mutex_lock(&clock_lock);
    offset += ms;
    int64_t t = now_locked();
    pthread_mutex_unlock(&clock_lock);
    return t;
}

int64_t sim_now_ms(void) {
    pthread_mutex_lock(&clock_lock);
    int64_t t = now_locked();
    pthread_mutex_unlock(&clock_lock);
    return t;
}
