/* A small deterministic PRNG (splitmix64). The simulator draws every id, name, size and
 * scheduled event from one of these, so the same --seed gives the same clusters and the
 * same schedule on every machine. Not for anything secret. */
#ifndef FLINKTOP_SIM_PRNG_H
#define FLINKTOP_SIM_PRNG_H

#include <stddef.h>
#include <stdint.h>

struct sim_prng {
    uint64_t state;
};

/* Seeds p from a seed and a stream number, so independent streams of one seed never
 * share a sequence. */
void sim_prng_init(struct sim_prng *p, uint64_t seed, uint64_t stream);
uint64_t sim_prng_next(struct sim_prng *p);
/* Uniform in [lo, hi] (inclusive); returns lo when hi <= lo. */
int64_t sim_prng_range(struct sim_prng *p, int64_t lo, int64_t hi);
/* Writes 32 lowercase hex digits and a NUL into out (a Flink JobID/vertex id). */
void sim_prng_hex32(struct sim_prng *p, char out[33]);
/* Fills buf (borrowed) with n random bytes. */
void sim_prng_bytes(struct sim_prng *p, unsigned char *buf, size_t n);

/* Stateless draws for values computed when asked (a subtask's share of a vertex, its
 * jitter in one metric step): the same (a, b, c) always gives the same number. */
uint64_t sim_prng_hash(uint64_t a, uint64_t b, uint64_t c);
/* The hash as a double in [0, 1). */
double sim_prng_unit(uint64_t a, uint64_t b, uint64_t c);

#endif
