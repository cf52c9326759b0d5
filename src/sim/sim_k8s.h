/* The simulator as a Kubernetes API server: /version, discovery (/api, /api/v1, /apis,
 * /apis/apps/v1, /apis/flink.apache.org/v1beta1), namespaces, pods, events and services
 * (core v1), Deployments (apps/v1: the standalone clusters' NAME-jobmanager and
 * NAME-taskmanager, sim_deployments.h) and the Flink operator's resources
 * (flinkdeployments, flinksessionjobs, flinkstatesnapshots in flink.apache.org/v1beta1):
 * lists across and within namespaces with labelSelector and fieldSelector, get,
 * merge-patch with resourceVersion checks (FlinkDeployments also take JSON patch;
 * Deployments kubectl's strategic merge patch), create (FlinkStateSnapshots), delete with
 * propagationPolicy (FlinkDeployments, FlinkStateSnapshots), the status and scale
 * subresources of FlinkDeployments. Errors are Kubernetes Status objects.
 * What real clients also rely on, each in its own file: watches (sim_k8s_watch.h) over a
 * change log that gives every rendered object its own resourceVersion (sim_k8s_store.h),
 * the Table format kubectl asks for (sim_k8s_table.h), /openapi/v2 and /openapi/v3 from
 * the operator's CRDs (sim_k8s_openapi.h), SelfSubjectAccessReview and SelfSubjectReview
 * (sim_k8s_auth.h). A new subresource (pods/log, say) is one line in sim_k8s.c's
 * subresources[] table.
 *
 * One FlinkDeployment per simulated cluster: production in flink-prod, staging in
 * flink-staging, development in flink-dev, cluster-N in flink-cluster-N. Their metadata
 * and spec are stored (and patched); their status, pods and events are rendered from the
 * simulated cluster at request time. A spec change runs the operator's reconcile cycle
 * (sim_operator: observedGeneration lags, UPGRADING, DEPLOYED, STABLE, and the job
 * restarts, rescales, suspends or takes a savepoint); a created FlinkStateSnapshot moves
 * TRIGGER_PENDING, IN_PROGRESS, COMPLETED or FAILED (sim_snapshots). The service proxy path
 * /api/v1/namespaces/NS/services/NAME-rest:rest/proxy/<flink path> maps to that cluster's
 * Flink REST API (sim_k8s_proxy_target). */
#ifndef FLINKTOP_SIM_K8S_H
#define FLINKTOP_SIM_K8S_H

#include "sim_flink.h"
#include "sim_model.h"
#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_k8s;

/* Builds the Kubernetes objects of m's clusters at wall time now_ms (before the server
 * starts; m is read without the lock). Returns owned state: free with sim_k8s_free after
 * the server has stopped. */
struct sim_k8s *sim_k8s_new(struct sim_model *m, int64_t now_ms);
void sim_k8s_free(struct sim_k8s *k);

/* A query parameter's value is true as the API server reads it (Go's ParseBool: "1", "t",
 * "true", "True", ...); NULL is false. */
bool sim_k8s_query_true(const char *v);

/* Whether path (borrowed) is a Kubernetes path: /version, /api, /api/..., /apis, /apis/... */
bool sim_k8s_owns(const char *path);

/* For a service-proxy path of a known deployment's NAME-rest service (port "rest" or
 * 8081, optional "http:" scheme), returns an owned "/clusters/#I/<flink path>" (I: the
 * deployment's index, which is its cluster's: names may repeat across namespaces) for
 * sim_flink_handle: caller frees. NULL for any other path (including unknown services,
 * which sim_k8s_handle answers with a 404 Status). */
char *sim_k8s_proxy_target(const struct sim_k8s *k, const char *path);

/* Answers one Kubernetes request. path and body are borrowed; content_type may be NULL.
 * Takes and releases the model lock (which also guards k's objects). Fills r: the caller
 * owns r->body. */
void sim_k8s_handle(struct sim_k8s *k, struct sim_model *m, const char *method, const char *path,
                    const struct sim_query *query, const char *content_type, const char *accept,
                    const char *body, size_t body_len, int64_t now_ms, struct sim_reply *r);

/* Watch streams (sim_k8s_watch.h): stop ends every open one and every later one at once
 * (before the server stops: it waits for them); drop ends the open ones (clients reconnect),
 * POST /_sim/k8s/drop-watches. k NULL: nothing. */
void sim_k8s_stop_watches(struct sim_k8s *k);
void sim_k8s_drop_watches(struct sim_k8s *k);
/* POST /_sim/k8s/compact: etcd moved on and was compacted up to there: a watch from any
 * resourceVersion seen before (a client reconnecting after a drop) gets 410 Gone; a list
 * afterwards gives one it can watch from. */
void sim_k8s_compact(struct sim_k8s *k, struct sim_model *m);

/* Whether a write carrying metadata.resourceVersion want (NULL: none) may go ahead on an
 * object whose metadata or spec last changed at resourceVersion have (sim_deployments
 * shares it). Both borrowed. */
bool sim_k8s_rv_current(const char *want, const char *have);

/* Test controls (each takes the model lock, which guards k's objects):
 * forbid: from now on patches of FlinkDeployments and Deployments, creates of
 * FlinkStateSnapshots and mutating requests through the service proxy answer 403
 * Forbidden naming user (borrowed, copied); NULL allows them again.
 * bump: the stored resourceVersion of FlinkDeployment (else apps/v1 Deployment) ns/name
 * goes up (so a patch carrying the old one conflicts); returns the new one (owned: caller
 * frees), NULL when unknown. */
void sim_k8s_forbid(struct sim_k8s *k, struct sim_model *m, const char *user);
char *sim_k8s_bump(struct sim_k8s *k, struct sim_model *m, const char *ns, const char *name);
/* oom: the first task manager pod of FlinkDeployment ns/name was OOMKilled now: its
 * container restarted (restartCount + 1) with lastState.terminated.reason OOMKilled.
 * false when there is no such FlinkDeployment. */
bool sim_k8s_oom(struct sim_k8s *k, struct sim_model *m, const char *ns, const char *name);
/* For a mutating request to a known service proxy path while forbidden: fills r with the
 * 403 Status and returns true; else false (r untouched). */
bool sim_k8s_proxy_forbidden(struct sim_k8s *k, struct sim_model *m, const char *method,
                             const char *path, struct sim_reply *r);

/* Helpers shared with sim_deployments.c. sim_k8s_suffix: n-1 characters of Kubernetes'
 * random-name alphabet derived from key and salt, NUL-terminated, into out.
 * sim_k8s_uid: an owned uid derived from key. sim_k8s_add_time: adds key: RFC 3339 UTC
 * of ms to o. sim_k8s_jm_pod_name: cluster c's job manager pod name, owned. */
void sim_k8s_suffix(char *out, size_t n, const char *key, uint64_t salt);
char *sim_k8s_uid(const char *key);
void sim_k8s_add_time(cJSON *o, const char *key, int64_t ms);
char *sim_k8s_jm_pod_name(const struct sim_cluster *c);
/* The namespace of cluster index i's FlinkDeployment (fixed at build; borrowed). */
const char *sim_k8s_namespace(const struct sim_k8s *k, size_t i);

/* A Kubernetes Status error body (reason e.g. "NotFound", "Unauthorized") with HTTP code. */
void sim_k8s_status(struct sim_reply *r, int code, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#endif
