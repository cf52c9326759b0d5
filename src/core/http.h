/* Asynchronous HTTP on curl's multi interface. Nothing here blocks: http_submit() only
 * queues a transfer; the event loop (loop.c) waits on http_multi() and calls
 * http_perform(), which runs the done callbacks of finished transfers.
 *
 * What goes when is http_queue.c's: a queue per host, highest priority first (a user's
 * action, the screen in view, the board, background details), hosts in turn, at most
 * HTTP_MAX_PER_HOST in flight per HTTP/1.1 server (HTTP/2 servers multiplex many more
 * on one connection), and a request budget per server (a token bucket, --qps/--burst).
 * Per source (a host, or one cluster behind a service proxy), failures back off with
 * jitter and Retry-After is honoured; a GET already queued or in flight is not sent
 * twice. Long-lived streams (Kubernetes watches) deliver their body piece by piece.
 *
 * Every failure becomes one short line that says what happened ("connection refused",
 * "timed out after 5 s", "HTTP 503 from /jobs/overview", "TLS: certificate verify
 * failed", "response over 16 MiB"). Credentials never appear in those lines. */
#ifndef FLINKTOP_HTTP_H
#define FLINKTOP_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http_queue.h"

#define HTTP_DEFAULT_TIMEOUT_MS 5000
#define HTTP_DEFAULT_MAX_BODY ((size_t)16 * 1024 * 1024)
#define HTTP_DEFAULT_IDLE_TIMEOUT_MS 90000 /* a stream silent this long is dropped */

/* TLS and authentication for one target. Borrowed by requests: it must outlive every
 * request that points at it. Blobs are in memory (kubeconfig *-data), files are paths. */
struct http_tls {
    const char *ca_file;
    const void *ca_data;
    size_t ca_len;
    const char *cert_file;
    const void *cert_data;
    size_t cert_len;
    const char *key_file;
    const void *key_data;
    size_t key_len;
    bool insecure;           /* skip verification (shown to the user as a red marker) */
    const char *server_name; /* TLS SNI / verification name override, NULL = from URL */
    const char *bearer;      /* token; sent only over https (as kubectl does) or insecure */
    const char *username;    /* basic auth, sent only over https or insecure */
    const char *password;
    const char *proxy; /* proxy URL, NULL = none */
};

enum http_outcome { HTTP_OK, HTTP_FAILED };

struct http_response {
    enum http_outcome outcome;
    long status;      /* HTTP status, 0 when none arrived */
    const char *body; /* borrowed: valid during the callback only; NUL-terminated */
    size_t len;
    const char *error; /* borrowed: one line, "" on success */
    int64_t elapsed_ms;
};

typedef void (*http_done_fn)(void *arg, const struct http_response *resp);
/* Streaming: a piece of a 2xx body as it arrives (borrowed: valid during the call; not
 * NUL-terminated; a piece may end anywhere, inside a line or a UTF-8 character).
 * Return false to stop the transfer (done then says "stopped by the reader"). */
typedef bool (*http_chunk_fn)(void *arg, const char *data, size_t len);

struct http_request {
    const char *method;         /* "GET" when NULL */
    const char *url;            /* copied */
    const char *body;           /* copied; NULL for none */
    const char *content_type;   /* copied; "application/json" when body and NULL */
    const struct http_tls *tls; /* borrowed; NULL for plain defaults */
    long timeout_ms;            /* 0 = the client's default */
    http_done_fn done;          /* called exactly once, from http_perform or http_free */
    void *arg;
    /* Who is waiting (http_queue.h). DEFAULT: background for a GET (held by the
     * budget), a user's action otherwise. */
    enum http_priority priority;
    /* The first data of something on screen (a visible row's first details, at
     * HTTP_PRIO_BOARD): waits for the budget but not for its steady share
     * (http_queue.h HTTP_STEADY_SHARE), which holds only refreshes. */
    bool fill;
    /* Streaming (a Kubernetes watch): non-NULL sends a 2xx body here piece by piece,
     * never buffered, and done gets an empty body. Such a transfer is long-lived: no
     * overall timeout (timeout_ms bounds the connection set-up), but dropped after
     * idle_timeout_ms without a byte (0: HTTP_DEFAULT_IDLE_TIMEOUT_MS). It takes a
     * token from the budget but no per-host slot. A non-2xx body is buffered as usual
     * (capped) and given to done. */
    http_chunk_fn on_chunk;
    long idle_timeout_ms;
};

struct http;

/* returns owned client: free with http_free (which fails and completes pending requests
 * with "cancelled"). */
struct http *http_new(long default_timeout_ms, size_t max_body);
void http_free(struct http *h);

/* The request budget of every host (token bucket, qps <= 0: none; defaults
 * HTTP_DEFAULT_QPS, HTTP_DEFAULT_BURST). Call before the first request. */
void http_set_budget(struct http *h, double qps, int burst);

/* At most n requests in flight to each HTTP/1.1 server (default HTTP_MAX_PER_HOST):
 * --once, which waits for every answer, fans out wider. */
void http_set_max_per_host(struct http *h, int n);

/* Queue a request; returns 0, or -1 with the done callback not called when the
 * request could not even be created.
 *
 * Coalescing: a GET without body, not streaming, for the same URL and the same tls as a
 * GET already queued or in flight sends nothing: it is answered by that transfer, and
 * every done callback runs, in the order submitted, with the same response. A more
 * urgent one moves the queued transfer up to its priority. The host's `coalesced`
 * counter says how often. */
int http_submit(struct http *h, const struct http_request *req);
/* Every GET still queued whose URL begins with url_prefix moves up to prio (never down):
 * a job that comes on screen while its background or board requests wait stops waiting
 * behind the budget. O(requests queued for that host). Requests held back by a failing
 * source's back-off stay held. Returns how many moved. */
int http_promote(struct http *h, const char *url_prefix, enum http_priority prio);
/* The same, returning an id > 0 for http_cancel (or -1). Never coalesced, never a
 * target of coalescing: for streams and anything that may be cancelled. */
int64_t http_start(struct http *h, const struct http_request *req);
/* Stop a request started with http_start, queued or in flight. Neither on_chunk nor
 * done is called for it afterwards (the caller knows). Unknown or finished ids are
 * ignored. */
void http_cancel(struct http *h, int64_t id);
/* borrowed: the multi handle the loop waits on */
CURLM *http_multi(struct http *h);
/* Drive transfers and run callbacks of finished ones. Returns the number still running. */
int http_perform(struct http *h);
/* Requests queued or running. */
int http_pending(const struct http *h);
/* Total bytes of response bodies received, for benchmarks. */
uint64_t http_bytes_received(const struct http *h);
/* Milliseconds until a request held by the budget or a back-off may start (-1: none is
 * held): the loop wakes up then. */
int64_t http_wait_ms(const struct http *h);
/* Per-host counters (make bench, --once): the number of hosts, and the i-th's. */
size_t http_host_count(const struct http *h);
void http_host_stats(const struct http *h, size_t i, struct http_host_stats *out);
/* Steps the scheduler took (queue moves, hash probes): tests check it grows linearly. */
uint64_t http_work(const struct http *h);

/* The one-line description of a failure (used by http_perform; exposed for tests).
 * path is the URL path (without query) the request went to; os_errno is curl's
 * CURLINFO_OS_ERRNO (0 unknown); curl_detail its error buffer. */
void http_describe_error(CURLcode cc, long status, const char *path, long timeout_ms,
                         size_t max_body, bool too_big, int os_errno, const char *curl_detail,
                         char *out, size_t outlen);

#endif
