/* FLINKTOP_BENCH=trace: what make bench (tests/bench.sh) reads off a running console,
 * one line a fact, to the file FLINKTOP_BENCH_FILE names (appended, flushed each line).
 * Nothing is traced without both variables; the console costs nothing more then.
 *
 *   progress MS CLUSTERS ANSWERED JOBS DETAILED
 *       after a frame, when any count changed: MS since start; clusters in scope, those
 *       whose /jobs/overview answered, jobs on the board, jobs whose /jobs/:jid and
 *       vertex metrics arrived
 *   key READ_US DRAWN_US
 *       a key (or a burst of them) read at READ_US and on screen at DRAWN_US, the end of
 *       the doupdate() that shows it (CLOCK_REALTIME, microseconds: the script compares
 *       them with the time it sent the key)
 *   frame MS DRAW_MS
 *       every frame: how long ui_draw took, doupdate() included
 *   busy MS US
 *       a turn of the loop that kept it from reading keys for US microseconds (from the
 *       end of its wait to the start of the next: answers parsed, history, the frame),
 *       written when over BENCH_TRACE_BUSY_US: a key's wait beyond it is the terminal's
 *       and the scheduler's, not flinktop's
 *   age MS JOB_MS DETAIL_MS
 *       after a frame on a job's screen: how old that job's summary and its vertex
 *       metrics are at MS (-1 not yet)
 *   health MS JOBS
 *       after a frame, when it changed: jobs on the board whose health (throughput,
 *       worst backpressure, last checkpoint) is known, from Flink REST or Prometheus
 *       (main.c counts it: prom_source_health_count)
 *   opened MS JOB_ID POINTS
 *       the first frame of a job's screen (each time another job is opened): the known
 *       (non-NaN) points of its throughput history then (records in per second)
 *   points MS JOB_ID POINTS
 *       a later frame of that screen where that count changed (a backfill came in) */
#ifndef FLINKTOP_BENCH_TRACE_H
#define FLINKTOP_BENCH_TRACE_H

#include <stddef.h>
#include <stdint.h>

struct app;
struct bench_trace;

/* NULL unless FLINKTOP_BENCH=trace and FLINKTOP_BENCH_FILE opens; owned, free with
 * bench_trace_free (NULL is fine everywhere). start_ms: clock_mono_ms() at start. */
struct bench_trace *bench_trace_open(int64_t start_ms);
void bench_trace_free(struct bench_trace *t);
/* stdin is readable: a key waits for the next frame (the first of a burst counts). */
void bench_trace_key(struct bench_trace *t);
#define BENCH_TRACE_BUSY_US 5000
/* The end of a turn of the loop that woke at woke_us (loop_woke_us). */
void bench_trace_busy(struct bench_trace *t, int64_t woke_us);
/* A frame was drawn (doupdate done) in draw_ms: the keys waiting, the fleet's progress,
 * and the age of the focused job's data (focus_cluster -1 or job NULL: none). */
void bench_trace_frame(struct bench_trace *t, const struct app *app, int focus_cluster,
                       const char *focus_job, double draw_ms);
/* After a frame: jobs with their health known (a "health" line when it changed). */
void bench_trace_health(struct bench_trace *t, size_t jobs);

#endif
