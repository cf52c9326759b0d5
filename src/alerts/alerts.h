/* The alert engine: rules (alert_rules.h) evaluated on samples (alert_samples.h) once a
 * refresh, at a wall time the caller gives (tests drive time; nothing here reads a clock).
 *
 * An instance is one rule on one sample key. Its condition true -> pending (since = now);
 * still true once `for` has passed -> firing (once: the time it fired and the value are
 * kept); false -> a firing instance is resolved (moved to the last ALERTS_MAX_RESOLVED
 * resolved, with start and end times and the last value) and a pending one is dropped.
 * `for: 0s` fires in the evaluation that first sees the condition. A firing instance whose
 * condition turns false keeps firing for the rule's keep_firing_for (default: one refresh
 * period, alerts_set_refresh), so a flickering condition does not fire and resolve again
 * and again; true again within it, nothing happened. When a sample says since when its
 * condition has held (alert_sample.since_ms), `for` counts from then: a job FAILED for an
 * hour fires at once, in a fresh console and in --once. An unknown value (NaN)
 * holds an instance as it is: it never fires, never resolves, and never turns a pending
 * alert into a firing one. An instance whose sample is gone (job gone, cluster removed)
 * or whose rule is gone is resolved. Op "increased" compares a counter with its value at
 * the previous evaluation that knew it: it fires when it rose by more than the
 * threshold, and resolves at the next evaluation where it did not rise.
 *
 * Memory is bounded: at most ALERTS_MAX_INSTANCES tracked instances (pending, firing,
 * and the counters "increased" remembers); beyond that new ones are counted in
 * alerts_dropped() and not tracked. */
#ifndef FLINKTOP_ALERTS_H
#define FLINKTOP_ALERTS_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert_rules.h"
#include "alert_samples.h"

#define ALERTS_MAX_RESOLVED 100
#define ALERTS_MAX_INSTANCES 10000

enum alert_state {
    ALERT_IDLE, /* tracked only for its counter's previous value (op "increased") */
    ALERT_PENDING,
    ALERT_FIRING,
    ALERT_RESOLVED
};

struct alert {
    char *rule; /* owned rule name */
    enum alert_severity severity;
    enum alert_scope scope;
    enum alert_state state;
    char *key; /* owned sample key */
    /* owned labels, NULL when not part of the scope */
    char *cluster, *job_id, *job, *vertex, *taskmanager, *pod;
    char *bottleneck;    /* owned, job scope: the likely bottleneck vertex, NULL unknown */
    int64_t since_ms;    /* when the condition became true (pending from): the data's own
                            time when the sample knows it (a job FAILED since its end
                            time), else the evaluation that first saw it */
    int64_t clear_ms;    /* firing, condition false since then (keep_firing_for); 0 not */
    int64_t fired_ms;    /* when it fired, 0 while pending */
    int64_t resolved_ms; /* RESOLVED only */
    double value;        /* the last known value */
    double fired_value;  /* the value when it fired */
    double threshold;    /* the rule's, when last evaluated */
    char *message;       /* owned, rendered with the last value */
    /* another evaluator's (alerts_set_external): NULL for the engine's own */
    const char *origin;      /* static string, "prometheus" */
    const char *also_origin; /* the engine's own, and that evaluator fires the same rule
                                on the same cluster and job: static string, NULL none */
    char *detail;            /* owned, external: the rule's `for` and expression, NULL */
    /* engine's own */
    double prev;    /* "increased": the counter at the last evaluation that knew it */
    int rule_index; /* into the engine's rules, -1 when the rule is gone */
    bool seen;
};

struct alerts;

/* returns owned engine with no rules */
struct alerts *alerts_new(void);
void alerts_free(struct alerts *a);

/* Take the rules (moved out of *rules, which is left empty; the old rules are freed).
 * Instances of rules that keep their name, scope, metric and op keep their state (the
 * new threshold, `for`, severity and message apply from the next evaluation); the others
 * resolve at the next evaluation. */
void alerts_set_rules(struct alerts *a, struct alert_rules *rules);
/* borrowed */
const struct alert_rules *alerts_rules(const struct alerts *a);

/* The refresh period: the default keep_firing_for of every rule (0, the start: none). */
void alerts_set_refresh(struct alerts *a, int64_t refresh_ms);

/* Evaluate every enabled rule on the samples at wall time now_ms. */
void alerts_evaluate(struct alerts *a, const struct alert_sample_set *samples, int64_t now_ms);

/* Alerts another evaluator fires (Prometheus's): each has origin set, state FIRING,
 * rule, severity, scope, labels, message, detail, fired_ms and value as that evaluator
 * says. Copied; they replace the last call's. They are listed with the engine's own
 * firing alerts (alerts_list, counts, the worst-for markers, alerts_to_json), except
 * one whose rule name, cluster and job are those of one of the engine's own firing
 * alerts: that one is listed once, the engine's, with also_origin set (one the engine
 * still holds pending is listed as firing there and pending here). */
void alerts_set_external(struct alerts *a, const struct alert *items, size_t n);

/* Firing (or pending) alerts, worst severity first, then oldest first: up to max
 * pointers into out; returns how many there are in all. borrowed: valid until the next
 * evaluate or set_rules. */
size_t alerts_list(const struct alerts *a, enum alert_state which, const struct alert **out,
                   size_t max);
/* Resolved alerts, newest first (i = 0 the newest); NULL past the end. borrowed */
const struct alert *alerts_resolved(const struct alerts *a, size_t i);
size_t alerts_resolved_count(const struct alerts *a);

/* Firing alerts by severity (counts[ALERT_SEV_COUNT]); returns the total. */
size_t alerts_counts(const struct alerts *a, size_t counts[ALERT_SEV_COUNT]);
/* The worst severity firing on this cluster (any scope), or on this job (job and vertex
 * scope); ALERT_SEV_NONE when none. For row markers. */
enum alert_severity alerts_worst_for_cluster(const struct alerts *a, const char *cluster);
enum alert_severity alerts_worst_for_job(const struct alerts *a, const char *cluster,
                                         const char *job_id);
/* True when the last evaluation fired a critical alert (for the optional bell). */
bool alerts_new_critical(const struct alerts *a);
/* Instances not tracked because the cap was reached, since the engine started. */
size_t alerts_dropped(const struct alerts *a);

/* returns owned cJSON array of the firing alerts, as in alerts_list order:
 * [{"name","origin","also_origin","severity","scope","cluster","job","job_id","vertex",
 *   "taskmanager","pod","bottleneck","since","value","threshold","message","detail"}];
 * origin is "flinktop" for the engine's own; also_origin and detail only when set; since is the epoch ms it fired; labels not
 * part of the scope (job for a cluster alert) and an unknown value are null. */
cJSON *alerts_to_json(const struct alerts *a);

#endif
