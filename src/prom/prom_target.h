/* Which Prometheus to ask: `--prometheus URL` or `prometheus: URL` as given, or
 * `prometheus: {context, namespace, service, port, scheme}`, a Prometheus inside a
 * cluster reached through that kubeconfig context's API server service proxy
 * (GET {server}/api/v1/namespaces/NS/services/[https:]SERVICE:PORT/proxy/api/v1/...),
 * with the context's own TLS, token or client certificate, as kubectl proxies. */
#ifndef FLINKTOP_PROM_TARGET_H
#define FLINKTOP_PROM_TARGET_H

#include <stddef.h>

struct app;
struct config;
struct http_tls;

/* The base URL (owned, *url) and TLS (borrowed from the Kubernetes poller: valid until
 * k8s_poller_free; NULL for a plain URL) of the Prometheus cli_url (the command line's,
 * wins) or cfg names. Returns 1 when one is named and found, 0 when none is named, -1
 * with err when the named context is not loaded or did not resolve. */
int prom_target_resolve(const struct app *app, const struct config *cfg, const char *cli_url,
                        char **url, const struct http_tls **tls, char *err, size_t errlen);

#endif
