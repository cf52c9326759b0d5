#include "sim_faults.h"

#include "sim_prng.h"
#include "xalloc.h"

#include <errno.h>
#include <fnmatch.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_RULES 256
#define DRIP_INTERVAL_MS 100
#define HUGE_BLOCK (64 * 1024)

struct rule {
    char *pattern; /* owned */
    enum sim_fault_mode mode;
    long arg;
};

struct sim_faults {
    pthread_mutex_t lock; /* guards rules and prng */
    struct rule rules[MAX_RULES];
    size_t n_rules;
    struct sim_prng prng;

    pthread_mutex_t stop_lock;
    pthread_cond_t stop_cond; /* CLOCK_MONOTONIC */
    bool stopping;
};

struct mode_info {
    const char *name;
    bool has_arg;
    long min, max;
};

static const struct mode_info modes[] = {
#define SIM_FAULT_INFO(id, name, has_arg, min, max) {name, has_arg, min, max},
    SIM_FAULT_MODES(SIM_FAULT_INFO)
#undef SIM_FAULT_INFO
};
#define N_MODES (sizeof modes / sizeof modes[0])

struct sim_faults *sim_faults_new(uint64_t seed) {
    struct sim_faults *f = xcalloc(1, sizeof *f);
    pthread_mutex_init(&f->lock, NULL);
    pthread_mutex_init(&f->stop_lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&f->stop_cond, &attr);
    pthread_condattr_destroy(&attr);
    sim_prng_init(&f->prng, seed, 0xfa017);
    return f;
}

void sim_faults_free(struct sim_faults *f) {
    if (f == NULL)
        return;
    sim_faults_clear(f);
    pthread_cond_destroy(&f->stop_cond);
    pthread_mutex_destroy(&f->stop_lock);
    pthread_mutex_destroy(&f->lock);
    free(f);
}

/* ---- rules -------------------------------------------------------------------------- */

static bool parse_long(const char *s, long min, long max, long *out) {
    char *end = NULL;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max)
        return false;
    *out = v;
    return true;
}

bool sim_faults_add(struct sim_faults *f, const char *pattern, const char *mode, const char *arg,
                    char *err, size_t err_len) {
    bool ok = false;
    char *mode_name = xstrdup(mode);
    char *colon = strchr(mode_name, ':');
    if (colon != NULL && arg == NULL) {
        *colon = '\0';
        arg = colon + 1;
    }
    if (pattern == NULL || pattern[0] == '\0') {
        snprintf(err, err_len, "empty fault pattern");
        goto out;
    }
    size_t m = 0;
    while (m < N_MODES && strcmp(modes[m].name, mode_name) != 0)
        m++;
    if (m == N_MODES) {
        snprintf(err, err_len,
                 "unknown fault mode '%s' (latency:MS, status:CODE, reset, hang, truncate, "
                 "garbage, huge:MB, drip, drop, escapes, badutf8, deep, bignum, types)",
                 mode_name);
        goto out;
    }
    long value = 0;
    if (modes[m].has_arg) {
        if (arg == NULL || !parse_long(arg, modes[m].min, modes[m].max, &value)) {
            snprintf(err, err_len, "fault mode '%s' needs a number from %ld to %ld", mode_name,
                     modes[m].min, modes[m].max);
            goto out;
        }
    } else if (arg != NULL && arg[0] != '\0') {
        snprintf(err, err_len, "fault mode '%s' takes no argument", mode_name);
        goto out;
    }

    pthread_mutex_lock(&f->lock);
    if (f->n_rules == MAX_RULES) {
        pthread_mutex_unlock(&f->lock);
        snprintf(err, err_len, "too many faults (at most %d)", MAX_RULES);
        goto out;
    }
    struct rule *r = &f->rules[f->n_rules++];
    r->pattern = xstrdup(pattern);
    r->mode = (enum sim_fault_mode)m;
    r->arg = value;
    pthread_mutex_unlock(&f->lock);
    ok = true;
out:
    free(mode_name);
    return ok;
}

bool sim_faults_add_spec(struct sim_faults *f, const char *spec, char *err, size_t err_len) {
    /* The mode never contains '=', the pattern might: split at the last one. */
    const char *eq = strrchr(spec, '=');
    if (eq == NULL) {
        snprintf(err, err_len, "fault '%s' is not PATTERN=MODE[:ARG]", spec);
        return false;
    }
    char *pattern = xstrndup(spec, (size_t)(eq - spec));
    bool ok = sim_faults_add(f, pattern, eq + 1, NULL, err, err_len);
    free(pattern);
    return ok;
}

size_t sim_faults_clear(struct sim_faults *f) {
    pthread_mutex_lock(&f->lock);
    size_t n = f->n_rules;
    for (size_t i = 0; i < n; i++) {
        free(f->rules[i].pattern);
        f->rules[i].pattern = NULL;
    }
    f->n_rules = 0;
    pthread_mutex_unlock(&f->lock);
    return n;
}

cJSON *sim_faults_list(struct sim_faults *f) {
    cJSON *o = cJSON_CreateObject();
    cJSON *arr = cJSON_AddArrayToObject(o, "faults");
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n_rules; i++) {
        const struct rule *r = &f->rules[i];
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "pattern", r->pattern);
        cJSON_AddStringToObject(e, "mode", modes[r->mode].name);
        if (modes[r->mode].has_arg)
            cJSON_AddNumberToObject(e, "arg", (double)r->arg);
        cJSON_AddItemToArray(arr, e);
    }
    pthread_mutex_unlock(&f->lock);
    return o;
}

bool sim_faults_match(struct sim_faults *f, const char *path, struct sim_fault_hit *hit) {
    if (strncmp(path, "/_sim/", 6) == 0 || strcmp(path, "/_sim") == 0)
        return false;
    bool found = false;
    pthread_mutex_lock(&f->lock);
    for (size_t i = 0; i < f->n_rules && !found; i++) {
        /* No FNM_PATHNAME: '*' also matches '/', so one pattern can cover every cluster. */
        if (fnmatch(f->rules[i].pattern, path, 0) == 0) {
            hit->mode = f->rules[i].mode;
            hit->arg = f->rules[i].arg;
            found = true;
        }
    }
    pthread_mutex_unlock(&f->lock);
    return found;
}

/* ---- waiting ------------------------------------------------------------------------ */

bool sim_faults_sleep(struct sim_faults *f, int64_t ms) {
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += (time_t)(ms / 1000);
    deadline.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (deadline.tv_nsec >= 1000000000L) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000L;
    }
    pthread_mutex_lock(&f->stop_lock);
    int rc = 0;
    while (!f->stopping && rc != ETIMEDOUT)
        rc = pthread_cond_timedwait(&f->stop_cond, &f->stop_lock, &deadline);
    bool stopping = f->stopping;
    pthread_mutex_unlock(&f->stop_lock);
    return !stopping;
}

void sim_faults_hang(struct sim_faults *f) {
    pthread_mutex_lock(&f->stop_lock);
    while (!f->stopping)
        pthread_cond_wait(&f->stop_cond, &f->stop_lock);
    pthread_mutex_unlock(&f->stop_lock);
}

void sim_faults_stop(struct sim_faults *f) {
    pthread_mutex_lock(&f->stop_lock);
    f->stopping = true;
    pthread_cond_broadcast(&f->stop_cond);
    pthread_mutex_unlock(&f->stop_lock);
}

/* ---- mangled bodies ----------------------------------------------------------------- */

static const char huge_prefix[] = "{\"jobs\":[";
static const char huge_unit[] =
    "{\"jid\":\"00000000000000000000000000000000\",\"name\":\"huge\",\"state\":\"RUNNING\"},";

/* Produces the huge body on demand: a JSON prefix and then the same job object over and
 * over (never closed), without holding megabytes in memory. */
static ssize_t huge_reader(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)cls;
    size_t plen = sizeof huge_prefix - 1, ulen = sizeof huge_unit - 1;
    for (size_t i = 0; i < max; i++) {
        uint64_t k = pos + i;
        buf[i] = k < plen ? huge_prefix[k] : huge_unit[(k - plen) % ulen];
    }
    return (ssize_t)max;
}

struct drip {
    struct sim_faults *faults; /* borrowed */
    char *body;                /* owned */
    size_t len;
};

/* One byte per call, DRIP_INTERVAL_MS apart; this blocks only this connection's thread. */
static ssize_t drip_reader(void *cls, uint64_t pos, char *buf, size_t max) {
    struct drip *d = cls;
    if (pos >= d->len)
        return MHD_CONTENT_READER_END_OF_STREAM;
    if (max == 0)
        return 0;
    if (!sim_faults_sleep(d->faults, DRIP_INTERVAL_MS))
        return MHD_CONTENT_READER_END_WITH_ERROR;
    buf[0] = d->body[pos];
    return 1;
}

static void drip_free(void *cls) {
    struct drip *d = cls;
    free(d->body);
    free(d);
}

#define DEEP_LEVELS 100000

/* {"jobs":[[[...]]]}: well-formed, and far deeper than any parser should follow. */
static struct MHD_Response *deep_response(void) {
    static const char head[] = "{\"jobs\":";
    size_t hlen = sizeof head - 1, len = hlen + 2 * (size_t)DEEP_LEVELS + 1;
    char *body = xmalloc(len);
    memcpy(body, head, hlen);
    memset(body + hlen, '[', DEEP_LEVELS);
    memset(body + hlen + DEEP_LEVELS, ']', DEEP_LEVELS);
    body[len - 1] = '}';
    return MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
}

static const double big_numbers[] = {1e308, -1e308, 18446744073709551616.0, -0.0, 9.3e18};

/* Rewrites every value below item (keys stay) the way mode says; *k cycles big_numbers. */
static void mangle(cJSON *item, enum sim_fault_mode mode, size_t *k) {
    for (cJSON *c = item->child; c != NULL; c = c->next) {
        if (cJSON_IsArray(c) || cJSON_IsObject(c)) {
            mangle(c, mode, k);
            continue;
        }
        cJSON *repl = NULL;
        if (mode == SIM_FAULT_ESCAPES && cJSON_IsString(c)) {
            size_t n = strlen(c->valuestring) + 64;
            char *s = xmalloc(n);
            snprintf(s, n, "\x1b]2;owned\x07\x1b[31m%s\x1b[2J\r\x08\x7f\x1b[0m", c->valuestring);
            repl = cJSON_CreateString(s);
            free(s);
        } else if (mode == SIM_FAULT_BADUTF8 && cJSON_IsString(c)) {
            size_t n = strlen(c->valuestring) + 16;
            char *s = xmalloc(n);
            snprintf(s, n, "%s\xff\xc0\xaf\xed\xa0\x80\xe2\x82", c->valuestring);
            repl = cJSON_CreateString(s);
            free(s);
        } else if (mode == SIM_FAULT_BIGNUM && cJSON_IsNumber(c)) {
            repl = cJSON_CreateNumber(big_numbers[(*k)++ % (sizeof big_numbers / sizeof big_numbers[0])]);
        } else if (mode == SIM_FAULT_TYPES) {
            if (cJSON_IsString(c))
                repl = cJSON_CreateNumber(1e300);
            else if (cJSON_IsNumber(c) || cJSON_IsBool(c))
                repl = cJSON_CreateString(cJSON_IsNumber(c) ? "12 parsecs" : "yes");
            else if (cJSON_IsNull(c))
                repl = cJSON_CreateObject();
        }
        if (repl != NULL) {
            repl->string = c->string; /* the key moves over (parsed keys are never const) */
            c->string = NULL;
            cJSON_ReplaceItemViaPointer(item, c, repl);
            c = repl;
        }
    }
}

/* A content fault: the real JSON answer with its values rewritten. An answer that is not
 * JSON (a watch stream, plain text) gets a small body of the same kind of hostility. */
static struct MHD_Response *content_response(enum sim_fault_mode mode, struct sim_reply *real) {
    cJSON *doc = real->body != NULL ? cJSON_ParseWithLength(real->body, real->len) : NULL;
    char *out = NULL;
    if (doc != NULL) {
        size_t k = 0;
        if (cJSON_IsArray(doc) || cJSON_IsObject(doc))
            mangle(doc, mode, &k);
        out = cJSON_PrintUnformatted(doc);
        cJSON_Delete(doc);
    }
    if (out == NULL) {
        const char *s = mode == SIM_FAULT_ESCAPES   ? "{\"kind\":\"\x1b]2;owned\x07\x1b[2J\"}"
                        : mode == SIM_FAULT_BADUTF8 ? "{\"kind\":\"\xff\xc0\xaf\"}"
                        : mode == SIM_FAULT_BIGNUM  ? "{\"kind\":1e999999}"
                                                    : "{\"kind\":[],\"items\":\"none\"}";
        out = xstrdup(s);
    }
    return MHD_create_response_from_buffer(strlen(out), out, MHD_RESPMEM_MUST_FREE);
}

struct MHD_Response *sim_faults_response(struct sim_faults *f, const struct sim_fault_hit *hit,
                                         struct sim_reply *real, unsigned int *status) {
    struct MHD_Response *resp = NULL;
    switch (hit->mode) {
    case SIM_FAULT_STATUS: {
        struct sim_reply e = {0};
        sim_reply_error(&e, (int)hit->arg, "simulated fault: status %ld", hit->arg);
        resp = MHD_create_response_from_buffer(e.len, e.body, MHD_RESPMEM_MUST_FREE);
        e.body = NULL;
        *status = (unsigned int)hit->arg;
        break;
    }
    case SIM_FAULT_TRUNCATE:
        /* Half the real body, served as if it were complete. */
        resp = MHD_create_response_from_buffer(real->len / 2, real->body, MHD_RESPMEM_MUST_FREE);
        real->body = NULL;
        *status = MHD_HTTP_OK;
        break;
    case SIM_FAULT_GARBAGE: {
        pthread_mutex_lock(&f->lock);
        size_t len = (size_t)sim_prng_range(&f->prng, 256, 4096);
        unsigned char *bytes = xmalloc(len);
        sim_prng_bytes(&f->prng, bytes, len);
        pthread_mutex_unlock(&f->lock);
        /* Start with an escape sequence and a NUL so it can never pass as JSON. */
        memcpy(bytes, "\x1b[2J\x00\x07", 6);
        resp = MHD_create_response_from_buffer(len, bytes, MHD_RESPMEM_MUST_FREE);
        *status = MHD_HTTP_OK;
        break;
    }
    case SIM_FAULT_HUGE:
        resp = MHD_create_response_from_callback((uint64_t)hit->arg * 1024 * 1024, HUGE_BLOCK,
                                                 huge_reader, NULL, NULL);
        *status = MHD_HTTP_OK;
        break;
    case SIM_FAULT_DRIP: {
        struct drip *d = xcalloc(1, sizeof *d);
        d->faults = f;
        d->body = real->body;
        d->len = real->len;
        real->body = NULL;
        resp = MHD_create_response_from_callback(d->len, 1, drip_reader, d, drip_free);
        *status = (unsigned int)real->status;
        break;
    }
    case SIM_FAULT_DEEP:
        resp = deep_response();
        *status = MHD_HTTP_OK;
        break;
    case SIM_FAULT_ESCAPES:
    case SIM_FAULT_BADUTF8:
    case SIM_FAULT_BIGNUM:
    case SIM_FAULT_TYPES:
        resp = content_response(hit->mode, real);
        *status = (unsigned int)real->status;
        break;
    default:
        break;
    }
    return resp;
}
