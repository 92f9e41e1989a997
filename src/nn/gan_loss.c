#include "gan/nn/gan_loss.h"

#include <math.h>

#include "gan/core/check.h"
#include "gan/nn/loss.h"

double gan_adversarial_loss(gan_loss_kind kind, gan_loss_term term, const float *logits, int n,
                            float real_target, float *dlogits)
{
    const float inv_n = 1.0f / (float)n;
    double sum = 0.0;
    switch (kind) {
    case GAN_LOSS_BCE: {
        const float target = term == GAN_LOSS_D_REAL ? real_target : term == GAN_LOSS_D_FAKE ? 0.0f : 1.0f;
        gan_bce_logits_backward(dlogits, logits, target, n, 1.0f);
        return gan_bce_logits_forward(logits, target, n);
    }
    case GAN_LOSS_HINGE:
        for (int i = 0; i < n; i++) {
            const float x = logits[i];
            if (term == GAN_LOSS_G) {
                sum -= x;
                dlogits[i] = -inv_n;
            } else {
                /* relu(1 - x) on real, relu(1 + x) on fake; no gradient where it is 0 (as PyTorch at the kink) */
                const float margin = term == GAN_LOSS_D_REAL ? 1.0f - x : 1.0f + x;
                sum += margin > 0.0f ? margin : 0.0f;
                dlogits[i] = margin > 0.0f ? (term == GAN_LOSS_D_REAL ? -inv_n : inv_n) : 0.0f;
            }
        }
        return sum / n;
    case GAN_LOSS_LSGAN: {
        const float target = term == GAN_LOSS_D_REAL ? real_target : term == GAN_LOSS_D_FAKE ? 0.0f : 1.0f;
        for (int i = 0; i < n; i++) {
            const float e = logits[i] - target;
            sum += 0.5 * (double)e * e;
            dlogits[i] = e * inv_n;
        }
        return sum / n;
    }
    }
    GAN_ABORT("unknown loss %d", (int)kind);
}

double gan_mean_d_output(gan_loss_kind kind, const float *logits, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += kind == GAN_LOSS_BCE ? 1.0 / (1.0 + exp(-(double)logits[i])) : logits[i];
    return s / n;
}
