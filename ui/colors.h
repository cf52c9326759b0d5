/* Colour roles: what a cell means (a failed state, stale data, the selection), not which
 * colour it is. The roles and their built-in look are declared once, in src/config/theme.h
 * (THEME_ROLES); a theme (a YAML file in themes/) restyles them by name. This file turns the theme
 * in effect into curses attributes, by what the terminal can show:
 *   256 colours or more: the theme's colours as given;
 *   8 or 16: the nearest of the basic colours (theme_color_fallback);
 *   none, or NO_COLOR set and not empty: each role's monochrome attributes only. */
#ifndef FLINKTOP_COLORS_H
#define FLINKTOP_COLORS_H

#include <curses.h>
#include <stdbool.h>

#include "theme.h"

/* After curses started: set up the pairs when want_color, the terminal has colours and
 * NO_COLOR is unset or empty; otherwise every role uses its plain attribute. Uses the
 * theme last given to colors_set_theme (the built-in default until then). */
void colors_init(bool want_color);
/* Use theme t (copied; NULL: the built-in default) from now on. Before colors_init it is
 * only remembered; after, the pairs are set up again at once, and the caller redraws the
 * whole screen (cells already drawn keep their old attributes until then). */
void colors_set_theme(const struct theme *t);
/* The name of the theme in effect ("default", "light"), for the header and status line;
 * borrowed, valid until the next colors_set_theme. */
const char *colors_theme_name(void);
/* The attribute (colour pair included) to draw a role with: a table lookup, per cell. */
attr_t colors_attr(enum color_role role);
/* The role's name as themes spell it; a static string. */
const char *colors_role_name(enum color_role role);

#endif
