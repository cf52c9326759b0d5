#include "ring.h"

#include <math.h>
#include <stdlib.h>

#include "xalloc.h"

void ring_init(struct ring *r, size_t cap) {
    r->cap = cap ? cap : 1;
    r->v = xcalloc(r->cap, sizeof *r->v);
    r->len = 0;
    r->head = 0;
}

void ring_free(struct ring *r) {
    free(r->v);
    r->v = NULL;
    r->cap = r->len = r->head = 0;
}

void ring_push(struct ring *r, double v) {
    if (r->v == NULL)
        return;
    r->v[r->head] = (float)v;
    r->head = (r->head + 1) % r->cap;
    if (r->len < r->cap)
        r->len++;
}

double ring_get(const struct ring *r, size_t i) {
    if (i >= r->len)
        return NAN;
    size_t oldest = (r->head + r->cap - r->len) % r->cap;
    return r->v[(oldest + i) % r->cap];
}

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
