/* Transposed conv2d: the adjoint of conv2d. Forward is one SGEMM then col2im;
 * the input gradient is im2col of the output gradient then one SGEMM. Both
 * use the geometry of the convolution it is the adjoint of, whose input is
 * this layer's output. */
#include "gan/core/check.h"
#include "gan/core/gemm.h"
#include "gan/core/partials.h"
#include "gan/nn/bias.h"
#include "gan/nn/conv.h"
#include "gan/nn/im2col.h"

void gan_conv_transpose2d_forward(float *out, float *col, const float *in, const float *weight,
                                  const float *bias, const gan_conv_geom *g, gan_pool *pool,
                                  const gan_batch_sync *split)
{
    GAN_ASSERT(g->oh > 0 && g->ow > 0);
    const int okk = g->oc * g->k * g->k, cols = g->n * g->h * g->w;
    const gan_conv_geom adj = gan_conv_geom_adjoint(g);
    /* col[OC*K*K, N*H*W] = weight^T[OCKK, C] @ in[C, N*H*W] */
    gan_gemm_partials_n(GAN_TRANS, GAN_NO_TRANS, okk, cols, g->c, 1.0f, weight, okk, in, cols, 0.0f, col,
                        cols, pool, split);
    gan_col2im(out, col, &adj, pool);
    if (bias) gan_bias_add(out, bias, g->oc, (long)g->n * g->oh * g->ow);
}

void gan_conv_transpose2d_backward(float *din, float *dweight, float *dbias, float *dcol, const float *dout,
                                   const float *in, const float *weight, const gan_conv_geom *g,
                                   gan_pool *pool, const gan_batch_sync *split)
{
    const int okk = g->oc * g->k * g->k, cols = g->n * g->h * g->w;
    const gan_conv_geom adj = gan_conv_geom_adjoint(g);
    GAN_ASSERT(!(dbias && gan_partials_on(split))); /* no bias sum by partials: the networks have none */
    if (dbias) gan_bias_backward(dbias, dout, g->oc, (long)g->n * g->oh * g->ow);
    if (!din && !dweight) return;
    GAN_ASSERT(dcol != NULL);
    gan_im2col(dcol, dout, &adj, pool);
    if (dweight) {
        /* dweight[C, OCKK] += in[C, cols] @ dcol^T[cols, OCKK] */
        if (gan_partials_on(split))
            gan_gemm_partials_k(GAN_NO_TRANS, GAN_TRANS, g->c, okk, cols, in, cols, dcol, cols, dweight, okk,
                                pool, split);
        else
            gan_gemm(GAN_NO_TRANS, GAN_TRANS, g->c, okk, cols, 1.0f, in, cols, dcol, cols, 1.0f, dweight, okk,
                     pool);
    }
    if (din) {
        /* din[C, cols] = weight[C, OCKK] @ dcol[OCKK, cols] */
        gan_gemm_partials_n(GAN_NO_TRANS, GAN_NO_TRANS, g->c, cols, okk, 1.0f, weight, okk, dcol, cols, 0.0f,
                            din, cols, pool, split);
    }
}
