#include "gan/nn/conditional.h"
#include "gan/core/dispatch.h"

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

void gan_embed_concat_backward(float *dembed, const float *dx, const int32_t *labels, int nz, int ne, int n)
{
    for (int j = 0; j < ne; j++) {
        const float *row = dx + (size_t)(nz + j) * n;
        for (int i = 0; i < n; i++) dembed[(size_t)labels[i] * ne + j] += row[i];
    }
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

GAN_HOT void gan_class_affine_backward(float *dxhat, float *dgamma, float *dbeta, const float *dy,
                                       const float *x, const float *mean, const float *invstd,
                                       const float *gamma, const int32_t *labels, int c, int n, long hw)
{
    for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < n; i++) {
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

GAN_HOT void gan_projection_backward(float *dh, float *dembed, const float *dlogits, const float *pooled,
                                     const float *embed, const int32_t *labels, int c, int n, long hw)
{
    for (int i = 0; i < n; i++) {
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
