/* The application state the screen reads: the fleet of clusters and the options.
 * Owned by main.c; the UI borrows it for the duration of a draw or a key. */
#ifndef FLINKTOP_APP_H
#define FLINKTOP_APP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"

struct action_engine;
struct alerts;
struct logs;
struct config;
struct cp_fetch;
struct jvm_fetch;
struct conf_fetch;
struct k8s_context_state;
struct k8s_poller;
struct operations;
struct prom_source;
struct prom_cover;

struct app {
    /* Owned array of n_clusters (room for cap_clusters). Kubernetes discovery appends at
     * run time, so the array may move: keep indices, never pointers, across loop turns.
     * Entries are never removed or reordered (in-flight requests refer to them by index);
     * a vanished resource is marked cluster.k8s.gone. */
    struct cluster *clusters;
    size_t n_clusters;
    /* A cluster's id is its index here, the one id the engine, the pollers, the views,
     * the operations and the alerts use for it: never reused or moved for the run. A
     * config reload does not touch the clusters; a scope change hides a cluster and,
     * when the same FlinkDeployment (context, namespace, name) comes back, shows the
     * same entry again. Names are for display: two contexts may both have "production". */
    size_t cap_clusters;          /* 0: exactly n_clusters were allocated */
    int refresh_ms;               /* poll period */
    int timeout_ms;               /* per-request timeout */
    bool ascii;                   /* no UTF-8 glyphs */
    bool readonly;                /* --readonly / readonly: true: no mutating action is sent */
    bool mouse;                   /* mouse: clicks and wheel (off: terminal copy keeps working) */
    bool clipboard;               /* `y` copies through OSC 52 */
    size_t history_len;           /* entries per history ring (15 min at the refresh rate) */
    int detail_interval_ms;       /* every job's details at least this often (default 30 s) */
    int64_t last_refresh_ms;      /* wall clock of the last completed poll round, 0 never */
    int64_t now_ms;               /* wall clock when the frame is drawn */
    const struct alerts *alerts;  /* borrowed, NULL without rules: firing/pending/resolved */
    const struct k8s_poller *k8s; /* borrowed, NULL without Kubernetes: for actions (access
                                     to a context's API server); views read the contexts below */
    /* Every kubeconfig context the k8s poller loaded (model: k8s_model.h; read them with
     * k8s_context_count / k8s_context_at, which keep to those in scope). The array and the
     * states are the poller's, kept up to date by it, valid until k8s_poller_free; NULL/0
     * without Kubernetes. */
    struct k8s_context_state *const *k8s_contexts;
    size_t n_k8s_contexts;
    struct operations *ops;      /* borrowed: actions in flight and done (NULL: none possible) */
    const struct config *config; /* borrowed: per-cluster readonly, confirm, savepoint dir */
    /* borrowed, NULL without Prometheus: its figures and alerts */
    const struct prom_source *prom;
    /* borrowed from that Prometheus source (prom_cover.h), NULL without one: the jobs its
     * last good fleet answer named, which the Flink REST poller leaves to it for the board */
    const struct prom_cover *prom_cover;
    /* borrowed: what may be sent, and sends it (NULL: no actions) */
    struct action_engine *actions;
    struct logs *logs; /* borrowed, NULL none: the logs the user opens (log_fetch.h) */
    /* borrowed, NULL: none (--once): the checkpoint opened on the checkpoints tab, fetched
     * on demand (flink_checkpoint_detail.h) */
    struct cp_fetch *cp_detail;
    /* borrowed, NULL: none (--once): the JVM screen's and the configuration screen's data,
     * fetched while those are open (flink_jvm.h, flink_config.h) */
    struct jvm_fetch *jvm;
    struct conf_fetch *conf;
};

/* The cluster with that id; borrowed (valid until the array grows), NULL no such id. */
const struct cluster *app_cluster(const struct app *a, int id);
/* c's id, -1 when c is not one of a's clusters (NULL included). */
int app_cluster_id(const struct app *a, const struct cluster *c);
/* The id of the cluster named name that is still present (an alert, a Prometheus series
 * or an audit line names a cluster; names outlive ids across reloads), -1 none. */
int app_cluster_by_name(const struct app *a, const char *name);

/* Per-cluster and total job counts by state, from the jobs list (or the overview when
 * the jobs list never answered). -1 unknown. */
struct job_counts {
    int running, failed, finished, cancelled, other;
};
void app_job_counts(const struct cluster *c, struct job_counts *out);

/* A cluster is "stale" when its data is older than this many refresh periods or a
 * source failed since the last good answer. */
bool app_cluster_stale(const struct app *a, const struct cluster *c);

#endif
