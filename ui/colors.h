/* Colour roles: what a cell means (a failed state, stale data, the selection), not which
 * colour it is. Declared once here; themes (later) override roles by name. Without
 * colour (no support, or NO_COLOR set) each role falls back to a plain attribute. */
#ifndef FLINKTOP_COLORS_H
#define FLINKTOP_COLORS_H

#include <curses.h>
#include <stdbool.h>

/* id, name, fg, bg, fg on 256-colour terminals, attributes with colour, without */
#define COLOR_ROLES(X)                                                                             \
    X(ROLE_DEFAULT, "default", -1, -1, -1, A_NORMAL, A_NORMAL)                                     \
    X(ROLE_TITLE, "title", COLOR_WHITE, COLOR_BLUE, COLOR_WHITE, A_BOLD, A_REVERSE)                \
    X(ROLE_HEADER, "header", COLOR_CYAN, -1, COLOR_CYAN, A_BOLD, A_BOLD | A_UNDERLINE)             \
    X(ROLE_SELECTED, "selected", COLOR_BLACK, COLOR_CYAN, COLOR_BLACK, A_NORMAL, A_REVERSE)        \
    X(ROLE_STATE_OK, "state_ok", COLOR_GREEN, -1, COLOR_GREEN, A_NORMAL, A_NORMAL)                 \
    X(ROLE_STATE_WARN, "state_warn", COLOR_YELLOW, -1, COLOR_YELLOW, A_BOLD, A_NORMAL)             \
    X(ROLE_STATE_BAD, "state_bad", COLOR_RED, -1, COLOR_RED, A_BOLD, A_BOLD)                       \
    X(ROLE_STALE, "stale", -1, -1, -1, A_DIM, A_DIM)                                               \
    X(ROLE_ERROR, "error", COLOR_RED, -1, COLOR_RED, A_BOLD, A_BOLD)                               \
    X(ROLE_DIM, "dim", -1, -1, -1, A_DIM, A_DIM)                                                   \
    X(ROLE_STATUSBAR, "statusbar", COLOR_BLACK, COLOR_WHITE, COLOR_BLACK, A_NORMAL, A_REVERSE)     \
    X(ROLE_STATUSBAR_BAD, "statusbar_bad", COLOR_WHITE, COLOR_RED, COLOR_WHITE, A_BOLD,            \
      A_REVERSE | A_BOLD)                                                                          \
    X(ROLE_TAB_ACTIVE, "tab_active", COLOR_BLACK, COLOR_CYAN, COLOR_BLACK, A_BOLD,                 \
      A_REVERSE | A_BOLD)                                                                          \
    X(ROLE_CHART_IN, "chart_in", COLOR_CYAN, -1, COLOR_CYAN, A_NORMAL, A_NORMAL)                   \
    X(ROLE_CHART_OUT, "chart_out", COLOR_MAGENTA, -1, COLOR_MAGENTA, A_NORMAL, A_NORMAL)           \
    X(ROLE_HEAT_OK, "heat_ok", COLOR_GREEN, -1, COLOR_GREEN, A_NORMAL, A_NORMAL)                   \
    X(ROLE_HEAT_LOW, "heat_low", COLOR_YELLOW, -1, COLOR_YELLOW, A_NORMAL, A_NORMAL)               \
    X(ROLE_HEAT_HIGH, "heat_high", COLOR_RED, -1, COLOR_RED, A_BOLD, A_BOLD)

#define COLOR_ROLE_ENUM(id, name, fg, bg, fg256, attr, mono) id,
enum color_role { COLOR_ROLES(COLOR_ROLE_ENUM) ROLE_COUNT };
#undef COLOR_ROLE_ENUM

/* After curses started: set up the pairs when want_color, the terminal has colours and
 * NO_COLOR is unset or empty; otherwise every role uses its plain attribute. */
void colors_init(bool want_color);
/* The attribute (colour pair included) to draw a role with. */
attr_t colors_attr(enum color_role role);
/* The role's name as themes spell it; a static string. */
const char *colors_role_name(enum color_role role);

#endif
