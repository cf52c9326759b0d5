/* Kubernetes list-then-watch for one resource kind (FlinkDeployments, pods with a label
 * selector, events, ...), as client-go's reflector does it:
 *
 *   list     GET PATH[?labelSelector=...]            -> sink.reset(items), remember
 *                                                       metadata.resourceVersion
 *   watch    GET PATH?watch=1&resourceVersion=RV&allowWatchBookmarks=true
 *                &timeoutSeconds=N[&labelSelector=...] (a stream: one JSON event a line)
 *            ADDED/MODIFIED/DELETED -> sink.event, RV = the object's
 *            BOOKMARK -> RV only; ERROR 410 (or HTTP 410) -> list again
 *   the server ends the watch after timeoutSeconds -> watch again from RV at once
 *   a dropped stream, an ERROR, a garbage line     -> watch again from RV after a back-off
 *   a failed list                                   -> list again after a back-off
 *   403 (RBAC forbids list or watch)                -> FORBIDDEN: stops; the caller falls
 *                                                      back to periodic lists and says so
 * Back-off: 1 s doubling to 30 s, with jitter; reset by a list or a stream that works.
 *
 * The watch does no I/O itself: a transport (struct k8s_watch_io) starts requests and
 * timers and hands the answers back through k8s_watch_on_*; k8s_watch_io_http() is the
 * transport over http.c and loop.c, and tests drive the machine by hand.
 *
 * Strings in events are the server's, unsanitised: the sink sanitises what it keeps. */
#ifndef FLINKTOP_K8S_WATCH_H
#define FLINKTOP_K8S_WATCH_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define K8S_WATCH_TIMEOUT_SECONDS 300        /* the server ends each watch after this */
#define K8S_WATCH_MAX_LINE ((size_t)4 << 20) /* one event; longer is an error */
#define K8S_WATCH_BACKOFF_BASE_MS 1000
#define K8S_WATCH_BACKOFF_MAX_MS 30000

/* ---- the line parser ---- */

enum k8s_watch_type {
    K8S_WATCH_ADDED,
    K8S_WATCH_MODIFIED,
    K8S_WATCH_DELETED,
    K8S_WATCH_BOOKMARK,
    K8S_WATCH_ERROR,
};

struct k8s_watch_event {
    enum k8s_watch_type type;
    const cJSON *object;          /* borrowed: valid during the callback; never NULL */
    const char *resource_version; /* borrowed: object's metadata.resourceVersion, or NULL */
    int code;                     /* ERROR: the Status's code (410: too old), else 0 */
    const char *message;          /* ERROR: the Status's message, or NULL (borrowed) */
};

typedef void (*k8s_watch_event_fn)(void *arg, const struct k8s_watch_event *ev);

/* Splits a stream into lines however the reads cut it, and each line into an event. */
struct k8s_watch_lines {
    struct buf partial; /* owned: a line cut across reads, capped at max_line */
    size_t max_line;
    bool stop;       /* fn may set it: the rest of the piece is not read */
    char error[160]; /* after a -1: what was wrong */
};

void k8s_watch_lines_init(struct k8s_watch_lines *p, size_t max_line);
void k8s_watch_lines_reset(struct k8s_watch_lines *p); /* a new stream */
void k8s_watch_lines_free(struct k8s_watch_lines *p);
/* Feed the next piece of the stream; fn gets each complete line's event in order (blank
 * lines are skipped). Returns 0, or -1 at the first bad line (not JSON, not an object,
 * no or unknown "type", no "object", longer than max_line) with p->error set: events
 * before it were delivered, nothing after it is read. */
int k8s_watch_lines_feed(struct k8s_watch_lines *p, const char *data, size_t len,
                         k8s_watch_event_fn fn, void *arg);

/* ---- the list-then-watch machine ---- */

enum k8s_watch_state {
    K8S_WATCH_IDLE,      /* not started */
    K8S_WATCH_LISTING,   /* a list in flight */
    K8S_WATCH_WATCHING,  /* a watch stream in flight */
    K8S_WATCH_WAITING,   /* backing off before the next list or watch */
    K8S_WATCH_FORBIDDEN, /* 403: stopped; fall back to lists */
};

struct k8s_watch;

/* Where the data goes. Called from k8s_watch_on_* (so from inside a transfer's
 * callbacks with the http transport): change the model, raise flags; requests sent
 * from here are started after the callback returns. */
struct k8s_watch_sink {
    /* A full list: replace everything held of this kind with items (a cJSON array,
     * borrowed during the call). After a re-list the same objects may come again. */
    void (*reset)(void *arg, const cJSON *items);
    /* One change (ADDED, MODIFIED, DELETED); object borrowed during the call. */
    void (*event)(void *arg, enum k8s_watch_type type, const cJSON *object);
    /* The state changed; error is one line (borrowed) when the last attempt failed,
     * NULL when healthy. May be NULL. */
    void (*health)(void *arg, enum k8s_watch_state state, const char *error);
    void *arg;
};

/* The transport. handle/ids are the transport's; -1 means it could not start. */
struct k8s_watch_io {
    /* GET url: a plain request (answer through k8s_watch_on_list) or, stream = true, a
     * streaming one (k8s_watch_on_chunk, then k8s_watch_on_stream_end). */
    int64_t (*get)(void *io, struct k8s_watch *w, const char *url, bool stream,
                   long idle_timeout_ms);
    void (*cancel)(void *io, int64_t handle); /* no answer comes for it afterwards */
    int (*timer)(void *io, struct k8s_watch *w, int64_t delay_ms); /* -> k8s_watch_on_timer */
    void (*timer_cancel)(void *io, int id);
    void *arg;
};

struct k8s_watch_config {
    const char *server;         /* API server URL, e.g. https://10.0.0.1:6443 (copied) */
    const char *path;           /* e.g. /apis/flink.apache.org/v1beta1/flinkdeployments
                                   (all namespaces) or .../namespaces/NS/... (copied) */
    const char *label_selector; /* e.g. "component in (jobmanager,taskmanager)"; NULL none */
    int timeout_seconds;        /* 0: K8S_WATCH_TIMEOUT_SECONDS */
    size_t max_line;            /* 0: K8S_WATCH_MAX_LINE */
    uint64_t seed;              /* jitter; 0: from the clock */
};

struct k8s_watch_counters {
    uint64_t lists;      /* lists sent */
    uint64_t watches;    /* watch streams opened */
    uint64_t events;     /* ADDED, MODIFIED, DELETED delivered */
    uint64_t relists;    /* lists after a 410 */
    uint64_t reconnects; /* watches opened again after a failure */
};

/* returns owned watch (free with k8s_watch_free); io and sink are copied (their args
 * are borrowed and must outlive the watch) */
struct k8s_watch *k8s_watch_new(const struct k8s_watch_config *cfg, const struct k8s_watch_io *io,
                                const struct k8s_watch_sink *sink);
/* Cancels its request and timer; no callback after it. */
void k8s_watch_free(struct k8s_watch *w);
/* List, then watch. Again from the start (a fresh list) when already running. */
void k8s_watch_start(struct k8s_watch *w);

enum k8s_watch_state k8s_watch_state(const struct k8s_watch *w);
/* borrowed: the last resourceVersion seen, NULL before the first list */
const char *k8s_watch_resource_version(const struct k8s_watch *w);
/* borrowed: the last error line, "" when none */
const char *k8s_watch_error(const struct k8s_watch *w);
const struct k8s_watch_counters *k8s_watch_counters(const struct k8s_watch *w);
/* The HTTP status of the last answer that failed (401, 403, 410, 500...), 0 for none or
 * a transport failure; kept until the next answer that works. */
long k8s_watch_last_status(const struct k8s_watch *w);
/* FORBIDDEN came from the watch request (RBAC allows list, not watch): the caller lists
 * periodically instead. false when the list itself was forbidden. */
bool k8s_watch_forbidden_watch(const struct k8s_watch *w);
/* Where RBAC lists but forbids watch (k8s_watch_forbidden_watch): one list now
 * (sink.reset), then FORBIDDEN again with the same line, and no watch; a failed list
 * backs off and lists again. The caller's periodic list in place of the stream. No-op in
 * any other state. */
void k8s_watch_list_again(struct k8s_watch *w);
/* The URLs it sends (exposed for tests): returns owned strings. rv may be NULL. */
char *k8s_watch_list_url(const struct k8s_watch *w);
char *k8s_watch_watch_url(const struct k8s_watch *w);

/* Answers from the transport. status 0 when no HTTP answer came; body borrowed. */
void k8s_watch_on_list(struct k8s_watch *w, long status, const char *body, size_t len,
                       const char *error);
/* A piece of the stream; false: stop reading it (the transport aborts the transfer and
 * still reports its end). */
bool k8s_watch_on_chunk(struct k8s_watch *w, const char *data, size_t len);
void k8s_watch_on_stream_end(struct k8s_watch *w, long status, const char *body, size_t len,
                             const char *error);
void k8s_watch_on_timer(struct k8s_watch *w);

/* ---- the transport over http.c and loop.c ---- */

struct http;
struct http_tls;
struct loop;

/* Fills io with a transport that sends through http (tls borrowed, as in struct
 * http_request, may be NULL) and times back-offs with loop. ctx is the caller's
 * storage (it must outlive every watch using io). */
struct k8s_watch_http {
    struct http *http;
    struct loop *loop;
    const struct http_tls *tls;
    long timeout_ms; /* connection set-up and lists; 0: the client's default */
};
void k8s_watch_io_http(struct k8s_watch_io *io, struct k8s_watch_http *ctx);

#endif
