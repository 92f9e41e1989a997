/* A batch split over several processes (data-parallel training): the
 * per-channel sums that batchnorm needs are summed over all of them, so that
 * each process normalises with the statistics of the whole batch (the math
 * of one process holding it all).
 *
 * Deterministic mode (partials > 0) goes further, so that the bytes do not
 * depend on how many processes share the batch: the global batch is cut into
 * a fixed number of equal partials, every sum over the batch (weight
 * gradients, batchnorm's sums, class embeddings' gradients) is taken per
 * partial and the partials are added in one balanced binary tree, and every
 * SGEMM over the batch runs one partial at a time, so its shape is the same
 * whatever the split (OpenBLAS may round a wider call differently). A
 * process holds a whole subtree (gan/core/partials.h); its sums over the
 * processes add the subtrees in the same tree. Parameter gradients come out
 * summed over every process already.
 *
 * The library knows nothing of MPI: the training job fills this in with sums
 * over its ranks (gan/core/comm.h). NULL, or parts == 1 and partials == 0:
 * one process, plain sums. */
#ifndef GAN_CORE_BATCH_SYNC_H
#define GAN_CORE_BATCH_SYNC_H

#include <stddef.h>

typedef struct {
    /* v[0..n) becomes its sum over every process sharing the batch; every
     * process gets the same bytes, and with a power-of-two count the sum is
     * the balanced tree in process order. Unused when parts == 1. */
    void (*sum)(void *ctx, double *v, int n);
    void (*sum_floats)(void *ctx, float *v, long n);
    void *ctx;
    int parts;      /* processes sharing the batch, each with an equal slice */
    double *buffer; /* room for 2 * max_channels doubles, the callers' scratch */
    int capacity;   /* doubles in buffer */
    /* deterministic mode: this process's partials (the fixed global count
     * divided by parts), 0 when off; and the tree's working memory, for
     * sums of up to reduce_capacity floats (gan_partials_scratch_floats) */
    int partials;
    float *reduce;
    size_t reduce_capacity;
} gan_batch_sync;

#endif
