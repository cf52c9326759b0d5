/* One HTTP answer as the simulator's handlers produce it, before sim_main turns it into
 * a libmicrohttpd response (and before a fault may mangle it). Bodies are always JSON. */
#ifndef FLINKTOP_SIM_REPLY_H
#define FLINKTOP_SIM_REPLY_H

#include <cjson/cJSON.h>
#include <stddef.h>

/* A body streamed after the headers (a Kubernetes watch, a followed log): read(cls, buf,
 * max) puts at most max bytes in buf and returns how many; it may block (one thread per
 * connection), or return 0 when nothing is new yet (sim_main waits a little and asks
 * again, and ends the stream at shutdown); SIM_REPLY_STREAM_END when the stream is over.
 * done(cls) frees cls once the connection is finished with it. read NULL = no stream. */
#define SIM_REPLY_STREAM_END (-1L)
struct sim_reply_stream {
    long (*read)(void *cls, char *buf, size_t max);
    void (*done)(void *cls);
    void *cls; /* owned by the stream: done frees it */
};

struct sim_reply {
    int status;
    char *body; /* owned (malloc'd, NUL-terminated); sim_reply_free releases it */
    size_t len;
    const char *allow;              /* static; the Allow header of a 405, else NULL */
    const char *content_type;       /* static; NULL = application/json */
    struct sim_reply_stream stream; /* a streamed body instead of body (read != NULL) */
};

/* A text/plain answer: takes text (owned, malloc'd, NUL-terminated). */
void sim_reply_text(struct sim_reply *r, int status, char *text);

/* Renders json unformatted into r and deletes json (ownership is taken). */
void sim_reply_json(struct sim_reply *r, int status, cJSON *json);
/* A Flink error body {"errors":["<message>"]} with the given status. */
void sim_reply_error(struct sim_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Frees the body, and a stream that was never handed to a connection. */
void sim_reply_free(struct sim_reply *r);

#endif
