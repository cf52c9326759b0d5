/* Command-line parsing: the names later issues and tests rely on. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

/* Split a command line on spaces into a writable argv (string literals are const). */
static int parse_line(struct options *o, char *err, size_t errlen, const char *line) {
    char *copy = strdup(line);
    char *argv[32];
    int argc = 0;
    for (char *p = copy; *p && argc < 31;) {
        while (*p == ' ')
            *p++ = '\0';
        if (*p == '\0')
            break;
        argv[argc++] = p;
        while (*p && *p != ' ')
            p++;
    }
    argv[argc] = NULL;
    int rc = options_parse(o, argc, argv, err, errlen);
    free(copy);
    return rc;
}

static void flink_with_name_and_without(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(
        parse_line(&o, err, sizeof err,
                   "flinktop --flink prod=http://10.1.2.3:8081/ --flink localhost:8082"),
        0);
    assert_int_equal(o.n_targets, 2);
    assert_string_equal(o.targets[0].name, "prod");
    assert_string_equal(o.targets[0].url, "http://10.1.2.3:8081");
    assert_string_equal(o.targets[1].name, "localhost:8082");
    assert_string_equal(o.targets[1].url, "http://localhost:8082");
    options_free(&o);
}

static void name_defaults_to_host_and_default_port(void **state) {
    (void)state;
    struct flink_target t;
    char err[128];
    assert_int_equal(options_parse_target("https://flink.example.com/base", &t, err, sizeof err),
                     0);
    assert_string_equal(t.name, "flink.example.com:443");
    assert_string_equal(t.url, "https://flink.example.com/base");
    free(t.name);
    free(t.url);
}

static void equals_inside_query_is_not_a_name(void **state) {
    (void)state;
    struct flink_target t;
    char err[128];
    assert_int_equal(options_parse_target("http://h:1/p?a=b", &t, err, sizeof err), 0);
    assert_string_equal(t.name, "h:1");
    free(t.name);
    free(t.url);
}

static void bad_urls_are_usage_errors(void **state) {
    (void)state;
    struct flink_target t;
    char err[128];
    assert_int_equal(options_parse_target("=http://h:1", &t, err, sizeof err), -1);
    assert_string_equal(err, "--flink =http://h:1: empty cluster name");
    assert_int_equal(options_parse_target("ftp://h/x", &t, err, sizeof err), -1);
    assert_string_equal(err, "--flink ftp://h/x: only http and https URLs");
}

static void defaults_refresh_2s_timeout_5s_text(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop"), 0);
    assert_int_equal(o.refresh_ms, 2000);
    assert_int_equal(o.timeout_ms, 5000);
    assert_int_equal(o.output, OUTPUT_TEXT);
    assert_false(o.once);
    options_free(&o);
}

static void once_json_refresh_timeout(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(
        parse_line(&o, err, sizeof err, "flinktop --once --output json --refresh 0.5 --timeout 1"),
        0);
    assert_true(o.once);
    assert_int_equal(o.output, OUTPUT_JSON);
    assert_int_equal(o.refresh_ms, 500);
    assert_int_equal(o.timeout_ms, 1000);
    options_free(&o);
}

static void qps_and_burst_are_the_request_budget(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop"), 0);
    assert_true(o.qps < 0); /* not given: the config's, else 5 */
    assert_int_equal(o.burst, 0);
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --qps 2.5 --burst 4"), 0);
    assert_true(o.qps == 2.5);
    assert_int_equal(o.burst, 4);
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --qps 0"), 0);
    assert_true(o.qps == 0); /* no limit */
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --qps -1"), 2);
    assert_string_equal(err, "--qps -1: expected requests a second >= 0");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --burst 0"), 2);
    assert_string_equal(err, "--burst 0: expected a whole number >= 1");
    options_free(&o);
}

static void bad_values_say_what_is_wrong(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --refresh 0"), 2);
    assert_string_equal(err, "--refresh 0: expected seconds > 0");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --output yaml"), 2);
    assert_string_equal(err, "--output yaml: expected json or text");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --bogus"), 2);
    assert_string_equal(err, "unknown option --bogus");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --timeout abc"), 2);
    assert_string_equal(err, "--timeout abc: expected seconds > 0");
    options_free(&o);
}

static void kubernetes_flags_context_repeatable(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err,
                                "flinktop --kubeconfig /tmp/kc --context prod --context "
                                "staging -n flink-prod --once"),
                     0);
    assert_string_equal(o.kubeconfig, "/tmp/kc");
    assert_int_equal(o.n_contexts, 2);
    assert_string_equal(o.contexts[0], "prod");
    assert_string_equal(o.contexts[1], "staging");
    assert_string_equal(o.namespace, "flink-prod");
    assert_false(o.all_namespaces);
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --namespace x"), 0);
    assert_string_equal(o.namespace, "x");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop -A"), 0);
    assert_true(o.all_namespaces);
    assert_null(o.namespace);
    assert_null(o.kubeconfig);
    assert_int_equal(o.n_contexts, 0);
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --all-namespaces"), 0);
    assert_true(o.all_namespaces);
    options_free(&o);
}

static void kubernetes_flag_errors(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop -n a -A"), 2);
    assert_string_equal(err, "--namespace and --all-namespaces exclude each other");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop -n"), 2);
    assert_string_equal(err, "-n needs a value");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --context"), 2);
    assert_string_equal(err, "--context needs a value");
    options_free(&o);
}

static void theme_and_readonly(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop"), 0);
    assert_null(o.theme);
    assert_false(o.readonly);
    options_free(&o);
    assert_int_equal(
        parse_line(&o, err, sizeof err, "flinktop --theme solarized-dark --readonly --theme light"),
        0);
    assert_string_equal(o.theme, "light"); /* the last one wins */
    assert_true(o.readonly);
    options_free(&o);
    assert_null(o.theme);
}

static void prometheus_url_is_normalised_or_refused(void **state) {
    (void)state;
    struct options o;
    char err[160];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop"), 0);
    assert_null(o.prometheus);
    options_free(&o);
    assert_int_equal(
        parse_line(&o, err, sizeof err, "flinktop --prometheus https://prom.example:9090/api/"), 0);
    assert_string_equal(o.prometheus, "https://prom.example:9090/api");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --prometheus prom:9090"), 2);
    assert_string_equal(err, "--prometheus prom:9090: expected an http:// or https:// URL");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --prometheus http://"), 2);
    options_free(&o);
}

/* A theme is a name on the search path, never a path to open. */
static void theme_must_be_a_name(void **state) {
    (void)state;
    struct options o;
    char err[128];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --theme ../../etc/passwd"), 2);
    assert_string_equal(err, "--theme ../../etc/passwd: a theme name is letters, digits, - and _");
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --theme"), 2);
    assert_string_equal(err, "--theme needs a value");
    options_free(&o);
}

#define MAX_OPTS 64

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The option names ("--theme", "-n") in text, which may spell each - as roff does. */
static void add_options(const char *text, char **out, size_t *n) {
    for (const char *p = text; *p && *n < MAX_OPTS;) {
        bool roff = strncmp(p, "\\-", 2) == 0;
        if (*p != '-' && !roff) {
            p++;
            continue;
        }
        char name[64];
        size_t len = 0;
        while ((*p == '-' || strncmp(p, "\\-", 2) == 0) && len < 2) {
            name[len++] = '-';
            p += *p == '-' ? 1 : 2;
        }
        while ((*p == '-' || strncmp(p, "\\-", 2) == 0 || (*p >= 'a' && *p <= 'z') ||
                (*p >= 'A' && *p <= 'Z')) &&
               len < sizeof name - 1) {
            name[len++] = '-' == *p || *p == '\\' ? '-' : *p;
            p += *p == '\\' ? 2 : 1;
        }
        name[len] = '\0';
        if (len >= 2 && name[len - 1] != '-')
            out[(*n)++] = strdup(name);
    }
}

/* flinktop.1 lists exactly the options --help lists. */
static void man_page_lists_exactly_the_help_options(void **state) {
    (void)state;
    char *help[MAX_OPTS], *man[MAX_OPTS];
    size_t n_help = 0, n_man = 0;
    /* --help: the first column of the lines that start with an option */
    char *usage = strdup(options_usage());
    for (char *line = usage; line && *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        if (strncmp(line, "  -", 3) == 0) {
            char *gap = strstr(line + 2, "  ");
            if (gap)
                *gap = '\0';
            add_options(line, help, &n_help);
        }
        line = nl ? nl + 1 : NULL;
    }
    free(usage);
    /* the man page: the tag line after each .TP of the OPTIONS section */
    FILE *f = fopen("flinktop.1", "r");
    assert_non_null(f);
    char line[512];
    bool in_options = false, tag = false;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, ".SH", 3) == 0)
            in_options = strncmp(line, ".SH OPTIONS", 11) == 0;
        else if (in_options && strncmp(line, ".TP", 3) == 0)
            tag = true;
        else if (tag) {
            add_options(line, man, &n_man);
            tag = false;
        }
    }
    fclose(f);
    qsort(help, n_help, sizeof *help, cmp_str);
    qsort(man, n_man, sizeof *man, cmp_str);
    char a[1024] = "", b[1024] = "";
    for (size_t i = 0, used = 0; i < n_help; i++) {
        used += (size_t)snprintf(a + used, sizeof a - used, "%s ", help[i]);
        assert_true(used < sizeof a);
        free(help[i]);
    }
    for (size_t i = 0, used = 0; i < n_man; i++) {
        used += (size_t)snprintf(b + used, sizeof b - used, "%s ", man[i]);
        assert_true(used < sizeof b);
        free(man[i]);
    }
    assert_non_null(strstr(a, "--theme "));
    assert_non_null(strstr(a, "--readonly "));
    assert_non_null(strstr(a, "-n "));
    assert_string_equal(b, a);
}

/* user:password@ in a --flink URL: out of the request URL, kept for basic auth, and the
 * password overwritten in argv itself (what ps shows from then on). */
static void flink_url_credentials_leave_the_url_and_argv(void **state) {
    (void)state;
    struct options o;
    char err[256];
    char arg[] = "prod=https://sre:s3cr3t@flink.example:8443/";
    char prog[] = "flinktop", flag[] = "--flink";
    char *argv[] = {prog, flag, arg, NULL};
    assert_int_equal(options_parse(&o, 3, argv, err, sizeof err), 0);
    assert_string_equal(o.targets[0].url, "https://flink.example:8443");
    assert_string_equal(o.targets[0].username, "sre");
    assert_string_equal(o.targets[0].password, "s3cr3t");
    assert_string_equal(arg, "prod=https://sre:******@flink.example:8443/");
    options_free(&o);
}

/* Over plain http the credentials would cross the network in clear: refused, and the
 * message shows the URL redacted. */
static void flink_url_credentials_over_http_are_refused(void **state) {
    (void)state;
    struct options o;
    char err[256];
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --flink http://sre:s3cr3t@h:8081"),
                     2);
    assert_non_null(strstr(err, "http://sre:***@h:8081"));
    assert_non_null(strstr(err, "plain http"));
    assert_null(strstr(err, "s3cr3t"));
    options_free(&o);
    assert_int_equal(parse_line(&o, err, sizeof err, "flinktop --flink ftp://sre:s3cr3t@h"), 2);
    assert_null(strstr(err, "s3cr3t"));
    options_free(&o);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(flink_with_name_and_without),
        cmocka_unit_test(flink_url_credentials_leave_the_url_and_argv),
        cmocka_unit_test(flink_url_credentials_over_http_are_refused),
        cmocka_unit_test(name_defaults_to_host_and_default_port),
        cmocka_unit_test(equals_inside_query_is_not_a_name),
        cmocka_unit_test(bad_urls_are_usage_errors),
        cmocka_unit_test(prometheus_url_is_normalised_or_refused),
        cmocka_unit_test(defaults_refresh_2s_timeout_5s_text),
        cmocka_unit_test(once_json_refresh_timeout),
        cmocka_unit_test(bad_values_say_what_is_wrong),
        cmocka_unit_test(qps_and_burst_are_the_request_budget),
        cmocka_unit_test(kubernetes_flags_context_repeatable),
        cmocka_unit_test(kubernetes_flag_errors),
        cmocka_unit_test(theme_and_readonly),
        cmocka_unit_test(theme_must_be_a_name),
        cmocka_unit_test(man_page_lists_exactly_the_help_options),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
