/* Typed getters: a missing, wrong-typed or out-of-range field is "unknown", never a
 * made-up zero and never garbage from an overflowing conversion. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "json_doc.h"
#include "json_get.h"
#include "sanitize.h"

static cJSON *doc;

static int teardown(void **state) {
    (void)state;
    cJSON_Delete(doc);
    doc = NULL;
    return 0;
}

static const cJSON *parse(const char *text) {
    cJSON_Delete(doc);
    doc = cJSON_Parse(text);
    assert_non_null(doc);
    return doc;
}

static void get_i64_reads_epoch_ms_and_minus_one(void **state) {
    (void)state;
    const cJSON *o = parse("{\"start-time\": 1700000000123, \"end-time\": -1, \"zero\": 0}");
    assert_true(json_get_i64(o, "start-time", -7) == INT64_C(1700000000123));
    assert_true(json_get_i64(o, "end-time", -7) == -1);
    assert_true(json_get_i64(o, "zero", -7) == 0);
}

static void get_i64_missing_or_wrong_type_is_default(void **state) {
    (void)state;
    const cJSON *o =
        parse("{\"n\": null, \"b\": true, \"o\": {\"x\": 1}, \"a\": [1], \"s\": \"x\"}");
    assert_true(json_get_i64(o, "absent", -1) == -1);
    assert_true(json_get_i64(o, "n", -1) == -1);
    assert_true(json_get_i64(o, "b", -1) == -1);
    assert_true(json_get_i64(o, "o", -1) == -1);
    assert_true(json_get_i64(o, "a", -1) == -1);
    assert_true(json_get_i64(o, "s", -1) == -1);
}

static void get_i64_accepts_numeric_string_rejects_garbage(void **state) {
    (void)state;
    const cJSON *o = parse("{\"ok\": \"34\", \"neg\": \"-5\", \"tail\": \"34abc\", \"empty\": \"\","
                           " \"space\": \" 34\", \"frac\": \"3.5\", \"hex\": \"0x10\","
                           " \"nan\": \"NaN\", \"plus\": \"+3\"}");
    assert_true(json_get_i64(o, "ok", -1) == 34);
    assert_true(json_get_i64(o, "neg", -1) == -5);
    assert_true(json_get_i64(o, "tail", -1) == -1);
    assert_true(json_get_i64(o, "empty", -1) == -1);
    assert_true(json_get_i64(o, "space", -1) == -1);
    assert_true(json_get_i64(o, "frac", -1) == -1);
    assert_true(json_get_i64(o, "hex", -1) == -1);
    assert_true(json_get_i64(o, "nan", -1) == -1);
    assert_true(json_get_i64(o, "plus", -1) == -1);
}

static void get_i64_huge_numbers_are_default_not_garbage(void **state) {
    (void)state;
    const cJSON *o = parse("{\"e30\": 1e30, \"m30\": -1e30, \"big\": 99999999999999999999,"
                           " \"bigs\": \"99999999999999999999\", \"max\": 9223372036854775807,"
                           " \"min\": -9223372036854775808, \"e400\": 1e400}");
    assert_true(json_get_i64(o, "e30", -1) == -1);
    assert_true(json_get_i64(o, "m30", -1) == -1);
    assert_true(json_get_i64(o, "big", -1) == -1);
    assert_true(json_get_i64(o, "bigs", -1) == -1);
    /* INT64_MAX is not a double: it rounds to 2^63, one past the range */
    assert_true(json_get_i64(o, "max", -1) == -1);
    assert_true(json_get_i64(o, "min", -1) == INT64_MIN);
    assert_true(json_get_i64(o, "e400", -1) == -1);
}

static void get_i64_fraction_is_default(void **state) {
    (void)state;
    const cJSON *o = parse("{\"half\": 1.5, \"whole\": 3.0, \"exp\": 1.7e12}");
    assert_true(json_get_i64(o, "half", -1) == -1);
    assert_true(json_get_i64(o, "whole", -1) == 3);
    assert_true(json_get_i64(o, "exp", -1) == INT64_C(1700000000000));
}

static void get_int_out_of_int_range_is_default(void **state) {
    (void)state;
    const cJSON *o = parse("{\"max\": 2147483647, \"over\": 2147483648, \"under\": -2147483649,"
                           " \"min\": -2147483648, \"slots\": 12}");
    assert_int_equal(json_get_int(o, "max", -1), 2147483647);
    assert_int_equal(json_get_int(o, "over", -1), -1);
    assert_int_equal(json_get_int(o, "under", -1), -1);
    assert_int_equal(json_get_int(o, "min", 0), -2147483647 - 1);
    assert_int_equal(json_get_int(o, "slots", -1), 12);
    assert_int_equal(json_get_int(o, "absent", -1), -1);
}

static void get_double_reads_numbers_and_jackson_strings(void **state) {
    (void)state;
    const cJSON *o = parse("{\"busy\": 812.5, \"nan\": \"NaN\", \"inf\": \"Infinity\","
                           " \"ninf\": \"-Infinity\", \"s\": \"0.25\", \"e\": \"1e3\", \"i\": 4}");
    assert_true(json_get_double(o, "busy") == 812.5);
    assert_true(isnan(json_get_double(o, "nan")));
    assert_true(isinf(json_get_double(o, "inf")) && json_get_double(o, "inf") > 0);
    assert_true(isinf(json_get_double(o, "ninf")) && json_get_double(o, "ninf") < 0);
    assert_true(json_get_double(o, "s") == 0.25);
    assert_true(json_get_double(o, "e") == 1000.0);
    assert_true(json_get_double(o, "i") == 4.0);
}

static void get_double_missing_or_garbage_is_nan(void **state) {
    (void)state;
    const cJSON *o = parse("{\"abc\": \"abc\", \"t\": true, \"n\": null, \"inf\": \"inf\","
                           " \"nan\": \"nan\", \"sp\": \" 1\", \"hex\": \"0x1p3\", \"e\": \"\","
                           " \"o\": {}}");
    assert_true(isnan(json_get_double(o, "absent")));
    assert_true(isnan(json_get_double(o, "abc")));
    assert_true(isnan(json_get_double(o, "t")));
    assert_true(isnan(json_get_double(o, "n")));
    assert_true(isnan(json_get_double(o, "inf")));
    assert_true(isnan(json_get_double(o, "nan")));
    assert_true(isnan(json_get_double(o, "sp")));
    assert_true(isnan(json_get_double(o, "hex")));
    assert_true(isnan(json_get_double(o, "e")));
    assert_true(isnan(json_get_double(o, "o")));
}

static void get_bool_reads_booleans_else_default(void **state) {
    (void)state;
    const cJSON *o = parse("{\"t\": true, \"f\": false, \"s\": \"true\", \"one\": 1}");
    assert_true(json_get_bool(o, "t", false));
    assert_false(json_get_bool(o, "f", true));
    assert_true(json_get_bool(o, "s", true));
    assert_false(json_get_bool(o, "s", false));
    assert_false(json_get_bool(o, "one", false));
    assert_true(json_get_bool(o, "absent", true));
}

static void get_string_is_sanitised_owned_copy(void **state) {
    (void)state;
    const cJSON *o = parse("{\"name\": \"\\u001b[2Jjob\\r\\n\\u6d41\\u0085x\"}");
    char *s = json_get_string(o, "name");
    assert_string_equal(s, "job\xe6\xb5\x81x");
    /* a copy: the document can go away */
    cJSON_Delete(doc);
    doc = NULL;
    assert_string_equal(s, "job\xe6\xb5\x81x");
    free(s);
}

static void get_string_keeps_escaped_cjk_and_emoji(void **state) {
    (void)state;
    /* Jackson may escape non-ASCII: \u6d41 and the surrogate pair for U+1F680 */
    const cJSON *o = parse("{\"name\": \"\\u6d41-\\ud83d\\ude80-\xc3\xa9\"}");
    char *s = json_get_string(o, "name");
    assert_string_equal(s, "\xe6\xb5\x81-\xf0\x9f\x9a\x80-\xc3\xa9");
    free(s);
}

/* A \u0000 in a server's JSON neither cuts the name (cJSON would end the C string there)
 * nor vanishes: it shows as the replacement glyph, through json_doc_parse as every parser
 * reads bodies. An escaped backslash before "u0000" is text, not a NUL. */
static void nul_escape_neither_cuts_nor_hides_a_name(void **state) {
    (void)state;
    static const char body[] = "{\"name\": \"a\\u0000b\\u0000\", \"t\": \"c\\\\u0000d\"}";
    char err[128];
    cJSON *root = NULL;
    assert_int_equal(json_doc_parse_object(body, sizeof body - 1, &root, err, sizeof err), FA_OK);
    char *s = json_get_string(root, "name");
    assert_string_equal(s, "a" SANITIZE_REPLACEMENT "b" SANITIZE_REPLACEMENT);
    free(s);
    s = json_get_string(root, "t");
    assert_string_equal(s, "c\\u0000d");
    free(s);
    cJSON_Delete(root);
    /* the byte offset of a syntax error is still the one in the body */
    static const char bad[] = "{\"a\": \"\\u0000\", x}";
    static const char same[] = "{\"a\": \"\\u0041\", x}";
    char want[128];
    assert_int_equal(json_doc_parse(same, sizeof same - 1, &root, want, sizeof want), FA_SYNTAX);
    assert_int_equal(json_doc_parse(bad, sizeof bad - 1, &root, err, sizeof err), FA_SYNTAX);
    assert_string_equal(err, want);
}

static void get_string_wrong_type_is_null(void **state) {
    (void)state;
    const cJSON *o = parse("{\"n\": 5, \"z\": null, \"a\": [\"x\"], \"b\": false}");
    assert_null(json_get_string(o, "n"));
    assert_null(json_get_string(o, "z"));
    assert_null(json_get_string(o, "a"));
    assert_null(json_get_string(o, "b"));
    assert_null(json_get_string(o, "absent"));
}

static void get_string_ref_is_raw_and_exact_key(void **state) {
    (void)state;
    const cJSON *o = parse("{\"state\": \"RUNNING\", \"raw\": \"a\\tb\", \"State\": \"X\"}");
    assert_string_equal(json_get_string_ref(o, "state"), "RUNNING");
    assert_string_equal(json_get_string_ref(o, "raw"), "a\tb");
    /* keys are matched case-sensitively: Flink mixes kebab and camel case */
    assert_string_equal(json_get_string_ref(o, "State"), "X");
    assert_null(json_get_string_ref(o, "STATE"));
}

static void getters_on_null_or_array_return_unknown(void **state) {
    (void)state;
    const cJSON *a = parse("[1, 2, {\"x\": 1}]");
    assert_true(json_get_i64(NULL, "x", -1) == -1);
    assert_true(json_get_i64(a, "x", -1) == -1);
    assert_int_equal(json_get_int(a, "x", -1), -1);
    assert_true(isnan(json_get_double(NULL, "x")));
    assert_true(json_get_bool(NULL, "x", true));
    assert_null(json_get_string(NULL, "x"));
    assert_null(json_get_string_ref(a, "x"));
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(get_i64_reads_epoch_ms_and_minus_one, teardown),
        cmocka_unit_test_teardown(get_i64_missing_or_wrong_type_is_default, teardown),
        cmocka_unit_test_teardown(get_i64_accepts_numeric_string_rejects_garbage, teardown),
        cmocka_unit_test_teardown(get_i64_huge_numbers_are_default_not_garbage, teardown),
        cmocka_unit_test_teardown(get_i64_fraction_is_default, teardown),
        cmocka_unit_test_teardown(get_int_out_of_int_range_is_default, teardown),
        cmocka_unit_test_teardown(get_double_reads_numbers_and_jackson_strings, teardown),
        cmocka_unit_test_teardown(get_double_missing_or_garbage_is_nan, teardown),
        cmocka_unit_test_teardown(get_bool_reads_booleans_else_default, teardown),
        cmocka_unit_test_teardown(get_string_is_sanitised_owned_copy, teardown),
        cmocka_unit_test_teardown(get_string_keeps_escaped_cjk_and_emoji, teardown),
        cmocka_unit_test_teardown(nul_escape_neither_cuts_nor_hides_a_name, teardown),
        cmocka_unit_test_teardown(get_string_wrong_type_is_null, teardown),
        cmocka_unit_test_teardown(get_string_ref_is_raw_and_exact_key, teardown),
        cmocka_unit_test_teardown(getters_on_null_or_array_return_unknown, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
