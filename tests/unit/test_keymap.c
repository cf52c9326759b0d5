/* The keymap: the defaults of DESIGN.md §4, every request with an action name, and the
 * config's `keys:` laid over them (an action's keys replace its defaults, a key taken
 * from another action moves, unknown actions refused), then back to the defaults. The
 * overrides go through config_load_string, as a user's file would. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <string.h>

#include "config.h"
#include "keymap.h"

static char err[1024];

/* Load `keys:` YAML into c (known_actions from the keymap) and apply it; returns
 * keymap_apply's result. c is freed. */
static int apply_yaml(const char *yaml) {
    struct config c;
    config_init(&c);
    c.known_actions = keymap_action_names(&c.n_known_actions);
    assert_int_equal(config_load_string(yaml, strlen(yaml), "keys.yaml", &c, err, sizeof err), 0);
    int rc = keymap_apply(c.keys, c.n_keys, err, sizeof err);
    config_free(&c);
    return rc;
}

static int reset(void **state) {
    (void)state;
    keymap_reset();
    return 0;
}

static void defaults_follow_the_design(void **state) {
    (void)state;
    assert_int_equal(keymap_request(':', true), REQ_COMMAND);
    assert_int_equal(keymap_request('o', true), REQ_OPERATIONS);
    assert_int_equal(keymap_request(18, true), REQ_RELOAD); /* Ctrl-R */
    assert_int_equal(keymap_request('s', true), REQ_SAVEPOINT);
    assert_int_equal(keymap_request('S', true), REQ_STOP);
    assert_int_equal(keymap_request('C', true), REQ_CANCEL);
    assert_int_equal(keymap_request('r', true), REQ_RESCALE);
    assert_int_equal(keymap_request('R', true), REQ_RESTART);
    assert_int_equal(keymap_request('D', true), REQ_REDEPLOY);
    assert_int_equal(keymap_request('P', true), REQ_PROFILE);
    assert_int_equal(keymap_request('?', true), REQ_HELP);
    assert_int_equal(keymap_request(KEY_F(1), false), REQ_HELP);
    assert_int_equal(keymap_request('\r', true), REQ_OPEN);
    assert_int_equal(keymap_request(KEY_ENTER, false), REQ_OPEN);
    /* the same number as a character and as a KEY_* code are different keys */
    assert_int_equal(keymap_request('x', true), REQ_NONE);
    char buf[64];
    assert_string_equal(keymap_keys(REQ_HELP, buf, sizeof buf), "? F1");
    assert_string_equal(keymap_keys(REQ_OPEN, buf, sizeof buf), "Enter"); /* aliases unlisted */
    assert_string_equal(keymap_keys(REQ_RELOAD, buf, sizeof buf), "Ctrl-R");
}

static void every_request_has_a_unique_action_name(void **state) {
    (void)state;
    size_t n;
    const char *const *names = keymap_action_names(&n);
    assert_int_equal(n, REQ_COUNT - 1);
    for (int r = REQ_NONE + 1; r < REQ_COUNT; r++) {
        const char *name = keymap_name((enum request)r);
        assert_true(name[0] != '\0');
        assert_int_equal(keymap_action(name), r);
        assert_true(keymap_help((enum request)r)[0] != '\0');
        for (size_t i = 0; i < n; i++)
            if (i + 1 != (size_t)r)
                assert_string_not_equal(names[i], name);
    }
    assert_int_equal(keymap_action("page-up"), REQ_PAGE_UP);
    assert_int_equal(keymap_action("savepoint"), REQ_SAVEPOINT);
    assert_int_equal(keymap_action("nope"), REQ_NONE);
    assert_string_equal(keymap_name(REQ_NONE), "");
}

static void listed_keys_replace_the_defaults(void **state) {
    (void)state;
    assert_int_equal(apply_yaml("keys: {help: f2}\n"), 0);
    assert_int_equal(keymap_request(KEY_F(2), false), REQ_HELP);
    assert_int_equal(keymap_request('?', true), REQ_NONE);
    assert_int_equal(keymap_request(KEY_F(1), false), REQ_NONE);
    char buf[64];
    assert_string_equal(keymap_keys(REQ_HELP, buf, sizeof buf), "F2"); /* what ? would say */
    /* everything else keeps its defaults */
    assert_int_equal(keymap_request('q', true), REQ_QUIT);
}

static void several_keys_for_one_action(void **state) {
    (void)state;
    assert_int_equal(apply_yaml("keys:\n  filter: [ctrl-f, f]\n  reload: F5\n"), 0);
    assert_int_equal(keymap_request(6, true), REQ_FILTER); /* ctrl-f */
    assert_int_equal(keymap_request('f', true), REQ_FILTER);
    assert_int_equal(keymap_request('/', true), REQ_NONE);
    assert_int_equal(keymap_request(KEY_F(5), false), REQ_RELOAD);
    assert_int_equal(keymap_request(18, true), REQ_NONE);
    char buf[64];
    assert_string_equal(keymap_keys(REQ_FILTER, buf, sizeof buf), "Ctrl-F f");
}

static void a_taken_key_moves_to_its_new_action(void **state) {
    (void)state;
    assert_int_equal(apply_yaml("keys: {savepoint: q}\n"), 0);
    assert_int_equal(keymap_request('q', true), REQ_SAVEPOINT);
    assert_int_equal(keymap_request('s', true), REQ_NONE);
    char buf[64];
    assert_string_equal(keymap_keys(REQ_QUIT, buf, sizeof buf), ""); /* quit lost its key */
}

static void named_keys_bind_every_code_they_arrive_as(void **state) {
    (void)state;
    /* Enter comes as \n, \r or KEY_ENTER; Backspace as KEY_BACKSPACE, DEL or ^H */
    assert_int_equal(apply_yaml("keys:\n  command: enter\n  back: backspace\n  open: o\n"), 0);
    assert_int_equal(keymap_request('\n', true), REQ_COMMAND);
    assert_int_equal(keymap_request('\r', true), REQ_COMMAND);
    assert_int_equal(keymap_request(KEY_ENTER, false), REQ_COMMAND);
    assert_int_equal(keymap_request(KEY_BACKSPACE, false), REQ_BACK);
    assert_int_equal(keymap_request(127, true), REQ_BACK);
    assert_int_equal(keymap_request(8, true), REQ_BACK);
    assert_int_equal(keymap_request(27, true), REQ_NONE); /* Esc was back's: replaced */
    assert_int_equal(keymap_request('o', true), REQ_OPEN);
    char buf[64];
    assert_string_equal(keymap_keys(REQ_COMMAND, buf, sizeof buf), "Enter");
    assert_string_equal(keymap_keys(REQ_OPERATIONS, buf, sizeof buf), "");
}

static void a_non_ascii_key_binds(void **state) {
    (void)state;
    assert_int_equal(apply_yaml("keys: {alerts: \"\xc3\xa9\"}\n"), 0); /* é */
    assert_int_equal(keymap_request(0xE9, true), REQ_ALERTS);
    char buf[64];
    assert_string_equal(keymap_keys(REQ_ALERTS, buf, sizeof buf), "\xc3\xa9");
}

static void an_unknown_action_is_refused_and_nothing_changes(void **state) {
    (void)state;
    char help[] = "help", f2[] = "f2", teleport[] = "teleport", t[] = "t";
    struct config_key keys[2] = {
        {help, f2, {CONFIG_KEY_FN, 2}, 1},
        {teleport, t, {CONFIG_KEY_CHAR, 't'}, 2},
    };
    assert_int_equal(keymap_apply(keys, 2, err, sizeof err), -1);
    assert_non_null(strstr(err, "teleport"));
    assert_int_equal(keymap_request('?', true), REQ_HELP);
    assert_int_equal(keymap_request(KEY_F(2), false), REQ_NONE);
    /* and the config loader refuses it first, with a hint, when it knows the names */
    struct config c;
    config_init(&c);
    c.known_actions = keymap_action_names(&c.n_known_actions);
    const char *yaml = "keys: {halp: f2}\n";
    assert_int_equal(config_load_string(yaml, strlen(yaml), "k.yaml", &c, err, sizeof err), -1);
    assert_non_null(strstr(err, "k.yaml:1:"));
    assert_non_null(strstr(err, "did you mean \"help\""));
    config_free(&c);
}

static void reset_brings_the_defaults_back(void **state) {
    (void)state;
    assert_int_equal(apply_yaml("keys: {help: f2, quit: x}\n"), 0);
    keymap_reset();
    assert_int_equal(keymap_request('?', true), REQ_HELP);
    assert_int_equal(keymap_request('q', true), REQ_QUIT);
    assert_int_equal(keymap_request('x', true), REQ_NONE);
    assert_int_equal(keymap_request(KEY_F(2), false), REQ_NONE);
    /* overrides stack on what is in effect until a reset */
    assert_int_equal(apply_yaml("keys: {help: f2}\n"), 0);
    assert_int_equal(apply_yaml("keys: {alerts: f3}\n"), 0);
    assert_int_equal(keymap_request(KEY_F(2), false), REQ_HELP);
    assert_int_equal(keymap_request(KEY_F(3), false), REQ_ALERTS);
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, reset, reset)
    const struct CMUnitTest tests[] = {
        T(defaults_follow_the_design),
        T(every_request_has_a_unique_action_name),
        T(listed_keys_replace_the_defaults),
        T(several_keys_for_one_action),
        T(a_taken_key_moves_to_its_new_action),
        T(named_keys_bind_every_code_they_arrive_as),
        T(a_non_ascii_key_binds),
        T(an_unknown_action_is_refused_and_nothing_changes),
        T(reset_brings_the_defaults_back),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
