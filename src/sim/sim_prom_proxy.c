#include "sim_prom_proxy.h"

#include "sim_k8s.h"
#include "xalloc.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define NAMESPACE "monitoring"
#define SERVICE "prometheus"
#define PORT_NAME "web"
#define PORT_NUM "9090"
#define MAX_ANSWER (256u * 1024u * 1024u) /* a huge matrix still passes; beyond, 502 */
#define MAX_PATHS 32

static const char svc_prefix[] = "/api/v1/namespaces/" NAMESPACE "/services/";
static const char control_path[] = "/_sim/prometheus-upstream";

struct path_count {
    char *path; /* owned */
    size_t n;
};

/* Process-wide: one simulated Prometheus Service. */
static struct {
    pthread_mutex_t lock;
    char *url;    /* owned, as given; NULL: no upstream */
    char *host;   /* owned */
    char *port;   /* owned */
    char *prefix; /* owned: the upstream's path prefix without a trailing '/', "" none */
    size_t requests;
    struct path_count paths[MAX_PATHS];
    size_t n_paths;
} up = {.lock = PTHREAD_MUTEX_INITIALIZER};

static void counts_reset(void) {
    for (size_t i = 0; i < up.n_paths; i++)
        free(up.paths[i].path);
    up.n_paths = 0;
    up.requests = 0;
}

static void upstream_clear(void) {
    free(up.url);
    free(up.host);
    free(up.port);
    free(up.prefix);
    up.url = up.host = up.port = up.prefix = NULL;
    counts_reset();
}

bool sim_prom_proxy_set_upstream(const char *url, char *err, size_t errlen) {
    if (url == NULL || url[0] == '\0') {
        pthread_mutex_lock(&up.lock);
        upstream_clear();
        pthread_mutex_unlock(&up.lock);
        return true;
    }
    static const char scheme[] = "http://";
    if (strncmp(url, scheme, sizeof scheme - 1) != 0) {
        snprintf(err, errlen, "the upstream must be an http:// URL, not '%s'", url);
        return false;
    }
    const char *h = url + sizeof scheme - 1;
    size_t hlen = strcspn(h, ":/");
    const char *p = h + hlen;
    char *port = NULL;
    if (*p == ':') {
        size_t plen = strspn(p + 1, "0123456789");
        if (plen == 0 || plen > 5 || (p[1 + plen] != '\0' && p[1 + plen] != '/')) {
            snprintf(err, errlen, "bad port in '%s'", url);
            return false;
        }
        port = xstrndup(p + 1, plen);
        p += 1 + plen;
    }
    if (hlen == 0 || strpbrk(url, " \r\n?#") != NULL) {
        snprintf(err, errlen, "no host, or a space, '?' or '#' in '%s'", url);
        free(port);
        return false;
    }
    size_t prefix_len = strlen(p);
    while (prefix_len > 0 && p[prefix_len - 1] == '/')
        prefix_len--;
    pthread_mutex_lock(&up.lock);
    upstream_clear();
    up.url = xstrdup(url);
    up.host = xstrndup(h, hlen);
    up.port = port ? port : xstrdup("80");
    up.prefix = xstrndup(p, prefix_len);
    pthread_mutex_unlock(&up.lock);
    return true;
}

void sim_prom_proxy_free(void) {
    pthread_mutex_lock(&up.lock);
    upstream_clear();
    pthread_mutex_unlock(&up.lock);
}

/* ---- /_sim/prometheus-upstream ------------------------------------------------------ */

bool sim_prom_proxy_control_owns(const char *path) { return strcmp(path, control_path) == 0; }

static cJSON *state_json(void) {
    cJSON *o = cJSON_CreateObject();
    pthread_mutex_lock(&up.lock);
    if (up.url)
        cJSON_AddStringToObject(o, "url", up.url);
    else
        cJSON_AddNullToObject(o, "url");
    cJSON_AddNumberToObject(o, "requests", (double)up.requests);
    cJSON *paths = cJSON_AddObjectToObject(o, "paths");
    for (size_t i = 0; i < up.n_paths; i++)
        cJSON_AddNumberToObject(paths, up.paths[i].path, (double)up.paths[i].n);
    pthread_mutex_unlock(&up.lock);
    return o;
}

void sim_prom_proxy_control(const char *method, const char *body, size_t len,
                            struct sim_reply *r) {
    char err[256];
    if (strcmp(method, "GET") == 0) {
        sim_reply_json(r, 200, state_json());
        return;
    }
    if (strcmp(method, "DELETE") == 0) {
        sim_prom_proxy_set_upstream(NULL, err, sizeof err);
        sim_reply_json(r, 200, state_json());
        return;
    }
    if (strcmp(method, "PUT") != 0 && strcmp(method, "POST") != 0) {
        r->allow = "GET, PUT, POST, DELETE";
        sim_reply_error(r, 405, "method %s not allowed", method);
        return;
    }
    cJSON *doc = body ? cJSON_ParseWithLength(body, len) : NULL;
    const cJSON *u = cJSON_GetObjectItemCaseSensitive(doc, "url");
    if (!cJSON_IsString(u)) {
        sim_reply_error(r, 400, "want {\"url\": \"http://HOST:PORT\"}");
    } else if (!sim_prom_proxy_set_upstream(u->valuestring, err, sizeof err)) {
        sim_reply_error(r, 400, "%s", err);
    } else {
        sim_reply_json(r, 200, state_json());
    }
    cJSON_Delete(doc);
}

/* ---- the Service ------------------------------------------------------------------- */

void sim_prom_proxy_add_service(cJSON *items, int64_t created_ms) {
    pthread_mutex_lock(&up.lock);
    bool on = up.url != NULL;
    pthread_mutex_unlock(&up.lock);
    if (!on)
        return;
    cJSON *s = cJSON_CreateObject();
    cJSON_AddStringToObject(s, "apiVersion", "v1");
    cJSON_AddStringToObject(s, "kind", "Service");
    cJSON *md = cJSON_AddObjectToObject(s, "metadata");
    cJSON_AddStringToObject(md, "name", SERVICE);
    cJSON_AddStringToObject(md, "namespace", NAMESPACE);
    char *uid = sim_k8s_uid(NAMESPACE "/" SERVICE);
    cJSON_AddStringToObject(md, "uid", uid);
    free(uid);
    cJSON_AddStringToObject(md, "resourceVersion", "0");
    sim_k8s_add_time(md, "creationTimestamp", created_ms);
    cJSON *labels = cJSON_AddObjectToObject(md, "labels");
    cJSON_AddStringToObject(labels, "app.kubernetes.io/name", "prometheus");
    cJSON *spec = cJSON_AddObjectToObject(s, "spec");
    cJSON_AddStringToObject(spec, "type", "ClusterIP");
    cJSON_AddStringToObject(spec, "clusterIP", "10.96.0.90");
    cJSON_AddStringToObject(cJSON_AddObjectToObject(spec, "selector"), "app.kubernetes.io/name",
                            "prometheus");
    cJSON *ports = cJSON_AddArrayToObject(spec, "ports");
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "name", PORT_NAME);
    cJSON_AddStringToObject(p, "protocol", "TCP");
    cJSON_AddNumberToObject(p, "port", 9090);
    cJSON_AddNumberToObject(p, "targetPort", 9090);
    cJSON_AddItemToArray(ports, p);
    cJSON_AddItemToArray(items, s);
}

/* ---- the proxy --------------------------------------------------------------------- */

/* The service segment of a proxy path: [scheme:]name[:port], and where the rest starts.
 * False when path is no proxy path of the monitoring namespace. */
struct svc_ref {
    const char *scheme, *name, *port; /* into path; lengths below */
    size_t scheme_len, name_len, port_len;
    const char *rest; /* after "/proxy": "" or "/..." */
};

static bool parse_ref(const char *path, struct svc_ref *ref) {
    if (strncmp(path, svc_prefix, sizeof svc_prefix - 1) != 0)
        return false;
    const char *seg = path + sizeof svc_prefix - 1;
    const char *end = strchr(seg, '/');
    if (end == NULL || strncmp(end, "/proxy", 6) != 0 || (end[6] != '/' && end[6] != '\0'))
        return false;
    memset(ref, 0, sizeof *ref);
    ref->rest = end + 6;
    /* kube-apiserver's SplitSchemeNamePort: name, name:port or scheme:name:port */
    const char *c1 = memchr(seg, ':', (size_t)(end - seg));
    const char *c2 = c1 ? memchr(c1 + 1, ':', (size_t)(end - c1 - 1)) : NULL;
    if (c2) {
        ref->scheme = seg, ref->scheme_len = (size_t)(c1 - seg);
        ref->name = c1 + 1, ref->name_len = (size_t)(c2 - c1 - 1);
        ref->port = c2 + 1, ref->port_len = (size_t)(end - c2 - 1);
    } else if (c1) {
        ref->name = seg, ref->name_len = (size_t)(c1 - seg);
        ref->port = c1 + 1, ref->port_len = (size_t)(end - c1 - 1);
    } else {
        ref->name = seg, ref->name_len = (size_t)(end - seg);
    }
    return ref->name_len == strlen(SERVICE) && memcmp(ref->name, SERVICE, ref->name_len) == 0;
}

bool sim_prom_proxy_owns(const char *path) {
    struct svc_ref ref;
    if (!parse_ref(path, &ref))
        return false;
    pthread_mutex_lock(&up.lock);
    bool on = up.url != NULL;
    pthread_mutex_unlock(&up.lock);
    return on;
}

static bool seg_is(const char *s, size_t n, const char *want) {
    return n == strlen(want) && memcmp(s, want, n) == 0;
}

struct sbuf {
    char *p; /* owned */
    size_t len, cap;
};

static void sb_add(struct sbuf *b, const char *s, size_t n) {
    if (b->len + n + 1 > b->cap) {
        while (b->len + n + 1 > b->cap)
            b->cap = b->cap ? 2 * b->cap : 1024;
        b->p = xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->len, s, n);
    b->len += n;
    b->p[b->len] = '\0';
}

static void sb_str(struct sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

/* Percent-encodes s (RFC 3986 unreserved kept) onto b. */
static void sb_escape(struct sbuf *b, const char *s) {
    static const char hex[] = "0123456789ABCDEF";
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            c == '-' || c == '.' || c == '_' || c == '~') {
            sb_add(b, (const char *)&c, 1);
        } else {
            char e[3] = {'%', hex[c >> 4], hex[c & 15]};
            sb_add(b, e, 3);
        }
    }
}

static enum MHD_Result add_query_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                                     const char *value) {
    (void)kind;
    struct sbuf *b = cls;
    sb_str(b, b->len ? "&" : "?");
    sb_escape(b, key);
    if (value) {
        sb_str(b, "=");
        sb_escape(b, value);
    }
    return MHD_YES;
}

static int64_t mono_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Waits for events on fd until deadline; false on timeout or error. */
static bool wait_fd(int fd, short events, int64_t deadline) {
    for (;;) {
        int64_t left = deadline - mono_ms();
        if (left <= 0)
            return false;
        struct pollfd pfd = {fd, events, 0};
        int n = poll(&pfd, 1, (int)left);
        if (n > 0)
            return true;
        if (n < 0 && errno != EINTR)
            return false;
    }
}

/* A connected socket to the upstream, or -1 with err (Go's words, as the API server's). */
static int dial(const char *host, const char *port, int64_t deadline, char *err, size_t errlen) {
    struct addrinfo hints = {0}, *res = NULL;
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    int g = getaddrinfo(host, port, &hints, &res);
    if (g != 0) {
        snprintf(err, errlen, "dial tcp: lookup %s: %s", host, gai_strerror(g));
        return -1;
    }
    int fd = -1, e = 0;
    for (struct addrinfo *ai = res; ai && fd < 0; ai = ai->ai_next) {
        fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
        if (fd < 0) {
            e = errno;
            continue;
        }
        if (connect(fd, ai->ai_addr, ai->ai_addrlen) != 0 && errno != EINPROGRESS) {
            e = errno;
        } else if (!wait_fd(fd, POLLOUT, deadline)) {
            e = ETIMEDOUT;
        } else {
            socklen_t sl = sizeof e;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &sl) != 0)
                e = errno;
            if (e == 0)
                break;
        }
        close(fd);
        fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
        snprintf(err, errlen, "dial tcp %s:%s: connect: %s", host, port,
                 e == ECONNREFUSED ? "connection refused" : strerror(e ? e : EIO));
    return fd;
}

/* Sends all of s; false on error or timeout. */
static bool send_all(int fd, const char *s, size_t n, int64_t deadline) {
    while (n > 0) {
        ssize_t w = send(fd, s, n, MSG_NOSIGNAL);
        if (w > 0) {
            s += w;
            n -= (size_t)w;
        } else if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            if (!wait_fd(fd, POLLOUT, deadline))
                return false;
        } else {
            return false;
        }
    }
    return true;
}

/* Reads to EOF (HTTP/1.0: the server closes) into b; false on error, timeout or size. */
static bool recv_all(int fd, struct sbuf *b, int64_t deadline) {
    char buf[65536];
    for (;;) {
        ssize_t n = recv(fd, buf, sizeof buf, 0);
        if (n > 0) {
            if (b->len + (size_t)n > MAX_ANSWER)
                return false;
            sb_add(b, buf, (size_t)n);
        } else if (n == 0) {
            return true;
        } else if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
            if (!wait_fd(fd, POLLIN, deadline))
                return false;
        } else {
            return false;
        }
    }
}

/* The value of header name in the header block hdr (lines ending "\r\n"), owned or NULL. */
static char *header(const char *hdr, const char *name) {
    size_t nl = strlen(name);
    for (const char *l = strstr(hdr, "\r\n"); l && l[2] != '\r' && l[2] != '\0';
         l = strstr(l + 2, "\r\n")) {
        const char *s = l + 2;
        if (strncasecmp(s, name, nl) == 0 && s[nl] == ':') {
            s += nl + 1;
            while (*s == ' ' || *s == '\t')
                s++;
            return xstrndup(s, strcspn(s, "\r\n"));
        }
    }
    return NULL;
}

/* Decodes a chunked body in place; false when malformed. */
static bool dechunk(char *p, size_t len, size_t *out_len) {
    size_t r = 0, w = 0;
    for (;;) {
        char *end = NULL;
        if (r >= len)
            return false;
        errno = 0;
        unsigned long n = strtoul(p + r, &end, 16);
        if (end == p + r || errno != 0)
            return false;
        char *crlf = strstr(end, "\r\n");
        if (crlf == NULL)
            return false;
        r = (size_t)(crlf - p) + 2;
        if (n == 0)
            break;
        if (n > len - r)
            return false;
        memmove(p + w, p + r, n);
        w += n;
        r += n + 2;
    }
    *out_len = w;
    p[w] = '\0';
    return true;
}

static void count_path(const char *rest) {
    const char *path = rest[0] ? rest : "/";
    pthread_mutex_lock(&up.lock);
    up.requests++;
    size_t i = 0;
    while (i < up.n_paths && strcmp(up.paths[i].path, path) != 0)
        i++;
    if (i == up.n_paths && up.n_paths < MAX_PATHS)
        up.paths[up.n_paths++] = (struct path_count){xstrdup(path), 0};
    if (i < up.n_paths)
        up.paths[i].n++;
    pthread_mutex_unlock(&up.lock);
}

void sim_prom_proxy_handle(struct MHD_Connection *conn, const char *method, const char *path,
                           const char *body, size_t len, struct sim_reply *r) {
    struct svc_ref ref;
    char err[512];
    struct sbuf req = {0}, qs = {0}, ans = {0};
    char *host = NULL, *port = NULL, *prefix = NULL, *ctype = NULL, *te = NULL;
    int fd = -1;
    if (!parse_ref(path, &ref)) {
        sim_k8s_status(r, 404, "NotFound", "services \"%s\" not found", SERVICE);
        goto out;
    }
    if (ref.port_len == 0) { /* the one port is named: an empty name matches no endpoint */
        sim_k8s_status(r, 503, "ServiceUnavailable",
                       "no endpoints available for service \"" SERVICE "\"");
        goto out;
    }
    if (!seg_is(ref.port, ref.port_len, PORT_NAME) && !seg_is(ref.port, ref.port_len, PORT_NUM)) {
        bool numeric = strspn(ref.port, "0123456789") >= ref.port_len;
        if (numeric)
            sim_k8s_status(r, 503, "ServiceUnavailable",
                           "no service port %.*s found for service \"" SERVICE "\"",
                           (int)ref.port_len, ref.port);
        else
            sim_k8s_status(r, 503, "ServiceUnavailable",
                           "no endpoints available for service \"" SERVICE "\"");
        goto out;
    }
    pthread_mutex_lock(&up.lock);
    if (up.url) {
        host = xstrdup(up.host);
        port = xstrdup(up.port);
        prefix = xstrdup(up.prefix);
    }
    pthread_mutex_unlock(&up.lock);
    if (host == NULL) { /* taken away since owns() */
        sim_k8s_status(r, 404, "NotFound", "services \"%s\" not found", SERVICE);
        goto out;
    }
    count_path(ref.rest);
    if (ref.scheme_len > 0 && !seg_is(ref.scheme, ref.scheme_len, "http")) {
        sim_k8s_status(r, 503, "ServiceUnavailable",
                       "error trying to reach service: tls: first record does not look like a "
                       "TLS handshake");
        goto out;
    }
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_query_arg, &qs);
    const char *in_type =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    sb_str(&req, method);
    sb_str(&req, " ");
    sb_str(&req, prefix);
    sb_str(&req, ref.rest[0] ? ref.rest : "/");
    if (qs.p)
        sb_str(&req, qs.p);
    sb_str(&req, " HTTP/1.0\r\nHost: ");
    sb_str(&req, host);
    sb_str(&req, ":");
    sb_str(&req, port);
    sb_str(&req, "\r\nUser-Agent: flinktop-sim service proxy\r\nAccept-Encoding: identity\r\n");
    if (in_type && strpbrk(in_type, "\r\n") == NULL) {
        sb_str(&req, "Content-Type: ");
        sb_str(&req, in_type);
        sb_str(&req, "\r\n");
    }
    char clen[64];
    snprintf(clen, sizeof clen, "Content-Length: %zu\r\n\r\n", body ? len : 0);
    sb_str(&req, clen);
    if (body && len)
        sb_add(&req, body, len);

    int64_t deadline = mono_ms() + SIM_PROM_PROXY_TIMEOUT_MS;
    fd = dial(host, port, deadline, err, sizeof err);
    if (fd < 0) {
        sim_k8s_status(r, 503, "ServiceUnavailable", "error trying to reach service: %s", err);
        goto out;
    }
    if (!send_all(fd, req.p, req.len, deadline) || !recv_all(fd, &ans, deadline)) {
        sim_k8s_status(r, 503, "ServiceUnavailable",
                       "error trying to reach service: read tcp %s:%s: %s", host, port,
                       mono_ms() >= deadline ? "i/o timeout" : "connection reset by peer");
        goto out;
    }
    int status = 0;
    char *hend = ans.p ? strstr(ans.p, "\r\n\r\n") : NULL;
    if (hend == NULL || sscanf(ans.p, "HTTP/1.%*d %d", &status) != 1 || status < 100 ||
        status > 599) {
        sim_k8s_status(r, 502, "InternalError",
                       "error trying to reach service: malformed HTTP response");
        goto out;
    }
    hend[2] = '\0'; /* the header block ends with its last line's "\r\n" */
    ctype = header(ans.p, "Content-Type");
    te = header(ans.p, "Transfer-Encoding");
    char *payload = hend + 4;
    size_t plen = ans.len - (size_t)(payload - ans.p);
    if (te && strcasecmp(te, "chunked") == 0 && !dechunk(payload, plen, &plen)) {
        sim_k8s_status(r, 502, "InternalError", "error trying to reach service: bad chunking");
        goto out;
    }
    r->status = status;
    r->body = xmalloc(plen + 1);
    memcpy(r->body, payload, plen);
    r->body[plen] = '\0';
    r->len = plen;
    r->content_type = ctype == NULL || strncmp(ctype, "application/json", 16) == 0
                          ? NULL
                          : strncmp(ctype, "text/html", 9) == 0 ? "text/html; charset=utf-8"
                                                                : "text/plain; charset=utf-8";
out:
    if (fd >= 0)
        close(fd);
    free(req.p);
    free(qs.p);
    free(ans.p);
    free(host);
    free(port);
    free(prefix);
    free(ctype);
    free(te);
}
