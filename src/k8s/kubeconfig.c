#include "kubeconfig.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <yaml.h>

#include "base64.h"
#include "sanitize.h"
#include "file_mode.h"
#include "secret.h"
#include "errf.h"
#include "xalloc.h"

#define KC_MAX_FILE ((size_t)16 * 1024 * 1024)
#define KC_MAX_TOKEN_FILE ((size_t)1024 * 1024)

struct kc_cluster {
    char *name;
    size_t file; /* index into kubeconfig.files */
    int line;
    char *server;
    char *ca_file;
    unsigned char *ca_data;
    size_t ca_len;
    bool insecure;
    char *tls_server_name;
    char *proxy_url;
};

struct kc_user {
    char *name;
    size_t file;
    int line;
    char *token;
    char *token_file;
    char *cert_file;
    unsigned char *cert_data;
    size_t cert_len;
    char *key_file;
    unsigned char *key_data;
    size_t key_len;
    char *username;
    char *password;
    char *auth_provider; /* its name only: flinktop does not run auth providers */
    struct exec_config *exec;
    int exec_line;
};

struct kc_context {
    char *name;
    size_t file;
    int line;
    char *cluster;
    char *user;
    char *namespace;
};

struct kubeconfig {
    char **files;    /* display names of the files read */
    char **warnings; /* file modes worth a word (file_mode.h) */
    size_t n_warnings;
    size_t n_files;
    struct kc_cluster *clusters;
    size_t n_clusters;
    struct kc_user *users;
    size_t n_users;
    struct kc_context *contexts;
    size_t n_contexts;
    char *current;
};

/* One file being parsed. */
struct parse {
    struct kubeconfig *kc;
    yaml_document_t *doc;
    size_t file;
    const char *shown; /* the file as messages show it */
    const char *dir;   /* absolute directory of the file, for relative paths */
    char *err;
    size_t errlen;
    struct file_mode_content *content; /* what the file names and holds (file_mode.h) */
};

/* ---- small helpers ---- */

static void *memdup(const void *p, size_t n) {
    if (p == NULL)
        return NULL;
    void *q = xmalloc(n);
    memcpy(q, p, n);
    return q;
}

/* A name from a file, made safe to show. Owned. */
static char *shown(const char *s) { return sanitize_strdup(s ? s : ""); }

/* "$HOME/x" as "~/x", sanitised. Owned. */
static char *display_path(const char *path, const char *home) {
    size_t n = home ? strlen(home) : 0;
    if (n > 1 && strncmp(path, home, n) == 0 && path[n] == '/') {
        char *t = xasprintf("~%s", path + n);
        char *s = sanitize_strdup(t);
        free(t);
        return s;
    }
    return sanitize_strdup(path);
}

/* Owned current working directory, or "." when it cannot be found. */
static char *current_dir(void) {
    size_t cap = 256;
    for (;;) {
        char *buf = xmalloc(cap);
        if (getcwd(buf, cap))
            return buf;
        free(buf);
        if (errno != ERANGE || cap > 65536)
            return xstrdup(".");
        cap *= 2;
    }
}

/* Owned absolute directory of path. */
static char *abs_dir(const char *path) {
    const char *slash = strrchr(path, '/');
    if (slash == path)
        return xstrdup("/");
    if (path[0] == '/')
        return xstrndup(path, (size_t)(slash - path));
    char *cwd = current_dir();
    char *dir = slash ? xasprintf("%s/%.*s", cwd, (int)(slash - path), path) : xstrdup(cwd);
    free(cwd);
    return dir;
}

/* Whole file into memory (NUL-terminated). Returns 0, or an errno value; EFBIG past max. */
static int read_file(const char *path, size_t max, char **data, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return errno;
    size_t cap = 4096, n = 0;
    char *buf = xmalloc(cap);
    int rc = 0;
    for (;;) {
        if (n + 1 >= cap) {
            cap *= 2;
            buf = xrealloc(buf, cap);
        }
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            rc = EFBIG;
            break;
        }
        if (got == 0) {
            if (ferror(f))
                rc = errno ? errno : EIO;
            break;
        }
    }
    fclose(f);
    if (rc != 0) {
        free(buf);
        return rc;
    }
    buf[n] = '\0';
    *data = buf;
    *len = n;
    return 0;
}

/* ---- YAML nodes ---- */

static int line_of(const yaml_node_t *n) { return n ? (int)n->start_mark.line + 1 : 0; }

static int fail(const struct parse *p, const yaml_node_t *n, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int fail(const struct parse *p, const yaml_node_t *n, const char *fmt, ...) {
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    errf(p->err, p->errlen, "%s:%d: %s", p->shown, line_of(n), msg);
    return -1;
}

static yaml_node_t *node(const struct parse *p, int id) {
    return yaml_document_get_node(p->doc, id);
}

static const char *scalar(const yaml_node_t *n) { return (const char *)n->data.scalar.value; }

/* null, ~, an empty plain scalar, or nothing at all */
static bool is_null(const yaml_node_t *n) {
    if (n == NULL)
        return true;
    if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
        return false;
    const char *v = scalar(n);
    return n->data.scalar.length == 0 || strcmp(v, "~") == 0 || strcmp(v, "null") == 0 ||
           strcmp(v, "Null") == 0 || strcmp(v, "NULL") == 0;
}

static bool key_is(const yaml_node_t *k, const char *s) {
    return k && k->type == YAML_SCALAR_NODE && k->data.scalar.length == strlen(s) &&
           memcmp(k->data.scalar.value, s, k->data.scalar.length) == 0;
}

/* Any scalar is a string (kubectl reads `token: 12345` as "12345"); null and "" leave
 * *out NULL. */
static int get_string(const struct parse *p, const yaml_node_t *n, const char *key, char **out) {
    if (!is_null(n) && n->type != YAML_SCALAR_NODE)
        return fail(p, n, "expected a string for \"%s\"", key);
    secret_free(*out);
    *out = NULL;
    if (!is_null(n) && n->data.scalar.length > 0)
        *out = xstrndup(scalar(n), n->data.scalar.length);
    return 0;
}

/* A name: like a string, but null is "". */
static int get_name(const struct parse *p, const yaml_node_t *n, const char *key, char **out) {
    if (get_string(p, n, key, out) != 0)
        return -1;
    if (*out == NULL)
        *out = xstrdup("");
    return 0;
}

/* YAML 1.1 booleans, as kubectl's YAML reader takes them. */
static int get_bool(const struct parse *p, const yaml_node_t *n, const char *key, bool *out) {
    static const char *const yes[] = {"y",  "Y",  "yes",  "Yes",  "YES", "on",
                                      "On", "ON", "true", "True", "TRUE"};
    static const char *const no[] = {"n",   "N",   "no",    "No",    "NO",   "off",
                                     "Off", "OFF", "false", "False", "FALSE"};
    if (is_null(n)) {
        *out = false;
        return 0;
    }
    if (n->type == YAML_SCALAR_NODE && n->data.scalar.style == YAML_PLAIN_SCALAR_STYLE) {
        for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++) {
            if (strcmp(scalar(n), yes[i]) == 0) {
                *out = true;
                return 0;
            }
            if (strcmp(scalar(n), no[i]) == 0) {
                *out = false;
                return 0;
            }
        }
    }
    return fail(p, n, "expected true or false for \"%s\"", key);
}

/* A path: relative ones are resolved against the file's directory. */
static int get_path(const struct parse *p, const yaml_node_t *n, const char *key, char **out) {
    if (get_string(p, n, key, out) != 0)
        return -1;
    if (*out && (*out)[0] != '/') {
        char *abs = xasprintf("%s/%s", p->dir, *out);
        free(*out);
        *out = abs;
    }
    return 0;
}

static int get_base64(const struct parse *p, const yaml_node_t *n, const char *key,
                      unsigned char **data, size_t *len) {
    if (!is_null(n) && n->type != YAML_SCALAR_NODE)
        return fail(p, n, "expected a string for \"%s\"", key);
    secret_free_bytes(*data, *len);
    *data = NULL;
    *len = 0;
    if (is_null(n))
        return 0;
    if (base64_decode(scalar(n), n->data.scalar.length, data, len) != 0)
        return fail(p, n, "%s is not valid base64", key);
    return 0;
}

static int expect_mapping(const struct parse *p, const yaml_node_t *n, const char *key) {
    if (is_null(n) || n->type == YAML_MAPPING_NODE)
        return 0;
    return fail(p, n, "expected a mapping for \"%s\"", key);
}

/* Pairs of a mapping and items of a sequence; nothing for a node of any other type. */
static yaml_node_pair_t *pairs_begin(const yaml_node_t *n) {
    return n && n->type == YAML_MAPPING_NODE ? n->data.mapping.pairs.start : NULL;
}
static yaml_node_pair_t *pairs_end(const yaml_node_t *n) {
    return n && n->type == YAML_MAPPING_NODE ? n->data.mapping.pairs.top : NULL;
}
static yaml_node_item_t *items_begin(const yaml_node_t *n) {
    return n && n->type == YAML_SEQUENCE_NODE ? n->data.sequence.items.start : NULL;
}
static yaml_node_item_t *items_end(const yaml_node_t *n) {
    return n && n->type == YAML_SEQUENCE_NODE ? n->data.sequence.items.top : NULL;
}

#define FOR_PAIRS(pr, n)                                                                           \
    for (yaml_node_pair_t *pr = pairs_begin(n), *pr##_end = pairs_end(n); pr != pr##_end; pr++)
#define FOR_ITEMS(it, n)                                                                           \
    for (yaml_node_item_t *it = items_begin(n), *it##_end = items_end(n); it != it##_end; it++)

/* ---- entries ---- */

static void cluster_clear(struct kc_cluster *c) {
    free(c->name);
    free(c->server);
    free(c->ca_file);
    free(c->ca_data);
    free(c->tls_server_name);
    free(c->proxy_url);
    memset(c, 0, sizeof *c);
}

static void user_clear(struct kc_user *u) {
    free(u->name);
    secret_free(u->token);
    free(u->token_file);
    free(u->cert_file);
    free(u->cert_data);
    free(u->key_file);
    secret_free_bytes(u->key_data, u->key_len);
    free(u->username);
    secret_free(u->password);
    free(u->auth_provider);
    exec_config_free(u->exec);
    memset(u, 0, sizeof *u);
}

static void context_clear(struct kc_context *c) {
    free(c->name);
    free(c->cluster);
    free(c->user);
    free(c->namespace);
    memset(c, 0, sizeof *c);
}

static int parse_cluster(const struct parse *p, const yaml_node_t *body, struct kc_cluster *c) {
    FOR_PAIRS(pr, body) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        int rc = 0;
        if (key_is(k, "server"))
            rc = get_string(p, v, "server", &c->server);
        else if (key_is(k, "certificate-authority"))
            rc = get_path(p, v, "certificate-authority", &c->ca_file);
        else if (key_is(k, "certificate-authority-data"))
            rc = get_base64(p, v, "certificate-authority-data", &c->ca_data, &c->ca_len);
        else if (key_is(k, "insecure-skip-tls-verify"))
            rc = get_bool(p, v, "insecure-skip-tls-verify", &c->insecure);
        else if (key_is(k, "tls-server-name"))
            rc = get_string(p, v, "tls-server-name", &c->tls_server_name);
        else if (key_is(k, "proxy-url"))
            rc = get_string(p, v, "proxy-url", &c->proxy_url);
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int parse_exec_env(const struct parse *p, const yaml_node_t *n, struct exec_config *e) {
    if (!is_null(n) && n->type != YAML_SEQUENCE_NODE)
        return fail(p, n, "expected a sequence for \"env\"");
    FOR_ITEMS(it, n) {
        const yaml_node_t *item = node(p, *it);
        if (item->type != YAML_MAPPING_NODE)
            return fail(p, item, "expected a mapping in \"env\"");
        e->env = xrealloc(e->env, (e->n_env + 1) * sizeof *e->env);
        struct exec_env *ev = &e->env[e->n_env++];
        ev->name = NULL;
        ev->value = NULL;
        FOR_PAIRS(pr, item) {
            const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
            if (key_is(k, "name") && get_name(p, v, "name", &ev->name) != 0)
                return -1;
            if (key_is(k, "value") && get_name(p, v, "value", &ev->value) != 0)
                return -1;
        }
        if (ev->name == NULL)
            ev->name = xstrdup("");
        if (ev->value == NULL)
            ev->value = xstrdup("");
    }
    return 0;
}

static int parse_exec_args(const struct parse *p, const yaml_node_t *n, struct exec_config *e) {
    if (!is_null(n) && n->type != YAML_SEQUENCE_NODE)
        return fail(p, n, "expected a sequence for \"args\"");
    FOR_ITEMS(it, n) {
        const yaml_node_t *item = node(p, *it);
        if (item->type != YAML_SCALAR_NODE)
            return fail(p, item, "expected a string in \"args\"");
        e->args = xrealloc(e->args, (e->n_args + 1) * sizeof *e->args);
        e->args[e->n_args] = NULL;
        get_name(p, item, "args", &e->args[e->n_args]);
        e->n_args++;
    }
    return 0;
}

static int parse_exec(const struct parse *p, const yaml_node_t *n, struct exec_config *e) {
    FOR_PAIRS(pr, n) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        int rc = 0;
        if (key_is(k, "apiVersion"))
            rc = get_string(p, v, "apiVersion", &e->api_version);
        else if (key_is(k, "command"))
            rc = get_string(p, v, "command", &e->command);
        else if (key_is(k, "args"))
            rc = parse_exec_args(p, v, e);
        else if (key_is(k, "env"))
            rc = parse_exec_env(p, v, e);
        else if (key_is(k, "installHint"))
            rc = get_string(p, v, "installHint", &e->install_hint);
        else if (key_is(k, "interactiveMode"))
            rc = get_string(p, v, "interactiveMode", &e->interactive_mode);
        else if (key_is(k, "provideClusterInfo"))
            rc = get_bool(p, v, "provideClusterInfo", &e->provide_cluster_info);
        if (rc != 0)
            return -1;
    }
    /* Only a command with a path separator is relative to the file (client-go). */
    if (e->command && strchr(e->command, '/') && e->command[0] != '/') {
        char *abs = xasprintf("%s/%s", p->dir, e->command);
        free(e->command);
        e->command = abs;
    }
    return 0;
}

static int parse_user(const struct parse *p, const yaml_node_t *body, struct kc_user *u) {
    FOR_PAIRS(pr, body) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        int rc = 0;
        if (key_is(k, "token")) {
            rc = get_string(p, v, "token", &u->token);
            p->content->holds_secret = true;
        } else if (key_is(k, "tokenFile")) {
            rc = get_path(p, v, "tokenFile", &u->token_file);
            p->content->names_code = true;
        } else if (key_is(k, "client-certificate")) {
            rc = get_path(p, v, "client-certificate", &u->cert_file);
        } else if (key_is(k, "client-certificate-data")) {
            rc = get_base64(p, v, "client-certificate-data", &u->cert_data, &u->cert_len);
        } else if (key_is(k, "client-key")) {
            rc = get_path(p, v, "client-key", &u->key_file);
        } else if (key_is(k, "client-key-data")) {
            rc = get_base64(p, v, "client-key-data", &u->key_data, &u->key_len);
            p->content->holds_secret = true;
        } else if (key_is(k, "username")) {
            rc = get_string(p, v, "username", &u->username);
        } else if (key_is(k, "password")) {
            rc = get_string(p, v, "password", &u->password);
            p->content->holds_secret = true;
        } else if (key_is(k, "auth-provider")) {
            rc = expect_mapping(p, v, "auth-provider");
            FOR_PAIRS(ap, v) {
                if (rc == 0 && key_is(node(p, ap->key), "name"))
                    rc = get_string(p, node(p, ap->value), "name", &u->auth_provider);
            }
        } else if (key_is(k, "exec")) {
            p->content->names_code = true;
            rc = expect_mapping(p, v, "exec");
            exec_config_free(u->exec);
            u->exec = NULL;
            if (rc == 0 && !is_null(v)) {
                u->exec = xcalloc(1, sizeof *u->exec);
                u->exec_line = line_of(v);
                rc = parse_exec(p, v, u->exec);
            }
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

static int parse_context(const struct parse *p, const yaml_node_t *body, struct kc_context *c) {
    FOR_PAIRS(pr, body) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        int rc = 0;
        if (key_is(k, "cluster"))
            rc = get_string(p, v, "cluster", &c->cluster);
        else if (key_is(k, "user"))
            rc = get_string(p, v, "user", &c->user);
        else if (key_is(k, "namespace"))
            rc = get_string(p, v, "namespace", &c->namespace);
        if (rc != 0)
            return -1;
    }
    return 0;
}

enum kind { KIND_CLUSTER, KIND_USER, KIND_CONTEXT };

static const char *const kind_list[] = {"clusters", "users", "contexts"};
static const char *const kind_body[] = {"cluster", "user", "context"};

/* Index of the entry called name, or -1. */
static long find_entry(const struct kubeconfig *kc, enum kind kind, const char *name) {
    size_t n = kind == KIND_CLUSTER ? kc->n_clusters
               : kind == KIND_USER  ? kc->n_users
                                    : kc->n_contexts;
    for (size_t i = 0; i < n; i++) {
        const char *s = kind == KIND_CLUSTER ? kc->clusters[i].name
                        : kind == KIND_USER  ? kc->users[i].name
                                             : kc->contexts[i].name;
        if (strcmp(s, name) == 0)
            return (long)i;
    }
    return -1;
}

static size_t entry_file(const struct kubeconfig *kc, enum kind kind, long i) {
    return kind == KIND_CLUSTER ? kc->clusters[i].file
           : kind == KIND_USER  ? kc->users[i].file
                                : kc->contexts[i].file;
}

/* One item of clusters/users/contexts: {name: ..., cluster|user|context: {...}}. Parsed
 * whole (type errors count in every file), kept only when no earlier file has the name. */
static int parse_item(struct parse *p, const yaml_node_t *item, enum kind kind) {
    const char *list = kind_list[kind];
    if (item->type != YAML_MAPPING_NODE)
        return fail(p, item, "expected a mapping in \"%s\"", list);
    char *name = NULL;
    const yaml_node_t *body = NULL;
    FOR_PAIRS(pr, item) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        if (key_is(k, "name") && get_name(p, v, "name", &name) != 0) {
            free(name); /* a second name: that is not a string (found by fuzzing) */
            return -1;
        }
        if (key_is(k, kind_body[kind]))
            body = v;
    }
    if (name == NULL)
        name = xstrdup("");
    int rc = expect_mapping(p, body, kind_body[kind]);
    struct kc_cluster cl = {0};
    struct kc_user us = {0};
    struct kc_context cx = {0};
    if (rc == 0) {
        if (kind == KIND_CLUSTER)
            rc = parse_cluster(p, body, &cl);
        else if (kind == KIND_USER)
            rc = parse_user(p, body, &us);
        else
            rc = parse_context(p, body, &cx);
    }
    long have = find_entry(p->kc, kind, name);
    if (rc == 0 && have >= 0 && entry_file(p->kc, kind, have) == p->file) {
        char *s = shown(name);
        rc = fail(p, item, "duplicate %s name \"%s\"", kind_body[kind], s);
        free(s);
    }
    struct kubeconfig *kc = p->kc;
    if (rc == 0 && have < 0) {
        int line = line_of(item);
        if (kind == KIND_CLUSTER) {
            kc->clusters = xrealloc(kc->clusters, (kc->n_clusters + 1) * sizeof cl);
            cl.name = name;
            cl.file = p->file;
            cl.line = line;
            kc->clusters[kc->n_clusters++] = cl;
        } else if (kind == KIND_USER) {
            kc->users = xrealloc(kc->users, (kc->n_users + 1) * sizeof us);
            us.name = name;
            us.file = p->file;
            us.line = line;
            kc->users[kc->n_users++] = us;
        } else {
            kc->contexts = xrealloc(kc->contexts, (kc->n_contexts + 1) * sizeof cx);
            cx.name = name;
            cx.file = p->file;
            cx.line = line;
            kc->contexts[kc->n_contexts++] = cx;
        }
        return 0;
    }
    free(name);
    cluster_clear(&cl);
    user_clear(&us);
    context_clear(&cx);
    return rc;
}

static int parse_list(struct parse *p, const yaml_node_t *n, enum kind kind) {
    if (!is_null(n) && n->type != YAML_SEQUENCE_NODE)
        return fail(p, n, "expected a sequence for \"%s\"", kind_list[kind]);
    FOR_ITEMS(it, n) {
        const yaml_node_t *item = node(p, *it);
        if (is_null(item))
            continue;
        if (parse_item(p, item, kind) != 0)
            return -1;
    }
    return 0;
}

static int parse_root(struct parse *p, const yaml_node_t *root) {
    if (is_null(root))
        return 0; /* an empty file is an empty config */
    if (root->type != YAML_MAPPING_NODE)
        return fail(p, root, "expected a mapping at the top level");
    FOR_PAIRS(pr, root) {
        const yaml_node_t *k = node(p, pr->key), *v = node(p, pr->value);
        int rc = 0;
        if (key_is(k, "clusters")) {
            rc = parse_list(p, v, KIND_CLUSTER);
        } else if (key_is(k, "users")) {
            rc = parse_list(p, v, KIND_USER);
        } else if (key_is(k, "contexts")) {
            rc = parse_list(p, v, KIND_CONTEXT);
        } else if (key_is(k, "current-context")) {
            char *cur = NULL;
            rc = get_string(p, v, "current-context", &cur);
            if (rc == 0 && cur && p->kc->current == NULL) {
                p->kc->current = cur;
                cur = NULL;
            }
            free(cur);
        }
        if (rc != 0)
            return -1;
    }
    return 0;
}

/* Describe a libyaml failure: "file:LINE: problem", with where the construct began when
 * that is another line ("... (while scanning a simple key at line 3)"). */
static void yaml_failure(const yaml_parser_t *yp, const char *shown_name, const char *data,
                         size_t len, char *err, size_t errlen) {
    size_t line = yp->problem_mark.line + 1;
    if (yp->error == YAML_READER_ERROR) {
        line = 1;
        for (size_t i = 0; i < yp->problem_offset && i < len && data[i]; i++)
            line += data[i] == '\n';
    }
    const char *problem = yp->problem ? yp->problem : "invalid YAML";
    if (yp->context && yp->context_mark.line + 1 != line && yp->error != YAML_READER_ERROR)
        errf(err, errlen, "%s:%zu: %s (%s at line %zu)", shown_name, line, problem, yp->context,
             yp->context_mark.line + 1);
    else
        errf(err, errlen, "%s:%zu: %s", shown_name, line, problem);
}

/* Parse and merge one file's contents, data[0..len) (the caller keeps and wipes them),
 * shown in messages as path with home as ~. */
static int load_data(struct kubeconfig *kc, const char *path, const char *data, size_t len,
                     const char *home, const mode_t *mode, char *err, size_t errlen) {
    char *disp = display_path(path, home);
    kc->files = xrealloc(kc->files, (kc->n_files + 1) * sizeof *kc->files);
    kc->files[kc->n_files] = disp;
    char *dir = abs_dir(path);
    struct file_mode_content content = {false, false};
    struct parse p = {kc, NULL, kc->n_files, disp, dir, err, errlen, &content};
    kc->n_files++;

    int rc = 0;
    yaml_parser_t yp;
    yaml_document_t doc;
    yaml_parser_initialize(&yp);
    yaml_parser_set_input_string(&yp, (const unsigned char *)data, len);
    if (!yaml_parser_load(&yp, &doc)) {
        yaml_failure(&yp, disp, data, len, err, errlen);
        rc = -1;
        goto out;
    }
    p.doc = &doc;
    rc = parse_root(&p, yaml_document_get_root_node(&doc));
    yaml_document_delete(&doc);
    if (rc == 0 && mode != NULL) {
        char warn[512];
        rc = file_mode_check(*mode, disp, &content, warn, sizeof warn, err, errlen);
        if (rc == 0 && warn[0]) {
            kc->warnings = xrealloc(kc->warnings, (kc->n_warnings + 1) * sizeof *kc->warnings);
            kc->warnings[kc->n_warnings++] = xstrdup(warn);
        }
    }
out:
    yaml_parser_delete(&yp);
    free(dir);
    return rc;
}

/* Read and merge one file. A missing file is skipped unless must_exist. */
static int load_file(struct kubeconfig *kc, const char *path, bool must_exist, const char *home,
                     char *err, size_t errlen) {
    char *data = NULL;
    size_t len = 0;
    int e = read_file(path, KC_MAX_FILE, &data, &len);
    if (e == ENOENT && !must_exist)
        return 0;
    if (e != 0) {
        char *disp = display_path(path, home);
        if (e == EFBIG)
            errf(err, errlen, "%s: larger than 16 MiB", disp);
        else
            errf(err, errlen, "%s: %s", disp, strerror(e));
        free(disp);
        return -1;
    }
    struct stat st;
    bool have_mode = stat(path, &st) == 0;
    int rc = load_data(kc, path, data, len, home, have_mode ? &st.st_mode : NULL, err, errlen);
    secret_free_bytes(data, len);
    return rc;
}

/* ---- public ---- */

struct kubeconfig *kubeconfig_load(const char *explicit_path, char *err, size_t errlen) {
    struct kubeconfig_env env = {getenv("KUBECONFIG"), getenv("HOME")};
    return kubeconfig_load_env(explicit_path, &env, err, errlen);
}

struct kubeconfig *kubeconfig_load_buffer(const char *data, size_t len, const char *path,
                                          const struct kubeconfig_env *env, char *err,
                                          size_t errlen) {
    struct kubeconfig *kc = xcalloc(1, sizeof *kc);
    if (load_data(kc, path, data, len, env->home, NULL, err, errlen) != 0) {
        kubeconfig_free(kc);
        return NULL;
    }
    return kc;
}

struct kubeconfig *kubeconfig_load_env(const char *explicit_path, const struct kubeconfig_env *envp,
                                       char *err, size_t errlen) {
    struct kubeconfig *kc = xcalloc(1, sizeof *kc);
    int rc = 0;
    const char *env = envp->kubeconfig;
    if (explicit_path && *explicit_path) {
        rc = load_file(kc, explicit_path, true, envp->home, err, errlen);
    } else if (env && *env) {
        /* colon-separated; empty entries and repeats skipped; missing files skipped */
        char *list = xstrdup(env);
        char **seen = xcalloc(strlen(env) + 1, sizeof *seen);
        size_t n_seen = 0;
        char *s = list;
        while (rc == 0 && s) {
            char *colon = strchr(s, ':');
            if (colon)
                *colon = '\0';
            bool dup = *s == '\0';
            for (size_t i = 0; i < n_seen && !dup; i++)
                dup = strcmp(seen[i], s) == 0;
            if (!dup) {
                seen[n_seen++] = s;
                rc = load_file(kc, s, false, envp->home, err, errlen);
            }
            s = colon ? colon + 1 : NULL;
        }
        free(seen);
        free(list);
    } else {
        const char *home = envp->home;
        if (home && *home) {
            char *path = xasprintf("%s/.kube/config", home);
            rc = load_file(kc, path, false, home, err, errlen);
            free(path);
        }
    }
    if (rc != 0) {
        kubeconfig_free(kc);
        return NULL;
    }
    return kc;
}

size_t kubeconfig_warning_count(const struct kubeconfig *kc) { return kc->n_warnings; }

const char *kubeconfig_warning(const struct kubeconfig *kc, size_t i) {
    return i < kc->n_warnings ? kc->warnings[i] : NULL;
}

void kubeconfig_free(struct kubeconfig *kc) {
    if (kc == NULL)
        return;
    for (size_t i = 0; i < kc->n_warnings; i++)
        free(kc->warnings[i]);
    free(kc->warnings);
    for (size_t i = 0; i < kc->n_files; i++)
        free(kc->files[i]);
    for (size_t i = 0; i < kc->n_clusters; i++)
        cluster_clear(&kc->clusters[i]);
    for (size_t i = 0; i < kc->n_users; i++)
        user_clear(&kc->users[i]);
    for (size_t i = 0; i < kc->n_contexts; i++)
        context_clear(&kc->contexts[i]);
    free(kc->files);
    free(kc->clusters);
    free(kc->users);
    free(kc->contexts);
    free(kc->current);
    free(kc);
}

size_t kubeconfig_context_count(const struct kubeconfig *kc) { return kc->n_contexts; }

const char *kubeconfig_context_name(const struct kubeconfig *kc, size_t i) {
    return i < kc->n_contexts ? kc->contexts[i].name : NULL;
}

const char *kubeconfig_current_context(const struct kubeconfig *kc) { return kc->current; }

size_t kubeconfig_file_count(const struct kubeconfig *kc) { return kc->n_files; }

const char *kubeconfig_file(const struct kubeconfig *kc, size_t i) {
    return i < kc->n_files ? kc->files[i] : NULL;
}

/* 0 when path can be read, else complain "origin: cannot read KEY "path": reason". */
static int check_readable(const char *origin, const char *key, const char *path, char *err,
                          size_t errlen) {
    if (path == NULL || access(path, R_OK) == 0)
        return 0;
    int e = errno;
    char *s = display_path(path, getenv("HOME"));
    errf(err, errlen, "%s: cannot read %s \"%s\": %s", origin, key, s, strerror(e));
    free(s);
    return -1;
}

/* The checks client-go's validateClusterInfo makes. */
static int validate_cluster(const struct kubeconfig *kc, const struct kc_cluster *cl, char *err,
                            size_t errlen) {
    char *origin = xasprintf("%s:%d", kc->files[cl->file], cl->line);
    char *name = shown(cl->name);
    int rc = -1;
    if (cl->server == NULL) {
        errf(err, errlen, "%s: cluster \"%s\" has no server", origin, name);
    } else if (cl->insecure && (cl->ca_file || cl->ca_data)) {
        errf(err, errlen,
             "%s: cluster \"%s\": insecure-skip-tls-verify cannot be combined with a "
             "certificate-authority",
             origin, name);
    } else if (cl->ca_data == NULL &&
               check_readable(origin, "certificate-authority", cl->ca_file, err, errlen) != 0) {
        /* err set */
    } else {
        rc = 0;
    }
    free(origin);
    free(name);
    return rc;
}

static int validate_exec(const char *origin, const char *name, const struct exec_config *e,
                         char *err, size_t errlen) {
    if (e->command == NULL) {
        errf(err, errlen, "%s: exec: command must be specified for user \"%s\"", origin, name);
        return -1;
    }
    if (e->api_version == NULL) {
        errf(err, errlen, "%s: exec: apiVersion must be specified for user \"%s\"", origin, name);
        return -1;
    }
    if (strcmp(e->api_version, EXEC_API_V1) != 0 && strcmp(e->api_version, EXEC_API_V1BETA1) != 0) {
        char *v = shown(e->api_version);
        errf(err, errlen,
             "%s: exec: apiVersion \"%s\" is not supported (use " EXEC_API_V1
             " or " EXEC_API_V1BETA1 ")",
             origin, v);
        free(v);
        return -1;
    }
    for (size_t i = 0; i < e->n_env; i++) {
        if (e->env[i].name[0] == '\0' || strchr(e->env[i].name, '=')) {
            errf(err, errlen, "%s: exec: env variable name must be specified for user \"%s\"",
                 origin, name);
            return -1;
        }
    }
    const char *mode = e->interactive_mode;
    if (mode == NULL) {
        /* v1beta1 defaults to IfAvailable; v1 wants it said (client-go) */
        if (strcmp(e->api_version, EXEC_API_V1BETA1) == 0)
            return 0;
        errf(err, errlen, "%s: exec: interactiveMode must be specified for user \"%s\"", origin,
             name);
        return -1;
    }
    if (strcmp(mode, "Never") != 0 && strcmp(mode, "IfAvailable") != 0 &&
        strcmp(mode, "Always") != 0) {
        char *m = shown(mode);
        errf(err, errlen, "%s: exec: invalid interactiveMode \"%s\" for user \"%s\"", origin, m,
             name);
        free(m);
        return -1;
    }
    return 0;
}

/* The checks client-go's validateAuthInfo makes. Never names a secret's value. */
static int validate_user(const struct kubeconfig *kc, const struct kc_user *u, char *err,
                         size_t errlen) {
    char *origin = xasprintf("%s:%d", kc->files[u->file], u->line);
    char *name = shown(u->name);
    int rc = -1;
    bool basic = u->username || u->password;
    bool cert = u->cert_file || u->cert_data;
    if (u->token && basic) {
        errf(err, errlen,
             "%s: user \"%s\" has more than one authentication method (token, basic auth); "
             "only one is allowed",
             origin, name);
    } else if (u->cert_file && u->cert_data) {
        errf(err, errlen, "%s: user \"%s\" has both client-certificate and client-certificate-data",
             origin, name);
    } else if (u->key_file && u->key_data) {
        errf(err, errlen, "%s: user \"%s\" has both client-key and client-key-data", origin, name);
    } else if (cert && !u->key_file && !u->key_data) {
        errf(err, errlen,
             "%s: user \"%s\" has a client certificate but no client-key or client-key-data",
             origin, name);
    } else if (check_readable(origin, "client-certificate", u->cert_file, err, errlen) != 0 ||
               check_readable(origin, "client-key", u->key_file, err, errlen) != 0) {
        /* err set */
    } else if (u->exec) {
        char *eo = xasprintf("%s:%d", kc->files[u->file], u->exec_line);
        rc = validate_exec(eo, name, u->exec, err, errlen);
        free(eo);
    } else if (u->auth_provider && !u->token && !u->token_file && !basic && !cert) {
        char *ap = shown(u->auth_provider);
        errf(err, errlen,
             "%s: user \"%s\" uses auth-provider \"%s\", which flinktop does not support: "
             "use an exec plugin (kubelogin)",
             origin, name, ap);
        free(ap);
    } else {
        rc = 0;
    }
    free(origin);
    free(name);
    return rc;
}

/* tokenFile's contents, whitespace trimmed. Owned (secret), or NULL with err set. */
static char *read_token_file(const char *origin, const char *path, char *err, size_t errlen) {
    char *data = NULL;
    size_t len = 0;
    int e = read_file(path, KC_MAX_TOKEN_FILE, &data, &len);
    if (e != 0) {
        char *s = display_path(path, getenv("HOME"));
        errf(err, errlen, "%s: cannot read tokenFile \"%s\": %s", origin, s,
             e == EFBIG ? "larger than 1 MiB" : strerror(e));
        free(s);
        return NULL;
    }
    size_t a = 0;
    while (a < len && strchr(" \t\r\n\f\v", data[a]) && data[a])
        a++;
    while (len > a && strchr(" \t\r\n\f\v", data[len - 1]) && data[len - 1])
        len--;
    char *tok = xstrndup(data + a, len - a);
    secret_wipe(data, strlen(data));
    free(data);
    return tok;
}

struct kubeconfig_context *kubeconfig_resolve(const struct kubeconfig *kc, const char *name,
                                              char *err, size_t errlen) {
    if (name == NULL || *name == '\0')
        name = kc->current;
    if (name == NULL) {
        if (kc->n_files == 0)
            errf(err, errlen, "no kubeconfig found (KUBECONFIG, ~/.kube/config)");
        else
            errf(err, errlen, "current-context is not set in %s", kc->files[0]);
        return NULL;
    }
    long ci = find_entry(kc, KIND_CONTEXT, name);
    if (ci < 0) {
        char *s = shown(name);
        errf(err, errlen, "context \"%s\" does not exist", s);
        free(s);
        return NULL;
    }
    const struct kc_context *cx = &kc->contexts[ci];
    char *origin = xasprintf("%s:%d", kc->files[cx->file], cx->line);
    char *sname = shown(cx->name);
    struct kubeconfig_context *c = NULL;
    const struct kc_cluster *cl = NULL;
    const struct kc_user *u = NULL;

    long li = cx->cluster ? find_entry(kc, KIND_CLUSTER, cx->cluster) : -1;
    if (cx->cluster == NULL) {
        errf(err, errlen, "%s: context \"%s\" has no cluster", origin, sname);
        goto out;
    }
    if (li < 0) {
        char *s = shown(cx->cluster);
        errf(err, errlen, "%s: context \"%s\" refers to unknown cluster \"%s\"", origin, sname, s);
        free(s);
        goto out;
    }
    cl = &kc->clusters[li];
    if (cx->user) {
        long ui = find_entry(kc, KIND_USER, cx->user);
        if (ui < 0) {
            char *s = shown(cx->user);
            errf(err, errlen, "%s: context \"%s\" refers to unknown user \"%s\"", origin, sname, s);
            free(s);
            goto out;
        }
        u = &kc->users[ui];
    }
    if (validate_cluster(kc, cl, err, errlen) != 0)
        goto out;
    if (u && validate_user(kc, u, err, errlen) != 0)
        goto out;

    c = xcalloc(1, sizeof *c);
    c->name = xstrdup(cx->name);
    c->cluster_name = xstrdup(cl->name);
    c->user_name = xstrdup(u ? u->name : "");
    c->namespace = xstrdup(cx->namespace ? cx->namespace : "default");
    c->origin = origin;
    origin = NULL;
    c->server = xstrdup(cl->server);
    c->ca_data = memdup(cl->ca_data, cl->ca_len);
    c->ca_len = cl->ca_len;
    c->ca_file = cl->ca_data ? NULL : xstrdup(cl->ca_file); /* data wins, as in client-go */
    c->insecure = cl->insecure;
    c->tls_server_name = xstrdup(cl->tls_server_name);
    c->proxy_url = xstrdup(cl->proxy_url);
    if (u) {
        c->token_file = xstrdup(u->token_file);
        if (u->token) {
            c->token = xstrdup(u->token);
        } else if (u->token_file) {
            char *uo = xasprintf("%s:%d", kc->files[u->file], u->line);
            c->token = read_token_file(uo, u->token_file, err, errlen);
            free(uo);
            if (c->token == NULL) {
                kubeconfig_context_free(c);
                c = NULL;
                goto out;
            }
        }
        c->cert_data = memdup(u->cert_data, u->cert_len);
        c->cert_len = u->cert_len;
        c->cert_file = xstrdup(u->cert_file);
        c->key_data = memdup(u->key_data, u->key_len);
        c->key_len = u->key_len;
        c->key_file = xstrdup(u->key_file);
        c->username = xstrdup(u->username);
        c->password = xstrdup(u->password);
        c->exec = exec_config_dup(u->exec);
        if (c->exec && c->exec->interactive_mode == NULL)
            c->exec->interactive_mode = xstrdup("IfAvailable");
    }
out:
    free(origin);
    free(sname);
    return c;
}

void kubeconfig_context_free(struct kubeconfig_context *c) {
    if (c == NULL)
        return;
    free(c->name);
    free(c->cluster_name);
    free(c->user_name);
    free(c->namespace);
    free(c->origin);
    free(c->server);
    free(c->ca_data);
    free(c->ca_file);
    free(c->tls_server_name);
    free(c->proxy_url);
    secret_free(c->token);
    free(c->token_file);
    free(c->cert_data);
    free(c->cert_file);
    secret_free_bytes(c->key_data, c->key_len);
    free(c->key_file);
    free(c->username);
    secret_free(c->password);
    exec_config_free(c->exec);
    free(c);
}

static bool same_str(const char *a, const char *b) {
    return (a == NULL && b == NULL) || (a != NULL && b != NULL && strcmp(a, b) == 0);
}

static bool same_bytes(const unsigned char *a, size_t alen, const unsigned char *b, size_t blen) {
    return alen == blen && (alen == 0 || (a != NULL && b != NULL && memcmp(a, b, alen) == 0));
}

static bool same_exec(const struct exec_config *a, const struct exec_config *b) {
    if (a == NULL || b == NULL)
        return a == b;
    if (!same_str(a->api_version, b->api_version) || !same_str(a->command, b->command) ||
        a->n_args != b->n_args || a->n_env != b->n_env ||
        !same_str(a->interactive_mode, b->interactive_mode) ||
        a->provide_cluster_info != b->provide_cluster_info)
        return false;
    for (size_t i = 0; i < a->n_args; i++)
        if (!same_str(a->args[i], b->args[i]))
            return false;
    for (size_t i = 0; i < a->n_env; i++)
        if (!same_str(a->env[i].name, b->env[i].name) ||
            !same_str(a->env[i].value, b->env[i].value))
            return false;
    return true;
}

bool kubeconfig_context_same_access(const struct kubeconfig_context *a,
                                    const struct kubeconfig_context *b) {
    return same_str(a->server, b->server) &&
           same_bytes(a->ca_data, a->ca_len, b->ca_data, b->ca_len) &&
           same_str(a->ca_file, b->ca_file) && a->insecure == b->insecure &&
           same_str(a->tls_server_name, b->tls_server_name) &&
           same_str(a->proxy_url, b->proxy_url) && same_str(a->token, b->token) &&
           same_str(a->token_file, b->token_file) &&
           same_bytes(a->cert_data, a->cert_len, b->cert_data, b->cert_len) &&
           same_str(a->cert_file, b->cert_file) &&
           same_bytes(a->key_data, a->key_len, b->key_data, b->key_len) &&
           same_str(a->key_file, b->key_file) && same_str(a->username, b->username) &&
           same_str(a->password, b->password) && same_str(a->user_name, b->user_name) &&
           same_str(a->namespace, b->namespace) && same_exec(a->exec, b->exec);
}

void kubeconfig_context_tls(const struct kubeconfig_context *c, struct http_tls *tls) {
    memset(tls, 0, sizeof *tls);
    tls->ca_file = c->ca_file;
    tls->ca_data = c->ca_data;
    tls->ca_len = c->ca_len;
    tls->cert_file = c->cert_file;
    tls->cert_data = c->cert_data;
    tls->cert_len = c->cert_len;
    tls->key_file = c->key_file;
    tls->key_data = c->key_data;
    tls->key_len = c->key_len;
    tls->insecure = c->insecure;
    tls->server_name = c->tls_server_name;
    tls->bearer = c->token;
    tls->username = c->username;
    tls->password = c->password;
    tls->proxy = c->proxy_url;
}

void kubeconfig_context_exec_cluster(const struct kubeconfig_context *c,
                                     struct exec_cluster_info *info) {
    memset(info, 0, sizeof *info);
    info->server = c->server;
    info->ca_data = c->ca_data;
    info->ca_len = c->ca_len;
    info->ca_file = c->ca_file;
    info->tls_server_name = c->tls_server_name;
    info->proxy_url = c->proxy_url;
    info->insecure = c->insecure;
}
