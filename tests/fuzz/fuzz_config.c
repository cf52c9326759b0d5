/* flinktop's own config from memory (config_load_string).
 */
// seeds: config/*.yaml
#include "config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[2048];
    struct config c;
    config_init(&c);
    config_load_string(FUZZ_BODY, size, "/etc/flinktop/config.yaml", &c, err, sizeof err);
    config_free(&c);
    return 0;
}
