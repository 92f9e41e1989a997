/* Matrix multiply in BLAS's own argument order, row-major:
 *   C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C
 * where op(X) is X or X^T, and lda/ldb/ldc are the row strides as stored. */
#ifndef GAN_CORE_GEMM_H
#define GAN_CORE_GEMM_H

#include "gan/core/pool.h"

typedef enum { GAN_NO_TRANS = 0, GAN_TRANS = 1 } gan_transpose;

/* Fast path: OpenBLAS cblas_sgemm. With a pool, C is cut into one block of
 * columns (or rows, whichever side is longer) per thread and each block is
 * an independent single-threaded SGEMM: gan runs OpenBLAS with one thread
 * and owns all threading, so no idle OpenBLAS worker spins while gan's own
 * loops run. NULL pool: one SGEMM on OpenBLAS's own threads. */
void gan_gemm(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc, gan_pool *pool);

/* Slow, obvious reference with double accumulation; the tests check the
 * fast path and the layers against it. */
void gan_gemm_ref(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha,
                  const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

#endif
