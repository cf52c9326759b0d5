/* A pod's resource use as metrics-server reports it through the API server's metrics
 * API: GET /apis/metrics.k8s.io/v1beta1/namespaces/NS/pods/NAME answers a PodMetrics,
 * {"kind":"PodMetrics", "metadata":{...}, "timestamp", "window",
 *  "containers":[{"name", "usage":{"cpu":"250m","memory":"1536Mi"}}]}.
 * The container read is flink-main-container, else the first (as the pod's memory limit
 * is read: k8s_api.c). A cluster without metrics-server answers 404 for the whole group;
 * a pod the metrics API has not scraped yet answers 404 naming podmetrics (or no
 * containers). */
#ifndef FLINKTOP_K8S_POD_METRICS_H
#define FLINKTOP_K8S_POD_METRICS_H

#include <stddef.h>
#include <stdint.h>

enum k8s_pod_metrics_result {
    K8S_PM_OK,         /* out->memory is the container's working set in bytes */
    K8S_PM_NO_API,     /* 404 outside the group: no metrics API on this cluster */
    K8S_PM_NO_METRICS, /* the API has nothing for this pod (yet) */
    K8S_PM_ERROR,      /* one line in err */
};

struct k8s_pod_usage {
    int64_t memory; /* bytes, -1 unknown */
};

/* The path of pod ns/name's metrics (ns and name escaped); owned. */
char *k8s_pod_metrics_path(const char *ns, const char *name);
/* One answer (HTTP status and body, borrowed) into *out. Status other than 2xx and 404:
 * K8S_PM_ERROR with the Status message (or "HTTP N") in err. */
enum k8s_pod_metrics_result k8s_pod_metrics_parse(long status, const char *body, size_t len,
                                                  struct k8s_pod_usage *out, char *err,
                                                  size_t errlen);

#endif
