#include "gan/nn/im2col.h"
#include "gan/core/check.h"
#include "gan/core/dispatch.h"

#include <stdbool.h>

#include <string.h>

typedef struct {
    float *col;
    float *img;
    const float *ccol;
    const float *cimg;
    const gan_conv_geom *g;
} job;

/* One patch row of one image: d[ox] = srow[ox*s + off] for ox in [lo, hi),
 * zero outside (the padding). */
static inline void gather_row(float *d, const float *srow, int lo, int hi, int off, int s, int ow)
{
    for (int ox = 0; ox < lo; ox++) d[ox] = 0.0f;
    if (s == 1) {
        if (hi > lo) memcpy(d + lo, srow + lo + off, sizeof(float) * (hi - lo));
    } else {
        for (int ox = lo; ox < hi; ox++) d[ox] = srow[(long)ox * s + off];
    }
    for (int ox = hi; ox < ow; ox++) d[ox] = 0.0f;
}

/* im2col for col rows [begin, end); a row is one (channel, ky, kx). */
GAN_HOT static void im2col_rows(void *arg, long begin, long end)
{
    const job *j = arg;
    const gan_conv_geom *g = j->g;
    const int n = g->n, h = g->h, w = g->w, k = g->k, s = g->s, p = g->p, oh = g->oh, ow = g->ow;
    const long plane = (long)h * w, oplane = (long)oh * ow, row_len = (long)n * oplane;
    for (long r = begin; r < end; r++) {
        const int ci = (int)(r / (k * k)), ky = (int)(r / k % k), kx = (int)(r % k);
        float *row = j->col + r * row_len;
        int lo, hi;
        gan_im2col_valid_range(kx, s, p, w, ow, &lo, &hi);
        for (int ni = 0; ni < n; ni++) {
            const float *src = j->cimg + ((long)ci * n + ni) * plane;
            for (int oy = 0; oy < oh; oy++) {
                const int iy = oy * s - p + ky;
                float *d = row + ni * oplane + (long)oy * ow;
                if (iy < 0 || iy >= h) memset(d, 0, sizeof(float) * ow);
                else gather_row(d, src + (long)iy * w, lo, hi, kx - p, s, ow);
            }
        }
    }
}

/* The DCGAN shape: kernel 4, stride 2, padding 1, an image exactly twice
 * the patch grid's side. Every layer but G's first and D's last has it. The
 * general loops above gather with stride 2 in runs of ow (4 to 16 values),
 * so their loop overhead outweighs the copying; here one pass over a source
 * row fills the four kx rows at once, and col2im below sums each pixel's
 * four terms in registers and writes it once. Both give the general code's
 * bytes: im2col only copies, and col2im adds each pixel's terms in the same
 * order, (ky, kx) ascending from 0.0f. */
static bool is_k4s2p1(const gan_conv_geom *g)
{
    return g->k == 4 && g->s == 2 && g->p == 1 && g->h == 2 * g->oh && g->w == 2 * g->ow && g->ow >= 2;
}

/* The four kx rows d0..d3 (row_len apart) of one patch row from source
 * row srow: ix = 2*ox - 1 + kx, or zero rows when the row is padding. */
static inline void gather_k4s2_rows(float *d0, long row_len, const float *srow, int ow)
{
    float *d1 = d0 + row_len, *d2 = d1 + row_len, *d3 = d2 + row_len;
    if (!srow) {
        memset(d0, 0, sizeof(float) * ow);
        memset(d1, 0, sizeof(float) * ow);
        memset(d2, 0, sizeof(float) * ow);
        memset(d3, 0, sizeof(float) * ow);
        return;
    }
    for (int ox = 0; ox < ow; ox++) {
        d1[ox] = srow[2 * ox];
        d2[ox] = srow[2 * ox + 1];
    }
    d0[0] = 0.0f;
    for (int ox = 1; ox < ow; ox++) d0[ox] = srow[2 * ox - 1];
    for (int ox = 0; ox < ow - 1; ox++) d3[ox] = srow[2 * ox + 2];
    d3[ow - 1] = 0.0f;
}

/* im2col for (channel, ky) pairs [begin, end): their four kx rows each */
GAN_HOT static void im2col_k4s2_rows(void *arg, long begin, long end)
{
    const job *j = arg;
    const gan_conv_geom *g = j->g;
    const int n = g->n, h = g->h, w = g->w, oh = g->oh, ow = g->ow;
    const long plane = (long)h * w, oplane = (long)oh * ow, row_len = (long)n * oplane;
    for (long q = begin; q < end; q++) {
        const int ci = (int)(q / 4), ky = (int)(q % 4);
        float *rows = j->col + q * 4 * row_len; /* kx = 0..3 follow at row_len apart */
        for (int ni = 0; ni < n; ni++) {
            const float *src = j->cimg + ((long)ci * n + ni) * plane;
            for (int oy = 0; oy < oh; oy++) {
                const int iy = 2 * oy - 1 + ky;
                gather_k4s2_rows(rows + ni * oplane + (long)oy * ow, row_len,
                                 iy < 0 || iy >= h ? NULL : src + (long)iy * w, ow);
            }
        }
    }
}

/* A kernel the size of the image with no padding, so one patch per image:
 * G's first layer (1x1 to 4x4) and D's last (4x4 to 1x1). The patch matrix
 * is then each channel's [N, K*K] block transposed; the general loops spent
 * their bookkeeping on one value per (row, image). col2im keeps the general
 * code's bytes: one term per pixel, added to 0.0f. */
static bool is_whole_image(const gan_conv_geom *g)
{
    return g->oh == 1 && g->ow == 1 && g->p == 0 && g->k == g->h && g->k == g->w;
}

GAN_HOT static void im2col_whole_channels(void *arg, long begin, long end)
{
    const job *j = arg;
    const int n = j->g->n, kk = j->g->k * j->g->k;
    for (long ci = begin; ci < end; ci++) {
        const float *src = j->cimg + ci * n * kk;
        float *dst = j->col + ci * kk * n;
        for (int r = 0; r < kk; r++)
            for (int ni = 0; ni < n; ni++) dst[(long)r * n + ni] = src[(long)ni * kk + r];
    }
}

GAN_HOT static void col2im_whole_channels(void *arg, long begin, long end)
{
    const job *j = arg;
    const int n = j->g->n, kk = j->g->k * j->g->k;
    for (long ci = begin; ci < end; ci++) {
        const float *src = j->ccol + ci * kk * n;
        float *dst = j->img + ci * n * kk;
        for (int r = 0; r < kk; r++)
            for (int ni = 0; ni < n; ni++) dst[(long)ni * kk + r] = 0.0f + src[(long)r * n + ni];
    }
}

void gan_im2col(float *col, const float *img, const gan_conv_geom *g, gan_pool *pool)
{
    job j = {.col = col, .cimg = img, .g = g};
    if (is_k4s2p1(g)) gan_pool_for(pool, (long)g->c * 4, 1, im2col_k4s2_rows, &j);
    else if (is_whole_image(g)) gan_pool_for(pool, g->c, 4, im2col_whole_channels, &j);
    else gan_pool_for(pool, (long)g->c * g->k * g->k, 2, im2col_rows, &j);
}

/* Adds one kernel cell's (ky, kx) column row src [OH, OW] into the image
 * plane dst [H, W]. */
static inline void scatter_cell(float *dst, const float *src, const gan_conv_geom *g, int ky, int kx)
{
    const int h = g->h, w = g->w, s = g->s, p = g->p, oh = g->oh, ow = g->ow;
    int lo, hi;
    gan_im2col_valid_range(kx, s, p, w, ow, &lo, &hi);
    const int off = kx - p;
    for (int oy = 0; oy < oh; oy++) {
        const int iy = oy * s - p + ky;
        if (iy < 0 || iy >= h) continue;
        float *drow = dst + (long)iy * w;
        const float *srow = src + (long)oy * ow;
        for (int ox = lo; ox < hi; ox++) drow[(long)ox * s + off] += srow[ox];
    }
}

/* col2im for image planes [begin, end); a plane is one (channel, image), so
 * threads never write the same pixel and each pixel's sum runs over
 * (ky, kx) in the same order whatever the thread count. */
GAN_HOT static void col2im_planes(void *arg, long begin, long end)
{
    const job *j = arg;
    const gan_conv_geom *g = j->g;
    const int n = g->n, k = g->k;
    const long plane = (long)g->h * g->w, oplane = (long)g->oh * g->ow, row_len = (long)n * oplane;
    for (long q = begin; q < end; q++) {
        const int ci = (int)(q / n), ni = (int)(q % n);
        float *dst = j->img + q * plane;
        memset(dst, 0, sizeof(float) * plane);
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                scatter_cell(dst, j->ccol + ((long)(ci * k + ky) * k + kx) * row_len + ni * oplane, g, ky,
                             kx);
    }
}

/* One image row iy of a k4s2p1 col2im. src[r][kx] is the column row of
 * (ky, kx) for the r-th of the nky kernel rows that reach iy (ascending ky),
 * already at that ky's patch row. Pixel ix = 2*t takes kx 1 at t and kx 3 at
 * t - 1; ix = 2*t + 1 takes kx 0 at t + 1 and kx 2 at t. */
static inline void col2im_k4s2_row(float *drow, const float *const src[2][4], int nky, int ow)
{
    const float *a0 = src[0][0], *a1 = src[0][1], *a2 = src[0][2], *a3 = src[0][3];
    if (nky == 2) {
        const float *b0 = src[1][0], *b1 = src[1][1], *b2 = src[1][2], *b3 = src[1][3];
        drow[0] = ((0.0f + a1[0]) + b1[0]);
        drow[1] = (((0.0f + a0[1]) + a2[0]) + b0[1]) + b2[0];
        for (int t = 1; t < ow - 1; t++) {
            drow[2 * t] = (((0.0f + a1[t]) + a3[t - 1]) + b1[t]) + b3[t - 1];
            drow[2 * t + 1] = (((0.0f + a0[t + 1]) + a2[t]) + b0[t + 1]) + b2[t];
        }
        const int t = ow - 1;
        drow[2 * t] = (((0.0f + a1[t]) + a3[t - 1]) + b1[t]) + b3[t - 1];
        drow[2 * t + 1] = (0.0f + a2[t]) + b2[t];
    } else {
        drow[0] = 0.0f + a1[0];
        drow[1] = (0.0f + a0[1]) + a2[0];
        for (int t = 1; t < ow - 1; t++) {
            drow[2 * t] = (0.0f + a1[t]) + a3[t - 1];
            drow[2 * t + 1] = (0.0f + a0[t + 1]) + a2[t];
        }
        const int t = ow - 1;
        drow[2 * t] = (0.0f + a1[t]) + a3[t - 1];
        drow[2 * t + 1] = 0.0f + a2[t];
    }
}

/* col2im for image planes [begin, end), each pixel written once */
GAN_HOT static void col2im_k4s2_planes(void *arg, long begin, long end)
{
    const job *j = arg;
    const gan_conv_geom *g = j->g;
    const int n = g->n, h = g->h, w = g->w, oh = g->oh, ow = g->ow;
    const long plane = (long)h * w, oplane = (long)oh * ow, row_len = (long)n * oplane;
    for (long q = begin; q < end; q++) {
        const int ci = (int)(q / n), ni = (int)(q % n);
        float *dst = j->img + q * plane;
        const float *base = j->ccol + (long)ci * 16 * row_len + ni * oplane;
        for (int iy = 0; iy < h; iy++) {
            /* iy = 2*oy - 1 + ky: ky has iy + 1's parity */
            const float *src[2][4];
            int nky = 0;
            for (int ky = (iy + 1) & 1; ky < 4; ky += 2) {
                const int oy = (iy + 1 - ky) / 2;
                if (oy < 0 || oy >= oh) continue;
                for (int kx = 0; kx < 4; kx++) src[nky][kx] = base + (ky * 4 + kx) * row_len + (long)oy * ow;
                nky++;
            }
            GAN_ASSERT(nky >= 1);
            col2im_k4s2_row(dst + (long)iy * w, src, nky, ow);
        }
    }
}

void gan_col2im(float *img, const float *col, const gan_conv_geom *g, gan_pool *pool)
{
    job j = {.img = img, .ccol = col, .g = g};
    if (is_k4s2p1(g)) gan_pool_for(pool, (long)g->c * g->n, 2, col2im_k4s2_planes, &j);
    else if (is_whole_image(g)) gan_pool_for(pool, g->c, 4, col2im_whole_channels, &j);
    else gan_pool_for(pool, (long)g->c * g->n, 2, col2im_planes, &j);
}
