/* The `:` command line as a pure editor: typing and moving over UTF-8 (CJK names),
 * Backspace, Ctrl-U, Ctrl-W, Esc and Enter, the history (Up/Down, deduplicated, the
 * last 50), and Tab: the command name first, then its argument from a word source, a
 * common prefix that never ends inside a character, and cycling through the rest. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <curses.h>
#include <stdio.h>
#include <string.h>

#include "cmdline.h"

#define SHI "\xe6\x97\xb6"        /* 时 */
#define SHISHI "\xe5\xae\x9e" SHI /* 实时 */
#define DING "\xe8\xae\xa2"       /* 订: shares its first two bytes with 计 */
#define JI "\xe8\xae\xa1"         /* 计 */

struct fixture {
    struct cmdline c;
};

/* The word source: a fixed list a verb. */
static const char *const clusters[] = {"production", "prod-eu", "staging"};
static const char *const jobs[] = {SHISHI DING "\xe5\x8d\x95", SHISHI JI "\xe7\xae\x97",
                                   "Streaming WordCount"};
static int word_calls;

static size_t words_of(void *arg, const char *verb, const char *const **out) {
    (void)arg;
    word_calls++;
    if (strcmp(verb, "cluster") == 0) {
        *out = clusters;
        return 3;
    }
    if (strcmp(verb, "job") == 0) {
        *out = jobs;
        return 3;
    }
    *out = NULL;
    return 0;
}

static const struct cmdline_words words = {NULL, words_of};

static int setup(void **state) {
    static struct fixture f;
    cmdline_init(&f.c);
    cmdline_open(&f.c);
    *state = &f;
    return 0;
}

static int teardown(void **state) {
    struct fixture *f = *state;
    cmdline_free(&f->c);
    return 0;
}

/* Type a UTF-8 string one character (code point) at a time, as wget_wch delivers it. */
static void type(struct cmdline *c, const char *s) {
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        unsigned cp = *p;
        int n = 0;
        if (cp >= 0xF0) {
            cp &= 0x07;
            n = 3;
        } else if (cp >= 0xE0) {
            cp &= 0x0F;
            n = 2;
        } else if (cp >= 0xC0) {
            cp &= 0x1F;
            n = 1;
        }
        p++;
        for (int i = 0; i < n && *p; i++, p++)
            cp = (cp << 6) | (*p & 0x3F);
        assert_int_equal(cmdline_key(c, (int)cp, true, &words), CMDLINE_EDITING);
    }
}

static enum cmdline_result key(struct cmdline *c, int k) {
    return cmdline_key(c, k, false, &words);
}

static enum cmdline_result ch(struct cmdline *c, int k) { return cmdline_key(c, k, true, &words); }

static void typing_inserts_at_the_cursor(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "job orders");
    assert_string_equal(c->text, "job orders");
    assert_int_equal(c->cur, 10);
    key(c, KEY_HOME);
    type(c, "x");
    assert_string_equal(c->text, "xjob orders");
    key(c, KEY_END);
    key(c, KEY_LEFT);
    type(c, "!");
    assert_string_equal(c->text, "xjob order!s");
    key(c, KEY_DC);
    assert_string_equal(c->text, "xjob order!");
    /* control characters never get in */
    ch(c, 1);
    ch(c, 0x9B); /* C1 CSI */
    assert_null(strchr(c->text, 0x1B));
    assert_int_equal(strlen(c->text), 11);
}

static void cjk_moves_and_deletes_whole_characters(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "job " SHISHI DING);
    assert_string_equal(c->text, "job " SHISHI DING);
    key(c, KEY_LEFT);
    assert_int_equal(c->cur, 4 + 6); /* before 订, not inside it */
    key(c, KEY_LEFT);
    assert_int_equal(c->cur, 4 + 3);
    ch(c, 127); /* Backspace takes 实 whole */
    assert_string_equal(c->text, "job " SHI DING);
    assert_int_equal(c->cur, 4);
    key(c, KEY_RIGHT);
    assert_int_equal(c->cur, 7);
    key(c, KEY_BACKSPACE);
    assert_string_equal(c->text, "job " DING);
}

static void ctrl_u_and_ctrl_w_cut_before_the_cursor(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "job Streaming WordCount");
    ch(c, 23); /* Ctrl-W: a word */
    assert_string_equal(c->text, "job Streaming ");
    ch(c, 23);
    assert_string_equal(c->text, "job ");
    type(c, "abc");
    key(c, KEY_LEFT);
    ch(c, 21); /* Ctrl-U: to the start; what is after the cursor stays */
    assert_string_equal(c->text, "c");
    assert_int_equal(c->cur, 0);
}

static void esc_cancels_enter_runs(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "q");
    assert_int_equal(ch(c, 27), CMDLINE_CANCEL);
    assert_int_equal(c->n_history, 0); /* a cancelled line is not remembered */
    cmdline_open(c);
    assert_string_equal(c->text, "");
    type(c, "alerts");
    assert_int_equal(ch(c, '\n'), CMDLINE_RUN);
    assert_string_equal(c->text, "alerts");
    cmdline_open(c);
    type(c, "q");
    assert_int_equal(key(c, KEY_ENTER), CMDLINE_RUN);
    /* Backspace on an empty line closes it, as in vim */
    cmdline_open(c);
    assert_int_equal(ch(c, 127), CMDLINE_CANCEL);
}

static void run(struct cmdline *c, const char *line) {
    cmdline_open(c);
    type(c, line);
    assert_int_equal(ch(c, '\r'), CMDLINE_RUN);
}

static void history_goes_back_and_keeps_the_draft(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    run(c, "cluster staging");
    run(c, "job orders");
    run(c, "cluster staging"); /* again: one entry, now the newest */
    assert_int_equal(c->n_history, 2);
    cmdline_open(c);
    type(c, "th");
    key(c, KEY_UP);
    assert_string_equal(c->text, "cluster staging");
    assert_int_equal(c->cur, strlen(c->text));
    key(c, KEY_UP);
    assert_string_equal(c->text, "job orders");
    key(c, KEY_UP); /* the oldest: stays */
    assert_string_equal(c->text, "job orders");
    key(c, KEY_DOWN);
    key(c, KEY_DOWN);
    assert_string_equal(c->text, "th"); /* what was being typed */
    key(c, KEY_DOWN);
    assert_string_equal(c->text, "th");
    /* empty lines are not remembered */
    run(c, "");
    assert_int_equal(c->n_history, 2);
}

static void history_keeps_the_last_fifty(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    for (int i = 0; i < 60; i++) {
        char line[32];
        snprintf(line, sizeof line, "job %d", i);
        run(c, line);
    }
    assert_int_equal(c->n_history, CMDLINE_HISTORY);
    assert_string_equal(c->history[0], "job 10");
    assert_string_equal(c->history[CMDLINE_HISTORY - 1], "job 59");
}

static void tab_completes_the_command_name(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "clu");
    ch(c, '\t');
    assert_string_equal(c->text, "cluster "); /* a space: the argument comes next */
    cmdline_open(c);
    type(c, "al");
    ch(c, '\t');
    assert_string_equal(c->text, "alerts"); /* no argument, no space */
    cmdline_open(c);
    type(c, "zz");
    ch(c, '\t');
    assert_string_equal(c->text, "zz");
    assert_string_equal(c->hint, "no match");
}

static void tab_cycles_when_nothing_more_is_common(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "c");
    ch(c, '\t');
    assert_string_equal(c->text, "ctx ");
    assert_non_null(strstr(c->hint, "ctx"));
    assert_non_null(strstr(c->hint, "cluster"));
    ch(c, '\t');
    assert_string_equal(c->text, "cluster ");
    ch(c, '\t');
    assert_string_equal(c->text, "ctx ");
    /* any other key ends the cycle and the hint */
    type(c, "x");
    assert_string_equal(c->text, "ctx x");
    assert_string_equal(c->hint, "");
}

static void tab_completes_the_argument_from_the_words(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "cluster st");
    ch(c, '\t');
    assert_string_equal(c->text, "cluster staging");
    cmdline_open(c);
    type(c, "cluster p");
    ch(c, '\t');
    assert_string_equal(c->text, "cluster prod"); /* what both have in common */
    assert_string_equal(c->hint, "production  prod-eu");
    ch(c, '\t');
    assert_string_equal(c->text, "cluster production");
    ch(c, '\t');
    assert_string_equal(c->text, "cluster prod-eu");
    /* names with spaces: the whole rest of the line is the argument */
    cmdline_open(c);
    type(c, "job  Stream");
    ch(c, '\t');
    assert_string_equal(c->text, "job  Streaming WordCount");
    /* a verb without words: nothing happens */
    cmdline_open(c);
    type(c, "theme x");
    ch(c, '\t');
    assert_string_equal(c->text, "theme x");
}

static void common_prefix_never_ends_inside_a_character(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    type(c, "job " SHI);
    ch(c, '\t'); /* nothing starts with 时 */
    assert_string_equal(c->text, "job " SHI);
    cmdline_open(c);
    type(c, "job \xe5\xae\x9e"); /* 实 */
    ch(c, '\t');
    /* 订 and 计 share two bytes: the prefix stops before them */
    assert_string_equal(c->text, "job " SHISHI);
    assert_int_equal(c->cur, c->len);
    ch(c, '\t');
    assert_string_equal(c->text, "job " SHISHI DING "\xe5\x8d\x95");
    ch(c, '\t');
    assert_string_equal(c->text, "job " SHISHI JI "\xe7\xae\x97");
}

static void a_long_line_stops_at_the_limit(void **state) {
    struct cmdline *c = &((struct fixture *)*state)->c;
    for (int i = 0; i < CMDLINE_MAX; i++)
        ch(c, 0x5B9E); /* 实, 3 bytes */
    assert_true(c->len < CMDLINE_MAX);
    assert_int_equal(c->len % 3, 0); /* whole characters only */
}

static void parse_splits_verb_and_argument(void **state) {
    (void)state;
    char verb[64], arg[64];
    cmdline_parse("  :job   Streaming WordCount  ", verb, sizeof verb, arg, sizeof arg);
    assert_string_equal(verb, "job");
    assert_string_equal(arg, "Streaming WordCount");
    cmdline_parse("q", verb, sizeof verb, arg, sizeof arg);
    assert_string_equal(verb, "q");
    assert_string_equal(arg, "");
    cmdline_parse("", verb, sizeof verb, arg, sizeof arg);
    assert_string_equal(verb, "");
    size_t n;
    const char *const *cmds = cmdline_commands(&n);
    assert_int_equal(n, 10);
    assert_string_equal(cmds[0], "ctx");
    assert_string_equal(cmds[6], "unlock");
    assert_string_equal(cmds[7], "lock");
}

int main(void) {
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(typing_inserts_at_the_cursor),
        T(cjk_moves_and_deletes_whole_characters),
        T(ctrl_u_and_ctrl_w_cut_before_the_cursor),
        T(esc_cancels_enter_runs),
        T(history_goes_back_and_keeps_the_draft),
        T(history_keeps_the_last_fifty),
        T(tab_completes_the_command_name),
        T(tab_cycles_when_nothing_more_is_common),
        T(tab_completes_the_argument_from_the_words),
        T(common_prefix_never_ends_inside_a_character),
        T(a_long_line_stops_at_the_limit),
        T(parse_splits_verb_and_argument),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
