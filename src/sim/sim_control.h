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
 *   POST   /_sim/jobs/JID/restart           a running job fails over in place (a task fails:
 *                                           RESTARTING, same job id and start-time, back
 *                                           RUNNING after ~7.5 s; sim_model_failover); a
 *                                           FAILED/CANCELED one runs again with a new
 *                                           start-time; metrics after the next 10 s fetch;
 *                                           409 for BATCH
 *   POST   /_sim/jobs/JID/failovers         body {"count":N}: it fails over now and N - 1
 *                                           more times, each 5 s after it is back up; 409
 *                                           when it is not running
 *   POST   /_sim/jobs/JID/bottleneck        body {"vertex":N} (0-based in the chain): vertex N
 *                                           is the bottleneck until cleared, at once
 *   DELETE /_sim/jobs/JID/bottleneck        clears it
 *   POST   /_sim/jobs/JID/checkpoint-failures  body {"count":N}: the next N checkpoints fail
 *                                           with a cause, the first within ~2.5 s
 *
 * Actions (issue 6), for tests of what a client sends and how it copes:
 *   GET    /_sim/requests           -> 200 [{"method","path","body","time_ms"}]: every
 *                                      mutating request received (Flink REST and Kubernetes,
 *                                      never /_sim), oldest first; path carries the query
 *   DELETE /_sim/requests           -> 200 {"ok":true,"cleared":N}
 *   POST   /_sim/savepoints/fail    body {"count":N} (default 1): the next N savepoints (REST
 *                                      trigger or stop, trigger nonce, FlinkStateSnapshot)
 *                                      fail with a failure-cause -> {"ok":true,"count":N}
 *   DELETE /_sim/savepoints/fail    no more forced failures
 *   POST   /_sim/k8s/NS/NAME/bump   the FlinkDeployment's resourceVersion goes up out of band,
 *                                      so the next patch carrying the old one is 409 Conflict
 *                                      -> {"ok":true,"resourceVersion":"N"}; 404 when unknown
 *   POST   /_sim/k8s/forbid         body {"user"?}: FlinkDeployment patches, FlinkStateSnapshot
 *                                      creates and mutating service-proxy requests answer 403
 *                                      with Kubernetes' RBAC Status message
 *   DELETE /_sim/k8s/forbid         allows them again
 * The clock (sim_clock.h), for tests that must not wait:
 *   GET    /_sim/clock              -> 200 {"ok":true,"mode":"real"|"manual","now_ms":N}
 *   POST   /_sim/clock              body {"advance_ms":N} (0..86400000): time jumps N ms
 *                                      ahead and the model catches up (steps, checkpoints,
 *                                      drift, failures, operator cycles) -> the same, with
 *                                      the new now; with --clock manual only this moves it
 *   GET    /_sim/stats              -> 200 every request received by class (sim_stats.h)
 *   DELETE /_sim/stats              resets the counts
 *   POST   /_sim/k8s/drop-watches   every open Kubernetes watch stream ends (clients
 *                                      reconnect from their last resourceVersion)
 * Unknown paths are 404 and other methods 405, with the Flink error body shape. */
#ifndef FLINKTOP_SIM_CONTROL_H
#define FLINKTOP_SIM_CONTROL_H

#include "sim_faults.h"
#include "sim_k8s.h"
#include "sim_model.h"
#include "sim_reply.h"
#include "sim_requests.h"
#include "sim_stats.h"

#include <stdbool.h>
#include <stddef.h>

/* True for paths this module answers ("/_sim" and below). path is borrowed. */
bool sim_control_owns(const char *path);

/* What the control API acts on; all borrowed for the server's life. */
struct sim_control {
    struct sim_faults *faults;
    struct sim_model *model;
    struct sim_k8s *k8s;
    struct sim_requests *requests;
    struct sim_stats *stats; /* GET|DELETE /_sim/stats */
};

/* Answers one control request at wall time now_ms (model changes happen then). body
 * (borrowed, may be NULL) is the request body of body_len bytes. Takes the model lock
 * itself. Fills r: the caller owns r->body and frees it with sim_reply_free. */
void sim_control_handle(const struct sim_control *ctl, const char *method, const char *path,
                        const char *body, size_t body_len, int64_t now_ms, struct sim_reply *r);

#endif
