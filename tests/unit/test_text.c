/* Text in cells: widths of ASCII, CJK and emoji, cutting that never splits a character
 * and fills the width, the ASCII ellipsis, and the short formats with "-" for unknown. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <locale.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "text.h"

#define CJK "\xe4\xb8\xad\xe6\x96\x87\xe5\x90\x8d\xe5\xad\x97" /* 中文名字: 4 x 2 cells */
#define EMOJI "\xf0\x9f\x94\xa5"                               /* 🔥: 2 cells */
#define ELLIPSIS "\xe2\x80\xa6"                                /* … */

/* Every UTF-8 sequence in s is complete: nothing was cut inside a character. */
static bool whole_characters(const char *s) {
    mbstate_t st;
    memset(&st, 0, sizeof st);
    size_t left = strlen(s);
    while (left > 0) {
        wchar_t wc;
        size_t n = mbrtowc(&wc, s, left, &st);
        if (n == (size_t)-1 || n == (size_t)-2 || n == 0)
            return false;
        s += n;
        left -= n;
    }
    return true;
}

static void width_counts_cells_not_bytes(void **state) {
    (void)state;
    assert_int_equal(text_width("hello"), 5);
    assert_int_equal(text_width(""), 0);
    assert_int_equal(text_width(NULL), 0);
    assert_int_equal(text_width(CJK), 8);
    assert_int_equal(text_width("a" CJK "b"), 10);
    assert_int_equal(text_width(EMOJI), 2);
    assert_int_equal(text_width("caf\xc3\xa9"), 4); /* café: é is two bytes, one cell */
}

static void width_counts_invalid_bytes_as_one_cell(void **state) {
    (void)state;
    assert_int_equal(text_width("a\xff"
                                "b"),
                     3);
    assert_int_equal(text_width("\xe4\xb8"), 2); /* a character cut short: two bad bytes */
}

static void fit_keeps_text_that_fits(void **state) {
    (void)state;
    char out[64];
    assert_int_equal(text_fit("orders", 10, false, out, sizeof out), 6);
    assert_string_equal(out, "orders");
    assert_int_equal(text_fit("orders", 6, false, out, sizeof out), 6);
    assert_string_equal(out, "orders");
    assert_int_equal(text_fit(CJK, 8, false, out, sizeof out), 8);
    assert_string_equal(out, CJK);
}

/* --ascii: names beyond ASCII keep their width in '?', so columns line up */
static void fit_ascii_stands_in_for_wide_characters(void **state) {
    (void)state;
    char out[64];
    assert_int_equal(text_fit("日本 job", 20, true, out, sizeof out), 8);
    assert_string_equal(out, "???? job");
    assert_int_equal(text_fit("caf\u00e9", 20, true, out, sizeof out), 4);
    assert_string_equal(out, "caf?");
    assert_int_equal(text_fit("日本語", 4, true, out, sizeof out), 3);
    assert_string_equal(out, "??~"); /* cut before a wide one, ASCII ellipsis */
}

static void fit_cuts_ascii_to_exact_width_with_ellipsis(void **state) {
    (void)state;
    char out[64];
    assert_int_equal(text_fit("checkpointing", 6, false, out, sizeof out), 6);
    assert_string_equal(out, "check" ELLIPSIS);
    assert_int_equal(text_width(out), 6);
}

static void fit_never_splits_a_double_width_character(void **state) {
    (void)state;
    char out[64];
    for (int cells = 1; cells <= 9; cells++) {
        int w = text_fit(CJK, cells, false, out, sizeof out);
        assert_true(whole_characters(out));
        assert_int_equal(w, text_width(out));
        assert_true(w <= cells);
        assert_true(w >= cells - 1); /* one cell short only when a wide char would straddle */
    }
    /* 5 cells: two characters (4) and the ellipsis (1) */
    assert_int_equal(text_fit(CJK, 5, false, out, sizeof out), 5);
    assert_string_equal(out, "\xe4\xb8\xad\xe6\x96\x87" ELLIPSIS);
    /* 4 cells: one character (2), no room for the next, ellipsis: 3 cells */
    assert_int_equal(text_fit(CJK, 4, false, out, sizeof out), 3);
    assert_string_equal(out, "\xe4\xb8\xad" ELLIPSIS);
}

static void fit_handles_mixed_and_emoji(void **state) {
    (void)state;
    char out[64];
    int w = text_fit("job-" EMOJI "-" CJK, 7, false, out, sizeof out);
    assert_true(whole_characters(out));
    assert_int_equal(w, 7);
    assert_string_equal(out, "job-" EMOJI ELLIPSIS);
}

static void fit_ascii_mode_uses_tilde(void **state) {
    (void)state;
    char out[64];
    assert_int_equal(text_fit("checkpointing", 6, true, out, sizeof out), 6);
    assert_string_equal(out, "check~");
    text_fit(CJK, 5, true, out, sizeof out);
    assert_null(strstr(out, ELLIPSIS));
}

static void fit_tiny_widths_and_buffers(void **state) {
    (void)state;
    char out[64];
    assert_int_equal(text_fit("abc", 0, false, out, sizeof out), 0);
    assert_string_equal(out, "");
    assert_int_equal(text_fit("abc", -3, false, out, sizeof out), 0);
    assert_int_equal(text_fit("abc", 1, false, out, sizeof out), 1);
    assert_string_equal(out, ELLIPSIS);
    assert_int_equal(text_fit(CJK, 1, true, out, sizeof out), 1);
    assert_string_equal(out, "~");
    assert_int_equal(text_fit(NULL, 5, false, out, sizeof out), 0);
    assert_string_equal(out, "");
    /* A buffer too small for the text cuts it too, still whole characters. */
    char small[8];
    text_fit(CJK CJK, 40, false, small, sizeof small);
    assert_true(whole_characters(small));
    assert_true(strlen(small) < sizeof small);
}

static void fit_replaces_invalid_bytes(void **state) {
    (void)state;
    char out[64];
    assert_int_equal(text_fit("a\xff"
                              "b",
                              10, false, out, sizeof out),
                     3);
    assert_string_equal(out, "a?b");
}

/* Names that differ only at the end stay apart when cut: the tail is kept. */
static void fit_middle_keeps_the_distinguishing_tail(void **state) {
    (void)state;
    char a[128], b[128];
    assert_int_equal(text_fit_middle("fraud-detection-pipeline-eu-west-2", 22, false, a, sizeof a),
                     22);
    assert_string_equal(a, "fraud-detec" ELLIPSIS "-eu-west-2");
    text_fit_middle("fraud-detection-pipeline-eu-west-1", 22, false, b, sizeof b);
    assert_string_not_equal(a, b);
    /* text that fits is untouched; --ascii uses '~' */
    assert_int_equal(text_fit_middle("orders", 22, false, a, sizeof a), 6);
    assert_string_equal(a, "orders");
    text_fit_middle("fraud-detection-pipeline-eu-west-2", 12, true, a, sizeof a);
    assert_string_equal(a, "fraud-~est-2");
    /* too narrow for both ends: cut at the end as text_fit does */
    text_fit_middle("fraud-detection", 4, false, a, sizeof a);
    assert_string_equal(a, "fra" ELLIPSIS);
    assert_int_equal(text_fit_middle(NULL, 10, false, a, sizeof a), 0);
    assert_string_equal(a, "");
}

static void fit_middle_never_splits_wide_characters(void **state) {
    (void)state;
    char out[128];
    /* 中文名字-payments-中文: 8 + 10 + 4 = 22 cells */
    const char *name = CJK "-payments-\xe4\xb8\xad\xe6\x96\x87";
    for (int cells = 5; cells <= 22; cells++) {
        int w = text_fit_middle(name, cells, false, out, sizeof out);
        assert_true(whole_characters(out));
        assert_int_equal(w, text_width(out));
        assert_true(w <= cells);
        assert_true(w >= cells - 1);
    }
    /* 9 cells: 4 for the start (中文), the ellipsis, 4 for the end (中文) */
    text_fit_middle(name, 9, false, out, sizeof out);
    assert_string_equal(out, "\xe4\xb8\xad\xe6\x96\x87" ELLIPSIS "\xe4\xb8\xad\xe6\x96\x87");
    /* --ascii: every wide character is "??", the columns still line up */
    assert_int_equal(text_fit_middle(name, 9, true, out, sizeof out), 9);
    assert_string_equal(out, "????~????");
    /* a buffer too small for both ends: cut at the end, still whole characters */
    char tiny[8];
    text_fit_middle(name, 9, false, tiny, sizeof tiny);
    assert_true(whole_characters(tiny));
}

static void icontains_ignores_ascii_case(void **state) {
    (void)state;
    assert_true(text_icontains("FAILED", "fail"));
    assert_true(text_icontains("orders-etl", ""));
    assert_true(text_icontains("x" CJK, "\xe6\x96\x87"));
    assert_false(text_icontains("RUNNING", "fail"));
    assert_false(text_icontains(NULL, "a"));
}

static void formats_show_unknown_as_dash(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(text_int(-1, buf, sizeof buf), "-");
    assert_string_equal(text_int(0, buf, sizeof buf), "0");
    assert_string_equal(text_int(42, buf, sizeof buf), "42");
    assert_string_equal(text_ratio(-1, -1, buf, sizeof buf), "-");
    assert_string_equal(text_ratio(-1, 8, buf, sizeof buf), "-/8");
    assert_string_equal(text_ratio(3, 8, buf, sizeof buf), "3/8");
    assert_string_equal(text_age(-1, buf, sizeof buf), "-");
    assert_string_equal(text_duration(-1, buf, sizeof buf), "-");
    assert_string_equal(text_datetime(-1, buf, sizeof buf), "-");
    assert_string_equal(text_clock(-1, buf, sizeof buf), "-");
}

static void age_uses_one_unit(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(text_age(0, buf, sizeof buf), "0s");
    assert_string_equal(text_age(3400, buf, sizeof buf), "3s");
    assert_string_equal(text_age(59999, buf, sizeof buf), "59s");
    assert_string_equal(text_age(5 * 60000 + 10, buf, sizeof buf), "5m");
    assert_string_equal(text_age(2 * 3600000LL + 59 * 60000, buf, sizeof buf), "2h");
    assert_string_equal(text_age(4 * 86400000LL + 7, buf, sizeof buf), "4d");
}

static void duration_uses_two_units(void **state) {
    (void)state;
    char buf[32];
    assert_string_equal(text_duration(45000, buf, sizeof buf), "45s");
    assert_string_equal(text_duration(12 * 60000 + 5000, buf, sizeof buf), "12m05s");
    assert_string_equal(text_duration(3 * 3600000LL + 7 * 60000, buf, sizeof buf), "3h07m");
    assert_string_equal(text_duration(2 * 86400000LL + 4 * 3600000LL, buf, sizeof buf), "2d04h");
}

static void times_are_local(void **state) {
    (void)state;
    char buf[32];
    /* 2024-03-01 12:34:56 UTC */
    assert_string_equal(text_datetime(1709296496000LL, buf, sizeof buf), "2024-03-01 12:34:56");
    assert_string_equal(text_clock(1709296496000LL, buf, sizeof buf), "12:34:56");
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    tzset();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(width_counts_cells_not_bytes),
        cmocka_unit_test(width_counts_invalid_bytes_as_one_cell),
        cmocka_unit_test(fit_keeps_text_that_fits),
        cmocka_unit_test(fit_ascii_stands_in_for_wide_characters),
        cmocka_unit_test(fit_cuts_ascii_to_exact_width_with_ellipsis),
        cmocka_unit_test(fit_never_splits_a_double_width_character),
        cmocka_unit_test(fit_handles_mixed_and_emoji),
        cmocka_unit_test(fit_ascii_mode_uses_tilde),
        cmocka_unit_test(fit_tiny_widths_and_buffers),
        cmocka_unit_test(fit_replaces_invalid_bytes),
        cmocka_unit_test(fit_middle_keeps_the_distinguishing_tail),
        cmocka_unit_test(fit_middle_never_splits_wide_characters),
        cmocka_unit_test(icontains_ignores_ascii_case),
        cmocka_unit_test(formats_show_unknown_as_dash),
        cmocka_unit_test(age_uses_one_unit),
        cmocka_unit_test(duration_uses_two_units),
        cmocka_unit_test(times_are_local),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
