/* 2-D convolution and transposed convolution (PyTorch's Conv2d and
 * ConvTranspose2d), on channel-major activations, as im2col/col2im + SGEMM.
 * Outputs first, then saved state and inputs, the geometry last; backward
 * accumulates into parameter gradients, and a NULL gradient skips its work.
 * split: NULL, or a deterministic-mode batch (gan/core/batch_sync.h): every
 * SGEMM then runs one partial at a time, and the weight gradient added is
 * the tree sum over the partials and the processes. */
#ifndef GAN_NN_CONV_H
#define GAN_NN_CONV_H

#include "gan/core/batch_sync.h"
#include "gan/core/gemm.h"
#include "gan/core/pool.h"
#include "gan/nn/conv_geom.h"

/* ---- conv2d: weight [OC, C, K, K], bias [OC] or NULL, out [OC, N, OH, OW].
 * col: workspace [C*K*K, N*OH*OW]; forward leaves im2col(in) in it.
 * Backward needs im2col(in) for the weight gradient: pass the forward's
 * matrix as saved_col if it was kept, or NULL to rebuild it in ws (a
 * workspace of the same size, also used for the input gradient). Keeping
 * costs memory, rebuilding costs an im2col: the network chooses. */
void gan_conv2d_forward(float *out, float *col, const float *in, const float *weight, const float *bias,
                        const gan_conv_geom *g, gan_pool *pool, const gan_batch_sync *split);
void gan_conv2d_backward(float *din, float *dweight, float *dbias, float *ws, const float *dout,
                         const float *in, const float *saved_col, const float *weight, const gan_conv_geom *g,
                         gan_pool *pool, const gan_batch_sync *split);

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

/* The SGEMM each pass of a layer runs (a conv's weight gradient accumulates
 * into dweight; its input gradient is the one before col2im). The layers'
 * own calls take their shapes from these, so anything that needs the GEMMs
 * of a network (gan bench's bound) reads them here, never re-derives them. */
typedef enum { GAN_PASS_FORWARD, GAN_PASS_WEIGHT_GRAD, GAN_PASS_INPUT_GRAD } gan_conv_pass;
gan_gemm_shape gan_conv2d_gemm(const gan_conv_geom *g, gan_conv_pass pass);
gan_gemm_shape gan_conv_transpose2d_gemm(const gan_conv_geom *g, gan_conv_pass pass);

/* Floats of the workspace a transposed convolution needs, [OC*K*K, N*H*W]. */
static inline size_t gan_convt_col_floats(const gan_conv_geom *g)
{
    return (size_t)g->oc * g->k * g->k * g->n * g->h * g->w;
}

#endif
