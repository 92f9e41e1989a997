/* Transposed conv2d: the adjoint of conv2d. Forward is one SGEMM then col2im;
 * the input gradient is im2col of the output gradient then one SGEMM. */
#include "gan/core/gemm.h"
#include "gan/nn/im2col.h"
#include "gan/nn/layers.h"

#include <assert.h>
#include <string.h>

void gan_conv_transpose2d_forward(float *out, float *col, const float *in, const float *weight,
                                  const float *bias, const gan_conv_dims *d, gan_pool *pool)
{
    const int oh = gan_convt_out(d->h, d->k, d->s, d->p), ow = gan_convt_out(d->w, d->k, d->s, d->p);
    assert(oh > 0 && ow > 0);
    const int okk = d->oc * d->k * d->k, cols = d->n * d->h * d->w;
    /* col[OC*K*K, N*H*W] = weight^T[OCKK, C] @ in[C, N*H*W] */
    gan_gemm(1, 0, okk, cols, d->c, 1.0f, weight, okk, in, cols, 0.0f, col, cols, pool);
    const long oplane = (long)d->n * oh * ow;
    /* The output plays the role of conv2d's input: col2im from the H x W grid. */
    gan_col2im(out, col, d->oc, d->n, oh, ow, d->k, d->s, d->p, d->h, d->w, pool);
    if (bias) {
        for (int o = 0; o < d->oc; o++) {
            float b = bias[o], *row = out + o * oplane;
            for (long i = 0; i < oplane; i++) row[i] += b;
        }
    }
}

void gan_conv_transpose2d_backward(float *din, float *dweight, float *dbias, float *dcol,
                                   const float *dout, const float *in, const float *weight,
                                   const gan_conv_dims *d, gan_pool *pool)
{
    const int oh = gan_convt_out(d->h, d->k, d->s, d->p), ow = gan_convt_out(d->w, d->k, d->s, d->p);
    const int okk = d->oc * d->k * d->k, cols = d->n * d->h * d->w;
    const long oplane = (long)d->n * oh * ow;
    if (dbias) {
        for (int o = 0; o < d->oc; o++) {
            const float *row = dout + o * oplane;
            double acc = 0.0; /* double: sums run over N*OH*OW terms */
            for (long i = 0; i < oplane; i++) acc += row[i];
            dbias[o] += (float)acc;
        }
    }
    if (!din && !dweight) return;
    assert(dcol);
    gan_im2col(dcol, dout, d->oc, d->n, oh, ow, d->k, d->s, d->p, d->h, d->w, pool);
    if (dweight) {
        /* dweight[C, OCKK] += in[C, cols] @ dcol^T[cols, OCKK] */
        gan_gemm(0, 1, d->c, okk, cols, 1.0f, in, cols, dcol, cols, 1.0f, dweight, okk, pool);
    }
    if (din) {
        /* din[C, cols] = weight[C, OCKK] @ dcol[OCKK, cols] */
        gan_gemm(0, 0, d->c, cols, okk, 1.0f, weight, okk, dcol, cols, 0.0f, din, cols, pool);
    }
}
