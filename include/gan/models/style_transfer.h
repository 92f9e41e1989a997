/* The objective of neural style transfer (Gatys, Ecker & Bethge 2016) on
 * VGG-19's features: for a picture x [3, H, W] in [0, 1],
 *   loss = content_weight * content + style_weight * style + tv_weight * tv
 * with content the normalised squared distance of x's relu4_2 map to the
 * content picture's (gan/nn/style_loss.h), style the mean over relu1_1,
 * relu2_1, relu3_1, relu4_1 and relu5_1 of the normalised squared distance
 * of x's Gram matrices (F F^T / (C H W)) to the style picture's, and tv the
 * picture's total variation. Without a content picture it is texture
 * synthesis's objective (style and tv). The targets are computed once;
 * each evaluation is one forward and one backward of the network. */
#ifndef GAN_MODELS_STYLE_TRANSFER_H
#define GAN_MODELS_STYLE_TRANSFER_H

#include <stddef.h>

#include "gan/core/error.h"
#include "gan/core/pool.h"
#include "gan/models/vgg19.h"

enum { GAN_STYLE_LAYERS = 5 };
/* The layer of style term k (0: conv1_1's ReLU ... 4: conv5_1's). */
gan_vgg_layer gan_vgg_layer_of_style(int k);

typedef struct {
    double content, style, tv;
} gan_style_weights;

/* One evaluation: the weighted loss and its terms, unweighted. */
typedef struct {
    double loss, content, style, tv;
} gan_style_terms;

typedef struct {
    gan_style_weights weights;
    gan_pool *pool;  /* not owned */
    gan_vgg_net net; /* the picture's pass */
    int h, w;
    float *gram_target[GAN_STYLE_LAYERS], *gram[GAN_STYLE_LAYERS], *dgram[GAN_STYLE_LAYERS], *gram_ws;
    float *content_target; /* relu4_2 of the content picture, or NULL */
    long content_n;
    void *block;
} gan_style_problem;

/* Bytes a problem for an h x w picture and a style picture of sh x sw takes
 * at its peak (the style picture's pass is freed before the picture's is
 * built), without the weights. */
size_t gan_style_problem_bytes(int h, int w, int sh, int sw);
/* content: [3, h, w] or NULL (a texture); style: [3, sh, sw]. Sides at
 * least GAN_VGG_MIN_SIDE. */
gan_status gan_style_problem_init(gan_style_problem *p, const gan_vgg_weights *wt, const float *content,
                                  int h, int w, const float *style, int sh, int sw, gan_style_weights weights,
                                  gan_pool *pool, gan_error *err);
/* The loss at x and its gradient (grad [3, h, w], overwritten; NULL: the loss alone). */
double gan_style_problem_eval(gan_style_problem *p, const float *x, float *grad, gan_style_terms *terms);
void gan_style_problem_free(gan_style_problem *p);

#endif
