/* Credentials and TLS for one Flink REST endpoint. They come from flinktop's config (a
 * cluster's username, password_file, token_file, cert_file/key_file, ca_file, insecure),
 * never from argv in the clear: userinfo in a --flink URL is taken out of the URL, shown
 * as http://user:***@host everywhere and warned about (options.c), and plain http with
 * a credential is refused unless the config says insecure: true (config.c, options.c).
 * Secrets are wiped when freed (secret.h). */
#ifndef FLINKTOP_FLINK_AUTH_H
#define FLINKTOP_FLINK_AUTH_H

#include <stdbool.h>
#include <stddef.h>

#include "http.h"

/* What one cluster asks for; every field borrowed, NULL when not given. */
struct flink_auth_source {
    const char *url;      /* the request URL, without userinfo */
    const char *username; /* basic auth: the config's username, else the URL's */
    const char *password; /* secret: the URL's password, or read from password_file */
    const char *password_file;
    const char *token_file; /* bearer token, whitespace trimmed */
    const char *ca_file;
    const char *cert_file; /* client certificate and its key */
    const char *key_file;
    bool insecure; /* skip TLS verification; allow a credential over plain http */
};

struct flink_auth {
    struct http_tls tls; /* borrows the fields below: a cluster borrows it */
    char *username;
    char *password; /* secret */
    char *token;    /* secret */
    char *ca_file, *cert_file, *key_file;
    char *shown_url; /* the URL as shown: scheme://user:***@host... when it has a user */
};

/* Build the auth of one cluster, reading password_file and token_file. Returns 0 with
 * *out owned (flink_auth_free), or NULL when the cluster needs nothing (no credential,
 * no CA, not insecure); or -1 with one line in err (a file that cannot be read, a
 * credential over plain http without insecure). Secrets never appear in err. */
int flink_auth_new(const struct flink_auth_source *s, struct flink_auth **out, char *err,
                   size_t errlen);
/* Wipes the secrets, frees a; NULL is fine. */
void flink_auth_free(struct flink_auth *a);
/* True when the source carries a credential (username, password, token, client cert). */
bool flink_auth_has_credential(const struct flink_auth_source *s);
/* "scheme://user:***@host/path" for url and username (url unchanged without one). Owned. */
char *flink_auth_shown_url(const char *url, const char *username);

#endif
