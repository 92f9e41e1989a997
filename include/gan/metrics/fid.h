/* FID, the Fréchet distance between Gaussians fitted to the penultimate
 * features of real and generated images (Heusel et al. 2017):
 *   |mu1 - mu2|^2 + Tr(C1 + C2 - 2 (C1 C2)^(1/2)), covariances unbiased.
 * Statistics are accumulated in double; the matrix square root uses
 * LAPACK's symmetric eigensolver (dsyevd, shipped inside OpenBLAS). */
#ifndef GAN_METRICS_FID_H
#define GAN_METRICS_FID_H

#include "gan/core/error.h"

/* Mean [d] and unbiased covariance [d, d] of n >= 2 row vectors x [n, d]:
 * GAN_OK or GAN_ERR_NOMEM. */
gan_status gan_gaussian_fit(double *mean, double *cov, const float *x, long n, int d);
/* out = A^(1/2) for a symmetric positive semi-definite A [d, d] (eigenvalues
 * below zero, from rounding, count as zero): GAN_OK, GAN_ERR_NUMERIC when
 * LAPACK fails, GAN_ERR_NOMEM. */
gan_status gan_sqrtm_psd(double *out, const double *a, int d);
/* The Fréchet distance of two Gaussians; NAN when the eigensolver fails. */
double gan_frechet_distance(const double *mu1, const double *c1, const double *mu2, const double *c2, int d);
#endif
