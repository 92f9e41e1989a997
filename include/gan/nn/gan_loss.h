/* The adversarial losses of a GAN on D's logits, each term's mean over the
 * batch and its gradient:
 *   bce    non-saturating (Goodfellow et al.; DCGAN): D: BCE(D(x), 1) + BCE(D(G(z)), 0),
 *          G: BCE(D(G(z)), 1)
 *   hinge  (Lim & Ye; SNGAN, BigGAN): D: mean relu(1 - D(x)) + mean relu(1 + D(G(z))),
 *          G: -mean D(G(z))
 *   lsgan  least squares (Mao et al., a = 0, b = c = 1): D: 1/2 mean (D(x) - 1)^2
 *          + 1/2 mean D(G(z))^2, G: 1/2 mean (D(G(z)) - 1)^2 */
#ifndef GAN_NN_GAN_LOSS_H
#define GAN_NN_GAN_LOSS_H

typedef enum { GAN_LOSS_BCE, GAN_LOSS_HINGE, GAN_LOSS_LSGAN } gan_loss_kind;

typedef enum {
    GAN_LOSS_D_REAL, /* D's term on real images */
    GAN_LOSS_D_FAKE, /* D's term on generated images */
    GAN_LOSS_G       /* G's term, through D */
} gan_loss_term;

/* The term's loss over n logits; dlogits (n, overwritten) gets its
 * gradient. real_target is the real images' target of bce and lsgan (1, or
 * 1 - train.label_smoothing); hinge keeps its margin of 1. */
double gan_adversarial_loss(gan_loss_kind kind, gan_loss_term term, const float *logits, int n,
                            float real_target, float *dlogits);

/* The term's loss summed over n logits, without a gradient: the trainer
 * logs means over the global batch from such sums (which deterministic mode
 * takes per partial). */
double gan_adversarial_loss_sum(gan_loss_kind kind, gan_loss_term term, const float *logits, int n,
                                float real_target);

/* What the logits say of their images, for the progress lines, summed:
 * sigmoid(x), the probability of "real", for bce; x itself for hinge and
 * lsgan. */
double gan_d_output_sum(gan_loss_kind kind, const float *logits, int n);

#endif
