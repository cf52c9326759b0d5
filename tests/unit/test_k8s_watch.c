/* The watch line parser and the list-then-watch machine, with the stream fed by hand:
 * chunks cut anywhere, bookmarks, 410s, garbage, dropped streams and back-off. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "http.h"
#include "k8s_watch.h"
#include "loop.h"

/* ---- the parser ---- */

struct seen {
    int n;
    enum k8s_watch_type type[16];
    char name[16][32];
    char rv[16][32];
    int code[16];
};

static void collect(void *arg, const struct k8s_watch_event *ev) {
    struct seen *s = arg;
    if (s->n == 16)
        return;
    s->type[s->n] = ev->type;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(ev->object, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "name");
    snprintf(s->name[s->n], sizeof s->name[0], "%s", cJSON_IsString(name) ? name->valuestring : "");
    snprintf(s->rv[s->n], sizeof s->rv[0], "%s", ev->resource_version ? ev->resource_version : "");
    s->code[s->n] = ev->code;
    s->n++;
}

static const char stream[] =
    "{\"type\":\"ADDED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{\"name\":"
    "\"orders\","
    "\"resourceVersion\":\"101\"}}}\n"
    "{\"type\":\"MODIFIED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{\"name\":"
    "\"\xe8\xae\xa2\xe5\x8d\x95\",\"resourceVersion\":\"102\"}}}\n"
    "{\"type\":\"BOOKMARK\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":"
    "{\"resourceVersion\":\"150\"}}}\n"
    "{\"type\":\"DELETED\",\"object\":{\"kind\":\"FlinkDeployment\",\"metadata\":{\"name\":"
    "\"orders\",\"resourceVersion\":\"151\"}}}\n";

static void check_stream(const struct seen *s) {
    assert_int_equal(s->n, 4);
    assert_int_equal(s->type[0], K8S_WATCH_ADDED);
    assert_string_equal(s->name[0], "orders");
    assert_string_equal(s->rv[0], "101");
    assert_int_equal(s->type[1], K8S_WATCH_MODIFIED);
    assert_string_equal(s->name[1], "\xe8\xae\xa2\xe5\x8d\x95"); /* a UTF-8 name cut anywhere */
    assert_int_equal(s->type[2], K8S_WATCH_BOOKMARK);
    assert_string_equal(s->rv[2], "150");
    assert_int_equal(s->type[3], K8S_WATCH_DELETED);
    assert_string_equal(s->rv[3], "151");
}

static void parser_reads_a_stream_whole(void **state) {
    (void)state;
    struct k8s_watch_lines p;
    k8s_watch_lines_init(&p, 0);
    struct seen s = {0};
    assert_int_equal(k8s_watch_lines_feed(&p, stream, sizeof stream - 1, collect, &s), 0);
    check_stream(&s);
    k8s_watch_lines_free(&p);
}

/* Every way of cutting the stream in two, and one byte at a time: the same events. */
static void parser_same_events_however_reads_cut_the_lines(void **state) {
    (void)state;
    size_t len = sizeof stream - 1;
    for (size_t cut = 1; cut < len; cut++) {
        struct k8s_watch_lines p;
        k8s_watch_lines_init(&p, 0);
        struct seen s = {0};
        assert_int_equal(k8s_watch_lines_feed(&p, stream, cut, collect, &s), 0);
        assert_int_equal(k8s_watch_lines_feed(&p, stream + cut, len - cut, collect, &s), 0);
        check_stream(&s);
        k8s_watch_lines_free(&p);
    }
    struct k8s_watch_lines p;
    k8s_watch_lines_init(&p, 0);
    struct seen s = {0};
    for (size_t i = 0; i < len; i++)
        assert_int_equal(k8s_watch_lines_feed(&p, stream + i, 1, collect, &s), 0);
    check_stream(&s);
    k8s_watch_lines_free(&p);
}

static void parser_line_without_its_end_waits_for_it(void **state) {
    (void)state;
    struct k8s_watch_lines p;
    k8s_watch_lines_init(&p, 0);
    struct seen s = {0};
    const char *half = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"a\"";
    assert_int_equal(k8s_watch_lines_feed(&p, half, strlen(half), collect, &s), 0);
    assert_int_equal(s.n, 0); /* nothing until the newline */
    assert_int_equal(k8s_watch_lines_feed(&p, "}}}\r\n\n", 6, collect, &s), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.name[0], "a");
    k8s_watch_lines_free(&p);
}

static void parser_error_410_carries_its_code(void **state) {
    (void)state;
    struct k8s_watch_lines p;
    k8s_watch_lines_init(&p, 0);
    struct seen s = {0};
    const char *line = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":\"v1\","
                       "\"status\":\"Failure\",\"message\":\"too old resource version: 1 (50)\","
                       "\"reason\":\"Expired\",\"code\":410}}\n";
    assert_int_equal(k8s_watch_lines_feed(&p, line, strlen(line), collect, &s), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.type[0], K8S_WATCH_ERROR);
    assert_int_equal(s.code[0], 410);
    k8s_watch_lines_free(&p);
}

static void parser_garbage_is_an_error_after_the_good_lines(void **state) {
    (void)state;
    const char *cases[] = {
        "<html>502 Bad Gateway</html>\n",
        "[1,2,3]\n",
        "{\"type\":\"ADDED\"}\n",
        "{\"type\":\"SNAPSHOT\",\"object\":{}}\n",
        "{\"type\":\"ADDED\",\"object\":{\"metadata\":\n",
    };
    const char *why[] = {
        "watch: a line that is not a JSON object", "watch: a line that is not a JSON object",
        "watch: an event without type or object",  "watch: unknown event type \"SNAPSHOT\"",
        "watch: a line that is not a JSON object",
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct k8s_watch_lines p;
        k8s_watch_lines_init(&p, 0);
        struct seen s = {0};
        char *both = NULL;
        size_t n = strlen(stream) + strlen(cases[i]);
        both = malloc(n + 1);
        snprintf(both, n + 1, "%s%s", stream, cases[i]);
        assert_int_equal(k8s_watch_lines_feed(&p, both, n, collect, &s), -1);
        check_stream(&s); /* what came before was delivered */
        assert_string_equal(p.error, why[i]);
        free(both);
        k8s_watch_lines_free(&p);
    }
}

static void parser_line_over_the_cap_is_an_error_not_a_buffer(void **state) {
    (void)state;
    struct k8s_watch_lines p;
    k8s_watch_lines_init(&p, 64);
    struct seen s = {0};
    char big[100];
    memset(big, 'x', sizeof big);
    assert_int_equal(k8s_watch_lines_feed(&p, big, 50, collect, &s), 0);
    assert_int_equal(k8s_watch_lines_feed(&p, big, 50, collect, &s), -1); /* never ends */
    assert_string_equal(p.error, "watch: an event over 64 bytes");
    k8s_watch_lines_reset(&p);
    char line[100];
    memset(line, 'x', sizeof line);
    line[99] = '\n';
    assert_int_equal(k8s_watch_lines_feed(&p, line, sizeof line, collect, &s), -1);
    k8s_watch_lines_free(&p);
}

/* ---- the machine, on a recording transport ---- */

struct rec {
    int gets;
    char url[8][512];
    bool stream[8];
    int64_t handle; /* the last one given */
    int64_t cancelled[8];
    int n_cancelled;
    int timers;
    int64_t delay[16];
    int resets;
    int reset_items;
    int events;
    enum k8s_watch_type last_type;
    char last_name[32];
    enum k8s_watch_state health;
};

static int64_t rec_get(void *io, struct k8s_watch *w, const char *url, bool is_stream, long idle) {
    (void)w;
    (void)idle;
    struct rec *r = io;
    snprintf(r->url[r->gets % 8], sizeof r->url[0], "%s", url);
    r->stream[r->gets % 8] = is_stream;
    r->gets++;
    return ++r->handle;
}
static void rec_cancel(void *io, int64_t h) {
    struct rec *r = io;
    r->cancelled[r->n_cancelled++ % 8] = h;
}
static int rec_timer(void *io, struct k8s_watch *w, int64_t delay) {
    (void)w;
    struct rec *r = io;
    r->delay[r->timers % 16] = delay;
    return ++r->timers;
}
static void rec_timer_cancel(void *io, int id) {
    (void)io;
    (void)id;
}
static void rec_reset(void *arg, const cJSON *items) {
    struct rec *r = arg;
    r->resets++;
    r->reset_items = cJSON_GetArraySize(items);
}
static void rec_event(void *arg, enum k8s_watch_type t, const cJSON *obj) {
    struct rec *r = arg;
    r->events++;
    r->last_type = t;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(meta, "name");
    snprintf(r->last_name, sizeof r->last_name, "%s",
             cJSON_IsString(name) ? name->valuestring : "");
}
static void rec_health(void *arg, enum k8s_watch_state st, const char *err) {
    (void)err;
    struct rec *r = arg;
    r->health = st;
}

static const char *last_url(const struct rec *r) { return r->url[(r->gets - 1) % 8]; }

static struct k8s_watch *new_watch(struct rec *r, const char *selector) {
    struct k8s_watch_io io = {rec_get, rec_cancel, rec_timer, rec_timer_cancel, r};
    struct k8s_watch_sink sink = {rec_reset, rec_event, rec_health, r};
    struct k8s_watch_config cfg = {0};
    cfg.server = "https://api.example:6443/";
    cfg.path = "/apis/flink.apache.org/v1beta1/flinkdeployments";
    cfg.label_selector = selector;
    cfg.seed = 7;
    return k8s_watch_new(&cfg, &io, &sink);
}

static const char list_body[] =
    "{\"kind\":\"FlinkDeploymentList\",\"apiVersion\":\"flink.apache.org/v1beta1\","
    "\"metadata\":{\"resourceVersion\":\"100\"},\"items\":[{\"metadata\":{\"name\":\"orders\"}},"
    "{\"metadata\":{\"name\":\"payments\"}}]}";

static void list_then_watch_from_its_resource_version(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, "app in (a,b)");
    k8s_watch_start(w);
    assert_int_equal(r.gets, 1);
    assert_false(r.stream[0]);
    assert_string_equal(last_url(&r), "https://api.example:6443/apis/flink.apache.org/v1beta1/"
                                      "flinkdeployments?labelSelector=app%20in%20%28a%2Cb%29");
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_LISTING);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    assert_int_equal(r.resets, 1);
    assert_int_equal(r.reset_items, 2);
    assert_int_equal(r.gets, 2);
    assert_true(r.stream[1]);
    assert_string_equal(last_url(&r),
                        "https://api.example:6443/apis/flink.apache.org/v1beta1/flinkdeployments"
                        "?watch=1&resourceVersion=100&allowWatchBookmarks=true&timeoutSeconds=300"
                        "&labelSelector=app%20in%20%28a%2Cb%29");
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_WATCHING);
    assert_true(k8s_watch_on_chunk(w, stream, 100));
    assert_true(k8s_watch_on_chunk(w, stream + 100, sizeof stream - 1 - 100));
    assert_int_equal(r.events, 3); /* the bookmark is not an event */
    assert_int_equal(r.last_type, K8S_WATCH_DELETED);
    assert_string_equal(r.last_name, "orders");
    assert_string_equal(k8s_watch_resource_version(w), "151");
    k8s_watch_free(w);
    assert_int_equal(r.n_cancelled, 1); /* the stream in flight */
}

/* A dropped stream: watch again from the last resourceVersion after a back-off, no list. */
static void dropped_stream_reconnects_from_where_it_was(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    k8s_watch_on_chunk(w, stream, sizeof stream - 1);
    k8s_watch_on_stream_end(w, 200, "", 0, "connection reset by server");
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_WAITING);
    assert_string_equal(k8s_watch_error(w), "connection reset by server");
    assert_int_equal(r.timers, 1);
    assert_true(r.delay[0] >= 500 && r.delay[0] < 1000);
    assert_int_equal(r.gets, 2); /* nothing sent while waiting */
    k8s_watch_on_timer(w);
    assert_int_equal(r.gets, 3);
    assert_true(r.stream[2]);
    assert_non_null(strstr(last_url(&r), "resourceVersion=151&"));
    assert_int_equal(k8s_watch_counters(w)->lists, 1);
    assert_int_equal(k8s_watch_counters(w)->reconnects, 1);
    assert_int_equal(r.resets, 1);
    k8s_watch_free(w);
}

/* The server ends the watch at timeoutSeconds: on at once, no timer, no list. */
static void clean_end_watches_again_at_once(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    k8s_watch_on_chunk(w, stream, sizeof stream - 1);
    k8s_watch_on_stream_end(w, 200, "", 0, NULL);
    assert_int_equal(r.timers, 0);
    assert_int_equal(r.gets, 3);
    assert_non_null(strstr(last_url(&r), "watch=1&resourceVersion=151&"));
    assert_int_equal(k8s_watch_counters(w)->lists, 1);
    k8s_watch_free(w);
}

/* ERROR 410 in the stream, or HTTP 410: everything again, from a list. */
static void expired_resource_version_lists_again(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    const char *gone = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,"
                       "\"reason\":\"Expired\"}}\n{\"type\":\"ADDED\",\"object\":{}}\n";
    assert_false(k8s_watch_on_chunk(w, gone, strlen(gone))); /* stop reading */
    assert_int_equal(r.events, 0);                           /* nothing after the 410 */
    k8s_watch_on_stream_end(w, 200, "", 0, "stopped by the reader");
    assert_int_equal(r.gets, 3);
    assert_false(r.stream[2]);
    assert_int_equal(k8s_watch_counters(w)->relists, 1);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    assert_int_equal(r.resets, 2);
    /* HTTP 410 on the watch request itself */
    k8s_watch_on_stream_end(w, 410, "{}", 2, "HTTP 410 from /apis");
    assert_int_equal(r.gets, 5);
    assert_false(r.stream[4]);
    assert_int_equal(k8s_watch_counters(w)->relists, 2);
    assert_int_equal(r.timers, 0);
    k8s_watch_free(w);
}

static void garbage_in_the_stream_reconnects_after_a_back_off(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    assert_true(k8s_watch_on_chunk(w, stream, sizeof stream - 1));
    assert_false(k8s_watch_on_chunk(w, "not json\n", 9));
    k8s_watch_on_stream_end(w, 200, "", 0, "stopped by the reader");
    assert_string_equal(k8s_watch_error(w), "watch: a line that is not a JSON object");
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_WAITING);
    assert_int_equal(r.timers, 1);
    k8s_watch_on_timer(w);
    assert_non_null(strstr(last_url(&r), "resourceVersion=151&")); /* the last good one */
    k8s_watch_free(w);
}

/* RBAC forbids watching: stop and say so; the caller falls back to lists. */
static void forbidden_stops_and_says_so(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    k8s_watch_on_stream_end(w, 403, "{}", 2, "HTTP 403 from /apis/flink.apache.org");
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_FORBIDDEN);
    assert_int_equal(r.health, K8S_WATCH_FORBIDDEN);
    assert_int_equal(r.timers, 0);
    assert_int_equal(r.gets, 2);
    k8s_watch_free(w);
}

/* Which request RBAC refused decides the caller's fallback: a forbidden watch lists
 * periodically, a forbidden list across namespaces goes to one namespace. The line says
 * the RBAC reason from the Status. */
static void forbidden_says_which_request_and_why(void **state) {
    (void)state;
    static const char status[] =
        "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"flinkdeployments is "
        "forbidden: User \\\"u\\\" cannot watch resource\",\"reason\":\"Forbidden\",\"code\":403}";
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    k8s_watch_on_stream_end(w, 403, status, sizeof status - 1, "HTTP 403");
    assert_true(k8s_watch_forbidden_watch(w));
    assert_int_equal(k8s_watch_last_status(w), 403);
    assert_string_equal(k8s_watch_error(w),
                        "403 Forbidden: flinkdeployments is forbidden: User \"u\" cannot watch "
                        "resource");
    k8s_watch_start(w); /* again: now the list is refused */
    k8s_watch_on_list(w, 403, status, sizeof status - 1, "HTTP 403");
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_FORBIDDEN);
    assert_false(k8s_watch_forbidden_watch(w));
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    assert_int_equal(k8s_watch_last_status(w), 0); /* an answer that worked */
    k8s_watch_free(w);
}

/* Where only the watch is forbidden the caller lists again now and then: a list, the
 * items to the sink, then FORBIDDEN again with the same line, and no watch asked. In any
 * other state it does nothing. */
static void a_forbidden_watch_lists_again_without_watching(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_list_again(w); /* not started: nothing */
    assert_int_equal(r.gets, 0);
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    k8s_watch_list_again(w); /* watching: nothing */
    assert_int_equal(r.gets, 2);
    k8s_watch_on_stream_end(w, 403, "{}", 2, "HTTP 403 from /apis/apps/v1");
    assert_true(k8s_watch_forbidden_watch(w));
    char line[256];
    snprintf(line, sizeof line, "%s", k8s_watch_error(w));
    k8s_watch_list_again(w);
    assert_int_equal(r.gets, 3);
    assert_false(r.stream[2]);
    assert_null(strstr(r.url[2], "watch=1"));
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_LISTING);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    assert_int_equal(r.resets, 2);
    assert_int_equal(r.gets, 3); /* no watch */
    assert_true(k8s_watch_forbidden_watch(w));
    assert_string_equal(k8s_watch_error(w), line);
    assert_int_equal(r.health, K8S_WATCH_FORBIDDEN);
    /* a start (the context begins again) watches as usual */
    k8s_watch_start(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL);
    assert_int_equal(r.gets, 5);
    assert_true(r.stream[4]);
    k8s_watch_free(w);
}

/* A list that keeps failing: 1 s, 2 s, 4 s ... to 30 s, each with jitter. */
static void failing_list_backs_off_to_thirty_seconds(void **state) {
    (void)state;
    struct rec r = {0};
    struct k8s_watch *w = new_watch(&r, NULL);
    k8s_watch_start(w);
    for (int i = 0; i < 8; i++) {
        k8s_watch_on_list(w, 503, "", 0, "HTTP 503 from /apis");
        int64_t cap = (int64_t)K8S_WATCH_BACKOFF_BASE_MS << i;
        if (cap > K8S_WATCH_BACKOFF_MAX_MS)
            cap = K8S_WATCH_BACKOFF_MAX_MS;
        assert_true(r.delay[i] >= cap / 2 && r.delay[i] < cap);
        k8s_watch_on_timer(w);
        assert_false(r.stream[(r.gets - 1) % 8]); /* a list again */
    }
    /* a list without a resourceVersion cannot be watched from: also a failure */
    const char no_rv[] = "{\"kind\":\"FlinkDeploymentList\",\"items\":[]}";
    k8s_watch_on_list(w, 200, no_rv, sizeof no_rv - 1, NULL);
    assert_int_equal(k8s_watch_state(w), K8S_WATCH_WAITING);
    assert_int_equal(r.resets, 0);
    k8s_watch_on_timer(w);
    k8s_watch_on_list(w, 200, list_body, sizeof list_body - 1, NULL); /* works: reset */
    k8s_watch_on_stream_end(w, 0, "", 0, "connection refused");
    assert_true(r.delay[(r.timers - 1) % 16] < 1000); /* the count started again */
    k8s_watch_free(w);
}

/* ---- over http.c and loop.c, against a local server ---- */

/* Serves n connections in turn: a list for a plain GET, for a watch (the request line
 * says watch=1) two events in two chunks and then the end of the stream. Writes each
 * request line to report. */
static pid_t serve_k8s(int lfd, int n, int report) {
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    for (int i = 0; i < n; i++) {
        int c = accept(lfd, NULL, NULL);
        char req[4096];
        ssize_t got = read(c, req, sizeof req - 1);
        req[got > 0 ? got : 0] = '\0';
        char *eol = strstr(req, "\r\n");
        if (eol)
            *eol = '\0';
        dprintf(report, "%s\n", req);
        if (strstr(req, "watch=1") == NULL) {
            dprintf(c,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: "
                    "%zu\r\nConnection: close\r\n\r\n%s",
                    strlen(list_body), list_body);
        } else {
            const char *a = "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"new\","
                            "\"resourceVersion\":\"120\"}}}\n{\"type\":\"MOD";
            const char *b = "IFIED\",\"object\":{\"metadata\":{\"name\":\"new\","
                            "\"resourceVersion\":\"121\"}}}\n";
            dprintf(c,
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
                    "%zx\r\n%s\r\n%zx\r\n%s\r\n0\r\n\r\n",
                    strlen(a), a, strlen(b), b);
        }
        close(c);
    }
    _exit(0);
}

/* list, watch (two events across two chunks), the server ends the stream, watch again
 * from the last resourceVersion: over real sockets, in the loop, nothing blocking. */
static void watch_over_http_lists_watches_and_goes_on(void **state) {
    (void)state;
    signal(SIGPIPE, SIG_IGN);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {0};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(lfd, 8), 0);
    socklen_t alen = sizeof a;
    getsockname(lfd, (struct sockaddr *)&a, &alen);
    int report[2];
    assert_int_equal(pipe(report), 0);
    pid_t pid = serve_k8s(lfd, 3, report[1]);
    close(report[1]);

    struct http *h = http_new(2000, 1 << 20);
    struct loop *l = loop_new(h);
    struct k8s_watch_http ctx = {h, l, NULL, 2000};
    struct k8s_watch_io io;
    k8s_watch_io_http(&io, &ctx);
    struct rec r = {0};
    struct k8s_watch_sink sink = {rec_reset, rec_event, rec_health, &r};
    char server[64];
    snprintf(server, sizeof server, "http://127.0.0.1:%d", ntohs(a.sin_port));
    struct k8s_watch_config cfg = {0};
    cfg.server = server;
    cfg.path = "/apis/flink.apache.org/v1beta1/flinkdeployments";
    struct k8s_watch *w = k8s_watch_new(&cfg, &io, &sink);
    k8s_watch_start(w);
    int64_t end = clock_mono_ms() + 5000;
    while (k8s_watch_counters(w)->watches < 2 && clock_mono_ms() < end)
        loop_run_once(l, 50);
    assert_int_equal(r.resets, 1);
    assert_int_equal(r.reset_items, 2);
    assert_int_equal(r.events, 2);
    assert_int_equal(r.last_type, K8S_WATCH_MODIFIED);
    assert_int_equal(k8s_watch_counters(w)->lists, 1);
    assert_int_equal(k8s_watch_counters(w)->watches, 2);
    /* the second watch starts where the first left off; wait until the server saw it */
    char lines[2048] = "";
    size_t used = 0;
    while (strstr(lines, "resourceVersion=121") == NULL && clock_mono_ms() < end) {
        loop_run_once(l, 20);
        struct timeval tv = {0, 0};
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(report[0], &fds);
        if (select(report[0] + 1, &fds, NULL, NULL, &tv) > 0) {
            ssize_t n = read(report[0], lines + used, sizeof lines - 1 - used);
            if (n > 0)
                used += (size_t)n;
            lines[used] = '\0';
        }
    }
    assert_non_null(strstr(lines, "GET /apis/flink.apache.org/v1beta1/flinkdeployments HTTP/1.1"));
    assert_non_null(strstr(lines, "watch=1&resourceVersion=100&allowWatchBookmarks=true"));
    assert_non_null(strstr(lines, "watch=1&resourceVersion=121&allowWatchBookmarks=true"));
    k8s_watch_free(w);
    loop_free(l);
    http_free(h);
    close(lfd);
    close(report[0]);
    waitpid(pid, NULL, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parser_reads_a_stream_whole),
        cmocka_unit_test(parser_same_events_however_reads_cut_the_lines),
        cmocka_unit_test(parser_line_without_its_end_waits_for_it),
        cmocka_unit_test(parser_error_410_carries_its_code),
        cmocka_unit_test(parser_garbage_is_an_error_after_the_good_lines),
        cmocka_unit_test(parser_line_over_the_cap_is_an_error_not_a_buffer),
        cmocka_unit_test(list_then_watch_from_its_resource_version),
        cmocka_unit_test(dropped_stream_reconnects_from_where_it_was),
        cmocka_unit_test(clean_end_watches_again_at_once),
        cmocka_unit_test(expired_resource_version_lists_again),
        cmocka_unit_test(garbage_in_the_stream_reconnects_after_a_back_off),
        cmocka_unit_test(forbidden_stops_and_says_so),
        cmocka_unit_test(forbidden_says_which_request_and_why),
        cmocka_unit_test(a_forbidden_watch_lists_again_without_watching),
        cmocka_unit_test(failing_list_backs_off_to_thirty_seconds),
        cmocka_unit_test(watch_over_http_lists_watches_and_goes_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
