/* The Kubernetes side of the model: Flink operator resources (FlinkDeployment,
 * FlinkSessionJob, FlinkStateSnapshot), their pods and events, and what the API server
 * says about itself. Filled by k8s_api.c.
 *
 * Same rules as model.h: unknown integers are -1 (UNKNOWN_I), unknown strings NULL,
 * unknown enums *_UNKNOWN; every string is owned by the struct that holds it and was
 * sanitised (sanitize.h) before it was stored. Each *_free frees what the struct owns
 * (not the struct itself) and leaves it initialised, so it can be refilled. */
#ifndef FLINKTOP_K8S_MODEL_H
#define FLINKTOP_K8S_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model.h"
#include "source.h"

struct http_tls;
struct cJSON;
struct autoscaler_state;

/* ---- enumerations (wire spelling in the second column) ------------------------------ */

#define FLINK_KINDS(X)                                                                             \
    X(FLINK_KIND_UNKNOWN, "UNKNOWN")                                                               \
    X(FLINK_KIND_DEPLOYMENT, "FlinkDeployment")                                                    \
    X(FLINK_KIND_SESSION_JOB, "FlinkSessionJob")

/* status.lifecycleState (operator >= 1.4; DELETING/DELETED since 1.11) */
#define FLINK_LIFECYCLES(X)                                                                        \
    X(LIFECYCLE_UNKNOWN, "UNKNOWN")                                                                \
    X(LIFECYCLE_CREATED, "CREATED")                                                                \
    X(LIFECYCLE_SUSPENDED, "SUSPENDED")                                                            \
    X(LIFECYCLE_UPGRADING, "UPGRADING")                                                            \
    X(LIFECYCLE_DEPLOYED, "DEPLOYED")                                                              \
    X(LIFECYCLE_STABLE, "STABLE")                                                                  \
    X(LIFECYCLE_ROLLING_BACK, "ROLLING_BACK")                                                      \
    X(LIFECYCLE_ROLLED_BACK, "ROLLED_BACK")                                                        \
    X(LIFECYCLE_FAILED, "FAILED")                                                                  \
    X(LIFECYCLE_DELETING, "DELETING")                                                              \
    X(LIFECYCLE_DELETED, "DELETED")

/* status.jobManagerDeploymentStatus (FlinkDeployment only) */
#define JM_DEPLOY_STATES(X)                                                                        \
    X(JM_DEPLOY_UNKNOWN, "UNKNOWN")                                                                \
    X(JM_DEPLOY_READY, "READY")                                                                    \
    X(JM_DEPLOY_DEPLOYED_NOT_READY, "DEPLOYED_NOT_READY")                                          \
    X(JM_DEPLOY_DEPLOYING, "DEPLOYING")                                                            \
    X(JM_DEPLOY_MISSING, "MISSING")                                                                \
    X(JM_DEPLOY_ERROR, "ERROR")

/* status.reconciliationStatus.state */
#define RECONCILE_STATES(X)                                                                        \
    X(RECONCILE_UNKNOWN, "UNKNOWN")                                                                \
    X(RECONCILE_DEPLOYED, "DEPLOYED")                                                              \
    X(RECONCILE_UPGRADING, "UPGRADING")                                                            \
    X(RECONCILE_ROLLING_BACK, "ROLLING_BACK")                                                      \
    X(RECONCILE_ROLLED_BACK, "ROLLED_BACK")

/* FlinkStateSnapshot status.state */
#define SNAPSHOT_STATES(X)                                                                         \
    X(SNAPSHOT_UNKNOWN, "UNKNOWN")                                                                 \
    X(SNAPSHOT_TRIGGER_PENDING, "TRIGGER_PENDING")                                                 \
    X(SNAPSHOT_IN_PROGRESS, "IN_PROGRESS")                                                         \
    X(SNAPSHOT_COMPLETED, "COMPLETED")                                                             \
    X(SNAPSHOT_FAILED, "FAILED")                                                                   \
    X(SNAPSHOT_ABANDONED, "ABANDONED")

/* Pod status.phase */
#define POD_PHASES(X)                                                                              \
    X(POD_PHASE_UNKNOWN, "Unknown")                                                                \
    X(POD_PHASE_PENDING, "Pending")                                                                \
    X(POD_PHASE_RUNNING, "Running")                                                                \
    X(POD_PHASE_SUCCEEDED, "Succeeded")                                                            \
    X(POD_PHASE_FAILED, "Failed")

#define K8S_ENUM_ID(id, name) id,
enum flink_kind { FLINK_KINDS(K8S_ENUM_ID) FLINK_KIND_COUNT };
enum flink_lifecycle { FLINK_LIFECYCLES(K8S_ENUM_ID) LIFECYCLE_COUNT };
enum jm_deploy_state { JM_DEPLOY_STATES(K8S_ENUM_ID) JM_DEPLOY_COUNT };
enum reconcile_state { RECONCILE_STATES(K8S_ENUM_ID) RECONCILE_COUNT };
enum snapshot_state { SNAPSHOT_STATES(K8S_ENUM_ID) SNAPSHOT_STATE_COUNT };
enum pod_phase { POD_PHASES(K8S_ENUM_ID) POD_PHASE_COUNT };
#undef K8S_ENUM_ID

/* Names are static strings (the *_UNKNOWN name for an out-of-range value); the parse
 * functions take the exact wire spelling and give *_UNKNOWN for NULL or anything else. */
const char *flink_kind_name(enum flink_kind k);
enum flink_kind flink_kind_parse(const char *s);
const char *flink_lifecycle_name(enum flink_lifecycle s);
enum flink_lifecycle flink_lifecycle_parse(const char *s);
const char *jm_deploy_state_name(enum jm_deploy_state s);
enum jm_deploy_state jm_deploy_state_parse(const char *s);
const char *reconcile_state_name(enum reconcile_state s);
enum reconcile_state reconcile_state_parse(const char *s);
const char *snapshot_state_name(enum snapshot_state s);
enum snapshot_state snapshot_state_parse(const char *s);
const char *pod_phase_name(enum pod_phase p);
enum pod_phase pod_phase_parse(const char *s);

/* ---- FlinkDeployment / FlinkSessionJob ---------------------------------------------- */

/* One flinkConfiguration entry, nested maps flattened with dots. */
struct flink_conf_entry {
    char *key;   /* owned */
    char *value; /* owned, never NULL: numbers, bools and null rendered as text */
};

/* spec.job. Nonces: -1 is unknown (absent or null); a nonce of -1 sent by the server
 * reads as unknown too, which is harmless when the caller bumps it to a new value. */
struct flink_job_spec {
    char *jar_uri;                    /* owned, NULL unknown */
    char *entry_class;                /* owned, NULL unknown */
    int parallelism;                  /* -1 unknown */
    char *upgrade_mode;               /* "stateless" | "savepoint" | "last-state", owned */
    char *state;                      /* "running" | "suspended", owned */
    int64_t savepoint_trigger_nonce;  /* -1 unknown */
    int64_t checkpoint_trigger_nonce; /* -1 unknown (operator >= 1.7) */
    char *initial_savepoint_path;     /* owned, NULL unknown */
    int64_t savepoint_redeploy_nonce; /* -1 unknown (operator >= 1.8) */
    int allow_non_restored_state;     /* 1 / 0, -1 unknown */
};

struct flink_resource_spec {
    char *image;                   /* owned, NULL unknown (session jobs have none) */
    char *flink_version;           /* "v1_20", owned */
    char *mode;                    /* "native" | "standalone", owned */
    char *service_account;         /* owned */
    bool has_job;                  /* spec.job present: application cluster or session job */
    struct flink_job_spec job;     /* all unknown when !has_job (a session cluster) */
    int64_t restart_nonce;         /* -1 unknown */
    int tm_replicas;               /* spec.taskManager.replicas, -1 unknown */
    int jm_replicas;               /* spec.jobManager.replicas, -1 unknown */
    char *deployment_name;         /* session jobs: the session FlinkDeployment, owned */
    struct flink_conf_entry *conf; /* owned array, file order, keys unique */
    size_t conf_len;
    bool conf_truncated;    /* more than FLINK_CONF_MAX entries, or over-long keys, dropped */
    struct cJSON *conf_raw; /* owned copy of spec.flinkConfiguration (strings and keys
                               sanitised), NULL when absent: cJSON_Delete */
};

struct flink_job_status {
    char job_id[33]; /* 32 hex + NUL; "" unknown */
    char *job_name;  /* owned */
    enum job_state state;
    int64_t start_ms;             /* epoch ms (sent as a string), -1 unknown */
    int64_t update_ms;            /* epoch ms, -1 unknown */
    char *upgrade_savepoint_path; /* owned */
};

struct flink_resource_status {
    bool present; /* false for a just-created resource without status */
    enum flink_lifecycle lifecycle;
    enum jm_deploy_state jm_status; /* FlinkDeployment only */
    struct flink_job_status job;
    enum reconcile_state reconciliation;
    /* status.error as one line: a JSON-encoded FlinkResourceException becomes
     * "SimpleType: message", anything else is the string itself. NULL when healthy. */
    char *error;
    /* The root cause of that exception (the last of its throwableList), one line as
     * above; NULL when there is none or it would repeat error. */
    char *error_cause;
    int64_t observed_generation; /* -1 unknown */
    char *cluster_flink_version; /* clusterInfo["flink-version"], owned */
    int tm_replicas;             /* status.taskManager.replicas, -1 unknown */
    char *tm_label_selector;     /* status.taskManager.labelSelector, owned */
};

struct flink_resource {
    enum flink_kind kind;
    char *namespace;        /* owned */
    char *name;             /* owned, never NULL in a parsed list */
    char *uid;              /* owned */
    char *resource_version; /* owned */
    int64_t generation;     /* metadata.generation, -1 unknown */
    int64_t created_ms;     /* metadata.creationTimestamp, -1 unknown */
    struct flink_resource_spec spec;
    struct flink_resource_status status;
};

struct flink_resource_list {
    struct flink_resource *items; /* owned array */
    size_t len;
};

/* Most flinkConfiguration entries kept per resource, and the longest flattened key. */
#define FLINK_CONF_MAX 4096
#define FLINK_CONF_MAX_KEY 1024

/* The value of a flattened flinkConfiguration key; borrowed, NULL when absent. */
const char *flink_resource_conf(const struct flink_resource *r, const char *key);

/* ---- FlinkStateSnapshot -------------------------------------------------------------- */

struct flink_snapshot {
    char *namespace;          /* owned */
    char *name;               /* owned, never NULL in a parsed list */
    enum flink_kind job_kind; /* spec.jobReference.kind */
    char *job_name;           /* spec.jobReference.name, owned */
    bool checkpoint;          /* spec.checkpoint present (else a savepoint) */
    char *spec_path;          /* spec.savepoint.path, owned */
    int already_exists;       /* spec.savepoint.alreadyExists: 1 / 0, -1 unknown */
    enum snapshot_state state;
    char *path;         /* status.path, owned */
    char *error;        /* status.error as one line (see flink_resource_status) */
    char *trigger_id;   /* owned */
    int failures;       /* -1 unknown */
    int64_t trigger_ms; /* status.triggerTimestamp (RFC 3339 or epoch ms), -1 unknown */
    int64_t result_ms;  /* status.resultTimestamp, -1 unknown */
    int64_t created_ms; /* metadata.creationTimestamp, -1 unknown */
};

struct flink_snapshot_list {
    struct flink_snapshot *items; /* owned array */
    size_t len;
};

/* ---- Pods ---------------------------------------------------------------------------- */

struct pod {
    char *namespace; /* owned */
    char *name;      /* owned, never NULL in a parsed list */
    char *app;       /* labels["app"]: the Flink cluster id, owned */
    char *component; /* labels["component"]: "jobmanager" | "taskmanager", owned */
    enum pod_phase phase;
    int ready;            /* 1 every container ready, 0 not, -1 unknown */
    int containers_ready; /* -1 unknown */
    int containers_total; /* from containerStatuses, else spec.containers; -1 unknown */
    int restarts;         /* sum of restartCount (init containers too), -1 unknown */
    /* The most recent container termination (lastState or state .terminated). */
    char *term_reason;  /* "OOMKilled", "Error", "Completed"..., owned */
    int term_exit_code; /* -1 unknown */
    int64_t term_ms;    /* finishedAt, -1 unknown */
    /* A container waiting: "CrashLoopBackOff", "ImagePullBackOff", "Init:..." for an
     * init container. */
    char *waiting_reason;  /* owned */
    char *waiting_message; /* owned, one line */
    /* Why the pod itself is not running: status.reason ("Evicted") or the reason of a
     * false PodScheduled condition ("Unschedulable"), and its message (one line). */
    char *reason;       /* owned */
    char *message;      /* owned */
    char *node;         /* spec.nodeName, owned */
    int64_t created_ms; /* metadata.creationTimestamp, -1 unknown */
    /* resources.limits.memory of flink-main-container (else the first container), in
     * bytes; -1 when none is set or it is unreadable */
    int64_t memory_limit;
};

struct pod_list {
    struct pod *items; /* owned array */
    size_t len;
};

/* Over the pods of one resource (pod_list_summary). */
struct pod_summary {
    int total;      /* pods */
    int ready;      /* pods with ready == 1 */
    int restarts;   /* sum over pods that know theirs, -1 when none does */
    int waiting;    /* pods with a waiting_reason (CrashLoopBackOff, ...) */
    int oom_killed; /* pods whose last termination was OOMKilled */
    int pending;    /* pods in phase Pending */
};

/* ---- apps/v1 Deployments (the ones Flink runs on) -------------------------------------- */

/* How a Deployment's rollout stands, as kubectl rollout status reads it. */
enum deploy_rollout {
    DEPLOY_ROLLOUT_UNKNOWN,
    DEPLOY_ROLLOUT_COMPLETE,
    DEPLOY_ROLLOUT_PROGRESSING,
    DEPLOY_ROLLOUT_STUCK /* ProgressDeadlineExceeded, or a ReplicaFailure */
};

/* One status.conditions entry: status 1 True, 0 False, -1 unknown (or absent). */
struct k8s_condition {
    int status;
    char *reason;  /* owned, NULL unknown */
    char *message; /* owned, one line, NULL unknown */
};

/* An apps/v1 Deployment labelled component=jobmanager|taskmanager: a FlinkDeployment's
 * JobManager Deployment (named after it, app=NAME), a standalone cluster's
 * NAME-taskmanager. Counts are -1 when unknown: no status at all (not observed yet); in a
 * status the API server omits zero counts, so there an absent count is 0. */
struct apps_deployment {
    char *namespace;                      /* owned */
    char *name;                           /* owned, never NULL in a parsed list */
    char *app;                            /* labels["app"]: the Flink cluster id, owned */
    char *component;                      /* labels["component"], owned */
    int replicas;                         /* spec.replicas (desired), -1 unknown */
    int status_replicas;                  /* status.replicas (old and new pods), -1 unknown */
    int ready;                            /* status.readyReplicas, -1 unknown */
    int updated;                          /* status.updatedReplicas (up to date), -1 unknown */
    int available;                        /* status.availableReplicas, -1 unknown */
    int64_t generation;                   /* metadata.generation, -1 unknown */
    int64_t observed_generation;          /* status.observedGeneration, -1 unknown */
    struct k8s_condition progressing;     /* type Progressing */
    struct k8s_condition available_cond;  /* type Available */
    struct k8s_condition replica_failure; /* type ReplicaFailure */
    int64_t created_ms;                   /* metadata.creationTimestamp, -1 unknown */
};

struct apps_deployment_list {
    struct apps_deployment *items; /* owned array */
    size_t len;
};

/* "complete", "progressing", "stuck", "unknown" (the --once JSON spelling) */
const char *deploy_rollout_name(enum deploy_rollout r);
/* How d's rollout stands: stuck on ProgressDeadlineExceeded or a true ReplicaFailure
 * (*why: its message, else its reason); progressing while the controller has not seen
 * the latest spec (observedGeneration behind) or fewer pods are up to date, available
 * than desired, or old pods remain (*why: a static description); complete otherwise.
 * UNKNOWN when the counts it needs are. why may be NULL; *why is borrowed from d. */
enum deploy_rollout apps_deployment_rollout(const struct apps_deployment *d, const char **why);
/* The Deployments of Flink cluster app (label app=APP) in ns, in list order: owned array of
 * borrowed pointers (free the array only), NULL and *n 0 when none. */
const struct apps_deployment **apps_deployments_of_app(const struct apps_deployment_list *l,
                                                       const char *ns, const char *app, size_t *n);

/* ---- Events -------------------------------------------------------------------------- */

struct k8s_event {
    char *namespace;   /* owned */
    char *name;        /* metadata.name, owned; NULL unknown (then never replaced) */
    char *type;        /* "Normal" | "Warning", owned */
    bool warning;      /* type is "Warning" */
    char *reason;      /* owned */
    char *message;     /* owned, one line */
    int count;         /* count / series.count; 1 when the event says nothing */
    char *object_kind; /* involvedObject (or regarding) kind, owned */
    char *object_name; /* owned */
    char *source;      /* source.component / reportingComponent, owned */
    int64_t last_ms;   /* lastTimestamp, else series.lastObservedTime, eventTime,
                          firstTimestamp, creationTimestamp; -1 unknown */
};

struct k8s_event_list {
    struct k8s_event *items; /* owned array, newest first */
    size_t len;
};

/* ---- The API server ------------------------------------------------------------------ */

/* GET /version */
struct k8s_version {
    int major;         /* -1 unknown */
    int minor;         /* leading digits of "29+", -1 unknown */
    char *git_version; /* "v1.29.4-eks-036c24b", owned */
    char *platform;    /* "linux/amd64", owned */
};

/* GET /apis/flink.apache.org/v1beta1: which resources the operator's CRDs serve. */
struct k8s_discovery {
    bool deployments;
    bool session_jobs;
    bool snapshots; /* operator >= 1.10 */
};

/* ---- what one kubeconfig context knows ------------------------------------------------ */

#define K8S_FLINK_API "/apis/flink.apache.org/v1beta1"

enum k8s_crds { K8S_CRDS_UNKNOWN, K8S_CRDS_PRESENT, K8S_CRDS_ABSENT };

#define K8S_NS_LISTS 4 /* pods, events, flinkstatesnapshots, deployments */

/* Pods, events and FlinkStateSnapshots of one namespace that holds Flink resources. */
struct k8s_namespace_state {
    char *name;                   /* owned */
    struct pod_list pods;         /* owned; last good answer */
    bool pods_ok;                 /* pods answered at least once */
    struct k8s_event_list events; /* owned; last good answer, newest first */
    bool events_ok;
    /* owned; last good answer (every FlinkStateSnapshot of the namespace), listed only
     * when discovery saw flinkstatesnapshots served */
    struct flink_snapshot_list snapshots;
    bool snapshots_ok;
    /* owned; last good answer: the apps/v1 Deployments labelled component=jobmanager or
     * taskmanager (k8s_apps.h) */
    struct apps_deployment_list apps;
    bool apps_ok;
    /* RBAC forbids listing or watching Deployments here: not an error of the cluster (the
     * rest works), one line for tab 6 instead; "" when allowed */
    char apps_forbidden[256];
    /* the errors of its lists that failed last time, joined with "; "; "" when none */
    char error[256];
    struct source lists[K8S_NS_LISTS]; /* each list's own: pods, events, snapshots,
                                          deployments */
};

/* What one context knows. Owned by the k8s poller (k8s_poller.h), which lists them all
 * in app.k8s_contexts and fills them through the updaters below (lists and watch events:
 * k8s_apply.h); borrowed by clusters (cluster.k8s.ctx), views, alerts and --once, valid
 * until k8s_poller_free. */
struct k8s_context_state {
    char *name;      /* context name as asked (owned) */
    char *namespace; /* the context's namespace, NULL when the context did not resolve */
    char *scope;     /* namespace listed; NULL: all namespaces (owned) */
    bool fell_back;  /* listing across namespaces was forbidden: scope is the context's */
    enum k8s_crds crds;
    struct k8s_discovery discovery;
    struct flink_resource_list deployments; /* owned; last good list */
    struct flink_resource_list session_jobs;
    bool listed;                            /* the deployments list answered at least once */
    struct k8s_namespace_state *namespaces; /* owned array */
    size_t n_namespaces;
    char error[256]; /* context-level error line, "" when fine */
    int64_t last_ok_ms;
    const char *server;         /* the API server URL (borrowed, poller-owned); NULL: unresolved */
    const struct http_tls *tls; /* borrowed, poller-owned: its TLS and credential (markers) */
    bool in_scope;              /* in the current scope (:ctx): polled, its clusters shown */
    /* How the data arrives: "" while it is watched (or not known yet, --once); else one
     * line such as "watch forbidden: listing every 10s" (RBAC allows list, not watch). */
    char watch_note[128];
    int watches; /* watch streams open now (0 in --once and while listing) */
    /* owned: the autoscaler's ConfigMap of each autoscaled FlinkDeployment
     * (k8s_autoscaler.h), one GET each at the detail interval */
    struct autoscaler_state *autoscalers;
    size_t n_autoscalers;
};

/* ---- readers: what views, alerts and --once ask of the Kubernetes side ----------------- */

struct app;

/* The contexts in the current scope (a context left by :ctx is not counted), in the
 * order they were added; 0 without Kubernetes. */
size_t k8s_context_count(const struct app *a);
/* The i-th of them; borrowed (valid until k8s_poller_free), NULL out of range. */
const struct k8s_context_state *k8s_context_at(const struct app *a, size_t i);
/* True when the context works: resolved, answered, CRDs absent included (plain --flink
 * clusters still work; that is a note, not a failure). */
bool k8s_context_ok(const struct k8s_context_state *s);
/* The API server URL of a cluster's context (borrowed: valid until k8s_poller_free); NULL
 * for a --flink cluster. Its TLS and credential are cluster->tls. */
const char *k8s_cluster_server(const struct cluster *c);
/* Discovery saw flinkstatesnapshots (operator 1.10+): savepoints as FlinkStateSnapshots. */
bool k8s_cluster_snapshots_served(const struct cluster *c);
/* The pods, events and snapshots of the cluster's namespace in its context; borrowed,
 * NULL for a --flink cluster or a namespace not listed yet. */
const struct k8s_namespace_state *k8s_cluster_namespace(const struct cluster *c);
/* The cluster's apps/v1 Deployments (app=NAME in its namespace): owned array of borrowed
 * pointers (valid until the next Deployments list or event), NULL and 0 when none or not
 * listed yet (then *listed, which may be NULL, is false). */
const struct apps_deployment **k8s_cluster_deployments(const struct cluster *c, size_t *n,
                                                       bool *listed);
/* The FlinkDeployment a cluster stands for; borrowed (valid until the next list
 * arrives); NULL for a --flink cluster or one whose resource vanished. */
const struct flink_resource *k8s_cluster_resource(const struct cluster *c);
/* Its autoscaler's state (autoscaler.h): borrowed, valid until the next answer; NULL for a
 * --flink cluster or a deployment without the autoscaler on. */
const struct autoscaler_state *k8s_cluster_autoscaler(const struct cluster *c);
/* Its pods (app=NAME in its namespace). false when pods never answered. */
bool k8s_cluster_pods(const struct cluster *c, struct pod_summary *out);
/* Its FlinkStateSnapshots: those whose spec.jobReference is kind FlinkDeployment, name
 * c->k8s.name, in its namespace; newest first (status.triggerTimestamp, else
 * metadata.creationTimestamp). *out is an owned array (free it, not its items) of
 * borrowed pointers, valid until the next snapshots list arrives; NULL and 0 when there
 * are none, they were not listed yet, or the API server does not serve them. */
size_t k8s_cluster_snapshots(const struct cluster *c, const struct flink_snapshot ***out);

/* Pods of resource app (labels app=APP) in ns (NULL: any) counted (k8s_cluster_pods). */
struct pod_summary pod_list_summary(const struct pod_list *pods, const char *ns, const char *app);
/* Pod p belongs to resource app in ns (NULL: any). */
bool pod_of_app(const struct pod *p, const char *ns, const char *app);
/* The pods of Flink cluster app (label app=APP) in namespace ns (NULL: any namespace),
 * in list order. Returns owned array of pointers borrowed from pods (valid while pods
 * is): caller frees the array only. *n gets the count; NULL when there are none. */
const struct pod **pods_of_app(const struct pod_list *pods, const char *ns, const char *app,
                               size_t *n);
/* The events about resource name in ns (NULL: any): involvedObject name == name, or the
 * name of one of its pods (pods may be NULL), newest first (equal times keep list order).
 * Returns owned array of pointers borrowed from events: caller frees the array only; NULL
 * when none. */
const struct k8s_event **events_of(const struct k8s_event_list *events,
                                   const struct pod_list *pods, const char *ns,
                                   const char *name, size_t *n);

/* ---- updaters: lists and watch events applied to the model (the k8s poller) ----------- */

/* put: the item with the same namespace and name is replaced by *item, else *item is
 * appended; what *item owned is taken (it is left initialised). remove: the item ns/name
 * goes; true when there was one. replace: the whole list becomes *with (taken; *with is
 * left empty). An item without a name is appended by put and never found. */
void flink_resource_list_put(struct flink_resource_list *l, struct flink_resource *item);
bool flink_resource_list_remove(struct flink_resource_list *l, const char *ns, const char *name);
void flink_resource_list_replace(struct flink_resource_list *l, struct flink_resource_list *with);
void flink_snapshot_list_put(struct flink_snapshot_list *l, struct flink_snapshot *item);
bool flink_snapshot_list_remove(struct flink_snapshot_list *l, const char *ns, const char *name);
void flink_snapshot_list_replace(struct flink_snapshot_list *l, struct flink_snapshot_list *with);
void pod_list_put(struct pod_list *l, struct pod *item);
bool pod_list_remove(struct pod_list *l, const char *ns, const char *name);
void pod_list_replace(struct pod_list *l, struct pod_list *with);
void k8s_event_list_put(struct k8s_event_list *l, struct k8s_event *item);
bool k8s_event_list_remove(struct k8s_event_list *l, const char *ns, const char *name);
void k8s_event_list_replace(struct k8s_event_list *l, struct k8s_event_list *with);
void apps_deployment_list_put(struct apps_deployment_list *l, struct apps_deployment *item);
bool apps_deployment_list_remove(struct apps_deployment_list *l, const char *ns, const char *name);
void apps_deployment_list_replace(struct apps_deployment_list *l,
                                  struct apps_deployment_list *with);

/* The namespace state ns of s, added (empty, nothing answered yet) when absent.
 * Borrowed; pointers into s->namespaces do not survive the next add or remove. */
struct k8s_namespace_state *k8s_context_namespace_add(struct k8s_context_state *s, const char *ns);
/* The namespace state ns of s (NULL: none), borrowed as above. */
struct k8s_namespace_state *k8s_context_namespace_find(struct k8s_context_state *s, const char *ns);
/* Drop namespace ns and everything held in it; true when there was one. */
bool k8s_context_namespace_remove(struct k8s_context_state *s, const char *ns);
/* Everything a namespace state owns; it is left zeroed. */
void k8s_namespace_state_free(struct k8s_namespace_state *n);
/* The data a context state owns: its lists and namespaces (not its names and lines). */
void k8s_context_data_free(struct k8s_context_state *s);

/* ---- init / free --------------------------------------------------------------------- */

void flink_resource_init(struct flink_resource *r);
void flink_resource_free(struct flink_resource *r);
void flink_resource_list_free(struct flink_resource_list *l);
void flink_snapshot_init(struct flink_snapshot *s);
void flink_snapshot_free(struct flink_snapshot *s);
void flink_snapshot_list_free(struct flink_snapshot_list *l);
void pod_init(struct pod *p);
void pod_free(struct pod *p);
void pod_list_free(struct pod_list *l);
void k8s_event_init(struct k8s_event *e);
void k8s_event_free(struct k8s_event *e);
void k8s_event_list_free(struct k8s_event_list *l);
void apps_deployment_init(struct apps_deployment *d);
void apps_deployment_free(struct apps_deployment *d);
void apps_deployment_list_free(struct apps_deployment_list *l);
void k8s_version_init(struct k8s_version *v);
void k8s_version_free(struct k8s_version *v);

#endif
