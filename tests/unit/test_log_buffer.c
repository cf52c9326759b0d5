/* The pager's lines: pieces cut anywhere become whole lines, the cap keeps the newest,
 * numbers survive the cap, levels and traces are read, and nothing raw reaches a line. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "log_buffer.h"

static const char LOG[] =
    "2026-12-06 10:00:00,001 INFO  org.apache.flink.runtime.taskexecutor.TaskExecutor [] - "
    "Started\n"
    "2026-12-06 10:00:01,002 WARN  org.apache.kafka.clients.NetworkClient [] - Node 3 "
    "disconnected.\n"
    "2026-12-06 10:00:02,003 ERROR org.apache.flink.runtime.taskmanager.Task [] - Enrich (2/4) "
    "switched from RUNNING to FAILED\n"
    "java.lang.NullPointerException: customerId is null\n"
    "\tat com.example.Enrich.processElement(Enrich.java:87)\n"
    "Caused by: java.io.IOException: broken pipe\n"
    "\t... 12 more\n"
    "2026-12-06 10:00:03,004 INFO  org.apache.flink.runtime.taskmanager.Task [] - back\n";

static void pieces_cut_anywhere_make_the_same_lines(void **state) {
    (void)state;
    struct log_buffer whole, bytes;
    log_buffer_init(&whole, 0);
    log_buffer_init(&bytes, 0);
    log_buffer_feed(&whole, LOG, strlen(LOG));
    for (size_t i = 0; i < strlen(LOG); i++)
        log_buffer_feed(&bytes, LOG + i, 1); /* one byte a read: inside every line */
    assert_int_equal(log_buffer_end_no(&whole), 8);
    assert_int_equal(log_buffer_end_no(&bytes), 8);
    for (uint64_t no = 0; no < 8; no++)
        assert_string_equal(log_buffer_line(&whole, no)->text, log_buffer_line(&bytes, no)->text);
    /* the tab of a trace line is kept as an indent, not dropped */
    assert_string_equal(log_buffer_line(&whole, 4)->text,
                        "    at com.example.Enrich.processElement(Enrich.java:87)");
    log_buffer_free(&whole);
    log_buffer_free(&bytes);
}

static void levels_and_traces(void **state) {
    (void)state;
    struct log_buffer b;
    log_buffer_init(&b, 0);
    log_buffer_feed(&b, LOG, strlen(LOG));
    assert_int_equal(log_buffer_line(&b, 0)->level, LOG_LEVEL_INFO);
    assert_int_equal(log_buffer_line(&b, 1)->level, LOG_LEVEL_WARN);
    assert_int_equal(log_buffer_line(&b, 2)->level, LOG_LEVEL_ERROR);
    /* the trace under the ERROR line is part of it */
    assert_int_equal(log_buffer_line(&b, 3)->level, LOG_LEVEL_ERROR);
    assert_true(log_buffer_line(&b, 3)->cause);
    assert_int_equal(log_buffer_line(&b, 4)->level, LOG_LEVEL_ERROR);
    assert_true(log_buffer_line(&b, 5)->cause);
    assert_int_equal(log_buffer_line(&b, 6)->level, LOG_LEVEL_ERROR);
    assert_int_equal(log_buffer_line(&b, 7)->level, LOG_LEVEL_INFO);
    /* E: the ERROR line, then "Caused by", then none */
    assert_int_equal(log_buffer_next_error(&b, 0), 2);
    assert_int_equal(log_buffer_next_error(&b, 3), 5);
    assert_int_equal(log_buffer_next_error(&b, 6), -1);
    log_buffer_free(&b);
}

static void search_both_ways_case_insensitive(void **state) {
    (void)state;
    struct log_buffer b;
    log_buffer_init(&b, 0);
    log_buffer_feed(&b, LOG, strlen(LOG));
    assert_int_equal(log_buffer_search(&b, "task", 0, false), 0); /* TaskExecutor */
    assert_int_equal(log_buffer_search(&b, "task", 1, false), 2);
    assert_int_equal(log_buffer_search(&b, "TASK", 6, true), 2);
    assert_int_equal(log_buffer_search(&b, "nowhere", 0, false), -1);
    assert_int_equal(log_buffer_search(&b, "", 0, false), -1);
    log_buffer_free(&b);
}

static void the_cap_keeps_the_newest_and_numbers_stay(void **state) {
    (void)state;
    struct log_buffer b;
    log_buffer_init(&b, 1000); /* bytes */
    char line[64];
    for (int i = 0; i < 500; i++) {
        int n = snprintf(line, sizeof line, "2026-12-06 10:00:00,000 INFO line %04d\n", i);
        log_buffer_feed(&b, line, (size_t)n);
    }
    assert_true(b.bytes <= 1000);
    assert_int_equal(log_buffer_end_no(&b), 500);
    assert_true(log_buffer_first(&b) > 450);
    assert_null(log_buffer_line(&b, 0));
    assert_non_null(strstr(log_buffer_line(&b, 499)->text, "line 0499"));
    /* a search that starts before what is held finds what is held */
    assert_int_equal(log_buffer_search(&b, "line 0480", 0, false), 480);
    assert_int_equal(log_buffer_search(&b, "line 0001", 499, true), -1);
    log_buffer_free(&b);
}

static void hostile_and_long_lines(void **state) {
    (void)state;
    struct log_buffer b;
    log_buffer_init(&b, 0);
    const char evil[] = "ERROR \x1b[31mred\x1b[0m \xff\xfe bidi\xe2\x80\xae""exe.jpg\r\n";
    log_buffer_feed(&b, evil, sizeof evil - 1);
    const char *t = log_buffer_line(&b, 0)->text;
    assert_null(strchr(t, '\x1b'));
    assert_null(strchr(t, '\r'));
    assert_null(strstr(t, "\xe2\x80\xae"));
    /* a line longer than LOG_LINE_MAX is cut into lines, nothing is lost or overrun */
    size_t n = LOG_LINE_MAX * 2 + 10;
    char *big = malloc(n + 1);
    memset(big, 'x', n);
    big[n] = '\n';
    log_buffer_feed(&b, big, n + 1);
    free(big);
    assert_int_equal(log_buffer_end_no(&b), 4);
    assert_int_equal(log_buffer_line(&b, 1)->len, LOG_LINE_MAX);
    assert_int_equal(log_buffer_line(&b, 3)->len, 10);
    /* the stream ends without a newline: the last line still counts */
    log_buffer_feed(&b, "tail", 4);
    assert_int_equal(log_buffer_end_no(&b), 4);
    log_buffer_end(&b);
    assert_string_equal(log_buffer_line(&b, 4)->text, "tail");
    log_buffer_clear(&b);
    assert_null(log_buffer_line(&b, 4));
    assert_int_equal(log_buffer_first(&b), 5);
    log_buffer_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pieces_cut_anywhere_make_the_same_lines),
        cmocka_unit_test(levels_and_traces),
        cmocka_unit_test(search_both_ways_case_insensitive),
        cmocka_unit_test(the_cap_keeps_the_newest_and_numbers_stay),
        cmocka_unit_test(hostile_and_long_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
