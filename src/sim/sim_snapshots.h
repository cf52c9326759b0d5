/* FlinkStateSnapshot progress: a created snapshot is TRIGGER_PENDING for a step, then
 * IN_PROGRESS (status.triggerId, triggerTimestamp) while the savepoint runs on the
 * referenced deployment's job (sim_actions, so it also joins the job's checkpoint
 * history), then COMPLETED with status.path under the deployment's savepoint directory and
 * resultTimestamp, or now and then FAILED with status.error. A checkpoint snapshot
 * completes the same way with a checkpoint path. sim_k8s stores the objects; this module
 * rewrites their status (and snapshot.state label) when they are read. Under the model
 * lock. */
#ifndef FLINKTOP_SIM_SNAPSHOTS_H
#define FLINKTOP_SIM_SNAPSHOTS_H

#include "sim_model.h"

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sim_snapshot_track {
    char *ns, *name;  /* owned: which stored object */
    size_t cluster;   /* the referenced deployment's cluster index, SIZE_MAX = none */
    char jid[33];     /* its job, "" = none */
    char trigger[33]; /* the savepoint operation, "" = none */
    char *path;       /* owned: checkpoint snapshots' path */
    int64_t created;
    bool checkpoint, final;
};

struct sim_snapshots {
    struct sim_snapshot_track *items; /* owned */
    size_t n, cap;
};

void sim_snapshots_free(struct sim_snapshots *s);

/* A snapshot was created at now: obj (borrowed, the stored object) gets its first status.
 * c and j (may be NULL) are the referenced deployment's cluster and job; dir (borrowed)
 * its savepoint directory or the snapshot's spec.savepoint.path. */
void sim_snapshots_start(struct sim_snapshots *s, struct sim_model *m, struct sim_cluster *c,
                         struct sim_job *j, cJSON *obj, const char *dir, bool checkpoint,
                         int64_t now);
/* Brings the status of every stored snapshot (stored: borrowed array) up to now. */
void sim_snapshots_refresh(struct sim_snapshots *s, struct sim_model *m, cJSON *stored,
                           int64_t now);

#endif
