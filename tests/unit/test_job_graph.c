/* The job graph's layout: every vertex once, upstream before downstream, chains kept
 * together, depths as the longest path, and nothing hangs or is lost on a bad plan. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "job_graph.h"

/* n vertices "v0".."v{n-1}"; edges as pairs {up, down}; up -1 names no vertex */
static struct vertex_list make(size_t n, const int (*edges)[2], size_t n_edges) {
    struct vertex_list l = {calloc(n, sizeof(struct vertex)), n};
    for (size_t i = 0; i < n; i++) {
        snprintf(l.items[i].id, sizeof l.items[i].id, "v%zu", i);
        l.items[i].inputs = calloc(n_edges + 1, sizeof *l.items[i].inputs);
        l.items[i].ship = calloc(n_edges + 1, sizeof *l.items[i].ship);
    }
    for (size_t e = 0; e < n_edges; e++) {
        struct vertex *v = &l.items[edges[e][1]];
        if (edges[e][0] >= 0)
            snprintf(v->inputs[v->n_inputs], 33, "v%d", edges[e][0]);
        else
            snprintf(v->inputs[v->n_inputs], 33, "gone");
        snprintf(v->ship[v->n_inputs], 24, "HASH");
        v->n_inputs++;
    }
    return l;
}

static void drop(struct vertex_list *l) {
    for (size_t i = 0; i < l->len; i++) {
        free(l->items[i].inputs);
        free(l->items[i].ship);
    }
    free(l->items);
}

static size_t order(const struct job_graph *g, size_t i) { return g->rows[i].vertex; }

/* every vertex exactly once; every input that is placed earlier is above its vertex */
static void assert_topological(const struct vertex_list *l, const struct job_graph *g) {
    assert_int_equal(g->n, l->len);
    for (size_t v = 0; v < l->len; v++) {
        int seen = 0;
        for (size_t r = 0; r < g->n; r++)
            seen += order(g, r) == v;
        assert_int_equal(seen, 1);
        assert_int_equal(order(g, (size_t)g->number[v] - 1), v);
    }
}

static void a_chain_reads_top_down_each_row_chained(void **state) {
    (void)state;
    const int e[][2] = {{0, 1}, {1, 2}, {2, 3}};
    struct vertex_list l = make(4, e, 3);
    struct job_graph g;
    job_graph_build(&l, &g);
    assert_topological(&l, &g);
    for (size_t r = 0; r < 4; r++) {
        assert_int_equal(order(&g, r), r);
        assert_int_equal(g.rows[r].depth, (int)r);
        assert_int_equal(g.rows[r].chained, r > 0);
    }
    assert_int_equal(g.max_depth, 3);
    assert_int_equal(g.edges, 3);
    job_graph_free(&g);
    drop(&l);
}

static void a_diamond_joins_after_both_branches(void **state) {
    (void)state;
    /* v0 -> v1 -> v3, v0 -> v2 -> v3 */
    const int e[][2] = {{0, 1}, {0, 2}, {1, 3}, {2, 3}};
    struct vertex_list l = make(4, e, 4);
    struct job_graph g;
    job_graph_build(&l, &g);
    assert_topological(&l, &g);
    assert_int_equal(order(&g, 0), 0);
    assert_int_equal(order(&g, 1), 1);
    assert_int_equal(order(&g, 2), 2);
    assert_int_equal(order(&g, 3), 3);
    assert_true(g.rows[1].chained);  /* v1's one input is v0, right above */
    assert_false(g.rows[2].chained); /* v2's input v0 is two rows up: named, not drawn */
    assert_false(g.rows[3].chained); /* two inputs */
    assert_int_equal(g.rows[3].depth, 2);
    job_graph_free(&g);
    drop(&l);
}

static void fan_in_of_two_sources_then_a_sink(void **state) {
    (void)state;
    /* plan order: join first, then the sources, the sink last */
    const int e[][2] = {{1, 0}, {2, 0}, {0, 3}};
    struct vertex_list l = make(4, e, 3);
    struct job_graph g;
    job_graph_build(&l, &g);
    assert_topological(&l, &g);
    assert_int_equal(order(&g, 0), 1);
    assert_int_equal(order(&g, 1), 2);
    assert_int_equal(order(&g, 2), 0);
    assert_int_equal(order(&g, 3), 3);
    assert_true(g.rows[3].chained);
    assert_int_equal(g.rows[0].depth, 0);
    assert_int_equal(g.rows[1].depth, 0);
    assert_int_equal(g.rows[3].depth, 2);
    job_graph_free(&g);
    drop(&l);
}

static void forty_vertices_keep_every_edge_downward(void **state) {
    (void)state;
    enum { N = 40 };
    int (*e)[2] = calloc(3 * N, sizeof *e);
    size_t n_e = 0;
    unsigned seed = 7;
    /* a DAG listed in shuffled order: vertex p(i) feeds p(j) only for i < j */
    int p[N];
    for (int i = 0; i < N; i++)
        p[i] = i;
    for (int i = N - 1; i > 0; i--) {
        seed = seed * 1103515245u + 12345u;
        int j = (int)(seed % (unsigned)(i + 1)), t = p[i];
        p[i] = p[j];
        p[j] = t;
    }
    for (int j = 1; j < N; j++)
        for (int k = 0; k < 3; k++) {
            seed = seed * 1103515245u + 12345u;
            int i = (int)(seed % (unsigned)j);
            if (k > 0 && seed % 3 != 0)
                continue;
            e[n_e][0] = p[i];
            e[n_e][1] = p[j];
            n_e++;
        }
    struct vertex_list l = make(N, (const int(*)[2])e, n_e);
    struct job_graph g;
    job_graph_build(&l, &g);
    assert_topological(&l, &g);
    for (size_t v = 0; v < N; v++) {
        int deepest = -1;
        for (int k = 0; k < l.items[v].n_inputs; k++) {
            long u = job_graph_find(&l, l.items[v].inputs[k]);
            assert_true(g.number[u] < g.number[v]); /* upstream above */
            int du = g.rows[g.number[u] - 1].depth;
            if (du > deepest)
                deepest = du;
        }
        assert_int_equal(g.rows[g.number[v] - 1].depth, deepest + 1);
    }
    job_graph_free(&g);
    drop(&l);
    free(e);
}

static void a_cycle_or_a_missing_input_loses_no_vertex(void **state) {
    (void)state;
    const int e[][2] = {{1, 0}, {0, 1}, {-1, 2}};
    struct vertex_list l = make(3, e, 3);
    struct job_graph g;
    job_graph_build(&l, &g);
    assert_topological(&l, &g);
    assert_int_equal(g.edges, 2); /* "gone" names no vertex */
    job_graph_free(&g);
    drop(&l);

    struct vertex_list none = {NULL, 0};
    job_graph_build(&none, &g);
    assert_int_equal(g.n, 0);
    assert_int_equal(g.max_depth, -1);
    job_graph_free(&g);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_chain_reads_top_down_each_row_chained),
        cmocka_unit_test(a_diamond_joins_after_both_branches),
        cmocka_unit_test(fan_in_of_two_sources_then_a_sink),
        cmocka_unit_test(forty_vertices_keep_every_edge_downward),
        cmocka_unit_test(a_cycle_or_a_missing_input_loses_no_vertex),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
