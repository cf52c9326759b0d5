#include "http_trust.h"

enum http_trust http_trust_of(const struct http_tls *tls) {
    if (tls == NULL || !tls->insecure)
        return HTTP_TRUST_VERIFIED;
    bool credential = (tls->bearer && tls->bearer[0]) || (tls->password && tls->password[0]);
    return credential ? HTTP_TRUST_INSECURE_CREDENTIAL : HTTP_TRUST_INSECURE;
}

enum http_trust http_trust_worst(enum http_trust a, enum http_trust b) { return a > b ? a : b; }
