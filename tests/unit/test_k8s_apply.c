/* Lists and watch events applied to a context's model (k8s_apply.h, k8s_model.h): what a
 * user sees on the clusters screen and tab 6 after a kubectl patch, a pod restart, a
 * deleted FlinkStateSnapshot, a re-list; objects in namespaces without Flink resources
 * kept out; and a stream cut anywhere, parsed line by line, ending in the same model. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_apply.h"
#include "k8s_model.h"
#include "k8s_watch.h"
#include "xalloc.h"

/* ---- builders ---- */

/* returns owned cJSON object of kind in ns */
static cJSON *obj(const char *kind, const char *ns, const char *name, const char *rv) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", kind);
    cJSON *m = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(m, "namespace", ns);
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddStringToObject(m, "resourceVersion", rv);
    return o;
}

static cJSON *deployment(const char *ns, const char *name, const char *lifecycle, const char *rv) {
    cJSON *o = obj("FlinkDeployment", ns, name, rv);
    cJSON *st = cJSON_AddObjectToObject(o, "status");
    cJSON_AddStringToObject(st, "lifecycleState", lifecycle);
    return o;
}

static cJSON *pod(const char *ns, const char *name, const char *app, const char *phase) {
    cJSON *o = obj("Pod", ns, name, "1");
    cJSON *labels = cJSON_AddObjectToObject(cJSON_GetObjectItem(o, "metadata"), "labels");
    cJSON_AddStringToObject(labels, "app", app);
    cJSON_AddStringToObject(labels, "component", "taskmanager");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "status"), "phase", phase);
    return o;
}

static cJSON *event(const char *ns, const char *name, const char *reason, int count,
                    const char *last) {
    cJSON *o = obj("Event", ns, name, "1");
    cJSON_AddStringToObject(o, "reason", reason);
    cJSON_AddStringToObject(o, "type", "Warning");
    cJSON_AddNumberToObject(o, "count", count);
    cJSON_AddStringToObject(o, "lastTimestamp", last);
    cJSON *io = cJSON_AddObjectToObject(o, "involvedObject");
    cJSON_AddStringToObject(io, "kind", "FlinkDeployment");
    cJSON_AddStringToObject(io, "name", "orders");
    return o;
}

static cJSON *snapshot(const char *ns, const char *name, const char *state) {
    cJSON *o = obj("FlinkStateSnapshot", ns, name, "1");
    cJSON *ref = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "spec"), "jobReference");
    cJSON_AddStringToObject(ref, "kind", "FlinkDeployment");
    cJSON_AddStringToObject(ref, "name", "orders");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "status"), "state", state);
    return o;
}

/* Apply one event and free the object. */
static bool ev(struct k8s_context_state *s, enum k8s_wkind k, const char *ns, enum k8s_watch_type t,
               cJSON *o) {
    bool changed = k8s_apply_event(s, k, ns, t, o);
    cJSON_Delete(o);
    return changed;
}

/* Apply a list of the objects given (NULL-terminated) and free them. */
static void list(struct k8s_context_state *s, enum k8s_wkind k, const char *ns, ...) {
    cJSON *items = cJSON_CreateArray();
    va_list ap;
    va_start(ap, ns);
    for (cJSON *o = va_arg(ap, cJSON *); o != NULL; o = va_arg(ap, cJSON *))
        cJSON_AddItemToArray(items, o);
    va_end(ap);
    k8s_apply_list(s, k, ns, items);
    cJSON_Delete(items);
}

static const struct flink_resource *res(const struct k8s_context_state *s, const char *name) {
    for (size_t i = 0; i < s->deployments.len; i++)
        if (strcmp(s->deployments.items[i].name, name) == 0)
            return &s->deployments.items[i];
    return NULL;
}

static void state_free(struct k8s_context_state *s) {
    k8s_context_data_free(s);
    memset(s, 0, sizeof *s);
}

/* ---- FlinkDeployments ---- */

static void deployment_patched_replaces_by_name_deleted_goes_list_replaces(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    list(&s, WK_DEPLOYMENTS, NULL, deployment("flink-prod", "orders", "STABLE", "10"),
         deployment("flink-dev", "orders", "STABLE", "11"), NULL);
    assert_int_equal(s.deployments.len, 2);

    /* kubectl patch: the new state, in place, nothing doubled */
    assert_true(ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_MODIFIED,
                   deployment("flink-prod", "orders", "UPGRADING", "12")));
    assert_int_equal(s.deployments.len, 2);
    assert_int_equal(s.deployments.items[0].status.lifecycle, LIFECYCLE_UPGRADING);
    assert_string_equal(s.deployments.items[0].resource_version, "12");
    /* the same name in another namespace is another resource */
    assert_int_equal(s.deployments.items[1].status.lifecycle, LIFECYCLE_STABLE);

    /* a MODIFIED seen twice (after a reconnect) is still one resource */
    ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_MODIFIED,
       deployment("flink-prod", "orders", "STABLE", "13"));
    ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_MODIFIED,
       deployment("flink-prod", "orders", "STABLE", "13"));
    assert_int_equal(s.deployments.len, 2);

    assert_true(ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_ADDED,
                   deployment("flink-prod", "payments", "CREATED", "14")));
    assert_int_equal(s.deployments.len, 3);
    assert_non_null(res(&s, "payments"));

    assert_true(ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_DELETED,
                   deployment("flink-prod", "payments", "DELETING", "15")));
    assert_int_equal(s.deployments.len, 2);
    assert_null(res(&s, "payments"));
    /* deleting what is not there changes nothing */
    assert_false(ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_DELETED,
                    deployment("flink-prod", "payments", "DELETING", "16")));

    /* a re-list (after a 410) is the whole truth */
    list(&s, WK_DEPLOYMENTS, NULL, deployment("flink-staging", "billing", "STABLE", "20"), NULL);
    assert_int_equal(s.deployments.len, 1);
    assert_string_equal(s.deployments.items[0].name, "billing");
    state_free(&s);
}

static void deployment_stream_of_one_namespace_ignores_others_and_nameless(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    assert_false(ev(&s, WK_DEPLOYMENTS, "flink-prod", K8S_WATCH_ADDED,
                    deployment("flink-dev", "x", "STABLE", "1")));
    cJSON *nameless = cJSON_CreateObject();
    cJSON_AddStringToObject(cJSON_AddObjectToObject(nameless, "metadata"), "namespace", "a");
    assert_false(ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_ADDED, nameless));
    assert_false(ev(&s, WK_DEPLOYMENTS, NULL, K8S_WATCH_BOOKMARK,
                    deployment("flink-prod", "x", "STABLE", "2")));
    assert_int_equal(s.deployments.len, 0);
    assert_true(ev(&s, WK_SESSION_JOBS, NULL, K8S_WATCH_ADDED,
                   obj("FlinkSessionJob", "flink-prod", "etl", "3")));
    assert_int_equal(s.session_jobs.len, 1);
    assert_int_equal(s.session_jobs.items[0].kind, FLINK_KIND_SESSION_JOB);
    state_free(&s);
}

/* ---- pods, events, snapshots ---- */

static void pods_go_to_namespaces_with_flink_resources_only(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    k8s_context_namespace_add(&s, "flink-prod");
    k8s_context_namespace_add(&s, "flink-dev");
    /* one stream across all namespaces: kube-system's pods are not kept */
    list(&s, WK_PODS, NULL, pod("flink-prod", "orders-tm-1", "orders", "Running"),
         pod("kube-system", "coredns-1", "coredns", "Running"),
         pod("flink-dev", "orders-tm-1", "orders", "Pending"), NULL);
    struct k8s_namespace_state *prod = k8s_context_namespace_find(&s, "flink-prod");
    struct k8s_namespace_state *dev = k8s_context_namespace_find(&s, "flink-dev");
    assert_true(prod->pods_ok && dev->pods_ok);
    assert_int_equal(prod->pods.len, 1);
    assert_int_equal(dev->pods.len, 1);
    assert_null(k8s_context_namespace_find(&s, "kube-system"));

    /* a pod restarted and running: replaced, not added */
    assert_true(ev(&s, WK_PODS, NULL, K8S_WATCH_MODIFIED,
                   pod("flink-dev", "orders-tm-1", "orders", "Running")));
    dev = k8s_context_namespace_find(&s, "flink-dev");
    assert_int_equal(dev->pods.len, 1);
    assert_int_equal(dev->pods.items[0].phase, POD_PHASE_RUNNING);
    assert_false(ev(&s, WK_PODS, NULL, K8S_WATCH_ADDED,
                    pod("kube-system", "coredns-2", "coredns", "Running")));

    struct pod_summary sum = pod_list_summary(&dev->pods, "flink-dev", "orders");
    assert_int_equal(sum.total, 1);
    assert_int_equal(sum.pending, 0);

    assert_true(ev(&s, WK_PODS, NULL, K8S_WATCH_DELETED,
                   pod("flink-prod", "orders-tm-1", "orders", "Running")));
    prod = k8s_context_namespace_find(&s, "flink-prod");
    assert_int_equal(prod->pods.len, 0);

    /* a stream of one namespace (the list across them was forbidden) touches only it */
    assert_false(ev(&s, WK_PODS, "flink-prod", K8S_WATCH_ADDED,
                    pod("flink-dev", "orders-tm-2", "orders", "Running")));
    list(&s, WK_PODS, "flink-prod", pod("flink-prod", "orders-jm", "orders", "Running"), NULL);
    assert_int_equal(k8s_context_namespace_find(&s, "flink-prod")->pods.len, 1);
    assert_int_equal(k8s_context_namespace_find(&s, "flink-dev")->pods.len, 1);

    /* the namespace no longer holds Flink resources: it goes, with its pods */
    assert_true(k8s_context_namespace_remove(&s, "flink-dev"));
    assert_null(k8s_context_namespace_find(&s, "flink-dev"));
    assert_int_equal(s.n_namespaces, 1);
    state_free(&s);
}

static void events_stay_newest_first_and_count_updates_in_place(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    k8s_context_namespace_add(&s, "flink-prod");
    list(&s, WK_EVENTS, NULL, event("flink-prod", "e1", "Scaled", 1, "2026-12-01T10:00:00Z"),
         event("flink-prod", "e2", "Failed", 1, "2026-12-01T11:00:00Z"), NULL);
    struct k8s_namespace_state *n = k8s_context_namespace_find(&s, "flink-prod");
    assert_true(n->events_ok);
    assert_int_equal(n->events.len, 2);
    assert_string_equal(n->events.items[0].name, "e2");

    /* the old event fires again: count 5, now the newest, still one row */
    ev(&s, WK_EVENTS, NULL, K8S_WATCH_MODIFIED,
       event("flink-prod", "e1", "Scaled", 5, "2026-12-01T12:00:00Z"));
    n = k8s_context_namespace_find(&s, "flink-prod");
    assert_int_equal(n->events.len, 2);
    assert_string_equal(n->events.items[0].name, "e1");
    assert_int_equal(n->events.items[0].count, 5);

    /* expired by the API server (TTL): gone */
    ev(&s, WK_EVENTS, NULL, K8S_WATCH_DELETED,
       event("flink-prod", "e2", "Failed", 1, "2026-12-01T11:00:00Z"));
    assert_int_equal(n->events.len, 1);
    state_free(&s);
}

static void snapshots_follow_their_state_and_deletion(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    k8s_context_namespace_add(&s, "flink-prod");
    list(&s, WK_SNAPSHOTS, NULL, snapshot("flink-prod", "sp-1", "COMPLETED"), NULL);
    ev(&s, WK_SNAPSHOTS, NULL, K8S_WATCH_ADDED, snapshot("flink-prod", "sp-2", "TRIGGER_PENDING"));
    ev(&s, WK_SNAPSHOTS, NULL, K8S_WATCH_MODIFIED, snapshot("flink-prod", "sp-2", "IN_PROGRESS"));
    struct k8s_namespace_state *n = k8s_context_namespace_find(&s, "flink-prod");
    assert_true(n->snapshots_ok);
    assert_int_equal(n->snapshots.len, 2);
    assert_int_equal(n->snapshots.items[1].state, SNAPSHOT_IN_PROGRESS);
    ev(&s, WK_SNAPSHOTS, NULL, K8S_WATCH_DELETED, snapshot("flink-prod", "sp-1", "COMPLETED"));
    assert_int_equal(n->snapshots.len, 1);
    assert_string_equal(n->snapshots.items[0].name, "sp-2");
    state_free(&s);
}

/* ---- the model's updaters alone ---- */

static void put_takes_what_the_item_owned(void **state) {
    (void)state;
    struct pod_list l = {NULL, 0};
    struct pod p;
    pod_init(&p);
    p.namespace = xstrdup("ns");
    p.name = xstrdup("a");
    pod_list_put(&l, &p);
    assert_null(p.name); /* handed over: freeing p frees nothing twice */
    pod_free(&p);
    pod_init(&p);
    p.namespace = xstrdup("ns");
    p.name = xstrdup("a");
    p.restarts = 3;
    pod_list_put(&l, &p);
    assert_int_equal(l.len, 1);
    assert_int_equal(l.items[0].restarts, 3);
    struct pod_list fresh = {NULL, 0};
    pod_list_replace(&l, &fresh);
    assert_int_equal(l.len, 0);
    assert_null(l.items);
    assert_false(pod_list_remove(&l, "ns", "a"));
    pod_list_free(&l);
}

/* ---- a stream cut anywhere, into the model ---- */

struct feed {
    struct k8s_context_state *s;
};

static void to_model(void *arg, const struct k8s_watch_event *e) {
    struct feed *f = arg;
    k8s_apply_event(f->s, WK_DEPLOYMENTS, NULL, e->type, e->object);
}

static void stream_cut_anywhere_ends_in_the_same_model(void **state) {
    (void)state;
    const char *stream =
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{\"namespace\":"
        "\"p\",\"name\":\"a\",\"resourceVersion\":\"1\"}}}\n"
        "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":"
        "{\"resourceVersion\":\"2\"}}}\n"
        "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{"
        "\"namespace\":\"p\",\"name\":\"a\",\"resourceVersion\":\"3\"},\"status\":{"
        "\"lifecycleState\":\"SUSPENDED\"}}}\n"
        "{\"type\":\"ADDED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{\"namespace\":"
        "\"p\",\"name\":\"b\",\"resourceVersion\":\"4\"}}}\n"
        "{\"type\":\"DELETED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{"
        "\"namespace\":\"p\",\"name\":\"b\",\"resourceVersion\":\"5\"}}}\n";
    size_t len = strlen(stream);
    for (size_t cut = 1; cut < len; cut += 7) {
        struct k8s_context_state s;
        memset(&s, 0, sizeof s);
        struct feed f = {&s};
        struct k8s_watch_lines p;
        k8s_watch_lines_init(&p, 0);
        assert_int_equal(k8s_watch_lines_feed(&p, stream, cut, to_model, &f), 0);
        assert_int_equal(k8s_watch_lines_feed(&p, stream + cut, len - cut, to_model, &f), 0);
        k8s_watch_lines_free(&p);
        assert_int_equal(s.deployments.len, 1);
        assert_string_equal(s.deployments.items[0].name, "a");
        assert_int_equal(s.deployments.items[0].status.lifecycle, LIFECYCLE_SUSPENDED);
        state_free(&s);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(deployment_patched_replaces_by_name_deleted_goes_list_replaces),
        cmocka_unit_test(deployment_stream_of_one_namespace_ignores_others_and_nameless),
        cmocka_unit_test(pods_go_to_namespaces_with_flink_resources_only),
        cmocka_unit_test(events_stay_newest_first_and_count_updates_in_place),
        cmocka_unit_test(snapshots_follow_their_state_and_deletion),
        cmocka_unit_test(put_takes_what_the_item_owned),
        cmocka_unit_test(stream_cut_anywhere_ends_in_the_same_model),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
