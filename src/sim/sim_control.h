/* The simulator's own control API under /_sim (never subject to faults):
 *   GET    /_sim/health  -> 200 {"ok":true}
 *   GET    /_sim/faults  -> 200 {"faults":[{"pattern","mode","arg"?}]}
 *   POST   /_sim/faults  body {"pattern","mode","arg"?} (arg a number or a string)
 *                        -> 201 {"ok":true,"fault":{...}}; bad body -> 400 {"errors":[...]}
 *   DELETE /_sim/faults  -> 200 {"ok":true,"cleared":N}
 * Unknown paths are 404 and other methods 405, with the Flink error body shape. */
#ifndef FLINKTOP_SIM_CONTROL_H
#define FLINKTOP_SIM_CONTROL_H

#include "sim_faults.h"
#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>

/* True for paths this module answers ("/_sim" and below). path is borrowed. */
bool sim_control_owns(const char *path);

/* Answers one control request. body (borrowed, may be NULL) is the request body of
 * body_len bytes. Fills r: the caller owns r->body and frees it with sim_reply_free. */
void sim_control_handle(struct sim_faults *faults, const char *method, const char *path,
                        const char *body, size_t body_len, struct sim_reply *r);

#endif
