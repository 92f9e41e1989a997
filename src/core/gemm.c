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

/* C is cut into blocks along its longer side, and each block is one
 * single-threaded SGEMM. The cut depends on the shape alone, never on the
 * thread count: OpenBLAS may round a narrower call differently (another
 * kernel for the edge tiles, its small-matrix path), so a cut that followed
 * the threads would give 1 and 2 threads different bytes. Threads take whole
 * blocks. Blocks are whole multiples of 16 rows or columns (the kernels'
 * register tile) and at least MIN_BLOCK wide, so a block still amortises
 * packing the other operand. */
enum { UNIT = 16, MIN_BLOCK = 128, MAX_BLOCKS = 4 };

static long block_count(int len)
{
    long units = (len + UNIT - 1) / UNIT, blocks = len / MIN_BLOCK;
    if (blocks > MAX_BLOCKS) blocks = MAX_BLOCKS;
    if (blocks > units) blocks = units;
    return blocks < 1 ? 1 : blocks;
}

typedef struct {
    gemm_job job;
    long blocks, units;
} gemm_plan;

static void gemm_one_block(const gemm_job *j, long block, long blocks, long units)
{
    const int len = j->by_rows ? j->m : j->n;
    int lo = (int)(units * block / blocks) * UNIT, hi = (int)(units * (block + 1) / blocks) * UNIT;
    if (hi > len) hi = len;
    if (j->by_rows) {
        const float *a = j->trans_a ? j->a + lo : j->a + (long)lo * j->lda;
        sgemm(j->trans_a, j->trans_b, hi - lo, j->n, j->k, j->alpha, a, j->lda, j->b, j->ldb, j->beta,
              j->c + (long)lo * j->ldc, j->ldc);
    } else {
        const float *b = j->trans_b ? j->b + (long)lo * j->ldb : j->b + lo;
        sgemm(j->trans_a, j->trans_b, j->m, hi - lo, j->k, j->alpha, j->a, j->lda, b, j->ldb, j->beta,
              j->c + lo, j->ldc);
    }
}

static void gemm_blocks(void *arg, long begin, long end)
{
    const gemm_plan *p = arg;
    for (long b = begin; b < end; b++) gemm_one_block(&p->job, b, p->blocks, p->units);
}

void gan_gemm(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha, const float *a,
              int lda, const float *b, int ldb, float beta, float *c, int ldc, gan_pool *pool)
{
    gemm_plan p = {{trans_a, trans_b, m, n, k, lda, ldb, ldc, m > n, alpha, beta, a, b, c}, 1, 1};
    const int len = p.job.by_rows ? m : n;
    p.blocks = block_count(len);
    p.units = (len + UNIT - 1) / UNIT;
    gan_pool_for(pool, p.blocks, 1, gemm_blocks, &p);
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

void gan_gemm_log_add(gan_gemm_log *log, gan_gemm_shape s)
{
    if (log->count < GAN_GEMM_LOG_MAX) log->shapes[log->count++] = s;
    else log->dropped++;
}
