/* The pure logic of the Kubernetes poller: service-proxy URLs, list paths, the
 * namespace fallback after a 403, cluster naming and the growable cluster array. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "k8s_poller.h"
#include "xalloc.h"

static void proxy_url_appends_service_proxy_path(void **state) {
    (void)state;
    char *u = k8s_poller_proxy_url("https://10.0.0.1:6443", "flink-prod", "production");
    assert_string_equal(
        u, "https://10.0.0.1:6443/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy");
    free(u);
}

static void proxy_url_keeps_server_path_drops_trailing_slash(void **state) {
    (void)state;
    char *u = k8s_poller_proxy_url("https://rancher/k8s/clusters/c-1//", "ns", "a");
    assert_string_equal(u, "https://rancher/k8s/clusters/c-1/api/v1/namespaces/ns/services/"
                           "a-rest:rest/proxy");
    free(u);
}

static void proxy_url_escapes_names(void **state) {
    (void)state;
    char *u = k8s_poller_proxy_url("https://h", "a/b", "x y");
    assert_string_equal(u, "https://h/api/v1/namespaces/a%2Fb/services/x%20y-rest:rest/proxy");
    free(u);
}

static void list_path_all_namespaces_and_one(void **state) {
    (void)state;
    char *p = k8s_poller_list_path("flinkdeployments", NULL);
    assert_string_equal(p, "/apis/flink.apache.org/v1beta1/flinkdeployments");
    free(p);
    p = k8s_poller_list_path("flinksessionjobs", "flink-dev");
    assert_string_equal(p, "/apis/flink.apache.org/v1beta1/namespaces/flink-dev/flinksessionjobs");
    free(p);
}

static void forbidden_across_namespaces_falls_back_unless_asked(void **state) {
    (void)state;
    assert_true(k8s_poller_should_fall_back(true, false, NULL));
    assert_false(k8s_poller_should_fall_back(true, true, NULL)); /* -A: show the 403 */
    assert_false(k8s_poller_should_fall_back(false, false, "ns")); /* -n: already one */
    assert_false(k8s_poller_should_fall_back(false, false, NULL)); /* already fell back */
}

static void add_k8s(struct app *a, const char *name, const char *ctx, const char *ns,
                    const char *res) {
    size_t i = k8s_poller_add_cluster(a, name, "https://h");
    a->clusters[i].k8s.context = xstrdup(ctx);
    a->clusters[i].k8s.namespace = xstrdup(ns);
    a->clusters[i].k8s.name = xstrdup(res);
}

static void app_clear(struct app *a) {
    for (size_t i = 0; i < a->n_clusters; i++)
        cluster_free(&a->clusters[i]);
    free(a->clusters);
}

static void cluster_name_is_resource_name_made_unique(void **state) {
    (void)state;
    struct app a;
    memset(&a, 0, sizeof a);
    char *n = k8s_poller_cluster_name(&a, "prod", "flink-prod", "production");
    assert_string_equal(n, "production");
    add_k8s(&a, n, "prod", "flink-prod", "production");
    free(n);
    /* the same resource keeps its name */
    n = k8s_poller_cluster_name(&a, "prod", "flink-prod", "production");
    assert_string_equal(n, "production");
    free(n);
    /* same name in another namespace: NS/NAME */
    n = k8s_poller_cluster_name(&a, "prod", "other", "production");
    assert_string_equal(n, "other/production");
    add_k8s(&a, n, "prod", "other", "production");
    free(n);
    /* same namespace and name in another context: CTX/NS/NAME */
    n = k8s_poller_cluster_name(&a, "dr", "other", "production");
    assert_string_equal(n, "dr/other/production");
    free(n);
    app_clear(&a);
}

static void add_cluster_grows_keeping_indices(void **state) {
    (void)state;
    struct app a;
    memset(&a, 0, sizeof a);
    a.clusters = xcalloc(1, sizeof *a.clusters); /* as main allocates: exactly n, cap 0 */
    cluster_init(&a.clusters[0], "flink", "http://localhost:8081");
    a.n_clusters = 1;
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(k8s_poller_add_cluster(&a, name, "https://h"), (size_t)i + 1);
    }
    assert_int_equal(a.n_clusters, 41);
    assert_true(a.cap_clusters >= 41);
    assert_string_equal(a.clusters[0].name, "flink");
    assert_string_equal(a.clusters[40].name, "c39");
    assert_null(a.clusters[40].tls);
    assert_false(a.clusters[40].k8s.gone);
    app_clear(&a);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proxy_url_appends_service_proxy_path),
        cmocka_unit_test(proxy_url_keeps_server_path_drops_trailing_slash),
        cmocka_unit_test(proxy_url_escapes_names),
        cmocka_unit_test(list_path_all_namespaces_and_one),
        cmocka_unit_test(forbidden_across_namespaces_falls_back_unless_asked),
        cmocka_unit_test(cluster_name_is_resource_name_made_unique),
        cmocka_unit_test(add_cluster_grows_keeping_indices),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
