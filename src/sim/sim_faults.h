/* Fault injection: a list of (glob pattern, mode, argument) rules, set from --fault at
 * start and through /_sim/faults at run time. The first rule whose fnmatch(3) pattern
 * matches the request path (no query string) decides what that request gets; /_sim/...
 * is never faulted.
 *
 * Modes: latency:MS, status:CODE, reset, hang, truncate, garbage, huge:MB, drip, drop
 * (the request is carried out, then the connection closes without an answer: a mutation
 * that arrived and whose answer was lost), and hostile content in a well-formed answer:
 * escapes (every string of the real JSON answer gains terminal escape sequences and
 * control characters), badutf8 (every string gains invalid UTF-8: a stray byte, an
 * overlong form, a surrogate), deep (100,000 nested arrays), bignum (every number becomes
 * one of 1e308, -1e308, 2^64, -0 and 9.3e18) and types (every string becomes a number,
 * every number a string, every boolean a string and every null an object).
 * The module also owns the stop signal: every wait a fault makes (latency, hang, drip)
 * ends as soon as sim_faults_stop() is called, so SIGTERM never waits on a fault. */
#ifndef FLINKTOP_SIM_FAULTS_H
#define FLINKTOP_SIM_FAULTS_H

#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_FAULT_MODES(X)                                                                         \
    X(LATENCY, "latency", true, 0, 3600000)                                                        \
    X(STATUS, "status", true, 200, 599)                                                            \
    X(RESET, "reset", false, 0, 0)                                                                 \
    X(HANG, "hang", false, 0, 0)                                                                   \
    X(TRUNCATE, "truncate", false, 0, 0)                                                           \
    X(GARBAGE, "garbage", false, 0, 0)                                                             \
    X(HUGE, "huge", true, 1, 4096)                                                                 \
    X(DRIP, "drip", false, 0, 0)                                                                   \
    X(DROP, "drop", false, 0, 0)                                                                   \
    X(ESCAPES, "escapes", false, 0, 0)                                                             \
    X(BADUTF8, "badutf8", false, 0, 0)                                                             \
    X(DEEP, "deep", false, 0, 0)                                                                   \
    X(BIGNUM, "bignum", false, 0, 0)                                                               \
    X(TYPES, "types", false, 0, 0)

enum sim_fault_mode {
#define SIM_FAULT_ENUM(id, name, has_arg, min, max) SIM_FAULT_##id,
    SIM_FAULT_MODES(SIM_FAULT_ENUM)
#undef SIM_FAULT_ENUM
};

/* What a matching rule says, copied out of the list (no pointers into it). */
struct sim_fault_hit {
    enum sim_fault_mode mode;
    long arg;
};

struct sim_faults;

/* Returns an owned, empty rule list; seed drives the garbage bytes. Free with
 * sim_faults_free (after the HTTP server has stopped). */
struct sim_faults *sim_faults_new(uint64_t seed);
void sim_faults_free(struct sim_faults *f);

/* Adds a rule. pattern, mode and arg are borrowed (copied). arg may be NULL; mode may
 * also carry its argument as "mode:arg" when arg is NULL. On error returns false and
 * writes a one-line message into err. */
bool sim_faults_add(struct sim_faults *f, const char *pattern, const char *mode, const char *arg,
                    char *err, size_t err_len);
/* Adds a rule from the --fault syntax "PATTERN=MODE[:ARG]". */
bool sim_faults_add_spec(struct sim_faults *f, const char *spec, char *err, size_t err_len);
/* Removes every rule; returns how many there were. */
size_t sim_faults_clear(struct sim_faults *f);
/* Returns owned JSON {"faults":[{"pattern","mode","arg"?}]}: caller deletes. */
cJSON *sim_faults_list(struct sim_faults *f);

/* First rule matching path (borrowed). False when none applies (always for /_sim/...). */
bool sim_faults_match(struct sim_faults *f, const char *path, struct sim_fault_hit *hit);

/* Builds the response of a body fault (status, truncate, garbage, huge, drip and the
 * content modes) from the real
 * answer. May take real->body (then sets it to NULL). Returns an owned response (caller
 * destroys it after queueing) and the status to send in *status; NULL for other modes. */
struct MHD_Response *sim_faults_response(struct sim_faults *f, const struct sim_fault_hit *hit,
                                         struct sim_reply *real, unsigned int *status);

/* Sleeps ms; returns false early if the server is stopping. */
bool sim_faults_sleep(struct sim_faults *f, int64_t ms);
/* Blocks until the server is stopping. */
void sim_faults_hang(struct sim_faults *f);
/* Wakes every sleeper and hang for shutdown; later waits return at once. */
void sim_faults_stop(struct sim_faults *f);

#endif
