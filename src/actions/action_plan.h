/* What an action sends, worked out before anything is sent: the request (method, path,
 * content type, body), the sentence the confirmation shows, the exact JSON of an
 * operator action, the parameters for the audit log, and how operations.c should
 * follow it. Pure: no network, no clock unless the caller leaves now_ms at 0.
 *
 * The rules are DESIGN.md section 5 and FLINK-API.md sections 2.11-2.15 and 3.6:
 *
 *   action     operator-managed (FlinkDeployment or FlinkSessionJob)      plain Flink
 *   savepoint  POST a FlinkStateSnapshot when served, else merge-patch    POST /jobs/J/savepoints
 *              spec.job.savepointTriggerNonce
 *   stop       spec.job {upgradeMode: savepoint, state: suspended}        POST /jobs/J/stop
 *   suspend    spec.job.state: suspended (its upgradeMode decides how)    (error: use cancel)
 *   cancel     (error: use suspend)                                       PATCH /jobs/J?mode=cancel
 *   rescale    spec.job.parallelism                                       PUT resource-requirements
 *   restart    spec.restartNonce                                          the Deployment's
 *                                                                         rollout-restart
 * annotation redeploy   spec.job {initialSavepointPath, savepointRedeployNonce}    (error) profile
 * spec.flinkConfiguration (profile.h)                        (error)
 *
 * Every operator merge-patch carries metadata.resourceVersion, so a patch built on a
 * stale read is refused with 409. Nonces become current + 1, or the time in epoch ms
 * when the current one is unknown. Ids and names that end up in a path are checked (32
 * hex job ids, DNS names) because they came from a server.
 *
 * Ownership: struct action_target and struct action_params only borrow; the plan owns
 * its strings (free with action_plan_free). */
#ifndef FLINKTOP_ACTION_PLAN_H
#define FLINKTOP_ACTION_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "k8s_model.h"
#include "operations.h"

struct cJSON;
struct profile_diff;

#define ACTIONS(X)                                                                                 \
    X(ACT_SAVEPOINT, "savepoint")                                                                  \
    X(ACT_STOP, "stop")                                                                            \
    X(ACT_SUSPEND, "suspend")                                                                      \
    X(ACT_CANCEL, "cancel")                                                                        \
    X(ACT_RESCALE, "rescale")                                                                      \
    X(ACT_RESTART, "restart")                                                                      \
    X(ACT_REDEPLOY, "redeploy")                                                                    \
    X(ACT_PROFILE, "profile")

#define ACTION_ENUM(id, name) id,
enum action { ACTIONS(ACTION_ENUM) ACT_COUNT };
#undef ACTION_ENUM

/* returns a static string ("savepoint"; "?" out of range) */
const char *action_name(enum action a);
/* ACT_COUNT when s is not an action name */
enum action action_parse(const char *s);

#define ACTION_STATUS(X)                                                                           \
    X(ACTION_OK, "ok")                                                                             \
    X(ACTION_UNSUPPORTED, "not possible on this target")                                           \
    X(ACTION_BAD_PARAM, "bad parameter")                                                           \
    X(ACTION_NEED_INPUT, "more input needed")                                                      \
    X(ACTION_UNKNOWN_STATE, "the target is not known well enough")

#define ACTION_STATUS_ENUM(id, msg) id,
enum action_status { ACTION_STATUS(ACTION_STATUS_ENUM) };
#undef ACTION_STATUS_ENUM

/* returns a static string */
const char *action_status_message(enum action_status s);

enum target_kind {
    TARGET_OPERATOR, /* a FlinkDeployment or FlinkSessionJob: patch the resource */
    TARGET_PLAIN,    /* a Flink REST endpoint: call the job's REST API */
};

/* The job or resource an action is about. Everything borrowed; NULL / -1 is unknown. */
struct action_target {
    enum target_kind kind;
    const char *cluster;  /* display name, for the sentence and the audit log */
    const char *job_name; /* NULL: unknown */
    const char *job_id;   /* 32 hex; plain targets need it */

    /* TARGET_OPERATOR (and context/ns for a plain cluster's Deployment) */
    const char *context;             /* kubeconfig context */
    const char *ns;                  /* metadata.namespace */
    const char *name;                /* metadata.name */
    enum flink_kind resource_kind;   /* FLINK_KIND_UNKNOWN reads as FlinkDeployment */
    const char *resource_version;    /* metadata.resourceVersion: every patch needs it */
    int64_t savepoint_trigger_nonce; /* spec.job.*, -1 unknown */
    int64_t savepoint_redeploy_nonce;
    int64_t restart_nonce;        /* spec.restartNonce */
    const char *upgrade_mode;     /* spec.job.upgradeMode */
    const char *job_state;        /* spec.job.state: "running" | "suspended" */
    bool snapshots_served;        /* the API serves flinkstatesnapshots (operator >= 1.10) */
    const char *flink_version;    /* spec.flinkVersion ("v1_20"), for the sentence */
    const struct cJSON *conf_raw; /* spec.flinkConfiguration as stored (profile patches) */

    /* both kinds */
    int parallelism;           /* current, -1 unknown */
    int max_parallelism;       /* -1 unknown: rescale is checked against it when known */
    const char *savepoint_dir; /* target directory; NULL: operator's default / unknown */

    /* TARGET_PLAIN */
    bool resource_requirements;    /* GET /jobs/J/resource-requirements answered */
    const char *const *vertex_ids; /* the job's vertex ids, for a rescale */
    size_t n_vertices;
    const char *deployment; /* a standalone Deployment named in the config (in ns) */
};

/* Zero the target with every number unknown (-1) and kind TARGET_PLAIN. */
void action_target_init(struct action_target *t);
/* Fill an operator target from a parsed resource (borrowing its strings: keep r alive
 * while t is used); context may be NULL. */
void action_target_from_resource(struct action_target *t, const struct flink_resource *r,
                                 const char *cluster, const char *context, bool snapshots_served);

struct action_params {
    int parallelism;                 /* ACT_RESCALE: the new parallelism */
    const char *savepoint_path;      /* ACT_REDEPLOY: the savepoint or checkpoint to start from */
    const char *target_dir;          /* ACT_SAVEPOINT / ACT_STOP: overrides target->savepoint_dir */
    const char *profile_name;        /* ACT_PROFILE */
    const struct profile_diff *diff; /* ACT_PROFILE: profile_diff against the resource */
    int64_t now_ms;                  /* wall clock for nonces, names, restartedAt; 0: now */
};

/* The request and everything around it. Strings owned unless marked static. */
struct action_plan {
    enum action action;
    bool api_server;          /* path is from the API server; else from the Flink REST base */
    const char *method;       /* static: "POST", "PATCH", "PUT" */
    char *path;               /* owned: "/jobs/J/savepoints", "/apis/flink.apache.org/..." */
    const char *content_type; /* static; NULL when there is no body */
    char *body;               /* owned compact JSON, NULL none */
    char *effect;             /* owned: the effect in words, one sentence */
    char *show_json;          /* owned: operator and Deployment actions, the exact JSON sent
                                 (the merge-patch or the FlinkStateSnapshot); else NULL */
    char *params;             /* owned JSON object text for the audit log ("{}" at least) */
    char *ref;                /* owned: the snapshot name it creates, NULL otherwise */
    /* How to follow it: maps one to one onto struct op_request. */
    enum op_follow follow;
    char *follow_path;          /* owned, NULL: none (OP_FOLLOW_TRIGGER builds its own) */
    const char *want_job_state; /* static: "CANCELED", or NULL */
    int want_parallelism;       /* > 0: wait for it */
    bool want_suspended;        /* the resource should end SUSPENDED */
    int64_t savepoint_nonce;    /* > 0: the nonce whose savepoint to wait for */
};

/* Work out the plan. ACTION_OK, or another status with one sentence in err that the
 * user can act on ("rescale needs the operator or the adaptive scheduler"); on error
 * *out holds nothing to free (action_plan_free is still safe). */
enum action_status action_plan_build(enum action a, const struct action_target *t,
                                     const struct action_params *p, struct action_plan *out,
                                     char *err, size_t errlen);
void action_plan_free(struct action_plan *p);

/* The action key C means suspend on an operator target and cancel on a plain one. */
enum action action_suspend_or_cancel(const struct action_target *t);

/* ---- the answers --------------------------------------------------------------------- */

/* {"request-id": "<32 hex>"} from POST /jobs/J/savepoints or /stop. *id gets 32 hex +
 * NUL. FA_SHAPE when there is no valid request-id. */
enum fa_status action_parse_trigger(const char *body, size_t len, char id[33], char *err,
                                    size_t errlen);

enum trigger_state { TRIGGER_UNKNOWN, TRIGGER_IN_PROGRESS, TRIGGER_COMPLETED, TRIGGER_FAILED };

struct trigger_status {
    enum trigger_state state;
    char *location; /* owned, sanitised: COMPLETED's savepoint path */
    char *cause;    /* owned, one sanitised line: FAILED's cause (the exception's first line) */
};

/* GET /jobs/J/savepoints/T: {"status":{"id"},"operation":{"location"|"failure-cause"}}.
 * COMPLETED with a failure cause is TRIGGER_FAILED; COMPLETED with neither is FAILED
 * with cause "completed without a location". Free with action_trigger_status_free. */
enum fa_status action_parse_trigger_status(const char *body, size_t len, struct trigger_status *out,
                                           char *err, size_t errlen);
void action_trigger_status_free(struct trigger_status *s);

/* A FlinkStateSnapshot (status.state, status.path, status.error): k8s_api_parse_snapshot.
 * A Kubernetes Status error body (403, 404, 409) -> its message: k8s_api_error_message;
 * the line the user reads for a failed request: operations_describe_failure. */

#endif
