/* A small CNN image classifier, the feature extractor behind gan eval (FID,
 * Inception Score, class histograms). Built from the same layers as the
 * DCGAN, and equal to this PyTorch nn.Sequential (state_dict names match):
 *   0..3L-1  L x [Conv2d(., ., 4, 2, 1, bias=False), BatchNorm2d, LeakyReLU(0.2)]
 *            widths w, 2w, 4w, ... from S x S down to 4 x 4  (D's trunk)
 *   3L       Flatten
 *   3L+1     Linear(F, hidden)       F = w * 2^(L-1) * 16
 *   3L+2     LeakyReLU(0.2)          <- the features FID is computed in
 *   3L+3     Linear(hidden, classes) <- logits
 * with L = log2(S / 4). Its checkpoint is gan/io/checkpoint.h's. */
#ifndef GAN_MODELS_CLASSIFIER_H
#define GAN_MODELS_CLASSIFIER_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/models/dcgan.h"

typedef struct {
    int image_size, channels; /* as gan_arch */
    int width;                /* first convolution's channels */
    int hidden;               /* feature size */
    int classes;
} gan_classifier_arch;

typedef struct {
    gan_classifier_arch arch;
    int max_batch;
    gan_net trunk; /* convolutions: [C, N, S, S] -> [F/16, N, 4, 4] */
    int flat;      /* F: trunk outputs per image */
    float slope;
    /* head parameters in one buffer: w1 [hidden, F], b1 [hidden], w2 [classes, hidden], b2 [classes] */
    size_t nparams;
    float *params, *grads, *adam_m, *adam_v;
    float *w1, *b1, *w2, *b2, *dw1, *db1, *dw2, *db2;
    /* activations and their gradients, batch-major [N, .] */
    float *x_flat, *features, *logits;
    float *d_flat, *d_features, *d_trunk;
    float *block; /* one allocation for all of the above */
} gan_classifier;

/* Checks an architecture; messages read "<where><field>: ...". */
gan_status gan_classifier_arch_check(const gan_classifier_arch *a, const char *where, gan_error *err);
/* Builds with buffers for batches up to max_batch: GAN_OK or GAN_ERR_NOMEM. */
gan_status gan_classifier_build(gan_classifier *c, const gan_classifier_arch *arch, int max_batch);
void gan_classifier_free(gan_classifier *c);
/* The bytes gan_classifier_build takes, and its work plan, without allocating. */
size_t gan_classifier_plan_bytes(const gan_classifier_arch *arch, int max_batch, gan_work_plan *work);
/* The working memory of forward and backward. */
gan_work_plan gan_classifier_work_plan(const gan_classifier *c);
/* Convolutions N(0, 0.02), batchnorm as DCGAN; Linear layers as PyTorch's
 * default (uniform in +-1/sqrt(fan_in), weights and biases). */
void gan_classifier_init_weights(gan_classifier *c, gan_rng *rng);

/* Forward for n images, channel-major [C, n, S, S] in [-1, 1] (as
 * gan_dataset_batch and the generator produce). Returns the logits [n, classes];
 * c->features holds the penultimate activations [n, hidden]. */
const float *gan_classifier_forward(gan_classifier *c, const gan_work *work, const float *x, int n,
                                    gan_mode mode);
/* Backward of the last (training) forward from dlogits [n, classes]: accumulates every
 * parameter gradient (zero them first). No input gradient. */
void gan_classifier_backward(gan_classifier *c, const gan_work *work, const float *dlogits);
void gan_classifier_zero_grad(gan_classifier *c);
void gan_classifier_adam(gan_classifier *c, float lr, float beta1, float beta2, float eps, int64_t t);

/* The head's two Linear layers as state_dict entries, after the trunk's. */
typedef struct {
    char name[32];
    int ndim;
    int64_t shape[2];
    float *data;
} gan_head_tensor;
void gan_classifier_head_tensors(gan_classifier *c, gan_head_tensor out[4]);

#endif
