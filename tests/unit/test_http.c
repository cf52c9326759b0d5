/* http.c against real sockets on loopback: a forked one-shot server answers with the
 * bytes a case needs, so the client's error lines are checked end to end. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"

struct result {
    bool done;
    enum http_outcome outcome;
    long status;
    char error[256];
    char body[64];
    size_t len;
};

static void on_done(void *arg, const struct http_response *resp) {
    struct result *r = arg;
    r->done = true;
    r->outcome = resp->outcome;
    r->status = resp->status;
    snprintf(r->error, sizeof r->error, "%s", resp->error);
    snprintf(r->body, sizeof r->body, "%.*s", (int)(resp->len < 63 ? resp->len : 63), resp->body);
    r->len = resp->len;
}

static int listen_any(int *port) {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(fd, 16), 0);
    socklen_t len = sizeof a;
    getsockname(fd, (struct sockaddr *)&a, &len);
    *port = ntohs(a.sin_port);
    return fd;
}

/* Fork a server that reads one request and writes reply (reply_len bytes), then closes.
 * Returns its pid. */
static pid_t serve_once(int lfd, const char *reply, size_t reply_len) {
    pid_t pid = fork();
    if (pid == 0) {
        int c = accept(lfd, NULL, NULL);
        char req[4096];
        ssize_t n = read(c, req, sizeof req);
        (void)n;
        size_t off = 0;
        while (off < reply_len) {
            ssize_t w = write(c, reply + off, reply_len - off);
            if (w <= 0)
                break;
            off += (size_t)w;
        }
        close(c);
        _exit(0);
    }
    return pid;
}

/* Run the client until the request completes, with a deadline; never a fixed sleep. */
static void run_until_done(struct http *h, struct result *r, int64_t deadline_ms) {
    int64_t end = clock_mono_ms() + deadline_ms;
    while (!r->done && clock_mono_ms() < end) {
        int numfds;
        curl_multi_poll(http_multi(h), NULL, 0, 50, &numfds);
        http_perform(h);
    }
    assert_true(r->done);
}

static void get(struct http *h, const char *url, struct result *r) {
    struct http_request q = {0};
    q.url = url;
    q.done = on_done;
    q.arg = r;
    assert_int_equal(http_submit(h, &q), 0);
}

static void ok_response_gives_body(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                         "11\r\nConnection: close\r\n\r\n{\"jobs\":[]}";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result r = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    get(h, url, &r);
    run_until_done(h, &r, 5000);
    assert_int_equal(r.outcome, HTTP_OK);
    assert_int_equal(r.status, 200);
    assert_string_equal(r.body, "{\"jobs\":[]}");
    assert_string_equal(r.error, "");
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

static void status_503_names_status_and_path(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 2\r\nConnection: "
                         "close\r\n\r\n{}";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result r = {0};
    char url[80];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview?x=1", port);
    get(h, url, &r);
    run_until_done(h, &r, 5000);
    assert_int_equal(r.outcome, HTTP_FAILED);
    assert_string_equal(r.error, "HTTP 503 from /jobs/overview");
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

static void closed_port_is_connection_refused(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    close(lfd); /* nothing listens there now */
    struct http *h = http_new(2000, 1024);
    struct result r = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get(h, url, &r);
    run_until_done(h, &r, 5000);
    assert_int_equal(r.outcome, HTTP_FAILED);
    assert_string_equal(r.error, "connection refused");
    http_free(h);
}

static void silent_server_times_out_with_its_timeout(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port); /* accepts in the backlog, never answers */
    struct http *h = http_new(300, 1024);
    struct result r = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get(h, url, &r);
    run_until_done(h, &r, 5000);
    assert_int_equal(r.outcome, HTTP_FAILED);
    assert_string_equal(r.error, "timed out after 0.3 s");
    http_free(h);
    close(lfd);
}

static void body_over_cap_is_an_error_not_oom(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    /* No Content-Length: the cap must hold while streaming, not only from the header. */
    char reply[4096];
    int n = snprintf(reply, sizeof reply, "HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");
    memset(reply + n, 'x', sizeof reply - (size_t)n);
    pid_t pid = serve_once(lfd, reply, sizeof reply);
    struct http *h = http_new(2000, 1024);
    struct result r = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    get(h, url, &r);
    run_until_done(h, &r, 5000);
    assert_int_equal(r.outcome, HTTP_FAILED);
    assert_string_equal(r.error, "response over 1 KiB");
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

static void closed_without_answer_says_so(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    pid_t pid = serve_once(lfd, "", 0);
    struct http *h = http_new(2000, 1024);
    struct result r = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get(h, url, &r);
    run_until_done(h, &r, 5000);
    assert_int_equal(r.outcome, HTTP_FAILED);
    assert_string_equal(r.error, "server closed the connection without answering");
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

static void free_with_pending_request_completes_it_as_cancelled(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    struct http *h = http_new(5000, 1024);
    struct result r = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get(h, url, &r);
    assert_int_equal(http_pending(h), 1);
    http_free(h);
    assert_true(r.done);
    assert_string_equal(r.error, "cancelled");
    close(lfd);
}

/* Ten requests to one silent host: eight are sent, two wait their turn, and each of the
 * ten gets its full timeout from the moment it is sent. */
static void at_most_eight_in_flight_per_host(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    struct http *h = http_new(2000, 1024);
    struct result r[10];
    memset(r, 0, sizeof r);
    char url[10][64];
    for (int i = 0; i < 10; i++) { /* ten URLs: the same one ten times would be one transfer */
        snprintf(url[i], sizeof url[i], "http://127.0.0.1:%d/overview?i=%d", port, i);
        get(h, url[i], &r[i]);
    }
    int accepted = 0, conns[16];
    int64_t end = clock_mono_ms() + 10000;
    /* accept what arrives until the first timeouts free slots */
    while (accepted < 8 && clock_mono_ms() < end) {
        int numfds;
        curl_multi_poll(http_multi(h), NULL, 0, 20, &numfds);
        http_perform(h);
        struct timeval tv = {0, 0};
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(lfd, &fds);
        if (select(lfd + 1, &fds, NULL, NULL, &tv) > 0)
            conns[accepted++] = accept(lfd, NULL, NULL);
    }
    assert_int_equal(accepted, 8);
    int done = 0;
    for (int i = 0; i < 10; i++)
        done += r[i].done;
    assert_int_equal(done, 0);
    while (clock_mono_ms() < end) {
        done = 0;
        for (int i = 0; i < 10; i++)
            done += r[i].done;
        if (done == 10)
            break;
        int numfds;
        curl_multi_poll(http_multi(h), NULL, 0, 20, &numfds);
        http_perform(h);
    }
    assert_int_equal(done, 10);
    for (int i = 0; i < 10; i++)
        assert_string_equal(r[i].error, "timed out after 2 s");
    for (int i = 0; i < accepted; i++)
        close(conns[i]);
    http_free(h);
    close(lfd);
}

static void describe_error_lines(void **state) {
    (void)state;
    char out[256];
    http_describe_error(CURLE_OPERATION_TIMEDOUT, 0, "/x", 5000, 1024, false, 0, "", out,
                        sizeof out);
    assert_string_equal(out, "timed out after 5 s");
    http_describe_error(CURLE_PEER_FAILED_VERIFICATION, 0, "/x", 5000, 1024, false, 0,
                        "SSL certificate problem: unable to get local issuer certificate", out,
                        sizeof out);
    assert_string_equal(out, "TLS: certificate verify failed (unable to get local issuer "
                             "certificate)");
    http_describe_error(CURLE_FILESIZE_EXCEEDED, 0, "/x", 5000, 16u * 1024 * 1024, false, 0, "",
                        out, sizeof out);
    assert_string_equal(out, "response over 16 MiB");
    http_describe_error(CURLE_OK, 404, "/jobs/abc", 5000, 1024, false, 0, "", out, sizeof out);
    assert_string_equal(out, "HTTP 404 from /jobs/abc");
}

int main(void) {
    signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(ok_response_gives_body),
        cmocka_unit_test(status_503_names_status_and_path),
        cmocka_unit_test(closed_port_is_connection_refused),
        cmocka_unit_test(silent_server_times_out_with_its_timeout),
        cmocka_unit_test(body_over_cap_is_an_error_not_oom),
        cmocka_unit_test(closed_without_answer_says_so),
        cmocka_unit_test(free_with_pending_request_completes_it_as_cancelled),
        cmocka_unit_test(at_most_eight_in_flight_per_host),
        cmocka_unit_test(describe_error_lines),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
