/* How far a connection can be trusted, for the markers the user sees: a connection that
 * skips TLS verification (kubeconfig insecure-skip-tls-verify, a config's insecure: true)
 * is INSECURE on the header, on its cluster's row and in --once; when a credential rides
 * on it as well (a token or a password, which a man in the middle would read) the
 * marker is red. */
#ifndef FLINKTOP_HTTP_TRUST_H
#define FLINKTOP_HTTP_TRUST_H

#include "http.h"

/* Ordered: worse compares greater. */
enum http_trust {
    HTTP_TRUST_VERIFIED,           /* verified TLS, or plain defaults */
    HTTP_TRUST_INSECURE,           /* verification skipped, no credential sent */
    HTTP_TRUST_INSECURE_CREDENTIAL /* verification skipped and a token or password sent */
};

/* NULL (plain defaults) is HTTP_TRUST_VERIFIED. */
enum http_trust http_trust_of(const struct http_tls *tls);
/* The worse of the two. */
enum http_trust http_trust_worst(enum http_trust a, enum http_trust b);

#endif
