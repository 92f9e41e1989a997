#include "gan/nn/bias.h"
#include "gan/core/dispatch.h"

GAN_HOT void gan_bias_add(float *x, const float *bias, int channels, long plane)
{
    for (int c = 0; c < channels; c++) {
        const float b = bias[c];
        float *row = x + (long)c * plane;
        for (long i = 0; i < plane; i++) row[i] += b;
    }
}

GAN_HOT void gan_bias_backward(float *dbias, const float *dout, int channels, long plane)
{
    for (int c = 0; c < channels; c++) {
        const float *row = dout + (long)c * plane;
        double acc = 0.0;
        for (long i = 0; i < plane; i++) acc += row[i];
        dbias[c] += (float)acc;
    }
}
