/* One HTTP answer as the simulator's handlers produce it, before sim_main turns it into
 * a libmicrohttpd response (and before a fault may mangle it). Bodies are always JSON. */
#ifndef FLINKTOP_SIM_REPLY_H
#define FLINKTOP_SIM_REPLY_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A body that keeps coming (a followed log): read(cls, buf, max) writes up to max bytes
 * and returns how many, 0 when nothing is new yet (sim_main waits a little and asks
 * again), -1 at the end; release(cls) frees cls. */
struct sim_stream {
    ssize_t (*read)(void *cls, char *buf, size_t max);
    void (*release)(void *cls);
    void *cls;
};

struct sim_reply {
    int status;
    char *body; /* owned (malloc'd, NUL-terminated); sim_reply_free releases it */
    size_t len;
    const char *allow;        /* static; the Allow header of a 405, else NULL */
    const char *content_type; /* static; NULL = application/json */
    struct sim_stream stream; /* read != NULL: a streamed body instead of body (owned) */
};

/* A text/plain answer: takes text (owned, malloc'd, NUL-terminated). */
void sim_reply_text(struct sim_reply *r, int status, char *text);

/* Renders json unformatted into r and deletes json (ownership is taken). */
void sim_reply_json(struct sim_reply *r, int status, cJSON *json);
/* A Flink error body {"errors":["<message>"]} with the given status. */
void sim_reply_error(struct sim_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sim_reply_free(struct sim_reply *r);

#endif
