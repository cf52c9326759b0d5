/* The line chart and the sparkline, drawn into a virtual screen (newterm on /dev/null)
 * and read back as text: flat zeros, one spike, NaN gaps, few points, each glyph set;
 * the same for the one-row sparkline. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include "chart.h"
#include "colors.h"
#include "ring.h"
#include "sparkline.h"
#include "vscreen.h"

#define BRAILLE_BASE "\xe2\xa3\x80" /* ⣀: both bottom dots */

static int setup(void **state) {
    (void)state;
    return vscreen_open(24, 80);
}

static int teardown(void **state) {
    (void)state;
    vscreen_close();
    return 0;
}

/* Cells [x, x+w) of row y as UTF-8. */
static char *cells(int y, int x, int w, char *buf, size_t size) {
    wchar_t wbuf[512];
    buf[0] = '\0';
    int n = mvwinnwstr(stdscr, y, x, wbuf, w < 511 ? w : 511);
    if (n == ERR)
        return buf;
    wbuf[n] = L'\0';
    size_t len = wcstombs(buf, wbuf, size - 1);
    buf[len == (size_t)-1 ? 0 : len] = '\0';
    return buf;
}

static void fill(struct ring *r, const double *v, size_t n) {
    ring_init(r, n ? n : 1);
    for (size_t i = 0; i < n; i++)
        ring_push(r, v[i]);
}

static struct chart one_series(const struct ring *r, enum chart_glyphs g) {
    struct chart c = {{{r, ROLE_CHART_IN}, {NULL, ROLE_CHART_OUT}}, 1, 2000, g, g == CHART_ASCII};
    return c;
}

static void is_blank(const char *s) {
    for (; *s; s++)
        assert_int_equal(*s, ' ');
}

static void chart_all_zeros_is_a_flat_baseline(void **state) {
    (void)state;
    double v[10] = {0};
    struct ring r;
    fill(&r, v, 10);
    struct chart c = one_series(&r, CHART_BRAILLE);
    erase();
    chart_plot(stdscr, 0, 0, 4, 20, &c, chart_max(&c)); /* max 0: no division by zero */
    char row[256], want[256];
    size_t o = 0;
    for (int i = 0; i < 20; i++)
        o += (size_t)snprintf(want + o, sizeof want - o, "%s", BRAILLE_BASE);
    assert_string_equal(cells(3, 0, 20, row, sizeof row), want);
    for (int y = 0; y < 3; y++)
        is_blank(cells(y, 0, 20, row, sizeof row));
    /* and with the axes: labels 0, no NaN anywhere */
    erase();
    chart_draw(stdscr, 0, 0, 6, 40, &c);
    assert_null(strstr(cells(0, 0, 40, row, sizeof row), "nan"));
    assert_non_null(strstr(cells(4, 0, 40, row, sizeof row), "0"));
    assert_null(strstr(cells(0, 0, 40, row, sizeof row), "0")); /* one 0, at the baseline */
    ring_free(&r);
}

/* A failed job's throughput: points, every one unknown. Not a chart of zeros. */
static void chart_of_unknown_points_says_so(void **state) {
    (void)state;
    double v[6] = {NAN, NAN, NAN, NAN, NAN, NAN};
    struct ring r;
    fill(&r, v, 6);
    struct chart c = one_series(&r, CHART_BRAILLE);
    erase();
    assert_int_equal(chart_draw(stdscr, 0, 0, 5, 40, &c), 0);
    char row[256];
    assert_non_null(strstr(cells(2, 0, 40, row, sizeof row), "no known values yet"));
    for (int y = 0; y < 5; y++)
        assert_null(strstr(cells(y, 0, 40, row, sizeof row), "0"));
    ring_free(&r);
}

static void chart_one_spike_reaches_the_top(void **state) {
    (void)state;
    double v[21] = {0};
    v[10] = 5000;
    struct ring r;
    fill(&r, v, 21);
    struct chart c = one_series(&r, CHART_BRAILLE);
    erase();
    chart_plot(stdscr, 0, 0, 5, 21, &c, chart_max(&c));
    char row[256];
    cells(0, 0, 21, row, sizeof row);
    /* the top row holds only the spike, in the middle */
    wchar_t w[64];
    mvwinnwstr(stdscr, 0, 0, w, 21);
    int marked = 0;
    for (int i = 0; i < 21; i++) {
        if (w[i] == L' ')
            continue;
        marked++;
        assert_true(i >= 9 && i <= 11);
        assert_true((w[i] - 0x2800) & (0x01 | 0x08)); /* a dot on the cell's top row */
    }
    assert_true(marked >= 1);
    /* the label on top says how high */
    erase();
    chart_draw(stdscr, 0, 0, 7, 40, &c);
    assert_non_null(strstr(cells(0, 0, 40, row, sizeof row), "5.0k"));
    assert_non_null(strstr(cells(6, 0, 40, row, sizeof row), "-42s"));
    assert_non_null(strstr(row, "now"));
    ring_free(&r);
}

static void chart_nan_is_a_gap(void **state) {
    (void)state;
    double v[8] = {1, 1, 1, NAN, NAN, 1, 1, 1};
    struct ring r;
    fill(&r, v, 8);
    struct chart c = one_series(&r, CHART_ASCII);
    erase();
    chart_plot(stdscr, 0, 0, 2, 8, &c, chart_max(&c));
    char row[64];
    assert_string_equal(cells(0, 0, 8, row, sizeof row), "'''  '''");
    is_blank(cells(1, 0, 8, row, sizeof row));
    ring_free(&r);
}

static void chart_few_points_span_the_width(void **state) {
    (void)state;
    double v[3] = {0, 10, 0};
    struct ring r;
    fill(&r, v, 3);
    struct chart c = one_series(&r, CHART_BRAILLE);
    erase();
    chart_plot(stdscr, 0, 0, 4, 30, &c, chart_max(&c));
    char row[256];
    wchar_t w[64];
    mvwinnwstr(stdscr, 3, 0, w, 30);
    assert_true(w[0] != L' ');  /* the first point at the left edge */
    assert_true(w[29] != L' '); /* the last at the right edge: now */
    mvwinnwstr(stdscr, 0, 0, w, 30);
    assert_true(w[14] != L' ' || w[15] != L' '); /* the middle point on top */
    /* connected: every column has a dot somewhere */
    for (int x = 0; x < 30; x++) {
        bool any = false;
        for (int y = 0; y < 4; y++) {
            mvwinnwstr(stdscr, y, x, w, 1);
            any = any || w[0] != L' ';
        }
        assert_true(any);
    }
    (void)row;
    ring_free(&r);
}

static void chart_ascii_uses_ascii_glyphs(void **state) {
    (void)state;
    double v[40];
    for (int i = 0; i < 40; i++)
        v[i] = i % 10 == 0 ? 100 : i * 1.5;
    struct ring r;
    fill(&r, v, 40);
    struct chart c = one_series(&r, CHART_ASCII);
    erase();
    chart_draw(stdscr, 0, 0, 8, 50, &c);
    char row[256];
    bool run = false, dot = false;
    for (int y = 0; y < 8; y++) {
        cells(y, 0, 50, row, sizeof row);
        for (const char *p = row; *p; p++)
            assert_true((unsigned char)*p < 0x80);
        if (y == 7)
            break; /* the time axis */
        /* labels "100" and "50", the axis, then only the line's glyphs */
        assert_non_null(strchr("+|", row[3]));
        for (const char *p = row + 4; *p; p++)
            assert_non_null(strchr(" .':|", *p));
        run = run || strchr(row + 4, '|') != NULL;
        dot = dot || strchr(row + 4, '.') != NULL;
    }
    assert_true(run && dot);
    ring_free(&r);
}

static void chart_block_glyphs_are_half_blocks(void **state) {
    (void)state;
    double v[4] = {0, 1, 0, 1};
    struct ring r;
    fill(&r, v, 4);
    struct chart c = one_series(&r, CHART_BLOCK);
    erase();
    chart_plot(stdscr, 0, 0, 1, 4, &c, 1);
    wchar_t w[8];
    mvwinnwstr(stdscr, 0, 0, w, 4);
    for (int i = 0; i < 4; i++)
        assert_true(w[i] == 0x2580 || w[i] == 0x2584 || w[i] == 0x2588);
    assert_int_equal(w[0], 0x2584); /* 0: the lower half */
    assert_int_equal(w[1], 0x2580); /* 1: the upper half */
    ring_free(&r);
}

static void chart_two_series_share_the_scale(void **state) {
    (void)state;
    double a[5] = {10, 10, 10, 10, 10}, b[5] = {20, 20, 20, 20, 20};
    struct ring ra, rb;
    fill(&ra, a, 5);
    fill(&rb, b, 5);
    struct chart c = {{{&ra, ROLE_CHART_IN}, {&rb, ROLE_CHART_OUT}}, 2, 2000, CHART_ASCII, true};
    assert_true(chart_max(&c) == 20);
    erase();
    chart_plot(stdscr, 0, 0, 3, 10, &c, chart_max(&c));
    char row[64];
    assert_string_equal(cells(0, 0, 10, row, sizeof row), "''''''''''"); /* 20: the top */
    assert_string_equal(cells(1, 0, 10, row, sizeof row), "''''''''''"); /* 10: half-way */
    is_blank(cells(2, 0, 10, row, sizeof row));
    /* each in its own colour */
    assert_int_equal(PAIR_NUMBER(mvwinch(stdscr, 0, 0)), PAIR_NUMBER(colors_attr(ROLE_CHART_OUT)));
    assert_int_equal(PAIR_NUMBER(mvwinch(stdscr, 1, 0)), PAIR_NUMBER(colors_attr(ROLE_CHART_IN)));
    assert_int_not_equal(PAIR_NUMBER(colors_attr(ROLE_CHART_IN)),
                         PAIR_NUMBER(colors_attr(ROLE_CHART_OUT)));
    ring_free(&ra);
    ring_free(&rb);
}

static void chart_without_points_says_so(void **state) {
    (void)state;
    struct ring r;
    ring_init(&r, 4);
    struct chart c = one_series(&r, CHART_BRAILLE);
    erase();
    assert_int_equal(chart_draw(stdscr, 0, 0, 5, 40, &c), 0);
    char row[256];
    assert_non_null(strstr(cells(2, 0, 40, row, sizeof row), "no history yet"));
    /* and tiny sizes draw nothing, without a crash */
    chart_draw(stdscr, 0, 0, 1, 1, &c);
    chart_draw(stdscr, 0, 0, 0, 0, &c);
    ring_push(&r, 5);
    for (int h = 0; h < 5; h++)
        for (int w = 0; w < 12; w++)
            chart_draw(stdscr, 0, 0, h, w, &c);
    ring_free(&r);
}

static void spark(const double *v, size_t n, int width, bool ascii, char *buf, size_t size) {
    struct ring r;
    fill(&r, v, n);
    sparkline_text(&r, width, ascii, buf, size);
    ring_free(&r);
}

static void sparkline_zeros_are_a_baseline(void **state) {
    (void)state;
    double v[4] = {0, 0, 0, 0};
    char buf[64];
    spark(v, 4, 4, false, buf, sizeof buf);
    assert_string_equal(buf, "\u2581\u2581\u2581\u2581");
    spark(v, 4, 4, true, buf, sizeof buf);
    assert_string_equal(buf, "____");
}

static void sparkline_spike_gap_and_few_points(void **state) {
    (void)state;
    double v[5] = {0, 0, 8, NAN, 0};
    char buf[64];
    spark(v, 5, 5, false, buf, sizeof buf);
    assert_string_equal(buf, "\u2581\u2581\u2588 \u2581");
    /* fewer points than cells: right-aligned, newest at the right */
    spark(v, 5, 8, true, buf, sizeof buf);
    assert_string_equal(buf, "   __# _");
    /* no ring at all: blank */
    sparkline_text(NULL, 3, true, buf, sizeof buf);
    assert_string_equal(buf, "   ");
}

static void sparkline_bins_many_points(void **state) {
    (void)state;
    double v[100];
    for (int i = 0; i < 100; i++)
        v[i] = i < 90 ? 0 : 10;
    char buf[64];
    spark(v, 100, 10, true, buf, sizeof buf);
    assert_string_equal(buf, "_________#"); /* the last tenth is the last cell */
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("NO_COLOR");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(chart_all_zeros_is_a_flat_baseline),
        cmocka_unit_test(chart_one_spike_reaches_the_top),
        cmocka_unit_test(chart_nan_is_a_gap),
        cmocka_unit_test(chart_few_points_span_the_width),
        cmocka_unit_test(chart_ascii_uses_ascii_glyphs),
        cmocka_unit_test(chart_block_glyphs_are_half_blocks),
        cmocka_unit_test(chart_two_series_share_the_scale),
        cmocka_unit_test(chart_without_points_says_so),
        cmocka_unit_test(chart_of_unknown_points_says_so),
        cmocka_unit_test(sparkline_zeros_are_a_baseline),
        cmocka_unit_test(sparkline_spike_gap_and_few_points),
        cmocka_unit_test(sparkline_bins_many_points),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
