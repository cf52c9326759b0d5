/* libFuzzer target: Prometheus API answers (query, query_range, alerts) of any bytes and
 * any HTTP status must parse or fail with one line, never crash, leak or read past len. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "prom_api.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* the first byte picks the HTTP status, the rest is the body, copied so that a read
     * past its end is one the sanitizer sees */
    static const long statuses[] = {200, 400, 422, 503, 0, 502};
    long status = size > 0 ? statuses[data[0] % (sizeof statuses / sizeof statuses[0])] : 200;
    size_t len = size > 0 ? size - 1 : 0;
    char *body = malloc(len ? len : 1);
    if (body == NULL)
        return 0;
    if (len)
        memcpy(body, data + 1, len);
    char err[256];
    struct prom_result r;
    if (prom_api_parse_query(body, len, status, &r, err, sizeof err) == PROM_API_OK)
        prom_result_free(&r);
    struct prom_alert_list l;
    if (prom_api_parse_alerts(body, len, status, &l, err, sizeof err) == PROM_API_OK)
        prom_alert_list_free(&l);
    struct prom_rule_list rl;
    if (prom_api_parse_rules(body, len, status, &rl, err, sizeof err) == PROM_API_OK)
        prom_rule_list_free(&rl);
    free(body);
    return 0;
}
