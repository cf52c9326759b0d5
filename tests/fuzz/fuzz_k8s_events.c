/* EventList, core/v1 and events.k8s.io/v1 (k8s_api_parse_events).
 */
// seeds: k8s/events*.json
#include <string.h>

#include "fuzz.h"
#include "k8s_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct k8s_event_list out;
    memset(&out, 0, sizeof out);
    k8s_api_parse_events(FUZZ_BODY, size, &out, err, sizeof err);
    k8s_event_list_free(&out);
    return 0;
}
