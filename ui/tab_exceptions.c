/* Job tab 5: what threw. The root cause (its first line, when, in which task), the
 * history, and on Enter the full stack trace of the selected one, scrollable. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "text.h"
#include "ui.h"
#include "view_job.h"
#include "xalloc.h"
#include "wrap.h"

enum { EC_TIME, EC_AGE, EC_EXCEPTION, EC_TASK, EC_ENDPOINT, EC_N };

static const struct table_col cols[EC_N] = {
    [EC_TIME] = {"TIME", 8, 0, false, false},           [EC_AGE] = {"AGE", 4, 2, false, true},
    [EC_EXCEPTION] = {"EXCEPTION", 16, 0, true, false}, [EC_TASK] = {"TASK", 10, 1, true, false},
    [EC_ENDPOINT] = {"ENDPOINT", 12, 3, true, false},
};

static const struct exceptions *list(const struct job_view *jv) {
    static const struct exceptions none = {NULL, 0, false};
    return jv->job && jv->job->detail ? &jv->job->detail->exceptions : &none;
}

static size_t rows_count(void *ctx) { return list(ctx)->len; }

/* "RuntimeException: boom" from "java.lang.RuntimeException: boom": the package is
 * noise in a column; the trace has it whole. */
static const char *short_class(const char *s) {
    if (s == NULL)
        return "-";
    size_t head = strcspn(s, ": ");
    const char *dot = NULL;
    for (const char *p = s; p < s + head; p++)
        if (*p == '.')
            dot = p;
    return dot && dot + 1 < s + head ? dot + 1 : s;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct job_view *jv = ctx;
    const struct exception_entry *x = &list(jv)->entries[row];
    switch (col) {
    case EC_TIME:
        text_clock(x->timestamp, buf, size);
        return ROLE_DEFAULT;
    case EC_AGE:
        text_age(x->timestamp >= 0 ? jv->v->app->now_ms - x->timestamp : -1, buf, size);
        return ROLE_DIM;
    case EC_EXCEPTION:
        snprintf(buf, size, "%s", short_class(x->message ? x->message : x->name));
        return row == 0 ? ROLE_STATE_BAD : ROLE_DEFAULT;
    case EC_TASK:
        snprintf(buf, size, "%s", x->task ? x->task : "(global)");
        return x->task ? ROLE_DEFAULT : ROLE_DIM;
    default:
        snprintf(buf, size, "%s", x->endpoint ? x->endpoint : "-");
        return ROLE_DIM;
    }
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct exception_entry *xa = &list(ctx)->entries[a], *xb = &list(ctx)->entries[b];
    switch (col) {
    case EC_TIME:
    case EC_AGE:
        return job_view_cmp_num((double)xa->timestamp, (double)xb->timestamp);
    case EC_EXCEPTION:
        return strcmp(xa->name ? xa->name : "", xb->name ? xb->name : "");
    case EC_TASK:
        return strcmp(xa->task ? xa->task : "", xb->task ? xb->task : "");
    default:
        return strcmp(xa->endpoint ? xa->endpoint : "", xb->endpoint ? xb->endpoint : "");
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct exception_entry *x = &list(ctx)->entries[row];
    return text_icontains(x->message, filter) || text_icontains(x->name, filter) ||
           text_icontains(x->task, filter) || text_icontains(x->endpoint, filter);
}

/* No id on the wire: time, name and task tell entries apart well enough. */
static const char *rows_key(void *ctx, size_t row) {
    struct job_view *jv = ctx;
    const struct exception_entry *x = &list(jv)->entries[row];
    snprintf(jv->key, sizeof jv->key, "%lld %s %s", (long long)x->timestamp, x->name ? x->name : "",
             x->task ? x->task : "");
    return jv->key;
}

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void exceptions_init(struct job_view *jv) { table_init(&jv->exceptions, cols, EC_N, -1); }

/* "12:03:45 (5m ago)  in Map (3/4)  at 10.0.0.7:6121" for an entry, then `extra` (may be
 * NULL); on at most two rows, which it returns. */
static int where_when(struct job_view *jv, WINDOW *win, int y, int x, int w,
                      const struct exception_entry *e, const char *label, const char *extra) {
    char when[64], task[300], at[200], a[16];
    int64_t age = e->timestamp >= 0 ? jv->v->app->now_ms - e->timestamp : -1;
    char stamp[32];
    if (age > 20 * 3600 * 1000LL) /* a time of day alone would be ambiguous */
        text_datetime(e->timestamp, stamp, sizeof stamp);
    else
        text_clock(e->timestamp, stamp, sizeof stamp);
    snprintf(when, sizeof when, "%s (%s ago)", stamp, text_age(age, a, sizeof a));
    snprintf(task, sizeof task, "in %s", e->task ? e->task : "the job (global failure)");
    at[0] = '\0';
    if (e->endpoint)
        snprintf(at, sizeof at, "at %s", e->endpoint);
    struct job_seg segs[] = {{label, ROLE_HEADER},
                             {when, ROLE_DEFAULT},
                             {task, ROLE_DEFAULT},
                             {at, ROLE_DIM},
                             {extra, ROLE_DIM}};
    return job_view_flow(win, y, x, w, 2, 2, segs, 5, jv->v->ascii);
}

/* Draw (when draw) the trace's display lines [top, top+h) and return how many it has. */
static int trace_lines(WINDOW *win, int y, int w, int top, int h, const char *s, bool ascii,
                       bool draw) {
    int k = 0;
    attr_t plain = colors_attr(ROLE_DEFAULT);
    for (const char *line = s; line && *line;) {
        size_t n = strcspn(line, "\n"), o = 0;
        do {
            size_t part = n ? wrap_prefix(line + o, n - o, w - 1, false, NULL) : 0;
            if (draw && k >= top && k < top + h) {
                char buf[2048];
                snprintf(buf, sizeof buf, "%.*s", (int)part, line + o);
                draw_text(win, y + k - top, 1, w - 1, buf,
                          k == 0 ? colors_attr(ROLE_STATE_BAD) : plain, DRAW_LEFT, ascii);
            }
            o += part;
            k++;
        } while (o < n);
        line += n;
        if (*line == '\n')
            line++;
    }
    return k;
}

static void draw_trace(struct job_view *jv, WINDOW *win, int y, int h, int w,
                       const struct exception_entry *e) {
    bool ascii = jv->v->ascii;
    const char *trace = e->stacktrace && e->stacktrace[0] ? e->stacktrace : e->message;
    int total = trace_lines(win, y, w, 0, 0, trace, ascii, false);
    /* the body is what the header leaves: one or two rows of it */
    int body = h - 2;
    jv->trace_page = body > 0 ? body : 1;
    if (jv->trace_top > total - body)
        jv->trace_top = total - body;
    if (jv->trace_top < 0)
        jv->trace_top = 0;
    char where[80];
    int last = jv->trace_top + body < total ? jv->trace_top + body : total;
    snprintf(where, sizeof where, "lines %d-%d of %d, Esc closes", total ? jv->trace_top + 1 : 0,
             last < 0 ? 0 : last, total);
    draw_blank(win, y + 1, 0, w, colors_attr(ROLE_DEFAULT));
    int head = where_when(jv, win, y, 1, w - 1, e, "trace", where);
    if (head < 2)
        head = 2; /* the same first line whether the header wraps or not */
    if (body <= 0)
        return;
    if (total == 0) {
        view_message(win, y + head, w, "the server sent no trace", ROLE_DIM, ascii);
        return;
    }
    trace_lines(win, y + head, w, jv->trace_top, body, trace, ascii, true);
}

static void exceptions_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    const struct job_detail *d = jv->job->detail;
    bool ascii = jv->v->ascii;
    if (!job_view_source(jv, win, &y, &h, w, d ? &d->parts[DETAIL_EXCEPTIONS] : NULL,
                         d && d->have_exceptions, "exceptions")) {
        jv->trace = false;
        return;
    }
    const struct exceptions *ex = &d->exceptions;
    if (ex->len == 0) {
        jv->trace = false;
        view_message(win, y + (h - 1) / 2, w, "no exceptions: the job has not failed",
                     ROLE_STATE_OK, ascii);
        return;
    }
    table_sync(&jv->exceptions, &rows, jv);
    size_t sel;
    if (jv->trace && table_selected(&jv->exceptions, &sel)) {
        draw_trace(jv, win, y, h, w, &ex->entries[sel]);
        return;
    }
    jv->trace = false;
    /* the root cause: when, where, its first line */
    const struct exception_entry *root = &ex->entries[0];
    int end = y + h, row = y;
    row += where_when(jv, win, row, 1, w - 1, root, "root cause", NULL);
    const char *first = root->message ? root->message : root->name ? root->name : "-";
    if (row < end) {
        size_t len = strlen(first), o = 0;
        for (int k = 0; o < len && k < 2 && row < end; k++, row++) {
            size_t n = wrap_prefix(first + o, len - o, w - 3, true, NULL);
            char part[1024];
            snprintf(part, sizeof part, "%.*s", (int)n, first + o);
            draw_text(win, row, 2, w - 3, part, colors_attr(ROLE_STATE_BAD), DRAW_LEFT, ascii);
            o += n;
            while (o < len && first[o] == ' ')
                o++;
        }
    }
    if (row + 1 < end)
        row++;
    if (ex->truncated && row < end) {
        draw_text(win, row++, 1, w - 1, "older entries were left out by the server",
                  colors_attr(ROLE_DIM), DRAW_LEFT, ascii);
    }
    if (end - row >= 2) {
        table_draw(&jv->exceptions, win, row, end - row, w, ascii, &rows, jv);
        job_view_no_match(jv, &jv->exceptions, win, row + 1, w);
    }
}

static unsigned exceptions_key(struct job_view *jv, enum request req) {
    if (jv->trace) {
        int page = jv->trace_page > 1 ? jv->trace_page - 1 : 1;
        switch (req) {
        case REQ_BACK:
        case REQ_QUIT:
            jv->trace = false;
            return UI_REDRAW;
        case REQ_UP:
            jv->trace_top = jv->trace_top > 0 ? jv->trace_top - 1 : 0;
            return UI_REDRAW;
        case REQ_DOWN:
            jv->trace_top++; /* the draw clamps */
            return UI_REDRAW;
        case REQ_PAGE_UP:
            jv->trace_top = jv->trace_top > page ? jv->trace_top - page : 0;
            return UI_REDRAW;
        case REQ_PAGE_DOWN:
            jv->trace_top += page;
            return UI_REDRAW;
        case REQ_TOP:
            jv->trace_top = 0;
            return UI_REDRAW;
        case REQ_BOTTOM:
            jv->trace_top = 1 << 24;
            return UI_REDRAW;
        default:
            return 0;
        }
    }
    if (jv->job == NULL)
        return 0;
    if (req == REQ_OPEN) {
        size_t sel;
        table_sync(&jv->exceptions, &rows, jv);
        if (!table_selected(&jv->exceptions, &sel))
            return 0;
        jv->trace = true;
        jv->trace_top = 0;
        return UI_REDRAW;
    }
    return job_view_table_key(jv, &jv->exceptions, &rows, req);
}

static bool exceptions_filter(struct job_view *jv, struct table_filter *out) {
    out->text = jv->exceptions.filter;
    out->t = &jv->exceptions;
    out->src = &rows;
    out->ctx = jv;
    return true;
}

const struct job_tab tab_exceptions = {"Exceptions",    "Exc",          exceptions_init,
                                       exceptions_draw, exceptions_key, exceptions_filter};

char *tab_exceptions_copy(struct job_view *jv, char *what, size_t size) {
    size_t row;
    if (!table_selected(&jv->exceptions, &row) || row >= list(jv)->len)
        return NULL;
    const struct exception_entry *e = &list(jv)->entries[row];
    const char *trace = e->stacktrace && e->stacktrace[0] ? e->stacktrace : e->message;
    if (trace == NULL || trace[0] == '\0')
        return NULL;
    snprintf(what, size, "stack trace");
    return xstrdup(trace);
}
