/* GET /jobs/overview (flink_api_parse_jobs_overview).
 */
// seeds: jobs_overview.*.json
#include <string.h>

#include "fuzz.h"
#include "flink_api.h"
#include "model.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct job_list out;
    memset(&out, 0, sizeof out);
    flink_api_parse_jobs_overview(FUZZ_BODY, size, &out, err, sizeof err);
    job_list_free(&out);
    return 0;
}
