/* What a training job will need in memory, worked out before anything is
 * allocated, and the check against what the process may use: its address-
 * space limit (ulimit -v), its cgroup's memory.max, and the system's
 * MemAvailable. A job that would not fit is refused with its figures
 * instead of failing (or, inside OpenBLAS, spinning) half-way. */
#ifndef GAN_JOBS_MEMORY_H
#define GAN_JOBS_MEMORY_H

#include <stddef.h>

#include "gan/core/error.h"
#include "gan/io/config.h"

typedef struct {
    size_t nets;     /* G and D: parameters, gradients, Adam moments, saved activations */
    size_t work;     /* their shared working memory */
    size_t data;     /* the training images (uint8) */
    size_t buffers;  /* a step's batches and latents, the sample grids */
    size_t eval;     /* eval.classifier: the classifier, its working memory, the statistics */
    size_t blas;     /* OpenBLAS's packing buffers, the part they touch */
    size_t resident; /* the sum: what the job adds to the process's resident memory */
    size_t address;  /* what it adds to the address space: OpenBLAS reserves 128 MiB a thread */
    /* what to change when it does not fit, and how to use fewer threads;
     * NULL: a training job's knobs */
    const char *remedy, *fewer_threads;
} gan_mem_estimate;

/* The estimate for cfg with `images` training images on `threads` threads. */
void gan_train_memory_estimate(const gan_config *cfg, long images, int threads, gan_mem_estimate *e);

/* GAN_OK, or GAN_ERR_NOMEM with "the job needs about 10.3 GiB (...) but the
 * process may use 2.0 GiB (<which limit>)" and what to change. */
gan_status gan_memory_check(const gan_mem_estimate *e, gan_error *err);

/* "10.3 GiB", "107 MiB" */
void gan_format_bytes(double bytes, char *buf, size_t len);

#endif
