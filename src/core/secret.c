#include "secret.h"

#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <string.h>

void secret_wipe(void *p, size_t n) {
    if (p == NULL)
        return;
    volatile unsigned char *v = p;
    while (n--)
        *v++ = 0;
}

void secret_free(char *s) {
    if (s != NULL)
        secret_wipe(s, strlen(s));
    free(s);
}

void secret_free_bytes(void *p, size_t n) {
    secret_wipe(p, n);
    free(p);
}

int secret_no_core_dumps(void) {
    int rc = 0;
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0)
        rc = -1;
    struct rlimit none = {0, 0};
    if (setrlimit(RLIMIT_CORE, &none) != 0)
        rc = -1;
    return rc;
}
