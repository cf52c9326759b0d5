/* Alerts on screen, rendered into a virtual screen (newterm on /dev/null, cells read
 * back as text) over a one-cluster fleet with a real alert engine: samples collected
 * from the app as main does, evaluated at explicit times. The `!` screen, the status
 * bar's counts, the row marks on the clusters and jobs screens, resolved alerts. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "alert_samples.h"
#include "alerts.h"
#include "app.h"
#include "colors.h"
#include "ui.h"
#include "ui_screen.h"
#include "xalloc.h"
#include "vscreen.h"

#define NOW 1709296496000LL /* 2024-03-01 12:34:56 UTC */
#define FAILED_ID "a0000000000000000000000000000002"

static const char rules_yaml[] = "rules:\n"
                                 "  - name: FlinkJobFailed\n"
                                 "    severity: critical\n"
                                 "    scope: job\n"
                                 "    metric: job_failed\n"
                                 "    op: \"==\"\n"
                                 "    threshold: 1\n"
                                 "    for: 0s\n"
                                 "    message: \"Job {job} on {cluster} has failed\"\n"
                                 "  - name: SlowFailedJob\n"
                                 "    severity: warning\n"
                                 "    scope: job\n"
                                 "    metric: job_failed\n"
                                 "    op: \"==\"\n"
                                 "    threshold: 1\n"
                                 "    for: 1m\n"
                                 "    message: \"{job} still failed\"\n";

struct fixture {
    FILE *out, *in;
    SCREEN *sp;
    struct app app;
    struct alerts *alerts;
    struct ui *ui;
};

static void add_job(struct cluster *c, const char *id, const char *name, enum job_state st) {
    c->jobs.items = xrealloc(c->jobs.items, (c->jobs.len + 1) * sizeof *c->jobs.items);
    struct job *j = &c->jobs.items[c->jobs.len++];
    job_init(j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->name = xstrdup(name);
    j->state = st;
    j->start_time = NOW - 3600000;
    j->duration_ms = 3600000;
    j->parallelism = 4;
    j->tasks_total = 12;
}

static void build_fleet(struct app *app) {
    memset(app, 0, sizeof *app);
    app->n_clusters = 1;
    app->clusters = xcalloc(1, sizeof *app->clusters);
    app->refresh_ms = 2000;
    app->timeout_ms = 5000;
    app->now_ms = NOW;
    app->last_refresh_ms = NOW - 2000;
    struct cluster *prod = &app->clusters[0];
    cluster_init(prod, "prod-eu", "http://prod:8081");
    for (int s = 0; s < SRC_COUNT; s++) {
        prod->sources[s].state = SOURCE_OK;
        prod->sources[s].last_ok_ms = NOW - 2000;
        prod->sources[s].last_try_ms = NOW - 2000;
    }
    prod->config.flink_version = xstrdup("1.18.1");
    prod->overview.taskmanagers = 4;
    prod->overview.slots_total = 16;
    prod->overview.slots_available = 4;
    add_job(prod, "a0000000000000000000000000000001", "orders-etl", JOB_RUNNING);
    add_job(prod, FAILED_ID, "payments", JOB_FAILED);
}

/* As main does every refresh: sample the app, evaluate at t. */
static void evaluate(struct fixture *f, int64_t t) {
    struct alert_sample_set set;
    alert_samples_init(&set);
    f->app.now_ms = t;
    f->app.last_refresh_ms = t;
    alert_samples_collect(&set, &f->app, t);
    alerts_evaluate(f->alerts, &set, t);
    alert_samples_free(&set);
}

static int setup(void **state) {
    struct fixture *f = xcalloc(1, sizeof *f);
    f->out = fopen("/dev/null", "w");
    f->in = fopen("/dev/null", "r");
    f->sp = newterm("xterm-256color", f->out, f->in);
    assert_non_null(f->sp);
    set_term(f->sp);
    resizeterm(30, 130);
    build_fleet(&f->app);
    char err[1024];
    struct alert_rules rules;
    if (alert_rules_load_string(rules_yaml, strlen(rules_yaml), "test.yaml", &rules, err,
                                sizeof err) != 0)
        fail_msg("rules: %s", err);
    f->alerts = alerts_new();
    alerts_set_rules(f->alerts, &rules);
    alert_rules_free(&rules);
    f->app.alerts = f->alerts;
    f->ui = ui_new(&f->app);
    ui_start_screen(f->ui, f->sp);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    ui_free(f->ui);
    endwin();
    delscreen(f->sp);
    fclose(f->out);
    fclose(f->in);
    alerts_free(f->alerts);
    for (size_t i = 0; i < f->app.n_clusters; i++)
        cluster_free(&f->app.clusters[i]);
    free(f->app.clusters);
    free(f);
    return 0;
}

/* The first row containing s, or -1; its text into buf. */
static int row_with(const char *s, char *buf, size_t size) {
    for (int y = 0; y < LINES; y++)
        if (strstr(vscreen_row(y, buf, size), s))
            return y;
    return -1;
}

/* FLINKTOP_TEST_DUMP=1: print the screen (for writing and debugging these tests). */
static void dump(void) {
    if (getenv("FLINKTOP_TEST_DUMP"))
        fprintf(stderr, "----\n%s----\n", vscreen_text());
}

static void draw(struct fixture *f) {
    ui_draw(f->ui);
    dump();
}

static attr_t cell_attr(int y, int x) { return (attr_t)(mvwinch(stdscr, y, x) & A_ATTRIBUTES); }

static void alerts_screen_lists_a_firing_critical_with_its_message(void **state) {
    struct fixture *f = *state;
    evaluate(f, NOW);
    ui_handle_key(f->ui, '!');
    draw(f);
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Alerts: 1 firing, 1 pending, 0 resolved"));
    char row[4096];
    int y = row_with("FlinkJobFailed", row, sizeof row);
    assert_int_equal(y, 2); /* the top row, under the column titles */
    assert_non_null(strstr(row, "critical"));
    assert_non_null(strstr(row, "prod-eu"));
    assert_non_null(strstr(row, "payments"));
    assert_non_null(strstr(row, "Job payments on prod-eu has failed"));
    /* critical is drawn in the bad-state colour */
    int x = (int)(strstr(row, "critical") - row);
    assert_int_equal(cell_attr(y, x) & ~A_REVERSE, colors_attr(ROLE_STATE_BAD) & ~A_REVERSE);
    /* the warning with a `for` is pending, marked so, with how long of how long */
    y = row_with("SlowFailedJob", row, sizeof row);
    assert_int_equal(y, 3);
    assert_non_null(strstr(row, "pending"));
    assert_non_null(strstr(row, "pending for 0s of 1m"));
    /* Esc goes back */
    ui_handle_key(f->ui, 27);
    draw(f);
    assert_null(strstr(vscreen_text(), "Alerts:"));
    assert_non_null(strstr(vscreen_text(), "Clusters (1)"));
}

static void enter_on_an_alert_opens_its_job_on_the_tab_it_is_about(void **state) {
    struct fixture *f = *state;
    evaluate(f, NOW);
    ui_handle_key(f->ui, '!');
    draw(f);
    ui_handle_key(f->ui, '\n'); /* the cursor starts on the top row: FlinkJobFailed */
    draw(f);
    const char *s = vscreen_text();
    assert_null(strstr(s, "Alerts:"));
    assert_non_null(strstr(s, "payments"));
    /* a failed job's alert opens its exceptions */
    char row[4096];
    assert_true(row_with("exceptions", row, sizeof row) > 0 || row_with("Exceptions", row, sizeof row) > 0);
    /* back to the alerts; / filters them */
    ui_handle_key(f->ui, 27);
    draw(f);
    assert_non_null(strstr(vscreen_text(), "Alerts:"));
    ui_handle_key(f->ui, '/');
    for (const char *k = "slow"; *k; k++)
        ui_handle_key(f->ui, *k);
    ui_handle_key(f->ui, '\n');
    draw(f);
    s = vscreen_text();
    assert_non_null(strstr(s, "SlowFailedJob"));
    assert_null(strstr(s, "FlinkJobFailed"));
}

static void status_bar_counts_firing_alerts_by_severity(void **state) {
    struct fixture *f = *state;
    draw(f);
    char row[4096];
    vscreen_row(LINES - 1, row, sizeof row);
    assert_null(strstr(row, "critical"));
    evaluate(f, NOW);
    draw(f);
    vscreen_row(LINES - 1, row, sizeof row);
    assert_non_null(strstr(row, "1 cluster  ! 1 critical"));
    assert_null(strstr(row, "warning")); /* pending: not counted */
    evaluate(f, NOW + 61000);
    draw(f);
    vscreen_row(LINES - 1, row, sizeof row);
    assert_non_null(strstr(row, "! 1 critical 1 warning"));
}

static void affected_rows_carry_a_marker(void **state) {
    struct fixture *f = *state;
    evaluate(f, NOW);
    draw(f);
    char row[4096];
    int y = row_with("! prod-eu", row, sizeof row);
    assert_true(y > 0);
    int x = (int)(strstr(row, "! prod-eu") - row);
    assert_int_equal(cell_attr(y, x) & ~A_REVERSE, colors_attr(ROLE_STATE_BAD) & ~A_REVERSE);
    ui_handle_key(f->ui, '\n'); /* the cluster's jobs */
    draw(f);
    assert_true(row_with("! payments", row, sizeof row) > 0);
    assert_true(row_with("orders-etl", row, sizeof row) > 0);
    assert_null(strstr(row, "! orders-etl"));
    assert_null(strstr(row, "~ orders-etl"));
}

static void resolved_alerts_appear_after_they_clear(void **state) {
    struct fixture *f = *state;
    evaluate(f, NOW);
    f->app.clusters[0].jobs.items[1].state = JOB_RUNNING;
    evaluate(f, NOW + 90000);
    ui_handle_key(f->ui, '!');
    draw(f);
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Alerts: 0 firing, 0 pending, 1 resolved"));
    char row[4096];
    int y = row_with("FlinkJobFailed", row, sizeof row);
    assert_true(y > 0);
    assert_non_null(strstr(row, "resolved"));
    assert_non_null(strstr(row, "fired 12:34:56, resolved after 1m30s")); /* 12:36:26 */
    assert_non_null(strstr(row, "prod-eu"));
    assert_non_null(strstr(row, "payments"));
    /* the pending one was dropped, never resolved */
    assert_null(strstr(s, "SlowFailedJob"));
    /* and the marks are gone */
    ui_handle_key(f->ui, 'q');
    draw(f);
    assert_int_equal(row_with("! prod-eu", row, sizeof row), -1);
}

static void without_rules_the_screen_says_so(void **state) {
    struct fixture *f = *state;
    f->app.alerts = NULL;
    ui_handle_key(f->ui, '!');
    draw(f);
    assert_non_null(strstr(vscreen_text(), "no alert rules loaded"));
}

static void help_lists_the_alerts_key(void **state) {
    struct fixture *f = *state;
    ui_handle_key(f->ui, '?');
    draw(f);
    char row[4096];
    int y = row_with("alerts: firing", row, sizeof row);
    assert_true(y > 0);
    assert_non_null(strstr(row, "!"));
}

static void many_resolved_scroll(void **state) {
    struct fixture *f = *state;
    for (int i = 0; i < 30; i++) {
        f->app.clusters[0].jobs.items[1].state = JOB_FAILED;
        evaluate(f, NOW + i * 4000);
        f->app.clusters[0].jobs.items[1].state = JOB_RUNNING;
        evaluate(f, NOW + i * 4000 + 2000);
    }
    ui_handle_key(f->ui, '!');
    draw(f);
    assert_non_null(strstr(vscreen_text(), "30 resolved"));
    assert_null(strstr(vscreen_text(), "fired 12:34:56,")); /* the oldest: below the screen */
    ui_handle_key(f->ui, 'G');
    draw(f);
    assert_non_null(strstr(vscreen_text(), "fired 12:34:56,")); /* the oldest, last */
    ui_handle_key(f->ui, 'g');
    draw(f);
    assert_non_null(strstr(vscreen_text(), "fired 12:36:52,")); /* the newest, first */
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    tzset();
    unsetenv("NO_COLOR");
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(alerts_screen_lists_a_firing_critical_with_its_message),
        T(enter_on_an_alert_opens_its_job_on_the_tab_it_is_about),
        T(status_bar_counts_firing_alerts_by_severity),
        T(affected_rows_carry_a_marker),
        T(resolved_alerts_appear_after_they_clear),
        T(without_rules_the_screen_says_so),
        T(help_lists_the_alerts_key),
        T(many_resolved_scroll),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
