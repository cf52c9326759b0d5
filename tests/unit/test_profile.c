/* Configuration profiles: every shipped profile loads and says what it is for; nested
 * keys flatten, null removes; bad files name file:line; the diff against a resource's
 * flinkConfiguration (added, changed, removed, in that order) and the merge-patch that
 * applies it, at the nested place when the resource keeps the key nested. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8s_model.h"
#include "profile.h"
#include "xalloc.h"

static char err[4096];

/* a mutable string, for the char * fields of struct flink_conf_entry */
#define S(text) ((char[]){text})

static char *fixture(const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || dir[0] == '\0')
        dir = "tests/fixtures";
    return xasprintf("%s/profiles/%s", dir, name);
}

static const char *value_of(const struct profile *p, const char *key, bool *found) {
    for (size_t i = 0; i < p->len; i++) {
        if (strcmp(p->items[i].key, key) == 0) {
            *found = true;
            return p->items[i].value;
        }
    }
    *found = false;
    return NULL;
}

static void test_every_shipped_profile_loads(void **state) {
    (void)state;
    static const char *const want[] = {
        "batch-large",
        "batch-small",
        "high-throughput",
        "low-latency",
        "memory-intensive",
        "rocksdb-balanced",
        "rocksdb-read-heavy",
        "rocksdb-write-heavy",
        "streaming-high-volume",
        "streaming-low-volume",
        "streaming-medium-volume",
    };
    const char *dirs[] = {"config/profiles"};
    struct profile_names l;
    profile_list(dirs, 1, &l);
    assert_int_equal(l.len, sizeof want / sizeof want[0]);
    for (size_t i = 0; i < l.len; i++) {
        assert_string_equal(l.names[i], want[i]); /* sorted by name */
        struct profile p;
        if (profile_load(l.paths[i], &p, err, sizeof err) != 0)
            fail_msg("%s: %s", l.paths[i], err);
        assert_string_equal(p.name, want[i]);
        assert_true(strlen(p.description) > 20); /* the comment line says what it is for */
        assert_true(p.len >= 5);
        for (size_t j = 0; j < p.len; j++) {
            assert_non_null(p.items[j].value);
            assert_non_null(strchr(p.items[j].key, '.')); /* a real Flink key */
        }
        profile_free(&p);
    }
    profile_names_free(&l);
}

static void test_rocksdb_profiles_select_rocksdb(void **state) {
    (void)state;
    const char *names[] = {"rocksdb-read-heavy", "rocksdb-write-heavy", "rocksdb-balanced"};
    for (size_t i = 0; i < 3; i++) {
        char *path = xasprintf("config/profiles/%s.yaml", names[i]);
        struct profile p;
        assert_int_equal(profile_load(path, &p, err, sizeof err), 0);
        bool found;
        assert_string_equal(value_of(&p, "state.backend.type", &found), "rocksdb");
        size_t rocks = 0;
        for (size_t j = 0; j < p.len; j++)
            rocks += strncmp(p.items[j].key, "state.backend.rocksdb.", 22) == 0;
        assert_true(rocks >= 3);
        profile_free(&p);
        free(path);
    }
}

static void test_nested_keys_flatten_and_null_removes(void **state) {
    (void)state;
    char *path = fixture("nested.yaml");
    struct profile p;
    assert_int_equal(profile_load(path, &p, err, sizeof err), 0);
    assert_string_equal(p.name, "nested");
    assert_string_equal(p.description, "Nested maps are flattened; null removes a key.");
    assert_int_equal(p.len, 6);
    bool found;
    assert_string_equal(value_of(&p, "taskmanager.numberOfTaskSlots", &found), "4");
    assert_string_equal(value_of(&p, "taskmanager.memory.process.size", &found), "4g");
    assert_string_equal(value_of(&p, "pipeline.object-reuse", &found), "true");
    assert_null(value_of(&p, "state.backend.incremental", &found));
    assert_true(found);
    assert_null(value_of(&p, "metrics.reporter.prom.port", &found));
    assert_true(found);
    assert_int_equal(p.items[1].line, 6); /* taskmanager.numberOfTaskSlots */
    profile_free(&p);
    free(path);
}

/* Loading name fails with an error line that starts with the path and then rest. */
static void expect_error(const char *name, const char *rest) {
    char *path = fixture(name);
    struct profile p;
    assert_int_equal(profile_load(path, &p, err, sizeof err), -1);
    profile_free(&p);
    char *want = xasprintf("%s:%s", path, rest);
    if (strstr(err, want) == NULL)
        fail_msg("want\n  %s\ngot\n  %s", want, err);
    free(want);
    free(path);
}

static void test_bad_profiles_name_file_and_line(void **state) {
    (void)state;
    expect_error("list-value.yaml", "3: state.checkpoints.dirs: expected a value, got a list");
    expect_error("empty.yaml", "1: no configuration keys");
    expect_error("duplicate.yaml", "5: key state.backend.type is given twice (first at line 2)");
    expect_error("not-a-map.yaml", "1: expected a map of Flink configuration keys");
    expect_error("blank-key.yaml", "3: a key must be a Flink configuration key without blanks");
    expect_error("syntax.yaml", ""); /* libyaml's line, a digit after the name */
    const char *at = strstr(err, "syntax.yaml:");
    assert_non_null(at);
    assert_true(at[12] >= '1' && at[12] <= '9');
    assert_non_null(strstr(err, "YAML syntax error"));
}

static void test_missing_profile_is_an_error_not_a_crash(void **state) {
    (void)state;
    struct profile p;
    assert_int_equal(profile_load("tests/fixtures/profiles/nope.yaml", &p, err, sizeof err), -1);
    assert_non_null(strstr(err, "nope.yaml"));
    profile_free(&p);
}

static void write_file(const char *path, const char *text) {
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void test_list_first_directory_wins_and_odd_names_are_skipped(void **state) {
    (void)state;
    char tmpl[] = "/tmp/flinktop-profile-XXXXXX";
    char *root = mkdtemp(tmpl);
    assert_non_null(root);
    char *a = xasprintf("%s/a", root), *b = xasprintf("%s/b", root);
    assert_int_equal(mkdir(a, 0700), 0);
    assert_int_equal(mkdir(b, 0700), 0);
    const char *files[][2] = {{a, "mine.yaml"},    {b, "mine.yaml"}, {b, "other.yaml"},
                              {b, ".hidden.yaml"}, {b, "notes.txt"}, {b, "bad name.yaml"}};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = xasprintf("%s/%s", files[i][0], files[i][1]);
        write_file(p, "x.y: \"1\"\n");
        free(p);
    }
    char *missing = xasprintf("%s/missing", root);
    const char *dirs[] = {missing, a, b};
    struct profile_names l;
    profile_list(dirs, 3, &l);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.names[0], "mine");
    char *want = xasprintf("%s/mine.yaml", a);
    assert_string_equal(l.paths[0], want);
    assert_string_equal(l.names[1], "other");
    profile_names_free(&l);
    assert_false(profile_name_valid("../etc/passwd"));
    assert_false(profile_name_valid(""));
    assert_true(profile_name_valid("rocksdb-balanced"));

    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = xasprintf("%s/%s", files[i][0], files[i][1]);
        unlink(p);
        free(p);
    }
    rmdir(a);
    rmdir(b);
    rmdir(root);
    free(a);
    free(b);
    free(missing);
    free(want);
}

static const struct flink_conf_entry current[] = {
    {S("state.backend.type"), S("hashmap")},
    {S("taskmanager.numberOfTaskSlots"), S("4")},
    {S("state.backend.incremental"), S("false")},
    {S("high-availability.type"), S("kubernetes")},
};

static void load_nested(struct profile *p) {
    char *path = fixture("nested.yaml");
    assert_int_equal(profile_load(path, p, err, sizeof err), 0);
    free(path);
}

static void test_diff_lists_added_changed_removed(void **state) {
    (void)state;
    struct profile p;
    load_nested(&p);
    struct profile_diff d;
    profile_diff(&p, current, 4, &d);
    assert_string_equal(d.profile, "nested");
    assert_int_equal(d.added, 2);   /* memory.process.size, object-reuse */
    assert_int_equal(d.changed, 1); /* state.backend.type */
    assert_int_equal(d.removed, 1); /* state.backend.incremental */
    /* numberOfTaskSlots is the same; prom.port is removed but absent: nothing to do */
    assert_int_equal(d.unchanged, 2);
    assert_int_equal(d.len, 4);
    assert_int_equal(d.items[0].kind, PROFILE_ADDED);
    assert_string_equal(d.items[0].key, "taskmanager.memory.process.size");
    assert_null(d.items[0].old_value);
    assert_string_equal(d.items[0].new_value, "4g");
    assert_int_equal(d.items[1].kind, PROFILE_ADDED);
    assert_string_equal(d.items[1].key, "pipeline.object-reuse");
    assert_int_equal(d.items[2].kind, PROFILE_CHANGED);
    assert_string_equal(d.items[2].key, "state.backend.type");
    assert_string_equal(d.items[2].old_value, "hashmap");
    assert_string_equal(d.items[2].new_value, "rocksdb");
    assert_int_equal(d.items[3].kind, PROFILE_REMOVED);
    assert_string_equal(d.items[3].key, "state.backend.incremental");
    assert_string_equal(d.items[3].old_value, "false");
    assert_null(d.items[3].new_value);

    /* keys the profile does not mention (high-availability.type) are left alone */
    char *body = profile_patch_body(&d, "4711", NULL);
    assert_string_equal(body, "{\"metadata\":{\"resourceVersion\":\"4711\"},\"spec\":{"
                              "\"flinkConfiguration\":{\"taskmanager.memory.process.size\":"
                              "\"4g\",\"pipeline.object-reuse\":\"true\",\"state.backend.type\":"
                              "\"rocksdb\",\"state.backend.incremental\":null}}}");
    free(body);
    profile_diff_free(&d);
    profile_free(&p);
}

static void test_patch_follows_nested_configuration(void **state) {
    (void)state;
    /* operator >= 1.13 keeps flinkConfiguration as nested YAML */
    cJSON *raw = cJSON_Parse("{\"state\":{\"backend\":{\"type\":\"hashmap\",\"incremental\":"
                             "false}},\"taskmanager.numberOfTaskSlots\":\"4\"}");
    assert_non_null(raw);
    const struct flink_conf_entry cur[] = {
        {S("state.backend.type"), S("hashmap")},
        {S("state.backend.incremental"), S("false")},
        {S("taskmanager.numberOfTaskSlots"), S("4")},
    };
    struct profile p;
    load_nested(&p);
    struct profile_diff d;
    profile_diff(&p, cur, 3, &d);
    char *body = profile_patch_body(&d, "12", raw);
    assert_string_equal(body, "{\"metadata\":{\"resourceVersion\":\"12\"},\"spec\":{"
                              "\"flinkConfiguration\":{\"taskmanager.memory.process.size\":"
                              "\"4g\",\"pipeline.object-reuse\":\"true\",\"state\":{\"backend\":{"
                              "\"type\":\"rocksdb\",\"incremental\":null}}}}}");
    free(body);
    profile_diff_free(&d);
    profile_free(&p);
    cJSON_Delete(raw);
}

static void test_profile_equal_to_resource_changes_nothing(void **state) {
    (void)state;
    const char *text = "a.b: \"1\"\nc.d: 2\n";
    struct profile p;
    assert_int_equal(profile_load_string(text, strlen(text), "same.yaml", &p, err, sizeof err), 0);
    assert_string_equal(p.description, "");
    const struct flink_conf_entry cur[] = {{S("a.b"), S("1")}, {S("c.d"), S("2")}};
    struct profile_diff d;
    profile_diff(&p, cur, 2, &d);
    assert_int_equal(d.len, 0);
    assert_int_equal(d.unchanged, 2);
    profile_diff_free(&d);
    profile_free(&p);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_shipped_profile_loads),
        cmocka_unit_test(test_rocksdb_profiles_select_rocksdb),
        cmocka_unit_test(test_nested_keys_flatten_and_null_removes),
        cmocka_unit_test(test_bad_profiles_name_file_and_line),
        cmocka_unit_test(test_missing_profile_is_an_error_not_a_crash),
        cmocka_unit_test(test_list_first_directory_wins_and_odd_names_are_skipped),
        cmocka_unit_test(test_diff_lists_added_changed_removed),
        cmocka_unit_test(test_patch_follows_nested_configuration),
        cmocka_unit_test(test_profile_equal_to_resource_changes_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
