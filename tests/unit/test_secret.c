/* Secrets are wiped in one place before they are freed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>

#include "secret.h"
#include "xalloc.h"

static void secret_wipe_zeroes_every_byte(void **state) {
    (void)state;
    char buf[] = "token-abc123";
    secret_wipe(buf, sizeof buf - 1);
    for (size_t i = 0; i < sizeof buf; i++)
        assert_int_equal(buf[i], 0);
    secret_wipe(NULL, 5); /* harmless */
}

static void secret_free_takes_null_and_owned_strings(void **state) {
    (void)state;
    secret_free(NULL);
    secret_free(xstrdup("password"));
    secret_free_bytes(NULL, 3);
    secret_free_bytes(xmalloc(16), 16);
}

/* A core dump would hold every token: flinktop makes itself undumpable. */
static void no_core_dumps_means_undumpable_and_a_zero_limit(void **state) {
    (void)state;
    assert_int_equal(secret_no_core_dumps(), 0);
    assert_int_equal(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0), 0);
    struct rlimit lim;
    assert_int_equal(getrlimit(RLIMIT_CORE, &lim), 0);
    assert_int_equal(lim.rlim_cur, 0);
    assert_int_equal(lim.rlim_max, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(secret_wipe_zeroes_every_byte),
        cmocka_unit_test(secret_free_takes_null_and_owned_strings),
        cmocka_unit_test(no_core_dumps_means_undumpable_and_a_zero_limit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
