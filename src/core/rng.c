#include "gan/core/rng.h"

#include <math.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void gan_rng_seed(gan_rng *rng, uint64_t seed)
{
    for (int i = 0; i < 4; i++) rng->s[i] = splitmix64(&seed);
}

uint64_t gan_rng_next(gan_rng *rng)
{
    uint64_t *s = rng->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double gan_rng_uniform(gan_rng *rng) { return (double)(gan_rng_next(rng) >> 11) * 0x1.0p-53; }

uint64_t gan_rng_below(gan_rng *rng, uint64_t bound)
{
    /* Reject the top sliver that would make some results more likely. */
    uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
    uint64_t x;
    do x = gan_rng_next(rng);
    while (x >= limit);
    return x % bound;
}

void gan_rng_normal(gan_rng *rng, float *out, long n, float mean, float std)
{
    const double two_pi = 6.283185307179586476925;
    for (long i = 0; i < n; i += 2) {
        /* 1 - u keeps the log argument in (0, 1]. */
        double u1 = 1.0 - gan_rng_uniform(rng);
        double u2 = gan_rng_uniform(rng);
        double r = sqrt(-2.0 * log(u1));
        out[i] = (float)(mean + std * r * cos(two_pi * u2));
        if (i + 1 < n) out[i + 1] = (float)(mean + std * r * sin(two_pi * u2));
    }
}

/* N(0, 1) on [-psi, psi] by rejection from a uniform proposal: accept x
 * with probability exp(-x^2 / 2), at least exp(-psi^2 / 2), so it takes
 * few tries exactly where redrawing normals takes many (small psi). */
static float truncated_by_uniform(gan_rng *rng, double psi)
{
    for (;;) {
        const double x = (2.0 * gan_rng_uniform(rng) - 1.0) * psi;
        const float f = (float)x;
        if (fabs((double)f) <= psi && gan_rng_uniform(rng) < exp(-0.5 * x * x)) return f;
    }
}

/* Redraws per value before the uniform proposal takes over: with psi >= 1
 * (the trick's usual range) 64 misses in a row have probability below
 * 1e-31, so the draws are those of plain redrawing; with psi 1e-3 one
 * value would need about 1,250 normals on average. Either way each value
 * is an exact draw of the truncated normal. */
enum { TRUNCATION_REDRAWS = 64 };

void gan_rng_truncated_normal(gan_rng *rng, float *out, long n, double psi)
{
    gan_rng_normal(rng, out, n, 0.0f, 1.0f);
    if (!(psi > 0.0 && psi < INFINITY)) return; /* no truncation */
    for (long i = 0; i < n; i++) {
        int tries = 0;
        while (fabs((double)out[i]) > psi && tries++ < TRUNCATION_REDRAWS) {
            float pair[2];
            gan_rng_normal(rng, pair, 2, 0.0f, 1.0f);
            out[i] = pair[0];
        }
        if (fabs((double)out[i]) > psi) out[i] = truncated_by_uniform(rng, psi);
    }
}

void gan_rng_shuffle(gan_rng *rng, int32_t *perm, long n)
{
    for (long i = n - 1; i > 0; i--) {
        long j = (long)gan_rng_below(rng, (uint64_t)i + 1);
        int32_t t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
}

void gan_rng_permutation(gan_rng *rng, int32_t *perm, long n)
{
    for (long i = 0; i < n; i++) perm[i] = (int32_t)i;
    gan_rng_shuffle(rng, perm, n);
}

static uint64_t stream_salt(gan_stream which)
{
    switch (which) {
    case GAN_STREAM_EPOCH_ORDER: return 0;
    case GAN_STREAM_EMA_STATS: return 0x5ca1ab1e5ca1ab1eULL;
    case GAN_STREAM_TRAIN_EVAL: return 0xe7a1e7a1e7a1e7a1ULL;
    case GAN_STREAM_EVAL_REAL: return 0x5eedf00dULL;
    case GAN_STREAM_SAMPLE_LABELS: return 0xc1a55e5c1a55e5ULL;
    }
    return 0;
}

void gan_rng_seed_stream(gan_rng *rng, uint64_t seed, gan_stream which)
{
    gan_rng_seed(rng, seed ^ stream_salt(which));
}

void gan_rng_seed_indexed(gan_rng *rng, uint64_t seed, gan_stream which, int64_t index)
{
    gan_rng_seed(rng, seed ^ stream_salt(which) ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(index + 1)));
}
