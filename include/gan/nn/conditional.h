/* The pieces that make a DCGAN class-conditional, on channel-major
 * activations [C, N, HW] and one class label per sample:
 *   - a class embedding concatenated with z (G's input),
 *   - a per-class affine map after batchnorm (conditional batchnorm: the
 *     batchnorm itself runs without affine, gamma and beta are [classes, C]),
 *   - the projection term of a projection discriminator (Miyato & Koyama
 *     2018): logit_i += <E[y_i], sum over HW of h[:, i, :]>.
 * Backward functions accumulate into parameter gradients (+=). classes is
 * the embeddings' row count; split is NULL, or a deterministic-mode batch
 * (gan/core/batch_sync.h): the gradients added are then the tree sums over
 * the partials and the processes. */
#ifndef GAN_NN_CONDITIONAL_H
#define GAN_NN_CONDITIONAL_H

#include <stdint.h>

#include "gan/core/batch_sync.h"

/* x [nz + ne, n] = z [nz, n] stacked over E[y_i] [ne] (E is [classes, ne]). */
void gan_embed_concat_forward(float *x, const float *z, const float *embed, const int32_t *labels, int nz,
                              int ne, int n);
/* dE[y_i] += dx[nz + j, i] over j. */
void gan_embed_concat_backward(float *dembed, const float *dx, const int32_t *labels, int nz, int ne, int n,
                               int classes, const gan_batch_sync *split);

/* y[c, i, :] = xhat[c, i, :] * gamma[y_i, c] + beta[y_i, c], in place allowed. */
void gan_class_affine_forward(float *y, const float *xhat, const float *gamma, const float *beta,
                              const int32_t *labels, int c, int n, long hw);
/* Given dy, the gradient of y: dgamma[y_i, c] += sum dy * xhat, dbeta[y_i, c]
 * += sum dy (when not NULL), and dxhat = dy * gamma[y_i, c] (in place allowed).
 * xhat is recomputed from the batchnorm's input and batch statistics:
 * xhat = (x - mean[c]) * invstd[c]. */
void gan_class_affine_backward(float *dxhat, float *dgamma, float *dbeta, const float *dy, const float *x,
                               const float *mean, const float *invstd, const float *gamma,
                               const int32_t *labels, int c, int n, long hw, int classes,
                               const gan_batch_sync *split);

/* pooled[c, i] = sum over HW of h[c, i, :]; logits[i] += <E[y_i], pooled[:, i]>. */
void gan_projection_forward(float *logits, float *pooled, const float *h, const float *embed,
                            const int32_t *labels, int c, int n, long hw);
/* dh[c, i, :] += dlogits[i] * E[y_i, c]; dE[y_i, c] += dlogits[i] * pooled[c, i]
 * (dembed may be NULL). */
void gan_projection_backward(float *dh, float *dembed, const float *dlogits, const float *pooled,
                             const float *embed, const int32_t *labels, int c, int n, long hw, int classes,
                             const gan_batch_sync *split);

/* The projection's embedding read as a classifier (the discriminator's class
 * loss, train.class_loss): logits[i, k] = <E[k], pooled[:, i]>, [n, classes]
 * batch-major as gan_softmax_ce_forward takes them. */
void gan_projection_class_logits(float *logits, const float *pooled, const float *embed, int classes, int c,
                                 int n);
/* Given dlogits [n, classes]: dh[c, i, :] += sum_k dlogits[i, k] E[k, c]
 * (dh may be NULL) and dE[k, c] += sum_i dlogits[i, k] pooled[c, i] (dembed
 * may be NULL). */
void gan_projection_class_backward(float *dh, float *dembed, const float *dlogits, const float *pooled,
                                   const float *embed, int classes, int c, int n, long hw,
                                   const gan_batch_sync *split);

#endif
