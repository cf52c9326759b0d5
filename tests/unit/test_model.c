/* The model: job states by their wire names, a cluster that starts "pending" with every
 * value unknown, and the per-cluster verdict the header line shows. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "xalloc.h"

static void job_state_names_round_trip(void **state) {
    (void)state;
    for (int s = 0; s < JOB_STATE_COUNT; s++) {
        const char *name = job_state_name((enum job_state)s);
        assert_non_null(name);
        assert_int_equal(job_state_parse(name), s);
    }
    assert_string_equal(job_state_name(JOB_RUNNING), "RUNNING");
    assert_string_equal(job_state_name(JOB_RESTARTING), "RESTARTING");
    assert_string_equal(job_state_name(JOB_UNKNOWN), "UNKNOWN");
}

static void job_state_parse_uses_wire_spelling(void **state) {
    (void)state;
    assert_int_equal(job_state_parse("CANCELLING"), JOB_CANCELLING);
    assert_int_equal(job_state_parse("CANCELED"), JOB_CANCELED);
    assert_int_equal(job_state_parse("RECONCILING"), JOB_RECONCILING);
    /* single-L CANCELING is the task state spelling, not a job state */
    assert_int_equal(job_state_parse("CANCELING"), JOB_UNKNOWN);
    assert_int_equal(job_state_parse("running"), JOB_UNKNOWN);
    assert_int_equal(job_state_parse("RUNNING "), JOB_UNKNOWN);
    assert_int_equal(job_state_parse(""), JOB_UNKNOWN);
    assert_int_equal(job_state_parse(NULL), JOB_UNKNOWN);
}

static void job_state_name_out_of_range_is_unknown(void **state) {
    (void)state;
    assert_string_equal(job_state_name(JOB_STATE_COUNT), "UNKNOWN");
}

static void job_init_is_all_unknown(void **state) {
    (void)state;
    struct job j;
    memset(&j, 0x5a, sizeof j);
    job_init(&j);
    assert_string_equal(j.id, "");
    assert_null(j.name);
    assert_int_equal(j.state, JOB_UNKNOWN);
    assert_true(j.start_time == -1 && j.end_time == -1 && j.duration_ms == -1);
    assert_true(j.last_modification == -1);
    assert_int_equal(j.tasks_total, -1);
    assert_int_equal(j.tasks_running, -1);
    assert_int_equal(j.tasks_failed, -1);
    assert_int_equal(j.parallelism, -1);
    assert_int_equal(j.max_parallelism, -1);
    assert_null(j.detail);
}

static void config_and_overview_free_reset_to_unknown(void **state) {
    (void)state;
    struct flink_config c;
    flink_config_init(&c);
    assert_null(c.flink_version);
    assert_true(c.refresh_interval == -1);
    c.flink_version = xstrdup("1.20.1");
    c.flink_revision = xstrdup("b0d9d2b @ 2025-01-01");
    c.refresh_interval = 3000;
    flink_config_free(&c);
    assert_null(c.flink_version);
    assert_null(c.flink_revision);
    assert_true(c.refresh_interval == -1);
    flink_config_free(&c); /* twice is harmless */

    struct flink_overview o;
    flink_overview_init(&o);
    assert_int_equal(o.taskmanagers, -1);
    assert_int_equal(o.slots_total, -1);
    assert_int_equal(o.slots_available, -1);
    assert_int_equal(o.jobs_running, -1);
    assert_int_equal(o.jobs_finished, -1);
    assert_int_equal(o.jobs_cancelled, -1);
    assert_int_equal(o.jobs_failed, -1);
    o.flink_version = xstrdup("2.1.0");
    o.taskmanagers = 4;
    flink_overview_free(&o);
    assert_null(o.flink_version);
    assert_int_equal(o.taskmanagers, -1);
}

/* Give a cluster two jobs and two task managers, all with owned strings. */
static void fill(struct cluster *c) {
    c->jobs.len = 2;
    c->jobs.items = xcalloc(2, sizeof *c->jobs.items);
    job_init(&c->jobs.items[0]);
    job_init(&c->jobs.items[1]);
    memcpy(c->jobs.items[0].id, "5b4a9e8f3f1c4c0e8f2a1d7e6b3c9a01", 33);
    c->jobs.items[0].name = xstrdup("orders");
    c->jobs.items[1].name = xstrdup("no-id"); /* id stays "" */
    c->taskmanagers.len = 2;
    c->taskmanagers.items = xcalloc(2, sizeof *c->taskmanagers.items);
    c->taskmanagers.items[0].id = xstrdup("flink-prod-taskmanager-1-1");
    c->taskmanagers.items[0].path = xstrdup("pekko.tcp://flink@10.0.0.1:6122/user/rpc/tm");
    c->taskmanagers.items[1].id = xstrdup("flink-prod-taskmanager-1-2");
    c->config.flink_version = xstrdup("1.18.1");
    c->overview.flink_version = xstrdup("1.18.1");
}

static void cluster_init_is_pending_with_everything_unknown(void **state) {
    (void)state;
    struct cluster c;
    memset(&c, 0x5a, sizeof c);
    char name[] = "production";
    cluster_init(&c, name, "http://flink-prod-rest:8081");
    name[0] = 'X'; /* cluster_init took a copy */
    assert_string_equal(c.name, "production");
    assert_string_equal(c.url, "http://flink-prod-rest:8081");
    for (int s = 0; s < SRC_COUNT; s++) {
        assert_int_equal(c.sources[s].state, SOURCE_PENDING);
        assert_true(c.sources[s].last_ok_ms == 0);
        assert_string_equal(c.sources[s].error, "");
    }
    assert_null(c.config.flink_version);
    assert_true(c.config.refresh_interval == -1);
    assert_int_equal(c.overview.taskmanagers, -1);
    assert_int_equal(c.overview.jobs_running, -1);
    assert_null(c.overview.flink_version);
    assert_int_equal(c.jobs.len, 0);
    assert_null(c.jobs.items);
    assert_int_equal(c.taskmanagers.len, 0);
    assert_int_equal(c.jm_config_source.state, SOURCE_PENDING);
    assert_int_equal(c.tm_metrics_source.state, SOURCE_PENDING);
    assert_null(c.standalone); /* a plain cluster until the k8s poller says otherwise */
    assert_int_equal(cluster_state(&c), SOURCE_PENDING);
    assert_null(cluster_error(&c));
    assert_true(cluster_last_ok(&c) == 0);
    cluster_free(&c);
}

static void cluster_free_releases_everything_and_resets(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "staging", "http://localhost:8081");
    fill(&c);
    c.sources[SRC_JOBS].state = SOURCE_OK;
    c.sources[SRC_JOBS].last_ok_ms = 1000;
    cluster_free(&c); /* leaks would show under -fsanitize=address */
    assert_null(c.name);
    assert_null(c.url);
    assert_int_equal(c.jobs.len, 0);
    assert_null(c.jobs.items);
    assert_int_equal(c.taskmanagers.len, 0);
    assert_null(c.config.flink_version);
    assert_int_equal(c.sources[SRC_JOBS].state, SOURCE_PENDING);
    cluster_free(&c); /* twice is harmless */
}

static void list_free_resets_to_empty(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "dev", "http://localhost:8081");
    fill(&c);
    job_list_free(&c.jobs);
    taskmanager_list_free(&c.taskmanagers);
    assert_int_equal(c.jobs.len, 0);
    assert_null(c.jobs.items);
    assert_int_equal(c.taskmanagers.len, 0);
    assert_null(c.taskmanagers.items);
    job_list_free(&c.jobs);
    cluster_free(&c);
}

static void set_source(struct cluster *c, enum cluster_source s, enum source_state st,
                       int64_t ok_ms, const char *err) {
    c->sources[s].state = st;
    c->sources[s].last_ok_ms = ok_ms;
    snprintf(c->sources[s].error, sizeof c->sources[s].error, "%s", err);
}

static void cluster_state_is_ok_only_when_every_source_answered(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "prod", "http://x");
    set_source(&c, SRC_CONFIG, SOURCE_OK, 100, "");
    set_source(&c, SRC_OVERVIEW, SOURCE_OK, 100, "");
    set_source(&c, SRC_JOBS, SOURCE_OK, 100, "");
    assert_int_equal(cluster_state(&c), SOURCE_PENDING);
    set_source(&c, SRC_TASKMANAGERS, SOURCE_OK, 100, "");
    assert_int_equal(cluster_state(&c), SOURCE_OK);
    assert_null(cluster_error(&c));
    cluster_free(&c);
}

static void cluster_state_error_wins_over_pending_and_ok(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "prod", "http://x");
    set_source(&c, SRC_CONFIG, SOURCE_OK, 100, "");
    set_source(&c, SRC_TASKMANAGERS, SOURCE_ERROR, 0, "timed out after 5 s");
    assert_int_equal(cluster_state(&c), SOURCE_ERROR);
    cluster_free(&c);
}

static void cluster_error_is_first_failing_source_message(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "prod", "http://x");
    set_source(&c, SRC_CONFIG, SOURCE_OK, 100, "");
    set_source(&c, SRC_JOBS, SOURCE_ERROR, 0, "bad answer from /jobs/overview: malformed JSON");
    set_source(&c, SRC_TASKMANAGERS, SOURCE_ERROR, 0, "HTTP 503");
    assert_string_equal(cluster_error(&c), "bad answer from /jobs/overview: malformed JSON");
    /* the message is borrowed from the source */
    assert_ptr_equal(cluster_error(&c), c.sources[SRC_JOBS].error);
    cluster_free(&c);
}

static void cluster_error_for_failed_source_without_message_is_not_null(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "prod", "http://x");
    set_source(&c, SRC_OVERVIEW, SOURCE_ERROR, 0, "");
    assert_int_equal(cluster_state(&c), SOURCE_ERROR);
    assert_non_null(cluster_error(&c));
    assert_true(strlen(cluster_error(&c)) > 0);
    cluster_free(&c);
}

static void cluster_last_ok_is_oldest_answered_source(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "prod", "http://x");
    assert_true(cluster_last_ok(&c) == 0);
    set_source(&c, SRC_CONFIG, SOURCE_OK, 5000, "");
    set_source(&c, SRC_OVERVIEW, SOURCE_OK, 3000, "");
    set_source(&c, SRC_JOBS, SOURCE_ERROR, 0, "refused");             /* never answered: ignored */
    set_source(&c, SRC_TASKMANAGERS, SOURCE_ERROR, 4000, "HTTP 500"); /* answered before */
    assert_true(cluster_last_ok(&c) == 3000);
    cluster_free(&c);
}

static void cluster_find_job_by_id(void **state) {
    (void)state;
    struct cluster c;
    cluster_init(&c, "prod", "http://x");
    assert_null(cluster_find_job(&c, "5b4a9e8f3f1c4c0e8f2a1d7e6b3c9a01"));
    fill(&c);
    struct job *j = cluster_find_job(&c, "5b4a9e8f3f1c4c0e8f2a1d7e6b3c9a01");
    assert_ptr_equal(j, &c.jobs.items[0]);
    assert_string_equal(j->name, "orders");
    assert_null(cluster_find_job(&c, "ffffffffffffffffffffffffffffffff"));
    /* a job the server sent without an id can never be matched */
    assert_null(cluster_find_job(&c, ""));
    assert_null(cluster_find_job(&c, NULL));
    cluster_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(job_state_names_round_trip),
        cmocka_unit_test(job_state_parse_uses_wire_spelling),
        cmocka_unit_test(job_state_name_out_of_range_is_unknown),
        cmocka_unit_test(job_init_is_all_unknown),
        cmocka_unit_test(config_and_overview_free_reset_to_unknown),
        cmocka_unit_test(cluster_init_is_pending_with_everything_unknown),
        cmocka_unit_test(cluster_free_releases_everything_and_resets),
        cmocka_unit_test(list_free_resets_to_empty),
        cmocka_unit_test(cluster_state_is_ok_only_when_every_source_answered),
        cmocka_unit_test(cluster_state_error_wins_over_pending_and_ok),
        cmocka_unit_test(cluster_error_is_first_failing_source_message),
        cmocka_unit_test(cluster_error_for_failed_source_without_message_is_not_null),
        cmocka_unit_test(cluster_last_ok_is_oldest_answered_source),
        cmocka_unit_test(cluster_find_job_by_id),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
