#include "json_get.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sanitize.h"

/* 2^63, exactly representable as a double: the first value past INT64_MAX. */
#define TWO_POW_63 9223372036854775808.0

static const cJSON *field(const cJSON *obj, const char *key) {
    if (!cJSON_IsObject(obj) || key == NULL)
        return NULL;
    return cJSON_GetObjectItemCaseSensitive(obj, key);
}

/* A whole number held in a double, if it is one and fits int64. */
static bool double_to_i64(double d, int64_t *out) {
    if (!isfinite(d) || d != floor(d))
        return false;
    if (d < -TWO_POW_63 || d >= TWO_POW_63)
        return false;
    *out = (int64_t)d;
    return true;
}

/* A decimal integer string with nothing around it ("34", "-1"). */
static bool string_to_i64(const char *s, int64_t *out) {
    if (s == NULL || *s == '\0' || *s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' ||
        *s == '\f' || *s == '\v' || *s == '+')
        return false;
    errno = 0;
    char *end = NULL;
    long long v = strtoll(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0')
        return false;
    *out = (int64_t)v;
    return true;
}

/* A number written as a string: "NaN", "Infinity", "-Infinity" (Jackson's spelling) or a
 * decimal that strtod reads to the end. */
static bool string_to_double(const char *s, double *out) {
    if (s == NULL || *s == '\0')
        return false;
    if (strcmp(s, "NaN") == 0) {
        *out = NAN;
        return true;
    }
    if (strcmp(s, "Infinity") == 0 || strcmp(s, "+Infinity") == 0) {
        *out = INFINITY;
        return true;
    }
    if (strcmp(s, "-Infinity") == 0) {
        *out = -INFINITY;
        return true;
    }
    /* Only plain decimals from here: no whitespace, no hex, no "inf"/"nan" spellings. */
    for (const char *c = s; *c; c++) {
        bool ok = (*c >= '0' && *c <= '9') || *c == '-' || *c == '+' || *c == '.' || *c == 'e' ||
                  *c == 'E';
        if (!ok)
            return false;
    }
    char *end = NULL;
    double d = strtod(s, &end);
    if (end == s || *end != '\0')
        return false;
    *out = d;
    return true;
}

int64_t json_get_i64(const cJSON *obj, const char *key, int64_t dflt) {
    const cJSON *v = field(obj, key);
    int64_t out = dflt;
    if (cJSON_IsNumber(v)) {
        if (!double_to_i64(v->valuedouble, &out))
            return dflt;
        return out;
    }
    if (cJSON_IsString(v)) {
        if (!string_to_i64(v->valuestring, &out))
            return dflt;
        return out;
    }
    return dflt;
}

int json_get_int(const cJSON *obj, const char *key, int dflt) {
    /* INT64_MIN cannot be a valid int, so it marks "not an integer" here. */
    int64_t v = json_get_i64(obj, key, INT64_MIN);
    if (v < INT_MIN || v > INT_MAX)
        return dflt;
    return (int)v;
}

double json_get_double(const cJSON *obj, const char *key) {
    const cJSON *v = field(obj, key);
    if (cJSON_IsNumber(v))
        return v->valuedouble;
    double d;
    if (cJSON_IsString(v) && string_to_double(v->valuestring, &d))
        return d;
    return NAN;
}

bool json_get_bool(const cJSON *obj, const char *key, bool dflt) {
    const cJSON *v = field(obj, key);
    if (!cJSON_IsBool(v))
        return dflt;
    return cJSON_IsTrue(v) != 0;
}

char *json_get_string(const cJSON *obj, const char *key) {
    return sanitize_strdup(json_get_string_ref(obj, key));
}

const char *json_get_string_ref(const cJSON *obj, const char *key) {
    const cJSON *v = field(obj, key);
    if (!cJSON_IsString(v))
        return NULL;
    return v->valuestring;
}
