/* flinktop: wires the engine (src/) to the screen (ui/) or, with --once, to stdout. */
#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <curses.h>
#include <locale.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "alert_rules.h"
#include "alert_samples.h"
#include "alerts.h"
#include "app.h"
#include "clock.h"
#include "config.h"
#include "http.h"
#include "k8s_poller.h"
#include "loop.h"
#include "options.h"
#include "poller.h"
#include "signals.h"
#include "snapshot.h"
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

struct console {
    struct app *app;
    struct alerts *alerts;
    bool bell;
    struct loop *loop;
    struct poller *poller;
    struct k8s_poller *k8s; /* NULL without Kubernetes */
    struct ui *ui;
    int sig_fd;
    bool dirty;
    int64_t start_ms;
    bool bench_first_frame; /* FLINKTOP_BENCH=first-frame: exit after the first full frame */
    bool bench_frames;      /* FLINKTOP_BENCH=frames: report draw times at exit */
    int frames;
    double frame_total_ms, frame_max_ms;
};

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
}

/* Clusters from --flink, else from the config's clusters that name a Flink URL. */
static void app_init_from(struct app *app, const struct options *o, const struct config *cfg) {
    memset(app, 0, sizeof *app);
    size_t n = o->n_targets ? o->n_targets : cfg->n_clusters;
    app->clusters = xcalloc(n ? n : 1, sizeof *app->clusters);
    if (o->n_targets) {
        for (size_t i = 0; i < o->n_targets; i++)
            cluster_init(&app->clusters[app->n_clusters++], o->targets[i].name,
                         o->targets[i].url);
    } else {
        for (size_t i = 0; i < cfg->n_clusters; i++) {
            const struct config_cluster *cc = &cfg->clusters[i];
            if (cc->flink == NULL)
                continue;
            struct flink_target t;
            char err[256];
            if (options_parse_target(cc->flink, &t, err, sizeof err) != 0)
                continue; /* config_load already checked the URL */
            cluster_init(&app->clusters[app->n_clusters++], cc->name ? cc->name : t.name, t.url);
            free(t.name);
            free(t.url);
        }
    }
    app->refresh_ms = cfg->refresh_ms;
    app->timeout_ms = cfg->timeout_ms;
    app->detail_interval_ms = cfg->detail_interval_ms;
    app->history_len = config_history_len(cfg);
    app->ascii = cfg->ascii;
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
    alert_samples_free(&set);
}

static void app_free(struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++)
        cluster_free(&app->clusters[i]);
    free(app->clusters);
}

static int run_once(struct app *app, struct poller *p, struct k8s_poller *k8s,
                    struct loop *loop, struct alerts *alerts, enum output_format fmt) {
    /* Kubernetes first: its lists decide which clusters there are to poll. */
    if (k8s) {
        k8s_poller_round(k8s);
        while (k8s_poller_busy(k8s))
            loop_run_once(loop, 200);
    }
    poller_set_all_details(p, true);
    poller_round(p, -1, NULL);
    while (poller_in_flight(p) > 0)
        loop_run_once(loop, 200);
    evaluate_alerts(app, alerts);
    app->now_ms = clock_wall_ms();
    if (fmt == OUTPUT_JSON) {
        char *s = snapshot_json(app);
        puts(s);
        free(s);
    } else {
        snapshot_text(app, stdout);
    }
    fflush(stdout);
    return snapshot_all_ok(app) ? 0 : 3;
}

/* Every cluster has answered (or failed) every source at least once. */
static bool fleet_settled(const struct app *app) {
    for (size_t i = 0; i < app->n_clusters; i++)
        for (int s = 0; s < SRC_COUNT; s++)
            if (app->clusters[i].sources[s].state == SOURCE_PENDING)
                return false;
    return true;
}

static void apply_ui_flags(struct console *c, unsigned flags) {
    if (flags & UI_QUIT)
        loop_stop(c->loop);
    if (flags & UI_REFETCH)
        poller_round(c->poller, ui_focus_cluster(c->ui), ui_focus_job(c->ui));
    if (flags & (UI_REDRAW | UI_REFETCH))
        c->dirty = true;
}

/* The terminal hung up (ssh dropped, tmux killed): stdin stays readable at EOF forever,
 * so quit instead of spinning. */
static bool terminal_gone(int fd) {
    struct pollfd pfd = {fd, POLLIN, 0};
    return poll(&pfd, 1, 0) > 0 && (pfd.revents & (POLLHUP | POLLERR | POLLNVAL));
}

static void on_stdin(void *arg, int fd) {
    struct console *c = arg;
    apply_ui_flags(c, ui_read_keys(c->ui));
    if (terminal_gone(fd))
        loop_stop(c->loop);
}

static void on_signal(void *arg, int fd) {
    struct console *c = arg;
    unsigned s = signals_read(fd);
    if (s & SIG_FLAG_TERM)
        loop_stop(c->loop);
    if (s & SIG_FLAG_WINCH) {
        /* Our handler owns SIGWINCH, so tell curses the new size ourselves. */
        struct winsize ws;
        if (ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_row > 0 && ws.ws_col > 0)
            resizeterm(ws.ws_row, ws.ws_col);
        ui_resize(c->ui);
        c->dirty = true;
    }
}

static void on_refresh(void *arg) {
    struct console *c = arg;
    /* every refresh, not only on change: 'for' durations advance with evaluations */
    evaluate_alerts(c->app, c->alerts);
    if (c->bell && alerts_new_critical(c->alerts))
        beep();
    c->dirty = true;
    if (c->k8s)
        k8s_poller_round(c->k8s);
    poller_round(c->poller, ui_focus_cluster(c->ui), ui_focus_job(c->ui));
    loop_timer(c->loop, c->app->refresh_ms, on_refresh, c);
}

static void on_tick(void *arg) {
    struct console *c = arg;
    c->dirty = true;
    loop_timer(c->loop, TICK_MS, on_tick, c);
}

static int run_console(struct app *app, struct poller *poller, struct k8s_poller *k8s,
                       struct loop *loop, struct alerts *alerts, bool bell) {
    struct console c = {0};
    c.app = app;
    c.alerts = alerts;
    c.bell = bell;
    c.loop = loop;
    c.start_ms = clock_mono_ms();
    const char *bench = getenv("FLINKTOP_BENCH");
    c.bench_first_frame = bench && strcmp(bench, "first-frame") == 0;
    c.bench_frames = bench && strcmp(bench, "frames") == 0;
    c.sig_fd = signals_init();
    c.poller = poller;
    c.k8s = k8s;
    c.ui = ui_new(app);
    if (ui_start(c.ui) != 0) {
        fprintf(stderr, "flinktop: cannot start the terminal interface (is stdout a terminal?); "
                        "use --once for a snapshot\n");
        ui_free(c.ui);
        return 1;
    }
    xalloc_set_fatal_hook(ui_stop);
    atexit(ui_stop);
    loop_watch_fd(loop, STDIN_FILENO, on_stdin, &c);
    if (c.sig_fd >= 0)
        loop_watch_fd(loop, c.sig_fd, on_signal, &c);
    if (k8s)
        k8s_poller_round(k8s);
    poller_round(c.poller, -1, NULL);
    loop_timer(loop, app->refresh_ms, on_refresh, &c);
    loop_timer(loop, TICK_MS, on_tick, &c);
    draw_frame(&c);
    int64_t first_full = 0;
    while (!loop_stopped(loop)) {
        loop_run_once(loop, TICK_MS);
        if (k8s && k8s_poller_take_added(k8s)) /* new clusters: poll them now */
            poller_round(c.poller, ui_focus_cluster(c.ui), ui_focus_job(c.ui));
        if (k8s && k8s_poller_take_changed(k8s))
            c.dirty = true;
        if (poller_take_changed(c.poller)) {
            app->last_refresh_ms = clock_wall_ms();
            c.dirty = true;
        }
        if (c.dirty) {
            draw_frame(&c);
            c.dirty = false;
            if (c.bench_first_frame && first_full == 0 && fleet_settled(app)) {
                first_full = clock_mono_ms() - c.start_ms;
                loop_stop(loop);
            }
        }
    }
    ui_stop();
    if (first_full)
        fprintf(stderr, "first full frame: %lld ms\n", (long long)first_full);
    if (c.bench_frames && c.frames > 0)
        fprintf(stderr, "frames: %d, mean %.3f ms, max %.3f ms\n", c.frames,
                c.frame_total_ms / c.frames, c.frame_max_ms);
    ui_free(c.ui);
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
    struct config cfg;
    config_init(&cfg);
    if (config_load(o.config_path, &cfg, err, sizeof err) != 0) {
        fprintf(stderr, "flinktop: %s\n", err);
        config_free(&cfg);
        options_free(&o);
        return 2;
    }
    struct config_override ov;
    config_override_init(&ov);
    if (o.refresh_given)
        ov.refresh_ms = o.refresh_ms;
    if (o.timeout_given)
        ov.timeout_ms = o.timeout_ms;
    if (o.ascii || getenv("FLINKTOP_ASCII") != NULL)
        ov.ascii = 1;
    config_apply_override(&cfg, &ov);
    struct alert_rules rules;
    if (load_rules(&cfg, &rules, err, sizeof err) != 0) {
        fprintf(stderr, "flinktop: %s\n", err);
        config_free(&cfg);
        options_free(&o);
        return 2;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    /* cJSON allocates through xalloc too: out of memory restores the terminal and says so */
    cJSON_Hooks hooks = {xmalloc, free};
    cJSON_InitHooks(&hooks);
    struct app app;
    app_init_from(&app, &o, &cfg);
    app.cap_clusters = app.n_clusters ? app.n_clusters : 1; /* what app_init_from allocated */
    struct http *http = http_new(app.timeout_ms, HTTP_DEFAULT_MAX_BODY);
    struct loop *loop = loop_new(http);
    /* Kubernetes when asked for, or when nothing else names a cluster (as kubectl would) */
    bool k8s_asked = o.kubeconfig || o.n_contexts || o.namespace || o.all_namespaces;
    struct k8s_poller *k8s = NULL;
    char k8s_err[256] = "";
    if (k8s_asked || app.n_clusters == 0) {
        struct k8s_poller_options ko = {0};
        ko.kubeconfig = o.kubeconfig;
        ko.contexts = (const char *const *)o.contexts;
        ko.n_contexts = o.n_contexts;
        ko.namespace = o.namespace;
        ko.all_namespaces = o.all_namespaces;
        k8s = k8s_poller_new(&app, http, loop, &ko, k8s_err, sizeof k8s_err);
        app.k8s = k8s;
    }
    if ((k8s_asked && k8s == NULL) || (app.n_clusters == 0 && k8s == NULL)) {
        if (k8s_asked)
            fprintf(stderr, "flinktop: %s\n", k8s_err);
        else
            fprintf(stderr, "flinktop: no clusters: give --flink [NAME=]URL, list clusters in "
                            "the config file, or use a kubeconfig%s%s\n(see flinktop --help)\n",
                    k8s_err[0] ? ": " : "", k8s_err);
        loop_free(loop);
        http_free(http);
        app_free(&app);
        alert_rules_free(&rules);
        config_free(&cfg);
        options_free(&o);
        curl_global_cleanup();
        return 2;
    }
    struct alerts *alerts = alerts_new();
    alerts_set_rules(alerts, &rules);
    alert_rules_free(&rules);
    app.alerts = alerts;
    struct poller *poller = poller_new(&app, http);
    int rc = o.once ? run_once(&app, poller, k8s, loop, alerts, o.output)
                    : run_console(&app, poller, k8s, loop, alerts, cfg.bell);
    k8s_poller_stop(k8s); /* exec plugins give their fds and timers back to the loop */
    loop_free(loop);
    http_free(http); /* completes what is in flight as cancelled: the pollers must still be */
    poller_free(poller);
    k8s_poller_free(k8s);
    alerts_free(alerts);
    app_free(&app);
    config_free(&cfg);
    options_free(&o);
    curl_global_cleanup();
    return rc;
}
