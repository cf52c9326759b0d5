/* One HTTP answer as the simulator's handlers produce it, before sim_main turns it into
 * a libmicrohttpd response (and before a fault may mangle it). Bodies are always JSON. */
#ifndef FLINKTOP_SIM_REPLY_H
#define FLINKTOP_SIM_REPLY_H

#include <cjson/cJSON.h>
#include <stddef.h>

struct sim_reply {
    int status;
    char *body; /* owned (malloc'd, NUL-terminated); sim_reply_free releases it */
    size_t len;
    const char *allow; /* static; the Allow header of a 405, else NULL */
    /* static; NULL: application/json (sim_prom's text format sets it) */
    const char *content_type;
};

/* Renders json unformatted into r and deletes json (ownership is taken). */
void sim_reply_json(struct sim_reply *r, int status, cJSON *json);
/* A Flink error body {"errors":["<message>"]} with the given status. */
void sim_reply_error(struct sim_reply *r, int status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void sim_reply_free(struct sim_reply *r);

#endif
