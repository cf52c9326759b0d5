/* A vertex's input watermarks (per subtask, /jobs/:jid/vertices/:vid/watermarks) summed
 * up: the slowest subtask's, how many have none, and how far the slowest lags behind the
 * wall clock. Flink writes Long.MIN_VALUE for a subtask that has no watermark (a source's
 * input, an input that never sent one, a job without event time) and Long.MAX_VALUE once
 * its input ended: neither is a time, so neither becomes a 1970 date or a 50-year lag.
 *
 * Also a job's restarts, as its exception history tells them (each entry is a failure
 * that restarted or failed the job): how many in a window, and each one's root cause. */
#ifndef FLINKTOP_WATERMARK_H
#define FLINKTOP_WATERMARK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "source.h"

struct exceptions;
struct exception_entry;

#define WATERMARK_NONE INT64_MIN /* Long.MIN_VALUE: no watermark yet */
#define WATERMARK_END INT64_MAX  /* Long.MAX_VALUE: the input ended */

struct vertex_watermarks {
    int n;             /* subtasks in the last answer; -1 never answered */
    int n_none;        /* of them with no watermark (MIN_VALUE, or a value that is no number) */
    int n_end;         /* of them at the end of their input (MAX_VALUE) */
    int64_t min;       /* the slowest subtask's watermark (epoch ms) among those with a time;
                          WATERMARK_NONE when none has one */
    int slowest;       /* that subtask's index, -1 none */
    int64_t max;       /* the fastest one's; WATERMARK_NONE when none has a time */
    struct source src; /* how this vertex's last /watermarks went */
};

/* What a vertex's watermarks say, for the screen. */
enum watermark_state {
    WM_UNKNOWN, /* never fetched */
    WM_NONE,    /* no subtask has a watermark (a source, or no event time) */
    WM_END,     /* every subtask with one is at the end of its input */
    WM_TIME,    /* min is the slowest subtask's watermark */
};

void vertex_watermarks_init(struct vertex_watermarks *w);
enum watermark_state watermark_state_of(const struct vertex_watermarks *w);

/* How far watermark wm lags behind now (epoch ms): >= 0; -1 when wm is no time (NONE,
 * END). A watermark ahead of now (a clock skew, records stamped in the future) lags 0,
 * and *ahead (when not NULL) says so. */
int64_t watermark_lag_ms(int64_t wm, int64_t now, bool *ahead);

struct job_detail;

/* The job's sources' backlog from Flink REST (the overview tab asks it for the job on
 * screen): the sum over its sources of pendingRecords, else records-lag-max, counting only
 * answers younger than max_age_ms at now; NaN when there is none that fresh. */
double job_source_backlog(const struct job_detail *d, int64_t now, int64_t max_age_ms);

/* Failures in the job's exception history within window_ms before now, and the newest
 * one's time into *last (-1 none). */
int restarts_within(const struct exceptions *e, int64_t now, int64_t window_ms, int64_t *last);

/* The root cause of a failure in one line: the last "Caused by: " of its trace (without
 * that prefix), else its first line, else its exception name; "" when none is known. */
void restart_root_cause(const struct exception_entry *x, char *buf, size_t size);

#endif
