/* Themes: which colours and attributes each colour role is drawn with. The roles (what a
 * cell means: a failed state, stale data, the selection) are declared once, here, with the
 * built-in default look; ui/colors.c turns a theme into curses pairs. No curses in here:
 * colours are plain numbers (-1 the terminal's default, 0-255 the xterm palette) and
 * attributes are THEME_* bits, so themes load and test without a terminal.
 *
 * A theme file (themes/NAME.yaml; themes/default.yaml is the commented example) maps role
 * names to a style; roles and fields it leaves out keep the built-in default:
 *
 *   title:     {fg: white, bg: "#005f87", attrs: [bold], mono: [reverse]}
 *   state_bad: {fg: bright-red, attrs: bold}
 *
 * A colour is a name (black red green yellow blue magenta cyan white, bright-* of each,
 * default), a number 0-255, or "#rrggbb" (the nearest of the xterm 256 palette). attrs and
 * mono (the look without colour: NO_COLOR or a monochrome terminal) are a list or one
 * name of bold, dim, italic, underline, reverse, or none. Errors read like config errors:
 *   light.yaml:12: unknown role "titel" (did you mean "title"?)
 *   light.yaml:14: header: fg: unknown colour "purple" (a colour name, 0-255 or #rrggbb)
 *
 * Where a theme NAME is found (theme_find): $XDG_CONFIG_HOME/flinktop/themes/NAME.yaml
 * (else ~/.config/flinktop/themes), then FLINKTOP_DATADIR/themes (make install), then
 * ./themes (the source tree). A struct theme owns no memory: copy it, drop it. */
#ifndef FLINKTOP_THEME_H
#define FLINKTOP_THEME_H

#include <stdbool.h>
#include <stddef.h>

/* Basic colours, numbered as curses and the SGR 30-37 codes number them. */
#define THEME_DEFAULT_COLOR (-1)
#define THEME_BLACK 0
#define THEME_RED 1
#define THEME_GREEN 2
#define THEME_YELLOW 3
#define THEME_BLUE 4
#define THEME_MAGENTA 5
#define THEME_CYAN 6
#define THEME_WHITE 7

/* Attribute bits, and their names in theme files. */
#define THEME_ATTRS(X)                                                                             \
    X(THEME_BOLD, 1u << 0, "bold")                                                                 \
    X(THEME_DIM, 1u << 1, "dim")                                                                   \
    X(THEME_ITALIC, 1u << 2, "italic")                                                             \
    X(THEME_UNDERLINE, 1u << 3, "underline")                                                       \
    X(THEME_REVERSE, 1u << 4, "reverse")
#define THEME_ATTR_DEFINE(id, bit, name) id = bit,
enum theme_attr { THEME_NORMAL = 0, THEME_ATTRS(THEME_ATTR_DEFINE) };
#undef THEME_ATTR_DEFINE

/* id, name, fg, bg, attributes with colour, attributes without colour (mono).
 * The mono column alone must keep every screen legible: the selection, the title, the
 * status bar and bad states must stand out with reverse, bold and underline. */
#define THEME_ROLES(X)                                                                             \
    X(ROLE_DEFAULT, "default", -1, -1, THEME_NORMAL, THEME_NORMAL)                                 \
    X(ROLE_TITLE, "title", THEME_WHITE, THEME_BLUE, THEME_BOLD, THEME_REVERSE)                     \
    X(ROLE_HEADER, "header", THEME_CYAN, -1, THEME_BOLD, THEME_BOLD | THEME_UNDERLINE)             \
    X(ROLE_SELECTED, "selected", THEME_BLACK, THEME_CYAN, THEME_NORMAL, THEME_REVERSE)             \
    X(ROLE_STATE_OK, "state_ok", THEME_GREEN, -1, THEME_NORMAL, THEME_NORMAL)                      \
    X(ROLE_STATE_WARN, "state_warn", THEME_YELLOW, -1, THEME_BOLD, THEME_NORMAL)                   \
    X(ROLE_STATE_BAD, "state_bad", THEME_RED, -1, THEME_BOLD, THEME_BOLD)                          \
    X(ROLE_STALE, "stale", -1, -1, THEME_DIM, THEME_DIM)                                           \
    X(ROLE_ERROR, "error", THEME_RED, -1, THEME_BOLD, THEME_BOLD)                                  \
    X(ROLE_DIM, "dim", -1, -1, THEME_DIM, THEME_DIM)                                               \
    X(ROLE_STATUSBAR, "statusbar", THEME_BLACK, THEME_WHITE, THEME_NORMAL, THEME_REVERSE)          \
    X(ROLE_STATUSBAR_BAD, "statusbar_bad", THEME_WHITE, THEME_RED, THEME_BOLD,                     \
      THEME_REVERSE | THEME_BOLD)                                                                  \
    X(ROLE_TAB_ACTIVE, "tab_active", THEME_BLACK, THEME_CYAN, THEME_BOLD,                          \
      THEME_REVERSE | THEME_BOLD)                                                                  \
    X(ROLE_CHART_IN, "chart_in", THEME_CYAN, -1, THEME_NORMAL, THEME_NORMAL)                       \
    X(ROLE_CHART_OUT, "chart_out", THEME_MAGENTA, -1, THEME_NORMAL, THEME_NORMAL)                  \
    X(ROLE_HEAT_OK, "heat_ok", THEME_GREEN, -1, THEME_NORMAL, THEME_NORMAL)                        \
    X(ROLE_HEAT_LOW, "heat_low", THEME_YELLOW, -1, THEME_NORMAL, THEME_NORMAL)                     \
    X(ROLE_HEAT_HIGH, "heat_high", THEME_RED, -1, THEME_BOLD, THEME_BOLD)

#define THEME_ROLE_ENUM(id, name, fg, bg, attrs, mono) id,
enum color_role { THEME_ROLES(THEME_ROLE_ENUM) ROLE_COUNT };
#undef THEME_ROLE_ENUM

#define THEME_NAME_MAX 64

struct theme_style {
    short fg, bg;   /* THEME_DEFAULT_COLOR or 0-255 */
    unsigned attrs; /* THEME_* bits drawn with the colours */
    unsigned mono;  /* THEME_* bits drawn without colour */
};

struct theme {
    char name[THEME_NAME_MAX + 1]; /* "default" for the built-in one */
    struct theme_style roles[ROLE_COUNT];
};

/* The built-in default (what themes/default.yaml also says). */
void theme_init_default(struct theme *t);
/* The role's name as theme files spell it ("state_bad"); a static string. */
const char *theme_role_name(enum color_role role);
/* The role called name, or -1. */
int theme_role_find(const char *name);

/* Load a theme file over the built-in default into *out, named after the file (light.yaml
 * is "light"). Returns 0, or -1 with err holding every problem, one `file:line: what is
 * wrong` a line (*out then holds the built-in default). */
int theme_load(const char *path, struct theme *out, char *err, size_t errlen);
/* Same from memory; file names it in messages and gives it its name. */
int theme_load_string(const char *text, size_t len, const char *file, struct theme *out, char *err,
                      size_t errlen);

/* A theme name is [A-Za-z0-9_-]+, at most THEME_NAME_MAX bytes. */
bool theme_name_valid(const char *name);
/* The path of theme name on the search path into buf; 0, or -1 when the name is not valid
 * or no directory has it. */
int theme_find(const char *name, char *buf, size_t size);
/* theme_find, then theme_load: what --theme, the config's `theme:` and `:theme` call.
 * Returns 0, or -1 with one clear message in err ("no theme "nosuch" (themes: default,
 * light, ...)", or the file's errors). */
int theme_load_named(const char *name, struct theme *out, char *err, size_t errlen);
/* Every theme name on the search path, sorted, once each (for `:theme` completion).
 * returns owned: a NULL-terminated array of owned strings; free with theme_list_free. */
char **theme_list(size_t *n);
void theme_list_free(char **names);

/* "#rrggbb" (or "rrggbb") to the nearest colour of the xterm 256 palette (16-255, which
 * every 256-colour terminal agrees on); -1 when not a colour. */
int theme_nearest_256(const char *hex);
/* A colour (0-255) as shown on a terminal with ncolors colours: 256 and more as is; 16 to
 * 255: the nearest of the 16 basic colours; fewer: the nearest of the 8 (bright-red is
 * red). -1 stays -1. */
int theme_color_fallback(int color, int ncolors);
/* fg and bg for a terminal with ncolors: both through theme_color_fallback, and when that
 * makes them equal though they differed, fg becomes black or white, whichever reads on bg. */
void theme_style_colors(const struct theme_style *s, int ncolors, short *fg, short *bg);

#endif
