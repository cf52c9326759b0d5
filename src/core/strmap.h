/* A hash map from strings to pointers (open addressing, linear probing, backward-shift
 * deletion): O(1) expected per lookup, insert and removal, so queues of 100,000 requests
 * stay linear. Keys are copied and owned by the map; values are borrowed.
 *
 * `probes` counts the slots looked at, so tests can check the work done without timing. */
#ifndef FLINKTOP_STRMAP_H
#define FLINKTOP_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_slot {
    char *key; /* owned; NULL = empty */
    uint64_t hash;
    void *value; /* borrowed */
};

struct strmap {
    struct strmap_slot *slots; /* owned */
    size_t cap;                /* a power of two, or 0 before the first insert */
    size_t len;
    uint64_t probes;
};

void strmap_init(struct strmap *m);
/* Frees the keys and the table, not the values. */
void strmap_free(struct strmap *m);
/* borrowed value, NULL when absent */
void *strmap_get(struct strmap *m, const char *key);
/* Insert or replace; returns the value replaced (NULL when none). */
void *strmap_put(struct strmap *m, const char *key, void *value);
/* Remove; returns the value removed (NULL when absent). */
void *strmap_del(struct strmap *m, const char *key);

#endif
