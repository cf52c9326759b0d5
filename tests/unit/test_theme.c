/* Themes: the shipped files load, errors point at file:line, colours fall back sensibly on
 * terminals with fewer colours, and themes are found where the man page says. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "theme.h"
#include "xalloc.h"

static const char *fixtures_dir(void) {
    const char *dir = getenv("FIXTURES");
    return dir && *dir ? dir : "tests/fixtures";
}

static int load_str(const char *text, struct theme *t, char *err, size_t errlen) {
    return theme_load_string(text, strlen(text), "t.yaml", t, err, errlen);
}

static void every_shipped_theme_loads_without_errors(void **state) {
    (void)state;
    static const char *const required[] = {"default", "light", "solarized-dark", "high-contrast",
                                           "monochrome"};
    bool seen[5] = {false};
    DIR *d = opendir("themes");
    assert_non_null(d);
    const struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL) {
        size_t len = strlen(e->d_name);
        if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
            continue;
        char *path = xasprintf("themes/%s", e->d_name);
        struct theme t;
        char err[2048] = "";
        if (theme_load(path, &t, err, sizeof err) != 0)
            fail_msg("%s: %s", path, err);
        assert_string_equal(err, "");
        assert_true(theme_name_valid(t.name));
        for (size_t i = 0; i < 5; i++)
            if (strcmp(t.name, required[i]) == 0)
                seen[i] = true;
        free(path);
        n++;
    }
    closedir(d);
    for (size_t i = 0; i < 5; i++)
        if (!seen[i])
            fail_msg("themes/%s.yaml is missing", required[i]);
    assert_true(n >= 5);
}

/* themes/default.yaml is the commented example: it must say what the code does. */
static void default_file_is_the_builtin_default(void **state) {
    (void)state;
    struct theme file, builtin;
    char err[1024];
    assert_int_equal(theme_load("themes/default.yaml", &file, err, sizeof err), 0);
    theme_init_default(&builtin);
    assert_string_equal(file.name, "default");
    for (int r = 0; r < ROLE_COUNT; r++) {
        const struct theme_style *a = &file.roles[r], *b = &builtin.roles[r];
        if (a->fg != b->fg || a->bg != b->bg || a->attrs != b->attrs || a->mono != b->mono)
            fail_msg("role %s differs from the built-in default", theme_role_name(r));
    }
}

static void other_themes_differ_from_the_default(void **state) {
    (void)state;
    static const char *const names[] = {"light", "solarized-dark", "high-contrast"};
    struct theme def;
    theme_init_default(&def);
    for (size_t i = 0; i < 3; i++) {
        char *path = xasprintf("themes/%s.yaml", names[i]);
        struct theme t;
        char err[1024];
        assert_int_equal(theme_load(path, &t, err, sizeof err), 0);
        int differ = 0;
        for (int r = 0; r < ROLE_COUNT; r++)
            differ += t.roles[r].fg != def.roles[r].fg || t.roles[r].bg != def.roles[r].bg;
        if (differ < ROLE_COUNT / 2)
            fail_msg("%s changes the colours of only %d roles", path, differ);
        free(path);
    }
}

/* Without colour the selection, titles, status bar and bad states must still stand out. */
static void monochrome_is_legible_without_any_colour(void **state) {
    (void)state;
    struct theme t;
    char err[1024];
    assert_int_equal(theme_load("themes/monochrome.yaml", &t, err, sizeof err), 0);
    for (int r = 0; r < ROLE_COUNT; r++) {
        assert_int_equal(t.roles[r].fg, THEME_DEFAULT_COLOR);
        assert_int_equal(t.roles[r].bg, THEME_DEFAULT_COLOR);
        assert_int_equal(t.roles[r].attrs, t.roles[r].mono);
    }
    static const enum color_role reversed[] = {ROLE_SELECTED, ROLE_TITLE, ROLE_STATUSBAR,
                                               ROLE_STATUSBAR_BAD, ROLE_TAB_ACTIVE};
    for (size_t i = 0; i < 5; i++)
        assert_true(t.roles[reversed[i]].mono & THEME_REVERSE);
    assert_true(t.roles[ROLE_STATE_BAD].mono & THEME_BOLD);
    assert_true(t.roles[ROLE_ERROR].mono & THEME_BOLD);
    assert_true(t.roles[ROLE_HEADER].mono & THEME_UNDERLINE);
    assert_int_not_equal(t.roles[ROLE_STATE_WARN].mono, THEME_NORMAL);
    /* and so is the built-in default's fallback */
    theme_init_default(&t);
    assert_true(t.roles[ROLE_SELECTED].mono & THEME_REVERSE);
    assert_true(t.roles[ROLE_STATUSBAR].mono & THEME_REVERSE);
    assert_true(t.roles[ROLE_STATE_BAD].mono & THEME_BOLD);
}

static void rrggbb_is_the_nearest_of_the_256_palette(void **state) {
    (void)state;
    assert_int_equal(theme_nearest_256("#ff0000"), 196);
    assert_int_equal(theme_nearest_256("#000000"), 16);
    assert_int_equal(theme_nearest_256("#FFFFFF"), 231);
    assert_int_equal(theme_nearest_256("#808080"), 244); /* grey ramp: 8 + 10 * 12 */
    assert_int_equal(theme_nearest_256("#5f87af"), 67);  /* exactly a cube colour */
    assert_int_equal(theme_nearest_256("#5a8ab0"), 67);  /* near it */
    assert_int_equal(theme_nearest_256("#002b36"), 234); /* solarized base03: a dark grey */
    assert_int_equal(theme_nearest_256("#12345"), -1);
    assert_int_equal(theme_nearest_256("#gg0000"), -1);
    assert_int_equal(theme_nearest_256(""), -1);

    struct theme t;
    char err[256];
    assert_int_equal(load_str("title: {fg: \"#ff0000\", bg: 17}\n", &t, err, sizeof err), 0);
    assert_int_equal(t.roles[ROLE_TITLE].fg, 196);
    assert_int_equal(t.roles[ROLE_TITLE].bg, 17);
}

static void colour_names_numbers_and_attributes(void **state) {
    (void)state;
    struct theme t;
    char err[256];
    assert_int_equal(load_str("title: {fg: bright-red, bg: default, attrs: bold underline}\n"
                              "header: {fg: 0, bg: 255, attrs: [italic, dim], mono: none}\n"
                              "state_ok: Bright-Green\n"
                              "dim: {attrs: none}\n",
                              &t, err, sizeof err),
                     0);
    assert_int_equal(t.roles[ROLE_TITLE].fg, 9);
    assert_int_equal(t.roles[ROLE_TITLE].bg, THEME_DEFAULT_COLOR);
    assert_int_equal(t.roles[ROLE_TITLE].attrs, THEME_BOLD | THEME_UNDERLINE);
    /* a field left out keeps the built-in default */
    assert_int_equal(t.roles[ROLE_TITLE].mono, THEME_REVERSE);
    assert_int_equal(t.roles[ROLE_HEADER].fg, 0);
    assert_int_equal(t.roles[ROLE_HEADER].bg, 255);
    assert_int_equal(t.roles[ROLE_HEADER].attrs, THEME_ITALIC | THEME_DIM);
    assert_int_equal(t.roles[ROLE_HEADER].mono, THEME_NORMAL);
    assert_int_equal(t.roles[ROLE_STATE_OK].fg, 10); /* the shorthand sets fg */
    assert_int_equal(t.roles[ROLE_DIM].attrs, THEME_NORMAL);
    /* a role left out keeps the built-in default */
    assert_int_equal(t.roles[ROLE_SELECTED].bg, THEME_CYAN);
    assert_string_equal(t.name, "t");
    /* an empty file is the default */
    assert_int_equal(load_str("# nothing\n", &t, err, sizeof err), 0);
    assert_int_equal(t.roles[ROLE_TITLE].bg, THEME_BLUE);
}

/* Every kind of mistake names the file and the line it is on. */
static void every_error_class_gives_file_and_line(void **state) {
    (void)state;
    char *path = xasprintf("%s/themes/errors.yaml", fixtures_dir());
    struct theme t;
    char err[4096];
    assert_int_equal(theme_load(path, &t, err, sizeof err), -1);
    static const char *const expected[] = {
        ":2: unknown role \"titel\" (did you mean \"title\"?)",
        ":3: header: fg: unknown colour \"purple\" (a colour name, 0-255 or #rrggbb)",
        ":4: selected: bg: unknown colour \"256\" (a colour name, 0-255 or #rrggbb)",
        ":5: state_ok: fg: unknown colour \"#12345\" (a colour name, 0-255 or #rrggbb)",
        ":6: state_warn: attrs: unknown attribute \"blink\" (bold, dim, italic, underline, "
        "reverse or none)",
        ":7: state_bad: unknown key \"colour\"",
        ":8: stale: a style such as {fg: red, attrs: [bold]}, got a list",
        ":9: error: mono: a list of attributes, got a map",
    };
    for (size_t i = 0; i < sizeof expected / sizeof expected[0]; i++) {
        char *line = xasprintf("%s%s", path, expected[i]);
        if (strstr(err, line) == NULL)
            fail_msg("missing \"%s\" in:\n%s", line, err);
        free(line);
    }
    /* on error the theme is the default, never half-applied */
    assert_int_equal(t.roles[ROLE_SELECTED].bg, THEME_CYAN);
    free(path);

    static const struct {
        const char *file, *want;
    } more[] = {
        {"duplicate.yaml", "duplicate.yaml:3: duplicate key \"title\" (first at line 1)"},
        {"syntax.yaml", "syntax.yaml:2: YAML syntax error"},
        {"list.yaml", "list.yaml:1: a theme is a map of role names to styles, got a list"},
    };
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++) {
        path = xasprintf("%s/themes/%s", fixtures_dir(), more[i].file);
        assert_int_equal(theme_load(path, &t, err, sizeof err), -1);
        if (strstr(err, more[i].want) == NULL)
            fail_msg("%s: expected \"%s\", got:\n%s", more[i].file, more[i].want, err);
        free(path);
    }
    assert_int_equal(theme_load("no/such/theme.yaml", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "no/such/theme.yaml"));
}

static void misspelt_colour_suggests_the_name(void **state) {
    (void)state;
    struct theme t;
    char err[512];
    assert_int_equal(load_str("\n\nheader: {fg: magneta}\n", &t, err, sizeof err), -1);
    assert_string_equal(err, "t.yaml:3: header: fg: unknown colour \"magneta\" (a colour name, "
                             "0-255 or #rrggbb) (did you mean \"magenta\"?)");
}

static void eight_colour_fallback_maps_sensibly(void **state) {
    (void)state;
    assert_int_equal(theme_color_fallback(THEME_RED, 8), THEME_RED);
    assert_int_equal(theme_color_fallback(9, 8), THEME_RED);      /* bright-red */
    assert_int_equal(theme_color_fallback(15, 8), THEME_WHITE);   /* bright-white */
    assert_int_equal(theme_color_fallback(196, 8), THEME_RED);    /* #ff0000 */
    assert_int_equal(theme_color_fallback(46, 8), THEME_GREEN);   /* #00ff00 */
    assert_int_equal(theme_color_fallback(21, 8), THEME_BLUE);    /* #0000ff */
    assert_int_equal(theme_color_fallback(208, 8), THEME_YELLOW); /* orange */
    assert_int_equal(theme_color_fallback(51, 8), THEME_CYAN);
    assert_int_equal(theme_color_fallback(201, 8), THEME_MAGENTA);
    assert_int_equal(theme_color_fallback(16, 8), THEME_BLACK);
    assert_int_equal(theme_color_fallback(234, 8), THEME_BLACK); /* dark grey */
    assert_int_equal(theme_color_fallback(252, 8), THEME_WHITE); /* light grey */
    assert_int_equal(theme_color_fallback(-1, 8), -1);
    /* 16 colours keep the bright ones */
    assert_int_equal(theme_color_fallback(9, 16), 9);
    assert_int_equal(theme_color_fallback(196, 16), 9);
    assert_int_equal(theme_color_fallback(244, 16), 8); /* mid grey: bright-black */
    /* 256 colours: as given */
    assert_int_equal(theme_color_fallback(208, 256), 208);
    assert_int_equal(theme_color_fallback(3, 256), 3);
}

/* Two greys that both become black must not turn text invisible. */
static void fallback_never_draws_text_in_its_background_colour(void **state) {
    (void)state;
    short fg, bg;
    struct theme_style dark = {.fg = 236, .bg = 234};
    theme_style_colors(&dark, 8, &fg, &bg);
    assert_int_equal(bg, THEME_BLACK);
    assert_int_equal(fg, THEME_WHITE);
    struct theme_style light = {.fg = 250, .bg = 255};
    theme_style_colors(&light, 8, &fg, &bg);
    assert_int_equal(bg, THEME_WHITE);
    assert_int_equal(fg, THEME_BLACK);
    theme_style_colors(&dark, 256, &fg, &bg);
    assert_int_equal(fg, 236);
    assert_int_equal(bg, 234);
    /* every shipped theme stays readable on 8 and 16 colours */
    static const char *const names[] = {"default", "light", "solarized-dark", "high-contrast",
                                        "monochrome"};
    for (size_t i = 0; i < 5; i++) {
        char *path = xasprintf("themes/%s.yaml", names[i]);
        struct theme t;
        char err[1024];
        assert_int_equal(theme_load(path, &t, err, sizeof err), 0);
        for (int r = 0; r < ROLE_COUNT; r++) {
            for (int nc = 8; nc <= 16; nc += 8) {
                theme_style_colors(&t.roles[r], nc, &fg, &bg);
                if (fg >= 0 && fg == bg)
                    fail_msg("%s: %s is colour %d on %d with %d colours", names[i],
                             theme_role_name(r), fg, bg, nc);
            }
        }
        free(path);
    }
}

static void role_names_round_trip(void **state) {
    (void)state;
    for (int r = 0; r < ROLE_COUNT; r++)
        assert_int_equal(theme_role_find(theme_role_name(r)), r);
    assert_int_equal(theme_role_find("nosuch"), -1);
    assert_string_equal(theme_role_name(ROLE_STATE_BAD), "state_bad");
}

static void theme_names_are_letters_digits_dash_underscore(void **state) {
    (void)state;
    assert_true(theme_name_valid("solarized-dark"));
    assert_true(theme_name_valid("my_theme2"));
    assert_false(theme_name_valid(""));
    assert_false(theme_name_valid("../etc/passwd"));
    assert_false(theme_name_valid("a b"));
    assert_false(theme_name_valid("light.yaml"));
    char path[256];
    assert_int_equal(theme_find("../themes/light", path, sizeof path), -1);
}

/* XDG_CONFIG_HOME at the fixtures' own config tree, HOME somewhere with no themes. */
static int with_xdg(void **state) {
    (void)state;
    char cwd[PATH_MAX];
    assert_non_null(getcwd(cwd, sizeof cwd));
    const char *fx = fixtures_dir();
    char *xdg =
        fx[0] == '/' ? xasprintf("%s/themes/xdg", fx) : xasprintf("%s/%s/themes/xdg", cwd, fx);
    setenv("XDG_CONFIG_HOME", xdg, 1);
    free(xdg);
    return 0;
}

static int without_xdg(void **state) {
    (void)state;
    unsetenv("XDG_CONFIG_HOME");
    return 0;
}

static void user_themes_come_first_then_the_source_tree(void **state) {
    (void)state;
    char path[4096];
    assert_int_equal(theme_find("custom", path, sizeof path), 0);
    assert_non_null(strstr(path, "/themes/xdg/flinktop/themes/custom.yaml"));
    /* the user's default.yaml wins over the shipped one */
    assert_int_equal(theme_find("default", path, sizeof path), 0);
    assert_non_null(strstr(path, "/themes/xdg/flinktop/themes/default.yaml"));
    /* the shipped ones are still found (installed, or ./themes of the source tree) */
    assert_int_equal(theme_find("solarized-dark", path, sizeof path), 0);
    assert_non_null(strstr(path, "themes/solarized-dark.yaml"));
    assert_int_equal(theme_find("nosuch", path, sizeof path), -1);

    struct theme t;
    char err[1024];
    assert_int_equal(theme_load_named("custom", &t, err, sizeof err), 0);
    assert_string_equal(t.name, "custom");
    assert_int_equal(t.roles[ROLE_STATE_OK].fg, 10);
    assert_int_equal(t.roles[ROLE_TITLE].bg, 54); /* #5f0087 */
    assert_int_equal(t.roles[ROLE_TITLE].attrs, THEME_BOLD | THEME_UNDERLINE);
    assert_int_equal(t.roles[ROLE_TITLE].mono, THEME_REVERSE | THEME_UNDERLINE);
}

static void theme_list_is_sorted_and_unique(void **state) {
    (void)state;
    size_t n = 0;
    char **names = theme_list(&n);
    assert_non_null(names);
    assert_null(names[n]);
    static const char *const want[] = {"custom", "default",    "high-contrast",
                                       "light",  "monochrome", "solarized-dark"};
    for (size_t i = 0; i < 6; i++) {
        size_t hits = 0;
        for (size_t k = 0; k < n; k++)
            hits += strcmp(names[k], want[i]) == 0;
        if (hits != 1)
            fail_msg("%s listed %zu times", want[i], hits);
    }
    for (size_t k = 1; k < n; k++)
        assert_true(strcmp(names[k - 1], names[k]) < 0);
    theme_list_free(names);
}

static void unknown_theme_names_the_ones_there_are(void **state) {
    (void)state;
    struct theme t;
    char err[1024];
    assert_int_equal(theme_load_named("nosuch", &t, err, sizeof err), -1);
    assert_non_null(strstr(err, "no theme \"nosuch\" (themes: "));
    assert_non_null(strstr(err, "light"));
    assert_non_null(strstr(err, "solarized-dark"));
    assert_string_equal(t.name, "default");
    assert_int_equal(theme_load_named("a/b", &t, err, sizeof err), -1);
    assert_string_equal(err, "theme \"a/b\": a theme name is letters, digits, - and _");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_shipped_theme_loads_without_errors),
        cmocka_unit_test(default_file_is_the_builtin_default),
        cmocka_unit_test(other_themes_differ_from_the_default),
        cmocka_unit_test(monochrome_is_legible_without_any_colour),
        cmocka_unit_test(rrggbb_is_the_nearest_of_the_256_palette),
        cmocka_unit_test(colour_names_numbers_and_attributes),
        cmocka_unit_test(every_error_class_gives_file_and_line),
        cmocka_unit_test(misspelt_colour_suggests_the_name),
        cmocka_unit_test(eight_colour_fallback_maps_sensibly),
        cmocka_unit_test(fallback_never_draws_text_in_its_background_colour),
        cmocka_unit_test(role_names_round_trip),
        cmocka_unit_test(theme_names_are_letters_digits_dash_underscore),
        cmocka_unit_test_setup_teardown(user_themes_come_first_then_the_source_tree, with_xdg,
                                        without_xdg),
        cmocka_unit_test_setup_teardown(theme_list_is_sorted_and_unique, with_xdg, without_xdg),
        cmocka_unit_test_setup_teardown(unknown_theme_names_the_ones_there_are, with_xdg,
                                        without_xdg),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
