#include "loop.h"

#include <stdlib.h>
#include <time.h>

#include "clock.h"
#include "xalloc.h"

#define LOOP_MAX_FDS 8
#define LOOP_MAX_TIMERS 64

struct watch {
    int fd;
    loop_fd_fn fn;
    void *arg;
};

struct timer {
    int id; /* 0 = free slot */
    int64_t due_ms;
    loop_timer_fn fn;
    void *arg;
};

struct loop {
    struct http *http;
    struct watch fds[LOOP_MAX_FDS];
    int n_fds;
    struct timer timers[LOOP_MAX_TIMERS];
    int next_id;
    bool stopped;
    int64_t woke_us; /* loop_woke_us */
};

struct loop *loop_new(struct http *http) {
    struct loop *l = xcalloc(1, sizeof *l);
    l->http = http;
    l->next_id = 1;
    return l;
}

void loop_free(struct loop *l) { free(l); }

int loop_watch_fd(struct loop *l, int fd, loop_fd_fn fn, void *arg) {
    if (l->n_fds == LOOP_MAX_FDS)
        return -1;
    l->fds[l->n_fds++] = (struct watch){fd, fn, arg};
    return 0;
}

void loop_unwatch_fd(struct loop *l, int fd) {
    for (int i = 0; i < l->n_fds; i++) {
        if (l->fds[i].fd == fd) {
            l->fds[i] = l->fds[--l->n_fds];
            return;
        }
    }
}

int loop_timer(struct loop *l, int64_t delay_ms, loop_timer_fn fn, void *arg) {
    for (int i = 0; i < LOOP_MAX_TIMERS; i++) {
        if (l->timers[i].id == 0) {
            int id = l->next_id++;
            if (l->next_id <= 0)
                l->next_id = 1;
            l->timers[i] = (struct timer){id, clock_mono_ms() + delay_ms, fn, arg};
            return id;
        }
    }
    return -1;
}

void loop_timer_cancel(struct loop *l, int id) {
    for (int i = 0; i < LOOP_MAX_TIMERS; i++)
        if (id > 0 && l->timers[i].id == id)
            l->timers[i].id = 0;
}

static int64_t next_due(const struct loop *l) {
    int64_t due = INT64_MAX;
    for (int i = 0; i < LOOP_MAX_TIMERS; i++)
        if (l->timers[i].id && l->timers[i].due_ms < due)
            due = l->timers[i].due_ms;
    return due;
}

static void fire_timers(struct loop *l) {
    int64_t now = clock_mono_ms();
    for (int i = 0; i < LOOP_MAX_TIMERS; i++) {
        struct timer t = l->timers[i];
        if (t.id && t.due_ms <= now) {
            l->timers[i].id = 0; /* free first: the callback may re-arm */
            t.fn(t.arg);
        }
    }
}

void loop_run_once(struct loop *l, int max_wait_ms) {
    int64_t wait = max_wait_ms;
    int64_t due = next_due(l);
    if (due != INT64_MAX) {
        int64_t until = due - clock_mono_ms();
        if (until < wait)
            wait = until < 0 ? 0 : until;
    }
    int64_t held = http_wait_ms(l->http); /* requests waiting for the budget or a back-off */
    if (held >= 0 && held < wait)
        wait = held;
    struct curl_waitfd extra[LOOP_MAX_FDS];
    int n = l->n_fds;
    for (int i = 0; i < n; i++)
        extra[i] = (struct curl_waitfd){l->fds[i].fd, CURL_WAIT_POLLIN, 0};
    int numfds = 0;
    curl_multi_poll(http_multi(l->http), extra, (unsigned)n, (int)wait, &numfds);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    l->woke_us = (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
    http_perform(l->http);
    /* Handlers may unwatch fds; iterate over the snapshot taken before the poll. */
    for (int i = 0; i < n; i++) {
        if (extra[i].revents & (CURL_WAIT_POLLIN | CURL_WAIT_POLLPRI)) {
            for (int j = 0; j < l->n_fds; j++) {
                if (l->fds[j].fd == extra[i].fd) {
                    l->fds[j].fn(l->fds[j].arg, extra[i].fd);
                    break;
                }
            }
        }
    }
    fire_timers(l);
}

void loop_run(struct loop *l) {
    while (!l->stopped)
        loop_run_once(l, 1000);
}

int64_t loop_woke_us(const struct loop *l) { return l->woke_us; }

void loop_stop(struct loop *l) { l->stopped = true; }
bool loop_stopped(const struct loop *l) { return l->stopped; }
