#include "audit.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "sanitize.h"
#include "errf.h"
#include "xalloc.h"

#define REDACTED "[redacted]"
#define PARAMS_DEPTH 16

struct audit {
    char *path; /* owned */
    char *user; /* owned: looked up once, getpwuid may be slow on a directory service */
};

/* ---- scrubbing ----------------------------------------------------------------------- */

/* Words whose value is a secret when they name a key (compared without case). */
static const char *const secret_words[] = {
    "token",      "password",    "passwd",      "secret",        "apikey",
    "api-key",    "api_key",     "credential",  "authorization", "access-key",
    "access_key", "private-key", "private_key", "cookie",
};

static bool has_word_ci(const char *s, size_t n, const char *w) {
    size_t wl = strlen(w);
    for (size_t i = 0; i + wl <= n; i++)
        if (strncasecmp(s + i, w, wl) == 0)
            return true;
    return false;
}

static bool secret_key(const char *s, size_t n) {
    for (size_t i = 0; i < sizeof secret_words / sizeof secret_words[0]; i++)
        if (has_word_ci(s, n, secret_words[i]))
            return true;
    return false;
}

static bool key_char(char c) {
    return isalnum((unsigned char)c) || c == '.' || c == '_' || c == '-';
}

/* Characters of a token value: base64, base64url, JWT dots, hex. */
static bool token_char(char c) {
    return c != '\0' && (isalnum((unsigned char)c) || strchr("._~+/=-", c) != NULL);
}

/* Where a value after "key:" or "key=" ends. */
static bool value_end(char c) {
    return c == '\0' || isspace((unsigned char)c) || strchr("\"',;&}]", c) != NULL;
}

struct out {
    char *buf;
    size_t len, cap;
};

static void put(struct out *o, const char *s, size_t n) {
    if (o->len + n + 1 > o->cap) {
        while (o->len + n + 1 > o->cap)
            o->cap = o->cap ? o->cap * 2 : 128;
        o->buf = xrealloc(o->buf, o->cap);
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = '\0';
}

static void puts_(struct out *o, const char *s) { put(o, s, strlen(s)); }

/* At s: "Bearer " or "Basic " then a token? Returns the length of the scheme word and
 * its space (0 when not), the token's length in *tok. */
static size_t auth_scheme(const char *s, size_t *tok) {
    static const char *const schemes[] = {"bearer ", "basic "};
    for (size_t k = 0; k < 2; k++) {
        size_t n = strlen(schemes[k]);
        if (strncasecmp(s, schemes[k], n) != 0)
            continue;
        size_t t = 0;
        while (token_char(s[n + t]))
            t++;
        if (t > 0) {
            *tok = t;
            return n;
        }
    }
    return 0;
}

/* At s: a JWT, "eyJ" and at least two dots in one token run? Its length, else 0. */
static size_t jwt(const char *s) {
    if (strncmp(s, "eyJ", 3) != 0)
        return 0;
    size_t n = 0, dots = 0;
    while (token_char(s[n])) {
        dots += s[n] == '.';
        n++;
    }
    return dots >= 2 && n >= 16 ? n : 0;
}

char *audit_scrub(const char *s) {
    if (s == NULL)
        return NULL;
    char *clean = sanitize_strdup(s);
    struct out o = {NULL, 0, 0};
    put(&o, "", 0);
    for (size_t i = 0; clean[i];) {
        const char *p = clean + i;
        bool boundary = i == 0 || !key_char(clean[i - 1]);
        size_t tok = 0, n;
        if (boundary && (n = auth_scheme(p, &tok)) > 0) {
            put(&o, p, n);
            puts_(&o, REDACTED);
            i += n + tok;
            continue;
        }
        if (boundary && (n = jwt(p)) > 0) {
            puts_(&o, REDACTED);
            i += n;
            continue;
        }
        if (strncmp(p, "://", 3) == 0) {
            size_t j = 3;
            while (p[j] && !strchr("/?#@", p[j]) && !isspace((unsigned char)p[j]))
                j++;
            if (p[j] == '@') { /* user:password@host */
                puts_(&o, "://" REDACTED "@");
                i += j + 1;
                continue;
            }
        }
        if (*p == ':' || *p == '=') {
            /* the key before: skip a closing quote, then key characters */
            size_t k = i;
            if (k > 0 && (clean[k - 1] == '"' || clean[k - 1] == '\''))
                k--;
            size_t end = k;
            while (k > 0 && key_char(clean[k - 1]))
                k--;
            if (end > k && secret_key(clean + k, end - k)) {
                put(&o, p, 1);
                size_t j = 1;
                while (p[j] == ' ' || p[j] == '"' || p[j] == '\'')
                    put(&o, p + j++, 1);
                size_t sch = auth_scheme(p + j, &tok);
                if (sch > 0) { /* "Authorization: Bearer X": keep the scheme */
                    put(&o, p + j, sch);
                    j += sch;
                }
                if (!value_end(p[j])) {
                    puts_(&o, REDACTED);
                    while (!value_end(p[j]))
                        j++;
                }
                i += j;
                continue;
            }
        }
        put(&o, p, 1);
        i++;
    }
    free(clean);
    if (o.len > AUDIT_TEXT_MAX) {
        size_t n = AUDIT_TEXT_MAX;
        while (n > 0 && ((unsigned char)o.buf[n] & 0xC0) == 0x80)
            n--; /* never cut inside a UTF-8 character */
        o.buf[n] = '\0';
        o.len = n;
        puts_(&o, "...");
    }
    return o.buf;
}

/* ---- the line ------------------------------------------------------------------------ */

static void add_str(cJSON *o, const char *key, const char *value) {
    if (value == NULL)
        return;
    char *s = audit_scrub(value);
    cJSON_AddStringToObject(o, key, s);
    free(s);
}

/* A copy of the parameters with every key and string scrubbed and the value of a
 * secret-looking key replaced. returns owned */
static cJSON *scrub_tree(const cJSON *v, int depth) {
    if (depth > PARAMS_DEPTH)
        return cJSON_CreateString(REDACTED);
    if (cJSON_IsString(v)) {
        char *s = audit_scrub(v->valuestring);
        cJSON *r = cJSON_CreateString(s);
        free(s);
        return r;
    }
    if (cJSON_IsObject(v) || cJSON_IsArray(v)) {
        cJSON *r = cJSON_IsObject(v) ? cJSON_CreateObject() : cJSON_CreateArray();
        const cJSON *kid;
        cJSON_ArrayForEach(kid, v) {
            if (cJSON_IsObject(v)) {
                char *k = audit_scrub(kid->string ? kid->string : "");
                bool secret = secret_key(k, strlen(k));
                cJSON_AddItemToObject(
                    r, k, secret ? cJSON_CreateString(REDACTED) : scrub_tree(kid, depth + 1));
                free(k);
            } else {
                cJSON_AddItemToArray(r, scrub_tree(kid, depth + 1));
            }
        }
        return r;
    }
    return cJSON_Duplicate(v, false); /* numbers, booleans, null */
}

static void rfc3339_ms(char *buf, size_t size, int64_t ms) {
    time_t secs = (time_t)(ms / 1000);
    struct tm tm;
    gmtime_r(&secs, &tm);
    char day[32];
    strftime(day, sizeof day, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf, size, "%s.%03dZ", day, (int)(ms % 1000));
}

char *audit_format(const struct audit_entry *e, const char *user) {
    cJSON *o = cJSON_CreateObject();
    char ts[48];
    rfc3339_ms(ts, sizeof ts, e->time_ms > 0 ? e->time_ms : clock_wall_ms());
    cJSON_AddStringToObject(o, "time", ts);
    add_str(o, "user", user ? user : "unknown");
    add_str(o, "context", e->context);
    add_str(o, "namespace", e->ns);
    add_str(o, "cluster", e->cluster);
    add_str(o, "job", e->job_name);
    add_str(o, "job_id", e->job_id);
    add_str(o, "action", e->action);
    cJSON *params = e->params ? cJSON_Parse(e->params) : NULL;
    if (params == NULL && e->params != NULL)
        add_str(o, "parameters", e->params); /* not JSON: kept as text, scrubbed */
    else
        cJSON_AddItemToObject(
            o, "parameters", cJSON_IsObject(params) ? scrub_tree(params, 0) : cJSON_CreateObject());
    cJSON_Delete(params);
    add_str(o, "request_id", e->request_id);
    add_str(o, "phase", e->phase);
    add_str(o, "result", e->result);
    add_str(o, "k8s_user", e->k8s_user);
    add_str(o, "reason", e->reason);
    char *s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    char *line = xstrdup(s ? s : "{}");
    cJSON_free(s);
    return line;
}

/* ---- the file ------------------------------------------------------------------------ */

/* mkdir -p of path's directories, each new one 0700. */
static int make_parents(const char *path, char *err, size_t errlen) {
    char *dir = xstrdup(path);
    int rc = 0;
    for (char *p = dir + 1; *p; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
            errf(err, errlen, "audit log: cannot create %s: %s", dir, strerror(errno));
            rc = -1;
            break;
        }
        *p = '/';
    }
    free(dir);
    return rc;
}

/* Open for appending, creating 0600 and narrowing a wider mode; -1 with err. */
static int open_log(const char *path, char *err, size_t errlen) {
    if (make_parents(path, err, errlen) != 0)
        return -1;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) {
        errf(err, errlen, "audit log %s: %s", path,
             errno == ELOOP ? "is a symbolic link" : strerror(errno));
        return -1;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        errf(err, errlen, "audit log %s: not a regular file", path);
        close(fd);
        return -1;
    }
    if ((st.st_mode & 077) != 0 && fchmod(fd, st.st_mode & 0700) != 0) {
        errf(err, errlen, "audit log %s: readable by others and cannot be narrowed: %s", path,
             strerror(errno));
        close(fd);
        return -1;
    }
    return fd;
}

static char *current_user(void) {
    const struct passwd *pw = getpwuid(getuid());
    if (pw && pw->pw_name && pw->pw_name[0])
        return sanitize_strdup(pw->pw_name);
    const char *env = getenv("LOGNAME");
    if (env == NULL || env[0] == '\0')
        env = getenv("USER");
    if (env && env[0])
        return sanitize_strdup(env);
    return xasprintf("uid %ld", (long)getuid());
}

struct audit *audit_open(const char *path, char *err, size_t errlen) {
    errf(err, errlen, "%s", "");
    if (path == NULL || path[0] == '\0') {
        errf(err, errlen, "no audit log: neither XDG_STATE_HOME nor HOME is set");
        return NULL;
    }
    int fd = open_log(path, err, errlen);
    if (fd < 0)
        return NULL;
    close(fd);
    struct audit *a = xcalloc(1, sizeof *a);
    a->path = xstrdup(path);
    a->user = current_user();
    return a;
}

void audit_close(struct audit *a) {
    if (a == NULL)
        return;
    free(a->path);
    free(a->user);
    free(a);
}

const char *audit_path(const struct audit *a) { return a ? a->path : NULL; }

int audit_check(const struct audit *a, char *err, size_t errlen) {
    if (a == NULL) {
        errf(err, errlen, "no audit log");
        return -1;
    }
    int fd = open_log(a->path, err, errlen);
    if (fd < 0)
        return -1;
    close(fd);
    return 0;
}

int audit_write(struct audit *a, const struct audit_entry *e, char *err, size_t errlen) {
    if (a == NULL) {
        errf(err, errlen, "no audit log");
        return -1;
    }
    char *line = audit_format(e, a->user);
    size_t n = strlen(line);
    line = xrealloc(line, n + 2);
    line[n++] = '\n';
    line[n] = '\0';
    int rc = -1;
    int fd = open_log(a->path, err, errlen);
    if (fd < 0)
        goto out;
    size_t off = 0;
    while (off < n) {
        ssize_t w = write(fd, line + off, n - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            errf(err, errlen, "audit log %s: %s", a->path, w < 0 ? strerror(errno) : "short write");
            break;
        }
        off += (size_t)w;
    }
    if (off == n && fsync(fd) != 0)
        errf(err, errlen, "audit log %s: %s", a->path, strerror(errno));
    else if (off == n)
        rc = 0;
    close(fd);
out:
    free(line);
    return rc;
}
