#include "gan/nn/conditional.h"
#include "gan/core/check.h"
#include "gan/core/dispatch.h"
#include "gan/core/partials.h"

#include <string.h>

void gan_embed_concat_forward(float *x, const float *z, const float *embed, const int32_t *labels, int nz,
                              int ne, int n)
{
    memcpy(x, z, sizeof(float) * (size_t)nz * n); /* rows 0..nz-1: z, already [nz, n] */
    for (int j = 0; j < ne; j++) {
        float *row = x + (size_t)(nz + j) * n;
        for (int i = 0; i < n; i++) row[i] = embed[(size_t)labels[i] * ne + j];
    }
}

/* Samples [lo, hi) of a batch of n: the sums over the batch are taken per
 * partial in deterministic mode (gan/core/partials.h), so each backward
 * below has a ranged body and a public face that picks whole or partials. */
static void embed_concat_backward_range(float *dembed, const float *dx, const int32_t *labels, int nz, int ne,
                                        int n, int lo, int hi)
{
    for (int j = 0; j < ne; j++) {
        const float *row = dx + (size_t)(nz + j) * n;
        for (int i = lo; i < hi; i++) dembed[(size_t)labels[i] * ne + j] += row[i];
    }
}

typedef struct {
    const float *dx;
    const int32_t *labels;
    int nz, ne, n, per;
} embed_leaf_job;

static void embed_concat_leaf(void *ctx, int p, float *dst, size_t count)
{
    const embed_leaf_job *j = ctx;
    memset(dst, 0, sizeof(float) * count);
    embed_concat_backward_range(dst, j->dx, j->labels, j->nz, j->ne, j->n, p * j->per, (p + 1) * j->per);
}

/* The classes' rows of an embedding: classes = 1 + the largest label. */
static size_t embed_rows(const int32_t *labels, int n)
{
    int32_t top = 0;
    for (int i = 0; i < n; i++)
        if (labels[i] > top) top = labels[i];
    return (size_t)top + 1;
}

static void add_floats(float *to, const float *from, size_t n)
{
    for (size_t i = 0; i < n; i++) to[i] += from[i];
}

void gan_embed_concat_backward(float *dembed, const float *dx, const int32_t *labels, int nz, int ne, int n,
                               int classes, const gan_batch_sync *split)
{
    if (!gan_partials_on(split)) {
        embed_concat_backward_range(dembed, dx, labels, nz, ne, n, 0, n);
        return;
    }
    GAN_ASSERT(n % split->partials == 0 && embed_rows(labels, n) <= (size_t)classes);
    embed_leaf_job job = {dx, labels, nz, ne, n, n / split->partials};
    const size_t count = (size_t)classes * ne;
    add_floats(dembed, gan_partials_sum(split, count, embed_concat_leaf, &job), count);
}

GAN_HOT void gan_class_affine_forward(float *y, const float *xhat, const float *gamma, const float *beta,
                                      const int32_t *labels, int c, int n, long hw)
{
    for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < n; i++) {
            const float g = gamma[(size_t)labels[i] * c + ch], b = beta[(size_t)labels[i] * c + ch];
            const size_t at = ((size_t)ch * n + i) * hw;
            for (long p = 0; p < hw; p++) y[at + p] = xhat[at + p] * g + b;
        }
}

GAN_HOT static void class_affine_backward_range(float *dxhat, float *dgamma, float *dbeta, const float *dy,
                                                const float *x, const float *mean, const float *invstd,
                                                const float *gamma, const int32_t *labels, int c, int n,
                                                long hw, int lo, int hi)
{
    for (int ch = 0; ch < c; ch++)
        for (int i = lo; i < hi; i++) {
            const size_t k = (size_t)labels[i] * c + ch, at = ((size_t)ch * n + i) * hw;
            const float g = gamma[k], mu = mean[ch], is = invstd[ch];
            /* double sums: a sample's run is short, but a class's total over the batch is not */
            double sg = 0, sb = 0;
            for (long p = 0; p < hw; p++) {
                const float d = dy[at + p];
                sg += (double)d * ((x[at + p] - mu) * is);
                sb += d;
                dxhat[at + p] = d * g;
            }
            if (dgamma) dgamma[k] += (float)sg;
            if (dbeta) dbeta[k] += (float)sb;
        }
}

typedef struct {
    float *dxhat;
    const float *dy, *x, *mean, *invstd, *gamma;
    const int32_t *labels;
    int c, n, per;
    long hw;
    size_t count; /* classes * c: dgamma's floats, then dbeta's */
} affine_leaf_job;

static void class_affine_leaf(void *ctx, int p, float *dst, size_t count)
{
    const affine_leaf_job *j = ctx;
    memset(dst, 0, sizeof(float) * count);
    class_affine_backward_range(j->dxhat, dst, dst + j->count, j->dy, j->x, j->mean, j->invstd, j->gamma,
                                j->labels, j->c, j->n, j->hw, p * j->per, (p + 1) * j->per);
}

void gan_class_affine_backward(float *dxhat, float *dgamma, float *dbeta, const float *dy, const float *x,
                               const float *mean, const float *invstd, const float *gamma,
                               const int32_t *labels, int c, int n, long hw, int classes,
                               const gan_batch_sync *split)
{
    if (!gan_partials_on(split) || !dgamma || !dbeta) {
        GAN_ASSERT(!gan_partials_on(split) || (!dgamma && !dbeta));
        class_affine_backward_range(dxhat, dgamma, dbeta, dy, x, mean, invstd, gamma, labels, c, n, hw, 0, n);
        return;
    }
    GAN_ASSERT(n % split->partials == 0 && embed_rows(labels, n) <= (size_t)classes);
    const size_t count = (size_t)classes * c;
    affine_leaf_job job = {dxhat, dy, x, mean, invstd, gamma, labels, c, n, n / split->partials, hw, count};
    const float *sum = gan_partials_sum(split, 2 * count, class_affine_leaf, &job);
    add_floats(dgamma, sum, count);
    add_floats(dbeta, sum + count, count);
}

GAN_HOT void gan_projection_forward(float *logits, float *pooled, const float *h, const float *embed,
                                    const int32_t *labels, int c, int n, long hw)
{
    for (int i = 0; i < n; i++) {
        double dot = 0;
        for (int ch = 0; ch < c; ch++) {
            const float *run = h + ((size_t)ch * n + i) * hw;
            double s = 0;
            for (long p = 0; p < hw; p++) s += run[p];
            pooled[(size_t)ch * n + i] = (float)s;
            dot += s * embed[(size_t)labels[i] * c + ch];
        }
        logits[i] += (float)dot;
    }
}

GAN_HOT static void projection_backward_range(float *dh, float *dembed, const float *dlogits,
                                              const float *pooled, const float *embed, const int32_t *labels,
                                              int c, int n, long hw, int lo, int hi)
{
    for (int i = lo; i < hi; i++) {
        const float d = dlogits[i];
        for (int ch = 0; ch < c; ch++) {
            const size_t k = (size_t)labels[i] * c + ch;
            float *run = dh + ((size_t)ch * n + i) * hw;
            const float e = d * embed[k];
            for (long p = 0; p < hw; p++) run[p] += e;
            if (dembed) dembed[k] += d * pooled[(size_t)ch * n + i];
        }
    }
}

typedef struct {
    float *dh;
    const float *dlogits, *pooled, *embed;
    const int32_t *labels;
    int c, n, per;
    long hw;
} projection_leaf_job;

static void projection_leaf(void *ctx, int p, float *dst, size_t count)
{
    const projection_leaf_job *j = ctx;
    memset(dst, 0, sizeof(float) * count);
    projection_backward_range(j->dh, dst, j->dlogits, j->pooled, j->embed, j->labels, j->c, j->n, j->hw,
                              p * j->per, (p + 1) * j->per);
}

void gan_projection_backward(float *dh, float *dembed, const float *dlogits, const float *pooled,
                             const float *embed, const int32_t *labels, int c, int n, long hw, int classes,
                             const gan_batch_sync *split)
{
    if (!gan_partials_on(split) || !dembed) {
        projection_backward_range(dh, dembed, dlogits, pooled, embed, labels, c, n, hw, 0, n);
        return;
    }
    GAN_ASSERT(n % split->partials == 0 && embed_rows(labels, n) <= (size_t)classes);
    projection_leaf_job job = {dh, dlogits, pooled, embed, labels, c, n, n / split->partials, hw};
    const size_t count = (size_t)classes * c;
    add_floats(dembed, gan_partials_sum(split, count, projection_leaf, &job), count);
}

void gan_projection_class_logits(float *logits, const float *pooled, const float *embed, int classes, int c,
                                 int n)
{
    for (int i = 0; i < n; i++)
        for (int k = 0; k < classes; k++) {
            double dot = 0;
            for (int ch = 0; ch < c; ch++)
                dot += (double)embed[(size_t)k * c + ch] * pooled[(size_t)ch * n + i];
            logits[(size_t)i * classes + k] = (float)dot;
        }
}

static void class_backward_range(float *dh, float *dembed, const float *dlogits, const float *pooled,
                                 const float *embed, int classes, int c, int n, long hw, int lo, int hi)
{
    for (int i = lo; i < hi; i++) {
        const float *d = dlogits + (size_t)i * classes;
        for (int ch = 0; ch < c; ch++) {
            double s = 0;
            for (int k = 0; k < classes; k++) s += (double)d[k] * embed[(size_t)k * c + ch];
            if (dh) {
                float *run = dh + ((size_t)ch * n + i) * hw;
                for (long p = 0; p < hw; p++) run[p] += (float)s;
            }
            if (dembed)
                for (int k = 0; k < classes; k++)
                    dembed[(size_t)k * c + ch] += d[k] * pooled[(size_t)ch * n + i];
        }
    }
}

typedef struct {
    const float *dlogits, *pooled, *embed;
    int classes, c, n, per;
} class_leaf_job;

static void class_leaf(void *ctx, int p, float *dst, size_t count)
{
    const class_leaf_job *j = ctx;
    memset(dst, 0, sizeof(float) * count);
    class_backward_range(NULL, dst, j->dlogits, j->pooled, j->embed, j->classes, j->c, j->n, 0, p * j->per,
                         (p + 1) * j->per);
}

void gan_projection_class_backward(float *dh, float *dembed, const float *dlogits, const float *pooled,
                                   const float *embed, int classes, int c, int n, long hw,
                                   const gan_batch_sync *split)
{
    if (!gan_partials_on(split) || !dembed) {
        class_backward_range(dh, dembed, dlogits, pooled, embed, classes, c, n, hw, 0, n);
        return;
    }
    class_backward_range(dh, NULL, dlogits, pooled, embed, classes, c, n, hw, 0, n);
    GAN_ASSERT(n % split->partials == 0);
    class_leaf_job job = {dlogits, pooled, embed, classes, c, n, n / split->partials};
    const size_t count = (size_t)classes * c;
    add_floats(dembed, gan_partials_sum(split, count, class_leaf, &job), count);
}
