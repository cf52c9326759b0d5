/* Which cluster a Prometheus series or alert belongs to: namespace plus the
 * FlinkDeployment's name in pod (the longest name wins), the cluster label for --flink
 * clusters, or the one label the config names. And the source before any answer. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "http.h"
#include "clock.h"
#include "prom_source.h"
#include "xalloc.h"

/* production and production-eu in flink-prod (found through Kubernetes), and a --flink
 * cluster "staging". */
static void fleet(struct app *app) {
    memset(app, 0, sizeof *app);
    app->clusters = xcalloc(3, sizeof *app->clusters);
    app->n_clusters = 3;
    cluster_init(&app->clusters[0], "ctx/flink-prod/production", "http://a");
    cluster_init(&app->clusters[1], "ctx/flink-prod/production-eu", "http://b");
    cluster_init(&app->clusters[2], "staging", "http://c");
    for (int i = 0; i < 2; i++) {
        app->clusters[i].k8s.namespace = xstrdup("flink-prod");
        app->clusters[i].k8s.name = xstrdup(i == 0 ? "production" : "production-eu");
    }
}

static void fleet_free(struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++)
        cluster_free(&app->clusters[i]);
    free(app->clusters);
}

static struct prom_source *source(struct http *h, const char *label) {
    struct prom_source_options o = {"http://127.0.0.1:9", label, 1000, NULL, NULL};
    return prom_source_new(h, &o);
}

/* The cluster of a label set given as name, value, ..., NULL. */
static size_t match(const struct prom_source *p, const struct app *app, ...) {
    struct prom_label l[8];
    size_t n = 0;
    va_list ap;
    va_start(ap, app);
    const char *name;
    while (n < 8 && (name = va_arg(ap, const char *)) != NULL) {
        l[n].name = xstrdup(name);
        l[n].value = xstrdup(va_arg(ap, const char *));
        n++;
    }
    va_end(ap);
    size_t ci = prom_source_match_cluster(p, app, l, n);
    for (size_t i = 0; i < n; i++) {
        free(l[i].name);
        free(l[i].value);
    }
    return ci;
}

static void pod_prefix_longest_deployment_name_wins(void **state) {
    (void)state;
    struct app app;
    fleet(&app);
    struct http *h = http_new(1000, 1024);
    struct prom_source *p = source(h, NULL);
    /* production-eu's pods start with "production-" too: the longer name takes them */
    assert_int_equal(
        match(p, &app, "namespace", "flink-prod", "pod", "production-eu-taskmanager-1-1", NULL), 1);
    assert_int_equal(
        match(p, &app, "namespace", "flink-prod", "pod", "production-taskmanager-1-2", NULL), 0);
    assert_int_equal(
        match(p, &app, "namespace", "flink-prod", "pod", "production-6d5f9-x2x9q", NULL), 0);
    /* same pod name in another namespace: not ours */
    assert_int_equal(
        match(p, &app, "namespace", "flink-dev", "pod", "production-taskmanager-1-1", NULL),
        SIZE_MAX);
    /* a name that is only a prefix of the pod's first word */
    assert_int_equal(match(p, &app, "namespace", "flink-prod", "pod", "productionx-1", NULL),
                     SIZE_MAX);
    prom_source_free(p);
    http_free(h);
    fleet_free(&app);
}

static void flink_cluster_by_cluster_label(void **state) {
    (void)state;
    struct app app;
    fleet(&app);
    struct http *h = http_new(1000, 1024);
    struct prom_source *p = source(h, NULL);
    assert_int_equal(match(p, &app, "cluster", "staging", "job_id", "x", NULL), 2);
    /* a namespace and pod nobody owns, then the cluster label decides */
    assert_int_equal(
        match(p, &app, "namespace", "other", "pod", "staging-tm-1", "cluster", "staging", NULL), 2);
    assert_int_equal(match(p, &app, "cluster", "nosuch", NULL), SIZE_MAX);
    /* no cluster label at all: an alert names no cluster */
    assert_int_equal(match(p, &app, "alertname", "Watchdog", NULL), SIZE_MAX);
    prom_source_free(p);
    http_free(h);
    fleet_free(&app);
}

static void configured_label_is_the_only_rule(void **state) {
    (void)state;
    struct app app;
    fleet(&app);
    struct http *h = http_new(1000, 1024);
    struct prom_source *p = source(h, "flink_cluster");
    assert_int_equal(match(p, &app, "flink_cluster", "staging", NULL), 2);
    /* namespace and pod no longer count */
    assert_int_equal(
        match(p, &app, "namespace", "flink-prod", "pod", "production-taskmanager-1-1", NULL),
        SIZE_MAX);
    assert_int_equal(match(p, &app, "cluster", "staging", NULL), SIZE_MAX);
    prom_source_free(p);
    http_free(h);
    fleet_free(&app);
}

static void before_any_answer_pending_and_nothing_known(void **state) {
    (void)state;
    struct app app;
    fleet(&app);
    struct http *h = http_new(1000, 1024);
    struct prom_source *p = source(h, NULL);
    assert_string_equal(prom_source_url(p), "http://127.0.0.1:9");
    assert_string_equal(prom_source_status(p, 1000, 2000), "pending");
    assert_false(prom_source_busy(p));
    struct prom_job_health jh;
    assert_false(prom_source_job(p, &app, 0, "493762fff2b7c4c35603483dc7b83896", &jh));
    assert_true(isnan(jh.v[PROM_M_RECORDS_IN]) && isnan(jh.checkpoint_age_s));
    assert_int_equal(prom_source_alert_count(p), 0);
    assert_null(prom_source_alert(p, 0));
    /* a round is four requests in flight at once (the first also asks for the alerting
     * rules); freeing http completes them */
    prom_source_round(p);
    assert_true(prom_source_busy(p));
    assert_int_equal(http_pending(h), PROM_SOURCE_QUERIES + 1);
    prom_source_round(p); /* never a second round on top of the first */
    assert_int_equal(http_pending(h), PROM_SOURCE_QUERIES + 1);
    http_free(h);
    assert_false(prom_source_busy(p));
    assert_string_equal(prom_source_status(p, 1000, 2000), "error");
    assert_true(prom_source_take_changed(p));
    assert_false(prom_source_take_changed(p));
    prom_source_free(p);
    fleet_free(&app);
}

/* Behind the sources' interface: its name, busy while a round is out; before any answer
 * it covers no job and the board waits for it; a new cluster label is taken at once and
 * the matching follows it (the old label no longer names a cluster). */
static void source_ops_cover_and_label(void **state) {
    (void)state;
    struct app app;
    fleet(&app);
    struct http *h = http_new(1000, 1024);
    struct prom_source_options o = {"http://127.0.0.1:9", "cluster", 1000, NULL, &app};
    struct prom_source *p = prom_source_new(h, &o);
    struct data_source ds = prom_source_data_source(p);
    assert_string_equal(ds.ops->name, "prometheus");
    assert_false(ds.ops->busy(ds.self));
    const struct prom_cover *pc = prom_source_cover(p);
    assert_non_null(pc);
    assert_false(prom_cover_job(pc, 2, "0123456789abcdef0123456789abcdef", clock_wall_ms(), 2000));
    assert_true(prom_cover_waiting(pc, clock_wall_ms(), 2000));
    struct source_focus none = {-1, NULL};
    ds.ops->start_round(ds.self, &none);
    assert_true(ds.ops->busy(ds.self));
    assert_int_equal(match(p, &app, "cluster", "staging", NULL), 2);
    prom_source_set_cluster_label(p, "flink_cluster");
    assert_string_equal(prom_source_cluster_label(p), "flink_cluster");
    assert_true(match(p, &app, "cluster", "staging", NULL) == SIZE_MAX);
    assert_int_equal(match(p, &app, "flink_cluster", "staging", NULL), 2);
    assert_string_equal(prom_source_status(p, clock_wall_ms(), 2000), "pending");
    assert_true(ds.ops->take_changed(ds.self));
    http_free(h); /* completes the round out as cancelled, through on_response */
    assert_false(ds.ops->busy(ds.self));
    prom_source_free(p);
    fleet_free(&app);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pod_prefix_longest_deployment_name_wins),
        cmocka_unit_test(flink_cluster_by_cluster_label),
        cmocka_unit_test(configured_label_is_the_only_rule),
        cmocka_unit_test(before_any_answer_pending_and_nothing_known),
        cmocka_unit_test(source_ops_cover_and_label),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
