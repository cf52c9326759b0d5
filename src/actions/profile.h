/* Flink configuration profiles: config/profiles/NAME.yaml, each a YAML map of Flink
 * configuration keys (the seed guide's tuning profiles), applied to an operator-managed
 * resource's spec.flinkConfiguration with the apply-profile action.
 *
 *   # RocksDB tuned for state that is read more than written.
 *   state.backend.type: rocksdb
 *   state.backend.rocksdb.block.cache-size: "256mb"
 *   state.backend.rocksdb.memory.managed: "true"
 *   some.old.key: null        # null removes the key from the resource
 *
 * The first comment line of the file is the profile's description. Values are kept as
 * text (an unquoted 4 or true is "4" / "true", as the operator's flat map has them);
 * nested maps are flattened with dots, as the operator does. A profile only adds and
 * changes keys, unless it lists `key: null`, which removes that key: a key the profile
 * does not mention is left alone. Lists, empty keys, keys given twice and a file with no
 * keys are errors, each `file:line: problem`.
 *
 * Where profiles are: FLINKTOP_DATADIR "/profiles" (the installed ones), then
 * ./config/profiles; a name found in both is the installed one. */
#ifndef FLINKTOP_PROFILE_H
#define FLINKTOP_PROFILE_H

#include <stdbool.h>
#include <stddef.h>

#include "k8s_model.h"

struct cJSON;

#define PROFILE_MAX_ENTRIES 1024

struct profile_entry {
    char *key;   /* owned, flattened */
    char *value; /* owned text; NULL: remove the key */
    int line;    /* where it is in the file */
};

struct profile {
    char *name;                  /* owned: the file name without .yaml */
    char *file;                  /* owned: the path loaded */
    char *description;           /* owned: the first comment line, "" when there is none */
    struct profile_entry *items; /* owned, file order */
    size_t len;
};

/* Load path into *out (always initialised first; free with profile_free even on error).
 * Returns 0, or -1 with every problem in err, one `file:line: problem` a line. */
int profile_load(const char *path, struct profile *out, char *err, size_t errlen);
/* Same from memory; file names it (and its base name names the profile). */
int profile_load_string(const char *text, size_t len, const char *file, struct profile *out,
                        char *err, size_t errlen);
void profile_free(struct profile *p);

/* The directories profiles are read from, in order; a static array of *n entries. */
const char *const *profile_default_dirs(size_t *n);

struct profile_names {
    char **names; /* owned, sorted, unique */
    char **paths; /* owned: where each one is (the first directory that has it) */
    size_t len;
};

/* Every NAME.yaml (NAME of letters, digits, '.', '_', '-', not starting with '.') in
 * dirs; a directory that does not exist is skipped. Free with profile_names_free. */
void profile_list(const char *const *dirs, size_t n_dirs, struct profile_names *out);
void profile_names_free(struct profile_names *l);
/* A valid profile name (as above, at most 100 bytes). */
bool profile_name_valid(const char *name);

enum profile_change_kind { PROFILE_ADDED, PROFILE_CHANGED, PROFILE_REMOVED };

struct profile_change {
    enum profile_change_kind kind;
    char *key;       /* owned */
    char *old_value; /* owned; NULL when added */
    char *new_value; /* owned; NULL when removed */
};

/* What applying the profile changes: added first, then changed, then removed, each in
 * the profile's order. Keys whose value is the same text are not listed. */
struct profile_diff {
    char *profile;                /* owned: the profile's name */
    struct profile_change *items; /* owned */
    size_t len;
    size_t added, changed, removed, unchanged;
};

/* Compare p with the resource's flattened flinkConfiguration (cur[0..n), borrowed). */
void profile_diff(const struct profile *p, const struct flink_conf_entry *cur, size_t n,
                  struct profile_diff *out);
void profile_diff_free(struct profile_diff *d);

/* The merge-patch that applies d: {"metadata":{"resourceVersion":RV},"spec":
 * {"flinkConfiguration":{...}}}, compact. A key the resource holds nested in conf_raw
 * (operator >= 1.13 accepts nested YAML) is patched at that nested place, any other key
 * flat; removals are null. conf_raw may be NULL. Returns owned text. */
char *profile_patch_body(const struct profile_diff *d, const char *resource_version,
                         const struct cJSON *conf_raw);

#endif
