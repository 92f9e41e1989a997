/* Nearest neighbours in feature space, by blocks of exact squared
 * distances (|a|^2 + |b|^2 - 2 a.b with the products a DGEMM): what
 * precision/recall/density/coverage and the memorisation check need. Rows
 * are row-major float vectors of d components; distances are Euclidean,
 * in double. */
#ifndef GAN_METRICS_NEIGHBOURS_H
#define GAN_METRICS_NEIGHBOURS_H

#include <stdbool.h>

#include "gan/core/error.h"

/* For each of the m rows of q: its nearest row of r [n, d] (its index and
 * distance), skipping row skip[i] of r for row i of q (a row's own copy
 * when q and r overlap; skip NULL: none). Rows whose every candidate is
 * skipped get index -1 and distance infinity. */
gan_status gan_nearest(const float *q, long m, const float *r, long n, int d, const long *skip, long *index,
                       double *distance, gan_error *err);

/* For each row of x [n, d]: the distance to its k-th nearest other row
 * (k >= 1, k < n), the radius of its k-NN ball. */
gan_status gan_knn_radii(const float *x, long n, int d, int k, double *radius, gan_error *err);

/* Precision, recall (Kynkaenniemi et al. 2019), density and coverage
 * (Naeem et al. 2020) of fake [m, d] against real [n, d], with k-NN balls
 * of k neighbours:
 *   precision  the share of fakes inside some real ball
 *   recall     the share of reals inside some fake ball
 *   density    the mean number of real balls a fake is inside, over k
 *   coverage   the share of real balls that hold a fake (their nearest fake is inside) */
typedef struct {
    double precision, recall, density, coverage;
    int k;
} gan_prdc_result;
gan_status gan_prdc(const float *real, long n, const float *fake, long m, int d, int k, gan_prdc_result *out,
                    gan_error *err);

#endif
