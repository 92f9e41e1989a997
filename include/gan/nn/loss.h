/* Losses on logits. */
#ifndef GAN_NN_LOSS_H
#define GAN_NN_LOSS_H

#include <stdint.h>

/* ---- binary cross-entropy on logits against one target value for the whole
 * batch, mean over n (PyTorch's BCEWithLogitsLoss). Stable for any |logit|. */
float gan_bce_logits_forward(const float *logits, float target, int n);
/* The same loss summed over the n logits, in double. */
double gan_bce_logits_sum(const float *logits, float target, int n);
/* dlogits = scale * (sigmoid(logit) - target) / n  (overwrites). */
void gan_bce_logits_backward(float *dlogits, const float *logits, float target, int n, float scale);

/* ---- softmax cross-entropy over K classes, batch-major logits [N, K] and
 * integer labels in [0, K): mean over n (PyTorch's CrossEntropyLoss). Uses
 * log-sum-exp with the row maximum subtracted, so any logit magnitude works. */
float gan_softmax_ce_forward(const float *logits, const int32_t *labels, int n, int k);
/* The same cross-entropy summed over the n rows, in double. */
double gan_softmax_ce_sum(const float *logits, const int32_t *labels, int n, int k);
/* dlogits = (softmax(logits) - onehot(label)) / n  (overwrites). */
void gan_softmax_ce_backward(float *dlogits, const float *logits, const int32_t *labels, int n, int k);

#endif
