/* Who the client is and what it may do, as kubectl auth whoami and kubectl auth can-i
 * ask: POST /apis/authentication.k8s.io/v1/selfsubjectreviews answers the token's user
 * (system:serviceaccount:flink-ops:flinktop, or the user POST /_sim/k8s/forbid named);
 * POST /apis/authorization.k8s.io/v1/selfsubjectaccessreviews allows everything unless
 * the simulator forbids writes (sim_k8s_forbid): then create, update, patch, delete and
 * deletecollection of the operator's resources, Deployments and services/proxy are
 * denied, as the simulator's answers to those requests are 403. Also the two groups'
 * discovery documents. */
#ifndef FLINKTOP_SIM_K8S_AUTH_H
#define FLINKTOP_SIM_K8S_AUTH_H

#include "sim_reply.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_K8S_AUTH_DEFAULT_USER "system:serviceaccount:flink-ops:flinktop"

/* Whether path (borrowed) is under /apis/authorization.k8s.io or authentication.k8s.io. */
bool sim_k8s_auth_owns(const char *path);

/* Answers one request to those paths. body borrowed; forbidden_user NULL when writes are
 * allowed. Fills r (the caller owns r->body). */
void sim_k8s_auth_handle(const char *method, const char *path, const char *body, size_t body_len,
                         const char *forbidden_user, int64_t now, struct sim_reply *r);

/* RBAC that allows list but not watch (POST|DELETE /_sim/k8s/forbid-watch, optionally
 * {"resource": "deployments"}): every watch request of that resource (NULL: of every
 * one) answers 403 Forbidden and access reviews deny it the verb watch. Process-wide. */
void sim_k8s_auth_forbid_watch(bool on, const char *resource);
/* When watch is forbidden: fills r with the 403 Status for a watch of path (borrowed)
 * and returns true; else false and r untouched. */
bool sim_k8s_auth_deny_watch(const char *path, struct sim_reply *r);

/* Token rotation (POST /_sim/k8s/token {"token": "T"}): from now on the API server
 * accepts T instead of --token's (a rotated service account token); NULL: --token's
 * again. Streams already open stay open, as a real API server keeps them. Process-wide. */
void sim_k8s_auth_set_token(const char *token);
/* Whether presented (the bearer token sent, NULL: none) is the accepted one; configured is
 * --token's (NULL: no authentication, always true). */
bool sim_k8s_auth_token_ok(const char *configured, const char *presented);

/* Appends the two APIGroups to groups (borrowed array) for GET /apis. */
void sim_k8s_auth_groups(cJSON *groups);

#endif
