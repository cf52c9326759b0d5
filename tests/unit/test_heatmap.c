/* The backpressure heatmap: binning, the glyph ramp drawn into a virtual screen and read
 * back as text (UTF-8 and ASCII), the legend, and the likely bottleneck of a small job. */
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

#include "bottleneck.h"
#include "colors.h"
#include "heatmap.h"
#include "job_detail.h"
#include "xalloc.h"
#include "vscreen.h"

static int setup(void **state) {
    (void)state;
    return vscreen_open(24, 100);
}

static int teardown(void **state) {
    (void)state;
    vscreen_close();
    return 0;
}

/* The colour pair of the cell at y, x (winch cannot tell for a wide character). */
static short cell_pair(int y, int x) {
    cchar_t cc;
    wchar_t wch[CCHARW_MAX + 1];
    attr_t attrs;
    short pair;
    mvwin_wch(stdscr, y, x, &cc);
    getcchar(&cc, wch, &attrs, &pair, NULL);
    return pair;
}

static short role_pair(enum color_role r) { return (short)PAIR_NUMBER(colors_attr(r)); }

static void bins_are_ceil_of_subtasks_over_columns(void **state) {
    (void)state;
    assert_int_equal(heatmap_bin(512, 64), 8);
    assert_int_equal(heatmap_bin(64, 64), 1);
    assert_int_equal(heatmap_bin(65, 64), 2);
    assert_int_equal(heatmap_bin(4, 64), 1);
    assert_int_equal(heatmap_bin(0, 64), 1);
    assert_int_equal(heatmap_bin(10, 0), 10); /* no room: one cell for all */
    char b[64];
    heatmap_scale_text(8, b, sizeof b);
    assert_string_equal(b, "1 cell = 8 subtasks, max");
    heatmap_scale_text(1, b, sizeof b);
    assert_string_equal(b, "1 cell = 1 subtask");
}

static void a_bin_shows_its_max(void **state) {
    (void)state;
    double r[512];
    for (int i = 0; i < 512; i++)
        r[i] = 0.02;
    r[300] = 0.9; /* one HIGH subtask, in bin 300 / 8 = 37 */
    r[5] = NAN;
    assert_true(heatmap_bin_max(r, 512, 296, 304) == 0.9);
    assert_true(heatmap_bin_max(r, 512, 0, 8) == 0.02); /* unknown ones left out */
    assert_true(isnan(heatmap_bin_max(r, 512, 5, 6)));
    assert_true(heatmap_bin_max(r, 512, 504, 600) == 0.02); /* clipped to n */

    /* drawn into 64 grid columns: the HIGH subtask shows in cell 37, alone */
    struct heatmap_row row = {"Map", r, 512, NULL, ROLE_DEFAULT, false};
    struct heatmap_layout l;
    heatmap_layout(&row, 1, 8 + 1 + 2 + 64, false, &l);
    assert_int_equal(l.bin, 8);
    assert_int_equal(l.grid_w, 64);
    erase();
    heatmap_draw(stdscr, 0, 0, 1, 80, &row, 1, 0, &l, false);
    wchar_t w[128];
    mvwinnwstr(stdscr, 0, l.grid_x, w, 64);
    for (int c = 0; c < 64; c++)
        assert_int_equal(w[c], c == 37 ? 0x2588 : 0x2591);
    /* in the HIGH colour, the others OK */
    assert_int_equal(cell_pair(0, l.grid_x + 37), role_pair(ROLE_HEAT_HIGH));
    assert_int_equal(cell_pair(0, l.grid_x), role_pair(ROLE_HEAT_OK));
    assert_int_not_equal(role_pair(ROLE_HEAT_OK), role_pair(ROLE_HEAT_HIGH));
}

static void ramp_reads_as_text_utf8_and_ascii(void **state) {
    (void)state;
    double r[6] = {0, 0.05, 0.3, 0.6, 0.95, NAN};
    struct heatmap_row rows[] = {
        {"Source", r, 6, "HIGH 95%", ROLE_HEAT_HIGH, false},
        {"Sink", NULL, 0, NULL, ROLE_DEFAULT, false},
        {"Short", r, 3, "LOW  30%", ROLE_HEAT_LOW, false},
    };
    struct heatmap_layout l;
    heatmap_layout(rows, 3, 40, false, &l);
    assert_int_equal(l.bin, 1);
    assert_int_equal(l.cell_w, 3); /* room to spare: each subtask three cells wide */
    erase();
    heatmap_draw(stdscr, 0, 0, 3, 40, rows, 3, 0, &l, false);
    char buf[512];
    assert_string_equal(vscreen_row(0, buf, sizeof buf),
                        "Source \u2502   \u2591\u2591\u2591\u2592\u2592\u2592\u2593\u2593\u2593"
                        "\u2588\u2588\u2588???\u2502 HIGH 95%");
    assert_string_equal(vscreen_row(1, buf, sizeof buf), "Sink   not sampled yet");
    /* fewer subtasks: a shorter row, its level still in the same column */
    assert_string_equal(vscreen_row(2, buf, sizeof buf),
                        "Short  \u2502   \u2591\u2591\u2591\u2592\u2592\u2592\u2502"
                        "          LOW  30%");

    heatmap_layout(rows, 3, 40, true, &l);
    erase();
    heatmap_draw(stdscr, 0, 0, 3, 40, rows, 3, 0, &l, true);
    assert_string_equal(vscreen_row(0, buf, sizeof buf), "Source |   ...:::###@@@???| HIGH 95%");
    assert_string_equal(vscreen_row(2, buf, sizeof buf), "Short  |   ...:::|          LOW  30%");
    /* glyph and level of single ratios */
    assert_string_equal(heatmap_glyph(0.1, false), "\u2591");
    assert_string_equal(heatmap_glyph(0.5, true), ":");
    assert_string_equal(heatmap_glyph(0.51, true), "#");
    assert_string_equal(heatmap_level_name(0.1), "OK");
    assert_string_equal(heatmap_level_name(0.5), "LOW");
    assert_string_equal(heatmap_level_name(0.51), "HIGH");
    assert_int_equal(heatmap_role(NAN), ROLE_DIM);
}

static void legend_names_every_level(void **state) {
    (void)state;
    char buf[512];
    erase();
    heatmap_legend(stdscr, 0, 0, 80, false);
    assert_string_equal(vscreen_row(0, buf, sizeof buf),
                        "\u2591 OK \u226410%   \u2592 LOW \u226450%   \u2593\u2588 HIGH >50%   "
                        "? unknown");
    heatmap_legend(stdscr, 1, 0, 80, true);
    assert_string_equal(vscreen_row(1, buf, sizeof buf),
                        ". OK <=10%   : LOW <=50%   #@ HIGH >50%   ? unknown");
    /* narrow: whole items only */
    heatmap_legend(stdscr, 2, 0, 24, true);
    assert_string_equal(vscreen_row(2, buf, sizeof buf), ". OK <=10%   : LOW <=50%");
}

static void add_vertex(struct vertex_list *l, const char *id, const char *name, const char *input,
                       double bp, double busy) {
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct vertex *v = &l->items[l->len++];
    vertex_init(v);
    snprintf(v->id, sizeof v->id, "%s", id);
    v->name = xstrdup(name);
    if (input) {
        v->n_inputs = 1;
        v->inputs = xcalloc(1, sizeof *v->inputs);
        snprintf(v->inputs[0], sizeof v->inputs[0], "%s", input);
    }
    v->busy_ms = busy * 1000;
    v->backpressured_ms = bp * 1000;
}

static void bottleneck_is_busy_and_downstream_of_backpressure(void **state) {
    (void)state;
    struct vertex_list l = {NULL, 0};
    add_vertex(&l, "a", "A", NULL, 0.8, 0.1);
    add_vertex(&l, "b", "B", "a", 0.7, 0.2);
    add_vertex(&l, "c", "C", "b", 0.0, 0.95);
    assert_false(bottleneck_is(&l, 0));
    assert_false(bottleneck_is(&l, 1));
    assert_true(bottleneck_is(&l, 2));
    assert_false(bottleneck_is(&l, 3)); /* out of range */
    /* the per-subtask sample wins over the metric when there is one */
    struct vertex *c = &l.items[2];
    c->bp_sampled = true;
    c->n_subtasks = 2;
    c->bp_ratio = xcalloc(2, sizeof *c->bp_ratio);
    c->busy_ratio = xcalloc(2, sizeof *c->busy_ratio);
    c->bp_ratio[1] = 0.6; /* C itself backpressured: then it is not the one */
    c->busy_ratio[0] = 0.9;
    assert_false(bottleneck_is(&l, 2));
    c->bp_ratio[1] = 0.0;
    assert_true(bottleneck_is(&l, 2));
    /* C idle: nobody is marked (upstream pressure without a busy vertex is not enough) */
    c->busy_ratio[0] = 0.1;
    assert_false(bottleneck_is(&l, 2));
    /* unknown is never a bottleneck */
    c->busy_ratio[0] = NAN;
    c->busy_ms = NAN;
    assert_false(bottleneck_is(&l, 2));

    /* drawn: the mark on C's row only */
    c->busy_ratio[0] = 0.95;
    double r[2] = {0.8, 0.9};
    struct heatmap_row rows[] = {
        {"A", r, 2, "HIGH 90%", ROLE_HEAT_HIGH, bottleneck_is(&l, 0)},
        {"B", r, 2, "HIGH 90%", ROLE_HEAT_HIGH, bottleneck_is(&l, 1)},
        {"C", c->bp_ratio, 2, "OK    0%", ROLE_HEAT_OK, bottleneck_is(&l, 2)},
    };
    struct heatmap_layout lay;
    for (int ascii = 0; ascii < 2; ascii++) {
        heatmap_layout(rows, 3, 60, ascii, &lay);
        erase();
        heatmap_draw(stdscr, 0, 0, 3, 60, rows, 3, 0, &lay, ascii);
        char buf[512];
        const char *mark = ascii ? "<- bottleneck" : "\u25c0 bottleneck";
        assert_null(strstr(vscreen_row(0, buf, sizeof buf), mark));
        assert_null(strstr(vscreen_row(1, buf, sizeof buf), mark));
        assert_non_null(strstr(vscreen_row(2, buf, sizeof buf), mark));
    }
    vertex_list_free(&l);
}

static void a_wide_job_draws_without_overflow(void **state) {
    (void)state;
    /* 10 vertices of 512 subtasks at every width: never past the edge, never a crash */
    static double r[512];
    for (int i = 0; i < 512; i++)
        r[i] = (double)(i % 100) / 100.0;
    struct heatmap_row rows[10];
    for (int i = 0; i < 10; i++)
        rows[i] = (struct heatmap_row){
            "a long vertex name that must be cut", r, 512, "HIGH 99%", ROLE_HEAT_HIGH, i == 9};
    for (int w = 1; w <= 100; w++) {
        struct heatmap_layout l;
        heatmap_layout(rows, 10, w, false, &l);
        erase();
        heatmap_draw(stdscr, 0, 0, 10, w, rows, 10, 0, &l, false);
        heatmap_axis(stdscr, 11, 0, w, &l, false);
        heatmap_legend(stdscr, 12, 0, w, false);
        char buf[512];
        for (int y = 0; y < 13; y++) {
            vscreen_row(y, buf, sizeof buf);
            wchar_t wide[512];
            mbstowcs(wide, buf, 511);
            assert_true(wcswidth(wide, 512) <= w);
        }
    }
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    unsetenv("NO_COLOR");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bins_are_ceil_of_subtasks_over_columns),
        cmocka_unit_test(a_bin_shows_its_max),
        cmocka_unit_test(ramp_reads_as_text_utf8_and_ascii),
        cmocka_unit_test(legend_names_every_level),
        cmocka_unit_test(bottleneck_is_busy_and_downstream_of_backpressure),
        cmocka_unit_test(a_wide_job_draws_without_overflow),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
