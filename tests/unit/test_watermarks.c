/* What the overview tab says of watermarks and restarts: the slowest subtask's watermark
 * and its lag behind the clock (no watermark, end of input and a watermark from the
 * future are no lag at all, never a 1970 date or a 56-year lag), the job's restart count,
 * failures within the last hour and each one's root cause. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flink_watermarks.h"
#include "job_detail.h"
#include "watermark.h"

#define NOW 1765000000000LL /* a wall clock in 2025 */

static char err[160];

static enum fa_status parse(const char *body, struct vertex_watermarks *w) {
    vertex_watermarks_init(w);
    err[0] = '\0';
    return flink_watermarks_parse(body, strlen(body), w, err, sizeof err);
}

static void slowest_subtask_and_its_lag(void **state) {
    (void)state;
    struct vertex_watermarks w;
    char body[512];
    snprintf(body, sizeof body,
             "[{\"id\":\"0.currentInputWatermark\",\"value\":\"%lld\"},"
             "{\"id\":\"1.currentInputWatermark\",\"value\":\"%lld\"},"
             "{\"id\":\"2.currentInputWatermark\",\"value\":\"%lld\"}]",
             NOW - 1500, NOW - 42000, NOW - 800);
    assert_int_equal(parse(body, &w), FA_OK);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.n_none, 0);
    assert_int_equal(watermark_state_of(&w), WM_TIME);
    assert_int_equal(w.slowest, 1);
    assert_true(w.min == NOW - 42000);
    assert_true(w.max == NOW - 800);
    bool ahead = true;
    assert_int_equal(watermark_lag_ms(w.min, NOW, &ahead), 42000);
    assert_false(ahead);
    /* the lag grows with the clock while the watermark stands still */
    assert_int_equal(watermark_lag_ms(w.min, NOW + 60000, NULL), 102000);
}

static void min_value_is_no_watermark_not_1970(void **state) {
    (void)state;
    struct vertex_watermarks w;
    /* a source: Flink writes Long.MIN_VALUE for every subtask */
    assert_int_equal(
        parse("[{\"id\":\"0.currentInputWatermark\",\"value\":\"-9223372036854775808\"},"
              "{\"id\":\"1.currentInputWatermark\",\"value\":\"-9223372036854775808\"}]",
              &w),
        FA_OK);
    assert_int_equal(w.n, 2);
    assert_int_equal(w.n_none, 2);
    assert_int_equal(watermark_state_of(&w), WM_NONE);
    assert_int_equal(w.slowest, -1);
    assert_int_equal(watermark_lag_ms(w.min, NOW, NULL), -1);
    assert_int_equal(watermark_lag_ms(INT64_MIN, NOW, NULL), -1);
}

static void idle_subtasks_are_counted_and_do_not_make_the_lag(void **state) {
    (void)state;
    struct vertex_watermarks w;
    char body[512];
    snprintf(body, sizeof body,
             "[{\"id\":\"0.currentInputWatermark\",\"value\":\"-9223372036854775808\"},"
             "{\"id\":\"1.currentInputWatermark\",\"value\":\"%lld\"},"
             "{\"id\":\"2.currentInputWatermark\",\"value\":\"NaN\"}]",
             NOW - 3000);
    assert_int_equal(parse(body, &w), FA_OK);
    assert_int_equal(w.n, 3);
    assert_int_equal(w.n_none, 2);
    assert_int_equal(w.slowest, 1);
    assert_int_equal(watermark_lag_ms(w.min, NOW, NULL), 3000);
}

static void end_of_input_is_no_lag(void **state) {
    (void)state;
    struct vertex_watermarks w;
    assert_int_equal(
        parse("[{\"id\":\"0.currentInputWatermark\",\"value\":\"9223372036854775807\"}]", &w),
        FA_OK);
    assert_int_equal(w.n_end, 1);
    assert_int_equal(watermark_state_of(&w), WM_END);
    assert_int_equal(watermark_lag_ms(INT64_MAX, NOW, NULL), -1);
    /* a server writing numbers instead of strings: the same */
    assert_int_equal(
        parse("[{\"id\":\"0.currentInputWatermark\",\"value\":9223372036854775807}]", &w), FA_OK);
    assert_int_equal(watermark_state_of(&w), WM_END);
}

static void future_watermark_lags_zero_and_says_ahead(void **state) {
    (void)state;
    bool ahead = false;
    assert_int_equal(watermark_lag_ms(NOW + 3600000, NOW, &ahead), 0);
    assert_true(ahead);
    assert_int_equal(watermark_lag_ms(NOW, NOW, &ahead), 0);
    assert_false(ahead);
    /* no clock yet: no lag */
    assert_int_equal(watermark_lag_ms(NOW, 0, NULL), -1);
}

static void missing_and_malformed(void **state) {
    (void)state;
    struct vertex_watermarks w;
    vertex_watermarks_init(&w);
    assert_int_equal(watermark_state_of(&w), WM_UNKNOWN);
    assert_int_equal(watermark_state_of(NULL), WM_UNKNOWN);
    /* an empty answer (a job not running): known, nothing in it */
    assert_int_equal(parse("[]", &w), FA_OK);
    assert_int_equal(w.n, 0);
    assert_int_equal(watermark_state_of(&w), WM_NONE);
    /* other ids, ids without a subtask, values of the wrong type */
    assert_int_equal(
        parse("[{\"id\":\"0.numRecordsIn\",\"value\":\"5\"},{\"id\":\"x.currentInputWatermark\","
              "\"value\":\"5\"},{\"id\":\"0.currentInputWatermark\",\"value\":[]},"
              "{\"value\":\"5\"},7,null]",
              &w),
        FA_OK);
    assert_int_equal(w.n, 1);
    assert_int_equal(w.n_none, 1);
    assert_int_equal(watermark_state_of(&w), WM_NONE);
    /* not an array at all: an error, not a crash */
    assert_int_not_equal(parse("{\"id\":1}", &w), FA_OK);
    assert_true(err[0] != '\0');
    assert_int_not_equal(parse("[{\"id\":\"0.currentInputWatermark\",\"value\":\"1", &w), FA_OK);
}

static void num_restarts(void **state) {
    (void)state;
    int64_t n = 0;
    const char *b = "[{\"id\":\"numRestarts\",\"value\":\"7\"}]";
    assert_int_equal(flink_job_metrics_parse(b, strlen(b), &n, err, sizeof err), FA_OK);
    assert_int_equal(n, 7);
    b = "[]";
    assert_int_equal(flink_job_metrics_parse(b, strlen(b), &n, err, sizeof err), FA_OK);
    assert_int_equal(n, -1);
    b = "[{\"id\":\"numRestarts\",\"value\":\"-3\"}]";
    assert_int_equal(flink_job_metrics_parse(b, strlen(b), &n, err, sizeof err), FA_OK);
    assert_int_equal(n, -1);
    b = "nope";
    assert_int_not_equal(flink_job_metrics_parse(b, strlen(b), &n, err, sizeof err), FA_OK);
    assert_int_equal(n, -1);
}

static void restarts_in_the_last_hour(void **state) {
    (void)state;
    struct exception_entry e[3] = {{0}, {0}, {0}};
    e[0].timestamp = NOW - 60000;
    e[1].timestamp = NOW - 3500000;
    e[2].timestamp = NOW - 7200000;
    struct exceptions x = {e, 3, false};
    int64_t last = 0;
    assert_int_equal(restarts_within(&x, NOW, 3600000, &last), 2);
    assert_true(last == NOW - 60000);
    struct exceptions none = {NULL, 0, false};
    assert_int_equal(restarts_within(&none, NOW, 3600000, &last), 0);
    assert_true(last == -1);
}

static void root_cause_is_the_last_caused_by(void **state) {
    (void)state;
    char buf[128];
    char name[] = "org.apache.flink.runtime.JobException";
    char top[] = "org.apache.flink.runtime.JobException: Recovery is suppressed";
    char trace[] = "org.apache.flink.runtime.JobException: Recovery is suppressed\n"
                   "    at org.apache.flink.X.y(X.java:1)\n"
                   "Caused by: java.io.IOException: wrapped\n"
                   "    at a.b.c(d.java:2)\n"
                   "Caused by: java.lang.OutOfMemoryError: Java heap space  \n"
                   "    at a.b.c(d.java:3)\n";
    struct exception_entry e = {0};
    e.name = name;
    e.message = top;
    e.stacktrace = trace;
    restart_root_cause(&e, buf, sizeof buf);
    assert_string_equal(buf, "java.lang.OutOfMemoryError: Java heap space");
    /* no cause: the first line; no trace: the name */
    char boom[] = "java.lang.RuntimeException: boom\n    at x.y(z.java:1)\n";
    char boom1[] = "java.lang.RuntimeException: boom";
    e.stacktrace = boom;
    e.message = boom1;
    restart_root_cause(&e, buf, sizeof buf);
    assert_string_equal(buf, "java.lang.RuntimeException: boom");
    e.stacktrace = NULL;
    e.message = NULL;
    restart_root_cause(&e, buf, sizeof buf);
    assert_string_equal(buf, "org.apache.flink.runtime.JobException");
    /* an empty "Caused by: " at the very end falls back; a small buffer cuts */
    char empty_cause[] = "x.Y: top\nCaused by: ";
    char first[] = "x.Y: top";
    e.stacktrace = empty_cause;
    e.message = first;
    restart_root_cause(&e, buf, sizeof buf);
    assert_string_equal(buf, "x.Y: top");
    char small[4];
    restart_root_cause(&e, small, sizeof small);
    assert_string_equal(small, "x.Y");
    restart_root_cause(NULL, buf, sizeof buf);
    assert_string_equal(buf, "");
}

static void source_operator_name_as_flink_writes_it(void **state) {
    (void)state;
    char op[96];
    flink_source_operator("Source: KafkaSource-orders -> Timestamps/Watermarks", op, sizeof op);
    assert_string_equal(op, "Source__KafkaSource-orders");
    flink_source_operator("Source: my.topic, v2", op, sizeof op);
    assert_string_equal(op, "Source__my_topic__v2");
    flink_source_operator(NULL, op, sizeof op);
    assert_string_equal(op, "");
    /* Flink cuts an operator's name at 80 characters */
    char longname[200];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = '\0';
    flink_source_operator(longname, op, sizeof op);
    assert_int_equal(strlen(op), 80);
}

static void source_backlog_sum_and_worst_lag(void **state) {
    (void)state;
    double pending = 0, lag = 0;
    const char *b = "[{\"id\":\"Source__K.pendingRecords\",\"sum\":1200.0,\"max\":700.0},"
                    "{\"id\":\"Source__K.KafkaSourceReader.KafkaConsumer.records-lag-max\","
                    "\"sum\":900,\"max\":400}]";
    assert_int_equal(flink_source_lag_parse(b, strlen(b), &pending, &lag, err, sizeof err), FA_OK);
    assert_true(pending == 1200.0);
    assert_true(lag == 400.0);
    /* a connector that reports neither: unknown, not zero */
    b = "[]";
    assert_int_equal(flink_source_lag_parse(b, strlen(b), &pending, &lag, err, sizeof err), FA_OK);
    assert_true(isnan(pending) && isnan(lag));
    /* "NaN" and negative values are no backlog */
    b = "[{\"id\":\"x.pendingRecords\",\"sum\":\"NaN\"},{\"id\":\"x.records-lag-max\",\"max\":-1}]";
    assert_int_equal(flink_source_lag_parse(b, strlen(b), &pending, &lag, err, sizeof err), FA_OK);
    assert_true(isnan(pending) && isnan(lag));
    b = "{}";
    assert_int_not_equal(flink_source_lag_parse(b, strlen(b), &pending, &lag, err, sizeof err),
                         FA_OK);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(slowest_subtask_and_its_lag),
        cmocka_unit_test(min_value_is_no_watermark_not_1970),
        cmocka_unit_test(idle_subtasks_are_counted_and_do_not_make_the_lag),
        cmocka_unit_test(end_of_input_is_no_lag),
        cmocka_unit_test(future_watermark_lags_zero_and_says_ahead),
        cmocka_unit_test(missing_and_malformed),
        cmocka_unit_test(num_restarts),
        cmocka_unit_test(restarts_in_the_last_hour),
        cmocka_unit_test(root_cause_is_the_last_caused_by),
        cmocka_unit_test(source_operator_name_as_flink_writes_it),
        cmocka_unit_test(source_backlog_sum_and_worst_lag),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
