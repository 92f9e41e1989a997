#include "gan/nn/gan_loss.h"

#include <math.h>

#include "gan/core/check.h"
#include "gan/nn/loss.h"

/* The target a term pulls D's logits to (bce and lsgan). */
static float term_target(gan_loss_term term, float real_target)
{
    return term == GAN_LOSS_D_REAL ? real_target : term == GAN_LOSS_D_FAKE ? 0.0f : 1.0f;
}

double gan_adversarial_loss_sum(gan_loss_kind kind, gan_loss_term term, const float *logits, int n,
                                float real_target)
{
    const float target = term_target(term, real_target);
    if (kind == GAN_LOSS_BCE) return gan_bce_logits_sum(logits, target, n);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        const float x = logits[i];
        switch (kind) {
        case GAN_LOSS_HINGE:
            if (term == GAN_LOSS_G) {
                sum -= x;
            } else { /* relu(1 - x) on real, relu(1 + x) on fake */
                const float margin = term == GAN_LOSS_D_REAL ? 1.0f - x : 1.0f + x;
                sum += margin > 0.0f ? margin : 0.0f;
            }
            break;
        case GAN_LOSS_LSGAN: {
            const float e = x - target;
            sum += 0.5 * (double)e * e;
            break;
        }
        default: GAN_ABORT("unknown loss %d", (int)kind);
        }
    }
    return sum;
}

double gan_adversarial_loss(gan_loss_kind kind, gan_loss_term term, const float *logits, int n,
                            float real_target, float *dlogits)
{
    const float inv_n = 1.0f / (float)n, target = term_target(term, real_target);
    switch (kind) {
    case GAN_LOSS_BCE: gan_bce_logits_backward(dlogits, logits, target, n, 1.0f); break;
    case GAN_LOSS_HINGE:
        for (int i = 0; i < n; i++) {
            const float x = logits[i];
            if (term == GAN_LOSS_G) {
                dlogits[i] = -inv_n;
            } else { /* no gradient where the margin is 0 (as PyTorch at the kink) */
                const float margin = term == GAN_LOSS_D_REAL ? 1.0f - x : 1.0f + x;
                dlogits[i] = margin > 0.0f ? (term == GAN_LOSS_D_REAL ? -inv_n : inv_n) : 0.0f;
            }
        }
        break;
    case GAN_LOSS_LSGAN:
        for (int i = 0; i < n; i++) dlogits[i] = (logits[i] - target) * inv_n;
        break;
    default: GAN_ABORT("unknown loss %d", (int)kind);
    }
    return gan_adversarial_loss_sum(kind, term, logits, n, real_target) / n;
}

double gan_d_output_sum(gan_loss_kind kind, const float *logits, int n)
{
    double s = 0.0;
    for (int i = 0; i < n; i++) s += kind == GAN_LOSS_BCE ? 1.0 / (1.0 + exp(-(double)logits[i])) : logits[i];
    return s;
}
