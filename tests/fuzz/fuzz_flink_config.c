/* GET /config (flink_api_parse_config).
 */
// seeds: config.*.json
#include <string.h>

#include "fuzz.h"
#include "flink_api.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct flink_config out;
    memset(&out, 0, sizeof out);
    flink_api_parse_config(FUZZ_BODY, size, &out, err, sizeof err);
    flink_config_free(&out);
    return 0;
}
