#include "strmap.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void strmap_init(struct strmap *m) { memset(m, 0, sizeof *m); }

void strmap_free(struct strmap *m) {
    for (size_t i = 0; i < m->cap; i++)
        free(m->slots[i].key);
    free(m->slots);
    memset(m, 0, sizeof *m);
}

/* FNV-1a: short keys (URLs, host names), no adversary who could choose collisions
 * cheaply enough to matter (a server names only its own paths). */
static uint64_t hash_of(const char *s) {
    uint64_t h = 1469598103934665603ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h;
}

/* The slot holding key, or the empty slot where it would go. */
static size_t find(struct strmap *m, const char *key, uint64_t h, bool *found) {
    size_t mask = m->cap - 1;
    size_t i = (size_t)h & mask;
    for (;;) {
        m->probes++;
        struct strmap_slot *s = &m->slots[i];
        if (s->key == NULL) {
            *found = false;
            return i;
        }
        if (s->hash == h && strcmp(s->key, key) == 0) {
            *found = true;
            return i;
        }
        i = (i + 1) & mask;
    }
}

static void grow(struct strmap *m) {
    struct strmap_slot *old = m->slots;
    size_t old_cap = m->cap;
    m->cap = old_cap ? old_cap * 2 : 16;
    m->slots = xcalloc(m->cap, sizeof *m->slots);
    for (size_t i = 0; i < old_cap; i++) {
        if (old[i].key == NULL)
            continue;
        size_t j = (size_t)old[i].hash & (m->cap - 1);
        while (m->slots[j].key) {
            m->probes++;
            j = (j + 1) & (m->cap - 1);
        }
        m->slots[j] = old[i];
    }
    free(old);
}

void *strmap_get(struct strmap *m, const char *key) {
    if (m->len == 0)
        return NULL;
    bool found;
    size_t i = find(m, key, hash_of(key), &found);
    return found ? m->slots[i].value : NULL;
}

void *strmap_put(struct strmap *m, const char *key, void *value) {
    if ((m->len + 1) * 4 > m->cap * 3) /* keep the load under 3/4 */
        grow(m);
    uint64_t h = hash_of(key);
    bool found;
    size_t i = find(m, key, h, &found);
    if (found) {
        void *old = m->slots[i].value;
        m->slots[i].value = value;
        return old;
    }
    m->slots[i] = (struct strmap_slot){xstrdup(key), h, value};
    m->len++;
    return NULL;
}

void *strmap_del(struct strmap *m, const char *key) {
    if (m->len == 0)
        return NULL;
    bool found;
    size_t i = find(m, key, hash_of(key), &found);
    if (!found)
        return NULL;
    void *old = m->slots[i].value;
    free(m->slots[i].key);
    m->slots[i].key = NULL;
    m->len--;
    /* backward shift: pull later members of the probe run into the hole */
    size_t mask = m->cap - 1;
    size_t hole = i;
    for (size_t j = (i + 1) & mask; m->slots[j].key; j = (j + 1) & mask) {
        m->probes++;
        size_t home = (size_t)m->slots[j].hash & mask;
        /* j's entry may move to hole when home is not cyclically in (hole, j] */
        bool stays = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (stays)
            continue;
        m->slots[hole] = m->slots[j];
        m->slots[j].key = NULL;
        hole = j;
    }
    return old;
}
