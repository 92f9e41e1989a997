/* Matrix multiply in BLAS's own argument order, row-major:
 *   C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C
 * where op(X) is X or X^T, and lda/ldb/ldc are the row strides as stored. */
#ifndef GAN_GEMM_H
#define GAN_GEMM_H

/* Fast path: OpenBLAS cblas_sgemm. */
void gan_gemm(int trans_a, int trans_b, int m, int n, int k,
              float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc);

/* Slow, obvious reference with double accumulation; the tests check the
 * fast path and the layers against it. */
void gan_gemm_ref(int trans_a, int trans_b, int m, int n, int k,
                  float alpha, const float *a, int lda, const float *b, int ldb,
                  float beta, float *c, int ldc);

#endif
