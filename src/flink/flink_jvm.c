#include "flink_jvm.h"

#include <curl/curl.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "clock.h"
#include "http.h"
#include "json_doc.h"
#include "json_get.h"
#include "k8s_model.h"
#include "k8s_pod_metrics.h"
#include "xalloc.h"

#define GC_PREFIX "Status.JVM.GarbageCollector."

/* ---- parsing --------------------------------------------------------------------------- */

void jvm_metrics_init(struct jvm_metrics *m) {
    memset(m, 0, sizeof *m);
    double *all[] = {
        &m->heap_used,         &m->heap_committed,     &m->heap_max,        &m->nonheap_used,
        &m->nonheap_committed, &m->nonheap_max,        &m->metaspace_used,  &m->metaspace_committed,
        &m->metaspace_max,     &m->direct_count,       &m->direct_used,     &m->direct_capacity,
        &m->mapped_count,      &m->mapped_used,        &m->mapped_capacity, &m->managed_used,
        &m->managed_total,     &m->segments_available, &m->segments_used,   &m->segments_total,
        &m->threads,           &m->cpu_load,           &m->classes_loaded,  &m->gc_all_ms_per_s};
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        *all[i] = NAN;
}

void jvm_tm_info_init(struct jvm_tm_info *t) {
    t->framework_heap = t->task_heap = t->framework_off_heap = t->task_off_heap = UNKNOWN_I;
    t->network = t->managed = t->metaspace = t->overhead = UNKNOWN_I;
    t->total_flink = t->total_process = t->cpu_cores = t->physical_memory = UNKNOWN_I;
}

/* The figures by metric id (the collectors' are built from their names). */
struct wanted {
    const char *id;
    size_t off; /* of the double in struct jvm_metrics */
};
#define W(name, field)                                                                             \
    { name, offsetof(struct jvm_metrics, field) }
static const struct wanted wanted[] = {
    W("Status.JVM.Memory.Heap.Used", heap_used),
    W("Status.JVM.Memory.Heap.Committed", heap_committed),
    W("Status.JVM.Memory.Heap.Max", heap_max),
    W("Status.JVM.Memory.NonHeap.Used", nonheap_used),
    W("Status.JVM.Memory.NonHeap.Committed", nonheap_committed),
    W("Status.JVM.Memory.NonHeap.Max", nonheap_max),
    W("Status.JVM.Memory.Metaspace.Used", metaspace_used),
    W("Status.JVM.Memory.Metaspace.Committed", metaspace_committed),
    W("Status.JVM.Memory.Metaspace.Max", metaspace_max),
    W("Status.JVM.Memory.Direct.Count", direct_count),
    W("Status.JVM.Memory.Direct.MemoryUsed", direct_used),
    W("Status.JVM.Memory.Direct.TotalCapacity", direct_capacity),
    W("Status.JVM.Memory.Mapped.Count", mapped_count),
    W("Status.JVM.Memory.Mapped.MemoryUsed", mapped_used),
    W("Status.JVM.Memory.Mapped.TotalCapacity", mapped_capacity),
    W("Status.Flink.Memory.Managed.Used", managed_used),
    W("Status.Flink.Memory.Managed.Total", managed_total),
    W("Status.Shuffle.Netty.AvailableMemorySegments", segments_available),
    W("Status.Shuffle.Netty.UsedMemorySegments", segments_used),
    W("Status.Shuffle.Netty.TotalMemorySegments", segments_total),
    W("Status.JVM.Threads.Count", threads),
    W("Status.JVM.CPU.Load", cpu_load),
    W("Status.JVM.ClassLoader.ClassesLoaded", classes_loaded),
    W("Status.JVM.GarbageCollector.All.TimeMsPerSecond", gc_all_ms_per_s),
};
#undef W
#define N_WANTED (sizeof wanted / sizeof wanted[0])

static bool name_ok(const char *s, size_t n) {
    if (n == 0 || n >= JVM_GC_NAME_MAX)
        return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                  c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

enum fa_status flink_jvm_parse_names(const char *body, size_t len, char names[][JVM_GC_NAME_MAX],
                                     size_t *n, char *err, size_t errlen) {
    *n = 0;
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        if (id == NULL || strncmp(id, GC_PREFIX, strlen(GC_PREFIX)) != 0)
            continue;
        const char *name = id + strlen(GC_PREFIX);
        const char *dot = strrchr(name, '.');
        if (dot == NULL || (strcmp(dot, ".Count") != 0 && strcmp(dot, ".Time") != 0))
            continue;
        size_t nl = (size_t)(dot - name);
        if (!name_ok(name, nl) || (nl == 3 && strncmp(name, "All", 3) == 0))
            continue;
        bool seen = false;
        for (size_t i = 0; i < *n && !seen; i++)
            seen = strlen(names[i]) == nl && strncmp(names[i], name, nl) == 0;
        if (seen || *n >= JVM_GC_MAX)
            continue;
        snprintf(names[*n], JVM_GC_NAME_MAX, "%.*s", (int)nl, name);
        (*n)++;
    }
    cJSON_Delete(root);
    return FA_OK;
}

char *flink_jvm_query(char names[][JVM_GC_NAME_MAX], size_t n) {
    struct buf b;
    buf_init(&b, 16384);
    buf_append(&b, "get=", 4);
    for (size_t i = 0; i < N_WANTED; i++) {
        if (i)
            buf_append(&b, ",", 1);
        buf_append(&b, wanted[i].id, strlen(wanted[i].id));
    }
    static const char *const parts[] = {"Count", "Time", "TimeMsPerSecond"};
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < 3; k++) {
            char id[160];
            int w = snprintf(id, sizeof id, "," GC_PREFIX "%s.%s", names[i], parts[k]);
            if (w > 0 && (size_t)w < sizeof id)
                buf_append(&b, id, (size_t)w);
        }
    }
    size_t len;
    char *q = buf_take(&b, &len);
    return q ? q : xstrdup("get=");
}

/* Gauges and counters cannot be negative: -1 is Flink's "none" (a heap without max). */
static double nonneg_or_nan(double v) { return isnan(v) || v < 0 || isinf(v) ? NAN : v; }

enum fa_status flink_jvm_parse_metrics(const char *body, size_t len, char names[][JVM_GC_NAME_MAX],
                                       size_t n, struct jvm_metrics *out, char *err,
                                       size_t errlen) {
    jvm_metrics_init(out);
    for (size_t i = 0; i < n && i < JVM_GC_MAX; i++) {
        struct jvm_gc *g = &out->gc[out->n_gc++];
        snprintf(g->name, sizeof g->name, "%s", names[i]);
        g->count = g->time_ms = g->ms_per_s = g->per_min = NAN;
    }
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *m;
    cJSON_ArrayForEach(m, root) {
        const char *id = json_get_string_ref(m, "id");
        if (id == NULL)
            continue;
        double v = nonneg_or_nan(json_get_double(m, "value"));
        bool done = false;
        for (size_t i = 0; i < N_WANTED && !done; i++) {
            if (strcmp(id, wanted[i].id) == 0) {
                *(double *)((char *)out + wanted[i].off) = v;
                done = true;
            }
        }
        if (done || strncmp(id, GC_PREFIX, strlen(GC_PREFIX)) != 0)
            continue;
        const char *rest = id + strlen(GC_PREFIX);
        for (size_t i = 0; i < out->n_gc; i++) {
            struct jvm_gc *g = &out->gc[i];
            size_t nl = strlen(g->name);
            if (strncmp(rest, g->name, nl) != 0 || rest[nl] != '.')
                continue;
            const char *what = rest + nl + 1;
            if (strcmp(what, "Count") == 0)
                g->count = v;
            else if (strcmp(what, "Time") == 0)
                g->time_ms = v;
            else if (strcmp(what, "TimeMsPerSecond") == 0)
                g->ms_per_s = v;
        }
    }
    cJSON_Delete(root);
    return FA_OK;
}

void flink_jvm_derive(const struct jvm_metrics *prev, struct jvm_metrics *cur, int64_t dt_ms) {
    if (prev == NULL || dt_ms <= 0)
        return;
    double secs = (double)dt_ms / 1000.0;
    for (size_t i = 0; i < cur->n_gc; i++) {
        struct jvm_gc *g = &cur->gc[i];
        const struct jvm_gc *p = NULL;
        for (size_t k = 0; k < prev->n_gc && p == NULL; k++)
            if (strcmp(prev->gc[k].name, g->name) == 0)
                p = &prev->gc[k];
        if (p == NULL)
            continue;
        if (isnan(g->ms_per_s) && !isnan(g->time_ms) && !isnan(p->time_ms) &&
            g->time_ms >= p->time_ms)
            g->ms_per_s = (g->time_ms - p->time_ms) / secs;
        if (!isnan(g->count) && !isnan(p->count) && g->count >= p->count)
            g->per_min = (g->count - p->count) * 60.0 / secs;
    }
}

void flink_jvm_tm_gc_rate(const struct tm_metrics *prev, int64_t prev_ms, struct tm_metrics *cur,
                          int64_t now_ms) {
    if (!isnan(cur->gc_time_ms_per_s) || prev == NULL || prev_ms <= 0 || now_ms <= prev_ms)
        return;
    double then = prev->gc_time_total_ms, now = cur->gc_time_total_ms;
    if (isnan(then) || isnan(now) || now < then)
        return; /* a restarted JVM starts its counters again: unknown this once */
    cur->gc_time_ms_per_s = (now - then) * 1000.0 / (double)(now_ms - prev_ms);
}

enum fa_status flink_jvm_parse_tm(const char *body, size_t len, struct jvm_tm_info *out, char *err,
                                  size_t errlen) {
    jvm_tm_info_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *mem = cJSON_GetObjectItemCaseSensitive(root, "memoryConfiguration");
    const cJSON *hw = cJSON_GetObjectItemCaseSensitive(root, "hardware");
    const struct {
        const cJSON *o;
        const char *key;
        int64_t *dst;
    } f[] = {
        {mem, "frameworkHeap", &out->framework_heap},
        {mem, "taskHeap", &out->task_heap},
        {mem, "frameworkOffHeap", &out->framework_off_heap},
        {mem, "taskOffHeap", &out->task_off_heap},
        {mem, "networkMemory", &out->network},
        {mem, "managedMemory", &out->managed},
        {mem, "jvmMetaspace", &out->metaspace},
        {mem, "jvmOverhead", &out->overhead},
        {mem, "totalFlinkMemory", &out->total_flink},
        {mem, "totalProcessMemory", &out->total_process},
        {hw, "cpuCores", &out->cpu_cores},
        {hw, "physicalMemory", &out->physical_memory},
    };
    for (size_t i = 0; i < sizeof f / sizeof f[0]; i++) {
        int64_t v = cJSON_IsObject(f[i].o) ? json_get_i64(f[i].o, f[i].key, UNKNOWN_I) : UNKNOWN_I;
        *f[i].dst = v < 0 ? UNKNOWN_I : v;
    }
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- the fetcher ----------------------------------------------------------------------- */

enum jvm_req_kind { JR_NAMES, JR_METRICS, JR_INFO, JR_POD };

struct jvm_fetch {
    struct http *http; /* borrowed */
    unsigned gen;      /* bumped by open and close: older answers are dropped */
    bool open;
    size_t cluster;
    char *tm_id; /* owned, NULL: the JobManager */
    char *url;   /* owned: the cluster's base URL */
    const struct http_tls *tls;
    char names[JVM_GC_MAX][JVM_GC_NAME_MAX];
    size_t n_names;
    bool names_done;      /* the list answered (or failed: the metrics go without GC) */
    bool metrics_out;     /* a request of this open is in flight */
    struct jvm_metrics m; /* the latest */
    int64_t m_ms;         /* its time, 0 never */
    struct source m_source;
    struct jvm_tm_info info;
    bool have_info;
    struct source info_source;
    bool changed;
    bool seen; /* drawn since the last refresh */
    /* The pod's use from the metrics API (k8s_pod_metrics.h), when on Kubernetes */
    char *api_server;               /* owned: the context's API server, NULL not on Kubernetes */
    const struct http_tls *api_tls; /* borrowed: the context's TLS and credential */
    char *pod_url;                  /* owned: the pod's PodMetrics URL, NULL no pod known */
    bool pod_out;                   /* its request is in flight */
    unsigned pod_seq;   /* bumped when the pod changes: an answer about the old one is dropped */
    int pod_state;      /* enum k8s_pod_metrics_result of the last answer, -1 none */
    int64_t pod_memory; /* bytes, the last good answer's; -1 unknown */
    struct source pod_source;
};

struct jvm_req {
    struct jvm_fetch *f;
    unsigned gen;
    enum jvm_req_kind kind;
    int64_t now;
    unsigned pod_seq;
};

struct jvm_fetch *jvm_fetch_new(struct http *http) {
    struct jvm_fetch *f = xcalloc(1, sizeof *f);
    f->http = http;
    jvm_metrics_init(&f->m);
    jvm_tm_info_init(&f->info);
    source_init(&f->m_source);
    source_init(&f->info_source);
    source_init(&f->pod_source);
    f->pod_state = -1;
    f->pod_memory = -1;
    return f;
}

void jvm_fetch_free(struct jvm_fetch *f) {
    if (f == NULL)
        return;
    free(f->tm_id);
    free(f->url);
    free(f->api_server);
    free(f->pod_url);
    free(f);
}

static void fail_line(const struct http_response *resp, char *line, size_t size) {
    char *why = resp->status >= 400 ? flink_api_error_message(resp->body, resp->len) : NULL;
    if (why)
        snprintf(line, size, "%s: %s", resp->error, why);
    else
        snprintf(line, size, "%s", resp->error && resp->error[0] ? resp->error : "request failed");
    free(why);
}

static void submit(struct jvm_fetch *f, enum jvm_req_kind kind, int64_t now);

static void got_metrics(struct jvm_fetch *f, const struct http_response *resp, int64_t now) {
    char err[128] = "", line[200];
    if (resp->outcome != HTTP_OK || resp->status >= 400) {
        fail_line(resp, line, sizeof line);
        source_fail(&f->m_source, now, "%s", line);
        return;
    }
    struct jvm_metrics m;
    if (flink_jvm_parse_metrics(resp->body, resp->len, f->names, f->n_names, &m, err, sizeof err) !=
        FA_OK) {
        source_fail(&f->m_source, now, "bad answer: %s", err);
        return;
    }
    if (f->m_ms > 0)
        flink_jvm_derive(&f->m, &m, now - f->m_ms);
    f->m = m;
    f->m_ms = now;
    source_ok(&f->m_source, now);
}

/* A PodMetrics answer: 404 without the group is "no metrics API", not an error. */
static void got_pod(struct jvm_fetch *f, const struct http_response *resp, int64_t now) {
    char err[200] = "";
    if (resp->outcome != HTTP_OK && resp->status < 400) { /* no HTTP answer to read */
        source_fail(&f->pod_source, now, "%s",
                    resp->error && resp->error[0] ? resp->error : "request failed");
        return;
    }
    struct k8s_pod_usage u;
    enum k8s_pod_metrics_result r =
        k8s_pod_metrics_parse(resp->status, resp->body, resp->len, &u, err, sizeof err);
    if (r == K8S_PM_ERROR) {
        source_fail(&f->pod_source, now, "pod metrics: %s", err);
        return;
    }
    f->pod_state = (int)r;
    f->pod_memory = r == K8S_PM_OK ? u.memory : -1;
    source_ok(&f->pod_source, now);
}

static void on_done(void *arg, const struct http_response *resp) {
    struct jvm_req *q = arg;
    struct jvm_fetch *f = q->f;
    if (q->gen != f->gen || !f->open)
        goto out; /* closed, reopened, or shutting down */
    f->changed = true;
    int64_t now = clock_wall_ms();
    char err[128] = "", line[200];
    switch (q->kind) {
    case JR_NAMES:
        /* without the list, the metrics still come: heap and all, GC unknown */
        if (resp->outcome == HTTP_OK && resp->status < 400)
            (void)flink_jvm_parse_names(resp->body, resp->len, f->names, &f->n_names, err,
                                        sizeof err);
        f->names_done = true;
        submit(f, JR_METRICS, now);
        break;
    case JR_METRICS:
        f->metrics_out = false;
        got_metrics(f, resp, now);
        break;
    case JR_INFO:
        if (resp->outcome != HTTP_OK || resp->status >= 400) {
            fail_line(resp, line, sizeof line);
            source_fail(&f->info_source, now, "%s", line);
        } else if (flink_jvm_parse_tm(resp->body, resp->len, &f->info, err, sizeof err) != FA_OK) {
            source_fail(&f->info_source, now, "bad answer: %s", err);
        } else {
            f->have_info = true;
            source_ok(&f->info_source, now);
        }
        break;
    case JR_POD:
        f->pod_out = false;
        if (q->pod_seq == f->pod_seq)
            got_pod(f, resp, now);
        else if (f->pod_url) /* it was about the pod before: ask about this one */
            submit(f, JR_POD, now);
        break;
    }
out:
    free(q);
}

static void submit_pod(struct jvm_fetch *f, int64_t now);

static void submit(struct jvm_fetch *f, enum jvm_req_kind kind, int64_t now) {
    if (kind == JR_POD) {
        submit_pod(f, now);
        return;
    }
    char *esc = f->tm_id ? curl_easy_escape(NULL, f->tm_id, 0) : NULL;
    char *base =
        esc ? xasprintf("%s/taskmanagers/%s", f->url, esc) : xasprintf("%s/jobmanager", f->url);
    curl_free(esc);
    char *url = NULL;
    if (kind == JR_NAMES) {
        url = xasprintf("%s/metrics", base);
    } else if (kind == JR_METRICS) {
        char *query = flink_jvm_query(f->names, f->n_names);
        url = xasprintf("%s/metrics?%s", base, query);
        free(query);
    } else {
        url = xstrdup(base);
    }
    free(base);
    struct jvm_req *q = xcalloc(1, sizeof *q);
    q->f = f;
    q->gen = f->gen;
    q->kind = kind;
    q->now = now;
    struct http_request req = {0};
    req.url = url;
    req.tls = f->tls;
    req.done = on_done;
    req.arg = q;
    req.priority = HTTP_PRIO_VIEW; /* the user opened it: the screen in view */
    if (http_submit(f->http, &req) != 0) {
        source_fail(kind == JR_INFO ? &f->info_source : &f->m_source, now, "cannot request %s",
                    url);
        free(q);
    } else if (kind != JR_INFO) {
        f->metrics_out = true;
    }
    free(url);
}

/* One GET of the pod's metrics through the context's API server (its TLS and token). */
static void submit_pod(struct jvm_fetch *f, int64_t now) {
    struct jvm_req *q = xcalloc(1, sizeof *q);
    q->f = f;
    q->gen = f->gen;
    q->kind = JR_POD;
    q->now = now;
    q->pod_seq = f->pod_seq;
    struct http_request req = {0};
    req.url = f->pod_url;
    req.tls = f->api_tls;
    req.done = on_done;
    req.arg = q;
    req.priority = HTTP_PRIO_VIEW;
    if (http_submit(f->http, &req) != 0) {
        source_fail(&f->pod_source, now, "cannot request the pod's metrics");
        free(q);
    } else {
        f->pod_out = true;
    }
}

void jvm_fetch_open(struct jvm_fetch *f, size_t ci, const struct cluster *c, const char *tm_id,
                    int64_t now) {
    jvm_fetch_close(f);
    f->open = true;
    f->cluster = ci;
    f->tm_id = tm_id ? xstrdup(tm_id) : NULL;
    f->url = xstrdup(c->url ? c->url : "");
    f->tls = c->tls;
    if (c->k8s.ctx && c->k8s.ctx->server) {
        f->api_server = xstrdup(c->k8s.ctx->server);
        f->api_tls = c->k8s.ctx->tls;
    }
    submit(f, JR_NAMES, now);
    if (f->tm_id)
        submit(f, JR_INFO, now);
}

void jvm_fetch_close(struct jvm_fetch *f) {
    f->gen++;
    f->open = false;
    free(f->tm_id);
    f->tm_id = NULL;
    free(f->url);
    f->url = NULL;
    f->n_names = 0;
    f->names_done = false;
    f->metrics_out = false;
    jvm_metrics_init(&f->m);
    f->m_ms = 0;
    source_init(&f->m_source);
    jvm_tm_info_init(&f->info);
    f->have_info = false;
    source_init(&f->info_source);
    free(f->api_server);
    f->api_server = NULL;
    f->api_tls = NULL;
    free(f->pod_url);
    f->pod_url = NULL;
    f->pod_out = false;
    f->pod_state = -1;
    f->pod_memory = -1;
    source_init(&f->pod_source);
    f->changed = true;
}

void jvm_fetch_refresh(struct jvm_fetch *f, int64_t now) {
    if (f == NULL || !f->open || !f->seen)
        return;
    bool asked = false;
    if (f->names_done && !f->metrics_out) {
        submit(f, JR_METRICS, now);
        asked = true;
    }
    /* no metrics API on this cluster: asking again each refresh would only 404 */
    if (f->pod_url && !f->pod_out && f->pod_state != K8S_PM_NO_API) {
        submit(f, JR_POD, now);
        asked = true;
    }
    if (asked)
        f->seen = false;
}

void jvm_fetch_pod(struct jvm_fetch *f, const char *ns, const char *pod, int64_t now) {
    if (f == NULL || !f->open || f->api_server == NULL || ns == NULL || pod == NULL)
        return;
    char *path = k8s_pod_metrics_path(ns, pod);
    char *url = xasprintf("%s%s", f->api_server, path);
    free(path);
    if (f->pod_url && strcmp(f->pod_url, url) == 0) {
        free(url);
        return;
    }
    /* a new pod (the first, or the JobManager's replacement): ask at once */
    free(f->pod_url);
    f->pod_url = url;
    f->pod_seq++;
    f->pod_state = -1;
    f->pod_memory = -1;
    source_init(&f->pod_source);
    if (!f->pod_out)
        submit(f, JR_POD, now);
}

void jvm_fetch_seen(struct jvm_fetch *f) {
    if (f)
        f->seen = true;
}

bool jvm_fetch_get(const struct jvm_fetch *f, size_t ci, const char *tm_id,
                   struct jvm_view_data *out) {
    memset(out, 0, sizeof *out);
    if (f == NULL || !f->open || f->cluster != ci)
        return false;
    if ((tm_id == NULL) != (f->tm_id == NULL) || (tm_id && strcmp(tm_id, f->tm_id) != 0))
        return false;
    out->have_metrics = f->m_ms > 0;
    out->m = &f->m;
    out->metrics_ms = f->m_ms;
    out->metrics_source = &f->m_source;
    out->have_info = f->have_info;
    out->info = &f->info;
    out->info_source = &f->info_source;
    out->pod_state = f->pod_url ? f->pod_state : -1;
    out->pod_memory = f->pod_memory;
    out->pod_source = &f->pod_source;
    return true;
}

bool jvm_fetch_take_changed(struct jvm_fetch *f) {
    bool c = f && f->changed;
    if (f)
        f->changed = false;
    return c;
}
