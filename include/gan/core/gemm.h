/* Matrix multiply in BLAS's own argument order, row-major:
 *   C[M,N] = alpha * op(A)[M,K] @ op(B)[K,N] + beta * C
 * where op(X) is X or X^T, and lda/ldb/ldc are the row strides as stored. */
#ifndef GAN_CORE_GEMM_H
#define GAN_CORE_GEMM_H

#include "gan/core/pool.h"

typedef enum { GAN_NO_TRANS = 0, GAN_TRANS = 1 } gan_transpose;

/* The shape of one SGEMM: C[m, n] = op(A)[m, k] @ op(B)[k, n]. */
typedef struct {
    gan_transpose ta, tb;
    int m, n, k;
} gan_gemm_shape;

/* Row strides of A and B as stored, for a packed shape. */
static inline int gan_gemm_lda(gan_gemm_shape s) { return s.ta == GAN_TRANS ? s.m : s.k; }
static inline int gan_gemm_ldb(gan_gemm_shape s) { return s.tb == GAN_TRANS ? s.k : s.n; }

/* A record of the SGEMMs a pass runs, in order (gan bench's GEMM-only
 * bound replays one real step's). Full: later shapes are counted in
 * `dropped`, not kept. */
enum { GAN_GEMM_LOG_MAX = 256 };
typedef struct {
    gan_gemm_shape shapes[GAN_GEMM_LOG_MAX];
    int count, dropped;
} gan_gemm_log;
void gan_gemm_log_add(gan_gemm_log *log, gan_gemm_shape s);

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
