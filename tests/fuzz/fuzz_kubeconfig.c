/* A kubeconfig from memory with the environment passed in (kubeconfig_load_buffer), then
 * every context resolved as kubectl would (files it names may not exist: an error).
 */
// seeds: kubeconfig/*.yaml
#include <string.h>

#include "fuzz.h"
#include "kubeconfig.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[512];
    struct kubeconfig_env env = {NULL, "/nonexistent-home"};
    struct kubeconfig *kc =
        kubeconfig_load_buffer(FUZZ_BODY, size, "/nonexistent-home/.kube/config", &env, err,
                               sizeof err);
    if (kc == NULL)
        return 0;
    for (size_t i = 0; i < kubeconfig_context_count(kc) && i < 8; i++)
        kubeconfig_context_free(kubeconfig_resolve(kc, kubeconfig_context_name(kc, i), err,
                                                   sizeof err));
    kubeconfig_context_free(kubeconfig_resolve(kc, NULL, err, sizeof err));
    kubeconfig_free(kc);
    return 0;
}
