#include "sim_control.h"

#include "xalloc.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

bool sim_control_owns(const char *path) {
    return strcmp(path, "/_sim") == 0 || strncmp(path, "/_sim/", 6) == 0;
}

/* Adds "ok":true to o and renders it (o is taken). */
static void reply_ok(struct sim_reply *r, int status, cJSON *o) {
    cJSON_AddBoolToObject(o, "ok", true);
    sim_reply_json(r, status, o);
}

/* Reads {"pattern","mode","arg"?} and adds the rule; answers 201 or 400. */
static void add_fault(struct sim_faults *faults, const char *body, size_t body_len,
                      struct sim_reply *r) {
    char err[256];
    char *arg = NULL;
    cJSON *in = NULL;
    if (body == NULL || body_len == 0) {
        sim_reply_error(r, 400, "empty body: expected {\"pattern\",\"mode\",\"arg\"}");
        goto out;
    }
    const char *end = NULL;
    in = cJSON_ParseWithLengthOpts(body, body_len, &end, false);
    if (!cJSON_IsObject(in)) {
        sim_reply_error(r, 400, "body is not a JSON object");
        goto out;
    }
    const cJSON *pattern = cJSON_GetObjectItemCaseSensitive(in, "pattern");
    const cJSON *mode = cJSON_GetObjectItemCaseSensitive(in, "mode");
    const cJSON *a = cJSON_GetObjectItemCaseSensitive(in, "arg");
    if (!cJSON_IsString(pattern) || !cJSON_IsString(mode)) {
        sim_reply_error(r, 400, "\"pattern\" and \"mode\" must be strings");
        goto out;
    }
    if (cJSON_IsNumber(a)) {
        double d = a->valuedouble;
        if (d != floor(d) || fabs(d) > 1e12) {
            sim_reply_error(r, 400, "\"arg\" must be a whole number");
            goto out;
        }
        arg = xasprintf("%.0f", d);
    } else if (cJSON_IsString(a)) {
        arg = xstrdup(a->valuestring);
    } else if (a != NULL && !cJSON_IsNull(a)) {
        sim_reply_error(r, 400, "\"arg\" must be a number or a string");
        goto out;
    }
    if (!sim_faults_add(faults, pattern->valuestring, mode->valuestring, arg, err, sizeof err)) {
        sim_reply_error(r, 400, "%s", err);
        goto out;
    }
    /* Echo the rule as the list shows it: the last entry. */
    cJSON *list = sim_faults_list(faults);
    cJSON *arr = cJSON_GetObjectItemCaseSensitive(list, "faults");
    cJSON *o = cJSON_CreateObject();
    cJSON_AddItemToObject(o, "fault", cJSON_DetachItemFromArray(arr, cJSON_GetArraySize(arr) - 1));
    cJSON_Delete(list);
    reply_ok(r, 201, o);
out:
    free(arg);
    cJSON_Delete(in);
}

static void not_allowed(struct sim_reply *r, const char *method, const char *path,
                        const char *allow) {
    sim_reply_error(r, 405, "Method %s is not allowed on %s", method, path);
    r->allow = allow;
}

void sim_control_handle(struct sim_faults *faults, const char *method, const char *path,
                        const char *body, size_t body_len, struct sim_reply *r) {
    if (strcmp(path, "/_sim/health") == 0) {
        if (strcmp(method, "GET") != 0) {
            not_allowed(r, method, path, "GET");
            return;
        }
        reply_ok(r, 200, cJSON_CreateObject());
        return;
    }
    if (strcmp(path, "/_sim/faults") == 0) {
        if (strcmp(method, "GET") == 0) {
            sim_reply_json(r, 200, sim_faults_list(faults));
        } else if (strcmp(method, "POST") == 0) {
            add_fault(faults, body, body_len, r);
        } else if (strcmp(method, "DELETE") == 0) {
            size_t n = sim_faults_clear(faults);
            cJSON *o = cJSON_CreateObject();
            cJSON_AddNumberToObject(o, "cleared", (double)n);
            reply_ok(r, 200, o);
        } else {
            not_allowed(r, method, path, "GET, POST, DELETE");
        }
        return;
    }
    sim_reply_error(r, 404, "Not found: %s", path);
}
