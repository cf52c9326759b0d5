#include "k8s_poller.h"

#include <cjson/cJSON.h>
#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "clock.h"
#include "exec_credential.h"
#include "json_get.h"
#include "k8s_api.h"
#include "k8s_apply.h"
#include "k8s_apps.h"
#include "k8s_autoscaler.h"
#include "k8s_watch.h"
#include "kubeconfig.h"
#include "sanitize.h"
#include "standalone.h"
#include "xalloc.h"

/* Where watch is forbidden, lists every this many refreshes. */
#define K8S_LIST_EVERY 5

struct k8s_ctx;

/* One list-then-watch stream of a context. */
struct kwatch {
    struct k8s_ctx *c;
    enum k8s_wkind kind;
    char *ns;            /* owned; NULL: all namespaces */
    struct k8s_watch *w; /* owned */
};

enum k8s_fetch_kind {
    KF_DISCOVERY,
    KF_DEPLOYMENTS,
    KF_SESSION_JOBS,
    KF_PODS,
    KF_EVENTS,
    KF_SNAPSHOTS,
    KF_APPS, /* apps/v1 Deployments (k8s_apps.h); KF_PODS..KF_APPS follow lists[] order */
    /* an autoscaled deployment's ConfigMap (k8s_autoscaler.h) */
    KF_AUTOSCALER,
    KF_WHOAMI,    /* a SelfSubjectReview: who the API server says we are (for the audit) */
    KF_CAN_WATCH, /* --once: a SelfSubjectAccessReview, may we watch FlinkDeployments */
    KF_STANDALONE /* a standalone cluster's Deployments, for its tab 6 (standalone.h) */
};

struct k8s_ctx {
    struct k8s_poller *p;
    struct k8s_context_state st;
    struct kubeconfig_context *kc;       /* owned; NULL when the context did not resolve */
    struct http_tls tls;                 /* clusters of this context borrow it */
    struct exec_credential_plugin *exec; /* owned; NULL without an exec plugin */
    char *server_shown;                  /* owned: the server for messages (no userinfo) */
    int in_flight;
    unsigned gen;      /* bumped on every scope change: older list answers are dropped */
    bool relisting;    /* the scope widened: gone clusters stay hidden until the list */
    bool waiting_cred; /* an exec plugin run is under way for this round */
    bool retried;      /* this refresh already retried after a 401 */
    bool restart;      /* start the round again once in_flight drops to 0 */
    bool access;       /* named by a standalone `deployment:` entry: its server and
                          credential are kept ready even while it is not polled */
    bool cred_applied; /* with an exec plugin: its credential is in tls */
    bool asked_whoami; /* a SelfSubjectReview was sent once (served or not) */
    bool asked_watch;  /* --once: the access review for watch was sent */
    char *identity;    /* owned: its userInfo.username; NULL: not served or not yet */
    /* watches (not in --once, not where RBAC forbids watch) */
    struct k8s_watch_http io_ctx; /* the transport's storage */
    struct k8s_watch_io io;
    struct kwatch **watches; /* owned array of owned streams */
    size_t n_watches;
    bool per_ns[WK_COUNT]; /* the list across namespaces was forbidden: one per namespace */
    bool watch_forbidden;  /* RBAC forbids watch: lists every K8S_LIST_EVERY refreshes */
    int list_rounds;       /* refreshes since the last of those lists */
    int apps_rounds;       /* the same for Deployments, where only their watch is forbidden */
    bool ns_grew;          /* a namespace with Flink resources appeared: list its kinds */
    bool want_restart;     /* the streams start again (scope, 401) */
    bool want_list_mode;   /* a watch was forbidden: stop the streams, list instead */
    int settle_timer;      /* > 0: settle() runs once the callbacks have returned */
    uint64_t files_print;  /* the CA, client certificate and key files as last resolved
                              (size, mtime, inode): a new file at the same path is a change */
};

/* A plain cluster restarted through its standalone Deployment: its Deployments are asked
 * through the context a restart uses while the cluster's screens are in view. */
struct standalone_link {
    size_t cluster;    /* its index in app->clusters (whose standalone it fills) */
    struct k8s_ctx *c; /* borrowed */
    bool in_flight;
};

struct k8s_poller {
    struct app *app;
    struct http *http;
    struct loop *loop;
    struct kubeconfig *kc;
    char *user_ns;         /* -n, :ns NAME; NULL: all namespaces */
    bool user_all;         /* -A */
    struct k8s_ctx **ctxs; /* owned array of owned contexts: addresses are stable */
    size_t n_ctxs;
    struct k8s_context_state **states; /* owned array: each context's st, for app.k8s_contexts */
    const char **ctx_names; /* owned array of the kubeconfig's context names (borrowed) */
    size_t n_ctx_names;
    struct config_cluster *pins; /* owned; only name, context, ns, resource are set */
    size_t n_pins;
    bool changed;
    bool added;
    bool list_only;            /* --once: lists only, never a watch */
    const struct clock *clock; /* borrowed; NULL: the real clock */
    char *kubeconfig_path;     /* owned: --kubeconfig, NULL: KUBECONFIG / ~/.kube/config */
    /* what a kubeconfig reload replaced: kept (names and arrays handed out stay valid until
     * k8s_poller_free) */
    struct kubeconfig **old_kcs;
    const char ***old_names;
    size_t n_old;
    int focus;                     /* the cluster on screen (its autoscaler's priority), -1 none */
    struct standalone_link *links; /* owned: the standalone clusters, each with its context */
    size_t n_links;
};

/* The argument of one request: owned by the request, freed in its callback. */
struct k8s_fetch {
    struct k8s_ctx *c;
    enum k8s_fetch_kind kind;
    char *ns;     /* owned; the namespace listed, NULL for all (KF_AUTOSCALER: "NS/NAME",
                     its deployment: neither part can hold a slash) */
    unsigned gen; /* the context's scope generation when asked */
    size_t link;  /* KF_STANDALONE: its index in struct k8s_poller.links */
};

/* ---- pure helpers ------------------------------------------------------------------- */

char *k8s_poller_proxy_url(const char *server, const char *ns, const char *name) {
    size_t n = strlen(server);
    while (n > 0 && server[n - 1] == '/')
        n--;
    char *ens = curl_easy_escape(NULL, ns, 0);
    char *ename = curl_easy_escape(NULL, name, 0);
    char *url = xasprintf("%.*s/api/v1/namespaces/%s/services/%s-rest:rest/proxy", (int)n, server,
                          ens ? ens : "", ename ? ename : "");
    curl_free(ens);
    curl_free(ename);
    return url;
}

char *k8s_poller_list_path(const char *resource, const char *ns) {
    if (ns == NULL)
        return xasprintf(K8S_FLINK_API "/%s", resource);
    char *ens = curl_easy_escape(NULL, ns, 0);
    char *path = xasprintf(K8S_FLINK_API "/namespaces/%s/%s", ens ? ens : "", resource);
    curl_free(ens);
    return path;
}

bool k8s_poller_should_fall_back(bool listed_all, bool user_all, const char *user_ns) {
    return listed_all && !user_all && user_ns == NULL;
}

static bool name_taken(const struct app *a, const char *name, const char *ctx, const char *ns,
                       const char *res) {
    for (size_t i = 0; i < a->n_clusters; i++) {
        const struct cluster *c = &a->clusters[i];
        if (c->name == NULL || strcmp(c->name, name) != 0)
            continue;
        /* the same resource keeps its own name */
        if (c->k8s.context && strcmp(c->k8s.context, ctx) == 0 && c->k8s.namespace &&
            strcmp(c->k8s.namespace, ns) == 0 && c->k8s.name && strcmp(c->k8s.name, res) == 0)
            continue;
        return true;
    }
    return false;
}

char *k8s_poller_cluster_name(const struct app *a, const char *ctx, const char *ns,
                              const char *name) {
    if (!name_taken(a, name, ctx, ns, name))
        return xstrdup(name);
    char *s = xasprintf("%s/%s", ns, name);
    if (!name_taken(a, s, ctx, ns, name))
        return s;
    free(s);
    return xasprintf("%s/%s/%s", ctx, ns, name);
}

static bool str_eq(const char *a, const char *b) {
    return a != NULL && b != NULL && strcmp(a, b) == 0;
}

bool k8s_poller_pin_matches(const struct config_cluster *pin, const char *current_ctx,
                            const char *ctx, const char *ctx_ns, const char *ns, const char *name) {
    if (pin->flink != NULL || !str_eq(pin->resource, name))
        return false;
    return str_eq(pin->context ? pin->context : current_ctx, ctx) &&
           str_eq(pin->ns ? pin->ns : ctx_ns, ns);
}

bool k8s_poller_valid_namespace(const char *ns) {
    size_t n = strlen(ns);
    if (n == 0 || n > 63 || ns[0] == '-' || ns[n - 1] == '-')
        return false;
    for (size_t i = 0; i < n; i++)
        if (!((ns[i] >= 'a' && ns[i] <= 'z') || (ns[i] >= '0' && ns[i] <= '9') || ns[i] == '-'))
            return false;
    return true;
}

size_t k8s_poller_add_cluster(struct app *a, const char *name, const char *url) {
    size_t cap = a->cap_clusters ? a->cap_clusters : a->n_clusters;
    if (a->n_clusters >= cap || a->clusters == NULL) {
        size_t ncap = cap < 4 ? 8 : cap * 2;
        a->clusters = xrealloc(a->clusters, ncap * sizeof *a->clusters);
        memset(&a->clusters[a->n_clusters], 0, (ncap - a->n_clusters) * sizeof *a->clusters);
        a->cap_clusters = ncap;
    }
    size_t i = a->n_clusters++;
    cluster_init(&a->clusters[i], name, url);
    return i;
}

/* ---- state -------------------------------------------------------------------------- */

static struct k8s_namespace_state *find_ns(struct k8s_context_state *s, const char *ns) {
    return k8s_context_namespace_find(s, ns);
}

static void set_error(struct k8s_ctx *c, const char *line) {
    snprintf(c->st.error, sizeof c->st.error, "%s", line);
    c->p->changed = true;
}

/* One line for a failed request: the Status message when the server sent one (the RBAC
 * reason of a 403), else the transport's line. Never a credential. */
static void describe_failure(const struct k8s_ctx *c, const struct http_response *resp, char *out,
                             size_t outlen) {
    char *msg = resp->status >= 400 ? k8s_api_error_message(resp->body, resp->len) : NULL;
    if (resp->status == 401)
        snprintf(out, outlen, "401 Unauthorized%s%s%s: %s",
                 c->kc && c->kc->user_name[0] ? " (user \"" : "",
                 c->kc && c->kc->user_name[0] ? c->kc->user_name : "",
                 c->kc && c->kc->user_name[0] ? "\")" : "", msg ? msg : resp->error);
    else if (resp->status == 403)
        snprintf(out, outlen, "403 Forbidden: %s", msg ? msg : resp->error);
    else if (msg)
        snprintf(out, outlen, "%ld: %s", resp->status, msg);
    else if (resp->status == 0 && c->kc)
        snprintf(out, outlen, "%s: %s", c->server_shown, resp->error); /* which server */
    else
        snprintf(out, outlen, "%s", resp->error);
    free(msg);
}

/* The API server as messages show it: no user:password@, no control characters.
 * returns owned string */
static char *server_shown(const char *server) {
    const char *scheme = strstr(server, "://");
    const char *host = scheme ? scheme + 3 : server;
    const char *at = strchr(host, '@');
    const char *slash = strchr(host, '/');
    if (at && (slash == NULL || at < slash))
        host = at + 1;
    char *joined = xasprintf("%.*s%s", scheme ? (int)(scheme + 3 - server) : 0, server, host);
    char *safe = sanitize_strdup(joined);
    free(joined);
    return safe;
}

/* ---- requests ----------------------------------------------------------------------- */

static void on_done(void *arg, const struct http_response *resp);

static struct k8s_fetch *submit_prio(struct k8s_ctx *c, enum k8s_fetch_kind kind, const char *ns,
                                     const char *path, const char *body, enum http_priority prio);

/* body NULL: a GET; else a POST of that JSON. A list is what the clusters screen, the
 * board's rows and tab 6 are made of, and there are only a few (one per kind, or every
 * few refreshes where watch is forbidden): it goes as the first data of what is on screen
 * (HTTP_PRIO_BOARD, fill), never held behind the steady share that the job in view may
 * spend whole. */
static void submit_body(struct k8s_ctx *c, enum k8s_fetch_kind kind, const char *ns,
                        const char *path, const char *body) {
    submit_prio(c, kind, ns, path, body, body ? HTTP_PRIO_DEFAULT : HTTP_PRIO_BOARD);
}

/* The same for whoever waits (prio): the autoscaler's ConfigMap of the job on screen.
 * Returns the request's argument (borrowed: its answer frees it), NULL when not sent. */
static struct k8s_fetch *submit_prio(struct k8s_ctx *c, enum k8s_fetch_kind kind, const char *ns,
                                     const char *path, const char *body, enum http_priority prio) {
    struct k8s_fetch *f = xcalloc(1, sizeof *f);
    f->c = c;
    f->kind = kind;
    f->ns = ns ? xstrdup(ns) : NULL;
    f->gen = c->gen;
    size_t n = strlen(c->kc->server);
    while (n > 0 && c->kc->server[n - 1] == '/')
        n--;
    char *url = xasprintf("%.*s%s", (int)n, c->kc->server, path);
    struct http_request req = {0};
    req.url = url;
    req.tls = &c->tls;
    req.timeout_ms = c->p->app->timeout_ms;
    req.done = on_done;
    req.arg = f;
    req.priority = prio;
    req.fill = prio == HTTP_PRIO_BOARD; /* not a refresh the steady share holds */
    if (body != NULL) {
        req.method = "POST";
        req.body = body;
    }
    if (http_submit(c->p->http, &req) != 0) {
        char line[256];
        snprintf(line, sizeof line, "bad API server URL in context \"%s\"", c->st.name);
        set_error(c, line);
        free(f->ns);
        free(f);
        f = NULL;
    } else {
        c->in_flight++;
    }
    free(url);
    return f;
}

static void submit(struct k8s_ctx *c, enum k8s_fetch_kind kind, const char *ns, const char *path) {
    submit_body(c, kind, ns, path, NULL);
}

static void watches_ensure(struct k8s_ctx *c);

static void list_resources(struct k8s_ctx *c) {
    char *path = k8s_poller_list_path("flinkdeployments", c->st.scope);
    submit(c, KF_DEPLOYMENTS, c->st.scope, path);
    free(path);
    if (c->st.discovery.session_jobs) {
        path = k8s_poller_list_path("flinksessionjobs", c->st.scope);
        submit(c, KF_SESSION_JOBS, c->st.scope, path);
        free(path);
    }
}

/* Lists (--once, or where watch is forbidden), else the watches (started once). */
static void ctx_fetch(struct k8s_ctx *c) {
    if (c->p->list_only || c->watch_forbidden)
        list_resources(c);
    else
        watches_ensure(c);
}

/* The credential is in c->tls: ask. */
static void ctx_start(struct k8s_ctx *c) {
    if (!c->asked_whoami) { /* once: the identity the audit log records (kubectl auth whoami) */
        c->asked_whoami = true;
        submit_body(c, KF_WHOAMI, NULL, "/apis/authentication.k8s.io/v1/selfsubjectreviews",
                    "{\"apiVersion\":\"authentication.k8s.io/v1\","
                    "\"kind\":\"SelfSubjectReview\"}");
    }
    if (c->p->list_only && !c->asked_watch) { /* --once lists; may the console watch? */
        c->asked_watch = true;
        char *body = xasprintf(
            "{\"apiVersion\":\"authorization.k8s.io/v1\",\"kind\":\"SelfSubjectAccessReview\","
            "\"spec\":{\"resourceAttributes\":{\"verb\":\"watch\",\"group\":\"flink.apache.org\","
            "\"resource\":\"flinkdeployments\"%s%s%s}}}",
            c->st.scope ? ",\"namespace\":\"" : "", c->st.scope ? c->st.scope : "",
            c->st.scope ? "\"" : "");
        submit_body(c, KF_CAN_WATCH, NULL, "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews",
                    body);
        free(body);
    }
    if (c->st.crds != K8S_CRDS_PRESENT)
        submit(c, KF_DISCOVERY, NULL, K8S_FLINK_API);
    else
        ctx_fetch(c);
}

/* What the console does where RBAC forbids watch, as one line. */
static void note_watch_forbidden(struct k8s_ctx *c) {
    int every = K8S_LIST_EVERY * (c->p->app->refresh_ms > 0 ? c->p->app->refresh_ms : 2000);
    snprintf(c->st.watch_note, sizeof c->st.watch_note, "watch forbidden: listing every %ds",
             every / 1000);
}

static void on_credential(void *arg, const struct exec_credential *cred, const char *error) {
    struct k8s_ctx *c = arg;
    c->waiting_cred = false;
    c->p->changed = true;
    if (cred == NULL) {
        set_error(c, error ? error : "exec plugin failed");
        return;
    }
    kubeconfig_context_tls(c->kc, &c->tls);
    exec_credential_apply(cred, &c->tls);
    c->cred_applied = true;
    if (c->st.in_scope) /* a context kept for its credential alone lists nothing */
        ctx_start(c);
}

/* Credential first (cached, or an exec plugin run that calls back), then the requests. */
static void ctx_begin(struct k8s_ctx *c) {
    if (c->exec) {
        const struct exec_credential *cred = exec_credential_get(c->exec);
        /* without a credential, nothing of the old one may stay borrowed */
        kubeconfig_context_tls(c->kc, &c->tls);
        c->cred_applied = false;
        if (cred == NULL) {
            c->waiting_cred = exec_credential_running(c->exec);
            return;
        }
        exec_credential_apply(cred, &c->tls);
        c->cred_applied = true;
    }
    if (c->st.in_scope)
        ctx_start(c);
}

/* ---- answers ------------------------------------------------------------------------ */

static bool same_resource(const struct cluster *cl, const struct k8s_ctx *c,
                          const struct flink_resource *r) {
    return cl->k8s.ctx == &c->st && cl->k8s.namespace && r->namespace &&
           strcmp(cl->k8s.namespace, r->namespace) == 0 && cl->k8s.name &&
           strcmp(cl->k8s.name, r->name) == 0;
}

static struct k8s_ctx *find_ctx(const struct k8s_poller *p, const struct k8s_context_state *s) {
    for (size_t i = 0; s && i < p->n_ctxs; i++)
        if (&p->ctxs[i]->st == s)
            return p->ctxs[i];
    return NULL;
}

/* Hide what lies outside the scope: another context, or another namespace than the one
 * listed. While a widened scope is being listed again, a cluster gone under the narrow
 * one stays hidden instead of flashing "gone". --flink clusters are always in scope. */
static void apply_hidden(struct k8s_poller *p) {
    struct app *a = p->app;
    for (size_t i = 0; i < a->n_clusters; i++) {
        struct cluster *cl = &a->clusters[i];
        const struct k8s_ctx *c = find_ctx(p, cl->k8s.ctx);
        if (c == NULL)
            continue;
        bool out =
            !c->st.in_scope || (c->st.scope != NULL && !str_eq(cl->k8s.namespace, c->st.scope));
        bool held = c->relisting && cl->k8s.gone && cl->k8s.hidden;
        if (cl->k8s.hidden != (out || held))
            p->changed = true;
        cl->k8s.hidden = out || held;
    }
}

/* The pin standing for resource r of context c; borrowed, NULL when none. */
static const struct config_cluster *find_pin(const struct k8s_ctx *c,
                                             const struct flink_resource *r) {
    const struct k8s_poller *p = c->p;
    const char *cur = kubeconfig_current_context(p->kc);
    for (size_t i = 0; i < p->n_pins; i++)
        if (k8s_poller_pin_matches(&p->pins[i], cur, c->st.name, c->st.namespace, r->namespace,
                                   r->name))
            return &p->pins[i];
    return NULL;
}

/* One cluster per FlinkDeployment: update, add, or mark gone. */
static void sync_clusters(struct k8s_ctx *c) {
    struct app *a = c->p->app;
    const struct flink_resource_list *l = &c->st.deployments;
    for (size_t i = 0; i < a->n_clusters; i++)
        if (a->clusters[i].k8s.ctx == &c->st)
            a->clusters[i].k8s.gone = true;
    for (size_t k = 0; k < l->len; k++) {
        const struct flink_resource *r = &l->items[k];
        if (r->namespace == NULL || r->name == NULL)
            continue;
        bool found = false;
        for (size_t i = 0; i < a->n_clusters; i++) {
            if (same_resource(&a->clusters[i], c, r)) {
                a->clusters[i].k8s.gone = false;
                found = true;
                break;
            }
        }
        if (found)
            continue;
        /* a pinned resource is shown under the pin's name, unless that name is taken */
        const struct config_cluster *pin = find_pin(c, r);
        char *name = pin && !name_taken(a, pin->name, c->st.name, r->namespace, r->name)
                         ? xstrdup(pin->name)
                         : k8s_poller_cluster_name(a, c->st.name, r->namespace, r->name);
        char *url = k8s_poller_proxy_url(c->kc->server, r->namespace, r->name);
        size_t i = k8s_poller_add_cluster(a, name, url);
        struct cluster *cl = &a->clusters[i];
        cl->tls = &c->tls;
        cl->k8s.ctx = &c->st;
        cl->k8s.context = xstrdup(c->st.name);
        cl->k8s.namespace = xstrdup(r->namespace);
        cl->k8s.name = xstrdup(r->name);
        cl->k8s.kind = xstrdup(flink_kind_name(r->kind));
        free(name);
        free(url);
        c->p->added = true;
    }
    c->relisting = false;
    apply_hidden(c->p);
}

/* Keep the namespaces that hold Flink resources (their last pods, events and snapshots
 * stay until fresh ones arrive) and drop the others. True when one was added. */
static bool sync_namespaces(struct k8s_ctx *c) {
    struct k8s_context_state *s = &c->st;
    bool grew = false;
    for (size_t i = s->n_namespaces; i-- > 0;) {
        const char *ns = s->namespaces[i].name;
        bool keep = false;
        for (int pass = 0; pass < 2 && !keep; pass++) {
            const struct flink_resource_list *l = pass == 0 ? &s->deployments : &s->session_jobs;
            for (size_t k = 0; k < l->len && !keep; k++)
                keep = str_eq(l->items[k].namespace, ns);
        }
        if (!keep) {
            k8s_context_namespace_remove(s, ns);
            c->p->changed = true;
        }
    }
    for (int pass = 0; pass < 2; pass++) {
        const struct flink_resource_list *l = pass == 0 ? &s->deployments : &s->session_jobs;
        for (size_t k = 0; k < l->len; k++) {
            const char *ns = l->items[k].namespace;
            if (ns == NULL || find_ns(s, ns) != NULL)
                continue;
            k8s_context_namespace_add(s, ns);
            grew = true;
        }
    }
    return grew;
}

/* The namespaces that hold Flink resources, then per namespace one list of pods and one
 * of events, and of FlinkStateSnapshots when discovery saw them served. */
static void refresh_namespaces(struct k8s_ctx *c) {
    struct k8s_context_state *s = &c->st;
    sync_namespaces(c);
    for (size_t i = 0; i < s->n_namespaces; i++) {
        const char *name = s->namespaces[i].name;
        char *ens = curl_easy_escape(NULL, name, 0);
        char *path = xasprintf("/api/v1/namespaces/%s/pods?labelSelector=component", ens);
        submit(c, KF_PODS, name, path);
        free(path);
        path = xasprintf("/api/v1/namespaces/%s/events", ens);
        submit(c, KF_EVENTS, name, path);
        free(path);
        char *esel = curl_easy_escape(NULL, K8S_APPS_SELECTOR, 0);
        path = xasprintf(K8S_APPS_API "/namespaces/%s/deployments?labelSelector=%s", ens,
                         esel ? esel : "");
        submit(c, KF_APPS, name, path);
        free(path);
        curl_free(esel);
        curl_free(ens);
        if (s->discovery.snapshots) {
            path = k8s_poller_list_path("flinkstatesnapshots", name);
            submit(c, KF_SNAPSHOTS, name, path);
            free(path);
        }
    }
}

/* A list asked under an older scope (or by a context no longer in scope): its answer
 * would undo the switch. */
static bool stale_list(const struct k8s_fetch *f) {
    return (f->kind == KF_DEPLOYMENTS || f->kind == KF_SESSION_JOBS) &&
           (f->gen != f->c->gen || !f->c->st.in_scope);
}

/* What a per-namespace list is called in its error line. */
static const char *ns_list_name(enum k8s_fetch_kind k) {
    return k == KF_PODS     ? "pods"
           : k == KF_EVENTS ? "events"
           : k == KF_APPS   ? "deployments"
                            : "flinkstatesnapshots";
}

/* Set the error of one list of a namespace (line "" clears it); the namespace's line is
 * those of its failing lists joined, so one list answering never hides another failing. */
static void ns_set_error(struct k8s_namespace_state *n, enum k8s_fetch_kind k, const char *line,
                         int64_t now) {
    size_t i = (size_t)(k - KF_PODS); /* lists[] is in KF_PODS..KF_APPS order */
    if (k == KF_APPS && line[0] == '\0')
        n->apps_forbidden[0] = '\0';
    if (line[0])
        source_fail(&n->lists[i], now, "%s", line);
    else
        source_ok(&n->lists[i], now);
    n->error[0] = '\0';
    for (i = 0; i < K8S_NS_LISTS; i++) {
        if (n->lists[i].state != SOURCE_ERROR)
            continue;
        size_t used = strlen(n->error);
        snprintf(n->error + used, sizeof n->error - used, "%s%s", used ? "; " : "",
                 n->lists[i].error);
    }
}

static void on_failure(struct k8s_fetch *f, const struct http_response *resp) {
    struct k8s_ctx *c = f->c;
    char line[192];
    if (stale_list(f))
        return;
    if (resp->status == 401 && c->exec && !c->retried) {
        /* the cached credential was refused: run the plugin again, once per refresh */
        exec_credential_invalidate(c->exec);
        kubeconfig_context_tls(c->kc, &c->tls);
        c->cred_applied = false;
        c->retried = true;
        c->restart = true;
        return;
    }
    if (f->kind == KF_WHOAMI || f->kind == KF_CAN_WATCH) /* not served: say nothing */
        return;
    if (resp->status == 404 && f->kind == KF_DISCOVERY) {
        c->st.crds = K8S_CRDS_ABSENT;
        set_error(c, "Flink operator CRDs absent: the API server does not serve "
                     "flink.apache.org/v1beta1");
        return;
    }
    if (resp->status == 403 && f->kind == KF_DEPLOYMENTS &&
        k8s_poller_should_fall_back(f->ns == NULL, c->p->user_all, c->p->user_ns)) {
        /* may not list across namespaces: the context's namespace, as kubectl would */
        free(c->st.scope);
        c->st.scope = xstrdup(c->st.namespace);
        c->st.fell_back = true;
        c->p->changed = true;
        apply_hidden(c->p);
        ctx_fetch(c);
        return;
    }
    describe_failure(c, resp, line, sizeof line);
    if (f->kind == KF_PODS || f->kind == KF_EVENTS || f->kind == KF_SNAPSHOTS ||
        f->kind == KF_APPS) {
        struct k8s_namespace_state *n = find_ns(&c->st, f->ns);
        if (n && f->kind == KF_APPS && resp->status == 403) { /* RBAC: a note, not a failure */
            snprintf(n->apps_forbidden, sizeof n->apps_forbidden, "deployments %.40s: %.150s",
                     f->ns, line);
        } else if (n) {
            char full[256];
            snprintf(full, sizeof full, "%s %s: %s", ns_list_name(f->kind), f->ns, line);
            ns_set_error(n, f->kind, full, clock_now(c->p->clock));
        }
        c->p->changed = true;
        return;
    }
    if ((f->kind == KF_DEPLOYMENTS || f->kind == KF_SESSION_JOBS) && resp->status != 401 &&
        resp->status != 403) { /* which list, as a malformed answer says (those two do) */
        char full[256];
        snprintf(full, sizeof full, "%s: %s",
                 f->kind == KF_DEPLOYMENTS ? "flinkdeployments" : "flinksessionjobs", line);
        set_error(c, full);
        return;
    }
    set_error(c, line);
}

static void on_success(struct k8s_fetch *f, const struct http_response *resp) {
    struct k8s_ctx *c = f->c;
    struct k8s_context_state *s = &c->st;
    char err[200] = "";
    char line[256];
    if (stale_list(f))
        return;
    switch (f->kind) {
    case KF_AUTOSCALER: /* answered by autoscaler_answer */
    case KF_STANDALONE: /* and by standalone_answer */
        return;
    case KF_WHOAMI: {
        cJSON *root = cJSON_ParseWithLength(resp->body, resp->len);
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
        const cJSON *ui = cJSON_GetObjectItemCaseSensitive(status, "userInfo");
        const char *name = json_get_string_ref(ui, "username");
        if (name != NULL && name[0] != '\0') {
            free(c->identity);
            c->identity = sanitize_strdup(name);
        }
        cJSON_Delete(root);
        return;
    }
    case KF_CAN_WATCH: {
        cJSON *root = cJSON_ParseWithLength(resp->body, resp->len);
        const cJSON *status = cJSON_GetObjectItemCaseSensitive(root, "status");
        const cJSON *allowed = cJSON_GetObjectItemCaseSensitive(status, "allowed");
        if (cJSON_IsBool(allowed) && cJSON_IsFalse(allowed))
            note_watch_forbidden(c);
        cJSON_Delete(root);
        return;
    }
    case KF_DISCOVERY: {
        struct k8s_discovery d;
        if (k8s_api_parse_discovery(resp->body, resp->len, &d, err, sizeof err) != FA_OK) {
            snprintf(line, sizeof line, "discovery %s: %s", K8S_FLINK_API, err);
            set_error(c, line);
            return;
        }
        s->discovery = d;
        if (!d.deployments) {
            s->crds = K8S_CRDS_ABSENT;
            set_error(c, "Flink operator CRDs absent: flink.apache.org/v1beta1 serves no "
                         "flinkdeployments");
            return;
        }
        s->crds = K8S_CRDS_PRESENT;
        ctx_fetch(c);
        return;
    }
    case KF_DEPLOYMENTS:
    case KF_SESSION_JOBS: {
        struct flink_resource_list l;
        if (k8s_api_parse_flink_resources(resp->body, resp->len, &l, err, sizeof err) != FA_OK) {
            snprintf(line, sizeof line, "%s: %s",
                     f->kind == KF_DEPLOYMENTS ? "flinkdeployments" : "flinksessionjobs", err);
            set_error(c, line);
            return;
        }
        if (f->kind == KF_SESSION_JOBS) {
            flink_resource_list_replace(&s->session_jobs, &l);
            return;
        }
        flink_resource_list_replace(&s->deployments, &l);
        s->listed = true;
        s->error[0] = '\0';
        s->last_ok_ms = clock_now(c->p->clock);
        sync_clusters(c);
        refresh_namespaces(c);
        return;
    }
    case KF_PODS:
    case KF_EVENTS:
    case KF_SNAPSHOTS:
    case KF_APPS: {
        struct k8s_namespace_state *n = find_ns(s, f->ns);
        if (n == NULL)
            return; /* the namespace no longer holds Flink resources */
        if (f->kind == KF_PODS) {
            struct pod_list pl;
            if (k8s_api_parse_pods(resp->body, resp->len, &pl, err, sizeof err) != FA_OK) {
                snprintf(line, sizeof line, "pods %s: %s", f->ns, err);
                ns_set_error(n, f->kind, line, clock_now(c->p->clock));
                return;
            }
            pod_list_replace(&n->pods, &pl);
            n->pods_ok = true;
        } else if (f->kind == KF_SNAPSHOTS) {
            struct flink_snapshot_list sl;
            if (k8s_api_parse_snapshots(resp->body, resp->len, &sl, err, sizeof err) != FA_OK) {
                snprintf(line, sizeof line, "flinkstatesnapshots %s: %s", f->ns, err);
                ns_set_error(n, f->kind, line, clock_now(c->p->clock));
                return;
            }
            flink_snapshot_list_replace(&n->snapshots, &sl);
            n->snapshots_ok = true;
        } else if (f->kind == KF_APPS) {
            struct apps_deployment_list al;
            if (k8s_apps_parse_deployments(resp->body, resp->len, &al, err, sizeof err) != FA_OK) {
                snprintf(line, sizeof line, "deployments %s: %s", f->ns, err);
                ns_set_error(n, f->kind, line, clock_now(c->p->clock));
                return;
            }
            apps_deployment_list_replace(&n->apps, &al);
            n->apps_ok = true;
        } else {
            struct k8s_event_list el;
            if (k8s_api_parse_events(resp->body, resp->len, &el, err, sizeof err) != FA_OK) {
                snprintf(line, sizeof line, "events %s: %s", f->ns, err);
                ns_set_error(n, f->kind, line, clock_now(c->p->clock));
                return;
            }
            k8s_event_list_replace(&n->events, &el);
            n->events_ok = true;
        }
        ns_set_error(n, f->kind, "", clock_now(c->p->clock));
        return;
    }
    }
}

/* The answer for an autoscaled deployment's ConfigMap; key is "NS/NAME". */
static void autoscaler_answer(struct k8s_ctx *c, const char *key,
                              const struct http_response *resp) {
    const char *slash = key ? strchr(key, '/') : NULL;
    if (slash == NULL)
        return;
    char *ns = xasprintf("%.*s", (int)(slash - key), key);
    k8s_autoscaler_answer(&c->st, ns, slash + 1, resp, clock_now(c->p->clock));
    free(ns);
}

/* A standalone cluster's Deployments: the named one (a Deployment) or those with its app
 * label (a DeploymentList); a failure is the cluster's tab 6's, not the context's. */
static void standalone_answer(struct k8s_fetch *f, const struct http_response *resp) {
    struct k8s_poller *p = f->c->p;
    struct standalone_link *k = &p->links[f->link];
    k->in_flight = false;
    struct standalone_state *s = p->app->clusters[k->cluster].standalone;
    if (s == NULL)
        return;
    int64_t now = clock_now(p->clock);
    char line[192], err[200] = "";
    if (resp->outcome != HTTP_OK || resp->status >= 400) {
        describe_failure(f->c, resp, line, sizeof line);
        source_fail(&s->src, now, "deployment %.40s/%.60s: %s", s->namespace, s->deployment, line);
        return;
    }
    struct apps_deployment_list l = {NULL, 0};
    cJSON *root = cJSON_ParseWithLength(resp->body, resp->len);
    const char *kind = json_get_string_ref(root, "kind");
    bool one = kind && strcmp(kind, "Deployment") == 0;
    struct apps_deployment d;
    if (one && k8s_apps_deployment_from(root, &d)) {
        apps_deployment_list_put(&l, &d);
    } else if (one) {
        snprintf(err, sizeof err, "a Deployment without metadata.name");
    } else if (k8s_apps_parse_deployments(resp->body, resp->len, &l, err, sizeof err) != FA_OK) {
        l.items = NULL;
        l.len = 0;
    }
    cJSON_Delete(root);
    if (err[0]) {
        source_fail(&s->src, now, "deployment %.40s/%.60s: %s", s->namespace, s->deployment, err);
        apps_deployment_list_free(&l);
        return;
    }
    standalone_take(s, &l, now);
}

/* Every answer goes through the source interface (k8s_poller_source_ops.on_response). */
static void on_done(void *arg, const struct http_response *resp) {
    struct k8s_fetch *f = arg;
    k8s_poller_source_ops.on_response(f->c->p, f, resp);
}

static void on_response(void *self, void *request, const struct http_response *resp) {
    (void)self; /* the fetch knows its context, and the context its poller */
    struct k8s_fetch *f = request;
    struct k8s_ctx *c = f->c;
    c->in_flight--;
    c->p->changed = true;
    bool cancelled =
        resp->outcome != HTTP_OK && resp->status == 0 && strcmp(resp->error, "cancelled") == 0;
    if (cancelled)
        ; /* shutting down: touch nothing else */
    else if (f->kind == KF_AUTOSCALER)
        autoscaler_answer(c, f->ns, resp); /* its own state, its own errors */
    else if (f->kind == KF_STANDALONE)
        standalone_answer(f, resp); /* the same */
    else if (resp->outcome == HTTP_OK && resp->status < 400)
        on_success(f, resp);
    else
        on_failure(f, resp);
    free(f->ns);
    free(f);
    if (!cancelled && c->in_flight == 0 && c->restart) {
        c->restart = false;
        ctx_begin(c);
    }
}

/* ---- watches ------------------------------------------------------------------------ */

static enum k8s_fetch_kind wkind_fetch(enum k8s_wkind k) {
    return k == WK_PODS     ? KF_PODS
           : k == WK_EVENTS ? KF_EVENTS
           : k == WK_APPS   ? KF_APPS
                            : KF_SNAPSHOTS;
}

/* /api/v1/[namespaces/NS/]pods, /apis/apps/v1/.../deployments etc.; returns owned string */
static char *wkind_path(enum k8s_wkind k, const char *ns) {
    if (k == WK_DEPLOYMENTS || k == WK_SESSION_JOBS || k == WK_SNAPSHOTS)
        return k8s_poller_list_path(k8s_wkind_name(k), ns);
    const char *api = k == WK_APPS ? K8S_APPS_API : "/api/v1";
    if (ns == NULL)
        return xasprintf("%s/%s", api, k8s_wkind_name(k));
    char *ens = curl_easy_escape(NULL, ns, 0);
    char *path = xasprintf("%s/namespaces/%s/%s", api, ens ? ens : "", k8s_wkind_name(k));
    curl_free(ens);
    return path;
}

static void settle_soon(struct k8s_ctx *c);

/* After the FlinkDeployments or FlinkSessionJobs changed: clusters, namespaces. */
static void resources_changed(struct k8s_ctx *c) {
    sync_clusters(c);
    if (sync_namespaces(c))
        c->ns_grew = true;
    settle_soon(c); /* namespaced streams follow the namespaces */
}

static void sink_reset(void *arg, const cJSON *items) {
    struct kwatch *kw = arg;
    struct k8s_ctx *c = kw->c;
    struct k8s_context_state *s = &c->st;
    c->p->changed = true;
    k8s_apply_list(s, kw->kind, kw->ns, items);
    if (!k8s_wkind_namespaced(kw->kind)) {
        if (kw->kind == WK_DEPLOYMENTS) {
            s->listed = true;
            s->error[0] = '\0';
            s->last_ok_ms = clock_now(c->p->clock);
        }
        resources_changed(c);
        return;
    }
    int64_t now = clock_now(c->p->clock);
    for (size_t i = 0; i < s->n_namespaces; i++)
        if (kw->ns == NULL || strcmp(kw->ns, s->namespaces[i].name) == 0)
            ns_set_error(&s->namespaces[i], wkind_fetch(kw->kind), "", now);
}

static void sink_event(void *arg, enum k8s_watch_type type, const cJSON *object) {
    struct kwatch *kw = arg;
    struct k8s_ctx *c = kw->c;
    if (!k8s_apply_event(&c->st, kw->kind, kw->ns, type, object))
        return;
    c->p->changed = true;
    if (k8s_wkind_namespaced(kw->kind))
        return;
    if (kw->kind == WK_DEPLOYMENTS)
        c->st.last_ok_ms = clock_now(c->p->clock);
    resources_changed(c);
}

static void count_streams(struct k8s_ctx *c) {
    int n = 0;
    for (size_t i = 0; i < c->n_watches; i++)
        n += k8s_watch_state(c->watches[i]->w) == K8S_WATCH_WATCHING;
    c->st.watches = n;
}

static void sink_health(void *arg, enum k8s_watch_state state, const char *error) {
    struct kwatch *kw = arg;
    struct k8s_ctx *c = kw->c;
    struct k8s_poller *p = c->p;
    p->changed = true;
    count_streams(c);
    if (state == K8S_WATCH_FORBIDDEN) {
        if (kw->kind == WK_APPS && k8s_watch_forbidden_watch(kw->w)) {
            /* Deployments are extra: the other kinds keep their streams, Deployments are
             * listed again every K8S_LIST_EVERY refreshes (k8s_poller_round); tab 6 says so */
            int every = K8S_LIST_EVERY * (p->app->refresh_ms > 0 ? p->app->refresh_ms : 2000);
            for (size_t i = 0; i < c->st.n_namespaces; i++) {
                struct k8s_namespace_state *n = &c->st.namespaces[i];
                if (kw->ns == NULL || strcmp(kw->ns, n->name) == 0)
                    snprintf(n->apps_forbidden, sizeof n->apps_forbidden,
                             "deployments: RBAC forbids watch; listing every %ds", every / 1000);
            }
            return;
        }
        if (k8s_watch_forbidden_watch(kw->w)) { /* RBAC: list yes, watch no */
            c->want_list_mode = true;
            settle_soon(c);
            return;
        }
        if (kw->ns == NULL && kw->kind == WK_DEPLOYMENTS &&
            k8s_poller_should_fall_back(true, p->user_all, p->user_ns)) {
            /* may not list across namespaces: the context's namespace, as kubectl would */
            free(c->st.scope);
            c->st.scope = xstrdup(c->st.namespace);
            c->st.fell_back = true;
            apply_hidden(p);
            c->want_restart = true;
            settle_soon(c);
            return;
        }
        if (kw->ns == NULL && k8s_wkind_namespaced(kw->kind)) {
            c->per_ns[kw->kind] = true; /* one stream per namespace, where it must */
            settle_soon(c);
            return;
        }
    }
    if (error == NULL && state == K8S_WATCH_WATCHING && kw->kind == WK_DEPLOYMENTS &&
        c->st.crds == K8S_CRDS_PRESENT)
        c->st.error[0] = '\0'; /* streaming again after a drop: nothing to report */
    if (error == NULL || state == K8S_WATCH_WATCHING || state == K8S_WATCH_LISTING) {
        if (error == NULL && state == K8S_WATCH_WATCHING && k8s_wkind_namespaced(kw->kind)) {
            int64_t now = clock_now(p->clock);
            for (size_t i = 0; i < c->st.n_namespaces; i++)
                if (kw->ns == NULL || strcmp(kw->ns, c->st.namespaces[i].name) == 0)
                    if (c->st.namespaces[i].lists[wkind_fetch(kw->kind) - KF_PODS].state ==
                        SOURCE_ERROR)
                        ns_set_error(&c->st.namespaces[i], wkind_fetch(kw->kind), "", now);
        }
        return;
    }
    if (k8s_watch_last_status(kw->w) == 401 && c->exec && !c->retried) {
        /* the cached credential was refused: run the plugin again, then start again */
        exec_credential_invalidate(c->exec);
        kubeconfig_context_tls(c->kc, &c->tls);
        c->cred_applied = false;
        c->retried = true;
        c->want_restart = true;
        settle_soon(c);
        return;
    }
    char line[256];
    if (k8s_watch_last_status(kw->w) == 0)
        snprintf(line, sizeof line, "%s: %s", c->server_shown, error); /* which server */
    else
        snprintf(line, sizeof line, "%s", error);
    if (!k8s_wkind_namespaced(kw->kind)) {
        if (kw->kind == WK_DEPLOYMENTS)
            set_error(c, line);
        return;
    }
    int64_t now = clock_now(p->clock);
    for (size_t i = 0; i < c->st.n_namespaces; i++) {
        struct k8s_namespace_state *n = &c->st.namespaces[i];
        if (kw->ns != NULL && strcmp(kw->ns, n->name) != 0)
            continue;
        char full[256];
        snprintf(full, sizeof full, "%s %.63s: %.160s", k8s_wkind_name(kw->kind), n->name, line);
        if (kw->kind == WK_APPS && k8s_watch_last_status(kw->w) == 403) /* RBAC: a note */
            snprintf(n->apps_forbidden, sizeof n->apps_forbidden, "%.199s", full);
        else
            ns_set_error(n, wkind_fetch(kw->kind), full, now);
    }
}

static struct kwatch *watch_add(struct k8s_ctx *c, enum k8s_wkind kind, const char *ns) {
    struct kwatch *kw = xcalloc(1, sizeof *kw);
    kw->c = c;
    kw->kind = kind;
    kw->ns = ns ? xstrdup(ns) : NULL;
    char *path = wkind_path(kind, ns);
    struct k8s_watch_config cfg = {0};
    cfg.server = c->kc->server;
    cfg.path = path;
    /* the Flink pods only: jobmanager and taskmanager carry a component label */
    cfg.label_selector = kind == WK_PODS ? "component" : kind == WK_APPS ? K8S_APPS_SELECTOR : NULL;
    struct k8s_watch_sink sink = {sink_reset, sink_event, sink_health, kw};
    kw->w = k8s_watch_new(&cfg, &c->io, &sink);
    free(path);
    c->watches = xrealloc(c->watches, (c->n_watches + 1) * sizeof *c->watches);
    c->watches[c->n_watches++] = kw;
    k8s_watch_start(kw->w);
    return kw;
}

static void watch_free(struct kwatch *kw) {
    k8s_watch_free(kw->w); /* cancels its request and timer: no callback after it */
    free(kw->ns);
    free(kw);
}

/* Every stream of c stopped and freed. */
static void watches_free(struct k8s_ctx *c) {
    for (size_t i = 0; i < c->n_watches; i++)
        watch_free(c->watches[i]);
    c->n_watches = 0;
    c->st.watches = 0;
    if (c->settle_timer > 0)
        loop_timer_cancel(c->p->loop, c->settle_timer);
    c->settle_timer = 0;
}

static struct kwatch *find_watch(struct k8s_ctx *c, enum k8s_wkind kind, const char *ns) {
    for (size_t i = 0; i < c->n_watches; i++) {
        struct kwatch *kw = c->watches[i];
        if (kw->kind == kind && (ns == NULL ? kw->ns == NULL : str_eq(kw->ns, ns)))
            return kw;
    }
    return NULL;
}

/* The FlinkDeployments (and FlinkSessionJobs) streams, once per scope. */
static void watches_ensure(struct k8s_ctx *c) {
    if (c->kc == NULL)
        return;
    if (find_watch(c, WK_DEPLOYMENTS, c->st.scope) == NULL)
        watch_add(c, WK_DEPLOYMENTS, c->st.scope);
    if (c->st.discovery.session_jobs && find_watch(c, WK_SESSION_JOBS, c->st.scope) == NULL)
        watch_add(c, WK_SESSION_JOBS, c->st.scope);
}

/* Both resource lists have answered: the namespaces holding Flink resources are known. */
static bool resources_known(struct k8s_ctx *c) {
    struct kwatch *d = find_watch(c, WK_DEPLOYMENTS, c->st.scope);
    struct kwatch *sj = find_watch(c, WK_SESSION_JOBS, c->st.scope);
    return d && k8s_watch_resource_version(d->w) &&
           (!c->st.discovery.session_jobs || (sj && k8s_watch_resource_version(sj->w)));
}

/* The namespaced streams follow the namespaces: one across them all (where the list
 * across namespaces is allowed, filtered to the namespaces holding Flink resources), or
 * one per such namespace. */
static void sync_ns_watches(struct k8s_ctx *c) {
    if (!resources_known(c))
        return;
    bool grew = c->ns_grew;
    c->ns_grew = false;
    for (int k = WK_SNAPSHOTS; k < WK_COUNT; k++) {
        if (k == WK_SNAPSHOTS && !c->st.discovery.snapshots)
            continue;
        if (!c->per_ns[k]) {
            struct kwatch *kw = find_watch(c, (enum k8s_wkind)k, c->st.scope);
            if (kw == NULL)
                watch_add(c, (enum k8s_wkind)k, c->st.scope);
            else if (grew) /* objects of the new namespace were not kept: list again */
                k8s_watch_start(kw->w);
            continue;
        }
        for (size_t i = 0; i < c->st.n_namespaces; i++)
            if (find_watch(c, (enum k8s_wkind)k, c->st.namespaces[i].name) == NULL)
                watch_add(c, (enum k8s_wkind)k, c->st.namespaces[i].name);
    }
    /* streams of namespaces that hold no Flink resources any more, or of a kind that
     * went per namespace */
    size_t j = 0;
    for (size_t i = 0; i < c->n_watches; i++) {
        struct kwatch *kw = c->watches[i];
        bool drop = k8s_wkind_namespaced(kw->kind) &&
                    ((c->per_ns[kw->kind] && (kw->ns == NULL || find_ns(&c->st, kw->ns) == NULL)) ||
                     (!c->per_ns[kw->kind] && !str_eq(kw->ns, c->st.scope) &&
                      !(kw->ns == NULL && c->st.scope == NULL)));
        if (drop)
            watch_free(kw);
        else
            c->watches[j++] = kw;
    }
    c->n_watches = j;
    count_streams(c);
}

/* What the callbacks asked for, done once they have returned (a stream may not be
 * freed from inside its own callback). */
static void settle(void *arg) {
    struct k8s_ctx *c = arg;
    c->settle_timer = 0;
    c->p->changed = true;
    if (!c->st.in_scope)
        return;
    if (c->want_list_mode) {
        c->want_list_mode = false;
        c->want_restart = false;
        c->watch_forbidden = true;
        watches_free(c);
        note_watch_forbidden(c);
        c->list_rounds = 0;
        if (c->in_flight == 0 && !c->waiting_cred)
            ctx_begin(c);
        return;
    }
    if (c->want_restart) {
        c->want_restart = false;
        watches_free(c);
        if (c->in_flight == 0 && !c->waiting_cred)
            ctx_begin(c); /* the credential again if it was refused, then the streams */
        return;
    }
    sync_ns_watches(c);
}

static void settle_soon(struct k8s_ctx *c) {
    if (c->settle_timer <= 0)
        c->settle_timer = loop_timer(c->p->loop, 0, settle, c);
}

/* ---- Ctrl-R: the kubeconfig again ---------------------------------------------------- */

/* The files kc names, by size, mtime and inode (FNV-1a over them): a certificate rotated in
 * place, under the same path, is a change. */
static uint64_t files_print(const struct kubeconfig_context *kc) {
    const char *files[] = {kc->ca_file, kc->cert_file, kc->key_file};
    uint64_t h = 1469598103934665603u;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        struct stat st;
        uint64_t v[4] = {0, 0, 0, 0};
        if (files[i] != NULL && stat(files[i], &st) == 0) {
            v[0] = (uint64_t)st.st_size;
            v[1] = (uint64_t)st.st_mtim.tv_sec;
            v[2] = (uint64_t)st.st_mtim.tv_nsec;
            v[3] = (uint64_t)st.st_ino;
        }
        for (size_t k = 0; k < 4; k++)
            for (int b = 0; b < 8; b++) {
                h ^= (v[k] >> (8 * b)) & 0xff;
                h *= 1099511628211u;
            }
    }
    return h;
}

static void ctx_io_init(struct k8s_ctx *c) {
    struct k8s_poller *p = c->p;
    c->st.tls = &c->tls;
    c->io_ctx.http = p->http;
    c->io_ctx.loop = p->loop;
    c->io_ctx.tls = &c->tls;
    c->io_ctx.timeout_ms = p->app->timeout_ms;
    k8s_watch_io_http(&c->io, &c->io_ctx);
}

/* c takes the settings nk (taken) resolved to: its streams stop, its credential and
 * server are nk's, its clusters' URLs follow the server, and it lists again then
 * watches. Its clusters keep their indices. */
static void ctx_adopt(struct k8s_ctx *c, struct kubeconfig_context *nk) {
    struct k8s_poller *p = c->p;
    watches_free(c);
    exec_credential_plugin_free(c->exec); /* a run under way is killed: no callback */
    c->exec = NULL;
    c->waiting_cred = false;
    c->cred_applied = false;
    struct kubeconfig_context *old = c->kc;
    bool moved = old == NULL || strcmp(old->server, nk->server) != 0;
    c->kc = nk;
    free(c->st.namespace);
    c->st.namespace = xstrdup(nk->namespace);
    if (old == NULL) {
        free(c->st.scope);
        c->st.scope = p->user_ns ? xstrdup(p->user_ns) : NULL;
    } else if (c->st.fell_back) { /* the context's namespace, which may have changed */
        free(c->st.scope);
        c->st.scope = xstrdup(nk->namespace);
    }
    c->st.server = nk->server;
    free(c->server_shown);
    c->server_shown = server_shown(nk->server);
    kubeconfig_context_tls(nk, &c->tls);
    ctx_io_init(c);
    if (nk->exec) {
        struct exec_cluster_info info;
        kubeconfig_context_exec_cluster(nk, &info);
        c->exec = exec_credential_plugin_new(p->loop, nk->exec, &info, 0, on_credential, c);
    }
    for (size_t i = 0; moved && i < p->app->n_clusters; i++) {
        struct cluster *cl = &p->app->clusters[i];
        if (cl->k8s.ctx != &c->st || cl->k8s.namespace == NULL || cl->k8s.name == NULL)
            continue;
        free(cl->url);
        cl->url = k8s_poller_proxy_url(nk->server, cl->k8s.namespace, cl->k8s.name);
    }
    kubeconfig_context_free(old);
    c->files_print = files_print(nk);
    c->gen++; /* lists asked with the old settings are dropped */
    c->st.error[0] = '\0';
    c->st.watch_note[0] = '\0';
    c->watch_forbidden = false;
    memset(c->per_ns, 0, sizeof c->per_ns);
    c->want_restart = c->want_list_mode = c->ns_grew = false;
    c->asked_whoami = false; /* the user may be another */
    free(c->identity);
    c->identity = NULL;
    c->retried = false;
    c->restart = false;
    p->changed = true;
    if (!c->st.in_scope && !(c->access && c->exec))
        return;
    if (c->in_flight > 0)
        c->restart = true; /* on_done begins again when the last answer is in */
    else
        ctx_begin(c);
}

int k8s_poller_reload_kubeconfig(struct k8s_poller *p, size_t *restarted, char *err,
                                 size_t errlen) {
    *restarted = 0;
    struct kubeconfig *kc = kubeconfig_load(p->kubeconfig_path, err, errlen);
    if (kc == NULL)
        return -1;
    for (size_t i = 0; i < p->n_ctxs; i++) {
        struct k8s_ctx *c = p->ctxs[i];
        static const char kept[] = " (kubeconfig reload: kept the settings loaded before)";
        char why[sizeof c->st.error - sizeof kept] = ""; /* room left for the note */
        const char *name = c->st.name && c->st.name[0] ? c->st.name : NULL;
        struct kubeconfig_context *nk = kubeconfig_resolve(kc, name, why, sizeof why);
        if (nk == NULL) { /* keeps what it had; says why */
            snprintf(c->st.error, sizeof c->st.error, "%s%s", why, c->kc ? kept : "");
            p->changed = true;
            continue;
        }
        if (c->kc != NULL && kubeconfig_context_same_access(c->kc, nk) &&
            files_print(nk) == c->files_print) {
            kubeconfig_context_free(nk);
            if (c->exec && !c->waiting_cred) { /* fetched again, nothing restarted */
                exec_credential_invalidate(c->exec);
                kubeconfig_context_tls(c->kc, &c->tls);
                c->cred_applied = false;
                if ((c->st.in_scope || c->access) && c->in_flight == 0)
                    ctx_begin(c);
            }
            continue;
        }
        ctx_adopt(c, nk);
        (*restarted)++;
    }
    /* the new names (completion, pins' current-context); the old ones stay valid */
    p->old_kcs = xrealloc(p->old_kcs, (p->n_old + 1) * sizeof *p->old_kcs);
    p->old_names = xrealloc(p->old_names, (p->n_old + 1) * sizeof *p->old_names);
    p->old_kcs[p->n_old] = p->kc;
    p->old_names[p->n_old++] = p->ctx_names;
    p->kc = kc;
    p->n_ctx_names = kubeconfig_context_count(kc);
    p->ctx_names = xcalloc(p->n_ctx_names ? p->n_ctx_names : 1, sizeof *p->ctx_names);
    for (size_t i = 0; i < p->n_ctx_names; i++)
        p->ctx_names[i] = kubeconfig_context_name(kc, i);
    p->changed = true;
    return 0;
}

/* ---- life --------------------------------------------------------------------------- */

static struct k8s_ctx *ctx_new(struct k8s_poller *p, const char *name) {
    struct k8s_ctx *c = xcalloc(1, sizeof *c);
    c->p = p;
    c->st.in_scope = true;
    char err[256] = "";
    /* the current context by its name, even when it does not resolve (its error shows) */
    const char *cur = kubeconfig_current_context(p->kc);
    c->st.name = xstrdup(name ? name : cur ? cur : "");
    c->kc = kubeconfig_resolve(p->kc, name, err, sizeof err);
    if (c->kc == NULL) {
        snprintf(c->st.error, sizeof c->st.error, "%s", err);
        return c;
    }
    if (name == NULL) {
        free(c->st.name);
        c->st.name = xstrdup(c->kc->name);
    }
    c->st.namespace = xstrdup(c->kc->namespace);
    c->st.server = c->kc->server;
    c->server_shown = server_shown(c->kc->server);
    c->st.scope = p->user_ns ? xstrdup(p->user_ns) : NULL;
    kubeconfig_context_tls(c->kc, &c->tls);
    ctx_io_init(c);
    c->files_print = files_print(c->kc);
    if (c->kc->exec) {
        struct exec_cluster_info info;
        kubeconfig_context_exec_cluster(c->kc, &info);
        c->exec = exec_credential_plugin_new(p->loop, c->kc->exec, &info, 0, on_credential, c);
    }
    return c;
}

static bool is_pin(const struct config_cluster *cc) {
    return cc->flink == NULL && cc->resource != NULL && cc->name != NULL;
}

/* Add the context name (NULL: current-context) unless it is in use already; a new one
 * is polled when active. Returns it (borrowed). */
static struct k8s_ctx *add_ctx_as(struct k8s_poller *p, const char *name, bool active) {
    const char *cur = kubeconfig_current_context(p->kc);
    const char *want = name ? name : cur;
    for (size_t k = 0; k < p->n_ctxs; k++)
        if (str_eq(p->ctxs[k]->st.name, want))
            return p->ctxs[k];
    p->ctxs = xrealloc(p->ctxs, (p->n_ctxs + 1) * sizeof *p->ctxs);
    p->states = xrealloc(p->states, (p->n_ctxs + 1) * sizeof *p->states);
    struct k8s_ctx *c = ctx_new(p, name);
    c->st.in_scope = active;
    p->states[p->n_ctxs] = &c->st;
    p->ctxs[p->n_ctxs++] = c;
    /* the model's list of contexts follows (the array may have moved) */
    p->app->k8s_contexts = p->states;
    p->app->n_k8s_contexts = p->n_ctxs;
    return c;
}

static void add_ctx(struct k8s_poller *p, const char *name) { add_ctx_as(p, name, true); }

/* A plain cluster whose restart patches a standalone Deployment. */
static bool is_standalone(const struct config_cluster *cc) {
    return cc->flink != NULL && cc->deployment != NULL;
}

/* The cluster of standalone entry cc gets its state (standalone.h), asked through c: in
 * cc's namespace, else the context's, as a restart would patch it. */
static void link_standalone(struct k8s_poller *p, const struct config_cluster *cc,
                            struct k8s_ctx *c) {
    for (size_t i = 0; cc->name && i < p->app->n_clusters; i++) {
        struct cluster *cl = &p->app->clusters[i];
        if (cl->standalone || cl->k8s.name || cl->name == NULL || strcmp(cl->name, cc->name) != 0)
            continue;
        const char *ns = cc->ns ? cc->ns : c->kc ? c->kc->namespace : NULL;
        cl->standalone = standalone_new(c->st.name, ns, cc->deployment);
        p->links = xrealloc(p->links, (p->n_links + 1) * sizeof *p->links);
        p->links[p->n_links++] = (struct standalone_link){i, c, false};
        return;
    }
}

/* The standalone cluster on screen: its Deployments, once a round, as the screen in view.
 * By its app label once the named one has shown it (the task managers' Deployment too),
 * else the named one alone. */
static void ask_standalones(struct k8s_poller *p) {
    for (size_t i = 0; i < p->n_links; i++) {
        struct standalone_link *k = &p->links[i];
        struct k8s_ctx *c = k->c;
        const struct standalone_state *s = p->app->clusters[k->cluster].standalone;
        if ((int)k->cluster != p->focus || k->in_flight || s == NULL || c->kc == NULL ||
            c->waiting_cred || (c->exec && !c->cred_applied))
            continue;
        char *ens = curl_easy_escape(NULL, s->namespace, 0);
        char *path;
        if (s->app) {
            char *sel = xasprintf("app=%s", s->app);
            char *esel = curl_easy_escape(NULL, sel, 0);
            path = xasprintf(K8S_APPS_API "/namespaces/%s/deployments?labelSelector=%s",
                             ens ? ens : "", esel ? esel : "");
            curl_free(esel);
            free(sel);
        } else {
            char *ename = curl_easy_escape(NULL, s->deployment, 0);
            path = xasprintf(K8S_APPS_API "/namespaces/%s/deployments/%s", ens ? ens : "",
                             ename ? ename : "");
            curl_free(ename);
        }
        curl_free(ens);
        struct k8s_fetch *f = submit_prio(c, KF_STANDALONE, NULL, path, NULL, HTTP_PRIO_VIEW);
        free(path);
        if (f) {
            f->link = i;
            k->in_flight = true;
        }
    }
}

struct k8s_poller *k8s_poller_new(struct app *app, struct http *http, struct loop *loop,
                                  const struct k8s_poller_options *o, char *err, size_t errlen) {
    struct kubeconfig *kc = kubeconfig_load(o->kubeconfig, err, errlen);
    if (kc == NULL)
        return NULL;
    for (size_t i = 0; i < kubeconfig_warning_count(kc); i++) /* before the screen starts */
        fprintf(stderr, "flinktop: warning: %s\n", kubeconfig_warning(kc, i));
    /* the contexts: --context, else the pins' (NULL: current-context), else the current */
    size_t n_pins = 0;
    bool pin_wants_current = false;
    for (size_t i = 0; i < o->n_pins; i++) {
        if (!is_pin(&o->pins[i]))
            continue;
        n_pins++;
        pin_wants_current |= o->pins[i].context == NULL;
    }
    bool by_pins = o->n_contexts == 0 && n_pins > 0;
    bool need_current = !o->access_only && o->n_contexts == 0 && (!by_pins || pin_wants_current);
    if (need_current && kubeconfig_current_context(kc) == NULL) {
        if (kubeconfig_context_count(kc) == 0)
            snprintf(err, errlen, "kubeconfig: no context found");
        else
            snprintf(err, errlen, "kubeconfig: no current-context: give --context NAME");
        kubeconfig_free(kc);
        return NULL;
    }
    struct k8s_poller *p = xcalloc(1, sizeof *p);
    p->focus = -1;
    p->app = app;
    p->http = http;
    p->loop = loop;
    p->kc = kc;
    p->user_ns = o->namespace ? xstrdup(o->namespace) : NULL;
    p->kubeconfig_path = o->kubeconfig ? xstrdup(o->kubeconfig) : NULL;
    p->user_all = o->all_namespaces;
    p->list_only = o->list_only;
    p->n_ctx_names = kubeconfig_context_count(kc);
    p->ctx_names = xcalloc(p->n_ctx_names ? p->n_ctx_names : 1, sizeof *p->ctx_names);
    for (size_t i = 0; i < p->n_ctx_names; i++)
        p->ctx_names[i] = kubeconfig_context_name(kc, i);
    p->pins = xcalloc(n_pins ? n_pins : 1, sizeof *p->pins);
    for (size_t i = 0; i < o->n_pins; i++) {
        const struct config_cluster *cc = &o->pins[i];
        if (!is_pin(cc))
            continue;
        struct config_cluster *pin = &p->pins[p->n_pins++];
        pin->name = xstrdup(cc->name);
        pin->resource = xstrdup(cc->resource);
        pin->context = cc->context ? xstrdup(cc->context) : NULL;
        pin->ns = cc->ns ? xstrdup(cc->ns) : NULL;
        pin->line = cc->line;
    }
    if (o->n_contexts > 0) {
        for (size_t i = 0; i < o->n_contexts; i++)
            add_ctx(p, o->contexts[i]);
    } else if (by_pins) {
        for (size_t i = 0; i < p->n_pins; i++)
            add_ctx(p, p->pins[i].context);
    } else if (!o->access_only) {
        add_ctx(p, NULL);
    }
    /* the contexts of standalone Deployments: resolved and their credential kept ready
     * for k8s_poller_context_access, listed only when they are in use anyway */
    for (size_t i = 0; i < o->n_pins; i++) {
        if (!is_standalone(&o->pins[i]))
            continue;
        struct k8s_ctx *c = add_ctx_as(p, o->pins[i].context, false);
        c->access = true;
        link_standalone(p, &o->pins[i], c);
    }
    return p;
}

static void ctx_free(struct k8s_ctx *c) {
    watches_free(c);
    free(c->watches);
    exec_credential_plugin_free(c->exec);
    free(c->server_shown);
    free(c->identity);
    struct k8s_context_state *s = &c->st;
    free(s->name);
    free(s->namespace);
    free(s->scope);
    k8s_context_data_free(s);
    k8s_autoscaler_free_all(s);
    memset(&c->tls, 0, sizeof c->tls);
    kubeconfig_context_free(c->kc);
    free(c);
}

void k8s_poller_free(struct k8s_poller *p) {
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_ctxs; i++)
        ctx_free(p->ctxs[i]);
    free(p->ctxs);
    free(p->states);
    free(p->links);
    free(p->user_ns);
    free(p->ctx_names);
    for (size_t i = 0; i < p->n_pins; i++) {
        free(p->pins[i].name);
        free(p->pins[i].resource);
        free(p->pins[i].context);
        free(p->pins[i].ns);
    }
    free(p->pins);
    kubeconfig_free(p->kc);
    for (size_t i = 0; i < p->n_old; i++) {
        kubeconfig_free(p->old_kcs[i]);
        free(p->old_names[i]);
    }
    free(p->old_kcs);
    free(p->old_names);
    free(p->kubeconfig_path);
    free(p);
}

void k8s_poller_stop(struct k8s_poller *p) {
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_ctxs; i++) {
        watches_free(p->ctxs[i]); /* streams cancelled, timers given back */
        exec_credential_plugin_free(p->ctxs[i]->exec);
        p->ctxs[i]->exec = NULL;
        p->ctxs[i]->waiting_cred = false;
    }
}

/* A healthy stream keeps what it watches current: its lists' data is as of now, not as
 * of the list it started from (the footer's "oldest data" and the stale markers read
 * last_ok_ms). */
static void watches_fresh(struct k8s_ctx *c, int64_t now) {
    for (size_t k = 0; k < c->n_watches; k++) {
        const struct kwatch *kw = c->watches[k];
        if (k8s_watch_state(kw->w) != K8S_WATCH_WATCHING)
            continue;
        if (kw->kind == WK_DEPLOYMENTS && c->st.last_ok_ms > 0)
            c->st.last_ok_ms = now;
        if (!k8s_wkind_namespaced(kw->kind))
            continue;
        for (size_t i = 0; i < c->st.n_namespaces; i++) {
            struct source *s = &c->st.namespaces[i].lists[wkind_fetch(kw->kind) - KF_PODS];
            if ((kw->ns == NULL || strcmp(kw->ns, c->st.namespaces[i].name) == 0) &&
                s->state == SOURCE_OK)
                s->last_ok_ms = now;
        }
    }
}

/* One autoscaled deployment's ConfigMap: a GET (k8s_autoscaler_due's ask), as the screen
 * in view when it is the job on screen's, else in the background. */
static void ask_autoscaler(void *arg, struct autoscaler_state *a, bool urgent) {
    struct k8s_ctx *c = arg;
    char *path = k8s_autoscaler_path(a->ns, a->name);
    char *key = xasprintf("%s/%s", a->ns, a->name);
    int before = c->in_flight;
    enum http_priority prio = urgent ? HTTP_PRIO_VIEW : HTTP_PRIO_BACKGROUND;
    submit_prio(c, KF_AUTOSCALER, key, path, NULL, prio);
    if (c->in_flight == before && !urgent) /* not submitted: asked again next interval */
        a->in_flight = false;
    free(key);
    free(path);
}

/* The deployment of the cluster on screen, for its ConfigMap's priority; NULLs none. */
static void focus_resource(const struct k8s_poller *p, const char **ns, const char **name) {
    *ns = *name = NULL;
    if (p->focus < 0 || (size_t)p->focus >= p->app->n_clusters)
        return;
    const struct cluster *cl = &p->app->clusters[p->focus];
    *ns = cl->k8s.namespace;
    *name = cl->k8s.name;
}

void k8s_poller_round(struct k8s_poller *p) {
    for (size_t i = 0; i < p->n_ctxs; i++) {
        struct k8s_ctx *c = p->ctxs[i];
        watches_fresh(c, clock_now(p->clock));
        const char *fns, *fname;
        focus_resource(p, &fns, &fname);
        int every = p->app->detail_interval_ms > 0 ? p->app->detail_interval_ms : 30000;
        if (c->kc != NULL && c->st.in_scope && c->st.listed && !p->list_only)
            k8s_autoscaler_due(&c->st, clock_now(p->clock), every, fns, fname, ask_autoscaler, c);
        if (c->kc != NULL && c->st.in_scope && !p->list_only && !c->watch_forbidden &&
            ++c->apps_rounds >= K8S_LIST_EVERY) { /* streams, but not of Deployments */
            c->apps_rounds = 0;
            for (size_t k = 0; k < c->n_watches; k++)
                if (c->watches[k]->kind == WK_APPS)
                    k8s_watch_list_again(c->watches[k]->w);
        }
        if (c->kc == NULL || c->in_flight > 0 || c->waiting_cred)
            continue; /* never pile up on a slow API server */
        if (!c->st.in_scope && !(c->access && c->exec))
            continue; /* out of scope; a context kept for actions renews its credential */
        if (c->watch_forbidden && !p->list_only && c->st.in_scope &&
            ++c->list_rounds < K8S_LIST_EVERY)
            continue; /* watch forbidden: lists, at a slower period */
        c->list_rounds = 0;
        c->retried = false;
        c->restart = false;
        ctx_begin(c);
    }
    ask_standalones(p); /* after ctx_begin: an exec plugin's credential is in place */
}

bool k8s_poller_busy(const struct k8s_poller *p) {
    for (size_t i = 0; i < p->n_ctxs; i++) {
        const struct k8s_ctx *c = p->ctxs[i];
        if (c->in_flight > 0 || (c->waiting_cred && c->st.in_scope))
            return true;
        for (size_t k = 0; k < c->n_watches; k++) /* a stream is not busy, its list is */
            if (k8s_watch_state(c->watches[k]->w) == K8S_WATCH_LISTING)
                return true;
    }
    return false;
}

bool k8s_poller_take_changed(struct k8s_poller *p) {
    bool c = p->changed;
    p->changed = false;
    return c;
}

bool k8s_poller_take_added(struct k8s_poller *p) {
    bool a = p->added;
    p->added = false;
    return a;
}

void k8s_poller_set_clock(struct k8s_poller *p, const struct clock *clock) { p->clock = clock; }

size_t k8s_poller_context_count(const struct k8s_poller *p) { return k8s_context_count(p->app); }

const struct k8s_context_state *k8s_poller_context(const struct k8s_poller *p, size_t i) {
    return k8s_context_at(p->app, i);
}

/* ---- scope: :ctx, :ns ---------------------------------------------------------------- */

/* List again now with the context's current scope. With an exec plugin run under way the
 * credential's arrival starts the round; answers still in flight are stale (gen). */
static void ctx_relist(struct k8s_ctx *c) {
    if (c->kc == NULL || c->waiting_cred)
        return;
    c->retried = false;
    c->restart = false;
    ctx_begin(c);
}

int k8s_poller_set_scope(struct k8s_poller *p, const char *context, const char *ns, char *err,
                         size_t errlen) {
    if (context != NULL) {
        bool known = false;
        for (size_t i = 0; i < p->n_ctx_names && !known; i++)
            known = str_eq(p->ctx_names[i], context);
        if (!known) {
            char *safe = sanitize_strdup(context);
            snprintf(err, errlen, "no context \"%.80s\" in the kubeconfig", safe);
            free(safe);
            return -1;
        }
    }
    bool all = ns != NULL && (strcmp(ns, "all") == 0 || ns[0] == '\0');
    if (ns != NULL && !all && !k8s_poller_valid_namespace(ns)) {
        char *safe = sanitize_strdup(ns);
        snprintf(err, errlen, "not a namespace name: \"%.80s\"", safe);
        free(safe);
        return -1;
    }
    if (context != NULL) {
        add_ctx(p, context); /* no-op when it is in use or was before */
        for (size_t i = 0; i < p->n_ctxs; i++) {
            struct k8s_ctx *c = p->ctxs[i];
            bool want = str_eq(c->st.name, context);
            if (c->st.in_scope != want)
                c->gen++;
            c->st.in_scope = want;
        }
    }
    if (ns != NULL) {
        free(p->user_ns);
        p->user_ns = all ? NULL : xstrdup(ns);
    }
    for (size_t i = 0; i < p->n_ctxs; i++) {
        struct k8s_ctx *c = p->ctxs[i];
        if (!c->st.in_scope)
            continue;
        free(c->st.scope);
        c->st.scope = p->user_ns ? xstrdup(p->user_ns) : NULL;
        c->st.fell_back = false;
        c->gen++;
        c->relisting = true;
    }
    for (size_t i = 0; i < p->n_ctxs; i++) { /* the old streams stop; new ones start */
        struct k8s_ctx *c = p->ctxs[i];
        watches_free(c);
        memset(c->per_ns, 0, sizeof c->per_ns);
        c->want_restart = c->want_list_mode = c->ns_grew = false;
    }
    apply_hidden(p);
    p->changed = true;
    for (size_t i = 0; i < p->n_ctxs; i++)
        if (p->ctxs[i]->st.in_scope)
            ctx_relist(p->ctxs[i]);
    return 0;
}

size_t k8s_poller_context_names(const struct k8s_poller *p, const char ***out) {
    *out = p->ctx_names;
    return p->n_ctx_names;
}

static int cmp_strp(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

size_t k8s_poller_namespace_names(const struct k8s_poller *p, const char ***out) {
    const struct app *a = p->app;
    size_t cap = a->n_clusters + p->n_ctxs;
    const char **v = xcalloc(cap ? cap : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < a->n_clusters; i++)
        if (a->clusters[i].k8s.namespace)
            v[n++] = a->clusters[i].k8s.namespace;
    for (size_t i = 0; i < p->n_ctxs; i++)
        if (p->ctxs[i]->st.namespace)
            v[n++] = p->ctxs[i]->st.namespace;
    qsort(v, n, sizeof *v, cmp_strp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || strcmp(v[k - 1], v[i]) != 0)
            v[k++] = v[i];
    *out = v;
    return k;
}

void k8s_poller_scope_label(const struct k8s_poller *p, char *buf, size_t size) {
    size_t n = k8s_poller_context_count(p);
    const struct k8s_context_state *first = k8s_poller_context(p, 0);
    const char *ns = p->user_ns;
    bool several = false;
    if (ns == NULL) {
        /* all namespaces, unless every context fell back to one and the same */
        for (size_t i = 0; i < n; i++) {
            const struct k8s_context_state *s = k8s_poller_context(p, i);
            if (i == 0)
                ns = s->scope;
            else if ((ns == NULL) != (s->scope == NULL) || (ns && strcmp(ns, s->scope) != 0))
                several = true;
        }
    }
    char ctx[96];
    if (first == NULL) /* only contexts kept for standalone Deployments: none polled */
        snprintf(ctx, sizeof ctx, "-");
    else if (n == 1)
        snprintf(ctx, sizeof ctx, "%s", first->name[0] ? first->name : "-");
    else
        snprintf(ctx, sizeof ctx, "%zu contexts", n);
    snprintf(buf, size, "ctx: %s  ns: %s", ctx, several ? "several" : ns ? ns : "all");
}

/* ---- for actions ----------------------------------------------------------------------- */

bool k8s_poller_context_access(const struct k8s_poller *p, const char *context,
                               struct k8s_access *out, char *err, size_t errlen) {
    memset(out, 0, sizeof *out);
    const char *want = context ? context : kubeconfig_current_context(p->kc);
    if (want == NULL) {
        snprintf(err, errlen,
                 "the kubeconfig has no current-context: name one in the config "
                 "(context: NAME)");
        return false;
    }
    const struct k8s_ctx *c = NULL;
    for (size_t i = 0; i < p->n_ctxs && c == NULL; i++)
        if (str_eq(p->ctxs[i]->st.name, want))
            c = p->ctxs[i];
    if (c != NULL && c->kc != NULL) { /* known even while the credential is not */
        out->context = c->st.name;
        out->namespace = c->st.namespace;
        out->server = c->kc->server;
        out->tls = &c->tls;
        /* who the API server says we are, else the kubeconfig user the context names */
        out->user = c->identity ? c->identity : c->kc->user_name;
    }
    char *safe = sanitize_strdup(want);
    bool ok = false;
    if (c == NULL)
        snprintf(err, errlen,
                 "context \"%.80s\" was not loaded at start: restart flinktop to use it", safe);
    else if (c->kc == NULL)
        snprintf(err, errlen, "context \"%.80s\": %s", safe,
                 c->st.error[0] ? c->st.error : "does not resolve");
    else if (c->exec && !c->cred_applied)
        snprintf(err, errlen, "context \"%.80s\": %s", safe,
                 c->waiting_cred || c->st.error[0] == '\0'
                     ? "the exec credential plugin has not answered yet: try again in a moment"
                     : c->st.error);
    else
        ok = true;
    free(safe);
    return ok;
}

void k8s_poller_refresh_now(struct k8s_poller *p, const struct cluster *c) {
    for (size_t i = 0; i < p->n_ctxs; i++) {
        struct k8s_ctx *x = p->ctxs[i];
        if (!x->st.in_scope || (c != NULL && &x->st != c->k8s.ctx))
            continue;
        struct kwatch *d = find_watch(x, WK_DEPLOYMENTS, x->st.scope);
        if (d && k8s_watch_state(d->w) == K8S_WATCH_WATCHING)
            continue; /* the stream brings the change */
        if (d) {      /* between streams: list again now */
            k8s_watch_start(d->w);
            continue;
        }
        if (x->in_flight > 0)
            x->restart = true; /* on_done begins again when the last answer is in */
        else
            ctx_relist(x);
    }
}

void k8s_cluster_credential_rejected(struct k8s_poller *p, const struct cluster *c) {
    struct k8s_ctx *x = find_ctx(p, c->k8s.ctx);
    if (x == NULL || x->exec == NULL || x->waiting_cred)
        return;
    exec_credential_invalidate(x->exec);
    /* nothing of the refused credential stays applied (http_submit copied what it used) */
    kubeconfig_context_tls(x->kc, &x->tls);
    x->cred_applied = false;
    /* run the plugin now rather than at the next refresh */
    if (x->st.in_scope && x->in_flight == 0)
        ctx_relist(x);
    else
        x->restart = true;
}

/* ---- the source interface ------------------------------------------------------------ */

static void ops_round(void *self, const struct source_focus *focus) {
    /* every context in scope lists everything each round; the focus says only which
     * autoscaler ConfigMap is on screen */
    ((struct k8s_poller *)self)->focus = focus ? focus->cluster : -1;
    k8s_poller_round(self);
}
static bool ops_take_changed(void *self) { return k8s_poller_take_changed(self); }
static bool ops_busy(const void *self) { return k8s_poller_busy(self); }
static void ops_free(void *self) { k8s_poller_free(self); }

const struct source_ops k8s_poller_source_ops = {"kubernetes",     ops_round, on_response,
                                                 ops_take_changed, ops_busy,  ops_free};

struct data_source k8s_poller_source(struct k8s_poller *p) {
    return (struct data_source){&k8s_poller_source_ops, p};
}
