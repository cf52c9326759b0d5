/* Reading back a virtual screen (newterm on /dev/null) as text, for UI tests. */
#ifndef FLINKTOP_TEST_VSCREEN_H
#define FLINKTOP_TEST_VSCREEN_H

#include <stddef.h>

/* A 256-colour virtual terminal (newterm on /dev/null) of rows x cols with the colour
 * roles set up, as stdscr: 0, or -1 when curses cannot make it. vscreen_close ends it. */
int vscreen_open(int rows, int cols);
void vscreen_close(void);
/* Row y of stdscr as UTF-8 in buf, trailing blanks cut; returns buf. */
char *vscreen_row(int y, char *buf, size_t size);
/* The whole screen, rows joined by newlines. static: valid until the next call */
const char *vscreen_text(void);

#endif
