#include "http_queue.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

#define ACTION_LEVEL (HTTP_QUEUE_LEVELS - 1)
#define VIEW_LEVEL                                                                                 \
    (HTTP_QUEUE_LEVELS - 2) /* the screen in view: spends the budget, never waits for it */
#define FILL_LEVEL 2            /* first fills: the budget, not its steady share */
#define BOARD_LEVEL 1           /* the board's refreshes */

void http_queue_init(struct http_queue *q, double qps, int burst) {
    memset(q, 0, sizeof *q);
    strmap_init(&q->hosts);
    q->max_in_flight = HTTP_QUEUE_MAX_IN_FLIGHT;
    q->qps = qps;
    q->burst = burst > 0 ? burst : HTTP_DEFAULT_BURST;
    q->per_host = HTTP_MAX_PER_HOST;
    q->rng = 0x9e3779b97f4a7c15ULL;
    q->wait_due_ms = INT64_MAX;
}

void http_queue_free(struct http_queue *q) {
    for (size_t i = 0; i < q->n_hosts; i++) {
        free(q->list[i]->key);
        free(q->list[i]);
    }
    free(q->list);
    strmap_free(&q->hosts);
    memset(q, 0, sizeof *q);
}

void http_queue_seed(struct http_queue *q, uint64_t seed) { q->rng = seed ? seed : 1; }

/* xorshift64*: jitter only, nothing secret */
static double rand_unit(struct http_queue *q) {
    q->rng ^= q->rng >> 12;
    q->rng ^= q->rng << 25;
    q->rng ^= q->rng >> 27;
    return (double)((q->rng * 2685821657736338717ULL) >> 11) / 9007199254740992.0;
}

struct http_queue_host *http_queue_host(struct http_queue *q, const char *key, int64_t now_ms) {
    struct http_queue_host *h = strmap_get(&q->hosts, key);
    if (h)
        return h;
    h = xcalloc(1, sizeof *h);
    h->key = xstrdup(key);
    h->limit = q->per_host;
    token_bucket_init(&h->bucket, q->qps, q->burst, now_ms);
    token_bucket_init(&h->steady, q->qps * HTTP_STEADY_SHARE, q->burst, now_ms);
    h->stats.host = h->key;
    strmap_put(&q->hosts, key, h);
    if (q->n_hosts == q->cap_hosts) {
        q->cap_hosts = q->cap_hosts ? q->cap_hosts * 2 : 8;
        q->list = xrealloc(q->list, q->cap_hosts * sizeof *q->list);
    }
    q->list[q->n_hosts++] = h;
    return h;
}

/* ---- ready rings: circular, doubly linked, one per level ---- */

static void ring_add(struct http_queue *q, struct http_queue_host *h, int lv) {
    q->work++;
    if (h->in_ring[lv])
        return;
    h->in_ring[lv] = true;
    struct http_queue_host *head = q->ring[lv];
    if (head == NULL) {
        h->rnext[lv] = h->rprev[lv] = h;
        q->ring[lv] = h;
        return;
    }
    /* at the tail: just before head */
    h->rnext[lv] = head;
    h->rprev[lv] = head->rprev[lv];
    head->rprev[lv]->rnext[lv] = h;
    head->rprev[lv] = h;
}

static void ring_del(struct http_queue *q, struct http_queue_host *h, int lv) {
    q->work++;
    if (!h->in_ring[lv])
        return;
    h->in_ring[lv] = false;
    if (h->rnext[lv] == h) {
        q->ring[lv] = NULL;
    } else {
        h->rprev[lv]->rnext[lv] = h->rnext[lv];
        h->rnext[lv]->rprev[lv] = h->rprev[lv];
        if (q->ring[lv] == h)
            q->ring[lv] = h->rnext[lv];
    }
    h->rnext[lv] = h->rprev[lv] = NULL;
}

static bool held(const struct http_queue_host *h) { return h->waiting || h->full; }

/* A host that is failing gets one request at a time (a probe) until one succeeds. */
static int slots(const struct http_queue_host *h) { return h->failures > 0 ? 1 : h->limit; }

/* Put the host back in the rings of the levels where it has work (not ACTION's, which
 * it never leaves while it has actions queued). */
static void host_release(struct http_queue *q, struct http_queue_host *h) {
    for (int lv = 0; lv < ACTION_LEVEL; lv++)
        if (h->head[lv])
            ring_add(q, h, lv);
}

static void host_hold(struct http_queue *q, struct http_queue_host *h) {
    for (int lv = 0; lv < ACTION_LEVEL; lv++)
        ring_del(q, h, lv);
}

static void wait_add(struct http_queue *q, struct http_queue_host *h, int64_t due_ms) {
    q->work++;
    h->waiting = true;
    h->due_ms = due_ms;
    h->wprev = NULL;
    h->wnext = q->wait;
    if (q->wait)
        q->wait->wprev = h;
    q->wait = h;
    if (due_ms < q->wait_due_ms)
        q->wait_due_ms = due_ms;
}

static void wait_del(struct http_queue *q, struct http_queue_host *h) {
    q->work++;
    if (h->wprev)
        h->wprev->wnext = h->wnext;
    else
        q->wait = h->wnext;
    if (h->wnext)
        h->wnext->wprev = h->wprev;
    h->wprev = h->wnext = NULL;
    h->waiting = false;
}

/* Release the hosts whose time has come. Runs only when the earliest is due, so its
 * cost is per wake-up on the clock, not per request. */
static void wake_due(struct http_queue *q, int64_t now_ms) {
    if (now_ms < q->wait_due_ms)
        return;
    int64_t next = INT64_MAX;
    struct http_queue_host *h = q->wait;
    while (h) {
        struct http_queue_host *nx = h->wnext;
        q->work++;
        if (h->due_ms <= now_ms) {
            wait_del(q, h);
            if (!held(h))
                host_release(q, h);
        } else if (h->due_ms < next) {
            next = h->due_ms;
        }
        h = nx;
    }
    q->wait_due_ms = next;
}

void http_queue_push(struct http_queue *q, struct http_queue_item *it, struct http_queue_host *host,
                     enum http_priority prio, int64_t now_ms) {
    (void)now_ms;
    int lv = prio >= HTTP_PRIO_ACTION ? ACTION_LEVEL
             : prio == HTTP_PRIO_VIEW ? VIEW_LEVEL
             : prio == HTTP_PRIO_BOARD ? (it->fill ? FILL_LEVEL : BOARD_LEVEL)
                                       : 0;
    q->work++;
    it->host = host;
    it->level = lv;
    it->queued = true;
    it->running = false;
    it->next = NULL;
    it->prev = host->tail[lv];
    if (host->tail[lv])
        host->tail[lv]->next = it;
    else
        host->head[lv] = it;
    host->tail[lv] = it;
    host->stats.queued++;
    if (lv >= VIEW_LEVEL && host->waiting && host->for_tokens) {
        /* held only for the budget, which the screen in view does not wait for */
        wait_del(q, host);
        if (!host->full)
            host_release(q, host);
    }
    if (lv == ACTION_LEVEL || !held(host))
        ring_add(q, host, lv);
}

static void unlink_item(struct http_queue *q, struct http_queue_item *it) {
    struct http_queue_host *h = it->host;
    int lv = it->level;
    q->work++;
    if (it->prev)
        it->prev->next = it->next;
    else
        h->head[lv] = it->next;
    if (it->next)
        it->next->prev = it->prev;
    else
        h->tail[lv] = it->prev;
    it->prev = it->next = NULL;
    it->queued = false;
    h->stats.queued--;
    if (h->head[lv] == NULL)
        ring_del(q, h, lv);
}

void http_queue_remove(struct http_queue *q, struct http_queue_item *it) {
    if (it->queued)
        unlink_item(q, it);
}

/* Whether h may start its request it now; when not, h is held (out of the rings) until
 * a slot frees or the clock says. */
static bool host_may_start(struct http_queue *q, struct http_queue_host *h,
                           struct http_queue_item *it, int64_t now_ms) {
    if (now_ms < h->held_until_ms) {
        host_hold(q, h);
        wait_add(q, h, h->held_until_ms);
        h->for_tokens = false;
        return false;
    }
    if (!it->slotless && h->in_flight >= slots(h)) {
        host_hold(q, h);
        h->full = true;
        return false;
    }
    bool waits = it->level < VIEW_LEVEL;
    bool steady = waits && !it->fill;
    int64_t wait = waits ? token_bucket_wait_ms(&h->bucket, now_ms) : 0;
    int64_t swait = steady ? token_bucket_wait_ms(&h->steady, now_ms) : 0;
    bool debt = h->bucket.tokens < 0 || (steady && h->steady.tokens < 0);
    if (swait > wait)
        wait = swait;
    if (wait > 0 && debt) {
        /* in debt to the screen in view: the minimum share (HTTP_MIN_SHARE_MS) */
        int64_t share = h->budgeted_ms + HTTP_MIN_SHARE_MS - now_ms;
        wait = share <= 0 ? 0 : share < wait ? share : wait;
    }
    if (wait > 0) {
        if (!it->throttled) {
            it->throttled = true;
            h->stats.throttled++;
        }
        host_hold(q, h);
        wait_add(q, h, now_ms + wait);
        h->for_tokens = true;
        return false;
    }
    return true;
}

static void start(struct http_queue *q, struct http_queue_item *it, int64_t now_ms) {
    struct http_queue_host *h = it->host;
    unlink_item(q, it);
    it->running = true;
    it->sent_ms = now_ms;
    if (!it->slotless) {
        h->in_flight++;
        q->in_flight++;
    }
    h->stats.sent++;
}

struct http_queue_item *http_queue_next(struct http_queue *q, int64_t now_ms) {
    wake_due(q, now_ms);
    /* actions: at once, whatever the budget, slots and back-off say */
    struct http_queue_host *h = q->ring[ACTION_LEVEL];
    if (h) {
        struct http_queue_item *it = h->head[ACTION_LEVEL];
        q->ring[ACTION_LEVEL] = h->rnext[ACTION_LEVEL]; /* the next host's turn */
        token_bucket_force(&h->bucket, now_ms);
        start(q, it, now_ms);
        return it;
    }
    for (int lv = ACTION_LEVEL - 1; lv >= 0; lv--) {
        while ((h = q->ring[lv]) != NULL) {
            q->work++;
            struct http_queue_item *it = h->head[lv];
            if (!it->slotless && q->in_flight >= q->max_in_flight)
                return NULL;
            if (!host_may_start(q, h, it, now_ms))
                continue;                           /* h left the rings */
            if (lv == FILL_LEVEL) {
                /* a board refresh goes after each fill while the steady share has a
                 * token for it: the rows on screen keep refreshing while others fill */
                struct http_queue_item *b = h->head[BOARD_LEVEL];
                if (b && h->fill_run >= 1 &&
                    token_bucket_wait_ms(&h->steady, now_ms) == 0) {
                    it = b;
                    h->fill_run = 0;
                } else {
                    h->fill_run++;
                }
            }
            if (it->level == BOARD_LEVEL) {
                /* the board's turn, but the budget is short (it waited) and background
                 * details waited through HTTP_BOARD_RUN of its requests: one of those
                 * goes instead, on the same token */
                if (h->head[0] && it->throttled && h->board_run >= HTTP_BOARD_RUN) {
                    it = h->head[0];
                    h->board_run = 0;
                } else {
                    h->board_run++;
                }
            } else if (it->level == 0) {
                h->board_run = 0;
            }
            token_bucket_force(&h->bucket, now_ms); /* there was one, unless lv is VIEW */
            if (lv < VIEW_LEVEL)
                h->budgeted_ms = now_ms;
            if (it->level == VIEW_LEVEL || !it->fill)
                token_bucket_force(&h->steady, now_ms); /* the view is charged to it too */
            q->ring[lv] = h->rnext[lv]; /* round robin: the next host's turn */
            start(q, it, now_ms);
            return it;
        }
    }
    return NULL;
}

int64_t http_queue_wait_ms(const struct http_queue *q, int64_t now_ms) {
    if (q->wait == NULL)
        return -1;
    return q->wait_due_ms <= now_ms ? 0 : q->wait_due_ms - now_ms;
}

int64_t http_queue_backoff_ms(struct http_queue *q, int failures) {
    int shift = failures - 1 < 16 ? (failures > 0 ? failures - 1 : 0) : 16;
    int64_t delay = (int64_t)HTTP_BACKOFF_BASE_MS << shift;
    if (delay > HTTP_BACKOFF_MAX_MS)
        delay = HTTP_BACKOFF_MAX_MS;
    /* jitter in [delay/2, delay): consoles that saw the same outage do not come back
     * in step */
    return delay / 2 + (int64_t)(rand_unit(q) * (double)(delay / 2));
}

void http_queue_finish(struct http_queue *q, struct http_queue_item *it, bool failed,
                       int64_t retry_after_ms, int64_t now_ms) {
    struct http_queue_host *h = it->host;
    q->work++;
    if (!it->running)
        return;
    it->running = false;
    if (!it->slotless) {
        h->in_flight--;
        q->in_flight--;
    }
    if (!failed)
        h->failures = 0;
    if (h->full && h->in_flight < slots(h)) {
        h->full = false;
        if (!h->waiting)
            host_release(q, h);
    }
    if (!failed)
        return;
    /* requests already in flight when the last failure came in fail for the same
     * reason: they do not make it worse */
    if (h->failures > 0 && it->sent_ms < h->last_fail_ms && retry_after_ms <= 0)
        return;
    h->failures++;
    h->last_fail_ms = now_ms;
    int64_t delay = http_queue_backoff_ms(q, h->failures);
    if (retry_after_ms > HTTP_RETRY_AFTER_MAX_MS)
        retry_after_ms = HTTP_RETRY_AFTER_MAX_MS;
    if (retry_after_ms > delay)
        delay = retry_after_ms;
    if (now_ms + delay > h->held_until_ms) {
        h->held_until_ms = now_ms + delay;
        h->stats.backoffs++;
    }
}

void http_queue_set_per_host(struct http_queue *q, int n) {
    q->per_host = n >= 1 ? n : 1;
    for (size_t i = 0; i < q->n_hosts; i++) {
        struct http_queue_host *h = q->list[i];
        if (h->stats.multiplexed)
            continue;
        h->limit = q->per_host;
        if (h->full && h->in_flight < slots(h)) {
            h->full = false;
            if (!h->waiting)
                host_release(q, h);
        }
    }
}

void http_queue_set_multiplexed(struct http_queue *q, struct http_queue_host *h) {
    if (h->stats.multiplexed)
        return;
    h->stats.multiplexed = true;
    h->limit = HTTP_MAX_PER_HOST_MULTIPLEX;
    if (h->full) {
        h->full = false;
        if (!h->waiting)
            host_release(q, h);
    }
}

size_t http_queue_n_hosts(const struct http_queue *q) { return q->n_hosts; }

void http_queue_host_stats(const struct http_queue *q, size_t i, int64_t now_ms,
                           struct http_host_stats *out) {
    const struct http_queue_host *h = q->list[i];
    *out = h->stats;
    out->in_flight = h->in_flight;
    out->held_ms = h->held_until_ms > now_ms ? h->held_until_ms - now_ms : 0;
}
