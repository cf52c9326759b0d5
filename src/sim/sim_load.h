/* How hard a job works, metric step by metric step: the sources' throughput drifts, now
 * and then one vertex turns into a bottleneck (busy ~1000 ms/s) that back-pressures every
 * vertex upstream of it and slows the sources, and the I/O counters integrate the rates.
 *
 * Values move in the metric fetcher's 10 s steps: sim_model calls sim_load_step() at every
 * multiple of SIM_FETCH_MS, which brings the counters up to date, snapshots them (what
 * Flink's metric store shows until the next fetch), lets throughput drift and starts or
 * ends bottleneck episodes. What one subtask shows within a step is computed when asked,
 * from stateless hashes of (vertex, subtask, step), so it costs nothing to hold 512
 * subtasks per vertex. With --frozen nothing drifts, no episode starts and the step index
 * is always 0 (forced bottlenecks still apply). Every function runs under the model lock. */
#ifndef FLINKTOP_SIM_LOAD_H
#define FLINKTOP_SIM_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Flink's metrics.fetcher.update-interval. */
#define SIM_FETCH_MS 10000

struct sim_cluster;
struct sim_job;

/* Counted since the current attempt started: records and bytes over the network, and
 * subtask-milliseconds spent busy, back-pressured and idle (summed over subtasks). */
struct sim_io {
    double records_in, records_out, bytes_in, bytes_out;
    double busy_ms, backpressured_ms, idle_ms;
};

/* One vertex as a whole: rates summed over its subtasks, times averaged (per mille of
 * each second). Sources read nothing and sinks write nothing over the network. */
struct sim_vertex_load {
    double in_rate, out_rate; /* records per second */
    double in_bytes_rate, out_bytes_rate;
    int busy, backpressured, idle;
};

/* One subtask in one step. share is its part of the vertex's records (shares add up to 1
 * over the vertex, so the subtasks' rates add up to the vertex's exactly). */
struct sim_subtask_load {
    double share;
    double in_rate, out_rate, in_bytes_rate, out_bytes_rate;
    int busy, backpressured, idle; /* per mille; they add up to 1000 */
};

/* The time of the metric fetch whose numbers are served at now. Fetches happen every
 * SIM_FETCH_MS from the simulator's start (c->fetch_origin), so a seed replays the same
 * whatever the wall clock says. */
int64_t sim_load_fetch_time(const struct sim_cluster *c, int64_t now);
/* The step index that seeds per-subtask jitter: fetches since the start, 0 when frozen. */
int64_t sim_load_step_index(const struct sim_cluster *c, int64_t now);
/* Whether the fetcher has seen the job's current tasks: the job is RUNNING with every
 * subtask up and a fetch happened since. Until then the metrics endpoints are empty and
 * the back-pressure endpoint says "deprecated". */
bool sim_load_seen(const struct sim_cluster *c, const struct sim_job *j, int64_t now);

void sim_load_vertex(const struct sim_job *j, size_t v, struct sim_vertex_load *out);
/* Sum of the vertex's subtask weights: compute once, pass to sim_load_subtask. */
double sim_load_weight_total(const struct sim_job *j, size_t v);
void sim_load_subtask(const struct sim_job *j, size_t v, const struct sim_vertex_load *vl,
                      double weight_total, int subtask, int64_t step, struct sim_subtask_load *out);
/* The highest vertex back-pressure of the job, per mille. */
int sim_load_max_backpressure(const struct sim_job *j);
/* Average busy time over the job's vertices, per mille (NaN jobs count as measured). */
int sim_load_avg_busy(const struct sim_job *j);

/* Sets the job's counters for a job that has been running since running_since with its
 * nominal rates, snapshotted at fetch_at. */
void sim_load_init_job(struct sim_job *j, int64_t fetch_at);
/* A metric fetch at t (on the fetch grid). */
void sim_load_step(struct sim_cluster *c, int64_t t);
/* The job stops producing at t (it fails or is restarted): count up to t. */
void sim_load_flush(struct sim_job *j, int64_t t);
/* A new attempt starts at t: counters from zero, nothing shown yet. */
void sim_load_reset(struct sim_job *j, int64_t t);

/* Makes vertex v the job's bottleneck until cleared, at once (no wait for a fetch). */
void sim_load_force_bottleneck(struct sim_cluster *c, struct sim_job *j, int v);
void sim_load_clear_bottleneck(struct sim_cluster *c, struct sim_job *j);

#endif
