/* conv2d = im2col over the whole batch + one SGEMM (+ bias). */
#include "gan/core/check.h"
#include "gan/core/gemm.h"
#include "gan/core/partials.h"
#include "gan/nn/bias.h"
#include "gan/nn/conv.h"
#include "gan/nn/im2col.h"

void gan_conv2d_forward(float *out, float *col, const float *in, const float *weight, const float *bias,
                        const gan_conv_geom *g, gan_pool *pool, const gan_batch_sync *split)
{
    GAN_ASSERT(g->oh > 0 && g->ow > 0);
    const int ckk = g->c * g->k * g->k, cols = g->n * g->oh * g->ow;
    gan_im2col(col, in, g, pool);
    /* out[OC, N*OH*OW] = weight[OC, CKK] @ col[CKK, N*OH*OW] */
    gan_gemm_partials_n(GAN_NO_TRANS, GAN_NO_TRANS, g->oc, cols, ckk, 1.0f, weight, ckk, col, cols, 0.0f, out,
                        cols, pool, split);
    if (bias) gan_bias_add(out, bias, g->oc, cols);
}

void gan_conv2d_backward(float *din, float *dweight, float *dbias, float *ws, const float *dout,
                         const float *in, const float *saved_col, const float *weight, const gan_conv_geom *g,
                         gan_pool *pool, const gan_batch_sync *split)
{
    const int ckk = g->c * g->k * g->k, cols = g->n * g->oh * g->ow;
    GAN_ASSERT(!(dbias && gan_partials_on(split))); /* no bias sum by partials: the networks have none */
    if (dbias) gan_bias_backward(dbias, dout, g->oc, cols);
    if (dweight) {
        /* dweight[OC, CKK] += dout[OC, cols] @ im2col(in)^T[cols, CKK] */
        const float *col = saved_col;
        if (!col) {
            gan_im2col(ws, in, g, pool);
            col = ws;
        }
        if (gan_partials_on(split))
            gan_gemm_partials_k(GAN_NO_TRANS, GAN_TRANS, g->oc, ckk, cols, dout, cols, col, cols, dweight,
                                ckk, pool, split);
        else
            gan_gemm(GAN_NO_TRANS, GAN_TRANS, g->oc, ckk, cols, 1.0f, dout, cols, col, cols, 1.0f, dweight,
                     ckk, pool);
    }
    if (din) {
        /* dcol[CKK, cols] = weight^T[CKK, OC] @ dout[OC, cols], then scatter back */
        gan_gemm_partials_n(GAN_TRANS, GAN_NO_TRANS, ckk, cols, g->oc, 1.0f, weight, ckk, dout, cols, 0.0f,
                            ws, cols, pool, split);
        gan_col2im(din, ws, g, pool);
    }
}
