#include "sim_snapshots.h"

#include "sim_actions.h"
#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void sim_snapshots_free(struct sim_snapshots *s) {
    for (size_t i = 0; i < s->n; i++) {
        free(s->items[i].ns);
        free(s->items[i].name);
        free(s->items[i].path);
    }
    free(s->items);
    memset(s, 0, sizeof *s);
}

static cJSON *get_obj(cJSON *o, const char *key) {
    cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsObject(v) ? v : NULL;
}

static const char *get_str(const cJSON *o, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static void set(cJSON *o, const char *key, cJSON *v) {
    if (cJSON_GetObjectItemCaseSensitive(o, key) != NULL)
        cJSON_ReplaceItemInObjectCaseSensitive(o, key, v);
    else
        cJSON_AddItemToObject(o, key, v);
}

static cJSON *ms_string(int64_t ms) {
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", (long long)ms);
    return cJSON_CreateString(buf);
}

/* Writes status.state (and the snapshot.state label) of obj. */
static cJSON *set_state(cJSON *obj, const char *state) {
    cJSON *st = get_obj(obj, "status");
    if (st == NULL) {
        st = cJSON_CreateObject();
        set(obj, "status", st);
    }
    set(st, "state", cJSON_CreateString(state));
    cJSON *labels = get_obj(get_obj(obj, "metadata"), "labels");
    if (labels != NULL)
        set(labels, "snapshot.state", cJSON_CreateString(state));
    return st;
}

void sim_snapshots_start(struct sim_snapshots *s, struct sim_model *m, struct sim_cluster *c,
                         struct sim_job *j, cJSON *obj, const char *dir, bool checkpoint,
                         int64_t now) {
    if (s->n == s->cap) {
        s->cap = s->cap == 0 ? 8 : s->cap * 2;
        s->items = xrealloc(s->items, s->cap * sizeof *s->items);
    }
    struct sim_snapshot_track *t = &s->items[s->n++];
    memset(t, 0, sizeof *t);
    cJSON *md = get_obj(obj, "metadata");
    t->ns = xstrdup(get_str(md, "namespace") != NULL ? get_str(md, "namespace") : "");
    t->name = xstrdup(get_str(md, "name") != NULL ? get_str(md, "name") : "");
    t->cluster = c != NULL ? c->index : SIZE_MAX;
    t->created = now;
    t->checkpoint = checkpoint;
    if (c != NULL && j != NULL) {
        snprintf(t->jid, sizeof t->jid, "%s", j->jid);
        if (checkpoint) {
            t->path = xasprintf("s3://flink-%s/checkpoints/%s/chk-%lld", c->name, j->jid,
                                (long long)j->checkpoints.last_id + 1);
        } else {
            int fail = -1;
            if (m->forced_savepoint_failures > 0) {
                m->forced_savepoint_failures--;
                fail = 1;
            }
            const struct sim_savepoint_op *op = sim_actions_savepoint(
                c, j, now + c->actions.step_ms, dir, NULL, false, false, fail);
            if (op != NULL)
                snprintf(t->trigger, sizeof t->trigger, "%s", op->trigger);
        }
    }
    cJSON *st = set_state(obj, "TRIGGER_PENDING");
    set(st, "failures", cJSON_CreateNumber(0));
}

static cJSON *find(cJSON *stored, const struct sim_snapshot_track *t) {
    for (cJSON *it = stored->child; it != NULL; it = it->next) {
        cJSON *md = get_obj(it, "metadata");
        const char *ns = get_str(md, "namespace"), *name = get_str(md, "name");
        if (ns != NULL && name != NULL && strcmp(ns, t->ns) == 0 && strcmp(name, t->name) == 0)
            return it;
    }
    return NULL;
}

static void refresh_one(struct sim_snapshot_track *t, struct sim_model *m, cJSON *obj,
                        int64_t now) {
    const struct sim_cluster *c = t->cluster < m->n_clusters ? &m->clusters[t->cluster] : NULL;
    int64_t step = c != NULL ? c->actions.step_ms : SIM_ACTIONS_DEFAULT_STEP_MS;
    if (now < t->created + step)
        return;
    if (c == NULL || t->jid[0] == '\0' || (!t->checkpoint && t->trigger[0] == '\0')) {
        cJSON *st = set_state(obj, "FAILED");
        set(st, "error", cJSON_CreateString("The referenced job was not found or is not running."));
        set(st, "failures", cJSON_CreateNumber(1));
        set(st, "resultTimestamp", ms_string(t->created + step));
        t->final = true;
        return;
    }
    if (t->checkpoint) {
        bool done = now >= t->created + 3 * step;
        cJSON *st = set_state(obj, done ? "COMPLETED" : "IN_PROGRESS");
        set(st, "triggerTimestamp", ms_string(t->created + step));
        set(st, "triggerId", cJSON_CreateString("00000000000000000000000000000000"));
        if (done) {
            set(st, "path", cJSON_CreateString(t->path));
            set(st, "resultTimestamp", ms_string(t->created + 3 * step));
            t->final = true;
        }
        return;
    }
    const struct sim_savepoint_op *op = sim_actions_find(c, t->jid, t->trigger);
    if (op == NULL)
        return;
    cJSON *st = set_state(obj, !op->done ? "IN_PROGRESS" : op->failed ? "FAILED" : "COMPLETED");
    set(st, "triggerId", cJSON_CreateString(op->trigger));
    set(st, "triggerTimestamp", ms_string(op->started));
    if (!op->done)
        return;
    t->final = true;
    set(st, "resultTimestamp", ms_string(op->done_at));
    if (op->failed) {
        const char *trace = op->failure_trace != NULL ? op->failure_trace : "";
        const char *nl = strchr(trace, '\n');
        char *err = xstrndup(trace, nl != NULL ? (size_t)(nl - trace) : strlen(trace));
        set(st, "error", cJSON_CreateString(err));
        free(err);
        set(st, "failures", cJSON_CreateNumber(1));
    } else {
        set(st, "path", cJSON_CreateString(op->location));
    }
}

void sim_snapshots_refresh(struct sim_snapshots *s, struct sim_model *m, cJSON *stored,
                           int64_t now) {
    for (size_t i = 0; i < s->n; i++) {
        if (s->items[i].final)
            continue;
        cJSON *obj = find(stored, &s->items[i]);
        if (obj != NULL)
            refresh_one(&s->items[i], m, obj, now);
    }
}
