#include "gan/nn/augment.h"
#include "gan/core/dispatch.h"

#include <stdbool.h>
#include <string.h>

static int shift_of(int size) { return (int)(size * 0.125 + 0.5); }
static int cutout_of(int size) { return (int)(size * 0.5 + 0.5); }

void gan_augment_draw(gan_aug_draw *draws, int n, int policies, int size, gan_rng *rng)
{
    memset(draws, 0, sizeof *draws * (size_t)n);
    /* policy by policy, image by image, as DiffAugment draws its tensors */
    if (policies & GAN_AUG_COLOR) {
        for (int i = 0; i < n; i++) draws[i].brightness = (float)gan_rng_uniform(rng);
        for (int i = 0; i < n; i++) draws[i].saturation = (float)gan_rng_uniform(rng);
        for (int i = 0; i < n; i++) draws[i].contrast = (float)gan_rng_uniform(rng);
    }
    if (policies & GAN_AUG_TRANSLATION) {
        const int s = shift_of(size);
        for (int i = 0; i < n; i++) draws[i].tx = (int)gan_rng_below(rng, 2u * s + 1) - s;
        for (int i = 0; i < n; i++) draws[i].ty = (int)gan_rng_below(rng, 2u * s + 1) - s;
    }
    if (policies & GAN_AUG_CUTOUT) {
        const int c = cutout_of(size), range = size + (1 - c % 2);
        for (int i = 0; i < n; i++) draws[i].cx = (int)gan_rng_below(rng, (uint64_t)range);
        for (int i = 0; i < n; i++) draws[i].cy = (int)gan_rng_below(rng, (uint64_t)range);
    }
}

/* The colour ops in place on one image [C, plane]: brightness, saturation, contrast. */
GAN_HOT static void color(float *x, const gan_aug_draw *d, int channels, long plane)
{
    const float b = d->brightness - 0.5f, s = d->saturation * 2.0f, c = d->contrast + 0.5f;
    for (long k = 0; k < channels * plane; k++) x[k] += b;
    for (long p = 0; p < plane; p++) {
        float m = 0.0f;
        for (int ch = 0; ch < channels; ch++) m += x[ch * plane + p];
        m /= (float)channels;
        for (int ch = 0; ch < channels; ch++) x[ch * plane + p] = (x[ch * plane + p] - m) * s + m;
    }
    double sum = 0.0;
    for (long k = 0; k < channels * plane; k++) sum += x[k];
    const float m = (float)(sum / ((double)channels * plane));
    for (long k = 0; k < channels * plane; k++) x[k] = (x[k] - m) * c + m;
}

/* Their adjoint, in reverse order: contrast, saturation (brightness adds a constant). */
GAN_HOT static void color_adjoint(float *g, const gan_aug_draw *d, int channels, long plane)
{
    const float s = d->saturation * 2.0f, c = d->contrast + 0.5f;
    double sum = 0.0;
    for (long k = 0; k < channels * plane; k++) sum += g[k];
    const float mg = (float)(sum / ((double)channels * plane));
    for (long k = 0; k < channels * plane; k++) g[k] = g[k] * c + (1.0f - c) * mg;
    for (long p = 0; p < plane; p++) {
        float m = 0.0f;
        for (int ch = 0; ch < channels; ch++) m += g[ch * plane + p];
        m /= (float)channels;
        for (int ch = 0; ch < channels; ch++) g[ch * plane + p] = g[ch * plane + p] * s + (1.0f - s) * m;
    }
}

/* Is (row, col) inside the image's cutout square? */
static bool cut(const gan_aug_draw *d, int size, int row, int col)
{
    const int c = cutout_of(size), r0 = d->cx - c / 2, c0 = d->cy - c / 2;
    return row >= r0 && row < r0 + c && col >= c0 && col < c0 + c;
}

/* Forward: out(r, c) = in(r + tx, c + ty) (0 outside), then 0 inside the
 * cutout. Adjoint: 0 inside the cutout, then out(r, c) = in(r - tx, c - ty).
 * One image [C, size, size]. */
GAN_HOT static void move(float *out, const float *in, const gan_aug_draw *d, int policies, int channels,
                         int size, bool adjoint)
{
    const long plane = (long)size * size;
    const bool translate = policies & GAN_AUG_TRANSLATION, cutout = policies & GAN_AUG_CUTOUT;
    const int tx = translate ? (adjoint ? -d->tx : d->tx) : 0,
              ty = translate ? (adjoint ? -d->ty : d->ty) : 0;
    for (int ch = 0; ch < channels; ch++)
        for (int r = 0; r < size; r++)
            for (int c = 0; c < size; c++) {
                const int sr = r + tx, sc = c + ty;
                const bool inside = sr >= 0 && sr < size && sc >= 0 && sc < size;
                float v = inside ? in[ch * plane + (long)sr * size + sc] : 0.0f;
                /* the mask sits on the translated image: at (r, c) going forward, at (sr, sc) coming back */
                if (cutout && cut(d, size, adjoint ? sr : r, adjoint ? sc : c)) v = 0.0f;
                out[ch * plane + (long)r * size + c] = v;
            }
}

/* Image i of a channel-major batch to and from a compact [C, plane] copy. */
static void gather(float *img, const float *batch, int i, int channels, int n, long plane)
{
    for (int ch = 0; ch < channels; ch++)
        memcpy(img + ch * plane, batch + ((long)ch * n + i) * plane, sizeof(float) * (size_t)plane);
}

static void scatter(float *batch, const float *img, int i, int channels, int n, long plane)
{
    for (int ch = 0; ch < channels; ch++)
        memcpy(batch + ((long)ch * n + i) * plane, img + ch * plane, sizeof(float) * (size_t)plane);
}

void gan_augment_forward(float *out, const float *in, const gan_aug_draw *draws, int policies, int channels,
                         int n, int size, float *scratch)
{
    const long plane = (long)size * size;
    float *a = scratch, *b = scratch + channels * plane;
    for (int i = 0; i < n; i++) {
        gather(a, in, i, channels, n, plane);
        if (policies & GAN_AUG_COLOR) color(a, &draws[i], channels, plane);
        if (policies & (GAN_AUG_TRANSLATION | GAN_AUG_CUTOUT)) {
            move(b, a, &draws[i], policies, channels, size, false);
            scatter(out, b, i, channels, n, plane);
        } else {
            scatter(out, a, i, channels, n, plane);
        }
    }
}

void gan_augment_backward(float *din, const float *dout, const gan_aug_draw *draws, int policies,
                          int channels, int n, int size, float *scratch)
{
    const long plane = (long)size * size;
    float *a = scratch, *b = scratch + channels * plane;
    for (int i = 0; i < n; i++) {
        gather(a, dout, i, channels, n, plane);
        float *g = a;
        if (policies & (GAN_AUG_TRANSLATION | GAN_AUG_CUTOUT)) {
            move(b, a, &draws[i], policies, channels, size, true);
            g = b;
        }
        if (policies & GAN_AUG_COLOR) color_adjoint(g, &draws[i], channels, plane);
        scatter(din, g, i, channels, n, plane);
    }
}
