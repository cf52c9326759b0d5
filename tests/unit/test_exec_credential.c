/* Exec credential plugins run for real: tests/fixtures/kubeconfig/plugins/plugin.sh stands in
 * for kubelogin and friends (its first argument picks what it does), driven by the real
 * event loop (loop.c) until the callback fires or a deadline passes; never a fixed sleep. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "exec_credential.h"
#include "rfc3339.h"
#include "http.h"
#include "loop.h"
#include "xalloc.h"

#define CA_PEM "-----BEGIN CERTIFICATE-----\nflinktop test CA\n-----END CERTIFICATE-----\n"

static struct http *http;
static struct loop *loop;

struct result {
    int calls;
    bool ok;
    char error[512];
    char token[128];
    bool cert;
    int64_t expiry_ms;
};

static void on_done(void *arg, const struct exec_credential *cred, const char *error) {
    struct result *r = arg;
    r->calls++;
    r->ok = cred != NULL;
    snprintf(r->error, sizeof r->error, "%s", error ? error : "");
    snprintf(r->token, sizeof r->token, "%s", cred && cred->token ? cred->token : "");
    r->cert = cred && cred->client_cert_data && cred->client_key_data;
    r->expiry_ms = cred ? cred->expiry_ms : -1;
}

/* owned path of a fixture: $FIXTURES/kubeconfig/name */
static char *fx(const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || *dir == '\0')
        dir = "tests/fixtures";
    return xasprintf("%s/kubeconfig/%s", dir, name);
}

/* Deadlines stretch under sanitizer builds (TEST_TIME_SCALE). */
static int64_t scaled(int64_t ms) {
    const char *s = getenv("TEST_TIME_SCALE");
    long k = s ? strtol(s, NULL, 10) : 1;
    return ms * (k > 0 ? k : 1);
}

static void run_until_done(const struct result *r, int64_t limit_ms) {
    int64_t deadline = clock_mono_ms() + scaled(limit_ms);
    while (r->calls == 0 && clock_mono_ms() < deadline)
        loop_run_once(loop, 50);
    if (r->calls == 0)
        fail_msg("no callback within %lld ms", (long long)scaled(limit_ms));
}

/* A process that is gone, or a zombie nobody will see again (not ours to reap). */
static bool dead(pid_t pid) {
    if (kill(pid, 0) != 0)
        return errno == ESRCH;
    char path[64], line[256] = "";
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (f == NULL)
        return true;
    size_t n = fread(line, 1, sizeof line - 1, f);
    fclose(f);
    line[n] = 0;
    const char *paren = strrchr(line, ')');
    return paren && paren[1] == ' ' && paren[2] == 'Z';
}

/* Our own child must be reaped, not only dead: kill(pid, 0) fails once it is. */
static bool reaped(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

static bool wait_for(bool (*cond)(pid_t), pid_t pid, int64_t limit_ms) {
    int64_t deadline = clock_mono_ms() + scaled(limit_ms);
    while (!cond(pid) && clock_mono_ms() < deadline)
        loop_run_once(loop, 20);
    return cond(pid);
}

/* A config running plugin.sh with mode as its first argument (and more args). */
static struct exec_config *config(const char *api, const char *mode, const char *arg2) {
    struct exec_config *c = xcalloc(1, sizeof *c);
    c->api_version = xstrdup(api);
    c->command = fx("plugins/plugin.sh");
    c->args = xcalloc(2, sizeof *c->args);
    c->args[c->n_args++] = xstrdup(mode);
    if (arg2)
        c->args[c->n_args++] = xstrdup(arg2);
    c->interactive_mode = xstrdup("IfAvailable");
    return c;
}

static void add_env(struct exec_config *c, const char *name, const char *value) {
    c->env = xrealloc(c->env, (c->n_env + 1) * sizeof *c->env);
    c->env[c->n_env].name = xstrdup(name);
    c->env[c->n_env].value = xstrdup(value);
    c->n_env++;
}

/* Run one plugin to its callback and return the plugin (still owning the cache). */
static struct exec_credential_plugin *run(const struct exec_config *c, int64_t timeout_ms,
                                          struct result *r) {
    memset(r, 0, sizeof *r);
    struct exec_credential_plugin *p =
        exec_credential_plugin_new(loop, c, NULL, timeout_ms, on_done, r);
    assert_null(exec_credential_get(p));
    assert_true(exec_credential_running(p));
    assert_int_equal(r->calls, 0); /* never from inside _get */
    run_until_done(r, 5000);
    assert_int_equal(r->calls, 1);
    assert_false(exec_credential_running(p));
    return p;
}

static char *plugin_shown(void) { return fx("plugins/plugin.sh"); }

static void exec_returns_token_v1(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "v1", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_true(r.ok);
    assert_string_equal(r.error, "");
    assert_int_equal(strncmp(r.token, "tok-v1-", 7), 0);
    assert_int_equal(r.expiry_ms, 4070908800000LL); /* 2099-01-01T00:00:00Z */

    const struct exec_credential *cred = exec_credential_get(p);
    assert_non_null(cred);
    assert_string_equal(cred->token, r.token);
    struct http_tls tls = {0};
    exec_credential_apply(cred, &tls);
    assert_ptr_equal(tls.bearer, cred->token);
    assert_null(tls.cert_data);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_returns_token_v1beta1(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1BETA1, "v1beta1", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_true(r.ok);
    assert_int_equal(strncmp(r.token, "tok-beta-", 9), 0);
    assert_int_equal(r.expiry_ms, 0); /* none: valid until a 401 */
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_returns_client_certificate(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "cert", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_true(r.ok);
    assert_true(r.cert);
    assert_string_equal(r.token, "");
    assert_int_equal(r.expiry_ms, 4086496800250LL); /* 2099-06-30T12:00:00.250+02:00 */
    const struct exec_credential *cred = exec_credential_get(p);
    assert_non_null(cred);
    struct http_tls tls = {.cert_file = "/from/kubeconfig.crt", .key_file = "/k.key"};
    exec_credential_apply(cred, &tls);
    assert_null(tls.cert_file);
    assert_null(tls.key_file);
    assert_int_equal(tls.cert_len, strlen(cred->client_cert_data));
    assert_memory_equal(tls.cert_data, "-----BEGIN CERTIFICATE-----\nc\n", 30);
    assert_memory_equal(tls.key_data, "-----BEGIN PRIVATE KEY-----\nk\n", 30);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_passes_args_env_and_exec_info(void **state) {
    (void)state;
    char info_path[] = "/tmp/flinktop-exec-info-XXXXXX";
    int fd = mkstemp(info_path);
    assert_true(fd >= 0);
    close(fd);
    setenv("FLINKTOP_TEST_VALUE", "from-parent", 1);
    setenv("KUBERNETES_EXEC_INFO", "stale", 1);
    struct exec_config *c = config(EXEC_API_V1, "env", "second-arg");
    add_env(c, "FLINKTOP_TEST_VALUE", "overridden");
    add_env(c, "INFO_FILE", info_path);
    c->provide_cluster_info = true;
    struct exec_cluster_info cl = {.server = "https://api.example.com:6443",
                                   .ca_data = CA_PEM,
                                   .ca_len = strlen(CA_PEM),
                                   .tls_server_name = "api.internal"};
    struct result r = {0};
    struct exec_credential_plugin *p = exec_credential_plugin_new(loop, c, &cl, 0, on_done, &r);
    assert_null(exec_credential_get(p));
    run_until_done(&r, 5000);
    assert_true(r.ok);
    assert_string_equal(r.token, "env-overridden-second-arg");

    FILE *f = fopen(info_path, "r");
    assert_non_null(f);
    char info[2048];
    size_t n = fread(info, 1, sizeof info - 1, f);
    fclose(f);
    info[n] = '\0';
    cJSON *j = cJSON_Parse(info);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "apiVersion")->valuestring, EXEC_API_V1);
    assert_string_equal(cJSON_GetObjectItem(j, "kind")->valuestring, "ExecCredential");
    const cJSON *spec = cJSON_GetObjectItem(j, "spec");
    assert_true(cJSON_IsFalse(cJSON_GetObjectItem(spec, "interactive")));
    const cJSON *cluster = cJSON_GetObjectItem(spec, "cluster");
    assert_string_equal(cJSON_GetObjectItem(cluster, "server")->valuestring,
                        "https://api.example.com:6443");
    assert_string_equal(cJSON_GetObjectItem(cluster, "tls-server-name")->valuestring,
                        "api.internal");
    assert_string_equal(cJSON_GetObjectItem(cluster, "certificate-authority-data")->valuestring,
                        "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCmZsaW5rdG9wIHRlc3QgQ0EKLS0tLS1FTkQg"
                        "Q0VSVElGSUNBVEUtLS0tLQo=");
    cJSON_Delete(j);
    unlink(info_path);
    unsetenv("FLINKTOP_TEST_VALUE");
    unsetenv("KUBERNETES_EXEC_INFO");
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_nonzero_exit_reports_stderr_not_token(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "fail", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_false(r.ok);
    char *cmd = plugin_shown();
    char *want = xasprintf("exec plugin \"%s\" failed (exit 1): error: AADSTS50076: "
                           "multi-factor authentication required",
                           cmd);
    assert_string_equal(r.error, want);
    assert_null(strstr(r.error, "leaked-token"));
    assert_null(exec_credential_get(p)); /* nothing cached: a new run starts */
    run_until_done(&r, 5000);
    free(want);
    free(cmd);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_stderr_line_is_sanitised(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "hostile", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_false(r.ok);
    assert_non_null(strstr(r.error, "failed (exit 3): boom "));
    assert_non_null(strstr(r.error, "done"));
    for (const char *s = r.error; *s; s++)
        assert_true((unsigned char)*s >= 0x20 && *s != 0x7f);
    exec_credential_plugin_free(p);
    exec_config_free(c);

    c = config(EXEC_API_V1, "silent-fail", NULL);
    p = run(c, 0, &r);
    char *cmd = plugin_shown();
    char *want = xasprintf("exec plugin \"%s\" failed (exit 4)", cmd);
    assert_string_equal(r.error, want);
    free(want);
    free(cmd);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_command_not_found_mentions_install_hint(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "v1", NULL);
    free(c->command);
    c->command = xstrdup("flinktop-test-no-such-plugin");
    c->install_hint = xstrdup("\n  Install it with: brew install \033[1mflinktop-plugin\n"
                              "or see https://example.com/plugin\n");
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_false(r.ok);
    assert_string_equal(r.error, "exec plugin \"flinktop-test-no-such-plugin\" not found: "
                                 "Install it with: brew install flinktop-plugin");
    exec_credential_plugin_free(p);

    free(c->install_hint);
    c->install_hint = NULL;
    free(c->command);
    c->command = fx("plugins/no-such-plugin.sh");
    p = run(c, 0, &r);
    char *want = xasprintf("exec plugin \"%s\" not found", c->command);
    assert_string_equal(r.error, want);
    free(want);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

/* The pids plugin.sh's sleep mode wrote ("shell sleep"), waiting for them at most
 * limit_ms (0: look once). 0 when not written (yet). */
static pid_t read_pids(const char *path, pid_t *child, int64_t limit_ms) {
    int64_t deadline = clock_mono_ms() + scaled(limit_ms);
    long a = 0, b = 0;
    for (;;) {
        FILE *f = fopen(path, "r");
        int n = 0;
        if (f) {
            n = fscanf(f, "%ld %ld", &a, &b);
            fclose(f);
        }
        if (n == 2)
            break;
        a = b = 0;
        if (clock_mono_ms() >= deadline)
            break;
        loop_run_once(loop, 20);
    }
    *child = (pid_t)b;
    return (pid_t)a;
}

static void exec_timeout_is_reported(void **state) {
    (void)state;
    char pid_path[] = "/tmp/flinktop-exec-pid-XXXXXX";
    int fd = mkstemp(pid_path);
    assert_true(fd >= 0);
    close(fd);
    struct exec_config *c = config(EXEC_API_V1, "sleep", NULL);
    add_env(c, "PID_FILE", pid_path);
    struct result r = {0};
    int64_t t0 = clock_mono_ms();
    struct exec_credential_plugin *p = exec_credential_plugin_new(loop, c, NULL, 300, on_done, &r);
    assert_null(exec_credential_get(p));
    run_until_done(&r, 5000);
    int64_t elapsed = clock_mono_ms() - t0;
    assert_true(elapsed >= 300);
    assert_false(r.ok);
    assert_false(exec_credential_running(p));
    char *cmd = plugin_shown();
    char *want = xasprintf("exec plugin \"%s\" timed out after 300 ms", cmd);
    assert_string_equal(r.error, want);
    free(want);
    free(cmd);
    /* On a loaded machine the shell may not have got as far as writing its pid. */
    pid_t grandchild = 0;
    pid_t child = read_pids(pid_path, &grandchild, 0);
    if (child > 0) {
        assert_true(wait_for(reaped, child, 5000)); /* killed and reaped by the loop */
        assert_true(wait_for(dead, grandchild, 5000));
    }
    unlink(pid_path);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_timeout_kills_the_plugin_and_its_children(void **state) {
    (void)state;
    char pid_path[] = "/tmp/flinktop-exec-pid-XXXXXX";
    int fd = mkstemp(pid_path);
    assert_true(fd >= 0);
    close(fd);
    struct exec_config *c = config(EXEC_API_V1, "sleep", NULL);
    add_env(c, "PID_FILE", pid_path);
    struct result r = {0};
    struct exec_credential_plugin *p =
        exec_credential_plugin_new(loop, c, NULL, scaled(1500), on_done, &r);
    assert_null(exec_credential_get(p));
    pid_t grandchild = 0;
    pid_t child = read_pids(pid_path, &grandchild, 1500);
    assert_true(child > 0);
    assert_true(grandchild > 0);
    run_until_done(&r, 5000);
    assert_false(r.ok);
    assert_non_null(strstr(r.error, "timed out after"));
    assert_true(wait_for(reaped, child, 5000));    /* killed and reaped by the loop */
    assert_true(wait_for(dead, grandchild, 5000)); /* the whole process group */
    unlink(pid_path);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_free_while_running_kills_the_plugin(void **state) {
    (void)state;
    char pid_path[] = "/tmp/flinktop-exec-pid-XXXXXX";
    int fd = mkstemp(pid_path);
    assert_true(fd >= 0);
    close(fd);
    struct exec_config *c = config(EXEC_API_V1, "sleep", NULL);
    add_env(c, "PID_FILE", pid_path);
    struct result r = {0};
    struct exec_credential_plugin *p = exec_credential_plugin_new(loop, c, NULL, 0, on_done, &r);
    assert_null(exec_credential_get(p));
    pid_t grandchild = 0;
    pid_t child = read_pids(pid_path, &grandchild, 5000);
    assert_true(child > 0);
    exec_credential_plugin_free(p);
    assert_int_equal(r.calls, 0);
    assert_true(wait_for(dead, child, 5000));
    assert_true(wait_for(dead, grandchild, 5000));
    /* and the next plugin reaps it, if free could not */
    exec_config_free(c);
    c = config(EXEC_API_V1, "v1", NULL);
    p = run(c, 0, &r);
    assert_true(reaped(child));
    unlink(pid_path);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_malformed_output_is_reported_without_it(void **state) {
    (void)state;
    const struct {
        const char *mode, *why;
    } cases[] = {
        {"garbage", "(not JSON)"},
        {"trailing", "(not JSON)"},
        {"wrong-version", "(apiVersion is not the configured one)"},
        {"no-token", "(no status.token or client certificate and key)"},
    };
    char *cmd = plugin_shown();
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct exec_config *c = config(EXEC_API_V1, cases[i].mode, NULL);
        struct result r;
        struct exec_credential_plugin *p = run(c, 0, &r);
        assert_false(r.ok);
        char *want =
            xasprintf("exec plugin \"%s\" returned malformed credentials %s", cmd, cases[i].why);
        assert_string_equal(r.error, want);
        assert_null(strstr(r.error, "tok-"));
        assert_null(strstr(r.error, "this is not"));
        free(want);
        exec_credential_plugin_free(p);
        exec_config_free(c);
    }
    free(cmd);
}

static void exec_cache_reuses_until_invalidated(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "v1", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    char first[128];
    snprintf(first, sizeof first, "%s", r.token);

    const struct exec_credential *a = exec_credential_get(p);
    const struct exec_credential *b = exec_credential_get(p);
    assert_non_null(a);
    assert_ptr_equal(a, b);
    assert_string_equal(a->token, first);
    assert_false(exec_credential_running(p)); /* no new run */
    assert_int_equal(r.calls, 1);

    exec_credential_invalidate(p); /* after a 401 */
    r.calls = 0;
    assert_null(exec_credential_get(p));
    assert_true(exec_credential_running(p));
    assert_null(exec_credential_get(p)); /* one run at a time */
    run_until_done(&r, 5000);
    assert_int_equal(r.calls, 1);
    assert_true(r.ok);
    assert_string_not_equal(r.token, first); /* another process, another token */
    const struct exec_credential *d = exec_credential_get(p);
    assert_non_null(d);
    assert_string_equal(d->token, r.token);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_expired_credential_runs_again(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "expired", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_true(r.ok);
    assert_int_equal(r.expiry_ms, 1577836800000LL); /* 2020-01-01T00:00:00Z */
    assert_null(exec_credential_get(p));            /* expired on arrival: run again */
    assert_true(exec_credential_running(p));
    r.calls = 0;
    run_until_done(&r, 5000);
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_plugin_lingering_after_closing_stdout(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "late-exit", NULL);
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_true(r.ok);
    assert_string_equal(r.token, "tok-late");
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_interactive_always_is_refused(void **state) {
    (void)state;
    struct exec_config *c = config(EXEC_API_V1, "v1", NULL);
    free(c->interactive_mode);
    c->interactive_mode = xstrdup("Always");
    struct result r;
    struct exec_credential_plugin *p = run(c, 0, &r);
    assert_false(r.ok);
    assert_non_null(strstr(r.error, "needs a terminal (interactiveMode: Always)"));
    exec_credential_plugin_free(p);
    exec_config_free(c);
}

static void exec_parse_time_reads_rfc3339(void **state) {
    (void)state;
    int64_t ms = 0;
    assert_int_equal(rfc3339_parse("2026-11-24T13:00:00Z", &ms), 0);
    assert_int_equal(ms, 1795525200000LL);
    assert_int_equal(rfc3339_parse("2026-11-24T14:00:00+01:00", &ms), 0);
    assert_int_equal(ms, 1795525200000LL);
    assert_int_equal(rfc3339_parse("2026-11-24T12:30:00.5-00:30", &ms), 0);
    assert_int_equal(ms, 1795525200500LL);
    assert_int_equal(rfc3339_parse("2024-02-29T23:59:59.999999999Z", &ms), 0);
    assert_int_equal(ms, 1709251199999LL);
    assert_int_equal(rfc3339_parse("1969-12-31T23:00:00Z", &ms), 0);
    assert_int_equal(ms, -3600000LL);
    const char *bad[] = {"",
                         "yesterday",
                         "2026-11-24T13:00:00",
                         "2026-11-24 13:00Z",
                         "2026-13-01T00:00:00Z",
                         "2026-02-29T00:00:00Z",
                         "2026-11-24T24:00:00Z",
                         "2026-11-24T13:00:00.Z",
                         "2026-11-24T13:00:00Z ",
                         "2026-11-24T13:00:00+0100"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (rfc3339_parse(bad[i], &ms) == 0)
            fail_msg("\"%s\" accepted", bad[i]);
}

static void exec_parse_checks_the_credential(void **state) {
    (void)state;
    struct exec_credential cred;
    char why[128];
    const char *ok = "{\"apiVersion\":\"client.authentication.k8s.io/v1beta1\","
                     "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"abc\","
                     "\"expirationTimestamp\":null}}  \n";
    /* not NUL-terminated: only len bytes are read */
    char *body = xmalloc(strlen(ok));
    memcpy(body, ok, strlen(ok));
    assert_int_equal(
        exec_credential_parse(body, strlen(ok), EXEC_API_V1BETA1, &cred, why, sizeof why), 0);
    assert_string_equal(cred.token, "abc");
    assert_int_equal(cred.expiry_ms, 0);
    exec_credential_clear(&cred);
    assert_null(cred.token);
    assert_int_equal(exec_credential_parse(body, strlen(ok), EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_string_equal(why, "apiVersion is not the configured one");
    free(body);

    const char *half = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"ExecCredential\",\"status\":{\"clientKeyData\":\"k\"}}";
    assert_int_equal(exec_credential_parse(half, strlen(half), EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_string_equal(why, "only one of status.clientCertificateData and clientKeyData");
    const char *kind = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"Secret\",\"status\":{\"token\":\"t\"}}";
    assert_int_equal(exec_credential_parse(kind, strlen(kind), EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_string_equal(why, "kind is not ExecCredential");
    const char *when = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\","
                       "\"expirationTimestamp\":\"soon\"}}";
    assert_int_equal(exec_credential_parse(when, strlen(when), EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_string_equal(why, "status.expirationTimestamp is not an RFC 3339 time");
    assert_null(cred.token);
}

/* A NUL in a token, escaped or raw, would cut it ("abc\u0000xyz" sent as "abc"): the
 * credential is refused with a reason, never cut. An escaped backslash before "u0000" is
 * text, not a NUL. */
static void exec_parse_refuses_a_nul_never_cuts(void **state) {
    (void)state;
    struct exec_credential cred;
    char why[128];
    const char *esc = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                      "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"abc\\u0000xyz\"}}";
    assert_int_equal(exec_credential_parse(esc, strlen(esc), EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_null(cred.token);
    assert_non_null(strstr(why, "NUL"));
    assert_null(strstr(why, "abc"));
    const char raw[] = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"abc\0xyz\"}}";
    assert_int_equal(exec_credential_parse(raw, sizeof raw - 1, EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_null(cred.token);
    assert_non_null(strstr(why, "NUL"));
    const char *cert = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"ExecCredential\",\"status\":{\"clientCertificateData\":\"c\","
                       "\"clientKeyData\":\"-----BEGIN\\u0000KEY\"}}";
    assert_int_equal(exec_credential_parse(cert, strlen(cert), EXEC_API_V1, &cred, why, sizeof why),
                     -1);
    assert_null(cred.client_key_data);
    const char *text = "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
                       "\"kind\":\"ExecCredential\",\"status\":{\"token\":\"a\\\\u0000b\"}}";
    assert_int_equal(exec_credential_parse(text, strlen(text), EXEC_API_V1, &cred, why, sizeof why),
                     0);
    assert_string_equal(cred.token, "a\\u0000b");
    exec_credential_clear(&cred);
}

static int group_setup(void **state) {
    (void)state;
    http = http_new(HTTP_DEFAULT_TIMEOUT_MS, HTTP_DEFAULT_MAX_BODY);
    loop = loop_new(http);
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    loop_free(loop);
    http_free(http);
    return 0;
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(exec_returns_token_v1),
        cmocka_unit_test(exec_returns_token_v1beta1),
        cmocka_unit_test(exec_returns_client_certificate),
        cmocka_unit_test(exec_passes_args_env_and_exec_info),
        cmocka_unit_test(exec_nonzero_exit_reports_stderr_not_token),
        cmocka_unit_test(exec_stderr_line_is_sanitised),
        cmocka_unit_test(exec_command_not_found_mentions_install_hint),
        cmocka_unit_test(exec_timeout_is_reported),
        cmocka_unit_test(exec_timeout_kills_the_plugin_and_its_children),
        cmocka_unit_test(exec_free_while_running_kills_the_plugin),
        cmocka_unit_test(exec_malformed_output_is_reported_without_it),
        cmocka_unit_test(exec_cache_reuses_until_invalidated),
        cmocka_unit_test(exec_expired_credential_runs_again),
        cmocka_unit_test(exec_plugin_lingering_after_closing_stdout),
        cmocka_unit_test(exec_interactive_always_is_refused),
        cmocka_unit_test(exec_parse_time_reads_rfc3339),
        cmocka_unit_test(exec_parse_checks_the_credential),
        cmocka_unit_test(exec_parse_refuses_a_nul_never_cuts),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
