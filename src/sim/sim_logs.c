#include "sim_logs.h"

#include "sim_exceptions.h"
#include "sim_k8s.h"
#include "sim_prng.h"
#include "xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define LINE_MS 1500    /* one line every 1.5 s on average */
#define JITTER_MS 700   /* < LINE_MS, so lines stay in order */
#define STARTUP_LINES 8 /* the banner each process starts with */
#define ROLL_MS 3600000 /* the files roll every hour */
#define OLD_FILES 5     /* log4j keeps this many rolled files */
#define CONTAINER "flink-main-container"

/* One process: the JobManager (tm SIZE_MAX) or a task manager of c. */
struct proc {
    const struct sim_cluster *c;
    size_t tm;
    int64_t start; /* its first line */
    uint64_t key;
};

struct text {
    char *s; /* owned */
    size_t len, cap;
};

static void put(struct text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct text *t, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n <= 0)
        return;
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->s = xrealloc(t->s, t->cap);
    }
    va_start(ap, fmt);
    vsnprintf(t->s + t->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static char *take(struct text *t) {
    char *s = t->s != NULL ? t->s : xstrdup("");
    t->s = NULL;
    t->len = t->cap = 0;
    return s;
}

static void proc_init(struct proc *p, const struct sim_cluster *c, size_t tm, int64_t start) {
    p->c = c;
    p->tm = tm;
    if (start > 0)
        p->start = start;
    else if (tm == SIZE_MAX)
        p->start = c->fetch_origin - 3600000; /* the JobManager pod is an hour older */
    else
        p->start = c->tms[tm].registered_at;
    p->key =
        sim_prng_hash(c->index, tm == SIZE_MAX ? 0xbeef : (uint64_t)c->tms[tm].pod_index, 0x109);
}

static int64_t line_time(const struct proc *p, int64_t k) {
    return p->start + k * LINE_MS + (int64_t)(sim_prng_hash(p->key, (uint64_t)k, 1) % JITTER_MS);
}

/* The first line due after t. */
static int64_t first_after(const struct proc *p, int64_t t) {
    int64_t k = (t - p->start) / LINE_MS - 1;
    if (k < 0)
        k = 0;
    while (line_time(p, k) <= t)
        k++;
    return k;
}

static void stamp(struct text *t, int64_t ms) {
    time_t s = (time_t)(ms / 1000);
    struct tm tm;
    char buf[32];
    gmtime_r(&s, &tm);
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
    put(t, "%s,%03d ", buf, (int)(ms % 1000));
}

static void line(struct text *t, int64_t ms, const char *level, const char *logger,
                 const char *msg) {
    stamp(t, ms);
    put(t, "%-5s %-60s [] - %s\n", level, logger, msg);
}

/* A job p has to do with, drawn by h: any job for the JobManager, one with slots on a
 * task manager (NULL when it runs none). */
static const struct sim_job *some_job(const struct proc *p, uint64_t h) {
    const struct sim_cluster *c = p->c;
    if (c->n_jobs == 0)
        return NULL;
    if (p->tm == SIZE_MAX)
        return &c->jobs[h % c->n_jobs];
    int *per_job = xcalloc(c->n_jobs, sizeof *per_job);
    sim_cluster_tm_jobs(c, p->tm, per_job);
    size_t n = 0;
    for (size_t i = 0; i < c->n_jobs; i++)
        n += per_job[i] > 0;
    const struct sim_job *j = NULL;
    for (size_t i = 0, seen = 0; n > 0 && i < c->n_jobs; i++)
        if (per_job[i] > 0 && seen++ == h % n)
            j = &c->jobs[i];
    free(per_job);
    return j;
}

/* Line k of p, written at ms. */
static void periodic(struct text *t, const struct proc *p, int64_t k, int64_t ms) {
    const struct sim_cluster *c = p->c;
    uint64_t h = sim_prng_hash(p->key, (uint64_t)k, 2);
    const struct sim_job *j = some_job(p, sim_prng_hash(p->key, (uint64_t)k, 3));
    char msg[512];
    bool jm = p->tm == SIZE_MAX;
    const char *who = jm ? "jobmanager" : c->tms[p->tm].id;
    if (k < STARTUP_LINES) {
        static const char *const jm_start[STARTUP_LINES] = {
            "--------------------------------------------------------------------------------",
            " Starting KubernetesApplicationClusterEntrypoint (Version: %s, Scala: 2.12, "
            "Rev:%s)",
            " OS current user: flink",
            " JVM: OpenJDK 64-Bit Server VM - Eclipse Adoptium - 17 - 17.0.13+11",
            " Maximum heap size: 1024 MiBytes",
            "Starting the resource manager.",
            "Rest endpoint listening at %s:8081",
            "Recovered 0 pods from previous attempts, current attempt id is 1.",
        };
        static const char *const tm_start[STARTUP_LINES] = {
            "--------------------------------------------------------------------------------",
            " Starting Kubernetes TaskExecutor runner (Version: %s, Scala: 2.12, Rev:%s)",
            " OS current user: flink",
            " JVM: OpenJDK 64-Bit Server VM - Eclipse Adoptium - 17 - 17.0.13+11",
            " Maximum heap size: 1638 MiBytes",
            "Starting TaskManager with ResourceID: %s",
            "Connecting to ResourceManager pekko.tcp://flink@%s:6123/user/rpc/resourcemanager_0.",
            "Successful registration at resource manager.",
        };
        const char *f = jm ? jm_start[k] : tm_start[k];
        if (k == 1)
            snprintf(msg, sizeof msg, " Starting %s (Version: %s, Scala: 2.12, Rev:%s)",
                     jm ? "KubernetesApplicationClusterEntrypoint"
                        : "Kubernetes TaskExecutor runner",
                     c->profile->version, c->profile->commit);
        else if (k == 6 && jm)
            snprintf(msg, sizeof msg, "Rest endpoint listening at %s-rest:8081", c->name);
        else if (k == 5 && !jm)
            snprintf(msg, sizeof msg, "Starting TaskManager with ResourceID: %s", who);
        else if (k == 6)
            snprintf(msg, sizeof msg,
                     "Connecting to ResourceManager pekko.tcp://flink@%s:6123/user/rpc/"
                     "resourcemanager_0.",
                     c->name);
        else
            snprintf(msg, sizeof msg, "%s", f);
        line(t, ms, "INFO",
             jm ? "org.apache.flink.runtime.entrypoint.ClusterEntrypoint"
                : "org.apache.flink.runtime.taskexecutor.TaskManagerRunner",
             msg);
        return;
    }
    const char *name = j != NULL ? j->name : "job";
    const char *jid = j != NULL ? j->jid : "00000000000000000000000000000000";
    unsigned pick = (unsigned)((h >> 40) % 8);
    if (!jm && j == NULL)
        pick = 7; /* no task here: only the task manager's own lines */
    if (jm) {
        switch (pick) {
        case 0:
        case 1:
            snprintf(msg, sizeof msg, "Received resource requirements from job %s.", jid);
            line(t, ms, "INFO",
                 "org.apache.flink.runtime.resourcemanager.slotmanager.FineGrainedSlotManager",
                 msg);
            break;
        case 2:
        case 3:
            snprintf(msg, sizeof msg,
                     "Marking checkpoint for job %s (%s) as externalized "
                     "and retained.",
                     name, jid);
            line(t, ms, "INFO", "org.apache.flink.runtime.checkpoint.CheckpointCoordinator", msg);
            break;
        case 4:
            snprintf(msg, sizeof msg,
                     "The heartbeat of TaskManager with id %s-taskmanager-1-%d timed out "
                     "after 50000 ms; it answered late.",
                     c->name, 1 + (int)((h >> 20) % 4));
            line(t, ms, "WARN",
                 "org.apache.flink.runtime.resourcemanager.active.ActiveResourceManager", msg);
            break;
        case 5:
            snprintf(msg, sizeof msg,
                     "Watching pods with label selector app=%s,component="
                     "taskmanager,type=flink-native-kubernetes.",
                     c->name);
            line(t, ms, "INFO", "org.apache.flink.kubernetes.KubernetesResourceManagerDriver", msg);
            break;
        default:
            snprintf(msg, sizeof msg, "Received heartbeat from %s-taskmanager-1-%d.", c->name,
                     1 + (int)((h >> 20) % 4));
            line(t, ms, "DEBUG",
                 "org.apache.flink.runtime.resourcemanager.active."
                 "ActiveResourceManager",
                 msg);
            break;
        }
        return;
    }
    switch (pick) {
    case 0:
    case 1:
    case 2:
        snprintf(msg, sizeof msg,
                 "[Consumer clientId=%s-%d, groupId=%s] Committing offsets "
                 "for the completed checkpoint.",
                 name, (int)((h >> 16) % 8), name);
        line(t, ms, "INFO", "org.apache.flink.connector.kafka.source.reader.KafkaSourceReader",
             msg);
        break;
    case 3:
        snprintf(msg, sizeof msg, "[Producer clientId=producer-%s-%d] Node 3 disconnected.", name,
                 (int)((h >> 16) % 8));
        line(t, ms, "INFO", "org.apache.kafka.clients.NetworkClient", msg);
        break;
    case 4:
        snprintf(msg, sizeof msg,
                 "[Producer clientId=producer-%s-%d] Connection to node 3 "
                 "(kafka-3.kafka/10.2.4.3:9092) could not be established. Node may not be "
                 "available.",
                 name, (int)((h >> 16) % 8));
        line(t, ms, "WARN", "org.apache.kafka.clients.NetworkClient", msg);
        break;
    case 5:
        snprintf(msg, sizeof msg, "Asynchronous part of checkpoint of %s completed in %d ms.", name,
                 40 + (int)((h >> 24) % 900));
        line(t, ms, "INFO", "org.apache.flink.streaming.runtime.tasks.AsyncCheckpointRunnable",
             msg);
        break;
    case 6:
        snprintf(msg, sizeof msg, "Heartbeat to the JobMaster of job %s (%s) succeeded.", name,
                 jid);
        line(t, ms, "DEBUG", "org.apache.flink.runtime.taskexecutor.TaskExecutor", msg);
        break;
    default:
        snprintf(msg, sizeof msg, "Reporting metrics of %s to the PrometheusReporter on :9249.",
                 who);
        line(t, ms, "INFO", "org.apache.flink.metrics.prometheus.PrometheusReporter", msg);
        break;
    }
}

/* A failure of the exception history, as p logs it. */
struct event {
    int64_t t;
    const struct sim_job *j;
    const struct sim_exception *e;
};

static int cmp_event(const void *a, const void *b) {
    const struct event *x = a, *y = b;
    return (x->t > y->t) - (x->t < y->t);
}

static size_t events_in(const struct proc *p, int64_t from, int64_t to, struct event **out) {
    const struct sim_cluster *c = p->c;
    size_t n = 0, cap = 0;
    struct event *ev = NULL;
    for (size_t i = 0; i < c->n_jobs; i++) {
        const struct sim_exceptions *h = &c->jobs[i].exceptions;
        for (size_t k = 0; k < h->n; k++) {
            const struct sim_exception *e = &h->entries[(h->head + k) % SIM_EXCEPTION_HISTORY];
            if (e->timestamp <= from || e->timestamp > to)
                continue;
            if (p->tm != SIZE_MAX && strcmp(e->tm_id, c->tms[p->tm].id) != 0)
                continue;
            if (n == cap) {
                cap = cap * 2 + 8;
                ev = xrealloc(ev, cap * sizeof *ev);
            }
            ev[n++] = (struct event){e->timestamp, &c->jobs[i], e};
        }
    }
    if (n > 1)
        qsort(ev, n, sizeof *ev, cmp_event);
    *out = ev;
    return n;
}

static void write_event(struct text *t, const struct proc *p, const struct event *ev) {
    const struct sim_job *j = ev->j;
    const struct sim_exception *e = ev->e;
    char *trace = sim_exceptions_trace(p->c, j, e);
    char msg[512];
    if (e->vertex >= 0) {
        const struct sim_vertex *vx = &j->vertices[e->vertex];
        snprintf(msg, sizeof msg, "%s (%d/%d)#%d switched from RUNNING to FAILED%s%s%s.", vx->name,
                 e->subtask + 1, vx->parallelism, e->attempt,
                 p->tm == SIZE_MAX ? " on " : " with failure cause",
                 p->tm == SIZE_MAX ? (e->tm_id[0] != '\0' ? e->tm_id : "(unassigned)") : "",
                 p->tm == SIZE_MAX ? " @ task manager" : "");
        line(t, ev->t, p->tm == SIZE_MAX ? "INFO" : "WARN",
             p->tm == SIZE_MAX ? "org.apache.flink.runtime.executiongraph.ExecutionGraph"
                               : "org.apache.flink.runtime.taskmanager.Task",
             msg);
        put(t, "%s\n", trace);
    }
    if (p->tm == SIZE_MAX) {
        snprintf(msg, sizeof msg, "Job %s (%s) switched from state RUNNING to %s.", j->name, j->jid,
                 e->final ? "FAILING" : "RESTARTING");
        line(t, ev->t, "INFO", "org.apache.flink.runtime.executiongraph.ExecutionGraph", msg);
        if (e->vertex < 0)
            put(t, "%s\n", trace);
    }
    free(trace);
}

/* What p wrote in (from, to]. */
static void write_range(struct text *t, const struct proc *p, int64_t from, int64_t to) {
    if (from < p->start - 1)
        from = p->start - 1;
    struct event *ev = NULL;
    size_t n = events_in(p, from, to, &ev), i = 0;
    for (int64_t k = first_after(p, from);; k++) {
        int64_t ms = line_time(p, k);
        while (i < n && ev[i].t <= ms && ev[i].t <= to)
            write_event(t, p, &ev[i++]);
        if (ms > to)
            break;
        periodic(t, p, k, ms);
    }
    while (i < n)
        write_event(t, p, &ev[i++]);
    free(ev);
}

/* ---- Flink REST: the files ------------------------------------------------------ */

static const char *base_name(size_t tm) { return tm == SIZE_MAX ? "jobmanager" : "taskmanager"; }

/* File i (0 = the current one) of p: its time range; false when it does not exist. */
static bool file_range(const struct proc *p, int i, int64_t now, int64_t *from, int64_t *to) {
    int64_t roll = now - now % ROLL_MS;
    int64_t hi = i == 0 ? now : roll - (int64_t)(i - 1) * ROLL_MS;
    int64_t lo = i == 0 ? roll : hi - ROLL_MS;
    if (hi <= p->start)
        return false;
    *from = lo > p->start ? lo : p->start - 1;
    *to = hi;
    return true;
}

void sim_logs_render_list(const struct sim_cluster *c, size_t tm, int64_t now,
                          struct sim_reply *r) {
    struct proc p;
    proc_init(&p, c, tm, 0);
    cJSON *o = cJSON_CreateObject();
    cJSON *logs = cJSON_AddArrayToObject(o, "logs");
    for (int i = 0; i <= OLD_FILES; i++) {
        int64_t from, to;
        if (!file_range(&p, i, now, &from, &to))
            break;
        struct text t = {0};
        write_range(&t, &p, from, to);
        cJSON *f = cJSON_CreateObject();
        char name[64];
        if (i == 0)
            snprintf(name, sizeof name, "%s.log", base_name(tm));
        else
            snprintf(name, sizeof name, "%s.log.%d", base_name(tm), i);
        cJSON_AddStringToObject(f, "name", name);
        cJSON_AddNumberToObject(f, "size", (double)t.len);
        cJSON_AddNumberToObject(f, "mtime", (double)to);
        cJSON_AddItemToArray(logs, f);
        free(t.s);
    }
    sim_reply_json(r, 200, o);
}

void sim_logs_render_file(const struct sim_cluster *c, size_t tm, const char *name, int64_t now,
                          struct sim_reply *r) {
    struct proc p;
    proc_init(&p, c, tm, 0);
    struct text t = {0};
    if (name != NULL && strcmp(name, SIM_LOGS_STDOUT) == 0) {
        /* Only the JVM writes to stdout on Kubernetes (Flink logs to the console and the
         * file). */
        put(&t, "OpenJDK 64-Bit Server VM warning: Options -Xverify:none and -noverify were "
                "deprecated in JDK 13 and will likely be removed in a future release.\n");
        sim_reply_text(r, 200, take(&t));
        return;
    }
    int file = 0;
    if (name != NULL) {
        size_t bl = strlen(base_name(tm));
        char *end = NULL;
        file = -1;
        if (strncmp(name, base_name(tm), bl) == 0 && strcmp(name + bl, ".log") == 0) {
            file = 0;
        } else if (strncmp(name, base_name(tm), bl) == 0 && strncmp(name + bl, ".log.", 5) == 0) {
            errno = 0;
            long i = strtol(name + bl + 5, &end, 10);
            if (errno == 0 && end != name + bl + 5 && *end == '\0' && i >= 1 && i <= OLD_FILES)
                file = (int)i;
        }
    }
    int64_t from, to;
    if (file < 0 || !file_range(&p, file, now, &from, &to)) {
        sim_reply_error(r, 404, "The file %s does not exist on the %s.", name,
                        tm == SIZE_MAX ? "JobManager" : "TaskExecutor");
        return;
    }
    write_range(&t, &p, from, to);
    sim_reply_text(r, 200, take(&t));
}

void sim_logs_render_thread_dump(const struct sim_cluster *c, size_t tm, int64_t now,
                                 struct sim_reply *r) {
    (void)now;
    static const char *const threads[] = {"main",
                                          "flink-pekko.actor.default-dispatcher-4",
                                          "flink-metrics-scheduler-1",
                                          "Flink Netty Server (6121) Thread 0",
                                          "Timer-0",
                                          "Signal Dispatcher"};
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "threadInfos");
    for (size_t i = 0; i < sizeof threads / sizeof threads[0]; i++) {
        bool waiting = i != 1;
        char *info =
            xasprintf("\"%s\" Id=%zu %s\n"
                      "\tat java.base@17.0.13/jdk.internal.misc.Unsafe.park(Native Method)\n"
                      "\tat java.base@17.0.13/java.util.concurrent.locks.LockSupport."
                      "park(LockSupport.java:341)\n\n",
                      threads[i], i + 1, waiting ? "WAITING" : "RUNNABLE");
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "threadName", threads[i]);
        cJSON_AddStringToObject(e, "stringifiedThreadInfo", info);
        free(info);
        cJSON_AddItemToArray(arr, e);
    }
    /* The task manager also runs its tasks' threads. */
    if (tm != SIZE_MAX && c->n_jobs > 0) {
        cJSON *e = cJSON_CreateObject();
        char *name = xasprintf("%s (1/1)#0", c->jobs[0].vertices[0].name);
        char *info = xasprintf("\"%s\" Id=77 RUNNABLE\n\tat org.apache.flink.streaming.runtime."
                               "tasks.mailbox.MailboxProcessor.runMailboxLoop("
                               "MailboxProcessor.java:231)\n\n",
                               name);
        cJSON_AddStringToObject(e, "threadName", name);
        cJSON_AddStringToObject(e, "stringifiedThreadInfo", info);
        free(name);
        free(info);
        cJSON_AddItemToArray(arr, e);
    }
    sim_reply_json(r, 200, o);
}

/* ---- Kubernetes: a pod's container log --------------------------------------------- */

static const char *str_at(const cJSON *o, const char *a, const char *b, const char *c) {
    const cJSON *x = cJSON_GetObjectItemCaseSensitive(o, a);
    if (b != NULL)
        x = cJSON_GetObjectItemCaseSensitive(x, b);
    if (c != NULL)
        x = cJSON_GetObjectItemCaseSensitive(x, c);
    return cJSON_IsString(x) ? x->valuestring : NULL;
}

/* "2026-12-06T07:00:00Z" in epoch ms; 0 when malformed. */
static int64_t parse_time(const char *s) {
    int y, mo, d, h, mi, se;
    if (s == NULL || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d", &y, &mo, &d, &h, &mi, &se) != 6)
        return 0;
    /* days from civil (Howard Hinnant) */
    y -= mo <= 2;
    int era = (y >= 0 ? y : y - 399) / 400;
    int yoe = y - era * 400;
    int doy = (153 * (mo + (mo > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    int64_t days = (int64_t)era * 146097 + doe - 719468;
    return ((days * 24 + h) * 60 + mi) * 60000LL + se * 1000LL;
}

/* Keeps the last n lines of t. */
static void tail(struct text *t, long n) {
    if (t->s == NULL || n < 0)
        return;
    size_t i = t->len;
    long lines = 0;
    while (i > 0) {
        if (t->s[i - 1] == '\n' && i != t->len && ++lines == n)
            break;
        i--;
    }
    if (n == 0)
        i = t->len;
    memmove(t->s, t->s + i, t->len - i + 1);
    t->len -= i;
}

static bool query_long(const struct sim_query *q, const char *key, long *out) {
    const char *v = q != NULL && q->get != NULL ? q->get(q->cls, key) : NULL;
    if (v == NULL)
        return false;
    char *end = NULL;
    errno = 0;
    long x = strtol(v, &end, 10);
    if (errno != 0 || end == v || *end != '\0' || x < 0)
        return false;
    *out = x;
    return true;
}

static bool query_true(const struct sim_query *q, const char *key) {
    const char *v = q != NULL && q->get != NULL ? q->get(q->cls, key) : NULL;
    return v != NULL && (strcmp(v, "true") == 0 || strcmp(v, "1") == 0);
}

/* A followed log: the lines due since the last read, as they come due. */
struct follow {
    struct sim_model *m; /* borrowed */
    size_t cluster;
    size_t tm;
    int64_t start, last;
    struct text pending;
    size_t pos;
};

static long follow_read(void *cls, char *buf, size_t max) {
    struct follow *f = cls;
    if (f->pos >= f->pending.len) {
        free(f->pending.s);
        f->pending = (struct text){0};
        f->pos = 0;
        int64_t now = sim_model_lock(f->m, sim_now_ms());
        /* The task manager's pod is gone: Kubernetes ends the stream. */
        bool gone = f->tm != SIZE_MAX && (f->cluster >= f->m->n_clusters ||
                                          !f->m->clusters[f->cluster].tms[f->tm].present);
        if (gone) {
            sim_model_unlock(f->m);
            return SIM_REPLY_STREAM_END;
        }
        if (f->cluster < f->m->n_clusters && now > f->last) {
            struct proc p;
            proc_init(&p, &f->m->clusters[f->cluster], f->tm, f->start);
            write_range(&f->pending, &p, f->last, now);
            f->last = now;
        }
        sim_model_unlock(f->m);
        if (f->pending.len == 0)
            return 0;
    }
    size_t n = f->pending.len - f->pos < max ? f->pending.len - f->pos : max;
    memcpy(buf, f->pending.s + f->pos, n);
    f->pos += n;
    return (long)n;
}

static void follow_release(void *cls) {
    struct follow *f = cls;
    free(f->pending.s);
    free(f);
}

void sim_logs_pod(struct sim_model *m, const cJSON *pods, const char *ns, const char *name,
                  const struct sim_query *query, int64_t now, struct sim_reply *r) {
    const cJSON *pod = NULL, *it;
    cJSON_ArrayForEach(it, pods) {
        const char *pns = str_at(it, "metadata", "namespace", NULL);
        const char *pn = str_at(it, "metadata", "name", NULL);
        if (pns != NULL && pn != NULL && strcmp(pns, ns) == 0 && strcmp(pn, name) == 0)
            pod = it;
    }
    const char *app = pod != NULL ? str_at(pod, "metadata", "labels", "app") : NULL;
    const char *comp = pod != NULL ? str_at(pod, "metadata", "labels", "component") : NULL;
    struct sim_cluster *c = app != NULL ? sim_model_cluster(m, app) : NULL;
    size_t tm = SIZE_MAX;
    if (c != NULL && comp != NULL && strcmp(comp, "taskmanager") == 0 &&
        sim_cluster_tm(c, name, &tm) == NULL)
        c = NULL;
    if (c == NULL) {
        sim_k8s_status(r, 404, "NotFound", "pods \"%s\" not found", name);
        return;
    }
    const char *container =
        query != NULL && query->get != NULL ? query->get(query->cls, "container") : NULL;
    if (container != NULL && strcmp(container, CONTAINER) != 0) {
        sim_k8s_status(r, 400, "BadRequest", "container %s is not valid for pod %s", container,
                       name);
        return;
    }
    const cJSON *cs = cJSON_GetArrayItem(
        cJSON_GetObjectItemCaseSensitive(cJSON_GetObjectItemCaseSensitive(pod, "status"),
                                         "containerStatuses"),
        0);
    int64_t started = parse_time(str_at(cs, "state", "running", "startedAt"));
    const cJSON *last = cJSON_GetObjectItemCaseSensitive(cs, "lastState");
    int64_t died = parse_time(str_at(last, "terminated", "finishedAt", NULL));
    bool previous = query_true(query, "previous");
    if (previous && died == 0) {
        sim_k8s_status(r, 400, "BadRequest",
                       "previous terminated container \"%s\" in pod \"%s\" not found", CONTAINER,
                       name);
        return;
    }
    struct proc p;
    /* The current container's log starts with it; the dead one's ran until it died. */
    proc_init(&p, c, tm, previous ? 0 : started);
    if (previous && p.start >= died)
        p.start = died - 600000;
    int64_t to = previous ? died : now, from = p.start - 1;
    long since, lines;
    if (query_long(query, "sinceSeconds", &since) && to - since * 1000 > from)
        from = to - since * 1000;
    struct text t = {0};
    write_range(&t, &p, from, to);
    if (query_long(query, "tailLines", &lines))
        tail(&t, lines);
    long limit;
    if (query_long(query, "limitBytes", &limit) && (size_t)limit < t.len) {
        t.len = (size_t)limit;
        t.s[t.len] = '\0';
    }
    if (!previous && query_true(query, "follow")) {
        struct follow *f = xcalloc(1, sizeof *f);
        f->m = m;
        f->cluster = c->index;
        f->tm = tm;
        f->start = p.start;
        f->last = to;
        f->pending = t;
        r->status = 200;
        r->content_type = "text/plain";
        r->stream = (struct sim_reply_stream){follow_read, follow_release, f};
        return;
    }
    sim_reply_text(r, 200, take(&t));
    r->content_type = "text/plain";
}
