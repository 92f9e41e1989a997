/* im2col / col2im over a whole minibatch in channel-major layout.
 *
 * Layout legend (used by every layer in gan):
 *   activations are stored channel-major, [C, N, H, W]: channel c of image n
 *   starts at ((c * N) + n) * H * W. A whole-batch im2col then makes one
 *   matrix col[C*K*K, N*OH*OW] whose rows are (c, kh, kw) and columns
 *   (n, oh, ow), so W[OC, C*K*K] @ col lands directly in [OC, N, OH, OW]:
 *   one large SGEMM per layer and no transpose, and batchnorm sees each
 *   channel as one contiguous run.
 *   K kernel size (square), S stride, P zero padding. */
#ifndef GAN_IM2COL_H
#define GAN_IM2COL_H

#include "gan/core/pool.h"

/* col[C*K*K, N*OH*OW] = patches of img[C, N, H, W]; padding reads as 0.
 * pool may be NULL (serial); the result is the same either way. */
void gan_im2col(float *col, const float *img, int c, int n, int h, int w,
                int k, int s, int p, int oh, int ow, gan_pool *pool);

/* img[C, N, H, W] = adjoint of gan_im2col applied to col (overlapping
 * patches add up); img is overwritten. */
void gan_col2im(float *img, const float *col, int c, int n, int h, int w,
                int k, int s, int p, int oh, int ow, gan_pool *pool);

#endif
