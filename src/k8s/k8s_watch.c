#include "k8s_watch.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "http.h"
#include "json_get.h"
#include "k8s_api.h"
#include "loop.h"
#include "sanitize.h"
#include "xalloc.h"

/* ---- the line parser ---- */

void k8s_watch_lines_init(struct k8s_watch_lines *p, size_t max_line) {
    memset(p, 0, sizeof *p);
    p->max_line = max_line ? max_line : K8S_WATCH_MAX_LINE;
    buf_init(&p->partial, p->max_line);
}

void k8s_watch_lines_reset(struct k8s_watch_lines *p) {
    buf_free(&p->partial);
    buf_init(&p->partial, p->max_line);
    p->stop = false;
    p->error[0] = '\0';
}

void k8s_watch_lines_free(struct k8s_watch_lines *p) { buf_free(&p->partial); }

static const char *const type_names[] = {"ADDED", "MODIFIED", "DELETED", "BOOKMARK", "ERROR"};

/* One line into one event; 0, or -1 with p->error. */
static int parse_line(struct k8s_watch_lines *p, const char *line, size_t n, k8s_watch_event_fn fn,
                      void *arg) {
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' '))
        n--;
    if (n == 0)
        return 0; /* a blank line: nothing */
    cJSON *root = cJSON_ParseWithLength(line, n);
    int rc = -1;
    if (root == NULL || !cJSON_IsObject(root)) {
        snprintf(p->error, sizeof p->error, "watch: a line that is not a JSON object");
        goto out;
    }
    const char *type = json_get_string_ref(root, "type");
    const cJSON *obj = cJSON_GetObjectItemCaseSensitive(root, "object");
    if (type == NULL || !cJSON_IsObject(obj)) {
        snprintf(p->error, sizeof p->error, "watch: an event without type or object");
        goto out;
    }
    struct k8s_watch_event ev = {0};
    size_t t = 0;
    while (t < sizeof type_names / sizeof type_names[0] && strcmp(type, type_names[t]) != 0)
        t++;
    if (t == sizeof type_names / sizeof type_names[0]) {
        char *shown = sanitize_strndup(type, strlen(type) < 32 ? strlen(type) : 32);
        snprintf(p->error, sizeof p->error, "watch: unknown event type \"%s\"", shown);
        free(shown);
        goto out;
    }
    ev.type = (enum k8s_watch_type)t;
    ev.object = obj;
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    ev.resource_version = json_get_string_ref(meta, "resourceVersion");
    if (ev.type == K8S_WATCH_ERROR) {
        ev.code = json_get_int(obj, "code", 0);
        ev.message = json_get_string_ref(obj, "message");
    }
    fn(arg, &ev);
    rc = 0;
out:
    cJSON_Delete(root);
    return rc;
}

int k8s_watch_lines_feed(struct k8s_watch_lines *p, const char *data, size_t len,
                         k8s_watch_event_fn fn, void *arg) {
    p->stop = false;
    while (len > 0 && !p->stop) {
        const char *nl = memchr(data, '\n', len);
        size_t piece = nl ? (size_t)(nl - data) : len;
        if (!nl || p->partial.len > 0) {
            if (!buf_append(&p->partial, data, piece)) {
                snprintf(p->error, sizeof p->error, "watch: an event over %zu bytes", p->max_line);
                return -1;
            }
        }
        if (!nl)
            return 0; /* the rest of the line comes with the next read */
        int rc;
        if (p->partial.len > 0) {
            rc = parse_line(p, p->partial.data, p->partial.len, fn, arg);
            p->partial.len = 0;
            p->partial.data[0] = '\0';
        } else {
            if (piece > p->max_line) {
                snprintf(p->error, sizeof p->error, "watch: an event over %zu bytes", p->max_line);
                return -1;
            }
            rc = parse_line(p, data, piece, fn, arg);
        }
        if (rc != 0)
            return -1;
        data += piece + 1;
        len -= piece + 1;
    }
    return 0;
}

/* ---- the machine ---- */

struct k8s_watch {
    char *server, *path, *selector;
    int timeout_seconds;
    struct k8s_watch_io io;
    struct k8s_watch_sink sink;
    struct k8s_watch_lines lines;
    enum k8s_watch_state state;
    char *rv;          /* owned */
    int64_t req;       /* the transport's handle, -1 none */
    int timer;         /* 0 none */
    bool timer_lists;  /* what the timer starts: a list, else a watch */
    int failures;      /* in a row */
    bool relist;       /* the stream said 410 */
    bool stream_bad;   /* the stream said ERROR or sent garbage */
    bool got_line;     /* the stream carried at least one event */
    bool reconnecting; /* the next watch follows a failure */
    bool watch_denied; /* the last FORBIDDEN came from a watch request */
    bool list_only;    /* k8s_watch_list_again: after the list, FORBIDDEN again */
    char denied[256];  /* the watch's 403 line, kept for that */
    long last_status;
    uint64_t rng;
    char error[256];
    struct k8s_watch_counters c;
};

struct k8s_watch *k8s_watch_new(const struct k8s_watch_config *cfg, const struct k8s_watch_io *io,
                                const struct k8s_watch_sink *sink) {
    struct k8s_watch *w = xcalloc(1, sizeof *w);
    size_t n = strlen(cfg->server);
    while (n > 0 && cfg->server[n - 1] == '/')
        n--;
    w->server = xstrndup(cfg->server, n);
    w->path = xstrdup(cfg->path);
    w->selector = cfg->label_selector ? xstrdup(cfg->label_selector) : NULL;
    w->timeout_seconds =
        cfg->timeout_seconds > 0 ? cfg->timeout_seconds : K8S_WATCH_TIMEOUT_SECONDS;
    w->io = *io;
    w->sink = *sink;
    k8s_watch_lines_init(&w->lines, cfg->max_line);
    w->req = -1;
    w->rng = cfg->seed ? cfg->seed : (uint64_t)clock_mono_ms() * 2654435761u + 1;
    return w;
}

static void stop_io(struct k8s_watch *w) {
    if (w->req >= 0)
        w->io.cancel(w->io.arg, w->req);
    w->req = -1;
    if (w->timer > 0)
        w->io.timer_cancel(w->io.arg, w->timer);
    w->timer = 0;
}

void k8s_watch_free(struct k8s_watch *w) {
    if (w == NULL)
        return;
    stop_io(w);
    k8s_watch_lines_free(&w->lines);
    free(w->server);
    free(w->path);
    free(w->selector);
    free(w->rv);
    free(w);
}

enum k8s_watch_state k8s_watch_state(const struct k8s_watch *w) { return w->state; }
const char *k8s_watch_resource_version(const struct k8s_watch *w) { return w->rv; }
const char *k8s_watch_error(const struct k8s_watch *w) { return w->error; }
const struct k8s_watch_counters *k8s_watch_counters(const struct k8s_watch *w) { return &w->c; }
long k8s_watch_last_status(const struct k8s_watch *w) { return w->last_status; }
bool k8s_watch_forbidden_watch(const struct k8s_watch *w) {
    return w->state == K8S_WATCH_FORBIDDEN && w->watch_denied;
}

/* returns owned "&name=escaped value" */
static char *param(const char *name, const char *value) {
    char *esc = curl_easy_escape(NULL, value, 0);
    char *s = xasprintf("&%s=%s", name, esc ? esc : "");
    curl_free(esc);
    return s;
}

char *k8s_watch_list_url(const struct k8s_watch *w) {
    char *sel = w->selector ? param("labelSelector", w->selector) : xstrdup("");
    const char *sep = strchr(w->path, '?') ? "&" : "?";
    /* sel starts with '&': the first parameter takes sep instead */
    char *url = sel[0] ? xasprintf("%s%s%s%s", w->server, w->path, sep, sel + 1)
                       : xasprintf("%s%s", w->server, w->path);
    free(sel);
    return url;
}

char *k8s_watch_watch_url(const struct k8s_watch *w) {
    char *rv = w->rv ? param("resourceVersion", w->rv) : xstrdup("");
    char *sel = w->selector ? param("labelSelector", w->selector) : xstrdup("");
    const char *sep = strchr(w->path, '?') ? "&" : "?";
    char *url = xasprintf("%s%s%swatch=1%s&allowWatchBookmarks=true&timeoutSeconds=%d%s", w->server,
                          w->path, sep, rv, w->timeout_seconds, sel);
    free(rv);
    free(sel);
    return url;
}

static void set_state(struct k8s_watch *w, enum k8s_watch_state st, const char *error) {
    w->state = st;
    snprintf(w->error, sizeof w->error, "%s", error ? error : "");
    if (w->sink.health)
        w->sink.health(w->sink.arg, st, error);
}

static double rand_unit(struct k8s_watch *w) {
    w->rng ^= w->rng >> 12;
    w->rng ^= w->rng << 25;
    w->rng ^= w->rng >> 27;
    return (double)((w->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

static void start_list(struct k8s_watch *w);
static void start_watch(struct k8s_watch *w);

/* Try again after a back-off: 1 s doubling to 30 s, jitter in [d/2, d). */
static void retry_later(struct k8s_watch *w, bool list, const char *error) {
    w->failures++;
    int shift = w->failures - 1 < 8 ? w->failures - 1 : 8;
    int64_t d = (int64_t)K8S_WATCH_BACKOFF_BASE_MS << shift;
    if (d > K8S_WATCH_BACKOFF_MAX_MS)
        d = K8S_WATCH_BACKOFF_MAX_MS;
    d = d / 2 + (int64_t)(rand_unit(w) * (double)(d / 2));
    w->timer_lists = list;
    set_state(w, K8S_WATCH_WAITING, error);
    w->timer = w->io.timer(w->io.arg, w, d);
    if (w->timer < 0)
        w->timer = 0; /* no timer free: the next k8s_watch_start begins again */
}

/* 403: the Status message says why (the RBAC reason), else the transport's line. */
static void forbidden(struct k8s_watch *w, bool on_watch, const char *body, size_t len,
                      const char *error) {
    char *msg = body ? k8s_api_error_message(body, len) : NULL;
    char line[256];
    if (msg)
        snprintf(line, sizeof line, "403 Forbidden: %s", msg);
    else
        snprintf(line, sizeof line, "%s", error && error[0] ? error : "HTTP 403: forbidden");
    free(msg);
    w->watch_denied = on_watch;
    set_state(w, K8S_WATCH_FORBIDDEN, line);
}

static void start_list(struct k8s_watch *w) {
    char *url = k8s_watch_list_url(w);
    w->c.lists++;
    set_state(w, K8S_WATCH_LISTING, w->failures ? w->error : NULL);
    w->req = w->io.get(w->io.arg, w, url, false, 0);
    free(url);
    if (w->req < 0)
        retry_later(w, true, "cannot start the list request");
}

static void start_watch(struct k8s_watch *w) {
    char *url = k8s_watch_watch_url(w);
    w->c.watches++;
    if (w->reconnecting)
        w->c.reconnects++;
    w->reconnecting = false;
    w->relist = w->stream_bad = w->got_line = false;
    k8s_watch_lines_reset(&w->lines);
    set_state(w, K8S_WATCH_WATCHING, NULL);
    /* the server ends the watch at timeoutSeconds; silence well past that is a dead
     * connection */
    w->req = w->io.get(w->io.arg, w, url, true, (long)w->timeout_seconds * 1000 + 30000);
    free(url);
    if (w->req < 0) {
        w->reconnecting = true;
        retry_later(w, false, "cannot start the watch request");
    }
}

void k8s_watch_start(struct k8s_watch *w) {
    stop_io(w);
    w->failures = 0;
    w->list_only = false;
    start_list(w);
}

void k8s_watch_on_timer(struct k8s_watch *w) {
    w->timer = 0;
    if (w->timer_lists)
        start_list(w);
    else
        start_watch(w);
}

void k8s_watch_on_list(struct k8s_watch *w, long status, const char *body, size_t len,
                       const char *error) {
    w->req = -1;
    w->last_status = status >= 400 ? status : 0;
    if (status == 403) {
        forbidden(w, false, body, len, error);
        return;
    }
    if (error && error[0]) {
        retry_later(w, true, error);
        return;
    }
    cJSON *root = cJSON_ParseWithLength(body, len);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    const cJSON *meta = cJSON_GetObjectItemCaseSensitive(root, "metadata");
    const char *rv = json_get_string_ref(meta, "resourceVersion");
    if (!cJSON_IsObject(root) || !(cJSON_IsArray(items) || cJSON_IsNull(items) || items == NULL) ||
        rv == NULL || rv[0] == '\0') {
        cJSON_Delete(root);
        retry_later(w, true, "list: not a Kubernetes list with a resourceVersion");
        return;
    }
    free(w->rv);
    w->rv = xstrdup(rv);
    cJSON *empty = NULL;
    if (!cJSON_IsArray(items))
        items = empty = cJSON_CreateArray();
    w->sink.reset(w->sink.arg, items);
    cJSON_Delete(empty);
    cJSON_Delete(root);
    w->failures = 0;
    if (w->list_only) { /* the watch stays forbidden: no stream, as before the list */
        w->list_only = false;
        w->watch_denied = true;
        set_state(w, K8S_WATCH_FORBIDDEN, w->denied);
        return;
    }
    start_watch(w);
}

void k8s_watch_list_again(struct k8s_watch *w) {
    if (!k8s_watch_forbidden_watch(w))
        return;
    snprintf(w->denied, sizeof w->denied, "%s", w->error);
    w->list_only = true;
    stop_io(w);
    w->failures = 0;
    start_list(w);
}

static void on_event(void *arg, const struct k8s_watch_event *ev) {
    struct k8s_watch *w = arg;
    w->got_line = true;
    if (ev->type == K8S_WATCH_ERROR) {
        if (ev->code == 410) {
            w->relist = true;
        } else {
            char *msg = ev->message ? sanitize_strndup(ev->message, strnlen(ev->message, 160))
                                    : xstrdup("no message");
            snprintf(w->error, sizeof w->error, "watch error %d: %s", ev->code, msg);
            free(msg);
            w->stream_bad = true;
        }
        w->lines.stop = true;
        return;
    }
    if (ev->resource_version && ev->resource_version[0]) {
        free(w->rv);
        w->rv = xstrdup(ev->resource_version);
    }
    if (ev->type == K8S_WATCH_BOOKMARK)
        return;
    w->c.events++;
    w->sink.event(w->sink.arg, ev->type, ev->object);
}

bool k8s_watch_on_chunk(struct k8s_watch *w, const char *data, size_t len) {
    if (w->relist || w->stream_bad)
        return false;
    if (k8s_watch_lines_feed(&w->lines, data, len, on_event, w) != 0) {
        snprintf(w->error, sizeof w->error, "%s", w->lines.error);
        w->stream_bad = true;
    }
    return !(w->relist || w->stream_bad);
}

void k8s_watch_on_stream_end(struct k8s_watch *w, long status, const char *body, size_t len,
                             const char *error) {
    w->req = -1;
    w->last_status = status >= 400 ? status : 0;
    if (w->relist || status == 410) {
        /* our resourceVersion is older than the server keeps: everything again */
        w->c.relists++;
        w->failures = 0;
        start_list(w);
        return;
    }
    if (status == 403) {
        forbidden(w, true, body, len, error);
        return;
    }
    w->reconnecting = true;
    if (w->stream_bad) {
        char line[256];
        snprintf(line, sizeof line, "%s", w->error);
        retry_later(w, false, line);
        return;
    }
    if (error && error[0]) { /* dropped: from where we were, after a back-off */
        retry_later(w, false, error);
        return;
    }
    if (w->got_line) { /* the server ended it at timeoutSeconds: go on at once */
        w->failures = 0;
        w->reconnecting = false;
        start_watch(w);
        return;
    }
    /* ended cleanly but said nothing: do not spin on a server that closes at once */
    w->reconnecting = false;
    retry_later(w, false, NULL);
}

/* ---- the transport over http.c and loop.c ---- */

static void http_list_done(void *arg, const struct http_response *resp) {
    k8s_watch_on_list(arg, resp->status, resp->body, resp->len,
                      resp->outcome == HTTP_OK ? NULL : resp->error);
}

static void http_stream_done(void *arg, const struct http_response *resp) {
    k8s_watch_on_stream_end(arg, resp->status, resp->body, resp->len,
                            resp->outcome == HTTP_OK ? NULL : resp->error);
}

static bool http_chunk(void *arg, const char *data, size_t len) {
    return k8s_watch_on_chunk(arg, data, len);
}

static int64_t http_get(void *io, struct k8s_watch *w, const char *url, bool stream,
                        long idle_timeout_ms) {
    struct k8s_watch_http *ctx = io;
    struct http_request req = {0};
    req.url = url;
    req.tls = ctx->tls;
    req.timeout_ms = ctx->timeout_ms;
    req.arg = w;
    /* what the board shows comes from these, and a stream costs one request an hour
     * when healthy: it spends the budget but never waits behind detail requests (a
     * reconnect held for seconds is a board that misses changes) */
    req.priority = HTTP_PRIO_VIEW;
    if (stream) {
        req.on_chunk = http_chunk;
        req.idle_timeout_ms = idle_timeout_ms;
        req.done = http_stream_done;
    } else {
        req.done = http_list_done;
    }
    return http_start(ctx->http, &req);
}

static void http_cancel_req(void *io, int64_t handle) {
    struct k8s_watch_http *ctx = io;
    http_cancel(ctx->http, handle);
}

static void loop_fire(void *arg) { k8s_watch_on_timer(arg); }

static int loop_arm(void *io, struct k8s_watch *w, int64_t delay_ms) {
    struct k8s_watch_http *ctx = io;
    return loop_timer(ctx->loop, delay_ms, loop_fire, w);
}

static void loop_disarm(void *io, int id) {
    struct k8s_watch_http *ctx = io;
    loop_timer_cancel(ctx->loop, id);
}

void k8s_watch_io_http(struct k8s_watch_io *io, struct k8s_watch_http *ctx) {
    io->get = http_get;
    io->cancel = http_cancel_req;
    io->timer = loop_arm;
    io->timer_cancel = loop_disarm;
    io->arg = ctx;
}
