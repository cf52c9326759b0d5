/* A theme from memory (theme_load_string).
 */
// seeds: ../../themes/*.yaml themes/*
#include "fuzz.h"
#include "theme.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[1024];
    struct theme t;
    theme_load_string(FUZZ_BODY, size, "t.yaml", &t, err, sizeof err);
    return 0;
}
