/* The apps/v1 Deployments of the simulated clusters, as Flink's standalone Kubernetes
 * setup has them: for each simulated cluster NAME, in its namespace, NAME-jobmanager (one
 * replica) and NAME-taskmanager (one replica a task manager), labelled and selecting
 * app=NAME, component=jobmanager|taskmanager, which are the cluster's pods. So staging
 * has staging-jobmanager and staging-taskmanager in flink-staging.
 *
 * Metadata and spec are stored and patched (application/merge-patch+json, and
 * application/strategic-merge-patch+json as kubectl sends it); a patch carrying a stale
 * metadata.resourceVersion is refused with 409; a spec change bumps metadata.generation.
 * Status is rendered at request time. A change of spec.template at t (kubectl rollout
 * restart writes spec.template.metadata.annotations["kubectl.kubernetes.io/restartedAt"])
 * is a rollout, on the simulator's clock (one step = --action-steps-ms):
 *   t         a ScalingReplicaSet event (the new ReplicaSet); the status is unchanged,
 *             status.observedGeneration lags
 *   t+1 step  observedGeneration caught up, a surge pod: replicas R+1, updatedReplicas 1,
 *             unavailableReplicas 1; the component's pods start again (start time and age
 *             reset, Killing and Started events) and the cluster's jobs that are not over
 *             restart (RESTARTING, then RUNNING): a job manager rollout submits them again
 *             (from their latest checkpoint), a task manager rollout restarts them in place
 *   t+2 steps updatedReplicas R
 *   t+3 steps complete: replicas, updatedReplicas, readyReplicas and availableReplicas R,
 *             Progressing NewReplicaSetAvailable, the old ReplicaSet scaled down
 * A change of spec.replicas alone shows in the status a step later (no pods come or go).
 * Everything here runs under the model lock (sim_k8s holds it). */
#ifndef FLINKTOP_SIM_DEPLOYMENTS_H
#define FLINKTOP_SIM_DEPLOYMENTS_H

#include "sim_model.h"
#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_deployments;

/* An event of a rollout, for sim_k8s to render as a core v1 Event. Strings owned by the
 * ring; kind and source static. */
struct sim_deployment_event {
    const char *kind;   /* static: "Deployment" or "Pod" */
    char *object;       /* owned: the involved object's name */
    const char *type;   /* static: "Normal" */
    char reason[24];    /* ScalingReplicaSet, Killing, Started */
    const char *source; /* static: "deployment-controller" or "kubelet" */
    char *message;      /* owned */
    int64_t at;         /* shown from then on */
};

/* The Deployments of m's clusters (before the server starts; m is read without the
 * lock). namespaces[i] (borrowed, copied) is cluster i's namespace; *rv is the
 * resourceVersion counter shared with sim_k8s (each object takes the next one). Returns
 * owned state: free with sim_deployments_free. */
struct sim_deployments *sim_deployments_new(const struct sim_model *m, char *const *namespaces,
                                            long *rv, int64_t now_ms);
void sim_deployments_free(struct sim_deployments *d);

/* Cluster c (index d's next: clusters are added in order, sim_model_add_cluster) came after
 * the start: its JobManager Deployment (native: NAME, created at `created`) in ns. */
void sim_deployments_add_cluster(struct sim_deployments *d, const struct sim_cluster *c,
                                 const char *ns, long *rv, int64_t created);

/* Appends every Deployment, its status rendered at now, to items (borrowed array). */
void sim_deployments_list(struct sim_deployments *d, const struct sim_model *m, cJSON *items,
                          int64_t now);

/* PATCH /apis/apps/v1/namespaces/ns/deployments/name: fills r (the caller owns r->body).
 * content_type may be NULL; body is borrowed; *rv is bumped on a change; forbidden_user
 * (NULL: allowed) makes it a 403 naming him. A rollout restarts m's jobs (see above). */
void sim_deployments_patch(struct sim_deployments *d, struct sim_model *m, const char *ns,
                           const char *name, const char *content_type, const char *body,
                           size_t body_len, long *rv, const char *forbidden_user, int64_t now,
                           struct sim_reply *r);

/* When the pods of cluster ci's job manager (taskmanager false) or task managers started
 * again after the latest rollout that has reached them by now; 0 when none has. */
int64_t sim_deployments_pods_started(const struct sim_deployments *d, size_t ci, bool taskmanager,
                                     int64_t now);

/* Cluster ci's rollout events, oldest first: how many, and the k-th (borrowed, valid until
 * the next patch). */
size_t sim_deployments_event_count(const struct sim_deployments *d, size_t ci);
const struct sim_deployment_event *sim_deployments_event(const struct sim_deployments *d, size_t ci,
                                                         size_t k);

/* Test control: the stored resourceVersion of Deployment ns/name goes up (*rv bumped);
 * returns the new one (owned: caller frees), NULL when there is no such Deployment. */
char *sim_deployments_bump(struct sim_deployments *d, const char *ns, const char *name, long *rv);

#endif
