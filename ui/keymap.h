/* Keys become requests before anything handles them (tig): one table of requests with
 * their action names (what `keys:` in the config calls them) and help text, and one
 * run-time table of bindings: the defaults of DESIGN.md §4, then the config's overrides.
 * The help screen is printed from these same tables, so what `?` says and what the keys
 * do cannot drift apart.
 *
 * The bindings are process-wide (one keyboard, one console): keymap_reset() puts the
 * defaults back, keymap_apply() lays overrides over what is in effect. */
#ifndef FLINKTOP_KEYMAP_H
#define FLINKTOP_KEYMAP_H

#include <stdbool.h>
#include <stddef.h>

struct config_key;

/* id, action name, help text */
#define UI_REQUESTS(X)                                                                             \
    X(REQ_UP, "up", "move up")                                                                     \
    X(REQ_DOWN, "down", "move down")                                                               \
    X(REQ_PAGE_UP, "page-up", "page up")                                                           \
    X(REQ_PAGE_DOWN, "page-down", "page down")                                                     \
    X(REQ_TOP, "top", "go to the first row")                                                       \
    X(REQ_BOTTOM, "bottom", "go to the last row")                                                  \
    X(REQ_OPEN, "open", "open: a cluster's jobs, a job, a vertex's subtasks, a trace")             \
    X(REQ_FILTER, "filter", "filter rows by name, id or state (Enter keeps, Esc clears)")          \
    X(REQ_SORT_PREV, "sort-prev", "sort by the column to the left")                                \
    X(REQ_SORT_NEXT, "sort-next", "sort by the column to the right")                               \
    X(REQ_SORT_INVERT, "sort-invert", "invert the sort order")                                     \
    X(REQ_BACK, "back", "clear the filter, else go back")                                          \
    X(REQ_QUIT, "quit", "go back; quit on the clusters screen")                                    \
    X(REQ_HELP, "help", "show or close this help")                                                 \
    X(REQ_ALERTS, "alerts", "alerts: firing, pending and recently resolved")                       \
    X(REQ_COMMAND, "command",                                                                      \
      "command line: :ctx :ns :cluster :job :theme :alerts :unlock 10m \"WHY\" :lock :q")          \
    X(REQ_OPERATIONS, "operations", "operations in flight and done")                               \
    X(REQ_FLEET, "fleet", "fleet board (every job, sickest first) or back to the clusters screen") \
    X(REQ_RELOAD, "reload", "reload flinktop's own config (also SIGHUP)")                          \
    X(REQ_REPAINT, "repaint", "repaint the whole terminal (after line noise)")                     \
    X(REQ_TAB_NEXT, "tab-next", "next tab")                                                        \
    X(REQ_TAB_PREV, "tab-prev", "previous tab")                                                    \
    X(REQ_TAB_OVERVIEW, "tab-overview",                                                            \
      "tab: overview (vertices, watermark lag, restarts and their causes, throughput chart)")      \
    X(REQ_TAB_CHECKPOINTS, "tab-checkpoints", "tab: checkpoints")                                  \
    X(REQ_TAB_BACKPRESSURE, "tab-backpressure", "tab: backpressure heatmap")                       \
    X(REQ_TAB_TASKMANAGERS, "tab-taskmanagers", "tab: task managers")                              \
    X(REQ_TAB_EXCEPTIONS, "tab-exceptions", "tab: exceptions")                                     \
    X(REQ_TAB_KUBERNETES, "tab-kubernetes", "tab: Kubernetes (operator resource, pods, events)")   \
    X(REQ_TAB_GRAPH, "tab-graph", "tab: the job graph (vertices top down, ship strategies)")      \
    X(REQ_COPY, "copy",                                                                            \
      "copy what is under the cursor (job id, checkpoint path, trace) to your clipboard")          \
    X(REQ_LOGS, "logs",                                                                            \
      "logs: the JobManager's, the selected task manager's or pod's; in the pager, read it again")\
    X(REQ_NEXT_MATCH, "next-match", "log pager: the next line that matches the search (/)")       \
    X(REQ_PREV_MATCH, "prev-match", "log pager: the previous line that matches the search")       \
    X(REQ_NEXT_ERROR, "next-error", "log pager: the next ERROR line or \"Caused by\"")            \
    X(REQ_WRAP, "wrap", "log pager: wrap long lines, or cut them")                                 \
    X(REQ_LOG_PREVIOUS, "log-previous",                                                            \
      "log pager: a pod's previous container (the one that died), and back")                       \
    X(REQ_JVM, "jvm", "memory and GC: the selected task manager's or the JobManager's")            \
    X(REQ_CONFIG, "config", "configuration: the JobManager's and the job's (/ filters)")           \
    X(REQ_THREAD_DUMP, "thread-dump", "thread dump: the selected task manager's or JobManager's")  \
    X(REQ_STDOUT, "stdout", "stdout: the selected task manager's or the JobManager's")             \
    X(REQ_HEAT_METRIC, "heat-metric",                                                              \
      "heatmap: show busy instead of backpressured ratio, and back")                               \
    X(REQ_SAVEPOINT, "savepoint", "trigger a savepoint of the job")                                \
    X(REQ_STOP, "stop", "stop the job with a savepoint")                                           \
    X(REQ_CANCEL, "cancel", "suspend (operator) or cancel the job")                                \
    X(REQ_RESCALE, "rescale", "rescale: change the job's parallelism")                             \
    X(REQ_RESTART, "restart", "restart the job's cluster")                                         \
    X(REQ_REDEPLOY, "redeploy", "redeploy from a savepoint or retained checkpoint")                \
    X(REQ_PROFILE, "profile", "apply a Flink configuration profile")

#define UI_REQUEST_ENUM(id, name, help) id,
enum request { REQ_NONE, UI_REQUESTS(UI_REQUEST_ENUM) REQ_COUNT };
#undef UI_REQUEST_ENUM

/* The request bound to a key as wget_wch returns it: is_char for a character (OK),
 * false for a KEY_* code (KEY_CODE_YES). The two ranges overlap, hence the flag.
 * REQ_NONE when unbound. */
enum request keymap_request(int key, bool is_char);
/* The keys bound to req as the user types them, e.g. "Up k"; "" when none is left.
 * Into buf, returns buf. */
char *keymap_keys(enum request req, char *buf, size_t size);
/* The help text of req; a static string ("" for REQ_NONE). */
const char *keymap_help(enum request req);
/* The action name of req ("page-up"); a static string ("" for REQ_NONE). */
const char *keymap_name(enum request req);
/* The request an action name stands for; REQ_NONE when there is none. */
enum request keymap_action(const char *name);
/* Every action name, *n of them: for config.known_actions. static */
const char *const *keymap_action_names(size_t *n);

/* Back to the defaults (a reload starts from them). */
void keymap_reset(void);
/* Lay the config's `keys:` over the bindings in effect: the keys listed for an action
 * replace all of its keys; a key another action had moves to this one. keys is
 * borrowed. Returns 0, or -1 with one line in err (an unknown action) and the bindings
 * as they were. */
int keymap_apply(const struct config_key *keys, size_t n, char *err, size_t errlen);

#endif
