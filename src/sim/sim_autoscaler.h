/* The flink-kubernetes-operator's autoscaler for one simulated FlinkDeployment, as far as a
 * console can see it: when the deployment's flinkConfiguration has job.autoscaler.enabled
 * "true" (or the pre-1.8 kubernetes.operator.job.autoscaler.enabled), every
 * SIM_AUTOSCALER_INTERVAL_MS of the simulator's clock from its start it evaluates the
 * running job and scales the busiest vertex that still has room (its parallelism doubled,
 * at most the cluster's slots): the vertex's new parallelism goes into the job (restarted
 * in place as the operator's last-state upgrade does, the job id kept), its busy time
 * drops in proportion, and the decision is kept for what the operator writes:
 *   - the ConfigMap autoscaler-NAME (labels app=NAME, component=autoscaler) with
 *     parallelismOverrides ("VERTEXID:P,..." as Flink's map option), scalingHistory and
 *     collectedMetrics (YAML, gzip, base64, as KubernetesAutoScalerStateStore stores them);
 *   - one ScalingReport event on the FlinkDeployment (the operator's text, the count going
 *     up and the message replaced with each report, as its event key dedupes them).
 * Everything runs under the model lock (sim_k8s holds it). */
#ifndef FLINKTOP_SIM_AUTOSCALER_H
#define FLINKTOP_SIM_AUTOSCALER_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim_model.h"

#define SIM_AUTOSCALER_INTERVAL_MS (10 * 60 * 1000)
#define SIM_AUTOSCALER_HISTORY 16

struct sim_autoscaler_decision {
    int64_t at;
    char vertex[33];
    int from, to;
    double capacity_from, capacity_to, target_rate; /* records per second */
};

struct sim_autoscaler {
    int64_t origin;  /* the simulator's start: decisions at origin + k * interval */
    int64_t next_at; /* the next evaluation */
    struct sim_autoscaler_decision history[SIM_AUTOSCALER_HISTORY]; /* oldest first */
    size_t n_history;
    unsigned reports; /* ScalingReport events so far (the event's count) */
};

void sim_autoscaler_init(struct sim_autoscaler *a, int64_t origin);
/* The deployment's spec (borrowed) turns it on. */
bool sim_autoscaler_enabled(const cJSON *spec);
/* Evaluate up to now: every evaluation due since the last one, on job j of cluster c (NULL:
 * nothing to scale). No-op when spec does not enable the autoscaler. */
void sim_autoscaler_advance(struct sim_autoscaler *a, const cJSON *spec, struct sim_cluster *c,
                            struct sim_job *j, int64_t now);
/* The ConfigMap's data into data (borrowed object): the overrides of job j (NULL: none). */
void sim_autoscaler_configmap_data(const struct sim_autoscaler *a, const struct sim_job *j,
                                   cJSON *data);
/* The latest ScalingReport's message; owned (caller frees), NULL when none yet. */
char *sim_autoscaler_report(const struct sim_autoscaler *a);

#endif
