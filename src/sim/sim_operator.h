/* The flink-kubernetes-operator's reconcile cycle for one simulated FlinkDeployment: what
 * a spec change does to the Flink job and to the resource's status, over the simulator's
 * clock (one step = --action-steps-ms).
 *
 * A spec change at t: until t+1 step nothing shows (status.observedGeneration lags);
 * then lifecycleState UPGRADING (reconciliationStatus.state UPGRADING), DEPLOYED at
 * t+2 steps and STABLE at t+4 steps, while the job restarts (RESTARTING at t+1, RUNNING
 * with every subtask up at t+4). What changed decides what the job goes through:
 *   spec.job.parallelism       every vertex restarts with the new parallelism
 *   spec.job.state suspended   upgradeMode savepoint: stop with a savepoint (FINISHED),
 *                              recorded in jobStatus.savepointInfo and upgradeSavepointPath;
 *                              else cancel (CANCELED); lifecycle SUSPENDED at t+3, jobStatus
 *                              SUSPENDED, task manager pods gone
 *   spec.job.state running     (from suspended) a new submission, restored from the
 *                              upgrade savepoint when there is one
 *   spec.restartNonce          every pod restarts (restartCount +1, new start time, Killing
 *                              and Started events) and the job is submitted again
 *   spec.job.savepointTriggerNonce  a savepoint (lastSavepoint, triggerType MANUAL)
 *   spec.job.savepointRedeployNonce with initialSavepointPath: submitted again from it
 *   spec.flinkConfiguration or anything else: an upgrade (submitted again)
 * A savepoint trigger alone changes no lifecycle state. Everything runs under the model
 * lock (sim_k8s holds it). */
#ifndef FLINKTOP_SIM_OPERATOR_H
#define FLINKTOP_SIM_OPERATOR_H

#include "sim_model.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#define SIM_OPERATOR_EVENTS 16

struct sim_operator_event {
    char kind[16]; /* involved object: "Pod" or "FlinkDeployment" */
    char *object;  /* owned: its name */
    char type[8];  /* Normal, Warning */
    char reason[24];
    char *message; /* owned */
    int64_t at;    /* shown from then on */
};

struct sim_operator_state {
    cJSON *seen_spec;        /* owned: the spec of the latest change, to tell what changes next */
    char *reconciled;        /* owned JSON text: lastReconciledSpec */
    char *pending;           /* owned JSON text: the spec being reconciled, NULL = none */
    const char *base;        /* static: the lifecycle when settled (STABLE or DEPLOYED) */
    double observed, target; /* observedGeneration before the cycle, generation after */
    const char *before;      /* static: the lifecycle before the cycle */
    int64_t cycle_at;        /* when the latest spec change came, 0 = never */
    unsigned cycle;          /* what that change does (sim_operator.c's CYCLE_* bits) */
    bool suspended;          /* the desired state is suspended */
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
    /* pods: restarts and when the latest one happens */
    int pod_restarts;
    int64_t pods_restart_at;
    struct sim_operator_event events[SIM_OPERATOR_EVENTS]; /* ring */
    size_t n_events, first_event;
};

/* spec (borrowed, copied): the deployment's spec at creation; base: "STABLE" or
 * "DEPLOYED" (static). */
void sim_operator_init(struct sim_operator_state *o, const cJSON *spec, double generation,
                       const char *base);
void sim_operator_free(struct sim_operator_state *o);

/* The stored spec (borrowed) changed at now to generation `generation` of deployment
 * `name` (borrowed), whose job manager pod is jm_pod (borrowed); j is the job the
 * deployment runs (may be NULL). Schedules what the
 * job goes through (sim_actions) and starts the status timeline. */
void sim_operator_spec_changed(struct sim_operator_state *o, struct sim_model *m,
                               struct sim_cluster *c, struct sim_job *j, const char *name,
                               const char *jm_pod, const cJSON *spec, double generation,
                               int64_t now);
/* Notes finished savepoints (lastSavepoint, a SavepointError event); call before reading. */
void sim_operator_advance(struct sim_operator_state *o, struct sim_cluster *c,
                          const struct sim_job *j, const char *name, int64_t now);
/* Fills the status fields the operator owns into st (borrowed): lifecycleState,
 * jobManagerDeploymentStatus, reconciliationStatus, observedGeneration, jobStatus.state,
 * savepointInfo and upgradeSavepointPath, taskManager. */
void sim_operator_status(const struct sim_operator_state *o, const struct sim_cluster *c,
                         const struct sim_job *j, cJSON *st, int64_t now);
/* Whether the task manager pods are gone (suspended) at now. */
bool sim_operator_tms_gone(const struct sim_operator_state *o, const struct sim_cluster *c,
                           int64_t now);
/* Pod restart count and, when restarted, the latest restart time (else 0) at now. */
int sim_operator_pod_restarts(const struct sim_operator_state *o, int64_t now,
                              int64_t *restarted_at);
/* The savepoint directory of the spec (borrowed): its flinkConfiguration's, else the
 * cluster's, else s3://flink-NAME/savepoints. Returns owned. */
char *sim_operator_savepoint_dir(const struct sim_cluster *c, const cJSON *spec);

#endif
