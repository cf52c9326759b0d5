/* The autoscaler's ConfigMap (k8s_autoscaler_parse_configmap: overrides, base64 gzip YAML
 * history) and the ScalingReport event's text (autoscaler_parse_report), from any bytes. */
// seeds: k8s/configmap.autoscaler*.json
#include <stdlib.h>
#include <string.h>

#include "autoscaler.h"
#include "fuzz.h"
#include "k8s_autoscaler.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct autoscaler_state s;
    memset(&s, 0, sizeof s);
    k8s_autoscaler_parse_configmap(FUZZ_BODY, size, &s, err, sizeof err);
    autoscaler_state_free(&s);
    char *text = malloc(size + 1); /* the event's message and the history value: C strings */
    if (text == NULL)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    struct autoscaler_report r;
    if (autoscaler_parse_report(text, &r))
        autoscaler_report_free(&r);
    struct autoscaler_change *h = NULL;
    size_t n = 0;
    k8s_autoscaler_parse_history(text, &h, &n, err, sizeof err);
    free(h);
    struct autoscaler_override *o = NULL;
    autoscaler_parse_overrides(text, &o);
    free(o);
    free(text);
    return 0;
}
