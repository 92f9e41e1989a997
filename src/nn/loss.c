/* Losses. BCE-with-logits: loss(x, t) = max(x, 0) - x*t + log(1 + exp(-|x|)),
 * which never overflows and keeps precision for large |x| (log1p). */
#include "gan/nn/loss.h"

#include <math.h>

double gan_bce_logits_sum(const float *logits, float target, int n)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        double x = logits[i];
        sum += (x > 0.0 ? x : 0.0) - x * target + log1p(exp(-fabs(x)));
    }
    return sum;
}

float gan_bce_logits_forward(const float *logits, float target, int n)
{
    return (float)(gan_bce_logits_sum(logits, target, n) / n);
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

/* log(sum_j exp(x_j)) of one row, with the maximum subtracted first. */
static double log_sum_exp(const float *x, int k)
{
    float m = x[0];
    for (int j = 1; j < k; j++) m = x[j] > m ? x[j] : m;
    double s = 0.0;
    for (int j = 0; j < k; j++) s += exp((double)x[j] - m);
    return m + log(s);
}

double gan_softmax_ce_sum(const float *logits, const int32_t *labels, int n, int k)
{
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        const float *row = logits + (long)i * k;
        sum += log_sum_exp(row, k) - row[labels[i]];
    }
    return sum;
}

float gan_softmax_ce_forward(const float *logits, const int32_t *labels, int n, int k)
{
    return (float)(gan_softmax_ce_sum(logits, labels, n, k) / n);
}

void gan_softmax_ce_backward(float *dlogits, const float *logits, const int32_t *labels, int n, int k)
{
    for (int i = 0; i < n; i++) {
        const float *row = logits + (long)i * k;
        float *d = dlogits + (long)i * k;
        const double lse = log_sum_exp(row, k);
        for (int j = 0; j < k; j++) d[j] = (float)(exp((double)row[j] - lse) / n);
        d[labels[i]] -= 1.0f / (float)n;
    }
}
