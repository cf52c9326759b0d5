#include "alert_rules.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "xalloc.h"
#include "yaml_doc.h"

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
#define WHAT_LEN 64

#define SEV_NAME(id, name) [id] = name,
static const char *const severity_names[ALERT_SEV_COUNT] = {ALERT_SEVERITIES(SEV_NAME)};
#undef SEV_NAME
#define SCOPE_NAME(id, name) [id] = name,
static const char *const scope_names[ALERT_SCOPE_COUNT] = {ALERT_SCOPES(SCOPE_NAME)};
#undef SCOPE_NAME
#define OP_TEXT(id, text) [id] = text,
static const char *const op_texts[ALERT_OP_COUNT] = {ALERT_OPS(OP_TEXT)};
#undef OP_TEXT

struct metric_info {
    const char *name;
    enum alert_scope scope;
    const char *unit;
    bool counter;
    const char *help;
};
#define METRIC_INFO(id, name, scope, unit, counter, help) [id] = {name, scope, unit, counter, help},
static const struct metric_info metrics[ALERT_METRIC_COUNT] = {ALERT_METRICS(METRIC_INFO)};
#undef METRIC_INFO

const char *alert_severity_name(enum alert_severity s) {
    return (int)s >= 0 && s < ALERT_SEV_COUNT ? severity_names[s] : "?";
}
const char *alert_scope_name(enum alert_scope s) {
    return (int)s >= 0 && s < ALERT_SCOPE_COUNT ? scope_names[s] : "?";
}
const char *alert_op_text(enum alert_op op) {
    return (int)op >= 0 && op < ALERT_OP_COUNT ? op_texts[op] : "?";
}
static bool metric_ok(enum alert_metric m) { return (int)m >= 0 && m < ALERT_METRIC_COUNT; }
const char *alert_metric_name(enum alert_metric m) { return metric_ok(m) ? metrics[m].name : "?"; }
const char *alert_metric_unit(enum alert_metric m) { return metric_ok(m) ? metrics[m].unit : "?"; }
const char *alert_metric_help(enum alert_metric m) { return metric_ok(m) ? metrics[m].help : "?"; }
enum alert_scope alert_metric_scope(enum alert_metric m) {
    return metric_ok(m) ? metrics[m].scope : ALERT_SCOPE_CLUSTER;
}
bool alert_metric_is_counter(enum alert_metric m) { return metric_ok(m) && metrics[m].counter; }

int alert_metric_parse(const char *name) {
    for (int m = 0; m < ALERT_METRIC_COUNT; m++)
        if (strcmp(name, metrics[m].name) == 0)
            return m;
    return -1;
}

bool alert_op_holds(enum alert_op op, double v, double t) {
    if (isnan(v) || isnan(t))
        return false;
    switch (op) {
    case ALERT_OP_GT:
        return v > t;
    case ALERT_OP_GE:
        return v >= t;
    case ALERT_OP_LT:
        return v < t;
    case ALERT_OP_LE:
        return v <= t;
    case ALERT_OP_EQ:
        return v == t;
    case ALERT_OP_NE:
        return v != t;
    case ALERT_OP_INCREASED:
    case ALERT_OP_COUNT:
        break;
    }
    return false;
}

/* ---- messages ---- */

enum placeholder {
    PH_NAME,
    PH_SEVERITY,
    PH_VALUE,
    PH_THRESHOLD,
    PH_CLUSTER,
    PH_JOB,
    PH_VERTEX,
    PH_TASKMANAGER,
    PH_POD,
    PH_BOTTLENECK,
    PH_COUNT
};
static const char *const placeholder_names[PH_COUNT] = {
    "name", "severity", "value",       "threshold", "cluster",
    "job",  "vertex",   "taskmanager", "pod",       "bottleneck"};

static bool placeholder_in_scope(enum placeholder p, enum alert_scope s) {
    switch (p) {
    case PH_JOB:
        return s == ALERT_SCOPE_JOB || s == ALERT_SCOPE_VERTEX;
    case PH_VERTEX:
        return s == ALERT_SCOPE_VERTEX;
    case PH_TASKMANAGER:
        return s == ALERT_SCOPE_TASKMANAGER;
    case PH_POD:
        return s == ALERT_SCOPE_POD;
    case PH_BOTTLENECK:
        return s == ALERT_SCOPE_JOB;
    default:
        return true;
    }
}

/* The placeholder at s ("{word}"), its length in *len; -1 when s is no placeholder. */
static int placeholder_at(const char *s, size_t *len, char *word, size_t wordlen) {
    if (s[0] != '{')
        return -1;
    size_t n = strspn(s + 1, "abcdefghijklmnopqrstuvwxyz_");
    if (n == 0 || s[1 + n] != '}' || n >= wordlen)
        return -1;
    memcpy(word, s + 1, n);
    word[n] = '\0';
    *len = n + 2;
    for (int p = 0; p < PH_COUNT; p++)
        if (strcmp(word, placeholder_names[p]) == 0)
            return p;
    return PH_COUNT; /* looks like one, is not known */
}

char *alert_format_value(double v, char *buf, size_t size) {
    if (isnan(v))
        snprintf(buf, size, "?");
    else if (fabs(v) >= 100 || v == floor(v))
        snprintf(buf, size, "%.0f", v);
    else
        snprintf(buf, size, "%.3g", v);
    return buf;
}

char *alert_rule_render(const struct alert_rule *rule, const struct alert_labels *labels,
                        double value, char *buf, size_t size) {
    if (size == 0)
        return buf;
    size_t used = 0;
    buf[0] = '\0';
    const char *t = rule->message ? rule->message : "";
    while (*t && used + 1 < size) {
        size_t len = 0;
        char word[24], num[32];
        int p = placeholder_at(t, &len, word, sizeof word);
        const char *sub = NULL;
        switch (p) {
        case PH_NAME:
            sub = rule->name;
            break;
        case PH_SEVERITY:
            sub = alert_severity_name(rule->severity);
            break;
        case PH_VALUE:
            sub = alert_format_value(value, num, sizeof num);
            break;
        case PH_THRESHOLD:
            sub = alert_format_value(rule->threshold, num, sizeof num);
            break;
        case PH_CLUSTER:
            sub = labels->cluster;
            break;
        case PH_JOB:
            sub = labels->job;
            break;
        case PH_VERTEX:
            sub = labels->vertex;
            break;
        case PH_TASKMANAGER:
            sub = labels->taskmanager;
            break;
        case PH_POD:
            sub = labels->pod;
            break;
        case PH_BOTTLENECK:
            sub = labels->bottleneck;
            break;
        default:
            buf[used++] = *t++;
            buf[used] = '\0';
            continue;
        }
        int w = snprintf(buf + used, size - used, "%s", sub ? sub : "-");
        used = (w < 0 || (size_t)w >= size - used) ? size - 1 : used + (size_t)w;
        t += len;
    }
    return buf;
}

/* ---- reading the file ---- */

static const char *const top_keys[] = {"rules"};
static const char *const rule_keys[] = {"name",    "severity", "scope",           "metric",
                                        "op",      "threshold", "for",            "message",
                                        "enabled", "keep_firing_for"};

struct reader {
    const char *file;
    struct yaml_doc_errors errs;
    const struct yaml_doc_node **names; /* owned array of borrowed nodes: every name seen */
    size_t n_names;
};

#define ERR(r, node, ...) yaml_doc_error(&(r)->errs, (r)->file, (node)->line, __VA_ARGS__)

static const char *what(const struct yaml_doc_node *n, char *buf) {
    return yaml_doc_describe(n, buf, WHAT_LEN);
}

/* The scalar at key, or NULL (absent or null); a non-scalar adds an error and gives NULL. */
static const struct yaml_doc_node *scalar_at(struct reader *r, const struct yaml_doc_node *map,
                                             const char *key, const char *expect) {
    const struct yaml_doc_node *n = yaml_doc_get(map, key);
    if (yaml_doc_is_null(n))
        return NULL;
    if (n->kind != YAML_DOC_SCALAR) {
        char buf[WHAT_LEN];
        ERR(r, n, "%s must be %s, got %s", key, expect, what(n, buf));
        return NULL;
    }
    return n;
}

/* Index of s in names[0..n), else -1; with an error naming the choices. */
static int read_choice(struct reader *r, const struct yaml_doc_node *n, const char *key,
                       const char *const *names, size_t count) {
    for (size_t i = 0; i < count; i++)
        if (strcmp(n->scalar, names[i]) == 0)
            return (int)i;
    char buf[WHAT_LEN], list[160] = "";
    size_t used = 0;
    for (size_t i = 0; i < count; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", names[i]);
        if (w < 0 || (size_t)w >= sizeof list - used)
            break;
        used += (size_t)w;
    }
    const char *hint = yaml_doc_suggest(n->scalar, names, count);
    if (hint)
        ERR(r, n, "unknown %s %s (did you mean \"%s\"?); one of: %s", key, what(n, buf), hint,
            list);
    else
        ERR(r, n, "unknown %s %s; one of: %s", key, what(n, buf), list);
    return -1;
}

static void check_message(struct reader *r, const struct yaml_doc_node *n, enum alert_scope scope) {
    for (const char *t = n->scalar; *t; t++) {
        size_t len;
        char word[24];
        int p = placeholder_at(t, &len, word, sizeof word);
        if (p < 0)
            continue;
        if (p == PH_COUNT) {
            const char *hint = yaml_doc_suggest(word, placeholder_names, PH_COUNT);
            if (hint)
                ERR(r, n, "message: unknown placeholder {%s} (did you mean {%s}?)", word, hint);
            else
                ERR(r, n, "message: unknown placeholder {%s}", word);
        } else if (!placeholder_in_scope((enum placeholder)p, scope)) {
            ERR(r, n, "message: {%s} is not known in %s scope", word, alert_scope_name(scope));
        }
        t += len - 1;
    }
}

/* When a rule has no message: name the instance, the value and the threshold. */
static const char *const default_messages[ALERT_SCOPE_COUNT] = {
    [ALERT_SCOPE_CLUSTER] = "{name}: cluster {cluster}: {value} (threshold {threshold})",
    [ALERT_SCOPE_JOB] = "{name}: job {job} on {cluster}: {value} (threshold {threshold})",
    [ALERT_SCOPE_VERTEX] =
        "{name}: {vertex} of {job} on {cluster}: {value} (threshold {threshold})",
    [ALERT_SCOPE_TASKMANAGER] =
        "{name}: task manager {taskmanager} on {cluster}: {value} (threshold {threshold})",
    [ALERT_SCOPE_POD] = "{name}: pod {pod} on {cluster}: {value} (threshold {threshold})",
};

static const char *const op_aliases[ALERT_OP_COUNT] = {"gt", "ge", "lt", "le", "eq", "ne", NULL};

static int parse_op(const char *s) {
    for (int i = 0; i < ALERT_OP_COUNT; i++)
        if (strcmp(s, op_texts[i]) == 0 || (op_aliases[i] && strcmp(s, op_aliases[i]) == 0))
            return i;
    return -1;
}

static bool rule_name_ok(const char *s) {
    if (s[0] == '\0' || strlen(s) > 64)
        return false;
    return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-") ==
           strlen(s);
}

static void read_rule(struct reader *r, const struct yaml_doc_node *n, size_t idx,
                      struct alert_rules *out) {
    char buf[WHAT_LEN];
    if (n->kind != YAML_DOC_MAP) {
        ERR(r, n, "rules[%zu] must be a map (name, severity, metric, ...), got %s", idx,
            what(n, buf));
        return;
    }
    yaml_doc_check_keys(r->file, n, rule_keys, N_OF(rule_keys), "", &r->errs);
    size_t errors_before = r->errs.n + r->errs.dropped;
    struct alert_rule rule;
    memset(&rule, 0, sizeof rule);
    rule.line = n->line;
    rule.enabled = true;
    rule.keep_firing_for_ms = -1;
    rule.severity = ALERT_SEV_WARNING;
    rule.op = ALERT_OP_GT;
    int metric = -1, scope = -1;

    const struct yaml_doc_node *v = scalar_at(r, n, "name", "a rule name");
    if (v == NULL && yaml_doc_is_null(yaml_doc_get(n, "name"))) {
        ERR(r, n, "rules[%zu] has no name", idx);
    } else if (v && !rule_name_ok(v->scalar)) {
        ERR(r, v, "name must be letters, digits, _ . and - (at most 64), got %s", what(v, buf));
    } else if (v) {
        for (size_t i = 0; i < r->n_names; i++) {
            if (strcmp(r->names[i]->scalar, v->scalar) != 0)
                continue;
            ERR(r, v, "rule %s is defined twice (first at line %d)", what(v, buf),
                r->names[i]->line);
            break;
        }
        r->names = xrealloc(r->names, (r->n_names + 1) * sizeof *r->names);
        r->names[r->n_names++] = v;
        rule.name = xstrdup(v->scalar);
    }

    v = scalar_at(r, n, "severity", "critical, warning or info");
    if (v) {
        int s = read_choice(r, v, "severity", severity_names, ALERT_SEV_COUNT);
        if (s >= 0)
            rule.severity = (enum alert_severity)s;
    } else if (yaml_doc_is_null(yaml_doc_get(n, "severity"))) {
        ERR(r, n, "severity is required (critical, warning or info)");
    }

    v = scalar_at(r, n, "scope", "a scope");
    if (v)
        scope = read_choice(r, v, "scope", scope_names, ALERT_SCOPE_COUNT);

    const struct yaml_doc_node *mv = scalar_at(r, n, "metric", "a metric name");
    if (mv) {
        metric = alert_metric_parse(mv->scalar);
        if (metric < 0) {
            const char *names[ALERT_METRIC_COUNT];
            for (int m = 0; m < ALERT_METRIC_COUNT; m++)
                names[m] = metrics[m].name;
            const char *hint = yaml_doc_suggest(mv->scalar, names, ALERT_METRIC_COUNT);
            if (hint)
                ERR(r, mv, "unknown metric %s (did you mean \"%s\"?)", what(mv, buf), hint);
            else
                ERR(r, mv, "unknown metric %s", what(mv, buf));
        } else if (scope >= 0 && metrics[metric].scope != (enum alert_scope)scope) {
            ERR(r, mv, "scope \"%s\" has no metric %s (it is a %s metric)", scope_names[scope],
                what(mv, buf), scope_names[metrics[metric].scope]);
            metric = -1;
        } else {
            rule.metric = (enum alert_metric)metric;
            rule.scope = metrics[metric].scope;
        }
    } else if (yaml_doc_is_null(yaml_doc_get(n, "metric"))) {
        ERR(r, n, "metric is required");
    }

    v = scalar_at(r, n, "op", "an operator");
    int op = -1;
    if (v) {
        op = parse_op(v->scalar);
        if (op < 0 && v->quoted && v->scalar[0] == '\0')
            ERR(r, v, "op must be one of > >= < <= == != increased (quote it: op: \">\")");
        else if (op < 0)
            ERR(r, v, "op must be one of > >= < <= == != increased, got %s", what(v, buf));
        else if (op == ALERT_OP_INCREASED && metric >= 0 && !metrics[metric].counter)
            ERR(r, v,
                "op increased needs a counter metric (checkpoints_failed_total, "
                "pod_restarts), not \"%s\"",
                metrics[metric].name);
        else
            rule.op = (enum alert_op)op;
    } else if (yaml_doc_is_null(yaml_doc_get(n, "op"))) {
        ERR(r, n, "op is required (> >= < <= == != increased)");
    }

    v = scalar_at(r, n, "threshold", "a number");
    if (v) {
        if (yaml_doc_parse_number(v->scalar, &rule.threshold) != 0)
            ERR(r, v, "threshold must be a number, got %s", what(v, buf));
    } else if (yaml_doc_is_null(yaml_doc_get(n, "threshold")) && op != ALERT_OP_INCREASED) {
        ERR(r, n, "threshold is required");
    }

    v = scalar_at(r, n, "for", "a duration");
    if (v && yaml_doc_parse_duration_ms(v->scalar, &rule.for_ms) != 0)
        ERR(r, v, "for must be a duration such as 5m or 0s, got %s", what(v, buf));

    v = scalar_at(r, n, "keep_firing_for", "a duration");
    if (v && yaml_doc_parse_duration_ms(v->scalar, &rule.keep_firing_for_ms) != 0)
        ERR(r, v, "keep_firing_for must be a duration such as 1m or 0s, got %s", what(v, buf));

    v = scalar_at(r, n, "message", "a string");
    if (v) {
        char *clean = sanitize_strdup(v->scalar);
        if (strcmp(clean, v->scalar) != 0)
            ERR(r, v, "message must not hold control characters");
        free(clean);
        if (metric >= 0)
            check_message(r, v, rule.scope);
        rule.message = xstrdup(v->scalar);
    } else {
        rule.message = xstrdup(default_messages[rule.scope]);
    }

    v = yaml_doc_get(n, "enabled");
    if (!yaml_doc_is_null(v) &&
        (v->kind != YAML_DOC_SCALAR || yaml_doc_parse_bool(v->scalar, &rule.enabled) != 0))
        ERR(r, v, "enabled must be true or false, got %s", what(v, buf));

    if (r->errs.n + r->errs.dropped != errors_before || rule.name == NULL || metric < 0) {
        free(rule.name);
        free(rule.message);
        return;
    }
    out->items = xrealloc(out->items, (out->len + 1) * sizeof *out->items);
    out->items[out->len++] = rule;
}

static void read_doc(struct reader *r, const struct yaml_doc_node *root, struct alert_rules *out) {
    char buf[WHAT_LEN];
    if (root == NULL || yaml_doc_is_null(root))
        return; /* no rules */
    if (root->kind != YAML_DOC_MAP) {
        ERR(r, root, "expected a map with rules: (a list of rules), got %s", what(root, buf));
        return;
    }
    yaml_doc_check_keys(r->file, root, top_keys, N_OF(top_keys), "", &r->errs);
    const struct yaml_doc_node *list = yaml_doc_get(root, "rules");
    if (yaml_doc_is_null(list))
        return;
    if (list->kind != YAML_DOC_SEQ) {
        ERR(r, list, "rules must be a list of rules (- name: ...), got %s", what(list, buf));
        return;
    }
    for (size_t i = 0; i < list->len; i++)
        read_rule(r, &list->items[i], i, out);
}

static int load_doc(enum yaml_doc_status st, struct yaml_doc *doc, struct alert_rules *out,
                    char *err, size_t errlen) {
    int rc = -1;
    if (st == YAML_DOC_OK) {
        struct reader r;
        memset(&r, 0, sizeof r);
        r.file = doc->file;
        read_doc(&r, doc->root, out);
        rc = 0;
        if (r.errs.n > 0) {
            yaml_doc_errors_join(&r.errs, err, errlen);
            rc = -1;
        }
        yaml_doc_errors_free(&r.errs);
        free(r.names);
        out->file = xstrdup(doc->file);
    }
    yaml_doc_free(doc);
    if (rc != 0)
        alert_rules_free(out); /* the good rules read before the error: see the header */
    return rc;
}

int alert_rules_load_string(const char *text, size_t len, const char *file, struct alert_rules *out,
                            char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    struct yaml_doc doc;
    enum yaml_doc_status st = yaml_doc_load_string(text, len, file, &doc, err, errlen);
    return load_doc(st, &doc, out, err, errlen);
}

int alert_rules_load(const char *path, struct alert_rules *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    if (err && errlen)
        err[0] = '\0';
    struct yaml_doc doc;
    enum yaml_doc_status st = yaml_doc_load_file(path, &doc, err, errlen);
    return load_doc(st, &doc, out, err, errlen);
}

void alert_rules_free(struct alert_rules *r) {
    for (size_t i = 0; i < r->len; i++) {
        free(r->items[i].name);
        free(r->items[i].message);
    }
    free(r->items);
    free(r->file);
    memset(r, 0, sizeof *r);
}

const struct alert_rule *alert_rules_find(const struct alert_rules *r, const char *name) {
    for (size_t i = 0; i < r->len; i++)
        if (strcmp(r->items[i].name, name) == 0)
            return &r->items[i];
    return NULL;
}
