#include "draw.h"

#include <stdio.h>
#include <string.h>

#include "text.h"
#include "wrap.h"

void draw_blank(WINDOW *win, int y, int x, int w, attr_t attr) {
    static const char spaces[] = "                                                                ";
    if (w <= 0 || wmove(win, y, x) == ERR)
        return;
    wattrset(win, (int)attr);
    while (w > 0) {
        int n = w < (int)sizeof spaces - 1 ? w : (int)sizeof spaces - 1;
        waddnstr(win, spaces, n);
        w -= n;
    }
}

int draw_text(WINDOW *win, int y, int x, int w, const char *s, attr_t attr, enum draw_align align,
              bool ascii) {
    if (w <= 0)
        return 0;
    char out[2048];
    int used = text_fit(s, w, ascii, out, sizeof out);
    int pad = w - used;
    int before = align == DRAW_RIGHT ? pad : align == DRAW_CENTER ? pad / 2 : 0;
    draw_blank(win, y, x, before, attr);
    if (used > 0 && wmove(win, y, x + before) != ERR) {
        wattrset(win, (int)attr);
        waddstr(win, out);
    }
    draw_blank(win, y, x + before + used, pad - before, attr);
    return used;
}

int draw_wrapped(WINDOW *win, int y, int x, int w, int max, const char *s, attr_t attr,
                 bool ascii) {
    int n = 0;
    size_t len = strlen(s);
    while (len > 0 && n < max && w > 0) {
        size_t take = wrap_prefix(s, len, w, true, NULL);
        char line[2048];
        snprintf(line, sizeof line, "%.*s", (int)take, s);
        draw_text(win, y + n, x, w, line, attr, DRAW_LEFT, ascii);
        n++;
        s += take;
        len -= take;
        while (len > 0 && *s == ' ') {
            s++;
            len--;
        }
    }
    return n;
}
