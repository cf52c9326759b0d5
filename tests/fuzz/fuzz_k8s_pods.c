/* PodList (k8s_api_parse_pods).
 */
// seeds: k8s/pods*.json
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct pod_list out;
    memset(&out, 0, sizeof out);
    k8s_api_parse_pods(FUZZ_BODY, size, &out, err, sizeof err);
    pod_list_free(&out);
    return 0;
}
