/* Parsers for what the overview tab adds to a job on screen: each vertex's input
 * watermarks (GET /jobs/:jid/vertices/:vid/watermarks) and the job's restart count
 * (GET /jobs/:jid/metrics?get=numRestarts). Same contract as flink_api.h: raw body and
 * length in; FA_OK, or an error with one short line in err. */
#ifndef FLINKTOP_FLINK_WATERMARKS_H
#define FLINKTOP_FLINK_WATERMARKS_H

#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "watermark.h"

/* [{"id":"<subtask>.currentInputWatermark","value":"<epoch ms>"}, ...]: the values are
 * strings (Flink's metric dump); Long.MIN_VALUE is no watermark, Long.MAX_VALUE the end
 * of input, anything that is not an integer counts as no watermark. Other ids are
 * skipped. Sets out's counts, min, max and slowest; leaves out->src alone. */
enum fa_status flink_watermarks_parse(const char *body, size_t len, struct vertex_watermarks *out,
                                      char *err, size_t errlen);

/* [{"id":"numRestarts","value":"3"}]: *num_restarts, -1 when absent or not a count. */
enum fa_status flink_job_metrics_parse(const char *body, size_t len, int64_t *num_restarts,
                                       char *err, size_t errlen);

#define FLINK_JOB_METRICS_QUERY "get=numRestarts"

#endif
