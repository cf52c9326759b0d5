/* GET /jobs/:jid: the job list's summary (flink_api_parse_job_details) and the job
 * screen's vertices and plan (flink_detail_parse_job).
 */
// seeds: job_details.*.json detail/job.*.json
#include <string.h>

#include "flink_api.h"
#include "flink_detail.h"
#include "fuzz.h"
#include "job_detail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct job_details d;
    memset(&d, 0, sizeof d);
    flink_api_parse_job_details(FUZZ_BODY, size, &d, err, sizeof err);
    struct vertex_list l;
    memset(&l, 0, sizeof l);
    flink_detail_parse_job(FUZZ_BODY, size, &d, &l, err, sizeof err);
    vertex_list_free(&l);
    return 0;
}
