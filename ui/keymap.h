/* Keys become requests before anything handles them (tig): one table of bindings, one
 * of requests with their help text. The help screen is printed from these same tables,
 * so what `?` says and what the keys do cannot drift apart. */
#ifndef FLINKTOP_KEYMAP_H
#define FLINKTOP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

/* id, help text */
#define UI_REQUESTS(X)                                                                             \
    X(REQ_UP, "move up")                                                                           \
    X(REQ_DOWN, "move down")                                                                       \
    X(REQ_PAGE_UP, "page up")                                                                      \
    X(REQ_PAGE_DOWN, "page down")                                                                  \
    X(REQ_TOP, "go to the first row")                                                              \
    X(REQ_BOTTOM, "go to the last row")                                                            \
    X(REQ_OPEN, "open: a cluster's jobs, a job's screen, an exception's trace")                    \
    X(REQ_FILTER, "filter rows by name, id or state (Enter keeps, Esc clears)")                    \
    X(REQ_SORT_PREV, "sort by the column to the left")                                             \
    X(REQ_SORT_NEXT, "sort by the column to the right")                                            \
    X(REQ_SORT_INVERT, "invert the sort order")                                                    \
    X(REQ_BACK, "clear the filter, else go back")                                                  \
    X(REQ_QUIT, "go back; quit on the clusters screen")                                            \
    X(REQ_HELP, "show or close this help")                                                         \
    X(REQ_ALERTS, "alerts: firing, pending and recently resolved")                                 \
    X(REQ_REPAINT, "repaint the whole terminal (after line noise)")                                \
    X(REQ_TAB_NEXT, "next tab")                                                                    \
    X(REQ_TAB_PREV, "previous tab")                                                                \
    X(REQ_TAB_OVERVIEW, "tab: overview (vertices, throughput chart)")                              \
    X(REQ_TAB_CHECKPOINTS, "tab: checkpoints")                                                     \
    X(REQ_TAB_BACKPRESSURE, "tab: backpressure heatmap")                                           \
    X(REQ_TAB_TASKMANAGERS, "tab: task managers")                                                  \
    X(REQ_TAB_EXCEPTIONS, "tab: exceptions")                                                       \
    X(REQ_TAB_KUBERNETES, "tab: Kubernetes (operator resource, pods, events)")                     \
    X(REQ_HEAT_METRIC, "heatmap: show busy instead of backpressured ratio, and back")

#define UI_REQUEST_ENUM(id, help) id,
enum request { REQ_NONE, UI_REQUESTS(UI_REQUEST_ENUM) REQ_COUNT };
#undef UI_REQUEST_ENUM

/* The request bound to a key as wget_wch returns it: is_char for a character (OK),
 * false for a KEY_* code (KEY_CODE_YES). The two ranges overlap, hence the flag.
 * REQ_NONE when unbound. */
enum request keymap_request(int key, bool is_char);
/* The keys bound to req as the user types them, e.g. "Up k"; into buf, returns buf. */
char *keymap_keys(enum request req, char *buf, size_t size);
/* The help text of req; a static string. */
const char *keymap_help(enum request req);

#endif
