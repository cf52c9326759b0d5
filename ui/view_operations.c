/* `o`: the actions of this session, newest first: what, where, its state (and while it
 * runs, what it waits for), when it started (wall clock, for the incident's timeline),
 * how long it took or has taken, and the outcome: the savepoint's path, "reconciled:
 * STABLE", or the cause of a failure, in full and wrapped under the table. Read from the
 * operations list the app borrows; nothing here sends anything. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "operations.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "xalloc.h"
#include "wrap.h"

enum { OC_ID, OC_ACTION, OC_TARGET, OC_STATE, OC_STARTED, OC_TIME, OC_RESULT, OC_N };

static const struct table_col cols[OC_N] = {
    [OC_ID] = {"#", 3, 4, false, true},
    [OC_ACTION] = {"ACTION", 9, 0, false, false},
    [OC_TARGET] = {"CLUSTER/JOB", 16, 0, true, false},
    [OC_STATE] = {"STATE", 12, 0, false, false},
    [OC_STARTED] = {"STARTED", 8, 0, false, false},
    [OC_TIME] = {"TIME", 6, 2, false, true},
    [OC_RESULT] = {"RESULT", 20, 0, true, false},
};

static const struct operation *op_at(void *ctx, size_t row) {
    const struct view *v = ctx;
    return operations_get(v->app->ops, row);
}

static size_t rows_count(void *ctx) {
    const struct view *v = ctx;
    return operations_count(v->app->ops);
}

static enum color_role state_role(const struct operation *op) {
    switch (op->state) {
    case OP_RUNNING:
        return ROLE_STATE_WARN;
    case OP_SUCCEEDED:
        return ROLE_STATE_OK;
    case OP_UNKNOWN:
        return ROLE_STATE_WARN;
    default:
        return ROLE_STATE_BAD;
    }
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    const struct view *v = ctx;
    const struct operation *op = op_at(ctx, row);
    switch (col) {
    case OC_ID:
        snprintf(buf, size, "%d", op->id);
        return ROLE_DIM;
    case OC_ACTION:
        snprintf(buf, size, "%s", op->action);
        return ROLE_DEFAULT;
    case OC_TARGET:
        snprintf(buf, size, "%s%s%s", op->cluster ? op->cluster : "-", op->job_name ? "/" : "",
                 op->job_name ? op->job_name : "");
        return ROLE_DEFAULT;
    case OC_STATE:
        snprintf(buf, size, "%s", operations_state_name(op->state));
        return state_role(op);
    case OC_STARTED:
        text_clock(op->started_ms, buf, size);
        return ROLE_DIM;
    case OC_TIME: {
        int64_t end = op->state == OP_RUNNING ? v->app->now_ms : op->finished_ms;
        text_duration(end - op->started_ms, buf, size);
        return ROLE_DEFAULT;
    }
    case OC_RESULT:
        snprintf(buf, size, "%s", op->state == OP_RUNNING ? op->phase : op->result);
        return op->state == OP_RUNNING ? ROLE_DIM : state_role(op);
    }
    buf[0] = '\0';
    return ROLE_DEFAULT;
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct operation *x = op_at(ctx, a), *y = op_at(ctx, b);
    switch (col) {
    case OC_ACTION:
        return strcmp(x->action, y->action);
    case OC_STATE:
        return (int)x->state - (int)y->state;
    case OC_TIME:
    case OC_STARTED:
        return (x->started_ms > y->started_ms) - (x->started_ms < y->started_ms);
    default:
        return y->id - x->id; /* newest first */
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct operation *op = op_at(ctx, row);
    return text_icontains(op->action, filter) || text_icontains(op->cluster, filter) ||
           text_icontains(op->job_name, filter) || text_icontains(op->result, filter) ||
           text_icontains(operations_state_name(op->state), filter);
}

static const char *rows_key(void *ctx, size_t row) {
    static char key[16];
    snprintf(key, sizeof key, "%d", op_at(ctx, row)->id);
    return key;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void ops_init(struct view *v) { table_init(&v->table, cols, OC_N, -1); }

static void ops_title(struct view *v, char *buf, size_t size) {
    view_table_title(v, "Operations", buf, size);
}

/* The selected operation in full under the table: where, when, and its whole outcome
 * wrapped (a 403's RBAC line, a savepoint path), then its parameters. */
static void ops_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    if (v->app->ops == NULL) {
        view_message(win, y + h / 2, w, "actions are not available", ROLE_DIM, v->ascii);
        return;
    }
    int detail = h >= 16 ? 8 : (h >= 12 ? 5 : 0);
    table_draw(&v->table, win, y, h - detail, w, v->ascii, &rows, v);
    if (v->table.n_rows == 0 && h > 1) {
        view_table_empty(v, win, y + 1 + (h - detail - 1) / 2, w,
                         "no actions yet: s S C r R D P on a job");
        return;
    }
    size_t row;
    if (detail == 0 || !table_selected(&v->table, &row))
        return;
    const struct operation *op = op_at(v, row);
    int dy = y + h - detail, end = y + h;
    char line[1400], started[32], finished[32] = "";
    text_datetime(op->started_ms, started, sizeof started);
    if (op->state != OP_RUNNING)
        text_clock(op->finished_ms, finished, sizeof finished);
    snprintf(line, sizeof line, "#%d %s on %s%s%s%s%s  %s  started %s%s%s", op->id, op->action,
             op->context ? op->context : "", op->context ? "/" : "", op->ns ? op->ns : "",
             op->ns ? "/" : "", op->cluster ? op->cluster : "-", op->job_id ? op->job_id : "",
             started, finished[0] ? ", ended " : "", finished);
    draw_text(win, dy + 1, 1, w - 1, line, colors_attr(ROLE_HEADER), DRAW_LEFT, v->ascii);
    snprintf(line, sizeof line, "%s%s%s", op->state == OP_RUNNING ? op->phase : op->result,
             op->ref[0] ? "  ref: " : "", op->ref);
    int used = draw_wrapped(win, dy + 2, 1, w - 2, end - (dy + 2) - 1, line,
                            colors_attr(state_role(op)), v->ascii);
    if (dy + 2 + used < end) {
        snprintf(line, sizeof line, "parameters %s%s%s", op->params ? op->params : "{}",
                 op->reason ? "  reason: " : "", op->reason ? op->reason : "");
        draw_text(win, dy + 2 + used, 1, w - 1, line, colors_attr(ROLE_DIM), DRAW_LEFT, v->ascii);
    }
}

/* y: the selected operation's outcome (a savepoint's path, the cause of a failure). */
static char *ops_copy(struct view *v, char *what, size_t size) {
    size_t row;
    if (!table_selected(&v->table, &row))
        return NULL;
    const struct operation *op = op_at(v, row);
    const char *text = op->state == OP_RUNNING ? op->phase : op->result;
    if (text[0] == '\0')
        return NULL;
    snprintf(what, size, "%s outcome", op->action ? op->action : "operation");
    return xstrdup(text);
}

static const enum request ops_help[] = {
    REQ_UP,     REQ_DOWN,      REQ_PAGE_UP,   REQ_PAGE_DOWN,   REQ_TOP,  REQ_BOTTOM,
    REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_SORT_INVERT, REQ_NONE,
};

const struct view_ops view_operations = {
    "Operations", &rows, ops_init, ops_title, ops_draw, NULL, ops_help, ops_copy,
};
