#include "subtasks.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void subtask_list_free(struct subtask_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].status);
        free(l->items[i].tm_id);
        free(l->items[i].host);
    }
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

void vertex_tm_list_free(struct vertex_tm_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].tm_id);
        free(l->items[i].host);
        free(l->items[i].status);
    }
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

struct subtask_drill *subtask_drill_new(const char *vid) {
    struct subtask_drill *d = xcalloc(1, sizeof *d);
    snprintf(d->vertex_id, sizeof d->vertex_id, "%s", vid ? vid : "");
    source_init(&d->subtasks_src);
    source_init(&d->tms_src);
    return d;
}

void subtask_drill_free(struct subtask_drill *d) {
    if (d == NULL)
        return;
    subtask_list_free(&d->subtasks);
    vertex_tm_list_free(&d->tms);
    free(d);
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double subtasks_median(const double *v, size_t n) {
    double *k = n ? xmalloc(n * sizeof *k) : NULL;
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (v[i] >= 0) /* NaN and unknown (-1) fail this */
            k[m++] = v[i];
    double med = -1;
    if (m > 0) {
        qsort(k, m, sizeof *k, cmp_double);
        med = m % 2 ? k[m / 2] : (k[m / 2 - 1] + k[m / 2]) / 2;
    }
    free(k);
    return med;
}
