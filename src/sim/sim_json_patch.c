#include "sim_json_patch.h"

#include "xalloc.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The pointer's tokens, unescaped: owned array of owned strings. */
struct pointer {
    char **tok;
    size_t n;
};

static void pointer_free(struct pointer *p) {
    for (size_t i = 0; i < p->n; i++)
        free(p->tok[i]);
    free(p->tok);
    p->tok = NULL;
    p->n = 0;
}

static bool pointer_parse(const char *s, struct pointer *p) {
    p->tok = NULL;
    p->n = 0;
    if (s[0] == '\0')
        return true; /* the whole document */
    if (s[0] != '/')
        return false;
    const char *t = s + 1;
    for (;;) {
        const char *slash = strchr(t, '/');
        size_t len = slash != NULL ? (size_t)(slash - t) : strlen(t);
        char *tok = xmalloc(len + 1);
        size_t o = 0;
        for (size_t i = 0; i < len; i++) {
            if (t[i] == '~' && i + 1 < len && (t[i + 1] == '0' || t[i + 1] == '1')) {
                tok[o++] = t[i + 1] == '0' ? '~' : '/';
                i++;
            } else if (t[i] == '~') {
                free(tok);
                pointer_free(p);
                return false;
            } else {
                tok[o++] = t[i];
            }
        }
        tok[o] = '\0';
        p->tok = xrealloc(p->tok, (p->n + 1) * sizeof *p->tok);
        p->tok[p->n++] = tok;
        if (slash == NULL)
            return true;
        t = slash + 1;
    }
}

/* An array index token: 0..size (size only when end_ok, or "-"); -1 when invalid. */
static long array_index(const char *tok, int size, bool end_ok) {
    if (strcmp(tok, "-") == 0)
        return end_ok ? size : -1;
    if (tok[0] == '\0' || (tok[0] == '0' && tok[1] != '\0'))
        return -1;
    char *end = NULL;
    errno = 0;
    long v = strtol(tok, &end, 10);
    if (errno != 0 || *end != '\0' || v < 0 || v > size || (v == size && !end_ok))
        return -1;
    return v;
}

/* The value the first n tokens point at, borrowed; NULL when absent. */
static cJSON *resolve(cJSON *doc, const struct pointer *p, size_t n) {
    cJSON *v = doc;
    for (size_t i = 0; i < n && v != NULL; i++) {
        if (cJSON_IsObject(v)) {
            v = cJSON_GetObjectItemCaseSensitive(v, p->tok[i]);
        } else if (cJSON_IsArray(v)) {
            long idx = array_index(p->tok[i], cJSON_GetArraySize(v), false);
            v = idx >= 0 ? cJSON_GetArrayItem(v, (int)idx) : NULL;
        } else {
            v = NULL;
        }
    }
    return v;
}

/* Takes value: adds it at p (replacing an object member). */
static bool add_at(cJSON *doc, const struct pointer *p, cJSON *value) {
    if (p->n == 0) {
        cJSON_Delete(value);
        return false; /* replacing the whole object is not a patch the API server takes */
    }
    cJSON *parent = resolve(doc, p, p->n - 1);
    const char *last = p->tok[p->n - 1];
    if (cJSON_IsObject(parent)) {
        if (cJSON_GetObjectItemCaseSensitive(parent, last) != NULL)
            cJSON_ReplaceItemInObjectCaseSensitive(parent, last, value);
        else
            cJSON_AddItemToObject(parent, last, value);
        return true;
    }
    if (cJSON_IsArray(parent)) {
        int size = cJSON_GetArraySize(parent);
        long idx = array_index(last, size, true);
        if (idx < 0) {
            cJSON_Delete(value);
            return false;
        }
        if (idx == size)
            cJSON_AddItemToArray(parent, value);
        else
            cJSON_InsertItemInArray(parent, (int)idx, value);
        return true;
    }
    cJSON_Delete(value);
    return false;
}

/* Detaches the value at p: owned, NULL when absent. */
static cJSON *detach_at(cJSON *doc, const struct pointer *p) {
    if (p->n == 0)
        return NULL;
    cJSON *parent = resolve(doc, p, p->n - 1);
    const char *last = p->tok[p->n - 1];
    if (cJSON_IsObject(parent))
        return cJSON_DetachItemFromObjectCaseSensitive(parent, last);
    if (cJSON_IsArray(parent)) {
        long idx = array_index(last, cJSON_GetArraySize(parent), false);
        return idx >= 0 ? cJSON_DetachItemFromArray(parent, (int)idx) : NULL;
    }
    return NULL;
}

static bool one(cJSON *doc, const cJSON *op, size_t i, char *err, size_t errlen) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(op, "op");
    const cJSON *path = cJSON_GetObjectItemCaseSensitive(op, "path");
    const cJSON *from = cJSON_GetObjectItemCaseSensitive(op, "from");
    const cJSON *value = cJSON_GetObjectItemCaseSensitive(op, "value");
    struct pointer p = {0}, f = {0};
    bool ok = false;
    if (!cJSON_IsString(o) || !cJSON_IsString(path) || !pointer_parse(path->valuestring, &p)) {
        snprintf(err, errlen, "operation %zu: \"op\" and a valid \"path\" are required", i);
        goto out;
    }
    const char *name = o->valuestring;
    if (strcmp(name, "add") == 0 || strcmp(name, "replace") == 0 || strcmp(name, "test") == 0) {
        if (value == NULL) {
            snprintf(err, errlen, "operation %zu (%s): \"value\" is required", i, name);
            goto out;
        }
    }
    if (strcmp(name, "add") == 0) {
        ok = add_at(doc, &p, cJSON_Duplicate(value, true));
    } else if (strcmp(name, "remove") == 0) {
        cJSON *gone = detach_at(doc, &p);
        ok = gone != NULL;
        cJSON_Delete(gone);
    } else if (strcmp(name, "replace") == 0) {
        cJSON *gone = detach_at(doc, &p);
        ok = gone != NULL && add_at(doc, &p, cJSON_Duplicate(value, true));
        cJSON_Delete(gone);
    } else if (strcmp(name, "test") == 0) {
        const cJSON *have = resolve(doc, &p, p.n);
        ok = have != NULL && cJSON_Compare(have, value, true);
        if (!ok) {
            snprintf(err, errlen, "testing value %s failed", path->valuestring);
            goto out;
        }
    } else if (strcmp(name, "move") == 0 || strcmp(name, "copy") == 0) {
        if (!cJSON_IsString(from) || !pointer_parse(from->valuestring, &f)) {
            snprintf(err, errlen, "operation %zu (%s): a valid \"from\" is required", i, name);
            goto out;
        }
        cJSON *v = strcmp(name, "move") == 0 ? detach_at(doc, &f)
                                             : cJSON_Duplicate(resolve(doc, &f, f.n), true);
        ok = v != NULL && add_at(doc, &p, v);
    } else {
        snprintf(err, errlen, "operation %zu: unknown op \"%s\"", i, name);
        goto out;
    }
    if (!ok)
        snprintf(err, errlen, "operation %zu (%s): path %s does not exist", i, name,
                 path->valuestring);
out:
    pointer_free(&p);
    pointer_free(&f);
    return ok;
}

bool sim_json_patch_apply(cJSON *doc, const cJSON *ops, char *err, size_t errlen) {
    if (!cJSON_IsArray(ops)) {
        snprintf(err, errlen, "a JSON patch is an array of operations");
        return false;
    }
    size_t i = 0;
    const cJSON *op = NULL;
    cJSON_ArrayForEach(op, ops) {
        if (!cJSON_IsObject(op)) {
            snprintf(err, errlen, "operation %zu is not an object", i);
            return false;
        }
        if (!one(doc, op, i, err, errlen))
            return false;
        i++;
    }
    return true;
}

void sim_json_set(cJSON *o, const char *key, cJSON *v) {
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

void sim_json_merge_patch(cJSON *target, const cJSON *patch) {
    for (const cJSON *p = patch->child; p != NULL; p = p->next) {
        cJSON *have = cJSON_GetObjectItemCaseSensitive(target, p->string);
        if (cJSON_IsNull(p)) {
            cJSON_DeleteItemFromObjectCaseSensitive(target, p->string);
        } else if (cJSON_IsObject(p)) {
            if (!cJSON_IsObject(have)) {
                have = cJSON_CreateObject();
                sim_json_set(target, p->string, have);
            }
            sim_json_merge_patch(have, p);
        } else {
            sim_json_set(target, p->string, cJSON_Duplicate(p, true));
        }
    }
}
