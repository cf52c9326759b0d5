#include "frame_pacer.h"

#include <string.h>

void frame_pacer_init(struct frame_pacer *p) {
    memset(p, 0, sizeof *p);
    p->last_ms = INT64_MIN / 2;
}

void frame_pacer_data(struct frame_pacer *p) { p->data = true; }
void frame_pacer_input(struct frame_pacer *p) { p->input = true; }

bool frame_pacer_due(const struct frame_pacer *p, int64_t now_ms) {
    if (p->input)
        return true;
    return p->data && now_ms - p->last_ms >= FRAME_PACER_MIN_MS;
}

void frame_pacer_drawn(struct frame_pacer *p, int64_t now_ms) {
    p->data = p->input = false;
    p->last_ms = now_ms;
    p->frames++;
}

int64_t frame_pacer_wait_ms(const struct frame_pacer *p, int64_t now_ms, int64_t max_ms) {
    if (p->input)
        return 0;
    if (!p->data)
        return max_ms;
    int64_t until = p->last_ms + FRAME_PACER_MIN_MS - now_ms;
    if (until < 0)
        until = 0;
    return until < max_ms ? until : max_ms;
}
