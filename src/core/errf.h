/* One error line into a caller's buffer, the way every parser and loader here reports:
 * err may be NULL or errlen 0 (the caller does not want the text). */
#ifndef FLINKTOP_ERRF_H
#define FLINKTOP_ERRF_H

#include <stddef.h>

void errf(char *err, size_t errlen, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

#endif
