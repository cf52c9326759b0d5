#include "keymap.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "config.h"

#define KEYMAP_MAX 160 /* bindings in effect; defaults take ~50 */

struct binding {
    int key;
    bool is_char;  /* a character, not a KEY_* code */
    bool listed;   /* help shows it; false: an alias not worth listing (\r for Enter) */
    char name[16]; /* as help shows it: "Ctrl-R", "F2", "s" */
    enum request req;
};

#define CH(c, name, req)                                                                           \
    { c, true, true, name, req }
#define FN(k, name, req)                                                                           \
    { k, false, true, name, req }
#define ALIAS_CH(c, req)                                                                           \
    { c, true, false, "", req }
#define ALIAS_FN(k, req)                                                                           \
    { k, false, false, "", req }

/* DESIGN.md §4: the defaults, which tests rely on. KEY_F(1) is not a constant
 * expression everywhere, hence the table is filled in at run time from this one. */
static struct binding defaults[] = {
    FN(KEY_UP, "Up", REQ_UP),
    CH('k', "k", REQ_UP),
    FN(KEY_DOWN, "Down", REQ_DOWN),
    CH('j', "j", REQ_DOWN),
    FN(KEY_PPAGE, "PgUp", REQ_PAGE_UP),
    FN(KEY_NPAGE, "PgDn", REQ_PAGE_DOWN),
    CH('g', "g", REQ_TOP),
    FN(KEY_HOME, "Home", REQ_TOP),
    CH('G', "G", REQ_BOTTOM),
    FN(KEY_END, "End", REQ_BOTTOM),
    CH('\n', "Enter", REQ_OPEN),
    ALIAS_CH('\r', REQ_OPEN),
    ALIAS_FN(KEY_ENTER, REQ_OPEN),
    CH('/', "/", REQ_FILTER),
    CH('<', "<", REQ_SORT_PREV),
    CH('>', ">", REQ_SORT_NEXT),
    CH('I', "I", REQ_SORT_INVERT),
    CH(27, "Esc", REQ_BACK),
    CH('q', "q", REQ_QUIT),
    CH('?', "?", REQ_HELP),
    FN(0, "F1", REQ_HELP), /* KEY_F(1), set at run time */
    CH('!', "!", REQ_ALERTS),
    CH(':', ":", REQ_COMMAND),
    CH('o', "o", REQ_OPERATIONS),
    CH('F', "F", REQ_FLEET),
    CH(18, "Ctrl-R", REQ_RELOAD),
    CH(12, "Ctrl-L", REQ_REPAINT),
    CH('\t', "Tab", REQ_TAB_NEXT),
    FN(KEY_BTAB, "Shift-Tab", REQ_TAB_PREV),
    CH('1', "1", REQ_TAB_OVERVIEW),
    CH('2', "2", REQ_TAB_CHECKPOINTS),
    CH('3', "3", REQ_TAB_BACKPRESSURE),
    CH('4', "4", REQ_TAB_TASKMANAGERS),
    CH('5', "5", REQ_TAB_EXCEPTIONS),
    CH('6', "6", REQ_TAB_KUBERNETES),
    CH('7', "7", REQ_TAB_GRAPH),
    CH('y', "y", REQ_COPY),
    CH('l', "l", REQ_LOGS),
    CH('n', "n", REQ_NEXT_MATCH),
    CH('N', "N", REQ_PREV_MATCH),
    CH('E', "E", REQ_NEXT_ERROR),
    CH('w', "w", REQ_WRAP),
    CH('p', "p", REQ_LOG_PREVIOUS),
    CH('m', "m", REQ_JVM),
    CH('c', "c", REQ_CONFIG),
    CH('t', "t", REQ_THREAD_DUMP),
    CH('O', "O", REQ_STDOUT),
    CH('b', "b", REQ_HEAT_METRIC),
    CH('s', "s", REQ_SAVEPOINT),
    CH('S', "S", REQ_STOP),
    CH('C', "C", REQ_CANCEL),
    CH('r', "r", REQ_RESCALE),
    CH('R', "R", REQ_RESTART),
    CH('D', "D", REQ_REDEPLOY),
    CH('P', "P", REQ_PROFILE),
};
#define N_DEFAULTS (sizeof defaults / sizeof defaults[0])

static struct binding bindings[KEYMAP_MAX];
static size_t n_bindings;
static bool ready; /* bindings hold the defaults or what was applied over them */

#define UI_REQUEST_NAME(id, name, help) [id] = name,
static const char *const names[REQ_COUNT] = {UI_REQUESTS(UI_REQUEST_NAME)};
#undef UI_REQUEST_NAME
#define UI_REQUEST_HELP(id, name, help) [id] = help,
static const char *const helps[REQ_COUNT] = {UI_REQUESTS(UI_REQUEST_HELP)};
#undef UI_REQUEST_HELP
#define UI_REQUEST_LIST(id, name, help) name,
static const char *const action_names[] = {UI_REQUESTS(UI_REQUEST_LIST)};
#undef UI_REQUEST_LIST

void keymap_reset(void) {
    for (size_t i = 0; i < N_DEFAULTS; i++)
        if (defaults[i].req == REQ_HELP && !defaults[i].is_char)
            defaults[i].key = KEY_F(1);
    memcpy(bindings, defaults, sizeof defaults);
    n_bindings = N_DEFAULTS;
    ready = true;
}

static void ensure(void) {
    if (!ready)
        keymap_reset();
}

enum request keymap_request(int key, bool is_char) {
    ensure();
    for (size_t i = 0; i < n_bindings; i++)
        if (bindings[i].key == key && bindings[i].is_char == is_char)
            return bindings[i].req;
    return REQ_NONE;
}

char *keymap_keys(enum request req, char *buf, size_t size) {
    ensure();
    size_t used = 0;
    if (size > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < n_bindings; i++) {
        if (bindings[i].req != req || !bindings[i].listed)
            continue;
        int n = snprintf(buf + used, size - used, "%s%s", used ? " " : "", bindings[i].name);
        if (n < 0 || (size_t)n >= size - used)
            break;
        used += (size_t)n;
    }
    return buf;
}

const char *keymap_help(enum request req) {
    if ((int)req <= REQ_NONE || req >= REQ_COUNT)
        return "";
    return helps[req];
}

const char *keymap_name(enum request req) {
    if ((int)req <= REQ_NONE || req >= REQ_COUNT)
        return "";
    return names[req];
}

enum request keymap_action(const char *name) {
    for (int r = REQ_NONE + 1; name && r < REQ_COUNT; r++)
        if (strcmp(names[r], name) == 0)
            return (enum request)r;
    return REQ_NONE;
}

const char *const *keymap_action_names(size_t *n) {
    *n = sizeof action_names / sizeof action_names[0];
    return action_names;
}

/* ---- overrides ---- */

/* What one config key becomes: up to three bindings (Enter arrives as \n, \r or
 * KEY_ENTER, Backspace as KEY_BACKSPACE, DEL or ^H), the first one listed. */
struct keys_of {
    struct binding b[3];
    int n;
};

static void put(struct keys_of *k, int key, bool is_char, const char *name) {
    struct binding *b = &k->b[k->n];
    b->key = key;
    b->is_char = is_char;
    b->listed = k->n == 0;
    snprintf(b->name, sizeof b->name, "%s", k->n == 0 ? name : "");
    k->n++;
}

/* UTF-8 of a code point into buf (at least 5 bytes). */
static void utf8(unsigned cp, char *buf) {
    if (cp < 0x80) {
        buf[0] = (char)cp;
        buf[1] = '\0';
    } else if (cp < 0x800) {
        buf[0] = (char)(0xC0 | (cp >> 6));
        buf[1] = (char)(0x80 | (cp & 0x3F));
        buf[2] = '\0';
    } else if (cp < 0x10000) {
        buf[0] = (char)(0xE0 | (cp >> 12));
        buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[2] = (char)(0x80 | (cp & 0x3F));
        buf[3] = '\0';
    } else {
        buf[0] = (char)(0xF0 | (cp >> 18));
        buf[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
        buf[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
        buf[3] = (char)(0x80 | (cp & 0x3F));
        buf[4] = '\0';
    }
}

static void keys_of_spec(const struct config_keyspec *s, struct keys_of *k) {
    char name[16];
    k->n = 0;
    switch (s->kind) {
    case CONFIG_KEY_CHAR:
        utf8(s->code, name);
        put(k, (int)s->code, true, name);
        return;
    case CONFIG_KEY_CTRL: {
        /* ctrl-a is 1, ctrl-[ is Esc (27): the control code is the letter's low 5 bits */
        unsigned c = s->code >= 'a' && s->code <= 'z' ? s->code - 'a' + 'A' : s->code;
        snprintf(name, sizeof name, "Ctrl-%c", (char)c);
        put(k, (int)(c & 0x1F), true, name);
        return;
    }
    case CONFIG_KEY_FN:
        snprintf(name, sizeof name, "F%u", s->code);
        put(k, KEY_F((int)s->code), false, name);
        return;
    case CONFIG_KEY_NAMED:
        break;
    }
    switch ((enum config_key_name)s->code) {
    case CONFIG_KEYNAME_ENTER:
        put(k, '\n', true, "Enter");
        put(k, '\r', true, "");
        put(k, KEY_ENTER, false, "");
        break;
    case CONFIG_KEYNAME_ESC:
        put(k, 27, true, "Esc");
        break;
    case CONFIG_KEYNAME_TAB:
        put(k, '\t', true, "Tab");
        break;
    case CONFIG_KEYNAME_SHIFT_TAB:
        put(k, KEY_BTAB, false, "Shift-Tab");
        break;
    case CONFIG_KEYNAME_SPACE:
        put(k, ' ', true, "Space");
        break;
    case CONFIG_KEYNAME_BACKSPACE:
        put(k, KEY_BACKSPACE, false, "Backspace");
        put(k, 127, true, "");
        put(k, 8, true, "");
        break;
    case CONFIG_KEYNAME_DELETE:
        put(k, KEY_DC, false, "Del");
        break;
    case CONFIG_KEYNAME_INSERT:
        put(k, KEY_IC, false, "Ins");
        break;
    case CONFIG_KEYNAME_HOME:
        put(k, KEY_HOME, false, "Home");
        break;
    case CONFIG_KEYNAME_END:
        put(k, KEY_END, false, "End");
        break;
    case CONFIG_KEYNAME_PGUP:
        put(k, KEY_PPAGE, false, "PgUp");
        break;
    case CONFIG_KEYNAME_PGDN:
        put(k, KEY_NPAGE, false, "PgDn");
        break;
    case CONFIG_KEYNAME_UP:
        put(k, KEY_UP, false, "Up");
        break;
    case CONFIG_KEYNAME_DOWN:
        put(k, KEY_DOWN, false, "Down");
        break;
    case CONFIG_KEYNAME_LEFT:
        put(k, KEY_LEFT, false, "Left");
        break;
    case CONFIG_KEYNAME_RIGHT:
        put(k, KEY_RIGHT, false, "Right");
        break;
    default:
        break;
    }
}

static void unbind_where(bool (*match)(const struct binding *, const void *), const void *arg) {
    size_t k = 0;
    for (size_t i = 0; i < n_bindings; i++)
        if (!match(&bindings[i], arg))
            bindings[k++] = bindings[i];
    n_bindings = k;
}

static bool is_req(const struct binding *b, const void *arg) {
    return b->req == *(const enum request *)arg;
}

static bool is_key(const struct binding *b, const void *arg) {
    const struct binding *want = arg;
    return b->key == want->key && b->is_char == want->is_char;
}

int keymap_apply(const struct config_key *keys, size_t n, char *err, size_t errlen) {
    ensure();
    struct binding saved[KEYMAP_MAX];
    size_t n_saved = n_bindings;
    memcpy(saved, bindings, sizeof saved);
    if (errlen > 0)
        err[0] = '\0';
    /* First every listed action loses its keys, so that two keys for one action (a
     * list in the file) both stay. */
    for (size_t i = 0; i < n; i++) {
        enum request req = keymap_action(keys[i].action);
        if (req == REQ_NONE) {
            snprintf(err, errlen, "keys: unknown action \"%s\"", keys[i].action);
            goto fail;
        }
        unbind_where(is_req, &req);
    }
    for (size_t i = 0; i < n; i++) {
        struct keys_of k;
        keys_of_spec(&keys[i].spec, &k);
        if (k.n == 0) {
            snprintf(err, errlen, "keys: %s: \"%s\" is not a key", keys[i].action,
                     keys[i].key ? keys[i].key : "");
            goto fail;
        }
        for (int j = 0; j < k.n; j++) {
            unbind_where(is_key, &k.b[j]); /* a key has one meaning: it moves */
            if (n_bindings >= KEYMAP_MAX) {
                snprintf(err, errlen, "keys: more than %d bindings", KEYMAP_MAX);
                goto fail;
            }
            k.b[j].req = keymap_action(keys[i].action);
            bindings[n_bindings++] = k.b[j];
        }
    }
    return 0;
fail:
    memcpy(bindings, saved, sizeof saved);
    n_bindings = n_saved;
    return -1;
}
