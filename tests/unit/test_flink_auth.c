/* Flink REST credentials from the config: files read and trimmed, the URL shown with
 * user:***, plain http with a credential refused unless insecure, no secret in errors. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "flink_auth.h"
#include "http_trust.h"
#include "xalloc.h"

static char err[256];

static char *write_tmp(const char *text) {
    char *path = xstrdup("/tmp/flinktop-auth-XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

static void token_file_is_read_trimmed_and_sent_as_bearer(void **state) {
    (void)state;
    char *path = write_tmp("  t0ken-abc\n");
    struct flink_auth_source s = {0};
    s.url = "https://flink:8443";
    s.token_file = path;
    struct flink_auth *a = NULL;
    assert_int_equal(flink_auth_new(&s, &a, err, sizeof err), 0);
    assert_non_null(a);
    assert_string_equal(a->tls.bearer, "t0ken-abc");
    assert_string_equal(a->shown_url, "https://flink:8443");
    assert_int_equal(http_trust_of(&a->tls), HTTP_TRUST_VERIFIED);
    flink_auth_free(a);
    unlink(path);
    free(path);
}

static void basic_auth_shows_the_user_never_the_password(void **state) {
    (void)state;
    struct flink_auth_source s = {0};
    s.url = "http://flink:8081/base";
    s.username = "sre";
    s.password = "s3cr3t";
    s.insecure = true;
    struct flink_auth *a = NULL;
    assert_int_equal(flink_auth_new(&s, &a, err, sizeof err), 0);
    assert_string_equal(a->shown_url, "http://sre:***@flink:8081/base");
    assert_string_equal(a->tls.username, "sre");
    assert_string_equal(a->tls.password, "s3cr3t");
    assert_int_equal(http_trust_of(&a->tls), HTTP_TRUST_INSECURE_CREDENTIAL);
    flink_auth_free(a);
}

static void credentials_over_plain_http_are_refused_without_insecure(void **state) {
    (void)state;
    struct flink_auth_source s = {0};
    s.url = "http://flink:8081";
    s.username = "sre";
    s.password = "s3cr3t";
    struct flink_auth *a = NULL;
    assert_int_equal(flink_auth_new(&s, &a, err, sizeof err), -1);
    assert_null(a);
    assert_non_null(strstr(err, "plain http"));
    assert_null(strstr(err, "s3cr3t"));
}

static void nothing_to_do_gives_no_auth_and_a_missing_file_an_error(void **state) {
    (void)state;
    struct flink_auth_source s = {0};
    s.url = "http://flink:8081";
    struct flink_auth *a = NULL;
    assert_int_equal(flink_auth_new(&s, &a, err, sizeof err), 0);
    assert_null(a);
    s.url = "https://flink:8443";
    s.token_file = "/nonexistent/flink.token";
    assert_int_equal(flink_auth_new(&s, &a, err, sizeof err), -1);
    assert_string_equal(err,
                        "cannot read token_file \"/nonexistent/flink.token\": No such file or directory");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(token_file_is_read_trimmed_and_sent_as_bearer),
        cmocka_unit_test(basic_auth_shows_the_user_never_the_password),
        cmocka_unit_test(credentials_over_plain_http_are_refused_without_insecure),
        cmocka_unit_test(nothing_to_do_gives_no_auth_and_a_missing_file_an_error),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
