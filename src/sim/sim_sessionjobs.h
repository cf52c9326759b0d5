/* The FlinkSessionJobs (flink.apache.org/v1beta1) of the simulated session clusters, as
 * the operator keeps them: one object a job of a session FlinkDeployment, with
 * spec.deploymentName naming it, spec.job (jarURI, parallelism, upgradeMode, state) and a
 * status rendered from the simulated job at request time (jobStatus with jobId, jobName,
 * state, startTime, updateTime; lifecycleState; reconciliationStatus; observedGeneration).
 *
 * Writes as a kube-apiserver serves them, the operator's work following at once:
 *   create  a new object (name or generateName); when spec.deploymentName names a session
 *           FlinkDeployment of its namespace and spec.job is there, the job is submitted
 *           to that cluster (a new job id, RUNNING with subtasks coming up); otherwise it
 *           is stored and its status says why nothing runs (error, lifecycle UPGRADING)
 *   patch   merge patch or JSON patch of metadata and spec (409 on a stale
 *           resourceVersion, generation bumped on a spec change); spec.job.state
 *           suspended cancels the job (lifecycle SUSPENDED), running again submits a new
 *           one; another parallelism or jarURI is an upgrade: the job is cancelled and a
 *           new one submitted
 *   delete  the job is cancelled and the object goes
 * Everything here runs under the model lock (sim_k8s holds it). */
#ifndef FLINKTOP_SIM_SESSIONJOBS_H
#define FLINKTOP_SIM_SESSIONJOBS_H

#include "sim_model.h"
#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_sessionjobs;

/* The FlinkSessionJobs of m's session clusters (before the server starts; m is read
 * without the lock). *rv is the resourceVersion counter shared with sim_k8s. Returns
 * owned state: free with sim_sessionjobs_free. */
struct sim_sessionjobs *sim_sessionjobs_new(const struct sim_model *m, long *rv, int64_t now_ms);
void sim_sessionjobs_free(struct sim_sessionjobs *s);

/* Appends every FlinkSessionJob with its status at now to items (borrowed array). */
void sim_sessionjobs_list(struct sim_sessionjobs *s, struct sim_model *m, cJSON *items,
                          int64_t now);

/* Whether cluster ci of m is a session cluster that still has a FlinkDeployment (a created
 * FlinkSessionJob runs only there): sim_k8s answers. */
typedef bool (*sim_sessionjobs_live_fn)(void *cls, const char *ns, const char *name, size_t *ci);

/* POST .../namespaces/ns/flinksessionjobs: fills r (201 and the object, or a Status). */
void sim_sessionjobs_create(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                            const char *body, size_t body_len, long *rv,
                            sim_sessionjobs_live_fn live, void *cls, int64_t now,
                            struct sim_reply *r);

/* PATCH .../flinksessionjobs/name (merge or JSON patch): fills r (200 and the object). */
void sim_sessionjobs_patch(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                           const char *name, const char *content_type, const char *body,
                           size_t body_len, long *rv, sim_sessionjobs_live_fn live, void *cls,
                           int64_t now, struct sim_reply *r);

/* DELETE .../flinksessionjobs/name (sim_k8s answers with the object as it was): the job
 * is cancelled and the object goes. False when there is no such object. */
bool sim_sessionjobs_delete(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                            const char *name, int64_t now);

/* Session cluster ci is deleted at down_at and deployed again, its JobManager up at up_at
 * (0 = never): a session cluster's jobs go with it (the operator deletes its HA data), and
 * each FlinkSessionJob's job is submitted again once it is up, under a new job id, from
 * empty state (upgradeMode stateless) or the job's latest checkpoint (savepoint,
 * last-state). Its status says RECONCILING (lifecycle DEPLOYED) meanwhile. */
void sim_sessionjobs_redeployed(struct sim_sessionjobs *s, struct sim_model *m, size_t ci,
                                int64_t down_at, int64_t up_at);

/* The cluster and job FlinkSessionJob ns/name runs now (a FlinkStateSnapshot's
 * jobReference): false when there is none. Borrowed, valid under the lock. */
bool sim_sessionjobs_job(struct sim_sessionjobs *s, struct sim_model *m, const char *ns,
                         const char *name, struct sim_cluster **c, struct sim_job **j);

#endif
