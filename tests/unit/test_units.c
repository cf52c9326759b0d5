/* Numbers as the job screen prints them: SI rates, bytes, short durations, percents;
 * unknown is "-", never 0. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <float.h>
#include <math.h>

#include "units.h"

static void units_read_like_a_dashboard(void **state) {
    (void)state;
    char b[32];
    assert_string_equal(units_si(0, b, sizeof b), "0");
    assert_string_equal(units_si(950, b, sizeof b), "950");
    assert_string_equal(units_si(2.5, b, sizeof b), "2.5");
    assert_string_equal(units_si(12345, b, sizeof b), "12.3k");
    assert_string_equal(units_si(123456, b, sizeof b), "123k");
    assert_string_equal(units_si(999999, b, sizeof b), "1.0M");
    assert_string_equal(units_si(NAN, b, sizeof b), "-");
    assert_string_equal(units_bytes(47815065, b, sizeof b), "45.6 MiB");
    assert_string_equal(units_bytes(512, b, sizeof b), "512 B");
    assert_string_equal(units_bytes_short(2147483648.0, b, sizeof b), "2.0G");
    assert_string_equal(units_bytes_short(1012.0 * 1048576, b, sizeof b), "1.0G"); /* 3 digits */
    assert_string_equal(units_ms(340, b, sizeof b), "340ms");
    assert_string_equal(units_ms(1234, b, sizeof b), "1.2s");
    assert_string_equal(units_ms(12000, b, sizeof b), "12s");
    assert_string_equal(units_ms(185000, b, sizeof b), "3m05s");
    assert_string_equal(units_ms(-1, b, sizeof b), "-");
    assert_string_equal(units_percent(0.426, b, sizeof b), "43%");
    assert_string_equal(units_percent(NAN, b, sizeof b), "-");
}

/* What a broken or hostile metric must not turn into on screen: "-0", "-0%", "infP",
 * "1844674407370955%", a 17-digit rate. */
static void units_never_show_garbage(void **state) {
    (void)state;
    char b[32];
    assert_string_equal(units_si(-0.0, b, sizeof b), "0");
    assert_string_equal(units_bytes(-0.0, b, sizeof b), "0 B");
    assert_string_equal(units_percent(-0.0, b, sizeof b), "0%");
    assert_string_equal(units_percent(-0.001, b, sizeof b), "-");
    assert_string_equal(units_si(INFINITY, b, sizeof b), "-");
    assert_string_equal(units_si(-INFINITY, b, sizeof b), "-");
    assert_string_equal(units_bytes_short(INFINITY, b, sizeof b), "-");
    assert_string_equal(units_percent(INFINITY, b, sizeof b), "-");
    /* busy 18446744073709551615 ms/s, a uint64 -1, as a ratio */
    assert_string_equal(units_percent(18446744073709551615.0 / 1000.0, b, sizeof b), ">100%");
    assert_string_equal(units_percent(1.0, b, sizeof b), "100%");
    assert_string_equal(units_percent(1.004, b, sizeof b), "100%");
    assert_string_equal(units_percent(1.5, b, sizeof b), ">100%");
    assert_string_equal(units_si(1e30, b, sizeof b), ">999P");
    assert_string_equal(units_si(998e15, b, sizeof b), "998P");
    assert_string_equal(units_bytes(1e300, b, sizeof b), ">999 PiB");
    assert_string_equal(units_si(DBL_MAX, b, sizeof b), ">999P");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(units_read_like_a_dashboard),
        cmocka_unit_test(units_never_show_garbage),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
