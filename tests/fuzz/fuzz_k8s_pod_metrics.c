/* metrics.k8s.io PodMetrics (k8s_pod_metrics_parse): the answer for a pod, or the Status
 * of a 404 and of an error, the first byte choosing which status it came with.
 */
// seeds: k8s/pod_metrics*.json k8s/status*.json
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "k8s_pod_metrics.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const long statuses[] = {200, 404, 403, 503};
    char err[256];
    struct k8s_pod_usage u;
    long status = statuses[size > 0 ? data[0] % 4 : 0];
    k8s_pod_metrics_parse(status, FUZZ_BODY, size, &u, err, sizeof err);
    return 0;
}
