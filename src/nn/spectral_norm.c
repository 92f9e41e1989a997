#include "gan/nn/spectral_norm.h"
#include "gan/core/dispatch.h"

#include <math.h>

void gan_normalize(float *x, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += (double)x[i] * x[i];
    const double norm = sqrt(s);
    const float inv = (float)(1.0 / (norm > 1e-12 ? norm : 1e-12));
    for (int i = 0; i < n; i++) x[i] *= inv;
}

GAN_HOT float gan_spectral_norm_forward(float *w_sn, float *u, float *v, const float *w, int rows, int cols,
                                        bool update)
{
    if (update) {
        /* v = normalize(W^T u) */
        for (int j = 0; j < cols; j++) {
            double acc = 0.0;
            for (int i = 0; i < rows; i++) acc += (double)w[(long)i * cols + j] * u[i];
            v[j] = (float)acc;
        }
        gan_normalize(v, cols);
        /* u = normalize(W v) */
        for (int i = 0; i < rows; i++) {
            double acc = 0.0;
            for (int j = 0; j < cols; j++) acc += (double)w[(long)i * cols + j] * v[j];
            u[i] = (float)acc;
        }
        gan_normalize(u, rows);
    }
    double sigma = 0.0;
    for (int i = 0; i < rows; i++) {
        double wv = 0.0;
        for (int j = 0; j < cols; j++) wv += (double)w[(long)i * cols + j] * v[j];
        sigma += u[i] * wv;
    }
    const float inv = (float)(1.0 / sigma);
    for (long k = 0; k < (long)rows * cols; k++) w_sn[k] = w[k] * inv;
    return (float)sigma;
}

GAN_HOT void gan_spectral_norm_backward(float *dw, const float *g, const float *w_sn, const float *u,
                                        const float *v, float sigma, int rows, int cols)
{
    double dot = 0.0;
    for (long k = 0; k < (long)rows * cols; k++) dot += (double)g[k] * w_sn[k];
    const float inv = 1.0f / sigma, c = (float)dot;
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            const long k = (long)i * cols + j;
            dw[k] += (g[k] - c * u[i] * v[j]) * inv;
        }
}
