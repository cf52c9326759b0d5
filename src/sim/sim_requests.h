/* The log of every mutating request the simulator received (Flink REST and Kubernetes;
 * never /_sim itself, nor the reviews of who am I and may I), for tests to check what
 * reached it: GET /_sim/requests lists it, DELETE /_sim/requests clears it. Bodies are
 * kept as received; headers never are (no token can end up here). At most
 * SIM_REQUESTS_MAX entries: the oldest give way. The log has its own lock: record from
 * any connection thread. */
#ifndef FLINKTOP_SIM_REQUESTS_H
#define FLINKTOP_SIM_REQUESTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_REQUESTS_MAX 10000

struct sim_requests;

/* Returns owned log: free with sim_requests_free. */
struct sim_requests *sim_requests_new(void);
void sim_requests_free(struct sim_requests *q);

/* Whether method on path (borrowed) is logged: anything but GET, HEAD and OPTIONS, outside
 * /_sim. */
bool sim_requests_mutating(const char *method, const char *path);
/* Appends one request. query (may be NULL or "") is appended to path after a '?'; body
 * (may be NULL) is body_len bytes. Everything is copied. */
void sim_requests_record(struct sim_requests *q, const char *method, const char *path,
                         const char *query, const char *body, size_t body_len, int64_t time_ms);
/* Returns owned JSON array [{"method","path","body","time_ms"}], oldest first. */
cJSON *sim_requests_list(struct sim_requests *q);
/* Empties the log; returns how many entries it held. */
size_t sim_requests_clear(struct sim_requests *q);

#endif
