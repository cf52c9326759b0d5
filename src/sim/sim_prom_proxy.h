/* The guide's Prometheus inside the simulated Kubernetes: Service monitoring/prometheus
 * (one port, "web" 9090) whose endpoint is a real Prometheus a test or the demo started,
 * reached the way a kube-apiserver's service proxy reaches one:
 *
 *   /api/v1/namespaces/monitoring/services/[http:]prometheus:{web|9090}/proxy/PATH?QUERY
 *     forwarded to UPSTREAM/PATH?QUERY (method, body and Content-Type kept), the answer's
 *     status, body and type passed back; an upstream that does not answer is 503
 *     ServiceUnavailable "error trying to reach service: ...", as the API server says.
 *     No port: 503 "no endpoints available" (the one port is named, as kube-apiserver
 *     matches an empty port name); "https:": 503 (Prometheus speaks http).
 *
 * The upstream is given by `flinktop-sim --prometheus-upstream URL` or at run time:
 *   GET /_sim/prometheus-upstream     {"url": U|null, "requests": N, "paths": {PATH: N}}
 *   PUT|POST /_sim/prometheus-upstream {"url": "http://127.0.0.1:PORT"}   (and a reset of
 *                                      the counts); DELETE: no upstream, no Service.
 * Without an upstream there is no such Service (404 from the proxy, none in the lists).
 *
 * Every connection has its own thread in the simulator (sim_main.c), so a forward blocks
 * only its own; it gives up after SIM_PROM_PROXY_TIMEOUT_MS. Authentication and faults
 * are sim_main's, as for every Kubernetes path. State is process-wide, under its own lock. */
#ifndef FLINKTOP_SIM_PROM_PROXY_H
#define FLINKTOP_SIM_PROM_PROXY_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim_reply.h"

#define SIM_PROM_PROXY_TIMEOUT_MS 15000

/* Sets the upstream ("http://HOST:PORT[/PREFIX]"; NULL or "" none). False with err when
 * url is not such a URL. */
bool sim_prom_proxy_set_upstream(const char *url, char *err, size_t errlen);
/* Frees the upstream at exit. */
void sim_prom_proxy_free(void);

/* /_sim/prometheus-upstream */
bool sim_prom_proxy_control_owns(const char *path);
void sim_prom_proxy_control(const char *method, const char *body, size_t len,
                            struct sim_reply *r);

/* A service proxy path to monitoring/prometheus while an upstream is set. */
bool sim_prom_proxy_owns(const char *path);
/* Forwards one request (conn gives its query arguments and Content-Type). Blocks this
 * connection's thread up to SIM_PROM_PROXY_TIMEOUT_MS. */
void sim_prom_proxy_handle(struct MHD_Connection *conn, const char *method, const char *path,
                           const char *body, size_t len, struct sim_reply *r);

/* Appends the Service to a list of services (cJSON array) while an upstream is set;
 * created_ms is its creationTimestamp. */
void sim_prom_proxy_add_service(cJSON *items, int64_t created_ms);

#endif
