/* The Adam optimiser. */
#ifndef GAN_NN_ADAM_H
#define GAN_NN_ADAM_H

#include <stddef.h>
#include <stdint.h>

/* ---- Adam, PyTorch's rule: bias-corrected, eps added outside the sqrt.
 * t is the 1-based step number after this update. */
void gan_adam_update(float *param, const float *grad, float *m, float *v, size_t n, float lr, float beta1,
                     float beta2, float eps, int64_t t);

#endif
