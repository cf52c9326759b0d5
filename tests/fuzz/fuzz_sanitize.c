/* The sanitizer and its invariant: whatever comes in, what comes out is valid UTF-8 with
 * no C0/C1 control, DEL, NUL, bidi or other format character, and no longer than 3x.
 */
// seeds: jobs_overview.hostile_names.json jobs_overview.raw_control_bytes.json
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sanitize.h"

static unsigned long decode(const unsigned char *p, size_t n) {
    unsigned long cp = n == 2 ? p[0] & 0x1Fu : n == 3 ? p[0] & 0x0Fu : p[0] & 0x07u;
    for (size_t i = 1; i < n; i++)
        cp = (cp << 6) | (p[i] & 0x3Fu);
    return cp;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *out = sanitize_strndup(FUZZ_BODY, size);
    size_t n = strlen(out);
    if (n > 3 * size)
        abort();
    const unsigned char *p = (const unsigned char *)out;
    for (size_t i = 0; i < n;) {
        unsigned char b = p[i];
        size_t len = b < 0x80 ? 1 : b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3
                                                          : b >= 0xF0 && b <= 0xF4 ? 4 : 0;
        if (len == 0 || i + len > n)
            abort(); /* not a lead byte: invalid UTF-8 out */
        for (size_t k = 1; k < len; k++)
            if ((p[i + k] & 0xC0) != 0x80)
                abort();
        unsigned long cp = len == 1 ? b : decode(p + i, len);
        if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
            cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            abort(); /* overlong, surrogate, beyond Unicode */
        if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F))
            abort(); /* control */
        if ((cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069) || cp == 0x200E ||
            cp == 0x200F || cp == 0x061C || (cp >= 0x200B && cp <= 0x200D) || cp == 0xFEFF ||
            cp == 0x2028 || cp == 0x2029 || cp == 0x00AD)
            abort(); /* bidi, zero-width, format */
        i += len;
    }
    free(out);
    return 0;
}
