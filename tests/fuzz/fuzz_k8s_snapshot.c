/* One FlinkStateSnapshot (k8s_api_parse_snapshot).
 */
// seeds: k8s/flinkstatesnapshot*.json
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct flink_snapshot out;
    memset(&out, 0, sizeof out);
    k8s_api_parse_snapshot(FUZZ_BODY, size, &out, err, sizeof err);
    flink_snapshot_free(&out);
    return 0;
}
