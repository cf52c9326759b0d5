/* The subtask drill-down's parsers on fixtures (tests/fixtures/detail/vertex*.json): one
 * vertex's subtasks (/jobs/:jid/vertices/:vid) and its task managers (.../taskmanagers),
 * Flink 1.15 (host) and 1.19+ (endpoint) shapes, then what a broken server sends; and the
 * median the skew is measured against. */
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
#include "flink_subtasks.h"
#include "xalloc.h"

static char err[160];

static enum fa_status vertex(const char *name, struct subtask_list *out) {
    struct body b = fixture_load("detail", name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_subtasks_parse_vertex(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status tms(const char *name, struct vertex_tm_list *out) {
    struct body b = fixture_load("detail", name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_subtasks_parse_tms(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static void parse_vertex_flink_1_20_endpoint_and_tm(void **state) {
    (void)state;
    struct subtask_list l;
    assert_int_equal(vertex("vertex.flink-1.20.json", &l), FA_OK);
    assert_int_equal(l.len, 3);
    const struct subtask_info *s = &l.items[1];
    assert_int_equal(s->index, 1);
    assert_string_equal(s->status, "RUNNING");
    assert_int_equal(s->attempt, 2); /* restarted twice: the drill-down shows it */
    assert_int_equal(s->duration_ms, 6400000);
    assert_int_equal(s->read_records, 98000);
    assert_int_equal(s->read_bytes, 9437184);
    assert_int_equal(s->write_records, 0);
    assert_string_equal(s->tm_id, "orders-taskmanager-1-2");
    assert_string_equal(s->host, "10.1.0.12"); /* the port is not the host */
    /* a subtask not started yet: its times are unknown, not zero */
    assert_string_equal(l.items[2].status, "DEPLOYING");
    assert_int_equal(l.items[2].start_ms, -1);
    assert_int_equal(l.items[2].duration_ms, -1);
    assert_string_equal(l.items[2].host, "fd00::7"); /* IPv6 endpoint in brackets */
    subtask_list_free(&l);
    assert_null(l.items);
}

static void parse_vertex_flink_1_15_host(void **state) {
    (void)state;
    struct subtask_list l;
    assert_int_equal(vertex("vertex.flink-1.15.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].host, "flink-taskmanager-7b9c");
    /* a standalone task manager's id keeps its colon: it is not an endpoint */
    assert_string_equal(l.items[0].tm_id, "10.0.3.7:6122-f3a1b2");
    assert_int_equal(l.items[0].write_records, 50000);
    assert_int_equal(l.items[0].read_records, 0);
    subtask_list_free(&l);
}

static void parse_vertex_wrong_types_are_unknown(void **state) {
    (void)state;
    struct subtask_list l;
    assert_int_equal(vertex("vertex.wrong_types.json", &l), FA_OK);
    assert_int_equal(l.len, 2); /* the string element is skipped */
    const struct subtask_info *a = &l.items[0];
    assert_int_equal(a->index, 0); /* no usable index: its place in the list */
    assert_null(a->status);
    assert_int_equal(a->attempt, -1);
    assert_int_equal(a->duration_ms, -1);
    assert_int_equal(a->read_records, -1);
    assert_null(a->tm_id);
    assert_null(a->host);
    const struct subtask_info *b = &l.items[1];
    assert_int_equal(b->index, 1);
    assert_null(strchr(b->status, '\x1b')); /* control characters never reach the screen */
    assert_null(strchr(b->tm_id, '\a'));
    assert_int_equal(b->read_records, -1);  /* negative: unknown */
    assert_int_equal(b->write_records, -1); /* beyond int64: unknown */
    subtask_list_free(&l);
}

static void parse_vertex_malformed_is_an_error(void **state) {
    (void)state;
    struct subtask_list l;
    assert_int_equal(vertex("vertex.subtasks_object.json", &l), FA_SHAPE);
    assert_int_equal(l.len, 0);
    assert_null(l.items);
    assert_non_null(strstr(err, "subtasks"));
    assert_int_equal(vertex("vertex.truncated.json", &l), FA_SYNTAX);
    assert_int_equal(l.len, 0);
    assert_int_equal(vertex("vertex_tms.wrong_shape.json", &l), FA_OK); /* no subtasks: none */
    assert_int_equal(l.len, 0);
    subtask_list_free(&l);
}

static void parse_vertex_tms(void **state) {
    (void)state;
    struct vertex_tm_list l;
    assert_int_equal(tms("vertex_tms.flink-1.20.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].tm_id, "orders-taskmanager-1-1");
    assert_string_equal(l.items[0].host, "10.1.0.11");
    assert_int_equal(l.items[0].subtasks, 1);
    assert_int_equal(l.items[0].read_records, 12000);
    assert_string_equal(l.items[1].host, "10.1.0.12");
    assert_int_equal(l.items[1].subtasks, 2);
    assert_int_equal(l.items[1].write_records, -1);
    vertex_tm_list_free(&l);
    assert_int_equal(tms("vertex_tms.wrong_shape.json", &l), FA_SHAPE);
    assert_int_equal(l.len, 0);
    assert_int_equal(tms("vertex.truncated.json", &l), FA_SYNTAX);
}

static void median_ignores_unknown(void **state) {
    (void)state;
    double v[] = {0.9, -1, 0.2, NAN, 0.4};
    assert_true(fabs(subtasks_median(v, 5) - 0.4) < 1e-9);
    double even[] = {1, 2, 3, 10};
    assert_true(fabs(subtasks_median(even, 4) - 2.5) < 1e-9);
    double none[] = {-1, NAN};
    assert_true(subtasks_median(none, 2) < 0);
    assert_true(subtasks_median(NULL, 0) < 0);
}

static void drill_owns_its_lists(void **state) {
    (void)state;
    struct subtask_drill *d = subtask_drill_new("0a448493b4782967b150582570326227");
    assert_string_equal(d->vertex_id, "0a448493b4782967b150582570326227");
    assert_int_equal(d->subtasks_src.state, SOURCE_PENDING);
    assert_int_equal(vertex("vertex.flink-1.20.json", &d->subtasks), FA_OK);
    subtask_drill_free(d); /* frees the subtasks too (ASan checks) */
    subtask_drill_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_vertex_flink_1_20_endpoint_and_tm),
        cmocka_unit_test(parse_vertex_flink_1_15_host),
        cmocka_unit_test(parse_vertex_wrong_types_are_unknown),
        cmocka_unit_test(parse_vertex_malformed_is_an_error),
        cmocka_unit_test(parse_vertex_tms),
        cmocka_unit_test(median_ignores_unknown),
        cmocka_unit_test(drill_owns_its_lists),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
