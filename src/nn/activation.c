/* Elementwise activations. Each backward reads the saved output (not the
 * input), so forward may run in place and no extra buffer is kept. */
#include "gan/nn/activation.h"
#include "gan/core/dispatch.h"

#include <math.h>

GAN_HOT void gan_relu_forward(float *out, const float *in, long n)
{
    for (long i = 0; i < n; i++) out[i] = gan_relu(in[i]);
}

GAN_HOT void gan_relu_backward(float *din, const float *dout, const float *out, long n)
{
    for (long i = 0; i < n; i++) din[i] = gan_relu_grad(out[i], dout[i]);
}

GAN_HOT void gan_leakyrelu_forward(float *out, const float *in, long n, float slope)
{
    for (long i = 0; i < n; i++) out[i] = gan_leaky_relu(in[i], slope);
}

GAN_HOT void gan_leakyrelu_backward(float *din, const float *dout, const float *out, long n, float slope)
{
    for (long i = 0; i < n; i++) din[i] = gan_leaky_relu_grad(out[i], dout[i], slope);
}

GAN_HOT void gan_tanh_forward(float *out, const float *in, long n)
{
    for (long i = 0; i < n; i++) out[i] = tanhf(in[i]);
}

GAN_HOT void gan_tanh_backward(float *din, const float *dout, const float *out, long n)
{
    for (long i = 0; i < n; i++) din[i] = dout[i] * (1.0f - out[i] * out[i]);
}

GAN_HOT void gan_sigmoid_forward(float *out, const float *in, long n)
{
    for (long i = 0; i < n; i++) {
        /* Two branches so exp never overflows. */
        float x = in[i];
        if (x >= 0.0f) {
            out[i] = 1.0f / (1.0f + expf(-x));
        } else {
            float e = expf(x);
            out[i] = e / (1.0f + e);
        }
    }
}

GAN_HOT void gan_sigmoid_backward(float *din, const float *dout, const float *out, long n)
{
    for (long i = 0; i < n; i++) din[i] = dout[i] * out[i] * (1.0f - out[i]);
}
