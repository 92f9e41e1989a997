/* The GEMM-only bound of a training step (private to src/jobs). */
#ifndef GAN_JOBS_GEMM_BOUND_H
#define GAN_JOBS_GEMM_BOUND_H

#include "gan/core/error.h"
#include "gan/core/gemm.h"
#include "gan/core/pool.h"

/* Times the SGEMMs of the log back to back with the pool's split, `reps`
 * times after one warm-up pass: the fastest pass in *seconds. */
gan_status gan_gemm_bound(const gan_gemm_log *log, gan_pool *pool, int reps, double *seconds, gan_error *err);

#endif
