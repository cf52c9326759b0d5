#include "osc52.h"

#include "base64.h"
#include "xalloc.h"

#include <string.h>

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
    n += base64_encode((const unsigned char *)text, len, s + n);
    s[n++] = '\a';
    s[n] = '\0';
    return s;
}
