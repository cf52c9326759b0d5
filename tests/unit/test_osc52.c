/* OSC 52: what reaches the user's terminal must decode to exactly what was copied. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base64.h"
#include "osc52.h"

static void base64_matches_rfc4648_vectors(void **state) {
    (void)state;
    static const char *const in[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const want[] = {"", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==", "Zm9vYmE=",
                                       "Zm9vYmFy"};
    char out[16];
    for (size_t i = 0; i < sizeof in / sizeof in[0]; i++) {
        size_t n = base64_encode((const unsigned char *)in[i], strlen(in[i]), out);
        assert_string_equal(out, want[i]);
        assert_int_equal(n, strlen(want[i]));
    }
    const unsigned char bin[] = {0x00, 0xff, 0xfe};
    base64_encode(bin, 3, out);
    assert_string_equal(out, "AP/+");
}

static void sequence_is_osc52_to_the_clipboard(void **state) {
    (void)state;
    bool cut = true;
    const char *path = "s3://flink/savepoints/savepoint-3f2a1c-5d1e6b0a9c7f";
    char *s = osc52_sequence(path, strlen(path), &cut);
    assert_false(cut);
    assert_memory_equal(s, "\033]52;c;", 7);
    assert_int_equal(s[strlen(s) - 1], '\a');
    char b64[128];
    base64_encode((const unsigned char *)path, strlen(path), b64);
    assert_int_equal(strlen(s), 7 + strlen(b64) + 1);
    assert_memory_equal(s + 7, b64, strlen(b64));
    free(s);
}

static void long_text_is_cut_between_characters(void **state) {
    (void)state;
    /* "é" (2 bytes) repeated so that the cap falls inside one of them */
    size_t len = OSC52_MAX_TEXT + 11;
    char *text = malloc(len + 1);
    text[0] = 'x';
    for (size_t i = 1; i + 1 < len; i += 2) {
        text[i] = (char)0xC3;
        text[i + 1] = (char)0xA9;
    }
    text[len] = '\0';
    bool cut = false;
    char *s = osc52_sequence(text, len, &cut);
    assert_true(cut);
    size_t b64 = strlen(s) - 8; /* head 7, BEL 1 */
    assert_true(b64 <= 100000 - 8);
    /* decoded length: OSC52_MAX_TEXT is odd-aligned to 'x' + pairs, so the cut kept
     * whole pairs only: an odd number of bytes */
    size_t kept = b64 / 4 * 3 - (s[7 + b64 - 1] == '=') - (s[7 + b64 - 2] == '=');
    assert_true(kept <= OSC52_MAX_TEXT);
    assert_int_equal(kept % 2, 1);
    free(s);
    free(text);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_matches_rfc4648_vectors),
        cmocka_unit_test(sequence_is_osc52_to_the_clipboard),
        cmocka_unit_test(long_text_is_cut_between_characters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
