/* One checkpoint in detail, per operator: what Enter on a row of the checkpoints tab
 * opens. GET /jobs/:jid/checkpoints/details/:cid gives each vertex's acknowledged
 * subtasks, end-to-end duration, checkpointed and full size, processed and persisted
 * in-flight data (its "tasks"); GET .../details/:cid/subtasks/:vid adds the vertex's
 * sync and async durations, alignment and start delay (its "summary", max over the
 * subtasks). specs/FLINK-API.md 2.8; TaskCheckpointStatistics(WithSubtaskDetails) in the
 * OpenAPI of 1.15 to 2.x.
 *
 * Fetched on demand, never polled: one details request when the user opens a checkpoint
 * (priority VIEW), then one subtasks request a vertex once it answered. Parsers and the
 * fetcher are here; the view (ui/tab_checkpoints.c) reads what the fetcher holds. Unknown
 * numbers are -1, unknown strings NULL; strings are sanitised. */
#ifndef FLINKTOP_FLINK_CHECKPOINT_DETAIL_H
#define FLINKTOP_FLINK_CHECKPOINT_DETAIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "model.h"
#include "source.h"

struct http;

/* One vertex's part of the checkpoint (TaskCheckpointStatistics). */
struct cp_task {
    char vertex_id[33]; /* "" when the key was not a Flink id */
    char *status;       /* owned: "COMPLETED", "IN_PROGRESS", "FAILED"; NULL unknown */
    int num_subtasks, num_acked;
    int64_t latest_ack_ts, end_to_end_ms;
    int64_t checkpointed_size, state_size; /* bytes: incremental (1.15+) and full */
    int64_t processed, persisted;          /* in-flight data, bytes (unaligned checkpoints) */
    /* from .../subtasks/:vid, the max over its subtasks; -1 until that answered */
    bool have_summary;
    int64_t sync_ms, async_ms, alignment_ms, start_delay_ms;
    struct source summary_source; /* how that request went */
};

/* The checkpoint (CheckpointStatistics with its tasks filled). */
struct cp_detail {
    int64_t id;                 /* -1 unknown */
    char *status;               /* owned, NULL unknown */
    bool is_savepoint;
    char *type;                 /* owned: checkpoint_type, NULL before 1.12 */
    int64_t trigger_ts, latest_ack_ts, end_to_end_ms;
    int64_t checkpointed_size, state_size, processed, persisted;
    int num_subtasks, num_acked;
    int64_t failure_ts;         /* failed ones, -1 otherwise */
    char *failure_message;      /* owned, the whole message (lines kept), NULL none */
    char *external_path;        /* owned, completed ones, NULL otherwise */
    struct cp_task *tasks;      /* owned array, the answer's order */
    size_t n_tasks;
};

void cp_detail_init(struct cp_detail *d);
/* Frees what d owns and leaves it initialised. */
void cp_detail_free(struct cp_detail *d);

/* GET /jobs/:jid/checkpoints/details/:cid into *out (initialised here; free with
 * cp_detail_free, also on error, when it is empty). */
enum fa_status flink_cp_detail_parse(const char *body, size_t len, struct cp_detail *out,
                                     char *err, size_t errlen);
/* GET .../details/:cid/subtasks/:vid: its summary's maxima into t (have_summary set). */
enum fa_status flink_cp_subtasks_parse(const char *body, size_t len, struct cp_task *t,
                                       char *err, size_t errlen);

/* ---- the fetcher ---------------------------------------------------------------------- */

struct cp_fetch;

/* returns owned fetcher over http (borrowed, must outlive every request: free the fetcher
 * after http_free, which completes what is in flight). */
struct cp_fetch *cp_fetch_new(struct http *http);
void cp_fetch_free(struct cp_fetch *f);
/* Open checkpoint id of job jid on cluster index ci (c is that cluster, borrowed for the
 * call): what was held is dropped and one details request goes out at the view's
 * priority, then a subtasks request a vertex. Opening what is already open refetches. */
void cp_fetch_open(struct cp_fetch *f, size_t ci, const struct cluster *c, const char *jid,
                   int64_t id, int64_t now);
/* Nothing is open any more (answers still in flight are dropped when they come). */
void cp_fetch_close(struct cp_fetch *f);
/* The checkpoint open for job jid of cluster ci, or NULL when another (or none) is.
 * *src (may be NULL) gets its details request's state. Borrowed: valid until the next
 * loop turn. */
const struct cp_detail *cp_fetch_get(const struct cp_fetch *f, size_t ci, const char *jid,
                                     int64_t *id, const struct source **src);
/* An answer arrived since the last call (the screen should redraw). */
bool cp_fetch_take_changed(struct cp_fetch *f);

#endif
