/* A source of data the loop drives, the same way for each: Flink REST (poller.c),
 * Kubernetes (k8s_poller.c), Prometheus (prom_source.c) (tmux's command table, curl's protocol
 * handlers). A source asks what is due when a round starts, takes each answer to its
 * requests through on_response (its http done callbacks go there and nowhere else),
 * writes the model, and says whether the model changed. */
#ifndef FLINKTOP_SOURCE_OPS_H
#define FLINKTOP_SOURCE_OPS_H

#include <stdbool.h>
#include <stddef.h>

struct http_response;

/* What is on screen: asked first, and every round. */
struct source_focus {
    int cluster;     /* the cluster's index (its id), -1 none */
    const char *job; /* the job's id, NULL none */
};

struct source_ops {
    const char *name; /* "flink", "kubernetes", "prometheus" */
    /* Ask what is due now; what is still in flight is never asked again. */
    void (*start_round)(void *self, const struct source_focus *focus);
    /* One answer to one of this source's requests (request: the source's own argument,
     * which it frees). */
    void (*on_response)(void *self, void *request, const struct http_response *resp);
    /* True when the model changed since the last call; clears it. */
    bool (*take_changed)(void *self);
    /* True while requests of this source are out. */
    bool (*busy)(const void *self);
    /* Frees the source (after http_free: cancelled requests still answer into it). */
    void (*free)(void *self);
};

/* One source: its ops and its state (borrowed by whoever drives it). */
struct data_source {
    const struct source_ops *ops;
    void *self;
};

/* The same step on each of n sources. */
void data_sources_round(const struct data_source *s, size_t n, const struct source_focus *focus);
/* True when any changed (every one's flag is cleared). */
bool data_sources_take_changed(const struct data_source *s, size_t n);
bool data_sources_busy(const struct data_source *s, size_t n);

#endif
