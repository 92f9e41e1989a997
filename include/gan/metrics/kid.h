/* KID, the Kernel Inception Distance (Binkowski et al. 2018): the unbiased
 * estimate of the squared maximum mean discrepancy between two sets of
 * feature vectors under the cubic polynomial kernel
 *   k(a, b) = (a . b / d + 1)^3,
 *   MMD^2_u = sum_{i != j} k(x_i, x_j) / (m (m - 1)) + sum_{i != j} k(y_i, y_j) / (m (m - 1))
 *             - 2 sum_{i, j} k(x_i, y_j) / m^2,
 * over `subsets` pairs of random subsets of m rows each; reported as the
 * mean and standard deviation over the subsets. Unlike FID it is unbiased:
 * its expected value does not depend on the sample count. */
#ifndef GAN_METRICS_KID_H
#define GAN_METRICS_KID_H

#include "gan/core/error.h"
#include "gan/core/rng.h"

typedef struct {
    double mean, std; /* over the subsets (std with ddof 0, as torch-fidelity and StudioGAN) */
    int subsets, subset_size;
} gan_kid_result;

/* KID of x [n, d] against y [nm, d] (row-major floats), `subsets` subsets of
 * `size` rows of each, drawn without replacement by rng. size must be at
 * least 2 and at most n and nm: GAN_ERR_INPUT otherwise, with the numbers. */
gan_status gan_kid(const float *x, long n, const float *y, long nm, int d, int subsets, int size,
                   gan_rng *rng, gan_kid_result *out, gan_error *err);

#endif
