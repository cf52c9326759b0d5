#include "sim_k8s.h"
#include "sim_logs.h"

#include "sim_deployments.h"
#include "sim_json_patch.h"
#include "sim_k8s_auth.h"
#include "sim_k8s_metrics.h"
#include "sim_k8s_openapi.h"
#include "sim_k8s_store.h"
#include "sim_k8s_table.h"
#include "sim_k8s_watch.h"
#include "sim_operator.h"
#include "sim_prom_proxy.h"
#include "sim_sessionjobs.h"
#include "sim_snapshots.h"
#include "xalloc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "sim_autoscaler.h"

#define MAX_SEGMENTS 10
#define FLINK_GV "flink.apache.org/v1beta1"
#define APPS_GV "apps/v1"
#define OPERATOR "flink-kubernetes-operator"
#define REST_PORT 8081

enum k8s_kind {
    K8S_NAMESPACES,
    K8S_PODS,
    K8S_EVENTS,
    K8S_SERVICES,
    K8S_FLINKDEP,
    K8S_SESSIONJOB,
    K8S_SNAPSHOT,
    K8S_DEPLOYMENT,
    K8S_CONFIGMAPS, /* the autoscaler's state (sim_autoscaler.h) */
    K8S_KIND_COUNT
};

struct sim_k8s {
    cJSON *deployments; /* owned array: metadata + spec; index = cluster index */
    cJSON *snapshots;   /* owned array of FlinkStateSnapshots */
    char **namespaces;  /* owned: each deployment's namespace */
    char **names;       /* owned: each deployment's name (= its cluster's name) */
    size_t n;
    long resource_version; /* the latest one handed out */
    int64_t started_at;
    unsigned snapshot_seq;
    struct sim_operator_state *operators; /* owned: each deployment's reconcile cycle */
    struct sim_autoscaler *autoscalers;   /* owned: each deployment's autoscaler */
    char (*jids)[33];                     /* each deployment's job (the first running at start) */
    struct sim_snapshots progress;        /* the FlinkStateSnapshots' progress */
    char *forbidden_user;         /* owned: patches and creates are 403 for him; NULL = not */
    struct sim_deployments *apps; /* owned: the apps/v1 Deployments (standalone clusters) */
    int64_t *oom_at; /* owned, a deployment each: when its first task manager was OOMKilled
                        (POST /_sim/k8s/NS/NAME/oom), 0 never */
    struct sim_k8s_store *store;   /* owned: resourceVersions and the change log of all kinds */
    struct sim_k8s_watch_hub *hub; /* owned: wakes and ends the watch streams */
    struct sim_model *model;       /* borrowed: what the objects are rendered from */
    cJSON *status_overlays; /* owned array, a deployment each: merged over the rendered status
                               (PATCH .../flinkdeployments/NAME/status) */
    bool *deleted;          /* owned, a deployment each: DELETEd (gone from every list) */
    bool *orphaned;         /* owned: deleted with propagationPolicy=Orphan (pods stay) */
    bool *standalone;       /* owned, a cluster each: no FlinkDeployment (sim_deployments') */
    struct sim_sessionjobs *sessionjobs; /* owned: the FlinkSessionJobs */
    cJSON *created;      /* owned array: FlinkDeployments clients created once the model had no
                            room for another cluster (stored, deploying forever) */
    int64_t *created_at; /* owned, a deployment each: when a client created it (its cluster
                            deployed then by the operator), 0 = there from the start */
    struct sim_k8s_openapi *openapi; /* owned: /openapi/v2 and /openapi/v3 */
    const char *list_ns; /* borrowed, set by ns_items for one call: add_pods and add_events
                            render this namespace only; NULL every namespace */
};

struct k8s_request {
    const char *seg[MAX_SEGMENTS];
    size_t seg_len[MAX_SEGMENTS];
    size_t n_seg;
};

/* ---- small helpers ------------------------------------------------------------------ */

static uint64_t fnv(const char *s, uint64_t salt) {
    uint64_t h = 1469598103934665603ULL ^ salt;
    for (; *s != '\0'; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* Kubernetes' random-name alphabet (no vowels, no look-alikes). */
static void name_suffix(char *out, size_t n, uint64_t h) {
    static const char alphabet[] = "bcdfghjklmnpqrstvwxz2456789";
    for (size_t i = 0; i + 1 < n; i++) {
        out[i] = alphabet[h % (sizeof alphabet - 1)];
        h /= sizeof alphabet - 1;
        if (h == 0)
            h = fnv(out, i);
    }
    out[n - 1] = '\0';
}

void sim_k8s_suffix(char *out, size_t n, const char *key, uint64_t salt) {
    name_suffix(out, n, fnv(key, salt));
}

/* Returns owned uid "8-4-4-4-12" derived from key. */
static char *make_uid(const char *key) {
    uint64_t a = fnv(key, 1), b = fnv(key, 2);
    return xasprintf("%08x-%04x-4%03x-a%03x-%012llx", (unsigned)(a >> 32), (unsigned)(a & 0xffff),
                     (unsigned)((a >> 16) & 0xfff), (unsigned)(b >> 52),
                     (unsigned long long)(b & 0xffffffffffffULL));
}

/* RFC 3339 UTC, second precision: "2026-11-24T13:00:00Z". */
static void rfc3339(char *out, size_t n, int64_t ms) {
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&s, &tm);
    strftime(out, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void add_time(cJSON *o, const char *key, int64_t ms) {
    char buf[32];
    rfc3339(buf, sizeof buf, ms);
    cJSON_AddStringToObject(o, key, buf);
}

char *sim_k8s_uid(const char *key) { return make_uid(key); }

void sim_k8s_add_time(cJSON *o, const char *key, int64_t ms) { add_time(o, key, ms); }

static void add_ms_string(cJSON *o, const char *key, int64_t ms) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)ms);
    cJSON_AddStringToObject(o, key, buf);
}

static char *rv_string(long rv) { return xasprintf("%ld", rv); }

static const char *get_str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static cJSON *get_obj(cJSON *o, const char *key) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

void sim_k8s_status(struct sim_reply *r, int code, const char *reason, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = xmalloc(n > 0 ? (size_t)n + 1 : 1);
    msg[0] = '\0';
    va_start(ap, fmt);
    if (n > 0)
        vsnprintf(msg, (size_t)n + 1, fmt, ap);
    va_end(ap);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Status");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(o, "status", "Failure");
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "reason", reason);
    cJSON_AddNumberToObject(o, "code", code);
    free(msg);
    sim_reply_json(r, code, o);
}

/* ---- the stored FlinkDeployments ---------------------------------------------------- */

static const char *upgrade_mode(size_t ci) {
    return ci == 0 ? "savepoint" : ci == 1 ? "last-state" : "stateless";
}

static char *flink_version_enum(const struct sim_cluster *c) {
    return xasprintf("v%d_%d", c->version_major, c->version_minor);
}

static cJSON *resource_json(const char *cpu, const char *memory) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddRawToObject(o, "cpu", cpu);
    cJSON_AddStringToObject(o, "memory", memory);
    return o;
}

static cJSON *build_deployment(const struct sim_cluster *c, const char *ns, long rv,
                               int64_t created) {
    const struct sim_profile *p = c->profile;
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "apiVersion", FLINK_GV);
    cJSON_AddStringToObject(d, "kind", "FlinkDeployment");
    cJSON *md = cJSON_AddObjectToObject(d, "metadata");
    cJSON_AddStringToObject(md, "name", c->name);
    cJSON_AddStringToObject(md, "namespace", ns);
    char *key = xasprintf("%s/%s", ns, c->name);
    char *uid = make_uid(key);
    cJSON_AddStringToObject(md, "uid", uid);
    free(uid);
    free(key);
    char *rvs = rv_string(rv);
    cJSON_AddStringToObject(md, "resourceVersion", rvs);
    free(rvs);
    cJSON_AddNumberToObject(md, "generation", 1);
    add_time(md, "creationTimestamp", created);
    cJSON *labels = cJSON_AddObjectToObject(md, "labels");
    cJSON_AddStringToObject(labels, "app.kubernetes.io/name", c->name);
    cJSON_AddStringToObject(labels, "environment",
                            c->profile->name != NULL ? c->profile->name : c->name);

    cJSON *spec = cJSON_AddObjectToObject(d, "spec");
    char *image = xasprintf("flink:%d.%d", c->version_major, c->version_minor);
    cJSON_AddStringToObject(spec, "image", image);
    free(image);
    cJSON_AddStringToObject(spec, "imagePullPolicy", "IfNotPresent");
    char *fv = flink_version_enum(c);
    cJSON_AddStringToObject(spec, "flinkVersion", fv);
    free(fv);
    cJSON_AddStringToObject(spec, "serviceAccount", "flink");
    cJSON_AddStringToObject(spec, "mode", "native");
    cJSON *conf = cJSON_AddObjectToObject(spec, "flinkConfiguration");
    char *slots = xasprintf("%d", c->n_tms > 0 ? c->tms[0].slots : p->slots_per_tm);
    cJSON_AddStringToObject(conf, "taskmanager.numberOfTaskSlots", slots);
    free(slots);
    cJSON_AddStringToObject(conf, "state.backend.type", p->state_backend);
    char *v = xasprintf("%d s", p->checkpoint_interval_s);
    cJSON_AddStringToObject(conf, "execution.checkpointing.interval", v);
    free(v);
    v = xasprintf("s3://flink-%s/checkpoints", c->name);
    cJSON_AddStringToObject(conf, "state.checkpoints.dir", v);
    free(v);
    v = sim_actions_savepoint_dir(c);
    if (v != NULL)
        cJSON_AddStringToObject(conf, "state.savepoints.dir", v);
    free(v);
    cJSON_AddStringToObject(conf, "jobmanager.scheduler", p->scheduler);
    cJSON_AddStringToObject(conf, "high-availability.type", "kubernetes");
    v = xasprintf("s3://flink-%s/ha", c->name);
    cJSON_AddStringToObject(conf, "high-availability.storageDir", v);
    free(v);
    cJSON_AddStringToObject(conf, "kubernetes.operator.periodic.savepoint.interval",
                            c->index == 0 ? "6h" : "0");
    if (sim_catalog_autoscaled(c->name)) { /* the operator's autoscaler, as its docs set it */
        cJSON_AddStringToObject(conf, "job.autoscaler.enabled", "true");
        cJSON_AddStringToObject(conf, "job.autoscaler.stabilization.interval", "1m");
        cJSON_AddStringToObject(conf, "job.autoscaler.metrics.window", "5m");
        cJSON_AddStringToObject(conf, "job.autoscaler.target.utilization", "0.6");
    }
    cJSON *jm = cJSON_AddObjectToObject(spec, "jobManager");
    cJSON_AddNumberToObject(jm, "replicas", c->jm_replicas);
    cJSON_AddItemToObject(jm, "resource", resource_json("1", "2048m"));
    cJSON *tm = cJSON_AddObjectToObject(spec, "taskManager");
    cJSON_AddNumberToObject(tm, "replicas", (double)c->n_tms);
    cJSON_AddItemToObject(tm, "resource", resource_json("2", "4096m"));
    if (c->mode == SIM_MODE_SESSION)
        return d; /* a session cluster: no spec.job, its jobs are FlinkSessionJobs */
    cJSON *job = cJSON_AddObjectToObject(spec, "job");
    v = xasprintf("local:///opt/flink/usrlib/%s-pipelines.jar", c->name);
    cJSON_AddStringToObject(job, "jarURI", v);
    free(v);
    cJSON_AddStringToObject(job, "entryClass", "com.example.pipelines.Main");
    cJSON_AddNumberToObject(job, "parallelism",
                            c->n_jobs > 0 ? c->jobs[0].vertices[0].parallelism : 2);
    cJSON_AddStringToObject(job, "upgradeMode", upgrade_mode(c->index));
    cJSON_AddStringToObject(job, "state", "running");
    return d;
}

/* The namespace of cluster ci: the model's (the fleet's, or the grid's one a cluster). */
static char *namespace_for(const struct sim_cluster *c) { return xstrdup(c->namespace); }

struct sim_k8s *sim_k8s_new(struct sim_model *m, int64_t now_ms) {
    struct sim_k8s *k = xcalloc(1, sizeof *k);
    k->n = m->n_clusters;
    k->deployments = cJSON_CreateArray();
    k->snapshots = cJSON_CreateArray();
    k->namespaces = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->namespaces);
    k->names = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->names);
    k->started_at = m->started_at;
    k->resource_version = 1000;
    for (size_t i = 0; i < k->n; i++) {
        const struct sim_cluster *c = &m->clusters[i];
        k->namespaces[i] = namespace_for(c);
        k->names[i] = xstrdup(c->name);
        /* Created a while before the oldest simulated history. */
        int64_t created = now_ms - 14LL * 24 * 3600 * 1000 + (int64_t)i * 3600 * 1000;
        cJSON_AddItemToArray(k->deployments,
                             build_deployment(c, k->namespaces[i], ++k->resource_version, created));
    }
    k->apps = sim_deployments_new(m, k->namespaces, &k->resource_version, now_ms);
    k->sessionjobs = sim_sessionjobs_new(m, &k->resource_version, now_ms);
    k->created = cJSON_CreateArray();
    k->operators = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->operators);
    k->autoscalers = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->autoscalers);
    for (size_t i = 0; i < k->n; i++)
        sim_autoscaler_init(&k->autoscalers[i], k->started_at);
    k->jids = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->jids);
    k->oom_at = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->oom_at);
    k->model = m;
    k->store = sim_k8s_store_new(K8S_KIND_COUNT, k->resource_version);
    k->hub = sim_k8s_watch_hub_new();
    k->openapi = sim_k8s_openapi_new();
    k->status_overlays = cJSON_CreateArray();
    for (size_t i = 0; i < k->n; i++)
        cJSON_AddItemToArray(k->status_overlays, cJSON_CreateObject());
    k->deleted = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->deleted);
    k->orphaned = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->orphaned);
    k->standalone = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->standalone);
    k->created_at = xcalloc(k->n > 0 ? k->n : 1, sizeof *k->created_at);
    for (size_t i = 0; i < k->n; i++) {
        const struct sim_cluster *c = &m->clusters[i];
        k->standalone[i] = c->mode == SIM_MODE_STANDALONE;
        cJSON *d = cJSON_GetArrayItem(k->deployments, (int)i);
        sim_operator_init(&k->operators[i], get_obj(d, "spec"), 1, i == 1 ? "DEPLOYED" : "STABLE");
        /* The operator follows one job: the first running one at start; a session
         * cluster's jobs are its FlinkSessionJobs' (sim_sessionjobs). */
        if (c->mode != SIM_MODE_APPLICATION)
            continue;
        for (size_t ji = 0; ji < c->n_jobs && k->jids[i][0] == '\0'; ji++)
            if (c->jobs[ji].state == SIM_JOB_RUNNING)
                snprintf(k->jids[i], sizeof k->jids[i], "%s", c->jobs[ji].jid);
        if (k->jids[i][0] == '\0' && c->n_jobs > 0)
            snprintf(k->jids[i], sizeof k->jids[i], "%s", c->jobs[0].jid);
    }
    return k;
}

void sim_k8s_free(struct sim_k8s *k) {
    if (k == NULL)
        return;
    for (size_t i = 0; i < k->n; i++) {
        free(k->namespaces[i]);
        free(k->names[i]);
    }
    for (size_t i = 0; i < k->n; i++)
        sim_operator_free(&k->operators[i]);
    free(k->operators);
    free(k->autoscalers);
    sim_deployments_free(k->apps);
    sim_sessionjobs_free(k->sessionjobs);
    cJSON_Delete(k->created);
    free(k->jids);
    free(k->oom_at);
    sim_k8s_store_free(k->store);
    sim_k8s_watch_hub_free(k->hub);
    cJSON_Delete(k->status_overlays);
    sim_k8s_openapi_free(k->openapi);
    free(k->deleted);
    free(k->orphaned);
    free(k->standalone);
    free(k->created_at);
    free(k->forbidden_user);
    sim_snapshots_free(&k->progress);
    free(k->namespaces);
    free(k->names);
    cJSON_Delete(k->deployments);
    cJSON_Delete(k->snapshots);
    free(k);
}

/* ---- rendered objects --------------------------------------------------------------- */

/* The job deployment i runs (the first running one at start), or NULL. */
static struct sim_job *tracked_job(const struct sim_k8s *k, size_t i, struct sim_cluster *c) {
    return i < k->n ? sim_actions_job(c, k->jids[i]) : NULL; /* redeploys renew job ids */
}

/* The JobManager Deployment's name: NAME (native), NAME-jobmanager (standalone). Owned. */
static char *jm_deployment_name(const struct sim_cluster *c) {
    return c->mode == SIM_MODE_STANDALONE ? xasprintf("%s-jobmanager", c->name) : xstrdup(c->name);
}

/* JobManager pod r's name ("<deployment>-<replicaset>-<pod>"), r 0 the leader: owned.
 * rs (when not NULL, 11 bytes) gets the ReplicaSet's hash. */
static char *jm_pod_name(const struct sim_cluster *c, int r, char *rs_out) {
    char rs[11], pod[6];
    name_suffix(rs, sizeof rs, fnv(c->name, 7));
    name_suffix(pod, sizeof pod, fnv(c->name, 8 + (uint64_t)r * 101));
    if (rs_out != NULL)
        memcpy(rs_out, rs, sizeof rs);
    char *dep = jm_deployment_name(c);
    char *out = xasprintf("%s-%s-%s", dep, rs, pod);
    free(dep);
    return out;
}

char *sim_k8s_jm_pod_name(const struct sim_cluster *c) { return jm_pod_name(c, 0, NULL); }

const char *sim_k8s_namespace(const struct sim_k8s *k, size_t i) {
    return i < k->n ? k->namespaces[i] : NULL;
}

static int present_tms(const struct sim_cluster *c) {
    int n = 0;
    for (size_t i = 0; i < c->n_tms; i++)
        n += c->tms[i].present;
    return n;
}

/* A deep copy of stored deployment i with its status rendered from cluster c at now. */
static cJSON *render_deployment(struct sim_k8s *k, size_t i, struct sim_cluster *c, int64_t now) {
    cJSON *d = cJSON_Duplicate(cJSON_GetArrayItem(k->deployments, (int)i), true);
    cJSON *md = get_obj(d, "metadata");
    cJSON *spec = get_obj(d, "spec");
    cJSON *job_spec = spec != NULL ? get_obj(spec, "job") : NULL;
    const char *desired = job_spec != NULL ? get_str(job_spec, "state") : NULL;
    bool suspended = desired != NULL && strcmp(desired, "suspended") == 0;

    cJSON *st = cJSON_AddObjectToObject(d, "status");
    const char *lifecycle = suspended ? "SUSPENDED" : i == 1 ? "DEPLOYED" : "STABLE";
    cJSON_AddStringToObject(st, "lifecycleState", lifecycle);
    cJSON_AddStringToObject(st, "jobManagerDeploymentStatus", suspended ? "MISSING" : "READY");
    cJSON *js = cJSON_AddObjectToObject(st, "jobStatus");
    const struct sim_job *j = tracked_job(k, i, c);
    if (!sim_operator_job_visible(&k->operators[i], now))
        j = NULL; /* created: the operator has not picked it up yet */
    if (j != NULL) {
        cJSON_AddStringToObject(js, "jobId", j->jid);
        cJSON_AddStringToObject(js, "jobName", j->name);
        cJSON_AddStringToObject(js, "state",
                                suspended ? "SUSPENDED" : sim_job_state_name(j->state));
        add_ms_string(js, "startTime", j->start_time);
        add_ms_string(js, "updateTime", j->last_modification);
    }
    cJSON *rs = cJSON_AddObjectToObject(st, "reconciliationStatus");
    cJSON_AddStringToObject(rs, "state", "DEPLOYED");
    cJSON_AddNumberToObject(rs, "reconciliationTimestamp", (double)k->started_at);
    if (spec != NULL) {
        char *last = cJSON_PrintUnformatted(spec);
        cJSON_AddStringToObject(rs, "lastReconciledSpec", last);
        free(last);
    }
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(md, "generation");
    cJSON_AddNumberToObject(st, "observedGeneration", cJSON_IsNumber(gen) ? gen->valuedouble : 1);
    cJSON *ci = cJSON_AddObjectToObject(st, "clusterInfo");
    cJSON_AddStringToObject(ci, "flink-version", c->profile->version);
    char *rev = xasprintf("%s @ %s", c->profile->commit, c->profile->build_date);
    cJSON_AddStringToObject(ci, "flink-revision", rev);
    free(rev);
    char *cpu = xasprintf("%d.0", 1 + 2 * present_tms(c));
    cJSON_AddStringToObject(ci, "total-cpu", cpu);
    free(cpu);
    cJSON *tm = cJSON_AddObjectToObject(st, "taskManager");
    char *sel = xasprintf("component=taskmanager,app=%s", c->name);
    cJSON_AddStringToObject(tm, "labelSelector", suspended ? "" : sel);
    free(sel);
    cJSON_AddNumberToObject(tm, "replicas", suspended ? 0 : present_tms(c));
    /* What the operator's reconcile cycle says now (lifecycle, generations, savepoints). */
    sim_autoscaler_advance(&k->autoscalers[i], spec, c, tracked_job(k, i, c), now);
    sim_operator_advance(&k->operators[i], c, j, k->names[i], now);
    sim_operator_status(&k->operators[i], c, j, st, now);
    /* what clients wrote through the status subresource */
    cJSON *overlay = cJSON_GetArrayItem(k->status_overlays, (int)i);
    if (cJSON_IsObject(overlay))
        sim_json_merge_patch(st, overlay);
    return d;
}

/* metadata with resourceVersion "0": sim_k8s_store gives every rendered object its own. */
static cJSON *object_meta(cJSON *o, const char *name, const char *ns, int64_t created) {
    cJSON *md = cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(md, "name", name);
    if (ns != NULL)
        cJSON_AddStringToObject(md, "namespace", ns);
    char *key = xasprintf("%s/%s", ns != NULL ? ns : "", name);
    char *uid = make_uid(key);
    cJSON_AddStringToObject(md, "uid", uid);
    free(uid);
    free(key);
    cJSON_AddStringToObject(md, "resourceVersion", "0");
    add_time(md, "creationTimestamp", created);
    return md;
}

/* Flink's memory ("2048m", "4g") as Kubernetes quantity ("2048Mi", "4Gi"): owned. */
static char *k8s_memory(const char *flink) {
    if (flink == NULL || flink[0] == '\0')
        return xstrdup("1Gi");
    size_t n = strlen(flink);
    char unit = flink[n - 1];
    if (unit == 'm' || unit == 'M')
        return xasprintf("%.*sMi", (int)(n - 1), flink);
    if (unit == 'g' || unit == 'G')
        return xasprintf("%.*sGi", (int)(n - 1), flink);
    return xstrdup(flink);
}

/* The container's resources from the FlinkDeployment's jobManager/taskManager.resource. */
static cJSON *pod_resources(const cJSON *spec, bool tm) {
    cJSON *res =
        get_obj(get_obj((cJSON *)(uintptr_t)spec, tm ? "taskManager" : "jobManager"), "resource");
    const cJSON *cpu = cJSON_GetObjectItemCaseSensitive(res, "cpu");
    char *cpu_s = cJSON_IsNumber(cpu) ? xasprintf("%g", cpu->valuedouble) : xstrdup(tm ? "2" : "1");
    char *mem = k8s_memory(get_str(res, "memory"));
    cJSON *out = cJSON_CreateObject();
    cJSON *lim = cJSON_AddObjectToObject(out, "limits");
    cJSON_AddStringToObject(lim, "cpu", cpu_s);
    cJSON_AddStringToObject(lim, "memory", mem);
    cJSON_AddItemToObject(out, "requests", cJSON_Duplicate(lim, true));
    free(cpu_s);
    free(mem);
    return out;
}

static void add_port(cJSON *ports, const char *name, int port) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", name);
    cJSON_AddNumberToObject(p, "containerPort", port);
    cJSON_AddStringToObject(p, "protocol", "TCP");
    cJSON_AddItemToArray(ports, p);
}

static void add_condition(cJSON *conds, const char *type, int64_t at) {
    cJSON *c = cJSON_CreateObject();
    cJSON_AddStringToObject(c, "type", type);
    cJSON_AddStringToObject(c, "status", "True");
    cJSON_AddNullToObject(c, "lastProbeTime");
    add_time(c, "lastTransitionTime", at);
    cJSON_AddItemToArray(conds, c);
}

/* A pod as the kubelet reports it: spec with the container's image, ports and resources;
 * status with conditions and the container's state (and lastState after an OOM kill). */
static cJSON *pod_json(const struct sim_k8s *k, size_t i, const char *pod, const char *component,
                       const char *ip, int64_t created, int node, int restarts, int64_t oom_ms) {
    const char *name = k->names[i];
    bool tm = strcmp(component, "taskmanager") == 0;
    const cJSON *fd_spec = get_obj(cJSON_GetArrayItem(k->deployments, (int)i), "spec");
    const char *image = get_str(fd_spec, "image");
    const char *pull = get_str(fd_spec, "imagePullPolicy");
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "apiVersion", "v1");
    cJSON_AddStringToObject(p, "kind", "Pod");
    cJSON *md = object_meta(p, pod, k->namespaces[i], created);
    cJSON *labels = cJSON_AddObjectToObject(md, "labels");
    cJSON_AddStringToObject(labels, "app", name);
    cJSON_AddStringToObject(labels, "component", component);
    if (!k->standalone[i])
        cJSON_AddStringToObject(labels, "type", "flink-native-kubernetes");
    cJSON *spec = cJSON_AddObjectToObject(p, "spec");
    cJSON *containers = cJSON_AddArrayToObject(spec, "containers");
    cJSON *ctr = cJSON_CreateObject();
    cJSON_AddStringToObject(ctr, "name", "flink-main-container");
    cJSON_AddStringToObject(ctr, "image", image != NULL ? image : "flink:latest");
    cJSON_AddStringToObject(ctr, "imagePullPolicy", pull != NULL ? pull : "IfNotPresent");
    cJSON *args = cJSON_AddArrayToObject(ctr, "args");
    cJSON_AddItemToArray(args, cJSON_CreateString(tm ? "taskmanager" : "jobmanager"));
    cJSON *ports = cJSON_AddArrayToObject(ctr, "ports");
    if (tm) {
        add_port(ports, "rpc", 6122);
    } else {
        add_port(ports, "rest", REST_PORT);
        add_port(ports, "jobmanager-rpc", 6123);
        add_port(ports, "blobserver", 6124);
    }
    cJSON_AddItemToObject(ctr, "resources", pod_resources(fd_spec, tm));
    cJSON_AddStringToObject(ctr, "terminationMessagePath", "/dev/termination-log");
    cJSON_AddStringToObject(ctr, "terminationMessagePolicy", "File");
    cJSON_AddItemToArray(containers, ctr);
    cJSON_AddStringToObject(spec, "restartPolicy", "Always");
    cJSON_AddNumberToObject(spec, "terminationGracePeriodSeconds", 30);
    cJSON_AddStringToObject(spec, "dnsPolicy", "ClusterFirst");
    cJSON_AddStringToObject(spec, "serviceAccountName", "flink");
    cJSON_AddStringToObject(spec, "serviceAccount", "flink");
    char *node_name = xasprintf("node-pool-a-%d", node);
    cJSON_AddStringToObject(spec, "nodeName", node_name);
    cJSON_AddStringToObject(spec, "schedulerName", "default-scheduler");
    cJSON_AddObjectToObject(spec, "securityContext");
    cJSON *st = cJSON_AddObjectToObject(p, "status");
    cJSON_AddStringToObject(st, "phase", "Running");
    cJSON *conds = cJSON_AddArrayToObject(st, "conditions");
    add_condition(conds, "Initialized", created);
    add_condition(conds, "Ready", created);
    add_condition(conds, "ContainersReady", created);
    add_condition(conds, "PodScheduled", created);
    cJSON_AddStringToObject(st, "hostIP", "10.0.0.1");
    cJSON_AddStringToObject(st, "podIP", ip);
    cJSON *ips = cJSON_CreateObject();
    cJSON_AddStringToObject(ips, "ip", ip);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(st, "podIPs"), ips);
    add_time(st, "startTime", created);
    cJSON *css = cJSON_AddArrayToObject(st, "containerStatuses");
    cJSON *cs = cJSON_CreateObject();
    cJSON_AddStringToObject(cs, "name", "flink-main-container");
    cJSON_AddBoolToObject(cs, "ready", true);
    cJSON_AddBoolToObject(cs, "started", true);
    cJSON_AddNumberToObject(cs, "restartCount", restarts);
    cJSON_AddStringToObject(cs, "image", image != NULL ? image : "flink:latest");
    char sha[65];
    for (size_t h = 0; h < 4; h++)
        snprintf(sha + h * 16, sizeof sha - h * 16, "%016llx",
                 (unsigned long long)fnv(image != NULL ? image : "", h));
    char *image_id = xasprintf("docker.io/library/flink@sha256:%s", sha);
    cJSON_AddStringToObject(cs, "imageID", image_id);
    free(image_id);
    char cid[65];
    for (size_t h = 0; h < 4; h++)
        snprintf(cid + h * 16, sizeof cid - h * 16, "%016llx",
                 (unsigned long long)fnv(pod, (uint64_t)created + h));
    char *container_id = xasprintf("containerd://%s", cid);
    cJSON_AddStringToObject(cs, "containerID", container_id);
    free(container_id);
    cJSON *state = cJSON_AddObjectToObject(cs, "state");
    add_time(cJSON_AddObjectToObject(state, "running"), "startedAt", created);
    cJSON *last = cJSON_AddObjectToObject(cs, "lastState");
    if (oom_ms > 0) { /* the container before this one ran out of memory */
        cJSON *term = cJSON_AddObjectToObject(last, "terminated");
        cJSON_AddNumberToObject(term, "exitCode", 137);
        cJSON_AddStringToObject(term, "reason", "OOMKilled");
        add_time(term, "startedAt", created - 3600000);
        add_time(term, "finishedAt", oom_ms);
    }
    cJSON_AddItemToArray(css, cs);
    cJSON_AddStringToObject(st, "qosClass", "Guaranteed");
    free(node_name);
    return p;
}

/* metadata.ownerReferences of object o: its controller, kind/name in ns (the uid as
 * sim_deployments and the ReplicaSets have it). */
static void add_owner(cJSON *o, const char *api_version, const char *kind, const char *ns,
                      const char *name, const char *uid_kind) {
    cJSON *ref = cJSON_CreateObject();
    cJSON_AddStringToObject(ref, "apiVersion", api_version);
    cJSON_AddStringToObject(ref, "kind", kind);
    cJSON_AddStringToObject(ref, "name", name);
    char *key = xasprintf("%s/%s/%s", ns, name, uid_kind);
    char *uid = make_uid(key);
    cJSON_AddStringToObject(ref, "uid", uid);
    free(uid);
    free(key);
    cJSON_AddBoolToObject(ref, "controller", true);
    cJSON_AddBoolToObject(ref, "blockOwnerDeletion", true);
    cJSON_AddItemToArray(cJSON_AddArrayToObject(get_obj(o, "metadata"), "ownerReferences"), ref);
}

static void add_pods(const struct sim_k8s *k, struct sim_model *m, cJSON *items, int64_t now) {
    for (size_t i = 0; i < k->n && i < m->n_clusters; i++) {
        const struct sim_cluster *c = &m->clusters[i];
        if (k->list_ns != NULL && strcmp(k->namespaces[i], k->list_ns) != 0)
            continue; /* a namespaced list (ns_items) */
        if (k->deleted[i] && !k->orphaned[i])
            continue; /* the garbage collector took the cluster's pods with it */
        /* A restartNonce restarts every pod: its count goes up and its age starts again. */
        int64_t restarted = 0;
        int restarts = sim_operator_pod_restarts(&k->operators[i], now, &restarted);
        /* A rollout of the standalone Deployment starts its pods again: their age too. */
        int64_t jm_rolled = sim_deployments_pods_started(k->apps, i, false, now);
        int64_t tm_rolled = sim_deployments_pods_started(k->apps, i, true, now);
        int64_t jm_start = k->started_at - 3600000;
        if (restarted > jm_start)
            jm_start = restarted;
        if (jm_rolled > jm_start)
            jm_start = jm_rolled;
        /* With HA the standby JobManagers run too (Running and ready, not leading). */
        char *jm_dep = jm_deployment_name(c);
        for (int r = 0; r < (c->jm_replicas > 0 ? c->jm_replicas : 1); r++) {
            char rs[11];
            char *jm = jm_pod_name(c, r, rs);
            char *ip = xasprintf("10.%zu.%d.10", 100 + i, r);
            cJSON *pod = pod_json(k, i, jm, "jobmanager", ip, jm_start,
                                  (int)((i + (size_t)r) % 3) + 1, restarts, 0);
            char *rs_name = xasprintf("%s-%s", jm_dep, rs);
            add_owner(pod, APPS_GV, "ReplicaSet", k->namespaces[i], rs_name, "replicaset");
            free(rs_name);
            /* the operator's cycle decides which pods exist and which deployment they belong to */
            if (sim_operator_pod(&k->operators[i], pod, false, jm_start, now))
                cJSON_AddItemToArray(items, pod);
            else
                cJSON_Delete(pod);
            free(ip);
            free(jm);
        }
        bool first = true;
        for (size_t t = 0; t < c->n_tms; t++) {
            const struct sim_tm *tm = &c->tms[t];
            if (!tm->present)
                continue;
            int64_t start = restarted > tm->registered_at ? restarted : tm->registered_at;
            if (tm_rolled > start)
                start = tm_rolled;
            int64_t oom = first && k->oom_at[i] > 0 && k->oom_at[i] <= now ? k->oom_at[i] : 0;
            first = false;
            if (oom > start)
                start = oom; /* the kubelet started the container again */
            cJSON *pod = pod_json(k, i, tm->id, "taskmanager", tm->ip, start,
                                  (int)((i + t) % 3) + 1, restarts + (oom > 0), oom);
            /* Native: Flink creates them, owned by the JobManager Deployment (they go with
             * it); standalone: the task manager Deployment's ReplicaSet. */
            if (k->standalone[i]) {
                char *rs_name = xasprintf("%s-taskmanager-%s", c->name, "5d8f7c9b64");
                add_owner(pod, APPS_GV, "ReplicaSet", k->namespaces[i], rs_name, "replicaset");
                free(rs_name);
            } else {
                add_owner(pod, APPS_GV, "Deployment", k->namespaces[i], jm_dep, "deployment");
            }
            if (sim_operator_pod(&k->operators[i], pod, true, start, now))
                cJSON_AddItemToArray(items, pod);
            else
                cJSON_Delete(pod);
        }
        free(jm_dep);
    }
}

static cJSON *event_json(const struct sim_k8s *k, size_t i, const char *kind, const char *obj,
                         const char *type, const char *reason, const char *message, int count,
                         int64_t first, int64_t last, int seq, const char *source) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "apiVersion", "v1");
    cJSON_AddStringToObject(e, "kind", "Event");
    char *name = xasprintf("%s.%016llx", obj, (unsigned long long)fnv(reason, (uint64_t)seq));
    object_meta(e, name, k->namespaces[i], first);
    free(name);
    cJSON *io = cJSON_AddObjectToObject(e, "involvedObject");
    bool pod = strcmp(kind, "Pod") == 0, deploy = strcmp(kind, "Deployment") == 0;
    cJSON_AddStringToObject(io, "apiVersion", pod ? "v1" : deploy ? APPS_GV : FLINK_GV);
    cJSON_AddStringToObject(io, "kind", kind);
    cJSON_AddStringToObject(io, "name", obj);
    cJSON_AddStringToObject(io, "namespace", k->namespaces[i]);
    /* The uid the object itself carries, so kubectl describe finds its events. */
    char *key = xasprintf("%s/%s%s", k->namespaces[i], obj,
                          deploy                                    ? "/deployment"
                          : strcmp(kind, "FlinkStateSnapshot") == 0 ? "/snapshot"
                                                                    : "");
    char *uid = make_uid(key);
    cJSON_AddStringToObject(io, "uid", uid);
    free(uid);
    free(key);
    /* The object's resourceVersion when the event was first recorded. */
    char *event_key = xasprintf("%s/%s", k->namespaces[i], get_str(get_obj(e, "metadata"), "name"));
    const cJSON *seen = sim_k8s_store_seen(k->store, K8S_EVENTS, event_key);
    const char *was =
        get_str(get_obj((cJSON *)(uintptr_t)seen, "involvedObject"), "resourceVersion");
    free(event_key);
    char *obj_key = xasprintf("%s/%s", k->namespaces[i], obj);
    long now_rv = sim_k8s_store_rv(k->store,
                                   pod                                       ? K8S_PODS
                                   : deploy                                  ? K8S_DEPLOYMENT
                                   : strcmp(kind, "FlinkStateSnapshot") == 0 ? K8S_SNAPSHOT
                                                                             : K8S_FLINKDEP,
                                   obj_key);
    free(obj_key);
    char *rv = was != NULL ? xstrdup(was) : rv_string(now_rv > 0 ? now_rv : k->resource_version);
    cJSON_AddStringToObject(io, "resourceVersion", rv);
    free(rv);
    if (pod)
        cJSON_AddStringToObject(io, "fieldPath", "spec.containers{flink-main-container}");
    cJSON_AddStringToObject(e, "reason", reason);
    cJSON_AddStringToObject(e, "message", message);
    cJSON *src = cJSON_AddObjectToObject(e, "source");
    cJSON_AddStringToObject(src, "component", source);
    add_time(e, "firstTimestamp", first);
    add_time(e, "lastTimestamp", last);
    cJSON_AddNumberToObject(e, "count", count);
    cJSON_AddStringToObject(e, "type", type);
    cJSON_AddStringToObject(e, "reportingComponent", source);
    return e;
}

/* What rollouts of cluster i's Deployments did: ReplicaSets, pods. */
static void add_rollout_events(const struct sim_k8s *k, size_t i, cJSON *items, int64_t now) {
    for (size_t e = 0; e < sim_deployments_event_count(k->apps, i); e++) {
        const struct sim_deployment_event *ev = sim_deployments_event(k->apps, i, e);
        if (ev->at > now)
            continue;
        cJSON_AddItemToArray(items,
                             event_json(k, i, ev->kind, ev->object, ev->type, ev->reason,
                                        ev->message, 1, ev->at, ev->at,
                                        1000 + (int)e + (int)(ev->at % 100000) * 64, ev->source));
    }
}

static void add_events(const struct sim_k8s *k, struct sim_model *m, cJSON *items, int64_t now) {
    for (size_t i = 0; i < k->n && i < m->n_clusters; i++) {
        struct sim_cluster *c = &m->clusters[i];
        if (k->list_ns != NULL && strcmp(k->namespaces[i], k->list_ns) != 0)
            continue;           /* a namespaced list (ns_items) */
        if (k->standalone[i]) { /* no operator there */
            add_rollout_events(k, i, items, now);
            continue;
        }
        if (k->created_at[i] == 0) { /* a client created it: no history from before */
            const struct sim_job *j = tracked_job(k, i, c);
            const char *state = j != NULL ? sim_job_state_name(j->state) : "RUNNING";
            int64_t t0 = k->started_at;
            /* A session cluster has no job of its own: its change was its task managers. */
            bool session = c->mode == SIM_MODE_SESSION;
            cJSON_AddItemToArray(
                items, event_json(k, i, "FlinkDeployment", c->name, "Normal", "SpecChanged",
                                  session ? "UPGRADE change(s) detected (Diff: FlinkDeploymentSpec"
                                            "[taskManager.replicas : 2 -> 4]), starting "
                                            "reconciliation."
                                          : "UPGRADE change(s) detected (Diff: FlinkDeploymentSpec"
                                            "[job.parallelism : 2 -> 4]), starting reconciliation.",
                                  1, t0 - 7200000, t0 - 7200000, 1, OPERATOR));
            if (!session) {
                char *msg = xasprintf("Job status changed from RECONCILING to %s", state);
                cJSON_AddItemToArray(items, event_json(k, i, "FlinkDeployment", c->name, "Normal",
                                                       "JobStatusChanged", msg, 1, t0 - 7000000,
                                                       t0 - 7000000, 2, OPERATOR));
                free(msg);
            }
            if (i == 0) {
                cJSON_AddItemToArray(
                    items, event_json(k, i, "FlinkDeployment", c->name, "Warning", "SavepointError",
                                      "Savepoint failed: java.util.concurrent.TimeoutException: "
                                      "Checkpoint expired before completing.",
                                      3, t0 - 5400000, t0 - 600000, 3, OPERATOR));
            } else {
                char *pod = xasprintf("%s-taskmanager-1-1", c->name);
                cJSON_AddItemToArray(items, event_json(k, i, "Pod", pod, "Warning", "BackOff",
                                                       "Back-off restarting failed container "
                                                       "flink-main-container",
                                                       2 + (int)i, t0 - 3600000, t0 - 120000, 4,
                                                       "kubelet"));
                free(pod);
            }
        }
        /* What the operator did since: spec changes, restarts, savepoint failures. The same
         * event again (object, reason, message) is the first one counted up, as the
         * operator's event recorder and the API server's aggregation make it. */
        const struct sim_operator_state *op = &k->operators[i];
        for (size_t e = 0; e < op->n_events; e++) {
            const struct sim_operator_event *ev =
                &op->events[(op->first_event + e) % SIM_OPERATOR_EVENTS];
            if (ev->at > now)
                continue;
            bool again = false;
            int count = 1;
            int64_t last = ev->at;
            for (size_t f = 0; f < op->n_events && !again; f++) {
                const struct sim_operator_event *x =
                    &op->events[(op->first_event + f) % SIM_OPERATOR_EVENTS];
                if (f == e || x->at > now || strcmp(x->kind, ev->kind) != 0 ||
                    strcmp(x->object, ev->object) != 0 || strcmp(x->reason, ev->reason) != 0 ||
                    strcmp(x->message, ev->message) != 0)
                    continue;
                if (x->at < ev->at || (x->at == ev->at && f < e))
                    again = true; /* counted in the earlier one */
                else {
                    count++;
                    last = x->at > last ? x->at : last;
                }
            }
            if (again)
                continue;
            cJSON_AddItemToArray(
                items, event_json(k, i, ev->kind, ev->object, ev->type, ev->reason, ev->message,
                                  count, ev->at, last, 100 + (int)(op->first_event + e),
                                  ev->component[0] != '\0' ? ev->component : OPERATOR));
        }
        /* the autoscaler's report: one event, its count and message the latest */
        sim_autoscaler_advance(&k->autoscalers[i],
                               get_obj(cJSON_GetArrayItem(k->deployments, (int)i), "spec"), c,
                               tracked_job(k, i, c), now);
        char *report = sim_autoscaler_report(&k->autoscalers[i]);
        if (report != NULL) {
            const struct sim_autoscaler *as = &k->autoscalers[i];
            cJSON_AddItemToArray(
                items, event_json(k, i, "FlinkDeployment", c->name, "Normal", "ScalingReport",
                                  report, (int)as->reports, as->history[0].at,
                                  as->history[as->n_history - 1].at, 90, "Operator"));
            free(report);
        }
        add_rollout_events(k, i, items, now);
    }
}

/* The autoscaler's ConfigMap autoscaler-NAME of each deployment that has it on, brought up
 * to now first (sim_autoscaler.h). */
static void add_configmaps(struct sim_k8s *k, struct sim_model *m, cJSON *items, int64_t now) {
    for (size_t i = 0; i < k->n && i < m->n_clusters; i++) {
        const cJSON *spec = get_obj(cJSON_GetArrayItem(k->deployments, (int)i), "spec");
        if (k->deleted[i] || k->standalone[i] || !sim_autoscaler_enabled(spec))
            continue;
        struct sim_cluster *c = &m->clusters[i];
        struct sim_job *j = tracked_job(k, i, c);
        sim_autoscaler_advance(&k->autoscalers[i], spec, c, j, now);
        cJSON *cm = cJSON_CreateObject();
        cJSON_AddStringToObject(cm, "apiVersion", "v1");
        cJSON_AddStringToObject(cm, "kind", "ConfigMap");
        char *name = xasprintf("autoscaler-%s", k->names[i]);
        cJSON *md = object_meta(cm, name, k->namespaces[i], k->started_at);
        free(name);
        cJSON *labels = cJSON_AddObjectToObject(md, "labels");
        cJSON_AddStringToObject(labels, "app", k->names[i]);
        cJSON_AddStringToObject(labels, "component", "autoscaler");
        sim_autoscaler_configmap_data(&k->autoscalers[i], j, cJSON_AddObjectToObject(cm, "data"));
        cJSON_AddItemToArray(items, cm);
    }
}

static void add_services(const struct sim_k8s *k, cJSON *items) {
    for (size_t i = 0; i < k->n; i++) {
        if (k->deleted[i] && !k->orphaned[i])
            continue;
        if (sim_operator_service_gone(&k->operators[i], k->model->now))
            continue; /* the operator deleted the cluster (suspended, or mid-upgrade) */
        cJSON *s = cJSON_CreateObject();
        cJSON_AddStringToObject(s, "apiVersion", "v1");
        cJSON_AddStringToObject(s, "kind", "Service");
        char *name = xasprintf("%s-rest", k->names[i]);
        /* a created cluster's: made with its JobManager Deployment */
        int64_t made = k->created_at[i] > 0 ? k->operators[i].dep[0].deploy_at : 0;
        cJSON *md =
            object_meta(s, name, k->namespaces[i], made > 0 ? made : k->started_at - 3600000);
        free(name);
        cJSON *labels = cJSON_AddObjectToObject(md, "labels");
        cJSON_AddStringToObject(labels, "app", k->names[i]);
        cJSON_AddStringToObject(labels, "type", "flink-native-kubernetes");
        cJSON *spec = cJSON_AddObjectToObject(s, "spec");
        cJSON_AddStringToObject(spec, "type", "ClusterIP");
        char *ip = xasprintf("10.96.%zu.%zu", (i / 250) + 10, (i % 250) + 2);
        cJSON_AddStringToObject(spec, "clusterIP", ip);
        free(ip);
        cJSON *sel = cJSON_AddObjectToObject(spec, "selector");
        cJSON_AddStringToObject(sel, "app", k->names[i]);
        cJSON_AddStringToObject(sel, "component", "jobmanager");
        cJSON_AddStringToObject(sel, "type", "flink-native-kubernetes");
        cJSON *ports = cJSON_AddArrayToObject(spec, "ports");
        cJSON *p = cJSON_CreateObject();
        cJSON_AddStringToObject(p, "name", "rest");
        cJSON_AddStringToObject(p, "protocol", "TCP");
        cJSON_AddNumberToObject(p, "port", REST_PORT);
        cJSON_AddNumberToObject(p, "targetPort", REST_PORT);
        cJSON_AddItemToArray(ports, p);
        cJSON_AddItemToArray(items, s);
    }
    sim_prom_proxy_add_service(items, k->started_at - 86400000LL); /* monitoring/prometheus */
}

/* monitoring: where the guide's Prometheus lives */
static const char *const fixed_namespaces[] = {"default", "kube-system", "flink-operator",
                                               "monitoring"};

/* Whether namespace ns exists (one of add_namespaces'). */
static bool namespace_exists(const struct sim_k8s *k, const char *ns) {
    for (size_t i = 0; i < sizeof fixed_namespaces / sizeof fixed_namespaces[0]; i++)
        if (strcmp(fixed_namespaces[i], ns) == 0)
            return true;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->namespaces[i], ns) == 0)
            return true;
    return false;
}

static void add_namespaces(const struct sim_k8s *k, cJSON *items) {
    const char *const *fixed = fixed_namespaces;
    size_t n = sizeof fixed_namespaces / sizeof fixed_namespaces[0];
    for (size_t i = 0; i < n + k->n; i++) {
        const char *name = i < n ? fixed[i] : k->namespaces[i - n];
        bool seen = false; /* several clusters share a namespace */
        for (size_t e = n; e < i && !seen; e++)
            seen = strcmp(k->namespaces[e - n], name) == 0;
        if (seen)
            continue;
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "apiVersion", "v1");
        cJSON_AddStringToObject(o, "kind", "Namespace");
        cJSON *md = object_meta(o, name, NULL, k->started_at - 86400000LL);
        cJSON *labels = cJSON_AddObjectToObject(md, "labels");
        cJSON_AddStringToObject(labels, "kubernetes.io/metadata.name", name);
        cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "status"), "phase", "Active");
        cJSON_AddItemToArray(items, o);
    }
}

/* ---- FlinkDeployments clients create ------------------------------------------------ */

/* A created FlinkDeployment as the operator reports it once it has submitted the cluster:
 * deployed, the JobManager deploying (the simulator runs no new clusters). Owned. */
static cJSON *render_created(const cJSON *stored) {
    cJSON *d = cJSON_Duplicate(stored, true);
    cJSON *spec = get_obj(d, "spec");
    cJSON *st = cJSON_AddObjectToObject(d, "status");
    cJSON_AddStringToObject(st, "lifecycleState", "DEPLOYED");
    cJSON_AddStringToObject(st, "jobManagerDeploymentStatus", "DEPLOYING");
    cJSON *js = cJSON_AddObjectToObject(st, "jobStatus");
    if (get_obj(spec, "job") != NULL)
        cJSON_AddStringToObject(js, "state", "RECONCILING");
    cJSON *rs = cJSON_AddObjectToObject(st, "reconciliationStatus");
    cJSON_AddStringToObject(rs, "state", "DEPLOYED");
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(get_obj(d, "metadata"), "generation");
    cJSON_AddNumberToObject(st, "observedGeneration", cJSON_IsNumber(gen) ? gen->valuedouble : 1);
    cJSON *last = cJSON_CreateObject();
    cJSON_AddItemToObject(last, "spec",
                          spec != NULL ? cJSON_Duplicate(spec, true) : cJSON_CreateObject());
    cJSON_AddStringToObject(cJSON_AddObjectToObject(last, "resource_metadata"), "apiVersion",
                            FLINK_GV);
    char *text = cJSON_PrintUnformatted(last);
    cJSON_AddStringToObject(rs, "lastReconciledSpec", text);
    free(text);
    cJSON_Delete(last);
    return d;
}

/* The index of created FlinkDeployment ns/name in k->created, or -1. */
static int created_index(const struct sim_k8s *k, const char *ns, const char *name) {
    for (int i = 0; i < cJSON_GetArraySize(k->created); i++) {
        cJSON *it = cJSON_GetArrayItem(k->created, i);
        const char *n = get_str(get_obj(it, "metadata"), "name");
        const char *x = get_str(get_obj(it, "metadata"), "namespace");
        if (n != NULL && x != NULL && strcmp(n, name) == 0 && strcmp(x, ns) == 0)
            return i;
    }
    return -1;
}

static size_t deployment_index(const struct sim_k8s *k, const char *ns, const char *name);

/* A flinkConfiguration value as an int (Flink writes them as strings), dflt when absent. */
static int conf_int(const cJSON *spec, const char *key, int dflt) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(
        get_obj((cJSON *)(uintptr_t)spec, "flinkConfiguration"), key);
    if (cJSON_IsNumber(v))
        return (int)v->valuedouble;
    if (!cJSON_IsString(v))
        return dflt;
    char *end = NULL;
    long n = strtol(v->valuestring, &end, 10);
    return end != v->valuestring && *end == '\0' && n > 0 && n <= 1024 ? (int)n : dflt;
}

/* The job name Flink shows for spec.job: the entry class's simple name, else the jar's
 * file name without ".jar", else the deployment's name. Owned. */
static char *created_job_name(const cJSON *job, const char *name) {
    const char *entry = get_str(job, "entryClass");
    if (entry != NULL && entry[0] != '\0') {
        const char *dot = strrchr(entry, '.');
        return xstrdup(dot != NULL && dot[1] != '\0' ? dot + 1 : entry);
    }
    const char *jar = get_str(job, "jarURI");
    if (jar != NULL && jar[0] != '\0') {
        const char *slash = strrchr(jar, '/');
        const char *base = slash != NULL ? slash + 1 : jar;
        size_t n = strlen(base);
        if (n > 4 && strcmp(base + n - 4, ".jar") == 0)
            n -= 4;
        if (n > 0)
            return xstrndup(base, n);
    }
    return xstrdup(name);
}

/* The operator deploys created FlinkDeployment d (taken on success): a new model cluster
 * (sim_model_add_cluster) and a new deployment index, every per-deployment array grown by
 * one, its first reconcile cycle started (sim_operator_created). Returns the index, or
 * SIZE_MAX (d not taken) when the model has no room for another cluster. */
static size_t deploy_created(struct sim_k8s *k, cJSON *d, int64_t now) {
    struct sim_model *m = k->model;
    cJSON *md = get_obj(d, "metadata");
    cJSON *spec = get_obj(d, "spec");
    cJSON *job = get_obj(spec, "job");
    const char *name = get_str(md, "name"), *ns = get_str(md, "namespace");
    const char *fv = get_str(spec, "flinkVersion"); /* "v1_20" */
    int major = 1, minor = 20;
    if (fv != NULL && fv[0] == 'v') {
        char *end = NULL;
        long ma = strtol(fv + 1, &end, 10);
        if (end != fv + 1 && *end == '_') {
            char *end2 = NULL;
            long mi = strtol(end + 1, &end2, 10);
            if (end2 != end + 1 && ma > 0 && ma < 100 && mi >= 0 && mi < 100) {
                major = (int)ma;
                minor = (int)mi;
            }
        }
    }
    const cJSON *jm_rep = cJSON_GetObjectItemCaseSensitive(get_obj(spec, "jobManager"), "replicas");
    struct sim_cluster_spec cs = {
        .name = name,
        .namespace = ns,
        .version_major = major,
        .version_minor = minor,
        .mode = job != NULL ? SIM_MODE_APPLICATION : SIM_MODE_SESSION,
        .jm_replicas =
            cJSON_IsNumber(jm_rep) && jm_rep->valuedouble >= 1 && jm_rep->valuedouble <= 3
                ? (int)jm_rep->valuedouble
                : 1,
        .slots_per_tm = conf_int(spec, "taskmanager.numberOfTaskSlots", 1),
    };
    struct sim_cluster *c = sim_model_add_cluster(m, &cs, now);
    if (c == NULL)
        return SIZE_MAX;
    size_t i = k->n++;
    size_t n = k->n;
    k->namespaces = xrealloc(k->namespaces, n * sizeof *k->namespaces);
    k->names = xrealloc(k->names, n * sizeof *k->names);
    k->operators = xrealloc(k->operators, n * sizeof *k->operators);
    k->autoscalers = xrealloc(k->autoscalers, n * sizeof *k->autoscalers);
    k->jids = xrealloc(k->jids, n * sizeof *k->jids);
    k->oom_at = xrealloc(k->oom_at, n * sizeof *k->oom_at);
    k->deleted = xrealloc(k->deleted, n * sizeof *k->deleted);
    k->orphaned = xrealloc(k->orphaned, n * sizeof *k->orphaned);
    k->standalone = xrealloc(k->standalone, n * sizeof *k->standalone);
    k->created_at = xrealloc(k->created_at, n * sizeof *k->created_at);
    k->namespaces[i] = xstrdup(ns);
    k->names[i] = xstrdup(name);
    k->jids[i][0] = '\0';
    k->oom_at[i] = 0;
    k->deleted[i] = k->orphaned[i] = k->standalone[i] = false;
    k->created_at[i] = now;
    sim_autoscaler_init(&k->autoscalers[i], now);
    cJSON_AddItemToArray(k->deployments, d);
    cJSON_AddItemToArray(k->status_overlays, cJSON_CreateObject());
    struct sim_job *j = NULL;
    if (job != NULL) {
        const cJSON *par = cJSON_GetObjectItemCaseSensitive(job, "parallelism");
        int p = cJSON_IsNumber(par) && par->valuedouble >= 1 ? (int)par->valuedouble : 1;
        char *jname = created_job_name(job, name);
        sim_model_submit_job(c, jname, p, now, k->jids[i]);
        free(jname);
        j = sim_cluster_job(c, k->jids[i]);
    }
    char *jm = sim_k8s_jm_pod_name(c);
    const cJSON *gen = cJSON_GetObjectItemCaseSensitive(md, "generation");
    sim_operator_created(&k->operators[i], c, j, name, jm, spec,
                         cJSON_IsNumber(gen) ? gen->valuedouble : 1, now);
    free(jm);
    sim_deployments_add_cluster(k->apps, c, ns, &k->resource_version,
                                k->operators[i].dep[0].deploy_at);
    return i;
}

/* POST .../namespaces/ns/flinkdeployments: stored with its metadata and spec; the
 * operator deploys it (deploy_created). */
static void create_deployment(struct sim_k8s *k, const char *ns, const char *body, size_t body_len,
                              int64_t now, struct sim_reply *r) {
    const char *end = NULL;
    cJSON *in = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    cJSON *md = get_obj(in, "metadata");
    const char *name = get_str(md, "name");
    const char *kind = get_str(in, "kind");
    const char *in_ns = get_str(md, "namespace");
    if (!cJSON_IsObject(in)) {
        sim_k8s_status(r, 400, "BadRequest", "the body of the request is not a JSON object");
        goto out;
    }
    if (kind != NULL && strcmp(kind, "FlinkDeployment") != 0) {
        sim_k8s_status(r, 400, "BadRequest", "kind %s does not match flinkdeployments", kind);
        goto out;
    }
    if (in_ns != NULL && strcmp(in_ns, ns) != 0) {
        sim_k8s_status(r, 400, "BadRequest",
                       "the namespace of the provided object does not match the namespace sent "
                       "on the request");
        goto out;
    }
    if (name == NULL || name[0] == '\0') {
        sim_k8s_status(r, 422, "Invalid",
                       "FlinkDeployment.flink.apache.org is invalid: metadata.name: Required "
                       "value: name or generateName is required");
        goto out;
    }
    if (!namespace_exists(k, ns)) { /* the API server's namespace lifecycle admission */
        sim_k8s_status(r, 404, "NotFound", "namespaces \"%s\" not found", ns);
        goto out;
    }
    if (deployment_index(k, ns, name) != SIZE_MAX || created_index(k, ns, name) >= 0) {
        sim_k8s_status(r, 409, "AlreadyExists",
                       "flinkdeployments.flink.apache.org \"%s\" already exists", name);
        goto out;
    }
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "apiVersion", FLINK_GV);
    cJSON_AddStringToObject(d, "kind", "FlinkDeployment");
    cJSON *dmd = cJSON_AddObjectToObject(d, "metadata");
    cJSON_AddStringToObject(dmd, "name", name);
    cJSON_AddStringToObject(dmd, "namespace", ns);
    char *key = xasprintf("%s/%s", ns, name);
    char *uid = make_uid(key);
    cJSON_AddStringToObject(dmd, "uid", uid);
    free(uid);
    free(key);
    char *rvs = rv_string(++k->resource_version);
    cJSON_AddStringToObject(dmd, "resourceVersion", rvs);
    free(rvs);
    cJSON_AddNumberToObject(dmd, "generation", 1);
    add_time(dmd, "creationTimestamp", now);
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; i++)
        if (get_obj(md, maps[i]) != NULL)
            cJSON_AddItemToObject(dmd, maps[i], cJSON_Duplicate(get_obj(md, maps[i]), true));
    cJSON *spec = get_obj(in, "spec");
    cJSON_AddItemToObject(d, "spec",
                          spec != NULL ? cJSON_Duplicate(spec, true) : cJSON_CreateObject());
    size_t idx = deploy_created(k, d, now);
    if (idx == SIZE_MAX) { /* no room for another cluster: stored, deploying */
        cJSON_AddItemToArray(k->created, d);
        sim_reply_json(r, 201, render_created(d));
    } else {
        sim_reply_json(r, 201, render_deployment(k, idx, &k->model->clusters[idx], now));
    }
out:
    cJSON_Delete(in);
}

/* ---- the resource table ------------------------------------------------------------- */

/* The API groups served: core v1, apps/v1, flink.apache.org/v1beta1. */
enum k8s_group { GROUP_CORE, GROUP_APPS, GROUP_FLINK };

static const char *const group_versions[] = {"v1", APPS_GV, FLINK_GV};
static const char *const group_names[] = {"", "apps", "flink.apache.org"};

struct k8s_resource {
    enum k8s_kind id;
    enum k8s_group group;
    const char *plural, *singular, *kind, *short_name;
    bool namespaced;
    const char *verbs; /* comma-separated */
};

static const struct k8s_resource resources[] = {
    {K8S_NAMESPACES, GROUP_CORE, "namespaces", "namespace", "Namespace", "ns", false,
     "get,list,watch"},
    {K8S_PODS, GROUP_CORE, "pods", "pod", "Pod", "po", true, "get,list,watch"},
    {K8S_EVENTS, GROUP_CORE, "events", "event", "Event", "ev", true, "get,list,watch"},
    {K8S_SERVICES, GROUP_CORE, "services", "service", "Service", "svc", true, "get,list,watch"},
    {K8S_DEPLOYMENT, GROUP_APPS, "deployments", "deployment", "Deployment", "deploy", true,
     "get,list,patch,watch"},
    {K8S_FLINKDEP, GROUP_FLINK, "flinkdeployments", "flinkdeployment", "FlinkDeployment",
     "flinkdep", true, "create,delete,get,list,patch,update,watch"},
    {K8S_SESSIONJOB, GROUP_FLINK, "flinksessionjobs", "flinksessionjob", "FlinkSessionJob",
     "sessionjob", true, "create,delete,get,list,patch,update,watch"},
    {K8S_CONFIGMAPS, GROUP_CORE, "configmaps", "configmap", "ConfigMap", "cm", true,
     "get,list,watch"},
    {K8S_SNAPSHOT, GROUP_FLINK, "flinkstatesnapshots", "flinkstatesnapshot", "FlinkStateSnapshot",
     "flinksnp", true, "create,delete,get,list,watch"},
};

static const struct k8s_resource *find_resource(const struct k8s_request *q, size_t i,
                                                enum k8s_group group) {
    if (i >= q->n_seg)
        return NULL;
    for (size_t r = 0; r < sizeof resources / sizeof resources[0]; r++)
        if (resources[r].group == group && strlen(resources[r].plural) == q->seg_len[i] &&
            memcmp(resources[r].plural, q->seg[i], q->seg_len[i]) == 0)
            return &resources[r];
    return NULL;
}

static void create_snapshot(struct sim_k8s *k, struct sim_model *m, const char *ns,
                            const char *body, size_t body_len, bool by_operator, int64_t now,
                            struct sim_reply *r);

/* The operator (1.10+, snapshot resources enabled) creates a FlinkStateSnapshot of kind
 * KIND (FlinkDeployment or FlinkSessionJob) name in ns: "NAME-savepoint-TRIGGER-MS" as
 * FlinkStateSnapshotUtils names it, labelled with its trigger type (upgrade or manual);
 * path: an upgrade's savepoint, already taken (alreadyExists), or NULL: one to take. */
static void operator_snapshot(struct sim_k8s *k, struct sim_model *m, const char *ns,
                              const char *kind, const char *name, const char *trigger,
                              const char *path, int64_t at, int64_t now) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "apiVersion", FLINK_GV);
    cJSON_AddStringToObject(o, "kind", "FlinkStateSnapshot");
    cJSON *md = cJSON_AddObjectToObject(o, "metadata");
    char *snap = xasprintf("%s-savepoint-%s-%lld", name, trigger, (long long)at);
    cJSON_AddStringToObject(md, "name", snap);
    free(snap);
    cJSON_AddStringToObject(md, "namespace", ns);
    char upper[16];
    size_t i = 0;
    for (; trigger[i] != '\0' && i + 1 < sizeof upper; i++)
        upper[i] = (char)(trigger[i] >= 'a' && trigger[i] <= 'z' ? trigger[i] - 32 : trigger[i]);
    upper[i] = '\0';
    cJSON_AddStringToObject(cJSON_AddObjectToObject(md, "labels"), "snapshot.trigger-type", upper);
    cJSON *spec = cJSON_AddObjectToObject(o, "spec");
    cJSON_AddNumberToObject(spec, "backoffLimit", -1);
    cJSON *ref = cJSON_AddObjectToObject(spec, "jobReference");
    cJSON_AddStringToObject(ref, "kind", kind);
    cJSON_AddStringToObject(ref, "name", name);
    cJSON *sp = cJSON_AddObjectToObject(spec, "savepoint");
    if (path != NULL)
        cJSON_AddStringToObject(sp, "path", path);
    cJSON_AddStringToObject(sp, "formatType", "CANONICAL");
    cJSON_AddBoolToObject(sp, "disposeOnDelete", false);
    cJSON_AddBoolToObject(sp, "alreadyExists", path != NULL);
    char *body = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    struct sim_reply r = {0};
    create_snapshot(k, m, ns, body, strlen(body), true, now, &r);
    sim_reply_free(&r);
    free(body);
}

/* The upgrade savepoints the operators took since the last look, as FlinkStateSnapshots. */
static void publish_upgrade_snapshots(struct sim_k8s *k, struct sim_model *m, int64_t now) {
    for (size_t i = 0; i < k->n && i < m->n_clusters; i++) {
        if (k->deleted[i] || k->standalone[i])
            continue;
        struct sim_cluster *c = &m->clusters[i];
        sim_operator_advance(&k->operators[i], c, tracked_job(k, i, c), k->names[i], now);
        int64_t at = 0;
        char *path;
        while ((path = sim_operator_take_snapshot(&k->operators[i], &at)) != NULL) {
            operator_snapshot(k, m, k->namespaces[i], "FlinkDeployment", k->names[i], "upgrade",
                              path, at, now);
            free(path);
        }
    }
}

/* Every object of a resource, in every namespace. Returns owned array. */
static cJSON *all_items(struct sim_k8s *k, struct sim_model *m, const struct k8s_resource *res,
                        int64_t now) {
    cJSON *items = cJSON_CreateArray();
    switch (res->id) {
    case K8S_NAMESPACES:
        add_namespaces(k, items);
        break;
    case K8S_PODS:
        add_pods(k, m, items, now);
        break;
    case K8S_EVENTS:
        add_events(k, m, items, now);
        break;
    case K8S_SERVICES:
        add_services(k, items);
        break;
    case K8S_FLINKDEP:
        for (size_t i = 0; i < k->n && i < m->n_clusters; i++)
            if (!k->deleted[i] && !k->standalone[i])
                cJSON_AddItemToArray(items, render_deployment(k, i, &m->clusters[i], now));
        for (int i = 0; i < cJSON_GetArraySize(k->created); i++)
            cJSON_AddItemToArray(items, render_created(cJSON_GetArrayItem(k->created, i)));
        break;
    case K8S_SESSIONJOB:
        sim_sessionjobs_list(k->sessionjobs, m, items, now);
        break;
    case K8S_KIND_COUNT:
        break;
    case K8S_DEPLOYMENT:
        sim_deployments_list(k->apps, m, items, now);
        /* a deleted FlinkDeployment's JobManager Deployment went with it (its owner) */
        for (int it = cJSON_GetArraySize(items) - 1; it >= 0; it--) {
            cJSON *md = get_obj(cJSON_GetArrayItem(items, it), "metadata");
            const char *name = get_str(md, "name"), *ns = get_str(md, "namespace");
            size_t live = name != NULL && ns != NULL ? deployment_index(k, ns, name) : SIZE_MAX;
            bool drop = false;
            for (size_t i = 0; live == SIZE_MAX && name != NULL && ns != NULL && i < k->n; i++)
                drop =
                    drop || (k->deleted[i] && !k->orphaned[i] && !k->standalone[i] &&
                             strcmp(k->names[i], name) == 0 && strcmp(k->namespaces[i], ns) == 0);
            /* a created cluster's exists from the operator's deployment on */
            if (live != SIZE_MAX && k->created_at[live] > 0 &&
                sim_operator_service_gone(&k->operators[live], now))
                drop = true;
            if (drop) {
                cJSON_DeleteItemFromArray(items, it);
            } else if (live != SIZE_MAX && k->created_at[live] > 0 &&
                       !sim_operator_jm_ready(&k->operators[live], now)) {
                /* its JobManager pod is not ready yet: neither is the Deployment */
                cJSON *st = get_obj(cJSON_GetArrayItem(items, it), "status");
                const cJSON *want = cJSON_GetObjectItemCaseSensitive(st, "replicas");
                if (st != NULL) {
                    sim_json_set(st, "readyReplicas", cJSON_CreateNumber(0));
                    sim_json_set(st, "availableReplicas", cJSON_CreateNumber(0));
                    sim_json_set(st, "unavailableReplicas",
                                 cJSON_CreateNumber(cJSON_IsNumber(want) ? want->valuedouble : 1));
                }
            }
        }
        break;
    case K8S_CONFIGMAPS:
        add_configmaps(k, m, items, now);
        break;
    case K8S_SNAPSHOT:
        cJSON_Delete(items);
        publish_upgrade_snapshots(k, m, now);
        sim_snapshots_refresh(&k->progress, m, k->snapshots, now);
        items = cJSON_Duplicate(k->snapshots, true);
        break;
    }
    /* Every change since the last look takes a resourceVersion and goes to the log. */
    sim_k8s_store_sync(k->store, (int)res->id, items, &k->resource_version, now);
    return items;
}

/* The objects of a resource in namespace ns (NULL: every namespace), as all_items has
 * them. A console lists pods and events per namespace every refresh: rendering (and
 * comparing) the whole fleet's for each made the simulator the bottleneck at 100
 * clusters, so those render their namespace alone once the kind has its baseline.
 * Returns owned array. */
static cJSON *ns_items(struct sim_k8s *k, struct sim_model *m, const struct k8s_resource *res,
                       const char *ns, int64_t now) {
    if (ns == NULL || (res->id != K8S_PODS && res->id != K8S_EVENTS) ||
        !sim_k8s_store_synced(k->store, (int)res->id))
        return all_items(k, m, res, now);
    cJSON *items = cJSON_CreateArray();
    k->list_ns = ns;
    if (res->id == K8S_PODS)
        add_pods(k, m, items, now);
    else
        add_events(k, m, items, now);
    k->list_ns = NULL;
    sim_k8s_store_sync_ns(k->store, (int)res->id, items, ns, &k->resource_version, now);
    return items;
}

static const struct k8s_resource *resource_of(enum k8s_kind id) {
    for (size_t r = 0; r < sizeof resources / sizeof resources[0]; r++)
        if (resources[r].id == id)
            return &resources[r];
    return NULL;
}

/* ---- label selectors ---------------------------------------------------------------- */

/* A set-based term "k in (a,b)" or "k notin (a,b)" (term, len: trimmed); -1 when term
 * is not one, else whether it holds. notin holds for labels without k, as the API
 * server has it. */
static int set_term_matches(const cJSON *labels, const char *term, size_t len) {
    const char *open = memchr(term, '(', len);
    if (open == NULL || term[len - 1] != ')')
        return -1;
    const char *op_end = open;
    while (op_end > term && op_end[-1] == ' ')
        op_end--;
    const char *op = op_end;
    while (op > term && op[-1] != ' ')
        op--;
    bool in = (size_t)(op_end - op) == 2 && memcmp(op, "in", 2) == 0;
    bool notin = (size_t)(op_end - op) == 5 && memcmp(op, "notin", 5) == 0;
    if (!in && !notin)
        return -1;
    const char *key_end = op;
    while (key_end > term && key_end[-1] == ' ')
        key_end--;
    char *key = xstrndup(term, (size_t)(key_end - term));
    const char *have = labels != NULL ? get_str(labels, key) : NULL;
    free(key);
    bool found = false;
    const char *p = open + 1, *end = term + len - 1;
    while (p < end && !found) {
        const char *comma = memchr(p, ',', (size_t)(end - p));
        const char *v_end = comma != NULL ? comma : end;
        const char *a = p, *b = v_end;
        while (a < b && *a == ' ')
            a++;
        while (b > a && b[-1] == ' ')
            b--;
        found = have != NULL && strlen(have) == (size_t)(b - a) &&
                memcmp(have, a, (size_t)(b - a)) == 0;
        p = v_end + 1;
    }
    return in ? found : !found;
}

/* One term of a selector against labels: "k=v", "k==v", "k!=v", "k", "!k", "k in (a,b)",
 * "k notin (a,b)". */
static bool term_matches(const cJSON *labels, const char *term, size_t len) {
    while (len > 0 && *term == ' ') {
        term++;
        len--;
    }
    while (len > 0 && term[len - 1] == ' ')
        len--;
    if (len == 0)
        return true;
    int set = set_term_matches(labels, term, len);
    if (set >= 0)
        return set == 1;
    bool negate_exists = term[0] == '!';
    const char *eq = memchr(term, '=', len);
    bool not_equal = eq != NULL && eq > term && eq[-1] == '!';
    const char *key_end = eq == NULL ? term + len : not_equal ? eq - 1 : eq;
    const char *key_start = negate_exists && eq == NULL ? term + 1 : term;
    char *key = xstrndup(key_start, (size_t)(key_end - key_start));
    const char *value = NULL;
    size_t value_len = 0;
    if (eq != NULL) {
        value = eq + 1;
        if (*value == '=' && !not_equal)
            value++;
        value_len = (size_t)(term + len - value);
    }
    const char *have = labels != NULL ? get_str(labels, key) : NULL;
    free(key);
    if (eq == NULL)
        return negate_exists ? have == NULL : have != NULL;
    bool same = have != NULL && strlen(have) == value_len && memcmp(have, value, value_len) == 0;
    return not_equal ? !same : same;
}

/* Every comma-separated term of selector (commas inside a set's parentheses do not
 * separate) holds for labels (may be NULL). */
static bool labels_match(const cJSON *labels, const char *selector) {
    if (selector == NULL || *selector == '\0')
        return true;
    const char *p = selector;
    for (;;) {
        const char *q = p;
        int depth = 0;
        while (*q != '\0' && (*q != ',' || depth > 0)) {
            depth += *q == '(' ? 1 : *q == ')' ? -1 : 0;
            q++;
        }
        if (!term_matches(labels, p, (size_t)(q - p)))
            return false;
        if (*q == '\0')
            return true;
        p = q + 1;
    }
}

static bool selector_matches(cJSON *item, const char *selector) {
    return labels_match(get_obj(get_obj(item, "metadata"), "labels"), selector);
}

/* A fieldSelector over the fields every kind has: metadata.name, metadata.namespace
 * (kubectl rollout status asks for metadata.name=NAME). */
static bool fields_match(cJSON *item, const char *selector) {
    if (selector == NULL || *selector == '\0')
        return true;
    cJSON *md = get_obj(item, "metadata");
    cJSON *fields = cJSON_CreateObject();
    const char *name = get_str(md, "name"), *ns = get_str(md, "namespace");
    if (name != NULL)
        cJSON_AddStringToObject(fields, "metadata.name", name);
    if (ns != NULL)
        cJSON_AddStringToObject(fields, "metadata.namespace", ns);
    /* what the API server indexes for events (kubectl describe asks by involvedObject)
     * and pods */
    static const char *const io_fields[] = {"kind",       "namespace",       "name",     "uid",
                                            "apiVersion", "resourceVersion", "fieldPath"};
    cJSON *io = get_obj(item, "involvedObject");
    for (size_t i = 0; io != NULL && i < sizeof io_fields / sizeof io_fields[0]; i++) {
        char key[48];
        snprintf(key, sizeof key, "involvedObject.%s", io_fields[i]);
        const char *v = get_str(io, io_fields[i]);
        cJSON_AddStringToObject(fields, key, v != NULL ? v : "");
    }
    if (io != NULL) {
        const char *v = get_str(item, "reason");
        cJSON_AddStringToObject(fields, "reason", v != NULL ? v : "");
        v = get_str(item, "type");
        cJSON_AddStringToObject(fields, "type", v != NULL ? v : "");
    }
    const char *node = get_str(get_obj(item, "spec"), "nodeName");
    if (node != NULL)
        cJSON_AddStringToObject(fields, "spec.nodeName", node);
    const char *phase = get_str(get_obj(item, "status"), "phase");
    if (phase != NULL)
        cJSON_AddStringToObject(fields, "status.phase", phase);
    bool ok = labels_match(fields, selector);
    cJSON_Delete(fields);
    return ok;
}

static bool in_namespace(cJSON *item, const char *ns) {
    const char *have = get_str(get_obj(item, "metadata"), "namespace");
    return ns == NULL || (have != NULL && strcmp(have, ns) == 0);
}

static bool named(cJSON *item, const char *name) {
    const char *have = get_str(get_obj(item, "metadata"), "name");
    return have != NULL && strcmp(have, name) == 0;
}

/* ---- discovery ---------------------------------------------------------------------- */

static void reply_version(struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "major", "1");
    cJSON_AddStringToObject(o, "minor", "31");
    cJSON_AddStringToObject(o, "gitVersion", "v1.31.0-flinktop-sim");
    cJSON_AddStringToObject(o, "gitCommit", "0000000000000000000000000000000000000000");
    cJSON_AddStringToObject(o, "gitTreeState", "clean");
    cJSON_AddStringToObject(o, "buildDate", "2026-01-01T00:00:00Z");
    cJSON_AddStringToObject(o, "goVersion", "go1.22.5");
    cJSON_AddStringToObject(o, "compiler", "gc");
    cJSON_AddStringToObject(o, "platform", "linux/amd64");
    sim_reply_json(r, 200, o);
}

static void reply_api_versions(struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "APIVersions");
    cJSON_AddItemToArray(cJSON_AddArrayToObject(o, "versions"), cJSON_CreateString("v1"));
    cJSON *sa = cJSON_AddArrayToObject(o, "serverAddressByClientCIDRs");
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "clientCIDR", "0.0.0.0/0");
    cJSON_AddStringToObject(e, "serverAddress", "127.0.0.1");
    cJSON_AddItemToArray(sa, e);
    sim_reply_json(r, 200, o);
}

/* An APIGroup (apps or flink.apache.org) with its one version. */
static cJSON *api_group(enum k8s_group group) {
    const char *gv = group_versions[group];
    cJSON *g = cJSON_CreateObject();
    cJSON_AddStringToObject(g, "name", group_names[group]);
    cJSON *versions = cJSON_AddArrayToObject(g, "versions");
    cJSON *v = cJSON_CreateObject();
    cJSON_AddStringToObject(v, "groupVersion", gv);
    cJSON_AddStringToObject(v, "version", strchr(gv, '/') + 1);
    cJSON_AddItemToArray(versions, v);
    cJSON_AddItemToObject(g, "preferredVersion", cJSON_Duplicate(v, true));
    return g;
}

static void reply_group_list(struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "APIGroupList");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON *groups = cJSON_AddArrayToObject(o, "groups");
    /* flink.apache.org first, as the simulator always listed it; then apps */
    cJSON_AddItemToArray(groups, api_group(GROUP_FLINK));
    cJSON_AddItemToArray(groups, api_group(GROUP_APPS));
    sim_k8s_auth_groups(groups);
    sim_k8s_metrics_groups(groups);
    sim_reply_json(r, 200, o);
}

static void reply_group(struct sim_reply *r, enum k8s_group group) {
    cJSON *o = api_group(group);
    cJSON_AddStringToObject(o, "kind", "APIGroup");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    sim_reply_json(r, 200, o);
}

static void reply_resource_list(struct sim_reply *r, enum k8s_group group) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "APIResourceList");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddStringToObject(o, "groupVersion", group_versions[group]);
    cJSON *arr = cJSON_AddArrayToObject(o, "resources");
    for (size_t i = 0; i < sizeof resources / sizeof resources[0]; i++) {
        const struct k8s_resource *res = &resources[i];
        if (res->group != group)
            continue;
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "name", res->plural);
        cJSON_AddStringToObject(e, "singularName", res->singular);
        cJSON_AddBoolToObject(e, "namespaced", res->namespaced);
        cJSON_AddStringToObject(e, "kind", res->kind);
        cJSON *verbs = cJSON_AddArrayToObject(e, "verbs");
        char *copy = xstrdup(res->verbs);
        for (char *p = copy; p != NULL;) {
            char *comma = strchr(p, ',');
            if (comma != NULL)
                *comma = '\0';
            cJSON_AddItemToArray(verbs, cJSON_CreateString(p));
            p = comma != NULL ? comma + 1 : NULL;
        }
        free(copy);
        cJSON_AddItemToArray(cJSON_AddArrayToObject(e, "shortNames"),
                             cJSON_CreateString(res->short_name));
        if (group != GROUP_CORE) {
            cJSON_AddItemToArray(cJSON_AddArrayToObject(e, "categories"),
                                 cJSON_CreateString("all"));
        }
        cJSON_AddItemToArray(arr, e);
        if (group != GROUP_CORE) {
            cJSON *sub = cJSON_CreateObject();
            char *n = xasprintf("%s/status", res->plural);
            cJSON_AddStringToObject(sub, "name", n);
            free(n);
            cJSON_AddStringToObject(sub, "singularName", "");
            cJSON_AddBoolToObject(sub, "namespaced", true);
            cJSON_AddStringToObject(sub, "kind", res->kind);
            cJSON *sv = cJSON_AddArrayToObject(sub, "verbs");
            cJSON_AddItemToArray(sv, cJSON_CreateString("get"));
            cJSON_AddItemToArray(sv, cJSON_CreateString("patch"));
            cJSON_AddItemToArray(arr, sub);
        }
        if (res->id == K8S_FLINKDEP || res->id == K8S_DEPLOYMENT) { /* the scale subresource */
            cJSON *sc = cJSON_CreateObject();
            cJSON_AddStringToObject(sc, "name",
                                    res->id == K8S_FLINKDEP ? "flinkdeployments/scale"
                                                            : "deployments/scale");
            cJSON_AddStringToObject(sc, "singularName", "");
            cJSON_AddBoolToObject(sc, "namespaced", true);
            cJSON_AddStringToObject(sc, "group", "autoscaling");
            cJSON_AddStringToObject(sc, "version", "v1");
            cJSON_AddStringToObject(sc, "kind", "Scale");
            cJSON *scv = cJSON_AddArrayToObject(sc, "verbs");
            cJSON_AddItemToArray(scv, cJSON_CreateString("get"));
            cJSON_AddItemToArray(scv, cJSON_CreateString("patch"));
            cJSON_AddItemToArray(scv, cJSON_CreateString("update"));
            cJSON_AddItemToArray(arr, sc);
        }
    }
    if (group == GROUP_CORE) {
        cJSON *proxy = cJSON_CreateObject();
        cJSON_AddStringToObject(proxy, "name", "services/proxy");
        cJSON_AddStringToObject(proxy, "singularName", "");
        cJSON_AddBoolToObject(proxy, "namespaced", true);
        cJSON_AddStringToObject(proxy, "kind", "ServiceProxyOptions");
        cJSON *pv = cJSON_AddArrayToObject(proxy, "verbs");
        static const char *const verbs[] = {"create", "delete", "get", "patch", "update"};
        for (size_t i = 0; i < sizeof verbs / sizeof verbs[0]; i++)
            cJSON_AddItemToArray(pv, cJSON_CreateString(verbs[i]));
        cJSON_AddItemToArray(arr, proxy);
    }
    sim_reply_json(r, 200, o);
}

/* ---- lists, get, patch, create ------------------------------------------------------ */

/* sim_k8s_watch_source's callbacks. */
static cJSON *watch_list(void *owner, int kind, int64_t now) {
    struct sim_k8s *k = owner;
    return all_items(k, k->model, resource_of((enum k8s_kind)kind), now);
}

static bool watch_matches(const cJSON *obj, const char *ns, const char *labels,
                          const char *fields) {
    cJSON *o = (cJSON *)(uintptr_t)obj; /* the matchers only read */
    return in_namespace(o, ns) && selector_matches(o, labels) && fields_match(o, fields);
}

/* What Go's strconv.ParseBool reads as true, as the API server does (python3-kubernetes
 * sends watch=True). */
bool sim_k8s_query_true(const char *v) {
    static const char *const yes[] = {"1", "t", "T", "true", "TRUE", "True"};
    for (size_t i = 0; v != NULL && i < sizeof yes / sizeof yes[0]; i++)
        if (strcmp(v, yes[i]) == 0)
            return true;
    return false;
}

static bool query_true(const char *v) { return sim_k8s_query_true(v); }

static void reply_watch(struct sim_k8s *k, const struct k8s_resource *res, const char *ns,
                        const struct sim_query *query, bool table, int64_t now,
                        struct sim_reply *r) {
    struct sim_k8s_watch_source src = {
        .owner = k,
        .model = k->model,
        .store = k->store,
        .rv = &k->resource_version,
        .kind = (int)res->id,
        .list = watch_list,
        .matches = watch_matches,
        .table = sim_k8s_table_for,
        .api_version = group_versions[res->group],
        .kind_name = res->kind,
    };
    const char *timeout = query->get(query->cls, "timeoutSeconds");
    long t = 0;
    if (timeout != NULL) {
        char *end = NULL;
        t = strtol(timeout, &end, 10);
        if (end == timeout || *end != '\0' || t < 0)
            t = 0;
    }
    struct sim_k8s_watch_params p = {
        .ns = ns,
        .label_selector = query->get(query->cls, "labelSelector"),
        .field_selector = query->get(query->cls, "fieldSelector"),
        .resource_version = query->get(query->cls, "resourceVersion"),
        .timeout_s = t,
        .bookmarks = query_true(query->get(query->cls, "allowWatchBookmarks")),
        .table = table,
    };
    sim_k8s_watch_open(k->hub, &src, &p, now, r);
}

static void reply_list(struct sim_k8s *k, struct sim_model *m, const struct k8s_resource *res,
                       const char *ns, const struct sim_query *query, bool table, int64_t now,
                       struct sim_reply *r) {
    const char *selector =
        query != NULL && query->get != NULL ? query->get(query->cls, "labelSelector") : NULL;
    const char *fields =
        query != NULL && query->get != NULL ? query->get(query->cls, "fieldSelector") : NULL;
    const char *watch =
        query != NULL && query->get != NULL ? query->get(query->cls, "watch") : NULL;
    if (query_true(watch)) {
        reply_watch(k, res, ns, query, table, now, r);
        return;
    }
    cJSON *all = ns_items(k, m, res, ns, now);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "apiVersion", group_versions[res->group]);
    char *kind = xasprintf("%sList", res->kind);
    cJSON_AddStringToObject(o, "kind", kind);
    free(kind);
    char *rv = rv_string(k->resource_version);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "resourceVersion", rv);
    free(rv);
    cJSON *items = cJSON_AddArrayToObject(o, "items");
    while (all->child != NULL) { /* the first item each time: linear, not quadratic */
        cJSON *it = cJSON_DetachItemViaPointer(all, all->child);
        if (in_namespace(it, ns) && selector_matches(it, selector) && fields_match(it, fields))
            cJSON_AddItemToArray(items, it);
        else
            cJSON_Delete(it);
    }
    cJSON_Delete(all);
    if (table) { /* kubectl's Accept: the same items as rows */
        cJSON *t = sim_k8s_table_for(res->kind, items, true, now);
        cJSON_ReplaceItemInObjectCaseSensitive(
            t, "metadata", cJSON_Duplicate(cJSON_GetObjectItemCaseSensitive(o, "metadata"), true));
        cJSON_Delete(o);
        o = t;
    }
    sim_reply_json(r, 200, o);
}

/* Object ns/name of res as a list shows it now (its stored resourceVersion): owned, NULL
 * when there is none. */
static cJSON *rendered_one(struct sim_k8s *k, struct sim_model *m, const struct k8s_resource *res,
                           const char *ns, const char *name, int64_t now) {
    cJSON *all = all_items(k, m, res, now);
    cJSON *found = NULL;
    for (int i = 0; i < cJSON_GetArraySize(all); i++) {
        cJSON *it = cJSON_GetArrayItem(all, i);
        if (in_namespace(it, ns) && named(it, name)) {
            found = cJSON_DetachItemFromArray(all, i);
            break;
        }
    }
    cJSON_Delete(all);
    return found;
}

static void reply_get(struct sim_k8s *k, struct sim_model *m, const struct k8s_resource *res,
                      const char *ns, const char *name, bool table, int64_t now,
                      struct sim_reply *r) {
    cJSON *found = rendered_one(k, m, res, ns, name, now);
    if (found == NULL) {
        sim_k8s_status(r, 404, "NotFound", "%s.%s \"%s\" not found", res->plural,
                       group_names[res->group], name);
        return;
    }
    if (table) {
        cJSON *one = cJSON_CreateArray();
        cJSON_AddItemToArray(one, found);
        found = sim_k8s_table_for(res->kind, one, true, now);
        cJSON_Delete(one);
    }
    sim_reply_json(r, 200, found);
}

/* After a write that answered 200 with the object: the answer carries the object as the
 * store now has it (the write's own resourceVersion), and watches look at once. */
static void written(struct sim_k8s *k, struct sim_model *m, const struct k8s_resource *res,
                    const char *ns, const char *name, int64_t now, struct sim_reply *r) {
    if (r->status < 200 || r->status > 299)
        return;
    cJSON *o = rendered_one(k, m, res, ns, name, now);
    if (o != NULL) {
        sim_reply_free(r);
        sim_reply_json(r, r->status, o);
    }
    sim_k8s_watch_notify(k->hub);
}

/* Whether a write carrying resourceVersion want may go ahead on an object whose metadata
 * or spec last changed at have (a handler's guard on what it stores). The API server's own
 * check, want equal to the object's resourceVersion now (status writes included), is
 * dispatch's precondition_holds, before any handler. */
bool sim_k8s_rv_current(const char *want, const char *have) {
    if (want == NULL)
        return true;
    if (have == NULL)
        return false;
    char *e1 = NULL, *e2 = NULL;
    long w = strtol(want, &e1, 10), h = strtol(have, &e2, 10);
    if (e1 == want || *e1 != '\0' || e2 == have || *e2 != '\0')
        return strcmp(want, have) == 0;
    return w >= h;
}

/* A Kubernetes 403 for verb on resource (plural, in flink.apache.org) in ns; name may be
 * NULL (a create). */
static void forbidden(const struct sim_k8s *k, struct sim_reply *r, const char *verb,
                      const char *resource, const char *name, const char *ns) {
    char *msg = xasprintf("%s.flink.apache.org%s%s%s is forbidden: User \"%s\" cannot %s resource "
                          "\"%s\" in API group \"flink.apache.org\" in the namespace \"%s\"",
                          resource, name != NULL ? " \"" : "", name != NULL ? name : "",
                          name != NULL ? "\"" : "", k->forbidden_user, verb, resource, ns);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Status");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(o, "status", "Failure");
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "reason", "Forbidden");
    cJSON *details = cJSON_AddObjectToObject(o, "details");
    if (name != NULL)
        cJSON_AddStringToObject(details, "name", name);
    cJSON_AddStringToObject(details, "group", "flink.apache.org");
    cJSON_AddStringToObject(details, "kind", resource);
    cJSON_AddNumberToObject(o, "code", 403);
    free(msg);
    sim_reply_json(r, 403, o);
}

/* The RFC 7386 merge patch that turns have into want (objects, borrowed): owned. */
static cJSON *merge_diff(const cJSON *have, const cJSON *want) {
    cJSON *out = cJSON_CreateObject();
    for (const cJSON *h = have != NULL ? have->child : NULL; h != NULL; h = h->next)
        if (cJSON_GetObjectItemCaseSensitive(want, h->string) == NULL)
            cJSON_AddNullToObject(out, h->string);
    for (const cJSON *w = want != NULL ? want->child : NULL; w != NULL; w = w->next) {
        const cJSON *h = cJSON_GetObjectItemCaseSensitive(have, w->string);
        if (cJSON_IsObject(h) && cJSON_IsObject(w))
            cJSON_AddItemToObject(out, w->string, merge_diff(h, w));
        else if (h == NULL || !cJSON_Compare(h, w, true))
            cJSON_AddItemToObject(out, w->string, cJSON_Duplicate(w, true));
    }
    return out;
}

/* The merge patch that turns stored's spec, labels and annotations into patched's:
 * owned. */
static cJSON *json_patch_as_merge(cJSON *stored, cJSON *patched) {
    cJSON *out = cJSON_CreateObject();
    cJSON_AddItemToObject(out, "spec",
                          merge_diff(get_obj(stored, "spec"), get_obj(patched, "spec")));
    cJSON *md = cJSON_AddObjectToObject(out, "metadata");
    static const char *const maps[] = {"labels", "annotations"};
    for (size_t i = 0; i < 2; i++)
        cJSON_AddItemToObject(md, maps[i],
                              merge_diff(get_obj(get_obj(stored, "metadata"), maps[i]),
                                         get_obj(get_obj(patched, "metadata"), maps[i])));
    return out;
}

static void patch_deployment(struct sim_k8s *k, struct sim_model *m, const char *ns,
                             const char *name, const char *content_type, const char *body,
                             size_t body_len, int64_t now, struct sim_reply *r) {
    cJSON *patch = NULL, *before = NULL;
    size_t idx = k->n;
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->namespaces[i], ns) == 0 && strcmp(k->names[i], name) == 0)
            idx = i;
    if (idx == k->n || idx >= m->n_clusters || k->deleted[idx] || k->standalone[idx]) {
        sim_k8s_status(r, 404, "NotFound", "flinkdeployments.flink.apache.org \"%s\" not found",
                       name);
        goto out;
    }
    if (k->forbidden_user != NULL) {
        forbidden(k, r, "patch", "flinkdeployments", name, ns);
        goto out;
    }
    bool json_patch =
        content_type != NULL && strncmp(content_type, "application/json-patch+json", 27) == 0;
    if (!json_patch &&
        (content_type == NULL || strncmp(content_type, "application/merge-patch+json", 28) != 0)) {
        sim_k8s_status(r, 415, "UnsupportedMediaType",
                       "the body of the request was in an unknown format - accepted media types "
                       "include: application/json-patch+json, application/merge-patch+json");
        goto out;
    }
    const char *end = NULL;
    patch = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    cJSON *stored = cJSON_GetArrayItem(k->deployments, (int)idx);
    if (json_patch) {
        /* Applied to the object as stored; what it makes of metadata and spec is then
         * written as a merge would. */
        char err[256];
        cJSON *doc = render_deployment(k, idx, &m->clusters[idx], now);
        bool ok = sim_json_patch_apply(doc, patch, err, sizeof err);
        cJSON_Delete(patch);
        patch = NULL;
        if (!ok) {
            cJSON_Delete(doc);
            sim_k8s_status(r, 422, "Invalid", "%s", err);
            goto out;
        }
        patch = json_patch_as_merge(stored, doc);
        cJSON_Delete(doc);
    }
    if (!cJSON_IsObject(patch)) {
        sim_k8s_status(r, 400, "BadRequest", "the patch is not a JSON object");
        goto out;
    }
    cJSON *md = get_obj(stored, "metadata");
    cJSON *pmd = get_obj(patch, "metadata");
    const char *want_rv = pmd != NULL ? get_str(pmd, "resourceVersion") : NULL;
    const char *have_rv = get_str(md, "resourceVersion");
    if (!sim_k8s_rv_current(want_rv, have_rv)) {
        sim_k8s_status(r, 409, "Conflict",
                       "Operation cannot be fulfilled on flinkdeployments.flink.apache.org "
                       "\"%s\": the object has been modified; please apply your changes to the "
                       "latest version and try again",
                       name);
        goto out;
    }
    /* The main resource never writes status (a subresource), nor identity fields. */
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "status");
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "apiVersion");
    cJSON_DeleteItemFromObjectCaseSensitive(patch, "kind");
    if (pmd != NULL) {
        static const char *const fixed[] = {"name",       "namespace",       "uid",
                                            "generation", "resourceVersion", "creationTimestamp"};
        for (size_t i = 0; i < sizeof fixed / sizeof fixed[0]; i++)
            cJSON_DeleteItemFromObjectCaseSensitive(pmd, fixed[i]);
    }
    before = cJSON_Duplicate(stored, true);
    sim_json_merge_patch(stored, patch);
    if (!cJSON_Compare(before, stored, true)) {
        md = get_obj(stored, "metadata");
        char *rv = rv_string(++k->resource_version);
        sim_json_set(md, "resourceVersion", cJSON_CreateString(rv));
        free(rv);
        if (!cJSON_Compare(cJSON_GetObjectItemCaseSensitive(before, "spec"),
                           cJSON_GetObjectItemCaseSensitive(stored, "spec"), true)) {
            const cJSON *gen = cJSON_GetObjectItemCaseSensitive(md, "generation");
            double g = cJSON_IsNumber(gen) ? gen->valuedouble : 1;
            sim_json_set(md, "generation", cJSON_CreateNumber(g + 1));
            /* The operator notices and starts its reconcile cycle. */
            struct sim_cluster *c = &m->clusters[idx];
            char *jm = sim_k8s_jm_pod_name(c);
            sim_operator_spec_changed(&k->operators[idx], m, c, tracked_job(k, idx, c),
                                      k->names[idx], jm, get_obj(stored, "spec"), g + 1, now);
            /* a session cluster redeployed: its FlinkSessionJobs' jobs are submitted again */
            const struct sim_operator_state *op = &k->operators[idx];
            if (c->mode == SIM_MODE_SESSION && op->down_at > 0)
                sim_sessionjobs_redeployed(k->sessionjobs, m, idx, op->down_at,
                                           op->rollback_at > 0 ? op->dep[1].ready_at
                                                               : op->dep[0].ready_at);
            free(jm);
        }
    }
    sim_reply_json(r, 200, render_deployment(k, idx, &m->clusters[idx], now));
out:
    cJSON_Delete(patch);
    cJSON_Delete(before);
}

/* POST of a FlinkStateSnapshot, by a client or (by_operator) the operator itself. */
static void create_snapshot(struct sim_k8s *k, struct sim_model *m, const char *ns,
                            const char *body, size_t body_len, bool by_operator, int64_t now,
                            struct sim_reply *r) {
    if (k->forbidden_user != NULL && !by_operator) {
        forbidden(k, r, "create", "flinkstatesnapshots", NULL, ns);
        return;
    }
    const char *end = NULL;
    cJSON *obj = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    if (!cJSON_IsObject(obj)) {
        sim_k8s_status(r, 400, "BadRequest", "the body is not a JSON object");
        goto out;
    }
    const char *kind = get_str(obj, "kind");
    if (kind != NULL && strcmp(kind, "FlinkStateSnapshot") != 0) {
        sim_k8s_status(r, 400, "BadRequest", "kind %s does not match flinkstatesnapshots", kind);
        goto out;
    }
    cJSON *md = get_obj(obj, "metadata");
    if (md == NULL)
        md = cJSON_AddObjectToObject(obj, "metadata");
    const char *name = get_str(md, "name");
    const char *gen_name = get_str(md, "generateName");
    char *final = NULL;
    if (name != NULL) {
        final = xstrdup(name);
    } else if (gen_name != NULL) {
        char sfx[6];
        name_suffix(sfx, sizeof sfx, fnv(gen_name, ++k->snapshot_seq));
        final = xasprintf("%s%s", gen_name, sfx);
    } else {
        sim_k8s_status(r, 422, "Invalid", "metadata.name or metadata.generateName is required");
        goto out;
    }
    for (int i = 0; i < cJSON_GetArraySize(k->snapshots); i++) {
        cJSON *it = cJSON_GetArrayItem(k->snapshots, i);
        if (in_namespace(it, ns) && named(it, final)) {
            sim_k8s_status(r, 409, "AlreadyExists",
                           "flinkstatesnapshots.flink.apache.org \"%s\" already exists", final);
            free(final);
            goto out;
        }
    }
    sim_json_set(obj, "apiVersion", cJSON_CreateString(FLINK_GV));
    sim_json_set(obj, "kind", cJSON_CreateString("FlinkStateSnapshot"));
    sim_json_set(md, "name", cJSON_CreateString(final));
    sim_json_set(md, "namespace", cJSON_CreateString(ns));
    char *key = xasprintf("%s/%s/snapshot", ns, final);
    char *uid = make_uid(key);
    sim_json_set(md, "uid", cJSON_CreateString(uid));
    free(uid);
    free(key);
    char *rv = rv_string(++k->resource_version);
    sim_json_set(md, "resourceVersion", cJSON_CreateString(rv));
    free(rv);
    sim_json_set(md, "generation", cJSON_CreateNumber(1));
    char ts[32];
    rfc3339(ts, sizeof ts, now);
    sim_json_set(md, "creationTimestamp", cJSON_CreateString(ts));

    cJSON *spec = get_obj(obj, "spec");
    cJSON *ref = spec != NULL ? get_obj(spec, "jobReference") : NULL;
    const char *ref_name = ref != NULL ? get_str(ref, "name") : NULL;
    const char *ref_kind = ref != NULL ? get_str(ref, "kind") : NULL;
    bool checkpoint = spec != NULL && get_obj(spec, "checkpoint") != NULL;
    cJSON *labels = get_obj(md, "labels");
    if (labels == NULL)
        labels = cJSON_AddObjectToObject(md, "labels");
    sim_json_set(labels, "snapshot.type",
                 cJSON_CreateString(checkpoint ? "CHECKPOINT" : "SAVEPOINT"));
    sim_json_set(labels, "snapshot.state", cJSON_CreateString("TRIGGER_PENDING"));
    if (get_str(labels, "snapshot.trigger-type") == NULL) /* the operator's: putIfAbsent */
        sim_json_set(labels, "snapshot.trigger-type", cJSON_CreateString("MANUAL"));
    sim_json_set(labels, "job-reference.kind",
                 cJSON_CreateString(ref_kind != NULL ? ref_kind : "FlinkDeployment"));
    sim_json_set(labels, "job-reference.name",
                 cJSON_CreateString(ref_name != NULL ? ref_name : ""));

    sim_json_set(obj, "status", cJSON_CreateObject());
    free(final);
    /* A savepoint that already exists (the operator's upgrade savepoints record theirs
     * so) is COMPLETED at once with its path: nothing is triggered. */
    const cJSON *exists =
        cJSON_GetObjectItemCaseSensitive(get_obj(spec, "savepoint"), "alreadyExists");
    const char *exists_path = get_str(get_obj(spec, "savepoint"), "path");
    if (!checkpoint && cJSON_IsTrue(exists) && exists_path != NULL && exists_path[0] != '\0') {
        cJSON *st = get_obj(obj, "status");
        char ms[32];
        snprintf(ms, sizeof ms, "%lld", (long long)now);
        cJSON_AddStringToObject(st, "state", "COMPLETED");
        cJSON_AddStringToObject(st, "path", exists_path);
        cJSON_AddStringToObject(st, "triggerTimestamp", ms);
        cJSON_AddStringToObject(st, "resultTimestamp", ms);
        cJSON_AddNumberToObject(st, "failures", 0);
        sim_json_set(labels, "snapshot.state", cJSON_CreateString("COMPLETED"));
        cJSON_AddItemToArray(k->snapshots, cJSON_Duplicate(obj, true));
        sim_reply_json(r, 201, obj);
        obj = NULL;
        goto out;
    }
    /* The referenced deployment of this namespace takes the savepoint (sim_snapshots). */
    struct sim_cluster *c = NULL;
    struct sim_job *j = NULL;
    char *dir = NULL;
    for (size_t i = 0; i < k->n && i < m->n_clusters && ref_name != NULL; i++) {
        if (strcmp(k->namespaces[i], ns) != 0 || strcmp(k->names[i], ref_name) != 0)
            continue;
        c = &m->clusters[i];
        j = tracked_job(k, i, c);
        const char *path = get_str(get_obj(spec, "savepoint"), "path");
        dir = path != NULL && path[0] != '\0'
                  ? xstrdup(path)
                  : sim_operator_savepoint_dir(
                        c, get_obj(cJSON_GetArrayItem(k->deployments, (int)i), "spec"));
    }
    /* or a FlinkSessionJob of this namespace: its job, on its session cluster */
    if (c == NULL && ref_name != NULL && ref_kind != NULL &&
        strcmp(ref_kind, "FlinkSessionJob") == 0 &&
        sim_sessionjobs_job(k->sessionjobs, m, ns, ref_name, &c, &j)) {
        const char *path = get_str(get_obj(spec, "savepoint"), "path");
        dir = path != NULL && path[0] != '\0'
                  ? xstrdup(path)
                  : sim_operator_savepoint_dir(
                        c, get_obj(cJSON_GetArrayItem(k->deployments, (int)c->index), "spec"));
    }
    cJSON *stored = cJSON_Duplicate(obj, true);
    cJSON_AddItemToArray(k->snapshots, stored);
    sim_snapshots_start(&k->progress, m, c, j, stored, dir != NULL ? dir : "", checkpoint, now);
    free(dir);
    cJSON_ReplaceItemInObjectCaseSensitive(obj, "status",
                                           cJSON_Duplicate(get_obj(stored, "status"), true));
    sim_json_set(labels, "snapshot.state", cJSON_CreateString("TRIGGER_PENDING"));
    sim_reply_json(r, 201, obj);
    obj = NULL;
out:
    cJSON_Delete(obj);
}

/* ---- routing ------------------------------------------------------------------------ */

bool sim_k8s_owns(const char *path) {
    return strcmp(path, "/version") == 0 || strcmp(path, "/api") == 0 ||
           sim_k8s_openapi_owns(path) || strncmp(path, "/api/", 5) == 0 ||
           strcmp(path, "/apis") == 0 || strncmp(path, "/apis/", 6) == 0;
}

static bool split(struct k8s_request *q, const char *p) {
    q->n_seg = 0;
    while (*p == '/') {
        p++;
        if (*p == '\0')
            break; /* a trailing slash */
        const char *slash = strchr(p, '/');
        size_t len = slash != NULL ? (size_t)(slash - p) : strlen(p);
        if (len == 0 || q->n_seg == MAX_SEGMENTS)
            return false;
        q->seg[q->n_seg] = p;
        q->seg_len[q->n_seg] = len;
        q->n_seg++;
        p += len;
    }
    return *p == '\0';
}

static bool seg_is(const struct k8s_request *q, size_t i, const char *s) {
    return i < q->n_seg && strlen(s) == q->seg_len[i] && memcmp(q->seg[i], s, q->seg_len[i]) == 0;
}

static char *seg_dup(const struct k8s_request *q, size_t i) {
    return xstrndup(q->seg[i], q->seg_len[i]);
}

/* "/api/v1/namespaces/NS/services/SVC/proxy..." -> index of the deployment, and where the
 * Flink path starts in *rest. Returns k->n when the service is unknown, SIZE_MAX when the
 * path is not a proxy path at all. */
static size_t proxy_index(const struct sim_k8s *k, const char *path, const char **rest) {
    static const char prefix[] = "/api/v1/namespaces/";
    if (strncmp(path, prefix, sizeof prefix - 1) != 0)
        return SIZE_MAX;
    const char *ns = path + sizeof prefix - 1;
    const char *ns_end = strchr(ns, '/');
    if (ns_end == NULL || strncmp(ns_end, "/services/", 10) != 0)
        return SIZE_MAX;
    const char *svc = ns_end + 10;
    const char *svc_end = strchr(svc, '/');
    if (svc_end == NULL || strncmp(svc_end, "/proxy", 6) != 0 ||
        (svc_end[6] != '/' && svc_end[6] != '\0'))
        return SIZE_MAX;
    *rest = svc_end + 6;
    size_t ns_len = (size_t)(ns_end - ns);
    if (strncmp(svc, "http:", 5) == 0)
        svc += 5;
    const char *colon = memchr(svc, ':', (size_t)(svc_end - svc));
    const char *name_end = colon != NULL ? colon : svc_end;
    if (colon != NULL) {
        size_t plen = (size_t)(svc_end - colon - 1);
        if (!(plen == 4 && memcmp(colon + 1, "rest", 4) == 0) &&
            !(plen == 4 && memcmp(colon + 1, "8081", 4) == 0))
            return k->n;
    }
    size_t name_len = (size_t)(name_end - svc);
    for (size_t i = 0; i < k->n; i++) {
        size_t n = strlen(k->names[i]);
        if (k->deleted[i] && !k->orphaned[i])
            continue; /* gone; a FlinkDeployment created again under its name may follow */
        if (strlen(k->namespaces[i]) == ns_len && memcmp(k->namespaces[i], ns, ns_len) == 0 &&
            name_len == n + 5 && memcmp(svc, k->names[i], n) == 0 &&
            memcmp(svc + n, "-rest", 5) == 0)
            return sim_operator_service_gone(&k->operators[i], k->model->now) ? k->n : i;
    }
    return k->n;
}

char *sim_k8s_proxy_target(const struct sim_k8s *k, const char *path) {
    const char *rest = NULL;
    char *out = NULL;
    sim_model_lock(k->model, sim_now_ms()); /* a DELETE may take the service away */
    size_t i = proxy_index(k, path, &rest);
    if (i != SIZE_MAX && i < k->n)
        out = xasprintf("/clusters/#%zu%s", i, rest); /* deployment i is cluster i */
    sim_model_unlock(k->model);
    return out;
}

/* One request to [namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]], for the handlers below. */
struct k8s_call {
    struct sim_k8s *k;
    struct sim_model *m;
    const char *method, *path;
    const struct sim_query *query;
    const char *content_type, *body;
    size_t body_len;
    bool table;
    int64_t now;
    const struct k8s_resource *res;
    char *ns, *name; /* owned by dispatch; ns NULL across namespaces, name NULL for a list */
    struct sim_reply *r;
};

static size_t deployment_index(const struct sim_k8s *k, const char *ns, const char *name) {
    for (size_t i = 0; i < k->n; i++)
        if (!k->deleted[i] && !k->standalone[i] && strcmp(k->namespaces[i], ns) == 0 &&
            strcmp(k->names[i], name) == 0)
            return i;
    return SIZE_MAX;
}

static void subresource_get(struct k8s_call *x) {
    reply_get(x->k, x->m, x->res, x->ns, x->name, false, x->now, x->r);
}

/* PATCH|PUT .../flinkdeployments/NAME/status: what the client writes of status stays over
 * what the simulated operator reports. */
static void status_write(struct k8s_call *x) {
    struct sim_k8s *k = x->k;
    size_t idx = x->ns != NULL ? deployment_index(k, x->ns, x->name) : SIZE_MAX;
    cJSON *in = NULL;
    if (idx == SIZE_MAX) {
        sim_k8s_status(x->r, 404, "NotFound", "flinkdeployments.flink.apache.org \"%s\" not found",
                       x->name);
        goto out;
    }
    if (k->forbidden_user != NULL) {
        forbidden(k, x->r, "patch", "flinkdeployments", x->name, x->ns);
        goto out;
    }
    const char *end = NULL;
    in = x->body != NULL ? cJSON_ParseWithLengthOpts(x->body, x->body_len, &end, false) : NULL;
    cJSON *st = get_obj(in, "status");
    if (st == NULL) {
        sim_k8s_status(x->r, 400, "BadRequest", "the body carries no status object");
        goto out;
    }
    cJSON *overlay = cJSON_GetArrayItem(k->status_overlays, (int)idx);
    if (strcmp(x->method, "PUT") == 0)
        cJSON_ReplaceItemInArray(k->status_overlays, (int)idx, cJSON_Duplicate(st, true));
    else
        sim_json_merge_patch(overlay, st);
    x->r->status = 200;
    written(k, x->m, x->res, x->ns, x->name, x->now, x->r);
out:
    cJSON_Delete(in);
}

/* The autoscaling/v1 Scale of a FlinkDeployment (the CRD's scale subresource:
 * spec.taskManager.replicas, status.taskManager.replicas and labelSelector). */
static cJSON *scale_of(const cJSON *fd) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Scale");
    cJSON_AddStringToObject(o, "apiVersion", "autoscaling/v1");
    cJSON *md = get_obj((cJSON *)(uintptr_t)fd, "metadata");
    cJSON *out_md = cJSON_AddObjectToObject(o, "metadata");
    static const char *const keep[] = {"name", "namespace", "uid", "resourceVersion",
                                       "creationTimestamp"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *v = get_str(md, keep[i]);
        if (v != NULL)
            cJSON_AddStringToObject(out_md, keep[i], v);
    }
    cJSON *tm_spec = get_obj(get_obj((cJSON *)(uintptr_t)fd, "spec"), "taskManager");
    cJSON *tm_st = get_obj(get_obj((cJSON *)(uintptr_t)fd, "status"), "taskManager");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(tm_spec, "replicas");
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(tm_st, "replicas");
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "spec"), "replicas",
                            cJSON_IsNumber(want) ? want->valuedouble : 0);
    cJSON *st = cJSON_AddObjectToObject(o, "status");
    cJSON_AddNumberToObject(st, "replicas", cJSON_IsNumber(have) ? have->valuedouble : 0);
    const char *sel = get_str(tm_st, "labelSelector");
    if (sel != NULL && sel[0] != '\0')
        cJSON_AddStringToObject(st, "selector", sel);
    return o;
}

static void scale_get(struct k8s_call *x) {
    cJSON *fd = x->ns != NULL ? rendered_one(x->k, x->m, x->res, x->ns, x->name, x->now) : NULL;
    if (fd == NULL) {
        sim_k8s_status(x->r, 404, "NotFound", "flinkdeployments.flink.apache.org \"%s\" not found",
                       x->name);
        return;
    }
    sim_reply_json(x->r, 200, scale_of(fd));
    cJSON_Delete(fd);
}

/* PATCH (merge) or PUT of the Scale: spec.replicas becomes spec.taskManager.replicas, a
 * spec change like any other (the operator's reconcile cycle follows). */
/* spec.replicas of a Scale written (PATCH or PUT body): a whole number 0..max, else the
 * API server's 422 is answered and -1 returned. */
static long scale_replicas(struct k8s_call *x, long max) {
    const char *end = NULL;
    cJSON *in =
        x->body != NULL ? cJSON_ParseWithLengthOpts(x->body, x->body_len, &end, false) : NULL;
    const cJSON *replicas = cJSON_GetObjectItemCaseSensitive(get_obj(in, "spec"), "replicas");
    bool ok = cJSON_IsNumber(replicas) && replicas->valuedouble >= 0 &&
              replicas->valuedouble <= (double)max &&
              replicas->valuedouble == (double)(long)replicas->valuedouble;
    long n = ok ? (long)replicas->valuedouble : -1;
    cJSON_Delete(in);
    if (n < 0)
        sim_k8s_status(x->r, 422, "Invalid",
                       "Scale.autoscaling \"%s\" is invalid: spec.replicas: "
                       "Invalid value: must be a whole number from 0",
                       x->name);
    return n;
}

static void scale_write(struct k8s_call *x) {
    long n = scale_replicas(x, 10000);
    if (n < 0)
        return;
    char *patch = xasprintf("{\"spec\":{\"taskManager\":{\"replicas\":%ld}}}", n);
    patch_deployment(x->k, x->m, x->ns != NULL ? x->ns : "", x->name,
                     "application/merge-patch+json", patch, strlen(patch), x->now, x->r);
    free(patch);
    if (x->r->status != 200)
        return;
    sim_reply_free(x->r);
    sim_k8s_watch_notify(x->k->hub);
    scale_get(x);
}

/* The autoscaling/v1 Scale of an apps/v1 Deployment (d rendered, borrowed): spec.replicas,
 * status.replicas and the selector as a string, as the API server answers kubectl scale. */
static cJSON *deploy_scale_of(const cJSON *d) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Scale");
    cJSON_AddStringToObject(o, "apiVersion", "autoscaling/v1");
    cJSON *md = get_obj((cJSON *)(uintptr_t)d, "metadata");
    cJSON *out_md = cJSON_AddObjectToObject(o, "metadata");
    static const char *const keep[] = {"name", "namespace", "uid", "resourceVersion",
                                       "creationTimestamp"};
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        const char *v = get_str(md, keep[i]);
        if (v != NULL)
            cJSON_AddStringToObject(out_md, keep[i], v);
    }
    cJSON *spec = get_obj((cJSON *)(uintptr_t)d, "spec");
    cJSON *st = get_obj((cJSON *)(uintptr_t)d, "status");
    const cJSON *want = cJSON_GetObjectItemCaseSensitive(spec, "replicas");
    const cJSON *have = cJSON_GetObjectItemCaseSensitive(st, "replicas");
    cJSON_AddNumberToObject(cJSON_AddObjectToObject(o, "spec"), "replicas",
                            cJSON_IsNumber(want) ? want->valuedouble : 1);
    cJSON *ost = cJSON_AddObjectToObject(o, "status");
    cJSON_AddNumberToObject(ost, "replicas", cJSON_IsNumber(have) ? have->valuedouble : 0);
    char sel[512] = "";
    const cJSON *ml = get_obj(get_obj(spec, "selector"), "matchLabels");
    for (const cJSON *l = ml ? ml->child : NULL; l != NULL; l = l->next) {
        size_t used = strlen(sel);
        if (cJSON_IsString(l))
            snprintf(sel + used, sizeof sel - used, "%s%s=%s", used ? "," : "", l->string,
                     l->valuestring);
    }
    cJSON_AddStringToObject(ost, "selector", sel);
    return o;
}

static void deploy_scale_get(struct k8s_call *x) {
    cJSON *d = x->ns != NULL ? rendered_one(x->k, x->m, x->res, x->ns, x->name, x->now) : NULL;
    if (d == NULL) {
        sim_k8s_status(x->r, 404, "NotFound", "deployments.apps \"%s\" not found", x->name);
        return;
    }
    sim_reply_json(x->r, 200, deploy_scale_of(d));
    cJSON_Delete(d);
}

/* PATCH (merge, as kubectl scale sends it) or PUT of a Deployment's Scale: spec.replicas
 * of the Deployment, a spec change like any other (sim_deployments.h). */
static void deploy_scale_write(struct k8s_call *x) {
    long n = x->ns != NULL ? scale_replicas(x, 100000) : -1;
    if (n < 0) {
        if (x->ns == NULL)
            sim_k8s_status(x->r, 422, "Invalid",
                           "Scale.autoscaling \"%s\" is invalid: no namespace", x->name);
        return;
    }
    char *patch = xasprintf("{\"spec\":{\"replicas\":%ld}}", n);
    sim_deployments_patch(x->k->apps, x->m, x->ns, x->name, "application/merge-patch+json", patch,
                          strlen(patch), &x->k->resource_version, x->k->forbidden_user, x->now,
                          x->r);
    free(patch);
    if (x->r->status != 200)
        return;
    sim_reply_free(x->r);
    written(x->k, x->m, x->res, x->ns, x->name, x->now, x->r); /* the change log, watches */
    sim_reply_free(x->r);
    deploy_scale_get(x);
}

/* The subresources served, one line each: kind, name, method, handler. (Another
 * subresource, pods/log say, is one more line here.) */
struct k8s_subresource {
    enum k8s_kind kind;
    const char *name, *method;
    void (*handle)(struct k8s_call *x);
};

/* A container's log (sim_logs): tailLines, sinceSeconds, previous, follow. */
static void pod_log(struct k8s_call *x) {
    if (x->ns == NULL) {
        sim_k8s_status(x->r, 404, "NotFound", "the server could not find the requested resource");
        return;
    }
    cJSON *pods = all_items(x->k, x->m, x->res, x->now);
    sim_logs_pod(x->m, pods, x->ns, x->name, x->query, x->now, x->r);
    cJSON_Delete(pods);
}

static const struct k8s_subresource subresources[] = {
    {K8S_PODS, "log", "GET", pod_log},
    {K8S_FLINKDEP, "status", "GET", subresource_get},
    {K8S_FLINKDEP, "status", "PATCH", status_write},
    {K8S_FLINKDEP, "status", "PUT", status_write},
    {K8S_FLINKDEP, "scale", "GET", scale_get},
    {K8S_FLINKDEP, "scale", "PATCH", scale_write},
    {K8S_FLINKDEP, "scale", "PUT", scale_write},
    {K8S_SESSIONJOB, "status", "GET", subresource_get},
    {K8S_SNAPSHOT, "status", "GET", subresource_get},
    {K8S_DEPLOYMENT, "status", "GET", subresource_get},
    {K8S_DEPLOYMENT, "scale", "GET", deploy_scale_get},
    {K8S_DEPLOYMENT, "scale", "PATCH", deploy_scale_write},
    {K8S_DEPLOYMENT, "scale", "PUT", deploy_scale_write},
};

static const struct k8s_subresource *find_subresource(enum k8s_kind kind, const char *name,
                                                      const char *method) {
    for (size_t i = 0; i < sizeof subresources / sizeof subresources[0]; i++)
        if (subresources[i].kind == kind && strcmp(subresources[i].name, name) == 0 &&
            strcmp(subresources[i].method, method) == 0)
            return &subresources[i];
    return NULL;
}

/* DELETE of a FlinkDeployment, FlinkSessionJob or FlinkStateSnapshot with DeleteOptions (query or
 * body): propagationPolicy Background or Foreground takes the deployment's pods and rest service
 * with it, Orphan leaves them; dryRun=All changes nothing. Answers the object as it was. */
static void delete_object(struct k8s_call *x) {
    struct sim_k8s *k = x->k;
    const char *end = NULL;
    cJSON *opts = x->body != NULL && x->body_len > 0
                      ? cJSON_ParseWithLengthOpts(x->body, x->body_len, &end, false)
                      : NULL;
    const char *policy = x->query->get(x->query->cls, "propagationPolicy");
    if (policy == NULL)
        policy = get_str(opts, "propagationPolicy");
    const char *dry = x->query->get(x->query->cls, "dryRun");
    bool dry_run = dry != NULL && strcmp(dry, "All") == 0;
    cJSON *obj = NULL;
    if (policy != NULL && strcmp(policy, "Orphan") != 0 && strcmp(policy, "Background") != 0 &&
        strcmp(policy, "Foreground") != 0) {
        sim_k8s_status(x->r, 400, "BadRequest",
                       "propagationPolicy: Unsupported value: \"%s\": supported values: "
                       "\"Foreground\", \"Background\", \"Orphan\"",
                       policy);
        goto out;
    }
    obj = rendered_one(k, x->m, x->res, x->ns, x->name, x->now);
    if (obj == NULL) {
        sim_k8s_status(x->r, 404, "NotFound", "%s.flink.apache.org \"%s\" not found",
                       x->res->plural, x->name);
        goto out;
    }
    if (k->forbidden_user != NULL) {
        forbidden(k, x->r, "delete", x->res->plural, x->name, x->ns);
        goto out;
    }
    if (!dry_run && x->res->id == K8S_FLINKDEP) {
        size_t idx = deployment_index(k, x->ns, x->name);
        int made = created_index(k, x->ns, x->name);
        if (idx != SIZE_MAX) {
            k->deleted[idx] = true;
            k->orphaned[idx] = policy != NULL && strcmp(policy, "Orphan") == 0;
            /* a created cluster goes with it: its REST API no longer answers */
            if (k->created_at[idx] > 0 && !k->orphaned[idx] && idx < x->m->n_clusters)
                sim_model_remove_cluster(x->m, &x->m->clusters[idx], x->now);
        } else if (made >= 0) {
            cJSON_DeleteItemFromArray(k->created, made);
        }
    } else if (!dry_run && x->res->id == K8S_SESSIONJOB) {
        sim_sessionjobs_delete(k->sessionjobs, x->m, x->ns, x->name, x->now);
    } else if (!dry_run) {
        for (int i = 0; i < cJSON_GetArraySize(k->snapshots); i++) {
            cJSON *it = cJSON_GetArrayItem(k->snapshots, i);
            if (in_namespace(it, x->ns) && named(it, x->name)) {
                cJSON_DeleteItemFromArray(k->snapshots, i);
                break;
            }
        }
    }
    if (!dry_run) { /* the change log records the deletion (and the pods' with it) */
        cJSON_Delete(all_items(k, x->m, x->res, x->now));
        cJSON_Delete(all_items(k, x->m, resource_of(K8S_PODS), x->now));
        cJSON_Delete(all_items(k, x->m, resource_of(K8S_SERVICES), x->now));
        cJSON_Delete(all_items(k, x->m, resource_of(K8S_DEPLOYMENT), x->now));
        sim_k8s_watch_notify(k->hub);
    }
    sim_reply_json(x->r, 200, obj);
    obj = NULL;
out:
    cJSON_Delete(obj);
    cJSON_Delete(opts);
}

/* The metadata.name of the object in r's body: owned, NULL when none. */
static char *created_name(const struct sim_reply *r) {
    if (r->body == NULL)
        return NULL;
    cJSON *o = cJSON_Parse(r->body);
    const char *name = get_str(get_obj(o, "metadata"), "name");
    char *out = name != NULL ? xstrdup(name) : NULL;
    cJSON_Delete(o);
    return out;
}

/* sim_sessionjobs' question: is ns/name a session FlinkDeployment (ci its cluster)? */
static bool session_live(void *cls, const char *ns, const char *name, size_t *ci) {
    struct sim_k8s *k = cls;
    size_t i = deployment_index(k, ns, name);
    if (i == SIZE_MAX || i >= k->model->n_clusters ||
        k->model->clusters[i].mode != SIM_MODE_SESSION)
        return false;
    *ci = i;
    return true;
}

/* PATCH of a FlinkDeployment a client created: merge or JSON patch of its metadata's
 * labels and annotations and its spec (nothing runs it, so nothing follows). */
static void patch_created(struct sim_k8s *k, const char *ns, const char *name,
                          const char *content_type, const char *body, size_t body_len,
                          struct sim_reply *r) {
    cJSON *stored = cJSON_GetArrayItem(k->created, created_index(k, ns, name));
    bool json_patch =
        content_type != NULL && strncmp(content_type, "application/json-patch+json", 27) == 0;
    bool merge =
        content_type != NULL && strncmp(content_type, "application/merge-patch+json", 28) == 0;
    const char *end = NULL;
    cJSON *patch = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    cJSON *doc = cJSON_Duplicate(stored, true);
    char err[256];
    if (!json_patch && !merge) {
        sim_k8s_status(r, 415, "UnsupportedMediaType",
                       "the body of the request was in an unknown format - accepted media types "
                       "include: application/json-patch+json, application/merge-patch+json");
        goto out;
    }
    if (json_patch && !sim_json_patch_apply(doc, patch, err, sizeof err)) {
        sim_k8s_status(r, 422, "Invalid", "%s", err);
        goto out;
    }
    if (merge && !cJSON_IsObject(patch)) {
        sim_k8s_status(r, 400, "BadRequest", "the patch is not a JSON object");
        goto out;
    }
    cJSON *md = get_obj(stored, "metadata");
    if (merge) {
        const char *want = get_str(get_obj(patch, "metadata"), "resourceVersion");
        if (!sim_k8s_rv_current(want, get_str(md, "resourceVersion"))) {
            sim_k8s_status(r, 409, "Conflict",
                           "Operation cannot be fulfilled on flinkdeployments.flink.apache.org "
                           "\"%s\": the object has been modified; please apply your changes to "
                           "the latest version and try again",
                           name);
            goto out;
        }
        sim_json_merge_patch(doc, patch);
    }
    bool spec_changed = !cJSON_Compare(get_obj(stored, "spec"), get_obj(doc, "spec"), true);
    cJSON *want = json_patch_as_merge(stored, doc);
    cJSON_DeleteItemFromObjectCaseSensitive(want, "spec");
    cJSON *before = cJSON_Duplicate(stored, true);
    sim_json_merge_patch(stored, want);
    cJSON_Delete(want);
    cJSON *new_spec = get_obj(doc, "spec");
    sim_json_set(stored, "spec",
                 new_spec != NULL ? cJSON_Duplicate(new_spec, true) : cJSON_CreateObject());
    if (!cJSON_Compare(before, stored, true)) {
        char *rv = rv_string(++k->resource_version);
        sim_json_set(md, "resourceVersion", cJSON_CreateString(rv));
        free(rv);
        if (spec_changed) {
            const cJSON *gen = cJSON_GetObjectItemCaseSensitive(md, "generation");
            sim_json_set(md, "generation",
                         cJSON_CreateNumber((cJSON_IsNumber(gen) ? gen->valuedouble : 1) + 1));
        }
    }
    cJSON_Delete(before);
    sim_reply_json(r, 200, render_created(stored));
out:
    cJSON_Delete(doc);
    cJSON_Delete(patch);
}

/* The API server's 409 for a write whose precondition failed: a Status with details. */
static void conflict(struct sim_reply *r, const struct k8s_resource *res, const char *name) {
    const char *group = group_names[res->group];
    char *msg = xasprintf("Operation cannot be fulfilled on %s%s%s \"%s\": the object has been "
                          "modified; please apply your changes to the latest version and try "
                          "again",
                          res->plural, group[0] != '\0' ? "." : "", group, name);
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Status");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(o, "status", "Failure");
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "reason", "Conflict");
    cJSON *d = cJSON_AddObjectToObject(o, "details");
    cJSON_AddStringToObject(d, "name", name);
    cJSON_AddStringToObject(d, "group", group);
    cJSON_AddStringToObject(d, "kind", res->plural);
    cJSON_AddNumberToObject(o, "code", 409);
    free(msg);
    sim_reply_json(r, 409, o);
}

/* A write's optimistic concurrency as the API server checks it: a metadata.resourceVersion
 * in the body (a PUT's, or a merge patch's: the patched object carries it into the update)
 * must be the object's resourceVersion now, the one a read returns (the operator's status
 * writes move it too); a body without one has no precondition. False after answering 409.
 * A JSON patch's precondition is its own "test" op. */
static bool precondition_holds(struct sim_k8s *k, struct sim_model *m,
                               const struct k8s_resource *res, const char *ns, const char *name,
                               const char *content_type, const char *body, size_t body_len,
                               int64_t now, struct sim_reply *r) {
    if (content_type != NULL && strncmp(content_type, "application/json-patch+json", 27) == 0)
        return true;
    const char *end = NULL;
    cJSON *in = body != NULL ? cJSON_ParseWithLengthOpts(body, body_len, &end, false) : NULL;
    const cJSON *want =
        cJSON_GetObjectItemCaseSensitive(get_obj(in, "metadata"), "resourceVersion");
    bool holds = true;
    if (want != NULL) {
        cJSON *now_obj = rendered_one(k, m, res, ns, name, now);
        const char *have = get_str(get_obj(now_obj, "metadata"), "resourceVersion");
        holds = now_obj == NULL ||
                (cJSON_IsString(want) && have != NULL && strcmp(want->valuestring, have) == 0);
        cJSON_Delete(now_obj);
    }
    cJSON_Delete(in);
    if (!holds)
        conflict(r, res, name);
    return holds;
}

/* spec.job.savepointTriggerNonce of a rendered FlinkSessionJob (borrowed), NULL none. */
static const cJSON *trigger_nonce(const cJSON *sj) {
    const cJSON *n = cJSON_GetObjectItemCaseSensitive(
        get_obj(get_obj((cJSON *)(uintptr_t)sj, "spec"), "job"), "savepointTriggerNonce");
    return cJSON_IsNumber(n) ? n : NULL;
}

/* PATCH of a FlinkSessionJob; a new savepointTriggerNonce on a running job: the operator
 * (1.10+) takes a savepoint as a FlinkStateSnapshot "NAME-savepoint-manual-MS". */
static void sessionjob_patch(struct k8s_call *x) {
    struct sim_k8s *k = x->k;
    cJSON *before = rendered_one(k, x->m, x->res, x->ns, x->name, x->now);
    sim_sessionjobs_patch(k->sessionjobs, x->m, x->ns, x->name, x->content_type, x->body,
                          x->body_len, &k->resource_version, session_live, k, x->now, x->r);
    cJSON *after = x->r->status == 200 && x->r->body != NULL ? cJSON_Parse(x->r->body) : NULL;
    const cJSON *was = trigger_nonce(before), *is = trigger_nonce(after);
    const char *state = get_str(get_obj(get_obj(after, "spec"), "job"), "state");
    struct sim_cluster *c = NULL;
    struct sim_job *j = NULL;
    if (is != NULL && (was == NULL || was->valuedouble != is->valuedouble) &&
        (state == NULL || strcmp(state, "suspended") != 0) &&
        sim_sessionjobs_job(k->sessionjobs, x->m, x->ns, x->name, &c, &j) &&
        j->state == SIM_JOB_RUNNING)
        operator_snapshot(k, x->m, x->ns, "FlinkSessionJob", x->name, "manual", NULL, x->now,
                          x->now);
    cJSON_Delete(before);
    cJSON_Delete(after);
}

/* PUT of a FlinkDeployment or FlinkSessionJob: the whole object replaced. A custom
 * resource takes no unconditional update (metadata.resourceVersion is required, and must be
 * current: dispatch checked); what changes is its labels, annotations and spec (status is
 * a subresource), written as the merge patch that makes the stored object the sent one, so
 * the operator sees it as it sees a patch. */
static void replace_object(struct k8s_call *x) {
    const char *end = NULL;
    cJSON *in =
        x->body != NULL ? cJSON_ParseWithLengthOpts(x->body, x->body_len, &end, false) : NULL;
    cJSON *stored = NULL;
    char *text = NULL;
    const char *kind = get_str(in, "kind");
    const char *in_name = get_str(get_obj(in, "metadata"), "name");
    if (!cJSON_IsObject(in)) {
        sim_k8s_status(x->r, 400, "BadRequest", "the body of the request is not a JSON object");
        goto out;
    }
    if (kind != NULL && strcmp(kind, x->res->kind) != 0) {
        sim_k8s_status(x->r, 400, "BadRequest", "kind %s does not match %s", kind, x->res->plural);
        goto out;
    }
    if (in_name == NULL || strcmp(in_name, x->name) != 0) {
        sim_k8s_status(x->r, 400, "BadRequest",
                       "the name of the object (%s) does not match the name on the URL (%s)",
                       in_name != NULL ? in_name : "", x->name);
        goto out;
    }
    stored = rendered_one(x->k, x->m, x->res, x->ns, x->name, x->now);
    if (stored == NULL) {
        sim_k8s_status(x->r, 404, "NotFound", "%s.flink.apache.org \"%s\" not found",
                       x->res->plural, x->name);
        goto out;
    }
    if (x->k->forbidden_user != NULL) {
        forbidden(x->k, x->r, "update", x->res->plural, x->name, x->ns);
        goto out;
    }
    if (get_str(get_obj(in, "metadata"), "resourceVersion") == NULL) {
        sim_k8s_status(x->r, 422, "Invalid",
                       "%s.flink.apache.org \"%s\" is invalid: metadata.resourceVersion: "
                       "Invalid value: 0x0: must be specified for an update",
                       x->res->kind, x->name);
        goto out;
    }
    if (get_obj(in, "spec") == NULL)
        cJSON_AddObjectToObject(in, "spec");
    cJSON *patch = json_patch_as_merge(stored, in);
    text = cJSON_PrintUnformatted(patch);
    cJSON_Delete(patch);
    struct k8s_call y = *x;
    y.content_type = "application/merge-patch+json";
    y.body = text;
    y.body_len = strlen(text);
    if (x->res->id == K8S_SESSIONJOB)
        sessionjob_patch(&y);
    else if (created_index(x->k, x->ns, x->name) >= 0)
        patch_created(x->k, x->ns, x->name, y.content_type, text, y.body_len, x->r);
    else
        patch_deployment(x->k, x->m, x->ns, x->name, y.content_type, text, y.body_len, x->now,
                         x->r);
out:
    free(text);
    cJSON_Delete(stored);
    cJSON_Delete(in);
}

static void dispatch(struct sim_k8s *k, struct sim_model *m, const char *method, const char *path,
                     const struct sim_query *query, const char *content_type, const char *accept,
                     const char *body, size_t body_len, int64_t now, struct sim_reply *r) {
    struct k8s_request q;
    bool get = strcmp(method, "GET") == 0;
    bool table = accept != NULL && strstr(accept, "as=Table") != NULL;
    const char *rest = NULL;
    if (proxy_index(k, path, &rest) != SIZE_MAX) {
        /* sim_main routes known services to Flink: this one is unknown. */
        sim_k8s_status(r, 404, "NotFound", "services not found for %s", path);
        return;
    }
    if (sim_k8s_openapi_owns(path)) {
        sim_k8s_openapi_handle(k->openapi, method, path, accept, r);
        return;
    }
    if (sim_k8s_auth_owns(path)) {
        sim_k8s_auth_handle(method, path, body, body_len, k->forbidden_user, now, r);
        return;
    }
    if (sim_k8s_metrics_owns(path)) { /* metrics-server's PodMetrics of the pods */
        cJSON *pods = cJSON_CreateArray();
        add_pods(k, m, pods, now);
        sim_k8s_metrics_handle(m, pods, method, path, now, r);
        cJSON_Delete(pods);
        return;
    }
    if (!split(&q, path))
        goto not_found;
    if (seg_is(&q, 0, "version") && q.n_seg == 1) {
        if (get)
            reply_version(r);
        else
            goto not_allowed;
        return;
    }
    enum k8s_group group = GROUP_CORE;
    size_t base; /* index of the first segment after the group version */
    if (seg_is(&q, 0, "api")) {
        if (q.n_seg == 1) {
            reply_api_versions(r);
            return;
        }
        if (!seg_is(&q, 1, "v1"))
            goto not_found;
        base = 2;
    } else if (seg_is(&q, 0, "apis")) {
        if (q.n_seg == 1) {
            reply_group_list(r);
            return;
        }
        if (seg_is(&q, 1, "flink.apache.org"))
            group = GROUP_FLINK;
        else if (seg_is(&q, 1, "apps"))
            group = GROUP_APPS;
        else
            goto not_found;
        if (q.n_seg == 2) {
            reply_group(r, group);
            return;
        }
        if (!seg_is(&q, 2, strchr(group_versions[group], '/') + 1))
            goto not_found;
        base = 3;
    } else {
        goto not_found;
    }
    if (q.n_seg == base) {
        reply_resource_list(r, group);
        return;
    }
    /* [namespaces/NS/]RESOURCE[/NAME[/SUBRESOURCE]] */
    struct k8s_call x = {.k = k,
                         .m = m,
                         .method = method,
                         .path = path,
                         .query = query,
                         .content_type = content_type,
                         .body = body,
                         .body_len = body_len,
                         .table = table,
                         .now = now,
                         .r = r};
    size_t i = base;
    if (seg_is(&q, i, "namespaces") && q.n_seg >= i + 3) {
        x.ns = seg_dup(&q, i + 1);
        i += 2;
    }
    x.res = find_resource(&q, i, group);
    if (x.res == NULL || q.n_seg > i + 3 || (x.ns != NULL && !x.res->namespaced)) {
        free(x.ns);
        goto not_found;
    }
    if (q.n_seg >= i + 2)
        x.name = seg_dup(&q, i + 1);
    if (q.n_seg == i + 3) {
        char *sub = seg_dup(&q, i + 2);
        const struct k8s_subresource *h = find_subresource(x.res->id, sub, method);
        free(sub);
        if (h != NULL)
            h->handle(&x);
        else
            sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
    } else if (x.name == NULL && get) {
        reply_list(k, m, x.res, x.ns, query, table, now, r);
    } else if (x.name == NULL && strcmp(method, "POST") == 0 && x.res->id == K8S_SNAPSHOT &&
               x.ns != NULL) {
        create_snapshot(k, m, x.ns, body, body_len, false, now, r);
        char *created = created_name(r);
        if (created != NULL)
            written(k, m, x.res, x.ns, created, now, r);
        free(created);
    } else if (x.name != NULL && get) {
        reply_get(k, m, x.res, x.ns, x.name, table, now, r);
    } else if (x.name != NULL && x.ns != NULL &&
               (strcmp(method, "PATCH") == 0 || strcmp(method, "PUT") == 0) &&
               (x.res->id == K8S_FLINKDEP || x.res->id == K8S_DEPLOYMENT ||
                x.res->id == K8S_SESSIONJOB) &&
               !precondition_holds(k, m, x.res, x.ns, x.name, content_type, body, body_len, now,
                                   r)) {
        /* answered 409 */
    } else if (x.name != NULL && strcmp(method, "PUT") == 0 && x.ns != NULL &&
               (x.res->id == K8S_FLINKDEP || x.res->id == K8S_SESSIONJOB)) {
        replace_object(&x);
        written(k, m, x.res, x.ns, x.name, now, r);
    } else if (x.name != NULL && strcmp(method, "PATCH") == 0 && x.res->id == K8S_FLINKDEP &&
               x.ns != NULL) {
        if (created_index(k, x.ns, x.name) >= 0)
            patch_created(k, x.ns, x.name, content_type, body, body_len, r);
        else
            patch_deployment(k, m, x.ns, x.name, content_type, body, body_len, now, r);
        written(k, m, x.res, x.ns, x.name, now, r);
    } else if (x.name != NULL && strcmp(method, "PATCH") == 0 && x.res->id == K8S_DEPLOYMENT &&
               x.ns != NULL) {
        sim_deployments_patch(k->apps, m, x.ns, x.name, content_type, body, body_len,
                              &k->resource_version, k->forbidden_user, now, r);
        written(k, m, x.res, x.ns, x.name, now, r);
    } else if (x.name != NULL && strcmp(method, "DELETE") == 0 && x.ns != NULL &&
               (x.res->id == K8S_FLINKDEP || x.res->id == K8S_SNAPSHOT ||
                x.res->id == K8S_SESSIONJOB)) {
        delete_object(&x);
    } else if (x.name == NULL && strcmp(method, "POST") == 0 && x.ns != NULL &&
               (x.res->id == K8S_FLINKDEP || x.res->id == K8S_SESSIONJOB)) {
        if (k->forbidden_user != NULL)
            forbidden(k, r, "create", x.res->plural, NULL, x.ns);
        else if (x.res->id == K8S_FLINKDEP)
            create_deployment(k, x.ns, body, body_len, now, r);
        else
            sim_sessionjobs_create(k->sessionjobs, m, x.ns, body, body_len, &k->resource_version,
                                   session_live, k, now, r);
        char *created = created_name(r);
        if (created != NULL)
            written(k, m, x.res, x.ns, created, now, r);
        free(created);
    } else if (x.name != NULL && strcmp(method, "PATCH") == 0 && x.ns != NULL &&
               x.res->id == K8S_SESSIONJOB) {
        if (k->forbidden_user != NULL)
            forbidden(k, r, "patch", x.res->plural, x.name, x.ns);
        else
            sessionjob_patch(&x);
        written(k, m, x.res, x.ns, x.name, now, r);
    } else {
        sim_k8s_status(r, 405, "MethodNotAllowed", "the server does not allow this method on %s",
                       path);
    }
    free(x.ns);
    free(x.name);
    return;
not_allowed:
    sim_k8s_status(r, 405, "MethodNotAllowed", "the server does not allow this method on %s", path);
    return;
not_found:
    sim_k8s_status(r, 404, "NotFound", "the server could not find the requested resource");
}

void sim_k8s_handle(struct sim_k8s *k, struct sim_model *m, const char *method, const char *path,
                    const struct sim_query *query, const char *content_type, const char *accept,
                    const char *body, size_t body_len, int64_t now_ms, struct sim_reply *r) {
    int64_t now = sim_model_lock(m, now_ms);
    dispatch(k, m, method, path, query, content_type, accept, body, body_len, now, r);
    sim_model_unlock(m);
}

void sim_k8s_stop_watches(struct sim_k8s *k) {
    if (k != NULL)
        sim_k8s_watch_stop(k->hub);
}

void sim_k8s_drop_watches(struct sim_k8s *k) { sim_k8s_watch_drop_all(k->hub); }

void sim_k8s_compact(struct sim_k8s *k, struct sim_model *m) {
    sim_model_lock(m, sim_now_ms());
    /* etcd moved on (a write elsewhere) and was compacted up to there: every watch's
     * resourceVersion is now too old, a fresh list's is not */
    k->resource_version++;
    sim_k8s_store_compact(k->store, k->resource_version);
    sim_model_unlock(m);
}

/* ---- test controls ------------------------------------------------------------------ */

void sim_k8s_forbid(struct sim_k8s *k, struct sim_model *m, const char *user) {
    sim_model_lock(m, sim_now_ms());
    free(k->forbidden_user);
    k->forbidden_user = user != NULL ? xstrdup(user) : NULL;
    sim_model_unlock(m);
}

char *sim_k8s_bump(struct sim_k8s *k, struct sim_model *m, const char *ns, const char *name) {
    char *rv = NULL;
    sim_model_lock(m, sim_now_ms());
    for (size_t i = 0; i < k->n; i++) {
        if (k->standalone[i] || strcmp(k->namespaces[i], ns) != 0 || strcmp(k->names[i], name) != 0)
            continue;
        cJSON *md = get_obj(cJSON_GetArrayItem(k->deployments, (int)i), "metadata");
        rv = rv_string(++k->resource_version);
        sim_json_set(md, "resourceVersion", cJSON_CreateString(rv));
    }
    if (rv == NULL) /* a standalone Deployment of that name, then */
        rv = sim_deployments_bump(k->apps, ns, name, &k->resource_version);
    sim_model_unlock(m);
    return rv;
}

bool sim_k8s_oom(struct sim_k8s *k, struct sim_model *m, const char *ns, const char *name) {
    bool found = false;
    int64_t now = sim_now_ms();
    sim_model_lock(m, now);
    for (size_t i = 0; i < k->n; i++)
        if (strcmp(k->namespaces[i], ns) == 0 && strcmp(k->names[i], name) == 0) {
            k->oom_at[i] = now;
            k->resource_version++;
            found = true;
        }
    sim_model_unlock(m);
    return found;
}

bool sim_k8s_proxy_forbidden(struct sim_k8s *k, struct sim_model *m, const char *method,
                             const char *path, struct sim_reply *r) {
    bool denied = false;
    const char *rest = NULL;
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0)
        return false;
    sim_model_lock(m, sim_now_ms());
    size_t i = proxy_index(k, path, &rest);
    if (k->forbidden_user != NULL && i < k->n) {
        /* RBAC maps the method to a verb on services/proxy. */
        const char *verb = strcmp(method, "POST") == 0     ? "create"
                           : strcmp(method, "PUT") == 0    ? "update"
                           : strcmp(method, "DELETE") == 0 ? "delete"
                                                           : "patch";
        sim_k8s_status(r, 403, "Forbidden",
                       "services \"%s-rest\" is forbidden: User \"%s\" cannot %s resource "
                       "\"services/proxy\" in API group \"\" in the namespace \"%s\"",
                       k->names[i], k->forbidden_user, verb, k->namespaces[i]);
        denied = true;
    }
    sim_model_unlock(m);
    return denied;
}
