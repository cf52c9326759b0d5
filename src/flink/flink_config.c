#include "flink_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "http.h"
#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"
#include "xalloc.h"

#define CONF_MAX_ITEMS 4000 /* a configuration is a few hundred keys; beyond is hostile */

void conf_items_free(struct conf_items *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].key);
        free(l->items[i].value);
    }
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

/* A value as the user should read it: strings as they are, anything else as its JSON
 * (a number, true, a nested object on one line). returns owned, sanitised */
static char *value_text(const cJSON *v) {
    if (v == NULL || cJSON_IsNull(v))
        return xstrdup("");
    if (cJSON_IsString(v))
        return sanitize_strdup(v->valuestring);
    char *raw = cJSON_PrintUnformatted(v);
    char *out = sanitize_strdup(raw ? raw : "");
    free(raw);
    return out;
}

static void add(struct conf_items *out, enum conf_origin o, const char *prefix, const char *key,
                const cJSON *value) {
    if (out->len >= CONF_MAX_ITEMS)
        return;
    out->items = xrealloc(out->items, (out->len + 1) * sizeof *out->items);
    struct conf_item *it = &out->items[out->len++];
    it->origin = o;
    char *full = xasprintf("%s%s", prefix, key);
    it->key = sanitize_strdup(full);
    free(full);
    it->value = value_text(value);
}

enum fa_status flink_config_parse_jobmanager(const char *body, size_t len, struct conf_items *out,
                                             char *err, size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_array(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *e;
    cJSON_ArrayForEach(e, root) {
        const char *key = json_get_string_ref(e, "key");
        if (key == NULL || key[0] == '\0')
            continue;
        add(out, CONF_JOBMANAGER, "", key, cJSON_GetObjectItemCaseSensitive(e, "value"));
    }
    cJSON_Delete(root);
    return FA_OK;
}

enum fa_status flink_config_parse_job(const char *body, size_t len, struct conf_items *out,
                                      char *err, size_t errlen) {
    cJSON *root = NULL;
    enum fa_status st = json_doc_parse_object(body, len, &root, err, errlen);
    if (st != FA_OK)
        return st;
    const cJSON *ec = cJSON_GetObjectItemCaseSensitive(root, "execution-config");
    const cJSON *f;
    if (cJSON_IsObject(ec)) {
        cJSON_ArrayForEach(f, ec) {
            if (f->string == NULL || strcmp(f->string, "user-config") == 0)
                continue;
            add(out, CONF_JOB, "execution-config.", f->string, f);
        }
        const cJSON *uc = cJSON_GetObjectItemCaseSensitive(ec, "user-config");
        if (cJSON_IsObject(uc))
            cJSON_ArrayForEach(f, uc) {
                if (f->string)
                    add(out, CONF_JOB, "user-config.", f->string, f);
            }
    }
    cJSON_Delete(root);
    return FA_OK;
}

/* ---- the fetcher ----------------------------------------------------------------------- */

struct conf_fetch {
    struct http *http; /* borrowed */
    unsigned gen;
    bool open;
    size_t cluster;
    struct conf_items jm, job; /* the two answers, kept apart so either may come first */
    struct conf_items all;     /* jm then job: what the screen reads */
    struct source jm_source, job_source;
    bool changed;
};

struct conf_req {
    struct conf_fetch *f;
    unsigned gen;
    bool job;
};

struct conf_fetch *conf_fetch_new(struct http *http) {
    struct conf_fetch *f = xcalloc(1, sizeof *f);
    f->http = http;
    source_init(&f->jm_source);
    source_init(&f->job_source);
    return f;
}

void conf_fetch_free(struct conf_fetch *f) {
    if (f == NULL)
        return;
    conf_fetch_close(f);
    free(f);
}

static void copy_into(struct conf_items *dst, const struct conf_items *src) {
    for (size_t i = 0; i < src->len; i++) {
        dst->items = xrealloc(dst->items, (dst->len + 1) * sizeof *dst->items);
        struct conf_item *it = &dst->items[dst->len++];
        it->origin = src->items[i].origin;
        it->key = xstrdup(src->items[i].key);
        it->value = xstrdup(src->items[i].value);
    }
}

static void rebuild(struct conf_fetch *f) {
    conf_items_free(&f->all);
    copy_into(&f->all, &f->jm);
    copy_into(&f->all, &f->job);
}

static void on_done(void *arg, const struct http_response *resp) {
    struct conf_req *q = arg;
    struct conf_fetch *f = q->f;
    if (q->gen != f->gen || !f->open)
        goto out;
    f->changed = true;
    int64_t now = clock_wall_ms();
    struct source *src = q->job ? &f->job_source : &f->jm_source;
    if (resp->outcome != HTTP_OK || resp->status >= 400) {
        char *why = resp->status >= 400 ? flink_api_error_message(resp->body, resp->len) : NULL;
        source_fail(src, now, "%s%s%s", resp->error && resp->error[0] ? resp->error : "failed",
                    why ? ": " : "", why ? why : "");
        free(why);
        goto out;
    }
    struct conf_items got = {0};
    char err[128] = "";
    enum fa_status st =
        q->job ? flink_config_parse_job(resp->body, resp->len, &got, err, sizeof err)
               : flink_config_parse_jobmanager(resp->body, resp->len, &got, err, sizeof err);
    if (st != FA_OK) {
        conf_items_free(&got);
        source_fail(src, now, "bad answer: %s", err);
        goto out;
    }
    struct conf_items *slot = q->job ? &f->job : &f->jm;
    conf_items_free(slot);
    *slot = got;
    rebuild(f);
    source_ok(src, now);
out:
    free(q);
}

static void submit_tls(struct conf_fetch *f, const struct cluster *c, const char *path, bool job,
                       int64_t now) {
    char *url = xasprintf("%s%s", c->url ? c->url : "", path);
    struct conf_req *q = xcalloc(1, sizeof *q);
    q->f = f;
    q->gen = f->gen;
    q->job = job;
    struct http_request req = {0};
    req.url = url;
    req.tls = c->tls;
    req.done = on_done;
    req.arg = q;
    req.priority = HTTP_PRIO_VIEW; /* the user opened it and waits for it */
    if (http_submit(f->http, &req) != 0) {
        source_fail(job ? &f->job_source : &f->jm_source, now, "cannot request %s", path);
        free(q);
    }
    free(url);
}

void conf_fetch_open(struct conf_fetch *f, size_t ci, const struct cluster *c, const char *jid,
                     int64_t now) {
    conf_fetch_close(f);
    f->open = true;
    f->cluster = ci;
    submit_tls(f, c, "/jobmanager/config", false, now);
    if (jid && jid[0]) {
        char path[80];
        snprintf(path, sizeof path, "/jobs/%.32s/config", jid);
        submit_tls(f, c, path, true, now);
    } else {
        source_ok(&f->job_source, now); /* nothing to ask */
    }
}

void conf_fetch_close(struct conf_fetch *f) {
    f->gen++;
    f->open = false;
    conf_items_free(&f->jm);
    conf_items_free(&f->job);
    conf_items_free(&f->all);
    source_init(&f->jm_source);
    source_init(&f->job_source);
    f->changed = true;
}

const struct conf_items *conf_fetch_get(const struct conf_fetch *f, size_t ci,
                                        const struct source **jm, const struct source **job) {
    if (f == NULL || !f->open || f->cluster != ci)
        return NULL;
    if (jm)
        *jm = &f->jm_source;
    if (job)
        *job = &f->job_source;
    return &f->all;
}

bool conf_fetch_take_changed(struct conf_fetch *f) {
    bool c = f && f->changed;
    if (f)
        f->changed = false;
    return c;
}
