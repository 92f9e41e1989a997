/* Adam exactly as torch.optim.Adam (no weight decay, no amsgrad):
 *   m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
 *   p -= lr/(1-b1^t) * m / (sqrt(v)/sqrt(1-b2^t) + eps)
 * The bias corrections are computed in double, as Python does. */
#include "gan/nn/adam.h"
#include "gan/core/dispatch.h"

#include <math.h>

GAN_HOT void gan_adam_update(float *param, const float *grad, float *m, float *v, size_t n, float lr,
                             float beta1, float beta2, float eps, int64_t t)
{
    const double bc1 = 1.0 - pow(beta1, (double)t);
    const double bc2_sqrt = sqrt(1.0 - pow(beta2, (double)t));
    const float step = (float)(lr / bc1);
    const float inv_bc2_sqrt = (float)(1.0 / bc2_sqrt);
    const float b1 = beta1, b2 = beta2, c1 = 1.0f - beta1, c2 = 1.0f - beta2;
    for (size_t i = 0; i < n; i++) {
        float g = grad[i];
        float mi = b1 * m[i] + c1 * g;
        float vi = b2 * v[i] + c2 * g * g;
        m[i] = mi;
        v[i] = vi;
        param[i] -= step * mi / (sqrtf(vi) * inv_bc2_sqrt + eps);
    }
}
