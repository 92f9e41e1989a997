/* conv2d = im2col over the whole batch + one SGEMM (+ bias). */
#include "gan/nn/conv2d.h"
#include "gan/core/check.h"
#include "gan/core/gemm.h"
#include "gan/core/partials.h"
#include "gan/nn/bias.h"
#include "gan/nn/im2col.h"

gan_gemm_shape gan_conv2d_gemm(const gan_conv_geom *g, gan_conv_pass pass)
{
    const int ckk = g->c * g->k * g->k, cols = g->n * g->oh * g->ow;
    switch (pass) {
    case GAN_PASS_FORWARD: /* out[OC, cols] = weight[OC, CKK] @ col[CKK, cols] */
        return (gan_gemm_shape){GAN_NO_TRANS, GAN_NO_TRANS, g->oc, cols, ckk};
    case GAN_PASS_WEIGHT_GRAD: /* dweight[OC, CKK] += dout[OC, cols] @ col^T[cols, CKK] */
        return (gan_gemm_shape){GAN_NO_TRANS, GAN_TRANS, g->oc, ckk, cols};
    case GAN_PASS_INPUT_GRAD: /* dcol[CKK, cols] = weight^T[CKK, OC] @ dout[OC, cols], then col2im */
        return (gan_gemm_shape){GAN_TRANS, GAN_NO_TRANS, ckk, cols, g->oc};
    }
    GAN_ASSERT(!"a conv pass");
    return (gan_gemm_shape){0};
}

void gan_conv2d_forward(float *out, float *col, const float *in, const float *weight, const float *bias,
                        const gan_conv_geom *g, gan_pool *pool, const gan_batch_sync *split)
{
    GAN_ASSERT(g->oh > 0 && g->ow > 0);
    const gan_gemm_shape f = gan_conv2d_gemm(g, GAN_PASS_FORWARD);
    gan_im2col(col, in, g, pool);
    gan_gemm_partials_n(f.ta, f.tb, f.m, f.n, f.k, 1.0f, weight, gan_gemm_lda(f), col, gan_gemm_ldb(f), 0.0f,
                        out, f.n, pool, split);
    if (bias) gan_bias_add(out, bias, g->oc, f.n);
}

void gan_conv2d_backward(float *din, float *dweight, float *dbias, float *ws, const float *dout,
                         const float *in, const float *saved_col, const float *weight, const gan_conv_geom *g,
                         gan_pool *pool, const gan_batch_sync *split)
{
    GAN_ASSERT(!(dbias && gan_partials_on(split))); /* no bias sum by partials: the networks have none */
    if (dbias) gan_bias_backward(dbias, dout, g->oc, (long)g->n * g->oh * g->ow);
    if (dweight) {
        const gan_gemm_shape s = gan_conv2d_gemm(g, GAN_PASS_WEIGHT_GRAD);
        const float *col = saved_col; /* im2col(in): kept by the forward, or rebuilt */
        if (!col) {
            gan_im2col(ws, in, g, pool);
            col = ws;
        }
        if (gan_partials_on(split))
            gan_gemm_partials_k(s.ta, s.tb, s.m, s.n, s.k, dout, gan_gemm_lda(s), col, gan_gemm_ldb(s),
                                dweight, s.n, pool, split);
        else
            gan_gemm(s.ta, s.tb, s.m, s.n, s.k, 1.0f, dout, gan_gemm_lda(s), col, gan_gemm_ldb(s), 1.0f,
                     dweight, s.n, pool);
    }
    if (din) {
        const gan_gemm_shape s = gan_conv2d_gemm(g, GAN_PASS_INPUT_GRAD);
        gan_gemm_partials_n(s.ta, s.tb, s.m, s.n, s.k, 1.0f, weight, gan_gemm_lda(s), dout, gan_gemm_ldb(s),
                            0.0f, ws, s.n, pool, split);
        gan_col2im(din, ws, g, pool);
    }
}
