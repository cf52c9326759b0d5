/* Inside one vertex of a simulated job, as the Flink Web UI drills into it
 * (specs/FLINK-API.md 2.5): GET /jobs/:jid/vertices/:vid (details with every subtask and,
 * from 1.16, the aggregated stats), .../subtasks/:idx and .../subtasks/:idx/attempts/:n,
 * .../taskmanagers, .../subtasktimes, .../accumulators, .../subtasks/accumulators and
 * .../subtasks/:idx/attempts/:n/accumulators.
 *
 * Every subtask is computed when asked from the job's state (the same counts as
 * /jobs/:jid shows), the task manager its slot is on (sim_cluster_subtask_tm, the same
 * ids as /taskmanagers) and its share of the vertex's I/O (sim_load): nothing is stored.
 * Each function fills r (the caller frees r->body); ji is j's index in c->jobs, v the
 * vertex index. Called under the model lock. */
#ifndef FLINKTOP_SIM_VERTEX_H
#define FLINKTOP_SIM_VERTEX_H

#include "sim_model.h"
#include "sim_reply.h"

#include <stddef.h>
#include <stdint.h>

void sim_vertex_render(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                       struct sim_reply *r);
/* attempt < 0: the current attempt. 404 for an index past the parallelism or an attempt
 * that never ran. */
void sim_vertex_render_subtask(const struct sim_cluster *c, size_t ji, size_t v, long subtask,
                               long attempt, int64_t now, struct sim_reply *r);
void sim_vertex_render_taskmanagers(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                                    struct sim_reply *r);
void sim_vertex_render_times(const struct sim_cluster *c, size_t ji, size_t v, int64_t now,
                             struct sim_reply *r);
/* which: 0 the vertex's, 1 every subtask's, 2 one attempt's (subtask, attempt). */
void sim_vertex_render_accumulators(const struct sim_cluster *c, size_t ji, size_t v, int which,
                                    long subtask, long attempt, struct sim_reply *r);

#endif
