/* One YAML file as a small tree whose every node remembers its line, so that whoever
 * reads it (config.c, alert_rules.c) can say `file:line: what is wrong`. Built from
 * libyaml events, every event freed. Aliases and anchors are refused (no billion
 * laughs), and size, depth and node count are capped.
 *
 * Also the pieces both readers share: an error collector that keeps the first few
 * `file:line:` lines, checks of a map's keys against the known ones (with "did you
 * mean"), and scalar parsers for booleans, numbers and durations. */
#ifndef FLINKTOP_YAML_DOC_H
#define FLINKTOP_YAML_DOC_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YAML_DOC_MAX_BYTES (1024 * 1024) /* a config or rules file larger than this is refused */
#define YAML_DOC_MAX_DEPTH 64
#define YAML_DOC_MAX_NODES 100000
#define YAML_DOC_MAX_ERRORS 8   /* error lines shown (yaml_doc_errors_join) */
#define YAML_DOC_KEEP_ERRORS 32 /* error lines kept, so the first by line are shown */

#define YAML_DOC_STATUS(X)                                                                         \
    X(YAML_DOC_OK, "ok")                                                                           \
    X(YAML_DOC_NO_FILE, "no such file")                                                            \
    X(YAML_DOC_IO, "cannot read the file")                                                         \
    X(YAML_DOC_TOO_BIG, "file or document too large")                                              \
    X(YAML_DOC_SYNTAX, "YAML syntax error")                                                        \
    X(YAML_DOC_UNSUPPORTED, "unsupported YAML")

#define YAML_DOC_STATUS_ENUM(id, msg) id,
enum yaml_doc_status { YAML_DOC_STATUS(YAML_DOC_STATUS_ENUM) };
#undef YAML_DOC_STATUS_ENUM

/* returns a static string */
const char *yaml_doc_status_message(enum yaml_doc_status s);

enum yaml_doc_kind { YAML_DOC_SCALAR, YAML_DOC_MAP, YAML_DOC_SEQ };

struct yaml_doc_node {
    enum yaml_doc_kind kind;
    int line;                    /* 1-based line where the node starts */
    char *scalar;                /* SCALAR: owned value, never NULL ("" for an empty one) */
    bool quoted;                 /* SCALAR: written in quotes or as a block, not plain */
    size_t len;                  /* MAP: pairs; SEQ: items */
    struct yaml_doc_node *keys;  /* MAP: owned array of len scalar keys */
    struct yaml_doc_node *items; /* MAP: owned array of len values; SEQ: the items */
};

struct yaml_doc {
    char *file;                 /* owned: the name used in messages (the path as given) */
    struct yaml_doc_node *root; /* owned; NULL for an empty file */
};

/* Load path into *out (which the caller frees with yaml_doc_free, even on error).
 * YAML_DOC_NO_FILE when it does not exist; on any error err holds one line,
 * `file:line: problem` where a line is known. */
enum yaml_doc_status yaml_doc_load_file(const char *path, struct yaml_doc *out, char *err,
                                        size_t errlen);
/* Same from memory (text[0..len), need not be NUL-terminated); file names it in messages. */
enum yaml_doc_status yaml_doc_load_string(const char *text, size_t len, const char *file,
                                          struct yaml_doc *out, char *err, size_t errlen);
void yaml_doc_free(struct yaml_doc *d);

/* borrowed: the value of key in map, NULL when map is not a map or has no such key */
const struct yaml_doc_node *yaml_doc_get(const struct yaml_doc_node *map, const char *key);
/* A plain scalar "", "~", "null" (any case): a key written with no value. NULL is null too. */
bool yaml_doc_is_null(const struct yaml_doc_node *n);
/* What n is, for "got ..." in messages: "\"fast\"" (sanitised, shortened), "a map",
 * "a list", "nothing". Into buf; returns buf. */
const char *yaml_doc_describe(const struct yaml_doc_node *n, char *buf, size_t size);

/* Scalar parsers; each returns 0, or -1 and leaves *out alone. */
/* true/false, yes/no, on/off (any case). */
int yaml_doc_parse_bool(const char *s, bool *out);
/* A finite decimal number ("60", "0.9", "-1", "1e3"). */
int yaml_doc_parse_number(const char *s, double *out);
/* A duration >= 0: plain seconds ("2", "0.5") or amounts with units ms, s, m, h, d,
 * combined as in "1h30m". Into milliseconds, at most 365 days. */
int yaml_doc_parse_duration_ms(const char *s, int64_t *out);

/* The candidate closest to word (edit distance at most 2, or 1 for short words), for
 * "did you mean"; borrowed from candidates, NULL when none is close. */
const char *yaml_doc_suggest(const char *word, const char *const *candidates, size_t n);

/* Collects up to YAML_DOC_KEEP_ERRORS lines; counts the rest. Zero-initialise. */
struct yaml_doc_errors {
    char *lines[YAML_DOC_KEEP_ERRORS]; /* owned, in the order they were found */
    int line_no[YAML_DOC_KEEP_ERRORS];
    size_t n;
    size_t dropped;
};

/* Add "file:line: " + the formatted message (line <= 0: "file: "). */
void yaml_doc_error(struct yaml_doc_errors *e, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void yaml_doc_verror(struct yaml_doc_errors *e, const char *file, int line, const char *fmt,
                     va_list ap) __attribute__((format(printf, 4, 0)));
/* The first YAML_DOC_MAX_ERRORS lines by line number, joined with '\n' into buf (whole
 * lines only, then "(and N more)"). */
void yaml_doc_errors_join(const struct yaml_doc_errors *e, char *buf, size_t size);
void yaml_doc_errors_free(struct yaml_doc_errors *e);

/* Report every key of map that is not in known[] ("unknown key "refesh" (did you mean
 * "refresh"?)") and every key given twice; prefix (may be "") goes before the message,
 * e.g. "clusters[1]: ". known NULL: any key, only duplicates are reported. */
void yaml_doc_check_keys(const char *file, const struct yaml_doc_node *map,
                         const char *const *known, size_t n_known, const char *prefix,
                         struct yaml_doc_errors *errs);

#endif
