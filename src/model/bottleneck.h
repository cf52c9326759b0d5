/* Where a job is slow: the likely bottleneck is a vertex that is busy, not itself
 * backpressured, and directly downstream of a backpressured vertex (Flink's own rule of
 * thumb: backpressure shows upstream of the vertex that cannot keep up). Pure logic on
 * the model, shared by the job screen and --once. */
#ifndef FLINKTOP_BOTTLENECK_H
#define FLINKTOP_BOTTLENECK_H

#include <stdbool.h>
#include <stddef.h>

#include "job_detail.h"

/* Thresholds, as ratios of time (0..1). */
#define BOTTLENECK_BUSY_MIN 0.5 /* busy at least half the time */
#define BOTTLENECK_BP_MAX 0.10  /* backpressure level OK: not backpressured */

/* The vertex's worst subtask, 0..1: from its /backpressure sample when there is one,
 * else from the max-over-subtasks metric; NaN unknown. */
double bottleneck_bp_ratio(const struct vertex *v);
double bottleneck_busy_ratio(const struct vertex *v);

/* Vertex i of l is a likely bottleneck. Unknown ratios never make one. */
bool bottleneck_is(const struct vertex_list *l, size_t i);

#endif
