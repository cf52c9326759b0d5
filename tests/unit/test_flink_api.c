/* Flink REST parsers on fixtures: real shapes from Flink 1.15 to 2.3 first, then what a
 * broken or hostile server sends. What is asserted is what the screen would show. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flink_api.h"
#include "flink_checkpoint_detail.h"
#include "sanitize.h"
#include "fixture.h"
#include "xalloc.h"

static char err[160];

static struct body load(const char *name) { return fixture_load("", name); }

static enum fa_status config_from(const char *name, struct flink_config *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_api_parse_config(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status overview_from(const char *name, struct flink_overview *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_api_parse_overview(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status jobs_from(const char *name, struct job_list *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_api_parse_jobs_overview(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status tms_from(const char *name, struct taskmanager_list *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_api_parse_taskmanagers(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static enum fa_status details_from(const char *name, struct job_details *out) {
    struct body b = load(name);
    memset(out, 0x5a, sizeof *out);
    err[0] = '\0';
    enum fa_status st = flink_api_parse_job_details(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static char *error_from(const char *name) {
    struct body b = load(name);
    char *msg = flink_api_error_message(b.data, b.len);
    free(b.data);
    return msg;
}

static void assert_overview_unknown(const struct flink_overview *o) {
    assert_int_equal(o->taskmanagers, -1);
    assert_int_equal(o->slots_total, -1);
    assert_int_equal(o->slots_available, -1);
    assert_int_equal(o->jobs_running, -1);
    assert_int_equal(o->jobs_finished, -1);
    assert_int_equal(o->jobs_cancelled, -1);
    assert_int_equal(o->jobs_failed, -1);
    assert_null(o->flink_version);
}

/* ---- /config ------------------------------------------------------------------------- */

/* /jobmanager/config: where a savepoint goes without a directory, and whether rescale
 * can use resource-requirements */
static void parse_jm_config_savepoint_dir_and_scheduler(void **state) {
    (void)state;
    char *dir;
    int adaptive;
    const char *v1 = "[{\"key\":\"jobmanager.scheduler\",\"value\":\"adaptive\"},"
                     "{\"key\":\"state.savepoints.dir\",\"value\":\"s3://sp/prod\"},"
                     "{\"key\":\"s3.secret-key\",\"value\":\"******\"}]";
    assert_int_equal(flink_api_parse_jm_config(v1, strlen(v1), &dir, &adaptive, err, sizeof err),
                     FA_OK);
    assert_string_equal(dir, "s3://sp/prod");
    assert_int_equal(adaptive, 1);
    free(dir);
    /* 2.x: the new key wins; no scheduler key is the default scheduler */
    const char *v2 = "[{\"key\":\"execution.checkpointing.savepoint-dir\",\"value\":\"s3://new\"},"
                     "{\"key\":\"state.savepoints.dir\",\"value\":\"s3://old\"}]";
    assert_int_equal(flink_api_parse_jm_config(v2, strlen(v2), &dir, &adaptive, err, sizeof err),
                     FA_OK);
    assert_string_equal(dir, "s3://new");
    assert_int_equal(adaptive, 0);
    free(dir);
    /* unset or masked: no directory; an object instead of the array is a shape error */
    const char *v3 = "[{\"key\":\"state.savepoints.dir\",\"value\":\"******\"},{\"key\":1}]";
    assert_int_equal(flink_api_parse_jm_config(v3, strlen(v3), &dir, &adaptive, err, sizeof err),
                     FA_OK);
    assert_null(dir);
    assert_int_not_equal(flink_api_parse_jm_config("{}", 2, &dir, &adaptive, err, sizeof err),
                         FA_OK);
    assert_null(dir);
}

static void parse_config_flink_1_15_reads_version_revision_refresh(void **state) {
    (void)state;
    struct flink_config c;
    assert_int_equal(config_from("config.flink-1.15.json", &c), FA_OK);
    assert_string_equal(c.flink_version, "1.15.4");
    assert_string_equal(c.flink_revision, "3d8a5ff @ 2023-03-10T16:14:52+01:00");
    assert_true(c.refresh_interval == 3000);
    flink_config_free(&c);
}

static void parse_config_flink_1_18_pretty_printed(void **state) {
    (void)state;
    struct flink_config c;
    assert_int_equal(config_from("config.flink-1.18.json", &c), FA_OK);
    assert_string_equal(c.flink_version, "1.18.1");
    assert_true(c.refresh_interval == 3000);
    flink_config_free(&c);
}

static void parse_config_flink_2_1_reads_version(void **state) {
    (void)state;
    struct flink_config c;
    assert_int_equal(config_from("config.flink-2.1.json", &c), FA_OK);
    assert_string_equal(c.flink_version, "2.1.0");
    assert_string_equal(c.flink_revision, "4cb6bd3 @ 2025-07-23T09:12:31+02:00");
    assert_true(c.refresh_interval == 5000);
    flink_config_free(&c);
}

static void parse_config_of_overview_body_leaves_version_unknown(void **state) {
    (void)state;
    /* an object without the /config fields: fine, just unknown */
    struct flink_config c;
    assert_int_equal(config_from("overview.missing_slots.json", &c), FA_OK);
    assert_null(c.flink_version);
    assert_null(c.flink_revision);
    assert_true(c.refresh_interval == -1);
    flink_config_free(&c);
}

static void parse_config_empty_body_is_empty_error(void **state) {
    (void)state;
    struct flink_config c;
    assert_int_equal(config_from("empty.json", &c), FA_EMPTY);
    assert_string_equal(err, "empty response");
    assert_null(c.flink_version);
    assert_null(c.flink_revision);
    assert_true(c.refresh_interval == -1);
}

/* ---- /overview ----------------------------------------------------------------------- */

static void parse_overview_flink_1_15_without_blocked_fields(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.flink-1.15.json", &o), FA_OK);
    assert_int_equal(o.taskmanagers, 3);
    assert_int_equal(o.slots_total, 12);
    assert_int_equal(o.slots_available, 5);
    assert_int_equal(o.jobs_running, 2);
    assert_int_equal(o.jobs_finished, 7);
    assert_int_equal(o.jobs_cancelled, 1);
    assert_int_equal(o.jobs_failed, 0); /* a real zero stays zero */
    assert_string_equal(o.flink_version, "1.15.4");
    flink_overview_free(&o);
}

static void parse_overview_flink_1_20_with_blocked_fields(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.flink-1.20.json", &o), FA_OK);
    assert_int_equal(o.taskmanagers, 4);
    assert_int_equal(o.slots_total, 16);
    assert_int_equal(o.slots_available, 2);
    assert_int_equal(o.jobs_running, 3);
    assert_int_equal(o.jobs_finished, 0);
    assert_int_equal(o.jobs_cancelled, 2);
    assert_int_equal(o.jobs_failed, 1);
    assert_string_equal(o.flink_version, "1.20.1");
    flink_overview_free(&o);
}

static void parse_overview_missing_slots_is_unknown(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.missing_slots.json", &o), FA_OK);
    assert_int_equal(o.taskmanagers, 2);
    assert_int_equal(o.slots_total, -1);
    assert_int_equal(o.slots_available, -1);
    assert_int_equal(o.jobs_running, 1);
    assert_null(o.flink_version);
    flink_overview_free(&o);
}

static void parse_overview_wrong_types_are_unknown_numeric_string_read(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.wrong_types.json", &o), FA_OK);
    assert_int_equal(o.taskmanagers, 3);     /* "3" */
    assert_int_equal(o.slots_total, -1);     /* "eight" */
    assert_int_equal(o.slots_available, -1); /* "NaN" */
    assert_int_equal(o.jobs_running, -1);    /* true */
    assert_int_equal(o.jobs_finished, -1);   /* null */
    assert_int_equal(o.jobs_cancelled, -1);  /* [1] */
    assert_int_equal(o.jobs_failed, -1);     /* {"n":1} */
    assert_null(o.flink_version);            /* 1.15 as a number */
    flink_overview_free(&o);
}

static void parse_overview_huge_numbers_are_unknown(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.huge_numbers.json", &o), FA_OK);
    assert_int_equal(o.taskmanagers, -1);    /* 1e30 */
    assert_int_equal(o.slots_total, -1);     /* 99999999999999999999 */
    assert_int_equal(o.slots_available, -1); /* 2^31 */
    assert_int_equal(o.jobs_running, -1);    /* -1e30 */
    assert_int_equal(o.jobs_finished, -1);   /* 1.5 */
    assert_int_equal(o.jobs_cancelled, -1);  /* "99999999999999999999" */
    assert_int_equal(o.jobs_failed, 2147483647);
    assert_string_equal(o.flink_version, "1.19.0");
    flink_overview_free(&o);
}

static void parse_overview_top_level_array_is_shape_error(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.top_level_array.json", &o), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_overview_unknown(&o);
}

static void parse_overview_trailing_garbage_is_syntax_error(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("overview.trailing_garbage.json", &o), FA_SYNTAX);
    assert_string_equal(err, "malformed JSON at byte 39: data after the value");
    assert_overview_unknown(&o);
}

static void parse_overview_whitespace_body_is_empty_error(void **state) {
    (void)state;
    struct flink_overview o;
    assert_int_equal(overview_from("whitespace.json", &o), FA_EMPTY);
    assert_string_equal(err, "empty response");
    assert_overview_unknown(&o);
}

/* ---- /jobs/overview ------------------------------------------------------------------ */

static void parse_jobs_overview_flink_1_15_reads_every_job(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.flink-1.15.json", &l), FA_OK);
    assert_int_equal(l.len, 3);
    const struct job *j = &l.items[0];
    assert_string_equal(j->id, "5b4a9e8f3f1c4c0e8f2a1d7e6b3c9a01");
    assert_string_equal(j->name, "orders-enrichment");
    assert_int_equal(j->state, JOB_RUNNING);
    assert_true(j->start_time == INT64_C(1700000000000));
    assert_true(j->end_time == -1);
    assert_true(j->duration_ms == 86400000);
    assert_true(j->last_modification == INT64_C(1700000012345));
    assert_int_equal(j->tasks_total, 8);
    assert_int_equal(j->tasks_running, 8);
    assert_int_equal(j->tasks_failed, 0);
    /* only /jobs/:jid knows these */
    assert_int_equal(j->parallelism, -1);
    assert_int_equal(j->max_parallelism, -1);
    assert_null(j->detail);

    j = &l.items[1];
    assert_string_equal(j->name, "nightly-backfill");
    assert_int_equal(j->state, JOB_FINISHED);
    assert_true(j->end_time == INT64_C(1699993600000));
    assert_int_equal(j->tasks_running, 0);

    j = &l.items[2];
    assert_string_equal(j->id, "ffeeddccbbaa99887766554433221100");
    assert_int_equal(j->state, JOB_CANCELLING);
    assert_int_equal(j->tasks_total, 6);
    assert_int_equal(j->tasks_running, 2);
    job_list_free(&l);
}

static void parse_jobs_overview_flink_2_1_with_pending_operators(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.flink-2.1.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].id, "9f86d081884c7d659a2feaa0c55ad015");
    assert_string_equal(l.items[0].name, "clickstream-sessions");
    assert_int_equal(l.items[0].state, JOB_RESTARTING);
    assert_int_equal(l.items[0].tasks_total, 12);
    assert_int_equal(l.items[0].tasks_running, 9);
    assert_int_equal(l.items[0].tasks_failed, 3);
    assert_int_equal(l.items[1].state, JOB_INITIALIZING);
    assert_string_equal(l.items[1].name, "inventory-sync");
    job_list_free(&l);
}

static void parse_jobs_overview_flink_2_3_with_job_and_scheduler_type(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.flink-2.3.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    assert_string_equal(l.items[0].name, "payments-ledger");
    assert_int_equal(l.items[0].state, JOB_RUNNING);
    assert_string_equal(l.items[1].id, "27d0ee1a1c2e3f4a5b6c7d8e9f0a1b2c");
    assert_int_equal(l.items[1].state, JOB_FAILED);
    assert_int_equal(l.items[1].tasks_failed, 1);
    assert_true(l.items[1].duration_ms == 600000);
    job_list_free(&l);
}

static void parse_jobs_overview_truncated_is_syntax_error(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.truncated.json", &l), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte "));
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void parse_jobs_overview_empty_file_is_empty_error(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("empty.json", &l), FA_EMPTY);
    assert_string_equal(err, "empty response");
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void parse_jobs_overview_top_level_array_is_shape_error(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.top_level_array.json", &l), FA_SHAPE);
    assert_string_equal(err, "expected object with \"jobs\" array");
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void parse_jobs_overview_jobs_not_array_is_shape_error(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.jobs_not_array.json", &l), FA_SHAPE);
    assert_string_equal(err, "expected object with \"jobs\" array");
    assert_int_equal(l.len, 0);
}

static void parse_jobs_overview_missing_jobs_is_shape_error(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.no_jobs_key.json", &l), FA_SHAPE);
    assert_string_equal(err, "expected object with \"jobs\" array");
    assert_int_equal(l.len, 0);
}

static void parse_jobs_overview_empty_list_is_no_jobs(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.empty_list.json", &l), FA_OK);
    assert_int_equal(l.len, 0);
    job_list_free(&l);
}

static void parse_jobs_overview_missing_fields_are_unknown(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.missing_fields.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    for (size_t i = 0; i < 2; i++) {
        const struct job *j = &l.items[i];
        assert_null(j->name);
        assert_int_equal(j->state, JOB_UNKNOWN);
        assert_true(j->start_time == -1 && j->end_time == -1 && j->duration_ms == -1);
        assert_true(j->last_modification == -1);
        /* no "tasks" at all: unknown, not zero */
        assert_int_equal(j->tasks_total, -1);
        assert_int_equal(j->tasks_running, -1);
        assert_int_equal(j->tasks_failed, -1);
    }
    assert_string_equal(l.items[0].id, "11111111111111111111111111111111");
    assert_string_equal(l.items[1].id, "");
    job_list_free(&l);
}

static void parse_jobs_overview_skips_non_objects_wrong_types_unknown(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.wrong_types.json", &l), FA_OK);
    /* null, 42, a string, [] and true are skipped; the four objects stay */
    assert_int_equal(l.len, 4);

    const struct job *j = &l.items[0];
    assert_string_equal(j->id, "");                       /* 31 hex digits */
    assert_null(j->name);                                 /* 12345 */
    assert_int_equal(j->state, JOB_UNKNOWN);              /* "running" */
    assert_true(j->start_time == INT64_C(1700000000000)); /* "1700000000000" */
    assert_true(j->end_time == -1);                       /* "NaN" */
    assert_true(j->duration_ms == -1);                    /* "forever" */
    assert_true(j->last_modification == -1);
    assert_int_equal(j->tasks_total, -1); /* tasks is an array */

    j = &l.items[1];
    assert_string_equal(j->id, ""); /* 34 hex digits */
    assert_null(j->name);           /* null */
    assert_int_equal(j->state, JOB_UNKNOWN);
    assert_true(j->start_time == -1);       /* 1700000000000.5 */
    assert_int_equal(j->tasks_total, 8);    /* "8" */
    assert_int_equal(j->tasks_running, -1); /* "NaN" */
    assert_int_equal(j->tasks_failed, -1);  /* -3 */

    j = &l.items[2];
    assert_string_equal(j->id, ""); /* "zz..." */
    assert_string_equal(j->name, "ok-name");
    assert_int_equal(j->state, JOB_UNKNOWN); /* CANCELING is a task state */
    assert_int_equal(j->tasks_total, -1);    /* "8/8" */

    j = &l.items[3];
    assert_string_equal(j->id, "");
    assert_null(j->name);
    job_list_free(&l);
}

static void parse_jobs_overview_huge_numbers_are_unknown(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.huge_numbers.json", &l), FA_OK);
    assert_int_equal(l.len, 1);
    const struct job *j = &l.items[0];
    assert_string_equal(j->name, "huge");
    assert_int_equal(j->state, JOB_RUNNING);
    assert_true(j->start_time == -1);
    assert_true(j->end_time == -1);
    assert_true(j->duration_ms == -1);
    assert_true(j->last_modification == -1); /* INT64_MAX rounds past the range */
    assert_int_equal(j->tasks_total, -1);
    assert_int_equal(j->tasks_running, -1);
    assert_int_equal(j->tasks_failed, -1);
    job_list_free(&l);
}

static void assert_no_controls(const char *s) {
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        assert_true(*p >= 0x20);
        assert_true(*p != 0x7f);
        if (p[0] == 0xc2 && p[1] != 0)
            assert_true(p[1] >= 0xa0); /* no C1 control */
    }
}

static void parse_jobs_overview_hostile_names_are_sanitised(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.hostile_names.json", &l), FA_OK);
    assert_int_equal(l.len, 5);
    for (size_t i = 0; i < l.len; i++) {
        assert_non_null(l.items[i].name);
        assert_no_controls(l.items[i].name);
        assert_int_equal(l.items[i].state, JOB_RUNNING);
    }
    assert_string_equal(l.items[0].name, "red-job");
    /* \u0000 neither ends the name nor vanishes: it shows as U+FFFD */
    assert_string_equal(l.items[1].name, "line1line2tabdel" SANITIZE_REPLACEMENT "nul");
    assert_string_equal(l.items[2].name, "c1:31m csi nel \xc2\xa0nbsp");
    assert_string_equal(l.items[3].name, "bad:? ?? ?? ??? ???? ? end");
    assert_string_equal(l.items[4].name,
                        "\xe6\xb5\x81\xe5\xa4\x84\xe7\x90\x86-\xf0\x9f\x9a\x80-\xc3\xa9t\xc3\xa9");
    assert_string_equal(l.items[3].id, "ffffffffffffffffffffffffffffffff");
    job_list_free(&l);
}

static void parse_jobs_overview_raw_control_bytes_are_stripped(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.raw_control_bytes.json", &l), FA_OK);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0].name, "abcdefg?h");
    job_list_free(&l);
}

static void parse_jobs_overview_deep_nesting_is_syntax_error(void **state) {
    (void)state;
    struct job_list l;
    assert_int_equal(jobs_from("jobs_overview.deep_nesting.json", &l), FA_SYNTAX);
    assert_non_null(strstr(err, "malformed JSON at byte "));
    assert_int_equal(l.len, 0);
}

static void parse_jobs_overview_reads_only_len_bytes(void **state) {
    (void)state;
    /* a valid document followed by bytes the caller did not hand over */
    const char text[] = "{\"jobs\":[]}{\"jobs\":[{\"jid\":\"x\"}]}";
    struct job_list l;
    assert_int_equal(flink_api_parse_jobs_overview(text, 11, &l, err, sizeof err), FA_OK);
    assert_int_equal(l.len, 0);
    job_list_free(&l);
    /* cut inside the document: an error, not a read past the end */
    assert_int_equal(flink_api_parse_jobs_overview(text, 10, &l, err, sizeof err), FA_SYNTAX);
    assert_int_equal(l.len, 0);
}

static void parse_error_message_fits_a_small_buffer(void **state) {
    (void)state;
    struct body b = load("jobs_overview.top_level_array.json");
    struct job_list l;
    char small[9];
    memset(small, 'X', sizeof small);
    assert_int_equal(flink_api_parse_jobs_overview(b.data, b.len, &l, small, sizeof small),
                     FA_SHAPE);
    assert_int_equal(strlen(small), 8);
    assert_string_equal(small, "expected");
    /* no err buffer at all is allowed too */
    assert_int_equal(flink_api_parse_jobs_overview(b.data, b.len, &l, NULL, 0), FA_SHAPE);
    free(b.data);
}

/* ---- /taskmanagers ------------------------------------------------------------------- */

static void parse_taskmanagers_flink_1_15_standalone_ids(void **state) {
    (void)state;
    struct taskmanager_list l;
    assert_int_equal(tms_from("taskmanagers.flink-1.15.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    const struct taskmanager *t = &l.items[0];
    assert_string_equal(t->id, "10.0.3.17:36421-a1b2c3");
    assert_string_equal(t->path, "akka.tcp://flink@10.0.3.17:36421/user/rpc/taskmanager_0");
    assert_int_equal(t->slots_total, 4);
    assert_int_equal(t->slots_free, 1);
    assert_true(t->last_heartbeat == INT64_C(1700000010123));
    assert_true(t->cpu_cores == 8.0);
    assert_true(t->physical_memory == INT64_C(33672450048));
    assert_int_equal(l.items[1].slots_free, 4);
    taskmanager_list_free(&l);
}

static void parse_taskmanagers_flink_1_18_pod_name_ids_kept(void **state) {
    (void)state;
    struct taskmanager_list l;
    assert_int_equal(tms_from("taskmanagers.flink-1.18.json", &l), FA_OK);
    assert_int_equal(l.len, 2);
    /* not hex, despite the spec's pattern: kept as sent */
    assert_string_equal(l.items[0].id, "flink-prod-taskmanager-1-1");
    assert_string_equal(l.items[1].id, "flink-prod-taskmanager-1-2");
    assert_string_equal(l.items[0].path,
                        "pekko.tcp://flink@10.244.1.23:6122/user/rpc/taskmanager_0");
    assert_int_equal(l.items[0].slots_total, 2);
    assert_int_equal(l.items[0].slots_free, 0);
    assert_true(l.items[0].cpu_cores == 16.0);
    assert_true(l.items[0].physical_memory == INT64_C(67108864000));
    taskmanager_list_free(&l);
}

static void parse_taskmanagers_flink_2_3_with_assigned_tasks(void **state) {
    (void)state;
    struct taskmanager_list l;
    assert_int_equal(tms_from("taskmanagers.flink-2.3.json", &l), FA_OK);
    assert_int_equal(l.len, 1);
    assert_string_equal(l.items[0].id, "analytics-taskmanager-2-7");
    assert_int_equal(l.items[0].slots_total, 8);
    assert_int_equal(l.items[0].slots_free, 3);
    assert_true(l.items[0].last_heartbeat == INT64_C(1765000000000));
    taskmanager_list_free(&l);
}

static void parse_taskmanagers_wrong_types_are_unknown(void **state) {
    (void)state;
    struct taskmanager_list l;
    assert_int_equal(tms_from("taskmanagers.wrong_types.json", &l), FA_OK);
    assert_int_equal(l.len, 2); /* the string item is skipped */
    const struct taskmanager *t = &l.items[0];
    assert_non_null(t->id);
    assert_string_equal(t->id, ""); /* 7 is no id */
    assert_null(t->path);
    assert_int_equal(t->slots_total, -1);
    assert_int_equal(t->slots_free, -1);
    assert_true(t->last_heartbeat == -1);
    assert_true(isnan(t->cpu_cores));
    assert_true(t->physical_memory == -1);
    t = &l.items[1];
    assert_string_equal(t->id, "tm-blink");
    assert_int_equal(t->slots_total, 2);
    assert_true(isnan(t->cpu_cores)); /* hardware is a string */
    assert_true(t->physical_memory == -1);
    taskmanager_list_free(&l);
}

static void parse_taskmanagers_top_level_array_is_shape_error(void **state) {
    (void)state;
    struct taskmanager_list l;
    assert_int_equal(tms_from("taskmanagers.top_level_array.json", &l), FA_SHAPE);
    assert_string_equal(err, "expected object with \"taskmanagers\" array");
    assert_null(l.items);
    assert_int_equal(l.len, 0);
}

static void parse_taskmanagers_truncated_is_syntax_error(void **state) {
    (void)state;
    struct taskmanager_list l;
    assert_int_equal(tms_from("jobs_overview.truncated.json", &l), FA_SYNTAX);
    assert_int_equal(l.len, 0);
}

/* ---- /jobs/:jid ---------------------------------------------------------------------- */

static void parse_job_details_flink_1_15_max_parallelism_from_vertices(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.flink-1.15.json", &d), FA_OK);
    assert_string_equal(d.id, "5b4a9e8f3f1c4c0e8f2a1d7e6b3c9a01");
    assert_int_equal(d.vertex_count, 2);
    assert_int_equal(d.parallelism, 4);
    /* the job's maxParallelism is -1 (not set): the vertices' 128 is shown */
    assert_int_equal(d.max_parallelism, 128);
}

static void parse_job_details_flink_1_20_job_max_parallelism_wins(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.flink-1.20.json", &d), FA_OK);
    assert_string_equal(d.id, "0c1b2a3948576f6e5d4c3b2a19080706");
    assert_int_equal(d.vertex_count, 3);
    assert_int_equal(d.parallelism, 6);
    assert_int_equal(d.max_parallelism, 512);
}

static void parse_job_details_flink_2_1_max_over_uneven_vertices(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.flink-2.1.json", &d), FA_OK);
    assert_string_equal(d.id, "9f86d081884c7d659a2feaa0c55ad015");
    assert_int_equal(d.vertex_count, 3);
    assert_int_equal(d.parallelism, 8);
    assert_int_equal(d.max_parallelism, 64);
}

static void parse_job_details_zero_vertices_parallelism_unknown(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.no_vertices.json", &d), FA_OK);
    assert_string_equal(d.id, "11111111111111111111111111111111");
    assert_int_equal(d.vertex_count, 0);
    assert_int_equal(d.parallelism, -1);
    assert_int_equal(d.max_parallelism, -1);
}

static void parse_job_details_parallelism_1000(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.parallelism_1000.json", &d), FA_OK);
    assert_int_equal(d.vertex_count, 2);
    assert_int_equal(d.parallelism, 1000);
    assert_int_equal(d.max_parallelism, 1024);
}

static void parse_job_details_wrong_types_are_unknown(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.wrong_types.json", &d), FA_OK);
    assert_string_equal(d.id, "");       /* "not-a-job-id" */
    assert_int_equal(d.vertex_count, 3); /* null and "v" are not vertices */
    /* "NaN", "7" and 99999999999999999999: only the "7" is a parallelism */
    assert_int_equal(d.parallelism, 7);
    /* job "NaN", vertices 1e30 and -1: nothing usable */
    assert_int_equal(d.max_parallelism, -1);
}

static void parse_job_details_missing_vertices_is_unknown(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.vertices_missing.json", &d), FA_OK);
    assert_string_equal(d.id, "33333333333333333333333333333333");
    assert_int_equal(d.vertex_count, -1);
    assert_int_equal(d.parallelism, -1);
    assert_int_equal(d.max_parallelism, 64);
}

static void parse_job_details_top_level_array_is_shape_error(void **state) {
    (void)state;
    struct job_details d;
    assert_int_equal(details_from("job_details.top_level_array.json", &d), FA_SHAPE);
    assert_string_equal(err, "expected JSON object, got array");
    assert_string_equal(d.id, "");
    assert_int_equal(d.parallelism, -1);
    assert_int_equal(d.max_parallelism, -1);
    assert_int_equal(d.vertex_count, -1);
}

/* ---- error bodies -------------------------------------------------------------------- */

static void error_message_is_first_line_of_first_error(void **state) {
    (void)state;
    char *m = error_from("error.not_found.json");
    assert_string_equal(m, "org.apache.flink.runtime.rest.NotFoundException: Job "
                           "5b4a9e8f3f1c4c0e8f2a1d7e6b3c9a01 not found");
    free(m);
    m = error_from("error.internal.json");
    assert_string_equal(m, "Internal server error.");
    free(m);
}

static void error_message_skips_non_strings_and_is_sanitised(void **state) {
    (void)state;
    char *m = error_from("error.hostile.json");
    assert_string_equal(m, "Service temporarily unavailable");
    free(m);
}

static void error_message_without_errors_is_null(void **state) {
    (void)state;
    assert_null(error_from("error.no_errors.json"));
    assert_null(error_from("error.html_page.json"));
    assert_null(error_from("empty.json"));
    assert_null(error_from("overview.top_level_array.json"));
}

static void fa_status_message_names_each_status(void **state) {
    (void)state;
    assert_string_equal(fa_status_message(FA_OK), "ok");
    assert_string_equal(fa_status_message(FA_EMPTY), "empty response");
    assert_string_equal(fa_status_message(FA_SYNTAX), "malformed JSON");
    assert_string_equal(fa_status_message(FA_SHAPE), "unexpected JSON shape");
}

/* ---- one checkpoint in detail (flink_checkpoint_detail.h) ------------------------------ */

static enum fa_status cp_detail_from(const char *name, struct cp_detail *out) {
    struct body b = fixture_load("detail", name);
    err[0] = '\0';
    enum fa_status st = flink_cp_detail_parse(b.data, b.len, out, err, sizeof err);
    free(b.data);
    return st;
}

static struct cp_task *task_of(const struct cp_detail *d, const char *vid) {
    for (size_t i = 0; i < d->n_tasks; i++)
        if (strcmp(d->tasks[i].vertex_id, vid) == 0)
            return &d->tasks[i];
    return NULL;
}

#define V_SOURCE "bc764cd8ddf7a0cff126f51c16239658"
#define V_MAP "0a448493b4782967b150582570326227"
#define V_SINK "ea632d67b7d595e5b851708ae9ad79d6"

static void checkpoint_detail_failed_has_each_operator_and_the_whole_cause(void **state) {
    (void)state;
    struct cp_detail d;
    assert_int_equal(cp_detail_from("checkpoint_details.flink-1.20-failed.json", &d), FA_OK);
    assert_int_equal(d.id, 11292);
    assert_string_equal(d.status, "FAILED");
    assert_string_equal(d.type, "CHECKPOINT");
    assert_false(d.is_savepoint);
    assert_int_equal(d.num_subtasks, 9);
    assert_int_equal(d.num_acked, 4);
    assert_int_equal(d.end_to_end_ms, 652);
    assert_int_equal(d.checkpointed_size, 271581184);
    assert_int_equal(d.state_size, 4080218112LL);
    assert_int_equal(d.failure_ts, 1764999848652LL);
    assert_null(d.external_path);
    /* the whole message, on one line, nothing of the escape sequence left */
    assert_non_null(strstr(d.failure_message, "Task name with subtask : Map (2/3)#0 Failure "
                                              "reason: Task has failed."));
    assert_non_null(strstr(d.failure_message, "(CheckpointCoordinator.java:2191)"));
    assert_null(strchr(d.failure_message, '\n'));
    assert_null(strchr(d.failure_message, '\x1b'));
    assert_int_equal(d.n_tasks, 3);
    const struct cp_task *src = task_of(&d, V_SOURCE), *map = task_of(&d, V_MAP),
                         *sink = task_of(&d, V_SINK);
    assert_non_null(src);
    assert_non_null(map);
    assert_non_null(sink);
    assert_int_equal(src->num_acked, 2);
    assert_int_equal(src->num_subtasks, 2);
    assert_int_equal(src->end_to_end_ms, 130);
    assert_int_equal(src->processed, 2458);
    assert_int_equal(src->persisted, 0);
    assert_string_equal(map->status, "IN_PROGRESS");
    assert_int_equal(map->num_acked, 2);
    assert_int_equal(map->num_subtasks, 3);
    assert_int_equal(sink->latest_ack_ts, -1); /* never acknowledged: unknown, not 0 */
    /* the subtasks' figures come later */
    assert_false(map->have_summary);
    assert_int_equal(map->sync_ms, -1);
    cp_detail_free(&d);
}

static void checkpoint_detail_flink_1_14_savepoint_without_checkpointed_size(void **state) {
    (void)state;
    struct cp_detail d;
    assert_int_equal(cp_detail_from("checkpoint_details.flink-1.14-completed.json", &d), FA_OK);
    assert_string_equal(d.status, "COMPLETED");
    assert_true(d.is_savepoint);
    assert_int_equal(d.checkpointed_size, -1); /* since 1.15 */
    assert_int_equal(d.state_size, 1048576);
    assert_string_equal(d.external_path, "s3://flink-production/savepoints/savepoint-8be989-4f2a6c1d");
    assert_null(d.failure_message);
    assert_int_equal(d.failure_ts, -1);
    assert_int_equal(d.n_tasks, 1);
    assert_int_equal(d.tasks[0].checkpointed_size, -1);
    cp_detail_free(&d);
}

static void checkpoint_detail_wrong_types_are_unknown(void **state) {
    (void)state;
    struct cp_detail d;
    assert_int_equal(cp_detail_from("checkpoint_details.wrong_types.json", &d), FA_OK);
    assert_int_equal(d.id, -1);
    assert_null(d.status);
    assert_false(d.is_savepoint);
    assert_int_equal(d.trigger_ts, -1);
    assert_int_equal(d.num_subtasks, -1);
    assert_int_equal(d.num_acked, -1);
    assert_null(d.failure_message);
    /* a task that is not an object is skipped; one keyed by a non-id has no id */
    assert_int_equal(d.n_tasks, 1);
    assert_string_equal(d.tasks[0].vertex_id, "");
    assert_int_equal(d.tasks[0].num_subtasks, -1);
    assert_int_equal(d.tasks[0].state_size, -1);
    assert_null(d.tasks[0].status);
    cp_detail_free(&d);
}

static void checkpoint_detail_bad_shapes_are_errors(void **state) {
    (void)state;
    struct cp_detail d;
    assert_int_equal(cp_detail_from("checkpoint_details.top_level_array.json", &d), FA_SHAPE);
    cp_detail_free(&d);
    assert_int_equal(cp_detail_from("checkpoint_details.tasks_array.json", &d), FA_SHAPE);
    assert_non_null(strstr(err, "tasks"));
    cp_detail_free(&d);
    assert_int_equal(cp_detail_from("checkpoint_details.truncated.json", &d), FA_SYNTAX);
    cp_detail_free(&d);
    assert_int_equal(cp_detail_from("empty.json", &d), FA_EMPTY);
    cp_detail_free(&d);
}

static void checkpoint_subtasks_summary_gives_sync_async_alignment(void **state) {
    (void)state;
    struct cp_detail d;
    assert_int_equal(cp_detail_from("checkpoint_details.flink-1.20-failed.json", &d), FA_OK);
    struct cp_task *map = task_of(&d, V_MAP);
    struct body b = fixture_load("detail", "checkpoint_subtasks.flink-1.20.json");
    assert_int_equal(flink_cp_subtasks_parse(b.data, b.len, map, err, sizeof err), FA_OK);
    free(b.data);
    assert_true(map->have_summary);
    assert_int_equal(map->sync_ms, 12);
    assert_int_equal(map->async_ms, 156);
    assert_int_equal(map->alignment_ms, 52);
    assert_int_equal(map->start_delay_ms, 32);
    /* no summary (nothing acknowledged yet): answered, every figure unknown */
    struct cp_task *sink = task_of(&d, V_SINK);
    b = fixture_load("detail", "checkpoint_subtasks.no_summary.json");
    assert_int_equal(flink_cp_subtasks_parse(b.data, b.len, sink, err, sizeof err), FA_OK);
    free(b.data);
    assert_true(sink->have_summary);
    assert_int_equal(sink->sync_ms, -1);
    assert_int_equal(sink->alignment_ms, -1);
    b = fixture_load("detail", "checkpoint_details.top_level_array.json");
    assert_int_equal(flink_cp_subtasks_parse(b.data, b.len, sink, err, sizeof err), FA_SHAPE);
    free(b.data);
    cp_detail_free(&d);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parse_jm_config_savepoint_dir_and_scheduler),
        cmocka_unit_test(parse_config_flink_1_15_reads_version_revision_refresh),
        cmocka_unit_test(parse_config_flink_1_18_pretty_printed),
        cmocka_unit_test(parse_config_flink_2_1_reads_version),
        cmocka_unit_test(parse_config_of_overview_body_leaves_version_unknown),
        cmocka_unit_test(parse_config_empty_body_is_empty_error),
        cmocka_unit_test(parse_overview_flink_1_15_without_blocked_fields),
        cmocka_unit_test(parse_overview_flink_1_20_with_blocked_fields),
        cmocka_unit_test(parse_overview_missing_slots_is_unknown),
        cmocka_unit_test(parse_overview_wrong_types_are_unknown_numeric_string_read),
        cmocka_unit_test(parse_overview_huge_numbers_are_unknown),
        cmocka_unit_test(parse_overview_top_level_array_is_shape_error),
        cmocka_unit_test(parse_overview_trailing_garbage_is_syntax_error),
        cmocka_unit_test(parse_overview_whitespace_body_is_empty_error),
        cmocka_unit_test(parse_jobs_overview_flink_1_15_reads_every_job),
        cmocka_unit_test(parse_jobs_overview_flink_2_1_with_pending_operators),
        cmocka_unit_test(parse_jobs_overview_flink_2_3_with_job_and_scheduler_type),
        cmocka_unit_test(parse_jobs_overview_truncated_is_syntax_error),
        cmocka_unit_test(parse_jobs_overview_empty_file_is_empty_error),
        cmocka_unit_test(parse_jobs_overview_top_level_array_is_shape_error),
        cmocka_unit_test(parse_jobs_overview_jobs_not_array_is_shape_error),
        cmocka_unit_test(parse_jobs_overview_missing_jobs_is_shape_error),
        cmocka_unit_test(parse_jobs_overview_empty_list_is_no_jobs),
        cmocka_unit_test(parse_jobs_overview_missing_fields_are_unknown),
        cmocka_unit_test(parse_jobs_overview_skips_non_objects_wrong_types_unknown),
        cmocka_unit_test(parse_jobs_overview_huge_numbers_are_unknown),
        cmocka_unit_test(parse_jobs_overview_hostile_names_are_sanitised),
        cmocka_unit_test(parse_jobs_overview_raw_control_bytes_are_stripped),
        cmocka_unit_test(parse_jobs_overview_deep_nesting_is_syntax_error),
        cmocka_unit_test(parse_jobs_overview_reads_only_len_bytes),
        cmocka_unit_test(parse_error_message_fits_a_small_buffer),
        cmocka_unit_test(parse_taskmanagers_flink_1_15_standalone_ids),
        cmocka_unit_test(parse_taskmanagers_flink_1_18_pod_name_ids_kept),
        cmocka_unit_test(parse_taskmanagers_flink_2_3_with_assigned_tasks),
        cmocka_unit_test(parse_taskmanagers_wrong_types_are_unknown),
        cmocka_unit_test(parse_taskmanagers_top_level_array_is_shape_error),
        cmocka_unit_test(parse_taskmanagers_truncated_is_syntax_error),
        cmocka_unit_test(parse_job_details_flink_1_15_max_parallelism_from_vertices),
        cmocka_unit_test(parse_job_details_flink_1_20_job_max_parallelism_wins),
        cmocka_unit_test(parse_job_details_flink_2_1_max_over_uneven_vertices),
        cmocka_unit_test(parse_job_details_zero_vertices_parallelism_unknown),
        cmocka_unit_test(parse_job_details_parallelism_1000),
        cmocka_unit_test(parse_job_details_wrong_types_are_unknown),
        cmocka_unit_test(parse_job_details_missing_vertices_is_unknown),
        cmocka_unit_test(parse_job_details_top_level_array_is_shape_error),
        cmocka_unit_test(error_message_is_first_line_of_first_error),
        cmocka_unit_test(error_message_skips_non_strings_and_is_sanitised),
        cmocka_unit_test(error_message_without_errors_is_null),
        cmocka_unit_test(fa_status_message_names_each_status),
        cmocka_unit_test(checkpoint_detail_failed_has_each_operator_and_the_whole_cause),
        cmocka_unit_test(checkpoint_detail_flink_1_14_savepoint_without_checkpointed_size),
        cmocka_unit_test(checkpoint_detail_wrong_types_are_unknown),
        cmocka_unit_test(checkpoint_detail_bad_shapes_are_errors),
        cmocka_unit_test(checkpoint_subtasks_summary_gives_sync_async_alignment),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
