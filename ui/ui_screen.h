/* What the lead and the tests need to know about the UI's terminal beyond ui.h: the
 * smallest screen it lays out, and a seam to run it on a curses SCREEN made by the
 * caller (tests: newterm() on /dev/null, then resizeterm()). */
#ifndef FLINKTOP_UI_SCREEN_H
#define FLINKTOP_UI_SCREEN_H

#include <curses.h>

#include "ui.h"

/* Below this the screen shows only "terminal too small (WxH, need 40x8)". */
#define UI_MIN_COLS 40
#define UI_MIN_ROWS 8

/* Like ui_start, on sp (made current with set_term). The caller owns sp: ui_stop and
 * ui_free leave it alone; the caller calls endwin() and delscreen(). Returns 0. */
int ui_start_screen(struct ui *ui, SCREEN *sp);

#endif
