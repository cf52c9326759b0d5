#include "job_graph.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

long job_graph_find(const struct vertex_list *l, const char *id) {
    for (size_t i = 0; i < l->len; i++)
        if (strcmp(l->items[i].id, id) == 0)
            return (long)i;
    return -1;
}

/* All of vertex i's inputs are placed (inputs that name no vertex do not count). */
static bool ready(const struct vertex_list *l, const long *const *in, size_t i,
                  const bool *placed) {
    for (int k = 0; k < l->items[i].n_inputs; k++)
        if (in[i][k] >= 0 && !placed[in[i][k]])
            return false;
    return true;
}

static bool has_input(const struct vertex_list *l, const long *const *in, size_t i, size_t up) {
    for (int k = 0; k < l->items[i].n_inputs; k++)
        if (in[i][k] == (long)up)
            return true;
    return false;
}

void job_graph_build(const struct vertex_list *l, struct job_graph *g) {
    size_t n = l->len;
    memset(g, 0, sizeof *g);
    g->max_depth = -1;
    if (n == 0)
        return;
    g->rows = xcalloc(n, sizeof *g->rows);
    g->number = xcalloc(n, sizeof *g->number);
    /* inputs as indexes, once: -1 for an id that is not a vertex here */
    long **in = xcalloc(n, sizeof *in);
    for (size_t i = 0; i < n; i++) {
        const struct vertex *v = &l->items[i];
        in[i] = xcalloc(v->n_inputs > 0 ? (size_t)v->n_inputs : 1, sizeof *in[i]);
        for (int k = 0; k < v->n_inputs; k++) {
            in[i][k] = job_graph_find(l, v->inputs[k]);
            if (in[i][k] >= 0)
                g->edges++;
        }
    }
    bool *placed = xcalloc(n, sizeof *placed);
    int *depth = xcalloc(n, sizeof *depth);
    const long *const *cin = (const long *const *)in;
    long last = -1;
    for (size_t r = 0; r < n; r++) {
        long pick = -1;
        /* a ready child of the vertex just placed keeps its chain together */
        for (size_t i = 0; last >= 0 && i < n && pick < 0; i++)
            if (!placed[i] && has_input(l, cin, i, (size_t)last) && ready(l, cin, i, placed))
                pick = (long)i;
        /* else the first ready vertex in the plan's order */
        for (size_t i = 0; i < n && pick < 0; i++)
            if (!placed[i] && ready(l, cin, i, placed))
                pick = (long)i;
        /* a cycle: the first vertex left, its placed inputs decide its depth */
        for (size_t i = 0; i < n && pick < 0; i++)
            if (!placed[i])
                pick = (long)i;
        const struct vertex *v = &l->items[pick];
        int d = 0, resolved = 0;
        long only = -1;
        for (int k = 0; k < v->n_inputs; k++) {
            long u = in[pick][k];
            if (u < 0)
                continue;
            resolved++;
            only = u;
            if (placed[u] && depth[u] + 1 > d)
                d = depth[u] + 1;
        }
        placed[pick] = true;
        depth[pick] = d;
        g->rows[r].vertex = (size_t)pick;
        g->rows[r].depth = d;
        g->rows[r].chained = resolved == 1 && only == last;
        g->number[pick] = (int)r + 1;
        if (d > g->max_depth)
            g->max_depth = d;
        last = pick;
    }
    g->n = n;
    for (size_t i = 0; i < n; i++)
        free(in[i]);
    free(in);
    free(placed);
    free(depth);
}

void job_graph_free(struct job_graph *g) {
    free(g->rows);
    free(g->number);
    memset(g, 0, sizeof *g);
    g->max_depth = -1;
}
