/* The terminal console: ncurses screens over the application state (app.h).
 * The UI borrows the app; it never frees clusters. Handlers change UI state and return
 * flags; only ui_draw() touches the terminal. */
#ifndef FLINKTOP_UI_H
#define FLINKTOP_UI_H

#include <stdbool.h>

#include "app.h"

enum ui_flag {
    UI_REDRAW = 1 << 0,  /* something on screen changed */
    UI_QUIT = 1 << 1,    /* the user asked to quit */
    UI_REFETCH = 1 << 2, /* the view wants fresh data now (e.g. opened a cluster) */
};

struct ui;

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

/* The cluster whose jobs are on screen, or -1 on the clusters screen: the poller
 * refreshes its details first. */
int ui_focus_cluster(const struct ui *ui);
/* The id of the job whose screen is open, or NULL: its details are refreshed every
 * round. borrowed */
const char *ui_focus_job(const struct ui *ui);

#endif
