#include "config.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "file_mode.h"
#include "flink_auth.h"
#include "options.h"
#include "sanitize.h"
#include "secret.h"
#include "xalloc.h"
#include "yaml_doc.h"

#define KEYNAME_TEXT(id, name) [id] = name,
static const char *const key_names[CONFIG_KEYNAME_COUNT] = {CONFIG_KEY_NAMES(KEYNAME_TEXT)};
#undef KEYNAME_TEXT

const char *config_key_name(enum config_key_name k) {
    if ((int)k < 0 || k >= CONFIG_KEYNAME_COUNT)
        return "?";
    return key_names[k];
}

static const char *const top_keys[] = {
    "refresh", "timeout", "detail_interval", "history",    "theme",
    "ascii",   "mouse",   "readonly",        "bell",       "audit",
    "alerts",  "keys",    "clusters",        "prometheus", "prometheus_cluster_label",
    "qps",     "burst",   "start",           "clipboard"};
static const char *const cluster_keys[] = {
    "name",    "flink",         "context",    "namespace", "resource",      "readonly",
    "confirm", "savepoint_dir", "deployment", "username",  "password_file", "token_file",
    "ca_file", "cert_file",     "key_file",   "insecure"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))
/* Room for a described value ("\"...\"", sanitised and shortened) in a message. */
#define WHAT_LEN 64

/* ---- environment ---- */

static const char *env_abs(const char *name) {
    const char *v = getenv(name);
    return v && v[0] == '/' ? v : NULL;
}

char *config_default_path(void) {
    const char *xdg = env_abs("XDG_CONFIG_HOME");
    if (xdg)
        return xasprintf("%s/flinktop/config.yaml", xdg);
    const char *home = getenv("HOME");
    if (home && home[0])
        return xasprintf("%s/.config/flinktop/config.yaml", home);
    return NULL;
}

static char *default_audit_path(void) {
    const char *xdg = env_abs("XDG_STATE_HOME");
    if (xdg)
        return xasprintf("%s/flinktop/audit.log", xdg);
    const char *home = getenv("HOME");
    if (home && home[0])
        return xasprintf("%s/.local/state/flinktop/audit.log", home);
    return NULL;
}

/* ---- init, free, override ---- */

void config_init(struct config *c) {
    memset(c, 0, sizeof *c);
    c->refresh_ms = CONFIG_REFRESH_MS;
    c->timeout_ms = CONFIG_TIMEOUT_MS;
    c->detail_interval_ms = CONFIG_DETAIL_INTERVAL_MS;
    c->qps = CONFIG_QPS;
    c->start_fleet = true; /* the fleet board first; `start: clusters` for the clusters */
    c->burst = CONFIG_BURST;
    c->history_ms = CONFIG_HISTORY_MS;
    c->clipboard = true;
    c->audit_path = default_audit_path();
}

static void cluster_entry_free(struct config_cluster *cl) {
    free(cl->name);
    free(cl->flink);
    free(cl->context);
    free(cl->ns);
    free(cl->resource);
    free(cl->deployment);
    free(cl->savepoint_dir);
    free(cl->username);
    secret_free(cl->password);
    free(cl->password_file);
    free(cl->token_file);
    free(cl->ca_file);
    free(cl->cert_file);
    free(cl->key_file);
}

void config_free(struct config *c) {
    free(c->path);
    free(c->warning);
    free(c->theme);
    free(c->audit_path);
    free(c->alerts_path);
    free(c->prometheus);
    free(c->prometheus_cluster_label);
    free(c->prometheus_context);
    free(c->prometheus_namespace);
    free(c->prometheus_service);
    free(c->prometheus_port);
    free(c->prometheus_scheme);
    for (size_t i = 0; i < c->n_keys; i++) {
        free(c->keys[i].action);
        free(c->keys[i].key);
    }
    free(c->keys);
    for (size_t i = 0; i < c->n_clusters; i++)
        cluster_entry_free(&c->clusters[i]);
    free(c->clusters);
    memset(c, 0, sizeof *c);
}

void config_override_init(struct config_override *o) {
    memset(o, 0, sizeof *o);
    o->ascii = o->readonly = o->mouse = o->bell = o->clipboard = -1;
    o->qps = -1;
    o->start_fleet = -1;
}

static void replace_str(char **dst, const char *src) {
    free(*dst);
    *dst = xstrdup(src);
}

void config_apply_override(struct config *c, const struct config_override *o) {
    if (o->refresh_ms > 0)
        c->refresh_ms = o->refresh_ms;
    if (o->timeout_ms > 0)
        c->timeout_ms = o->timeout_ms;
    if (o->qps >= 0)
        c->qps = o->qps;
    if (o->burst > 0)
        c->burst = o->burst;
    if (o->ascii >= 0)
        c->ascii = o->ascii != 0;
    if (o->readonly >= 0)
        c->readonly = o->readonly != 0;
    if (o->mouse >= 0)
        c->mouse = o->mouse != 0;
    if (o->bell >= 0)
        c->bell = o->bell != 0;
    if (o->clipboard >= 0)
        c->clipboard = o->clipboard != 0;
    if (o->start_fleet >= 0)
        c->start_fleet = o->start_fleet != 0;
    if (o->theme)
        replace_str(&c->theme, o->theme);
    if (o->alerts)
        replace_str(&c->alerts_path, o->alerts);
    if (o->audit)
        replace_str(&c->audit_path, o->audit);
}

size_t config_history_len(const struct config *c) {
    int64_t refresh = c->refresh_ms > 0 ? c->refresh_ms : CONFIG_REFRESH_MS;
    int64_t n = (c->history_ms + refresh - 1) / refresh;
    if (n < 2)
        n = 2;
    if (n > CONFIG_HISTORY_MAX_LEN)
        n = CONFIG_HISTORY_MAX_LEN;
    return (size_t)n;
}

/* ---- keys ---- */

static const struct {
    const char *alias;
    enum config_key_name name;
} key_aliases[] = {
    {"return", CONFIG_KEYNAME_ENTER},      {"escape", CONFIG_KEYNAME_ESC},
    {"backtab", CONFIG_KEYNAME_SHIFT_TAB}, {"del", CONFIG_KEYNAME_DELETE},
    {"ins", CONFIG_KEYNAME_INSERT},        {"pageup", CONFIG_KEYNAME_PGUP},
    {"pagedown", CONFIG_KEYNAME_PGDN},
};

/* The code point of s when s is exactly one UTF-8 character of 2 to 4 bytes, else 0. */
static uint32_t one_utf8_char(const unsigned char *s) {
    uint32_t cp;
    size_t n;
    if (s[0] >= 0xC2 && s[0] <= 0xDF) {
        cp = s[0] & 0x1F;
        n = 2;
    } else if (s[0] >= 0xE0 && s[0] <= 0xEF) {
        cp = s[0] & 0x0F;
        n = 3;
    } else if (s[0] >= 0xF0 && s[0] <= 0xF4) {
        cp = s[0] & 0x07;
        n = 4;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0;
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if (s[n] != '\0' || cp < 0xA0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    static const uint32_t min_of[] = {0, 0, 0x80, 0x800, 0x10000};
    return cp >= min_of[n] ? cp : 0;
}

int config_key_parse(const char *s, struct config_keyspec *out, char *norm, size_t normlen) {
    char lower[32];
    size_t len = strlen(s);
    if (len == 0 || len >= sizeof lower)
        return -1;
    struct config_keyspec k = {CONFIG_KEY_CHAR, 0};
    char text[32];
    if (len == 1) {
        if (s[0] <= ' ' || s[0] > '~')
            return -1;
        k.code = (unsigned char)s[0];
        snprintf(text, sizeof text, "%s", s);
        goto done;
    }
    uint32_t cp = one_utf8_char((const unsigned char *)s);
    if (cp) {
        k.code = cp;
        snprintf(text, sizeof text, "%s", s);
        goto done;
    }
    for (size_t i = 0; i <= len; i++)
        lower[i] = (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] - 'A' + 'a') : s[i];
    if ((strncmp(lower, "ctrl-", 5) == 0 || strncmp(lower, "ctrl+", 5) == 0) && len == 6) {
        char c = lower[5];
        if (!((c >= 'a' && c <= 'z') || strchr("@[\\]^_", c)))
            return -1;
        k.kind = CONFIG_KEY_CTRL;
        k.code = (unsigned char)c;
        snprintf(text, sizeof text, "ctrl-%c", c);
        goto done;
    }
    if (lower[0] == 'f' && len <= 3 && lower[1] >= '1' && lower[1] <= '9') {
        int n = lower[1] - '0';
        if (len == 3) {
            if (lower[2] < '0' || lower[2] > '9')
                return -1;
            n = n * 10 + (lower[2] - '0');
        }
        if (n < 1 || n > 12)
            return -1;
        k.kind = CONFIG_KEY_FN;
        k.code = (uint32_t)n;
        snprintf(text, sizeof text, "f%d", n);
        goto done;
    }
    k.kind = CONFIG_KEY_NAMED;
    for (int i = 0; i < CONFIG_KEYNAME_COUNT; i++) {
        if (strcmp(lower, key_names[i]) == 0) {
            k.code = (uint32_t)i;
            snprintf(text, sizeof text, "%s", key_names[i]);
            goto done;
        }
    }
    for (size_t i = 0; i < N_OF(key_aliases); i++) {
        if (strcmp(lower, key_aliases[i].alias) == 0) {
            k.code = key_aliases[i].name;
            snprintf(text, sizeof text, "%s", key_names[key_aliases[i].name]);
            goto done;
        }
    }
    return -1;
done:
    *out = k;
    if (norm && normlen)
        snprintf(norm, normlen, "%s", text);
    return 0;
}

/* ---- reading the document ---- */

struct reader {
    const char *file; /* for messages */
    char *dir;        /* owned: directory of the file, NULL when it has none */
    struct yaml_doc_errors errs;
};

#define ERR(r, node, ...) yaml_doc_error(&(r)->errs, (r)->file, (node)->line, __VA_ARGS__)

static const char *what(const struct yaml_doc_node *n, char *buf) {
    return yaml_doc_describe(n, buf, WHAT_LEN);
}

/* A period (refresh, timeout, detail_interval) into *ms; untouched when absent. */
static void read_period(struct reader *r, const struct yaml_doc_node *map, const char *key,
                        int *ms) {
    const struct yaml_doc_node *n = yaml_doc_get(map, key);
    if (yaml_doc_is_null(n))
        return;
    char buf[WHAT_LEN];
    int64_t v;
    if (n->kind != YAML_DOC_SCALAR || yaml_doc_parse_duration_ms(n->scalar, &v) != 0 || v <= 0) {
        ERR(r, n, "%s must be a number of seconds > 0, got %s", key, what(n, buf));
        return;
    }
    if (v > CONFIG_MAX_PERIOD_MS) {
        ERR(r, n, "%s must be at most 1h, got %s", key, what(n, buf));
        return;
    }
    *ms = (int)v;
}

/* qps: a number >= 0 (0: no limit); burst: a whole number >= 1. */
static void read_budget(struct reader *r, const struct yaml_doc_node *map, struct config *c) {
    char buf[WHAT_LEN];
    const struct yaml_doc_node *n = yaml_doc_get(map, "qps");
    if (!yaml_doc_is_null(n)) {
        char *end = NULL;
        double v = n->kind == YAML_DOC_SCALAR ? strtod(n->scalar, &end) : -1;
        if (end == NULL || end == n->scalar || *end != '\0' || !isfinite(v) || v < 0 || v > 1e6)
            ERR(r, n, "qps must be a number of requests a second >= 0, got %s", what(n, buf));
        else
            c->qps = v;
    }
    n = yaml_doc_get(map, "burst");
    if (!yaml_doc_is_null(n)) {
        char *end = NULL;
        long v = n->kind == YAML_DOC_SCALAR ? strtol(n->scalar, &end, 10) : -1;
        if (end == NULL || end == n->scalar || *end != '\0' || v < 1 || v > 100000)
            ERR(r, n, "burst must be a whole number >= 1, got %s", what(n, buf));
        else
            c->burst = (int)v;
    }
}

static void read_bool(struct reader *r, const struct yaml_doc_node *map, const char *key,
                      const char *prefix, bool *out) {
    const struct yaml_doc_node *n = yaml_doc_get(map, key);
    if (yaml_doc_is_null(n))
        return;
    char buf[WHAT_LEN];
    if (n->kind != YAML_DOC_SCALAR || yaml_doc_parse_bool(n->scalar, out) != 0)
        ERR(r, n, "%s%s must be true or false, got %s", prefix, key, what(n, buf));
}

/* returns owned sanitised string, NULL when absent or wrong (then an error is added) */
static char *read_string(struct reader *r, const struct yaml_doc_node *map, const char *key,
                         const char *prefix) {
    const struct yaml_doc_node *n = yaml_doc_get(map, key);
    if (yaml_doc_is_null(n))
        return NULL;
    char buf[WHAT_LEN];
    if (n->kind != YAML_DOC_SCALAR) {
        ERR(r, n, "%s%s must be a string, got %s", prefix, key, what(n, buf));
        return NULL;
    }
    char *s = sanitize_strdup(n->scalar);
    if (strcmp(s, n->scalar) != 0) {
        ERR(r, n, "%s%s must not hold control characters", prefix, key);
        free(s);
        return NULL;
    }
    return s;
}

static bool all_chars_in(const char *s, const char *extra, bool upper) {
    if (s[0] == '\0')
        return false;
    for (const char *p = s; *p; p++) {
        char c = *p;
        bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || strchr(extra, c) ||
                  (upper && c >= 'A' && c <= 'Z');
        if (!ok)
            return false;
    }
    return true;
}

/* path as written: "~/x" from $HOME, absolute as is, else relative to the file's dir */
static char *resolve_path(const struct reader *r, const char *p) {
    if (p[0] == '~' && p[1] == '/') {
        const char *home = getenv("HOME");
        if (home && home[0])
            return xasprintf("%s/%s", home, p + 2);
    }
    if (p[0] == '/' || r->dir == NULL)
        return xstrdup(p);
    return xasprintf("%s/%s", r->dir, p);
}

static void read_path(struct reader *r, const struct yaml_doc_node *map, const char *key,
                      char **out) {
    const struct yaml_doc_node *n = yaml_doc_get(map, key);
    char *s = read_string(r, map, key, "");
    if (s == NULL)
        return;
    if (s[0] == '\0') {
        ERR(r, n, "%s must be a file path, got \"\"", key);
        free(s);
        return;
    }
    free(*out);
    *out = resolve_path(r, s);
    free(s);
}

static void add_key(struct config *c, const char *action, const char *norm,
                    const struct config_keyspec *spec, int line) {
    c->keys = xrealloc(c->keys, (c->n_keys + 1) * sizeof *c->keys);
    struct config_key *k = &c->keys[c->n_keys++];
    k->action = xstrdup(action);
    k->key = xstrdup(norm);
    k->spec = *spec;
    k->line = line;
}

static void read_one_key(struct reader *r, struct config *c, const char *action,
                         const struct yaml_doc_node *v) {
    char buf[WHAT_LEN], norm[32];
    struct config_keyspec spec;
    if (v->kind != YAML_DOC_SCALAR || config_key_parse(v->scalar, &spec, norm, sizeof norm) != 0) {
        ERR(r, v,
            "keys: %s: %s is not a key (use one character, ctrl-X, f1 to f12, or enter, esc, "
            "tab, shift-tab, space, backspace, delete, insert, home, end, pgup, pgdn, up, down, "
            "left, right)",
            action, what(v, buf));
        return;
    }
    for (size_t i = 0; i < c->n_keys; i++) {
        if (strcmp(c->keys[i].key, norm) != 0)
            continue;
        if (strcmp(c->keys[i].action, action) != 0)
            ERR(r, v, "keys: \"%s\" is bound to both %s (line %d) and %s", norm, c->keys[i].action,
                c->keys[i].line, action);
        return;
    }
    add_key(c, action, norm, &spec, v->line);
}

static void read_keys(struct reader *r, const struct yaml_doc_node *root, struct config *c) {
    const struct yaml_doc_node *n = yaml_doc_get(root, "keys");
    if (yaml_doc_is_null(n))
        return;
    char buf[WHAT_LEN];
    if (n->kind != YAML_DOC_MAP) {
        ERR(r, n, "keys must be a map of action: key, got %s", what(n, buf));
        return;
    }
    yaml_doc_check_keys(r->file, n, NULL, 0, "keys: ", &r->errs);
    for (size_t i = 0; i < n->len; i++) {
        const struct yaml_doc_node *k = &n->keys[i];
        const struct yaml_doc_node *v = &n->items[i];
        const char *action = k->scalar;
        if (c->known_actions) {
            bool known = false;
            for (size_t j = 0; j < c->n_known_actions && !known; j++)
                known = strcmp(c->known_actions[j], action) == 0;
            if (!known) {
                const char *hint = yaml_doc_suggest(action, c->known_actions, c->n_known_actions);
                if (hint)
                    ERR(r, k, "keys: unknown action %s (did you mean \"%s\"?)", what(k, buf), hint);
                else
                    ERR(r, k, "keys: unknown action %s", what(k, buf));
                continue;
            }
        } else if (!all_chars_in(action, "_-", false)) {
            ERR(r, k, "keys: action names are lower-case letters, digits, _ and -, got %s",
                what(k, buf));
            continue;
        }
        if (v->kind == YAML_DOC_SEQ) {
            for (size_t j = 0; j < v->len; j++)
                read_one_key(r, c, action, &v->items[j]);
        } else {
            read_one_key(r, c, action, v);
        }
    }
}

/* Kubernetes object names go into API paths: keep them to what Kubernetes allows. */
static char *read_k8s_name(struct reader *r, const struct yaml_doc_node *map, const char *key,
                           const char *prefix) {
    char *s = read_string(r, map, key, prefix);
    if (s == NULL)
        return NULL;
    if (!all_chars_in(s, "-.", false) || strlen(s) > 253) {
        char buf[WHAT_LEN];
        ERR(r, yaml_doc_get(map, key),
            "%s%s must be a Kubernetes name (lower-case letters, digits, - and .), got %s", prefix,
            key, what(yaml_doc_get(map, key), buf));
        free(s);
        return NULL;
    }
    return s;
}

/* username, password_file, token_file, ca_file, cert_file, key_file, insecure; then
 * the rule that a credential never goes over plain http unless insecure: true. */
static void read_cluster_auth(struct reader *r, const struct yaml_doc_node *n, const char *prefix,
                              struct config_cluster *cl) {
    char *user = read_string(r, n, "username", prefix);
    if (user) {
        free(cl->username);
        cl->username = user;
    }
    static const char *const files[] = {"password_file", "token_file", "ca_file", "cert_file",
                                        "key_file"};
    char **dst[] = {&cl->password_file, &cl->token_file, &cl->ca_file, &cl->cert_file,
                    &cl->key_file};
    for (size_t i = 0; i < N_OF(files); i++)
        read_path(r, n, files[i], dst[i]);
    read_bool(r, n, "insecure", prefix, &cl->insecure);
    if ((cl->cert_file == NULL) != (cl->key_file == NULL))
        ERR(r, n, "%scert_file and key_file go together", prefix);
    struct flink_auth_source src = {cl->flink,         cl->username,   cl->password,
                                    cl->password_file, cl->token_file, cl->ca_file,
                                    cl->cert_file,     cl->key_file,   cl->insecure};
    if (cl->flink && strncmp(cl->flink, "http://", 7) == 0 && !cl->insecure &&
        flink_auth_has_credential(&src))
        ERR(r, yaml_doc_get(n, "flink"),
            "%scredentials over plain http would cross the network in clear: use https, or "
            "say insecure: true",
            prefix);
}

static void read_cluster(struct reader *r, const struct yaml_doc_node *n, size_t idx,
                         struct config *c) {
    char prefix[40], buf[WHAT_LEN];
    snprintf(prefix, sizeof prefix, "clusters[%zu]: ", idx);
    if (n->kind != YAML_DOC_MAP) {
        ERR(r, n, "clusters[%zu] must be a map (name, flink, ...), got %s", idx, what(n, buf));
        return;
    }
    yaml_doc_check_keys(r->file, n, cluster_keys, N_OF(cluster_keys), prefix, &r->errs);
    struct config_cluster cl;
    memset(&cl, 0, sizeof cl);
    cl.line = n->line;
    cl.confirm = CONFIG_CONFIRM_YES;
    cl.name = read_string(r, n, "name", prefix);
    const struct yaml_doc_node *name_node = yaml_doc_get(n, "name");
    if (cl.name == NULL && yaml_doc_is_null(name_node)) {
        ERR(r, n, "%sname is required", prefix);
    } else if (cl.name && cl.name[0] == '\0') {
        ERR(r, name_node, "%sname must not be empty", prefix);
    } else if (cl.name) {
        for (size_t i = 0; i < c->n_clusters; i++)
            if (strcmp(c->clusters[i].name, cl.name) == 0)
                ERR(r, name_node, "%sname \"%s\" is already used by clusters[%zu] (line %d)",
                    prefix, cl.name, i, c->clusters[i].line);
    }
    char *url = read_string(r, n, "flink", prefix);
    if (url) {
        struct flink_target t = {0};
        char terr[160];
        bool scheme = strncmp(url, "http://", 7) == 0 || strncmp(url, "https://", 8) == 0;
        if (scheme && options_parse_target(url, &t, terr, sizeof terr) == 0) {
            cl.flink = t.url;
            t.url = NULL;
            cl.username = t.username; /* userinfo: out of the URL, shown as user:*** */
            t.username = NULL;
            cl.password = t.password;
            t.password = NULL;
        } else {
            const struct yaml_doc_node *u = yaml_doc_get(n, "flink");
            if (strchr(url, '@')) /* not the value: it may hold a password */
                ERR(r, u, "%sflink must be an http:// or https:// URL", prefix);
            else
                ERR(r, u, "%sflink must be an http:// or https:// URL, got %s", prefix,
                    what(u, buf));
        }
        options_target_free(&t);
        secret_free(url);
    }
    read_cluster_auth(r, n, prefix, &cl);
    cl.context = read_string(r, n, "context", prefix);
    cl.ns = read_k8s_name(r, n, "namespace", prefix);
    cl.resource = read_k8s_name(r, n, "resource", prefix);
    cl.deployment = read_k8s_name(r, n, "deployment", prefix);
    cl.savepoint_dir = read_string(r, n, "savepoint_dir", prefix);
    read_bool(r, n, "readonly", prefix, &cl.readonly);
    const struct yaml_doc_node *conf = yaml_doc_get(n, "confirm");
    if (!yaml_doc_is_null(conf)) {
        if (conf->kind == YAML_DOC_SCALAR && strcmp(conf->scalar, "typed") == 0)
            cl.confirm = CONFIG_CONFIRM_TYPED;
        else if (conf->kind == YAML_DOC_SCALAR && strcmp(conf->scalar, "yes") == 0)
            cl.confirm = CONFIG_CONFIRM_YES;
        else
            ERR(r, conf, "%sconfirm must be \"typed\" or \"yes\", got %s", prefix, what(conf, buf));
    }
    if (cl.flink == NULL && cl.resource == NULL && cl.deployment == NULL &&
        yaml_doc_is_null(yaml_doc_get(n, "flink")) &&
        yaml_doc_is_null(yaml_doc_get(n, "resource")) &&
        yaml_doc_is_null(yaml_doc_get(n, "deployment")))
        ERR(r, n,
            "%sneeds flink (a REST URL), resource (a FlinkDeployment) or deployment "
            "(a standalone Deployment)",
            prefix);
    else if (cl.deployment && cl.flink == NULL && cl.resource == NULL)
        /* the Deployment is only what a restart patches: its Flink still needs reaching */
        ERR(r, yaml_doc_get(n, "deployment"),
            "%sdeployment needs flink (the REST URL of that cluster) as well", prefix);
    if (cl.name == NULL) {
        cluster_entry_free(&cl);
        return;
    }
    c->clusters = xrealloc(c->clusters, (c->n_clusters + 1) * sizeof *c->clusters);
    c->clusters[c->n_clusters++] = cl;
}

static void read_clusters(struct reader *r, const struct yaml_doc_node *root, struct config *c) {
    const struct yaml_doc_node *n = yaml_doc_get(root, "clusters");
    if (yaml_doc_is_null(n))
        return;
    char buf[WHAT_LEN];
    if (n->kind != YAML_DOC_SEQ) {
        ERR(r, n, "clusters must be a list of clusters (- name: ...), got %s", what(n, buf));
        return;
    }
    for (size_t i = 0; i < n->len; i++)
        read_cluster(r, &n->items[i], i, c);
}

/* prometheus: {context, namespace, service, port, scheme}: through a service proxy. */
static void read_prometheus_proxy(struct reader *r, const struct yaml_doc_node *n,
                                  struct config *c) {
    static const char *const keys[] = {"context", "namespace", "service", "port", "scheme"};
    yaml_doc_check_keys(r->file, n, keys, N_OF(keys), "prometheus: ", &r->errs);
    char *v[N_OF(keys)];
    for (size_t i = 0; i < N_OF(keys); i++)
        v[i] = read_string(r, n, keys[i], "prometheus: ");
    /* DNS labels, and a port number or name: they go into the proxy's URL path */
    for (size_t i = 0; i < N_OF(keys); i++)
        if (v[i] && i != 0 && !all_chars_in(v[i], "-.", false)) {
            ERR(r, yaml_doc_get(n, keys[i]), "prometheus: %s must be a Kubernetes name, got \"%s\"",
                keys[i], v[i]);
            free(v[i]);
            v[i] = NULL;
        }
    if (v[4] && strcmp(v[4], "http") != 0 && strcmp(v[4], "https") != 0) {
        ERR(r, yaml_doc_get(n, "scheme"), "prometheus: scheme must be http or https");
        free(v[4]);
        v[4] = NULL;
    }
    if (v[1] == NULL || v[2] == NULL) {
        ERR(r, n, "prometheus: namespace and service are required (or give a URL)");
        for (size_t i = 0; i < N_OF(keys); i++)
            free(v[i]);
        return;
    }
    free(c->prometheus);
    c->prometheus = NULL;
    c->prometheus_context = v[0];
    c->prometheus_namespace = v[1];
    c->prometheus_service = v[2];
    c->prometheus_port = v[3] ? v[3] : xstrdup("9090");
    c->prometheus_scheme = v[4] ? v[4] : xstrdup("http");
}

/* prometheus: URL and prometheus_cluster_label: NAME (a Prometheus label name). */
static void read_prometheus(struct reader *r, const struct yaml_doc_node *root, struct config *c) {
    char buf[WHAT_LEN], perr[160];
    const struct yaml_doc_node *pn = yaml_doc_get(root, "prometheus");
    if (pn && pn->kind == YAML_DOC_MAP)
        read_prometheus_proxy(r, pn, c);
    char *url = pn && pn->kind == YAML_DOC_MAP ? NULL : read_string(r, root, "prometheus", "");
    if (url) {
        char *norm = NULL;
        if (options_parse_url("prometheus", url, &norm, perr, sizeof perr) == 0) {
            free(c->prometheus);
            c->prometheus = norm;
        } else {
            const struct yaml_doc_node *u = yaml_doc_get(root, "prometheus");
            ERR(r, u, "prometheus must be an http:// or https:// URL, got %s", what(u, buf));
        }
        free(url);
    }
    char *label = read_string(r, root, "prometheus_cluster_label", "");
    if (label) {
        bool ok = label[0] != '\0' && !(label[0] >= '0' && label[0] <= '9');
        for (const char *p = label; ok && *p; p++)
            ok = (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
                 *p == '_';
        if (ok) {
            free(c->prometheus_cluster_label);
            c->prometheus_cluster_label = label;
            label = NULL;
        } else {
            const struct yaml_doc_node *l = yaml_doc_get(root, "prometheus_cluster_label");
            ERR(r, l,
                "prometheus_cluster_label must be a label name ([a-zA-Z_][a-zA-Z0-9_]*), got %s",
                what(l, buf));
        }
        free(label);
    }
}

static void read_doc(struct reader *r, const struct yaml_doc_node *root, struct config *c) {
    char buf[WHAT_LEN];
    if (root == NULL || yaml_doc_is_null(root))
        return; /* empty file: the defaults */
    if (root->kind != YAML_DOC_MAP) {
        ERR(r, root, "expected a map of settings (refresh: 2s, ...), got %s", what(root, buf));
        return;
    }
    yaml_doc_check_keys(r->file, root, top_keys, N_OF(top_keys), "", &r->errs);
    read_period(r, root, "refresh", &c->refresh_ms);
    read_period(r, root, "timeout", &c->timeout_ms);
    read_period(r, root, "detail_interval", &c->detail_interval_ms);
    read_budget(r, root, c);
    const struct yaml_doc_node *h = yaml_doc_get(root, "history");
    if (!yaml_doc_is_null(h)) {
        int64_t v;
        if (h->kind != YAML_DOC_SCALAR || yaml_doc_parse_duration_ms(h->scalar, &v) != 0 || v <= 0)
            ERR(r, h, "history must be a duration > 0 such as 15m, got %s", what(h, buf));
        else if (v / (c->refresh_ms > 0 ? c->refresh_ms : 1) > CONFIG_HISTORY_MAX_LEN)
            ERR(r, h,
                "history %s at a refresh of %d ms is more than %d samples a series: shorten "
                "history or lengthen refresh",
                what(h, buf), c->refresh_ms, CONFIG_HISTORY_MAX_LEN);
        else
            c->history_ms = v;
    }
    char *theme = read_string(r, root, "theme", "");
    if (theme && !all_chars_in(theme, "_-", true)) {
        const struct yaml_doc_node *t = yaml_doc_get(root, "theme");
        ERR(r, t, "theme must be a theme name (letters, digits, - and _), got %s", what(t, buf));
        free(theme);
        theme = NULL;
    }
    if (theme) {
        free(c->theme);
        c->theme = theme;
    }
    read_bool(r, root, "ascii", "", &c->ascii);
    read_bool(r, root, "mouse", "", &c->mouse);
    read_bool(r, root, "readonly", "", &c->readonly);
    read_bool(r, root, "bell", "", &c->bell);
    read_bool(r, root, "clipboard", "", &c->clipboard);
    char *start = read_string(r, root, "start", "");
    if (start && strcmp(start, "fleet") != 0 && strcmp(start, "clusters") != 0) {
        const struct yaml_doc_node *t = yaml_doc_get(root, "start");
        ERR(r, t, "start must be fleet or clusters, got %s", what(t, buf));
    } else if (start) {
        c->start_fleet = strcmp(start, "fleet") == 0;
    }
    free(start);
    const struct yaml_doc_node *audit = yaml_doc_get(root, "audit");
    if (audit && audit->kind == YAML_DOC_SCALAR && audit->scalar &&
        strcmp(audit->scalar, "optional") == 0)
        c->audit_optional = true; /* the word, not a file: the default path stays */
    else
        read_path(r, root, "audit", &c->audit_path);
    read_path(r, root, "alerts", &c->alerts_path);
    read_keys(r, root, c);
    read_clusters(r, root, c);
    read_prometheus(r, root, c);
}

static int finish(struct reader *r, int rc, char *err, size_t errlen) {
    if (r->errs.n > 0) {
        yaml_doc_errors_join(&r->errs, err, errlen);
        rc = -1;
    }
    yaml_doc_errors_free(&r->errs);
    free(r->dir);
    return rc;
}

static char *dir_of(const char *file) {
    const char *slash = strrchr(file, '/');
    if (slash == NULL)
        return NULL;
    if (slash == file)
        return xstrdup("/");
    return xstrndup(file, (size_t)(slash - file));
}

static int load_doc(const struct yaml_doc *doc, struct config *out, char *err, size_t errlen) {
    struct reader r;
    memset(&r, 0, sizeof r);
    r.file = doc->file;
    r.dir = dir_of(doc->file);
    read_doc(&r, doc->root, out);
    int rc = finish(&r, 0, err, errlen);
    if (rc == 0)
        replace_str(&out->path, doc->file);
    return rc;
}

int config_load_string(const char *text, size_t len, const char *file, struct config *out,
                       char *err, size_t errlen) {
    struct yaml_doc doc;
    int rc = -1;
    if (err && errlen)
        err[0] = '\0';
    if (yaml_doc_load_string(text, len, file, &doc, err, errlen) == YAML_DOC_OK)
        rc = load_doc(&doc, out, err, errlen);
    yaml_doc_free(&doc);
    return rc;
}

/* The config names files flinktop reads credentials from (password_file, token_file) and
 * may hold a password (in a flink URL): refused when others may write it (file_mode.h). */
static int check_mode(const char *path, struct config *c, char *err, size_t errlen) {
    struct file_mode_content what = {false, false};
    for (size_t i = 0; i < c->n_clusters; i++) {
        what.names_code |= c->clusters[i].password_file || c->clusters[i].token_file;
        what.holds_secret |= c->clusters[i].password != NULL;
    }
    char warn[512];
    if (file_mode_check_path(path, c->path ? c->path : path, &what, warn, sizeof warn, err,
                             errlen) != 0)
        return -1;
    free(c->warning);
    c->warning = warn[0] ? xstrdup(warn) : NULL;
    return 0;
}

int config_load(const char *path, struct config *out, char *err, size_t errlen) {
    if (err && errlen)
        err[0] = '\0';
    char *p = path ? xstrdup(path) : config_default_path();
    if (p == NULL)
        return 0; /* no HOME: nowhere to look, the defaults */
    struct yaml_doc doc;
    int rc = -1;
    enum yaml_doc_status st = yaml_doc_load_file(p, &doc, err, errlen);
    if (st == YAML_DOC_NO_FILE && path == NULL) {
        if (err && errlen)
            err[0] = '\0';
        rc = 0;
    } else if (st == YAML_DOC_OK) {
        rc = load_doc(&doc, out, err, errlen);
        if (rc == 0)
            rc = check_mode(p, out, err, errlen);
    }
    yaml_doc_free(&doc);
    free(p);
    return rc;
}
