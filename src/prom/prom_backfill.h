/* History from before launch: when a job (or a task manager) first shows in the model
 * and Prometheus is up, its rings are filled from Prometheus for their whole window at
 * their step (the refresh period), so charts and sparklines start full.
 *
 * First, at start and before any job is known, one query_range for every job's
 * throughput (the throughput family below, without ids): its answer is held (at most
 * FLEET_HOLD_MS, 10 s, or until every series went to a job) and each job gets its part as
 * it shows in the model, so a job opened in the first second has its history in its first
 * frame. Then batches, one at a time: every job and task manager new since the last batch
 * goes in together, one query_range per series family with their ids in a regex (at most
 * PROM_BACKFILL_MAX_IDS each, and as many as PROM_BACKFILL_MAX_POINTS allows; a batch that
 * fails halves the jobs of the next), never one per job; a job whose throughput the
 * fleet's answer gave is not asked for it again:
 *   throughput   sum by (__name__, job_id, G) of what sources emit and sinks receive
 *   vertices     sum by (__name__, job_id, task_id, G) of numRecords{In,Out}PerSecond
 *   load         max by (__name__, job_id, task_id, G) of {busy,backPressured}TimeMsPerSecond
 *   checkpoints  max by (__name__, job_id, G) of lastCheckpoint{CompletedTimestamp,
 *                Duration,Size}: one point per checkpoint completed in the window
 *   heap         max by (__name__, tm_id, G) of Status_JVM_Memory_Heap_Used (the new task
 *                managers', and every JobManager's: prom_source_jobmanager_heap_ring)
 * at VIEW priority (never held for the request budget: bounded, and what charts show). Series
 * are matched to clusters as prom_source.h says; the several series of a job (one per
 * task manager) are summed for rates and maxed for the rest, step by step. Each family
 * goes into the rings as its answer comes (the throughput does not wait for the vertices).
 *
 * Points go in by time (ring_backfill): live Flink REST points win where both have one,
 * a step Prometheus has nothing for is a NaN point (a gap), and a ring's
 * job_history.backfilled flag says Prometheus filled it. A failed query leaves its rings
 * as they are; the batch's jobs are asked again after Prometheus next answers a round. */
#ifndef FLINKTOP_PROM_BACKFILL_H
#define FLINKTOP_PROM_BACKFILL_H

#include <stdbool.h>
#include <stddef.h>

struct app;
struct prom_source;
struct prom_backfill;

#define PROM_BACKFILL_MAX_IDS 200 /* jobs (and task managers) per batch */
/* Points an answer of a batch may hold (about 30 bytes each in Prometheus's JSON: 6 MB,
 * well under the 16 MiB an answer may be): 15 minutes at 2 s of a 4-vertex job's vertex
 * family is 3,600, so about 55 such jobs a batch. */
#define PROM_BACKFILL_MAX_POINTS 200000

/* returns owned state, free with prom_backfill_free (after http_free); src borrowed */
struct prom_backfill *prom_backfill_new(struct prom_source *src);
void prom_backfill_free(struct prom_backfill *b);
/* Apply a batch whose answers are all in, then start one for what is new, when none is
 * in flight and Prometheus is up. Cheap when there is nothing to do (one hash lookup a
 * job). Returns true when rings changed. */
bool prom_backfill_step(struct prom_backfill *b, struct app *app);
/* The fleet's answer is out, or a batch is in flight (or answered and not applied yet). */
bool prom_backfill_busy(const struct prom_backfill *b);
/* query_range requests sent so far */
size_t prom_backfill_queries(const struct prom_backfill *b);
/* Prometheus filled task manager tm_id's heap ring (of the cluster named cluster). */
bool prom_backfill_tm_filled(struct prom_backfill *b, const char *cluster, const char *tm_id);

#endif
