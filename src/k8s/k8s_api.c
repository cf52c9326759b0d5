#include "k8s_api.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_get.h"
#include "rfc3339.h"
#include "sanitize.h"
#include "xalloc.h"

/* ---- small readers ------------------------------------------------------------------- */

static const cJSON *get_object(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

static const cJSON *get_array(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsArray(v) ? v : NULL;
}

/* A string where empty means unknown, as for names, versions and reasons. */
static char *get_text(const cJSON *o, const char *key) {
    char *s = json_get_string(o, key);
    if (s != NULL && s[0] == '\0') {
        free(s);
        s = NULL;
    }
    return s;
}

/* Counts, replicas, generations: negative is as unknown as missing. */
static int get_count(const cJSON *o, const char *key) {
    int v = json_get_int(o, key, UNKNOWN_I);
    return v < 0 ? UNKNOWN_I : v;
}

static int64_t get_count64(const cJSON *o, const char *key) {
    int64_t v = json_get_i64(o, key, UNKNOWN_I);
    return v < 0 ? UNKNOWN_I : v;
}

/* 1 / 0 for a boolean, -1 otherwise. */
static int get_tristate(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    if (!cJSON_IsBool(v))
        return UNKNOWN_I;
    return cJSON_IsTrue(v) ? 1 : 0;
}

/* A point in time as epoch ms: a number or numeric string (the operator's jobStatus
 * times are String.valueOf(ms)), or an RFC 3339 string (Kubernetes metadata, events,
 * FlinkStateSnapshot's Instant.toString()). -1 when none of these or before 1970. */
static int64_t get_when(const cJSON *o, const char *key) {
    int64_t v = json_get_i64(o, key, INT64_MIN);
    if (v != INT64_MIN)
        return v < 0 ? UNKNOWN_I : v;
    const char *s = json_get_string_ref(o, key);
    int64_t ms = UNKNOWN_I;
    if (s == NULL || rfc3339_parse(s, &ms) != 0 || ms < 0)
        return UNKNOWN_I;
    return ms;
}

/* sum + v where sum may still be unknown (-1); v >= 0; saturates at INT_MAX. */
static int add_known(int sum, int v) {
    if (sum < 0)
        return v;
    return sum > INT_MAX - v ? INT_MAX : sum + v;
}

static bool str_eq(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

/* ---- one-line text ------------------------------------------------------------------- */

static bool is_ws(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

/* s as one sanitised line: whitespace runs (newlines included) become one space, the
 * ends are trimmed, and the result is capped at K8S_LINE_MAX bytes at a character
 * boundary with an ellipsis. NULL for NULL or nothing left. */
static char *one_line(const char *s) { return k8s_api_one_line(s); }

char *k8s_api_one_line(const char *s) {
    if (s == NULL)
        return NULL;
    /* Newlines and tabs would vanish in sanitising and glue words together: make them
     * spaces first. */
    char *spaced = xstrdup(s);
    for (char *c = spaced; *c != '\0'; c++)
        if (is_ws(*c))
            *c = ' ';
    char *clean = sanitize_strdup(spaced);
    free(spaced);
    size_t o = 0;
    bool gap = false;
    for (const char *c = clean; *c != '\0'; c++) {
        if (*c == ' ') {
            gap = o > 0;
            continue;
        }
        if (gap)
            clean[o++] = ' ';
        gap = false;
        clean[o++] = *c;
    }
    clean[o] = '\0';
    if (o == 0) {
        free(clean);
        return NULL;
    }
    if (o > K8S_LINE_MAX) {
        static const char ellipsis[] = "\xe2\x80\xa6";
        size_t cut = K8S_LINE_MAX - (sizeof ellipsis - 1);
        while (cut > 0 && ((unsigned char)clean[cut] & 0xC0) == 0x80)
            cut--; /* the sanitised text is valid UTF-8: back up to a lead byte */
        memcpy(clean + cut, ellipsis, sizeof ellipsis);
    }
    return clean;
}

/* "SimpleType: message" of one FlinkResourceException object, or NULL. */
static char *exception_line(const cJSON *ex) {
    const char *type = json_get_string_ref(ex, "type");
    const char *msg = json_get_string_ref(ex, "message");
    if (type != NULL) {
        const char *dot = strrchr(type, '.');
        if (dot != NULL && dot[1] != '\0')
            type = dot + 1;
        if (*type == '\0')
            type = NULL;
    }
    if (msg != NULL && *msg == '\0')
        msg = NULL;
    if (type == NULL && msg == NULL)
        return NULL;
    char *joined = type != NULL && msg != NULL ? xasprintf("%s: %s", type, msg)
                                               : xstrdup(type != NULL ? type : msg);
    char *line = one_line(joined);
    free(joined);
    return line;
}

/* status.error: *line as documented on k8s_api_error_line; *cause from the last entry of
 * throwableList when it says something the line does not. */
static void error_parts(const char *raw, char **line, char **cause) {
    *line = NULL;
    if (cause != NULL)
        *cause = NULL;
    if (raw == NULL)
        return;
    const char *p = raw;
    while (is_ws(*p))
        p++;
    cJSON *ex = *p == '{' ? cJSON_Parse(p) : NULL;
    if (cJSON_IsObject(ex))
        *line = exception_line(ex);
    if (*line != NULL && cause != NULL) {
        const cJSON *list = get_array(ex, "throwableList");
        int n = cJSON_GetArraySize(list);
        const cJSON *last = n > 0 ? cJSON_GetArrayItem(list, n - 1) : NULL;
        char *c = cJSON_IsObject(last) ? exception_line(last) : NULL;
        if (c != NULL && strstr(*line, c) == NULL) {
            *cause = c;
            c = NULL;
        }
        free(c);
    }
    cJSON_Delete(ex);
    if (*line == NULL)
        *line = one_line(raw);
}

char *k8s_api_error_line(const char *raw) {
    char *line = NULL;
    error_parts(raw, &line, NULL);
    return line;
}

/* ---- lists --------------------------------------------------------------------------- */

/* The message of a Status object (root), one line, or NULL when root is not one. */
static char *status_message(const cJSON *root) {
    const char *kind = json_get_string_ref(root, "kind");
    const char *status = json_get_string_ref(root, "status");
    const char *msg = json_get_string_ref(root, "message");
    if (!str_eq(kind, "Status") && !(str_eq(status, "Failure") && msg != NULL))
        return NULL;
    char *line = one_line(msg);
    if (line == NULL)
        line = one_line(json_get_string_ref(root, "reason"));
    if (line == NULL)
        line = xstrdup("Kubernetes error without a message");
    return line;
}

/* Parse a List body: *root owned by the caller on FA_OK, *items its "items" array or NULL
 * for "items": null. A Status body instead of a list is FA_SHAPE with its message. */
static enum fa_status parse_list(const char *body, size_t len, const char *key, cJSON **root,
                                 const cJSON **items, char *err, size_t errlen) {
    *items = NULL;
    enum fa_status st = json_doc_parse_object(body, len, root, err, errlen);
    if (st != FA_OK)
        return st;
    char *smsg = status_message(*root);
    if (smsg != NULL) {
        if (err != NULL && errlen > 0)
            snprintf(err, errlen, "Kubernetes error: %s", smsg);
        free(smsg);
        cJSON_Delete(*root);
        *root = NULL;
        return FA_SHAPE;
    }
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(*root, key);
    if (cJSON_IsArray(arr) || cJSON_IsNull(arr)) {
        *items = cJSON_IsArray(arr) ? arr : NULL;
        return FA_OK;
    }
    if (err != NULL && errlen > 0)
        snprintf(err, errlen, "expected object with \"%s\" array", key);
    cJSON_Delete(*root);
    *root = NULL;
    return FA_SHAPE;
}

/* Objects in arr that have a metadata.name (or all objects, when !need_name). */
static bool has_name(const cJSON *o) {
    const char *name = json_get_string_ref(get_object(o, "metadata"), "name");
    return cJSON_IsObject(o) && name != NULL && name[0] != '\0';
}

/* Stable sort of n elements of size bytes, newest first by time_of, unknown (-1) last. */
struct sort_key {
    int64_t t;
    size_t idx;
};

static int cmp_newest(const void *a, const void *b) {
    const struct sort_key *x = a, *y = b;
    if (x->t != y->t)
        return x->t > y->t ? -1 : 1;
    return x->idx < y->idx ? -1 : (x->idx > y->idx);
}

static void sort_newest(void *base, size_t n, size_t size, int64_t (*time_of)(const void *)) {
    if (n < 2)
        return;
    struct sort_key *keys = xcalloc(n, sizeof *keys);
    unsigned char *items = base;
    for (size_t i = 0; i < n; i++) {
        keys[i].t = time_of(items + i * size);
        keys[i].idx = i;
    }
    qsort(keys, n, sizeof *keys, cmp_newest);
    unsigned char *sorted = xcalloc(n, size);
    for (size_t i = 0; i < n; i++)
        memcpy(sorted + i * size, items + keys[i].idx * size, size);
    memcpy(items, sorted, n * size);
    free(sorted);
    free(keys);
}

/* ---- flinkConfiguration -------------------------------------------------------------- */

struct conf_builder {
    struct flink_conf_entry *items;
    size_t len, cap;
    bool truncated;
};

/* Takes key and value (owned). A key seen before keeps its place and takes the new
 * value, as the operator's flat map does. */
static void conf_put(struct conf_builder *cb, char *key, char *value) {
    for (size_t i = 0; i < cb->len; i++) {
        if (strcmp(cb->items[i].key, key) == 0) {
            free(cb->items[i].value);
            cb->items[i].value = value;
            free(key);
            return;
        }
    }
    if (cb->len == FLINK_CONF_MAX) {
        cb->truncated = true;
        free(key);
        free(value);
        return;
    }
    if (cb->len == cb->cap) {
        cb->cap = cb->cap ? cb->cap * 2 : 16;
        cb->items = xrealloc(cb->items, cb->cap * sizeof *cb->items);
    }
    cb->items[cb->len].key = key;
    cb->items[cb->len].value = value;
    cb->len++;
}

/* A number as Jackson's asText would write it for the usual cases: whole numbers without
 * a fraction, others in the shortest of %.15g / %.17g that reads back exactly. */
static char *number_text(double d) {
    if (d > -9.2e18 && d < 9.2e18 && d == (double)(int64_t)d)
        return xasprintf("%" PRId64, (int64_t)d);
    char *s = xasprintf("%.15g", d);
    if (strtod(s, NULL) != d) {
        free(s);
        s = xasprintf("%.17g", d);
    }
    return s;
}

/* A scalar as text, sanitised; "" for an object or array (Jackson asText). */
static char *scalar_text(const cJSON *v) {
    if (cJSON_IsString(v))
        return sanitize_strdup(v->valuestring);
    if (cJSON_IsNumber(v))
        return number_text(v->valuedouble);
    if (cJSON_IsBool(v))
        return xstrdup(cJSON_IsTrue(v) ? "true" : "false");
    if (cJSON_IsNull(v))
        return xstrdup("null");
    return xstrdup("");
}

/* Flatten the way the operator's ConfigObjectNode.asFlatMap does: nested keys joined
 * with dots, arrays as their elements' text joined with ';' (an empty array gives no
 * entry), scalars as text. key is the raw (unsanitised) path so far, NULL at the top. */
static void conf_flatten(struct conf_builder *cb, const cJSON *node, const char *key) {
    if (cJSON_IsObject(node)) {
        const cJSON *kid;
        cJSON_ArrayForEach(kid, node) {
            if (kid->string == NULL)
                continue;
            char *sub = key == NULL ? xstrdup(kid->string) : xasprintf("%s.%s", key, kid->string);
            if (strlen(sub) > FLINK_CONF_MAX_KEY)
                cb->truncated = true;
            else
                conf_flatten(cb, kid, sub);
            free(sub);
        }
        return;
    }
    if (key == NULL)
        return;
    char *value = NULL;
    if (cJSON_IsArray(node)) {
        if (cJSON_GetArraySize(node) == 0)
            return;
        size_t cap = 64, len = 0;
        value = xmalloc(cap);
        value[0] = '\0';
        const cJSON *el;
        cJSON_ArrayForEach(el, node) {
            char *t = scalar_text(el);
            size_t tl = strlen(t);
            size_t need = len + 1 + tl + 1; /* ';', the text, NUL */
            if (need > cap) {
                while (cap < need)
                    cap *= 2;
                value = xrealloc(value, cap);
            }
            if (el != node->child)
                value[len++] = ';';
            memcpy(value + len, t, tl + 1);
            len += tl;
            free(t);
        }
    } else {
        value = scalar_text(node);
    }
    conf_put(cb, sanitize_strdup(key), value);
}

/* Replace every key and string in a tree we own by its sanitised form, in place (the
 * sanitised form is never longer). */
static void sanitize_in_place(char *s) {
    if (s == NULL)
        return;
    char *clean = sanitize_strdup(s);
    size_t n = strlen(clean);
    if (n <= strlen(s))
        memcpy(s, clean, n + 1);
    else
        s[0] = '\0';
    free(clean);
}

static void sanitize_tree(cJSON *node) {
    for (; node != NULL; node = node->next) {
        sanitize_in_place(node->string);
        if (cJSON_IsString(node))
            sanitize_in_place(node->valuestring);
        sanitize_tree(node->child);
    }
}

static void parse_conf(const cJSON *conf, struct flink_resource_spec *sp) {
    if (!cJSON_IsObject(conf))
        return;
    struct conf_builder cb = {NULL, 0, 0, false};
    conf_flatten(&cb, conf, NULL);
    sp->conf = cb.items;
    sp->conf_len = cb.len;
    sp->conf_truncated = cb.truncated;
    /* main.c routes cJSON's allocations through xalloc: NULL only without those hooks */
    sp->conf_raw = cJSON_Duplicate(conf, true);
    if (sp->conf_raw != NULL)
        sanitize_tree(sp->conf_raw->child);
}

/* ---- FlinkDeployment / FlinkSessionJob ----------------------------------------------- */

static void parse_job_spec(const cJSON *job, struct flink_job_spec *j) {
    j->jar_uri = get_text(job, "jarURI");
    j->entry_class = get_text(job, "entryClass");
    j->parallelism = get_count(job, "parallelism");
    j->upgrade_mode = get_text(job, "upgradeMode");
    j->state = get_text(job, "state");
    j->savepoint_trigger_nonce = json_get_i64(job, "savepointTriggerNonce", UNKNOWN_I);
    j->checkpoint_trigger_nonce = json_get_i64(job, "checkpointTriggerNonce", UNKNOWN_I);
    j->initial_savepoint_path = get_text(job, "initialSavepointPath");
    j->savepoint_redeploy_nonce = json_get_i64(job, "savepointRedeployNonce", UNKNOWN_I);
    j->allow_non_restored_state = get_tristate(job, "allowNonRestoredState");
}

static void parse_resource_status(const cJSON *status, struct flink_resource_status *st) {
    if (status == NULL)
        return;
    st->present = true;
    st->lifecycle = flink_lifecycle_parse(json_get_string_ref(status, "lifecycleState"));
    st->jm_status =
        jm_deploy_state_parse(json_get_string_ref(status, "jobManagerDeploymentStatus"));
    const cJSON *js = get_object(status, "jobStatus");
    json_doc_copy_hex_id(st->job.job_id, json_get_string_ref(js, "jobId"));
    st->job.job_name = get_text(js, "jobName");
    st->job.state = job_state_parse(json_get_string_ref(js, "state"));
    st->job.start_ms = get_when(js, "startTime");
    st->job.update_ms = get_when(js, "updateTime");
    st->job.upgrade_savepoint_path = get_text(js, "upgradeSavepointPath");
    const cJSON *rs = get_object(status, "reconciliationStatus");
    st->reconciliation = reconcile_state_parse(json_get_string_ref(rs, "state"));
    error_parts(json_get_string_ref(status, "error"), &st->error, &st->error_cause);
    st->observed_generation = get_count64(status, "observedGeneration");
    st->cluster_flink_version = get_text(get_object(status, "clusterInfo"), "flink-version");
    const cJSON *tm = get_object(status, "taskManager");
    st->tm_replicas = get_count(tm, "replicas");
    st->tm_label_selector = get_text(tm, "labelSelector");
}

static void parse_flink_resource(const cJSON *o, enum flink_kind dflt_kind,
                                 struct flink_resource *r) {
    flink_resource_init(r);
    r->kind = flink_kind_parse(json_get_string_ref(o, "kind"));
    if (r->kind == FLINK_KIND_UNKNOWN)
        r->kind = dflt_kind;
    const cJSON *meta = get_object(o, "metadata");
    r->namespace = get_text(meta, "namespace");
    r->name = get_text(meta, "name");
    r->uid = get_text(meta, "uid");
    r->resource_version = get_text(meta, "resourceVersion");
    r->generation = get_count64(meta, "generation");
    r->created_ms = get_when(meta, "creationTimestamp");

    const cJSON *spec = get_object(o, "spec");
    struct flink_resource_spec *sp = &r->spec;
    sp->image = get_text(spec, "image");
    sp->flink_version = get_text(spec, "flinkVersion");
    sp->mode = get_text(spec, "mode");
    sp->service_account = get_text(spec, "serviceAccount");
    sp->deployment_name = get_text(spec, "deploymentName");
    const cJSON *job = get_object(spec, "job");
    sp->has_job = job != NULL;
    parse_job_spec(job, &sp->job);
    sp->restart_nonce = json_get_i64(spec, "restartNonce", UNKNOWN_I);
    sp->tm_replicas = get_count(get_object(spec, "taskManager"), "replicas");
    sp->jm_replicas = get_count(get_object(spec, "jobManager"), "replicas");
    parse_conf(get_object(spec, "flinkConfiguration"), sp);

    parse_resource_status(get_object(o, "status"), &r->status);
}

/* "FlinkDeploymentList" -> FLINK_KIND_DEPLOYMENT */
static enum flink_kind list_item_kind(const cJSON *root) {
    const char *kind = json_get_string_ref(root, "kind");
    if (kind == NULL)
        return FLINK_KIND_UNKNOWN;
    size_t n = strlen(kind);
    if (n <= 4 || strcmp(kind + n - 4, "List") != 0)
        return FLINK_KIND_UNKNOWN;
    for (int k = 1; k < FLINK_KIND_COUNT; k++) {
        const char *name = flink_kind_name((enum flink_kind)k);
        if (strlen(name) == n - 4 && strncmp(kind, name, n - 4) == 0)
            return (enum flink_kind)k;
    }
    return FLINK_KIND_UNKNOWN;
}

static void fill_resource(const cJSON *o, void *item, void *ctx) {
    (void)ctx;
    parse_flink_resource(o, *(const enum flink_kind *)ctx, item);
}

enum fa_status k8s_api_parse_flink_resources(const char *body, size_t len,
                                             struct flink_resource_list *out, char *err,
                                             size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    const cJSON *items = NULL;
    enum fa_status st = parse_list(body, len, "items", &root, &items, err, errlen);
    if (st != FA_OK)
        return st;
    enum flink_kind dflt = list_item_kind(root);
    out->items =
        json_doc_map_list(items, sizeof *out->items, has_name, fill_resource, &dflt, &out->len);
    cJSON_Delete(root);
    return FA_OK;
}

/* Parse a single object that must have a metadata.name; on FA_OK *root is the caller's.
 * A Status body is FA_SHAPE with its message. */
static enum fa_status parse_single(const char *body, size_t len, cJSON **root, char *err,
                                   size_t errlen) {
    enum fa_status st = json_doc_parse_object(body, len, root, err, errlen);
    if (st != FA_OK)
        return st;
    char *smsg = status_message(*root);
    if (smsg != NULL || !has_name(*root)) {
        if (err != NULL && errlen > 0) {
            if (smsg != NULL)
                snprintf(err, errlen, "Kubernetes error: %s", smsg);
            else
                snprintf(err, errlen, "expected object with metadata.name");
        }
        free(smsg);
        cJSON_Delete(*root);
        *root = NULL;
        return FA_SHAPE;
    }
    return FA_OK;
}

enum fa_status k8s_api_parse_flink_resource(const char *body, size_t len,
                                            struct flink_resource *out, char *err, size_t errlen) {
    flink_resource_init(out);
    cJSON *root = NULL;
    enum fa_status st = parse_single(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    parse_flink_resource(root, FLINK_KIND_UNKNOWN, out);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- FlinkStateSnapshot -------------------------------------------------------------- */

static void parse_snapshot(const cJSON *o, struct flink_snapshot *s) {
    flink_snapshot_init(s);
    const cJSON *meta = get_object(o, "metadata");
    s->namespace = get_text(meta, "namespace");
    s->name = get_text(meta, "name");
    s->created_ms = get_when(meta, "creationTimestamp");
    const cJSON *spec = get_object(o, "spec");
    const cJSON *ref = get_object(spec, "jobReference");
    s->job_kind = flink_kind_parse(json_get_string_ref(ref, "kind"));
    s->job_name = get_text(ref, "name");
    s->checkpoint = get_object(spec, "checkpoint") != NULL;
    const cJSON *sp = get_object(spec, "savepoint");
    s->spec_path = get_text(sp, "path");
    s->already_exists = get_tristate(sp, "alreadyExists");
    const cJSON *status = get_object(o, "status");
    s->state = snapshot_state_parse(json_get_string_ref(status, "state"));
    s->path = get_text(status, "path");
    s->error = k8s_api_error_line(json_get_string_ref(status, "error"));
    s->trigger_id = get_text(status, "triggerId");
    s->failures = get_count(status, "failures");
    s->trigger_ms = get_when(status, "triggerTimestamp");
    s->result_ms = get_when(status, "resultTimestamp");
}

static int64_t snapshot_time(const void *p) {
    return ((const struct flink_snapshot *)p)->created_ms;
}

static void fill_snapshot(const cJSON *o, void *item, void *ctx) {
    (void)ctx;
    parse_snapshot(o, item);
}

enum fa_status k8s_api_parse_snapshots(const char *body, size_t len,
                                       struct flink_snapshot_list *out, char *err, size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    const cJSON *items = NULL;
    enum fa_status st = parse_list(body, len, "items", &root, &items, err, errlen);
    if (st != FA_OK)
        return st;
    out->items =
        json_doc_map_list(items, sizeof *out->items, has_name, fill_snapshot, NULL, &out->len);
    cJSON_Delete(root);
    sort_newest(out->items, out->len, sizeof *out->items, snapshot_time);
    return FA_OK;
}

enum fa_status k8s_api_parse_snapshot(const char *body, size_t len, struct flink_snapshot *out,
                                      char *err, size_t errlen) {
    flink_snapshot_init(out);
    cJSON *root = NULL;
    enum fa_status st = parse_single(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    parse_snapshot(root, out);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- Pods ---------------------------------------------------------------------------- */

/* Keep the later of two terminations (a known time beats an unknown one). */
static void take_termination(struct pod *p, const cJSON *term, bool *have) {
    if (term == NULL)
        return;
    int64_t when = get_when(term, "finishedAt");
    if (*have && when <= p->term_ms)
        return;
    free(p->term_reason);
    p->term_reason = get_text(term, "reason");
    p->term_exit_code = get_count(term, "exitCode");
    p->term_ms = when;
    *have = true;
}

/* Walk containerStatuses (init == false) or initContainerStatuses. */
static void pod_containers(struct pod *p, const cJSON *statuses, bool init, int *ready, int *total,
                           bool *have_term) {
    const cJSON *cs;
    cJSON_ArrayForEach(cs, statuses) {
        if (!cJSON_IsObject(cs))
            continue;
        if (!init) {
            (*total)++;
            if (json_get_bool(cs, "ready", false))
                (*ready)++;
        }
        int rc = get_count(cs, "restartCount");
        if (rc >= 0)
            p->restarts = add_known(p->restarts, rc);
        const cJSON *state = get_object(cs, "state");
        const cJSON *waiting = get_object(state, "waiting");
        const char *wr = json_get_string_ref(waiting, "reason");
        if (wr != NULL && *wr != '\0' && p->waiting_reason == NULL) {
            char *raw = init ? xasprintf("Init:%s", wr) : xstrdup(wr);
            p->waiting_reason = sanitize_strdup(raw);
            free(raw);
            p->waiting_message = one_line(json_get_string_ref(waiting, "message"));
        }
        if (!init) {
            take_termination(p, get_object(get_object(cs, "lastState"), "terminated"), have_term);
            take_termination(p, get_object(state, "terminated"), have_term);
        }
    }
}

int64_t k8s_api_parse_quantity(const char *s) {
    if (s == NULL || *s == '\0')
        return UNKNOWN_I;
    char *end = NULL;
    double v = strtod(s, &end);
    if (end == s || !(v >= 0) || v > 9.0e18)
        return UNKNOWN_I;
    static const struct {
        const char *suffix;
        double mult;
    } units[] = {{"", 1},
                 {"Ki", 1024.0},
                 {"Mi", 1048576.0},
                 {"Gi", 1073741824.0},
                 {"Ti", 1099511627776.0},
                 {"Pi", 1125899906842624.0},
                 {"k", 1e3},
                 {"M", 1e6},
                 {"G", 1e9},
                 {"T", 1e12},
                 {"P", 1e15},
                 {"m", 1e-3}};
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
        if (strcmp(end, units[i].suffix) != 0)
            continue;
        double b = v * units[i].mult;
        return b > 9.0e18 ? UNKNOWN_I : (int64_t)(b + 0.5);
    }
    return UNKNOWN_I;
}

/* The memory limit of flink-main-container, else of the first container. */
static int64_t pod_memory_limit(const cJSON *spec) {
    const cJSON *c, *pick = NULL;
    cJSON_ArrayForEach(c, get_array(spec, "containers")) {
        if (pick == NULL || str_eq(json_get_string_ref(c, "name"), "flink-main-container"))
            pick = c;
    }
    const cJSON *lim = get_object(get_object(pick, "resources"), "limits");
    return k8s_api_parse_quantity(json_get_string_ref(lim, "memory"));
}

static void parse_pod(const cJSON *o, struct pod *p) {
    pod_init(p);
    const cJSON *meta = get_object(o, "metadata");
    p->namespace = get_text(meta, "namespace");
    p->name = get_text(meta, "name");
    const cJSON *labels = get_object(meta, "labels");
    p->app = get_text(labels, "app");
    p->component = get_text(labels, "component");
    p->created_ms = get_when(meta, "creationTimestamp");
    const cJSON *spec = get_object(o, "spec");
    p->node = get_text(spec, "nodeName");
    p->memory_limit = pod_memory_limit(spec);
    const cJSON *status = get_object(o, "status");
    if (status == NULL)
        return;
    p->phase = pod_phase_parse(json_get_string_ref(status, "phase"));
    p->reason = get_text(status, "reason");
    p->message = one_line(json_get_string_ref(status, "message"));
    if (p->reason == NULL) {
        const cJSON *c;
        cJSON_ArrayForEach(c, get_array(status, "conditions")) {
            if (str_eq(json_get_string_ref(c, "type"), "PodScheduled") &&
                str_eq(json_get_string_ref(c, "status"), "False")) {
                p->reason = get_text(c, "reason");
                if (p->message == NULL)
                    p->message = one_line(json_get_string_ref(c, "message"));
                break;
            }
        }
    }
    int ready = 0, total = 0;
    bool have_term = false;
    /* Init containers first: one of them waiting is why the others are. */
    pod_containers(p, get_array(status, "initContainerStatuses"), true, &ready, &total, &have_term);
    pod_containers(p, get_array(status, "containerStatuses"), false, &ready, &total, &have_term);
    if (total == 0) {
        /* Nothing reported (not scheduled yet): none of the spec's containers is ready. */
        const cJSON *containers = get_array(spec, "containers");
        int n = cJSON_GetArraySize(containers);
        total = n > 0 ? n : 0;
    }
    p->containers_total = total > 0 ? total : UNKNOWN_I;
    p->containers_ready = total > 0 ? ready : UNKNOWN_I;
    if (total > 0)
        p->ready = ready == total ? 1 : 0;
    else if (p->phase != POD_PHASE_UNKNOWN)
        p->ready = 0;
}

static void fill_pod(const cJSON *o, void *item, void *ctx) {
    (void)ctx;
    parse_pod(o, item);
}

enum fa_status k8s_api_parse_pods(const char *body, size_t len, struct pod_list *out, char *err,
                                  size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    const cJSON *items = NULL;
    enum fa_status st = parse_list(body, len, "items", &root, &items, err, errlen);
    if (st != FA_OK)
        return st;
    out->items = json_doc_map_list(items, sizeof *out->items, has_name, fill_pod, NULL, &out->len);
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- Events -------------------------------------------------------------------------- */

static void parse_event(const cJSON *o, struct k8s_event *e) {
    k8s_event_init(e);
    const cJSON *meta = get_object(o, "metadata");
    const cJSON *obj = get_object(o, "involvedObject");
    if (obj == NULL)
        obj = get_object(o, "regarding"); /* events.k8s.io/v1 */
    e->namespace = get_text(meta, "namespace");
    e->name = get_text(meta, "name");
    if (e->namespace == NULL)
        e->namespace = get_text(obj, "namespace");
    e->object_kind = get_text(obj, "kind");
    e->object_name = get_text(obj, "name");
    e->type = get_text(o, "type");
    e->warning = str_eq(e->type, "Warning");
    e->reason = get_text(o, "reason");
    const char *msg = json_get_string_ref(o, "message");
    e->message = one_line(msg != NULL ? msg : json_get_string_ref(o, "note"));

    const cJSON *series = get_object(o, "series");
    int count = get_count(series, "count");
    if (count <= 0)
        count = get_count(o, "count");
    if (count <= 0)
        count = get_count(o, "deprecatedCount");
    e->count = count > 0 ? count : 1; /* the event is there: it happened at least once */

    e->source = get_text(get_object(o, "source"), "component");
    if (e->source == NULL)
        e->source = get_text(o, "reportingComponent");
    if (e->source == NULL)
        e->source = get_text(o, "reportingController");

    int64_t t = get_when(o, "lastTimestamp");
    if (t < 0)
        t = get_when(o, "deprecatedLastTimestamp");
    if (t < 0)
        t = get_when(series, "lastObservedTime");
    if (t < 0)
        t = get_when(o, "eventTime");
    if (t < 0)
        t = get_when(o, "firstTimestamp");
    if (t < 0)
        t = get_when(o, "deprecatedFirstTimestamp");
    if (t < 0)
        t = get_when(meta, "creationTimestamp");
    e->last_ms = t;
}

static int64_t event_time(const void *p) { return ((const struct k8s_event *)p)->last_ms; }

void k8s_api_sort_events(struct k8s_event_list *l) {
    sort_newest(l->items, l->len, sizeof *l->items, event_time);
}

static void fill_event(const cJSON *o, void *item, void *ctx) {
    (void)ctx;
    parse_event(o, item);
}

enum fa_status k8s_api_parse_events(const char *body, size_t len, struct k8s_event_list *out,
                                    char *err, size_t errlen) {
    out->items = NULL;
    out->len = 0;
    cJSON *root = NULL;
    const cJSON *items = NULL;
    enum fa_status st = parse_list(body, len, "items", &root, &items, err, errlen);
    if (st != FA_OK)
        return st;
    out->items = json_doc_map_list(items, sizeof *out->items, NULL, fill_event, NULL, &out->len);
    cJSON_Delete(root);
    k8s_api_sort_events(out);
    return FA_OK;
}

/* ---- one object (a list item, a watch event's object) -------------------------------- */

bool k8s_api_flink_resource_from(const cJSON *o, enum flink_kind dflt_kind,
                                 struct flink_resource *out) {
    flink_resource_init(out);
    if (!has_name(o))
        return false;
    parse_flink_resource(o, dflt_kind, out);
    return true;
}

bool k8s_api_snapshot_from(const cJSON *o, struct flink_snapshot *out) {
    flink_snapshot_init(out);
    if (!has_name(o))
        return false;
    parse_snapshot(o, out);
    return true;
}

bool k8s_api_pod_from(const cJSON *o, struct pod *out) {
    pod_init(out);
    if (!has_name(o))
        return false;
    parse_pod(o, out);
    return true;
}

bool k8s_api_event_from(const cJSON *o, struct k8s_event *out) {
    k8s_event_init(out);
    if (!cJSON_IsObject(o))
        return false;
    parse_event(o, out);
    return true;
}

/* ---- the API server ------------------------------------------------------------------ */

/* The leading decimal digits of a version field ("29+", "1", 29), or -1. */
static int version_number(const cJSON *o, const char *key) {
    int v = get_count(o, key);
    if (v >= 0)
        return v;
    const char *s = json_get_string_ref(o, key);
    if (s == NULL || *s < '0' || *s > '9')
        return UNKNOWN_I;
    errno = 0;
    char *end = NULL;
    long n = strtol(s, &end, 10);
    if (errno != 0 || end == s || n > INT_MAX)
        return UNKNOWN_I;
    return (int)n;
}

enum fa_status k8s_api_parse_version(const char *body, size_t len, struct k8s_version *out,
                                     char *err, size_t errlen) {
    k8s_version_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    out->major = version_number(root, "major");
    out->minor = version_number(root, "minor");
    out->git_version = get_text(root, "gitVersion");
    out->platform = get_text(root, "platform");
    cJSON_Delete(root);
    return FA_OK;
}

enum fa_status k8s_api_parse_discovery(const char *body, size_t len, struct k8s_discovery *out,
                                       char *err, size_t errlen) {
    out->deployments = false;
    out->session_jobs = false;
    out->snapshots = false;
    cJSON *root = NULL;
    const cJSON *resources = NULL;
    enum fa_status st = parse_list(body, len, "resources", &root, &resources, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *r;
    cJSON_ArrayForEach(r, resources) {
        const char *name = json_get_string_ref(r, "name");
        if (str_eq(name, "flinkdeployments"))
            out->deployments = true;
        else if (str_eq(name, "flinksessionjobs"))
            out->session_jobs = true;
        else if (str_eq(name, "flinkstatesnapshots"))
            out->snapshots = true;
    }
    cJSON_Delete(root);
    return FA_OK;
}

char *k8s_api_error_message(const char *body, size_t len) {
    cJSON *root = NULL;
    if (json_doc_parse_object(body, len, &root, NULL, 0) != FA_OK)
        return NULL;
    char *msg = status_message(root);
    cJSON_Delete(root);
    return msg;
}

