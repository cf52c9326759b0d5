/* The one event loop. Each turn waits in curl_multi_poll on the transfers and on the
 * watched fds (stdin, the signal self-pipe, exec plugin pipes) until the next timer is
 * due, then drives transfers, fires due timers and calls fd handlers. Nothing on this
 * path blocks. */
#ifndef FLINKTOP_LOOP_H
#define FLINKTOP_LOOP_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"

struct loop;

typedef void (*loop_fd_fn)(void *arg, int fd);
typedef void (*loop_timer_fn)(void *arg);

/* returns owned loop; http is borrowed and must outlive it */
struct loop *loop_new(struct http *http);
void loop_free(struct loop *l);

/* Call fn whenever fd is readable. At most 8 fds. Returns 0 or -1 when full. */
int loop_watch_fd(struct loop *l, int fd, loop_fd_fn fn, void *arg);
void loop_unwatch_fd(struct loop *l, int fd);

/* One-shot timer after delay_ms (monotonic). Returns an id > 0 for loop_timer_cancel. */
int loop_timer(struct loop *l, int64_t delay_ms, loop_timer_fn fn, void *arg);
void loop_timer_cancel(struct loop *l, int id);

/* One turn, waiting at most max_wait_ms (less when a timer is due sooner). */
void loop_run_once(struct loop *l, int max_wait_ms);
/* CLOCK_MONOTONIC microseconds when the last turn's wait ended (0 before the first):
 * make bench measures how long each turn then kept the loop from reading a key. */
int64_t loop_woke_us(const struct loop *l);
/* Turns until loop_stop is called. */
void loop_run(struct loop *l);
void loop_stop(struct loop *l);
bool loop_stopped(const struct loop *l);

#endif
