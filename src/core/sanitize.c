#include "sanitize.h"

#include <stdbool.h>
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

/* The code point of the well-formed sequence at p, n bytes long. */
static unsigned long decode(const unsigned char *p, size_t n) {
    unsigned long cp = n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (p[i] & 0x3Fu);
    return cp;
}

/* Unicode general category Cf (format characters: bidi controls, zero-width characters,
 * the BOM, tags; Unicode 15), plus the line and paragraph separators, which some
 * terminals take as a line break. Sorted ranges. */
static const struct {
    unsigned long lo, hi;
} hidden[] = {
    {0x00AD, 0x00AD},   {0x0600, 0x0605},   {0x061C, 0x061C},   {0x06DD, 0x06DD},
    {0x070F, 0x070F},   {0x0890, 0x0891},   {0x08E2, 0x08E2},   {0x180E, 0x180E},
    {0x200B, 0x200F},   {0x2028, 0x202E},   {0x2060, 0x2064},   {0x2066, 0x206F},
    {0xFEFF, 0xFEFF},   {0xFFF9, 0xFFFB},   {0x110BD, 0x110BD}, {0x110CD, 0x110CD},
    {0x13430, 0x1343F}, {0x1BCA0, 0x1BCA3}, {0x1D173, 0x1D17A}, {0xE0001, 0xE0001},
    {0xE0020, 0xE007F},
};

static bool is_hidden(unsigned long cp) {
    for (size_t i = 0; i < sizeof hidden / sizeof hidden[0] && cp >= hidden[i].lo; i++)
        if (cp <= hidden[i].hi)
            return true;
    return false;
}

char *sanitize_strndup(const char *s, size_t len) {
    if (s == NULL)
        return NULL;
    const unsigned char *in = (const unsigned char *)s;
    /* a NUL (1 byte) becomes 3; everything else keeps or shrinks its size */
    char *out = xmalloc(3 * len + 1);
    size_t o = 0;
    size_t i = 0;
    static const char repl[] = SANITIZE_REPLACEMENT;
    while (i < len) {
        unsigned char b = in[i];
        if (b == 0x1B) {
            i += escape_len(in + i, len - i);
            continue;
        }
        if (b == 0) {
            memcpy(out + o, repl, sizeof repl - 1);
            o += sizeof repl - 1;
            i++;
            continue;
        }
        if (b < 0x80) {
            if (b >= 0x20 && b != 0x7F)
                out[o++] = (char)b; /* C0 controls and DEL are dropped */
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
        if (n >= 2 && is_hidden(decode(in + i, n))) {
            memcpy(out + o, repl, sizeof repl - 1); /* U+00AD grows by a byte */
            o += sizeof repl - 1;
            i += n;
            continue;
        }
        memcpy(out + o, in + i, n);
        o += n;
        i += n;
    }
    out[o] = '\0';
    /* kept for as long as the model holds it: give back the room kept for growth */
    return o + 1 < 3 * len + 1 ? xrealloc(out, o + 1) : out;
}

char *sanitize_strdup(const char *s) {
    if (s == NULL)
        return NULL;
    return sanitize_strndup(s, strlen(s));
}
