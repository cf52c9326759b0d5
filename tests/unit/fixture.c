#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "xalloc.h"

struct body fixture_load(const char *subdir, const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || *dir == '\0')
        dir = "tests/fixtures";
    char *path = *subdir ? xasprintf("%s/%s/%s", dir, subdir, name)
                         : xasprintf("%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open fixture %s", path);
    size_t cap = 4096, len = 0;
    char *buf = xmalloc(cap);
    for (;;) {
        size_t n = fread(buf + len, 1, cap - len, f);
        if (n == 0)
            break;
        len += n;
        if (len == cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
    }
    fclose(f);
    free(path);
    struct body b = {xmalloc(len), len};
    memcpy(b.data, buf, len);
    free(buf);
    return b;
}
