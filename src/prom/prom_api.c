#include "prom_api.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "errf.h"
#include "json_doc.h"
#include "rfc3339.h"
#include "sanitize.h"
#include "xalloc.h"

#define PROM_STATUS_TEXT(id, msg) msg,
static const char *const status_text[] = {PROM_API_STATUS(PROM_STATUS_TEXT)};
#undef PROM_STATUS_TEXT

const char *prom_api_status_message(enum prom_api_status s) {
    if ((int)s < 0 || (size_t)s >= sizeof status_text / sizeof status_text[0])
        return "?";
    return status_text[s];
}

int prom_api_parse_value(const char *s, double *v) {
    if (s == NULL || s[0] == '\0')
        return -1;
    /* Go's strconv.FormatFloat and "NaN", "+Inf", "-Inf"; strtod reads them all, and
     * nothing else may follow (no hex floats: Prometheus never writes them). */
    for (const char *p = s; *p; p++)
        if (*p == 'x' || *p == 'X')
            return -1;
    char *end = NULL;
    double d = strtod(s, &end);
    if (end == s || *end != '\0')
        return -1;
    *v = d;
    return 0;
}

/* [T, "V"]: T seconds (a JSON number) and V a value string. */
static bool parse_pair(const cJSON *pair, struct prom_sample *out) {
    if (!cJSON_IsArray(pair) || cJSON_GetArraySize(pair) != 2)
        return false;
    const cJSON *t = cJSON_GetArrayItem(pair, 0), *v = cJSON_GetArrayItem(pair, 1);
    if (!cJSON_IsNumber(t) || !cJSON_IsString(v) || !isfinite(t->valuedouble))
        return false;
    double ms = t->valuedouble * 1000.0;
    if (ms < -9.2e18 || ms > 9.2e18)
        return false;
    if (prom_api_parse_value(v->valuestring, &out->v) != 0)
        return false;
    out->t_ms = (int64_t)llround(ms);
    return true;
}

/* Labels of an object {"name": "value", ...}; non-string values are skipped. */
static struct prom_label *parse_labels(const cJSON *obj, size_t *n, bool *truncated) {
    *n = 0;
    if (!cJSON_IsObject(obj))
        return NULL;
    size_t count = 0;
    for (const cJSON *it = obj->child; it; it = it->next)
        count += cJSON_IsString(it) && it->string != NULL;
    if (count > PROM_API_MAX_LABELS) {
        count = PROM_API_MAX_LABELS;
        *truncated = true;
    }
    if (count == 0)
        return NULL;
    struct prom_label *l = xcalloc(count, sizeof *l);
    for (const cJSON *it = obj->child; it && *n < count; it = it->next) {
        if (!cJSON_IsString(it) || it->string == NULL)
            continue;
        l[*n].name = sanitize_strdup(it->string);
        l[*n].value = sanitize_strdup(it->valuestring);
        (*n)++;
    }
    return l;
}

static void labels_free(struct prom_label *l, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(l[i].name);
        free(l[i].value);
    }
    free(l);
}

const char *prom_label_get(const struct prom_label *labels, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(labels[i].name, name) == 0)
            return labels[i].value;
    return NULL;
}

void prom_result_free(struct prom_result *r) {
    for (size_t i = 0; i < r->n_series; i++) {
        labels_free(r->series[i].labels, r->series[i].n_labels);
        free(r->series[i].samples);
    }
    free(r->series);
    free(r->string);
    for (size_t i = 0; i < r->n_warnings; i++)
        free(r->warnings[i]);
    free(r->warnings);
    memset(r, 0, sizeof *r);
}

void prom_alert_list_free(struct prom_alert_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        labels_free(l->items[i].labels, l->items[i].n_labels);
        free(l->items[i].summary);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}

/* The envelope: parse, check "status", say an error body in one line. On OK *root is
 * owned by the caller and *data borrowed from it. */
static enum prom_api_status envelope(const char *body, size_t len, long http_status, cJSON **root,
                                     const cJSON **data, char *err, size_t errlen) {
    *root = NULL;
    *data = NULL;
    char jerr[160] = "";
    bool http_bad = http_status >= 300 || http_status < 0;
    enum fa_status fs = json_doc_parse_object(body, len, root, jerr, sizeof jerr);
    if (fs != FA_OK) {
        if (http_bad) /* a proxy's HTML page or nothing: the status is what there is */
            errf(err, errlen, "HTTP %ld", http_status);
        else
            errf(err, errlen, "%s", jerr[0] ? jerr : fa_status_message(fs));
        return fs == FA_EMPTY ? PROM_API_EMPTY : fs == FA_SYNTAX ? PROM_API_SYNTAX : PROM_API_SHAPE;
    }
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(*root, "status");
    const char *st = cJSON_IsString(status) ? status->valuestring : NULL;
    if (http_bad || st == NULL || strcmp(st, "success") != 0) {
        const cJSON *et = cJSON_GetObjectItemCaseSensitive(*root, "errorType");
        const cJSON *e = cJSON_GetObjectItemCaseSensitive(*root, "error");
        char *type = cJSON_IsString(et) ? sanitize_strdup(et->valuestring) : NULL;
        char *msg = cJSON_IsString(e) ? sanitize_strdup(e->valuestring) : NULL;
        /* a Kubernetes Status: the API server's service proxy answered, not Prometheus */
        const cJSON *kind = cJSON_GetObjectItemCaseSensitive(*root, "kind");
        const cJSON *km = cJSON_GetObjectItemCaseSensitive(*root, "message");
        if (msg == NULL && type == NULL && cJSON_IsString(kind) &&
            strcmp(kind->valuestring, "Status") == 0 && cJSON_IsString(km))
            msg = sanitize_strdup(km->valuestring);
        enum prom_api_status rc = PROM_API_ERROR;
        char code[24] = "";
        if (http_status > 0)
            errf(code, sizeof code, "HTTP %ld: ", http_status);
        if (type || msg)
            errf(err, errlen, "%s%s%s%s", code, type ? type : "", type && msg ? ": " : "",
                 msg ? msg : "");
        else if (st != NULL && strcmp(st, "error") == 0)
            errf(err, errlen, "%serror without a message", code);
        else if (http_bad)
            errf(err, errlen, "HTTP %ld", http_status);
        else {
            errf(err, errlen, "status is not \"success\"");
            rc = PROM_API_SHAPE;
        }
        free(type);
        free(msg);
        cJSON_Delete(*root);
        *root = NULL;
        return rc;
    }
    *data = cJSON_GetObjectItemCaseSensitive(*root, "data");
    if (!cJSON_IsObject(*data)) {
        errf(err, errlen, "expected \"data\" object");
        cJSON_Delete(*root);
        *root = NULL;
        *data = NULL;
        return PROM_API_SHAPE;
    }
    return PROM_API_OK;
}

static void read_warnings(const cJSON *root, struct prom_result *out) {
    const cJSON *w = cJSON_GetObjectItemCaseSensitive(root, "warnings");
    if (!cJSON_IsArray(w))
        return;
    int n = cJSON_GetArraySize(w);
    out->warnings = xcalloc(PROM_API_MAX_WARNINGS, sizeof *out->warnings);
    for (int i = 0; i < n && out->n_warnings < PROM_API_MAX_WARNINGS; i++) {
        const cJSON *s = cJSON_GetArrayItem(w, i);
        if (cJSON_IsString(s))
            out->warnings[out->n_warnings++] = sanitize_strdup(s->valuestring);
    }
}

/* Vector and matrix results: each element {"metric": {...}, "value": [T,"V"]} or
 * {"metric": {...}, "values": [[T,"V"], ...]}. Elements of the wrong shape are skipped. */
static void read_series(const cJSON *result, bool matrix, struct prom_result *out) {
    int n = cJSON_GetArraySize(result);
    size_t cap = (size_t)n < PROM_API_MAX_SERIES ? (size_t)n : PROM_API_MAX_SERIES;
    out->series = xcalloc(cap ? cap : 1, sizeof *out->series);
    size_t samples = 0;
    for (const cJSON *el = result->child; el; el = el->next) {
        if (out->n_series == cap || samples >= PROM_API_MAX_SAMPLES) {
            out->truncated = true;
            break;
        }
        if (!cJSON_IsObject(el))
            continue;
        struct prom_series *s = &out->series[out->n_series];
        const cJSON *vals = cJSON_GetObjectItemCaseSensitive(el, matrix ? "values" : "value");
        if (matrix) {
            if (!cJSON_IsArray(vals))
                continue;
            size_t m = (size_t)cJSON_GetArraySize(vals);
            if (m > PROM_API_MAX_SAMPLES - samples) {
                m = PROM_API_MAX_SAMPLES - samples;
                out->truncated = true;
            }
            s->samples = xcalloc(m ? m : 1, sizeof *s->samples);
            for (const cJSON *p = vals->child; p && s->n_samples < m; p = p->next)
                if (parse_pair(p, &s->samples[s->n_samples]))
                    s->n_samples++;
        } else {
            s->samples = xcalloc(1, sizeof *s->samples);
            if (parse_pair(vals, &s->samples[0]))
                s->n_samples = 1;
        }
        samples += s->n_samples;
        s->labels = parse_labels(cJSON_GetObjectItemCaseSensitive(el, "metric"), &s->n_labels,
                                 &out->truncated);
        out->n_series++;
    }
}

enum prom_api_status prom_api_parse_query(const char *body, size_t len, long http_status,
                                          struct prom_result *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    const cJSON *data = NULL;
    enum prom_api_status rc = envelope(body, len, http_status, &root, &data, err, errlen);
    if (rc != PROM_API_OK)
        return rc;
    const cJSON *rt = cJSON_GetObjectItemCaseSensitive(data, "resultType");
    const cJSON *result = cJSON_GetObjectItemCaseSensitive(data, "result");
    const char *type = cJSON_IsString(rt) ? rt->valuestring : "";
    if (strcmp(type, "vector") == 0 || strcmp(type, "matrix") == 0) {
        bool matrix = type[0] == 'm';
        if (!cJSON_IsArray(result)) {
            errf(err, errlen, "expected \"result\" array for a %s", type);
            rc = PROM_API_SHAPE;
            goto out;
        }
        out->type = matrix ? PROM_RESULT_MATRIX : PROM_RESULT_VECTOR;
        read_series(result, matrix, out);
    } else if (strcmp(type, "scalar") == 0 || strcmp(type, "string") == 0) {
        struct prom_sample s;
        bool str = type[1] == 't';
        const cJSON *v = cJSON_GetArrayItem(result, 1);
        /* a string result is [T, "text"]: the text need not be a number */
        bool ok = str ? cJSON_IsArray(result) && cJSON_GetArraySize(result) == 2 &&
                            cJSON_IsNumber(cJSON_GetArrayItem(result, 0)) && cJSON_IsString(v)
                      : parse_pair(result, &s);
        if (!ok) {
            errf(err, errlen, "expected [time, \"value\"] for a %s", type);
            rc = PROM_API_SHAPE;
            goto out;
        }
        if (str) {
            out->type = PROM_RESULT_STRING;
            out->string = sanitize_strdup(v->valuestring);
            double t = cJSON_GetArrayItem(result, 0)->valuedouble * 1000.0;
            out->string_ms = isfinite(t) && fabs(t) < 9.2e18 ? (int64_t)llround(t) : -1;
        } else {
            out->type = PROM_RESULT_SCALAR;
            out->series = xcalloc(1, sizeof *out->series);
            out->series[0].samples = xmalloc(sizeof s);
            out->series[0].samples[0] = s;
            out->series[0].n_samples = 1;
            out->n_series = 1;
        }
    } else {
        errf(err, errlen, "unknown resultType");
        rc = PROM_API_SHAPE;
        goto out;
    }
    read_warnings(root, out);
out:
    if (rc != PROM_API_OK)
        prom_result_free(out);
    cJSON_Delete(root);
    return rc;
}

/* The envelope, then data.KEY as an array (*arr borrowed from *root, which the caller
 * deletes on PROM_API_OK; on an error nothing is left to free). */
static enum prom_api_status data_array(const char *body, size_t len, long http_status,
                                       const char *key, cJSON **root, const cJSON **arr,
                                       char *err, size_t errlen) {
    const cJSON *data = NULL;
    enum prom_api_status rc = envelope(body, len, http_status, root, &data, err, errlen);
    if (rc != PROM_API_OK)
        return rc;
    *arr = cJSON_GetObjectItemCaseSensitive(data, key);
    if (!cJSON_IsArray(*arr)) {
        errf(err, errlen, "expected \"%s\" array", key);
        cJSON_Delete(*root);
        *root = NULL;
        return PROM_API_SHAPE;
    }
    return PROM_API_OK;
}

enum prom_api_status prom_api_parse_alerts(const char *body, size_t len, long http_status,
                                           struct prom_alert_list *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    const cJSON *alerts = NULL;
    enum prom_api_status rc =
        data_array(body, len, http_status, "alerts", &root, &alerts, err, errlen);
    if (rc != PROM_API_OK)
        return rc;
    size_t n = (size_t)cJSON_GetArraySize(alerts);
    if (n > PROM_API_MAX_ALERTS) {
        n = PROM_API_MAX_ALERTS;
        out->truncated = true;
    }
    out->items = xcalloc(n ? n : 1, sizeof *out->items);
    for (const cJSON *a = alerts->child; a && out->len < n; a = a->next) {
        if (!cJSON_IsObject(a))
            continue;
        struct prom_alert *x = &out->items[out->len];
        x->labels = parse_labels(cJSON_GetObjectItemCaseSensitive(a, "labels"), &x->n_labels,
                                 &out->truncated);
        if (prom_label_get(x->labels, x->n_labels, "alertname") == NULL) {
            labels_free(x->labels, x->n_labels);
            memset(x, 0, sizeof *x);
            continue; /* not an alert without a name */
        }
        const cJSON *ann = cJSON_GetObjectItemCaseSensitive(a, "annotations");
        const cJSON *sum = cJSON_GetObjectItemCaseSensitive(ann, "summary");
        if (!cJSON_IsString(sum))
            sum = cJSON_GetObjectItemCaseSensitive(ann, "description");
        x->summary = cJSON_IsString(sum) ? sanitize_strdup(sum->valuestring) : NULL;
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(a, "state");
        x->firing = cJSON_IsString(st) && strcmp(st->valuestring, "firing") == 0;
        const cJSON *at = cJSON_GetObjectItemCaseSensitive(a, "activeAt");
        if (!cJSON_IsString(at) || rfc3339_parse(at->valuestring, &x->active_ms) != 0)
            x->active_ms = -1;
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(a, "value");
        if (!cJSON_IsString(v) || prom_api_parse_value(v->valuestring, &x->value) != 0)
            x->value = NAN;
        out->len++;
    }
    cJSON_Delete(root);
    return PROM_API_OK;
}

static char *str_of(const cJSON *o, const char *k) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    return cJSON_IsString(v) ? sanitize_strdup(v->valuestring) : NULL;
}

enum prom_api_status prom_api_parse_rules(const char *body, size_t len, long http_status,
                                          struct prom_rule_list *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    cJSON *root = NULL;
    const cJSON *groups = NULL;
    enum prom_api_status rc =
        data_array(body, len, http_status, "groups", &root, &groups, err, errlen);
    if (rc != PROM_API_OK)
        return rc;
    size_t cap = 0;
    for (const cJSON *g = groups->child; g; g = g->next) {
        const cJSON *rules = cJSON_GetObjectItemCaseSensitive(g, "rules");
        if (!cJSON_IsObject(g) || !cJSON_IsArray(rules))
            continue;
        const cJSON *gname = cJSON_GetObjectItemCaseSensitive(g, "name");
        for (const cJSON *r = rules->child; r; r = r->next) {
            const cJSON *type = cJSON_GetObjectItemCaseSensitive(r, "type");
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(r, "name");
            if (!cJSON_IsObject(r) || !cJSON_IsString(type) ||
                strcmp(type->valuestring, "alerting") != 0 || !cJSON_IsString(name))
                continue; /* recording rules, and rules without a name */
            if (out->len == PROM_API_MAX_ALERTS) {
                out->truncated = true;
                break;
            }
            if (out->len == cap) {
                cap = cap ? 2 * cap : 16;
                out->items = xrealloc(out->items, cap * sizeof *out->items);
            }
            struct prom_rule *x = &out->items[out->len++];
            x->name = sanitize_strdup(name->valuestring);
            x->expr = str_of(r, "query");
            x->group = cJSON_IsString(gname) ? sanitize_strdup(gname->valuestring) : NULL;
            x->severity = str_of(cJSON_GetObjectItemCaseSensitive(r, "labels"), "severity");
            const cJSON *d = cJSON_GetObjectItemCaseSensitive(r, "duration");
            x->for_s = cJSON_IsNumber(d) && isfinite(d->valuedouble) && d->valuedouble >= 0
                           ? d->valuedouble
                           : NAN;
        }
    }
    cJSON_Delete(root);
    return PROM_API_OK;
}

const struct prom_rule *prom_rule_find(const struct prom_rule_list *l, const char *name) {
    for (size_t i = 0; l && name && i < l->len; i++)
        if (strcmp(l->items[i].name, name) == 0)
            return &l->items[i];
    return NULL;
}

void prom_rule_list_free(struct prom_rule_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].name);
        free(l->items[i].expr);
        free(l->items[i].group);
        free(l->items[i].severity);
    }
    free(l->items);
    memset(l, 0, sizeof *l);
}
