#include "health.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "bottleneck.h"
#include "vertex_name.h"

#define HEALTH_NAME(id, name) [id] = name,
static const char *const class_names[HEALTH_CLASS_COUNT] = {HEALTH_CLASSES(HEALTH_NAME)};
#undef HEALTH_NAME

const char *health_class_name(enum health_class c) {
    if ((int)c < 0 || c >= HEALTH_CLASS_COUNT)
        return class_names[HEALTH_UNKNOWN];
    return class_names[c];
}

void health_span(int64_t ms, char *buf, size_t size) {
    int64_t s = ms < 0 ? 0 : ms / 1000;
    if (s < 60)
        snprintf(buf, size, "%llds", (long long)s);
    else if (s < 3600)
        snprintf(buf, size, "%lldm", (long long)(s / 60));
    else if (s < 86400)
        snprintf(buf, size, "%lldh%02lldm", (long long)(s / 3600), (long long)(s % 3600 / 60));
    else
        snprintf(buf, size, "%lldd%02lldh", (long long)(s / 86400),
                 (long long)(s % 86400 / 3600));
}

/* The first line of a message into buf; one that does not fit ends in "..." (never
 * cutting a UTF-8 sequence). */
static void first_line(const char *msg, char *buf, size_t size) {
    size_t n = 0;
    if (size < 4) {
        if (size > 0)
            buf[0] = '\0';
        return;
    }
    buf[0] = '\0';
    if (msg == NULL)
        return;
    while (msg[n] != '\0' && msg[n] != '\n' && n + 1 < size)
        n++;
    bool cut = msg[n] != '\0' && msg[n] != '\n';
    if (cut) {
        n = size - 4; /* room for "..." */
        while (n > 0 && ((unsigned char)msg[n] & 0xC0) == 0x80)
            n--; /* cut before a continuation byte: back to the start of that character */
    }
    memcpy(buf, msg, n);
    memcpy(buf + n, cut ? "..." : "", cut ? 4 : 1);
}

static bool completed(const struct checkpoint *c) {
    return c->id >= 0 && c->status != NULL && strcmp(c->status, "COMPLETED") == 0;
}

/* The newest completed checkpoint or savepoint (they share one id counter). */
static const struct checkpoint *newest_completed(const struct checkpoint_stats *s) {
    const struct checkpoint *c = s->last_completed.id >= 0 ? &s->last_completed : NULL;
    if (completed(&s->last_savepoint) && (c == NULL || s->last_savepoint.id > c->id))
        c = &s->last_savepoint;
    return c;
}

int64_t health_cp_failures_in_row(const struct checkpoint_stats *s) {
    if (s == NULL)
        return -1;
    const struct checkpoint *done = newest_completed(s);
    int64_t failed_id = s->last_failed.id;
    if (done == NULL) {
        if (s->failed >= 0)
            return s->failed;
        return failed_id >= 0 ? -1 : 0;
    }
    if (failed_id < 0 || failed_id < done->id)
        return 0;
    return failed_id - done->id;
}

static int64_t cp_time(const struct checkpoint *c) {
    if (c->ack_ts > 0)
        return c->ack_ts;
    return c->trigger_ts > 0 ? c->trigger_ts : -1;
}

/* Worst vertex by backpressure and by busy time; the likely bottleneck. */
static void vertices_eval(const struct vertex_list *l, struct job_health *h) {
    for (size_t i = 0; i < l->len; i++) {
        const struct vertex *v = &l->items[i];
        double bp = bottleneck_bp_ratio(v), busy = bottleneck_busy_ratio(v);
        if (!isnan(bp) && (isnan(h->bp_max) || bp > h->bp_max)) {
            h->bp_max = bp;
            h->bp_vertex = v;
        }
        if (!isnan(busy) && (isnan(h->busy_max) || busy > h->busy_max))
            h->busy_max = busy;
        if (h->bottleneck == NULL && bottleneck_is(l, i))
            h->bottleneck = v;
    }
}

static bool checkpointing_on(const struct job_detail *d) {
    if (!d->have_cp_config)
        return d->have_checkpoints;
    return d->cp_config.enabled && d->cp_config.interval_ms > 0 &&
           d->cp_config.interval_ms != INT64_MAX;
}

int64_t health_cp_as_of(const struct job_detail *d, int64_t now_ms) {
    int64_t at = d ? d->parts[DETAIL_CHECKPOINTS].last_ok_ms : 0;
    return at > 0 && at < now_ms ? at : now_ms;
}

int64_t health_cp_cadence_ms(const struct job_detail *d) {
    if (d == NULL || !d->have_cp_config || !d->cp_config.enabled ||
        d->cp_config.interval_ms <= 0 || d->cp_config.interval_ms == INT64_MAX)
        return -1;
    int64_t cadence = d->cp_config.interval_ms;
    const struct checkpoint *last = &d->checkpoints.last_completed;
    if (d->have_checkpoints && last->id >= 0 && last->duration_ms > 0) {
        int64_t pause = d->cp_config.min_pause_ms > 0 ? d->cp_config.min_pause_ms : 0;
        if (last->duration_ms + pause > cadence)
            cadence = last->duration_ms + pause;
    }
    return cadence;
}

/* Sets NOT_CHECKPOINTING with its reason when checkpoints keep failing or are overdue. */
static bool checkpoints_eval(const struct job *j, int64_t now_ms, struct job_health *h) {
    const struct job_detail *d = j->detail;
    if (d == NULL || !d->have_checkpoints)
        return false;
    const struct checkpoint_stats *s = &d->checkpoints;
    const struct checkpoint *done = newest_completed(s);
    h->cp_failed_in_row = health_cp_failures_in_row(s);
    h->cp_last_completed_ms = done ? cp_time(done) : -1;
    now_ms = health_cp_as_of(d, now_ms); /* ages as of the data, not of the clock */
    if (h->cp_last_completed_ms > 0 && now_ms >= h->cp_last_completed_ms)
        h->cp_age_ms = now_ms - h->cp_last_completed_ms;
    if (j->state != JOB_RUNNING || !checkpointing_on(d))
        return false;

    /* since: the last completed checkpoint, else the job's start */
    int64_t since = h->cp_last_completed_ms > 0 ? h->cp_last_completed_ms : j->start_time;
    char age[24] = "?";
    if (since > 0 && now_ms >= since)
        health_span(now_ms - since, age, sizeof age);

    if (h->cp_failed_in_row >= HEALTH_CP_FAILURES_IN_ROW) {
        char why[160];
        first_line(s->last_failed.failure_message, why, sizeof why);
        snprintf(h->reason, sizeof h->reason, "checkpoints failing for %s (%lld in a row)%s%s",
                 age, (long long)h->cp_failed_in_row, why[0] ? ": " : "", why);
        return true;
    }
    int64_t cadence = health_cp_cadence_ms(d);
    if (cadence > 0 && since > 0 && now_ms - since > HEALTH_CP_MISSED_INTERVALS * cadence) {
        char every[24];
        health_span(d->cp_config.interval_ms, every, sizeof every);
        snprintf(h->reason, sizeof h->reason, "no completed checkpoint for %s (interval %s)",
                 age, every);
        return true;
    }
    return false;
}

/* A vertex of l by its shown name ("Map (2)" when the job has two "Map"s). */
static const char *shown_name(const struct vertex_list *l, const struct vertex *v, char *buf,
                              size_t size) {
    if (l && v >= l->items && v < l->items + l->len)
        return vertex_name_shown(l, (size_t)(v - l->items), buf, size);
    snprintf(buf, size, "%s", v->name ? v->name : v->id);
    return buf;
}

static bool backpressure_eval(const struct vertex_list *l, struct job_health *h) {
    if (isnan(h->bp_max) || h->bp_max <= HEALTH_BP_RATIO || h->bp_vertex == NULL)
        return false;
    double pct = h->bp_max > 1.0 ? 100.0 : h->bp_max * 100.0;
    char name[160];
    if (h->bottleneck != NULL)
        snprintf(h->reason, sizeof h->reason, "backpressured %.0f%% at %s (bottleneck)", pct,
                 shown_name(l, h->bottleneck, name, sizeof name));
    else
        snprintf(h->reason, sizeof h->reason, "backpressured %.0f%% at %s", pct,
                 shown_name(l, h->bp_vertex, name, sizeof name));
    return true;
}

static void failed_reason(const struct job *j, int64_t now_ms, struct job_health *h) {
    char age[24] = "";
    int64_t since = j->state == JOB_FAILED ? j->end_time : j->last_modification;
    if (since > 0 && now_ms >= since)
        health_span(now_ms - since, age, sizeof age);
    char why[160] = "";
    if (j->detail && j->detail->have_exceptions && j->detail->exceptions.len > 0) {
        const struct exception_entry *e = &j->detail->exceptions.entries[0];
        first_line(e->message ? e->message : e->name, why, sizeof why);
    }
    snprintf(h->reason, sizeof h->reason, "%s%s%s%s%s", job_state_name(j->state),
             age[0] ? " for " : "", age, why[0] ? ": " : "", why);
}

void health_eval(const struct job *j, int64_t now_ms, struct job_health *h) {
    memset(h, 0, sizeof *h);
    h->cls = HEALTH_UNKNOWN;
    h->cp_failed_in_row = -1;
    h->cp_last_completed_ms = -1;
    h->cp_age_ms = -1;
    h->bp_max = NAN;
    h->busy_max = NAN;
    if (j == NULL)
        return;
    if (j->detail != NULL)
        vertices_eval(&j->detail->vertices, h);
    bool cp_bad = checkpoints_eval(j, now_ms, h);

    switch (j->state) {
    case JOB_FAILED:
    case JOB_FAILING:
        h->cls = HEALTH_FAILED;
        failed_reason(j, now_ms, h);
        return;
    case JOB_RESTARTING:
    case JOB_INITIALIZING:
    case JOB_CREATED:
    case JOB_RECONCILING:
        h->cls = HEALTH_RESTARTING;
        snprintf(h->reason, sizeof h->reason, "%s", job_state_name(j->state));
        return;
    case JOB_RUNNING:
        break;
    case JOB_UNKNOWN:
        return;
    default: /* finished, canceled, suspended: not sick, nothing to do */
        h->cls = HEALTH_HEALTHY;
        return;
    }
    if (cp_bad) {
        h->cls = HEALTH_NOT_CHECKPOINTING;
        return;
    }
    if (backpressure_eval(j->detail ? &j->detail->vertices : NULL, h)) {
        h->cls = HEALTH_BACKPRESSURED;
        return;
    }
    /* running, but nothing inside it known yet (its details wait their turn): not a
     * "healthy" the data never said */
    const struct job_detail *d = j->detail;
    if (d == NULL || (d->vertices.len == 0 && d->checkpoints.total < 0 &&
                      d->checkpoints.last_completed.id < 0)) {
        h->cls = HEALTH_UNKNOWN;
        snprintf(h->reason, sizeof h->reason, "no details yet");
        return;
    }
    h->cls = HEALTH_HEALTHY;
}

static int cmp_desc_i(int64_t a, int64_t b) {
    return a > b ? -1 : a < b ? 1 : 0;
}

int health_compare(const struct job_health *a, const struct job_health *b) {
    if (a->cls != b->cls)
        return a->cls < b->cls ? -1 : 1;
    int c = cmp_desc_i(a->cp_failed_in_row, b->cp_failed_in_row);
    if (c != 0)
        return c;
    if ((c = cmp_desc_i(a->cp_age_ms, b->cp_age_ms)) != 0)
        return c;
    double x = isnan(a->bp_max) ? -1 : a->bp_max, y = isnan(b->bp_max) ? -1 : b->bp_max;
    return x > y ? -1 : x < y ? 1 : 0;
}

bool health_use_figures(const struct job *j, const struct health_figures *f, int64_t stale_ms,
                        struct job_health *h) {
    const struct job_detail *d = j->detail;
    bool rest_old = d == NULL || d->metrics_ms <= 0 ||
                    (f->as_of_ms > 0 && f->as_of_ms - d->metrics_ms > stale_ms);
    bool took = false;
    if (rest_old && !isnan(f->bp_max)) {
        if (h->cls == HEALTH_BACKPRESSURED && f->bp_max <= HEALTH_BP_RATIO) {
            h->cls = HEALTH_HEALTHY; /* the old details' backpressure is over */
            h->reason[0] = '\0';
        }
        h->bp_max = f->bp_max;
        h->bp_vertex = NULL; /* the source knows the job's worst, not which vertex */
        h->bottleneck = NULL;
        took = true;
    }
    if (rest_old && !isnan(f->busy_max)) {
        h->busy_max = f->busy_max;
        took = true;
    }
    if (h->cp_last_completed_ms < 0 && f->cp_last_completed_ms > 0) {
        h->cp_last_completed_ms = f->cp_last_completed_ms;
        int64_t at = f->as_of_ms > 0 ? f->as_of_ms : f->cp_last_completed_ms;
        h->cp_age_ms = at >= f->cp_last_completed_ms ? at - f->cp_last_completed_ms : -1;
        took = true;
    }
    if (took && j->state == JOB_RUNNING && h->cls == HEALTH_UNKNOWN) {
        h->cls = HEALTH_HEALTHY; /* Prometheus knows what REST has not said yet */
        h->reason[0] = '\0';
    }
    if (took && j->state == JOB_RUNNING && h->cls == HEALTH_HEALTHY && h->bp_vertex == NULL &&
        !isnan(h->bp_max) && h->bp_max > HEALTH_BP_RATIO) {
        h->cls = HEALTH_BACKPRESSURED;
        snprintf(h->reason, sizeof h->reason, "backpressured %.0f%% (Prometheus)",
                 h->bp_max > 1.0 ? 100.0 : h->bp_max * 100.0);
    }
    h->other_source |= took;
    return took;
}
