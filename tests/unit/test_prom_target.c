/* Which Prometheus to ask: a URL as given (the command line's first), or a service behind
 * a kubeconfig context's API server, reached through its service proxy with that
 * context's TLS; a context that is not loaded is an error that says which. Also the
 * config's `prometheus:` mapping and its errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "http.h"
#include "k8s_model.h"
#include "prom_target.h"

static struct config load(const char *yaml, int want_rc, char *err, size_t errlen) {
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(yaml, strlen(yaml), "t.yaml", &c, err, errlen), want_rc);
    return c;
}

static void url_and_service_proxy(void **state) {
    (void)state;
    char err[512];
    struct config c = load("prometheus:\n  context: prod\n  namespace: monitoring\n"
                           "  service: prometheus-k8s\n  port: web\n",
                           0, err, sizeof err);
    assert_string_equal(c.prometheus_service, "prometheus-k8s");
    assert_null(c.prometheus);
    struct http_tls tls_dev = {0}, tls_prod = {0};
    struct k8s_context_state dev = {0}, prod = {0};
    char dev_name[] = "dev", prod_name[] = "prod";
    dev.name = dev_name;
    dev.server = "https://dev.example:6443";
    dev.tls = &tls_dev;
    prod.name = prod_name;
    prod.server = "https://prod.example:6443/";
    prod.tls = &tls_prod;
    struct k8s_context_state *ctxs[] = {&dev, &prod};
    struct app app;
    memset(&app, 0, sizeof app);
    app.k8s_contexts = ctxs;
    app.n_k8s_contexts = 2;
    char *url = NULL;
    const struct http_tls *tls = NULL;
    assert_int_equal(prom_target_resolve(&app, &c, NULL, &url, &tls, err, sizeof err), 1);
    assert_string_equal(url, "https://prod.example:6443/api/v1/namespaces/monitoring/services/"
                             "prometheus-k8s:web/proxy");
    assert_ptr_equal(tls, &tls_prod); /* the context's certificate and token */
    free(url);
    /* the command line's URL wins, with no TLS of a context */
    assert_int_equal(
        prom_target_resolve(&app, &c, "http://127.0.0.1:9090", &url, &tls, err, sizeof err), 1);
    assert_string_equal(url, "http://127.0.0.1:9090");
    assert_null(tls);
    free(url);
    /* a context that is not loaded: an error naming it */
    app.n_k8s_contexts = 1;
    assert_int_equal(prom_target_resolve(&app, &c, NULL, &url, &tls, err, sizeof err), -1);
    assert_null(url);
    assert_non_null(strstr(err, "context prod is not loaded"));
    config_free(&c);
    /* no context named: the first; https and the default port */
    c = load("prometheus: {namespace: monitoring, service: prom, scheme: https}\n", 0, err,
             sizeof err);
    assert_int_equal(prom_target_resolve(&app, &c, NULL, &url, &tls, err, sizeof err), 1);
    assert_string_equal(url, "https://dev.example:6443/api/v1/namespaces/monitoring/services/"
                             "https:prom:9090/proxy");
    assert_ptr_equal(tls, &tls_dev);
    free(url);
    config_free(&c);
    /* nothing named */
    c = load("refresh: 2\n", 0, err, sizeof err);
    assert_int_equal(prom_target_resolve(&app, &c, NULL, &url, &tls, err, sizeof err), 0);
    assert_null(url);
    config_free(&c);
}

static void mapping_errors(void **state) {
    (void)state;
    char err[1024];
    struct config c = load("prometheus: {namespace: monitoring}\n", -1, err, sizeof err);
    assert_non_null(strstr(err, "namespace and service are required"));
    config_free(&c);
    c = load("prometheus: {namespace: \"mon/../x\", service: prom, scheme: ftp, colour: red}\n",
             -1, err, sizeof err);
    assert_non_null(strstr(err, "namespace must be a Kubernetes name"));
    assert_non_null(strstr(err, "scheme must be http or https"));
    assert_non_null(strstr(err, "colour"));
    config_free(&c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(url_and_service_proxy),
        cmocka_unit_test(mapping_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
