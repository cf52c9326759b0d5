/* Action plans: for each action on an operator-managed job and on a plain Flink job, the
 * exact method, path, content type and body that will be sent, the sentence the
 * confirmation shows and how it is followed; the clear refusals (rescale without the
 * adaptive scheduler, restart without the operator or a Deployment, out-of-range
 * parallelism, ids from a server that do not belong in a path); and the parsers of
 * Flink's trigger answers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "action_plan.h"
#include "k8s_api.h"
#include "profile.h"
#include "xalloc.h"

#define JOB_ID "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
#define V1 "bc764cd8ddf7a0cff126f51c16239658"
#define V2 "0a448493b4782967b150582570326227"
#define NOW 1714567890123LL /* 2024-05-01T12:51:30.123Z, "lvntgb0r" in base 36 */
#define RES "/apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkdeployments/orders-etl"

static char err[512];

static struct action_target operator_target(void) {
    struct action_target t;
    action_target_init(&t);
    t.kind = TARGET_OPERATOR;
    t.cluster = "orders-etl";
    t.job_name = "Orders ETL";
    t.job_id = JOB_ID;
    t.context = "prod";
    t.ns = "flink-prod";
    t.name = "orders-etl";
    t.resource_kind = FLINK_KIND_DEPLOYMENT;
    t.resource_version = "4711";
    t.savepoint_trigger_nonce = 3;
    t.restart_nonce = 7;
    t.upgrade_mode = "last-state";
    t.job_state = "running";
    t.snapshots_served = true;
    t.flink_version = "v1_20";
    t.parallelism = 4;
    t.max_parallelism = 128;
    return t;
}

static const char *const vertices[] = {V1, V2};

static struct action_target plain_target(void) {
    struct action_target t;
    action_target_init(&t);
    t.kind = TARGET_PLAIN;
    t.cluster = "staging";
    t.job_name = "Clicks";
    t.job_id = JOB_ID;
    t.savepoint_dir = "s3://sp/staging";
    t.resource_requirements = true;
    t.vertex_ids = vertices;
    t.n_vertices = 2;
    t.parallelism = 2;
    return t;
}

static struct action_params params(void) {
    struct action_params p;
    memset(&p, 0, sizeof p);
    p.now_ms = NOW;
    return p;
}

/* Build and expect ACTION_OK. */
static void build_ok(enum action a, const struct action_target *t, const struct action_params *p,
                     struct action_plan *out) {
    enum action_status st = action_plan_build(a, t, p, out, err, sizeof err);
    if (st != ACTION_OK)
        fail_msg("%s: %s", action_name(a), err);
    assert_int_equal(out->action, a);
    assert_non_null(out->effect);
    assert_non_null(out->params);
}

/* Build and expect st with a message containing want. */
static void build_fails(enum action a, const struct action_target *t, const struct action_params *p,
                        enum action_status want_st, const char *want) {
    struct action_plan plan;
    enum action_status st = action_plan_build(a, t, p, &plan, err, sizeof err);
    assert_int_equal(st, want_st);
    if (strstr(err, want) == NULL)
        fail_msg("want \"%s\" in \"%s\"", want, err);
    assert_null(plan.body);
    assert_null(plan.path);
    action_plan_free(&plan);
}

/* ---- savepoint ----------------------------------------------------------------------- */

static void test_savepoint_operator_creates_snapshot_when_served(void **state) {
    (void)state;
    struct action_target t = operator_target();
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_true(plan.api_server);
    assert_string_equal(plan.method, "POST");
    assert_string_equal(plan.path,
                        "/apis/flink.apache.org/v1beta1/namespaces/flink-prod/flinkstatesnapshots");
    assert_string_equal(plan.content_type, "application/json");
    assert_string_equal(
        plan.body,
        "{\"apiVersion\":\"flink.apache.org/v1beta1\",\"kind\":\"FlinkStateSnapshot\","
        "\"metadata\":{\"name\":\"orders-etl-lvntgb0r\",\"namespace\":\"flink-prod\"},"
        "\"spec\":{\"jobReference\":{\"kind\":\"FlinkDeployment\",\"name\":"
        "\"orders-etl\"},\"savepoint\":{\"alreadyExists\":false,\"disposeOnDelete\":false}}}");
    assert_string_equal(plan.show_json, plan.body);
    assert_string_equal(plan.ref, "orders-etl-lvntgb0r");
    assert_int_equal(plan.follow, OP_FOLLOW_SNAPSHOT);
    assert_string_equal(plan.follow_path, "/apis/flink.apache.org/v1beta1/namespaces/flink-prod/"
                                          "flinkstatesnapshots/orders-etl-lvntgb0r");
    assert_string_equal(plan.effect,
                        "Take a savepoint of job Orders ETL (" JOB_ID ") on orders-etl (namespace "
                        "flink-prod) into the configured savepoint directory, through the "
                        "operator.");
    assert_string_equal(plan.params, "{\"snapshot\":\"orders-etl-lvntgb0r\"}");
    action_plan_free(&plan);

    /* a directory given goes into spec.savepoint.path; a session job is referenced as one */
    t.resource_kind = FLINK_KIND_SESSION_JOB;
    p.target_dir = "s3://sp/prod";
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_non_null(strstr(plan.body, "\"jobReference\":{\"kind\":\"FlinkSessionJob\""));
    assert_non_null(strstr(plan.body,
                           "\"savepoint\":{\"path\":\"s3://sp/prod\",\"alreadyExists\":false,"
                           "\"disposeOnDelete\":false}"));
    assert_non_null(strstr(plan.effect, "into s3://sp/prod"));
    action_plan_free(&plan);
}

static void test_snapshot_name_stays_a_valid_kubernetes_name(void **state) {
    (void)state;
    char longname[254];
    memset(longname, 'a', 253);
    longname[253] = '\0';
    longname[243] = '-'; /* the cut lands just after a dash, which must not end the base */
    struct action_target t = operator_target();
    t.name = longname;
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_true(strlen(plan.ref) <= 253);
    assert_non_null(strstr(plan.ref, "a-lvntgb0r"));
    assert_null(strstr(plan.ref, "--"));
    action_plan_free(&plan);
}

static void test_savepoint_operator_bumps_nonce_without_snapshots(void **state) {
    (void)state;
    struct action_target t = operator_target();
    t.snapshots_served = false;
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_true(plan.api_server);
    assert_string_equal(plan.method, "PATCH");
    assert_string_equal(plan.path, RES);
    assert_string_equal(plan.content_type, "application/merge-patch+json");
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{\"job\":"
                                   "{\"savepointTriggerNonce\":4}}}");
    assert_string_equal(plan.show_json, plan.body);
    assert_int_equal(plan.follow, OP_FOLLOW_RESOURCE);
    assert_string_equal(plan.follow_path, RES);
    assert_int_equal(plan.savepoint_nonce, 4);
    action_plan_free(&plan);

    t.savepoint_trigger_nonce = -1; /* unknown: a time-based value */
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{\"job\":"
                                   "{\"savepointTriggerNonce\":1714567890123}}}");
    assert_int_equal(plan.savepoint_nonce, NOW);
    action_plan_free(&plan);
}

static void test_savepoint_plain_posts_trigger(void **state) {
    (void)state;
    struct action_target t = plain_target();
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_false(plan.api_server);
    assert_string_equal(plan.method, "POST");
    assert_string_equal(plan.path, "/jobs/" JOB_ID "/savepoints");
    assert_string_equal(plan.content_type, "application/json");
    assert_string_equal(plan.body,
                        "{\"target-directory\":\"s3://sp/staging\",\"cancel-job\":false}");
    assert_null(plan.show_json);
    assert_int_equal(plan.follow, OP_FOLLOW_TRIGGER);
    assert_string_equal(plan.effect, "Take a savepoint of job Clicks (" JOB_ID
                                     ") on staging into s3://sp/staging; the job keeps running.");
    assert_string_equal(plan.params, "{\"targetDirectory\":\"s3://sp/staging\"}");
    action_plan_free(&plan);

    t.savepoint_dir = NULL;
    build_fails(ACT_SAVEPOINT, &t, &p, ACTION_NEED_INPUT, "no savepoint directory is known");
}

/* ---- stop, suspend, cancel ----------------------------------------------------------- */

static void test_stop_operator_and_plain(void **state) {
    (void)state;
    struct action_target t = operator_target();
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_STOP, &t, &p, &plan);
    assert_string_equal(plan.method, "PATCH");
    assert_string_equal(plan.path, RES);
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{\"job\":"
                                   "{\"upgradeMode\":\"savepoint\",\"state\":\"suspended\"}}}");
    assert_true(plan.want_suspended);
    assert_non_null(strstr(plan.effect, "upgradeMode changes from last-state to savepoint"));
    action_plan_free(&plan);

    t.job_state = "suspended";
    build_fails(ACT_STOP, &t, &p, ACTION_UNSUPPORTED, "already suspended");

    struct action_target pt = plain_target();
    build_ok(ACT_STOP, &pt, &p, &plan);
    assert_false(plan.api_server);
    assert_string_equal(plan.method, "POST");
    assert_string_equal(plan.path, "/jobs/" JOB_ID "/stop");
    assert_string_equal(plan.body, "{\"targetDirectory\":\"s3://sp/staging\",\"drain\":false}");
    assert_int_equal(plan.follow, OP_FOLLOW_TRIGGER);
    action_plan_free(&plan);
}

static void test_suspend_operator_cancel_plain(void **state) {
    (void)state;
    struct action_target t = operator_target();
    struct action_params p = params();
    struct action_plan plan;
    assert_int_equal(action_suspend_or_cancel(&t), ACT_SUSPEND);
    build_ok(ACT_SUSPEND, &t, &p, &plan);
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{\"job\":"
                                   "{\"state\":\"suspended\"}}}");
    assert_true(plan.want_suspended);
    assert_string_equal(plan.effect,
                        "Suspend job Orders ETL (" JOB_ID ") on orders-etl (namespace flink-prod) "
                        "(upgradeMode last-state: its last checkpoint is kept).");
    action_plan_free(&plan);
    build_fails(ACT_CANCEL, &t, &p, ACTION_UNSUPPORTED, "suspended, not cancelled");

    struct action_target pt = plain_target();
    assert_int_equal(action_suspend_or_cancel(&pt), ACT_CANCEL);
    build_ok(ACT_CANCEL, &pt, &p, &plan);
    assert_string_equal(plan.method, "PATCH");
    assert_string_equal(plan.path, "/jobs/" JOB_ID "?mode=cancel");
    assert_null(plan.body);
    assert_null(plan.content_type);
    assert_int_equal(plan.follow, OP_FOLLOW_JOB);
    assert_string_equal(plan.follow_path, "/jobs/" JOB_ID);
    assert_string_equal(plan.want_job_state, "CANCELED");
    assert_non_null(strstr(plan.effect, "Cancel job Clicks"));
    action_plan_free(&plan);
    build_fails(ACT_SUSPEND, &pt, &p, ACTION_UNSUPPORTED, "suspend needs the operator");
}

/* ---- rescale ------------------------------------------------------------------------- */

static void test_rescale_operator_patches_parallelism(void **state) {
    (void)state;
    struct action_target t = operator_target();
    struct action_params p = params();
    p.parallelism = 8;
    struct action_plan plan;
    build_ok(ACT_RESCALE, &t, &p, &plan);
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{\"job\":"
                                   "{\"parallelism\":8}}}");
    assert_string_equal(plan.params, "{\"parallelism\":8,\"from\":4}");
    assert_non_null(strstr(plan.effect, "from 4 to parallelism 8"));
    action_plan_free(&plan);
}

static void test_rescale_is_checked_against_max_parallelism(void **state) {
    (void)state;
    struct action_target t = operator_target();
    struct action_params p = params();
    p.parallelism = 0;
    build_fails(ACT_RESCALE, &t, &p, ACTION_BAD_PARAM, "at least 1");
    p.parallelism = 129;
    build_fails(ACT_RESCALE, &t, &p, ACTION_BAD_PARAM, "between 1 and 128");
    p.parallelism = 4;
    build_fails(ACT_RESCALE, &t, &p, ACTION_BAD_PARAM, "already runs at parallelism 4");
    t.max_parallelism = -1; /* unknown: no upper check */
    p.parallelism = 1000;
    struct action_plan plan;
    build_ok(ACT_RESCALE, &t, &p, &plan);
    action_plan_free(&plan);
}

static void test_rescale_plain_puts_resource_requirements(void **state) {
    (void)state;
    struct action_target t = plain_target();
    struct action_params p = params();
    p.parallelism = 6;
    struct action_plan plan;
    build_ok(ACT_RESCALE, &t, &p, &plan);
    assert_false(plan.api_server);
    assert_string_equal(plan.method, "PUT");
    assert_string_equal(plan.path, "/jobs/" JOB_ID "/resource-requirements");
    assert_string_equal(plan.content_type, "application/json");
    assert_string_equal(plan.body, "{\"" V1 "\":{\"parallelism\":{\"lowerBound\":1,\"upperBound\":"
                                   "6}},\"" V2 "\":{\"parallelism\":{\"lowerBound\":1,"
                                   "\"upperBound\":6}}}");
    assert_int_equal(plan.follow, OP_FOLLOW_JOB);
    assert_int_equal(plan.want_parallelism, 6);
    action_plan_free(&plan);

    t.resource_requirements = false;
    build_fails(ACT_RESCALE, &t, &p, ACTION_UNSUPPORTED,
                "rescale needs the operator or the adaptive scheduler");
}

/* ---- restart, redeploy, profile ------------------------------------------------------ */

static void test_restart_operator_nonce_and_standalone_deployment(void **state) {
    (void)state;
    struct action_target t = operator_target();
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_RESTART, &t, &p, &plan);
    assert_string_equal(plan.path, RES);
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{"
                                   "\"restartNonce\":8}}");
    assert_int_equal(plan.follow, OP_FOLLOW_RESOURCE);
    action_plan_free(&plan);

    struct action_target pt = plain_target();
    build_fails(ACT_RESTART, &pt, &p, ACTION_UNSUPPORTED,
                "restart needs the operator, or a standalone Deployment named in the config");
    pt.context = "staging";
    pt.ns = "flink";
    pt.deployment = "clicks-jobmanager";
    build_ok(ACT_RESTART, &pt, &p, &plan);
    assert_true(plan.api_server);
    assert_string_equal(plan.method, "PATCH");
    assert_string_equal(plan.path, "/apis/apps/v1/namespaces/flink/deployments/clicks-jobmanager");
    assert_string_equal(plan.content_type, "application/merge-patch+json");
    assert_string_equal(plan.body, "{\"spec\":{\"template\":{\"metadata\":{\"annotations\":{"
                                   "\"kubectl.kubernetes.io/restartedAt\":"
                                   "\"2024-05-01T12:51:30Z\"}}}}}");
    assert_string_equal(plan.show_json, plan.body);
    assert_int_equal(plan.follow, OP_FOLLOW_DEPLOYMENT);
    assert_string_equal(plan.follow_path, plan.path);
    action_plan_free(&plan);
}

static void test_redeploy_from_savepoint(void **state) {
    (void)state;
    struct action_target t = operator_target();
    t.savepoint_redeploy_nonce = 2;
    struct action_params p = params();
    p.savepoint_path = "s3://sp/prod/savepoint-0a1b2c-1234";
    struct action_plan plan;
    build_ok(ACT_REDEPLOY, &t, &p, &plan);
    assert_string_equal(plan.body,
                        "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{\"job\":{"
                        "\"initialSavepointPath\":\"s3://sp/prod/savepoint-0a1b2c-1234\","
                        "\"savepointRedeployNonce\":3}}}");
    assert_non_null(strstr(plan.effect, "from s3://sp/prod/savepoint-0a1b2c-1234"));
    action_plan_free(&plan);

    p.savepoint_path = NULL;
    build_fails(ACT_REDEPLOY, &t, &p, ACTION_NEED_INPUT, "choose a savepoint");
    struct action_target pt = plain_target();
    p.savepoint_path = "s3://x";
    build_fails(ACT_REDEPLOY, &pt, &p, ACTION_UNSUPPORTED, "needs the operator");
}

static void test_profile_patches_flink_configuration(void **state) {
    (void)state;
    const char *text = "# test\nstate.backend.type: rocksdb\nold.key: null\n";
    struct profile prof;
    assert_int_equal(profile_load_string(text, strlen(text), "rocks.yaml", &prof, err, sizeof err),
                     0);
    struct flink_conf_entry cur[] = {{(char[]){"old.key"}, (char[]){"1"}}};
    struct profile_diff d;
    profile_diff(&prof, cur, 1, &d);
    struct action_target t = operator_target();
    struct action_params p = params();
    p.diff = &d;
    p.profile_name = "rocks";
    struct action_plan plan;
    build_ok(ACT_PROFILE, &t, &p, &plan);
    assert_string_equal(plan.method, "PATCH");
    assert_string_equal(plan.path, RES);
    assert_string_equal(plan.content_type, "application/merge-patch+json");
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{"
                                   "\"flinkConfiguration\":{\"state.backend.type\":\"rocksdb\","
                                   "\"old.key\":null}}}");
    assert_non_null(strstr(plan.effect, "1 added, 0 changed, 1 removed"));
    assert_string_equal(plan.params,
                        "{\"profile\":\"rocks\",\"added\":1,\"changed\":0,\"removed\":1}");
    action_plan_free(&plan);

    struct action_target pt = plain_target();
    build_fails(ACT_PROFILE, &pt, &p, ACTION_UNSUPPORTED, "needs the operator");
    profile_diff_free(&d);
    struct flink_conf_entry same[] = {{(char[]){"state.backend.type"}, (char[]){"rocksdb"}}};
    profile_diff(&prof, same, 1, &d);
    build_fails(ACT_PROFILE, &t, &p, ACTION_UNSUPPORTED, "changes nothing");
    profile_diff_free(&d);
    profile_free(&prof);
}

/* ---- safety -------------------------------------------------------------------------- */

static void test_operator_patch_needs_resource_version(void **state) {
    (void)state;
    struct action_target t = operator_target();
    t.resource_version = NULL;
    struct action_params p = params();
    p.parallelism = 2;
    build_fails(ACT_RESCALE, &t, &p, ACTION_UNKNOWN_STATE, "version is not known");
    build_fails(ACT_SUSPEND, &t, &p, ACTION_UNKNOWN_STATE, "version is not known");
}

static void test_server_ids_that_do_not_belong_in_a_path_are_refused(void **state) {
    (void)state;
    struct action_params p = params();
    struct action_target pt = plain_target();
    pt.job_id = "../../jobmanager/config";
    build_fails(ACT_CANCEL, &pt, &p, ACTION_UNKNOWN_STATE, "id is not known");
    pt = plain_target();
    const char *bad_vertices[] = {V1, "x\"}"};
    pt.vertex_ids = bad_vertices;
    p.parallelism = 3;
    build_fails(ACT_RESCALE, &pt, &p, ACTION_UNKNOWN_STATE, "vertex ids");

    struct action_target t = operator_target();
    t.ns = "flink-prod/../kube-system";
    build_fails(ACT_RESTART, &t, &p, ACTION_UNKNOWN_STATE, "namespace");
    t = operator_target();
    t.name = "Orders?x=1";
    build_fails(ACT_RESTART, &t, &p, ACTION_UNKNOWN_STATE, "name");
}

static void test_target_from_parsed_resource(void **state) {
    (void)state;
    const char *body =
        "{\"apiVersion\":\"flink.apache.org/v1beta1\",\"kind\":\"FlinkDeployment\",\"metadata\":"
        "{\"name\":\"orders-etl\",\"namespace\":\"flink-prod\",\"resourceVersion\":\"99\","
        "\"generation\":3},\"spec\":{\"flinkVersion\":\"v1_20\",\"restartNonce\":5,\"job\":{"
        "\"parallelism\":2,\"upgradeMode\":\"savepoint\",\"state\":\"running\","
        "\"savepointTriggerNonce\":10}},\"status\":{\"jobStatus\":{\"jobId\":\"" JOB_ID
        "\",\"jobName\":\"Orders ETL\",\"state\":\"RUNNING\"}}}";
    struct flink_resource r;
    assert_int_equal(k8s_api_parse_flink_resource(body, strlen(body), &r, err, sizeof err), FA_OK);
    struct action_target t;
    action_target_from_resource(&t, &r, "orders", "prod", false);
    struct action_params p = params();
    struct action_plan plan;
    build_ok(ACT_SAVEPOINT, &t, &p, &plan);
    assert_string_equal(plan.body, "{\"metadata\":{\"resourceVersion\":\"99\"},\"spec\":{\"job\":"
                                   "{\"savepointTriggerNonce\":11}}}");
    assert_non_null(strstr(plan.effect, "job Orders ETL (" JOB_ID ") on orders"));
    action_plan_free(&plan);
    build_ok(ACT_RESTART, &t, &p, &plan);
    assert_non_null(strstr(plan.body, "\"restartNonce\":6"));
    action_plan_free(&plan);
    flink_resource_free(&r);
}

static void test_action_names_round_trip(void **state) {
    (void)state;
    for (int a = 0; a < ACT_COUNT; a++)
        assert_int_equal(action_parse(action_name((enum action)a)), a);
    assert_string_equal(action_name(ACT_SUSPEND), "suspend");
    assert_int_equal(action_parse("explode"), ACT_COUNT);
    assert_string_equal(action_name(ACT_COUNT), "?");
}

/* ---- answers ------------------------------------------------------------------------- */

static void test_parse_trigger_response(void **state) {
    (void)state;
    char id[33];
    const char *ok = "{\"request-id\":\"5e8f4c1d2b3a49687f0e1d2c3b4a5968\"}";
    assert_int_equal(action_parse_trigger(ok, strlen(ok), id, err, sizeof err), FA_OK);
    assert_string_equal(id, "5e8f4c1d2b3a49687f0e1d2c3b4a5968");
    const char *none = "{\"errors\":[\"nope\"]}";
    assert_int_equal(action_parse_trigger(none, strlen(none), id, err, sizeof err), FA_SHAPE);
    assert_string_equal(err, "the answer carried no request-id");
    const char *evil = "{\"request-id\":\"../../x\"}";
    assert_int_equal(action_parse_trigger(evil, strlen(evil), id, err, sizeof err), FA_SHAPE);
    assert_int_equal(action_parse_trigger("<html>", 6, id, err, sizeof err), FA_SYNTAX);
}

static void test_parse_trigger_status(void **state) {
    (void)state;
    struct trigger_status s;
    const char *running = "{\"status\":{\"id\":\"IN_PROGRESS\"},\"operation\":null}";
    assert_int_equal(action_parse_trigger_status(running, strlen(running), &s, err, sizeof err),
                     FA_OK);
    assert_int_equal(s.state, TRIGGER_IN_PROGRESS);
    action_trigger_status_free(&s);

    const char *done = "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"location\":"
                       "\"s3://sp/savepoint-0a1b2c-5d6e7f8a9b0c\"}}";
    assert_int_equal(action_parse_trigger_status(done, strlen(done), &s, err, sizeof err), FA_OK);
    assert_int_equal(s.state, TRIGGER_COMPLETED);
    assert_string_equal(s.location, "s3://sp/savepoint-0a1b2c-5d6e7f8a9b0c");
    action_trigger_status_free(&s);

    const char *failed =
        "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{\"failure-cause\":{\"class\":"
        "\"java.util.concurrent.CompletionException\",\"stack-trace\":\"java.util.concurrent."
        "CompletionException: Checkpoint expired before completing.\\n\\tat org.apache.flink."
        "X\\u001b[31m\",\"serialized-throwable\":\"rO0AB\"}}}";
    assert_int_equal(action_parse_trigger_status(failed, strlen(failed), &s, err, sizeof err),
                     FA_OK);
    assert_int_equal(s.state, TRIGGER_FAILED);
    assert_string_equal(s.cause, "java.util.concurrent.CompletionException: Checkpoint expired "
                                 "before completing.");
    assert_null(s.location);
    action_trigger_status_free(&s);

    const char *empty = "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":{}}";
    assert_int_equal(action_parse_trigger_status(empty, strlen(empty), &s, err, sizeof err), FA_OK);
    assert_int_equal(s.state, TRIGGER_FAILED);
    assert_string_equal(s.cause, "completed without a location");
    action_trigger_status_free(&s);

    const char *shape = "{\"operation\":{}}";
    assert_int_equal(action_parse_trigger_status(shape, strlen(shape), &s, err, sizeof err),
                     FA_SHAPE);
    action_trigger_status_free(&s);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_savepoint_operator_creates_snapshot_when_served),
        cmocka_unit_test(test_snapshot_name_stays_a_valid_kubernetes_name),
        cmocka_unit_test(test_savepoint_operator_bumps_nonce_without_snapshots),
        cmocka_unit_test(test_savepoint_plain_posts_trigger),
        cmocka_unit_test(test_stop_operator_and_plain),
        cmocka_unit_test(test_suspend_operator_cancel_plain),
        cmocka_unit_test(test_rescale_operator_patches_parallelism),
        cmocka_unit_test(test_rescale_is_checked_against_max_parallelism),
        cmocka_unit_test(test_rescale_plain_puts_resource_requirements),
        cmocka_unit_test(test_restart_operator_nonce_and_standalone_deployment),
        cmocka_unit_test(test_redeploy_from_savepoint),
        cmocka_unit_test(test_profile_patches_flink_configuration),
        cmocka_unit_test(test_operator_patch_needs_resource_version),
        cmocka_unit_test(test_server_ids_that_do_not_belong_in_a_path_are_refused),
        cmocka_unit_test(test_target_from_parsed_resource),
        cmocka_unit_test(test_action_names_round_trip),
        cmocka_unit_test(test_parse_trigger_response),
        cmocka_unit_test(test_parse_trigger_status),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
