/* A fixed-size ring of doubles: one history series (records/s, busy ratio, heap...).
 * Memory is fixed at init, so history is bounded by design. NaN marks a gap (no data
 * that refresh). */
#ifndef FLINKTOP_RING_H
#define FLINKTOP_RING_H

#include <stddef.h>

struct ring {
    float *v; /* owned, cap entries: float halves the memory, and is precise enough */
    size_t cap;
    size_t len;  /* entries held, <= cap */
    size_t head; /* index of the next write */
};

void ring_init(struct ring *r, size_t cap);
void ring_free(struct ring *r);
/* Append; when full the oldest value is dropped. */
void ring_push(struct ring *r, double v);
/* The i-th value, 0 = oldest; NaN when out of range. */
double ring_get(const struct ring *r, size_t i);
/* The newest value, NaN when empty. */
double ring_last(const struct ring *r);
/* Max and min over the non-NaN values; NaN when there are none. */
double ring_max(const struct ring *r);
double ring_min(const struct ring *r);

#endif
