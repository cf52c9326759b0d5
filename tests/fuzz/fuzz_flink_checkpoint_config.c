/* GET /jobs/:jid/checkpoints/config (flink_detail_parse_checkpoint_config).
 */
// seeds: detail/checkpoint_config*.json
#include <string.h>

#include "fuzz.h"
#include "flink_detail.h"
#include "job_detail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct checkpoint_config out;
    memset(&out, 0, sizeof out);
    flink_detail_parse_checkpoint_config(FUZZ_BODY, size, &out, err, sizeof err);
    checkpoint_config_free(&out);
    return 0;
}
