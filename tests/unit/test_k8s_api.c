/* Kubernetes parsers on fixtures: real shapes of the Flink operator's resources, pods,
 * events, Status bodies, /version and discovery first, then what a broken or hostile
 * server sends. What is asserted is what the Kubernetes screen would show. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_api.h"
#include "fixture.h"
#include "xalloc.h"

static char err[160];

static struct body load(const char *name) { return fixture_load("k8s", name); }

static enum fa_status resources_from(const char *name, struct flink_resource_list *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = k8s_api_parse_flink_resources(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status resource_from(const char *name, struct flink_resource *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = k8s_api_parse_flink_resource(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status snapshots_from(const char *name, struct flink_snapshot_list *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = k8s_api_parse_snapshots(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status pods_from(const char *name, struct pod_list *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = k8s_api_parse_pods(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status events_from(const char *name, struct k8s_event_list *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = k8s_api_parse_events(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static char *status_from(const char *name) {
    struct body b = load(name);
    char *msg = k8s_api_error_message(b.data, b.len);
    free(b.data);
    return msg;
}

/* No C0 control, DEL or C1 control (UTF-8 C2 80..C2 9F) left in s. */
static void assert_clean(const char *s) {
    assert_non_null(s);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        assert_true(*p >= 0x20 && *p != 0x7f);
        if (p[0] == 0xC2)
            assert_false(p[1] >= 0x80 && p[1] <= 0x9F);
    }
}

/* s starts with prefix */
#define assert_prefix(s, prefix) assert_true(strncmp((s), (prefix), strlen(prefix)) == 0)

static const struct flink_resource *find_resource(const struct flink_resource_list *l,
                                                  const char *name) {
    for (size_t i = 0; i < l->len; i++)
        if (l->items[i].name != NULL && strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    fail_msg("no resource %s", name);
    return NULL;
}

static const struct pod *find_pod(const struct pod_list *l, const char *name) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    fail_msg("no pod %s", name);
    return NULL;
}

/* ---- FlinkDeployment ----------------------------------------------------------------- */

static void flinkdeployments_reads_every_item_in_order(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    assert_int_equal(l.len, 4);
    assert_string_equal(l.items[0].name, "production");
    assert_string_equal(l.items[1].name, "staging");
    assert_string_equal(l.items[2].name, "development");
    assert_string_equal(l.items[3].name, "session-cluster");
    for (size_t i = 0; i < l.len; i++)
        assert_int_equal(l.items[i].kind, FLINK_KIND_DEPLOYMENT);
    flink_resource_list_free(&l);
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void flinkdeployment_production_metadata_and_spec(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "production");
    assert_string_equal(r->namespace, "flink-prod");
    assert_string_equal(r->uid, "5f0c3d2e-8a61-4c1b-9f3e-2b7d6a4e91c0");
    assert_string_equal(r->resource_version, "48211937");
    assert_int_equal(r->generation, 7);
    assert_int_equal(r->created_ms, 1740906867000LL);
    const struct flink_resource_spec *sp = &r->spec;
    assert_string_equal(sp->image, "registry.example.com/data/orders-enrichment:2.14.3");
    assert_string_equal(sp->flink_version, "v1_20");
    assert_string_equal(sp->mode, "native");
    assert_string_equal(sp->service_account, "flink");
    assert_true(sp->has_job);
    assert_string_equal(sp->job.jar_uri, "local:///opt/flink/usrlib/orders-enrichment.jar");
    assert_string_equal(sp->job.entry_class, "com.example.orders.EnrichmentJob");
    assert_int_equal(sp->job.parallelism, 24);
    assert_string_equal(sp->job.upgrade_mode, "savepoint");
    assert_string_equal(sp->job.state, "running");
    assert_int_equal(sp->job.savepoint_trigger_nonce, 1741000123);
    assert_int_equal(sp->job.checkpoint_trigger_nonce, -1);
    assert_string_equal(sp->job.initial_savepoint_path,
                        "s3://flink-prod-state/savepoints/savepoint-8d9c4e-5a6b7c8d9e0f");
    assert_int_equal(sp->job.savepoint_redeploy_nonce, 2);
    assert_int_equal(sp->job.allow_non_restored_state, 0);
    assert_int_equal(sp->restart_nonce, 3);
    assert_int_equal(sp->tm_replicas, 6);
    assert_int_equal(sp->jm_replicas, 1);
    assert_null(sp->deployment_name);
    flink_resource_list_free(&l);
}

static void flinkdeployment_production_status(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource_status *st = &find_resource(&l, "production")->status;
    assert_true(st->present);
    assert_int_equal(st->lifecycle, LIFECYCLE_STABLE);
    assert_int_equal(st->jm_status, JM_DEPLOY_READY);
    assert_string_equal(st->job.job_id, "8d9c4e6f2a1b3c5d7e9f0a1b2c3d4e5f");
    assert_string_equal(st->job.job_name, "orders-enrichment");
    assert_int_equal(st->job.state, JOB_RUNNING);
    assert_string_equal(st->job.upgrade_savepoint_path,
                        "s3://flink-prod-state/savepoints/savepoint-8d9c4e-5a6b7c8d9e0f");
    assert_int_equal(st->reconciliation, RECONCILE_DEPLOYED);
    assert_null(st->error);
    assert_null(st->error_cause);
    assert_int_equal(st->observed_generation, 7);
    assert_string_equal(st->cluster_flink_version, "1.20.1");
    assert_int_equal(st->tm_replicas, 6);
    assert_string_equal(st->tm_label_selector, "component=taskmanager,app=production");
    flink_resource_list_free(&l);
}

static void flinkdeployment_job_times_are_epoch_ms_strings(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "production");
    assert_int_equal(r->status.job.start_ms, 1740906905123LL);
    assert_int_equal(r->status.job.update_ms, 1741003210456LL);
    const struct flink_resource *d = find_resource(&l, "development");
    assert_int_equal(d->status.job.start_ms, -1); /* absent */
    assert_int_equal(d->status.job.update_ms, 1741000212345LL);
    flink_resource_list_free(&l);
}

static void flinkdeployment_nested_configuration_is_flattened(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "production");
    assert_string_equal(flink_resource_conf(r, "state.backend.type"), "rocksdb");
    assert_string_equal(flink_resource_conf(r, "state.backend.incremental"), "true");
    assert_string_equal(flink_resource_conf(r, "taskmanager.numberOfTaskSlots"), "4");
    assert_string_equal(flink_resource_conf(r, "taskmanager.memory.managed.fraction"), "0.4");
    assert_string_equal(flink_resource_conf(r, "high-availability.type"), "kubernetes");
    assert_string_equal(flink_resource_conf(r, "restart-strategy.exponential-delay.max-backoff"),
                        "2 min");
    assert_string_equal(flink_resource_conf(r, "execution.checkpointing.interval"), "60s");
    /* Lists as the operator flattens them; an empty list gives no entry at all. */
    assert_string_equal(flink_resource_conf(r, "pipeline.jars"),
                        "local:///opt/flink/usrlib/orders-enrichment.jar;"
                        "local:///opt/flink/usrlib/udfs.jar");
    assert_null(flink_resource_conf(r, "metrics.reporters"));
    assert_null(flink_resource_conf(r, "state"));
    assert_null(flink_resource_conf(r, "state.backend"));
    /* File order, depth first. */
    assert_string_equal(r->spec.conf[0].key, "execution.checkpointing.interval");
    assert_string_equal(r->spec.conf[1].key, "high-availability.type");
    assert_string_equal(r->spec.conf[2].key, "high-availability.storageDir");
    assert_string_equal(r->spec.conf[3].key, "jobmanager.scheduler");
    assert_int_equal(r->spec.conf_len, 14);
    assert_false(r->spec.conf_truncated);
    /* The raw object is kept, nested, for diffs. */
    const cJSON *raw = r->spec.conf_raw;
    assert_true(cJSON_IsObject(raw));
    const cJSON *backend =
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(raw, "state"), "backend");
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(backend, "type")->valuestring, "rocksdb");
    flink_resource_list_free(&l);
}

static void flinkdeployment_flat_configuration_is_kept(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "staging");
    assert_int_equal(r->spec.conf_len, 4);
    assert_string_equal(r->spec.conf[1].key, "state.backend.type");
    assert_string_equal(r->spec.conf[1].value, "hashmap");
    assert_string_equal(flink_resource_conf(r, "taskmanager.numberOfTaskSlots"), "2");
    assert_null(flink_resource_conf(r, "nope"));
    flink_resource_list_free(&l);
}

static void flinkdeployment_upgrading_staging(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "staging");
    assert_string_equal(r->namespace, "flink-staging");
    assert_int_equal(r->status.lifecycle, LIFECYCLE_UPGRADING);
    assert_int_equal(r->status.reconciliation, RECONCILE_UPGRADING);
    assert_int_equal(r->status.jm_status, JM_DEPLOY_DEPLOYING);
    assert_int_equal(r->status.job.state, JOB_RECONCILING);
    /* The spec moved on and the operator has not caught up yet. */
    assert_int_equal(r->generation, 13);
    assert_int_equal(r->status.observed_generation, 12);
    assert_int_equal(r->spec.tm_replicas, -1);
    assert_int_equal(r->status.tm_replicas, 0);
    assert_null(r->status.tm_label_selector); /* "" while not running */
    assert_null(r->status.cluster_flink_version);
    assert_null(r->spec.mode);
    assert_int_equal(r->spec.restart_nonce, -1);
    assert_int_equal(r->spec.job.savepoint_trigger_nonce, -1);
    flink_resource_list_free(&l);
}

static void flinkdeployment_json_error_becomes_one_line(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "development");
    assert_int_equal(r->status.lifecycle, LIFECYCLE_FAILED);
    assert_int_equal(r->status.jm_status, JM_DEPLOY_ERROR);
    assert_int_equal(r->status.job.state, JOB_FAILED);
    assert_string_equal(r->status.job.job_id, "");
    assert_string_equal(r->status.error,
                        "DeploymentFailedException: back-off 5m0s restarting failed "
                        "container=flink-main-container pod=development-7d9f8c6b5-x2x9q_flink-dev"
                        "(3e1c9a70-5b2d-4f8e-a6c1-9d0b2e4f6a83)");
    assert_null(r->status.error_cause); /* empty throwableList */
    assert_string_equal(r->spec.flink_version, "v2_1");
    flink_resource_list_free(&l);
}

static void flinkdeployment_session_cluster_has_no_job(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "session-cluster");
    assert_false(r->spec.has_job);
    assert_null(r->spec.job.jar_uri);
    assert_int_equal(r->spec.job.parallelism, -1);
    assert_null(r->spec.job.upgrade_mode);
    assert_int_equal(r->spec.job.savepoint_trigger_nonce, -1);
    assert_int_equal(r->spec.tm_replicas, 2);
    assert_true(r->status.present);
    assert_int_equal(r->status.lifecycle, LIFECYCLE_STABLE);
    assert_int_equal(r->status.job.state, JOB_UNKNOWN);
    assert_string_equal(r->status.job.job_id, "");
    assert_null(r->status.job.job_name);
    assert_int_equal(r->status.job.start_ms, -1);
    assert_string_equal(r->status.cluster_flink_version, "1.19.2");
    flink_resource_list_free(&l);
}

static void flinkdeployment_single_object_get(void **state) {
    (void)state;
    struct flink_resource r;
    assert_int_equal(resource_from("flinkdeployment.production.json", &r), FA_OK);
    assert_int_equal(r.kind, FLINK_KIND_DEPLOYMENT);
    assert_string_equal(r.name, "production");
    assert_int_equal(r.status.lifecycle, LIFECYCLE_STABLE);
    assert_string_equal(flink_resource_conf(&r, "state.backend.type"), "rocksdb");
    flink_resource_free(&r);
    assert_null(r.name);
    assert_null(r.spec.conf_raw);
}

static void flinkdeployment_just_created_without_status_is_unknown(void **state) {
    (void)state;
    struct flink_resource r;
    assert_int_equal(resource_from("flinkdeployment.just_created.json", &r), FA_OK);
    assert_string_equal(r.name, "newcomer");
    assert_int_equal(r.generation, 1);
    assert_true(r.spec.has_job);
    assert_int_equal(r.spec.job.parallelism, 2);
    assert_null(r.spec.job.state);
    assert_int_equal(r.spec.conf_len, 0);
    assert_null(r.spec.conf);
    assert_null(r.spec.conf_raw);
    assert_false(r.status.present);
    assert_int_equal(r.status.lifecycle, LIFECYCLE_UNKNOWN);
    assert_int_equal(r.status.jm_status, JM_DEPLOY_UNKNOWN);
    assert_int_equal(r.status.job.state, JOB_UNKNOWN);
    assert_int_equal(r.status.reconciliation, RECONCILE_UNKNOWN);
    assert_int_equal(r.status.observed_generation, -1);
    assert_int_equal(r.status.tm_replicas, -1);
    assert_null(r.status.error);
    flink_resource_free(&r);
}

static void flinkdeployment_single_object_status_body_is_its_message(void **state) {
    (void)state;
    struct flink_resource r;
    assert_int_equal(resource_from("status.forbidden.json", &r), FA_SHAPE);
    assert_non_null(strstr(err, "Kubernetes error: flinkdeployments.flink.apache.org is "
                                "forbidden"));
    assert_null(r.name);
    assert_null(r.spec.conf_raw);
    flink_resource_free(&r);
}

/* ---- FlinkSessionJob ----------------------------------------------------------------- */

static void flinksessionjobs_read_deployment_name_and_job(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinksessionjobs.json", &l), FA_OK);
    assert_int_equal(l.len, 3);
    const struct flink_resource *r = &l.items[0];
    assert_int_equal(r->kind, FLINK_KIND_SESSION_JOB);
    assert_string_equal(r->name, "clickstream-sessionize");
    assert_string_equal(r->spec.deployment_name, "session-cluster");
    assert_null(r->spec.image);
    assert_true(r->spec.has_job);
    assert_string_equal(r->spec.job.jar_uri,
                        "https://artifacts.example.com/flink/clickstream-sessionize-3.2.0.jar");
    assert_int_equal(r->spec.job.parallelism, 4);
    assert_int_equal(r->spec.job.savepoint_trigger_nonce, 0);
    assert_int_equal(r->spec.restart_nonce, 1);
    assert_string_equal(flink_resource_conf(r, "pipeline.name"), "clickstream-sessionize");
    assert_int_equal(r->status.lifecycle, LIFECYCLE_STABLE);
    assert_int_equal(r->status.jm_status, JM_DEPLOY_UNKNOWN); /* not in a session job */
    assert_string_equal(r->status.job.job_id, "a0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5");
    assert_int_equal(r->status.job.state, JOB_RUNNING);
    assert_int_equal(r->status.job.start_ms, 1739176300500LL);
    assert_null(r->status.error); /* "" when healthy */
    flink_resource_list_free(&l);
}

static void flinksessionjob_error_keeps_first_line_and_root_cause(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinksessionjobs.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "fraud-rules");
    assert_int_equal(r->status.lifecycle, LIFECYCLE_UPGRADING);
    assert_int_equal(r->status.job.state, JOB_RECONCILING);
    assert_clean(r->status.error);
    assert_prefix(r->status.error,
                  "ReconciliationException: org.apache.flink.util.FlinkRuntimeException: ");
    /* The server's stack trace is folded into the one line. */
    assert_non_null(strstr(r->status.error, "<Exception on server side: "
                                            "org.apache.flink.runtime.client."
                                            "JobSubmissionException: Failed to submit job. at "));
    assert_null(strstr(r->status.error, "  "));
    assert_string_equal(r->status.error_cause,
                        "RestClientException: [org.apache.flink.runtime.client."
                        "DuplicateJobSubmissionException: Job has already been submitted.]");
    flink_resource_list_free(&l);
}

static void flinksessionjob_plain_string_error_is_kept(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinksessionjobs.json", &l), FA_OK);
    const struct flink_resource *r = find_resource(&l, "legacy-export");
    assert_string_equal(r->status.error, "Job Not Found");
    assert_null(r->status.error_cause);
    assert_int_equal(r->status.lifecycle, LIFECYCLE_DEPLOYED);
    assert_int_equal(r->status.reconciliation, RECONCILE_DEPLOYED);
    flink_resource_list_free(&l);
}

/* ---- malformed resources ------------------------------------------------------------- */

static void flinkdeployments_truncated_is_syntax_error(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.truncated.json", &l), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte "));
    assert_null(l.items);
    assert_int_equal(l.len, 0);
    flink_resource_list_free(&l);
}

static void flinkdeployments_html_is_syntax_error(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.not_json.json", &l), FA_SYNTAX);
    assert_string_equal(err, "malformed JSON at byte 0");
    assert_int_equal(l.len, 0);
}

static void flinkdeployments_empty_body_is_empty_error(void **state) {
    (void)state;
    struct flink_resource_list l;
    memset(&l, 0x5a, sizeof l);
    char one = ' ';
    assert_int_equal(k8s_api_parse_flink_resources(&one, 1, &l, err, sizeof err), FA_EMPTY);
    assert_string_equal(err, "empty response");
    assert_null(l.items);
    assert_int_equal(k8s_api_parse_flink_resources(NULL, 0, &l, err, sizeof err), FA_EMPTY);
}

static void flinkdeployments_items_not_array_is_shape_error(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.items_not_array.json", &l), FA_SHAPE);
    assert_string_equal(err, "expected object with \"items\" array");
    assert_null(l.items);
    assert_int_equal(resources_from("flinkdeployments.no_items.json", &l), FA_SHAPE);
    assert_int_equal(resources_from("flinkdeployments.top_level_array.json", &l), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
}

static void flinkdeployments_items_null_is_empty_list(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.items_null.json", &l), FA_OK);
    assert_int_equal(l.len, 0);
    flink_resource_list_free(&l);
}

static void flinkdeployments_status_body_is_shape_error_with_message(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("status.forbidden.json", &l), FA_SHAPE);
    assert_prefix(err, "Kubernetes error: flinkdeployments.flink.apache.org is forbidden");
    assert_int_equal(strlen(err), sizeof err - 1); /* cut to the buffer, NUL-terminated */
    assert_null(l.items);
}

static void flinkdeployments_wrong_types_are_unknown(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.wrong_types.json", &l), FA_OK);
    /* Non-objects and items without a string name are skipped. */
    assert_int_equal(l.len, 2);
    const struct flink_resource *w = &l.items[0];
    assert_string_equal(w->name, "wrong");
    assert_null(w->namespace);
    assert_null(w->uid);
    assert_int_equal(w->generation, -1);
    assert_int_equal(w->created_ms, -1);
    assert_null(w->spec.image);
    assert_null(w->spec.flink_version);
    assert_false(w->spec.has_job);
    assert_int_equal(w->spec.restart_nonce, -1);
    assert_int_equal(w->spec.tm_replicas, -1);
    assert_int_equal(w->spec.jm_replicas, -1);
    assert_int_equal(w->spec.conf_len, 0);
    assert_null(w->spec.conf_raw);
    assert_false(w->status.present);

    const struct flink_resource *s = &l.items[1];
    assert_string_equal(s->name, "wrong-status");
    assert_int_equal(s->generation, -1);
    assert_true(s->spec.has_job);
    assert_int_equal(s->spec.job.parallelism, 24); /* numeric string, as Flink sends some */
    assert_null(s->spec.job.state);
    assert_null(s->spec.job.upgrade_mode);
    assert_int_equal(s->spec.job.savepoint_trigger_nonce, 12);
    assert_int_equal(s->spec.job.allow_non_restored_state, -1);
    assert_int_equal(s->spec.conf_len, 0); /* a YAML string, not an object */
    assert_true(s->status.present);
    assert_int_equal(s->status.lifecycle, LIFECYCLE_UNKNOWN);
    assert_int_equal(s->status.jm_status, JM_DEPLOY_UNKNOWN);
    assert_string_equal(s->status.job.job_id, "");
    assert_int_equal(s->status.job.state, JOB_UNKNOWN); /* lower case is not a state */
    assert_int_equal(s->status.job.start_ms, -1);
    assert_int_equal(s->status.job.update_ms, -1);
    assert_null(s->status.job.job_name);
    assert_int_equal(s->status.reconciliation, RECONCILE_UNKNOWN);
    assert_null(s->status.error);
    assert_int_equal(s->status.observed_generation, -1);
    assert_null(s->status.cluster_flink_version);
    assert_int_equal(s->status.tm_replicas, -1);
    flink_resource_list_free(&l);
}

static void flinkdeployments_huge_numbers_are_unknown(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.huge_numbers.json", &l), FA_OK);
    assert_int_equal(l.len, 1);
    const struct flink_resource *r = &l.items[0];
    assert_int_equal(r->spec.job.parallelism, -1);
    assert_int_equal(r->spec.job.savepoint_trigger_nonce, -1);
    assert_int_equal(r->spec.tm_replicas, -1);
    /* Past 2^53 a JSON number is only as exact as a double. */
    assert_int_equal(r->spec.restart_nonce, 9007199254740992LL);
    assert_int_equal(r->status.observed_generation, -1);
    assert_int_equal(r->status.job.start_ms, -1);
    assert_int_equal(r->status.job.update_ms, -1);
    assert_int_equal(r->status.tm_replicas, -1);
    flink_resource_list_free(&l);
}

static void flinkdeployments_hostile_strings_are_sanitised(void **state) {
    (void)state;
    struct flink_resource_list l;
    assert_int_equal(resources_from("flinkdeployments.hostile.json", &l), FA_OK);
    assert_int_equal(l.len, 1);
    const struct flink_resource *r = &l.items[0];
    assert_string_equal(r->name, "订单-red");
    assert_string_equal(r->namespace, "flink-prod");
    assert_clean(r->spec.image);
    assert_clean(r->spec.job.jar_uri);
    assert_string_equal(r->spec.job.jar_uri, "local:///x.jar");
    assert_string_equal(r->status.job.job_name, "作业 blink");
    assert_clean(r->status.error);
    assert_string_equal(r->status.error, "Exception: line one line two red end 31m");
    for (size_t i = 0; i < r->spec.conf_len; i++) {
        assert_clean(r->spec.conf[i].key);
        assert_clean(r->spec.conf[i].value);
    }
    assert_string_equal(r->spec.conf[0].key, "ab.c");
    assert_string_equal(r->spec.conf[0].value, "vnext");
    /* The raw copy is sanitised too, keys included. */
    const cJSON *ab = cJSON_GetObjectItemCaseSensitive(r->spec.conf_raw, "ab");
    assert_non_null(ab);
    assert_string_equal(cJSON_GetObjectItemCaseSensitive(ab, "c")->valuestring, "vnext");
    flink_resource_list_free(&l);
}

static void flinkdeployment_configuration_values_render_as_text(void **state) {
    (void)state;
    struct flink_resource r;
    assert_int_equal(resource_from("flinkdeployment.conf_types.json", &r), FA_OK);
    assert_string_equal(flink_resource_conf(&r, "int"), "4");
    assert_string_equal(flink_resource_conf(&r, "negative"), "-2.5");
    assert_string_equal(flink_resource_conf(&r, "fraction"), "0.1");
    assert_string_equal(flink_resource_conf(&r, "big"), "1e+300");
    assert_string_equal(flink_resource_conf(&r, "past-int64"), "1e+19");
    assert_string_equal(flink_resource_conf(&r, "on"), "true");
    assert_string_equal(flink_resource_conf(&r, "off"), "false");
    assert_string_equal(flink_resource_conf(&r, "unset"), "null");
    assert_string_equal(flink_resource_conf(&r, "list"), "1;true;null;;s;0.75");
    assert_null(flink_resource_conf(&r, "empty-list"));
    assert_null(flink_resource_conf(&r, "empty-map"));
    /* A flat and a nested spelling of one key: one entry, in the first place, last value. */
    assert_string_equal(flink_resource_conf(&r, "state.backend.type"), "rocksdb");
    assert_string_equal(r.spec.conf[9].key, "state.backend.type");
    assert_string_equal(flink_resource_conf(&r, ""), "empty key");
    assert_int_equal(r.spec.conf_len, 11);
    flink_resource_free(&r);
}

static void flinkdeployment_configuration_over_limits_is_truncated(void **state) {
    (void)state;
    struct flink_resource r;
    assert_int_equal(resource_from("flinkdeployment.conf_overflow.json", &r), FA_OK);
    assert_int_equal(r.spec.conf_len, FLINK_CONF_MAX);
    assert_true(r.spec.conf_truncated);
    assert_string_equal(r.spec.conf[0].key, "m.r0");
    assert_string_equal(flink_resource_conf(&r, "m.r4095"), "1");
    assert_null(flink_resource_conf(&r, "m.r4096"));
    assert_non_null(r.spec.conf_raw);
    flink_resource_free(&r);
}

static void parse_reads_only_len_bytes(void **state) {
    (void)state;
    /* A valid list followed by garbage the parser must not see. */
    static const char text[] = "{\"kind\":\"FlinkDeploymentList\",\"items\":[]}GARBAGE";
    struct flink_resource_list l;
    assert_int_equal(k8s_api_parse_flink_resources(text, sizeof text - 1 - 7, &l, err, sizeof err),
                     FA_OK);
    assert_int_equal(l.len, 0);
    flink_resource_list_free(&l);
    assert_int_equal(k8s_api_parse_flink_resources(text, sizeof text - 1, &l, err, sizeof err),
                     FA_SYNTAX);
}

/* ---- status.error lines -------------------------------------------------------------- */

static void error_line_variants(void **state) {
    (void)state;
    char *s = k8s_api_error_line("{\"type\":\"a.b.C\",\"message\":\"boom\"}");
    assert_string_equal(s, "C: boom");
    free(s);
    s = k8s_api_error_line("  {\"type\":\"org.x.OnlyType\"}");
    assert_string_equal(s, "OnlyType");
    free(s);
    s = k8s_api_error_line("{\"message\":\"only message\"}");
    assert_string_equal(s, "only message");
    free(s);
    s = k8s_api_error_line("{not json at all");
    assert_string_equal(s, "{not json at all");
    free(s);
    s = k8s_api_error_line("{\"other\":1}");
    assert_string_equal(s, "{\"other\":1}");
    free(s);
    s = k8s_api_error_line("  \n\t ");
    assert_null(s);
    assert_null(k8s_api_error_line(NULL));
}

static void error_line_is_capped_at_a_character_boundary(void **state) {
    (void)state;
    /* 3-byte characters so the cap falls inside one. */
    size_t n = 2000;
    char *raw = xmalloc(n * 3 + 1);
    for (size_t i = 0; i < n; i++)
        memcpy(raw + 3 * i, "\xe4\xbd\x9c", 3);
    raw[n * 3] = '\0';
    char *s = k8s_api_error_line(raw);
    size_t len = strlen(s);
    assert_true(len <= K8S_LINE_MAX);
    assert_true(len > K8S_LINE_MAX - 6);
    assert_memory_equal(s + len - 3, "\xe2\x80\xa6", 3);
    assert_int_equal((len - 3) % 3, 0); /* whole characters before the ellipsis */
    free(s);
    free(raw);
}

/* ---- FlinkStateSnapshot -------------------------------------------------------------- */

static void snapshots_read_every_state_newest_first(void **state) {
    (void)state;
    struct flink_snapshot_list l;
    assert_int_equal(snapshots_from("flinkstatesnapshots.json", &l), FA_OK);
    assert_int_equal(l.len, 7);
    static const char *const names[] = {"production-savepoint-1741003500",
                                        "production-savepoint-1741003200",
                                        "production-checkpoint-1741000000",
                                        "production-savepoint-1740990000",
                                        "clickstream-sessionize-savepoint-1740900000",
                                        "production-savepoint-1740800000",
                                        "imported-savepoint"};
    static const enum snapshot_state states[] = {
        SNAPSHOT_TRIGGER_PENDING, SNAPSHOT_IN_PROGRESS, SNAPSHOT_COMPLETED, SNAPSHOT_COMPLETED,
        SNAPSHOT_FAILED,          SNAPSHOT_ABANDONED,   SNAPSHOT_UNKNOWN};
    for (size_t i = 0; i < l.len; i++) {
        assert_string_equal(l.items[i].name, names[i]);
        assert_int_equal(l.items[i].state, states[i]);
        assert_string_equal(l.items[i].namespace, "flink-prod");
    }
    flink_snapshot_list_free(&l);
}

static void snapshot_fields_and_rfc3339_times(void **state) {
    (void)state;
    struct flink_snapshot_list l;
    assert_int_equal(snapshots_from("flinkstatesnapshots.json", &l), FA_OK);
    const struct flink_snapshot *pending = &l.items[0];
    assert_int_equal(pending->job_kind, FLINK_KIND_DEPLOYMENT);
    assert_string_equal(pending->job_name, "production");
    assert_false(pending->checkpoint);
    assert_int_equal(pending->trigger_ms, -1);
    assert_null(pending->trigger_id);
    assert_int_equal(pending->failures, 0);
    assert_int_equal(pending->created_ms, 1741003500000LL);

    const struct flink_snapshot *running = &l.items[1];
    assert_string_equal(running->trigger_id, "d2b0c1e4f3a5968778695a4b3c2d1e0f");
    assert_int_equal(running->trigger_ms, 1741003201482LL); /* nanoseconds cut to ms */
    assert_int_equal(running->result_ms, -1);
    assert_null(running->path);

    const struct flink_snapshot *cp = &l.items[2];
    assert_true(cp->checkpoint);
    assert_null(cp->spec_path);
    assert_string_equal(
        cp->path, "s3://flink-prod-state/checkpoints/8d9c4e6f2a1b3c5d7e9f0a1b2c3d4e5f/chk-5120");

    const struct flink_snapshot *done = &l.items[3];
    assert_string_equal(done->path,
                        "s3://flink-prod-state/savepoints/savepoint-8d9c4e-1a2b3c4d5e6f");
    assert_int_equal(done->result_ms, 1740990072907LL);
    assert_int_equal(done->already_exists, 0);
    assert_null(done->error);

    const struct flink_snapshot *failed = &l.items[4];
    assert_int_equal(failed->job_kind, FLINK_KIND_SESSION_JOB);
    assert_string_equal(failed->job_name, "clickstream-sessionize");
    assert_int_equal(failed->failures, 2);
    assert_clean(failed->error);
    assert_prefix(failed->error, "java.util.concurrent.CompletionException: ");
    assert_non_null(strstr(failed->error, "suspending. at java.base/"));

    const struct flink_snapshot *imported = &l.items[6];
    assert_int_equal(imported->already_exists, 1);
    assert_string_equal(imported->spec_path,
                        "s3://flink-prod-state/savepoints/savepoint-imported-0001");
    assert_int_equal(imported->state, SNAPSHOT_UNKNOWN); /* no status yet */
    assert_int_equal(imported->failures, -1);
    flink_snapshot_list_free(&l);
}

static void snapshot_single_object_and_status_body(void **state) {
    (void)state;
    static const char one[] =
        "{\"kind\":\"FlinkStateSnapshot\",\"metadata\":{\"name\":\"s1\",\"namespace\":\"n\"},"
        "\"spec\":{\"savepoint\":{}},\"status\":{\"state\":\"COMPLETED\","
        "\"triggerTimestamp\":\"1741003201000\"}}";
    struct flink_snapshot s;
    assert_int_equal(k8s_api_parse_snapshot(one, sizeof one - 1, &s, err, sizeof err), FA_OK);
    assert_string_equal(s.name, "s1");
    assert_int_equal(s.state, SNAPSHOT_COMPLETED);
    assert_int_equal(s.trigger_ms, 1741003201000LL); /* epoch ms string accepted too */
    flink_snapshot_free(&s);
    assert_null(s.name);

    struct body b = load("status.not_found.json");
    assert_int_equal(k8s_api_parse_snapshot(b.data, b.len, &s, err, sizeof err), FA_SHAPE);
    assert_string_equal(err, "Kubernetes error: the server could not find the requested resource");
    free(b.data);
    static const char nameless[] = "{\"metadata\":{}}";
    assert_int_equal(k8s_api_parse_snapshot(nameless, sizeof nameless - 1, &s, err, sizeof err),
                     FA_SHAPE);
    assert_string_equal(err, "expected object with metadata.name");
}

/* ---- Pods ---------------------------------------------------------------------------- */

static void pods_read_labels_phase_node_and_creation(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.json", &l), FA_OK);
    assert_int_equal(l.len, 7);
    const struct pod *jm = find_pod(&l, "production-6b8d9f7c5-4kq2m");
    assert_string_equal(jm->namespace, "flink-prod");
    assert_string_equal(jm->app, "production");
    assert_string_equal(jm->component, "jobmanager");
    assert_int_equal(jm->phase, POD_PHASE_RUNNING);
    assert_int_equal(jm->ready, 1);
    assert_int_equal(jm->containers_ready, 1);
    assert_int_equal(jm->containers_total, 1);
    assert_int_equal(jm->restarts, 0);
    assert_null(jm->term_reason);
    assert_int_equal(jm->term_ms, -1);
    assert_int_equal(jm->term_exit_code, -1);
    assert_null(jm->waiting_reason);
    assert_null(jm->reason);
    assert_string_equal(jm->node, "ip-10-0-12-31");
    const struct pod *tm = find_pod(&l, "production-taskmanager-1-1");
    assert_string_equal(tm->component, "taskmanager");
    assert_int_equal(tm->created_ms, 1740906948000LL);
    pod_list_free(&l);
    assert_null(l.items);
}

static void pods_oom_killed_last_state_with_restarts(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.json", &l), FA_OK);
    const struct pod *p = find_pod(&l, "production-taskmanager-1-2");
    assert_int_equal(p->ready, 1);
    assert_int_equal(p->restarts, 2);
    assert_string_equal(p->term_reason, "OOMKilled");
    assert_int_equal(p->term_exit_code, 137);
    assert_int_equal(p->term_ms, 1740992549000LL);
    assert_null(p->waiting_reason);
    pod_list_free(&l);
}

static void pods_crash_loop_back_off(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.json", &l), FA_OK);
    const struct pod *p = find_pod(&l, "development-7d9f8c6b5-x2x9q");
    assert_int_equal(p->phase, POD_PHASE_RUNNING);
    assert_int_equal(p->ready, 0);
    assert_int_equal(p->containers_ready, 0);
    assert_int_equal(p->restarts, 14);
    assert_string_equal(p->waiting_reason, "CrashLoopBackOff");
    assert_prefix(p->waiting_message, "back-off 5m0s restarting failed container");
    assert_string_equal(p->term_reason, "Error");
    assert_int_equal(p->term_exit_code, 1);
    assert_int_equal(p->term_ms, 1740998162000LL);
    pod_list_free(&l);
}

static void pods_pending_unschedulable(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.json", &l), FA_OK);
    const struct pod *p = find_pod(&l, "staging-taskmanager-2-3");
    assert_int_equal(p->phase, POD_PHASE_PENDING);
    assert_int_equal(p->ready, 0);
    assert_int_equal(p->containers_total, 1); /* from the spec */
    assert_int_equal(p->containers_ready, 0);
    assert_int_equal(p->restarts, -1); /* no container ever reported */
    assert_null(p->node);
    assert_string_equal(p->reason, "Unschedulable");
    assert_prefix(p->message, "0/9 nodes are available: 3 Insufficient memory");
    pod_list_free(&l);
}

static void pods_init_containers_count_restarts_not_terminations(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.json", &l), FA_OK);
    const struct pod *p = find_pod(&l, "flink-kubernetes-operator-6f9d5c7b8-hx2kp");
    assert_null(p->app);
    assert_int_equal(p->containers_total, 2);
    assert_int_equal(p->ready, 1);
    assert_int_equal(p->restarts, 4);
    assert_string_equal(p->term_reason, "Error"); /* not the init container's Completed */
    assert_int_equal(p->term_exit_code, 143);
    pod_list_free(&l);
}

static void pods_image_pull_and_evicted(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.image_pull.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    const struct pod *p = &l.items[0];
    assert_string_equal(p->waiting_reason, "Init:ImagePullBackOff");
    assert_string_equal(p->waiting_message,
                        "Back-off pulling image \"registry.example.com/tools/fetch:1\"");
    assert_int_equal(p->created_ms, 1740996000000LL); /* +01:00 offset */
    assert_int_equal(p->ready, 0);
    assert_int_equal(p->restarts, 0);
    const struct pod *e = &l.items[1];
    assert_int_equal(e->phase, POD_PHASE_FAILED);
    assert_string_equal(e->reason, "Evicted");
    assert_prefix(e->message, "The node was low on resource: memory.");
    assert_true(e->message[strlen(e->message) - 1] == '.'); /* trailing space trimmed */
    assert_int_equal(e->ready, 0);
    assert_int_equal(e->restarts, -1);
    pod_list_free(&l);
}

static void pods_wrong_types_are_unknown(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.wrong_types.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    const struct pod *bare = &l.items[0];
    assert_string_equal(bare->name, "bare");
    assert_int_equal(bare->phase, POD_PHASE_UNKNOWN);
    assert_int_equal(bare->ready, -1);
    assert_int_equal(bare->containers_total, -1);
    assert_int_equal(bare->restarts, -1);
    assert_int_equal(bare->created_ms, -1);
    const struct pod *t = &l.items[1];
    assert_null(t->namespace);
    assert_null(t->app);
    assert_null(t->node);
    assert_int_equal(t->created_ms, 1741000000); /* a number is taken as epoch ms */
    assert_int_equal(t->phase, POD_PHASE_UNKNOWN);
    assert_int_equal(t->containers_total, 2);
    assert_int_equal(t->containers_ready, 1);
    assert_int_equal(t->ready, 0);
    assert_int_equal(t->restarts, -1);
    assert_null(t->waiting_reason);
    assert_null(t->term_reason);
    assert_int_equal(t->term_exit_code, 137);
    assert_int_equal(t->term_ms, -1);
    pod_list_free(&l);
}

static void pods_of_resource_and_summary(void **state) {
    (void)state;
    struct pod_list l;
    assert_int_equal(pods_from("pods.json", &l), FA_OK);
    size_t n = 0;
    const struct pod **mine = pods_of_app(&l, "flink-prod", "production", &n);
    assert_int_equal(n, 3);
    assert_string_equal(mine[0]->name, "production-6b8d9f7c5-4kq2m");
    assert_string_equal(mine[2]->name, "production-taskmanager-1-2");
    free(mine);
    mine = pods_of_app(&l, NULL, "production", &n);
    assert_int_equal(n, 3);
    free(mine);
    assert_null(pods_of_app(&l, "flink-staging", "production", &n));
    assert_int_equal(n, 0);
    assert_null(pods_of_app(&l, NULL, "nobody", &n));

    struct pod_summary s = pod_list_summary(&l, "flink-prod", "production");
    assert_int_equal(s.total, 3);
    assert_int_equal(s.ready, 3);
    assert_int_equal(s.restarts, 2);
    assert_int_equal(s.oom_killed, 1);
    assert_int_equal(s.waiting, 0);
    assert_int_equal(s.pending, 0);
    s = pod_list_summary(&l, "flink-dev", "development");
    assert_int_equal(s.total, 1);
    assert_int_equal(s.ready, 0);
    assert_int_equal(s.restarts, 14);
    assert_int_equal(s.waiting, 1);
    s = pod_list_summary(&l, "flink-staging", "staging");
    assert_int_equal(s.total, 2);
    assert_int_equal(s.ready, 0);
    assert_int_equal(s.restarts, 0); /* the pending pod does not know its own */
    assert_int_equal(s.pending, 1);
    s = pod_list_summary(&l, NULL, "nobody");
    assert_int_equal(s.total, 0);
    assert_int_equal(s.restarts, -1);
    pod_list_free(&l);
}

/* ---- Events -------------------------------------------------------------------------- */

static void events_sorted_newest_first(void **state) {
    (void)state;
    struct k8s_event_list l;
    assert_int_equal(events_from("events.json", &l), FA_OK);
    assert_int_equal(l.len, 10);
    static const char *const reasons[] = {
        "Unhealthy", "BackOff",           "CrashLoopBackOff", "Pulled",  "Unhealthy",
        "Scheduled", "ScalingReplicaSet", "SpecChanged",      "Hostile", "Undated"};
    for (size_t i = 0; i < l.len; i++)
        assert_string_equal(l.items[i].reason, reasons[i]);
    assert_string_equal(l.items[0].object_name, "other-app-5c9f7-abcde");
    for (size_t i = 1; i + 1 < l.len; i++)
        assert_true(l.items[i].last_ms <= l.items[i - 1].last_ms);
    assert_int_equal(l.items[9].last_ms, -1);
    k8s_event_list_free(&l);
}

static void events_fields_counts_and_times(void **state) {
    (void)state;
    struct k8s_event_list l;
    assert_int_equal(events_from("events.json", &l), FA_OK);
    const struct k8s_event *backoff = &l.items[1];
    assert_string_equal(backoff->type, "Warning");
    assert_true(backoff->warning);
    assert_int_equal(backoff->count, 57);
    assert_string_equal(backoff->object_kind, "Pod");
    assert_string_equal(backoff->object_name, "development-7d9f8c6b5-x2x9q");
    assert_string_equal(backoff->namespace, "flink-dev");
    assert_string_equal(backoff->source, "kubelet");
    assert_int_equal(backoff->last_ms, 1740998469000LL);
    const struct k8s_event *crash = &l.items[2];
    assert_string_equal(crash->object_kind, "FlinkDeployment");
    assert_string_equal(crash->source, "Operator");
    /* series.count and series.lastObservedTime when count and lastTimestamp are absent */
    const struct k8s_event *probe = &l.items[4];
    assert_int_equal(probe->count, 4);
    assert_int_equal(probe->last_ms, 1740994200250LL);
    /* eventTime only (a newer-style core/v1 event) */
    const struct k8s_event *sched = &l.items[5];
    assert_false(sched->warning);
    assert_string_equal(sched->type, "Normal");
    assert_int_equal(sched->count, 1);
    assert_string_equal(sched->source, "default-scheduler");
    assert_int_equal(sched->last_ms, 1740988801412LL);
    const struct k8s_event *hostile = &l.items[8];
    assert_clean(hostile->message);
    assert_string_equal(hostile->message, "first line second red tabbed end");
    k8s_event_list_free(&l);
}

static void events_k8s_io_v1_shape(void **state) {
    (void)state;
    struct k8s_event_list l;
    assert_int_equal(events_from("events.v1.json", &l), FA_OK);
    assert_int_equal(l.len, 3);
    assert_string_equal(l.items[0].reason, "Unhealthy");
    assert_int_equal(l.items[0].count, 6);
    assert_int_equal(l.items[0].last_ms, 1741003860000LL);
    assert_string_equal(l.items[0].source, "kubelet");
    assert_string_equal(l.items[0].message, "Readiness probe failed: connection refused");
    assert_string_equal(l.items[1].reason, "FailedScheduling");
    assert_int_equal(l.items[1].count, 9);
    assert_int_equal(l.items[1].last_ms, 1741003830000LL);
    assert_string_equal(l.items[1].object_name, "staging-taskmanager-2-3");
    assert_string_equal(l.items[2].reason, "Scheduled");
    assert_int_equal(l.items[2].last_ms, 1741003300518LL);
    assert_string_equal(l.items[2].namespace, "flink-staging");
    k8s_event_list_free(&l);
}

static void events_of_resource_and_its_pods(void **state) {
    (void)state;
    struct k8s_event_list ev;
    struct pod_list pods;
    assert_int_equal(events_from("events.json", &ev), FA_OK);
    assert_int_equal(pods_from("pods.json", &pods), FA_OK);
    size_t n = 0;
    const struct k8s_event **mine = events_of(&ev, &pods, "flink-dev", "development", &n);
    assert_int_equal(n, 9); /* all but the other app's probe */
    assert_string_equal(mine[0]->reason, "BackOff");
    assert_string_equal(mine[8]->reason, "Undated");
    for (size_t i = 0; i < n; i++)
        assert_string_not_equal(mine[i]->object_name, "other-app-5c9f7-abcde");
    free(mine);
    /* Without the pods only the resource's own objects (FlinkDeployment, Deployment). */
    mine = events_of(&ev, NULL, "flink-dev", "development", &n);
    assert_int_equal(n, 5);
    free(mine);
    assert_null(events_of(&ev, &pods, "flink-prod", "development", &n));
    assert_int_equal(n, 0);
    k8s_event_list_free(&ev);
    pod_list_free(&pods);
}

static void events_sort_is_stable_for_equal_times(void **state) {
    (void)state;
    struct k8s_event_list l = {xcalloc(4, sizeof(struct k8s_event)), 4};
    int64_t times[] = {5, -1, 5, 9};
    for (size_t i = 0; i < 4; i++) {
        k8s_event_init(&l.items[i]);
        l.items[i].last_ms = times[i];
        l.items[i].count = (int)i;
    }
    k8s_api_sort_events(&l);
    assert_int_equal(l.items[0].count, 3);
    assert_int_equal(l.items[1].count, 0);
    assert_int_equal(l.items[2].count, 2);
    assert_int_equal(l.items[3].count, 1);
    k8s_event_list_free(&l);
}

/* ---- Status, version, discovery ------------------------------------------------------ */

static void status_forbidden_message(void **state) {
    (void)state;
    char *msg = status_from("status.forbidden.json");
    assert_string_equal(msg, "flinkdeployments.flink.apache.org is forbidden: User "
                             "\"system:serviceaccount:ops:flinktop\" cannot list resource "
                             "\"flinkdeployments\" in API group \"flink.apache.org\" in the "
                             "namespace \"flink-prod\"");
    free(msg);
    msg = status_from("status.no_message.json");
    assert_string_equal(msg, "Unauthorized");
    free(msg);
    msg = status_from("status.hostile.json");
    assert_clean(msg);
    assert_string_equal(msg, "denied second line");
    free(msg);
    assert_null(status_from("flinkdeployments.json"));
    assert_null(status_from("flinkdeployments.truncated.json"));
    assert_null(k8s_api_error_message(NULL, 0));
}

static void version_reads_major_minor_git_version(void **state) {
    (void)state;
    struct body b = load("version.json");
    struct k8s_version v;
    memset(&v, 0x5a, sizeof v);
    assert_int_equal(k8s_api_parse_version(b.data, b.len, &v, err, sizeof err), FA_OK);
    assert_int_equal(v.major, 1);
    assert_int_equal(v.minor, 29); /* "29+" on EKS and GKE */
    assert_string_equal(v.git_version, "v1.29.10-eks-7f9249a");
    assert_string_equal(v.platform, "linux/amd64");
    k8s_version_free(&v);
    free(b.data);
    b = load("version.wrong_types.json");
    assert_int_equal(k8s_api_parse_version(b.data, b.len, &v, err, sizeof err), FA_OK);
    assert_int_equal(v.major, 1);
    assert_int_equal(v.minor, -1);
    assert_null(v.git_version);
    assert_null(v.platform);
    k8s_version_free(&v);
    free(b.data);
}

static void discovery_with_and_without_snapshots(void **state) {
    (void)state;
    struct k8s_discovery d;
    struct body b = load("discovery.json");
    assert_int_equal(k8s_api_parse_discovery(b.data, b.len, &d, err, sizeof err), FA_OK);
    assert_true(d.deployments);
    assert_true(d.session_jobs);
    assert_true(d.snapshots);
    free(b.data);
    b = load("discovery.no_snapshots.json");
    assert_int_equal(k8s_api_parse_discovery(b.data, b.len, &d, err, sizeof err), FA_OK);
    assert_true(d.deployments);
    assert_true(d.session_jobs);
    assert_false(d.snapshots);
    free(b.data);
    b = load("discovery.status_only.json"); /* a subresource is not the resource */
    assert_int_equal(k8s_api_parse_discovery(b.data, b.len, &d, err, sizeof err), FA_OK);
    assert_false(d.deployments);
    free(b.data);
    b = load("status.not_found.json");
    assert_int_equal(k8s_api_parse_discovery(b.data, b.len, &d, err, sizeof err), FA_SHAPE);
    assert_string_equal(err, "Kubernetes error: the server could not find the requested resource");
    assert_false(d.deployments);
    free(b.data);
}

/* ---- names --------------------------------------------------------------------------- */

static void enum_names_round_trip(void **state) {
    (void)state;
    for (int i = 1; i < LIFECYCLE_COUNT; i++)
        assert_int_equal(flink_lifecycle_parse(flink_lifecycle_name((enum flink_lifecycle)i)), i);
    for (int i = 1; i < SNAPSHOT_STATE_COUNT; i++)
        assert_int_equal(snapshot_state_parse(snapshot_state_name((enum snapshot_state)i)), i);
    assert_string_equal(flink_lifecycle_name((enum flink_lifecycle)99), "UNKNOWN");
    assert_int_equal(flink_lifecycle_parse("stable"), LIFECYCLE_UNKNOWN);
    assert_int_equal(flink_kind_parse("FlinkSessionJob"), FLINK_KIND_SESSION_JOB);
    assert_string_equal(jm_deploy_state_name(JM_DEPLOY_DEPLOYED_NOT_READY), "DEPLOYED_NOT_READY");
    assert_string_equal(reconcile_state_name(RECONCILE_ROLLED_BACK), "ROLLED_BACK");
    assert_string_equal(pod_phase_name(POD_PHASE_SUCCEEDED), "Succeeded");
    assert_int_equal(pod_phase_parse(NULL), POD_PHASE_UNKNOWN);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flinkdeployments_reads_every_item_in_order),
        cmocka_unit_test(flinkdeployment_production_metadata_and_spec),
        cmocka_unit_test(flinkdeployment_production_status),
        cmocka_unit_test(flinkdeployment_job_times_are_epoch_ms_strings),
        cmocka_unit_test(flinkdeployment_nested_configuration_is_flattened),
        cmocka_unit_test(flinkdeployment_flat_configuration_is_kept),
        cmocka_unit_test(flinkdeployment_upgrading_staging),
        cmocka_unit_test(flinkdeployment_json_error_becomes_one_line),
        cmocka_unit_test(flinkdeployment_session_cluster_has_no_job),
        cmocka_unit_test(flinkdeployment_single_object_get),
        cmocka_unit_test(flinkdeployment_just_created_without_status_is_unknown),
        cmocka_unit_test(flinkdeployment_single_object_status_body_is_its_message),
        cmocka_unit_test(flinksessionjobs_read_deployment_name_and_job),
        cmocka_unit_test(flinksessionjob_error_keeps_first_line_and_root_cause),
        cmocka_unit_test(flinksessionjob_plain_string_error_is_kept),
        cmocka_unit_test(flinkdeployments_truncated_is_syntax_error),
        cmocka_unit_test(flinkdeployments_html_is_syntax_error),
        cmocka_unit_test(flinkdeployments_empty_body_is_empty_error),
        cmocka_unit_test(flinkdeployments_items_not_array_is_shape_error),
        cmocka_unit_test(flinkdeployments_items_null_is_empty_list),
        cmocka_unit_test(flinkdeployments_status_body_is_shape_error_with_message),
        cmocka_unit_test(flinkdeployments_wrong_types_are_unknown),
        cmocka_unit_test(flinkdeployments_huge_numbers_are_unknown),
        cmocka_unit_test(flinkdeployments_hostile_strings_are_sanitised),
        cmocka_unit_test(flinkdeployment_configuration_values_render_as_text),
        cmocka_unit_test(flinkdeployment_configuration_over_limits_is_truncated),
        cmocka_unit_test(parse_reads_only_len_bytes),
        cmocka_unit_test(error_line_variants),
        cmocka_unit_test(error_line_is_capped_at_a_character_boundary),
        cmocka_unit_test(snapshots_read_every_state_newest_first),
        cmocka_unit_test(snapshot_fields_and_rfc3339_times),
        cmocka_unit_test(snapshot_single_object_and_status_body),
        cmocka_unit_test(pods_read_labels_phase_node_and_creation),
        cmocka_unit_test(pods_oom_killed_last_state_with_restarts),
        cmocka_unit_test(pods_crash_loop_back_off),
        cmocka_unit_test(pods_pending_unschedulable),
        cmocka_unit_test(pods_init_containers_count_restarts_not_terminations),
        cmocka_unit_test(pods_image_pull_and_evicted),
        cmocka_unit_test(pods_wrong_types_are_unknown),
        cmocka_unit_test(pods_of_resource_and_summary),
        cmocka_unit_test(events_sorted_newest_first),
        cmocka_unit_test(events_fields_counts_and_times),
        cmocka_unit_test(events_k8s_io_v1_shape),
        cmocka_unit_test(events_of_resource_and_its_pods),
        cmocka_unit_test(events_sort_is_stable_for_equal_times),
        cmocka_unit_test(status_forbidden_message),
        cmocka_unit_test(version_reads_major_minor_git_version),
        cmocka_unit_test(discovery_with_and_without_snapshots),
        cmocka_unit_test(enum_names_round_trip),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
