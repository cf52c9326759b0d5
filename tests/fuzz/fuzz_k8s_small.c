/* Discovery and Status bodies (k8s_api_parse_discovery, k8s_api_error_message).
 */
// seeds: k8s/discovery*.json k8s/status*.json
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct k8s_discovery d;
    memset(&d, 0, sizeof d);
    k8s_api_parse_discovery(FUZZ_BODY, size, &d, err, sizeof err);
    free(k8s_api_error_message(FUZZ_BODY, size));
    return 0;
}
