/* History rings: bounded memory, oldest-first order, NaN gaps ignored by max/min. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>

#include "ring.h"

static void wraps_around_keeping_newest(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 3);
    for (int i = 1; i <= 5; i++)
        ring_push(&r, i);
    assert_int_equal(r.len, 3);
    assert_true(ring_get(&r, 0) == 3.0);
    assert_true(ring_get(&r, 1) == 4.0);
    assert_true(ring_get(&r, 2) == 5.0);
    assert_true(ring_last(&r) == 5.0);
    assert_true(isnan(ring_get(&r, 3)));
    ring_free(&r);
}

static void empty_ring_is_unknown(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 4);
    assert_true(isnan(ring_last(&r)));
    assert_true(isnan(ring_max(&r)));
    assert_true(isnan(ring_min(&r)));
    ring_free(&r);
}

static void max_min_skip_nan_gaps(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 5);
    ring_push(&r, NAN);
    ring_push(&r, 7);
    ring_push(&r, NAN);
    ring_push(&r, -2);
    assert_true(ring_max(&r) == 7.0);
    assert_true(ring_min(&r) == -2.0);
    ring_free(&r);
}

static void points_keep_their_time(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 2);
    ring_push_at(&r, 1000, 1);
    ring_push_at(&r, 2000, 2);
    ring_push_at(&r, 3000, 3);
    assert_true(ring_time(&r, 0) == 2000 && ring_get(&r, 0) == 2.0);
    assert_true(ring_last_time(&r) == 3000);
    assert_true(ring_time(&r, 2) == 0);
    ring_free(&r);
}

/* Backfilled points (Prometheus' range query answers after live points arrived) go in
 * at their time, not at the end. */
static void backfill_goes_in_at_its_time(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 4);
    ring_push_at(&r, 3000, 3);
    ring_push_at(&r, 4000, 4);
    ring_insert(&r, 1000, 1);
    ring_insert(&r, 2000, 2);
    assert_int_equal(r.len, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_true(ring_get(&r, i) == (double)(i + 1));
        assert_true(ring_time(&r, i) == (int64_t)(i + 1) * 1000);
    }
    /* full: a point older than all is dropped, a newer backfill drops the oldest */
    ring_insert(&r, 500, 0.5);
    assert_true(ring_get(&r, 0) == 1.0);
    ring_insert(&r, 2500, 2.5);
    assert_true(ring_get(&r, 0) == 2.0 && ring_get(&r, 1) == 2.5 && ring_get(&r, 2) == 3.0);
    assert_true(ring_last(&r) == 4.0);
    ring_free(&r);
}

/* Storage comes with the points: an initialised ring without points holds none, one
 * seen a few times holds a few, and growing keeps every point in order; times survive
 * compact storage (ms from the first) exactly. */
static void storage_grows_with_the_points(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 450);
    assert_null(r.v);
    assert_int_equal(r.alloc, 0);
    ring_push_at(&r, 1800000000000LL, 1);
    assert_true(r.alloc > 0 && r.alloc <= 16);
    for (int i = 1; i < 100; i++)
        ring_push_at(&r, 1800000000000LL + i * 2000LL, i + 1);
    assert_int_equal(r.len, 100);
    assert_true(r.alloc >= 100 && r.alloc < 450);
    for (size_t i = 0; i < 100; i++) {
        assert_true(ring_get(&r, i) == (double)(i + 1));
        assert_true(ring_time(&r, i) == 1800000000000LL + (int64_t)i * 2000);
    }
    for (int i = 100; i < 500; i++) /* full: the oldest drop */
        ring_push_at(&r, 1800000000000LL + i * 2000LL, i + 1);
    assert_int_equal(r.len, 450);
    assert_int_equal(r.alloc, 450);
    assert_true(ring_get(&r, 0) == 51.0);
    assert_true(ring_time(&r, 449) == 1800000000000LL + 499 * 2000LL);
    /* a point older than the first (a backfill) keeps its time too */
    struct ring b;
    ring_init(&b, 8);
    ring_push_at(&b, 1800000010000LL, 2);
    ring_insert(&b, 1800000000000LL, 1);
    assert_true(ring_time(&b, 0) == 1800000000000LL && ring_get(&b, 0) == 1.0);
    assert_true(ring_time(&b, 1) == 1800000010000LL);
    ring_free(&b);
    ring_free(&r);
}

/* A series pushed seldom keeps its window, not cap points spanning hours: the points
 * older than the cut go, storage stays small, and growing after an expiry (the oldest
 * no longer at the start of storage) keeps every point in order. */
static void expired_points_go_and_storage_stays_small(void **state) {
    (void)state;
    const int64_t t0 = 1800000000000LL;
    struct ring r;
    ring_init(&r, 450);
    /* a job off screen: a point a minute for three hours, a 15-minute window */
    for (int i = 0; i < 180; i++) {
        ring_push_at(&r, t0 + i * 60000LL, i);
        ring_expire(&r, t0 + i * 60000LL - 15 * 60000LL);
    }
    assert_int_equal(r.len, 16); /* minutes 164..179: those not older than the cut */
    assert_true(ring_get(&r, 0) == 164.0 && ring_last(&r) == 179.0);
    assert_true(r.alloc <= 32);
    /* a point without time is never expired, nor what follows it */
    struct ring n;
    ring_init(&n, 8);
    ring_push(&n, 1);
    ring_push_at(&n, t0, 2);
    ring_expire(&n, t0 + 1);
    assert_int_equal(n.len, 2);
    ring_free(&n);
    /* expiry while storage is smaller than cap, then growth: order and times kept */
    struct ring g;
    ring_init(&g, 64);
    for (int i = 0; i < 16; i++)
        ring_push_at(&g, t0 + i * 1000LL, i);
    ring_expire(&g, t0 + 10 * 1000LL); /* 0..9 go: the oldest is now mid-storage */
    assert_int_equal(g.len, 6);
    for (int i = 16; i < 40; i++) /* wraps in 16 slots, then grows twice */
        ring_push_at(&g, t0 + i * 1000LL, i);
    assert_int_equal(g.len, 30);
    for (size_t i = 0; i < g.len; i++) {
        assert_true(ring_get(&g, i) == (double)(10 + i));
        assert_true(ring_time(&g, i) == t0 + (int64_t)(10 + i) * 1000);
    }
    ring_free(&g);
    ring_free(&r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wraps_around_keeping_newest),  cmocka_unit_test(empty_ring_is_unknown),
        cmocka_unit_test(max_min_skip_nan_gaps),        cmocka_unit_test(points_keep_their_time),
        cmocka_unit_test(storage_grows_with_the_points),
        cmocka_unit_test(backfill_goes_in_at_its_time),
        cmocka_unit_test(expired_points_go_and_storage_stays_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
