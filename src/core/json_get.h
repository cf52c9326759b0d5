/* Small typed getters over cJSON: each returns "unknown" for a missing or wrong-typed
 * field instead of failing, which is what lets one parser read Flink 1.15 to 2.x. */
#ifndef FLINKTOP_JSON_GET_H
#define FLINKTOP_JSON_GET_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stdint.h>

/* Integer field; dflt when missing, not a number, not integral, or out of int64 range.
 * Numeric strings ("34") are accepted, since Flink sends some numbers as strings. */
int64_t json_get_i64(const cJSON *obj, const char *key, int64_t dflt);
/* Same, clamped to int; dflt when out of int range. */
int json_get_int(const cJSON *obj, const char *key, int dflt);
/* Double field; NaN when missing. The strings "NaN", "Infinity" and numeric strings are
 * accepted, as Flink's Jackson writes non-finite doubles as strings. */
double json_get_double(const cJSON *obj, const char *key);
/* Boolean; dflt when missing or not a boolean. */
bool json_get_bool(const cJSON *obj, const char *key, bool dflt);
/* returns owned, sanitised copy of a string field, or NULL when missing/not a string */
char *json_get_string(const cJSON *obj, const char *key);
/* borrowed: the raw string value, or NULL */
const char *json_get_string_ref(const cJSON *obj, const char *key);

#endif
