/* The Flink REST actions of a simulated cluster, answered as Flink answers them
 * (specs/FLINK-API.md 1.3, 2.11 to 2.15): savepoint trigger and status, stop with a
 * savepoint, cancel, and the adaptive scheduler's resource requirements. sim_flink routes
 * here after checking the job id; sim_actions carries out what was asked over the
 * simulator's clock. Every function runs under the model lock and fills r (the caller
 * frees r->body); body is borrowed and may be NULL. */
#ifndef FLINKTOP_SIM_FLINK_ACTIONS_H
#define FLINKTOP_SIM_FLINK_ACTIONS_H

#include "sim_model.h"
#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* POST /jobs/:jid/savepoints (stop false: {"target-directory","cancel-job","triggerId"})
 * and POST /jobs/:jid/stop (stop true: {"targetDirectory","drain","triggerId"}): 202
 * {"request-id"}; 400 when no directory is given and the cluster has none. A savepoint
 * forced to fail through /_sim (m->forced_savepoint_failures) fails. */
void sim_flink_actions_savepoint(struct sim_model *m, struct sim_cluster *c, struct sim_job *j,
                                 const char *body, size_t body_len, bool stop, int64_t now,
                                 struct sim_reply *r);
/* GET /jobs/:jid/savepoints/:triggerid: IN_PROGRESS, COMPLETED with a location or a
 * failure-cause; 404 for an unknown trigger. */
void sim_flink_actions_savepoint_status(const struct sim_cluster *c, const struct sim_job *j,
                                        const char *trigger, struct sim_reply *r);
/* PATCH /jobs/:jid?mode=cancel (mode borrowed, NULL = cancel): 202 {}. */
void sim_flink_actions_cancel(struct sim_cluster *c, struct sim_job *j, const char *mode,
                              int64_t now, struct sim_reply *r);
/* GET and PUT /jobs/:jid/resource-requirements: only with the adaptive scheduler. */
void sim_flink_actions_requirements(const struct sim_cluster *c, const struct sim_job *j,
                                    struct sim_reply *r);
void sim_flink_actions_set_requirements(struct sim_cluster *c, struct sim_job *j, const char *body,
                                        size_t body_len, int64_t now, struct sim_reply *r);

#endif
