/* kubeconfig, found, merged and validated the way kubectl (client-go) does it.
 *
 * Files: --kubeconfig FILE alone when given (it must exist); else every file named in
 * KUBECONFIG (colon-separated, empty entries and repeats skipped, missing files skipped);
 * else ~/.kube/config ($HOME), where a missing file is an empty config. Merge: for
 * clusters, users and contexts the first file to define a name wins the whole entry;
 * current-context comes from the first file that sets it; preferences and unknown keys
 * are ignored. Relative paths (certificate-authority, client-certificate, client-key,
 * tokenFile, and exec.command when it contains a '/') are resolved against the directory
 * of the file that defined them. *-data fields are base64-decoded in memory.
 *
 * Errors are one line naming the file (with $HOME shown as ~) and line:
 *   ~/.kube/config:12: expected a sequence for "clusters"
 *   ~/.kube/config:7: could not find expected ':'
 *   ~/.kube/config:20: context "prod" refers to unknown cluster "x"
 * Credentials (token, password, key data) never appear in any of them. */
#ifndef FLINKTOP_KUBECONFIG_H
#define FLINKTOP_KUBECONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "exec_credential.h"
#include "http.h"

struct kubeconfig;

/* Load and merge (see above). explicit_path is --kubeconfig FILE, or NULL to use
 * KUBECONFIG / $HOME from the environment. Returns an owned config (kubeconfig_free), which
 * may hold no context at all when no file exists; or NULL with one line in err. */
struct kubeconfig *kubeconfig_load(const char *explicit_path, char *err, size_t errlen);
/* The environment kubeconfig_load reads: KUBECONFIG and HOME (NULL: unset). */
struct kubeconfig_env {
    const char *kubeconfig;
    const char *home;
};
/* kubeconfig_load with the environment passed in. */
struct kubeconfig *kubeconfig_load_env(const char *explicit_path, const struct kubeconfig_env *env,
                                       char *err, size_t errlen);
/* One file's contents from memory (data[0..len), need not end in NUL; borrowed): path is
 * where it came from (relative paths inside resolve against its directory; shown with
 * env->home as ~). For tests and fuzzing: no file is read while loading. Same result and
 * ownership as kubeconfig_load. */
struct kubeconfig *kubeconfig_load_buffer(const char *data, size_t len, const char *path,
                                          const struct kubeconfig_env *env, char *err,
                                          size_t errlen);
void kubeconfig_free(struct kubeconfig *kc);
/* File modes worth a warning (group/other-writable, a secret readable by others), one line
 * each with the chmod that fixes them; a file that is writable by others and names an
 * exec plugin or tokenFile is refused by kubeconfig_load instead. Borrowed. */
size_t kubeconfig_warning_count(const struct kubeconfig *kc);
const char *kubeconfig_warning(const struct kubeconfig *kc, size_t i);

/* Contexts in the order the files define them. Names are borrowed: valid until
 * kubeconfig_free. */
size_t kubeconfig_context_count(const struct kubeconfig *kc);
const char *kubeconfig_context_name(const struct kubeconfig *kc, size_t i);
/* borrowed: current-context, or NULL when no file sets it */
const char *kubeconfig_current_context(const struct kubeconfig *kc);
/* The files that were read, as shown in messages (~/.kube/config). Borrowed. */
size_t kubeconfig_file_count(const struct kubeconfig *kc);
const char *kubeconfig_file(const struct kubeconfig *kc, size_t i);

/* One context resolved into everything needed to talk to its API server. Every pointer is
 * owned by the struct (kubeconfig_context_free) and independent of the kubeconfig.
 * Fields marked secret must never be printed or logged. */
struct kubeconfig_context {
    char *name; /* context name */
    char *cluster_name;
    char *user_name; /* "" when the context names no user (anonymous) */
    char *namespace; /* the context's, else "default" */
    char *origin;    /* "file:line" of the context, for messages */

    char *server;           /* https://host:port */
    unsigned char *ca_data; /* certificate-authority-data, decoded; NULL when none */
    size_t ca_len;
    char *ca_file; /* certificate-authority (absolute), NULL when none or ca_data */
    bool insecure; /* insecure-skip-tls-verify */
    char *tls_server_name;
    char *proxy_url;

    char *token;              /* secret: token, else tokenFile's contents trimmed; NULL = none */
    char *token_file;         /* path of tokenFile, NULL when none */
    unsigned char *cert_data; /* client-certificate-data, decoded */
    size_t cert_len;
    char *cert_file;         /* client-certificate */
    unsigned char *key_data; /* secret: client-key-data, decoded */
    size_t key_len;
    char *key_file;           /* client-key */
    char *username;           /* basic auth */
    char *password;           /* secret */
    struct exec_config *exec; /* NULL when the user has no exec plugin */
};

/* Resolve context name (NULL or "" = current-context) and validate it as kubectl does
 * (unknown cluster or user, no server, two authentication methods, unreadable files,
 * bad exec section). Reads tokenFile. Returns owned (kubeconfig_context_free), or NULL
 * with one line in err. */
struct kubeconfig_context *kubeconfig_resolve(const struct kubeconfig *kc, const char *name,
                                              char *err, size_t errlen);
/* Frees c and everything it owns, wiping secrets first; NULL is fine. */
void kubeconfig_context_free(struct kubeconfig_context *c);

/* Whether a and b reach the same API server the same way: server, CA, TLS options, proxy,
 * the user and every credential (tokenFile's contents included, as resolved), the exec
 * plugin's configuration, the namespace. Files named by path are compared by path only. */
bool kubeconfig_context_same_access(const struct kubeconfig_context *a,
                                    const struct kubeconfig_context *b);
/* Fill tls from c, borrowing c's strings and blobs (c must outlive every use of tls;
 * http_submit copies what it needs), basic auth included. Exec credentials come on top:
 * call exec_credential_apply. */
void kubeconfig_context_tls(const struct kubeconfig_context *c, struct http_tls *tls);
/* Fill info for an exec plugin's provideClusterInfo, borrowing from c. */
void kubeconfig_context_exec_cluster(const struct kubeconfig_context *c,
                                     struct exec_cluster_info *info);

#endif
