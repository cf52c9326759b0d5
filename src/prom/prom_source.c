#include "prom_source.h"

#include <curl/curl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "alerts.h"
#include "history.h"
#include "job_detail.h"
#include "model.h"
#include "prom_backfill.h"
#include "xalloc.h"

#define GROUP_DEFAULT "namespace, pod, cluster"

/* Which series name gives which figure; how figures of several series of a job combine. */
static const struct {
    const char *name;
    enum prom_metric m;
} series_names[] = {
    {"flink_jobmanager_job_lastCheckpointCompletedTimestamp", PROM_M_CHECKPOINT_TS},
    {"flink_jobmanager_job_lastCheckpointDuration", PROM_M_CHECKPOINT_DURATION},
    {"flink_jobmanager_job_lastCheckpointSize", PROM_M_CHECKPOINT_SIZE},
    {"flink_jobmanager_job_numberOfFailedCheckpoints", PROM_M_CHECKPOINTS_FAILED},
    {"flink_jobmanager_job_numRestarts", PROM_M_RESTARTS},
    {"flink_taskmanager_job_task_backPressuredTimeMsPerSecond", PROM_M_BACKPRESSURED_MAX},
    {"flink_taskmanager_job_task_busyTimeMsPerSecond", PROM_M_BUSY_MAX},
    {"flink_taskmanager_job_task_numRecordsOutPerSecond", PROM_M_RECORDS_IN},
    {"flink_taskmanager_job_task_numRecordsInPerSecond", PROM_M_RECORDS_OUT},
    {"flink_taskmanager_job_task_operator_pendingRecords", PROM_M_PENDING_RECORDS},
    {"flink_taskmanager_job_task_operator_KafkaConsumer_records_lag_max", PROM_M_LAG_MAX},
    {"flink_taskmanager_job_task_operator_KafkaSourceReader_KafkaConsumer_records_lag_max",
     PROM_M_LAG_MAX},
};

/* The JobManager's heap: no job_id, so rows of job "" with these kinds (past the job
 * metrics: a job lookup never meets them). */
#define ROW_JM_HEAP_USED ((enum prom_metric)PROM_M_COUNT)
#define ROW_JM_HEAP_MAX ((enum prom_metric)(PROM_M_COUNT + 1))
static const char jm_heap_used[] = "flink_jobmanager_Status_JVM_Memory_Heap_Used";
static const char jm_heap_max[] = "flink_jobmanager_Status_JVM_Memory_Heap_Max";

static bool metric_sums(enum prom_metric m) {
    return m == PROM_M_RECORDS_IN || m == PROM_M_RECORDS_OUT || m == PROM_M_PENDING_RECORDS;
}

double prom_job_health_lag(const struct prom_job_health *h) {
    return !isnan(h->v[PROM_M_PENDING_RECORDS]) ? h->v[PROM_M_PENDING_RECORDS]
                                                : h->v[PROM_M_LAG_MAX];
}

/* One series of a query answer, reduced to what matching and figures need. */
struct row {
    char job_id[33];
    enum prom_metric m;
    double v;
    int64_t t_ms;
    char *ns, *pod, *cluster; /* owned; NULL when the series has no such label */
};

enum req_kind { REQ_JOB, REQ_TASK, REQ_RATE, REQ_ALERTS, REQ_RULES };

struct req {
    struct prom_source *p;
    enum req_kind kind;
};

struct prom_source {
    struct http *http;
    struct app *app;         /* borrowed, NULL: the cover and live points are not written */
    struct prom_cover cover; /* the jobs the last good round named (prom_cover.h) */
    size_t cover_clusters;   /* app->n_clusters when the cover was made */
    char *url;
    char *cluster_label;
    long timeout_ms;
    const struct http_tls *tls; /* borrowed */
    struct source state;
    bool changed;
    int pending; /* requests of the round still out */
    struct req reqs[PROM_SOURCE_QUERIES];
    /* the round being gathered */
    struct row *next;
    size_t n_next, cap_next;
    bool next_failed;
    bool next_void; /* asked before the cluster label changed: dropped when it ends */
    char next_error[160];
    /* the last good round: rows sorted by job_id */
    struct row *rows;
    size_t n_rows;
    struct prom_alert_list alerts; /* firing ones only */
    struct prom_backfill *bf;      /* owned: history from before launch */
    /* the alerting rules (/api/v1/rules): asked with the first round, then every
     * RULES_EVERY rounds; kept until a good answer replaces them */
    struct prom_rule_list rules;
    struct req rules_req;
    bool rules_pending;
    int rules_wait; /* rounds until the next ask */
    /* each cluster's JobManager heap history (by cluster name): backfilled, then a point
     * a round */
    struct jm_ring *jm;
    size_t n_jm;
    bool jm_fresh; /* a round ended: its JobManager heaps go into the rings */
};

struct jm_ring {
    char *cluster; /* owned */
    struct ring r;
};

#define RULES_EVERY 30

static void rows_free(struct row *r, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(r[i].ns);
        free(r[i].pod);
        free(r[i].cluster);
    }
    free(r);
}

struct prom_source *prom_source_new(struct http *http, const struct prom_source_options *o) {
    struct prom_source *p = xcalloc(1, sizeof *p);
    p->http = http;
    p->url = xstrdup(o->url);
    p->cluster_label = o->cluster_label ? xstrdup(o->cluster_label) : NULL;
    p->timeout_ms = o->timeout_ms;
    p->tls = o->tls;
    p->app = o->app;
    p->state.state = SOURCE_PENDING;
    prom_cover_init(&p->cover);
    prom_cover_clear(&p->cover, clock_wall_ms()); /* the board waits a refresh for it */
    for (int i = 0; i < PROM_SOURCE_QUERIES; i++) {
        p->reqs[i].p = p;
        p->reqs[i].kind = (enum req_kind)i;
    }
    p->bf = prom_backfill_new(p);
    p->rules_req.p = p;
    p->rules_req.kind = REQ_RULES;
    return p;
}

void prom_source_free(struct prom_source *p) {
    if (p == NULL)
        return;
    rows_free(p->next, p->n_next);
    rows_free(p->rows, p->n_rows);
    prom_alert_list_free(&p->alerts);
    prom_cover_free(&p->cover);
    prom_backfill_free(p->bf);
    prom_rule_list_free(&p->rules);
    for (size_t i = 0; i < p->n_jm; i++) {
        free(p->jm[i].cluster);
        ring_free(&p->jm[i].r);
    }
    free(p->jm);
    free(p->url);
    free(p->cluster_label);
    free(p);
}

const char *prom_source_url(const struct prom_source *p) { return p->url; }
const struct source *prom_source_state(const struct prom_source *p) { return &p->state; }

bool prom_source_busy(const struct prom_source *p) { return p->pending > 0 || p->rules_pending; }

bool prom_source_take_changed(struct prom_source *p) {
    bool c = p->changed;
    p->changed = false;
    return c;
}

const char *prom_source_status(const struct prom_source *p, int64_t now_ms, int refresh_ms) {
    switch (p->state.state) {
    case SOURCE_PENDING:
        return "pending";
    case SOURCE_ERROR:
        return "error";
    default:
        break;
    }
    if (refresh_ms > 0 && now_ms - p->state.last_ok_ms > 3 * (int64_t)refresh_ms)
        return "stale";
    return "ok";
}

/* ---- the round -------------------------------------------------------------------- */

static int cmp_row(const void *a, const void *b) {
    return strcmp(((const struct row *)a)->job_id, ((const struct row *)b)->job_id);
}

static void add_rows(struct prom_source *p, const struct prom_result *r) {
    const char *cl = p->cluster_label;
    for (size_t i = 0; i < r->n_series; i++) {
        const struct prom_series *s = &r->series[i];
        if (s->n_samples == 0)
            continue;
        const char *name = prom_label_get(s->labels, s->n_labels, "__name__");
        const char *jid = prom_label_get(s->labels, s->n_labels, "job_id");
        if (name == NULL)
            continue;
        bool jm_used = strcmp(name, jm_heap_used) == 0, jm_max = strcmp(name, jm_heap_max) == 0;
        size_t k = 0, nk = sizeof series_names / sizeof series_names[0];
        if (!jm_used && !jm_max) {
            if (jid == NULL || strlen(jid) != 32)
                continue;
            while (k < nk && strcmp(series_names[k].name, name) != 0)
                k++;
            if (k == nk)
                continue;
        }
        if (p->n_next == p->cap_next) {
            p->cap_next = p->cap_next ? p->cap_next * 2 : 64;
            p->next = xrealloc(p->next, p->cap_next * sizeof *p->next);
        }
        struct row *w = &p->next[p->n_next++];
        memset(w, 0, sizeof *w);
        snprintf(w->job_id, sizeof w->job_id, "%s", jm_used || jm_max ? "" : jid);
        w->m = jm_used ? ROW_JM_HEAP_USED : jm_max ? ROW_JM_HEAP_MAX : series_names[k].m;
        w->v = s->samples[0].v;
        w->t_ms = s->samples[0].t_ms;
        const char *ns = cl ? NULL : prom_label_get(s->labels, s->n_labels, "namespace");
        const char *pod = cl ? NULL : prom_label_get(s->labels, s->n_labels, "pod");
        const char *c = prom_label_get(s->labels, s->n_labels, cl ? cl : "cluster");
        w->ns = ns ? xstrdup(ns) : NULL;
        w->pod = pod ? xstrdup(pod) : NULL;
        w->cluster = c ? xstrdup(c) : NULL;
    }
}

/* Keep the firing alerts of l (moved into p); the pending ones are freed. */
static void keep_firing(struct prom_source *p, struct prom_alert_list *l) {
    prom_alert_list_free(&p->alerts);
    size_t k = 0;
    for (size_t i = 0; i < l->len; i++) {
        struct prom_alert *a = &l->items[i];
        if (a->firing) {
            l->items[k++] = *a;
            continue;
        }
        for (size_t j = 0; j < a->n_labels; j++) {
            free(a->labels[j].name);
            free(a->labels[j].value);
        }
        free(a->labels);
        free(a->summary);
    }
    l->len = k;
    p->alerts = *l;
    memset(l, 0, sizeof *l);
}

static void write_model(struct prom_source *p);
static void make_cover(struct prom_source *p, int64_t answered_ms);

static void round_done(struct prom_source *p) {
    if (p->next_void) { /* grouped by the old label: the next round asks by the new one */
        p->next_void = false;
        rows_free(p->next, p->n_next);
        p->next = NULL;
        p->n_next = p->cap_next = 0;
        p->changed = true;
        return;
    }
    p->state.last_try_ms = clock_wall_ms();
    if (p->next_failed) {
        p->state.state = SOURCE_ERROR;
        snprintf(p->state.error, sizeof p->state.error, "%s", p->next_error);
        rows_free(p->next, p->n_next);
        prom_cover_clear(&p->cover, 0); /* failing: REST answers for every job at once */
    } else {
        if (p->n_next > 1) /* qsort's base must not be NULL, even for no rows */
            qsort(p->next, p->n_next, sizeof *p->next, cmp_row);
        rows_free(p->rows, p->n_rows);
        p->rows = p->next;
        p->n_rows = p->n_next;
        p->state.state = SOURCE_OK;
        p->state.last_ok_ms = p->state.last_try_ms;
        p->state.error[0] = '\0';
        p->jm_fresh = true;
        write_model(p);
    }
    p->next = NULL;
    p->n_next = p->cap_next = 0;
    p->changed = true;
}

/* Every answer goes through the source interface (prom_source_ops.on_response). */
static void on_done(void *arg, const struct http_response *resp) {
    prom_source_ops.on_response(((struct req *)arg)->p, arg, resp);
}

/* One answer of a round's queries. */
static void round_answer(struct req *q, const struct http_response *resp) {
    struct prom_source *p = q->p;
    char err[200] = "";
    enum prom_api_status st;
    static const char *const what[] = {"job gauges", "task maxima", "throughput", "alerts"};
    /* A 2xx whose body then failed (too big, cut, timed out) is the transfer's error,
     * not a parse of what arrived. */
    if (resp->outcome == HTTP_FAILED &&
        (resp->status == 0 || (resp->status >= 200 && resp->status < 300))) {
        snprintf(err, sizeof err, "%s", resp->error);
        st = PROM_API_ERROR;
    } else if (q->kind == REQ_ALERTS) {
        struct prom_alert_list l;
        st = prom_api_parse_alerts(resp->body, resp->len, resp->status, &l, err, sizeof err);
        if (st == PROM_API_OK)
            keep_firing(p, &l);
    } else {
        struct prom_result r;
        st = prom_api_parse_query(resp->body, resp->len, resp->status, &r, err, sizeof err);
        if (st == PROM_API_OK && r.type != PROM_RESULT_VECTOR) {
            snprintf(err, sizeof err, "expected a vector");
            st = PROM_API_SHAPE;
        }
        if (st == PROM_API_OK)
            add_rows(p, &r);
        if (st == PROM_API_OK)
            prom_result_free(&r);
    }
    if (st != PROM_API_OK && !p->next_failed) {
        p->next_failed = true;
        snprintf(p->next_error, sizeof p->next_error, "%s: %.140s", what[q->kind], err);
    }
    if (--p->pending == 0)
        round_done(p);
}

/* The URL of the instant query AGG by (__name__, job_id, GROUP) (SELECTOR). */
static char *query_url(const struct prom_source *p, const char *agg, const char *group,
                       const char *selector) {
    char *q = xasprintf("%s by (__name__, job_id, %s) (%s)", agg, group, selector);
    char *esc = curl_easy_escape(NULL, q, 0);
    char *url = xasprintf("%s/api/v1/query?query=%s", p->url, esc ? esc : "");
    curl_free(esc);
    free(q);
    return url;
}

/* The answer of /api/v1/rules. */
static void rules_answer(struct prom_source *p, const struct http_response *resp) {
    p->rules_pending = false;
    if (resp->outcome == HTTP_FAILED && resp->status == 0)
        return; /* the round's own requests say what is wrong */
    char err[200];
    struct prom_rule_list l;
    if (prom_api_parse_rules(resp->body, resp->len, resp->status, &l, err, sizeof err) !=
        PROM_API_OK)
        return;
    prom_rule_list_free(&p->rules);
    p->rules = l;
    p->changed = true;
}

static void on_rules(void *arg, const struct http_response *resp) {
    prom_source_ops.on_response(((struct req *)arg)->p, arg, resp);
}

/* The rules' `for` and expressions change with a deploy, not a refresh: now and then. */
static void ask_rules(struct prom_source *p) {
    if (p->rules_pending || p->rules_wait-- > 0)
        return;
    p->rules_wait = RULES_EVERY;
    char *url = xasprintf("%s/api/v1/rules?type=alert", p->url);
    struct http_request hr = {0};
    hr.url = url;
    hr.tls = p->tls;
    hr.timeout_ms = p->timeout_ms;
    hr.done = on_rules;
    hr.arg = &p->rules_req;
    hr.priority = HTTP_PRIO_BACKGROUND;
    p->rules_pending = http_submit(p->http, &hr) == 0;
    free(url);
}

void prom_source_round(struct prom_source *p) {
    if (p->pending > 0)
        return;
    ask_rules(p);
    const char *group = p->cluster_label ? p->cluster_label : GROUP_DEFAULT;
    char *urls[PROM_SOURCE_QUERIES];
    urls[REQ_JOB] = query_url(p, "max", group,
                              "{__name__=~\"flink_jobmanager_job_(lastCheckpointCompletedTimestamp|"
                              "lastCheckpointDuration|lastCheckpointSize|numberOfFailedCheckpoints|"
                              "numRestarts)|flink_jobmanager_Status_JVM_Memory_Heap_(Used|Max)\"}");
    urls[REQ_TASK] =
        query_url(p, "max", group,
                  "{__name__=~\"flink_taskmanager_job_task_(backPressuredTimeMsPerSecond|"
                  "busyTimeMsPerSecond|operator_KafkaConsumer_records_lag_max|"
                  "operator_KafkaSourceReader_KafkaConsumer_records_lag_max)\"}");
    urls[REQ_RATE] =
        query_url(p, "sum", group,
                  "flink_taskmanager_job_task_numRecordsOutPerSecond{task_name=~\"Source:.*\"} or "
                  "flink_taskmanager_job_task_numRecordsInPerSecond{task_name=~\".*Sink:.*\"} or "
                  "flink_taskmanager_job_task_operator_pendingRecords");
    urls[REQ_ALERTS] = xasprintf("%s/api/v1/alerts", p->url);
    p->next_failed = false;
    p->next_error[0] = '\0';
    p->pending = PROM_SOURCE_QUERIES; /* before any submit: a callback may not end the round */
    for (int i = 0; i < PROM_SOURCE_QUERIES; i++) {
        struct http_request hr = {0};
        hr.url = urls[i];
        hr.tls = p->tls;
        hr.timeout_ms = p->timeout_ms;
        hr.done = on_done;
        hr.arg = &p->reqs[i];
        /* what the board shows of the whole fleet, a fixed handful a refresh: never held
         * for the budget (behind a service proxy it is the API server's, and a big
         * fleet's per-cluster summaries alone spend it: a round waited half a minute) */
        hr.priority = HTTP_PRIO_VIEW;
        if (http_submit(p->http, &hr) != 0) {
            if (!p->next_failed) {
                p->next_failed = true;
                snprintf(p->next_error, sizeof p->next_error, "bad Prometheus URL %s", p->url);
            }
            if (--p->pending == 0)
                round_done(p);
        }
        free(urls[i]);
    }
}

/* ---- matching --------------------------------------------------------------------- */

/* The cluster found through Kubernetes whose FlinkDeployment owns pod in ns (longest name
 * wins), or SIZE_MAX. */
static size_t pod_owner(const struct app *app, const char *ns, const char *pod) {
    size_t best = SIZE_MAX, best_len = 0;
    for (size_t i = 0; i < app->n_clusters; i++) {
        const struct cluster_k8s *k = &app->clusters[i].k8s;
        if (k->namespace == NULL || k->name == NULL || k->gone || strcmp(k->namespace, ns) != 0)
            continue;
        size_t n = strlen(k->name);
        if (strncmp(pod, k->name, n) == 0 && pod[n] == '-' && n > best_len) {
            best = i;
            best_len = n;
        }
    }
    return best;
}

/* Whether a series with these labels belongs to cluster ci; loose: when no label can say,
 * any cluster (job_id decides). */
static bool in_cluster(const struct prom_source *p, const struct app *app, size_t ci,
                       const char *ns, const char *pod, const char *cluster, bool loose) {
    const struct cluster *c = &app->clusters[ci];
    if (p->cluster_label)
        return cluster != NULL && strcmp(cluster, c->name) == 0;
    if (ns && pod && c->k8s.namespace && c->k8s.name)
        return pod_owner(app, ns, pod) == ci;
    if (cluster)
        return strcmp(cluster, c->name) == 0;
    /* nothing says which cluster (a --flink cluster, a series without a cluster label):
     * the job id alone decides */
    return loose;
}

size_t prom_source_match_cluster(const struct prom_source *p, const struct app *app,
                                 const struct prom_label *labels, size_t n) {
    const char *ns = p->cluster_label ? NULL : prom_label_get(labels, n, "namespace");
    const char *pod = p->cluster_label ? NULL : prom_label_get(labels, n, "pod");
    const char *cl = prom_label_get(labels, n, p->cluster_label ? p->cluster_label : "cluster");
    if (ns && pod) {
        size_t o = pod_owner(app, ns, pod);
        if (o != SIZE_MAX)
            return o;
    }
    for (size_t i = 0; i < app->n_clusters; i++)
        if (!app->clusters[i].k8s.gone && in_cluster(p, app, i, ns, pod, cl, false))
            return i;
    return SIZE_MAX;
}

bool prom_source_labels_in_cluster(const struct prom_source *p, const struct app *app, size_t ci,
                                   const struct prom_label *labels, size_t n) {
    const char *ns = p->cluster_label ? NULL : prom_label_get(labels, n, "namespace");
    const char *pod = p->cluster_label ? NULL : prom_label_get(labels, n, "pod");
    const char *cl = prom_label_get(labels, n, p->cluster_label ? p->cluster_label : "cluster");
    return ci < app->n_clusters && in_cluster(p, app, ci, ns, pod, cl, true);
}

const char *prom_source_cluster_label(const struct prom_source *p) { return p->cluster_label; }

long prom_source_timeout_ms(const struct prom_source *p) { return p->timeout_ms; }

struct http *prom_source_http(const struct prom_source *p) {
    return p->http;
}

const struct http_tls *prom_source_tls(const struct prom_source *p) { return p->tls; }

void prom_source_set_target(struct prom_source *p, const char *url, const struct http_tls *tls) {
    free(p->url);
    p->url = xstrdup(url);
    p->tls = tls;
    p->state.state = SOURCE_PENDING;
    prom_cover_clear(&p->cover, clock_wall_ms()); /* not ok until the new one answers */
    p->state.error[0] = '\0';
    p->rules_wait = 0; /* the new one's rules with its first round */
    p->changed = true;
}

bool prom_source_job(const struct prom_source *p, const struct app *app, size_t ci,
                     const char *job_id, struct prom_job_health *out) {
    for (int m = 0; m < PROM_M_COUNT; m++)
        out->v[m] = NAN;
    out->checkpoint_age_s = NAN;
    out->sample_ms = 0;
    if (p == NULL || job_id == NULL || job_id[0] == '\0' || p->n_rows == 0 || ci >= app->n_clusters)
        return false;
    struct row key;
    snprintf(key.job_id, sizeof key.job_id, "%s", job_id);
    const struct row *hit = bsearch(&key, p->rows, p->n_rows, sizeof *p->rows, cmp_row);
    if (hit == NULL)
        return false;
    size_t lo = (size_t)(hit - p->rows), hi = lo + 1;
    while (lo > 0 && strcmp(p->rows[lo - 1].job_id, job_id) == 0)
        lo--;
    while (hi < p->n_rows && strcmp(p->rows[hi].job_id, job_id) == 0)
        hi++;
    bool any = false;
    int64_t cp_t = 0;
    for (size_t i = lo; i < hi; i++) {
        const struct row *r = &p->rows[i];
        if (!in_cluster(p, app, ci, r->ns, r->pod, r->cluster, true))
            continue;
        any = true;
        double *v = &out->v[r->m];
        if (isnan(*v))
            *v = r->v;
        else if (metric_sums(r->m))
            *v += r->v;
        else if (r->v > *v)
            *v = r->v;
        if (r->m == PROM_M_CHECKPOINT_TS && r->v == *v)
            cp_t = r->t_ms;
        if (r->t_ms > out->sample_ms)
            out->sample_ms = r->t_ms;
    }
    /* A gauge of a job without a completed checkpoint is -1 (or the reporter's 0). */
    double ts = out->v[PROM_M_CHECKPOINT_TS];
    if (!isnan(ts) && ts > 0 && cp_t > 0)
        out->checkpoint_age_s = (double)(cp_t - (int64_t)ts) / 1000.0;
    if (!isnan(out->v[PROM_M_CHECKPOINT_DURATION]) && out->v[PROM_M_CHECKPOINT_DURATION] < 0)
        out->v[PROM_M_CHECKPOINT_DURATION] = NAN;
    if (!isnan(out->v[PROM_M_CHECKPOINT_SIZE]) && out->v[PROM_M_CHECKPOINT_SIZE] < 0)
        out->v[PROM_M_CHECKPOINT_SIZE] = NAN;
    if (!isnan(ts) && ts <= 0)
        out->v[PROM_M_CHECKPOINT_TS] = NAN;
    return any;
}

size_t prom_source_alert_count(const struct prom_source *p) { return p ? p->alerts.len : 0; }

const struct prom_alert *prom_source_alert(const struct prom_source *p, size_t i) {
    return p && i < p->alerts.len ? &p->alerts.items[i] : NULL;
}

bool prom_source_jobmanager_heap(const struct prom_source *p, const struct app *app, size_t ci,
                                 double *used, double *max, int64_t *t_ms) {
    *used = *max = NAN;
    *t_ms = 0;
    if (p == NULL || app == NULL || ci >= app->n_clusters)
        return false;
    bool any = false;
    /* the JobManager rows have job "": sorted first */
    for (size_t i = 0; i < p->n_rows && p->rows[i].job_id[0] == '\0'; i++) {
        const struct row *r = &p->rows[i];
        if ((r->m != ROW_JM_HEAP_USED && r->m != ROW_JM_HEAP_MAX) ||
            !in_cluster(p, app, ci, r->ns, r->pod, r->cluster, app->n_clusters == 1))
            continue;
        double *v = r->m == ROW_JM_HEAP_USED ? used : max;
        if (isnan(*v) || r->v > *v) /* HA: the leader and its standbys, the largest */
            *v = r->v;
        if (r->m == ROW_JM_HEAP_USED && r->t_ms > *t_ms)
            *t_ms = r->t_ms;
        any = true;
    }
    return any;
}

const struct ring *prom_source_jobmanager_heap_ring(const struct prom_source *p,
                                                    const char *cluster) {
    for (size_t i = 0; p && cluster && i < p->n_jm; i++)
        if (strcmp(p->jm[i].cluster, cluster) == 0)
            return &p->jm[i].r;
    return NULL;
}

struct ring *prom_source_jm_ring(struct prom_source *p, const char *cluster, size_t len) {
    for (size_t i = 0; i < p->n_jm; i++)
        if (strcmp(p->jm[i].cluster, cluster) == 0)
            return &p->jm[i].r;
    p->jm = xrealloc(p->jm, (p->n_jm + 1) * sizeof *p->jm);
    struct jm_ring *j = &p->jm[p->n_jm++];
    j->cluster = xstrdup(cluster);
    ring_init(&j->r, len ? len : 450);
    return &j->r;
}

/* A round's JobManager heaps, one point each at Prometheus's sample time. */
static bool push_jm_heaps(struct prom_source *p, const struct app *app) {
    if (!p->jm_fresh)
        return false;
    p->jm_fresh = false;
    bool changed = false;
    for (size_t ci = 0; ci < app->n_clusters; ci++) {
        const struct cluster *c = &app->clusters[ci];
        double used, max;
        int64_t t;
        if (c->name == NULL || c->k8s.gone ||
            !prom_source_jobmanager_heap(p, app, ci, &used, &max, &t) || isnan(used) || t <= 0)
            continue;
        struct ring *r = prom_source_jm_ring(p, c->name, app->history_len);
        if (t > ring_last_time(r)) {
            ring_push_at(r, t, used);
            changed = true;
        }
    }
    return changed;
}

bool prom_source_backfill(struct prom_source *p, struct app *app) {
    if (p == NULL)
        return false;
    /* clusters found since the last round (Kubernetes lists them after Prometheus may
     * have answered): the same answer matched again, so their jobs are covered now */
    if (p->app && p->cover.answered_ms > 0 && p->app->n_clusters != p->cover_clusters)
        make_cover(p, p->cover.answered_ms);
    bool changed = prom_backfill_step(p->bf, app);
    return push_jm_heaps(p, app) || changed;
}

bool prom_source_backfill_busy(const struct prom_source *p) {
    return p && prom_backfill_busy(p->bf);
}

bool prom_source_tm_heap_backfilled(const struct prom_source *p, const char *cluster,
                                    const char *tm_id) {
    return p && prom_backfill_tm_filled(p->bf, cluster, tm_id);
}

size_t prom_source_backfill_queries(const struct prom_source *p) {
    return p ? prom_backfill_queries(p->bf) : 0;
}

const struct prom_rule *prom_source_rule(const struct prom_source *p, const char *name) {
    return p ? prom_rule_find(&p->rules, name) : NULL;
}

size_t prom_source_alert_target(const struct prom_source *p, const struct app *app,
                                const struct prom_alert *a, const struct job **job) {
    const char *jid = prom_label_get(a->labels, a->n_labels, "job_id");
    size_t ci = prom_source_match_cluster(p, app, a->labels, a->n_labels);
    const struct job *j = NULL;
    if (ci < app->n_clusters && jid) {
        j = cluster_job_by_id(&app->clusters[ci], jid);
    } else if (jid) { /* no cluster label matched: the one cluster running that id */
        for (size_t k = 0; k < app->n_clusters; k++) {
            const struct job *x =
                app->clusters[k].k8s.gone ? NULL : cluster_job_by_id(&app->clusters[k], jid);
            if (x && j) { /* two of them (application mode's 000...0): neither */
                j = NULL;
                ci = SIZE_MAX;
                break;
            }
            if (x) {
                j = x;
                ci = k;
            }
        }
    }
    *job = j;
    return ci;
}

static enum alert_severity severity_of(const char *s) {
    if (s && strcmp(s, "critical") == 0)
        return ALERT_SEV_CRITICAL;
    if (s && strcmp(s, "warning") == 0)
        return ALERT_SEV_WARNING;
    return ALERT_SEV_INFO;
}

void prom_source_feed_alerts(const struct prom_source *p, const struct app *app,
                             struct alerts *engine) {
    size_t n = p ? p->alerts.len : 0;
    struct alert *items = n ? xcalloc(n, sizeof *items) : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct prom_alert *a = &p->alerts.items[i];
        const struct job *j = NULL;
        size_t ci = prom_source_alert_target(p, app, a, &j);
        const char *name = prom_label_get(a->labels, a->n_labels, "alertname");
        const char *jid = prom_label_get(a->labels, a->n_labels, "job_id");
        struct alert *x = &items[i];
        x->origin = "prometheus";
        x->rule = xstrdup(name); /* alerts_set_external copies: freed below */
        x->severity = severity_of(prom_label_get(a->labels, a->n_labels, "severity"));
        x->cluster = xstrdup(ci < app->n_clusters ? app->clusters[ci].name : NULL);
        x->job_id = xstrdup(jid);
        /* the job's own name: the label's is filtered (fraud_detection) */
        x->job =
            xstrdup(j && j->name ? j->name : prom_label_get(a->labels, a->n_labels, "job_name"));
        x->scope = jid ? ALERT_SCOPE_JOB : ALERT_SCOPE_CLUSTER;
        x->message = xstrdup(a->summary);
        x->fired_ms = a->active_ms > 0 ? a->active_ms : 0;
        x->since_ms = x->fired_ms;
        x->value = a->value;
        x->threshold = NAN;
        const struct prom_rule *r = prom_rule_find(&p->rules, name);
        if (r) {
            char span[24] = "?";
            if (!isnan(r->for_s))
                snprintf(span, sizeof span, "%.0fs", r->for_s);
            x->detail = xasprintf("Prometheus rule, for %s: %s", span, r->expr ? r->expr : "?");
        }
        x->key = xasprintf("%s/%s", x->cluster ? x->cluster : "", jid ? jid : "");
    }
    alerts_set_external(engine, items, n);
    for (size_t i = 0; i < n; i++) {
        free(items[i].rule);
        free(items[i].cluster);
        free(items[i].job_id);
        free(items[i].job);
        free(items[i].message);
        free(items[i].detail);
        free(items[i].key);
    }
    free(items);
}

/* ---- what a good round writes into the model ---------------------------------------- */

/* The cluster(s) row r's figures go to, as prom_source_job matches them, into the cover. */
static void cover_row(struct prom_source *p, const struct app *app, const struct row *r) {
    if (p->cluster_label) {
        int ci = app_cluster_by_name(app, r->cluster);
        if (ci >= 0)
            prom_cover_add(&p->cover, (size_t)ci, r->job_id);
        return;
    }
    bool named = false;
    if (r->ns && r->pod) {
        size_t o = pod_owner(app, r->ns, r->pod);
        if (o != SIZE_MAX) {
            prom_cover_add(&p->cover, o, r->job_id);
            named = true;
        }
    }
    if (r->cluster) { /* a --flink cluster of that name */
        int ci = app_cluster_by_name(app, r->cluster);
        if (ci >= 0 && app->clusters[ci].k8s.name == NULL)
            prom_cover_add(&p->cover, (size_t)ci, r->job_id);
    } else if (!named) {
        prom_cover_add(&p->cover, SIZE_MAX, r->job_id); /* nothing says: the id decides */
    }
}

static bool same_place(const struct row *a, const struct row *b) {
    return strcmp(a->job_id, b->job_id) == 0 && (a->ns == NULL) == (b->ns == NULL) &&
           (a->ns == NULL || strcmp(a->ns, b->ns) == 0) && (a->pod == NULL) == (b->pod == NULL) &&
           (a->pod == NULL || strcmp(a->pod, b->pod) == 0) &&
           (a->cluster == NULL) == (b->cluster == NULL) &&
           (a->cluster == NULL || strcmp(a->cluster, b->cluster) == 0);
}

/* A job Prometheus covers has no REST refresh for its board figures: its history takes
 * Prometheus's point each round (its details are made, empty, so backfill and these
 * points have rings to go to). The job on screen's fresher REST points win. */
static void push_live(struct prom_source *p, struct app *app) {
    int64_t now = clock_wall_ms();
    int refresh = app->refresh_ms > 0 ? app->refresh_ms : 2000;
    for (size_t ci = 0; ci < app->n_clusters; ci++) {
        struct cluster *c = &app->clusters[ci];
        if (!cluster_in_scope(c))
            continue;
        for (size_t k = 0; k < c->jobs.len; k++) {
            struct job *j = &c->jobs.items[k];
            struct prom_job_health h;
            if (!prom_cover_job(&p->cover, ci, j->id, now, refresh) ||
                !prom_source_job(p, app, ci, j->id, &h) || h.sample_ms <= 0)
                continue;
            if (j->detail == NULL)
                j->detail = job_detail_new(app->history_len ? app->history_len : 450);
            if (j->detail->metrics_ms >= h.sample_ms - refresh)
                continue; /* REST refreshes it (the job on screen) */
            history_record_prom(&j->detail->history, h.sample_ms, h.v[PROM_M_RECORDS_IN],
                                h.v[PROM_M_RECORDS_OUT], h.v[PROM_M_BACKPRESSURED_MAX] / 1000.0,
                                h.v[PROM_M_BUSY_MAX] / 1000.0, refresh);
        }
    }
}

/* A good round: the jobs it named into the cover; their live points into history. Only
 * the Prometheus the app uses writes (a removed one's last round lands in its own cover). */
static void make_cover(struct prom_source *p, int64_t answered_ms) {
    struct app *app = p->app;
    prom_cover_begin(&p->cover);
    for (size_t i = 0; app && i < p->n_rows; i++) {
        const struct row *r = &p->rows[i];
        if (r->job_id[0] == '\0' || (i > 0 && same_place(r, &p->rows[i - 1])))
            continue;
        cover_row(p, app, r);
    }
    prom_cover_commit(&p->cover, answered_ms);
    p->cover_clusters = app ? app->n_clusters : 0;
}

static void write_model(struct prom_source *p) {
    make_cover(p, p->state.last_ok_ms);
    if (p->app && p->app->prom == p)
        push_live(p, p->app);
}

const struct prom_cover *prom_source_cover(const struct prom_source *p) {
    return p ? &p->cover : NULL;
}

void prom_source_set_cluster_label(struct prom_source *p, const char *label) {
    if ((label == NULL && p->cluster_label == NULL) ||
        (label && p->cluster_label && strcmp(label, p->cluster_label) == 0))
        return;
    free(p->cluster_label);
    p->cluster_label = label ? xstrdup(label) : NULL;
    /* the rows were matched by the old label: gone, REST answers until the next round */
    rows_free(p->rows, p->n_rows);
    p->rows = NULL;
    p->n_rows = 0;
    prom_cover_clear(&p->cover, clock_wall_ms());
    p->state.state = SOURCE_PENDING;
    p->next_void = p->pending > 0;
    p->changed = true;
}

/* ---- the source interface ------------------------------------------------------------ */

static void ops_round(void *self, const struct source_focus *focus) {
    (void)focus; /* its queries are fleet-wide: nothing depends on the screen */
    prom_source_round(self);
}

static void ops_response(void *self, void *request, const struct http_response *resp) {
    struct req *q = request;
    (void)self; /* the request knows its source */
    if (q->kind == REQ_RULES)
        rules_answer(q->p, resp);
    else
        round_answer(q, resp);
}

static bool ops_take_changed(void *self) { return prom_source_take_changed(self); }
static bool ops_busy(const void *self) { return prom_source_busy(self); }
static void ops_free(void *self) { prom_source_free(self); }

const struct source_ops prom_source_ops = {"prometheus",     ops_round, ops_response,
                                           ops_take_changed, ops_busy,  ops_free};

struct data_source prom_source_data_source(struct prom_source *p) {
    return (struct data_source){&prom_source_ops, p};
}

size_t prom_source_health_count(const struct prom_source *p, const struct app *app) {
    size_t n = 0;
    for (size_t ci = 0; ci < app->n_clusters; ci++) {
        const struct cluster *c = &app->clusters[ci];
        if (!cluster_in_scope(c))
            continue;
        for (size_t k = 0; k < c->jobs.len; k++) {
            const struct job *j = &c->jobs.items[k];
            const struct job_detail *d = j->detail;
            struct prom_job_health h;
            if (d && d->metrics_ms > 0 && !isnan(d->records_in_per_s) && d->have_checkpoints)
                n++;
            else if (p && prom_source_job(p, app, ci, j->id, &h) &&
                     !isnan(h.v[PROM_M_RECORDS_IN]) && !isnan(h.v[PROM_M_BACKPRESSURED_MAX]) &&
                     !isnan(h.v[PROM_M_CHECKPOINT_TS]))
                n++;
        }
    }
    return n;
}
