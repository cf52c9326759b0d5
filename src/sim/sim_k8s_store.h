/* What a kube-apiserver's storage gives its clients, for objects the simulator renders at
 * request time: a resourceVersion that changes with every change of an object (status
 * and metadata included), and a change log that watches read.
 *
 * sim_k8s renders every object of a kind and hands the items to sim_k8s_store_sync,
 * which compares each with the last one it saw (by namespace/name): a new object is
 * ADDED, a changed one MODIFIED, a vanished one DELETED, each with the next number of the
 * shared counter; the items leave with their stored resourceVersion. The log keeps the
 * last SIM_K8S_STORE_WINDOW changes: a watch from a resourceVersion older than that is
 * answered 410 Gone (as etcd's compaction makes the real server do).
 * Not thread-safe: sim_k8s calls it under the model lock. */
#ifndef FLINKTOP_SIM_K8S_STORE_H
#define FLINKTOP_SIM_K8S_STORE_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_K8S_STORE_WINDOW 4096

struct sim_k8s_store;

/* One logged change. obj is the object as it was then (with its resourceVersion); for
 * DELETED its last state with the deletion's resourceVersion. Borrowed from the store. */
struct sim_k8s_change {
    long rv;
    int kind;
    const char *type; /* static: "ADDED", "MODIFIED", "DELETED" */
    cJSON *obj;       /* owned by the store */
};

/* n_kinds kinds, numbered 0..n_kinds-1 by the caller; rv is the counter now (the oldest
 * resourceVersion a watch can start from). Returns owned: sim_k8s_store_free. */
struct sim_k8s_store *sim_k8s_store_new(int n_kinds, long rv);
void sim_k8s_store_free(struct sim_k8s_store *s);

/* items (borrowed array, every object of kind now) against what the store saw last:
 * logs the differences (each takes ++*rv) and sets every item's
 * metadata.resourceVersion to its stored one. The first sync of a kind is its baseline
 * and logs nothing. now_ms is when (sim_k8s_store_synced_at). */
void sim_k8s_store_sync(struct sim_k8s_store *s, int kind, cJSON *items, long *rv, int64_t now_ms);
/* The same for the objects of namespace ns only (a namespaced list renders no more):
 * the store's objects elsewhere stay as they are, unlogged, and the kind's sync time
 * does not move (a watch still looks at every namespace). Does nothing before the kind's
 * first whole sync (sim_k8s_store_synced), which is its baseline. */
void sim_k8s_store_sync_ns(struct sim_k8s_store *s, int kind, cJSON *items, const char *ns,
                           long *rv, int64_t now_ms);
/* kind has had a whole sync. */
bool sim_k8s_store_synced(const struct sim_k8s_store *s, int kind);
/* When kind was last synced (0: never). */
int64_t sim_k8s_store_synced_at(const struct sim_k8s_store *s, int kind);

/* The oldest resourceVersion a watch can start from: changes after it are all in the log. */
long sim_k8s_store_oldest(const struct sim_k8s_store *s);

/* etcd's compaction: the changes up to rv are dropped, a watch from an older
 * resourceVersion is answered 410 Gone from now on. */
void sim_k8s_store_compact(struct sim_k8s_store *s, long rv);

/* The changes of kind with rv > after, oldest first: calls fn for each (obj borrowed for
 * the call). */
void sim_k8s_store_since(const struct sim_k8s_store *s, int kind, long after,
                         void (*fn)(void *cls, const struct sim_k8s_change *c), void *cls);

/* The newest logged change's resourceVersion of any kind (0: none). */
long sim_k8s_store_latest(const struct sim_k8s_store *s);

/* The stored resourceVersion of kind's object key ("ns/name", or "name" when not
 * namespaced): 0 when unknown. */
long sim_k8s_store_rv(const struct sim_k8s_store *s, int kind, const char *key);

/* The object kind's key as the store last saw it (borrowed until the next sync of that
 * kind), NULL when unknown. */
const cJSON *sim_k8s_store_seen(const struct sim_k8s_store *s, int kind, const char *key);

/* "ns/name" (or "name") of a Kubernetes object; owned: caller frees. */
char *sim_k8s_store_key(const cJSON *obj);

#endif
