/* The flink-kubernetes-operator's reconcile cycle for one simulated FlinkDeployment (native
 * application mode): what a spec change does to the cluster, its pods, the Flink job and
 * the resource's status and events, over the simulator's clock (one step s =
 * --action-steps-ms), as the operator documents it.
 *
 * A spec change at t is picked up at p = t+s (observedGeneration and lastReconciledSpec
 * follow then; SpecChanged "UPGRADE change(s) detected (Diff: ...)" and Suspended). What the
 * job goes through depends on job.upgradeMode:
 *   savepoint   stop-with-savepoint at p (done at p+2s: the job FINISHED, the savepoint in
 *               jobStatus.savepointInfo.lastSavepoint, triggerType UPGRADE, and
 *               upgradeSavepointPath); the cluster is deleted then
 *   last-state  the cluster is deleted at p; the job restores from its latest checkpoint
 *               (HA metadata) and keeps its job id
 *   stateless   cancel at p (CANCELED at p+s), the cluster deleted then; empty state
 * Deleting the cluster takes the JobManager pod, the task manager pods and the -rest service
 * (the Flink REST API does not answer). An upgrade (any change to the spec but a savepoint
 * trigger: job.parallelism, restartNonce, image, configuration, resources) then deploys a
 * new cluster a step after the deletion (Submit "Starting deployment"; lifecycle DEPLOYED,
 * jobManagerDeploymentStatus DEPLOYING with the new JobManager pod Pending, a new name, uid
 * and start time), DEPLOYED_NOT_READY a step later (Running, not ready), READY a step later
 * with a new job (a new job id but in last-state mode) submitted, its subtasks deploying,
 * initializing, running a step each; then lifecycle STABLE (lastStableSpec). Task manager
 * pods come back with the job (new uids and start times). job.parallelism applies to the
 * vertices at the job's default parallelism; a vertex with its own keeps it.
 *   job.state suspended: the same until the deletion, then SUSPENDED (no pods, no service)
 *   job.state running (from suspended): deployed at p, restored from upgradeSavepointPath
 *                              (savepoint), the latest checkpoint (last-state) or nothing
 *   job.savepointRedeployNonce with initialSavepointPath: cancelled, redeployed from it
 *   job.savepointTriggerNonce alone: a savepoint (lastSavepoint, triggerType MANUAL); no
 *                              lifecycle change
 * A savepoint upgrade whose stop-with-savepoint fails (/_sim/savepoints/fail) does not
 * delete the cluster: the job keeps running on the old spec and pods, the deployment stays
 * UPGRADING (lifecycle and reconciliation state), status.error carries the
 * ReconciliationException and a Warning ClusterDeploymentException event each failed
 * attempt (counted up); the operator retries 5 s later, then 10 s, 20 s, ... (15
 * attempts), and the upgrade goes on as above from the first attempt that succeeds.
 * An image that does not exist (one whose name lacks "flink" or whose tag does not start
 * with a digit, e.g. flink:no-such-tag) leaves the new JobManager pod Pending with
 * ErrImagePull, then ImagePullBackOff; jobManagerDeploymentStatus ERROR and status.error.
 * With kubernetes.operator.deployment.rollback.enabled "true" in flinkConfiguration the
 * operator rolls back 3 steps after the deployment: ROLLING_BACK (Rollback "Rolling back
 * failed deployment."), the failed cluster deleted, lastStableSpec deployed a step later
 * (ROLLED_BACK), the job restored last-state. A change that comes during a cycle starts a
 * new one from where the cluster is. Everything runs under the model lock (sim_k8s holds
 * it). */
#ifndef FLINKTOP_SIM_OPERATOR_H
#define FLINKTOP_SIM_OPERATOR_H

#include "sim_model.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define SIM_OPERATOR_EVENTS 32
#define SIM_OPERATOR_SNAPS 8

struct sim_operator_event {
    char kind[24]; /* involved object: "Pod" or "FlinkDeployment" */
    char *object;  /* owned: its name */
    char type[8];  /* Normal, Warning */
    char reason[40];
    char component[24]; /* source.component: Operator, JobManagerDeployment, Job, kubelet */
    char *message;      /* owned */
    int64_t at;         /* shown from then on */
};

/* One deployment of the cluster within a cycle: the JobManager pod is created at deploy_at
 * (0 = none), ready at ready_at (0 = never), the job stable at stable_at. */
struct sim_operator_deploy {
    int64_t deploy_at, ready_at, stable_at;
    char *image; /* owned: the image its pods run, NULL = the spec's */
    bool bad_image;
};

struct sim_operator_state {
    cJSON *seen_spec; /* owned: the spec of the latest change, to tell what changes next */
    char *reconciled; /* owned JSON text: lastReconciledSpec until the cycle's pickup */
    char *pending;    /* owned JSON text: lastReconciledSpec from pending_at, NULL = none */
    int64_t pending_at;
    char *stable;            /* owned JSON text: lastStableSpec, NULL = none */
    cJSON *stable_spec;      /* owned: the spec of lastStableSpec (a rollback deploys it) */
    char *stable_next;       /* owned JSON text: lastStableSpec from stable_next_at, NULL = none */
    cJSON *stable_next_spec; /* owned: its spec */
    int64_t stable_next_at;
    int64_t step;            /* the cluster's action step (ms) */
    const char *base;        /* static: the lifecycle when settled before any cycle */
    double observed, target; /* observedGeneration before target_at, and from then on */
    int64_t target_at;
    const char *before; /* static: the lifecycle before the cycle */
    int64_t cycle_at;   /* when the latest spec change came, 0 = never */
    unsigned cycle;     /* what that change does (sim_operator.c's CYCLE_* bits) */
    bool suspended;     /* the desired state is suspended */
    bool created;       /* a client created it: the cycle is its first deployment */
    bool rolling_back;  /* the cycle's deployment fails and is rolled back */
    /* the cluster over the cycle: deleted at down_at (0 = not), then deployed (dep[0]),
     * then on a rollback deleted at rollback_at and deployed again (dep[1]) */
    int64_t down_at, rollback_at;
    struct sim_operator_deploy dep[2];
    /* the cluster as the cycle found it */
    bool was_up;           /* it ran (not suspended or deleted) */
    unsigned gen_before;   /* deployments so far: 0 = the original one */
    int64_t since_before;  /* when its pods were created (gen_before > 0) */
    char *image_before;    /* owned: the image they run, NULL = the spec's */
    const char *jm_before; /* static: its jobManagerDeploymentStatus */
    char jid_before[33];   /* its job's id: status shows it until the new one is submitted */
    /* the operator's savepoint in flight or last (a trigger nonce or an upgrade) */
    char sp_trigger[33];
    bool sp_upgrade, sp_recorded, sp_has_nonce;
    double sp_nonce;
    int64_t sp_started;
    /* status.jobStatus.savepointInfo.lastSavepoint and upgradeSavepointPath */
    char *last_savepoint; /* owned, NULL = none */
    int64_t last_savepoint_ts;
    bool last_upgrade, last_has_nonce;
    double last_nonce;
    char *upgrade_path; /* owned, NULL = none */
    /* an upgrade whose savepoint failed waits (UPGRADING, the cluster as it is) and
     * retries: go_at is when the attempt that succeeds starts (0 = no wait, INT64_MAX =
     * none does); status.error shows error_msg (owned) from error_from until error_until */
    int64_t go_at, error_from, error_until;
    char *error_msg;
    /* upgrade savepoints not yet published as FlinkStateSnapshots (operator 1.10+): owned
     * paths and when each completed */
    char *snap_path[SIM_OPERATOR_SNAPS];
    int64_t snap_at[SIM_OPERATOR_SNAPS];
    size_t n_snaps;
    struct sim_operator_event events[SIM_OPERATOR_EVENTS]; /* ring */
    size_t n_events, first_event;
};

/* spec (borrowed, copied): the deployment's spec at creation; base: "STABLE" or
 * "DEPLOYED" (static). */
void sim_operator_init(struct sim_operator_state *o, const cJSON *spec, double generation,
                       const char *base);
void sim_operator_free(struct sim_operator_state *o);

/* A FlinkDeployment a client created at now (spec borrowed, copied), its cluster c new and
 * empty: the operator's first deployment. Lifecycle CREATED until the pickup a step later,
 * then DEPLOYED with the JobManager DEPLOYING (Submit "Starting deployment"; the JobManager
 * pod Pending), DEPLOYED_NOT_READY a step later, READY a step later; then STABLE two steps
 * on (lastStableSpec). j (may be NULL: a session cluster) is the job the operator submits:
 * RUNNING when the JobManager is ready (JobStatusChanged), subtasks deploying, initializing,
 * running a step each; RECONCILING in the status while the JobManager is not ready. The
 * Flink REST API answers from READY on (sim_actions_cluster_down). Created with job.state
 * suspended: nothing is deployed (SUSPENDED, MISSING) until a change to running. */
void sim_operator_created(struct sim_operator_state *o, struct sim_cluster *c, struct sim_job *j,
                          const char *name, const char *jm_pod, const cJSON *spec,
                          double generation, int64_t now);
/* Whether the status shows the job yet (a created deployment's once the operator picked it
 * up; always for the others). */
bool sim_operator_job_visible(const struct sim_operator_state *o, int64_t now);

/* The stored spec (borrowed) changed at now to generation `generation` of deployment
 * `name` (borrowed), whose original job manager pod is jm_pod (borrowed); j is the job the
 * deployment runs (may be NULL). Schedules what the job goes through (sim_actions) and
 * starts the status timeline. */
void sim_operator_spec_changed(struct sim_operator_state *o, struct sim_model *m,
                               struct sim_cluster *c, struct sim_job *j, const char *name,
                               const char *jm_pod, const cJSON *spec, double generation,
                               int64_t now);
/* Notes finished savepoints (lastSavepoint, a SavepointError event); call before reading. */
void sim_operator_advance(struct sim_operator_state *o, struct sim_cluster *c,
                          const struct sim_job *j, const char *name, int64_t now);
/* Fills the status fields the operator owns into st (borrowed): lifecycleState,
 * jobManagerDeploymentStatus, reconciliationStatus (lastReconciledSpec and lastStableSpec
 * as the operator writes them: {"spec":...,"resource_metadata":...} as a string),
 * observedGeneration, conditions, error, jobStatus (jobId, state, savepointInfo,
 * upgradeSavepointPath), clusterInfo's total-memory and state-size, taskManager. */
void sim_operator_status(const struct sim_operator_state *o, const struct sim_cluster *c,
                         const struct sim_job *j, cJSON *st, int64_t now);
/* A pod of the deployment as rendered (pod: borrowed, rewritten in place; start: when the
 * renderer says its container started) as the cycle has it at now: false when the pod does
 * not exist then (the caller drops it); else its name, uid, start time, image and status
 * are those of the deployment that runs at now. */
bool sim_operator_pod(const struct sim_operator_state *o, cJSON *pod, bool taskmanager,
                      int64_t start, int64_t now);
/* The next upgrade savepoint (sim_operator_advance saw it complete) that the operator
 * publishes as a FlinkStateSnapshot (spec.savepoint.alreadyExists, trigger type UPGRADE):
 * its path (owned: the caller frees) and *at when it completed; NULL when none is left. */
char *sim_operator_take_snapshot(struct sim_operator_state *o, int64_t *at);
/* Whether the JobManager is up and ready at now (its Deployment's pods ready). */
bool sim_operator_jm_ready(const struct sim_operator_state *o, int64_t now);
/* Whether the cluster (its -rest service) is deleted at now. */
bool sim_operator_service_gone(const struct sim_operator_state *o, int64_t now);
/* Pod restart count and, when restarted, the latest restart time (else 0) at now: a
 * restartNonce redeploys (new pods), so the count stays 0. */
int sim_operator_pod_restarts(const struct sim_operator_state *o, int64_t now,
                              int64_t *restarted_at);
/* The savepoint directory of the spec (borrowed): its flinkConfiguration's, else the
 * cluster's, else s3://flink-NAME/savepoints. Returns owned. */
char *sim_operator_savepoint_dir(const struct sim_cluster *c, const cJSON *spec);

#endif
