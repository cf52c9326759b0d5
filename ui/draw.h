/* Putting text into cells of a curses window: cut to fit (text.h), padded, aligned, in
 * one attribute. Callers never write past the width they give, so a long or
 * double-width name cannot spill into the next column or wrap a line. */
#ifndef FLINKTOP_DRAW_H
#define FLINKTOP_DRAW_H

#include <curses.h>
#include <stdbool.h>

enum draw_align { DRAW_LEFT, DRAW_RIGHT, DRAW_CENTER };

/* Fill cells [x, x+w) of row y with s in attr. Returns the cells s took (padding not
 * counted). Nothing is drawn when w <= 0. */
int draw_text(WINDOW *win, int y, int x, int w, const char *s, attr_t attr, enum draw_align align,
              bool ascii);
/* s wrapped at word boundaries into w cells from row y, at most max rows (a long line
 * breaks inside a word); returns the rows used. */
int draw_wrapped(WINDOW *win, int y, int x, int w, int max, const char *s, attr_t attr,
                 bool ascii);
/* Blank cells [x, x+w) of row y in attr. */
void draw_blank(WINDOW *win, int y, int x, int w, attr_t attr);

#endif
