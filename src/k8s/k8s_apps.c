#include "k8s_apps.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_get.h"
#include "k8s_api.h"
#include "rfc3339.h"
#include "sanitize.h"
#include "xalloc.h"

static const cJSON *object_at(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

/* A sanitised string where empty is unknown. */
static char *text_at(const cJSON *o, const char *key) {
    char *s = json_get_string(o, key);
    if (s != NULL && s[0] == '\0') {
        free(s);
        s = NULL;
    }
    return s;
}

/* A count: negative or not a number is unknown; absent is absent_as (the API server
 * omits zero counts from a status it wrote, so there absent is 0). */
static int count_at(const cJSON *o, const char *key, int absent_as) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    if (v == NULL)
        return absent_as;
    int n = json_get_int(o, key, UNKNOWN_I);
    return n < 0 ? UNKNOWN_I : n;
}

static int64_t count64_at(const cJSON *o, const char *key) {
    int64_t n = json_get_i64(o, key, UNKNOWN_I);
    return n < 0 ? UNKNOWN_I : n;
}

static void parse_condition(const cJSON *c, struct k8s_condition *out) {
    const char *st = json_get_string_ref(c, "status");
    out->status = st == NULL                 ? UNKNOWN_I
                  : strcmp(st, "True") == 0  ? 1
                  : strcmp(st, "False") == 0 ? 0
                                             : UNKNOWN_I;
    free(out->reason);
    free(out->message);
    out->reason = text_at(c, "reason");
    out->message = k8s_api_one_line(json_get_string_ref(c, "message"));
}

static void parse_deployment(const cJSON *o, struct apps_deployment *d) {
    const cJSON *meta = object_at(o, "metadata");
    d->namespace = text_at(meta, "namespace");
    d->name = text_at(meta, "name");
    const cJSON *labels = object_at(meta, "labels");
    d->app = text_at(labels, "app");
    d->component = text_at(labels, "component");
    d->generation = count64_at(meta, "generation");
    const char *created = json_get_string_ref(meta, "creationTimestamp");
    int64_t ms = UNKNOWN_I;
    if (created != NULL && rfc3339_parse(created, &ms) == 0 && ms >= 0)
        d->created_ms = ms;
    d->replicas = count_at(object_at(o, "spec"), "replicas", UNKNOWN_I);
    const cJSON *st = object_at(o, "status");
    if (st == NULL)
        return; /* not observed yet: every count unknown */
    d->observed_generation = count64_at(st, "observedGeneration");
    d->status_replicas = count_at(st, "replicas", 0);
    d->ready = count_at(st, "readyReplicas", 0);
    d->updated = count_at(st, "updatedReplicas", 0);
    d->available = count_at(st, "availableReplicas", 0);
    const cJSON *conds = cJSON_GetObjectItemCaseSensitive(st, "conditions");
    if (!cJSON_IsArray(conds))
        conds = NULL;
    const cJSON *c;
    cJSON_ArrayForEach(c, conds) {
        const char *type = json_get_string_ref(c, "type");
        if (type == NULL)
            continue;
        if (strcmp(type, "Progressing") == 0)
            parse_condition(c, &d->progressing);
        else if (strcmp(type, "Available") == 0)
            parse_condition(c, &d->available_cond);
        else if (strcmp(type, "ReplicaFailure") == 0)
            parse_condition(c, &d->replica_failure);
    }
}

static bool named(const cJSON *o) {
    const char *name = json_get_string_ref(object_at(o, "metadata"), "name");
    return cJSON_IsObject(o) && name != NULL && name[0] != '\0';
}

bool k8s_apps_deployment_from(const cJSON *o, struct apps_deployment *out) {
    apps_deployment_init(out);
    if (!named(o))
        return false;
    parse_deployment(o, out);
    return true;
}

enum fa_status k8s_apps_parse_deployments(const char *body, size_t len,
                                          struct apps_deployment_list *out, char *err,
                                          size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    char *smsg = k8s_api_error_message(body, len);
    if (smsg != NULL) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "Kubernetes error: %s", smsg);
        free(smsg);
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    if (!cJSON_IsArray(items) && !cJSON_IsNull(items)) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "expected object with \"items\" array");
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    if (!cJSON_IsArray(items))
        items = NULL; /* "items": null is an empty list */
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        struct apps_deployment d;
        if (k8s_apps_deployment_from(it, &d))
            apps_deployment_list_put(out, &d);
        apps_deployment_free(&d);
    }
    cJSON_Delete(root);
    return FA_OK;
}
