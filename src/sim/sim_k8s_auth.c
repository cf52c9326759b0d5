#include "sim_k8s_auth.h"

#include "sim_k8s.h"
#include "xalloc.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AUTHZ "authorization.k8s.io"
#define AUTHN "authentication.k8s.io"

bool sim_k8s_auth_owns(const char *path) {
    return strncmp(path, "/apis/" AUTHZ, sizeof "/apis/" AUTHZ - 1) == 0 ||
           strncmp(path, "/apis/" AUTHN, sizeof "/apis/" AUTHN - 1) == 0;
}

static cJSON *group(const char *name) {
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "name", name);
    cJSON *v = cJSON_CreateObject();
    char *gv = xasprintf("%s/v1", name);
    cJSON_AddStringToObject(v, "groupVersion", gv);
    free(gv);
    cJSON_AddStringToObject(v, "version", "v1");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(g, "versions"), cJSON_Duplicate(v, true));
    cJSON_AddItemToObject(g, "preferredVersion", v);
    return g;
}

void sim_k8s_auth_groups(cJSON *groups) {
    cJSON_AddItemToArray(groups, group(AUTHN));
    cJSON_AddItemToArray(groups, group(AUTHZ));
}

static void resource_list(struct sim_reply *r, const char *gv, const char *plural,
                          const char *kind) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "APIResourceList");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddStringToObject(o, "groupVersion", gv);
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", plural);
    cJSON_AddStringToObject(e, "singularName", "");
    cJSON_AddBoolToObject(e, "namespaced", false);
    cJSON_AddStringToObject(e, "kind", kind);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(e, "verbs"), cJSON_CreateString("create"));
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "resources"), e);
    sim_reply_json(r, 200, o);
}

static const char *str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) ? v->valuestring : "";
}

static bool in(const char *s, const char *const *set, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(s, set[i]) == 0)
            return true;
    return false;
}

/* The bearer token a rotation made the accepted one (owned), NULL: --token's. */
static pthread_mutex_t token_lock = PTHREAD_MUTEX_INITIALIZER;
static char *rotated_token;

void sim_k8s_auth_set_token(const char *token) {
    char *copy = token != NULL ? xstrdup(token) : NULL;
    pthread_mutex_lock(&token_lock);
    char *old = rotated_token;
    rotated_token = copy;
    pthread_mutex_unlock(&token_lock);
    free(old);
}

bool sim_k8s_auth_token_ok(const char *configured, const char *presented) {
    if (configured == NULL)
        return true;
    if (presented == NULL)
        return false;
    pthread_mutex_lock(&token_lock);
    bool ok = strcmp(presented, rotated_token != NULL ? rotated_token : configured) == 0;
    pthread_mutex_unlock(&token_lock);
    return ok;
}

static atomic_bool watch_forbidden;
/* the one resource whose watch is forbidden ("" every one); under watch_lock */
static char forbidden_resource[64];
static pthread_mutex_t watch_lock = PTHREAD_MUTEX_INITIALIZER;

void sim_k8s_auth_forbid_watch(bool on, const char *resource) {
    pthread_mutex_lock(&watch_lock);
    snprintf(forbidden_resource, sizeof forbidden_resource, "%s", on && resource ? resource : "");
    pthread_mutex_unlock(&watch_lock);
    atomic_store(&watch_forbidden, on);
}

/* Whether RBAC forbids watching resource (a plural name, as in the path) */
static bool watch_denied_for(const char *resource) {
    if (!atomic_load(&watch_forbidden))
        return false;
    pthread_mutex_lock(&watch_lock);
    bool denied = forbidden_resource[0] == '\0' || strcmp(forbidden_resource, resource) == 0;
    pthread_mutex_unlock(&watch_lock);
    return denied;
}

bool sim_k8s_auth_deny_watch(const char *path, struct sim_reply *r) {
    const char *res = strrchr(path, '/');
    res = res != NULL ? res + 1 : path;
    if (!watch_denied_for(res))
        return false;
    /* the API group from /apis/GROUP/VERSION/...; the core group (/api/v1) is "" */
    int glen = 0;
    const char *group = "";
    if (strncmp(path, "/apis/", 6) == 0) {
        group = path + 6;
        glen = (int)strcspn(group, "/");
    }
    const char *ns = strstr(path, "/namespaces/");
    const char *user = SIM_K8S_AUTH_DEFAULT_USER;
    if (ns != NULL) {
        ns += strlen("/namespaces/");
        int len = (int)strcspn(ns, "/");
        sim_k8s_status(r, 403, "Forbidden",
                       "%s%s%.*s is forbidden: User \"%s\" cannot watch resource \"%s\" in API "
                       "group \"%.*s\" in the namespace \"%.*s\"",
                       res, glen ? "." : "", glen, group, user, res, glen, group, len, ns);
    } else {
        sim_k8s_status(r, 403, "Forbidden",
                       "%s%s%.*s is forbidden: User \"%s\" cannot watch resource \"%s\" in API "
                       "group \"%.*s\" at the cluster scope",
                       res, glen ? "." : "", glen, group, user, res, glen, group);
    }
    return true;
}

/* What the simulator refuses while forbidden (sim_k8s_forbid), and watch while
 * sim_k8s_auth_forbid_watch holds. */
static bool denied(const cJSON *attrs, const char *forbidden_user) {
    if (attrs != NULL && strcmp(str(attrs, "verb"), "watch") == 0 &&
        watch_denied_for(str(attrs, "resource")))
        return true;
    if (forbidden_user == NULL || attrs == NULL)
        return false;
    static const char *const writes[] = {"create", "update",           "patch",
                                         "delete", "deletecollection", "*"};
    static const char *const guarded[] = {"flinkdeployments", "flinksessionjobs",
                                          "flinkstatesnapshots", "deployments", "*"};
    const char *verb = str(attrs, "verb"), *resource = str(attrs, "resource");
    if (!in(verb, writes, sizeof writes / sizeof writes[0]))
        return false;
    if (strcmp(resource, "services") == 0)
        return strcmp(str(attrs, "subresource"), "proxy") == 0;
    return in(resource, guarded, sizeof guarded / sizeof guarded[0]);
}

static cJSON *parse_review(const char *body, size_t body_len, const char *kind,
                           struct sim_reply *r) {
    const char *end = NULL;
    cJSON *in_o = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    if (!cJSON_IsObject(in_o)) {
        cJSON_Delete(in_o);
        sim_k8s_status(r, 400, "BadRequest", "the body is not a %s", kind);
        return NULL;
    }
    return in_o;
}

static void access_review(const char *body, size_t body_len, const char *forbidden_user,
                          struct sim_reply *r) {
    cJSON *o = parse_review(body, body_len, "SelfSubjectAccessReview", r);
    if (o == NULL)
        return;
    cJSON *spec = cJSON_GetObjectItemCaseSensitive(o, "spec");
    cJSON *attrs =
        cJSON_IsObject(spec) ? cJSON_GetObjectItemCaseSensitive(spec, "resourceAttributes") : NULL;
    bool no = denied(attrs, forbidden_user);
    cJSON_DeleteItemFromObjectCaseSensitive(o, "status");
    cJSON *st = cJSON_AddObjectToObject(o, "status");
    cJSON_AddBoolToObject(st, "allowed", !no);
    if (!no)
        cJSON_AddStringToObject(st, "reason",
                                "RBAC: allowed by ClusterRoleBinding \"flinktop\" of ClusterRole "
                                "\"flinktop\" to ServiceAccount \"flinktop/flink-ops\"");
    if (cJSON_GetObjectItemCaseSensitive(o, "kind") == NULL)
        cJSON_AddStringToObject(o, "kind", "SelfSubjectAccessReview");
    if (cJSON_GetObjectItemCaseSensitive(o, "apiVersion") == NULL)
        cJSON_AddStringToObject(o, "apiVersion", AUTHZ "/v1");
    sim_reply_json(r, 201, o);
}

static void self_review(const char *body, size_t body_len, const char *forbidden_user, int64_t now,
                        struct sim_reply *r) {
    cJSON *o = parse_review(body, body_len, "SelfSubjectReview", r);
    if (o == NULL)
        return;
    cJSON_DeleteItemFromObjectCaseSensitive(o, "status");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "metadata");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "kind");
    cJSON_DeleteItemFromObjectCaseSensitive(o, "apiVersion");
    cJSON_AddStringToObject(o, "kind", "SelfSubjectReview");
    cJSON_AddStringToObject(o, "apiVersion", AUTHN "/v1");
    sim_k8s_add_time(cJSON_AddObjectToObject(o, "metadata"), "creationTimestamp", now);
    cJSON *ui = cJSON_AddObjectToObject(cJSON_AddObjectToObject(o, "status"), "userInfo");
    const char *user = forbidden_user != NULL ? forbidden_user : SIM_K8S_AUTH_DEFAULT_USER;
    cJSON_AddStringToObject(ui, "username", user);
    char *uid = sim_k8s_uid(user);
    cJSON_AddStringToObject(ui, "uid", uid);
    free(uid);
    cJSON *groups = cJSON_AddArrayToObject(ui, "groups");
    cJSON_AddItemToArray(groups, cJSON_CreateString("system:serviceaccounts"));
    cJSON_AddItemToArray(groups, cJSON_CreateString("system:serviceaccounts:flink-ops"));
    cJSON_AddItemToArray(groups, cJSON_CreateString("system:authenticated"));
    sim_reply_json(r, 201, o);
}

void sim_k8s_auth_handle(const char *method, const char *path, const char *body, size_t body_len,
                         const char *forbidden_user, int64_t now, struct sim_reply *r) {
    bool post = strcmp(method, "POST") == 0, get = strcmp(method, "GET") == 0;
    if (strcmp(path, "/apis/" AUTHZ "/v1/selfsubjectaccessreviews") == 0 && post) {
        access_review(body, body_len, forbidden_user, r);
    } else if (strcmp(path, "/apis/" AUTHN "/v1/selfsubjectreviews") == 0 && post) {
        self_review(body, body_len, forbidden_user, now, r);
    } else if (strcmp(path, "/apis/" AUTHZ "/v1") == 0 && get) {
        resource_list(r, AUTHZ "/v1", "selfsubjectaccessreviews", "SelfSubjectAccessReview");
    } else if (strcmp(path, "/apis/" AUTHN "/v1") == 0 && get) {
        resource_list(r, AUTHN "/v1", "selfsubjectreviews", "SelfSubjectReview");
    } else if ((strcmp(path, "/apis/" AUTHZ) == 0 || strcmp(path, "/apis/" AUTHN) == 0) && get) {
        cJSON *g = group(path + 6);
        cJSON_AddStringToObject(g, "kind", "APIGroup");
        cJSON_AddStringToObject(g, "apiVersion", "v1");
        sim_reply_json(r, 200, g);
    } else {
        sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
    }
}
