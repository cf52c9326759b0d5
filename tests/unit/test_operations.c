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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

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


/* ---- a one-answer server on loopback: the operation's real HTTP path, no mock ---- */

static int listen_local(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 4), 0);
    socklen_t len = sizeof a;
    assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Drives h until one request has come to lfd and been answered with status and body, and
 * every transfer is done; the request line goes into line. Bounded: about 5 s. */
static void answer_one(struct http *h, int lfd, int status, const char *body, char *line,
                       size_t linelen) {
    int cfd = -1;
    for (int i = 0; i < 500 && cfd < 0; i++) {
        http_perform(h);
        struct pollfd p = {lfd, POLLIN, 0};
        if (poll(&p, 1, 10) == 1)
            cfd = accept(lfd, NULL, NULL);
    }
    assert_true(cfd >= 0);
    char req[4096];
    size_t got = 0;
    for (int i = 0; i < 500 && got < sizeof req - 1; i++) {
        http_perform(h);
        struct pollfd p = {cfd, POLLIN, 0};
        if (poll(&p, 1, 10) == 1) {
            ssize_t n = read(cfd, req + got, sizeof req - 1 - got);
            if (n <= 0)
                break;
            got += (size_t)n;
            req[got] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
    }
    req[got] = '\0';
    snprintf(line, linelen, "%.*s", (int)strcspn(req, "\r\n"), req);
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, strlen(body));
    assert_true(write(cfd, head, (size_t)n) == n);
    assert_true(write(cfd, body, strlen(body)) == (ssize_t)strlen(body));
    close(cfd);
    for (int i = 0; i < 500 && http_pending(h) > 0; i++) {
        http_perform(h);
        poll(NULL, 0, 10);
    }
    assert_int_equal(http_pending(h), 0);
}

/* A request-id with an escaped NUL ("r1\u0000/../x") is not cut to "r1" and followed as
 * if it were that savepoint: the operation fails and says why. */
static void test_request_id_with_nul_is_refused_not_cut(void **state) {
    (void)state;
    int port = 0, lfd = listen_local(&port);
    struct http *h = http_new(5000, 1 << 20);
    struct operations *ops = operations_new(h, NULL, NULL);
    char url[64], err[128], line[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    struct op_request r = {0};
    r.action = "savepoint";
    r.cluster = "prod";
    r.job_id = "a0000000000000000000000000000001";
    r.base_url = url;
    r.path = "/jobs/a0000000000000000000000000000001/savepoints";
    r.method = "POST";
    r.body = "{}";
    r.follow = OP_FOLLOW_TRIGGER;
    const struct operation *op = operations_start(ops, &r, err, sizeof err);
    assert_non_null(op);
    answer_one(h, lfd, 202, "{\"request-id\":\"r1\\u0000/../x\"}", line, sizeof line);
    assert_non_null(strstr(line, "POST /jobs/a0000000000000000000000000000001/savepoints"));
    assert_int_equal(op->state, OP_FAILED);
    assert_non_null(strstr(op->result, "request-id holds a NUL"));
    assert_string_not_equal(op->ref, "r1");
    operations_free(ops);
    http_free(h);
    close(lfd);
}

/* A savepoint's path with an escaped NUL in it is shown whole, the NUL as U+FFFD. */
static void test_savepoint_path_with_nul_is_shown_whole(void **state) {
    (void)state;
    int port = 0, lfd = listen_local(&port);
    struct http *h = http_new(5000, 1 << 20);
    struct operations *ops = operations_new(h, NULL, NULL);
    char url[64], err[128], line[256];
    snprintf(url, sizeof url, "http://127.0.0.1:%d", port);
    struct op_request r = {0};
    r.action = "savepoint";
    r.cluster = "prod";
    r.job_id = "a0000000000000000000000000000001";
    r.base_url = url;
    r.path = "/jobs/a0000000000000000000000000000001/savepoints";
    r.method = "POST";
    r.body = "{}";
    r.follow = OP_FOLLOW_TRIGGER;
    const struct operation *op = operations_start(ops, &r, err, sizeof err);
    assert_non_null(op);
    answer_one(h, lfd, 202, "{\"request-id\":\"r1\"}", line, sizeof line);
    assert_int_equal(op->state, OP_RUNNING);
    assert_string_equal(op->ref, "r1");
    /* the follow: its savepoint completed at a path with an escaped NUL in it */
    for (int i = 0; i < 300 && http_pending(h) == 0; i++) {
        operations_tick(ops, 0);
        poll(NULL, 0, 10);
    }
    answer_one(h, lfd, 200,
               "{\"status\":{\"id\":\"COMPLETED\"},\"operation\":"
               "{\"location\":\"s3://b/sp-1\\u0000-evil\"}}",
               line, sizeof line);
    assert_non_null(strstr(line, "GET /jobs/a0000000000000000000000000000001/savepoints/r1"));
    assert_int_equal(op->state, OP_SUCCEEDED);
    /* the whole path, the NUL shown as U+FFFD */
    assert_non_null(strstr(op->result, "s3://b/sp-1\xEF\xBF\xBD-evil"));
    operations_free(ops);
    http_free(h);
    close(lfd);
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
        cmocka_unit_test(test_request_id_with_nul_is_refused_not_cut),
        cmocka_unit_test(test_savepoint_path_with_nul_is_shown_whole),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
