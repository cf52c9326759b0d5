/* What every screen shares: the cluster a view is on, how a cluster's freshness reads,
 * centred messages. */
#include "view.h"

#include <stdio.h>

#include "alerts.h"
#include "draw.h"
#include "text.h"
#include "ui.h"

const enum request view_global_keys[] = {REQ_BACK,  REQ_QUIT,    REQ_HELP, REQ_ALERTS,
                                         REQ_FLEET, REQ_REPAINT, REQ_COPY, REQ_NONE};

struct cluster *view_cluster(const struct view *v) {
    if (v->cluster < 0 || (size_t)v->cluster >= v->app->n_clusters)
        return NULL;
    return &v->app->clusters[v->cluster];
}

int64_t view_cluster_data_ms(const struct cluster *c) {
    static const enum cluster_source polled[] = {SRC_OVERVIEW, SRC_JOBS, SRC_TASKMANAGERS};
    int64_t oldest = 0;
    for (size_t i = 0; i < sizeof polled / sizeof polled[0]; i++) {
        int64_t t = c->sources[polled[i]].last_ok_ms;
        if (t > 0 && (oldest == 0 || t < oldest))
            oldest = t;
    }
    return oldest;
}

enum color_role view_cluster_status(const struct app *app, const struct cluster *c, char *buf,
                                    size_t size) {
    int64_t last = view_cluster_data_ms(c);
    int64_t age_ms = last > 0 ? app->now_ms - last : -1;
    age_ms = last > 0 && age_ms < 0 ? 0 : age_ms;
    char age[16];
    bool stale = app_cluster_stale(app, c);
    /* Stale ages tick by the second ("stale 1m02s"): the SRE sees the clock running. */
    if (stale)
        text_duration(age_ms, age, sizeof age);
    else
        text_age(age_ms, age, sizeof age);
    if (cluster_state(c) == SOURCE_ERROR) {
        const char *err = cluster_error(c);
        if (stale)
            snprintf(buf, size, "stale %s: %s", age, err ? err : "request failed");
        else
            snprintf(buf, size, "%s", err ? err : "request failed");
        return ROLE_ERROR;
    }
    if (stale) {
        snprintf(buf, size, "stale %s", age);
        return ROLE_STALE;
    }
    if (last == 0) {
        snprintf(buf, size, "connecting");
        return ROLE_DIM;
    }
    snprintf(buf, size, "%s", age);
    return ROLE_DEFAULT;
}

enum color_role view_alert_mark(const struct app *app, const char *cluster, const char *job_id,
                                char *buf, size_t size) {
    enum alert_severity s = ALERT_SEV_NONE;
    if (app->alerts && cluster)
        s = job_id ? alerts_worst_for_job(app->alerts, cluster, job_id)
                   : alerts_worst_for_cluster(app->alerts, cluster);
    snprintf(buf, size, "%s", s == ALERT_SEV_CRITICAL ? "!" : s == ALERT_SEV_WARNING ? "~" : "");
    return s == ALERT_SEV_CRITICAL  ? ROLE_STATE_BAD
           : s == ALERT_SEV_WARNING ? ROLE_STATE_WARN
                                    : ROLE_DEFAULT;
}

enum color_role view_job_state_role(enum job_state s) {
    switch (s) {
    case JOB_RUNNING:
        return ROLE_STATE_OK;
    case JOB_FAILED:
    case JOB_FAILING:
        return ROLE_STATE_BAD;
    case JOB_RESTARTING:
    case JOB_CANCELLING:
    case JOB_INITIALIZING:
    case JOB_CREATED:
    case JOB_RECONCILING:
        return ROLE_STATE_WARN;
    case JOB_FINISHED:
    case JOB_CANCELED:
    case JOB_SUSPENDED:
        return ROLE_DIM;
    default:
        return ROLE_DEFAULT;
    }
}

enum color_role view_lifecycle_role(enum flink_lifecycle s) {
    switch (s) {
    case LIFECYCLE_STABLE:
        return ROLE_STATE_OK;
    case LIFECYCLE_DEPLOYED:
    case LIFECYCLE_UPGRADING:
        return ROLE_STATE_WARN;
    case LIFECYCLE_FAILED:
        return ROLE_STATE_BAD;
    default:
        return ROLE_DEFAULT;
    }
}

void view_message(WINDOW *win, int y, int w, const char *msg, enum color_role role, bool ascii) {
    draw_text(win, y, 0, w, msg, colors_attr(role), DRAW_CENTER, ascii);
}

void view_table_title(const struct view *v, const char *label, char *buf, size_t size) {
    const struct table *t = &v->table;
    if (t->filter[0])
        snprintf(buf, size, "%s (%zu of %zu, filter: %s)", label, t->n_rows, t->total, t->filter);
    else
        snprintf(buf, size, "%s (%zu)", label, t->total);
}

void view_table_empty(const struct view *v, WINDOW *win, int y, int w, const char *none) {
    char msg[TABLE_FILTER_MAX + 64];
    if (v->table.total > 0 && v->table.n_rows == 0)
        snprintf(msg, sizeof msg, "nothing matches \"%s\" (Esc clears the filter)",
                 v->table.filter);
    else
        snprintf(msg, sizeof msg, "%s", none);
    view_message(win, y, w, msg, ROLE_DIM, v->ascii);
}

unsigned view_scroll_key(struct view *v, enum request req, int bottom) {
    switch (req) {
    case REQ_UP:
        v->scroll--;
        break;
    case REQ_DOWN:
        v->scroll++;
        break;
    case REQ_PAGE_UP:
        v->scroll -= 10;
        break;
    case REQ_PAGE_DOWN:
        v->scroll += 10;
        break;
    case REQ_TOP:
        v->scroll = 0;
        break;
    case REQ_BOTTOM:
        v->scroll = bottom;
        break;
    default:
        return 0;
    }
    if (v->scroll < 0)
        v->scroll = 0;
    return UI_REDRAW;
}
