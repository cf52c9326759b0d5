/* Parsers for the inside of a job on fixtures (tests/fixtures/detail/): real shapes from
 * Flink 1.12 to 2.x first, then what a broken or hostile server sends. What is asserted is
 * what the job, checkpoint, backpressure and exception screens would show. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flink_api.h"
#include "flink_detail.h"
#include "job_detail.h"
#include "fixture.h"
#include "xalloc.h"

#define EPS 1e-9

static char err[160];

static struct body load(const char *name) { return fixture_load("detail", name); }

/* A body from a literal, also without its NUL. */
static struct body text(const char *s) {
    struct body b = {xmalloc(strlen(s)), strlen(s)};
    memcpy(b.data, s, b.len);
    return b;
}

static enum fa_status job_body(struct body b, struct job_details *sum, struct vertex_list *out) {
    memset(sum, 0x5a, sizeof *sum);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_job(b.data, b.len, sum, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status job_from(const char *name, struct job_details *sum, struct vertex_list *out) {
    return job_body(load(name), sum, out);
}

static enum fa_status metrics_from(const char *name, struct vertex *v) {
    struct body b = load(name);
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_vertex_metrics(b.data, b.len, v, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status bp_body(struct body b, struct vertex *v) {
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_backpressure(b.data, b.len, v, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status bp_from(const char *name, struct vertex *v) { return bp_body(load(name), v); }

static enum fa_status cps_from(const char *name, struct checkpoint_stats *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_checkpoints(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status config_body(struct body b, struct checkpoint_config *out) {
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_checkpoint_config(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status config_from(const char *name, struct checkpoint_config *out) {
    return config_body(load(name), out);
}

static enum fa_status exc_from(const char *name, struct exceptions *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_exceptions(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status tm_from(const char *name, struct tm_metrics *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_detail_parse_tm_metrics(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static void assert_summary_unknown(const struct job_details *s) {
    assert_string_equal(s->id, "");
    assert_int_equal(s->parallelism, -1);
    assert_int_equal(s->max_parallelism, -1);
    assert_int_equal(s->vertex_count, -1);
}

static void assert_no_latest(const struct checkpoint *c) {
    assert_int_equal(c->id, -1);
    assert_null(c->status);
    assert_null(c->path);
    assert_int_equal(c->trigger_ts, -1);
    assert_int_equal(c->size_bytes, -1);
    assert_int_equal(c->duration_ms, -1);
}

static void assert_stats_unknown(const struct checkpoint_stats *s) {
    assert_int_equal(s->total, -1);
    assert_int_equal(s->completed, -1);
    assert_int_equal(s->failed, -1);
    assert_int_equal(s->in_progress, -1);
    assert_int_equal(s->restored, -1);
    assert_no_latest(&s->last_completed);
    assert_no_latest(&s->last_failed);
    assert_no_latest(&s->last_savepoint);
    assert_no_latest(&s->last_restored);
    assert_null(s->history);
    assert_int_equal(s->n_history, 0);
}

static void assert_config_unknown(const struct checkpoint_config *c) {
    assert_false(c->enabled);
    assert_null(c->mode);
    assert_int_equal(c->interval_ms, -1);
    assert_int_equal(c->timeout_ms, -1);
    assert_int_equal(c->min_pause_ms, -1);
    assert_int_equal(c->max_concurrent, -1);
    assert_int_equal(c->tolerable_failed, -1);
    assert_null(c->state_backend);
    assert_false(c->unaligned);
}

static void assert_tm_unknown(const struct tm_metrics *m) {
    assert_true(isnan(m->heap_used));
    assert_true(isnan(m->heap_max));
    assert_true(isnan(m->cpu_load));
    assert_true(isnan(m->threads));
    assert_true(isnan(m->gc_time_ms_per_s));
}

/* Only printable text and newlines: what the Exceptions screen may put on the terminal. */
static void assert_terminal_safe(const char *s, bool newlines_ok) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '\n' && newlines_ok)
            continue;
        assert_true(*p >= 0x20 && *p != 0x7f);
        if (*p == 0xc2)
            assert_false(p[1] >= 0x80 && p[1] <= 0x9f); /* C1 controls */
    }
}

/* A vertex that already shows the values of an earlier poll. */
static void vertex_with_values(struct vertex *v) {
    vertex_init(v);
    snprintf(v->id, sizeof v->id, "%s", "cbc357ccb763df2852fee8c4fc7d55f2");
    v->name = xstrdup("Source: Kafka payments");
    v->in_per_s = 1.0;
    v->out_per_s = 2.0;
    v->busy_ms = 3.0;
    v->backpressured_ms = 4.0;
    v->idle_ms = 5.0;
}

/* ---- /jobs/:jid ---------------------------------------------------------------------- */

static void job_flink_1_15_vertices_with_upstream_inputs(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.flink-1.15.json", &s, &l), FA_OK);
    assert_string_equal(s.id, "3f9c2a7d4b1e4c0a9d8e7f6a5b4c3d21");
    assert_int_equal(s.vertex_count, 3);
    assert_int_equal(s.parallelism, 4);
    assert_int_equal(s.max_parallelism, 128); /* job says -1: the vertices tell */
    assert_int_equal(l.len, 3);

    const struct vertex *src = &l.items[0], *win = &l.items[1], *sink = &l.items[2];
    assert_string_equal(src->id, "cbc357ccb763df2852fee8c4fc7d55f2");
    assert_string_equal(src->name, "Source: Kafka payments -> Timestamps/Watermarks");
    assert_int_equal(src->parallelism, 4);
    assert_int_equal(src->max_parallelism, 128);
    assert_string_equal(src->status, "RUNNING");
    assert_int_equal(src->n_inputs, 0);
    assert_string_equal(win->name, "TumblingEventTimeWindows -> Map");
    assert_int_equal(win->n_inputs, 1);
    assert_string_equal(win->inputs[0], "cbc357ccb763df2852fee8c4fc7d55f2");
    assert_string_equal(win->ship[0], "HASH"); /* the edge's ship strategy, for the graph */
    assert_string_equal(sink->name, "Sink: Kafka alerts");
    assert_int_equal(sink->parallelism, 2);
    assert_int_equal(sink->n_inputs, 1);
    assert_string_equal(sink->inputs[0], "90bea66de1c231edf33913ecd54406c1");
    assert_string_equal(sink->ship[0], "REBALANCE");
    /* nothing measured yet */
    assert_true(isnan(src->in_per_s));
    assert_true(isnan(src->busy_ms));
    assert_false(src->bp_sampled);
    assert_int_equal(src->bp_level, BP_UNKNOWN);
    assert_int_equal(src->n_subtasks, 0);
    vertex_list_free(&l);
}

static void job_flink_2_1_join_has_two_upstreams(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.flink-2.1.json", &s, &l), FA_OK);
    assert_int_equal(s.vertex_count, 4);
    assert_int_equal(s.parallelism, 8);
    assert_int_equal(s.max_parallelism, 256);
    assert_int_equal(l.len, 4);
    assert_string_equal(l.items[0].name, "Source: orders");
    assert_int_equal(l.items[0].n_inputs, 0);
    assert_int_equal(l.items[1].n_inputs, 0);
    const struct vertex *join = &l.items[2];
    assert_string_equal(join->name,
                        "Join(joinType=[InnerJoin], where=[=(order_id, order_id0)]) -> Calc");
    assert_int_equal(join->n_inputs, 2);
    assert_string_equal(join->inputs[0], "bc764cd8ddf7a0cff126f51c16239658");
    assert_string_equal(join->inputs[1], "feca28aff5a3958840bee985ee7de4d3");
    assert_int_equal(l.items[3].n_inputs, 1);
    assert_string_equal(l.items[3].inputs[0], "0a448493b4782967b150582570326227");
    vertex_list_free(&l);
}

static void job_summary_matches_job_list_parser(void **state) {
    (void)state;
    const char *names[] = {"job.flink-1.15.json", "job.flink-2.1.json", "job.no_vertices.json",
                           "job.wrong_types.json", "job.huge_numbers.json"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        struct job_details s, expect;
        struct vertex_list l;
        assert_int_equal(job_from(names[i], &s, &l), FA_OK);
        struct body b = load(names[i]);
        assert_int_equal(flink_api_parse_job_details(b.data, b.len, &expect, err, sizeof err),
                         FA_OK);
        free(b.data);
        assert_string_equal(s.id, expect.id);
        assert_int_equal(s.parallelism, expect.parallelism);
        assert_int_equal(s.max_parallelism, expect.max_parallelism);
        assert_int_equal(s.vertex_count, expect.vertex_count);
        vertex_list_free(&l);
    }
}

static void job_zero_vertices_parallelism_unknown(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.no_vertices.json", &s, &l), FA_OK);
    assert_string_equal(s.id, "00000000000000000000000000000abc");
    assert_int_equal(s.vertex_count, 0);
    assert_int_equal(s.parallelism, -1);
    assert_int_equal(s.max_parallelism, -1);
    assert_int_equal(l.len, 0);
    vertex_list_free(&l);
}

static void job_wrong_types_are_unknown_and_names_sanitised(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.wrong_types.json", &s, &l), FA_OK);
    assert_string_equal(s.id, ""); /* jid is a number */
    assert_int_equal(l.len, 3);    /* the 42 is no vertex */
    assert_int_equal(s.vertex_count, 3);
    assert_int_equal(s.parallelism, 3);
    assert_int_equal(s.max_parallelism, 64);

    const struct vertex *a = &l.items[0], *b = &l.items[1], *c = &l.items[2];
    assert_string_equal(a->id, "");
    assert_string_equal(a->name, "Source: red bell"); /* escape sequences go whole */
    assert_terminal_safe(a->name, false);
    assert_int_equal(a->parallelism, 3); /* "3": Flink sends some numbers as strings */
    assert_int_equal(a->max_parallelism, -1);
    assert_null(a->status);

    assert_null(b->name);
    assert_int_equal(b->parallelism, -1);
    assert_int_equal(b->max_parallelism, 64);
    assert_string_equal(b->status, "RUNNING");
    assert_int_equal(b->n_inputs, 0); /* inputs is a string */

    assert_int_equal(c->parallelism, -1); /* 2.5 */
    assert_int_equal(c->max_parallelism, 64);
    assert_null(c->status); /* "" */
    /* the repeat, itself, a number, a bad id, junk: one real upstream left; the second
     * node with the same id does not replace the first */
    assert_int_equal(c->n_inputs, 1);
    assert_string_equal(c->inputs[0], "0123456789abcdef0123456789abcdef");
    vertex_list_free(&l);
}

static void job_huge_numbers_do_not_overflow(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.huge_numbers.json", &s, &l), FA_OK);
    assert_int_equal(l.len, 3);
    assert_int_equal(l.items[0].parallelism, -1);
    assert_int_equal(l.items[0].max_parallelism, -1);
    assert_int_equal(l.items[1].parallelism, -1);
    assert_int_equal(l.items[1].max_parallelism, -1);
    assert_int_equal(l.items[2].parallelism, 3);
    assert_int_equal(s.parallelism, 3);
    assert_int_equal(s.max_parallelism, 128);
    vertex_list_free(&l);
}

static void job_truncated_is_syntax_error(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.truncated.json", &s, &l), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte"));
    assert_summary_unknown(&s);
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void job_top_level_array_is_shape_error(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_from("job.top_level_array.json", &s, &l), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_summary_unknown(&s);
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void job_summary_may_be_null(void **state) {
    (void)state;
    struct body b = load("job.flink-1.15.json");
    struct vertex_list l;
    assert_int_equal(flink_detail_parse_job(b.data, b.len, NULL, &l, err, sizeof err), FA_OK);
    assert_int_equal(l.len, 3);
    free(b.data);
    vertex_list_free(&l);
}

/* A job of n vertices in a chain, vertex i fed by vertex i - 1, plan nodes listed last
 * vertex first; in memory. */
static struct body chain_job(size_t n) {
    size_t cap = 64 + n * 256, len = 0;
    char *s = xmalloc(cap);
    len += (size_t)snprintf(s + len, cap - len, "{\"vertices\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s{\"id\":\"%032zx\",\"parallelism\":1}",
                                i ? "," : "", i + 1);
    len += (size_t)snprintf(s + len, cap - len, "],\"plan\":{\"nodes\":[");
    for (size_t i = n; i-- > 0;) {
        len += (size_t)snprintf(s + len, cap - len, "{\"id\":\"%032zx\"", i + 1);
        if (i > 0)
            len += (size_t)snprintf(s + len, cap - len,
                                    ",\"inputs\":[{\"num\":0,\"id\":\"%032zx\"}]", i);
        len += (size_t)snprintf(s + len, cap - len, "}%s", i ? "," : "");
    }
    len += (size_t)snprintf(s + len, cap - len, "]}}");
    assert_true(len < cap);
    struct body b = {xmalloc(len), len};
    memcpy(b.data, s, len);
    free(s);
    return b;
}

static void job_plan_of_5000_vertices_links_each_upstream(void **state) {
    (void)state;
    struct job_details s;
    struct vertex_list l;
    assert_int_equal(job_body(chain_job(5000), &s, &l), FA_OK);
    assert_int_equal(l.len, 5000);
    assert_int_equal(s.vertex_count, 5000);
    assert_int_equal(l.items[0].n_inputs, 0);
    for (size_t i = 1; i < l.len; i++) {
        assert_int_equal(l.items[i].n_inputs, 1);
        assert_string_equal(l.items[i].inputs[0], l.items[i - 1].id);
    }
    vertex_list_free(&l);
}

/* ---- /subtasks/metrics --------------------------------------------------------------- */

static void vertex_metrics_rates_from_sum_times_from_max(void **state) {
    (void)state;
    struct vertex v;
    vertex_with_values(&v);
    assert_int_equal(metrics_from("vertex_metrics.agg.json", &v), FA_OK);
    assert_float_equal(v.in_per_s, 4821.733333333333, EPS);
    assert_float_equal(v.out_per_s, 4695.2, EPS);
    assert_float_equal(v.busy_ms, 612.0, EPS);
    assert_float_equal(v.backpressured_ms, 0.0, EPS);
    assert_false(isnan(v.backpressured_ms)); /* 0 is a value, not unknown */
    assert_float_equal(v.idle_ms, 702.0, EPS);
    assert_string_equal(v.name, "Source: Kafka payments"); /* the rest stays */
    vertex_free(&v);
}

static void vertex_metrics_all_aggregations_pick_sum_and_max(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(metrics_from("vertex_metrics.all_aggs.flink-1.20.json", &v), FA_OK);
    assert_float_equal(v.in_per_s, 480.0, EPS);
    assert_float_equal(v.out_per_s, 474.0, EPS);
    assert_float_equal(v.busy_ms, 998.0, EPS);
    assert_float_equal(v.backpressured_ms, 0.0, EPS);
    assert_float_equal(v.idle_ms, 150.0, EPS);
    vertex_free(&v);
}

static void vertex_metrics_absent_metrics_become_unknown(void **state) {
    (void)state;
    struct vertex v;
    vertex_with_values(&v);
    assert_int_equal(metrics_from("vertex_metrics.partial.json", &v), FA_OK);
    assert_true(isnan(v.in_per_s));
    assert_float_equal(v.out_per_s, 1000.0, EPS);
    assert_true(isnan(v.busy_ms)); /* "NaN": busy time not measured */
    assert_true(isnan(v.backpressured_ms));
    assert_true(isnan(v.idle_ms));
    vertex_free(&v);
}

static void vertex_metrics_empty_array_all_unknown(void **state) {
    (void)state;
    struct vertex v;
    vertex_with_values(&v);
    assert_int_equal(metrics_from("vertex_metrics.empty.json", &v), FA_OK);
    assert_true(isnan(v.in_per_s));
    assert_true(isnan(v.out_per_s));
    assert_true(isnan(v.busy_ms));
    assert_true(isnan(v.backpressured_ms));
    assert_true(isnan(v.idle_ms));
    vertex_free(&v);
}

static void vertex_metrics_object_as_in_openapi_is_shape_error(void **state) {
    (void)state;
    struct vertex v;
    vertex_with_values(&v);
    assert_int_equal(metrics_from("vertex_metrics.object.json", &v), FA_SHAPE);
    assert_string_equal(err, "expected JSON array, got object");
    /* the last good values stay on screen */
    assert_float_equal(v.in_per_s, 1.0, EPS);
    assert_float_equal(v.idle_ms, 5.0, EPS);
    vertex_free(&v);
}

static void vertex_metrics_wrong_types_are_unknown(void **state) {
    (void)state;
    struct vertex v;
    vertex_with_values(&v);
    assert_int_equal(metrics_from("vertex_metrics.wrong_types.json", &v), FA_OK);
    assert_true(isnan(v.in_per_s));         /* "lots" */
    assert_true(isnan(v.out_per_s));        /* negative rate */
    assert_true(isnan(v.busy_ms));          /* 1e400 */
    assert_true(isnan(v.backpressured_ms)); /* true */
    assert_float_equal(v.idle_ms, 250.5, EPS);
    vertex_free(&v);
}

static void vertex_metrics_truncated_keeps_last_values(void **state) {
    (void)state;
    struct vertex v;
    vertex_with_values(&v);
    assert_int_equal(metrics_from("vertex_metrics.truncated.json", &v), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte"));
    assert_float_equal(v.out_per_s, 2.0, EPS);
    vertex_free(&v);
}

/* ---- /backpressure ------------------------------------------------------------------- */

static void backpressure_flink_1_16_legacy_level_is_read(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.flink-1.16-legacy-level.json", &v), FA_OK);
    assert_true(v.bp_sampled);
    assert_int_equal(v.bp_level, BP_LOW);
    assert_int_equal(v.n_subtasks, 4);
    assert_float_equal(v.bp_ratio[0], 0.05, EPS);
    assert_float_equal(v.bp_ratio[1], 0.32, EPS);
    assert_float_equal(v.bp_ratio[2], 0.0, EPS); /* not the concurrent attempt's */
    assert_float_equal(v.idle_ratio[2], 0.7, EPS);
    assert_float_equal(v.busy_ratio[3], 0.42, EPS);
    assert_float_equal(v.idle_ratio[0], 0.6, EPS);
    vertex_free(&v);
}

static void backpressure_flink_1_17_reads_backpressure_level(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.flink-1.17plus.json", &v), FA_OK);
    assert_true(v.bp_sampled);
    assert_int_equal(v.bp_level, BP_HIGH);
    assert_int_equal(v.n_subtasks, 2);
    assert_float_equal(v.bp_ratio[0], 0.93, EPS);
    assert_float_equal(v.bp_ratio[1], 0.88, EPS);
    assert_float_equal(v.busy_ratio[1], 0.11, EPS);
    assert_float_equal(v.idle_ratio[1], 0.01, EPS);
    vertex_free(&v);
}

static void backpressure_new_level_name_wins_over_legacy(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    struct body b = text("{\"status\":\"ok\",\"backpressureLevel\":\"high\","
                         "\"backpressure-level\":\"ok\",\"subtasks\":[]}");
    assert_int_equal(bp_body(b, &v), FA_OK);
    assert_int_equal(v.bp_level, BP_HIGH);
    assert_true(v.bp_sampled);
    assert_int_equal(v.n_subtasks, 0);
    vertex_free(&v);
}

static void backpressure_deprecated_is_not_sampled(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.flink-1.17plus.json", &v), FA_OK);
    assert_int_equal(bp_from("backpressure.deprecated.json", &v), FA_OK);
    assert_false(v.bp_sampled);
    assert_int_equal(v.bp_level, BP_UNKNOWN);
    assert_int_equal(v.n_subtasks, 0);
    assert_null(v.bp_ratio);
    assert_null(v.busy_ratio);
    assert_null(v.idle_ratio);
    vertex_free(&v);
}

static void backpressure_out_of_order_lands_at_subtask_index(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.out_of_order.json", &v), FA_OK);
    assert_int_equal(v.n_subtasks, 4); /* 3, 0, 1 sent; 2 missing */
    assert_float_equal(v.bp_ratio[0], 0.0, EPS);
    assert_float_equal(v.bp_ratio[1], 0.1, EPS);
    assert_true(isnan(v.bp_ratio[2]));
    assert_true(isnan(v.busy_ratio[2]));
    assert_true(isnan(v.idle_ratio[2]));
    assert_float_equal(v.bp_ratio[3], 0.4, EPS);
    assert_float_equal(v.idle_ratio[0], 0.9, EPS);
    assert_float_equal(v.busy_ratio[3], 0.4, EPS);
    assert_int_equal(v.bp_level, BP_LOW);
    vertex_free(&v);
}

static void backpressure_busy_nan_is_unknown_busy(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.busy_nan.json", &v), FA_OK);
    assert_true(v.bp_sampled);
    assert_int_equal(v.bp_level, BP_OK);
    assert_int_equal(v.n_subtasks, 2);
    assert_true(isnan(v.busy_ratio[0]));
    assert_true(isnan(v.busy_ratio[1]));
    assert_float_equal(v.bp_ratio[1], 0.0, EPS);
    assert_float_equal(v.idle_ratio[1], 0.97, EPS);
    vertex_free(&v);
}

static void backpressure_missing_level_comes_from_worst_ratio(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.no_level.json", &v), FA_OK);
    assert_true(v.bp_sampled);
    assert_int_equal(v.bp_level, BP_HIGH); /* 0.72 */
    assert_int_equal(v.n_subtasks, 2);
    vertex_free(&v);
}

static void backpressure_wrong_types_skip_unplaceable_subtasks(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.wrong_types.json", &v), FA_OK);
    assert_int_equal(v.n_subtasks, 2);
    /* subtask 0: ratio 7 is no ratio; the later repeat of 0 does not replace it */
    assert_true(isnan(v.bp_ratio[0]));
    assert_true(isnan(v.busy_ratio[0]));
    assert_true(isnan(v.idle_ratio[0]));
    /* subtask "1" with ratio "0.25" */
    assert_float_equal(v.bp_ratio[1], 0.25, EPS);
    assert_float_equal(v.idle_ratio[1], 0.5, EPS);
    /* neither level name says ok/low/high: the worst known ratio does */
    assert_int_equal(v.bp_level, BP_LOW);
    vertex_free(&v);
}

static void backpressure_1000_subtasks_all_present(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.parallelism_1000.json", &v), FA_OK);
    assert_true(v.bp_sampled);
    assert_int_equal(v.bp_level, BP_HIGH);
    assert_int_equal(v.n_subtasks, 1000);
    for (size_t i = 0; i < 1000; i++) {
        double r = (double)(i % 100) / 100;
        assert_float_equal(v.bp_ratio[i], r, EPS);
        assert_float_equal(v.idle_ratio[i], 0.001 * (double)(i % 10), EPS);
        if (i % 7 == 0)
            assert_true(isnan(v.busy_ratio[i]));
        else
            assert_float_equal(v.busy_ratio[i], 1 - r, 0.006);
    }
    /* a smaller answer replaces the 1000 */
    assert_int_equal(bp_from("backpressure.flink-1.17plus.json", &v), FA_OK);
    assert_int_equal(v.n_subtasks, 2);
    vertex_free(&v);
}

static void backpressure_huge_subtask_index_is_shape_error(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.flink-1.17plus.json", &v), FA_OK);
    assert_int_equal(bp_from("backpressure.huge_index.json", &v), FA_SHAPE);
    assert_string_equal(err, "backpressure for more than 100000 subtasks");
    /* the last good answer stays */
    assert_true(v.bp_sampled);
    assert_int_equal(v.n_subtasks, 2);
    assert_float_equal(v.bp_ratio[0], 0.93, EPS);
    vertex_free(&v);
}

/* {"status":"ok","subtasks":[{"subtask":0,"ratio":0.5},...]} for n subtasks, in memory. */
static struct body many_subtasks(size_t n) {
    size_t cap = 64 + n * 40, len = 0;
    char *s = xmalloc(cap);
    len += (size_t)snprintf(s + len, cap - len, "{\"status\":\"ok\",\"subtasks\":[");
    for (size_t i = 0; i < n; i++)
        len += (size_t)snprintf(s + len, cap - len, "%s{\"subtask\":%zu,\"ratio\":0.5}",
                                i ? "," : "", i);
    len += (size_t)snprintf(s + len, cap - len, "]}");
    assert_true(len < cap);
    struct body b = {xmalloc(len), len};
    memcpy(b.data, s, len);
    free(s);
    return b;
}

static void backpressure_100000_subtasks_is_the_limit(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_body(many_subtasks(100000), &v), FA_OK);
    assert_int_equal(v.n_subtasks, 100000);
    assert_float_equal(v.bp_ratio[99999], 0.5, EPS);
    assert_int_equal(v.bp_level, BP_LOW);
    assert_int_equal(bp_body(many_subtasks(100001), &v), FA_SHAPE);
    assert_string_equal(err, "backpressure for more than 100000 subtasks");
    assert_int_equal(v.n_subtasks, 100000);
    vertex_free(&v);
}

static void backpressure_empty_object_is_not_sampled(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_body(text("{}"), &v), FA_OK);
    assert_false(v.bp_sampled);
    assert_int_equal(v.n_subtasks, 0);
    assert_int_equal(v.bp_level, BP_UNKNOWN);
    vertex_free(&v);
}

static void backpressure_malformed_keeps_last_answer(void **state) {
    (void)state;
    struct vertex v;
    vertex_init(&v);
    assert_int_equal(bp_from("backpressure.out_of_order.json", &v), FA_OK);
    assert_int_equal(bp_from("backpressure.top_level_array.json", &v), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_int_equal(bp_from("backpressure.truncated.json", &v), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte"));
    assert_int_equal(bp_from("empty.json", &v), FA_EMPTY);
    assert_int_equal(v.n_subtasks, 4);
    assert_int_equal(v.bp_level, BP_LOW);
    assert_true(v.bp_sampled);
    vertex_free(&v);
}

/* ---- /checkpoints -------------------------------------------------------------------- */

static void checkpoints_flink_1_14_at_class_size_is_state_size(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.flink-1.14.json", &s), FA_OK);
    assert_int_equal(s.total, 12);
    assert_int_equal(s.completed, 10);
    assert_int_equal(s.failed, 1);
    assert_int_equal(s.in_progress, 1);
    assert_int_equal(s.restored, 0);

    const struct checkpoint *c = &s.last_completed;
    assert_int_equal(c->id, 11);
    assert_string_equal(c->status, "COMPLETED");
    assert_false(c->is_savepoint);
    assert_int_equal(c->trigger_ts, 1650000660000);
    assert_int_equal(c->ack_ts, 1650000660412);
    assert_int_equal(c->duration_ms, 412);
    assert_int_equal(c->size_bytes, 40213); /* no checkpointed_size before 1.15 */
    assert_int_equal(c->state_size, 40213);
    assert_string_equal(c->path,
                        "s3://flink-state/checkpoints/7d2ad1a1c0f0e5d94b21f3b7ce5c0a11/chk-11");

    assert_no_latest(&s.last_savepoint);
    assert_no_latest(&s.last_restored);
    assert_int_equal(s.last_failed.id, 9);
    assert_string_equal(s.last_failed.status, "FAILED");
    assert_string_equal(s.last_failed.failure_message, "Checkpoint expired before completing.");
    assert_int_equal(s.last_failed.failure_ts, 1650001140000);
    assert_null(s.last_failed.path);

    assert_int_equal(s.n_history, 4);
    assert_int_equal(s.history[0].id, 12);
    assert_string_equal(s.history[0].status, "IN_PROGRESS");
    assert_null(s.history[0].path);
    assert_int_equal(s.history[2].id, 10);
    assert_int_equal(s.history[2].duration_ms, 1804);
    assert_int_equal(s.history[3].id, 9);
    assert_string_equal(s.history[3].status, "FAILED");
    checkpoint_stats_free(&s);
}

static void checkpoints_flink_1_15_size_is_checkpointed_size(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.flink-1.15.json", &s), FA_OK);
    assert_int_equal(s.total, 208);
    assert_int_equal(s.restored, 1);
    assert_int_equal(s.last_completed.id, 208);
    assert_int_equal(s.last_completed.size_bytes, 184320);
    assert_int_equal(s.last_completed.state_size, 62914560);
    assert_int_equal(s.last_completed.duration_ms, 655);

    assert_int_equal(s.last_savepoint.id, 150);
    assert_true(s.last_savepoint.is_savepoint);
    assert_string_equal(s.last_savepoint.path,
                        "s3://flink-state/savepoints/savepoint-3f9c2a-6b1c0f2e9a11");

    /* a failure message over two lines reads as one */
    assert_int_equal(s.last_failed.id, 201);
    assert_int_equal(s.last_failed.ack_ts, -1);
    assert_int_equal(s.last_failed.failure_ts, 1689006735000);
    assert_string_equal(s.last_failed.failure_message,
                        "Asynchronous task checkpoint failed. at "
                        "org.apache.flink.streaming.runtime.tasks.AsyncCheckpointRunnable."
                        "handleExecutionException(AsyncCheckpointRunnable.java:320)");

    assert_int_equal(s.n_history, 3);
    assert_int_equal(s.history[0].id, 208);
    assert_int_equal(s.history[1].id, 207);
    assert_int_equal(s.history[1].size_bytes, 201728);
    assert_int_equal(s.history[2].id, 201);
    assert_string_equal(s.history[2].status, "FAILED");
    checkpoint_stats_free(&s);
}

static void checkpoints_restored_from_savepoint(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.flink-1.15.json", &s), FA_OK);
    const struct checkpoint *r = &s.last_restored;
    assert_int_equal(r->id, 150);
    assert_int_equal(r->restore_ts, 1689003700000);
    assert_true(r->is_savepoint);
    assert_string_equal(r->path, "s3://flink-state/savepoints/savepoint-3f9c2a-6b1c0f2e9a11");
    assert_null(r->status);
    checkpoint_stats_free(&s);
}

static void checkpoints_before_first_completed_has_no_latest(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.before_first.json", &s), FA_OK);
    /* zero is known: "0 checkpoints", not "?" */
    assert_int_equal(s.total, 0);
    assert_int_equal(s.completed, 0);
    assert_int_equal(s.failed, 0);
    assert_int_equal(s.in_progress, 0);
    assert_int_equal(s.restored, 0);
    assert_no_latest(&s.last_completed);
    assert_no_latest(&s.last_savepoint);
    assert_no_latest(&s.last_failed);
    assert_no_latest(&s.last_restored);
    assert_int_equal(s.n_history, 0);
    checkpoint_stats_free(&s);
}

static void checkpoints_not_externally_addressable_has_no_path(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.jobmanager_storage.json", &s), FA_OK);
    assert_int_equal(s.last_completed.id, 1);
    assert_string_equal(s.last_completed.status, "COMPLETED");
    assert_null(s.last_completed.path);
    checkpoint_stats_free(&s);
}

static void checkpoints_wrong_types_are_unknown(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.wrong_types.json", &s), FA_OK);
    assert_int_equal(s.total, 12); /* "12" */
    assert_int_equal(s.completed, -1);
    assert_int_equal(s.failed, -1);
    assert_int_equal(s.in_progress, -1);
    assert_int_equal(s.restored, -1);
    assert_no_latest(&s.last_completed);
    assert_no_latest(&s.last_failed);
    assert_no_latest(&s.last_restored);

    const struct checkpoint *sp = &s.last_savepoint;
    assert_int_equal(sp->id, -1);
    assert_string_equal(sp->status, "COMPLETED"); /* from className */
    assert_false(sp->is_savepoint);
    assert_int_equal(sp->trigger_ts, -1);
    assert_int_equal(sp->ack_ts, -1);
    assert_int_equal(sp->state_size, -1);
    assert_int_equal(sp->size_bytes, -1);
    assert_int_equal(sp->duration_ms, -1);
    assert_null(sp->path);

    assert_int_equal(s.n_history, 3);
    assert_int_equal(s.history[0].id, 3);
    assert_string_equal(s.history[0].status, "FAILED");
    assert_null(s.history[0].failure_message);
    assert_int_equal(s.history[0].failure_ts, -1);
    assert_int_equal(s.history[1].id, 4);
    assert_string_equal(s.history[1].status, "IN_PROGRESS"); /* from @class */
    assert_int_equal(s.history[1].size_bytes, 100);
    assert_int_equal(s.history[2].id, 2);
    assert_null(s.history[2].status);
    checkpoint_stats_free(&s);
}

static void checkpoints_malformed_is_error_and_unknown(void **state) {
    (void)state;
    struct checkpoint_stats s;
    assert_int_equal(cps_from("checkpoints.truncated.json", &s), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte"));
    assert_stats_unknown(&s);
    assert_int_equal(cps_from("checkpoints.top_level_array.json", &s), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_stats_unknown(&s);
}

/* ---- /checkpoints/config ------------------------------------------------------------- */

static void checkpoint_config_reads_interval_mode_backend(void **state) {
    (void)state;
    struct checkpoint_config c;
    assert_int_equal(config_from("checkpoint_config.json", &c), FA_OK);
    assert_true(c.enabled);
    assert_string_equal(c.mode, "exactly_once");
    assert_int_equal(c.interval_ms, 60000);
    assert_int_equal(c.timeout_ms, 600000);
    assert_int_equal(c.min_pause_ms, 5000);
    assert_int_equal(c.max_concurrent, 1);
    assert_int_equal(c.tolerable_failed, 3);
    assert_string_equal(c.state_backend, "EmbeddedRocksDBStateBackend");
    assert_false(c.unaligned);
    checkpoint_config_free(&c);
}

static void checkpoint_config_periodic_off_is_int64_max(void **state) {
    (void)state;
    struct checkpoint_config c;
    assert_int_equal(config_from("checkpoint_config.disabled_interval.json", &c), FA_OK);
    assert_true(c.enabled);
    assert_true(c.interval_ms == INT64_MAX);
    assert_string_equal(c.mode, "at_least_once");
    assert_int_equal(c.min_pause_ms, 0);
    assert_int_equal(c.tolerable_failed, 0);
    assert_string_equal(c.state_backend, "HashMapStateBackend");
    assert_true(c.unaligned);
    checkpoint_config_free(&c);

    assert_int_equal(config_body(text("{\"interval\":\"9223372036854775807\"}"), &c), FA_OK);
    assert_true(c.interval_ms == INT64_MAX);
    checkpoint_config_free(&c);
}

static void checkpoint_config_wrong_types_are_unknown(void **state) {
    (void)state;
    struct checkpoint_config c;
    assert_int_equal(config_from("checkpoint_config.wrong_types.json", &c), FA_OK);
    assert_true(c.enabled);
    assert_string_equal(c.mode, "exactly_once"); /* the OpenAPI spelling, lowered */
    assert_int_equal(c.interval_ms, -1);
    assert_int_equal(c.timeout_ms, -1);
    assert_int_equal(c.min_pause_ms, -1);
    assert_int_equal(c.max_concurrent, -1);
    assert_int_equal(c.tolerable_failed, -1);
    assert_null(c.state_backend);
    assert_false(c.unaligned);
    checkpoint_config_free(&c);
}

static void checkpoint_config_huge_numbers_do_not_overflow(void **state) {
    (void)state;
    struct checkpoint_config c;
    assert_int_equal(config_from("checkpoint_config.huge_numbers.json", &c), FA_OK);
    assert_int_equal(c.interval_ms, -1); /* 1e300 is not Long.MAX_VALUE */
    assert_int_equal(c.timeout_ms, -1);
    assert_int_equal(c.min_pause_ms, -1);
    assert_int_equal(c.max_concurrent, -1);
    assert_int_equal(c.tolerable_failed, 2147483647);
    checkpoint_config_free(&c);
}

static void checkpoint_config_malformed_is_error_and_not_enabled(void **state) {
    (void)state;
    struct checkpoint_config c;
    assert_int_equal(config_from("checkpoint_config.top_level_array.json", &c), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_config_unknown(&c);
    assert_int_equal(config_from("whitespace.json", &c), FA_EMPTY);
    assert_config_unknown(&c);
}

/* ---- /exceptions --------------------------------------------------------------------- */

static void exceptions_flink_1_17_empty_history_has_no_entries(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.flink-1.17-empty.json", &e), FA_OK);
    assert_int_equal(e.len, 0);
    assert_null(e.entries);
    assert_false(e.truncated);
    exceptions_free(&e);
}

static void exceptions_flink_2_x_global_failure_first_with_no_task(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.flink-2.x-failed.json", &e), FA_OK);
    assert_int_equal(e.len, 2); /* concurrent exceptions stay inside their entry */
    assert_false(e.truncated);

    const struct exception_entry *root = &e.entries[0];
    assert_string_equal(root->name, "org.apache.flink.runtime.JobException");
    assert_string_equal(root->message, "org.apache.flink.runtime.JobException: Recovery is "
                                       "suppressed by NoRestartBackoffTimeStrategy");
    assert_int_equal(root->timestamp, 1746000350123);
    assert_null(root->task);
    assert_null(root->endpoint);
    assert_string_equal(
        root->stacktrace,
        "org.apache.flink.runtime.JobException: Recovery is suppressed by "
        "NoRestartBackoffTimeStrategy\n"
        "    at org.apache.flink.runtime.executiongraph.failover.ExecutionFailureHandler."
        "handleFailure(ExecutionFailureHandler.java:219)\n"
        "    at org.apache.flink.runtime.scheduler.DefaultScheduler.recordTaskFailure("
        "DefaultScheduler.java:302)\n"
        "Caused by: java.lang.IllegalStateException: order 4711 has no customer\n"
        "    at com.example.Enrich.map(Enrich.java:42)\n"
        "    ... 12 more");

    const struct exception_entry *task = &e.entries[1];
    assert_string_equal(task->message,
                        "java.lang.IllegalStateException: order 4711 has no customer");
    assert_string_equal(task->task,
                        "Join(joinType=[InnerJoin], where=[=(order_id, order_id0)]) -> Calc "
                        "(3/8)#0");
    assert_string_equal(task->endpoint, "10.42.0.17:36119");
    assert_int_equal(task->timestamp, 1746000350001);
    exceptions_free(&e);
}

static void exceptions_flink_1_18_location_and_history_over_root(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.flink-1.18-location.json", &e), FA_OK);
    assert_int_equal(e.len, 2);
    assert_true(e.truncated);
    assert_string_equal(e.entries[0].endpoint, "flink-taskmanager-7d9f8-2.flink.svc:6122");
    assert_string_equal(e.entries[0].task, "Source: Kafka payments (1/4)#2");
    assert_string_equal(e.entries[1].name, "org.apache.kafka.common.errors.TimeoutException");
    assert_int_equal(e.entries[1].timestamp, 1699999000000);
    exceptions_free(&e);
}

static void exceptions_flink_1_12_root_exception_becomes_one_entry(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.flink-1.12-root-only.json", &e), FA_OK);
    assert_int_equal(e.len, 1);
    assert_false(e.truncated);
    const struct exception_entry *x = &e.entries[0];
    assert_string_equal(x->message, "java.lang.ArithmeticException: / by zero");
    assert_string_equal(x->name, "java.lang.ArithmeticException");
    assert_int_equal(x->timestamp, 1610000000000);
    assert_null(x->task);
    assert_null(x->endpoint);
    assert_string_equal(x->stacktrace, "java.lang.ArithmeticException: / by zero\n"
                                       "    at com.example.Ratio.map(Ratio.java:17)\n"
                                       "    at org.apache.flink.streaming.api.operators.StreamMap."
                                       "processElement(StreamMap.java:41)");
    exceptions_free(&e);
}

/* Found by fuzz_flink_exceptions: raw control and invalid bytes in a trace grow when
 * sanitised (U+FFFD is 3 bytes), which overflowed the trace's buffer (ASan). */
static void exceptions_trace_that_grows_when_sanitised_stays_in_bounds(void **state) {
    (void)state;
    struct exceptions e;
    enum fa_status st = exc_from("exceptions.fuzz_trace_grows.json", &e);
    if (st == FA_OK) {
        for (size_t i = 0; i < e.len; i++)
            assert_terminal_safe(e.entries[i].stacktrace, true);
        exceptions_free(&e);
    } else {
        assert_true(err[0] != '\0');
    }
}

static void exceptions_stacktrace_keeps_newlines_strips_other_controls(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.hostile.json", &e), FA_OK);
    assert_int_equal(e.len, 1);
    const struct exception_entry *x = &e.entries[0];
    assert_terminal_safe(x->stacktrace, true);
    /* CR, BEL, the C1 CSI and whole ESC sequences go; blank lines at the ends go; a tab
     * is four spaces */
    assert_string_equal(x->stacktrace, "evil.Exception: red and 2J\n"
                                       "    at x.Y.z(Y.java:1)");
    assert_string_equal(x->message, "evil.Exception: red and 2J");
    assert_string_equal(x->name, "evil.Exception");
    assert_string_equal(x->task, "Map (1/1)");
    assert_string_equal(x->endpoint, "host:1234");
    exceptions_free(&e);
}

static void exceptions_more_than_1000_are_capped_newest_kept(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.many.json", &e), FA_OK);
    assert_int_equal(e.len, 1000);
    assert_true(e.truncated);
    assert_string_equal(e.entries[0].message, "java.lang.RuntimeException: failure 1200");
    assert_string_equal(e.entries[999].message, "java.lang.RuntimeException: failure 201");
    exceptions_free(&e);
}

static void exceptions_wrong_types_are_unknown(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.wrong_types.json", &e), FA_OK);
    assert_int_equal(e.len, 2);
    assert_false(e.truncated);
    const struct exception_entry *a = &e.entries[0], *b = &e.entries[1];
    assert_null(a->name);
    assert_null(a->message);
    assert_null(a->stacktrace);
    assert_int_equal(a->timestamp, -1);
    assert_null(a->task);
    assert_null(a->endpoint);
    assert_string_equal(b->name, "java.lang.OutOfMemoryError");
    assert_string_equal(b->message, "java.lang.OutOfMemoryError"); /* no trace: the name */
    assert_null(b->stacktrace);
    assert_int_equal(b->timestamp, -1);
    assert_string_equal(b->endpoint, "tm-1:6122");
    exceptions_free(&e);
}

static void exceptions_history_not_array_and_empty_root_has_no_entries(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.history_not_array.json", &e), FA_OK);
    assert_int_equal(e.len, 0);
    assert_null(e.entries);
    exceptions_free(&e);
}

static void exceptions_malformed_is_error_and_empty(void **state) {
    (void)state;
    struct exceptions e;
    assert_int_equal(exc_from("exceptions.truncated.json", &e), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte"));
    assert_int_equal(e.len, 0);
    assert_null(e.entries);
    assert_int_equal(exc_from("exceptions.top_level_array.json", &e), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_int_equal(e.len, 0);
    assert_null(e.entries);
}

/* ---- /taskmanagers/:tmid/metrics ----------------------------------------------------- */

static void tm_metrics_string_values_are_numbers(void **state) {
    (void)state;
    struct tm_metrics m;
    assert_int_equal(tm_from("tm_metrics.json", &m), FA_OK);
    assert_float_equal(m.heap_used, 412316860.0, EPS);
    assert_float_equal(m.heap_max, 1073741824.0, EPS);
    assert_float_equal(m.cpu_load, 0.0312, EPS);
    assert_float_equal(m.threads, 67.0, EPS);
    assert_true(isnan(m.gc_time_ms_per_s)); /* "NaN" */
}

static void tm_metrics_flink_1_15_without_gc_metric_is_unknown(void **state) {
    (void)state;
    struct tm_metrics m;
    assert_int_equal(tm_from("tm_metrics.flink-1.15.json", &m), FA_OK);
    assert_float_equal(m.heap_used, 201326592.0, EPS);
    assert_float_equal(m.heap_max, 536870912.0, EPS);
    assert_float_equal(m.cpu_load, 0.0, EPS);
    assert_false(isnan(m.cpu_load)); /* "0.0" is idle, not unknown */
    assert_float_equal(m.threads, 54.0, EPS);
    assert_true(isnan(m.gc_time_ms_per_s));
}

static void tm_metrics_bad_strings_are_unknown(void **state) {
    (void)state;
    struct tm_metrics m;
    /* "12abc", "-1" (no max heap), " 0.5", "1e999", "" */
    assert_int_equal(tm_from("tm_metrics.wrong_types.json", &m), FA_OK);
    assert_tm_unknown(&m);
}

static void tm_metrics_malformed_is_error_and_unknown(void **state) {
    (void)state;
    struct tm_metrics m;
    assert_int_equal(tm_from("tm_metrics.object.json", &m), FA_SHAPE);
    assert_string_equal(err, "expected JSON array, got object");
    assert_tm_unknown(&m);
    assert_int_equal(tm_from("tm_metrics.truncated.json", &m), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte"));
    assert_tm_unknown(&m);
}

/* ---- every parser -------------------------------------------------------------------- */

static void every_parser_empty_or_blank_body_is_empty(void **state) {
    (void)state;
    const char *names[] = {"empty.json", "whitespace.json"};
    for (size_t i = 0; i < 2; i++) {
        struct job_details s;
        struct vertex_list l;
        struct vertex v;
        struct checkpoint_stats cs;
        struct checkpoint_config cc;
        struct exceptions e;
        struct tm_metrics m;
        vertex_init(&v);
        assert_int_equal(job_from(names[i], &s, &l), FA_EMPTY);
        assert_string_equal(err, "empty response");
        assert_int_equal(metrics_from(names[i], &v), FA_EMPTY);
        assert_string_equal(err, "empty response");
        assert_int_equal(bp_from(names[i], &v), FA_EMPTY);
        assert_int_equal(cps_from(names[i], &cs), FA_EMPTY);
        assert_int_equal(config_from(names[i], &cc), FA_EMPTY);
        assert_int_equal(exc_from(names[i], &e), FA_EMPTY);
        assert_int_equal(tm_from(names[i], &m), FA_EMPTY);
        assert_string_equal(err, "empty response");
        vertex_free(&v);
    }
}

static void every_parser_reads_only_len_bytes(void **state) {
    (void)state;
    /* The bytes after len are garbage that would fail the parse if read. */
    const char *arr = "[]xx";
    const char *obj = "{}xx";
    struct job_details s;
    struct vertex_list l;
    struct vertex v;
    struct checkpoint_stats cs;
    struct checkpoint_config cc;
    struct exceptions e;
    struct tm_metrics m;
    vertex_init(&v);
    assert_int_equal(flink_detail_parse_job(obj, 2, &s, &l, err, sizeof err), FA_OK);
    vertex_list_free(&l);
    assert_int_equal(flink_detail_parse_vertex_metrics(arr, 2, &v, err, sizeof err), FA_OK);
    assert_int_equal(flink_detail_parse_backpressure(obj, 2, &v, err, sizeof err), FA_OK);
    assert_int_equal(flink_detail_parse_checkpoints(obj, 2, &cs, err, sizeof err), FA_OK);
    checkpoint_stats_free(&cs);
    assert_int_equal(flink_detail_parse_checkpoint_config(obj, 2, &cc, err, sizeof err), FA_OK);
    checkpoint_config_free(&cc);
    assert_int_equal(flink_detail_parse_exceptions(obj, 2, &e, err, sizeof err), FA_OK);
    exceptions_free(&e);
    assert_int_equal(flink_detail_parse_tm_metrics(arr, 2, &m, err, sizeof err), FA_OK);
    /* and with the garbage inside len */
    assert_int_equal(flink_detail_parse_tm_metrics(arr, 4, &m, err, sizeof err), FA_SYNTAX);
    assert_string_equal(err, "malformed JSON at byte 2: data after the value");
    vertex_free(&v);
}

static void error_line_fits_a_small_buffer(void **state) {
    (void)state;
    char small[8];
    struct tm_metrics m;
    struct body b = load("tm_metrics.object.json");
    assert_int_equal(flink_detail_parse_tm_metrics(b.data, b.len, &m, small, sizeof small),
                     FA_SHAPE);
    assert_string_equal(small, "expecte");
    assert_int_equal(flink_detail_parse_tm_metrics(b.data, b.len, &m, NULL, 0), FA_SHAPE);
    free(b.data);
}

/* Every prefix of a fixture through its parser, as a connection cut anywhere delivers it:
 * each one short of the last byte of the value is an error with a one-line message (empty
 * or malformed JSON, never a partial answer taken for a whole one), the whole body parses,
 * and nothing crashes, over-reads or leaks on the way (the ASan build watches). */
enum which { P_JOB, P_METRICS, P_BP, P_CPS, P_CONFIG, P_EXC, P_TM };

static enum fa_status parse_prefix(enum which w, const char *p, size_t len) {
    struct job_details s;
    struct vertex_list l;
    struct vertex v;
    struct checkpoint_stats cs;
    struct checkpoint_config cc;
    struct exceptions e;
    struct tm_metrics m;
    enum fa_status st = FA_OK;
    vertex_init(&v);
    switch (w) {
    case P_JOB:
        st = flink_detail_parse_job(p, len, &s, &l, err, sizeof err);
        vertex_list_free(&l);
        break;
    case P_METRICS:
        st = flink_detail_parse_vertex_metrics(p, len, &v, err, sizeof err);
        break;
    case P_BP:
        st = flink_detail_parse_backpressure(p, len, &v, err, sizeof err);
        break;
    case P_CPS:
        st = flink_detail_parse_checkpoints(p, len, &cs, err, sizeof err);
        checkpoint_stats_free(&cs);
        break;
    case P_CONFIG:
        st = flink_detail_parse_checkpoint_config(p, len, &cc, err, sizeof err);
        checkpoint_config_free(&cc);
        break;
    case P_EXC:
        st = flink_detail_parse_exceptions(p, len, &e, err, sizeof err);
        exceptions_free(&e);
        break;
    case P_TM:
        st = flink_detail_parse_tm_metrics(p, len, &m, err, sizeof err);
        break;
    }
    vertex_free(&v);
    return st;
}

static void every_parser_survives_every_prefix(void **state) {
    (void)state;
    const struct {
        const char *name;
        enum which w;
    } cases[] = {
        {"job.flink-1.15.json", P_JOB},
        {"vertex_metrics.agg.json", P_METRICS},
        {"backpressure.out_of_order.json", P_BP},
        {"checkpoints.flink-1.14.json", P_CPS},
        {"checkpoint_config.json", P_CONFIG},
        {"exceptions.hostile.json", P_EXC},
        {"exceptions.flink-2.x-failed.json", P_EXC},
        {"tm_metrics.json", P_TM},
    };
    for (size_t f = 0; f < sizeof cases / sizeof cases[0]; f++) {
        struct body b = load(cases[f].name);
        /* the value ends at its last non-blank byte; what follows is whitespace */
        size_t end = b.len;
        while (end > 0 && (b.data[end - 1] == ' ' || b.data[end - 1] == '\t' ||
                           b.data[end - 1] == '\r' || b.data[end - 1] == '\n'))
            end--;
        assert_true(end > 0);
        for (size_t len = 0; len <= b.len; len++) {
            char *p = xmalloc(len); /* exactly len bytes: ASan catches an over-read */
            memcpy(p, b.data, len);
            err[0] = '\0';
            enum fa_status st = parse_prefix(cases[f].w, p, len);
            if (len < end && ((st != FA_EMPTY && st != FA_SYNTAX) || err[0] == '\0'))
                fail_msg("%s cut at %zu of %zu bytes: status %d, message \"%s\"; want an empty "
                         "or malformed-JSON error with a message",
                         cases[f].name, len, b.len, (int)st, err);
            if (len >= end && st != FA_OK)
                fail_msg("%s: the whole value (%zu of %zu bytes) is an error: %s", cases[f].name,
                         len, b.len, err);
            free(p);
        }
        free(b.data);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(job_flink_1_15_vertices_with_upstream_inputs),
        cmocka_unit_test(job_flink_2_1_join_has_two_upstreams),
        cmocka_unit_test(job_summary_matches_job_list_parser),
        cmocka_unit_test(job_zero_vertices_parallelism_unknown),
        cmocka_unit_test(job_wrong_types_are_unknown_and_names_sanitised),
        cmocka_unit_test(job_huge_numbers_do_not_overflow),
        cmocka_unit_test(job_truncated_is_syntax_error),
        cmocka_unit_test(job_top_level_array_is_shape_error),
        cmocka_unit_test(job_summary_may_be_null),
        cmocka_unit_test(job_plan_of_5000_vertices_links_each_upstream),
        cmocka_unit_test(vertex_metrics_rates_from_sum_times_from_max),
        cmocka_unit_test(vertex_metrics_all_aggregations_pick_sum_and_max),
        cmocka_unit_test(vertex_metrics_absent_metrics_become_unknown),
        cmocka_unit_test(vertex_metrics_empty_array_all_unknown),
        cmocka_unit_test(vertex_metrics_object_as_in_openapi_is_shape_error),
        cmocka_unit_test(vertex_metrics_wrong_types_are_unknown),
        cmocka_unit_test(vertex_metrics_truncated_keeps_last_values),
        cmocka_unit_test(backpressure_flink_1_16_legacy_level_is_read),
        cmocka_unit_test(backpressure_flink_1_17_reads_backpressure_level),
        cmocka_unit_test(backpressure_new_level_name_wins_over_legacy),
        cmocka_unit_test(backpressure_deprecated_is_not_sampled),
        cmocka_unit_test(backpressure_out_of_order_lands_at_subtask_index),
        cmocka_unit_test(backpressure_busy_nan_is_unknown_busy),
        cmocka_unit_test(backpressure_missing_level_comes_from_worst_ratio),
        cmocka_unit_test(backpressure_wrong_types_skip_unplaceable_subtasks),
        cmocka_unit_test(backpressure_1000_subtasks_all_present),
        cmocka_unit_test(backpressure_huge_subtask_index_is_shape_error),
        cmocka_unit_test(backpressure_100000_subtasks_is_the_limit),
        cmocka_unit_test(backpressure_empty_object_is_not_sampled),
        cmocka_unit_test(backpressure_malformed_keeps_last_answer),
        cmocka_unit_test(checkpoints_flink_1_14_at_class_size_is_state_size),
        cmocka_unit_test(checkpoints_flink_1_15_size_is_checkpointed_size),
        cmocka_unit_test(checkpoints_restored_from_savepoint),
        cmocka_unit_test(checkpoints_before_first_completed_has_no_latest),
        cmocka_unit_test(checkpoints_not_externally_addressable_has_no_path),
        cmocka_unit_test(checkpoints_wrong_types_are_unknown),
        cmocka_unit_test(checkpoints_malformed_is_error_and_unknown),
        cmocka_unit_test(checkpoint_config_reads_interval_mode_backend),
        cmocka_unit_test(checkpoint_config_periodic_off_is_int64_max),
        cmocka_unit_test(checkpoint_config_wrong_types_are_unknown),
        cmocka_unit_test(checkpoint_config_huge_numbers_do_not_overflow),
        cmocka_unit_test(checkpoint_config_malformed_is_error_and_not_enabled),
        cmocka_unit_test(exceptions_flink_1_17_empty_history_has_no_entries),
        cmocka_unit_test(exceptions_flink_2_x_global_failure_first_with_no_task),
        cmocka_unit_test(exceptions_flink_1_18_location_and_history_over_root),
        cmocka_unit_test(exceptions_flink_1_12_root_exception_becomes_one_entry),
        cmocka_unit_test(exceptions_stacktrace_keeps_newlines_strips_other_controls),
        cmocka_unit_test(exceptions_trace_that_grows_when_sanitised_stays_in_bounds),
        cmocka_unit_test(exceptions_more_than_1000_are_capped_newest_kept),
        cmocka_unit_test(exceptions_wrong_types_are_unknown),
        cmocka_unit_test(exceptions_history_not_array_and_empty_root_has_no_entries),
        cmocka_unit_test(exceptions_malformed_is_error_and_empty),
        cmocka_unit_test(tm_metrics_string_values_are_numbers),
        cmocka_unit_test(tm_metrics_flink_1_15_without_gc_metric_is_unknown),
        cmocka_unit_test(tm_metrics_bad_strings_are_unknown),
        cmocka_unit_test(tm_metrics_malformed_is_error_and_unknown),
        cmocka_unit_test(every_parser_empty_or_blank_body_is_empty),
        cmocka_unit_test(every_parser_reads_only_len_bytes),
        cmocka_unit_test(error_line_fits_a_small_buffer),
        cmocka_unit_test(every_parser_survives_every_prefix),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
