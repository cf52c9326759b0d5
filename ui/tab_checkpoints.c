/* Job tab 2: does the job still checkpoint? Counts; the latest completed checkpoint,
 * failure and savepoint with their paths (the way back after an incident); whether
 * checkpoints keep up with the interval and timeout; how much would be replayed after
 * a restart now; duration and size trends; the recent history. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "flink_checkpoint_detail.h"
#include "sparkline.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "vertex_name.h"
#include "view_job.h"
#include "xalloc.h"
#include "wrap.h"

#define LABEL_W 13 /* "checkpoints  " */

enum { CC_ID, CC_TYPE, CC_STATUS, CC_TRIGGERED, CC_AGE, CC_DURATION, CC_SIZE, CC_N };

static const struct table_col cols[CC_N] = {
    [CC_ID] = {"ID", 5, 0, false, true},
    [CC_TYPE] = {"TYPE", 10, 3, false, false},
    [CC_STATUS] = {"STATUS", 11, 0, false, false},
    [CC_TRIGGERED] = {"TRIGGERED", 8, 0, false, false},
    [CC_AGE] = {"AGE", 4, 2, false, true},
    [CC_DURATION] = {"DURATION", 6, 0, false, true},
    [CC_SIZE] = {"SIZE", 10, 1, false, true},
};

static const struct checkpoint_stats *stats(const struct job_view *jv) {
    static struct checkpoint_stats none; /* zeroed: no history */
    return jv->job && jv->job->detail ? &jv->job->detail->checkpoints : &none;
}

static size_t rows_count(void *ctx) { return stats(ctx)->n_history; }

static enum color_role status_role(const char *s) {
    if (s == NULL)
        return ROLE_DEFAULT;
    if (strcmp(s, "FAILED") == 0)
        return ROLE_STATE_BAD;
    if (strcmp(s, "IN_PROGRESS") == 0)
        return ROLE_STATE_WARN;
    return ROLE_DEFAULT;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct job_view *jv = ctx;
    const struct checkpoint *c = &stats(jv)->history[row];
    switch (col) {
    case CC_ID:
        text_int(c->id, buf, size);
        return ROLE_DEFAULT;
    case CC_TYPE:
        snprintf(buf, size, "%s", c->is_savepoint ? "savepoint" : "checkpoint");
        return c->is_savepoint ? ROLE_HEADER : ROLE_DEFAULT;
    case CC_STATUS:
        snprintf(buf, size, "%s", c->status ? c->status : "-");
        return status_role(c->status);
    case CC_TRIGGERED:
        text_clock(c->trigger_ts, buf, size);
        return ROLE_DEFAULT;
    case CC_AGE:
        text_age(c->trigger_ts >= 0 ? jv->v->app->now_ms - c->trigger_ts : -1, buf, size);
        return ROLE_DIM;
    case CC_DURATION:
        units_ms(c->duration_ms, buf, size);
        return ROLE_DEFAULT;
    default:
        units_bytes(c->size_bytes < 0 ? NAN : (double)c->size_bytes, buf, size);
        return ROLE_DEFAULT;
    }
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct checkpoint *ca = &stats(ctx)->history[a], *cb = &stats(ctx)->history[b];
    switch (col) {
    case CC_ID:
        return job_view_cmp_num((double)ca->id, (double)cb->id);
    case CC_TYPE:
        return (int)ca->is_savepoint - (int)cb->is_savepoint;
    case CC_STATUS:
        return strcmp(ca->status ? ca->status : "", cb->status ? cb->status : "");
    case CC_TRIGGERED:
    case CC_AGE:
        return job_view_cmp_num((double)ca->trigger_ts, (double)cb->trigger_ts);
    case CC_DURATION:
        return job_view_cmp_num(ca->duration_ms < 0 ? NAN : (double)ca->duration_ms,
                                cb->duration_ms < 0 ? NAN : (double)cb->duration_ms);
    default:
        return job_view_cmp_num(ca->size_bytes < 0 ? NAN : (double)ca->size_bytes,
                                cb->size_bytes < 0 ? NAN : (double)cb->size_bytes);
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct checkpoint *c = &stats(ctx)->history[row];
    char id[24];
    return text_icontains(c->status, filter) ||
           text_icontains(c->is_savepoint ? "savepoint" : "checkpoint", filter) ||
           text_icontains(text_int(c->id, id, sizeof id), filter);
}

static const char *rows_key(void *ctx, size_t row) {
    struct job_view *jv = ctx;
    snprintf(jv->key, sizeof jv->key, "%lld", (long long)stats(jv)->history[row].id);
    return jv->key;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void checkpoints_init(struct job_view *jv) { table_init(&jv->checkpoints, cols, CC_N, -1); }

/* Failed checkpoints in a row, newest first, the ones still running aside. */
static int failures_in_a_row(const struct checkpoint_stats *s) {
    int n = 0;
    for (size_t i = 0; i < s->n_history; i++) {
        const char *st = s->history[i].status;
        if (st && strcmp(st, "IN_PROGRESS") == 0)
            continue;
        if (st == NULL || strcmp(st, "FAILED") != 0)
            break;
        n++;
    }
    return n;
}

/* A label in the header colour, then the segments; returns rows used. */
static int labeled(struct job_view *jv, WINDOW *win, int y, int w, int max_rows, const char *label,
                   const struct job_seg *segs, size_t n) {
    if (max_rows <= 0)
        return 0;
    int lw = w > 50 ? LABEL_W : 0;
    if (lw)
        draw_text(win, y, 1, lw - 2, label, colors_attr(ROLE_HEADER), DRAW_LEFT, jv->v->ascii);
    int used = job_view_flow(win, y, 1 + lw, w - 1 - lw, 0, max_rows, segs, n, jv->v->ascii);
    return used > 0 ? used : 1;
}

/* A path on its own lines under its label, wrapped (never cut: it is what you restore
 * from); at most max_rows rows. */
static int path_lines(struct job_view *jv, WINDOW *win, int y, int w, int max_rows,
                      const char *path) {
    if (path == NULL || path[0] == '\0' || max_rows <= 0)
        return 0;
    int x = w > 50 ? 1 + LABEL_W : 3;
    int cells = w - x - 1;
    if (cells < 8)
        return 0;
    size_t len = strlen(path), o = 0;
    int row = 0;
    while (o < len && row < max_rows) {
        int used;
        size_t n = wrap_prefix(path + o, len - o, cells, false, &used);
        /* break after a '/' when one is on this line, so each line is a whole part */
        for (size_t k = n; o + n < len && k > 1; k--) {
            if (path[o + k - 1] == '/') {
                n = k;
                break;
            }
        }
        char part[1024];
        snprintf(part, sizeof part, "%.*s", (int)n, path + o);
        bool last = row + 1 == max_rows && o + n < len;
        draw_text(win, y + row, x, cells, part, colors_attr(ROLE_DEFAULT) | A_BOLD, DRAW_LEFT,
                  jv->v->ascii);
        if (last) /* out of rows: say it goes on rather than cut it silently */
            draw_text(win, y + row, x + cells - 1, 1, jv->v->ascii ? "~" : "\u2026",
                      colors_attr(ROLE_DIM), DRAW_LEFT, jv->v->ascii);
        o += n;
        row++;
    }
    return row;
}

/* Text wrapped at word boundaries under the labels, at most max_rows rows, the last
 * one ending in an ellipsis when it goes on; returns rows used. */
static int wrapped(struct job_view *jv, WINDOW *win, int y, int w, int max_rows, const char *text,
                   enum color_role role) {
    int x = w > 50 ? 1 + LABEL_W : 3;
    int cells = w - x - 1;
    if (text == NULL || text[0] == '\0' || max_rows <= 0 || cells < 8)
        return 0;
    size_t len = strlen(text), o = 0;
    int row = 0;
    while (o < len && row < max_rows) {
        while (o < len && text[o] == ' ')
            o++;
        int used;
        size_t n = wrap_prefix(text + o, len - o, cells, true, &used);
        char part[1024];
        snprintf(part, sizeof part, "%.*s", (int)n, text + o);
        draw_text(win, y + row, x, cells, part, colors_attr(role), DRAW_LEFT, jv->v->ascii);
        o += n;
        row++;
        if (o < len && row == max_rows) /* out of rows: say it goes on */
            draw_text(win, y + row - 1, x + cells - 1, 1, jv->v->ascii ? "~" : "\u2026",
                      colors_attr(ROLE_DIM), DRAW_LEFT, jv->v->ascii);
    }
    return row;
}

static void age_of(const struct job_view *jv, int64_t at, char *buf, size_t size) {
    char t[16];
    if (at < 0)
        snprintf(buf, size, "-");
    else
        snprintf(buf, size, "%s ago", text_age(jv->v->app->now_ms - at, t, sizeof t));
}

/* "last took 12s of a 60s interval, timeout 10m", "2 failed in a row", "replay if
 * restarted now: 43s", each in the colour of how worrying it is. */
static int health(struct job_view *jv, WINDOW *win, int y, int w, int max_rows) {
    const struct job_detail *d = jv->job->detail;
    const struct checkpoint_stats *s = &d->checkpoints;
    const struct checkpoint_config *cfg = &d->cp_config;
    const struct checkpoint *lc = &s->last_completed;
    bool have_cfg = d->have_cp_config && cfg->enabled;
    bool periodic = have_cfg && cfg->interval_ms > 0 && cfg->interval_ms != INT64_MAX;
    char took[128], fails[48], replay[64], a[16], b[16], c[16];
    enum color_role took_role = ROLE_STATE_OK, fails_role = ROLE_STATE_OK,
                    replay_role = ROLE_DEFAULT;
    if (lc->id < 0) {
        snprintf(took, sizeof took, "no checkpoint completed yet");
        took_role = ROLE_STATE_WARN;
    } else if (periodic) {
        snprintf(took, sizeof took, "last took %s of a %s interval, timeout %s",
                 units_ms(lc->duration_ms, a, sizeof a), units_ms(cfg->interval_ms, b, sizeof b),
                 units_ms(cfg->timeout_ms, c, sizeof c));
        if (lc->duration_ms >= cfg->interval_ms ||
            (cfg->timeout_ms > 0 && lc->duration_ms * 10 >= cfg->timeout_ms * 8))
            took_role = ROLE_STATE_BAD;
        else if (lc->duration_ms * 2 >= cfg->interval_ms)
            took_role = ROLE_STATE_WARN;
    } else {
        snprintf(took, sizeof took, "last took %s%s", units_ms(lc->duration_ms, a, sizeof a),
                 have_cfg ? ", periodic checkpoints off" : "");
        took_role = ROLE_DEFAULT;
    }
    int in_a_row = failures_in_a_row(s);
    if (in_a_row == 0) {
        snprintf(fails, sizeof fails, "no failures in a row");
    } else {
        snprintf(fails, sizeof fails, "%d failed in a row", in_a_row);
        fails_role = have_cfg && cfg->tolerable_failed >= 0 && in_a_row > cfg->tolerable_failed
                         ? ROLE_STATE_BAD
                         : ROLE_STATE_WARN;
    }
    replay[0] = '\0';
    int64_t since = lc->trigger_ts >= 0 ? lc->trigger_ts : lc->ack_ts;
    if (lc->id >= 0 && since >= 0) {
        /* the sources rewind to the offsets of the last completed checkpoint's barrier */
        int64_t ms = jv->v->app->now_ms - since;
        snprintf(replay, sizeof replay, "replay if restarted now: %s",
                 text_duration(ms < 0 ? 0 : ms, a, sizeof a));
        if (periodic && ms > 4 * cfg->interval_ms)
            replay_role = ROLE_STATE_BAD;
        else if (periodic && ms > 2 * cfg->interval_ms)
            replay_role = ROLE_STATE_WARN;
    }
    struct job_seg segs[] = {{took, took_role}, {fails, fails_role}, {replay, replay_role}};
    return labeled(jv, win, y, w, max_rows, "health", segs, 3);
}

static void trends(struct job_view *jv, WINDOW *win, int y, int w) {
    const struct job_history *h = &jv->job->detail->history;
    bool ascii = jv->v->ascii;
    int cells = w >= 120 ? 30 : w >= 90 ? 16 : 10;
    char dur[160], size[160], a[16], b[16], dur_max[32], size_max[32];
    sparkline_text(&h->cp_duration_ms, cells, ascii, dur, sizeof dur);
    sparkline_text(&h->cp_size, cells, ascii, size, sizeof size);
    double dmax = ring_max(&h->cp_duration_ms), smax = ring_max(&h->cp_size);
    snprintf(dur_max, sizeof dur_max, "max %s",
             units_ms(isnan(dmax) ? -1 : (int64_t)dmax, a, sizeof a));
    snprintf(size_max, sizeof size_max, "max %s", units_bytes(smax, b, sizeof b));
    struct job_seg segs[] = {{"duration", ROLE_DIM},  {dur, ROLE_CHART_IN},
                             {dur_max, ROLE_DEFAULT}, {"size", ROLE_DIM},
                             {size, ROLE_CHART_OUT},  {size_max, ROLE_DEFAULT}};
    if (h->cp_duration_ms.len == 0) {
        struct job_seg none[] = {{"no completed checkpoint seen yet", ROLE_DIM}};
        labeled(jv, win, y, w, 1, "trend", none, 1);
        return;
    }
    labeled(jv, win, y, w, 1, "trend", segs, 6);
}

static void detail_draw(struct job_view *jv, WINDOW *win, int y, int h, int w);

static void checkpoints_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    if (jv->cp_open) {
        detail_draw(jv, win, y, h, w);
        return;
    }
    const struct job_detail *d = jv->job->detail;
    const struct source *src =
        d ? job_view_worse(&d->parts[DETAIL_CHECKPOINTS], &d->parts[DETAIL_CP_CONFIG]) : NULL;
    if (d && d->have_cp_config && !d->cp_config.enabled) {
        view_message(win, y + (h - 1) / 2, w, "checkpointing disabled for this job",
                     ROLE_STATE_WARN, jv->v->ascii);
        return;
    }
    if (!job_view_source(jv, win, &y, &h, w, src, d && d->have_checkpoints, "checkpoints"))
        return;
    const struct checkpoint_stats *s = &d->checkpoints;
    char t1[16], t2[16], t3[16], t4[16];
    char completed[40], failed[40], running[40], restored[40], mode[64] = "";
    snprintf(completed, sizeof completed, "completed %s", text_int(s->completed, t1, sizeof t1));
    snprintf(failed, sizeof failed, "failed %s", text_int(s->failed, t2, sizeof t2));
    snprintf(running, sizeof running, "in progress %s", text_int(s->in_progress, t3, sizeof t3));
    snprintf(restored, sizeof restored, "restored %s", text_int(s->restored, t4, sizeof t4));
    if (d->have_cp_config && d->cp_config.mode)
        snprintf(mode, sizeof mode, "%s%s", d->cp_config.mode,
                 d->cp_config.unaligned ? ", unaligned" : "");
    struct job_seg counts[] = {
        {completed, ROLE_DEFAULT}, {failed, s->failed > 0 ? ROLE_STATE_WARN : ROLE_DEFAULT},
        {running, ROLE_DEFAULT},   {restored, ROLE_DEFAULT},
        {mode, ROLE_DIM},
    };
    int end = y + h, row = y;
    row += labeled(jv, win, row, w, end - row, "checkpoints", counts, 5);
    if (row < end)
        row += health(jv, win, row, w, end - row > 6 ? 2 : 1);

    /* latest completed, with its path: what a restart would restore */
    const struct checkpoint *lc = &s->last_completed;
    char id[32], age[32], took[32], size[32], tmp[16];
    if (row < end && lc->id < 0) {
        struct job_seg none[] = {{"no checkpoint completed yet", ROLE_STATE_WARN}};
        row += labeled(jv, win, row, w, 1, "completed", none, 1);
    } else if (row < end) {
        snprintf(id, sizeof id, "#%lld", (long long)lc->id);
        age_of(jv, lc->ack_ts >= 0 ? lc->ack_ts : lc->trigger_ts, age, sizeof age);
        snprintf(took, sizeof took, "took %s", units_ms(lc->duration_ms, tmp, sizeof tmp));
        units_bytes(lc->size_bytes < 0 ? NAN : (double)lc->size_bytes, size, sizeof size);
        struct job_seg segs[] = {
            {id, ROLE_DEFAULT}, {age, ROLE_DEFAULT}, {took, ROLE_DEFAULT}, {size, ROLE_DEFAULT}};
        row += labeled(jv, win, row, w, 1, "completed", segs, 4);
        row += path_lines(jv, win, row, w, end - row > 8 ? 2 : 1, lc->path);
    }

    /* latest failure and its cause */
    const struct checkpoint *lf = &s->last_failed;
    if (row < end && lf->id >= 0) {
        snprintf(id, sizeof id, "#%lld", (long long)lf->id);
        age_of(jv, lf->failure_ts >= 0 ? lf->failure_ts : lf->trigger_ts, age, sizeof age);
        struct job_seg segs[] = {{id, ROLE_STATE_BAD}, {age, ROLE_DEFAULT}};
        row += labeled(jv, win, row, w, 1, "last failed", segs, 2);
        /* the cause whole, wrapped under it: what to search the logs for; the table
         * below keeps a few rows */
        int room = end - row - 6;
        row += wrapped(jv, win, row, w, room > 8 ? 8 : room < 1 ? 1 : room,
                       lf->failure_message ? lf->failure_message : "cause unknown",
                       ROLE_STATE_BAD);
    }

    /* latest savepoint: the other way back */
    const struct checkpoint *sp = &s->last_savepoint;
    if (row < end) {
        if (sp->id >= 0) {
            snprintf(id, sizeof id, "#%lld", (long long)sp->id);
            age_of(jv, sp->ack_ts >= 0 ? sp->ack_ts : sp->trigger_ts, age, sizeof age);
            struct job_seg segs[] = {{id, ROLE_DEFAULT}, {age, ROLE_DEFAULT}};
            row += labeled(jv, win, row, w, 1, "savepoint", segs, 2);
            row += path_lines(jv, win, row, w, end - row > 8 ? 2 : 1, sp->path);
        } else {
            struct job_seg none[] = {{"none", ROLE_DIM}};
            row += labeled(jv, win, row, w, 1, "savepoint", none, 1);
        }
    }
    if (row < end)
        trends(jv, win, row++, w);
    if (row + 1 < end)
        row++; /* a blank line before the table */
    if (end - row >= 2) {
        table_sync(&jv->checkpoints, &rows, jv);
        table_draw(&jv->checkpoints, win, row, end - row, w, jv->v->ascii, &rows, jv);
        job_view_no_match(jv, &jv->checkpoints, win, row + 1, w);
        if (s->n_history == 0)
            view_message(win, row + 1, w, "no checkpoint history yet", ROLE_DIM, jv->v->ascii);
    }
}

/* ---- one checkpoint in detail (Enter on a row) ------------------------------------- */

enum { DC_ACKED, DC_E2E, DC_SYNC, DC_ASYNC, DC_ALIGN, DC_CKPTED, DC_FULL, DC_PROC, DC_PERS, DC_N };

static const struct {
    const char *title;
    int width;
} detail_cols[DC_N] = {
    {"ACKED", 7},   {"E2E", 7},    {"SYNC", 6},       {"ASYNC", 7},      {"ALIGN", 6},
    {"CHECKPTD", 9}, {"FULL", 9},  {"PROCESSED", 10}, {"PERSISTED", 10},
};

/* The drop order when the terminal is narrow: the in-flight data first, then alignment
 * and the sync part, ACKED and E2E last. */
static const int detail_drop[DC_N] = {DC_PERS, DC_PROC, DC_ALIGN, DC_SYNC,
                                      DC_FULL, DC_ASYNC, DC_CKPTED, DC_E2E, DC_ACKED};

static void detail_cell(const struct cp_task *t, int col, char *buf, size_t size) {
    switch (col) {
    case DC_ACKED:
        text_ratio(t->num_acked, t->num_subtasks, buf, size);
        return;
    case DC_E2E:
        units_ms(t->end_to_end_ms, buf, size);
        return;
    case DC_SYNC:
        units_ms(t->sync_ms, buf, size);
        return;
    case DC_ASYNC:
        units_ms(t->async_ms, buf, size);
        return;
    case DC_ALIGN:
        units_ms(t->alignment_ms, buf, size);
        return;
    default: {
        int64_t v = col == DC_CKPTED ? t->checkpointed_size
                    : col == DC_FULL ? t->state_size
                    : col == DC_PROC ? t->processed
                                     : t->persisted;
        units_bytes(v < 0 ? NAN : (double)v, buf, size);
        return;
    }
    }
}

/* The operator a task is about, by the job's shown vertex names. */
static void task_name(const struct job_view *jv, const struct cp_task *t, char *buf, size_t size) {
    const struct vertex_list *l = jv->job->detail ? &jv->job->detail->vertices : NULL;
    for (size_t i = 0; l && i < l->len; i++)
        if (strcmp(l->items[i].id, t->vertex_id) == 0) {
            vertex_name_shown(l, i, buf, size);
            return;
        }
    snprintf(buf, size, "%s", t->vertex_id[0] ? t->vertex_id : "-");
}

static void detail_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    bool ascii = jv->v->ascii;
    const struct app *app = jv->v->app;
    int64_t id = -1;
    const struct source *src = NULL;
    const struct cp_detail *d = cp_fetch_get(app->cp_detail, (size_t)jv->v->cluster,
                                             jv->job->id, &id, &src);
    if (d == NULL) {
        view_message(win, y + (h - 1) / 2, w, "no checkpoint open", ROLE_DIM, ascii);
        return;
    }
    char what[48];
    snprintf(what, sizeof what, "checkpoint %lld", (long long)id);
    if (!job_view_source(jv, win, &y, &h, w, src, src && src->state == SOURCE_OK, what))
        return;
    int end = y + h, row = y;
    char idt[32], when[16], took[32], acked[32], sz[48], a[16], b[16];
    snprintf(idt, sizeof idt, "#%lld", (long long)d->id);
    text_clock(d->trigger_ts, when, sizeof when);
    snprintf(took, sizeof took, "took %s", units_ms(d->end_to_end_ms, a, sizeof a));
    snprintf(acked, sizeof acked, "acknowledged %s",
             text_ratio(d->num_acked, d->num_subtasks, b, sizeof b));
    char c1[16], c2[16];
    snprintf(sz, sizeof sz, "%s (full %s)",
             units_bytes(d->checkpointed_size < 0 ? NAN : (double)d->checkpointed_size, c1,
                         sizeof c1),
             units_bytes(d->state_size < 0 ? NAN : (double)d->state_size, c2, sizeof c2));
    bool failed = d->status && strcmp(d->status, "FAILED") == 0;
    struct job_seg head[] = {
        {idt, failed ? ROLE_STATE_BAD : ROLE_DEFAULT},
        {d->status ? d->status : "-", status_role(d->status)},
        {d->type ? d->type : (d->is_savepoint ? "SAVEPOINT" : "CHECKPOINT"), ROLE_DIM},
        {when, ROLE_DEFAULT},
        {took, ROLE_DEFAULT},
        {acked, ROLE_DEFAULT},
        {sz, ROLE_DEFAULT},
    };
    row += labeled(jv, win, row, w, end - row > 6 ? 2 : 1, "checkpoint", head, 7);
    if (failed && row < end) {
        struct job_seg none[] = {{"", ROLE_DEFAULT}};
        labeled(jv, win, row, w, 1, "failed", none, 1);
        row += wrapped(jv, win, row, w, end - row > 8 ? 4 : 1,
                       d->failure_message ? d->failure_message : "cause unknown", ROLE_STATE_BAD);
    }
    if (d->external_path && row < end) {
        struct job_seg none[] = {{"", ROLE_DEFAULT}};
        labeled(jv, win, row, w, 1, "path", none, 1);
        row += path_lines(jv, win, row, w, 1, d->external_path);
    }
    if (row + 1 < end)
        row++;
    if (row >= end)
        return;
    /* which number columns fit beside a name of at least 16 cells */
    bool shown[DC_N];
    int used = 1 + 16;
    for (int c = 0; c < DC_N; c++) {
        shown[c] = true;
        used += detail_cols[c].width + 1;
    }
    for (int k = 0; k < DC_N && used > w - 1; k++) {
        shown[detail_drop[k]] = false;
        used -= detail_cols[detail_drop[k]].width + 1;
    }
    int name_w = w - 1 - (used - 1 - 16) - 1;
    attr_t hattr = colors_attr(ROLE_HEADER);
    draw_blank(win, row, 0, w, hattr);
    draw_text(win, row, 1, name_w, "OPERATOR", hattr, DRAW_LEFT, ascii);
    int x = 1 + name_w + 1;
    for (int c = 0; c < DC_N; c++) {
        if (!shown[c])
            continue;
        draw_text(win, row, x, detail_cols[c].width, detail_cols[c].title, hattr, DRAW_RIGHT, ascii);
        x += detail_cols[c].width + 1;
    }
    row++;
    jv->cp_page = end - row;
    int max_top = (int)d->n_tasks > jv->cp_page ? (int)d->n_tasks - jv->cp_page : 0;
    jv->cp_top = jv->cp_top > max_top ? max_top : jv->cp_top < 0 ? 0 : jv->cp_top;
    if (d->n_tasks == 0)
        view_message(win, row, w, "no operator acknowledged yet", ROLE_DIM, ascii);
    for (int r = 0; row < end && jv->cp_top + r < (int)d->n_tasks; r++, row++) {
        const struct cp_task *t = &d->tasks[jv->cp_top + r];
        char name[256], fit[512], cell[32];
        task_name(jv, t, name, sizeof name);
        text_fit_middle(name, name_w, ascii, fit, sizeof fit);
        bool done = t->num_subtasks >= 0 && t->num_acked == t->num_subtasks;
        draw_text(win, row, 1, name_w, fit, colors_attr(ROLE_DEFAULT), DRAW_LEFT, ascii);
        x = 1 + name_w + 1;
        for (int c = 0; c < DC_N; c++) {
            if (!shown[c])
                continue;
            detail_cell(t, c, cell, sizeof cell);
            enum color_role role = c == DC_ACKED && !done ? ROLE_STATE_WARN : ROLE_DEFAULT;
            draw_text(win, row, x, detail_cols[c].width, cell, colors_attr(role), DRAW_RIGHT,
                      ascii);
            x += detail_cols[c].width + 1;
        }
    }
}

static unsigned detail_key(struct job_view *jv, enum request req) {
    int page = jv->cp_page > 1 ? jv->cp_page - 1 : 1;
    switch (req) {
    case REQ_BACK:
    case REQ_QUIT: /* Esc and q close the detail, not the job */
        jv->cp_open = false;
        cp_fetch_close(jv->v->app->cp_detail);
        return UI_REDRAW;
    case REQ_UP:
        jv->cp_top--;
        break;
    case REQ_DOWN:
        jv->cp_top++;
        break;
    case REQ_PAGE_UP:
        jv->cp_top -= page;
        break;
    case REQ_PAGE_DOWN:
        jv->cp_top += page;
        break;
    case REQ_TOP:
        jv->cp_top = 0;
        break;
    case REQ_BOTTOM:
        jv->cp_top = 1 << 20; /* the draw clamps it */
        break;
    default:
        return 0;
    }
    if (jv->cp_top < 0)
        jv->cp_top = 0;
    return UI_REDRAW;
}

static unsigned checkpoints_key(struct job_view *jv, enum request req) {
    if (jv->job == NULL)
        return 0;
    if (jv->cp_open)
        return detail_key(jv, req);
    size_t row;
    if (req == REQ_OPEN && jv->v->app->cp_detail && jv->cluster &&
        table_selected(&jv->checkpoints, &row) && row < stats(jv)->n_history) {
        const struct checkpoint *c = &stats(jv)->history[row];
        if (c->id < 0)
            return 0;
        cp_fetch_open(jv->v->app->cp_detail, (size_t)jv->v->cluster, jv->cluster, jv->job->id,
                      c->id, jv->v->app->now_ms);
        jv->cp_open = true;
        jv->cp_top = 0;
        return UI_REDRAW;
    }
    return job_view_table_key(jv, &jv->checkpoints, &rows, req);
}

static bool checkpoints_filter(struct job_view *jv, struct table_filter *out) {
    out->text = jv->checkpoints.filter;
    out->t = &jv->checkpoints;
    out->src = &rows;
    out->ctx = jv;
    return true;
}

const struct job_tab tab_checkpoints = {"Checkpoints",    "Ckpts",         checkpoints_init,
                                        checkpoints_draw, checkpoints_key, checkpoints_filter};

char *tab_checkpoints_copy(struct job_view *jv, char *what, size_t size) {
    size_t row;
    if (!table_selected(&jv->checkpoints, &row) || row >= stats(jv)->n_history)
        return NULL;
    const struct checkpoint *c = &stats(jv)->history[row];
    if (c->path && c->path[0]) {
        snprintf(what, size, "%s path", c->is_savepoint ? "savepoint" : "checkpoint");
        return xstrdup(c->path);
    }
    if (c->failure_message && c->failure_message[0]) {
        snprintf(what, size, "failure of checkpoint %lld", (long long)c->id);
        return xstrdup(c->failure_message);
    }
    return NULL;
}
