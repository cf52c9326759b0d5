#include "sim_k8s_store.h"

#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* What the store last saw of one object. */
struct entry {
    char *key;   /* owned: "ns/name" */
    cJSON *seen; /* owned: as rendered, before its resourceVersion was replaced */
    long rv;
};

struct kind_table {
    struct entry *entries; /* owned, sorted by key */
    size_t n;
    bool synced;
    int64_t synced_at;
};

struct sim_k8s_store {
    struct kind_table *kinds; /* owned, n_kinds */
    int n_kinds;
    struct sim_k8s_change ring[SIM_K8S_STORE_WINDOW];
    size_t head, count; /* oldest change at ring[head] */
    long oldest;        /* a watch may start from here on */
};

struct sim_k8s_store *sim_k8s_store_new(int n_kinds, long rv) {
    struct sim_k8s_store *s = xcalloc(1, sizeof *s);
    s->oldest = rv;
    s->n_kinds = n_kinds;
    s->kinds = xcalloc(n_kinds > 0 ? (size_t)n_kinds : 1, sizeof *s->kinds);
    return s;
}

void sim_k8s_store_free(struct sim_k8s_store *s) {
    if (s == NULL)
        return;
    for (int k = 0; k < s->n_kinds; k++) {
        for (size_t i = 0; i < s->kinds[k].n; i++) {
            free(s->kinds[k].entries[i].key);
            cJSON_Delete(s->kinds[k].entries[i].seen);
        }
        free(s->kinds[k].entries);
    }
    free(s->kinds);
    for (size_t i = 0; i < s->count; i++)
        cJSON_Delete(s->ring[(s->head + i) % SIM_K8S_STORE_WINDOW].obj);
    free(s);
}

char *sim_k8s_store_key(const cJSON *obj) {
    const cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    const cJSON *ns = cJSON_GetObjectItemCaseSensitive(md, "namespace");
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(md, "name");
    const char *n = cJSON_IsString(name) ? name->valuestring : "";
    if (cJSON_IsString(ns))
        return xasprintf("%s/%s", ns->valuestring, n);
    return xstrdup(n);
}

static void set_rv(cJSON *obj, long rv) {
    cJSON *md = cJSON_GetObjectItemCaseSensitive(obj, "metadata");
    if (!cJSON_IsObject(md))
        return;
    char buf[32];
    snprintf(buf, sizeof buf, "%ld", rv);
    if (cJSON_GetObjectItemCaseSensitive(md, "resourceVersion") != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(md, "resourceVersion", cJSON_CreateString(buf));
    else
        cJSON_AddStringToObject(md, "resourceVersion", buf);
}

/* Appends a change (obj taken), evicting the oldest when the window is full. */
static void log_change(struct sim_k8s_store *s, int kind, const char *type, long rv, cJSON *obj) {
    if (s->count == SIM_K8S_STORE_WINDOW) {
        struct sim_k8s_change *old = &s->ring[s->head];
        s->oldest = old->rv; /* what came after it is still here */
        cJSON_Delete(old->obj);
        s->head = (s->head + 1) % SIM_K8S_STORE_WINDOW;
        s->count--;
    }
    struct sim_k8s_change *c = &s->ring[(s->head + s->count) % SIM_K8S_STORE_WINDOW];
    c->rv = rv;
    c->kind = kind;
    c->type = type;
    c->obj = obj;
    s->count++;
}

struct fresh {
    char *key;   /* owned */
    cJSON *item; /* borrowed */
};

static int by_key(const void *a, const void *b) {
    return strcmp(((const struct fresh *)a)->key, ((const struct fresh *)b)->key);
}

/* cJSON_Compare looks every key up by name in the other object (quadratic in keys, and
 * most of a list's cost at 100 clusters); objects rendered by the same code have their
 * keys in the same order, so walk both in step and ask cJSON only when the order differs. */
static bool same_json(const cJSON *a, const cJSON *b) {
    if (a == b)
        return true;
    if (a == NULL || b == NULL || (a->type & 0xFF) != (b->type & 0xFF))
        return false;
    if (cJSON_IsString(a))
        return a->valuestring != NULL && b->valuestring != NULL &&
               strcmp(a->valuestring, b->valuestring) == 0;
    if (!cJSON_IsObject(a) && !cJSON_IsArray(a))
        return cJSON_Compare(a, b, true);
    const cJSON *x = a->child, *y = b->child;
    for (; x != NULL && y != NULL; x = x->next, y = y->next) {
        if (cJSON_IsObject(a) &&
            (x->string == NULL || y->string == NULL || strcmp(x->string, y->string) != 0))
            return cJSON_Compare(a, b, true); /* another order: by name */
        if (!same_json(x, y))
            return false;
    }
    return x == NULL && y == NULL;
}

/* key lies in namespace ns ("ns/name"); every key when ns is NULL */
static bool in_scope(const char *key, const char *ns, size_t ns_len) {
    return ns == NULL || (strncmp(key, ns, ns_len) == 0 && key[ns_len] == '/');
}

/* sim_k8s_store_sync over the objects of namespace ns (NULL: all): the store's objects of
 * other namespaces are kept as they are. */
static void sync_scoped(struct sim_k8s_store *s, int kind, cJSON *items, const char *ns, long *rv,
                        int64_t now_ms) {
    if (kind < 0 || kind >= s->n_kinds)
        return;
    size_t ns_len = ns != NULL ? strlen(ns) : 0;
    struct kind_table *t = &s->kinds[kind];
    size_t n = (size_t)cJSON_GetArraySize(items);
    struct fresh *f = xcalloc(n > 0 ? n : 1, sizeof *f);
    size_t i = 0;
    for (cJSON *it = items->child; it != NULL && i < n; it = it->next, i++) {
        f[i].key = sim_k8s_store_key(it);
        f[i].item = it;
    }
    qsort(f, n, sizeof *f, by_key);
    struct entry *next = xcalloc(n + (ns != NULL ? t->n : 0) + 1, sizeof *next);
    size_t nn = 0, o = 0;
    bool baseline = !t->synced;
    for (i = 0; i < n || o < t->n;) {
        int cmp = i == n ? -1 : o == t->n ? 1 : strcmp(t->entries[o].key, f[i].key);
        if (cmp < 0 && !in_scope(t->entries[o].key, ns, ns_len)) { /* not looked at */
            next[nn++] = t->entries[o++];
            continue;
        }
        if (cmp < 0) { /* gone */
            struct entry *e = &t->entries[o++];
            set_rv(e->seen, ++*rv);
            log_change(s, kind, "DELETED", *rv, e->seen);
            free(e->key);
            continue;
        }
        if (nn > 0 && strcmp(next[nn - 1].key, f[i].key) == 0) { /* a duplicate name */
            set_rv(f[i].item, next[nn - 1].rv);
            free(f[i].key);
            i++;
            continue;
        }
        struct entry *e = &next[nn++];
        if (cmp == 0) {
            *e = t->entries[o++];
            free(f[i].key);
            if (!same_json(e->seen, f[i].item)) {
                cJSON_Delete(e->seen);
                e->seen = cJSON_Duplicate(f[i].item, true);
                e->rv = ++*rv;
                set_rv(f[i].item, e->rv);
                log_change(s, kind, "MODIFIED", e->rv, cJSON_Duplicate(f[i].item, true));
            } else {
                set_rv(f[i].item, e->rv);
            }
        } else {
            e->key = f[i].key;
            e->seen = cJSON_Duplicate(f[i].item, true);
            e->rv = baseline ? *rv : ++*rv;
            set_rv(f[i].item, e->rv);
            if (!baseline)
                log_change(s, kind, "ADDED", e->rv, cJSON_Duplicate(f[i].item, true));
        }
        i++;
    }
    free(t->entries);
    t->entries = next;
    t->n = nn;
    if (ns == NULL) { /* a look at one namespace is not a look at the kind */
        t->synced = true;
        t->synced_at = now_ms;
    }
    free(f);
}

void sim_k8s_store_sync(struct sim_k8s_store *s, int kind, cJSON *items, long *rv, int64_t now_ms) {
    sync_scoped(s, kind, items, NULL, rv, now_ms);
}

void sim_k8s_store_sync_ns(struct sim_k8s_store *s, int kind, cJSON *items, const char *ns,
                           long *rv, int64_t now_ms) {
    if (kind >= 0 && kind < s->n_kinds && !s->kinds[kind].synced)
        return; /* the caller syncs the whole kind first: that is its baseline */
    sync_scoped(s, kind, items, ns, rv, now_ms);
}

bool sim_k8s_store_synced(const struct sim_k8s_store *s, int kind) {
    return kind >= 0 && kind < s->n_kinds && s->kinds[kind].synced;
}

int64_t sim_k8s_store_synced_at(const struct sim_k8s_store *s, int kind) {
    return kind >= 0 && kind < s->n_kinds ? s->kinds[kind].synced_at : 0;
}

long sim_k8s_store_oldest(const struct sim_k8s_store *s) { return s->oldest; }

void sim_k8s_store_compact(struct sim_k8s_store *s, long rv) {
    while (s->count > 0 && s->ring[s->head].rv <= rv) {
        cJSON_Delete(s->ring[s->head].obj);
        s->ring[s->head].obj = NULL;
        s->head = (s->head + 1) % SIM_K8S_STORE_WINDOW;
        s->count--;
    }
    if (rv > s->oldest)
        s->oldest = rv;
}

long sim_k8s_store_latest(const struct sim_k8s_store *s) {
    if (s->count == 0)
        return 0;
    return s->ring[(s->head + s->count - 1) % SIM_K8S_STORE_WINDOW].rv;
}

void sim_k8s_store_since(const struct sim_k8s_store *s, int kind, long after,
                         void (*fn)(void *cls, const struct sim_k8s_change *c), void *cls) {
    for (size_t i = 0; i < s->count; i++) {
        const struct sim_k8s_change *c = &s->ring[(s->head + i) % SIM_K8S_STORE_WINDOW];
        if (c->rv > after && c->kind == kind)
            fn(cls, c);
    }
}

static const struct entry *find(const struct sim_k8s_store *s, int kind, const char *key) {
    if (kind < 0 || kind >= s->n_kinds)
        return NULL;
    const struct kind_table *t = &s->kinds[kind];
    size_t lo = 0, hi = t->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int cmp = strcmp(t->entries[mid].key, key);
        if (cmp == 0)
            return &t->entries[mid];
        if (cmp < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return NULL;
}

long sim_k8s_store_rv(const struct sim_k8s_store *s, int kind, const char *key) {
    const struct entry *e = find(s, kind, key);
    return e != NULL ? e->rv : 0;
}

const cJSON *sim_k8s_store_seen(const struct sim_k8s_store *s, int kind, const char *key) {
    const struct entry *e = find(s, kind, key);
    return e != NULL ? e->seen : NULL;
}
