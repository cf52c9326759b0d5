#include "actions.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "action_engine.h"
#include "clock.h"
#include "config.h"
#include "operations.h"
#include "text.h"
#include "ui.h"
#include "units.h"
#include "xalloc.h"

enum step {
    STEP_AGAIN,       /* the last one may still be running: send again? */
    STEP_PARALLELISM, /* rescale: the new parallelism */
    STEP_DIRECTORY,   /* plain savepoint or stop without a known directory */
    STEP_SAVEPOINT,   /* redeploy: from which savepoint or checkpoint */
    STEP_PROFILE,     /* apply profile: which one */
    STEP_CONFIRM,     /* the last word: y, or the typed name */
    STEP_QUIT,        /* quit while actions run? */
};

struct action_flow {
    struct app *app;              /* borrowed */
    struct action_engine *engine; /* borrowed: app->actions */
    enum step step;
    struct dialog dialog;
    struct action_request req; /* its strings are the flow's below */
    char *cluster_name, *job_id, *job_name;
    const struct config_cluster *cc; /* borrowed from app->config, NULL none */
    char *dir;                       /* owned: the typed directory */
    struct restore_points points;    /* STEP_SAVEPOINT's choices */
    struct action_profiles profiles; /* STEP_PROFILE's choices */
    struct profile profile;
    struct profile_diff diff;
    bool have_diff;
    struct action_plan plan;
    bool have_plan;
    enum action_status last; /* of the last plan */
};

/* The one table of action keys: request, action. */
static const struct {
    enum request req;
    enum action action;
} action_keys[] = {
    {REQ_SAVEPOINT, ACT_SAVEPOINT}, {REQ_STOP, ACT_STOP},
    {REQ_CANCEL, ACT_CANCEL}, /* suspend on an operator target: decided with the target */
    {REQ_RESCALE, ACT_RESCALE},     {REQ_RESTART, ACT_RESTART},
    {REQ_REDEPLOY, ACT_REDEPLOY},   {REQ_PROFILE, ACT_PROFILE},
};
#define N_ACTION_KEYS (sizeof action_keys / sizeof action_keys[0])

bool action_request(enum request req) {
    for (size_t i = 0; i < N_ACTION_KEYS; i++)
        if (action_keys[i].req == req)
            return true;
    return false;
}

static enum action action_of(enum request req) {
    for (size_t i = 0; i < N_ACTION_KEYS; i++)
        if (action_keys[i].req == req)
            return action_keys[i].action;
    return ACT_COUNT;
}

static const struct job *find_job(const struct cluster *c, const char *id) {
    for (size_t i = 0; id && i < c->jobs.len; i++)
        if (strcmp(c->jobs.items[i].id, id) == 0)
            return &c->jobs.items[i];
    return NULL;
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
        *job = action_engine_cluster_job(c);
    return true;
}

static void flow_free_parts(struct action_flow *f) {
    dialog_free(&f->dialog);
    free(f->cluster_name);
    free(f->job_id);
    free(f->job_name);
    free(f->dir);
    restore_points_free(&f->points);
    action_profiles_free(&f->profiles);
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

const struct action_request *action_flow_request(const struct action_flow *f) { return &f->req; }

const struct action_plan *action_flow_plan(const struct action_flow *f) { return &f->plan; }

static const char *flow_action_name(const struct action_flow *f) {
    return action_name(f->req.action);
}

/* ---- the steps -------------------------------------------------------------------- */

static void ask_again(struct action_flow *f, const char *which) {
    dialog_free(&f->dialog);
    char q[96];
    snprintf(q, sizeof q, "The last one may still be running: send %s again?", flow_action_name(f));
    dialog_init(&f->dialog, DIALOG_YESNO, "May still be running", q);
    dialog_add_line(&f->dialog, "%s.", which);
    dialog_add_line(&f->dialog, "Sending again may do it twice.");
    f->step = STEP_AGAIN;
}

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
                f->req.action == ACT_STOP ? "Stop with savepoint" : "Savepoint",
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

/* The engine's restore points: kind, age, format, size, job, path; newest first. */
static void ask_savepoint(struct action_flow *f) {
    dialog_free(&f->dialog);
    dialog_init(&f->dialog, DIALOG_CHOOSE, "Redeploy from a savepoint",
                "Start from which one? (Enter to go on, Esc to cancel)");
    restore_points_free(&f->points);
    action_engine_restore_points(f->engine, &f->req, &f->points);
    dialog_add_line(&f->dialog,
                    "job %s on %s, newest first (discarded checkpoints and failed snapshots are "
                    "never offered)",
                    f->job_name ? f->job_name : "-", f->cluster_name);
    dialog_add_line(&f->dialog, "  %-10s %-7s %-9s %-9s %-14s %s", "TYPE", "AGE", "FORMAT", "SIZE",
                    "JOB", "PATH");
    int64_t now = clock_wall_ms();
    for (size_t i = 0; i < f->points.len; i++) {
        const struct restore_point *p = &f->points.items[i];
        char age[16] = "-", size[24] = "-", job[64], line[1200];
        if (p->ts >= 0)
            text_age(now - p->ts, age, sizeof age);
        if (p->size >= 0)
            units_bytes((double)p->size, size, sizeof size);
        text_fit(p->job ? p->job : "-", 14, false, job, sizeof job);
        snprintf(line, sizeof line, "%-10s %-7s %-9s %-9s %-14s %s", p->kind, age,
                 p->format ? p->format : "-", size, job, path_tail(p->path, 30));
        dialog_add_choice(&f->dialog, line);
    }
    f->step = STEP_SAVEPOINT;
}

static void ask_profile(struct action_flow *f) {
    action_profiles_free(&f->profiles);
    action_engine_profiles(&f->profiles);
    dialog_free(&f->dialog);
    dialog_init(&f->dialog, DIALOG_CHOOSE, "Apply a configuration profile",
                "Which profile? (Enter shows what it changes, Esc cancels)");
    dialog_add_line(&f->dialog, "%s: spec.flinkConfiguration will be merge-patched",
                    f->cluster_name);
    for (size_t i = 0; i < f->profiles.names.len; i++) {
        char line[512];
        if (f->profiles.descriptions[i][0])
            snprintf(line, sizeof line, "%-24s %s", f->profiles.names.names[i],
                     f->profiles.descriptions[i]);
        else
            snprintf(line, sizeof line, "%s", f->profiles.names.names[i]);
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

/* The confirmation: where, what, what else it touches, and the exact request. */
static void ask_confirm(struct action_flow *f, const struct action_target *t) {
    const struct action_plan *p = &f->plan;
    bool typed = f->cc && f->cc->confirm == CONFIG_CONFIRM_TYPED;
    char title[64];
    snprintf(title, sizeof title, "Confirm: %s", action_name(p->action));
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
    const struct cluster *c = f->req.cluster >= 0 && (size_t)f->req.cluster < f->app->n_clusters
                                  ? &f->app->clusters[f->req.cluster]
                                  : NULL;
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
    dialog_add_line(d, "effect     %s", p->effect ? p->effect : action_name(p->action));
    struct action_blast b;
    action_engine_blast(f->engine, &f->req, p, &b);
    for (size_t i = 0; i < b.len; i++) {
        if (b.warn[i])
            dialog_add_warning(d, "  ! %s", b.lines[i]);
        else
            dialog_add_line(d, "  - %s", b.lines[i]);
    }
    action_blast_free(&b);
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

/* Plan from what is known now; then either the confirmation or the question the plan
 * still needs answered. false with msg when it cannot go on. */
static bool plan_and_confirm(struct action_flow *f, char *msg, size_t size) {
    f->req.action = action_engine_resolve(f->engine, &f->req);
    if (f->have_plan) {
        action_plan_free(&f->plan);
        f->have_plan = false;
    }
    char err[512];
    enum action_status st = action_engine_plan(f->engine, &f->req, &f->plan, err, sizeof err);
    f->last = st;
    if (st == ACTION_NEED_INPUT && (f->req.action == ACT_SAVEPOINT || f->req.action == ACT_STOP) &&
        f->step != STEP_DIRECTORY) {
        ask_directory(f);
        return true;
    }
    if (st != ACTION_OK) {
        snprintf(msg, size, "%s: %s; nothing sent", flow_action_name(f), err);
        return false;
    }
    f->have_plan = true;
    struct action_target_hold h;
    action_engine_target(f->engine, &f->req, &h);
    ask_confirm(f, &h.t);
    return true;
}

/* The first question of an action, or straight to the confirmation. */
static bool first_step(struct action_flow *f, char *msg, size_t size) {
    struct action_target_hold h;
    action_engine_target(f->engine, &f->req, &h);
    const struct action_target *t = &h.t;
    switch (f->req.action) {
    case ACT_RESCALE:
        if (t->kind == TARGET_PLAIN && !t->resource_requirements) { /* say so before asking */
            snprintf(msg, size,
                     "rescale needs the operator or the adaptive scheduler: %s runs the %s "
                     "scheduler; nothing sent",
                     f->cluster_name,
                     f->app->clusters[f->req.cluster].adaptive_scheduler == 0 ? "default"
                                                                              : "(unknown)");
            return false;
        }
        ask_parallelism(f, t);
        return true;
    case ACT_REDEPLOY:
        if (t->kind != TARGET_OPERATOR) {
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
        if (t->kind != TARGET_OPERATOR) {
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
    if (a == ACT_COUNT)
        return NULL;
    if (app->actions == NULL || app->ops == NULL) {
        snprintf(msg, size, "actions are not available here");
        return NULL;
    }
    int ci;
    const struct job *job;
    if (!pick_target(app, v, &ci, &job, msg, size))
        return NULL;
    const char *jid = job && job->id[0] ? job->id : NULL;
    char question[512];
    enum action_gate g = action_engine_gate(app->actions, a, ci, jid, question, sizeof question);
    if (g == ACTION_GATE_REFUSED) {
        snprintf(msg, size, "%s", question);
        if (strncmp(question, "audit", 5) == 0)
            *level = UI_FLASH_ERROR;
        return NULL;
    }
    const struct cluster *c = &app->clusters[ci];
    struct action_flow *f = xcalloc(1, sizeof *f);
    f->app = app;
    f->engine = app->actions;
    f->cc = action_engine_config_of(app, c);
    f->cluster_name = xstrdup(c->name);
    f->job_id = jid ? xstrdup(jid) : NULL;
    f->job_name = job && job->name ? xstrdup(job->name) : NULL;
    f->req.action = a;
    f->req.cluster = ci;
    f->req.job_id = f->job_id;
    f->req.job_name = f->job_name;
    f->req.params.parallelism = -1;
    if (g == ACTION_GATE_AGAIN) {
        ask_again(f, question);
        return f;
    }
    if (!first_step(f, msg, size)) {
        action_flow_free(f);
        return NULL;
    }
    return f;
}

struct action_flow *action_flow_quit(struct app *app) {
    size_t n = operations_running_count(app->ops);
    if (n == 0)
        return NULL;
    struct action_flow *f = xcalloc(1, sizeof *f);
    f->app = app;
    f->engine = app->actions;
    f->req.cluster = -1;
    f->step = STEP_QUIT;
    char q[160];
    snprintf(q, sizeof q,
             "%zu action%s still being followed: quit anyway? (y: quit, n or Enter: stay)", n,
             n == 1 ? " is" : "s are");
    dialog_init(&f->dialog, DIALOG_YESNO, "Quit?", q);
    for (size_t i = 0, shown = 0; i < operations_count(app->ops) && shown < 8; i++) {
        const struct operation *op = operations_get(app->ops, i);
        if (op->state != OP_RUNNING)
            continue;
        dialog_add_line(&f->dialog, "%s on %s%s%s: %s", op->action, op->cluster ? op->cluster : "-",
                        op->job_name ? "/" : "", op->job_name ? op->job_name : "", op->phase);
        shown++;
    }
    dialog_add_line(&f->dialog, "Their requests were sent; quitting stops following them (the "
                                "audit log says \"abandoned\").");
    return f;
}

enum action_flow_result action_flow_next(struct action_flow *f, enum dialog_result r, char *msg,
                                         size_t size, int *level) {
    *level = UI_FLASH_INFO;
    if (f->step == STEP_QUIT)
        return r == DIALOG_ACCEPTED ? FLOW_QUIT : FLOW_DONE;
    if (r != DIALOG_ACCEPTED) {
        snprintf(msg, size, "%s cancelled: nothing sent", flow_action_name(f));
        return FLOW_DONE;
    }
    switch (f->step) {
    case STEP_AGAIN:
        if (!first_step(f, msg, size)) {
            *level = UI_FLASH_WARN;
            return FLOW_DONE;
        }
        return FLOW_ASK;
    case STEP_PARALLELISM: {
        char *end;
        long n = strtol(f->dialog.input, &end, 10);
        if (end == f->dialog.input || *end != '\0' || n < 1 || n > 1000000) {
            snprintf(f->dialog.hint, sizeof f->dialog.hint, "a whole number from 1 up, please");
            return FLOW_ASK; /* the same dialog again */
        }
        f->req.params.parallelism = (int)n;
        break;
    }
    case STEP_DIRECTORY:
        if (f->dialog.input[0] == '\0') {
            snprintf(f->dialog.hint, sizeof f->dialog.hint,
                     "a directory such as s3://bucket/savepoints");
            return FLOW_ASK;
        }
        free(f->dir);
        f->dir = xstrdup(f->dialog.input);
        f->req.params.target_dir = f->dir;
        break;
    case STEP_SAVEPOINT:
        if (f->dialog.sel >= f->points.len)
            return FLOW_DONE;
        f->req.params.savepoint_path = f->points.items[f->dialog.sel].path;
        break;
    case STEP_PROFILE: {
        char err[512];
        profile_free(&f->profile);
        if (f->have_diff)
            profile_diff_free(&f->diff);
        f->have_diff = false;
        if (action_engine_profile_diff(f->engine, &f->req, &f->profiles, f->dialog.sel, &f->profile,
                                       &f->diff, err, sizeof err) != 0) {
            snprintf(msg, size, "%s", err);
            *level = UI_FLASH_ERROR;
            return FLOW_DONE;
        }
        f->have_diff = true;
        if (f->diff.added + f->diff.changed + f->diff.removed == 0) {
            snprintf(msg, size, "profile %s: %s already has every setting; nothing sent",
                     f->profile.name, f->cluster_name);
            return FLOW_DONE;
        }
        f->req.params.profile_name = f->profile.name;
        f->req.params.diff = &f->diff;
        break;
    }
    case STEP_CONFIRM:
        return FLOW_SEND;
    case STEP_QUIT:
        return FLOW_DONE;
    }
    f->dialog.hint[0] = '\0';
    char why[512] = "";
    if (!plan_and_confirm(f, why, sizeof why)) {
        if (f->step == STEP_PARALLELISM && f->last == ACTION_BAD_PARAM) {
            /* out of range: say so and ask again */
            snprintf(f->dialog.hint, sizeof f->dialog.hint, "%.150s", why);
            return FLOW_ASK;
        }
        snprintf(msg, size, "%s", why);
        *level = UI_FLASH_WARN;
        return FLOW_DONE;
    }
    return FLOW_ASK;
}
