/* The OpenAPI documents of the simulator's Kubernetes API, built from the operator's
 * CRDs (sim_crds_data.h), as kubectl explain and kubectl apply's validation read them:
 *   GET /openapi/v3                       -> {"paths": {"apis/flink.apache.org/v1beta1":
 *                                             {"serverRelativeURL": ...}}}
 *   GET /openapi/v3/apis/flink.apache.org/v1beta1 -> OpenAPI 3.0: each resource's paths
 *       (GET, POST, PATCH with the fieldValidation query parameter, DELETE, each with
 *       x-kubernetes-group-version-kind) and components.schemas
 *       org.apache.flink.v1beta1.{FlinkDeployment,FlinkSessionJob,FlinkStateSnapshot}
 *       (the CRD's openAPIV3Schema plus apiVersion, kind and metadata)
 *   GET /openapi/v2                       -> Swagger 2.0 JSON with the same definitions.
 *       Real servers also speak protobuf there; this one answers 406 to a client that
 *       accepts only protobuf (kubectl then goes on without it).
 * Documents are built once and kept (thread-safe after sim_k8s_openapi_new). */
#ifndef FLINKTOP_SIM_K8S_OPENAPI_H
#define FLINKTOP_SIM_K8S_OPENAPI_H

#include "sim_reply.h"

#include <stdbool.h>

struct sim_k8s_openapi;

/* Returns owned: free with sim_k8s_openapi_free. */
struct sim_k8s_openapi *sim_k8s_openapi_new(void);
void sim_k8s_openapi_free(struct sim_k8s_openapi *o);

/* Whether path (borrowed) is /openapi/v2, /openapi/v3 or below. */
bool sim_k8s_openapi_owns(const char *path);

/* Answers GET path with accept (the Accept header, may be NULL). Fills r. */
void sim_k8s_openapi_handle(const struct sim_k8s_openapi *o, const char *method, const char *path,
                            const char *accept, struct sim_reply *r);

#endif
