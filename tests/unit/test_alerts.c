/* The alert engine on samples made by hand, with time driven explicitly (no sleeps):
 * pending then firing after `for`, resolved when false, `for: 0s`, thresholds at the
 * boundary, unknown values, "increased" counters, the resolved list's cap, instances
 * that disappear, the instance cap, rule reloads, lookups and the JSON output. Then the
 * samples themselves, from a small struct app built with the model's init functions. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_samples.h"
#include "alerts.h"
#include "app.h"
#include "xalloc.h"

#define S 1000LL /* one second in ms */
#define MIN 60000LL

static char err[2048];

static struct alert_rules rules_from(const char *yaml) {
    struct alert_rules r;
    if (alert_rules_load_string(yaml, strlen(yaml), "test.yaml", &r, err, sizeof err) != 0)
        fail_msg("rules: %s", err);
    return r;
}

static struct alerts *engine(const char *yaml) {
    struct alert_rules r = rules_from(yaml);
    struct alerts *a = alerts_new();
    alerts_set_rules(a, &r);
    assert_int_equal(r.len, 0); /* taken */
    alert_rules_free(&r);
    return a;
}

static size_t n_in(const struct alerts *a, enum alert_state st) {
    return alerts_list(a, st, NULL, 0);
}

static const struct alert *first_in(const struct alerts *a, enum alert_state st) {
    const struct alert *x = NULL;
    return alerts_list(a, st, &x, 1) ? x : NULL;
}

/* One job sample with one metric set. */
static void job_sample(struct alert_sample_set *s, const char *cluster, const char *job_id,
                       enum alert_metric m, double v) {
    struct alert_sample *x =
        alert_samples_add(s, ALERT_SCOPE_JOB, cluster, job_id, "orders", NULL, NULL, NULL, NULL);
    x->value[m] = v;
}

/* Evaluate one job's checkpoint duration at time t. */
static void eval_cp(struct alerts *a, struct alert_sample_set *s, double v, int64_t t) {
    alert_samples_clear(s);
    job_sample(s, "prod", "j1", ALERT_METRIC_CHECKPOINT_DURATION_MS, v);
    alerts_evaluate(a, s, t);
}

static const char slow_rule[] = "rules:\n"
                                "  - name: HighCheckpointDuration\n"
                                "    severity: warning\n"
                                "    metric: checkpoint_duration_ms\n"
                                "    op: \">\"\n"
                                "    threshold: 60000\n"
                                "    for: 5m\n"
                                "    message: \"{job} on {cluster}: {value} ms\"\n";

/* ---- the state machine ---- */

static void pending_then_firing_after_for(void **state) {
    (void)state;
    struct alerts *a = engine(slow_rule);
    struct alert_sample_set s;
    alert_samples_init(&s);
    int64_t t0 = 1700000000000LL;
    eval_cp(a, &s, 90000, t0);
    assert_int_equal(n_in(a, ALERT_PENDING), 1);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    const struct alert *p = first_in(a, ALERT_PENDING);
    assert_int_equal(p->since_ms, t0);
    assert_int_equal(p->fired_ms, 0);
    eval_cp(a, &s, 95000, t0 + 5 * MIN - 1);
    assert_int_equal(n_in(a, ALERT_PENDING), 1);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    eval_cp(a, &s, 97000, t0 + 5 * MIN);
    assert_int_equal(n_in(a, ALERT_PENDING), 0);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    const struct alert *f = first_in(a, ALERT_FIRING);
    assert_string_equal(f->rule, "HighCheckpointDuration");
    assert_int_equal(f->severity, ALERT_SEV_WARNING);
    assert_int_equal(f->since_ms, t0);
    assert_int_equal(f->fired_ms, t0 + 5 * MIN);
    assert_true(f->fired_value == 97000);
    assert_string_equal(f->cluster, "prod");
    assert_string_equal(f->job_id, "j1");
    assert_string_equal(f->job, "orders");
    assert_string_equal(f->message, "orders on prod: 97000 ms");
    assert_false(alerts_new_critical(a)); /* a warning */
    /* still true: still firing, fired once, the value follows */
    eval_cp(a, &s, 99000, t0 + 6 * MIN);
    f = first_in(a, ALERT_FIRING);
    assert_int_equal(f->fired_ms, t0 + 5 * MIN);
    assert_true(f->value == 99000);
    assert_true(f->fired_value == 97000);
    assert_string_equal(f->message, "orders on prod: 99000 ms");
    alert_samples_free(&s);
    alerts_free(a);
}

static void firing_resolves_when_false(void **state) {
    (void)state;
    struct alerts *a = engine(slow_rule);
    struct alert_sample_set s;
    alert_samples_init(&s);
    eval_cp(a, &s, 90000, 0);
    eval_cp(a, &s, 90000, 5 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    eval_cp(a, &s, 30000, 7 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    assert_int_equal(n_in(a, ALERT_PENDING), 0);
    assert_int_equal(alerts_resolved_count(a), 1);
    const struct alert *r = alerts_resolved(a, 0);
    assert_int_equal(r->state, ALERT_RESOLVED);
    assert_string_equal(r->rule, "HighCheckpointDuration");
    assert_int_equal(r->since_ms, 0);
    assert_int_equal(r->fired_ms, 5 * MIN);
    assert_int_equal(r->resolved_ms, 7 * MIN);
    assert_true(r->value == 30000); /* the last value: the one that resolved it */
    assert_string_equal(r->job, "orders");
    assert_null(alerts_resolved(a, 1));
    /* true again: a new pending alert, not the old one */
    eval_cp(a, &s, 90000, 8 * MIN);
    assert_int_equal(first_in(a, ALERT_PENDING)->since_ms, 8 * MIN);
    alert_samples_free(&s);
    alerts_free(a);
}

static void pending_that_turns_false_is_dropped_not_resolved(void **state) {
    (void)state;
    struct alerts *a = engine(slow_rule);
    struct alert_sample_set s;
    alert_samples_init(&s);
    eval_cp(a, &s, 90000, 0);
    eval_cp(a, &s, 10000, 1 * MIN);
    assert_int_equal(n_in(a, ALERT_PENDING), 0);
    assert_int_equal(alerts_resolved_count(a), 0);
    /* and its clock starts over */
    eval_cp(a, &s, 90000, 2 * MIN);
    eval_cp(a, &s, 90000, 6 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    eval_cp(a, &s, 90000, 7 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    alert_samples_free(&s);
    alerts_free(a);
}

static void for_zero_fires_in_the_same_evaluation(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Failed, severity: critical, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1, for: 0s}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    alert_samples_clear(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, 42);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    assert_int_equal(first_in(a, ALERT_FIRING)->fired_ms, 42);
    assert_true(alerts_new_critical(a));
    /* the flag is about this evaluation only */
    alerts_evaluate(a, &s, 43);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    assert_false(alerts_new_critical(a));
    alert_samples_free(&s);
    alerts_free(a);
}

static void threshold_boundary_follows_the_operator(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Gt, severity: info, metric: heap_ratio, op: \">\",\n"
                              "     threshold: 0.9}\n"
                              "  - {name: Ge, severity: info, metric: heap_ratio, op: \">=\",\n"
                              "     threshold: 0.9}\n"
                              "  - {name: Lt, severity: info, metric: heap_ratio, op: \"<\",\n"
                              "     threshold: 0.9}\n"
                              "  - {name: Le, severity: info, metric: heap_ratio, op: \"<=\",\n"
                              "     threshold: 0.9}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    struct alert_sample *x = alert_samples_add(&s, ALERT_SCOPE_TASKMANAGER, "prod", NULL, NULL,
                                               NULL, NULL, "tm-1", NULL);
    x->value[ALERT_METRIC_HEAP_RATIO] = 0.9;
    alerts_evaluate(a, &s, 0);
    const struct alert *list[4];
    size_t n = alerts_list(a, ALERT_FIRING, list, 4);
    assert_int_equal(n, 2);
    bool ge = false, le = false;
    for (size_t i = 0; i < n; i++) {
        ge = ge || strcmp(list[i]->rule, "Ge") == 0;
        le = le || strcmp(list[i]->rule, "Le") == 0;
        assert_string_equal(list[i]->taskmanager, "tm-1");
        assert_null(list[i]->job);
    }
    assert_true(ge && le);
    alert_samples_free(&s);
    alerts_free(a);
}

static void unknown_values_never_fire_and_hold_state(void **state) {
    (void)state;
    struct alerts *a = engine(slow_rule);
    struct alert_sample_set s;
    alert_samples_init(&s);
    /* unknown from the start: nothing */
    eval_cp(a, &s, NAN, 0);
    assert_int_equal(n_in(a, ALERT_PENDING) + n_in(a, ALERT_FIRING), 0);
    /* pending, then unknown past `for`: still pending, never firing */
    eval_cp(a, &s, 90000, 1 * MIN);
    eval_cp(a, &s, NAN, 7 * MIN);
    assert_int_equal(n_in(a, ALERT_PENDING), 1);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    assert_int_equal(first_in(a, ALERT_PENDING)->since_ms, 1 * MIN);
    /* known and true again: fires, counted from the first time it was true */
    eval_cp(a, &s, 90000, 8 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    /* firing, then unknown: still firing, not resolved */
    eval_cp(a, &s, NAN, 9 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    assert_int_equal(alerts_resolved_count(a), 0);
    assert_true(first_in(a, ALERT_FIRING)->value == 90000); /* the last known */
    alert_samples_free(&s);
    alerts_free(a);
}

static void increased_fires_only_when_the_counter_rose(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - name: CheckpointFailure\n"
                              "    severity: critical\n"
                              "    metric: checkpoints_failed_total\n"
                              "    op: increased\n"
                              "    message: \"{job}: {value} failed\"\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    static const struct {
        double v;
        bool firing;
    } steps[] = {
        {7, false},               /* first sight: remembered, never fires */
        {7, false},               /* same */
        {9, true},                /* rose */
        {9, false},               /* did not rise again: resolved */
        {NAN, false},             /* unknown: holds, remembers 9 */
        {10, true},               /* rose over the last known */
        {10, false},  {2, false}, /* went down (job restarted): no alert, remembered */
        {3, true},
    };
    size_t resolved = 0;
    for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
        alert_samples_clear(&s);
        job_sample(&s, "prod", "j1", ALERT_METRIC_CHECKPOINTS_FAILED_TOTAL, steps[i].v);
        alerts_evaluate(a, &s, (int64_t)i * 2 * S);
        if (n_in(a, ALERT_FIRING) != (steps[i].firing ? 1u : 0u))
            fail_msg("step %zu: %zu firing", i, n_in(a, ALERT_FIRING));
        assert_int_equal(alerts_new_critical(a), steps[i].firing);
        assert_int_equal(n_in(a, ALERT_PENDING), 0);
        if (i > 0 && steps[i - 1].firing && !steps[i].firing)
            resolved++;
    }
    assert_int_equal(alerts_resolved_count(a), resolved);
    assert_string_equal(first_in(a, ALERT_FIRING)->message, "orders: 3 failed");
    alert_samples_free(&s);
    alerts_free(a);
}

static void increased_with_a_threshold_needs_a_bigger_rise(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Restarts, severity: warning, metric: pod_restarts,\n"
                              "     op: increased, threshold: 2}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    double values[] = {1, 3, 6};
    size_t firing[] = {0, 0, 1};
    for (size_t i = 0; i < 3; i++) {
        alert_samples_clear(&s);
        struct alert_sample *x =
            alert_samples_add(&s, ALERT_SCOPE_POD, "prod", NULL, NULL, NULL, NULL, NULL, "jm-0");
        x->value[ALERT_METRIC_POD_RESTARTS] = values[i];
        alerts_evaluate(a, &s, (int64_t)i);
        assert_int_equal(n_in(a, ALERT_FIRING), firing[i]);
    }
    assert_string_equal(first_in(a, ALERT_FIRING)->pod, "jm-0");
    alert_samples_free(&s);
    alerts_free(a);
}

static void resolved_list_keeps_the_last_hundred(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Failed, severity: critical, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    for (int i = 0; i < 150; i++) {
        alert_samples_clear(&s);
        job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
        alerts_evaluate(a, &s, (int64_t)i * 10);
        alert_samples_clear(&s);
        job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 0);
        alerts_evaluate(a, &s, (int64_t)i * 10 + 5);
    }
    assert_int_equal(alerts_resolved_count(a), ALERTS_MAX_RESOLVED);
    assert_int_equal(alerts_resolved(a, 0)->resolved_ms, 149 * 10 + 5); /* newest first */
    assert_int_equal(alerts_resolved(a, 99)->resolved_ms, 50 * 10 + 5);
    assert_null(alerts_resolved(a, 100));
    alert_samples_free(&s);
    alerts_free(a);
}

static void instance_that_disappears_is_resolved(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Failed, severity: critical, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n"
                              "  - {name: Pending, severity: info, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1, for: 1h}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    job_sample(&s, "prod", "j2", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, 100);
    assert_int_equal(n_in(a, ALERT_FIRING), 2);
    assert_int_equal(n_in(a, ALERT_PENDING), 2);
    alert_samples_clear(&s);
    job_sample(&s, "prod", "j2", ALERT_METRIC_JOB_FAILED, 1); /* j1 is gone */
    alerts_evaluate(a, &s, 200);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    assert_string_equal(first_in(a, ALERT_FIRING)->job_id, "j2");
    assert_int_equal(n_in(a, ALERT_PENDING), 1); /* j1's pending one is simply dropped */
    assert_int_equal(alerts_resolved_count(a), 1);
    assert_string_equal(alerts_resolved(a, 0)->job_id, "j1");
    assert_int_equal(alerts_resolved(a, 0)->resolved_ms, 200);
    alert_samples_free(&s);
    alerts_free(a);
}

static void tracked_instances_are_capped(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Busy, severity: info, metric: busy_ms_per_s,\n"
                              "     op: \">\", threshold: 0}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    static char ids[ALERTS_MAX_INSTANCES + 50][12];
    for (size_t i = 0; i < ALERTS_MAX_INSTANCES + 50; i++) {
        snprintf(ids[i], sizeof ids[i], "v%zu", i);
        struct alert_sample *x = alert_samples_add(&s, ALERT_SCOPE_VERTEX, "prod", "j1", "job",
                                                   ids[i], ids[i], NULL, NULL);
        x->value[ALERT_METRIC_BUSY_MS_PER_S] = 100;
    }
    alerts_evaluate(a, &s, 0);
    assert_int_equal(n_in(a, ALERT_FIRING), ALERTS_MAX_INSTANCES);
    assert_int_equal(alerts_dropped(a), 50);
    alert_samples_free(&s);
    alerts_free(a);
}

static void disabled_rules_never_fire(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Off, severity: critical, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1, enabled: false}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, 0);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    alert_samples_free(&s);
    alerts_free(a);
}

static void new_rules_keep_state_of_the_same_rule_and_resolve_the_rest(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Failed, severity: warning, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n"
                              "  - {name: Gone, severity: info, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n"
                              "  - {name: Changed, severity: info, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, 100);
    assert_int_equal(n_in(a, ALERT_FIRING), 3);
    struct alert_rules r =
        rules_from("rules:\n"
                   "  - {name: Failed, severity: critical, metric: job_failed,\n"
                   "     op: \"==\", threshold: 1, message: \"now {job}\"}\n"
                   "  - {name: Changed, severity: info, metric: job_restarting,\n"
                   "     op: \"==\", threshold: 1}\n");
    alerts_set_rules(a, &r);
    alert_rules_free(&r);
    assert_int_equal(alerts_rules(a)->len, 2);
    alerts_evaluate(a, &s, 200);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    const struct alert *f = first_in(a, ALERT_FIRING);
    assert_string_equal(f->rule, "Failed");
    assert_int_equal(f->fired_ms, 100);                /* kept */
    assert_int_equal(f->severity, ALERT_SEV_CRITICAL); /* the new rule's */
    assert_string_equal(f->message, "now orders");
    assert_int_equal(alerts_resolved_count(a), 2); /* Gone, and Changed (another metric) */
    alert_samples_free(&s);
    alerts_free(a);
}

static void counts_and_worst_severity_for_row_markers(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: Failed, severity: critical, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n"
                              "  - {name: Busy, severity: warning, metric: busy_ms_per_s,\n"
                              "     op: \">\", threshold: 900}\n"
                              "  - {name: Heap, severity: info, metric: heap_ratio,\n"
                              "     op: \">\", threshold: 0.9}\n"
                              "  - {name: Slow, severity: warning, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1, for: 1h}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    job_sample(&s, "prod", "j2", ALERT_METRIC_JOB_FAILED, 0);
    struct alert_sample *v =
        alert_samples_add(&s, ALERT_SCOPE_VERTEX, "prod", "j2", "orders", "v1", "Map", NULL, NULL);
    v->value[ALERT_METRIC_BUSY_MS_PER_S] = 950;
    struct alert_sample *t = alert_samples_add(&s, ALERT_SCOPE_TASKMANAGER, "staging", NULL, NULL,
                                               NULL, NULL, "tm-1", NULL);
    t->value[ALERT_METRIC_HEAP_RATIO] = 0.95;
    alerts_evaluate(a, &s, 0);
    size_t counts[ALERT_SEV_COUNT];
    assert_int_equal(alerts_counts(a, counts), 3); /* pending Slow not counted */
    assert_int_equal(counts[ALERT_SEV_CRITICAL], 1);
    assert_int_equal(counts[ALERT_SEV_WARNING], 1);
    assert_int_equal(counts[ALERT_SEV_INFO], 1);
    assert_int_equal(alerts_worst_for_cluster(a, "prod"), ALERT_SEV_CRITICAL);
    assert_int_equal(alerts_worst_for_cluster(a, "staging"), ALERT_SEV_INFO);
    assert_int_equal(alerts_worst_for_cluster(a, "dev"), ALERT_SEV_NONE);
    assert_int_equal(alerts_worst_for_job(a, "prod", "j1"), ALERT_SEV_CRITICAL);
    assert_int_equal(alerts_worst_for_job(a, "prod", "j2"), ALERT_SEV_WARNING); /* vertex */
    assert_int_equal(alerts_worst_for_job(a, "staging", "j1"), ALERT_SEV_NONE);
    /* worst first */
    const struct alert *list[3];
    assert_int_equal(alerts_list(a, ALERT_FIRING, list, 3), 3);
    assert_string_equal(list[0]->rule, "Failed");
    assert_string_equal(list[1]->rule, "Busy");
    assert_string_equal(list[1]->vertex, "Map");
    assert_string_equal(list[2]->rule, "Heap");
    alert_samples_free(&s);
    alerts_free(a);
}

static void firing_alerts_as_json(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: ClusterDown, severity: critical,\n"
                              "     metric: cluster_unreachable, op: \"==\", threshold: 1,\n"
                              "     message: \"{cluster} is down\"}\n"
                              "  - {name: Failed, severity: warning, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    struct alert_sample *c =
        alert_samples_add(&s, ALERT_SCOPE_CLUSTER, "prod", NULL, NULL, NULL, NULL, NULL, NULL);
    c->value[ALERT_METRIC_CLUSTER_UNREACHABLE] = 1;
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, 1700000000123LL);
    cJSON *arr = alerts_to_json(a);
    char *text = cJSON_PrintUnformatted(arr);
    assert_string_equal(
        text, "[{\"name\":\"ClusterDown\",\"origin\":\"flinktop\",\"severity\":\"critical\",\"scope\":\"cluster\","
              "\"cluster\":\"prod\",\"job\":null,\"job_id\":null,\"vertex\":null,"
              "\"taskmanager\":null,\"pod\":null,\"bottleneck\":null,\"since\":1700000000123,\"value\":1,"
              "\"threshold\":1,\"message\":\"prod is down\"},"
              "{\"name\":\"Failed\",\"origin\":\"flinktop\",\"severity\":\"warning\",\"scope\":\"job\","
              "\"cluster\":\"prod\",\"job\":\"orders\",\"job_id\":\"j1\",\"vertex\":null,"
              "\"taskmanager\":null,\"pod\":null,\"bottleneck\":null,\"since\":1700000000123,\"value\":1,"
              "\"threshold\":1,\"message\":\"Failed: job orders on prod: 1 (threshold 1)\"}]");
    free(text);
    cJSON_Delete(arr);
    struct alerts *none = alerts_new();
    arr = alerts_to_json(none);
    text = cJSON_PrintUnformatted(arr);
    assert_string_equal(text, "[]");
    free(text);
    cJSON_Delete(arr);
    alerts_free(none);
    alert_samples_free(&s);
    alerts_free(a);
}

/* ---- samples from a struct app ---- */

struct fixture_app {
    struct app app;
    struct cluster cluster;
};

/* Prometheus's alerts beside the engine's own: listed, counted and marked on rows; the
 * one whose rule name, cluster and job are those of the engine's own firing alert is
 * listed once, the engine's, which says Prometheus fires it too. */
static void external_alerts_listed_and_deduplicated(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - {name: FlinkJobFailed, severity: critical, metric: job_failed,\n"
                              "     op: \"==\", threshold: 1}\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, 1000);
    struct alert ext[3] = {0};
    char n0[] = "FlinkJobFailed", n1[] = "HighBackpressure", n2[] = "ClusterDown";
    char *names[] = {n0, n1, n2};
    char prod[] = "prod", j1[] = "j1", j2[] = "j2", msg[] = "from Prometheus",
         det[] = "Prometheus rule, for 120s: x > 500";
    for (int i = 0; i < 3; i++) {
        ext[i].rule = names[i];
        ext[i].origin = "prometheus";
        ext[i].severity = ALERT_SEV_WARNING;
        ext[i].cluster = prod;
        ext[i].fired_ms = 500;
        ext[i].message = msg;
    }
    ext[0].job_id = j1; /* the engine's own fires it on the same job */
    ext[1].job_id = j2;
    ext[1].detail = det;
    ext[2].cluster = NULL; /* names neither: the whole fleet */
    alerts_set_external(a, ext, 3);
    const struct alert *list[8];
    size_t n = alerts_list(a, ALERT_FIRING, list, 8);
    assert_int_equal(n, 3);
    assert_string_equal(list[0]->rule, "FlinkJobFailed"); /* critical first */
    assert_null(list[0]->origin);                        /* the engine's */
    assert_string_equal(list[0]->also_origin, "prometheus");
    size_t ext_seen = 0;
    for (size_t i = 1; i < n; i++) {
        assert_string_equal(list[i]->origin, "prometheus");
        ext_seen++;
    }
    assert_int_equal(ext_seen, 2);
    size_t counts[ALERT_SEV_COUNT];
    assert_int_equal(alerts_counts(a, counts), 3);
    assert_int_equal(counts[ALERT_SEV_WARNING], 2);
    assert_int_equal(alerts_worst_for_job(a, "prod", "j2"), ALERT_SEV_WARNING);
    assert_int_equal(alerts_worst_for_job(a, "prod", "j1"), ALERT_SEV_CRITICAL);
    cJSON *arr = alerts_to_json(a);
    char *text = cJSON_PrintUnformatted(arr);
    assert_non_null(strstr(text, "\"name\":\"FlinkJobFailed\",\"origin\":\"flinktop\","
                                 "\"also_origin\":\"prometheus\""));
    assert_non_null(strstr(text, "\"name\":\"HighBackpressure\",\"origin\":\"prometheus\""));
    assert_non_null(strstr(text, "\"detail\":\"Prometheus rule, for 120s: x > 500\""));
    free(text);
    cJSON_Delete(arr);
    /* the engine's own resolves: Prometheus's is listed on its own again */
    alert_samples_free(&s);
    alert_samples_init(&s);
    job_sample(&s, "prod", "j1", ALERT_METRIC_JOB_FAILED, 0);
    alerts_evaluate(a, &s, 2000);
    alerts_evaluate(a, &s, 100000);
    n = alerts_list(a, ALERT_FIRING, list, 8);
    assert_int_equal(n, 3);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(list[i]->origin, "prometheus");
    /* the next answer replaces the last */
    alerts_set_external(a, NULL, 0);
    assert_int_equal(alerts_list(a, ALERT_FIRING, NULL, 0), 0);
    alert_samples_free(&s);
    alerts_free(a);
}

static void set_sources(struct cluster *c, enum source_state st) {
    for (int i = 0; i < SRC_COUNT; i++)
        c->sources[i].state = st;
}

static void add_vertex(struct job_detail *d, const char *id, const char *name, double bp,
                       double busy) {
    d->vertices.items = xrealloc(d->vertices.items, (d->vertices.len + 1) * sizeof(struct vertex));
    struct vertex *v = &d->vertices.items[d->vertices.len++];
    vertex_init(v);
    snprintf(v->id, sizeof v->id, "%s", id);
    v->name = name ? xstrdup(name) : NULL;
    v->backpressured_ms = bp;
    v->busy_ms = busy;
}

static struct job *add_job(struct cluster *c, const char *id, const char *name, enum job_state st) {
    c->jobs.items = xrealloc(c->jobs.items, (c->jobs.len + 1) * sizeof(struct job));
    struct job *j = &c->jobs.items[c->jobs.len++];
    job_init(j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->name = name ? xstrdup(name) : NULL;
    j->state = st;
    return j;
}

#define NOW 1700000000000LL

/* One cluster "prod": a running job with details, a failed one, a restarting one, and two
 * task managers. */
static void build_app(struct fixture_app *f) {
    memset(f, 0, sizeof *f);
    cluster_init(&f->cluster, "prod", "http://prod:8081");
    set_sources(&f->cluster, SOURCE_OK);
    f->app.clusters = &f->cluster;
    f->app.n_clusters = 1;

    struct job *run = add_job(&f->cluster, "aaaa", "orders", JOB_RUNNING);
    run->start_time = NOW - 3600 * S;
    struct job_detail *d = job_detail_new(4);
    run->detail = d;
    d->records_in_per_s = 50;
    d->have_checkpoints = true;
    d->checkpoints.failed = 3;
    d->checkpoints.last_completed.id = 12;
    d->checkpoints.last_completed.duration_ms = 1234;
    d->checkpoints.last_completed.ack_ts = NOW - 10 * S;
    d->have_cp_config = true;
    d->cp_config.enabled = true;
    d->cp_config.interval_ms = 60000;
    add_vertex(d, "v1", "Source: Kafka", 800, 100);
    add_vertex(d, "v2", NULL, NAN, 950);

    add_job(&f->cluster, "bbbb", NULL, JOB_FAILED);
    struct job *rs = add_job(&f->cluster, "cccc", "payments", JOB_RESTARTING);
    rs->detail = job_detail_new(4);
    rs->detail->records_in_per_s = 10; /* stale: the job is not running */
    add_vertex(rs->detail, "v9", "Sink", 999, 999);
    add_job(&f->cluster, "", "no id", JOB_RUNNING); /* no stable key: skipped */

    f->cluster.taskmanagers.items = xcalloc(2, sizeof(struct taskmanager));
    f->cluster.taskmanagers.len = 2;
    struct taskmanager *t = &f->cluster.taskmanagers.items[0];
    t->id = xstrdup("tm-1");
    t->metrics.heap_used = 900;
    t->metrics.heap_max = 1000;
    t->metrics.cpu_load = 0.25;
    t = &f->cluster.taskmanagers.items[1];
    t->id = xstrdup("tm-2");
    t->metrics.heap_used = NAN;
    t->metrics.heap_max = NAN;
    t->metrics.cpu_load = NAN;
}

static void free_app(struct fixture_app *f) { cluster_free(&f->cluster); }

static const struct alert_sample *find(const struct alert_sample_set *s, enum alert_scope sc,
                                       const char *id) {
    for (size_t i = 0; i < s->len; i++) {
        const struct alert_sample *x = &s->items[i];
        if (x->scope != sc)
            continue;
        const char *k = sc == ALERT_SCOPE_CLUSTER       ? x->cluster
                        : sc == ALERT_SCOPE_JOB         ? x->job_id
                        : sc == ALERT_SCOPE_TASKMANAGER ? x->taskmanager
                                                        : strrchr(x->key, '\x1f') + 1;
        if (strcmp(k, id) == 0)
            return x;
    }
    return NULL;
}

static size_t count_scope(const struct alert_sample_set *s, enum alert_scope sc) {
    size_t n = 0;
    for (size_t i = 0; i < s->len; i++)
        n += s->items[i].scope == sc;
    return n;
}

static void samples_have_every_metric_per_scope(void **state) {
    (void)state;
    struct fixture_app f;
    build_app(&f);
    struct alert_sample_set s;
    alert_samples_init(&s);
    alert_samples_collect(&s, &f.app, NOW);

    assert_int_equal(count_scope(&s, ALERT_SCOPE_CLUSTER), 1);
    assert_int_equal(count_scope(&s, ALERT_SCOPE_JOB), 3);
    assert_int_equal(count_scope(&s, ALERT_SCOPE_VERTEX), 2); /* the running job's only */
    assert_int_equal(count_scope(&s, ALERT_SCOPE_TASKMANAGER), 2);
    assert_int_equal(count_scope(&s, ALERT_SCOPE_POD), 0); /* not in the model yet */

    const struct alert_sample *c = find(&s, ALERT_SCOPE_CLUSTER, "prod");
    assert_true(c->value[ALERT_METRIC_CLUSTER_UNREACHABLE] == 0);
    assert_true(isnan(c->value[ALERT_METRIC_JOB_FAILED])); /* not a cluster metric */

    const struct alert_sample *run = find(&s, ALERT_SCOPE_JOB, "aaaa");
    assert_string_equal(run->job, "orders");
    assert_string_equal(run->cluster, "prod");
    assert_true(run->value[ALERT_METRIC_JOB_FAILED] == 0);
    assert_true(run->value[ALERT_METRIC_JOB_RESTARTING] == 0);
    assert_true(run->value[ALERT_METRIC_RECORDS_IN_PER_S] == 50);
    assert_true(run->value[ALERT_METRIC_CHECKPOINT_DURATION_MS] == 1234);
    assert_true(run->value[ALERT_METRIC_CHECKPOINTS_FAILED_TOTAL] == 3);
    assert_true(run->value[ALERT_METRIC_CHECKPOINT_AGE_S] == 10);

    const struct alert_sample *failed = find(&s, ALERT_SCOPE_JOB, "bbbb");
    assert_string_equal(failed->job, "bbbb"); /* no name: the id */
    assert_true(failed->value[ALERT_METRIC_JOB_FAILED] == 1);
    assert_true(isnan(failed->value[ALERT_METRIC_RECORDS_IN_PER_S])); /* no details */

    const struct alert_sample *rs = find(&s, ALERT_SCOPE_JOB, "cccc");
    assert_true(rs->value[ALERT_METRIC_JOB_RESTARTING] == 1);
    assert_true(rs->value[ALERT_METRIC_JOB_FAILED] == 0);
    assert_true(isnan(rs->value[ALERT_METRIC_RECORDS_IN_PER_S])); /* not running */

    const struct alert_sample *v1 = find(&s, ALERT_SCOPE_VERTEX, "v1");
    assert_string_equal(v1->vertex, "Source: Kafka");
    assert_string_equal(v1->job, "orders");
    assert_string_equal(v1->job_id, "aaaa");
    assert_true(v1->value[ALERT_METRIC_BACKPRESSURED_MS_PER_S] == 800);
    assert_true(v1->value[ALERT_METRIC_BUSY_MS_PER_S] == 100);
    const struct alert_sample *v2 = find(&s, ALERT_SCOPE_VERTEX, "v2");
    assert_string_equal(v2->vertex, "v2"); /* no name: the id */
    assert_true(isnan(v2->value[ALERT_METRIC_BACKPRESSURED_MS_PER_S]));
    assert_true(v2->value[ALERT_METRIC_BUSY_MS_PER_S] == 950);

    const struct alert_sample *t1 = find(&s, ALERT_SCOPE_TASKMANAGER, "tm-1");
    assert_true(fabs(t1->value[ALERT_METRIC_HEAP_RATIO] - 0.9) < 1e-9);
    assert_true(t1->value[ALERT_METRIC_CPU_LOAD] == 0.25);
    const struct alert_sample *t2 = find(&s, ALERT_SCOPE_TASKMANAGER, "tm-2");
    assert_true(isnan(t2->value[ALERT_METRIC_HEAP_RATIO]));
    assert_true(isnan(t2->value[ALERT_METRIC_CPU_LOAD]));

    /* keys are stable and distinct across scopes and clusters */
    assert_string_equal(run->key, "prod\x1f"
                                  "aaaa");
    assert_string_equal(v1->key, "prod\x1f"
                                 "aaaa\x1f"
                                 "v1");
    assert_string_equal(t1->key, "prod\x1f"
                                 "tm\x1f"
                                 "tm-1");
    alert_samples_free(&s);
    free_app(&f);
}

static void checkpoint_age_covers_none_yet_and_checkpointing_off(void **state) {
    (void)state;
    struct fixture_app f;
    build_app(&f);
    struct job_detail *d = f.cluster.jobs.items[0].detail;
    struct alert_sample_set s;
    alert_samples_init(&s);
    /* none completed yet: age since the job started */
    checkpoint_init(&d->checkpoints.last_completed);
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(find(&s, ALERT_SCOPE_JOB, "aaaa")->value[ALERT_METRIC_CHECKPOINT_AGE_S] == 3600);
    assert_true(
        isnan(find(&s, ALERT_SCOPE_JOB, "aaaa")->value[ALERT_METRIC_CHECKPOINT_DURATION_MS]));
    /* checkpointing off: no age at all */
    d->cp_config.enabled = false;
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(isnan(find(&s, ALERT_SCOPE_JOB, "aaaa")->value[ALERT_METRIC_CHECKPOINT_AGE_S]));
    d->cp_config.enabled = true;
    d->cp_config.interval_ms = INT64_MAX; /* periodic checkpoints off */
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(isnan(find(&s, ALERT_SCOPE_JOB, "aaaa")->value[ALERT_METRIC_CHECKPOINT_AGE_S]));
    alert_samples_free(&s);
    free_app(&f);
}

static void cluster_unreachable_only_when_every_polled_source_fails(void **state) {
    (void)state;
    struct fixture_app f;
    build_app(&f);
    struct alert_sample_set s;
    alert_samples_init(&s);
    set_sources(&f.cluster, SOURCE_PENDING);
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(isnan(find(&s, ALERT_SCOPE_CLUSTER, "prod")->value[0]));
    /* /config answered long ago; the three polled each refresh all fail: unreachable */
    set_sources(&f.cluster, SOURCE_ERROR);
    f.cluster.sources[SRC_CONFIG].state = SOURCE_OK;
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(find(&s, ALERT_SCOPE_CLUSTER, "prod")->value[ALERT_METRIC_CLUSTER_UNREACHABLE] ==
                1);
    /* the jobs list failing: job values unknown, so their alerts hold; the samples stay */
    const struct alert_sample *j = find(&s, ALERT_SCOPE_JOB, "bbbb");
    assert_non_null(j);
    assert_true(isnan(j->value[ALERT_METRIC_JOB_FAILED]));
    assert_true(isnan(find(&s, ALERT_SCOPE_TASKMANAGER, "tm-1")->value[ALERT_METRIC_HEAP_RATIO]));
    /* one answers: reachable */
    f.cluster.sources[SRC_TASKMANAGERS].state = SOURCE_OK;
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(find(&s, ALERT_SCOPE_CLUSTER, "prod")->value[ALERT_METRIC_CLUSTER_UNREACHABLE] ==
                0);
    /* some pending, none ok, some failed: not known yet */
    set_sources(&f.cluster, SOURCE_ERROR);
    f.cluster.sources[SRC_JOBS].state = SOURCE_PENDING;
    alert_samples_collect(&s, &f.app, NOW);
    assert_true(
        isnan(find(&s, ALERT_SCOPE_CLUSTER, "prod")->value[ALERT_METRIC_CLUSTER_UNREACHABLE]));
    alert_samples_free(&s);
    free_app(&f);
}

/* The shipped rules on the sample app: the failed job and the backpressured vertex. */
static void default_rules_on_a_built_app(void **state) {
    (void)state;
    struct alert_rules r;
    if (alert_rules_load("config/alerts.yaml", &r, err, sizeof err) != 0)
        fail_msg("%s", err);
    struct alerts *a = alerts_new();
    alerts_set_rules(a, &r);
    struct fixture_app f;
    build_app(&f);
    struct alert_sample_set s;
    alert_samples_init(&s);
    for (int64_t t = 0; t <= 12 * MIN; t += 2 * S) {
        alert_samples_collect(&s, &f.app, NOW + t);
        alerts_evaluate(a, &s, NOW + t);
    }
    const struct alert *list[8];
    size_t n = alerts_list(a, ALERT_FIRING, list, 8);
    /* FlinkJobFailed (bbbb), CheckpointStalled and CheckpointOverdue (the sample's last
     * checkpoint never moves: 10 and 3 one-minute intervals go by), HighBackpressure (800 >
     * 500, one alert for the job), LowThroughput (50 < 100) */
    assert_int_equal(n, 5);
    assert_string_equal(list[0]->rule, "FlinkJobFailed");
    assert_string_equal(list[0]->message, "Job bbbb on prod has failed");
    assert_int_equal(list[0]->fired_ms, NOW + 1 * MIN);
    assert_string_equal(list[1]->rule, "CheckpointStalled");
    assert_string_equal(list[2]->rule, "HighBackpressure");
    assert_string_equal(list[2]->message, "orders on prod is backpressured 800 ms/s; likely "
                                          "bottleneck: downstream of Source: Kafka");
    assert_int_equal(list[2]->fired_ms, NOW + 2 * MIN);
    assert_string_equal(list[3]->rule, "CheckpointOverdue");
    assert_string_equal(list[4]->rule, "LowThroughput");
    assert_int_equal(list[4]->fired_ms, NOW + 10 * MIN);
    /* heap at exactly 0.9 is not > 0.9; the stalled checkpoints make orders critical */
    assert_int_equal(alerts_worst_for_job(a, "prod", "aaaa"), ALERT_SEV_CRITICAL);
    assert_int_equal(alerts_worst_for_job(a, "prod", "bbbb"), ALERT_SEV_CRITICAL);
    /* the failed job leaves the list: resolved */
    free(f.cluster.jobs.items[1].name);
    job_detail_free(f.cluster.jobs.items[1].detail);
    memmove(&f.cluster.jobs.items[1], &f.cluster.jobs.items[2], 2 * sizeof(struct job));
    f.cluster.jobs.len--;
    alert_samples_collect(&s, &f.app, NOW + 13 * MIN);
    alerts_evaluate(a, &s, NOW + 13 * MIN);
    assert_int_equal(alerts_worst_for_job(a, "prod", "bbbb"), ALERT_SEV_NONE);
    assert_string_equal(alerts_resolved(a, 0)->rule, "FlinkJobFailed");
    alert_samples_free(&s);
    free_app(&f);
    alerts_free(a);
}

/* ---- keep_firing_for, since, and the checkpoint and backpressure samples ---- */

static const char streak_rule[] = "rules:\n"
                                  "  - name: CheckpointFailure\n"
                                  "    severity: critical\n"
                                  "    metric: checkpoint_failures_in_row\n"
                                  "    op: \">=\"\n"
                                  "    threshold: 1\n"
                                  "    keep_firing_for: 10s\n"
                                  "    message: \"{job}: {value} in a row\"\n";

static void eval_streak(struct alerts *a, struct alert_sample_set *s, double v, int64_t t) {
    alert_samples_clear(s);
    job_sample(s, "prod", "j1", ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW, v);
    alerts_evaluate(a, s, t);
}

static void keep_firing_for_rides_out_a_flicker_then_resolves(void **state) {
    (void)state;
    struct alerts *a = engine(streak_rule);
    struct alert_sample_set s;
    alert_samples_init(&s);
    eval_streak(a, &s, 2, 0);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    eval_streak(a, &s, 0, 2 * S); /* one good checkpoint between failures */
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    eval_streak(a, &s, 1, 4 * S);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    assert_int_equal(alerts_resolved_count(a), 0); /* no "Resolved" flapping */
    assert_int_equal(first_in(a, ALERT_FIRING)->fired_ms, 0);
    eval_streak(a, &s, 0, 6 * S);
    eval_streak(a, &s, 0, 15 * S);
    assert_int_equal(n_in(a, ALERT_FIRING), 1); /* 9 s of 10 */
    eval_streak(a, &s, 0, 16 * S);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    assert_int_equal(alerts_resolved_count(a), 1);
    assert_int_equal(alerts_resolved(a, 0)->resolved_ms, 16 * S);
    alert_samples_free(&s);
    alerts_free(a);
}

static void keep_firing_for_defaults_to_one_refresh(void **state) {
    (void)state;
    struct alerts *a = engine(slow_rule);
    alerts_set_refresh(a, 2 * S);
    struct alert_sample_set s;
    alert_samples_init(&s);
    eval_cp(a, &s, 90000, 0);
    eval_cp(a, &s, 90000, 5 * MIN);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    eval_cp(a, &s, 100, 5 * MIN + 1 * S);
    assert_int_equal(n_in(a, ALERT_FIRING), 1);
    eval_cp(a, &s, 100, 5 * MIN + 3 * S);
    assert_int_equal(n_in(a, ALERT_FIRING), 0);
    alert_samples_free(&s);
    alerts_free(a);
}

static void for_counts_from_when_the_data_says_it_began(void **state) {
    (void)state;
    struct alerts *a = engine("rules:\n"
                              "  - name: FlinkJobFailed\n"
                              "    severity: critical\n"
                              "    metric: job_failed\n"
                              "    op: \"==\"\n"
                              "    threshold: 1\n"
                              "    for: 1m\n");
    struct alert_sample_set s;
    alert_samples_init(&s);
    struct alert_sample *x =
        alert_samples_add(&s, ALERT_SCOPE_JOB, "prod", "j1", "orders", NULL, NULL, NULL, NULL);
    x->value[ALERT_METRIC_JOB_FAILED] = 1;
    x->since_ms[ALERT_METRIC_JOB_FAILED] = NOW - 3600 * S; /* failed an hour ago */
    alerts_evaluate(a, &s, NOW); /* the first look: a fresh console, or --once */
    const struct alert *f = first_in(a, ALERT_FIRING);
    assert_non_null(f);
    assert_int_equal(f->since_ms, NOW - 3600 * S);
    /* without the hint it waits for `for` from the first look */
    alert_samples_clear(&s);
    job_sample(&s, "prod", "j2", ALERT_METRIC_JOB_FAILED, 1);
    alerts_evaluate(a, &s, NOW);
    assert_int_equal(n_in(a, ALERT_PENDING), 1);
    alert_samples_free(&s);
    alerts_free(a);
}

static void samples_count_checkpoint_failures_from_ids_and_name_the_bottleneck(void **state) {
    (void)state;
    struct fixture_app f;
    build_app(&f);
    struct job_detail *d = f.cluster.jobs.items[0].detail;
    d->checkpoints.last_completed.id = 100;
    d->checkpoints.last_failed.id = 150; /* 50 in a row, more than Flink's history holds */
    d->checkpoints.last_failed.status = xstrdup("FAILED");
    /* v2 (busy 950, not backpressured) is downstream of the backpressured v1 */
    d->vertices.items[1].n_inputs = 1;
    d->vertices.items[1].inputs = xcalloc(1, sizeof *d->vertices.items[1].inputs);
    snprintf(d->vertices.items[1].inputs[0], 33, "v1");
    d->vertices.items[1].name = xstrdup("Sink: kafka-enriched");
    d->vertices.items[1].backpressured_ms = 0;
    d->vertices.items[0].backpressured_ms = 920;
    struct alert_sample_set s;
    alert_samples_init(&s);
    alert_samples_collect(&s, &f.app, NOW);
    const struct alert_sample *j = find(&s, ALERT_SCOPE_JOB, "aaaa");
    assert_true(j->value[ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW] == 50);
    assert_int_equal(j->since_ms[ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW], NOW - 10 * S);
    assert_true(j->value[ALERT_METRIC_JOB_BACKPRESSURED_MS_PER_S] == 920);
    assert_string_equal(j->bottleneck, "Sink: kafka-enriched");
    assert_true(fabs(j->value[ALERT_METRIC_CHECKPOINT_MISSED_INTERVALS] - 10.0 / 60) < 1e-9);
    alert_samples_free(&s);
    free_app(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pending_then_firing_after_for),
        cmocka_unit_test(keep_firing_for_rides_out_a_flicker_then_resolves),
        cmocka_unit_test(keep_firing_for_defaults_to_one_refresh),
        cmocka_unit_test(for_counts_from_when_the_data_says_it_began),
        cmocka_unit_test(samples_count_checkpoint_failures_from_ids_and_name_the_bottleneck),
        cmocka_unit_test(firing_resolves_when_false),
        cmocka_unit_test(pending_that_turns_false_is_dropped_not_resolved),
        cmocka_unit_test(for_zero_fires_in_the_same_evaluation),
        cmocka_unit_test(threshold_boundary_follows_the_operator),
        cmocka_unit_test(unknown_values_never_fire_and_hold_state),
        cmocka_unit_test(increased_fires_only_when_the_counter_rose),
        cmocka_unit_test(increased_with_a_threshold_needs_a_bigger_rise),
        cmocka_unit_test(resolved_list_keeps_the_last_hundred),
        cmocka_unit_test(instance_that_disappears_is_resolved),
        cmocka_unit_test(tracked_instances_are_capped),
        cmocka_unit_test(disabled_rules_never_fire),
        cmocka_unit_test(new_rules_keep_state_of_the_same_rule_and_resolve_the_rest),
        cmocka_unit_test(counts_and_worst_severity_for_row_markers),
        cmocka_unit_test(firing_alerts_as_json),
        cmocka_unit_test(external_alerts_listed_and_deduplicated),
        cmocka_unit_test(samples_have_every_metric_per_scope),
        cmocka_unit_test(checkpoint_age_covers_none_yet_and_checkpointing_off),
        cmocka_unit_test(cluster_unreachable_only_when_every_polled_source_fails),
        cmocka_unit_test(default_rules_on_a_built_app),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
