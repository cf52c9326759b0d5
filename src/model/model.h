/* The data model: what flinktop knows about each cluster and its jobs.
 *
 * Plain structs. A cluster owns its strings and arrays; cluster_free() (model.c)
 * frees them. Unknown values are never a made-up zero: integers use -1 (UNKNOWN_I),
 * doubles NaN, strings NULL. Every string in here came from a server and has been
 * sanitised (sanitize.h) before it was stored. */
#ifndef FLINKTOP_MODEL_H
#define FLINKTOP_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flink_auth.h"
#include "job_detail.h"
#include "source.h"

#define UNKNOWN_I (-1)

/* Flink JobStatus (wire spelling: CANCELLING with two Ls). */
#define JOB_STATES(X)                                                                              \
    X(JOB_UNKNOWN, "UNKNOWN")                                                                      \
    X(JOB_INITIALIZING, "INITIALIZING")                                                            \
    X(JOB_CREATED, "CREATED")                                                                      \
    X(JOB_RUNNING, "RUNNING")                                                                      \
    X(JOB_FAILING, "FAILING")                                                                      \
    X(JOB_FAILED, "FAILED")                                                                        \
    X(JOB_CANCELLING, "CANCELLING")                                                                \
    X(JOB_CANCELED, "CANCELED")                                                                    \
    X(JOB_FINISHED, "FINISHED")                                                                    \
    X(JOB_RESTARTING, "RESTARTING")                                                                \
    X(JOB_SUSPENDED, "SUSPENDED")                                                                  \
    X(JOB_RECONCILING, "RECONCILING")

#define JOB_STATE_ENUM(id, name) id,
enum job_state { JOB_STATES(JOB_STATE_ENUM) JOB_STATE_COUNT };
#undef JOB_STATE_ENUM

/* returns a static string */
const char *job_state_name(enum job_state s);
/* JOB_UNKNOWN for NULL or an unknown name */
enum job_state job_state_parse(const char *name);

struct job {
    char id[33]; /* 32 hex + NUL; "" when the server sent none */
    char *name;  /* owned, NULL unknown */
    enum job_state state;
    int64_t start_time;        /* epoch ms, -1 unknown */
    int64_t end_time;          /* epoch ms, -1 while running or unknown */
    int64_t duration_ms;       /* -1 unknown */
    int64_t last_modification; /* epoch ms, -1 unknown */
    int tasks_total;           /* -1 unknown */
    int tasks_running;         /* -1 unknown */
    int tasks_failed;          /* -1 unknown */
    int parallelism;           /* max vertex parallelism from /jobs/:jid, -1 until known */
    int max_parallelism;       /* -1 unknown or unset */
    struct job_detail *detail; /* owned, NULL until the first details poll; carried from
                                  list to list by the poller so history survives */
};

struct taskmanager {
    char *id;   /* owned */
    char *path; /* owned, may be NULL */
    int slots_total;
    int slots_free;
    int64_t last_heartbeat;    /* epoch ms, -1 unknown */
    double cpu_cores;          /* NaN unknown */
    int64_t physical_memory;   /* bytes, -1 unknown */
    struct tm_metrics metrics; /* NaN until /taskmanagers/:id/metrics answered */
    int64_t metrics_ms;        /* wall clock of that answer, 0 never */
    struct ring heap_used;     /* owned history; carried from list to list */
};

/* Parsed /config */
struct flink_config {
    char *flink_version;  /* owned, NULL unknown */
    char *flink_revision; /* owned, NULL unknown */
    int64_t refresh_interval;
};

/* Parsed /overview */
struct flink_overview {
    int taskmanagers;
    int slots_total;
    int slots_available;
    int jobs_running;
    int jobs_finished;
    int jobs_cancelled;
    int jobs_failed;
    char *flink_version; /* owned, NULL unknown */
};

struct job_list {
    struct job *items; /* owned array */
    size_t len;
};

struct taskmanager_list {
    struct taskmanager *items; /* owned array */
    size_t len;
};

/* Parsed /jobs/:jid, the part the foundation needs. */
struct job_details {
    char id[33];
    int parallelism; /* max over vertices, -1 unknown (0 vertices) */
    int max_parallelism;
    int vertex_count;
};

struct http_tls;
struct k8s_context_state; /* k8s_poller.h */

/* Where a cluster found through Kubernetes came from. All NULL for a --flink cluster. */
struct cluster_k8s {
    const struct k8s_context_state *ctx; /* borrowed: the context's state, owned by the
                                            k8s poller, which outlives the clusters */
    char *context;                       /* owned: kubeconfig context name */
    char *namespace;                     /* owned */
    char *name;                          /* owned: the FlinkDeployment's metadata.name */
    char *kind;                          /* owned: "FlinkDeployment" */
    bool gone;   /* the resource vanished: kept (indices are stable), never polled */
    bool hidden; /* outside the current :ctx / :ns scope: not shown, not polled */
};

enum cluster_source { SRC_CONFIG, SRC_OVERVIEW, SRC_JOBS, SRC_TASKMANAGERS, SRC_COUNT };

struct cluster {
    char *name; /* owned */
    char *url;  /* owned, base URL without trailing slash */
    struct source sources[SRC_COUNT];
    struct flink_config config;
    struct flink_overview overview;
    struct job_list jobs;
    struct taskmanager_list taskmanagers;
    /* Sources beside the summaries (not counted in cluster_state: the cluster works
     * without them): /jobmanager/config, and the task managers' metrics (the worst
     * answer of the last round). */
    struct source jm_config_source;
    struct source tm_metrics_source;
    const struct http_tls *tls; /* borrowed, NULL for plain defaults: a cluster reached
                                   through the API server's service proxy borrows its
                                   context's (owned by the k8s poller) */
    struct cluster_k8s k8s;
    /* owned; NULL unless a plain cluster restarted through its standalone Deployment
     * (standalone.h: its Deployments for tab 6) */
    struct standalone_state *standalone;
    struct flink_auth *auth; /* owned, NULL: none; a --flink or config cluster's credentials
                                and TLS (tls then points at auth->tls) */
    /* From /jobmanager/config, read with /config (the actions need them): */
    char *savepoint_dir;    /* owned: state.savepoints.dir (2.x also
                               execution.checkpointing.savepoint-dir); NULL unset or unknown */
    int adaptive_scheduler; /* jobmanager.scheduler is adaptive: 1, other: 0, -1 unknown */
    bool jm_config_known;   /* /jobmanager/config answered */
};

/* Move what outlives one poll (job details and history, task manager metrics and
 * history) from the old list's items to the fresh list's items with the same id; the
 * old items give them up. Used when a new /jobs/overview or /taskmanagers replaces the
 * list. */
void job_list_carry(struct job_list *old, struct job_list *fresh);
void taskmanager_list_carry(struct taskmanager_list *old, struct taskmanager_list *fresh);

/* Initialise/free the parts of the model; the *_free functions leave the struct reset
 * to "unknown" so it can be refilled. */
void flink_config_init(struct flink_config *c);
void flink_config_free(struct flink_config *c);
void flink_overview_init(struct flink_overview *o);
void flink_overview_free(struct flink_overview *o);
void job_init(struct job *j);
void job_list_free(struct job_list *l);
void taskmanager_list_free(struct taskmanager_list *l);

/* cluster_init takes copies of name and url; tls and k8s start NULL (cluster_free frees
 * the k8s strings). */
void cluster_init(struct cluster *c, const char *name, const char *url);
void cluster_free(struct cluster *c);

/* The URL as the user sees it: with a user, "http://user:***@host", never a password.
 * borrowed */
const char *cluster_shown_url(const struct cluster *c);

/* Worst state over the sources: ERROR if any failed, PENDING if none answered yet. */
enum source_state cluster_state(const struct cluster *c);
/* The first error line over the sources, or NULL. borrowed */
const char *cluster_error(const struct cluster *c);
/* Wall clock of the oldest last-good answer among the sources that answered, 0 never. */
int64_t cluster_last_ok(const struct cluster *c);
/* Find a job by id; borrowed, NULL when absent (or id NULL or ""). */
struct job *cluster_find_job(struct cluster *c, const char *id);
/* The same for a reader holding a const cluster. */
const struct job *cluster_job_by_id(const struct cluster *c, const char *id);
/* The cluster is polled and shown: its resource has not vanished and it lies inside the
 * :ctx / :ns scope. */
bool cluster_in_scope(const struct cluster *c);

#endif
