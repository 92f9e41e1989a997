/* DCGAN generator and discriminator (Radford et al.) built from gan's layers.
 *
 * A network is a list of stages; a stage is a (transposed) convolution, an
 * optional BatchNorm2d and an activation, mirroring PyTorch's nn.Sequential
 * of the DCGAN example:
 *   G: ConvT(nz, ngf*2^(L-1), 4, 1, 0) BN ReLU, then ConvT(., ./2, 4, 2, 1)
 *      BN ReLU while the image grows, then ConvT(ngf, C, 4, 2, 1) Tanh
 *   D: Conv(C, ndf, 4, 2, 1) LeakyReLU(0.2), then Conv(., 2x, 4, 2, 1) BN
 *      LeakyReLU(0.2) down to 4x4, then Conv(., 1, 4, 1, 0) -> one logit
 * with L = log2(image_size / 4); no convolution has a bias.
 *
 * All parameters live in one contiguous buffer (gradients, Adam moments
 * likewise), in the order of the PyTorch state_dict, so Adam is one loop and
 * a checkpoint is one write. Activations and workspaces come from an arena
 * sized for `max_batch` at build time: the training step never allocates. */
/* A discriminator keeps each layer's im2col matrix for its weight gradient
 * when they total at most GAN_KEEP_COLS_BYTES (small images: speed), and
 * rebuilds them in backward above that (large images: memory). */
#define GAN_KEEP_COLS_BYTES ((size_t)64 << 20)
#ifndef GAN_DCGAN_H
#define GAN_DCGAN_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/arena.h"
#include "gan/nn/layers.h"
#include "gan/core/rng.h"

typedef struct {
    int image_size; /* 16, 32, 64 or 128 */
    int channels;   /* 1 (grey) or 3 (RGB) */
    int nz;         /* latent size */
    int ngf, ndf;   /* base widths of G and D */
} gan_arch;

typedef enum { GAN_ACT_NONE, GAN_ACT_RELU, GAN_ACT_LEAKY, GAN_ACT_TANH } gan_act;

enum { GAN_MAX_STAGES = 8 };

typedef struct {
    int transpose;      /* ConvTranspose2d rather than Conv2d */
    int c, h, oc, k, s, p; /* input channels and (square) size, conv settings */
    int oh;             /* output size */
    int bn;             /* followed by BatchNorm2d */
    gan_act act;
    int seq_conv, seq_bn;  /* indices in the equivalent nn.Sequential */
    /* parameters, gradients (views into the net's flat buffers) */
    float *w, *gamma, *beta;
    float *dw, *dgamma, *dbeta;
    float *running_mean, *running_var;
    /* saved activations, sized for max_batch: */
    float *pre;   /* conv output [OC, N, OH, OW] */
    float *out;   /* after BN and activation (== pre when neither) */
    float *col;   /* conv: im2col of the input kept for the weight gradient, or NULL */
    float *mean, *invstd; /* batch statistics from the last training forward */
} gan_stage;

typedef struct {
    gan_arch arch;
    int generator;       /* 1 for G, 0 for D */
    int trunk;           /* D's feature trunk (gan_net_build_trunk) */
    int max_batch;
    int nstages;
    gan_stage st[GAN_MAX_STAGES];
    float slope;         /* LeakyReLU slope (0.2) */
    float bn_momentum, bn_eps;
    /* flat parameter-shaped buffers */
    size_t nparams;
    float *params, *grads, *adam_m, *adam_v;
    /* BN running statistics (PyTorch buffers, not parameters) */
    size_t nstats;
    float *stats;
    int64_t num_batches_tracked;
    /* Working memory used only inside one forward or backward call, so two
     * nets that never run at once can share it (gan_net_share_scratch):
     * the im2col/col2im workspace of the largest layer, and two gradient
     * buffers of the largest activation that backward ping-pongs between. */
    float *scratch, *gbuf[2];
    size_t scratch_size, gbuf_size;
    float *work;         /* the block holding all three */
    int owns_work;
    gan_pool *pool;      /* threads for gan's own loops; NULL: serial. Not owned. */
    const float *input;  /* the input of the last forward */
    int last_n;          /* batch size of the last forward */
    gan_arena arena;
} gan_net;

/* Checks an architecture; returns NULL when fine, else a message naming the field. */
const char *gan_arch_check(const gan_arch *a);
/* Builds G (generator=1) or D with buffers for batches up to max_batch.
 * Parameters are zero; call gan_net_init_weights. Returns 0 or -1 (no memory). */
int gan_net_build(gan_net *net, const gan_arch *arch, int generator, int max_batch);
/* Builds D's convolutional trunk as a feature extractor for a classifier:
 * D without its last (logit) layer and with BatchNorm after every
 * convolution, ending in [ndf * 2^(L-1), N, 4, 4]. */
int gan_net_build_trunk(gan_net *net, const gan_arch *arch, int max_batch);
void gan_net_free(gan_net *net);
/* Makes b use a's working memory (grown to fit both) and frees b's own: G
 * and D run one after the other, so one workspace serves both. Free b before a, or at
 * least do not use b after a is freed. Returns 0 or -1 (no memory). */
int gan_net_share_scratch(gan_net *a, gan_net *b);
/* DCGAN init: conv weights N(0, 0.02); BN gamma N(1, 0.02), beta 0; running mean 0, var 1. */
void gan_net_init_weights(gan_net *net, gan_rng *rng);

/* Size of the input and output per sample: G in = nz, out = C*S*S; D in = C*S*S, out = 1;
 * a trunk's out is its last layer's channels * 4 * 4. */
long gan_net_in_size(const gan_net *net);
long gan_net_out_size(const gan_net *net);

/* Forward for n <= max_batch samples. input is channel-major [Cin, n, H, W]
 * (for G: [nz, n]); it must stay unchanged until backward. train selects
 * batch statistics (and updates running ones) or running statistics.
 * Returns the output, channel-major [Cout, n, OH, OW], owned by the net. */
const float *gan_net_forward(gan_net *net, const float *input, int n, int train);
/* Backward of the last forward given dout (same shape as its output).
 * param_grads: accumulate into net->grads (else skip all weight-gradient
 * work); input_grad: return the gradient for the input (else NULL and the
 * first layer's input-gradient GEMM is skipped). dout may be overwritten. */
const float *gan_net_backward(gan_net *net, float *dout, int param_grads, int input_grad);

void gan_net_zero_grad(gan_net *net);
/* One Adam step (PyTorch's rule) over all parameters; t is the 1-based step. */
void gan_net_adam(gan_net *net, float lr, float beta1, float beta2, float eps, long t);

/* The PyTorch state_dict name of each tensor, in order: fills name/shape and
 * a pointer to its data. kind: 0 parameter, 1 running stat, 2 num_batches_tracked.
 * Returns the number of tensors; call with i from 0 to that count. */
typedef struct {
    char name[48];
    int ndim;
    int64_t shape[4];
    float *data;   /* NULL for num_batches_tracked (an int64 scalar in PyTorch) */
    size_t count;
    int kind;
} gan_tensor_ref;
int gan_net_tensor_count(const gan_net *net);
void gan_net_tensor(const gan_net *net, int i, gan_tensor_ref *ref);

#endif
