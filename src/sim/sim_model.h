/* The simulated world: clusters with jobs (each a chain of vertices) and task managers,
 * built deterministically from a seed, and their life over wall-clock time (a job fails
 * and restarts, a task manager leaves and a new pod replaces it). Inside each job: its
 * load and I/O counters, stepped at every 10 s metric fetch (sim_load), its checkpoints
 * (sim_checkpoints) and its exception history (sim_exceptions).
 *
 * Time is lazy: nothing runs in the background. sim_model_lock() advances every cluster
 * to "now" by replaying the scheduled events in order, so the outcome depends only on the
 * seed and the elapsed time, never on when requests arrive. Every reader holds the lock
 * between sim_model_lock() and sim_model_unlock(), so the numbers one answer shows (or
 * several computed under one lock) agree with each other. */
#ifndef FLINKTOP_SIM_MODEL_H
#define FLINKTOP_SIM_MODEL_H

#include "sim_actions.h"
#include "sim_catalog.h"
#include "sim_checkpoints.h"
#include "sim_clock.h"
#include "sim_exceptions.h"
#include "sim_load.h"
#include "sim_prng.h"

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SIM_MAX_VERTICES 5

/* A TaskManager with a 4 GiB process, laid out the way Flink's memory model splits it
 * (bytes): metaspace 256m, overhead 10%, network 10% and managed 40% of Flink memory. */
#define SIM_TM_PROCESS 4294967296LL
#define SIM_TM_METASPACE 268435456LL
#define SIM_TM_OVERHEAD 429496730LL
#define SIM_TM_FLINK (SIM_TM_PROCESS - SIM_TM_METASPACE - SIM_TM_OVERHEAD)
#define SIM_TM_FRAMEWORK_HEAP 134217728LL
#define SIM_TM_FRAMEWORK_OFF_HEAP 134217728LL
#define SIM_TM_NETWORK (SIM_TM_FLINK / 10)
#define SIM_TM_MANAGED (SIM_TM_FLINK * 4 / 10)
#define SIM_TM_TASK_HEAP                                                                           \
    (SIM_TM_FLINK - SIM_TM_FRAMEWORK_HEAP - SIM_TM_FRAMEWORK_OFF_HEAP - SIM_TM_NETWORK -           \
     SIM_TM_MANAGED)
#define SIM_TM_HEAP_MAX (SIM_TM_FRAMEWORK_HEAP + SIM_TM_TASK_HEAP)
#define SIM_TM_DATA_PORT 6121

/* Flink JobStatus, in the order of the wire enum. */
enum sim_job_state {
    SIM_JOB_INITIALIZING,
    SIM_JOB_CREATED,
    SIM_JOB_RUNNING,
    SIM_JOB_FAILING,
    SIM_JOB_FAILED,
    SIM_JOB_CANCELLING,
    SIM_JOB_CANCELED,
    SIM_JOB_FINISHED,
    SIM_JOB_RESTARTING,
    SIM_JOB_SUSPENDED,
    SIM_JOB_RECONCILING,
    SIM_JOB_STATE_COUNT
};

/* Flink ExecutionState, in the order of the wire enum. */
enum sim_task_state {
    SIM_TASK_CREATED,
    SIM_TASK_SCHEDULED,
    SIM_TASK_DEPLOYING,
    SIM_TASK_RUNNING,
    SIM_TASK_FINISHED,
    SIM_TASK_CANCELING,
    SIM_TASK_CANCELED,
    SIM_TASK_FAILED,
    SIM_TASK_RECONCILING,
    SIM_TASK_INITIALIZING,
    SIM_TASK_STATE_COUNT
};

/* Wire names; static strings. Job states are upper case ("CANCELLING"); task states come
 * upper case (job details) or lower case (/jobs/overview "tasks" keys). */
const char *sim_job_state_name(enum sim_job_state s);
const char *sim_task_state_name(enum sim_task_state s);
const char *sim_task_state_lower(enum sim_task_state s);
/* FAILED, CANCELED, FINISHED (SUSPENDED is only locally terminal). */
bool sim_job_state_is_terminal(enum sim_job_state s);

struct sim_vertex {
    char id[33];
    uint64_t key;     /* from the id: seeds what each subtask shows */
    const char *name; /* borrowed from the catalog */
    int parallelism;
    int lower_bound;   /* resource requirements' lowerBound (adaptive scheduler), 0 = 1 */
    bool keyed_input;  /* the edge into this vertex is a keyBy (HASH) */
    int64_t out_rate;  /* records per second leaving this vertex at nominal throughput */
    int record_bytes;  /* average serialised record size */
    int busy_permille; /* nominal share of time busy / back-pressured, per 1000 */
    int backpressure_permille;
    struct sim_io acc;   /* counted up to the job's acc_at */
    struct sim_io shown; /* as of the latest metric fetch */
};

/* Where the subtasks are while a job starts or restarts. Of RUNNING: new executions
 * SCHEDULED, DEPLOYING, INITIALIZING (then STEADY: all RUNNING). Of RESTARTING (a
 * failover, as Flink's scheduler does one): the old executions CANCELING, then CANCELED
 * until the restart strategy's delay is over. */
enum sim_task_phase {
    SIM_TASKS_STEADY,
    SIM_TASKS_DEPLOYING,
    SIM_TASKS_INITIALIZING,
    SIM_TASKS_CANCELING,
    SIM_TASKS_CANCELED,
    SIM_TASKS_SCHEDULED
};

struct sim_job {
    char jid[33];
    char slot_sharing_group[33]; /* every vertex shares the default group */
    char *name;                  /* owned */
    bool batch;                  /* job-type BATCH (the finished backfill) */
    bool busy_nan;               /* accumulated-busy-time not measured: served as "NaN" */
    bool hostile; /* --hostile-names on the fleet: its exception messages carry escapes */
    enum sim_job_state state;
    enum sim_task_phase phase;
    int64_t start_time; /* epoch ms: submitted (INITIALIZING) */
    int64_t end_time;   /* epoch ms, -1 while not globally terminal */
    int64_t last_modification;
    int64_t timestamps[SIM_JOB_STATE_COUNT]; /* last entry into each state, 0 = never */
    int64_t running_since; /* start of the current attempt; metrics count from here */
    int64_t metrics_until; /* when metrics stopped growing, 0 while they grow */
    int64_t next_at;       /* next restart step, 0 = none scheduled */
    int restart_step;
    int restarts;        /* numRestarts: counted when the failover starts */
    int attempt;         /* the current executions' attempt number: +1 when a failover redeploys */
    bool failed_task;    /* this failover began with a subtask FAILED (failed_vertex's) */
    int64_t canceled_at; /* this failover: when the old executions were all CANCELED */
    int64_t previous_since; /* when the previous attempt's executions came up, 0 unknown */
    int failovers_left;     /* it fails again this many times once back up (/_sim) */
    int next_parallelism[SIM_MAX_VERTICES]; /* applied when the failover redeploys, 0 = keep */
    size_t failed_vertex;                   /* the vertex whose subtask failed (FAILING/FAILED) */
    int demand; /* slots held: max vertex parallelism (one sharing group) */
    size_t n_vertices;
    struct sim_vertex vertices[SIM_MAX_VERTICES];
    int64_t steady_since;   /* when every subtask last reached RUNNING */
    int throughput;         /* the sources' rate, per mille of nominal; drifts */
    int bottleneck;         /* index of the vertex that chokes the job, -1 none */
    bool bottleneck_forced; /* set through /_sim; outlives episodes */
    int64_t acc_at;         /* when the vertices' acc counters were last brought up to date */
    struct sim_checkpoints checkpoints;
    struct sim_exceptions exceptions;
    struct sim_job_action action; /* a stop, cancel or restart an action asked for */
    bool fresh; /* submitted (sim_model_submit_job), not yet all RUNNING: no restart */
};

struct sim_tm {
    char *id; /* owned; pod name "<cluster>-taskmanager-1-<n>" */
    char ip[24];
    int pod_index;
    int slots;
    bool present;
    int64_t registered_at; /* epoch ms; heartbeats every 10 s from here */
    int64_t away_until;    /* when absent: when the replacement pod registers */
};

struct sim_cluster {
    char *name;      /* owned */
    char *namespace; /* owned: where its Kubernetes objects live */
    enum sim_cluster_mode mode;
    int jm_replicas; /* JobManager pods (2 with HA standby) */
    size_t index;
    const struct sim_profile *profile; /* borrowed from the catalog */
    int version_major, version_minor;
    struct sim_job *jobs; /* owned array */
    size_t n_jobs;
    struct sim_tm *tms; /* owned array */
    size_t n_tms;
    int next_pod_index;
    int slots_per_tm;       /* a created cluster's task manager slots, 0 = the profile's */
    struct sim_prng events; /* draws of the live schedule, separate from the build */
    int64_t next_event_at;  /* INT64_MAX when frozen */
    bool frozen;
    /* Metrics and checkpoints: their own draws, so they never shift the event schedule. */
    struct sim_prng dynamics;
    int64_t fetch_origin;       /* the first metric fetch: the simulator's start */
    int64_t metric_at;          /* the latest metric fetch, fetch_origin + k * SIM_FETCH_MS */
    size_t episode_job;         /* job with a bottleneck episode, SIZE_MAX none */
    int64_t episode_until;      /* when that episode clears */
    int64_t next_episode_at;    /* when the next one may start */
    struct sim_actions actions; /* savepoint operations and action timing (sim_actions) */
    bool gone; /* deleted (sim_model_remove_cluster): no lookup finds it, it no longer runs */
};

struct sim_model {
    pthread_mutex_t lock;
    struct sim_cluster *clusters; /* owned array */
    size_t n_clusters;
    size_t cap_clusters; /* clusters has room for this many: adding one never moves it */
    bool frozen;
    int64_t started_at;
    int64_t now;                   /* the latest time the model was advanced to */
    int forced_savepoint_failures; /* the next savepoints fail (through /_sim) */
    int action_step_ms;            /* --action-steps-ms, for clusters added later */
    uint64_t seed;
};

struct sim_model_options {
    bool fleet; /* the default fleet (sim_catalog_fleet); clusters and jobs unused */
    int clusters;
    int jobs;         /* per cluster: 1 application clusters, more session clusters */
    int taskmanagers; /* per cluster; <= 0 = each profile's default */
    uint64_t seed;
    bool frozen;
    bool hostile_names;
    int parallelism;    /* every vertex's parallelism; <= 0 = drawn per job */
    int action_step_ms; /* one step of an action's progress (--action-steps-ms) */
};

/* Builds the world at wall time now_ms. Returns owned model: free with sim_model_free. */
struct sim_model *sim_model_new(const struct sim_model_options *o, int64_t now_ms);
void sim_model_free(struct sim_model *m);

/* Takes the model lock and advances every cluster to now_ms; returns the model's "now",
 * which never goes backwards (a request that read the clock earlier but got the lock
 * later sees the later time). Everything read from the model is borrowed and valid only
 * until sim_model_unlock(). */
int64_t sim_model_lock(struct sim_model *m, int64_t now_ms);
void sim_model_unlock(struct sim_model *m);

/* A cluster the operator deploys for a FlinkDeployment a client created (sim_k8s). */
struct sim_cluster_spec {
    const char *name, *namespace;     /* borrowed, copied */
    int version_major, version_minor; /* spec.flinkVersion; the closest profile answers */
    enum sim_cluster_mode mode;       /* application (spec.job) or session */
    int jm_replicas;
    int slots_per_tm; /* taskmanager.numberOfTaskSlots, <= 0 = the profile's */
};

/* Adds a cluster at now with no jobs and no task managers (its job is submitted with
 * sim_model_submit_job: task manager pods come as the job asks for slots). Under the
 * lock. The clusters array has spare room (SIM_MODEL_SPARE_CLUSTERS) so no pointer into
 * it moves; returns the new cluster (borrowed), NULL when the room is used up. */
#define SIM_MODEL_SPARE_CLUSTERS 64
struct sim_cluster *sim_model_add_cluster(struct sim_model *m, const struct sim_cluster_spec *s,
                                          int64_t now);
/* The cluster is deleted at now: gone from lookups (its REST answers 404), frozen. Its
 * memory stays (indexes and pointers stay valid). Under the lock. */
void sim_model_remove_cluster(struct sim_model *m, struct sim_cluster *c, int64_t now);

/* Lookups under the lock; borrowed, NULL when absent. */
struct sim_cluster *sim_model_cluster(struct sim_model *m, const char *name);
struct sim_job *sim_cluster_job(struct sim_cluster *c, const char *jid);
/* A job of any cluster (job ids are unique across clusters); *cluster gets its cluster. */
struct sim_job *sim_model_job(struct sim_model *m, const char *jid, struct sim_cluster **cluster);
/* A present task manager by id, or NULL; *index gets its index in c->tms. */
struct sim_tm *sim_cluster_tm(struct sim_cluster *c, const char *id, size_t *index);

/* Test controls (under the lock, at time t). fail: the job goes FAILED at once with an
 * exception entry, and stays so; false when it already is globally terminal. restart: a
 * job that holds slots fails over in place (sim_model_failover, a task failure: same job
 * id and start-time); a FAILED, CANCELED or SUSPENDED one is submitted again (new start
 * time, RUNNING with subtasks deploying, then initializing, then running); false for the
 * batch job. failovers: a job that holds slots fails over now and then n - 1 more times,
 * each a few seconds after it is back up; false when it holds no slots. */
bool sim_model_fail_job(struct sim_cluster *c, struct sim_job *j, int64_t t);
bool sim_model_restart_job(struct sim_cluster *c, struct sim_job *j, int64_t t);
bool sim_model_failovers(struct sim_cluster *c, struct sim_job *j, int n, int64_t t);

/* Why a job fails over. */
enum sim_failover_cause {
    SIM_FAILOVER_TASK,    /* a subtask's code failed (or the source coordinator) */
    SIM_FAILOVER_TM_LOST, /* the task manager of its first subtask went away */
    SIM_FAILOVER_RESCALE  /* the adaptive scheduler restarts it at a new parallelism */
};

/* A failover of j at t, as Flink's scheduler restarts a job: RESTARTING at once (same job
 * id, start-time kept, numRestarts + 1 unless a rescale), the old executions CANCELING then
 * CANCELED (the failed subtask FAILED), and after the restart delay RUNNING with new
 * executions (attempt + 1) SCHEDULED, DEPLOYING, INITIALIZING, RUNNING, restored from the
 * latest checkpoint. A failure is recorded in the exception history. parallelism: new per
 * vertex (0 = keep), NULL = keep all. Drops j's pending action. False (nothing changes)
 * when j holds no slots. */
bool sim_model_failover(struct sim_cluster *c, struct sim_job *j, int64_t t,
                        enum sim_failover_cause why, const int *parallelism);
/* A task of the running job j fails at t and the restart strategy restarts it (as the
 * random failures do: an exception history entry, FAILING, RESTARTING, RUNNING). False
 * when it is not running steadily. */
bool sim_model_crash_job(struct sim_cluster *c, struct sim_job *j, int64_t t);

/* For sim_actions: a job's state changes at t (also its timestamps and last-modification);
 * its tasks stop at t (counters stop, the running checkpoint fails). */
void sim_model_set_job_state(struct sim_job *j, enum sim_job_state s, int64_t t);
void sim_model_stop_tasks(struct sim_cluster *c, struct sim_job *j, int64_t t);

/* A new job submitted to session cluster c at t (a FlinkSessionJob's): name (borrowed,
 * copied), every vertex at parallelism (>= 1); RUNNING with subtasks deploying, then
 * initializing, then running. Task managers are added when the free slots are too few, as
 * Flink's native resource manager asks for pods. Moves c->jobs (pointers into it die);
 * jid_out (33 bytes) gets the new job's id. */
void sim_model_submit_job(struct sim_cluster *c, const char *name, int parallelism, int64_t t,
                          char *jid_out);

/* Task managers are added at t (as Flink's native resource manager asks for pods) until the
 * free slots cover every slot-holding job's demand. Moves c->tms. */
void sim_model_fit_slots(struct sim_cluster *c, int64_t t);

bool sim_cluster_version_at_least(const struct sim_cluster *c, int major, int minor);

/* Subtask counts of one vertex (per task state) and its aggregate status. */
enum sim_task_state sim_vertex_tasks(const struct sim_job *j, size_t v,
                                     int counts[SIM_TASK_STATE_COUNT]);
/* Sum over the job's vertices. */
void sim_job_tasks(const struct sim_job *j, int counts[SIM_TASK_STATE_COUNT]);
/* Whether the job holds slots (it is neither globally terminal nor suspended). */
bool sim_job_holds_slots(const struct sim_job *j);

/* Slots in use on each task manager: used[i] for c->tms[i] (0 for absent ones). used is
 * borrowed, c->n_tms long. Jobs fill task managers in order, as Flink's default slot
 * matching does. */
void sim_cluster_slot_usage(const struct sim_cluster *c, int *used);
/* Slots each job holds on task manager t: per_job (borrowed, c->n_jobs long). */
void sim_cluster_tm_jobs(const struct sim_cluster *c, size_t t, int *per_job);
/* The task manager that runs subtask s of job ji (slot sharing puts subtask s of every
 * vertex into the job's s-th slot). A job without slots (failed, finished) reports where
 * it ran, spread over the task managers. */
size_t sim_cluster_subtask_tm(const struct sim_cluster *c, size_t ji, int s);

struct sim_cluster_counts {
    int taskmanagers, slots_total, slots_available;
    int jobs_running, jobs_finished, jobs_cancelled, jobs_failed;
};
/* The /overview numbers, from the same state as /jobs/overview and /taskmanagers. */
void sim_cluster_counts(const struct sim_cluster *c, struct sim_cluster_counts *out);

/* sim_now_ms(), the simulator's time: sim_clock.h. */

#endif
