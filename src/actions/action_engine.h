/* Actions as requests the engine carries out. The screen (ui/actions.c) asks its
 * questions and hands over a struct action_request, plain data: which action, on which
 * cluster and job, with which parameters. The engine does the rest without a terminal:
 * whether anything may be sent at all (read-only, the write unlock, the audit log, an
 * earlier action that may still be running), the target as the model shows it now, the
 * plan (action_plan.h), what else the action touches (the blast radius, in words), the
 * places a redeploy can restore from, the profiles on disk, and last the base URL, TLS
 * and credential the request goes out with, handed to operations.h as the plan made it.
 *
 * The write lock: `readonly: true` in the config locks every action; `:unlock 10m
 * "INC-1234"` (action_engine_unlock) allows them for that long with that reason, which
 * every audit line carries while it lasts; it locks again by itself, or on :lock.
 * `--readonly` wins over everything: nothing unlocks it.
 *
 * Ownership: the engine borrows the app, the operations list and the audit log (all
 * outlive it); requests borrow their strings from the caller for the call. */
#ifndef FLINKTOP_ACTION_ENGINE_H
#define FLINKTOP_ACTION_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "action_plan.h"
#include "operations.h"
#include "profile.h"

struct app;
struct audit;
struct cluster;
struct config_cluster;
struct job;

/* What the screen decided: plain data, strings borrowed for the call. */
struct action_request {
    enum action action; /* ACT_CANCEL means "C": suspend on an operator target */
    int cluster;        /* index into app->clusters */
    const char *job_id; /* NULL: the resource itself (restart, profile on a cluster row) */
    const char *job_name;
    struct action_params params;
};

struct action_engine;

/* returns owned (action_engine_free); app and ops borrowed */
struct action_engine *action_engine_new(struct app *app, struct operations *ops);
void action_engine_free(struct action_engine *e);

/* ---- may anything be sent -------------------------------------------------------------- */

/* --readonly: nothing unlocks. */
void action_engine_set_forced_readonly(struct action_engine *e, bool on);
/* The audit log (borrowed, NULL: it could not be opened, open_error says why) and whether
 * an action may go unaudited (`audit: optional`). */
void action_engine_set_audit(struct action_engine *e, struct audit *a, const char *open_error,
                             bool optional);
/* ":unlock ARG": ARG is a duration and a reason, `10m "INC-1234"` (quotes optional for one
 * word). 0 with what happened in msg, or -1 with why not (--readonly, no reason, a bad
 * duration, more than a day). now_mono_ms: the monotonic clock. */
int action_engine_unlock(struct action_engine *e, const char *arg, int64_t now_mono_ms, char *msg,
                         size_t size);
void action_engine_lock(struct action_engine *e);
/* ms the unlock has left (0: none, or it ran out, which locks again). */
int64_t action_engine_unlock_left(struct action_engine *e, int64_t now_mono_ms);
/* The unlock's reason while it lasts; borrowed, NULL none. */
const char *action_engine_reason(struct action_engine *e, int64_t now_mono_ms);
/* Every action is refused on cc's cluster now (cc may be NULL). */
bool action_engine_readonly(struct action_engine *e, const struct config_cluster *cc,
                            int64_t now_mono_ms);

enum action_gate {
    ACTION_GATE_OK,
    ACTION_GATE_REFUSED, /* msg says why; nothing to ask */
    ACTION_GATE_AGAIN,   /* an earlier one may still be running: msg says which; ask
                            "the last one may still be running: send again?" */
};

/* The first word on an action key: may it go on? job_id is the job on screen (NULL none).
 * msg gets one line ("read-only: savepoint not sent", "audit: ... not sent", "the last
 * savepoint on production/orders was sent and is not done yet (o shows it)"). */
enum action_gate action_engine_gate(struct action_engine *e, enum action a, int cluster,
                                    const char *job_id, char *msg, size_t size);

/* ---- the target ------------------------------------------------------------------------ */

/* The config's entry for a cluster; borrowed, NULL none. */
const struct config_cluster *action_engine_config_of(const struct app *app,
                                                     const struct cluster *c);
/* The job an action on a cluster row means: the one the operator runs, else the only job
 * that is not over. borrowed, NULL when that is not clear. */
const struct job *action_engine_cluster_job(const struct cluster *c);

/* The target as the model shows it now; strings borrowed from the model: use before the
 * next loop turn. */
struct action_target_hold {
    struct action_target t;
    const char *vids[256];
    bool cluster_known; /* false: the cluster index is gone */
};
void action_engine_target(const struct action_engine *e, const struct action_request *r,
                          struct action_target_hold *h);
/* "C" on this target: ACT_SUSPEND (operator) or ACT_CANCEL (plain); other actions as they are. */
enum action action_engine_resolve(const struct action_engine *e, const struct action_request *r);
/* The plan for r (r->action resolved first). See action_plan_build. */
enum action_status action_engine_plan(const struct action_engine *e, const struct action_request *r,
                                      struct action_plan *out, char *err, size_t errlen);

/* What else it touches, in words: one line each, the ones to read twice marked warn. */
struct action_blast {
    char **lines; /* owned */
    bool *warn;   /* owned, one a line */
    size_t len;
};
void action_engine_blast(struct action_engine *e, const struct action_request *r,
                         const struct action_plan *p, struct action_blast *out);
void action_blast_free(struct action_blast *b);

/* ---- where a redeploy restores from ---------------------------------------------------- */

struct restore_point {
    const char *kind; /* static: "savepoint", "checkpoint", "snapshot", "upgrade" */
    int64_t ts;       /* taken, epoch ms; -1 unknown */
    char *path;       /* owned */
    char *format;     /* owned: CANONICAL, NATIVE; NULL unknown (checkpoints have none) */
    int64_t size;     /* bytes, -1 unknown */
    char *job;        /* owned: the job it came from; NULL unknown */
};
struct restore_points {
    struct restore_point *items; /* owned, newest first, each path once */
    size_t len;
    int64_t newest_checkpoint_ts; /* the newest completed checkpoint, -1 none */
    int64_t newest_checkpoint_id;
};
/* Completed savepoints, retained checkpoints (never a discarded one) and completed
 * FlinkStateSnapshots (never a failed one) of r's job, and the operator's last upgrade
 * savepoint. */
void action_engine_restore_points(const struct action_engine *e, const struct action_request *r,
                                  struct restore_points *out);
void restore_points_free(struct restore_points *l);

/* ---- profiles -------------------------------------------------------------------------- */

/* The profiles on disk (profile_default_dirs) with their descriptions ("" none). */
struct action_profiles {
    struct profile_names names;
    char **descriptions; /* owned, one a name */
};
void action_engine_profiles(struct action_profiles *out);
void action_profiles_free(struct action_profiles *l);
/* Load profile i and diff it against r's resource. 0, or -1 with err (the resource is
 * gone, the file is broken). *p and *d are the caller's to free (profile_free,
 * profile_diff_free) after 0; nothing to free after -1. */
int action_engine_profile_diff(const struct action_engine *e, const struct action_request *r,
                               const struct action_profiles *l, size_t i, struct profile *p,
                               struct profile_diff *d, char *err, size_t errlen);

/* ---- sending --------------------------------------------------------------------------- */

/* What operations_start gets for r and p: the plan as it is, plus where it goes (the
 * cluster's Flink REST base, its API server, or the API server of a standalone
 * Deployment's context), its TLS and credential, the reason and the Kubernetes identity.
 * Strings borrowed from r, p, the model and the engine. 0, or -1 with err. */
int action_engine_op_request(struct action_engine *e, const struct action_request *r,
                             const struct action_plan *p, struct op_request *out, char *err,
                             size_t errlen);
/* Check the gate again (the lock may have run out), build the request, audit and send.
 * Returns the operation (borrowed) or NULL; msg says what happened either way. */
const struct operation *action_engine_send(struct action_engine *e, const struct action_request *r,
                                           const struct action_plan *p, char *msg, size_t size);

/* The audit hook's work (main's op_audit_fn calls it): the line for op in phase, with the
 * Unix user, the Kubernetes identity and the unlock's reason. 0 when it was written; 1 when
 * it was not but the audit is optional (err says why: show it); -1 with err ("audit log
 * ...") when it was not and the action must not go. */
int action_engine_audit(struct action_engine *e, const struct operation *op, const char *phase,
                        char *err, size_t errlen);

#endif
