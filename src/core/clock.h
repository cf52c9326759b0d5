/* Time in milliseconds: monotonic for timers and timeouts, wall clock for what the
 * user sees (ages, "last good at"). */
#ifndef FLINKTOP_CLOCK_H
#define FLINKTOP_CLOCK_H

#include <stdint.h>

int64_t clock_mono_ms(void);
int64_t clock_wall_ms(void);

#endif
