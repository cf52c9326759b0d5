/* The name a vertex is shown by. Flink names vertices after their operators, so a job
 * with two "Map" operators has two vertices called "Map": on the overview, the heatmap
 * and in a health reason they are numbered in the job graph's order ("Map", "Map (2)",
 * "Map (3)"), so the SRE can tell which one is meant. */
#ifndef FLINKTOP_VERTEX_NAME_H
#define FLINKTOP_VERTEX_NAME_H

#include <stddef.h>

#include "job_detail.h"

/* The shown name of vertex i of l into buf (size bytes): its name, with " (k)" when it
 * is the k-th (k >= 2) vertex of l with that name; its id when it has no name. Returns
 * buf ("" when i is out of range). */
char *vertex_name_shown(const struct vertex_list *l, size_t i, char *buf, size_t size);

#endif
