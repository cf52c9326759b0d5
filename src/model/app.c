#include "app.h"

#include <string.h>

/* Data older than this many refresh periods (plus one request timeout, so one slow
 * answer does not make a healthy cluster flicker) is stale. */
#define APP_STALE_PERIODS 3

const struct cluster *app_cluster(const struct app *a, int id) {
    if (a == NULL || id < 0 || (size_t)id >= a->n_clusters)
        return NULL;
    return &a->clusters[id];
}

int app_cluster_id(const struct app *a, const struct cluster *c) {
    if (a == NULL || c == NULL || a->n_clusters == 0 || c < a->clusters ||
        c >= a->clusters + a->n_clusters)
        return -1;
    return (int)(c - a->clusters);
}

int app_cluster_by_name(const struct app *a, const char *name) {
    for (size_t i = 0; a != NULL && name != NULL && i < a->n_clusters; i++)
        if (!a->clusters[i].k8s.gone && a->clusters[i].name &&
            strcmp(a->clusters[i].name, name) == 0)
            return (int)i;
    return -1;
}

void app_job_counts(const struct cluster *c, struct job_counts *out) {
    out->running = out->failed = out->finished = out->cancelled = out->other = UNKNOWN_I;
    if (c->sources[SRC_JOBS].last_ok_ms > 0) {
        out->running = out->failed = out->finished = out->cancelled = out->other = 0;
        for (size_t i = 0; i < c->jobs.len; i++) {
            switch (c->jobs.items[i].state) {
            case JOB_RUNNING:
                out->running++;
                break;
            /* FAILING ends in FAILED or a restart: either way the SRE must see it now. */
            case JOB_FAILED:
            case JOB_FAILING:
                out->failed++;
                break;
            case JOB_FINISHED:
                out->finished++;
                break;
            case JOB_CANCELED:
                out->cancelled++;
                break;
            default:
                out->other++;
                break;
            }
        }
        return;
    }
    /* Only the overview answered: its counts, which do not split out the rest. */
    if (c->sources[SRC_OVERVIEW].last_ok_ms > 0) {
        out->running = c->overview.jobs_running;
        out->failed = c->overview.jobs_failed;
        out->finished = c->overview.jobs_finished;
        out->cancelled = c->overview.jobs_cancelled;
    }
}

/* The oldest good answer among the sources polled every round; /config is asked once a
 * minute and /taskmanagers every detail interval (poller.c): they would make every
 * cluster look old. 0 when none answered. */
static int64_t data_ms(const struct cluster *c) {
    static const enum cluster_source polled[] = {SRC_OVERVIEW, SRC_JOBS};
    int64_t oldest = 0;
    for (size_t i = 0; i < sizeof polled / sizeof polled[0]; i++) {
        int64_t t = c->sources[polled[i]].last_ok_ms;
        if (t > 0 && (oldest == 0 || t < oldest))
            oldest = t;
    }
    return oldest;
}

bool app_cluster_stale(const struct app *a, const struct cluster *c) {
    int64_t last = data_ms(c);
    if (last == 0)
        return false; /* nothing on screen to be stale: the cluster shows its error */
    for (int s = 0; s < SRC_COUNT; s++)
        if (c->sources[s].state == SOURCE_ERROR && c->sources[s].last_ok_ms > 0)
            return true;
    if (a->now_ms <= 0 || a->refresh_ms <= 0)
        return false;
    int64_t limit =
        (int64_t)APP_STALE_PERIODS * a->refresh_ms + (a->timeout_ms > 0 ? a->timeout_ms : 0);
    return a->now_ms - last > limit;
}
