/* Actions in flight and done: each one is a request sent once (a merge-patch, a
 * FlinkStateSnapshot, a savepoint trigger) and then followed with GETs until it is
 * over: the trigger COMPLETED with its path, the snapshot COMPLETED, the patched
 * resource reconciled (status.observedGeneration caught up and the lifecycle STABLE
 * again, as the README says; DEPLOYED is not yet done), the job CANCELED or running at its new
 * parallelism; or FAILED with the cause; or a deadline passed, which says so.
 *
 * Nothing blocks: requests go through http.c and follow-ups are sent from
 * operations_tick, which main calls from its timer. Every state change is reported to
 * the audit callback. Errors read as meant: 409 (the resource changed since it was read:
 * re-read and ask again), 403 (the RBAC message), 404 (the job or resource is gone),
 * 5xx, timeouts. A request sent whose answer never came is "unknown: it may have been
 * applied" and the follow reads the state until it can say applied or not. No credential
 * reaches an operation's text.
 *
 * The list owns its operations; they are never removed while the program runs (the
 * oldest done ones beyond OPS_KEEP are), so indices from operations_get are valid until
 * the next operations_start. */
#ifndef FLINKTOP_OPERATIONS_H
#define FLINKTOP_OPERATIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"

#define OPS_KEEP 100

enum op_follow {
    OP_FOLLOW_NONE,       /* done when the request succeeds */
    OP_FOLLOW_TRIGGER,    /* Flink answers {"request-id"}: /jobs/J/savepoints/ID to COMPLETED */
    OP_FOLLOW_SNAPSHOT,   /* a FlinkStateSnapshot was created: its status.state to COMPLETED */
    OP_FOLLOW_RESOURCE,   /* a FlinkDeployment was patched: reconciled, or the nonce's savepoint */
    OP_FOLLOW_JOB,        /* a Flink job: to want_job_state, or running at want_parallelism */
    OP_FOLLOW_DEPLOYMENT, /* a patched apps/v1 Deployment: rolled out, every replica new */
};

enum op_state {
    OP_RUNNING,
    OP_SUCCEEDED,
    OP_FAILED,
    OP_TIMED_OUT,
    OP_ABANDONED, /* flinktop quit while following it (the request itself was sent) */
    OP_UNKNOWN,   /* sent, no answer, and reading the state could not tell: it may have
                     been applied */
};

/* What to send and how to follow it. Everything is copied by operations_start. */
struct op_request {
    const char *action;  /* "savepoint", "stop", ... */
    const char *params;  /* the parameters as a JSON object text, for the audit log; NULL {} */
    int cluster_id;      /* the cluster's id (app.h: stable for the run), what matches it */
    const char *cluster; /* display name (two contexts may both have a "production") */
    const char *context; /* kubeconfig context, NULL for a plain cluster */
    const char *ns;
    const char *resource; /* FlinkDeployment name */
    const char *job_id;   /* 32 hex, NULL when the action is on the resource */
    const char *job_name;
    const char *base_url;       /* the API server, or the cluster's Flink REST base */
    bool api_server;            /* base_url is the Kubernetes API server */
    const struct http_tls *tls; /* borrowed: must outlive the operation (the context's) */
    const char *method;
    const char *path; /* from base_url on */
    const char *body; /* NULL none */
    const char *content_type;
    enum op_follow follow;
    const char *follow_path;    /* OP_FOLLOW_SNAPSHOT / RESOURCE / JOB: what to GET */
    const char *want_job_state; /* OP_FOLLOW_JOB: "CANCELED" ... or NULL */
    int want_parallelism;       /* OP_FOLLOW_JOB: > 0 to wait for it */
    bool want_suspended;        /* OP_FOLLOW_RESOURCE: SUSPENDED is the end, not STABLE */
    int64_t savepoint_nonce;    /* OP_FOLLOW_RESOURCE: > 0: wait for this nonce's savepoint */
    int64_t deadline_ms;        /* how long following may take; 0: the default for follow */
    const char *ref;            /* OP_FOLLOW_SNAPSHOT: the snapshot's name, known before sending */
    const char *reason;         /* the unlock's reason, for every audit line; NULL none */
    const char *k8s_user;       /* the Kubernetes identity it is sent as; NULL unknown */
};

struct operation {
    int id;         /* 1, 2, ... */
    int cluster_id; /* the cluster's id (app.h); cluster below is its name when sent */
    char *action, *params, *cluster, *context, *ns, *resource, *job_id, *job_name;
    enum op_state state;
    char phase[96];     /* what it waits for now: "sending", "savepoint IN_PROGRESS" */
    char result[1024];  /* the outcome: a savepoint path, "reconciled: STABLE", the cause */
    char ref[128];      /* the trigger id, snapshot name or resourceVersion it made */
    long http_status;   /* of the mutating request, 0 none */
    int64_t started_ms; /* wall clock */
    int64_t finished_ms;
    /* private to operations.c */
    char *base_url, *follow_path;
    const struct http_tls *tls;
    enum op_follow follow;
    char *want_job_state;
    int want_parallelism;
    bool want_suspended;
    int64_t savepoint_nonce, generation, deadline_ms, next_poll_ms;
    bool in_flight, seen_change, api_server;
    /* sent, and the answer never came: following reads the state to say whether it was
     * applied (phase "unknown: it may have been applied") */
    bool uncertain;
    int64_t uncertain_ms;    /* monotonic, when it became uncertain */
    char *reason, *k8s_user; /* for the audit lines; NULL none */
    char *body;              /* what was sent (the merge-patch an uncertain follow looks for) */
    struct operations *owner;
};

/* An audit hook: called for every operation with phase "requested" before it is sent
 * and "succeeded" / "failed" / "timed-out" / "abandoned" / "unknown" when it ends.
 * Returns 0 when the line was written (or may be skipped), else -1 with one line in err:
 * for "requested" that means the request is not sent at all. */
typedef int (*op_audit_fn)(void *arg, const struct operation *op, const char *phase, char *err,
                           size_t errlen);

struct operations;

/* http is borrowed and must outlive the list's use; free the list after http_free
 * (requests cancelled there still call back into it). */
struct operations *operations_new(struct http *http, op_audit_fn audit, void *audit_arg);
void operations_free(struct operations *ops);
/* Change the audit hook (NULL: none), e.g. before its argument goes away. */
void operations_set_audit(struct operations *ops, op_audit_fn audit, void *audit_arg);
/* Quitting: every running operation ends as abandoned (and is audited so). */
void operations_abandon_all(struct operations *ops);

/* Audit it ("requested"), then send it. Returns the operation (borrowed, valid until it
 * is pruned) or NULL with the reason in err: the audit line could not be written (the
 * request is not sent; err says "audit log: ..."), or the request could not be made. */
const struct operation *operations_start(struct operations *ops, const struct op_request *r,
                                         char *err, size_t errlen);
/* Send the follow-up GETs that are due and time out what passed its deadline. */
void operations_tick(struct operations *ops, int64_t now_ms);

/* An operation of that action still runs, or ended "unknown", on the cluster with that id
 * and job (job_id NULL: on the cluster itself; action NULL: any); borrowed or NULL. */
const struct operation *operations_unsettled(const struct operations *ops, int cluster_id,
                                             const char *job_id, const char *action);
/* An operation of that action still runs on the cluster with that id and job (job_id
 * NULL: on the cluster itself); borrowed or NULL. */
const struct operation *operations_running(const struct operations *ops, int cluster_id,
                                           const char *job_id, const char *action);
/* How many operations are running (quitting asks first). */
size_t operations_running_count(const struct operations *ops);
/* A failure whose request may have reached the server: a time-out, a reset, a connection
 * closed without an answer, an answer cut short; not a refused connection, a bad URL, a
 * name that does not resolve, TLS or an HTTP error status (exposed for tests). */
bool operations_maybe_delivered(const struct http_response *resp);
/* Any operation running on the cluster (and job, when job_id is not NULL). */
bool operations_busy(const struct operations *ops, int cluster_id, const char *job_id);

/* Newest first. borrowed */
size_t operations_count(const struct operations *ops);
const struct operation *operations_get(const struct operations *ops, size_t i);
const char *operations_state_name(enum op_state s);
/* Something changed since the last call (redraw); clears the flag. */
bool operations_take_changed(struct operations *ops);

/* The one line a failed mutating request gives the user (exposed for tests): 409, 403,
 * 404, 5xx, transport errors, with the server's own message where it has one. */
void operations_describe_failure(const struct http_response *resp, bool k8s, char *out,
                                 size_t size);

#endif
