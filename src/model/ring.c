#include "ring.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

#define RING_FIRST_ALLOC 16

void ring_init(struct ring *r, size_t cap) {
    r->cap = cap ? cap : 1;
    r->v = NULL;
    r->dt = NULL;
    r->base = 0;
    r->alloc = 0;
    r->len = 0;
    r->head = 0;
}

void ring_free(struct ring *r) {
    free(r->v);
    free(r->dt);
    r->v = NULL;
    r->dt = NULL;
    r->base = 0;
    r->alloc = r->cap = r->len = r->head = 0;
}

/* A time as stored: ms from base (set by the first timed point). A time more than 24
 * days from it (a ring's points span minutes to hours) is clamped. */
static int32_t pack_time(struct ring *r, int64_t t) {
    if (t == 0)
        return RING_NO_TIME;
    if (r->base == 0)
        r->base = t;
    int64_t d = t - r->base;
    if (d >= INT32_MAX)
        d = INT32_MAX - 1;
    if (d <= RING_NO_TIME)
        d = (int64_t)RING_NO_TIME + 1;
    return (int32_t)d;
}

static int64_t unpack_time(const struct ring *r, int32_t d) {
    return d == RING_NO_TIME ? 0 : r->base + d;
}

static size_t slot(const struct ring *r, size_t i);

/* Room for one more point before the ring is full: storage doubles, the points moved to
 * [0, len) in order (after ring_expire the oldest need not be at 0). */
static void grow(struct ring *r) {
    if (r->len < r->alloc || r->alloc >= r->cap)
        return;
    size_t n = r->alloc ? r->alloc * 2 : RING_FIRST_ALLOC;
    if (n > r->cap)
        n = r->cap;
    float *v = xmalloc(n * sizeof *v);
    int32_t *dt = xmalloc(n * sizeof *dt);
    for (size_t i = 0; i < r->len; i++) {
        v[i] = r->v[slot(r, i)];
        dt[i] = r->dt[slot(r, i)];
    }
    free(r->v);
    free(r->dt);
    r->v = v;
    r->dt = dt;
    r->alloc = n;
    r->head = r->len;
}

void ring_push_at(struct ring *r, int64_t t, double v) {
    if (r->cap == 0)
        return;
    grow(r);
    r->v[r->head] = (float)v;
    r->dt[r->head] = pack_time(r, t);
    r->head = (r->head + 1) % r->alloc;
    if (r->len < r->cap)
        r->len++;
}

void ring_push(struct ring *r, double v) { ring_push_at(r, 0, v); }

/* Storage slot of the i-th point (0 = oldest). */
static size_t slot(const struct ring *r, size_t i) {
    size_t oldest = (r->head + r->alloc - r->len) % r->alloc;
    return (oldest + i) % r->alloc;
}

void ring_expire(struct ring *r, int64_t before) {
    while (r->len > 0) {
        int64_t t = ring_time(r, 0);
        if (t == 0 || t >= before)
            return;
        r->len--; /* the oldest slot is free now: (head - len) moves up one */
    }
}

void ring_insert(struct ring *r, int64_t t, double v) {
    if (r->cap == 0)
        return;
    grow(r);
    size_t pos = r->len; /* points [pos, len) are later than t and move up one */
    while (pos > 0 && ring_time(r, pos - 1) > t)
        pos--;
    if (r->len == r->cap) {
        if (pos == 0)
            return; /* older than everything a full ring holds */
        /* drop the oldest: the points before pos move down one instead */
        for (size_t i = 0; i + 1 < pos; i++) {
            r->v[slot(r, i)] = r->v[slot(r, i + 1)];
            r->dt[slot(r, i)] = r->dt[slot(r, i + 1)];
        }
        r->v[slot(r, pos - 1)] = (float)v;
        r->dt[slot(r, pos - 1)] = pack_time(r, t);
        return;
    }
    r->len++;
    r->head = (r->head + 1) % r->alloc;
    for (size_t i = r->len - 1; i > pos; i--) {
        r->v[slot(r, i)] = r->v[slot(r, i - 1)];
        r->dt[slot(r, i)] = r->dt[slot(r, i - 1)];
    }
    r->v[slot(r, pos)] = (float)v;
    r->dt[slot(r, pos)] = pack_time(r, t);
}

size_t ring_backfill(struct ring *r, const int64_t *t, const double *v, size_t n, int64_t step_ms) {
    if (r->cap == 0 || n == 0 || r->len == r->cap)
        return 0;
    int64_t limit = INT64_MAX;
    if (r->len > 0) {
        int64_t oldest = ring_time(r, 0);
        for (size_t i = 0; i < r->len; i++)
            if (ring_time(r, i) == 0)
                return 0; /* cannot say where a point without time goes */
        limit = oldest - (step_ms > 0 ? step_ms / 2 : 0);
        if (step_ms <= 0)
            limit = oldest; /* strictly older */
    }
    size_t room = r->cap - r->len;
    /* the points to add, oldest first: the samples before limit, then the gap's steps */
    size_t want = 0;
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < n; i++)
        if (t[i] < limit) {
            want++;
            last = i;
        }
    if (last == SIZE_MAX)
        return 0;
    size_t tail = 0; /* NaN steps between the last sample and the ring's oldest */
    if (step_ms > 0 && r->len > 0) {
        int64_t gap = ring_time(r, 0) - t[last];
        if (gap > step_ms + step_ms / 2)
            tail = (size_t)((gap - step_ms / 2) / step_ms);
        if (tail > r->cap)
            tail = r->cap;
    }
    size_t total = want + tail;
    size_t skip = total > room ? total - room : 0; /* the oldest that do not fit */
    size_t add = total - skip;
    size_t k_all = add + r->len; /* <= cap */
    float *nv = xcalloc(k_all, sizeof *nv);
    int64_t *nt = xcalloc(k_all, sizeof *nt); /* unpacked, while base may move */
    size_t k = 0, seen = 0;
    for (size_t i = 0; i < n && seen < want; i++) {
        if (t[i] >= limit)
            continue;
        if (seen++ < skip)
            continue;
        nv[k] = (float)v[i];
        nt[k++] = t[i];
    }
    for (size_t g = 1; g <= tail; g++) {
        if (seen++ < skip)
            continue;
        nv[k] = NAN;
        nt[k++] = t[last] + (int64_t)g * step_ms;
    }
    for (size_t i = 0; i < r->len; i++) {
        nv[k] = r->v[slot(r, i)];
        nt[k++] = ring_time(r, i);
    }
    free(r->v);
    free(r->dt);
    r->v = nv;
    r->dt = xcalloc(k, sizeof *r->dt);
    r->base = 0;
    for (size_t i = 0; i < k; i++)
        r->dt[i] = pack_time(r, nt[i]);
    free(nt);
    r->alloc = k;
    r->len = k;
    r->head = k % r->alloc;
    return add;
}

double ring_get(const struct ring *r, size_t i) {
    if (i >= r->len)
        return NAN;
    return r->v[slot(r, i)];
}

int64_t ring_time(const struct ring *r, size_t i) {
    return i < r->len ? unpack_time(r, r->dt[slot(r, i)]) : 0;
}

int64_t ring_last_time(const struct ring *r) { return r->len ? ring_time(r, r->len - 1) : 0; }

double ring_last(const struct ring *r) { return r->len ? ring_get(r, r->len - 1) : NAN; }

double ring_max(const struct ring *r) {
    double m = NAN;
    for (size_t i = 0; i < r->len; i++) {
        double x = ring_get(r, i);
        if (!isnan(x) && (isnan(m) || x > m))
            m = x;
    }
    return m;
}

double ring_min(const struct ring *r) {
    double m = NAN;
    for (size_t i = 0; i < r->len; i++) {
        double x = ring_get(r, i);
        if (!isnan(x) && (isnan(m) || x < m))
            m = x;
    }
    return m;
}
