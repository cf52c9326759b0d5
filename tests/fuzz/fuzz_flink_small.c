/* The small Flink answers: task manager metrics, /jobmanager/config, error bodies
 * (flink_detail_parse_tm_metrics, flink_api_parse_jm_config, flink_api_error_message).
 */
// seeds: detail/tm_metrics.*.json error.*.json
#include <stdlib.h>
#include <string.h>

#include "flink_api.h"
#include "flink_detail.h"
#include "fuzz.h"
#include "job_detail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct tm_metrics m;
    flink_detail_parse_tm_metrics(FUZZ_BODY, size, &m, err, sizeof err);
    char *dir = NULL;
    int adaptive = -1;
    flink_api_parse_jm_config(FUZZ_BODY, size, &dir, &adaptive, err, sizeof err);
    free(dir);
    free(flink_api_error_message(FUZZ_BODY, size));
    return 0;
}
