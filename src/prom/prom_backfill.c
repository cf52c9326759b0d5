#include "prom_backfill.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
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
};

struct bf_target {
    char *cluster; /* owned */
    char *id;      /* owned: job id, or task manager id (REST's) */
    bool tm;
};

struct prom_backfill {
    struct prom_source *src;
    struct strmap seen; /* "cluster\x1fjob" and "cluster\x1f\x1ftm": asked once */
    struct strmap tm_filled; /* "cluster\x1f\x1ftm": heap rings Prometheus filled */
    struct bf_req reqs[F_COUNT];
    struct prom_result res[F_COUNT];
    bool ok[F_COUNT];
    int pending;
    bool ready; /* all answers in, not applied yet */
    bool failed;
    int64_t failed_ms;
    struct bf_target *targets; /* the batch */
    size_t n_targets;
    int64_t start_ms, step_ms;
    size_t n_steps;
    size_t queries;
};

struct prom_backfill *prom_backfill_new(struct prom_source *src) {
    struct prom_backfill *b = xcalloc(1, sizeof *b);
    b->src = src;
    strmap_init(&b->seen);
    strmap_init(&b->tm_filled);
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
    }
    for (size_t i = 0; i < b->n_targets; i++) {
        free(b->targets[i].cluster);
        free(b->targets[i].id);
    }
    free(b->targets);
    b->targets = NULL;
    b->n_targets = 0;
    b->ready = false;
    b->failed = false;
}

void prom_backfill_free(struct prom_backfill *b) {
    if (b == NULL)
        return;
    batch_free(b);
    strmap_free(&b->seen);
    strmap_free(&b->tm_filled);
    free(b);
}

bool prom_backfill_busy(const struct prom_backfill *b) { return b && (b->pending > 0 || b->ready); }

size_t prom_backfill_queries(const struct prom_backfill *b) { return b ? b->queries : 0; }

bool prom_backfill_tm_filled(struct prom_backfill *b, const char *cluster, const char *tm_id) {
    if (b == NULL || cluster == NULL || tm_id == NULL)
        return false;
    char key[256];
    snprintf(key, sizeof key, "%s\x1f\x1f%s", cluster, tm_id);
    return strmap_get(&b->tm_filled, key) != NULL;
}

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
    if (st == PROM_API_OK) {
        b->res[q->f] = r;
        b->ok[q->f] = true;
    } else {
        b->failed = true;
    }
    if (--b->pending == 0)
        b->ready = true;
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

/* ---- submitting a batch ------------------------------------------------------------- */

static char *range_url(const struct prom_backfill *b, const char *q) {
    char *esc = curl_easy_escape(NULL, q, 0);
    char *url = xasprintf("%s/api/v1/query_range?query=%s&start=%.3f&end=%.3f&step=%.3f",
                          prom_source_url(b->src), esc ? esc : "", (double)b->start_ms / 1000.0,
                          (double)(b->start_ms + (int64_t)(b->n_steps - 1) * b->step_ms) / 1000.0,
                          (double)b->step_ms / 1000.0);
    curl_free(esc);
    return url;
}

static void submit(struct prom_backfill *b, enum family f, const char *query) {
    char *url = range_url(b, query);
    struct http_request hr = {0};
    hr.url = url;
    hr.tls = prom_source_tls(b->src);
    hr.timeout_ms = prom_source_timeout_ms(b->src);
    hr.done = on_done;
    hr.arg = &b->reqs[f];
    /* what the charts show first, a handful of requests once per batch of new jobs:
     * never held for the budget (behind a service proxy, a big fleet's summaries and
     * details spend the API server's for minutes) */
    hr.priority = HTTP_PRIO_VIEW;
    b->pending++;
    b->queries++;
    if (http_submit(prom_source_http(b->src), &hr) != 0) {
        b->pending--;
        b->failed = true;
    }
    free(url);
}

/* "a|b|c" of the batch's job ids (tm false) or filtered task manager ids (tm true). */
static char *id_regex(const struct prom_backfill *b, bool tm) {
    size_t cap = 1, n = 0;
    for (size_t i = 0; i < b->n_targets; i++)
        cap += strlen(b->targets[i].id) + 1;
    char *s = xcalloc(cap, 1);
    for (size_t i = 0; i < b->n_targets; i++) {
        if (b->targets[i].tm != tm)
            continue;
        char f[128];
        reporter_filter(b->targets[i].id, f, sizeof f);
        n += (size_t)snprintf(s + n, cap - n, "%s%s", n ? "|" : "", f);
    }
    return s;
}

static void add_target(struct prom_backfill *b, const char *cluster, const char *id, bool tm,
                       const char *key) {
    b->targets = xrealloc(b->targets, (b->n_targets + 1) * sizeof *b->targets);
    b->targets[b->n_targets].cluster = xstrdup(cluster);
    b->targets[b->n_targets].id = xstrdup(id);
    b->targets[b->n_targets].tm = tm;
    b->n_targets++;
    strmap_put(&b->seen, key, b);
}

static void start_batch(struct prom_backfill *b, struct app *app) {
    size_t jobs = 0, tms = 0;
    for (size_t ci = 0; ci < app->n_clusters && b->n_targets < 2 * PROM_BACKFILL_MAX_IDS; ci++) {
        struct cluster *c = &app->clusters[ci];
        if (c->k8s.gone || c->name == NULL)
            continue;
        char key[256];
        for (size_t i = 0; i < c->jobs.len && jobs < PROM_BACKFILL_MAX_IDS; i++) {
            struct job *j = &c->jobs.items[i];
            if (j->id[0] == '\0')
                continue;
            if (j->detail == NULL) /* the rings live in the details: made, empty, now, so
                                     * a job opened in the first second has its history */
                j->detail = job_detail_new(app->history_len ? app->history_len : 450);
            snprintf(key, sizeof key, "%s\x1f%s", c->name, j->id);
            if (strmap_get(&b->seen, key) == NULL) {
                add_target(b, c->name, j->id, false, key);
                jobs++;
            }
        }
        for (size_t i = 0; i < c->taskmanagers.len && tms < PROM_BACKFILL_MAX_IDS; i++) {
            const struct taskmanager *t = &c->taskmanagers.items[i];
            if (t->id == NULL || t->heap_used.cap == 0)
                continue;
            snprintf(key, sizeof key, "%s\x1f\x1f%s", c->name, t->id);
            if (strmap_get(&b->seen, key) == NULL) {
                add_target(b, c->name, t->id, true, key);
                tms++;
            }
        }
    }
    if (b->n_targets == 0)
        return;
    b->step_ms = app->refresh_ms > 0 ? app->refresh_ms : 2000;
    b->n_steps = app->history_len ? app->history_len : 450;
    int64_t end = clock_wall_ms() / b->step_ms * b->step_ms; /* aligned: batches line up */
    b->start_ms = end - (int64_t)(b->n_steps - 1) * b->step_ms;
    const char *cl = prom_source_cluster_label(b->src);
    const char *g = cl ? cl : GROUP_DEFAULT;
    b->pending = 1; /* held until every query is out: a callback may not end the batch */
    if (jobs > 0) {
        char *re = id_regex(b, false);
        char *q = xasprintf(
            "sum by (__name__, job_id, %s) (flink_taskmanager_job_task_numRecordsOutPerSecond"
            "{task_name=~\"Source:.*\",job_id=~\"%s\"} or "
            "flink_taskmanager_job_task_numRecordsInPerSecond{task_name=~\".*Sink:.*\",job_id=~\"%"
            "s\"})",
            g, re, re);
        submit(b, F_THRU, q);
        free(q);
        q = xasprintf("sum by (__name__, job_id, task_id, %s) ({__name__=~\"flink_taskmanager_job_"
                      "task_numRecords(In|Out)PerSecond\",job_id=~\"%s\"})",
                      g, re);
        submit(b, F_VERT, q);
        free(q);
        q = xasprintf("max by (__name__, job_id, task_id, %s) ({__name__=~\"flink_taskmanager_job_"
                      "task_(busy|backPressured)TimeMsPerSecond\",job_id=~\"%s\"})",
                      g, re);
        submit(b, F_LOAD, q);
        free(q);
        q = xasprintf("max by (__name__, job_id, %s) ({__name__=~\"flink_jobmanager_job_last"
                      "Checkpoint(CompletedTimestamp|Duration|Size)\",job_id=~\"%s\"})",
                      g, re);
        submit(b, F_CKPT, q);
        free(q);
        free(re);
    }
    if (tms > 0) {
        char *re = id_regex(b, true);
        /* and every JobManager's: a new cluster comes with new task managers */
        char *q = xasprintf("max by (__name__, tm_id, %s) (flink_taskmanager_Status_JVM_Memory_"
                            "Heap_Used{tm_id=~\"%s\"} or flink_jobmanager_Status_JVM_Memory_Heap_"
                            "Used)",
                            g, re);
        submit(b, F_HEAP, q);
        free(q);
        free(re);
    }
    if (--b->pending == 0)
        b->ready = true;
}

/* ---- applying a batch --------------------------------------------------------------- */

struct accs {
    struct acc *items; /* owned */
    size_t len, cap;
    size_t n_steps;
};

static struct acc *acc_get(struct accs *a, enum acc_kind k, size_t ci, const char *id,
                           const char *vertex) {
    for (size_t i = 0; i < a->len; i++) {
        struct acc *x = &a->items[i];
        if (x->kind == k && x->ci == ci && strcmp(x->id, id) == 0 &&
            strcmp(x->vertex, vertex ? vertex : "") == 0)
            return x;
    }
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
    x->v = xmalloc(a->n_steps * sizeof *x->v);
    for (size_t i = 0; i < a->n_steps; i++)
        x->v[i] = NAN;
    return x;
}

static bool acc_sums(enum acc_kind k) {
    return k == A_IN || k == A_OUT || k == A_VIN || k == A_VOUT;
}

/* Fold series s into x, step by step. */
static void acc_add(const struct prom_backfill *b, struct acc *x, const struct prom_series *s) {
    for (size_t i = 0; i < s->n_samples; i++) {
        int64_t d = s->samples[i].t_ms - b->start_ms;
        if (d < 0)
            continue;
        /* Prometheus's steps are start + k*step; round for float seconds */
        size_t k = (size_t)((d + b->step_ms / 2) / b->step_ms);
        double v = s->samples[i].v;
        if (k >= b->n_steps || isnan(v))
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

/* Every series of family f into the accumulators of the batch's targets it belongs to. */
static void gather(struct prom_backfill *b, const struct app *app, enum family f, struct accs *a) {
    const struct prom_result *r = &b->res[f];
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
                acc_add(b, acc_get(a, A_JM_HEAP, ci, "", NULL), s);
            continue;
        }
        if (key == NULL || (f != F_HEAP && name == NULL))
            continue;
        for (size_t ti = 0; ti < b->n_targets; ti++) {
            const struct bf_target *t = &b->targets[ti];
            if (t->tm != (f == F_HEAP))
                continue;
            char fid[128];
            reporter_filter(t->id, fid, sizeof fid);
            if (strcmp(f == F_HEAP ? fid : t->id, key) != 0)
                continue;
            size_t ci = cluster_by_name(app, t->cluster);
            if (ci == SIZE_MAX ||
                !prom_source_labels_in_cluster(b->src, app, ci, s->labels, s->n_labels))
                continue;
            bool out = name && strstr(name, "numRecordsOut") != NULL;
            bool busy = name && strstr(name, "busyTime") != NULL;
            switch (f) {
            case F_THRU: /* the sources' out is the job's in; the sinks' in its out */
                acc_add(b, acc_get(a, out ? A_IN : A_OUT, ci, t->id, NULL), s);
                break;
            case F_VERT:
                if (task)
                    acc_add(b, acc_get(a, out ? A_VOUT : A_VIN, ci, t->id, task), s);
                break;
            case F_LOAD:
                if (task)
                    acc_add(b, acc_get(a, busy ? A_VBUSY : A_VBP, ci, t->id, task), s);
                acc_add(b, acc_get(a, busy ? A_BUSY_MAX : A_BP_MAX, ci, t->id, NULL), s);
                break;
            case F_CKPT: {
                enum acc_kind k = strstr(name, "CompletedTimestamp") ? A_CP_TS
                                  : strstr(name, "Duration")         ? A_CP_DUR
                                                                     : A_CP_SIZE;
                acc_add(b, acc_get(a, k, ci, t->id, NULL), s);
                break;
            }
            case F_HEAP:
                acc_add(b, acc_get(a, A_HEAP, ci, t->id, NULL), s);
                break;
            default:
                break;
            }
        }
    }
}

/* The steps of x from its first known value to its last, as times and values (ratio:
 * ms/s over 1000). Returns the count; t and v hold n_steps. */
static size_t acc_points(const struct prom_backfill *b, const struct acc *x, double scale,
                         int64_t *t, double *v) {
    size_t lo = 0, hi = b->n_steps;
    while (lo < hi && isnan(x->v[lo]))
        lo++;
    while (hi > lo && isnan(x->v[hi - 1]))
        hi--;
    size_t n = 0;
    for (size_t i = lo; i < hi; i++) {
        t[n] = b->start_ms + (int64_t)i * b->step_ms;
        v[n++] = x->v[i] * scale;
    }
    return n;
}

static struct job_history *history_of(struct app *app, const struct acc *x) {
    struct job *j = cluster_find_job(&app->clusters[x->ci], x->id);
    return j && j->detail ? &j->detail->history : NULL;
}

/* One point per checkpoint completed: where the completion timestamp changes. */
static void apply_checkpoints(struct prom_backfill *b, struct app *app, struct accs *a, size_t i) {
    const struct acc *ts = &a->items[i];
    struct job_history *h = history_of(app, ts);
    if (h == NULL)
        return;
    const struct acc *dur = NULL, *size = NULL;
    for (size_t k = 0; k < a->len; k++) {
        const struct acc *x = &a->items[k];
        if (x->ci == ts->ci && strcmp(x->id, ts->id) == 0 && x->kind == A_CP_DUR)
            dur = x;
        if (x->ci == ts->ci && strcmp(x->id, ts->id) == 0 && x->kind == A_CP_SIZE)
            size = x;
    }
    int64_t *t = xmalloc(b->n_steps * sizeof *t);
    double *vd = xmalloc(b->n_steps * sizeof *vd), *vs = xmalloc(b->n_steps * sizeof *vs);
    size_t n = 0;
    double prev = NAN;
    for (size_t k = 0; k < b->n_steps; k++) {
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

static bool apply(struct prom_backfill *b, struct app *app) {
    struct accs a = {0};
    a.n_steps = b->n_steps;
    for (int f = 0; f < F_COUNT; f++)
        if (b->ok[f])
            gather(b, app, (enum family)f, &a);
    int64_t *t = xmalloc(b->n_steps * sizeof *t);
    double *v = xmalloc(b->n_steps * sizeof *v);
    bool changed = false;
    for (size_t i = 0; i < a.len; i++) {
        const struct acc *x = &a.items[i];
        if (x->kind == A_CP_TS) {
            apply_checkpoints(b, app, &a, i);
            changed = true;
            continue;
        }
        if (x->kind == A_CP_DUR || x->kind == A_CP_SIZE)
            continue;
        bool ratio =
            x->kind == A_VBUSY || x->kind == A_VBP || x->kind == A_BUSY_MAX || x->kind == A_BP_MAX;
        size_t n = acc_points(b, x, ratio ? 1.0 / 1000.0 : 1.0, t, v);
        if (n == 0)
            continue;
        if (x->kind == A_JM_HEAP) {
            const struct cluster *c = &app->clusters[x->ci];
            if (c->name)
                changed |= ring_backfill(prom_source_jm_ring(b->src, c->name, app->history_len),
                                         t, v, n, b->step_ms) > 0;
            continue;
        }
        if (x->kind == A_HEAP) {
            struct cluster *c = &app->clusters[x->ci];
            for (size_t k = 0; k < c->taskmanagers.len; k++) {
                struct taskmanager *tm = &c->taskmanagers.items[k];
                if (tm->id && strcmp(tm->id, x->id) == 0 && tm->heap_used.cap > 0 &&
                    ring_backfill(&tm->heap_used, t, v, n, b->step_ms) > 0) {
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
        if (r && history_backfill(h, r, t, v, n, b->step_ms) > 0) {
            h->backfilled |= flag;
            changed = true;
        }
    }
    for (size_t i = 0; i < a.len; i++)
        free(a.items[i].v);
    free(a.items);
    free(t);
    free(v);
    return changed;
}

bool prom_backfill_step(struct prom_backfill *b, struct app *app) {
    if (b == NULL || b->pending > 0)
        return false;
    bool changed = false;
    if (b->ready) {
        if (b->failed) { /* ask again once Prometheus has answered a round since */
            b->failed_ms = clock_wall_ms();
            for (size_t i = 0; i < b->n_targets; i++) {
                char key[256];
                snprintf(key, sizeof key, b->targets[i].tm ? "%s\x1f\x1f%s" : "%s\x1f%s",
                         b->targets[i].cluster, b->targets[i].id);
                strmap_del(&b->seen, key);
            }
        }
        /* what answered goes in even when another family failed */
        changed = apply(b, app);
        batch_free(b);
    }
    /* from the start, beside Prometheus's first round (not after it: a job opened at
     * once would show its own points first); after a failure, once a round answered */
    const struct source *st = prom_source_state(b->src);
    if (b->failed_ms == 0 ? st->state != SOURCE_ERROR : st->last_ok_ms > b->failed_ms)
        start_batch(b, app);
    return changed;
}
