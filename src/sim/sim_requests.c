#include "sim_requests.h"

#include "xalloc.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

struct entry {
    char *method, *path, *body; /* owned */
    int64_t time_ms;
};

struct sim_requests {
    pthread_mutex_t lock;
    struct entry *entries; /* owned ring of SIM_REQUESTS_MAX */
    size_t first, n;
};

struct sim_requests *sim_requests_new(void) {
    struct sim_requests *q = xcalloc(1, sizeof *q);
    pthread_mutex_init(&q->lock, NULL);
    q->entries = xcalloc(SIM_REQUESTS_MAX, sizeof *q->entries);
    return q;
}

static void entry_free(struct entry *e) {
    free(e->method);
    free(e->path);
    free(e->body);
    memset(e, 0, sizeof *e);
}

void sim_requests_free(struct sim_requests *q) {
    if (q == NULL)
        return;
    sim_requests_clear(q);
    free(q->entries);
    pthread_mutex_destroy(&q->lock);
    free(q);
}

bool sim_requests_mutating(const char *method, const char *path) {
    if (strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0 || strcmp(method, "OPTIONS") == 0)
        return false;
    /* a review (who am I, may I) is a POST that changes nothing */
    if (strncmp(path, "/apis/authentication.k8s.io/", 28) == 0 ||
        strncmp(path, "/apis/authorization.k8s.io/", 27) == 0)
        return false;
    return !(strcmp(path, "/_sim") == 0 || strncmp(path, "/_sim/", 6) == 0);
}

void sim_requests_record(struct sim_requests *q, const char *method, const char *path,
                         const char *query, const char *body, size_t body_len, int64_t time_ms) {
    struct entry e = {0};
    e.method = xstrdup(method);
    e.path = query != NULL && query[0] != '\0' ? xasprintf("%s?%s", path, query) : xstrdup(path);
    e.body = body != NULL ? xstrndup(body, body_len) : xstrdup("");
    e.time_ms = time_ms;
    pthread_mutex_lock(&q->lock);
    if (q->n == SIM_REQUESTS_MAX) {
        entry_free(&q->entries[q->first]);
        q->first = (q->first + 1) % SIM_REQUESTS_MAX;
        q->n--;
    }
    q->entries[(q->first + q->n) % SIM_REQUESTS_MAX] = e;
    q->n++;
    pthread_mutex_unlock(&q->lock);
}

cJSON *sim_requests_list(struct sim_requests *q) {
    cJSON *arr = cJSON_CreateArray();
    pthread_mutex_lock(&q->lock);
    for (size_t i = 0; i < q->n; i++) {
        const struct entry *e = &q->entries[(q->first + i) % SIM_REQUESTS_MAX];
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "method", e->method);
        cJSON_AddStringToObject(o, "path", e->path);
        cJSON_AddStringToObject(o, "body", e->body);
        cJSON_AddNumberToObject(o, "time_ms", (double)e->time_ms);
        cJSON_AddItemToArray(arr, o);
    }
    pthread_mutex_unlock(&q->lock);
    return arr;
}

size_t sim_requests_clear(struct sim_requests *q) {
    pthread_mutex_lock(&q->lock);
    size_t n = q->n;
    for (size_t i = 0; i < q->n; i++)
        entry_free(&q->entries[(q->first + i) % SIM_REQUESTS_MAX]);
    q->first = 0;
    q->n = 0;
    pthread_mutex_unlock(&q->lock);
    return n;
}
