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

static void get_at(struct http *h, const char *url, struct result *r, enum http_priority p) {
    struct http_request q = {0};
    q.url = url;
    q.done = on_done;
    q.arg = r;
    q.priority = p;
    assert_int_equal(http_submit(h, &q), 0);
}

static void get(struct http *h, const char *url, struct result *r) {
    get_at(h, url, r, HTTP_PRIO_DEFAULT);
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

/* Two callers ask for the same URL: one transfer, both answered. */
static void same_get_twice_is_one_transfer_with_two_answers(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 200 OK\r\nContent-Length: 11\r\nConnection: close\r\n\r\n"
                         "{\"jobs\":[]}";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result a = {0}, b = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    get(h, url, &a);
    get(h, url, &b);
    assert_int_equal(http_pending(h), 1);
    run_until_done(h, &b, 5000);
    assert_true(a.done);
    assert_string_equal(a.body, "{\"jobs\":[]}");
    assert_string_equal(b.body, "{\"jobs\":[]}");
    struct http_host_stats st;
    assert_int_equal(http_host_count(h), 1);
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.coalesced, 1);
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

/* The same URL with the same struct http_tls, its token rotated in between (a kubeconfig
 * reload refills it in place): the second GET does not join the first, which carries the
 * old token; with the token unchanged it does. */
static void a_rotated_token_is_not_joined_to_the_old_ones_transfer(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port); /* never answers */
    struct http *h = http_new(2000, 1024);
    struct http_tls tls = {.insecure = true, .bearer = "token-before"};
    struct result a = {0}, b = {0}, c = {0};
    struct result *rs[] = {&a, &b, &c};
    const char *tokens[] = {"token-before", "token-before", "token-after"};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    for (int i = 0; i < 3; i++) {
        char token[32];
        snprintf(token, sizeof token, "%s", tokens[i]); /* a new string each time */
        tls.bearer = token;
        struct http_request q = {.url = url, .done = on_done, .arg = rs[i], .tls = &tls,
                                 .priority = HTTP_PRIO_VIEW};
        assert_int_equal(http_submit(h, &q), 0);
    }
    assert_int_equal(http_pending(h), 2);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.coalesced, 1);
    http_free(h);
    assert_true(a.done && b.done && c.done);
    close(lfd);
}

/* A background GET waits for the budget; the same URL for the screen in view takes it
 * along at once: one transfer, sent now, both answered. A GET whose caller did not say
 * who waits is background: held by the budget like the rest. */
static void urgent_get_moves_the_queued_copy_up(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port); /* never answers */
    struct http *h = http_new(2000, 1024);
    http_set_budget(h, 0.001, 1);
    struct result first = {0}, bg = {0}, view = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get_at(h, url, &first, HTTP_PRIO_BACKGROUND); /* spends the only token */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    get_at(h, url, &bg, HTTP_PRIO_BACKGROUND);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.queued, 1);
    struct http_request q = {0};
    q.url = url;
    q.done = on_done;
    q.arg = &view;
    q.priority = HTTP_PRIO_VIEW;
    assert_int_equal(http_submit(h, &q), 0);
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 2);
    assert_int_equal(st.queued, 0);
    assert_int_equal(st.coalesced, 1);
    assert_int_equal(http_pending(h), 2);
    struct result legacy = {0};
    snprintf(url, sizeof url, "http://127.0.0.1:%d/taskmanagers", port);
    get(h, url, &legacy);
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 2); /* held: the budget is spent */
    assert_int_equal(st.queued, 1);
    assert_int_equal(st.throttled, 2);
    http_free(h);
    assert_true(bg.done && view.done && legacy.done);
    close(lfd);
}

/* A job comes on screen while its vertices' requests wait for the budget in the
 * background: http_promote moves exactly those up (the view never waits for tokens);
 * another job's stay queued, and nothing moves down. */
static void promote_moves_up_only_what_the_prefix_names(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port); /* never answers */
    struct http *h = http_new(2000, 1024);
    http_set_budget(h, 0.001, 1);
    struct result first = {0}, a1 = {0}, a2 = {0}, b1 = {0};
    char url[96], prefix[96];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get_at(h, url, &first, HTTP_PRIO_BACKGROUND); /* spends the only token */
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/aa/vertices/1/metrics", port);
    get_at(h, url, &a1, HTTP_PRIO_BACKGROUND);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/bb/vertices/1/metrics", port);
    get_at(h, url, &b1, HTTP_PRIO_BACKGROUND);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/aa/vertices/2/metrics", port);
    get_at(h, url, &a2, HTTP_PRIO_BOARD);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.queued, 3);
    snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/jobs/aa/", port);
    assert_int_equal(http_promote(h, prefix, HTTP_PRIO_VIEW), 2);
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 3);
    assert_int_equal(st.queued, 1); /* job bb's still waits */
    assert_int_equal(st.promoted, 2);
    /* asked again: nothing queued under the prefix, and a lower priority moves nothing */
    assert_int_equal(http_promote(h, prefix, HTTP_PRIO_VIEW), 0);
    snprintf(prefix, sizeof prefix, "http://127.0.0.1:%d/jobs/bb/", port);
    assert_int_equal(http_promote(h, prefix, HTTP_PRIO_BACKGROUND), 0);
    snprintf(prefix, sizeof prefix, "http://127.0.0.2:%d/jobs/bb/", port);
    assert_int_equal(http_promote(h, prefix, HTTP_PRIO_VIEW), 0); /* another host */
    http_host_stats(h, 0, &st);
    assert_int_equal(st.queued, 1);
    http_free(h);
    assert_true(a1.done && a2.done && b1.done);
    close(lfd);
}

/* 429/503 with Retry-After: nothing more goes to that server until the time is up. */
static void retry_after_holds_requests_back(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 503 Service Unavailable\r\nRetry-After: 30\r\n"
                         "Content-Length: 0\r\nConnection: close\r\n\r\n";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result a = {0}, b = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get(h, url, &a);
    run_until_done(h, &a, 5000);
    assert_string_equal(a.error, "HTTP 503 from /overview");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    get(h, url, &b);
    http_perform(h);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 1); /* the second waits */
    assert_int_equal(st.queued, 1);
    assert_true(http_wait_ms(h) > 25000 && http_wait_ms(h) <= 30000);
    assert_false(b.done);
    http_free(h); /* cancels it */
    assert_string_equal(b.error, "cancelled");
    close(lfd);
    waitpid(pid, NULL, 0);
}

/* 429 Too Many Requests with Retry-After: honoured even by the screen in view (the
 * server said so); only a user's action goes ahead. */
static void too_many_requests_holds_even_the_view(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 429 Too Many Requests\r\nRetry-After: 5\r\n"
                         "Content-Length: 0\r\nConnection: close\r\n\r\n";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result a = {0}, b = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/overview", port);
    get_at(h, url, &a, HTTP_PRIO_VIEW);
    run_until_done(h, &a, 5000);
    assert_string_equal(a.error, "HTTP 429 from /jobs/overview");
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get_at(h, url, &b, HTTP_PRIO_VIEW);
    http_perform(h);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.queued, 1);
    assert_true(http_wait_ms(h) > 4000 && http_wait_ms(h) <= 5000);
    assert_false(b.done);
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

/* A 503 without Retry-After: the next request waits a jittered back-off. */
static void failing_source_backs_off(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result a = {0}, b = {0};
    char url[64];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/overview", port);
    get(h, url, &a);
    run_until_done(h, &a, 5000);
    get(h, url, &b);
    http_perform(h);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 1);
    assert_int_equal(st.failed, 1);
    int64_t w = http_wait_ms(h);
    assert_true(w > 0 && w < HTTP_BACKOFF_BASE_MS);
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

/* One cluster failing does not hold back another on the same host (a reverse proxy,
 * the simulator's /clusters/NAME, an API server's service proxy). */
static void one_failing_cluster_holds_back_only_itself(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port);
    const char reply[] = "HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n"
                         "Connection: close\r\n\r\n";
    pid_t pid = serve_once(lfd, reply, sizeof reply - 1);
    struct http *h = http_new(2000, 1024);
    struct result a = {0}, a2 = {0}, b = {0}, pa = {0}, pb = {0};
    char url[160];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/clusters/a/overview", port);
    get(h, url, &a);
    run_until_done(h, &a, 5000);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/clusters/a/jobs/overview", port);
    get(h, url, &a2);
    snprintf(url, sizeof url, "http://127.0.0.1:%d/clusters/b/jobs/overview", port);
    get(h, url, &b);
    struct http_host_stats st;
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 2); /* b went, a's second waits */
    assert_int_equal(st.queued, 1);
    /* through a service proxy: each service is its own source */
#define PROXIED "/api/v1/namespaces/ns/services/%s-rest:rest/proxy/jobs/overview"
    snprintf(url, sizeof url, "http://127.0.0.1:%d" PROXIED, port, "a");
    get(h, url, &pa);
    snprintf(url, sizeof url, "http://127.0.0.1:%d" PROXIED, port, "b");
    get(h, url, &pb);
#undef PROXIED
    http_host_stats(h, 0, &st);
    assert_int_equal(st.sent, 4);
    http_free(h);
    close(lfd);
    waitpid(pid, NULL, 0);
}

/* ---- streaming ---- */

struct streamed {
    char data[256];
    size_t len;
    int pieces;
    bool done;
    enum http_outcome outcome;
    size_t body_len;
    char error[128];
    struct http *h;
    int64_t cancel_id; /* > 0: cancel from inside the chunk callback */
};

static bool on_piece(void *arg, const char *data, size_t len) {
    struct streamed *s = arg;
    size_t room = sizeof s->data - 1 - s->len;
    size_t n = len < room ? len : room;
    memcpy(s->data + s->len, data, n);
    s->len += n;
    s->data[s->len] = '\0';
    s->pieces++;
    if (s->cancel_id > 0)
        http_cancel(s->h, s->cancel_id);
    return true;
}

static void on_stream_done(void *arg, const struct http_response *resp) {
    struct streamed *s = arg;
    s->done = true;
    s->outcome = resp->outcome;
    s->body_len = resp->len;
    snprintf(s->error, sizeof s->error, "%s", resp->error);
}

/* A server that sends the head and a first chunk, then waits for a byte on gate before
 * the rest: so the test sees the first piece arrive while the body is still open. */
static pid_t serve_in_two_parts(int lfd, int gate) {
    pid_t pid = fork();
    if (pid == 0) {
        int c = accept(lfd, NULL, NULL);
        char req[4096];
        ssize_t n = read(c, req, sizeof req);
        (void)n;
        const char head[] = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                            "Transfer-Encoding: chunked\r\n\r\n8\r\nline1\nli\r\n";
        n = write(c, head, sizeof head - 1);
        char go;
        n = read(gate, &go, 1);
        const char rest[] = "4\r\nne2\n\r\n0\r\n\r\n";
        n = write(c, rest, sizeof rest - 1);
        (void)n;
        close(c);
        _exit(0);
    }
    return pid;
}

static void poll_until(struct http *h, bool *flag, int64_t deadline_ms) {
    int64_t end = clock_mono_ms() + deadline_ms;
    while (!*flag && clock_mono_ms() < end) {
        int numfds;
        curl_multi_poll(http_multi(h), NULL, 0, 20, &numfds);
        http_perform(h);
    }
}

static int64_t start_stream(struct http *h, int port, struct streamed *s) {
    char url[80];
    snprintf(url, sizeof url, "http://127.0.0.1:%d/apis/x?watch=1", port);
    struct http_request q = {0};
    q.url = url;
    q.on_chunk = on_piece;
    q.done = on_stream_done;
    q.arg = s;
    q.priority = HTTP_PRIO_BOARD;
    int64_t id = http_start(h, &q);
    assert_true(id > 0);
    return id;
}

static void stream_delivers_each_piece_as_it_arrives(void **state) {
    (void)state;
    int port, gate[2];
    int lfd = listen_any(&port);
    assert_int_equal(pipe(gate), 0);
    pid_t pid = serve_in_two_parts(lfd, gate[0]);
    struct http *h = http_new(2000, 4); /* a body over the cap: a stream is not buffered */
    struct streamed s = {0};
    start_stream(h, port, &s);
    bool first = false;
    int64_t end = clock_mono_ms() + 5000;
    while (!first && clock_mono_ms() < end) {
        int numfds;
        curl_multi_poll(http_multi(h), NULL, 0, 20, &numfds);
        http_perform(h);
        first = s.len >= 8;
    }
    assert_string_equal(s.data, "line1\nli"); /* before the server sent the rest */
    assert_false(s.done);
    assert_int_equal(write(gate[1], "g", 1), 1);
    poll_until(h, &s.done, 5000);
    assert_true(s.done);
    assert_int_equal(s.outcome, HTTP_OK);
    assert_string_equal(s.data, "line1\nline2\n");
    assert_int_equal(s.body_len, 0); /* nothing buffered */
    http_free(h);
    close(lfd);
    close(gate[0]);
    close(gate[1]);
    waitpid(pid, NULL, 0);
}

static void cancelled_stream_says_nothing_more(void **state) {
    (void)state;
    for (int inside = 0; inside < 2; inside++) {
        int port, gate[2];
        int lfd = listen_any(&port);
        assert_int_equal(pipe(gate), 0);
        pid_t pid = serve_in_two_parts(lfd, gate[0]);
        struct http *h = http_new(2000, 1024);
        struct streamed s = {0};
        s.h = h;
        int64_t id = start_stream(h, port, &s);
        if (inside)
            s.cancel_id = id; /* from inside the chunk callback */
        int64_t end = clock_mono_ms() + 5000;
        while (s.pieces == 0 && clock_mono_ms() < end) {
            int numfds;
            curl_multi_poll(http_multi(h), NULL, 0, 20, &numfds);
            http_perform(h);
        }
        assert_int_equal(s.pieces, 1);
        if (!inside)
            http_cancel(h, id);
        http_perform(h);
        assert_int_equal(http_pending(h), 0);
        assert_int_equal(write(gate[1], "g", 1), 1);
        http_free(h);
        assert_false(s.done); /* not even "cancelled" */
        assert_int_equal(s.pieces, 1);
        close(lfd);
        close(gate[0]);
        close(gate[1]);
        waitpid(pid, NULL, 0);
    }
}

/* ---- work ---- */

static int done_count;
static void count_done(void *arg, const struct http_response *resp) {
    (void)arg;
    (void)resp;
    done_count++;
}

static uint64_t work_for(int n, int port) {
    struct http *h = http_new(2000, 1024);
    http_set_budget(h, 0.001, 1); /* one goes, the rest stay queued */
    done_count = 0;
    char url[80];
    for (int i = 0; i < n; i++) {
        snprintf(url, sizeof url, "http://127.0.0.1:%d/jobs/%d", port, i);
        struct http_request q = {0};
        q.url = url;
        q.done = count_done;
        q.priority = HTTP_PRIO_BACKGROUND;
        assert_int_equal(http_submit(h, &q), 0);
        http_perform(h);
    }
    uint64_t w = http_work(h);
    http_free(h);
    assert_int_equal(done_count, n); /* each answered once: cancelled, or timed out */
    return w;
}

/* Submitting (and performing after each submit, as the loop does) costs the same per
 * request for 8,000 queued requests as for 1,000: no rescan of the queue. */
static void work_per_request_does_not_grow_with_the_queue(void **state) {
    (void)state;
    int port;
    int lfd = listen_any(&port); /* never accepts: the one sent stays in flight */
    uint64_t small = work_for(1000, port);
    uint64_t big = work_for(8000, port);
    assert_true(big < small * 8 * 2);
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
        cmocka_unit_test(same_get_twice_is_one_transfer_with_two_answers),
        cmocka_unit_test(a_rotated_token_is_not_joined_to_the_old_ones_transfer),
        cmocka_unit_test(retry_after_holds_requests_back),
        cmocka_unit_test(too_many_requests_holds_even_the_view),
        cmocka_unit_test(urgent_get_moves_the_queued_copy_up),
        cmocka_unit_test(promote_moves_up_only_what_the_prefix_names),
        cmocka_unit_test(failing_source_backs_off),
        cmocka_unit_test(one_failing_cluster_holds_back_only_itself),
        cmocka_unit_test(stream_delivers_each_piece_as_it_arrives),
        cmocka_unit_test(cancelled_stream_says_nothing_more),
        cmocka_unit_test(work_per_request_does_not_grow_with_the_queue),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    curl_global_cleanup();
    return rc;
}
