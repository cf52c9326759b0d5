/* The operator's autoscaler as flinktop reads it: the ConfigMap autoscaler-NAME
 * (parallelismOverrides in Flink's map syntax; scalingHistory as the operator stores it,
 * base64 of gzip of YAML, and its uncompressed fallback; a truncated or oversized one),
 * the ScalingReport event's text, whether a deployment has it on, and which ConfigMaps the
 * poller asks when (one GET per autoscaled deployment, the one on screen first). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscaler.h"
#include "fixture.h"
#include "k8s_autoscaler.h"
#include "k8s_model.h"
#include "xalloc.h"

#define VA "0a448493b4782967b150582570326227"
#define VB "cbc357ccb763df2852fee8c4fc7d55f2"
#define VC "ea632d67b7d595e5b851708ae9ad79d6"

static char err[200];

static enum fa_status configmap(const char *name, struct autoscaler_state *s) {
    struct body b = fixture_load("k8s", name);
    memset(s, 0, sizeof *s);
    err[0] = '\0';
    enum fa_status st = k8s_autoscaler_parse_configmap(b.data, b.len, s, err, sizeof err);
    free(b.data);
    return st;
}

static void overrides_keep_valid_entries(void **state) {
    (void)state;
    struct autoscaler_override *o = NULL;
    size_t n = autoscaler_parse_overrides(VA ":6," VB ":3,'" VC ":2',bogus:4," VA ":0," VB
                                          ":-1,:5," VC ":x",
                                          &o);
    assert_int_equal(n, 3);
    assert_string_equal(o[0].vertex_id, VA);
    assert_int_equal(o[0].parallelism, 6);
    assert_int_equal(o[2].parallelism, 2); /* Flink's quoted entry */
    free(o);
    assert_int_equal(autoscaler_parse_overrides(NULL, &o), 0);
    assert_null(o);
    assert_int_equal(autoscaler_parse_overrides("", &o), 0);
}

static void configmap_gzip_history_newest_first(void **state) {
    (void)state;
    struct autoscaler_state s;
    assert_int_equal(configmap("configmap.autoscaler.json", &s), FA_OK);
    assert_int_equal(s.n_overrides, 3);
    assert_string_equal(s.overrides[1].vertex_id, VB); /* upper case read as the id */
    assert_int_equal(autoscaler_override_of(&s, VA), 6);
    assert_int_equal(autoscaler_override_of(&s, "ffffffffffffffffffffffffffffffff"), -1);
    assert_string_equal(s.history_note, "");
    assert_int_equal(s.n_history, 3); /* the entry under a key that is no vertex id: dropped */
    assert_string_equal(s.history[0].vertex_id, VA);
    assert_int_equal(s.history[0].from, 4);
    assert_int_equal(s.history[0].to, 6);
    assert_string_equal(s.history[1].vertex_id, VB);
    assert_int_equal(s.history[1].from, 8);
    assert_int_equal(s.history[1].to, 3); /* a scale-down */
    assert_int_equal(s.history[2].at_ms, 1714644930123LL);
    assert_int_equal(s.history[2].to, 4);
    autoscaler_state_free(&s);
    assert_null(s.history);
}

static void configmap_plain_history_is_read_too(void **state) {
    (void)state;
    struct autoscaler_state s;
    assert_int_equal(configmap("configmap.autoscaler_plain.json", &s), FA_OK);
    assert_int_equal(s.n_history, 3);
    assert_int_equal(s.history[0].to, 6);
    autoscaler_state_free(&s);
}

static void configmap_bad_history_is_a_note(void **state) {
    (void)state;
    struct autoscaler_state s;
    assert_int_equal(configmap("configmap.autoscaler_truncated_gzip.json", &s), FA_OK);
    assert_int_equal(s.n_overrides, 3); /* the rest still shows */
    assert_int_equal(s.n_history, 0);
    assert_non_null(strstr(s.history_note, "scaling history unreadable"));
    autoscaler_state_free(&s);
    /* a value that inflates past the cap is refused, not held */
    assert_int_equal(configmap("configmap.autoscaler_gzip_bomb.json", &s), FA_OK);
    assert_int_equal(s.n_history, 0);
    assert_non_null(strstr(s.history_note, "MiB"));
    autoscaler_state_free(&s);
}

static void configmap_without_data_or_malformed(void **state) {
    (void)state;
    struct autoscaler_state s;
    assert_int_equal(configmap("configmap.autoscaler_empty.json", &s), FA_OK);
    assert_int_equal(s.n_overrides, 0);
    assert_int_equal(s.n_history, 0);
    autoscaler_state_free(&s);
    assert_int_equal(configmap("configmap.autoscaler_data_array.json", &s), FA_SHAPE);
    assert_non_null(strstr(err, "data"));
    autoscaler_state_free(&s);
    assert_int_equal(configmap("flinkdeployments.truncated.json", &s), FA_SYNTAX);
    autoscaler_state_free(&s);
}

static void report_executed_two_vertices(void **state) {
    (void)state;
    struct autoscaler_report r;
    const char *msg = "Scaling execution enabled, begin scaling vertices:"
                      "{ Vertex ID " VA " | Parallelism 2 -> 4 | Processing capacity 1520.50 -> "
                      "3041.00 | Target data rate 2400.00}"
                      "{ Vertex ID " VB " | Parallelism 8 -> 3 | Processing capacity 9000.00 -> "
                      "3375.00 | Target data rate 1000.00}";
    assert_true(autoscaler_parse_report(msg, &r));
    assert_true(r.executed);
    assert_int_equal(r.n, 2);
    assert_string_equal(r.vertices[0].vertex_id, VA);
    assert_int_equal(r.vertices[0].from, 2);
    assert_int_equal(r.vertices[0].to, 4);
    assert_true(fabs(r.vertices[0].capacity_from - 1520.5) < 1e-9);
    assert_true(fabs(r.vertices[0].capacity_to - 3041.0) < 1e-9);
    assert_true(fabs(r.vertices[0].target_rate - 2400.0) < 1e-9);
    assert_int_equal(r.vertices[1].to, 3);
    assert_string_equal(r.why, "Scaling execution enabled, begin scaling vertices");
    autoscaler_report_free(&r);
}

static void report_disabled_is_a_recommendation(void **state) {
    (void)state;
    struct autoscaler_report r;
    const char *msg = "Scaling execution disabled by config job.autoscaler.scaling.enabled:false, "
                      "recommended parallelism change:{ Vertex ID " VA
                      " | Parallelism 2 -> 5 | Processing capacity NaN -> 12.00 | Target data "
                      "rate 9.50}";
    assert_true(autoscaler_parse_report(msg, &r));
    assert_false(r.executed);
    assert_non_null(strstr(r.why, "job.autoscaler.scaling.enabled:false"));
    assert_int_equal(r.vertices[0].to, 5);
    assert_true(isnan(r.vertices[0].capacity_from));
    autoscaler_report_free(&r);
    /* an entry cut short does not borrow the next entry's numbers */
    msg = "Scaling execution enabled, begin scaling vertices:{ Vertex ID " VA
          " | Parallelism 2 -> 4}{ Vertex ID " VB
          " | Parallelism 1 -> 2 | Processing capacity 5.00 -> 10.00 | Target data rate 7.00}";
    assert_true(autoscaler_parse_report(msg, &r));
    assert_int_equal(r.n, 2);
    assert_true(isnan(r.vertices[0].target_rate));
    assert_true(fabs(r.vertices[1].target_rate - 7.0) < 1e-9);
    autoscaler_report_free(&r);
    assert_false(autoscaler_parse_report("Job status changed from RUNNING to FAILED", &r));
    assert_false(autoscaler_parse_report("{ Vertex ID nothex | Parallelism 1 -> 2}", &r));
    assert_false(autoscaler_parse_report(NULL, &r));
    assert_null(r.vertices);
}

/* A FlinkDeployment with (conf_key "true") or without the autoscaler. */
static void deployment(struct flink_resource *r, const char *ns, const char *name,
                       const char *conf_key) {
    flink_resource_init(r);
    r->kind = FLINK_KIND_DEPLOYMENT;
    r->namespace = xstrdup(ns);
    r->name = xstrdup(name);
    if (conf_key) {
        r->spec.conf = xcalloc(1, sizeof *r->spec.conf);
        r->spec.conf[0].key = xstrdup(conf_key);
        r->spec.conf[0].value = xstrdup("true");
        r->spec.conf_len = 1;
    }
}

struct asked {
    int n;
    bool urgent[8];
    char name[8][32];
};

static void ask(void *arg, struct autoscaler_state *a, bool urgent) {
    struct asked *x = arg;
    if (x->n < 8) {
        x->urgent[x->n] = urgent;
        snprintf(x->name[x->n], sizeof x->name[x->n], "%s", a->name);
    }
    x->n++;
}

static void poller_asks_each_autoscaled_deployment_once_an_interval(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    s.deployments.items = xcalloc(3, sizeof *s.deployments.items);
    s.deployments.len = 3;
    deployment(&s.deployments.items[0], "prod", "orders", "job.autoscaler.enabled");
    deployment(&s.deployments.items[1], "prod", "plain", NULL);
    deployment(&s.deployments.items[2], "dev", "old", "kubernetes.operator.job.autoscaler.enabled");
    assert_true(autoscaler_enabled(&s.deployments.items[0]));
    assert_false(autoscaler_enabled(&s.deployments.items[1]));
    assert_true(autoscaler_enabled(&s.deployments.items[2])); /* the pre-1.8 key */
    assert_false(autoscaler_enabled(NULL));

    struct asked x = {0};
    k8s_autoscaler_due(&s, 1000, 30000, NULL, NULL, ask, &x);
    assert_int_equal(x.n, 2); /* the plain deployment costs nothing */
    assert_false(x.urgent[0]);
    assert_int_equal(s.n_autoscalers, 2);
    char *path = k8s_autoscaler_path("prod", "orders");
    assert_string_equal(path, "/api/v1/namespaces/prod/configmaps/autoscaler-orders");
    free(path);
    /* in flight: not asked again, but the one coming on screen moves up, once */
    k8s_autoscaler_due(&s, 2000, 30000, "prod", "orders", ask, &x);
    assert_int_equal(x.n, 3);
    assert_true(x.urgent[2]);
    assert_string_equal(x.name[2], "orders");
    k8s_autoscaler_due(&s, 3000, 30000, "prod", "orders", ask, &x);
    assert_int_equal(x.n, 3);
    /* answers: a 404 is "not written yet", a 200 is read; a second answer is ignored */
    struct body b = fixture_load("k8s", "configmap.autoscaler.json");
    struct http_response ok = {HTTP_OK, 200, b.data, b.len, "", 1};
    struct http_response missing = {HTTP_OK, 404, "{}", 2, "HTTP 404", 1};
    k8s_autoscaler_answer(&s, "prod", "orders", &ok, 4000);
    k8s_autoscaler_answer(&s, "prod", "orders", &missing, 4000);
    k8s_autoscaler_answer(&s, "dev", "old", &missing, 4000);
    const struct autoscaler_state *a = &s.autoscalers[0];
    assert_true(a->found);
    assert_int_equal(a->src.state, SOURCE_OK);
    assert_int_equal(a->n_history, 3);
    assert_false(s.autoscalers[1].found);
    assert_int_equal(s.autoscalers[1].src.state, SOURCE_OK);
    free(b.data);
    /* within the interval nothing; after it each again */
    k8s_autoscaler_due(&s, 20000, 30000, NULL, NULL, ask, &x);
    assert_int_equal(x.n, 3);
    k8s_autoscaler_due(&s, 32000, 30000, NULL, NULL, ask, &x);
    assert_int_equal(x.n, 5);
    /* the autoscaler turned off: its state goes (once its request is answered) */
    struct http_response fail = {HTTP_FAILED, 0, "", 0, "timed out after 5 s", 5000};
    k8s_autoscaler_answer(&s, "prod", "orders", &fail, 40000);
    assert_int_equal(s.autoscalers[0].src.state, SOURCE_ERROR);
    assert_non_null(strstr(s.autoscalers[0].src.error, "timed out"));
    flink_resource_free(&s.deployments.items[0]);
    deployment(&s.deployments.items[0], "prod", "orders", NULL);
    k8s_autoscaler_sync(&s);
    assert_int_equal(s.n_autoscalers, 1); /* only dev/old is left */
    k8s_autoscaler_free_all(&s);
    for (size_t i = 0; i < s.deployments.len; i++)
        flink_resource_free(&s.deployments.items[i]);
    free(s.deployments.items);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(overrides_keep_valid_entries),
        cmocka_unit_test(configmap_gzip_history_newest_first),
        cmocka_unit_test(configmap_plain_history_is_read_too),
        cmocka_unit_test(configmap_bad_history_is_a_note),
        cmocka_unit_test(configmap_without_data_or_malformed),
        cmocka_unit_test(report_executed_two_vertices),
        cmocka_unit_test(report_disabled_is_a_recommendation),
        cmocka_unit_test(poller_asks_each_autoscaled_deployment_once_an_interval),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
