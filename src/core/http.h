/* Asynchronous HTTP on curl's multi interface. Nothing here blocks: http_submit() only
 * queues a transfer; the event loop (loop.c) waits on http_multi() and calls
 * http_perform(), which runs the done callbacks of finished transfers.
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

#define HTTP_DEFAULT_TIMEOUT_MS 5000
#define HTTP_DEFAULT_MAX_BODY ((size_t)16 * 1024 * 1024)
#define HTTP_MAX_PER_HOST 8

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

struct http_request {
    const char *method;         /* "GET" when NULL */
    const char *url;            /* copied */
    const char *body;           /* copied; NULL for none */
    const char *content_type;   /* copied; "application/json" when body and NULL */
    const struct http_tls *tls; /* borrowed; NULL for plain defaults */
    long timeout_ms;            /* 0 = the client's default */
    http_done_fn done;          /* called exactly once, from http_perform or http_free */
    void *arg;
};

struct http;

/* returns owned client: free with http_free (which fails and completes pending requests
 * with "cancelled"). */
struct http *http_new(long default_timeout_ms, size_t max_body);
void http_free(struct http *h);

/* Queue a request; returns 0, or -1 with the done callback not called when the
 * request could not even be created (bad URL). */
int http_submit(struct http *h, const struct http_request *req);
/* borrowed: the multi handle the loop waits on */
CURLM *http_multi(struct http *h);
/* Drive transfers and run callbacks of finished ones. Returns the number still running. */
int http_perform(struct http *h);
/* Requests queued or running. */
int http_pending(const struct http *h);
/* Total bytes of response bodies received, for benchmarks. */
uint64_t http_bytes_received(const struct http *h);

/* The one-line description of a failure (used by http_perform; exposed for tests).
 * path is the URL path (without query) the request went to; os_errno is curl's
 * CURLINFO_OS_ERRNO (0 unknown); curl_detail its error buffer. */
void http_describe_error(CURLcode cc, long status, const char *path, long timeout_ms,
                         size_t max_body, bool too_big, int os_errno, const char *curl_detail,
                         char *out, size_t outlen);

#endif
