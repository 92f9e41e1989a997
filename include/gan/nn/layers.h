/* The layer library: each layer is a forward/backward pair of plain functions.
 *
 * Conventions (the same for every layer):
 *   - outputs first, then saved state, then inputs and weights, sizes last;
 *   - activations are channel-major [C, N, H, W] (see gan/im2col.h for why);
 *   - weights use PyTorch's layouts, so checkpoints map 1:1 onto torch.nn;
 *   - backward OVERWRITES the input gradient and ACCUMULATES (+=) into
 *     parameter gradients, so a D step can add its real and fake halves;
 *   - a NULL gradient pointer means "not needed": its work is skipped;
 *   - the last argument of the heavier layers is a thread pool for gan's own
 *     loops (NULL: serial); results are bitwise the same for any pool.
 * Shape mistakes are programmer errors and trip asserts.
 *
 * Size legend: N batch, C input channels, H/W input height/width,
 * OC output channels, K square kernel, S stride, P padding, OH/OW output,
 * M = N*H*W elements per channel. */
#ifndef GAN_LAYERS_H
#define GAN_LAYERS_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/pool.h"

typedef struct {
    int n, c, h, w;   /* input batch, channels, height, width */
    int oc, k, s, p;  /* output channels, kernel, stride, padding */
} gan_conv_dims;

/* Output size of a convolution and of a transposed convolution. */
static inline int gan_conv_out(int in, int k, int s, int p) { return (in + 2 * p - k) / s + 1; }
static inline int gan_convt_out(int in, int k, int s, int p) { return (in - 1) * s - 2 * p + k; }

/* ---- conv2d: weight [OC, C, K, K], bias [OC] or NULL.
 * col: workspace [C*K*K, N*OH*OW]; forward leaves im2col(in) in it.
 * Backward needs im2col(in) for the weight gradient: pass the forward's
 * matrix as saved_col if it was kept, or NULL to rebuild it in ws (a
 * workspace of the same size, also used for the input gradient). Keeping
 * costs memory, rebuilding costs an im2col: the network chooses. */
void gan_conv2d_forward(float *out, float *col, const float *in, const float *weight,
                        const float *bias, const gan_conv_dims *d, gan_pool *pool);
void gan_conv2d_backward(float *din, float *dweight, float *dbias, float *ws,
                         const float *dout, const float *in, const float *saved_col, const float *weight,
                         const gan_conv_dims *d, gan_pool *pool);

/* ---- transposed conv2d: weight [C, OC, K, K] (PyTorch's ConvTranspose2d), bias [OC] or NULL.
 * Output [OC, N, OH, OW] with OH = (H-1)*S - 2P + K. col: workspace [OC*K*K, N*H*W]
 * in forward; dcol: the same size in backward (holds im2col(dout)). */
void gan_conv_transpose2d_forward(float *out, float *col, const float *in, const float *weight,
                                  const float *bias, const gan_conv_dims *d, gan_pool *pool);
void gan_conv_transpose2d_backward(float *din, float *dweight, float *dbias, float *dcol,
                                   const float *dout, const float *in, const float *weight,
                                   const gan_conv_dims *d, gan_pool *pool);

/* ---- batchnorm2d over [C, M] (PyTorch's BatchNorm2d: biased variance for the
 * normalisation, unbiased for the running variance, eps and momentum given).
 * Training mode normalises with the batch statistics, stores them in
 * mean/invstd for backward and updates running_mean/running_var. */
void gan_batchnorm2d_forward_train(float *out, float *mean, float *invstd,
                                   float *running_mean, float *running_var,
                                   const float *in, const float *gamma, const float *beta,
                                   int c, long m, float momentum, float eps, gan_pool *pool);
void gan_batchnorm2d_backward_train(float *din, float *dgamma, float *dbeta,
                                    const float *dout, const float *in,
                                    const float *mean, const float *invstd, const float *gamma,
                                    int c, long m, gan_pool *pool);
/* Inference mode: running statistics, an affine map per channel. */
void gan_batchnorm2d_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                                  const float *running_mean, const float *running_var,
                                  int c, long m, float eps);
void gan_batchnorm2d_backward_eval(float *din, float *dgamma, float *dbeta,
                                   const float *dout, const float *in, const float *gamma,
                                   const float *running_mean, const float *running_var,
                                   int c, long m, float eps);

/* ---- elementwise activations over n values; out may alias in, din may alias dout.
 * ReLU and LeakyReLU (slope >= 0) take their derivative from the OUTPUT's sign,
 * which equals the input's, so they can run in place after batchnorm. */
void gan_relu_forward(float *out, const float *in, long n);
void gan_relu_backward(float *din, const float *dout, const float *out, long n);
void gan_leakyrelu_forward(float *out, const float *in, long n, float slope);
void gan_leakyrelu_backward(float *din, const float *dout, const float *out, long n, float slope);
void gan_tanh_forward(float *out, const float *in, long n);
void gan_tanh_backward(float *din, const float *dout, const float *out, long n);
void gan_sigmoid_forward(float *out, const float *in, long n);
void gan_sigmoid_backward(float *din, const float *dout, const float *out, long n);

/* ---- linear (dense), batch-major: in [N, IN], weight [OUT, IN], bias [OUT] or NULL,
 * out [N, OUT] = in @ weight^T + bias. */
void gan_linear_forward(float *out, const float *in, const float *weight, const float *bias,
                        int n, int in_f, int out_f);
void gan_linear_backward(float *din, float *dweight, float *dbias, const float *dout,
                         const float *in, const float *weight, int n, int in_f, int out_f);

/* ---- binary cross-entropy on logits against one target value for the whole
 * batch, mean over n (PyTorch's BCEWithLogitsLoss). Stable for any |logit|. */
float gan_bce_logits_forward(const float *logits, float target, int n);
/* dlogits = scale * (sigmoid(logit) - target) / n  (overwrites). */
void gan_bce_logits_backward(float *dlogits, const float *logits, float target, int n, float scale);

/* ---- softmax cross-entropy over K classes, batch-major logits [N, K] and
 * integer labels in [0, K): mean over n (PyTorch's CrossEntropyLoss). Uses
 * log-sum-exp with the row maximum subtracted, so any logit magnitude works. */
float gan_softmax_ce_forward(const float *logits, const int32_t *labels, int n, int k);
/* dlogits = (softmax(logits) - onehot(label)) / n  (overwrites). */
void gan_softmax_ce_backward(float *dlogits, const float *logits, const int32_t *labels, int n, int k);

/* ---- Adam, PyTorch's rule: bias-corrected, eps added outside the sqrt.
 * t is the 1-based step number after this update. */
void gan_adam_update(float *param, const float *grad, float *m, float *v, size_t n,
                     float lr, float beta1, float beta2, float eps, long t);

#endif
