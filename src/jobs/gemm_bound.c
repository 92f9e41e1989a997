/* The GEMM-only bound of a training step: the SGEMMs one real step ran (the
 * networks record them in a gan_gemm_log), with the same shapes, transposes
 * and thread split, timed back to back on buffers of their size. No step
 * can beat it; the share of it a step reaches says how much time goes to
 * everything else. */
#include <stdlib.h>
#include <string.h>

#include "gan/core/clock.h"
#include "gan/core/gemm.h"
#include "gan/core/rng.h"
#include "gemm_bound.h"

gan_status gan_gemm_bound(const gan_gemm_log *log, gan_pool *pool, int reps, double *seconds, gan_error *err)
{
    size_t most_a = 0, most_b = 0, most_c = 0;
    for (int i = 0; i < log->count; i++) {
        const gan_gemm_shape *s = &log->shapes[i];
        if ((size_t)s->m * s->k > most_a) most_a = (size_t)s->m * s->k;
        if ((size_t)s->k * s->n > most_b) most_b = (size_t)s->k * s->n;
        if ((size_t)s->m * s->n > most_c) most_c = (size_t)s->m * s->n;
    }
    float *a = malloc(sizeof(float) * most_a), *b = malloc(sizeof(float) * most_b);
    float *c = calloc(most_c, sizeof(float));
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the GEMM bound");
    }
    gan_rng rng;
    gan_rng_seed(&rng, 1);
    gan_rng_normal(&rng, a, (long)most_a, 0.0f, 1.0f);
    gan_rng_normal(&rng, b, (long)most_b, 0.0f, 1.0f);
    double best = 0.0;
    for (int r = 0; r <= reps; r++) { /* the first pass warms caches and OpenBLAS's buffers */
        const double t0 = gan_seconds();
        for (int i = 0; i < log->count; i++) {
            const gan_gemm_shape s = log->shapes[i];
            gan_gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0f, a, gan_gemm_lda(s), b, gan_gemm_ldb(s), 0.0f, c, s.n,
                     pool);
        }
        const double dt = gan_seconds() - t0;
        if (r > 0 && (best == 0.0 || dt < best)) best = dt;
    }
    free(a), free(b), free(c);
    *seconds = best;
    return GAN_OK;
}
