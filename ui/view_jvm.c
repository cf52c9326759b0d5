/* The memory and JVM of one task manager (Enter or `m` on a row of the task managers
 * tab) or of the JobManager (`m` elsewhere on the job screen): heap, non-heap,
 * metaspace, direct and mapped buffers, managed memory, the network buffer pool,
 * threads, CPU, garbage collection per collector (a rate from the second sample on when
 * Flink gives only counters), the memory configuration and hardware Flink reports, and
 * the pod's memory limit against the container's use where Kubernetes says it (the
 * metrics API). Fetched while this screen is open
 * (flink_jvm.h), refreshed every refresh period. `t` and `O` open its thread dump and
 * stdout in the pager, `l` its log. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "flink_jvm.h"
#include "clock.h"
#include "k8s_model.h"
#include "k8s_pod_metrics.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "view.h"
#include "xalloc.h"

#define JVM_LINES_MAX 48
#define LABEL_CELLS 12

struct jvm_view {
    struct jvm_fetch *fetch; /* borrowed: the app's */
    char *tm_id;             /* owned, NULL: the JobManager */
    int64_t pod_limit;       /* the container's memory limit in bytes, -1 unknown */
};

struct jvm_line {
    char label[24];
    char text[200];
    enum color_role role;
    bool heading;
};

static void jv_free(void *p) {
    struct jvm_view *jv = p;
    if (jv == NULL)
        return;
    if (jv->fetch)
        jvm_fetch_close(jv->fetch); /* nothing is asked once the screen is gone */
    free(jv->tm_id);
    free(jv);
}

void view_jvm_start(struct view *v, struct jvm_fetch *fetch, const struct cluster *c,
                    const char *tm_id, int64_t now) {
    struct jvm_view *jv = xcalloc(1, sizeof *jv);
    jv->fetch = fetch;
    jv->tm_id = tm_id ? xstrdup(tm_id) : NULL;
    jv->pod_limit = -1;
    if (fetch && v->cluster >= 0)
        jvm_fetch_open(fetch, (size_t)v->cluster, c, tm_id, now);
    v->priv = jv;
    v->priv_free = jv_free;
}

const char *view_jvm_tm(const struct view *v) {
    const struct jvm_view *jv = v->ops == &view_jvm ? v->priv : NULL;
    return jv ? jv->tm_id : NULL;
}

static void jvm_title(struct view *v, char *buf, size_t size) {
    const struct jvm_view *jv = v->priv;
    const struct cluster *c = view_cluster(v);
    const char *cname = c && c->name ? c->name : "-";
    if (jv && jv->tm_id)
        snprintf(buf, size, "JVM of task manager %s (%s)", jv->tm_id, cname);
    else
        snprintf(buf, size, "JVM of the JobManager of %s", cname);
}

static void add(struct jvm_line *l, int *n, const char *label, enum color_role role, bool heading,
                const char *fmt, ...) __attribute__((format(printf, 6, 7)));
static void add(struct jvm_line *l, int *n, const char *label, enum color_role role, bool heading,
                const char *fmt, ...) {
    if (*n >= JVM_LINES_MAX)
        return;
    struct jvm_line *x = &l[(*n)++];
    snprintf(x->label, sizeof x->label, "%s", label);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(x->text, sizeof x->text, fmt, ap);
    va_end(ap);
    x->role = role;
    x->heading = heading;
}

static const char *bytes(double v, char *buf, size_t size) {
    return isnan(v) ? "-" : units_bytes(v, buf, size);
}

static const char *count(double v, char *buf, size_t size) {
    return text_int(isnan(v) ? -1 : (int64_t)v, buf, size);
}

static enum color_role ratio_role(double used, double max) {
    if (isnan(used) || isnan(max) || max <= 0)
        return ROLE_DEFAULT;
    double r = used / max;
    return r >= 0.9 ? ROLE_STATE_BAD : r >= 0.75 ? ROLE_STATE_WARN : ROLE_DEFAULT;
}

/* "563 MiB used of 1.0 GiB (55%), committed 1.0 GiB"; parts unknown are left out. */
static void used_of(char *out, size_t size, double used, double max, double committed) {
    char a[24], b[24], c[24], pct[16] = "";
    if (!isnan(used) && !isnan(max) && max > 0)
        snprintf(pct, sizeof pct, " (%.0f%%)", used / max * 100.0);
    int w = snprintf(out, size, "%s used", bytes(used, a, sizeof a));
    if (w < 0 || (size_t)w >= size)
        return;
    if (!isnan(max))
        w += snprintf(out + w, size - (size_t)w, " of %s%s", bytes(max, b, sizeof b), pct);
    if (w >= 0 && (size_t)w < size && !isnan(committed))
        snprintf(out + w, size - (size_t)w, ", committed %s", bytes(committed, c, sizeof c));
}

/* A buffer pool: "355 MiB used of 355 MiB capacity, 88 buffers", "not reported". */
static void buffers(char *out, size_t size, double used, double cap, double n) {
    char a[24], b[24], c[24];
    if (isnan(used) && isnan(cap) && isnan(n))
        snprintf(out, size, "not reported");
    else
        snprintf(out, size, "%s used of %s capacity, %s buffers", bytes(used, a, sizeof a),
                 bytes(cap, b, sizeof b), count(n, c, sizeof c));
}

/* The pod of this process on an operator's cluster, as view_logs finds it. */
static const struct pod *pod_of(const struct cluster *c, const char *tm_id) {
    const struct k8s_namespace_state *ns = k8s_cluster_namespace(c);
    if (ns == NULL || c->k8s.name == NULL)
        return NULL;
    for (size_t i = 0; i < ns->pods.len; i++) {
        const struct pod *p = &ns->pods.items[i];
        if (tm_id && strcmp(p->name, tm_id) == 0)
            return p;
        if (!tm_id && p->app && p->component && strcmp(p->app, c->k8s.name) == 0 &&
            strcmp(p->component, "jobmanager") == 0 && p->phase == POD_PHASE_RUNNING)
            return p;
    }
    return NULL;
}

static void gc_lines(const struct jvm_metrics *m, struct jvm_line *l, int *n) {
    add(l, n, "", ROLE_HEADER, true, "%-22s %10s %10s %8s %8s", "GARBAGE COLLECTOR", "COUNT",
        "TIME", "MS/S", "PER MIN");
    char a[24], b[24], rate[16], per[16];
    for (size_t i = 0; i < m->n_gc; i++) {
        const struct jvm_gc *g = &m->gc[i];
        snprintf(rate, sizeof rate, "%s", isnan(g->ms_per_s) ? "-" : "");
        if (!isnan(g->ms_per_s))
            snprintf(rate, sizeof rate, "%.1f", g->ms_per_s + 0.0);
        snprintf(per, sizeof per, "-");
        if (!isnan(g->per_min))
            snprintf(per, sizeof per, "%.1f", g->per_min + 0.0);
        char name[24];
        text_fit(g->name, 22, true, name, sizeof name);
        enum color_role role = !isnan(g->ms_per_s) && g->ms_per_s >= 300   ? ROLE_STATE_BAD
                               : !isnan(g->ms_per_s) && g->ms_per_s >= 100 ? ROLE_STATE_WARN
                                                                           : ROLE_DEFAULT;
        add(l, n, "", role, false, "%-22s %10s %10s %8s %8s", name, count(g->count, a, sizeof a),
            isnan(g->time_ms) ? "-" : units_ms((int64_t)g->time_ms, b, sizeof b), rate, per);
    }
    if (m->n_gc == 0)
        add(l, n, "", ROLE_DIM, false, "no collector reported");
    if (!isnan(m->gc_all_ms_per_s))
        add(l, n, "", ROLE_DEFAULT, false, "%-22s %10s %10s %8.1f %8s", "All", "", "",
            m->gc_all_ms_per_s + 0.0, "");
    else if (m->n_gc > 0)
        add(l, n, "", ROLE_DIM, false, "MS/S and PER MIN: from the counters between two samples");
}

/* The pod's memory limit against the container's use, as the metrics API says it:
 * "POD: memory used 2.3 GiB of limit 4.0 GiB (58%)". The screen names the pod to the
 * fetcher here, which asks its metrics (once, then each refresh). */
static void pod_lines(struct jvm_view *jv, const struct pod *pod, const struct jvm_view_data *d,
                      const struct jvm_metrics *m, struct jvm_line *l, int *n) {
    char a[24], b[24], lim[64], pct[16] = "";
    jvm_fetch_pod(jv->fetch, pod->namespace, pod->name, clock_wall_ms());
    double limit = pod->memory_limit < 0 ? NAN : (double)pod->memory_limit;
    double used = d->pod_memory < 0 ? NAN : (double)d->pod_memory;
    const struct source *s = d->pod_source;
    bool failed = s && s->state == SOURCE_ERROR;
    if (isnan(limit))
        snprintf(lim, sizeof lim, "no memory limit set");
    else
        snprintf(lim, sizeof lim, "memory limit %s", bytes(limit, b, sizeof b));
    if (!isnan(used)) {
        if (!isnan(limit) && limit > 0)
            snprintf(pct, sizeof pct, " (%.0f%%)", used / limit * 100.0);
        if (isnan(limit))
            add(l, n, "Pod", ROLE_DEFAULT, false, "%s: memory used %s, %s", pod->name,
                bytes(used, a, sizeof a), lim);
        else
            add(l, n, "Pod", ratio_role(used, limit), false, "%s: memory used %s of limit %s%s",
                pod->name, bytes(used, a, sizeof a), bytes(limit, b, sizeof b), pct);
        if (failed)
            add(l, n, "", ROLE_STALE, false, "last good answer shown: %s", s->error);
        return;
    }
    /* no figure: the limit alone, against the heap, and why there is no use */
    enum color_role role = isnan(limit) ? ROLE_DEFAULT : ratio_role(m->heap_used, limit);
    const char *why = d->pod_state == K8S_PM_NO_API       ? "no metrics API on this cluster"
                      : d->pod_state == K8S_PM_NO_METRICS ? "no metrics for this pod yet"
                                                          : NULL;
    if (why)
        add(l, n, "Pod", role, false, "%s: %s (%s)", pod->name, lim, why);
    else
        add(l, n, "Pod", role, false, "%s: %s", pod->name, lim);
    if (failed)
        add(l, n, "", ROLE_ERROR, false, "%s", s->error);
}

static int build(struct view *v, struct jvm_line *l) {
    struct jvm_view *jv = v->priv;
    const struct cluster *c = view_cluster(v);
    struct jvm_view_data d;
    int n = 0;
    if (jv == NULL || c == NULL || !jvm_fetch_get(jv->fetch, (size_t)v->cluster, jv->tm_id, &d))
        return 0;
    const struct jvm_metrics *m = d.m;
    char t[200], a[24], b[24];
    if (!d.have_metrics) {
        const struct source *s = d.metrics_source;
        if (s && s->state == SOURCE_ERROR)
            add(l, &n, "", ROLE_ERROR, false, "%s", s->error);
        else
            add(l, &n, "", ROLE_DIM, false, "loading metrics%s", v->ascii ? "..." : "\u2026");
    } else {
        const struct source *s = d.metrics_source;
        if (s && s->state == SOURCE_ERROR)
            add(l, &n, "", ROLE_STALE, false, "last good answer shown: %s", s->error);
        used_of(t, sizeof t, m->heap_used, m->heap_max, m->heap_committed);
        add(l, &n, "Heap", ratio_role(m->heap_used, m->heap_max), false, "%s", t);
        used_of(t, sizeof t, m->nonheap_used, m->nonheap_max, m->nonheap_committed);
        add(l, &n, "Non-heap", ROLE_DEFAULT, false, "%s", t);
        used_of(t, sizeof t, m->metaspace_used, m->metaspace_max, m->metaspace_committed);
        add(l, &n, "Metaspace", ratio_role(m->metaspace_used, m->metaspace_max), false, "%s", t);
        buffers(t, sizeof t, m->direct_used, m->direct_capacity, m->direct_count);
        add(l, &n, "Direct", ROLE_DEFAULT, false, "%s", t);
        buffers(t, sizeof t, m->mapped_used, m->mapped_capacity, m->mapped_count);
        add(l, &n, "Mapped", ROLE_DEFAULT, false, "%s", t);
        if (jv->tm_id) {
            used_of(t, sizeof t, m->managed_used, m->managed_total, NAN);
            add(l, &n, "Managed", ROLE_DEFAULT, false, "%s", t);
            char u[24], av[24], tot[24];
            add(l, &n, "Network", ratio_role(m->segments_used, m->segments_total), false,
                "%s of %s buffer segments used, %s available", count(m->segments_used, u, sizeof u),
                count(m->segments_total, tot, sizeof tot),
                count(m->segments_available, av, sizeof av));
        }
        char cpu[16];
        add(l, &n, "Threads", ROLE_DEFAULT, false, "%s   CPU %s   classes loaded %s",
            count(m->threads, a, sizeof a), units_percent(m->cpu_load, cpu, sizeof cpu),
            count(m->classes_loaded, b, sizeof b));
        add(l, &n, "", ROLE_DEFAULT, false, "%s", "");
        gc_lines(m, l, &n);
    }
    add(l, &n, "", ROLE_DEFAULT, false, "%s", "");
    if (jv->tm_id) {
        const struct jvm_tm_info *i = d.info;
        if (!d.have_info) {
            const struct source *s = d.info_source;
            add(l, &n, "Memory conf", s && s->state == SOURCE_ERROR ? ROLE_ERROR : ROLE_DIM, false,
                "%s", s && s->state == SOURCE_ERROR ? s->error : "loading");
        } else {
            char p[24], f[24], fh[24], th[24], nw[24], mg[24], ms[24], ov[24];
            add(l, &n, "Memory conf", ROLE_DEFAULT, false, "process %s, Flink %s",
                bytes(i->total_process < 0 ? NAN : (double)i->total_process, p, sizeof p),
                bytes(i->total_flink < 0 ? NAN : (double)i->total_flink, f, sizeof f));
            add(l, &n, "", ROLE_DEFAULT, false, "heap: framework %s, task %s; network %s",
                bytes(i->framework_heap < 0 ? NAN : (double)i->framework_heap, fh, sizeof fh),
                bytes(i->task_heap < 0 ? NAN : (double)i->task_heap, th, sizeof th),
                bytes(i->network < 0 ? NAN : (double)i->network, nw, sizeof nw));
            add(l, &n, "", ROLE_DEFAULT, false, "managed %s; metaspace %s; JVM overhead %s",
                bytes(i->managed < 0 ? NAN : (double)i->managed, mg, sizeof mg),
                bytes(i->metaspace < 0 ? NAN : (double)i->metaspace, ms, sizeof ms),
                bytes(i->overhead < 0 ? NAN : (double)i->overhead, ov, sizeof ov));
            add(l, &n, "Hardware", ROLE_DEFAULT, false, "%s CPU cores, %s physical memory",
                text_int(i->cpu_cores, a, sizeof a),
                bytes(i->physical_memory < 0 ? NAN : (double)i->physical_memory, b, sizeof b));
        }
    }
    const struct pod *pod = pod_of(c, jv->tm_id);
    if (pod == NULL)
        add(l, &n, "Pod", ROLE_DIM, false, "not on Kubernetes, or its pod is not listed");
    else
        pod_lines(jv, pod, &d, m, l, &n);
    return n;
}

static void jvm_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    struct jvm_line lines[JVM_LINES_MAX];
    const struct jvm_view *jv = v->priv;
    if (jv)
        jvm_fetch_seen(jv->fetch); /* on top: its next refresh may go */
    int n = build(v, lines);
    if (n == 0) {
        view_message(win, y + (h - 1) / 2, w, "the JVM's metrics are not available here", ROLE_DIM,
                     v->ascii);
        return;
    }
    int bottom = n - h > 0 ? n - h : 0;
    if (v->scroll > bottom)
        v->scroll = bottom;
    for (int r = 0; r < h && v->scroll + r < n; r++) {
        const struct jvm_line *l = &lines[v->scroll + r];
        int x = 1;
        if (l->label[0] || !l->heading) {
            if (w > LABEL_CELLS + 2) {
                draw_text(win, y + r, x, LABEL_CELLS, l->label, colors_attr(ROLE_HEADER), DRAW_LEFT,
                          v->ascii);
                x += LABEL_CELLS + 1;
            }
        } else if (w > LABEL_CELLS + 2) {
            x += LABEL_CELLS + 1;
        }
        if (x < w)
            draw_text(win, y + r, x, w - x, l->text, colors_attr(l->role), DRAW_LEFT, v->ascii);
    }
}

static unsigned jvm_key(struct view *v, enum request req, struct view_open *open) {
    (void)open;
    if (req == REQ_BACK || req == REQ_QUIT)
        return 0;
    return view_scroll_key(v, req, JVM_LINES_MAX);
}

static const enum request jvm_help[] = {REQ_UP,          REQ_DOWN,   REQ_PAGE_UP, REQ_PAGE_DOWN,
                                        REQ_THREAD_DUMP, REQ_STDOUT, REQ_LOGS,    REQ_NONE};

static char *jvm_copy(struct view *v, char *what, size_t size) {
    const struct jvm_view *jv = v->priv;
    if (jv == NULL || jv->tm_id == NULL)
        return NULL;
    snprintf(what, size, "task manager id");
    return xstrdup(jv->tm_id);
}

const struct view_ops view_jvm = {
    "JVM", NULL, NULL, jvm_title, jvm_draw, jvm_key, jvm_help, jvm_copy,
};
