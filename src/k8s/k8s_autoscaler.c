#include "k8s_autoscaler.h"

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "base64.h"
#include "errf.h"
#include "json_doc.h"
#include "json_get.h"
#include "rfc3339.h"
#include "xalloc.h"
#include "yaml_doc.h"

/* ---- gzip ---------------------------------------------------------------- */

/* gzip bytes inflated into an owned NUL-terminated string, at most
 * K8S_AUTOSCALER_MAX_INFLATED bytes; NULL with one line in err otherwise. */
static char *gunzip(const unsigned char *in, size_t n, size_t *len, char *err, size_t errlen) {
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        errf(err, errlen, "cannot inflate");
        return NULL;
    }
    size_t cap = n * 4 + 1024, o = 0;
    char *out = xmalloc(cap + 1);
    z.next_in = (Bytef *)(uintptr_t)in;
    z.avail_in = (uInt)n;
    int rc = Z_OK;
    while (rc == Z_OK) {
        if (o == cap) {
            if (cap >= K8S_AUTOSCALER_MAX_INFLATED) {
                errf(err, errlen, "inflates to more than %d MiB",
                     K8S_AUTOSCALER_MAX_INFLATED / (1024 * 1024));
                goto fail;
            }
            cap = cap * 2 > K8S_AUTOSCALER_MAX_INFLATED ? K8S_AUTOSCALER_MAX_INFLATED : cap * 2;
            out = xrealloc(out, cap + 1);
        }
        z.next_out = (Bytef *)out + o;
        z.avail_out = (uInt)(cap - o);
        rc = inflate(&z, Z_NO_FLUSH);
        o = cap - z.avail_out;
        if (rc == Z_BUF_ERROR && z.avail_in == 0) {
            errf(err, errlen, "truncated gzip");
            goto fail;
        }
        if (rc == Z_BUF_ERROR)
            rc = Z_OK; /* the output was full: grow and go on */
    }
    if (rc != Z_STREAM_END) {
        errf(err, errlen, "bad gzip: %s", z.msg ? z.msg : "inflate failed");
        goto fail;
    }
    inflateEnd(&z);
    out[o] = '\0';
    *len = o;
    return out;
fail:
    inflateEnd(&z);
    free(out);
    return NULL;
}

/* ---- scalingHistory ------------------------------------------------------------------ */

static bool is_vertex_id(const char *s) {
    if (s == NULL || strlen(s) != 32)
        return false;
    for (const char *c = s; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F')))
            return false;
    return true;
}

static int scalar_int(const struct yaml_doc_node *n) {
    if (n == NULL || n->kind != YAML_DOC_SCALAR)
        return -1;
    char *end = NULL;
    long v = strtol(n->scalar, &end, 10);
    return end == n->scalar || *end != '\0' || v < 0 || v > 1000000 ? -1 : (int)v;
}

/* Instants as Jackson writes them: ISO-8601, or epoch seconds with a fraction. */
static int64_t scalar_time(const char *s) {
    int64_t ms;
    if (rfc3339_parse(s, &ms) == 0)
        return ms;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end != s && *end == '\0' && v > 0 && v < 1e11)
        return (int64_t)(v * 1000);
    return -1;
}

static int cmp_newest(const void *a, const void *b) {
    const struct autoscaler_change *x = a, *y = b;
    return (y->at_ms > x->at_ms) - (y->at_ms < x->at_ms);
}

int k8s_autoscaler_parse_history(const char *value, struct autoscaler_change **out, size_t *n,
                                 char *err, size_t errlen) {
    *out = NULL;
    *n = 0;
    size_t glen = 0, ylen = 0;
    char *yaml = NULL;
    int rc = -1;
    struct yaml_doc doc = {0};
    unsigned char *gz = NULL;
    if (base64_decode(value, strlen(value), &gz, &glen) != 0)
        gz = NULL; /* not base64: read as it is, below */
    if (gz != NULL && glen >= 2 && gz[0] == 0x1f && gz[1] == 0x8b) {
        yaml = gunzip(gz, glen, &ylen, err, errlen);
        if (yaml == NULL)
            goto out;
    } else { /* not compressed: the operator reads it as it is, so do we */
        yaml = xstrdup(value);
        ylen = strlen(yaml);
    }
    char yerr[160] = "";
    if (yaml_doc_load_string(yaml, ylen, "scalingHistory", &doc, yerr, sizeof yerr) !=
        YAML_DOC_OK) {
        errf(err, errlen, "%s", yerr);
        goto out;
    }
    const struct yaml_doc_node *root = doc.root;
    if (root != NULL && root->kind != YAML_DOC_MAP) {
        errf(err, errlen, "scalingHistory is not a map");
        goto out;
    }
    for (size_t v = 0; root && v < root->len; v++) {
        const char *vid = root->keys[v].scalar;
        const struct yaml_doc_node *times = &root->items[v];
        if (!is_vertex_id(vid) || times->kind != YAML_DOC_MAP)
            continue;
        for (size_t t = 0; t < times->len && *n < AUTOSCALER_MAX_ENTRIES; t++) {
            const struct yaml_doc_node *sum = &times->items[t];
            if (sum->kind != YAML_DOC_MAP)
                continue;
            *out = xrealloc(*out, (*n + 1) * sizeof **out);
            struct autoscaler_change *c = &(*out)[(*n)++];
            snprintf(c->vertex_id, sizeof c->vertex_id, "%s", vid);
            for (char *p = c->vertex_id; *p; p++)
                *p = (char)(*p >= 'A' && *p <= 'F' ? *p - 'A' + 'a' : *p);
            c->at_ms = scalar_time(times->keys[t].scalar);
            c->from = scalar_int(yaml_doc_get(sum, "currentParallelism"));
            c->to = scalar_int(yaml_doc_get(sum, "newParallelism"));
        }
    }
    if (*n > 1)
        qsort(*out, *n, sizeof **out, cmp_newest);
    rc = 0;
out:
    yaml_doc_free(&doc);
    free(yaml);
    free(gz);
    return rc;
}

/* ---- the ConfigMap -------------------------------------------------------------------- */

enum fa_status k8s_autoscaler_parse_configmap(const char *body, size_t len,
                                              struct autoscaler_state *s, char *err,
                                              size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(root, "data");
    if (data != NULL && !cJSON_IsObject(data) && !cJSON_IsNull(data)) {
        errf(err, errlen, "ConfigMap data is a JSON %s", json_doc_type_name(data));
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    free(s->overrides);
    free(s->history);
    s->overrides = NULL;
    s->history = NULL;
    s->n_overrides = s->n_history = 0;
    s->history_note[0] = '\0';
    s->n_overrides = autoscaler_parse_overrides(json_get_string_ref(data, "parallelismOverrides"),
                                                &s->overrides);
    const char *hist = json_get_string_ref(data, "scalingHistory");
    char herr[88] = ""; /* room for it after the note's words */
    if (hist != NULL &&
        k8s_autoscaler_parse_history(hist, &s->history, &s->n_history, herr, sizeof herr) != 0)
        snprintf(s->history_note, sizeof s->history_note, "scaling history unreadable: %s", herr);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- which to ask, and their answers --------------------------------------------------- */

char *k8s_autoscaler_path(const char *ns, const char *name) {
    return xasprintf("/api/v1/namespaces/%s/configmaps/autoscaler-%s", ns, name);
}

static struct autoscaler_state *find(struct k8s_context_state *s, const char *ns,
                                     const char *name) {
    for (size_t i = 0; i < s->n_autoscalers; i++)
        if (strcmp(s->autoscalers[i].ns, ns) == 0 && strcmp(s->autoscalers[i].name, name) == 0)
            return &s->autoscalers[i];
    return NULL;
}

void k8s_autoscaler_sync(struct k8s_context_state *s) {
    /* drop those whose deployment is gone or no longer autoscaled */
    size_t k = 0;
    for (size_t i = 0; i < s->n_autoscalers; i++) {
        struct autoscaler_state *a = &s->autoscalers[i];
        bool keep = false;
        for (size_t d = 0; d < s->deployments.len && !keep; d++) {
            const struct flink_resource *r = &s->deployments.items[d];
            keep = r->namespace && r->name && strcmp(r->namespace, a->ns) == 0 &&
                   strcmp(r->name, a->name) == 0 && autoscaler_enabled(r);
        }
        if (keep || a->in_flight) /* one in flight keeps its place until it answers */
            s->autoscalers[k++] = *a;
        else
            autoscaler_state_free(a);
    }
    s->n_autoscalers = k;
    for (size_t d = 0; d < s->deployments.len; d++) {
        const struct flink_resource *r = &s->deployments.items[d];
        if (!r->namespace || !r->name || !autoscaler_enabled(r) ||
            find(s, r->namespace, r->name) != NULL)
            continue;
        s->autoscalers = xrealloc(s->autoscalers, (s->n_autoscalers + 1) * sizeof *s->autoscalers);
        struct autoscaler_state *a = &s->autoscalers[s->n_autoscalers++];
        memset(a, 0, sizeof *a);
        a->ns = xstrdup(r->namespace);
        a->name = xstrdup(r->name);
        source_init(&a->src);
    }
}

void k8s_autoscaler_due(struct k8s_context_state *s, int64_t now, int interval_ms,
                        const char *focus_ns, const char *focus_name,
                        void (*ask)(void *arg, struct autoscaler_state *a, bool urgent),
                        void *arg) {
    k8s_autoscaler_sync(s);
    for (size_t i = 0; i < s->n_autoscalers; i++) {
        struct autoscaler_state *a = &s->autoscalers[i];
        bool focused = focus_ns && focus_name && strcmp(a->ns, focus_ns) == 0 &&
                       strcmp(a->name, focus_name) == 0;
        if (a->in_flight && focused && !a->urgent) { /* on screen now: move it up */
            a->urgent = true;
            ask(arg, a, true);
            continue;
        }
        if (a->in_flight || (a->asked_ms != 0 && now - a->asked_ms < interval_ms))
            continue;
        a->asked_ms = now;
        a->in_flight = true;
        a->urgent = focused;
        ask(arg, a, focused);
    }
}

void k8s_autoscaler_answer(struct k8s_context_state *s, const char *ns, const char *name,
                           const struct http_response *resp, int64_t now) {
    struct autoscaler_state *a = find(s, ns, name);
    if (a == NULL || !a->in_flight)
        return; /* a second answer to a request asked again at a higher priority */
    a->in_flight = false;
    a->urgent = false;
    char err[160] = "";
    if (resp->outcome == HTTP_OK && resp->status == 404) {
        a->found = false; /* the operator has not written it yet */
        source_ok(&a->src, now);
        return;
    }
    if (resp->outcome != HTTP_OK || resp->status >= 400) {
        source_fail(&a->src, now, "configmap autoscaler-%s: %s", name,
                    resp->error && resp->error[0] ? resp->error : "request failed");
        return;
    }
    if (k8s_autoscaler_parse_configmap(resp->body, resp->len, a, err, sizeof err) != FA_OK) {
        source_fail(&a->src, now, "configmap autoscaler-%s: %s", name, err);
        return;
    }
    a->found = true;
    source_ok(&a->src, now);
}

void k8s_autoscaler_free_all(struct k8s_context_state *s) {
    for (size_t i = 0; i < s->n_autoscalers; i++)
        autoscaler_state_free(&s->autoscalers[i]);
    free(s->autoscalers);
    s->autoscalers = NULL;
    s->n_autoscalers = 0;
}
