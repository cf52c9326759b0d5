/* Breaking text into lines of terminal cells: never inside a character, at spaces when
 * asked, '\n' kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <string.h>

#include "wrap.h"

#define CJK "\xe5\xae\x9e\xe6\x97\xb6\xe8\xae\xa2\xe5\x8d\x95" /* 实时订单: 8 cells */

static void prefix_fits_the_cells(void **state) {
    (void)state;
    int used;
    assert_int_equal(wrap_prefix("abcdef", 6, 4, false, &used), 4);
    assert_int_equal(used, 4);
    assert_int_equal(wrap_prefix("abc", 3, 10, false, &used), 3);
    assert_int_equal(used, 3);
    /* a double-width character never straddles the edge */
    assert_int_equal(wrap_prefix(CJK, strlen(CJK), 5, false, &used), 6); /* two chars */
    assert_int_equal(used, 4);
    /* no room at all still moves on by one character */
    assert_int_equal(wrap_prefix(CJK, strlen(CJK), 1, false, &used), 3);
    assert_int_equal(wrap_prefix("x", 1, 0, false, NULL), 1);
}

static void words_break_at_spaces(void **state) {
    (void)state;
    const char *s = "Cannot invoke length because id is null";
    int used;
    size_t n = wrap_prefix(s, strlen(s), 16, true, &used);
    assert_int_equal(n, 14); /* "Cannot invoke " */
    assert_int_equal(used, 14);
    /* a word longer than the line is cut where it must */
    n = wrap_prefix("abcdefghij klm", 14, 4, true, NULL);
    assert_int_equal(n, 4);
}

static void count_keeps_newlines(void **state) {
    (void)state;
    assert_int_equal(wrap_count(NULL, 10, false), 0);
    assert_int_equal(wrap_count("", 10, false), 0);
    assert_int_equal(wrap_count("abc", 10, false), 1);
    assert_int_equal(wrap_count("abc\ndef", 10, false), 2);
    assert_int_equal(wrap_count("abcdefghij\n\nxy", 4, false), 5); /* 3 + blank + 1 */
    assert_int_equal(wrap_count("aaa bbb ccc", 4, true), 3);
    assert_int_equal(wrap_count(CJK, 4, false), 2);
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(prefix_fits_the_cells),
        cmocka_unit_test(words_break_at_spaces),
        cmocka_unit_test(count_keeps_newlines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
