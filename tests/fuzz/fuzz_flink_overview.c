/* GET /overview (flink_api_parse_overview).
 */
// seeds: overview.*.json
#include <string.h>

#include "fuzz.h"
#include "flink_api.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct flink_overview out;
    memset(&out, 0, sizeof out);
    flink_api_parse_overview(FUZZ_BODY, size, &out, err, sizeof err);
    flink_overview_free(&out);
    return 0;
}
