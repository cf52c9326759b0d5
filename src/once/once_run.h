/* --once: one round of every source, driven through the same interface the console's
 * loop uses (source_ops.h), then the alerts and the report on stdout. */
#ifndef FLINKTOP_ONCE_RUN_H
#define FLINKTOP_ONCE_RUN_H

#include <stddef.h>

#include "app.h"
#include "options.h"
#include "source_ops.h"

struct alerts;
struct loop;
struct prom_source;

/* The sources of one --once run, in two waves; every array and source is borrowed. */
struct once_sources {
    /* asked first, and answered before the others start: Kubernetes, whose lists decide
     * which clusters there are to poll */
    const struct data_source *discover;
    size_t n_discover;
    /* then these side by side: Flink REST, Prometheus (its figures are matched to the
     * jobs when printed, so it need not wait for Flink) */
    const struct data_source *poll;
    size_t n_poll;
    /* borrowed, NULL none: after the rounds, each job's history from before launch
     * (query_range), and Prometheus's own alerts beside flinktop's */
    struct prom_source *prom;
};

/* Runs the rounds to their end (every request answered, failed or timed out: loop and
 * http bound each), evaluates the alerts, prints the JSON or the text report. Returns
 * 0 when every source answered, 3 when some did not. app, loop and alerts are borrowed. */
int once_run(struct app *app, const struct once_sources *src, struct loop *loop,
             struct alerts *alerts, enum output_format fmt);

#endif
