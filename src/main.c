/* flinktop: wires the engine (src/) to the screen (ui/) or, with --once, to stdout. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <curses.h>
#include <errno.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "action_engine.h"
#include "alert_rules.h"
#include "alert_samples.h"
#include "alerts.h"
#include "app.h"
#include "audit.h"
#include "bench_trace.h"
#include "clock.h"
#include "colors.h"
#include "config.h"
#include "flink_checkpoint_detail.h"
#include "flink_config.h"
#include "flink_jvm.h"
#include "frame_pacer.h"
#include "history.h"
#include "http.h"
#include "k8s_poller.h"
#include "keymap.h"
#include "loop.h"
#include "operations.h"
#include "options.h"
#include "poller.h"
#include "prom_source.h"
#include "prom_target.h"
#include "secret.h"
#include "signals.h"
#include "log_fetch.h"
#include "once_run.h"
#include "theme.h"
#include "ui.h"
#include "xalloc.h"

#ifndef FLINKTOP_VERSION
#define FLINKTOP_VERSION "dev"
#endif
/* Where the shipped alert rules, themes and profiles live (make install sets it). */
#ifndef FLINKTOP_DATADIR
#define FLINKTOP_DATADIR "/usr/local/share/flinktop"
#endif

/* Redraw at least this often so ages and the clock move. */
#define TICK_MS 1000
/* --once waits for every answer: requests in flight to one HTTP/1.1 server at once */
#define ONCE_PER_HOST 64

struct console {
    struct app *app;
    struct alerts *alerts;
    struct config *cfg;               /* owned; replaced by a reload */
    const char *config_path;          /* -c, NULL: the default path */
    const struct config_override *ov; /* the command line, applied again on a reload */
    struct audit *audit;              /* owned, NULL when the log cannot be written */
    struct operations *ops;           /* borrowed from main */
    struct action_engine *engine;     /* owned: what may be sent, the audit's lines */
    char audit_err[256];              /* why the audit log could not be opened, "" fine */
    char **theme_names;               /* owned: the last :theme completion list */
    const char **theme_ptrs;          /* owned array over theme_names, for the hook */
    bool bell;
    bool audit_warned;
    struct loop *loop;
    struct poller *poller;
    struct k8s_poller *k8s; /* NULL without Kubernetes */
    /* NULL without Prometheus */
    struct prom_source *prom;
    const char *prom_cli;     /* borrowed: --prometheus, NULL: the config's (reloaded) */
    /* a Prometheus a reload removed: kept, not freed (its requests may be in flight),
     * for a reload that adds one again; main frees it after http */
    struct prom_source *prom_off;
    struct http *http; /* borrowed: what a Prometheus a reload adds asks through */
    /* Kubernetes first (its lists decide the clusters), Flink, Prometheus when there is one
     * (set_sources: a reload adds or removes it) */
    struct data_source sources[3];
    size_t n_sources;
    struct ui *ui;
    int sig_fd;
    bool dirty;       /* the data changed: drawn at most every FRAME_PACER_MIN_MS */
    bool input_dirty; /* a key or a resize changed the screen: drawn at once */
    struct frame_pacer pacer;
    int64_t start_ms;
    bool bench_first_frame; /* FLINKTOP_BENCH=first-frame: exit after the first full frame */
    bool bench_frames;      /* FLINKTOP_BENCH=frames: report draw times at exit */
    int frames;
    double frame_total_ms, frame_max_ms;
    struct bench_trace *trace; /* FLINKTOP_BENCH=trace: owned, NULL otherwise */
    int focus_cluster; /* what the poller was last told is on screen */
    char focus_job[33];
    enum ui_focus_tab focus_tab;
};

/* Tell the poller what is on screen (as last drawn): it asks what the screen shows at
 * the refresh rate and the rest within the budget. True when the cluster, job or tab
 * changed, so what it now shows is asked at once. */
static bool tell_focus(struct console *c) {
    size_t n = c->app->n_clusters;
    bool *on = xcalloc(n ? n : 1, sizeof *on);
    ui_clusters_on_screen(c->ui, on, n);
    enum ui_focus_tab tab = ui_focus_tab(c->ui);
    const char *job = ui_focus_job(c->ui);
    struct poller_focus f = {ui_focus_cluster(c->ui), job, POLLER_TAB_OTHER, on, n, -1, NULL,
                             NULL, NULL, NULL, 0};
    ui_selected_row(c->ui, &f.selected_cluster, &f.selected_job);
    int row_clusters[POLLER_ROWS_MAX];
    const char *row_jobs[POLLER_ROWS_MAX];
    f.n_rows = ui_jobs_on_screen(c->ui, row_clusters, row_jobs, POLLER_ROWS_MAX);
    f.row_clusters = row_clusters;
    f.row_jobs = row_jobs;
    if (tab == UI_FOCUS_SUBTASKS)
        f.tab = POLLER_TAB_SUBTASKS;
    else if (tab == UI_FOCUS_TASKMANAGERS)
        f.tab = POLLER_TAB_TASKMANAGERS;
    else if (tab == UI_FOCUS_OVERVIEW)
        f.tab = POLLER_TAB_OVERVIEW;
    else if (tab == UI_FOCUS_DRILL) /* the vertex's subtasks: its busy ratios too */
        f.tab = POLLER_TAB_SUBTASKS;
    f.drill_vertex = ui_focus_vertex(c->ui);
    poller_set_focus(c->poller, &f);
    free(on);
    bool changed = f.cluster != c->focus_cluster || tab != c->focus_tab ||
                   strcmp(job ? job : "", c->focus_job) != 0;
    c->focus_cluster = f.cluster;
    c->focus_tab = tab;
    snprintf(c->focus_job, sizeof c->focus_job, "%s", job ? job : "");
    return changed;
}

/* Draw one frame, timing it for make bench. */
static void draw_frame(struct console *c) {
    c->app->now_ms = clock_wall_ms();
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ui_draw(c->ui);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
    c->frames++;
    c->frame_total_ms += ms;
    if (ms > c->frame_max_ms)
        c->frame_max_ms = ms;
    bench_trace_frame(c->trace, c->app, ui_focus_cluster(c->ui), ui_focus_job(c->ui), ms);
    if (c->trace) /* make bench: every job's health on the board, REST's or Prometheus's */
        bench_trace_health(c->trace, prom_source_health_count(c->app->prom, c->app));
}

/* FLINKTOP_BENCH=http: each server's request counters on stderr at exit (make bench). */
static void print_http_stats(const struct http *http) {
    const char *bench = getenv("FLINKTOP_BENCH");
    if (bench == NULL || strcmp(bench, "http") != 0)
        return;
    for (size_t i = 0; i < http_host_count(http); i++) {
        struct http_host_stats st;
        http_host_stats(http, i, &st);
        fprintf(stderr,
                "http %s: sent %llu, queued %d, coalesced %llu, throttled %llu, failed %llu, "
                "backoffs %llu%s\n",
                st.host, (unsigned long long)st.sent, st.queued, (unsigned long long)st.coalesced,
                (unsigned long long)st.throttled, (unsigned long long)st.failed,
                (unsigned long long)st.backoffs, st.multiplexed ? ", HTTP/2" : "");
    }
}

/* Clusters from --flink, else from the config's clusters that name a Flink URL. */
static void app_init_from(struct app *app, const struct options *o, const struct config *cfg) {
    memset(app, 0, sizeof *app);
    size_t n = o->n_targets ? o->n_targets : cfg->n_clusters;
    app->clusters = xcalloc(n ? n : 1, sizeof *app->clusters);
    if (o->n_targets) {
        for (size_t i = 0; i < o->n_targets; i++) {
            struct cluster *c = &app->clusters[app->n_clusters++];
            cluster_init(c, o->targets[i].name, o->targets[i].url);
            struct flink_auth_source src = {0};
            src.url = o->targets[i].url;
            src.username = o->targets[i].username;
            src.password = o->targets[i].password;
            char err[256];
            if (flink_auth_new(&src, &c->auth, err, sizeof err) == 0 && c->auth)
                c->tls = &c->auth->tls; /* options.c refused plain http with credentials */
        }
    } else {
        for (size_t i = 0; i < cfg->n_clusters; i++) {
            const struct config_cluster *cc = &cfg->clusters[i];
            if (cc->flink == NULL)
                continue;
            struct flink_target t;
            char err[256];
            if (options_parse_target(cc->flink, &t, err, sizeof err) != 0)
                continue; /* config_load already checked the URL */
            struct cluster *c = &app->clusters[app->n_clusters++];
            cluster_init(c, cc->name ? cc->name : t.name, t.url);
            struct flink_auth_source src = {
                t.url,       cc->username,  cc->password, cc->password_file, cc->token_file,
                cc->ca_file, cc->cert_file, cc->key_file, cc->insecure};
            if (flink_auth_new(&src, &c->auth, err, sizeof err) != 0)
                fprintf(stderr, "flinktop: cluster %s: %s\n", c->name, err);
            else if (c->auth)
                c->tls = &c->auth->tls;
            options_target_free(&t);
        }
    }
    app->refresh_ms = cfg->refresh_ms;
    app->timeout_ms = cfg->timeout_ms;
    app->detail_interval_ms = cfg->detail_interval_ms;
    app->history_len = config_history_len(cfg);
    app->ascii = cfg->ascii;
    app->readonly = cfg->readonly;
    app->mouse = cfg->mouse;
    app->clipboard = cfg->clipboard;
    app->config = cfg;
}

/* The alert rules: the config's file, else the defaults shipped with flinktop. Returns
 * 0, or -1 with the error in err. */
static int load_rules(const struct config *cfg, struct alert_rules *rules, char *err,
                      size_t errlen) {
    if (cfg->alerts_path)
        return alert_rules_load(cfg->alerts_path, rules, err, errlen);
    static const char *const shipped[] = {FLINKTOP_DATADIR "/alerts.yaml", "config/alerts.yaml"};
    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++)
        if (access(shipped[i], R_OK) == 0)
            return alert_rules_load(shipped[i], rules, err, errlen);
    memset(rules, 0, sizeof *rules); /* no rules file anywhere: no alerts, not an error */
    return 0;
}

static void evaluate_alerts(struct app *app, struct alerts *alerts) {
    struct alert_sample_set set;
    alert_samples_init(&set);
    int64_t now = clock_wall_ms();
    alert_samples_collect(&set, app, now);
    alerts_evaluate(alerts, &set, now);
    /* Prometheus's own alerts beside flinktop's, deduplicated: not a round either (what
     * its last round said, handed over after each evaluation) */
    if (app->prom)
        prom_source_feed_alerts(app->prom, app, alerts);
    alert_samples_free(&set);
}

static void app_free(struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++)
        cluster_free(&app->clusters[i]);
    free(app->clusters);
}

/* Every cluster has answered (or failed) every source at least once. */
static bool fleet_settled(const struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++)
        for (int s = 0; s < SRC_COUNT; s++)
            if (app->clusters[i].sources[s].state == SOURCE_PENDING)
                return false;
    return true;
}

/* The theme a config names (NULL: "default"): 0, or -1 with the line in err. The
 * built-in default stands in when no default.yaml is installed anywhere. */
static int load_theme(const char *name, struct theme *out, char *err, size_t errlen) {
    if (theme_load_named(name ? name : "default", out, err, errlen) == 0)
        return 0;
    if (name == NULL) {
        theme_init_default(out);
        return 0;
    }
    return -1;
}

/* Where actions are audited: the config's path. A log that cannot be written is said
 * on the status line; the engine then refuses every action (the line that cannot be
 * written is the action that is not sent) unless the config says `audit: optional`. */
static void open_audit(struct console *c) {
    audit_close(c->audit);
    c->audit = NULL;
    c->audit_err[0] = '\0';
    c->audit = audit_open(c->cfg->audit_path, c->audit_err, sizeof c->audit_err);
    action_engine_set_audit(c->engine, c->audit, c->audit ? NULL : c->audit_err,
                            c->cfg->audit_optional);
    if (c->audit == NULL && c->ui)
        ui_flash(c->ui, UI_FLASH_WARN, "audit: the audit log cannot be written (%s): %s",
                 c->audit_err,
                 c->cfg->audit_optional ? "actions go unaudited (audit: optional)"
                                        : "no action is sent until it can");
}

static int on_audit(void *arg, const struct operation *op, const char *phase, char *err,
                    size_t errlen) {
    struct console *c = arg;
    int rc = action_engine_audit(c->engine, op, phase, err, errlen);
    bool logged = rc == 0;
    if (rc < 0 && strcmp(phase, "requested") == 0)
        return -1; /* not sent: the engine says so where the key was pressed */
    if (c->ui && strcmp(phase, "requested") != 0) /* the outcome, wherever the user is */
        ui_flash(c->ui, op->state == OP_SUCCEEDED ? UI_FLASH_INFO : UI_FLASH_ERROR, "%s %s%s%s: %s",
                 op->action, op->cluster ? op->cluster : "", op->job_name ? "/" : "",
                 op->job_name ? op->job_name : "", op->result);
    if (!logged && c->ui)
        ui_flash(c->ui, UI_FLASH_ERROR, "audit: %s", err);
    if (c->k8s && op->api_server && op->state == OP_FAILED) {
        /* 409: read the resource again now, so the key pressed again confirms against
         * what is there; 401: the exec credential was refused, get a fresh one */
        const struct cluster *cl = app_cluster(c->app, op->cluster_id);
        if (op->http_status == 409)
            k8s_poller_refresh_now(c->k8s, cl);
        else if (op->http_status == 401 && cl && cl->k8s.ctx)
            k8s_cluster_credential_rejected(c->k8s, cl);
    }
    c->dirty = true;
    return rc < 0 ? -1 : 0;
}

/* The sources the loop drives: Kubernetes, Flink REST, and the Prometheus in use. */
static void set_sources(struct console *c) {
    c->n_sources = 0;
    if (c->k8s)
        c->sources[c->n_sources++] = k8s_poller_source(c->k8s);
    c->sources[c->n_sources++] = poller_source(c->poller);
    if (c->prom)
        c->sources[c->n_sources++] = prom_source_data_source(c->prom);
}

/* Ctrl-R and SIGHUP: read the config again, and through it the alert rules, the theme
 * and the keys. All of it is checked before anything changes, so a broken file keeps
 * the running config whole and says file:line on the status line. History, selection
 * and open screens stay: the app's clusters are not touched. */
/* The Prometheus of a reloaded config, when the command line did not name one: moved to
 * when it differs, added when there was none (asked at once), removed when the config no
 * longer names one (its figures and alerts go with it). One that does not resolve keeps
 * what runs. */
static void reload_prometheus(struct console *c, const struct config *fresh) {
    char *url = NULL, err[256];
    const struct http_tls *tls = NULL;
    int rc = prom_target_resolve(c->app, fresh, c->prom_cli, &url, &tls, err, sizeof err);
    if (rc == 0 && c->prom) {
        c->prom_off = c->prom;
        c->prom = NULL;
        c->app->prom = NULL;
        c->app->prom_cover = NULL; /* REST answers for every job again */
        set_sources(c);
        alerts_set_external(c->alerts, NULL, 0);
    } else if (rc > 0 && c->prom == NULL) {
        if (c->prom_off) { /* the one removed before, now asking the config's */
            c->prom = c->prom_off;
            c->prom_off = NULL;
            prom_source_set_target(c->prom, url, tls);
        } else {
            struct prom_source_options po = {url, fresh->prometheus_cluster_label,
                                             c->app->timeout_ms, tls, c->app};
            c->prom = prom_source_new(c->http, &po);
        }
        prom_source_set_cluster_label(c->prom, fresh->prometheus_cluster_label);
        c->app->prom = c->prom;
        c->app->prom_cover = prom_source_cover(c->prom);
        set_sources(c);
        prom_source_round(c->prom);
    } else if (rc > 0 &&
               (strcmp(url, prom_source_url(c->prom)) != 0 || tls != prom_source_tls(c->prom))) {
        prom_source_set_target(c->prom, url, tls);
    }
    if (rc > 0 && c->prom) { /* the label too: the next round groups and matches by it */
        const char *old = prom_source_cluster_label(c->prom);
        const char *want = fresh->prometheus_cluster_label;
        bool moved = (old == NULL) != (want == NULL) || (old && strcmp(old, want) != 0);
        prom_source_set_cluster_label(c->prom, want);
        if (moved)
            prom_source_round(c->prom); /* asked at once, or at the next refresh when busy */
    }
    free(url);
}

/* Ctrl-R and SIGHUP also read the kubeconfig again (k8s_poller_reload_kubeconfig): what it
 * did, as the end of the flash line, into note; false when it could not be loaded (then
 * nothing of it changed). */
static bool reload_kubeconfig(struct console *c, char *note, size_t size) {
    note[0] = '\0';
    if (c->k8s == NULL)
        return true;
    size_t restarted = 0;
    char err[512];
    if (k8s_poller_reload_kubeconfig(c->k8s, &restarted, err, sizeof err) != 0) {
        err[strcspn(err, "\n")] = '\0';
        snprintf(note, size, "; kubeconfig unchanged: %s", err);
        return false;
    }
    if (restarted > 0)
        snprintf(note, size, "; kubeconfig: %zu context%s restarted with new settings", restarted,
                 restarted == 1 ? "" : "s");
    else
        snprintf(note, size, "; kubeconfig unchanged");
    return true;
}

static void reload(struct console *c) {
    char kube_note[600];
    bool kube_ok = reload_kubeconfig(c, kube_note, sizeof kube_note);
    struct config *fresh = xmalloc(sizeof *fresh);
    config_init(fresh);
    fresh->known_actions = keymap_action_names(&fresh->n_known_actions);
    char err[1024];
    struct alert_rules rules;
    struct theme th;
    bool have_rules = false;
    int rc = config_load(c->config_path, fresh, err, sizeof err);
    if (rc == 0) {
        config_apply_override(fresh, c->ov);
        rc = load_rules(fresh, &rules, err, sizeof err);
        have_rules = rc == 0;
    }
    if (rc == 0)
        rc = load_theme(fresh->theme, &th, err, sizeof err);
    if (rc == 0) {
        keymap_reset();
        rc = keymap_apply(fresh->keys, fresh->n_keys, err, sizeof err);
        if (rc != 0) { /* put the running keys back */
            keymap_reset();
            keymap_apply(c->cfg->keys, c->cfg->n_keys, NULL, 0);
        }
    }
    if (rc != 0) {
        err[strcspn(err, "\n")] = '\0'; /* the first line; the rest wait for the next try */
        ui_flash(c->ui, UI_FLASH_ERROR, "reload failed, config unchanged: %s%s", err, kube_note);
        if (have_rules)
            alert_rules_free(&rules);
        config_free(fresh);
        free(fresh);
        c->dirty = true;
        return;
    }
    alerts_set_rules(c->alerts, &rules);
    alert_rules_free(&rules);
    colors_set_theme(&th);
    ui_resize(c->ui); /* every cell again, in the new colours */
    bool audit_moved = (fresh->audit_path == NULL) != (c->cfg->audit_path == NULL) ||
                       (fresh->audit_path && strcmp(fresh->audit_path, c->cfg->audit_path) != 0);
    config_free(c->cfg);
    free(c->cfg);
    c->cfg = fresh;
    struct app *app = c->app;
    app->config = fresh;
    app->refresh_ms = fresh->refresh_ms;
    alerts_set_refresh(c->alerts, app->refresh_ms);
    app->detail_interval_ms = fresh->detail_interval_ms;
    app->readonly = fresh->readonly;
    app->mouse = fresh->mouse;
    app->clipboard = fresh->clipboard;
    c->bell = fresh->bell;
    if (audit_moved)
        open_audit(c);
    else
        action_engine_set_audit(c->engine, c->audit, c->audit ? NULL : c->audit_err,
                                fresh->audit_optional);
    /* a changed Prometheus URL (or service) from the next round on; added or removed */
    reload_prometheus(c, fresh);
    /* what failed is asked again now: the reload may have fixed it */
    poller_retry_failed(c->poller);
    poller_round(c->poller, ui_focus_cluster(c->ui), ui_focus_job(c->ui));
    ui_flash(c->ui, kube_ok ? UI_FLASH_INFO : UI_FLASH_ERROR, "reloaded %s (theme %s)%s",
             fresh->path ? fresh->path : "defaults", colors_theme_name(), kube_note);
    c->dirty = true;
}

/* :theme NAME */
static int hook_theme(void *arg, const char *name, char *err, size_t errlen) {
    struct console *c = arg;
    struct theme th;
    if (theme_load_named(name, &th, err, errlen) != 0)
        return -1;
    colors_set_theme(&th);
    ui_resize(c->ui);
    return 0;
}

/* :ctx NAME, :ns NAME, :ns all */
static int hook_scope(void *arg, const char *context, const char *ns, char *err, size_t errlen) {
    struct console *c = arg;
    if (c->k8s == NULL) {
        snprintf(err, errlen, "no kubeconfig in use (start with --kubeconfig or --context)");
        return -1;
    }
    if (k8s_poller_set_scope(c->k8s, context, ns && ns[0] ? ns : (ns ? "all" : NULL), err,
                             errlen) != 0)
        return -1;
    k8s_poller_round(c->k8s);
    return 0;
}

static size_t hook_complete(void *arg, const char *verb, const char ***out) {
    struct console *c = arg;
    *out = NULL;
    if (strcmp(verb, "theme") == 0) {
        theme_list_free(c->theme_names);
        free(c->theme_ptrs);
        size_t n = 0;
        c->theme_names = theme_list(&n);
        c->theme_ptrs = xcalloc(n ? n : 1, sizeof *c->theme_ptrs);
        for (size_t i = 0; i < n; i++)
            c->theme_ptrs[i] = c->theme_names[i];
        *out = c->theme_ptrs;
        return n;
    }
    if (c->k8s && strcmp(verb, "ctx") == 0)
        return k8s_poller_context_names(c->k8s, out);
    if (c->k8s && strcmp(verb, "ns") == 0)
        return k8s_poller_namespace_names(c->k8s, out);
    return 0;
}

static void apply_ui_flags(struct console *c, unsigned flags) {
    if (flags & UI_RELOAD)
        reload(c);
    if (flags & UI_QUIT)
        loop_stop(c->loop);
    if (flags & UI_REFETCH)
        poller_round(c->poller, ui_focus_cluster(c->ui), ui_focus_job(c->ui));
    if (flags & (UI_REDRAW | UI_REFETCH))
        c->input_dirty = true;
}

/* The terminal hung up (ssh dropped, tmux killed): stdin stays readable at EOF forever,
 * so quit instead of spinning. */
static bool terminal_gone(int fd) {
    struct pollfd pfd = {fd, POLLIN, 0};
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void on_stdin(void *arg, int fd) {
    struct console *c = arg;
    bench_trace_key(c->trace);
    unsigned flags = ui_read_keys(c->ui);
    if (tell_focus(c)) /* a job or a tab opened: what it shows now, not at the next refresh */
        flags |= UI_REFETCH;
    apply_ui_flags(c, flags);
    if (terminal_gone(fd))
        loop_stop(c->loop);
}

static void on_signal(void *arg, int fd) {
    struct console *c = arg;
    unsigned s = signals_read(fd);
    if (s & SIG_FLAG_TERM)
        loop_stop(c->loop);
    if (s & SIG_FLAG_HUP)
        reload(c);
    if (s & SIG_FLAG_WINCH) {
        /* Our handler owns SIGWINCH, so tell curses the new size ourselves. */
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
            resizeterm(ws.ws_row, ws.ws_col);
        ui_resize(c->ui);
        c->input_dirty = true;
    }
}

static void on_refresh(void *arg) {
    struct console *c = arg;
    /* every refresh, not only on change: 'for' durations advance with evaluations */
    evaluate_alerts(c->app, c->alerts);
    if (c->bell && alerts_new_critical(c->alerts))
        beep();
    c->dirty = true;
    struct source_focus focus = {ui_focus_cluster(c->ui), ui_focus_job(c->ui)};
    data_sources_round(c->sources, c->n_sources, &focus); /* Prometheus's round among them */
    jvm_fetch_refresh(c->app->jvm, clock_wall_ms()); /* only while its screen is open */
    loop_timer(c->loop, c->app->refresh_ms, on_refresh, c);
}

static void on_tick(void *arg) {
    struct console *c = arg;
    c->dirty = true;
    operations_tick(c->ops, clock_wall_ms());
    loop_timer(c->loop, TICK_MS, on_tick, c);
}

struct console_args {
    struct config *cfg; /* lent to the console, which may replace it (reload): main frees
                           what is here when it returns */
    const char *config_path;
    const struct config_override *ov;
    struct operations *ops; /* borrowed: main frees it after http (in-flight requests) */
    /* borrowed, NULL without Prometheus */
    struct prom_source *prom;
    const char *prom_cli; /* borrowed: --prometheus URL, NULL none */
    struct http *http;    /* borrowed: for a Prometheus a reload adds */
};

static int run_console(struct app *app, struct poller *poller, struct k8s_poller *k8s,
                       struct loop *loop, struct alerts *alerts, struct console_args *ca) {
    struct console c = {0};
    c.app = app;
    c.alerts = alerts;
    c.cfg = ca->cfg;
    ca->cfg = NULL;
    c.config_path = ca->config_path;
    c.ov = ca->ov;
    c.bell = c.cfg->bell;
    c.loop = loop;
    c.start_ms = clock_mono_ms();
    const char *bench = getenv("FLINKTOP_BENCH");
    c.bench_first_frame = bench && strcmp(bench, "first-frame") == 0;
    c.bench_frames = bench && strcmp(bench, "frames") == 0;
    c.sig_fd = signals_init();
    c.poller = poller;
    c.k8s = k8s;
    c.prom = ca->prom;
    c.prom_cli = ca->prom_cli;
    c.http = ca->http;
    c.ops = ca->ops;
    operations_set_audit(c.ops, on_audit, &c);
    app->ops = c.ops;
    c.engine = action_engine_new(app, c.ops);
    action_engine_set_forced_readonly(c.engine, c.ov && c.ov->readonly == 1); /* --readonly */
    app->actions = c.engine;
    c.ui = ui_new(app);
    if (ui_start(c.ui) != 0) {
        fprintf(stderr, "flinktop: cannot start the terminal interface (is stdout a terminal?); "
                        "use --once for a snapshot\n");
        ui_free(c.ui);
        ca->cfg = c.cfg; /* main frees it */
        operations_set_audit(c.ops, NULL, NULL);
        app->actions = NULL;
        action_engine_free(c.engine);
        return 1;
    }
    struct ui_hooks hooks = {&c, hook_theme, hook_scope, hook_complete};
    ui_set_hooks(c.ui, &hooks);
    c.trace = bench_trace_open(c.start_ms);
    open_audit(&c);
    xalloc_set_fatal_hook(ui_stop);
    atexit(ui_stop);
    loop_watch_fd(loop, STDIN_FILENO, on_stdin, &c);
    if (c.sig_fd >= 0)
        loop_watch_fd(loop, c.sig_fd, on_signal, &c);
    set_sources(&c);
    struct source_focus none = {-1, NULL};
    draw_frame(&c); /* what the first screen shows is what is asked first */
    c.focus_cluster = -2; /* never told yet */
    tell_focus(&c);
    data_sources_round(c.sources, c.n_sources, &none);
    loop_timer(loop, app->refresh_ms, on_refresh, &c);
    loop_timer(loop, TICK_MS, on_tick, &c);
    draw_frame(&c);
    frame_pacer_init(&c.pacer);
    frame_pacer_drawn(&c.pacer, clock_mono_ms());
    int64_t first_full = 0;
    while (!loop_stopped(loop)) {
        /* sleep until the next event, or until a pending data frame is due */
        loop_run_once(loop, (int)frame_pacer_wait_ms(&c.pacer, clock_mono_ms(), TICK_MS));
        if (k8s && k8s_poller_take_added(k8s)) /* new clusters: poll them now */
            poller_round(c.poller, ui_focus_cluster(c.ui), ui_focus_job(c.ui));
        if (operations_take_changed(c.ops))
            c.dirty = true;
        if (logs_take_changed(app->logs))
            c.dirty = true;
        /* history from before launch: not a round of the source (it follows the model's
         * new jobs, whichever source listed them, and batches what it finds), so it is
         * stepped each turn of the loop, outside source_ops */
        if (c.prom && prom_source_backfill(c.prom, app))
            c.dirty = true;
        if (cp_fetch_take_changed(app->cp_detail)) /* a checkpoint's detail answered */
            c.dirty = true;
        if (jvm_fetch_take_changed(app->jvm) || conf_fetch_take_changed(app->conf))
            c.dirty = true;
        if (data_sources_take_changed(c.sources, c.n_sources)) {
            history_update(app); /* history is fed from the model's changes */
            app->last_refresh_ms = clock_wall_ms();
            c.dirty = true;
        }
        if (c.dirty)
            frame_pacer_data(&c.pacer);
        if (c.input_dirty)
            frame_pacer_input(&c.pacer);
        c.dirty = c.input_dirty = false;
        /* one frame per wake at most, only when something changed, data frames at most
         * 20 a second (answers trickle in over many wakes), keys at once */
        if (frame_pacer_due(&c.pacer, clock_mono_ms())) {
            draw_frame(&c);
            frame_pacer_drawn(&c.pacer, clock_mono_ms());
            tell_focus(&c); /* the rows on screen may have moved */
            if (c.bench_first_frame && first_full == 0 && fleet_settled(app)) {
                first_full = clock_mono_ms() - c.start_ms;
                loop_stop(loop);
            }
        }
        bench_trace_busy(c.trace, loop_woke_us(loop)); /* how long this turn kept keys waiting */
    }
    ui_stop();
    if (first_full)
        fprintf(stderr, "first full frame: %lld ms\n", (long long)first_full);
    if (c.bench_frames && c.frames > 0)
        fprintf(stderr, "frames: %d, mean %.3f ms, max %.3f ms\n", c.frames,
                c.frame_total_ms / c.frames, c.frame_max_ms);
    bench_trace_free(c.trace);
    operations_abandon_all(c.ops); /* audited while the log is still open */
    operations_set_audit(c.ops, NULL, NULL);
    ui_free(c.ui);
    theme_list_free(c.theme_names);
    free(c.theme_ptrs);
    audit_close(c.audit);
    app->actions = NULL;
    action_engine_free(c.engine);
    ca->cfg = c.cfg; /* main frees it */
    ca->prom = c.prom ? c.prom : c.prom_off; /* a reload may have added or removed it */
    return 0;
}

int main(int argc, char **argv) {
    setlocale(LC_ALL, "");
    struct options o;
    char err[256] = "";
    if (options_parse(&o, argc, argv, err, sizeof err) != 0) {
        fprintf(stderr, "flinktop: %s\n(see flinktop --help)\n", err);
        options_free(&o);
        return 2;
    }
    if (o.show_help) {
        fputs(options_usage(), stdout);
        options_free(&o);
        return 0;
    }
    if (o.show_version) {
        printf("flinktop %s (%s)\n", FLINKTOP_VERSION, curl_version());
        options_free(&o);
        return 0;
    }
    if (!o.allow_core_dumps && secret_no_core_dumps() != 0) /* before any credential is read */
        fprintf(stderr, "flinktop: warning: could not disable core dumps: %s\n", strerror(errno));
    struct config *cfg = xmalloc(sizeof *cfg);
    config_init(cfg);
    cfg->known_actions = keymap_action_names(&cfg->n_known_actions); /* keys: names them */
    struct config_override ov;
    config_override_init(&ov);
    struct alert_rules rules;
    struct theme theme;
    int rc = config_load(o.config_path, cfg, err, sizeof err);
    if (rc == 0 && cfg->warning) /* before the screen starts */
        fprintf(stderr, "flinktop: warning: %s\n", cfg->warning);
    if (rc == 0) {
        if (o.refresh_given)
            ov.refresh_ms = o.refresh_ms;
        if (o.timeout_given)
            ov.timeout_ms = o.timeout_ms;
        ov.qps = o.qps;
        ov.burst = o.burst;
        if (o.ascii || getenv("FLINKTOP_ASCII") != NULL)
            ov.ascii = 1;
        if (o.readonly)
            ov.readonly = 1;
        if (o.no_osc52)
            ov.clipboard = 0;
        ov.theme = o.theme;
        ov.start_fleet = o.start;
        config_apply_override(cfg, &ov);
        rc = keymap_apply(cfg->keys, cfg->n_keys, err, sizeof err);
    }
    if (rc == 0)
        rc = load_theme(cfg->theme, &theme, err, sizeof err);
    if (rc == 0 && load_rules(cfg, &rules, err, sizeof err) != 0)
        rc = -1;
    if (rc != 0) {
        fprintf(stderr, "flinktop: %s\n", err);
        config_free(cfg);
        free(cfg);
        options_free(&o);
        return 2;
    }
    colors_set_theme(&theme); /* remembered until curses starts */
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* cJSON allocates through xalloc too: out of memory restores the terminal and says so */
    cJSON_Hooks hooks = {xmalloc, free};
    cJSON_InitHooks(&hooks);
    struct app app;
    app_init_from(&app, &o, cfg);
    app.cap_clusters = app.n_clusters ? app.n_clusters : 1; /* what app_init_from allocated */
    struct http *http = http_new(app.timeout_ms, HTTP_DEFAULT_MAX_BODY);
    /* --once: the user waits for every answer, as for the screen in view, so nothing
     * waits for the budget (still 8 at a time per HTTP/1.1 server) */
    http_set_budget(http, o.once ? 0 : cfg->qps, cfg->burst);
    if (o.once) /* fan out: dependent requests start as soon as what they need arrives */
        http_set_max_per_host(http, ONCE_PER_HOST);
    struct loop *loop = loop_new(http);
    /* Kubernetes when asked for, or when nothing else names a cluster (as kubectl would) */
    bool k8s_asked = o.kubeconfig || o.n_contexts || o.namespace || o.all_namespaces;
    bool standalone = false; /* a plain cluster restarted through its Deployment */
    for (size_t i = 0; i < cfg->n_clusters && o.n_targets == 0; i++) {
        if (cfg->clusters[i].resource && cfg->clusters[i].flink == NULL)
            k8s_asked = true; /* the config pins FlinkDeployments */
        if (cfg->clusters[i].deployment && cfg->clusters[i].flink)
            standalone = true; /* its context's API server and credential are needed */
    }
    struct k8s_poller *k8s = NULL;
    char k8s_err[256] = "";
    if (k8s_asked || app.n_clusters == 0 || standalone) {
        struct k8s_poller_options ko = {0};
        ko.kubeconfig = o.kubeconfig;
        ko.contexts = (const char *const *)o.contexts;
        ko.n_contexts = o.n_contexts;
        ko.namespace = o.namespace;
        ko.all_namespaces = o.all_namespaces;
        ko.pins = cfg->clusters;
        ko.n_pins = cfg->n_clusters;
        /* only for the Deployments: list nothing; without a kubeconfig the plain clusters
         * still work and a restart says what is missing */
        ko.access_only = !k8s_asked && app.n_clusters > 0;
        ko.list_only = o.once; /* --once lists; the console lists once, then watches */
        k8s = k8s_poller_new(&app, http, loop, &ko, k8s_err, sizeof k8s_err);
        app.k8s = k8s;
    }
    if ((k8s_asked && k8s == NULL) || (app.n_clusters == 0 && k8s == NULL)) {
        if (k8s_asked)
            fprintf(stderr, "flinktop: %s\n", k8s_err);
        else
            fprintf(stderr,
                    "flinktop: no clusters: give --flink [NAME=]URL, list clusters in "
                    "the config file, or use a kubeconfig%s%s\n(see flinktop --help)\n",
                    k8s_err[0] ? ": " : "", k8s_err);
        loop_free(loop);
        http_free(http);
        app_free(&app);
        alert_rules_free(&rules);
        config_free(cfg);
        free(cfg);
        options_free(&o);
        curl_global_cleanup();
        return 2;
    }
    struct alerts *alerts = alerts_new();
    alerts_set_rules(alerts, &rules);
    alert_rules_free(&rules);
    alerts_set_refresh(alerts, app.refresh_ms); /* the default keep_firing_for */
    app.alerts = alerts;
    struct poller *poller = poller_new(&app, http);
    struct operations *ops = operations_new(http, NULL, NULL);
    struct logs *logs = logs_new(http, 0); /* the pager's: screens own what they open */
    app.logs = logs;
    /* Prometheus: the command line's, else the config's (a URL, or a service behind a
     * context's API server); a reload moves the config's */
    char *prom_url = NULL, prom_err[256];
    const struct http_tls *prom_tls = NULL;
    struct prom_source *prom = NULL;
    if (prom_target_resolve(&app, cfg, o.prometheus, &prom_url, &prom_tls, prom_err,
                            sizeof prom_err) < 0)
        fprintf(stderr, "flinktop: %s; going on without Prometheus\n", prom_err);
    if (prom_url) {
        struct prom_source_options po = {prom_url, cfg->prometheus_cluster_label, app.timeout_ms,
                                         prom_tls, o.once ? NULL : &app};
        prom = prom_source_new(http, &po);
        app.prom = prom;
        app.prom_cover = prom_source_cover(prom); /* what the poller leaves to it */
        free(prom_url);
    }
    struct cp_fetch *cp_detail = o.once ? NULL : cp_fetch_new(http);
    app.cp_detail = cp_detail;
    struct jvm_fetch *jvm = o.once ? NULL : jvm_fetch_new(http);
    app.jvm = jvm;
    struct conf_fetch *conf = o.once ? NULL : conf_fetch_new(http);
    app.conf = conf;
    struct console_args ca = {cfg, o.config_path, &ov, ops, prom, o.prometheus, http};
    if (o.once) {
        /* Kubernetes first (its lists decide the clusters), then Flink REST and Prometheus
         * side by side; every job's details in the one round */
        struct data_source discover[1], poll[2];
        struct once_sources src = {discover, 0, poll, 0, prom};
        if (k8s)
            discover[src.n_discover++] = k8s_poller_source(k8s);
        if (prom)
            poll[src.n_poll++] = prom_source_data_source(prom);
        poll[src.n_poll++] = poller_source(poller);
        poller_set_all_details(poller, true);
        rc = once_run(&app, &src, loop, alerts, o.output);
    } else {
        rc = run_console(&app, poller, k8s, loop, alerts, &ca);
    }
    print_http_stats(http);
    cfg = ca.cfg;         /* a reload may have replaced it */
    k8s_poller_stop(k8s); /* exec plugins give their fds and timers back to the loop */
    loop_free(loop);
    http_free(http); /* completes what is in flight as cancelled: the pollers must still be */
    poller_free(poller);
    prom_source_free(ca.prom); /* after http: its callbacks ran for what was in flight */
    app.logs = NULL;
    logs_free(logs); /* the screens freed their logs with the UI */
    cp_fetch_free(cp_detail); /* after http, for the same reason */
    jvm_fetch_free(jvm);   /* the same */
    conf_fetch_free(conf); /* the same */
    operations_free(ops);
    k8s_poller_free(k8s);
    alerts_free(alerts);
    app_free(&app);
    config_free(cfg);
    free(cfg);
    options_free(&o);
    curl_global_cleanup();
    return rc;
}
