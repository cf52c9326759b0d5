/* A Flink configuration profile from memory (profile_load_string).
 */
// seeds: profiles/*.yaml ../../config/profiles/*.yaml
#include "fuzz.h"
#include "profile.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[1024];
    struct profile p;
    profile_load_string(FUZZ_BODY, size, "p.yaml", &p, err, sizeof err);
    profile_free(&p);
    return 0;
}
