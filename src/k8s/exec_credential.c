#include "exec_credential.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "base64.h"
#include "buf.h"
#include "clock.h"
#include "json_get.h"
#include "sanitize.h"
#include "secret.h"
#include "rfc3339.h"
#include "xalloc.h"

extern char **environ;

#define EXEC_MAX_STDOUT ((size_t)1024 * 1024)
#define EXEC_MAX_STDERR ((size_t)4096) /* only its first line is ever shown */
#define EXEC_MAX_CA_FILE ((size_t)1024 * 1024)
#define EXEC_TICK_MIN_MS 10  /* child-exit checks back off from here... */
#define EXEC_TICK_MAX_MS 200 /* ...to here */
#define EXEC_MAX_SHOWN 160   /* bytes of a stderr or installHint line shown */

struct exec_credential_plugin {
    struct loop *loop;
    struct exec_config *cfg;
    char *shown;     /* the command, sanitised, as messages name it */
    char *exec_info; /* KUBERNETES_EXEC_INFO */
    int64_t timeout_ms;
    exec_credential_fn done;
    void *arg;

    struct exec_credential cred;
    bool have_cred;

    /* the run under way */
    bool running;
    pid_t pid; /* 0 once reaped */
    int wstatus;
    int out_fd, err_fd; /* -1 when closed */
    struct buf out, err;
    bool out_too_big;
    int timeout_timer, tick_timer, notify_timer;
    int64_t tick_ms;
    char error[384]; /* a failure to report from the loop (notify_timer) */

    pid_t killed; /* killed on timeout, not reaped yet */
    int reap_timer;
};

/* ---- config ---- */

struct exec_config *exec_config_dup(const struct exec_config *c) {
    if (c == NULL)
        return NULL;
    struct exec_config *d = xcalloc(1, sizeof *d);
    d->api_version = xstrdup(c->api_version);
    d->command = xstrdup(c->command);
    d->args = xcalloc(c->n_args ? c->n_args : 1, sizeof *d->args);
    for (size_t i = 0; i < c->n_args; i++)
        d->args[i] = xstrdup(c->args[i]);
    d->n_args = c->n_args;
    d->env = xcalloc(c->n_env ? c->n_env : 1, sizeof *d->env);
    for (size_t i = 0; i < c->n_env; i++) {
        d->env[i].name = xstrdup(c->env[i].name);
        d->env[i].value = xstrdup(c->env[i].value);
    }
    d->n_env = c->n_env;
    d->install_hint = xstrdup(c->install_hint);
    d->interactive_mode = xstrdup(c->interactive_mode);
    d->provide_cluster_info = c->provide_cluster_info;
    return d;
}

void exec_config_free(struct exec_config *c) {
    if (c == NULL)
        return;
    free(c->api_version);
    free(c->command);
    for (size_t i = 0; i < c->n_args; i++)
        free(c->args[i]);
    free(c->args);
    for (size_t i = 0; i < c->n_env; i++) {
        free(c->env[i].name);
        free(c->env[i].value);
    }
    free(c->env);
    free(c->install_hint);
    free(c->interactive_mode);
    free(c);
}

/* ---- credentials ---- */

void exec_credential_clear(struct exec_credential *cred) {
    secret_free(cred->token);
    secret_free(cred->client_cert_data);
    secret_free(cred->client_key_data);
    memset(cred, 0, sizeof *cred);
}

static void set_why(char *why, size_t whylen, const char *msg) {
    if (why && whylen)
        snprintf(why, whylen, "%s", msg);
}

/* A NUL in the output, raw or as the escape \u0000, would cut the string holding it
 * (cJSON keeps C strings): a token "abc\u0000xyz" would be sent as "abc". The escape is
 * found as json_doc finds it (a backslash escapes the next character). */
static bool holds_nul(const char *body, size_t len) {
    if (memchr(body, '\0', len) != NULL)
        return true;
    for (size_t i = 0; i + 1 < len; i++) {
        if (body[i] != '\\')
            continue;
        if (body[i + 1] == 'u' && i + 5 < len && memcmp(body + i + 2, "0000", 4) == 0)
            return true;
        i++;
    }
    return false;
}

int exec_credential_parse(const char *body, size_t len, const char *api_version,
                          struct exec_credential *out, char *why, size_t whylen) {
    memset(out, 0, sizeof *out);
    const char *end = NULL;
    cJSON *root = NULL;
    int rc = -1;
    if (body != NULL && holds_nul(body, len)) {
        /* refused whole, not cut: which field does not matter, and it is not shown */
        set_why(why, whylen, "a NUL (\\u0000) in the output: refused, not cut");
        goto out;
    }
    root = cJSON_ParseWithLengthOpts(body, len, &end, false);
    if (root == NULL) {
        set_why(why, whylen, "not JSON");
        goto out;
    }
    for (const char *p = end; p && p < body + len; p++) {
        if (!strchr(" \t\r\n", *p) || *p == '\0') {
            set_why(why, whylen, "not JSON");
            goto out;
        }
    }
    if (!cJSON_IsObject(root)) {
        set_why(why, whylen, "not a JSON object");
        goto out;
    }
    const char *av = json_get_string_ref(root, "apiVersion");
    if (av == NULL || api_version == NULL || strcmp(av, api_version) != 0) {
        /* what the plugin said is not shown: it is stdout */
        set_why(why, whylen, "apiVersion is not the configured one");
        goto out;
    }
    const char *kind = json_get_string_ref(root, "kind");
    if (kind == NULL || strcmp(kind, "ExecCredential") != 0) {
        set_why(why, whylen, "kind is not ExecCredential");
        goto out;
    }
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
    if (!cJSON_IsObject(status)) {
        set_why(why, whylen, "no status");
        goto out;
    }
    const char *token = json_get_string_ref(status, "token");
    const char *cert = json_get_string_ref(status, "clientCertificateData");
    const char *key = json_get_string_ref(status, "clientKeyData");
    if (token && *token == '\0')
        token = NULL;
    if (cert && *cert == '\0')
        cert = NULL;
    if (key && *key == '\0')
        key = NULL;
    if ((cert == NULL) != (key == NULL)) {
        set_why(why, whylen, "only one of status.clientCertificateData and clientKeyData");
        goto out;
    }
    if (token == NULL && cert == NULL) {
        set_why(why, whylen, "no status.token or client certificate and key");
        goto out;
    }
    const cJSON *exp = cJSON_GetObjectItemCaseSensitive(status, "expirationTimestamp");
    int64_t expiry = 0;
    if (exp && !cJSON_IsNull(exp) &&
        (!cJSON_IsString(exp) || rfc3339_parse(exp->valuestring, &expiry) != 0)) {
        set_why(why, whylen, "status.expirationTimestamp is not an RFC 3339 time");
        goto out;
    }
    out->token = xstrdup(token);
    out->client_cert_data = xstrdup(cert);
    out->client_cert_len = cert ? strlen(cert) : 0;
    out->client_key_data = xstrdup(key);
    out->client_key_len = key ? strlen(key) : 0;
    out->expiry_ms = expiry;
    rc = 0;
out:
    if (root) {
        /* the parsed tree holds the secrets too */
        const cJSON *st = cJSON_GetObjectItemCaseSensitive(root, "status");
        const char *keys[] = {"token", "clientCertificateData", "clientKeyData"};
        for (size_t i = 0; i < 3; i++) {
            const char *v = json_get_string_ref(st, keys[i]);
            if (v)
                secret_wipe((void *)(uintptr_t)v, strlen(v));
        }
        cJSON_Delete(root);
    }
    return rc;
}

void exec_credential_apply(const struct exec_credential *cred, struct http_tls *tls) {
    if (cred->token)
        tls->bearer = cred->token;
    if (cred->client_cert_data && cred->client_key_data) {
        tls->cert_file = NULL;
        tls->cert_data = cred->client_cert_data;
        tls->cert_len = cred->client_cert_len;
        tls->key_file = NULL;
        tls->key_data = cred->client_key_data;
        tls->key_len = cred->client_key_len;
    }
}

/* ---- KUBERNETES_EXEC_INFO ---- */

/* The CA file's bytes, owned; NULL when it cannot be read. */
static unsigned char *read_small_file(const char *path, size_t max, size_t *len) {
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return NULL;
    unsigned char *data = xmalloc(max + 1);
    size_t n = fread(data, 1, max + 1, f);
    fclose(f);
    if (n > max) {
        free(data);
        return NULL;
    }
    *len = n;
    return data;
}

/* {"apiVersion":...,"kind":"ExecCredential","spec":{["cluster":{...},]"interactive":false}}
 * as client-go sends it. Owned. */
static char *exec_info_json(const struct exec_config *cfg, const struct exec_cluster_info *cl) {
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, "apiVersion", cfg->api_version ? cfg->api_version : EXEC_API_V1);
    cJSON_AddStringToObject(o, "kind", "ExecCredential");
    cJSON *spec = cJSON_AddObjectToObject(o, "spec");
    if (cfg->provide_cluster_info && cl) {
        cJSON *c = cJSON_AddObjectToObject(spec, "cluster");
        if (cl->server)
            cJSON_AddStringToObject(c, "server", cl->server);
        if (cl->tls_server_name)
            cJSON_AddStringToObject(c, "tls-server-name", cl->tls_server_name);
        if (cl->insecure)
            cJSON_AddBoolToObject(c, "insecure-skip-tls-verify", 1);
        size_t ca_len = cl->ca_len;
        unsigned char *file_ca = NULL;
        const unsigned char *ca = cl->ca_data;
        if (ca == NULL && cl->ca_file) {
            file_ca = read_small_file(cl->ca_file, EXEC_MAX_CA_FILE, &ca_len);
            ca = file_ca;
        }
        if (ca && ca_len > 0) {
            char *b64 = base64_encode_dup(ca, ca_len);
            cJSON_AddStringToObject(c, "certificate-authority-data", b64);
            free(b64);
        }
        free(file_ca);
        if (cl->proxy_url)
            cJSON_AddStringToObject(c, "proxy-url", cl->proxy_url);
    }
    cJSON_AddBoolToObject(spec, "interactive", 0);
    char *s = cJSON_PrintUnformatted(o);
    char *json = xstrdup(s ? s : "{}");
    cJSON_free(s);
    cJSON_Delete(o);
    return json;
}

/* ---- running the plugin ---- */

/* The first non-blank line of s[0..len), trimmed, cut to EXEC_MAX_SHOWN bytes (on a
 * character boundary) and sanitised. Owned; "" when there is none. */
static char *first_line(const char *s, size_t len) {
    size_t i = 0;
    while (i < len) {
        size_t start = i;
        while (i < len && s[i] != '\n')
            i++;
        size_t a = start, b = i;
        while (a < b && strchr(" \t\r\f\v", s[a]) && s[a])
            a++;
        while (b > a && strchr(" \t\r\f\v", s[b - 1]) && s[b - 1])
            b--;
        if (b > a) {
            if (b - a > EXEC_MAX_SHOWN) {
                b = a + EXEC_MAX_SHOWN;
                while (b > a && ((unsigned char)s[b] & 0xC0) == 0x80)
                    b--; /* do not cut a UTF-8 sequence */
            }
            return sanitize_strndup(s + a, b - a);
        }
        i++;
    }
    return xstrdup("");
}

static void close_fd(struct exec_credential_plugin *p, int *fd) {
    if (*fd < 0)
        return;
    loop_unwatch_fd(p->loop, *fd);
    close(*fd);
    *fd = -1;
}

/* Unwatch and close the pipes, cancel the run's timers, drop what was read (wiped: it
 * holds the credential). */
static void stop_run(struct exec_credential_plugin *p) {
    close_fd(p, &p->out_fd);
    close_fd(p, &p->err_fd);
    loop_timer_cancel(p->loop, p->timeout_timer);
    loop_timer_cancel(p->loop, p->tick_timer);
    p->timeout_timer = p->tick_timer = 0;
    secret_wipe(p->out.data, p->out.len);
    buf_free(&p->out);
    buf_free(&p->err);
    p->out_too_big = false;
}

/* Last thing a handler does: p may be freed by the callback. */
static void report(struct exec_credential_plugin *p, const char *error) {
    p->running = false;
    if (error) {
        char line[sizeof p->error]; /* the callback may start a run that reuses p->error */
        snprintf(line, sizeof line, "%s", error);
        p->done(p->arg, NULL, line);
    } else {
        p->done(p->arg, &p->cred, NULL);
    }
}

static void on_notify(void *arg) {
    struct exec_credential_plugin *p = arg;
    p->notify_timer = 0;
    report(p, p->error);
}

/* Fail the run from the loop's next turn (never from inside exec_credential_get). */
static void fail_later(struct exec_credential_plugin *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void fail_later(struct exec_credential_plugin *p, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->error, sizeof p->error, fmt, ap);
    va_end(ap);
    p->notify_timer = loop_timer(p->loop, 0, on_notify, p);
}

/* Children killed by exec_credential_plugin_free before they had died: reaped without
 * waiting whenever a plugin is created, asked for a credential or freed, so that none
 * stays a zombie for long. */
#define EXEC_MAX_ORPHANS 16
static pid_t orphans[EXEC_MAX_ORPHANS];

static void reap_orphans(void) {
    for (int i = 0; i < EXEC_MAX_ORPHANS; i++)
        if (orphans[i] > 0 && waitpid(orphans[i], NULL, WNOHANG) != 0)
            orphans[i] = 0; /* reaped, or not ours any more (ECHILD) */
}

static void adopt_orphan(pid_t pid) {
    reap_orphans();
    for (int i = 0; i < EXEC_MAX_ORPHANS; i++) {
        if (orphans[i] == 0) {
            orphans[i] = pid;
            return;
        }
    }
}

static void try_reap_killed(struct exec_credential_plugin *p) {
    if (p->killed == 0)
        return;
    pid_t r = waitpid(p->killed, NULL, WNOHANG);
    if (r == p->killed || (r < 0 && errno == ECHILD))
        p->killed = 0;
}

static void on_reap(void *arg) {
    struct exec_credential_plugin *p = arg;
    p->reap_timer = 0;
    try_reap_killed(p);
    if (p->killed)
        p->reap_timer = loop_timer(p->loop, EXEC_TICK_MIN_MS, on_reap, p);
}

static void kill_child(struct exec_credential_plugin *p) {
    if (p->pid <= 0)
        return;
    kill(-p->pid, SIGKILL); /* its process group: a script's children too */
    kill(p->pid, SIGKILL);
    if (p->killed) {
        try_reap_killed(p); /* an older one still unreaped: one more try, then adopt it */
        if (p->killed)
            adopt_orphan(p->killed);
    }
    p->killed = p->pid;
    p->pid = 0;
    try_reap_killed(p);
    if (p->killed && p->reap_timer == 0)
        p->reap_timer = loop_timer(p->loop, EXEC_TICK_MIN_MS, on_reap, p);
}

/* Read what fd has (non-blocking) into its buffer; close it at EOF. */
static void drain(struct exec_credential_plugin *p, int *fd) {
    char chunk[4096];
    while (*fd >= 0) {
        ssize_t n = read(*fd, chunk, sizeof chunk);
        if (n > 0) {
            if (fd == &p->out_fd) {
                if (!p->out_too_big && !buf_append(&p->out, chunk, (size_t)n))
                    p->out_too_big = true;
            } else if (p->err.len < EXEC_MAX_STDERR) {
                size_t room = EXEC_MAX_STDERR - p->err.len;
                buf_append(&p->err, chunk, (size_t)n < room ? (size_t)n : room);
            }
            secret_wipe(chunk, (size_t)n);
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return;
        } else {
            close_fd(p, fd); /* EOF or error */
        }
    }
}

static void describe_exit(struct exec_credential_plugin *p, char *out, size_t outlen) {
    char *line = first_line(p->err.data ? p->err.data : "", p->err.len);
    char what[64];
    if (WIFSIGNALED(p->wstatus))
        snprintf(what, sizeof what, "signal %d", WTERMSIG(p->wstatus));
    else
        snprintf(what, sizeof what, "exit %d", WEXITSTATUS(p->wstatus));
    if (*line)
        snprintf(out, outlen, "exec plugin \"%s\" failed (%s): %s", p->shown, what, line);
    else
        snprintf(out, outlen, "exec plugin \"%s\" failed (%s)", p->shown, what);
    free(line);
}

static void not_found_message(const struct exec_credential_plugin *p, char *out, size_t outlen) {
    const char *hint = p->cfg->install_hint;
    char *line = first_line(hint ? hint : "", hint ? strlen(hint) : 0);
    if (*line)
        snprintf(out, outlen, "exec plugin \"%s\" not found: %s", p->shown, line);
    else
        snprintf(out, outlen, "exec plugin \"%s\" not found", p->shown);
    free(line);
}

/* The child is gone and its output read: parse it and report. */
static void finish(struct exec_credential_plugin *p) {
    char msg[sizeof p->error];
    bool ok = false;
    if (p->out_too_big) {
        snprintf(msg, sizeof msg,
                 "exec plugin \"%s\" returned malformed credentials (output over 1 MiB)", p->shown);
    } else if (WIFEXITED(p->wstatus) && WEXITSTATUS(p->wstatus) == 127 && p->out.len == 0 &&
               p->err.len == 0) {
        not_found_message(p, msg, sizeof msg); /* a libc whose spawn reports exec failures so */
    } else if (!WIFEXITED(p->wstatus) || WEXITSTATUS(p->wstatus) != 0) {
        describe_exit(p, msg, sizeof msg);
    } else {
        struct exec_credential cred;
        char why[96];
        if (exec_credential_parse(p->out.data ? p->out.data : "", p->out.len, p->cfg->api_version,
                                  &cred, why, sizeof why) == 0) {
            exec_credential_clear(&p->cred);
            p->cred = cred;
            p->have_cred = true;
            ok = true;
        } else {
            snprintf(msg, sizeof msg, "exec plugin \"%s\" returned malformed credentials (%s)",
                     p->shown, why);
        }
    }
    stop_run(p);
    report(p, ok ? NULL : msg);
}

/* Reap the child if it has exited; then drain what it left in the pipes and finish.
 * Returns true when the run finished (p may be gone). */
static bool check_exit(struct exec_credential_plugin *p) {
    if (p->pid > 0) {
        pid_t r = waitpid(p->pid, &p->wstatus, WNOHANG);
        if (r == 0 || (r < 0 && errno == EINTR))
            return false;
        if (r < 0)
            p->wstatus = 0; /* ECHILD: someone else reaped it; judge by its output */
        p->pid = 0;
    }
    /* Everything the child wrote is in the pipes now; a grandchild holding them open does
     * not keep the run going. */
    drain(p, &p->out_fd);
    drain(p, &p->err_fd);
    finish(p);
    return true;
}

static void on_readable(void *arg, int fd) {
    struct exec_credential_plugin *p = arg;
    drain(p, fd == p->out_fd ? &p->out_fd : &p->err_fd);
    if (p->out_too_big) {
        kill_child(p);
        finish(p);
        return;
    }
    if (p->out_fd < 0 && p->err_fd < 0)
        check_exit(p); /* both at EOF: the child has exited or is about to */
}

static void on_tick(void *arg) {
    struct exec_credential_plugin *p = arg;
    p->tick_timer = 0;
    if (check_exit(p))
        return;
    p->tick_ms = p->tick_ms * 2 > EXEC_TICK_MAX_MS ? EXEC_TICK_MAX_MS : p->tick_ms * 2;
    p->tick_timer = loop_timer(p->loop, p->tick_ms, on_tick, p);
}

static void on_timeout(void *arg) {
    struct exec_credential_plugin *p = arg;
    p->timeout_timer = 0;
    kill_child(p);
    stop_run(p);
    if (p->timeout_ms % 1000 == 0)
        snprintf(p->error, sizeof p->error, "exec plugin \"%s\" timed out after %lld s", p->shown,
                 (long long)(p->timeout_ms / 1000));
    else
        snprintf(p->error, sizeof p->error, "exec plugin \"%s\" timed out after %lld ms", p->shown,
                 (long long)p->timeout_ms);
    report(p, p->error);
}

/* A pipe whose both ends are close-on-exec and above 2 (so that dup2 onto 1 or 2 in the
 * child always makes a fresh descriptor). */
static int make_pipe(int fds[2]) {
    int raw[2];
    if (pipe(raw) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        fds[i] = fcntl(raw[i], F_DUPFD_CLOEXEC, 3);
        close(raw[i]);
    }
    if (fds[0] < 0 || fds[1] < 0) {
        if (fds[0] >= 0)
            close(fds[0]);
        if (fds[1] >= 0)
            close(fds[1]);
        return -1;
    }
    return 0;
}

static bool env_name_is(const char *entry, const char *name) {
    size_t n = strlen(name);
    return strncmp(entry, name, n) == 0 && entry[n] == '=';
}

/* The parent's environment, without the names the config sets, then the config's entries
 * (the last of a repeated name wins), then KUBERNETES_EXEC_INFO. Owned array; entries from
 * n_borrowed on are owned too. */
static char **build_env(const struct exec_credential_plugin *p, size_t *n_borrowed) {
    const struct exec_config *c = p->cfg;
    size_t n = 0;
    while (environ && environ[n])
        n++;
    char **envp = xcalloc(n + c->n_env + 2, sizeof *envp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool skip = env_name_is(environ[i], "KUBERNETES_EXEC_INFO");
        for (size_t j = 0; j < c->n_env && !skip; j++)
            skip = env_name_is(environ[i], c->env[j].name);
        if (!skip)
            envp[k++] = environ[i];
    }
    *n_borrowed = k;
    for (size_t j = 0; j < c->n_env; j++) {
        bool later = false;
        for (size_t m = j + 1; m < c->n_env && !later; m++)
            later = strcmp(c->env[m].name, c->env[j].name) == 0;
        if (!later)
            envp[k++] = xasprintf("%s=%s", c->env[j].name, c->env[j].value);
    }
    envp[k++] = xasprintf("KUBERNETES_EXEC_INFO=%s", p->exec_info);
    envp[k] = NULL;
    return envp;
}

/* posix_spawnp the plugin: own process group, default signal handling, no signal mask,
 * stdin /dev/null. Returns 0 or an errno value. */
static int spawn(struct exec_credential_plugin *p, int out_w, int err_w) {
    const struct exec_config *c = p->cfg;
    char **argv = xcalloc(c->n_args + 2, sizeof *argv);
    argv[0] = c->command;
    for (size_t i = 0; i < c->n_args; i++)
        argv[i + 1] = c->args[i];
    size_t n_borrowed = 0;
    char **envp = build_env(p, &n_borrowed);

    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_adddup2(&fa, out_w, 1);
    posix_spawn_file_actions_adddup2(&fa, err_w, 2);
    posix_spawnattr_init(&attr);
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    const int sigs[] = {SIGPIPE, SIGINT,  SIGTERM, SIGHUP,  SIGQUIT, SIGWINCH, SIGCHLD,
                        SIGTSTP, SIGTTIN, SIGTTOU, SIGUSR1, SIGUSR2, SIGALRM};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&dfl, sigs[i]);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &dfl);
    posix_spawnattr_setpgroup(&attr, 0);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK |
                                        POSIX_SPAWN_SETSIGDEF);
    pid_t pid = 0;
    int rc = posix_spawnp(&pid, c->command, &fa, &attr, argv, envp);
    posix_spawnattr_destroy(&attr);
    posix_spawn_file_actions_destroy(&fa);
    for (size_t i = n_borrowed; envp[i]; i++)
        secret_free(envp[i]); /* env values may be secrets too */
    free(envp);
    free(argv);
    if (rc == 0)
        p->pid = pid;
    return rc;
}

static void start(struct exec_credential_plugin *p) {
    p->running = true;
    p->wstatus = 0;
    buf_init(&p->out, EXEC_MAX_STDOUT);
    buf_init(&p->err, EXEC_MAX_STDERR);
    if (p->cfg->interactive_mode && strcmp(p->cfg->interactive_mode, "Always") == 0) {
        fail_later(p, "exec plugin \"%s\" needs a terminal (interactiveMode: Always)", p->shown);
        return;
    }
    if (p->cfg->command == NULL || *p->cfg->command == '\0') {
        fail_later(p, "exec plugin has no command");
        return;
    }
    int out[2], err[2];
    if (make_pipe(out) != 0) {
        fail_later(p, "exec plugin \"%s\" could not be run: %s", p->shown, strerror(errno));
        return;
    }
    if (make_pipe(err) != 0) {
        int e = errno;
        close(out[0]);
        close(out[1]);
        fail_later(p, "exec plugin \"%s\" could not be run: %s", p->shown, strerror(e));
        return;
    }
    int rc = spawn(p, out[1], err[1]);
    close(out[1]);
    close(err[1]);
    if (rc != 0) {
        close(out[0]);
        close(err[0]);
        if (rc == ENOENT)
            not_found_message(p, p->error, sizeof p->error);
        else
            snprintf(p->error, sizeof p->error, "exec plugin \"%s\" could not be run: %s", p->shown,
                     strerror(rc));
        p->notify_timer = loop_timer(p->loop, 0, on_notify, p);
        return;
    }
    fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
    fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);
    p->out_fd = out[0];
    p->err_fd = err[0];
    if (loop_watch_fd(p->loop, p->out_fd, on_readable, p) != 0) {
        close(p->out_fd);
        p->out_fd = -1;
        kill_child(p);
        stop_run(p);
        fail_later(p, "exec plugin \"%s\" could not be run: too many plugins running", p->shown);
        return;
    }
    if (loop_watch_fd(p->loop, p->err_fd, on_readable, p) != 0) {
        close(p->err_fd);
        p->err_fd = -1;
        kill_child(p);
        stop_run(p);
        fail_later(p, "exec plugin \"%s\" could not be run: too many plugins running", p->shown);
        return;
    }
    p->timeout_timer = loop_timer(p->loop, p->timeout_ms, on_timeout, p);
    p->tick_ms = EXEC_TICK_MIN_MS;
    p->tick_timer = loop_timer(p->loop, p->tick_ms, on_tick, p);
}

/* ---- public ---- */

struct exec_credential_plugin *exec_credential_plugin_new(struct loop *loop,
                                                          const struct exec_config *cfg,
                                                          const struct exec_cluster_info *cluster,
                                                          int64_t timeout_ms,
                                                          exec_credential_fn done, void *arg) {
    struct exec_credential_plugin *p = xcalloc(1, sizeof *p);
    p->loop = loop;
    p->cfg = exec_config_dup(cfg);
    p->shown = sanitize_strdup(cfg->command ? cfg->command : "");
    p->exec_info = exec_info_json(cfg, cluster);
    p->timeout_ms = timeout_ms > 0 ? timeout_ms : EXEC_CREDENTIAL_TIMEOUT_MS;
    p->done = done;
    p->arg = arg;
    p->out_fd = p->err_fd = -1;
    buf_init(&p->out, EXEC_MAX_STDOUT);
    buf_init(&p->err, EXEC_MAX_STDERR);
    reap_orphans();
    return p;
}

void exec_credential_plugin_free(struct exec_credential_plugin *p) {
    if (p == NULL)
        return;
    kill_child(p);
    stop_run(p);
    loop_timer_cancel(p->loop, p->notify_timer);
    loop_timer_cancel(p->loop, p->reap_timer);
    try_reap_killed(p);
    if (p->killed)
        adopt_orphan(p->killed); /* not dead yet: never wait for it */
    reap_orphans();
    exec_credential_clear(&p->cred);
    exec_config_free(p->cfg);
    free(p->shown);
    free(p->exec_info);
    free(p);
}

const struct exec_credential *exec_credential_get(struct exec_credential_plugin *p) {
    reap_orphans();
    if (p->have_cred) {
        int64_t exp = p->cred.expiry_ms;
        if (exp == 0 || clock_wall_ms() < exp - EXEC_CREDENTIAL_SKEW_MS)
            return &p->cred;
        exec_credential_invalidate(p);
    }
    if (!p->running)
        start(p);
    return NULL;
}

void exec_credential_invalidate(struct exec_credential_plugin *p) {
    exec_credential_clear(&p->cred);
    p->have_cred = false;
}

bool exec_credential_running(const struct exec_credential_plugin *p) { return p->running; }
