#include "sim_stats.h"

#include "xalloc.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SEGS 24

struct sim_stats {
    pthread_mutex_t lock;
    double counts[SIM_STATS_CLASSES];
    cJSON *by_path; /* owned object: template -> count */
};

static const char *const class_names[SIM_STATS_CLASSES] = {"kubernetes_list", "kubernetes_watch",
                                                           "kubernetes_other", "proxy", "flink"};

struct sim_stats *sim_stats_new(void) {
    struct sim_stats *s = xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->lock, NULL);
    s->by_path = cJSON_CreateObject();
    return s;
}

void sim_stats_free(struct sim_stats *s) {
    if (s == NULL)
        return;
    cJSON_Delete(s->by_path);
    pthread_mutex_destroy(&s->lock);
    free(s);
}

/* The path's segments, NUL-terminated copies in buf (owned by the caller's buffer). */
struct segs {
    char *buf;
    const char *s[MAX_SEGS];
    size_t n;
};

static void split(struct segs *g, const char *path) {
    g->buf = xstrdup(path);
    g->n = 0;
    char *p = g->buf;
    while (*p != '\0' && g->n < MAX_SEGS) {
        while (*p == '/')
            p++;
        if (*p == '\0')
            break;
        g->s[g->n++] = p;
        char *slash = strchr(p, '/');
        if (slash == NULL)
            break;
        *slash = '\0';
        p = slash + 1;
    }
}

static bool is(const struct segs *g, size_t i, const char *s) {
    return i < g->n && strcmp(g->s[i], s) == 0;
}

static bool all_digits(const char *s) {
    if (*s == '\0')
        return false;
    for (; *s != '\0'; s++)
        if (*s < '0' || *s > '9')
            return false;
    return true;
}

static bool hex_id(const char *s) {
    size_t n = 0;
    for (; s[n] != '\0'; n++)
        if (!((s[n] >= '0' && s[n] <= '9') || (s[n] >= 'a' && s[n] <= 'f')))
            return false;
    return n == 32;
}

/* Which placeholder segment i of a Flink path is, or NULL to keep it. */
static const char *flink_placeholder(const struct segs *g, size_t i, size_t start) {
    const char *prev = i > start ? g->s[i - 1] : "";
    const char *s = g->s[i];
    if (strcmp(prev, "jobs") == 0 && strcmp(s, "overview") != 0 && strcmp(s, "metrics") != 0)
        return "{jid}";
    if (strcmp(prev, "vertices") == 0)
        return "{vid}";
    if (strcmp(prev, "taskmanagers") == 0 && strcmp(s, "metrics") != 0)
        return "{tmid}";
    if ((strcmp(prev, "checkpoints") == 0 || strcmp(prev, "details") == 0) && all_digits(s))
        return "{checkpointid}";
    if (strcmp(prev, "subtasks") == 0 && all_digits(s))
        return "{subtaskindex}";
    if (strcmp(prev, "attempts") == 0 && all_digits(s))
        return "{attempt}";
    if ((strcmp(prev, "savepoints") == 0 || strcmp(prev, "stop") == 0 ||
         strcmp(prev, "rescaling") == 0 || strcmp(prev, "savepoint-disposal") == 0) &&
        hex_id(s))
        return "{triggerid}";
    if (strcmp(prev, "jars") == 0)
        return "{jarid}";
    if (strcmp(prev, "datasets") == 0 && strcmp(s, "delete") != 0)
        return "{datasetid}";
    if (hex_id(s))
        return "{id}";
    return NULL;
}

static void add(char **out, const char *seg) {
    char *next = xasprintf("%s/%s", *out, seg);
    free(*out);
    *out = next;
}

/* Appends the Flink part of g from segment start on. */
static void flink_template(char **out, const struct segs *g, size_t start) {
    /* "/clusters/NAME/..." names the cluster; the rest is the cluster's own path */
    size_t from = start;
    if (is(g, start, "clusters") && g->n > start + 1) {
        add(out, "clusters");
        add(out, "{cluster}");
        from = start + 2;
    }
    for (size_t i = from; i < g->n; i++) {
        const char *ph = flink_placeholder(g, i, from);
        add(out, ph != NULL ? ph : g->s[i]);
    }
}

/* Appends the Kubernetes part: [namespaces/{ns}/]resource[/{name}[/sub...]]; the service
 * proxy's Flink path follows "proxy". *collection: a list or watch of a collection. */
static void k8s_template(char **out, const struct segs *g, bool *collection) {
    size_t base;
    *collection = false;
    if (is(g, 0, "api") && g->n >= 2)
        base = 2;
    else if (is(g, 0, "apis") && g->n >= 3)
        base = 3;
    else
        base = g->n; /* discovery: kept as it is */
    for (size_t i = 0; i < base && i < g->n; i++)
        add(out, g->s[i]);
    if (base >= g->n)
        return;
    size_t i = base;
    if (is(g, i, "namespaces") && g->n > i + 2) {
        add(out, "namespaces");
        add(out, "{ns}");
        i += 2;
    }
    const char *resource = g->s[i];
    add(out, resource);
    if (g->n == i + 1) {
        *collection = true;
        return;
    }
    add(out, strcmp(resource, "namespaces") == 0 ? "{ns}" : "{name}");
    for (size_t j = i + 2; j < g->n; j++) {
        add(out, g->s[j]);
        if (strcmp(g->s[j], "proxy") == 0 && strcmp(resource, "services") == 0) {
            flink_template(out, g, j + 1);
            return;
        }
    }
}

char *sim_stats_template(const char *path, bool k8s) {
    struct segs g;
    split(&g, path);
    char *out = xstrdup("");
    bool collection = false;
    if (k8s)
        k8s_template(&out, &g, &collection);
    else
        flink_template(&out, &g, 0);
    free(g.buf);
    if (out[0] == '\0') {
        free(out);
        out = xstrdup("/");
    }
    return out;
}

enum sim_stats_class sim_stats_classify(const char *method, const char *path, bool k8s, bool proxy,
                                        bool watch) {
    if (proxy)
        return SIM_STATS_PROXY;
    if (!k8s)
        return SIM_STATS_FLINK;
    if (strcmp(method, "GET") != 0)
        return SIM_STATS_K8S_OTHER;
    if (watch)
        return SIM_STATS_K8S_WATCH;
    struct segs g;
    split(&g, path);
    char *out = xstrdup("");
    bool collection = false;
    k8s_template(&out, &g, &collection);
    free(out);
    free(g.buf);
    return collection ? SIM_STATS_K8S_LIST : SIM_STATS_K8S_OTHER;
}

void sim_stats_count(struct sim_stats *s, enum sim_stats_class cls, const char *path, bool k8s) {
    char *t = sim_stats_template(path, k8s);
    pthread_mutex_lock(&s->lock);
    s->counts[cls]++;
    cJSON *have = cJSON_GetObjectItemCaseSensitive(s->by_path, t);
    if (cJSON_IsNumber(have))
        cJSON_SetNumberValue(have, have->valuedouble + 1);
    else
        cJSON_AddNumberToObject(s->by_path, t, 1);
    pthread_mutex_unlock(&s->lock);
    free(t);
}

cJSON *sim_stats_json(struct sim_stats *s) {
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&s->lock);
    for (int i = 0; i < SIM_STATS_CLASSES; i++)
        cJSON_AddNumberToObject(o, class_names[i], s->counts[i]);
    cJSON_AddItemToObject(o, "by_path", cJSON_Duplicate(s->by_path, true));
    pthread_mutex_unlock(&s->lock);
    return o;
}

void sim_stats_reset(struct sim_stats *s) {
    pthread_mutex_lock(&s->lock);
    memset(s->counts, 0, sizeof s->counts);
    cJSON_Delete(s->by_path);
    s->by_path = cJSON_CreateObject();
    pthread_mutex_unlock(&s->lock);
}
