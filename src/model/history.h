/* History: the rings of each job and task manager, fed from the model's changes.
 *
 * The pollers only write the model (a complete set of vertex metrics stamps
 * job_detail.metrics_ms, a task manager's metrics its metrics_ms, a checkpoint its ids);
 * history_update() then walks the model and takes one point from whatever is newer
 * than the ring's last, at the data's own time. A job seen less often than the refresh
 * rate gets NaN points for the refreshes it missed (up to HISTORY_GAP_STEPS_MAX, so one
 * entry stays one refresh period and charts keep their time axis; a longer gap is one
 * NaN point): a gap shows as a gap. Points older than the history window (ring_size
 * refreshes) are dropped as new ones come, so a job refreshed seldom holds a few points,
 * not ring_size of them. Rings keep each point's time, so points backfilled later
 * (ring_insert) line up. */
#ifndef FLINKTOP_HISTORY_H
#define FLINKTOP_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

/* Missed refreshes filled point by point; a longer gap is one NaN point. */
#define HISTORY_GAP_STEPS_MAX 5

struct app;
struct job_detail;

/* History of one job, from launch; bounded by the ring size. */
struct vertex_history {
    char id[33];
    struct ring in_per_s, out_per_s, busy, backpressured;
};

/* Which of a job's series Prometheus backfilled (job_history.backfilled): the rest are
 * Flink REST's own points from launch. */
enum {
    HISTORY_BF_THROUGHPUT = 1 << 0, /* in_per_s, out_per_s */
    HISTORY_BF_VERTICES = 1 << 1,   /* vertex in/out */
    HISTORY_BF_LOAD = 1 << 2,       /* vertex busy and backpressured, bp_max, busy_max */
    HISTORY_BF_CHECKPOINTS = 1 << 3 /* cp_duration_ms, cp_size */
};

struct job_history {
    struct ring in_per_s, out_per_s;     /* job totals: sum over source/sink vertices */
    struct ring bp_max, busy_max;        /* the worst vertex's ratio 0..1 */
    struct ring cp_duration_ms, cp_size; /* per completed checkpoint seen */
    unsigned backfilled;                 /* HISTORY_BF_* */
    int64_t cp_backfill_ms;              /* newest checkpoint backfilled: REST skips it */
    int64_t last_cp_id;                  /* the last checkpoint pushed */
    int64_t last_push_ms;                /* time of the last throughput point */
    struct vertex_history *vertices;     /* owned */
    size_t n_vertices;
    size_t ring_size;
};

/* Rings of ring_size entries; history_free frees them (not h). */
void history_init(struct job_history *h, size_t ring_size);
void history_free(struct job_history *h);
/* borrowed: that vertex's history, created on first use */
struct vertex_history *job_history_vertex(struct job_history *h, const char *id);
/* Take the job's new points: throughput and vertex metrics when d->metrics_ms is newer
 * than the last point (NaN points first for the refreshes of refresh_ms it missed), the
 * last completed checkpoint when it is a new one. */
void history_record_job(struct job_history *h, const struct job_detail *d, int refresh_ms);
/* A live point from Prometheus at t (its sample time) for a job whose REST details are not
 * refreshed (prom_cover.h): the job's throughput and worst ratios 0..1 (NaN unknown),
 * with NaN points first for the refreshes it missed and one NaN in each vertex's rings
 * (the gap, not a point a step); nothing when t is not newer than the last point by half
 * a refresh. */
void history_record_prom(struct job_history *h, int64_t t, double in, double out, double bp,
                         double busy, int refresh_ms);
/* Backfill ring r of h (one of its own or its vertices') with n points from before launch
 * (ring_backfill), and keep last_push_ms so live points that follow fill gaps from the
 * newest backfilled one. Returns the points added. */
size_t history_backfill(struct job_history *h, struct ring *r, const int64_t *t, const double *v,
                        size_t n, int64_t step_ms);
/* Every job and task manager of the app (heap rings made on first use, app->history_len
 * entries). Call after a poller changed the model. */
void history_update(struct app *a);

#endif
