/* Job tab 6: the job's cluster as the Flink Kubernetes Operator sees it: the key spec and
 * status fields of its FlinkDeployment, its apps/v1 Deployments (ready/desired, up to
 * date, available, a rollout in progress or stuck called out), its pods, the recent events about it
 * (newest first), its FlinkStateSnapshots (newest first, where the API server serves them) and its
 * flinkConfiguration. A standalone cluster's (a plain cluster whose restart patches its
 * Deployment) shows that Deployment and the others with its app label. The whole tab is
 * one list of lines, rebuilt at
 * every draw from what the k8s poller last heard, and scrolled as one. A cursor sits on
 * one pod (Up/Down or k/j move it while it is on screen, else they scroll; Home puts it
 * on the first), and `l`
 * opens that pod's log (view_job_selected_tm: the pager follows it, `p` there shows the
 * previous container's). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "draw.h"
#include "freshness.h"
#include "k8s_model.h"
#include "standalone.h"
#include "text.h"
#include "ui.h"
#include "view_job.h"
#include "xalloc.h"

#define KLINE_CELLS 10
#define KPAIR_CELLS 36 /* a label and its value, when several go on one line */
#define KLABEL_CELLS 14
#define KKEY_MAX 48 /* widest flinkConfiguration key column */

struct kcell {
    char text[256];
    enum color_role role;
    int width;   /* cells; 0: the rest of the line */
    bool middle; /* a name: cut in the middle, its tail kept (pods differ at the end) */
};

struct kline {
    struct kcell cells[KLINE_CELLS];
    int n;
    bool selected; /* the pod under the cursor: drawn as the selected row */
};

struct klines {
    struct kline *items; /* owned */
    size_t len, cap;
};

static struct kline *kline_add(struct klines *l) {
    if (l->len == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 64;
        l->items = xrealloc(l->items, l->cap * sizeof *l->items);
    }
    struct kline *k = &l->items[l->len++];
    memset(k, 0, sizeof *k);
    return k;
}

static void kcell_add(struct kline *k, const char *text, enum color_role role, int width) {
    if (k->n >= KLINE_CELLS)
        return;
    struct kcell *c = &k->cells[k->n++];
    snprintf(c->text, sizeof c->text, "%s", text ? text : "-");
    c->role = role;
    c->width = width;
}

static void kline_text(struct klines *l, const char *text, enum color_role role) {
    kcell_add(kline_add(l), text, role, 0);
}

/* Columns of lines [from, len): each as wide as its widest cell (the last one takes the
 * rest of the line), the widest key of a flinkConfiguration capped. */
static void grid_finish(struct klines *l, size_t from, int cap) {
    int width[KLINE_CELLS] = {0}, n = 0;
    for (size_t i = from; i < l->len; i++) {
        const struct kline *k = &l->items[i];
        n = k->n > n ? k->n : n;
        for (int c = 0; c < k->n; c++) {
            int cw = text_width(k->cells[c].text);
            width[c] = cw > width[c] ? cw : width[c];
        }
    }
    for (size_t i = from; i < l->len; i++)
        for (int c = 0; c < l->items[i].n; c++)
            l->items[i].cells[c].width = c == n - 1 ? 0 : (width[c] < cap ? width[c] : cap);
}

/* Label/value pairs, as many on a line as fit in w cells. */
struct kpair {
    const char *label;
    char value[256];
    enum color_role role;
};

static void pairs_lay_out(struct klines *l, const struct kpair *p, size_t n, int w) {
    int per = (w - 1) / (KPAIR_CELLS + 2);
    per = per < 1 ? 1 : per > 4 ? 4 : per;
    for (size_t i = 0; i < n; i += (size_t)per) {
        struct kline *k = kline_add(l);
        for (size_t j = i; j < n && j < i + (size_t)per; j++) {
            bool last = j + 1 == n || j + 1 == i + (size_t)per;
            kcell_add(k, p[j].label, ROLE_DIM, KLABEL_CELLS);
            kcell_add(k, p[j].value, p[j].role, last ? 0 : KPAIR_CELLS - KLABEL_CELLS - 2);
        }
    }
}

static void age_of(const struct app *app, int64_t ms, char *buf, size_t size) {
    if (ms < 0) {
        snprintf(buf, size, "-");
        return;
    }
    int64_t age = app->now_ms - ms;
    text_age(age < 0 ? 0 : age, buf, size);
}

static void add_resource(struct klines *l, const struct app *app, const struct cluster *c,
                         const struct flink_resource *r, int w) {
    const struct flink_resource_spec *sp = &r->spec;
    const struct flink_resource_status *st = &r->status;
    struct kpair p[16];
    size_t n = 0;
#define PAIR(lbl, role_, ...)                                                                      \
    do {                                                                                           \
        p[n].label = lbl;                                                                          \
        p[n].role = role_;                                                                         \
        snprintf(p[n].value, sizeof p[n].value, __VA_ARGS__);                                      \
        n++;                                                                                       \
    } while (0)
#define STR(s) ((s) ? (s) : "-")
    char t1[32], t2[32];
    PAIR("kind", ROLE_DEFAULT, "%s", flink_kind_name(r->kind));
    PAIR("name", ROLE_DEFAULT, "%s", STR(r->name));
    PAIR("namespace", ROLE_DEFAULT, "%s", STR(r->namespace));
    PAIR("context", ROLE_DEFAULT, "%s", STR(c->k8s.context));
    PAIR("image", ROLE_DEFAULT, "%s", STR(sp->image));
    PAIR("flinkVersion", ROLE_DEFAULT, "%s", STR(sp->flink_version));
    PAIR("upgradeMode", ROLE_DEFAULT, "%s", STR(sp->job.upgrade_mode));
    PAIR("state", ROLE_DEFAULT, "%s", STR(sp->job.state));
    PAIR("parallelism", ROLE_DEFAULT, "%s", text_int(sp->job.parallelism, t1, sizeof t1));
    PAIR("TM replicas", ROLE_DEFAULT, "%s (status %s)", text_int(sp->tm_replicas, t1, sizeof t1),
         text_int(st->tm_replicas, t2, sizeof t2));
    PAIR("lifecycle", st->present ? view_lifecycle_role(st->lifecycle) : ROLE_DIM, "%s",
         st->present ? flink_lifecycle_name(st->lifecycle) : "no status yet");
    PAIR("JM deployment", st->jm_status == JM_DEPLOY_ERROR ? ROLE_STATE_BAD : ROLE_DEFAULT, "%s",
         jm_deploy_state_name(st->jm_status));
    PAIR("reconciliation", ROLE_DEFAULT, "%s", reconcile_state_name(st->reconciliation));
    PAIR("job (operator)", view_job_state_role(st->job.state), "%s", job_state_name(st->job.state));
    PAIR("created", ROLE_DEFAULT, "%s ago", (age_of(app, r->created_ms, t1, sizeof t1), t1));
    bool behind = r->generation >= 0 && st->observed_generation >= 0 &&
                  r->generation != st->observed_generation;
    PAIR("generation", behind ? ROLE_STATE_WARN : ROLE_DEFAULT, "%s (observed %s)",
         text_int(r->generation, t1, sizeof t1), text_int(st->observed_generation, t2, sizeof t2));
#undef STR
#undef PAIR
    pairs_lay_out(l, p, n, w);
    if (behind)
        kline_text(l, "spec not yet picked up: the operator has not reconciled the last change",
                   ROLE_STATE_WARN);
    if (st->error) {
        struct kline *k = kline_add(l);
        kcell_add(k, "error", ROLE_ERROR, KLABEL_CELLS);
        kcell_add(k, st->error, ROLE_ERROR, 0);
    }
    if (st->error_cause) {
        struct kline *k = kline_add(l);
        kcell_add(k, "cause", ROLE_ERROR, KLABEL_CELLS);
        kcell_add(k, st->error_cause, ROLE_ERROR, 0);
    }
}

static bool pod_matches(const struct pod *p, const char *filter) {
    return filter[0] == '\0' || text_icontains(p->name, filter) ||
           text_icontains(pod_phase_name(p->phase), filter) ||
           text_icontains(p->waiting_reason, filter) || text_icontains(p->reason, filter) ||
           text_icontains(p->term_reason, filter) || text_icontains(p->component, filter) ||
           text_icontains(p->node, filter);
}

/* "Pods (5)", or with a filter "Pods (2 of 5, filter: tm)". */
static void section_title(const char *what, size_t shown, size_t total, const char *filter,
                          char *buf, size_t size) {
    if (filter[0])
        snprintf(buf, size, "%s (%zu of %zu, filter: %s)", what, shown, total, filter);
    else
        snprintf(buf, size, "%s (%zu)", what, total);
}

/* Which of the n pods shown the cursor is on: the one it was on (by name) unless a key
 * moved it, else by position, kept within the list. */
static int pod_cursor(struct job_view *jv, const struct pod **pods, size_t n) {
    int sel = -1;
    if (!jv->k8s_pod_moved && jv->k8s_pod[0])
        for (size_t i = 0; i < n && sel < 0; i++)
            if (strcmp(pods[i]->name, jv->k8s_pod) == 0)
                sel = (int)i;
    if (sel < 0)
        sel = jv->k8s_pod_sel >= (int)n ? (int)n - 1 : jv->k8s_pod_sel < 0 ? 0 : jv->k8s_pod_sel;
    jv->k8s_pod_moved = false;
    jv->k8s_pod_sel = sel;
    snprintf(jv->k8s_pod, sizeof jv->k8s_pod, "%s", pods[sel]->name);
    return sel;
}

/* The cluster's pods the filter leaves, in the tab's order (owned array, borrowed
 * pods); *total before the filter. */
static const struct pod **shown_pods(const struct cluster *c, const struct k8s_namespace_state *ns,
                                     const char *filter, size_t *n, size_t *total) {
    *n = 0;
    const struct pod **pods = ns ? pods_of_app(&ns->pods, ns->name, c->k8s.name, n) : NULL;
    size_t shown = 0;
    *total = *n;
    for (size_t i = 0; i < *n; i++)
        if (pod_matches(pods[i], filter))
            pods[shown++] = pods[i];
    *n = shown;
    return pods;
}

static void add_pods(struct klines *l, struct job_view *jv, const struct app *app,
                     const struct cluster *c, const struct k8s_namespace_state *ns,
                     const char *filter) {
    size_t n = 0, total = 0;
    const struct pod **pods = shown_pods(c, ns, filter, &n, &total);
    char title[TABLE_FILTER_MAX + 64];
    section_title("Pods", n, total, filter, title, sizeof title);
    kline_add(l);
    kline_text(l, title, ROLE_HEADER);
    if (ns == NULL || !ns->pods_ok) {
        kline_text(l, ns && ns->error[0] ? ns->error : "pods not listed yet",
                   ns && ns->error[0] ? ROLE_ERROR : ROLE_DIM);
        free(pods);
        return;
    }
    if (n == 0) {
        kline_text(l,
                   total ? "no pod matches the filter (Esc clears it)"
                         : "no pods with app=NAME in its namespace",
                   ROLE_DIM);
        free(pods);
        return;
    }
    int sel = pod_cursor(jv, pods, n);
    size_t from = l->len;
    struct kline *h = kline_add(l);
    jv->k8s_pod_first = (int)l->len;
    jv->k8s_n_pods = (int)n;
    /* what says trouble first, so it survives a narrow terminal */
    static const char *const heads[] = {"NAME",      "PHASE",     "READY", "RESTARTS", "WAITING",
                                        "LAST TERM", "COMPONENT", "NODE",  "AGE"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        kcell_add(h, heads[i], ROLE_DIM, 0);
    for (size_t i = 0; i < n; i++) {
        const struct pod *p = pods[i];
        struct kline *k = kline_add(l);
        k->selected = (int)i == sel;
        char ready[32], restarts[32], age[32];
        kcell_add(k, p->name, ROLE_DEFAULT, 0);
        k->cells[k->n - 1].middle = true;
        kcell_add(k, pod_phase_name(p->phase),
                  p->phase == POD_PHASE_RUNNING || p->phase == POD_PHASE_SUCCEEDED ? ROLE_DEFAULT
                  : p->phase == POD_PHASE_FAILED                                   ? ROLE_STATE_BAD
                                                 : ROLE_STATE_WARN,
                  0);
        if (p->containers_ready >= 0 && p->containers_total >= 0)
            text_ratio(p->containers_ready, p->containers_total, ready, sizeof ready);
        else
            snprintf(ready, sizeof ready, "%s", p->ready == 1 ? "yes" : p->ready == 0 ? "no" : "-");
        kcell_add(k, ready, p->ready == 0 ? ROLE_STATE_WARN : ROLE_DEFAULT, 0);
        kcell_add(k, text_int(p->restarts, restarts, sizeof restarts),
                  p->restarts > 0 ? ROLE_STATE_WARN : ROLE_DEFAULT, 0);
        const char *waiting = p->waiting_reason ? p->waiting_reason : p->reason;
        kcell_add(k, waiting,
                  waiting && strstr(waiting, "BackOff") != NULL ? ROLE_STATE_BAD
                  : waiting                                     ? ROLE_STATE_WARN
                                                                : ROLE_DEFAULT,
                  0);
        kcell_add(k, p->term_reason,
                  p->term_reason && strcmp(p->term_reason, "OOMKilled") == 0 ? ROLE_STATE_BAD
                                                                             : ROLE_DEFAULT,
                  0);
        kcell_add(k, p->component, ROLE_DEFAULT, 0);
        kcell_add(k, p->node, ROLE_DEFAULT, 0);
        age_of(app, p->created_ms, age, sizeof age);
        kcell_add(k, age, ROLE_DEFAULT, 0);
    }
    grid_finish(l, from, 64);
    free(pods);
}

static enum color_role rollout_role(enum deploy_rollout r) {
    return r == DEPLOY_ROLLOUT_STUCK         ? ROLE_STATE_BAD
           : r == DEPLOY_ROLLOUT_PROGRESSING ? ROLE_STATE_WARN
           : r == DEPLOY_ROLLOUT_COMPLETE    ? ROLE_DEFAULT
                                             : ROLE_DIM;
}

/* A failed source's line: its error, and how old the data above it is when it had some. */
static void add_source_error(struct klines *l, const struct app *app, const struct source *s) {
    char line[200], age[16];
    if (s->last_ok_ms > 0) {
        int64_t ms = app->now_ms - s->last_ok_ms;
        snprintf(line, sizeof line, "stale %s: %.160s", text_age(ms < 0 ? 0 : ms, age, sizeof age),
                 s->error);
    } else {
        snprintf(line, sizeof line, "%.160s", s->error);
    }
    kline_text(l, line, ROLE_ERROR);
}

/* The table of Deployments v (n > 0), and under it what each rollout under way waits for. */
static void add_deployment_rows(struct klines *l, const struct app *app,
                                const struct apps_deployment **v, size_t n) {
    size_t from = l->len;
    struct kline *h = kline_add(l);
    static const char *const heads[] = {"NAME",      "READY",   "UP-TO-DATE",
                                        "AVAILABLE", "ROLLOUT", "AGE"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        kcell_add(h, heads[i], ROLE_DIM, 0);
    for (size_t i = 0; i < n; i++) {
        const struct apps_deployment *d = v[i];
        const char *why = NULL;
        enum deploy_rollout r = apps_deployment_rollout(d, &why);
        struct kline *k = kline_add(l);
        char ready[32], upd[32], avail[32], age[32];
        if (d->ready >= 0 && d->replicas >= 0)
            text_ratio(d->ready, d->replicas, ready, sizeof ready);
        else
            snprintf(ready, sizeof ready, "-");
        kcell_add(k, d->name, ROLE_DEFAULT, 0);
        kcell_add(k, ready,
                  d->ready >= 0 && d->ready < d->replicas ? ROLE_STATE_WARN : ROLE_DEFAULT, 0);
        kcell_add(k, text_int(d->updated, upd, sizeof upd), ROLE_DEFAULT, 0);
        kcell_add(k, text_int(d->available, avail, sizeof avail), ROLE_DEFAULT, 0);
        kcell_add(k, deploy_rollout_name(r), rollout_role(r), 0);
        age_of(app, d->created_ms, age, sizeof age);
        kcell_add(k, age, ROLE_DEFAULT, 0);
    }
    grid_finish(l, from, 64);
    for (size_t i = 0; i < n; i++) { /* under the table: what a rollout waits for */
        const char *why = NULL;
        enum deploy_rollout r = apps_deployment_rollout(v[i], &why);
        if (r != DEPLOY_ROLLOUT_STUCK && r != DEPLOY_ROLLOUT_PROGRESSING)
            continue;
        char line[256];
        snprintf(line, sizeof line, "%.63s: rollout %s%s%.160s", v[i]->name,
                 r == DEPLOY_ROLLOUT_STUCK ? "stuck" : "in progress", why ? ": " : "",
                 why ? why : "");
        kline_text(l, line, r == DEPLOY_ROLLOUT_STUCK ? ROLE_ERROR : ROLE_STATE_WARN);
    }
}

/* "Deployments (N)": one row each (the operator's JobManager Deployment, a standalone
 * cluster's task managers); a rollout under way or stuck gets a line saying why. */
static void add_deployments(struct klines *l, const struct app *app, const struct cluster *c,
                            const struct k8s_namespace_state *ns) {
    size_t n = 0;
    bool listed = false;
    const struct apps_deployment **v = k8s_cluster_deployments(c, &n, &listed);
    char title[64];
    snprintf(title, sizeof title, "Deployments (%zu)", n);
    kline_add(l);
    kline_text(l, title, ROLE_HEADER);
    if (ns && ns->apps_forbidden[0]) /* RBAC: the rest works */
        kline_text(l, ns->apps_forbidden, ROLE_STATE_WARN);
    if (!listed && ns && ns->apps_forbidden[0]) {
        free(v);
        return;
    }
    if (!listed) {
        const struct source *s = ns ? &ns->lists[FRESH_DEPLOYMENTS] : NULL;
        kline_text(l, s && s->state == SOURCE_ERROR ? s->error : "deployments not listed yet",
                   s && s->state == SOURCE_ERROR ? ROLE_ERROR : ROLE_DIM);
        free(v);
        return;
    }
    if (n == 0) {
        kline_text(l, "no Deployment with app=NAME in its namespace", ROLE_DIM);
        free(v);
        return;
    }
    add_deployment_rows(l, app, v, n);
    free(v);
}

/* A standalone cluster's tab: the Deployment a restart patches and the others with its
 * app label, as the API server of its context says while the tab is in view. */
static void add_standalone(struct klines *l, const struct app *app,
                           const struct standalone_state *s) {
    char line[256];
    snprintf(line, sizeof line, "Deployment %.63s/%.63s (standalone; context %.63s)", s->namespace,
             s->deployment, s->context ? s->context : "-");
    kline_text(l, line, ROLE_HEADER);
    if (s->src.state == SOURCE_ERROR)
        add_source_error(l, app, &s->src);
    if (!s->listed) {
        if (s->src.state != SOURCE_ERROR)
            kline_text(l, "loading the Deployment", ROLE_DIM);
        return;
    }
    size_t n = 0;
    const struct apps_deployment **v = standalone_deployments(s, &n);
    char title[64];
    snprintf(title, sizeof title, "Deployments (%zu)", n);
    kline_add(l);
    kline_text(l, title, ROLE_HEADER);
    if (n == 0) {
        snprintf(line, sizeof line, "no Deployment %.63s in namespace %.63s", s->deployment,
                 s->namespace);
        kline_text(l, line, ROLE_DIM);
        return;
    }
    add_deployment_rows(l, app, v, n);
    free(v);
}

static bool event_matches(const struct k8s_event *e, const char *filter) {
    return filter[0] == '\0' || text_icontains(e->type, filter) ||
           text_icontains(e->reason, filter) || text_icontains(e->object_name, filter) ||
           text_icontains(e->message, filter);
}

static void add_events(struct klines *l, const struct app *app, const struct cluster *c,
                       const struct k8s_namespace_state *ns, const char *filter) {
    size_t n = 0;
    const struct k8s_event **ev =
        ns ? events_of(&ns->events, &ns->pods, ns->name, c->k8s.name, &n) : NULL;
    size_t total = n, shown = 0;
    for (size_t i = 0; i < n; i++)
        if (event_matches(ev[i], filter))
            ev[shown++] = ev[i];
    n = shown;
    char title[TABLE_FILTER_MAX + 64];
    section_title("Events", n, total, filter, title, sizeof title);
    kline_add(l);
    kline_text(l, title, ROLE_HEADER);
    if (ns == NULL || !ns->events_ok) {
        kline_text(l, "events not listed yet", ROLE_DIM);
        free(ev);
        return;
    }
    if (n == 0) {
        kline_text(l, total ? "no event matches the filter (Esc clears it)" : "no recent events",
                   ROLE_DIM);
        free(ev);
        return;
    }
    size_t from = l->len;
    struct kline *h = kline_add(l);
    static const char *const heads[] = {"AGE", "TYPE", "REASON", "OBJECT", "COUNT", "MESSAGE"};
    for (size_t i = 0; i < sizeof heads / sizeof heads[0]; i++)
        kcell_add(h, heads[i], ROLE_DIM, 0);
    for (size_t i = 0; i < n; i++) {
        const struct k8s_event *e = ev[i];
        struct kline *k = kline_add(l);
        char age[32], count[32];
        age_of(app, e->last_ms, age, sizeof age);
        kcell_add(k, age, ROLE_DEFAULT, 0);
        kcell_add(k, e->type, e->warning ? ROLE_STATE_WARN : ROLE_DEFAULT, 0);
        kcell_add(k, e->reason, e->warning ? ROLE_STATE_WARN : ROLE_DEFAULT, 0);
        kcell_add(k, e->object_name, ROLE_DEFAULT, 0);
        kcell_add(k, text_int(e->count, count, sizeof count), ROLE_DEFAULT, 0);
        kcell_add(k, e->message, ROLE_DEFAULT, 0);
    }
    grid_finish(l, from, 48);
    free(ev);
}

static enum color_role snapshot_role(enum snapshot_state st) {
    switch (st) {
    case SNAPSHOT_COMPLETED:
        return ROLE_STATE_OK;
    case SNAPSHOT_FAILED:
        return ROLE_STATE_BAD;
    case SNAPSHOT_TRIGGER_PENDING:
    case SNAPSHOT_IN_PROGRESS:
        return ROLE_STATE_WARN;
    default:
        return ROLE_DIM;
    }
}

/* What the last column says: the error of a failed one, else where it lies (status.path,
 * or spec.savepoint.path of an imported savepoint); NULL when neither is known. */
static const char *snapshot_where(const struct flink_snapshot *s) {
    if (s->state == SNAPSHOT_FAILED || (s->error && s->path == NULL && s->spec_path == NULL))
        return s->error;
    return s->path ? s->path : s->spec_path;
}

static const char *snapshot_type(const struct flink_snapshot *s) {
    return s->checkpoint ? "checkpoint" : "savepoint";
}

static bool snapshot_matches(const struct flink_snapshot *s, const char *filter) {
    return filter[0] == '\0' || text_icontains(s->name, filter) ||
           text_icontains(snapshot_type(s), filter) ||
           text_icontains(snapshot_state_name(s->state), filter) ||
           text_icontains(s->path, filter) || text_icontains(s->spec_path, filter) ||
           text_icontains(s->error, filter);
}

#define KSNAP_NAME_MAX 40 /* widest snapshot name column */
#define KSNAP_PATH_MIN 32 /* narrower than this, the path goes on a line of its own */

/* "Snapshots (N)": one row each, newest first. Absent when the API server does not serve
 * FlinkStateSnapshots. On a narrow terminal the path (or the error) goes on the line
 * under its row, indented, so that it can still be read whole. */
static void add_snapshots(struct klines *l, const struct app *app, const struct cluster *c,
                          const struct k8s_namespace_state *ns, const char *filter, int w) {
    if (!k8s_cluster_snapshots_served(c))
        return;
    const struct flink_snapshot **v = NULL;
    size_t total = k8s_cluster_snapshots(c, &v), n = 0;
    for (size_t i = 0; i < total; i++)
        if (snapshot_matches(v[i], filter))
            v[n++] = v[i];
    char title[TABLE_FILTER_MAX + 64];
    section_title("Snapshots", n, total, filter, title, sizeof title);
    kline_add(l);
    kline_text(l, title, ROLE_HEADER);
    if (ns == NULL || !ns->snapshots_ok) {
        kline_text(l, "snapshots not listed yet", ROLE_DIM);
        free(v);
        return;
    }
    if (n == 0) {
        kline_text(l, total ? "no snapshot matches the filter (Esc clears it)" : "none yet",
                   ROLE_DIM);
        free(v);
        return;
    }
    /* the widths of NAME, TYPE, STATE and AGE decide whether the path fits beside them */
    static const char *const heads[] = {"NAME", "TYPE", "STATE", "AGE", "PATH / ERROR"};
    char(*ages)[32] = xcalloc(n, sizeof *ages);
    int width[4];
    for (int k = 0; k < 4; k++)
        width[k] = text_width(heads[k]);
    for (size_t i = 0; i < n; i++) {
        const struct flink_snapshot *s = v[i];
        int64_t when = s->trigger_ms >= 0 ? s->trigger_ms : s->created_ms;
        age_of(app, when, ages[i], sizeof ages[i]);
        const char *cells[4] = {s->name, snapshot_type(s), snapshot_state_name(s->state), ages[i]};
        for (int k = 0; k < 4; k++) {
            int cw = text_width(cells[k]);
            width[k] = cw > width[k] ? cw : width[k];
        }
    }
    width[0] = width[0] < KSNAP_NAME_MAX ? width[0] : KSNAP_NAME_MAX;
    int left = 1 + width[0] + width[1] + width[2] + width[3] + 4 * 2;
    bool below = w - left < KSNAP_PATH_MIN;
    struct kline *h = kline_add(l);
    for (int k = 0; k < 5; k++)
        if (k < 4 || !below)
            kcell_add(h, heads[k], ROLE_DIM, k < 4 ? width[k] : 0);
    for (size_t i = 0; i < n; i++) {
        const struct flink_snapshot *s = v[i];
        struct kline *k = kline_add(l);
        enum color_role role = snapshot_role(s->state);
        kcell_add(k, s->name, ROLE_DEFAULT, width[0]);
        kcell_add(k, snapshot_type(s), ROLE_DEFAULT, width[1]);
        kcell_add(k, snapshot_state_name(s->state), role, width[2]);
        kcell_add(k, ages[i], ROLE_DEFAULT, width[3]);
        const char *where = snapshot_where(s);
        enum color_role wrole = s->state == SNAPSHOT_FAILED ? ROLE_ERROR : ROLE_DEFAULT;
        if (below && where == NULL)
            continue;
        if (below) {
            k = kline_add(l);
            kcell_add(k, "", ROLE_DEFAULT, 2);
        }
        kcell_add(k, where, where ? wrole : ROLE_DIM, 0);
    }
    free(ages);
    free(v);
}

static void add_conf(struct klines *l, const struct flink_resource *r, const char *filter) {
    char title[TABLE_FILTER_MAX + 64];
    size_t shown = 0;
    for (size_t i = 0; i < r->spec.conf_len; i++)
        shown += filter[0] == '\0' || text_icontains(r->spec.conf[i].key, filter) ||
                 text_icontains(r->spec.conf[i].value, filter);
    if (filter[0])
        snprintf(title, sizeof title, "flinkConfiguration (%zu of %zu%s, filter: %s)", shown,
                 r->spec.conf_len, r->spec.conf_truncated ? ", truncated" : "", filter);
    else
        snprintf(title, sizeof title, "flinkConfiguration (%zu%s)", r->spec.conf_len,
                 r->spec.conf_truncated ? ", truncated" : "");
    kline_add(l);
    kline_text(l, title, ROLE_HEADER);
    size_t from = l->len;
    for (size_t i = 0; i < r->spec.conf_len; i++) {
        if (filter[0] && !text_icontains(r->spec.conf[i].key, filter) &&
            !text_icontains(r->spec.conf[i].value, filter))
            continue;
        struct kline *k = kline_add(l);
        kcell_add(k, r->spec.conf[i].key, ROLE_DIM, 0);
        kcell_add(k, r->spec.conf[i].value, ROLE_DEFAULT, 0);
    }
    grid_finish(l, from, KKEY_MAX);
}

/* Everything the tab shows, as lines; false with *msg set when there is only a message. */
static bool build(struct job_view *jv, struct klines *l, int w, const char **msg,
                  enum color_role *role) {
    const struct cluster *c = jv->cluster;
    const struct app *app = jv->v->app;
    *role = ROLE_DIM;
    if (c == NULL) {
        *msg = "no cluster";
        return false;
    }
    if (c->k8s.name == NULL && c->standalone) {
        jv->k8s_n_pods = 0;
        jv->k8s_pod_first = -1;
        add_standalone(l, app, c->standalone);
        return true;
    }
    if (c->k8s.name == NULL) {
        *msg = "not managed by the Flink Kubernetes Operator (plain Flink REST endpoint)";
        return false;
    }
    const struct flink_resource *r = k8s_cluster_resource(c);
    if (r == NULL) {
        if (c->k8s.ctx && c->k8s.ctx->error[0]) {
            *msg = c->k8s.ctx->error;
            *role = ROLE_ERROR;
        } else {
            *msg = c->k8s.gone ? "the FlinkDeployment is gone" : "loading the FlinkDeployment";
        }
        return false;
    }
    if (c->k8s.ctx && c->k8s.ctx->error[0])
        kline_text(l, c->k8s.ctx->error, ROLE_ERROR);
    if (c->k8s.ctx && c->k8s.ctx->watch_note[0]) /* RBAC forbids watch: slower lists */
        kline_text(l, c->k8s.ctx->watch_note, ROLE_STATE_WARN);
    char title[256];
    snprintf(title, sizeof title, "%s %s/%s", flink_kind_name(r->kind),
             r->namespace ? r->namespace : "-", r->name);
    kline_text(l, title, ROLE_HEADER);
    add_resource(l, app, c, r, w);
    const struct k8s_namespace_state *ns = k8s_cluster_namespace(c);
    /* this tab's own sources: each Kubernetes list that failed, with how old what it
     * shows is (the Flink REST banner is not this tab's) */
    for (int k = 0; k < FRESH_K8S_LISTS; k++) {
        const struct source *s = freshness_k8s_list(c, (enum fresh_k8s_list)k);
        if (s != NULL && s->state == SOURCE_ERROR)
            add_source_error(l, app, s);
    }
    jv->k8s_n_pods = 0;
    jv->k8s_pod_first = -1;
    add_deployments(l, app, c, ns);
    add_pods(l, jv, app, c, ns, jv->k8s_filter);
    add_events(l, app, c, ns, jv->k8s_filter);
    add_snapshots(l, app, c, ns, jv->k8s_filter, w);
    add_conf(l, r, jv->k8s_filter);
    return true;
}

static void kubernetes_draw(struct job_view *jv, WINDOW *win, int y, int h, int w) {
    bool ascii = jv->v->ascii;
    struct klines l = {NULL, 0, 0};
    const char *msg = NULL;
    enum color_role role;
    if (!build(jv, &l, w, &msg, &role)) {
        jv->k8s_n_pods = 0;
        jv->k8s_pod[0] = '\0';
        jv->k8s_lines = 0;
        jv->k8s_page = h;
        if (h > 0)
            view_message(win, y + (h - 1) / 2, w, msg, role, ascii);
        free(l.items);
        return;
    }
    int n = (int)l.len;
    jv->k8s_lines = n;
    jv->k8s_page = h;
    int max_top = n > h ? n - h : 0;
    jv->k8s_top = jv->k8s_top > max_top ? max_top : jv->k8s_top < 0 ? 0 : jv->k8s_top;
    for (int r = 0; r < h && jv->k8s_top + r < n; r++) {
        const struct kline *k = &l.items[jv->k8s_top + r];
        int x = 1;
        if (k->selected)
            draw_blank(win, y + r, 0, w, colors_attr(ROLE_SELECTED));
        for (int i = 0; i < k->n && x < w; i++) {
            const struct kcell *cell = &k->cells[i];
            int cw = cell->width > 0 && cell->width < w - x ? cell->width : w - x;
            char fit[512];
            const char *text = cell->text;
            if (cell->middle) {
                text_fit_middle(cell->text, cw, ascii, fit, sizeof fit);
                text = fit;
            }
            draw_text(win, y + r, x, cw, text,
                      colors_attr(k->selected ? ROLE_SELECTED : cell->role), DRAW_LEFT, ascii);
            x += cw + 2;
        }
    }
    free(l.items);
}

/* Up/Down move the pod cursor while its row is on screen (the page follows it); past
 * the last pod, or with the cursor scrolled away, they scroll the tab. */
static bool pod_key(struct job_view *jv, enum request req, int *top) {
    int line = jv->k8s_pod_first + jv->k8s_pod_sel;
    int page = jv->k8s_page > 0 ? jv->k8s_page : 1;
    if (jv->k8s_n_pods <= 0 || jv->k8s_pod_first < 0 || line < *top || line >= *top + page)
        return false;
    int sel = jv->k8s_pod_sel + (req == REQ_DOWN ? 1 : -1);
    if (sel < 0 || sel >= jv->k8s_n_pods)
        return false;
    jv->k8s_pod_sel = sel;
    jv->k8s_pod_moved = true;
    line = jv->k8s_pod_first + sel;
    if (line < *top)
        *top = line;
    else if (line >= *top + page)
        *top = line - page + 1;
    return true;
}

/* Looked up again: keys read in one go (j then l) come before the next draw. */
const char *tab_kubernetes_selected_pod(struct job_view *jv) {
    const struct cluster *c = jv->cluster;
    if (c == NULL || c->k8s.name == NULL || k8s_cluster_resource(c) == NULL)
        return NULL;
    size_t n = 0, total = 0;
    const struct pod **pods = shown_pods(c, k8s_cluster_namespace(c), jv->k8s_filter, &n, &total);
    if (n > 0)
        pod_cursor(jv, pods, n);
    free(pods);
    return n > 0 ? jv->k8s_pod : NULL;
}

static unsigned kubernetes_key(struct job_view *jv, enum request req) {
    int page = jv->k8s_page > 1 ? jv->k8s_page - 1 : 1;
    int max_top = jv->k8s_lines > jv->k8s_page ? jv->k8s_lines - jv->k8s_page : 0;
    int top = jv->k8s_top;
    switch (req) {
    case REQ_UP:
        if (!pod_key(jv, req, &top))
            top--;
        break;
    case REQ_DOWN:
        if (!pod_key(jv, req, &top))
            top++;
        break;
    case REQ_PAGE_UP:
        top -= page;
        break;
    case REQ_PAGE_DOWN:
        top += page;
        break;
    case REQ_TOP: /* the top, the cursor on the first pod */
        top = 0;
        jv->k8s_pod_sel = 0;
        jv->k8s_pod_moved = true;
        break;
    case REQ_BOTTOM:
        top = max_top;
        break;
    default:
        return 0;
    }
    top = top > max_top ? max_top : top < 0 ? 0 : top;
    jv->k8s_top = top;
    return UI_REDRAW;
}

/* No table here: the filter text narrows pods, events, snapshots and configuration as it
 * is drawn. */
static bool kubernetes_filter(struct job_view *jv, struct table_filter *out) {
    out->text = jv->k8s_filter;
    out->t = NULL;
    return true;
}

const struct job_tab tab_kubernetes = {"Kubernetes",    "K8s",          NULL,
                                       kubernetes_draw, kubernetes_key, kubernetes_filter};
