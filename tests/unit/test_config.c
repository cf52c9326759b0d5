/* flinktop's own config: defaults without a file, every key read, every error class
 * reported as `file:line: what is wrong` (all of them, not only the first), relative
 * paths resolved against the file, flags over the file, and the shipped example parsing
 * cleanly. Also the YAML helper underneath (yaml_doc.c). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "alert_rules.h"
#include "config.h"
#include "keymap.h"
#include "xalloc.h"
#include "yaml_doc.h"

static char err[4096];

/* returns owned path of a fixture in tests/fixtures/config/ (or $FIXTURES/config/) */
static char *fixture(const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || dir[0] == '\0')
        dir = "tests/fixtures";
    return xasprintf("%s/config/%s", dir, name);
}

/* True when text holds want as one whole line. */
static bool has_line(const char *text, const char *want) {
    size_t n = strlen(want);
    for (const char *p = text; p && *p;) {
        const char *nl = strchr(p, '\n');
        size_t len = nl ? (size_t)(nl - p) : strlen(p);
        if (len == n && strncmp(p, want, n) == 0)
            return true;
        p = nl ? nl + 1 : NULL;
    }
    return false;
}

/* Assert err holds "<path>:<rest>" as a line. */
static void expect_line(const char *path, const char *rest) {
    char *want = xasprintf("%s:%s", path, rest);
    if (!has_line(err, want))
        fail_msg("missing line\n  %s\nin\n%s", want, err);
    free(want);
}

static size_t count_lines(const char *text) {
    size_t n = text[0] ? 1 : 0;
    for (const char *p = text; *p; p++)
        n += *p == '\n';
    return n;
}

/* Load a fixture expecting failure; returns its path (owned) for expect_line. */
static char *load_bad(const char *name) {
    char *path = fixture(name);
    struct config c;
    config_init(&c);
    int rc = config_load(path, &c, err, sizeof err);
    config_free(&c);
    if (rc != -1)
        fail_msg("%s loaded without error", name);
    return path;
}

static char tmpdir[64];

static int make_tmpdir(void **state) {
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/flinktop-config-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    return 0;
}

static int remove_tmpdir(void **state) {
    (void)state;
    char *cfg = xasprintf("%s/flinktop/config.yaml", tmpdir);
    char *dir = xasprintf("%s/flinktop", tmpdir);
    unlink(cfg);
    rmdir(dir);
    rmdir(tmpdir);
    free(cfg);
    free(dir);
    return 0;
}

/* ---- defaults and where the file is ---- */

static void config_defaults_without_a_file(void **state) {
    (void)state;
    setenv("XDG_CONFIG_HOME", tmpdir, 1);
    setenv("XDG_STATE_HOME", "/state", 1);
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(NULL, &c, err, sizeof err), 0);
    assert_string_equal(err, "");
    assert_null(c.path);
    assert_int_equal(c.refresh_ms, 2000);
    assert_int_equal(c.timeout_ms, 5000);
    assert_int_equal(c.detail_interval_ms, 30000);
    assert_int_equal(c.history_ms, 15 * 60 * 1000);
    assert_null(c.theme);
    assert_false(c.ascii || c.mouse || c.readonly || c.bell);
    assert_true(c.clipboard); /* y copies unless told not to */
    assert_string_equal(c.audit_path, "/state/flinktop/audit.log");
    assert_null(c.alerts_path);
    assert_int_equal(c.n_keys, 0);
    assert_int_equal(c.n_clusters, 0);
    assert_int_equal(config_history_len(&c), 450);
    config_free(&c);
    unsetenv("XDG_STATE_HOME");
    unsetenv("XDG_CONFIG_HOME");
}

static void config_default_path_follows_xdg_then_home(void **state) {
    (void)state;
    char *saved_home = xstrdup(getenv("HOME"));
    setenv("XDG_CONFIG_HOME", "/xdg", 1);
    char *p = config_default_path();
    assert_string_equal(p, "/xdg/flinktop/config.yaml");
    free(p);
    setenv("XDG_CONFIG_HOME", "relative/is/ignored", 1);
    setenv("HOME", "/home/sre", 1);
    p = config_default_path();
    assert_string_equal(p, "/home/sre/.config/flinktop/config.yaml");
    free(p);
    unsetenv("XDG_CONFIG_HOME");
    unsetenv("XDG_STATE_HOME");
    struct config c;
    config_init(&c);
    assert_string_equal(c.audit_path, "/home/sre/.local/state/flinktop/audit.log");
    config_free(&c);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
}

static void config_reads_the_default_file_when_present(void **state) {
    (void)state;
    char *dir = xasprintf("%s/flinktop", tmpdir);
    char *path = xasprintf("%s/config.yaml", dir);
    mkdir(dir, 0700);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("refresh: 7s\n", f);
    fclose(f);
    setenv("XDG_CONFIG_HOME", tmpdir, 1);
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(NULL, &c, err, sizeof err), 0);
    assert_string_equal(c.path, path);
    assert_int_equal(c.refresh_ms, 7000);
    config_free(&c);
    unsetenv("XDG_CONFIG_HOME");
    free(dir);
    free(path);
}

static void config_missing_c_file_is_an_error(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    assert_int_equal(config_load("/nonexistent/flinktop.yaml", &c, err, sizeof err), -1);
    assert_string_equal(err, "/nonexistent/flinktop.yaml: No such file or directory");
    config_free(&c);
}

static void config_empty_and_comment_only_files_are_defaults(void **state) {
    (void)state;
    const char *names[] = {"empty.yaml", "comments_only.yaml"};
    for (size_t i = 0; i < 2; i++) {
        char *path = fixture(names[i]);
        struct config c;
        config_init(&c);
        assert_int_equal(config_load(path, &c, err, sizeof err), 0);
        assert_int_equal(c.refresh_ms, 2000);
        assert_string_equal(c.path, path);
        config_free(&c);
        free(path);
    }
}

/* ---- every key ---- */

static void config_reads_every_scalar_key(void **state) {
    (void)state;
    char *path = fixture("full.yaml");
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(path, &c, err, sizeof err), 0);
    assert_int_equal(c.refresh_ms, 1000);
    assert_int_equal(c.timeout_ms, 10000);
    assert_int_equal(c.detail_interval_ms, 60000);
    assert_int_equal(c.history_ms, 3600000);
    assert_string_equal(c.theme, "solarized-dark");
    assert_true(c.ascii && c.mouse && c.readonly && c.bell);
    assert_false(c.clipboard);
    assert_int_equal(config_history_len(&c), 3600);
    config_free(&c);
    free(path);
}

static void config_start_screen_is_fleet_or_clusters(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    assert_true(c.start_fleet); /* without the key: the fleet board */
    const char *text = "start: clusters\n";
    assert_int_equal(config_load_string(text, strlen(text), "mem.yaml", &c, err, sizeof err), 0);
    assert_false(c.start_fleet);
    config_free(&c);
    config_init(&c);
    text = "start: fleet\n";
    assert_int_equal(config_load_string(text, strlen(text), "mem.yaml", &c, err, sizeof err), 0);
    assert_true(c.start_fleet);
    /* --start wins over the file */
    struct config_override ov;
    config_override_init(&ov);
    ov.start_fleet = 0;
    config_apply_override(&c, &ov);
    assert_false(c.start_fleet);
    config_free(&c);
    config_init(&c);
    const char *bad = "refresh: 2s\nstart: board\n";
    assert_int_equal(config_load_string(bad, strlen(bad), "mem.yaml", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "mem.yaml:2: start must be fleet or clusters"));
    config_free(&c);
}

static void config_example_parses_cleanly(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    int rc = config_load("config/flinktop.yaml", &c, err, sizeof err);
    if (rc != 0)
        fail_msg("config/flinktop.yaml: %s", err);
    assert_int_equal(c.refresh_ms, 2000);
    assert_int_equal(c.history_ms, 15 * 60 * 1000);
    assert_true(c.start_fleet); /* an installed flinktop opens on the fleet board */
    /* alerts: alerts.yaml, beside the example */
    assert_string_equal(c.alerts_path, "config/alerts.yaml");
    struct alert_rules rules;
    rc = alert_rules_load(c.alerts_path, &rules, err, sizeof err);
    if (rc != 0)
        fail_msg("%s: %s", c.alerts_path, err);
    alert_rules_free(&rules);

    assert_int_equal(c.n_clusters, 3);
    const struct config_cluster *p = &c.clusters[0];
    assert_string_equal(p->name, "production");
    assert_string_equal(p->context, "prod-eu1");
    assert_string_equal(p->ns, "flink");
    assert_string_equal(p->resource, "orders-pipeline");
    assert_false(p->readonly);
    assert_int_equal(p->confirm, CONFIG_CONFIRM_TYPED);
    assert_string_equal(p->savepoint_dir, "s3://flink-savepoints/prod");
    assert_null(p->flink);
    assert_int_equal(c.clusters[1].confirm, CONFIG_CONFIRM_YES);
    const struct config_cluster *d = &c.clusters[2];
    assert_string_equal(d->flink, "http://localhost:8081");
    assert_string_equal(d->deployment, "flink-jobmanager");
    assert_null(d->context);

    assert_int_equal(c.n_keys, 5);
    assert_string_equal(c.keys[0].action, "savepoint");
    assert_string_equal(c.keys[0].key, "s");
    assert_string_equal(c.keys[2].key, "ctrl-r");
    assert_string_equal(c.keys[3].action, "help");
    assert_string_equal(c.keys[3].key, "?");
    assert_string_equal(c.keys[4].action, "help");
    assert_string_equal(c.keys[4].key, "f1");
    config_free(&c);
}

/* The shipped example loads as flinktop itself loads it (main.c names the real actions),
 * its keys apply, and its comment lists every action a key can be bound to, so a new
 * action cannot be left out of the example unnoticed. */
static void config_example_loads_with_the_real_action_names(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    c.known_actions = keymap_action_names(&c.n_known_actions);
    if (config_load("config/flinktop.yaml", &c, err, sizeof err) != 0)
        fail_msg("config/flinktop.yaml: %s", err);
    keymap_reset();
    char kerr[256];
    if (keymap_apply(c.keys, c.n_keys, kerr, sizeof kerr) != 0)
        fail_msg("config/flinktop.yaml: %s", kerr);
    assert_int_equal(keymap_request('s', true), REQ_SAVEPOINT);
    assert_int_equal(keymap_request('?', true), REQ_HELP);
    keymap_reset();

    FILE *f = fopen("config/flinktop.yaml", "r");
    assert_non_null(f);
    char *comments = xstrdup("");
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (line[0] != '#')
            continue;
        char *more = xasprintf("%s%s", comments, line);
        free(comments);
        comments = more;
    }
    fclose(f);
    for (size_t i = 0; i < c.n_known_actions; i++) {
        char *want = xasprintf(" %s:", c.known_actions[i]);
        if (strstr(comments, want) == NULL)
            fail_msg("config/flinktop.yaml: the comment on keys: does not list action \"%s\"",
                     c.known_actions[i]);
        free(want);
    }
    free(comments);
    config_free(&c);
}

static void config_qps_and_burst_default_to_client_go_and_are_read(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    assert_true(c.qps == 5.0);
    assert_int_equal(c.burst, 10);
    const char text[] = "qps: 20\nburst: 40\n";
    assert_int_equal(config_load_string(text, strlen(text), "mem.yaml", &c, err, sizeof err), 0);
    assert_true(c.qps == 20.0);
    assert_int_equal(c.burst, 40);
    struct config_override ov;
    config_override_init(&ov);
    config_apply_override(&c, &ov); /* nothing given: the file's stay */
    assert_true(c.qps == 20.0);
    ov.qps = 0;
    ov.burst = 3;
    config_apply_override(&c, &ov);
    assert_true(c.qps == 0.0);
    assert_int_equal(c.burst, 3);
    config_free(&c);
    config_init(&c);
    const char bad[] = "qps: fast\nburst: 0\n";
    assert_int_equal(config_load_string(bad, strlen(bad), "mem.yaml", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "mem.yaml:1: qps must be a number of requests a second >= 0, got \"fast\""));
    assert_non_null(strstr(err, "mem.yaml:2: burst must be a whole number >= 1, got \"0\""));
    config_free(&c);
}

static void config_clusters_are_read_and_urls_normalised(void **state) {
    (void)state;
    const char text[] = "clusters:\n"
                        "  - name: a\n"
                        "    flink: http://a.example:8081/\n"
                        "    readonly: yes\n"
                        "  - name: b\n"
                        "    resource: job-b\n"
                        "    namespace: team.b\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "mem.yaml", &c, err, sizeof err), 0);
    assert_int_equal(c.n_clusters, 2);
    assert_string_equal(c.clusters[0].flink, "http://a.example:8081");
    assert_true(c.clusters[0].readonly);
    assert_int_equal(c.clusters[0].line, 2);
    assert_string_equal(c.clusters[1].ns, "team.b");
    assert_int_equal(c.clusters[1].line, 5);
    config_free(&c);
}

/* Flink REST credentials come from the config: basic auth, a token file, a client
 * certificate; over plain http only with insecure: true. */
static void config_cluster_credentials_and_their_rules(void **state) {
    (void)state;
    const char text[] = "clusters:\n"
                        "  - name: a\n"
                        "    flink: https://a.example:8443\n"
                        "    username: sre\n"
                        "    password_file: a.pass\n"
                        "    cert_file: /etc/flinktop/a.crt\n"
                        "    key_file: /etc/flinktop/a.key\n"
                        "    ca_file: /etc/flinktop/ca.pem\n"
                        "  - name: b\n"
                        "    flink: http://sre:s3cr3t@b.example:8081\n"
                        "    insecure: true\n"
                        "  - name: c\n"
                        "    flink: http://c.example:8081\n"
                        "    token_file: /run/c.token\n"
                        "    insecure: true\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "/etc/flinktop/config.yaml", &c, err,
                                        sizeof err),
                     0);
    assert_string_equal(c.clusters[0].username, "sre");
    assert_string_equal(c.clusters[0].password_file, "/etc/flinktop/a.pass");
    assert_string_equal(c.clusters[0].key_file, "/etc/flinktop/a.key");
    assert_false(c.clusters[0].insecure);
    assert_string_equal(c.clusters[1].flink, "http://b.example:8081"); /* no userinfo */
    assert_string_equal(c.clusters[1].username, "sre");
    assert_string_equal(c.clusters[1].password, "s3cr3t");
    assert_true(c.clusters[1].insecure);
    assert_string_equal(c.clusters[2].token_file, "/run/c.token");
    config_free(&c);

    const char bad[] = "clusters:\n"
                       "  - name: a\n"
                       "    flink: http://sre:s3cr3t@a.example:8081\n"
                       "  - name: b\n"
                       "    flink: http://b.example:8081\n"
                       "    token_file: /run/b.token\n"
                       "  - name: c\n"
                       "    flink: https://c.example\n"
                       "    cert_file: c.crt\n";
    config_init(&c);
    assert_int_equal(config_load_string(bad, strlen(bad), "m.yaml", &c, err, sizeof err), -1);
    assert_true(has_line(err, "m.yaml:3: clusters[0]: credentials over plain http would cross "
                              "the network in clear: use https, or say insecure: true"));
    assert_true(has_line(err, "m.yaml:5: clusters[1]: credentials over plain http would cross "
                              "the network in clear: use https, or say insecure: true"));
    assert_true(has_line(err, "m.yaml:7: clusters[2]: cert_file and key_file go together"));
    assert_null(strstr(err, "s3cr3t"));
    config_free(&c);
}

static void config_relative_paths_resolve_against_the_file(void **state) {
    (void)state;
    char *path = fixture("paths.yaml");
    char *dir = fixture("");
    dir[strlen(dir) - 1] = '\0'; /* drop the trailing slash */
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(path, &c, err, sizeof err), 0);
    char *audit = xasprintf("%s/logs/audit.log", dir);
    char *alerts = xasprintf("%s/rules/alerts.yaml", dir);
    assert_string_equal(c.audit_path, audit);
    assert_string_equal(c.alerts_path, alerts);
    config_free(&c);
    free(audit);
    free(alerts);
    free(dir);
    free(path);
}

static void config_home_and_absolute_paths_stay(void **state) {
    (void)state;
    char *saved_home = xstrdup(getenv("HOME"));
    setenv("HOME", "/home/sre", 1);
    char *path = fixture("paths_abs.yaml");
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(path, &c, err, sizeof err), 0);
    assert_string_equal(c.audit_path, "/var/log/flinktop/audit.log");
    assert_string_equal(c.alerts_path, "/home/sre/flinktop/alerts.yaml");
    config_free(&c);
    free(path);
    if (saved_home)
        setenv("HOME", saved_home, 1);
    free(saved_home);
}

static void config_path_without_a_directory_stays_relative(void **state) {
    (void)state;
    const char text[] = "alerts: rules.yaml\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "cfg.yaml", &c, err, sizeof err), 0);
    assert_string_equal(c.alerts_path, "rules.yaml");
    config_free(&c);
}

static void config_keys_are_parsed_and_normalised(void **state) {
    (void)state;
    char *path = fixture("keys.yaml");
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(path, &c, err, sizeof err), 0);
    assert_int_equal(c.n_keys, 8);
    assert_string_equal(c.keys[0].key, "s");
    assert_int_equal(c.keys[0].spec.kind, CONFIG_KEY_CHAR);
    assert_int_equal(c.keys[0].spec.code, 's');
    assert_string_equal(c.keys[1].key, "S");
    assert_int_equal(c.keys[1].spec.code, 'S');
    assert_string_equal(c.keys[2].key, "ctrl-r");
    assert_int_equal(c.keys[2].spec.kind, CONFIG_KEY_CTRL);
    assert_int_equal(c.keys[2].spec.code, 'r');
    assert_string_equal(c.keys[3].key, "?");
    assert_string_equal(c.keys[4].key, "f1");
    assert_int_equal(c.keys[4].spec.kind, CONFIG_KEY_FN);
    assert_int_equal(c.keys[4].spec.code, 1);
    assert_string_equal(c.keys[5].key, "enter");
    assert_int_equal(c.keys[5].spec.kind, CONFIG_KEY_NAMED);
    assert_int_equal(c.keys[5].spec.code, CONFIG_KEYNAME_ENTER);
    assert_int_equal(c.keys[7].spec.kind, CONFIG_KEY_CHAR);
    assert_int_equal(c.keys[7].spec.code, 0xE9); /* é */
    assert_int_equal(c.keys[7].line, 8);
    config_free(&c);
    free(path);
}

static void config_key_parse_accepts_names_and_rejects_others(void **state) {
    (void)state;
    struct config_keyspec k;
    char norm[32];
    assert_int_equal(config_key_parse("Escape", &k, norm, sizeof norm), 0);
    assert_string_equal(norm, "esc");
    assert_int_equal(config_key_parse("PageDown", &k, norm, sizeof norm), 0);
    assert_string_equal(norm, "pgdn");
    assert_int_equal(config_key_parse("ctrl+R", &k, norm, sizeof norm), 0);
    assert_string_equal(norm, "ctrl-r");
    assert_int_equal(config_key_parse("F12", &k, norm, sizeof norm), 0);
    assert_int_equal(k.code, 12);
    assert_int_equal(config_key_parse("shift-tab", &k, norm, sizeof norm), 0);
    assert_int_equal(k.code, CONFIG_KEYNAME_SHIFT_TAB);
    const char *bad[] = {"",       " ",   "f0",   "f13",  "ctrl-",    "ctrl-ab",
                         "ctrl-1", "sss", "\x1b", "\xc3", "\xc3\xa9x"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (config_key_parse(bad[i], &k, norm, sizeof norm) == 0)
            fail_msg("accepted key %zu", i);
    assert_string_equal(config_key_name(CONFIG_KEYNAME_PGUP), "pgup");
}

/* ---- every error class, with its line ---- */

static void config_unknown_key_says_line_and_suggests(void **state) {
    (void)state;
    char *path = load_bad("unknown_key.yaml");
    expect_line(path, "7: unknown key \"refesh\" (did you mean \"refresh\"?)");
    expect_line(path, "8: unknown key \"colour\"");
    assert_int_equal(count_lines(err), 2);
    free(path);
}

static void config_bad_refresh_names_line_and_value(void **state) {
    (void)state;
    char *path = load_bad("bad_refresh.yaml");
    expect_line(path, "3: refresh must be a number of seconds > 0, got \"fast\"");
    assert_int_equal(count_lines(err), 1);
    free(path);
}

static void config_wrong_types_are_each_reported(void **state) {
    (void)state;
    char *path = load_bad("wrong_types.yaml");
    expect_line(path, "1: refresh must be a number of seconds > 0, got a list");
    expect_line(path, "2: mouse must be true or false, got \"maybe\"");
    expect_line(path, "3: theme must be a string, got a map");
    expect_line(path, "5: keys must be a map of action: key, got a list");
    expect_line(path, "6: clusters must be a list of clusters (- name: ...), got \"production\"");
    expect_line(path, "7: audit must be a string, got a map");
    expect_line(path, "8: bell must be true or false, got \"1\"");
    assert_int_equal(count_lines(err), 7);
    /* in line order: the first line is the one for the status line */
    char *first = xasprintf("%s:1: ", path);
    assert_memory_equal(err, first, strlen(first));
    free(first);
    free(path);
}

static void config_bad_durations_are_each_reported(void **state) {
    (void)state;
    char *path = load_bad("bad_durations.yaml");
    expect_line(path, "1: timeout must be a number of seconds > 0, got \"-1\"");
    expect_line(path, "2: detail_interval must be a number of seconds > 0, got \"2x\"");
    expect_line(path, "3: history must be a duration > 0 such as 15m, got \"15 minutes\"");
    expect_line(path, "4: refresh must be a number of seconds > 0, got \"0\"");
    expect_line(path, "5: duplicate key \"timeout\" (first at line 1)");
    free(path);
}

static void config_too_long_a_period_is_refused(void **state) {
    (void)state;
    const char text[] = "refresh: 1s\ntimeout: 2h\nhistory: 30d\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "c.yaml", &c, err, sizeof err), -1);
    assert_true(has_line(err, "c.yaml:2: timeout must be at most 1h, got \"2h\""));
    assert_non_null(strstr(err, "c.yaml:3: history \"30d\" at a refresh of 1000 ms is more than"));
    config_free(&c);
}

static void config_cluster_entry_errors_name_the_entry(void **state) {
    (void)state;
    char *path = load_bad("clusters.yaml");
    expect_line(path, "11: clusters[1]: confirm must be \"typed\" or \"yes\", got \"maybe\"");
    expect_line(path, "12: clusters[2]: name is required");
    expect_line(path, "13: clusters[3]: name \"production\" is already used by clusters[0] "
                      "(line 2)");
    expect_line(path, "14: clusters[3]: flink must be an http:// or https:// URL, got "
                      "\"ftp://wrong\"");
    expect_line(path, "15: clusters[4]: needs flink (a REST URL), resource (a FlinkDeployment) "
                      "or deployment (a standalone Deployment)");
    expect_line(path, "18: clusters[5]: namespace must be a Kubernetes name (lower-case "
                      "letters, digits, - and .), got \"Flink_NS\"");
    expect_line(path, "20: clusters[5]: readonly must be true or false, got \"perhaps\"");
    expect_line(path, "21: clusters[5]: unknown key \"contxt\" (did you mean \"context\"?)");
    /* nine errors: eight shown, then how many more */
    assert_true(has_line(err, "(and 1 more)"));
    free(path);
}

/* a standalone Deployment is what R patches: the cluster itself is still reached by URL */
static void config_deployment_alone_is_refused(void **state) {
    (void)state;
    const char text[] = "clusters:\n  - name: sa\n    namespace: flink\n"
                        "    deployment: flink-jobmanager\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "c.yaml", &c, err, sizeof err), -1);
    assert_true(has_line(err, "c.yaml:4: clusters[0]: deployment needs flink (the REST URL of "
                              "that cluster) as well"));
    config_free(&c);
}

static void config_broken_yaml_names_the_line(void **state) {
    (void)state;
    char *path = load_bad("syntax.yaml");
    char *want = xasprintf("%s:5: YAML syntax error: ", path);
    assert_memory_equal(err, want, strlen(want));
    free(want);
    free(path);
    path = load_bad("syntax_unclosed.yaml");
    want = xasprintf("%s:4: YAML syntax error: found unexpected end of stream", path);
    assert_memory_equal(err, want, strlen(want));
    free(want);
    free(path);
}

static void config_not_a_map_duplicate_and_alias_are_errors(void **state) {
    (void)state;
    char *path = load_bad("not_a_map.yaml");
    expect_line(path, "1: expected a map of settings (refresh: 2s, ...), got a list");
    free(path);
    path = load_bad("duplicate.yaml");
    expect_line(path, "3: duplicate key \"refresh\" (first at line 1)");
    free(path);
    path = load_bad("alias.yaml");
    expect_line(path, "2: YAML aliases (*name) are not supported");
    free(path);
}

static void config_collects_many_errors_then_counts_the_rest(void **state) {
    (void)state;
    char *path = load_bad("many_errors.yaml");
    expect_line(path, "1: unknown key \"a\"");
    expect_line(path, "8: unknown key \"h\"");
    assert_true(has_line(err, "(and 3 more)"));
    assert_int_equal(count_lines(err), YAML_DOC_MAX_ERRORS + 1);
    free(path);
}

static void config_key_errors(void **state) {
    (void)state;
    char *path = load_bad("keys_bad.yaml");
    expect_line(path, "4: keys: \"s\" is bound to both stop (line 3) and quit");
    expect_line(path, "5: keys: action names are lower-case letters, digits, _ and -, got "
                      "\"Bad Action\"");
    char *want = xasprintf("%s:2: keys: savepoint: \"ctrl-!\" is not a key", path);
    assert_non_null(strstr(err, want));
    free(want);
    want = xasprintf("%s:6: keys: help: \"f13\" is not a key", path);
    assert_non_null(strstr(err, want));
    free(want);
    free(path);
}

static void config_key_action_given_twice_is_an_error(void **state) {
    (void)state;
    const char text[] = "keys:\n  quit: q\n  help: h\n  quit: x\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "k.yaml", &c, err, sizeof err), -1);
    assert_string_equal(err, "k.yaml:4: keys: duplicate key \"quit\" (first at line 2)");
    config_free(&c);
}

static void config_known_actions_are_checked_with_suggestion(void **state) {
    (void)state;
    static const char *const actions[] = {"savepoint", "stop", "quit"};
    const char text[] = "keys:\n  savepiont: s\n  quit: q\n";
    struct config c;
    config_init(&c);
    c.known_actions = actions;
    c.n_known_actions = 3;
    assert_int_equal(config_load_string(text, strlen(text), "k.yaml", &c, err, sizeof err), -1);
    assert_string_equal(err, "k.yaml:2: keys: unknown action \"savepiont\" (did you mean "
                             "\"savepoint\"?)");
    config_free(&c);
}

static void config_messages_never_echo_control_characters(void **state) {
    (void)state;
    const char text[] = "theme: \"\\e[31mred\"\nrefresh: \"\\e]0;x\\a\"\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "t.yaml", &c, err, sizeof err), -1);
    assert_null(strchr(err, '\x1b'));
    assert_null(strchr(err, '\a'));
    assert_true(has_line(err, "t.yaml:1: theme must not hold control characters"));
    config_free(&c);
}

static void config_theme_name_is_checked(void **state) {
    (void)state;
    const char text[] = "theme: ../../etc/passwd\n";
    struct config c;
    config_init(&c);
    assert_int_equal(config_load_string(text, strlen(text), "t.yaml", &c, err, sizeof err), -1);
    assert_string_equal(err, "t.yaml:1: theme must be a theme name (letters, digits, - and _), "
                             "got \"../../etc/passwd\"");
    config_free(&c);
}

/* ---- flags, reload ---- */

static void config_flags_override_the_file(void **state) {
    (void)state;
    char *path = fixture("full.yaml");
    struct config c;
    config_init(&c);
    assert_int_equal(config_load(path, &c, err, sizeof err), 0);
    struct config_override o;
    config_override_init(&o);
    config_apply_override(&c, &o); /* nothing given: nothing changes */
    assert_int_equal(c.refresh_ms, 1000);
    assert_true(c.ascii);
    o.refresh_ms = 3000;
    o.ascii = 0;
    o.theme = "mono";
    o.alerts = "my-alerts.yaml";
    o.clipboard = 0; /* --no-osc52 */
    config_apply_override(&c, &o);
    assert_false(c.clipboard);
    assert_int_equal(c.refresh_ms, 3000);
    assert_int_equal(c.timeout_ms, 10000);
    assert_false(c.ascii);
    assert_true(c.mouse);
    assert_string_equal(c.theme, "mono");
    assert_string_equal(c.alerts_path, "my-alerts.yaml");
    config_free(&c);
    free(path);
}

static void config_reload_failure_keeps_the_old_config(void **state) {
    (void)state;
    char *good = fixture("full.yaml");
    char *bad = fixture("bad_refresh.yaml");
    struct config cur;
    config_init(&cur);
    assert_int_equal(config_load(good, &cur, err, sizeof err), 0);
    struct config fresh;
    config_init(&fresh);
    assert_int_equal(config_load(bad, &fresh, err, sizeof err), -1);
    config_free(&fresh);
    assert_int_equal(cur.refresh_ms, 1000); /* untouched */
    config_init(&fresh);
    assert_int_equal(config_load(good, &fresh, err, sizeof err), 0);
    config_free(&cur);
    cur = fresh; /* the swap */
    assert_string_equal(cur.theme, "solarized-dark");
    config_free(&cur);
    free(good);
    free(bad);
}

static void config_prometheus_url_and_cluster_label(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    const char *ok = "prometheus: http://prom.monitoring:9090/\nprometheus_cluster_label: fc\n";
    assert_int_equal(config_load_string(ok, strlen(ok), "p.yaml", &c, err, sizeof err), 0);
    assert_string_equal(c.prometheus, "http://prom.monitoring:9090");
    assert_string_equal(c.prometheus_cluster_label, "fc");
    config_free(&c);
    config_init(&c);
    const char *bad = "prometheus: prom:9090\nprometheus_cluster_label: \"a-b\"\n";
    assert_int_equal(config_load_string(bad, strlen(bad), "p.yaml", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "p.yaml:1: prometheus must be an http:// or https:// URL"));
    assert_non_null(strstr(err, "p.yaml:2: prometheus_cluster_label must be a label name"));
    config_free(&c);
}

static void config_history_len_is_history_over_refresh(void **state) {
    (void)state;
    struct config c;
    config_init(&c);
    c.refresh_ms = 2000;
    c.history_ms = 15 * 60 * 1000;
    assert_int_equal(config_history_len(&c), 450);
    c.history_ms = 1001;
    assert_int_equal(config_history_len(&c), 2);
    c.refresh_ms = 3000;
    c.history_ms = 10000;
    assert_int_equal(config_history_len(&c), 4);
    c.refresh_ms = 1;
    c.history_ms = 24LL * 3600 * 1000;
    assert_int_equal(config_history_len(&c), CONFIG_HISTORY_MAX_LEN);
    config_free(&c);
}

/* ---- the YAML helper ---- */

static void yaml_doc_durations(void **state) {
    (void)state;
    static const struct {
        const char *text;
        int64_t ms;
    } ok[] = {{"30s", 30000}, {"2m", 120000}, {"1h", 3600000}, {"1h30m", 5400000}, {"500ms", 500},
              {"2", 2000},    {"0.5", 500},   {"0s", 0},       {"1d", 86400000},   {"1.5s", 1500}};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        int64_t v = -1;
        if (yaml_doc_parse_duration_ms(ok[i].text, &v) != 0 || v != ok[i].ms)
            fail_msg("%s gave %lld", ok[i].text, (long long)v);
    }
    const char *bad[] = {"",      "s",  "-1",  "1x",   "1 m", "nan", "inf",
                         "1e400", "m5", "5mm", "400d", " 2",  "2 ",  "0x10"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int64_t v;
        if (yaml_doc_parse_duration_ms(bad[i], &v) == 0)
            fail_msg("accepted \"%s\"", bad[i]);
    }
}

static void yaml_doc_numbers_and_bools(void **state) {
    (void)state;
    double d;
    assert_int_equal(yaml_doc_parse_number("0.9", &d), 0);
    assert_true(d == 0.9);
    assert_int_equal(yaml_doc_parse_number("-1e3", &d), 0);
    assert_true(d == -1000);
    assert_int_equal(yaml_doc_parse_number("NaN", &d), -1);
    assert_int_equal(yaml_doc_parse_number("0x1p3", &d), -1);
    assert_int_equal(yaml_doc_parse_number("", &d), -1);
    bool b = false;
    assert_int_equal(yaml_doc_parse_bool("Yes", &b), 0);
    assert_true(b);
    assert_int_equal(yaml_doc_parse_bool("off", &b), 0);
    assert_false(b);
    assert_int_equal(yaml_doc_parse_bool("1", &b), -1);
}

static void yaml_doc_tree_keeps_lines(void **state) {
    (void)state;
    const char text[] = "# comment\n"
                        "a: 1\n"
                        "b:\n"
                        "  - x\n"
                        "  - {k: v}\n"
                        "c: \"quoted\"\n"
                        "d:\n";
    struct yaml_doc d;
    assert_int_equal(yaml_doc_load_string(text, strlen(text), "t.yaml", &d, err, sizeof err),
                     YAML_DOC_OK);
    assert_non_null(d.root);
    assert_int_equal(d.root->kind, YAML_DOC_MAP);
    assert_int_equal(d.root->len, 4);
    const struct yaml_doc_node *a = yaml_doc_get(d.root, "a");
    assert_int_equal(a->line, 2);
    assert_string_equal(a->scalar, "1");
    assert_false(a->quoted);
    const struct yaml_doc_node *b = yaml_doc_get(d.root, "b");
    assert_int_equal(b->kind, YAML_DOC_SEQ);
    assert_int_equal(b->line, 3); /* a block list points at its key */
    assert_int_equal(b->len, 2);
    assert_int_equal(b->items[0].line, 4);
    assert_int_equal(b->items[1].kind, YAML_DOC_MAP);
    assert_int_equal(b->items[1].line, 5);
    assert_true(yaml_doc_get(d.root, "c")->quoted);
    assert_true(yaml_doc_is_null(yaml_doc_get(d.root, "d")));
    assert_null(yaml_doc_get(d.root, "e"));
    yaml_doc_free(&d);
}

static void yaml_doc_refuses_two_documents_and_deep_nesting(void **state) {
    (void)state;
    const char two[] = "a: 1\n---\nb: 2\n";
    struct yaml_doc d;
    assert_int_equal(yaml_doc_load_string(two, strlen(two), "t.yaml", &d, err, sizeof err),
                     YAML_DOC_UNSUPPORTED);
    assert_string_equal(err, "t.yaml:2: more than one YAML document");
    yaml_doc_free(&d);
    char deep[400];
    size_t n = 0;
    for (int i = 0; i < 100; i++)
        deep[n++] = '[';
    for (int i = 0; i < 100; i++)
        deep[n++] = ']';
    assert_int_equal(yaml_doc_load_string(deep, n, "t.yaml", &d, err, sizeof err),
                     YAML_DOC_TOO_BIG);
    assert_non_null(strstr(err, "nested too deeply"));
    assert_null(d.root);
    yaml_doc_free(&d);
}

static void yaml_doc_suggests_close_words_only(void **state) {
    (void)state;
    static const char *const words[] = {"refresh", "timeout", "history", "theme"};
    assert_string_equal(yaml_doc_suggest("refesh", words, 4), "refresh");
    assert_string_equal(yaml_doc_suggest("timout", words, 4), "timeout");
    assert_string_equal(yaml_doc_suggest("tehme", words, 4), "theme");
    assert_null(yaml_doc_suggest("colour", words, 4));
    assert_null(yaml_doc_suggest("", words, 4));
}

static void yaml_doc_errors_join_fits_the_buffer(void **state) {
    (void)state;
    struct yaml_doc_errors e;
    memset(&e, 0, sizeof e);
    yaml_doc_error(&e, "f.yaml", 9, "nine");
    yaml_doc_error(&e, "f.yaml", 2, "two");
    yaml_doc_error(&e, "f.yaml", 0, "whole file");
    char buf[64];
    yaml_doc_errors_join(&e, buf, sizeof buf);
    assert_string_equal(buf, "f.yaml: whole file\nf.yaml:2: two\nf.yaml:9: nine");
    char small[24];
    yaml_doc_errors_join(&e, small, sizeof small);
    assert_string_equal(small, "f.yaml: whole file\n(and");
    yaml_doc_errors_free(&e);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(config_defaults_without_a_file),
        cmocka_unit_test(config_default_path_follows_xdg_then_home),
        cmocka_unit_test(config_reads_the_default_file_when_present),
        cmocka_unit_test(config_missing_c_file_is_an_error),
        cmocka_unit_test(config_empty_and_comment_only_files_are_defaults),
        cmocka_unit_test(config_reads_every_scalar_key),
        cmocka_unit_test(config_example_parses_cleanly),
        cmocka_unit_test(config_start_screen_is_fleet_or_clusters),
        cmocka_unit_test(config_prometheus_url_and_cluster_label),
        cmocka_unit_test(config_example_loads_with_the_real_action_names),
        cmocka_unit_test(config_clusters_are_read_and_urls_normalised),
        cmocka_unit_test(config_qps_and_burst_default_to_client_go_and_are_read),
        cmocka_unit_test(config_cluster_credentials_and_their_rules),
        cmocka_unit_test(config_relative_paths_resolve_against_the_file),
        cmocka_unit_test(config_home_and_absolute_paths_stay),
        cmocka_unit_test(config_path_without_a_directory_stays_relative),
        cmocka_unit_test(config_keys_are_parsed_and_normalised),
        cmocka_unit_test(config_key_parse_accepts_names_and_rejects_others),
        cmocka_unit_test(config_unknown_key_says_line_and_suggests),
        cmocka_unit_test(config_bad_refresh_names_line_and_value),
        cmocka_unit_test(config_wrong_types_are_each_reported),
        cmocka_unit_test(config_bad_durations_are_each_reported),
        cmocka_unit_test(config_too_long_a_period_is_refused),
        cmocka_unit_test(config_cluster_entry_errors_name_the_entry),
        cmocka_unit_test(config_deployment_alone_is_refused),
        cmocka_unit_test(config_broken_yaml_names_the_line),
        cmocka_unit_test(config_not_a_map_duplicate_and_alias_are_errors),
        cmocka_unit_test(config_collects_many_errors_then_counts_the_rest),
        cmocka_unit_test(config_key_errors),
        cmocka_unit_test(config_key_action_given_twice_is_an_error),
        cmocka_unit_test(config_known_actions_are_checked_with_suggestion),
        cmocka_unit_test(config_messages_never_echo_control_characters),
        cmocka_unit_test(config_theme_name_is_checked),
        cmocka_unit_test(config_flags_override_the_file),
        cmocka_unit_test(config_reload_failure_keeps_the_old_config),
        cmocka_unit_test(config_history_len_is_history_over_refresh),
        cmocka_unit_test(yaml_doc_durations),
        cmocka_unit_test(yaml_doc_numbers_and_bools),
        cmocka_unit_test(yaml_doc_tree_keeps_lines),
        cmocka_unit_test(yaml_doc_refuses_two_documents_and_deep_nesting),
        cmocka_unit_test(yaml_doc_suggests_close_words_only),
        cmocka_unit_test(yaml_doc_errors_join_fits_the_buffer),
    };
    return cmocka_run_group_tests(tests, make_tmpdir, remove_tmpdir);
}
