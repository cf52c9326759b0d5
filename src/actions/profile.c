#include "profile.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "xalloc.h"
#include "yaml_doc.h"

#ifndef FLINKTOP_DATADIR
#define FLINKTOP_DATADIR "/usr/local/share/flinktop"
#endif

#define NAME_MAX_LEN 100
#define DESCRIPTION_MAX 200
#define PATH_MAX_DEPTH 64 /* nested flinkConfiguration levels followed for a patch */

/* ---- loading ------------------------------------------------------------------------- */

static void profile_init(struct profile *p) { memset(p, 0, sizeof *p); }

void profile_free(struct profile *p) {
    for (size_t i = 0; i < p->len; i++) {
        free(p->items[i].key);
        free(p->items[i].value);
    }
    free(p->items);
    free(p->name);
    free(p->file);
    free(p->description);
    profile_init(p);
}

/* "dir/rocksdb-balanced.yaml" -> "rocksdb-balanced". returns owned */
static char *name_of(const char *file) {
    const char *base = strrchr(file, '/');
    base = base ? base + 1 : file;
    size_t n = strlen(base);
    if (n > 5 && strcmp(base + n - 5, ".yaml") == 0)
        n -= 5;
    else if (n > 4 && strcmp(base + n - 4, ".yml") == 0)
        n -= 4;
    return sanitize_strndup(base, n);
}

/* The first line of the leading comment block, without '#' and surrounding blanks;
 * "" when the text does not start with a comment. returns owned */
static char *description_of(const char *text, size_t len) {
    size_t i = 0;
    while (i < len) {
        size_t eol = i;
        while (eol < len && text[eol] != '\n')
            eol++;
        size_t s = i;
        while (s < eol && (text[s] == ' ' || text[s] == '\t' || text[s] == '\r'))
            s++;
        if (s == eol) { /* blank line before the comment */
            i = eol + 1;
            continue;
        }
        if (text[s] != '#')
            break;
        while (s < eol && (text[s] == '#' || text[s] == ' ' || text[s] == '\t'))
            s++;
        size_t e = eol;
        while (e > s && isspace((unsigned char)text[e - 1]))
            e--;
        if (e == s) { /* a bare "#" line: look further */
            i = eol + 1;
            continue;
        }
        if (e - s > DESCRIPTION_MAX)
            e = s + DESCRIPTION_MAX;
        while (e > s && e < eol && ((unsigned char)text[e] & 0xC0) == 0x80)
            e--; /* never cut inside a UTF-8 character */
        return sanitize_strndup(text + s, e - s);
    }
    return xstrdup("");
}

struct reader {
    const char *file;
    struct yaml_doc_errors errs;
    struct profile *out;
};

static bool key_ok(const char *k) {
    if (k[0] == '\0')
        return false;
    for (const unsigned char *p = (const unsigned char *)k; *p; p++)
        if (*p <= ' ' || *p == 0x7f)
            return false;
    return true;
}

static void add_entry(struct reader *r, char *key, char *value, int line) {
    for (size_t i = 0; i < r->out->len; i++) {
        if (strcmp(r->out->items[i].key, key) == 0) {
            yaml_doc_error(&r->errs, r->file, line, "key %s is given twice (first at line %d)", key,
                           r->out->items[i].line);
            free(key);
            free(value);
            return;
        }
    }
    if (r->out->len == PROFILE_MAX_ENTRIES) {
        yaml_doc_error(&r->errs, r->file, line, "more than %d keys", PROFILE_MAX_ENTRIES);
        free(key);
        free(value);
        return;
    }
    r->out->items = xrealloc(r->out->items, (r->out->len + 1) * sizeof *r->out->items);
    r->out->items[r->out->len++] = (struct profile_entry){key, value, line};
}

/* Read map's pairs under prefix (NULL at the top), nested maps flattened with dots. */
static void read_map(struct reader *r, const struct yaml_doc_node *map, const char *prefix,
                     int depth) {
    for (size_t i = 0; i < map->len; i++) {
        const struct yaml_doc_node *k = &map->keys[i];
        const struct yaml_doc_node *v = &map->items[i];
        char buf[96];
        if (!key_ok(k->scalar)) {
            yaml_doc_error(&r->errs, r->file, k->line,
                           "a key must be a Flink configuration key without blanks, got %s",
                           yaml_doc_describe(k, buf, sizeof buf));
            continue;
        }
        char *key = prefix ? xasprintf("%s.%s", prefix, k->scalar) : xstrdup(k->scalar);
        if (strlen(key) > FLINK_CONF_MAX_KEY) {
            yaml_doc_error(&r->errs, r->file, k->line, "key longer than %d bytes",
                           FLINK_CONF_MAX_KEY);
            free(key);
            continue;
        }
        if (v->kind == YAML_DOC_MAP && v->len > 0 && depth < YAML_DOC_MAX_DEPTH) {
            read_map(r, v, key, depth + 1);
            free(key);
        } else if (v->kind == YAML_DOC_MAP) {
            yaml_doc_error(&r->errs, r->file, k->line,
                           "%s: expected a value (text, or null to remove the key), got an "
                           "empty map",
                           key);
            free(key);
        } else if (v->kind == YAML_DOC_SEQ) {
            yaml_doc_error(&r->errs, r->file, k->line,
                           "%s: expected a value, got a list (write a list as one string, "
                           "items separated by ';')",
                           key);
            free(key);
        } else if (yaml_doc_is_null(v)) {
            add_entry(r, key, NULL, k->line);
        } else {
            add_entry(r, key, sanitize_strdup(v->scalar), k->line);
        }
    }
}

static int load_doc(enum yaml_doc_status st, struct yaml_doc *doc, const char *text, size_t len,
                    struct profile *out, char *err, size_t errlen) {
    int rc = -1;
    if (st != YAML_DOC_OK)
        goto out;
    struct reader r;
    memset(&r, 0, sizeof r);
    r.file = doc->file;
    r.out = out;
    out->file = xstrdup(doc->file);
    out->name = name_of(doc->file);
    out->description = text ? description_of(text, len) : xstrdup("");
    const struct yaml_doc_node *root = doc->root;
    char buf[96];
    if (root == NULL || yaml_doc_is_null(root))
        yaml_doc_error(&r.errs, r.file, 1,
                       "no configuration keys: a profile is a map of Flink "
                       "configuration keys to values");
    else if (root->kind != YAML_DOC_MAP)
        yaml_doc_error(&r.errs, r.file, root->line,
                       "expected a map of Flink configuration keys to values, got %s",
                       yaml_doc_describe(root, buf, sizeof buf));
    else
        read_map(&r, root, NULL, 0);
    if (r.errs.n == 0 && out->len == 0)
        yaml_doc_error(&r.errs, r.file, 1, "no configuration keys");
    rc = 0;
    if (r.errs.n > 0) {
        yaml_doc_errors_join(&r.errs, err, errlen);
        rc = -1;
    }
    yaml_doc_errors_free(&r.errs);
out:
    yaml_doc_free(doc);
    return rc;
}

int profile_load_string(const char *text, size_t len, const char *file, struct profile *out,
                        char *err, size_t errlen) {
    profile_init(out);
    if (err && errlen)
        err[0] = '\0';
    struct yaml_doc doc;
    enum yaml_doc_status st = yaml_doc_load_string(text, len, file, &doc, err, errlen);
    return load_doc(st, &doc, text, len, out, err, errlen);
}

/* The first few KiB of path, enough for the leading comment; NULL when unreadable. */
static char *read_head(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    char *buf = xmalloc(4096);
    *len = fread(buf, 1, 4096, f);
    fclose(f);
    return buf;
}

int profile_load(const char *path, struct profile *out, char *err, size_t errlen) {
    profile_init(out);
    if (err && errlen)
        err[0] = '\0';
    struct yaml_doc doc;
    enum yaml_doc_status st = yaml_doc_load_file(path, &doc, err, errlen);
    size_t len = 0;
    char *head = st == YAML_DOC_OK ? read_head(path, &len) : NULL;
    int rc = load_doc(st, &doc, head, len, out, err, errlen);
    free(head);
    return rc;
}

/* ---- listing ------------------------------------------------------------------------- */

const char *const *profile_default_dirs(size_t *n) {
    static const char *const dirs[] = {FLINKTOP_DATADIR "/profiles", "config/profiles"};
    *n = sizeof dirs / sizeof dirs[0];
    return dirs;
}

bool profile_name_valid(const char *name) {
    size_t n = name ? strlen(name) : 0;
    if (n == 0 || n > NAME_MAX_LEN || name[0] == '.')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)name[i]) && name[i] != '.' && name[i] != '_' && name[i] != '-')
            return false;
    return true;
}

void profile_names_free(struct profile_names *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->names[i]);
        free(l->paths[i]);
    }
    free(l->names);
    free(l->paths);
    memset(l, 0, sizeof *l);
}

static bool listed(const struct profile_names *l, const char *name) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->names[i], name) == 0)
            return true;
    return false;
}

void profile_list(const char *const *dirs, size_t n_dirs, struct profile_names *out) {
    memset(out, 0, sizeof *out);
    for (size_t d = 0; d < n_dirs; d++) {
        DIR *dir = opendir(dirs[d]);
        if (dir == NULL)
            continue; /* not installed, or not run from the source tree */
        const struct dirent *e;
        while ((e = readdir(dir)) != NULL) {
            size_t n = strlen(e->d_name);
            if (n <= 5 || strcmp(e->d_name + n - 5, ".yaml") != 0)
                continue;
            char *name = xstrndup(e->d_name, n - 5);
            if (!profile_name_valid(name) || listed(out, name) || out->len == PROFILE_MAX_ENTRIES) {
                free(name);
                continue;
            }
            out->names = xrealloc(out->names, (out->len + 1) * sizeof *out->names);
            out->paths = xrealloc(out->paths, (out->len + 1) * sizeof *out->paths);
            out->names[out->len] = name;
            out->paths[out->len] = xasprintf("%s/%s", dirs[d], e->d_name);
            out->len++;
        }
        closedir(dir);
    }
    /* insertion sort by name, paths alongside: a handful of files */
    for (size_t i = 1; i < out->len; i++) {
        for (size_t j = i; j > 0 && strcmp(out->names[j - 1], out->names[j]) > 0; j--) {
            char *t = out->names[j];
            out->names[j] = out->names[j - 1];
            out->names[j - 1] = t;
            t = out->paths[j];
            out->paths[j] = out->paths[j - 1];
            out->paths[j - 1] = t;
        }
    }
}

/* ---- diff ---------------------------------------------------------------------------- */

static const char *current(const struct flink_conf_entry *cur, size_t n, const char *key) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(cur[i].key, key) == 0)
            return cur[i].value;
    return NULL;
}

static void push_change(struct profile_diff *d, enum profile_change_kind kind, const char *key,
                        const char *old_value, const char *new_value) {
    d->items = xrealloc(d->items, (d->len + 1) * sizeof *d->items);
    d->items[d->len++] =
        (struct profile_change){kind, xstrdup(key), xstrdup(old_value), xstrdup(new_value)};
}

void profile_diff(const struct profile *p, const struct flink_conf_entry *cur, size_t n,
                  struct profile_diff *out) {
    memset(out, 0, sizeof *out);
    out->profile = xstrdup(p->name ? p->name : "");
    /* three passes keep the order: added, changed, removed, each in the profile's order */
    for (int pass = PROFILE_ADDED; pass <= PROFILE_REMOVED; pass++) {
        for (size_t i = 0; i < p->len; i++) {
            const struct profile_entry *e = &p->items[i];
            const char *have = current(cur, n, e->key);
            enum profile_change_kind kind;
            if (e->value == NULL) {
                if (have == NULL) {
                    out->unchanged += pass == PROFILE_ADDED;
                    continue;
                }
                kind = PROFILE_REMOVED;
            } else if (have == NULL) {
                kind = PROFILE_ADDED;
            } else if (strcmp(have, e->value) == 0) {
                out->unchanged += pass == PROFILE_ADDED;
                continue;
            } else {
                kind = PROFILE_CHANGED;
            }
            if ((int)kind != pass)
                continue;
            push_change(out, kind, e->key, have, e->value);
            if (kind == PROFILE_ADDED)
                out->added++;
            else if (kind == PROFILE_CHANGED)
                out->changed++;
            else
                out->removed++;
        }
    }
}

void profile_diff_free(struct profile_diff *d) {
    for (size_t i = 0; i < d->len; i++) {
        free(d->items[i].key);
        free(d->items[i].old_value);
        free(d->items[i].new_value);
    }
    free(d->items);
    free(d->profile);
    memset(d, 0, sizeof *d);
}

/* ---- the merge-patch ----------------------------------------------------------------- */

/* Where key lives in the nested tree obj: the object keys from the top to the leaf,
 * borrowed from obj, in path[0..*n). A key written flat at the top gives one segment.
 * Returns whether it was found. */
static bool find_path(const cJSON *obj, const char *key, const char **path, size_t *n,
                      size_t depth) {
    if (!cJSON_IsObject(obj) || depth >= PATH_MAX_DEPTH)
        return false;
    const cJSON *kid;
    cJSON_ArrayForEach(kid, obj) {
        if (kid->string == NULL || cJSON_IsObject(kid) || strcmp(kid->string, key) != 0)
            continue;
        path[depth] = kid->string;
        *n = depth + 1;
        return true;
    }
    cJSON_ArrayForEach(kid, obj) {
        if (kid->string == NULL || !cJSON_IsObject(kid))
            continue;
        size_t kl = strlen(kid->string);
        if (strncmp(key, kid->string, kl) != 0 || key[kl] != '.')
            continue;
        path[depth] = kid->string;
        if (find_path(kid, key + kl + 1, path, n, depth + 1))
            return true;
    }
    return false;
}

static void put(cJSON *obj, const char *key, cJSON *value) {
    if (cJSON_GetObjectItemCaseSensitive(obj, key))
        cJSON_ReplaceItemInObjectCaseSensitive(obj, key, value);
    else
        cJSON_AddItemToObject(obj, key, value);
}

/* Set the change at its nested place when the resource has it nested, else flat. */
static void patch_one(cJSON *conf, const struct profile_change *c, const cJSON *conf_raw) {
    const char *path[PATH_MAX_DEPTH];
    size_t n = 0;
    cJSON *at = conf;
    const char *leaf = c->key;
    if (find_path(conf_raw, c->key, path, &n, 0) && n > 1) {
        cJSON *o = conf;
        size_t i = 0;
        for (; i + 1 < n; i++) {
            cJSON *next = cJSON_GetObjectItemCaseSensitive(o, path[i]);
            if (next == NULL)
                next = cJSON_AddObjectToObject(o, path[i]);
            if (!cJSON_IsObject(next))
                break;
            o = next;
        }
        if (i + 1 == n) {
            at = o;
            leaf = path[n - 1];
        }
    }
    put(at, leaf, c->new_value ? cJSON_CreateString(c->new_value) : cJSON_CreateNull());
}

char *profile_patch_body(const struct profile_diff *d, const char *resource_version,
                         const struct cJSON *conf_raw) {
    cJSON *root = cJSON_CreateObject();
    if (resource_version)
        cJSON_AddStringToObject(cJSON_AddObjectToObject(root, "metadata"), "resourceVersion",
                                resource_version);
    cJSON *conf =
        cJSON_AddObjectToObject(cJSON_AddObjectToObject(root, "spec"), "flinkConfiguration");
    for (size_t i = 0; i < d->len; i++)
        patch_one(conf, &d->items[i], conf_raw);
    char *s = cJSON_PrintUnformatted(root);
    cJSON_Delete(root);
    char *out = xstrdup(s ? s : "{}");
    cJSON_free(s);
    return out;
}
