#include "gan/models/style_transfer.h"

#include <stdlib.h>
#include <string.h>

#include "gan/nn/gram.h"
#include "gan/nn/style_loss.h"

static const gan_vgg_layer STYLE_AT[GAN_STYLE_LAYERS] = {GAN_VGG_CONV1_1, GAN_VGG_CONV2_1, GAN_VGG_CONV3_1,
                                                         GAN_VGG_CONV4_1, GAN_VGG_CONV5_1};
static const gan_vgg_layer CONTENT_AT = GAN_VGG_CONV4_2, DEEPEST = GAN_VGG_CONV5_1;

gan_vgg_layer gan_vgg_layer_of_style(int k) { return STYLE_AT[k]; }

static int channels_at(int k) { return gan_vgg_channels_out(STYLE_AT[k]); }
static long map_plane(const gan_vgg_net *net, gan_vgg_layer l)
{
    return (long)net->geom[l].oh * net->geom[l].ow;
}

/* The Gram matrices (targets, current, gradients) and gan_gram_backward's workspace. */
static size_t gram_floats(void)
{
    size_t n = 0;
    for (int k = 0; k < GAN_STYLE_LAYERS; k++) n += 3u * channels_at(k) * channels_at(k);
    return n + (size_t)512 * 512;
}

/* relu4_2's map: three poolings in, each halving the sides (rounding down). */
static long content_floats(int h, int w)
{
    return (long)gan_vgg_channels_out(CONTENT_AT) * (h / 8) * (w / 8);
}

/* The maps the losses read: every style layer's and the content layer's. */
static uint32_t loss_maps(void) { return gan_vgg_keep(STYLE_AT, GAN_STYLE_LAYERS) | 1u << CONTENT_AT; }

size_t gan_style_problem_bytes(int h, int w, int sh, int sw)
{
    const size_t own = gan_vgg_net_bytes(h, w, DEEPEST, loss_maps()),
                 style = gan_vgg_net_bytes(sh, sw, DEEPEST, loss_maps());
    return (own > style ? own : style) + sizeof(float) * (gram_floats() + (size_t)content_floats(h, w));
}

static void gram_of(float *gram, const gan_vgg_net *net, int k, gan_pool *pool)
{
    const long hw = map_plane(net, STYLE_AT[k]);
    const int c = channels_at(k);
    gan_gram_forward(gram, net->act[STYLE_AT[k]], c, hw, 1.0f / (float)(c * hw), pool);
}

/* The style picture's Gram matrices, from a pass of its own size. */
static gan_status style_targets(gan_style_problem *p, const gan_vgg_weights *wt, const float *style, int sh,
                                int sw, gan_error *err)
{
    gan_vgg_net net;
    gan_status rc = gan_vgg_net_build(&net, wt, sh, sw, DEEPEST, loss_maps(), err);
    if (rc != GAN_OK) return rc;
    gan_vgg_forward(&net, style, p->pool);
    for (int k = 0; k < GAN_STYLE_LAYERS; k++) gram_of(p->gram_target[k], &net, k, p->pool);
    gan_vgg_net_free(&net);
    return GAN_OK;
}

gan_status gan_style_problem_init(gan_style_problem *p, const gan_vgg_weights *wt, const float *content,
                                  int h, int w, const float *style, int sh, int sw, gan_style_weights weights,
                                  gan_pool *pool, gan_error *err)
{
    memset(p, 0, sizeof *p);
    p->weights = weights, p->pool = pool, p->h = h, p->w = w;
    p->content_n = content ? content_floats(h, w) : 0;
    p->block = malloc(sizeof(float) * (gram_floats() + (size_t)p->content_n));
    if (!p->block) return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the style targets");
    float *at = p->block;
    for (int k = 0; k < GAN_STYLE_LAYERS; k++) {
        const size_t cc = (size_t)channels_at(k) * channels_at(k);
        p->gram_target[k] = at, p->gram[k] = at + cc, p->dgram[k] = at + 2 * cc;
        at += 3 * cc;
    }
    p->gram_ws = at, at += (size_t)512 * 512;
    p->content_target = content ? at : NULL;
    gan_status rc = style_targets(p, wt, style, sh, sw, err);
    if (rc == GAN_OK) rc = gan_vgg_net_build(&p->net, wt, h, w, DEEPEST, loss_maps(), err);
    if (rc == GAN_OK && content) {
        gan_vgg_forward(&p->net, content, pool);
        memcpy(p->content_target, p->net.act[CONTENT_AT], sizeof(float) * (size_t)p->content_n);
    }
    if (rc != GAN_OK) gan_style_problem_free(p);
    return rc;
}

void gan_style_problem_free(gan_style_problem *p)
{
    gan_vgg_net_free(&p->net);
    free(p->block);
    memset(p, 0, sizeof *p);
}

/* The loss's gradient at map l (gan_vgg_tap_fn): the content term at
 * relu4_2, a Gram term at each style layer. */
static void tap(void *ctx, gan_vgg_layer l, const float *map, float *dmap)
{
    gan_style_problem *p = ctx;
    if (l == CONTENT_AT && p->content_target)
        gan_content_loss(dmap, map, p->content_target, p->content_n, (float)p->weights.content);
    for (int k = 0; k < GAN_STYLE_LAYERS; k++) {
        if (STYLE_AT[k] != l) continue;
        const long hw = map_plane(&p->net, l);
        gan_gram_backward(dmap, p->dgram[k], map, channels_at(k), hw, 1.0f / (float)(channels_at(k) * hw),
                          p->gram_ws, p->pool);
    }
}

double gan_style_problem_eval(gan_style_problem *p, const float *x, float *grad, gan_style_terms *terms)
{
    const gan_style_weights *wt = &p->weights;
    gan_vgg_forward(&p->net, x, p->pool);
    gan_style_terms t = {0};
    for (int k = 0; k < GAN_STYLE_LAYERS; k++) {
        gram_of(p->gram[k], &p->net, k, p->pool);
        t.style += gan_gram_loss(p->dgram[k], p->gram[k], p->gram_target[k], channels_at(k),
                                 (float)(wt->style / GAN_STYLE_LAYERS)) /
                   GAN_STYLE_LAYERS;
    }
    if (p->content_target)
        t.content = gan_content_loss(NULL, p->net.act[CONTENT_AT], p->content_target, p->content_n, 0.0f);
    if (grad) gan_vgg_backward(&p->net, tap, p, grad, p->pool);
    t.tv = gan_tv_loss(grad, x, 3, p->h, p->w, (float)wt->tv);
    t.loss = wt->content * t.content + wt->style * t.style + wt->tv * t.tv;
    if (terms) *terms = t;
    return t.loss;
}
