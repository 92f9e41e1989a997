/* BCE-with-logits: loss(x, t) = max(x, 0) - x*t + log(1 + exp(-|x|)),
 * which never overflows and keeps precision for large |x| (log1p). */
#include "gan/layers.h"

#include <math.h>

float gan_bce_logits_forward(const float *logits, float target, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double x = logits[i];
        sum += (x > 0.0 ? x : 0.0) - x * target + log1p(exp(-fabs(x)));
    }
    return (float)(sum / n);
}

void gan_bce_logits_backward(float *dlogits, const float *logits, float target, int n, float scale)
{
    const float k = scale / (float)n;
    for (int i = 0; i < n; i++) {
        float x = logits[i];
        float sig = x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
        dlogits[i] = k * (sig - target);
    }
}
