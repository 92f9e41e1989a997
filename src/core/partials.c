#include "gan/core/partials.h"

#include "gan/core/check.h"

static int tree_levels(int k)
{
    int levels = 1;
    while ((1 << (levels - 1)) < k) levels++;
    return levels;
}

size_t gan_partials_scratch_floats(int k, size_t n) { return (size_t)tree_levels(k) * n; }

double gan_tree_sum_doubles(double *a, int k)
{
    GAN_ASSERT(k >= 1 && (k & (k - 1)) == 0);
    for (int step = 1; step < k; step *= 2)
        for (int i = 0; i + step < k; i += 2 * step) a[i] += a[i + step];
    return a[0];
}

/* The leaves in order, each into the next free buffer; two buffers of one
 * level merge at once (a binary counter), which for a power-of-two count is
 * the balanced tree with only log2(k) + 1 buffers alive. */
const float *gan_partials_sum(const gan_batch_sync *s, size_t n, gan_partial_fn leaf, void *ctx)
{
    const int k = s->partials;
    GAN_ASSERT(k >= 1 && k <= GAN_PARTIALS_MAX && (k & (k - 1)) == 0);
    GAN_ASSERT(gan_partials_scratch_floats(k, n) <= s->reduce_capacity);
    int level[8], top = 0; /* 8 levels hold GAN_PARTIALS_MAX = 64 leaves */
    for (int j = 0; j < k; j++) {
        leaf(ctx, j, s->reduce + (size_t)top * n, n);
        level[top++] = 0;
        while (top >= 2 && level[top - 1] == level[top - 2]) {
            float *a = s->reduce + (size_t)(top - 2) * n;
            const float *b = a + n;
            for (size_t i = 0; i < n; i++) a[i] += b[i];
            level[top - 2]++;
            top--;
        }
    }
    GAN_ASSERT(top == 1);
    if (s->parts > 1) s->sum_floats(s->ctx, s->reduce, (long)n);
    return s->reduce;
}

typedef struct {
    gan_transpose ta, tb;
    int m, n, k, lda, ldb;
    const float *a, *b;
    gan_pool *pool;
} gemm_leaf_job;

static void gemm_leaf(void *ctx, int j, float *dst, size_t count)
{
    const gemm_leaf_job *g = ctx;
    (void)count;
    const long lo = (long)j * g->k;
    const float *a = g->ta ? g->a + lo * g->lda : g->a + lo;
    const float *b = g->tb ? g->b + lo : g->b + lo * g->ldb;
    gan_gemm(g->ta, g->tb, g->m, g->n, g->k, 1.0f, a, g->lda, b, g->ldb, 0.0f, dst, g->n, g->pool);
}

void gan_gemm_partials_k(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, const float *a,
                         int lda, const float *b, int ldb, float *c, int ldc, gan_pool *pool,
                         const gan_batch_sync *s)
{
    GAN_ASSERT(gan_partials_on(s) && k % s->partials == 0);
    gemm_leaf_job job = {trans_a, trans_b, m, n, k / s->partials, lda, ldb, a, b, pool};
    const float *sum = gan_partials_sum(s, (size_t)m * n, gemm_leaf, &job);
    for (int i = 0; i < m; i++) {
        float *row = c + (long)i * ldc;
        const float *add = sum + (long)i * n;
        for (int j = 0; j < n; j++) row[j] += add[j];
    }
}

void gan_gemm_partials_n(gan_transpose trans_a, gan_transpose trans_b, int m, int n, int k, float alpha,
                         const float *a, int lda, const float *b, int ldb, float beta, float *c, int ldc,
                         gan_pool *pool, const gan_batch_sync *s)
{
    if (!gan_partials_on(s)) {
        gan_gemm(trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, pool);
        return;
    }
    GAN_ASSERT(n % s->partials == 0);
    const int width = n / s->partials;
    for (int j = 0; j < s->partials; j++) {
        const long lo = (long)j * width;
        gan_gemm(trans_a, trans_b, m, width, k, alpha, a, lda, trans_b ? b + lo * ldb : b + lo, ldb, beta,
                 c + lo, ldc, pool);
    }
}
