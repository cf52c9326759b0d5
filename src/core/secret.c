#include "secret.h"

#include <stdlib.h>
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
