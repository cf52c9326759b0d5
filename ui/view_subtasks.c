/* Enter on a vertex (a heatmap row, the overview's vertex list): that vertex's subtasks,
 * one row each: status, attempt, how long it runs, busy / backpressured / idle (the
 * heatmap's per-subtask ratios), records and bytes in and out, and where it runs (task
 * manager, its pod, host). Sorted to show skew (busiest first; < > pick another column,
 * I inverts), with the skew called out over the table: the max against the median of busy
 * and of records in, and the subtask that has the max. Its data (/jobs/:jid/vertices/:vid
 * and .../taskmanagers) is asked only while this screen is shown (poller_focus.drill_vertex);
 * nothing here sends anything. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "k8s_model.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "vertex_name.h"
#include "view.h"
#include "xalloc.h"

enum {
    SC_INDEX,
    SC_STATUS,
    SC_ATTEMPT,
    SC_DURATION,
    SC_BUSY,
    SC_BACKPR,
    SC_IDLE,
    SC_REC_IN,
    SC_REC_OUT,
    SC_BYTES_IN,
    SC_BYTES_OUT,
    SC_TM,
    SC_POD,
    SC_HOST,
    SC_N
};

static const struct table_col cols[SC_N] = {
    [SC_INDEX] = {"#", 3, 0, false, true},
    [SC_STATUS] = {"STATUS", 8, 5, false, false},
    [SC_ATTEMPT] = {"ATT", 3, 8, false, true},
    [SC_DURATION] = {"UPTIME", 7, 6, false, true},
    [SC_BUSY] = {"BUSY", 5, 0, false, true},
    [SC_BACKPR] = {"BACKPR", 6, 0, false, true},
    [SC_IDLE] = {"IDLE", 5, 4, false, true},
    [SC_REC_IN] = {"REC IN", 7, 0, false, true},
    [SC_REC_OUT] = {"REC OUT", 7, 3, false, true},
    [SC_BYTES_IN] = {"BYTES IN", 8, 7, false, true},
    [SC_BYTES_OUT] = {"BYTES OUT", 9, 7, false, true},
    [SC_TM] = {"TASK MANAGER", 12, 0, true, false, true},
    [SC_POD] = {"POD", 8, 9, true, false},
    [SC_HOST] = {"HOST", 8, 2, true, false},
};

struct subtasks_view {
    char vertex_id[33];
    char key[16]; /* a row key made on demand */
};

/* What the screen shows, looked up again at every use (the model is replaced by polls). */
struct drill_ctx {
    struct cluster *cluster;
    struct job *job;
    const struct vertex *vertex;       /* NULL: it left the job */
    const struct subtask_drill *drill; /* NULL: not answered yet for this vertex */
};

static struct drill_ctx resolve(const struct view *v) {
    struct drill_ctx x = {0};
    const struct subtasks_view *sv = v->priv;
    x.cluster = view_cluster(v);
    x.job = x.cluster && v->job_id[0] ? cluster_find_job(x.cluster, v->job_id) : NULL;
    struct job_detail *d = x.job ? x.job->detail : NULL;
    if (d == NULL || sv == NULL)
        return x;
    x.vertex = job_detail_vertex(d, sv->vertex_id);
    if (d->drill && strcmp(d->drill->vertex_id, sv->vertex_id) == 0)
        x.drill = d->drill;
    return x;
}

static const struct subtask_info *sub_at(const struct drill_ctx *x, size_t row) {
    return x->drill && row < x->drill->subtasks.len ? &x->drill->subtasks.items[row] : NULL;
}

/* The heatmap's ratio of subtask s (busy, backpressured or idle), NaN unknown. */
static double ratio_of(const struct drill_ctx *x, const struct subtask_info *s, int col) {
    const struct vertex *vx = x->vertex;
    if (vx == NULL || !vx->bp_sampled || s->index < 0 || (size_t)s->index >= vx->n_subtasks)
        return NAN;
    const double *a = col == SC_BUSY     ? vx->busy_ratio
                      : col == SC_BACKPR ? vx->bp_ratio
                                         : vx->idle_ratio;
    return a ? a[s->index] : NAN;
}

/* The pod a task manager runs in: on Kubernetes (native mode) its resource id is the pod's
 * name. NULL when no pod of the cluster's namespace has it. borrowed */
static const struct pod *pod_of(const struct drill_ctx *x, const char *tm_id) {
    const struct k8s_namespace_state *ns = x->cluster ? k8s_cluster_namespace(x->cluster) : NULL;
    for (size_t i = 0; ns && tm_id && i < ns->pods.len; i++)
        if (ns->pods.items[i].name && strcmp(ns->pods.items[i].name, tm_id) == 0)
            return &ns->pods.items[i];
    return NULL;
}

static size_t rows_count(void *ctx) {
    struct drill_ctx x = resolve(ctx);
    return x.drill ? x.drill->subtasks.len : 0;
}

static char *count_text(int64_t v, char *buf, size_t size) {
    if (v < 0)
        snprintf(buf, size, "-");
    else
        units_si((double)v, buf, size);
    return buf;
}

static enum color_role status_role(const char *s) {
    if (s == NULL)
        return ROLE_DIM;
    if (strcmp(s, "RUNNING") == 0 || strcmp(s, "FINISHED") == 0)
        return ROLE_DEFAULT;
    if (strcmp(s, "FAILED") == 0 || strcmp(s, "CANCELED") == 0)
        return ROLE_STATE_BAD;
    return ROLE_STATE_WARN;
}

static enum color_role ratio_role(double r, int col) {
    if (isnan(r))
        return ROLE_DIM;
    if (col == SC_IDLE)
        return ROLE_DEFAULT;
    return r > 0.5 ? ROLE_STATE_BAD : r > 0.1 ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct drill_ctx x = resolve(ctx);
    const struct subtask_info *s = sub_at(&x, row);
    buf[0] = '\0';
    if (s == NULL)
        return ROLE_DEFAULT;
    switch (col) {
    case SC_INDEX:
        snprintf(buf, size, "%d", s->index);
        return ROLE_DIM;
    case SC_STATUS:
        snprintf(buf, size, "%s", s->status ? s->status : "-");
        return status_role(s->status);
    case SC_ATTEMPT:
        if (s->attempt >= 0)
            snprintf(buf, size, "%d", s->attempt);
        else
            snprintf(buf, size, "-");
        return s->attempt > 0 ? ROLE_STATE_WARN : ROLE_DIM;
    case SC_DURATION:
        if (s->duration_ms >= 0)
            text_duration(s->duration_ms, buf, size);
        else
            snprintf(buf, size, "-");
        return ROLE_DEFAULT;
    case SC_BUSY:
    case SC_BACKPR:
    case SC_IDLE: {
        double r = ratio_of(&x, s, col);
        units_percent(r, buf, size);
        return ratio_role(r, col);
    }
    case SC_REC_IN:
        count_text(s->read_records, buf, size);
        return ROLE_DEFAULT;
    case SC_REC_OUT:
        count_text(s->write_records, buf, size);
        return ROLE_DEFAULT;
    case SC_BYTES_IN:
        if (s->read_bytes >= 0)
            units_bytes((double)s->read_bytes, buf, size);
        else
            snprintf(buf, size, "-");
        return ROLE_DIM;
    case SC_BYTES_OUT:
        if (s->write_bytes >= 0)
            units_bytes((double)s->write_bytes, buf, size);
        else
            snprintf(buf, size, "-");
        return ROLE_DIM;
    case SC_TM:
        snprintf(buf, size, "%s", s->tm_id ? s->tm_id : "-");
        return ROLE_DEFAULT;
    case SC_POD: { /* native mode: the pod is named as the task manager; say how it is */
        const struct pod *p = pod_of(&x, s->tm_id);
        if (p == NULL) {
            snprintf(buf, size, "-");
            return ROLE_DIM;
        }
        const char *why = p->waiting_reason ? p->waiting_reason : p->term_reason;
        snprintf(buf, size, "%s%s%s, %d restarts", pod_phase_name(p->phase), why ? " " : "",
                 why ? why : "", p->restarts);
        return why || p->restarts > 0 ? ROLE_STATE_WARN : ROLE_DEFAULT;
    }
    case SC_HOST: {
        const struct pod *p = pod_of(&x, s->tm_id);
        if (p && p->node)
            snprintf(buf, size, "%s (%s)", s->host ? s->host : "-", p->node);
        else
            snprintf(buf, size, "%s", s->host ? s->host : "-");
        return ROLE_DIM;
    }
    }
    return ROLE_DEFAULT;
}

/* Unknown sorts below every known value: first ascending, last descending (the default,
 * which puts the busiest subtask on top). */
static int cmp_num(double a, double b) {
    bool ua = isnan(a) || a < 0, ub = isnan(b) || b < 0;
    if (ua || ub)
        return ua && ub ? 0 : ua ? -1 : 1;
    return (a > b) - (a < b);
}

static int cmp_str(const char *a, const char *b) { return strcmp(a ? a : "", b ? b : ""); }

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    struct drill_ctx x = resolve(ctx);
    const struct subtask_info *p = sub_at(&x, a), *q = sub_at(&x, b);
    if (p == NULL || q == NULL)
        return 0;
    int c = 0;
    switch (col) {
    case SC_STATUS:
        c = cmp_str(p->status, q->status);
        break;
    case SC_ATTEMPT:
        c = p->attempt - q->attempt;
        break;
    case SC_DURATION:
        c = cmp_num((double)p->duration_ms, (double)q->duration_ms);
        break;
    case SC_BUSY:
    case SC_BACKPR:
    case SC_IDLE:
        c = cmp_num(ratio_of(&x, p, col), ratio_of(&x, q, col));
        break;
    case SC_REC_IN:
        c = cmp_num((double)p->read_records, (double)q->read_records);
        break;
    case SC_REC_OUT:
        c = cmp_num((double)p->write_records, (double)q->write_records);
        break;
    case SC_BYTES_IN:
        c = cmp_num((double)p->read_bytes, (double)q->read_bytes);
        break;
    case SC_BYTES_OUT:
        c = cmp_num((double)p->write_bytes, (double)q->write_bytes);
        break;
    case SC_TM:
    case SC_POD:
        c = cmp_str(p->tm_id, q->tm_id);
        break;
    case SC_HOST:
        c = cmp_str(p->host, q->host);
        break;
    default:
        break;
    }
    return c != 0 ? c : p->index - q->index;
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    struct drill_ctx x = resolve(ctx);
    const struct subtask_info *s = sub_at(&x, row);
    char idx[16];
    if (s == NULL)
        return false;
    snprintf(idx, sizeof idx, "%d", s->index);
    return strcmp(idx, filter) == 0 || text_icontains(s->status, filter) ||
           text_icontains(s->tm_id, filter) || text_icontains(s->host, filter);
}

static const char *rows_key(void *ctx, size_t row) {
    struct view *v = ctx;
    struct subtasks_view *sv = v->priv;
    struct drill_ctx x = resolve(v);
    const struct subtask_info *s = sub_at(&x, row);
    snprintf(sv->key, sizeof sv->key, "%d", s ? s->index : -1);
    return sv->key;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void subtasks_init(struct view *v) {
    table_init(&v->table, cols, SC_N, SC_BUSY);
    v->table.sort_desc = true; /* the busiest first: skew on top */
    v->priv = xcalloc(1, sizeof(struct subtasks_view));
    v->priv_free = free;
}

void view_subtasks_start(struct view *v, const char *vertex_id) {
    if (v->ops != &view_subtasks || v->priv == NULL)
        return;
    struct subtasks_view *sv = v->priv;
    snprintf(sv->vertex_id, sizeof sv->vertex_id, "%s", vertex_id ? vertex_id : "");
}

const char *view_subtasks_vertex(const struct view *v) {
    if (v->ops != &view_subtasks || v->priv == NULL)
        return NULL;
    const struct subtasks_view *sv = v->priv;
    return sv->vertex_id[0] ? sv->vertex_id : NULL;
}

/* The vertex's shown name ("Map (2)" when names repeat) into buf. */
static const char *vertex_label(const struct drill_ctx *x, char *buf, size_t size) {
    const struct job_detail *d = x->job ? x->job->detail : NULL;
    if (x->vertex == NULL || d == NULL) {
        snprintf(buf, size, "vertex");
        return buf;
    }
    return vertex_name_shown(&d->vertices, (size_t)(x->vertex - d->vertices.items), buf, size);
}

static void subtasks_title(struct view *v, char *buf, size_t size) {
    struct drill_ctx x = resolve(v);
    char name[200];
    char label[300];
    snprintf(label, sizeof label, "Subtasks of %s", vertex_label(&x, name, sizeof name));
    view_table_title(v, label, buf, size);
}

/* One skew figure: "busy max 92% (#3) / median 40% = 2.3x" into buf; the role says how
 * bad (2x and more is the kind of skew worth a look). */
static enum color_role skew_text(const char *what, const double *vals, const int *idx, size_t n,
                                 bool pct, char *buf, size_t size) {
    double med = subtasks_median(vals, n);
    double max = -1;
    int at = -1;
    for (size_t i = 0; i < n; i++)
        if (vals[i] >= 0 && vals[i] > max) {
            max = vals[i];
            at = idx[i];
        }
    if (max < 0) {
        snprintf(buf, size, "%s -", what);
        return ROLE_DIM;
    }
    char a[24], b[24];
    if (pct) {
        units_percent(max, a, sizeof a);
        units_percent(med, b, sizeof b);
    } else {
        units_si(max, a, sizeof a);
        units_si(med, b, sizeof b);
    }
    if (med > 0) {
        double f = max / med;
        snprintf(buf, size, "%s max %s (#%d) / median %s = %.1fx", what, a, at, b, f);
        return f >= 2 ? ROLE_STATE_BAD : f >= 1.3 ? ROLE_STATE_WARN : ROLE_STATE_OK;
    }
    snprintf(buf, size, "%s max %s (#%d) / median %s", what, a, at, b);
    return med == 0 && max > 0 ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

/* The skew line over the table and, when room is left under it, where the subtasks run. */
static void subtasks_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    struct drill_ctx x = resolve(v);
    bool ascii = v->ascii;
    if (x.job == NULL || x.vertex == NULL) {
        view_message(win, y + (h - 1) / 2, w, "the vertex is no longer in the job", ROLE_DIM,
                     ascii);
        return;
    }
    if (x.drill == NULL ||
        (x.drill->subtasks_src.last_ok_ms == 0 && x.drill->subtasks_src.state != SOURCE_ERROR)) {
        view_message(win, y + (h - 1) / 2, w,
                     ascii ? "loading subtasks..." : "loading subtasks\u2026", ROLE_DIM, ascii);
        return;
    }
    const struct subtask_list *l = &x.drill->subtasks;
    if (x.drill->subtasks_src.state == SOURCE_ERROR && x.drill->subtasks_src.error[0]) {
        draw_text(win, y, 1, w - 1, x.drill->subtasks_src.error, colors_attr(ROLE_ERROR), DRAW_LEFT,
                  ascii);
        y++;
        h--;
    }
    /* the skew: max against median of busy and of records in */
    double *busy = xcalloc(l->len + 1, sizeof *busy);
    double *rin = xcalloc(l->len + 1, sizeof *rin);
    int *idx = xcalloc(l->len + 1, sizeof *idx);
    for (size_t i = 0; i < l->len; i++) {
        double r = ratio_of(&x, &l->items[i], SC_BUSY);
        busy[i] = isnan(r) ? -1 : r;
        rin[i] = (double)l->items[i].read_records;
        idx[i] = l->items[i].index;
    }
    char s1[96], s2[96], s3[64];
    enum color_role r1 = skew_text("busy", busy, idx, l->len, true, s1, sizeof s1);
    enum color_role r2 = skew_text("records in", rin, idx, l->len, false, s2, sizeof s2);
    snprintf(s3, sizeof s3, "(sorted by %s; < > I)",
             v->table.sort_col >= 0 ? cols[v->table.sort_col].title : "subtask");
    free(busy);
    free(rin);
    free(idx);
    draw_blank(win, y, 0, w, colors_attr(ROLE_DEFAULT));
    int x0 = 1;
    x0 += draw_text(win, y, x0, w - x0, "skew: ", colors_attr(ROLE_HEADER), DRAW_LEFT, ascii);
    x0 += draw_text(win, y, x0, w - x0, s1, colors_attr(r1), DRAW_LEFT, ascii) + 2;
    if (x0 + text_width(s2) < w)
        x0 += draw_text(win, y, x0, w - x0, s2, colors_attr(r2), DRAW_LEFT, ascii) + 2;
    if (x0 + text_width(s3) < w)
        draw_text(win, y, x0, w - x0, s3, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
    y++;
    h--;
    /* where they run, under the table when there is room: task manager: subtasks */
    const struct vertex_tm_list *tms = &x.drill->tms;
    int foot = h >= 12 && tms->len > 0 ? 2 : 0;
    table_draw(&v->table, win, y, h - foot, w, ascii, &rows, v);
    if (l->len == 0 && h > 1) {
        view_table_empty(v, win, y + 1 + (h - foot - 1) / 2, w, "no subtasks");
        return;
    }
    if (foot == 0)
        return;
    char line[1024];
    size_t off = (size_t)snprintf(line, sizeof line, "task managers (%zu):", tms->len);
    for (size_t i = 0; i < tms->len && off < sizeof line; i++)
        off += (size_t)snprintf(line + off, sizeof line - off, "%s %s (%d)", i ? "," : "",
                                tms->items[i].tm_id ? tms->items[i].tm_id : "-",
                                tms->items[i].subtasks);
    draw_text(win, y + h - 1, 1, w - 1, line, colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
}

/* y: the selected subtask's task manager id (what `l` or a search needs next). */
static char *subtasks_copy(struct view *v, char *what, size_t size) {
    size_t row;
    if (!table_selected(&v->table, &row))
        return NULL;
    struct drill_ctx x = resolve(v);
    const struct subtask_info *s = sub_at(&x, row);
    if (s == NULL || s->tm_id == NULL)
        return NULL;
    snprintf(what, size, "task manager id");
    return xstrdup(s->tm_id);
}

static const enum request subtasks_help[] = {
    REQ_UP,     REQ_DOWN,      REQ_PAGE_UP,   REQ_PAGE_DOWN,   REQ_TOP,  REQ_BOTTOM,
    REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_COPY, REQ_NONE,
};

const struct view_ops view_subtasks = {
    "Subtasks",    &rows, subtasks_init, subtasks_title,
    subtasks_draw, NULL,  subtasks_help, subtasks_copy,
};
