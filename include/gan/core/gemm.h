/* Matrix multiply in BLAS's own argument order, row-major:
 *   C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C
 * where op(X) is X or X^T, and lda/ldb/ldc are the row strides as stored. */
#ifndef GAN_CORE_GEMM_H
#define GAN_CORE_GEMM_H

#include "gan/core/pool.h"

typedef enum { GAN_NO_TRANS = 0, GAN_TRANS = 1 } gan_transpose;

/* Fast path: OpenBLAS cblas_sgemm, single-threaded; gan owns all threading,
 * so no idle OpenBLAS worker spins while gan's own loops run. C is cut into
 * up to 4 blocks along its longer side, by its shape alone, and each block
 * is one SGEMM; a pool's threads take whole blocks. So the result has the
 * same bytes for every thread count, NULL pool (serial) included. */
void gan_gemm(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc, gan_pool *pool);

/* Slow, obvious reference with double accumulation; the tests check the
 * fast path and the layers against it. */
void gan_gemm_ref(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha,
                  const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc);

#endif
