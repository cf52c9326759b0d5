/* RFC 3339 timestamps (rfc3339_parse) from Kubernetes objects.
 */
// seeds: rfc3339/*
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "rfc3339.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    char *s = malloc(size + 1); /* the parser takes a C string */
    memcpy(s, data, size);
    s[size] = '\0';
    int64_t ms;
    rfc3339_parse(s, &ms);
    free(s);
    return 0;
}
