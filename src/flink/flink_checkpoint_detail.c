#include "flink_checkpoint_detail.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "http.h"
#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"
#include "xalloc.h"

/* ---- parsing --------------------------------------------------------------------------- */

static void task_init(struct cp_task *t) {
    memset(t, 0, sizeof *t);
    t->num_subtasks = t->num_acked = UNKNOWN_I;
    t->latest_ack_ts = t->end_to_end_ms = UNKNOWN_I;
    t->checkpointed_size = t->state_size = t->processed = t->persisted = UNKNOWN_I;
    t->sync_ms = t->async_ms = t->alignment_ms = t->start_delay_ms = UNKNOWN_I;
    source_init(&t->summary_source);
}

void cp_detail_init(struct cp_detail *d) {
    memset(d, 0, sizeof *d);
    d->id = UNKNOWN_I;
    d->trigger_ts = d->latest_ack_ts = d->end_to_end_ms = UNKNOWN_I;
    d->checkpointed_size = d->state_size = d->processed = d->persisted = UNKNOWN_I;
    d->num_subtasks = d->num_acked = UNKNOWN_I;
    d->failure_ts = UNKNOWN_I;
}

void cp_detail_free(struct cp_detail *d) {
    free(d->status);
    free(d->type);
    free(d->failure_message);
    free(d->external_path);
    for (size_t i = 0; i < d->n_tasks; i++)
        free(d->tasks[i].status);
    free(d->tasks);
    cp_detail_init(d);
}

/* A number that cannot be negative (a size, a duration, a time): -1 when it is. */
static int64_t nonneg(const cJSON *o, const char *key) {
    int64_t v = json_get_i64(o, key, UNKNOWN_I);
    return v < 0 ? UNKNOWN_I : v;
}

static int nonneg_int(const cJSON *o, const char *key) {
    int v = json_get_int(o, key, UNKNOWN_I);
    return v < 0 ? UNKNOWN_I : v;
}

/* A failure message on one line: Flink's carry a stack trace's line breaks, which the
 * sanitiser would drop and so glue words together. */
static char *one_line(const char *s) {
    if (s == NULL)
        return NULL;
    char *copy = xstrdup(s);
    for (char *p = copy; *p; p++)
        if (*p == '\n' || *p == '\r' || *p == '\t')
            *p = ' ';
    char *out = sanitize_strdup(copy);
    free(copy);
    return out;
}

static void fill_task(const cJSON *o, struct cp_task *t) {
    t->status = json_get_string(o, "status");
    t->num_subtasks = nonneg_int(o, "num_subtasks");
    t->num_acked = nonneg_int(o, "num_acknowledged_subtasks");
    t->latest_ack_ts = nonneg(o, "latest_ack_timestamp");
    t->end_to_end_ms = nonneg(o, "end_to_end_duration");
    t->checkpointed_size = nonneg(o, "checkpointed_size");
    t->state_size = nonneg(o, "state_size");
    t->processed = nonneg(o, "processed_data");
    t->persisted = nonneg(o, "persisted_data");
}

enum fa_status flink_cp_detail_parse(const char *body, size_t len, struct cp_detail *out,
                                     char *err, size_t errlen) {
    cp_detail_init(out);
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *tasks = cJSON_GetObjectItemCaseSensitive(root, "tasks");
    if (tasks != NULL && !cJSON_IsObject(tasks)) {
        json_doc_set_err(err, errlen, "tasks is not an object");
        st = FA_SHAPE;
        goto out;
    }
    out->id = nonneg(root, "id");
    out->status = json_get_string(root, "status");
    out->is_savepoint = json_get_bool(root, "is_savepoint", false);
    out->type = json_get_string(root, "checkpoint_type");
    out->trigger_ts = nonneg(root, "trigger_timestamp");
    out->latest_ack_ts = nonneg(root, "latest_ack_timestamp");
    out->end_to_end_ms = nonneg(root, "end_to_end_duration");
    out->checkpointed_size = nonneg(root, "checkpointed_size");
    out->state_size = nonneg(root, "state_size");
    out->processed = nonneg(root, "processed_data");
    out->persisted = nonneg(root, "persisted_data");
    out->num_subtasks = nonneg_int(root, "num_subtasks");
    out->num_acked = nonneg_int(root, "num_acknowledged_subtasks");
    out->failure_ts = nonneg(root, "failure_timestamp");
    out->failure_message = one_line(json_get_string_ref(root, "failure_message"));
    out->external_path = json_get_string(root, "external_path");
    size_t n = (size_t)cJSON_GetArraySize(tasks);
    if (n > 0) {
        out->tasks = xcalloc(n, sizeof *out->tasks);
        const cJSON *el;
        cJSON_ArrayForEach(el, tasks) {
            if (!cJSON_IsObject(el))
                continue; /* not a task: skipped, the others still count */
            struct cp_task *t = &out->tasks[out->n_tasks++];
            task_init(t);
            json_doc_copy_hex_id(t->vertex_id, el->string);
            fill_task(el, t);
        }
    }
out:
    cJSON_Delete(root);
    return st;
}

/* The max of a StatsSummaryDto under summary.path (two levels at most), -1 unknown. */
static int64_t summary_max(const cJSON *summary, const char *a, const char *b) {
    const cJSON *o = cJSON_GetObjectItemCaseSensitive(summary, a);
    if (b != NULL)
        o = cJSON_GetObjectItemCaseSensitive(o, b);
    return cJSON_IsObject(o) ? nonneg(o, "max") : UNKNOWN_I;
}

enum fa_status flink_cp_subtasks_parse(const char *body, size_t len, struct cp_task *t, char *err,
                                       size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *summary = cJSON_GetObjectItemCaseSensitive(root, "summary");
    if (summary != NULL && !cJSON_IsObject(summary)) {
        json_doc_set_err(err, errlen, "summary is not an object");
        cJSON_Delete(root);
        return FA_SHAPE;
    }
    t->sync_ms = summary_max(summary, "checkpoint_duration", "sync");
    t->async_ms = summary_max(summary, "checkpoint_duration", "async");
    t->alignment_ms = summary_max(summary, "alignment", "duration");
    t->start_delay_ms = summary_max(summary, "start_delay", NULL);
    t->have_summary = true;
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- the fetcher ----------------------------------------------------------------------- */

struct cp_fetch {
    struct http *http;     /* borrowed */
    unsigned gen;          /* bumped on every open and close: older answers are dropped */
    bool open;
    size_t cluster;        /* index into app->clusters */
    char job_id[33];
    int64_t id;
    char *url;             /* owned: the cluster's base URL at open */
    const struct http_tls *tls; /* borrowed from the cluster */
    struct cp_detail detail;
    bool have_detail;
    struct source source;  /* the details request's state */
    bool changed;
};

/* One request in flight; owned by the transfer, freed by its done callback. */
struct cp_req {
    struct cp_fetch *f;
    unsigned gen;
    char vertex_id[33]; /* "" the details request, else that vertex's subtasks */
};

struct cp_fetch *cp_fetch_new(struct http *http) {
    struct cp_fetch *f = xcalloc(1, sizeof *f);
    f->http = http;
    cp_detail_init(&f->detail);
    source_init(&f->source);
    return f;
}

void cp_fetch_free(struct cp_fetch *f) {
    if (f == NULL)
        return;
    cp_detail_free(&f->detail);
    free(f->url);
    free(f);
}

/* Its error line: HTTP's, with Flink's own message when the body has one. */
static void fail_line(const struct http_response *resp, char *line, size_t size) {
    char *why = resp->status >= 400 ? flink_api_error_message(resp->body, resp->len) : NULL;
    if (why)
        snprintf(line, size, "%s: %s", resp->error, why);
    else
        snprintf(line, size, "%s", resp->error[0] ? resp->error : "request failed");
    free(why);
}

static void submit(struct cp_fetch *f, const char *vertex_id, int64_t now);

static void on_done(void *arg, const struct http_response *resp) {
    struct cp_req *q = arg;
    struct cp_fetch *f = q->f;
    bool cancelled = resp->outcome != HTTP_OK && resp->status == 0 && resp->error &&
                     strcmp(resp->error, "cancelled") == 0;
    if (cancelled || q->gen != f->gen || !f->open)
        goto out; /* closed, reopened, or shutting down */
    f->changed = true;
    char line[200], err[160] = "";
    struct cp_task *task = NULL;
    for (size_t i = 0; q->vertex_id[0] && i < f->detail.n_tasks; i++)
        if (strcmp(f->detail.tasks[i].vertex_id, q->vertex_id) == 0)
            task = &f->detail.tasks[i];
    if (q->vertex_id[0] && task == NULL)
        goto out;
    struct source *src = task ? &task->summary_source : &f->source;
    int64_t now = f->source.last_try_ms; /* the open's time: good enough for one view */
    if (resp->outcome != HTTP_OK || resp->status >= 400) {
        fail_line(resp, line, sizeof line);
        source_fail(src, now, "%s", line);
        goto out;
    }
    if (task) {
        if (flink_cp_subtasks_parse(resp->body, resp->len, task, err, sizeof err) != FA_OK)
            source_fail(src, now, "bad answer: %s", err);
        else
            source_ok(src, now);
        goto out;
    }
    struct cp_detail d;
    if (flink_cp_detail_parse(resp->body, resp->len, &d, err, sizeof err) != FA_OK) {
        cp_detail_free(&d);
        source_fail(src, now, "bad answer: %s", err);
        goto out;
    }
    cp_detail_free(&f->detail);
    f->detail = d;
    f->have_detail = true;
    source_ok(src, now);
    /* then each operator's sync/async and alignment: one request a vertex */
    for (size_t i = 0; i < f->detail.n_tasks; i++)
        if (f->detail.tasks[i].vertex_id[0])
            submit(f, f->detail.tasks[i].vertex_id, now);
out:
    free(q);
}

static void submit(struct cp_fetch *f, const char *vertex_id, int64_t now) {
    struct cp_req *q = xcalloc(1, sizeof *q);
    q->f = f;
    q->gen = f->gen;
    snprintf(q->vertex_id, sizeof q->vertex_id, "%s", vertex_id ? vertex_id : "");
    char *url = vertex_id ? xasprintf("%s/jobs/%s/checkpoints/details/%lld/subtasks/%s", f->url,
                                      f->job_id, (long long)f->id, vertex_id)
                          : xasprintf("%s/jobs/%s/checkpoints/details/%lld", f->url, f->job_id,
                                      (long long)f->id);
    struct http_request req = {0};
    req.url = url;
    req.tls = f->tls;
    req.done = on_done;
    req.arg = q;
    req.priority = HTTP_PRIO_VIEW; /* the user opened it: the screen in view */
    if (http_submit(f->http, &req) != 0) {
        source_fail(&f->source, now, "cannot request %s", url);
        free(q);
    }
    free(url);
}

void cp_fetch_open(struct cp_fetch *f, size_t ci, const struct cluster *c, const char *jid,
                   int64_t id, int64_t now) {
    f->gen++;
    f->open = true;
    f->cluster = ci;
    snprintf(f->job_id, sizeof f->job_id, "%s", jid ? jid : "");
    f->id = id;
    free(f->url);
    f->url = xstrdup(c->url);
    f->tls = c->tls;
    cp_detail_free(&f->detail);
    f->have_detail = false;
    source_init(&f->source);
    f->source.last_try_ms = now;
    f->changed = true;
    submit(f, NULL, now);
}

void cp_fetch_close(struct cp_fetch *f) {
    f->gen++;
    f->open = false;
    cp_detail_free(&f->detail);
    f->have_detail = false;
    f->changed = true;
}

const struct cp_detail *cp_fetch_get(const struct cp_fetch *f, size_t ci, const char *jid,
                                     int64_t *id, const struct source **src) {
    if (f == NULL || !f->open || f->cluster != ci || jid == NULL || strcmp(f->job_id, jid) != 0)
        return NULL;
    if (id)
        *id = f->id;
    if (src)
        *src = &f->source;
    return &f->detail;
}

bool cp_fetch_take_changed(struct cp_fetch *f) {
    bool c = f && f->changed;
    if (f)
        f->changed = false;
    return c;
}
