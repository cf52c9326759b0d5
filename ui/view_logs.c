/* The log pager (`l`): a JobManager's or a task manager's log, the newest part of it up
 * to the cap, opened at its end. Up/Down/PgUp/PgDn/Home/End move; `/` searches as you
 * type (case-insensitive) and n/N go to the next and previous match; E goes to the next
 * ERROR line or "Caused by:"; w wraps long lines or cuts them; l reads the file again
 * (Flink serves whole files, so it is never re-read by itself). ERROR lines and their
 * traces are red, WARN yellow. The title says which log, from where, how much. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "k8s_model.h"
#include "log_fetch.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "view.h"
#include "wrap.h"
#include "xalloc.h"

#define LOG_TAIL_LINES 20000 /* of a pod's log: the pager keeps the newest anyway */

struct logs_view {
    struct log_fetch *f; /* owned */
    struct logs *logs;   /* borrowed: to open the other container's log */
    const struct http_tls *tls; /* borrowed: the cluster's */
    char *pod_url;   /* owned: a Kubernetes pod's log URL without its query, NULL: Flink REST */
    char *pod_title; /* owned: "pod NAME in NS" */
    bool previous;   /* the pod's previous (dead) container */
    uint64_t top;        /* first line shown */
    bool at_end;         /* the view follows the end as lines arrive */
    bool wrap;
    int page;                           /* text rows at the last draw */
    char search[TABLE_FILTER_MAX];      /* what `/` edits */
    char searched[TABLE_FILTER_MAX];    /* what the view last jumped for */
    int64_t hit;                        /* the line of the current match, -1 none */
    char note[TABLE_FILTER_MAX + 64]; /* "no more matches", shown once */
};

static struct logs_view *lv_of(const struct view *v) { return v->priv; }

static void lv_free(void *p) {
    struct logs_view *lv = p;
    log_fetch_free(lv->f);
    free(lv->pod_url);
    free(lv->pod_title);
    free(lv);
}

/* The pod a log lives in on an operator's cluster: a task manager's pod is named by its
 * resource id (native Kubernetes mode), the JobManager's is the cluster's pod labelled
 * component=jobmanager (the running one first). NULL: not on Kubernetes, not listed. */
static const struct pod *pod_of(const struct cluster *c, const char *tm_id) {
    const struct k8s_namespace_state *ns = k8s_cluster_namespace(c);
    if (ns == NULL || c->k8s.name == NULL)
        return NULL;
    const struct pod *best = NULL;
    for (size_t i = 0; i < ns->pods.len; i++) {
        const struct pod *p = &ns->pods.items[i];
        if (tm_id) {
            if (strcmp(p->name, tm_id) == 0)
                return p;
            continue;
        }
        if (p->app && p->component && strcmp(p->app, c->k8s.name) == 0 &&
            strcmp(p->component, "jobmanager") == 0 &&
            (best == NULL || (best->phase != POD_PHASE_RUNNING && p->phase == POD_PHASE_RUNNING)))
            best = p;
    }
    return best;
}

/* (Re)open the pod's log: the current container followed (new lines as they are
 * written), or the previous one whole (the container that died: after an OOMKill or a
 * crash loop, the log that matters). */
static void open_pod_log(struct logs_view *lv) {
    char path[64], title[512];
    snprintf(path, sizeof path, "?container=flink-main-container&tailLines=%d%s", LOG_TAIL_LINES,
             lv->previous ? "&previous=true" : "&follow=true");
    snprintf(title, sizeof title, "Log of %s%s", lv->pod_title,
             lv->previous ? ", previous container" : "");
    log_fetch_free(lv->f);
    lv->f = log_fetch_open(lv->logs, lv->pod_url, lv->tls, path, title, !lv->previous);
    lv->at_end = true;
    lv->hit = -1;
}

void view_logs_start(struct view *v, struct logs *logs, const struct cluster *c, const char *tm_id) {
    struct logs_view *lv = xcalloc(1, sizeof *lv);
    lv->at_end = true;
    lv->hit = -1;
    lv->logs = logs;
    lv->tls = c->tls;
    const char *server = k8s_cluster_server(c);
    const struct pod *pod = server ? pod_of(c, tm_id) : NULL;
    if (logs && pod) {
        lv->pod_url = xasprintf("%s/api/v1/namespaces/%s/pods/%s/log", server, pod->namespace,
                                pod->name);
        lv->pod_title = xasprintf("pod %s in %s", pod->name, pod->namespace);
        open_pod_log(lv);
        v->priv = lv;
        v->priv_free = lv_free;
        return;
    }
    char path[256], title[256];
    if (tm_id) {
        snprintf(path, sizeof path, "/taskmanagers/%s/log", tm_id);
        snprintf(title, sizeof title, "Log of task manager %s (%s)", tm_id, c->name);
    } else {
        snprintf(path, sizeof path, "/jobmanager/log");
        snprintf(title, sizeof title, "JobManager log of %s", c->name);
    }
    if (logs)
        lv->f = log_fetch_open(logs, c->url, c->tls, path, title, false);
    v->priv = lv;
    v->priv_free = lv_free;
}

void view_logs_start_path(struct view *v, struct logs *logs, const struct cluster *c,
                          const char *path, const char *title, bool thread_dump) {
    struct logs_view *lv = xcalloc(1, sizeof *lv);
    lv->at_end = !thread_dump; /* a thread dump reads from its first thread */
    lv->hit = -1;
    lv->logs = logs;
    lv->tls = c->tls;
    if (logs)
        lv->f = thread_dump ? log_fetch_open_thread_dump(logs, c->url, c->tls, path, title)
                            : log_fetch_open(logs, c->url, c->tls, path, title, false);
    v->priv = lv;
    v->priv_free = lv_free;
}

bool view_logs_search(struct view *v, struct table_filter *out) {
    struct logs_view *lv = lv_of(v);
    if (lv == NULL)
        return false;
    memset(out, 0, sizeof *out);
    out->text = lv->search;
    return true;
}

static void logs_title(struct view *v, char *buf, size_t size) {
    struct logs_view *lv = lv_of(v);
    snprintf(buf, size, "%s", lv && lv->f ? lv->f->title : "Log");
}

static enum color_role level_role(enum log_level l) {
    switch (l) {
    case LOG_LEVEL_ERROR:
        return ROLE_STATE_BAD;
    case LOG_LEVEL_WARN:
        return ROLE_STATE_WARN;
    case LOG_LEVEL_DEBUG:
        return ROLE_DIM;
    default:
        return ROLE_DEFAULT;
    }
}

/* Rows line no takes at width w. */
static int rows_of(const struct logs_view *lv, const struct log_line *l, int w) {
    if (!lv->wrap || w <= 0)
        return 1;
    int n = wrap_count(l->text, w, true);
    return n > 0 ? n : 1;
}

/* Show line no a third down the screen, marked. */
static void go_to(struct logs_view *lv, int64_t no) {
    lv->hit = no;
    lv->at_end = false;
    lv->top = (uint64_t)no > (uint64_t)(lv->page / 3) ? (uint64_t)no - (uint64_t)(lv->page / 3) : 0;
}

/* Jump to the first match of the search at or after from (or before, backward); past
 * the end it goes on from the other end, as less does, and says so. */
static void find(struct logs_view *lv, uint64_t from, bool backward) {
    const struct log_buffer *b = &lv->f->lines;
    int64_t no = log_buffer_search(b, lv->search, from, backward);
    if (no < 0) {
        no = log_buffer_search(b, lv->search, backward ? UINT64_MAX : 0, backward);
        if (no < 0) {
            snprintf(lv->note, sizeof lv->note, "\"%s\": not found", lv->search);
            return;
        }
        snprintf(lv->note, sizeof lv->note, "\"%s\": went on from the %s", lv->search,
                 backward ? "end" : "top");
    }
    go_to(lv, no);
}

static void logs_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    struct logs_view *lv = lv_of(v);
    bool ascii = v->ascii;
    if (h < 3 || lv == NULL)
        return;
    if (lv->f == NULL) {
        view_message(win, y + h / 2, w, "logs are not available here", ROLE_DIM, ascii);
        return;
    }
    const struct log_buffer *b = &lv->f->lines;
    /* the search as typed: jump to its first match from where the view is */
    if (strcmp(lv->search, lv->searched) != 0) {
        snprintf(lv->searched, sizeof lv->searched, "%s", lv->search);
        lv->note[0] = '\0';
        lv->hit = -1;
        if (lv->search[0])
            find(lv, lv->top, false);
    }
    /* where it stands: source state, size, lines held, what was dropped for the cap */
    char status[320], size[32];
    units_bytes((double)lv->f->bytes, size, sizeof size);
    uint64_t first = log_buffer_first(b), end = log_buffer_end_no(b);
    enum color_role role = ROLE_DIM;
    if (lv->f->state == LOG_FETCH_ERROR) {
        snprintf(status, sizeof status, "%s", lv->f->error);
        role = ROLE_ERROR;
    } else {
        snprintf(status, sizeof status, "%s %s, %llu lines%s%s%s   / search  E next error  w wrap  l read again%s",
                 lv->f->state != LOG_FETCH_LOADING ? (lv->f->follow ? "stream ended:" : "read")
                 : lv->f->follow                   ? "following:"
                                                   : "reading",
                 size,
                 (unsigned long long)(end - first), b->dropped ? " (the oldest dropped: over the cap)" : "",
                 lv->wrap ? ", wrapped" : "", lv->at_end ? ", at the end" : "",
                 lv->pod_url ? (lv->previous ? "  p current container" : "  p previous container") : "");
    }
    if (lv->note[0]) {
        snprintf(status, sizeof status, "%s", lv->note);
        role = ROLE_STATE_WARN;
    }
    draw_text(win, y, 1, w - 1, status, colors_attr(role), DRAW_LEFT, ascii);
    int body = h - 1, tw = w - 1;
    lv->page = body;
    if (end == first) {
        view_message(win, y + 1 + (body - 1) / 2, w,
                     lv->f->state == LOG_FETCH_LOADING ? (ascii ? "reading the log..." : "reading the log\u2026")
                                                        : "the log is empty",
                     ROLE_DIM, ascii);
        return;
    }
    if (lv->top < first)
        lv->top = first;
    if (lv->at_end) { /* the last lines fill the screen */
        int rows = 0;
        uint64_t t = end;
        while (t > first) {
            int r = rows_of(lv, log_buffer_line(b, t - 1), tw);
            if (rows + r > body)
                break;
            rows += r;
            t--;
        }
        lv->top = t;
    }
    if (lv->top >= end)
        lv->top = end - 1;
    int row = 0;
    for (uint64_t no = lv->top; no < end && row < body; no++) {
        const struct log_line *l = log_buffer_line(b, no);
        attr_t attr = colors_attr(level_role(l->level));
        if ((int64_t)no == lv->hit)
            attr = colors_attr(ROLE_SELECTED);
        if (!lv->wrap) {
            draw_text(win, y + 1 + row++, 1, tw, l->text, attr, DRAW_LEFT, ascii);
            continue;
        }
        row += draw_wrapped(win, y + 1 + row, 1, tw, body - row, l->text, attr, ascii);
    }
}

static void scroll_by(struct logs_view *lv, int64_t n) {
    const struct log_buffer *b = &lv->f->lines;
    uint64_t first = log_buffer_first(b), end = log_buffer_end_no(b);
    int64_t top = (int64_t)lv->top + n;
    if (top < (int64_t)first)
        top = (int64_t)first;
    lv->top = (uint64_t)top;
    /* at the end again when the last line is on screen */
    lv->at_end = end == first || lv->top + (uint64_t)(lv->page > 0 ? lv->page : 1) >= end;
}

static unsigned logs_key(struct view *v, enum request req, struct view_open *open) {
    (void)open;
    struct logs_view *lv = lv_of(v);
    if (lv == NULL || lv->f == NULL)
        return 0;
    int page = lv->page > 1 ? lv->page - 1 : 1;
    lv->note[0] = '\0';
    switch (req) {
    case REQ_UP:
        scroll_by(lv, -1);
        break;
    case REQ_DOWN:
        scroll_by(lv, 1);
        break;
    case REQ_PAGE_UP:
        scroll_by(lv, -page);
        break;
    case REQ_PAGE_DOWN:
        scroll_by(lv, page);
        break;
    case REQ_TOP:
        lv->top = 0;
        scroll_by(lv, 0);
        break;
    case REQ_BOTTOM:
        lv->at_end = true;
        break;
    case REQ_NEXT_MATCH:
    case REQ_PREV_MATCH:
        if (lv->search[0] == '\0') {
            snprintf(lv->note, sizeof lv->note, "/ first: type what to look for");
            break;
        }
        if (req == REQ_NEXT_MATCH)
            find(lv, lv->hit >= 0 ? (uint64_t)lv->hit + 1 : lv->top, false);
        else
            find(lv, lv->hit > 0 ? (uint64_t)lv->hit - 1 : lv->top, true);
        break;
    case REQ_NEXT_ERROR: {
        uint64_t from = lv->hit >= 0 ? (uint64_t)lv->hit + 1 : lv->top;
        int64_t no = log_buffer_next_error(&lv->f->lines, from);
        if (no < 0 && (no = log_buffer_next_error(&lv->f->lines, 0)) >= 0)
            snprintf(lv->note, sizeof lv->note, "no ERROR below: went on from the top");
        if (no < 0) {
            snprintf(lv->note, sizeof lv->note, "no ERROR line or \"Caused by\" in this log");
            break;
        }
        go_to(lv, no);
        break;
    }
    case REQ_WRAP:
        lv->wrap = !lv->wrap;
        break;
    case REQ_LOGS: /* l again: read the file again */
        log_fetch_reload(lv->f);
        lv->at_end = true;
        lv->hit = -1;
        break;
    case REQ_LOG_PREVIOUS:
        if (lv->pod_url == NULL) {
            snprintf(lv->note, sizeof lv->note,
                     "p: only a Kubernetes pod has a previous container (this log is Flink's)");
            break;
        }
        lv->previous = !lv->previous;
        open_pod_log(lv);
        break;
    default:
        return 0;
    }
    return UI_REDRAW;
}

/* y: the line under the search hit, else the first line on screen. */
static char *logs_copy(struct view *v, char *what, size_t size) {
    struct logs_view *lv = lv_of(v);
    if (lv == NULL || lv->f == NULL)
        return NULL;
    const struct log_line *l =
        log_buffer_line(&lv->f->lines, lv->hit >= 0 ? (uint64_t)lv->hit : lv->top);
    if (l == NULL)
        return NULL;
    snprintf(what, size, "log line");
    return xstrdup(l->text);
}

static const enum request logs_help[] = {
    REQ_UP,         REQ_DOWN,   REQ_PAGE_UP, REQ_PAGE_DOWN, REQ_TOP,  REQ_BOTTOM,
    REQ_FILTER,     REQ_NEXT_MATCH, REQ_PREV_MATCH, REQ_NEXT_ERROR, REQ_WRAP, REQ_LOGS,
    REQ_LOG_PREVIOUS, REQ_NONE,
};

const struct view_ops view_logs = {
    "Log", NULL, NULL, logs_title, logs_draw, logs_key, logs_help, logs_copy,
};
