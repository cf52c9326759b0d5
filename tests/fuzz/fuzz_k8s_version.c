/* GET /version (k8s_api_parse_version).
 */
// seeds: k8s/version*.json
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct k8s_version out;
    memset(&out, 0, sizeof out);
    k8s_api_parse_version(FUZZ_BODY, size, &out, err, sizeof err);
    k8s_version_free(&out);
    return 0;
}
