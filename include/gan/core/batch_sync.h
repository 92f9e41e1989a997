/* A batch split over several processes (data-parallel training): the
 * per-channel sums that batchnorm needs are summed over all of them, so that
 * each process normalises with the statistics of the whole batch (the math
 * of one process holding it all).
 *
 * The library knows nothing of MPI: the training job fills this in with a
 * sum over its ranks (gan/core/comm.h). NULL, or parts == 1: one process. */
#ifndef GAN_CORE_BATCH_SYNC_H
#define GAN_CORE_BATCH_SYNC_H

typedef struct {
    /* v[0..n) becomes its sum over every process sharing the batch; every
     * process gets the same bytes. */
    void (*sum)(void *ctx, double *v, int n);
    void *ctx;
    int parts;      /* processes sharing the batch, each with an equal slice */
    double *buffer; /* room for 2 * max_channels doubles, the callers' scratch */
    int capacity;   /* doubles in buffer */
} gan_batch_sync;

#endif
