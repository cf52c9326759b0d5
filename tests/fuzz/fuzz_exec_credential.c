/* An exec credential plugin's stdout (exec_credential_parse), for both API versions.
 */
// seeds: exec/*.json
#include <string.h>

#include "exec_credential.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char why[256];
    static const char *const versions[] = {"client.authentication.k8s.io/v1",
                                           "client.authentication.k8s.io/v1beta1"};
    for (size_t i = 0; i < 2; i++) {
        struct exec_credential c;
        if (exec_credential_parse(FUZZ_BODY, size, versions[i], &c, why, sizeof why) == 0)
            exec_credential_clear(&c);
    }
    return 0;
}
