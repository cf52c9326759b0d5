/* `?`: every key of the screen it was opened from and of every screen, the action keys
 * and the `:` commands, printed from the keymap in effect (the same tables the handlers
 * use, config overrides included), then what the colours mean. */
#include <stdio.h>
#include <string.h>

#include "draw.h"
#include "ui.h"
#include "view.h"

#define KEYS_CELLS 16
#define MAX_LINES 112

struct help_line {
    char keys[48];
    char text[96];
    enum color_role key_role;
    bool heading;
};

static void add(struct help_line *out, int *n, const char *keys, const char *text,
                enum color_role role, bool heading) {
    if (*n >= MAX_LINES)
        return;
    struct help_line *l = &out[(*n)++];
    snprintf(l->keys, sizeof l->keys, "%s", keys);
    snprintf(l->text, sizeof l->text, "%s", text);
    l->key_role = role;
    l->heading = heading;
}

static void add_keys(struct help_line *out, int *n, const enum request *reqs) {
    for (; *reqs != REQ_NONE; reqs++) {
        char keys[48];
        keymap_keys(*reqs, keys, sizeof keys);
        /* a config that gave its keys to other actions leaves this one without */
        add(out, n, keys[0] ? keys : "(no key)", keymap_help(*reqs),
            keys[0] ? ROLE_DEFAULT : ROLE_DIM, false);
    }
}

/* Beside view_global_keys: what every screen also answers. */
static const enum request more_keys[] = {REQ_COMMAND, REQ_OPERATIONS, REQ_RELOAD, REQ_NONE};
static const enum request action_keys[] = {REQ_SAVEPOINT, REQ_STOP,     REQ_CANCEL,  REQ_RESCALE,
                                           REQ_RESTART,   REQ_REDEPLOY, REQ_PROFILE, REQ_NONE};

static const char *const commands[][2] = {
    {":cluster NAME", "open that cluster's jobs"},
    {":job NAME|ID", "open that job's screen, on any cluster"},
    {":ctx NAME", "switch the kubeconfig context"},
    {":ns NAME|all", "one namespace, or all of them"},
    {":theme NAME", "switch the colour theme"},
    {":alerts", "the alerts screen"},
    {":q", "quit"},
    {"Tab Up Down", "complete; the commands typed before"},
};

static int build(const struct view *v, struct help_line *out) {
    int n = 0;
    if (v->under && v->under->help) {
        char heading[64];
        snprintf(heading, sizeof heading, "%s screen", v->under->name);
        add(out, &n, "", heading, ROLE_HEADER, true);
        add_keys(out, &n, v->under->help);
        add(out, &n, "", "", ROLE_DEFAULT, false);
    }
    add(out, &n, "", "Every screen", ROLE_HEADER, true);
    add_keys(out, &n, view_global_keys);
    add_keys(out, &n, more_keys);
    add(out, &n, "", "", ROLE_DEFAULT, false);
    add(out, &n, "", "Actions on the selected job", ROLE_HEADER, true);
    add_keys(out, &n, action_keys);
    add(out, &n, "", "", ROLE_DEFAULT, false);
    add(out, &n, "", "Command line", ROLE_HEADER, true);
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        add(out, &n, commands[i][0], commands[i][1], ROLE_DEFAULT, false);
    add(out, &n, "", "", ROLE_DEFAULT, false);
    add(out, &n, "", "Colours and marks", ROLE_HEADER, true);
    add(out, &n, "FAILED FAILING", "failed or failing: look here first", ROLE_STATE_BAD, false);
    add(out, &n, "RESTARTING", "in between (also CREATED, INITIALIZING, CANCELLING, RECONCILING)",
        ROLE_STATE_WARN, false);
    add(out, &n, "RUNNING", "running", ROLE_STATE_OK, false);
    add(out, &n, "FINISHED", "ended (also CANCELED, SUSPENDED)", ROLE_DIM, false);
    add(out, &n, "-", "not known (yet): never a made-up zero", ROLE_DEFAULT, false);
    add(out, &n, "stale 34s", "last good data, 34s old: the cluster stopped answering", ROLE_STALE,
        false);
    add(out, &n, "PAR/TASKS", "highest vertex parallelism / number of tasks", ROLE_DEFAULT, false);
    add(out, &n, "! name", "a critical alert fires on this cluster or job", ROLE_STATE_BAD, false);
    add(out, &n, "~ name", "a warning fires on it", ROLE_STATE_WARN, false);
    add(out, &n, "pending", "an alert whose condition holds, waiting out its for:", ROLE_DIM,
        false);
    add(out, &n, "resolved", "an alert that fired and cleared (kept for its history)", ROLE_DIM,
        false);
    add(out, &n, "HEALTH", "the fleet board's triage: failed, not checkpointing, backpressured, "
                           "restarting, healthy",
        ROLE_DEFAULT, false);
    return n;
}

static void help_title(struct view *v, char *buf, size_t size) {
    snprintf(buf, size, "Help: %s", v->under ? v->under->name : "keys");
}

static void help_draw(struct view *v, WINDOW *win, int y, int h, int w) {
    struct help_line lines[MAX_LINES];
    int n = build(v, lines);
    if (v->scroll > n - h)
        v->scroll = n - h;
    if (v->scroll < 0)
        v->scroll = 0;
    attr_t plain = colors_attr(ROLE_DEFAULT);
    /* Say there is more than fits, and where we are in it. */
    char where[48] = "";
    if (n > h)
        snprintf(where, sizeof where, "lines %d-%d of %d (j/k)", v->scroll + 1,
                 v->scroll + h < n ? v->scroll + h : n, n);
    int where_w = (int)strlen(where);
    for (int r = 0; r < h && v->scroll + r < n; r++) {
        const struct help_line *l = &lines[v->scroll + r];
        int lw = w; /* this line's room */
        if (r == 0 && where_w > 0 && w > where_w + 30) {
            draw_text(win, y, w - where_w - 1, where_w, where, colors_attr(ROLE_DIM), DRAW_LEFT,
                      v->ascii);
            lw = w - where_w - 2;
        }
        if (l->heading) {
            draw_text(win, y + r, 1, lw - 1, l->text, colors_attr(ROLE_HEADER), DRAW_LEFT,
                      v->ascii);
            continue;
        }
        draw_text(win, y + r, 2, KEYS_CELLS < lw - 2 ? KEYS_CELLS : lw - 2, l->keys,
                  colors_attr(l->key_role), DRAW_LEFT, v->ascii);
        int x = 2 + KEYS_CELLS + 1;
        draw_text(win, y + r, x, lw - x, l->text, plain, DRAW_LEFT, v->ascii);
    }
}

static unsigned help_key(struct view *v, enum request req, struct view_open *open) {
    (void)open;
    return view_scroll_key(v, req, MAX_LINES); /* draw clamps the bottom */
}

static const enum request help_help[] = {REQ_UP, REQ_DOWN, REQ_PAGE_UP, REQ_PAGE_DOWN, REQ_NONE};

const struct view_ops view_help = {
    "Help", NULL, NULL, help_title, help_draw, help_key, help_help, NULL,
};
