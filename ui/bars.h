/* The lines around a screen: the header (name, version, screen title, Kubernetes scope,
 * READ-ONLY, clock), the status bar (a flash message, fleet, freshness, errors, key
 * hint), the filter prompt or the command line in its place while typing, and the
 * whole-screen notice when the terminal is too small. */
#ifndef FLINKTOP_BARS_H
#define FLINKTOP_BARS_H

#include <curses.h>
#include <stdbool.h>

#include "app.h"

struct cmdline;

void bars_header(WINDOW *win, int w, const char *title, const struct app *app, bool ascii);
/* flash: a message to show first ("" or NULL none), level 0 info, 1 warn, 2 error.
 * cluster: the cluster on screen (its data's age is the one said), -1 every one in scope;
 * job_id: the job on screen (its endpoints count too), NULL or "" none. */
void bars_status(WINDOW *win, int y, int w, const struct app *app, int cluster,
                 const char *job_id, bool ascii, const char *flash, int level);
/* The command line being typed after its ':', the cursor as a reversed cell, and what
 * Tab found (or the keys) on the right. */
void bars_cmdline(WINDOW *win, int y, int w, const struct cmdline *c, bool ascii);
/* The filter being typed, with a block for the cursor. */
void bars_prompt(WINDOW *win, int y, int w, const char *filter, bool ascii);
/* Fills win with the notice, wrapped and centred as the size allows. */
void bars_too_small(WINDOW *win, int h, int w, bool ascii);

#endif
