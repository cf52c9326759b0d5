/* Prometheus as a source: each round, a fixed handful of fleet-wide instant queries (their
 * number never grows with the fleet) and the server's own alerts, all through http.c in
 * the one loop. What they say is kept here, apart from the model the Flink and Kubernetes
 * pollers write, and looked up by cluster and job when a view or --once wants it.
 *
 * Queries of a round (PROM_SOURCE_QUERIES requests in all):
 *   job gauges   max by (__name__, job_id, G) of flink_jobmanager_job_{lastCheckpoint-
 *                CompletedTimestamp, lastCheckpointDuration, lastCheckpointSize,
 *                numberOfFailedCheckpoints, numRestarts} and the JobManagers'
 *                Status_JVM_Memory_Heap_{Used,Max} (no job_id: per cluster)
 *   task maxima  max by (__name__, job_id, G) of flink_taskmanager_job_task_{backPressured,
 *                busy}TimeMsPerSecond and the Kafka consumers' records_lag_max
 *   throughput   sum by (__name__, job_id, G) of what the sources emit
 *                (numRecordsOutPerSecond of tasks named "Source: ...") and what the sinks
 *                receive (numRecordsInPerSecond of tasks named "... Sink: ..."), as the
 *                REST poller counts a job's records in and out, and the sources'
 *                pendingRecords (their lag, where the connector reports it)
 *   alerts       GET /api/v1/alerts
 * G, the labels that say which cluster a series belongs to: "namespace, pod, cluster", or
 * the one label configured (prometheus_cluster_label).
 *
 * Matching (also what the man page documents): a series belongs to job J of cluster C when
 * its job_id is J's id (ids, never names: the reporter filters label values) and
 *   - with a configured label L: its L equals C's name;
 *   - else, C found through Kubernetes: its namespace is C's and its pod starts with C's
 *     FlinkDeployment name and a '-' (the longest such name in the namespace wins: "foo"
 *     never takes "foo-bar"'s pods);
 *   - else (a --flink cluster): its cluster label equals C's name; without a cluster
 *     label, its job_id alone decides.
 * Rates are summed over the series of a job (one per task manager), the rest take the
 * maximum. Application-mode jobs without HA all have id 000...0: the cluster part is what
 * keeps them apart.
 *
 * A round is all or nothing for the figures: any failed query leaves the previous round's
 * figures in place (shown as of their time) and the source in error with that line. */
#ifndef FLINKTOP_PROM_SOURCE_H
#define FLINKTOP_PROM_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "http.h"
#include "prom_api.h"
#include "prom_cover.h"
#include "source_ops.h"

#define PROM_SOURCE_QUERIES 4

/* A job's health as Prometheus has it. NaN: no series matched. */
enum prom_metric {
    PROM_M_RECORDS_IN,          /* records/s the sources emit (sum) */
    PROM_M_RECORDS_OUT,         /* records/s the sinks receive (sum) */
    PROM_M_BACKPRESSURED_MAX,   /* ms/s, worst subtask */
    PROM_M_BUSY_MAX,            /* ms/s, worst subtask */
    PROM_M_CHECKPOINT_TS,       /* lastCheckpointCompletedTimestamp, epoch ms */
    PROM_M_CHECKPOINT_DURATION, /* ms */
    PROM_M_CHECKPOINT_SIZE,     /* bytes */
    PROM_M_CHECKPOINTS_FAILED,
    PROM_M_RESTARTS,
    PROM_M_PENDING_RECORDS, /* sources' pendingRecords (FLIP-33), summed */
    PROM_M_LAG_MAX,         /* Kafka consumers' records_lag_max, worst subtask */
    PROM_M_COUNT
};

struct prom_job_health {
    double v[PROM_M_COUNT];
    double checkpoint_age_s; /* Prometheus's sample time minus the completion, NaN unknown */
    int64_t sample_ms;       /* Prometheus's evaluation time of the figures, 0 none */
};

struct prom_source_options {
    const char *url;            /* base URL, no trailing slash; copied */
    const char *cluster_label;  /* NULL: namespace + pod, then cluster; copied */
    long timeout_ms;            /* per request; 0: http's default */
    const struct http_tls *tls; /* borrowed, NULL plain: a service proxy's (prom_target.h) */
    /* borrowed, NULL: nothing written to the model. A good round writes the jobs it named
     * (prom_source_cover) and, while app->prom is this source, a live history point for
     * each job it covers (their REST details are not refreshed for the board). */
    struct app *app;
};

struct prom_source;

/* returns owned source (free with prom_source_free after http_free, which completes what
 * is in flight); http is borrowed and must outlive every request */
struct prom_source *prom_source_new(struct http *http, const struct prom_source_options *o);
void prom_source_free(struct prom_source *p);

/* Another Prometheus from the next round on (a reload changed the config): url copied,
 * tls borrowed as in the options; what the old one said stays until the new one
 * answers, the state pending. */
void prom_source_set_target(struct prom_source *p, const char *url, const struct http_tls *tls);

/* Another cluster label (a reload changed prometheus_cluster_label; label copied, NULL
 * the default): the next round groups and matches by it; the rows matched by the old one
 * are dropped and the cover cleared until then (REST answers for the board meanwhile). */
void prom_source_set_cluster_label(struct prom_source *p, const char *label);

/* The jobs the last good round named, by cluster id (prom_cover.h): what the Flink REST
 * poller leaves to Prometheus. Cleared when a round fails, the target or label moves;
 * empty and waiting (one refresh) before the first answer. borrowed, valid until
 * prom_source_free; NULL for p NULL. main.c sets app->prom_cover to it with app->prom. */
const struct prom_cover *prom_source_cover(const struct prom_source *p);

/* Prometheus as a source the loop drives (source_ops.h), beside Flink REST and
 * Kubernetes: start_round is prom_source_round (its queries are fleet-wide, the focus
 * plays no part), on_response takes every answer of its rounds and of /api/v1/rules,
 * busy and take_changed as below, free is prom_source_free (call it after http_free;
 * main.c frees its source itself). Backfill (prom_source_backfill) and the alerts feed
 * (prom_source_feed_alerts) are not rounds: see there. */
extern const struct source_ops prom_source_ops;
struct data_source prom_source_data_source(struct prom_source *p);

/* Submit a round unless one is in flight. Nothing blocks. */
void prom_source_round(struct prom_source *p);
/* A round is in flight. */
bool prom_source_busy(const struct prom_source *p);
/* Something changed since the last call (a round ended). */
bool prom_source_take_changed(struct prom_source *p);

/* borrowed */
const char *prom_source_url(const struct prom_source *p);
const struct source *prom_source_state(const struct prom_source *p);
/* "pending", "ok", "error", or "stale" (ok, but the last good round is older than three
 * refresh periods: rounds hang) */
const char *prom_source_status(const struct prom_source *p, int64_t now_ms, int refresh_ms);

/* A job's source lag in records: pendingRecords where reported, else records_lag_max;
 * NaN when neither is. */
double prom_job_health_lag(const struct prom_job_health *h);

/* Job job_id of app->clusters[ci]: true and *out filled when any series matched. */
bool prom_source_job(const struct prom_source *p, const struct app *app, size_t ci,
                     const char *job_id, struct prom_job_health *out);

/* Jobs of the clusters in scope whose health is known, as the board shows it: throughput,
 * worst backpressure and last checkpoint, from Prometheus's last round or the job's REST
 * details (make bench's "every job's health on the board"). p NULL: REST alone. O(jobs). */
size_t prom_source_health_count(const struct prom_source *p, const struct app *app);

/* The firing alerts of the last good alerts answer; borrowed until the next round ends. */
size_t prom_source_alert_count(const struct prom_source *p);
const struct prom_alert *prom_source_alert(const struct prom_source *p, size_t i);
/* The cluster an alert's (or any series') labels name, or SIZE_MAX when none matches. */
size_t prom_source_match_cluster(const struct prom_source *p, const struct app *app,
                                 const struct prom_label *labels, size_t n);

struct alerts;
struct job;
struct ring;

/* The alerting rule of that name from /api/v1/rules (its `for` and expression; asked
 * with the first round and every 30th after), NULL unknown; borrowed until a round ends. */
const struct prom_rule *prom_source_rule(const struct prom_source *p, const char *name);
/* The cluster an alert names (prom_source_match_cluster; else, by its job_id, the one
 * cluster running that job), SIZE_MAX none; *job that job or NULL (borrowed). */
size_t prom_source_alert_target(const struct prom_source *p, const struct app *app,
                                const struct prom_alert *a, const struct job **job);
/* Hand Prometheus's firing alerts to the engine (alerts_set_external), origin
 * "prometheus", matched to cluster and job, with their rule's `for` and expression as
 * detail. Call after each alerts_evaluate. */
void prom_source_feed_alerts(const struct prom_source *p, const struct app *app,
                             struct alerts *engine);

/* The JobManager's heap of app->clusters[ci] (jobmanager Status.JVM.Memory.Heap, asked
 * with the job gauges: no query more): used and max bytes, NaN unknown, *t_ms the
 * sample's time; true when a series matched (HA: the largest of the JobManagers). */
bool prom_source_jobmanager_heap(const struct prom_source *p, const struct app *app, size_t ci,
                                 double *used, double *max, int64_t *t_ms);
/* Its history (backfilled with the task managers' heap, then a point a round): borrowed,
 * NULL when Prometheus has said nothing of that cluster's JobManager yet. */
const struct ring *prom_source_jobmanager_heap_ring(const struct prom_source *p,
                                                    const char *cluster);
/* For prom_backfill: the ring of cluster's JobManager heap, made (len entries) on first
 * use; borrowed until prom_source_free. */
struct ring *prom_source_jm_ring(struct prom_source *p, const char *cluster, size_t len);

/* History from before launch (prom_backfill.h): apply what arrived and ask for what is
 * new; call after the model changed and when a request ended; also puts each round's
 * JobManager heaps into their rings, and matches the last answer again to clusters found
 * since (the cover). True when rings changed. */
bool prom_source_backfill(struct prom_source *p, struct app *app);
/* A backfill batch is in flight or waiting to be applied. */
bool prom_source_backfill_busy(const struct prom_source *p);
/* query_range requests sent since start. */
size_t prom_source_backfill_queries(const struct prom_source *p);
/* Prometheus backfilled the heap ring of task manager tm_id of the cluster named cluster. */
bool prom_source_tm_heap_backfilled(const struct prom_source *p, const char *cluster,
                                    const char *tm_id);

/* Whether a series with these labels belongs to app->clusters[ci] (the matching above;
 * with no label that says, true: the job id decides). */
bool prom_source_labels_in_cluster(const struct prom_source *p, const struct app *app, size_t ci,
                                   const struct prom_label *labels, size_t n);
/* borrowed: the configured cluster label or NULL; the client; the per-request timeout */
const char *prom_source_cluster_label(const struct prom_source *p);
struct http *prom_source_http(const struct prom_source *p);
const struct http_tls *prom_source_tls(const struct prom_source *p);
long prom_source_timeout_ms(const struct prom_source *p);

#endif
