/* conv2d = im2col over the whole batch + one SGEMM (+ bias). */
#include "gan/core/gemm.h"
#include "gan/nn/im2col.h"
#include "gan/nn/layers.h"

#include <assert.h>

void gan_conv2d_forward(float *out, float *col, const float *in, const float *weight,
                        const float *bias, const gan_conv_dims *d, gan_pool *pool)
{
    const int oh = gan_conv_out(d->h, d->k, d->s, d->p), ow = gan_conv_out(d->w, d->k, d->s, d->p);
    assert(oh > 0 && ow > 0);
    const int ckk = d->c * d->k * d->k, cols = d->n * oh * ow;
    gan_im2col(col, in, d->c, d->n, d->h, d->w, d->k, d->s, d->p, oh, ow, pool);
    /* out[OC, N*OH*OW] = weight[OC, CKK] @ col[CKK, N*OH*OW] */
    gan_gemm(0, 0, d->oc, cols, ckk, 1.0f, weight, ckk, col, cols, 0.0f, out, cols, pool);
    if (bias) {
        for (int o = 0; o < d->oc; o++) {
            float b = bias[o], *row = out + (long)o * cols;
            for (int i = 0; i < cols; i++) row[i] += b;
        }
    }
}

void gan_conv2d_backward(float *din, float *dweight, float *dbias, float *ws,
                         const float *dout, const float *in, const float *saved_col, const float *weight,
                         const gan_conv_dims *d, gan_pool *pool)
{
    const int oh = gan_conv_out(d->h, d->k, d->s, d->p), ow = gan_conv_out(d->w, d->k, d->s, d->p);
    const int ckk = d->c * d->k * d->k, cols = d->n * oh * ow;
    if (dbias) {
        for (int o = 0; o < d->oc; o++) {
            const float *row = dout + (long)o * cols;
            double acc = 0.0; /* double: sums run over N*OH*OW terms */
            for (int i = 0; i < cols; i++) acc += row[i];
            dbias[o] += (float)acc;
        }
    }
    if (dweight) {
        /* dweight[OC, CKK] += dout[OC, cols] @ im2col(in)^T[cols, CKK] */
        const float *col = saved_col;
        if (!col) {
            gan_im2col(ws, in, d->c, d->n, d->h, d->w, d->k, d->s, d->p, oh, ow, pool);
            col = ws;
        }
        gan_gemm(0, 1, d->oc, ckk, cols, 1.0f, dout, cols, col, cols, 1.0f, dweight, ckk, pool);
    }
    if (din) {
        /* dcol[CKK, cols] = weight^T[CKK, OC] @ dout[OC, cols], then scatter back */
        gan_gemm(1, 0, ckk, cols, d->oc, 1.0f, weight, ckk, dout, cols, 0.0f, ws, cols, pool);
        gan_col2im(din, ws, d->c, d->n, d->h, d->w, d->k, d->s, d->p, oh, ow, pool);
    }
}
