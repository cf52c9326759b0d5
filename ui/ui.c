/* The console: curses set-up and tear-down, keys to requests to the screen on top of a
 * small stack, and a frame drawn as header, screen, status bar with one doupdate(). */
#include "ui.h"

#include <langinfo.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <wchar.h>

#include "bars.h"
#include "colors.h"
#include "ui_screen.h"
#include "view.h"
#include "xalloc.h"

#define UI_MAX_VIEWS 8
#define ESC_DELAY_MS 25

struct ui {
    struct app *app; /* borrowed */
    bool ascii;
    bool prompt;  /* the filter prompt has the keyboard */
    bool resized; /* repaint every cell on the next draw */
    struct view stack[UI_MAX_VIEWS];
    int depth;
};

/* Process-wide because ui_stop() takes no argument (atexit, the xalloc fatal hook). */
static SCREEN *own_screen; /* made by ui_start, deleted by ui_free */
static bool in_curses;     /* ui_start ran and ui_stop has not */

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
    ui->prompt = false;
}

struct ui *ui_new(struct app *app) {
    struct ui *ui = xcalloc(1, sizeof *ui);
    ui->app = app;
    ui->ascii = app->ascii || !locale_is_utf8();
    push(ui, &view_clusters, -1, NULL, NULL);
    return ui;
}

void ui_free(struct ui *ui) {
    if (ui == NULL)
        return;
    while (ui->depth > 1)
        pop(ui);
    view_done(&ui->stack[0]);
    if (own_screen) {
        ui_stop();
        delscreen(own_screen);
        own_screen = NULL;
    }
    free(ui);
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

/* While the prompt is open keys edit the filter; the table narrows as you type. */
static unsigned prompt_key(struct ui *ui, struct view *v, int key, bool is_char) {
    struct table *t = &v->table;
    size_t len = strlen(t->filter);
    if (is_char && key == 27) {
        t->filter[0] = '\0';
        ui->prompt = false;
    } else if ((is_char && (key == '\n' || key == '\r')) || (!is_char && key == KEY_ENTER)) {
        ui->prompt = false;
    } else if ((!is_char && key == KEY_BACKSPACE) || (is_char && (key == 127 || key == 8))) {
        if (len == 0)
            ui->prompt = false;
        while (len > 0 && ((unsigned char)t->filter[len - 1] & 0xC0) == 0x80)
            len--; /* continuation bytes of the last character */
        t->filter[len > 0 ? len - 1 : 0] = '\0';
    } else if (is_char && key == 21) { /* Ctrl-U */
        t->filter[0] = '\0';
    } else if (!is_char) {
        /* Arrows and pages still move through what the filter leaves. */
        return table_key(t, keymap_request(key, false), v->ops->rows, v);
    } else if (key >= ' ' && wcwidth((wchar_t)key) >= 0) {
        char mb[MB_LEN_MAX];
        mbstate_t st;
        memset(&st, 0, sizeof st);
        size_t n = wcrtomb(mb, (wchar_t)key, &st);
        if (n == (size_t)-1 || len + n >= sizeof t->filter)
            return 0;
        memcpy(t->filter + len, mb, n);
        t->filter[len + n] = '\0';
    } else {
        return 0;
    }
    table_sync(t, v->ops->rows, v);
    return UI_REDRAW;
}

static unsigned handle(struct ui *ui, int key, bool is_char) {
    if (!is_char && key == KEY_RESIZE) {
        ui_resize(ui);
        return UI_REDRAW;
    }
    struct view *v = top(ui);
    /* The model may have been replaced since the last frame: rows first, then keys. */
    if (v->ops->rows)
        table_sync(&v->table, v->ops->rows, v);
    if (ui->prompt && v->ops->rows)
        return prompt_key(ui, v, key, is_char);
    enum request req = keymap_request(key, is_char);
    struct view_open open = {NULL, -1, NULL};
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
            return UI_QUIT;
        pop(ui);
        return UI_REDRAW;
    case REQ_BACK: /* Esc never quits: it is the key people press twice to be sure */
        if (v->ops->key && v->ops->key(v, req, &open) != 0)
            return UI_REDRAW;
        if (v->ops->rows && v->table.filter[0]) {
            v->table.filter[0] = '\0';
            table_sync(&v->table, v->ops->rows, v);
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
        if (!v->ops->rows)
            return 0;
        ui->prompt = true;
        return UI_REDRAW;
    default:
        break;
    }
    if (v->ops->rows) {
        unsigned flags = table_key(&v->table, req, v->ops->rows, v);
        if (flags)
            return flags;
    }
    unsigned flags = v->ops->key ? v->ops->key(v, req, &open) : 0;
    if (open.ops)
        push(ui, open.ops, open.cluster, v->ops, open.job_id);
    return flags;
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
        if (ui->prompt)
            bars_prompt(win, h - 1, w, v->table.filter, ui->ascii);
        else
            bars_status(win, h - 1, w, ui->app, ui->ascii);
    }
    wnoutrefresh(win);
    doupdate();
}

int ui_focus_cluster(const struct ui *ui) { return ui->stack[ui->depth - 1].cluster; }

const char *ui_focus_job(const struct ui *ui) {
    const struct view *v = &ui->stack[ui->depth - 1];
    return v->job_id[0] ? v->job_id : NULL;
}
