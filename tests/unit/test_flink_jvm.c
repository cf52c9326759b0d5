/* The JVM screen's parsers on the simulator's real answers (tests/fixtures/jvm/, Flink
 * 1.20 without per-collector rates, 2.1 with them), then broken ones: what is asserted
 * is what the memory and JVM screen would show. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "flink_detail.h"
#include "flink_jvm.h"
#include "xalloc.h"

static char err[160];
static char names[JVM_GC_MAX][JVM_GC_NAME_MAX];

static struct body load(const char *name) { return fixture_load("jvm", name); }

static struct body text(const char *s) {
    struct body b = {xmalloc(strlen(s) ? strlen(s) : 1), strlen(s)};
    memcpy(b.data, s, b.len);
    return b;
}

static size_t names_of(struct body b) {
    size_t n = 99;
    err[0] = '\0';
    enum fa_status st = flink_jvm_parse_names(b.data, b.len, names, &n, err, sizeof err);
    free(b.data);
    return st == FA_OK ? n : (size_t)-1;
}

static enum fa_status metrics_of(struct body b, size_t n, struct jvm_metrics *m) {
    err[0] = '\0';
    enum fa_status st = flink_jvm_parse_metrics(b.data, b.len, names, n, m, err, sizeof err);
    free(b.data);
    return st;
}

static void names_are_the_collectors_without_all(void **state) {
    (void)state;
    size_t n = names_of(load("tm_metrics_list.flink-2.1.0.json"));
    assert_int_equal(n, 2);
    assert_string_equal(names[0], "G1_Young_Generation");
    assert_string_equal(names[1], "G1_Old_Generation");
    n = names_of(load("tm_metrics_list.flink-1.20.1.json"));
    assert_int_equal(n, 2);
}

static void names_unsafe_for_a_url_are_dropped(void **state) {
    (void)state;
    size_t n = names_of(text("[{\"id\":\"Status.JVM.GarbageCollector.a,b.Count\"},"
                             "{\"id\":\"Status.JVM.GarbageCollector.x&y=z.Time\"},"
                             "{\"id\":\"Status.JVM.GarbageCollector.Copy.Count\"},"
                             "{\"id\":\"Status.JVM.GarbageCollector.Copy.Time\"},"
                             "{\"id\":\"Status.JVM.GarbageCollector.All.Count\"},"
                             "{\"id\":7},{\"nope\":1},\"str\"]"));
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "Copy");
}

static void names_malformed_is_an_error(void **state) {
    (void)state;
    assert_int_equal(names_of(text("{\"id\":1}")), (size_t)-1);
    assert_int_equal(names_of(text("[{\"id\":")), (size_t)-1);
    assert_int_equal(names_of(text("")), (size_t)-1);
}

static void query_asks_every_figure_and_each_collector(void **state) {
    (void)state;
    snprintf(names[0], JVM_GC_NAME_MAX, "PS_Scavenge");
    char *q = flink_jvm_query(names, 1);
    assert_non_null(strstr(q, "get=Status.JVM.Memory.Heap.Used,"));
    assert_non_null(strstr(q, "Status.Shuffle.Netty.AvailableMemorySegments"));
    assert_non_null(strstr(q, "Status.JVM.GarbageCollector.PS_Scavenge.Count"));
    assert_non_null(strstr(q, "Status.JVM.GarbageCollector.PS_Scavenge.TimeMsPerSecond"));
    assert_null(strchr(q, ' '));
    free(q);
}

static void metrics_flink_1_20_have_counters_but_no_rates(void **state) {
    (void)state;
    size_t n = names_of(load("tm_metrics_list.flink-1.20.1.json"));
    struct jvm_metrics m;
    assert_int_equal(metrics_of(load("tm_metrics.flink-1.20.1.json"), n, &m), FA_OK);
    assert_true(m.heap_used > 0 && m.heap_max >= m.heap_used);
    assert_true(m.metaspace_used > 0);
    assert_true(m.managed_total > 0);
    assert_true(m.segments_total > 0);
    assert_true(m.threads > 0);
    assert_int_equal(m.n_gc, 2);
    assert_true(m.gc[0].count >= 0 && m.gc[0].time_ms >= 0);
    assert_true(isnan(m.gc[0].ms_per_s)); /* before 2.0: a rate only between samples */
    assert_true(isnan(m.gc_all_ms_per_s));
}

static void metrics_flink_2_1_have_per_collector_rates(void **state) {
    (void)state;
    size_t n = names_of(load("tm_metrics_list.flink-2.1.0.json"));
    struct jvm_metrics m;
    assert_int_equal(metrics_of(load("tm_metrics.flink-2.1.0.json"), n, &m), FA_OK);
    assert_false(isnan(m.gc[0].ms_per_s));
    assert_false(isnan(m.gc_all_ms_per_s));
}

static void jobmanager_metrics_have_no_managed_memory(void **state) {
    (void)state;
    snprintf(names[0], JVM_GC_NAME_MAX, "G1_Young_Generation");
    struct jvm_metrics m;
    assert_int_equal(metrics_of(load("jm_metrics.flink-1.20.1.json"), 1, &m), FA_OK);
    assert_true(m.heap_max > 0);
    assert_true(isnan(m.managed_total));
    assert_true(isnan(m.segments_total));
}

static void counters_become_rates_between_two_samples(void **state) {
    (void)state;
    snprintf(names[0], JVM_GC_NAME_MAX, "Copy");
    struct jvm_metrics a, b;
    assert_int_equal(metrics_of(text("[{\"id\":\"Status.JVM.GarbageCollector.Copy.Count\","
                                     "\"value\":\"10\"},{\"id\":\"Status.JVM.GarbageCollector."
                                     "Copy.Time\",\"value\":\"1000\"}]"),
                                1, &a),
                     FA_OK);
    assert_int_equal(metrics_of(text("[{\"id\":\"Status.JVM.GarbageCollector.Copy.Count\","
                                     "\"value\":\"13\"},{\"id\":\"Status.JVM.GarbageCollector."
                                     "Copy.Time\",\"value\":\"1400\"}]"),
                                1, &b),
                     FA_OK);
    assert_true(isnan(b.gc[0].ms_per_s));
    flink_jvm_derive(&a, &b, 2000);
    assert_true(fabs(b.gc[0].ms_per_s - 200.0) < 1e-9); /* 400 ms in 2 s */
    assert_true(fabs(b.gc[0].per_min - 90.0) < 1e-9);   /* 3 in 2 s */
    /* a restarted JVM: the counters went back, the rate is unknown, not negative */
    struct jvm_metrics c = b;
    c.gc[0].ms_per_s = c.gc[0].per_min = NAN;
    c.gc[0].time_ms = 5;
    c.gc[0].count = 1;
    flink_jvm_derive(&b, &c, 2000);
    assert_true(isnan(c.gc[0].ms_per_s));
    assert_true(isnan(c.gc[0].per_min));
    /* no earlier sample, or no time between: nothing made up */
    struct jvm_metrics d = b;
    d.gc[0].ms_per_s = NAN;
    flink_jvm_derive(NULL, &d, 2000);
    flink_jvm_derive(&a, &d, 0);
    assert_true(isnan(d.gc[0].ms_per_s));
}

static void metrics_bad_values_are_unknown(void **state) {
    (void)state;
    struct jvm_metrics m;
    assert_int_equal(metrics_of(text("[{\"id\":\"Status.JVM.Memory.Heap.Max\",\"value\":\"-1\"},"
                                     "{\"id\":\"Status.JVM.Memory.Heap.Used\",\"value\":\"abc\"},"
                                     "{\"id\":\"Status.JVM.Threads.Count\"},"
                                     "{\"id\":\"Status.JVM.CPU.Load\",\"value\":\"NaN\"},"
                                     "{\"id\":\"Status.JVM.Memory.NonHeap.Used\",\"value\":[1]},"
                                     "{\"value\":\"5\"},3,null]"),
                                0, &m),
                     FA_OK);
    assert_true(isnan(m.heap_max));
    assert_true(isnan(m.heap_used));
    assert_true(isnan(m.threads));
    assert_true(isnan(m.cpu_load));
    assert_true(isnan(m.nonheap_used));
    assert_int_equal(m.n_gc, 0);
}

static void metrics_malformed_is_error_and_unknown(void **state) {
    (void)state;
    struct jvm_metrics m;
    snprintf(names[0], JVM_GC_NAME_MAX, "Copy");
    assert_int_not_equal(metrics_of(text("{\"a\":1}"), 1, &m), FA_OK);
    assert_true(isnan(m.heap_used));
    assert_true(isnan(m.gc[0].count));
    assert_int_not_equal(metrics_of(text("[{\"id\":\"Status"), 1, &m), FA_OK);
    assert_true(err[0] != '\0');
}

static void tm_details_read_memory_configuration_and_hardware(void **state) {
    (void)state;
    struct body b = load("tm_details.flink-1.20.1.json");
    struct jvm_tm_info i;
    assert_int_equal(flink_jvm_parse_tm(b.data, b.len, &i, err, sizeof err), FA_OK);
    free(b.data);
    assert_true(i.task_heap > 0);
    assert_true(i.total_process > i.total_flink && i.total_flink > 0);
    assert_true(i.network > 0 && i.managed > 0 && i.metaspace > 0);
    assert_true(i.cpu_cores >= 1);
    assert_true(i.physical_memory > 0);
}

static void tm_details_missing_or_wrong_fields_are_unknown(void **state) {
    (void)state;
    struct body b = text("{\"memoryConfiguration\":{\"taskHeap\":\"x\",\"networkMemory\":-5},"
                         "\"hardware\":7}");
    struct jvm_tm_info i;
    assert_int_equal(flink_jvm_parse_tm(b.data, b.len, &i, err, sizeof err), FA_OK);
    free(b.data);
    assert_int_equal(i.task_heap, -1);
    assert_int_equal(i.network, -1);
    assert_int_equal(i.cpu_cores, -1);
    assert_int_equal(i.total_process, -1);
    b = text("[1]");
    assert_int_not_equal(flink_jvm_parse_tm(b.data, b.len, &i, err, sizeof err), FA_OK);
    free(b.data);
    assert_int_equal(i.task_heap, -1);
}

static void tab_gc_column_falls_back_to_the_collectors_times(void **state) {
    (void)state;
    /* the poller's own query on Flink 1.20: no All.TimeMsPerSecond, the times summed */
    struct body b = load("tm_metrics.flink-1.20.1.json");
    struct tm_metrics a;
    assert_int_equal(flink_detail_parse_tm_metrics(b.data, b.len, &a, err, sizeof err), FA_OK);
    free(b.data);
    assert_true(isnan(a.gc_time_ms_per_s));
    assert_true(a.gc_time_total_ms > 0);
    struct tm_metrics c = a;
    c.gc_time_total_ms += 300; /* 300 ms of GC in the 3 s between the answers */
    flink_jvm_tm_gc_rate(&a, 1000, &c, 4000);
    assert_true(fabs(c.gc_time_ms_per_s - 100.0) < 1e-9);
    /* the first answer, a counter gone back, or a rate Flink gave: nothing changed */
    struct tm_metrics d = a;
    flink_jvm_tm_gc_rate(&a, 0, &d, 4000);
    assert_true(isnan(d.gc_time_ms_per_s));
    d.gc_time_total_ms = 1;
    flink_jvm_tm_gc_rate(&a, 1000, &d, 4000);
    assert_true(isnan(d.gc_time_ms_per_s));
    d.gc_time_ms_per_s = 7;
    d.gc_time_total_ms = a.gc_time_total_ms + 5000;
    flink_jvm_tm_gc_rate(&a, 1000, &d, 4000);
    assert_true(fabs(d.gc_time_ms_per_s - 7) < 1e-9);
    /* Flink 2.1 gives All.TimeMsPerSecond itself */
    b = load("tm_metrics.flink-2.1.0.json");
    assert_int_equal(flink_detail_parse_tm_metrics(b.data, b.len, &a, err, sizeof err), FA_OK);
    free(b.data);
    assert_false(isnan(a.gc_time_ms_per_s));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(names_are_the_collectors_without_all),
        cmocka_unit_test(names_unsafe_for_a_url_are_dropped),
        cmocka_unit_test(names_malformed_is_an_error),
        cmocka_unit_test(query_asks_every_figure_and_each_collector),
        cmocka_unit_test(metrics_flink_1_20_have_counters_but_no_rates),
        cmocka_unit_test(metrics_flink_2_1_have_per_collector_rates),
        cmocka_unit_test(jobmanager_metrics_have_no_managed_memory),
        cmocka_unit_test(counters_become_rates_between_two_samples),
        cmocka_unit_test(metrics_bad_values_are_unknown),
        cmocka_unit_test(metrics_malformed_is_error_and_unknown),
        cmocka_unit_test(tm_details_read_memory_configuration_and_hardware),
        cmocka_unit_test(tm_details_missing_or_wrong_fields_are_unknown),
        cmocka_unit_test(tab_gc_column_falls_back_to_the_collectors_times),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
