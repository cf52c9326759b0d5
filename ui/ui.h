/* The terminal console: ncurses screens over the application state (app.h).
 * The UI borrows the app; it never frees clusters. Handlers change UI state and return
 * flags; only ui_draw() touches the terminal. */
#ifndef FLINKTOP_UI_H
#define FLINKTOP_UI_H

#include <stdbool.h>
#include <stddef.h>

#include "app.h"

enum ui_flag {
    UI_REDRAW = 1 << 0,  /* something on screen changed */
    UI_QUIT = 1 << 1,    /* the user asked to quit */
    UI_REFETCH = 1 << 2, /* the view wants fresh data now (e.g. opened a cluster) */
    UI_RELOAD = 1 << 3,  /* Ctrl-R: reload flinktop's own config (main does it) */
};

struct ui;
struct view;

/* What the command line cannot do by itself; main.c sets these (ui_set_hooks). Every
 * function may be NULL: the command then says it is not available. Strings passed in
 * are borrowed for the call. */
struct ui_hooks {
    void *arg;
    /* :theme NAME. 0 done, else -1 with one line in err. */
    int (*theme)(void *arg, const char *name, char *err, size_t errlen);
    /* :ctx NAME (context set, ns NULL: the context's own namespace scope), :ns NAME
     * (context NULL: the current one), :ns all (ns ""). 0 done (the UI goes back to
     * the clusters screen and asks for a refetch), else -1 with one line in err. */
    int (*scope)(void *arg, const char *context, const char *ns, char *err, size_t errlen);
    /* Tab completion of an argument: verb is "ctx", "ns" or "theme". *out: a borrowed
     * array of borrowed strings valid until the next call; returns how many. Cluster
     * and job names the UI finds itself; for ctx and ns, without this hook, it offers
     * what app->k8s knows. */
    size_t (*complete)(void *arg, const char *verb, const char ***out);
};

/* returns owned ui: free with ui_free. app is borrowed and must outlive the ui. */
struct ui *ui_new(struct app *app);
void ui_free(struct ui *ui);

/* Enter curses mode on the controlling terminal (initscr, cbreak, noecho, keypad,
 * nodelay, colours when available). Returns 0, or -1 when no terminal is usable. */
int ui_start(struct ui *ui);
/* Leave curses mode; idempotent and safe to call from atexit and the fatal hook. */
void ui_stop(void);

/* Drain every pending key (stdin is non-blocking in curses mode) and handle them.
 * Returns enum ui_flag bits. */
unsigned ui_read_keys(struct ui *ui);
/* Handle one key as returned by wget_wch (KEY_* codes and characters alike). */
unsigned ui_handle_key(struct ui *ui, int key);
/* The terminal was resized (SIGWINCH): re-lay out on the next draw. */
void ui_resize(struct ui *ui);
/* Draw the current screen: one doupdate(), only changed cells reach the terminal. */
void ui_draw(struct ui *ui);

/* Copy h (NULL: no hooks). */
void ui_set_hooks(struct ui *ui, const struct ui_hooks *h);

enum ui_flash_level { UI_FLASH_INFO, UI_FLASH_WARN, UI_FLASH_ERROR };
/* A message on the status bar, coloured by level (0 info, 1 warn, 2 error), until
 * UI_FLASH_MS pass (by app->now_ms) or the next key. Replaces an earlier one. The
 * caller redraws (main: mark the frame dirty). Control characters are dropped. */
#define UI_FLASH_MS 5000
void ui_flash(struct ui *ui, int level, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* The same from a view's key handler, which has its struct view only: flashes on the
 * ui whose stack holds v (nothing when none does). */
void ui_view_flash(const struct view *v, int level, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The flash on screen now ("" none) and its level: for tests and main. borrowed */
const char *ui_flash_text(const struct ui *ui, int *level);

/* The cluster whose jobs are on screen, or -1 on the clusters screen: the poller
 * refreshes its details first. */
int ui_focus_cluster(const struct ui *ui);
/* The id of the job whose screen is open, or NULL: its details are refreshed every
 * round. borrowed */
const char *ui_focus_job(const struct ui *ui);
/* What the job screen in view shows, so the poller asks only what it costs: per-subtask
 * values (the backpressure heatmap), the task managers, the overview (watermarks,
 * restarts), one vertex's subtasks, or anything else. */
enum ui_focus_tab {
    UI_FOCUS_OTHER,
    UI_FOCUS_SUBTASKS,
    UI_FOCUS_TASKMANAGERS,
    UI_FOCUS_OVERVIEW,
    UI_FOCUS_DRILL /* the subtasks of one vertex (ui_focus_vertex) */
};
enum ui_focus_tab ui_focus_tab(const struct ui *ui);
/* The vertex whose subtasks are on screen (UI_FOCUS_DRILL), NULL otherwise. borrowed */
const char *ui_focus_vertex(const struct ui *ui);
/* on[i] (i < n) set for each cluster with something on the screen in view as last drawn:
 * its own screen, or a row of the clusters screen or the board; the rest cleared. */
void ui_clusters_on_screen(const struct ui *ui, bool *on, size_t n);
/* The job rows of the board or a cluster's jobs screen as last drawn: up to max of them,
 * each as its cluster (clusters[i]) and job id (jobs[i], borrowed: valid until the model
 * changes). Returns how many; 0 on any other screen. */
size_t ui_jobs_on_screen(const struct ui *ui, int *clusters, const char **jobs, size_t max);
/* The row selected on the clusters screen (its cluster, *job NULL) or the board (a job
 * and its cluster): what an action key acts on. *cluster -1 when none. */
void ui_selected_row(const struct ui *ui, int *cluster, const char **job);

#endif
