#include "sim_k8s_watch.h"

#include "xalloc.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sim_k8s_watch_hub {
    pthread_mutex_t lock;
    pthread_cond_t wake;
    unsigned long gen;   /* drop_all bumps it: streams of an older one end */
    unsigned long notes; /* notify bumps it */
    bool stopped;
};

struct sim_k8s_watch_hub *sim_k8s_watch_hub_new(void) {
    struct sim_k8s_watch_hub *h = xcalloc(1, sizeof *h);
    pthread_mutex_init(&h->lock, NULL);
    pthread_cond_init(&h->wake, NULL);
    return h;
}

void sim_k8s_watch_hub_free(struct sim_k8s_watch_hub *h) {
    if (h == NULL)
        return;
    pthread_cond_destroy(&h->wake);
    pthread_mutex_destroy(&h->lock);
    free(h);
}

void sim_k8s_watch_drop_all(struct sim_k8s_watch_hub *h) {
    pthread_mutex_lock(&h->lock);
    h->gen++;
    pthread_cond_broadcast(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

void sim_k8s_watch_stop(struct sim_k8s_watch_hub *h) {
    pthread_mutex_lock(&h->lock);
    h->stopped = true;
    h->gen++;
    pthread_cond_broadcast(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

void sim_k8s_watch_notify(struct sim_k8s_watch_hub *h) {
    pthread_mutex_lock(&h->lock);
    h->notes++;
    pthread_cond_broadcast(&h->wake);
    pthread_mutex_unlock(&h->lock);
}

struct stream {
    struct sim_k8s_watch_hub *hub;
    struct sim_k8s_watch_source src;
    char *ns, *labels, *fields; /* owned, may be NULL */
    long rv;                    /* events after this one are still to send */
    bool initial;               /* ADDED for every current object first */
    bool check_expired;         /* the requested rv is still to check against the window */
    int64_t deadline;
    int64_t last_sent;
    bool bookmarks, table, headers_sent, ended;
    unsigned long gen;
    char *buf; /* owned: lines not yet handed to the connection */
    size_t len, off, cap;
};

static void append(struct stream *st, const char *s, size_t n) {
    if (st->len + n + 1 > st->cap) {
        st->cap = (st->len + n + 1) * 2;
        st->buf = xrealloc(st->buf, st->cap);
    }
    memcpy(st->buf + st->len, s, n);
    st->len += n;
    st->buf[st->len] = '\0';
}

/* One line {"type":type,"object":obj}; obj is borrowed (a copy goes into the line). */
static void emit(struct stream *st, const char *type, const cJSON *obj, int64_t now) {
    cJSON *line = cJSON_CreateObject();
    cJSON_AddStringToObject(line, "type", type);
    cJSON *o = NULL;
    if (st->table && st->src.table != NULL && strcmp(type, "ERROR") != 0 &&
        strcmp(type, "BOOKMARK") != 0) {
        cJSON *one = cJSON_CreateArray();
        cJSON_AddItemToArray(one, cJSON_Duplicate(obj, true));
        o = st->src.table(st->src.kind_name, one, !st->headers_sent, now);
        cJSON_Delete(one);
        st->headers_sent = true;
    } else {
        o = cJSON_Duplicate(obj, true);
    }
    cJSON_AddItemToObject(line, "object", o);
    char *text = cJSON_PrintUnformatted(line);
    cJSON_Delete(line);
    append(st, text, strlen(text));
    append(st, "\n", 1);
    free(text);
    st->last_sent = now;
}

static void emit_bookmark(struct stream *st, int64_t now) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", st->src.kind_name);
    cJSON_AddStringToObject(o, "apiVersion", st->src.api_version);
    char rv[32];
    snprintf(rv, sizeof rv, "%ld", *st->src.rv);
    cJSON_AddStringToObject(cJSON_AddObjectToObject(o, "metadata"), "resourceVersion", rv);
    emit(st, "BOOKMARK", o, now);
    cJSON_Delete(o);
}

static void emit_expired(struct stream *st, long oldest, int64_t now) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "kind", "Status");
    cJSON_AddStringToObject(o, "apiVersion", "v1");
    cJSON_AddObjectToObject(o, "metadata");
    cJSON_AddStringToObject(o, "status", "Failure");
    char msg[96];
    snprintf(msg, sizeof msg, "too old resource version: %ld (%ld)", st->rv, oldest);
    cJSON_AddStringToObject(o, "message", msg);
    cJSON_AddStringToObject(o, "reason", "Expired");
    cJSON_AddNumberToObject(o, "code", 410);
    emit(st, "ERROR", o, now);
    cJSON_Delete(o);
}

struct since_ctx {
    struct stream *st;
    int64_t now;
};

static void on_change(void *cls, const struct sim_k8s_change *c) {
    struct since_ctx *x = cls;
    struct stream *st = x->st;
    if (st->src.matches(c->obj, st->ns, st->labels, st->fields))
        emit(st, c->type, c->obj, x->now);
}

static bool hub_ended(struct stream *st) {
    pthread_mutex_lock(&st->hub->lock);
    bool ended = st->hub->stopped || st->hub->gen != st->gen;
    pthread_mutex_unlock(&st->hub->lock);
    return ended;
}

/* Under the model lock: queue what there is to send now. */
static void fill(struct stream *st) {
    struct sim_model *m = st->src.model;
    int64_t now = sim_model_lock(m, sim_now_ms());
    if (hub_ended(st)) {
        st->ended = true;
        goto out;
    }
    if (st->initial) {
        cJSON *items = st->src.list(st->src.owner, st->src.kind, now);
        for (cJSON *it = items->child; it != NULL; it = it->next)
            if (st->src.matches(it, st->ns, st->labels, st->fields))
                emit(st, "ADDED", it, now);
        cJSON_Delete(items);
        st->rv = *st->src.rv;
        st->initial = false;
    } else {
        long oldest = sim_k8s_store_oldest(st->src.store);
        if (st->check_expired && st->rv < oldest) {
            emit_expired(st, oldest, now);
            st->ended = true;
            goto out;
        }
        st->check_expired = false;
        if (now - sim_k8s_store_synced_at(st->src.store, st->src.kind) >= SIM_K8S_WATCH_POLL_MS)
            cJSON_Delete(st->src.list(st->src.owner, st->src.kind, now));
        struct since_ctx x = {st, now};
        sim_k8s_store_since(st->src.store, st->src.kind, st->rv, on_change, &x);
        /* Every later change of this kind takes a number above the counter's. */
        st->rv = *st->src.rv;
    }
    if (now >= st->deadline) {
        if (st->bookmarks)
            emit_bookmark(st, now);
        st->ended = true;
    } else if (st->bookmarks && now - st->last_sent >= SIM_K8S_WATCH_BOOKMARK_MS) {
        emit_bookmark(st, now);
    }
out:
    sim_model_unlock(m);
}

/* Waits for a write, a drop, the next poll or the deadline, whichever comes first. */
static void wait_a_little(struct stream *st) {
    int64_t now = sim_now_ms();
    int64_t until = now + SIM_K8S_WATCH_POLL_MS;
    if (st->deadline < until)
        until = st->deadline;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    int64_t wait_ms = until > now ? until - now : 0;
    ts.tv_sec += (time_t)(wait_ms / 1000);
    ts.tv_nsec += (long)(wait_ms % 1000) * 1000000L;
    if (ts.tv_nsec >= 1000000000L) {
        ts.tv_sec++;
        ts.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&st->hub->lock);
    unsigned long notes = st->hub->notes;
    while (!st->hub->stopped && st->hub->gen == st->gen && st->hub->notes == notes) {
        if (pthread_cond_timedwait(&st->hub->wake, &st->hub->lock, &ts) == ETIMEDOUT)
            break;
    }
    pthread_mutex_unlock(&st->hub->lock);
}

static long stream_read(void *cls, char *buf, size_t max) {
    struct stream *st = cls;
    for (;;) {
        if (st->off < st->len) {
            size_t n = st->len - st->off;
            if (n > max)
                n = max;
            memcpy(buf, st->buf + st->off, n);
            st->off += n;
            if (st->off == st->len)
                st->off = st->len = 0;
            return (long)n;
        }
        if (st->ended)
            return SIM_REPLY_STREAM_END;
        fill(st);
        if (st->len == 0 && !st->ended)
            wait_a_little(st);
    }
}

static void stream_done(void *cls) {
    struct stream *st = cls;
    free(st->ns);
    free(st->labels);
    free(st->fields);
    free(st->buf);
    free(st);
}

static char *dup_or_null(const char *s) { return s != NULL && s[0] != '\0' ? xstrdup(s) : NULL; }

void sim_k8s_watch_open(struct sim_k8s_watch_hub *h, const struct sim_k8s_watch_source *src,
                        const struct sim_k8s_watch_params *p, int64_t now, struct sim_reply *r) {
    long rv = 0;
    const char *want = p->resource_version;
    bool from_now = want == NULL || want[0] == '\0' || strcmp(want, "0") == 0;
    if (!from_now) {
        char *end = NULL;
        errno = 0;
        rv = strtol(want, &end, 10);
        if (errno != 0 || end == want || *end != '\0' || rv < 0) {
            cJSON *o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "kind", "Status");
            cJSON_AddStringToObject(o, "apiVersion", "v1");
            cJSON_AddObjectToObject(o, "metadata");
            cJSON_AddStringToObject(o, "status", "Failure");
            cJSON_AddStringToObject(o, "message", "resourceVersion: Invalid value");
            cJSON_AddStringToObject(o, "reason", "BadRequest");
            cJSON_AddNumberToObject(o, "code", 400);
            sim_reply_json(r, 400, o);
            return;
        }
    }
    struct stream *st = xcalloc(1, sizeof *st);
    st->hub = h;
    st->src = *src;
    st->ns = dup_or_null(p->ns);
    st->labels = dup_or_null(p->label_selector);
    st->fields = dup_or_null(p->field_selector);
    st->rv = rv;
    st->initial = from_now;
    st->check_expired = !from_now;
    long timeout = p->timeout_s > 0 ? p->timeout_s : SIM_K8S_WATCH_DEFAULT_TIMEOUT_S;
    st->deadline = now + timeout * 1000;
    st->last_sent = now;
    st->bookmarks = p->bookmarks;
    st->table = p->table;
    pthread_mutex_lock(&h->lock);
    st->gen = h->gen;
    if (h->stopped)
        st->ended = true;
    pthread_mutex_unlock(&h->lock);
    r->status = 200;
    r->body = xstrdup("");
    r->len = 0;
    r->stream.read = stream_read;
    r->stream.done = stream_done;
    r->stream.cls = st;
}
