/* The pieces progressive growing (Karras et al. 2018, ProGAN) adds to the
 * DCGAN blocks, each a forward and a backward on channel-major activations
 * [C, N, H, W] (a plane is one channel of one image):
 *   - nearest-neighbour 2x upsampling (PyTorch's interpolate(scale_factor=2,
 *     mode="nearest")), which carries the old resolution's picture into a
 *     new block's size while it fades in; its adjoint sums each 2x2 block;
 *   - the fade: (1 - a) * old + a * new (torch.lerp(old, new, a));
 *   - the minibatch standard deviation: one more channel holding, for each
 *     group of images, the mean over channels and pixels of the features'
 *     standard deviation across the group (ProGAN's D, which sees from it
 *     how varied a batch is). 2x average pooling is gan/nn/avgpool2d.h. */
#ifndef GAN_NN_PROGRESSIVE_H
#define GAN_NN_PROGRESSIVE_H

/* out [planes, 2h, 2w]: each pixel of in [planes, h, w] repeated 2x2. */
void gan_upsample2_forward(float *out, const float *in, long planes, int h, int w);
/* din [planes, h, w] = the sum of each 2x2 block of dout [planes, 2h, 2w]
 * (overwritten). */
void gan_upsample2_backward(float *din, const float *dout, long planes, int h, int w);

/* One plane from x `from` to `to` (a multiple of from), each pixel
 * repeated: how a growing G's smaller images are shown and scored at the
 * data's size. */
void gan_upsample_nearest(float *out, const float *in, int from, int to);
/* One plane from x `from` to `to`, one a multiple of the other: enlarged
 * by gan_upsample_nearest, or shrunk by the mean of each block (a box
 * filter). */
void gan_resample_pow2(float *out, const float *in, int from, int to);

/* out[i] = (1 - a) * old[i] + a * new[i], i < n. */
void gan_fade_forward(float *out, const float *old, const float *new_, float a, long n);
/* dold = (1 - a) * dout and dnew = a * dout (overwritten; either may be
 * NULL when its gradient is not needed). */
void gan_fade_backward(float *dold, float *dnew, const float *dout, float a, long n);

/* The real images' side of a fade, in place on [planes, h, w] (h, w even):
 * x = (1 - a) * up2(avgpool2(x)) + a * x, each 2x2 block towards its mean,
 * so that D sees real images blended across the two sides as G's are. */
void gan_fade_down(float *x, long planes, int h, int w, float a);

/* The constant added under the square root of the variance (ProGAN's 1e-8). */
#define GAN_MBSTD_EPS 1e-8f

/* out [c + 1, n, h, w]: in [c, n, h, w] then one channel where image i
 * holds, at every pixel, the mean over (channel, pixel) of the standard
 * deviation (biased, plus GAN_MBSTD_EPS under the root) across its group.
 * The n images form n / group groups; image i is in group i % (n / group),
 * as ProGAN's reshape to [group, n / group, ...] takes them. n must be a
 * multiple of group (group >= 2). std [c, n / group, h, w] keeps each
 * standard deviation for the backward. */
void gan_mbstd_forward(float *out, float *std, const float *in, int c, int n, int h, int w, int group);
/* din [c, n, h, w] (overwritten) from dout [c + 1, n, h, w], the forward's
 * in and its std. */
void gan_mbstd_backward(float *din, const float *dout, const float *in, const float *std, int c, int n, int h,
                        int w, int group);

#endif
