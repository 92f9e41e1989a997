/* 3x3 convolutions with stride 1 and padding 1 of one image by Winograd's
 * minimal filtering F(2x2, 3x3) (Lavin & Gray 2016): the image is cut into
 * overlapping 4x4 tiles, each tile and each filter transformed, and the
 * convolution becomes 16 matrix products [OC, C] x [C, tiles], one per
 * point of the transformed 4x4 tile, with 2.25 times fewer multiply-adds
 * than im2col's (16 per 2x2 outputs and channel pair, against 36). Style
 * transfer's VGG-19 is made of these and is bound by those products.
 *
 * Tiles are taken a band of tile rows at a time, so the working memory is
 * the caller's workspace, whatever the picture's size. The input gradient
 * of such a convolution is the same kind of convolution of the output
 * gradient with the filters transposed and turned by 180 degrees: the
 * `transposed` flag. Layout [C, H, W] (N = 1). */
#ifndef GAN_NN_WINOGRAD_H
#define GAN_NN_WINOGRAD_H

#include <stdbool.h>
#include <stddef.h>

#include "gan/core/pool.h"

/* The fewest workspace floats a convolution of c to oc channels over a
 * picture w wide takes (one band of one tile row). */
size_t gan_winograd_min_ws(int c, int oc, int w);

/* out [OC, H, W] = conv3x3(in [C, H, W], weight [OC, C, 3, 3]) + bias (NULL: none).
 * transposed: in has OC channels, out C, and the filters are weight's
 * transposed and turned (out = the input gradient of the convolution by
 * weight, given in = the output gradient). ws holds ws_floats floats. */
void gan_winograd_conv3x3(float *out, const float *in, const float *weight, const float *bias, int c, int oc,
                          int h, int w, bool transposed, float *ws, size_t ws_floats, gan_pool *pool);

#endif
