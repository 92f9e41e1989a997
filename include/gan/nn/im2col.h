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

/* col[C*K*K, N*OH*OW] = patches of img[C, N, H, W] for the convolution g;
 * padding reads as 0. pool may be NULL (serial); the result is the same. */
void gan_im2col(float *col, const float *img, const gan_conv_geom *g, gan_pool *pool);

/* img[C, N, H, W] = the adjoint of gan_im2col applied to col (overlapping
 * patches add up); img is overwritten. */
void gan_col2im(float *img, const float *col, const gan_conv_geom *g, gan_pool *pool);

#endif
