#include "gan/nn/progressive.h"

#include <math.h>
#include <string.h>

#include "gan/core/check.h"
#include "gan/core/dispatch.h"

GAN_HOT void gan_upsample2_forward(float *out, const float *in, long planes, int h, int w)
{
    const long ow = 2L * w;
    for (long p = 0; p < planes; p++) {
        const float *src = in + p * h * w;
        float *dst = out + p * 4 * h * w;
        for (int y = 0; y < h; y++) {
            float *r0 = dst + 2L * y * ow;
            for (int x = 0; x < w; x++) r0[2 * x] = r0[2 * x + 1] = src[(long)y * w + x];
            memcpy(r0 + ow, r0, sizeof(float) * (size_t)ow);
        }
    }
}

GAN_HOT void gan_upsample2_backward(float *din, const float *dout, long planes, int h, int w)
{
    const long ow = 2L * w;
    for (long p = 0; p < planes; p++) {
        const float *src = dout + p * 4 * h * w;
        float *dst = din + p * h * w;
        for (int y = 0; y < h; y++) {
            const float *r0 = src + 2L * y * ow, *r1 = r0 + ow;
            for (int x = 0; x < w; x++)
                dst[(long)y * w + x] = (r0[2 * x] + r0[2 * x + 1]) + (r1[2 * x] + r1[2 * x + 1]);
        }
    }
}

GAN_HOT void gan_fade_forward(float *out, const float *old, const float *new_, float a, long n)
{
    const float keep = 1.0f - a;
    for (long i = 0; i < n; i++) out[i] = keep * old[i] + a * new_[i];
}

GAN_HOT void gan_fade_backward(float *dold, float *dnew, const float *dout, float a, long n)
{
    const float keep = 1.0f - a;
    if (dold)
        for (long i = 0; i < n; i++) dold[i] = keep * dout[i];
    if (dnew)
        for (long i = 0; i < n; i++) dnew[i] = a * dout[i];
}

/* Each image's group and member: image i is member i / groups of group
 * i % groups (ProGAN's reshape to [group, groups, ...]). */
void gan_mbstd_forward(float *out, float *std, const float *in, int c, int n, int h, int w, int group)
{
    GAN_ASSERT(group >= 2 && n % group == 0);
    const int groups = n / group;
    const long hw = (long)h * w, plane_n = (long)n * hw;
    memcpy(out, in, sizeof(float) * (size_t)c * plane_n);
    float *extra = out + (long)c * plane_n;
    for (int m = 0; m < groups; m++) {
        double total = 0;
        for (int ch = 0; ch < c; ch++)
            for (long q = 0; q < hw; q++) {
                const float *x =
                    in + (long)ch * plane_n + (long)m * hw + q; /* member g at x[g * groups * hw] */
                double mean = 0, var = 0;
                for (int g = 0; g < group; g++) mean += x[(long)g * groups * hw];
                mean /= group;
                for (int g = 0; g < group; g++) {
                    const double d = x[(long)g * groups * hw] - mean;
                    var += d * d;
                }
                const float s = sqrtf((float)(var / group) + GAN_MBSTD_EPS);
                std[((long)ch * groups + m) * hw + q] = s;
                total += s;
            }
        const float value = (float)(total / ((double)c * hw));
        for (int g = 0; g < group; g++) {
            float *dst = extra + ((long)g * groups + m) * hw;
            for (long q = 0; q < hw; q++) dst[q] = value;
        }
    }
}

/* d value_m / d x = (x - mean) / (group * std) / (c * h * w) for each
 * member, since the deviations from the mean sum to zero. */
void gan_mbstd_backward(float *din, const float *dout, const float *in, const float *std, int c, int n, int h,
                        int w, int group)
{
    GAN_ASSERT(group >= 2 && n % group == 0);
    const int groups = n / group;
    const long hw = (long)h * w, plane_n = (long)n * hw;
    memcpy(din, dout, sizeof(float) * (size_t)c * plane_n);
    const float *dextra = dout + (long)c * plane_n;
    for (int m = 0; m < groups; m++) {
        double dvalue = 0; /* every pixel of every member's extra channel holds value_m */
        for (int g = 0; g < group; g++)
            for (long q = 0; q < hw; q++) dvalue += dextra[((long)g * groups + m) * hw + q];
        const double scale = dvalue / ((double)c * hw * group);
        for (int ch = 0; ch < c; ch++)
            for (long q = 0; q < hw; q++) {
                const long at = (long)ch * plane_n + (long)m * hw + q, step = (long)groups * hw;
                double mean = 0;
                for (int g = 0; g < group; g++) mean += in[at + g * step];
                mean /= group;
                const double k = scale / std[((long)ch * groups + m) * hw + q];
                for (int g = 0; g < group; g++) din[at + g * step] += (float)(k * (in[at + g * step] - mean));
            }
    }
}

void gan_upsample_nearest(float *out, const float *in, int from, int to)
{
    GAN_ASSERT(from >= 1 && to % from == 0);
    const int f = to / from;
    for (int y = 0; y < to; y++) {
        const float *src = in + (long)(y / f) * from;
        float *dst = out + (long)y * to;
        for (int x = 0; x < to; x++) dst[x] = src[x / f];
    }
}

void gan_resample_pow2(float *out, const float *in, int from, int to)
{
    if (to >= from) {
        gan_upsample_nearest(out, in, from, to);
        return;
    }
    GAN_ASSERT(to >= 1 && from % to == 0);
    const int f = from / to;
    const float mean = 1.0f / (float)(f * f);
    for (int y = 0; y < to; y++)
        for (int x = 0; x < to; x++) {
            float sum = 0.0f;
            for (int dy = 0; dy < f; dy++)
                for (int dx = 0; dx < f; dx++) sum += in[(long)(y * f + dy) * from + x * f + dx];
            out[(long)y * to + x] = sum * mean;
        }
}

GAN_HOT void gan_fade_down(float *x, long planes, int h, int w, float a)
{
    GAN_ASSERT(h % 2 == 0 && w % 2 == 0);
    const float keep = 1.0f - a;
    for (long p = 0; p < planes; p++)
        for (int y = 0; y < h; y += 2) {
            float *r0 = x + (p * h + y) * w, *r1 = r0 + w;
            for (int c = 0; c < w; c += 2) {
                const float mean = (r0[c] + r0[c + 1] + r1[c] + r1[c + 1]) * 0.25f, old = keep * mean;
                r0[c] = old + a * r0[c], r0[c + 1] = old + a * r0[c + 1];
                r1[c] = old + a * r1[c], r1[c + 1] = old + a * r1[c + 1];
            }
        }
}
