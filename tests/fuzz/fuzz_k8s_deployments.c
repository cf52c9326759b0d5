/* DeploymentList (k8s_apps_parse_deployments), each item then as a watch event applied to
 * a namespace (k8s_apply_event), and its rollout read (apps_deployment_rollout).
 */
// seeds: k8s/deployments*.json k8s/pods*.json k8s/status*.json
#include <cjson/cJSON.h>
#include <string.h>

#include "fuzz.h"
#include "k8s_apply.h"
#include "k8s_apps.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char err[256];
    struct apps_deployment_list out;
    memset(&out, 0, sizeof out);
    if (k8s_apps_parse_deployments(FUZZ_BODY, size, &out, err, sizeof err) == FA_OK)
        for (size_t i = 0; i < out.len; i++)
            (void)apps_deployment_rollout(&out.items[i], NULL);
    apps_deployment_list_free(&out);

    cJSON *root = cJSON_ParseWithLength(FUZZ_BODY, size);
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(root, "items");
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    k8s_context_namespace_add(&s, "flink-prod");
    const cJSON *arr = cJSON_IsArray(items) ? items : root, *it;
    int k = 0;
    cJSON_ArrayForEach(it, arr) {
        enum k8s_watch_type t = (enum k8s_watch_type)(k++ % 3); /* ADDED, MODIFIED, DELETED */
        k8s_apply_event(&s, WK_APPS, NULL, t, it);
    }
    k8s_apply_list(&s, WK_APPS, "flink-prod", items);
    k8s_context_data_free(&s);
    cJSON_Delete(root);
    return 0;
}
