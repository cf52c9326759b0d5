/* A standalone cluster's Deployments for tab 6: the named one first, then those with its
 * app label (learnt from the named one, and followed when it changes); others left out. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>

#include "standalone.h"
#include "xalloc.h"

static void put(struct apps_deployment_list *l, const char *ns, const char *name,
                const char *app) {
    struct apps_deployment d;
    apps_deployment_init(&d);
    d.namespace = xstrdup(ns);
    d.name = xstrdup(name);
    d.app = app ? xstrdup(app) : NULL;
    apps_deployment_list_put(l, &d);
}

static void the_named_one_first_then_its_app_label(void **state) {
    (void)state;
    struct standalone_state *s = standalone_new("ctx", "flink", "reports-jobmanager");
    size_t n = 9;
    assert_null(standalone_deployments(s, &n));
    assert_int_equal(n, 0);
    /* the first answer: the named one alone (a GET by name) */
    struct apps_deployment_list l = {NULL, 0};
    put(&l, "flink", "reports-jobmanager", "reports");
    standalone_take(s, &l, 1000);
    assert_int_equal(l.len, 0); /* taken */
    assert_true(s->listed);
    assert_string_equal(s->app, "reports");
    /* then by its label: the task managers' too, listed before it, and nothing else */
    put(&l, "flink", "reports-taskmanager", "reports");
    put(&l, "flink", "reports-jobmanager", "reports");
    put(&l, "flink", "other-jobmanager", "other");
    put(&l, "flink", "unlabelled", NULL);
    standalone_take(s, &l, 2000);
    const struct apps_deployment **v = standalone_deployments(s, &n);
    assert_int_equal(n, 2);
    assert_string_equal(v[0]->name, "reports-jobmanager");
    assert_string_equal(v[1]->name, "reports-taskmanager");
    free(v);
    assert_int_equal(s->src.state, SOURCE_OK);
    assert_true(s->src.last_ok_ms == 2000);
    standalone_free(s);
}

static void a_relabelled_deployment_is_followed(void **state) {
    (void)state;
    struct standalone_state *s = standalone_new(NULL, NULL, "jm");
    assert_string_equal(s->namespace, "default");
    struct apps_deployment_list l = {NULL, 0};
    put(&l, "default", "jm", "before");
    standalone_take(s, &l, 1);
    put(&l, "default", "jm", NULL); /* its label removed: the named one alone */
    put(&l, "default", "tm", "before");
    standalone_take(s, &l, 2);
    assert_null(s->app);
    size_t n;
    const struct apps_deployment **v = standalone_deployments(s, &n);
    assert_int_equal(n, 1);
    assert_string_equal(v[0]->name, "jm");
    free(v);
    /* not in the answer: nothing to show */
    standalone_take(s, &l, 3);
    assert_null(standalone_deployments(s, &n));
    assert_int_equal(n, 0);
    standalone_free(s);
    standalone_free(NULL);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_named_one_first_then_its_app_label),
        cmocka_unit_test(a_relabelled_deployment_is_followed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
