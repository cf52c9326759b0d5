#include "osc52.h"

#include "xalloc.h"

#include <string.h>

static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t osc52_base64(const unsigned char *in, size_t len, char *out) {
    size_t k = 0;
    size_t i = 0;
    for (; i + 2 < len; i += 3) {
        unsigned v = (unsigned)in[i] << 16 | (unsigned)in[i + 1] << 8 | in[i + 2];
        out[k++] = alphabet[v >> 18 & 63];
        out[k++] = alphabet[v >> 12 & 63];
        out[k++] = alphabet[v >> 6 & 63];
        out[k++] = alphabet[v & 63];
    }
    if (i < len) {
        unsigned v = (unsigned)in[i] << 16 | (i + 1 < len ? (unsigned)in[i + 1] << 8 : 0);
        out[k++] = alphabet[v >> 18 & 63];
        out[k++] = alphabet[v >> 12 & 63];
        out[k++] = i + 1 < len ? alphabet[v >> 6 & 63] : '=';
        out[k++] = '=';
    }
    out[k] = '\0';
    return k;
}

char *osc52_sequence(const char *text, size_t len, bool *cut) {
    bool was_cut = len > OSC52_MAX_TEXT;
    if (was_cut) {
        len = OSC52_MAX_TEXT;
        /* back off continuation bytes so the cut falls between characters */
        while (len > 0 && ((unsigned char)text[len] & 0xC0) == 0x80)
            len--;
    }
    if (cut)
        *cut = was_cut;
    static const char head[] = "\033]52;c;";
    size_t n = sizeof head - 1;
    char *s = xmalloc(n + 4 * ((len + 2) / 3) + 2);
    memcpy(s, head, n);
    n += osc52_base64((const unsigned char *)text, len, s + n);
    s[n++] = '\a';
    s[n] = '\0';
    return s;
}
