/* One vertex's subtasks, for the drill-down a user opens from a heatmap row or a vertex:
 * GET /jobs/:jid/vertices/:vid (subtasks[]: status, attempt, duration, I/O counters, the
 * task manager and its host) and GET /jobs/:jid/vertices/:vid/taskmanagers (the same per
 * task manager). Both are asked only while the drill-down is on screen (poller.h:
 * poller_focus.drill_vertex). Unknown numbers are -1, unknown strings NULL; every string
 * is owned and sanitised. */
#ifndef FLINKTOP_FLINK_SUBTASKS_H
#define FLINKTOP_FLINK_SUBTASKS_H

#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "subtasks.h"

/* GET /jobs/:jid/vertices/:vid. On FA_OK *out is filled (free with subtask_list_free); on
 * error it is left empty and err holds one line. */
enum fa_status flink_subtasks_parse_vertex(const char *body, size_t len, struct subtask_list *out,
                                           char *err, size_t errlen);
/* GET /jobs/:jid/vertices/:vid/taskmanagers; same contract. */
enum fa_status flink_subtasks_parse_tms(const char *body, size_t len, struct vertex_tm_list *out,
                                        char *err, size_t errlen);

#endif
