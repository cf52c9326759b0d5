#include "once_incident.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "freshness.h"
#include "health.h"
#include "http_trust.h"
#include "k8s_model.h"
#include "xalloc.h"

struct sick {
    const struct cluster *c;
    const struct job *j;
    struct job_health h;
};

static int sick_cmp(const void *a, const void *b) {
    const struct sick *x = a, *y = b;
    int c = health_compare(&x->h, &y->h);
    if (c != 0)
        return c;
    c = strcmp(x->c->name, y->c->name);
    return c ? c : strcmp(x->j->id, y->j->id);
}

/* How many sources of the board failed: contexts that did not answer, clusters in error.
 * With any, "all healthy" would be a claim about what was not seen. */
static size_t failed_sources(const struct app *app) {
    size_t n = 0;
    for (size_t i = 0; i < k8s_context_count(app); i++)
        n += k8s_context_at(app, i)->error[0] != '\0';
    for (size_t i = 0; i < app->n_clusters; i++)
        n += cluster_in_scope(&app->clusters[i]) &&
             cluster_state(&app->clusters[i]) == SOURCE_ERROR;
    return n;
}

static void first_line(const struct app *app, const char *scope, int64_t now_ms, size_t n_sick,
                       size_t n_jobs, FILE *out) {
    char when[32] = "--:--";
    time_t t = (time_t)(now_ms / 1000);
    struct tm tm;
    if (localtime_r(&t, &tm) != NULL)
        strftime(when, sizeof when, "%H:%M %Z", &tm);
    size_t n_clusters = 0;
    for (size_t i = 0; i < app->n_clusters; i++)
        n_clusters += cluster_in_scope(&app->clusters[i]);
    fprintf(out, "%s  %s%s%zu cluster%s: ", when, scope ? scope : "", scope ? ", " : "",
            n_clusters, n_clusters == 1 ? "" : "s");
    size_t failed = failed_sources(app);
    if (n_sick == 0 && failed > 0 && n_jobs == 0)
        fprintf(out, "nothing known, %zu source%s failed (below)\n", failed,
                failed == 1 ? "" : "s");
    else if (n_sick == 0 && failed > 0)
        fprintf(out, "no job of the %zu seen needs a look, but %zu source%s failed (below)\n",
                n_jobs, failed, failed == 1 ? "" : "s");
    else if (n_sick == 0)
        fprintf(out, "all %zu job%s healthy\n", n_jobs, n_jobs == 1 ? "" : "s");
    else
        fprintf(out, "%zu of %zu job%s need%s a look\n", n_sick, n_jobs, n_jobs == 1 ? "" : "s",
                n_sick == 1 ? "s" : "");
}

/* A cluster that failed, or whose data is old, says so: its jobs' lines may be stale; one
 * reached without verifying TLS says that too. */
static void cluster_line(const struct app *app, const struct cluster *c, int64_t now_ms,
                         FILE *out) {
    enum http_trust trust = http_trust_of(c->tls);
    if (trust != HTTP_TRUST_VERIFIED)
        fprintf(out, "cluster %s: insecure (TLS not verified%s)\n", c->name,
                trust == HTTP_TRUST_INSECURE_CREDENTIAL ? ", a credential sent anyway" : "");
    enum fresh_k8s_list which;
    const struct source *list = freshness_k8s_failed(c, &which);
    if (list) { /* its pods (events, snapshots) are as of the last good answer, or unknown */
        char old[24];
        if (list->last_ok_ms > 0) {
            health_span(now_ms - list->last_ok_ms, old, sizeof old);
            fprintf(out, "cluster %s: %s, %s data %s old\n", c->name, list->error,
                    freshness_k8s_list_name(which), old);
        } else {
            fprintf(out, "cluster %s: %s\n", c->name, list->error);
        }
    }
    bool failed = cluster_state(c) == SOURCE_ERROR;
    if (!failed && !app_cluster_stale(app, c))
        return;
    const char *why = failed ? cluster_error(c) : NULL;
    int64_t last = cluster_last_ok(c);
    char old[24];
    if (last > 0) {
        health_span(now_ms - last, old, sizeof old);
        fprintf(out, "cluster %s: %s%sdata %s old\n", c->name, why ? why : "", why ? ", " : "",
                old);
    } else {
        fprintf(out, "cluster %s: %s\n", c->name, why ? why : "no answer yet");
    }
}

/* Each of the cluster's Deployments whose rollout is not complete, or that has fewer
 * pods ready than it wants: one line. */
static void deployment_lines(const struct cluster *c, FILE *out) {
    size_t n = 0;
    const struct apps_deployment **v = k8s_cluster_deployments(c, &n, NULL);
    for (size_t i = 0; i < n; i++) {
        const struct apps_deployment *d = v[i];
        const char *why = NULL;
        enum deploy_rollout r = apps_deployment_rollout(d, &why);
        if (r == DEPLOY_ROLLOUT_COMPLETE && d->ready >= d->replicas)
            continue;
        char want[16] = "-", ready[16] = "-", upd[16] = "-", avail[16] = "-";
        if (d->replicas >= 0)
            snprintf(want, sizeof want, "%d", d->replicas);
        if (d->ready >= 0)
            snprintf(ready, sizeof ready, "%d", d->ready);
        if (d->updated >= 0)
            snprintf(upd, sizeof upd, "%d", d->updated);
        if (d->available >= 0)
            snprintf(avail, sizeof avail, "%d", d->available);
        fprintf(
            out,
            "cluster %s: deployment %s %s/%s ready, %s up to date, %s available: rollout %s%s%s\n",
            c->name, d->name, ready, want, upd, avail, deploy_rollout_name(r), why ? ": " : "",
            why ? why : "");
    }
    free(v);
}

void once_incident_text(const struct app *app, const char *scope, const char *notes,
                        int64_t now_ms, FILE *out) {
    size_t n_jobs = 0, n_sick = 0, n_healthy = 0, n_ended = 0, n_unknown = 0;
    for (size_t i = 0; i < app->n_clusters; i++)
        if (cluster_in_scope(&app->clusters[i]))
            n_jobs += app->clusters[i].jobs.len;
    struct sick *sick = xcalloc(n_jobs ? n_jobs : 1, sizeof *sick);
    for (size_t i = 0; i < app->n_clusters; i++) {
        const struct cluster *c = &app->clusters[i];
        if (!cluster_in_scope(c))
            continue;
        for (size_t k = 0; k < c->jobs.len; k++) {
            const struct job *j = &c->jobs.items[k];
            struct job_health h;
            health_eval(j, now_ms, &h);
            if (h.cls == HEALTH_HEALTHY) {
                if (j->state == JOB_RUNNING)
                    n_healthy++;
                else
                    n_ended++;
            } else if (h.cls == HEALTH_UNKNOWN) {
                n_unknown++;
            } else {
                sick[n_sick++] = (struct sick){c, j, h};
            }
        }
    }
    qsort(sick, n_sick, sizeof *sick, sick_cmp);

    first_line(app, scope, now_ms, n_sick, n_jobs, out);
    if (notes && notes[0])
        fputs(notes, out);
    for (size_t i = 0; i < n_sick; i++)
        fprintf(out, "%s (%s): %s\n", sick[i].j->name ? sick[i].j->name : sick[i].j->id,
                sick[i].c->name, sick[i].h.reason[0] ? sick[i].h.reason : "?");
    for (size_t i = 0; i < app->n_clusters; i++)
        if (cluster_in_scope(&app->clusters[i])) {
            cluster_line(app, &app->clusters[i], now_ms, out);
            deployment_lines(&app->clusters[i], out);
        }
    fprintf(out, "%zu healthy", n_healthy);
    if (n_ended)
        fprintf(out, ", %zu ended", n_ended);
    if (n_unknown)
        fprintf(out, ", %zu unknown", n_unknown);
    fputc('\n', out);
    free(sick);
}
