/* Job tab 2: does the job still checkpoint? Counts; the latest completed checkpoint,
 * failure and savepoint with their paths (the way back after an incident); whether
 * checkpoints keep up with the interval and timeout; how much would be replayed after
 * a restart now; duration and size trends; the recent history. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "sparkline.h"
#include "text.h"
#include "units.h"
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

static void checkpoints_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
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
        struct job_seg segs[] = {
            {id, ROLE_STATE_BAD},
            {age, ROLE_DEFAULT},
            {lf->failure_message ? lf->failure_message : "cause unknown", ROLE_STATE_BAD}};
        row += labeled(jv, win, row, w, end - row > 8 ? 2 : 1, "last failed", segs, 3);
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

static unsigned checkpoints_key(struct job_view *jv, enum request req) {
    if (jv->job == NULL)
        return 0;
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
