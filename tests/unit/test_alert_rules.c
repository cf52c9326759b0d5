/* Alert rules: the shipped defaults (the seed guide's, HighBackpressure at 500 ms/s),
 * every field checked with `file:line`, the metric vocabulary, operators and message
 * templates. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alert_rules.h"
#include "xalloc.h"

static char err[4096];

static char *fixture(const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || dir[0] == '\0')
        dir = "tests/fixtures";
    return xasprintf("%s/config/%s", dir, name);
}

static bool has_line(const char *text, const char *want) {
    size_t n = strlen(want);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == n && strncmp(p, want, n) == 0)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}

static void expect_line(const char *path, const char *rest) {
    char *want = xasprintf("%s:%s", path, rest);
    if (!has_line(err, want))
        fail_msg("missing line\n  %s\nin\n%s", want, err);
    free(want);
}

static char *load_bad(const char *name) {
    char *path = fixture(name);
    struct alert_rules r;
    int rc = alert_rules_load(path, &r, err, sizeof err);
    alert_rules_free(&r);
    if (rc != -1)
        fail_msg("%s loaded without error", name);
    return path;
}

static char *read_text(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = xmalloc(1 << 20);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* ---- the defaults ---- */

static void defaults_parse_cleanly_with_the_guides_rules(void **state) {
    (void)state;
    struct alert_rules r;
    int rc = alert_rules_load("config/alerts.yaml", &r, err, sizeof err);
    if (rc != 0)
        fail_msg("config/alerts.yaml: %s", err);
    static const struct {
        const char *name;
        enum alert_severity sev;
        enum alert_scope scope;
        enum alert_metric metric;
        enum alert_op op;
        double threshold;
        int64_t for_ms;
    } want[] = {
        {"FlinkJobFailed", ALERT_SEV_CRITICAL, ALERT_SCOPE_JOB, ALERT_METRIC_JOB_FAILED,
         ALERT_OP_EQ, 1, 60000},
        {"HighCheckpointDuration", ALERT_SEV_WARNING, ALERT_SCOPE_JOB,
         ALERT_METRIC_CHECKPOINT_DURATION_MS, ALERT_OP_GT, 60000, 300000},
        {"HighBackpressure", ALERT_SEV_WARNING, ALERT_SCOPE_JOB,
         ALERT_METRIC_JOB_BACKPRESSURED_MS_PER_S, ALERT_OP_GT, 500, 120000},
        {"HighMemoryUsage", ALERT_SEV_WARNING, ALERT_SCOPE_TASKMANAGER, ALERT_METRIC_HEAP_RATIO,
         ALERT_OP_GT, 0.9, 300000},
        {"LowThroughput", ALERT_SEV_WARNING, ALERT_SCOPE_JOB, ALERT_METRIC_RECORDS_IN_PER_S,
         ALERT_OP_LT, 100, 600000},
        {"CheckpointFailure", ALERT_SEV_CRITICAL, ALERT_SCOPE_JOB,
         ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW, ALERT_OP_GE, 3, 0},
        {"CheckpointOverdue", ALERT_SEV_WARNING, ALERT_SCOPE_JOB,
         ALERT_METRIC_CHECKPOINT_MISSED_INTERVALS, ALERT_OP_GE, 3, 0},
        {"CheckpointStalled", ALERT_SEV_CRITICAL, ALERT_SCOPE_JOB,
         ALERT_METRIC_CHECKPOINT_MISSED_INTERVALS, ALERT_OP_GE, 10, 0},
        {"ClusterDown", ALERT_SEV_CRITICAL, ALERT_SCOPE_CLUSTER, ALERT_METRIC_CLUSTER_UNREACHABLE,
         ALERT_OP_EQ, 1, 60000},
        {"PodCrashLoop", ALERT_SEV_CRITICAL, ALERT_SCOPE_POD, ALERT_METRIC_POD_CRASH_LOOP,
         ALERT_OP_EQ, 1, 0},
        {"PodOOMKilled", ALERT_SEV_WARNING, ALERT_SCOPE_POD, ALERT_METRIC_POD_OOM_KILLED,
         ALERT_OP_EQ, 1, 0},
    };
    assert_int_equal(r.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < r.len; i++) {
        const struct alert_rule *x = &r.items[i];
        assert_string_equal(x->name, want[i].name);
        assert_int_equal(x->severity, want[i].sev);
        assert_int_equal(x->scope, want[i].scope);
        assert_int_equal(x->metric, want[i].metric);
        assert_int_equal(x->op, want[i].op);
        assert_true(x->threshold == want[i].threshold);
        assert_int_equal(x->for_ms, want[i].for_ms);
        assert_true(x->enabled);
        assert_non_null(x->message);
    }
    /* the guide's 1000 ms/s is the metric's maximum and could never fire */
    assert_true(alert_rules_find(&r, "HighBackpressure")->threshold < 1000);
    assert_null(alert_rules_find(&r, "NoSuchRule"));
    alert_rules_free(&r);
}

static void defaults_document_every_metric(void **state) {
    (void)state;
    char *text = read_text("config/alerts.yaml");
    for (int m = 0; m < ALERT_METRIC_COUNT; m++) {
        char *line = xasprintf("#   %s ", alert_metric_name((enum alert_metric)m));
        if (strstr(text, line) == NULL)
            fail_msg("config/alerts.yaml does not document %s", alert_metric_name(m));
        free(line);
    }
    free(text);
}

static void metric_table_round_trips(void **state) {
    (void)state;
    for (int m = 0; m < ALERT_METRIC_COUNT; m++) {
        const char *name = alert_metric_name((enum alert_metric)m);
        assert_int_equal(alert_metric_parse(name), m);
        assert_true(strlen(alert_metric_unit((enum alert_metric)m)) > 0);
        assert_true(strlen(alert_metric_help((enum alert_metric)m)) > 0);
    }
    assert_int_equal(alert_metric_parse("heap_ratoi"), -1);
    assert_int_equal(alert_metric_scope(ALERT_METRIC_HEAP_RATIO), ALERT_SCOPE_TASKMANAGER);
    assert_int_equal(alert_metric_scope(ALERT_METRIC_POD_RESTARTS), ALERT_SCOPE_POD);
    assert_true(alert_metric_is_counter(ALERT_METRIC_CHECKPOINTS_FAILED_TOTAL));
    assert_true(alert_metric_is_counter(ALERT_METRIC_POD_RESTARTS));
    assert_false(alert_metric_is_counter(ALERT_METRIC_HEAP_RATIO));
    assert_string_equal(alert_severity_name(ALERT_SEV_CRITICAL), "critical");
    assert_string_equal(alert_severity_name(ALERT_SEV_NONE), "?");
    assert_string_equal(alert_scope_name(ALERT_SCOPE_TASKMANAGER), "taskmanager");
    assert_string_equal(alert_op_text(ALERT_OP_GE), ">=");
    assert_true(ALERT_SEV_CRITICAL > ALERT_SEV_WARNING && ALERT_SEV_WARNING > ALERT_SEV_INFO);
    assert_true(ALERT_SEV_INFO > ALERT_SEV_NONE);
}

/* ---- each field, with its line ---- */

static void unknown_metric_names_line_and_suggests(void **state) {
    (void)state;
    char *path = load_bad("rules_unknown_metric.yaml");
    expect_line(path, "14: unknown metric \"heap_ratoi\" (did you mean \"heap_ratio\"?)");
    assert_null(strchr(err, '\n'));
    free(path);
}

static void scope_without_that_metric_is_an_error(void **state) {
    (void)state;
    char *path = load_bad("rules_scope_mismatch.yaml");
    expect_line(path, "8: scope \"vertex\" has no metric \"job_failed\" (it is a job metric)");
    expect_line(path, "11: unknown scope \"jobs\" (did you mean \"job\"?); one of: cluster, job, "
                      "vertex, taskmanager, pod");
    free(path);
}

static void every_field_is_checked(void **state) {
    (void)state;
    char *path = load_bad("rules_bad_fields.yaml");
    expect_line(path, "3: unknown severity \"urgent\"; one of: info, warning, critical");
    expect_line(path, "10: op must be one of > >= < <= == != increased, got \"=>\"");
    expect_line(path, "16: threshold must be a number, got \"lots\"");
    expect_line(path, "22: for must be a duration such as 5m or 0s, got \"ten minutes\"");
    expect_line(path, "26: op increased needs a counter metric (checkpoints_failed_total, "
                      "pod_restarts), not \"heap_ratio\"");
    expect_line(path, "32: message: unknown placeholder {jobb} (did you mean {job}?)");
    expect_line(path, "38: message: {vertex} is not known in job scope");
    /* even when the first of the two had errors of its own */
    expect_line(path, "39: rule \"BadOp\" is defined twice (first at line 7)");
    /* past the eight shown: the rest is counted */
    assert_true(has_line(err, "(and 3 more)"));
    free(path);

    /* the rest, from memory with a small file each */
    static const struct {
        const char *text;
        const char *line;
    } cases[] = {
        {"rules:\n"
         "  - {name: A, severity: info, metric: job_failed, op: eq, threshold: 1}\n"
         "  - {name: A, severity: info, metric: job_failed, op: eq, threshold: 1}\n",
         "m.yaml:3: rule \"A\" is defined twice (first at line 2)"},
        {"rules:\n  - severity: info\n    metric: job_failed\n    op: eq\n    threshold: 1\n",
         "m.yaml:2: rules[0] has no name"},
        {"rules:\n"
         "  - {name: A, severity: info, metric: job_failed, op: eq, threshold: 1, treshold: 2}\n",
         "m.yaml:2: unknown key \"treshold\" (did you mean \"threshold\"?)"},
        {"rules:\n  - {name: A, severity: info, metric: job_failed, op: eq}\n",
         "m.yaml:2: threshold is required"},
        {"rules:\n  - {name: \"A B\", severity: info, metric: job_failed, op: eq, threshold: 1}\n",
         "m.yaml:2: name must be letters, digits, _ . and - (at most 64), got \"A B\""},
        {"rules:\n"
         "  - {name: A, severity: info, metric: job_failed, op: eq, threshold: 1,\n"
         "     enabled: maybe}\n",
         "m.yaml:3: enabled must be true or false, got \"maybe\""},
        {"rules:\n  - {name: A, severity: [info], metric: job_failed, op: eq, threshold: 1}\n",
         "m.yaml:2: severity must be critical, warning or info, got a list"},
        {"rules:\n  name: x\n", "m.yaml:1: rules must be a list of rules (- name: ...), got a map"},
        {"rule:\n  - name: x\n", "m.yaml:1: unknown key \"rule\" (did you mean \"rules\"?)"},
        {"- name: x\n", "m.yaml:1: expected a map with rules: (a list of rules), got a list"},
        {"rules:\n  - just text\n",
         "m.yaml:2: rules[0] must be a map (name, severity, metric, ...), got \"just text\""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct alert_rules r;
        int rc = alert_rules_load_string(cases[i].text, strlen(cases[i].text), "m.yaml", &r, err,
                                         sizeof err);
        alert_rules_free(&r);
        if (rc != -1 || !has_line(err, cases[i].line))
            fail_msg("case %zu: rc %d, want\n  %s\ngot\n%s", i, rc, cases[i].line, err);
    }
}

static void bare_greater_than_gets_a_hint(void **state) {
    (void)state;
    char *path = load_bad("rules_bare_gt.yaml");
    expect_line(path, "5: op must be one of > >= < <= == != increased (quote it: op: \">\")");
    free(path);
}

static void missing_fields_are_each_named(void **state) {
    (void)state;
    char *path = load_bad("rules_missing.yaml");
    expect_line(path, "2: severity is required (critical, warning or info)");
    expect_line(path, "2: metric is required");
    expect_line(path, "2: op is required (> >= < <= == != increased)");
    expect_line(path, "3: op is required (> >= < <= == != increased)");
    free(path);
}

static void good_rules_read_every_field(void **state) {
    (void)state;
    char *path = fixture("rules_good.yaml");
    struct alert_rules r;
    int rc = alert_rules_load(path, &r, err, sizeof err);
    if (rc != 0)
        fail_msg("%s", err);
    assert_int_equal(r.len, 6);
    assert_string_equal(r.file, path);
    const struct alert_rule *down = alert_rules_find(&r, "Down");
    assert_int_equal(down->scope, ALERT_SCOPE_CLUSTER); /* from the metric */
    assert_int_equal(down->op, ALERT_OP_EQ);            /* "eq" */
    assert_int_equal(down->line, 3);
    const struct alert_rule *slow = alert_rules_find(&r, "Slow");
    assert_int_equal(slow->op, ALERT_OP_GE);
    assert_int_equal(slow->for_ms, 90000);
    /* no message: a default that names the instance */
    assert_non_null(strstr(slow->message, "{job}"));
    assert_false(alert_rules_find(&r, "Busy")->enabled);
    assert_int_equal(alert_rules_find(&r, "Busy")->op, ALERT_OP_LE);
    assert_int_equal(alert_rules_find(&r, "Cpu")->op, ALERT_OP_NE);
    assert_int_equal(alert_rules_find(&r, "Cpu")->for_ms, 0); /* default 0s */
    const struct alert_rule *fails = alert_rules_find(&r, "Fails");
    assert_int_equal(fails->op, ALERT_OP_INCREASED);
    assert_true(fails->threshold == 0);
    const struct alert_rule *restarts = alert_rules_find(&r, "Restarts");
    assert_int_equal(restarts->scope, ALERT_SCOPE_POD);
    assert_true(restarts->threshold == 2);
    alert_rules_free(&r);
    free(path);
}

static void missing_rules_file_is_an_error(void **state) {
    (void)state;
    struct alert_rules r;
    assert_int_equal(alert_rules_load("/nonexistent/alerts.yaml", &r, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/alerts.yaml: No such file or directory");
    alert_rules_free(&r);
}

static void empty_rules_file_has_no_rules(void **state) {
    (void)state;
    struct alert_rules r;
    assert_int_equal(alert_rules_load_string("", 0, "e.yaml", &r, err, sizeof err), 0);
    assert_int_equal(r.len, 0);
    alert_rules_free(&r);
    assert_int_equal(alert_rules_load_string("rules: []\n", 10, "e.yaml", &r, err, sizeof err), 0);
    assert_int_equal(r.len, 0);
    alert_rules_free(&r);
}

/* A broken file read on reload (Ctrl-R) leaves nothing owned behind: the good rules
 * read before the bad one are freed by the load itself, so a caller that only frees on
 * success (main.c's reload did) cannot leak. Under ASan this fails with a leak. */
static void failed_load_leaves_nothing_to_free(void **state) {
    (void)state;
    char *path = fixture("rules_bad_fields.yaml");
    struct alert_rules r;
    for (int i = 0; i < 3; i++) { /* three Ctrl-R on the same broken file */
        assert_int_equal(alert_rules_load(path, &r, err, sizeof err), -1);
        assert_null(r.items);
        assert_int_equal(r.len, 0);
        assert_null(r.file);
    }
    static const char text[] = "rules:\n  - name: Good\n    severity: info\n"
                               "    metric: job_failed\n    op: \"==\"\n    threshold: 1\n"
                               "  - name: Bad\n    severity: urgent\n";
    assert_int_equal(alert_rules_load_string(text, sizeof text - 1, "a.yaml", &r, err, sizeof err),
                     -1);
    assert_null(r.items);
    alert_rules_free(&r); /* still allowed */
    free(path);
}

/* ---- operators and messages ---- */

static void operators_hold_at_the_boundary_as_written(void **state) {
    (void)state;
    assert_false(alert_op_holds(ALERT_OP_GT, 500, 500));
    assert_true(alert_op_holds(ALERT_OP_GE, 500, 500));
    assert_false(alert_op_holds(ALERT_OP_LT, 100, 100));
    assert_true(alert_op_holds(ALERT_OP_LE, 100, 100));
    assert_true(alert_op_holds(ALERT_OP_EQ, 1, 1));
    assert_true(alert_op_holds(ALERT_OP_NE, 0, 1));
    for (int op = 0; op < ALERT_OP_COUNT; op++)
        assert_false(alert_op_holds((enum alert_op)op, NAN, 1));
    assert_false(alert_op_holds(ALERT_OP_NE, NAN, 1)); /* unknown is not "different" */
    assert_false(alert_op_holds(ALERT_OP_INCREASED, 5, 0));
}

static void message_placeholders_are_filled(void **state) {
    (void)state;
    struct alert_rule rule;
    memset(&rule, 0, sizeof rule);
    rule.name = xstrdup("HighBackpressure");
    rule.severity = ALERT_SEV_WARNING;
    rule.threshold = 500;
    rule.message = xstrdup("{name}/{severity}: {vertex} of {job} on {cluster} is {value} > "
                           "{threshold} {pod} {unknown} {");
    struct alert_labels l = {"prod", "orders", "Map -> Sink", NULL, NULL, NULL};
    char buf[256];
    alert_rule_render(&rule, &l, 612.4, buf, sizeof buf);
    assert_string_equal(buf, "HighBackpressure/warning: Map -> Sink of orders on prod is 612 > "
                             "500 - {unknown} {");
    char tiny[12];
    alert_rule_render(&rule, &l, 612.4, tiny, sizeof tiny);
    assert_string_equal(tiny, "HighBackpre");
    free(rule.name);
    free(rule.message);
}

static void values_are_formatted_for_people(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(alert_format_value(512, buf, sizeof buf), "512");
    assert_string_equal(alert_format_value(61234.7, buf, sizeof buf), "61235");
    assert_string_equal(alert_format_value(0.934, buf, sizeof buf), "0.934");
    assert_string_equal(alert_format_value(1.5, buf, sizeof buf), "1.5");
    assert_string_equal(alert_format_value(1, buf, sizeof buf), "1");
    assert_string_equal(alert_format_value(NAN, buf, sizeof buf), "?");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(defaults_parse_cleanly_with_the_guides_rules),
        cmocka_unit_test(defaults_document_every_metric),
        cmocka_unit_test(metric_table_round_trips),
        cmocka_unit_test(unknown_metric_names_line_and_suggests),
        cmocka_unit_test(scope_without_that_metric_is_an_error),
        cmocka_unit_test(every_field_is_checked),
        cmocka_unit_test(bare_greater_than_gets_a_hint),
        cmocka_unit_test(missing_fields_are_each_named),
        cmocka_unit_test(good_rules_read_every_field),
        cmocka_unit_test(missing_rules_file_is_an_error),
        cmocka_unit_test(empty_rules_file_has_no_rules),
        cmocka_unit_test(failed_load_leaves_nothing_to_free),
        cmocka_unit_test(operators_hold_at_the_boundary_as_written),
        cmocka_unit_test(message_placeholders_are_filled),
        cmocka_unit_test(values_are_formatted_for_people),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
