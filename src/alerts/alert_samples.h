/* The current value of every alert metric (alert_rules.h) for every instance of every
 * scope: one sample a cluster, a job, a vertex, a task manager (and, once the model has
 * them, a pod), each with a stable key and the labels messages print.
 *
 * One walker a scope (alert_samples.c): pods are not in the model yet, so the pod walker
 * adds nothing and pod rules parse but never fire; when the model gains pods, filling in
 * that one function is all it takes. */
#ifndef FLINKTOP_ALERT_SAMPLES_H
#define FLINKTOP_ALERT_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

#include "alert_rules.h"
#include "app.h"

struct alert_sample {
    enum alert_scope scope;
    char *key; /* owned; unique within its scope and stable across polls:
                  cluster name, then job id, vertex id, task manager id or pod
                  name, joined with '\x1f' */
    /* Labels, borrowed from the app (valid until its next poll) or, for hand-made
     * samples, from whatever the caller passed. NULL when not part of the scope. */
    const char *cluster;              /* cluster name */
    const char *job_id;               /* job and vertex scope */
    const char *job;                  /* job name (the id when the name is unknown) */
    const char *vertex;               /* vertex name (the id when unknown) */
    const char *taskmanager;          /* task manager id */
    const char *pod;                  /* pod name */
    char bottleneck[160]; /* job scope: the likely bottleneck vertex, in words; "" none */
    double value[ALERT_METRIC_COUNT]; /* NaN: unknown, or not a metric of this scope */
    /* since when the value's condition has held, where the data says it (a job FAILED
     * since its end time, checkpoints failing since the last completed one): epoch ms,
     * 0 unknown. Lets `for` count from then, not from when flinktop first looked. */
    int64_t since_ms[ALERT_METRIC_COUNT];
};

struct alert_sample_set {
    struct alert_sample *items; /* owned */
    size_t len, cap;
};

void alert_samples_init(struct alert_sample_set *s);
/* Forget the samples (keeps the memory for the next collect). */
void alert_samples_clear(struct alert_sample_set *s);
void alert_samples_free(struct alert_sample_set *s);

/* Clear s, then sample every cluster of app at wall time now_ms (for ages). The labels
 * borrow from app: evaluate before the next poll changes it. */
void alert_samples_collect(struct alert_sample_set *s, const struct app *app, int64_t now_ms);

/* Append one sample with every value NaN; the key is built from the labels of the
 * scope (cluster; cluster+job_id; cluster+job_id+vertex_id; cluster+tm; cluster+pod).
 * id is the vertex id for vertex scope (NULL: the vertex label), unused otherwise.
 * returns borrowed: valid until the next add or clear. Used by the walkers and tests. */
struct alert_sample *alert_samples_add(struct alert_sample_set *s, enum alert_scope scope,
                                       const char *cluster, const char *job_id, const char *job,
                                       const char *vertex_id, const char *vertex,
                                       const char *taskmanager, const char *pod);

#endif
