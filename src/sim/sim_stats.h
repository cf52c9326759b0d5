/* Every request the simulator receives, counted by class, for tests and benchmarks of
 * what a client costs a server (GET /_sim/stats, DELETE /_sim/stats resets):
 *   {"kubernetes_list": N, "kubernetes_watch": N, "kubernetes_other": N, "proxy": N,
 *    "flink": N, "by_path": {"<path template>": N}}
 * A Flink request through the Kubernetes service proxy counts as proxy; /_sim itself is
 * not counted. Path templates put placeholders for names:
 * /apis/flink.apache.org/v1beta1/namespaces/{ns}/flinkdeployments,
 * /api/v1/namespaces/{ns}/services/{name}/proxy/jobs/{jid}/vertices/{vid}/backpressure.
 * Thread-safe (its own lock). */
#ifndef FLINKTOP_SIM_STATS_H
#define FLINKTOP_SIM_STATS_H

#include <cjson/cJSON.h>
#include <stdbool.h>

enum sim_stats_class {
    SIM_STATS_K8S_LIST,
    SIM_STATS_K8S_WATCH,
    SIM_STATS_K8S_OTHER,
    SIM_STATS_PROXY,
    SIM_STATS_FLINK,
    SIM_STATS_CLASSES
};

struct sim_stats;

/* Returns owned: free with sim_stats_free. */
struct sim_stats *sim_stats_new(void);
void sim_stats_free(struct sim_stats *s);

/* The class of a request: k8s whether path is a Kubernetes path, proxy whether it goes
 * through the service proxy, watch whether the query asks for one. path borrowed. */
enum sim_stats_class sim_stats_classify(const char *method, const char *path, bool k8s, bool proxy,
                                        bool watch);
/* The path's template: owned string, caller frees. */
char *sim_stats_template(const char *path, bool k8s);

/* Counts one request of class cls on path (borrowed). */
void sim_stats_count(struct sim_stats *s, enum sim_stats_class cls, const char *path, bool k8s);

/* The counts as JSON (owned), and a reset. */
cJSON *sim_stats_json(struct sim_stats *s);
void sim_stats_reset(struct sim_stats *s);

#endif
