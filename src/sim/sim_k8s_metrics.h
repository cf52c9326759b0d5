/* The resource metrics API as metrics-server serves it through the API server
 * (metrics.k8s.io/v1beta1, what kubectl top reads): PodMetrics of the simulated pods,
 * GET .../namespaces/NS/pods/NAME and the lists (all namespaces or one), with the group's
 * discovery. A pod's memory use follows its JVM: a task manager's heap used (the GC
 * sawtooth of sim_metrics) + non-heap + direct buffers + managed memory + native
 * overhead; the JobManager's the same way from its figures; always under the container's
 * limit. Pods that are not Running have no metrics (404 naming podmetrics, as
 * metrics-server answers). */
#ifndef FLINKTOP_SIM_K8S_METRICS_H
#define FLINKTOP_SIM_K8S_METRICS_H

#include "sim_model.h"
#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* Whether path (borrowed) is under /apis/metrics.k8s.io. */
bool sim_k8s_metrics_owns(const char *path);

/* Answers one request to those paths; pods (borrowed) is the simulator's pod list (the
 * items of GET /api/v1/pods at now). Fills r (the caller owns r->body). */
void sim_k8s_metrics_handle(const struct sim_model *m, const cJSON *pods, const char *method,
                            const char *path, int64_t now, struct sim_reply *r);

/* A cluster without metrics-server (POST|DELETE /_sim/k8s/no-metrics-api): the group is
 * not listed and every path under it answers the API server's own 404. Process-wide. */
void sim_k8s_metrics_absent(bool on);

/* Appends the metrics.k8s.io APIGroup to groups (borrowed array) for GET /apis. */
void sim_k8s_metrics_groups(cJSON *groups);

#endif
