#include "http.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "xalloc.h"

#ifndef FLINKTOP_VERSION
#define FLINKTOP_VERSION "dev"
#endif

/* One transfer, queued or in flight. Owned by the client's list (oldest first) until it
 * completes. We queue beyond HTTP_MAX_PER_HOST ourselves rather than let curl do it, so
 * that a request's timeout starts when it is sent, not when it was queued. */
struct req {
    struct req *next;
    CURL *easy;
    char host[160]; /* scheme://host:port: the per-host limit counts these */
    bool started;   /* added to the multi handle; queued until then */
    char *url;
    char *body;
    struct curl_slist *headers;
    struct curl_slist *connect_to;
    struct buf resp;
    bool too_big;
    long timeout_ms;
    int64_t start_ms;
    http_done_fn done;
    void *arg;
    char errbuf[CURL_ERROR_SIZE];
};

struct http {
    CURLM *multi;
    struct req *reqs;
    int pending;
    long timeout_ms;
    size_t max_body;
    uint64_t bytes;
};

struct http *http_new(long default_timeout_ms, size_t max_body) {
    struct http *h = xcalloc(1, sizeof *h);
    h->multi = curl_multi_init();
    if (h->multi == NULL) {
        free(h);
        return NULL;
    }
    h->timeout_ms = default_timeout_ms > 0 ? default_timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
    h->max_body = max_body > 0 ? max_body : HTTP_DEFAULT_MAX_BODY;
    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, (long)HTTP_MAX_PER_HOST);
    return h;
}

static void req_free(struct req *r) {
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    curl_slist_free_all(r->connect_to);
    buf_free(&r->resp);
    free(r->url);
    free(r->body);
    free(r);
}

static void unlink_req(struct http *h, struct req *r) {
    for (struct req **pp = &h->reqs; *pp; pp = &(*pp)->next) {
        if (*pp == r) {
            *pp = r->next;
            h->pending--;
            return;
        }
    }
}

void http_free(struct http *h) {
    if (h == NULL)
        return;
    while (h->reqs) {
        struct req *r = h->reqs;
        unlink_req(h, r);
        if (r->started)
            curl_multi_remove_handle(h->multi, r->easy);
        struct http_response resp = {HTTP_FAILED, 0, "", 0, "cancelled", 0};
        r->done(r->arg, &resp);
        req_free(r);
    }
    curl_multi_cleanup(h->multi);
    free(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp) {
    struct req *r = userp;
    size_t n = size * nmemb;
    if (!buf_append(&r->resp, data, n)) {
        r->too_big = true;
        return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
    }
    return n;
}

static bool is_https(const char *url) { return strncmp(url, "https://", 8) == 0; }

/* kubeconfig's tls-server-name: talk TLS (SNI and certificate check) as server_name while
 * connecting to the URL's real host: the URL names server_name and CONNECT_TO maps it back. */
static void use_server_name(struct req *r, const char *server_name) {
    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *url = NULL;
    if (curl_url_set(u, CURLUPART_URL, r->url, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_HOST, &host, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT) == CURLUE_OK &&
        curl_url_set(u, CURLUPART_HOST, server_name, 0) == CURLUE_OK &&
        curl_url_get(u, CURLUPART_URL, &url, 0) == CURLUE_OK) {
        char *map = xasprintf("%s:%s:%s:%s", server_name, port, host, port);
        r->connect_to = curl_slist_append(r->connect_to, map);
        free(map);
        curl_easy_setopt(r->easy, CURLOPT_CONNECT_TO, r->connect_to);
        free(r->url);
        r->url = xstrdup(url);
        curl_easy_setopt(r->easy, CURLOPT_URL, r->url);
    }
    curl_free(host);
    curl_free(port);
    curl_free(url);
    curl_url_cleanup(u);
}

static void apply_tls(struct req *r, const struct http_tls *tls) {
    CURL *e = r->easy;
    if (tls->ca_data) {
        struct curl_blob blob = {(void *)(uintptr_t)tls->ca_data, tls->ca_len, CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_CAINFO_BLOB, &blob);
    } else if (tls->ca_file) {
        curl_easy_setopt(e, CURLOPT_CAINFO, tls->ca_file);
    }
    if (tls->cert_data) {
        struct curl_blob blob = {(void *)(uintptr_t)tls->cert_data, tls->cert_len, CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_SSLCERT_BLOB, &blob);
    } else if (tls->cert_file) {
        curl_easy_setopt(e, CURLOPT_SSLCERT, tls->cert_file);
    }
    if (tls->key_data) {
        struct curl_blob blob = {(void *)(uintptr_t)tls->key_data, tls->key_len, CURL_BLOB_COPY};
        curl_easy_setopt(e, CURLOPT_SSLKEY_BLOB, &blob);
    } else if (tls->key_file) {
        curl_easy_setopt(e, CURLOPT_SSLKEY, tls->key_file);
    }
    if (tls->insecure) {
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(e, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    if (tls->proxy)
        curl_easy_setopt(e, CURLOPT_PROXY, tls->proxy);
    if (tls->server_name && is_https(r->url))
        use_server_name(r, tls->server_name);
    /* over plain http only where the config said insecure: true (flink_auth.h) */
    if (tls->username && (is_https(r->url) || tls->insecure)) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
        curl_easy_setopt(e, CURLOPT_USERNAME, tls->username);
        curl_easy_setopt(e, CURLOPT_PASSWORD, tls->password ? tls->password : "");
    }
    /* client-go sends the bearer token only over TLS; so do we. */
    if (tls->bearer && (is_https(r->url) || tls->insecure)) {
        curl_easy_setopt(e, CURLOPT_XOAUTH2_BEARER, tls->bearer);
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, CURLAUTH_BEARER);
    }
}

/* "scheme://host:port" of a URL: everything before the path. */
static void url_host(const char *url, char *out, size_t outlen) {
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    size_t n = (size_t)(p - url) + strcspn(p, "/?#");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, url, n);
    out[n] = '\0';
}

static int in_flight_for(const struct http *h, const char *host) {
    int n = 0;
    for (const struct req *r = h->reqs; r; r = r->next)
        if (r->started && strcmp(r->host, host) == 0)
            n++;
    return n;
}

/* Send queued requests, oldest first, while their host has a free slot. */
static void start_queued(struct http *h) {
    for (struct req *r = h->reqs; r; r = r->next) {
        if (r->started || in_flight_for(h, r->host) >= HTTP_MAX_PER_HOST)
            continue;
        r->started = true;
        r->start_ms = clock_mono_ms();
        if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK)
            r->started = false; /* tried again on the next completion */
    }
}

int http_submit(struct http *h, const struct http_request *q) {
    struct req *r = xcalloc(1, sizeof *r);
    buf_init(&r->resp, h->max_body);
    r->url = xstrdup(q->url);
    r->done = q->done;
    r->arg = q->arg;
    r->timeout_ms = q->timeout_ms > 0 ? q->timeout_ms : h->timeout_ms;
    r->easy = curl_easy_init();
    if (r->easy == NULL) {
        req_free(r);
        return -1;
    }
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* gzip: lighter on a slow link */
    curl_easy_setopt(e, CURLOPT_USERAGENT, "flinktop/" FLINKTOP_VERSION);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    r->headers = curl_slist_append(r->headers, "Accept: application/json");
    const char *method = q->method ? q->method : "GET";
    if (strcmp(method, "GET") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    if (q->body) {
        r->body = xstrdup(q->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDS, r->body);
        curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE, (long)strlen(r->body));
        char *ct =
            xasprintf("Content-Type: %s", q->content_type ? q->content_type : "application/json");
        r->headers = curl_slist_append(r->headers, ct);
        free(ct);
    }
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, r->headers);
    if (q->tls)
        apply_tls(r, q->tls);
    url_host(r->url, r->host, sizeof r->host);
    struct req **tail = &h->reqs;
    while (*tail)
        tail = &(*tail)->next;
    *tail = r;
    h->pending++;
    start_queued(h);
    return 0;
}

CURLM *http_multi(struct http *h) { return h->multi; }
int http_pending(const struct http *h) { return h->pending; }
uint64_t http_bytes_received(const struct http *h) { return h->bytes; }

static void format_size(size_t n, char *out, size_t outlen) {
    if (n >= 1024 * 1024 && n % (1024 * 1024) == 0)
        snprintf(out, outlen, "%zu MiB", n / (1024 * 1024));
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(out, outlen, "%zu KiB", n / 1024);
    else
        snprintf(out, outlen, "%zu bytes", n);
}

static bool contains(const char *hay, const char *needle) {
    return hay && strstr(hay, needle) != NULL;
}

void http_describe_error(CURLcode cc, long status, const char *path, long timeout_ms,
                         size_t max_body, bool too_big, int os_errno, const char *detail, char *out,
                         size_t outlen) {
    char size[32];
    switch (cc) {
    case CURLE_OK:
        snprintf(out, outlen, "HTTP %ld from %s", status, path && *path ? path : "/");
        return;
    case CURLE_OPERATION_TIMEDOUT:
        if (timeout_ms % 1000 == 0)
            snprintf(out, outlen, "timed out after %ld s", timeout_ms / 1000);
        else
            snprintf(out, outlen, "timed out after %.1f s", (double)timeout_ms / 1000.0);
        return;
    case CURLE_COULDNT_CONNECT:
        if (os_errno == ECONNREFUSED || contains(detail, "refused"))
            snprintf(out, outlen, "connection refused");
        else
            snprintf(out, outlen, "cannot connect to server");
        return;
    case CURLE_COULDNT_RESOLVE_HOST:
        snprintf(out, outlen, "cannot resolve host");
        return;
    case CURLE_COULDNT_RESOLVE_PROXY:
        snprintf(out, outlen, "cannot resolve proxy");
        return;
    case CURLE_PEER_FAILED_VERIFICATION: {
        /* curl's detail says why: unknown issuer, name mismatch, expired. */
        const char *why =
            detail && strstr(detail, "problem: ") ? strstr(detail, "problem: ") + 9 : NULL;
        if (contains(detail, "subject name") || contains(detail, "does not match"))
            snprintf(out, outlen, "TLS: certificate verify failed (%s)", detail);
        else if (why)
            snprintf(out, outlen, "TLS: certificate verify failed (%s)", why);
        else
            snprintf(out, outlen, "TLS: certificate verify failed");
        return;
    }
    case CURLE_SSL_CONNECT_ERROR:
        snprintf(out, outlen, "TLS: handshake failed");
        return;
    case CURLE_SSL_CERTPROBLEM:
        snprintf(out, outlen, "TLS: client certificate rejected");
        return;
    case CURLE_SSL_CACERT_BADFILE:
        snprintf(out, outlen, "TLS: cannot read CA certificate");
        return;
    case CURLE_FILESIZE_EXCEEDED:
        format_size(max_body, size, sizeof size);
        snprintf(out, outlen, "response over %s", size);
        return;
    case CURLE_WRITE_ERROR:
        if (too_big) {
            format_size(max_body, size, sizeof size);
            snprintf(out, outlen, "response over %s", size);
        } else {
            snprintf(out, outlen, "cannot store response");
        }
        return;
    case CURLE_GOT_NOTHING:
        snprintf(out, outlen, "server closed the connection without answering");
        return;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
        snprintf(out, outlen, "connection reset by server");
        return;
    case CURLE_PARTIAL_FILE:
        snprintf(out, outlen, "response cut short");
        return;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
        snprintf(out, outlen, "bad URL");
        return;
    default:
        snprintf(out, outlen, "%s", curl_easy_strerror(cc));
        return;
    }
}

/* The path of a URL, without the query, for error lines. */
static void url_path(const char *url, char *out, size_t outlen) {
    const char *p = strstr(url, "://");
    p = p ? strchr(p + 3, '/') : NULL;
    if (p == NULL)
        p = "/";
    size_t n = strcspn(p, "?#");
    if (n >= outlen)
        n = outlen - 1;
    memcpy(out, p, n);
    out[n] = '\0';
}

static void complete(struct http *h, struct req *r, CURLcode cc) {
    long status = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    char line[256] = "";
    char path[160];
    struct http_response resp = {0};
    resp.status = status;
    resp.elapsed_ms = clock_mono_ms() - r->start_ms;
    h->bytes += r->resp.len;
    if (cc == CURLE_OK && status >= 200 && status < 300) {
        resp.outcome = HTTP_OK;
    } else {
        long os_errno = 0;
        curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
        url_path(r->url, path, sizeof path);
        http_describe_error(cc, status, path, r->timeout_ms, h->max_body, r->too_big, (int)os_errno,
                            r->errbuf, line, sizeof line);
        resp.outcome = HTTP_FAILED;
    }
    resp.error = line;
    resp.body = r->resp.data ? r->resp.data : "";
    resp.len = r->resp.len;
    r->done(r->arg, &resp);
}

int http_perform(struct http *h) {
    int running = 0;
    curl_multi_perform(h->multi, &running);
    CURLMsg *msg;
    int left;
    while ((msg = curl_multi_info_read(h->multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct req *r = NULL;
        curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&r);
        CURLcode cc = msg->data.result;
        curl_multi_remove_handle(h->multi, r->easy);
        unlink_req(h, r);
        complete(h, r, cc);
        req_free(r);
        start_queued(h);
    }
    return running;
}
