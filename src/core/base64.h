/* Base64 (RFC 4648, the standard alphabet): what kubeconfig's *-data fields, an exec
 * plugin's certificate data, the autoscaler's ConfigMap and an OSC 52 sequence carry. */
#ifndef FLINKTOP_BASE64_H
#define FLINKTOP_BASE64_H

#include <stddef.h>

/* in[0..len) with padding into out, NUL-terminated; out must hold
 * BASE64_ENCODED_SIZE(len) bytes. Returns the length written. */
size_t base64_encode(const unsigned char *in, size_t len, char *out);
#define BASE64_ENCODED_SIZE(len) (4 * (((len) + 2) / 3) + 1)
/* The same into an owned string. */
char *base64_encode_dup(const unsigned char *in, size_t len);

/* s[0..n) decoded as Go's encoding/json reads []byte: CR and LF ignored, padding optional
 * but only at the end. Returns 0 with *out owned (NULL when empty) and *outlen, or -1
 * (what was decoded so far is wiped: it may be a key). */
int base64_decode(const char *s, size_t n, unsigned char **out, size_t *outlen);

#endif
