/* flinktop's own configuration file (YAML): polling, display, safety, key bindings and
 * the clusters to watch. See config/flinktop.yaml for every key with a comment.
 *
 * Where it is: `-c FILE` when given (a missing file is then an error), else
 * $XDG_CONFIG_HOME/flinktop/config.yaml, else ~/.config/flinktop/config.yaml (a missing
 * default file is fine: the defaults apply).
 *
 * Errors are one line each, `FILE:LINE: what is wrong`, all of them collected (up to
 * YAML_DOC_MAX_ERRORS, then "(and N more)"), e.g.
 *   config.yaml:7: unknown key "refesh" (did you mean "refresh"?)
 *   config.yaml:3: refresh must be a number of seconds > 0, got "fast"
 *   config.yaml:12: clusters[1]: confirm must be "typed" or "yes", got "maybe"
 * clusters[N] counts from 0, as a path expression does.
 *
 * Precedence: defaults (config_init) < file (config_load) < command line
 * (config_apply_override, which main calls after loading).
 *
 * Reload (Ctrl-R, SIGHUP): load into a fresh struct; only when config_load returns 0,
 * apply config_apply_override again with the same flags, swap it in and free the old one. On
 * failure the old config stays, and the first error line goes to the status line. */
#ifndef FLINKTOP_CONFIG_H
#define FLINKTOP_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Defaults */
#define CONFIG_REFRESH_MS 2000
#define CONFIG_TIMEOUT_MS 5000
#define CONFIG_DETAIL_INTERVAL_MS 30000
#define CONFIG_HISTORY_MS (15 * 60 * 1000)
/* Most entries one history ring may hold (history / refresh): 12 h at 1 s. */
#define CONFIG_HISTORY_MAX_LEN 43200
/* Longest refresh, timeout and detail interval accepted. */
#define CONFIG_MAX_PERIOD_MS (3600 * 1000)
/* The request budget of each server (client-go's defaults). */
#define CONFIG_QPS 5.0
#define CONFIG_BURST 10

enum config_confirm {
    CONFIG_CONFIRM_YES,  /* answer y (default) */
    CONFIG_CONFIRM_TYPED /* type the job name */
};

/* One entry of `clusters:`. Strings owned; NULL when not given. */
struct config_cluster {
    char *name;          /* required, unique */
    char *flink;         /* Flink REST URL, normalised: scheme, no trailing slash */
    char *context;       /* kubeconfig context; NULL: current-context */
    char *ns;            /* `namespace`; NULL: the context's namespace */
    char *resource;      /* FlinkDeployment name (operator-managed) */
    char *deployment;    /* standalone Deployment name */
    char *savepoint_dir; /* target directory for savepoints (as written: s3://..., not resolved) */
    bool readonly;
    enum config_confirm confirm;
    int line; /* where the entry starts, for later messages */
    /* Flink REST credentials and TLS (flink_auth.h); paths resolved, NULL when not given */
    char *username;      /* basic auth: `username`, else the flink URL's user */
    char *password;      /* secret: the flink URL's password (a password_file is better) */
    char *password_file; /* read when the cluster is set up, never stored here */
    char *token_file;    /* bearer token */
    char *ca_file;
    char *cert_file; /* client certificate and key */
    char *key_file;
    bool insecure; /* skip TLS verification; allow credentials over plain http */
};

/* A key as written in `keys:`, parsed. */
enum config_key_kind {
    CONFIG_KEY_CHAR, /* one character; code = Unicode code point ("s", "S", "/") */
    CONFIG_KEY_CTRL, /* ctrl-X; code = the lower-case letter or one of @[\]^_ */
    CONFIG_KEY_FN,   /* f1..f12; code = the number */
    CONFIG_KEY_NAMED /* code = enum config_key_name */
};

#define CONFIG_KEY_NAMES(X)                                                                        \
    X(CONFIG_KEYNAME_ENTER, "enter")                                                               \
    X(CONFIG_KEYNAME_ESC, "esc")                                                                   \
    X(CONFIG_KEYNAME_TAB, "tab")                                                                   \
    X(CONFIG_KEYNAME_SHIFT_TAB, "shift-tab")                                                       \
    X(CONFIG_KEYNAME_SPACE, "space")                                                               \
    X(CONFIG_KEYNAME_BACKSPACE, "backspace")                                                       \
    X(CONFIG_KEYNAME_DELETE, "delete")                                                             \
    X(CONFIG_KEYNAME_INSERT, "insert")                                                             \
    X(CONFIG_KEYNAME_HOME, "home")                                                                 \
    X(CONFIG_KEYNAME_END, "end")                                                                   \
    X(CONFIG_KEYNAME_PGUP, "pgup")                                                                 \
    X(CONFIG_KEYNAME_PGDN, "pgdn")                                                                 \
    X(CONFIG_KEYNAME_UP, "up")                                                                     \
    X(CONFIG_KEYNAME_DOWN, "down")                                                                 \
    X(CONFIG_KEYNAME_LEFT, "left")                                                                 \
    X(CONFIG_KEYNAME_RIGHT, "right")

#define CONFIG_KEYNAME_ENUM(id, name) id,
enum config_key_name { CONFIG_KEY_NAMES(CONFIG_KEYNAME_ENUM) CONFIG_KEYNAME_COUNT };
#undef CONFIG_KEYNAME_ENUM

struct config_keyspec {
    enum config_key_kind kind;
    uint32_t code;
};

/* One binding: action -> key. An action may have several (a list in the file). */
struct config_key {
    char *action; /* owned */
    char *key;    /* owned, normalised text: "s", "ctrl-r", "f5", "enter" */
    struct config_keyspec spec;
    int line;
};

struct config {
    char *path;    /* owned: the file loaded; NULL when none (defaults only) */
    char *warning; /* owned: the file's mode is worth a word (file_mode.h); NULL: fine */
    int refresh_ms;
    int timeout_ms;
    int detail_interval_ms;
    double qps; /* requests a second to each server; 0: no limit */
    int burst;  /* requests at once above qps */
    int64_t history_ms;
    char *theme; /* owned theme name ([A-Za-z0-9_-]); NULL: the default theme */
    bool ascii, mouse, readonly, bell;
    bool clipboard; /* `y` copies through OSC 52 (default true; `clipboard: false`) */
    bool start_fleet; /* the fleet board is the first screen (the default; `start: clusters`:
                         the clusters screen) */
    char *audit_path;        /* owned: $XDG_STATE_HOME/flinktop/audit.log by default, else
                                ~/.local/state/flinktop/audit.log; NULL when neither is known */
    bool audit_optional;     /* `audit: optional`: an action may go when its audit line cannot
                                be written (the default path is kept) */
    char *alerts_path;       /* owned; NULL: not set, the caller uses the shipped defaults */
    struct config_key *keys; /* owned array */
    size_t n_keys;
    struct config_cluster *clusters; /* owned array */
    size_t n_clusters;
    /* owned: `prometheus:` base URL, normalised, NULL none; `prometheus_cluster_label:`
     * ([a-zA-Z_][a-zA-Z0-9_]*), NULL: namespace + FlinkDeployment name in pod */
    char *prometheus;
    char *prometheus_cluster_label;
    /* owned: `prometheus: {context, namespace, service, port, scheme}`, a Prometheus
     * reached through that context's API server service proxy; service NULL: not this
     * form. context NULL: the first context; port "9090" unless set; scheme "http" or
     * "https" */
    char *prometheus_context, *prometheus_namespace, *prometheus_service;
    char *prometheus_port, *prometheus_scheme;
    /* Set by the caller before config_load (borrowed, must outlive the load): the
     * action names `keys:` may use; NULL accepts any [a-z0-9_-] name. */
    const char *const *known_actions;
    size_t n_known_actions;
};

/* The defaults (no file). */
void config_init(struct config *c);
void config_free(struct config *c);

/* returns owned default path ($XDG_CONFIG_HOME/flinktop/config.yaml, else
 * $HOME/.config/flinktop/config.yaml), or NULL when neither variable is set */
char *config_default_path(void);

/* Load path (NULL: the default path, where a missing file is fine) into *out, which
 * must have been config_init'ed (and known_actions set if wanted). Returns 0, or -1 with
 * every error line, '\n'-separated, in err (the first line alone is a status line).
 * On -1 *out holds a partial result: free it, do not use it. */
int config_load(const char *path, struct config *out, char *err, size_t errlen);
/* Same from memory; file names it in messages and its directory anchors relative paths. */
int config_load_string(const char *text, size_t len, const char *file, struct config *out,
                       char *err, size_t errlen);

/* Command-line values that win over the file. config_override_init sets every field to
 * "not given"; set the ones the command line gave, then config_apply_override. */
struct config_override {
    int refresh_ms;     /* > 0: given */
    int timeout_ms;     /* > 0: given */
    int ascii;          /* -1: not given, 0 or 1 */
    int readonly;       /* -1: not given, 0 or 1 */
    int mouse;          /* -1: not given, 0 or 1 */
    int bell;           /* -1: not given, 0 or 1 */
    int clipboard;      /* -1: not given, 0 or 1 */
    const char *theme;  /* borrowed; NULL: not given */
    const char *alerts; /* borrowed; NULL: not given (a path relative to the cwd) */
    const char *audit;  /* borrowed; NULL: not given */
    double qps;         /* >= 0: given (config_override_init sets -1) */
    int burst;          /* > 0: given */
    int start_fleet;    /* --start: -1 not given, 1 fleet, 0 clusters */
};
void config_override_init(struct config_override *o);
void config_apply_override(struct config *c, const struct config_override *o);

/* Entries in each history ring: history / refresh, rounded up, at least 2. */
size_t config_history_len(const struct config *c);

/* Parse a key string ("s", "S", "ctrl-r", "F5", "Enter"); 0 or -1. norm (may be NULL)
 * gets the normalised text. */
int config_key_parse(const char *s, struct config_keyspec *out, char *norm, size_t normlen);
/* returns a static string: "enter", ... */
const char *config_key_name(enum config_key_name k);

#endif
