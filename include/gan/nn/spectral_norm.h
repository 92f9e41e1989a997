/* Spectral normalisation of a weight (Miyato et al. 2018), as PyTorch's
 * torch.nn.utils.spectral_norm with one power iteration: W is viewed as a
 * matrix [rows, cols] (a conv weight [OC, C*K*K]); persistent vectors u
 * [rows] and v [cols] estimate its largest singular value
 *   v = normalize(W^T u), u = normalize(W v)   (training forwards only)
 *   sigma = u^T W v,  W_sn = W / sigma
 * and backward treats u and v as constants. */
#ifndef GAN_NN_SPECTRAL_NORM_H
#define GAN_NN_SPECTRAL_NORM_H

#include <stdbool.h>

/* w_sn = w / sigma; returns sigma. With update, u and v take one power
 * iteration first (PyTorch does so in every forward in training mode). */
float gan_spectral_norm_forward(float *w_sn, float *u, float *v, const float *w, int rows, int cols,
                                bool update);

/* dw += (g - <g, w_sn> u v^T) / sigma, for g = dL/dw_sn. */
void gan_spectral_norm_backward(float *dw, const float *g, const float *w_sn, const float *u, const float *v,
                                float sigma, int rows, int cols);

/* x / max(|x|, 1e-12), PyTorch's normalize. */
void gan_normalize(float *x, int n);

#endif
