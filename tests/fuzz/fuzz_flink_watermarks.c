/* The overview tab's answers for the job on screen: each vertex's subtasks' input
 * watermarks, the job's numRestarts, a source's backlog (flink_watermarks_parse,
 * flink_job_metrics_parse, flink_source_lag_parse), and the operator name that goes in
 * the backlog's path (flink_source_operator) from the same bytes.
 */
// seeds: detail/watermarks*.json detail/source_lag*.json detail/job_metrics*.json
#include <stdlib.h>
#include <string.h>

#include "flink_watermarks.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct vertex_watermarks wm;
    memset(&wm, 0, sizeof wm);
    flink_watermarks_parse(FUZZ_BODY, size, &wm, err, sizeof err);
    int64_t restarts = 0;
    flink_job_metrics_parse(FUZZ_BODY, size, &restarts, err, sizeof err);
    double pending = 0, lag = 0;
    flink_source_lag_parse(FUZZ_BODY, size, &pending, &lag, err, sizeof err);
    char *name = malloc(size + 1);
    if (name != NULL) {
        memcpy(name, data, size);
        name[size] = '\0';
        char op[96];
        flink_source_operator(name, op, sizeof op);
        free(name);
    }
    return 0;
}
