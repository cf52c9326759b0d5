/* The Kubernetes side of the loop: one state per kubeconfig context (several contexts
 * make one fleet). Per context: the credential (an exec plugin runs from the loop, never
 * blocking), discovery of flink.apache.org/v1beta1 until it answered, then each kind is
 * listed once and watched (k8s_watch.h, applied by k8s_apply.h): FlinkDeployments (and
 * FlinkSessionJobs when served) across all namespaces, or in one namespace (-n, or the
 * context's namespace when listing across namespaces is forbidden and -A was not given);
 * pods (label component), events, (when served) FlinkStateSnapshots and the apps/v1
 * Deployments Flink runs on (label component in (jobmanager,taskmanager), k8s_apps.h) in
 * one stream each across namespaces, kept for the namespaces that hold Flink resources, or one
 * stream per such namespace for a kind whose list across namespaces is forbidden. While
 * the streams are healthy no list is sent; a 410 lists that kind again, a dropped stream
 * reconnects with back-off. Where RBAC forbids watch, the context lists everything every
 * K8S_LIST_EVERY refreshes instead and says so (k8s_context_state.watch_note). --once
 * (list_only) lists once per round: one list of each resource kind, then per namespace
 * one of pods, events, snapshots and Deployments, and asks whether watch would be allowed.
 * Kubernetes' own RBAC forbidding Deployments is a note on tab 6, not an error. Never one
 * request per pod.
 *
 * Every FlinkDeployment becomes one struct cluster in the app (name = resource name,
 * made unique with NS/ or CONTEXT/NS/ when it clashes), reached through the API server's
 * service proxy: url = SERVER/api/v1/namespaces/NS/services/NAME-rest:rest/proxy, tls =
 * the context's (bearer only over https: http.c). Clusters are appended, never removed or
 * reordered; a vanished resource is marked cluster.k8s.gone.
 *
 * Errors are one line on the context (401: the exec credential is dropped and the round
 * retried once; 403: the Status message, i.e. the RBAC reason; unreachable, TLS, exec
 * plugin failures) or on a namespace (pods, events, snapshots: each list's own, joined).
 * No token, client key or exec output ever reaches them.
 *
 * Scope (:ctx NAME, :ns NAME, :ns all): the contexts in use and the namespace listed can
 * change at run time. A context left is kept (its clusters keep their indices) but no
 * longer polled; clusters outside the scope get cluster.k8s.hidden, which the clusters
 * screen and the Flink poller skip. Answers to requests made under an older scope are
 * dropped.
 *
 * Pins (flinktop's config `clusters:` entries naming a `resource`): without --context the
 * contexts in use are the pins' (NULL: current-context), and a pinned FlinkDeployment is
 * shown under the pin's name. */
#ifndef FLINKTOP_K8S_POLLER_H
#define FLINKTOP_K8S_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "k8s_model.h"
#include "loop.h"
#include "source_ops.h"

struct k8s_poller_options {
    const char *kubeconfig;      /* --kubeconfig, NULL: KUBECONFIG / ~/.kube/config */
    const char *const *contexts; /* --context names; none: the current context */
    size_t n_contexts;
    const char *namespace; /* -n, NULL: all namespaces the user may list */
    bool all_namespaces;   /* -A: no fallback to the context's namespace on 403 */
    /* flinktop's config `clusters:` (borrowed during k8s_poller_new, copied): the entries
     * with a `resource` and no `flink` URL are pins; the others are ignored here. */
    const struct config_cluster *pins;
    size_t n_pins;
    /* Entries with a `flink` URL and a `deployment` (a standalone cluster on Kubernetes,
     * restarted through its Deployment) name contexts too (NULL: current-context): those
     * are resolved, their exec credential kept ready, but not polled unless they are in
     * use anyway (k8s_poller_context_access). access_only: the poller runs for them alone:
     * no context is polled (no current-context fallback, none required). */
    bool access_only;
    /* --once: one round of lists, no watch. Otherwise each kind is listed once, then
     * watched (k8s_watch.h): FlinkDeployments and FlinkSessionJobs in the scope, pods
     * (label component), events and FlinkStateSnapshots across all namespaces where the
     * list across them is allowed (kept for the namespaces holding Flink resources), else
     * one stream per such namespace. Where RBAC forbids watch, lists every
     * K8S_LIST_EVERY refreshes and says so (k8s_context_state.watch_note). */
    bool list_only;
};

struct k8s_poller;

/* Loads the kubeconfig and resolves the contexts (a context that does not resolve keeps
 * its error line and the others go on). Returns owned poller (k8s_poller_free, after
 * http_free, since cancelled requests call back into it); or NULL with one line in err
 * when the kubeconfig cannot be loaded or names no context at all. app, http and loop
 * are borrowed and must outlive it; o is copied. */
struct k8s_poller *k8s_poller_new(struct app *app, struct http *http, struct loop *loop,
                                  const struct k8s_poller_options *o, char *err, size_t errlen);
void k8s_poller_free(struct k8s_poller *p);
/* Kill exec plugin runs and give their fds and timers back to the loop: call before
 * loop_free. Requests still in flight complete (cancelled) into the poller harmlessly. */
void k8s_poller_stop(struct k8s_poller *p);

/* The clock the contexts' and lists' times read (borrowed; NULL: the real one). */
void k8s_poller_set_clock(struct k8s_poller *p, const struct clock *clock);
/* Start a refresh on every context whose previous one has finished. */
void k8s_poller_round(struct k8s_poller *p);
/* True while any context has a request or an exec plugin run under way. */
bool k8s_poller_busy(const struct k8s_poller *p);
/* True when some context changed since the last call; clears the flag. */
bool k8s_poller_take_changed(struct k8s_poller *p);
/* The poller as a source the loop drives (source_ops.h): start_round is k8s_poller_round
 * (the focus does not matter to it), busy is k8s_poller_busy. Its free must come after
 * k8s_poller_stop and http_free. */
extern const struct source_ops k8s_poller_source_ops;
struct data_source k8s_poller_source(struct k8s_poller *p);
/* True when clusters were added since the last call (poll them now); clears the flag. */
bool k8s_poller_take_added(struct k8s_poller *p);

/* The contexts in the current scope (a context left by :ctx is not counted); the same as
 * k8s_context_count / k8s_context_at (k8s_model.h) on the app. */
size_t k8s_poller_context_count(const struct k8s_poller *p);
/* The i-th context in scope; borrowed: valid until k8s_poller_free */
const struct k8s_context_state *k8s_poller_context(const struct k8s_poller *p, size_t i);

/* ---- scope: :ctx, :ns ---------------------------------------------------------------- */

/* Switch the scope. context NULL keeps the contexts in use, else it must name a context of
 * the kubeconfig and becomes the only one; ns NULL keeps the namespace, "all" (or "") lists
 * all namespaces (falling back to the context's on a 403 unless -A was given), else a
 * namespace name. Clusters outside the new scope get k8s.hidden = true, those inside
 * false; contexts in scope list again at once. Returns 0, or -1 with one line in err
 * ("no context \"x\" in the kubeconfig", "not a namespace name: \"X\"") and nothing
 * changed. */
int k8s_poller_set_scope(struct k8s_poller *p, const char *context, const char *ns, char *err,
                         size_t errlen);
/* Every context name in the kubeconfig, in file order (for completion). *out is borrowed:
 * the array and its strings are valid until k8s_poller_free. */
size_t k8s_poller_context_names(const struct k8s_poller *p, const char ***out);
/* The namespaces known so far (where FlinkDeployments were seen, in any context, and the
 * contexts' own namespaces), sorted, without repeats (for completion). *out is an owned
 * array (free it, not its strings); its strings are borrowed, valid until
 * k8s_poller_free. */
size_t k8s_poller_namespace_names(const struct k8s_poller *p, const char ***out);
/* The header's scope label into buf: "ctx: sim  ns: all", "ctx: 2 contexts  ns: flink-prod";
 * a context that fell back after a 403 shows its namespace. */
void k8s_poller_scope_label(const struct k8s_poller *p, char *buf, size_t size);

/* ---- Ctrl-R ------------------------------------------------------------------------- */

/* Load the kubeconfig again (the same --kubeconfig, KUBECONFIG or ~/.kube/config) and
 * resolve the contexts in use by their names again. A context whose server, CA, TLS
 * options, user, credentials (a tokenFile's contents, a client certificate or key, also
 * one replaced at the same path) or exec plugin changed takes the new settings: its
 * streams stop, it lists again then watches, requests from then on carry the new
 * credential, and its clusters keep their indices (their URLs follow a moved server). A
 * context that no longer resolves keeps its old settings and its error line says why; the
 * others go on. An unchanged context restarts nothing; an exec plugin's cached credential
 * is dropped, so it is fetched again. Returns 0 with *restarted the number of contexts
 * that took new settings; -1 with one line in err (file:line where the loader gives it)
 * when the kubeconfig cannot be loaded: then nothing changed. */
int k8s_poller_reload_kubeconfig(struct k8s_poller *p, size_t *restarted, char *err, size_t errlen);

/* ---- for actions (issue 6) ----------------------------------------------------------- */

/* Where to send a request to a context's API server for a cluster that is no
 * FlinkDeployment (a standalone Deployment named in the config). Borrowed from the
 * poller: valid until k8s_poller_free (the credential inside tls is renewed in place). */
struct k8s_access {
    const char *context;        /* the context's name (current-context resolved) */
    const char *namespace;      /* the context's namespace, NULL unknown */
    const char *server;         /* the API server URL */
    const struct http_tls *tls; /* its TLS and credential (bearer only over https) */
    const char *user;           /* the kubeconfig user the context names ("" anonymous) */
};
/* The API server and credential of kubeconfig context `context` (NULL: current-context).
 * Known are the contexts in use and those the `deployment:` entries named at start.
 * false with one line in err (no current-context, a context not loaded, one that does
 * not resolve, an exec plugin that has not answered yet or failed); never a credential.
 * out is filled whenever the context resolved (its name for a confirmation), even when
 * the credential is not ready; all NULL otherwise. */
bool k8s_poller_context_access(const struct k8s_poller *p, const char *context,
                               struct k8s_access *out, char *err, size_t errlen);
/* List again now every context in scope (c NULL), or c's context: after a patch, so its
 * effect shows without waiting for the refresh. A context with requests in flight starts
 * again as soon as they are done. */
void k8s_poller_refresh_now(struct k8s_poller *p, const struct cluster *c);
/* An action on c got a 401: drop c's context's cached exec credential (the plugin runs
 * again on the next request) and its applied token. No-op without an exec plugin. */
void k8s_cluster_credential_rejected(struct k8s_poller *p, const struct cluster *c);

/* ---- pure helpers, exposed for tests ------------------------------------------------ */

/* SERVER/api/v1/namespaces/NS/services/NAME-rest:rest/proxy (server's trailing slashes
 * dropped, ns and name URL-escaped). returns owned string */
char *k8s_poller_proxy_url(const char *server, const char *ns, const char *name);
/* /apis/flink.apache.org/v1beta1/[namespaces/NS/]RESOURCE; ns NULL: all namespaces.
 * returns owned string */
char *k8s_poller_list_path(const char *resource, const char *ns);
/* After a 403 on a list across all namespaces: fall back to the context's namespace
 * unless the user asked for all namespaces (-A) or a namespace (-n). */
bool k8s_poller_should_fall_back(bool listed_all, bool user_all, const char *user_ns);
/* A display name for resource NAME in NS of context CTX unique among the app's clusters:
 * NAME, else NS/NAME, else CTX/NS/NAME. returns owned string */
char *k8s_poller_cluster_name(const struct app *a, const char *ctx, const char *ns,
                              const char *name);
/* A pin's context and namespace resolved: pin_ctx NULL is current_ctx, pin_ns NULL is the
 * context's namespace ctx_ns. True when pin stands for resource NAME in NS of context CTX. */
bool k8s_poller_pin_matches(const struct config_cluster *pin, const char *current_ctx,
                            const char *ctx, const char *ctx_ns, const char *ns, const char *name);
/* A namespace name as Kubernetes accepts it (RFC 1123 label: [a-z0-9-], 1..63, no '-' at
 * either end). */
bool k8s_poller_valid_namespace(const char *ns);
/* Append a cluster (cluster_init(name, url)), growing the array; returns its index.
 * Existing entries keep their index; pointers into the array do not survive. */
size_t k8s_poller_add_cluster(struct app *a, const char *name, const char *url);

#endif
