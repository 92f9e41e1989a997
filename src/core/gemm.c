#include "gan/core/gemm.h"

#include <cblas.h>

typedef struct {
    gan_transpose trans_a, trans_b;
    int m, n, k, lda, ldb, ldc, by_rows;
    float alpha, beta;
    const float *a, *b;
    float *c;
} gemm_job;

static void sgemm(gan_transpose ta, gan_transpose tb, int m, int n, int k, float alpha, const float *a,
                  int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha,
                a, lda, b, ldb, beta, c, ldc);
}

/* Blocks are counted in units of 16 rows or columns (the kernels' width), so
 * every thread's block but the last is a whole number of register tiles. */
enum { UNIT = 16 };

static void gemm_blocks(void *arg, long begin, long end)
{
    const gemm_job *j = arg;
    if (j->by_rows) {
        int r0 = (int)begin * UNIT, r1 = (int)end * UNIT < j->m ? (int)end * UNIT : j->m;
        const float *a = j->trans_a ? j->a + r0 : j->a + (long)r0 * j->lda;
        sgemm(j->trans_a, j->trans_b, r1 - r0, j->n, j->k, j->alpha, a, j->lda, j->b, j->ldb, j->beta,
              j->c + (long)r0 * j->ldc, j->ldc);
    } else {
        int c0 = (int)begin * UNIT, c1 = (int)end * UNIT < j->n ? (int)end * UNIT : j->n;
        const float *b = j->trans_b ? j->b + (long)c0 * j->ldb : j->b + c0;
        sgemm(j->trans_a, j->trans_b, j->m, c1 - c0, j->k, j->alpha, j->a, j->lda, b, j->ldb, j->beta,
              j->c + c0, j->ldc);
    }
}

void gan_gemm(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc, gan_pool *pool)
{
    gemm_job j = {trans_a, trans_b, m, n, k, lda, ldb, ldc, m > n, alpha, beta, a, b, c};
    long units = ((j.by_rows ? m : n) + UNIT - 1) / UNIT;
    if (!pool) {
        sgemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        return;
    }
    gan_pool_for(pool, units, 2, gemm_blocks, &j);
}

void gan_gemm_ref(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha,
                  const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc)
{
    for (int i = 0; i < m; i++) {
        for (int j = 0; j < n; j++) {
            double acc = 0.0;
            for (int p = 0; p < k; p++) {
                float av = trans_a ? a[(long)p * lda + i] : a[(long)i * lda + p];
                float bv = trans_b ? b[(long)j * ldb + p] : b[(long)p * ldb + j];
                acc += (double)av * bv;
            }
            float *cv = &c[(long)i * ldc + j];
            /* beta == 0 overwrites, as BLAS does, even if C held NaN. */
            *cv = (float)(alpha * acc + (beta == 0.0f ? 0.0 : (double)beta * *cv));
        }
    }
}
