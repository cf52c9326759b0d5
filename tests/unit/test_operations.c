/* What a refused action tells the user: the server's own reason for 403 (the RBAC
 * line), 409 (changed since read: press again), 404 (gone), 5xx, and a transport error
 * as http.c worded it; a Flink error body or a Kubernetes Status, whichever came. And
 * the list itself: a request that cannot be made fails at once, is audited, and the
 * double-submit check sees only running operations. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "http.h"
#include "operations.h"

static void describe(long status, const char *body, bool k8s, char *out, size_t size) {
    struct http_response r = {HTTP_FAILED, status, body, strlen(body), "HTTP error", 5};
    operations_describe_failure(&r, k8s, out, size);
}

static void test_forbidden_carries_rbac_message(void **state) {
    (void)state;
    char line[512];
    describe(403,
             "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":"
             "\"flinkdeployments.flink.apache.org \\\"production\\\" is forbidden: User "
             "\\\"bob\\\" cannot patch resource \\\"flinkdeployments\\\" in API group "
             "\\\"flink.apache.org\\\" in the namespace \\\"flink-prod\\\"\",\"reason\":"
             "\"Forbidden\",\"code\":403}",
             true, line, sizeof line);
    assert_non_null(strstr(line, "forbidden (403)"));
    assert_non_null(strstr(line, "cannot patch resource \"flinkdeployments\""));
    assert_non_null(strstr(line, "flink-prod"));
}

static void test_conflict_says_press_again(void **state) {
    (void)state;
    char line[512];
    describe(409,
             "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"Operation cannot be "
             "fulfilled: the object has been modified\",\"reason\":\"Conflict\",\"code\":409}",
             true, line, sizeof line);
    assert_non_null(strstr(line, "conflict (409)"));
    assert_non_null(strstr(line, "again"));
    assert_non_null(strstr(line, "the object has been modified"));
}

static void test_flink_errors(void **state) {
    (void)state;
    char line[512];
    describe(404, "{\"errors\":[\"Job 00000000000000000000000000000042 not found\"]}", false, line,
             sizeof line);
    assert_non_null(strstr(line, "the job is gone"));
    assert_non_null(strstr(line, "not found"));
    describe(400,
             "{\"errors\":[\"Config key [state.savepoints.dir] is not set. Property "
             "[target-directory] must be provided.\"]}",
             false, line, sizeof line);
    assert_non_null(strstr(line, "HTTP 400"));
    assert_non_null(strstr(line, "target-directory"));
    describe(503, "<html>Service Unavailable</html>", false, line, sizeof line);
    assert_string_equal(line, "server error HTTP 503");
}

static void test_transport_error_is_http_line(void **state) {
    (void)state;
    char line[512];
    struct http_response r = {HTTP_FAILED, 0, "", 0, "timed out after 5 s", 5000};
    operations_describe_failure(&r, true, line, sizeof line);
    assert_string_equal(line, "timed out after 5 s");
}

struct audit_log {
    int calls;
    char phases[8][16];
};

static int audit(void *arg, const struct operation *op, const char *phase, char *err,
                 size_t errlen) {
    struct audit_log *a = arg;
    (void)op;
    (void)err;
    (void)errlen;
    if (a->calls < 8)
        snprintf(a->phases[a->calls], sizeof a->phases[a->calls], "%s", phase);
    a->calls++;
    return 0;
}

/* An audit log that cannot take the line: the hook says so. */
static int audit_broken(void *arg, const struct operation *op, const char *phase, char *err,
                        size_t errlen) {
    (void)op;
    (void)phase;
    (*(int *)arg)++;
    snprintf(err, errlen, "audit log /x/audit.log: Read-only file system");
    return -1;
}

static void test_unwritable_audit_sends_nothing(void **state) {
    (void)state;
    struct http *h = http_new(1000, 1024);
    int calls = 0;
    struct operations *ops = operations_new(h, audit_broken, &calls);
    char err[256] = "";
    struct op_request r = {0};
    r.action = "savepoint";
    r.cluster = "prod";
    r.base_url = "http://127.0.0.1:9";
    r.path = "/jobs/a0000000000000000000000000000001/savepoints";
    r.method = "POST";
    r.body = "{}";
    assert_null(operations_start(ops, &r, err, sizeof err));
    assert_int_equal(calls, 1);
    assert_non_null(strstr(err, "audit"));
    assert_non_null(strstr(err, "Read-only file system"));
    assert_int_equal(http_pending(h), 0); /* nothing went out */
    assert_int_equal(operations_count(ops), 0);
    http_free(h);
    operations_free(ops);
}

/* A time-out or a connection closed without an answer may have arrived; a refused
 * connection, an unknown host or a TLS handshake never did; an answer says itself. */
static void test_maybe_delivered(void **state) {
    (void)state;
    struct http_response r = {HTTP_FAILED, 0, "", 0, "timed out after 5 s", 5000};
    assert_true(operations_maybe_delivered(&r));
    r.error = "server closed the connection without answering";
    assert_true(operations_maybe_delivered(&r));
    r.error = "connection refused";
    assert_false(operations_maybe_delivered(&r));
    r.error = "cannot resolve host";
    assert_false(operations_maybe_delivered(&r));
    r.error = "TLS: handshake failed";
    assert_false(operations_maybe_delivered(&r));
    r.status = 503;
    r.error = "HTTP 503 from /x";
    assert_false(operations_maybe_delivered(&r));
}

static void test_unmakeable_request_fails_and_is_audited(void **state) {
    (void)state;
    struct http *h = http_new(1000, 1024);
    struct audit_log log = {0};
    struct operations *ops = operations_new(h, audit, &log);
    char err[128];
    struct op_request r = {0};
    r.action = "savepoint";
    r.cluster = "prod";
    r.job_id = "a0000000000000000000000000000001";
    r.base_url = "bad url with spaces\x01";
    r.path = "/jobs/x/savepoints";
    r.method = "POST";
    const struct operation *op = operations_start(ops, &r, err, sizeof err);
    assert_non_null(op);
    if (op->state == OP_RUNNING) { /* curl may accept the URL and fail on sending */
        while (http_pending(h) > 0)
            http_perform(h);
    }
    assert_int_equal(op->state, OP_FAILED);
    assert_int_equal(log.calls, 2);
    assert_string_equal(log.phases[0], "requested");
    assert_string_equal(log.phases[1], "failed");
    assert_null(operations_running(ops, r.cluster_id, r.job_id, "savepoint"));
    assert_false(operations_busy(ops, r.cluster_id, NULL));
    assert_int_equal(operations_count(ops), 1);
    assert_true(operations_take_changed(ops));
    assert_false(operations_take_changed(ops));
    http_free(h);
    operations_free(ops);
}

/* Two clusters may share a name (a "production" in two contexts): what runs on one is
 * found by its id, and the other is not busy. */
static void test_operations_match_the_cluster_id_not_the_name(void **state) {
    (void)state;
    struct http *h = http_new(1000, 1024);
    struct operations *ops = operations_new(h, NULL, NULL);
    char err[128];
    struct op_request r = {0};
    r.action = "savepoint";
    r.cluster_id = 1;
    r.cluster = "production";
    r.context = "eu";
    r.job_id = "a0000000000000000000000000000001";
    r.base_url = "http://127.0.0.1:9";
    r.path = "/jobs/a0000000000000000000000000000001/savepoints";
    r.method = "POST";
    r.body = "{}";
    const struct operation *op = operations_start(ops, &r, err, sizeof err);
    assert_non_null(op);
    assert_int_equal(op->state, OP_RUNNING); /* submitted, not yet performed */
    assert_int_equal(op->cluster_id, 1);
    assert_ptr_equal(operations_running(ops, 1, r.job_id, "savepoint"), op);
    assert_ptr_equal(operations_unsettled(ops, 1, r.job_id, NULL), op);
    assert_true(operations_busy(ops, 1, NULL));
    assert_null(operations_running(ops, 0, r.job_id, "savepoint"));
    assert_null(operations_unsettled(ops, 0, r.job_id, NULL));
    assert_false(operations_busy(ops, 0, NULL));
    http_free(h);
    operations_free(ops);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forbidden_carries_rbac_message),
        cmocka_unit_test(test_conflict_says_press_again),
        cmocka_unit_test(test_flink_errors),
        cmocka_unit_test(test_transport_error_is_http_line),
        cmocka_unit_test(test_unmakeable_request_fails_and_is_audited),
        cmocka_unit_test(test_unwritable_audit_sends_nothing),
        cmocka_unit_test(test_maybe_delivered),
        cmocka_unit_test(test_operations_match_the_cluster_id_not_the_name),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
