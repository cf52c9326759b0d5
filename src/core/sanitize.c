#include "sanitize.h"

#include <string.h>

#include "xalloc.h"

/* Length of the well-formed UTF-8 sequence at p (at most n bytes available), or 0 when
 * the bytes there are not one. Follows the table in RFC 3629 section 4, so overlong
 * forms, surrogates (U+D800..U+DFFF) and code points above U+10FFFF are rejected. */
static size_t utf8_len(const unsigned char *p, size_t n) {
    unsigned char b = p[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* allowed range of the second byte */
    if (b >= 0xC2 && b <= 0xDF) {
        len = 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        len = 3;
        if (b == 0xE0)
            lo = 0xA0; /* overlong below U+0800 */
        else if (b == 0xED)
            hi = 0x9F; /* surrogates */
    } else if (b >= 0xF0 && b <= 0xF4) {
        len = 4;
        if (b == 0xF0)
            lo = 0x90; /* overlong below U+10000 */
        else if (b == 0xF4)
            hi = 0x8F; /* above U+10FFFF */
    } else {
        return 0; /* a continuation byte, C0/C1 (overlong), or F5..FF */
    }
    if (n < len)
        return 0;
    if (p[1] < lo || p[1] > hi)
        return 0;
    for (size_t i = 2; i < len; i++)
        if (p[i] < 0x80 || p[i] > 0xBF)
            return 0;
    return len;
}

/* Length of the escape sequence starting with ESC at p, so that a colour code or a
 * window-title change vanishes whole instead of leaving "[31m" behind: CSI runs to its
 * final byte, OSC/DCS/APC/PM/SOS strings to BEL or ST, anything else is ESC + one byte. */
static size_t escape_len(const unsigned char *p, size_t n) {
    if (n < 2)
        return n;
    size_t i = 2;
    switch (p[1]) {
    case '[':
        while (i < n && p[i] >= 0x20 && p[i] <= 0x3F)
            i++; /* parameters and intermediates */
        return i < n && p[i] >= 0x40 && p[i] <= 0x7E ? i + 1 : i;
    case ']':
    case 'P':
    case '_':
    case '^':
    case 'X':
        while (i < n && p[i] != 0x07 && !(p[i] == 0x1B && i + 1 < n && p[i + 1] == '\\'))
            i++;
        if (i < n)
            i += p[i] == 0x07 ? 1 : 2;
        return i;
    default:
        return p[1] >= 0x20 && p[1] <= 0x7E ? 2 : 1;
    }
}

char *sanitize_strndup(const char *s, size_t len) {
    if (s == NULL)
        return NULL;
    const unsigned char *in = (const unsigned char *)s;
    char *out = xmalloc(len + 1); /* the output never grows: it only drops or replaces */
    size_t o = 0;
    size_t i = 0;
    while (i < len) {
        unsigned char b = in[i];
        if (b == 0x1B) {
            i += escape_len(in + i, len - i);
            continue;
        }
        if (b < 0x80) {
            if (b >= 0x20 && b != 0x7F)
                out[o++] = (char)b; /* C0 controls, NUL and DEL are dropped */
            i++;
            continue;
        }
        size_t n = utf8_len(in + i, len - i);
        if (n == 0) {
            out[o++] = '?';
            i++;
            continue;
        }
        if (n == 2 && b == 0xC2 && in[i + 1] <= 0x9F) {
            i += n; /* C1 control U+0080..U+009F */
            continue;
        }
        memcpy(out + o, in + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    return out;
}

char *sanitize_strdup(const char *s) {
    if (s == NULL)
        return NULL;
    return sanitize_strndup(s, strlen(s));
}
