/* History from before launch merged into the rings: Prometheus's steps go in before the
 * live Flink REST points, by time; where both have a point the live one stays; a step
 * with nothing is a gap; the live points that follow count their missed refreshes from
 * the newest backfilled one; a checkpoint backfilled is not pushed again by REST. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "history.h"
#include "job_detail.h"
#include "ring.h"

/* Ring r holds points at t0, t0 + step, ... (n of them). */
static void assert_steps(const struct ring *r, int64_t t0, int64_t step, size_t n) {
    assert_int_equal(r->len, n);
    for (size_t i = 0; i < n; i++)
        assert_true(ring_time(r, i) == t0 + (int64_t)i * step);
}

static void live_points_win_where_both_have_one(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 16);
    ring_push_at(&r, 10000, 100);
    ring_push_at(&r, 11000, 110);
    int64_t t[7];
    double v[7];
    for (int i = 0; i < 7; i++) {
        t[i] = 5000 + i * 1000;
        v[i] = 5 + i; /* 5..11: not the live values */
    }
    assert_int_equal(ring_backfill(&r, t, v, 7, 1000), 5);
    assert_steps(&r, 5000, 1000, 7);
    for (size_t i = 0; i < 5; i++)
        assert_true(ring_get(&r, i) == (double)(5 + i));
    assert_true(ring_get(&r, 5) == 100.0 && ring_get(&r, 6) == 110.0);
    /* the same answer again (a retried batch) adds nothing */
    assert_int_equal(ring_backfill(&r, t, v, 7, 1000), 0);
    assert_int_equal(r.len, 7);
    /* a live point after the backfill goes on the end */
    ring_push_at(&r, 12000, 120);
    assert_steps(&r, 5000, 1000, 8);
    assert_true(ring_last(&r) == 120.0);
    ring_free(&r);
}

/* A step Prometheus had nothing for, and the steps between its last and the first live
 * point, are NaN points: the chart keeps one point a step and draws the gap. A live point
 * a little off the step grid (REST's own time) still lines up. */
static void missing_steps_are_gaps(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 16);
    ring_push_at(&r, 8040, 80);
    int64_t t[] = {1000, 2000, 3000, 4000};
    double v[] = {1, 2, NAN, 4};
    assert_int_equal(ring_backfill(&r, t, v, 4, 1000), 7);
    assert_int_equal(r.len, 8);
    for (size_t i = 0; i < 7; i++)
        assert_true(ring_time(&r, i) == 1000 + (int64_t)i * 1000);
    assert_true(ring_get(&r, 0) == 1.0 && ring_get(&r, 1) == 2.0);
    assert_true(isnan(ring_get(&r, 2)));
    assert_true(ring_get(&r, 3) == 4.0);
    assert_true(isnan(ring_get(&r, 4)) && isnan(ring_get(&r, 5)) && isnan(ring_get(&r, 6)));
    assert_true(ring_time(&r, 7) == 8040 && ring_get(&r, 7) == 80.0);
    assert_true(ring_max(&r) == 80.0 && ring_min(&r) == 1.0);
    ring_free(&r);
}

/* Bounded: what does not fit is the oldest; a full ring takes nothing; a ring holding a
 * point without time (cannot say where it goes) takes nothing. */
static void bounded_newest_kept(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 5);
    ring_push_at(&r, 20000, 20);
    ring_push_at(&r, 21000, 21);
    int64_t t[10];
    double v[10];
    for (int i = 0; i < 10; i++) {
        t[i] = 10000 + i * 1000;
        v[i] = 10 + i;
    }
    /* 10 samples and a 0 s gap: 3 fit, the newest (17, 18, 19) */
    assert_int_equal(ring_backfill(&r, t, v, 10, 1000), 3);
    assert_steps(&r, 17000, 1000, 5);
    assert_true(ring_get(&r, 0) == 17.0 && ring_get(&r, 4) == 21.0);
    assert_int_equal(ring_backfill(&r, t, v, 10, 1000), 0);
    ring_free(&r);

    ring_init(&r, 5);
    ring_push(&r, 1);
    assert_int_equal(ring_backfill(&r, t, v, 10, 1000), 0);
    assert_int_equal(r.len, 1);
    ring_free(&r);

    /* empty: everything, in order, and it wraps like any ring afterwards */
    ring_init(&r, 4);
    assert_int_equal(ring_backfill(&r, t, v, 3, 1000), 3);
    assert_steps(&r, 10000, 1000, 3);
    ring_push_at(&r, 13000, 13);
    ring_push_at(&r, 14000, 14);
    assert_steps(&r, 11000, 1000, 4);
    assert_true(ring_get(&r, 0) == 11.0 && ring_last(&r) == 14.0);
    ring_free(&r);
}

/* Step 0 (checkpoints: one point each, no grid): only points strictly older go in, no
 * NaN filling. */
static void checkpoints_have_no_grid(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 8);
    ring_push_at(&r, 50000, 500);
    int64_t t[] = {10000, 27000, 50000};
    double v[] = {100, 270, 501};
    assert_int_equal(ring_backfill(&r, t, v, 3, 0), 2);
    assert_int_equal(r.len, 3);
    assert_true(ring_time(&r, 1) == 27000 && ring_get(&r, 2) == 500.0);
    ring_free(&r);
}

/* Backfilled before any live point: the first REST point counts its missed refreshes
 * from the newest backfilled step (gaps), and a checkpoint the backfill had already is
 * not pushed twice. */
static void history_continues_from_the_backfill(void **state) {
    (void)state;
    struct job_detail *d = job_detail_new(32);
    struct job_history *h = &d->history;
    int64_t t[] = {1000, 2000, 3000, 4000, 5000};
    double v[] = {1, 2, 3, 4, 5};
    assert_int_equal(history_backfill(h, &h->in_per_s, t, v, 5, 1000), 5);
    assert_true(h->last_push_ms == 5000);
    d->metrics_ms = 8000;
    d->records_in_per_s = 8;
    d->records_out_per_s = 7;
    h->cp_backfill_ms = 4500;
    d->have_checkpoints = true;
    d->checkpoints.last_completed.id = 3;
    d->checkpoints.last_completed.ack_ts = 4500;
    d->checkpoints.last_completed.duration_ms = 120;
    history_record_job(h, d, 1000);
    assert_steps(&h->in_per_s, 1000, 1000, 8);
    assert_true(isnan(ring_get(&h->in_per_s, 5)) && isnan(ring_get(&h->in_per_s, 6)));
    assert_true(ring_last(&h->in_per_s) == 8.0);
    /* out had no backfill: its gaps start at the same place, one point a refresh */
    assert_int_equal(h->out_per_s.len, 3);
    assert_true(ring_last(&h->out_per_s) == 7.0);
    assert_int_equal(h->cp_duration_ms.len, 0);
    /* the next checkpoint is REST's */
    d->checkpoints.last_completed.id = 4;
    d->checkpoints.last_completed.ack_ts = 9000;
    history_record_job(h, d, 1000);
    assert_int_equal(h->cp_duration_ms.len, 1);
    job_detail_free(d);
}

/* A job off screen, refreshed in turn with 999 others: a long gap is one NaN point (not
 * a point a refresh, which would fill every ring of the fleet), a short one is a point a
 * missed refresh, and the rings keep the history window (ring size x refresh). */
static void a_job_seen_seldom_holds_its_window_not_a_ring_of_gaps(void **state) {
    (void)state;
    struct job_detail *d = job_detail_new(450); /* 15 minutes at 2 s */
    struct job_history *h = &d->history;
    d->records_in_per_s = 1;
    d->records_out_per_s = 1;
    const int64_t t0 = 1800000000000LL;
    d->have_checkpoints = true;
    d->checkpoints.last_completed.duration_ms = 100;
    for (int i = 0; i < 60; i++) { /* a point and a checkpoint every 5 minutes, 5 hours */
        d->metrics_ms = t0 + i * 300000LL;
        d->checkpoints.last_completed.id = i;
        d->checkpoints.last_completed.ack_ts = d->metrics_ms;
        history_record_job(h, d, 2000);
    }
    assert_int_equal(h->cp_duration_ms.len, 4); /* the checkpoints of the window */
    /* the last 15 minutes: 4 points and a gap before each but the oldest */
    assert_int_equal(h->in_per_s.len, 7);
    assert_true(h->in_per_s.alloc <= 16);
    assert_false(isnan(ring_get(&h->in_per_s, 0)));
    assert_true(isnan(ring_get(&h->in_per_s, 1)));
    assert_true(ring_time(&h->in_per_s, 1) == t0 + 56 * 300000LL + 2000);
    assert_true(ring_last_time(&h->in_per_s) == t0 + 59 * 300000LL);
    /* on screen again: 3 missed refreshes are 3 NaN points, one a refresh */
    d->metrics_ms = t0 + 59 * 300000LL + 8000;
    history_record_job(h, d, 2000);
    /* ... and the window moved past the oldest point and its gap */
    assert_int_equal(h->in_per_s.len, 9);
    assert_true(ring_time(&h->in_per_s, 0) == t0 + 57 * 300000LL);
    for (size_t i = 5; i < 8; i++)
        assert_true(isnan(ring_get(&h->in_per_s, i)));
    assert_true(ring_last(&h->in_per_s) == 1.0);
    job_detail_free(d);
}

/* A job Prometheus covers takes its live point each round: one a refresh step, NaN
 * points for the rounds it missed, nothing for a sample too close to the last. */
static void prometheus_live_points_one_a_step(void **state) {
    (void)state;
    struct job_history h;
    history_init(&h, 16);
    struct vertex_history *vh = job_history_vertex(&h, "v1");
    history_record_prom(&h, 10000, 5, 6, 0.25, 0.5, 1000);
    history_record_prom(&h, 10200, 7, 8, 0.3, 0.6, 1000); /* the same round seen again */
    history_record_prom(&h, 13000, 9, 10, 0.1, 0.2, 1000);
    assert_steps(&h.in_per_s, 10000, 1000, 4);
    assert_steps(&h.bp_max, 10000, 1000, 4);
    assert_true(ring_get(&h.in_per_s, 0) == 5.0 && ring_get(&h.out_per_s, 3) == 10.0);
    assert_true(isnan(ring_get(&h.in_per_s, 1)) && isnan(ring_get(&h.in_per_s, 2)));
    assert_true(ring_get(&h.busy_max, 0) == 0.5);
    assert_int_equal(vh->in_per_s.len, 1); /* the vertices: one NaN marks their gap */
    assert_true(isnan(ring_get(&vh->busy, 0)));
    history_free(&h);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(live_points_win_where_both_have_one),
        cmocka_unit_test(missing_steps_are_gaps),
        cmocka_unit_test(a_job_seen_seldom_holds_its_window_not_a_ring_of_gaps),
        cmocka_unit_test(bounded_newest_kept),
        cmocka_unit_test(checkpoints_have_no_grid),
        cmocka_unit_test(history_continues_from_the_backfill),
        cmocka_unit_test(prometheus_live_points_one_a_step),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
