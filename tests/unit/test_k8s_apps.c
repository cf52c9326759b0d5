/* The apps/v1 Deployments Flink runs on (k8s_apps.h, k8s_apply.h, k8s_model.h): what tab 6
 * and --once say after kubectl scale or a rollout, arriving as a list or as watch events
 * (ADDED, MODIFIED, DELETED); a Deployment not observed yet is unknown, not 0/0; a stuck
 * rollout says why; hostile names and messages are sanitised. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "freshness.h"
#include "k8s_apply.h"
#include "k8s_apps.h"
#include "k8s_model.h"
#include "k8s_watch.h"

/* An apps/v1 Deployment as the API server sends it; status NULL: none yet. */
static cJSON *deploy(const char *ns, const char *name, const char *app, int replicas, int gen,
                     const char *status_json) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "apiVersion", "apps/v1");
    cJSON_AddStringToObject(o, "kind", "Deployment");
    cJSON *m = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(m, "namespace", ns);
    cJSON_AddStringToObject(m, "name", name);
    cJSON_AddNumberToObject(m, "generation", gen);
    cJSON *labels = cJSON_AddObjectToObject(m, "labels");
    cJSON_AddStringToObject(labels, "app", app);
    cJSON_AddStringToObject(labels, "component", "jobmanager");
    cJSON_AddStringToObject(labels, "type", "flink-native-kubernetes");
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "spec"), "replicas", replicas);
    if (status_json)
        cJSON_AddItemToObject(o, "status", cJSON_Parse(status_json));
    return o;
}

#define COMPLETE_1                                                                                 \
    "{\"observedGeneration\":1,\"replicas\":1,\"updatedReplicas\":1,\"readyReplicas\":1,"          \
    "\"availableReplicas\":1,\"conditions\":[{\"type\":\"Available\",\"status\":\"True\","         \
    "\"reason\":\"MinimumReplicasAvailable\"},{\"type\":\"Progressing\",\"status\":\"True\","      \
    "\"reason\":\"NewReplicaSetAvailable\"}]}"

static bool ev(struct k8s_context_state *s, const char *ns, enum k8s_watch_type t, cJSON *o) {
    bool changed = k8s_apply_event(s, WK_APPS, ns, t, o);
    cJSON_Delete(o);
    return changed;
}

static void state_init(struct k8s_context_state *s) {
    memset(s, 0, sizeof *s);
    k8s_context_namespace_add(s, "flink-prod");
}

static void state_free(struct k8s_context_state *s) {
    k8s_context_data_free(s);
    memset(s, 0, sizeof *s);
}

static const struct apps_deployment *find(struct k8s_context_state *s, const char *name) {
    struct k8s_namespace_state *n = k8s_context_namespace_find(s, "flink-prod");
    for (size_t i = 0; n && i < n->apps.len; i++)
        if (strcmp(n->apps.items[i].name, name) == 0)
            return &n->apps.items[i];
    return NULL;
}

static void scale_arrives_as_modified_and_rollout_completes(void **state) {
    (void)state;
    struct k8s_context_state s;
    state_init(&s);
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, deploy("flink-prod", "orders", "orders", 1, 1, COMPLETE_1));
    /* another namespace holds no Flink resources: kept out */
    cJSON_AddItemToArray(items, deploy("kube-system", "coredns", "coredns", 2, 1, COMPLETE_1));
    k8s_apply_list(&s, WK_APPS, NULL, items);
    cJSON_Delete(items);
    struct k8s_namespace_state *n = k8s_context_namespace_find(&s, "flink-prod");
    assert_true(n->apps_ok);
    assert_int_equal(n->apps.len, 1);
    const struct apps_deployment *d = find(&s, "orders");
    assert_int_equal(d->replicas, 1);
    assert_int_equal(d->ready, 1);
    assert_int_equal(apps_deployment_rollout(d, NULL), DEPLOY_ROLLOUT_COMPLETE);

    /* kubectl scale --replicas=3: generation 2, not observed yet */
    assert_true(ev(&s, NULL, K8S_WATCH_MODIFIED,
                   deploy("flink-prod", "orders", "orders", 3, 2, COMPLETE_1)));
    d = find(&s, "orders");
    assert_int_equal(n->apps.len, 1);
    assert_int_equal(d->replicas, 3);
    const char *why = NULL;
    assert_int_equal(apps_deployment_rollout(d, &why), DEPLOY_ROLLOUT_PROGRESSING);
    assert_non_null(why);

    /* observed, one new pod ready of three */
    ev(&s, NULL, K8S_WATCH_MODIFIED,
       deploy("flink-prod", "orders", "orders", 3, 2,
              "{\"observedGeneration\":2,\"replicas\":3,\"updatedReplicas\":3,"
              "\"readyReplicas\":1,\"availableReplicas\":1}"));
    d = find(&s, "orders");
    assert_int_equal(d->ready, 1);
    assert_int_equal(d->available, 1);
    assert_int_equal(d->updated, 3);
    assert_int_equal(apps_deployment_rollout(d, NULL), DEPLOY_ROLLOUT_PROGRESSING);

    ev(&s, NULL, K8S_WATCH_MODIFIED,
       deploy("flink-prod", "orders", "orders", 3, 2,
              "{\"observedGeneration\":2,\"replicas\":3,\"updatedReplicas\":3,"
              "\"readyReplicas\":3,\"availableReplicas\":3}"));
    assert_int_equal(apps_deployment_rollout(find(&s, "orders"), NULL), DEPLOY_ROLLOUT_COMPLETE);

    /* a second one ADDED, then DELETED; deleting it again changes nothing */
    assert_true(ev(&s, NULL, K8S_WATCH_ADDED,
                   deploy("flink-prod", "orders-taskmanager", "orders", 2, 1, COMPLETE_1)));
    assert_int_equal(n->apps.len, 2);
    size_t k = 0;
    const struct apps_deployment **mine =
        apps_deployments_of_app(&n->apps, "flink-prod", "orders", &k);
    assert_int_equal(k, 2);
    free(mine);
    assert_true(ev(&s, NULL, K8S_WATCH_DELETED,
                   deploy("flink-prod", "orders-taskmanager", "orders", 2, 1, NULL)));
    assert_false(ev(&s, NULL, K8S_WATCH_DELETED,
                    deploy("flink-prod", "orders-taskmanager", "orders", 2, 1, NULL)));
    assert_int_equal(n->apps.len, 1);
    /* a stream over one namespace ignores another's object */
    assert_false(
        ev(&s, "flink-prod", K8S_WATCH_ADDED, deploy("flink-dev", "x", "x", 1, 1, COMPLETE_1)));
    state_free(&s);
}

static void no_status_is_unknown_not_zero(void **state) {
    (void)state;
    struct apps_deployment d;
    cJSON *o = deploy("flink-prod", "fresh", "fresh", 2, 1, NULL);
    assert_true(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
    assert_int_equal(d.replicas, 2);
    assert_int_equal(d.ready, -1);
    assert_int_equal(d.updated, -1);
    assert_int_equal(d.available, -1);
    assert_int_equal(d.observed_generation, -1);
    assert_int_equal(apps_deployment_rollout(&d, NULL), DEPLOY_ROLLOUT_UNKNOWN);
    apps_deployment_free(&d);

    /* no spec.replicas, wrong types: unknown */
    const char *odd = "{\"metadata\":{\"name\":\"odd\",\"namespace\":\"ns\",\"generation\":\"x\"},"
                      "\"spec\":{\"replicas\":\"three\"},\"status\":{\"readyReplicas\":-4,"
                      "\"conditions\":\"no\"}}";
    o = cJSON_Parse(odd);
    assert_true(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
    assert_int_equal(d.replicas, -1);
    assert_int_equal(d.ready, -1);
    assert_int_equal(d.generation, -1);
    assert_int_equal(d.progressing.status, -1);
    assert_null(d.app);
    apps_deployment_free(&d);

    /* a status the API server wrote omits zero counts: scaled to 0, all 0 */
    o = deploy("flink-prod", "zero", "zero", 0, 2, "{\"observedGeneration\":2}");
    assert_true(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
    assert_int_equal(d.ready, 0);
    assert_int_equal(d.available, 0);
    assert_int_equal(apps_deployment_rollout(&d, NULL), DEPLOY_ROLLOUT_COMPLETE);
    apps_deployment_free(&d);

    /* not an object, no name: refused */
    o = cJSON_Parse("{\"metadata\":{\"namespace\":\"ns\"}}");
    assert_false(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
    o = cJSON_Parse("[1]");
    assert_false(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
}

static void stuck_rollout_says_why(void **state) {
    (void)state;
    struct apps_deployment d;
    cJSON *o = deploy("flink-prod", "orders", "orders", 1, 2,
                      "{\"observedGeneration\":2,\"replicas\":2,\"updatedReplicas\":1,"
                      "\"readyReplicas\":1,\"availableReplicas\":1,\"unavailableReplicas\":1,"
                      "\"conditions\":[{\"type\":\"Progressing\",\"status\":\"False\","
                      "\"reason\":\"ProgressDeadlineExceeded\",\"message\":\"ReplicaSet "
                      "\\\"orders-5d8\\\" has timed out progressing.\"}]}");
    assert_true(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
    const char *why = NULL;
    assert_int_equal(apps_deployment_rollout(&d, &why), DEPLOY_ROLLOUT_STUCK);
    assert_string_equal(why, "ReplicaSet \"orders-5d8\" has timed out progressing.");
    assert_int_equal(d.progressing.status, 0);
    apps_deployment_free(&d);

    o = deploy("flink-prod", "orders", "orders", 1, 1,
               "{\"observedGeneration\":1,\"replicas\":0,\"conditions\":[{\"type\":"
               "\"ReplicaFailure\",\"status\":\"True\",\"reason\":\"FailedCreate\",\"message\":"
               "\"pods \\\"orders-x\\\" is forbidden: exceeded quota:\\n compute\"}]}");
    assert_true(k8s_apps_deployment_from(o, &d));
    cJSON_Delete(o);
    assert_int_equal(apps_deployment_rollout(&d, &why), DEPLOY_ROLLOUT_STUCK);
    /* one line */
    assert_string_equal(why, "pods \"orders-x\" is forbidden: exceeded quota: compute");
    assert_string_equal(deploy_rollout_name(DEPLOY_ROLLOUT_STUCK), "stuck");
    apps_deployment_free(&d);
}

static void hostile_names_and_messages_are_sanitised(void **state) {
    (void)state;
    const char *body =
        "{\"kind\":\"DeploymentList\",\"metadata\":{\"resourceVersion\":\"9\"},\"items\":["
        "{\"metadata\":{\"name\":\"evil\\u001b[2Jname\",\"namespace\":\"ns\\u0007\","
        "\"labels\":{\"app\":\"a\\u001b]52;c;Zm9v\\u0007\"}},\"spec\":{\"replicas\":1},"
        "\"status\":{\"conditions\":[{\"type\":\"ReplicaFailure\",\"status\":\"True\","
        "\"message\":\"boom\\u001b[31m red\\r\\nnext\"}]}},"
        "{\"metadata\":{}},7,null]}";
    struct apps_deployment_list l;
    char err[128];
    assert_int_equal(k8s_apps_parse_deployments(body, strlen(body), &l, err, sizeof err), FA_OK);
    assert_int_equal(l.len, 1);
    const struct apps_deployment *d = &l.items[0];
    assert_null(strchr(d->name, '\033'));
    assert_null(strchr(d->namespace, '\a'));
    assert_null(strchr(d->app, '\033'));
    assert_null(strchr(d->app, '\a'));
    assert_null(strchr(d->replica_failure.message, '\033'));
    assert_null(strchr(d->replica_failure.message, '\n'));
    apps_deployment_list_free(&l);

    /* not a list: an error, nothing kept */
    const char *status =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"deployments.apps "
        "is forbidden\",\"reason\":\"Forbidden\",\"code\":403}";
    assert_int_not_equal(k8s_apps_parse_deployments(status, strlen(status), &l, err, sizeof err),
                         FA_OK);
    assert_non_null(strstr(err, "forbidden"));
    assert_int_equal(l.len, 0);
    assert_int_not_equal(k8s_apps_parse_deployments("[", 1, &l, err, sizeof err), FA_OK);
    const char *nulls = "{\"items\":null}";
    assert_int_equal(k8s_apps_parse_deployments(nulls, strlen(nulls), &l, err, sizeof err), FA_OK);
    assert_int_equal(l.len, 0);
}

static void relist_replaces_the_namespace_deployments(void **state) {
    (void)state;
    struct k8s_context_state s;
    state_init(&s);
    ev(&s, NULL, K8S_WATCH_ADDED, deploy("flink-prod", "gone-meanwhile", "g", 1, 1, COMPLETE_1));
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, deploy("flink-prod", "orders", "orders", 1, 1, COMPLETE_1));
    k8s_apply_list(&s, WK_APPS, "flink-prod", items); /* a 410 re-list */
    cJSON_Delete(items);
    assert_null(find(&s, "gone-meanwhile"));
    assert_non_null(find(&s, "orders"));
    assert_string_equal(k8s_wkind_name(WK_APPS), "deployments");
    assert_true(k8s_wkind_namespaced(WK_APPS));
    state_free(&s);
}

/* A cluster's Deployments come from its namespace by app=NAME; a failed list marks the
 * cluster, RBAC forbidding Deployments does not (a note on tab 6: the rest works). */
static void cluster_joins_by_app_and_rbac_is_a_note_not_a_failure(void **state) {
    (void)state;
    struct k8s_context_state s;
    state_init(&s);
    cJSON *items = cJSON_CreateArray();
    cJSON_AddItemToArray(items, deploy("flink-prod", "orders", "orders", 1, 1, COMPLETE_1));
    cJSON_AddItemToArray(items, deploy("flink-prod", "payments", "payments", 1, 1, COMPLETE_1));
    k8s_apply_list(&s, WK_APPS, NULL, items);
    cJSON_Delete(items);
    struct cluster c;
    cluster_init(&c, "orders", "http://x");
    c.k8s.ctx = &s;
    c.k8s.namespace = strdup("flink-prod");
    c.k8s.name = strdup("orders");
    size_t n = 0;
    bool listed = false;
    const struct apps_deployment **v = k8s_cluster_deployments(&c, &n, &listed);
    assert_true(listed);
    assert_int_equal(n, 1);
    assert_string_equal(v[0]->name, "orders");
    free(v);

    struct k8s_namespace_state *ns = k8s_context_namespace_find(&s, "flink-prod");
    source_fail(&ns->lists[FRESH_DEPLOYMENTS], 1000, "deployments flink-prod: 500: boom");
    enum fresh_k8s_list which;
    assert_non_null(freshness_k8s_failed(&c, &which));
    assert_int_equal(which, FRESH_DEPLOYMENTS);
    assert_string_equal(freshness_k8s_list_name(which), "deployments");
    snprintf(ns->apps_forbidden, sizeof ns->apps_forbidden, "deployments flink-prod: 403");
    assert_null(freshness_k8s_failed(&c, NULL));
    assert_null(freshness_k8s_list(&c, FRESH_DEPLOYMENTS));
    c.k8s.ctx = NULL;
    cluster_free(&c);
    state_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(scale_arrives_as_modified_and_rollout_completes),
        cmocka_unit_test(no_status_is_unknown_not_zero),
        cmocka_unit_test(stuck_rollout_says_why),
        cmocka_unit_test(hostile_names_and_messages_are_sanitised),
        cmocka_unit_test(relist_replaces_the_namespace_deployments),
        cmocka_unit_test(cluster_joins_by_app_and_rbac_is_a_note_not_a_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
