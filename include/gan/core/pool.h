/* A tiny fork-join thread pool for all of gan's threading: its own loops
 * (im2col, col2im, batchnorm, activations) and SGEMM, which runs as
 * single-threaded OpenBLAS calls on blocks the pool hands out
 * (gan/core/gemm.h).
 *
 * Why not OpenMP: its idle workers spin after each parallel loop, on the
 * very cores OpenBLAS's threads need for the next SGEMM. These workers sleep
 * on a condition variable instead. The pool is an explicit object; a NULL
 * pool runs everything on the caller's thread. */
#ifndef GAN_CORE_POOL_H
#define GAN_CORE_POOL_H

typedef struct gan_pool gan_pool;

/* A pool of `threads` threads in all, the caller included (threads - 1
 * workers). Returns NULL when threads <= 1 or on failure: callers then run
 * serially, which is always correct. */
gan_pool *gan_pool_create(int threads);
void gan_pool_free(gan_pool *pool);
/* Threads that share the work (1 for NULL). */
int gan_pool_threads(const gan_pool *pool);

/* Runs fn(arg, begin, end) on disjoint slices that cover [0, n), one per
 * thread, the caller's among them; returns when all are done. Small n runs
 * on the caller alone (below `grain` items per thread). Not reentrant: fn
 * must not call gan_pool_for on the same pool (it would wait on itself). */
typedef void (*gan_pool_fn)(void *arg, long begin, long end);
void gan_pool_for(gan_pool *pool, long n, long grain, gan_pool_fn fn, void *arg);

#endif
