#include "sim_k8s_metrics.h"

#include "sim_k8s.h"
#include "sim_metrics.h"
#include "sim_prng.h"
#include "xalloc.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define GROUP "metrics.k8s.io"
#define GV GROUP "/v1beta1"
#define PREFIX "/apis/" GROUP

static const int64_t mib = 1024 * 1024;

static atomic_bool absent;

void sim_k8s_metrics_absent(bool on) { atomic_store(&absent, on); }

bool sim_k8s_metrics_owns(const char *path) {
    return strncmp(path, PREFIX, sizeof PREFIX - 1) == 0 &&
           (path[sizeof PREFIX - 1] == '\0' || path[sizeof PREFIX - 1] == '/');
}

static cJSON *group(void) {
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "name", GROUP);
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "groupVersion", GV);
    cJSON_AddStringToObject(v, "version", "v1beta1");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(g, "versions"), cJSON_Duplicate(v, true));
    cJSON_AddItemToObject(g, "preferredVersion", v);
    return g;
}

void sim_k8s_metrics_groups(cJSON *groups) {
    if (!atomic_load(&absent))
        cJSON_AddItemToArray(groups, group());
}

static void resource_list(struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "APIResourceList");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddStringToObject(o, "groupVersion", GV);
    cJSON *arr = cJSON_AddArrayToObject(o, "resources");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "name", "pods");
    cJSON_AddStringToObject(e, "singularName", "");
    cJSON_AddBoolToObject(e, "namespaced", true);
    cJSON_AddStringToObject(e, "kind", "PodMetrics");
    cJSON *verbs = cJSON_AddArrayToObject(e, "verbs");
    cJSON_AddItemToArray(verbs, cJSON_CreateString("get"));
    cJSON_AddItemToArray(verbs, cJSON_CreateString("list"));
    cJSON_AddItemToArray(arr, e);
    sim_reply_json(r, 200, o);
}

static const char *str_at(const cJSON *o, const char *a, const char *b) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    const cJSON *v = b ? cJSON_GetObjectItemCaseSensitive(x, b) : x;
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* "2048Mi", "4Gi", "1073741824" (what the simulator's pods carry); -1 otherwise. */
static int64_t quantity(const char *s) {
    if (s == NULL)
        return -1;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (end == s || v < 0)
        return -1;
    if (strcmp(end, "") == 0)
        return v;
    if (strcmp(end, "Ki") == 0)
        return v << 10;
    if (strcmp(end, "Mi") == 0)
        return v << 20;
    if (strcmp(end, "Gi") == 0)
        return v << 30;
    return -1;
}

/* The memory limit of the pod's main container (the first: the simulator has one). */
static int64_t pod_limit(const cJSON *pod) {
    const cJSON *spec = cJSON_GetObjectItemCaseSensitive(pod, "spec");
    const cJSON *c = cJSON_GetArrayItem(cJSON_GetObjectItemCaseSensitive(spec, "containers"), 0);
    const cJSON *res = cJSON_GetObjectItemCaseSensitive(c, "resources");
    return quantity(str_at(res, "limits", "memory"));
}

/* The working set of pod (a Running one) at now, in bytes. */
static int64_t pod_usage(const struct sim_model *m, const cJSON *pod, int64_t now) {
    const char *name = str_at(pod, "metadata", "name");
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(pod, "metadata");
    const char *component = str_at(md, "labels", "component");
    const char *app = str_at(md, "labels", "app");
    int64_t used = -1;
    bool tm = component && strcmp(component, "taskmanager") == 0;
    for (size_t i = 0; i < m->n_clusters && used < 0; i++) {
        const struct sim_cluster *c = &m->clusters[i];
        if (tm) {
            for (size_t t = 0; t < c->n_tms && used < 0; t++) {
                if (c->tms[t].id == NULL || name == NULL || strcmp(c->tms[t].id, name) != 0)
                    continue;
                struct sim_tm_jvm j;
                sim_metrics_tm_jvm(c, t, now, &j);
                used = j.heap_used + j.nonheap_used + j.direct_used + j.managed_used + 96 * mib;
            }
        } else if (app && c->name && strcmp(c->name, app) == 0) {
            /* the JobManager's heap saw-tooths between a quarter and a half of 1 GiB
             * (sim_metrics_render_jobmanager), with 142 MiB non-heap beside it */
            double phase = fmod((double)now / 45000.0, 1.0);
            used = (int64_t)(1024.0 * (double)mib * (0.25 + 0.25 * phase)) + 142 * mib + 80 * mib;
        }
    }
    if (used < 0) /* a pod the model does not know: a steady figure */
        used = 512 * mib;
    int64_t limit = pod_limit(pod);
    if (limit > 0 && used > limit * 9 / 10) {
        /* the kubelet would have killed it: keep it under, still moving with the heap */
        uint64_t key = sim_prng_hash((uint64_t)now / 15000, (uint64_t)strlen(name ? name : ""), 7);
        used = limit * 7 / 10 + (int64_t)((double)(limit / 10) * sim_prng_unit(key, 1, 2));
    }
    return used;
}

static cJSON *pod_metrics(const struct sim_model *m, const cJSON *pod, int64_t now) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "PodMetrics");
    cJSON_AddStringToObject(o, "apiVersion", GV);
    cJSON *md = cJSON_AddObjectToObject(o, "metadata");
    const char *name = str_at(pod, "metadata", "name");
    const char *ns = str_at(pod, "metadata", "namespace");
    cJSON_AddStringToObject(md, "name", name ? name : "");
    cJSON_AddStringToObject(md, "namespace", ns ? ns : "");
    sim_k8s_add_time(md, "creationTimestamp", now);
    const cJSON *labels = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(pod, "metadata"), "labels");
    if (labels)
        cJSON_AddItemToObject(md, "labels", cJSON_Duplicate(labels, true));
    sim_k8s_add_time(o, "timestamp", now - now % 15000); /* scraped every 15 s */
    cJSON_AddStringToObject(o, "window", "15s");
    cJSON *ctrs = cJSON_AddArrayToObject(o, "containers");
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "name", "flink-main-container");
    cJSON *usage = cJSON_AddObjectToObject(c, "usage");
    char buf[40];
    uint64_t key = sim_prng_hash((uint64_t)now / 15000, (uint64_t)strlen(name ? name : ""), 3);
    snprintf(buf, sizeof buf, "%lldn",
             (long long)(150000000.0 + 600000000.0 * sim_prng_unit(key, 0, 1)));
    cJSON_AddStringToObject(usage, "cpu", buf);
    snprintf(buf, sizeof buf, "%lldKi", (long long)(pod_usage(m, pod, now) / 1024));
    cJSON_AddStringToObject(usage, "memory", buf);
    cJSON_AddItemToArray(ctrs, c);
    return o;
}

static bool running(const cJSON *pod) {
    const char *phase = str_at(pod, "status", "phase");
    return phase && strcmp(phase, "Running") == 0;
}

/* metrics-server's answer for a pod it has no metrics of */
static void no_metrics(struct sim_reply *r, const char *ns, const char *name) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Status");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(o, "status", "Failure");
    char *msg = xasprintf("podmetrics.metrics.k8s.io \"%s/%s\" not found", ns, name);
    cJSON_AddStringToObject(o, "message", msg);
    free(msg);
    cJSON_AddStringToObject(o, "reason", "NotFound");
    cJSON *d = cJSON_AddObjectToObject(o, "details");
    cJSON_AddStringToObject(d, "name", name);
    cJSON_AddStringToObject(d, "group", GROUP);
    cJSON_AddStringToObject(d, "kind", "pods");
    cJSON_AddNumberToObject(o, "code", 404);
    sim_reply_json(r, 404, o);
}

void sim_k8s_metrics_handle(const struct sim_model *m, const cJSON *pods, const char *method,
                            const char *path, int64_t now, struct sim_reply *r) {
    char ns[254] = "", name[254] = "";
    const char *rest = path + sizeof PREFIX - 1;
    if (atomic_load(&absent)) { /* no APIService: the API server itself does not know it */
        sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
        return;
    }
    if (strcmp(method, "GET") != 0) {
        sim_k8s_status(r, 405, "MethodNotAllowed", "the server does not allow this method");
        return;
    }
    if (rest[0] == '\0' || strcmp(rest, "/") == 0) {
        cJSON *g = group();
        cJSON_AddStringToObject(g, "kind", "APIGroup");
        cJSON_AddStringToObject(g, "apiVersion", "v1");
        sim_reply_json(r, 200, g);
        return;
    }
    if (strncmp(rest, "/v1beta1", 8) != 0) {
        sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
        return;
    }
    rest += 8;
    if (rest[0] == '\0') {
        resource_list(r);
        return;
    }
    /* /pods, /namespaces/NS/pods, /namespaces/NS/pods/NAME */
    int n = -1, end = -1;
    if (strcmp(rest, "/pods") == 0) {
        n = 0;
    } else if (sscanf(rest, "/namespaces/%253[^/]/pods%n", ns, &end) == 1 && end > 0) {
        if (rest[end] == '\0')
            n = 1;
        else if (rest[end] == '/' && strchr(rest + end + 1, '/') == NULL &&
                 sscanf(rest + end, "/%253[^/]", name) == 1)
            n = 2;
    }
    if (n < 0) {
        sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
        return;
    }
    const cJSON *pod;
    if (n == 2) {
        cJSON_ArrayForEach(pod, pods) {
            const char *pn = str_at(pod, "metadata", "name");
            const char *pns = str_at(pod, "metadata", "namespace");
            if (pn && pns && strcmp(pn, name) == 0 && strcmp(pns, ns) == 0) {
                if (running(pod))
                    sim_reply_json(r, 200, pod_metrics(m, pod, now));
                else
                    no_metrics(r, ns, name);
                return;
            }
        }
        no_metrics(r, ns, name);
        return;
    }
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "PodMetricsList");
    cJSON_AddStringToObject(o, "apiVersion", GV);
    cJSON_AddObjectToObject(o, "metadata");
    cJSON *items = cJSON_AddArrayToObject(o, "items");
    cJSON_ArrayForEach(pod, pods) {
        const char *pns = str_at(pod, "metadata", "namespace");
        if (running(pod) && (n == 0 || (pns && strcmp(pns, ns) == 0)))
            cJSON_AddItemToArray(items, pod_metrics(m, pod, now));
    }
    sim_reply_json(r, 200, o);
}
