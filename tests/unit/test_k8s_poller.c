/* The pure logic of the Kubernetes poller: service-proxy URLs, list paths, the
 * namespace fallback after a 403, cluster naming and the growable cluster array; then
 * the scope (:ctx, :ns) and pins on a poller over tests/fixtures/kubeconfig/scope.yaml,
 * whose servers are never reached (requests are submitted, then cancelled); then whole
 * refreshes against a forked API server on loopback that answers with the fixtures of
 * tests/fixtures/k8s/ and reports every path asked (FlinkStateSnapshots: one list per
 * namespace per refresh, and only where served). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "clock.h"
#include "config.h"
#include "fixture.h"
#include "http.h"
#include "k8s_poller.h"
#include "loop.h"
#include "xalloc.h"

static void proxy_url_appends_service_proxy_path(void **state) {
    (void)state;
    char *u = k8s_poller_proxy_url("https://10.0.0.1:6443", "flink-prod", "production");
    assert_string_equal(
        u,
        "https://10.0.0.1:6443/api/v1/namespaces/flink-prod/services/production-rest:rest/proxy");
    free(u);
}

static void proxy_url_keeps_server_path_drops_trailing_slash(void **state) {
    (void)state;
    char *u = k8s_poller_proxy_url("https://rancher/k8s/clusters/c-1//", "ns", "a");
    assert_string_equal(u, "https://rancher/k8s/clusters/c-1/api/v1/namespaces/ns/services/"
                           "a-rest:rest/proxy");
    free(u);
}

static void proxy_url_escapes_names(void **state) {
    (void)state;
    char *u = k8s_poller_proxy_url("https://h", "a/b", "x y");
    assert_string_equal(u, "https://h/api/v1/namespaces/a%2Fb/services/x%20y-rest:rest/proxy");
    free(u);
}

static void list_path_all_namespaces_and_one(void **state) {
    (void)state;
    char *p = k8s_poller_list_path("flinkdeployments", NULL);
    assert_string_equal(p, "/apis/flink.apache.org/v1beta1/flinkdeployments");
    free(p);
    p = k8s_poller_list_path("flinksessionjobs", "flink-dev");
    assert_string_equal(p, "/apis/flink.apache.org/v1beta1/namespaces/flink-dev/flinksessionjobs");
    free(p);
}

static void forbidden_across_namespaces_falls_back_unless_asked(void **state) {
    (void)state;
    assert_true(k8s_poller_should_fall_back(true, false, NULL));
    assert_false(k8s_poller_should_fall_back(true, true, NULL));   /* -A: show the 403 */
    assert_false(k8s_poller_should_fall_back(false, false, "ns")); /* -n: already one */
    assert_false(k8s_poller_should_fall_back(false, false, NULL)); /* already fell back */
}

static void add_k8s(struct app *a, const char *name, const char *ctx, const char *ns,
                    const char *res) {
    size_t i = k8s_poller_add_cluster(a, name, "https://h");
    a->clusters[i].k8s.context = xstrdup(ctx);
    a->clusters[i].k8s.namespace = xstrdup(ns);
    a->clusters[i].k8s.name = xstrdup(res);
}

static void app_clear(struct app *a) {
    for (size_t i = 0; i < a->n_clusters; i++)
        cluster_free(&a->clusters[i]);
    free(a->clusters);
}

static void cluster_name_is_resource_name_made_unique(void **state) {
    (void)state;
    struct app a;
    memset(&a, 0, sizeof a);
    char *n = k8s_poller_cluster_name(&a, "prod", "flink-prod", "production");
    assert_string_equal(n, "production");
    add_k8s(&a, n, "prod", "flink-prod", "production");
    free(n);
    /* the same resource keeps its name */
    n = k8s_poller_cluster_name(&a, "prod", "flink-prod", "production");
    assert_string_equal(n, "production");
    free(n);
    /* same name in another namespace: NS/NAME */
    n = k8s_poller_cluster_name(&a, "prod", "other", "production");
    assert_string_equal(n, "other/production");
    add_k8s(&a, n, "prod", "other", "production");
    free(n);
    /* same namespace and name in another context: CTX/NS/NAME */
    n = k8s_poller_cluster_name(&a, "dr", "other", "production");
    assert_string_equal(n, "dr/other/production");
    free(n);
    app_clear(&a);
}

static void add_cluster_grows_keeping_indices(void **state) {
    (void)state;
    struct app a;
    memset(&a, 0, sizeof a);
    a.clusters = xcalloc(1, sizeof *a.clusters); /* as main allocates: exactly n, cap 0 */
    cluster_init(&a.clusters[0], "flink", "http://localhost:8081");
    a.n_clusters = 1;
    char name[32];
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof name, "c%d", i);
        assert_int_equal(k8s_poller_add_cluster(&a, name, "https://h"), (size_t)i + 1);
    }
    assert_int_equal(a.n_clusters, 41);
    assert_true(a.cap_clusters >= 41);
    assert_string_equal(a.clusters[0].name, "flink");
    assert_string_equal(a.clusters[40].name, "c39");
    assert_null(a.clusters[40].tls);
    assert_false(a.clusters[40].k8s.gone);
    app_clear(&a);
}

/* ---- a poller over scope.yaml ------------------------------------------------------- */

struct fx {
    struct app app;
    struct http *http;
    struct loop *loop;
    struct k8s_poller *p;
    char err[256];
};

static char *fixture(const char *name) {
    const char *dir = getenv("FIXTURES");
    if (dir == NULL || *dir == '\0')
        dir = "tests/fixtures";
    return xasprintf("%s/kubeconfig/%s", dir, name);
}

static struct fx *fx_new(const struct k8s_poller_options *given) {
    struct fx *f = xcalloc(1, sizeof *f);
    f->app.timeout_ms = 1000;
    f->http = http_new(1000, HTTP_DEFAULT_MAX_BODY);
    f->loop = loop_new(f->http);
    char *path = fixture("scope.yaml");
    struct k8s_poller_options o = {0};
    if (given)
        o = *given;
    o.kubeconfig = path;
    f->p = k8s_poller_new(&f->app, f->http, f->loop, &o, f->err, sizeof f->err);
    free(path);
    f->app.k8s = f->p;
    return f;
}

static void fx_free(struct fx *f) {
    k8s_poller_stop(f->p);
    loop_free(f->loop);
    http_free(f->http); /* cancels what is in flight into the poller */
    k8s_poller_free(f->p);
    app_clear(&f->app);
    free(f);
}

/* A cluster as the poller makes one for resource NAME in NS of context state s; NULL s:
 * a --flink cluster. Returns its index. */
static size_t fx_cluster(struct fx *f, const struct k8s_context_state *s, const char *ns,
                         const char *name) {
    size_t i = k8s_poller_add_cluster(&f->app, name, "https://h");
    struct cluster *c = &f->app.clusters[i];
    if (s) {
        c->k8s.ctx = s;
        c->k8s.context = xstrdup(s->name);
        c->k8s.namespace = xstrdup(ns);
        c->k8s.name = xstrdup(name);
    }
    return i;
}

static bool hidden(const struct fx *f, size_t i) { return f->app.clusters[i].k8s.hidden; }

static const char *label(const struct fx *f) {
    static char buf[128];
    k8s_poller_scope_label(f->p, buf, sizeof buf);
    return buf;
}

static void scope_starts_with_current_context_and_all_namespaces(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    assert_non_null(f->p);
    assert_int_equal(k8s_poller_context_count(f->p), 1);
    assert_string_equal(k8s_poller_context(f->p, 0)->name, "sim");
    assert_string_equal(label(f), "ctx: sim  ns: all");
    fx_free(f);
}

static void scope_unknown_context_is_an_error_and_changes_nothing(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    char err[128] = "";
    assert_int_equal(k8s_poller_set_scope(f->p, "prod", "flink-dev", err, sizeof err), -1);
    assert_string_equal(err, "no context \"prod\" in the kubeconfig");
    assert_string_equal(label(f), "ctx: sim  ns: all");
    assert_false(k8s_poller_busy(f->p)); /* nothing was asked */
    fx_free(f);
}

static void scope_bad_namespace_is_an_error(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    char err[128] = "";
    assert_int_equal(k8s_poller_set_scope(f->p, NULL, "Flink_Prod", err, sizeof err), -1);
    assert_string_equal(err, "not a namespace name: \"Flink_Prod\"");
    /* a control character never reaches the message */
    assert_int_equal(k8s_poller_set_scope(f->p, NULL, "a\033[2Jb", err, sizeof err), -1);
    assert_null(strchr(err, '\033'));
    assert_int_equal(k8s_poller_set_scope(f->p, "x\033]0;t\007", NULL, err, sizeof err), -1);
    assert_null(strchr(err, '\033'));
    assert_string_equal(label(f), "ctx: sim  ns: all");
    fx_free(f);
}

static void scope_namespace_hides_the_others_and_all_shows_them_again(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    const struct k8s_context_state *sim = k8s_poller_context(f->p, 0);
    size_t prod = fx_cluster(f, sim, "flink-prod", "production");
    size_t dev = fx_cluster(f, sim, "flink-dev", "development");
    size_t plain = fx_cluster(f, NULL, NULL, "flink");
    char err[128] = "";
    assert_int_equal(k8s_poller_set_scope(f->p, NULL, "flink-prod", err, sizeof err), 0);
    assert_false(hidden(f, prod));
    assert_true(hidden(f, dev));
    assert_false(hidden(f, plain)); /* a --flink cluster has no namespace to leave */
    assert_string_equal(sim->scope, "flink-prod");
    assert_string_equal(label(f), "ctx: sim  ns: flink-prod");
    assert_true(k8s_poller_busy(f->p)); /* lists with the new scope at once */
    assert_true(k8s_poller_take_changed(f->p));

    assert_int_equal(k8s_poller_set_scope(f->p, NULL, "all", err, sizeof err), 0);
    assert_false(hidden(f, prod));
    assert_false(hidden(f, dev));
    assert_null(sim->scope);
    assert_string_equal(label(f), "ctx: sim  ns: all");
    fx_free(f);
}

static void scope_widened_keeps_gone_clusters_hidden_until_listed(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    const struct k8s_context_state *sim = k8s_poller_context(f->p, 0);
    size_t dev = fx_cluster(f, sim, "flink-dev", "development");
    char err[128] = "";
    assert_int_equal(k8s_poller_set_scope(f->p, NULL, "flink-prod", err, sizeof err), 0);
    assert_true(hidden(f, dev));
    f->app.clusters[dev].k8s.gone = true; /* what the narrow list does to it */
    assert_int_equal(k8s_poller_set_scope(f->p, NULL, "all", err, sizeof err), 0);
    assert_true(hidden(f, dev)); /* not "gone" on screen before the wide list answers */
    fx_free(f);
}

static void scope_context_switch_hides_the_old_context(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    const struct k8s_context_state *sim = k8s_poller_context(f->p, 0);
    size_t prod = fx_cluster(f, sim, "flink-prod", "production");
    size_t plain = fx_cluster(f, NULL, NULL, "flink");
    char err[128] = "";
    assert_int_equal(k8s_poller_set_scope(f->p, "dr", NULL, err, sizeof err), 0);
    assert_int_equal(k8s_poller_context_count(f->p), 1);
    const struct k8s_context_state *dr = k8s_poller_context(f->p, 0);
    assert_string_equal(dr->name, "dr");
    assert_true(hidden(f, prod));
    assert_false(hidden(f, plain));
    assert_string_equal(label(f), "ctx: dr  ns: all");
    /* the old context is kept: going back finds the same state and its clusters */
    assert_int_equal(k8s_poller_set_scope(f->p, "sim", "flink-prod", err, sizeof err), 0);
    assert_ptr_equal(k8s_poller_context(f->p, 0), sim);
    assert_false(hidden(f, prod));
    assert_string_equal(label(f), "ctx: sim  ns: flink-prod");
    fx_free(f);
}

static void scope_context_that_does_not_resolve_shows_its_error(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    char err[128] = "";
    assert_int_equal(k8s_poller_set_scope(f->p, "broken", NULL, err, sizeof err), 0);
    const struct k8s_context_state *s = k8s_poller_context(f->p, 0);
    assert_string_equal(s->name, "broken");
    assert_non_null(strstr(s->error, "unknown cluster \"nowhere\""));
    assert_false(k8s_context_ok(s));
    fx_free(f);
}

static void context_names_are_the_kubeconfig_contexts_in_order(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    const char **names;
    assert_int_equal(k8s_poller_context_names(f->p, &names), 3);
    assert_string_equal(names[0], "sim");
    assert_string_equal(names[1], "dr");
    assert_string_equal(names[2], "broken");
    fx_free(f);
}

static void namespace_names_are_sorted_without_repeats(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    const struct k8s_context_state *sim = k8s_poller_context(f->p, 0);
    fx_cluster(f, sim, "flink-staging", "staging");
    fx_cluster(f, sim, "flink-dev", "development");
    fx_cluster(f, sim, "flink-dev", "development-2");
    fx_cluster(f, NULL, NULL, "flink");
    const char **ns;
    size_t n = k8s_poller_namespace_names(f->p, &ns);
    assert_int_equal(n, 3); /* and the context's own, flink-prod */
    assert_string_equal(ns[0], "flink-dev");
    assert_string_equal(ns[1], "flink-prod");
    assert_string_equal(ns[2], "flink-staging");
    free(ns);
    fx_free(f);
}

static void cluster_server_is_its_contexts_and_null_for_flink(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    size_t k = fx_cluster(f, k8s_poller_context(f->p, 0), "flink-prod", "production");
    size_t plain = fx_cluster(f, NULL, NULL, "flink");
    assert_string_equal(k8s_cluster_server(&f->app.clusters[k]), "https://127.0.0.1:1");
    assert_null(k8s_cluster_server(&f->app.clusters[plain]));
    /* discovery has not answered: no snapshots yet */
    assert_false(k8s_cluster_snapshots_served(&f->app.clusters[k]));
    assert_false(k8s_cluster_snapshots_served(&f->app.clusters[plain]));
    /* without an exec plugin there is nothing to drop */
    k8s_cluster_credential_rejected(f->p, &f->app.clusters[k]);
    k8s_cluster_credential_rejected(f->p, &f->app.clusters[plain]);
    fx_free(f);
}

static void refresh_now_lists_at_once(void **state) {
    (void)state;
    struct fx *f = fx_new(NULL);
    assert_false(k8s_poller_busy(f->p));
    k8s_poller_refresh_now(f->p, NULL);
    assert_true(k8s_poller_busy(f->p));
    k8s_poller_refresh_now(f->p, NULL); /* in flight: once they are in, not twice now */
    fx_free(f);
}

/* ---- pins ------------------------------------------------------------------------------ */

/* config_cluster fields are char *: writable strings for them (-Wwrite-strings) */
static char S_ORDERS[] = "orders";
static char S_ORDERS_PIPELINE[] = "orders-pipeline";
static char S_DR[] = "dr";
static char S_FLINK_DEV[] = "flink-dev";
static char S_FLINK_URL[] = "http://10.0.0.5:8081";
static char S_PLAIN[] = "plain";
static char S_BROKEN[] = "broken";
static char S_BILLING[] = "billing";
static char S_ORDERS_DR[] = "orders-dr";

static void pin_matches_with_defaults(void **state) {
    (void)state;
    struct config_cluster pin = {0};
    pin.name = S_ORDERS;
    pin.resource = S_ORDERS_PIPELINE;
    /* context NULL: the current one; namespace NULL: the context's */
    assert_true(
        k8s_poller_pin_matches(&pin, "sim", "sim", "flink-prod", "flink-prod", "orders-pipeline"));
    assert_false(
        k8s_poller_pin_matches(&pin, "sim", "dr", "flink-prod", "flink-prod", "orders-pipeline"));
    assert_false(
        k8s_poller_pin_matches(&pin, "sim", "sim", "flink-prod", "flink-dev", "orders-pipeline"));
    assert_false(k8s_poller_pin_matches(&pin, "sim", "sim", "flink-prod", "flink-prod", "other"));
    pin.context = S_DR;
    pin.ns = S_FLINK_DEV;
    assert_true(
        k8s_poller_pin_matches(&pin, "sim", "dr", "default", "flink-dev", "orders-pipeline"));
    assert_false(
        k8s_poller_pin_matches(&pin, "sim", "sim", "flink-dev", "flink-dev", "orders-pipeline"));
    /* an entry with a Flink URL is not reached through Kubernetes */
    pin.flink = S_FLINK_URL;
    assert_false(
        k8s_poller_pin_matches(&pin, "sim", "dr", "default", "flink-dev", "orders-pipeline"));
}

static void pins_choose_the_contexts_without_context_flag(void **state) {
    (void)state;
    struct config_cluster pins[4] = {{0}};
    pins[0].name = S_ORDERS;
    pins[0].resource = S_ORDERS_PIPELINE;
    pins[0].context = S_DR;
    pins[1].name = S_PLAIN;
    pins[1].flink = S_FLINK_URL; /* not a pin: no resource */
    pins[1].context = S_BROKEN;
    pins[2].name = S_BILLING;
    pins[2].resource = S_BILLING; /* context NULL: the current one */
    pins[3].name = S_ORDERS_DR;
    pins[3].resource = S_ORDERS_PIPELINE;
    pins[3].context = S_DR; /* the same context twice is one context */
    struct k8s_poller_options o = {0};
    o.pins = pins;
    o.n_pins = 4;
    struct fx *f = fx_new(&o);
    assert_non_null(f->p);
    assert_int_equal(k8s_poller_context_count(f->p), 2);
    assert_string_equal(k8s_poller_context(f->p, 0)->name, "dr");
    assert_string_equal(k8s_poller_context(f->p, 1)->name, "sim");
    assert_string_equal(label(f), "ctx: 2 contexts  ns: all");
    fx_free(f);
}

static void context_flag_wins_over_pins(void **state) {
    (void)state;
    struct config_cluster pin = {0};
    pin.name = S_ORDERS;
    pin.resource = S_ORDERS_PIPELINE;
    pin.context = S_DR;
    const char *const ctxs[] = {"sim"};
    struct k8s_poller_options o = {0};
    o.pins = &pin;
    o.n_pins = 1;
    o.contexts = ctxs;
    o.n_contexts = 1;
    struct fx *f = fx_new(&o);
    assert_int_equal(k8s_poller_context_count(f->p), 1);
    assert_string_equal(k8s_poller_context(f->p, 0)->name, "sim");
    fx_free(f);
}

static void valid_namespace_names(void **state) {
    (void)state;
    assert_true(k8s_poller_valid_namespace("flink-prod"));
    assert_true(k8s_poller_valid_namespace("a1"));
    assert_false(k8s_poller_valid_namespace(""));
    assert_false(k8s_poller_valid_namespace("-a"));
    assert_false(k8s_poller_valid_namespace("a-"));
    assert_false(k8s_poller_valid_namespace("Prod"));
    assert_false(k8s_poller_valid_namespace("a/b"));
    assert_false(k8s_poller_valid_namespace(
        "a234567890123456789012345678901234567890123456789012345678901234"));
}

/* ---- whole refreshes against a fake API server ------------------------------------------ */

struct api {
    pid_t pid;
    int paths;  /* read end: one line per request path, in the order asked */
    char *kcfg; /* kubeconfig file pointing at it (owned; removed at the end) */
    char seen[16384];
    size_t seen_len;
};

static void write_all(int fd, const char *p, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w <= 0)
            return;
        p += w;
        n -= (size_t)w;
    }
}

static void reply(int c, int status, const struct body *b) {
    char head[256];
    int n = snprintf(head, sizeof head,
                     "HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                     "Connection: close\r\n\r\n",
                     status, b->len);
    write_all(c, head, (size_t)n);
    write_all(c, b->data, b->len);
}

/* The server, in the child: every connection one request (Connection: close). The
 * snapshots of flink-prod are the fixture the first time, then a 403 when forbid_later. */
static void serve(int lfd, int out, bool snapshots_served, bool forbid_later,
                  bool forbid_all_pods) {
    struct body disc =
        fixture_load("k8s", snapshots_served ? "discovery.json" : "discovery.no_snapshots.json");
    struct body deps = fixture_load("k8s", "flinkdeployments.json");
    struct body sjobs = fixture_load("k8s", "flinksessionjobs.json");
    struct body pods = fixture_load("k8s", "pods.json");
    struct body events = fixture_load("k8s", "events.json");
    struct body snaps = fixture_load("k8s", "flinkstatesnapshots.json");
    struct body forbidden = fixture_load("k8s", "status.forbidden.snapshots.json");
    struct body notfound = fixture_load("k8s", "status.not_found.json");
    static char empty_text[] = "{\"kind\":\"FlinkStateSnapshotList\",\"items\":[]}";
    struct body empty = {empty_text, sizeof empty_text - 1};
    int prod_snaps = 0;
    for (;;) {
        int c = accept(lfd, NULL, NULL);
        if (c < 0)
            continue;
        char req[8192];
        size_t len = 0;
        while (len < sizeof req - 1) {
            ssize_t r = read(c, req + len, sizeof req - 1 - len);
            if (r <= 0)
                break;
            len += (size_t)r;
            req[len] = '\0';
            if (strstr(req, "\r\n\r\n"))
                break;
        }
        req[len] = '\0';
        char path[2048] = "";
        if (sscanf(req, "GET %2047s", path) != 1) {
            close(c);
            continue;
        }
        char line[2100];
        int n = snprintf(line, sizeof line, "%s\n", path);
        write_all(out, line, (size_t)n);
        static char no_events_text[] = "";
        struct body no_events = {no_events_text, 0};
        if (strstr(path, "watch=1")) /* a watch that ends at once, saying nothing */
            reply(c, 200, &no_events);
        else if (forbid_all_pods && strncmp(path, "/api/v1/pods", 12) == 0)
            reply(c, 403, &forbidden); /* pods may be listed per namespace only */
        else if (strcmp(path, "/apis/flink.apache.org/v1beta1") == 0)
            reply(c, 200, &disc);
        else if (strstr(path, "/flinkdeployments"))
            reply(c, 200, &deps);
        else if (strstr(path, "/flinksessionjobs"))
            reply(c, 200, &sjobs);
        else if (strstr(path, "/namespaces/flink-prod/flinkstatesnapshots") &&
                 (!forbid_later || prod_snaps++ == 0))
            reply(c, 200, &snaps);
        else if (strstr(path, "/namespaces/flink-prod/flinkstatesnapshots"))
            reply(c, 403, &forbidden);
        else if (strstr(path, "/flinkstatesnapshots"))
            reply(c, 200, &empty);
        else if (strstr(path, "/pods"))
            reply(c, 200, &pods);
        else if (strstr(path, "/events"))
            reply(c, 200, &events);
        else if (strncmp(path, "/apis/apps/v1/", 14) == 0 && strstr(path, "/deployments"))
            reply(c, 200, &empty); /* every API server serves apps/v1 */
        else
            reply(c, 404, &notfound);
        close(c);
    }
}

static struct api *api_start3(bool snapshots_served, bool forbid_later, bool forbid_all_pods) {
    struct api *a = xcalloc(1, sizeof *a);
    int lfd = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(lfd, 64), 0);
    socklen_t sl = sizeof sa;
    getsockname(lfd, (struct sockaddr *)&sa, &sl);
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    fflush(NULL);
    a->pid = fork();
    assert_true(a->pid >= 0);
    if (a->pid == 0) {
        close(fds[0]);
        serve(lfd, fds[1], snapshots_served, forbid_later, forbid_all_pods);
        _exit(0);
    }
    close(lfd);
    close(fds[1]);
    a->paths = fds[0];
    fcntl(a->paths, F_SETFL, O_NONBLOCK);
    char tmpl[] = "/tmp/flinktop-test-kcfg-XXXXXX";
    int fd = mkstemp(tmpl);
    assert_true(fd >= 0);
    char *yaml = xasprintf("apiVersion: v1\nkind: Config\ncurrent-context: t\nclusters:\n"
                           "- name: t\n  cluster:\n    server: http://127.0.0.1:%d\n"
                           "users:\n- name: u\n  user:\n    token: not-sent-over-http\n"
                           "contexts:\n- name: t\n  context: {cluster: t, user: u}\n",
                           ntohs(sa.sin_port));
    write_all(fd, yaml, strlen(yaml));
    close(fd);
    free(yaml);
    a->kcfg = xstrdup(tmpl);
    return a;
}

static struct api *api_start(bool snapshots_served, bool forbid_later) {
    return api_start3(snapshots_served, forbid_later, false);
}

static void api_stop(struct api *a) {
    kill(a->pid, SIGKILL); /* the server this test forked, by its pid */
    waitpid(a->pid, NULL, 0);
    close(a->paths);
    unlink(a->kcfg);
    free(a->kcfg);
    free(a);
}

/* The paths asked since the last call, one a line. */
static const char *api_paths(struct api *a) {
    a->seen_len = 0;
    for (;;) {
        ssize_t r = read(a->paths, a->seen + a->seen_len, sizeof a->seen - 1 - a->seen_len);
        if (r <= 0)
            break;
        a->seen_len += (size_t)r;
    }
    a->seen[a->seen_len] = '\0';
    return a->seen;
}

static int count_lines(const char *text, const char *needle) {
    int n = 0;
    for (const char *p = text; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static struct fx *fx_api_mode(struct api *a, bool list_only) {
    struct fx *f = xcalloc(1, sizeof *f);
    f->app.timeout_ms = 5000;
    f->http = http_new(5000, HTTP_DEFAULT_MAX_BODY);
    f->loop = loop_new(f->http);
    struct k8s_poller_options o = {0};
    o.kubeconfig = a->kcfg;
    o.list_only = list_only;
    f->p = k8s_poller_new(&f->app, f->http, f->loop, &o, f->err, sizeof f->err);
    assert_non_null(f->p);
    f->app.k8s = f->p;
    return f;
}

/* The lists of --once and of a context where watch is forbidden. */
static struct fx *fx_api(struct api *a) { return fx_api_mode(a, true); }

/* One refresh, to its end (deadline: 10 s, never reached on a healthy run). */
static void fx_refresh(struct fx *f) {
    k8s_poller_round(f->p);
    int64_t end = clock_mono_ms() + 10000;
    while (k8s_poller_busy(f->p) && clock_mono_ms() < end)
        loop_run_once(f->loop, 50);
    assert_false(k8s_poller_busy(f->p));
}

static const struct cluster *cluster_named(const struct fx *f, const char *name) {
    for (size_t i = 0; i < f->app.n_clusters; i++)
        if (f->app.clusters[i].k8s.name && strcmp(f->app.clusters[i].k8s.name, name) == 0)
            return &f->app.clusters[i];
    fail_msg("no cluster for %s", name);
    return NULL;
}

static const struct k8s_namespace_state *ns_named(const struct fx *f, const char *name) {
    const struct k8s_context_state *s = k8s_poller_context(f->p, 0);
    for (size_t i = 0; i < s->n_namespaces; i++)
        if (strcmp(s->namespaces[i].name, name) == 0)
            return &s->namespaces[i];
    fail_msg("no namespace %s", name);
    return NULL;
}

#define SNAPS_OF(ns) "/apis/flink.apache.org/v1beta1/namespaces/" ns "/flinkstatesnapshots\n"

static void snapshots_listed_once_per_namespace_per_refresh_when_served(void **state) {
    (void)state;
    struct api *a = api_start(true, true);
    struct fx *f = fx_api(a);
    fx_refresh(f); /* discovery, the lists, then per namespace */
    const char *paths = api_paths(a);
    assert_int_equal(count_lines(paths, "flinkstatesnapshots"), 3);
    assert_int_equal(count_lines(paths, SNAPS_OF("flink-prod")), 1);
    assert_int_equal(count_lines(paths, SNAPS_OF("flink-staging")), 1);
    assert_int_equal(count_lines(paths, SNAPS_OF("flink-dev")), 1);
    assert_int_equal(count_lines(paths, "/pods?"), 3); /* beside pods and events */
    assert_int_equal(count_lines(paths, "/events\n"), 3);
    /* and the Deployments Flink runs on, by label, never every Deployment */
    assert_int_equal(count_lines(paths, "/apis/apps/v1/namespaces/flink-prod/deployments?"
                                        "labelSelector=component%20in%20%28jobmanager%2C"
                                        "taskmanager%29\n"),
                     1);
    assert_int_equal(count_lines(paths, "/deployments\n"), 0);
    assert_true(ns_named(f, "flink-prod")->apps_ok);
    assert_true(ns_named(f, "flink-prod")->snapshots_ok);

    const struct cluster *prod = cluster_named(f, "production");
    assert_true(k8s_cluster_snapshots_served(prod));
    const struct flink_snapshot **v = NULL;
    size_t n = k8s_cluster_snapshots(prod, &v);
    /* the fixture's seven, less the FlinkSessionJob's; newest first */
    assert_int_equal(n, 6);
    assert_string_equal(v[0]->name, "production-savepoint-1741003500"); /* pending: created */
    assert_string_equal(v[1]->name, "production-savepoint-1741003200");
    assert_string_equal(v[2]->name, "production-checkpoint-1741000000");
    assert_string_equal(v[3]->name, "production-savepoint-1740990000");
    assert_int_equal(v[3]->state, SNAPSHOT_COMPLETED);
    assert_string_equal(v[3]->path,
                        "s3://flink-prod-state/savepoints/savepoint-8d9c4e-1a2b3c4d5e6f");
    assert_string_equal(v[5]->name, "imported-savepoint");
    free(v);
    /* staging's namespace answered an empty list */
    assert_int_equal(k8s_cluster_snapshots(cluster_named(f, "staging"), &v), 0);
    assert_null(v);

    /* the next refresh asks again, once per namespace; a 403 keeps the last good list and
     * says so on the namespace, and the pods' answer does not wipe that line */
    fx_refresh(f);
    paths = api_paths(a);
    assert_int_equal(count_lines(paths, "flinkstatesnapshots"), 3);
    assert_int_equal(count_lines(paths, "/apis/flink.apache.org/v1beta1\n"), 0); /* known */
    const struct k8s_namespace_state *ns = ns_named(f, "flink-prod");
    assert_non_null(strstr(ns->error, "flinkstatesnapshots flink-prod: 403 Forbidden: "
                                      "flinkstatesnapshots.flink.apache.org is forbidden"));
    assert_true(ns->pods_ok);
    n = k8s_cluster_snapshots(prod, &v);
    assert_int_equal(n, 6);
    free(v);
    assert_string_equal(ns_named(f, "flink-dev")->error, "");
    fx_free(f);
    api_stop(a);
}

/* The test kubeconfig's text with from replaced by to (once), written over path. */
static void kcfg_edit(const char *path, const char *from, const char *to) {
    FILE *fp = fopen(path, "r");
    assert_non_null(fp);
    char text[4096];
    size_t n = fread(text, 1, sizeof text - 1, fp);
    fclose(fp);
    text[n] = '\0';
    char *at = strstr(text, from);
    assert_non_null(at);
    char *out = xasprintf("%.*s%s%s", (int)(at - text), text, to, at + strlen(from));
    fp = fopen(path, "w");
    assert_non_null(fp);
    fputs(out, fp);
    fclose(fp);
    free(out);
}

/* Ctrl-R: an unchanged kubeconfig restarts nothing; a rotated token restarts its context
 * with the clusters kept; a moved server moves their URLs; a file that does not load
 * changes nothing and says where; a context gone keeps its settings and says why. */
static void kubeconfig_reload_restarts_what_changed_only(void **state) {
    (void)state;
    struct api *a = api_start(true, false);
    struct fx *f = fx_api(a);
    fx_refresh(f);
    size_t n = f->app.n_clusters;
    assert_true(n >= 3);
    char *url0 = xstrdup(f->app.clusters[0].url);
    char err[256];
    size_t restarted = 99;
    assert_int_equal(k8s_poller_reload_kubeconfig(f->p, &restarted, err, sizeof err), 0);
    assert_int_equal(restarted, 0);

    kcfg_edit(a->kcfg, "not-sent-over-http", "rotated-token");
    assert_int_equal(k8s_poller_reload_kubeconfig(f->p, &restarted, err, sizeof err), 0);
    assert_int_equal(restarted, 1);
    assert_int_equal(f->app.n_clusters, n);
    assert_string_equal(f->app.clusters[0].url, url0);
    assert_string_equal(k8s_poller_context(f->p, 0)->tls->bearer, "rotated-token");

    kcfg_edit(a->kcfg, "http://127.0.0.1:", "http://localhost:");
    assert_int_equal(k8s_poller_reload_kubeconfig(f->p, &restarted, err, sizeof err), 0);
    assert_int_equal(restarted, 1);
    assert_int_equal(strncmp(f->app.clusters[0].url, "http://localhost:", 17), 0);
    fx_refresh(f); /* the same API server under its other name: the clusters stay */
    assert_int_equal(f->app.n_clusters, n);
    assert_false(f->app.clusters[0].k8s.gone);
    assert_string_equal(k8s_poller_context(f->p, 0)->error, "");

    kcfg_edit(a->kcfg, "contexts:", "contexts: [\n");
    assert_int_equal(k8s_poller_reload_kubeconfig(f->p, &restarted, err, sizeof err), -1);
    assert_non_null(strstr(err, a->kcfg)); /* file:line: what is wrong */
    assert_int_equal(strncmp(f->app.clusters[0].url, "http://localhost:", 17), 0);
    kcfg_edit(a->kcfg, "contexts: [\n", "contexts:");

    kcfg_edit(a->kcfg, "- name: t\n  context:", "- name: renamed\n  context:");
    assert_int_equal(k8s_poller_reload_kubeconfig(f->p, &restarted, err, sizeof err), 0);
    assert_int_equal(restarted, 0);
    const struct k8s_context_state *st = k8s_poller_context(f->p, 0);
    assert_non_null(strstr(st->error, "kept the settings loaded before"));
    assert_string_equal(st->tls->bearer, "rotated-token");
    free(url0);
    fx_free(f);
    api_stop(a);
}

static void snapshots_not_listed_where_not_served(void **state) {
    (void)state;
    struct api *a = api_start(false, false);
    struct fx *f = fx_api(a);
    fx_refresh(f);
    const char *paths = api_paths(a);
    assert_int_equal(count_lines(paths, "flinkstatesnapshots"), 0);
    assert_int_equal(count_lines(paths, "/pods?"), 3); /* the rest goes on */
    const struct cluster *prod = cluster_named(f, "production");
    assert_false(k8s_cluster_snapshots_served(prod));
    const struct flink_snapshot **v = NULL;
    assert_int_equal(k8s_cluster_snapshots(prod, &v), 0);
    assert_null(v);
    assert_false(ns_named(f, "flink-prod")->snapshots_ok);
    fx_free(f);
    api_stop(a);
}

/* Watches: one stream a kind across namespaces; where the list across them is forbidden
 * (pods here), one per namespace holding Flink resources, and only for that kind. */
static void watches_go_per_namespace_only_where_the_list_across_them_is_forbidden(void **state) {
    (void)state;
    struct api *a = api_start3(true, false, true);
    struct fx *f = fx_api_mode(a, false);
    k8s_poller_round(f->p);
    static char seen[65536];
    size_t used = 0;
    seen[0] = '\0';
    int64_t end = clock_mono_ms() + 10000;
    while (clock_mono_ms() < end &&
           !(strstr(seen, "/api/v1/namespaces/flink-dev/pods?labelSelector=component\n") &&
             strstr(seen, "/api/v1/namespaces/flink-prod/pods?labelSelector=component\n") &&
             strstr(seen, "/api/v1/events\n"))) {
        loop_run_once(f->loop, 50);
        const char *more = api_paths(a);
        size_t n = strlen(more);
        if (used + n < sizeof seen) {
            memcpy(seen + used, more, n + 1);
            used += n;
        }
    }
    /* the cluster-wide pods list was asked once, then per namespace */
    assert_int_equal(count_lines(seen, "/api/v1/pods?labelSelector=component\n"), 1);
    assert_int_equal(
        count_lines(seen, "/api/v1/namespaces/flink-prod/pods?labelSelector=component\n"), 1);
    assert_int_equal(
        count_lines(seen, "/api/v1/namespaces/flink-staging/pods?labelSelector=component\n"), 1);
    assert_int_equal(
        count_lines(seen, "/api/v1/namespaces/flink-dev/pods?labelSelector=component\n"), 1);
    /* events stay one stream across namespaces */
    assert_int_equal(count_lines(seen, "/api/v1/events\n"), 1);
    assert_int_equal(count_lines(seen, "/namespaces/flink-prod/events"), 0);
    /* each kind listed once, then watched: no list every refresh */
    assert_int_equal(count_lines(seen, "/apis/flink.apache.org/v1beta1/flinkdeployments\n"), 1);
    assert_true(count_lines(seen, "flinkdeployments?watch=1") >= 1);
    const struct k8s_namespace_state *prod = ns_named(f, "flink-prod");
    assert_true(prod->pods_ok);
    assert_true(prod->events_ok);
    fx_free(f);
    api_stop(a);
}

/* ---- k8s_cluster_snapshots over a state built by hand -------------------------------- */

static void put_snapshot(struct flink_snapshot_list *l, const char *name, enum flink_kind kind,
                         const char *job, int64_t trigger_ms, int64_t created_ms) {
    l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
    struct flink_snapshot *s = &l->items[l->len++];
    flink_snapshot_init(s);
    s->name = xstrdup(name);
    s->job_kind = kind;
    s->job_name = job ? xstrdup(job) : NULL;
    s->trigger_ms = trigger_ms;
    s->created_ms = created_ms;
}

static void cluster_snapshots_pick_the_deployment_newest_by_trigger(void **state) {
    (void)state;
    struct k8s_context_state s;
    memset(&s, 0, sizeof s);
    s.name = xstrdup("t");
    s.crds = K8S_CRDS_PRESENT;
    s.discovery.deployments = true;
    s.discovery.snapshots = true;
    s.namespaces = xcalloc(2, sizeof *s.namespaces);
    s.n_namespaces = 2;
    s.namespaces[0].name = xstrdup("a");
    s.namespaces[1].name = xstrdup("b");
    struct flink_snapshot_list *l = &s.namespaces[0].snapshots;
    s.namespaces[0].snapshots_ok = true;
    /* in the API's order, by creation */
    put_snapshot(l, "old-created-late-trigger", FLINK_KIND_DEPLOYMENT, "orders", 9000, 5000);
    put_snapshot(l, "pending", FLINK_KIND_DEPLOYMENT, "orders", -1, 4000);
    put_snapshot(l, "session", FLINK_KIND_SESSION_JOB, "orders", 8000, 3900);
    put_snapshot(l, "other", FLINK_KIND_DEPLOYMENT, "payments", 8500, 3800);
    put_snapshot(l, "same-a", FLINK_KIND_DEPLOYMENT, "orders", 3000, 3000);
    put_snapshot(l, "same-b", FLINK_KIND_DEPLOYMENT, "orders", 3000, 2000);
    put_snapshot(l, "no-ref", FLINK_KIND_UNKNOWN, NULL, 9999, 1000);
    put_snapshot(l, "unknown-times", FLINK_KIND_DEPLOYMENT, "orders", -1, -1);
    struct app a;
    memset(&a, 0, sizeof a);
    add_k8s(&a, "orders", "t", "a", "orders");
    add_k8s(&a, "b/orders", "t", "b", "orders"); /* the same name in namespace b */
    add_k8s(&a, "flink", "t", "a", "orders");
    a.clusters[0].k8s.ctx = &s;
    a.clusters[1].k8s.ctx = &s;
    /* clusters[2] has no context: a --flink cluster, whatever its names say */

    const struct flink_snapshot **v = NULL;
    size_t n = k8s_cluster_snapshots(&a.clusters[0], &v);
    assert_int_equal(n, 5);
    assert_string_equal(v[0]->name, "old-created-late-trigger"); /* triggered last */
    assert_string_equal(v[1]->name, "pending");                  /* created, not triggered */
    assert_string_equal(v[2]->name, "same-a"); /* equal times keep the list's order */
    assert_string_equal(v[3]->name, "same-b");
    assert_string_equal(v[4]->name, "unknown-times"); /* no time at all: last */
    free(v);
    assert_int_equal(k8s_cluster_snapshots(&a.clusters[1], &v), 0);
    assert_null(v);
    assert_int_equal(k8s_cluster_snapshots(&a.clusters[2], &v), 0);
    assert_null(v);
    /* not served: nothing, even with a list at hand */
    s.discovery.snapshots = false;
    assert_int_equal(k8s_cluster_snapshots(&a.clusters[0], &v), 0);
    assert_null(v);

    app_clear(&a);
    for (size_t i = 0; i < s.n_namespaces; i++) {
        free(s.namespaces[i].name);
        flink_snapshot_list_free(&s.namespaces[i].snapshots);
    }
    free(s.namespaces);
    free(s.name);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(proxy_url_appends_service_proxy_path),
        cmocka_unit_test(proxy_url_keeps_server_path_drops_trailing_slash),
        cmocka_unit_test(proxy_url_escapes_names),
        cmocka_unit_test(list_path_all_namespaces_and_one),
        cmocka_unit_test(forbidden_across_namespaces_falls_back_unless_asked),
        cmocka_unit_test(cluster_name_is_resource_name_made_unique),
        cmocka_unit_test(add_cluster_grows_keeping_indices),
        cmocka_unit_test(scope_starts_with_current_context_and_all_namespaces),
        cmocka_unit_test(scope_unknown_context_is_an_error_and_changes_nothing),
        cmocka_unit_test(scope_bad_namespace_is_an_error),
        cmocka_unit_test(scope_namespace_hides_the_others_and_all_shows_them_again),
        cmocka_unit_test(scope_widened_keeps_gone_clusters_hidden_until_listed),
        cmocka_unit_test(scope_context_switch_hides_the_old_context),
        cmocka_unit_test(scope_context_that_does_not_resolve_shows_its_error),
        cmocka_unit_test(context_names_are_the_kubeconfig_contexts_in_order),
        cmocka_unit_test(namespace_names_are_sorted_without_repeats),
        cmocka_unit_test(cluster_server_is_its_contexts_and_null_for_flink),
        cmocka_unit_test(refresh_now_lists_at_once),
        cmocka_unit_test(pin_matches_with_defaults),
        cmocka_unit_test(pins_choose_the_contexts_without_context_flag),
        cmocka_unit_test(context_flag_wins_over_pins),
        cmocka_unit_test(valid_namespace_names),
        cmocka_unit_test(snapshots_listed_once_per_namespace_per_refresh_when_served),
        cmocka_unit_test(kubeconfig_reload_restarts_what_changed_only),
        cmocka_unit_test(snapshots_not_listed_where_not_served),
        cmocka_unit_test(watches_go_per_namespace_only_where_the_list_across_them_is_forbidden),
        cmocka_unit_test(cluster_snapshots_pick_the_deployment_newest_by_trigger),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
