#include "gan/nn/conv2d_banded.h"

#include <string.h>

#include "gan/core/check.h"
#include "gan/core/dispatch.h"
#include "gan/core/gemm.h"
#include "gan/nn/bias.h"
#include "gan/nn/im2col.h"

int gan_conv2d_band_rows(const gan_conv_geom *g, size_t ws_floats)
{
    const size_t per_row = (size_t)g->c * g->k * g->k * g->ow;
    GAN_ASSERT(g->n == 1 && ws_floats >= per_row);
    const size_t rows = ws_floats / per_row;
    return rows >= (size_t)g->oh ? g->oh : (int)rows;
}

typedef struct {
    float *col;
    float *img;
    const float *cimg, *ccol;
    const gan_conv_geom *g;
    int row0, rows; /* the band: output rows [row0, row0 + rows) */
} band_job;

/* The band's patch rows [begin, end); a patch row is one (channel, ky, kx):
 * col[r, (oy - row0) * OW + ox] = img[c, oy*s - p + ky, ox*s - p + kx],
 * zero where that is outside the picture (the padding). */
GAN_HOT static void band_im2col(void *arg, long begin, long end)
{
    const band_job *j = arg;
    const gan_conv_geom *g = j->g;
    const int k = g->k, s = g->s, ow = g->ow;
    for (long r = begin; r < end; r++) {
        const int ci = (int)(r / (k * k)), ky = (int)(r / k % k), kx = (int)(r % k), off = kx - g->p;
        int lo, hi;
        gan_im2col_valid_range(kx, s, g->p, g->w, ow, &lo, &hi);
        for (int oy = j->row0; oy < j->row0 + j->rows; oy++) {
            const int iy = oy * s - g->p + ky;
            float *d = j->col + r * (long)j->rows * ow + (long)(oy - j->row0) * ow;
            memset(d, 0, sizeof(float) * (size_t)ow);
            if (iy < 0 || iy >= g->h) continue;
            const float *src = j->cimg + ((long)ci * g->h + iy) * g->w;
            for (int ox = lo; ox < hi; ox++) d[ox] = src[(long)ox * s + off];
        }
    }
}

/* The adjoint, for whole input channels [begin, end) (so no two threads
 * add into one pixel): img[c, iy, ix] += col[(c, ky, kx), (oy, ox)]. */
GAN_HOT static void band_col2im(void *arg, long begin, long end)
{
    const band_job *j = arg;
    const gan_conv_geom *g = j->g;
    const int k = g->k, s = g->s, ow = g->ow;
    for (long r = begin * k * k; r < end * k * k; r++) {
        const int ci = (int)(r / (k * k)), ky = (int)(r / k % k), kx = (int)(r % k), off = kx - g->p;
        int lo, hi;
        gan_im2col_valid_range(kx, s, g->p, g->w, ow, &lo, &hi);
        for (int oy = j->row0; oy < j->row0 + j->rows; oy++) {
            const int iy = oy * s - g->p + ky;
            if (iy < 0 || iy >= g->h) continue;
            const float *src = j->ccol + r * (long)j->rows * ow + (long)(oy - j->row0) * ow;
            float *dst = j->img + ((long)ci * g->h + iy) * g->w;
            for (int ox = lo; ox < hi; ox++) dst[(long)ox * s + off] += src[ox];
        }
    }
}

void gan_conv2d_banded_forward(float *out, const float *in, const float *weight, const float *bias,
                               const gan_conv_geom *g, float *ws, size_t ws_floats, gan_pool *pool)
{
    const int band = gan_conv2d_band_rows(g, ws_floats), kdim = g->c * g->k * g->k;
    const long oplane = (long)g->oh * g->ow;
    for (int row0 = 0; row0 < g->oh; row0 += band) {
        const int rows = row0 + band <= g->oh ? band : g->oh - row0;
        band_job j = {.col = ws, .cimg = in, .g = g, .row0 = row0, .rows = rows};
        gan_pool_for(pool, kdim, 1, band_im2col, &j);
        /* out[:, band] (row stride OH*OW) = W [OC, C*K*K] @ col [C*K*K, rows*OW] */
        gan_gemm(GAN_NO_TRANS, GAN_NO_TRANS, g->oc, rows * g->ow, kdim, 1.0f, weight, kdim, ws, rows * g->ow,
                 0.0f, out + (long)row0 * g->ow, (int)oplane, pool);
    }
    if (bias) gan_bias_add(out, bias, g->oc, oplane);
}

void gan_conv2d_banded_backward_input(float *din, const float *dout, const float *weight,
                                      const gan_conv_geom *g, float *ws, size_t ws_floats, gan_pool *pool)
{
    const int band = gan_conv2d_band_rows(g, ws_floats), kdim = g->c * g->k * g->k;
    const long oplane = (long)g->oh * g->ow;
    memset(din, 0, sizeof(float) * (size_t)g->c * g->h * g->w);
    for (int row0 = 0; row0 < g->oh; row0 += band) {
        const int rows = row0 + band <= g->oh ? band : g->oh - row0;
        /* dcol [C*K*K, rows*OW] = W^T @ dout[:, band] */
        gan_gemm(GAN_TRANS, GAN_NO_TRANS, kdim, rows * g->ow, g->oc, 1.0f, weight, kdim,
                 dout + (long)row0 * g->ow, (int)oplane, 0.0f, ws, rows * g->ow, pool);
        band_job j = {.img = din, .ccol = ws, .g = g, .row0 = row0, .rows = rows};
        gan_pool_for(pool, g->c, 1, band_col2im, &j);
    }
}
