/* The audit log: created with its directories (0700) and mode 0600, a wider mode
 * narrowed; one JSON line per entry with every field; never a credential, wherever one
 * hides (result text, parameters, a URL); an unwritable place is a line, not a crash. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "audit.h"
#include "xalloc.h"

#define TOKEN "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.eyJzdWIiOiJzcmUifQ.c2lnbmF0dXJlLXNpZw"

static char err[512];
static char root[64];

static int setup(void **state) {
    (void)state;
    snprintf(root, sizeof root, "/tmp/flinktop-audit-XXXXXX");
    return mkdtemp(root) ? 0 : -1;
}

/* Remove a test's own temporary tree (no shell, no nftw). */
static void rm_tree(const char *path) {
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        const struct dirent *e;
        while (d && (e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *sub = xasprintf("%s/%s", path, e->d_name);
            rm_tree(sub);
            free(sub);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

static int teardown(void **state) {
    (void)state;
    rm_tree(root);
    return 0;
}

static char *read_all(const char *path) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = xcalloc(1, 1 << 16);
    size_t n = fread(buf, 1, (1 << 16) - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static struct audit_entry entry(void) {
    struct audit_entry e;
    memset(&e, 0, sizeof e);
    e.time_ms = 1714567890123LL;
    e.context = "prod";
    e.ns = "flink-prod";
    e.cluster = "orders-etl";
    e.job_name = "Orders ETL";
    e.job_id = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    e.action = "savepoint";
    e.params = "{\"targetDirectory\":\"s3://sp/prod\"}";
    e.request_id = "5e8f4c1d2b3a49687f0e1d2c3b4a5968";
    e.phase = "succeeded";
    e.result = "savepoint at s3://sp/prod/savepoint-0a1b2c";
    return e;
}

static void test_creates_dirs_0700_and_file_0600(void **state) {
    (void)state;
    char *path = xasprintf("%s/state/flinktop/audit.log", root);
    mode_t old = umask(0); /* even with a permissive umask */
    struct audit *a = audit_open(path, err, sizeof err);
    umask(old);
    assert_non_null(a);
    assert_string_equal(audit_path(a), path);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    char *dir = xasprintf("%s/state/flinktop", root);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    struct audit_entry e = entry();
    assert_int_equal(audit_write(a, &e, err, sizeof err), 0);
    assert_int_equal(audit_write(a, &e, err, sizeof err), 0);
    char *text = read_all(path);
    size_t lines = 0;
    for (const char *p = text; *p; p++)
        lines += *p == '\n';
    assert_int_equal(lines, 2); /* appended, one line each */
    free(text);
    audit_close(a);
    free(dir);
    free(path);
}

static void test_existing_wide_file_is_narrowed_never_widened(void **state) {
    (void)state;
    char *path = xasprintf("%s/audit.log", root);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    assert_true(fd >= 0);
    assert_int_equal(fchmod(fd, 0644), 0);
    close(fd);
    struct audit *a = audit_open(path, err, sizeof err);
    assert_non_null(a);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    audit_close(a);
    assert_int_equal(chmod(path, 0400 | 0200), 0);
    a = audit_open(path, err, sizeof err);
    assert_non_null(a);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    audit_close(a);
    free(path);
}

static void test_line_has_every_field(void **state) {
    (void)state;
    struct audit_entry e = entry();
    char *line = audit_format(&e, "sre");
    assert_string_equal(
        line, "{\"time\":\"2024-05-01T12:51:30.123Z\",\"user\":\"sre\",\"context\":\"prod\","
              "\"namespace\":\"flink-prod\",\"cluster\":\"orders-etl\",\"job\":\"Orders ETL\","
              "\"job_id\":\"0a1b2c3d4e5f60718293a4b5c6d7e8f9\",\"action\":\"savepoint\","
              "\"parameters\":{\"targetDirectory\":\"s3://sp/prod\"},\"request_id\":"
              "\"5e8f4c1d2b3a49687f0e1d2c3b4a5968\",\"phase\":\"succeeded\",\"result\":"
              "\"savepoint at s3://sp/prod/savepoint-0a1b2c\"}");
    free(line);

    /* a plain cluster's request: no context, namespace, params or id */
    memset(&e, 0, sizeof e);
    e.time_ms = 1714567890001LL;
    e.cluster = "staging";
    e.action = "cancel";
    e.phase = "requested";
    line = audit_format(&e, NULL);
    assert_string_equal(line, "{\"time\":\"2024-05-01T12:51:30.001Z\",\"user\":\"unknown\","
                              "\"cluster\":\"staging\",\"action\":\"cancel\",\"parameters\":{},"
                              "\"phase\":\"requested\"}");
    free(line);
}

static void test_no_token_reaches_the_file(void **state) {
    (void)state;
    char *path = xasprintf("%s/audit.log", root);
    struct audit *a = audit_open(path, err, sizeof err);
    assert_non_null(a);
    struct audit_entry e = entry();
    e.phase = "failed";
    e.result = "unauthorized (401): header was Authorization: Bearer " TOKEN " for user";
    e.params = "{\"token\":\"s3cr3t-value\",\"targetDirectory\":\"s3://AKIAXYZ:wJalrXUtn@bucket/"
               "sp\",\"nested\":{\"password\":\"hunter2\",\"note\":\"id_token=" TOKEN "\"}}";
    e.request_id = "Bearer abc.def.ghi";
    assert_int_equal(audit_write(a, &e, err, sizeof err), 0);
    char *text = read_all(path);
    assert_null(strstr(text, TOKEN));
    assert_null(strstr(text, "eyJ"));
    assert_null(strstr(text, "s3cr3t"));
    assert_null(strstr(text, "hunter2"));
    assert_null(strstr(text, "wJalrXUtn"));
    assert_null(strstr(text, "abc.def"));
    /* and it is still one line of JSON that says what happened */
    cJSON *j = cJSON_Parse(text);
    assert_non_null(j);
    assert_string_equal(cJSON_GetObjectItem(j, "result")->valuestring,
                        "unauthorized (401): header was Authorization: Bearer [redacted] for user");
    const cJSON *params = cJSON_GetObjectItem(j, "parameters");
    assert_string_equal(cJSON_GetObjectItem(params, "token")->valuestring, "[redacted]");
    assert_string_equal(cJSON_GetObjectItem(params, "targetDirectory")->valuestring,
                        "s3://[redacted]@bucket/sp");
    cJSON_Delete(j);
    free(text);
    audit_close(a);
    free(path);
}

static void test_scrub_keeps_ordinary_text(void **state) {
    (void)state;
    const char *keep[] = {
        "savepoint at s3://sp/prod/savepoint-0a1b2c-5d6e7f8a9b0c",
        "conflict (409): the object has been modified",
        "Rescale job 订单 to parallelism 8",
        "state.backend.type: rocksdb",
    };
    for (size_t i = 0; i < sizeof keep / sizeof keep[0]; i++) {
        char *s = audit_scrub(keep[i]);
        assert_string_equal(s, keep[i]);
        free(s);
    }
    char *s = audit_scrub("password=hunter2; api_key: \"k-123\" \x1b[2Jok");
    assert_string_equal(s, "password=[redacted]; api_key: \"[redacted]\" ok");
    free(s);
    s = audit_scrub("basic dXNlcjpwYXNz");
    assert_string_equal(s, "basic [redacted]");
    free(s);
    assert_null(audit_scrub(NULL));
    char *big = xmalloc(10000);
    memset(big, 'x', 9999);
    big[9999] = '\0';
    s = audit_scrub(big);
    assert_true(strlen(s) <= AUDIT_TEXT_MAX + 3);
    free(s);
    free(big);
}

static void test_unwritable_place_is_a_line_not_a_crash(void **state) {
    (void)state;
    char *blocker = xasprintf("%s/file", root);
    FILE *f = fopen(blocker, "w");
    assert_non_null(f);
    fclose(f);
    char *path = xasprintf("%s/file/audit.log", root); /* a file where a directory belongs */
    assert_null(audit_open(path, err, sizeof err));
    assert_non_null(strstr(err, "audit log"));
    assert_non_null(strstr(err, "file"));
    assert_null(audit_open(NULL, err, sizeof err));
    assert_non_null(strstr(err, "no audit log"));
    struct audit_entry e = entry();
    assert_int_equal(audit_write(NULL, &e, err, sizeof err), -1);

    /* a symbolic link in the log's place is refused, not followed */
    char *link = xasprintf("%s/link.log", root);
    assert_int_equal(symlink(blocker, link), 0);
    assert_null(audit_open(link, err, sizeof err));
    assert_non_null(strstr(err, "symbolic link"));
    free(link);
    free(path);
    free(blocker);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_creates_dirs_0700_and_file_0600, setup, teardown),
        cmocka_unit_test_setup_teardown(test_existing_wide_file_is_narrowed_never_widened, setup,
                                        teardown),
        cmocka_unit_test(test_line_has_every_field),
        cmocka_unit_test_setup_teardown(test_no_token_reaches_the_file, setup, teardown),
        cmocka_unit_test(test_scrub_keeps_ordinary_text),
        cmocka_unit_test_setup_teardown(test_unwritable_place_is_a_line_not_a_crash, setup,
                                        teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
