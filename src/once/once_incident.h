/* `--once --output text`: what to paste into an incident channel. The time (HH:MM with
 * the zone) and the scope on the first line, then one line per unhealthy job, sickest
 * first, with its name, cluster and the reason in words (health.h), one line per
 * cluster whose data is missing or old, and a last line counting the rest:
 *
 *   07:42 UTC  context prod, all namespaces: 2 of 12 jobs need a look
 *   inventory-sync (staging): FAILED for 5h14m: org.apache.flink.util.FlinkException: ...
 *   fraud-detection (production): backpressured 92% at Sink: kafka-enriched (bottleneck)
 *   cluster development: connection refused, data 2m old
 *   cluster staging: deployment staging 1/2 ready, 1 up to date, 1 available: rollout ...
 *   9 healthy, 1 finished
 *
 * Every name was sanitised when it was stored; nothing here adds control characters. */
#ifndef FLINKTOP_ONCE_INCIDENT_H
#define FLINKTOP_ONCE_INCIDENT_H

#include <stdint.h>
#include <stdio.h>

#include "app.h"

/* scope: borrowed words for the first line ("context prod, all namespaces"), NULL for
 * none; notes: borrowed lines printed right after it (a Kubernetes context that failed:
 * without them an empty fleet would read as a healthy one), NULL for none; now_ms: the
 * wall time the report is for. */
void once_incident_text(const struct app *app, const char *scope, const char *notes,
                        int64_t now_ms, FILE *out);

#endif
