/* The simulator's own control API under /_sim (never subject to faults):
 *   GET    /_sim/health  -> 200 {"ok":true}
 *   GET    /_sim/faults  -> 200 {"faults":[{"pattern","mode","arg"?}]}
 *   POST   /_sim/faults  body {"pattern","mode","arg"?} (arg a number or a string)
 *                        -> 201 {"ok":true,"fault":{...}}; bad body -> 400 {"errors":[...]}
 *   DELETE /_sim/faults  -> 200 {"ok":true,"cleared":N}
 *
 * Jobs (JID of any cluster: job ids are unique across clusters), all answering
 * {"ok":true,"cluster","jid","state",...} or 404 for an unknown job:
 *   GET    /_sim/jobs                       -> 200 {"jobs":[{"cluster","jid","name","state",
 *                                              "bottleneck","vertices":[{"index","id","name",
 *                                              "parallelism"}]}]}
 *   POST   /_sim/jobs/JID/fail              the job goes FAILED at once, with a new exception
 *                                           entry, and stays FAILED; 409 if already terminal
 *   POST   /_sim/jobs/JID/restart           RUNNING again with a new start-time (subtasks
 *                                           DEPLOYING, INITIALIZING, then RUNNING after 3 s;
 *                                           metrics after the next 10 s fetch); 409 for BATCH
 *   POST   /_sim/jobs/JID/bottleneck        body {"vertex":N} (0-based in the chain): vertex N
 *                                           is the bottleneck until cleared, at once
 *   DELETE /_sim/jobs/JID/bottleneck        clears it
 *   POST   /_sim/jobs/JID/checkpoint-failures  body {"count":N}: the next N checkpoints fail
 *                                           with a cause, the first within ~2.5 s
 * Unknown paths are 404 and other methods 405, with the Flink error body shape. */
#ifndef FLINKTOP_SIM_CONTROL_H
#define FLINKTOP_SIM_CONTROL_H

#include "sim_faults.h"
#include "sim_model.h"
#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>

/* True for paths this module answers ("/_sim" and below). path is borrowed. */
bool sim_control_owns(const char *path);

/* Answers one control request at wall time now_ms (model changes happen then). body
 * (borrowed, may be NULL) is the request body of body_len bytes. Takes the model lock
 * itself. Fills r: the caller owns r->body and frees it with sim_reply_free. */
void sim_control_handle(struct sim_faults *faults, struct sim_model *model, const char *method,
                        const char *path, const char *body, size_t body_len, int64_t now_ms,
                        struct sim_reply *r);

#endif
