/* GET /taskmanagers (flink_api_parse_taskmanagers).
 */
// seeds: taskmanagers.*.json
#include <string.h>

#include "fuzz.h"
#include "flink_api.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct taskmanager_list out;
    memset(&out, 0, sizeof out);
    flink_api_parse_taskmanagers(FUZZ_BODY, size, &out, err, sizeof err);
    taskmanager_list_free(&out);
    return 0;
}
