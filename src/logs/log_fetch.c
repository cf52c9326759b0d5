#include "log_fetch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "buf.h"
#include "clock.h"
#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"
#include "xalloc.h"

#define LOG_CONNECT_TIMEOUT_MS 10000
#define LOG_IDLE_TIMEOUT_MS 30000            /* a log download silent this long has hung */
#define LOG_FOLLOW_IDLE_TIMEOUT_MS 1800000 /* a followed log may be quiet for long */

struct logs {
    struct http *http; /* borrowed */
    size_t cap_bytes;
    struct log_fetch *open; /* borrowed list: the screens own them */
    bool changed;
};

struct logs *logs_new(struct http *h, size_t cap_bytes) {
    struct logs *l = xcalloc(1, sizeof *l);
    l->http = h;
    l->cap_bytes = cap_bytes;
    return l;
}

void logs_free(struct logs *l) {
    if (l == NULL)
        return;
    /* screens free their logs first; whatever is left only loses its registry */
    for (struct log_fetch *f = l->open; f; f = f->next)
        f->logs = NULL;
    free(l);
}

bool logs_take_changed(struct logs *l) {
    if (l == NULL)
        return false;
    bool any = l->changed;
    l->changed = false;
    return any;
}

static void touch(struct log_fetch *f) {
    f->changed = true;
    if (f->logs)
        f->logs->changed = true;
}

static bool on_chunk(void *arg, const char *data, size_t len) {
    struct log_fetch *f = arg;
    log_buffer_feed(&f->lines, data, len);
    f->bytes += len;
    touch(f);
    return true;
}

/* A Kubernetes Status body's message ("previous terminated container ... not found")
 * says more than "HTTP 400". */
static bool status_message(const struct http_response *resp, char *out, size_t size) {
    if (resp->body == NULL || resp->len == 0 || resp->body[0] != '{')
        return false;
    cJSON *root = cJSON_ParseWithLength(resp->body, resp->len);
    const cJSON *m = cJSON_GetObjectItemCaseSensitive(root, "message");
    bool ok = cJSON_IsString(m) && m->valuestring[0];
    if (ok) {
        char *clean = sanitize_strdup(m->valuestring);
        snprintf(out, size, "HTTP %ld: %s", resp->status, clean);
        free(clean);
    }
    cJSON_Delete(root);
    return ok;
}

char *log_thread_dump_text(const char *body, size_t len, char *err, size_t errlen) {
    cJSON *root = NULL;
    if (json_doc_parse_object(body, len, &root, err, errlen) != FA_OK)
        return NULL;
    const cJSON *infos = cJSON_GetObjectItemCaseSensitive(root, "threadInfos");
    if (!cJSON_IsArray(infos)) {
        json_doc_set_err(err, errlen, "no threadInfos in the answer");
        cJSON_Delete(root);
        return NULL;
    }
    struct buf b;
    buf_init(&b, HTTP_DEFAULT_MAX_BODY);
    const cJSON *t;
    cJSON_ArrayForEach(t, infos) {
        const char *info = json_get_string_ref(t, "stringifiedThreadInfo");
        const char *name = json_get_string_ref(t, "threadName");
        if (info && info[0]) {
            size_t n = strlen(info);
            while (n > 0 && (info[n - 1] == '\n' || info[n - 1] == '\r'))
                n--; /* one blank line between threads, whatever each ends with */
            buf_append(&b, info, n);
            buf_append(&b, "\n\n", 2);
        } else if (name) {
            buf_append(&b, "\"", 1);
            buf_append(&b, name, strlen(name));
            static const char tail[] = "\" (no stack)\n\n";
            buf_append(&b, tail, sizeof tail - 1);
        }
    }
    cJSON_Delete(root);
    size_t n;
    char *text = buf_take(&b, &n);
    return text ? text : xstrdup("");
}

static void on_done(void *arg, const struct http_response *resp) {
    struct log_fetch *f = arg;
    f->req = 0;
    bool good = resp->outcome == HTTP_OK && resp->status >= 200 && resp->status < 300;
    char why[128] = "";
    if (good && f->thread_dump) {
        char *text = log_thread_dump_text(resp->body, resp->len, why, sizeof why);
        if (text) {
            log_buffer_feed(&f->lines, text, strlen(text));
            f->bytes = resp->len;
        }
        good = text != NULL;
        free(text);
    }
    log_buffer_end(&f->lines);
    if (!good && why[0]) {
        f->state = LOG_FETCH_ERROR;
        snprintf(f->error, sizeof f->error, "not a thread dump: %s", why);
    } else if (good) {
        f->state = LOG_FETCH_OK;
        f->error[0] = '\0';
        f->fetched_ms = clock_wall_ms();
    } else {
        f->state = LOG_FETCH_ERROR;
        if (resp->status == 404 && !f->follow)
            snprintf(f->error, sizeof f->error,
                     "HTTP 404: this process has no log file to serve (logging to the console?)");
        else if (status_message(resp, f->error, sizeof f->error))
            ;
        else
            snprintf(f->error, sizeof f->error, "%s",
                     resp->error && resp->error[0] ? resp->error : "failed");
    }
    touch(f);
}

static void start(struct log_fetch *f) {
    if (f->logs == NULL)
        return;
    struct http_request req = {0};
    req.url = f->url;
    req.tls = f->tls;
    req.timeout_ms = LOG_CONNECT_TIMEOUT_MS;
    req.idle_timeout_ms = f->follow ? LOG_FOLLOW_IDLE_TIMEOUT_MS : LOG_IDLE_TIMEOUT_MS;
    req.priority = HTTP_PRIO_VIEW; /* the user opened it and waits for it */
    req.on_chunk = f->thread_dump ? NULL : on_chunk; /* JSON: whole, then as text */
    req.done = on_done;
    req.arg = f;
    f->state = LOG_FETCH_LOADING;
    f->bytes = 0;
    f->req = http_start(f->logs->http, &req);
    if (f->req < 0) {
        f->req = 0;
        f->state = LOG_FETCH_ERROR;
        snprintf(f->error, sizeof f->error, "cannot start the request");
    }
    touch(f);
}

/* A fetch of base_url + path into a new pager buffer, started at once: what every opener
 * shares. */
static struct log_fetch *fetch_new(struct logs *l, const char *base_url, const struct http_tls *tls,
                                   const char *path, const char *title, bool follow,
                                   bool thread_dump) {
    struct log_fetch *f = xcalloc(1, sizeof *f);
    f->follow = follow;
    f->thread_dump = thread_dump;
    log_buffer_init(&f->lines, l->cap_bytes);
    f->title = xstrdup(title);
    f->url = xasprintf("%s%s", base_url, path);
    f->tls = tls;
    f->logs = l;
    f->next = l->open;
    l->open = f;
    start(f);
    return f;
}

struct log_fetch *log_fetch_open(struct logs *l, const char *base_url, const struct http_tls *tls,
                                 const char *path, const char *title, bool follow) {
    return fetch_new(l, base_url, tls, path, title, follow, false);
}

struct log_fetch *log_fetch_open_thread_dump(struct logs *l, const char *base_url,
                                             const struct http_tls *tls, const char *path,
                                             const char *title) {
    return fetch_new(l, base_url, tls, path, title, false, true);
}

void log_fetch_reload(struct log_fetch *f) {
    if (f->req > 0 && f->logs)
        http_cancel(f->logs->http, f->req);
    f->req = 0;
    log_buffer_clear(&f->lines);
    start(f);
}

void log_fetch_free(struct log_fetch *f) {
    if (f == NULL)
        return;
    if (f->logs) {
        if (f->req > 0)
            http_cancel(f->logs->http, f->req);
        for (struct log_fetch **p = &f->logs->open; *p; p = &(*p)->next)
            if (*p == f) {
                *p = f->next;
                break;
            }
    }
    log_buffer_free(&f->lines);
    free(f->title);
    free(f->url);
    free(f);
}
