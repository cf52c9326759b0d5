/* GET /jobs/:jid/checkpoints (flink_detail_parse_checkpoints).
 */
// seeds: detail/checkpoints.*.json
#include <string.h>

#include "fuzz.h"
#include "flink_detail.h"
#include "job_detail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct checkpoint_stats out;
    memset(&out, 0, sizeof out);
    flink_detail_parse_checkpoints(FUZZ_BODY, size, &out, err, sizeof err);
    checkpoint_stats_free(&out);
    return 0;
}
