#include "alerts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Hash slots: a power of two at least twice the instance cap, so probes stay short. */
#define ALERTS_SLOTS 32768
#define MESSAGE_MAX 512

struct alerts {
    struct alert_rules rules;
    struct alert *inst; /* owned: tracked instances (idle, pending, firing) */
    size_t n, cap;
    uint32_t *slots; /* owned: instance index + 1 by (rule, key); 0 empty */
    struct alert resolved[ALERTS_MAX_RESOLVED]; /* ring, owned strings */
    size_t res_head, res_len;                   /* next write; entries held */
    struct alert *ext; /* owned: another evaluator's firing alerts (alerts_set_external) */
    size_t n_ext;
    bool new_critical;
    size_t dropped;
    int64_t refresh_ms; /* the default keep_firing_for */
};

struct alerts *alerts_new(void) {
    struct alerts *a = xcalloc(1, sizeof *a);
    a->slots = xcalloc(ALERTS_SLOTS, sizeof *a->slots);
    return a;
}

static void alert_clear(struct alert *x) {
    free(x->rule);
    free(x->key);
    free(x->cluster);
    free(x->job_id);
    free(x->job);
    free(x->vertex);
    free(x->taskmanager);
    free(x->pod);
    free(x->bottleneck);
    free(x->message);
    free(x->detail);
    memset(x, 0, sizeof *x);
}

static void ext_clear(struct alerts *a) {
    for (size_t i = 0; i < a->n_ext; i++)
        alert_clear(&a->ext[i]);
    free(a->ext);
    a->ext = NULL;
    a->n_ext = 0;
}

void alerts_free(struct alerts *a) {
    if (a == NULL)
        return;
    for (size_t i = 0; i < a->n; i++)
        alert_clear(&a->inst[i]);
    free(a->inst);
    for (size_t i = 0; i < ALERTS_MAX_RESOLVED; i++)
        alert_clear(&a->resolved[i]);
    free(a->slots);
    ext_clear(a);
    alert_rules_free(&a->rules);
    free(a);
}

const struct alert_rules *alerts_rules(const struct alerts *a) { return &a->rules; }

void alerts_set_rules(struct alerts *a, struct alert_rules *rules) {
    for (size_t i = 0; i < a->n; i++) {
        struct alert *x = &a->inst[i];
        const struct alert_rule *old = x->rule_index >= 0 ? &a->rules.items[x->rule_index] : NULL;
        x->rule_index = -1;
        for (size_t k = 0; old && k < rules->len; k++) {
            const struct alert_rule *r = &rules->items[k];
            if (strcmp(r->name, x->rule) == 0 && r->scope == old->scope &&
                r->metric == old->metric && r->op == old->op)
                x->rule_index = (int)k;
        }
    }
    alert_rules_free(&a->rules);
    a->rules = *rules;
    memset(rules, 0, sizeof *rules);
}

static void ext_dedup(struct alerts *a);

/* ---- the instance table ---- */

static uint32_t hash_of(int rule_index, const char *key) {
    uint32_t h = 2166136261u ^ (uint32_t)rule_index;
    for (const unsigned char *p = (const unsigned char *)key; *p; p++) {
        h ^= *p;
        h *= 16777619u;
    }
    return h;
}

static void slot_insert(struct alerts *a, size_t idx) {
    const struct alert *x = &a->inst[idx];
    uint32_t s = hash_of(x->rule_index, x->key) & (ALERTS_SLOTS - 1);
    while (a->slots[s] != 0)
        s = (s + 1) & (ALERTS_SLOTS - 1);
    a->slots[s] = (uint32_t)idx + 1;
}

static struct alert *lookup(struct alerts *a, int rule_index, const char *key) {
    uint32_t s = hash_of(rule_index, key) & (ALERTS_SLOTS - 1);
    while (a->slots[s] != 0) {
        struct alert *x = &a->inst[a->slots[s] - 1];
        if (x->rule_index == rule_index && strcmp(x->key, key) == 0)
            return x;
        s = (s + 1) & (ALERTS_SLOTS - 1);
    }
    return NULL;
}

static void rebuild_slots(struct alerts *a) {
    memset(a->slots, 0, ALERTS_SLOTS * sizeof *a->slots);
    for (size_t i = 0; i < a->n; i++)
        if (a->inst[i].rule_index >= 0)
            slot_insert(a, i);
}

static void set_label(char **dst, const char *src) {
    if (*dst == NULL && src == NULL)
        return;
    if (*dst && src && strcmp(*dst, src) == 0)
        return;
    free(*dst);
    *dst = xstrdup(src);
}

static struct alert *track(struct alerts *a, int rule_index, const struct alert_sample *s) {
    if (a->n >= ALERTS_MAX_INSTANCES) {
        a->dropped++;
        return NULL;
    }
    if (a->n == a->cap) {
        a->cap = a->cap ? a->cap * 2 : 32;
        a->inst = xrealloc(a->inst, a->cap * sizeof *a->inst);
    }
    struct alert *x = &a->inst[a->n];
    memset(x, 0, sizeof *x);
    const struct alert_rule *r = &a->rules.items[rule_index];
    x->rule = xstrdup(r->name);
    x->scope = r->scope;
    x->severity = r->severity;
    x->state = ALERT_IDLE;
    x->key = xstrdup(s->key);
    x->rule_index = rule_index;
    x->value = x->fired_value = x->prev = NAN;
    slot_insert(a, a->n);
    a->n++;
    return x;
}

/* ---- resolving ---- */

static struct alert copy_alert(const struct alert *x) {
    struct alert c = *x;
    c.rule = xstrdup(x->rule);
    c.key = xstrdup(x->key);
    c.cluster = xstrdup(x->cluster);
    c.job_id = xstrdup(x->job_id);
    c.job = xstrdup(x->job);
    c.vertex = xstrdup(x->vertex);
    c.taskmanager = xstrdup(x->taskmanager);
    c.pod = xstrdup(x->pod);
    c.bottleneck = xstrdup(x->bottleneck);
    c.message = xstrdup(x->message);
    c.detail = xstrdup(x->detail);
    return c;
}

/* A firing instance ends: a copy goes to the resolved ring; x goes back to idle. */
static void resolve(struct alerts *a, struct alert *x, int64_t now_ms) {
    struct alert *slot = &a->resolved[a->res_head];
    alert_clear(slot);
    *slot = copy_alert(x);
    slot->state = ALERT_RESOLVED;
    slot->resolved_ms = now_ms;
    slot->rule_index = -1;
    a->res_head = (a->res_head + 1) % ALERTS_MAX_RESOLVED;
    if (a->res_len < ALERTS_MAX_RESOLVED)
        a->res_len++;
    x->state = ALERT_IDLE;
    x->since_ms = x->fired_ms = x->clear_ms = 0;
}

/* ---- evaluating ---- */

static void update(struct alert *x, const struct alert_rule *r, const struct alert_sample *s,
                   double v) {
    x->severity = r->severity;
    x->threshold = r->threshold;
    x->value = v;
    set_label(&x->cluster, s->cluster);
    set_label(&x->job_id, s->job_id);
    set_label(&x->job, s->job);
    set_label(&x->vertex, s->vertex);
    set_label(&x->taskmanager, s->taskmanager);
    set_label(&x->pod, s->pod);
    set_label(&x->bottleneck, s->bottleneck[0] ? s->bottleneck : NULL);
}

static void render(struct alert *x, const struct alert_rule *r) {
    char buf[MESSAGE_MAX];
    struct alert_labels l = {x->cluster, x->job, x->vertex, x->taskmanager, x->pod, x->bottleneck};
    alert_rule_render(r, &l, x->value, buf, sizeof buf);
    set_label(&x->message, buf);
}

/* The rule's keep_firing_for in ms. */
static int64_t keep_ms(const struct alerts *a, const struct alert_rule *r) {
    return r->keep_firing_for_ms >= 0 ? r->keep_firing_for_ms : a->refresh_ms;
}

/* since_hint: since when the sample says the condition has held, 0 unknown. */
static void step(struct alerts *a, struct alert *x, const struct alert_rule *r, bool cond,
                 int64_t since_hint, int64_t now_ms) {
    if (!cond) {
        if (x->state == ALERT_FIRING) {
            if (x->clear_ms == 0)
                x->clear_ms = now_ms;
            if (now_ms - x->clear_ms < keep_ms(a, r)) {
                render(x, r);
                return; /* still firing: a flicker is not a resolution */
            }
            resolve(a, x, now_ms);
        }
        x->state = ALERT_IDLE;
        return;
    }
    x->clear_ms = 0;
    if (x->state == ALERT_IDLE) {
        x->state = ALERT_PENDING;
        x->since_ms = since_hint > 0 && since_hint < now_ms ? since_hint : now_ms;
    }
    if (x->state == ALERT_PENDING && now_ms - x->since_ms >= r->for_ms) {
        x->state = ALERT_FIRING;
        x->fired_ms = now_ms;
        x->fired_value = x->value;
        if (r->severity == ALERT_SEV_CRITICAL)
            a->new_critical = true;
    }
    render(x, r);
}

static void evaluate_rule(struct alerts *a, int ri, const struct alert_sample_set *samples,
                          int64_t now_ms) {
    const struct alert_rule *r = &a->rules.items[ri];
    for (size_t i = 0; i < samples->len; i++) {
        const struct alert_sample *s = &samples->items[i];
        if (s->scope != r->scope)
            continue;
        double v = s->value[r->metric];
        struct alert *x = lookup(a, ri, s->key);
        if (isnan(v)) { /* unknown: hold whatever state there is */
            if (x)
                x->seen = true;
            continue;
        }
        bool cond;
        if (r->op == ALERT_OP_INCREASED) {
            if (x == NULL) { /* first sight of the counter: remember it, never fire */
                x = track(a, ri, s);
                if (x) {
                    x->seen = true;
                    x->prev = v;
                    update(x, r, s, v);
                }
                continue;
            }
            cond = v > x->prev + r->threshold;
            x->prev = v;
        } else {
            cond = alert_op_holds(r->op, v, r->threshold);
            if (x == NULL && !cond)
                continue;
            if (x == NULL)
                x = track(a, ri, s);
            if (x == NULL)
                continue;
        }
        x->seen = true;
        update(x, r, s, v);
        step(a, x, r, cond, s->since_ms[r->metric], now_ms);
    }
}

void alerts_set_refresh(struct alerts *a, int64_t refresh_ms) {
    a->refresh_ms = refresh_ms > 0 ? refresh_ms : 0;
}

void alerts_evaluate(struct alerts *a, const struct alert_sample_set *samples, int64_t now_ms) {
    a->new_critical = false;
    a->dropped = 0;
    rebuild_slots(a);
    for (size_t i = 0; i < a->n; i++)
        a->inst[i].seen = false;
    for (size_t ri = 0; ri < a->rules.len; ri++)
        if (a->rules.items[ri].enabled)
            evaluate_rule(a, (int)ri, samples, now_ms);
    /* Gone (sample or rule) resolves; idle ones only stay to remember a counter. */
    size_t keep = 0;
    for (size_t i = 0; i < a->n; i++) {
        struct alert *x = &a->inst[i];
        if (!x->seen && x->state == ALERT_FIRING)
            resolve(a, x, now_ms);
        bool counter = x->rule_index >= 0 && a->rules.items[x->rule_index].op == ALERT_OP_INCREASED;
        if (!x->seen || (x->state == ALERT_IDLE && !counter)) {
            alert_clear(x);
            continue;
        }
        if (keep != i)
            a->inst[keep] = *x;
        keep++;
    }
    a->n = keep;
    ext_dedup(a);
}

/* ---- reading ---- */

static int by_severity_then_age(const void *pa, const void *pb) {
    const struct alert *x = *(const struct alert *const *)pa;
    const struct alert *y = *(const struct alert *const *)pb;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    int64_t tx = x->fired_ms ? x->fired_ms : x->since_ms;
    int64_t ty = y->fired_ms ? y->fired_ms : y->since_ms;
    if (tx != ty)
        return tx < ty ? -1 : 1;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->key, y->key);
}

static bool same(const char *x, const char *y) { return x && y && strcmp(x, y) == 0; }

static bool same_or_none(const char *x, const char *y) {
    return (x == NULL && y == NULL) || same(x, y);
}

/* An external alert the engine's own already says (listed once, the engine's). */
static bool ext_dup(const struct alert *e) { return e->also_origin != NULL; }

size_t alerts_list(const struct alerts *a, enum alert_state which, const struct alert **out,
                   size_t max) {
    size_t total = 0;
    for (size_t i = 0; i < a->n; i++)
        total += a->inst[i].state == which;
    for (size_t i = 0; which == ALERT_FIRING && i < a->n_ext; i++)
        total += !ext_dup(&a->ext[i]);
    if (total == 0 || max == 0)
        return total;
    const struct alert **all = xmalloc(total * sizeof *all);
    size_t k = 0;
    for (size_t i = 0; i < a->n; i++)
        if (a->inst[i].state == which)
            all[k++] = &a->inst[i];
    for (size_t i = 0; which == ALERT_FIRING && i < a->n_ext; i++)
        if (!ext_dup(&a->ext[i]))
            all[k++] = &a->ext[i];
    qsort(all, total, sizeof *all, by_severity_then_age);
    memcpy(out, all, (total < max ? total : max) * sizeof *out);
    free(all);
    return total;
}

size_t alerts_resolved_count(const struct alerts *a) { return a->res_len; }

const struct alert *alerts_resolved(const struct alerts *a, size_t i) {
    if (i >= a->res_len)
        return NULL;
    size_t idx = (a->res_head + ALERTS_MAX_RESOLVED - 1 - i) % ALERTS_MAX_RESOLVED;
    return &a->resolved[idx];
}

size_t alerts_counts(const struct alerts *a, size_t counts[ALERT_SEV_COUNT]) {
    size_t total = 0;
    for (int s = 0; s < ALERT_SEV_COUNT; s++)
        counts[s] = 0;
    for (size_t i = 0; i < a->n; i++) {
        const struct alert *x = &a->inst[i];
        if (x->state != ALERT_FIRING || x->severity < 0 || x->severity >= ALERT_SEV_COUNT)
            continue;
        counts[x->severity]++;
        total++;
    }
    for (size_t i = 0; i < a->n_ext; i++) {
        const struct alert *x = &a->ext[i];
        if (ext_dup(x) || x->severity < 0 || x->severity >= ALERT_SEV_COUNT)
            continue;
        counts[x->severity]++;
        total++;
    }
    return total;
}

enum alert_severity alerts_worst_for_cluster(const struct alerts *a, const char *cluster) {
    enum alert_severity worst = ALERT_SEV_NONE;
    for (size_t i = 0; i < a->n; i++) {
        const struct alert *x = &a->inst[i];
        if (x->state == ALERT_FIRING && x->severity > worst && same(x->cluster, cluster))
            worst = x->severity;
    }
    for (size_t i = 0; i < a->n_ext; i++)
        if (a->ext[i].severity > worst && same(a->ext[i].cluster, cluster))
            worst = a->ext[i].severity;
    return worst;
}

enum alert_severity alerts_worst_for_job(const struct alerts *a, const char *cluster,
                                         const char *job_id) {
    enum alert_severity worst = ALERT_SEV_NONE;
    for (size_t i = 0; i < a->n; i++) {
        const struct alert *x = &a->inst[i];
        if (x->state == ALERT_FIRING && x->severity > worst && same(x->cluster, cluster) &&
            same(x->job_id, job_id))
            worst = x->severity;
    }
    for (size_t i = 0; i < a->n_ext; i++)
        if (a->ext[i].severity > worst && same(a->ext[i].cluster, cluster) &&
            same(a->ext[i].job_id, job_id))
            worst = a->ext[i].severity;
    return worst;
}

bool alerts_new_critical(const struct alerts *a) { return a->new_critical; }

size_t alerts_dropped(const struct alerts *a) { return a->dropped; }

static void add_str(cJSON *o, const char *name, const char *v) {
    if (v)
        cJSON_AddStringToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

static void add_num(cJSON *o, const char *name, double v) {
    if (isnan(v) || isinf(v))
        cJSON_AddNullToObject(o, name);
    else
        cJSON_AddNumberToObject(o, name, v);
}

cJSON *alerts_to_json(const struct alerts *a) {
    cJSON *arr = cJSON_CreateArray();
    size_t n = alerts_list(a, ALERT_FIRING, NULL, 0);
    if (n == 0)
        return arr;
    const struct alert **list = xmalloc(n * sizeof *list);
    alerts_list(a, ALERT_FIRING, list, n);
    for (size_t i = 0; i < n; i++) {
        const struct alert *x = list[i];
        cJSON *o = cJSON_CreateObject();
        add_str(o, "name", x->rule);
        add_str(o, "origin", x->origin ? x->origin : "flinktop");
        if (x->also_origin) /* deduplicated: that evaluator fires it too */
            add_str(o, "also_origin", x->also_origin);
        add_str(o, "severity", alert_severity_name(x->severity));
        add_str(o, "scope", alert_scope_name(x->scope));
        add_str(o, "cluster", x->cluster);
        add_str(o, "job", x->job);
        add_str(o, "job_id", x->job_id);
        add_str(o, "vertex", x->vertex);
        add_str(o, "taskmanager", x->taskmanager);
        add_str(o, "pod", x->pod);
        add_str(o, "bottleneck", x->bottleneck);
        add_num(o, "since", (double)x->fired_ms);
        add_num(o, "value", x->value);
        add_num(o, "threshold", x->threshold);
        add_str(o, "message", x->message);
        if (x->detail)
            add_str(o, "detail", x->detail);
        cJSON_AddItemToArray(arr, o);
    }
    free(list);
    return arr;
}

static char *dup_or_null(const char *s) { return s ? xstrdup(s) : NULL; }

/* Mark the external alerts the engine's own firing instances already say. */
static void ext_dedup(struct alerts *a) {
    for (size_t i = 0; i < a->n; i++)
        a->inst[i].also_origin = NULL;
    for (size_t e = 0; e < a->n_ext; e++) {
        struct alert *x = &a->ext[e];
        x->also_origin = NULL;
        for (size_t i = 0; i < a->n; i++) {
            struct alert *own = &a->inst[i];
            if (own->state != ALERT_FIRING || /* pending here, firing there: both shown */
                strcmp(own->rule, x->rule) != 0 || !same_or_none(own->cluster, x->cluster) ||
                !same_or_none(own->job_id, x->job_id))
                continue;
            own->also_origin = x->origin;
            x->also_origin = "flinktop";
        }
    }
}

void alerts_set_external(struct alerts *a, const struct alert *items, size_t n) {
    ext_clear(a);
    a->ext = n ? xcalloc(n, sizeof *a->ext) : NULL;
    for (size_t i = 0; i < n; i++) {
        const struct alert *s = &items[i];
        struct alert *x = &a->ext[a->n_ext++];
        *x = *s;
        x->rule = xstrdup(s->rule ? s->rule : "?");
        x->key = xstrdup(s->key ? s->key : ""); /* sorted on: never NULL */
        x->cluster = dup_or_null(s->cluster);
        x->job_id = dup_or_null(s->job_id);
        x->job = dup_or_null(s->job);
        x->vertex = dup_or_null(s->vertex);
        x->taskmanager = dup_or_null(s->taskmanager);
        x->pod = dup_or_null(s->pod);
        x->bottleneck = dup_or_null(s->bottleneck);
        x->message = dup_or_null(s->message);
        x->detail = dup_or_null(s->detail);
        x->state = ALERT_FIRING;
        x->origin = s->origin ? s->origin : "external";
        x->rule_index = -1;
    }
    ext_dedup(a);
}
