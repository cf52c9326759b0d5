/* Kubernetes watch streams as the API server sends them: GET ...?watch=1 answers 200 and
 * then, chunked, one JSON line per event: {"type":"ADDED|MODIFIED|DELETED|BOOKMARK|ERROR",
 * "object":{...}}.
 *   - resourceVersion absent or "0": ADDED for every current object first, then changes;
 *   - resourceVersion N: the changes after N (sim_k8s_store's log); N older than the log's
 *     window: one ERROR event carrying a Status 410 Expired, and the stream ends;
 *   - allowWatchBookmarks=true: a BOOKMARK (the latest resourceVersion) every
 *     SIM_K8S_WATCH_BOOKMARK_MS and just before timeoutSeconds ends the stream;
 *   - timeoutSeconds (default SIM_K8S_WATCH_DEFAULT_TIMEOUT_S) ends the stream;
 *   - sim_k8s_watch_drop_all ends every open stream at once (POST /_sim/k8s/drop-watches);
 *   - Accept with as=Table: each event's object is a Table of one row (column definitions
 *     in the first), as kubectl get -w asks.
 * A stream looks for changes every SIM_K8S_WATCH_POLL_MS (the simulator's objects change
 * with time, not only with writes) and at once after a write (sim_k8s_watch_notify). */
#ifndef FLINKTOP_SIM_K8S_WATCH_H
#define FLINKTOP_SIM_K8S_WATCH_H

#include "sim_k8s_store.h"
#include "sim_model.h"
#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <stdbool.h>

#define SIM_K8S_WATCH_POLL_MS 500
#define SIM_K8S_WATCH_BOOKMARK_MS 30000
#define SIM_K8S_WATCH_DEFAULT_TIMEOUT_S 1800

/* Wake-ups shared by every stream of one server. */
struct sim_k8s_watch_hub;
struct sim_k8s_watch_hub *sim_k8s_watch_hub_new(void);
void sim_k8s_watch_hub_free(struct sim_k8s_watch_hub *h);
/* Every open stream ends (drop: now; stop: and every new one at once, for shutdown). */
void sim_k8s_watch_drop_all(struct sim_k8s_watch_hub *h);
void sim_k8s_watch_stop(struct sim_k8s_watch_hub *h);
/* Something was written: streams look at once. */
void sim_k8s_watch_notify(struct sim_k8s_watch_hub *h);

/* What a stream watches, filled by sim_k8s (all callbacks run under the model lock). */
struct sim_k8s_watch_source {
    void *owner; /* the sim_k8s, passed back to the callbacks */
    struct sim_model *model;
    struct sim_k8s_store *store;
    long *rv; /* the shared resourceVersion counter */
    int kind; /* the store's kind number */
    /* Renders every object of kind now and syncs the store: owned array. */
    cJSON *(*list)(void *owner, int kind, int64_t now);
    /* Whether obj (borrowed) passes the watch's namespace and selectors. */
    bool (*matches)(const cJSON *obj, const char *ns, const char *labels, const char *fields);
    /* A Table of the objects (borrowed array), with columns when headers; owned. NULL
     * callback: no Table format for this kind. */
    cJSON *(*table)(const char *kind_name, const cJSON *items, bool headers, int64_t now);
    const char *api_version, *kind_name; /* static, for BOOKMARK objects */
};

/* The parameters of one watch request (strings borrowed; copied). */
struct sim_k8s_watch_params {
    const char *ns;               /* NULL: all namespaces */
    const char *label_selector;   /* may be NULL */
    const char *field_selector;   /* may be NULL */
    const char *resource_version; /* NULL or "" or "0": from the current state */
    long timeout_s;               /* <= 0: the default */
    bool bookmarks;
    bool table;
};

/* Starts a stream: fills r with status 200 and r->stream (or a 400 Status for a bad
 * resourceVersion). Call under the model lock; the stream takes it itself later. */
void sim_k8s_watch_open(struct sim_k8s_watch_hub *h, const struct sim_k8s_watch_source *src,
                        const struct sim_k8s_watch_params *p, int64_t now, struct sim_reply *r);

#endif
