/* The autoscaler's ConfigMap (autoscaler-NAME in the deployment's namespace), read with
 * one GET per autoscaled FlinkDeployment (autoscaler_enabled) at the detail interval: no
 * list or watch of ConfigMaps, which in a real namespace hold far more than this. What it
 * holds is the operator's KubernetesAutoScalerStateStore: parallelismOverrides in Flink's
 * map syntax, scalingHistory as YAML, gzip-compressed and base64-encoded (read back here
 * with a cap on the inflated size, as the operator caps it; a value that is not gzip is
 * read as plain YAML, as the operator falls back too). Of the history only what has been
 * stable across operator versions is read: per vertex, per time, currentParallelism and
 * newParallelism. collectedMetrics is not read. */
#ifndef FLINKTOP_K8S_AUTOSCALER_H
#define FLINKTOP_K8S_AUTOSCALER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "autoscaler.h"
#include "flink_api.h"
#include "http.h"
#include "k8s_model.h"

/* Most bytes scalingHistory may inflate to (the operator's own cap is 8 MiB; what the
 * YAML reader takes is less: yaml_doc.h). */
#define K8S_AUTOSCALER_MAX_INFLATED (8 * 1024 * 1024)

/* A ConfigMap's JSON into s's overrides and history (replacing them; s's identity and
 * source are left alone). A scalingHistory that cannot be read is a note on s, not an
 * error. FA_OK, or an error with one line in err. */
enum fa_status k8s_autoscaler_parse_configmap(const char *body, size_t len,
                                              struct autoscaler_state *s, char *err, size_t errlen);
/* The scalingHistory value (base64 of gzip of YAML, or plain YAML) into *out (owned, newest
 * first) and *n. Returns 0, or -1 with one line in err. */
int k8s_autoscaler_parse_history(const char *value, struct autoscaler_change **out, size_t *n,
                                 char *err, size_t errlen);

/* The path of deployment ns/name's ConfigMap; owned. */
char *k8s_autoscaler_path(const char *ns, const char *name);
/* Bring s->autoscalers in line with its deployments: one state per autoscaled
 * FlinkDeployment, those no longer autoscaled (or gone) dropped. */
void k8s_autoscaler_sync(struct k8s_context_state *s);
/* Those due at now (never asked, or asked interval_ms ago and answered): ask(arg, state,
 * urgent) for each, which marks it in flight. urgent: it is the deployment on screen
 * (focus_ns/focus_name, NULL none), to be asked as the screen in view; one in flight at a
 * lower priority is asked again urgent (the HTTP layer joins the two and moves it up). */
void k8s_autoscaler_due(struct k8s_context_state *s, int64_t now, int interval_ms,
                        const char *focus_ns, const char *focus_name,
                        void (*ask)(void *arg, struct autoscaler_state *a, bool urgent), void *arg);
/* The answer for ns/name at now: parsed into its state (a 404 is "not written yet").
 * Ignored when the deployment is no longer autoscaled. */
void k8s_autoscaler_answer(struct k8s_context_state *s, const char *ns, const char *name,
                           const struct http_response *resp, int64_t now);
/* Frees every state of s. */
void k8s_autoscaler_free_all(struct k8s_context_state *s);

#endif
