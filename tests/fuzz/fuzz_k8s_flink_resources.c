/* FlinkDeploymentList / FlinkSessionJobList (k8s_api_parse_flink_resources).
 */
// seeds: k8s/flinkdeployments*.json k8s/flinksessionjobs*.json
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct flink_resource_list out;
    memset(&out, 0, sizeof out);
    k8s_api_parse_flink_resources(FUZZ_BODY, size, &out, err, sizeof err);
    flink_resource_list_free(&out);
    return 0;
}
