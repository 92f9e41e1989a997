/* Transposed conv2d: the adjoint of conv2d. Forward is one SGEMM then col2im;
 * the input gradient is im2col of the output gradient then one SGEMM. Both
 * use the geometry of the convolution it is the adjoint of, whose input is
 * this layer's output. */
#include "gan/nn/conv_transpose2d.h"
#include "gan/core/check.h"
#include "gan/core/gemm.h"
#include "gan/core/partials.h"
#include "gan/nn/bias.h"
#include "gan/nn/im2col.h"

gan_gemm_shape gan_conv_transpose2d_gemm(const gan_conv_geom *g, gan_conv_pass pass)
{
    const int okk = g->oc * g->k * g->k, cols = g->n * g->h * g->w;
    switch (pass) {
    case GAN_PASS_FORWARD: /* col[OCKK, cols] = weight^T[OCKK, C] @ in[C, cols], then col2im */
        return (gan_gemm_shape){GAN_TRANS, GAN_NO_TRANS, okk, cols, g->c};
    case GAN_PASS_WEIGHT_GRAD: /* dweight[C, OCKK] += in[C, cols] @ dcol^T[cols, OCKK] */
        return (gan_gemm_shape){GAN_NO_TRANS, GAN_TRANS, g->c, okk, cols};
    case GAN_PASS_INPUT_GRAD: /* din[C, cols] = weight[C, OCKK] @ dcol[OCKK, cols] */
        return (gan_gemm_shape){GAN_NO_TRANS, GAN_NO_TRANS, g->c, cols, okk};
    }
    GAN_ASSERT(!"a conv pass");
    return (gan_gemm_shape){0};
}

void gan_conv_transpose2d_forward(float *out, float *col, const float *in, const float *weight,
                                  const float *bias, const gan_conv_geom *g, gan_pool *pool,
                                  const gan_batch_sync *split)
{
    GAN_ASSERT(g->oh > 0 && g->ow > 0);
    const gan_gemm_shape f = gan_conv_transpose2d_gemm(g, GAN_PASS_FORWARD);
    const gan_conv_geom adj = gan_conv_geom_adjoint(g);
    gan_gemm_partials_n(f.ta, f.tb, f.m, f.n, f.k, 1.0f, weight, gan_gemm_lda(f), in, gan_gemm_ldb(f), 0.0f,
                        col, f.n, pool, split);
    gan_col2im(out, col, &adj, pool);
    if (bias) gan_bias_add(out, bias, g->oc, (long)g->n * g->oh * g->ow);
}

void gan_conv_transpose2d_backward(float *din, float *dweight, float *dbias, float *dcol, const float *dout,
                                   const float *in, const float *weight, const gan_conv_geom *g,
                                   gan_pool *pool, const gan_batch_sync *split)
{
    const gan_conv_geom adj = gan_conv_geom_adjoint(g);
    GAN_ASSERT(!(dbias && gan_partials_on(split))); /* no bias sum by partials: the networks have none */
    if (dbias) gan_bias_backward(dbias, dout, g->oc, (long)g->n * g->oh * g->ow);
    if (!din && !dweight) return;
    GAN_ASSERT(dcol != NULL);
    gan_im2col(dcol, dout, &adj, pool);
    if (dweight) {
        const gan_gemm_shape s = gan_conv_transpose2d_gemm(g, GAN_PASS_WEIGHT_GRAD);
        if (gan_partials_on(split))
            gan_gemm_partials_k(s.ta, s.tb, s.m, s.n, s.k, in, gan_gemm_lda(s), dcol, gan_gemm_ldb(s),
                                dweight, s.n, pool, split);
        else
            gan_gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0f, in, gan_gemm_lda(s), dcol, gan_gemm_ldb(s), 1.0f,
                     dweight, s.n, pool);
    }
    if (din) {
        const gan_gemm_shape s = gan_conv_transpose2d_gemm(g, GAN_PASS_INPUT_GRAD);
        gan_gemm_partials_n(s.ta, s.tb, s.m, s.n, s.k, 1.0f, weight, gan_gemm_lda(s), dcol, gan_gemm_ldb(s),
                            0.0f, din, s.n, pool, split);
    }
}
