/* A token bucket: `rate` tokens a second, at most `burst` saved up (client-go's
 * flowcontrol: 5/s, burst 10 by default). The clock is a parameter, so tests run it
 * without waiting. */
#ifndef FLINKTOP_TOKEN_BUCKET_H
#define FLINKTOP_TOKEN_BUCKET_H

#include <stdbool.h>
#include <stdint.h>

struct token_bucket {
    double rate;   /* tokens a second; <= 0: no limit */
    double burst;  /* most tokens held */
    double tokens; /* held at last_ms */
    int64_t last_ms;
};

/* Starts full, as client-go's does. */
void token_bucket_init(struct token_bucket *b, double rate, int burst, int64_t now_ms);
/* Take one token if there is one; false when the caller must wait. */
bool token_bucket_take(struct token_bucket *b, int64_t now_ms);
/* Take one whether or not there is one (a user's action): the bucket may go negative,
 * down to -burst, and what follows waits for it to refill. */
void token_bucket_force(struct token_bucket *b, int64_t now_ms);
/* Milliseconds until a token is there (0: now). */
int64_t token_bucket_wait_ms(struct token_bucket *b, int64_t now_ms);

#endif
