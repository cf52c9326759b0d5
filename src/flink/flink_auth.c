#include "flink_auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "secret.h"
#include "xalloc.h"

#define FLINK_AUTH_MAX_FILE (64 * 1024)

/* The trimmed contents of a small secret file, owned (secret_free); NULL and err set. */
static char *read_secret_file(const char *what, const char *path, char *err, size_t errlen) {
    char *safe = sanitize_strdup(path);
    char *buf = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        snprintf(err, errlen, "cannot read %s \"%s\": %s", what, safe, strerror(errno));
        goto out;
    }
    buf = xmalloc(FLINK_AUTH_MAX_FILE + 1);
    size_t n = fread(buf, 1, FLINK_AUTH_MAX_FILE + 1, f);
    fclose(f);
    if (n > FLINK_AUTH_MAX_FILE) {
        snprintf(err, errlen, "%s \"%s\" is larger than 64 KiB", what, safe);
        secret_free_bytes(buf, FLINK_AUTH_MAX_FILE + 1);
        buf = NULL;
        goto out;
    }
    size_t a = 0;
    while (a < n && strchr(" \t\r\n", buf[a]) && buf[a])
        a++;
    while (n > a && strchr(" \t\r\n", buf[n - 1]) && buf[n - 1])
        n--;
    memmove(buf, buf + a, n - a);
    secret_wipe(buf + (n - a), FLINK_AUTH_MAX_FILE + 1 - (n - a));
    buf[n - a] = '\0';
    if (buf[0] == '\0' || memchr(buf, '\0', n - a) != NULL) {
        snprintf(err, errlen, "%s \"%s\" is empty or not text", what, safe);
        secret_free(buf);
        buf = NULL;
    }
out:
    free(safe);
    return buf;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

bool flink_auth_has_credential(const struct flink_auth_source *s) {
    return s->username || s->password || s->password_file || s->token_file || s->cert_file ||
           s->key_file;
}

char *flink_auth_shown_url(const char *url, const char *username) {
    const char *rest = strstr(url, "://");
    if (username == NULL || rest == NULL)
        return xstrdup(url);
    char *user = sanitize_strdup(username);
    char *out = xasprintf("%.*s://%s:***@%s", (int)(rest - url), url, user, rest + 3);
    free(user);
    return out;
}

int flink_auth_new(const struct flink_auth_source *s, struct flink_auth **out, char *err,
                   size_t errlen) {
    *out = NULL;
    bool cred = flink_auth_has_credential(s);
    if (!cred && !s->ca_file && !s->insecure)
        return 0;
    if (cred && strncmp(s->url, "https://", 8) != 0 && !s->insecure) {
        snprintf(err, errlen,
                 "credentials over plain http would cross the network in clear: use https, "
                 "or say insecure: true for this cluster in the config");
        return -1;
    }
    struct flink_auth *a = xcalloc(1, sizeof *a);
    a->username = dup_or_null(s->username);
    a->password = dup_or_null(s->password);
    a->ca_file = dup_or_null(s->ca_file);
    a->cert_file = dup_or_null(s->cert_file);
    a->key_file = dup_or_null(s->key_file);
    if (s->password_file && a->password == NULL) {
        a->password = read_secret_file("password_file", s->password_file, err, errlen);
        if (a->password == NULL)
            goto fail;
    }
    if (s->token_file) {
        a->token = read_secret_file("token_file", s->token_file, err, errlen);
        if (a->token == NULL)
            goto fail;
    }
    if (a->username == NULL && a->password != NULL)
        a->username = xstrdup(""); /* a password alone: basic auth with an empty user */
    a->shown_url = flink_auth_shown_url(s->url, a->username);
    a->tls.ca_file = a->ca_file;
    a->tls.cert_file = a->cert_file;
    a->tls.key_file = a->key_file;
    a->tls.insecure = s->insecure;
    a->tls.bearer = a->token;
    a->tls.username = a->username;
    a->tls.password = a->password;
    *out = a;
    return 0;
fail:
    flink_auth_free(a);
    return -1;
}

void flink_auth_free(struct flink_auth *a) {
    if (a == NULL)
        return;
    free(a->username);
    secret_free(a->password);
    secret_free(a->token);
    free(a->ca_file);
    free(a->cert_file);
    free(a->key_file);
    free(a->shown_url);
    free(a);
}
