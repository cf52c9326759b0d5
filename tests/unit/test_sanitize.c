/* Server strings reach the terminal only through sanitize: no control character or
 * escape byte survives, broken UTF-8 becomes '?', real text (CJK, emoji) is kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "sanitize.h"
#include "xalloc.h"

/* Sanitise exactly len bytes held in a buffer of exactly that size (no NUL after it),
 * so that reading past len shows up under AddressSanitizer. */
static char *clean(const char *bytes, size_t len) {
    char *buf = xmalloc(len);
    memcpy(buf, bytes, len);
    char *out = sanitize_strndup(buf, len);
    free(buf);
    return out;
}

#define CLEAN(lit) clean(lit, sizeof lit - 1)

static void expect(const char *in, size_t len, const char *want) {
    char *out = clean(in, len);
    assert_string_equal(out, want);
    free(out);
}

#define EXPECT(lit, want) expect(lit, sizeof lit - 1, want)

static void sanitize_plain_ascii_is_unchanged(void **state) {
    (void)state;
    EXPECT("orders-enrichment v2 (prod) #1 ~!@$%^&*()_+{}|:<>?",
           "orders-enrichment v2 (prod) #1 ~!@$%^&*()_+{}|:<>?");
}

static void sanitize_strips_escape_sequences_keeps_cjk(void **state) {
    (void)state;
    /* colour, clear screen, OSC window title: each sequence vanishes whole */
    char *out = CLEAN("\x1b[31m\xe6\xb5\x81\xe5\xa4\x84\xe7\x90\x86\x1b[0m\x1b[2J\x1b]0;pwned\x07");
    assert_null(strchr(out, '\x1b'));
    assert_null(strchr(out, '\x07'));
    assert_string_equal(out, "\xe6\xb5\x81\xe5\xa4\x84\xe7\x90\x86");
    free(out);
}

static void sanitize_cut_escape_sequences_end_cleanly(void **state) {
    (void)state;
    EXPECT("a\x1b", "a");
    EXPECT("a\x1b[12", "a");
    EXPECT("a\x1b]0;title", "a");
    EXPECT("a\x1b]0;t\x1b\\b", "ab");
    EXPECT("a\x1b" "7b", "ab");
}

static void sanitize_drops_cr_lf_tab_and_del(void **state) {
    (void)state;
    EXPECT("line1\r\nline2\ttab\x7f"
           "del\x08\x0b\x0c\x01\x1f.",
           "line1line2tabdel.");
}

#define R SANITIZE_REPLACEMENT

/* A NUL neither cuts the name nor vanishes: "ab<NUL>cd" is not shown as "abcd". */
static void sanitize_shows_nul_as_the_replacement_glyph(void **state) {
    (void)state;
    char *out = CLEAN("ab\0cd\0");
    assert_string_equal(out, "ab" R "cd" R);
    free(out);
    out = CLEAN("\0\0\0");
    assert_string_equal(out, R R R); /* the worst growth, 3x, fits */
    free(out);
}

/* "invoice-<RLO>gpj.exe" would show as "invoice-exe.jpg": every bidi control is replaced,
 * each of U+202A..U+202E and U+2066..U+2069, and the marks U+200E, U+200F, U+061C. */
static void sanitize_replaces_every_bidi_control(void **state) {
    (void)state;
    EXPECT("invoice-\xe2\x80\xae"
           "gpj.exe",
           "invoice-" R "gpj.exe");
    for (unsigned cp = 0x202A; cp <= 0x202E; cp++) {
        char in[] = {'a', (char)0xE2, (char)0x80, (char)(0x80 | (cp & 0x3F)), 'b'};
        expect(in, sizeof in, "a" R "b");
    }
    for (unsigned cp = 0x2066; cp <= 0x2069; cp++) {
        char in[] = {'a', (char)0xE2, (char)0x81, (char)(0x80 | (cp & 0x3F)), 'b'};
        expect(in, sizeof in, "a" R "b");
    }
    EXPECT("\xe2\x80\x8e\xe2\x80\x8f\xd8\x9c", R R R);
}

/* Zero-width and other format characters (Unicode Cf) and the line separators. */
static void sanitize_replaces_zero_width_and_format_characters(void **state) {
    (void)state;
    EXPECT("a\xe2\x80\x8b" /* U+200B zero width space */
           "b\xe2\x80\x8d" /* U+200D zero width joiner */
           "c\xe2\x81\xa0" /* U+2060 word joiner */
           "d\xef\xbb\xbf"  /* U+FEFF BOM */
           "e\xc2\xad"      /* U+00AD soft hyphen */
           "f\xe2\x80\xa8" /* U+2028 line separator */
           "g\xf3\xa0\x80\x81" /* U+E0001 language tag */
           "h",
           "a" R "b" R "c" R "d" R "e" R "f" R "g" R "h");
    /* neighbours that are ordinary text stay */
    EXPECT("\xe2\x80\x90\xe2\x80\xaf\xe2\x81\x9f", "\xe2\x80\x90\xe2\x80\xaf\xe2\x81\x9f");
}

static void sanitize_drops_c1_controls_keeps_latin1_and_nbsp(void **state) {
    (void)state;
    /* U+0080, U+0085 (NEL), U+009B (CSI), U+009F go; U+00A0 (NBSP) and U+00E9 stay */
    EXPECT("a\xc2\x80"
           "b\xc2\x85"
           "c\xc2\x9b"
           "31m\xc2\x9f"
           "d\xc2\xa0"
           "\xc3\xa9",
           "abc31md\xc2\xa0\xc3\xa9");
}

static void sanitize_raw_8bit_csi_byte_becomes_question_mark(void **state) {
    (void)state;
    /* 0x9B alone is the 8-bit CSI in Latin-1 terminals: never passed through */
    EXPECT("x\x9b"
           "2Jy",
           "x?2Jy");
}

static void sanitize_replaces_lone_continuation_and_truncated_sequences(void **state) {
    (void)state;
    EXPECT("a\x80"
           "b\xbf"
           "c",
           "a?b?c");
    /* a 3-byte lead with one continuation, then ASCII: one '?' per byte */
    EXPECT("\xe4\xb8 x", "?? x");
    /* 4-byte lead then a new lead */
    EXPECT("\xf0\x9f\xe4\xb8\xad", "??\xe4\xb8\xad");
}

static void sanitize_replaces_overlong_encodings(void **state) {
    (void)state;
    /* "/" as C0 AF, E0 80 AF, F0 80 80 AF; NUL as C0 80 */
    EXPECT("\xc0\xaf|\xc1\xbf|\xe0\x80\xaf|\xf0\x80\x80\xaf|\xc0\x80", "??|??|???|????|??");
}

static void sanitize_replaces_utf16_surrogates(void **state) {
    (void)state;
    EXPECT("\xed\xa0\x80|\xed\xbf\xbf", "???|???");
    /* U+D7FF, the last code point before the surrogates, is fine */
    EXPECT("\xed\x9f\xbf", "\xed\x9f\xbf");
}

static void sanitize_replaces_code_points_above_10ffff(void **state) {
    (void)state;
    EXPECT("\xf4\x90\x80\x80|\xf5\x80\x80\x80|\xfe\xff", "????|????|??");
}

static void sanitize_keeps_valid_boundaries_and_emoji(void **state) {
    (void)state;
    const char in[] = "\xc2\xa0"          /* U+00A0 */
                      "\xdf\xbf"          /* U+07FF */
                      "\xe0\xa0\x80"      /* U+0800 */
                      "\xee\x80\x80"      /* U+E000 */
                      "\xef\xbf\xbf"      /* U+FFFF */
                      "\xf0\x90\x80\x80"  /* U+10000 */
                      "\xf0\x9f\x9a\x80"  /* rocket */
                      "\xf4\x8f\xbf\xbf"; /* U+10FFFF */
    EXPECT(in, in);
}

static void sanitize_sequence_cut_by_len_is_replaced_without_overread(void **state) {
    (void)state;
    /* the caller's len ends inside a 3-byte character */
    char *out = clean("ok\xe4\xb8\xad", 4);
    assert_string_equal(out, "ok??");
    free(out);
    out = clean("\xf0\x9f\x9a", 3);
    assert_string_equal(out, "???");
    free(out);
}

static void sanitize_empty_is_empty_string(void **state) {
    (void)state;
    char *out = sanitize_strndup("", 0);
    assert_non_null(out);
    assert_string_equal(out, "");
    free(out);
    out = CLEAN("\x1b\r\n\t");
    assert_string_equal(out, "");
    free(out);
}

static void sanitize_strdup_stops_at_nul_and_null_gives_null(void **state) {
    (void)state;
    assert_null(sanitize_strdup(NULL));
    char *out = sanitize_strdup("job\x1b[1m-\xe2\x9c\x93");
    assert_string_equal(out, "job-\xe2\x9c\x93");
    free(out);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(sanitize_plain_ascii_is_unchanged),
        cmocka_unit_test(sanitize_strips_escape_sequences_keeps_cjk),
        cmocka_unit_test(sanitize_cut_escape_sequences_end_cleanly),
        cmocka_unit_test(sanitize_drops_cr_lf_tab_and_del),
        cmocka_unit_test(sanitize_shows_nul_as_the_replacement_glyph),
        cmocka_unit_test(sanitize_replaces_every_bidi_control),
        cmocka_unit_test(sanitize_replaces_zero_width_and_format_characters),
        cmocka_unit_test(sanitize_drops_c1_controls_keeps_latin1_and_nbsp),
        cmocka_unit_test(sanitize_raw_8bit_csi_byte_becomes_question_mark),
        cmocka_unit_test(sanitize_replaces_lone_continuation_and_truncated_sequences),
        cmocka_unit_test(sanitize_replaces_overlong_encodings),
        cmocka_unit_test(sanitize_replaces_utf16_surrogates),
        cmocka_unit_test(sanitize_replaces_code_points_above_10ffff),
        cmocka_unit_test(sanitize_keeps_valid_boundaries_and_emoji),
        cmocka_unit_test(sanitize_sequence_cut_by_len_is_replaced_without_overread),
        cmocka_unit_test(sanitize_empty_is_empty_string),
        cmocka_unit_test(sanitize_strdup_stops_at_nul_and_null_gives_null),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
