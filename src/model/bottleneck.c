#include "bottleneck.h"

#include <math.h>
#include <string.h>

/* Max over the known entries of a per-subtask array; NaN when none is known. */
static double max_known(const double *a, size_t n) {
    double m = NAN;
    for (size_t i = 0; a && i < n; i++)
        if (!isnan(a[i]) && (isnan(m) || a[i] > m))
            m = a[i];
    return m;
}

static double sampled_or_metric(const struct vertex *v, const double *per_subtask,
                                double metric_ms) {
    double r = v->bp_sampled ? max_known(per_subtask, v->n_subtasks) : NAN;
    return isnan(r) ? metric_ms / 1000.0 : r;
}

double bottleneck_bp_ratio(const struct vertex *v) {
    return sampled_or_metric(v, v->bp_ratio, v->backpressured_ms);
}

double bottleneck_busy_ratio(const struct vertex *v) {
    return sampled_or_metric(v, v->busy_ratio, v->busy_ms);
}

static const struct vertex *find(const struct vertex_list *l, const char *id) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i].id, id) == 0)
            return &l->items[i];
    return NULL;
}

bool bottleneck_is(const struct vertex_list *l, size_t i) {
    if (l == NULL || i >= l->len)
        return false;
    const struct vertex *v = &l->items[i];
    double busy = bottleneck_busy_ratio(v), bp = bottleneck_bp_ratio(v);
    if (isnan(busy) || isnan(bp) || busy < BOTTLENECK_BUSY_MIN || bp > BOTTLENECK_BP_MAX)
        return false;
    for (int k = 0; k < v->n_inputs; k++) {
        const struct vertex *up = find(l, v->inputs[k]);
        double up_bp = up ? bottleneck_bp_ratio(up) : NAN;
        if (!isnan(up_bp) && up_bp > BOTTLENECK_BP_MAX)
            return true;
    }
    return false;
}
