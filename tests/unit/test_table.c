/* The table widget's selection (table.h): until the user moves it, it stays on the top
 * row while rows re-sort (the board's sickest job); once chosen, it follows its row, so
 * Enter opens the job the user picked even when the data re-sorts the rows under it. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "table.h"
#include "ui.h"

/* A model of named rows with a score; column 0 sorts by score, highest first. */
struct rows {
    const char *name[4];
    int score[4];
    size_t n;
};

static size_t rows_count(void *ctx) { return ((struct rows *)ctx)->n; }

static enum color_role rows_cell(void *ctx, size_t row, int col, char *buf, size_t size) {
    (void)col;
    snprintf(buf, size, "%s", ((struct rows *)ctx)->name[row]);
    return ROLE_DEFAULT;
}

static int rows_compare(void *ctx, size_t a, size_t b, int col) {
    (void)col;
    const struct rows *r = ctx;
    return r->score[b] - r->score[a];
}

static bool rows_match(void *ctx, size_t row, const char *filter) {
    return strstr(((struct rows *)ctx)->name[row], filter) != NULL;
}

static const char *rows_key(void *ctx, size_t row) { return ((struct rows *)ctx)->name[row]; }

static const struct table_source src = {rows_count, rows_cell, rows_compare, rows_match,
                                        rows_key, NULL};
static const struct table_col cols[] = {{"NAME", 4, 0, true, false, false, false}};

static const char *selected(const struct table *t, const struct rows *r) {
    size_t row;
    return table_selected(t, &row) ? r->name[row] : "(none)";
}

static void an_untouched_selection_stays_on_the_top_row_as_rows_resort(void **state) {
    (void)state;
    struct rows r = {{"orders", "payments", "fraud"}, {1, 2, 3}, 3};
    struct table t = {0};
    table_init(&t, cols, 1, 0);
    table_sync(&t, &src, &r);
    assert_string_equal(selected(&t, &r), "fraud");
    r.score[1] = 9; /* payments gets sick: it is the top row now */
    table_sync(&t, &src, &r);
    assert_string_equal(selected(&t, &r), "payments");
    table_free(&t);
}

static void a_chosen_selection_follows_its_row(void **state) {
    (void)state;
    struct rows r = {{"orders", "payments", "fraud"}, {1, 2, 3}, 3};
    struct table t = {0};
    table_init(&t, cols, 1, 0);
    table_sync(&t, &src, &r);
    assert_int_equal(table_key(&t, REQ_DOWN, &src, &r), UI_REDRAW);
    assert_string_equal(selected(&t, &r), "payments");
    r.score[0] = 9; /* orders jumps to the top; the user's pick stays payments */
    table_sync(&t, &src, &r);
    assert_string_equal(selected(&t, &r), "payments");
    /* Home: back to the top row, which is followed no more */
    table_key(&t, REQ_TOP, &src, &r);
    assert_string_equal(selected(&t, &r), "orders");
    r.score[2] = 20;
    table_sync(&t, &src, &r);
    assert_string_equal(selected(&t, &r), "fraud");
    table_free(&t);
}

static void a_chosen_row_that_goes_keeps_the_position(void **state) {
    (void)state;
    struct rows r = {{"orders", "payments", "fraud"}, {1, 2, 3}, 3};
    struct table t = {0};
    table_init(&t, cols, 1, 0);
    table_sync(&t, &src, &r);
    table_key(&t, REQ_DOWN, &src, &r);
    table_key(&t, REQ_DOWN, &src, &r);
    assert_string_equal(selected(&t, &r), "orders");
    /* orders is gone: the selection stays at its position, on the last row left */
    r = (struct rows){{"payments", "fraud"}, {2, 3}, 2};
    table_sync(&t, &src, &r);
    assert_string_equal(selected(&t, &r), "payments");
    r.n = 0;
    table_sync(&t, &src, &r);
    assert_string_equal(selected(&t, &r), "(none)");
    table_free(&t);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(an_untouched_selection_stays_on_the_top_row_as_rows_resort),
        cmocka_unit_test(a_chosen_selection_follows_its_row),
        cmocka_unit_test(a_chosen_row_that_goes_keeps_the_position),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
