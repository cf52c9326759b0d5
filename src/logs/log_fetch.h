/* Logs the user opens, fetched through the one event loop: a JobManager's
 * (/jobmanager/log) or a task manager's (/taskmanagers/ID/log) over Flink REST, at the
 * cluster's base URL with its TLS (an operator's cluster through the API server's
 * service proxy). Flink serves a log as a whole file with no ranges, so a log is read
 * when the pager opens and again only when the user asks, never by a timer; it is read
 * as a stream into the pager's capped ring, so a 200 MiB file costs the cap, not 200 MiB.
 *
 * struct logs is the registry main.c owns: it knows which open log got new lines since
 * the last frame (logs_take_changed). A struct log_fetch belongs to the screen that
 * opened it, which frees it (that cancels its transfer). */
#ifndef FLINKTOP_LOG_FETCH_H
#define FLINKTOP_LOG_FETCH_H

#include <stdbool.h>
#include <stdint.h>

#include "http.h"
#include "log_buffer.h"

enum log_fetch_state { LOG_FETCH_LOADING, LOG_FETCH_OK, LOG_FETCH_ERROR };

struct logs;

struct log_fetch {
    struct log_buffer lines;
    char *title; /* owned: "JobManager log of production" */
    char *url;   /* owned */
    enum log_fetch_state state;
    char error[200];     /* LOG_FETCH_ERROR: one line */
    int64_t fetched_ms;  /* wall clock of the last complete read, 0 never */
    uint64_t bytes;      /* of the last read */
    int64_t req;         /* the transfer in flight, 0 none */
    struct logs *logs;   /* borrowed: the registry */
    const struct http_tls *tls; /* borrowed: the cluster's */
    struct log_fetch *next; /* the registry's list */
    bool changed;
    bool follow; /* a stream that stays open */
    bool thread_dump; /* the answer is a thread dump's JSON, shown as text when whole */
};

/* The registry over the client's http (borrowed, must outlive it). Owned: logs_free. */
struct logs *logs_new(struct http *h, size_t cap_bytes);
void logs_free(struct logs *l);
/* Some open log changed (lines, state) since the last call. */
bool logs_take_changed(struct logs *l);

/* Open a log at base_url + path and start reading it. tls is borrowed (the cluster's).
 * follow: the server keeps the answer open and sends lines as they are written (a
 * Kubernetes pod log with follow=true): a quiet log is not a hung one. */
struct log_fetch *log_fetch_open(struct logs *l, const char *base_url, const struct http_tls *tls,
                                 const char *path, const char *title, bool follow);
/* Open a thread dump (/jobmanager/thread-dump, /taskmanagers/ID/thread-dump): the JSON
 * answer, read whole, becomes the jstack-like text of each thread, one after another. */
struct log_fetch *log_fetch_open_thread_dump(struct logs *l, const char *base_url,
                                             const struct http_tls *tls, const char *path,
                                             const char *title);
/* A thread dump's JSON ({"threadInfos":[{"threadName","stringifiedThreadInfo"}]}) as
 * text: each thread's stringified info (or its quoted name when that is missing), a blank
 * line between. Returns owned text, or NULL with one line in err when the body is not
 * one. */
char *log_thread_dump_text(const char *body, size_t len, char *err, size_t errlen);
/* Read it again from the start (the lines go once the new read begins). */
void log_fetch_reload(struct log_fetch *f);
/* Stop reading and free it. NULL is fine. */
void log_fetch_free(struct log_fetch *f);

#endif
