/* The Kubernetes side of the console rendered into a virtual screen over a synthetic
 * FlinkDeployment with pods, events and FlinkStateSnapshots: the job screen's Kubernetes
 * tab shows the lifecycle, a crash-looping pod, an OOMKilled termination, a Warning event
 * and the resource's snapshots newest first with their paths (or errors); the
 * clusters screen gains NAMESPACE and LIFECYCLE columns and still fits at 80x24; a
 * plain --flink cluster says it is not operator-managed. */
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

#include "app.h"
#include "colors.h"
#include "k8s_model.h"
#include "ui.h"
#include "ui_screen.h"
#include "xalloc.h"
#include "vscreen.h"

#define NOW 1709296496000LL /* 2024-03-01 12:34:56 UTC */
#define JOB_ID "b0000000000000000000000000000001"

struct fixture {
    FILE *out, *in;
    SCREEN *sp;
    struct app app;
    struct ui *ui;
    struct k8s_context_state ctx;
};

static void add_job(struct cluster *c, const char *id, const char *name, enum job_state s) {
    c->jobs.items = xrealloc(c->jobs.items, (c->jobs.len + 1) * sizeof *c->jobs.items);
    struct job *j = &c->jobs.items[c->jobs.len++];
    job_init(j);
    snprintf(j->id, sizeof j->id, "%s", id);
    j->name = xstrdup(name);
    j->state = s;
    j->duration_ms = 3600000;
}

static void fresh_cluster(struct cluster *c, const char *name, const char *url) {
    cluster_init(c, name, url);
    for (int s = 0; s < SRC_COUNT; s++) {
        c->sources[s].state = SOURCE_OK;
        c->sources[s].last_ok_ms = NOW - 1000;
    }
    c->config.flink_version = xstrdup("1.20.1");
}

static struct pod *add_pod(struct pod_list *l, const char *name, const char *component) {
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct pod *p = &l->items[l->len++];
    pod_init(p);
    p->namespace = xstrdup("flink-prod");
    p->name = xstrdup(name);
    p->app = xstrdup("orders");
    p->component = xstrdup(component);
    p->phase = POD_PHASE_RUNNING;
    p->ready = 1;
    p->containers_ready = 1;
    p->containers_total = 1;
    p->restarts = 0;
    p->node = xstrdup("node-a-1");
    p->created_ms = NOW - 7200000;
    return p;
}

static void add_event(struct k8s_event_list *l, const char *type, const char *reason,
                      const char *msg, int64_t ms) {
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct k8s_event *e = &l->items[l->len++];
    k8s_event_init(e);
    e->namespace = xstrdup("flink-prod");
    e->type = xstrdup(type);
    e->warning = strcmp(type, "Warning") == 0;
    e->reason = xstrdup(reason);
    e->message = xstrdup(msg);
    e->object_kind = xstrdup("FlinkDeployment");
    e->object_name = xstrdup("orders");
    e->count = 2;
    e->last_ms = ms;
}

static struct flink_snapshot *add_snapshot(struct flink_snapshot_list *l, const char *name,
                                           enum flink_kind kind, const char *job,
                                           enum snapshot_state st, int64_t trigger_ms) {
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct flink_snapshot *s = &l->items[l->len++];
    flink_snapshot_init(s);
    s->namespace = xstrdup("flink-prod");
    s->name = xstrdup(name);
    s->job_kind = kind;
    s->job_name = xstrdup(job);
    s->state = st;
    s->trigger_ms = trigger_ms;
    s->created_ms = trigger_ms >= 0 ? trigger_ms - 1000 : NOW - 5000;
    return s;
}

/* Snapshots of orders in list order (by creation, as the API answers), another
 * deployment's and a session job of the same name among them. */
static void build_snapshots(struct flink_snapshot_list *l) {
    add_snapshot(l, "orders-savepoint-pending", FLINK_KIND_DEPLOYMENT, "orders",
                 SNAPSHOT_TRIGGER_PENDING, -1);
    add_snapshot(l, "payments-savepoint-1", FLINK_KIND_DEPLOYMENT, "payments", SNAPSHOT_COMPLETED,
                 NOW - 20000);
    add_snapshot(l, "orders-savepoint-4", FLINK_KIND_DEPLOYMENT, "orders", SNAPSHOT_IN_PROGRESS,
                 NOW - 10000);
    add_snapshot(l, "orders-session-savepoint", FLINK_KIND_SESSION_JOB, "orders",
                 SNAPSHOT_COMPLETED, NOW - 30000);
    struct flink_snapshot *s = add_snapshot(l, "orders-savepoint-3", FLINK_KIND_DEPLOYMENT,
                                            "orders", SNAPSHOT_COMPLETED, NOW - 300000);
    s->path = xstrdup("s3://flink-state/orders/savepoints/savepoint-8d9c4e-1a2b3c4d5e6f");
    s = add_snapshot(l, "orders-savepoint-2", FLINK_KIND_DEPLOYMENT, "orders", SNAPSHOT_FAILED,
                     NOW - 7200000);
    s->error = xstrdup("CheckpointException: Checkpoint Coordinator is suspending.");
    /* triggered after savepoint-2 although created before it: the trigger time orders */
    s = add_snapshot(l, "orders-checkpoint-1", FLINK_KIND_DEPLOYMENT, "orders", SNAPSHOT_COMPLETED,
                     NOW - 3600000);
    s->checkpoint = true;
    s->created_ms = NOW - 9000000;
    s->path = xstrdup("s3://flink-state/orders/checkpoints/chk-5120");
}

static void build_k8s(struct fixture *f) {
    struct k8s_context_state *s = &f->ctx;
    s->name = xstrdup("kind-prod");
    s->listed = true;
    s->crds = K8S_CRDS_PRESENT;
    s->discovery.deployments = true;
    s->discovery.snapshots = true;
    s->deployments.items = xcalloc(1, sizeof *s->deployments.items);
    s->deployments.len = 1;
    struct flink_resource *r = &s->deployments.items[0];
    flink_resource_init(r);
    r->kind = FLINK_KIND_DEPLOYMENT;
    r->namespace = xstrdup("flink-prod");
    r->name = xstrdup("orders");
    r->generation = 3;
    r->created_ms = NOW - 86400000;
    r->spec.image = xstrdup("flink:1.20");
    r->spec.flink_version = xstrdup("v1_20");
    r->spec.has_job = true;
    r->spec.job.upgrade_mode = xstrdup("savepoint");
    r->spec.job.state = xstrdup("running");
    r->spec.job.parallelism = 4;
    r->spec.tm_replicas = 2;
    r->spec.conf = xcalloc(1, sizeof *r->spec.conf);
    r->spec.conf[0].key = xstrdup("taskmanager.numberOfTaskSlots");
    r->spec.conf[0].value = xstrdup("4");
    r->spec.conf_len = 1;
    r->status.present = true;
    r->status.lifecycle = LIFECYCLE_STABLE;
    r->status.jm_status = JM_DEPLOY_READY;
    r->status.reconciliation = RECONCILE_DEPLOYED;
    r->status.observed_generation = 2;
    r->status.tm_replicas = 2;
    r->status.job.state = JOB_RUNNING;
    snprintf(r->status.job.job_id, sizeof r->status.job.job_id, "%s", JOB_ID);

    s->namespaces = xcalloc(1, sizeof *s->namespaces);
    s->n_namespaces = 1;
    struct k8s_namespace_state *ns = &s->namespaces[0];
    ns->name = xstrdup("flink-prod");
    ns->pods_ok = ns->events_ok = true;
    add_pod(&ns->pods, "orders-jm-7d9f", "jobmanager");
    struct pod *tm1 = add_pod(&ns->pods, "orders-taskmanager-1-1", "taskmanager");
    tm1->restarts = 7;
    tm1->ready = 0;
    tm1->containers_ready = 0;
    tm1->waiting_reason = xstrdup("CrashLoopBackOff");
    tm1->term_reason = xstrdup("OOMKilled");
    tm1->term_exit_code = 137;
    add_pod(&ns->pods, "orders-taskmanager-1-2", "taskmanager");
    add_event(&ns->events, "Warning", "SavepointError", "Savepoint failed", NOW - 60000);
    add_event(&ns->events, "Normal", "JobStatusChanged", "Job status changed", NOW - 600000);
    ns->snapshots_ok = true;
    build_snapshots(&ns->snapshots);
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
    app->n_clusters = 2;
    app->clusters = xcalloc(2, sizeof *app->clusters);
    app->refresh_ms = 2000;
    app->timeout_ms = 5000;
    app->history_len = 60;
    app->now_ms = NOW;
    app->last_refresh_ms = NOW - 1000;
    build_k8s(f);
    struct cluster *c = &app->clusters[0];
    fresh_cluster(c, "orders",
                  "https://k8s/api/v1/namespaces/flink-prod/services/orders-rest:rest/proxy");
    c->k8s.ctx = &f->ctx;
    c->k8s.context = xstrdup("kind-prod");
    c->k8s.namespace = xstrdup("flink-prod");
    c->k8s.name = xstrdup("orders");
    c->k8s.kind = xstrdup("FlinkDeployment");
    add_job(c, JOB_ID, "orders-etl", JOB_FAILED);
    struct cluster *plain = &app->clusters[1];
    fresh_cluster(plain, "plain-eu", "http://plain:8081");
    add_job(plain, "c0000000000000000000000000000001", "plain-job", JOB_RUNNING);
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
    for (size_t i = 0; i < f->app.n_clusters; i++)
        cluster_free(&f->app.clusters[i]);
    free(f->app.clusters);
    struct k8s_context_state *s = &f->ctx;
    free(s->name);
    flink_resource_list_free(&s->deployments);
    for (size_t i = 0; i < s->n_namespaces; i++) {
        free(s->namespaces[i].name);
        pod_list_free(&s->namespaces[i].pods);
        k8s_event_list_free(&s->namespaces[i].events);
        flink_snapshot_list_free(&s->namespaces[i].snapshots);
        apps_deployment_list_free(&s->namespaces[i].apps);
    }
    free(s->namespaces);
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

static void draw_at(struct fixture *f, int rows, int cols) {
    resizeterm(rows, cols);
    ui_resize(f->ui);
    ui_draw(f->ui);
    if (getenv("FLINKTOP_TEST_DUMP"))
        fprintf(stderr, "----\n%s----\n", vscreen_text());
}

static void press(struct fixture *f, const char *keys) {
    for (; *keys; keys++)
        ui_handle_key(f->ui, (unsigned char)*keys);
}

static void has(const char *s) {
    if (strstr(vscreen_text(), s) == NULL) {
        fprintf(stderr, "not on screen: %s\n%s", s, vscreen_text());
        fail();
    }
}

static void lacks(const char *s) {
    if (strstr(vscreen_text(), s) != NULL) {
        fprintf(stderr, "on screen: %s\n%s", s, vscreen_text());
        fail();
    }
}

/* The job screen of the first job of cluster row `row` (model order), on tab 6. */
static void open_k8s_tab(struct fixture *f, int row, int rows, int cols) {
    for (int i = 0; i < row; i++)
        press(f, "j");
    press(f, "\n\n6");
    draw_at(f, rows, cols);
}

static void kubernetes_tab_shows_status_pods_and_events(void **state) {
    struct fixture *f = *state;
    open_k8s_tab(f, 0, 50, 160);
    has("6 Kubernetes");
    has("FlinkDeployment flink-prod/orders");
    has("STABLE");
    has("flink:1.20");
    has("savepoint");
    has("spec not yet picked up"); /* generation 3, observed 2 */
    has("orders-taskmanager-1-1");
    has("CrashLoopBackOff");
    has("OOMKilled");
    has("Warning");
    has("SavepointError");
    has("taskmanager.numberOfTaskSlots");
    /* newest event first */
    assert_true(row_with("SavepointError") < row_with("JobStatusChanged"));
}

static void kubernetes_tab_scrolls_at_80x24(void **state) {
    struct fixture *f = *state;
    open_k8s_tab(f, 0, 24, 80);
    has("STABLE");
    has("CrashLoopBackOff");
    press(f, "G");
    draw_at(f, 24, 80);
    has("taskmanager.numberOfTaskSlots");
    lacks("FlinkDeployment flink-prod/orders");
    press(f, "g");
    draw_at(f, 24, 80);
    has("FlinkDeployment flink-prod/orders");
}

/* The display column of the first s on row y; -1 when not there. */
static int col_of(int y, const char *s) {
    char row[4096];
    const char *at = strstr(vscreen_row(y, row, sizeof row), s);
    if (at == NULL)
        return -1;
    int col = 0;
    for (const char *p = row; p < at; p++)
        col += ((unsigned char)*p & 0xC0) != 0x80; /* the tab's text is one cell a char */
    return col;
}

static short pair_at(int y, int x) {
    cchar_t cc;
    wchar_t wch[CCHARW_MAX + 1];
    attr_t attrs;
    short pair;
    mvwin_wch(stdscr, y, x, &cc);
    getcchar(&cc, wch, &attrs, &pair, NULL);
    return pair;
}

static short role_pair(enum color_role r) { return (short)PAIR_NUMBER(colors_attr(r)); }

static void snapshots_of_the_deployment_newest_first_with_paths(void **state) {
    struct fixture *f = *state;
    open_k8s_tab(f, 0, 50, 160);
    has("Snapshots (5)");
    lacks("payments-savepoint-1");     /* another deployment's */
    lacks("orders-session-savepoint"); /* a FlinkSessionJob's, though named orders */
    int pending = row_with("orders-savepoint-pending");
    int running = row_with("orders-savepoint-4");
    int done = row_with("orders-savepoint-3");
    int chk = row_with("orders-checkpoint-1");
    int failed = row_with("orders-savepoint-2");
    assert_true(pending > row_with("Snapshots (5)"));
    assert_true(pending < running && running < done && done < chk && chk < failed);
    assert_true(row_with("Snapshots (5)") > row_with("SavepointError")); /* after events */
    /* at 160 columns the path is on its row */
    assert_int_equal(row_with("savepoint-8d9c4e-1a2b3c4d5e6f"), done);
    assert_int_equal(row_with("chk-5120"), chk);
    assert_int_equal(row_with("Checkpoint Coordinator is suspending"), failed);
    assert_int_equal(row_with("checkpoint "), chk);
    assert_true(col_of(chk, "checkpoint ") > col_of(chk, "orders-checkpoint-1"));
    /* states coloured: done ok, failed bad, in flight warn */
    assert_int_equal(pair_at(done, col_of(done, "COMPLETED")), role_pair(ROLE_STATE_OK));
    assert_int_equal(pair_at(failed, col_of(failed, "FAILED")), role_pair(ROLE_STATE_BAD));
    assert_int_equal(pair_at(running, col_of(running, "IN_PROGRESS")), role_pair(ROLE_STATE_WARN));
    assert_int_equal(pair_at(pending, col_of(pending, "TRIGGER_PENDING")),
                     role_pair(ROLE_STATE_WARN));
    assert_int_not_equal(role_pair(ROLE_STATE_OK), role_pair(ROLE_STATE_BAD));
}

static void snapshots_scroll_into_view_at_80x24_with_whole_paths(void **state) {
    struct fixture *f = *state;
    open_k8s_tab(f, 0, 24, 80);
    lacks("Snapshots ("); /* below the pods and events */
    press(f, "G");
    draw_at(f, 24, 80);
    has("Snapshots (5)");
    has("flinkConfiguration (1)");
    /* too narrow beside the columns: the path goes on the line under its row, whole */
    int done = row_with("orders-savepoint-3");
    assert_true(done > 0);
    assert_int_equal(row_with("s3://flink-state/orders/savepoints/savepoint-8d9c4e-1a2b3c4d5e6f"),
                     done + 1);
    assert_int_equal(row_with("CheckpointException: Checkpoint Coordinator is suspending."),
                     row_with("orders-savepoint-2") + 1);
    char row[4096];
    assert_non_null(strstr(vscreen_row(done, row, sizeof row), "COMPLETED"));
    assert_non_null(strstr(row, "5m")); /* its age */
}

static void snapshots_follow_the_filter(void **state) {
    struct fixture *f = *state;
    open_k8s_tab(f, 0, 50, 160);
    press(f, "/checkpoint\n");
    draw_at(f, 50, 160);
    has("Snapshots (2 of 5, filter: checkpoint)"); /* the checkpoint, and the error text */
    assert_true(row_with("orders-checkpoint-1") > 0);
    assert_true(row_with("orders-savepoint-2") > 0);
    assert_int_equal(row_with("orders-savepoint-3"), -1);
    ui_handle_key(f->ui, 27);
    press(f, "/zzz-nothing\n");
    draw_at(f, 50, 160);
    has("no snapshot matches the filter");
}

static void snapshots_absent_when_not_served_none_yet_when_empty(void **state) {
    struct fixture *f = *state;
    f->ctx.discovery.snapshots = false;
    open_k8s_tab(f, 0, 50, 160);
    has("Events (");
    lacks("Snapshots");
    lacks("orders-savepoint-3");
    f->ctx.discovery.snapshots = true;
    flink_snapshot_list_free(&f->ctx.namespaces[0].snapshots);
    draw_at(f, 50, 160);
    has("Snapshots (0)");
    has("none yet");
    f->ctx.namespaces[0].snapshots_ok = false;
    draw_at(f, 50, 160);
    has("snapshots not listed yet");
}

static void plain_cluster_is_not_operator_managed(void **state) {
    struct fixture *f = *state;
    open_k8s_tab(f, 1, 24, 80);
    has("not managed by the Flink Kubernetes Operator");
}

static void clusters_screen_has_kubernetes_columns_at_120(void **state) {
    struct fixture *f = *state;
    draw_at(f, 30, 120);
    has("NAMESPACE");
    has("LIFECYCLE");
    has("flink-prod");
    has("STABLE"); /* the scope is on the header, from the poller: e2e k8s.bats */
    char row[4096];
    int y = row_with("plain-eu");
    assert_true(y > 0);
    assert_non_null(strstr(vscreen_row(y, row, sizeof row), " - "));
    draw_at(f, 30, 160);
    has("RUNNING\u2260FAILED"); /* the operator and Flink disagree */
}

static void clusters_screen_fits_at_80x24(void **state) {
    struct fixture *f = *state;
    draw_at(f, 24, 80);
    char row[4096];
    int y = row_with("NAME");
    assert_true(y > 0);
    vscreen_row(y, row, sizeof row);
    assert_non_null(strstr(row, "UPDATED")); /* the last column still shows */
    assert_non_null(strstr(row, "RUN"));
    has("orders");
    has("plain-eu");
}

static void a_context_error_shows_on_its_cluster(void **state) {
    struct fixture *f = *state;
    snprintf(f->ctx.error, sizeof f->ctx.error, "%s", "kind-prod: 403 forbidden");
    draw_at(f, 30, 170); /* every Kubernetes column and the whole line */
    has("kind-prod: 403 forbidden");
}

/* A Deployment of app in ns: replicas desired, ready = updated = available = up. */
static struct apps_deployment *add_deploy(struct apps_deployment_list *l, const char *name,
                                          const char *app, int replicas, int up) {
    struct apps_deployment d;
    apps_deployment_init(&d);
    d.namespace = xstrdup("flink-prod");
    d.name = xstrdup(name);
    d.app = xstrdup(app);
    d.replicas = replicas;
    d.status_replicas = replicas;
    d.ready = d.updated = d.available = up;
    d.generation = d.observed_generation = 2;
    d.created_ms = NOW - 3 * 86400000LL;
    apps_deployment_list_put(l, &d);
    return &l->items[l->len - 1];
}

/* Tab 6 lists the cluster's Deployments (not another app's) with ready/desired, and a
 * stuck rollout in the bad colour with the condition's message under the table. */
static void deployments_show_ready_desired_and_a_stuck_rollout(void **state) {
    struct fixture *f = *state;
    struct k8s_namespace_state *ns = &f->ctx.namespaces[0];
    ns->apps_ok = true;
    add_deploy(&ns->apps, "orders", "orders", 1, 1);
    struct apps_deployment *tm = add_deploy(&ns->apps, "orders-taskmanager", "orders", 4, 2);
    tm->progressing.status = 0;
    tm->progressing.reason = xstrdup("ProgressDeadlineExceeded");
    tm->progressing.message =
        xstrdup("ReplicaSet \"orders-taskmanager-7c4d9\" has timed out progressing.");
    add_deploy(&ns->apps, "payments", "payments", 1, 1);
    open_k8s_tab(f, 0, 50, 160);
    has("Deployments (2)");
    has("UP-TO-DATE");
    lacks("payments");
    int y = row_with("orders-taskmanager  ");
    assert_true(y > 0);
    char row[4096];
    vscreen_row(y, row, sizeof row);
    assert_non_null(strstr(row, "2/4"));
    assert_non_null(strstr(row, "stuck"));
    assert_int_equal(pair_at(y, col_of(y, "stuck")), role_pair(ROLE_STATE_BAD));
    has("orders-taskmanager: rollout stuck: ReplicaSet \"orders-taskmanager-7c4d9\" has timed "
        "out progressing.");
    /* the JobManager's is complete; the Deployments come before the pods */
    y = row_with("complete");
    assert_true(y > 0);
    vscreen_row(y, row, sizeof row);
    assert_non_null(strstr(row, "orders "));
    assert_non_null(strstr(row, "1/1"));
    assert_true(row_with("Deployments (2)") < row_with("Pods ("));
}

int main(void) {
    setlocale(LC_ALL, "C.UTF-8");
    setenv("TZ", "UTC", 1);
    tzset();
    unsetenv("NO_COLOR");
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(kubernetes_tab_shows_status_pods_and_events),
        T(kubernetes_tab_scrolls_at_80x24),
        T(snapshots_of_the_deployment_newest_first_with_paths),
        T(snapshots_scroll_into_view_at_80x24_with_whole_paths),
        T(snapshots_follow_the_filter),
        T(snapshots_absent_when_not_served_none_yet_when_empty),
        T(plain_cluster_is_not_operator_managed),
        T(clusters_screen_has_kubernetes_columns_at_120),
        T(clusters_screen_fits_at_80x24),
        T(a_context_error_shows_on_its_cluster),
        T(deployments_show_ready_desired_and_a_stuck_rollout),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
