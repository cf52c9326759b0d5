/* Frame pacing on a hand-run clock: answers trickling in make at most 20 frames a
 * second, nothing changed makes none, a key is drawn at once. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "frame_pacer.h"

/* One loop turn as main.c runs it: wake at now, draw if due. */
static void turn(struct frame_pacer *p, int64_t now) {
    if (frame_pacer_due(p, now))
        frame_pacer_drawn(p, now);
}

static void nothing_changed_draws_nothing(void **state) {
    (void)state;
    struct frame_pacer p;
    frame_pacer_init(&p);
    for (int64_t t = 0; t < 10000; t += 7)
        turn(&p, t);
    assert_int_equal(p.frames, 0);
    assert_int_equal(frame_pacer_wait_ms(&p, 0, 1000), 1000);
}

/* Answers to a refresh arrive over 200 ms, one wake each (13 wakes): at most five frames,
 * and the last answer is on screen. */
static void trickling_answers_make_at_most_twenty_frames_a_second(void **state) {
    (void)state;
    struct frame_pacer p;
    frame_pacer_init(&p);
    int64_t t = 0;
    for (int i = 0; i < 13; i++) {
        t = i * 16;
        frame_pacer_data(&p);
        turn(&p, t);
    }
    /* the loop sleeps until the pending frame is due, then draws it */
    if (p.data) {
        int64_t wait = frame_pacer_wait_ms(&p, t, 1000);
        assert_true(wait <= 50);
        turn(&p, t + wait);
    }
    assert_false(p.data);
    assert_true(p.frames >= 4 && p.frames <= 5);
    /* a second of steady changes at every millisecond: never more than 20 */
    uint64_t before = p.frames;
    for (int64_t ms = 1000; ms < 2000; ms++) {
        frame_pacer_data(&p);
        turn(&p, ms);
    }
    assert_true(p.frames - before <= 20);
}

static void a_key_is_drawn_at_once(void **state) {
    (void)state;
    struct frame_pacer p;
    frame_pacer_init(&p);
    frame_pacer_data(&p);
    turn(&p, 1000); /* a data frame */
    assert_int_equal(p.frames, 1);
    frame_pacer_input(&p);
    assert_int_equal(frame_pacer_wait_ms(&p, 1001, 1000), 0);
    turn(&p, 1001); /* 1 ms later: drawn anyway */
    assert_int_equal(p.frames, 2);
    frame_pacer_data(&p);
    assert_false(frame_pacer_due(&p, 1010)); /* data waits behind the key's frame */
    assert_int_equal(frame_pacer_wait_ms(&p, 1010, 1000), 41);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(nothing_changed_draws_nothing),
        cmocka_unit_test(trickling_answers_make_at_most_twenty_frames_a_second),
        cmocka_unit_test(a_key_is_drawn_at_once),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
