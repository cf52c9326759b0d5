/* One FlinkDeployment or FlinkSessionJob (k8s_api_parse_flink_resource).
 */
// seeds: k8s/flinkdeployment.*.json
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct flink_resource out;
    memset(&out, 0, sizeof out);
    k8s_api_parse_flink_resource(FUZZ_BODY, size, &out, err, sizeof err);
    flink_resource_free(&out);
    return 0;
}
