#include "actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_plan.h"
#include "config.h"
#include "k8s_poller.h"
#include "operations.h"
#include "profile.h"
#include "text.h"
#include "ui.h"
#include "xalloc.h"

enum step {
    STEP_PARALLELISM, /* rescale: the new parallelism */
    STEP_DIRECTORY,   /* plain savepoint or stop without a known directory */
    STEP_SAVEPOINT,   /* redeploy: from which savepoint or checkpoint */
    STEP_PROFILE,     /* apply profile: which one */
    STEP_CONFIRM,     /* the last word: y, or the typed name */
};

struct action_flow {
    struct app *app; /* borrowed */
    enum action action;
    enum step step;
    struct dialog dialog;
    /* the target, copied: the model may be replaced between keys */
    int cluster;
    char *cluster_name, *job_id, *job_name;
    const struct config_cluster *cc; /* borrowed from app->config, NULL none */
    struct action_params params;
    char *dir;    /* owned: the typed directory */
    char **paths; /* owned: STEP_SAVEPOINT's paths, one a choice */
    size_t n_paths;
    struct profile_names profiles; /* STEP_PROFILE's names */
    struct profile profile;
    struct profile_diff diff;
    bool have_diff;
    struct action_plan plan;
    bool have_plan;
    enum action_status last; /* of the last action_plan_build */
};

bool action_request(enum request req) {
    switch (req) {
    case REQ_SAVEPOINT:
    case REQ_STOP:
    case REQ_CANCEL:
    case REQ_RESCALE:
    case REQ_RESTART:
    case REQ_REDEPLOY:
    case REQ_PROFILE:
        return true;
    default:
        return false;
    }
}

static enum action action_of(enum request req) {
    switch (req) {
    case REQ_SAVEPOINT:
        return ACT_SAVEPOINT;
    case REQ_STOP:
        return ACT_STOP;
    case REQ_CANCEL:
        return ACT_CANCEL; /* suspend on an operator target: decided with the target */
    case REQ_RESCALE:
        return ACT_RESCALE;
    case REQ_RESTART:
        return ACT_RESTART;
    case REQ_REDEPLOY:
        return ACT_REDEPLOY;
    default:
        return ACT_PROFILE;
    }
}

static bool eq(const char *a, const char *b) { return a && b && strcmp(a, b) == 0; }

/* The config's entry for a cluster: by resource (and namespace and context when the
 * entry names them), else by name. borrowed, NULL none */
static const struct config_cluster *config_of(const struct app *app, const struct cluster *c) {
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
    for (size_t i = 0; id && i < c->jobs.len; i++)
        if (strcmp(c->jobs.items[i].id, id) == 0)
            return &c->jobs.items[i];
    return NULL;
}

/* The job an action on a cluster row means: the one the operator runs, else the only
 * job that is not over. NULL when that is not clear. */
static const struct job *cluster_job(const struct cluster *c) {
    const struct flink_resource *r = k8s_cluster_resource(c);
    if (r && r->status.job.job_id[0]) {
        const struct job *j = find_job(c, r->status.job.job_id);
        if (j)
            return j;
    }
    const struct job *only = NULL;
    for (size_t i = 0; i < c->jobs.len; i++) {
        enum job_state s = c->jobs.items[i].state;
        if (s == JOB_FINISHED || s == JOB_CANCELED || s == JOB_FAILED)
            continue;
        if (only)
            return NULL;
        only = &c->jobs.items[i];
    }
    return only;
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

/* Which cluster and job the keys mean on this screen. */
static bool pick_target(const struct app *app, const struct view *v, int *cluster,
                        const struct job **job, char *msg, size_t size) {
    *job = NULL;
    *cluster = -1;
    if (v->ops == &view_job) {
        *cluster = v->cluster;
    } else if (v->ops == &view_jobs) {
        *cluster = v->cluster;
        size_t row;
        if (*cluster >= 0 && (size_t)*cluster < app->n_clusters &&
            table_selected(&v->table, &row) && row < app->clusters[*cluster].jobs.len)
            *job = &app->clusters[*cluster].jobs.items[row];
    } else if (v->ops == &view_clusters) {
        *cluster = view_clusters_selected(v);
    } else {
        snprintf(msg, size, "actions work on a job: select one in a jobs list or open it");
        return false;
    }
    if (*cluster < 0 || (size_t)*cluster >= app->n_clusters) {
        snprintf(msg, size, "no cluster selected");
        return false;
    }
    const struct cluster *c = &app->clusters[*cluster];
    if (v->ops == &view_job)
        *job = find_job(c, v->job_id);
    else if (v->ops == &view_clusters)
        *job = cluster_job(c);
    return true;
}

static void flow_free_parts(struct action_flow *f) {
    dialog_free(&f->dialog);
    free(f->cluster_name);
    free(f->job_id);
    free(f->job_name);
    free(f->dir);
    for (size_t i = 0; i < f->n_paths; i++)
        free(f->paths[i]);
    free(f->paths);
    profile_names_free(&f->profiles);
    profile_free(&f->profile);
    if (f->have_diff)
        profile_diff_free(&f->diff);
    if (f->have_plan)
        action_plan_free(&f->plan);
}

void action_flow_free(struct action_flow *f) {
    if (f == NULL)
        return;
    flow_free_parts(f);
    free(f);
}

struct dialog *action_flow_dialog(struct action_flow *f) {
    return &f->dialog;
}

static const struct cluster *flow_cluster(const struct action_flow *f) {
    if (f->cluster < 0 || (size_t)f->cluster >= f->app->n_clusters)
        return NULL;
    return &f->app->clusters[f->cluster];
}

/* The target as the model shows it now. Strings borrowed from the model and vids:
 * use before the next loop turn. */
static void fill_target(const struct action_flow *f, struct action_target *t, const char **vids,
                        size_t max_vids) {
    const struct cluster *c = flow_cluster(f);
    action_target_init(t);
    const struct flink_resource *r = c ? operator_resource(c, f->action, f->job_id) : NULL;
    if (r)
        action_target_from_resource(t, r, f->cluster_name, c->k8s.context,
                                    k8s_cluster_snapshots_served(c));
    t->cluster = f->cluster_name;
    t->job_id = f->job_id;
    t->job_name = f->job_name;
    const struct job *j = c ? find_job(c, f->job_id) : NULL;
    if (j && j->parallelism > 0)
        t->parallelism = j->parallelism;
    if (j && j->max_parallelism > 0)
        t->max_parallelism = j->max_parallelism;
    if (c && c->savepoint_dir)
        t->savepoint_dir = c->savepoint_dir;
    if (f->cc && f->cc->savepoint_dir)
        t->savepoint_dir = f->cc->savepoint_dir;
    if (c && r == NULL) {
        t->resource_requirements = c->adaptive_scheduler == 1;
        if (f->cc && f->cc->deployment) {
            t->deployment = f->cc->deployment;
            t->ns = f->cc->ns;
            t->context = f->cc->context;
            /* the context's own name (current-context resolved) and, without a namespace
             * in the config, its namespace, as kubectl would take them */
            struct k8s_access acc;
            char err[256];
            if (f->app->k8s) {
                k8s_poller_context_access(f->app->k8s, f->cc->context, &acc, err, sizeof err);
                if (acc.context)
                    t->context = acc.context;
                if (t->ns == NULL)
                    t->ns = acc.namespace;
            }
        }
    }
    size_t n = 0;
    if (j && j->detail)
        for (size_t i = 0; i < j->detail->vertices.len && n < max_vids; i++)
            vids[n++] = j->detail->vertices.items[i].id;
    t->vertex_ids = vids;
    t->n_vertices = n;
}

/* ---- the steps -------------------------------------------------------------------- */

static void ask_parallelism(struct action_flow *f, const struct action_target *t) {
    dialog_free(&f->dialog);
    dialog_init(&f->dialog, DIALOG_INPUT, "Rescale",
                "New parallelism (Enter to go on, Esc to cancel):");
    dialog_add_line(&f->dialog, "job %s on %s", f->job_name ? f->job_name : f->job_id,
                    f->cluster_name);
    char cur[32] = "";
    if (t->parallelism > 0)
        snprintf(cur, sizeof cur, "%d", t->parallelism);
    dialog_add_line(&f->dialog, "parallelism now %s", cur[0] ? cur : "unknown");
    if (t->max_parallelism > 0)
        dialog_add_line(&f->dialog, "allowed 1 to %d (max parallelism)", t->max_parallelism);
    dialog_set_input(&f->dialog, cur);
    f->step = STEP_PARALLELISM;
}

static void ask_directory(struct action_flow *f) {
    dialog_free(&f->dialog);
    dialog_init(&f->dialog, DIALOG_INPUT,
                f->action == ACT_STOP ? "Stop with savepoint" : "Savepoint",
                "Savepoint directory (Enter to go on, Esc to cancel):");
    dialog_add_line(&f->dialog,
                    "%s sets no state.savepoints.dir and the config names no savepoint_dir for "
                    "it: where should the savepoint go?",
                    f->cluster_name);
    f->step = STEP_DIRECTORY;
}

/* The end of a long path, where chk-41 and savepoint-ab12 are: "…" and its last `keep`
 * bytes (never from inside a UTF-8 character). static buffer */
static const char *path_tail(const char *path, size_t keep) {
    static char buf[256];
    size_t n = strlen(path);
    if (n <= keep || keep + 4 > sizeof buf)
        return path;
    const char *t = path + n - keep;
    while (((unsigned char)*t & 0xC0) == 0x80)
        t++;
    snprintf(buf, sizeof buf, "\u2026%s", t);
    return buf;
}

/* One place to redeploy from. */
struct restore_point {
    const char *kind; /* "savepoint", "checkpoint", "snapshot", "upgrade" */
    int64_t ts;       /* when it was taken, epoch ms; -1 unknown (sorts last) */
    const char *path; /* borrowed from the model */
};

static void add_point(struct restore_point *v, size_t *n, size_t cap, const char *kind, int64_t ts,
                      const char *path) {
    if (*n >= cap || path == NULL || path[0] == '\0' ||
        strcmp(path, "<checkpoint-not-externally-addressable>") == 0)
        return;
    for (size_t i = 0; i < *n; i++)
        if (strcmp(v[i].path, path) == 0)
            return; /* the same savepoint seen by Flink and by the operator */
    v[(*n)++] = (struct restore_point){kind, ts, path};
}

/* Completed savepoints and retained checkpoints of the job (Flink's checkpoint history),
 * completed FlinkStateSnapshots and the operator's last upgrade savepoint: newest first,
 * each path once. */
static void ask_savepoint(struct action_flow *f) {
    const struct cluster *c = flow_cluster(f);
    const struct job *j = c ? find_job(c, f->job_id) : NULL;
    dialog_free(&f->dialog);
    dialog_init(&f->dialog, DIALOG_CHOOSE, "Redeploy from a savepoint",
                "Start from which one? (Enter to go on, Esc to cancel)");
    dialog_add_line(&f->dialog, "job %s on %s, newest first", f->job_name ? f->job_name : "-",
                    f->cluster_name);
    struct restore_point pts[128];
    size_t n = 0, cap = sizeof pts / sizeof pts[0];
    const struct checkpoint_stats *cs = j && j->detail ? &j->detail->checkpoints : NULL;
    if (cs) {
        const struct checkpoint *all[2] = {&cs->last_savepoint, &cs->last_completed};
        for (size_t i = 0; i < 2 + cs->n_history; i++) {
            const struct checkpoint *cp = i < 2 ? all[i] : &cs->history[i - 2];
            if (cp->id < 0 || (cp->status && strcmp(cp->status, "COMPLETED") != 0))
                continue;
            add_point(pts, &n, cap, cp->is_savepoint ? "savepoint" : "checkpoint", cp->trigger_ts,
                      cp->path);
        }
    }
    const struct flink_resource *r = c ? operator_resource(c, f->action, f->job_id) : NULL;
    if (r) {
        const struct flink_snapshot **snaps = NULL;
        size_t ns = k8s_cluster_snapshots(c, &snaps);
        for (size_t i = 0; i < ns; i++)
            if (snaps[i]->state == SNAPSHOT_COMPLETED)
                add_point(pts, &n, cap, snaps[i]->checkpoint ? "checkpoint" : "snapshot",
                          snaps[i]->result_ms >= 0 ? snaps[i]->result_ms : snaps[i]->trigger_ms,
                          snaps[i]->path);
        free(snaps);
        add_point(pts, &n, cap, "upgrade", -1, r->status.job.upgrade_savepoint_path);
    }
    /* newest first; insertion sort, the list is short */
    for (size_t i = 1; i < n; i++)
        for (size_t k = i; k > 0 && pts[k].ts > pts[k - 1].ts; k--) {
            struct restore_point x = pts[k];
            pts[k] = pts[k - 1];
            pts[k - 1] = x;
        }
    for (size_t i = 0; i < n; i++) {
        f->paths = xrealloc(f->paths, (f->n_paths + 1) * sizeof *f->paths);
        f->paths[f->n_paths++] = xstrdup(pts[i].path);
        char when[32] = "-", line[1200];
        if (pts[i].ts >= 0)
            text_datetime(pts[i].ts, when, sizeof when);
        snprintf(line, sizeof line, "%-10s %-19s  %s", pts[i].kind, when,
                 path_tail(pts[i].path, 56));
        dialog_add_choice(&f->dialog, line);
    }
    f->step = STEP_SAVEPOINT;
}

static void ask_profile(struct action_flow *f) {
    size_t n_dirs;
    const char *const *dirs = profile_default_dirs(&n_dirs);
    profile_list(dirs, n_dirs, &f->profiles);
    dialog_free(&f->dialog);
    dialog_init(&f->dialog, DIALOG_CHOOSE, "Apply a configuration profile",
                "Which profile? (Enter shows what it changes, Esc cancels)");
    dialog_add_line(&f->dialog, "%s: spec.flinkConfiguration will be merge-patched",
                    f->cluster_name);
    for (size_t i = 0; i < f->profiles.len; i++) {
        struct profile p;
        char err[256], line[512];
        if (profile_load(f->profiles.paths[i], &p, err, sizeof err) == 0 && p.description[0])
            snprintf(line, sizeof line, "%-24s %s", f->profiles.names[i], p.description);
        else
            snprintf(line, sizeof line, "%s", f->profiles.names[i]);
        profile_free(&p);
        dialog_add_choice(&f->dialog, line);
    }
    f->step = STEP_PROFILE;
}

/* Compact JSON with a space after each ',' and ':' outside strings: the same document,
 * but the dialog can wrap it between members instead of inside a word. returns owned */
static char *json_spaced(const char *json) {
    size_t n = strlen(json), o = 0;
    char *out = xmalloc(2 * n + 1);
    bool in_str = false, esc = false;
    for (size_t i = 0; i < n; i++) {
        char ch = json[i];
        out[o++] = ch;
        if (in_str) {
            if (esc)
                esc = false;
            else if (ch == '\\')
                esc = true;
            else if (ch == '"')
                in_str = false;
        } else if (ch == '"') {
            in_str = true;
        } else if (ch == ',' || ch == ':') {
            out[o++] = ' ';
        }
    }
    out[o] = '\0';
    return out;
}

/* The confirmation: where, what, and the exact request. */
static void ask_confirm(struct action_flow *f, const struct action_target *t) {
    const struct action_plan *p = &f->plan;
    bool typed = f->cc && f->cc->confirm == CONFIG_CONFIRM_TYPED;
    char title[64];
    snprintf(title, sizeof title, "Confirm: %s", action_name(f->action));
    dialog_free(&f->dialog);
    const char *name = f->job_name ? f->job_name : (t->name ? t->name : f->cluster_name);
    char question[300];
    if (typed)
        snprintf(question, sizeof question,
                 "Type the job name \"%s\" and Enter to go ahead:", name);
    else
        snprintf(question, sizeof question, "Go ahead? (y: yes, n or Enter: no)");
    dialog_init(&f->dialog, typed ? DIALOG_TYPED : DIALOG_YESNO, title, question);
    if (typed)
        dialog_set_expect(&f->dialog, name);
    struct dialog *d = &f->dialog;
    const struct cluster *c = flow_cluster(f);
    const char *ctx = t->context ? t->context : (c ? c->k8s.context : NULL);
    const char *ns = t->ns ? t->ns : (c ? c->k8s.namespace : NULL);
    if (ctx || ns)
        dialog_add_line(d, "context    %s    namespace  %s", ctx ? ctx : "-", ns ? ns : "-");
    const char *what = t->name ? t->name : t->deployment;
    dialog_add_line(d, "cluster    %s%s%s", f->cluster_name,
                    t->name         ? "    resource  "
                    : t->deployment ? "    deployment  "
                                    : "",
                    what ? what : "");
    dialog_add_line(d, "job        %s (%s)", f->job_name ? f->job_name : "-",
                    f->job_id ? f->job_id : "no job id");
    dialog_add_line(d, "effect     %s", p->effect ? p->effect : action_name(f->action));
    if (f->have_diff) {
        for (size_t i = 0; i < f->diff.len; i++) {
            const struct profile_change *ch = &f->diff.items[i];
            if (ch->kind == PROFILE_ADDED)
                dialog_add_line(d, "  + %s: %s", ch->key, ch->new_value);
            else if (ch->kind == PROFILE_CHANGED)
                dialog_add_line(d, "  ~ %s: %s -> %s", ch->key, ch->old_value, ch->new_value);
            else
                dialog_add_line(d, "  - %s (was %s)", ch->key, ch->old_value ? ch->old_value : "");
        }
        dialog_add_line(d, "           %zu added, %zu changed, %zu removed, %zu unchanged",
                        f->diff.added, f->diff.changed, f->diff.removed, f->diff.unchanged);
    }
    if (p->show_json) {
        char *spaced = json_spaced(p->show_json);
        dialog_add_line(d, "%s %s\n%s", p->method, p->path, spaced);
        free(spaced);
    } else {
        char *spaced = p->body ? json_spaced(p->body) : NULL;
        dialog_add_line(d, "request    %s %s%s%s", p->method, p->path, spaced ? "  " : "",
                        spaced ? spaced : "");
        free(spaced);
    }
    f->step = STEP_CONFIRM;
}

/* Build the plan from what is known now; then either the confirmation or the question
 * the plan still needs answered. Returns false with msg when it cannot go on. */
static bool plan_and_confirm(struct action_flow *f, char *msg, size_t size) {
    struct action_target t;
    const char *vids[256];
    fill_target(f, &t, vids, sizeof vids / sizeof vids[0]);
    if (f->action == ACT_CANCEL || f->action == ACT_SUSPEND)
        f->action = action_suspend_or_cancel(&t);
    if (f->have_plan) {
        action_plan_free(&f->plan);
        f->have_plan = false;
    }
    char err[512];
    enum action_status st = action_plan_build(f->action, &t, &f->params, &f->plan, err, sizeof err);
    f->last = st;
    if (st == ACTION_NEED_INPUT && (f->action == ACT_SAVEPOINT || f->action == ACT_STOP) &&
        f->step != STEP_DIRECTORY) {
        ask_directory(f);
        return true;
    }
    if (st != ACTION_OK) {
        snprintf(msg, size, "%s: %s; nothing sent", action_name(f->action), err);
        return false;
    }
    f->have_plan = true;
    ask_confirm(f, &t);
    return true;
}

/* The first question of an action, or straight to the confirmation. */
static bool first_step(struct action_flow *f, char *msg, size_t size) {
    struct action_target t;
    const char *vids[256];
    fill_target(f, &t, vids, sizeof vids / sizeof vids[0]);
    switch (f->action) {
    case ACT_RESCALE:
        if (t.kind == TARGET_PLAIN && !t.resource_requirements) { /* say so before asking */
            snprintf(msg, size,
                     "rescale needs the operator or the adaptive scheduler: %s runs the %s "
                     "scheduler; nothing sent",
                     f->cluster_name,
                     flow_cluster(f)->adaptive_scheduler == 0 ? "default" : "(unknown)");
            return false;
        }
        ask_parallelism(f, &t);
        return true;
    case ACT_REDEPLOY:
        if (t.kind != TARGET_OPERATOR) {
            snprintf(msg, size,
                     "redeploy from a savepoint needs the operator (a FlinkDeployment); "
                     "nothing sent");
            return false;
        }
        ask_savepoint(f);
        if (f->dialog.n_choices == 0) {
            snprintf(msg, size,
                     "no completed savepoint or retained checkpoint of %s is known yet; "
                     "nothing sent",
                     f->job_name ? f->job_name : "this job");
            return false;
        }
        return true;
    case ACT_PROFILE:
        if (t.kind != TARGET_OPERATOR) {
            snprintf(msg, size,
                     "profiles are applied to a FlinkDeployment's flinkConfiguration: "
                     "%s is not operator-managed; nothing sent",
                     f->cluster_name);
            return false;
        }
        ask_profile(f);
        if (f->dialog.n_choices == 0) {
            snprintf(msg, size, "no profiles found (config/profiles/*.yaml); nothing sent");
            return false;
        }
        return true;
    default:
        return plan_and_confirm(f, msg, size);
    }
}

struct action_flow *action_flow_begin(struct app *app, const struct view *v, enum request req,
                                      char *msg, size_t size, int *level) {
    *level = UI_FLASH_WARN;
    enum action a = action_of(req);
    int ci;
    const struct job *job;
    if (!pick_target(app, v, &ci, &job, msg, size))
        return NULL;
    const struct cluster *c = &app->clusters[ci];
    const struct flink_resource *r = operator_resource(c, a, job ? job->id : NULL);
    const struct config_cluster *cc = config_of(app, c);
    if (app->readonly || (cc && cc->readonly)) {
        snprintf(msg, size, "read-only%s: %s not sent", app->readonly ? "" : " cluster",
                 action_name(a));
        return NULL;
    }
    if (app->ops == NULL) {
        snprintf(msg, size, "actions are not available here");
        return NULL;
    }
    bool needs_job = r == NULL || (a != ACT_RESTART && a != ACT_PROFILE);
    if (needs_job && job == NULL) {
        snprintf(msg, size, "%s: select a job first (Enter opens the cluster's jobs)",
                 action_name(a));
        return NULL;
    }
    const char *jid = job ? job->id : NULL;
    const struct operation *busy = operations_running(app->ops, c->name, jid, NULL);
    if (busy == NULL && jid)
        busy = operations_running(app->ops, c->name, NULL, NULL);
    if (busy) {
        snprintf(msg, size, "a %s is already running on %s (o shows it): nothing sent",
                 busy->action, busy->job_name ? busy->job_name : c->name);
        return NULL;
    }
    struct action_flow *f = xcalloc(1, sizeof *f);
    f->app = app;
    f->action = a;
    f->cluster = ci;
    f->cc = cc;
    f->cluster_name = xstrdup(c->name);
    f->job_id = jid && jid[0] ? xstrdup(jid) : NULL;
    f->job_name = job && job->name ? xstrdup(job->name) : NULL;
    f->params.parallelism = -1;
    if (!first_step(f, msg, size)) {
        action_flow_free(f);
        return NULL;
    }
    return f;
}

/* Send the plan. */
static void send_plan(struct action_flow *f, char *msg, size_t size, int *level) {
    const struct cluster *c = flow_cluster(f);
    const struct action_plan *p = &f->plan;
    const char *base = NULL;
    char why[300] = "";
    if (c == NULL) {
        snprintf(msg, size, "%s: the cluster is gone; nothing sent", action_name(f->action));
        *level = UI_FLASH_ERROR;
        return;
    }
    base = p->api_server ? k8s_cluster_server(c) : c->url;
    const struct http_tls *tls = c->tls;
    const char *context = c->k8s.context, *ns = c->k8s.namespace, *resource = c->k8s.name;
    if (p->api_server && base == NULL && f->cc && f->cc->deployment) {
        /* a standalone Deployment: the API server and credential of the config's context */
        struct k8s_access acc;
        if (f->app->k8s == NULL) {
            snprintf(why, sizeof why,
                     "Deployment %s needs a kubeconfig and none was loaded (KUBECONFIG, "
                     "~/.kube/config or --kubeconfig)",
                     f->cc->deployment);
        } else if (k8s_poller_context_access(f->app->k8s, f->cc->context, &acc, why, sizeof why)) {
            base = acc.server;
            tls = acc.tls;
            context = acc.context;
            ns = f->cc->ns ? f->cc->ns : acc.namespace;
            resource = f->cc->deployment;
        }
    }
    if (base == NULL) {
        if (why[0])
            snprintf(msg, size, "%s: %s; nothing sent", action_name(f->action), why);
        else
            snprintf(msg, size, "%s: no API server known for %s; nothing sent",
                     action_name(f->action), f->cluster_name);
        *level = UI_FLASH_ERROR;
        return;
    }
    struct op_request r = {0};
    r.action = action_name(f->action);
    r.params = p->params;
    r.cluster = f->cluster_name;
    r.context = context;
    r.api_server = p->api_server;
    r.ns = ns;
    r.resource = resource;
    r.job_id = f->job_id;
    r.job_name = f->job_name;
    r.base_url = base;
    r.tls = tls;
    r.method = p->method;
    r.path = p->path;
    r.body = p->body;
    r.content_type = p->content_type;
    r.follow = p->follow;
    r.follow_path = p->follow_path;
    r.want_job_state = p->want_job_state;
    r.want_parallelism = p->want_parallelism;
    r.want_suspended = p->want_suspended;
    r.savepoint_nonce = p->savepoint_nonce;
    char err[256];
    const struct operation *op = operations_start(f->app->ops, &r, err, sizeof err);
    if (op == NULL) {
        snprintf(msg, size, "%s: %s", action_name(f->action), err);
        *level = UI_FLASH_ERROR;
        return;
    }
    snprintf(msg, size, "%s sent for %s%s%s: o shows its progress", action_name(f->action),
             f->cluster_name, f->job_name ? "/" : "", f->job_name ? f->job_name : "");
    *level = UI_FLASH_INFO;
}

bool action_flow_next(struct action_flow *f, enum dialog_result r, char *msg, size_t size,
                      int *level) {
    *level = UI_FLASH_INFO;
    if (r != DIALOG_ACCEPTED) {
        snprintf(msg, size, "%s cancelled: nothing sent", action_name(f->action));
        return false;
    }
    switch (f->step) {
    case STEP_PARALLELISM: {
        char *end;
        long n = strtol(f->dialog.input, &end, 10);
        if (end == f->dialog.input || *end != '\0' || n < 1 || n > 1000000) {
            snprintf(f->dialog.hint, sizeof f->dialog.hint, "a whole number from 1 up, please");
            return true; /* the same dialog again */
        }
        f->params.parallelism = (int)n;
        break;
    }
    case STEP_DIRECTORY:
        if (f->dialog.input[0] == '\0') {
            snprintf(f->dialog.hint, sizeof f->dialog.hint,
                     "a directory such as s3://bucket/savepoints");
            return true;
        }
        free(f->dir);
        f->dir = xstrdup(f->dialog.input);
        f->params.target_dir = f->dir;
        break;
    case STEP_SAVEPOINT:
        if (f->dialog.sel >= f->n_paths)
            return false;
        f->params.savepoint_path = f->paths[f->dialog.sel];
        break;
    case STEP_PROFILE: {
        size_t i = f->dialog.sel;
        const struct cluster *c = flow_cluster(f);
        const struct flink_resource *res = c ? k8s_cluster_resource(c) : NULL;
        char err[512];
        profile_free(&f->profile);
        if (i >= f->profiles.len || res == NULL) {
            snprintf(msg, size, "profile: the resource is gone; nothing sent");
            *level = UI_FLASH_ERROR;
            return false;
        }
        if (profile_load(f->profiles.paths[i], &f->profile, err, sizeof err) != 0) {
            snprintf(msg, size, "%s", err);
            *level = UI_FLASH_ERROR;
            return false;
        }
        if (f->have_diff)
            profile_diff_free(&f->diff);
        profile_diff(&f->profile, res->spec.conf, res->spec.conf_len, &f->diff);
        f->have_diff = true;
        if (f->diff.added + f->diff.changed + f->diff.removed == 0) {
            snprintf(msg, size, "profile %s: %s already has every setting; nothing sent",
                     f->profile.name, f->cluster_name);
            return false;
        }
        f->params.profile_name = f->profile.name;
        f->params.diff = &f->diff;
        break;
    }
    case STEP_CONFIRM:
        send_plan(f, msg, size, level);
        return false;
    }
    f->dialog.hint[0] = '\0';
    char why[512] = "";
    if (!plan_and_confirm(f, why, sizeof why)) {
        if (f->step == STEP_PARALLELISM && f->last == ACTION_BAD_PARAM) {
            /* out of range: say so and ask again */
            snprintf(f->dialog.hint, sizeof f->dialog.hint, "%.150s", why);
            return true;
        }
        snprintf(msg, size, "%s", why);
        *level = UI_FLASH_WARN;
        return false;
    }
    return true;
}
