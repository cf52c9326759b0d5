/* Strings from clusters are untrusted: before they are stored they pass through here,
 * so no control character or escape sequence can reach the terminal or a log. */
#ifndef FLINKTOP_SANITIZE_H
#define FLINKTOP_SANITIZE_H

#include <stddef.h>

/* Returns an owned copy of the first len bytes of s with C0 controls (including ESC,
 * CR, LF and TAB), DEL and C1 controls (U+0080..U+009F) removed, each invalid UTF-8
 * byte replaced by '?', and NUL bytes dropped. Valid UTF-8 (CJK, emoji) is kept. */
char *sanitize_strndup(const char *s, size_t len);
/* Same, for a NUL-terminated string; NULL gives NULL. */
char *sanitize_strdup(const char *s);

#endif
