/* What real Flink environments look like: the per-cluster profiles (name, Flink version,
 * commit, sizes, scheduler), realistic job names and operator chains, and the hostile
 * names used for sanitiser tests. Pure constant tables; everything returned is static and
 * borrowed for the life of the process. */
#ifndef FLINKTOP_SIM_CATALOG_H
#define FLINKTOP_SIM_CATALOG_H

#include <stdbool.h>
#include <stddef.h>

struct sim_profile {
    const char *name;       /* NULL for generated clusters (cluster-4, ...) */
    const char *version;    /* "1.20.1" */
    const char *commit;     /* short sha, as in /overview flink-commit */
    const char *build_date; /* second half of /config flink-revision */
    int taskmanagers;       /* default TM count */
    int slots_per_tm;       /* taskmanager.numberOfTaskSlots before any raise for fit */
    const char *scheduler;  /* jobmanager.scheduler: "default" or "adaptive" */
    const char *state_backend;
    int jmx_port; /* -1 when JMX is off */
    /* Checkpointing as the environment configures it. */
    int checkpoint_interval_s;
    bool at_least_once; /* mode at_least_once, else exactly_once */
    bool unaligned;     /* unaligned checkpoints (exactly_once only) */
    bool retain;        /* externalized, retained on cancellation */
    int checkpoint_timeout_s;
    int min_pause_ms;
    int tolerable_failures;
};

/* Profile for cluster index i (0-based). The three default clusters are production,
 * staging and development; later indexes cycle through other Flink versions. */
const struct sim_profile *sim_catalog_profile(size_t i);

/* The profile of Flink major.minor (a created FlinkDeployment's spec.flinkVersion): the
 * catalog's one of that version, else the newest one not newer, else the first. */
const struct sim_profile *sim_catalog_profile_for(int major, int minor);

/* How a cluster runs: an application-mode FlinkDeployment (one job), a session
 * FlinkDeployment (no spec.job; its jobs are FlinkSessionJobs) or a standalone cluster
 * (apps/v1 Deployments NAME-jobmanager and NAME-taskmanager, no FlinkDeployment). */
enum sim_cluster_mode { SIM_MODE_APPLICATION, SIM_MODE_SESSION, SIM_MODE_STANDALONE };

/* A job of the default fleet as it is at start. */
enum sim_fleet_job {
    SIM_FLEET_RUNNING,
    SIM_FLEET_SLOW,                /* a backpressured chain */
    SIM_FLEET_FAILING_CHECKPOINTS, /* running, its checkpoints failing from the start */
    SIM_FLEET_FAILED,
    SIM_FLEET_FINISHED
};

#define SIM_FLEET_MAX_JOBS 4

/* One cluster of the default fleet (no --clusters/--jobs): a real fleet's shape. */
struct sim_fleet_entry {
    const char *name;
    const char *ns;
    const struct sim_profile *profile;
    enum sim_cluster_mode mode;
    int jm_replicas; /* 2 where the guide configures JobManager HA */
    size_t n_jobs;
    const char *jobs[SIM_FLEET_MAX_JOBS];
    enum sim_fleet_job states[SIM_FLEET_MAX_JOBS];
};

/* The default fleet's FlinkDeployment that runs the operator's autoscaler
 * (job.autoscaler.enabled, sim_autoscaler.h). */
bool sim_catalog_autoscaled(const char *name);

/* The default fleet's clusters in order; NULL past the end. */
const struct sim_fleet_entry *sim_catalog_fleet(size_t i);
size_t sim_catalog_fleet_count(void);

/* Realistic streaming job names; index wraps around. */
const char *sim_catalog_job_name(size_t i);
size_t sim_catalog_job_name_count(void);
/* A batch job name (backfills); used for the FINISHED production job. */
const char *sim_catalog_batch_job_name(size_t i);
/* The development cluster's non-ASCII job name. */
const char *sim_catalog_cjk_job_name(void);
/* Hostile names (control characters, escape sequences, C1 CSI, bidi override) for
 * --hostile-names; NULL past the end. */
const char *sim_catalog_hostile_name(size_t i);
/* The default fleet's hostile names: those and OSC sequences, zero-width characters,
 * invalid UTF-8 and a 2 KiB name; NULL past the end. */
const char *sim_catalog_fleet_hostile_name(size_t i);
/* Hostile operator chain names (vertex names) and exception message fragments; the index
 * wraps around. */
const char *sim_catalog_hostile_vertex(size_t i);
const char *sim_catalog_hostile_message(size_t i);

/* One operator chain link. keyed: its input is a keyBy (HASH exchange). */
struct sim_operator {
    const char *name;
    bool keyed;
};
const struct sim_operator *sim_catalog_source(size_t i);
const struct sim_operator *sim_catalog_middle(size_t i);
const struct sim_operator *sim_catalog_sink(size_t i);
size_t sim_catalog_source_count(void);
size_t sim_catalog_middle_count(void);
size_t sim_catalog_sink_count(void);

#endif
