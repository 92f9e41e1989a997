/* Conv2d of one image in bounded working memory (style transfer's large
 * pictures): the im2col matrix is made for a band of output rows at a time,
 * each band one SGEMM, so a 512x512 picture's 3x3 convolution over 64
 * channels needs the workspace it is given rather than the whole matrix
 * (151 million floats). Only the input's gradient is computed: the weights
 * of a feature network are fixed. Layout [C, H, W] (N = 1). */
#ifndef GAN_NN_CONV2D_BANDED_H
#define GAN_NN_CONV2D_BANDED_H

#include <stddef.h>

#include "gan/core/pool.h"
#include "gan/nn/conv_geom.h"

/* Output rows per band for a workspace of ws_floats (at least 1: the
 * workspace must hold one row's patches, C*K*K*OW floats). */
int gan_conv2d_band_rows(const gan_conv_geom *g, size_t ws_floats);

/* out [OC, OH, OW] = conv(in [C, H, W], weight [OC, C, K, K]) + bias [OC] (NULL: none). */
void gan_conv2d_banded_forward(float *out, const float *in, const float *weight, const float *bias,
                               const gan_conv_geom *g, float *ws, size_t ws_floats, gan_pool *pool);
/* din [C, H, W] = the gradient of the input given dout [OC, OH, OW]; overwritten. */
void gan_conv2d_banded_backward_input(float *din, const float *dout, const float *weight,
                                      const gan_conv_geom *g, float *ws, size_t ws_floats, gan_pool *pool);

#endif
