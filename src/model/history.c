#include "history.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "job_detail.h"
#include "xalloc.h"

void history_init(struct job_history *h, size_t ring_size) {
    memset(h, 0, sizeof *h);
    h->ring_size = ring_size;
    ring_init(&h->in_per_s, ring_size);
    ring_init(&h->out_per_s, ring_size);
    ring_init(&h->bp_max, ring_size);
    ring_init(&h->busy_max, ring_size);
    ring_init(&h->cp_duration_ms, ring_size);
    ring_init(&h->cp_size, ring_size);
    h->last_cp_id = -1;
}

void history_free(struct job_history *h) {
    ring_free(&h->in_per_s);
    ring_free(&h->out_per_s);
    ring_free(&h->bp_max);
    ring_free(&h->busy_max);
    ring_free(&h->cp_duration_ms);
    ring_free(&h->cp_size);
    for (size_t i = 0; i < h->n_vertices; i++) {
        struct vertex_history *v = &h->vertices[i];
        ring_free(&v->in_per_s);
        ring_free(&v->out_per_s);
        ring_free(&v->busy);
        ring_free(&v->backpressured);
    }
    free(h->vertices);
    memset(h, 0, sizeof *h);
}

struct vertex_history *job_history_vertex(struct job_history *h, const char *id) {
    for (size_t i = 0; i < h->n_vertices; i++)
        if (strcmp(h->vertices[i].id, id) == 0)
            return &h->vertices[i];
    h->vertices = xrealloc(h->vertices, (h->n_vertices + 1) * sizeof *h->vertices);
    struct vertex_history *v = &h->vertices[h->n_vertices++];
    memset(v, 0, sizeof *v);
    snprintf(v->id, sizeof v->id, "%s", id);
    ring_init(&v->in_per_s, h->ring_size);
    ring_init(&v->out_per_s, h->ring_size);
    ring_init(&v->busy, h->ring_size);
    ring_init(&v->backpressured, h->ring_size);
    return v;
}

/* NaN points for the refreshes between the last point and t: one a refresh period for a
 * few (a slow answer), one for a longer gap (a job off screen, refreshed in turn with
 * the others: a point a refresh for it would fill every ring of a 1,000-job fleet with
 * gaps, 80 MB of them). */
static void push_gaps(struct job_history *h, int64_t t, int refresh_ms) {
    if (h->last_push_ms <= 0 || refresh_ms <= 0)
        return;
    int64_t missed = (t - h->last_push_ms) / refresh_ms - 1;
    if (missed > HISTORY_GAP_STEPS_MAX)
        missed = 1;
    for (int64_t i = 1; i <= missed; i++) {
        int64_t at = h->last_push_ms + i * refresh_ms;
        ring_push_at(&h->in_per_s, at, NAN);
        ring_push_at(&h->out_per_s, at, NAN);
        ring_push_at(&h->bp_max, at, NAN);
        ring_push_at(&h->busy_max, at, NAN);
        for (size_t v = 0; v < h->n_vertices; v++) {
            if (h->vertices[v].in_per_s.len > 0 && isnan(ring_last(&h->vertices[v].in_per_s)))
                continue; /* already in a gap (Prometheus's rounds have no vertices) */
            ring_push_at(&h->vertices[v].in_per_s, at, NAN);
            ring_push_at(&h->vertices[v].out_per_s, at, NAN);
            ring_push_at(&h->vertices[v].busy, at, NAN);
            ring_push_at(&h->vertices[v].backpressured, at, NAN);
        }
    }
}

/* Where the history window that ends at t begins: 0 (keep everything) without a refresh
 * period to measure it in. */
static int64_t window_start(int64_t t, size_t ring_size, int refresh_ms) {
    return refresh_ms > 0 ? t - (int64_t)ring_size * refresh_ms : 0;
}

/* The time-gridded rings keep the history window (ring_size refreshes), whatever their
 * number of points (the checkpoints' too, as each checkpoint comes). */
static void expire(struct job_history *h, int64_t before) {
    if (before <= 0)
        return;
    ring_expire(&h->in_per_s, before);
    ring_expire(&h->out_per_s, before);
    ring_expire(&h->bp_max, before);
    ring_expire(&h->busy_max, before);
    for (size_t v = 0; v < h->n_vertices; v++) {
        ring_expire(&h->vertices[v].in_per_s, before);
        ring_expire(&h->vertices[v].out_per_s, before);
        ring_expire(&h->vertices[v].busy, before);
        ring_expire(&h->vertices[v].backpressured, before);
    }
}

void history_record_job(struct job_history *h, const struct job_detail *d, int refresh_ms) {
    if (d->metrics_ms > 0 && d->metrics_ms > h->last_push_ms) {
        int64_t t = d->metrics_ms;
        push_gaps(h, t, refresh_ms);
        h->last_push_ms = t;
        double bp = NAN, busy = NAN;
        for (size_t i = 0; i < d->vertices.len; i++) {
            const struct vertex *v = &d->vertices.items[i];
            struct vertex_history *vh = job_history_vertex(h, v->id);
            ring_push_at(&vh->in_per_s, t, v->in_per_s);
            ring_push_at(&vh->out_per_s, t, v->out_per_s);
            ring_push_at(&vh->busy, t, v->busy_ms / 1000.0);
            ring_push_at(&vh->backpressured, t, v->backpressured_ms / 1000.0);
            if (!isnan(v->backpressured_ms) && (isnan(bp) || v->backpressured_ms / 1000.0 > bp))
                bp = v->backpressured_ms / 1000.0;
            if (!isnan(v->busy_ms) && (isnan(busy) || v->busy_ms / 1000.0 > busy))
                busy = v->busy_ms / 1000.0;
        }
        ring_push_at(&h->bp_max, t, bp);
        ring_push_at(&h->busy_max, t, busy);
        ring_push_at(&h->in_per_s, t, d->records_in_per_s);
        ring_push_at(&h->out_per_s, t, d->records_out_per_s);
        expire(h, window_start(t, h->ring_size, refresh_ms));
    }
    const struct checkpoint *lc = &d->checkpoints.last_completed;
    if (d->have_checkpoints && lc->id >= 0 && lc->id != h->last_cp_id) {
        int64_t t = lc->ack_ts > 0 ? lc->ack_ts : lc->trigger_ts > 0 ? lc->trigger_ts : 0;
        h->last_cp_id = lc->id;
        if (t > 0 && t <= h->cp_backfill_ms)
            return; /* Prometheus's backfill has this one already */
        ring_push_at(&h->cp_duration_ms, t, (double)lc->duration_ms);
        ring_push_at(&h->cp_size, t, (double)lc->size_bytes);
        h->last_cp_id = lc->id;
        if (t > 0) { /* the checkpoints of the window too, not ring_size of them */
            ring_expire(&h->cp_duration_ms, window_start(t, h->ring_size, refresh_ms));
            ring_expire(&h->cp_size, window_start(t, h->ring_size, refresh_ms));
        }
    }
}

void history_record_prom(struct job_history *h, int64_t t, double in, double out, double bp,
                         double busy, int refresh_ms) {
    if (t <= 0 || t - h->last_push_ms < (refresh_ms > 0 ? refresh_ms : 2000) / 2)
        return;
    push_gaps(h, t, refresh_ms);
    h->last_push_ms = t;
    ring_push_at(&h->in_per_s, t, in);
    ring_push_at(&h->out_per_s, t, out);
    ring_push_at(&h->bp_max, t, bp);
    ring_push_at(&h->busy_max, t, busy);
    /* the vertices have no figures from these queries: one NaN marks the gap in their
     * rings (not one a step: a fleet of covered jobs would fill them all with gaps) */
    for (size_t v = 0; v < h->n_vertices; v++) {
        struct vertex_history *vh = &h->vertices[v];
        if (vh->in_per_s.len > 0 && isnan(ring_last(&vh->in_per_s)))
            continue;
        ring_push_at(&vh->in_per_s, t, NAN);
        ring_push_at(&vh->out_per_s, t, NAN);
        ring_push_at(&vh->busy, t, NAN);
        ring_push_at(&vh->backpressured, t, NAN);
    }
    expire(h, window_start(t, h->ring_size, refresh_ms));
}

size_t history_backfill(struct job_history *h, struct ring *r, const int64_t *t, const double *v,
                        size_t n, int64_t step_ms) {
    size_t added = ring_backfill(r, t, v, n, step_ms);
    /* no live point yet: the next one's gaps count from the newest backfilled */
    if (added > 0 && step_ms > 0 && ring_last_time(r) > h->last_push_ms && r->len == added)
        h->last_push_ms = ring_last_time(r);
    return added;
}

void history_update(struct app *a) {
    size_t ring_size = a->history_len ? a->history_len : 450;
    for (size_t ci = 0; ci < a->n_clusters; ci++) {
        struct cluster *c = &a->clusters[ci];
        for (size_t i = 0; i < c->jobs.len; i++)
            if (c->jobs.items[i].detail)
                history_record_job(&c->jobs.items[i].detail->history, c->jobs.items[i].detail,
                                   a->refresh_ms);
        for (size_t i = 0; i < c->taskmanagers.len; i++) {
            struct taskmanager *t = &c->taskmanagers.items[i];
            if (t->heap_used.cap == 0)
                ring_init(&t->heap_used, ring_size);
            if (t->metrics_ms > 0 && t->metrics_ms > ring_last_time(&t->heap_used)) {
                ring_push_at(&t->heap_used, t->metrics_ms, t->metrics.heap_used);
                ring_expire(&t->heap_used, window_start(t->metrics_ms, ring_size, a->refresh_ms));
            }
        }
    }
}
