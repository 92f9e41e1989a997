/* Working memory of forward and backward passes: planned by the networks,
 * allocated and owned by the caller, handed to every pass (the way ggml's
 * cplan gives the caller work_data to allocate). It holds the im2col/col2im
 * workspace of the largest layer and two gradient buffers that backward
 * ping-pongs between; nothing in it outlives one call, so networks that
 * never run at the same time (G and D) share one. */
#ifndef GAN_CORE_WORK_H
#define GAN_CORE_WORK_H

#include <stddef.h>

#include "gan/core/batch_sync.h"
#include "gan/core/error.h"
#include "gan/core/gemm.h"
#include "gan/core/pool.h"

typedef struct {
    size_t scratch; /* floats of the im2col/col2im workspace */
    size_t grad;    /* floats of each of the two gradient buffers */
} gan_work_plan;

typedef struct {
    gan_work_plan plan;
    float *scratch; /* [plan.scratch], 64-byte aligned */
    float *grad[2]; /* [plan.grad] each */
    gan_pool *pool; /* threads for gan's loops and SGEMM blocks; NULL: serial. Not owned. */
    /* processes sharing the batch (batchnorm's sums); NULL: this one alone. Not owned. */
    const gan_batch_sync *sync;
    /* when not NULL, the networks add the shape of every layer SGEMM they run
     * (gan bench records one real step's for its GEMM-only bound). Not owned. */
    gan_gemm_log *gemm_log;
    void *block; /* the one allocation behind the three */
} gan_work;

/* A plan that serves both a and b. */
gan_work_plan gan_work_plan_max(gan_work_plan a, gan_work_plan b);
/* Bytes gan_work_alloc takes for a plan. */
size_t gan_work_plan_bytes(gan_work_plan p);
/* GAN_OK or GAN_ERR_NOMEM; on failure *w is empty (gan_work_free is safe). */
gan_status gan_work_alloc(gan_work *w, gan_work_plan plan, gan_pool *pool);
void gan_work_free(gan_work *w);

#endif
