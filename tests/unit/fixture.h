/* Test fixtures: files under $FIXTURES (default tests/fixtures), loaded into a buffer of
 * exactly their size with no NUL after it, so a parser that reads past the end trips ASan. */
#ifndef FLINKTOP_TEST_FIXTURE_H
#define FLINKTOP_TEST_FIXTURE_H

#include <stddef.h>

struct body {
    char *data; /* owned: exactly len bytes; caller frees */
    size_t len;
};

/* Load $FIXTURES/subdir/name (subdir may be ""); fails the running test when missing. */
struct body fixture_load(const char *subdir, const char *name);

#endif
