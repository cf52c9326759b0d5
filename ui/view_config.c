/* `c` on the job screen: the JobManager's configuration (/jobmanager/config) and the
 * job's (/jobs/:jid/config: execution-config and user-config), one row a key, `/`
 * narrowing them by key or value (substring, any case). Values are shown as Flink sends
 * them, sanitised: the secrets Flink masks stay "******". The selected row's whole value
 * is under the table. Read once per open: Esc and `c` again read it anew. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "flink_config.h"
#include "text.h"
#include "ui.h"
#include "view.h"
#include "xalloc.h"

enum { CC_FROM, CC_KEY, CC_VALUE, CC_N };

static const struct table_col cols[CC_N] = {
    [CC_FROM] = {"FROM", 3, 2, false, false},
    [CC_KEY] = {"KEY", 24, 0, true, false},
    [CC_VALUE] = {"VALUE", 16, 0, true, false},
};

struct config_view {
    struct conf_fetch *fetch; /* borrowed: the app's */
    char key[300];            /* a row key made on demand; valid until the next */
};

static const struct conf_items *items(const struct view *v) {
    static const struct conf_items none = {NULL, 0};
    const struct config_view *cv = v->priv;
    const struct conf_items *l =
        cv && v->cluster >= 0 ? conf_fetch_get(cv->fetch, (size_t)v->cluster, NULL, NULL) : NULL;
    return l ? l : &none;
}

static size_t rows_count(void *ctx) { return items(ctx)->len; }

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    const struct conf_item *it = &items(ctx)->items[row];
    switch (col) {
    case CC_FROM:
        snprintf(buf, size, "%s", it->origin == CONF_JOB ? "job" : "JM");
        return ROLE_DIM;
    case CC_KEY:
        snprintf(buf, size, "%s", it->key);
        return ROLE_DEFAULT;
    default:
        snprintf(buf, size, "%s", it->value);
        return strcmp(it->value, "******") == 0 ? ROLE_DIM : ROLE_DEFAULT;
    }
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct conf_item *x = &items(ctx)->items[a], *y = &items(ctx)->items[b];
    switch (col) {
    case CC_FROM:
        return (int)x->origin - (int)y->origin;
    case CC_VALUE:
        return strcmp(x->value, y->value);
    default:
        return strcmp(x->key, y->key);
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct conf_item *it = &items(ctx)->items[row];
    return text_icontains(it->key, filter) || text_icontains(it->value, filter);
}

static const char *rows_key(void *ctx, size_t row) {
    struct view *v = ctx;
    struct config_view *cv = v->priv;
    const struct conf_item *it = &items(ctx)->items[row];
    if (cv == NULL)
        return it->key;
    snprintf(cv->key, sizeof cv->key, "%d:%s", (int)it->origin, it->key);
    return cv->key;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void config_init(struct view *v) { table_init(&v->table, cols, CC_N, -1); }

static void cv_free(void *p) {
    struct config_view *cv = p;
    if (cv && cv->fetch)
        conf_fetch_close(cv->fetch);
    free(cv);
}

void view_config_start(struct view *v, struct conf_fetch *fetch, const struct cluster *c,
                       const char *job_id, int64_t now) {
    struct config_view *cv = xcalloc(1, sizeof *cv);
    cv->fetch = fetch;
    if (fetch && v->cluster >= 0)
        conf_fetch_open(fetch, (size_t)v->cluster, c, job_id, now);
    v->priv = cv;
    v->priv_free = cv_free;
}

static void config_title(struct view *v, char *buf, size_t size) {
    const struct cluster *c = view_cluster(v);
    char label[200];
    snprintf(label, sizeof label, "Configuration of %s%s", c && c->name ? c->name : "-",
             v->job_id[0] ? " and the job" : "");
    view_table_title(v, label, buf, size);
}

static void config_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    const struct config_view *cv = v->priv;
    const struct source *jm = NULL, *job = NULL;
    if (cv == NULL || cv->fetch == NULL || v->cluster < 0 ||
        conf_fetch_get(cv->fetch, (size_t)v->cluster, &jm, &job) == NULL) {
        view_message(win, y + (h - 1) / 2, w, "the configuration is not available here", ROLE_DIM,
                     v->ascii);
        return;
    }
    /* a request that failed says so on top; the other's rows still show */
    const struct source *bad = jm->state == SOURCE_ERROR    ? jm
                               : job->state == SOURCE_ERROR ? job
                                                            : NULL;
    if (bad && h > 2) {
        char line[220];
        snprintf(line, sizeof line, "%s configuration: %s", bad == jm ? "JobManager" : "job",
                 bad->error);
        draw_text(win, y, 1, w - 1, line, colors_attr(ROLE_ERROR), DRAW_LEFT, v->ascii);
        y++;
        h--;
    }
    int detail = h >= 14 ? 4 : 0;
    table_sync(&v->table, &rows, v);
    table_draw(&v->table, win, y, h - detail, w, v->ascii, &rows, v);
    if (v->table.n_rows == 0 && h > 1) {
        bool loading = jm->state == SOURCE_PENDING || job->state == SOURCE_PENDING;
        view_table_empty(v, win, y + 1 + (h - detail - 1) / 2, w,
                         loading ? (v->ascii ? "loading the configuration..."
                                             : "loading the configuration\u2026")
                                 : "no configuration entries");
        return;
    }
    size_t row;
    if (detail == 0 || !table_selected(&v->table, &row))
        return;
    const struct conf_item *it = &items(v)->items[row];
    int dy = y + h - detail;
    draw_text(win, dy, 1, w - 1, it->key, colors_attr(ROLE_HEADER), DRAW_LEFT, v->ascii);
    draw_wrapped(win, dy + 1, 1, w - 2, detail - 1, it->value, colors_attr(ROLE_DEFAULT), v->ascii);
}

static char *config_copy(struct view *v, char *what, size_t size) {
    size_t row;
    if (!table_selected(&v->table, &row) || row >= items(v)->len)
        return NULL;
    const struct conf_item *it = &items(v)->items[row];
    snprintf(what, size, "value of %.40s", it->key);
    return xstrdup(it->value);
}

static const enum request config_help[] = {REQ_UP,     REQ_DOWN,      REQ_PAGE_UP,   REQ_PAGE_DOWN,
                                           REQ_FILTER, REQ_SORT_PREV, REQ_SORT_NEXT, REQ_NONE};

const struct view_ops view_config = {
    "Configuration", &rows, config_init, config_title, config_draw, NULL, config_help, config_copy,
};
