/* The configuration screen's parsers on the simulator's real answers
 * (tests/fixtures/jvm/), then broken ones, and a thread dump's JSON turned into the
 * pager's text (log_fetch.c): what the configuration screen and the pager would show. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "flink_config.h"
#include "k8s_api.h"
#include "log_fetch.h"
#include "xalloc.h"

static char err[160];

static struct body load(const char *name) { return fixture_load("jvm", name); }

static struct body text(const char *s) {
    struct body b = {xmalloc(strlen(s) ? strlen(s) : 1), strlen(s)};
    memcpy(b.data, s, b.len);
    return b;
}

static const char *value_of(const struct conf_items *l, const char *key) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i].key, key) == 0)
            return l->items[i].value;
    return NULL;
}

static void jobmanager_config_keeps_masked_secrets_masked(void **state) {
    (void)state;
    struct body b = load("jobmanager_config.flink-1.20.1.json");
    struct conf_items l = {0};
    assert_int_equal(flink_config_parse_jobmanager(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    assert_true(l.len > 20);
    assert_string_equal(value_of(&l, "rest.port"), "8081");
    assert_string_equal(value_of(&l, "s3.secret-key"), "******");
    assert_int_equal(l.items[0].origin, CONF_JOBMANAGER);
    conf_items_free(&l);
}

static void job_config_flattens_execution_and_user_config(void **state) {
    (void)state;
    struct body b = load("job_config.flink-1.20.1.json");
    struct conf_items l = {0};
    assert_int_equal(flink_config_parse_job(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    assert_string_equal(value_of(&l, "execution-config.job-parallelism"), "6");
    assert_string_equal(value_of(&l, "execution-config.object-reuse-mode"), "false");
    assert_string_equal(value_of(&l, "user-config.job.type"), "streaming");
    assert_null(value_of(&l, "execution-config.user-config"));
    assert_int_equal(l.items[0].origin, CONF_JOB);
    conf_items_free(&l);
}

static void config_hostile_and_odd_entries(void **state) {
    (void)state;
    struct body b = text("[{\"key\":\"a\\u001b[2Jb\",\"value\":\"x\\u0007y\"},{\"key\":7},"
                         "{\"value\":\"no key\"},{\"key\":\"n\",\"value\":null},"
                         "{\"key\":\"o\",\"value\":{\"z\":1}},3]");
    struct conf_items l = {0};
    assert_int_equal(flink_config_parse_jobmanager(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    assert_int_equal(l.len, 3);
    assert_null(strchr(l.items[0].key, '\x1b'));
    assert_null(strchr(l.items[0].value, '\a'));
    assert_string_equal(value_of(&l, "n"), "");
    assert_string_equal(value_of(&l, "o"), "{\"z\":1}");
    conf_items_free(&l);
}

static void config_malformed_is_an_error_with_nothing_added(void **state) {
    (void)state;
    struct conf_items l = {0};
    struct body b = text("{\"key\":1}");
    assert_int_not_equal(flink_config_parse_jobmanager(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    b = text("[{\"key\":\"a\"");
    assert_int_not_equal(flink_config_parse_jobmanager(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    b = text("[]");
    assert_int_not_equal(flink_config_parse_job(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    b = text("{\"execution-config\":5}");
    assert_int_equal(flink_config_parse_job(b.data, b.len, &l, err, sizeof err), FA_OK);
    free(b.data);
    assert_int_equal(l.len, 0);
}

static void thread_dump_becomes_text_one_thread_after_another(void **state) {
    (void)state;
    struct body b = load("thread_dump.flink-1.20.1.json");
    char *t = log_thread_dump_text(b.data, b.len, err, sizeof err);
    free(b.data);
    assert_non_null(t);
    const char *main_thread = strstr(t, "\"main\" Id=1 WAITING\n\tat ");
    assert_non_null(main_thread);
    assert_non_null(strstr(t, "\n\n\"flink-pekko.actor.default-dispatcher-4\" Id=2 RUNNABLE"));
    assert_null(strstr(t, "\n\n\n")); /* one blank line between threads */
    free(t);
}

static void thread_dump_without_info_or_malformed(void **state) {
    (void)state;
    struct body b = text("{\"threadInfos\":[{\"threadName\":\"t1\"},{\"x\":1},7]}");
    char *t = log_thread_dump_text(b.data, b.len, err, sizeof err);
    free(b.data);
    assert_string_equal(t, "\"t1\" (no stack)\n\n");
    free(t);
    b = text("{\"threadInfos\":5}");
    assert_null(log_thread_dump_text(b.data, b.len, err, sizeof err));
    free(b.data);
    assert_true(err[0] != '\0');
    b = text("<html>");
    assert_null(log_thread_dump_text(b.data, b.len, err, sizeof err));
    free(b.data);
}

static void quantity_reads_kubernetes_memory_units(void **state) {
    (void)state;
    assert_int_equal(k8s_api_parse_quantity("2Gi"), 2147483648LL);
    assert_int_equal(k8s_api_parse_quantity("2048Mi"), 2147483648LL);
    assert_int_equal(k8s_api_parse_quantity("1.5G"), 1500000000LL);
    assert_int_equal(k8s_api_parse_quantity("4096"), 4096);
    assert_int_equal(k8s_api_parse_quantity("1Xi"), -1);
    assert_int_equal(k8s_api_parse_quantity("-1Gi"), -1);
    assert_int_equal(k8s_api_parse_quantity(""), -1);
    assert_int_equal(k8s_api_parse_quantity(NULL), -1);
    assert_int_equal(k8s_api_parse_quantity("99999999Pi"), -1);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(jobmanager_config_keeps_masked_secrets_masked),
        cmocka_unit_test(job_config_flattens_execution_and_user_config),
        cmocka_unit_test(config_hostile_and_odd_entries),
        cmocka_unit_test(config_malformed_is_an_error_with_nothing_added),
        cmocka_unit_test(thread_dump_becomes_text_one_thread_after_another),
        cmocka_unit_test(thread_dump_without_info_or_malformed),
        cmocka_unit_test(quantity_reads_kubernetes_memory_units),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
