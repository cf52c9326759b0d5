#include "sim_prng.h"

#include <stdio.h>

/* splitmix64's finaliser: a bijection that scatters nearby inputs. */
static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void sim_prng_init(struct sim_prng *p, uint64_t seed, uint64_t stream) {
    /* Hash seed and stream separately: a plain linear start would make seed N+1 the same
     * sequence as seed N shifted by one draw. */
    p->state = mix(seed + 0x632be59bd9b4e019ULL) ^ mix(mix(stream) + 0x9e3779b97f4a7c15ULL);
}

uint64_t sim_prng_next(struct sim_prng *p) { return mix(p->state += 0x9e3779b97f4a7c15ULL); }

int64_t sim_prng_range(struct sim_prng *p, int64_t lo, int64_t hi) {
    if (hi <= lo)
        return lo;
    uint64_t span = (uint64_t)(hi - lo) + 1;
    return lo + (int64_t)(sim_prng_next(p) % span);
}

void sim_prng_hex32(struct sim_prng *p, char out[33]) {
    uint64_t a = sim_prng_next(p);
    uint64_t b = sim_prng_next(p);
    snprintf(out, 33, "%016llx%016llx", (unsigned long long)a, (unsigned long long)b);
}

void sim_prng_bytes(struct sim_prng *p, unsigned char *buf, size_t n) {
    uint64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (i % 8 == 0)
            v = sim_prng_next(p);
        buf[i] = (unsigned char)(v & 0xff);
        v >>= 8;
    }
}

uint64_t sim_prng_hash(uint64_t a, uint64_t b, uint64_t c) {
    return mix(mix(mix(a + 0x9e3779b97f4a7c15ULL) ^ b) + c * 0xd1b54a32d192ed03ULL);
}

double sim_prng_unit(uint64_t a, uint64_t b, uint64_t c) {
    return (double)(sim_prng_hash(a, b, c) >> 11) / 9007199254740992.0;
}
