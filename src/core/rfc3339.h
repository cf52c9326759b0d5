/* RFC 3339 times as Kubernetes and its clients write them: "2025-03-03T10:41:09Z",
 * MicroTime "2025-03-03T08:00:01.412873Z", Java's Instant with nanoseconds, an offset
 * "+01:00". Fractions are cut to milliseconds; no locale, no timezone database. */
#ifndef FLINKTOP_RFC3339_H
#define FLINKTOP_RFC3339_H

#include <stdint.h>

/* s to epoch ms (before 1970 is negative). Returns 0, or -1 when s is not one. */
int rfc3339_parse(const char *s, int64_t *ms);

#endif
