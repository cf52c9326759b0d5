/* The job graph as rows a terminal can draw (the Web UI draws boxes and arrows; 80
 * columns cannot): the vertices in topological order, each at its depth (the longest
 * path from a source), numbered [1..n] in that order so that identically named vertices
 * are told apart and an edge can name its upstream vertex by number. A chain stays
 * together: after a vertex comes its first ready child, so a pipeline reads top down.
 *
 * Pure: built from the vertex list's plan inputs (vertex.inputs, vertex.ship), no curses.
 * A plan with a cycle (not a valid Flink plan, but untrusted input) still gives every
 * vertex exactly one row. */
#ifndef FLINKTOP_JOB_GRAPH_H
#define FLINKTOP_JOB_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "job_detail.h"

struct job_graph_row {
    size_t vertex; /* index into the vertex list */
    int depth;     /* 0 for a source; 1 + the deepest input otherwise */
    bool chained;  /* its one input is the row right above it */
};

struct job_graph {
    struct job_graph_row *rows; /* owned, one per vertex, in drawing order */
    size_t n;
    int *number;   /* owned, per vertex index: its row number, 1-based */
    int max_depth; /* -1 when empty */
    size_t edges;  /* inputs that name a vertex of the list */
};

/* Lay out l into g (which the caller frees with job_graph_free, also when l is empty). */
void job_graph_build(const struct vertex_list *l, struct job_graph *g);
void job_graph_free(struct job_graph *g);
/* Index of the vertex with id in l, -1 none. */
long job_graph_find(const struct vertex_list *l, const char *id);

#endif
