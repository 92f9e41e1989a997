/* The losses of neural style transfer (Gatys et al. 2016), each normalised
 * so that its size does not depend on the layer or the picture: a term is
 * about 1 when the picture is as far from its target as noise is. Each
 * returns its value and, when its gradient argument is not NULL, adds
 * (content, total variation) or writes (Gram) `weight` times its gradient. */
#ifndef GAN_NN_STYLE_LOSS_H
#define GAN_NN_STYLE_LOSS_H

/* Content: mean((f - t)^2) / mean(t^2) over n features. dfeat is added to. */
double gan_content_loss(float *dfeat, const float *feat, const float *target, long n, float weight);
/* Style, one layer: sum((G - A)^2) / sum(A^2) between a Gram matrix and the
 * style picture's, [c, c]. dgram is overwritten. */
double gan_gram_loss(float *dgram, const float *gram, const float *target, int c, float weight);
/* Total variation of a picture [channels, h, w]: the mean squared
 * difference of horizontal neighbours plus that of vertical neighbours.
 * dimg is added to. */
double gan_tv_loss(float *dimg, const float *img, int channels, int h, int w, float weight);

#endif
