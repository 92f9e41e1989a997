/* Transposed 2-D convolution (PyTorch's ConvTranspose2d), the adjoint of
 * conv2d, on channel-major activations: SGEMM + col2im. Argument order and
 * split as gan/nn/conv2d.h. */
#ifndef GAN_NN_CONV_TRANSPOSE2D_H
#define GAN_NN_CONV_TRANSPOSE2D_H

#include "gan/core/batch_sync.h"
#include "gan/core/gemm.h"
#include "gan/core/pool.h"
#include "gan/nn/conv_geom.h"

/* ---- transposed conv2d: weight [C, OC, K, K] (PyTorch's layout), bias [OC]
 * or NULL, out [OC, N, OH, OW] with OH = (H-1)*S - 2P + K (gan_convt_geom_make).
 * col: workspace [OC*K*K, N*H*W] in forward; dcol: the same size in backward
 * (holds im2col(dout)). */
void gan_conv_transpose2d_forward(float *out, float *col, const float *in, const float *weight,
                                  const float *bias, const gan_conv_geom *g, gan_pool *pool,
                                  const gan_batch_sync *split);
void gan_conv_transpose2d_backward(float *din, float *dweight, float *dbias, float *dcol, const float *dout,
                                   const float *in, const float *weight, const gan_conv_geom *g,
                                   gan_pool *pool, const gan_batch_sync *split);

/* Floats of the workspace a transposed convolution needs, [OC*K*K, N*H*W]. */
static inline size_t gan_convt_col_floats(const gan_conv_geom *g)
{
    return (size_t)g->oc * g->k * g->k * g->n * g->h * g->w;
}

/* The SGEMM each pass runs; the layer's own calls take their shapes from it. */
gan_gemm_shape gan_conv_transpose2d_gemm(const gan_conv_geom *g, gan_conv_pass pass);

#endif
