/* A job's exception history, as Flink's JobMaster keeps it (web.exception-history-size =
 * 16, newest first), and its wire shape GET /jobs/:jid/exceptions (specs/FLINK-API.md
 * 2.10): 2.x answers only exceptionHistory; 1.x adds the deprecated root-exception,
 * timestamp, all-exceptions and truncated members, and `location` beside `endpoint`
 * (endpoint from 1.19, taskManagerId from 1.17, failureLabels from 1.18).
 *
 * Entries are stored as small facts (what failed, where, when) and the Java stack traces
 * are written out when asked, so the history costs a few hundred bytes a job. */
#ifndef FLINKTOP_SIM_EXCEPTIONS_H
#define FLINKTOP_SIM_EXCEPTIONS_H

#include "sim_prng.h"
#include "sim_reply.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_EXCEPTION_HISTORY 16

struct sim_cluster;
struct sim_job;

/* What went wrong; each kind has its own realistic trace. */
enum sim_failure_kind {
    SIM_FAILURE_TM_LOST,          /* the pod of a task manager died */
    SIM_FAILURE_DESERIALIZE,      /* a source met a record it cannot read */
    SIM_FAILURE_NULL_POINTER,     /* user code in a chained middle operator, wrapped */
    SIM_FAILURE_RAW_NULL_POINTER, /* user code in a middle operator of its own */
    SIM_FAILURE_SINK,             /* the external system behind a sink timed out */
    SIM_FAILURE_COORDINATOR,      /* the source coordinator failed globally (no task) */
    SIM_FAILURE_KIND_COUNT
};

struct sim_exception {
    int64_t timestamp;
    enum sim_failure_kind kind;
    int vertex; /* -1 for a global failure */
    int subtask, attempt;
    char tm_id[96]; /* "" when unknown or global */
    char host[24];  /* the task manager's address */
    int64_t detail; /* a number the message mentions: an offset, a record count */
    bool final;     /* it ended the job: the job's failure wraps it */
};

struct sim_exceptions {
    struct sim_exception entries[SIM_EXCEPTION_HISTORY]; /* ring; newest at head */
    size_t head, n;
};

/* A kind that fits a failure of vertex v of j (sources fail reading, sinks writing). */
enum sim_failure_kind sim_exceptions_pick(const struct sim_job *j, int v, struct sim_prng *p);
/* Records e (copied) as the newest entry; the oldest falls out past 16. */
void sim_exceptions_add(struct sim_exceptions *h, const struct sim_exception *e);

/* The Java stack trace of e, as its entry's stacktrace shows it (for the logs). Owned. */
char *sim_exceptions_trace(const struct sim_cluster *c, const struct sim_job *j,
                           const struct sim_exception *e);

/* GET /jobs/:jid/exceptions?maxExceptions=N (max < 0: Flink's default 20). Fills r. */
void sim_exceptions_render(const struct sim_cluster *c, const struct sim_job *j, int max,
                           struct sim_reply *r);

#endif
