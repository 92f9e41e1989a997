/* gan bench: the training step timed on synthetic images. */
#ifndef GAN_JOBS_BENCH_H
#define GAN_JOBS_BENCH_H

#include "gan/core/error.h"
#include "gan/io/config.h"

typedef struct {
    int steps;                           /* timed steps */
    int size;                            /* the side they ran at */
    double seconds;                      /* wall time of the timed steps */
    double images_per_second;            /* real images through the step per second */
    long peak_rss_kb;                    /* peak resident memory of the process */
    long estimated_kb;                   /* what gan_train_memory_estimate said the job adds to the process */
    double gemm_bound_images_per_second; /* the step's SGEMMs alone, back to back (gemm_bound.c) */
    int gemms_per_step;
    double loss_d, loss_g; /* after the last step (a sanity check, not a result) */
} gan_bench_result;

/* Times the training step of cfg's architecture and batch on synthetic
 * images: `warmup` untimed steps, then `steps` timed ones, at side `size`
 * (a growing config's phase, its block fully in; 0: the full size; any
 * other side is GAN_ERR_USAGE). No files. */
gan_status gan_bench(const gan_config *cfg, int warmup, int steps, int size, gan_bench_result *result,
                     gan_error *err);

/* Times batch inference (gan sample's path) of n images with cfg's
 * generator: images per second and the chunk it used. */
gan_status gan_bench_sample(const gan_config *cfg, long n, double *images_per_second, int *chunk,
                            gan_error *err);

#endif
