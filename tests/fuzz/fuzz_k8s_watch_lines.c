/* A watch stream (k8s_watch_lines_feed) cut in two at a point the input chooses, each
 * event applied to a context's model (k8s_apply_event) as the kind the first byte picks,
 * with two namespaces held; then a list of the same objects (k8s_apply_list).
 */
// seeds: k8s/watch.*.jsonl
#include <string.h>

#include "fuzz.h"
#include "k8s_apply.h"
#include "k8s_watch.h"

struct run {
    struct k8s_context_state *s;
    enum k8s_wkind kind;
    cJSON *seen; /* every object, for the list at the end */
};

static void on_event(void *arg, const struct k8s_watch_event *ev) {
    struct run *r = arg;
    k8s_apply_event(r->s, r->kind, NULL, ev->type, ev->object);
    k8s_apply_event(r->s, r->kind, "flink-prod", ev->type, ev->object);
    if (cJSON_GetArraySize(r->seen) < 64)
        cJSON_AddItemToArray(r->seen, cJSON_Duplicate(ev->object, true));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size == 0)
        return 0;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    k8s_context_namespace_add(&s, "flink-prod");
    k8s_context_namespace_add(&s, "flink-staging");
    struct run r = {&s, (enum k8s_wkind)(data[0] % WK_COUNT), cJSON_CreateArray()};
    size_t cut = data[size / 2] % size;
    struct k8s_watch_lines p;
    k8s_watch_lines_init(&p, 16384);
    if (k8s_watch_lines_feed(&p, FUZZ_BODY, cut, on_event, &r) == 0)
        k8s_watch_lines_feed(&p, FUZZ_BODY + cut, size - cut, on_event, &r);
    k8s_watch_lines_free(&p);
    k8s_apply_list(&s, r.kind, NULL, r.seen);
    k8s_apply_list(&s, r.kind, "flink-staging", r.seen);
    k8s_context_namespace_remove(&s, "flink-prod");
    cJSON_Delete(r.seen);
    k8s_context_data_free(&s);
    return 0;
}
