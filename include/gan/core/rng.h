/* Seeded pseudo-random numbers: xoshiro256** with a splitmix64 seeder.
 * The state is an explicit value the caller owns and saves with a checkpoint,
 * so every random draw of a run is reproducible from (seed, position). */
#ifndef GAN_CORE_RNG_H
#define GAN_CORE_RNG_H

#include <stdint.h>

typedef struct {
    uint64_t s[4];
} gan_rng;

/* Seeds the four state words from one 64-bit seed via splitmix64. */
void gan_rng_seed(gan_rng *rng, uint64_t seed);
/* Next raw 64-bit value. */
uint64_t gan_rng_next(gan_rng *rng);
/* Uniform double in [0, 1) with 53 random bits. */
double gan_rng_uniform(gan_rng *rng);
/* Uniform integer in [0, bound), without modulo bias; bound > 0. */
uint64_t gan_rng_below(gan_rng *rng, uint64_t bound);
/* Fills out[0..n) with N(mean, std^2) draws (Box-Muller in double precision). */
void gan_rng_normal(gan_rng *rng, float *out, long n, float mean, float std);
/* N(0, 1) draws with every value of magnitude above psi drawn again until it
 * is at most psi: the truncation trick (Brock et al., BigGAN). After 64
 * redraws of one value the rest of its draw is a rejection from a uniform
 * proposal, so any psi > 0, however small, takes bounded time on average.
 * psi <= 0 or infinity means no truncation (gan_rng_normal's values). */
void gan_rng_truncated_normal(gan_rng *rng, float *out, long n, double psi);
/* Fisher-Yates shuffle of perm[0..n); perm must already hold the items. */
void gan_rng_shuffle(gan_rng *rng, int32_t *perm, long n);
/* perm[0..n) = a random permutation of 0 .. n-1 (the identity, shuffled). */
void gan_rng_permutation(gan_rng *rng, int32_t *perm, long n);

/* The named streams of a job's randomness. Each is seeded from the job's
 * seed and a salt of its own, so that drawing more from one stream never
 * moves another: the same seed gives the same evaluation subset whatever
 * the training drew before it. The values are part of the file formats'
 * meaning (a resumed run must draw what the first session would): never
 * change one. */
typedef enum {
    GAN_STREAM_EPOCH_ORDER = 0, /* the data order of epoch i (indexed) */
    GAN_STREAM_EMA_STATS,       /* the EMA generator's batchnorm statistics at step i (indexed) */
    GAN_STREAM_TRAIN_EVAL,      /* evaluation during training: the real subset and the latents */
    GAN_STREAM_EVAL_REAL,       /* gan eval: the real subset */
    GAN_STREAM_SAMPLE_LABELS    /* gan sample: a conditional generator's classes */
} gan_stream;
/* Seeds rng for stream `which` of `seed`: seed ^ salt(which). */
void gan_rng_seed_stream(gan_rng *rng, uint64_t seed, gan_stream which);
/* Seeds rng for draw `index` (>= 0: an epoch, a step) of an indexed stream:
 * seed ^ salt(which) ^ (index + 1) * 0x9e3779b97f4a7c15 (the golden ratio's
 * bits, so that nearby indices give far-apart seeds). */
void gan_rng_seed_indexed(gan_rng *rng, uint64_t seed, gan_stream which, int64_t index);

#endif
