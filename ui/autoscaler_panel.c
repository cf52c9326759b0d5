/* The overview tab's autoscaler panel, for a job whose FlinkDeployment has the operator's
 * autoscaler on (autoscaler.h): what it decided last and why (its ScalingReport event:
 * each vertex's parallelism before and after, processing capacity against the target data
 * rate, whether it was applied or only recommended), what each vertex runs at now against
 * what it recommends, the history of its decisions (the ConfigMap's scalingHistory) and a
 * warning when it found a scaling ineffective (IneffectiveScaling, ScalingLimited). Takes
 * a few rows off the top of the tab, fewer on a small terminal; nothing for other jobs. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "autoscaler.h"
#include "draw.h"
#include "k8s_model.h"
#include "text.h"
#include "units.h"
#include "vertex_name.h"
#include "view_job.h"

/* The newest event of the deployment with this reason; borrowed, NULL none. */
static const struct k8s_event *newest(const struct cluster *c, const char *reason) {
    const struct k8s_namespace_state *ns = k8s_cluster_namespace(c);
    for (size_t i = 0; ns && i < ns->events.len; i++) { /* newest first */
        const struct k8s_event *e = &ns->events.items[i];
        if (e->reason && strcmp(e->reason, reason) == 0 && e->object_name &&
            strcmp(e->object_name, c->k8s.name) == 0 &&
            (e->object_kind == NULL || strcmp(e->object_kind, "FlinkDeployment") == 0))
            return e;
    }
    return NULL;
}

/* The vertex's shown name into buf; its id's head when the job does not have it. */
static const char *vertex_label(const struct job *j, const char *vid, char *buf, size_t size) {
    const struct job_detail *d = j ? j->detail : NULL;
    for (size_t i = 0; d && i < d->vertices.len; i++)
        if (strcmp(d->vertices.items[i].id, vid) == 0)
            return vertex_name_shown(&d->vertices, i, buf, size);
    snprintf(buf, size, "vertex %.8s", vid);
    return buf;
}

static int running_parallelism(const struct job *j, const char *vid) {
    const struct job_detail *d = j ? j->detail : NULL;
    for (size_t i = 0; d && i < d->vertices.len; i++)
        if (strcmp(d->vertices.items[i].id, vid) == 0)
            return d->vertices.items[i].parallelism;
    return -1;
}

/* One line from x at row y: text in role, cut to the width. */
static void line(WINDOW *win, int y, int w, const char *text, enum color_role role, bool ascii) {
    draw_blank(win, y, 0, w, colors_attr(ROLE_DEFAULT));
    draw_text(win, y, 1, w - 1, text, colors_attr(role), DRAW_LEFT, ascii);
}

void autoscaler_panel_draw(WINDOW *win, int *y, int *h, int w, const struct app *app,
                           const struct cluster *c, const struct job *j, bool ascii) {
    if (c == NULL || *h < 8 || !autoscaler_enabled(k8s_cluster_resource(c)))
        return;
    const struct autoscaler_state *st = k8s_cluster_autoscaler(c);
    const struct k8s_event *ev = newest(c, "ScalingReport");
    struct autoscaler_report rep;
    bool have = ev && autoscaler_parse_report(ev->message, &rep);
    /* rows: header, a row a vertex of the report (one line when short of room), history */
    int room = *h >= 24 ? 6 : *h >= 14 ? 3 : 2;
    int row = 0;
    const char *arrow = ascii ? "->" : "\u2192";
    char buf[1024], age[64] = "";

    /* the header: on, the last decision, its kind */
    if (ev && ev->last_ms > 0) { /* when, and how long ago when the clocks agree */
        char when[32], ago[24];
        text_clock(ev->last_ms, when, sizeof when);
        if (app->now_ms >= ev->last_ms)
            snprintf(age, sizeof age, "%s, %s", when,
                     text_age(app->now_ms - ev->last_ms, ago, sizeof ago));
        else
            snprintf(age, sizeof age, "%s", when);
    }
    size_t off = (size_t)snprintf(buf, sizeof buf, "autoscaler on");
    if (!have)
        off += (size_t)snprintf(buf + off, sizeof buf - off, ": no scaling decision yet");
    else
        off += (size_t)snprintf(buf + off, sizeof buf - off, "  last decision%s%s%s: %s",
                                age[0] ? " (" : "", age, age[0] ? ")" : "",
                                rep.executed ? "scaled" : "recommended only");
    if (have && ev->count > 1)
        off += (size_t)snprintf(buf + off, sizeof buf - off, " (%d reports)", ev->count);
    if (have && !rep.executed && rep.why)
        snprintf(buf + off, sizeof buf - off, "  %s", rep.why);
    line(win, *y + row++, w, buf, ROLE_HEADER, ascii);

    /* what each vertex runs at against what it recommends, capacity against target */
    if (have) {
        char name[200], a[16], b[16], t[16];
        if (room - row - 1 >= (int)rep.n) {
            for (size_t i = 0; i < rep.n; i++) {
                const struct autoscaler_report_vertex *v = &rep.vertices[i];
                int now = running_parallelism(j, v->vertex_id);
                snprintf(buf, sizeof buf,
                         "  %-28.28s %d %s %d  now %d%s  capacity %s %s %s/s  target %s/s",
                         vertex_label(j, v->vertex_id, name, sizeof name), v->from, arrow, v->to,
                         now, now == v->to ? " (applied)" : "",
                         units_si(v->capacity_from, a, sizeof a), arrow,
                         units_si(v->capacity_to, b, sizeof b),
                         units_si(v->target_rate, t, sizeof t));
                line(win, *y + row++, w, buf, now == v->to ? ROLE_DEFAULT : ROLE_STATE_WARN, ascii);
            }
        } else {
            size_t o =
                (size_t)snprintf(buf, sizeof buf, "  %s", rep.executed ? "scaled" : "recommends");
            for (size_t i = 0; i < rep.n && o < sizeof buf; i++)
                o += (size_t)snprintf(buf + o, sizeof buf - o, "%s %s %d%s%d", i ? "," : "",
                                      vertex_label(j, rep.vertices[i].vertex_id, name, sizeof name),
                                      rep.vertices[i].from, arrow, rep.vertices[i].to);
            line(win, *y + row++, w, buf, ROLE_DEFAULT, ascii);
        }
        autoscaler_report_free(&rep);
    }

    /* a warning beats the history for the last row */
    const struct k8s_event *bad = newest(c, "IneffectiveScaling");
    if (bad == NULL)
        bad = newest(c, "ScalingLimited");
    if (bad && row < room) {
        snprintf(buf, sizeof buf, "  %s: %s", bad->reason, bad->message ? bad->message : "");
        line(win, *y + row++, w, buf, ROLE_STATE_WARN, ascii);
    }
    if (row < room) {
        size_t o = (size_t)snprintf(buf, sizeof buf, "  history:");
        if (st == NULL || (st->src.last_ok_ms == 0 && st->src.state != SOURCE_ERROR))
            snprintf(buf + o, sizeof buf - o, " reading autoscaler-%s%s", c->k8s.name,
                     ascii ? "..." : "\u2026");
        else if (st->src.state == SOURCE_ERROR)
            snprintf(buf + o, sizeof buf - o, " %s", st->src.error);
        else if (!st->found)
            snprintf(buf + o, sizeof buf - o, " no ConfigMap autoscaler-%s yet", c->k8s.name);
        else if (st->history_note[0])
            snprintf(buf + o, sizeof buf - o, " %s", st->history_note);
        else if (st->n_history == 0)
            snprintf(buf + o, sizeof buf - o, " none yet");
        for (size_t i = 0; st && st->found && i < st->n_history && o < sizeof buf; i++) {
            char name[200], when[32];
            text_clock(st->history[i].at_ms, when, sizeof when);
            o += (size_t)snprintf(buf + o, sizeof buf - o, "%s %s %s %d%s%d", i ? "," : "", when,
                                  vertex_label(j, st->history[i].vertex_id, name, sizeof name),
                                  st->history[i].from, arrow, st->history[i].to);
        }
        line(win, *y + row++, w, buf, st && st->src.state == SOURCE_ERROR ? ROLE_ERROR : ROLE_DIM,
             ascii);
    }
    *y += row;
    *h -= row;
}
