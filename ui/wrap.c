#include "wrap.h"

#include <string.h>
#include <wchar.h>

/* Bytes and cells of the character at s; an invalid or unprintable one is one of each
 * (drawing shows it as '?'). */
static size_t char_at(const char *s, size_t left, int *cells) {
    mbstate_t st;
    memset(&st, 0, sizeof st);
    wchar_t wc;
    size_t n = mbrtowc(&wc, s, left, &st);
    if (n == (size_t)-1 || n == (size_t)-2 || n == 0) {
        *cells = 1;
        return 1;
    }
    int w = wcwidth(wc);
    *cells = w < 0 ? 1 : w;
    return n;
}

size_t wrap_prefix(const char *s, size_t len, int cells, bool words, int *used) {
    size_t o = 0, last_space = 0;
    int w = 0, w_at_space = 0;
    while (o < len) {
        int cw;
        size_t n = char_at(s + o, len - o, &cw);
        if (w + cw > cells && o > 0)
            break;
        if (s[o] == ' ' && o > 0) {
            last_space = o + 1;
            w_at_space = w + cw;
        }
        o += n;
        w += cw;
        if (w >= cells && o < len && (s[o] != ' ' || !words))
            break;
    }
    if (words && o < len && s[o] != ' ' && last_space > 0) {
        o = last_space;
        w = w_at_space;
    }
    if (used)
        *used = w;
    return o;
}

int wrap_count(const char *s, int cells, bool words) {
    if (s == NULL || *s == '\0' || cells <= 0)
        return 0;
    int lines = 0;
    for (;;) {
        size_t n = strcspn(s, "\n");
        size_t o = 0;
        do {
            o += wrap_prefix(s + o, n - o, cells, words, NULL);
            while (words && o < n && s[o] == ' ')
                o++; /* a continuation line does not start with the space it broke at */
            lines++;
        } while (o < n);
        if (s[n] == '\0')
            return lines;
        s += n + 1;
    }
}
