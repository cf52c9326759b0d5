/* The lines around a screen: the header (name, version, screen title, clock), the
 * status bar (fleet, freshness, errors, key hint), the filter prompt in its place while
 * typing, and the whole-screen notice when the terminal is too small. */
#ifndef FLINKTOP_BARS_H
#define FLINKTOP_BARS_H

#include <curses.h>
#include <stdbool.h>

#include "app.h"

void bars_header(WINDOW *win, int w, const char *title, const struct app *app, bool ascii);
void bars_status(WINDOW *win, int y, int w, const struct app *app, bool ascii);
/* The filter being typed, with a block for the cursor. */
void bars_prompt(WINDOW *win, int y, int w, const char *filter, bool ascii);
/* Fills win with the notice, wrapped and centred as the size allows. */
void bars_too_small(WINDOW *win, int h, int w, bool ascii);

#endif
