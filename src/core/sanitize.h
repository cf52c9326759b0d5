/* Strings from clusters are untrusted: before they are stored they pass through here,
 * so no control character or escape sequence can reach the terminal or a log. */
#ifndef FLINKTOP_SANITIZE_H
#define FLINKTOP_SANITIZE_H

#include <stddef.h>

/* The one glyph that stands for a character that must not reach a terminal but must not
 * vanish either: U+FFFD REPLACEMENT CHARACTER (the screen's --ascii mode shows it as '?',
 * as it does every non-ASCII character). */
#define SANITIZE_REPLACEMENT "\xef\xbf\xbd"

/* Returns an owned copy of the first len bytes of s:
 * - C0 controls other than NUL (including ESC and whole escape sequences, CR, LF, TAB),
 *   DEL and C1 controls (U+0080..U+009F) are removed;
 * - NUL, the bidi controls (U+200E, U+200F, U+202A..U+202E, U+2066..U+2069, U+061C),
 *   zero-width and every other format character (Unicode category Cf: U+00AD, U+200B..,
 *   U+2060.., U+FEFF, tags, ...) and the line/paragraph separators U+2028/U+2029 become
 *   SANITIZE_REPLACEMENT, so "invoice-<U+202E>gpj.exe" cannot pose as "invoice-exe.jpg"
 *   and a NUL neither cuts the string nor hides;
 * - each invalid UTF-8 byte becomes '?'.
 * Everything else that is valid UTF-8 (CJK, emoji, accents) is kept. The result is
 * valid UTF-8 with no control, bidi or format character in it; it is at most 3 * len
 * bytes long. */
char *sanitize_strndup(const char *s, size_t len);
/* Same, for a NUL-terminated string; NULL gives NULL. */
char *sanitize_strdup(const char *s);

#endif
