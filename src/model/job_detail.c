#include "job_detail.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char *bp_level_name(enum bp_level l) {
    switch (l) {
    case BP_OK:
        return "ok";
    case BP_LOW:
        return "low";
    case BP_HIGH:
        return "high";
    case BP_UNKNOWN:
        break;
    }
    return "unknown";
}

enum bp_level bp_level_of_ratio(double ratio) {
    if (isnan(ratio))
        return BP_UNKNOWN;
    if (ratio <= 0.10)
        return BP_OK;
    if (ratio <= 0.5)
        return BP_LOW;
    return BP_HIGH;
}

void checkpoint_init(struct checkpoint *c) {
    memset(c, 0, sizeof *c);
    c->id = -1;
    c->trigger_ts = c->ack_ts = c->duration_ms = c->size_bytes = c->state_size = -1;
    c->failure_ts = c->restore_ts = -1;
}

void checkpoint_free(struct checkpoint *c) {
    free(c->status);
    free(c->path);
    free(c->failure_message);
    checkpoint_init(c);
}

void checkpoint_stats_init(struct checkpoint_stats *s) {
    memset(s, 0, sizeof *s);
    s->total = s->completed = s->failed = s->in_progress = s->restored = -1;
    checkpoint_init(&s->last_completed);
    checkpoint_init(&s->last_failed);
    checkpoint_init(&s->last_savepoint);
    checkpoint_init(&s->last_restored);
}

void checkpoint_stats_free(struct checkpoint_stats *s) {
    checkpoint_free(&s->last_completed);
    checkpoint_free(&s->last_failed);
    checkpoint_free(&s->last_savepoint);
    checkpoint_free(&s->last_restored);
    for (size_t i = 0; i < s->n_history; i++)
        checkpoint_free(&s->history[i]);
    free(s->history);
    checkpoint_stats_init(s);
}

void checkpoint_config_init(struct checkpoint_config *c) {
    memset(c, 0, sizeof *c);
    c->interval_ms = c->timeout_ms = c->min_pause_ms = c->max_concurrent = -1;
    c->tolerable_failed = -1;
}

void checkpoint_config_free(struct checkpoint_config *c) {
    free(c->mode);
    free(c->state_backend);
    checkpoint_config_init(c);
}

void vertex_init(struct vertex *v) {
    memset(v, 0, sizeof *v);
    v->parallelism = v->max_parallelism = -1;
    v->in_per_s = v->out_per_s = NAN;
    v->busy_ms = v->backpressured_ms = v->idle_ms = NAN;
    v->bp_level = BP_UNKNOWN;
    vertex_watermarks_init(&v->wm);
    v->pending_records = v->records_lag_max = NAN;
}

void vertex_free(struct vertex *v) {
    free(v->name);
    free(v->status);
    free(v->inputs);
    free(v->ship);
    free(v->bp_ratio);
    free(v->busy_ratio);
    free(v->idle_ratio);
    vertex_init(v);
}

void vertex_list_free(struct vertex_list *l) {
    for (size_t i = 0; i < l->len; i++)
        vertex_free(&l->items[i]);
    free(l->items);
    l->items = NULL;
    l->len = 0;
}

void exceptions_free(struct exceptions *e) {
    for (size_t i = 0; i < e->len; i++) {
        struct exception_entry *x = &e->entries[i];
        free(x->name);
        free(x->message);
        free(x->stacktrace);
        free(x->task);
        free(x->endpoint);
    }
    free(e->entries);
    memset(e, 0, sizeof *e);
}

struct job_detail *job_detail_new(size_t ring_size) {
    struct job_detail *d = xcalloc(1, sizeof *d);
    checkpoint_stats_init(&d->checkpoints);
    checkpoint_config_init(&d->cp_config);
    history_init(&d->history, ring_size);
    d->records_in_per_s = d->records_out_per_s = NAN;
    for (int i = 0; i < DETAIL_PART_COUNT; i++)
        source_init(&d->parts[i]);
    d->num_restarts = -1;
    source_init(&d->job_metrics);
    return d;
}

void job_detail_free(struct job_detail *d) {
    if (d == NULL)
        return;
    vertex_list_free(&d->vertices);
    checkpoint_stats_free(&d->checkpoints);
    checkpoint_config_free(&d->cp_config);
    exceptions_free(&d->exceptions);
    history_free(&d->history);
    subtask_drill_free(d->drill);
    free(d);
}

struct vertex *job_detail_vertex(struct job_detail *d, const char *id) {
    for (size_t i = 0; i < d->vertices.len; i++)
        if (strcmp(d->vertices.items[i].id, id) == 0)
            return &d->vertices.items[i];
    return NULL;
}

static bool vertex_is_source(const struct vertex *v) { return v->n_inputs == 0; }

/* A vertex nobody reads from is a sink. */
static bool vertex_is_sink(const struct vertex_list *l, const struct vertex *v) {
    for (size_t i = 0; i < l->len; i++)
        for (int k = 0; k < l->items[i].n_inputs; k++)
            if (strcmp(l->items[i].inputs[k], v->id) == 0)
                return false;
    return true;
}

void job_detail_update_throughput(struct job_detail *d) {
    const struct vertex_list *l = &d->vertices;
    double in = 0, out = 0;
    if (l->len == 0)
        in = out = NAN;
    for (size_t i = 0; i < l->len; i++) {
        const struct vertex *v = &l->items[i];
        if (vertex_is_source(v))
            in += v->out_per_s;
        if (vertex_is_sink(l, v))
            out += v->in_per_s;
    }
    d->records_in_per_s = in;
    d->records_out_per_s = out;
}

const char *detail_part_name(enum detail_part p) {
    static const char *const names[DETAIL_PART_COUNT] = {
        [DETAIL_JOB] = "job",
        [DETAIL_VERTEX_METRICS] = "vertex_metrics",
        [DETAIL_BACKPRESSURE] = "backpressure",
        [DETAIL_CHECKPOINTS] = "checkpoints",
        [DETAIL_CP_CONFIG] = "checkpoint_config",
        [DETAIL_EXCEPTIONS] = "exceptions",
    };
    return (int)p >= 0 && p < DETAIL_PART_COUNT ? names[p] : "unknown";
}
