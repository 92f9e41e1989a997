/* 2-D convolution (PyTorch's Conv2d), on channel-major activations, as
 * im2col + SGEMM. Outputs first, then saved state and inputs, the geometry
 * last; backward accumulates into parameter gradients, and a NULL gradient
 * skips its work. split: NULL, or a deterministic-mode batch
 * (gan/core/batch_sync.h): every SGEMM then runs one partial at a time, and
 * the weight gradient added is the tree sum over the partials and the
 * processes. */
#ifndef GAN_NN_CONV2D_H
#define GAN_NN_CONV2D_H

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

/* The SGEMM each pass runs (gan/nn/conv_geom.h's gan_conv_pass); the
 * layer's own calls take their shapes from it. */
gan_gemm_shape gan_conv2d_gemm(const gan_conv_geom *g, gan_conv_pass pass);

#endif
