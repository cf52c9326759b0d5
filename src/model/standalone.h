/* A plain cluster restarted through its standalone Deployment (a config entry with
 * `deployment:`): what the API server says of that Deployment and of the others with its
 * app label (Flink's standalone setup has NAME-jobmanager and NAME-taskmanager), for
 * tab 6. k8s_poller.c asks while the cluster's screens are in view and fills it; the
 * cluster owns it (struct cluster.standalone). */
#ifndef FLINKTOP_STANDALONE_H
#define FLINKTOP_STANDALONE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "k8s_model.h"
#include "source.h"

struct standalone_state {
    char *context;                    /* owned: the kubeconfig context it is reached through */
    char *namespace;                  /* owned */
    char *deployment;                 /* owned: the Deployment a restart patches */
    char *app;                        /* owned: that Deployment's labels["app"]; NULL: not
                                         seen yet, or it has none */
    struct apps_deployment_list apps; /* owned: the last good answer */
    bool listed;                      /* a good answer came */
    struct source src;
};

/* Returns an owned state (free with standalone_free); the strings are copied. */
struct standalone_state *standalone_new(const char *context, const char *ns,
                                        const char *deployment);
void standalone_free(struct standalone_state *s);

/* A good answer at now: the named Deployment alone, or every Deployment with its app
 * label. Takes l's items (l is left empty). Learns the app label from the named one. */
void standalone_take(struct standalone_state *s, struct apps_deployment_list *l, int64_t now);

/* What tab 6 shows: the named Deployment first, then the others with its app label, in
 * list order: owned array of borrowed pointers (free the array only); NULL, *n 0, none. */
const struct apps_deployment **standalone_deployments(const struct standalone_state *s, size_t *n);

#endif
