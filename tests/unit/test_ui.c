/* The console rendered into a virtual screen (tig's way: newterm on /dev/null,
 * resizeterm, read the cells back as text) over a synthetic fleet: one healthy cluster
 * with jobs in every kind of state, one that never answered, one with unknown values. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "action_engine.h"
#include "app.h"
#include "colors.h"
#include "config.h"
#include "http.h"
#include "keymap.h"
#include "operations.h"
#include "ui.h"
#include "ui_screen.h"
#include "xalloc.h"
#include "vscreen.h"

#define NOW 1709296496000LL /* 2024-03-01 12:34:56 UTC */
#define CJK_NAME                                                                                                           \
    "\xe5\xae\x9e\xe6\x97\xb6\xe8\xae\xa2\xe5\x8d\x95\xe9\xa3\x8e\xe6\x8e\xa7\xe8\xae\xa1"                                 \
    "\xe7\xae\x97\xe4\xbb\xbb\xe5\x8a\xa1\xe4\xb8\x80\xe5\x8f\xb7\xe6\xb5\x81" /* 实时订单风控计算任务一号流: \
                                                                                  26 cells */
#define CJK_HEAD "\xe5\xae\x9e\xe6\x97\xb6"                                    /* 实时 */
#define ELLIPSIS "\xe2\x80\xa6"

struct fixture {
    FILE *out, *in;
    SCREEN *sp;
    struct app app;
    struct ui *ui;
};

static void add_job(struct cluster *c, const char *id, const char *name, enum job_state st,
                    int parallelism, int tasks) {
    c->jobs.items = xrealloc(c->jobs.items, (c->jobs.len + 1) * sizeof *c->jobs.items);
    struct job *j = &c->jobs.items[c->jobs.len++];
    job_init(j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->name = xstrdup(name);
    j->state = st;
    j->start_time = NOW - 3600000;
    j->duration_ms = 3600000;
    j->parallelism = parallelism;
    j->tasks_total = tasks;
}

static void answered(struct cluster *c, enum cluster_source s, int64_t at) {
    source_ok(&c->sources[s], at);
}

static void build_fleet(struct app *app) {
    memset(app, 0, sizeof *app);
    app->n_clusters = 3;
    app->clusters = xcalloc(3, sizeof *app->clusters);
    app->refresh_ms = 2000;
    app->timeout_ms = 5000;
    app->now_ms = NOW;
    app->last_refresh_ms = NOW - 2000;

    struct cluster *prod = &app->clusters[0];
    cluster_init(prod, "prod-eu", "http://prod:8081");
    for (int s = 0; s < SRC_COUNT; s++)
        answered(prod, (enum cluster_source)s, NOW - 2000);
    prod->config.flink_version = xstrdup("1.18.1");
    prod->overview.taskmanagers = 4;
    prod->overview.slots_total = 16;
    prod->overview.slots_available = 4;
    add_job(prod, "a0000000000000000000000000000001", "orders-etl", JOB_RUNNING, 4, 12);
    add_job(prod, "a0000000000000000000000000000002", "payments", JOB_FAILED, -1, 8);
    add_job(prod, "a0000000000000000000000000000003", "clickstream", JOB_FINISHED, 2, 6);
    add_job(prod, "a0000000000000000000000000000004", CJK_NAME, JOB_RUNNING, 8, 24);
    add_job(prod, "a0000000000000000000000000000005", "fraud-score", JOB_RESTARTING, 4, 12);

    struct cluster *staging = &app->clusters[1];
    cluster_init(staging, "staging", "http://staging:8081");
    for (int s = 0; s < SRC_COUNT; s++) {
        staging->sources[s].state = SOURCE_ERROR;
        snprintf(staging->sources[s].error, sizeof staging->sources[s].error,
                 "connect to 10.0.0.7:8081: Connection refused");
    }

    /* answered, but said nothing useful: every value unknown */
    struct cluster *dev = &app->clusters[2];
    cluster_init(dev, "dev", "http://dev:8081");
    answered(dev, SRC_OVERVIEW, NOW - 3000);
    answered(dev, SRC_TASKMANAGERS, NOW - 3000);
}

static int setup(void **state) {
    struct fixture *f = xcalloc(1, sizeof *f);
    f->out = fopen("/dev/null", "w");
    f->in = fopen("/dev/null", "r");
    f->sp = newterm("xterm-256color", f->out, f->in);
    assert_non_null(f->sp);
    set_term(f->sp);
    resizeterm(24, 80);
    build_fleet(&f->app);
    f->ui = ui_new(&f->app);
    ui_start_screen(f->ui, f->sp);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    keymap_reset(); /* a test may have laid overrides over the defaults */
    ui_free(f->ui);
    endwin();
    delscreen(f->sp);
    fclose(f->out);
    fclose(f->in);
    for (size_t i = 0; i < f->app.n_clusters; i++)
        cluster_free(&f->app.clusters[i]);
    free(f->app.clusters);
    free(f);
    return 0;
}

/* The first row under the header line containing s, or -1. */
static int row_with(const char *s) {
    for (int y = 1; y < LINES; y++) {
        char row[4096];
        if (strstr(vscreen_row(y, row, sizeof row), s))
            return y;
    }
    return -1;
}

static void draw_at(struct fixture *f, int rows, int cols) {
    resizeterm(rows, cols);
    ui_resize(f->ui);
    ui_draw(f->ui);
}

/* FLINKTOP_TEST_DUMP=1: print the screen (for writing and debugging these tests). */
static void dump(void) {
    if (getenv("FLINKTOP_TEST_DUMP"))
        fprintf(stderr, "----\n%s----\n", vscreen_text());
}

static void press(struct fixture *f, const char *keys) {
    for (; *keys; keys++)
        ui_handle_key(f->ui, (unsigned char)*keys);
}

/* The attribute bits (colour pair included) of the cell at y, x. */
static attr_t cell_attr(int y, int x) { return (attr_t)(mvwinch(stdscr, y, x) & A_ATTRIBUTES); }

static void clusters_screen_lists_every_cluster(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "prod-eu"));
    assert_non_null(strstr(s, "staging"));
    assert_non_null(strstr(s, "dev"));
    char row[512];
    assert_non_null(strstr(vscreen_row(0, row, sizeof row), "flinktop"));
    assert_non_null(strstr(row, "Clusters (3)"));
    assert_non_null(strstr(row, "12:34:56"));
    vscreen_row(LINES - 1, row, sizeof row);
    assert_non_null(strstr(row, "3 clusters"));
    assert_non_null(strstr(row, "refreshed 2s ago"));
    assert_non_null(strstr(row, "1 with errors"));
    assert_non_null(strstr(row, "? help"));
}

/* "refreshed 0s ago" must not stand beside data 34 s old: the footer names the oldest
 * data on screen, its source and its cluster; on a cluster's screens, that cluster's only. */
static void footer_names_the_oldest_data_and_its_source(void **state) {
    struct fixture *f = *state;
    struct cluster *dev = &f->app.clusters[2];
    source_ok(&dev->sources[SRC_JOBS], NOW - 34000);
    draw_at(f, 24, 100);
    char row[512];
    vscreen_row(LINES - 1, row, sizeof row);
    assert_non_null(strstr(row, "oldest: jobs 34s (dev)"));
    assert_null(strstr(row, "refreshed"));
    /* prod-eu's jobs: its own data is 2 s old */
    press(f, "\n");
    draw_at(f, 24, 100);
    vscreen_row(LINES - 1, row, sizeof row);
    assert_non_null(strstr(row, "refreshed 2s ago"));
    assert_null(strstr(row, "oldest"));
}

/* A connection that skips TLS verification is INSECURE on the header and on its row:
 * a warning alone, red when a token rides on it (http.h promises the marker). */
static void insecure_connection_is_marked_on_header_and_row(void **state) {
    struct fixture *f = *state;
    struct cluster *prod = &f->app.clusters[0];
    struct http_tls tls = {0};
    tls.insecure = true;
    prod->tls = &tls;
    draw_at(f, 24, 100);
    char row[512];
    char *at = strstr(vscreen_row(0, row, sizeof row), "INSECURE");
    assert_non_null(at);
    assert_int_equal(cell_attr(0, (int)(at - row)), colors_attr(ROLE_STATE_WARN) | A_BOLD);
    int y = row_with("prod-eu");
    at = strstr(vscreen_row(y, row, sizeof row), "prod-eu INSECURE");
    assert_non_null(at);
    assert_int_equal(cell_attr(y, (int)(at - row)) & ~A_REVERSE, colors_attr(ROLE_STATE_WARN));
    assert_null(strstr(vscreen_row(row_with("dev "), row, sizeof row), "INSECURE"));

    tls.bearer = "t0ken"; /* the token is still sent, as kubectl does: the marker turns red */
    draw_at(f, 24, 100);
    at = strstr(vscreen_row(0, row, sizeof row), "INSECURE");
    assert_non_null(at);
    assert_int_equal(cell_attr(0, (int)(at - row)), colors_attr(ROLE_ERROR) | A_BOLD);
    at = strstr(vscreen_row(y, row, sizeof row), "prod-eu INSECURE");
    assert_non_null(at);
    assert_int_equal(cell_attr(y, (int)(at - row)) & ~A_REVERSE, colors_attr(ROLE_ERROR));
    assert_null(strstr(vscreen_text(), "t0ken"));

    prod->tls = NULL;
    draw_at(f, 24, 100);
    assert_null(strstr(vscreen_text(), "INSECURE"));
}

static void healthy_cluster_shows_its_numbers(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    char row[512];
    vscreen_row(row_with("prod-eu"), row, sizeof row);
    assert_non_null(strstr(row, "1.18.1"));
    assert_non_null(strstr(row, "12/16")); /* slots used/total */
    assert_non_null(strstr(row, " 2s"));   /* freshness */
}

static void unknown_values_show_dash_never_zero(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    dump();
    char row[512];
    int y = row_with("dev ");
    assert_true(y > 0);
    vscreen_row(y, row, sizeof row);
    assert_null(strchr(row, '0'));
    int dashes = 0;
    for (const char *p = row; (p = strstr(p, " -")) != NULL; p++)
        dashes++;
    assert_true(dashes >= 7); /* version, tm, slots, run, fail, fin, canc */
}

static void errored_cluster_shows_its_error_line(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 100);
    dump();
    char row[512];
    int y = row_with("staging");
    vscreen_row(y, row, sizeof row);
    assert_non_null(strstr(row, "Connection refused"));
    /* the error is drawn in the error colour */
    int x = (int)(strstr(row, "connect") - row);
    assert_int_equal(cell_attr(y, x), colors_attr(ROLE_ERROR));
}

static void stale_cluster_keeps_its_data_marked(void **state) {
    struct fixture *f = *state;
    f->app.now_ms = NOW + 60000; /* last good answer 62 s ago, polls every 2 s */
    f->app.last_refresh_ms = NOW + 59000;
    draw_at(f, 24, 80);
    dump();
    press(f, "\n");
    ui_draw(f->ui);
    dump();
    press(f, "q");
    ui_draw(f->ui);
    char row[512];
    vscreen_row(row_with("prod-eu"), row, sizeof row);
    assert_non_null(strstr(row, "stale 1m02s"));
    assert_non_null(strstr(row, "12/16")); /* the last good data stays */
}

static void enter_opens_the_jobs_screen(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    unsigned flags = ui_handle_key(f->ui, '\n');
    assert_true(flags & UI_REFETCH);
    assert_true(flags & UI_REDRAW);
    assert_int_equal(ui_focus_cluster(f->ui), 0);
    assert_null(ui_focus_job(f->ui)); /* no job screen open */
    ui_draw(f->ui);
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Jobs: prod-eu (5)"));
    assert_non_null(strstr(s, "orders-etl"));
    assert_non_null(strstr(s, "payments"));
    assert_non_null(strstr(s, "RUNNING"));
    assert_non_null(strstr(s, "FAILED"));
    assert_non_null(strstr(s, "RESTARTING"));
    assert_non_null(strstr(s, "2024-03-01 11:34:56"));
    /* problems first: the failed job is the first row, then the restarting one */
    int failed = row_with("payments"), restarting = row_with("fraud-score");
    int running = row_with("orders-etl"), finished = row_with("clickstream");
    assert_true(failed < restarting && restarting < running && running < finished);
    /* parallelism unknown until the details arrive: "-" and the task count */
    char row[512];
    assert_non_null(strstr(vscreen_row(failed, row, sizeof row), "-/8"));
    /* states carry their colours */
    int x = (int)(strstr(vscreen_row(running, row, sizeof row), "RUNNING") - row);
    assert_int_equal(cell_attr(running, x), colors_attr(ROLE_STATE_OK));
    x = (int)(strstr(vscreen_row(restarting, row, sizeof row), "RESTARTING") - row);
    assert_int_equal(cell_attr(restarting, x), colors_attr(ROLE_STATE_WARN));
    /* q goes back, it does not quit from here */
    assert_int_equal(ui_handle_key(f->ui, 'q') & UI_QUIT, 0);
    assert_int_equal(ui_focus_cluster(f->ui), -1);
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "Clusters (3)"));
}

static void help_lists_every_key(void **state) {
    struct fixture *f = *state;
    draw_at(f, 40, 100);
    ui_handle_key(f->ui, '?');
    ui_draw(f->ui);
    dump();
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Help"));
    const char *keys[] = {"Up k", "Down j", "PgUp", "PgDn", "g Home", "G End", "Enter",
                          "/",    "<",      ">",    "I",    "Esc",    "q",     "?"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        assert_non_null(strstr(s, keys[i]));
    assert_non_null(strstr(s, "quit"));
    assert_non_null(strstr(s, "filter"));
    /* ? closes it again; so does Esc */
    ui_handle_key(f->ui, '?');
    ui_draw(f->ui);
    assert_null(strstr(vscreen_text(), "Help"));
    ui_handle_key(f->ui, '?');
    ui_handle_key(f->ui, 27);
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "Clusters (3)"));
}

static void sort_keys_change_the_order(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "\n");
    ui_draw(f->ui);
    dump();
    char row[512];
    assert_non_null(strstr(vscreen_row(1, row, sizeof row), "STATE\xe2\x96\xb2"));
    /* < moves the sort to NAME: alphabetical (the CJK name sorts last by bytes) */
    press(f, "<");
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_row(1, row, sizeof row), "NAME\xe2\x96\xb2"));
    assert_true(row_with("clickstream") < row_with("fraud-score"));
    assert_true(row_with("fraud-score") < row_with("orders-etl"));
    assert_true(row_with("payments") < row_with(CJK_HEAD));
    /* I inverts it */
    press(f, "I");
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_row(1, row, sizeof row), "NAME\xe2\x96\xbc"));
    assert_true(row_with(CJK_HEAD) < row_with("payments"));
    assert_true(row_with("orders-etl") < row_with("clickstream"));
    /* > back to STATE, still inverted: finished first */
    press(f, ">");
    ui_draw(f->ui);
    assert_true(row_with("clickstream") < row_with("payments"));
}

static void filter_narrows_rows_enter_keeps_esc_clears(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "\n/fail");
    ui_draw(f->ui);
    dump();
    char row[512];
    assert_non_null(strstr(vscreen_row(LINES - 1, row, sizeof row), "/fail"));
    assert_true(row_with("payments") > 0); /* state FAILED matches */
    assert_int_equal(row_with("orders-etl"), -1);
    assert_int_equal(row_with("fraud-score"), -1);
    press(f, "\n"); /* keep it */
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "1 of 5, filter: fail"));
    assert_int_equal(row_with("orders-etl"), -1);
    assert_non_null(strstr(vscreen_row(LINES - 1, row, sizeof row), "refreshed"));
    /* by id, and case does not matter */
    press(f, "/");
    ui_handle_key(f->ui, 27);
    press(f, "/A0000000000000000000000000000003");
    ui_draw(f->ui);
    assert_true(row_with("clickstream") > 0);
    assert_int_equal(row_with("payments"), -1);
    ui_handle_key(f->ui, 27); /* Esc clears */
    ui_draw(f->ui);
    assert_true(row_with("orders-etl") > 0);
    assert_true(row_with("payments") > 0);
    assert_non_null(strstr(vscreen_text(), "Jobs: prod-eu (5)"));
}

static void esc_clears_a_kept_filter_before_going_back(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "\n/pay\n");
    ui_handle_key(f->ui, 27);
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "Jobs: prod-eu (5)"));
    ui_handle_key(f->ui, 27);
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "Clusters (3)"));
    /* Esc on the top screen does nothing, it never quits */
    assert_int_equal(ui_handle_key(f->ui, 27), 0);
}

static void filter_with_no_match_says_so(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "/zzz");
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "nothing matches \"zzz\""));
}

static void cjk_name_is_cut_between_characters(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 60);
    press(f, "\n");
    ui_draw(f->ui);
    int y = row_with(CJK_HEAD);
    assert_true(y > 0);
    char row[512];
    vscreen_row(y, row, sizeof row);
    assert_non_null(strstr(row, ELLIPSIS));  /* cut */
    assert_null(strstr(row, CJK_NAME));      /* not whole */
    assert_non_null(strstr(row, "RUNNING")); /* and the next column is intact */
    /* whole characters: the row decodes as UTF-8 (wcstombs failed otherwise) */
    mbstate_t st;
    memset(&st, 0, sizeof st);
    const char *p = row;
    assert_true(mbsrtowcs(NULL, &p, 0, &st) != (size_t)-1);
    /* every width the terminal may take: still never split, never a crash */
    for (int cols = 40; cols <= 120; cols++) {
        draw_at(f, 24, cols);
        int yy = row_with(CJK_HEAD);
        assert_true(yy > 0);
        assert_non_null(strstr(vscreen_row(yy, row, sizeof row), "RUNNING"));
    }
}

static void at_80x24_everything_useful_shows(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    char row[512];
    vscreen_row(1, row, sizeof row);
    const char *titles[] = {"NAME", "VERSION", "TM", "SLOTS", "RUN", "FAIL", "UPDATED"};
    for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++)
        assert_non_null(strstr(row, titles[i]));
    press(f, "\n");
    ui_draw(f->ui);
    vscreen_row(1, row, sizeof row); /* the column header */
    const char *jt[] = {"NAME", "STATE", "UPTIME", "PAR/TASKS", "STARTED"};
    for (size_t i = 0; i < sizeof jt / sizeof jt[0]; i++)
        assert_non_null(strstr(row, jt[i]));
}

static void narrow_terminal_drops_columns_not_the_name(void **state) {
    struct fixture *f = *state;
    draw_at(f, 10, 40);
    dump();
    const char *s = vscreen_text();
    assert_null(strstr(s, "too small"));
    assert_non_null(strstr(s, "prod-eu"));
    assert_non_null(strstr(s, "staging"));
    assert_non_null(strstr(s, "FAIL"));
}

static void tiny_terminal_says_too_small(void **state) {
    struct fixture *f = *state;
    draw_at(f, 5, 20);
    dump();
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "terminal too small"));
    assert_non_null(strstr(s, "20x5"));
    /* keys still work while it is too small */
    press(f, "\n?jk/x");
    ui_handle_key(f->ui, 27);
    ui_handle_key(f->ui, 27);
    ui_handle_key(f->ui, 27);
    draw_at(f, 7, 39);
    assert_non_null(strstr(vscreen_text(), "terminal too small"));
}

static void every_small_size_draws_without_crashing(void **state) {
    struct fixture *f = *state;
    for (int rows = 1; rows <= 12; rows++)
        for (int cols = 1; cols <= 90; cols += (cols < 45 ? 1 : 7))
            draw_at(f, rows, cols);
    press(f, "\n");
    for (int rows = 1; rows <= 12; rows++)
        for (int cols = 1; cols <= 90; cols += (cols < 45 ? 1 : 7))
            draw_at(f, rows, cols);
    press(f, "?");
    for (int rows = 1; rows <= 12; rows++)
        for (int cols = 1; cols <= 90; cols += 3)
            draw_at(f, rows, cols);
    draw_at(f, 1, 1);
    draw_at(f, 24, 0); /* curses may refuse: whatever it keeps must draw */
    draw_at(f, 0, 0);
    draw_at(f, 24, 80);
    assert_non_null(strstr(vscreen_text(), "Help"));
}

static void q_on_the_top_screen_quits(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    assert_true(ui_handle_key(f->ui, 'q') & UI_QUIT);
}

static void keys_are_read_from_the_terminal(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    ui_read_keys(f->ui);                      /* resizeterm queued a KEY_RESIZE */
    assert_int_equal(ui_read_keys(f->ui), 0); /* nothing typed: returns at once */
    unget_wch(L'j');
    assert_int_equal(ui_read_keys(f->ui), UI_REDRAW);
    ungetch(KEY_RESIZE);
    assert_true(ui_read_keys(f->ui) & UI_REDRAW);
    unget_wch(L'q');
    assert_true(ui_read_keys(f->ui) & UI_QUIT);
}

static void no_color_means_plain_attributes(void **state) {
    (void)state;
    setenv("NO_COLOR", "1", 1);
    colors_init(true);
    unsetenv("NO_COLOR");
    assert_int_equal(colors_attr(ROLE_SELECTED), A_REVERSE);
    assert_int_equal(colors_attr(ROLE_STATE_BAD) & A_COLOR, 0);
    colors_init(true);
    assert_int_not_equal(colors_attr(ROLE_STATE_BAD) & A_COLOR, 0);
    /* an empty NO_COLOR does not count (no-color.org) */
    setenv("NO_COLOR", "", 1);
    colors_init(true);
    unsetenv("NO_COLOR");
    assert_int_not_equal(colors_attr(ROLE_STATE_BAD) & A_COLOR, 0);
}

static void moving_marks_the_selected_row(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    attr_t sel = colors_attr(ROLE_SELECTED);
    assert_int_equal(cell_attr(row_with("prod-eu"), 0), sel);
    press(f, "j");
    ui_draw(f->ui);
    assert_int_equal(cell_attr(row_with("staging"), 0), sel);
    assert_int_not_equal(cell_attr(row_with("prod-eu"), 0), sel);
    press(f, "G");
    ui_draw(f->ui);
    assert_int_equal(cell_attr(row_with("dev "), 0), sel);
    ui_handle_key(f->ui, KEY_HOME);
    ui_draw(f->ui);
    assert_int_equal(cell_attr(row_with("prod-eu"), 0), sel);
    /* Enter on the selected row opens that cluster */
    press(f, "jj\n");
    assert_int_equal(ui_focus_cluster(f->ui), 2);
}

static void selection_follows_the_job_across_a_refresh(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "\n");
    ui_draw(f->ui);
    press(f, "jjj"); /* payments, fraud-score, orders-etl or the CJK job: find by screen */
    ui_draw(f->ui);
    attr_t sel = colors_attr(ROLE_SELECTED);
    char row[512];
    int y = 0;
    for (y = 3; y < LINES; y++)
        if (cell_attr(y, 0) == sel)
            break;
    vscreen_row(y, row, sizeof row);
    char name[64];
    snprintf(name, sizeof name, "%s", strstr(row, "orders-etl") ? "orders-etl" : CJK_HEAD);
    /* the poll replaces the list: other order, other memory, one job gone */
    struct cluster *c = &f->app.clusters[0];
    job_list_free(&c->jobs);
    add_job(c, "a0000000000000000000000000000004", CJK_NAME, JOB_RUNNING, 8, 24);
    add_job(c, "a0000000000000000000000000000003", "clickstream", JOB_FINISHED, 2, 6);
    add_job(c, "a0000000000000000000000000000001", "orders-etl", JOB_RUNNING, 4, 12);
    add_job(c, "a0000000000000000000000000000005", "fraud-score", JOB_FAILED, 4, 12);
    ui_draw(f->ui);
    assert_int_equal(cell_attr(row_with(name), 0), sel);
}

static void ascii_mode_draws_no_glyphs_of_its_own(void **state) {
    struct fixture *f = *state;
    ui_free(f->ui);
    f->app.ascii = true;
    free(f->app.clusters[1].name);
    f->app.clusters[1].name = xstrdup("staging-with-a-very-long-name-that-must-be-cut-short");
    f->ui = ui_new(&f->app);
    ui_start_screen(f->ui, f->sp);
    press(f, ">"); /* a sort mark in the header */
    draw_at(f, 24, 80);
    const char *s = vscreen_text();
    for (const char *p = s; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    assert_non_null(strstr(s, "NAME^"));
    assert_non_null(strstr(s, "~")); /* the long name, cut */
    press(f, "j"); /* by name: dev, production, staging-...: production's jobs */
    press(f, "\n");
    draw_at(f, 24, 60);
    dump();
    char row[512];
    vscreen_row(0, row, sizeof row);
    for (const char *p = row; *p; p++)
        assert_true((unsigned char)*p < 0x80);
    assert_non_null(strstr(vscreen_row(1, row, sizeof row), "STATE^"));
    /* user data too: one '?' a cell beyond ASCII, so the columns line up; cut with ~ */
    for (const char *p = vscreen_text(); *p; p++)
        assert_true((unsigned char)*p < 0x80);
    int y = row_with("??????");
    assert_true(y > 0);
    assert_non_null(strstr(vscreen_row(y, row, sizeof row), "~"));
    assert_non_null(strstr(row, "RUNNING"));
}

static void jobs_of_a_cluster_that_never_answered_show_the_error(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "j\n");
    assert_int_equal(ui_focus_cluster(f->ui), 1);
    ui_draw(f->ui);
    dump();
    assert_non_null(strstr(vscreen_text(), "Connection refused"));
    assert_null(strstr(vscreen_text(), "RUNNING"));
}

static void job_counts_come_from_the_job_list(void **state) {
    struct fixture *f = *state;
    struct job_counts jc;
    app_job_counts(&f->app.clusters[0], &jc);
    assert_int_equal(jc.running, 2);
    assert_int_equal(jc.failed, 1);
    assert_int_equal(jc.finished, 1);
    assert_int_equal(jc.cancelled, 0);
    assert_int_equal(jc.other, 1);
    /* never answered: unknown, not zero */
    app_job_counts(&f->app.clusters[1], &jc);
    assert_int_equal(jc.running, -1);
    assert_int_equal(jc.failed, -1);
    /* only the overview: its numbers */
    struct cluster *dev = &f->app.clusters[2];
    dev->overview.jobs_running = 3;
    dev->overview.jobs_failed = 1;
    app_job_counts(dev, &jc);
    assert_int_equal(jc.running, 3);
    assert_int_equal(jc.failed, 1);
    assert_int_equal(jc.finished, -1);
    assert_int_equal(jc.other, -1);
}

static void stale_means_old_or_failed_since_last_good(void **state) {
    struct fixture *f = *state;
    struct cluster *prod = &f->app.clusters[0];
    assert_false(app_cluster_stale(&f->app, prod));
    assert_false(app_cluster_stale(&f->app, &f->app.clusters[1])); /* no data to be stale */
    f->app.now_ms = NOW + 30000;
    assert_true(app_cluster_stale(&f->app, prod));
    f->app.now_ms = NOW;
    prod->sources[SRC_JOBS].state = SOURCE_ERROR;
    assert_true(app_cluster_stale(&f->app, prod));
    prod->sources[SRC_JOBS].state = SOURCE_OK;
    /* /config is asked once a minute: its age does not make the cluster stale */
    prod->sources[SRC_CONFIG].last_ok_ms = NOW - 50000;
    assert_false(app_cluster_stale(&f->app, prod));
}

/* ---- the command line, flash messages, keys from the config, job tab filters ---- */

/* Type UTF-8 text one character (code point) at a time, as wget_wch delivers it. */
static void type(struct fixture *f, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = *p++;
        int more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        cp &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0x7F;
        for (; more > 0 && *p; more--)
            cp = (cp << 6) | (*p++ & 0x3F);
        ui_handle_key(f->ui, (int)cp);
    }
}

/* Type a command and press Enter; returns the flags of Enter. */
static unsigned command(struct fixture *f, const char *line) {
    ui_handle_key(f->ui, ':');
    type(f, line);
    return ui_handle_key(f->ui, '\n');
}

static const char *status_row(void) {
    static char row[512];
    return vscreen_row(LINES - 1, row, sizeof row);
}

static void colon_cluster_opens_its_jobs(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, ":");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), ":"));
    assert_non_null(strstr(status_row(), "Esc cancel"));
    press(f, "cluster stag");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), ":cluster stag"));
    unsigned flags = ui_handle_key(f->ui, '\n');
    assert_true(flags & UI_REFETCH);
    assert_int_equal(ui_focus_cluster(f->ui), 1);
    ui_draw(f->ui);
    char row[512];
    assert_non_null(strstr(vscreen_row(0, row, sizeof row), "Jobs: staging"));
    /* from a job screen too, and back goes to the clusters */
    command(f, "cluster prod-eu");
    assert_int_equal(ui_focus_cluster(f->ui), 0);
    press(f, "q");
    assert_int_equal(ui_focus_cluster(f->ui), -1);
}

static void colon_job_opens_a_job_on_any_cluster(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    unsigned flags = command(f, "job " CJK_NAME);
    assert_true(flags & UI_REFETCH);
    assert_string_equal(ui_focus_job(f->ui), "a0000000000000000000000000000004");
    assert_int_equal(ui_focus_cluster(f->ui), 0);
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "1 Overview"));
    /* by id, and a unique start of one */
    command(f, "job A0000000000000000000000000000002");
    assert_string_equal(ui_focus_job(f->ui), "a0000000000000000000000000000002");
    command(f, "job a000000000000000000000000000000");
    assert_string_equal(ui_focus_job(f->ui), "a0000000000000000000000000000002"); /* ambiguous */
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "ambiguous"));
    /* q goes back to that cluster's jobs */
    press(f, "q");
    assert_null(ui_focus_job(f->ui));
    assert_int_equal(ui_focus_cluster(f->ui), 0);
}

static void colon_job_with_a_name_on_two_clusters_says_where(void **state) {
    struct fixture *f = *state;
    add_job(&f->app.clusters[2], "b0000000000000000000000000000001", "orders-etl", JOB_RUNNING, 1,
            1);
    draw_at(f, 24, 120);
    command(f, "job orders-etl");
    assert_null(ui_focus_job(f->ui));
    ui_draw(f->ui);
    dump();
    const char *s = status_row();
    assert_non_null(strstr(s, "ambiguous: 2 jobs are named orders-etl (on prod-eu, dev)"));
    assert_non_null(strstr(s, ":job ID"));
    /* the next key takes the message away */
    press(f, "j");
    ui_draw(f->ui);
    assert_null(strstr(status_row(), "ambiguous"));
    assert_non_null(strstr(status_row(), "3 clusters"));
    command(f, "job nosuchjob");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "no job nosuchjob"));
}

static void unknown_command_says_what_there_is(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 100);
    command(f, "nosuch x");
    ui_draw(f->ui);
    assert_non_null(strstr(
        status_row(), "unknown command: nosuch (try :ctx :ns :cluster :job :theme :alerts :q)"));
    /* in the error colour */
    assert_int_equal(cell_attr(LINES - 1, 1), colors_attr(ROLE_STATUSBAR_BAD) | A_BOLD);
}

static void colon_q_quits_and_esc_cancels(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, "\n"); /* not from the top screen only */
    ui_handle_key(f->ui, ':');
    press(f, "q");
    ui_handle_key(f->ui, 27);
    assert_int_equal(ui_focus_cluster(f->ui), 0); /* Esc closed the line, not the screen */
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "? help"));
    assert_true(command(f, "q") & UI_QUIT);
    assert_true(command(f, "quit") & UI_QUIT);
}

static void tab_completes_commands_and_cluster_names(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    press(f, ":clu\t");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), ":cluster "));
    press(f, "st\t");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), ":cluster staging"));
    ui_handle_key(f->ui, 27);
    /* job names, CJK included; Up brings back the last command run */
    command(f, "cluster dev");
    type(f, ":job \xe5\xae\x9e\t");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), ":job " CJK_HEAD));
    ui_handle_key(f->ui, 27);
    ui_handle_key(f->ui, ':');
    ui_handle_key(f->ui, KEY_UP);
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), ":cluster dev"));
}

static void scope_and_theme_without_hooks_say_why(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    command(f, "ctx prod");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "no kubeconfig in use"));
    command(f, "ns all");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "no kubeconfig in use"));
    command(f, "theme light");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "not available"));
}

struct hook_calls {
    char theme[64];
    int themes;
};

static int theme_hook(void *arg, const char *name, char *err, size_t errlen) {
    struct hook_calls *h = arg;
    h->themes++;
    snprintf(h->theme, sizeof h->theme, "%s", name);
    if (strcmp(name, "nosuch") == 0) {
        snprintf(err, errlen, "no theme nosuch (try default, light)");
        return -1;
    }
    return 0;
}

static size_t complete_hook(void *arg, const char *verb, const char ***out) {
    (void)arg;
    static const char *themes[] = {"default", "light", "solarized-dark"};
    if (strcmp(verb, "theme") != 0)
        return 0;
    *out = themes;
    return 3;
}

static void theme_goes_through_the_hook(void **state) {
    struct fixture *f = *state;
    struct hook_calls calls = {"", 0};
    struct ui_hooks h = {&calls, theme_hook, NULL, complete_hook};
    ui_set_hooks(f->ui, &h);
    draw_at(f, 24, 80);
    press(f, ":theme so\t\n");
    assert_int_equal(calls.themes, 1);
    assert_string_equal(calls.theme, "solarized-dark");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "theme solarized-dark"));
    command(f, "theme nosuch");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "no theme nosuch (try default, light)"));
    ui_set_hooks(f->ui, NULL);
}

static void flash_shows_until_a_key_or_its_time(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    ui_flash(f->ui, UI_FLASH_INFO, "config reloaded \x1b[31m from %s", "a.yaml");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "config reloaded [31m from a.yaml")); /* no ESC */
    assert_non_null(strstr(status_row(), "3 clusters"));                       /* the rest stays */
    f->app.now_ms = NOW + UI_FLASH_MS - 1;
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "config reloaded"));
    f->app.now_ms = NOW + UI_FLASH_MS;
    ui_draw(f->ui);
    assert_null(strstr(status_row(), "config reloaded"));
    /* a key takes it away at once */
    ui_flash(f->ui, UI_FLASH_ERROR, "boom");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "boom"));
    assert_true(ui_handle_key(f->ui, 'k') & UI_REDRAW);
    ui_draw(f->ui);
    assert_null(strstr(status_row(), "boom"));
}

static void action_keys_ask_first_and_honour_readonly(void **state) {
    struct fixture *f = *state;
    struct http *h = http_new(1000, 1024);
    struct operations *ops = operations_new(h, NULL, NULL);
    f->app.ops = ops;
    struct action_engine *e = action_engine_new(&f->app, ops);
    action_engine_set_audit(e, NULL, "no audit log here", true); /* audit: optional */
    f->app.actions = e;
    draw_at(f, 24, 80);
    /* a plain cluster that names no savepoint directory: asked for one first; Esc
     * leaves with nothing sent */
    press(f, "\ns");
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "Savepoint directory"));
    press(f, "\x1b");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "savepoint cancelled: nothing sent"));
    assert_int_equal(operations_count(ops), 0);
    f->app.readonly = true;
    press(f, "R");
    ui_draw(f->ui);
    assert_non_null(strstr(status_row(), "read-only: restart not sent"));
    char row[512];
    assert_non_null(strstr(vscreen_row(0, row, sizeof row), "READ-ONLY"));
    int x = (int)(strstr(row, "READ-ONLY") - row);
    assert_int_equal(cell_attr(0, x), colors_attr(ROLE_ERROR) | A_BOLD);
    assert_non_null(strstr(row, "12:34:56")); /* the clock stays */
    /* Ctrl-R asks main to reload */
    assert_true(ui_handle_key(f->ui, 18) & UI_RELOAD);
    assert_int_equal(operations_count(ops), 0);
    f->app.ops = NULL;
    f->app.actions = NULL;
    action_engine_free(e);
    operations_free(ops);
    http_free(h);
}

static void a_configured_key_opens_help_and_help_lists_it(void **state) {
    struct fixture *f = *state;
    struct config c;
    config_init(&c);
    c.known_actions = keymap_action_names(&c.n_known_actions);
    const char *yaml = "keys: {help: f2}\n";
    char err[256];
    assert_int_equal(config_load_string(yaml, strlen(yaml), "k.yaml", &c, err, sizeof err), 0);
    assert_int_equal(keymap_apply(c.keys, c.n_keys, err, sizeof err), 0);
    config_free(&c);
    draw_at(f, 60, 100);
    press(f, "?");
    ui_draw(f->ui);
    assert_null(strstr(vscreen_text(), "Help"));
    ui_handle_key(f->ui, KEY_F(2));
    ui_draw(f->ui);
    dump();
    const char *s = vscreen_text();
    assert_non_null(strstr(s, "Help: Clusters"));
    char row[512];
    int y = row_with("show or close this help");
    assert_true(y > 0);
    assert_non_null(strstr(vscreen_row(y, row, sizeof row), "F2"));
    assert_null(strstr(row, "?"));
    /* the action keys and the commands are listed too */
    assert_true(row_with("trigger a savepoint") > 0);
    assert_true(row_with(":job NAME|ID") > 0);
    assert_true(row_with("Ctrl-R") > 0);
}

static void add_tm(struct cluster *c, const char *id) {
    c->taskmanagers.items =
        xrealloc(c->taskmanagers.items, (c->taskmanagers.len + 1) * sizeof *c->taskmanagers.items);
    struct taskmanager *t = &c->taskmanagers.items[c->taskmanagers.len++];
    memset(t, 0, sizeof *t);
    t->id = xstrdup(id);
    t->slots_total = 4;
    t->slots_free = 1;
}

static void slash_filters_the_task_managers_tab(void **state) {
    struct fixture *f = *state;
    struct cluster *prod = &f->app.clusters[0];
    add_tm(prod, "prod-taskmanager-1-1");
    add_tm(prod, "prod-taskmanager-1-2");
    add_tm(prod, "prod-taskmanager-1-3");
    draw_at(f, 24, 100);
    command(f, "job orders-etl");
    press(f, "4");
    ui_draw(f->ui);
    assert_true(row_with("taskmanager-1-1") > 0);
    assert_true(row_with("taskmanager-1-3") > 0);
    press(f, "/1-2");
    ui_draw(f->ui);
    dump();
    assert_non_null(strstr(status_row(), "/1-2"));
    assert_true(row_with("taskmanager-1-2") > 0);
    assert_int_equal(row_with("taskmanager-1-1"), -1);
    assert_int_equal(row_with("taskmanager-1-3"), -1);
    press(f, "\n"); /* kept: the title says so */
    ui_draw(f->ui);
    char row[512];
    assert_non_null(strstr(vscreen_row(0, row, sizeof row), "1 of 3, filter: 1-2"));
    /* each tab has its own: the overview's vertices are not filtered */
    press(f, "1");
    ui_draw(f->ui);
    assert_null(strstr(vscreen_row(0, row, sizeof row), "filter"));
    press(f, "4/zzz\n"); /* typed after what was kept */
    ui_draw(f->ui);
    assert_non_null(strstr(vscreen_text(), "nothing matches \"1-2zzz\""));
    /* Esc clears the filter first, then leaves the screen */
    ui_handle_key(f->ui, 27);
    ui_draw(f->ui);
    assert_true(row_with("taskmanager-1-1") > 0);
    assert_non_null(ui_focus_job(f->ui));
    ui_handle_key(f->ui, 27);
    assert_null(ui_focus_job(f->ui));
}

static void mouse_is_off_unless_asked_for(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    MEVENT ev = {0, 2, row_with("staging"), 0, BUTTON1_CLICKED};
    ungetmouse(&ev);
    ui_read_keys(f->ui);
    ui_draw(f->ui);
    attr_t sel = colors_attr(ROLE_SELECTED);
    assert_int_equal(cell_attr(row_with("prod-eu"), 0), sel); /* the click did nothing */
}

static void mouse_click_selects_double_click_opens(void **state) {
    struct fixture *f = *state;
    ui_free(f->ui);
    f->app.mouse = true;
    f->ui = ui_new(&f->app);
    ui_start_screen(f->ui, f->sp);
    draw_at(f, 24, 80);
    ui_read_keys(f->ui); /* the KEY_RESIZE */
    attr_t sel = colors_attr(ROLE_SELECTED);
    MEVENT ev = {0, 2, row_with("dev "), 0, BUTTON1_CLICKED};
    ungetmouse(&ev);
    assert_true(ui_read_keys(f->ui) & UI_REDRAW);
    ui_draw(f->ui);
    assert_int_equal(cell_attr(row_with("dev "), 0), sel);
    /* a click on the header selects nothing */
    MEVENT head = {0, 2, 1, 0, BUTTON1_CLICKED};
    ungetmouse(&head);
    ui_read_keys(f->ui);
    ui_draw(f->ui);
    assert_int_equal(cell_attr(row_with("dev "), 0), sel);
    MEVENT dbl = {0, 2, row_with("staging"), 0, BUTTON1_DOUBLE_CLICKED};
    ungetmouse(&dbl);
    assert_true(ui_read_keys(f->ui) & UI_REFETCH);
    assert_int_equal(ui_focus_cluster(f->ui), 1);
    /* a reload that turns it off takes effect at the next frame */
    f->app.mouse = false;
    press(f, "q");
    ui_draw(f->ui);
    MEVENT off = {0, 2, row_with("dev "), 0, BUTTON1_DOUBLE_CLICKED};
    ungetmouse(&off);
    ui_read_keys(f->ui);
    assert_int_equal(ui_focus_cluster(f->ui), -1);
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    tzset();
    unsetenv("NO_COLOR");
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(clusters_screen_lists_every_cluster),
        T(footer_names_the_oldest_data_and_its_source),
        T(insecure_connection_is_marked_on_header_and_row),
        T(healthy_cluster_shows_its_numbers),
        T(unknown_values_show_dash_never_zero),
        T(errored_cluster_shows_its_error_line),
        T(stale_cluster_keeps_its_data_marked),
        T(enter_opens_the_jobs_screen),
        T(help_lists_every_key),
        T(sort_keys_change_the_order),
        T(filter_narrows_rows_enter_keeps_esc_clears),
        T(esc_clears_a_kept_filter_before_going_back),
        T(filter_with_no_match_says_so),
        T(cjk_name_is_cut_between_characters),
        T(at_80x24_everything_useful_shows),
        T(narrow_terminal_drops_columns_not_the_name),
        T(tiny_terminal_says_too_small),
        T(every_small_size_draws_without_crashing),
        T(q_on_the_top_screen_quits),
        T(keys_are_read_from_the_terminal),
        T(no_color_means_plain_attributes),
        T(moving_marks_the_selected_row),
        T(selection_follows_the_job_across_a_refresh),
        T(ascii_mode_draws_no_glyphs_of_its_own),
        T(jobs_of_a_cluster_that_never_answered_show_the_error),
        T(job_counts_come_from_the_job_list),
        T(stale_means_old_or_failed_since_last_good),
        T(colon_cluster_opens_its_jobs),
        T(colon_job_opens_a_job_on_any_cluster),
        T(colon_job_with_a_name_on_two_clusters_says_where),
        T(unknown_command_says_what_there_is),
        T(colon_q_quits_and_esc_cancels),
        T(tab_completes_commands_and_cluster_names),
        T(scope_and_theme_without_hooks_say_why),
        T(theme_goes_through_the_hook),
        T(flash_shows_until_a_key_or_its_time),
        T(action_keys_ask_first_and_honour_readonly),
        T(a_configured_key_opens_help_and_help_lists_it),
        T(slash_filters_the_task_managers_tab),
        T(mouse_is_off_unless_asked_for),
        T(mouse_click_selects_double_click_opens),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
