#include "gan/nn/im2col.h"
#include "gan/core/dispatch.h"

#include <string.h>

/* For output column ox, input column ix = ox*s - p + kx. The valid ox range
 * (0 <= ix < w) is computed once per row so the inner loop has no branch. */
static void valid_range(int kx, int s, int p, int w, int ow, int *lo, int *hi)
{
    int off = kx - p;
    /* smallest ox with ox*s + off >= 0 */
    int a = off >= 0 ? 0 : (-off + s - 1) / s;
    /* largest ox with ox*s + off <= w - 1, plus one */
    int b = (w - 1 - off) < 0 ? 0 : (w - 1 - off) / s + 1;
    if (b > ow) b = ow;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

typedef struct {
    float *col;
    float *img;
    const float *ccol;
    const float *cimg;
    const gan_conv_geom *g;
} job;

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
        valid_range(kx, s, p, w, ow, &lo, &hi);
        const int off = kx - p;
        for (int ni = 0; ni < n; ni++) {
            const float *src = j->cimg + ((long)ci * n + ni) * plane;
            float *dst = row + ni * oplane;
            for (int oy = 0; oy < oh; oy++) {
                const int iy = oy * s - p + ky;
                float *d = dst + (long)oy * ow;
                if (iy < 0 || iy >= h) {
                    memset(d, 0, sizeof(float) * ow);
                    continue;
                }
                const float *srow = src + (long)iy * w;
                for (int ox = 0; ox < lo; ox++) d[ox] = 0.0f;
                if (s == 1) {
                    if (hi > lo) memcpy(d + lo, srow + lo + off, sizeof(float) * (hi - lo));
                } else {
                    for (int ox = lo; ox < hi; ox++) d[ox] = srow[(long)ox * s + off];
                }
                for (int ox = hi; ox < ow; ox++) d[ox] = 0.0f;
            }
        }
    }
}

void gan_im2col(float *col, const float *img, const gan_conv_geom *g, gan_pool *pool)
{
    job j = {.col = col, .cimg = img, .g = g};
    gan_pool_for(pool, (long)g->c * g->k * g->k, 2, im2col_rows, &j);
}

/* col2im for image planes [begin, end); a plane is one (channel, image), so
 * threads never write the same pixel and each pixel's sum runs over
 * (ky, kx) in the same order whatever the thread count. */
GAN_HOT static void col2im_planes(void *arg, long begin, long end)
{
    const job *j = arg;
    const gan_conv_geom *g = j->g;
    const int n = g->n, h = g->h, w = g->w, k = g->k, s = g->s, p = g->p, oh = g->oh, ow = g->ow;
    const long plane = (long)h * w, oplane = (long)oh * ow, row_len = (long)n * oplane;
    for (long q = begin; q < end; q++) {
        const int ci = (int)(q / n), ni = (int)(q % n);
        float *dst = j->img + q * plane;
        memset(dst, 0, sizeof(float) * plane);
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                const float *src = j->ccol + ((long)(ci * k + ky) * k + kx) * row_len + ni * oplane;
                int lo, hi;
                valid_range(kx, s, p, w, ow, &lo, &hi);
                const int off = kx - p;
                for (int oy = 0; oy < oh; oy++) {
                    const int iy = oy * s - p + ky;
                    if (iy < 0 || iy >= h) continue;
                    float *drow = dst + (long)iy * w;
                    const float *srow = src + (long)oy * ow;
                    for (int ox = lo; ox < hi; ox++) drow[(long)ox * s + off] += srow[ox];
                }
            }
        }
    }
}

void gan_col2im(float *img, const float *col, const gan_conv_geom *g, gan_pool *pool)
{
    job j = {.img = img, .ccol = col, .g = g};
    gan_pool_for(pool, (long)g->c * g->n, 2, col2im_planes, &j);
}
