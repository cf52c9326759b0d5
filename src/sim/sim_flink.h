/* The Flink REST API of every simulated cluster, as JSON shaped like the real wire format
 * (specs/FLINK-API.md): /config, /overview, /jobs/overview, /jobs, /jobs/:jid,
 * /jobs/:jid/vertices/:vid/{metrics,subtasks/metrics,backpressure},
 * /jobs/:jid/{checkpoints,checkpoints/config,exceptions}, /taskmanagers,
 * /taskmanagers/metrics, /taskmanagers/:tmid, /taskmanagers/:tmid/metrics,
 * /jobmanager/config; and the actions (sim_flink_actions): POST /jobs/:jid/savepoints,
 * GET /jobs/:jid/savepoints/:triggerid, POST /jobs/:jid/stop, PATCH /jobs/:jid?mode=cancel,
 * GET|PUT /jobs/:jid/resource-requirements.
 * The Web UI's drill-downs too: /jobs/:jid/vertices/:vid (and its subtasks, attempts,
 * taskmanagers, subtasktimes, watermarks, accumulators: sim_vertex), checkpoint details
 * (sim_checkpoints), /jobs/:jid/{config,plan,status,accumulators,metrics,jobmanager/config,
 * jobmanager/environment}, /jobs/metrics, /jobmanager/{metrics,environment}, the logs,
 * stdout and thread dumps of the JobManager and every task manager (sim_logs), /jars and
 * /datasets (empty, as on an application cluster).
 *
 * Paths: the first cluster answers at the root ("/overview"), every cluster at
 * "/clusters/NAME/<flink path>"; a "/v1" prefix on the Flink path is accepted. Unknown
 * paths are 404 and other methods on known paths 405, both with Flink's error body
 * {"errors":["..."]}. */
#ifndef FLINKTOP_SIM_FLINK_H
#define FLINKTOP_SIM_FLINK_H

#include "sim_model.h"
#include "sim_reply.h"

/* The request's query string: get(cls, "name") returns the (already unescaped) value of
 * that parameter, borrowed for the request, or NULL when absent. */
struct sim_query {
    const char *(*get)(void *cls, const char *key);
    void *cls;
};

/* Answers method + path (borrowed; unescaped, without the query string, which query
 * gives, NULL meaning none) from the model at wall time now_ms. body (borrowed, may be
 * NULL) is the request body of body_len bytes. Takes and releases the model lock itself.
 * Fills r: the caller owns r->body and frees it with sim_reply_free. */
void sim_flink_handle(struct sim_model *m, const char *method, const char *path,
                      const struct sim_query *query, const char *body, size_t body_len,
                      int64_t now_ms, struct sim_reply *r);

#endif
