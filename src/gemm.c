#include "gan/gemm.h"

#include <cblas.h>

void gan_gemm(int trans_a, int trans_b, int m, int n, int k,
              float alpha, const float *a, int lda, const float *b, int ldb,
              float beta, float *c, int ldc)
{
    cblas_sgemm(CblasRowMajor, trans_a ? CblasTrans : CblasNoTrans, trans_b ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

void gan_gemm_ref(int trans_a, int trans_b, int m, int n, int k,
                  float alpha, const float *a, int lda, const float *b, int ldb,
                  float beta, float *c, int ldc)
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
