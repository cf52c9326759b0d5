/* The metrics API's PodMetrics answer: the main container's memory use, a cluster
 * without metrics-server (404), a pod not scraped yet, and bodies that are wrong. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "k8s_pod_metrics.h"

static enum k8s_pod_metrics_result parse(long status, const char *body, struct k8s_pod_usage *u,
                                         char *err) {
    return k8s_pod_metrics_parse(status, body, body ? strlen(body) : 0, u, err, 200);
}

static void test_good_body(void **state) {
    (void)state;
    struct k8s_pod_usage u;
    char err[200] = "";
    const char *body = "{\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
                       "\"metadata\":{\"name\":\"tm-1\",\"namespace\":\"flink\"},"
                       "\"timestamp\":\"2026-12-06T14:00:00Z\",\"window\":\"15s\",\"containers\":["
                       "{\"name\":\"sidecar\",\"usage\":{\"cpu\":\"1m\",\"memory\":\"10Mi\"}},"
                       "{\"name\":\"flink-main-container\",\"usage\":{\"cpu\":\"250m\",\"memory\":"
                       "\"1572864Ki\"}}]}";
    assert_int_equal(parse(200, body, &u, err), K8S_PM_OK);
    assert_int_equal(u.memory, 1536LL * 1024 * 1024); /* the main container, not the first */

    const char *single = "{\"kind\":\"PodMetrics\",\"containers\":[{\"name\":\"app\","
                         "\"usage\":{\"memory\":\"2Gi\"}}]}";
    assert_int_equal(parse(200, single, &u, err), K8S_PM_OK);
    assert_int_equal(u.memory, 2LL << 30);
}

static void test_missing_containers(void **state) {
    (void)state;
    struct k8s_pod_usage u;
    char err[200] = "";
    assert_int_equal(parse(200, "{\"kind\":\"PodMetrics\",\"window\":\"15s\"}", &u, err),
                     K8S_PM_ERROR);
    assert_non_null(strstr(err, "containers"));
    assert_int_equal(u.memory, -1);
    /* scraped, but no container yet: nothing to show, not an error */
    assert_int_equal(parse(200, "{\"kind\":\"PodMetrics\",\"containers\":[]}", &u, err),
                     K8S_PM_NO_METRICS);
    assert_int_equal(parse(200, "[1,2]", &u, err), K8S_PM_ERROR);
    assert_int_equal(parse(200, "{\"containers\":", &u, err), K8S_PM_ERROR);
    assert_int_equal(parse(200, NULL, &u, err), K8S_PM_ERROR);
}

static void test_bad_quantity(void **state) {
    (void)state;
    struct k8s_pod_usage u;
    char err[200] = "";
    const char *bad[] = {
        "{\"containers\":[{\"name\":\"flink-main-container\",\"usage\":{\"memory\":\"lots\"}}]}",
        "{\"containers\":[{\"name\":\"flink-main-container\",\"usage\":{\"memory\":\"-5Mi\"}}]}",
        "{\"containers\":[{\"name\":\"flink-main-container\",\"usage\":{\"memory\":12}}]}",
        "{\"containers\":[{\"name\":\"flink-main-container\",\"usage\":{\"cpu\":\"1\"}}]}",
        "{\"containers\":[{\"name\":\"flink-main-container\"}]}",
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(parse(200, bad[i], &u, err), K8S_PM_ERROR);
        assert_int_equal(u.memory, -1); /* unknown, never a made-up zero */
        assert_true(err[0] != '\0');
    }
}

static void test_not_found(void **state) {
    (void)state;
    struct k8s_pod_usage u;
    char err[200] = "";
    /* no metrics-server: the apiserver's own 404, or a plain text one */
    const char *no_api = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                         "\"status\":\"Failure\",\"message\":\"the server could not find the "
                         "requested resource\",\"reason\":\"NotFound\",\"details\":{},"
                         "\"code\":404}";
    assert_int_equal(parse(404, no_api, &u, err), K8S_PM_NO_API);
    assert_int_equal(parse(404, "404 page not found\n", &u, err), K8S_PM_NO_API);
    assert_int_equal(parse(404, NULL, &u, err), K8S_PM_NO_API);
    /* the API is there, the pod has no metrics (yet) */
    const char *no_pod = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
                         "\"message\":\"podmetrics.metrics.k8s.io \\\"flink/tm-1\\\" not "
                         "found\",\"reason\":\"NotFound\",\"details\":{\"name\":\"tm-1\","
                         "\"group\":\"metrics.k8s.io\",\"kind\":\"pods\"},\"code\":404}";
    assert_int_equal(parse(404, no_pod, &u, err), K8S_PM_NO_METRICS);
    assert_int_equal(u.memory, -1);
}

static void test_other_errors(void **state) {
    (void)state;
    struct k8s_pod_usage u;
    char err[200] = "";
    const char *forbidden =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"pods.metrics.k8s.io "
        "\\\"tm-1\\\" is forbidden: User cannot get\",\"reason\":\"Forbidden\",\"code\":403}";
    assert_int_equal(parse(403, forbidden, &u, err), K8S_PM_ERROR);
    assert_non_null(strstr(err, "403"));
    assert_non_null(strstr(err, "forbidden"));
    assert_int_equal(parse(503, "service unavailable", &u, err), K8S_PM_ERROR);
    assert_non_null(strstr(err, "503"));
}

static void test_path(void **state) {
    (void)state;
    char *p = k8s_pod_metrics_path("flink", "tm-1");
    assert_string_equal(p, "/apis/metrics.k8s.io/v1beta1/namespaces/flink/pods/tm-1");
    free(p);
    p = k8s_pod_metrics_path("a/b", "c?d");
    assert_string_equal(p, "/apis/metrics.k8s.io/v1beta1/namespaces/a%2Fb/pods/c%3Fd");
    free(p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_good_body),    cmocka_unit_test(test_missing_containers),
        cmocka_unit_test(test_bad_quantity), cmocka_unit_test(test_not_found),
        cmocka_unit_test(test_other_errors), cmocka_unit_test(test_path),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
