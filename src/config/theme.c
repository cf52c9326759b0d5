#include "theme.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "xalloc.h"
#include "yaml_doc.h"

#ifndef FLINKTOP_DATADIR
#define FLINKTOP_DATADIR "/usr/local/share/flinktop"
#endif

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define WHAT_LEN 64

/* ---- roles ---- */

#define THEME_ROLE_ROW(id, name, fg, bg, attrs, mono) [id] = {fg, bg, attrs, mono},
static const struct theme_style builtin[ROLE_COUNT] = {THEME_ROLES(THEME_ROLE_ROW)};
#undef THEME_ROLE_ROW

#define THEME_ROLE_NAME(id, name, fg, bg, attrs, mono) [id] = name,
static const char *const role_names[ROLE_COUNT] = {THEME_ROLES(THEME_ROLE_NAME)};
#undef THEME_ROLE_NAME

void theme_init_default(struct theme *t) {
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "default");
    memcpy(t->roles, builtin, sizeof t->roles);
}

const char *theme_role_name(enum color_role role) {
    if ((int)role < 0 || role >= ROLE_COUNT)
        return "default";
    return role_names[role];
}

int theme_role_find(const char *name) {
    for (int r = 0; r < ROLE_COUNT; r++)
        if (strcmp(role_names[r], name) == 0)
            return r;
    return -1;
}

/* ---- colours ---- */

/* The xterm defaults of the 16 basic colours; terminals differ here, which is why
 * #rrggbb is only ever matched against 16-255. */
static const unsigned char basic_rgb[16][3] = {
    {0, 0, 0},     {205, 0, 0},     {0, 205, 0},     {205, 205, 0},   {0, 0, 238}, {205, 0, 205},
    {0, 205, 205}, {229, 229, 229}, {127, 127, 127}, {255, 0, 0},     {0, 255, 0}, {255, 255, 0},
    {92, 92, 255}, {255, 0, 255},   {0, 255, 255},   {255, 255, 255},
};

static void palette_rgb(int c, int rgb[3]) {
    static const int cube[6] = {0, 95, 135, 175, 215, 255};
    if (c < 16) {
        for (int i = 0; i < 3; i++)
            rgb[i] = basic_rgb[c][i];
    } else if (c < 232) {
        c -= 16;
        rgb[0] = cube[c / 36];
        rgb[1] = cube[(c / 6) % 6];
        rgb[2] = cube[c % 6];
    } else {
        rgb[0] = rgb[1] = rgb[2] = 8 + 10 * (c - 232);
    }
}

static long distance(const int a[3], const int b[3]) {
    long d = 0;
    for (int i = 0; i < 3; i++)
        d += (long)(a[i] - b[i]) * (a[i] - b[i]);
    return d;
}

/* The palette colour in [from, to) closest to rgb; the first of equals. */
static int nearest(const int rgb[3], int from, int to) {
    int best = from;
    long best_d = -1;
    for (int c = from; c < to; c++) {
        int p[3];
        palette_rgb(c, p);
        long d = distance(rgb, p);
        if (best_d < 0 || d < best_d) {
            best_d = d;
            best = c;
        }
    }
    return best;
}

static int hex_digit(char ch) {
    if (ch >= '0' && ch <= '9')
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return -1;
}

int theme_nearest_256(const char *hex) {
    if (hex[0] == '#')
        hex++;
    if (strlen(hex) != 6)
        return -1;
    int rgb[3];
    for (int i = 0; i < 3; i++) {
        int hi = hex_digit(hex[2 * i]), lo = hex_digit(hex[2 * i + 1]);
        if (hi < 0 || lo < 0)
            return -1;
        rgb[i] = hi * 16 + lo;
    }
    return nearest(rgb, 16, 256);
}

int theme_color_fallback(int color, int ncolors) {
    if (color < 0 || color > 255 || ncolors >= 256)
        return color < 0 || color > 255 ? -1 : color;
    if (ncolors >= 16) {
        if (color < 16)
            return color;
    } else if (color < 16) {
        return color % 8; /* bright-red is red */
    }
    int rgb[3];
    palette_rgb(color, rgb);
    return nearest(rgb, 0, ncolors >= 16 ? 16 : 8);
}

/* Dark backgrounds want white text, light ones black (ITU-R BT.601 luma). */
static bool is_dark(int color) {
    int rgb[3];
    palette_rgb(color, rgb);
    return 299 * rgb[0] + 587 * rgb[1] + 114 * rgb[2] < 128 * 1000;
}

void theme_style_colors(const struct theme_style *s, int ncolors, short *fg, short *bg) {
    int f = theme_color_fallback(s->fg, ncolors);
    int b = theme_color_fallback(s->bg, ncolors);
    if (f >= 0 && f == b && s->fg != s->bg) {
        bool dark = is_dark(b);
        f = ncolors >= 16 ? (dark ? 15 : 0) : (dark ? THEME_WHITE : THEME_BLACK);
    }
    *fg = (short)f;
    *bg = (short)b;
}

/* ---- reading a theme file ---- */

static const char *const color_names[] = {
    "black",        "red",           "green",       "yellow",         "blue",
    "magenta",      "cyan",          "white",       "bright-black",   "bright-red",
    "bright-green", "bright-yellow", "bright-blue", "bright-magenta", "bright-cyan",
    "bright-white", "default",
};

#define THEME_ATTR_NAME(id, bit, name) name,
static const char *const attr_names[] = {THEME_ATTRS(THEME_ATTR_NAME) "none"};
#undef THEME_ATTR_NAME
#define THEME_ATTR_BIT(id, bit, name) bit,
static const unsigned attr_bits[] = {THEME_ATTRS(THEME_ATTR_BIT) 0};
#undef THEME_ATTR_BIT

static const char *const style_keys[] = {"fg", "bg", "attrs", "mono"};

struct reader {
    const char *file;
    struct yaml_doc_errors errs;
};

#define ERR(r, node, ...) yaml_doc_error(&(r)->errs, (r)->file, (node)->line, __VA_ARGS__)

/* A colour name, 0-255 or #rrggbb; 0 or -1. */
static int parse_color(const char *s, short *out) {
    for (size_t i = 0; i < N_OF(color_names); i++) {
        if (strcasecmp(s, color_names[i]) == 0) {
            *out = (short)(i == 16 ? THEME_DEFAULT_COLOR : (int)i);
            return 0;
        }
    }
    if (s[0] == '#') {
        int c = theme_nearest_256(s);
        if (c < 0)
            return -1;
        *out = (short)c;
        return 0;
    }
    size_t n = strlen(s);
    if (n == 0 || n > 3 || strspn(s, "0123456789") != n)
        return -1;
    long v = strtol(s, NULL, 10);
    if (v > 255)
        return -1;
    *out = (short)v;
    return 0;
}

static void read_color(struct reader *r, const struct yaml_doc_node *n, const char *role,
                       const char *key, short *out) {
    char buf[WHAT_LEN];
    if (n->kind != YAML_DOC_SCALAR || parse_color(n->scalar, out) != 0) {
        const char *hint = n->kind == YAML_DOC_SCALAR && n->scalar[0] != '#'
                               ? yaml_doc_suggest(n->scalar, color_names, N_OF(color_names))
                               : NULL;
        ERR(r, n, "%s: %s: unknown colour %s (a colour name, 0-255 or #rrggbb)%s%s%s", role, key,
            yaml_doc_describe(n, buf, sizeof buf), hint ? " (did you mean \"" : "",
            hint ? hint : "", hint ? "\"?)" : "");
    }
}

/* One attribute name into *bits; 0 or -1 with the error reported. */
static int read_attr_word(struct reader *r, const struct yaml_doc_node *at, char *word,
                          const char *role, const char *key, unsigned *bits) {
    for (size_t i = 0; i < N_OF(attr_names); i++) {
        if (strcasecmp(word, attr_names[i]) == 0) {
            *bits |= attr_bits[i];
            return 0;
        }
    }
    struct yaml_doc_node tmp = *at;
    tmp.kind = YAML_DOC_SCALAR;
    tmp.scalar = word; /* borrowed, for yaml_doc_describe only */
    char buf[WHAT_LEN];
    const char *hint = yaml_doc_suggest(word, attr_names, N_OF(attr_names));
    ERR(r, at, "%s: %s: unknown attribute %s (bold, dim, italic, underline, reverse or none)%s%s%s",
        role, key, yaml_doc_describe(&tmp, buf, sizeof buf), hint ? " (did you mean \"" : "",
        hint ? hint : "", hint ? "\"?)" : "");
    return -1;
}

/* attrs: a list of names, or one scalar of names split by spaces, commas or '|'. */
static void read_attrs(struct reader *r, const struct yaml_doc_node *n, const char *role,
                       const char *key, unsigned *out) {
    unsigned bits = 0;
    bool ok = true;
    char buf[WHAT_LEN];
    if (n->kind == YAML_DOC_SEQ) {
        for (size_t i = 0; i < n->len; i++) {
            const struct yaml_doc_node *it = &n->items[i];
            if (it->kind != YAML_DOC_SCALAR) {
                ERR(r, it, "%s: %s: an attribute name, got %s", role, key,
                    yaml_doc_describe(it, buf, sizeof buf));
                ok = false;
            } else if (read_attr_word(r, it, it->scalar, role, key, &bits) != 0) {
                ok = false;
            }
        }
    } else if (n->kind == YAML_DOC_SCALAR) {
        char *copy = xstrdup(n->scalar);
        for (char *w = copy; *w;) {
            size_t len = strcspn(w, " ,|");
            char *next = w[len] ? w + len + 1 : w + len;
            w[len] = '\0';
            if (len > 0 && read_attr_word(r, n, w, role, key, &bits) != 0)
                ok = false;
            w = next;
        }
        free(copy);
    } else {
        ERR(r, n, "%s: %s: a list of attributes, got %s", role, key,
            yaml_doc_describe(n, buf, sizeof buf));
        ok = false;
    }
    if (ok)
        *out = bits;
}

static void read_role(struct reader *r, const struct yaml_doc_node *n, const char *role,
                      struct theme_style *st) {
    char buf[WHAT_LEN];
    if (yaml_doc_is_null(n)) {
        ERR(r, n, "%s: a style such as {fg: red, attrs: [bold]}, got nothing", role);
        return;
    }
    if (n->kind == YAML_DOC_SCALAR) { /* shorthand: "state_ok: green" sets fg */
        read_color(r, n, role, "fg", &st->fg);
        return;
    }
    if (n->kind != YAML_DOC_MAP) {
        ERR(r, n, "%s: a style such as {fg: red, attrs: [bold]}, got %s", role,
            yaml_doc_describe(n, buf, sizeof buf));
        return;
    }
    char prefix[THEME_NAME_MAX + 4];
    snprintf(prefix, sizeof prefix, "%s: ", role);
    yaml_doc_check_keys(r->file, n, style_keys, N_OF(style_keys), prefix, &r->errs);
    const struct yaml_doc_node *fg = yaml_doc_get(n, "fg"), *bg = yaml_doc_get(n, "bg");
    const struct yaml_doc_node *attrs = yaml_doc_get(n, "attrs"), *mono = yaml_doc_get(n, "mono");
    if (!yaml_doc_is_null(fg))
        read_color(r, fg, role, "fg", &st->fg);
    if (!yaml_doc_is_null(bg))
        read_color(r, bg, role, "bg", &st->bg);
    if (attrs)
        read_attrs(r, attrs, role, "attrs", &st->attrs);
    if (mono)
        read_attrs(r, mono, role, "mono", &st->mono);
}

static void read_theme(struct reader *r, const struct yaml_doc_node *root, struct theme *t) {
    char buf[WHAT_LEN];
    if (root == NULL || yaml_doc_is_null(root))
        return; /* an empty theme is the default */
    if (root->kind != YAML_DOC_MAP) {
        ERR(r, root, "a theme is a map of role names to styles, got %s",
            yaml_doc_describe(root, buf, sizeof buf));
        return;
    }
    yaml_doc_check_keys(r->file, root, NULL, 0, "", &r->errs); /* duplicates */
    for (size_t i = 0; i < root->len; i++) {
        const struct yaml_doc_node *k = &root->keys[i];
        int role = theme_role_find(k->scalar);
        if (role >= 0) {
            read_role(r, &root->items[i], role_names[role], &t->roles[role]);
            continue;
        }
        const char *hint = yaml_doc_suggest(k->scalar, role_names, ROLE_COUNT);
        ERR(r, k, "unknown role %s%s%s%s", yaml_doc_describe(k, buf, sizeof buf),
            hint ? " (did you mean \"" : "", hint ? hint : "", hint ? "\"?)" : "");
    }
}

/* "themes/light.yaml" -> "light" */
static void name_from_file(const char *file, char *name, size_t size) {
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strcspn(base, ".");
    snprintf(name, size, "%.*s", (int)n, base);
}

static int finish(struct reader *r, const struct yaml_doc *doc, struct theme *out, char *err,
                  size_t errlen) {
    theme_init_default(out);
    read_theme(r, doc->root, out);
    if (r->errs.n == 0 && r->errs.dropped == 0) {
        name_from_file(doc->file, out->name, sizeof out->name);
        yaml_doc_errors_free(&r->errs);
        return 0;
    }
    yaml_doc_errors_join(&r->errs, err, errlen);
    yaml_doc_errors_free(&r->errs);
    theme_init_default(out);
    return -1;
}

int theme_load_string(const char *text, size_t len, const char *file, struct theme *out, char *err,
                      size_t errlen) {
    struct yaml_doc doc;
    int rc = -1;
    theme_init_default(out);
    if (yaml_doc_load_string(text, len, file, &doc, err, errlen) == YAML_DOC_OK) {
        struct reader r = {.file = doc.file};
        rc = finish(&r, &doc, out, err, errlen);
    }
    yaml_doc_free(&doc);
    return rc;
}

int theme_load(const char *path, struct theme *out, char *err, size_t errlen) {
    struct yaml_doc doc;
    int rc = -1;
    theme_init_default(out);
    if (yaml_doc_load_file(path, &doc, err, errlen) == YAML_DOC_OK) {
        struct reader r = {.file = doc.file};
        rc = finish(&r, &doc, out, err, errlen);
    }
    yaml_doc_free(&doc);
    return rc;
}

/* ---- finding themes ---- */

bool theme_name_valid(const char *name) {
    size_t n = strlen(name);
    if (n == 0 || n > THEME_NAME_MAX)
        return false;
    return strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") == n;
}

#define THEME_DIRS 3

/* The search path, first wins; returns how many. Each entry owned: caller frees. */
static size_t theme_dirs(char *dirs[THEME_DIRS]) {
    size_t n = 0;
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    /* XDG: a relative XDG_CONFIG_HOME is invalid and ignored */
    if (xdg && xdg[0] == '/')
        dirs[n++] = xasprintf("%s/flinktop/themes", xdg);
    else if (home && home[0] != '\0')
        dirs[n++] = xasprintf("%s/.config/flinktop/themes", home);
    dirs[n++] = xstrdup(FLINKTOP_DATADIR "/themes");
    dirs[n++] = xstrdup("themes");
    return n;
}

static void dirs_free(char *dirs[THEME_DIRS], size_t n) {
    for (size_t i = 0; i < n; i++)
        free(dirs[i]);
}

int theme_find(const char *name, char *buf, size_t size) {
    if (!theme_name_valid(name))
        return -1;
    char *dirs[THEME_DIRS];
    size_t n = theme_dirs(dirs);
    int rc = -1;
    for (size_t i = 0; i < n && rc != 0; i++) {
        char *p = xasprintf("%s/%s.yaml", dirs[i], name);
        if (access(p, R_OK) == 0) {
            int w = snprintf(buf, size, "%s", p);
            if (w >= 0 && (size_t)w < size)
                rc = 0;
        }
        free(p);
    }
    dirs_free(dirs, n);
    return rc;
}

int theme_load_named(const char *name, struct theme *out, char *err, size_t errlen) {
    theme_init_default(out);
    if (!theme_name_valid(name)) {
        snprintf(err, errlen, "theme \"%.*s\": a theme name is letters, digits, - and _",
                 THEME_NAME_MAX, name);
        return -1;
    }
    char path[4096];
    if (theme_find(name, path, sizeof path) != 0) {
        size_t n = 0;
        char **names = theme_list(&n);
        char avail[512] = "";
        size_t used = 0;
        for (size_t i = 0; i < n && used < sizeof avail; i++) {
            int w = snprintf(avail + used, sizeof avail - used, "%s%s", i ? ", " : "", names[i]);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        theme_list_free(names);
        if (n > 0)
            snprintf(err, errlen, "no theme \"%s\" (themes: %s)", name, avail);
        else
            snprintf(err, errlen, "no theme \"%s\" (no themes installed)", name);
        return -1;
    }
    return theme_load(path, out, err, errlen);
}

static int cmp_names(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Most names theme_list returns: a directory of thousands is not a theme collection. */
#define THEME_LIST_MAX 256

char **theme_list(size_t *n_out) {
    char **names = xcalloc(THEME_LIST_MAX + 1, sizeof *names);
    size_t n = 0;
    char *dirs[THEME_DIRS];
    size_t nd = theme_dirs(dirs);
    for (size_t i = 0; i < nd; i++) {
        DIR *d = opendir(dirs[i]);
        if (d == NULL)
            continue;
        const struct dirent *e;
        while ((e = readdir(d)) != NULL && n < THEME_LIST_MAX) {
            size_t len = strlen(e->d_name);
            if (len <= 5 || strcmp(e->d_name + len - 5, ".yaml") != 0)
                continue;
            char *name = xstrndup(e->d_name, len - 5);
            bool dup = !theme_name_valid(name);
            for (size_t k = 0; k < n && !dup; k++)
                dup = strcmp(names[k], name) == 0;
            if (dup)
                free(name);
            else
                names[n++] = name;
        }
        closedir(d);
    }
    dirs_free(dirs, nd);
    qsort(names, n, sizeof *names, cmp_names);
    names[n] = NULL;
    if (n_out)
        *n_out = n;
    return names;
}

void theme_list_free(char **names) {
    if (names == NULL)
        return;
    for (size_t i = 0; names[i]; i++)
        free(names[i]);
    free(names);
}
