/* Prometheus's HTTP API answers, parsed (specs/PROMETHEUS.md): the envelope
 * {"status","data","errorType","error","warnings"} of /api/v1/query and /query_range
 * (vector, matrix, scalar and string results) and of /api/v1/alerts.
 *
 * Values arrive as strings ("1.5", "NaN", "+Inf", "-Inf") and become doubles; a value or
 * a timestamp that is not one drops that sample, never the answer. Every label, warning
 * and error string is sanitised (sanitize.h) before it is stored. An error body
 * ("status": "error", as Prometheus sends with 400 bad_data, 422 execution, 503 timeout)
 * becomes one line, "HTTP 422: execution: <error>". Memory is bounded: beyond
 * PROM_API_MAX_SERIES series or PROM_API_MAX_SAMPLES samples in one answer the rest is
 * dropped and the result says truncated (a huge matrix costs a warning, not the memory). */
#ifndef FLINKTOP_PROM_API_H
#define FLINKTOP_PROM_API_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROM_API_MAX_SERIES 50000
#define PROM_API_MAX_SAMPLES 1000000 /* over all series of one answer */
#define PROM_API_MAX_LABELS 64       /* per series; more are dropped */
#define PROM_API_MAX_WARNINGS 8
#define PROM_API_MAX_ALERTS 10000

#define PROM_API_STATUS(X)                                                                         \
    X(PROM_API_OK, "ok")                                                                           \
    X(PROM_API_EMPTY, "empty response")                                                            \
    X(PROM_API_SYNTAX, "malformed JSON")                                                           \
    X(PROM_API_SHAPE, "unexpected JSON shape")                                                     \
    X(PROM_API_ERROR, "Prometheus answered an error")

#define PROM_API_STATUS_ENUM(id, msg) id,
enum prom_api_status { PROM_API_STATUS(PROM_API_STATUS_ENUM) };
#undef PROM_API_STATUS_ENUM

/* returns a static string */
const char *prom_api_status_message(enum prom_api_status s);

enum prom_result_type {
    PROM_RESULT_NONE,
    PROM_RESULT_VECTOR, /* each series one sample */
    PROM_RESULT_MATRIX, /* each series its samples, oldest first as served */
    PROM_RESULT_SCALAR, /* one series, no labels, one sample */
    PROM_RESULT_STRING  /* string and string_ms */
};

struct prom_label {
    char *name;  /* owned, sanitised */
    char *value; /* owned, sanitised */
};

struct prom_sample {
    int64_t t_ms; /* Prometheus's evaluation time, epoch ms */
    double v;     /* NaN and +-Inf as served */
};

struct prom_series {
    struct prom_label *labels; /* owned array (the metric's labels, __name__ included) */
    size_t n_labels;
    struct prom_sample *samples; /* owned array */
    size_t n_samples;
};

/* One parsed answer; prom_result_free releases everything it owns. */
struct prom_result {
    enum prom_result_type type;
    struct prom_series *series; /* owned array */
    size_t n_series;
    char *string; /* PROM_RESULT_STRING: owned, sanitised */
    int64_t string_ms;
    char **warnings; /* owned array of owned lines, at most PROM_API_MAX_WARNINGS */
    size_t n_warnings;
    bool truncated; /* series, samples or labels over the caps were dropped */
};

/* An alert Prometheus evaluates (GET /api/v1/alerts). */
struct prom_alert {
    struct prom_label *labels; /* owned array: alertname, severity, job_id, ... */
    size_t n_labels;
    char *summary;     /* owned: annotations.summary, else description; NULL none */
    bool firing;       /* state "firing" (else "pending") */
    int64_t active_ms; /* activeAt, epoch ms; -1 unknown */
    double value;      /* NaN unknown */
};

struct prom_alert_list {
    struct prom_alert *items; /* owned array */
    size_t len;
    bool truncated;
};

/* An alerting rule Prometheus evaluates (GET /api/v1/rules?type=alert). */
struct prom_rule {
    char *name;     /* owned, sanitised: the alert's name */
    char *expr;     /* owned, sanitised: its PromQL ("query"), NULL unknown */
    char *group;    /* owned, sanitised: the rule group, NULL unknown */
    char *severity; /* owned, sanitised: labels.severity, NULL none */
    double for_s;   /* "duration": how long the expression must hold, NaN unknown */
};

struct prom_rule_list {
    struct prom_rule *items; /* owned array */
    size_t len;
    bool truncated;
};

/* Parse a /api/v1/query or /query_range answer of HTTP status http_status (0: unknown)
 * from body[0..len). On PROM_API_OK *out is filled (free with prom_result_free); on
 * error *out is empty and err holds one line. A 2xx body that says "error", or a 4xx/5xx
 * body that says anything, is PROM_API_ERROR with Prometheus's own words. */
enum prom_api_status prom_api_parse_query(const char *body, size_t len, long http_status,
                                          struct prom_result *out, char *err, size_t errlen);
/* Same for /api/v1/alerts; free with prom_alert_list_free. */
enum prom_api_status prom_api_parse_alerts(const char *body, size_t len, long http_status,
                                           struct prom_alert_list *out, char *err, size_t errlen);

/* Same for /api/v1/rules: the alerting rules of every group (recording rules skipped),
 * at most PROM_API_MAX_ALERTS; free with prom_rule_list_free. */
enum prom_api_status prom_api_parse_rules(const char *body, size_t len, long http_status,
                                          struct prom_rule_list *out, char *err, size_t errlen);
/* The rule named name, NULL when none; borrowed. */
const struct prom_rule *prom_rule_find(const struct prom_rule_list *l, const char *name);

void prom_result_free(struct prom_result *r);
void prom_rule_list_free(struct prom_rule_list *l);
void prom_alert_list_free(struct prom_alert_list *l);

/* The value of label name in an array of labels; borrowed, NULL when absent. */
const char *prom_label_get(const struct prom_label *labels, size_t n, const char *name);

/* A sample value as Prometheus writes it ("1.5", "NaN", "+Inf", "-Inf", "1e+03"): 0 and
 * *v, or -1 when s is not one. */
int prom_api_parse_value(const char *s, double *v);

#endif
