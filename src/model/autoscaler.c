#include "autoscaler.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8s_model.h"
#include "sanitize.h"
#include "xalloc.h"

bool autoscaler_enabled(const struct flink_resource *r) {
    if (r == NULL)
        return false;
    const char *on = flink_resource_conf(r, "job.autoscaler.enabled");
    if (on == NULL) /* operator < 1.8 */
        on = flink_resource_conf(r, "kubernetes.operator.job.autoscaler.enabled");
    return on != NULL && strcmp(on, "true") == 0;
}

static bool hex32(const char *s, size_t n) {
    if (n != 32)
        return false;
    for (size_t i = 0; i < n; i++)
        if (!isxdigit((unsigned char)s[i]))
            return false;
    return true;
}

/* A positive int from s[0..n), -1 otherwise. */
static int positive(const char *s, size_t n) {
    char buf[16];
    while (n > 0 && isspace((unsigned char)*s)) {
        s++;
        n--;
    }
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        n--;
    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    char *end = NULL;
    errno = 0;
    long v = strtol(buf, &end, 10);
    if (errno != 0 || end == buf || *end != '\0' || v < 1 || v > 1000000)
        return -1;
    return (int)v;
}

size_t autoscaler_parse_overrides(const char *s, struct autoscaler_override **out) {
    *out = NULL;
    size_t n = 0;
    for (const char *p = s; p && *p && n < AUTOSCALER_MAX_ENTRIES;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        const char *e = p;
        if (len >= 2 && p[0] == '\'' && p[len - 1] == '\'') { /* Flink quotes an odd entry */
            e = p + 1;
            len -= 2;
        }
        const char *colon = memchr(e, ':', len);
        if (colon != NULL) {
            size_t klen = (size_t)(colon - e);
            int par = positive(colon + 1, len - klen - 1);
            if (hex32(e, klen) && par > 0) {
                *out = xrealloc(*out, (n + 1) * sizeof **out);
                memcpy((*out)[n].vertex_id, e, 32);
                (*out)[n].vertex_id[32] = '\0';
                for (char *c = (*out)[n].vertex_id; *c; c++)
                    *c = (char)tolower((unsigned char)*c);
                (*out)[n].parallelism = par;
                n++;
            }
        }
        p = end ? end + 1 : NULL;
    }
    return n;
}

/* A number after "label " at *p (the text the operator formats with %.2f); NaN when
 * absent. Moves *p past it. */
static double number_after(const char **p, const char *label) {
    const char *at = strstr(*p, label);
    if (at == NULL)
        return NAN;
    at += strlen(label);
    char *end = NULL;
    double v = strtod(at, &end);
    if (end == at)
        return NAN;
    *p = end;
    return v;
}

static int int_after(const char **p, const char *label) {
    double v = number_after(p, label);
    return isnan(v) || v < 0 || v > 1e6 ? -1 : (int)v;
}

/* "{ Vertex ID %s | Parallelism %d -> %d | Processing capacity %.2f -> %.2f | Target data
 * rate %.2f}" (AutoScalerEventHandler.SCALING_SUMMARY_ENTRY), one after another. */
bool autoscaler_parse_report(const char *message, struct autoscaler_report *out) {
    memset(out, 0, sizeof *out);
    if (message == NULL)
        return false;
    const char *first = strstr(message, "{ Vertex ID ");
    if (first == NULL)
        return false;
    out->executed = strstr(message, "Scaling execution enabled") != NULL;
    size_t lead = (size_t)(first - message);
    while (lead > 0 &&
           (message[lead - 1] == ':' || message[lead - 1] == ' ' || message[lead - 1] == ','))
        lead--;
    if (lead > 0)
        out->why = sanitize_strndup(message, lead);
    for (const char *p = first; p && out->n < AUTOSCALER_MAX_ENTRIES;
         p = strstr(p, "{ Vertex ID ")) {
        p += strlen("{ Vertex ID ");
        const char *close = strchr(p, '}');
        if (close == NULL)
            break;
        struct autoscaler_report_vertex v;
        memset(&v, 0, sizeof v);
        size_t idlen = strcspn(p, " |}");
        if (hex32(p, idlen)) {
            char entry[512]; /* this entry alone: a missing field is not read from the next */
            snprintf(entry, sizeof entry, "%.*s", (int)(close - p), p);
            memcpy(v.vertex_id, p, 32);
            const char *q = entry;
            v.from = int_after(&q, "Parallelism ");
            v.to = int_after(&q, "-> ");
            v.capacity_from = number_after(&q, "Processing capacity ");
            v.capacity_to = number_after(&q, "-> ");
            v.target_rate = number_after(&q, "Target data rate ");
            out->vertices = xrealloc(out->vertices, (out->n + 1) * sizeof *out->vertices);
            out->vertices[out->n++] = v;
        }
        p = close;
    }
    if (out->n == 0) {
        autoscaler_report_free(out);
        return false;
    }
    return true;
}

void autoscaler_report_free(struct autoscaler_report *r) {
    free(r->why);
    free(r->vertices);
    memset(r, 0, sizeof *r);
}

void autoscaler_state_free(struct autoscaler_state *s) {
    free(s->ns);
    free(s->name);
    free(s->overrides);
    free(s->history);
    memset(s, 0, sizeof *s);
}

int autoscaler_override_of(const struct autoscaler_state *s, const char *vid) {
    for (size_t i = 0; s && vid && i < s->n_overrides; i++)
        if (strcmp(s->overrides[i].vertex_id, vid) == 0)
            return s->overrides[i].parallelism;
    return -1;
}
