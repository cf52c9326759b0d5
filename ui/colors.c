#include "colors.h"

#include <stdlib.h>

/* The theme in effect, and what colors_init was last asked for. */
static struct theme current;
static bool have_theme;
static bool started;
static bool want_color_last;

static attr_t attrs[ROLE_COUNT];

/* https://no-color.org: set and not empty means no colour. */
static bool no_color_env(void) {
    const char *v = getenv("NO_COLOR");
    return v != NULL && v[0] != '\0';
}

static attr_t to_curses(unsigned bits) {
    attr_t a = A_NORMAL;
    if (bits & THEME_BOLD)
        a |= A_BOLD;
    if (bits & THEME_DIM)
        a |= A_DIM;
    if (bits & THEME_ITALIC)
        a |= A_ITALIC;
    if (bits & THEME_UNDERLINE)
        a |= A_UNDERLINE;
    if (bits & THEME_REVERSE)
        a |= A_REVERSE;
    return a;
}

static void apply(void) {
    if (!have_theme) {
        theme_init_default(&current);
        have_theme = true;
    }
    for (int r = 0; r < ROLE_COUNT; r++)
        attrs[r] = to_curses(current.roles[r].mono);
    if (!want_color_last || no_color_env() || !has_colors() || start_color() == ERR)
        return;
    /* Default colours keep the user's terminal background; without them use black. */
    bool transparent = use_default_colors() == OK;
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct theme_style *s = &current.roles[r];
        short fg, bg;
        theme_style_colors(s, COLORS, &fg, &bg);
        if (fg < 0 && bg < 0) {
            attrs[r] = to_curses(s->attrs);
            continue;
        }
        if (!transparent) {
            fg = fg < 0 ? COLOR_WHITE : fg;
            bg = bg < 0 ? COLOR_BLACK : bg;
        }
        if (r + 1 < COLOR_PAIRS && init_pair((short)(r + 1), fg, bg) == OK)
            attrs[r] = COLOR_PAIR(r + 1) | to_curses(s->attrs);
    }
}

void colors_init(bool want_color) {
    want_color_last = want_color;
    started = true;
    apply();
}

void colors_set_theme(const struct theme *t) {
    if (t)
        current = *t;
    else
        theme_init_default(&current);
    have_theme = true;
    if (started)
        apply();
}

const char *colors_theme_name(void) { return have_theme ? current.name : "default"; }

attr_t colors_attr(enum color_role role) {
    if ((int)role < 0 || role >= ROLE_COUNT)
        return A_NORMAL;
    return attrs[role];
}

const char *colors_role_name(enum color_role role) { return theme_role_name(role); }
