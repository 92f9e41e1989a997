/* Dense layer, batch-major, as torch.nn.Linear. */
#include "gan/nn/linear.h"
#include "gan/core/gemm.h"

#include <stddef.h>

void gan_linear_forward(float *out, const float *in, const float *weight, const float *bias, int n, int in_f,
                        int out_f)
{
    /* out[N, OUT] = in[N, IN] @ weight^T[IN, OUT] */
    gan_gemm(GAN_NO_TRANS, GAN_TRANS, n, out_f, in_f, 1.0f, in, in_f, weight, in_f, 0.0f, out, out_f, NULL);
    if (bias) {
        for (int i = 0; i < n; i++)
            for (int o = 0; o < out_f; o++) out[(long)i * out_f + o] += bias[o];
    }
}

void gan_linear_backward(float *din, float *dweight, float *dbias, const float *dout, const float *in,
                         const float *weight, int n, int in_f, int out_f)
{
    if (dbias) {
        for (int o = 0; o < out_f; o++) {
            double acc = 0.0;
            for (int i = 0; i < n; i++) acc += dout[(long)i * out_f + o];
            dbias[o] += (float)acc;
        }
    }
    /* dweight[OUT, IN] += dout^T[OUT, N] @ in[N, IN] */
    if (dweight)
        gan_gemm(GAN_TRANS, GAN_NO_TRANS, out_f, in_f, n, 1.0f, dout, out_f, in, in_f, 1.0f, dweight, in_f,
                 NULL);
    /* din[N, IN] = dout[N, OUT] @ weight[OUT, IN] */
    if (din)
        gan_gemm(GAN_NO_TRANS, GAN_NO_TRANS, n, in_f, out_f, 1.0f, dout, out_f, weight, in_f, 0.0f, din, in_f,
                 NULL);
}
