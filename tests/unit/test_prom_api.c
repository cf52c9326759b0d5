/* Prometheus HTTP API answers on fixtures (tests/fixtures/prom): real shapes first, then
 * error bodies, broken and hostile ones, and a matrix too big to keep whole. */
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
#include "prom_api.h"
#include "xalloc.h"

static char err[256];

static enum prom_api_status query_from(const char *name, long status, struct prom_result *out) {
    struct body b = fixture_load("prom", name);
    err[0] = '\0';
    enum prom_api_status st = prom_api_parse_query(b.data, b.len, status, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum prom_api_status alerts_from(const char *name, long status,
                                        struct prom_alert_list *out) {
    struct body b = fixture_load("prom", name);
    err[0] = '\0';
    enum prom_api_status st = prom_api_parse_alerts(b.data, b.len, status, out, err, sizeof err);
    free(b.data);
    return st;
}

static const char *label(const struct prom_series *s, const char *name) {
    return prom_label_get(s->labels, s->n_labels, name);
}

static void vector_has_labels_values_and_time(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("vector.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.type, PROM_RESULT_VECTOR);
    assert_int_equal(r.n_series, 2);
    assert_string_equal(label(&r.series[0], "job_id"), "493762fff2b7c4c35603483dc7b83896");
    assert_string_equal(label(&r.series[0], "pod"), "production-taskmanager-1-1");
    assert_string_equal(label(&r.series[1], "__name__"),
                        "flink_taskmanager_job_task_busyTimeMsPerSecond");
    assert_null(label(&r.series[0], "host"));
    assert_int_equal(r.series[0].n_samples, 1);
    assert_true(r.series[0].samples[0].v == 41.0);
    assert_true(r.series[1].samples[0].v == 612.5);
    assert_int_equal(r.series[0].samples[0].t_ms, 1796540420169LL);
    assert_false(r.truncated);
    assert_int_equal(r.n_warnings, 0);
    prom_result_free(&r);
}

static void empty_vector_is_ok_with_no_series(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("vector_empty.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.type, PROM_RESULT_VECTOR);
    assert_int_equal(r.n_series, 0);
    prom_result_free(&r);
}

static void nan_and_infinities_are_values(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("vector_special.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.n_series, 5);
    assert_true(isnan(r.series[0].samples[0].v));
    assert_true(isinf(r.series[1].samples[0].v) && r.series[1].samples[0].v > 0);
    assert_true(isinf(r.series[2].samples[0].v) && r.series[2].samples[0].v < 0);
    assert_true(r.series[3].samples[0].v == 1000.0);
    assert_true(r.series[4].samples[0].v == -0.25);
    prom_result_free(&r);
}

static void matrix_keeps_every_point_in_order(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("matrix.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.type, PROM_RESULT_MATRIX);
    assert_int_equal(r.n_series, 2);
    assert_int_equal(r.series[0].n_samples, 3);
    /* a gap is a missing pair: 1796540410 is absent, not a null */
    assert_int_equal(r.series[0].samples[1].t_ms, 1796540405000LL);
    assert_int_equal(r.series[0].samples[2].t_ms, 1796540415000LL);
    assert_true(r.series[0].samples[1].v == 110.5);
    assert_int_equal(r.series[1].n_samples, 1);
    prom_result_free(&r);
}

static void scalar_is_one_unlabelled_sample(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("scalar.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.type, PROM_RESULT_SCALAR);
    assert_int_equal(r.n_series, 1);
    assert_int_equal(r.series[0].n_labels, 0);
    assert_true(r.series[0].samples[0].v == 42.25);
    assert_int_equal(r.series[0].samples[0].t_ms, 1796540420500LL);
    prom_result_free(&r);
}

static void string_result_is_sanitised(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("string.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.type, PROM_RESULT_STRING);
    assert_non_null(r.string);
    assert_null(strchr(r.string, '\x1b'));
    assert_non_null(strstr(r.string, "hello"));
    assert_int_equal(r.string_ms, 1796540420000LL);
    prom_result_free(&r);
}

static void warnings_are_kept_and_non_strings_skipped(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("warnings.json", 200, &r), PROM_API_OK);
    assert_int_equal(r.n_warnings, 1);
    assert_non_null(strstr(r.warnings[0], "might not be a counter"));
    assert_int_equal(r.n_series, 1);
    prom_result_free(&r);
}

static void bad_query_400_says_prometheus_words(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("error_bad_data.json", 400, &r), PROM_API_ERROR);
    assert_string_equal(err, "HTTP 400: bad_data: invalid parameter \"query\": 1:5: parse error: "
                             "unexpected <by>");
    assert_int_equal(r.n_series, 0);
}

static void unprocessable_422_is_an_execution_error(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("error_execution.json", 422, &r), PROM_API_ERROR);
    assert_non_null(strstr(err, "HTTP 422: execution: query processing would load too many"));
}

static void timeout_503_is_an_error(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("error_timeout.json", 503, &r), PROM_API_ERROR);
    assert_non_null(strstr(err, "HTTP 503: timeout: query timed out"));
}

static void error_status_in_a_200_is_still_an_error(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("error_bad_data.json", 200, &r), PROM_API_ERROR);
    assert_non_null(strstr(err, "bad_data: invalid parameter"));
}

static void hostile_error_text_is_one_clean_line(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("error_hostile.json", 400, &r), PROM_API_ERROR);
    assert_null(strchr(err, '\x1b'));
    assert_null(strchr(err, '\n'));
    assert_null(strchr(err, '\a'));
}

static void html_from_a_proxy_says_the_status(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("not_json.html", 502, &r), PROM_API_SYNTAX);
    assert_string_equal(err, "HTTP 502");
    assert_int_equal(query_from("not_json.html", 200, &r), PROM_API_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON"));
}

/* Behind a service proxy, the API server answers when it cannot reach Prometheus: its
 * Status message is the error, not a bare status. */
static void api_server_status_says_its_message(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("k8s_status_503.json", 503, &r), PROM_API_ERROR);
    assert_string_equal(err, "HTTP 503: error trying to reach service: dial tcp "
                             "10.244.1.7:9090: connect: connection refused");
}

static void truncated_and_odd_shapes_fail_cleanly(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("truncated.json", 200, &r), PROM_API_SYNTAX);
    assert_int_equal(query_from("no_data.json", 200, &r), PROM_API_SHAPE);
    assert_non_null(strstr(err, "data"));
    assert_int_equal(query_from("top_level_array.json", 200, &r), PROM_API_SHAPE);
    assert_int_equal(query_from("unknown_result_type.json", 200, &r), PROM_API_SHAPE);
    assert_non_null(strstr(err, "resultType"));
}

static void wrong_types_drop_the_sample_not_the_answer(void **state) {
    (void)state;
    struct prom_result r;
    assert_int_equal(query_from("wrong_types.json", 200, &r), PROM_API_OK);
    size_t with_value = 0;
    for (size_t i = 0; i < r.n_series; i++) {
        if (r.series[i].n_samples == 0)
            continue;
        with_value++;
        assert_string_equal(label(&r.series[i], "job_id"), "ok");
        assert_true(r.series[i].samples[0].v == 3.0);
    }
    assert_int_equal(with_value, 1); /* numbers, short pairs, "fast" and "0x10" are not values */
    prom_result_free(&r);
}

static void value_strings(void **state) {
    (void)state;
    double v = 0;
    assert_int_equal(prom_api_parse_value("1.5", &v), 0);
    assert_true(v == 1.5);
    assert_int_equal(prom_api_parse_value("+Inf", &v), 0);
    assert_true(isinf(v));
    assert_int_equal(prom_api_parse_value("NaN", &v), 0);
    assert_true(isnan(v));
    assert_int_equal(prom_api_parse_value("", &v), -1);
    assert_int_equal(prom_api_parse_value("1.5 ", &v), -1);
    assert_int_equal(prom_api_parse_value("0x1p3", &v), -1);
    assert_int_equal(prom_api_parse_value(NULL, &v), -1);
}

/* A matrix past PROM_API_MAX_SAMPLES: the answer is kept up to the cap and says so. */
static void huge_matrix_is_capped_and_says_truncated(void **state) {
    (void)state;
    size_t series = 30, points = PROM_API_MAX_SAMPLES / 20; /* 1.5x the cap */
    size_t cap = series * points * 24 + 4096, len = 0;
    char *b = xmalloc(cap);
    len += (size_t)snprintf(b + len, cap - len,
                            "{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\","
                            "\"result\":[");
    for (size_t s = 0; s < series; s++) {
        len +=
            (size_t)snprintf(b + len, cap - len, "%s{\"metric\":{\"job_id\":\"j%zu\"},\"values\":[",
                             s ? "," : "", s);
        for (size_t p = 0; p < points; p++)
            len += (size_t)snprintf(b + len, cap - len, "%s[%zu,\"%zu\"]", p ? "," : "",
                                    1700000000 + p, p);
        len += (size_t)snprintf(b + len, cap - len, "]}");
    }
    len += (size_t)snprintf(b + len, cap - len, "]}}");
    assert_true(len < cap);
    struct prom_result r;
    assert_int_equal(prom_api_parse_query(b, len, 200, &r, err, sizeof err), PROM_API_OK);
    free(b);
    assert_true(r.truncated);
    size_t total = 0;
    for (size_t i = 0; i < r.n_series; i++)
        total += r.series[i].n_samples;
    assert_int_equal(total, PROM_API_MAX_SAMPLES);
    assert_true(r.n_series < series);
    assert_true(r.series[0].samples[points - 1].v == (double)(points - 1));
    prom_result_free(&r);
}

static void alerts_firing_pending_and_their_labels(void **state) {
    (void)state;
    struct prom_alert_list l;
    assert_int_equal(alerts_from("alerts.json", 200, &l), PROM_API_OK);
    assert_int_equal(l.len, 3); /* the one without alertname and the string are skipped */
    const struct prom_alert *a = &l.items[0];
    assert_string_equal(prom_label_get(a->labels, a->n_labels, "alertname"), "FlinkJobFailed");
    assert_string_equal(prom_label_get(a->labels, a->n_labels, "job_id"),
                        "493762fff2b7c4c35603483dc7b83896");
    assert_true(a->firing);
    assert_string_equal(a->summary,
                        "Flink job orders_enrichment in flink-prod failed or restarted");
    assert_int_equal(a->active_ms, 1796540421401LL);
    assert_true(a->value == 7.25523468e+08);
    assert_false(l.items[1].firing);
    assert_string_equal(l.items[1].summary, "only a description");
    assert_int_equal(l.items[2].active_ms, -1); /* "yesterday" */
    assert_true(isnan(l.items[2].value));       /* a number where a string belongs */
    assert_null(l.items[2].summary);
    prom_alert_list_free(&l);
}

static void alerts_error_and_shape(void **state) {
    (void)state;
    struct prom_alert_list l;
    assert_int_equal(alerts_from("alerts_not_array.json", 200, &l), PROM_API_SHAPE);
    assert_int_equal(alerts_from("error_timeout.json", 503, &l), PROM_API_ERROR);
    assert_non_null(strstr(err, "timeout"));
    assert_int_equal(l.len, 0);
}

/* /api/v1/rules: the alerting rules' names, expressions and `for`; recording rules and
 * malformed entries skipped; hostile text one clean line. */
static void rules_for_and_expressions(void **state) {
    (void)state;
    struct body b = fixture_load("prom", "rules.json");
    struct prom_rule_list l;
    assert_int_equal(prom_api_parse_rules(b.data, b.len, 200, &l, err, sizeof err), PROM_API_OK);
    free(b.data);
    assert_int_equal(l.len, 3);
    const struct prom_rule *r = prom_rule_find(&l, "FlinkJobFailed");
    assert_non_null(r);
    assert_true(r->for_s == 60.0);
    assert_string_equal(r->group, "flink");
    assert_string_equal(r->severity, "critical");
    assert_non_null(strstr(r->expr, "increase(flink_jobmanager_job_numRestarts[5m])"));
    r = prom_rule_find(&l, "HighBackpressure");
    assert_non_null(r);
    assert_true(r->for_s == 120.0);
    assert_non_null(strstr(r->expr, "> 500"));
    assert_null(prom_rule_find(&l, "job:records_in:rate")); /* a recording rule */
    /* the odd one: no escape survives, a duration that is not a number is unknown, a
     * severity that is not a string is none */
    r = &l.items[2];
    assert_null(strchr(r->name, '\x1b'));
    assert_null(strchr(r->expr, '\n'));
    assert_true(isnan(r->for_s));
    assert_null(r->severity);
    prom_rule_list_free(&l);
    /* errors and shapes */
    const char *bad = "{\"status\":\"success\",\"data\":{\"groups\":{}}}";
    assert_int_equal(prom_api_parse_rules(bad, strlen(bad), 200, &l, err, sizeof err),
                     PROM_API_SHAPE);
    b = fixture_load("prom", "error_timeout.json");
    assert_int_equal(prom_api_parse_rules(b.data, b.len, 503, &l, err, sizeof err),
                     PROM_API_ERROR);
    free(b.data);
    assert_int_equal(l.len, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(vector_has_labels_values_and_time),
        cmocka_unit_test(empty_vector_is_ok_with_no_series),
        cmocka_unit_test(nan_and_infinities_are_values),
        cmocka_unit_test(matrix_keeps_every_point_in_order),
        cmocka_unit_test(scalar_is_one_unlabelled_sample),
        cmocka_unit_test(string_result_is_sanitised),
        cmocka_unit_test(warnings_are_kept_and_non_strings_skipped),
        cmocka_unit_test(bad_query_400_says_prometheus_words),
        cmocka_unit_test(unprocessable_422_is_an_execution_error),
        cmocka_unit_test(timeout_503_is_an_error),
        cmocka_unit_test(error_status_in_a_200_is_still_an_error),
        cmocka_unit_test(hostile_error_text_is_one_clean_line),
        cmocka_unit_test(html_from_a_proxy_says_the_status),
        cmocka_unit_test(api_server_status_says_its_message),
        cmocka_unit_test(truncated_and_odd_shapes_fail_cleanly),
        cmocka_unit_test(wrong_types_drop_the_sample_not_the_answer),
        cmocka_unit_test(value_strings),
        cmocka_unit_test(huge_matrix_is_capped_and_says_truncated),
        cmocka_unit_test(alerts_firing_pending_and_their_labels),
        cmocka_unit_test(alerts_error_and_shape),
        cmocka_unit_test(rules_for_and_expressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
