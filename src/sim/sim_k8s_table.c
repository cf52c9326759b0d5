#include "sim_k8s_table.h"

#include "xalloc.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct column {
    const char *name, *type, *format, *description;
    int priority;
};

#define NAME_COL                                                                                   \
    { "Name", "string", "name", "Name must be unique within a namespace.", 0 }
#define AGE_COL                                                                                    \
    {                                                                                              \
        "Age", "string", "",                                                                       \
            "CreationTimestamp is a timestamp representing the server time when "                  \
            "this object was created.",                                                            \
            0                                                                                      \
    }
#define CRD_AGE_COL                                                                                \
    {                                                                                              \
        "Age", "date", "",                                                                         \
            "CreationTimestamp is a timestamp representing the server time when "                  \
            "this object was created.",                                                            \
            0                                                                                      \
    }

static const struct column pod_cols[] = {
    NAME_COL,
    {"Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0},
    {"Status", "string", "", "The aggregate status of the containers in this pod.", 0},
    {"Restarts", "string", "",
     "The number of times the containers in this pod have been "
     "restarted and when the last container in this pod has restarted.",
     0},
    AGE_COL,
    {"IP", "string", "", "IP address allocated to the pod.", 1},
    {"Node", "string", "", "Name of the node this pod is scheduled on.", 1},
};
static const struct column deploy_cols[] = {
    NAME_COL,
    {"Ready", "string", "", "Number of the pod with ready state", 0},
    {"Up-to-date", "string", "",
     "Total number of non-terminated pods targeted by this deployment "
     "that have the desired template spec.",
     0},
    {"Available", "string", "",
     "Total number of available pods (ready for at least "
     "minReadySeconds) targeted by this deployment.",
     0},
    AGE_COL,
};
static const struct column event_cols[] = {
    {"Last Seen", "string", "",
     "The time at which the most recent occurrence of this event "
     "was recorded.",
     0},
    {"Type", "string", "", "Type of this event (Normal, Warning).", 0},
    {"Reason", "string", "", "The reason for the transition into the object's current status.", 0},
    {"Object", "string", "", "The object that this event is about.", 0},
    {"Message", "string", "", "A human-readable description of the status of this operation.", 0},
};
static const struct column ns_cols[] = {
    NAME_COL,
    {"Status", "string", "", "The status of the namespace", 0},
    AGE_COL,
};
static const struct column svc_cols[] = {
    NAME_COL,
    {"Type", "string", "", "The type of the service.", 0},
    {"Cluster-IP", "string", "", "The IP address of the service.", 0},
    {"External-IP", "string", "", "The external IP of the service.", 0},
    {"Port(s)", "string", "", "The ports the service listens on.", 0},
    AGE_COL,
};
/* The CRDs' additionalPrinterColumns (specs/operator-*.yml), between Name and Age. */
static const struct column flink_cols[] = {
    NAME_COL,
    {"Job Status", "string", "", "", 0},
    {"Lifecycle State", "string", "", "", 0},
    CRD_AGE_COL,
};
static const char *const flink_paths[] = {NULL, "status.jobStatus.state", "status.lifecycleState",
                                          "metadata.creationTimestamp"};
static const struct column snapshot_cols[] = {
    NAME_COL,
    {"Path", "string", "", "", 0},
    {"Result Timestamp", "string", "", "", 0},
    {"Snapshot State", "string", "", "", 0},
    CRD_AGE_COL,
};
static const char *const snapshot_paths[] = {NULL, "status.path", "status.resultTimestamp",
                                             "status.state", "metadata.creationTimestamp"};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

void sim_k8s_table_age(char *buf, size_t n, int64_t ms) {
    long long s = ms / 1000;
    if (ms < -1000) {
        snprintf(buf, n, "<invalid>");
    } else if (s < 0) {
        snprintf(buf, n, "0s");
    } else if (s < 120) {
        snprintf(buf, n, "%llds", s);
    } else if (s < 600) {
        if (s % 60 == 0)
            snprintf(buf, n, "%lldm", s / 60);
        else
            snprintf(buf, n, "%lldm%llds", s / 60, s % 60);
    } else if (s < 3 * 3600) {
        snprintf(buf, n, "%lldm", s / 60);
    } else if (s < 8 * 3600) {
        if ((s / 60) % 60 == 0)
            snprintf(buf, n, "%lldh", s / 3600);
        else
            snprintf(buf, n, "%lldh%lldm", s / 3600, (s / 60) % 60);
    } else if (s < 48 * 3600) {
        snprintf(buf, n, "%lldh", s / 3600);
    } else if (s < 8 * 86400) {
        if ((s / 3600) % 24 == 0)
            snprintf(buf, n, "%lldd", s / 86400);
        else
            snprintf(buf, n, "%lldd%lldh", s / 86400, (s / 3600) % 24);
    } else if (s < 2 * 365 * 86400LL) {
        snprintf(buf, n, "%lldd", s / 86400);
    } else {
        snprintf(buf, n, "%lldy", s / (365 * 86400LL));
    }
}

static const cJSON *get(const cJSON *o, const char *key) {
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
}

static const char *str(const cJSON *o, const char *key) {
    const cJSON *v = get(o, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double num(const cJSON *o, const char *key) {
    const cJSON *v = get(o, key);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* "a.b.c" from o: borrowed, NULL when absent. */
static const cJSON *at_path(const cJSON *o, const char *path) {
    char *copy = xstrdup(path);
    const cJSON *v = o;
    for (char *p = copy; p != NULL && v != NULL;) {
        char *dot = strchr(p, '.');
        if (dot != NULL)
            *dot = '\0';
        v = get(v, p);
        p = dot != NULL ? dot + 1 : NULL;
    }
    free(copy);
    return v;
}

/* Milliseconds of an RFC 3339 UTC time ("2026-11-24T13:00:00Z"); -1 when unreadable. */
static int64_t parse_time(const char *s) {
    struct tm tm;
    memset(&tm, 0, sizeof tm);
    if (s == NULL || sscanf(s, "%d-%d-%dT%d:%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                            &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 6)
        return -1;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    return (int64_t)timegm(&tm) * 1000;
}

static cJSON *age_cell(const char *ts, int64_t now) {
    int64_t t = parse_time(ts);
    if (t < 0)
        return cJSON_CreateString("<unknown>");
    char buf[32];
    sim_k8s_table_age(buf, sizeof buf, now - t);
    return cJSON_CreateString(buf);
}

static const char *or_none(const char *s) { return s != NULL && s[0] != '\0' ? s : "<none>"; }

static void pod_cells(cJSON *cells, const cJSON *o, int64_t now) {
    const cJSON *md = get(o, "metadata"), *spec = get(o, "spec"), *st = get(o, "status");
    int total = cJSON_GetArraySize(get(spec, "containers")), ready = 0, restarts = 0;
    const char *reason = str(st, "phase");
    int64_t last_restart = -1;
    const cJSON *cs = NULL;
    cJSON_ArrayForEach(cs, get(st, "containerStatuses")) {
        const cJSON *b = get(cs, "ready");
        ready += cJSON_IsTrue(b);
        restarts += (int)num(cs, "restartCount");
        const char *waiting = str(get(get(cs, "state"), "waiting"), "reason");
        const char *terminated = str(get(get(cs, "state"), "terminated"), "reason");
        if (waiting != NULL)
            reason = waiting;
        else if (terminated != NULL)
            reason = terminated;
        int64_t fin = parse_time(str(get(get(cs, "lastState"), "terminated"), "finishedAt"));
        if (fin > last_restart)
            last_restart = fin;
    }
    if (str(md, "deletionTimestamp") != NULL)
        reason = "Terminating";
    char buf[64];
    snprintf(buf, sizeof buf, "%d/%d", ready, total);
    cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
    cJSON_AddItemToArray(cells, cJSON_CreateString(reason != NULL ? reason : "Unknown"));
    if (last_restart >= 0) {
        char age[32];
        sim_k8s_table_age(age, sizeof age, now - last_restart);
        snprintf(buf, sizeof buf, "%d (%s ago)", restarts, age);
        cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
    } else {
        cJSON_AddItemToArray(cells, cJSON_CreateNumber(restarts));
    }
    cJSON_AddItemToArray(cells, age_cell(str(md, "creationTimestamp"), now));
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(st, "podIP"))));
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(spec, "nodeName"))));
}

static void deploy_cells(cJSON *cells, const cJSON *o, int64_t now) {
    const cJSON *st = get(o, "status");
    char buf[48];
    snprintf(buf, sizeof buf, "%d/%d", (int)num(st, "readyReplicas"),
             (int)num(get(o, "spec"), "replicas"));
    cJSON_AddItemToArray(cells, cJSON_CreateString(buf));
    cJSON_AddItemToArray(cells, cJSON_CreateNumber(num(st, "updatedReplicas")));
    cJSON_AddItemToArray(cells, cJSON_CreateNumber(num(st, "availableReplicas")));
    cJSON_AddItemToArray(cells, age_cell(str(get(o, "metadata"), "creationTimestamp"), now));
}

static void event_cells(cJSON *cells, const cJSON *o, int64_t now) {
    const char *last = str(o, "lastTimestamp");
    if (last == NULL)
        last = str(o, "eventTime");
    cJSON_AddItemToArray(cells, age_cell(last, now));
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(o, "type"))));
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(o, "reason"))));
    const cJSON *io = get(o, "involvedObject");
    const char *kind = str(io, "kind");
    char *lower = xstrdup(kind != NULL ? kind : "");
    for (char *p = lower; *p != '\0'; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    char *obj = xasprintf("%s/%s", lower, or_none(str(io, "name")));
    cJSON_AddItemToArray(cells, cJSON_CreateString(obj));
    free(obj);
    free(lower);
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(o, "message"))));
}

static void svc_cells(cJSON *cells, const cJSON *o, int64_t now) {
    const cJSON *spec = get(o, "spec");
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(spec, "type"))));
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(spec, "clusterIP"))));
    cJSON_AddItemToArray(cells, cJSON_CreateString("<none>"));
    char ports[256] = "";
    size_t used = 0;
    const cJSON *p = NULL;
    cJSON_ArrayForEach(p, get(spec, "ports")) {
        int w = snprintf(ports + used, sizeof ports - used, "%s%d/%s", used > 0 ? "," : "",
                         (int)num(p, "port"), or_none(str(p, "protocol")));
        if (w < 0 || (size_t)w >= sizeof ports - used)
            break;
        used += (size_t)w;
    }
    cJSON_AddItemToArray(cells, cJSON_CreateString(used > 0 ? ports : "<none>"));
    cJSON_AddItemToArray(cells, age_cell(str(get(o, "metadata"), "creationTimestamp"), now));
}

static void ns_cells(cJSON *cells, const cJSON *o, int64_t now) {
    cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(get(o, "status"), "phase"))));
    cJSON_AddItemToArray(cells, age_cell(str(get(o, "metadata"), "creationTimestamp"), now));
}

/* Cells from paths (a NULL path: the name), as the API server does for a CRD: a "date"
 * column becomes an age. */
static void path_cells(cJSON *cells, const cJSON *o, const struct column *cols,
                       const char *const *paths, size_t n, int64_t now) {
    for (size_t i = 1; i < n; i++) {
        const cJSON *v = at_path(o, paths[i]);
        if (strcmp(cols[i].type, "date") == 0 && cJSON_IsString(v))
            cJSON_AddItemToArray(cells, age_cell(v->valuestring, now));
        else
            cJSON_AddItemToArray(cells, v != NULL ? cJSON_Duplicate(v, true) : cJSON_CreateNull());
    }
}

static cJSON *partial_metadata(const cJSON *o) {
    cJSON *p = cJSON_CreateObject();
    cJSON_AddStringToObject(p, "kind", "PartialObjectMetadata");
    cJSON_AddStringToObject(p, "apiVersion", "meta.k8s.io/v1");
    const cJSON *md = get(o, "metadata");
    cJSON_AddItemToObject(p, "metadata",
                          md != NULL ? cJSON_Duplicate(md, true) : cJSON_CreateObject());
    return p;
}

cJSON *sim_k8s_table_for(const char *kind_name, const cJSON *items, bool headers, int64_t now) {
    const struct column *cols = NULL;
    size_t n_cols = 0;
    const char *const *paths = NULL;
    void (*cells_fn)(cJSON *, const cJSON *, int64_t) = NULL;
    bool name_first = true;
    if (strcmp(kind_name, "Pod") == 0) {
        cols = pod_cols, n_cols = N_OF(pod_cols), cells_fn = pod_cells;
    } else if (strcmp(kind_name, "Deployment") == 0) {
        cols = deploy_cols, n_cols = N_OF(deploy_cols), cells_fn = deploy_cells;
    } else if (strcmp(kind_name, "Event") == 0) {
        cols = event_cols, n_cols = N_OF(event_cols), cells_fn = event_cells;
        name_first = false;
    } else if (strcmp(kind_name, "Service") == 0) {
        cols = svc_cols, n_cols = N_OF(svc_cols), cells_fn = svc_cells;
    } else if (strcmp(kind_name, "Namespace") == 0) {
        cols = ns_cols, n_cols = N_OF(ns_cols), cells_fn = ns_cells;
    } else if (strcmp(kind_name, "FlinkStateSnapshot") == 0) {
        cols = snapshot_cols, n_cols = N_OF(snapshot_cols), paths = snapshot_paths;
    } else {
        cols = flink_cols, n_cols = N_OF(flink_cols), paths = flink_paths;
    }
    cJSON *t = cJSON_CreateObject();
    cJSON_AddStringToObject(t, "kind", "Table");
    cJSON_AddStringToObject(t, "apiVersion", "meta.k8s.io/v1");
    cJSON_AddObjectToObject(t, "metadata");
    cJSON *defs = cJSON_AddArrayToObject(t, "columnDefinitions");
    for (size_t i = 0; headers && i < n_cols; i++) {
        cJSON *d = cJSON_CreateObject();
        cJSON_AddStringToObject(d, "name", cols[i].name);
        cJSON_AddStringToObject(d, "type", cols[i].type);
        cJSON_AddStringToObject(d, "format", cols[i].format);
        cJSON_AddStringToObject(d, "description", cols[i].description);
        cJSON_AddNumberToObject(d, "priority", cols[i].priority);
        cJSON_AddItemToArray(defs, d);
    }
    cJSON *rows = cJSON_AddArrayToObject(t, "rows");
    const cJSON *o = NULL;
    cJSON_ArrayForEach(o, items) {
        cJSON *row = cJSON_CreateObject();
        cJSON *cells = cJSON_AddArrayToObject(row, "cells");
        const cJSON *md = get(o, "metadata");
        if (name_first)
            cJSON_AddItemToArray(cells, cJSON_CreateString(or_none(str(md, "name"))));
        if (paths != NULL)
            path_cells(cells, o, cols, paths, n_cols, now);
        else
            cells_fn(cells, o, now);
        cJSON_AddItemToObject(row, "object", partial_metadata(o));
        cJSON_AddItemToArray(rows, row);
    }
    return t;
}
