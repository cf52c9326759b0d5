/* The console: curses set-up and tear-down, keys to requests to the screen on top of a
 * small stack, the filter prompt and the `:` command line, a transient flash message,
 * the mouse (when asked for), and a frame drawn as header, screen, status bar with one
 * doupdate(). */
#include "ui.h"

#include <curl/curl.h>
#include <langinfo.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include "actions.h"
#include "bars.h"
#include "clock.h"
#include "cmdline.h"
#include "colors.h"
#include "config.h"
#include "k8s_model.h"
#include "osc52.h"
#include "ui_screen.h"
#include "view.h"
#include "view_job.h"
#include "xalloc.h"

#define UI_MAX_VIEWS 8
#define ESC_DELAY_MS 25
#define WHEEL_ROWS 3 /* rows one notch of the mouse wheel moves */

enum ui_mode {
    MODE_NORMAL,
    MODE_FILTER,  /* the filter prompt has the keyboard */
    MODE_COMMAND, /* the `:` command line has it */
};

struct ui {
    struct app *app; /* borrowed */
    bool ascii;
    enum ui_mode mode;
    bool resized; /* repaint every cell on the next draw */
    struct view stack[UI_MAX_VIEWS];
    int depth;
    struct cmdline cmd;
    struct ui_hooks hooks;
    char flash[256]; /* "" none */
    int flash_level;
    int64_t flash_ms;   /* app->now_ms when it was set */
    const char **words; /* owned array of borrowed strings: Tab's candidates */
    size_t n_words, cap_words;
    bool mouse;               /* mousemask is set */
    bool mouse_asked;         /* app->mouse when the mask was last set (a reload may change it) */
    struct action_flow *flow; /* owned: an action asking its questions, NULL none */
};

/* Process-wide because ui_stop() takes no argument (atexit, the xalloc fatal hook). */
static SCREEN *own_screen; /* made by ui_start, deleted by ui_free */
static bool in_curses;     /* ui_start ran and ui_stop has not */
/* The ui views flash on (ui_view_flash): the one made last and not yet freed. */
static struct ui *live_ui;

/* Our own glyphs (ellipsis, arrows, separators) need a UTF-8 terminal. */
static bool locale_is_utf8(void) {
    const char *cs = nl_langinfo(CODESET);
    return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

static struct view *top(struct ui *ui) { return &ui->stack[ui->depth - 1]; }

static void push(struct ui *ui, const struct view_ops *ops, int cluster,
                 const struct view_ops *under, const char *job_id) {
    if (ui->depth >= UI_MAX_VIEWS)
        return;
    struct view *v = &ui->stack[ui->depth++];
    memset(v, 0, sizeof *v);
    v->ops = ops;
    v->app = ui->app;
    v->ascii = ui->ascii;
    v->cluster = cluster;
    v->under = under;
    if (job_id) /* a job screen */
        snprintf(v->job_id, sizeof v->job_id, "%s", job_id);
    else if (ui->depth > 1) /* help over a job screen is still about that job */
        memcpy(v->job_id, ui->stack[ui->depth - 2].job_id, sizeof v->job_id);
    if (ops->init)
        ops->init(v);
    ui->mode = MODE_NORMAL;
}

static void view_done(struct view *v) {
    table_free(&v->table);
    if (v->priv_free)
        v->priv_free(v->priv);
    v->priv = NULL;
    v->priv_free = NULL;
}

static void pop(struct ui *ui) {
    if (ui->depth <= 1)
        return;
    view_done(top(ui));
    ui->depth--;
    ui->mode = MODE_NORMAL;
}

static void pop_to_root(struct ui *ui) {
    while (ui->depth > 1)
        pop(ui);
}

/* The two top screens, the fleet board and the clusters screen, are one key apart: the
 * root of the stack becomes the other one (what was open over it closes). */
static unsigned switch_root(struct ui *ui) {
    pop_to_root(ui);
    const struct view_ops *next = ui->stack[0].ops == &view_board ? &view_clusters : &view_board;
    view_done(&ui->stack[0]);
    ui->depth = 0;
    push(ui, next, -1, NULL, NULL);
    return UI_REDRAW | UI_REFETCH;
}

struct ui *ui_new(struct app *app) {
    struct ui *ui = xcalloc(1, sizeof *ui);
    ui->app = app;
    ui->ascii = app->ascii || !locale_is_utf8();
    cmdline_init(&ui->cmd);
    /* the first screen the config names (`start: fleet`), the other one key away (F) */
    bool fleet = app->config && app->config->start_fleet;
    push(ui, fleet ? &view_board : &view_clusters, -1, NULL, NULL);
    live_ui = ui;
    return ui;
}

void ui_free(struct ui *ui) {
    if (ui == NULL)
        return;
    if (live_ui == ui)
        live_ui = NULL;
    pop_to_root(ui);
    view_done(&ui->stack[0]);
    cmdline_free(&ui->cmd);
    free(ui->words);
    action_flow_free(ui->flow);
    if (own_screen) {
        ui_stop();
        delscreen(own_screen);
        own_screen = NULL;
    }
    free(ui);
}

void ui_set_hooks(struct ui *ui, const struct ui_hooks *h) {
    if (h)
        ui->hooks = *h;
    else
        memset(&ui->hooks, 0, sizeof ui->hooks);
}

/* Off unless asked for: with no mousemask at all the terminal keeps selecting text for
 * copy as usual. */
static void mouse_apply(struct ui *ui) {
    ui->mouse_asked = ui->app->mouse;
    if (!ui->app->mouse) {
        if (ui->mouse)
            mousemask(0, NULL);
        ui->mouse = false;
        return;
    }
    mmask_t want = BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED | BUTTON4_PRESSED;
#ifdef BUTTON5_PRESSED
    want |= BUTTON5_PRESSED;
#endif
    ui->mouse = mousemask(want, NULL) != 0;
}

static void setup(struct ui *ui) {
    cbreak();
    noecho();
    keypad(stdscr, TRUE);
    nodelay(stdscr, TRUE);
    leaveok(stdscr, TRUE);
    curs_set(0);
    set_escdelay(ESC_DELAY_MS); /* Esc answers at once instead of after a second */
    colors_init(true);
    ui->mouse = false;
    mouse_apply(ui);
    ui->resized = true;
}

int ui_start(struct ui *ui) {
    if (in_curses || own_screen)
        return 0;
    if (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))
        return -1;
    /* newterm, not initscr: initscr exits the process when the terminal is unusable. */
    SCREEN *sp = newterm(NULL, stdout, stdin);
    if (sp == NULL)
        return -1;
    own_screen = sp;
    in_curses = true;
    setup(ui);
    return 0;
}

int ui_start_screen(struct ui *ui, SCREEN *sp) {
    set_term(sp);
    setup(ui);
    return 0;
}

void ui_stop(void) {
    if (!in_curses)
        return;
    in_curses = false;
    endwin();
}

/* ---- flash ---- */

static void flash_v(struct ui *ui, int level, const char *fmt, va_list ap) {
    char raw[sizeof ui->flash];
    vsnprintf(raw, sizeof raw, fmt, ap);
    /* one line, no control characters: names in it may come from a server */
    size_t k = 0;
    for (const unsigned char *p = (const unsigned char *)raw; *p && k + 1 < sizeof ui->flash; p++)
        if (*p >= 0x20 && *p != 0x7F)
            ui->flash[k++] = (char)*p;
    ui->flash[k] = '\0';
    ui->flash_level = level < UI_FLASH_INFO    ? UI_FLASH_INFO
                      : level > UI_FLASH_ERROR ? UI_FLASH_ERROR
                                               : level;
    ui->flash_ms = ui->app->now_ms;
}

void ui_flash(struct ui *ui, int level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    flash_v(ui, level, fmt, ap);
    va_end(ap);
}

void ui_view_flash(const struct view *v, int level, const char *fmt, ...) {
    struct ui *ui = live_ui;
    if (ui == NULL || v < ui->stack || v >= ui->stack + ui->depth)
        return;
    va_list ap;
    va_start(ap, fmt);
    flash_v(ui, level, fmt, ap);
    va_end(ap);
}

const char *ui_flash_text(const struct ui *ui, int *level) {
    if (level)
        *level = ui->flash_level;
    if (ui->flash[0] && ui->app->now_ms - ui->flash_ms >= UI_FLASH_MS)
        return "";
    return ui->flash;
}

/* ---- actions ---- */

/* Every action key (s S C r R D P) arrives here with the screen on top: the flow
 * (actions.c) checks read-only and busy, asks what it needs and confirms; while it runs
 * its dialog has the keyboard (dialog_key below). */
static unsigned ui_action_request(struct ui *ui, struct view *v, enum request req) {
    char msg[512] = "";
    int level = UI_FLASH_INFO;
    action_flow_free(ui->flow);
    ui->flow = action_flow_begin(ui->app, v, req, msg, sizeof msg, &level);
    if (ui->flow == NULL && msg[0])
        ui_flash(ui, level, "%s", msg);
    return UI_REDRAW;
}

/* A key for the open dialog; when it closes, the flow goes on, ends with a message, or
 * hands its request to the engine, which sends it. */
static unsigned flow_key(struct ui *ui, int key, bool is_char) {
    if (!is_char && key == KEY_RESIZE)
        return UI_REDRAW;
    enum dialog_result r = dialog_key(action_flow_dialog(ui->flow), key, is_char);
    if (r == DIALOG_OPEN)
        return UI_REDRAW;
    char msg[512] = "";
    int level = UI_FLASH_INFO;
    enum action_flow_result fr = action_flow_next(ui->flow, r, msg, sizeof msg, &level);
    if (fr == FLOW_ASK)
        return UI_REDRAW;
    if (fr == FLOW_SEND) {
        const struct operation *op =
            action_engine_send(ui->app->actions, action_flow_request(ui->flow),
                               action_flow_plan(ui->flow), msg, sizeof msg);
        level = op ? UI_FLASH_INFO : UI_FLASH_ERROR;
    }
    action_flow_free(ui->flow);
    ui->flow = NULL;
    if (msg[0])
        ui_flash(ui, level, "%s", msg);
    return fr == FLOW_QUIT ? UI_QUIT : UI_REDRAW;
}

/* q or :q with actions still followed asks first (the quit flow); else quits. */
static unsigned ask_quit(struct ui *ui) {
    action_flow_free(ui->flow);
    ui->flow = ui->app->ops ? action_flow_quit(ui->app) : NULL;
    return ui->flow ? UI_REDRAW : UI_QUIT;
}

/* ---- the filter prompt ---- */

/* What `/` filters on screen v; false: nothing there. The job screen is asked (it looks
 * its job up again); a screen with rows has its own table. */
static bool filter_target(struct view *v, struct table_filter *f) {
    memset(f, 0, sizeof *f);
    if (v->ops->rows) {
        f->text = v->table.filter;
        f->t = &v->table;
        f->src = v->ops->rows;
        f->ctx = v;
        return true;
    }
    if (v->ops == &view_job)
        return view_job_filter(v, f);
    if (v->ops == &view_logs)
        return view_logs_search(v, f);
    return false;
}

static void filter_sync(const struct table_filter *f) {
    if (f->t)
        table_sync(f->t, f->src, f->ctx);
}

/* While the prompt is open keys edit the filter; the table narrows as you type. */
static unsigned prompt_key(struct ui *ui, struct view *v, const struct table_filter *f, int key,
                           bool is_char) {
    char *text = f->text;
    size_t len = strlen(text);
    if (is_char && key == 27) {
        text[0] = '\0';
        ui->mode = MODE_NORMAL;
    } else if ((is_char && (key == '\n' || key == '\r')) || (!is_char && key == KEY_ENTER)) {
        ui->mode = MODE_NORMAL;
    } else if ((!is_char && key == KEY_BACKSPACE) || (is_char && (key == 127 || key == 8))) {
        if (len == 0)
            ui->mode = MODE_NORMAL;
        while (len > 0 && ((unsigned char)text[len - 1] & 0xC0) == 0x80)
            len--; /* continuation bytes of the last character */
        text[len > 0 ? len - 1 : 0] = '\0';
    } else if (is_char && key == 21) { /* Ctrl-U */
        text[0] = '\0';
    } else if (!is_char) {
        /* Arrows and pages still move through what the filter leaves. */
        enum request req = keymap_request(key, false);
        if (f->t)
            return table_key(f->t, req, f->src, f->ctx);
        struct view_open open = {NULL, -1, NULL, REQ_NONE};
        return v->ops->key ? v->ops->key(v, req, &open) : 0;
    } else if (key >= ' ' && wcwidth((wchar_t)key) >= 0) {
        char mb[MB_LEN_MAX];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n == (size_t)-1 || len + n >= TABLE_FILTER_MAX)
            return 0;
        memcpy(text + len, mb, n);
        text[len + n] = '\0';
    } else {
        return 0;
    }
    filter_sync(f);
    return UI_REDRAW;
}

/* ---- the command line ---- */

static void words_add(struct ui *ui, const char *w) {
    if (w == NULL || w[0] == '\0')
        return;
    if (ui->n_words == ui->cap_words) {
        ui->cap_words = ui->cap_words ? ui->cap_words * 2 : 64;
        ui->words = xrealloc(ui->words, ui->cap_words * sizeof *ui->words);
    }
    ui->words[ui->n_words++] = w;
}

static bool cluster_shown(const struct cluster *c) { return !c->k8s.hidden; }

/* Tab's candidates for a command's argument (cmdline_words). */
static size_t ui_words(void *arg, const char *verb, const char *const **out) {
    struct ui *ui = arg;
    const struct app *app = ui->app;
    ui->n_words = 0;
    if (strcmp(verb, "cluster") == 0 || strcmp(verb, "job") == 0) {
        bool jobs = verb[0] == 'j';
        for (size_t i = 0; i < app->n_clusters; i++) {
            const struct cluster *c = &app->clusters[i];
            if (!cluster_shown(c))
                continue;
            if (!jobs)
                words_add(ui, c->name);
            for (size_t j = 0; jobs && j < c->jobs.len; j++)
                words_add(ui, c->jobs.items[j].name);
        }
    } else if (strcmp(verb, "theme") == 0 || strcmp(verb, "ctx") == 0 || strcmp(verb, "ns") == 0) {
        const char **list = NULL;
        size_t n = ui->hooks.complete ? ui->hooks.complete(ui->hooks.arg, verb, &list) : 0;
        for (size_t i = 0; list && i < n; i++)
            words_add(ui, list[i]);
        /* without the hook, what the Kubernetes poller knows */
        size_t nc = ui->hooks.complete == NULL && k8s_context_count(app);
        for (size_t i = 0; i < nc; i++) {
            const struct k8s_context_state *s = k8s_context_at(app, i);
            if (s == NULL)
                continue;
            if (verb[0] == 'c')
                words_add(ui, s->name);
            else
                for (size_t k = 0; k < s->n_namespaces; k++)
                    words_add(ui, s->namespaces[k].name);
        }
        if (strcmp(verb, "ns") == 0)
            words_add(ui, "all");
    }
    *out = ui->words;
    return ui->n_words;
}

/* The cluster called name among those shown: exactly, else without case, else the only
 * one it starts. -1 none. */
static int find_cluster(const struct app *app, const char *name) {
    for (int pass = 0; pass < 3; pass++) {
        int found = -1, n = 0;
        for (size_t i = 0; i < app->n_clusters; i++) {
            const struct cluster *c = &app->clusters[i];
            if (!cluster_shown(c) || c->name == NULL)
                continue;
            bool hit = pass == 0   ? strcmp(c->name, name) == 0
                       : pass == 1 ? strcasecmp(c->name, name) == 0
                                   : strncmp(c->name, name, strlen(name)) == 0;
            if (hit) {
                found = (int)i;
                n++;
            }
        }
        if (n == 1 || (n > 1 && pass == 0))
            return found;
    }
    return -1;
}

static unsigned cmd_cluster(struct ui *ui, const char *arg) {
    if (arg[0] == '\0') {
        ui_flash(ui, UI_FLASH_WARN, "usage: :cluster NAME");
        return UI_REDRAW;
    }
    int c = find_cluster(ui->app, arg);
    if (c < 0) {
        ui_flash(ui, UI_FLASH_ERROR, "no cluster %s", arg);
        return UI_REDRAW;
    }
    pop_to_root(ui);
    push(ui, &view_jobs, c, top(ui)->ops, NULL);
    return UI_REDRAW | UI_REFETCH;
}

/* A job by its id (or a unique start of it, 6 characters at least) or its name, on any
 * cluster shown. A name on several clusters or jobs is ambiguous: say where. */
static unsigned cmd_job(struct ui *ui, const char *arg) {
    const struct app *app = ui->app;
    if (arg[0] == '\0') {
        ui_flash(ui, UI_FLASH_WARN, "usage: :job NAME|ID");
        return UI_REDRAW;
    }
    enum { MAX_HITS = 8 };
    size_t hit_c[MAX_HITS], hit_j[MAX_HITS];
    size_t n = 0, by_id = 0;
    size_t al = strlen(arg);
    for (int pass = 0; pass < 2 && n == 0; pass++) {
        for (size_t i = 0; i < app->n_clusters; i++) {
            const struct cluster *c = &app->clusters[i];
            if (!cluster_shown(c))
                continue;
            for (size_t j = 0; j < c->jobs.len; j++) {
                const struct job *jb = &c->jobs.items[j];
                bool hit = pass == 0 ? jb->name && strcmp(jb->name, arg) == 0
                                     : jb->id[0] && al >= 6 && strncasecmp(jb->id, arg, al) == 0;
                if (!hit)
                    continue;
                if (n < MAX_HITS) {
                    hit_c[n] = i;
                    hit_j[n] = j;
                }
                n++;
            }
        }
        by_id = pass;
    }
    if (n == 0) {
        ui_flash(ui, UI_FLASH_ERROR, "no job %s", arg);
        return UI_REDRAW;
    }
    if (n > 1) {
        char where[160] = "";
        size_t used = 0;
        for (size_t k = 0; k < n && k < MAX_HITS; k++) {
            const char *cn = app->clusters[hit_c[k]].name;
            int w = snprintf(where + used, sizeof where - used, "%s%s", used ? ", " : "",
                             cn ? cn : "-");
            if (w < 0 || (size_t)w >= sizeof where - used)
                break;
            used += (size_t)w;
        }
        ui_flash(ui, UI_FLASH_WARN, "ambiguous: %zu jobs %s %s (on %s): use :job ID", n,
                 by_id ? "have ids starting" : "are named", arg, where);
        return UI_REDRAW;
    }
    const struct cluster *c = &app->clusters[hit_c[0]];
    const struct job *jb = &c->jobs.items[hit_j[0]];
    if (jb->id[0] == '\0') {
        ui_flash(ui, UI_FLASH_ERROR, "job %s has no id yet", arg);
        return UI_REDRAW;
    }
    char id[sizeof jb->id];
    memcpy(id, jb->id, sizeof id);
    pop_to_root(ui);
    push(ui, &view_jobs, (int)hit_c[0], top(ui)->ops, NULL);
    push(ui, &view_job, (int)hit_c[0], &view_jobs, id);
    return UI_REDRAW | UI_REFETCH;
}

static unsigned cmd_theme(struct ui *ui, const char *arg) {
    char err[256] = "";
    if (arg[0] == '\0') {
        ui_flash(ui, UI_FLASH_WARN, "usage: :theme NAME");
    } else if (ui->hooks.theme == NULL) {
        ui_flash(ui, UI_FLASH_WARN, "themes are not available");
    } else if (ui->hooks.theme(ui->hooks.arg, arg, err, sizeof err) != 0) {
        ui_flash(ui, UI_FLASH_ERROR, "%s", err[0] ? err : "theme not loaded");
    } else {
        ui->resized = true; /* every cell in its new colour */
        ui_flash(ui, UI_FLASH_INFO, "theme %s", arg);
    }
    return UI_REDRAW;
}

/* :ctx NAME, :ns NAME, :ns all */
static unsigned cmd_scope(struct ui *ui, bool ctx, const char *arg) {
    char err[256] = "";
    if (arg[0] == '\0') {
        ui_flash(ui, UI_FLASH_WARN, ctx ? "usage: :ctx NAME" : "usage: :ns NAME|all");
        return UI_REDRAW;
    }
    if (ui->app->k8s == NULL) {
        ui_flash(ui, UI_FLASH_WARN, "no kubeconfig in use");
        return UI_REDRAW;
    }
    if (ui->hooks.scope == NULL) {
        ui_flash(ui, UI_FLASH_WARN, "changing the %s is not available",
                 ctx ? "context" : "namespace");
        return UI_REDRAW;
    }
    bool all = !ctx && strcmp(arg, "all") == 0;
    const char *ns = ctx ? NULL : all ? "" : arg;
    if (ui->hooks.scope(ui->hooks.arg, ctx ? arg : NULL, ns, err, sizeof err) != 0) {
        ui_flash(ui, UI_FLASH_ERROR, "%s", err[0] ? err : "scope not changed");
        return UI_REDRAW;
    }
    pop_to_root(ui); /* the clusters under the screens above may be out of scope now */
    if (ctx)
        ui_flash(ui, UI_FLASH_INFO, "context %s", arg);
    else if (all)
        ui_flash(ui, UI_FLASH_INFO, "all namespaces");
    else
        ui_flash(ui, UI_FLASH_INFO, "namespace %s", arg);
    return UI_REDRAW | UI_REFETCH;
}

static unsigned run_command(struct ui *ui, const char *line) {
    char verb[CMDLINE_MAX], arg[CMDLINE_MAX];
    cmdline_parse(line, verb, sizeof verb, arg, sizeof arg);
    struct view *v = top(ui);
    if (verb[0] == '\0')
        return UI_REDRAW;
    if (strcmp(verb, "q!") == 0)
        return UI_QUIT;
    if (strcmp(verb, "q") == 0 || strcmp(verb, "quit") == 0)
        return ask_quit(ui);
    if (strcmp(verb, "unlock") == 0 || strcmp(verb, "lock") == 0) {
        char msg[300];
        if (ui->app->actions == NULL) {
            ui_flash(ui, UI_FLASH_ERROR, "actions are not available here");
        } else if (verb[0] == 'l') {
            action_engine_lock(ui->app->actions);
            ui_flash(ui, UI_FLASH_INFO, "actions locked again (read-only)");
        } else if (action_engine_unlock(ui->app->actions, arg, clock_mono_ms(), msg, sizeof msg) ==
                   0) {
            ui_flash(ui, UI_FLASH_WARN, "%s", msg);
        } else {
            ui_flash(ui, UI_FLASH_ERROR, "%s", msg);
        }
        return UI_REDRAW;
    }
    if (strcmp(verb, "cluster") == 0)
        return cmd_cluster(ui, arg);
    if (strcmp(verb, "job") == 0)
        return cmd_job(ui, arg);
    if (strcmp(verb, "theme") == 0)
        return cmd_theme(ui, arg);
    if (strcmp(verb, "ctx") == 0 || strcmp(verb, "context") == 0)
        return cmd_scope(ui, true, arg);
    if (strcmp(verb, "ns") == 0 || strcmp(verb, "namespace") == 0)
        return cmd_scope(ui, false, arg);
    if (strcmp(verb, "fleet") == 0 || strcmp(verb, "board") == 0) {
        if (ui->stack[0].ops != &view_board)
            return switch_root(ui);
        pop_to_root(ui);
        return UI_REDRAW;
    }
    if (strcmp(verb, "alerts") == 0) {
        if (v->ops != &view_alerts)
            push(ui, &view_alerts, v->cluster, v->ops, NULL);
        return UI_REDRAW;
    }
    ui_flash(ui, UI_FLASH_ERROR,
             "unknown command: %s (try :ctx :ns :cluster :job :theme :alerts :q)", verb);
    return UI_REDRAW;
}

static unsigned command_key(struct ui *ui, int key, bool is_char) {
    struct cmdline_words words = {ui, ui_words};
    switch (cmdline_key(&ui->cmd, key, is_char, &words)) {
    case CMDLINE_CANCEL:
        ui->mode = MODE_NORMAL;
        return UI_REDRAW;
    case CMDLINE_RUN: {
        ui->mode = MODE_NORMAL;
        char line[CMDLINE_MAX];
        snprintf(line, sizeof line, "%s", ui->cmd.text);
        return run_command(ui, line) | UI_REDRAW;
    }
    default:
        return UI_REDRAW;
    }
}

/* ---- requests ---- */

/* l: the log of what the screen is about: the selected task manager on the task
 * managers tab, else the JobManager of the cluster on screen or selected. */
static unsigned logs_request(struct ui *ui, struct view *v) {
    int c = v->cluster;
    const char *tm = NULL;
    if (v->ops == &view_clusters)
        c = view_clusters_selected(v);
    else if (v->ops == &view_board)
        c = view_board_selected_cluster(v);
    else if (v->ops == &view_job)
        tm = view_job_selected_tm(v);
    else if (v->ops == &view_jvm)
        tm = view_jvm_tm(v);
    if (c < 0 || (size_t)c >= ui->app->n_clusters) {
        ui_flash(ui, UI_FLASH_INFO, "no cluster here to read a log of");
        return UI_REDRAW;
    }
    char tm_id[256] = "";
    if (tm) /* the job screen's data may change under the push */
        snprintf(tm_id, sizeof tm_id, "%s", tm);
    push(ui, &view_logs, c, v->ops, NULL);
    view_logs_start(top(ui), ui->app->logs, &ui->app->clusters[c], tm_id[0] ? tm_id : NULL);
    return UI_REDRAW;
}

/* push, and whether it happened (the stack has a bound): what starts the new screen must
 * not start the one under it. */
static bool pushed(struct ui *ui, const struct view_ops *ops, int cluster,
                   const struct view_ops *under, const char *job_id) {
    int before = ui->depth;
    push(ui, ops, cluster, under, job_id);
    return ui->depth != before;
}

/* m, c, t, O (and Enter on a task manager): the JVM, the configuration, the thread dump
 * or the stdout of the task manager selected (on the task managers tab, or the one the
 * JVM screen shows), else of the JobManager; the configuration is the job's too. From
 * the job screen and the JVM screen. */
static unsigned process_request(struct ui *ui, struct view *v, enum request req) {
    int c = v->cluster;
    const char *tm = NULL;
    if (v->ops == &view_job)
        tm = view_job_selected_tm(v);
    else if (v->ops == &view_jvm)
        tm = view_jvm_tm(v);
    else
        return 0;
    if (c < 0 || (size_t)c >= ui->app->n_clusters)
        return 0;
    struct cluster *cl = &ui->app->clusters[c];
    char tm_id[256] = "", job_id[33];
    if (tm) /* the job screen's data may change under the push */
        snprintf(tm_id, sizeof tm_id, "%s", tm);
    snprintf(job_id, sizeof job_id, "%s", v->job_id);
    if (req == REQ_JVM) {
        if (v->ops == &view_jvm)
            return 0;
        if (!pushed(ui, &view_jvm, c, v->ops, job_id))
            return UI_REDRAW;
        view_jvm_start(top(ui), ui->app->jvm, cl, tm_id[0] ? tm_id : NULL, clock_wall_ms());
        return UI_REDRAW;
    }
    if (req == REQ_CONFIG) {
        if (!pushed(ui, &view_config, c, v->ops, job_id))
            return UI_REDRAW;
        view_config_start(top(ui), ui->app->conf, cl, job_id[0] ? job_id : NULL, clock_wall_ms());
        return UI_REDRAW;
    }
    char path[400], title[400];
    char *esc = tm_id[0] ? curl_easy_escape(NULL, tm_id, 0) : NULL;
    bool dump = req == REQ_THREAD_DUMP;
    const char *what = dump ? "thread-dump" : "stdout";
    if (esc)
        snprintf(path, sizeof path, "/taskmanagers/%s/%s", esc, what);
    else
        snprintf(path, sizeof path, "/jobmanager/%s", what);
    curl_free(esc);
    if (tm_id[0])
        snprintf(title, sizeof title, "%s of task manager %s (%s)", dump ? "Thread dump" : "Stdout",
                 tm_id, cl->name ? cl->name : "-");
    else
        snprintf(title, sizeof title, "%s of the JobManager of %s", dump ? "Thread dump" : "Stdout",
                 cl->name ? cl->name : "-");
    if (!pushed(ui, &view_logs, c, v->ops, job_id))
        return UI_REDRAW;
    view_logs_start_path(top(ui), ui->app->logs, cl, path, title, dump);
    return UI_REDRAW;
}

/* y: the screen says what is under its cursor, and the terminal the user sits at gets it
 * through OSC 52 (it crosses ssh and tmux; there is no other clipboard to reach from a
 * bastion host). Written straight to the terminal between frames: ncurses has flushed
 * its own output by the time a key is read, and the sequence moves no cursor. */
static unsigned copy_request(struct ui *ui, struct view *v) {
    if (!ui->app->clipboard) {
        ui_flash(ui, UI_FLASH_INFO, "copy is off (clipboard: false or --no-osc52)");
        return UI_REDRAW;
    }
    char what[64] = "";
    char *text = v->ops->copy ? v->ops->copy(v, what, sizeof what) : NULL;
    if (text == NULL || text[0] == '\0') {
        free(text);
        ui_flash(ui, UI_FLASH_INFO, "nothing to copy here");
        return UI_REDRAW;
    }
    bool cut = false;
    size_t len = strlen(text);
    char *seq = osc52_sequence(text, len, &cut);
    fflush(stdout);
    fputs(seq, stdout);
    fflush(stdout);
    if (cut)
        ui_flash(ui, UI_FLASH_WARN, "copied the first %d of %zu bytes of the %s (OSC 52 limit)",
                 OSC52_MAX_TEXT, len, what);
    else if (len <= 48)
        ui_flash(ui, UI_FLASH_INFO, "copied %s %s", what, text);
    else
        ui_flash(ui, UI_FLASH_INFO, "copied %s (%zu bytes)", what, len);
    free(seq);
    free(text);
    return UI_REDRAW;
}

static unsigned handle_request(struct ui *ui, enum request req) {
    struct view *v = top(ui);
    struct view_open open = {NULL, -1, NULL, REQ_NONE};
    struct table_filter f;
    switch (req) {
    case REQ_NONE:
        return 0;
    case REQ_HELP:
        if (v->ops == &view_help)
            pop(ui);
        else
            push(ui, &view_help, v->cluster, v->ops, NULL);
        return UI_REDRAW;
    case REQ_ALERTS: /* one alerts screen at a time: `!` on it is a no-op */
        if (v->ops != &view_alerts)
            push(ui, &view_alerts, v->cluster, v->ops, NULL);
        return UI_REDRAW;
    case REQ_QUIT:
        if (v->ops->key && v->ops->key(v, req, &open) != 0)
            return UI_REDRAW; /* it closed something inside the screen (a trace) */
        if (ui->depth == 1)
            return ask_quit(ui);
        pop(ui);
        return UI_REDRAW;
    case REQ_BACK: /* Esc never quits: it is the key people press twice to be sure */
        if (v->ops->key && v->ops->key(v, req, &open) != 0)
            return UI_REDRAW;
        if (filter_target(v, &f) && f.text[0]) {
            f.text[0] = '\0';
            filter_sync(&f);
            return UI_REDRAW;
        }
        if (ui->depth == 1)
            return 0;
        pop(ui);
        return UI_REDRAW;
    case REQ_REPAINT:
        ui->resized = true;
        return UI_REDRAW;
    case REQ_FILTER:
        if (!filter_target(v, &f))
            return 0;
        ui->mode = MODE_FILTER;
        return UI_REDRAW;
    case REQ_COMMAND:
        cmdline_open(&ui->cmd);
        ui->mode = MODE_COMMAND;
        return UI_REDRAW;
    case REQ_RELOAD:
        return UI_RELOAD | UI_REDRAW;
    case REQ_COPY:
        return copy_request(ui, v);
    case REQ_LOGS:
        if (v->ops == &view_logs)
            break; /* the pager reads its log again */
        return logs_request(ui, v);
    case REQ_JVM:
    case REQ_CONFIG:
    case REQ_THREAD_DUMP:
    case REQ_STDOUT:
        if (process_request(ui, v, req))
            return UI_REDRAW;
        if (v->ops != &view_job && v->ops != &view_jvm && v->ops != &view_logs &&
            v->ops != &view_config) {
            ui_flash(ui, UI_FLASH_INFO, "%s: on a job's screen (Enter on a job)", keymap_name(req));
            return UI_REDRAW;
        }
        break;
    case REQ_OPEN: /* on a task manager: its memory and JVM */
        if (v->ops == &view_job && view_job_selected_tm(v))
            return process_request(ui, v, REQ_JVM);
        break;
    case REQ_FLEET:
        return switch_root(ui);
    case REQ_OPERATIONS: /* one operations screen at a time, like alerts */
        if (ui->app->ops == NULL) {
            ui_flash(ui, UI_FLASH_INFO, "no operations in this session");
            return UI_REDRAW;
        }
        if (v->ops != &view_operations)
            push(ui, &view_operations, v->cluster, v->ops, NULL);
        return UI_REDRAW;
    default:
        if (action_request(req))
            return ui_action_request(ui, v, req);
        break;
    }
    if (v->ops->rows) {
        unsigned flags = table_key(&v->table, req, v->ops->rows, v);
        if (flags)
            return flags;
    }
    unsigned flags = v->ops->key ? v->ops->key(v, req, &open) : 0;
    if (open.ops) {
        push(ui, open.ops, open.cluster, v->ops, open.job_id);
        if (open.ops == &view_subtasks) /* the vertex the job screen's cursor is on */
            view_subtasks_start(top(ui), view_job_drill_vertex(v));
        struct view_open none = {NULL, -1, NULL, REQ_NONE};
        if (open.tab != REQ_NONE && top(ui)->ops->key)
            top(ui)->ops->key(top(ui), open.tab, &none);
    }
    return flags;
}

/* A click selects the table row under it, a double click opens it, the wheel moves. */
static unsigned mouse_event(struct ui *ui) {
    MEVENT ev;
    if (!ui->mouse || getmouse(&ev) != OK || ui->mode == MODE_COMMAND)
        return 0;
    unsigned flags = 0;
    enum request wheel = REQ_NONE;
    if (ev.bstate & BUTTON4_PRESSED)
        wheel = REQ_UP;
#ifdef BUTTON5_PRESSED
    if (ev.bstate & BUTTON5_PRESSED)
        wheel = REQ_DOWN;
#endif
    if (wheel != REQ_NONE) {
        for (int i = 0; i < WHEEL_ROWS; i++)
            flags |= handle_request(ui, wheel);
        return flags;
    }
    if (!(ev.bstate & (BUTTON1_CLICKED | BUTTON1_DOUBLE_CLICKED)))
        return 0;
    struct table_filter f;
    struct view *v = top(ui);
    if (!filter_target(v, &f) || f.t == NULL)
        return 0;
    filter_sync(&f);
    if (!table_click(f.t, ev.y, f.src, f.ctx))
        return 0;
    flags = UI_REDRAW;
    if ((ev.bstate & BUTTON1_DOUBLE_CLICKED) && ui->mode == MODE_NORMAL)
        flags |= handle_request(ui, REQ_OPEN);
    return flags;
}

static unsigned handle(struct ui *ui, int key, bool is_char) {
    if (!is_char && key == KEY_RESIZE) {
        ui_resize(ui);
        return UI_REDRAW;
    }
    /* a flash lasts until the next key; one made by this key stays */
    unsigned flags = ui->flash[0] ? UI_REDRAW : 0;
    ui->flash[0] = '\0';
    if (ui->flow) /* a question is open: nothing else may take the key */
        return flags | flow_key(ui, key, is_char);
    if (!is_char && key == KEY_MOUSE)
        return flags | mouse_event(ui);
    struct view *v = top(ui);
    /* The model may have been replaced since the last frame: rows first, then keys. */
    if (v->ops->rows)
        table_sync(&v->table, v->ops->rows, v);
    if (ui->mode == MODE_COMMAND)
        return flags | command_key(ui, key, is_char);
    if (ui->mode == MODE_FILTER) {
        struct table_filter f;
        if (filter_target(v, &f))
            return flags | prompt_key(ui, v, &f, key, is_char);
        ui->mode = MODE_NORMAL; /* the tab changed under it */
    }
    return flags | handle_request(ui, keymap_request(key, is_char));
}

unsigned ui_handle_key(struct ui *ui, int key) {
    /* Characters and KEY_* codes share the int; here a code in KEY_* range is a key. */
    return handle(ui, key, key < KEY_MIN || key > KEY_MAX);
}

unsigned ui_read_keys(struct ui *ui) {
    unsigned flags = 0;
    while (!(flags & UI_QUIT)) {
        wint_t ch;
        int r = wget_wch(stdscr, &ch);
        if (r == ERR)
            break;
        flags |= handle(ui, (int)ch, r == OK);
    }
    return flags;
}

void ui_resize(struct ui *ui) { ui->resized = true; }

void ui_draw(struct ui *ui) {
    WINDOW *win = stdscr;
    if (win == NULL)
        return;
    if (ui->resized) {
        clearok(curscr, TRUE); /* after a resize, repaint every cell once */
        ui->resized = false;
    }
    if (ui->app->mouse != ui->mouse_asked)
        mouse_apply(ui); /* a reload turned it on or off */
    table_new_frame();
    werase(win);
    int h, w;
    getmaxyx(win, h, w);
    if (h < UI_MIN_ROWS || w < UI_MIN_COLS) {
        bars_too_small(win, h, w, ui->ascii);
    } else {
        struct view *v = top(ui);
        if (v->ops->rows)
            table_sync(&v->table, v->ops->rows, v);
        char title[512];
        v->ops->title(v, title, sizeof title);
        bars_header(win, w, title, ui->app, ui->ascii);
        v->ops->draw(v, win, 1, h - 2, w);
        struct table_filter f;
        if (ui->mode == MODE_FILTER && !filter_target(v, &f))
            ui->mode = MODE_NORMAL;
        if (ui->flash[0] && ui->flash_ms == 0)
            ui->flash_ms = ui->app->now_ms; /* made before the first frame had a clock */
        int level;
        const char *flash = ui_flash_text(ui, &level);
        if (ui->mode == MODE_COMMAND)
            bars_cmdline(win, h - 1, w, &ui->cmd, ui->ascii);
        else if (ui->mode == MODE_FILTER)
            bars_prompt(win, h - 1, w, f.text, ui->ascii);
        else
            bars_status(win, h - 1, w, ui->app, v->cluster, v->job_id, ui->ascii, flash, level);
        if (ui->flow) /* over the screen, under nothing */
            dialog_draw(action_flow_dialog(ui->flow), win, h, w, ui->ascii);
    }
    wnoutrefresh(win);
    doupdate();
}

int ui_focus_cluster(const struct ui *ui) { return ui->stack[ui->depth - 1].cluster; }

const char *ui_focus_job(const struct ui *ui) {
    const struct view *v = &ui->stack[ui->depth - 1];
    return v->job_id[0] ? v->job_id : NULL;
}

/* The screen the user looks at: help is over another one and about it. */
static const struct view *shown(const struct ui *ui) {
    int d = ui->depth - 1;
    while (d > 0 && ui->stack[d].ops == &view_help)
        d--;
    return &ui->stack[d];
}

enum ui_focus_tab ui_focus_tab(const struct ui *ui) {
    const struct view *v = shown(ui);
    if (v->ops == &view_subtasks)
        return UI_FOCUS_DRILL;
    if (v->ops != &view_job)
        return UI_FOCUS_OTHER;
    switch (view_job_tab(v)) {
    case TAB_BACKPRESSURE:
        return UI_FOCUS_SUBTASKS;
    case TAB_TASKMANAGERS:
        return UI_FOCUS_TASKMANAGERS;
    case TAB_OVERVIEW:
        return UI_FOCUS_OVERVIEW;
    default:
        return UI_FOCUS_OTHER;
    }
}

const char *ui_focus_vertex(const struct ui *ui) { return view_subtasks_vertex(shown(ui)); }

void ui_clusters_on_screen(const struct ui *ui, bool *on, size_t n) {
    memset(on, 0, n * sizeof *on);
    const struct view *v = shown(ui);
    if (v->cluster >= 0) {
        if ((size_t)v->cluster < n)
            on[v->cluster] = true;
        return;
    }
    int (*row_cluster)(const struct view *, size_t) =
        v->ops == &view_clusters ? view_clusters_row_cluster
        : v->ops == &view_board  ? view_board_row_cluster
                                 : NULL;
    if (row_cluster == NULL)
        return;
    const struct table *t = &v->table;
    for (size_t i = t->top; i < t->n_rows && i < t->top + (size_t)(t->page > 0 ? t->page : 0);
         i++) {
        int ci = row_cluster(v, t->order[i]);
        if (ci >= 0 && (size_t)ci < n)
            on[ci] = true;
    }
}

size_t ui_jobs_on_screen(const struct ui *ui, int *clusters, const char **jobs, size_t max) {
    const struct view *v = shown(ui);
    bool board = v->ops == &view_board;
    if (!board && v->ops != &view_jobs)
        return 0;
    const struct cluster *c = board ? NULL : view_cluster(v);
    if (!board && c == NULL)
        return 0;
    const struct table *t = &v->table;
    size_t n = 0;
    for (size_t i = t->top;
         n < max && i < t->n_rows && i < t->top + (size_t)(t->page > 0 ? t->page : 0); i++) {
        size_t row = t->order[i];
        int ci = board ? view_board_row_cluster(v, row) : v->cluster;
        const char *id = board ? view_board_row_job(v, row)
                         : row < c->jobs.len ? c->jobs.items[row].id
                                             : NULL;
        if (ci < 0 || id == NULL || id[0] == '\0')
            continue;
        clusters[n] = ci;
        jobs[n++] = id;
    }
    return n;
}

void ui_selected_row(const struct ui *ui, int *cluster, const char **job) {
    *cluster = -1;
    *job = NULL;
    const struct view *v = shown(ui);
    size_t row;
    if (v->ops == &view_clusters) {
        *cluster = view_clusters_selected(v);
    } else if (v->ops == &view_board && table_selected(&v->table, &row)) {
        *cluster = view_board_row_cluster(v, row);
        *job = *cluster >= 0 ? view_board_row_job(v, row) : NULL;
    }
}
