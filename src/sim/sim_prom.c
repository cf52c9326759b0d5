#include "sim_prom.h"

#include "sim_load.h"
#include "sim_metrics.h"
#include "xalloc.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PREFIX "/_sim/prometheus/"
#define TEXT_FORMAT "text/plain; version=0.0.4; charset=utf-8"

bool sim_prom_owns(const char *path) { return strncmp(path, PREFIX, strlen(PREFIX)) == 0; }

/* ---- a growing text buffer ------------------------------------------------------- */

struct text {
    char *s;
    size_t len, cap;
};

static void text_add(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void text_add(struct text *t, const char *fmt, ...) {
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        size_t room = t->cap - t->len;
        int n = vsnprintf(t->s ? t->s + t->len : NULL, room, fmt, ap);
        va_end(ap);
        if (n < 0)
            return;
        if ((size_t)n < room) {
            t->len += (size_t)n;
            return;
        }
        t->cap = (t->cap + (size_t)n + 1) * 2;
        t->s = xrealloc(t->s, t->cap);
    }
}

/* The reporter's filter: every character outside [a-zA-Z0-9:_] becomes '_', one per
 * UTF-16 unit as Java counts them (a CJK character is one '_', an emoji two). */
static char *filtered(const char *s) {
    size_t n = strlen(s);
    char *out = xmalloc(n * 2 + 1), *o = out;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                  (ch >= '0' && ch <= '9') || ch == ':' || ch == '_';
        if (ok) {
            *o++ = (char)ch;
            p++;
            continue;
        }
        size_t len = ch >= 0xf0 ? 4 : ch >= 0xe0 ? 3 : ch >= 0xc0 ? 2 : 1;
        *o++ = '_';
        if (len == 4)
            *o++ = '_';
        for (size_t i = 0; i < len && *p; i++)
            p++;
    }
    *o = '\0';
    return out;
}

/* A metric name: the scope prefix and the REST name with '.' and the rest filtered. */
static char *metric_name(const char *prefix, const char *rest_name) {
    char *f = filtered(rest_name);
    char *name = xasprintf("%s%s", prefix, f);
    free(f);
    return name;
}

/* Values as the Java client writes them: NaN, +Inf, -Inf, else the shortest round trip. */
static void value_text(char *buf, size_t cap, double v) {
    if (isnan(v)) {
        snprintf(buf, cap, "NaN");
        return;
    }
    if (isinf(v)) {
        snprintf(buf, cap, "%s", v > 0 ? "+Inf" : "-Inf");
        return;
    }
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, cap, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            return;
    }
}

static void family(struct text *t, const char *name, const char *help) {
    text_add(t, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void sample(struct text *t, const char *name, const char *labels, double v) {
    char val[40];
    value_text(val, sizeof val, v);
    text_add(t, "%s{%s} %s\n", name, labels, val);
}

/* ---- labels ---------------------------------------------------------------------- */

static char *jm_host(const struct sim_cluster *c) {
    /* the JobManager pod's IP, as the simulator's Kubernetes API gives it */
    char *ip = xasprintf("10.%zu.0.10", 100 + c->index);
    char *f = filtered(ip);
    free(ip);
    return f;
}

/* host and job labels of job j: owned "host=...,job_id=...,job_name=..." */
static char *job_labels(const char *host, const struct sim_job *j) {
    char *name = filtered(j->name ? j->name : "");
    char *s = xasprintf("host=\"%s\",job_id=\"%s\",job_name=\"%s\"", host, j->jid, name);
    free(name);
    return s;
}

/* ---- the JobManager ---------------------------------------------------------------- */

/* Whether Flink still has the job's metric group: not globally terminal, not suspended. */
static bool job_has_metrics(const struct sim_job *j) {
    return !sim_job_state_is_terminal(j->state) && j->state != SIM_JOB_SUSPENDED;
}

enum jm_job_metric {
    JJ_UPTIME,
    JJ_DOWNTIME,
    JJ_RESTARTS,
    JJ_CP_DURATION,
    JJ_CP_SIZE,
    JJ_CP_FULL_SIZE,
    JJ_CP_COMPLETED_TS,
    JJ_CP_RESTORE_TS,
    JJ_CP_COMPLETED,
    JJ_CP_FAILED,
    JJ_CP_IN_PROGRESS,
    JJ_CP_TOTAL,
    JJ_COUNT
};

static const char *const jm_job_names[JJ_COUNT] = {
    "uptime",
    "downtime",
    "numRestarts",
    "lastCheckpointDuration",
    "lastCheckpointSize",
    "lastCheckpointFullSize",
    "lastCheckpointCompletedTimestamp",
    "lastCheckpointRestoreTimestamp",
    "numberOfCompletedCheckpoints",
    "numberOfFailedCheckpoints",
    "numberOfInProgressCheckpoints",
    "totalNumberOfCheckpoints",
};

/* NaN: the metric is not registered for this job (checkpointing off). */
static double jm_job_value(const struct sim_job *j, int k, int64_t now) {
    const struct sim_checkpoints *cp = &j->checkpoints;
    const struct sim_checkpoint *lc = &cp->latest_completed;
    if (k >= JJ_CP_DURATION && !cp->enabled)
        return NAN;
    switch (k) {
    case JJ_UPTIME:
        return j->state == SIM_JOB_RUNNING && j->timestamps[SIM_JOB_RUNNING] > 0
                   ? (double)(now - j->timestamps[SIM_JOB_RUNNING])
                   : 0.0;
    case JJ_DOWNTIME:
        return (j->state == SIM_JOB_FAILING || j->state == SIM_JOB_RESTARTING) &&
                       j->timestamps[j->state] > 0
                   ? (double)(now - j->timestamps[j->state])
                   : 0.0;
    case JJ_RESTARTS:
        return (double)j->restarts;
    case JJ_CP_DURATION:
        return cp->has_completed ? (double)(lc->end_ts - lc->trigger_ts) : -1.0;
    case JJ_CP_SIZE:
        return cp->has_completed ? (double)lc->checkpointed_size : -1.0;
    case JJ_CP_FULL_SIZE:
        return cp->has_completed ? (double)lc->state_size : -1.0;
    case JJ_CP_COMPLETED_TS:
        return cp->has_completed ? (double)lc->end_ts : -1.0;
    case JJ_CP_RESTORE_TS:
        return cp->has_restored ? (double)cp->restored_at : -1.0;
    case JJ_CP_COMPLETED:
        return (double)cp->completed;
    case JJ_CP_FAILED:
        return (double)cp->failed;
    case JJ_CP_IN_PROGRESS:
        return cp->in_progress ? 1.0 : 0.0;
    default:
        return (double)cp->total;
    }
}

/* metrics.job.status.enable: STATE (Flink 1.16+): one gauge per non-terminal state. */
static const struct {
    enum sim_job_state state;
    const char *name;
} state_gauges[] = {
    {SIM_JOB_INITIALIZING, "initializingState"}, {SIM_JOB_CREATED, "createdState"},
    {SIM_JOB_RUNNING, "runningState"},           {SIM_JOB_FAILING, "failingState"},
    {SIM_JOB_CANCELLING, "cancellingState"},     {SIM_JOB_RESTARTING, "restartingState"},
    {SIM_JOB_RECONCILING, "reconcilingState"},
};

static void render_jobmanager(const struct sim_cluster *c, int64_t now, struct text *t) {
    char *host = jm_host(c);
    char *hl = xasprintf("host=\"%s\"", host);
    struct sim_cluster_counts n;
    sim_cluster_counts(c, &n);
    const struct {
        const char *name;
        double v;
    } cluster_gauges[] = {
        {"flink_jobmanager_numRunningJobs", n.jobs_running},
        {"flink_jobmanager_numRegisteredTaskManagers", n.taskmanagers},
        {"flink_jobmanager_taskSlotsTotal", n.slots_total},
        {"flink_jobmanager_taskSlotsAvailable", n.slots_available},
        {"flink_jobmanager_Status_JVM_Memory_Heap_Max", 1073741824.0},
        /* a JobManager's heap: a slow sawtooth between 25% and 55% */
        {"flink_jobmanager_Status_JVM_Memory_Heap_Used",
         floor(1073741824.0 * (0.25 + 0.3 * (double)(now % 120000) / 120000.0))},
    };
    for (size_t i = 0; i < sizeof cluster_gauges / sizeof cluster_gauges[0]; i++) {
        family(t, cluster_gauges[i].name, "(scope: jobmanager)");
        sample(t, cluster_gauges[i].name, hl, cluster_gauges[i].v);
    }
    char **labels = xcalloc(c->n_jobs ? c->n_jobs : 1, sizeof *labels);
    for (size_t ji = 0; ji < c->n_jobs; ji++)
        if (job_has_metrics(&c->jobs[ji]))
            labels[ji] = job_labels(host, &c->jobs[ji]);
    for (int k = 0; k < JJ_COUNT; k++) {
        char *name = metric_name("flink_jobmanager_job_", jm_job_names[k]);
        bool header = false;
        for (size_t ji = 0; ji < c->n_jobs; ji++) {
            double v = labels[ji] ? jm_job_value(&c->jobs[ji], k, now) : NAN;
            if (labels[ji] == NULL || isnan(v))
                continue;
            if (!header)
                family(t, name, "(scope: jobmanager_job)");
            header = true;
            sample(t, name, labels[ji], v);
        }
        free(name);
    }
    for (size_t s = 0;
         sim_cluster_version_at_least(c, 1, 16) && s < sizeof state_gauges / sizeof state_gauges[0];
         s++) {
        char *name = metric_name("flink_jobmanager_job_", state_gauges[s].name);
        bool header = false;
        for (size_t ji = 0; ji < c->n_jobs; ji++) {
            if (labels[ji] == NULL)
                continue;
            if (!header)
                family(t, name, "(scope: jobmanager_job)");
            header = true;
            sample(t, name, labels[ji], c->jobs[ji].state == state_gauges[s].state ? 1.0 : 0.0);
        }
        free(name);
    }
    for (size_t ji = 0; ji < c->n_jobs; ji++)
        free(labels[ji]);
    free(labels);
    free(hl);
    free(host);
}

/* ---- a TaskManager ------------------------------------------------------------------ */

/* One subtask running on the task manager: its labels and every task metric value. */
struct task_entry {
    char *labels;    /* owned: task scope */
    char *op_labels; /* owned: operator scope */
    const double *vals;
    bool source; /* a "Source: ..." vertex: its operator reports pendingRecords */
};

/* A 32-hex id from a key (attempt and operator ids). */
static void hex_id(char out[33], uint64_t a, uint64_t b, uint64_t c) {
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)sim_prng_hash(a, b, c),
             (unsigned long long)sim_prng_hash(c, b, a));
}

/* A source's backlog, as the FLIP-33 connectors report it (pendingRecords): what it would
 * have read in a minute in the share of time it was held back. */
static void render_pending(const struct task_entry *e, size_t ne, struct text *out) {
    size_t nk = sim_metrics_task_count(), bp = nk, rate = nk;
    for (size_t k = 0; k < nk; k++) {
        if (strcmp(sim_metrics_task_name(k), "backPressuredTimeMsPerSecond") == 0)
            bp = k;
        if (strcmp(sim_metrics_task_name(k), "numRecordsOutPerSecond") == 0)
            rate = k;
    }
    bool header = false;
    for (size_t i = 0; i < ne && bp < nk && rate < nk; i++) {
        if (!e[i].source)
            continue;
        if (!header)
            family(out, "flink_taskmanager_job_task_operator_pendingRecords",
                   "(scope: taskmanager_job_task_operator)");
        header = true;
        sample(out, "flink_taskmanager_job_task_operator_pendingRecords", e[i].op_labels,
               floor(e[i].vals[bp] / 1000.0 * e[i].vals[rate] * 60.0));
    }
}

static void render_taskmanager(const struct sim_cluster *c, size_t t, int64_t now,
                               struct text *out) {
    const struct sim_tm *tm = &c->tms[t];
    char *host = filtered(tm->ip);
    char *tm_id = filtered(tm->id);
    char *tl = xasprintf("host=\"%s\",tm_id=\"%s\"", host, tm_id);
    size_t nj = sim_metrics_jvm_count();
    double *jvm = xcalloc(nj, sizeof *jvm);
    sim_metrics_jvm_values(c, t, now, jvm);
    for (size_t k = 0; k < nj; k++) {
        const char *rest = sim_metrics_jvm_name(c, k);
        if (rest == NULL)
            continue;
        char *name = metric_name("flink_taskmanager_", rest);
        family(out, name, "(scope: taskmanager)");
        sample(out, name, tl, jvm[k]);
        free(name);
    }
    free(jvm);

    /* Subtasks in this task manager's slots, of jobs whose metrics are up. */
    size_t nk = sim_metrics_task_count();
    struct task_entry *e = NULL;
    size_t ne = 0, cap = 0;
    double **blocks = xcalloc(c->n_jobs * SIM_MAX_VERTICES + 1, sizeof *blocks);
    size_t nb = 0;
    for (size_t ji = 0; ji < c->n_jobs; ji++) {
        const struct sim_job *j = &c->jobs[ji];
        if (!sim_load_seen(c, j, now))
            continue;
        char *jl = job_labels(host, j);
        for (size_t v = 0; v < j->n_vertices; v++) {
            const struct sim_vertex *vx = &j->vertices[v];
            double *vals = NULL;
            char *task_name = filtered(vx->name ? vx->name : "");
            for (int s = 0; s < vx->parallelism; s++) {
                if (sim_cluster_subtask_tm(c, ji, s) != t)
                    continue;
                if (vals == NULL) {
                    vals = xcalloc((size_t)vx->parallelism * nk, sizeof *vals);
                    sim_metrics_vertex_values(c, j, v, now, vals);
                    blocks[nb++] = vals;
                }
                if (ne == cap) {
                    cap = cap ? cap * 2 : 16;
                    e = xrealloc(e, cap * sizeof *e);
                }
                char attempt[33], op[33];
                hex_id(attempt, vx->key, (uint64_t)s, (uint64_t)j->restarts + 1);
                hex_id(op, vx->key, 0x6f70, 0);
                e[ne].labels =
                    xasprintf("%s,task_id=\"%s\",task_name=\"%s\",task_attempt_id=\"%s\","
                              "task_attempt_num=\"%d\",subtask_index=\"%d\",tm_id=\"%s\"",
                              jl, vx->id, task_name, attempt, j->restarts, s, tm_id);
                e[ne].op_labels = xasprintf("%s,operator_id=\"%s\",operator_name=\"%s\"",
                                            e[ne].labels, op, task_name);
                e[ne].vals = &vals[(size_t)s * nk];
                e[ne].source = vx->name && strncmp(vx->name, "Source:", 7) == 0;
                ne++;
            }
            free(task_name);
        }
        free(jl);
    }
    for (size_t k = 0; k < nk && ne > 0; k++) {
        char *name = metric_name("flink_taskmanager_job_task_", sim_metrics_task_name(k));
        family(out, name, "(scope: taskmanager_job_task)");
        for (size_t i = 0; i < ne; i++)
            sample(out, name, e[i].labels, e[i].vals[k]);
        free(name);
    }
    /* The operator scope: one operator a vertex here, with the vertex's records. */
    static const char *const op_metrics[] = {"numRecordsIn", "numRecordsOut",
                                             "numRecordsInPerSecond", "numRecordsOutPerSecond"};
    for (size_t m = 0; m < sizeof op_metrics / sizeof op_metrics[0] && ne > 0; m++) {
        size_t k = 0;
        while (k < nk && strcmp(sim_metrics_task_name(k), op_metrics[m]) != 0)
            k++;
        if (k == nk)
            continue;
        char *name = metric_name("flink_taskmanager_job_task_operator_", op_metrics[m]);
        family(out, name, "(scope: taskmanager_job_task_operator)");
        for (size_t i = 0; i < ne; i++)
            sample(out, name, e[i].op_labels, e[i].vals[k]);
        free(name);
    }
    render_pending(e, ne, out);
    for (size_t i = 0; i < ne; i++) {
        free(e[i].labels);
        free(e[i].op_labels);
    }
    free(e);
    for (size_t i = 0; i < nb; i++)
        free(blocks[i]);
    free(blocks);
    free(tl);
    free(tm_id);
    free(host);
}

/* ---- service discovery -------------------------------------------------------------- */

static void add_group(cJSON *arr, const char *target, bool tls, const char *ns, const char *pod,
                      const char *cluster, const char *component, const char *path) {
    cJSON *g = cJSON_CreateObject();
    cJSON *targets = cJSON_AddArrayToObject(g, "targets");
    cJSON_AddItemToArray(targets, cJSON_CreateString(target));
    cJSON *l = cJSON_AddObjectToObject(g, "labels");
    if (ns != NULL)
        cJSON_AddStringToObject(l, "namespace", ns);
    cJSON_AddStringToObject(l, "pod", pod);
    cJSON_AddStringToObject(l, "cluster", cluster);
    cJSON_AddStringToObject(l, "component", component);
    cJSON_AddStringToObject(l, "__metrics_path__", path);
    if (tls)
        cJSON_AddStringToObject(l, "__scheme__", "https");
    cJSON_AddItemToArray(arr, g);
}

/* The Host header when it looks like host[:port], else the loopback address. */
static const char *target_of(const char *host) {
    if (host == NULL || host[0] == '\0' || strlen(host) > 255)
        return "127.0.0.1";
    for (const char *p = host; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
              strchr(".:-[]", *p) != NULL))
            return "127.0.0.1";
    return host;
}

static void render_sd(const struct sim_model *m, const struct sim_k8s *k, const char *host,
                      bool tls, struct sim_reply *r) {
    cJSON *arr = cJSON_CreateArray();
    const char *target = target_of(host);
    for (size_t i = 0; i < m->n_clusters; i++) {
        const struct sim_cluster *c = &m->clusters[i];
        if (c->gone)
            continue;
        const char *ns = k != NULL ? sim_k8s_namespace(k, i) : NULL;
        char *jm = sim_k8s_jm_pod_name(c);
        char *path = xasprintf(PREFIX "%s/jobmanager/metrics", c->name);
        add_group(arr, target, tls, ns, jm, c->name, "jobmanager", path);
        free(path);
        free(jm);
        for (size_t t = 0; t < c->n_tms; t++) {
            if (!c->tms[t].present)
                continue;
            path = xasprintf(PREFIX "%s/taskmanager/%s/metrics", c->name, c->tms[t].id);
            add_group(arr, target, tls, ns, c->tms[t].id, c->name, "taskmanager", path);
            free(path);
        }
    }
    sim_reply_json(r, 200, arr);
}

/* ---- dispatch ------------------------------------------------------------------------ */

/* The next path segment of *p into seg (cap bytes); false when none or too long. */
static bool segment(const char **p, char *seg, size_t cap) {
    const char *s = *p, *e = strchr(s, '/');
    size_t len = e ? (size_t)(e - s) : strlen(s);
    if (len == 0 || len >= cap)
        return false;
    memcpy(seg, s, len);
    seg[len] = '\0';
    *p = e ? e + 1 : s + len;
    return true;
}

void sim_prom_handle(struct sim_model *m, const struct sim_k8s *k, const char *host, bool tls,
                     const char *method, const char *path, int64_t now_ms, struct sim_reply *r) {
    if (strcmp(method, "GET") != 0) {
        sim_reply_error(r, 405, "method %s not allowed", method);
        r->allow = "GET";
        return;
    }
    const char *p = path + strlen(PREFIX);
    int64_t now = sim_model_lock(m, now_ms);
    if (strcmp(p, "sd") == 0) {
        render_sd(m, k, host, tls, r);
        goto out;
    }
    char cname[128], kind[16], tm_id[128];
    struct sim_cluster *c = NULL;
    if (segment(&p, cname, sizeof cname))
        c = sim_model_cluster(m, cname);
    if (c == NULL || !segment(&p, kind, sizeof kind)) {
        sim_reply_error(r, 404, "Not found: %s", path);
        goto out;
    }
    struct text t = {0};
    if (strcmp(kind, "jobmanager") == 0 && strcmp(p, "metrics") == 0) {
        render_jobmanager(c, now, &t);
    } else {
        size_t ti = SIZE_MAX;
        if (strcmp(kind, "taskmanager") != 0 || !segment(&p, tm_id, sizeof tm_id) ||
            strcmp(p, "metrics") != 0 || sim_cluster_tm(c, tm_id, &ti) == NULL) {
            sim_reply_error(r, 404, "Not found: %s", path);
            goto out;
        }
        render_taskmanager(c, ti, now, &t);
    }
    if (t.s == NULL)
        t.s = xstrdup("");
    r->status = 200;
    r->body = t.s;
    r->len = t.len;
    r->content_type = TEXT_FORMAT;
out:
    sim_model_unlock(m);
}
