#include "options.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flink_auth.h"
#include "http.h"
#include "secret.h"
#include "theme.h"
#include "xalloc.h"

static const char usage[] =
    "usage: flinktop [options]\n"
    "\n"
    "A terminal operations console for Apache Flink.\n"
    "\n"
    "Sources:\n"
    "  --flink [NAME=]URL     a Flink REST endpoint (repeatable); NAME defaults to host:port\n"
    "  --prometheus URL       a Prometheus server scraping the fleet (the board's figures\n"
    "                         and its alerts come from a few queries a refresh)\n"
    "\n"
    "Kubernetes (found through kubeconfig as kubectl finds it):\n"
    "  --kubeconfig FILE      kubeconfig file (default $KUBECONFIG, else ~/.kube/config)\n"
    "  --context NAME         kubeconfig context (repeatable: several make one fleet;\n"
    "                         default the current context)\n"
    "  -n, --namespace NS     Flink resources of namespace NS only\n"
    "  -A, --all-namespaces   every namespace (default: all the user may list, else the\n"
    "                         context's namespace)\n"
    "\n"
    "Configuration:\n"
    "  -c, --config FILE      config file (default $XDG_CONFIG_HOME/flinktop/config.yaml)\n"
    "\n"
    "Polling:\n"
    "  --refresh SECONDS      poll period (default 2)\n"
    "  --timeout SECONDS      per-request timeout (default 5)\n"
    "  --qps N                requests a second to each server when nobody waits for\n"
    "                         them (default 5; 0: no limit); keys never wait\n"
    "  --burst N              requests a server may get at once above --qps (default 10)\n"
    "\n"
    "Headless:\n"
    "  --once                 poll every source once, print a snapshot and exit\n"
    "                         (exit 0: all answered, 3: some failed, 2: usage error)\n"
    "  --output json|text     snapshot format for --once (default text)\n"
    "\n"
    "Display:\n"
    "  --start fleet|clusters the first screen (default fleet, or the config's start:)\n"
    "  --ascii                draw with ASCII only\n"
    "  --theme NAME           colour theme: default, light, solarized-dark, high-contrast,\n"
    "                         monochrome, or NAME.yaml in ~/.config/flinktop/themes\n"
    "  --no-osc52             `y` does not copy to the terminal's clipboard (OSC 52)\n"
    "\n"
    "Safety:\n"
    "  --readonly             refuse every action that would change a job or cluster\n"
    "  --allow-core-dumps     let a crash dump core (off: a dump would hold tokens)\n"
    "\n"
    "  --version              print the version and exit\n"
    "  --help                 print this help and exit\n";

const char *options_usage(void) { return usage; }

/* Seconds as a positive decimal ("2", "0.5") into milliseconds. */
static int parse_seconds(const char *s, int *ms) {
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno != 0 || end == s || *end != '\0' || !isfinite(v) || v <= 0 || v > 86400)
        return -1;
    *ms = (int)(v * 1000.0 + 0.5);
    if (*ms < 1)
        *ms = 1;
    return 0;
}

/* Overwrite the password of a URL in argv with '*' (same length): /proc/PID/cmdline,
 * which ps reads, shows the argv's memory. */
static void hide_password(char *arg) {
    char *scheme = strstr(arg, "://");
    if (scheme == NULL)
        return;
    char *host = scheme + 3;
    char *at = strchr(host, '@');
    char *slash = strchr(host, '/');
    if (at == NULL || (slash && slash < at))
        return;
    char *colon = memchr(host, ':', (size_t)(at - host));
    for (char *p = colon ? colon + 1 : at; p < at; p++)
        *p = '*';
}

void options_target_free(struct flink_target *t) {
    free(t->name);
    free(t->url);
    free(t->username);
    secret_free(t->password);
    memset(t, 0, sizeof *t);
}

/* Take user:password@ out of the URL into t (the request URL carries none; flink_auth.h
 * sends them as basic auth and shows the URL as user:***@). */
static void take_userinfo(CURLU *u, struct flink_target *t, char **full) {
    char *user = NULL, *pass = NULL;
    curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE);
    curl_url_get(u, CURLUPART_PASSWORD, &pass, CURLU_URLDECODE);
    if (user == NULL && pass == NULL)
        return;
    t->username = xstrdup(user ? user : "");
    t->password = pass ? xstrdup(pass) : NULL;
    if (pass)
        secret_wipe(pass, strlen(pass));
    curl_free(user);
    curl_free(pass);
    char *at = strchr(*full, '@'), *rest = strstr(*full, "://");
    if (at && rest) { /* scheme:// + what follows the userinfo */
        char *clean = xasprintf("%.*s%s", (int)(rest + 3 - *full), *full, at + 1);
        secret_free(*full);
        *full = clean;
    }
}

int options_parse_target(const char *arg, struct flink_target *t, char *err, size_t errlen) {
    memset(t, 0, sizeof *t);
    char *shown = xstrdup(arg); /* for messages: never the password */
    hide_password(shown);
    const char *eq = strchr(arg, '=');
    const char *scheme = strstr(arg, "://");
    /* NAME=URL only when the '=' comes before the scheme (a URL's query may hold one). */
    const char *url = arg;
    char *name = NULL;
    if (eq && (scheme == NULL || eq < scheme)) {
        if (eq == arg) {
            snprintf(err, errlen, "--flink %s: empty cluster name", shown);
            free(shown);
            return -1;
        }
        name = xstrndup(arg, (size_t)(eq - arg));
        url = eq + 1;
        scheme = strstr(url, "://");
    }
    char *full = scheme ? xstrdup(url) : xasprintf("http://%s", url);
    size_t n = strlen(full);
    while (n > 0 && full[n - 1] == '/')
        full[--n] = '\0';

    CURLU *u = curl_url();
    char *host = NULL, *port = NULL, *sch = NULL;
    int rc = -1;
    if (curl_url_set(u, CURLUPART_URL, full, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
        curl_url_get(u, CURLUPART_SCHEME, &sch, 0) != CURLUE_OK) {
        snprintf(err, errlen, "--flink %s: not a URL", shown);
        goto out;
    }
    if (strcmp(sch, "http") != 0 && strcmp(sch, "https") != 0) {
        snprintf(err, errlen, "--flink %s: only http and https URLs", shown);
        goto out;
    }
    if (name == NULL) {
        curl_url_get(u, CURLUPART_PORT, &port, CURLU_DEFAULT_PORT);
        name = port ? xasprintf("%s:%s", host, port) : xstrdup(host);
    }
    take_userinfo(u, t, &full);
    t->name = name;
    t->url = full;
    name = NULL;
    full = NULL;
    rc = 0;
out:
    curl_free(host);
    curl_free(port);
    curl_free(sch);
    curl_url_cleanup(u);
    free(name);
    secret_free(full);
    free(shown);
    return rc;
}

int options_parse_url(const char *what, const char *arg, char **url, char *err, size_t errlen) {
    bool scheme = strncmp(arg, "http://", 7) == 0 || strncmp(arg, "https://", 8) == 0;
    CURLU *u = curl_url();
    bool ok = scheme && curl_url_set(u, CURLUPART_URL, arg, 0) == CURLUE_OK;
    curl_url_cleanup(u);
    for (const char *p = arg; ok && *p; p++)
        if ((unsigned char)*p <= ' ' || *p == 0x7f)
            ok = false;
    size_t n = strlen(arg);
    while (ok && n > 0 && arg[n - 1] == '/')
        n--;
    if (!ok || n <= strlen(scheme && arg[4] == 's' ? "https://" : "http://")) {
        snprintf(err, errlen, "%s %.80s: expected an http:// or https:// URL", what, arg);
        return -1;
    }
    *url = xstrndup(arg, n);
    return 0;
}

enum {
    OPT_FLINK = 256,
    OPT_CONFIG,
    OPT_REFRESH,
    OPT_TIMEOUT,
    OPT_ONCE,
    OPT_OUTPUT,
    OPT_ASCII,
    OPT_VERSION,
    OPT_KUBECONFIG,
    OPT_CONTEXT,
    OPT_THEME,
    OPT_READONLY,
    OPT_NO_OSC52,
    OPT_PROMETHEUS,
    OPT_QPS,
    OPT_BURST,
    OPT_ALLOW_CORE_DUMPS,
    OPT_START
};

static const struct option long_opts[] = {
    {"flink", required_argument, NULL, OPT_FLINK},
    {"config", required_argument, NULL, 'c'},
    {"refresh", required_argument, NULL, OPT_REFRESH},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"qps", required_argument, NULL, OPT_QPS},
    {"burst", required_argument, NULL, OPT_BURST},
    {"once", no_argument, NULL, OPT_ONCE},
    {"output", required_argument, NULL, OPT_OUTPUT},
    {"ascii", no_argument, NULL, OPT_ASCII},
    {"theme", required_argument, NULL, OPT_THEME},
    {"readonly", no_argument, NULL, OPT_READONLY},
    {"no-osc52", no_argument, NULL, OPT_NO_OSC52},
    {"prometheus", required_argument, NULL, OPT_PROMETHEUS},
    {"allow-core-dumps", no_argument, NULL, OPT_ALLOW_CORE_DUMPS},
    {"start", required_argument, NULL, OPT_START},
    {"kubeconfig", required_argument, NULL, OPT_KUBECONFIG},
    {"context", required_argument, NULL, OPT_CONTEXT},
    {"namespace", required_argument, NULL, 'n'},
    {"all-namespaces", no_argument, NULL, 'A'},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0},
};

int options_parse(struct options *o, int argc, char **argv, char *err, size_t errlen) {
    memset(o, 0, sizeof *o);
    o->refresh_ms = 2000;
    o->timeout_ms = HTTP_DEFAULT_TIMEOUT_MS;
    o->qps = -1;
    o->start = -1;
    o->output = OUTPUT_TEXT;
    opterr = 0;
    optind = 0; /* 0, not 1: glibc and musl then also forget a half-read "-xyz" group */
    int ch;
    while ((ch = getopt_long(argc, argv, "hc:n:A", long_opts, NULL)) != -1) {
        switch (ch) {
        case OPT_FLINK: {
            struct flink_target t;
            if (options_parse_target(optarg, &t, err, errlen) != 0)
                return 2;
            if (t.username || t.password) {
                char *shown = flink_auth_shown_url(t.url, t.username);
                hide_password(optarg); /* ps shows the argv from now on: no password */
                bool https = strncmp(t.url, "https://", 8) == 0;
                if (!https)
                    snprintf(err, errlen,
                             "--flink %s: credentials over plain http would cross the network "
                             "in clear: use https, or put the cluster in the config with "
                             "username, password_file and insecure: true",
                             shown);
                else
                    fprintf(stderr,
                            "flinktop: warning: --flink %s: a password on the command line is "
                            "visible to every user of this host (ps); put it in the config "
                            "(clusters: username, password_file)\n",
                            shown);
                free(shown);
                if (!https) {
                    options_target_free(&t);
                    return 2;
                }
            }
            o->targets = xrealloc(o->targets, (o->n_targets + 1) * sizeof *o->targets);
            o->targets[o->n_targets++] = t;
            break;
        }
        case 'c':
            free(o->config_path);
            o->config_path = xstrdup(optarg);
            break;
        case OPT_REFRESH:
            if (parse_seconds(optarg, &o->refresh_ms) != 0) {
                snprintf(err, errlen, "--refresh %s: expected seconds > 0", optarg);
                return 2;
            }
            o->refresh_given = true;
            break;
        case OPT_TIMEOUT:
            if (parse_seconds(optarg, &o->timeout_ms) != 0) {
                snprintf(err, errlen, "--timeout %s: expected seconds > 0", optarg);
                return 2;
            }
            o->timeout_given = true;
            break;
        case OPT_QPS: {
            char *end = NULL;
            errno = 0;
            double v = strtod(optarg, &end);
            if (errno != 0 || end == optarg || *end != '\0' || !isfinite(v) || v < 0 || v > 1e6) {
                snprintf(err, errlen, "--qps %s: expected requests a second >= 0", optarg);
                return 2;
            }
            o->qps = v;
            break;
        }
        case OPT_BURST: {
            char *end = NULL;
            errno = 0;
            long v = strtol(optarg, &end, 10);
            if (errno != 0 || end == optarg || *end != '\0' || v < 1 || v > 100000) {
                snprintf(err, errlen, "--burst %s: expected a whole number >= 1", optarg);
                return 2;
            }
            o->burst = (int)v;
            break;
        }
        case OPT_ONCE:
            o->once = true;
            break;
        case OPT_OUTPUT:
            if (strcmp(optarg, "json") == 0) {
                o->output = OUTPUT_JSON;
            } else if (strcmp(optarg, "text") == 0) {
                o->output = OUTPUT_TEXT;
            } else {
                snprintf(err, errlen, "--output %s: expected json or text", optarg);
                return 2;
            }
            break;
        case OPT_ASCII:
            o->ascii = true;
            break;
        case OPT_THEME:
            /* a name, not a path: it is looked up on the theme search path */
            if (!theme_name_valid(optarg)) {
                snprintf(err, errlen, "--theme %.64s: a theme name is letters, digits, - and _",
                         optarg);
                return 2;
            }
            free(o->theme);
            o->theme = xstrdup(optarg);
            break;
        case OPT_ALLOW_CORE_DUMPS:
            o->allow_core_dumps = true;
            break;
        case OPT_READONLY:
            o->readonly = true;
            break;
        case OPT_NO_OSC52:
            o->no_osc52 = true;
            break;
        case OPT_START:
            if (strcmp(optarg, "fleet") != 0 && strcmp(optarg, "clusters") != 0) {
                snprintf(err, errlen, "--start %.64s: expected fleet or clusters", optarg);
                return 2;
            }
            o->start = strcmp(optarg, "fleet") == 0;
            break;
        case OPT_PROMETHEUS:
            free(o->prometheus);
            o->prometheus = NULL;
            if (options_parse_url("--prometheus", optarg, &o->prometheus, err, errlen) != 0)
                return 2;
            break;
        case OPT_KUBECONFIG:
            free(o->kubeconfig);
            o->kubeconfig = xstrdup(optarg);
            break;
        case OPT_CONTEXT:
            if (optarg[0] == '\0') {
                snprintf(err, errlen, "--context: empty context name");
                return 2;
            }
            o->contexts = xrealloc(o->contexts, (o->n_contexts + 1) * sizeof *o->contexts);
            o->contexts[o->n_contexts++] = xstrdup(optarg);
            break;
        case 'n':
            if (optarg[0] == '\0') {
                snprintf(err, errlen, "--namespace: empty namespace");
                return 2;
            }
            free(o->namespace);
            o->namespace = xstrdup(optarg);
            break;
        case 'A':
            o->all_namespaces = true;
            break;
        case OPT_VERSION:
            o->show_version = true;
            break;
        case 'h':
            o->show_help = true;
            break;
        default:
            if (optopt >= OPT_FLINK || optopt == 'c' || optopt == 'n')
                snprintf(err, errlen, "%s needs a value", argv[optind - 1]);
            else if (optopt)
                snprintf(err, errlen, "unknown option -%c", optopt);
            else
                snprintf(err, errlen, "unknown option %s", argv[optind - 1]);
            return 2;
        }
    }
    if (o->namespace && o->all_namespaces) {
        snprintf(err, errlen, "--namespace and --all-namespaces exclude each other");
        return 2;
    }
    if (optind < argc) {
        snprintf(err, errlen, "unexpected argument %s", argv[optind]);
        return 2;
    }
    return 0;
}

void options_free(struct options *o) {
    for (size_t i = 0; i < o->n_targets; i++)
        options_target_free(&o->targets[i]);
    free(o->targets);
    o->targets = NULL;
    free(o->config_path);
    o->config_path = NULL;
    o->n_targets = 0;
    for (size_t i = 0; i < o->n_contexts; i++)
        free(o->contexts[i]);
    free(o->contexts);
    o->contexts = NULL;
    o->n_contexts = 0;
    free(o->kubeconfig);
    o->kubeconfig = NULL;
    free(o->namespace);
    o->namespace = NULL;
    free(o->theme);
    o->theme = NULL;
    free(o->prometheus);
    o->prometheus = NULL;
}
