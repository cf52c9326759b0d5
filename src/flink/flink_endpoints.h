/* The Flink REST endpoints flinktop reads, one table: each entry is the path template,
 * its tier (when the poller asks), its parser, how a good answer goes into the model, and
 * which struct source reports how it went. A new endpoint is one entry here, one parser
 * (flink_api.c / flink_detail.c) and its test; the poller (poller.c) drives the table. */
#ifndef FLINKTOP_FLINK_ENDPOINTS_H
#define FLINKTOP_FLINK_ENDPOINTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "flink_api.h"
#include "flink_watermarks.h"
#include "flink_subtasks.h"
#include "http.h"
#include "model.h"

enum flink_ep {
    EP_CONFIG,
    EP_OVERVIEW,
    EP_JOBS,
    EP_TASKMANAGERS,
    EP_JM_CONFIG,
    EP_JOB,
    EP_VERTEX_METRICS,
    EP_BACKPRESSURE,
    EP_CHECKPOINTS,
    EP_CP_CONFIG,
    EP_EXCEPTIONS,
    EP_TM_METRICS,
    EP_WATERMARKS,  /* the job on screen's vertices' input watermarks */
    EP_JOB_METRICS, /* the job on screen's numRestarts */
    EP_SOURCE_LAG,  /* the job on screen's sources' backlog (pendingRecords, records-lag-max) */
    EP_VERTEX_DETAIL, /* the drilled-into vertex's subtasks (flink_subtasks.h) */
    EP_VERTEX_TMS,    /* and its task managers */
    EP_COUNT
};

/* When the poller asks an endpoint. */
enum flink_tier {
    TIER_SUMMARY,  /* a cluster's: every round when on screen, else within the budget */
    TIER_RARE,     /* a cluster's, until it answered, then every FLINK_RARE_INTERVAL_MS */
    TIER_JOB,      /* a job's detail set: the job on screen every round, the rest round-robin
                      within the budget, oldest first */
    TIER_JOB_ONCE, /* with a job's detail set, until it answered */
    TIER_VERTEX,   /* each vertex's, after the job's /jobs/:jid answered */
    TIER_SUBTASK,  /* each vertex's per-subtask values: only where the screen shows
                      subtasks (the job on screen's heatmap tab) and for --once */
    TIER_TM,       /* each task manager's: every round while the task managers tab is on
                      screen, else every detail interval within the budget */
    TIER_VIEW_JOB, /* with the detail set of the job on screen, its overview tab shown */
    TIER_VIEW_VTX, /* each vertex's, of the job on screen, its overview tab shown */
    TIER_VIEW_SRC, /* the same, its sources only (no inputs); {tmid} in the path is the
                      source operator's metric name (flink_source_operator) */
    TIER_DRILL,    /* the one vertex the subtask drill-down shows (poller_focus.drill_vertex),
                      with the job on screen's refresh; never otherwise */
};

/* What to ask next once an endpoint answered. */
enum flink_follow { FOLLOW_NONE, FOLLOW_JOBS, FOLLOW_TMS, FOLLOW_VERTICES };

#define FLINK_RARE_INTERVAL_MS 60000

/* What one answer is about; borrowed from the model for the length of the call. job,
 * vertex and tm are NULL when the endpoint is not about one, or it left the model. */
struct flink_target {
    struct cluster *cluster;
    struct job *job;
    struct vertex *vertex;
    struct taskmanager *tm;
    int64_t now;
};

/* Room for any endpoint's parsed answer, which apply hands over to the model. */
union flink_parsed {
    struct flink_config config;
    struct flink_overview overview;
    struct job_list jobs;
    struct taskmanager_list tms;
    struct {
        char *savepoint_dir;
        int adaptive;
    } jm;
    struct {
        struct job_details summary;
        struct vertex_list vertices;
    } job;
    struct vertex vertex; /* vertex metrics or backpressure, moved into the model's vertex */
    struct checkpoint_stats checkpoints;
    struct checkpoint_config cp_config;
    struct exceptions exceptions;
    struct tm_metrics tm;
    struct vertex_watermarks wm;
    int64_t num_restarts;
    struct {
        double pending, lag_max;
    } source_lag;
    struct subtask_list subtasks;
    struct vertex_tm_list vertex_tms;
};

struct flink_endpoint {
    enum flink_ep kind;
    /* path template: {jid}, {vid}, {tmid} (URL-escaped) are replaced */
    const char *path;
    enum flink_tier tier;
    enum flink_follow follow;
    bool not_found_answers; /* a 404 is an answer, not an error (checkpointing disabled) */
    bool metrics_set;       /* one of the answers that make a job's complete set of vertex
                               metrics: when all are in, the job's throughput is computed and
                               job_detail.metrics_ms stamped (history takes a point) */
    /* A good answer (or an accepted 404) into out; on failure nothing is left to free. */
    enum fa_status (*parse)(const struct http_response *resp, union flink_parsed *out, char *err,
                            size_t errlen);
    /* Hand out's contents to the model at t (frees what the model does not take). */
    void (*apply)(const struct flink_target *t, union flink_parsed *out);
    /* The source this endpoint reports to; NULL when its target left the model. */
    struct source *(*source)(const struct flink_target *t);
};

/* The entry of kind; borrowed (static). */
const struct flink_endpoint *flink_endpoint(enum flink_ep kind);
/* The path with jid, vid and tmid put in (tmid URL-escaped; NULL for those the template
 * does not use). returns owned string */
char *flink_endpoint_path(const struct flink_endpoint *e, const char *jid, const char *vid,
                          const char *tmid);
/* Parse resp (any outcome) and, when good, apply it at t and mark its source ok; else
 * mark the source failed with one line: the HTTP error and Flink's own message, or
 * "bad answer from PATH: why". Returns true when the answer was applied. */
bool flink_endpoint_answer(const struct flink_endpoint *e, const struct flink_target *t,
                           const struct http_response *resp, const char *path);

#endif
