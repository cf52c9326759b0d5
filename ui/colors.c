#include "colors.h"

#include <stdlib.h>

struct role_default {
    const char *name;
    short fg, bg, fg256;
    attr_t attr, mono;
};

#define COLOR_ROLE_ROW(id, name, fg, bg, fg256, attr, mono)                                        \
    [id] = {name, fg, bg, fg256, attr, mono},
static const struct role_default defaults[ROLE_COUNT] = {COLOR_ROLES(COLOR_ROLE_ROW)};
#undef COLOR_ROLE_ROW

static attr_t attrs[ROLE_COUNT];

/* https://no-color.org: set and not empty means no colour. */
static bool no_color_env(void) {
    const char *v = getenv("NO_COLOR");
    return v != NULL && v[0] != '\0';
}

void colors_init(bool want_color) {
    for (int r = 0; r < ROLE_COUNT; r++)
        attrs[r] = defaults[r].mono;
    if (!want_color || no_color_env() || !has_colors() || start_color() == ERR)
        return;
    /* Default colours keep the user's terminal background; without them use black. */
    bool transparent = use_default_colors() == OK;
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct role_default *d = &defaults[r];
        short fg = COLORS >= 256 ? d->fg256 : d->fg;
        short bg = d->bg;
        if (fg < 0 && bg < 0) {
            attrs[r] = d->attr;
            continue;
        }
        if (!transparent) {
            fg = fg < 0 ? COLOR_WHITE : fg;
            bg = bg < 0 ? COLOR_BLACK : bg;
        }
        if (r + 1 < COLOR_PAIRS && init_pair((short)(r + 1), fg, bg) == OK)
            attrs[r] = COLOR_PAIR(r + 1) | d->attr;
    }
}

attr_t colors_attr(enum color_role role) {
    if ((int)role < 0 || role >= ROLE_COUNT)
        return A_NORMAL;
    return attrs[role];
}

const char *colors_role_name(enum color_role role) {
    if ((int)role < 0 || role >= ROLE_COUNT)
        return "default";
    return defaults[role].name;
}
