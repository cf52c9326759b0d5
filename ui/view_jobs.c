/* One cluster's jobs: state (coloured by how worried to be), uptime, parallelism and
 * tasks, start time. Problems sort first. The list is replaced on every poll; the
 * table finds the selected job again by its id. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "operations.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "xalloc.h"

enum { JC_MARK, JC_NAME, JC_STATE, JC_UPTIME, JC_TASKS, JC_STARTED, JC_ID, JC_N };

static const struct table_col cols[JC_N] = {
    [JC_MARK] = {"", 1, 0, false, false, false, true},
    [JC_NAME] = {"NAME", 12, 0, true, false, true},  [JC_STATE] = {"STATE", 12, 0, false, false},
    [JC_UPTIME] = {"UPTIME", 6, 2, false, true},     [JC_TASKS] = {"PAR/TASKS", 9, 3, false, true},
    [JC_STARTED] = {"STARTED", 19, 4, false, false}, [JC_ID] = {"ID", 32, 5, false, false},
};

/* The default order: what needs a look first. */
static int state_rank(enum job_state s) {
    switch (view_job_state_role(s)) {
    case ROLE_STATE_BAD:
        return 0;
    case ROLE_STATE_WARN:
        return 1;
    case ROLE_STATE_OK:
        return 2;
    case ROLE_DEFAULT:
        return 3; /* unknown */
    default:
        return 4; /* ended */
    }
}

static const struct job_list *jobs_of(const struct view *v) {
    static const struct job_list none = {NULL, 0};
    const struct cluster *c = view_cluster(v);
    return c ? &c->jobs : &none;
}

static const struct job *job_at(void *ctx, size_t row) { return &jobs_of(ctx)->items[row]; }

static size_t rows_count(void *ctx) { return jobs_of(ctx)->len; }

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct view *v = ctx;
    const struct job *j = job_at(ctx, row);
    const struct cluster *c = view_cluster(v);
    enum color_role plain = c && app_cluster_stale(v->app, c) ? ROLE_STALE : ROLE_DEFAULT;
    switch (col) {
    case JC_MARK:
        return view_alert_mark(v->app, c ? c->name : NULL, j->id, buf, size);
    case JC_NAME:
        snprintf(buf, size, "%s", j->name ? j->name : "-");
        return plain;
    case JC_STATE: {
        const char *st = j->state == JOB_UNKNOWN ? "-" : job_state_name(j->state);
        /* an action under way marks the row until it ends (o has the details) */
        const struct operation *op =
            c ? operations_running(v->app->ops, app_cluster_id(v->app, c), j->id[0] ? j->id : NULL,
                                   NULL)
              : NULL;
        if (op) {
            snprintf(buf, size, "%s *%s", st, op->action);
            return ROLE_STATE_WARN;
        }
        snprintf(buf, size, "%s", st);
        return view_job_state_role(j->state);
    }
    case JC_UPTIME:
        text_duration(j->duration_ms, buf, size);
        return plain;
    case JC_TASKS:
        text_ratio(j->parallelism, j->tasks_total, buf, size);
        return plain;
    case JC_STARTED:
        text_datetime(j->start_time, buf, size);
        return plain;
    default:
        snprintf(buf, size, "%s", j->id[0] ? j->id : "-");
        return plain;
    }
}

static int cmp_str(const char *a, const char *b) {
    if (a == NULL || b == NULL)
        return (a == NULL) - (b == NULL); /* unknown last */
    return strcmp(a, b);
}

static int cmp_num(int64_t a, int64_t b) {
    if ((a < 0) != (b < 0))
        return a < 0 ? 1 : -1; /* unknown last */
    return (a > b) - (a < b);
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct job *ja = job_at(ctx, a), *jb = job_at(ctx, b);
    int c = 0;
    switch (col) {
    case JC_STATE:
        c = state_rank(ja->state) - state_rank(jb->state);
        break;
    case JC_UPTIME:
        c = cmp_num(ja->duration_ms, jb->duration_ms);
        break;
    case JC_TASKS:
        c = cmp_num(ja->parallelism, jb->parallelism);
        c = c ? c : cmp_num(ja->tasks_total, jb->tasks_total);
        break;
    case JC_STARTED:
        c = cmp_num(ja->start_time, jb->start_time);
        break;
    case JC_ID:
        c = strcmp(ja->id, jb->id);
        break;
    default:
        break;
    }
    /* then by name, then id: a stable order whatever the server's */
    c = c ? c : cmp_str(ja->name, jb->name);
    return c ? c : strcmp(ja->id, jb->id);
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct job *j = job_at(ctx, row);
    return text_icontains(j->name, filter) || text_icontains(j->id, filter) ||
           (j->state != JOB_UNKNOWN && text_icontains(job_state_name(j->state), filter));
}

static const char *rows_key(void *ctx, size_t row) {
    const struct job *j = job_at(ctx, row);
    return j->id[0] ? j->id : j->name;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void jobs_init(struct view *v) { table_init(&v->table, cols, JC_N, JC_STATE); }

static void jobs_title(struct view *v, char *buf, size_t size) {
    const struct cluster *c = view_cluster(v);
    char label[256];
    snprintf(label, sizeof label, "Jobs: %s", c && c->name ? c->name : "-");
    if (c && c->sources[SRC_JOBS].last_ok_ms == 0)
        snprintf(buf, size, "%s", label); /* how many is not known yet */
    else
        view_table_title(v, label, buf, size);
}

static void jobs_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    const struct cluster *c = view_cluster(v);
    if (c == NULL || h <= 0)
        return;
    const struct source *src = &c->sources[SRC_JOBS];
    if (src->last_ok_ms == 0) {
        bool failed = src->state == SOURCE_ERROR;
        const char *msg = failed ? (src->error[0] ? src->error : "request failed") : "loading jobs";
        view_message(win, y + h / 2, w, msg, failed ? ROLE_ERROR : ROLE_DIM, v->ascii);
        return;
    }
    /* A failing or stale cluster says so above its last good jobs. */
    if (app_cluster_stale(v->app, c) && h > 2) {
        char age[16], line[256];
        text_duration(v->app->now_ms - view_cluster_data_ms(c), age, sizeof age);
        const char *err = cluster_state(c) == SOURCE_ERROR ? cluster_error(c) : NULL;
        snprintf(line, sizeof line, "%s%sshowing the last good data, %s old", err ? err : "",
                 err ? ": " : "", age);
        draw_text(win, y, 1, w - 1, line, colors_attr(err ? ROLE_ERROR : ROLE_STALE), DRAW_LEFT,
                  v->ascii);
        y++;
        h--;
    }
    table_draw(&v->table, win, y, h, w, v->ascii, &rows, v);
    if (v->table.n_rows == 0 && h > 1)
        view_table_empty(v, win, y + 1 + (h - 1) / 2, w, "no jobs on this cluster");
}

static unsigned jobs_key(struct view *v, enum request req, struct view_open *open) {
    size_t row;
    if (req != REQ_OPEN || !table_selected(&v->table, &row))
        return 0;
    const struct job *j = job_at(v, row);
    if (j->id[0] == '\0')
        return 0; /* without an id there is nothing to ask the server about */
    open->ops = &view_job;
    open->cluster = v->cluster;
    open->job_id = j->id;
    return UI_REDRAW | UI_REFETCH;
}

/* y: the selected job's id (what the flink CLI, the logs and the Web UI's URLs want). */
static char *jobs_copy(struct view *v, char *what, size_t size) {
    size_t row;
    if (!table_selected(&v->table, &row) || job_at(v, row)->id[0] == '\0')
        return NULL;
    snprintf(what, size, "job id");
    return xstrdup(job_at(v, row)->id);
}

static const enum request jobs_help[] = {
    REQ_UP,   REQ_DOWN,   REQ_PAGE_UP,   REQ_PAGE_DOWN, REQ_TOP,         REQ_BOTTOM,
    REQ_OPEN, REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_jobs = {
    "Jobs", &rows, jobs_init, jobs_title, jobs_draw, jobs_key, jobs_help, jobs_copy,
};
