/* When to draw: once per loop wake, only when something changed, and data-driven
 * frames at most every FRAME_PACER_MIN_MS (20 a second), however the answers trickle
 * in. A key (or a resize) is drawn at once: the user is waiting for it, and the frame
 * it makes counts as the latest, so the data frames behind it wait their interval.
 * The clock is a parameter (tests run it by hand). */
#ifndef FLINKTOP_FRAME_PACER_H
#define FLINKTOP_FRAME_PACER_H

#include <stdbool.h>
#include <stdint.h>

#define FRAME_PACER_MIN_MS 50

struct frame_pacer {
    bool data;  /* data changed since the last frame */
    bool input; /* a key or a resize since the last frame */
    int64_t last_ms;
    uint64_t frames;
};

void frame_pacer_init(struct frame_pacer *p);
/* Something visible changed: the data (answers, ticks) or the user's input. */
void frame_pacer_data(struct frame_pacer *p);
void frame_pacer_input(struct frame_pacer *p);
/* Draw now? When true, the caller draws and calls frame_pacer_drawn. */
bool frame_pacer_due(const struct frame_pacer *p, int64_t now_ms);
void frame_pacer_drawn(struct frame_pacer *p, int64_t now_ms);
/* How long the loop may sleep (at most max_ms) before a pending frame is due. */
int64_t frame_pacer_wait_ms(const struct frame_pacer *p, int64_t now_ms, int64_t max_ms);

#endif
