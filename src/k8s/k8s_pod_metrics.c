#include "k8s_pod_metrics.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_get.h"
#include "k8s_api.h"
#include "xalloc.h"

char *k8s_pod_metrics_path(const char *ns, const char *name) {
    char *e_ns = curl_easy_escape(NULL, ns ? ns : "", 0);
    char *e_name = curl_easy_escape(NULL, name ? name : "", 0);
    char *path = xasprintf("/apis/metrics.k8s.io/v1beta1/namespaces/%s/pods/%s", e_ns ? e_ns : "",
                           e_name ? e_name : "");
    curl_free(e_ns);
    curl_free(e_name);
    return path;
}

/* A 404 Status about podmetrics (details.group metrics.k8s.io) means the API is there but
 * has nothing for the pod; any other 404 (a plain "404 page not found", or the
 * apiserver's "the server could not find the requested resource") means no such API. */
static enum k8s_pod_metrics_result not_found(const char *body, size_t len) {
    enum k8s_pod_metrics_result res = K8S_PM_NO_API;
    cJSON *root = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *details =
        cJSON_IsObject(root) ? cJSON_GetObjectItemCaseSensitive(root, "details") : NULL;
    const char *group = cJSON_IsObject(details) ? json_get_string_ref(details, "group") : NULL;
    if (group && strcmp(group, "metrics.k8s.io") == 0)
        res = K8S_PM_NO_METRICS;
    cJSON_Delete(root);
    return res;
}

enum k8s_pod_metrics_result k8s_pod_metrics_parse(long status, const char *body, size_t len,
                                                  struct k8s_pod_usage *out, char *err,
                                                  size_t errlen) {
    enum k8s_pod_metrics_result res = K8S_PM_ERROR;
    cJSON *root = NULL;
    out->memory = -1;
    if (status == 404)
        return not_found(body, len);
    if (status < 200 || status >= 300) {
        char *why = body ? k8s_api_error_message(body, len) : NULL;
        if (why)
            snprintf(err, errlen, "HTTP %ld: %s", status, why);
        else
            snprintf(err, errlen, "HTTP %ld", status);
        free(why);
        return K8S_PM_ERROR;
    }
    root = body ? cJSON_ParseWithLength(body, len) : NULL;
    if (!cJSON_IsObject(root)) {
        snprintf(err, errlen, "not a JSON object");
        goto out;
    }
    const cJSON *containers = cJSON_GetObjectItemCaseSensitive(root, "containers");
    if (!cJSON_IsArray(containers)) {
        snprintf(err, errlen, "no containers in the pod's metrics");
        goto out;
    }
    const cJSON *c, *pick = NULL;
    cJSON_ArrayForEach(c, containers) {
        if (!cJSON_IsObject(c))
            continue;
        const char *name = json_get_string_ref(c, "name");
        if (pick == NULL || (name && strcmp(name, "flink-main-container") == 0))
            pick = c;
    }
    if (pick == NULL) { /* scraped before its containers: nothing yet */
        res = K8S_PM_NO_METRICS;
        goto out;
    }
    const cJSON *usage = cJSON_GetObjectItemCaseSensitive(pick, "usage");
    const char *mem = cJSON_IsObject(usage) ? json_get_string_ref(usage, "memory") : NULL;
    out->memory = mem ? k8s_api_parse_quantity(mem) : -1;
    if (out->memory < 0) {
        snprintf(err, errlen, "no memory usage quantity in the pod's metrics");
        goto out;
    }
    res = K8S_PM_OK;
out:
    cJSON_Delete(root);
    return res;
}
