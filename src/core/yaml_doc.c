#include "yaml_doc.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <yaml.h>

#include "sanitize.h"
#include "errf.h"
#include "xalloc.h"

#define YAML_DOC_STATUS_MSG(id, msg) [id] = msg,
static const char *const status_messages[] = {YAML_DOC_STATUS(YAML_DOC_STATUS_MSG)};
#undef YAML_DOC_STATUS_MSG

const char *yaml_doc_status_message(enum yaml_doc_status s) {
    if ((size_t)s >= sizeof status_messages / sizeof status_messages[0])
        return "unknown error";
    return status_messages[s];
}

/* Longest scalar echoed back in a message. */
#define DESCRIBE_MAX 40

/* ---- building the tree from events ---- */

struct builder {
    yaml_parser_t parser;
    const char *file;
    size_t nodes;
    enum yaml_doc_status status;
    char *err;
    size_t errlen;
};

static void node_free(struct yaml_doc_node *n) {
    free(n->scalar);
    for (size_t i = 0; i < n->len; i++) {
        if (n->keys)
            node_free(&n->keys[i]);
        node_free(&n->items[i]);
    }
    free(n->keys);
    free(n->items);
    memset(n, 0, sizeof *n);
}

static bool next_event(struct builder *b, yaml_event_t *ev) {
    if (yaml_parser_parse(&b->parser, ev))
        return true;
    const yaml_parser_t *p = &b->parser;
    const char *problem = p->problem ? p->problem : "cannot parse";
    b->status = YAML_DOC_SYNTAX;
    if (p->error == YAML_READER_ERROR)
        errf(b->err, b->errlen, "%s: YAML syntax error: %s at byte %zu", b->file, problem,
             p->problem_offset);
    else if (p->context)
        errf(b->err, b->errlen, "%s:%zu: YAML syntax error: %s %s (line %zu)", b->file,
             p->problem_mark.line + 1, problem, p->context, p->context_mark.line + 1);
    else
        errf(b->err, b->errlen, "%s:%zu: YAML syntax error: %s", b->file, p->problem_mark.line + 1,
             problem);
    return false;
}

static void fail(struct builder *b, enum yaml_doc_status st, int line, const char *what) {
    b->status = st;
    errf(b->err, b->errlen, "%s:%d: %s", b->file, line, what);
}

static void append(struct yaml_doc_node **arr, size_t len, const struct yaml_doc_node *n) {
    *arr = xrealloc(*arr, (len + 1) * sizeof **arr);
    (*arr)[len] = *n;
}

/* Build *out from ev (taken: deleted here) and the events that follow it. */
static int build_node(struct builder *b, yaml_event_t *ev, int depth, struct yaml_doc_node *out) {
    memset(out, 0, sizeof *out);
    out->line = (int)ev->start_mark.line + 1;
    yaml_event_type_t type = ev->type;
    int rc = -1;
    if (++b->nodes > YAML_DOC_MAX_NODES) {
        fail(b, YAML_DOC_TOO_BIG, out->line, "too many YAML nodes");
        goto out;
    }
    if (depth > YAML_DOC_MAX_DEPTH) {
        fail(b, YAML_DOC_TOO_BIG, out->line, "YAML nested too deeply");
        goto out;
    }
    switch (type) {
    case YAML_SCALAR_EVENT:
        out->kind = YAML_DOC_SCALAR;
        out->scalar = xstrndup((const char *)ev->data.scalar.value, ev->data.scalar.length);
        out->quoted = ev->data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
        rc = 0;
        goto out;
    case YAML_ALIAS_EVENT:
        fail(b, YAML_DOC_UNSUPPORTED, out->line, "YAML aliases (*name) are not supported");
        goto out;
    case YAML_SEQUENCE_START_EVENT:
    case YAML_MAPPING_START_EVENT:
        break;
    default:
        fail(b, YAML_DOC_SYNTAX, out->line, "YAML syntax error: unexpected event");
        goto out;
    }
    out->kind = type == YAML_SEQUENCE_START_EVENT ? YAML_DOC_SEQ : YAML_DOC_MAP;
    yaml_event_type_t end =
        type == YAML_SEQUENCE_START_EVENT ? YAML_SEQUENCE_END_EVENT : YAML_MAPPING_END_EVENT;
    yaml_event_delete(ev);
    for (;;) {
        if (!next_event(b, ev))
            goto fail_node;
        if (ev->type == end)
            break;
        struct yaml_doc_node key, val;
        if (out->kind == YAML_DOC_MAP) {
            if (build_node(b, ev, depth + 1, &key) != 0)
                goto fail_node;
            if (key.kind != YAML_DOC_SCALAR) {
                fail(b, YAML_DOC_UNSUPPORTED, key.line, "map keys must be strings");
                node_free(&key);
                goto fail_node;
            }
            if (!next_event(b, ev)) {
                node_free(&key);
                goto fail_node;
            }
            if (build_node(b, ev, depth + 1, &val) != 0) {
                node_free(&key);
                goto fail_node;
            }
            /* A block map or list under a key starts on the next line; messages about
             * the value as a whole should point at its key. */
            if (val.kind != YAML_DOC_SCALAR && val.line > key.line)
                val.line = key.line;
            append(&out->keys, out->len, &key);
        } else if (build_node(b, ev, depth + 1, &val) != 0) {
            goto fail_node;
        }
        append(&out->items, out->len, &val);
        out->len++;
    }
    rc = 0;
    goto out;
fail_node:
    node_free(out);
    return -1; /* the failed event was deleted by whoever failed */
out:
    yaml_event_delete(ev);
    if (rc != 0)
        node_free(out);
    return rc;
}

/* Read the stream: nothing, or one document. */
static void build_stream(struct builder *b, struct yaml_doc *out) {
    yaml_event_t ev;
    enum { WANT_STREAM, WANT_DOC, WANT_ROOT, WANT_DOC_END, WANT_STREAM_END } want = WANT_STREAM;
    for (;;) {
        if (!next_event(b, &ev))
            return;
        yaml_event_type_t t = ev.type;
        int line = (int)ev.start_mark.line + 1;
        if (want == WANT_ROOT) {
            out->root = xcalloc(1, sizeof *out->root);
            if (build_node(b, &ev, 0, out->root) != 0) {
                free(out->root);
                out->root = NULL;
                return;
            }
            want = WANT_DOC_END;
            continue;
        }
        yaml_event_delete(&ev);
        if (t == YAML_STREAM_END_EVENT)
            return;
        if (want == WANT_STREAM && t == YAML_STREAM_START_EVENT)
            want = WANT_DOC;
        else if (want == WANT_DOC && t == YAML_DOCUMENT_START_EVENT)
            want = WANT_ROOT;
        else if (want == WANT_DOC_END && t == YAML_DOCUMENT_END_EVENT)
            want = WANT_STREAM_END;
        else if (want == WANT_STREAM_END && t == YAML_DOCUMENT_START_EVENT) {
            fail(b, YAML_DOC_UNSUPPORTED, line, "more than one YAML document");
            return;
        } else {
            fail(b, YAML_DOC_SYNTAX, line, "YAML syntax error: unexpected event");
            return;
        }
    }
}

enum yaml_doc_status yaml_doc_load_string(const char *text, size_t len, const char *file,
                                          struct yaml_doc *out, char *err, size_t errlen) {
    out->file = xstrdup(file ? file : "(string)");
    out->root = NULL;
    if (err && errlen)
        err[0] = '\0';
    if (len > YAML_DOC_MAX_BYTES) {
        errf(err, errlen, "%s: larger than %d bytes", out->file, YAML_DOC_MAX_BYTES);
        return YAML_DOC_TOO_BIG;
    }
    struct builder b;
    memset(&b, 0, sizeof b);
    b.file = out->file;
    b.status = YAML_DOC_OK;
    b.err = err;
    b.errlen = errlen;
    if (!yaml_parser_initialize(&b.parser)) {
        errf(err, errlen, "%s: cannot start the YAML parser", out->file);
        return YAML_DOC_IO;
    }
    yaml_parser_set_input_string(&b.parser, (const unsigned char *)text, len);
    build_stream(&b, out);
    yaml_parser_delete(&b.parser);
    if (b.status != YAML_DOC_OK && out->root) {
        node_free(out->root);
        free(out->root);
        out->root = NULL;
    }
    return b.status;
}

enum yaml_doc_status yaml_doc_load_file(const char *path, struct yaml_doc *out, char *err,
                                        size_t errlen) {
    out->file = NULL;
    out->root = NULL;
    enum yaml_doc_status st = YAML_DOC_OK;
    char *text = NULL;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        int e = errno;
        st = e == ENOENT ? YAML_DOC_NO_FILE : YAML_DOC_IO;
        errf(err, errlen, "%s: %s", path, strerror(e));
        goto out;
    }
    text = xmalloc(YAML_DOC_MAX_BYTES + 1);
    size_t len = fread(text, 1, YAML_DOC_MAX_BYTES + 1, f);
    if (ferror(f)) {
        errf(err, errlen, "%s: %s", path, strerror(errno));
        st = YAML_DOC_IO;
        goto out;
    }
    if (len > YAML_DOC_MAX_BYTES) {
        errf(err, errlen, "%s: larger than %d bytes", path, YAML_DOC_MAX_BYTES);
        st = YAML_DOC_TOO_BIG;
        goto out;
    }
    st = yaml_doc_load_string(text, len, path, out, err, errlen);
out:
    if (f)
        fclose(f);
    free(text);
    if (out->file == NULL)
        out->file = xstrdup(path);
    return st;
}

void yaml_doc_free(struct yaml_doc *d) {
    if (d->root) {
        node_free(d->root);
        free(d->root);
    }
    free(d->file);
    d->root = NULL;
    d->file = NULL;
}

/* ---- reading the tree ---- */

const struct yaml_doc_node *yaml_doc_get(const struct yaml_doc_node *map, const char *key) {
    if (map == NULL || map->kind != YAML_DOC_MAP)
        return NULL;
    for (size_t i = 0; i < map->len; i++)
        if (strcmp(map->keys[i].scalar, key) == 0)
            return &map->items[i];
    return NULL;
}

bool yaml_doc_is_null(const struct yaml_doc_node *n) {
    if (n == NULL)
        return true;
    if (n->kind != YAML_DOC_SCALAR || n->quoted)
        return false;
    return n->scalar[0] == '\0' || strcmp(n->scalar, "~") == 0 ||
           strcasecmp(n->scalar, "null") == 0;
}

const char *yaml_doc_describe(const struct yaml_doc_node *n, char *buf, size_t size) {
    if (size == 0)
        return buf;
    if (yaml_doc_is_null(n)) {
        snprintf(buf, size, "nothing");
        return buf;
    }
    if (n->kind == YAML_DOC_MAP) {
        snprintf(buf, size, "a map");
        return buf;
    }
    if (n->kind == YAML_DOC_SEQ) {
        snprintf(buf, size, "a list");
        return buf;
    }
    char *clean = sanitize_strdup(n->scalar);
    size_t len = strlen(clean);
    if (len > DESCRIBE_MAX) {
        len = DESCRIBE_MAX;
        while (len > 0 && ((unsigned char)clean[len] & 0xC0) == 0x80)
            len--; /* never cut inside a UTF-8 character */
        snprintf(buf, size, "\"%.*s...\"", (int)len, clean);
    } else {
        snprintf(buf, size, "\"%s\"", clean);
    }
    free(clean);
    return buf;
}

/* ---- scalars ---- */

int yaml_doc_parse_bool(const char *s, bool *out) {
    static const char *const yes[] = {"true", "yes", "on"};
    static const char *const no[] = {"false", "no", "off"};
    for (size_t i = 0; i < 3; i++) {
        if (strcasecmp(s, yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcasecmp(s, no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return -1;
}

/* Only decimal notation: strtod would also take "nan", "inf", hex and leading blanks. */
static bool decimal_chars(const char *s, size_t n) {
    if (n == 0)
        return false;
    bool digit = false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            digit = true;
        else if (!(c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E'))
            return false;
    }
    return digit;
}

int yaml_doc_parse_number(const char *s, double *out) {
    if (!decimal_chars(s, strlen(s)))
        return -1;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

#define DURATION_MAX_MS (365.0 * 24 * 3600 * 1000)

int yaml_doc_parse_duration_ms(const char *s, int64_t *out) {
    double v;
    if (yaml_doc_parse_number(s, &v) == 0) { /* plain seconds */
        if (v < 0 || v * 1000.0 > DURATION_MAX_MS)
            return -1;
        *out = (int64_t)llround(v * 1000.0);
        return 0;
    }
    static const struct {
        const char *unit;
        double ms;
    } units[] = {{"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000}, {"d", 86400000}};
    double total = 0;
    const char *p = s;
    if (*p == '\0')
        return -1;
    while (*p) {
        if (!((*p >= '0' && *p <= '9') || *p == '.'))
            return -1;
        size_t n = strspn(p, "0123456789.");
        char num[32];
        if (n >= sizeof num)
            return -1;
        memcpy(num, p, n);
        num[n] = '\0';
        double amount;
        if (yaml_doc_parse_number(num, &amount) != 0)
            return -1;
        p += n;
        size_t k = 0;
        for (; k < sizeof units / sizeof units[0]; k++) {
            size_t ul = strlen(units[k].unit);
            if (strncmp(p, units[k].unit, ul) == 0 && !(p[ul] >= 'a' && p[ul] <= 'z'))
                break; /* p[ul] is in the string: strncmp matched ul non-NUL bytes */
        }
        if (k == sizeof units / sizeof units[0])
            return -1;
        total += amount * units[k].ms;
        p += strlen(units[k].unit);
    }
    if (total > DURATION_MAX_MS)
        return -1;
    *out = (int64_t)llround(total);
    return 0;
}

/* ---- did you mean ---- */

#define SUGGEST_MAX_LEN 64

static size_t edit_distance(const char *a, const char *b) {
    size_t la = strlen(a), lb = strlen(b);
    size_t prev[SUGGEST_MAX_LEN + 1], cur[SUGGEST_MAX_LEN + 1];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t best = prev[j - 1] + cost;
            if (prev[j] + 1 < best)
                best = prev[j] + 1;
            if (cur[j - 1] + 1 < best)
                best = cur[j - 1] + 1;
            cur[j] = best;
        }
        memcpy(prev, cur, (lb + 1) * sizeof prev[0]);
    }
    return prev[lb];
}

const char *yaml_doc_suggest(const char *word, const char *const *candidates, size_t n) {
    size_t lw = strlen(word);
    if (lw == 0 || lw > SUGGEST_MAX_LEN)
        return NULL;
    size_t limit = lw <= 4 ? 1 : 2;
    const char *best = NULL;
    size_t best_d = limit + 1;
    for (size_t i = 0; i < n; i++) {
        if (strlen(candidates[i]) > SUGGEST_MAX_LEN)
            continue;
        size_t d = edit_distance(word, candidates[i]);
        if (d < best_d) {
            best_d = d;
            best = candidates[i];
        }
    }
    return best;
}

/* ---- errors ---- */

void yaml_doc_verror(struct yaml_doc_errors *e, const char *file, int line, const char *fmt,
                     va_list ap) {
    if (e->n >= YAML_DOC_KEEP_ERRORS) {
        e->dropped++;
        return;
    }
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *msg = xmalloc((size_t)n + 1);
    vsnprintf(msg, (size_t)n + 1, fmt, ap);
    e->line_no[e->n] = line;
    if (line > 0)
        e->lines[e->n++] = xasprintf("%s:%d: %s", file, line, msg);
    else
        e->lines[e->n++] = xasprintf("%s: %s", file, msg);
    free(msg);
}

void yaml_doc_error(struct yaml_doc_errors *e, const char *file, int line, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    yaml_doc_verror(e, file, line, fmt, ap);
    va_end(ap);
}

void yaml_doc_errors_join(const struct yaml_doc_errors *e, char *buf, size_t size) {
    if (size == 0)
        return;
    buf[0] = '\0';
    /* by line number; stable, so errors on one line keep the order they were found in */
    size_t order[YAML_DOC_KEEP_ERRORS];
    for (size_t i = 0; i < e->n; i++) {
        size_t k = i;
        while (k > 0 && e->line_no[order[k - 1]] > e->line_no[i]) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = i;
    }
    size_t used = 0, shown = 0;
    for (size_t i = 0; i < e->n && shown < YAML_DOC_MAX_ERRORS; i++) {
        const char *line = e->lines[order[i]];
        if (i > 0 && used + strlen(line) + 1 >= size)
            break;
        int w = snprintf(buf + used, size - used, "%s%s", i ? "\n" : "", line);
        shown++;
        if (w < 0 || (size_t)w >= size - used) {
            used = size - 1;
            break;
        }
        used += (size_t)w;
    }
    size_t more = e->n - shown + e->dropped;
    if (more > 0 && used < size)
        snprintf(buf + used, size - used, "\n(and %zu more)", more);
}

void yaml_doc_errors_free(struct yaml_doc_errors *e) {
    for (size_t i = 0; i < e->n; i++)
        free(e->lines[i]);
    memset(e, 0, sizeof *e);
}

void yaml_doc_check_keys(const char *file, const struct yaml_doc_node *map,
                         const char *const *known, size_t n_known, const char *prefix,
                         struct yaml_doc_errors *errs) {
    if (map == NULL || map->kind != YAML_DOC_MAP)
        return;
    char what[DESCRIBE_MAX + 16];
    for (size_t i = 0; i < map->len; i++) {
        const struct yaml_doc_node *k = &map->keys[i];
        bool dup = false;
        for (size_t j = 0; j < i && !dup; j++) {
            if (strcmp(map->keys[j].scalar, k->scalar) != 0)
                continue;
            yaml_doc_error(errs, file, k->line, "%sduplicate key %s (first at line %d)", prefix,
                           yaml_doc_describe(k, what, sizeof what), map->keys[j].line);
            dup = true;
        }
        if (dup || known == NULL)
            continue;
        bool ok = false;
        for (size_t j = 0; j < n_known && !ok; j++)
            ok = strcmp(known[j], k->scalar) == 0;
        if (ok)
            continue;
        const char *hint = yaml_doc_suggest(k->scalar, known, n_known);
        if (hint)
            yaml_doc_error(errs, file, k->line, "%sunknown key %s (did you mean \"%s\"?)", prefix,
                           yaml_doc_describe(k, what, sizeof what), hint);
        else
            yaml_doc_error(errs, file, k->line, "%sunknown key %s", prefix,
                           yaml_doc_describe(k, what, sizeof what));
    }
}
