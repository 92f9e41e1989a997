/* Sums over the batch whose bytes do not depend on how the batch is split
 * among processes or threads (deterministic mode, gan/core/batch_sync.h).
 *
 * The batch is cut into a power-of-two count of equal partials; the sum of a
 * quantity is the balanced binary tree over the partials' sums, left to
 * right: ((p0 + p1) + (p2 + p3)) + ... A process holding partials
 * [r * k, (r + 1) * k) computes one subtree, and the sum over the processes
 * (again a balanced tree, in process order) completes the same tree. */
#ifndef GAN_CORE_PARTIALS_H
#define GAN_CORE_PARTIALS_H

#include <stdbool.h>
#include <stddef.h>

#include "gan/core/batch_sync.h"
#include "gan/core/gemm.h"

/* The fixed count of partials of the global batch in deterministic mode: any
 * power-of-two process count up to it gives the same bytes. */
enum { GAN_PARTIALS = 8, GAN_PARTIALS_MAX = 64 };

/* True when sums over the batch go through partials. */
static inline bool gan_partials_on(const gan_batch_sync *s) { return s && s->partials > 0; }

/* Floats of working memory that sums of up to n floats over k partials
 * need (one buffer per tree level). */
size_t gan_partials_scratch_floats(int k, size_t n);

/* a[0] becomes the tree sum of a[0..k); k a power of two. */
double gan_tree_sum_doubles(double *a, int k);

/* One partial's share of a sum: writes (overwrites) dst[0..n) with partial
 * j's contribution (j counts this process's partials from 0). */
typedef void (*gan_partial_fn)(void *ctx, int j, float *dst, size_t n);

/* The tree sum of leaf(0..partials) over this process's partials, then
 * over the processes: a pointer to n floats in s->reduce, the same bytes on
 * every process, valid until the next call. */
const float *gan_partials_sum(const gan_batch_sync *s, size_t n, gan_partial_fn leaf, void *ctx);

/* c[m, n] (row stride ldc) += the sum above of one partial's
 * op(A)[m, k/partials] @ op(B)[k/partials, n] per partial, K being the batch
 * (its columns: N*H*W, batch-major). */
void gan_gemm_partials_k(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, const float *a,
                         int lda, const float *b, int ldb, float *c, int ldc, gan_pool *pool,
                         const gan_batch_sync *s);

/* gan_gemm with N (the batch's columns) cut into this process's partials,
 * one SGEMM each, so every SGEMM has a partial's shape. */
void gan_gemm_partials_n(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc,
                         gan_pool *pool, const gan_batch_sync *s);

#endif
