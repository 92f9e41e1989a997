/* im2col / col2im over a whole minibatch in channel-major layout.
 *
 * Activations are stored channel-major, [C, N, H, W]: channel c of image n
 * starts at ((c * N) + n) * H * W. A whole-batch im2col then makes one
 * matrix col[C*K*K, N*OH*OW] whose rows are (c, kh, kw) and columns
 * (n, oh, ow), so W[OC, C*K*K] @ col lands directly in [OC, N, OH, OW]:
 * one large SGEMM per layer and no transpose, and batchnorm sees each
 * channel as one contiguous run. */
#ifndef GAN_NN_IM2COL_H
#define GAN_NN_IM2COL_H

#include "gan/core/pool.h"
#include "gan/nn/conv_geom.h"

/* For output column ox, input column ix = ox*s - p + kx. The output
 * columns whose input lies inside the row (0 <= ix < w): [lo, hi),
 * computed once per row so the inner loop has no branch. */
static inline void gan_im2col_valid_range(int kx, int s, int p, int w, int ow, int *lo, int *hi)
{
    const int off = kx - p;
    int a = off >= 0 ? 0 : (-off + s - 1) / s;             /* smallest ox with ox*s + off >= 0 */
    int b = (w - 1 - off) < 0 ? 0 : (w - 1 - off) / s + 1; /* largest ox with ox*s + off <= w - 1, plus one */
    if (b > ow) b = ow;
    if (a > b) a = b;
    *lo = a;
    *hi = b;
}

/* col[C*K*K, N*OH*OW] = patches of img[C, N, H, W] for the convolution g;
 * padding reads as 0. pool may be NULL (serial); the result is the same. */
void gan_im2col(float *col, const float *img, const gan_conv_geom *g, gan_pool *pool);

/* img[C, N, H, W] = the adjoint of gan_im2col applied to col (overlapping
 * patches add up); img is overwritten. */
void gan_col2im(float *img, const float *col, const gan_conv_geom *g, gan_pool *pool);

#endif
