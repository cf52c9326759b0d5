/* flinktop-sim: serves simulated Flink clusters over HTTP on 127.0.0.1 for demos and
 * tests. This file is the command line and the libmicrohttpd glue: one thread per
 * connection (so a hanging or dripping answer never delays another connection), one lock
 * around the model (inside sim_model), faults applied before the answer is built. */
#include "sim_clock.h"
#include "sim_control.h"
#include "sim_faults.h"
#include "sim_flink.h"
#include "sim_k8s.h"
#include "sim_k8s_auth.h"
#include "sim_kubeconfig.h"
#include "sim_model.h"
#include "sim_prom.h"
#include "sim_prom_proxy.h"
#include "sim_reply.h"
#include "sim_requests.h"
#include "sim_stats.h"
#include "xalloc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_REQUEST_BODY (64 * 1024)
#define IDLE_TIMEOUT_S 120u
/* A connection's thread: its handlers' frames are small and nothing recurses deeper than
 * cJSON's nesting limit. The default (8 MB) cost a sanitizer build a megabyte of shadow
 * memory to clear, page by page, for every connection. */
#define CONNECTION_STACK (512u * 1024u)
#define MAX_FAULT_ARGS 64
#define MAX_PEM_BYTES (1024 * 1024)

struct server {
    struct sim_model *model;    /* borrowed for the server's life */
    struct sim_faults *faults;  /* borrowed for the server's life */
    struct sim_k8s *k8s;        /* borrowed for the server's life */
    const char *token;          /* borrowed (argv); NULL = no authentication */
    struct sim_control control; /* what /_sim acts on (all borrowed) */
    bool tls;                   /* serving https (the scrape targets say so) */
    bool control_only;          /* the plain-http control port: /_sim and nothing else */
};

/* Per-request state between libmicrohttpd's calls: the uploaded body so far. */
struct request_ctx {
    char *body; /* owned */
    size_t len;
    bool too_big;
};

static void usage(FILE *out) {
    fprintf(
        out,
        "usage: flinktop-sim [options]\n"
        "Serves simulated Flink REST APIs on 127.0.0.1.\n"
        "\n"
        "  --port N              listen port, 0 = any free port (default 0)\n"
        "  (neither --clusters nor --jobs: the default fleet, shaped like a real one:\n"
        "   namespaces flink-production, flink-staging and flink-development, an\n"
        "   application-mode FlinkDeployment a job, one session FlinkDeployment whose\n"
        "   jobs are FlinkSessionJobs, one standalone cluster, Flink 1.18 to 2.3)\n"
        "  --clusters N          N FlinkDeployments: production, staging, development,\n"
        "                        cluster-4, ... one namespace each (default 3)\n"
        "  --jobs N              jobs per cluster (default 4): 1 makes application\n"
        "                        clusters, more session clusters with FlinkSessionJobs\n"
        "  --parallelism N       every vertex runs N subtasks (for benchmarks; default:\n"
        "                        drawn per job, 1 to 8)\n"
        "  --taskmanagers N      task managers per cluster (default 4/3/2 by cluster)\n"
        "  --seed N              seed for ids, names and the event schedule (default 1)\n"
        "  --fault PATTERN=MODE[:ARG]\n"
        "                        inject a fault on paths matching the glob PATTERN;\n"
        "                        MODE is latency:MS, status:CODE, reset, hang, truncate,\n"
        "                        garbage, huge:MB, drip, drop, or hostile content:\n"
        "                        escapes, badutf8, deep, bignum, types\n"
        "                        (repeatable, first match wins)\n"
        "  --frozen              no random state changes: no job failures, no drift, no\n"
        "                        bottleneck episodes, no periodic checkpoints (durations\n"
        "                        and I/O counters still advance; /_sim controls work)\n"
        "  --hostile-names       some job names carry control characters and escapes\n"
        "                        (the default fleet: every job name, a vertex name a job\n"
        "                        and exception messages, with invalid UTF-8 too)\n"
        "  --token T             require \"Authorization: Bearer T\" on the Kubernetes API\n"
        "                        and the service proxy (/_sim stays open)\n"
        "  --tls-cert FILE       serve HTTPS with this PEM certificate (with --tls-key)\n"
        "  --tls-key FILE        the PEM private key of --tls-cert\n"
        "  --kubeconfig-out FILE write a kubeconfig (mode 0600) for this server: context\n"
        "                        flinktop-sim, the token, the CA data when TLS\n"
        "  --action-steps-ms MS  length of one step of an action's progress (default\n"
        "                        1500): a savepoint completes after 2 steps, a cancel after\n"
        "                        1, a restart or rescale is back RUNNING after 5, and the\n"
        "                        operator's cycle is UPGRADING, DEPLOYED, STABLE over 4\n"
        "  --clock real|manual   real (default): the wall clock; manual: time starts at\n"
        "                        start-up and moves only by POST /_sim/clock\n"
        "                        {\"advance_ms\":N} (for tests: no waiting)\n"
        "  --prometheus-upstream URL\n"
        "                        a real Prometheus (http://HOST:PORT) behind Service\n"
        "                        monitoring/prometheus (port web, 9090): its service proxy\n"
        "                        forwards there (also PUT /_sim/prometheus-upstream)\n"
        "  --help                this text\n"
        "\n");
    fprintf(
        out,
        "The first cluster answers at /<flink path>, every cluster at\n"
        "/clusters/NAME/<flink path>; /_sim/health, /_sim/faults and /_sim/jobs control\n"
        "the simulator; /_sim/prometheus/sd lists every JobManager and TaskManager as a\n"
        "Prometheus http_sd_configs target serving the PrometheusReporter's metrics.\n"
        "Actions take effect: POST /jobs/JID/savepoints and /stop, PATCH /jobs/JID?mode=cancel,\n"
        "GET|PUT /jobs/JID/resource-requirements (development runs the adaptive scheduler;\n"
        "staging has no state.savepoints.dir), merge-patches of a FlinkDeployment's spec\n"
        "and FlinkStateSnapshot creates. Controls for tests:\n"
        "  GET|DELETE /_sim/requests        every mutating request received, or clear it\n"
        "  POST|DELETE /_sim/savepoints/fail  {\"count\":N}: the next N savepoints fail\n"
        "  POST /_sim/k8s/NS/NAME/bump      bump a FlinkDeployment's resourceVersion (409)\n"
        "  POST /_sim/k8s/NS/NAME/oom       its first task manager pod was OOMKilled (restarted)\n"
        "  POST|DELETE /_sim/k8s/forbid     patches and creates answer 403 Forbidden\n"
        "  GET|POST /_sim/clock             the simulator's time; {\"advance_ms\":N} moves it\n"
        "  POST /_sim/k8s/drop-watches      every open Kubernetes watch stream ends\n"
        "  POST /_sim/k8s/token {\"token\":T} the API server accepts T instead of --token\n"
        "  POST /_sim/k8s/compact           older watch resourceVersions get 410 Gone\n"
        "  POST|DELETE /_sim/k8s/forbid-watch  watch requests answer 403 (list still works);\n"
        "                                    {\"resource\": \"deployments\"}: that resource only\n"
        "  POST|DELETE /_sim/k8s/no-metrics-api  no metrics-server: metrics.k8s.io is 404\n"
        "  GET|DELETE /_sim/stats           requests received by class and path, or reset\n"
        "  POST /_sim/jobs/JID/crash        a task fails and the job restarts (a failure)\n"
        "It is also a Kubernetes API server (watches, the Table format, /openapi/v2 and\n"
        "v3, JSON patch, scale and status subresources, delete, auth can-i and whoami):\n"
        "/version, /api, /apis, namespaces, pods,\n"
        "events, services and the flink.apache.org/v1beta1 resources (one FlinkDeployment\n"
        "per cluster: production in flink-prod, staging in flink-staging, development in\n"
        "flink-dev, cluster-N in flink-cluster-N), and the service proxy\n"
        "/api/v1/namespaces/NS/services/NAME-rest:rest/proxy/<flink path>.\n"
        "Logs grow by the clock: /jobmanager/log, /taskmanagers/ID/log (Flink REST) and\n"
        "/api/v1/namespaces/NS/pods/POD/log with tailLines, sinceSeconds, previous, follow.\n"
        "The first line on stdout is \"listening on http[s]://127.0.0.1:PORT\". With\n"
        "--tls-cert the second is \"control on http://127.0.0.1:PORT\": the /_sim control\n"
        "endpoints over plain http too, for scripts that speak no TLS (the clients under\n"
        "test still meet https on the first).\n");
}

static bool parse_num(const char *opt, const char *s, long long min, long long max,
                      long long *out) {
    char *end = NULL;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < min || v > max) {
        fprintf(stderr, "flinktop-sim: --%s wants a number from %lld to %lld, not '%s'\n", opt, min,
                max, s);
        return false;
    }
    *out = v;
    return true;
}

static enum MHD_Result queue_typed(struct MHD_Connection *conn, unsigned int status,
                                   struct MHD_Response *resp, const char *allow,
                                   const char *ctype) {
    if (resp == NULL)
        return MHD_NO;
    MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE,
                            ctype != NULL ? ctype : "application/json");
    if (allow != NULL)
        MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, allow);
    enum MHD_Result ret = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return ret;
}

static enum MHD_Result queue(struct MHD_Connection *conn, unsigned int status,
                             struct MHD_Response *resp, const char *allow) {
    return queue_typed(conn, status, resp, allow, NULL);
}

/* A streamed body (sim_reply.stream: a watch, a followed log), chunked; a reader with
 * nothing new is asked again after a short wait, which ends at shutdown. */
struct streamed {
    struct sim_faults *faults;      /* borrowed */
    struct sim_reply_stream stream; /* owned */
};

static ssize_t stream_reader(void *cls, uint64_t pos, char *buf, size_t max) {
    (void)pos;
    struct streamed *st = cls;
    for (;;) {
        long n = st->stream.read(st->stream.cls, buf, max);
        if (n < 0)
            return MHD_CONTENT_READER_END_OF_STREAM;
        if (n > 0)
            return (ssize_t)n;
        if (!sim_faults_sleep(st->faults, 250))
            return MHD_CONTENT_READER_END_WITH_ERROR;
    }
}

static void stream_free(void *cls) {
    struct streamed *st = cls;
    st->stream.done(st->stream.cls);
    free(st);
}

/* Hands r's body to libmicrohttpd (which frees it) and queues it. */
static enum MHD_Result queue_reply(struct MHD_Connection *conn, struct sim_reply *r) {
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(r->len, r->body, MHD_RESPMEM_MUST_FREE);
    r->body = NULL;
    return queue_typed(conn, (unsigned int)r->status, resp, r->allow, r->content_type);
}

static enum MHD_Result queue_stream(struct server *s, struct MHD_Connection *conn,
                                    struct sim_reply *r) {
    struct streamed *st = xcalloc(1, sizeof *st);
    st->faults = s->faults;
    st->stream = r->stream;
    r->stream = (struct sim_reply_stream){0};
    free(r->body); /* a stream's answer is what it reads, not a body (a watch sets "") */
    r->body = NULL;
    struct MHD_Response *resp =
        MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 4096, stream_reader, st, stream_free);
    return queue_typed(conn, (unsigned int)r->status, resp, NULL, r->content_type);
}

/* sim_query's lookup: a query-string parameter of the connection, unescaped. */
static const char *query_arg(void *cls, const char *key) {
    return MHD_lookup_connection_value(cls, MHD_GET_ARGUMENT_KIND, key);
}

/* Whether the request carries "Authorization: Bearer <token>" (always true without one). */
static bool authorized(const struct server *s, struct MHD_Connection *conn) {
    if (s->token == NULL)
        return true;
    const char *h =
        MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    /* POST /_sim/k8s/token may have rotated it */
    return h != NULL && strncmp(h, "Bearer ", 7) == 0 && sim_k8s_auth_token_ok(s->token, h + 7);
}

static enum MHD_Result add_arg(void *cls, enum MHD_ValueKind kind, const char *key,
                               const char *value) {
    (void)kind;
    char **qs = cls;
    char *next = xasprintf("%s%s%s%s%s", *qs != NULL ? *qs : "", *qs != NULL ? "&" : "", key,
                           value != NULL ? "=" : "", value != NULL ? value : "");
    free(*qs);
    *qs = next;
    return MHD_YES;
}

/* The request's query string as "k=v&k2=v2" (values unescaped); returns owned or NULL. */
static char *query_string(struct MHD_Connection *conn) {
    char *qs = NULL;
    MHD_get_connection_values(conn, MHD_GET_ARGUMENT_KIND, add_arg, &qs);
    return qs;
}

static bool query_true_arg(struct MHD_Connection *conn, const char *key) {
    const char *v = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, key);
    return sim_k8s_query_true(v); /* watch=True from python3-kubernetes too */
}

/* /_sim/stats: every request received, by class and path template. */
static void count_request(const struct server *s, struct MHD_Connection *conn, const char *method,
                          const char *url, bool k8s) {
    const char *w = MHD_lookup_connection_value(conn, MHD_GET_ARGUMENT_KIND, "watch");
    bool watch = sim_k8s_query_true(w);
    char *via_proxy = k8s ? sim_k8s_proxy_target(s->k8s, url) : NULL;
    sim_stats_count(s->control.stats,
                    sim_stats_classify(method, url, k8s, via_proxy != NULL, watch), url, k8s);
    free(via_proxy);
}

static enum MHD_Result answer(struct server *s, struct MHD_Connection *conn, const char *url,
                              const char *method, struct request_ctx *ctx) {
    struct sim_reply r = {0};
    if (s->control_only && !sim_prom_proxy_control_owns(url) && !sim_control_owns(url)) {
        sim_reply_error(&r, 404, "this port serves the simulator's /_sim endpoints only");
        return queue_reply(conn, &r);
    }
    if (sim_prom_proxy_control_owns(url)) { /* the Prometheus behind the service proxy */
        sim_prom_proxy_control(method, ctx->body, ctx->len, &r);
        return queue_reply(conn, &r);
    }
    if (sim_prom_owns(url)) { /* scrape targets and their discovery: no token, no faults */
        const char *host = MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_HOST);
        sim_prom_handle(s->model, s->k8s, host, s->tls, method, url, sim_now_ms(), &r);
        return queue_reply(conn, &r);
    }
    if (sim_control_owns(url)) {
        if (ctx->too_big)
            sim_reply_error(&r, 413, "request body over %d bytes", MAX_REQUEST_BODY);
        else
            sim_control_handle(&s->control, method, url, ctx->body, ctx->len, sim_now_ms(), &r);
        return queue_reply(conn, &r);
    }
    /* Every mutating request is logged as received, before authentication and faults. */
    if (sim_requests_mutating(method, url)) {
        char *qs = query_string(conn);
        sim_requests_record(s->control.requests, method, url, qs, ctx->body, ctx->len,
                            sim_now_ms());
        free(qs);
    }
    bool k8s = sim_k8s_owns(url);
    count_request(s, conn, method, url, k8s);
    if (k8s && !authorized(s, conn)) {
        sim_k8s_status(&r, 401, "Unauthorized", "Unauthorized");
        return queue_reply(conn, &r);
    }
    if (k8s && query_true_arg(conn, "watch") && sim_k8s_auth_deny_watch(url, &r))
        return queue_reply(conn, &r); /* POST /_sim/k8s/forbid-watch */
    if (k8s && ctx->too_big) {
        sim_k8s_status(&r, 413, "RequestEntityTooLarge", "request body over %d bytes",
                       MAX_REQUEST_BODY);
        return queue_reply(conn, &r);
    }

    struct sim_fault_hit hit;
    bool faulted = sim_faults_match(s->faults, url, &hit);
    if (faulted) {
        switch (hit.mode) {
        case SIM_FAULT_RESET:
            /* MHD_NO makes libmicrohttpd drop the connection without a response. */
            return MHD_NO;
        case SIM_FAULT_HANG:
            sim_faults_hang(s->faults);
            return MHD_NO;
        case SIM_FAULT_LATENCY:
            if (!sim_faults_sleep(s->faults, hit.arg))
                return MHD_NO;
            faulted = false;
            break;
        default:
            break;
        }
    }

    struct sim_query query = {query_arg, conn};
    /* The service proxy reaches the cluster's Flink API; faults matched the full path. */
    char *target = k8s ? sim_k8s_proxy_target(s->k8s, url) : NULL;
    if (k8s && sim_prom_proxy_owns(url)) { /* monitoring/prometheus: a real one, forwarded */
        sim_prom_proxy_handle(conn, method, url, ctx->body, ctx->len, &r);
    } else if (target != NULL && sim_k8s_proxy_forbidden(s->k8s, s->model, method, url, &r)) {
        free(target);
    } else if (target != NULL) {
        sim_flink_handle(s->model, method, target, &query, ctx->body, ctx->len, sim_now_ms(), &r);
        free(target);
    } else if (k8s) {
        const char *ctype =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        const char *accept =
            MHD_lookup_connection_value(conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_ACCEPT);
        sim_k8s_handle(s->k8s, s->model, method, url, &query, ctype, accept, ctx->body, ctx->len,
                       sim_now_ms(), &r);
    } else {
        sim_flink_handle(s->model, method, url, &query, ctx->body, ctx->len, sim_now_ms(), &r);
    }
    if (r.stream.read != NULL && !faulted)
        return queue_stream(s, conn, &r);
    if (!faulted)
        return queue_reply(conn, &r);
    if (r.stream.read != NULL) { /* a faulted stream: the fault answers instead */
        r.stream.done(r.stream.cls);
        r.stream.read = NULL;
    }
    if (hit.mode == SIM_FAULT_DROP) { /* done, and the answer lost */
        sim_reply_free(&r);
        return MHD_NO;
    }
    unsigned int status = 0;
    struct MHD_Response *resp = sim_faults_response(s->faults, &hit, &r, &status);
    sim_reply_free(&r);
    return queue(conn, status, resp, NULL);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version, const char *upload_data,
                                  size_t *upload_data_size, void **con_cls) {
    (void)version;
    struct request_ctx *ctx = *con_cls;
    if (ctx == NULL) {
        /* First call: headers only. The body (if any) arrives in the next calls. */
        *con_cls = xcalloc(1, sizeof *ctx);
        return MHD_YES;
    }
    if (*upload_data_size > 0) {
        size_t n = *upload_data_size;
        if (ctx->len + n > MAX_REQUEST_BODY) {
            ctx->too_big = true;
        } else if (!ctx->too_big) {
            ctx->body = xrealloc(ctx->body, ctx->len + n + 1);
            memcpy(ctx->body + ctx->len, upload_data, n);
            ctx->len += n;
            ctx->body[ctx->len] = '\0';
        }
        *upload_data_size = 0;
        return MHD_YES;
    }
    return answer(cls, conn, url, method, ctx);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
                         enum MHD_RequestTerminationCode code) {
    (void)cls;
    (void)conn;
    (void)code;
    struct request_ctx *ctx = *con_cls;
    if (ctx != NULL) {
        free(ctx->body);
        free(ctx);
        *con_cls = NULL;
    }
}

/* A daemon on addr serving srv (both borrowed for its life), one thread a connection;
 * https with cert and key (PEM, borrowed) when cert is not NULL. NULL when it cannot
 * listen. */
static struct MHD_Daemon *start_daemon(const struct sockaddr_in *addr, struct server *srv,
                                       const char *cert, const char *key) {
    unsigned int flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION |
                         MHD_USE_POLL | MHD_USE_ITC;
    if (cert != NULL)
        return MHD_start_daemon(flags | MHD_USE_TLS, 0, NULL, NULL, on_request, srv,
                                MHD_OPTION_SOCK_ADDR, addr, MHD_OPTION_NOTIFY_COMPLETED,
                                on_completed, NULL, MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S,
                                MHD_OPTION_THREAD_STACK_SIZE, (size_t)CONNECTION_STACK,
                                MHD_OPTION_HTTPS_MEM_CERT, cert, MHD_OPTION_HTTPS_MEM_KEY, key,
                                MHD_OPTION_END);
    return MHD_start_daemon(flags, 0, NULL, NULL, on_request, srv, MHD_OPTION_SOCK_ADDR, addr,
                            MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
                            MHD_OPTION_CONNECTION_TIMEOUT, IDLE_TIMEOUT_S,
                            MHD_OPTION_THREAD_STACK_SIZE, (size_t)CONNECTION_STACK, MHD_OPTION_END);
}

static void *cjson_malloc(size_t n) { return xmalloc(n); }

/* Reads a whole (small) file; returns owned NUL-terminated contents and *len, or NULL
 * with a message on stderr. */
static char *read_pem(const char *opt, const char *file, size_t *len) {
    char *buf = NULL;
    size_t n = 0;
    FILE *f = fopen(file, "rb");
    if (f == NULL) {
        fprintf(stderr, "flinktop-sim: --%s %s: %s\n", opt, file, strerror(errno));
        return NULL;
    }
    buf = xmalloc(MAX_PEM_BYTES + 1);
    n = fread(buf, 1, MAX_PEM_BYTES + 1, f);
    bool bad = ferror(f) || n == 0 || n > MAX_PEM_BYTES;
    fclose(f);
    if (bad) {
        fprintf(stderr, "flinktop-sim: --%s %s: empty, unreadable or over %d bytes\n", opt, file,
                MAX_PEM_BYTES);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    *len = n;
    return buf;
}

int main(int argc, char **argv) {
    enum {
        OPT_PORT = 256,
        OPT_CLUSTERS,
        OPT_JOBS,
        OPT_PARALLELISM,
        OPT_TMS,
        OPT_SEED,
        OPT_FAULT,
        OPT_FROZEN,
        OPT_HOSTILE,
        OPT_TOKEN,
        OPT_TLS_CERT,
        OPT_TLS_KEY,
        OPT_KUBECONFIG_OUT,
        OPT_ACTION_STEPS,
        OPT_CLOCK,
        OPT_PROM_UPSTREAM
    };
    static const struct option longopts[] = {
        {"port", required_argument, NULL, OPT_PORT},
        {"clusters", required_argument, NULL, OPT_CLUSTERS},
        {"jobs", required_argument, NULL, OPT_JOBS},
        {"parallelism", required_argument, NULL, OPT_PARALLELISM},
        {"taskmanagers", required_argument, NULL, OPT_TMS},
        {"seed", required_argument, NULL, OPT_SEED},
        {"fault", required_argument, NULL, OPT_FAULT},
        {"frozen", no_argument, NULL, OPT_FROZEN},
        {"hostile-names", no_argument, NULL, OPT_HOSTILE},
        {"token", required_argument, NULL, OPT_TOKEN},
        {"tls-cert", required_argument, NULL, OPT_TLS_CERT},
        {"tls-key", required_argument, NULL, OPT_TLS_KEY},
        {"kubeconfig-out", required_argument, NULL, OPT_KUBECONFIG_OUT},
        {"action-steps-ms", required_argument, NULL, OPT_ACTION_STEPS},
        {"clock", required_argument, NULL, OPT_CLOCK},
        {"prometheus-upstream", required_argument, NULL, OPT_PROM_UPSTREAM},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    struct sim_model_options mo = {.fleet = true,
                                   .clusters = 3,
                                   .jobs = 4,
                                   .taskmanagers = 0,
                                   .seed = 1,
                                   .action_step_ms = SIM_ACTIONS_DEFAULT_STEP_MS};
    long long port = 0, v = 0;
    const char *fault_args[MAX_FAULT_ARGS];
    size_t n_fault_args = 0;
    const char *token = NULL, *tls_cert = NULL, *tls_key = NULL, *kubeconfig_out = NULL;
    enum sim_clock_mode clock_mode = SIM_CLOCK_REAL;
    int c;
    while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
        switch (c) {
        case OPT_PORT:
            if (!parse_num("port", optarg, 0, 65535, &port))
                return 2;
            break;
        case OPT_CLUSTERS:
            if (!parse_num("clusters", optarg, 1, 100, &v))
                return 2;
            mo.clusters = (int)v;
            mo.fleet = false;
            break;
        case OPT_JOBS:
            if (!parse_num("jobs", optarg, 0, 1000, &v))
                return 2;
            mo.jobs = (int)v;
            mo.fleet = false;
            break;
        case OPT_PARALLELISM:
            if (!parse_num("parallelism", optarg, 1, 4096, &v))
                return 2;
            mo.parallelism = (int)v;
            break;
        case OPT_TMS:
            if (!parse_num("taskmanagers", optarg, 1, 1000, &v))
                return 2;
            mo.taskmanagers = (int)v;
            break;
        case OPT_SEED:
            if (!parse_num("seed", optarg, 0, INT64_MAX, &v))
                return 2;
            mo.seed = (uint64_t)v;
            break;
        case OPT_FAULT:
            if (n_fault_args == MAX_FAULT_ARGS) {
                fprintf(stderr, "flinktop-sim: at most %d --fault options\n", MAX_FAULT_ARGS);
                return 2;
            }
            fault_args[n_fault_args++] = optarg;
            break;
        case OPT_FROZEN:
            mo.frozen = true;
            break;
        case OPT_HOSTILE:
            mo.hostile_names = true;
            break;
        case OPT_TOKEN:
            if (optarg[0] == '\0' || strpbrk(optarg, "\r\n") != NULL) {
                fprintf(stderr, "flinktop-sim: --token must be a non-empty single line\n");
                return 2;
            }
            token = optarg;
            break;
        case OPT_TLS_CERT:
            tls_cert = optarg;
            break;
        case OPT_TLS_KEY:
            tls_key = optarg;
            break;
        case OPT_KUBECONFIG_OUT:
            kubeconfig_out = optarg;
            break;
        case OPT_ACTION_STEPS:
            if (!parse_num("action-steps-ms", optarg, 1, 3600000, &v))
                return 2;
            mo.action_step_ms = (int)v;
            break;
        case OPT_CLOCK:
            if (!sim_clock_parse_mode(optarg, &clock_mode)) {
                fprintf(stderr, "flinktop-sim: --clock wants real or manual, not '%s'\n", optarg);
                return 2;
            }
            break;
        case OPT_PROM_UPSTREAM: {
            char err[256];
            if (!sim_prom_proxy_set_upstream(optarg, err, sizeof err)) {
                fprintf(stderr, "flinktop-sim: --prometheus-upstream: %s\n", err);
                return 2;
            }
            break;
        }
        case 'h':
            usage(stdout);
            return 0;
        default:
            fprintf(stderr, "Try 'flinktop-sim --help'.\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "flinktop-sim: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if ((tls_cert == NULL) != (tls_key == NULL)) {
        fprintf(stderr, "flinktop-sim: --tls-cert and --tls-key go together\n");
        return 2;
    }

    /* cJSON allocates through xmalloc, so its results are never NULL. */
    cJSON_Hooks hooks = {.malloc_fn = cjson_malloc, .free_fn = free};
    cJSON_InitHooks(&hooks);

    int rc = 0;
    struct MHD_Daemon *httpd = NULL, *control_httpd = NULL;
    struct sim_faults *faults = sim_faults_new(mo.seed);
    struct sim_model *model = NULL;
    struct sim_k8s *k8s = NULL;
    struct sim_requests *requests = sim_requests_new();
    struct sim_stats *stats = sim_stats_new();
    char *cert_pem = NULL, *key_pem = NULL;
    size_t cert_len = 0, key_len = 0;
    if (tls_cert != NULL) {
        cert_pem = read_pem("tls-cert", tls_cert, &cert_len);
        key_pem = read_pem("tls-key", tls_key, &key_len);
        if (cert_pem == NULL || key_pem == NULL) {
            rc = 2;
            goto out;
        }
    }
    for (size_t i = 0; i < n_fault_args; i++) {
        char err[256];
        if (!sim_faults_add_spec(faults, fault_args[i], err, sizeof err)) {
            fprintf(stderr, "flinktop-sim: --fault %s: %s\n", fault_args[i], err);
            rc = 2;
            goto out;
        }
    }
    sim_clock_init(clock_mode);
    model = sim_model_new(&mo, sim_now_ms());
    k8s = sim_k8s_new(model, sim_now_ms());

    /* Block the stop signals in every thread (libmicrohttpd's inherit this mask) and take
     * them synchronously below with sigwait: no handler, no async-signal-safety worries. */
    /* A shell starts background jobs with SIGINT ignored, and an ignored signal never
     * reaches sigwait: restore the defaults so "kill -INT" stops us wherever we run. */
    signal(SIGINT, SIG_DFL);
    signal(SIGTERM, SIG_DFL);
    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_in addr;
    memset(&addr, 0, sizeof addr);
    addr.sin_family = AF_INET;
    addr.sin_port = htons((uint16_t)port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    struct server server = {.model = model,
                            .faults = faults,
                            .k8s = k8s,
                            .token = token,
                            .control = {faults, model, k8s, requests, stats},
                            .tls = cert_pem != NULL};
    httpd = start_daemon(&addr, &server, cert_pem, key_pem);
    if (httpd == NULL) {
        fprintf(stderr, "flinktop-sim: cannot listen on 127.0.0.1:%lld%s\n", port,
                cert_pem != NULL ? " (or the TLS certificate and key do not load)" : "");
        rc = 1;
        goto out;
    }
    /* With TLS, the control endpoints on a plain-http port of their own as well. */
    struct server control_server = server;
    control_server.control_only = true;
    if (cert_pem != NULL) {
        addr.sin_port = 0;
        control_httpd = start_daemon(&addr, &control_server, NULL, NULL);
        if (control_httpd == NULL) {
            fprintf(stderr, "flinktop-sim: cannot listen on a control port of 127.0.0.1\n");
            rc = 1;
            goto stop;
        }
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(httpd, MHD_DAEMON_INFO_BIND_PORT);
    char *url = xasprintf("%s://127.0.0.1:%u", cert_pem != NULL ? "https" : "http",
                          info != NULL ? (unsigned)info->port : 0u);
    /* Written before the "listening" line, so whoever waits for it finds the file. */
    if (kubeconfig_out != NULL) {
        char err[512];
        if (!sim_kubeconfig_write(kubeconfig_out, url, cert_pem, cert_len, token, err,
                                  sizeof err)) {
            fprintf(stderr, "flinktop-sim: --kubeconfig-out: %s\n", err);
            free(url);
            rc = 1;
            goto stop;
        }
    }
    printf("listening on %s\n", url);
    if (control_httpd != NULL) {
        info = MHD_get_daemon_info(control_httpd, MHD_DAEMON_INFO_BIND_PORT);
        printf("control on http://127.0.0.1:%u\n", info != NULL ? (unsigned)info->port : 0u);
    }
    fflush(stdout);
    free(url);
    if (token != NULL && cert_pem == NULL) {
        fprintf(stderr, "flinktop-sim: warning: --token without --tls-cert: Kubernetes clients "
                        "send no bearer token over plain http\n");
    }

    int sig = 0;
    while (sigwait(&stop_signals, &sig) != 0)
        ;
stop:
    /* Release hangs, latencies and drips first, or MHD_stop_daemon would wait on them. */
    sim_faults_stop(faults);
    sim_k8s_stop_watches(k8s);
    if (control_httpd != NULL)
        MHD_stop_daemon(control_httpd);
    MHD_stop_daemon(httpd);
    httpd = NULL;
out:
    free(cert_pem);
    free(key_pem);
    sim_k8s_free(k8s);
    sim_model_free(model);
    sim_faults_free(faults);
    sim_requests_free(requests);
    sim_stats_free(stats);
    sim_prom_proxy_free();
    return rc;
}
