#include "sim_flink.h"

#include "sim_checkpoints.h"
#include "sim_exceptions.h"
#include "sim_flink_actions.h"
#include "sim_logs.h"
#include "sim_metrics.h"
#include "sim_vertex.h"
#include "xalloc.h"

#include <errno.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGMENTS 10
#define VERTEX_MAX_PARALLELISM 128
#define HEARTBEAT_MS 10000

#define MAX_ROUTE_SEGMENTS 9
#define TM_NODE_MEMORY 33672450048LL
#define SEGMENT_BYTES 32768
#define MB (1024LL * 1024LL)

struct request {
    struct sim_model *model;
    struct sim_cluster *cluster;
    const char *body; /* borrowed, may be NULL */
    size_t body_len;
    const char *path;              /* the full request path, for error messages */
    const struct sim_query *query; /* never NULL */
    const char *seg[MAX_SEGMENTS];
    size_t seg_len[MAX_SEGMENTS];
    size_t n_seg;
    int64_t now;
};

static void add_num(cJSON *o, const char *key, int64_t v) {
    cJSON_AddNumberToObject(o, key, (double)v);
}

static bool seg_is(const struct request *q, size_t i, const char *s) {
    return i < q->n_seg && strlen(s) == q->seg_len[i] && memcmp(q->seg[i], s, q->seg_len[i]) == 0;
}

static int64_t job_duration(const struct sim_job *j, int64_t now) {
    return (j->end_time >= 0 ? j->end_time : now) - j->start_time;
}

/* ---- /config, /overview ------------------------------------------------------------- */

static void render_config(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    cJSON *o = cJSON_CreateObject();
    add_num(o, "refresh-interval", 3000);
    cJSON_AddStringToObject(o, "timezone-name", "Coordinated Universal Time");
    add_num(o, "timezone-offset", 0);
    cJSON_AddStringToObject(o, "flink-version", c->profile->version);
    char *revision = xasprintf("%s @ %s", c->profile->commit, c->profile->build_date);
    cJSON_AddStringToObject(o, "flink-revision", revision);
    free(revision);
    cJSON *f = cJSON_AddObjectToObject(o, "features");
    /* Application clusters on Kubernetes disable jar submission. */
    cJSON_AddBoolToObject(f, "web-submit", false);
    if (sim_cluster_version_at_least(c, 1, 14))
        cJSON_AddBoolToObject(f, "web-cancel", true);
    if (sim_cluster_version_at_least(c, 1, 16))
        cJSON_AddBoolToObject(f, "web-history", false);
    if (sim_cluster_version_at_least(c, 1, 18))
        cJSON_AddBoolToObject(f, "web-rescale", strcmp(c->profile->scheduler, "adaptive") == 0);
    sim_reply_json(r, 200, o);
}

static void render_overview(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    struct sim_cluster_counts n;
    sim_cluster_counts(c, &n);
    cJSON *o = cJSON_CreateObject();
    add_num(o, "taskmanagers", n.taskmanagers);
    add_num(o, "slots-total", n.slots_total);
    add_num(o, "slots-available", n.slots_available);
    /* taskmanagers-blocked / slots-free-and-blocked are omitted when 0 (NON_DEFAULT). */
    add_num(o, "jobs-running", n.jobs_running);
    add_num(o, "jobs-finished", n.jobs_finished);
    add_num(o, "jobs-cancelled", n.jobs_cancelled);
    add_num(o, "jobs-failed", n.jobs_failed);
    cJSON_AddStringToObject(o, "flink-version", c->profile->version);
    cJSON_AddStringToObject(o, "flink-commit", c->profile->commit);
    sim_reply_json(r, 200, o);
}

/* ---- jobs --------------------------------------------------------------------------- */

static void render_jobs_overview(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    cJSON *o = cJSON_CreateObject();
    cJSON *jobs = cJSON_AddArrayToObject(o, "jobs");
    for (size_t i = 0; i < c->n_jobs; i++) {
        const struct sim_job *j = &c->jobs[i];
        cJSON *jo = cJSON_CreateObject();
        cJSON_AddStringToObject(jo, "jid", j->jid);
        cJSON_AddStringToObject(jo, "name", j->name);
        cJSON_AddStringToObject(jo, "state", sim_job_state_name(j->state));
        add_num(jo, "start-time", j->start_time);
        add_num(jo, "end-time", j->end_time);
        add_num(jo, "duration", job_duration(j, q->now));
        add_num(jo, "last-modification", j->last_modification);
        int counts[SIM_TASK_STATE_COUNT];
        sim_job_tasks(j, counts);
        /* Lower-case keys here, unlike the upper-case ones in job details. */
        cJSON *tasks = cJSON_AddObjectToObject(jo, "tasks");
        int total = 0;
        for (int s = 0; s < SIM_TASK_STATE_COUNT; s++) {
            add_num(tasks, sim_task_state_lower((enum sim_task_state)s), counts[s]);
            total += counts[s];
        }
        add_num(tasks, "total", total);
        if (sim_cluster_version_at_least(c, 2, 0))
            add_num(jo, "pending-operators", 0);
        cJSON_AddItemToArray(jobs, jo);
    }
    sim_reply_json(r, 200, o);
}

static void render_jobs(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    cJSON *o = cJSON_CreateObject();
    cJSON *jobs = cJSON_AddArrayToObject(o, "jobs");
    for (size_t i = 0; i < c->n_jobs; i++) {
        cJSON *jo = cJSON_CreateObject();
        cJSON_AddStringToObject(jo, "id", c->jobs[i].jid);
        cJSON_AddStringToObject(jo, "status", sim_job_state_name(c->jobs[i].state));
        cJSON_AddItemToArray(jobs, jo);
    }
    sim_reply_json(r, 200, o);
}

/* The counters as of the latest metric fetch (sim_load keeps them consistent along the
 * chain: what a vertex writes, the next one reads). */
static cJSON *vertex_metrics(const struct sim_cluster *c, const struct sim_job *j, size_t v) {
    const struct sim_io *io = &j->vertices[v].shown;
    /* Network I/O only: sources read nothing, sinks write nothing. */
    cJSON *m = cJSON_CreateObject();
    add_num(m, "read-bytes", (int64_t)io->bytes_in);
    cJSON_AddBoolToObject(m, "read-bytes-complete", true);
    add_num(m, "write-bytes", (int64_t)io->bytes_out);
    cJSON_AddBoolToObject(m, "write-bytes-complete", true);
    add_num(m, "read-records", (int64_t)io->records_in);
    cJSON_AddBoolToObject(m, "read-records-complete", true);
    add_num(m, "write-records", (int64_t)io->records_out);
    cJSON_AddBoolToObject(m, "write-records-complete", true);
    if (sim_cluster_version_at_least(c, 1, 16)) {
        add_num(m, "accumulated-backpressured-time", (int64_t)io->backpressured_ms);
        add_num(m, "accumulated-idle-time", (int64_t)io->idle_ms);
        /* Jackson writes an unmeasured busy time (NaN) as the string "NaN". */
        if (j->busy_nan)
            cJSON_AddStringToObject(m, "accumulated-busy-time", "NaN");
        else
            cJSON_AddNumberToObject(m, "accumulated-busy-time", floor(io->busy_ms));
    }
    return m;
}

static bool task_state_terminal(enum sim_task_state s) {
    return s == SIM_TASK_FINISHED || s == SIM_TASK_CANCELED || s == SIM_TASK_FAILED;
}

static cJSON *vertex_json(const struct sim_cluster *c, const struct sim_job *j, size_t v,
                          int64_t now, enum sim_task_state *status) {
    const struct sim_vertex *vx = &j->vertices[v];
    int counts[SIM_TASK_STATE_COUNT];
    *status = sim_vertex_tasks(j, v, counts);
    int64_t start = j->running_since;
    int64_t end = -1;
    if (task_state_terminal(*status))
        end = j->end_time >= 0 ? j->end_time : j->metrics_until;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", vx->id);
    if (sim_cluster_version_at_least(c, 1, 20))
        cJSON_AddStringToObject(o, "slotSharingGroupId", j->slot_sharing_group);
    cJSON_AddStringToObject(o, "name", vx->name);
    add_num(o, "maxParallelism", VERTEX_MAX_PARALLELISM);
    add_num(o, "parallelism", vx->parallelism);
    cJSON_AddStringToObject(o, "status", sim_task_state_name(*status));
    add_num(o, "start-time", start);
    add_num(o, "end-time", end);
    add_num(o, "duration", (end >= 0 ? end : now) - start);
    cJSON *tasks = cJSON_AddObjectToObject(o, "tasks");
    for (int s = 0; s < SIM_TASK_STATE_COUNT; s++)
        add_num(tasks, sim_task_state_name((enum sim_task_state)s), counts[s]);
    cJSON_AddItemToObject(o, "metrics", vertex_metrics(c, j, v));
    return o;
}

/* "Source: X -> Map" becomes "Source: X<br/>-&gt; Map<br/>", as Flink's plan shows it. */
static char *plan_description(const char *name) {
    size_t cap = strlen(name) * 6 + 16;
    char *out = xmalloc(cap);
    size_t n = 0;
    for (const char *p = name; *p != '\0'; p++) {
        const char *rep = NULL;
        char one[2] = {*p, '\0'};
        if (strncmp(p, " -> ", 4) == 0) {
            rep = "<br/>-&gt; ";
            p += 3;
        } else if (*p == '&') {
            rep = "&amp;";
        } else if (*p == '<') {
            rep = "&lt;";
        } else if (*p == '>') {
            rep = "&gt;";
        } else {
            rep = one;
        }
        size_t len = strlen(rep);
        memcpy(out + n, rep, len);
        n += len;
    }
    memcpy(out + n, "<br/>", 6);
    return out;
}

static cJSON *plan_json(const struct sim_job *j) {
    cJSON *plan = cJSON_CreateObject();
    cJSON_AddStringToObject(plan, "jid", j->jid);
    cJSON_AddStringToObject(plan, "name", j->name);
    cJSON_AddStringToObject(plan, "type", j->batch ? "BATCH" : "STREAMING");
    cJSON *nodes = cJSON_AddArrayToObject(plan, "nodes");
    for (size_t v = 0; v < j->n_vertices; v++) {
        const struct sim_vertex *vx = &j->vertices[v];
        cJSON *n = cJSON_CreateObject();
        cJSON_AddStringToObject(n, "id", vx->id);
        add_num(n, "parallelism", vx->parallelism);
        cJSON_AddStringToObject(n, "operator", "");
        cJSON_AddStringToObject(n, "operator_strategy", "");
        char *desc = plan_description(vx->name);
        cJSON_AddStringToObject(n, "description", desc);
        free(desc);
        if (v > 0) {
            const struct sim_vertex *up = &j->vertices[v - 1];
            const char *ship = vx->keyed_input                      ? "HASH"
                               : up->parallelism == vx->parallelism ? "FORWARD"
                                                                    : "REBALANCE";
            cJSON *inputs = cJSON_AddArrayToObject(n, "inputs");
            cJSON *in = cJSON_CreateObject();
            add_num(in, "num", 0);
            cJSON_AddStringToObject(in, "id", up->id);
            cJSON_AddStringToObject(in, "ship_strategy", ship);
            cJSON_AddStringToObject(in, "exchange", j->batch ? "blocking" : "pipelined_bounded");
            cJSON_AddItemToArray(inputs, in);
        }
        cJSON_AddObjectToObject(n, "optimizer_properties");
        cJSON_AddItemToArray(nodes, n);
    }
    return plan;
}

static bool is_job_id(const char *s, size_t len) {
    if (len != 32)
        return false;
    for (size_t i = 0; i < len; i++)
        if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
            return false;
    return true;
}

/* Checks that segment i is a 32-hex id (else answers 400 naming param) and copies it. */
static bool path_id(const struct request *q, size_t i, const char *param, char out[33],
                    struct sim_reply *r) {
    if (!is_job_id(q->seg[i], q->seg_len[i])) {
        sim_reply_error(r, 400,
                        "Bad request, could not parse parameters: Cannot resolve path "
                        "parameter (%s) from value \"%.*s\".",
                        param, (int)q->seg_len[i], q->seg[i]);
        return false;
    }
    memcpy(out, q->seg[i], 32);
    out[32] = '\0';
    return true;
}

/* The job of /jobs/:jid/...; NULL after answering 400 (bad id) or, when required, 404. A
 * metric handler (required false) answers from the metric store, where an unknown job is
 * simply empty: then NULL with r untouched and *ok true. */
static struct sim_job *path_job(const struct request *q, bool required, bool *ok,
                                struct sim_reply *r) {
    char jid[33];
    *ok = path_id(q, 1, "jobid", jid, r);
    if (!*ok)
        return NULL;
    struct sim_job *j = sim_cluster_job(q->cluster, jid);
    if (j == NULL && required) {
        *ok = false;
        sim_reply_error(r, 404,
                        "org.apache.flink.runtime.rest.NotFoundException: Job %s not found\n"
                        "\tat org.apache.flink.runtime.rest.handler.job."
                        "AbstractExecutionGraphHandler.lambda$handleRequest$1"
                        "(AbstractExecutionGraphHandler.java:99)",
                        jid);
    }
    return j;
}

static void render_job(const struct request *q, struct sim_reply *r) {
    struct sim_cluster *c = q->cluster;
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;

    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "jid", j->jid);
    cJSON_AddStringToObject(o, "name", j->name);
    cJSON_AddBoolToObject(o, "isStoppable", false);
    cJSON_AddStringToObject(o, "state", sim_job_state_name(j->state));
    if (sim_cluster_version_at_least(c, 1, 20))
        cJSON_AddStringToObject(o, "job-type", j->batch ? "BATCH" : "STREAMING");
    add_num(o, "start-time", j->start_time);
    add_num(o, "end-time", j->end_time);
    add_num(o, "duration", job_duration(j, q->now));
    add_num(o, "maxParallelism", -1);
    add_num(o, "now", q->now);
    cJSON *ts = cJSON_AddObjectToObject(o, "timestamps");
    for (int s = 0; s < SIM_JOB_STATE_COUNT; s++)
        add_num(ts, sim_job_state_name((enum sim_job_state)s), j->timestamps[s]);

    int status_counts[SIM_TASK_STATE_COUNT] = {0};
    cJSON *vertices = cJSON_AddArrayToObject(o, "vertices");
    for (size_t v = 0; v < j->n_vertices; v++) {
        enum sim_task_state st;
        cJSON_AddItemToArray(vertices, vertex_json(c, j, v, q->now, &st));
        status_counts[st]++;
    }
    cJSON *sc = cJSON_AddObjectToObject(o, "status-counts");
    for (int s = 0; s < SIM_TASK_STATE_COUNT; s++)
        add_num(sc, sim_task_state_name((enum sim_task_state)s), status_counts[s]);
    cJSON_AddItemToObject(o, "plan", plan_json(j));
    if (sim_cluster_version_at_least(c, 2, 0))
        add_num(o, "pending-operators", 0);
    sim_reply_json(r, 200, o);
}

/* ---- task managers, job manager ----------------------------------------------------- */

static cJSON *resource_json(double cpu, int64_t task_heap, int64_t managed, int64_t network) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddNumberToObject(o, "cpuCores", cpu);
    add_num(o, "taskHeapMemory", task_heap);
    add_num(o, "taskOffHeapMemory", 0);
    add_num(o, "managedMemory", managed);
    add_num(o, "networkMemory", network);
    cJSON_AddObjectToObject(o, "extendedResources");
    return o;
}

static cJSON *tm_json(const struct sim_cluster *c, const struct sim_tm *tm, int used, int64_t now) {
    int cores = tm->slots / 2 > 0 ? tm->slots / 2 : 1;
    int free_slots = tm->slots - used;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "id", tm->id);
    char *path = xasprintf("%s.tcp://flink@%s:6122/user/rpc/taskmanager_0",
                           sim_cluster_version_at_least(c, 1, 18) ? "pekko" : "akka", tm->ip);
    cJSON_AddStringToObject(o, "path", path);
    free(path);
    add_num(o, "dataPort", 6121);
    add_num(o, "jmxPort", c->profile->jmx_port);
    /* Despite its name: the epoch ms of the last heartbeat. */
    int64_t since = now > tm->registered_at ? now - tm->registered_at : 0;
    add_num(o, "timeSinceLastHeartbeat", tm->registered_at + since / HEARTBEAT_MS * HEARTBEAT_MS);
    add_num(o, "slotsNumber", tm->slots);
    add_num(o, "freeSlots", free_slots);
    int64_t heap_mb = SIM_TM_TASK_HEAP / MB, managed_mb = SIM_TM_MANAGED / MB,
            net_mb = SIM_TM_NETWORK / MB;
    cJSON_AddItemToObject(o, "totalResource", resource_json(cores, heap_mb, managed_mb, net_mb));
    /* Each slot takes an even share of the task manager's resources. */
    cJSON_AddItemToObject(
        o, "freeResource",
        resource_json((double)cores * free_slots / tm->slots, heap_mb * free_slots / tm->slots,
                      managed_mb * free_slots / tm->slots, net_mb * free_slots / tm->slots));
    cJSON *hw = cJSON_AddObjectToObject(o, "hardware");
    add_num(hw, "cpuCores", cores);
    add_num(hw, "physicalMemory", TM_NODE_MEMORY);
    add_num(hw, "freeMemory", SIM_TM_FRAMEWORK_HEAP + SIM_TM_TASK_HEAP);
    add_num(hw, "managedMemory", SIM_TM_MANAGED);
    cJSON *mem = cJSON_AddObjectToObject(o, "memoryConfiguration");
    add_num(mem, "frameworkHeap", SIM_TM_FRAMEWORK_HEAP);
    add_num(mem, "taskHeap", SIM_TM_TASK_HEAP);
    add_num(mem, "frameworkOffHeap", SIM_TM_FRAMEWORK_OFF_HEAP);
    add_num(mem, "taskOffHeap", 0);
    add_num(mem, "networkMemory", SIM_TM_NETWORK);
    add_num(mem, "managedMemory", SIM_TM_MANAGED);
    add_num(mem, "jvmMetaspace", SIM_TM_METASPACE);
    add_num(mem, "jvmOverhead", SIM_TM_OVERHEAD);
    add_num(mem, "totalFlinkMemory", SIM_TM_FLINK);
    add_num(mem, "totalProcessMemory", SIM_TM_PROCESS);
    return o;
}

static void render_taskmanagers(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    int *used = xcalloc(c->n_tms, sizeof *used);
    sim_cluster_slot_usage(c, used);
    cJSON *o = cJSON_CreateObject();
    cJSON *tms = cJSON_AddArrayToObject(o, "taskmanagers");
    for (size_t t = 0; t < c->n_tms; t++)
        if (c->tms[t].present)
            cJSON_AddItemToArray(tms, tm_json(c, &c->tms[t], used[t], q->now));
    free(used);
    sim_reply_json(r, 200, o);
}

static void add_entry(cJSON *arr, const char *key, const char *value) {
    cJSON *e = cJSON_CreateObject();
    cJSON_AddStringToObject(e, "key", key);
    cJSON_AddStringToObject(e, "value", value);
    cJSON_AddItemToArray(arr, e);
}

static void render_jobmanager_config(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    const char *n = c->name;
    cJSON *a = cJSON_CreateArray();
    char *v;
    v = xasprintf("%s.%s", n, c->namespace); /* the JobManager service, native mode */
    add_entry(a, "jobmanager.rpc.address", v);
    free(v);
    add_entry(a, "jobmanager.rpc.port", "6123");
    add_entry(a, "rest.port", "8081");
    add_entry(a, "blob.server.port", "6124");
    add_entry(a, "jobmanager.memory.process.size", "2048m");
    add_entry(a, "taskmanager.memory.process.size", "4096m");
    v = xasprintf("%d", c->n_tms > 0 ? c->tms[0].slots : 1);
    add_entry(a, "taskmanager.numberOfTaskSlots", v);
    free(v);
    add_entry(a, "parallelism.default", "1");
    add_entry(a, "jobmanager.scheduler", c->profile->scheduler);
    add_entry(a, sim_cluster_version_at_least(c, 1, 17) ? "state.backend.type" : "state.backend",
              c->profile->state_backend);
    v = xasprintf("s3://flink-%s/checkpoints", n);
    add_entry(a, "state.checkpoints.dir", v);
    free(v);
    /* Staging has no default savepoint directory: a client must name one there. */
    v = sim_actions_savepoint_dir(c);
    if (v != NULL) {
        add_entry(a, "state.savepoints.dir", v);
        /* Flink 2.x reads the savepoint directory from the new key. */
        if (sim_cluster_version_at_least(c, 2, 0))
            add_entry(a, "execution.checkpointing.savepoint-dir", v);
    }
    free(v);
    add_entry(a, "execution.checkpointing.interval", "60 s");
    add_entry(a, "restart-strategy.type", "exponential-delay");
    add_entry(a, "high-availability.type", "kubernetes");
    v = xasprintf("s3://flink-%s/ha", n);
    add_entry(a, "high-availability.storageDir", v);
    free(v);
    add_entry(a, "kubernetes.cluster-id", n);
    add_entry(a, "kubernetes.namespace", c->namespace);
    add_entry(a, "web.submit.enable", "false");
    add_entry(a, "metrics.reporter.prom.factory.class",
              "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
    add_entry(a, "s3.access-key", "AKIAFLINKTOPSIM00000");
    /* Flink masks sensitive values. */
    add_entry(a, "s3.secret-key", "******");
    sim_reply_json(r, 200, a);
}

/* ---- inside a job ---------------------------------------------------------------- */

static const char *query_get(const struct request *q, const char *key) {
    return q->query->get != NULL ? q->query->get(q->query->cls, key) : NULL;
}

static void metric_query(const struct request *q, struct sim_metric_query *mq) {
    mq->get = query_get(q, "get");
    mq->agg = query_get(q, "agg");
    mq->subtasks = query_get(q, "subtasks");
    mq->taskmanagers = query_get(q, "taskmanagers");
    mq->jobs = query_get(q, "jobs");
}

/* For /jobs/:jid/vertices/:vid/...: the job (NULL when unknown) and the vertex index (-1
 * when unknown). False after answering 400 for a malformed id. */
static bool path_vertex(const struct request *q, struct sim_job **job, int *v,
                        struct sim_reply *r) {
    bool ok;
    char vid[33];
    *v = -1;
    *job = path_job(q, false, &ok, r);
    if (!ok || !path_id(q, 3, "vertexid", vid, r))
        return false;
    for (size_t i = 0; *job != NULL && i < (*job)->n_vertices; i++)
        if (strcmp((*job)->vertices[i].id, vid) == 0)
            *v = (int)i;
    return true;
}

static void render_subtask_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_job *j;
    int v;
    struct sim_metric_query mq;
    if (!path_vertex(q, &j, &v, r))
        return;
    metric_query(q, &mq);
    sim_metrics_render_subtasks(q->cluster, j, v, &mq, q->now, r);
}

static void render_vertex_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_job *j;
    int v;
    struct sim_metric_query mq;
    if (!path_vertex(q, &j, &v, r))
        return;
    metric_query(q, &mq);
    sim_metrics_render_vertex(q->cluster, j, v, &mq, q->now, r);
}

static void render_backpressure(const struct request *q, struct sim_reply *r) {
    struct sim_job *j;
    int v;
    if (!path_vertex(q, &j, &v, r))
        return;
    sim_metrics_render_backpressure(q->cluster, j, v, q->now, r);
}

static void render_checkpoints(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j != NULL)
        sim_checkpoints_render(q->cluster, j, q->now, r);
}

static void render_checkpoint_config(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j != NULL)
        sim_checkpoints_render_config(q->cluster, j, r);
}

static void render_exceptions(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;
    const char *max = query_get(q, "maxExceptions");
    long n = -1;
    if (max != NULL) {
        char *end = NULL;
        errno = 0;
        n = strtol(max, &end, 10);
        if (errno != 0 || end == max || *end != '\0' || n < 0 || n > 1000000) {
            sim_reply_error(r, 400,
                            "Bad request, could not parse parameters: Cannot resolve query "
                            "parameter (maxExceptions) from value \"%s\".",
                            max);
            return;
        }
    }
    sim_exceptions_render(q->cluster, j, (int)n, r);
}

/* ---- a task manager ----------------------------------------------------------------- */

/* The task manager of /taskmanagers/:tmid (the path arrives %-decoded); SIZE_MAX when
 * there is none of that id. */
static size_t path_tm(const struct request *q) {
    char *id = xstrndup(q->seg[1], q->seg_len[1]);
    size_t t = SIZE_MAX;
    sim_cluster_tm(q->cluster, id, &t);
    free(id);
    return t;
}

static void render_tm_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_metric_query mq;
    metric_query(q, &mq);
    sim_metrics_render_tm(q->cluster, path_tm(q), &mq, q->now, r);
}

static void render_tms_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_metric_query mq;
    metric_query(q, &mq);
    sim_metrics_render_tms(q->cluster, &mq, q->now, r);
}

static bool known_tm(const struct request *q, size_t *t, struct sim_reply *r) {
    *t = path_tm(q);
    if (*t == SIZE_MAX) {
        sim_reply_error(r, 404, "Could not find TaskExecutor %.*s.", (int)q->seg_len[1], q->seg[1]);
        return false;
    }
    return true;
}

static void render_tm(const struct request *q, struct sim_reply *r) {
    const struct sim_cluster *c = q->cluster;
    size_t t;
    if (!known_tm(q, &t, r))
        return;
    const struct sim_tm *tm = &c->tms[t];
    int *used = xcalloc(c->n_tms, sizeof *used);
    int *per_job = xcalloc(c->n_jobs > 0 ? c->n_jobs : 1, sizeof *per_job);
    sim_cluster_slot_usage(c, used);
    sim_cluster_tm_jobs(c, t, per_job);
    cJSON *o = tm_json(c, tm, used[t], q->now);

    /* One entry per allocated slot, each with the slot's even share of the resources. */
    int cores = tm->slots / 2 > 0 ? tm->slots / 2 : 1;
    cJSON *slots = cJSON_AddArrayToObject(o, "allocatedSlots");
    for (size_t i = 0; i < c->n_jobs; i++) {
        for (int k = 0; k < per_job[i]; k++) {
            cJSON *slot = cJSON_CreateObject();
            cJSON_AddStringToObject(slot, "jobId", c->jobs[i].jid);
            cJSON_AddItemToObject(
                slot, "resource",
                resource_json((double)cores / tm->slots, SIM_TM_TASK_HEAP / MB / tm->slots,
                              SIM_TM_MANAGED / MB / tm->slots, SIM_TM_NETWORK / MB / tm->slots));
            cJSON_AddItemToArray(slots, slot);
        }
    }

    struct sim_tm_jvm jvm;
    sim_metrics_tm_jvm(c, t, q->now, &jvm);
    cJSON *m = cJSON_AddObjectToObject(o, "metrics");
    add_num(m, "heapUsed", jvm.heap_used);
    add_num(m, "heapCommitted", jvm.heap_committed);
    add_num(m, "heapMax", jvm.heap_max);
    add_num(m, "nonHeapUsed", jvm.nonheap_used);
    add_num(m, "nonHeapCommitted", jvm.nonheap_committed);
    add_num(m, "nonHeapMax", jvm.nonheap_max);
    add_num(m, "directCount", jvm.direct_count);
    add_num(m, "directUsed", jvm.direct_used);
    add_num(m, "directMax", jvm.direct_capacity);
    add_num(m, "mappedCount", jvm.mapped_count);
    add_num(m, "mappedUsed", jvm.mapped_used);
    add_num(m, "mappedMax", jvm.mapped_capacity);
    /* memorySegments* were removed in 2.0. */
    if (!sim_cluster_version_at_least(c, 2, 0)) {
        add_num(m, "memorySegmentsAvailable", jvm.segments_available);
        add_num(m, "memorySegmentsTotal", jvm.segments_total);
    }
    add_num(m, "nettyShuffleMemorySegmentsAvailable", jvm.segments_available);
    add_num(m, "nettyShuffleMemorySegmentsUsed", jvm.segments_used);
    add_num(m, "nettyShuffleMemorySegmentsTotal", jvm.segments_total);
    add_num(m, "nettyShuffleMemoryAvailable", jvm.segments_available * SEGMENT_BYTES);
    add_num(m, "nettyShuffleMemoryUsed", jvm.segments_used * SEGMENT_BYTES);
    add_num(m, "nettyShuffleMemoryTotal", jvm.segments_total * SEGMENT_BYTES);
    cJSON *gcs = cJSON_AddArrayToObject(m, "garbageCollectors");
    const char *gc_names[] = {"G1_Young_Generation", "G1_Old_Generation"};
    int64_t gc_counts[] = {jvm.young_count, jvm.old_count};
    int64_t gc_times[] = {jvm.young_time_ms, jvm.old_time_ms};
    for (size_t i = 0; i < 2; i++) {
        cJSON *gc = cJSON_CreateObject();
        cJSON_AddStringToObject(gc, "name", gc_names[i]);
        add_num(gc, "count", gc_counts[i]);
        add_num(gc, "time", gc_times[i]);
        cJSON_AddItemToArray(gcs, gc);
    }
    free(used);
    free(per_job);
    sim_reply_json(r, 200, o);
}

/* ---- more of a job, its vertices and the job manager -------------------------------- */

/* Whether the cluster's Flink is older than the endpoint (then answered 404, as a
 * router without the handler does). */
static bool too_old(const struct request *q, int major, int minor, struct sim_reply *r) {
    if (sim_cluster_version_at_least(q->cluster, major, minor))
        return false;
    sim_reply_error(r, 404, "Not found: %s", q->path);
    return true;
}

/* A non-negative decimal path segment i; false after answering 400 naming param. */
static bool path_index(const struct request *q, size_t i, const char *param, long *out,
                       struct sim_reply *r) {
    char buf[24];
    char *end = NULL;
    size_t len = q->seg_len[i] < sizeof buf - 1 ? q->seg_len[i] : sizeof buf - 1;
    memcpy(buf, q->seg[i], len);
    buf[len] = '\0';
    errno = 0;
    long v = strtol(buf, &end, 10);
    if (errno != 0 || end == buf || *end != '\0' || v < 0 || len != q->seg_len[i]) {
        sim_reply_error(r, 400,
                        "Bad request, could not parse parameters: Cannot resolve path "
                        "parameter (%s) from value \"%.*s\".",
                        param, (int)q->seg_len[i], q->seg[i]);
        return false;
    }
    *out = v;
    return true;
}

/* The job and vertex of /jobs/:jid/vertices/:vid/..., both required: NULL after a 400 or
 * 404 answer. *ji, *v get their indexes. */
static struct sim_job *known_vertex(const struct request *q, size_t *ji, size_t *v,
                                    struct sim_reply *r) {
    struct sim_job *j;
    int vi;
    if (!path_vertex(q, &j, &vi, r))
        return NULL;
    if (j == NULL) {
        bool ok;
        path_job(q, true, &ok, r);
        return NULL;
    }
    if (vi < 0) {
        sim_reply_error(r, 404, "No vertex with ID '%.*s' exists.", (int)q->seg_len[3], q->seg[3]);
        return NULL;
    }
    *ji = (size_t)(j - q->cluster->jobs);
    *v = (size_t)vi;
    return j;
}

static void render_vertex(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    if (known_vertex(q, &ji, &v, r) != NULL)
        sim_vertex_render(q->cluster, ji, v, q->now, r);
}

static void render_vertex_subtask(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    long idx, attempt = -1;
    if (known_vertex(q, &ji, &v, r) == NULL || !path_index(q, 5, "subtaskindex", &idx, r))
        return;
    if (q->n_seg > 7 && !path_index(q, 7, "attempt", &attempt, r))
        return;
    sim_vertex_render_subtask(q->cluster, ji, v, idx, attempt, q->now, r);
}

static void render_vertex_tms(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    if (known_vertex(q, &ji, &v, r) != NULL)
        sim_vertex_render_taskmanagers(q->cluster, ji, v, q->now, r);
}

static void render_vertex_times(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    if (known_vertex(q, &ji, &v, r) != NULL)
        sim_vertex_render_times(q->cluster, ji, v, q->now, r);
}

static void render_vertex_accumulators(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    if (known_vertex(q, &ji, &v, r) != NULL)
        sim_vertex_render_accumulators(q->cluster, ji, v, 0, -1, -1, r);
}

static void render_subtasks_accumulators(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    if (known_vertex(q, &ji, &v, r) != NULL)
        sim_vertex_render_accumulators(q->cluster, ji, v, 1, -1, -1, r);
}

static void render_attempt_accumulators(const struct request *q, struct sim_reply *r) {
    size_t ji, v;
    long idx, attempt;
    if (known_vertex(q, &ji, &v, r) != NULL && path_index(q, 5, "subtaskindex", &idx, r) &&
        path_index(q, 7, "attempt", &attempt, r))
        sim_vertex_render_accumulators(q->cluster, ji, v, 2, idx, attempt, r);
}

static void render_watermarks(const struct request *q, struct sim_reply *r) {
    struct sim_job *j;
    int v;
    if (path_vertex(q, &j, &v, r))
        sim_metrics_render_watermarks(q->cluster, j, v, q->now, r);
}

static void render_one_subtask_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_job *j;
    int v;
    long idx;
    struct sim_metric_query mq;
    if (!path_vertex(q, &j, &v, r) || !path_index(q, 5, "subtaskindex", &idx, r))
        return;
    metric_query(q, &mq);
    sim_metrics_render_subtask(q->cluster, j, v, (int)idx, &mq, q->now, r);
}

static void render_jm_operator_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_job *j;
    int v;
    /* The catalogue's sources have no coordinator metrics the JobManager would hold. */
    if (!too_old(q, 1, 20, r) && path_vertex(q, &j, &v, r))
        sim_reply_json(r, 200, cJSON_CreateArray());
}

static void render_job_metrics(const struct request *q, struct sim_reply *r) {
    bool ok;
    struct sim_metric_query mq;
    const struct sim_job *j = path_job(q, false, &ok, r);
    if (!ok)
        return;
    metric_query(q, &mq);
    sim_metrics_render_job(q->cluster, j, &mq, q->now, r);
}

static void render_jobs_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_metric_query mq;
    metric_query(q, &mq);
    sim_metrics_render_jobs(q->cluster, &mq, q->now, r);
}

static void render_jobmanager_metrics(const struct request *q, struct sim_reply *r) {
    struct sim_metric_query mq;
    metric_query(q, &mq);
    sim_metrics_render_jobmanager(q->cluster, &mq, q->now, r);
}

static void render_checkpoint_details(const struct request *q, struct sim_reply *r) {
    bool ok;
    long id;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL || !path_index(q, 4, "checkpointid", &id, r))
        return;
    char vid[33];
    if (q->n_seg > 5 && !path_id(q, 6, "vertexid", vid, r))
        return;
    sim_checkpoints_render_details(q->cluster, j, id, q->n_seg > 5 ? vid : NULL, q->now, r);
}

static void render_plan(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "plan", plan_json(j));
    sim_reply_json(r, 200, o);
}

static void render_job_status(const struct request *q, struct sim_reply *r) {
    bool ok;
    if (too_old(q, 1, 16, r))
        return;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "status", sim_job_state_name(j->state));
    sim_reply_json(r, 200, o);
}

static void render_job_config(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;
    int parallelism = 1;
    for (size_t v = 0; v < j->n_vertices; v++)
        if (j->vertices[v].parallelism > parallelism)
            parallelism = j->vertices[v].parallelism;
    /* JobConfigInfo's own serializer: jid, name, execution-config. */
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "jid", j->jid);
    cJSON_AddStringToObject(o, "name", j->name);
    cJSON *ec = cJSON_AddObjectToObject(o, "execution-config");
    /* execution-mode was removed in 2.0. */
    if (!sim_cluster_version_at_least(q->cluster, 2, 0))
        cJSON_AddStringToObject(ec, "execution-mode", "PIPELINED");
    cJSON_AddStringToObject(ec, "restart-strategy",
                            "Restart with exponential delay: initial backoff 1 s, max backoff "
                            "1 min, backoff multiplier 1.5, jitter factor 0.1");
    add_num(ec, "job-parallelism", parallelism);
    cJSON_AddBoolToObject(ec, "object-reuse-mode", false);
    cJSON *uc = cJSON_AddObjectToObject(ec, "user-config");
    cJSON_AddStringToObject(uc, "pipeline.name", j->name);
    cJSON_AddStringToObject(uc, "job.type", j->batch ? "batch" : "streaming");
    sim_reply_json(r, 200, o);
}

/* What `flink run` waits on: IN_PROGRESS until the job is globally terminal, then the
 * JobResult (its own serializer's names: id, application-status, net-runtime, ...). */
static void render_execution_result(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;
    cJSON *o = cJSON_CreateObject();
    bool done = sim_job_state_is_terminal(j->state);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "status"), "id",
                            done ? "COMPLETED" : "IN_PROGRESS");
    if (done) {
        cJSON *res = cJSON_AddObjectToObject(o, "job-execution-result");
        cJSON_AddStringToObject(res, "id", j->jid);
        cJSON_AddStringToObject(res, "application-status",
                                j->state == SIM_JOB_FINISHED   ? "SUCCEEDED"
                                : j->state == SIM_JOB_CANCELED ? "CANCELED"
                                                               : "FAILED");
        cJSON_AddObjectToObject(res, "accumulator-results");
        add_num(res, "net-runtime", j->end_time - j->start_time);
        const struct sim_exceptions *h = &j->exceptions;
        if (j->state == SIM_JOB_FAILED && h->n > 0) {
            char *trace = sim_exceptions_trace(q->cluster, j, &h->entries[h->head]);
            cJSON *fc = cJSON_AddObjectToObject(res, "failure-cause");
            cJSON_AddStringToObject(fc, "class", "org.apache.flink.runtime.JobException");
            char *st = xasprintf("org.apache.flink.runtime.JobException: Recovery is suppressed "
                                 "by ExponentialDelayRestartBackoffTimeStrategy\nCaused by: %s",
                                 trace);
            cJSON_AddStringToObject(fc, "stack-trace", st);
            /* Java serialisation, base64: only Java can read it; clients ignore it. */
            cJSON_AddStringToObject(fc, "serialized-throwable", "rO0ABXNyACZvcmcuYXBhY2hl");
            free(st);
            free(trace);
        }
    }
    sim_reply_json(r, 200, o);
}

static void render_job_accumulators(const struct request *q, struct sim_reply *r) {
    bool ok;
    const struct sim_job *j = path_job(q, true, &ok, r);
    if (j == NULL)
        return;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddArrayToObject(o, "job-accumulators");
    cJSON_AddArrayToObject(o, "user-task-accumulators");
    cJSON_AddObjectToObject(o, "serialized-user-task-accumulators");
    sim_reply_json(r, 200, o);
}

static void render_job_jm_config(const struct request *q, struct sim_reply *r) {
    bool ok;
    if (!too_old(q, 1, 16, r) && path_job(q, true, &ok, r) != NULL)
        render_jobmanager_config(q, r);
}

/* The JobManager's JVM (from 1.17 also per job): what the Web UI's "Environment" tab shows. */
static void render_environment(const struct request *q, struct sim_reply *r) {
    bool ok;
    if (too_old(q, 1, 16, r) || (q->n_seg > 2 && path_job(q, true, &ok, r) == NULL))
        return;
    const char *v = q->cluster->profile->version;
    cJSON *o = cJSON_CreateObject();
    cJSON *jvm = cJSON_AddObjectToObject(o, "jvm");
    cJSON_AddStringToObject(jvm, "version",
                            "OpenJDK 64-Bit Server VM - Eclipse Adoptium - 17 - 17.0.13+11");
    cJSON_AddStringToObject(jvm, "arch", "amd64");
    cJSON *opts = cJSON_AddArrayToObject(jvm, "options");
    static const char *const options[] = {"-Xmx1073741824", "-Xms1073741824",
                                          "-XX:MaxMetaspaceSize=268435456",
                                          "-Dlog.file=/opt/flink/log/jobmanager.log",
                                          "-Dlog4j.configurationFile=file:/opt/flink/conf/"
                                          "log4j-console.properties"};
    for (size_t i = 0; i < sizeof options / sizeof options[0]; i++)
        cJSON_AddItemToArray(opts, cJSON_CreateString(options[i]));
    cJSON *cp = cJSON_AddArrayToObject(o, "classpath");
    char *jar = xasprintf("/opt/flink/lib/flink-dist-%s.jar", v);
    cJSON_AddItemToArray(cp, cJSON_CreateString(jar));
    free(jar);
    cJSON_AddItemToArray(cp, cJSON_CreateString("/opt/flink/lib/log4j-api-2.24.1.jar"));
    cJSON_AddItemToArray(cp, cJSON_CreateString("/opt/flink/lib/flink-json.jar"));
    sim_reply_json(r, 200, o);
}

/* Application clusters on Kubernetes have no uploaded jars and no cached data sets. */
static void render_jars(const struct request *q, struct sim_reply *r) {
    cJSON *o = cJSON_CreateObject();
    char *addr = xasprintf("http://%s-rest.flink-%s:8081", q->cluster->name, q->cluster->name);
    cJSON_AddStringToObject(o, "address", addr);
    free(addr);
    cJSON_AddArrayToObject(o, "files");
    sim_reply_json(r, 200, o);
}

static void render_datasets(const struct request *q, struct sim_reply *r) {
    (void)q;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddArrayToObject(o, "dataSets");
    sim_reply_json(r, 200, o);
}

/* ---- logs, stdout and thread dumps (sim_logs writes them) ------------------------- */

static void render_jm_logs(const struct request *q, struct sim_reply *r) {
    sim_logs_render_list(q->cluster, SIZE_MAX, q->now, r);
}

static void render_jm_log(const struct request *q, struct sim_reply *r) {
    sim_logs_render_file(q->cluster, SIZE_MAX, NULL, q->now, r);
}

static void render_jm_log_named(const struct request *q, struct sim_reply *r) {
    char *name = xstrndup(q->seg[2], q->seg_len[2]);
    sim_logs_render_file(q->cluster, SIZE_MAX, name, q->now, r);
    free(name);
}

static void render_jm_stdout(const struct request *q, struct sim_reply *r) {
    sim_logs_render_file(q->cluster, SIZE_MAX, SIM_LOGS_STDOUT, q->now, r);
}

static void render_jm_thread_dump(const struct request *q, struct sim_reply *r) {
    sim_logs_render_thread_dump(q->cluster, SIZE_MAX, q->now, r);
}

/* The task manager of /taskmanagers/:tmid/...; false after answering 404. */
static bool known_tm(const struct request *q, size_t *t, struct sim_reply *r);

static void render_tm_logs(const struct request *q, struct sim_reply *r) {
    size_t t;
    if (known_tm(q, &t, r))
        sim_logs_render_list(q->cluster, t, q->now, r);
}

static void render_tm_log(const struct request *q, struct sim_reply *r) {
    size_t t;
    if (known_tm(q, &t, r))
        sim_logs_render_file(q->cluster, t, NULL, q->now, r);
}

static void render_tm_log_named(const struct request *q, struct sim_reply *r) {
    size_t t;
    if (!known_tm(q, &t, r))
        return;
    char *name = xstrndup(q->seg[3], q->seg_len[3]);
    sim_logs_render_file(q->cluster, t, name, q->now, r);
    free(name);
}

static void render_tm_stdout(const struct request *q, struct sim_reply *r) {
    size_t t;
    if (known_tm(q, &t, r))
        sim_logs_render_file(q->cluster, t, SIM_LOGS_STDOUT, q->now, r);
}

static void render_tm_thread_dump(const struct request *q, struct sim_reply *r) {
    size_t t;
    if (known_tm(q, &t, r))
        sim_logs_render_thread_dump(q->cluster, t, q->now, r);
}

/* ---- routing ------------------------------------------------------------------------ */

struct route {
    const char *method;
    const char *seg[MAX_ROUTE_SEGMENTS]; /* ":name" matches any one segment */
    void (*render)(const struct request *q, struct sim_reply *r);
    const char *allow; /* every method the path takes */
};

/* ---- actions (sim_flink_actions does the work) ----------------------------------- */

static void trigger_savepoint(const struct request *q, struct sim_reply *r, bool stop) {
    bool ok;
    struct sim_job *j = path_job(q, true, &ok, r);
    if (j != NULL)
        sim_flink_actions_savepoint(q->model, q->cluster, j, q->body, q->body_len, stop, q->now, r);
}

static void post_savepoint(const struct request *q, struct sim_reply *r) {
    trigger_savepoint(q, r, false);
}

static void post_stop(const struct request *q, struct sim_reply *r) {
    trigger_savepoint(q, r, true);
}

static void get_savepoint(const struct request *q, struct sim_reply *r) {
    bool ok;
    struct sim_job *j = path_job(q, true, &ok, r);
    char trigger[33];
    if (j != NULL && path_id(q, 3, "triggerid", trigger, r))
        sim_flink_actions_savepoint_status(q->cluster, j, trigger, r);
}

static void patch_job(const struct request *q, struct sim_reply *r) {
    bool ok;
    struct sim_job *j = path_job(q, true, &ok, r);
    if (j != NULL)
        sim_flink_actions_cancel(q->cluster, j, query_get(q, "mode"), q->now, r);
}

static void get_requirements(const struct request *q, struct sim_reply *r) {
    bool ok;
    struct sim_job *j = path_job(q, true, &ok, r);
    if (j != NULL)
        sim_flink_actions_requirements(q->cluster, j, r);
}

static void put_requirements(const struct request *q, struct sim_reply *r) {
    bool ok;
    struct sim_job *j = path_job(q, true, &ok, r);
    if (j != NULL)
        sim_flink_actions_set_requirements(q->cluster, j, q->body, q->body_len, q->now, r);
}

/* First match wins: literal routes before the ":tmid" that would swallow them. */
static const struct route routes[] = {
    {"GET", {"config"}, render_config, "GET"},
    {"GET", {"overview"}, render_overview, "GET"},
    {"GET", {"jobs", "overview"}, render_jobs_overview, "GET"},
    {"GET", {"jobs", "metrics"}, render_jobs_metrics, "GET"},
    {"GET", {"jobs"}, render_jobs, "GET"},
    {"GET", {"jobs", ":jid"}, render_job, "GET, PATCH"},
    {"PATCH", {"jobs", ":jid"}, patch_job, "GET, PATCH"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "subtasks", "metrics"},
     render_subtask_metrics,
     "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid", "metrics"}, render_vertex_metrics, "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid", "backpressure"}, render_backpressure, "GET"},
    {"GET", {"jobs", ":jid", "checkpoints"}, render_checkpoints, "GET"},
    {"GET", {"jobs", ":jid", "checkpoints", "config"}, render_checkpoint_config, "GET"},
    {"GET", {"jobs", ":jid", "exceptions"}, render_exceptions, "GET"},
    {"POST", {"jobs", ":jid", "savepoints"}, post_savepoint, "POST"},
    {"GET", {"jobs", ":jid", "savepoints", ":trigger"}, get_savepoint, "GET"},
    {"POST", {"jobs", ":jid", "stop"}, post_stop, "POST"},
    {"GET", {"jobs", ":jid", "resource-requirements"}, get_requirements, "GET, PUT"},
    {"PUT", {"jobs", ":jid", "resource-requirements"}, put_requirements, "GET, PUT"},
    {"GET", {"taskmanagers"}, render_taskmanagers, "GET"},
    {"GET", {"taskmanagers", "metrics"}, render_tms_metrics, "GET"},
    {"GET", {"taskmanagers", ":tmid"}, render_tm, "GET"},
    {"GET", {"taskmanagers", ":tmid", "metrics"}, render_tm_metrics, "GET"},
    {"GET", {"jobmanager", "config"}, render_jobmanager_config, "GET"},
    {"GET", {"jobs", ":jid", "metrics"}, render_job_metrics, "GET"},
    {"GET", {"jobs", ":jid", "status"}, render_job_status, "GET"},
    {"GET", {"jobs", ":jid", "config"}, render_job_config, "GET"},
    {"GET", {"jobs", ":jid", "plan"}, render_plan, "GET"},
    {"GET", {"jobs", ":jid", "accumulators"}, render_job_accumulators, "GET"},
    {"GET", {"jobs", ":jid", "execution-result"}, render_execution_result, "GET"},
    {"GET", {"jobs", ":jid", "jobmanager", "config"}, render_job_jm_config, "GET"},
    {"GET", {"jobs", ":jid", "checkpoints", "details", ":cid"}, render_checkpoint_details, "GET"},
    {"GET",
     {"jobs", ":jid", "checkpoints", "details", ":cid", "subtasks", ":vid"},
     render_checkpoint_details,
     "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid"}, render_vertex, "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid", "taskmanagers"}, render_vertex_tms, "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid", "subtasktimes"}, render_vertex_times, "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid", "watermarks"}, render_watermarks, "GET"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "jm-operator-metrics"},
     render_jm_operator_metrics,
     "GET"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "accumulators"},
     render_vertex_accumulators,
     "GET"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "subtasks", "accumulators"},
     render_subtasks_accumulators,
     "GET"},
    {"GET", {"jobs", ":jid", "vertices", ":vid", "subtasks", ":idx"}, render_vertex_subtask, "GET"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "subtasks", ":idx", "metrics"},
     render_one_subtask_metrics,
     "GET"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "subtasks", ":idx", "attempts", ":n"},
     render_vertex_subtask,
     "GET"},
    {"GET",
     {"jobs", ":jid", "vertices", ":vid", "subtasks", ":idx", "attempts", ":n", "accumulators"},
     render_attempt_accumulators,
     "GET"},
    {"GET", {"jobmanager", "metrics"}, render_jobmanager_metrics, "GET"},
    {"GET", {"jobmanager", "logs"}, render_jm_logs, "GET"},
    {"GET", {"jobmanager", "logs", ":name"}, render_jm_log_named, "GET"},
    {"GET", {"jobmanager", "log"}, render_jm_log, "GET"},
    {"GET", {"jobmanager", "stdout"}, render_jm_stdout, "GET"},
    {"GET", {"jobmanager", "thread-dump"}, render_jm_thread_dump, "GET"},
    {"GET", {"taskmanagers", ":tmid", "logs"}, render_tm_logs, "GET"},
    {"GET", {"taskmanagers", ":tmid", "logs", ":name"}, render_tm_log_named, "GET"},
    {"GET", {"taskmanagers", ":tmid", "log"}, render_tm_log, "GET"},
    {"GET", {"taskmanagers", ":tmid", "stdout"}, render_tm_stdout, "GET"},
    {"GET", {"taskmanagers", ":tmid", "thread-dump"}, render_tm_thread_dump, "GET"},
    {"GET", {"jobmanager", "environment"}, render_environment, "GET"},
    {"GET", {"jobs", ":jid", "jobmanager", "environment"}, render_environment, "GET"},
    {"GET", {"jars"}, render_jars, "GET"},
    {"GET", {"datasets"}, render_datasets, "GET"},
};

static bool route_matches(const struct route *rt, const struct request *q) {
    size_t n = 0;
    while (n < MAX_ROUTE_SEGMENTS && rt->seg[n] != NULL)
        n++;
    if (n != q->n_seg)
        return false;
    for (size_t i = 0; i < n; i++)
        if (rt->seg[i][0] != ':' && !seg_is(q, i, rt->seg[i]))
            return false;
    return true;
}

/* Splits "/a/b/c" into segments; false when there are too many or one is empty. */
static bool split_path(struct request *q, const char *p) {
    q->n_seg = 0;
    while (*p == '/') {
        p++;
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

static void dispatch(struct sim_model *m, const char *method, const char *path,
                     const struct sim_query *query, const char *body, size_t body_len, int64_t now,
                     struct sim_reply *r) {
    static const struct sim_query no_query = {NULL, NULL};
    struct request q = {.model = m,
                        .path = path,
                        .now = now,
                        .query = query != NULL ? query : &no_query,
                        .body = body,
                        .body_len = body_len};
    const char *rest = path;
    if (strncmp(path, "/clusters/", 10) == 0) {
        const char *name = path + 10;
        const char *slash = strchr(name, '/');
        char *cname = slash != NULL ? xstrndup(name, (size_t)(slash - name)) : xstrdup(name);
        /* "#N": cluster index N, as the service proxy names it (sim_k8s_proxy_target): two
         * namespaces may each have a FlinkDeployment of one name; no client sends a '#' */
        char *end = NULL;
        unsigned long ix = cname[0] == '#' ? strtoul(cname + 1, &end, 10) : 0;
        if (cname[0] != '#')
            q.cluster = sim_model_cluster(m, cname);
        else if (end != cname + 1 && *end == '\0' && ix < m->n_clusters && !m->clusters[ix].gone)
            q.cluster = &m->clusters[ix];
        free(cname);
        rest = slash != NULL ? slash : "";
    } else if (m->n_clusters > 0) {
        q.cluster = &m->clusters[0];
    }
    if (strncmp(rest, "/v1", 3) == 0 && (rest[3] == '/' || rest[3] == '\0'))
        rest += 3;
    if (q.cluster == NULL || !split_path(&q, rest) || q.n_seg == 0)
        goto not_found;
    if (sim_actions_cluster_down(q.cluster, now)) { /* the operator deleted its JobManager */
        sim_reply_error(r, 503, "Service Unavailable: the JobManager of %s is not running",
                        q.cluster->name);
        return;
    }
    const char *allow = NULL;
    for (size_t i = 0; i < sizeof routes / sizeof routes[0]; i++) {
        if (!route_matches(&routes[i], &q))
            continue;
        if (strcmp(method, routes[i].method) != 0) {
            allow = routes[i].allow;
            continue;
        }
        routes[i].render(&q, r);
        return;
    }
    if (allow != NULL) {
        sim_reply_error(r, 405, "Method %s is not allowed on %s", method, path);
        r->allow = allow;
        return;
    }
not_found:
    sim_reply_error(r, 404, "Not found: %s", path);
}

void sim_flink_handle(struct sim_model *m, const char *method, const char *path,
                      const struct sim_query *query, const char *body, size_t body_len,
                      int64_t now_ms, struct sim_reply *r) {
    int64_t now = sim_model_lock(m, now_ms);
    dispatch(m, method, path, query, body, body_len, now, r);
    sim_model_unlock(m);
}
