#include "alert_samples.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "health.h"
#include "k8s_model.h"
#include "xalloc.h"

#define KEY_SEP "\x1f"

void alert_samples_init(struct alert_sample_set *s) { memset(s, 0, sizeof *s); }

void alert_samples_clear(struct alert_sample_set *s) {
    for (size_t i = 0; i < s->len; i++)
        free(s->items[i].key);
    s->len = 0;
}

void alert_samples_free(struct alert_sample_set *s) {
    alert_samples_clear(s);
    free(s->items);
    memset(s, 0, sizeof *s);
}

static const char *or_empty(const char *s) { return s ? s : ""; }

struct alert_sample *alert_samples_add(struct alert_sample_set *s, enum alert_scope scope,
                                       const char *cluster, const char *job_id, const char *job,
                                       const char *vertex_id, const char *vertex,
                                       const char *taskmanager, const char *pod) {
    if (s->len == s->cap) {
        s->cap = s->cap ? s->cap * 2 : 64;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    struct alert_sample *x = &s->items[s->len++];
    memset(x, 0, sizeof *x);
    x->scope = scope;
    x->cluster = cluster;
    for (int m = 0; m < ALERT_METRIC_COUNT; m++)
        x->value[m] = NAN;
    const char *c = or_empty(cluster);
    switch (scope) {
    case ALERT_SCOPE_CLUSTER:
        x->key = xstrdup(c);
        break;
    case ALERT_SCOPE_JOB:
        x->job_id = job_id;
        x->job = job;
        x->key = xasprintf("%s" KEY_SEP "%s", c, or_empty(job_id));
        break;
    case ALERT_SCOPE_VERTEX:
        x->job_id = job_id;
        x->job = job;
        x->vertex = vertex;
        x->key = xasprintf("%s" KEY_SEP "%s" KEY_SEP "%s", c, or_empty(job_id),
                           or_empty(vertex_id ? vertex_id : vertex));
        break;
    case ALERT_SCOPE_TASKMANAGER:
        x->taskmanager = taskmanager;
        x->key = xasprintf("%s" KEY_SEP "tm" KEY_SEP "%s", c, or_empty(taskmanager));
        break;
    case ALERT_SCOPE_POD:
    case ALERT_SCOPE_COUNT:
        x->pod = pod;
        x->key = xasprintf("%s" KEY_SEP "pod" KEY_SEP "%s", c, or_empty(pod));
        break;
    }
    return x;
}

/* ---- one walker a scope ---- */

/* Sources asked every refresh; /config is asked now and then and says nothing about
 * whether the cluster is reachable now. */
static const enum cluster_source polled[] = {SRC_OVERVIEW, SRC_JOBS, SRC_TASKMANAGERS};

static void walk_cluster(struct alert_sample_set *s, const struct cluster *c, int64_t now_ms) {
    (void)now_ms;
    struct alert_sample *x =
        alert_samples_add(s, ALERT_SCOPE_CLUSTER, c->name, NULL, NULL, NULL, NULL, NULL, NULL);
    size_t failed = 0;
    bool ok = false;
    for (size_t i = 0; i < sizeof polled / sizeof polled[0]; i++) {
        enum source_state st = c->sources[polled[i]].state;
        ok = ok || st == SOURCE_OK;
        failed += st == SOURCE_ERROR;
    }
    if (ok)
        x->value[ALERT_METRIC_CLUSTER_UNREACHABLE] = 0;
    else if (failed == sizeof polled / sizeof polled[0])
        x->value[ALERT_METRIC_CLUSTER_UNREACHABLE] = 1;
}

/* Seconds since the last completed checkpoint (since the job started when none has
 * completed yet); NaN when checkpoints are off or not periodic, or nothing is known. */
static double checkpoint_age_s(const struct job *j, const struct job_detail *d, int64_t now_ms) {
    if (d->have_cp_config && (!d->cp_config.enabled || d->cp_config.interval_ms <= 0 ||
                              d->cp_config.interval_ms == INT64_MAX))
        return NAN;
    int64_t since = -1;
    const struct checkpoint *last = &d->checkpoints.last_completed;
    if (d->have_checkpoints && last->id >= 0)
        since = last->ack_ts > 0 ? last->ack_ts : last->trigger_ts;
    else if (d->have_checkpoints && d->have_cp_config && j->start_time > 0)
        since = j->start_time;
    if (since <= 0 || now_ms <= 0)
        return NAN;
    return now_ms > since ? (double)(now_ms - since) / 1000.0 : 0.0;
}

static void sample_job(struct alert_sample_set *s, const struct cluster *c, const struct job *j,
                       bool fresh, int64_t now_ms) {
    const char *label = j->name ? j->name : j->id;
    struct alert_sample *x =
        alert_samples_add(s, ALERT_SCOPE_JOB, c->name, j->id, label, NULL, NULL, NULL, NULL);
    if (!fresh || j->state == JOB_UNKNOWN)
        return; /* holds every alert of the job as it is until the list answers again */
    bool running = j->state == JOB_RUNNING;
    x->value[ALERT_METRIC_JOB_FAILED] = j->state == JOB_FAILED;
    if (j->state == JOB_FAILED && j->end_time > 0)
        x->since_ms[ALERT_METRIC_JOB_FAILED] = j->end_time;
    x->value[ALERT_METRIC_JOB_RESTARTING] = j->state == JOB_RESTARTING || j->state == JOB_FAILING;
    const struct job_detail *d = j->detail;
    if (d == NULL)
        return;
    if (running)
        x->value[ALERT_METRIC_RECORDS_IN_PER_S] = d->records_in_per_s;
    if (d->have_checkpoints) {
        const struct checkpoint *last = &d->checkpoints.last_completed;
        if (running && last->id >= 0 && last->duration_ms >= 0)
            x->value[ALERT_METRIC_CHECKPOINT_DURATION_MS] = (double)last->duration_ms;
        if (d->checkpoints.failed >= 0)
            x->value[ALERT_METRIC_CHECKPOINTS_FAILED_TOTAL] = (double)d->checkpoints.failed;
    }
    if (!running)
        return;
    double age_s = checkpoint_age_s(j, d, health_cp_as_of(d, now_ms)); /* as of the data */
    x->value[ALERT_METRIC_CHECKPOINT_AGE_S] = age_s;
    int64_t cadence = health_cp_cadence_ms(d);
    if (cadence > 0 && !isnan(age_s))
        x->value[ALERT_METRIC_CHECKPOINT_MISSED_INTERVALS] = age_s * 1000.0 / (double)cadence;

    struct job_health h;
    health_eval(j, now_ms, &h);
    if (d->have_checkpoints && h.cp_failed_in_row >= 0) {
        x->value[ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW] = (double)h.cp_failed_in_row;
        /* failing since the last completed checkpoint (or the start, when none did) */
        int64_t since = h.cp_last_completed_ms > 0 ? h.cp_last_completed_ms : j->start_time;
        if (h.cp_failed_in_row > 0 && since > 0)
            x->since_ms[ALERT_METRIC_CHECKPOINT_FAILURES_IN_ROW] = since;
    }
    if (!isnan(h.bp_max)) {
        x->value[ALERT_METRIC_JOB_BACKPRESSURED_MS_PER_S] = h.bp_max * 1000.0;
        /* the backpressured vertices are the victims: name the one that cannot keep up,
         * or, when no vertex downstream is busy enough to tell, where it starts */
        const struct vertex *b = h.bottleneck, *v = h.bp_vertex;
        if (b)
            snprintf(x->bottleneck, sizeof x->bottleneck, "%s", b->name ? b->name : b->id);
        else if (v && h.bp_max > HEALTH_BP_RATIO)
            snprintf(x->bottleneck, sizeof x->bottleneck, "downstream of %s",
                     v->name ? v->name : v->id);
    }
}

static void sample_vertices(struct alert_sample_set *s, const struct cluster *c,
                            const struct job *j, bool fresh) {
    const struct job_detail *d = j->detail;
    if (d == NULL)
        return;
    const char *label = j->name ? j->name : j->id;
    for (size_t i = 0; i < d->vertices.len; i++) {
        const struct vertex *v = &d->vertices.items[i];
        if (v->id[0] == '\0')
            continue;
        struct alert_sample *x = alert_samples_add(s, ALERT_SCOPE_VERTEX, c->name, j->id, label,
                                                   v->id, v->name ? v->name : v->id, NULL, NULL);
        if (!fresh)
            continue;
        x->value[ALERT_METRIC_BACKPRESSURED_MS_PER_S] = v->backpressured_ms;
        x->value[ALERT_METRIC_BUSY_MS_PER_S] = v->busy_ms;
    }
}

static void walk_jobs(struct alert_sample_set *s, const struct cluster *c, int64_t now_ms) {
    bool fresh = c->sources[SRC_JOBS].state == SOURCE_OK;
    for (size_t i = 0; i < c->jobs.len; i++) {
        const struct job *j = &c->jobs.items[i];
        if (j->id[0] == '\0')
            continue; /* no stable key */
        sample_job(s, c, j, fresh, now_ms);
        /* A stopped job's vertex metrics are its last ones, not its state now: its
         * vertex alerts resolve, and the job's own say what happened. */
        if (j->state == JOB_RUNNING)
            sample_vertices(s, c, j, fresh);
    }
}

static void walk_taskmanagers(struct alert_sample_set *s, const struct cluster *c, int64_t now_ms) {
    (void)now_ms;
    bool fresh = c->sources[SRC_TASKMANAGERS].state == SOURCE_OK;
    for (size_t i = 0; i < c->taskmanagers.len; i++) {
        const struct taskmanager *t = &c->taskmanagers.items[i];
        if (t->id == NULL || t->id[0] == '\0')
            continue;
        struct alert_sample *x = alert_samples_add(s, ALERT_SCOPE_TASKMANAGER, c->name, NULL, NULL,
                                                   NULL, NULL, t->id, NULL);
        if (!fresh)
            continue;
        const struct tm_metrics *m = &t->metrics;
        if (m->heap_max > 0 && m->heap_used >= 0)
            x->value[ALERT_METRIC_HEAP_RATIO] = m->heap_used / m->heap_max;
        x->value[ALERT_METRIC_CPU_LOAD] = m->cpu_load;
    }
}

/* The pods of a FlinkDeployment (app=NAME in its namespace), from the Kubernetes
 * poller's last pods list of that namespace: one sample a pod. Nothing for a --flink
 * cluster, or before the list answered (unknown never fires). */
static void walk_pods(struct alert_sample_set *s, const struct cluster *c, int64_t now_ms) {
    (void)now_ms;
    if (c->k8s.name == NULL || c->k8s.gone)
        return;
    const struct k8s_namespace_state *ns = k8s_cluster_namespace(c);
    if (ns == NULL || !ns->pods_ok)
        return;
    size_t n = 0;
    const struct pod **pods = pods_of_app(&ns->pods, ns->name, c->k8s.name, &n);
    for (size_t i = 0; i < n; i++) {
        const struct pod *p = pods[i];
        struct alert_sample *x =
            alert_samples_add(s, ALERT_SCOPE_POD, c->name, NULL, NULL, NULL, NULL, NULL, p->name);
        x->value[ALERT_METRIC_POD_CRASH_LOOP] =
            p->waiting_reason && strcmp(p->waiting_reason, "CrashLoopBackOff") == 0;
        x->value[ALERT_METRIC_POD_OOM_KILLED] =
            p->term_reason && strcmp(p->term_reason, "OOMKilled") == 0;
        if (p->restarts >= 0)
            x->value[ALERT_METRIC_POD_RESTARTS] = p->restarts;
    }
    free(pods);
}

static void (*const walkers[])(struct alert_sample_set *, const struct cluster *,
                               int64_t) = {walk_cluster, walk_jobs, walk_taskmanagers, walk_pods};

void alert_samples_collect(struct alert_sample_set *s, const struct app *app, int64_t now_ms) {
    alert_samples_clear(s);
    for (size_t i = 0; i < app->n_clusters; i++)
        for (size_t w = 0; w < sizeof walkers / sizeof walkers[0]; w++)
            walkers[w](s, &app->clusters[i], now_ms);
}
