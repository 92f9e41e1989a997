/* The feature network of style transfer: VGG-19's convolutions up to
 * conv5_1 (Simonyan & Zisserman 2015) on one picture: 3x3 convolutions with
 * bias and ReLU in five blocks, 2x2 average pooling between them (Gatys et
 * al. 2016 swap VGG's max pooling for average pooling: smoother gradients
 * for the picture being optimised). The picture [3, H, W] in [0, 1] is first
 * normalised with ImageNet's mean and deviation, as torchvision's models
 * expect.
 *
 * The weights are torchvision's vgg19().features (features.0 ... features.28)
 * from a file, or fixed random ones (He et al. 2016: random weights carry
 * texture statistics when each layer keeps its activations' scale). They
 * are apart from the passes, so two pictures of different sizes share one
 * copy. A pass keeps the ReLU outputs its caller reads (the loss's maps)
 * and, of every other layer, only which of its ReLUs were on, a byte each:
 * the backward gives the gradient of the picture only (the weights are
 * fixed), and a convolution's input gradient needs its weights alone. */
#ifndef GAN_MODELS_VGG19_H
#define GAN_MODELS_VGG19_H

#include <stddef.h>
#include <stdint.h>

#include "gan/core/arena.h"
#include "gan/core/error.h"
#include "gan/core/pool.h"
#include "gan/nn/conv_geom.h"

/* The convolutions, by their usual names; each is followed by its ReLU
 * (relu1_1 is layer GAN_VGG_CONV1_1's output). */
typedef enum {
    GAN_VGG_CONV1_1,
    GAN_VGG_CONV1_2,
    GAN_VGG_CONV2_1,
    GAN_VGG_CONV2_2,
    GAN_VGG_CONV3_1,
    GAN_VGG_CONV3_2,
    GAN_VGG_CONV3_3,
    GAN_VGG_CONV3_4,
    GAN_VGG_CONV4_1,
    GAN_VGG_CONV4_2,
    GAN_VGG_CONV4_3,
    GAN_VGG_CONV4_4,
    GAN_VGG_CONV5_1,
    GAN_VGG_LAYERS
} gan_vgg_layer;

/* The smallest picture side: conv5_1 then still sees a 1x1 map. */
enum { GAN_VGG_MIN_SIDE = 16 };

typedef struct {
    float *params; /* every weight and bias, one buffer */
    size_t nparams;
    float *weight[GAN_VGG_LAYERS], *bias[GAN_VGG_LAYERS]; /* [OC, C, 3, 3], [OC] */
} gan_vgg_weights;

/* A layer's channels in and out. */
int gan_vgg_channels_in(gan_vgg_layer l);
int gan_vgg_channels_out(gan_vgg_layer l);
/* torchvision's index of the layer in vgg19().features. */
int gan_vgg_torchvision_index(gan_vgg_layer l);

/* Random weights from seed: each filter N(0, 2 / (9 C)) (He et al. 2015's
 * scale, so each ReLU layer keeps its input's second moment), biases 0. */
gan_status gan_vgg_weights_random(gan_vgg_weights *w, uint64_t seed, gan_error *err);
/* Room for the weights (gan/io/vgg_weights.h fills it from a file). */
gan_status gan_vgg_weights_alloc(gan_vgg_weights *w, gan_error *err);
void gan_vgg_weights_free(gan_vgg_weights *w);

typedef struct {
    const gan_vgg_weights *wt;
    int h, w;
    int depth; /* the deepest layer run */
    gan_conv_geom geom[GAN_VGG_LAYERS];
    uint32_t keep;                 /* layers whose maps stay after forward (bit l: layer l) */
    float *input;                  /* the normalised picture [3, H, W] */
    float *act[GAN_VGG_LAYERS];    /* a kept layer's ReLU output [OC, h, w], else NULL */
    uint8_t *on[GAN_VGG_LAYERS];   /* another layer's ReLUs: on[i] = 1 where on, else 0 */
    float *pooled[GAN_VGG_LAYERS]; /* a block's first layer: its pooled input, else NULL */
    float *ws;                     /* the banded convolutions' workspace */
    size_t ws_floats;
    float
        *grad[2]; /* backward's two buffers, the largest map each (forward's scratch for the maps not kept) */
    size_t grad_floats;
    gan_arena arena; /* everything above */
} gan_vgg_net;

/* The keep set of the layers in list[0 .. n). */
uint32_t gan_vgg_keep(const gan_vgg_layer *list, int n);
/* Bytes a pass for an h x w picture through layer depth takes (without the
 * weights), keeping the maps of the layers in keep (and always depth's). */
size_t gan_vgg_net_bytes(int h, int w, gan_vgg_layer depth, uint32_t keep);
gan_status gan_vgg_net_build(gan_vgg_net *net, const gan_vgg_weights *wt, int h, int w, gan_vgg_layer depth,
                             uint32_t keep, gan_error *err);
void gan_vgg_net_free(gan_vgg_net *net);
/* Runs the picture [3, H, W] through layer depth; net->act[] hold the kept maps. */
void gan_vgg_forward(gan_vgg_net *net, const float *picture, gan_pool *pool);
/* How a loss of the maps enters backward: for each layer from the deepest
 * to the first, tap adds the loss's gradient with respect to that layer's
 * map (its ReLU's output) to dmap, where the gradient flowing from the
 * layers above already is. It adds nothing where the loss does not read
 * the map; map is NULL for a layer whose map was not kept. */
typedef void (*gan_vgg_tap_fn)(void *ctx, gan_vgg_layer layer, const float *map, float *dmap);
/* dpicture [3, H, W] = the gradient of the loss with respect to the picture
 * of the last forward. */
void gan_vgg_backward(gan_vgg_net *net, gan_vgg_tap_fn tap, void *ctx, float *dpicture, gan_pool *pool);

#endif
