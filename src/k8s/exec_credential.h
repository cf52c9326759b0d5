/* kubeconfig exec credential plugins (client.authentication.k8s.io v1 and v1beta1), run
 * the way client-go runs them but without blocking: the plugin is started with
 * posix_spawnp (no shell) in its own process group, stdin on /dev/null, stdout and stderr
 * on non-blocking pipes that the event loop watches (loop_watch_fd), a timeout on a loop
 * timer (SIGKILL to the group, then reaped with waitpid(WNOHANG), never a blocking wait).
 *
 * One struct exec_credential_plugin stands for one kubeconfig user's plugin and caches
 * the credential it returned until its expirationTimestamp (less a 10 s skew) or until
 * the caller drops it (after a 401). Every failure is one line for the status line:
 *   exec plugin "kubelogin" not found: <installHint first line>
 *   exec plugin "x" failed (exit 1): <first line of its stderr, sanitised>
 *   exec plugin "x" timed out after 10 s
 *   exec plugin "x" returned malformed credentials
 * No error line ever contains anything from the plugin's stdout (the credential). */
#ifndef FLINKTOP_EXEC_CREDENTIAL_H
#define FLINKTOP_EXEC_CREDENTIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "http.h"
#include "loop.h"

#define EXEC_CREDENTIAL_TIMEOUT_MS 10000
#define EXEC_CREDENTIAL_SKEW_MS 10000
#define EXEC_API_V1 "client.authentication.k8s.io/v1"
#define EXEC_API_V1BETA1 "client.authentication.k8s.io/v1beta1"

struct exec_env {
    char *name;  /* owned */
    char *value; /* owned */
};

/* A user's `exec` section of a kubeconfig. Every pointer is owned by the struct; free with
 * exec_config_free. */
struct exec_config {
    char *api_version; /* EXEC_API_V1 or EXEC_API_V1BETA1 (kubeconfig checks it) */
    char *command;     /* already resolved against the kubeconfig's directory when it
                          contains a '/'; otherwise looked up in PATH */
    char **args;       /* n_args owned strings */
    size_t n_args;
    struct exec_env *env; /* added to (and overriding) the parent environment */
    size_t n_env;
    char *install_hint;     /* may be NULL */
    char *interactive_mode; /* "Never", "IfAvailable", "Always"; NULL when unset */
    bool provide_cluster_info;
};

/* returns an owned deep copy (NULL stays NULL) */
struct exec_config *exec_config_dup(const struct exec_config *c);
/* frees c and everything it owns; NULL is fine */
void exec_config_free(struct exec_config *c);

/* The cluster a plugin is asked about when provideClusterInfo is true (spec.cluster in
 * KUBERNETES_EXEC_INFO). All borrowed: copied by exec_credential_plugin_new. */
struct exec_cluster_info {
    const char *server;
    const void *ca_data; /* certificate-authority-data, decoded */
    size_t ca_len;
    const char *ca_file; /* read (once, by _new) when ca_data is NULL */
    const char *tls_server_name;
    const char *proxy_url;
    bool insecure;
};

/* What a plugin returned. Strings are owned (NUL-terminated) and secret: never print
 * them. Either token, or client_cert_data and client_key_data (PEM), or both. */
struct exec_credential {
    char *token;
    char *client_cert_data;
    size_t client_cert_len;
    char *client_key_data;
    size_t client_key_len;
    int64_t expiry_ms; /* wall-clock epoch ms of status.expirationTimestamp; 0 = none */
};

/* Frees what cred owns and zeroes it. */
void exec_credential_clear(struct exec_credential *cred);

/* Parse an ExecCredential from a plugin's stdout (len bytes, need not be NUL-terminated).
 * api_version is the one configured: the answer must carry the same. Returns 0 and fills
 * *out (owned by the caller: exec_credential_clear), or -1 with *out zeroed and a short
 * reason in why (never any of the body: "not JSON", "apiVersion \"...\" is not the
 * configured ...", "no status.token or client certificate and key"). Exposed for tests. */
int exec_credential_parse(const char *body, size_t len, const char *api_version,
                          struct exec_credential *out, char *why, size_t whylen);

/* Fill the authentication fields of tls (bearer, or cert/key blobs) from cred, borrowing:
 * valid until the credential is replaced or dropped (see exec_credential_get). */
void exec_credential_apply(const struct exec_credential *cred, struct http_tls *tls);

/* Called from the loop (never from inside exec_credential_get) once per run: cred is
 * borrowed and valid until the next exec_credential_get/_invalidate/_plugin_free, error
 * NULL; or cred NULL and error one borrowed line (valid during the call). */
typedef void (*exec_credential_fn)(void *arg, const struct exec_credential *cred,
                                   const char *error);

struct exec_credential_plugin;

/* returns an owned plugin: free with exec_credential_plugin_free. loop is borrowed and
 * must outlive it; cfg and cluster (may be NULL) are copied. timeout_ms 0 = the default
 * (EXEC_CREDENTIAL_TIMEOUT_MS). A run takes two of the loop's fds while it lasts. */
struct exec_credential_plugin *exec_credential_plugin_new(struct loop *loop,
                                                          const struct exec_config *cfg,
                                                          const struct exec_cluster_info *cluster,
                                                          int64_t timeout_ms,
                                                          exec_credential_fn done, void *arg);
/* Kills a running plugin (SIGKILL, reaped if it already died: never waits), unwatches its
 * fds, cancels its timers; done is not called. NULL is fine. */
void exec_credential_plugin_free(struct exec_credential_plugin *p);

/* The cached credential when there is one that does not expire within the skew: borrowed,
 * valid until the next call to _get, _invalidate or _plugin_free. Otherwise NULL, and a run
 * is started unless one is already under way; done is called when it ends. */
const struct exec_credential *exec_credential_get(struct exec_credential_plugin *p);
/* Drop the cached credential (after a 401), so the next _get runs the plugin again. */
void exec_credential_invalidate(struct exec_credential_plugin *p);
/* True while a run is under way (its done callback still to come). */
bool exec_credential_running(const struct exec_credential_plugin *p);

#endif
