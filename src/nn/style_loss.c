#include "gan/nn/style_loss.h"

static double mean_square(const float *x, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) s += (double)x[i] * x[i];
    return s / (double)n;
}

double gan_content_loss(float *dfeat, const float *feat, const float *target, long n, float weight)
{
    const double norm = mean_square(target, n) + 1e-12; /* a black content picture has no features */
    double s = 0;
    for (long i = 0; i < n; i++) {
        const double d = (double)feat[i] - target[i];
        s += d * d;
        if (dfeat) dfeat[i] += (float)(weight * 2.0 * d / ((double)n * norm));
    }
    return s / ((double)n * norm);
}

double gan_gram_loss(float *dgram, const float *gram, const float *target, int c, float weight)
{
    const long n = (long)c * c;
    const double norm = mean_square(target, n) * (double)n + 1e-12;
    double s = 0;
    for (long i = 0; i < n; i++) {
        const double d = (double)gram[i] - target[i];
        s += d * d;
        if (dgram) dgram[i] = (float)(weight * 2.0 * d / norm);
    }
    return s / norm;
}

/* Sum of squared differences between neighbours (dy, dx) apart (one of
 * them 1, the other 0); adds scale times its gradient to dimg. */
static double neighbour_sum(float *dimg, const float *img, long planes, int h, int w, int dy, int dx,
                            double scale)
{
    double s = 0;
    for (long row = 0; row < planes * h; row++) { /* rows of all planes in turn */
        if (row % h + dy >= h) continue;
        for (int x = 0; x + dx < w; x++) {
            const long a = row * w + x, b = a + (long)dy * w + dx;
            const double d = (double)img[b] - img[a];
            s += d * d;
            if (dimg) dimg[b] += (float)(scale * 2.0 * d), dimg[a] -= (float)(scale * 2.0 * d);
        }
    }
    return s;
}

double gan_tv_loss(float *dimg, const float *img, int channels, int h, int w, float weight)
{
    const double nx = (double)channels * h * (w - 1), ny = (double)channels * (h - 1) * w;
    double loss = 0;
    if (nx > 0) loss += neighbour_sum(dimg, img, channels, h, w, 0, 1, weight / nx) / nx;
    if (ny > 0) loss += neighbour_sum(dimg, img, channels, h, w, 1, 0, weight / ny) / ny;
    return loss;
}
