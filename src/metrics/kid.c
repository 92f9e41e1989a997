/* KID by subsets: the three kernel matrices of a subset pair are one DGEMM
 * each (m x d by d x m), cubed in place. Double throughout: the kernel's
 * terms are large and nearly cancel. */
#include "gan/metrics/kid.h"

#include <cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

/* sum over the kernel matrix (a . b / d + 1)^3 of a [m, d] against b [m, d];
 * without its diagonal when a and b are the same rows */
static double kernel_sum(const double *a, const double *b, int m, int d, bool off_diagonal, double *k)
{
    cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, m, d, 1.0 / d, a, d, b, d, 0.0, k, m);
    double sum = 0.0;
    for (int i = 0; i < m; i++)
        for (int j = 0; j < m; j++) {
            if (off_diagonal && i == j) continue;
            const double t = k[(size_t)i * m + j] + 1.0;
            sum += t * t * t;
        }
    return sum;
}

/* m rows of x drawn without replacement (a partial Fisher-Yates over idx), as doubles */
static void draw_rows(const float *x, long n, int d, int m, gan_rng *rng, int32_t *idx, double *out)
{
    for (long i = 0; i < n; i++) idx[i] = (int32_t)i;
    for (int i = 0; i < m; i++) {
        const long j = i + (long)gan_rng_below(rng, (uint64_t)(n - i));
        const int32_t t = idx[i];
        idx[i] = idx[j], idx[j] = t;
        for (int c = 0; c < d; c++) out[(size_t)i * d + c] = x[(size_t)idx[i] * d + c];
    }
}

gan_status gan_kid(const float *x, long n, const float *y, long nm, int d, int subsets, int size,
                   gan_rng *rng, gan_kid_result *out, gan_error *err)
{
    memset(out, 0, sizeof *out);
    if (size < 2 || size > n || size > nm)
        return gan_fail(err, GAN_ERR_INPUT,
                        "KID: subsets of %d images need 2 to %ld of each set (%ld and %ld here)", size,
                        n < nm ? n : nm, n, nm);
    if (subsets < 1) return gan_fail(err, GAN_ERR_INPUT, "KID: %d subsets; at least 1", subsets);
    const int m = size;
    double *a = malloc(sizeof(double) * (size_t)m * d), *b = malloc(sizeof(double) * (size_t)m * d);
    double *k = malloc(sizeof(double) * (size_t)m * m), *v = malloc(sizeof(double) * (size_t)subsets);
    int32_t *idx = malloc(sizeof(int32_t) * (size_t)(n > nm ? n : nm));
    if (!a || !b || !k || !v || !idx) {
        free(a), free(b), free(k), free(v), free(idx);
        return gan_fail(err, GAN_ERR_NOMEM, "KID: out of memory");
    }
    double mean = 0.0;
    for (int s = 0; s < subsets; s++) {
        draw_rows(x, n, d, m, rng, idx, a);
        draw_rows(y, nm, d, m, rng, idx, b);
        const double xx = kernel_sum(a, a, m, d, true, k), yy = kernel_sum(b, b, m, d, true, k);
        const double xy = kernel_sum(a, b, m, d, false, k);
        v[s] = (xx + yy) / ((double)m * (m - 1)) - 2.0 * xy / ((double)m * m);
        mean += v[s] / subsets;
    }
    double var = 0.0;
    for (int s = 0; s < subsets; s++) var += (v[s] - mean) * (v[s] - mean);
    *out = (gan_kid_result){
        .mean = mean,
        .std = sqrt(var / subsets), /* as NumPy's std (ddof 0), which torch-fidelity and StudioGAN report */
        .subsets = subsets,
        .subset_size = m};
    free(a), free(b), free(k), free(v), free(idx);
    return GAN_OK;
}
