/* A fixed-size ring of points: one history series (records/s, busy ratio, heap...).
 * Memory is bounded at init (cap points), and by time where the owner expires old points
 * (ring_expire). Each point has its time
 * (epoch ms; 0 when pushed without one), so points backfilled later (from Prometheus)
 * go in at their place; NaN marks a gap (no data that refresh). */
#ifndef FLINKTOP_RING_H
#define FLINKTOP_RING_H

#include <stddef.h>
#include <stdint.h>

struct ring {
    /* Storage grows as points come (16, doubling up to cap): a series a job never has
     * (checkpoints of a job without them, a vertex never measured) costs nothing, and a
     * job seen once costs a few points, not 15 minutes of them. Each point is 8 bytes:
     * its value as a float (precise enough) and its time as ms from base. */
    float *v;      /* owned, alloc entries; NULL before the first point */
    int32_t *dt;   /* owned, alloc entries: time - base in ms, RING_NO_TIME unknown */
    int64_t base;  /* epoch ms of the first timed point (the times' origin), 0 none yet */
    size_t alloc;  /* entries allocated, <= cap */
    size_t cap;    /* most points held; 0: not initialised (pushes are ignored) */
    size_t len;    /* entries held, <= cap */
    size_t head;   /* index of the next write */
};
#define RING_NO_TIME INT32_MIN

void ring_init(struct ring *r, size_t cap);
void ring_free(struct ring *r);
/* Append; when full the oldest value is dropped. ring_push's point has no time (0). */
void ring_push(struct ring *r, double v);
void ring_push_at(struct ring *r, int64_t t, double v);
/* Drop the oldest points whose time is before `before` (a point without time stays, and
 * so do the points after it): a series pushed seldom (a job off screen) holds its
 * history window, not cap points spanning hours. Storage is kept for the next points. */
void ring_expire(struct ring *r, int64_t before);
/* A point from before (backfill): goes in after every point not later than t. When the
 * ring is full the oldest point is dropped, or the new one when it is older still. */
void ring_insert(struct ring *r, int64_t t, double v);
/* Points from before the ring's own (a Prometheus backfill), oldest first, one every
 * step_ms (NaN where the source had none: a gap). Only points older than the ring's
 * oldest by at least half a step go in (live points win where both have one); with
 * step_ms > 0 the steps between the last of them and the ring's oldest become NaN points,
 * so the time axis stays one point a step. When there is not room for all, the newest
 * are kept. A ring holding a point without time (ring_push) takes none. O(cap).
 * Returns the number of points added. */
size_t ring_backfill(struct ring *r, const int64_t *t, const double *v, size_t n, int64_t step_ms);
/* The i-th point's time, 0 = oldest; 0 when out of range or unknown. */
int64_t ring_time(const struct ring *r, size_t i);
/* The newest point's time, 0 when empty. */
int64_t ring_last_time(const struct ring *r);
/* The i-th value, 0 = oldest; NaN when out of range. */
double ring_get(const struct ring *r, size_t i);
/* The newest value, NaN when empty. */
double ring_last(const struct ring *r);
/* Max and min over the non-NaN values; NaN when there are none. */
double ring_max(const struct ring *r);
double ring_min(const struct ring *r);

#endif
