/* The Kubernetes side of the loop: one state per kubeconfig context (several contexts
 * make one fleet). Each refresh, per context: the credential (an exec plugin runs from
 * the loop, never blocking), discovery of flink.apache.org/v1beta1 until it answered,
 * then one list of FlinkDeployments (and FlinkSessionJobs when served) across all
 * namespaces, or in one namespace (-n, or the context's namespace when listing across
 * namespaces is forbidden and -A was not given), then one list of pods and one of events
 * per namespace that holds Flink resources. Never one request per pod.
 *
 * Every FlinkDeployment becomes one struct cluster in the app (name = resource name,
 * made unique with NS/ or CONTEXT/NS/ when it clashes), reached through the API server's
 * service proxy: url = SERVER/api/v1/namespaces/NS/services/NAME-rest:rest/proxy, tls =
 * the context's (bearer only over https: http.c). Clusters are appended, never removed or
 * reordered; a vanished resource is marked cluster.k8s.gone.
 *
 * Errors are one line on the context (401: the exec credential is dropped and the round
 * retried once; 403: the Status message, i.e. the RBAC reason; unreachable, TLS, exec
 * plugin failures) or on a namespace (pods, events). No token, client key or exec output
 * ever reaches them. */
#ifndef FLINKTOP_K8S_POLLER_H
#define FLINKTOP_K8S_POLLER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app.h"
#include "http.h"
#include "k8s_model.h"
#include "loop.h"

#define K8S_FLINK_API "/apis/flink.apache.org/v1beta1"

enum k8s_crds { K8S_CRDS_UNKNOWN, K8S_CRDS_PRESENT, K8S_CRDS_ABSENT };

/* Pods and events of one namespace that holds Flink resources. */
struct k8s_namespace_state {
    char *name;                   /* owned */
    struct pod_list pods;         /* owned; last good answer */
    bool pods_ok;                 /* pods answered at least once */
    struct k8s_event_list events; /* owned; last good answer, newest first */
    bool events_ok;
    char error[256]; /* last pods/events error of this namespace, "" when none */
};

/* What one context knows. Everything owned by the poller; borrowed by clusters
 * (cluster.k8s.ctx) and the snapshot, valid until k8s_poller_free. */
struct k8s_context_state {
    char *name;      /* context name as asked (owned) */
    char *namespace; /* the context's namespace, NULL when the context did not resolve */
    char *scope;     /* namespace listed; NULL: all namespaces (owned) */
    bool fell_back;  /* listing across namespaces was forbidden: scope is the context's */
    enum k8s_crds crds;
    struct k8s_discovery discovery;
    struct flink_resource_list deployments; /* owned; last good list */
    struct flink_resource_list session_jobs;
    bool listed; /* the deployments list answered at least once */
    struct k8s_namespace_state *namespaces; /* owned array */
    size_t n_namespaces;
    char error[256]; /* context-level error line, "" when fine */
    int64_t last_ok_ms;
};

struct k8s_poller_options {
    const char *kubeconfig;     /* --kubeconfig, NULL: KUBECONFIG / ~/.kube/config */
    const char *const *contexts; /* --context names; none: the current context */
    size_t n_contexts;
    const char *namespace; /* -n, NULL: all namespaces the user may list */
    bool all_namespaces;   /* -A: no fallback to the context's namespace on 403 */
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

/* Start a refresh on every context whose previous one has finished. */
void k8s_poller_round(struct k8s_poller *p);
/* True while any context has a request or an exec plugin run under way. */
bool k8s_poller_busy(const struct k8s_poller *p);
/* True when some context changed since the last call; clears the flag. */
bool k8s_poller_take_changed(struct k8s_poller *p);
/* True when clusters were added since the last call (poll them now); clears the flag. */
bool k8s_poller_take_added(struct k8s_poller *p);

size_t k8s_poller_context_count(const struct k8s_poller *p);
/* borrowed: valid until k8s_poller_free */
const struct k8s_context_state *k8s_poller_context(const struct k8s_poller *p, size_t i);
/* True when the context works: resolved, answered, CRDs absent included (plain --flink
 * clusters still work; that is a note, not a failure). */
bool k8s_context_ok(const struct k8s_context_state *s);

/* The FlinkDeployment a cluster stands for; borrowed (valid until the next list
 * arrives); NULL for a --flink cluster or one whose resource vanished. */
const struct flink_resource *k8s_cluster_resource(const struct cluster *c);
/* Its pods (app=NAME in its namespace). false when pods never answered. */
bool k8s_cluster_pods(const struct cluster *c, struct pod_summary *out);

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
/* Append a cluster (cluster_init(name, url)), growing the array; returns its index.
 * Existing entries keep their index; pointers into the array do not survive. */
size_t k8s_poller_add_cluster(struct app *a, const char *name, const char *url);

#endif
