/* The action engine without a terminal: what may be sent (read-only, the write unlock
 * and its end, --readonly, an audit log that cannot be written, the last action that may
 * still be running), where the request goes (the plan handed over as it is, with the
 * cluster's URL and TLS), where a redeploy may restore from (never a discarded
 * checkpoint), the blast radius in words, and the audit line's reason. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "action_engine.h"
#include "app.h"
#include "audit.h"
#include "clock.h"
#include "http.h"
#include "job_detail.h"
#include "model.h"
#include "operations.h"
#include "xalloc.h"

#define JID "a0000000000000000000000000000001"

struct fx {
    struct app app;
    struct http *http;
    struct operations *ops;
    struct action_engine *e;
    struct audit *audit;
    struct http_tls tls;
    char dir[64];
    char path[128];
};

static void add_checkpoint(struct checkpoint_stats *cs, int64_t id, bool savepoint, bool discarded,
                           int64_t ts, const char *path) {
    cs->history = xrealloc(cs->history, (cs->n_history + 1) * sizeof *cs->history);
    struct checkpoint *c = &cs->history[cs->n_history++];
    checkpoint_init(c);
    c->id = id;
    c->status = xstrdup("COMPLETED");
    c->is_savepoint = savepoint;
    c->discarded = discarded;
    c->trigger_ts = ts;
    c->size_bytes = 1024;
    c->path = xstrdup(path);
    if (savepoint)
        snprintf(c->format, sizeof c->format, "CANONICAL");
}

static int setup(void **state) {
    struct fx *f = xcalloc(1, sizeof *f);
    snprintf(f->dir, sizeof f->dir, "/tmp/flinktop-engine-XXXXXX");
    if (mkdtemp(f->dir) == NULL)
        return -1;
    snprintf(f->path, sizeof f->path, "%s/audit.log", f->dir);
    f->app.clusters = xcalloc(1, sizeof *f->app.clusters);
    f->app.n_clusters = 1;
    f->app.refresh_ms = 2000;
    f->app.timeout_ms = 5000;
    struct cluster *c = &f->app.clusters[0];
    cluster_init(c, "staging", "http://flink.example:8081");
    c->tls = &f->tls;
    c->savepoint_dir = xstrdup("s3://sp");
    int64_t now = clock_wall_ms();
    for (int s = 0; s < SRC_COUNT; s++)
        c->sources[s].last_ok_ms = now - 40000; /* 40 s old */
    c->jobs.items = xcalloc(1, sizeof *c->jobs.items);
    c->jobs.len = 1;
    struct job *j = &c->jobs.items[0];
    job_init(j);
    snprintf(j->id, sizeof j->id, "%s", JID);
    j->name = xstrdup("payments-ledger");
    j->state = JOB_RUNNING;
    j->parallelism = 2;
    j->detail = job_detail_new(8);
    struct checkpoint_stats *cs = &j->detail->checkpoints;
    add_checkpoint(cs, 12094, false, true, now - 60000, "s3://cp/chk-12094");
    add_checkpoint(cs, 12095, false, false, now - 30000, "s3://cp/chk-12095");
    add_checkpoint(cs, 12080, true, false, now - 600000, "s3://sp/savepoint-ab12");
    add_checkpoint(cs, 12087, false, true, now - 700000, "s3://cp/chk-12087");
    f->http = http_new(1000, 1 << 20);
    f->ops = operations_new(f->http, NULL, NULL);
    f->app.ops = f->ops;
    f->e = action_engine_new(&f->app, f->ops);
    char err[256];
    f->audit = audit_open(f->path, err, sizeof err);
    action_engine_set_audit(f->e, f->audit, NULL, false);
    *state = f;
    return 0;
}

static int teardown(void **state) {
    struct fx *f = *state;
    action_engine_free(f->e);
    http_free(f->http);
    operations_free(f->ops);
    audit_close(f->audit);
    cluster_free(&f->app.clusters[0]);
    free(f->app.clusters);
    unlink(f->path);
    rmdir(f->dir);
    free(f);
    return 0;
}

static struct action_request savepoint_request(void) {
    struct action_request r = {0};
    r.action = ACT_SAVEPOINT;
    r.cluster = 0;
    r.job_id = JID;
    r.job_name = "payments-ledger";
    r.params.parallelism = -1;
    return r;
}

static void op_request_carries_the_plan_as_it_is(void **state) {
    struct fx *f = *state;
    struct action_request r = savepoint_request();
    struct action_plan p;
    char err[256];
    assert_int_equal(action_engine_plan(f->e, &r, &p, err, sizeof err), ACTION_OK);
    struct op_request o;
    assert_int_equal(action_engine_op_request(f->e, &r, &p, &o, err, sizeof err), 0);
    assert_string_equal(o.base_url, "http://flink.example:8081");
    assert_ptr_equal(o.tls, &f->tls);
    assert_ptr_equal(o.path, p.path); /* not copied field by field into something else */
    assert_ptr_equal(o.body, p.body);
    assert_string_equal(o.method, "POST");
    assert_string_equal(o.path, "/jobs/" JID "/savepoints");
    assert_non_null(strstr(o.body, "s3://sp"));
    assert_int_equal(o.follow, OP_FOLLOW_TRIGGER);
    assert_string_equal(o.action, "savepoint");
    assert_string_equal(o.cluster, "staging");
    assert_int_equal(o.cluster_id, r.cluster); /* the id, what operations match on */
    assert_null(o.reason);
    action_plan_free(&p);
}

static void readonly_refuses_until_unlocked_and_locks_again(void **state) {
    struct fx *f = *state;
    char msg[512];
    f->app.readonly = true;
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_REFUSED);
    assert_non_null(strstr(msg, "read-only"));
    int64_t now = clock_mono_ms();
    assert_int_equal(action_engine_unlock(f->e, "10m \"INC-1234\"", now, msg, sizeof msg), 0);
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_OK);
    assert_string_equal(action_engine_reason(f->e, now + 1000), "INC-1234");
    assert_true(action_engine_unlock_left(f->e, now + 1000) > 9 * 60 * 1000);
    /* eleven minutes on: locked by itself */
    assert_int_equal(action_engine_unlock_left(f->e, now + 11 * 60 * 1000), 0);
    assert_null(action_engine_reason(f->e, now));
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_REFUSED);
    /* :lock ends it early */
    assert_int_equal(action_engine_unlock(f->e, "1h ops", now, msg, sizeof msg), 0);
    action_engine_lock(f->e);
    assert_int_equal(action_engine_unlock_left(f->e, now), 0);
}

static void unlock_needs_a_duration_and_a_reason(void **state) {
    struct fx *f = *state;
    char msg[512];
    int64_t now = clock_mono_ms();
    assert_int_equal(action_engine_unlock(f->e, "10m", now, msg, sizeof msg), -1);
    assert_non_null(strstr(msg, "reason"));
    assert_int_equal(action_engine_unlock(f->e, "soon \"x\"", now, msg, sizeof msg), -1);
    assert_int_equal(action_engine_unlock(f->e, "48h \"x\"", now, msg, sizeof msg), -1);
    assert_int_equal(action_engine_unlock(f->e, "", now, msg, sizeof msg), -1);
    assert_int_equal(action_engine_unlock_left(f->e, now), 0);
}

static void forced_readonly_wins_over_unlock(void **state) {
    struct fx *f = *state;
    char msg[512];
    action_engine_set_forced_readonly(f->e, true);
    assert_int_equal(action_engine_unlock(f->e, "10m \"INC-1\"", clock_mono_ms(), msg, sizeof msg),
                     -1);
    assert_non_null(strstr(msg, "--readonly"));
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_REFUSED);
}

static void unwritable_audit_refuses_with_the_word_audit(void **state) {
    struct fx *f = *state;
    char msg[512];
    chmod(f->path, 0400); /* root writes anyway: make it a directory's place instead */
    unlink(f->path);
    mkdir(f->path, 0700);
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_REFUSED);
    assert_true(strncmp(msg, "audit", 5) == 0);
    assert_non_null(strstr(msg, "not sent"));
    struct action_request r = savepoint_request();
    struct action_plan p;
    char err[256];
    assert_int_equal(action_engine_plan(f->e, &r, &p, err, sizeof err), ACTION_OK);
    assert_null(action_engine_send(f->e, &r, &p, msg, sizeof msg));
    assert_true(strncmp(msg, "audit", 5) == 0);
    assert_int_equal(operations_count(f->ops), 0);
    assert_int_equal(http_pending(f->http), 0);
    /* audit: optional lets it go, and the confirmation says so */
    action_engine_set_audit(f->e, f->audit, NULL, true);
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_OK);
    struct action_blast b;
    action_engine_blast(f->e, &r, &p, &b);
    bool said = false;
    for (size_t i = 0; i < b.len; i++)
        said |= b.warn[i] && strstr(b.lines[i], "audit: optional") != NULL;
    assert_true(said);
    action_blast_free(&b);
    action_plan_free(&p);
    rmdir(f->path);
}

static void the_same_action_again_asks(void **state) {
    struct fx *f = *state;
    char msg[512];
    struct action_request r = savepoint_request();
    struct action_plan p;
    char err[256];
    /* nothing listens on port 9 of 127.0.0.1: the request stays queued until performed */
    free(f->app.clusters[0].url);
    f->app.clusters[0].url = xstrdup("http://127.0.0.1:9");
    assert_int_equal(action_engine_plan(f->e, &r, &p, err, sizeof err), ACTION_OK);
    assert_non_null(action_engine_send(f->e, &r, &p, msg, sizeof msg));
    assert_non_null(strstr(msg, "savepoint sent"));
    assert_int_equal(action_engine_gate(f->e, ACT_SAVEPOINT, 0, JID, msg, sizeof msg),
                     ACTION_GATE_AGAIN);
    assert_non_null(strstr(msg, "the last savepoint on staging/payments-ledger"));
    assert_non_null(strstr(msg, "not done yet"));
    action_plan_free(&p);
}

static void restore_points_never_offer_a_discarded_checkpoint(void **state) {
    struct fx *f = *state;
    struct action_request r = savepoint_request();
    r.action = ACT_REDEPLOY;
    struct restore_points l;
    action_engine_restore_points(f->e, &r, &l);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].path, "s3://cp/chk-12095"); /* newest first */
    assert_string_equal(l.items[0].kind, "checkpoint");
    assert_string_equal(l.items[0].job, "payments-ledger");
    assert_string_equal(l.items[1].path, "s3://sp/savepoint-ab12");
    assert_string_equal(l.items[1].format, "CANONICAL");
    assert_int_equal(l.items[1].size, 1024);
    for (size_t i = 0; i < l.len; i++)
        assert_null(strstr(l.items[i].path, "chk-12094"));
    assert_int_equal(l.newest_checkpoint_id, 12095);
    restore_points_free(&l);
}

static void blast_radius_says_how_old_the_data_is(void **state) {
    struct fx *f = *state;
    struct action_request r = savepoint_request();
    r.action = ACT_CANCEL;
    struct action_plan p;
    char err[256];
    assert_int_equal(action_engine_plan(f->e, &r, &p, err, sizeof err), ACTION_OK);
    f->app.now_ms = clock_wall_ms();
    struct action_blast b;
    action_engine_blast(f->e, &r, &p, &b);
    bool age = false, cancel = false;
    for (size_t i = 0; i < b.len; i++) {
        if (strstr(b.lines[i], "data behind this: 40 s old")) {
            age = true;
            assert_true(b.warn[i]); /* 40 s at a 2 s refresh is stale */
            assert_non_null(strstr(b.lines[i], "STALE"));
        }
        cancel |= strstr(b.lines[i], "without a savepoint") != NULL;
    }
    assert_true(age);
    assert_true(cancel);
    action_blast_free(&b);
    action_plan_free(&p);
}

static void audit_line_carries_the_reason(void **state) {
    struct fx *f = *state;
    struct operation op;
    memset(&op, 0, sizeof op);
    char action[] = "savepoint", cluster[] = "staging", params[] = "{}", reason[] = "INC-1234",
         user[] = "sre-bob";
    op.action = action;
    op.cluster = cluster;
    op.params = params;
    op.reason = reason;
    op.k8s_user = user;
    char err[256];
    assert_int_equal(action_engine_audit(f->e, &op, "requested", err, sizeof err), 0);
    FILE *fp = fopen(f->path, "r");
    assert_non_null(fp);
    char line[2048] = "";
    assert_non_null(fgets(line, sizeof line, fp));
    fclose(fp);
    assert_non_null(strstr(line, "\"reason\":\"INC-1234\""));
    assert_non_null(strstr(line, "\"k8s_user\":\"sre-bob\""));
    assert_non_null(strstr(line, "\"user\":"));
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(op_request_carries_the_plan_as_it_is),
        T(readonly_refuses_until_unlocked_and_locks_again),
        T(unlock_needs_a_duration_and_a_reason),
        T(forced_readonly_wins_over_unlock),
        T(unwritable_audit_refuses_with_the_word_audit),
        T(the_same_action_again_asks),
        T(restore_points_never_offer_a_discarded_checkpoint),
        T(blast_radius_says_how_old_the_data_is),
        T(audit_line_carries_the_reason),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
