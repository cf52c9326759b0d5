/* Config and kubeconfig files that others may change or read: refused when they name
 * something flinktop runs or reads a credential from, else warned about, each with the
 * chmod that fixes it; and through kubeconfig_load on real files. */
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

#include "file_mode.h"
#include "kubeconfig.h"
#include "xalloc.h"

static char warn[512], err[512];

static void group_or_other_writable_with_an_exec_plugin_is_refused(void **state) {
    (void)state;
    struct file_mode_content code = {true, false};
    assert_int_equal(file_mode_check(S_IFREG | 0666, "~/.kube/config", &code, warn, sizeof warn,
                                     err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "~/.kube/config is writable by others"));
    assert_non_null(strstr(err, "chmod go-w ~/.kube/config"));
    assert_int_equal(file_mode_check(S_IFREG | 0620, "k", &code, warn, sizeof warn, err,
                                     sizeof err),
                     -1);
    assert_non_null(strstr(err, "writable by group"));
}

static void writable_without_code_and_readable_secrets_are_warned_about(void **state) {
    (void)state;
    struct file_mode_content plain = {false, false}, secret = {false, true};
    assert_int_equal(file_mode_check(S_IFREG | 0646, "c.yaml", &plain, warn, sizeof warn, err,
                                     sizeof err),
                     0);
    assert_string_equal(warn, "c.yaml is writable by others (fix: chmod go-w c.yaml)");
    assert_int_equal(file_mode_check(S_IFREG | 0644, "c.yaml", &secret, warn, sizeof warn, err,
                                     sizeof err),
                     0);
    assert_string_equal(warn,
                        "c.yaml holds a token or key and is readable by others (fix: chmod o-r c.yaml)");
    /* the usual modes: not a word */
    assert_int_equal(file_mode_check(S_IFREG | 0600, "c", &secret, warn, sizeof warn, err,
                                     sizeof err),
                     0);
    assert_string_equal(warn, "");
    assert_int_equal(file_mode_check(S_IFREG | 0644, "c", &plain, warn, sizeof warn, err,
                                     sizeof err),
                     0);
    assert_string_equal(warn, "");
}

static char *write_kubeconfig(const char *text, mode_t mode) {
    char *path = xstrdup("/tmp/flinktop-kc-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    assert_int_equal(chmod(path, mode), 0);
    return path;
}

static void kubeconfig_load_refuses_or_warns_by_mode(void **state) {
    (void)state;
    static const char exec[] = "users:\n- name: u\n  user:\n    exec:\n"
                               "      apiVersion: client.authentication.k8s.io/v1\n"
                               "      command: /bin/true\n";
    char *path = write_kubeconfig(exec, 0666);
    assert_null(kubeconfig_load(path, err, sizeof err));
    assert_non_null(strstr(err, "names an exec plugin or a token file"));
    assert_non_null(strstr(err, "chmod go-w"));
    unlink(path);
    free(path);

    static const char token[] = "users:\n- name: u\n  user:\n    token: abc\n";
    path = write_kubeconfig(token, 0644);
    struct kubeconfig *kc = kubeconfig_load(path, err, sizeof err);
    assert_non_null(kc);
    assert_int_equal(kubeconfig_warning_count(kc), 1);
    assert_non_null(strstr(kubeconfig_warning(kc, 0), "readable by others (fix: chmod o-r"));
    kubeconfig_free(kc);
    assert_int_equal(chmod(path, 0600), 0);
    kc = kubeconfig_load(path, err, sizeof err);
    assert_int_equal(kubeconfig_warning_count(kc), 0);
    kubeconfig_free(kc);
    unlink(path);
    free(path);
}

int main(void) {
    umask(022);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(group_or_other_writable_with_an_exec_plugin_is_refused),
        cmocka_unit_test(writable_without_code_and_readable_secrets_are_warned_about),
        cmocka_unit_test(kubeconfig_load_refuses_or_warns_by_mode),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
