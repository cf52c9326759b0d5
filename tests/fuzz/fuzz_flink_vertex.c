/* A vertex's subtask metrics and backpressure (flink_detail_parse_vertex_metrics,
 * flink_detail_parse_backpressure), into the same vertex as the poller does.
 */
// seeds: detail/vertex_metrics.*.json detail/backpressure.*.json
#include <string.h>

#include "flink_detail.h"
#include "fuzz.h"
#include "job_detail.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct vertex v;
    vertex_init(&v);
    flink_detail_parse_vertex_metrics(FUZZ_BODY, size, &v, err, sizeof err);
    flink_detail_parse_backpressure(FUZZ_BODY, size, &v, err, sizeof err);
    flink_detail_parse_backpressure(FUZZ_BODY, size, &v, err, sizeof err); /* replaces */
    vertex_free(&v);
    return 0;
}
