/* What decides that Prometheus answers for a job (prom_cover.h), on a test clock: the
 * jobs its last good answer named, per cluster; for at most three refresh periods; none
 * once cleared; the first answer awaited for one refresh period. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "clock.h"
#include "prom_cover.h"

#define T0 1800000000000LL
#define REFRESH 2000

static void named_jobs_of_their_cluster_only(void **state) {
    (void)state;
    struct clock c;
    clock_test_init(&c, T0);
    struct prom_cover pc;
    prom_cover_init(&pc);
    assert_false(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));  /* nothing said yet */
    assert_false(prom_cover_job(NULL, 0, "a", clock_now(&c), REFRESH)); /* no Prometheus */
    prom_cover_begin(&pc);
    prom_cover_add(&pc, 1, "b");
    prom_cover_add(&pc, 0, "a");
    prom_cover_add(&pc, 0, "a");        /* a series per task manager: the same job twice */
    prom_cover_add(&pc, SIZE_MAX, "z"); /* no label says which cluster: any */
    prom_cover_add(&pc, 2, "");         /* no id: never */
    prom_cover_commit(&pc, clock_now(&c));
    assert_true(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));
    assert_false(prom_cover_job(&pc, 1, "a", clock_now(&c), REFRESH));
    assert_true(prom_cover_job(&pc, 1, "b", clock_now(&c), REFRESH));
    assert_false(prom_cover_job(&pc, 0, "b", clock_now(&c), REFRESH));
    assert_true(prom_cover_job(&pc, 7, "z", clock_now(&c), REFRESH));
    assert_false(prom_cover_job(&pc, 2, "", clock_now(&c), REFRESH));
    assert_false(prom_cover_job(&pc, 0, "c", clock_now(&c), REFRESH));
    /* the next answer replaces the set */
    prom_cover_begin(&pc);
    prom_cover_add(&pc, 0, "c");
    prom_cover_commit(&pc, clock_now(&c));
    assert_false(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));
    assert_true(prom_cover_job(&pc, 0, "c", clock_now(&c), REFRESH));
    prom_cover_free(&pc);
}

static void stale_after_three_refreshes_and_cleared_at_once(void **state) {
    (void)state;
    struct clock c;
    clock_test_init(&c, T0);
    struct prom_cover pc;
    prom_cover_init(&pc);
    prom_cover_begin(&pc);
    prom_cover_add(&pc, 0, "a");
    prom_cover_commit(&pc, clock_now(&c));
    clock_advance(&c, PROM_COVER_MAX_PERIODS * REFRESH);
    assert_true(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));
    clock_advance(&c, 1); /* rounds hang: stale, REST again */
    assert_false(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));
    prom_cover_commit(&pc, clock_now(&c)); /* an answer again */
    assert_true(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));
    prom_cover_clear(&pc, 0); /* a failed round */
    assert_false(prom_cover_job(&pc, 0, "a", clock_now(&c), REFRESH));
    assert_false(prom_cover_waiting(&pc, clock_now(&c), REFRESH));
    prom_cover_free(&pc);
}

static void first_answer_awaited_one_refresh(void **state) {
    (void)state;
    struct clock c;
    clock_test_init(&c, T0);
    struct prom_cover pc;
    prom_cover_init(&pc);
    assert_false(prom_cover_waiting(&pc, clock_now(&c), REFRESH));
    assert_false(prom_cover_waiting(NULL, clock_now(&c), REFRESH));
    prom_cover_clear(&pc, clock_now(&c)); /* a Prometheus starts, or moves */
    assert_true(prom_cover_waiting(&pc, clock_now(&c), REFRESH));
    clock_advance(&c, REFRESH - 1);
    assert_true(prom_cover_waiting(&pc, clock_now(&c), REFRESH));
    clock_advance(&c, 1);
    assert_false(prom_cover_waiting(&pc, clock_now(&c), REFRESH));
    prom_cover_clear(&pc, clock_now(&c));
    prom_cover_commit(&pc, clock_now(&c)); /* it answered: no more waiting */
    assert_false(prom_cover_waiting(&pc, clock_now(&c), REFRESH));
    prom_cover_free(&pc);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(named_jobs_of_their_cluster_only),
        cmocka_unit_test(stale_after_three_refreshes_and_cleared_at_once),
        cmocka_unit_test(first_answer_awaited_one_refresh),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
