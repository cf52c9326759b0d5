/* The job screen (Enter on a job): a tab bar over seven tabs, each in its own file
 * (tab_*.c): overview, checkpoints, backpressure, task managers, exceptions, Kubernetes,
 * the job graph. The job is
 * found again by its id at every draw and key, since each poll replaces the list. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "view_job.h"
#include "xalloc.h"

static const struct job_tab *const tabs[TAB_COUNT] = {
    [TAB_OVERVIEW] = &tab_overview,         [TAB_CHECKPOINTS] = &tab_checkpoints,
    [TAB_BACKPRESSURE] = &tab_backpressure, [TAB_TASKMANAGERS] = &tab_taskmanagers,
    [TAB_EXCEPTIONS] = &tab_exceptions,     [TAB_KUBERNETES] = &tab_kubernetes,
    [TAB_GRAPH] = &tab_graph,
};

int job_view_flow(WINDOW *win, int y, int x, int w, int indent, int max_rows,
                  const struct job_seg *segs, size_t n, bool ascii) {
    int row = 0, cx = 0;
    bool any = false;
    for (size_t i = 0; i < n; i++) {
        if (segs[i].text == NULL || segs[i].text[0] == '\0')
            continue;
        int sw = text_width(segs[i].text);
        if (cx > (row ? indent : 0) && cx + sw > w) {
            if (row + 1 >= max_rows)
                break;
            row++;
            cx = indent < w ? indent : 0;
        }
        if (cx >= w)
            break;
        draw_text(win, y + row, x + cx, sw < w - cx ? sw : w - cx, segs[i].text,
                  colors_attr(segs[i].role), DRAW_LEFT, ascii);
        any = true;
        cx += sw + 2;
    }
    return any ? row + 1 : 0;
}

void job_view_loading(const struct job_view *jv, WINDOW *win, int y, int h, int w,
                      const char *what) {
    char msg[128];
    snprintf(msg, sizeof msg, "loading %s%s", what, jv->v->ascii ? "..." : "\u2026");
    if (h > 0)
        view_message(win, y + (h - 1) / 2, w, msg, ROLE_DIM, jv->v->ascii);
}

bool job_view_source(const struct job_view *jv, WINDOW *win, int *y, int *h, int w,
                     const struct source *s, bool have, const char *what) {
    bool ascii = jv->v->ascii;
    bool failed = s && s->state == SOURCE_ERROR;
    if (!have) {
        if (failed && *h > 0)
            view_message(win, *y + (*h - 1) / 2, w, s->error, ROLE_ERROR, ascii);
        else
            job_view_loading(jv, win, *y, *h, w, what);
        return false;
    }
    if (!failed || *h <= 1)
        return true;
    char line[256], age[16];
    if (s->last_ok_ms > 0) {
        int64_t ms = jv->v->app->now_ms - s->last_ok_ms;
        snprintf(line, sizeof line, "stale %s: %s", text_age(ms < 0 ? 0 : ms, age, sizeof age),
                 s->error);
    } else {
        snprintf(line, sizeof line, "%s", s->error);
    }
    draw_blank(win, *y, 0, w, colors_attr(ROLE_DEFAULT));
    draw_text(win, *y, 1, w - 1, line, colors_attr(ROLE_STALE), DRAW_LEFT, ascii);
    (*y)++;
    (*h)--;
    return true;
}

const struct source *job_view_worse(const struct source *a, const struct source *b) {
    if (a && a->state == SOURCE_ERROR)
        return a;
    return b && b->state == SOURCE_ERROR ? b : a;
}

unsigned job_view_table_key(struct job_view *jv, struct table *t, const struct table_source *src,
                            enum request req) {
    table_sync(t, src, jv);
    return table_key(t, req, src, jv);
}

void job_view_no_match(const struct job_view *jv, const struct table *t, WINDOW *win, int y,
                       int w) {
    if (t->total == 0 || t->n_rows > 0 || t->page <= 0)
        return;
    char msg[TABLE_FILTER_MAX + 64];
    snprintf(msg, sizeof msg, "nothing matches \"%s\" (Esc clears the filter)", t->filter);
    view_message(win, y + (t->page - 1) / 2, w, msg, ROLE_DIM, jv->v->ascii);
}

int job_view_cmp_num(double a, double b) {
    if (isnan(a) || isnan(b))
        return (isnan(a) != 0) - (isnan(b) != 0); /* unknown last */
    return (a > b) - (a < b);
}

static void job_view_free(void *p) {
    struct job_view *jv = p;
    if (jv == NULL)
        return;
    table_free(&jv->vertices);
    table_free(&jv->checkpoints);
    table_free(&jv->tms);
    table_free(&jv->exceptions);
    free(jv);
}

static void job_screen_init(struct view *v) {
    struct job_view *jv = xcalloc(1, sizeof *jv);
    jv->v = v;
    for (int t = 0; t < TAB_COUNT; t++)
        if (tabs[t]->init)
            tabs[t]->init(jv);
    v->priv = jv;
    v->priv_free = job_view_free;
}

/* The cluster and job as the model has them now. */
static struct job_view *resolve(struct view *v) {
    struct job_view *jv = v->priv;
    jv->cluster = view_cluster(v);
    jv->job = jv->cluster ? cluster_find_job(jv->cluster, v->job_id) : NULL;
    return jv;
}

bool view_job_filter(struct view *v, struct table_filter *out) {
    struct job_view *jv = resolve(v);
    memset(out, 0, sizeof *out);
    return tabs[jv->tab]->filter && tabs[jv->tab]->filter(jv, out);
}

/* ", 2 of 12 task managers, filter: tm-1" when the tab has a filter; "" else. */
static void filter_note(struct view *v, char *buf, size_t size) {
    struct table_filter f;
    buf[0] = '\0';
    if (!view_job_filter(v, &f) || f.text[0] == '\0')
        return;
    if (f.t == NULL) {
        snprintf(buf, size, ", filter: %s", f.text);
        return;
    }
    table_sync(f.t, f.src, f.ctx);
    snprintf(buf, size, ", %zu of %zu, filter: %s", f.t->n_rows, f.t->total, f.text);
}

static void job_title(struct view *v, char *buf, size_t size) {
    struct job_view *jv = resolve(v);
    const char *cname = jv->cluster && jv->cluster->name ? jv->cluster->name : "-";
    const char *sep = v->ascii ? ">" : "\u203a";
    char note[TABLE_FILTER_MAX + 64];
    filter_note(v, note, sizeof note);
    if (jv->job == NULL) {
        snprintf(buf, size, "%s %s job %s%s%s%s", cname, sep, v->job_id, note[0] ? " (" : "",
                 note[0] ? note + 2 : "", note[0] ? ")" : "");
        return;
    }
    const struct job *j = jv->job;
    char up[24] = "", dur[16];
    if (j->duration_ms >= 0 && j->state == JOB_RUNNING)
        snprintf(up, sizeof up, " for %s", text_duration(j->duration_ms, dur, sizeof dur));
    /* the job first: on a narrow terminal the cluster's name is what gives way */
    snprintf(buf, size, "%s (%s%s%s) on %s", j->name ? j->name : j->id,
             j->state == JOB_UNKNOWN ? "state unknown" : job_state_name(j->state), up, note,
             cname);
}

/* The tab bar: the current tab highlighted; names get shorter, then only numbers, as
 * the terminal narrows. */
static void draw_tabs(struct job_view *jv, WINDOW *win, int y, int w) {
    bool ascii = jv->v->ascii;
    attr_t plain = colors_attr(ROLE_DEFAULT);
    draw_blank(win, y, 0, w, plain);
    char label[TAB_COUNT][40];
    for (int form = 0; form < 3; form++) {
        int total = 0;
        for (int t = 0; t < TAB_COUNT; t++) {
            const char *name = form == 0 ? tabs[t]->name : tabs[t]->short_name;
            if (form == 2 && t != jv->tab)
                snprintf(label[t], sizeof label[t], " %d ", t + 1);
            else
                snprintf(label[t], sizeof label[t], " %d %s ", t + 1,
                         form == 2 ? tabs[t]->name : name);
            total += text_width(label[t]) + 1;
        }
        if (total <= w || form == 2)
            break;
    }
    int x = 0;
    for (int t = 0; t < TAB_COUNT && x < w; t++) {
        int lw = text_width(label[t]);
        lw = lw < w - x ? lw : w - x;
        draw_text(win, y, x, lw, label[t],
                  t == jv->tab ? colors_attr(ROLE_TAB_ACTIVE)
                               : colors_attr(ROLE_HEADER) & ~A_UNDERLINE,
                  DRAW_LEFT, ascii);
        x += lw + 1;
    }
    /* the job's state in its colour at the right, when there is room (the title has it
     * too, in plain text) */
    const struct job *j = jv->job;
    if (j == NULL || j->state == JOB_UNKNOWN)
        return;
    char state[48], dur[16] = "";
    if (j->state == JOB_RUNNING && j->duration_ms >= 0)
        text_duration(j->duration_ms, dur, sizeof dur);
    snprintf(state, sizeof state, "%s%s%s", job_state_name(j->state), dur[0] ? " " : "", dur);
    int sw = text_width(state);
    if (x + 2 + sw + 1 <= w)
        draw_text(win, y, w - sw - 1, sw, state, colors_attr(view_job_state_role(j->state)),
                  DRAW_LEFT, ascii);
}

static void job_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    struct job_view *jv = resolve(v);
    if (h <= 0)
        return;
    draw_tabs(jv, win, y, w);
    y++;
    h--;
    struct cluster *c = jv->cluster;
    /* the Kubernetes tab's data is not Flink REST's: it says its own sources' state */
    if (c && app_cluster_stale(v->app, c) && h > 2 && jv->tab != TAB_KUBERNETES) {
        /* the last good data stays on screen, said to be old (same words as Jobs) */
        char status[256], line[300];
        enum color_role role = view_cluster_status(v->app, c, status, sizeof status);
        snprintf(line, sizeof line, "%s: showing the last good data", status);
        draw_text(win, y, 1, w - 1, line, colors_attr(role), DRAW_LEFT, v->ascii);
        y++;
        h--;
    }
    if (h <= 0)
        return;
    if (jv->job == NULL) {
        char msg[160];
        if (c == NULL || c->sources[SRC_JOBS].last_ok_ms == 0)
            snprintf(msg, sizeof msg, "loading jobs%s", v->ascii ? "..." : "\u2026");
        else
            snprintf(msg, sizeof msg, "job %s is no longer listed by %s", v->job_id,
                     c->name ? c->name : "its cluster");
        view_message(win, y + (h - 1) / 2, w, msg, ROLE_DIM, v->ascii);
        return;
    }
    tabs[jv->tab]->draw(jv, win, y, h, w);
}

static unsigned switch_tab(struct job_view *jv, int tab) {
    if (tab < 0 || tab >= TAB_COUNT)
        return 0;
    jv->tab = tab;
    return UI_REDRAW;
}

/* Enter on a vertex (the overview's vertex list, a heatmap row): its subtasks, on a screen
 * of their own (view_subtasks.c). */
static unsigned open_drill(struct job_view *jv, struct view_open *open) {
    if (jv->tab == TAB_OVERVIEW && jv->job && jv->job->detail) {
        size_t row;
        if (!table_selected(&jv->vertices, &row) || row >= jv->job->detail->vertices.len)
            return 0;
        snprintf(jv->drill_vertex, sizeof jv->drill_vertex, "%s",
                 jv->job->detail->vertices.items[row].id);
    }
    if (jv->drill_vertex[0] == '\0')
        return 0;
    open->ops = &view_subtasks;
    open->cluster = jv->v->cluster;
    return UI_REDRAW;
}

const char *view_job_drill_vertex(struct view *v) {
    struct job_view *jv = resolve(v);
    return jv->drill_vertex[0] ? jv->drill_vertex : NULL;
}

static unsigned job_key(struct view *v, enum request req, struct view_open *open) {
    struct job_view *jv = resolve(v);
    jv->drill_vertex[0] = '\0';
    if (req == REQ_OPEN && jv->tab == TAB_OVERVIEW && jv->job)
        return open_drill(jv, open);
    switch (req) {
    case REQ_TAB_NEXT:
        return switch_tab(jv, (jv->tab + 1) % TAB_COUNT);
    case REQ_TAB_PREV:
        return switch_tab(jv, (jv->tab + TAB_COUNT - 1) % TAB_COUNT);
    case REQ_TAB_OVERVIEW:
        return switch_tab(jv, TAB_OVERVIEW);
    case REQ_TAB_CHECKPOINTS:
        return switch_tab(jv, TAB_CHECKPOINTS);
    case REQ_TAB_BACKPRESSURE:
        return switch_tab(jv, TAB_BACKPRESSURE);
    case REQ_TAB_TASKMANAGERS:
        return switch_tab(jv, TAB_TASKMANAGERS);
    case REQ_TAB_EXCEPTIONS:
        return switch_tab(jv, TAB_EXCEPTIONS);
    case REQ_TAB_KUBERNETES:
        return switch_tab(jv, TAB_KUBERNETES);
    case REQ_TAB_GRAPH:
        return switch_tab(jv, TAB_GRAPH);
    default:
        break;
    }
    if (jv->job == NULL && jv->tab != TAB_TASKMANAGERS && req != REQ_BACK && req != REQ_QUIT)
        return 0;
    unsigned flags = tabs[jv->tab]->key(jv, req);
    if (jv->drill_vertex[0])
        flags |= open_drill(jv, open);
    return flags;
}

const char *view_job_selected_tm(struct view *v) {
    struct job_view *jv = resolve(v);
    if (jv->tab == TAB_KUBERNETES) /* a pod: view_logs finds it by its name */
        return tab_kubernetes_selected_pod(jv);
    return jv->tab == TAB_TASKMANAGERS ? tab_taskmanagers_selected(jv) : NULL;
}

/* y: what the tab's cursor is on where the tab has one worth copying, else the job id. */
static char *job_copy(struct view *v, char *what, size_t size) {
    struct job_view *jv = resolve(v);
    char *s = NULL;
    if (jv->tab == TAB_CHECKPOINTS)
        s = tab_checkpoints_copy(jv, what, size);
    else if (jv->tab == TAB_EXCEPTIONS)
        s = tab_exceptions_copy(jv, what, size);
    else if (jv->tab == TAB_TASKMANAGERS)
        s = tab_taskmanagers_copy(jv, what, size);
    if (s != NULL || v->job_id[0] == '\0')
        return s;
    snprintf(what, size, "job id");
    return xstrdup(v->job_id);
}

static const enum request job_help[] = {
    REQ_TAB_NEXT,
    REQ_TAB_PREV,
    REQ_TAB_OVERVIEW,
    REQ_TAB_CHECKPOINTS,
    REQ_TAB_BACKPRESSURE,
    REQ_TAB_TASKMANAGERS,
    REQ_TAB_EXCEPTIONS,
    REQ_TAB_KUBERNETES,
    REQ_TAB_GRAPH,
    REQ_UP,
    REQ_DOWN,
    REQ_PAGE_UP,
    REQ_PAGE_DOWN,
    REQ_TOP,
    REQ_BOTTOM,
    REQ_OPEN,
    REQ_FILTER,
    REQ_SORT_PREV,
    REQ_SORT_NEXT,
    REQ_SORT_INVERT,
    REQ_HEAT_METRIC,
    REQ_JVM,
    REQ_CONFIG,
    REQ_THREAD_DUMP,
    REQ_STDOUT,
    REQ_NONE,
};

const struct view_ops view_job = {
    "Job", NULL, job_screen_init, job_title, job_draw, job_key, job_help, job_copy,
};

int view_job_tab(const struct view *v) {
    const struct job_view *jv = v->ops == &view_job ? v->priv : NULL;
    return jv ? jv->tab : TAB_OVERVIEW;
}
