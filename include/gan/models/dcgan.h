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
 * a checkpoint is one write. Saved activations come from an arena sized for
 * `max_batch` at build time: the training step never allocates. Working
 * memory that lives only inside one pass is the caller's (gan/core/work.h).
 *
 * Progressive growing (arch.grow_from > 0; Karras et al. 2018 on these
 * blocks): the same stages, plus a 1x1 convolution per smaller resolution
 * that G's features leave by (toRGB, then tanh) and D's input enters by
 * (fromRGB, then LeakyReLU). gan_net_set_phase picks the resolution the net
 * works at and the newest block's blend a: while a < 1, G's image is
 * (1 - a) up2(toRGB(older features)) + a (newest block's image), and D's
 * newest block is faded in over fromRGB(avgpool2(image)) the same way. At
 * the full size with a = 1 the net is the DCGAN above, and the extra
 * convolutions sit unused: every phase has the one layout. */
#ifndef GAN_MODELS_DCGAN_H
#define GAN_MODELS_DCGAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "gan/core/arena.h"
#include "gan/core/error.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/data/classes.h"
#include "gan/nn/conv_geom.h"

/* A discriminator keeps each layer's im2col matrix for its weight gradient
 * when they total at most this (small images: speed), and rebuilds them in
 * backward above it (large images: memory). */
#define GAN_KEEP_COLS_BYTES ((size_t)64 << 20)

/* The image sides the networks are built for. */
#define GAN_IMAGE_SIZES "16, 32, 64 or 128"
static inline bool gan_image_size_valid(int s) { return s == 16 || s == 32 || s == 64 || s == 128; }

/* D's normalisation: BatchNorm2d after each inner conv (DCGAN), spectral
 * normalisation of every conv weight (SNGAN: no batchnorm), or neither. */
typedef enum { GAN_NORM_BATCH, GAN_NORM_SPECTRAL, GAN_NORM_NONE } gan_norm;

/* How a conditional G takes its class: a learned embedding (nz numbers)
 * concatenated with z at the input, or conditional batchnorm (every BN of G
 * has a gamma and a beta per class). D is a projection discriminator either
 * way (Miyato & Koyama 2018): its logit gains <embed(y), sum-pooled h>. */
typedef enum { GAN_GCOND_CONCAT, GAN_GCOND_BATCHNORM } gan_g_cond;

typedef struct {
    int image_size;    /* one of GAN_IMAGE_SIZES */
    int channels;      /* 1 (grey) or 3 (RGB) */
    int nz;            /* latent size */
    int ngf, ndf;      /* base widths of G and D */
    gan_norm d_norm;   /* D's normalisation (G always has batchnorm) */
    int classes;       /* 0: unconditional; else 2 .. GAN_MAX_CLASSES */
    gan_g_cond g_cond; /* with classes */
    int grow_from;     /* progressive growing's first resolution (4 .. image_size, a power of two); 0: off */
} gan_arch;

typedef enum {
    GAN_NET_GENERATOR,     /* G: z [nz, N] -> images [C, N, S, S] */
    GAN_NET_DISCRIMINATOR, /* D: images -> one logit per image [1, N] */
    GAN_NET_TRUNK          /* D without its logit layer, batchnorm after every conv: a feature extractor */
} gan_net_kind;

/* PyTorch's module.train() / module.eval(): batch statistics (and a running-
 * statistics update) or the running statistics. */
typedef enum { GAN_MODE_EVAL, GAN_MODE_TRAIN } gan_mode;

/* Which gradients a backward pass computes (flags, or-ed). */
typedef enum {
    GAN_GRAD_PARAMS = 1, /* accumulate into net->grads */
    GAN_GRAD_INPUT = 2   /* return the input's gradient */
} gan_grad;

typedef enum { GAN_ACT_NONE, GAN_ACT_RELU, GAN_ACT_LEAKY, GAN_ACT_TANH } gan_act;

enum { GAN_MAX_STAGES = 8 };

typedef struct {
    bool transposed;    /* ConvTranspose2d rather than Conv2d */
    gan_conv_geom geom; /* at n = max_batch */
    bool bn;            /* followed by BatchNorm2d */
    bool cbn;           /* conditional: gamma, beta are [classes, OC] (a conditional G's batchnorm) */
    bool sn;            /* spectrally normalised weight: w is PyTorch's weight_orig */
    gan_act act;
    int seq_conv, seq_bn; /* indices in the equivalent nn.Sequential */
    /* parameters, gradients (views into the net's flat buffers) */
    float *w, *gamma, *beta;
    float *dw, *dgamma, *dbeta;
    float *running_mean, *running_var;
    /* saved activations, sized for max_batch: */
    float *pre;           /* conv output [OC, N, OH, OW] */
    float *out;           /* after BN and activation (== pre when neither) */
    float *col;           /* conv: im2col of the input kept for the weight gradient, or NULL */
    float *mean, *invstd; /* batch statistics from the last training forward */
    float *u, *v;         /* sn: the power iteration's vectors [OC], [C*K*K] (buffers, like running stats) */
    float *w_sn;          /* sn: w / sigma, the weight the last forward used */
    float sigma;          /* sn: its sigma */
} gan_stage;

typedef struct {
    gan_arch arch;
    gan_net_kind kind;
    int max_batch;
    int nstages;
    gan_stage st[GAN_MAX_STAGES];
    float slope; /* LeakyReLU slope (0.2) */
    float bn_momentum, bn_eps;
    /* flat parameter-shaped buffers */
    size_t nparams;
    float *params, *grads, *adam_m, *adam_v;
    /* BN running statistics (PyTorch buffers, not parameters) */
    size_t nstats;
    float *stats;
    int64_t num_batches_tracked;
    float *sn_grad;     /* spectral norm: the gradient of w_sn, before it becomes w's [largest weight] */
    const float *input; /* the input of the last forward */
    int last_n;         /* batch size of the last forward */
    /* a conditional net (arch.classes > 0; never a trunk) */
    gan_classes classes;      /* the class names: the caller's to fill (gan_net_free frees them) */
    float *embed, *dembed;    /* G (concat): [classes, nz]; D: [classes, C] for the last hidden layer's C */
    float *embed_sn;          /* D with spectral norm: embed / sigma, and its power-iteration vectors: */
    float *embed_u, *embed_v; /* [classes], [C] (buffers, with the running stats) */
    float embed_sigma;
    float *x0;     /* G (concat): the first layer's input, z over the class embeddings [2 nz, n] */
    float *pooled; /* D: the last hidden layer sum-pooled, [C, n] */
    /* D: the embedding read as a classifier (gan_net_class_loss): logits and
     * their gradient [n, classes]; the gradient joins the next backward */
    float *class_logits, *class_dlogits;
    bool class_grad_pending;
    float *ones, *zeros;   /* conditional batchnorm: the batchnorm's own (unit) affine */
    const int32_t *labels; /* the labels of the last forward */
    /* progressive growing (arch.grow_from > 0): */
    int size;    /* the side of the images the net makes or judges now (image_size when not growing) */
    float blend; /* the newest block's weight a in its fade (1: fully in) */
    gan_stage rgb[GAN_MAX_STAGES]; /* G: toRGB after stage i; D: fromRGB before stage i (geom.k == 0: none) */
    float *fade_small;             /* G: up2's input gradient; D: the pooled input [C, N, S/2, S/2] */
    float *fade_grad;              /* D: the pooled input's gradient [C, N, S/2, S/2] */
    float *fade_big;  /* G: the upsampled older image [C, N, S, S]; D: the blend of the newest block */
    float *fade_out;  /* G: the blended image [C, N, S, S] */
    float *fade_side; /* G: the older toRGB's gradient into its stage; D: the pooled path's input gradient */
    gan_arena arena;
} gan_net;

/* Checks an architecture; on failure the message reads "<where><field>: ..."
 * (where = "config: model." or "g.bin: metadata arch.", say). */
gan_status gan_arch_check(const gan_arch *a, const char *where, gan_error *err);
/* Builds a network of `kind` with buffers for batches up to max_batch.
 * Parameters are zero; call gan_net_init_weights. GAN_OK or GAN_ERR_NOMEM. */
gan_status gan_net_build(gan_net *net, const gan_arch *arch, gan_net_kind kind, int max_batch);
void gan_net_free(gan_net *net);
/* Plans the net without allocating (stage table and sizes only, so
 * gan_net_work_plan works on it) and returns the bytes gan_net_build would
 * take for its buffers: what a memory estimate needs before anything is
 * allocated. Free nothing afterwards. */
size_t gan_net_plan(gan_net *net, const gan_arch *arch, gan_net_kind kind, int max_batch);
/* The working memory forward and backward need (see gan/core/work.h). */
gan_work_plan gan_net_work_plan(const gan_net *net);
/* Floats of the largest gradient that one sum over the batch gives (a
 * conv's weight, a class affine's gammas and betas, an embedding): the
 * deterministic mode's tree works on one at a time. */
size_t gan_net_largest_grad(const gan_net *net);
/* DCGAN init: conv weights N(0, 0.02); BN gamma N(1, 0.02), beta 0; running mean 0, var 1. */
void gan_net_init_weights(gan_net *net, gan_rng *rng);

/* Progressive growing: the net works at `size` (grow_from .. image_size, a
 * power of two) with the newest block at weight blend (0 < blend <= 1; at
 * grow_from it is 1, there being no older block). A net that does not grow
 * takes only (image_size, 1). */
void gan_net_set_phase(gan_net *net, int size, float blend);
/* Whether nets of this arch can work at side `size`: a power of two from
 * grow_from to image_size when they grow, else image_size alone. */
bool gan_arch_side_valid(const gan_arch *a, int size);
/* The same for a built net (a trunk never grows). */
bool gan_net_size_valid(const gan_net *net, int size);

/* Size of the input and output per sample at the net's size S (net->size): G in = nz, out = C*S*S; D in = C*S*S, out = 1;
 * a trunk's out is its last layer's channels * 4 * 4. */
long gan_net_in_size(const gan_net *net);
long gan_net_out_size(const gan_net *net);

/* Forward for n <= max_batch samples. input is channel-major [Cin, n, H, W]
 * (for G: [nz, n]); labels, the class of each sample, are given exactly
 * when the net is conditional (else NULL). Both must stay unchanged until
 * backward. Returns the output, channel-major [Cout, n, OH, OW], owned by
 * the net. */
const float *gan_net_forward(gan_net *net, const gan_work *work, const float *input, const int32_t *labels,
                             int n, gan_mode mode);
/* Backward of the last forward given dout (its output's shape; it may be
 * overwritten). Without GAN_GRAD_PARAMS no weight gradient is computed;
 * without GAN_GRAD_INPUT the first layer's input-gradient GEMM is skipped
 * and NULL returned. The input gradient lives in work->grad[]. */
float *gan_net_backward(gan_net *net, const gan_work *work, float *dout, gan_grad grads);

/* A generator's batchnorm running statistics measured afresh: the mean over
 * `batches` training-mode passes on N(0, 1) latents from rng (momentum 1/k
 * on pass k, PyTorch's momentum=None), each of n <= max_batch latents in z
 * [nz, n] (a conditional G: with classes drawn uniformly into labels[n];
 * else labels is NULL). The weights are untouched. */
void gan_net_measure_bn(gan_net *net, const gan_work *work, gan_rng *rng, float *z, int32_t *labels, int n,
                        int batches);
/* A conditional D's class loss (an auxiliary classifier on D's features,
 * AC-GAN's idea, with the projection's embedding as the classifier's
 * weights): the softmax cross-entropy of <E[k], pooled h> over the classes k
 * against the labels of the last forward, mean over its n. Its gradient,
 * times scale, is added to the next gan_net_backward's (which takes it once).
 * Returns the loss. */
double gan_net_class_loss(gan_net *net, float scale);
/* That cross-entropy summed over samples [lo, hi) of the last forward. */
double gan_net_class_loss_sum(const gan_net *net, int lo, int hi);
/* Draws n class labels uniformly (a conditional net's classes). */
void gan_net_draw_labels(const gan_net *net, gan_rng *rng, int32_t *labels, int n);

void gan_net_zero_grad(gan_net *net);
/* One Adam step (PyTorch's rule) over all parameters; t is the 1-based step. */
void gan_net_adam(gan_net *net, float lr, float beta1, float beta2, float eps, int64_t t);

/* What a state_dict entry is, in PyTorch's terms. */
typedef enum {
    GAN_TENSOR_PARAM,        /* a Parameter (conv weight, BN weight and bias) */
    GAN_TENSOR_RUNNING_STAT, /* a buffer: BN's running_mean, running_var; spectral norm's weight_u, weight_v */
    GAN_TENSOR_BATCH_COUNT   /* BN's num_batches_tracked, an int64 scalar */
} gan_tensor_kind;

/* The PyTorch state_dict name of each tensor, in order, with its shape and
 * data; call gan_net_tensor with i from 0 to gan_net_tensor_count - 1. A
 * conditional net's module is no longer an nn.Sequential but keeps its
 * names (scripts/torch/cond_dcgan.py): its class embedding comes last as
 * "embed.weight" (with spectral norm "embed.weight_orig", "_u", "_v"), and
 * conditional batchnorm weights and biases are [classes, C]. */
typedef struct {
    char name[48];
    int ndim;
    int64_t shape[4];
    float *data; /* NULL for GAN_TENSOR_BATCH_COUNT (net->num_batches_tracked) */
    size_t count;
    gan_tensor_kind kind;
} gan_tensor_ref;
int gan_net_tensor_count(const gan_net *net);
void gan_net_tensor(const gan_net *net, int i, gan_tensor_ref *ref);

#endif
