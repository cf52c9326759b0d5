#include "ring.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "xalloc.h"

void ring_init(struct ring *r, size_t cap) {
    r->cap = cap ? cap : 1;
    r->v = xcalloc(r->cap, sizeof *r->v);
    r->t = xcalloc(r->cap, sizeof *r->t);
    r->len = 0;
    r->head = 0;
}

void ring_free(struct ring *r) {
    free(r->v);
    free(r->t);
    r->v = NULL;
    r->t = NULL;
    r->cap = r->len = r->head = 0;
}

void ring_push_at(struct ring *r, int64_t t, double v) {
    if (r->v == NULL)
        return;
    r->v[r->head] = (float)v;
    r->t[r->head] = t;
    r->head = (r->head + 1) % r->cap;
    if (r->len < r->cap)
        r->len++;
}

void ring_push(struct ring *r, double v) { ring_push_at(r, 0, v); }

/* Storage slot of the i-th point (0 = oldest). */
static size_t slot(const struct ring *r, size_t i) {
    size_t oldest = (r->head + r->cap - r->len) % r->cap;
    return (oldest + i) % r->cap;
}

void ring_insert(struct ring *r, int64_t t, double v) {
    if (r->v == NULL)
        return;
    size_t pos = r->len; /* points [pos, len) are later than t and move up one */
    while (pos > 0 && r->t[slot(r, pos - 1)] > t)
        pos--;
    if (r->len == r->cap) {
        if (pos == 0)
            return; /* older than everything a full ring holds */
        /* drop the oldest: the points before pos move down one instead */
        for (size_t i = 0; i + 1 < pos; i++) {
            r->v[slot(r, i)] = r->v[slot(r, i + 1)];
            r->t[slot(r, i)] = r->t[slot(r, i + 1)];
        }
        r->v[slot(r, pos - 1)] = (float)v;
        r->t[slot(r, pos - 1)] = t;
        return;
    }
    r->len++;
    r->head = (r->head + 1) % r->cap;
    for (size_t i = r->len - 1; i > pos; i--) {
        r->v[slot(r, i)] = r->v[slot(r, i - 1)];
        r->t[slot(r, i)] = r->t[slot(r, i - 1)];
    }
    r->v[slot(r, pos)] = (float)v;
    r->t[slot(r, pos)] = t;
}

size_t ring_backfill(struct ring *r, const int64_t *t, const double *v, size_t n, int64_t step_ms) {
    if (r->v == NULL || n == 0 || r->len == r->cap)
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
    float *nv = xcalloc(r->cap, sizeof *nv);
    int64_t *nt = xcalloc(r->cap, sizeof *nt);
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
        nt[k++] = r->t[slot(r, i)];
    }
    free(r->v);
    free(r->t);
    r->v = nv;
    r->t = nt;
    r->len = k;
    r->head = k % r->cap;
    return add;
}

double ring_get(const struct ring *r, size_t i) {
    if (i >= r->len)
        return NAN;
    return r->v[slot(r, i)];
}

int64_t ring_time(const struct ring *r, size_t i) { return i < r->len ? r->t[slot(r, i)] : 0; }

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
