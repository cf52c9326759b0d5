/* The Flink REST API of every simulated cluster, as JSON shaped like the real wire format
 * (specs/FLINK-API.md): /config, /overview, /jobs/overview, /jobs, /jobs/:jid,
 * /taskmanagers, /jobmanager/config.
 *
 * Paths: the first cluster answers at the root ("/overview"), every cluster at
 * "/clusters/NAME/<flink path>"; a "/v1" prefix on the Flink path is accepted. Unknown
 * paths are 404 and other methods on known paths 405, both with Flink's error body
 * {"errors":["..."]}. */
#ifndef FLINKTOP_SIM_FLINK_H
#define FLINKTOP_SIM_FLINK_H

#include "sim_model.h"
#include "sim_reply.h"

/* Answers method + path (borrowed; without the query string) from the model at wall time
 * now_ms. Takes and releases the model lock itself. Fills r: the caller owns r->body and
 * frees it with sim_reply_free. */
void sim_flink_handle(struct sim_model *m, const char *method, const char *path, int64_t now_ms,
                      struct sim_reply *r);

#endif
