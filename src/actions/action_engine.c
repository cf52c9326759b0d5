#include "action_engine.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app.h"
#include "audit.h"
#include "clock.h"
#include "config.h"
#include "k8s_poller.h"
#include "model.h"
#include "xalloc.h"
#include "yaml_doc.h"

#define UNLOCK_MAX_MS (24LL * 3600 * 1000) /* a day: a longer unlock is a config change */
#define BLAST_JOBS_MAX 12                  /* job names listed before "and N more" */

struct action_engine {
    struct app *app;         /* borrowed */
    struct operations *ops;  /* borrowed */
    struct audit *audit;     /* borrowed, NULL: not writable */
    char audit_error[256];   /* why it could not be opened */
    bool audit_optional;     /* `audit: optional` */
    bool forced_readonly;    /* --readonly */
    int64_t unlock_until_ms; /* monotonic, 0: locked (as the config says) */
    char reason[128];
};

struct action_engine *action_engine_new(struct app *app, struct operations *ops) {
    struct action_engine *e = xcalloc(1, sizeof *e);
    e->app = app;
    e->ops = ops;
    return e;
}

void action_engine_free(struct action_engine *e) { free(e); }

/* ---- the lock ------------------------------------------------------------------------- */

void action_engine_set_forced_readonly(struct action_engine *e, bool on) {
    e->forced_readonly = on;
    if (on)
        action_engine_lock(e);
}

void action_engine_set_audit(struct action_engine *e, struct audit *a, const char *open_error,
                             bool optional) {
    e->audit = a;
    e->audit_optional = optional;
    snprintf(e->audit_error, sizeof e->audit_error, "%s", open_error ? open_error : "");
}

/* The reason after the duration: "INC-1234" in quotes, or the rest as it is. */
static int parse_reason(const char *s, char *out, size_t size) {
    while (*s == ' ')
        s++;
    size_t n = strlen(s);
    if (n >= 2 && (s[0] == '"' || s[0] == '\'') && s[n - 1] == s[0]) {
        s++;
        n -= 2;
    }
    while (n > 0 && s[n - 1] == ' ')
        n--;
    if (n == 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] < 0x20 || s[i] == 0x7f)
            return -1;
    snprintf(out, size, "%.*s", (int)n, s);
    return 0;
}

int action_engine_unlock(struct action_engine *e, const char *arg, int64_t now_mono_ms, char *msg,
                         size_t size) {
    static const char usage[] = "usage: :unlock DURATION \"REASON\", e.g. :unlock 10m \"INC-1234\"";
    if (e->forced_readonly) {
        snprintf(msg, size, "started with --readonly: nothing unlocks actions in this session");
        return -1;
    }
    const char *p = arg ? arg : "";
    while (*p == ' ')
        p++;
    size_t dl = strcspn(p, " ");
    char dur[32];
    int64_t ms = 0;
    if (dl == 0 || dl >= sizeof dur) {
        snprintf(msg, size, "%s", usage);
        return -1;
    }
    snprintf(dur, sizeof dur, "%.*s", (int)dl, p);
    if (yaml_doc_parse_duration_ms(dur, &ms) != 0 || ms <= 0 || ms > UNLOCK_MAX_MS) {
        snprintf(msg, size, "unlock: %s is not a duration from 1s to 24h; %s", dur, usage);
        return -1;
    }
    char reason[sizeof e->reason];
    if (parse_reason(p + dl, reason, sizeof reason) != 0) {
        snprintf(msg, size, "unlock: a reason is needed (it goes into every audit line); %s",
                 usage);
        return -1;
    }
    e->unlock_until_ms = now_mono_ms + ms;
    snprintf(e->reason, sizeof e->reason, "%s", reason);
    snprintf(msg, size,
             "actions unlocked for %s (reason \"%s\", written to the audit log); :lock ends it",
             dur, e->reason);
    return 0;
}

void action_engine_lock(struct action_engine *e) {
    e->unlock_until_ms = 0;
    e->reason[0] = '\0';
}

int64_t action_engine_unlock_left(struct action_engine *e, int64_t now_mono_ms) {
    if (e == NULL || e->unlock_until_ms == 0)
        return 0;
    if (now_mono_ms >= e->unlock_until_ms) { /* ran out: locked again */
        action_engine_lock(e);
        return 0;
    }
    return e->unlock_until_ms - now_mono_ms;
}

const char *action_engine_reason(struct action_engine *e, int64_t now_mono_ms) {
    return action_engine_unlock_left(e, now_mono_ms) > 0 ? e->reason : NULL;
}

bool action_engine_readonly(struct action_engine *e, const struct config_cluster *cc,
                            int64_t now_mono_ms) {
    if (e->forced_readonly)
        return true;
    bool locked = e->app->readonly || (cc && cc->readonly);
    return locked && action_engine_unlock_left(e, now_mono_ms) == 0;
}

/* ---- the target ----------------------------------------------------------------------- */

static bool eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

const struct config_cluster *action_engine_config_of(const struct app *app,
                                                     const struct cluster *c) {
    const struct config *cfg = app->config;
    for (size_t i = 0; cfg && i < cfg->n_clusters; i++) {
        const struct config_cluster *cc = &cfg->clusters[i];
        if (cc->resource && c->k8s.name && eq(cc->resource, c->k8s.name) &&
            (cc->ns == NULL || eq(cc->ns, c->k8s.namespace)) &&
            (cc->context == NULL || eq(cc->context, c->k8s.context)))
            return cc;
    }
    for (size_t i = 0; cfg && i < cfg->n_clusters; i++)
        if (eq(cfg->clusters[i].name, c->name))
            return &cfg->clusters[i];
    return NULL;
}

static const struct job *find_job(const struct cluster *c, const char *id) {
    for (size_t i = 0; c && id && i < c->jobs.len; i++)
        if (strcmp(c->jobs.items[i].id, id) == 0)
            return &c->jobs.items[i];
    return NULL;
}

static bool job_over(enum job_state s) {
    return s == JOB_FINISHED || s == JOB_CANCELED || s == JOB_FAILED;
}

const struct job *action_engine_cluster_job(const struct cluster *c) {
    const struct flink_resource *r = k8s_cluster_resource(c);
    if (r && r->status.job.job_id[0]) {
        const struct job *j = find_job(c, r->status.job.job_id);
        if (j)
            return j;
    }
    const struct job *only = NULL;
    for (size_t i = 0; i < c->jobs.len; i++) {
        if (job_over(c->jobs.items[i].state))
            continue;
        if (only)
            return NULL;
        only = &c->jobs.items[i];
    }
    return only;
}

static const struct cluster *cluster_at(const struct app *app, int i) {
    return app_cluster(app, i);
}

/* The FlinkDeployment to patch for an action on job_id: the resource's own job, or the
 * resource itself (restart, profile). A job the operator does not run (one submitted to
 * a session cluster) is acted on through its Flink REST API instead. borrowed, NULL */
static const struct flink_resource *operator_resource(const struct cluster *c, enum action a,
                                                      const char *job_id) {
    const struct flink_resource *r = k8s_cluster_resource(c);
    if (r == NULL || a == ACT_RESTART || a == ACT_PROFILE || job_id == NULL)
        return r;
    const char *own = r->status.job.job_id;
    return own[0] == '\0' || strcmp(own, job_id) == 0 ? r : NULL;
}

void action_engine_target(const struct action_engine *e, const struct action_request *r,
                          struct action_target_hold *h) {
    const struct cluster *c = cluster_at(e->app, r->cluster);
    const struct config_cluster *cc = c ? action_engine_config_of(e->app, c) : NULL;
    struct action_target *t = &h->t;
    action_target_init(t);
    h->cluster_known = c != NULL;
    const struct flink_resource *res = c ? operator_resource(c, r->action, r->job_id) : NULL;
    if (res)
        action_target_from_resource(t, res, c->name, c->k8s.context,
                                    k8s_cluster_snapshots_served(c));
    t->cluster = c ? c->name : NULL;
    t->job_id = r->job_id;
    t->job_name = r->job_name;
    const struct job *j = find_job(c, r->job_id);
    if (j && j->parallelism > 0)
        t->parallelism = j->parallelism;
    if (j && j->max_parallelism > 0)
        t->max_parallelism = j->max_parallelism;
    if (c && c->savepoint_dir)
        t->savepoint_dir = c->savepoint_dir;
    if (cc && cc->savepoint_dir)
        t->savepoint_dir = cc->savepoint_dir;
    if (c && res == NULL) {
        t->resource_requirements = c->adaptive_scheduler == 1;
        if (cc && cc->deployment) {
            t->deployment = cc->deployment;
            t->ns = cc->ns;
            t->context = cc->context;
            /* the context's own name (current-context resolved) and, without a namespace
             * in the config, its namespace, as kubectl would take them */
            struct k8s_access acc;
            char err[256];
            if (e->app->k8s) {
                k8s_poller_context_access(e->app->k8s, cc->context, &acc, err, sizeof err);
                if (acc.context)
                    t->context = acc.context;
                if (t->ns == NULL)
                    t->ns = acc.namespace;
            }
        }
    }
    size_t n = 0, max = sizeof h->vids / sizeof h->vids[0];
    if (j && j->detail)
        for (size_t i = 0; i < j->detail->vertices.len && n < max; i++)
            h->vids[n++] = j->detail->vertices.items[i].id;
    t->vertex_ids = h->vids;
    t->n_vertices = n;
}

enum action action_engine_resolve(const struct action_engine *e, const struct action_request *r) {
    if (r->action != ACT_CANCEL && r->action != ACT_SUSPEND)
        return r->action;
    struct action_target_hold h;
    action_engine_target(e, r, &h);
    return action_suspend_or_cancel(&h.t);
}

enum action_status action_engine_plan(const struct action_engine *e, const struct action_request *r,
                                      struct action_plan *out, char *err, size_t errlen) {
    struct action_request rr = *r;
    rr.action = action_engine_resolve(e, r);
    struct action_target_hold h;
    action_engine_target(e, &rr, &h);
    if (!h.cluster_known) {
        memset(out, 0, sizeof *out);
        snprintf(err, errlen, "the cluster is gone");
        return ACTION_UNKNOWN_STATE;
    }
    return action_plan_build(rr.action, &h.t, &rr.params, out, err, errlen);
}

/* ---- may it go ------------------------------------------------------------------------ */

static bool audit_blocks(const struct action_engine *e, char *why, size_t size) {
    if (e->audit == NULL) {
        snprintf(why, size, "%s", e->audit_error[0] ? e->audit_error : "no audit log");
        return true;
    }
    return audit_check(e->audit, why, size) != 0;
}

/* One line that starts with the word audit, says why and how to fix it. */
static void audit_refusal(const char *why, const char *what, char *msg, size_t size) {
    snprintf(msg, size,
             "audit: %s not sent: the audit log cannot be written (%s); fix it (audit: in the "
             "config names it) or set audit: optional",
             what, why);
}

enum action_gate action_engine_gate(struct action_engine *e, enum action a, int cluster,
                                    const char *job_id, char *msg, size_t size) {
    const struct cluster *c = cluster_at(e->app, cluster);
    if (c == NULL) {
        snprintf(msg, size, "no cluster selected");
        return ACTION_GATE_REFUSED;
    }
    const struct config_cluster *cc = action_engine_config_of(e->app, c);
    if (action_engine_readonly(e, cc, clock_mono_ms())) {
        snprintf(msg, size, "read-only%s: %s not sent%s",
                 e->forced_readonly || e->app->readonly ? "" : " cluster", action_name(a),
                 e->forced_readonly ? " (--readonly)" : "; :unlock 10m \"REASON\" allows actions");
        return ACTION_GATE_REFUSED;
    }
    if (e->ops == NULL) {
        snprintf(msg, size, "actions are not available here");
        return ACTION_GATE_REFUSED;
    }
    char why[256];
    if (!e->audit_optional && audit_blocks(e, why, sizeof why)) {
        audit_refusal(why, action_name(a), msg, size);
        return ACTION_GATE_REFUSED;
    }
    const struct flink_resource *r = operator_resource(c, a, job_id);
    bool needs_job = r == NULL || (a != ACT_RESTART && a != ACT_PROFILE);
    if (needs_job && job_id == NULL) {
        /* its job list has not answered yet: say so, not that the user chose wrong */
        if (c->sources[SRC_JOBS].last_ok_ms == 0)
            snprintf(msg, size, "%s: %s's jobs have not answered yet; press it again in a moment",
                     action_name(a), c->name);
        else
            snprintf(msg, size, "%s: select a job first (Enter opens the cluster's jobs)",
                     action_name(a));
        return ACTION_GATE_REFUSED;
    }
    /* the same action first, then anything on this job, then on the cluster itself */
    const char *an = action_name(a);
    if (a == ACT_CANCEL || a == ACT_SUSPEND) /* C is either, whichever was sent */
        an = NULL;
    const struct operation *last = operations_unsettled(e->ops, cluster, job_id, an);
    if (last == NULL)
        last = operations_unsettled(e->ops, cluster, job_id, NULL);
    if (last == NULL && job_id)
        last = operations_unsettled(e->ops, cluster, NULL, NULL);
    if (last) {
        snprintf(msg, size, "the last %s on %s%s%s %s (o shows it)", last->action, c->name,
                 last->job_name ? "/" : "", last->job_name ? last->job_name : "",
                 last->state == OP_UNKNOWN ? "was sent and its outcome is unknown"
                                           : "was sent and is not done yet");
        return ACTION_GATE_AGAIN;
    }
    return ACTION_GATE_OK;
}

/* ---- the blast radius ----------------------------------------------------------------- */

static void blast_add(struct action_blast *b, bool warn, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void blast_add(struct action_blast *b, bool warn, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    char *s = xvasprintf(fmt, ap);
    va_end(ap);
    b->lines = xrealloc(b->lines, (b->len + 1) * sizeof *b->lines);
    b->warn = xrealloc(b->warn, (b->len + 1) * sizeof *b->warn);
    b->lines[b->len] = s;
    b->warn[b->len++] = warn;
}

void action_blast_free(struct action_blast *b) {
    for (size_t i = 0; i < b->len; i++)
        free(b->lines[i]);
    free(b->lines);
    free(b->warn);
    memset(b, 0, sizeof *b);
}

/* "a, b, c" of the jobs that are not over; into a growing string. returns owned */
static char *job_names(const struct cluster *c, size_t *n_out) {
    char *s = xstrdup("");
    size_t n = 0;
    for (size_t i = 0; i < c->jobs.len; i++) {
        const struct job *j = &c->jobs.items[i];
        if (job_over(j->state))
            continue;
        if (n < BLAST_JOBS_MAX) {
            char *t = xasprintf("%s%s%s", s, n ? ", " : "", j->name ? j->name : j->id);
            free(s);
            s = t;
        }
        n++;
    }
    if (n > BLAST_JOBS_MAX) {
        char *t = xasprintf("%s and %zu more", s, n - BLAST_JOBS_MAX);
        free(s);
        s = t;
    }
    *n_out = n;
    return s;
}

/* The oldest good answer of the sources polled every round; 0 none. */
static int64_t data_ms(const struct cluster *c) {
    static const enum cluster_source polled[] = {SRC_OVERVIEW, SRC_JOBS, SRC_TASKMANAGERS};
    int64_t oldest = 0;
    for (size_t i = 0; i < sizeof polled / sizeof polled[0]; i++) {
        int64_t t = c->sources[polled[i]].last_ok_ms;
        if (t > 0 && (oldest == 0 || t < oldest))
            oldest = t;
    }
    return oldest;
}

static void say_age(int64_t ms, char *buf, size_t size) {
    if (ms < 0)
        ms = 0;
    if (ms < 120000)
        snprintf(buf, size, "%lld s", (long long)(ms / 1000));
    else if (ms < 7200000)
        snprintf(buf, size, "%lld min", (long long)(ms / 60000));
    else
        snprintf(buf, size, "%lld h", (long long)(ms / 3600000));
}

static void blast_redeploy(const struct action_engine *e, const struct action_request *r,
                           struct action_blast *out, int64_t now) {
    if (r->params.savepoint_path == NULL)
        return;
    struct restore_points l;
    action_engine_restore_points(e, r, &l);
    const struct restore_point *pt = NULL;
    for (size_t i = 0; i < l.len && pt == NULL; i++)
        if (strcmp(l.items[i].path, r->params.savepoint_path) == 0)
            pt = &l.items[i];
    char age[32] = "unknown";
    if (pt && pt->ts >= 0)
        say_age(now - pt->ts, age, sizeof age);
    blast_add(out, false, "restores the state of job %s from a %s taken %s%s",
              pt && pt->job ? pt->job : (r->job_name ? r->job_name : "-"),
              pt ? pt->kind : "savepoint", age, pt && pt->ts >= 0 ? " ago" : "");
    if (pt && pt->ts >= 0 && l.newest_checkpoint_ts > pt->ts) {
        char newer[32];
        say_age(now - l.newest_checkpoint_ts, newer, sizeof newer);
        blast_add(out, true,
                  "older than the newest completed checkpoint (chk-%lld, %s ago): what the "
                  "job did since is replayed from the sources or lost",
                  (long long)l.newest_checkpoint_id, newer);
    }
    restore_points_free(&l);
}

void action_engine_blast(struct action_engine *e, const struct action_request *r,
                         const struct action_plan *p, struct action_blast *out) {
    memset(out, 0, sizeof *out);
    const struct cluster *c = cluster_at(e->app, r->cluster);
    if (c == NULL)
        return;
    enum action a = p ? p->action : r->action;
    const struct flink_resource *res = operator_resource(c, a, r->job_id);
    int64_t now = clock_wall_ms();
    bool restarts_cluster = res && (a == ACT_RESTART || a == ACT_PROFILE ||
                                    (res->spec.has_job && (a == ACT_RESCALE || a == ACT_REDEPLOY ||
                                                           a == ACT_STOP || a == ACT_SUSPEND)));
    if (res && restarts_cluster) {
        size_t n;
        char *names = job_names(c, &n);
        const char *what = res->kind == FLINK_KIND_SESSION_JOB ? "FlinkSessionJob"
                           : res->spec.has_job                 ? "FlinkDeployment"
                                                               : "session cluster";
        if (!res->spec.has_job || n > 1)
            blast_add(out, n > 1, "touches every job of %s %s: %s", what, res->name,
                      n ? names : "(no job running)");
        else
            blast_add(out, false, "touches %s %s and its job %s", what, res->name,
                      n ? names : "(none running)");
        free(names);
        int tms = res->status.tm_replicas >= 0 ? res->status.tm_replicas : (int)c->taskmanagers.len;
        if (a == ACT_STOP || a == ACT_SUSPEND)
            blast_add(out, false, "its task managers (%d) are shut down", tms);
        else
            blast_add(out, false, "its job manager and task managers (%d) are restarted", tms);
    } else if (a == ACT_RESTART && res == NULL) {
        blast_add(out, true, "every pod of the Deployment is replaced: every job on %s restarts",
                  c->name);
    } else if (a == ACT_CANCEL) {
        blast_add(out, true, "the job is cancelled without a savepoint");
    } else if (a == ACT_RESCALE) {
        blast_add(out, false, "the job restarts on its task managers at the new parallelism");
    }
    const char *mode = res && res->spec.has_job ? res->spec.job.upgrade_mode : NULL;
    if (mode && strcmp(mode, "stateless") == 0 &&
        (a == ACT_RESTART || a == ACT_RESCALE || a == ACT_PROFILE || a == ACT_SUSPEND))
        blast_add(out, true,
                  "upgradeMode stateless: the job's state is discarded; it starts again empty");
    if (a == ACT_REDEPLOY)
        blast_redeploy(e, r, out, now);
    int64_t last = data_ms(c);
    char age[32];
    if (last > 0) {
        say_age(now - last, age, sizeof age);
        bool stale = app_cluster_stale(e->app, c);
        blast_add(out, stale, "data behind this: %s old%s", age,
                  stale ? ": the cluster is STALE, what is shown may have changed" : "");
    } else {
        blast_add(out, true, "data behind this: none from %s yet", c->name);
    }
    char why[256];
    if (e->audit_optional && audit_blocks(e, why, sizeof why))
        blast_add(out, true,
                  "audit: the audit log cannot be written (%s); audit: optional, so this is "
                  "sent unaudited",
                  why);
    const char *reason = action_engine_reason(e, clock_mono_ms());
    if (reason) {
        char left[32];
        say_age(action_engine_unlock_left(e, clock_mono_ms()), left, sizeof left);
        blast_add(out, false, "write unlock: %s left, reason \"%s\" (in the audit line)", left,
                  reason);
    }
}

/* ---- restore points ------------------------------------------------------------------- */

static void add_point(struct restore_points *l, const char *kind, int64_t ts, const char *path,
                      const char *format, int64_t size, const char *job) {
    if (path == NULL || path[0] == '\0' ||
        strcmp(path, "<checkpoint-not-externally-addressable>") == 0)
        return;
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i].path, path) == 0)
            return; /* the same savepoint seen by Flink and by the operator */
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct restore_point *p = &l->items[l->len++];
    p->kind = kind;
    p->ts = ts;
    p->path = xstrdup(path);
    p->format = format && format[0] ? xstrdup(format) : NULL;
    p->size = size;
    p->job = job ? xstrdup(job) : NULL;
}

void action_engine_restore_points(const struct action_engine *e, const struct action_request *r,
                                  struct restore_points *out) {
    memset(out, 0, sizeof *out);
    out->newest_checkpoint_ts = out->newest_checkpoint_id = -1;
    const struct cluster *c = cluster_at(e->app, r->cluster);
    const struct job *j = find_job(c, r->job_id);
    const char *jname = j && j->name ? j->name : r->job_name;
    const struct checkpoint_stats *cs = j && j->detail ? &j->detail->checkpoints : NULL;
    if (cs) {
        const struct checkpoint *all[2] = {&cs->last_savepoint, &cs->last_completed};
        for (size_t i = 0; i < 2 + cs->n_history; i++) {
            const struct checkpoint *cp = i < 2 ? all[i] : &cs->history[i - 2];
            if (cp->id < 0 || (cp->status && strcmp(cp->status, "COMPLETED") != 0))
                continue;
            if (!cp->is_savepoint && cp->trigger_ts > out->newest_checkpoint_ts) {
                out->newest_checkpoint_ts = cp->trigger_ts;
                out->newest_checkpoint_id = cp->id;
            }
            if (cp->discarded)
                continue; /* Flink deleted it: nothing to restore from */
            add_point(out, cp->is_savepoint ? "savepoint" : "checkpoint", cp->trigger_ts, cp->path,
                      cp->format, cp->size_bytes >= 0 ? cp->size_bytes : cp->state_size, jname);
        }
    }
    const struct flink_resource *res = c ? operator_resource(c, ACT_REDEPLOY, r->job_id) : NULL;
    if (res) {
        const struct flink_snapshot **snaps = NULL;
        size_t ns = k8s_cluster_snapshots(c, &snaps);
        for (size_t i = 0; i < ns; i++)
            if (snaps[i]->state == SNAPSHOT_COMPLETED) /* never FAILED or ABANDONED */
                add_point(out, snaps[i]->checkpoint ? "checkpoint" : "snapshot",
                          snaps[i]->result_ms >= 0 ? snaps[i]->result_ms : snaps[i]->trigger_ms,
                          snaps[i]->path, NULL, -1, jname); /* its jobReference: this resource */
        free(snaps);
        add_point(out, "upgrade", -1, res->status.job.upgrade_savepoint_path, NULL, -1, jname);
    }
    /* newest first; insertion sort, the list is short; unknown times last */
    for (size_t i = 1; i < out->len; i++)
        for (size_t k = i; k > 0 && out->items[k].ts > out->items[k - 1].ts; k--) {
            struct restore_point x = out->items[k];
            out->items[k] = out->items[k - 1];
            out->items[k - 1] = x;
        }
}

void restore_points_free(struct restore_points *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].path);
        free(l->items[i].format);
        free(l->items[i].job);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* ---- profiles ------------------------------------------------------------------------- */

void action_engine_profiles(struct action_profiles *out) {
    memset(out, 0, sizeof *out);
    size_t n_dirs;
    const char *const *dirs = profile_default_dirs(&n_dirs);
    profile_list(dirs, n_dirs, &out->names);
    out->descriptions = xcalloc(out->names.len ? out->names.len : 1, sizeof *out->descriptions);
    for (size_t i = 0; i < out->names.len; i++) {
        struct profile p;
        char err[256];
        bool ok = profile_load(out->names.paths[i], &p, err, sizeof err) == 0;
        out->descriptions[i] = xstrdup(ok && p.description ? p.description : "");
        profile_free(&p);
    }
}

void action_profiles_free(struct action_profiles *l) {
    for (size_t i = 0; i < l->names.len; i++)
        free(l->descriptions[i]);
    free(l->descriptions);
    profile_names_free(&l->names);
    memset(l, 0, sizeof *l);
}

int action_engine_profile_diff(const struct action_engine *e, const struct action_request *r,
                               const struct action_profiles *l, size_t i, struct profile *p,
                               struct profile_diff *d, char *err, size_t errlen) {
    const struct cluster *c = cluster_at(e->app, r->cluster);
    const struct flink_resource *res = c ? k8s_cluster_resource(c) : NULL;
    if (i >= l->names.len || res == NULL) {
        snprintf(err, errlen, "profile: the resource is gone; nothing sent");
        return -1;
    }
    if (profile_load(l->names.paths[i], p, err, errlen) != 0) {
        profile_free(p);
        return -1;
    }
    profile_diff(p, res->spec.conf, res->spec.conf_len, d);
    return 0;
}

/* ---- sending -------------------------------------------------------------------------- */

int action_engine_op_request(struct action_engine *e, const struct action_request *r,
                             const struct action_plan *p, struct op_request *out, char *err,
                             size_t errlen) {
    memset(out, 0, sizeof *out);
    const struct cluster *c = cluster_at(e->app, r->cluster);
    if (c == NULL) {
        snprintf(err, errlen, "the cluster is gone");
        return -1;
    }
    const struct config_cluster *cc = action_engine_config_of(e->app, c);
    const char *base = p->api_server ? k8s_cluster_server(c) : c->url;
    const struct http_tls *tls = c->tls;
    const char *context = c->k8s.context, *ns = c->k8s.namespace, *resource = c->k8s.name;
    const char *user = NULL;
    char why[300] = "";
    struct k8s_access acc;
    if (e->app->k8s && c->k8s.context &&
        k8s_poller_context_access(e->app->k8s, c->k8s.context, &acc, why, sizeof why))
        user = acc.user;
    why[0] = '\0';
    if (p->api_server && base == NULL && cc && cc->deployment) {
        /* a standalone Deployment: the API server and credential of the config's context */
        if (e->app->k8s == NULL) {
            snprintf(why, sizeof why,
                     "Deployment %s needs a kubeconfig and none was loaded (KUBECONFIG, "
                     "~/.kube/config or --kubeconfig)",
                     cc->deployment);
        } else if (k8s_poller_context_access(e->app->k8s, cc->context, &acc, why, sizeof why)) {
            base = acc.server;
            tls = acc.tls;
            context = acc.context;
            ns = cc->ns ? cc->ns : acc.namespace;
            resource = cc->deployment;
            user = acc.user;
        }
    }
    if (base == NULL) {
        if (why[0])
            snprintf(err, errlen, "%s", why);
        else
            snprintf(err, errlen, "no API server known for %s", c->name);
        return -1;
    }
    out->action = action_name(p->action);
    out->params = p->params;
    out->cluster_id = r->cluster;
    out->cluster = c->name;
    out->context = context;
    out->api_server = p->api_server;
    out->ns = ns;
    out->resource = resource;
    out->job_id = r->job_id;
    out->job_name = r->job_name;
    out->base_url = base;
    out->tls = tls;
    out->method = p->method;
    out->path = p->path;
    out->body = p->body;
    out->content_type = p->content_type;
    out->follow = p->follow;
    out->follow_path = p->follow_path;
    out->want_job_state = p->want_job_state;
    out->want_parallelism = p->want_parallelism;
    out->want_suspended = p->want_suspended;
    out->savepoint_nonce = p->savepoint_nonce;
    out->ref = p->ref;
    out->reason = action_engine_reason(e, clock_mono_ms());
    out->k8s_user = p->api_server ? user : NULL;
    return 0;
}

const struct operation *action_engine_send(struct action_engine *e, const struct action_request *r,
                                           const struct action_plan *p, char *msg, size_t size) {
    const char *an = action_name(p->action);
    const struct cluster *c = cluster_at(e->app, r->cluster);
    if (c == NULL) {
        snprintf(msg, size, "%s: the cluster is gone; nothing sent", an);
        return NULL;
    }
    const struct config_cluster *cc = action_engine_config_of(e->app, c);
    if (action_engine_readonly(e, cc, clock_mono_ms())) { /* the unlock ran out meanwhile */
        snprintf(msg, size, "read-only: the write unlock ended; %s not sent", an);
        return NULL;
    }
    char why[256];
    if (!e->audit_optional && audit_blocks(e, why, sizeof why)) {
        audit_refusal(why, an, msg, size);
        return NULL;
    }
    struct op_request req;
    char err[512];
    if (action_engine_op_request(e, r, p, &req, err, sizeof err) != 0) {
        snprintf(msg, size, "%s: %s; nothing sent", an, err);
        return NULL;
    }
    const struct operation *op = operations_start(e->ops, &req, err, sizeof err);
    if (op == NULL) {
        if (strncmp(err, "audit", 5) == 0)
            audit_refusal(err, an, msg, size);
        else
            snprintf(msg, size, "%s: %s", an, err);
        return NULL;
    }
    snprintf(msg, size, "%s sent for %s%s%s: o shows its progress", an, c->name,
             r->job_name ? "/" : "", r->job_name ? r->job_name : "");
    return op;
}

int action_engine_audit(struct action_engine *e, const struct operation *op, const char *phase,
                        char *err, size_t errlen) {
    struct audit_entry a = {0};
    a.context = op->context;
    a.ns = op->ns;
    a.cluster = op->cluster;
    a.job_name = op->job_name;
    a.job_id = op->job_id;
    a.action = op->action;
    a.params = op->params;
    a.request_id = op->ref[0] ? op->ref : NULL;
    a.phase = phase;
    a.result = strcmp(phase, "requested") == 0 ? NULL : op->result;
    a.reason = op->reason;
    a.k8s_user = op->k8s_user;
    if (audit_write(e->audit, &a, err, errlen) == 0)
        return 0;
    if (e->audit == NULL) {
        char why[300];
        snprintf(why, sizeof why, "audit log: %s", e->audit_error[0] ? e->audit_error : err);
        snprintf(err, errlen, "%s", why);
    }
    return e->audit_optional ? 1 : -1;
}
