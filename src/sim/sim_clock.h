/* The simulator's one clock, read by everything that depends on time (action steps,
 * checkpoints, drift, failures and restarts, the metric fetcher, request times).
 *
 * Real (the default): the wall clock. Manual (--clock manual): time starts at the wall
 * time of start-up and stands still until a test moves it (POST /_sim/clock), so a test
 * sees ten minutes of a cluster's life in one request and never waits. In both modes
 * sim_clock_advance() jumps ahead; time never goes backwards. Process-wide state (the
 * clock is read from every connection thread without a handle), with its own lock. */
#ifndef FLINKTOP_SIM_CLOCK_H
#define FLINKTOP_SIM_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

enum sim_clock_mode { SIM_CLOCK_REAL, SIM_CLOCK_MANUAL };

/* At most this much in one sim_clock_advance() (a day: the model replays every step). */
#define SIM_CLOCK_MAX_ADVANCE_MS (24LL * 3600 * 1000)

/* Call once before any thread reads the clock; a manual clock starts at the wall time. */
void sim_clock_init(enum sim_clock_mode mode);
enum sim_clock_mode sim_clock_mode(void);
/* "real" or "manual" (static); the name of a mode from "real"/"manual" into *out. */
const char *sim_clock_mode_name(enum sim_clock_mode mode);
bool sim_clock_parse_mode(const char *s, enum sim_clock_mode *out);

/* Moves the clock ms (0..SIM_CLOCK_MAX_ADVANCE_MS) ahead; returns the new now. */
int64_t sim_clock_advance(int64_t ms);

/* The simulator's time, epoch milliseconds. */
int64_t sim_now_ms(void);

#endif
