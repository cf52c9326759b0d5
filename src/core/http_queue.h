/* The scheduler behind http.c: which queued request goes next. No I/O and no clock of
 * its own (every call takes now_ms), so it is tested without a server and without
 * waiting.
 *
 * One queue per host ("scheme://host:port") and priority level. A request starts when
 *   - it is a user's action (HTTP_PRIO_ACTION): always, at once; or
 *   - its host is not backing off (Retry-After, or 429s in a row), has a free slot
 *     (HTTP_MAX_PER_HOST, more once the host multiplexes over HTTP/2), has a token in
 *     its bucket (the request budget, --qps/--burst; HTTP_PRIO_VIEW spends tokens but
 *     never waits for one: the screen in view is never held for the budget), and
 *     fewer than HTTP_QUEUE_MAX_IN_FLIGHT requests are in flight in all.
 * A host that fails as a whole (the caller decides: http.c says so for 429 and for a
 * Retry-After; a failing path or proxied cluster is held back in http.c, per source)
 * is held back: Retry-After when it says so, else HTTP_BACKOFF_BASE_MS doubling to
 * HTTP_BACKOFF_MAX_MS with jitter; requests already in flight when it failed do not
 * count again; until one request succeeds it gets one at a time.
 * Highest priority first; within a level, hosts take turns (round robin), so one host
 * with 100,000 requests queued does not hold back another with one; within a host and
 * level, oldest first. Every operation is O(1) (hosts waiting on the clock are looked
 * at again only when one of them is due).
 *
 * `work` counts the steps taken (queue and ring moves, hosts looked at, hash probes) so
 * tests can check that draining N requests costs O(N). */
#ifndef FLINKTOP_HTTP_QUEUE_H
#define FLINKTOP_HTTP_QUEUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strmap.h"
#include "token_bucket.h"

/* Highest first. DEFAULT (what a zeroed struct http_request says) is ACTION for a method
 * that changes something (POST, PUT, PATCH, DELETE: every mutation flinktop sends is a
 * user's action) and BACKGROUND for a GET: held by the budget like any other. A caller
 * whose GET someone is looking at says VIEW (or BOARD). */
enum http_priority {
    HTTP_PRIO_DEFAULT = 0,
    HTTP_PRIO_BACKGROUND, /* details of jobs nobody is looking at */
    HTTP_PRIO_BOARD,      /* the board's summaries (overview, jobs overview) */
    HTTP_PRIO_VIEW,       /* the screen in view */
    HTTP_PRIO_ACTION,     /* a user's action: never waits for the budget or a slot */
};
/* Queue levels, lowest first: background, the board's refreshes, first fills (a BOARD
 * request with struct http_queue_item.fill: its own level, so it never waits behind a
 * refresh held by the steady share), the view, actions. */
#define HTTP_QUEUE_LEVELS 5

#define HTTP_MAX_PER_HOST 8            /* HTTP/1.1: connections to one host */
#define HTTP_MAX_PER_HOST_MULTIPLEX 64 /* HTTP/2: streams on one connection */
#define HTTP_QUEUE_MAX_IN_FLIGHT 128   /* all hosts together */
#define HTTP_DEFAULT_QPS 5.0           /* client-go's defaults */
#define HTTP_DEFAULT_BURST 10
#define HTTP_BACKOFF_BASE_MS 500 /* first back-off; doubles, with jitter */
#define HTTP_BACKOFF_MAX_MS 30000
#define HTTP_RETRY_AFTER_MAX_MS 300000 /* a Retry-After longer than this is capped */
/* The steady share: what waits for the budget and is a refresh (the board's summaries
 * and background details, not a first fill, see struct http_queue_item.fill) also waits
 * for a second, slower bucket of this fraction of qps, which the screen in view is
 * charged to as well. A console left open then costs at most this share of the budget
 * once everything has its data (3 clusters x 20 jobs: about 135 requests a minute at the
 * default 5/s); the rest of the budget is headroom for what comes on screen. */
#define HTTP_STEADY_SHARE 0.45
/* Within the steady share, when both wait, background details get one request after
 * this many of the board's: they age, they are never starved. Likewise a board refresh
 * that waited goes after each first fill, while the steady share has a token: the
 * rows on screen keep refreshing while the rows below them fill. */
#define HTTP_BOARD_RUN 1
/* When the screen in view alone spends more than the budget (it never waits, so the
 * bucket goes into debt), what waits for the budget still gets one request this often
 * per host instead of none: the board and the Kubernetes lists age, they do not stop. */
#define HTTP_MIN_SHARE_MS 1000

/* Per-host counters, for make bench and --once. */
struct http_host_stats {
    const char *host;   /* borrowed: valid while the client lives */
    uint64_t sent;      /* requests started */
    uint64_t coalesced; /* requests answered by another one's transfer */
    uint64_t promoted;  /* queued requests moved up (http_promote) */
    uint64_t throttled; /* requests that waited for the budget */
    uint64_t failed;    /* transfers that ended in an error, a 5xx or a 429 (http.c) */
    uint64_t backoffs;  /* times the host was held back (Retry-After or failures) */
    int queued;         /* waiting now */
    int in_flight;      /* running now */
    bool multiplexed;   /* HTTP/2 seen */
    int64_t held_ms;    /* how much longer it is held back (0: not) */
};

struct http_queue_host;

/* Embedded in the caller's request. The queue links it; the caller owns it. */
struct http_queue_item {
    struct http_queue_item *prev, *next;
    struct http_queue_host *host;
    int level;       /* 0..HTTP_QUEUE_LEVELS-1 */
    bool queued;     /* in a queue, not started */
    bool running;    /* started, not finished */
    bool slotless;   /* a stream: takes a token but no slot (it holds its own connection) */
    bool throttled;  /* already counted in throttled */
    /* The first data of something on screen (a visible row's first details): waits for
     * the budget but not for the steady share, so a fresh screen fills at the budget's
     * rate and only its refreshes are held to the share. Set before http_queue_push. */
    bool fill;
    int64_t sent_ms; /* when it started */
};

struct http_queue_host {
    char *key; /* owned */
    struct http_queue_item *head[HTTP_QUEUE_LEVELS], *tail[HTTP_QUEUE_LEVELS];
    /* the ready ring of each level: hosts with queued work there that may start */
    struct http_queue_host *rprev[HTTP_QUEUE_LEVELS], *rnext[HTTP_QUEUE_LEVELS];
    bool in_ring[HTTP_QUEUE_LEVELS];
    bool waiting;    /* held on the clock (budget or back-off): in the wait list */
    bool for_tokens; /* waiting for the budget alone (the screen in view need not) */
    bool full;       /* held until one of its requests finishes */
    struct http_queue_host *wprev, *wnext;
    int64_t due_ms; /* waiting: when to look again */
    int limit;
    int in_flight;
    struct token_bucket bucket;
    struct token_bucket steady; /* HTTP_STEADY_SHARE of the budget: refreshes */
    int board_run;              /* board requests started since the last background one */
    int fill_run;               /* fills started since the last board refresh */
    int64_t held_until_ms; /* back-off or Retry-After */
    int64_t budgeted_ms;   /* when a request that waits for the budget last started */
    int failures;          /* in a row */
    int64_t last_fail_ms;  /* only requests sent after it count as a new failure */
    struct http_host_stats stats;
};

struct http_queue {
    struct strmap hosts;           /* key -> struct http_queue_host */
    struct http_queue_host **list; /* owned array, in order of first use */
    size_t n_hosts, cap_hosts;
    struct http_queue_host *ring[HTTP_QUEUE_LEVELS]; /* head of each ready ring */
    struct http_queue_host *wait;                    /* wait list */
    int64_t wait_due_ms;                             /* earliest due in the wait list */
    int in_flight;
    int max_in_flight;
    double qps;
    int burst;
    int per_host; /* HTTP/1.1 connections to one host (HTTP_MAX_PER_HOST) */
    uint64_t rng;
    uint64_t work;
};

/* qps <= 0: no budget. */
void http_queue_init(struct http_queue *q, double qps, int burst);
/* Frees the hosts; items are the caller's (finish or drop them first). */
void http_queue_free(struct http_queue *q);
void http_queue_seed(struct http_queue *q, uint64_t seed);

/* borrowed: the host of key, created on first use */
struct http_queue_host *http_queue_host(struct http_queue *q, const char *key, int64_t now_ms);
/* Queue it; prio is an enum http_priority other than DEFAULT. */
void http_queue_push(struct http_queue *q, struct http_queue_item *it, struct http_queue_host *host,
                     enum http_priority prio, int64_t now_ms);
/* Take a queued item out without starting it (cancelled). */
void http_queue_remove(struct http_queue *q, struct http_queue_item *it);
/* The next item to start now, marked running; NULL when none may start. */
struct http_queue_item *http_queue_next(struct http_queue *q, int64_t now_ms);
/* ms until http_queue_next could return something that is only held by the clock
 * (-1: nothing is waiting on the clock). */
int64_t http_queue_wait_ms(const struct http_queue *q, int64_t now_ms);
/* A running item finished. failed: the host as a whole failed (a 429, a Retry-After);
 * retry_after_ms > 0 when the server said Retry-After. Success clears the count of
 * failures (a Retry-After still holds until its time). */
void http_queue_finish(struct http_queue *q, struct http_queue_item *it, bool failed,
                       int64_t retry_after_ms, int64_t now_ms);
/* The back-off after `failures` failures in a row (>= 1): HTTP_BACKOFF_BASE_MS doubling
 * up to HTTP_BACKOFF_MAX_MS, with jitter in [d/2, d). */
int64_t http_queue_backoff_ms(struct http_queue *q, int failures);
/* At most n requests in flight to one HTTP/1.1 host from now on (n >= 1; existing
 * hosts too); --once fans out wider than a console. */
void http_queue_set_per_host(struct http_queue *q, int n);
/* HTTP/2 seen on this host: more streams in flight. */
void http_queue_set_multiplexed(struct http_queue *q, struct http_queue_host *host);

/* Number of hosts; stats of the i-th (0-based, in order of first use). */
size_t http_queue_n_hosts(const struct http_queue *q);
void http_queue_host_stats(const struct http_queue *q, size_t i, int64_t now_ms,
                           struct http_host_stats *out);

#endif
