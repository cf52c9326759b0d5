/* Command-line options. */
#ifndef FLINKTOP_OPTIONS_H
#define FLINKTOP_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

struct flink_target {
    char *name;     /* owned */
    char *url;      /* owned, normalised: scheme present, no trailing slash, no userinfo */
    char *username; /* owned: the URL's user (percent-decoded), NULL when none */
    char *password; /* owned, secret (secret_free): the URL's password, NULL when none */
};

enum output_format { OUTPUT_TEXT, OUTPUT_JSON };

struct options {
    struct flink_target *targets; /* owned array */
    size_t n_targets;
    int refresh_ms;
    int timeout_ms;
    bool refresh_given; /* the flag was on the command line: it wins over the config */
    bool timeout_given;
    double qps;        /* --qps: requests a second to each server; < 0: not given, 0: no limit */
    int burst;         /* --burst: requests a server may get at once; 0: not given */
    char *config_path; /* owned, -c FILE; NULL: the default path */
    bool once;
    enum output_format output;
    bool ascii;
    char *theme;   /* owned, --theme NAME (checked: [A-Za-z0-9_-]+); NULL: not given */
    bool readonly; /* --readonly: every mutating action is refused, nothing is sent */
    bool no_osc52; /* --no-osc52: `y` copies nothing (no OSC 52 to the terminal) */
    /* Kubernetes (kubeconfig found as kubectl does) */
    char *kubeconfig; /* owned, --kubeconfig FILE; NULL: KUBECONFIG, ~/.kube/config */
    char **contexts;  /* owned array of owned names, --context NAME (repeatable) */
    size_t n_contexts;
    char *namespace;     /* owned, -n/--namespace NS; NULL: all the user may list */
    bool all_namespaces; /* -A/--all-namespaces: no fallback to the context's namespace */
    bool show_help;
    bool show_version;
    char *prometheus; /* owned, --prometheus URL (normalised); NULL: not given */
    bool allow_core_dumps; /* --allow-core-dumps: keep the process dumpable */
    int start;             /* --start: 1 fleet, 0 clusters, -1 not given (the config's) */
};

/* Parse argv. Returns 0, or 2 with a one-line message in err (usage error). The caller
 * frees with options_free even on error. */
int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen);
void options_free(struct options *o);
/* Parse "[NAME=]URL" into a target; returns 0 or -1 with err filled. Exposed for tests. */
int options_parse_target(const char *arg, struct flink_target *t, char *err, size_t errlen);
/* Parse a plain http(s) base URL (Prometheus's) into *url (owned, no trailing slash);
 * returns 0 or -1 with "WHAT URL: why" in err. */
int options_parse_url(const char *what, const char *arg, char **url, char *err, size_t errlen);
/* Frees what a target owns (the password wiped). */
void options_target_free(struct flink_target *t);
/* The --help text. static */
const char *options_usage(void);

#endif
