/* The GEMM-only bound of a training step (private to src/jobs). */
#ifndef GAN_JOBS_GEMM_BOUND_H
#define GAN_JOBS_GEMM_BOUND_H

#include "gan/core/error.h"
#include "gan/core/pool.h"
#include "gan/models/dcgan.h"

/* Times the SGEMMs of one training step of g and d at `batch`, back to back
 * with the pool's split, `reps` times after one warm-up pass: the fastest
 * pass in *seconds_per_step, their number in *gemms_per_step. */
gan_status gan_gemm_bound(const gan_net *g, const gan_net *d, int batch, int d_steps, gan_pool *pool,
                          int reps, double *seconds_per_step, int *gemms_per_step, gan_error *err);

#endif
