#include "cmdline.h"

#include <curses.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* What Tab offers first; `:quit` also runs but is left out so that `:q` is whole. */
static const char *const commands[] = {"ctx",    "ns",     "cluster", "job",   "theme",
                                       "alerts", "unlock", "lock",    "fleet", "q"};
static const bool takes_arg[] = {true, true, true, true, true, false, true, false, false, false};
#define N_COMMANDS (sizeof commands / sizeof commands[0])
_Static_assert(sizeof takes_arg / sizeof takes_arg[0] == N_COMMANDS, "one takes_arg a command");

#define MAX_CANDIDATES 512

const char *const *cmdline_commands(size_t *n) {
    *n = N_COMMANDS;
    return commands;
}

static bool is_blank(char ch) { return ch == ' ' || ch == '\t'; }

void cmdline_parse(const char *line, char *verb, size_t vsize, char *arg, size_t asize) {
    const char *p = line;
    while (is_blank(*p))
        p++;
    if (*p == ':')
        p++;
    while (is_blank(*p))
        p++;
    size_t n = 0;
    while (p[n] && !is_blank(p[n]))
        n++;
    snprintf(verb, vsize, "%.*s", (int)n, p);
    p += n;
    while (is_blank(*p))
        p++;
    n = strlen(p);
    while (n > 0 && is_blank(p[n - 1]))
        n--;
    snprintf(arg, asize, "%.*s", (int)n, p);
}

void cmdline_init(struct cmdline *c) {
    memset(c, 0, sizeof *c);
    c->cycle = -1;
}

void cmdline_free(struct cmdline *c) {
    for (size_t i = 0; i < c->n_history; i++)
        free(c->history[i]);
    c->n_history = 0;
    c->hist_pos = 0;
}

void cmdline_open(struct cmdline *c) {
    c->text[0] = '\0';
    c->len = c->cur = 0;
    c->hint[0] = '\0';
    c->draft[0] = '\0';
    c->hist_pos = c->n_history;
    c->cycle = -1;
}

void cmdline_history_add(struct cmdline *c, const char *line) {
    char verb[CMDLINE_MAX], arg[CMDLINE_MAX];
    cmdline_parse(line, verb, sizeof verb, arg, sizeof arg);
    if (verb[0] == '\0')
        return;
    for (size_t i = 0; i < c->n_history; i++) {
        if (strcmp(c->history[i], line) != 0)
            continue;
        free(c->history[i]);
        memmove(&c->history[i], &c->history[i + 1], (c->n_history - i - 1) * sizeof(char *));
        c->n_history--;
        break;
    }
    if (c->n_history == CMDLINE_HISTORY) {
        free(c->history[0]);
        memmove(&c->history[0], &c->history[1], (CMDLINE_HISTORY - 1) * sizeof(char *));
        c->n_history--;
    }
    c->history[c->n_history++] = xstrdup(line);
    c->hist_pos = c->n_history;
}

/* ---- editing ---- */

static bool continuation(unsigned char b) { return (b & 0xC0) == 0x80; }

static size_t prev_char(const struct cmdline *c, size_t at) {
    if (at == 0)
        return 0;
    at--;
    while (at > 0 && continuation((unsigned char)c->text[at]))
        at--;
    return at;
}

static size_t next_char(const struct cmdline *c, size_t at) {
    if (at >= c->len)
        return c->len;
    at++;
    while (at < c->len && continuation((unsigned char)c->text[at]))
        at++;
    return at;
}

/* Remove bytes [from, to) of the line; the cursor goes to from. */
static void cut(struct cmdline *c, size_t from, size_t to) {
    memmove(c->text + from, c->text + to, c->len - to + 1);
    c->len -= to - from;
    c->cur = from;
}

static void set_text(struct cmdline *c, const char *s) {
    snprintf(c->text, sizeof c->text, "%s", s);
    c->len = strlen(c->text);
    /* a line cut by snprintf may end inside a character: drop that part */
    size_t end = c->len;
    while (end > 0 && continuation((unsigned char)c->text[end - 1]))
        end--;
    if (end > 0 && (unsigned char)c->text[end - 1] >= 0xC0) {
        unsigned char lead = (unsigned char)c->text[end - 1];
        size_t want = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
        if (c->len - (end - 1) < want)
            c->len = end - 1;
    }
    c->text[c->len] = '\0';
    c->cur = c->len;
}

/* UTF-8 of a code point; 0 when it is not one to put in a line. */
static size_t encode(uint32_t cp, char out[4]) {
    if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0) || cp > 0x10FFFF ||
        (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static void insert(struct cmdline *c, uint32_t cp) {
    char mb[4];
    size_t n = encode(cp, mb);
    if (n == 0 || c->len + n >= sizeof c->text)
        return;
    memmove(c->text + c->cur + n, c->text + c->cur, c->len - c->cur + 1);
    memcpy(c->text + c->cur, mb, n);
    c->len += n;
    c->cur += n;
}

static void history_move(struct cmdline *c, int dir) {
    if (dir < 0) {
        if (c->hist_pos == 0)
            return;
        if (c->hist_pos == c->n_history)
            snprintf(c->draft, sizeof c->draft, "%s", c->text);
        c->hist_pos--;
        set_text(c, c->history[c->hist_pos]);
    } else {
        if (c->hist_pos >= c->n_history)
            return;
        c->hist_pos++;
        set_text(c, c->hist_pos == c->n_history ? c->draft : c->history[c->hist_pos]);
    }
}

/* ---- completion ---- */

struct candidates {
    const char *items[MAX_CANDIDATES]; /* borrowed */
    size_t n;
    bool verbs; /* completing the command name */
};

/* Where the word being completed starts, and the candidates for it. */
static size_t find_candidates(const char *typed, const struct cmdline_words *words,
                              struct candidates *out) {
    out->n = 0;
    size_t start = 0;
    while (is_blank(typed[start]))
        start++;
    size_t verb_end = start;
    while (typed[verb_end] && !is_blank(typed[verb_end]))
        verb_end++;
    const char *const *list;
    size_t n_list = 0;
    size_t from;
    if (typed[verb_end] == '\0') { /* still on the command name */
        out->verbs = true;
        list = commands;
        n_list = N_COMMANDS;
        from = start;
    } else {
        out->verbs = false;
        char verb[CMDLINE_MAX];
        snprintf(verb, sizeof verb, "%.*s", (int)(verb_end - start), typed + start);
        from = verb_end;
        while (is_blank(typed[from]))
            from++;
        list = NULL;
        if (words && words->words)
            n_list = words->words(words->arg, verb, &list);
        if (list == NULL)
            n_list = 0;
    }
    const char *word = typed + from;
    size_t wl = strlen(word);
    for (size_t i = 0; i < n_list && out->n < MAX_CANDIDATES; i++) {
        if (list[i] == NULL || strncmp(list[i], word, wl) != 0)
            continue;
        bool dup = false;
        for (size_t j = 0; j < out->n && !dup; j++)
            dup = strcmp(out->items[j], list[i]) == 0;
        if (!dup)
            out->items[out->n++] = list[i];
    }
    return from;
}

/* Bytes the candidates share, never ending inside a character. */
static size_t common_prefix(const struct candidates *k) {
    size_t n = strlen(k->items[0]);
    for (size_t i = 1; i < k->n; i++) {
        size_t j = 0;
        while (j < n && k->items[i][j] == k->items[0][j])
            j++;
        n = j;
    }
    while (n > 0 && continuation((unsigned char)k->items[0][n]))
        n--;
    return n;
}

static void hint_of(struct cmdline *c, const struct candidates *k) {
    size_t used = 0;
    c->hint[0] = '\0';
    for (size_t i = 0; i < k->n; i++) {
        int w =
            snprintf(c->hint + used, sizeof c->hint - used, "%s%s", used ? "  " : "", k->items[i]);
        if (w < 0 || (size_t)w >= sizeof c->hint - used) {
            c->hint[used] = '\0';
            break;
        }
        used += (size_t)w;
    }
}

/* Replace the line from byte `from` with word (and a space after a whole command that
 * takes an argument). */
static void complete_with(struct cmdline *c, size_t from, const char *word, size_t wl, bool space) {
    char line[2 * CMDLINE_MAX];
    snprintf(line, sizeof line, "%.*s%.*s%s", (int)from, c->text, (int)wl, word, space ? " " : "");
    set_text(c, line);
}

static bool verb_takes_arg(const char *verb) {
    for (size_t i = 0; i < N_COMMANDS; i++)
        if (strcmp(commands[i], verb) == 0)
            return takes_arg[i];
    return false;
}

static void complete(struct cmdline *c, const struct cmdline_words *words) {
    struct candidates k;
    if (c->cycle >= 0) {
        /* Tab again with several candidates: the next one in turn */
        char typed[2 * CMDLINE_MAX];
        snprintf(typed, sizeof typed, "%.*s%s", (int)c->cycle_from, c->text, c->cycle_word);
        size_t from = find_candidates(typed, words, &k);
        if (k.n == 0) {
            c->cycle = -1;
            return;
        }
        const char *pick = k.items[(size_t)c->cycle % k.n];
        complete_with(c, from, pick, strlen(pick), k.verbs && verb_takes_arg(pick));
        c->cycle = (int)(((size_t)c->cycle + 1) % k.n);
        hint_of(c, &k);
        return;
    }
    c->cur = c->len; /* complete what is typed, whole */
    size_t from = find_candidates(c->text, words, &k);
    if (k.n == 0) {
        snprintf(c->hint, sizeof c->hint, "no match");
        return;
    }
    if (k.n == 1) {
        complete_with(c, from, k.items[0], strlen(k.items[0]),
                      k.verbs && verb_takes_arg(k.items[0]));
        c->hint[0] = '\0';
        return;
    }
    hint_of(c, &k);
    size_t common = common_prefix(&k);
    size_t typed = c->len - from;
    if (common > typed) {
        complete_with(c, from, k.items[0], common, false);
        return;
    }
    /* nothing more in common: Tab now goes through them one by one */
    snprintf(c->cycle_word, sizeof c->cycle_word, "%s", c->text + from);
    c->cycle_from = from;
    complete_with(c, from, k.items[0], strlen(k.items[0]), k.verbs && verb_takes_arg(k.items[0]));
    c->cycle = 1;
}

/* ---- keys ---- */

#define CTRL(ch) ((ch)&0x1F)

enum cmdline_result cmdline_key(struct cmdline *c, int key, bool is_char,
                                const struct cmdline_words *words) {
    bool tab = is_char && key == '\t';
    if (!tab) {
        c->cycle = -1;
        c->hint[0] = '\0';
    }
    if (is_char) {
        switch (key) {
        case 27:
            return CMDLINE_CANCEL;
        case '\n':
        case '\r':
            cmdline_history_add(c, c->text);
            return CMDLINE_RUN;
        case '\t':
            complete(c, words);
            return CMDLINE_EDITING;
        case 127:
        case CTRL('h'):
            if (c->len == 0)
                return CMDLINE_CANCEL;
            cut(c, prev_char(c, c->cur), c->cur);
            return CMDLINE_EDITING;
        case CTRL('d'):
            cut(c, c->cur, next_char(c, c->cur));
            return CMDLINE_EDITING;
        case CTRL('u'):
            cut(c, 0, c->cur);
            return CMDLINE_EDITING;
        case CTRL('w'): {
            size_t at = c->cur;
            while (at > 0 && is_blank(c->text[at - 1]))
                at--;
            while (at > 0 && !is_blank(c->text[at - 1]))
                at--;
            cut(c, at, c->cur);
            return CMDLINE_EDITING;
        }
        case CTRL('a'):
            c->cur = 0;
            return CMDLINE_EDITING;
        case CTRL('e'):
            c->cur = c->len;
            return CMDLINE_EDITING;
        case CTRL('b'):
            c->cur = prev_char(c, c->cur);
            return CMDLINE_EDITING;
        case CTRL('f'):
            c->cur = next_char(c, c->cur);
            return CMDLINE_EDITING;
        case CTRL('p'):
            history_move(c, -1);
            return CMDLINE_EDITING;
        case CTRL('n'):
            history_move(c, +1);
            return CMDLINE_EDITING;
        default:
            if (key >= 0)
                insert(c, (uint32_t)key);
            return CMDLINE_EDITING;
        }
    }
    switch (key) {
    case KEY_ENTER:
        cmdline_history_add(c, c->text);
        return CMDLINE_RUN;
    case KEY_BACKSPACE:
        if (c->len == 0)
            return CMDLINE_CANCEL;
        cut(c, prev_char(c, c->cur), c->cur);
        break;
    case KEY_DC:
        cut(c, c->cur, next_char(c, c->cur));
        break;
    case KEY_LEFT:
        c->cur = prev_char(c, c->cur);
        break;
    case KEY_RIGHT:
        c->cur = next_char(c, c->cur);
        break;
    case KEY_HOME:
        c->cur = 0;
        break;
    case KEY_END:
        c->cur = c->len;
        break;
    case KEY_UP:
        history_move(c, -1);
        break;
    case KEY_DOWN:
        history_move(c, +1);
        break;
    default:
        break;
    }
    return CMDLINE_EDITING;
}
