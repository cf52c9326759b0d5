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

/* A source operator's metric name prefix as Flink's metric query service writes it: the
 * first operator of the vertex's chain ("Source: KafkaSource-orders" of "Source:
 * KafkaSource-orders -> Map"), space . : and , made _, at most 80 characters:
 * "Source__KafkaSource-orders". Into buf (always terminated); "" for a NULL name. */
void flink_source_operator(const char *vertex_name, char *buf, size_t size);

/* The aggregated GET /jobs/:jid/vertices/:vid/subtasks/metrics?agg=sum,max&get=<op>.
 * pendingRecords,<op>...records-lag-max: [{"id":...,"sum":N,"max":M}]. *pending is the
 * sum of the ids ending in .pendingRecords, *lag_max the max of those ending in
 * records-lag-max; NaN when absent (a connector that reports neither). */
enum fa_status flink_source_lag_parse(const char *body, size_t len, double *pending,
                                      double *lag_max, char *err, size_t errlen);

/* The ids flink_source_lag_parse reads, {tmid} standing for the operator (escaped). */
#define FLINK_SOURCE_LAG_QUERY                                                                     \
    "agg=sum,max&get={tmid}.pendingRecords,{tmid}.KafkaSourceReader.KafkaConsumer."                \
    "records-lag-max,{tmid}.KafkaConsumer.records-lag-max"

#endif
