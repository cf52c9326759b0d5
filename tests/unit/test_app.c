/* A cluster's id (app.h): its index, the one handle the engine, the views and the
 * operations share; names may repeat across contexts and are not ids. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "app.h"
#include "xalloc.h"

static void ids_find_each_cluster_even_with_the_same_name(void **state) {
    (void)state;
    struct app a = {0};
    a.clusters = xcalloc(3, sizeof *a.clusters);
    a.n_clusters = a.cap_clusters = 3;
    cluster_init(&a.clusters[0], "production", "http://eu:8081");
    cluster_init(&a.clusters[1], "production", "http://us:8081");
    cluster_init(&a.clusters[2], "staging", "http://eu:8082");
    for (int i = 0; i < 3; i++) {
        assert_ptr_equal(app_cluster(&a, i), &a.clusters[i]);
        assert_int_equal(app_cluster_id(&a, &a.clusters[i]), i);
    }
    assert_string_equal(app_cluster(&a, 1)->url, "http://us:8081");
    for (size_t i = 0; i < a.n_clusters; i++)
        cluster_free(&a.clusters[i]);
    free(a.clusters);
}

static void unknown_ids_and_foreign_clusters_are_none(void **state) {
    (void)state;
    struct app a = {0};
    a.clusters = xcalloc(1, sizeof *a.clusters);
    a.n_clusters = a.cap_clusters = 1;
    cluster_init(&a.clusters[0], "production", "http://eu:8081");
    assert_null(app_cluster(&a, -1));
    assert_null(app_cluster(&a, 1));
    assert_null(app_cluster(NULL, 0));
    struct cluster other;
    cluster_init(&other, "production", "http://eu:8081");
    assert_int_equal(app_cluster_id(&a, &other), -1);
    assert_int_equal(app_cluster_id(&a, NULL), -1);
    cluster_free(&other);
    cluster_free(&a.clusters[0]);
    free(a.clusters);
    struct app empty = {0};
    assert_null(app_cluster(&empty, 0));
}

/* An alert names its cluster; opening it must land on that cluster, not on one the
 * Kubernetes context has removed since. */
static void a_name_finds_the_present_cluster_not_a_gone_one(void **state) {
    (void)state;
    struct app a = {0};
    a.clusters = xcalloc(3, sizeof *a.clusters);
    a.n_clusters = a.cap_clusters = 3;
    cluster_init(&a.clusters[0], "orders", "http://old:8081");
    cluster_init(&a.clusters[1], "payments", "http://eu:8081");
    cluster_init(&a.clusters[2], "orders", "http://new:8081");
    a.clusters[0].k8s.gone = true;
    assert_int_equal(app_cluster_by_name(&a, "orders"), 2);
    assert_int_equal(app_cluster_by_name(&a, "payments"), 1);
    assert_int_equal(app_cluster_by_name(&a, "nobody"), -1);
    assert_int_equal(app_cluster_by_name(&a, NULL), -1);
    assert_int_equal(app_cluster_by_name(NULL, "orders"), -1);
    for (size_t i = 0; i < a.n_clusters; i++)
        cluster_free(&a.clusters[i]);
    free(a.clusters);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ids_find_each_cluster_even_with_the_same_name),
        cmocka_unit_test(unknown_ids_and_foreign_clusters_are_none),
        cmocka_unit_test(a_name_finds_the_present_cluster_not_a_gone_one),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
