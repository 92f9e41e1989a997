#include "gan/nn/avgpool2d.h"

#include <string.h>

#include "gan/core/dispatch.h"

GAN_HOT void gan_avgpool2_forward(float *out, const float *in, long planes, int h, int w)
{
    const int oh = h / 2, ow = w / 2;
    for (long p = 0; p < planes; p++) {
        const float *src = in + p * h * w;
        float *dst = out + p * oh * ow;
        for (int y = 0; y < oh; y++) {
            const float *r0 = src + (long)2 * y * w, *r1 = r0 + w;
            for (int x = 0; x < ow; x++)
                dst[(long)y * ow + x] = (r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1]) * 0.25f;
        }
    }
}

GAN_HOT void gan_avgpool2_backward(float *din, const float *dout, long planes, int h, int w)
{
    const int oh = h / 2, ow = w / 2;
    if ((h | w) & 1) memset(din, 0, sizeof(float) * (size_t)planes * h * w); /* the dropped edge */
    for (long p = 0; p < planes; p++) {
        const float *src = dout + p * oh * ow;
        float *dst = din + p * h * w;
        for (int y = 0; y < oh; y++) {
            float *r0 = dst + (long)2 * y * w, *r1 = r0 + w;
            for (int x = 0; x < ow; x++) {
                const float g = src[(long)y * ow + x] * 0.25f;
                r0[2 * x] = r0[2 * x + 1] = r1[2 * x] = r1[2 * x + 1] = g;
            }
        }
    }
}
