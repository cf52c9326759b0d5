/* apps/v1 Deployments, the ones Flink runs on: a FlinkDeployment's JobManager Deployment
 * (the operator names it after the FlinkDeployment and labels it app=NAME,
 * component=jobmanager, type=flink-native-kubernetes), a standalone cluster's
 * NAME-taskmanager, the Deployments of Flink's standalone Kubernetes setup (app,
 * component). They are listed and watched with K8S_APPS_SELECTOR so that the other
 * Deployments of a namespace are never streamed.
 *
 * Same contract as k8s_api.h: every string kept is sanitised (conditions' messages to one
 * line); a missing field is unknown (-1, NULL), never an error; only a body that is not a
 * list is. */
#ifndef FLINKTOP_K8S_APPS_H
#define FLINKTOP_K8S_APPS_H

#include <stdbool.h>
#include <stddef.h>

#include "flink_api.h"
#include "k8s_model.h"

#define K8S_APPS_API "/apis/apps/v1"
/* The label selector of the Deployments listed and watched (as sent, before escaping). */
#define K8S_APPS_SELECTOR "component in (jobmanager,taskmanager)"

struct cJSON;

/* One Deployment as a list item or a watch event carries it (borrowed) into *out
 * (initialised first; free with apps_deployment_free). false, with *out owning nothing,
 * when it is not an object or has no metadata.name. */
bool k8s_apps_deployment_from(const struct cJSON *o, struct apps_deployment *out);

/* GET /apis/apps/v1/[namespaces/NS/]deployments: DeploymentList, in server order; items
 * without a name are skipped. A Status body is FA_SHAPE with its message. */
enum fa_status k8s_apps_parse_deployments(const char *body, size_t len,
                                          struct apps_deployment_list *out, char *err,
                                          size_t errlen);

#endif
