#include "keymap.h"

#include <curses.h>
#include <stdio.h>
#include <string.h>

struct binding {
    int key;
    bool is_char;     /* a character, not a KEY_* code */
    const char *name; /* as help shows it; NULL: an alias not worth listing */
    enum request req;
};

#define CH(c, name, req)                                                                           \
    { c, true, name, req }
#define FN(k, name, req)                                                                           \
    { k, false, name, req }

/* DESIGN.md §4: the defaults, which tests rely on. */
static const struct binding bindings[] = {
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
    CH('\r', NULL, REQ_OPEN),
    FN(KEY_ENTER, NULL, REQ_OPEN),
    CH('/', "/", REQ_FILTER),
    CH('<', "<", REQ_SORT_PREV),
    CH('>', ">", REQ_SORT_NEXT),
    CH('I', "I", REQ_SORT_INVERT),
    CH(27, "Esc", REQ_BACK),
    CH('q', "q", REQ_QUIT),
    CH('?', "?", REQ_HELP),
    FN(KEY_F(1), "F1", REQ_HELP),
    CH('!', "!", REQ_ALERTS),
    CH(12, "Ctrl-L", REQ_REPAINT),
    CH('\t', "Tab", REQ_TAB_NEXT),
    FN(KEY_BTAB, "Shift-Tab", REQ_TAB_PREV),
    CH('1', "1", REQ_TAB_OVERVIEW),
    CH('2', "2", REQ_TAB_CHECKPOINTS),
    CH('3', "3", REQ_TAB_BACKPRESSURE),
    CH('4', "4", REQ_TAB_TASKMANAGERS),
    CH('5', "5", REQ_TAB_EXCEPTIONS),
    CH('6', "6", REQ_TAB_KUBERNETES),
    CH('b', "b", REQ_HEAT_METRIC),
};

#define UI_REQUEST_HELP(id, help) [id] = help,
static const char *const helps[REQ_COUNT] = {UI_REQUESTS(UI_REQUEST_HELP)};
#undef UI_REQUEST_HELP

enum request keymap_request(int key, bool is_char) {
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++)
        if (bindings[i].key == key && bindings[i].is_char == is_char)
            return bindings[i].req;
    return REQ_NONE;
}

char *keymap_keys(enum request req, char *buf, size_t size) {
    size_t used = 0;
    if (size > 0)
        buf[0] = '\0';
    for (size_t i = 0; i < sizeof bindings / sizeof bindings[0]; i++) {
        if (bindings[i].req != req || bindings[i].name == NULL)
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
