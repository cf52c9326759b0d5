#include "watermark.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "job_detail.h"

void vertex_watermarks_init(struct vertex_watermarks *w) {
    memset(w, 0, sizeof *w);
    w->n = -1;
    w->min = w->max = WATERMARK_NONE;
    w->slowest = -1;
    source_init(&w->src);
}

enum watermark_state watermark_state_of(const struct vertex_watermarks *w) {
    if (w == NULL || w->n < 0)
        return WM_UNKNOWN;
    if (w->min != WATERMARK_NONE)
        return WM_TIME;
    if (w->n_end > 0)
        return WM_END;
    return WM_NONE;
}

int64_t watermark_lag_ms(int64_t wm, int64_t now, bool *ahead) {
    if (ahead)
        *ahead = false;
    if (wm == WATERMARK_NONE || wm == WATERMARK_END || now <= 0)
        return -1;
    if (wm > now) {
        if (ahead)
            *ahead = true;
        return 0;
    }
    return now - wm;
}

double job_source_backlog(const struct job_detail *d, int64_t now, int64_t max_age_ms) {
    double sum = NAN;
    for (size_t i = 0; d && i < d->vertices.len; i++) {
        const struct vertex *v = &d->vertices.items[i];
        if (v->n_inputs != 0 || v->wm.src.last_ok_ms == 0 ||
            now - v->wm.src.last_ok_ms > max_age_ms)
            continue;
        double b = !isnan(v->pending_records) ? v->pending_records : v->records_lag_max;
        if (!isnan(b))
            sum = isnan(sum) ? b : sum + b;
    }
    return sum;
}

int restarts_within(const struct exceptions *e, int64_t now, int64_t window_ms, int64_t *last) {
    *last = -1;
    int n = 0;
    for (size_t i = 0; e && i < e->len; i++) {
        int64_t t = e->entries[i].timestamp;
        if (t > *last)
            *last = t;
        n += t > 0 && now - t <= window_ms;
    }
    return n;
}

/* One line of s at p (up to its newline), without leading and trailing blanks. */
static void copy_line(const char *p, char *buf, size_t size) {
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = strcspn(p, "\n");
    while (n > 0 && (p[n - 1] == ' ' || p[n - 1] == '\t' || p[n - 1] == '\r'))
        n--;
    snprintf(buf, size, "%.*s", (int)(n < (size_t)INT32_MAX ? n : 0), p);
}

void restart_root_cause(const struct exception_entry *x, char *buf, size_t size) {
    static const char caused[] = "Caused by: ";
    if (size == 0)
        return;
    buf[0] = '\0';
    if (x == NULL)
        return;
    const char *last = NULL;
    for (const char *p = x->stacktrace; p && (p = strstr(p, caused)) != NULL;
         p += sizeof caused - 1)
        last = p + sizeof caused - 1;
    if (last && *last != '\n' && *last != '\0') {
        copy_line(last, buf, size);
        if (buf[0])
            return;
    }
    if (x->message && x->message[0])
        copy_line(x->message, buf, size);
    else if (x->name)
        copy_line(x->name, buf, size);
}
