/* The job screen rendered into a virtual screen over a synthetic job: each tab shows
 * its key facts at 80x24, keys switch tabs, Enter opens an exception's trace, a job
 * without details says it is loading, and odd sizes draw without a crash. */
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
#include <time.h>
#include <wchar.h>

#include "app.h"
#include "colors.h"
#include "ui.h"
#include "ui_screen.h"
#include "xalloc.h"
#include "vscreen.h"

#define NOW 1709296496000LL /* 2024-03-01 12:34:56 UTC */
#define JOB_ID "a0000000000000000000000000000001"
#define SAVEPOINT "s3://flink-prod/savepoints/savepoint-abc123"
#define CHECKPOINT "s3://flink-prod/checkpoints/orders/chk-42"
#define ROOT_LINE "java.lang.RuntimeException: boom in enrich"

struct fixture {
    FILE *out, *in;
    SCREEN *sp;
    struct app app;
    struct ui *ui;
};

static struct job *add_job(struct cluster *c, const char *id, const char *name) {
    c->jobs.items = xrealloc(c->jobs.items, (c->jobs.len + 1) * sizeof *c->jobs.items);
    struct job *j = &c->jobs.items[c->jobs.len++];
    job_init(j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->name = xstrdup(name);
    j->state = JOB_RUNNING;
    j->start_time = NOW - 3600000;
    j->duration_ms = 3600000;
    j->parallelism = 4;
    j->tasks_total = 12;
    return j;
}

static struct vertex *add_vertex(struct job_detail *d, const char *id, const char *name,
                                 const char *input, size_t par, double bp, double busy) {
    struct vertex_list *l = &d->vertices;
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct vertex *v = &l->items[l->len++];
    vertex_init(v);
    snprintf(v->id, sizeof v->id, "%s", id);
    v->name = xstrdup(name);
    v->status = xstrdup("RUNNING");
    v->parallelism = (int)par;
    if (input) {
        v->n_inputs = 1;
        v->inputs = xcalloc(1, sizeof *v->inputs);
        snprintf(v->inputs[0], sizeof v->inputs[0], "%s", input);
        v->ship = xcalloc(1, sizeof *v->ship);
        snprintf(v->ship[0], sizeof v->ship[0], "HASH");
    }
    v->busy_ms = busy * 1000;
    v->backpressured_ms = bp * 1000;
    v->idle_ms = 1000 - v->busy_ms - v->backpressured_ms;
    v->bp_sampled = true;
    v->n_subtasks = par;
    v->bp_ratio = xcalloc(par, sizeof(double));
    v->busy_ratio = xcalloc(par, sizeof(double));
    v->idle_ratio = xcalloc(par, sizeof(double));
    for (size_t i = 0; i < par; i++) {
        v->bp_ratio[i] = bp * (i % 2 ? 1.0 : 0.9);
        v->busy_ratio[i] = busy;
        v->idle_ratio[i] = 1 - bp - busy;
    }
    return v;
}

static void set_checkpoint(struct checkpoint *c, int64_t id, const char *status, int64_t trigger,
                           int64_t duration, int64_t size, const char *path) {
    checkpoint_init(c);
    c->id = id;
    c->status = xstrdup(status);
    c->trigger_ts = trigger;
    c->ack_ts = trigger + duration;
    c->duration_ms = duration;
    c->size_bytes = size;
    c->path = path ? xstrdup(path) : NULL;
}

static char *trace_text(void) {
    char *t = xstrdup(ROOT_LINE);
    for (int i = 1; i <= 40; i++) {
        char *next = xasprintf("%s\n    at com.example.Enrich.frame%02d(Enrich.java:%d)", t, i, i);
        free(t);
        t = next;
    }
    return t;
}

static void add_exception(struct exceptions *e, const char *name, const char *first, char *trace,
                          int64_t ts, const char *task) {
    e->entries = xrealloc(e->entries, (e->len + 1) * sizeof *e->entries);
    struct exception_entry *x = &e->entries[e->len++];
    x->name = xstrdup(name);
    x->message = xstrdup(first);
    x->stacktrace = trace ? trace : xstrdup(first);
    x->timestamp = ts;
    x->task = task ? xstrdup(task) : NULL;
    x->endpoint = xstrdup("10.0.0.7:6121");
}

static void build_detail(struct job *j) {
    struct job_detail *d = job_detail_new(60);
    j->detail = d;
    add_vertex(d, "v1", "Source: orders", NULL, 4, 0.8, 0.1);
    add_vertex(d, "v2", "Map: enrich", "v1", 4, 0.7, 0.2);
    add_vertex(d, "v3", "Sink: warehouse", "v2", 4, 0.0, 0.95);
    d->vertices.items[0].in_per_s = 0;
    d->vertices.items[0].out_per_s = 12345;
    d->vertices.items[1].in_per_s = 12345;
    d->vertices.items[1].out_per_s = 12000;
    d->vertices.items[2].in_per_s = 12000;
    d->vertices.items[2].out_per_s = 0;
    d->vertices_ms = NOW - 1000;
    for (int i = 0; i < 30; i++) {
        ring_push(&d->history.in_per_s, 10000 + 100 * i);
        ring_push(&d->history.out_per_s, 9000 + 100 * i);
        for (size_t k = 0; k < d->vertices.len; k++) {
            struct vertex_history *vh = job_history_vertex(&d->history, d->vertices.items[k].id);
            ring_push(&vh->in_per_s, 1000 + i * 10);
            ring_push(&vh->out_per_s, 1000 + i * 10);
        }
        ring_push(&d->history.cp_duration_ms, 3000 + 10 * i);
        ring_push(&d->history.cp_size, 40e6 + 1e5 * i);
    }
    d->records_in_per_s = 12345;
    d->records_out_per_s = 12000;

    struct checkpoint_stats *s = &d->checkpoints;
    s->total = 15;
    s->completed = 12;
    s->failed = 2;
    s->in_progress = 1;
    s->restored = 1;
    set_checkpoint(&s->last_completed, 42, "COMPLETED", NOW - 43000, 3200, 47815065, CHECKPOINT);
    set_checkpoint(&s->last_failed, 41, "FAILED", NOW - 300000, 600000, -1, NULL);
    s->last_failed.failure_ts = NOW - 300000;
    s->last_failed.failure_message = xstrdup("Checkpoint expired before completing.");
    set_checkpoint(&s->last_savepoint, 30, "COMPLETED", NOW - 7200000, 5000, 40000000, SAVEPOINT);
    s->last_savepoint.is_savepoint = true;
    s->n_history = 3;
    s->history = xcalloc(3, sizeof *s->history);
    set_checkpoint(&s->history[0], 43, "IN_PROGRESS", NOW - 2000, -1, -1, NULL);
    set_checkpoint(&s->history[1], 42, "COMPLETED", NOW - 43000, 3200, 47815065, CHECKPOINT);
    set_checkpoint(&s->history[2], 41, "FAILED", NOW - 300000, 600000, -1, NULL);
    d->have_checkpoints = true;
    d->cp_config.enabled = true;
    d->cp_config.mode = xstrdup("exactly_once");
    d->cp_config.interval_ms = 60000;
    d->cp_config.timeout_ms = 600000;
    d->cp_config.tolerable_failed = 3;
    d->have_cp_config = true;

    add_exception(&d->exceptions, "java.lang.RuntimeException", ROOT_LINE, trace_text(),
                  NOW - 300000, "Map: enrich (2/4)");
    add_exception(&d->exceptions, "java.io.IOException", "java.io.IOException: connection reset",
                  NULL, NOW - 900000, NULL);
    d->have_exceptions = true;
}

static void add_tm(struct cluster *c, const char *id, bool metrics) {
    struct taskmanager_list *l = &c->taskmanagers;
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct taskmanager *t = &l->items[l->len++];
    memset(t, 0, sizeof *t);
    t->id = xstrdup(id);
    t->path = xstrdup("pekko.tcp://flink@10.0.0.7:6122/user/rpc/taskmanager_0");
    t->slots_total = 4;
    t->slots_free = 1;
    t->last_heartbeat = NOW;
    t->cpu_cores = 2;
    t->physical_memory = -1;
    t->metrics = (struct tm_metrics){NAN, NAN, NAN, NAN, NAN, NAN};
    ring_init(&t->heap_used, 60);
    if (metrics) {
        t->metrics = (struct tm_metrics){1.5 * 1073741824.0, 2.0 * 1073741824.0, 0.42, 88, 12,
                                         NAN};
        t->metrics_ms = NOW - 1000;
        for (int i = 0; i < 20; i++)
            ring_push(&t->heap_used, 1e9 + 1e7 * i);
    }
}

static int setup(void **state) {
    struct fixture *f = xcalloc(1, sizeof *f);
    f->out = fopen("/dev/null", "w");
    f->in = fopen("/dev/null", "r");
    f->sp = newterm("xterm-256color", f->out, f->in);
    assert_non_null(f->sp);
    set_term(f->sp);
    resizeterm(24, 80);
    struct app *app = &f->app;
    app->n_clusters = 1;
    app->clusters = xcalloc(1, sizeof *app->clusters);
    app->refresh_ms = 2000;
    app->timeout_ms = 5000;
    app->history_len = 60;
    app->now_ms = NOW;
    app->last_refresh_ms = NOW - 1000;
    struct cluster *c = &app->clusters[0];
    cluster_init(c, "prod-eu", "http://prod:8081");
    for (int s = 0; s < SRC_COUNT; s++) {
        c->sources[s].state = SOURCE_OK;
        c->sources[s].last_ok_ms = NOW - 1000;
    }
    build_detail(add_job(c, JOB_ID, "orders-etl"));
    add_job(c, "a0000000000000000000000000000002", "payments"); /* details not fetched yet */
    add_tm(c, "orders-tm-1-1", true);
    add_tm(c, "orders-tm-1-2", false);
    f->ui = ui_new(app);
    ui_start_screen(f->ui, f->sp);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    ui_free(f->ui);
    endwin();
    delscreen(f->sp);
    fclose(f->out);
    fclose(f->in);
    cluster_free(&f->app.clusters[0]);
    free(f->app.clusters);
    free(f);
    return 0;
}

static int row_with(const char *s) {
    for (int y = 0; y < LINES; y++) {
        char row[4096];
        if (strstr(vscreen_row(y, row, sizeof row), s))
            return y;
    }
    return -1;
}

static void dump(void) {
    if (getenv("FLINKTOP_TEST_DUMP"))
        fprintf(stderr, "----\n%s----\n", vscreen_text());
}

static void draw_at(struct fixture *f, int rows, int cols) {
    resizeterm(rows, cols);
    ui_resize(f->ui);
    ui_draw(f->ui);
    dump();
}

static void press(struct fixture *f, const char *keys) {
    for (; *keys; keys++)
        ui_handle_key(f->ui, (unsigned char)*keys);
}

/* From the clusters screen to the job screen of orders-etl (the first job row). */
static void open_job(struct fixture *f) {
    press(f, "\n");
    assert_int_equal(ui_handle_key(f->ui, '\n'), UI_REDRAW | UI_REFETCH);
    assert_non_null(ui_focus_job(f->ui));
    assert_string_equal(ui_focus_job(f->ui), JOB_ID);
}

static void has(const char *s) {
    if (strstr(vscreen_text(), s) == NULL) {
        fprintf(stderr, "not on screen: %s\n%s", s, vscreen_text());
        fail();
    }
}

static void enter_on_a_job_opens_its_screen(void **state) {
    struct fixture *f = *state;
    open_job(f);
    draw_at(f, 24, 80);
    char row[512];
    vscreen_row(0, row, sizeof row);
    assert_non_null(strstr(row, "prod-eu"));
    assert_non_null(strstr(row, "orders-etl"));
    assert_non_null(strstr(row, "RUNNING"));
    vscreen_row(1, row, sizeof row); /* the tab bar */
    assert_non_null(strstr(row, "1 Overview"));
    assert_non_null(strstr(row, "5 Exc"));
    /* q goes back to the jobs, and the job is no longer refreshed first */
    press(f, "q");
    assert_null(ui_focus_job(f->ui));
    ui_draw(f->ui);
    has("Jobs: prod-eu");
}

static void overview_shows_vertices_and_the_chart(void **state) {
    struct fixture *f = *state;
    open_job(f);
    draw_at(f, 24, 80);
    has("Source: orders");
    has("Map: enrich");
    has("Sink: warehouse");
    has("12.3k"); /* records/s in SI */
    has("bottleneck: Sink: warehouse");
    has("last checkpoint 39s ago");
    has("records per second");
    has("now");
    has("-1m"); /* 30 points every 2 s */
    char row[512];
    int y = row_with("Map: enrich");
    vscreen_row(y, row, sizeof row);
    assert_non_null(strstr(row, "70%")); /* backpressured */
    assert_non_null(strstr(row, "20%")); /* busy */
    /* braille in the chart */
    assert_non_null(strstr(vscreen_text(), "\xe2\xa3"));
}

static void checkpoints_tab_shows_counts_paths_and_health(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "2");
    draw_at(f, 24, 80);
    has("completed 12");
    has("failed 2");
    has("in progress 1");
    has("restored 1");
    has("#42");
    has(CHECKPOINT);
    has(SAVEPOINT);
    has("Checkpoint expired before completing.");
    has("last took 3.2s of a 1m00s interval, timeout 10m00s");
    has("replay if restarted now: 43s");
    has("no failures in a row"); /* the newest is still running, then one completed */
    has("45.6 MiB");
    has("IN_PROGRESS");
    /* wider: same facts */
    draw_at(f, 50, 200);
    has(SAVEPOINT);
    has("replay if restarted now: 43s");
}

static void checkpoints_disabled_or_none_yet(void **state) {
    struct fixture *f = *state;
    struct job_detail *d = f->app.clusters[0].jobs.items[0].detail;
    open_job(f);
    press(f, "2");
    checkpoint_free(&d->checkpoints.last_completed);
    draw_at(f, 24, 80);
    has("no checkpoint completed yet");
    d->cp_config.enabled = false;
    draw_at(f, 24, 80);
    has("checkpointing disabled");
    press(f, "1");
    draw_at(f, 24, 80);
    has("checkpointing disabled");
}

static void backpressure_tab_shows_the_heatmap_and_bottleneck(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "3");
    draw_at(f, 24, 80);
    has("backpressured ratio per subtask");
    has("1 cell = 1 subtask");
    has("HIGH >50%");
    has("\u25c0 bottleneck");
    char row[512];
    vscreen_row(row_with("Sink: warehouse"), row, sizeof row);
    assert_non_null(strstr(row, "bottleneck"));
    assert_non_null(strstr(row, "OK"));
    vscreen_row(row_with("Source: orders"), row, sizeof row);
    assert_non_null(strstr(row, "\u2593")); /* above 0.5 */
    assert_non_null(strstr(row, "HIGH"));
    /* b: busy instead */
    press(f, "b");
    draw_at(f, 24, 80);
    has("busy ratio per subtask");
    vscreen_row(row_with("Sink: warehouse"), row, sizeof row);
    assert_non_null(strstr(row, "HIGH  95%"));
    press(f, "b");
    draw_at(f, 24, 80);
    has("backpressured ratio per subtask");
}

/* Enter on a heatmap row: that vertex's subtasks, busiest first, the skew called out; the
 * poller is told which vertex (ui_focus_vertex) until the screen closes. */
static void heatmap_enter_drills_into_the_vertex(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "3");
    draw_at(f, 24, 80);
    press(f, "j\n"); /* the cursor from the first row to Map: enrich, then Enter */
    assert_int_equal(ui_focus_tab(f->ui), UI_FOCUS_DRILL);
    assert_string_equal(ui_focus_vertex(f->ui), "v2");
    draw_at(f, 24, 80);
    has("Subtasks of Map: enrich");
    has("loading subtasks");
    /* the answers arrive: four subtasks, one much busier than the rest */
    struct job *j = cluster_find_job(&f->app.clusters[0], JOB_ID);
    struct vertex *v = job_detail_vertex(j->detail, "v2");
    static const double busy[4] = {0.2, 0.9, 0.1, 0.3};
    memcpy(v->busy_ratio, busy, sizeof busy);
    struct subtask_drill *d = subtask_drill_new("v2");
    d->subtasks.items = xcalloc(4, sizeof *d->subtasks.items);
    d->subtasks.len = 4;
    for (int i = 0; i < 4; i++) {
        struct subtask_info *st = &d->subtasks.items[i];
        st->index = i;
        st->status = xstrdup("RUNNING");
        st->attempt = 0;
        st->start_ms = NOW - 60000;
        st->duration_ms = 60000;
        st->read_records = i == 1 ? 4000000 : 1000000;
        st->write_records = st->read_records;
        st->read_bytes = st->write_bytes = -1;
        st->tm_id = xstrdup(i % 2 ? "orders-tm-1-2" : "orders-tm-1-1");
        st->host = xstrdup("10.0.0.7");
    }
    source_ok(&d->subtasks_src, NOW);
    j->detail->drill = d;
    draw_at(f, 24, 80);
    has("skew: busy max 90% (#1) / median 25% = 3.6x");
    has("TASK MANAGER");
    char row[512];
    vscreen_row(row_with("   1 RUNNING"), row, sizeof row);
    assert_non_null(strstr(row, "90%"));
    assert_non_null(strstr(row, "orders-tm-1-2"));
    assert_true(row_with("   1 RUNNING") < row_with("   2 RUNNING")); /* busiest first */
    assert_true(row_with("   3 RUNNING") < row_with("   0 RUNNING"));
    /* q: back to the heatmap, and the poller stops asking for the vertex */
    press(f, "q");
    draw_at(f, 24, 80);
    has("ratio per subtask");
    assert_null(ui_focus_vertex(f->ui));
    assert_int_equal(ui_focus_tab(f->ui), UI_FOCUS_SUBTASKS);
    /* Enter on the overview's selected vertex opens it too */
    press(f, "1");
    draw_at(f, 24, 80);
    press(f, "\n");
    assert_non_null(ui_focus_vertex(f->ui));
    assert_string_equal(ui_focus_vertex(f->ui), "v1");
}

static void backpressure_bins_a_wide_vertex(void **state) {
    struct fixture *f = *state;
    struct job_detail *d = f->app.clusters[0].jobs.items[0].detail;
    struct vertex *v = &d->vertices.items[1];
    free(v->bp_ratio);
    v->n_subtasks = 512;
    v->bp_ratio = xcalloc(512, sizeof(double));
    v->bp_ratio[300] = 0.9;
    free(v->busy_ratio);
    v->busy_ratio = xcalloc(512, sizeof(double));
    free(v->idle_ratio);
    v->idle_ratio = NULL;
    d->vertices.items[0].bp_sampled = false; /* and one not sampled yet */
    open_job(f);
    press(f, "3");
    draw_at(f, 24, 80);
    has("subtasks, max");
    has("not sampled yet");
    has("511");
    char row[512];
    vscreen_row(row_with("Map: enrich"), row, sizeof row);
    assert_non_null(strstr(row, "\u2588")); /* the one HIGH subtask shows in its bin */
    assert_non_null(strstr(row, "HIGH  90%"));
    draw_at(f, 50, 200);
    has("subtasks, max");
}

static void taskmanagers_tab_lists_the_cluster_tms(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "4");
    draw_at(f, 24, 80);
    has("orders-tm-1-1");
    has("orders-tm-1-2");
    has("2 task managers of prod-eu");
    has("slots used 6/8");
    has("75%"); /* heap gauge */
    has("42%");
    has("loading"); /* the second one has no metrics yet */
    /* sortable: > then I puts the other first */
    int a = row_with("orders-tm-1-1"), b = row_with("orders-tm-1-2");
    assert_true(a < b);
    press(f, ">I");
    draw_at(f, 24, 80);
    has("TASK MANAGER");
    a = row_with("orders-tm-1-1");
    b = row_with("orders-tm-1-2");
    assert_true(a > b);
    draw_at(f, 50, 200); /* wider: used/max and where it runs */
    has("1.5G/2.0G");
    has("10.0.0.7");
}

static void exceptions_tab_and_the_trace(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "5");
    draw_at(f, 24, 80);
    has("root cause");
    has(ROOT_LINE);
    has("Map: enrich (2/4)");
    has("IOException: connection reset");
    has("(global)");
    /* Enter: the whole trace of the selected (the root), scrollable */
    press(f, "\n");
    draw_at(f, 24, 80);
    has("frame01");
    has("lines 1-");
    assert_null(strstr(vscreen_text(), "frame40"));
    press(f, "G");
    draw_at(f, 24, 80);
    has("frame40");
    press(f, "g");
    draw_at(f, 24, 80);
    has("frame01");
    press(f, "j");
    ui_handle_key(f->ui, KEY_NPAGE);
    draw_at(f, 24, 80);
    assert_null(strstr(vscreen_text(), "frame01("));
    /* Esc closes the trace, not the screen */
    ui_handle_key(f->ui, 27);
    draw_at(f, 24, 80);
    has("root cause");
    assert_non_null(ui_focus_job(f->ui));
    /* the second one's trace */
    press(f, "j\n");
    draw_at(f, 24, 80);
    has("connection reset");
    assert_null(strstr(vscreen_text(), "frame01"));
    press(f, "q"); /* q closes it too */
    draw_at(f, 24, 80);
    has("root cause");
    ui_handle_key(f->ui, 27);
    assert_null(ui_focus_job(f->ui));
}

static void tab_cycles_and_numbers_jump(void **state) {
    struct fixture *f = *state;
    open_job(f);
    const char *marks[] = {"records per second", "completed 12",
                           "ratio per subtask",  "TASK MANAGER",
                           "root cause",         "not managed by the Flink",
                           "edges, top down"};
    for (int i = 0; i < 8; i++) {
        draw_at(f, 24, 80);
        has(marks[i % 7]);
        assert_int_equal(ui_handle_key(f->ui, '\t'), UI_REDRAW);
    }
    /* now on 2; Shift-Tab back to 1, then to 7 (the graph) */
    ui_handle_key(f->ui, KEY_BTAB);
    draw_at(f, 24, 80);
    has(marks[0]);
    ui_handle_key(f->ui, KEY_BTAB);
    draw_at(f, 24, 80);
    has(marks[6]);
    for (int i = 0; i < 7; i++) {
        char k[2] = {(char)('1' + i), 0};
        press(f, k);
        draw_at(f, 24, 80);
        has(marks[i]);
    }
}

/* Tab 7 at 80x24: the chain top down, numbered, the edge's ship strategy between, the
 * sink that cannot keep up marked. */
static void graph_tab_reads_top_down_at_80x24(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "7");
    draw_at(f, 24, 80);
    has("3 vertices, 2 edges");
    has("[1] Source: orders");
    has("[2] Map: enrich");
    has("[3] Sink: warehouse");
    has("\u2502 HASH");
    has("bottleneck");
    char row[512];
    int sink = -1, source = -1;
    for (int y = 0; y < 24; y++) {
        vscreen_row(y, row, sizeof row);
        if (strstr(row, "[1] Source"))
            source = y;
        if (strstr(row, "[3] Sink")) {
            sink = y;
            assert_non_null(strstr(row, "bottleneck"));
            assert_non_null(strstr(row, "busy  95%"));
        }
    }
    assert_true(source >= 0 && sink > source + 3); /* two vertices and two edges between */
}

static void a_job_without_details_is_loading(void **state) {
    struct fixture *f = *state;
    press(f, "\nj\n");
    assert_string_equal(ui_focus_job(f->ui), "a0000000000000000000000000000002");
    const char *what[] = {"loading vertices", "loading checkpoints", "loading vertices", NULL,
                          "loading exceptions"};
    for (int i = 0; i < 5; i++) {
        char k[2] = {(char)('1' + i), 0};
        press(f, k);
        draw_at(f, 24, 80);
        if (what[i]) {
            has(what[i]);
            has("\u2026");
            /* never made-up zeros */
            assert_null(strstr(vscreen_text(), " 0%"));
        } else {
            has("orders-tm-1-1"); /* the cluster's task managers do not wait for the job */
        }
    }
    press(f, "1"); /* ASCII: "..." */
    f->app.ascii = true;
}

/* Every tab's endpoint: failing before it ever answered, its error line instead of
 * "loading" forever; failing after, the data stays, under a line that says it is stale. */
static void a_failing_endpoint_shows_its_error_on_its_tab(void **state) {
    struct fixture *f = *state;
    struct job *j2 = &f->app.clusters[0].jobs.items[1];
    j2->detail = job_detail_new(10);
    const enum detail_part parts[] = {DETAIL_JOB, DETAIL_CHECKPOINTS, DETAIL_BACKPRESSURE, 0,
                                      DETAIL_EXCEPTIONS};
    press(f, "\nj\n");
    assert_string_equal(ui_focus_job(f->ui), "a0000000000000000000000000000002");
    for (int i = 0; i < 5; i++) {
        if (i == 3)
            continue;
        source_fail(&j2->detail->parts[parts[i]], NOW - 1000, "HTTP 500 from /jobs/x/%d", i);
        char k[2] = {(char)('1' + i), 0}, line[64];
        press(f, k);
        draw_at(f, 24, 80);
        snprintf(line, sizeof line, "HTTP 500 from /jobs/x/%d", i);
        has(line);
        assert_null(strstr(vscreen_text(), "loading"));
        source_init(&j2->detail->parts[parts[i]]);
    }
    /* the job with data: each tab keeps it, marked stale with the age of the last answer */
    press(f, "qk\n");
    assert_string_equal(ui_focus_job(f->ui), JOB_ID);
    struct job_detail *d = f->app.clusters[0].jobs.items[0].detail;
    const char *keep[] = {"Map: enrich", "completed 12", "ratio per subtask", NULL, ROOT_LINE};
    for (int i = 0; i < 5; i++) {
        if (i == 3)
            continue;
        source_ok(&d->parts[parts[i]], NOW - 65000);
        source_fail(&d->parts[parts[i]], NOW - 1000, "HTTP 503 from /jobs/y/%d", i);
        char k[2] = {(char)('1' + i), 0}, line[64];
        press(f, k);
        draw_at(f, 24, 80);
        snprintf(line, sizeof line, "stale 1m: HTTP 503 from /jobs/y/%d", i);
        has(line);
        has(keep[i]);
        source_ok(&d->parts[parts[i]], NOW - 500);
    }
}

static void a_job_that_left_the_list_says_so(void **state) {
    struct fixture *f = *state;
    open_job(f);
    struct cluster *c = &f->app.clusters[0];
    snprintf(c->jobs.items[0].id, sizeof c->jobs.items[0].id, "%s",
             "b0000000000000000000000000000009");
    for (int t = 0; t < 5; t++) {
        char k[2] = {(char)('1' + t), 0};
        press(f, k);
        press(f, "jkgG\nb");
        draw_at(f, 24, 80);
        if (t != 3)
            has("is no longer listed by prod-eu");
        else /* Enter on a task manager opened its memory and JVM: back to the tab */
            press(f, "\x1b");
    }
}

static void a_stale_cluster_keeps_the_job_marked(void **state) {
    struct fixture *f = *state;
    open_job(f);
    f->app.now_ms = NOW + 60000; /* the last good answer is 61 s old */
    draw_at(f, 24, 80);
    has("stale 1m01s: showing the last good data");
    has("Source: orders"); /* and the data stays */
    /* a vertex that is not running says so after its name */
    struct vertex *v = &f->app.clusters[0].jobs.items[0].detail->vertices.items[1];
    free(v->status);
    v->status = xstrdup("INITIALIZING");
    draw_at(f, 24, 80);
    has("Map: enrich (INITIALIZING)");
}

static void odd_sizes_draw_without_crashing(void **state) {
    struct fixture *f = *state;
    open_job(f);
    for (int t = 0; t < 5; t++) {
        char k[2] = {(char)('1' + t), 0};
        press(f, k);
        draw_at(f, 50, 200);
        assert_null(strstr(vscreen_text(), "too small"));
        draw_at(f, 8, 40);
        assert_null(strstr(vscreen_text(), "too small"));
        draw_at(f, 7, 39);
        has("terminal too small");
        for (int rows = 8; rows <= 14; rows++)
            for (int cols = 40; cols <= 100; cols += 3)
                draw_at(f, rows, cols);
    }
    press(f, "5\n");
    for (int rows = 1; rows <= 12; rows++)
        for (int cols = 1; cols <= 90; cols += 7)
            draw_at(f, rows, cols);
    draw_at(f, 24, 80);
    has("frame01");
}

static void at_80x24_tabs_do_not_overlap(void **state) {
    struct fixture *f = *state;
    open_job(f);
    /* the overview: table rows, then a blank, then the chart legend under them */
    draw_at(f, 24, 80);
    int sink = row_with("Sink: warehouse"), legend = row_with("records per second");
    assert_true(sink > 0 && legend > sink);
    /* checkpoints: the history table below the paths */
    press(f, "2");
    draw_at(f, 24, 80);
    int sp = row_with(SAVEPOINT), hist = row_with("STATUS");
    assert_true(sp > 0 && hist > sp);
    assert_true(row_with("IN_PROGRESS") > hist);
    /* every row fits its 80 cells */
    for (int t = 0; t < 5; t++) {
        char k[2] = {(char)('1' + t), 0};
        press(f, k);
        draw_at(f, 24, 80);
        for (int y = 0; y < LINES; y++) {
            char row[4096];
            wchar_t w[1024];
            vscreen_row(y, row, sizeof row);
            mbstowcs(w, row, 1023);
            assert_true(wcswidth(w, 1024) <= 80);
        }
    }
}

static void ascii_mode_draws_ascii_only(void **state) {
    struct fixture *f = *state;
    ui_free(f->ui);
    f->app.ascii = true;
    f->ui = ui_new(&f->app);
    ui_start_screen(f->ui, f->sp);
    open_job(f);
    for (int t = 0; t < 5; t++) {
        char k[2] = {(char)('1' + t), 0};
        press(f, k);
        draw_at(f, 24, 80);
        const char *s = vscreen_text();
        for (const char *p = s; *p; p++)
            assert_true((unsigned char)*p < 0x80);
    }
    press(f, "3");
    draw_at(f, 24, 80);
    has("<- bottleneck");
    press(f, "5\n");
    draw_at(f, 24, 80);
    has("frame01");
    press(f, "j");
    press(f, "1"); /* loading text in ASCII: on the job without details */
    press(f, "qj\n");
    draw_at(f, 24, 80);
    has("loading vertices...");
}

static void help_over_the_job_screen_lists_its_keys(void **state) {
    struct fixture *f = *state;
    open_job(f);
    press(f, "?");
    draw_at(f, 50, 100);
    has("Help: Job");
    has("Shift-Tab");
    has("tab: checkpoints");
    has("heatmap: show busy");
    assert_string_equal(ui_focus_job(f->ui), JOB_ID); /* still refreshed under help */
    press(f, "?");
    draw_at(f, 24, 80);
    has("records per second");
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    tzset();
    unsetenv("NO_COLOR");
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(enter_on_a_job_opens_its_screen),
        T(overview_shows_vertices_and_the_chart),
        T(checkpoints_tab_shows_counts_paths_and_health),
        T(checkpoints_disabled_or_none_yet),
        T(backpressure_tab_shows_the_heatmap_and_bottleneck),
        T(backpressure_bins_a_wide_vertex),
        T(heatmap_enter_drills_into_the_vertex),
        T(taskmanagers_tab_lists_the_cluster_tms),
        T(exceptions_tab_and_the_trace),
        T(tab_cycles_and_numbers_jump),
        T(graph_tab_reads_top_down_at_80x24),
        T(a_job_without_details_is_loading),
        T(a_failing_endpoint_shows_its_error_on_its_tab),
        T(a_job_that_left_the_list_says_so),
        T(a_stale_cluster_keeps_the_job_marked),
        T(odd_sizes_draw_without_crashing),
        T(at_80x24_tabs_do_not_overlap),
        T(ascii_mode_draws_ascii_only),
        T(help_over_the_job_screen_lists_its_keys),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
