/* GET /jobs/:jid/exceptions (flink_detail_parse_exceptions).
 */
// seeds: detail/exceptions.*.json
#include <string.h>

#include "fuzz.h"
#include "flink_detail.h"
#include "job_detail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct exceptions out;
    memset(&out, 0, sizeof out);
    flink_detail_parse_exceptions(FUZZ_BODY, size, &out, err, sizeof err);
    exceptions_free(&out);
    return 0;
}
