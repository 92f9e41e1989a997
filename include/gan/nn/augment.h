/* DiffAugment (Zhao et al. 2020): differentiable augmentations applied to
 * real and generated images alike before D, so that D sees more variety
 * without learning the augmentation. As the authors' DiffAugment_pytorch.py:
 *   color        brightness x + (r - 0.5); saturation (x - mean_c x) * 2r + mean_c x;
 *                contrast (x - mean x) * (r + 0.5) + mean x   (r uniform in [0, 1), per image)
 *   translation  a shift by up to 1/8 of the side in each direction, zeros shifted in
 *   cutout       a square of half the side set to zero, anywhere (clipped at the border)
 * in that order. All are linear in the image, so backward is their adjoint.
 * Images are channel-major batches [C, N, S, S]. */
#ifndef GAN_NN_AUGMENT_H
#define GAN_NN_AUGMENT_H

#include "gan/core/rng.h"

enum { GAN_AUG_COLOR = 1, GAN_AUG_TRANSLATION = 2, GAN_AUG_CUTOUT = 4 }; /* = the config's GAN_AUGMENT_* */

/* One image's random draws. */
typedef struct {
    float brightness, saturation, contrast; /* the r of each colour op, in [0, 1) */
    int tx, ty;                             /* translation of rows and columns, in [-S/8, S/8] */
    int cx, cy;                             /* cutout centre row and column */
} gan_aug_draw;

/* Draws n images' parameters from rng, policy by policy as DiffAugment does. */
void gan_augment_draw(gan_aug_draw *draws, int n, int policies, int size, gan_rng *rng);
/* out = augment(in) for n images of `channels` planes of size x size (out
 * may be in). scratch: 2 * channels * size * size floats. */
void gan_augment_forward(float *out, const float *in, const gan_aug_draw *draws, int policies, int channels,
                         int n, int size, float *scratch);
/* din = the adjoint applied to dout (din may be dout). */
void gan_augment_backward(float *din, const float *dout, const gan_aug_draw *draws, int policies,
                          int channels, int n, int size, float *scratch);

#endif
