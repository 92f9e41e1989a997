/* BatchNorm2d on channel-major activations. */
#ifndef GAN_NN_BATCHNORM2D_H
#define GAN_NN_BATCHNORM2D_H

#include "gan/core/batch_sync.h"
#include "gan/core/pool.h"

/* An activation fused into batchnorm's pass over the data: out = act(bn(in))
 * in one sweep (forward), and dy = act'(dout) taken on the fly (backward,
 * from the activation's output). Bit for bit the separate functions of
 * gan/nn/activation.h; slope >= 0. */
typedef struct {
    enum { GAN_BN_ACT_NONE, GAN_BN_ACT_RELU, GAN_BN_ACT_LEAKY } kind;
    float slope; /* LeakyReLU's */
} gan_bn_act;

#define GAN_BN_NO_ACT ((gan_bn_act){GAN_BN_ACT_NONE, 0.0f})

/* ---- batchnorm2d over [C, M] (PyTorch's BatchNorm2d: biased variance for the
 * normalisation, unbiased for the running variance, eps and momentum given).
 * Training mode normalises with the batch statistics, stores them in
 * mean/invstd for backward and updates running_mean/running_var.
 * sync: a batch split among processes (data-parallel training), or NULL for
 * this process alone: in/out hold this process's slice (m elements per
 * channel), the statistics are the whole batch's, and gamma's and beta's
 * gradients get this slice's share only (the processes' gradients are
 * summed afterwards; deterministic mode's come out summed).
 * act: an activation fused in (GAN_BN_NO_ACT: none); the backward reads
 * the activation's output act_out. */
void gan_batchnorm2d_forward_train(float *out, float *mean, float *invstd, float *running_mean,
                                   float *running_var, const float *in, const float *gamma, const float *beta,
                                   int c, long m, float momentum, float eps, gan_pool *pool,
                                   const gan_batch_sync *sync, gan_bn_act act);
void gan_batchnorm2d_backward_train(float *din, float *dgamma, float *dbeta, const float *dout,
                                    const float *in, const float *mean, const float *invstd,
                                    const float *gamma, int c, long m, gan_pool *pool,
                                    const gan_batch_sync *sync, gan_bn_act act, const float *act_out);
/* Inference mode: running statistics, an affine map per channel. */
void gan_batchnorm2d_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                                  const float *running_mean, const float *running_var, int c, long m,
                                  float eps);
void gan_batchnorm2d_backward_eval(float *din, float *dgamma, float *dbeta, const float *dout,
                                   const float *in, const float *gamma, const float *running_mean,
                                   const float *running_var, int c, long m, float eps);

#endif
