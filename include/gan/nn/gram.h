/* The Gram matrix of a feature map (style transfer's texture statistic,
 * Gatys et al. 2016): for features F [C, HW], G = scale * F F^T, [C, C]. */
#ifndef GAN_NN_GRAM_H
#define GAN_NN_GRAM_H

#include "gan/core/pool.h"

void gan_gram_forward(float *gram, const float *feat, int c, long hw, float scale, gan_pool *pool);
/* dfeat += scale * (dgram + dgram^T) F. ws: [C, C] workspace. */
void gan_gram_backward(float *dfeat, const float *dgram, const float *feat, int c, long hw, float scale,
                       float *ws, gan_pool *pool);

#endif
