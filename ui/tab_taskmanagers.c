/* Job tab 4: the task managers of the job's cluster: slots, heap used of max as a gauge,
 * CPU load, threads, GC time, the heap's trend, where each runs. Sortable. Enter opens
 * the selected one's memory and JVM (view_jvm.c); t, O and l its thread dump, stdout
 * and log. */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "prom_source.h"
#include "sparkline.h"
#include "text.h"
#include "units.h"
#include "view_job.h"
#include "xalloc.h"

#define GAUGE_CELLS 8

enum { TC_ID, TC_SLOTS, TC_HEAP, TC_USED, TC_CPU, TC_THREADS, TC_GC, TC_TREND, TC_HOST, TC_N };

static const struct table_col cols[TC_N] = {
    [TC_ID] = {"TASK MANAGER", 26, 0, true, false}, /* pod names: keep them whole */
    [TC_SLOTS] = {"SLOTS", 7, 0, false, true},
    [TC_HEAP] = {"HEAP", GAUGE_CELLS + 5, 0, false, false},
    [TC_USED] = {"USED/MAX", 9, 3, false, true},
    [TC_CPU] = {"CPU", 4, 0, false, true},
    [TC_THREADS] = {"THREADS", 4, 2, false, true},
    [TC_GC] = {"GC MS/S", 4, 1, false, true},
    [TC_TREND] = {"HEAP TREND", 10, 4, false, false},
    [TC_HOST] = {"HOST", 12, 5, true, false},
};

static const struct taskmanager_list *tms(const struct job_view *jv) {
    static const struct taskmanager_list none = {NULL, 0};
    return jv->cluster ? &jv->cluster->taskmanagers : &none;
}

static size_t rows_count(void *ctx) { return tms(ctx)->len; }

static double heap_ratio(const struct taskmanager *t) {
    double used = t->metrics.heap_used, max = t->metrics.heap_max;
    return isnan(used) || isnan(max) || max <= 0 ? NAN : used / max;
}

static int slots_used(const struct taskmanager *t) {
    return t->slots_total >= 0 && t->slots_free >= 0 ? t->slots_total - t->slots_free : -1;
}

/* "10.0.0.7" out of "pekko.tcp://flink@10.0.0.7:6122/user/rpc/taskmanager_0"; else the
 * path as it is. */
static void host_of(const char *path, char *buf, size_t size) {
    const char *at = path ? strchr(path, '@') : NULL;
    if (at == NULL) {
        snprintf(buf, size, "%s", path ? path : "-");
        return;
    }
    at++;
    size_t n = strcspn(at, ":/");
    snprintf(buf, size, "%.*s", (int)n, at);
}

/* A bar of eighths, then the percentage: "█████▌     55%". */
static void gauge(double ratio, bool ascii, char *buf, size_t size) {
    char pct[16];
    units_percent(ratio, pct, sizeof pct);
    double r = isnan(ratio) ? 0 : ratio < 0 ? 0 : ratio > 1 ? 1 : ratio;
    int eighths = (int)lround(r * GAUGE_CELLS * 8);
    size_t o = 0;
    static const char *const part[8] = {"",       "\u258f", "\u258e", "\u258d",
                                        "\u258c", "\u258b", "\u258a", "\u2589"};
    for (int c = 0; c < GAUGE_CELLS; c++) {
        int fill = eighths - c * 8; /* of this cell */
        const char *g;
        if (fill >= 8)
            g = ascii ? "#" : "\u2588";
        else if (fill > 0)
            g = ascii ? (fill >= 4 ? "#" : ".") : part[fill];
        else
            g = ascii ? "." : "\u2591"; /* the empty track */
        size_t gl = strlen(g);
        if (o + gl + 1 >= size)
            break;
        memcpy(buf + o, g, gl);
        o += gl;
    }
    snprintf(buf + o, size - o, " %4s", pct);
}

static enum color_role level(double ratio, double warn, double bad) {
    if (isnan(ratio))
        return ROLE_DEFAULT;
    return ratio >= bad ? ROLE_STATE_BAD : ratio >= warn ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    struct job_view *jv = ctx;
    const struct taskmanager *t = &tms(jv)->items[row];
    bool ascii = jv->v->ascii;
    bool have = t->metrics_ms != 0;
    char a[16], b[16];
    switch (col) {
    case TC_ID:
        snprintf(buf, size, "%s", t->id ? t->id : "-");
        return ROLE_DEFAULT;
    case TC_SLOTS:
        text_ratio(slots_used(t), t->slots_total, buf, size);
        return ROLE_DEFAULT;
    case TC_HEAP: {
        if (!have && jv->cluster && jv->cluster->tm_metrics_source.state == SOURCE_ERROR) {
            snprintf(buf, size, "failed");
            return ROLE_ERROR;
        }
        if (!have) {
            snprintf(buf, size, "loading%s", ascii ? "..." : "\u2026");
            return ROLE_DIM;
        }
        double r = heap_ratio(t);
        if (isnan(r)) {
            snprintf(buf, size, "-");
            return ROLE_DEFAULT;
        }
        gauge(r, ascii, buf, size);
        enum color_role role = level(r, 0.75, 0.9);
        return role == ROLE_DEFAULT ? ROLE_STATE_OK : role;
    }
    case TC_USED:
        snprintf(buf, size, "%s/%s", units_bytes_short(t->metrics.heap_used, a, sizeof a),
                 units_bytes_short(t->metrics.heap_max, b, sizeof b));
        if (isnan(t->metrics.heap_used) && isnan(t->metrics.heap_max))
            snprintf(buf, size, "-");
        return ROLE_DEFAULT;
    case TC_CPU:
        units_percent(t->metrics.cpu_load, buf, size);
        return level(t->metrics.cpu_load, 0.8, 0.95);
    case TC_THREADS:
        text_int(isnan(t->metrics.threads) ? -1 : (int64_t)t->metrics.threads, buf, size);
        return ROLE_DEFAULT;
    case TC_GC:
        if (!isfinite(t->metrics.gc_time_ms_per_s) || t->metrics.gc_time_ms_per_s < 0)
            snprintf(buf, size, "-");
        else if (t->metrics.gc_time_ms_per_s > 1000) /* ms per s: more is a broken metric */
            snprintf(buf, size, ">1000");
        else
            snprintf(buf, size, "%.0f", t->metrics.gc_time_ms_per_s + 0.0); /* never "-0" */
        return level(t->metrics.gc_time_ms_per_s, 100, 300);
    case TC_TREND:
        sparkline_text(&t->heap_used, 10, ascii, buf, size);
        return ROLE_CHART_IN;
    default:
        host_of(t->path, buf, size);
        return ROLE_DIM;
    }
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    const struct taskmanager *ta = &tms(ctx)->items[a], *tb = &tms(ctx)->items[b];
    switch (col) {
    case TC_ID:
        return strcmp(ta->id ? ta->id : "", tb->id ? tb->id : "");
    case TC_SLOTS: {
        int ua = slots_used(ta), ub = slots_used(tb);
        return job_view_cmp_num(ua < 0 ? NAN : ua, ub < 0 ? NAN : ub);
    }
    case TC_HEAP:
    case TC_TREND:
        return job_view_cmp_num(heap_ratio(ta), heap_ratio(tb));
    case TC_USED:
        return job_view_cmp_num(ta->metrics.heap_used, tb->metrics.heap_used);
    case TC_CPU:
        return job_view_cmp_num(ta->metrics.cpu_load, tb->metrics.cpu_load);
    case TC_THREADS:
        return job_view_cmp_num(ta->metrics.threads, tb->metrics.threads);
    case TC_GC:
        return job_view_cmp_num(ta->metrics.gc_time_ms_per_s, tb->metrics.gc_time_ms_per_s);
    default:
        return strcmp(ta->path ? ta->path : "", tb->path ? tb->path : "");
    }
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    const struct taskmanager *t = &tms(ctx)->items[row];
    return text_icontains(t->id, filter) || text_icontains(t->path, filter);
}

static const char *rows_key(void *ctx, size_t row) { return tms(ctx)->items[row].id; }

static const struct table_source rows = {rows_count, rows_cell, rows_compare,
                                         rows_match, rows_key,  NULL};

static void taskmanagers_init(struct job_view *jv) { table_init(&jv->tms, cols, TC_N, -1); }

static void taskmanagers_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    const struct cluster *c = jv->cluster;
    bool ascii = jv->v->ascii;
    const struct source *s =
        c ? job_view_worse(&c->sources[SRC_TASKMANAGERS], &c->tm_metrics_source) : NULL;
    if (!job_view_source(jv, win, &y, &h, w, s, c && c->sources[SRC_TASKMANAGERS].last_ok_ms != 0,
                         "task managers"))
        return;
    const struct taskmanager_list *l = &c->taskmanagers;
    int used = 0, total = 0;
    bool known = true;
    for (size_t i = 0; i < l->len; i++) {
        int u = slots_used(&l->items[i]);
        known = known && u >= 0;
        used += u;
        total += l->items[i].slots_total;
    }
    char count[64], slots[64], t1[16], t2[16];
    snprintf(count, sizeof count, "%zu task manager%s of %s", l->len, l->len == 1 ? "" : "s",
             c->name ? c->name : "-");
    snprintf(slots, sizeof slots, "slots used %s",
             known && l->len ? text_ratio(used, total, t1, sizeof t1)
                             : text_ratio(-1, -1, t2, sizeof t2));
    /* the JobManager's heap and its trend, where Prometheus has them (REST has no such
     * per-cluster series) */
    char jm[128] = "";
    const struct app *app = jv->v->app;
    double jm_used, jm_max;
    int64_t jm_t;
    if (app->prom && c >= app->clusters && c < app->clusters + app->n_clusters &&
        prom_source_jobmanager_heap(app->prom, app, (size_t)(c - app->clusters), &jm_used, &jm_max,
                                    &jm_t)) {
        char u[16], m[16], spark[64] = "";
        const struct ring *hr = prom_source_jobmanager_heap_ring(app->prom, c->name);
        if (hr)
            sparkline_text(hr, 10, ascii, spark, sizeof spark);
        snprintf(jm, sizeof jm, "jobmanager heap %s/%s %s", units_bytes_short(jm_used, u, sizeof u),
                 units_bytes_short(jm_max, m, sizeof m), spark);
    }
    /* what the row leads to, where there is room for it */
    struct job_seg segs[] = {{count, ROLE_DEFAULT},
                             {slots, ROLE_DEFAULT},
                             {jm, ROLE_DEFAULT},
                             {"Enter JVM  t thread dump  O stdout  l log", ROLE_DIM}};
    int r = job_view_flow(win, y, 1, w - 1, 0, 1, segs, 4, ascii);
    y += r;
    h -= r;
    if (h <= 0)
        return;
    table_sync(&jv->tms, &rows, jv);
    table_draw(&jv->tms, win, y, h, w, ascii, &rows, jv);
    if (l->len == 0 && h > 1)
        view_message(win, y + 1 + (h - 1) / 2, w, "no task managers registered", ROLE_DIM, ascii);
    job_view_no_match(jv, &jv->tms, win, y + 1, w);
}

static unsigned taskmanagers_key(struct job_view *jv, enum request req) {
    return job_view_table_key(jv, &jv->tms, &rows, req);
}

static bool taskmanagers_filter(struct job_view *jv, struct table_filter *out) {
    out->text = jv->tms.filter;
    out->t = &jv->tms;
    out->src = &rows;
    out->ctx = jv;
    return true;
}

const struct job_tab tab_taskmanagers = {"Task managers",   "TMs",
                                         taskmanagers_init, taskmanagers_draw,
                                         taskmanagers_key,  taskmanagers_filter};

char *tab_taskmanagers_copy(struct job_view *jv, char *what, size_t size) {
    size_t row;
    if (!table_selected(&jv->tms, &row) || row >= tms(jv)->len || tms(jv)->items[row].id == NULL)
        return NULL;
    snprintf(what, size, "task manager id");
    return xstrdup(tms(jv)->items[row].id);
}

const char *tab_taskmanagers_selected(struct job_view *jv) {
    size_t row;
    if (!table_selected(&jv->tms, &row) || row >= tms(jv)->len)
        return NULL;
    return tms(jv)->items[row].id;
}
