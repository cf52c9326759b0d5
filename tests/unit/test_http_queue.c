/* The request scheduler without a server: priorities, per-host limits and fairness,
 * the budget and back-off on an injected clock (no waiting), and the work of draining
 * 100,000 requests counted rather than timed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http_queue.h"

struct item {
    struct http_queue_item qi; /* first */
    int tag;
};

static struct item *next_item(struct http_queue *q, int64_t now) {
    return (struct item *)(void *)http_queue_next(q, now);
}

static void push(struct http_queue *q, struct item *it, const char *host, enum http_priority p,
                 int tag) {
    memset(it, 0, sizeof *it);
    it->tag = tag;
    http_queue_push(q, &it->qi, http_queue_host(q, host, 0), p, 0);
}

static void highest_priority_first_oldest_first_within(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0); /* no budget */
    struct item it[8];
    push(&q, &it[0], "http://a", HTTP_PRIO_BACKGROUND, 0);
    push(&q, &it[1], "http://a", HTTP_PRIO_BOARD, 1);
    push(&q, &it[2], "http://a", HTTP_PRIO_VIEW, 2);
    push(&q, &it[3], "http://a", HTTP_PRIO_BACKGROUND, 3);
    push(&q, &it[4], "http://a", HTTP_PRIO_ACTION, 4);
    push(&q, &it[5], "http://a", HTTP_PRIO_VIEW, 5);
    push(&q, &it[6], "http://a", HTTP_PRIO_BOARD, 6);
    push(&q, &it[7], "http://a", HTTP_PRIO_DEFAULT, 7); /* DEFAULT queues as background */
    int want[] = {4, 2, 5, 1, 6, 0, 3, 7};
    for (int i = 0; i < 8; i++) {
        struct item *got = next_item(&q, 0);
        assert_non_null(got);
        assert_int_equal(got->tag, want[i]);
    }
    assert_null(next_item(&q, 0));
    http_queue_free(&q);
}

static void a_host_has_eight_slots_and_a_finish_frees_one(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    struct item it[20];
    for (int i = 0; i < 20; i++)
        push(&q, &it[i], "http://a", HTTP_PRIO_VIEW, i);
    for (int i = 0; i < HTTP_MAX_PER_HOST; i++)
        assert_int_equal(next_item(&q, 0)->tag, i);
    assert_null(next_item(&q, 0));
    http_queue_finish(&q, &it[3].qi, false, 0, 10);
    assert_int_equal(next_item(&q, 10)->tag, 8);
    assert_null(next_item(&q, 10));
    /* an HTTP/2 host takes more streams at once */
    http_queue_set_multiplexed(&q, it[0].qi.host);
    int more = 0;
    while (next_item(&q, 10))
        more++;
    assert_int_equal(more, 11); /* the rest of the twenty */
    http_queue_free(&q);
}

/* The screen in view spends past the budget (it never waits): what waits for the budget
 * still gets one request a second, not none; without that debt it waits as before. */
static void debt_to_the_view_leaves_a_minimum_share(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 1.0, 1);
    struct item view[6], bg[3];
    for (int i = 0; i < 6; i++)
        push(&q, &view[i], "http://a", HTTP_PRIO_VIEW, i);
    for (int i = 0; i < 3; i++)
        push(&q, &bg[i], "http://a", HTTP_PRIO_BACKGROUND, 10 + i);
    for (int i = 0; i < 6; i++)
        assert_int_equal(next_item(&q, 5000)->tag, i); /* the bucket: 1 - 6 = -5 */
    for (int i = 0; i < 6; i++)
        http_queue_finish(&q, &view[i].qi, false, 0, 5000);
    assert_int_equal(next_item(&q, 5000)->tag, 10); /* the share, though 5 s in debt */
    assert_null(next_item(&q, 5000));
    assert_int_equal(http_queue_wait_ms(&q, 5000), HTTP_MIN_SHARE_MS);
    assert_null(next_item(&q, 5999));
    assert_int_equal(next_item(&q, 6000)->tag, 11);
    http_queue_free(&q);
}

/* --once fans out: a wider per-host limit applies to hosts already known and new ones. */
static void per_host_limit_can_be_widened(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    struct item it[80];
    for (int i = 0; i < 40; i++)
        push(&q, &it[i], "http://a", HTTP_PRIO_BACKGROUND, i);
    int started = 0;
    while (next_item(&q, 0))
        started++;
    assert_int_equal(started, HTTP_MAX_PER_HOST);
    http_queue_set_per_host(&q, 32);
    while (next_item(&q, 0))
        started++;
    assert_int_equal(started, 32);
    for (int i = 40; i < 80; i++)
        push(&q, &it[i], "http://b", HTTP_PRIO_BACKGROUND, i);
    int b = 0;
    while (next_item(&q, 0))
        b++;
    assert_int_equal(b, 32);
    http_queue_free(&q);
}

/* One host with a thousand requests queued does not hold back another with three. */
static void hosts_take_turns(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    q.max_in_flight = 2; /* the shared limit is what makes turns matter */
    struct item *big = calloc(1000, sizeof *big);
    struct item small[3];
    for (int i = 0; i < 1000; i++)
        push(&q, &big[i], "http://busy", HTTP_PRIO_BACKGROUND, i);
    for (int i = 0; i < 3; i++)
        push(&q, &small[i], "http://quiet", HTTP_PRIO_BACKGROUND, 1000 + i);
    int quiet_started = 0, started = 0;
    struct item *running[2];
    running[0] = next_item(&q, 0);
    running[1] = next_item(&q, 0);
    assert_null(next_item(&q, 0)); /* the shared limit */
    for (int round = 0; round < 6; round++) {
        for (int k = 0; k < 2; k++) {
            if (running[k] == NULL)
                continue;
            started++;
            quiet_started += running[k]->tag >= 1000;
            http_queue_finish(&q, &running[k]->qi, false, 0, 0);
            running[k] = next_item(&q, 0);
        }
    }
    assert_int_equal(quiet_started, 3);
    assert_true(started <= 12);
    http_queue_free(&q);
    free(big);
}

static void budget_spends_the_burst_then_the_rate(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 5.0, 10);
    q.max_in_flight = 1000;
    struct item it[30];
    for (int i = 0; i < 30; i++) {
        push(&q, &it[i], "http://api", HTTP_PRIO_BOARD, i);
        it[i].qi.fill = true; /* first fills: the whole budget, not its steady share */
    }
    it[0].qi.host->limit = 1000;
    int started = 0;
    while (next_item(&q, 0))
        started++;
    assert_int_equal(started, 10); /* the burst */
    assert_int_equal(http_queue_wait_ms(&q, 0), 200);
    assert_null(next_item(&q, 199));
    assert_non_null(next_item(&q, 200));
    assert_null(next_item(&q, 200));
    /* one second later: five more */
    started = 0;
    while (next_item(&q, 1200))
        started++;
    assert_int_equal(started, 5);
    struct http_host_stats st;
    http_queue_host_stats(&q, 0, 1200, &st);
    assert_int_equal(st.sent, 16);
    assert_int_equal(st.queued, 14);
    assert_int_equal(st.throttled, 3); /* the 11th, 12th and 17th, each counted once */
    /* out of budget: the screen in view goes anyway, and its cost is owed */
    struct item view[2];
    push(&q, &view[0], "http://api", HTTP_PRIO_VIEW, 100);
    push(&q, &view[1], "http://api", HTTP_PRIO_VIEW, 101);
    assert_int_equal(next_item(&q, 1200)->tag, 100);
    assert_int_equal(next_item(&q, 1200)->tag, 101);
    assert_null(next_item(&q, 1400));                    /* background waits the longer */
    assert_int_equal(http_queue_wait_ms(&q, 1400), 400); /* the two it owes, then one */
    http_queue_free(&q);
}

/* A user's action goes at once: out of tokens, out of slots, backing off, all the same. */
static void actions_never_wait(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 1.0, 1);
    struct item bg[10], act[3];
    for (int i = 0; i < 10; i++)
        push(&q, &bg[i], "http://api", HTTP_PRIO_BACKGROUND, i);
    assert_non_null(next_item(&q, 0)); /* the only token */
    assert_null(next_item(&q, 0));
    push(&q, &act[0], "http://api", HTTP_PRIO_ACTION, 100);
    assert_int_equal(next_item(&q, 0)->tag, 100);
    /* the host answers 503 with Retry-After: held, but not for actions */
    http_queue_finish(&q, &bg[0].qi, true, 60000, 0);
    push(&q, &act[1], "http://api", HTTP_PRIO_ACTION, 101);
    assert_int_equal(next_item(&q, 10)->tag, 101);
    push(&q, &act[2], "http://api", HTTP_PRIO_DEFAULT, 102); /* DEFAULT is background */
    assert_null(next_item(&q, 20));
    http_queue_free(&q);
}

static void retry_after_holds_the_host(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    struct item it[3];
    for (int i = 0; i < 3; i++)
        push(&q, &it[i], "http://api", HTTP_PRIO_VIEW, i);
    assert_non_null(next_item(&q, 0));
    http_queue_finish(&q, &it[0].qi, true, 3000, 100);
    assert_null(next_item(&q, 100));
    assert_int_equal(http_queue_wait_ms(&q, 100), 3000);
    assert_null(next_item(&q, 3099));
    assert_int_equal(next_item(&q, 3100)->tag, 1);
    struct http_host_stats st;
    http_queue_host_stats(&q, 0, 3100, &st);
    assert_int_equal(st.backoffs, 1);
    http_queue_free(&q);
}

/* A host that keeps failing is asked less and less often, with jitter; requests that
 * were already in flight when it failed do not make it worse; an answer resets it. */
static void failing_host_backs_off_with_jitter(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    http_queue_seed(&q, 42);
    struct item it[40];
    for (int i = 0; i < 40; i++)
        push(&q, &it[i], "http://down", HTTP_PRIO_BOARD, i);
    for (int i = 0; i < 8; i++)
        assert_non_null(next_item(&q, 0));
    for (int i = 0; i < 8; i++) /* eight 503s at once: one failure, not eight */
        http_queue_finish(&q, &it[i].qi, true, 0, 50);
    assert_null(next_item(&q, 50));
    int64_t wait1 = http_queue_wait_ms(&q, 50);
    assert_true(wait1 >= HTTP_BACKOFF_BASE_MS / 2 && wait1 < HTTP_BACKOFF_BASE_MS);
    int64_t now = 50 + wait1;
    int64_t prev = wait1;
    int sent = 8;
    for (int round = 2; round <= 8; round++) {
        struct item *x = next_item(&q, now);
        assert_non_null(x);
        sent++;
        assert_null(next_item(&q, now)); /* held again at once: one probe a round */
        http_queue_finish(&q, &x->qi, true, 0, now);
        assert_null(next_item(&q, now));
        int64_t w = http_queue_wait_ms(&q, now);
        int64_t cap = (int64_t)HTTP_BACKOFF_BASE_MS << (round - 1);
        if (cap > HTTP_BACKOFF_MAX_MS)
            cap = HTTP_BACKOFF_MAX_MS;
        assert_true(w >= cap / 2 && w < cap);
        assert_true(w >= prev || cap == HTTP_BACKOFF_MAX_MS);
        prev = w;
        now += w;
    }
    /* at 10 s after the first failure the host has seen few requests, not fifty */
    assert_true(sent <= 16);
    struct item *x = next_item(&q, now);
    http_queue_finish(&q, &x->qi, false, 0, now); /* it answers */
    assert_non_null(next_item(&q, now));
    http_queue_free(&q);
}

static void removed_request_is_never_started(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    struct item it[3];
    for (int i = 0; i < 3; i++)
        push(&q, &it[i], "http://a", HTTP_PRIO_VIEW, i);
    http_queue_remove(&q, &it[0].qi);
    http_queue_remove(&q, &it[2].qi);
    assert_int_equal(next_item(&q, 0)->tag, 1);
    assert_null(next_item(&q, 0));
    http_queue_free(&q);
}

/* 100,000 requests over 50 hosts and all four priorities drain in linear work: the
 * count of steps, not the time, so a quadratic rescan (what start_queued() used to do)
 * fails here by orders of magnitude. */
static void hundred_thousand_requests_drain_in_linear_work(void **state) {
    (void)state;
    enum { N = 100000, HOSTS = 50 };
    struct http_queue q;
    http_queue_init(&q, 0, 0);
    struct item *it = calloc(N, sizeof *it);
    char host[32];
    for (int i = 0; i < N; i++) {
        snprintf(host, sizeof host, "http://h%d", i % HOSTS);
        push(&q, &it[i], host, (enum http_priority)(1 + i % 4), i);
    }
    /* run it as the client does: start what may start, finish the oldest running */
    struct item **running = calloc(N, sizeof *running);
    size_t head = 0, tail = 0, done = 0;
    int64_t now = 0;
    while (done < N) {
        struct item *x;
        while ((x = next_item(&q, now)) != NULL)
            running[tail++] = x;
        assert_true(head < tail);
        http_queue_finish(&q, &running[head++]->qi, false, 0, ++now);
        done++;
    }
    assert_null(next_item(&q, now));
    assert_true(q.work + q.hosts.probes < (uint64_t)N * 20);
    free(running);
    free(it);
    http_queue_free(&q);
}

/* The screen in view overdraws the bucket (it never waits): a request that waits for
 * the budget is held outside the host's slots (it takes none while it waits), is still
 * started within HTTP_MIN_SHARE_MS, every view request pushed meanwhile starts at once,
 * and once the view stops, what it owed is forgiven beyond one burst: what waits goes
 * again within seconds, not after minutes of debt. */
static void view_debt_never_holds_a_waiting_request_long(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 5.0, 10);
    enum { VIEWS = 200 };
    struct item *view = calloc(VIEWS, sizeof *view);
    struct item board[11];
    int64_t board_started = -1;
    int running = 0, pushed = 0;
    int64_t ended[VIEWS];
    push(&q, &board[0], "http://api", HTTP_PRIO_BOARD, 1000);
    struct http_queue_host *h = board[0].qi.host;
    for (int64_t t = 0; t < 2000; t += 10) { /* 100 view requests a second, 50 ms each */
        for (int i = 0; i < pushed; i++)
            if (view[i].qi.running && t >= ended[i]) {
                http_queue_finish(&q, &view[i].qi, false, 0, t);
                running--;
            }
        push(&q, &view[pushed], "http://api", HTTP_PRIO_VIEW, pushed);
        ended[pushed] = t + 50;
        pushed++;
        struct item *got;
        bool view_started = false;
        while ((got = next_item(&q, t)) != NULL) {
            if (got->tag == 1000) {
                board_started = t;
                http_queue_finish(&q, &got->qi, false, 0, t);
                continue;
            }
            view_started = view_started || got->tag == pushed - 1;
            running++;
        }
        assert_true(view_started);              /* the view never waits */
        assert_int_equal(h->in_flight, running); /* the waiting one holds no slot */
    }
    assert_true(board_started >= 0 && board_started <= HTTP_MIN_SHARE_MS);
    assert_true(h->bucket.tokens >= -10.0 - 1e-9); /* the debt: one burst at most */
    for (int i = 0; i < pushed; i++)
        if (view[i].qi.running)
            http_queue_finish(&q, &view[i].qi, false, 0, 2000);
    /* the view is gone: ten board requests all go within a few seconds */
    for (int i = 1; i < 11; i++) {
        push(&q, &board[i], "http://api", HTTP_PRIO_BOARD, 1000 + i);
        board[i].qi.fill = true;
    }
    int started = 0;
    for (int64_t t = 2000; t <= 7000 && started < 10; t += 10) {
        struct item *got;
        while ((got = next_item(&q, t)) != NULL) {
            started++;
            http_queue_finish(&q, &got->qi, false, 0, t);
        }
    }
    assert_int_equal(started, 10);
    http_queue_free(&q);
    free(view);
}

/* A console left open on 3 clusters x 20 jobs, as the poller asks: the selected
 * cluster's two summaries for the screen in view and the two other clusters' four for
 * the board every 2 s (each asked again only once answered), and background details
 * always waiting. Refreshes are held to the steady share (HTTP_STEADY_SHARE of 5/s), the
 * view charged to it: about 135 requests a minute in all, not the whole budget's 300;
 * the board's rows still refresh, and background details still progress. */
static void steady_state_keeps_to_the_share_and_background_progresses(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 5.0, 10);
    enum { N = 4096 };
    struct item *it = calloc(N, sizeof *it);
    int n = 0;
    bool board_out[4] = {false};
    int board_idx[4] = {0};
    int bg_queued = 0;
    int sent_view = 0, sent_board = 0, sent_bg = 0;
    for (int64_t t = 0; t < 120000; t += 10) {
        bool counting = t >= 60000; /* the second minute: steady state */
        if (t % 2000 == 0) {
            for (int v = 0; v < 2 && n < N; v++, n++)
                push(&q, &it[n], "http://api", HTTP_PRIO_VIEW, 0);
            for (int b = 0; b < 4 && n < N; b++) {
                if (board_out[b])
                    continue; /* still queued or out: the poller does not ask again */
                push(&q, &it[n], "http://api", HTTP_PRIO_BOARD, 1 + b);
                board_out[b] = true;
                board_idx[b] = n++;
            }
        }
        while (bg_queued < 16 && n < N) {
            push(&q, &it[n++], "http://api", HTTP_PRIO_BACKGROUND, 9);
            bg_queued++;
        }
        struct item *got;
        while ((got = next_item(&q, t)) != NULL) {
            http_queue_finish(&q, &got->qi, false, 0, t); /* answered at once */
            if (got->tag == 0) {
                sent_view += counting;
            } else if (got->tag == 9) {
                sent_bg += counting;
                bg_queued--;
            } else {
                sent_board += counting;
                assert_ptr_equal(got, &it[board_idx[got->tag - 1]]);
                board_out[got->tag - 1] = false;
            }
        }
    }
    assert_true(n < N);
    int total = sent_view + sent_board + sent_bg;
    assert_int_equal(sent_view, 60);         /* the view: every one of them */
    assert_true(total <= 150);               /* the target for 3 x 20 */
    assert_true(sent_board >= 30);           /* every row refreshed every 8 s at worst */
    assert_true(sent_bg >= 20);              /* background details are not starved */
    http_queue_free(&q);
    free(it);
}

/* A fresh screen: the board's refreshes wait for the steady share, the rows' first
 * fills only for the budget. The fills never wait behind a refresh held by the share,
 * and the refreshes still go between them. */
static void fills_do_not_wait_behind_held_refreshes(void **state) {
    (void)state;
    struct http_queue q;
    http_queue_init(&q, 5.0, 10);
    struct item board[40], fill[20];
    for (int i = 0; i < 40; i++)
        push(&q, &board[i], "http://api", HTTP_PRIO_BOARD, i);
    board[0].qi.host->limit = 1000;
    int started = 0;
    while (next_item(&q, 0)) /* the burst: ten refreshes */
        started++;
    assert_int_equal(started, 10);
    for (int i = 0; i < 20; i++) {
        memset(&fill[i], 0, sizeof fill[i]);
        fill[i].tag = 100 + i;
        fill[i].qi.fill = true;
        http_queue_push(&q, &fill[i].qi, board[0].qi.host, HTTP_PRIO_BOARD, 0);
    }
    int fills = 0, refreshes = 0;
    for (int64_t t = 0; t <= 4000; t += 10) {
        struct item *got;
        while ((got = next_item(&q, t)) != NULL) {
            if (got->tag >= 100)
                fills++;
            else
                refreshes++;
        }
    }
    /* 4 s of the budget's 5/s: about 20 tokens, the fills take most of them, and the
     * steady share's 2.25/s (owed for the burst) still lets a few refreshes through */
    assert_true(fills >= 12);
    assert_true(refreshes >= 1);
    assert_true(fills + refreshes <= 21);
    http_queue_free(&q);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(highest_priority_first_oldest_first_within),
        cmocka_unit_test(a_host_has_eight_slots_and_a_finish_frees_one),
        cmocka_unit_test(hosts_take_turns),
        cmocka_unit_test(per_host_limit_can_be_widened),
        cmocka_unit_test(debt_to_the_view_leaves_a_minimum_share),
        cmocka_unit_test(budget_spends_the_burst_then_the_rate),
        cmocka_unit_test(actions_never_wait),
        cmocka_unit_test(retry_after_holds_the_host),
        cmocka_unit_test(failing_host_backs_off_with_jitter),
        cmocka_unit_test(removed_request_is_never_started),
        cmocka_unit_test(hundred_thousand_requests_drain_in_linear_work),
        cmocka_unit_test(view_debt_never_holds_a_waiting_request_long),
        cmocka_unit_test(fills_do_not_wait_behind_held_refreshes),
        cmocka_unit_test(steady_state_keeps_to_the_share_and_background_progresses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
