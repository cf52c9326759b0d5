#include "standalone.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct standalone_state *standalone_new(const char *context, const char *ns,
                                        const char *deployment) {
    struct standalone_state *s = xcalloc(1, sizeof *s);
    s->context = context ? xstrdup(context) : NULL;
    s->namespace = xstrdup(ns ? ns : "default");
    s->deployment = xstrdup(deployment);
    source_init(&s->src);
    return s;
}

void standalone_free(struct standalone_state *s) {
    if (s == NULL)
        return;
    free(s->context);
    free(s->namespace);
    free(s->deployment);
    free(s->app);
    apps_deployment_list_free(&s->apps);
    free(s);
}

static bool named(const struct standalone_state *s, const struct apps_deployment *d) {
    return d->name && strcmp(d->name, s->deployment) == 0 &&
           (d->namespace == NULL || strcmp(d->namespace, s->namespace) == 0);
}

void standalone_take(struct standalone_state *s, struct apps_deployment_list *l, int64_t now) {
    apps_deployment_list_replace(&s->apps, l);
    for (size_t i = 0; i < s->apps.len; i++) {
        const struct apps_deployment *d = &s->apps.items[i];
        if (!named(s, d))
            continue;
        /* its app label, as it is now (a relabelled Deployment is followed) */
        free(s->app);
        s->app = d->app && d->app[0] ? xstrdup(d->app) : NULL;
    }
    s->listed = true;
    source_ok(&s->src, now);
}

const struct apps_deployment **standalone_deployments(const struct standalone_state *s, size_t *n) {
    *n = 0;
    if (s == NULL || s->apps.len == 0)
        return NULL;
    const struct apps_deployment **out = xcalloc(s->apps.len, sizeof *out);
    for (size_t i = 0; i < s->apps.len; i++)
        if (named(s, &s->apps.items[i]))
            out[(*n)++] = &s->apps.items[i];
    for (size_t i = 0; i < s->apps.len; i++) {
        const struct apps_deployment *d = &s->apps.items[i];
        if (!named(s, d) && s->app && d->app && strcmp(d->app, s->app) == 0)
            out[(*n)++] = d;
    }
    if (*n == 0) {
        free(out);
        return NULL;
    }
    return out;
}
