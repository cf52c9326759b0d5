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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wraps_around_keeping_newest),
        cmocka_unit_test(empty_ring_is_unknown),
        cmocka_unit_test(max_min_skip_nan_gaps),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
