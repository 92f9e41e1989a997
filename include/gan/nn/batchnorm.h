/* BatchNorm2d on channel-major activations. */
#ifndef GAN_NN_BATCHNORM_H
#define GAN_NN_BATCHNORM_H

#include "gan/core/pool.h"

/* ---- batchnorm2d over [C, M] (PyTorch's BatchNorm2d: biased variance for the
 * normalisation, unbiased for the running variance, eps and momentum given).
 * Training mode normalises with the batch statistics, stores them in
 * mean/invstd for backward and updates running_mean/running_var. */
void gan_batchnorm2d_forward_train(float *out, float *mean, float *invstd, float *running_mean,
                                   float *running_var, const float *in, const float *gamma, const float *beta,
                                   int c, long m, float momentum, float eps, gan_pool *pool);
void gan_batchnorm2d_backward_train(float *din, float *dgamma, float *dbeta, const float *dout,
                                    const float *in, const float *mean, const float *invstd,
                                    const float *gamma, int c, long m, gan_pool *pool);
/* Inference mode: running statistics, an affine map per channel. */
void gan_batchnorm2d_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                                  const float *running_mean, const float *running_var, int c, long m,
                                  float eps);
void gan_batchnorm2d_backward_eval(float *din, float *dgamma, float *dbeta, const float *dout,
                                   const float *in, const float *gamma, const float *running_mean,
                                   const float *running_var, int c, long m, float eps);

#endif
