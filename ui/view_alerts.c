/* `!`: the alerts. Firing ones first (severity coloured, worst first, then oldest),
 * then pending ones (dim, how long of their `for`), then the last resolved ones (when
 * they fired and cleared, for how long, the last value). Read from the engine the app
 * borrows (app->alerts); nothing here changes it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "alerts.h"
#include "draw.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "xalloc.h"

enum line_kind {
    L_BLANK,
    L_HEADING,   /* text */
    L_NOTE,      /* text, dim */
    L_HEAD_FIRE, /* column titles of firing and pending */
    L_HEAD_DONE, /* column titles of resolved */
    L_FIRING,
    L_PENDING,
    L_RESOLVED,
};

struct line {
    enum line_kind kind;
    const struct alert *a; /* borrowed: valid for this draw */
    char text[64];
};

struct lines {
    struct line *items; /* owned */
    size_t len, cap;
};

static struct line *push_line(struct lines *ls, enum line_kind kind, const struct alert *a,
                              const char *text) {
    if (ls->len == ls->cap) {
        ls->cap = ls->cap ? ls->cap * 2 : 64;
        ls->items = xrealloc(ls->items, ls->cap * sizeof *ls->items);
    }
    struct line *l = &ls->items[ls->len++];
    l->kind = kind;
    l->a = a;
    snprintf(l->text, sizeof l->text, "%s", text ? text : "");
    return l;
}

static bool have_rules(const struct alerts *a) {
    const struct alert_rules *r = a ? alerts_rules(a) : NULL;
    return r != NULL && r->len > 0;
}

/* Every line of the screen, top to bottom. */
static void build(const struct alerts *a, struct lines *ls) {
    char text[64];
    size_t n_fire = alerts_list(a, ALERT_FIRING, NULL, 0);
    size_t n_pend = alerts_list(a, ALERT_PENDING, NULL, 0);
    size_t n_done = alerts_resolved_count(a);
    if (n_done > ALERTS_MAX_RESOLVED)
        n_done = ALERTS_MAX_RESOLVED;
    size_t n_list = n_fire > n_pend ? n_fire : n_pend;
    const struct alert **list = xcalloc(n_list ? n_list : 1, sizeof *list);

    snprintf(text, sizeof text, "Firing (%zu)", n_fire);
    push_line(ls, L_HEADING, NULL, text);
    if (n_fire == 0) {
        push_line(ls, L_NOTE, NULL, "no alerts firing");
    } else {
        push_line(ls, L_HEAD_FIRE, NULL, NULL);
        n_fire = alerts_list(a, ALERT_FIRING, list, n_list);
        for (size_t i = 0; i < n_fire && i < n_list; i++)
            push_line(ls, L_FIRING, list[i], NULL);
    }
    if (n_pend > 0) {
        push_line(ls, L_BLANK, NULL, NULL);
        snprintf(text, sizeof text, "Pending (%zu)", n_pend);
        push_line(ls, L_HEADING, NULL, text);
        push_line(ls, L_HEAD_FIRE, NULL, NULL);
        n_pend = alerts_list(a, ALERT_PENDING, list, n_list);
        for (size_t i = 0; i < n_pend && i < n_list; i++)
            push_line(ls, L_PENDING, list[i], NULL);
    }
    push_line(ls, L_BLANK, NULL, NULL);
    snprintf(text, sizeof text, "Resolved (last %zu)", n_done);
    push_line(ls, L_HEADING, NULL, text);
    if (n_done == 0) {
        push_line(ls, L_NOTE, NULL, "none resolved yet");
    } else {
        push_line(ls, L_HEAD_DONE, NULL, NULL);
        for (size_t i = 0; i < n_done; i++) {
            const struct alert *x = alerts_resolved(a, i);
            if (x)
                push_line(ls, L_RESOLVED, x, NULL);
        }
    }
    free(list);
}

/* Draw s in a field of `cells` at *x, then step past it and one space. */
static void field(WINDOW *win, int y, int *x, int w, int cells, const char *s, attr_t attr,
                  bool ascii) {
    if (*x >= w)
        return;
    int room = w - *x;
    if (cells <= 0 || cells > room)
        cells = room;
    draw_text(win, y, *x, cells, s ? s : "-", attr, DRAW_LEFT, ascii);
    *x += cells + 1;
}

static enum color_role severity_role(enum alert_severity s) {
    switch (s) {
    case ALERT_SEV_CRITICAL:
        return ROLE_STATE_BAD;
    case ALERT_SEV_WARNING:
        return ROLE_STATE_WARN;
    default:
        return ROLE_DEFAULT;
    }
}

/* cluster/job, or just the cluster for a cluster-wide alert. */
static void where(const struct alert *a, char *buf, size_t size) {
    if (a->job)
        snprintf(buf, size, "%s/%s", a->cluster ? a->cluster : "-", a->job);
    else
        snprintf(buf, size, "%s", a->cluster ? a->cluster : "-");
}

enum { W_SEV = 8, W_NAME = 26, W_CLUSTER = 14, W_JOB = 18, W_VALUE = 9, W_SINCE = 7 };

static void draw_line(const struct view *v, const struct line *l, WINDOW *win, int y, int w) {
    const struct app *app = v->app;
    bool ascii = v->ascii;
    attr_t plain = colors_attr(ROLE_DEFAULT);
    attr_t dim = colors_attr(ROLE_DIM);
    attr_t head = colors_attr(ROLE_HEADER);
    char value[32], age[16], age2[16], buf[256];
    int x = 1;
    const struct alert *a = l->a;
    switch (l->kind) {
    case L_BLANK:
        return;
    case L_HEADING:
        draw_text(win, y, 1, w - 1, l->text, head, DRAW_LEFT, ascii);
        return;
    case L_NOTE:
        draw_text(win, y, 2, w - 2, l->text, dim, DRAW_LEFT, ascii);
        return;
    case L_HEAD_FIRE:
        field(win, y, &x, w, W_SEV, "SEVERITY", head, ascii);
        field(win, y, &x, w, W_NAME, "NAME", head, ascii);
        field(win, y, &x, w, W_CLUSTER, "CLUSTER", head, ascii);
        field(win, y, &x, w, W_JOB, "JOB", head, ascii);
        field(win, y, &x, w, W_VALUE, "VALUE", head, ascii);
        field(win, y, &x, w, W_SINCE, "SINCE", head, ascii);
        field(win, y, &x, w, 0, "MESSAGE", head, ascii);
        return;
    case L_HEAD_DONE:
        field(win, y, &x, w, 8, "FIRED", head, ascii);
        field(win, y, &x, w, 8, "RESOLVED", head, ascii);
        field(win, y, &x, w, 7, "FOR", head, ascii);
        field(win, y, &x, w, W_NAME, "NAME", head, ascii);
        field(win, y, &x, w, W_CLUSTER + W_JOB + 1, "CLUSTER/JOB", head, ascii);
        field(win, y, &x, w, 0, "LAST VALUE", head, ascii);
        return;
    case L_FIRING:
    case L_PENDING: {
        bool pending = l->kind == L_PENDING;
        attr_t attr = pending ? dim : plain;
        field(win, y, &x, w, W_SEV, alert_severity_name(a->severity),
              pending ? dim : colors_attr(severity_role(a->severity)), ascii);
        field(win, y, &x, w, W_NAME, a->rule, attr, ascii);
        field(win, y, &x, w, W_CLUSTER, a->cluster, attr, ascii);
        field(win, y, &x, w, W_JOB, a->job, attr, ascii);
        field(win, y, &x, w, W_VALUE, alert_format_value(a->value, value, sizeof value), attr,
              ascii);
        if (pending) {
            const struct alert_rule *r = alert_rules_find(alerts_rules(app->alerts), a->rule);
            int64_t ms = app->now_ms - a->since_ms;
            snprintf(buf, sizeof buf, "pending for %s of %s",
                     text_age(ms < 0 ? 0 : ms, age, sizeof age),
                     r ? text_age(r->for_ms, age2, sizeof age2) : "-");
            field(win, y, &x, w, 0, buf, attr, ascii);
            return;
        }
        int64_t ms = app->now_ms - a->fired_ms;
        field(win, y, &x, w, W_SINCE, text_age(ms < 0 ? 0 : ms, age, sizeof age), attr, ascii);
        field(win, y, &x, w, 0, a->message, attr, ascii);
        return;
    }
    case L_RESOLVED:
        field(win, y, &x, w, 8, text_clock(a->fired_ms, age, sizeof age), plain, ascii);
        field(win, y, &x, w, 8, text_clock(a->resolved_ms, age2, sizeof age2), plain, ascii);
        field(win, y, &x, w, 7, text_duration(a->resolved_ms - a->fired_ms, value, sizeof value),
              plain, ascii);
        field(win, y, &x, w, W_NAME, a->rule, plain, ascii);
        where(a, buf, sizeof buf);
        field(win, y, &x, w, W_CLUSTER + W_JOB + 1, buf, plain, ascii);
        field(win, y, &x, w, 0, alert_format_value(a->value, value, sizeof value), plain, ascii);
        return;
    }
}

static void alerts_title(struct view *v, char *buf, size_t size) {
    const struct alerts *a = v->app->alerts;
    if (!have_rules(a)) {
        snprintf(buf, size, "Alerts");
        return;
    }
    size_t counts[ALERT_SEV_COUNT];
    size_t n = alerts_counts(a, counts);
    snprintf(buf, size, "Alerts (%zu firing)", n);
}

static void alerts_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    if (h <= 0)
        return;
    const struct alerts *a = v->app->alerts;
    if (!have_rules(a)) {
        view_message(win, y + h / 2, w, "no alert rules loaded", ROLE_DIM, v->ascii);
        return;
    }
    struct lines ls = {NULL, 0, 0};
    build(a, &ls);
    int n = (int)ls.len;
    if (v->scroll > n - h)
        v->scroll = n - h;
    if (v->scroll < 0)
        v->scroll = 0;
    for (int r = 0; r < h && v->scroll + r < n; r++)
        draw_line(v, &ls.items[v->scroll + r], win, y + r, w);
    free(ls.items);
}

static unsigned alerts_key(struct view *v, enum request req, struct view_open *open) {
    (void)open;
    return view_scroll_key(
        v, req, ALERTS_MAX_INSTANCES + ALERTS_MAX_RESOLVED + 16); /* draw clamps the bottom */
}

static const enum request alerts_help[] = {REQ_UP,  REQ_DOWN,   REQ_PAGE_UP, REQ_PAGE_DOWN,
                                           REQ_TOP, REQ_BOTTOM, REQ_NONE};

const struct view_ops view_alerts = {
    "Alerts", NULL, NULL, alerts_title, alerts_draw, alerts_key, alerts_help,
};

enum color_role view_alert_name(const struct app *app, const char *cluster, const char *job_id,
                                const char *name, char *buf, size_t size, enum color_role plain) {
    enum alert_severity s = ALERT_SEV_NONE;
    if (app->alerts && cluster)
        s = job_id ? alerts_worst_for_job(app->alerts, cluster, job_id)
                   : alerts_worst_for_cluster(app->alerts, cluster);
    if (s == ALERT_SEV_CRITICAL || s == ALERT_SEV_WARNING) {
        snprintf(buf, size, "%s %s", s == ALERT_SEV_CRITICAL ? "!" : "~", name);
        return severity_role(s);
    }
    snprintf(buf, size, "%s", name);
    return plain;
}
