/* Alert rules from memory (alert_rules_load_string), each rule's message rendered.
 */
// seeds: config/rules_*.yaml
#include "alert_rules.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[2048], buf[512];
    struct alert_rules r;
    if (alert_rules_load_string(FUZZ_BODY, size, "alerts.yaml", &r, err, sizeof err) == 0) {
        struct alert_labels l = {"c", "j", "v", "tm", "pod", "sink"};
        for (size_t i = 0; i < r.len; i++)
            alert_rule_render(&r.items[i], &l, 1.5, buf, sizeof buf);
    }
    alert_rules_free(&r);
    return 0;
}
