#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <wchar.h>

#include "colors.h"
#include "vscreen.h"

static FILE *out_f, *in_f;
static SCREEN *sp;

int vscreen_open(int rows, int cols) {
    out_f = fopen("/dev/null", "w");
    in_f = fopen("/dev/null", "r");
    sp = out_f && in_f ? newterm("xterm-256color", out_f, in_f) : NULL;
    if (sp == NULL)
        return -1;
    set_term(sp);
    resizeterm(rows, cols);
    colors_init(true);
    return 0;
}

void vscreen_close(void) {
    endwin();
    if (sp)
        delscreen(sp);
    if (out_f)
        fclose(out_f);
    if (in_f)
        fclose(in_f);
    sp = NULL;
    out_f = in_f = NULL;
}

char *vscreen_row(int y, char *buf, size_t size) {
    wchar_t w[1024];
    buf[0] = '\0';
    int n = mvwinnwstr(stdscr, y, 0, w, (int)(sizeof w / sizeof w[0]) - 1);
    if (n == ERR)
        return buf;
    w[n] = L'\0';
    size_t len = wcstombs(buf, w, size - 1);
    if (len == (size_t)-1)
        len = 0;
    buf[len] = '\0';
    while (len > 0 && buf[len - 1] == ' ')
        buf[--len] = '\0';
    return buf;
}

const char *vscreen_text(void) {
    static char all[128 * 1024];
    size_t used = 0;
    all[0] = '\0';
    for (int y = 0; y < LINES; y++) {
        char row[4096];
        vscreen_row(y, row, sizeof row);
        int n = snprintf(all + used, sizeof all - used, "%s\n", row);
        if (n < 0 || (size_t)n >= sizeof all - used)
            break;
        used += (size_t)n;
    }
    return all;
}
