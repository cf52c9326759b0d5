/* The simulator as Prometheus scrape targets: every simulated JobManager and TaskManager
 * serves its metrics the way Flink's PrometheusReporter does (text format 0.0.4, names
 * flink_<scope>_<metric> with every character outside [a-zA-Z0-9:_] made '_', label
 * values filtered the same way), and an HTTP service discovery endpoint lists them:
 *
 *   GET /_sim/prometheus/sd                                  http_sd_configs target groups
 *   GET /_sim/prometheus/CLUSTER/jobmanager/metrics          one JobManager
 *   GET /_sim/prometheus/CLUSTER/taskmanager/TM_ID/metrics   one TaskManager
 *
 * Each target group is one process: targets ["HOST:PORT"] (the Host the discovery request
 * came to), labels namespace, pod (the Kubernetes pod names the simulator serves), cluster,
 * component, __metrics_path__ and, over TLS, __scheme__ "https". Values are read under the
 * model lock from the same state the REST metric endpoints use, so a scrape and a REST
 * answer at the same moment agree. Task metrics appear once the REST metric store would
 * show them (sim_load_seen); a job that is globally terminal or suspended has no job
 * metrics, as in Flink. Unknown clusters or task managers are 404. */
#ifndef FLINKTOP_SIM_PROM_H
#define FLINKTOP_SIM_PROM_H

#include "sim_k8s.h"
#include "sim_model.h"
#include "sim_reply.h"

#include <stdbool.h>
#include <stdint.h>

/* True for paths under /_sim/prometheus/. path is borrowed. */
bool sim_prom_owns(const char *path);

/* Answers one request at wall time now_ms; takes the model lock itself. host is the
 * request's Host header (borrowed, may be NULL); tls: the server speaks https. Fills r
 * (the caller frees r->body); r->content_type is set for the text format. */
void sim_prom_handle(struct sim_model *m, const struct sim_k8s *k, const char *host, bool tls,
                     const char *method, const char *path, int64_t now_ms, struct sim_reply *r);

#endif
