/* Scores of the classifier's predictions: the Inception Score and the
 * entropy of the predicted-class histogram. */
#include "gan/metrics/class_scores.h"

#include <math.h>
#include <stdlib.h>

double gan_inception_score(const double *probs, long n, int k)
{
    double *py = calloc((size_t)k, sizeof(double));
    if (!py || n < 1) {
        free(py);
        return NAN;
    }
    for (long i = 0; i < n; i++)
        for (int j = 0; j < k; j++) py[j] += probs[i * k + j] / (double)n;
    double kl = 0.0;
    for (long i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            double p = probs[i * k + j];
            if (p > 0.0) kl += p * (log(p) - log(py[j]));
        }
    free(py);
    return exp(kl / (double)n);
}

double gan_entropy_bits(const long *counts, int k)
{
    double total = 0.0, h = 0.0;
    for (int j = 0; j < k; j++) total += (double)counts[j];
    if (total <= 0.0) return 0.0;
    for (int j = 0; j < k; j++)
        if (counts[j] > 0) {
            double p = (double)counts[j] / total;
            h -= p * log2(p);
        }
    return h;
}

void gan_inception_score_splits(const double *probs, long n, int k, int splits, double *mean, double *std)
{
    if (splits > n) splits = (int)n;
    double sum = 0.0, sq = 0.0;
    for (int s = 0; s < splits; s++) {
        const long lo = n * s / splits, hi = n * (s + 1) / splits;
        const double is = gan_inception_score(probs + lo * k, hi - lo, k);
        sum += is, sq += is * is;
    }
    *mean = sum / splits;
    const double var = sq / splits - *mean * *mean;
    *std = var > 0.0 ? sqrt(var) : 0.0;
}
