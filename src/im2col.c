#include "gan/im2col.h"

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

void gan_im2col(float *col, const float *img, int c, int n, int h, int w,
                int k, int s, int p, int oh, int ow)
{
    const long plane = (long)h * w, oplane = (long)oh * ow;
    const long row_len = (long)n * oplane;
    for (int ci = 0; ci < c; ci++) {
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                float *row = col + ((long)(ci * k + ky) * k + kx) * row_len;
                int lo, hi;
                valid_range(kx, s, p, w, ow, &lo, &hi);
                for (int ni = 0; ni < n; ni++) {
                    const float *src = img + ((long)ci * n + ni) * plane;
                    float *dst = row + ni * oplane;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * s - p + ky;
                        float *d = dst + (long)oy * ow;
                        if (iy < 0 || iy >= h) {
                            memset(d, 0, sizeof(float) * ow);
                            continue;
                        }
                        const float *srow = src + (long)iy * w;
                        const int off = kx - p;
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
    }
}

void gan_col2im(float *img, const float *col, int c, int n, int h, int w,
                int k, int s, int p, int oh, int ow)
{
    const long plane = (long)h * w, oplane = (long)oh * ow;
    const long row_len = (long)n * oplane;
    for (int ci = 0; ci < c; ci++) {
        for (int ky = 0; ky < k; ky++) {
            for (int kx = 0; kx < k; kx++) {
                const float *row = col + ((long)(ci * k + ky) * k + kx) * row_len;
                int lo, hi;
                valid_range(kx, s, p, w, ow, &lo, &hi);
                for (int ni = 0; ni < n; ni++) {
                    float *dst = img + ((long)ci * n + ni) * plane;
                    const float *src = row + ni * oplane;
                    for (int oy = 0; oy < oh; oy++) {
                        int iy = oy * s - p + ky;
                        if (iy < 0 || iy >= h) continue;
                        float *drow = dst + (long)iy * w;
                        const float *srow = src + (long)oy * ow;
                        const int off = kx - p;
                        for (int ox = lo; ox < hi; ox++) drow[(long)ox * s + off] += srow[ox];
                    }
                }
            }
        }
    }
}
