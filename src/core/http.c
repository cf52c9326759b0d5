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

/* One transfer, queued or in flight, with the requests coalesced onto it. Owned by the
 * client's list until it completes. We queue beyond the per-host limit ourselves
 * (http_queue.c) rather than let curl do it, so that a request's timeout starts when it
 * is sent, not when it was queued, and so that priorities and the budget decide. */
struct follower {
    struct follower *next;
    http_done_fn done;
    void *arg;
};

/* Where answers come from: a host, or one cluster behind an API server's service proxy
 * (".../services/NAME/proxy"). A source that keeps failing is held back (back-off with
 * jitter, or its Retry-After) without holding back the other clusters of the host. */
struct source {
    int failures; /* in a row */
    int64_t last_fail_ms;
    int64_t held_until_ms;
    struct req *parked, *parked_tail; /* requests waiting for held_until_ms */
    struct source *pprev, *pnext;     /* in the client's list of sources with parked ones */
};

struct req {
    struct http_queue_item qi; /* first: the queue hands items back */
    struct req *prev, *next;   /* every request of the client */
    CURL *easy;
    char host[160]; /* scheme://host:port: the per-host queue and limit count these */
    char *url;
    char *body;
    char *coalesce_key; /* owned; non-NULL while other GETs of the URL may join */
    int64_t id;         /* > 0: started with http_start, cancellable */
    struct curl_slist *headers;
    struct curl_slist *connect_to;
    struct buf resp;
    bool too_big;
    bool stopped;   /* the chunk callback said stop */
    bool cancelled; /* http_cancel from inside a curl callback: dropped right after */
    struct req *cancel_next;
    bool add_failed;
    long timeout_ms;
    long idle_timeout_ms;
    int64_t start_ms;
    http_done_fn done;
    void *arg;
    http_chunk_fn on_chunk;
    struct follower *followers, **followers_tail;
    struct source *src; /* borrowed from the client */
    enum http_priority prio;
    bool parked;
    struct req *park_prev, *park_next;
    char errbuf[CURL_ERROR_SIZE];
};

struct http {
    CURLM *multi;
    struct req *reqs;
    int pending;
    long timeout_ms;
    size_t max_body;
    uint64_t bytes;
    struct http_queue queue;
    struct strmap coalesce; /* coalesce_key -> struct req */
    struct strmap ids;      /* "id" -> struct req */
    int64_t next_id;
    bool failed_adds;       /* some request could not be added to the multi handle */
    bool in_multi;          /* inside curl_multi_perform: curl's callbacks may not call curl */
    struct req *cancels;    /* cancelled from inside curl: removed when it returns */
    struct strmap sources;  /* source key -> owned struct source */
    struct source *parking; /* sources with parked requests */
};

static struct req *req_of(struct http_queue_item *it) {
    return (struct req *)(void *)((char *)it - offsetof(struct req, qi));
}

struct http *http_new(long default_timeout_ms, size_t max_body) {
    struct http *h = xcalloc(1, sizeof *h);
    h->multi = curl_multi_init();
    if (h->multi == NULL) {
        free(h);
        return NULL;
    }
    h->timeout_ms = default_timeout_ms > 0 ? default_timeout_ms : HTTP_DEFAULT_TIMEOUT_MS;
    h->max_body = max_body > 0 ? max_body : HTTP_DEFAULT_MAX_BODY;
    /* Our queue keeps HTTP/1.1 hosts to HTTP_MAX_PER_HOST; curl must not queue a user's
     * action or a watch behind them, so it gets no host limit of its own. HTTP/2
     * servers get one connection with many streams. */
    curl_multi_setopt(h->multi, CURLMOPT_PIPELINING, (long)CURLPIPE_MULTIPLEX);
    http_queue_init(&h->queue, HTTP_DEFAULT_QPS, HTTP_DEFAULT_BURST);
    http_queue_seed(&h->queue, (uint64_t)clock_mono_ms() ^ (uint64_t)(uintptr_t)h);
    strmap_init(&h->coalesce);
    strmap_init(&h->ids);
    strmap_init(&h->sources);
    h->next_id = 1;
    return h;
}

void http_set_max_per_host(struct http *h, int n) { http_queue_set_per_host(&h->queue, n); }

void http_set_budget(struct http *h, double qps, int burst) {
    h->queue.qps = qps;
    h->queue.burst = burst > 0 ? burst : HTTP_DEFAULT_BURST;
    int64_t now = clock_mono_ms();
    for (size_t i = 0; i < h->queue.n_hosts; i++) {
        token_bucket_init(&h->queue.list[i]->bucket, qps, h->queue.burst, now);
        token_bucket_init(&h->queue.list[i]->steady, qps * HTTP_STEADY_SHARE, h->queue.burst,
                          now);
    }
}

static void req_free(struct req *r) {
    if (r->easy)
        curl_easy_cleanup(r->easy);
    curl_slist_free_all(r->headers);
    curl_slist_free_all(r->connect_to);
    buf_free(&r->resp);
    while (r->followers) {
        struct follower *f = r->followers;
        r->followers = f->next;
        free(f);
    }
    free(r->coalesce_key);
    free(r->url);
    free(r->body);
    free(r);
}

static void id_key(int64_t id, char *out, size_t outlen) {
    snprintf(out, outlen, "%lld", (long long)id);
}

static void parking_del(struct http *h, struct source *s) {
    if (s->pprev)
        s->pprev->pnext = s->pnext;
    else
        h->parking = s->pnext;
    if (s->pnext)
        s->pnext->pprev = s->pprev;
    s->pprev = s->pnext = NULL;
}

static void unpark(struct http *h, struct req *r) {
    struct source *s = r->src;
    if (r->park_prev)
        r->park_prev->park_next = r->park_next;
    else
        s->parked = r->park_next;
    if (r->park_next)
        r->park_next->park_prev = r->park_prev;
    else
        s->parked_tail = r->park_prev;
    r->park_prev = r->park_next = NULL;
    r->parked = false;
    if (s->parked == NULL)
        parking_del(h, s);
}

/* Out of every index: the list, the coalescing map, the ids, the queue. */
static void unlink_req(struct http *h, struct req *r) {
    if (r->prev)
        r->prev->next = r->next;
    else
        h->reqs = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
    h->pending--;
    if (r->coalesce_key) {
        strmap_del(&h->coalesce, r->coalesce_key);
        free(r->coalesce_key);
        r->coalesce_key = NULL;
    }
    if (r->id > 0) {
        char k[32];
        id_key(r->id, k, sizeof k);
        strmap_del(&h->ids, k);
    }
    http_queue_remove(&h->queue, &r->qi);
    if (r->parked)
        unpark(h, r);
}

/* done for the request and every one coalesced onto it */
static void deliver(struct req *r, struct http_response *resp) {
    r->done(r->arg, resp);
    for (struct follower *f = r->followers; f; f = f->next)
        f->done(f->arg, resp);
}

void http_free(struct http *h) {
    if (h == NULL)
        return;
    while (h->reqs) {
        struct req *r = h->reqs;
        bool running = r->qi.running;
        unlink_req(h, r);
        if (running)
            curl_multi_remove_handle(h->multi, r->easy);
        struct http_response resp = {HTTP_FAILED, 0, "", 0, "cancelled", 0};
        if (!r->cancelled) /* http_cancel promised no callback */
            deliver(r, &resp);
        req_free(r);
    }
    curl_multi_cleanup(h->multi);
    http_queue_free(&h->queue);
    strmap_free(&h->coalesce);
    strmap_free(&h->ids);
    for (size_t i = 0; i < h->sources.cap; i++)
        free(h->sources.slots[i].value);
    strmap_free(&h->sources);
    free(h);
}

static size_t on_body(char *data, size_t size, size_t nmemb, void *userp) {
    struct req *r = userp;
    size_t n = size * nmemb;
    if (r->cancelled)
        return 0;
    if (r->on_chunk) {
        long status = 0;
        curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
        if (status >= 200 && status < 300) {
            if (!r->on_chunk(r->arg, data, n)) {
                r->stopped = true;
                return 0; /* aborts the transfer with CURLE_WRITE_ERROR */
            }
            return n;
        }
    }
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

/* Start what the queue lets start now. A handle curl refuses is completed as failed
 * in the next http_perform, never from inside http_submit. */
static void start_queued(struct http *h) {
    struct http_queue_item *it;
    if (h->in_multi)
        return; /* a request submitted from a chunk callback: started after it */
    int64_t now = clock_mono_ms();
    while ((it = http_queue_next(&h->queue, now)) != NULL) {
        struct req *r = req_of(it);
        r->start_ms = now;
        if (curl_multi_add_handle(h->multi, r->easy) != CURLM_OK) {
            r->add_failed = true;
            h->failed_adds = true;
        }
    }
}

static enum http_priority resolve_priority(const struct http_request *q) {
    if (q->priority != HTTP_PRIO_DEFAULT)
        return q->priority;
    bool reads =
        q->method == NULL || strcmp(q->method, "GET") == 0 || strcmp(q->method, "HEAD") == 0;
    return reads ? HTTP_PRIO_BACKGROUND : HTTP_PRIO_ACTION;
}

/* Who may share a transfer: a plain GET, same URL, same credentials. */
static bool coalescable(const struct http_request *q) {
    return (q->method == NULL || strcmp(q->method, "GET") == 0) && q->body == NULL &&
           q->on_chunk == NULL;
}

static uint64_t fnv1a(uint64_t h, const void *data, size_t len) {
    const unsigned char *b = data;
    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 0x100000001b3ULL;
    return h ^ len; /* "ab"+"c" and "a"+"bc" differ */
}

static uint64_t fnv1a_str(uint64_t h, const char *s) {
    return fnv1a(h, s ? s : "", s ? strlen(s) : 0);
}

/* What a transfer is sent with, as one number: the same struct http_tls is refilled when
 * a kubeconfig reload rotates a token, and a GET asked with the new one must not join a
 * transfer still queued with the old one (its answer would be the old 401 again). */
static uint64_t credentials_print(const struct http_tls *t) {
    uint64_t h = 0xcbf29ce484222325ULL;
    if (t == NULL)
        return h;
    h = fnv1a_str(h, t->bearer);
    h = fnv1a_str(h, t->username);
    h = fnv1a_str(h, t->password);
    h = t->cert_data ? fnv1a(h, t->cert_data, t->cert_len) : fnv1a_str(h, t->cert_file);
    h = t->key_data ? fnv1a(h, t->key_data, t->key_len) : fnv1a_str(h, t->key_file);
    h = t->ca_data ? fnv1a(h, t->ca_data, t->ca_len) : fnv1a_str(h, t->ca_file);
    h = fnv1a_str(h, t->server_name);
    h = fnv1a_str(h, t->proxy);
    return fnv1a(h, &t->insecure, sizeof t->insecure);
}

static struct req *create(struct http *h, const struct http_request *q) {
    struct req *r = xcalloc(1, sizeof *r);
    buf_init(&r->resp, h->max_body);
    r->url = xstrdup(q->url);
    r->done = q->done;
    r->arg = q->arg;
    r->on_chunk = q->on_chunk;
    r->qi.fill = q->fill;
    r->timeout_ms = q->timeout_ms > 0 ? q->timeout_ms : h->timeout_ms;
    r->idle_timeout_ms = q->idle_timeout_ms > 0 ? q->idle_timeout_ms : HTTP_DEFAULT_IDLE_TIMEOUT_MS;
    r->followers_tail = &r->followers;
    r->easy = curl_easy_init();
    if (r->easy == NULL) {
        req_free(r);
        return NULL;
    }
    CURL *e = r->easy;
    curl_easy_setopt(e, CURLOPT_URL, r->url);
    curl_easy_setopt(e, CURLOPT_PRIVATE, r);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, r);
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, r->errbuf);
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    if (r->on_chunk) {
        /* long-lived: no overall timeout, an idle one instead (under 1 byte/s for the
         * idle time is curl's "too slow", which we call "no data for N s") */
        curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, r->timeout_ms);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_LIMIT, 1L);
        curl_easy_setopt(e, CURLOPT_LOW_SPEED_TIME, (r->idle_timeout_ms + 999) / 1000);
    } else {
        curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, r->timeout_ms);
        curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)h->max_body);
    }
    curl_easy_setopt(e, CURLOPT_ACCEPT_ENCODING, ""); /* gzip: lighter on a slow link */
    curl_easy_setopt(e, CURLOPT_USERAGENT, "flinktop/" FLINKTOP_VERSION);
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, "http,https");
    if (is_https(r->url)) /* wait for the connection to say whether it multiplexes */
        curl_easy_setopt(e, CURLOPT_PIPEWAIT, 1L);
    r->headers = curl_slist_append(r->headers, "Accept: application/json");
    const char *method = q->method ? q->method : "GET";
    if (strcmp(method, "GET") != 0)
        curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, method);
    /* A mutation on a fresh connection: libcurl sends a request again by itself when a
     * reused connection closes before any answer, which for a POST is the action done
     * twice (seen: six FlinkStateSnapshots for one key). */
    if (strcmp(method, "GET") != 0)
        curl_easy_setopt(e, CURLOPT_FRESH_CONNECT, 1L);
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
    return r;
}

/* Where the Flink REST API starts in a path: a cluster may sit under a prefix (a
 * reverse proxy, the simulator's /clusters/NAME). NULL when none of its roots is there. */
static const char *flink_root(const char *path) {
    static const char *const roots[] = {"/overview", "/jobs",       "/taskmanagers",
                                        "/config",   "/jobmanager", "/v1"};
    const char *best = NULL;
    for (size_t i = 0; i < sizeof roots / sizeof roots[0]; i++) {
        size_t n = strlen(roots[i]);
        for (const char *p = strstr(path, roots[i]); p; p = strstr(p + 1, roots[i])) {
            if (p[n] == '/' || p[n] == '?' || p[n] == '\0') {
                if (best == NULL || p < best)
                    best = p;
                break;
            }
        }
    }
    return best;
}

/* The source of a URL: "scheme://host:port", plus the service-proxy path when there is
 * one, else plus the prefix before the Flink REST API's path. */
static void source_key(const char *url, const char *host, char *out, size_t outlen) {
    const char *path = url + strlen(host);
    size_t plen = strcspn(path, "?#");
    const char *svc = strstr(path, "/services/");
    const char *proxy = svc ? strstr(svc, "/proxy") : NULL;
    const char *root = proxy ? NULL : flink_root(path);
    size_t n = proxy ? (size_t)(proxy - path) + 6 : root ? (size_t)(root - path) : 0;
    if (n > plen)
        n = 0;
    snprintf(out, outlen, "%s%.*s", host, (int)n, path);
}

static struct source *source_of(struct http *h, const struct req *r) {
    char key[512];
    source_key(r->url, r->host, key, sizeof key);
    struct source *s = strmap_get(&h->sources, key);
    if (s == NULL) {
        s = xcalloc(1, sizeof *s);
        strmap_put(&h->sources, key, s);
    }
    return s;
}

static void push(struct http *h, struct req *r, int64_t now) {
    struct http_queue_host *host = http_queue_host(&h->queue, r->host, now);
    r->qi.slotless = r->on_chunk != NULL;
    http_queue_push(&h->queue, &r->qi, host, r->prio, now);
}

static void enqueue(struct http *h, struct req *r, enum http_priority prio) {
    r->next = h->reqs;
    if (h->reqs)
        h->reqs->prev = r;
    h->reqs = r;
    h->pending++;
    r->prio = prio;
    int64_t now = clock_mono_ms();
    r->src = source_of(h, r);
    struct source *s = r->src;
    if (prio != HTTP_PRIO_ACTION && now < s->held_until_ms) {
        /* the source is backing off: wait beside the queue, not in it */
        http_queue_host(&h->queue, r->host, now)->stats.queued++;
        r->parked = true;
        r->park_prev = s->parked_tail;
        if (s->parked_tail)
            s->parked_tail->park_next = r;
        else
            s->parked = r;
        s->parked_tail = r;
        if (r->park_prev == NULL) {
            s->pnext = h->parking;
            if (h->parking)
                h->parking->pprev = s;
            h->parking = s;
        }
        return;
    }
    push(h, r, now);
    start_queued(h);
}

/* Parked requests of sources whose back-off is over go to the queue. */
static void release_parked(struct http *h, int64_t now) {
    struct source *s = h->parking;
    while (s) {
        struct source *nx = s->pnext;
        if (now >= s->held_until_ms) {
            while (s->parked) {
                struct req *r = s->parked;
                unpark(h, r); /* takes s off the parking list with the last one */
                http_queue_host(&h->queue, r->host, now)->stats.queued--;
                push(h, r, now);
            }
        }
        s = nx;
    }
}

/* What the source learns from an answer. */
static void source_feedback(struct http *h, struct req *r, bool failed, int64_t retry_after_ms,
                            int64_t now) {
    struct source *s = r->src;
    if (!failed) {
        s->failures = 0;
        return;
    }
    /* requests in flight when it last failed fail for the same reason */
    if (s->failures > 0 && r->start_ms < s->last_fail_ms && retry_after_ms <= 0)
        return;
    s->failures++;
    s->last_fail_ms = now;
    int64_t delay = http_queue_backoff_ms(&h->queue, s->failures);
    if (retry_after_ms > HTTP_RETRY_AFTER_MAX_MS)
        retry_after_ms = HTTP_RETRY_AFTER_MAX_MS;
    if (retry_after_ms > delay)
        delay = retry_after_ms;
    if (now + delay > s->held_until_ms) {
        s->held_until_ms = now + delay;
        r->qi.host->stats.backoffs++;
    }
}

int http_submit(struct http *h, const struct http_request *q) {
    enum http_priority prio = resolve_priority(q);
    char *key = NULL;
    if (coalescable(q)) {
        key = xasprintf("%p %016llx %s", (const void *)q->tls,
                        (unsigned long long)credentials_print(q->tls), q->url);
        struct req *same = strmap_get(&h->coalesce, key);
        if (same) {
            /* the more urgent caller sets the pace (a first fill is not held to the
             * steady share) */
            if (prio > same->prio || (q->fill && !same->qi.fill)) {
                same->qi.fill = same->qi.fill || q->fill;
                if (prio > same->prio)
                    same->prio = prio;
                if (same->qi.queued) {
                    int64_t now = clock_mono_ms();
                    http_queue_remove(&h->queue, &same->qi);
                    push(h, same, now);
                    start_queued(h);
                }
            }
            struct follower *f = xcalloc(1, sizeof *f);
            f->done = q->done;
            f->arg = q->arg;
            *same->followers_tail = f;
            same->followers_tail = &f->next;
            http_queue_host(&h->queue, same->host, clock_mono_ms())->stats.coalesced++;
            free(key);
            return 0;
        }
    }
    struct req *r = create(h, q);
    if (r == NULL) {
        free(key);
        return -1;
    }
    if (key) {
        strmap_put(&h->coalesce, key, r);
        r->coalesce_key = key;
    }
    enqueue(h, r, prio);
    return 0;
}

int http_promote(struct http *h, const char *url_prefix, enum http_priority prio) {
    char key[160];
    url_host(url_prefix, key, sizeof key);
    struct http_queue_host *host = strmap_get(&h->queue.hosts, key);
    if (host == NULL)
        return 0;
    size_t n = strlen(url_prefix);
    int64_t now = clock_mono_ms();
    int moved = 0;
    for (int lvl = 0; lvl < HTTP_QUEUE_LEVELS; lvl++) {
        struct http_queue_item *it = host->head[lvl];
        while (it) {
            struct http_queue_item *next = it->next; /* a moved item goes to a higher level */
            struct req *r = req_of(it);
            if (it->queued && r->prio < prio && strncmp(r->url, url_prefix, n) == 0) {
                http_queue_remove(&h->queue, it);
                r->prio = prio;
                push(h, r, now);
                moved++;
            }
            it = next;
        }
    }
    if (moved > 0) {
        host->stats.promoted += (uint64_t)moved;
        start_queued(h);
    }
    return moved;
}

int64_t http_start(struct http *h, const struct http_request *q) {
    struct req *r = create(h, q);
    if (r == NULL)
        return -1;
    r->id = h->next_id++;
    char k[32];
    id_key(r->id, k, sizeof k);
    strmap_put(&h->ids, k, r);
    int64_t id = r->id;
    enqueue(h, r, resolve_priority(q));
    return id;
}

void http_cancel(struct http *h, int64_t id) {
    char k[32];
    id_key(id, k, sizeof k);
    struct req *r = strmap_get(&h->ids, k);
    if (r == NULL)
        return;
    bool running = r->qi.running;
    if (running && h->in_multi) {
        /* from inside curl (a chunk callback): curl may not be called back; the
         * transfer aborts at its next byte and is dropped when curl reports it */
        r->cancelled = true;
        r->id = 0;
        strmap_del(&h->ids, k);
        r->cancel_next = h->cancels;
        h->cancels = r;
        return;
    }
    if (running) {
        curl_multi_remove_handle(h->multi, r->easy);
        http_queue_finish(&h->queue, &r->qi, false, 0, clock_mono_ms());
    }
    unlink_req(h, r);
    req_free(r);
    start_queued(h);
}

CURLM *http_multi(struct http *h) { return h->multi; }
int http_pending(const struct http *h) { return h->pending; }
uint64_t http_bytes_received(const struct http *h) { return h->bytes; }
int64_t http_wait_ms(const struct http *h) {
    int64_t now = clock_mono_ms();
    int64_t wait = http_queue_wait_ms(&h->queue, now);
    for (const struct source *s = h->parking; s; s = s->pnext) {
        int64_t w = s->held_until_ms > now ? s->held_until_ms - now : 0;
        if (wait < 0 || w < wait)
            wait = w;
    }
    return wait;
}
size_t http_host_count(const struct http *h) { return http_queue_n_hosts(&h->queue); }
uint64_t http_work(const struct http *h) {
    return h->queue.work + h->queue.hosts.probes + h->coalesce.probes + h->ids.probes;
}

void http_host_stats(const struct http *h, size_t i, struct http_host_stats *out) {
    http_queue_host_stats(&h->queue, i, clock_mono_ms(), out);
}

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

/* Did the source fail (an error, a 5xx or a 429; not a 4xx, which is about the
 * request; not a body over the cap or a reader that stopped)? */
static bool source_failed(CURLcode cc, long status, const struct req *r) {
    if (r->stopped || r->too_big)
        return false;
    if (cc != CURLE_OK)
        return cc != CURLE_WRITE_ERROR && cc != CURLE_FILESIZE_EXCEEDED;
    return status >= 500 || status == 429;
}

static void complete(struct http *h, struct req *r, CURLcode cc) {
    long status = 0;
    curl_easy_getinfo(r->easy, CURLINFO_RESPONSE_CODE, &status);
    char line[256] = "";
    char path[160];
    struct http_response resp = {0};
    resp.status = status;
    resp.elapsed_ms = clock_mono_ms() - r->start_ms;
    int64_t retry_after_ms = 0;
    if (status == 429 || status == 503) {
        curl_off_t ra = 0;
        if (curl_easy_getinfo(r->easy, CURLINFO_RETRY_AFTER, &ra) == CURLE_OK && ra > 0)
            retry_after_ms = (int64_t)ra * 1000;
    }
    h->bytes += r->resp.len;
    if (cc == CURLE_OK && status >= 200 && status < 300) {
        resp.outcome = HTTP_OK;
    } else {
        long os_errno = 0;
        curl_easy_getinfo(r->easy, CURLINFO_OS_ERRNO, &os_errno);
        url_path(r->url, path, sizeof path);
        if (r->stopped)
            snprintf(line, sizeof line, "stopped by the reader");
        else if (r->on_chunk && cc == CURLE_OPERATION_TIMEDOUT && status >= 200 && status < 300)
            snprintf(line, sizeof line, "no data for %ld s", (r->idle_timeout_ms + 999) / 1000);
        else
            http_describe_error(cc, status, path, r->timeout_ms, h->max_body, r->too_big,
                                (int)os_errno, r->errbuf, line, sizeof line);
        resp.outcome = HTTP_FAILED;
    }
    long version = 0;
    if (curl_easy_getinfo(r->easy, CURLINFO_HTTP_VERSION, &version) == CURLE_OK &&
        version == CURL_HTTP_VERSION_2_0)
        http_queue_set_multiplexed(&h->queue, r->qi.host);
    /* The host as a whole is held back only when it says so (429, Retry-After) and the
     * answer is its own, not a proxied cluster's; the source, whatever failed. */
    int64_t now = clock_mono_ms();
    bool failed = source_failed(cc, status, r);
    bool proxied = strstr(r->url + strlen(r->host), "/services/") != NULL;
    bool host_says = !proxied && (status == 429 || retry_after_ms > 0);
    if (failed)
        r->qi.host->stats.failed++;
    http_queue_finish(&h->queue, &r->qi, host_says, host_says ? retry_after_ms : 0, now);
    source_feedback(h, r, failed, retry_after_ms, now);
    resp.error = line;
    resp.body = r->resp.data ? r->resp.data : "";
    resp.len = r->resp.len;
    deliver(r, &resp);
}

/* Requests curl would not take: failed, as if the transfer had. */
static void fail_unadded(struct http *h) {
    h->failed_adds = false;
    struct req *r = h->reqs;
    while (r) {
        struct req *nx = r->next;
        if (r->add_failed) {
            http_queue_finish(&h->queue, &r->qi, false, 0, clock_mono_ms());
            unlink_req(h, r);
            struct http_response resp = {HTTP_FAILED, 0, "", 0, "cannot start the transfer", 0};
            deliver(r, &resp);
            req_free(r);
            nx = h->reqs; /* the callbacks may have changed the list */
        }
        r = nx;
    }
}

int http_perform(struct http *h) {
    int running = 0;
    if (h->failed_adds)
        fail_unadded(h);
    if (h->parking)
        release_parked(h, clock_mono_ms());
    h->in_multi = true;
    curl_multi_perform(h->multi, &running);
    h->in_multi = false;
    while (h->cancels) {
        struct req *r = h->cancels;
        h->cancels = r->cancel_next;
        curl_multi_remove_handle(h->multi, r->easy); /* and any message of it */
        http_queue_finish(&h->queue, &r->qi, false, 0, clock_mono_ms());
        unlink_req(h, r);
        req_free(r);
    }
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
    }
    start_queued(h); /* slots freed, and the budget refills with time */
    return running;
}
