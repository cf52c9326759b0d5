/* The confirmation box: No is the default (Enter, n, Esc all refuse), a typed name must
 * match exactly, a prefilled value is edited, a choice moves and is taken; and what the
 * user reads is on the screen: every text line, the question, the selected choice, also
 * when the text is longer than the terminal is tall. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "colors.h"
#include "dialog.h"
#include "vscreen.h"

static int setup(void **state) {
    (void)state;
    return vscreen_open(24, 80);
}

static int teardown(void **state) {
    (void)state;
    vscreen_close();
    return 0;
}

static void type(struct dialog *d, const char *s) {
    for (; *s; s++)
        assert_int_equal(dialog_key(d, (unsigned char)*s, true), DIALOG_OPEN);
}

static void test_yesno_defaults_to_no(void **state) {
    (void)state;
    struct dialog d;
    dialog_init(&d, DIALOG_YESNO, "Savepoint", "Take the savepoint?");
    assert_int_equal(dialog_key(&d, '\n', true), DIALOG_CANCELLED);
    assert_int_equal(dialog_key(&d, KEY_ENTER, false), DIALOG_CANCELLED);
    assert_int_equal(dialog_key(&d, 'n', true), DIALOG_CANCELLED);
    assert_int_equal(dialog_key(&d, 27, true), DIALOG_CANCELLED);
    /* any other key asks again and says how to answer */
    assert_int_equal(dialog_key(&d, 'x', true), DIALOG_OPEN);
    assert_non_null(strstr(d.hint, "y: go ahead"));
    assert_int_equal(dialog_key(&d, 'y', true), DIALOG_ACCEPTED);
    dialog_free(&d);
}

static void test_typed_needs_exact_name(void **state) {
    (void)state;
    struct dialog d;
    dialog_init(&d, DIALOG_TYPED, "Cancel", "Type the job name to cancel it:");
    dialog_set_expect(&d, "订单 pipeline");
    assert_int_equal(dialog_key(&d, '\n', true), DIALOG_OPEN); /* empty is not the name */
    assert_non_null(strstr(d.hint, "订单 pipeline"));
    assert_int_equal(dialog_key(&d, 0x8BA2, true), DIALOG_OPEN); /* 订 */
    assert_int_equal(dialog_key(&d, 0x5355, true), DIALOG_OPEN); /* 单 */
    type(&d, " pipelinX");
    assert_int_equal(dialog_key(&d, '\n', true), DIALOG_OPEN);
    assert_int_equal(dialog_key(&d, KEY_BACKSPACE, false), DIALOG_OPEN);
    type(&d, "e");
    assert_string_equal(d.input, "订单 pipeline");
    assert_int_equal(dialog_key(&d, '\n', true), DIALOG_ACCEPTED);
    dialog_free(&d);

    dialog_init(&d, DIALOG_TYPED, "Cancel", "Type the job name:");
    dialog_set_expect(&d, "etl");
    type(&d, "et");
    assert_int_equal(dialog_key(&d, 27, true), DIALOG_CANCELLED);
    dialog_free(&d);
}

static void test_input_backspace_whole_character(void **state) {
    (void)state;
    struct dialog d;
    dialog_init(&d, DIALOG_INPUT, "Rescale", "New parallelism:");
    dialog_set_input(&d, "4");
    assert_int_equal(dialog_key(&d, 127, true), DIALOG_OPEN);
    assert_string_equal(d.input, "");
    assert_int_equal(dialog_key(&d, 127, true), DIALOG_OPEN); /* nothing left: stays empty */
    type(&d, "12");
    assert_int_equal(dialog_key(&d, 0x00E9, true), DIALOG_OPEN); /* é, two bytes */
    assert_int_equal(dialog_key(&d, 127, true), DIALOG_OPEN);
    assert_string_equal(d.input, "12");
    assert_int_equal(dialog_key(&d, 21, true), DIALOG_OPEN); /* Ctrl-U */
    assert_string_equal(d.input, "");
    type(&d, "8");
    assert_int_equal(dialog_key(&d, '\r', true), DIALOG_ACCEPTED);
    assert_string_equal(d.input, "8");
    dialog_free(&d);
}

static void test_choose(void **state) {
    (void)state;
    struct dialog d;
    dialog_init(&d, DIALOG_CHOOSE, "Redeploy", "From which savepoint?");
    assert_int_equal(dialog_key(&d, '\n', true), DIALOG_CANCELLED); /* nothing to choose */
    dialog_add_choice(&d, "s3://sp/savepoint-3");
    dialog_add_choice(&d, "s3://sp/savepoint-2");
    dialog_add_choice(&d, "s3://sp/chk-41");
    assert_int_equal(dialog_key(&d, KEY_UP, false), DIALOG_OPEN);
    assert_int_equal(d.sel, 0);
    dialog_key(&d, 'j', true);
    dialog_key(&d, KEY_DOWN, false);
    dialog_key(&d, KEY_DOWN, false); /* stops at the last */
    assert_int_equal(d.sel, 2);
    dialog_key(&d, 'g', true);
    assert_int_equal(d.sel, 0);
    dialog_key(&d, 'G', true);
    assert_int_equal(dialog_key(&d, '\n', true), DIALOG_ACCEPTED);
    assert_string_equal(d.choices[d.sel], "s3://sp/chk-41");
    dialog_free(&d);
}

static void test_draw_shows_text_and_question(void **state) {
    (void)state;
    struct dialog d;
    dialog_init(&d, DIALOG_YESNO, "Stop with savepoint", "Stop the job?");
    dialog_add_line(&d, "context  %s", "kind-prod");
    dialog_add_line(&d, "job      %s (%s)", "orders", "a0000000000000000000000000000001");
    dialog_add_line(&d, "patch    {\"spec\":{\"job\":{\"upgradeMode\":\"savepoint\",\"state\":"
                        "\"suspended\"}},\"metadata\":{\"resourceVersion\":\"12\"}}");
    erase();
    dialog_draw(&d, stdscr, 24, 80, false);
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Stop with savepoint"));
    assert_non_null(strstr(s, "context  kind-prod"));
    assert_non_null(strstr(s, "orders (a0000000000000000000000000000001)"));
    assert_non_null(strstr(s, "upgradeMode"));
    assert_non_null(strstr(s, "resourceVersion")); /* wrapped onto the next line, not cut */
    assert_non_null(strstr(s, "Stop the job?"));
    assert_non_null(strstr(s, "[N] no (Enter)"));
    dialog_free(&d);
}

static void test_draw_small_terminal_keeps_question(void **state) {
    (void)state;
    resizeterm(10, 40);
    struct dialog d;
    dialog_init(&d, DIALOG_CHOOSE, "Profile", "Apply which profile?");
    for (int i = 0; i < 30; i++)
        dialog_add_line(&d, "line %d of a long diff", i);
    for (int i = 0; i < 12; i++) {
        char c[32];
        snprintf(c, sizeof c, "profile-%02d", i);
        dialog_add_choice(&d, c);
    }
    for (int i = 0; i < 11; i++)
        dialog_key(&d, KEY_DOWN, false);
    erase();
    dialog_draw(&d, stdscr, 10, 40, true);
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Apply which profile?"));
    assert_non_null(strstr(s, "> profile-11")); /* the selection stays in view */
    for (const char *p = s; *p; p++)
        assert_true((unsigned char)*p < 0x80); /* ascii mode draws ASCII only */
    dialog_free(&d);
    resizeterm(24, 80);
}

/* At 80x24 a long request body is never cut silently: a row says how much more there is,
 * the keys scroll to its very end, and a long list of choices says it continues. */
static void test_long_text_says_it_continues_and_scrolls_to_its_end(void **state) {
    (void)state;
    struct dialog d;
    dialog_init(&d, DIALOG_YESNO, "Confirm: profile", "Go ahead?");
    for (int i = 0; i < 40; i++)
        dialog_add_line(&d, "  + key.%02d: value", i);
    dialog_add_warning(&d, "the cluster is STALE");
    dialog_add_line(&d, "PATCH /apis/x\n{\"spec\": {\"flinkConfiguration\": {\"a\": \"1\"}}} END-OF-BODY");
    erase();
    dialog_draw(&d, stdscr, 24, 80, true);
    assert_non_null(strstr(vscreen_text(), "more lines below"));
    assert_null(strstr(vscreen_text(), "END-OF-BODY"));
    for (int i = 0; i < 20; i++)
        dialog_key(&d, KEY_NPAGE, false);
    erase();
    dialog_draw(&d, stdscr, 24, 80, true);
    assert_non_null(strstr(vscreen_text(), "END-OF-BODY"));
    assert_non_null(strstr(vscreen_text(), " 0 more lines below"));
    assert_non_null(strstr(vscreen_text(), "the cluster is STALE"));
    assert_true(dialog_key(&d, 'y', true) == DIALOG_ACCEPTED); /* scrolling never answers */
    dialog_free(&d);

    dialog_init(&d, DIALOG_CHOOSE, "Apply a configuration profile", "Which profile?");
    for (int i = 0; i < 30; i++) {
        char c[32];
        snprintf(c, sizeof c, "profile-%02d", i);
        dialog_add_choice(&d, c);
    }
    erase();
    dialog_draw(&d, stdscr, 24, 80, true);
    assert_non_null(strstr(vscreen_text(), "more"));
    assert_null(strstr(vscreen_text(), "profile-29"));
    dialog_free(&d);
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_yesno_defaults_to_no),
        cmocka_unit_test(test_typed_needs_exact_name),
        cmocka_unit_test(test_input_backspace_whole_character),
        cmocka_unit_test(test_choose),
        cmocka_unit_test(test_draw_shows_text_and_question),
        cmocka_unit_test(test_draw_small_terminal_keeps_question),
        cmocka_unit_test(test_long_text_says_it_continues_and_scrolls_to_its_end),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
