#include "prom_target.h"

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "app.h"
#include "config.h"
#include "k8s_model.h"
#include "xalloc.h"

int prom_target_resolve(const struct app *app, const struct config *cfg, const char *cli_url,
                        char **url, const struct http_tls **tls, char *err, size_t errlen) {
    *url = NULL;
    *tls = NULL;
    if (cli_url || (cfg && cfg->prometheus)) {
        *url = xstrdup(cli_url ? cli_url : cfg->prometheus);
        return 1;
    }
    if (cfg == NULL || cfg->prometheus_service == NULL)
        return 0;
    const char *want = cfg->prometheus_context;
    const struct k8s_context_state *s = NULL;
    for (size_t i = 0; app && i < app->n_k8s_contexts && s == NULL; i++) {
        const struct k8s_context_state *x = app->k8s_contexts[i];
        if (x && (want == NULL || (x->name && strcmp(x->name, want) == 0)))
            s = x;
    }
    if (s == NULL) {
        snprintf(err, errlen,
                 "prometheus: context %s is not loaded (give it with --context, or use a URL)",
                 want ? want : "(the first)");
        return -1;
    }
    if (s->server == NULL) {
        snprintf(err, errlen, "prometheus: context %s did not resolve%s%s", s->name,
                 s->error[0] ? ": " : "", s->error);
        return -1;
    }
    size_t n = strlen(s->server);
    while (n > 0 && s->server[n - 1] == '/')
        n--;
    bool https = cfg->prometheus_scheme && strcmp(cfg->prometheus_scheme, "https") == 0;
    *url = xasprintf("%.*s/api/v1/namespaces/%s/services/%s%s:%s/proxy", (int)n, s->server,
                     cfg->prometheus_namespace, https ? "https:" : "", cfg->prometheus_service,
                     cfg->prometheus_port ? cfg->prometheus_port : "9090");
    *tls = s->tls;
    return 1;
}
