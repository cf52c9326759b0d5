#include "sim_kubeconfig.h"

#include "xalloc.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Returns owned base64 (RFC 4648, padded) of len bytes: caller frees. */
static char *base64(const char *data, size_t len) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *in = (const unsigned char *)data;
    char *out = xmalloc((len + 2) / 3 * 4 + 1);
    size_t o = 0;
    for (size_t i = 0; i < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16;
        if (i + 1 < len)
            v |= (unsigned)in[i + 1] << 8;
        if (i + 2 < len)
            v |= in[i + 2];
        out[o++] = tab[(v >> 18) & 63];
        out[o++] = tab[(v >> 12) & 63];
        out[o++] = i + 1 < len ? tab[(v >> 6) & 63] : '=';
        out[o++] = i + 2 < len ? tab[v & 63] : '=';
    }
    out[o] = '\0';
    return out;
}

/* Writes s as a YAML double-quoted scalar. */
static void put_quoted(FILE *f, const char *s) {
    fputc('"', f);
    for (; *s != '\0'; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            fprintf(f, "\\%c", ch);
        else if (ch < 0x20)
            fprintf(f, "\\x%02x", ch);
        else
            fputc(ch, f);
    }
    fputc('"', f);
}

bool sim_kubeconfig_write(const char *file, const char *server, const char *ca_pem, size_t ca_len,
                          const char *token, char *err, size_t err_len) {
    bool ok = false;
    char *ca = NULL;
    FILE *f = NULL;
    int fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) {
        snprintf(err, err_len, "cannot write %s: %s", file, strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) != 0) {
        snprintf(err, err_len, "cannot chmod %s: %s", file, strerror(errno));
        close(fd);
        goto out;
    }
    f = fdopen(fd, "w");
    if (f == NULL) {
        snprintf(err, err_len, "cannot write %s: %s", file, strerror(errno));
        close(fd);
        goto out;
    }
    fputs("apiVersion: v1\nkind: Config\nclusters:\n- name: flinktop-sim\n  cluster:\n"
          "    server: ",
          f);
    put_quoted(f, server);
    fputc('\n', f);
    if (ca_pem != NULL) {
        ca = base64(ca_pem, ca_len);
        fprintf(f, "    certificate-authority-data: %s\n", ca);
    }
    fputs("users:\n- name: flinktop-sim\n  user:", f);
    if (token != NULL) {
        fputs("\n    token: ", f);
        put_quoted(f, token);
        fputc('\n', f);
    } else {
        fputs(" {}\n", f);
    }
    fputs("contexts:\n- name: flinktop-sim\n  context:\n    cluster: flinktop-sim\n"
          "    user: flinktop-sim\n    namespace: default\n"
          "current-context: flinktop-sim\n",
          f);
    if (ferror(f)) {
        snprintf(err, err_len, "cannot write %s", file);
        goto out;
    }
    ok = true;
out:
    if (f != NULL && fclose(f) != 0 && ok) {
        snprintf(err, err_len, "cannot write %s: %s", file, strerror(errno));
        ok = false;
    }
    free(ca);
    return ok;
}
