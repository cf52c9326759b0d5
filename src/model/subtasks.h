/* One vertex's subtasks as the drill-down shows them (the subtask list and its task
 * managers), filled by flink_subtasks.c from /jobs/:jid/vertices/:vid and
 * /jobs/:jid/vertices/:vid/taskmanagers. Unknown numbers are -1, unknown strings NULL;
 * every string is owned and sanitised. */
#ifndef FLINKTOP_SUBTASKS_H
#define FLINKTOP_SUBTASKS_H

#include <stddef.h>
#include <stdint.h>

#include "source.h"

/* Most subtasks kept per vertex (Flink's max parallelism is 32768). */
#define SUBTASKS_MAX 32768

struct subtask_info {
    int index;           /* subtask */
    char *status;        /* owned ExecutionState name, NULL unknown */
    int attempt;         /* -1 unknown */
    int64_t start_ms;    /* -1 unknown */
    int64_t duration_ms; /* -1 unknown */
    int64_t read_records, write_records, read_bytes, write_bytes; /* -1 unknown */
    char *tm_id; /* owned taskmanager-id, NULL unknown */
    char *host;  /* owned: endpoint (1.19+) or host, without the port; NULL unknown */
};

struct subtask_list {
    struct subtask_info *items; /* owned, by index order as sent */
    size_t len;
};

/* One task manager of /vertices/:vid/taskmanagers. */
struct vertex_tm {
    char *tm_id;                         /* owned, NULL unknown */
    char *host;                          /* owned, without the port */
    char *status;                        /* owned */
    int subtasks;                        /* sum of its status-counts, -1 unknown */
    int64_t read_records, write_records; /* -1 unknown */
};

struct vertex_tm_list {
    struct vertex_tm *items; /* owned */
    size_t len;
};

/* What the drill-down shows of one vertex; owned by its job's struct job_detail
 * (job_detail.drill), replaced when another vertex is drilled into. */
struct subtask_drill {
    char vertex_id[33];
    struct subtask_list subtasks;
    struct source subtasks_src; /* how /vertices/:vid went */
    struct vertex_tm_list tms;
    struct source tms_src; /* how /vertices/:vid/taskmanagers went */
};

void subtask_list_free(struct subtask_list *l);
void vertex_tm_list_free(struct vertex_tm_list *l);
/* returns owned drill for vertex vid (copied) */
struct subtask_drill *subtask_drill_new(const char *vid);
void subtask_drill_free(struct subtask_drill *d);

/* The median of the known (>= 0) values of v (n of them); -1 when none is known. */
double subtasks_median(const double *v, size_t n);

#endif
