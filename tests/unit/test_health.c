/* Job health: the triage class and the reason in words, the failure streak from the ids
 * Flink reports, and the order the fleet board sorts by. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "vertex_name.h"
#include "xalloc.h"

#define NOW 1700000000000LL
#define MIN 60000LL

static void job_running(struct job *j) {
    job_init(j);
    j->state = JOB_RUNNING;
    j->start_time = NOW - 120 * MIN;
    j->detail = job_detail_new(8);
}

static void job_done(struct job *j) {
    job_detail_free(j->detail);
    j->detail = NULL;
    free(j->name);
}

static void set_cp(struct checkpoint *c, int64_t id, const char *status, int64_t ts) {
    c->id = id;
    free(c->status);
    c->status = xstrdup(status);
    c->trigger_ts = ts;
    c->ack_ts = ts;
}

static void checkpointing(struct job *j, int64_t interval_ms) {
    j->detail->have_checkpoints = true;
    j->detail->have_cp_config = true;
    j->detail->cp_config.enabled = true;
    j->detail->cp_config.interval_ms = interval_ms;
}

static void streak_counts_ids_past_the_history(void **state) {
    (void)state;
    struct checkpoint_stats s;
    checkpoint_stats_init(&s);
    set_cp(&s.last_completed, 12086, "COMPLETED", NOW - 14 * MIN);
    set_cp(&s.last_failed, 12136, "FAILED", NOW);
    s.failed = 70;
    /* 50 failures in a row although Flink's history holds only 10 of them */
    assert_int_equal(health_cp_failures_in_row(&s), 50);
    checkpoint_stats_free(&s);
}

static void streak_is_zero_after_a_completion_and_all_when_none_completed(void **state) {
    (void)state;
    struct checkpoint_stats s;
    checkpoint_stats_init(&s);
    set_cp(&s.last_completed, 20, "COMPLETED", NOW);
    set_cp(&s.last_failed, 19, "FAILED", NOW - MIN);
    assert_int_equal(health_cp_failures_in_row(&s), 0);
    checkpoint_stats_free(&s);

    checkpoint_stats_init(&s);
    set_cp(&s.last_failed, 7, "FAILED", NOW);
    s.failed = 7;
    assert_int_equal(health_cp_failures_in_row(&s), 7);
    checkpoint_stats_free(&s);
}

static void a_completed_savepoint_ends_the_streak(void **state) {
    (void)state;
    struct checkpoint_stats s;
    checkpoint_stats_init(&s);
    set_cp(&s.last_completed, 10, "COMPLETED", NOW - 5 * MIN);
    set_cp(&s.last_failed, 14, "FAILED", NOW - MIN);
    set_cp(&s.last_savepoint, 15, "COMPLETED", NOW);
    s.last_savepoint.is_savepoint = true;
    assert_int_equal(health_cp_failures_in_row(&s), 0);
    checkpoint_stats_free(&s);
}

static void failing_checkpoints_say_for_how_long_and_why(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    checkpointing(&j, MIN);
    struct checkpoint_stats *s = &j.detail->checkpoints;
    set_cp(&s->last_completed, 100, "COMPLETED", NOW - 14 * MIN);
    set_cp(&s->last_failed, 150, "FAILED", NOW - 1000);
    s->last_failed.failure_message = xstrdup("Task has failed\n\tat org.apache.flink...");
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_NOT_CHECKPOINTING);
    assert_string_equal(h.reason, "checkpoints failing for 14m (50 in a row): Task has failed");
    assert_int_equal(h.cp_age_ms, 14 * MIN);
    job_done(&j);
}

static void overdue_checkpoints_count_missed_intervals(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    checkpointing(&j, MIN);
    set_cp(&j.detail->checkpoints.last_completed, 9, "COMPLETED", NOW - 2 * MIN);
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_HEALTHY); /* two intervals: not yet */

    health_eval(&j, NOW + 2 * MIN, &h);
    assert_int_equal(h.cls, HEALTH_NOT_CHECKPOINTING);
    assert_string_equal(h.reason, "no completed checkpoint for 4m (interval 1m)");
    job_done(&j);
}

static void a_slow_checkpoint_sets_the_cadence_not_the_interval(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    checkpointing(&j, 10000); /* every 10 s, but each one takes 50 s */
    set_cp(&j.detail->checkpoints.last_completed, 9, "COMPLETED", NOW - 100000);
    j.detail->checkpoints.last_completed.duration_ms = 50000;
    assert_int_equal(health_cp_cadence_ms(j.detail), 50000);
    struct job_health h;
    health_eval(&j, NOW, &h); /* 100 s: two cadences, not ten intervals */
    assert_int_equal(h.cls, HEALTH_HEALTHY);
    health_eval(&j, NOW + 60000, &h);
    assert_int_equal(h.cls, HEALTH_NOT_CHECKPOINTING);
    job_done(&j);
}

static void checkpoint_age_is_as_of_the_data_not_the_clock(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    checkpointing(&j, 5000);
    /* fetched 30 s ago (a job off screen), when its last checkpoint was 2 s old */
    j.detail->parts[DETAIL_CHECKPOINTS].last_ok_ms = NOW - 30000;
    set_cp(&j.detail->checkpoints.last_completed, 9, "COMPLETED", NOW - 32000);
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_HEALTHY); /* not six intervals overdue */
    assert_int_equal(h.cp_age_ms, 2000);
    job_done(&j);
}

static void checkpoints_off_is_not_a_symptom(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    checkpointing(&j, INT64_MAX); /* periodic checkpoints off */
    set_cp(&j.detail->checkpoints.last_completed, 9, "COMPLETED", NOW - 600 * MIN);
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_HEALTHY);
    assert_string_equal(h.reason, "");
    job_done(&j);
}

static void add_vertex(struct job *j, const char *id, const char *name, double busy_ms,
                       double bp_ms, const char *input) {
    struct vertex_list *l = &j->detail->vertices;
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct vertex *v = &l->items[l->len++];
    vertex_init(v);
    snprintf(v->id, sizeof v->id, "%s", id);
    v->name = xstrdup(name);
    v->busy_ms = busy_ms;
    v->backpressured_ms = bp_ms;
    if (input) {
        v->n_inputs = 1;
        v->inputs = xcalloc(1, sizeof *v->inputs);
        snprintf(v->inputs[0], sizeof v->inputs[0], "%s", input);
    }
}

static void backpressure_names_the_bottleneck_not_the_victim(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    add_vertex(&j, "a", "Source: kafka-orders", 50, 920, NULL);
    add_vertex(&j, "b", "Sink: kafka-enriched", 980, 0, "a");
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_BACKPRESSURED);
    assert_string_equal(h.reason, "backpressured 92% at Sink: kafka-enriched (bottleneck)");
    assert_true(fabs(h.busy_max - 0.98) < 1e-9);
    job_done(&j);
}

/* Two operators called "Map": the second is "Map (2)" wherever it is named, so the
 * reason points at one vertex, not at either. */
static void identical_vertex_names_are_numbered(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    add_vertex(&j, "a", "Source: kafka", 50, 920, NULL);
    add_vertex(&j, "b", "Map", 60, 900, "a");
    add_vertex(&j, "c", "Map", 990, 0, "b");
    add_vertex(&j, "d", "Sink", 10, 0, "c");
    const struct vertex_list *l = &j.detail->vertices;
    char buf[64];
    assert_string_equal(vertex_name_shown(l, 0, buf, sizeof buf), "Source: kafka");
    assert_string_equal(vertex_name_shown(l, 1, buf, sizeof buf), "Map");
    assert_string_equal(vertex_name_shown(l, 2, buf, sizeof buf), "Map (2)");
    assert_string_equal(vertex_name_shown(l, 3, buf, sizeof buf), "Sink");
    assert_string_equal(vertex_name_shown(l, 4, buf, sizeof buf), ""); /* out of range */
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_string_equal(h.reason, "backpressured 92% at Map (2) (bottleneck)");
    /* no name: the id */
    free(j.detail->vertices.items[3].name);
    j.detail->vertices.items[3].name = NULL;
    assert_string_equal(vertex_name_shown(l, 3, buf, sizeof buf), "d");
    job_done(&j);
}

static void failed_job_says_since_when_and_the_root_cause(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    j.state = JOB_FAILED;
    j.end_time = NOW - 3 * 3600000LL - 7 * MIN;
    struct exceptions *e = &j.detail->exceptions;
    e->entries = xcalloc(1, sizeof *e->entries);
    e->len = 1;
    e->entries[0].message = xstrdup("java.lang.OutOfMemoryError: Java heap space\n\tat x");
    j.detail->have_exceptions = true;
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_FAILED);
    assert_string_equal(h.reason, "FAILED for 3h07m: java.lang.OutOfMemoryError: Java heap space");
    job_done(&j);
}

static void a_job_without_details_is_judged_by_its_state(void **state) {
    (void)state;
    struct job j;
    job_init(&j);
    j.state = JOB_RESTARTING;
    struct job_health h;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_RESTARTING);
    /* running, nothing inside it known yet: not called healthy before the data says so */
    j.state = JOB_RUNNING;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_UNKNOWN);
    assert_string_equal(h.reason, "no details yet");
    j.state = JOB_UNKNOWN;
    health_eval(&j, NOW, &h);
    assert_int_equal(h.cls, HEALTH_UNKNOWN);
}

static void long_reasons_never_cut_a_character(void **state) {
    (void)state;
    struct job j;
    job_running(&j);
    checkpointing(&j, MIN);
    struct checkpoint_stats *s = &j.detail->checkpoints;
    set_cp(&s->last_completed, 1, "COMPLETED", NOW - 14 * MIN);
    set_cp(&s->last_failed, 9, "FAILED", NOW);
    char msg[301];
    for (int i = 0; i < 100; i++)
        memcpy(msg + 3 * i, "\xe6\x97\xa5", 3); /* 日 */
    msg[300] = '\0';
    s->last_failed.failure_message = xstrdup(msg);
    struct job_health h;
    health_eval(&j, NOW, &h);
    const char *tail = strstr(h.reason, ": ") + 2;
    assert_int_equal((strlen(tail) - 3) % 3, 0); /* whole characters only, then "..." */
    assert_string_equal(tail + strlen(tail) - 3, "...");
    job_done(&j);
}

static void order_is_failed_then_checkpoints_then_backpressure_then_restarts(void **state) {
    (void)state;
    struct job_health h[6];
    enum health_class order[] = {HEALTH_HEALTHY,   HEALTH_RESTARTING,
                                 HEALTH_UNKNOWN,   HEALTH_BACKPRESSURED,
                                 HEALTH_FAILED,    HEALTH_NOT_CHECKPOINTING};
    for (int i = 0; i < 6; i++) {
        memset(&h[i], 0, sizeof h[i]);
        h[i].cls = order[i];
        h[i].bp_max = NAN;
    }
    qsort(h, 6, sizeof h[0], (int (*)(const void *, const void *))health_compare);
    assert_int_equal(h[0].cls, HEALTH_FAILED);
    assert_int_equal(h[1].cls, HEALTH_NOT_CHECKPOINTING);
    assert_int_equal(h[2].cls, HEALTH_BACKPRESSURED);
    assert_int_equal(h[3].cls, HEALTH_RESTARTING);
    assert_int_equal(h[4].cls, HEALTH_HEALTHY);
    assert_int_equal(h[5].cls, HEALTH_UNKNOWN);

    struct job_health a = {.cls = HEALTH_NOT_CHECKPOINTING, .cp_failed_in_row = 50};
    struct job_health b = {.cls = HEALTH_NOT_CHECKPOINTING, .cp_failed_in_row = 3};
    assert_true(health_compare(&a, &b) < 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streak_counts_ids_past_the_history),
        cmocka_unit_test(streak_is_zero_after_a_completion_and_all_when_none_completed),
        cmocka_unit_test(a_completed_savepoint_ends_the_streak),
        cmocka_unit_test(failing_checkpoints_say_for_how_long_and_why),
        cmocka_unit_test(overdue_checkpoints_count_missed_intervals),
        cmocka_unit_test(a_slow_checkpoint_sets_the_cadence_not_the_interval),
        cmocka_unit_test(checkpoint_age_is_as_of_the_data_not_the_clock),
        cmocka_unit_test(checkpoints_off_is_not_a_symptom),
        cmocka_unit_test(backpressure_names_the_bottleneck_not_the_victim),
        cmocka_unit_test(identical_vertex_names_are_numbered),
        cmocka_unit_test(failed_job_says_since_when_and_the_root_cause),
        cmocka_unit_test(a_job_without_details_is_judged_by_its_state),
        cmocka_unit_test(long_reasons_never_cut_a_character),
        cmocka_unit_test(order_is_failed_then_checkpoints_then_backpressure_then_restarts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
