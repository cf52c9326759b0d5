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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wraps_around_keeping_newest),  cmocka_unit_test(empty_ring_is_unknown),
        cmocka_unit_test(max_min_skip_nan_gaps),        cmocka_unit_test(points_keep_their_time),
        cmocka_unit_test(backfill_goes_in_at_its_time),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
