/* kubeconfig on fixtures in tests/fixtures/kubeconfig/: one file, several merged as
 * kubectl merges them, certificates in the file and beside it, tokens, exec sections, and
 * every way a file can be wrong, with the file:line the user needs and never a secret.
 * Every secret in the broken fixtures contains "s3cr3t": no error line may. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kubeconfig.h"
#include "xalloc.h"

#define CA_PEM "-----BEGIN CERTIFICATE-----\nflinktop test CA\n-----END CERTIFICATE-----\n"
#define CLIENT_PEM "-----BEGIN CERTIFICATE-----\nflinktop test client\n-----END CERTIFICATE-----\n"
#define KEY_PEM "-----BEGIN PRIVATE KEY-----\nflinktop test key\n-----END PRIVATE KEY-----\n"

static char err[512];
static char *saved_home;

/* owned path of a fixture: $FIXTURES/kubeconfig/name */
static char *fx(const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || *dir == '\0')
        dir = "tests/fixtures";
    return xasprintf("%s/kubeconfig/%s", dir, name);
}

static int setup(void **state) {
    (void)state;
    unsetenv("KUBECONFIG");
    err[0] = '\0';
    return 0;
}

static int teardown(void **state) {
    (void)state;
    unsetenv("KUBECONFIG");
    if (saved_home)
        setenv("HOME", saved_home, 1);
    else
        unsetenv("HOME");
    return 0;
}

static int group_setup(void **state) {
    (void)state;
    const char *home = getenv("HOME");
    saved_home = home ? xstrdup(home) : NULL;
    return 0;
}

static int group_teardown(void **state) {
    (void)state;
    free(saved_home);
    return 0;
}

static struct kubeconfig *load(const char *name) {
    char *path = fx(name);
    err[0] = '\0';
    struct kubeconfig *kc = kubeconfig_load(path, err, sizeof err);
    free(path);
    return kc;
}

/* KUBECONFIG made of fixture names separated by ':' ("" and "missing.yaml" kept as is). */
static struct kubeconfig *load_env(const char *const *names, size_t n) {
    char *list = xstrdup("");
    for (size_t i = 0; i < n; i++) {
        char *p = names[i][0] ? fx(names[i]) : xstrdup("");
        char *next = xasprintf("%s%s%s", list, i ? ":" : "", p);
        free(p);
        free(list);
        list = next;
    }
    setenv("KUBECONFIG", list, 1);
    free(list);
    err[0] = '\0';
    return kubeconfig_load(NULL, err, sizeof err);
}

static struct kubeconfig_context *resolve(const struct kubeconfig *kc, const char *name) {
    err[0] = '\0';
    return kubeconfig_resolve(kc, name, err, sizeof err);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* err starts with the fixture's path, then ":line: ", then contains what; no secret. */
static void assert_file_error(const char *name, int line, const char *what) {
    char *path = fx(name);
    char *prefix = xasprintf("%s:%d: ", path, line);
    if (strncmp(err, prefix, strlen(prefix)) != 0)
        fail_msg("error \"%s\" does not start with \"%s\"", err, prefix);
    if (strstr(err, what) == NULL)
        fail_msg("error \"%s\" does not contain \"%s\"", err, what);
    assert_null(strstr(err, "s3cr3t"));
    assert_null(strchr(err, '\n'));
    free(prefix);
    free(path);
}

static void kubeconfig_loads_one_file(void **state) {
    (void)state;
    struct kubeconfig *kc = load("single.yaml");
    assert_non_null(kc);
    assert_int_equal(kubeconfig_context_count(kc), 2);
    assert_string_equal(kubeconfig_context_name(kc, 0), "prod");
    assert_string_equal(kubeconfig_context_name(kc, 1), "staging");
    assert_null(kubeconfig_context_name(kc, 2));
    assert_string_equal(kubeconfig_current_context(kc), "prod");
    assert_int_equal(kubeconfig_file_count(kc), 1);

    struct kubeconfig_context *c = resolve(kc, NULL);
    assert_non_null(c);
    assert_string_equal(c->name, "prod");
    assert_string_equal(c->cluster_name, "prod-eu");
    assert_string_equal(c->user_name, "sre");
    assert_string_equal(c->server, "https://prod-eu.example.com:6443");
    assert_string_equal(c->namespace, "flink-prod");
    assert_string_equal(c->tls_server_name, "api.prod-eu.internal");
    assert_string_equal(c->proxy_url, "socks5://bastion:1080");
    assert_string_equal(c->token, "kc-single-token-9f8e7d");
    assert_false(c->insecure);
    assert_int_equal(c->ca_len, strlen(CA_PEM));
    assert_memory_equal(c->ca_data, CA_PEM, c->ca_len);
    assert_null(c->ca_file);
    assert_null(c->exec);
    kubeconfig_context_free(c);

    c = resolve(kc, "staging");
    assert_non_null(c);
    assert_string_equal(c->namespace, "default"); /* none in the context */
    assert_true(c->insecure);
    assert_null(c->token);
    assert_string_equal(c->username, "admin");
    assert_string_equal(c->password, "hunter2-pass");
    kubeconfig_context_free(c);
    kubeconfig_free(kc);
}

static void kubeconfig_merges_two_files(void **state) {
    (void)state;
    const char *names[] = {"first.yaml", "second.yaml", "third.yaml"};
    struct kubeconfig *kc = load_env(names, 3);
    assert_non_null(kc);
    assert_int_equal(kubeconfig_file_count(kc), 3);
    /* first-ctx is defined by first.yaml and second.yaml: first wins, once */
    assert_int_equal(kubeconfig_context_count(kc), 3);
    assert_string_equal(kubeconfig_context_name(kc, 0), "first-ctx");
    assert_string_equal(kubeconfig_context_name(kc, 1), "second-ctx");
    assert_string_equal(kubeconfig_context_name(kc, 2), "third-ctx");
    /* first.yaml sets current-context to "": the first file that sets it is second.yaml */
    assert_string_equal(kubeconfig_current_context(kc), "second-ctx");

    struct kubeconfig_context *c = resolve(kc, NULL);
    assert_non_null(c);
    assert_string_equal(c->server, "https://first.example.com"); /* cluster "shared" */
    assert_string_equal(c->token, "first-token");                /* user "shared-user" */
    kubeconfig_context_free(c);

    c = resolve(kc, "first-ctx");
    assert_non_null(c);
    assert_string_equal(c->namespace, "from-first"); /* the whole entry, not field by field */
    assert_string_equal(c->cluster_name, "shared");
    kubeconfig_context_free(c);

    c = resolve(kc, "third-ctx"); /* a cluster only the second file defines */
    assert_non_null(c);
    assert_string_equal(c->server, "https://only-second.example.com");
    assert_string_equal(c->user_name, "");
    assert_null(c->token);
    kubeconfig_context_free(c);
    kubeconfig_free(kc);
}

static void kubeconfig_skips_empty_and_missing_entries(void **state) {
    (void)state;
    const char *names[] = {"", "missing.yaml", "single.yaml", "", "single.yaml", "empty.yaml"};
    struct kubeconfig *kc = load_env(names, 6);
    assert_non_null(kc);
    assert_string_equal(err, "");
    assert_int_equal(kubeconfig_file_count(kc), 2); /* single.yaml once, empty.yaml */
    assert_int_equal(kubeconfig_context_count(kc), 2);
    assert_string_equal(kubeconfig_current_context(kc), "prod");
    kubeconfig_free(kc);

    const char *none[] = {"missing.yaml", "also-missing.yaml"};
    kc = load_env(none, 2);
    assert_non_null(kc);
    assert_int_equal(kubeconfig_context_count(kc), 0);
    assert_null(resolve(kc, NULL));
    assert_string_equal(err, "no kubeconfig found (KUBECONFIG, ~/.kube/config)");
    kubeconfig_free(kc);
}

static void kubeconfig_defaults_to_home(void **state) {
    (void)state;
    char *home = fx("home");
    setenv("HOME", home, 1);
    free(home);
    struct kubeconfig *kc = kubeconfig_load(NULL, err, sizeof err);
    assert_non_null(kc);
    assert_int_equal(kubeconfig_file_count(kc), 1);
    assert_string_equal(kubeconfig_file(kc, 0), "~/.kube/config");
    assert_string_equal(kubeconfig_current_context(kc), "home");
    kubeconfig_free(kc);

    /* no ~/.kube/config: an empty config, as kubectl has */
    home = fx("emptyhome");
    setenv("HOME", home, 1);
    free(home);
    kc = kubeconfig_load(NULL, err, sizeof err);
    assert_non_null(kc);
    assert_int_equal(kubeconfig_file_count(kc), 0);
    kubeconfig_free(kc);
}

static void kubeconfig_explicit_file_overrides_env(void **state) {
    (void)state;
    char *list = fx("first.yaml");
    setenv("KUBECONFIG", list, 1);
    free(list);
    struct kubeconfig *kc = load("single.yaml");
    assert_non_null(kc);
    assert_int_equal(kubeconfig_file_count(kc), 1);
    assert_string_equal(kubeconfig_current_context(kc), "prod");
    assert_string_equal(kubeconfig_context_name(kc, 0), "prod");
    assert_null(resolve(kc, "first-ctx"));
    assert_string_equal(err, "context \"first-ctx\" does not exist");
    kubeconfig_free(kc);

    /* unlike a KUBECONFIG entry, an explicit file must exist */
    kc = load("missing.yaml");
    assert_null(kc);
    char *path = fx("missing.yaml");
    char *want = xasprintf("%s: No such file or directory", path);
    assert_string_equal(err, want);
    free(want);
    free(path);
}

static void kubeconfig_decodes_data_and_resolves_files(void **state) {
    (void)state;
    struct kubeconfig *kc = load("certs.yaml");
    assert_non_null(kc);
    struct kubeconfig_context *c = resolve(kc, "data");
    assert_non_null(c);
    assert_int_equal(c->ca_len, strlen(CA_PEM));
    assert_memory_equal(c->ca_data, CA_PEM, c->ca_len);
    assert_int_equal(c->cert_len, strlen(CLIENT_PEM));
    assert_memory_equal(c->cert_data, CLIENT_PEM, c->cert_len);
    assert_int_equal(c->key_len, strlen(KEY_PEM));
    assert_memory_equal(c->key_data, KEY_PEM, c->key_len);
    assert_null(c->ca_file);
    assert_null(c->cert_file);
    assert_null(c->key_file);

    struct http_tls tls;
    kubeconfig_context_tls(c, &tls);
    assert_ptr_equal(tls.ca_data, c->ca_data);
    assert_int_equal(tls.ca_len, c->ca_len);
    assert_ptr_equal(tls.cert_data, c->cert_data);
    assert_ptr_equal(tls.key_data, c->key_data);
    assert_null(tls.bearer);
    assert_false(tls.insecure);
    kubeconfig_context_free(c);

    c = resolve(kc, "files");
    assert_non_null(c);
    assert_null(c->ca_data);
    assert_non_null(c->ca_file);
    /* relative to certs.yaml's directory, made absolute */
    assert_int_equal(c->ca_file[0], '/');
    assert_true(ends_with(c->ca_file, "/kubeconfig/certs/ca.crt"));
    assert_true(ends_with(c->cert_file, "/kubeconfig/./certs/client.crt"));
    assert_true(ends_with(c->key_file, "/kubeconfig/certs/client.key"));
    assert_int_equal(access(c->ca_file, R_OK), 0);
    assert_int_equal(access(c->cert_file, R_OK), 0);
    assert_int_equal(access(c->key_file, R_OK), 0);
    kubeconfig_context_tls(c, &tls);
    assert_ptr_equal(tls.ca_file, c->ca_file);
    assert_ptr_equal(tls.cert_file, c->cert_file);
    assert_ptr_equal(tls.key_file, c->key_file);
    kubeconfig_context_free(c);
    kubeconfig_free(kc);
}

static void kubeconfig_token_and_token_file(void **state) {
    (void)state;
    struct kubeconfig *kc = load("tokens.yaml");
    assert_non_null(kc);
    struct kubeconfig_context *c = resolve(kc, "inline");
    assert_string_equal(c->token, "inline-token-7c1");
    assert_null(c->token_file);
    struct http_tls tls;
    kubeconfig_context_tls(c, &tls);
    assert_ptr_equal(tls.bearer, c->token);
    kubeconfig_context_free(c);

    c = resolve(kc, "from-file");
    assert_non_null(c);
    assert_string_equal(c->token, "tokenfile-secret-5521"); /* trimmed */
    assert_true(ends_with(c->token_file, "/kubeconfig/tokens/token.txt"));
    kubeconfig_context_free(c);

    c = resolve(kc, "both"); /* token wins over tokenFile, as in client-go */
    assert_string_equal(c->token, "inline-wins-3b2");
    kubeconfig_context_free(c);

    c = resolve(kc, "numeric"); /* `token: 12345` is the string "12345" */
    assert_string_equal(c->token, "12345");
    kubeconfig_context_free(c);

    c = resolve(kc, "anonymous");
    assert_non_null(c);
    assert_null(c->token);
    assert_string_equal(c->user_name, "");
    kubeconfig_context_free(c);

    assert_null(resolve(kc, "missing-file"));
    char *path = fx("tokens.yaml");
    char *want = xasprintf("%s:19: cannot read tokenFile \"", path);
    assert_int_equal(strncmp(err, want, strlen(want)), 0);
    assert_non_null(strstr(err, "/kubeconfig/tokens/nope.txt\": No such file or directory"));
    free(want);
    free(path);
    kubeconfig_free(kc);
}

static void kubeconfig_parses_exec_v1_and_v1beta1(void **state) {
    (void)state;
    struct kubeconfig *kc = load("exec.yaml");
    assert_non_null(kc);
    struct kubeconfig_context *c = resolve(kc, "aks");
    assert_non_null(c);
    assert_string_equal(c->namespace, "flink");
    const struct exec_config *e = c->exec;
    assert_non_null(e);
    assert_string_equal(e->api_version, EXEC_API_V1);
    assert_string_equal(e->command, "kubelogin"); /* no '/': looked up in PATH */
    assert_int_equal(e->n_args, 5);
    assert_string_equal(e->args[0], "get-token");
    assert_string_equal(e->args[4], "6dae42f8-4368-4678-94ff-3960e28e3630");
    assert_int_equal(e->n_env, 2);
    assert_string_equal(e->env[0].name, "AAD_LOGIN_METHOD");
    assert_string_equal(e->env[0].value, "azurecli");
    assert_string_equal(e->env[1].name, "EMPTY_VALUE");
    assert_string_equal(e->env[1].value, "");
    assert_string_equal(e->install_hint,
                        "\nkubelogin is not installed which is required to connect to AAD "
                        "enabled cluster.\nTo learn more, please go to "
                        "https://aka.ms/aks/kubelogin\n");
    assert_string_equal(e->interactive_mode, "Never");
    assert_false(e->provide_cluster_info);
    assert_null(c->token);
    kubeconfig_context_free(c);

    c = resolve(kc, "local");
    assert_non_null(c);
    e = c->exec;
    assert_string_equal(e->api_version, EXEC_API_V1BETA1);
    assert_int_equal(e->command[0], '/'); /* has a '/': relative to exec.yaml */
    assert_true(ends_with(e->command, "/kubeconfig/plugins/plugin.sh"));
    assert_int_equal(e->n_args, 1);
    assert_string_equal(e->args[0], "v1beta1");
    assert_int_equal(e->n_env, 0);
    assert_null(e->install_hint);
    assert_string_equal(e->interactive_mode, "IfAvailable"); /* v1beta1's default */
    assert_true(e->provide_cluster_info);

    struct exec_cluster_info info;
    kubeconfig_context_exec_cluster(c, &info);
    assert_string_equal(info.server, "https://aks.example.com:443");
    assert_int_equal(info.ca_len, strlen(CA_PEM));
    kubeconfig_context_free(c);
    kubeconfig_free(kc);
}

static void kubeconfig_rejects_exec_as_kubectl_does(void **state) {
    (void)state;
    struct kubeconfig *kc = load("exec_invalid.yaml");
    assert_non_null(kc);
    assert_null(resolve(kc, "no-mode"));
    assert_file_error("exec_invalid.yaml", 9,
                      "exec: interactiveMode must be specified for user \"no-mode\"");
    assert_null(resolve(kc, "alpha"));
    assert_file_error("exec_invalid.yaml", 14,
                      "apiVersion \"client.authentication.k8s.io/v1alpha1\" is not supported");
    assert_null(resolve(kc, "no-command"));
    assert_file_error("exec_invalid.yaml", 19, "command must be specified");
    assert_null(resolve(kc, "oidc"));
    assert_file_error("exec_invalid.yaml", 20, "auth-provider \"oidc\"");
    assert_null(strstr(err, "oidc-secret"));
    kubeconfig_free(kc);
}

static void kubeconfig_broken_yaml_names_file_and_line(void **state) {
    (void)state;
    assert_null(load("broken_syntax.yaml"));
    assert_file_error("broken_syntax.yaml", 4, "could not find expected ':'");
    assert_non_null(strstr(err, "(while scanning a simple key at line 3)"));

    assert_null(load("unterminated.yaml"));
    assert_file_error("unterminated.yaml", 6, "found unexpected end of stream");
}

static void kubeconfig_wrong_types_name_file_and_line(void **state) {
    (void)state;
    assert_null(load("wrong_type_clusters.yaml"));
    assert_file_error("wrong_type_clusters.yaml", 3, "expected a sequence for \"clusters\"");
    assert_null(load("wrong_type_server.yaml"));
    assert_file_error("wrong_type_server.yaml", 9, "expected a string for \"server\"");
    assert_null(load("wrong_type_bool.yaml"));
    assert_file_error("wrong_type_bool.yaml", 5,
                      "expected true or false for \"insecure-skip-tls-verify\"");
    assert_null(load("wrong_type_token.yaml"));
    assert_file_error("wrong_type_token.yaml", 5, "expected a string for \"token\"");
    assert_null(load("wrong_type_top.yaml"));
    assert_file_error("wrong_type_top.yaml", 1, "expected a mapping at the top level");
    assert_null(load("duplicate.yaml"));
    assert_file_error("duplicate.yaml", 5, "duplicate cluster name \"twice\"");
}

static void kubeconfig_bad_base64_names_file_and_line(void **state) {
    (void)state;
    assert_null(load("bad_base64.yaml"));
    assert_file_error("bad_base64.yaml", 5, "certificate-authority-data is not valid base64");
    assert_null(load("bad_key_data.yaml"));
    assert_file_error("bad_key_data.yaml", 4, "client-key-data is not valid base64");
}

static void kubeconfig_context_with_missing_user_or_cluster(void **state) {
    (void)state;
    struct kubeconfig *kc = load("missing_refs.yaml");
    assert_non_null(kc);
    assert_null(resolve(kc, "prod"));
    assert_file_error("missing_refs.yaml", 10, "context \"prod\" refers to unknown cluster \"x\"");
    assert_null(resolve(kc, "ghost-user"));
    assert_file_error("missing_refs.yaml", 14,
                      "context \"ghost-user\" refers to unknown user \"ghost\"");
    assert_null(resolve(kc, "no-cluster"));
    assert_file_error("missing_refs.yaml", 18, "context \"no-cluster\" has no cluster");
    assert_null(resolve(kc, NULL)); /* current-context: nowhere */
    assert_string_equal(err, "context \"nowhere\" does not exist");
    kubeconfig_free(kc);
}

static void kubeconfig_validates_like_kubectl(void **state) {
    (void)state;
    struct kubeconfig *kc = load("conflicts.yaml");
    assert_non_null(kc);
    assert_null(resolve(kc, "no-server"));
    assert_file_error("conflicts.yaml", 2, "cluster \"no-server\" has no server");
    assert_null(resolve(kc, "insecure-with-ca"));
    assert_file_error("conflicts.yaml", 5, "insecure-skip-tls-verify cannot be combined");
    assert_null(resolve(kc, "token-and-basic"));
    assert_file_error("conflicts.yaml", 18, "more than one authentication method");
    assert_null(resolve(kc, "cert-no-key"));
    assert_file_error("conflicts.yaml", 23, "has a client certificate but no client-key");
    assert_null(resolve(kc, "missing-ca"));
    assert_file_error("conflicts.yaml", 13, "cannot read certificate-authority \"");
    assert_non_null(strstr(err, "certs/missing.crt\": No such file or directory"));
    kubeconfig_free(kc);
}

static void kubeconfig_shows_home_as_tilde(void **state) {
    (void)state;
    char *home = fx("");
    char *abs_home = NULL;
    if (home[0] != '/') {
        char cwd[4096];
        assert_non_null(getcwd(cwd, sizeof cwd));
        abs_home = xasprintf("%s/%s", cwd, home);
    } else {
        abs_home = xstrdup(home);
    }
    abs_home[strlen(abs_home) - 1] = '\0'; /* no trailing '/' */
    setenv("HOME", abs_home, 1);
    char *path = xasprintf("%s/wrong_type_top.yaml", abs_home);
    assert_null(kubeconfig_load(path, err, sizeof err));
    assert_string_equal(err, "~/wrong_type_top.yaml:1: expected a mapping at the top level");
    free(path);
    free(abs_home);
    free(home);
}

static void kubeconfig_errors_never_contain_a_secret(void **state) {
    (void)state;
    const char *broken[] = {"broken_syntax.yaml",       "unterminated.yaml",
                            "wrong_type_clusters.yaml", "wrong_type_server.yaml",
                            "wrong_type_token.yaml",    "bad_base64.yaml",
                            "bad_key_data.yaml"};
    for (size_t i = 0; i < sizeof broken / sizeof broken[0]; i++) {
        assert_null(load(broken[i]));
        assert_true(strlen(err) > 0);
        if (strstr(err, "s3cr3t") || strstr(err, "T0KEN"))
            fail_msg("%s: secret in \"%s\"", broken[i], err);
    }
    struct kubeconfig *kc = load("conflicts.yaml");
    for (size_t i = 0; i < kubeconfig_context_count(kc); i++) {
        assert_null(resolve(kc, kubeconfig_context_name(kc, i)));
        if (strstr(err, "s3cr3t") || strstr(err, "T0KEN"))
            fail_msg("secret in \"%s\"", err);
    }
    kubeconfig_free(kc);
    kc = load("missing_refs.yaml");
    for (size_t i = 0; i < kubeconfig_context_count(kc); i++) {
        assert_null(resolve(kc, kubeconfig_context_name(kc, i)));
        assert_null(strstr(err, "s3cr3t"));
    }
    kubeconfig_free(kc);
}

/* Found by fuzzing: an item whose second name: is not a string failed after the first
 * name had been read, and that first name leaked (ASan reports it). */
static void kubeconfig_item_with_two_names_fails_without_a_leak(void **state) {
    (void)state;
    assert_null(load("two_names.yaml"));
    assert_non_null(strstr(err, "two_names.yaml:3: expected a string for \"name\""));
}

/* From memory with the environment passed in (what the fuzzer uses): the same parse, the
 * file named with the given home as ~, and nothing read past len. */
static void kubeconfig_loads_from_a_buffer_with_its_environment(void **state) {
    (void)state;
    static const char text[] = "clusters:\n- name: a\n  cluster: {server: https://a:6443}\n"
                               "contexts:\n- name: c\n  context: {cluster: a}\n"
                               "current-context: c\n";
    struct kubeconfig_env env = {NULL, "/home/sre"};
    char *copy = xmalloc(sizeof text - 1); /* no NUL after the text */
    memcpy(copy, text, sizeof text - 1);
    struct kubeconfig *kc =
        kubeconfig_load_buffer(copy, sizeof text - 1, "/home/sre/.kube/config", &env, err,
                               sizeof err);
    assert_non_null(kc);
    assert_string_equal(kubeconfig_current_context(kc), "c");
    assert_string_equal(kubeconfig_file(kc, 0), "~/.kube/config");
    kubeconfig_free(kc);
    static const char two[] = "clusters:\n- name: a\n  name: {}\n";
    assert_null(kubeconfig_load_buffer(two, sizeof two - 1, "/home/sre/kc", &env, err, sizeof err));
    assert_string_equal(err, "~/kc:3: expected a string for \"name\"");
    free(copy);
}

/* The resolved context of one kubeconfig text (owned), for kubeconfig_context_same_access. */
static struct kubeconfig_context *resolve_text(const char *text) {
    struct kubeconfig_env env = {NULL, "/home/sre"};
    struct kubeconfig *kc =
        kubeconfig_load_buffer(text, strlen(text), "/home/sre/.kube/config", &env, err, sizeof err);
    assert_non_null(kc);
    struct kubeconfig_context *c = kubeconfig_resolve(kc, NULL, err, sizeof err);
    assert_non_null(c);
    kubeconfig_free(kc);
    return c;
}

#define KC_TEXT(server, token, ns)                                                                 \
    "clusters:\n- name: a\n  cluster: {server: '" server "'}\n"                                    \
    "users:\n- name: u\n  user: {token: " token "}\n"                                              \
    "contexts:\n- name: c\n  context: {cluster: a, user: u, namespace: " ns "}\n"                  \
    "current-context: c\n"

/* Ctrl-R restarts a context only when what reaches its API server changed: a rotated token,
 * another server or namespace; the same text again is the same. */
static void kubeconfig_same_access_sees_rotated_tokens_and_moved_servers(void **state) {
    (void)state;
    struct kubeconfig_context *a = resolve_text(KC_TEXT("https://a:6443", "t1", "flink"));
    struct kubeconfig_context *same = resolve_text(KC_TEXT("https://a:6443", "t1", "flink"));
    struct kubeconfig_context *rotated = resolve_text(KC_TEXT("https://a:6443", "t2", "flink"));
    struct kubeconfig_context *moved = resolve_text(KC_TEXT("https://b:6443", "t1", "flink"));
    struct kubeconfig_context *ns = resolve_text(KC_TEXT("https://a:6443", "t1", "other"));
    assert_true(kubeconfig_context_same_access(a, same));
    assert_false(kubeconfig_context_same_access(a, rotated));
    assert_false(kubeconfig_context_same_access(a, moved));
    assert_false(kubeconfig_context_same_access(a, ns));
    kubeconfig_context_free(a);
    kubeconfig_context_free(same);
    kubeconfig_context_free(rotated);
    kubeconfig_context_free(moved);
    kubeconfig_context_free(ns);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(kubeconfig_loads_one_file, setup, teardown),
        cmocka_unit_test(kubeconfig_same_access_sees_rotated_tokens_and_moved_servers),
        cmocka_unit_test_setup_teardown(kubeconfig_merges_two_files, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_skips_empty_and_missing_entries, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_defaults_to_home, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_explicit_file_overrides_env, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_decodes_data_and_resolves_files, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_token_and_token_file, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_parses_exec_v1_and_v1beta1, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_rejects_exec_as_kubectl_does, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_broken_yaml_names_file_and_line, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_wrong_types_name_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_bad_base64_names_file_and_line, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_context_with_missing_user_or_cluster, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_validates_like_kubectl, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_shows_home_as_tilde, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_errors_never_contain_a_secret, setup, teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_item_with_two_names_fails_without_a_leak, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(kubeconfig_loads_from_a_buffer_with_its_environment, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
