#include "token_bucket.h"

#include <math.h>

void token_bucket_init(struct token_bucket *b, double rate, int burst, int64_t now_ms) {
    b->rate = rate;
    b->burst = burst >= 1 ? burst : 1;
    b->tokens = b->burst;
    b->last_ms = now_ms;
}

static void refill(struct token_bucket *b, int64_t now_ms) {
    if (now_ms > b->last_ms) {
        b->tokens += b->rate * (double)(now_ms - b->last_ms) / 1000.0;
        if (b->tokens > b->burst)
            b->tokens = b->burst;
    }
    b->last_ms = now_ms;
}

bool token_bucket_take(struct token_bucket *b, int64_t now_ms) {
    if (b->rate <= 0)
        return true;
    refill(b, now_ms);
    if (b->tokens < 1.0)
        return false;
    b->tokens -= 1.0;
    return true;
}

void token_bucket_force(struct token_bucket *b, int64_t now_ms) {
    if (b->rate <= 0)
        return;
    refill(b, now_ms);
    b->tokens -= 1.0;
    /* a debt of more than one burst is forgiven: after the screen in view overdrew for
     * minutes, what waits for the budget is held about burst/rate seconds, not minutes */
    if (b->tokens < -b->burst)
        b->tokens = -b->burst;
}

int64_t token_bucket_wait_ms(struct token_bucket *b, int64_t now_ms) {
    if (b->rate <= 0)
        return 0;
    refill(b, now_ms);
    if (b->tokens >= 1.0)
        return 0;
    return (int64_t)ceil((1.0 - b->tokens) * 1000.0 / b->rate);
}
