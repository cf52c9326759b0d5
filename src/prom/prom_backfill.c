#include "prom_backfill.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "buf.h"
#include "clock.h"
#include "history.h"
#include "job_detail.h"
#include "model.h"
#include "prom_source.h"
#include "strmap.h"
#include "xalloc.h"

#define GROUP_DEFAULT "namespace, pod, cluster"

enum family { F_THRU, F_VERT, F_LOAD, F_CKPT, F_HEAP, F_COUNT };

/* What one step array accumulates into. */
enum acc_kind {
    A_IN,
    A_OUT,
    A_VIN,
    A_VOUT,
    A_VBUSY,
    A_VBP,
    A_BUSY_MAX,
    A_BP_MAX,
    A_CP_TS,
    A_CP_DUR,
    A_CP_SIZE,
    A_HEAP,
    A_JM_HEAP /* the JobManager's, per cluster (id "") */
};

struct acc {
    enum acc_kind kind;
    size_t ci;    /* cluster */
    char id[128]; /* job id, or the task manager's id as REST says it */
    char vertex[33];
    double *v; /* owned, n_steps */
};

struct bf_req {
    struct prom_backfill *b;
    enum family f;
    bool fleet; /* the fleet's throughput, asked at start */
};

struct bf_target {
    char *cluster; /* owned */
    char *id;      /* owned: job id, or task manager id (REST's) */
    bool tm;
    bool thru;   /* a job whose throughput this batch asks (F_THRU) */
    bool rest;   /* a job whose other families this batch asks */
    size_t next; /* the next target of the same id + 1 (by_id's chain), 0 none */
};

/* The ring's window at the ring's step: what a query_range asks and an answer fills. */
struct bf_grid {
    int64_t start_ms, step_ms;
    size_t n_steps;
};

/* The first answer: every job's throughput Prometheus holds, asked at start before any
 * job is known (the jobs come as their clusters' /jobs/overview answer, over the first
 * second or longer), kept for a while and given to each job as it shows in the model. A
 * job opened in the first second then has its history in its first frame, and the
 * batches after ask no throughput for the jobs it had. A fleet too big for one answer
 * (over the 16 MiB cap: about 600 jobs with 15 minutes at 2 s) fails it, once, and the
 * batches ask instead. */
enum fleet_state { FLEET_NONE, FLEET_ASKED, FLEET_HELD, FLEET_DONE };

struct bf_fleet {
    enum fleet_state state;
    struct bf_req req;
    struct bf_grid grid;
    struct prom_result res; /* FLEET_HELD: owned */
    struct strmap by_job;   /* job_id -> its first series' index + 1 */
    size_t *next;           /* owned, n_series: the next series of the same job_id + 1 */
    bool *used;             /* owned, n_series: given to a job */
    size_t unused;          /* series no job has had yet: freed when none is left */
    int64_t held_until;     /* wall ms: freed then anyway, later jobs go in batches */
};

#define FLEET_HOLD_MS 10000
#define BF_VERTICES_GUESS 4 /* a job whose vertices REST has not listed (yet) */

struct prom_backfill {
    struct prom_source *src;
    struct strmap seen;      /* "cluster\x1fjob" and "cluster\x1f\x1ftm": batched once */
    struct strmap thru_seen; /* "cluster\x1fjob": throughput asked, or given by the fleet's */
    struct strmap tm_filled; /* "cluster\x1f\x1ftm": heap rings Prometheus filled */
    struct bf_fleet fleet;
    struct bf_req reqs[F_COUNT];
    struct prom_result res[F_COUNT];
    bool ok[F_COUNT];
    bool answered[F_COUNT]; /* answered (or failed) and not applied yet */
    int pending;
    bool active; /* a batch is out, or answered and not all applied */
    bool failed;
    int64_t failed_ms;
    struct bf_target *targets; /* the batch */
    size_t n_targets;
    struct strmap by_id; /* "j:job" / "t:filtered tm id" -> target index + 1, chained */
    struct bf_grid grid;
    size_t max_jobs; /* per batch: PROM_BACKFILL_MAX_IDS, halved by each failed batch */
    size_t queries;
};

struct prom_backfill *prom_backfill_new(struct prom_source *src) {
    struct prom_backfill *b = xcalloc(1, sizeof *b);
    b->src = src;
    b->max_jobs = PROM_BACKFILL_MAX_IDS;
    strmap_init(&b->seen);
    strmap_init(&b->thru_seen);
    strmap_init(&b->tm_filled);
    strmap_init(&b->by_id);
    strmap_init(&b->fleet.by_job);
    b->fleet.req.b = b;
    b->fleet.req.fleet = true;
    for (int i = 0; i < F_COUNT; i++) {
        b->reqs[i].b = b;
        b->reqs[i].f = (enum family)i;
    }
    return b;
}

static void batch_free(struct prom_backfill *b) {
    for (int i = 0; i < F_COUNT; i++) {
        if (b->ok[i])
            prom_result_free(&b->res[i]);
        b->ok[i] = false;
        b->answered[i] = false;
    }
    strmap_free(&b->by_id);
    strmap_init(&b->by_id);
    for (size_t i = 0; i < b->n_targets; i++) {
        free(b->targets[i].cluster);
        free(b->targets[i].id);
    }
    free(b->targets);
    b->targets = NULL;
    b->n_targets = 0;
    b->active = false;
    b->failed = false;
}

static void fleet_free(struct bf_fleet *fl) {
    if (fl->state == FLEET_HELD)
        prom_result_free(&fl->res);
    strmap_free(&fl->by_job);
    strmap_init(&fl->by_job);
    free(fl->next);
    fl->next = NULL;
    free(fl->used);
    fl->used = NULL;
    fl->state = FLEET_DONE;
}

void prom_backfill_free(struct prom_backfill *b) {
    if (b == NULL)
        return;
    batch_free(b);
    fleet_free(&b->fleet);
    strmap_free(&b->seen);
    strmap_free(&b->thru_seen);
    strmap_free(&b->tm_filled);
    strmap_free(&b->by_id);
    strmap_free(&b->fleet.by_job);
    free(b);
}

bool prom_backfill_busy(const struct prom_backfill *b) {
    return b && (b->active || b->fleet.state == FLEET_ASKED);
}

size_t prom_backfill_queries(const struct prom_backfill *b) { return b ? b->queries : 0; }

bool prom_backfill_tm_filled(struct prom_backfill *b, const char *cluster, const char *tm_id) {
    if (b == NULL || cluster == NULL || tm_id == NULL)
        return false;
    char key[256];
    snprintf(key, sizeof key, "%s\x1f\x1f%s", cluster, tm_id);
    return strmap_get(&b->tm_filled, key) != NULL;
}

static void fleet_answered(struct prom_backfill *b, struct prom_result *r);

static void on_done(void *arg, const struct http_response *resp) {
    struct bf_req *q = arg;
    struct prom_backfill *b = q->b;
    char err[200];
    struct prom_result r;
    enum prom_api_status st =
        resp->outcome == HTTP_FAILED && resp->status == 0
            ? PROM_API_ERROR
            : prom_api_parse_query(resp->body, resp->len, resp->status, &r, err, sizeof err);
    if (st == PROM_API_OK && r.type != PROM_RESULT_MATRIX) {
        prom_result_free(&r);
        st = PROM_API_SHAPE;
    }
    if (q->fleet) { /* failed: the batches ask every job's throughput instead */
        if (st == PROM_API_OK)
            fleet_answered(b, &r);
        else
            b->fleet.state = FLEET_DONE;
        return;
    }
    if (st == PROM_API_OK) {
        b->res[q->f] = r;
        b->ok[q->f] = true;
    } else {
        b->failed = true;
    }
    b->answered[q->f] = true; /* applied by the next step, without waiting for the rest */
    b->pending--;
}

/* The reporter's label value for a string: characters other than [A-Za-z0-9_:] become
 * '_' (task manager ids "prod-taskmanager-1-1" are scraped as "prod_taskmanager_1_1"). */
static void reporter_filter(const char *s, char *out, size_t size) {
    size_t k = 0;
    for (; *s && k + 1 < size; s++) {
        char c = *s;
        bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == ':';
        out[k++] = keep ? c : '_';
    }
    out[k] = '\0';
}

static size_t cluster_by_name(const struct app *app, const char *name) {
    for (size_t i = 0; i < app->n_clusters; i++)
        if (!app->clusters[i].k8s.gone && strcmp(app->clusters[i].name, name) == 0)
            return i;
    return SIZE_MAX;
}

/* ---- submitting queries ------------------------------------------------------------ */

/* The window ending now, aligned on the step (batches line up), at the ring's step. */
static struct bf_grid grid_now(const struct app *app) {
    struct bf_grid g;
    g.step_ms = app->refresh_ms > 0 ? app->refresh_ms : 2000;
    g.n_steps = app->history_len ? app->history_len : 450;
    int64_t end = clock_wall_ms() / g.step_ms * g.step_ms;
    g.start_ms = end - (int64_t)(g.n_steps - 1) * g.step_ms;
    return g;
}

static char *range_url(const struct prom_backfill *b, const struct bf_grid *g, const char *q) {
    char *esc = curl_easy_escape(NULL, q, 0);
    char *url = xasprintf("%s/api/v1/query_range?query=%s&start=%.3f&end=%.3f&step=%.3f",
                          prom_source_url(b->src), esc ? esc : "", (double)g->start_ms / 1000.0,
                          (double)(g->start_ms + (int64_t)(g->n_steps - 1) * g->step_ms) / 1000.0,
                          (double)g->step_ms / 1000.0);
    curl_free(esc);
    return url;
}

/* Sends one query_range; false when it could not be queued (no callback comes then). */
static bool submit(struct prom_backfill *b, struct bf_req *q, const struct bf_grid *g,
                   const char *query) {
    char *url = range_url(b, g, query);
    struct http_request hr = {0};
    hr.url = url;
    hr.tls = prom_source_tls(b->src);
    hr.timeout_ms = prom_source_timeout_ms(b->src);
    hr.done = on_done;
    hr.arg = q;
    /* what the charts show first, a handful of requests once per batch of new jobs:
     * never held for the budget (behind a service proxy, a big fleet's summaries and
     * details spend the API server's for minutes) */
    hr.priority = HTTP_PRIO_VIEW;
    b->queries++;
    bool ok = http_submit(prom_source_http(b->src), &hr) == 0;
    free(url);
    return ok;
}

static void submit_family(struct prom_backfill *b, enum family f, const char *query) {
    if (submit(b, &b->reqs[f], &b->grid, query))
        b->pending++;
    else
        b->failed = true;
}

/* The throughput query (what sources emit and sinks receive), of the job ids matching
 * re, or of every job when re is NULL. */
static char *throughput_query(const char *g, const char *re) {
    if (re == NULL)
        return xasprintf(
            "sum by (__name__, job_id, %s) (flink_taskmanager_job_task_numRecordsOutPerSecond"
            "{task_name=~\"Source:.*\"} or "
            "flink_taskmanager_job_task_numRecordsInPerSecond{task_name=~\".*Sink:.*\"})",
            g);
    return xasprintf(
        "sum by (__name__, job_id, %s) (flink_taskmanager_job_task_numRecordsOutPerSecond"
        "{task_name=~\"Source:.*\",job_id=~\"%s\"} or "
        "flink_taskmanager_job_task_numRecordsInPerSecond{task_name=~\".*Sink:.*\",job_id=~\"%"
        "s\"})",
        g, re, re);
}

static const char *group_labels(const struct prom_backfill *b) {
    const char *cl = prom_source_cluster_label(b->src);
    return cl ? cl : GROUP_DEFAULT;
}

/* At start, once: every job's throughput, before any job is known. */
static void fleet_ask(struct prom_backfill *b, const struct app *app) {
    struct bf_fleet *fl = &b->fleet;
    fl->grid = grid_now(app);
    char *q = throughput_query(group_labels(b), NULL);
    fl->state = submit(b, &fl->req, &fl->grid, q) ? FLEET_ASKED : FLEET_DONE;
    free(q);
}

enum id_kind { IDS_THRU, IDS_REST, IDS_TM };

static bool target_is(const struct bf_target *t, enum id_kind k) {
    return k == IDS_TM ? t->tm : !t->tm && (k == IDS_THRU ? t->thru : t->rest);
}

/* "a|b|c" of the batch's job ids of that kind, or filtered task manager ids. */
static char *id_regex(const struct prom_backfill *b, enum id_kind k) {
    size_t cap = 1, n = 0;
    for (size_t i = 0; i < b->n_targets; i++)
        cap += strlen(b->targets[i].id) + 1;
    char *s = xcalloc(cap, 1);
    for (size_t i = 0; i < b->n_targets; i++) {
        if (!target_is(&b->targets[i], k))
            continue;
        char f[128];
        reporter_filter(b->targets[i].id, f, sizeof f);
        n += (size_t)snprintf(s + n, cap - n, "%s%s", n ? "|" : "", f);
    }
    return s;
}

/* s, appended to out as a literal inside a PromQL regex matcher's double-quoted string:
 * a regex metacharacter gets a backslash (doubled, for the string), a quote the string's
 * escape, and a control character becomes "." (any one: the matcher stays a superset). */
static void add_regex_literal(struct buf *out, const char *s) {
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c == 0x7f)
            buf_append(out, ".", 1);
        else if (c == '"')
            buf_append(out, "\\\"", 2);
        else {
            if (strchr(".^$|?*+()[]{}\\", c))
                buf_append(out, "\\\\", 2);
            buf_append(out, s, 1);
        }
    }
}

/* The label matcher ("{...}", owned) that keeps the JobManagers of the clusters whose task
 * managers this batch asks, as in_cluster (prom_source.c) matches them: by
 * prometheus_cluster_label, else by namespace and the FlinkDeployment's pod prefix. ""
 * when a cluster has neither (a --flink cluster: a "cluster" label or none at all says
 * which), so the whole fleet's JobManagers are asked, as before. */
static char *jm_matcher(const struct prom_backfill *b, const struct app *app) {
    const char *label = prom_source_cluster_label(b->src);
    struct strmap seen, seen_ns;
    strmap_init(&seen);
    strmap_init(&seen_ns);
    struct buf names, nss;
    buf_init(&names, 1 << 20); /* ids are bounded (PROM_BACKFILL_MAX_IDS): never reached */
    buf_init(&nss, 1 << 20);
    bool ok = true;
    for (size_t i = 0; i < b->n_targets; i++) {
        const struct bf_target *t = &b->targets[i];
        if (!t->tm || strmap_get(&seen, t->cluster))
            continue;
        strmap_put(&seen, t->cluster, &seen);
        size_t ci = cluster_by_name(app, t->cluster);
        const struct cluster_k8s *k = ci == SIZE_MAX ? NULL : &app->clusters[ci].k8s;
        if (label == NULL && (k == NULL || k->namespace == NULL || k->name == NULL)) {
            ok = false;
            break;
        }
        if (names.len)
            buf_append(&names, "|", 1);
        add_regex_literal(&names, label ? t->cluster : k->name);
        if (label == NULL && strmap_get(&seen_ns, k->namespace) == NULL) {
            strmap_put(&seen_ns, k->namespace, &seen_ns);
            if (nss.len)
                buf_append(&nss, "|", 1);
            add_regex_literal(&nss, k->namespace);
        }
    }
    char *m;
    if (!ok || names.len == 0)
        m = xstrdup("");
    else if (label)
        m = xasprintf("{%s=~\"%.*s\"}", label, (int)names.len, names.data);
    else
        m = xasprintf("{namespace=~\"%.*s\",pod=~\"(%.*s)-.*\"}", (int)nss.len, nss.data,
                      (int)names.len, names.data);
    buf_free(&names);
    buf_free(&nss);
    strmap_free(&seen);
    strmap_free(&seen_ns);
    return m;
}

static struct bf_target *add_target(struct prom_backfill *b, const char *cluster, const char *id,
                                    bool tm) {
    b->targets = xrealloc(b->targets, (b->n_targets + 1) * sizeof *b->targets);
    struct bf_target *t = &b->targets[b->n_targets++];
    memset(t, 0, sizeof *t);
    t->cluster = xstrdup(cluster);
    t->id = xstrdup(id);
    t->tm = tm;
    return t;
}

/* The jobs (and task managers) not asked yet, their ids in a regex per family. A job's
 * throughput waits while the fleet's answer is out or held (it brings it). */
static void start_batch(struct prom_backfill *b, struct app *app) {
    size_t jobs = 0, thru = 0, tms = 0, points = 0;
    bool fleet_brings = b->fleet.state == FLEET_ASKED || b->fleet.state == FLEET_HELD;
    bool full = false;
    struct bf_grid grid = grid_now(app);
    for (size_t ci = 0; ci < app->n_clusters && b->n_targets < 2 * PROM_BACKFILL_MAX_IDS; ci++) {
        struct cluster *c = &app->clusters[ci];
        if (c->k8s.gone || c->name == NULL)
            continue;
        char key[256];
        for (size_t i = 0; i < c->jobs.len && jobs < b->max_jobs && !full; i++) {
            struct job *j = &c->jobs.items[i];
            if (j->id[0] == '\0')
                continue;
            if (j->detail == NULL) /* the rings live in the details: made, empty, now, so
                                     * a job opened in the first second has its history */
                j->detail = job_detail_new(app->history_len ? app->history_len : 450);
            snprintf(key, sizeof key, "%s\x1f%s", c->name, j->id);
            bool rest = strmap_get(&b->seen, key) == NULL;
            bool th = !fleet_brings && strmap_get(&b->thru_seen, key) == NULL;
            if (!rest && !th)
                continue;
            /* the biggest answer, the vertices' or the load's: two series a vertex, a
             * point a step; the next batch takes the jobs that would not fit */
            size_t v = j->detail->vertices.len ? j->detail->vertices.len : BF_VERTICES_GUESS;
            size_t cost = (rest ? 2 * v : 2) * grid.n_steps;
            if (jobs > 0 && points + cost > PROM_BACKFILL_MAX_POINTS) {
                full = true;
                break;
            }
            points += cost;
            struct bf_target *t = add_target(b, c->name, j->id, false);
            t->rest = rest;
            t->thru = th;
            if (rest)
                strmap_put(&b->seen, key, b);
            if (th)
                strmap_put(&b->thru_seen, key, b);
            jobs++;
            thru += th;
        }
        for (size_t i = 0; i < c->taskmanagers.len && tms < PROM_BACKFILL_MAX_IDS; i++) {
            const struct taskmanager *t = &c->taskmanagers.items[i];
            if (t->id == NULL || t->heap_used.cap == 0)
                continue;
            snprintf(key, sizeof key, "%s\x1f\x1f%s", c->name, t->id);
            if (strmap_get(&b->seen, key) == NULL) {
                add_target(b, c->name, t->id, true);
                strmap_put(&b->seen, key, b);
                tms++;
            }
        }
    }
    if (b->n_targets == 0)
        return;
    b->active = true;
    b->grid = grid;
    const char *g = group_labels(b);
    if (thru > 0) {
        char *re = id_regex(b, IDS_THRU);
        char *q = throughput_query(g, re);
        submit_family(b, F_THRU, q);
        free(q);
        free(re);
    }
    if (jobs > 0) {
        char *re = id_regex(b, IDS_REST);
        if (re[0] != '\0') { /* empty: the batch's jobs wanted throughput alone */
            char *q = xasprintf("sum by (__name__, job_id, task_id, %s) ({__name__=~\"flink_"
                                "taskmanager_job_task_numRecords(In|Out)PerSecond\",job_id=~\"%s\"})",
                                g, re);
            submit_family(b, F_VERT, q);
            free(q);
            q = xasprintf("max by (__name__, job_id, task_id, %s) ({__name__=~\"flink_taskmanager_"
                          "job_task_(busy|backPressured)TimeMsPerSecond\",job_id=~\"%s\"})",
                          g, re);
            submit_family(b, F_LOAD, q);
            free(q);
            q = xasprintf("max by (__name__, job_id, %s) ({__name__=~\"flink_jobmanager_job_last"
                          "Checkpoint(CompletedTimestamp|Duration|Size)\",job_id=~\"%s\"})",
                          g, re);
            submit_family(b, F_CKPT, q);
            free(q);
        }
        free(re);
    }
    if (tms > 0) {
        char *re = id_regex(b, IDS_TM);
        /* and their clusters' JobManagers': a new cluster comes with new task managers */
        char *jm = jm_matcher(b, app);
        char *q = xasprintf("max by (__name__, tm_id, %s) (flink_taskmanager_Status_JVM_Memory_"
                            "Heap_Used{tm_id=~\"%s\"} or flink_jobmanager_Status_JVM_Memory_Heap_"
                            "Used%s)",
                            g, re, jm);
        submit_family(b, F_HEAP, q);
        free(q);
        free(jm);
        free(re);
    }
}

/* ---- applying a batch --------------------------------------------------------------- */

struct accs {
    struct acc *items; /* owned */
    size_t len, cap;
    struct strmap idx; /* "kind cluster id vertex" -> item index + 1 */
    struct bf_grid grid;
};

static void accs_init(struct accs *a, const struct bf_grid *g) {
    memset(a, 0, sizeof *a);
    strmap_init(&a->idx);
    a->grid = *g;
}

static void accs_free(struct accs *a) {
    for (size_t i = 0; i < a->len; i++)
        free(a->items[i].v);
    free(a->items);
    strmap_free(&a->idx);
}

/* The accumulator of that series (made, all NaN, on first use): a hash lookup, as a
 * thousand jobs' vertices make thousands of them. */
static void acc_key(char *key, size_t size, enum acc_kind k, size_t ci, const char *id,
                    const char *vertex) {
    snprintf(key, size, "%d\x1f%zu\x1f%s\x1f%s", (int)k, ci, id, vertex ? vertex : "");
}

/* borrowed (until the next acc_get), NULL when none */
static struct acc *acc_find(struct accs *a, enum acc_kind k, size_t ci, const char *id) {
    char key[200];
    acc_key(key, sizeof key, k, ci, id, NULL);
    size_t n = (size_t)(uintptr_t)strmap_get(&a->idx, key);
    return n > 0 ? &a->items[n - 1] : NULL;
}

static struct acc *acc_get(struct accs *a, enum acc_kind k, size_t ci, const char *id,
                           const char *vertex) {
    char key[200];
    acc_key(key, sizeof key, k, ci, id, vertex);
    size_t n = (size_t)(uintptr_t)strmap_get(&a->idx, key);
    if (n > 0)
        return &a->items[n - 1];
    strmap_put(&a->idx, key, (void *)(uintptr_t)(a->len + 1));
    if (a->len == a->cap) {
        a->cap = a->cap ? 2 * a->cap : 32;
        a->items = xrealloc(a->items, a->cap * sizeof *a->items);
    }
    struct acc *x = &a->items[a->len++];
    memset(x, 0, sizeof *x);
    x->kind = k;
    x->ci = ci;
    snprintf(x->id, sizeof x->id, "%s", id);
    snprintf(x->vertex, sizeof x->vertex, "%s", vertex ? vertex : "");
    x->v = xmalloc(a->grid.n_steps * sizeof *x->v);
    for (size_t i = 0; i < a->grid.n_steps; i++)
        x->v[i] = NAN;
    return x;
}

static bool acc_sums(enum acc_kind k) {
    return k == A_IN || k == A_OUT || k == A_VIN || k == A_VOUT;
}

/* Fold series s into x, step by step. */
static void acc_add(const struct bf_grid *g, struct acc *x, const struct prom_series *s) {
    for (size_t i = 0; i < s->n_samples; i++) {
        int64_t d = s->samples[i].t_ms - g->start_ms;
        if (d < 0)
            continue;
        /* Prometheus's steps are start + k*step; round for float seconds */
        size_t k = (size_t)((d + g->step_ms / 2) / g->step_ms);
        double v = s->samples[i].v;
        if (k >= g->n_steps || isnan(v))
            continue;
        double *w = &x->v[k];
        if (isnan(*w))
            *w = v;
        else if (acc_sums(x->kind))
            *w += v;
        else if (v > *w)
            *w = v;
    }
}

/* The batch's targets by id ("j:" job id, "t:" task manager id as scraped), chained:
 * a series finds its targets in one lookup, not a scan of the batch. */
static void index_targets(struct prom_backfill *b) {
    if (b->by_id.len > 0)
        return;
    for (size_t i = b->n_targets; i-- > 0;) {
        struct bf_target *t = &b->targets[i];
        char f[128], key[136];
        reporter_filter(t->id, f, sizeof f);
        snprintf(key, sizeof key, "%s:%s", t->tm ? "t" : "j", t->tm ? f : t->id);
        t->next = (size_t)(uintptr_t)strmap_put(&b->by_id, key, (void *)(uintptr_t)(i + 1));
    }
}

/* Every series of family f into the accumulators of the batch's targets it belongs to. */
static void gather(struct prom_backfill *b, const struct app *app, enum family f, struct accs *a) {
    const struct prom_result *r = &b->res[f];
    index_targets(b);
    for (size_t si = 0; si < r->n_series; si++) {
        const struct prom_series *s = &r->series[si];
        const char *name = prom_label_get(s->labels, s->n_labels, "__name__");
        const char *key = prom_label_get(s->labels, s->n_labels, f == F_HEAP ? "tm_id" : "job_id");
        const char *task = prom_label_get(s->labels, s->n_labels, "task_id");
        if (f == F_HEAP && name && strcmp(name, "flink_jobmanager_Status_JVM_Memory_Heap_Used") == 0) {
            size_t ci = prom_source_match_cluster(b->src, app, s->labels, s->n_labels);
            if (ci == SIZE_MAX && app->n_clusters == 1) /* nothing says which: the one */
                ci = 0;
            if (ci != SIZE_MAX)
                acc_add(&a->grid, acc_get(a, A_JM_HEAP, ci, "", NULL), s);
            continue;
        }
        if (key == NULL || (f != F_HEAP && name == NULL))
            continue;
        char k2[136];
        snprintf(k2, sizeof k2, "%s:%s", f == F_HEAP ? "t" : "j", key);
        for (size_t n = (size_t)(uintptr_t)strmap_get(&b->by_id, k2); n != 0;
             n = b->targets[n - 1].next) {
            const struct bf_target *t = &b->targets[n - 1];
            if (f == F_THRU ? !t->thru : f != F_HEAP && !t->rest)
                continue;
            size_t ci = cluster_by_name(app, t->cluster);
            if (ci == SIZE_MAX ||
                !prom_source_labels_in_cluster(b->src, app, ci, s->labels, s->n_labels))
                continue;
            bool out = name && strstr(name, "numRecordsOut") != NULL;
            bool busy = name && strstr(name, "busyTime") != NULL;
            switch (f) {
            case F_THRU: /* the sources' out is the job's in; the sinks' in its out */
                acc_add(&a->grid, acc_get(a, out ? A_IN : A_OUT, ci, t->id, NULL), s);
                break;
            case F_VERT:
                if (task)
                    acc_add(&a->grid, acc_get(a, out ? A_VOUT : A_VIN, ci, t->id, task), s);
                break;
            case F_LOAD:
                if (task)
                    acc_add(&a->grid, acc_get(a, busy ? A_VBUSY : A_VBP, ci, t->id, task), s);
                acc_add(&a->grid, acc_get(a, busy ? A_BUSY_MAX : A_BP_MAX, ci, t->id, NULL), s);
                break;
            case F_CKPT: {
                enum acc_kind k = strstr(name, "CompletedTimestamp") ? A_CP_TS
                                  : strstr(name, "Duration")         ? A_CP_DUR
                                                                     : A_CP_SIZE;
                acc_add(&a->grid, acc_get(a, k, ci, t->id, NULL), s);
                break;
            }
            case F_HEAP:
                acc_add(&a->grid, acc_get(a, A_HEAP, ci, t->id, NULL), s);
                break;
            default:
                break;
            }
        }
    }
}

/* The steps of x from its first known value to its last, as times and values (ratio:
 * ms/s over 1000). Returns the count; t and v hold n_steps. */
static size_t acc_points(const struct bf_grid *g, const struct acc *x, double scale, int64_t *t,
                         double *v) {
    size_t lo = 0, hi = g->n_steps;
    while (lo < hi && isnan(x->v[lo]))
        lo++;
    while (hi > lo && isnan(x->v[hi - 1]))
        hi--;
    size_t n = 0;
    for (size_t i = lo; i < hi; i++) {
        t[n] = g->start_ms + (int64_t)i * g->step_ms;
        v[n++] = x->v[i] * scale;
    }
    return n;
}

static struct job_history *history_of(struct app *app, const struct acc *x) {
    struct job *j = cluster_find_job(&app->clusters[x->ci], x->id);
    return j && j->detail ? &j->detail->history : NULL;
}

/* One point per checkpoint completed: where the completion timestamp changes. */
static void apply_checkpoints(struct app *app, struct accs *a, size_t i) {
    size_t n_steps = a->grid.n_steps;
    const struct acc *ts = &a->items[i];
    struct job_history *h = history_of(app, ts);
    if (h == NULL)
        return;
    const struct acc *dur = acc_find(a, A_CP_DUR, ts->ci, ts->id);
    const struct acc *size = acc_find(a, A_CP_SIZE, ts->ci, ts->id);
    int64_t *t = xmalloc(n_steps * sizeof *t);
    double *vd = xmalloc(n_steps * sizeof *vd), *vs = xmalloc(n_steps * sizeof *vs);
    size_t n = 0;
    double prev = NAN;
    for (size_t k = 0; k < n_steps; k++) {
        double c = ts->v[k];
        if (isnan(c) || c <= 0 || (!isnan(prev) && c == prev))
            continue;
        prev = c;
        double d = dur ? dur->v[k] : NAN, s = size ? size->v[k] : NAN;
        t[n] = (int64_t)c;
        vd[n] = d >= 0 ? d : NAN;
        vs[n++] = s >= 0 ? s : NAN;
    }
    if (ring_backfill(&h->cp_duration_ms, t, vd, n, 0) > 0) {
        ring_backfill(&h->cp_size, t, vs, n, 0);
        h->backfilled |= HISTORY_BF_CHECKPOINTS;
    }
    if (n > 0 && t[n - 1] > h->cp_backfill_ms)
        h->cp_backfill_ms = t[n - 1];
    free(t);
    free(vd);
    free(vs);
}

/* The accumulated steps into the rings they belong to. */
static bool apply_accs(struct prom_backfill *b, struct app *app, struct accs *a) {
    const struct bf_grid *g = &a->grid;
    int64_t *t = xmalloc(g->n_steps * sizeof *t);
    double *v = xmalloc(g->n_steps * sizeof *v);
    bool changed = false;
    for (size_t i = 0; i < a->len; i++) {
        const struct acc *x = &a->items[i];
        if (x->kind == A_CP_TS) {
            apply_checkpoints(app, a, i);
            changed = true;
            continue;
        }
        if (x->kind == A_CP_DUR || x->kind == A_CP_SIZE)
            continue;
        bool ratio =
            x->kind == A_VBUSY || x->kind == A_VBP || x->kind == A_BUSY_MAX || x->kind == A_BP_MAX;
        size_t n = acc_points(g, x, ratio ? 1.0 / 1000.0 : 1.0, t, v);
        if (n == 0)
            continue;
        if (x->kind == A_JM_HEAP) {
            const struct cluster *c = &app->clusters[x->ci];
            if (c->name)
                changed |= ring_backfill(prom_source_jm_ring(b->src, c->name, app->history_len),
                                         t, v, n, g->step_ms) > 0;
            continue;
        }
        if (x->kind == A_HEAP) {
            struct cluster *c = &app->clusters[x->ci];
            for (size_t k = 0; k < c->taskmanagers.len; k++) {
                struct taskmanager *tm = &c->taskmanagers.items[k];
                if (tm->id && strcmp(tm->id, x->id) == 0 && tm->heap_used.cap > 0 &&
                    ring_backfill(&tm->heap_used, t, v, n, g->step_ms) > 0) {
                    char key[256];
                    snprintf(key, sizeof key, "%s\x1f\x1f%s", c->name, tm->id);
                    strmap_put(&b->tm_filled, key, b);
                    changed = true;
                }
            }
            continue;
        }
        struct job_history *h = history_of(app, x);
        if (h == NULL)
            continue;
        struct ring *r = NULL;
        unsigned flag = 0;
        switch (x->kind) {
        case A_IN:
            r = &h->in_per_s, flag = HISTORY_BF_THROUGHPUT;
            break;
        case A_OUT:
            r = &h->out_per_s, flag = HISTORY_BF_THROUGHPUT;
            break;
        case A_BUSY_MAX:
            r = &h->busy_max, flag = HISTORY_BF_LOAD;
            break;
        case A_BP_MAX:
            r = &h->bp_max, flag = HISTORY_BF_LOAD;
            break;
        case A_VIN:
            r = &job_history_vertex(h, x->vertex)->in_per_s, flag = HISTORY_BF_VERTICES;
            break;
        case A_VOUT:
            r = &job_history_vertex(h, x->vertex)->out_per_s, flag = HISTORY_BF_VERTICES;
            break;
        case A_VBUSY:
            r = &job_history_vertex(h, x->vertex)->busy, flag = HISTORY_BF_LOAD;
            break;
        case A_VBP:
            r = &job_history_vertex(h, x->vertex)->backpressured, flag = HISTORY_BF_LOAD;
            break;
        default:
            break;
        }
        if (r && history_backfill(h, r, t, v, n, g->step_ms) > 0) {
            h->backfilled |= flag;
            changed = true;
        }
    }
    free(t);
    free(v);
    return changed;
}

/* ---- the fleet's throughput -------------------------------------------------------- */

static void fleet_answered(struct prom_backfill *b, struct prom_result *r) {
    struct bf_fleet *fl = &b->fleet;
    fl->res = *r;
    fl->next = xcalloc(r->n_series ? r->n_series : 1, sizeof *fl->next);
    fl->used = xcalloc(r->n_series ? r->n_series : 1, sizeof *fl->used);
    fl->unused = r->n_series;
    for (size_t i = r->n_series; i-- > 0;) {
        const struct prom_series *s = &r->series[i];
        const char *jid = prom_label_get(s->labels, s->n_labels, "job_id");
        if (jid != NULL)
            fl->next[i] = (size_t)(uintptr_t)strmap_put(&fl->by_job, jid, (void *)(uintptr_t)(i + 1));
    }
    fl->held_until = clock_wall_ms() + FLEET_HOLD_MS;
    fl->state = FLEET_HELD;
}

/* Each job not given its throughput yet gets what the fleet's answer has of it. One that
 * it has nothing of is done too (Prometheus had nothing when asked for the whole fleet),
 * unless the answer was cut short. Cheap when every job has had it: a lookup a job. */
static bool fleet_apply(struct prom_backfill *b, struct app *app) {
    struct bf_fleet *fl = &b->fleet;
    struct accs a;
    accs_init(&a, &fl->grid);
    for (size_t ci = 0; ci < app->n_clusters; ci++) {
        struct cluster *c = &app->clusters[ci];
        if (c->k8s.gone || c->name == NULL)
            continue;
        for (size_t i = 0; i < c->jobs.len; i++) {
            struct job *j = &c->jobs.items[i];
            char key[256];
            if (j->id[0] == '\0')
                continue;
            snprintf(key, sizeof key, "%s\x1f%s", c->name, j->id);
            if (strmap_get(&b->thru_seen, key) != NULL)
                continue;
            size_t n = (size_t)(uintptr_t)strmap_get(&fl->by_job, j->id);
            if (n == 0 && fl->res.truncated)
                continue; /* a batch asks for it */
            strmap_put(&b->thru_seen, key, b);
            if (j->detail == NULL) /* as start_batch makes them */
                j->detail = job_detail_new(app->history_len ? app->history_len : 450);
            for (; n != 0; n = fl->next[n - 1]) {
                const struct prom_series *s = &fl->res.series[n - 1];
                const char *name = prom_label_get(s->labels, s->n_labels, "__name__");
                if (name == NULL ||
                    !prom_source_labels_in_cluster(b->src, app, ci, s->labels, s->n_labels))
                    continue;
                bool out = strstr(name, "numRecordsOut") != NULL;
                acc_add(&a.grid, acc_get(&a, out ? A_IN : A_OUT, ci, j->id, NULL), s);
                if (!fl->used[n - 1]) {
                    fl->used[n - 1] = true;
                    fl->unused--;
                }
            }
        }
    }
    bool changed = apply_accs(b, app, &a);
    accs_free(&a);
    if (fl->unused == 0 || clock_wall_ms() >= fl->held_until)
        fleet_free(fl); /* jobs that show later go in batches */
    return changed;
}

/* ---- stepping ----------------------------------------------------------------------- */

/* The families answered since the last step into their rings (each as it comes: the
 * throughput need not wait for the vertices'); the batch ends with its last answer. */
static bool batch_apply(struct prom_backfill *b, struct app *app) {
    bool changed = false;
    for (int f = 0; f < F_COUNT; f++) {
        if (!b->answered[f])
            continue;
        b->answered[f] = false;
        if (!b->ok[f])
            continue;
        struct accs a;
        accs_init(&a, &b->grid);
        gather(b, app, (enum family)f, &a);
        changed |= apply_accs(b, app, &a);
        accs_free(&a);
        prom_result_free(&b->res[f]);
        b->ok[f] = false;
    }
    if (b->pending > 0)
        return changed;
    if (b->failed) { /* ask again once Prometheus has answered a round since, fewer jobs
                        * at a time (an answer over the size cap, or too slow, fails as a
                        * whole: asked again as it was, it would fail again) */
        b->failed_ms = clock_wall_ms();
        if (b->max_jobs > 1)
            b->max_jobs /= 2;
        for (size_t i = 0; i < b->n_targets; i++) {
            const struct bf_target *t = &b->targets[i];
            char key[256];
            snprintf(key, sizeof key, t->tm ? "%s\x1f\x1f%s" : "%s\x1f%s", t->cluster, t->id);
            if (t->tm || t->rest)
                strmap_del(&b->seen, key);
            if (t->thru)
                strmap_del(&b->thru_seen, key);
        }
    }
    batch_free(b);
    return changed;
}

bool prom_backfill_step(struct prom_backfill *b, struct app *app) {
    if (b == NULL)
        return false;
    bool changed = false;
    const struct source *st = prom_source_state(b->src);
    /* from the start, beside Prometheus's first round and before any job is known */
    if (b->fleet.state == FLEET_NONE && st->state != SOURCE_ERROR)
        fleet_ask(b, app);
    if (b->fleet.state == FLEET_HELD)
        changed |= fleet_apply(b, app);
    if (b->active)
        changed |= batch_apply(b, app);
    /* from the start too (not after Prometheus's first round: a job opened at once would
     * show its own points first); after a failure, once a round answered */
    if (!b->active &&
        (b->failed_ms == 0 ? st->state != SOURCE_ERROR : st->last_ok_ms > b->failed_ms))
        start_batch(b, app);
    return changed;
}
