#include "gan/models/vgg19.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/arena.h"
#include "gan/core/check.h"
#include "gan/core/rng.h"
#include "gan/nn/avgpool2d.h"
#include "gan/nn/conv2d_banded.h"
#include "gan/nn/winograd.h"

static const struct {
    int c_in, c_out, torchvision;
    bool pool_before; /* the first layer of blocks 2 to 5 reads its block's pooled input */
} LAYER[GAN_VGG_LAYERS] = {
    {3, 64, 0, false},    {64, 64, 2, false},    {64, 128, 5, true},    {128, 128, 7, false},
    {128, 256, 10, true}, {256, 256, 12, false}, {256, 256, 14, false}, {256, 256, 16, false},
    {256, 512, 19, true}, {512, 512, 21, false}, {512, 512, 23, false}, {512, 512, 25, false},
    {512, 512, 28, true},
};

/* torchvision's normalisation of an ImageNet picture */
static const float MEAN[3] = {0.485f, 0.456f, 0.406f}, STD[3] = {0.229f, 0.224f, 0.225f};

/* The convolutions' workspace for the patches or tiles of one band: 16 MiB,
 * or one row's when larger (and Winograd's transformed filters besides). */
enum { WS_FLOATS = 4 << 20 };

/* Layers with this many input channels or more run as Winograd's F(2x2,
 * 3x3) (2.25 times fewer multiply-adds); conv1_1's 3 channels make
 * products too thin for it, and run as im2col. */
enum { WINOGRAD_MIN_CHANNELS = 16 };

static bool winograd(const gan_conv_geom *g) { return g->c >= WINOGRAD_MIN_CHANNELS; }

/* The workspace a layer needs (either way it runs, both directions). */
static size_t layer_ws(const gan_conv_geom *g)
{
    if (!winograd(g)) {
        const size_t per_row = (size_t)g->c * 9 * g->ow, whole = per_row * g->oh;
        return whole < WS_FLOATS ? whole : per_row > WS_FLOATS ? per_row : WS_FLOATS;
    }
    const size_t filters = (size_t)16 * g->c * g->oc,
                 per_row = gan_winograd_min_ws(g->c, g->oc, g->w) - filters;
    const size_t whole = per_row * (size_t)((g->h + 1) / 2);
    return filters + (whole < WS_FLOATS ? whole : per_row > WS_FLOATS ? per_row : WS_FLOATS);
}

int gan_vgg_channels_in(gan_vgg_layer l) { return LAYER[l].c_in; }
int gan_vgg_channels_out(gan_vgg_layer l) { return LAYER[l].c_out; }
int gan_vgg_torchvision_index(gan_vgg_layer l) { return LAYER[l].torchvision; }

static size_t weight_count(int l) { return (size_t)LAYER[l].c_out * LAYER[l].c_in * 9; }

gan_status gan_vgg_weights_alloc(gan_vgg_weights *w, gan_error *err)
{
    memset(w, 0, sizeof *w);
    for (int l = 0; l < GAN_VGG_LAYERS; l++) w->nparams += weight_count(l) + (size_t)LAYER[l].c_out;
    w->params = malloc(sizeof(float) * w->nparams);
    if (!w->params) return gan_fail(err, GAN_ERR_NOMEM, "out of memory for VGG-19's weights");
    float *p = w->params;
    for (int l = 0; l < GAN_VGG_LAYERS; l++) {
        w->weight[l] = p, p += weight_count(l);
        w->bias[l] = p, p += LAYER[l].c_out;
    }
    return GAN_OK;
}

gan_status gan_vgg_weights_random(gan_vgg_weights *w, uint64_t seed, gan_error *err)
{
    gan_status rc = gan_vgg_weights_alloc(w, err);
    if (rc != GAN_OK) return rc;
    gan_rng rng;
    gan_rng_seed(&rng, seed);
    for (int l = 0; l < GAN_VGG_LAYERS; l++) {
        gan_rng_normal(&rng, w->weight[l], (long)weight_count(l), 0.0f, sqrtf(2.0f / (9.0f * LAYER[l].c_in)));
        memset(w->bias[l], 0, sizeof(float) * (size_t)LAYER[l].c_out);
    }
    return GAN_OK;
}

void gan_vgg_weights_free(gan_vgg_weights *w)
{
    free(w->params);
    memset(w, 0, sizeof *w);
}

/* ----------------------------------------------------------------- passes */

/* Hands out n floats of the arena; before it is reserved, only counts them. */
static float *carve(gan_arena *a, size_t n, size_t *total)
{
    *total += gan_arena_round(n);
    return a->base ? gan_arena_take(a, n) : NULL;
}

uint32_t gan_vgg_keep(const gan_vgg_layer *list, int n)
{
    uint32_t keep = 0;
    for (int i = 0; i < n; i++) keep |= 1u << list[i];
    return keep;
}

static bool kept(const gan_vgg_net *net, int l) { return (net->keep >> l) & 1u || l == net->depth; }

/* Fills the geometry and the views into the arena (sizes only when it is
 * not reserved yet); returns the floats it takes. */
static size_t layout(gan_vgg_net *net, gan_arena *arena)
{
    size_t total = 0, largest = 3 * (size_t)net->h * net->w, ws = 0;
    net->input = carve(arena, 3 * (size_t)net->h * net->w, &total);
    int h = net->h, w = net->w;
    for (int l = 0; l <= net->depth; l++) {
        const int c = LAYER[l].c_in, oc = LAYER[l].c_out;
        net->pooled[l] = NULL;
        if (LAYER[l].pool_before) {
            h /= 2, w /= 2;
            net->pooled[l] = carve(arena, (size_t)c * h * w, &total);
        }
        net->geom[l] = gan_conv_geom_make(1, c, h, w, oc, 3, 1, 1);
        const size_t n = (size_t)oc * h * w;
        net->act[l] = NULL, net->on[l] = NULL;
        if (kept(net, l)) net->act[l] = carve(arena, n, &total);
        else net->on[l] = (uint8_t *)carve(arena, (n + 3) / 4, &total); /* a byte each */
        if ((size_t)oc * h * w > largest) largest = (size_t)oc * h * w;
        if (layer_ws(&net->geom[l]) > ws) ws = layer_ws(&net->geom[l]);
    }
    net->ws_floats = ws, net->grad_floats = largest;
    net->ws = carve(arena, ws, &total);
    for (int i = 0; i < 2; i++) net->grad[i] = carve(arena, largest, &total);
    return total;
}

size_t gan_vgg_net_bytes(int h, int w, gan_vgg_layer depth, uint32_t keep)
{
    gan_vgg_net net = {.h = h, .w = w, .depth = depth, .keep = keep};
    return layout(&net, &net.arena) * sizeof(float);
}

gan_status gan_vgg_net_build(gan_vgg_net *net, const gan_vgg_weights *wt, int h, int w, gan_vgg_layer depth,
                             uint32_t keep, gan_error *err)
{
    GAN_ASSERT(h >= GAN_VGG_MIN_SIDE && w >= GAN_VGG_MIN_SIDE && depth < GAN_VGG_LAYERS);
    *net = (gan_vgg_net){.wt = wt, .h = h, .w = w, .depth = depth, .keep = keep};
    if (gan_arena_reserve(&net->arena, layout(net, &net->arena)) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory for a %dx%d picture's features", w, h);
    layout(net, &net->arena);
    return GAN_OK;
}

void gan_vgg_net_free(gan_vgg_net *net)
{
    gan_arena_free(&net->arena);
    memset(net, 0, sizeof *net);
}

/* on[i] = whether the ReLU output a[i] is positive (a byte each: bits
 * would take an eighth of the room, but bytes keep this loop and
 * relu_backward_on plain and vectorised). */
static void remember_on(uint8_t *on, const float *a, long n)
{
    for (long i = 0; i < n; i++) on[i] = a[i] > 0.0f;
}

void gan_vgg_forward(gan_vgg_net *net, const float *picture, gan_pool *pool)
{
    const long plane = (long)net->h * net->w;
    for (int c = 0; c < 3; c++)
        for (long i = 0; i < plane; i++)
            net->input[c * plane + i] = (picture[c * plane + i] - MEAN[c]) / STD[c];
    const float *x = net->input;
    for (int l = 0; l <= net->depth; l++) {
        const gan_conv_geom *g = &net->geom[l];
        if (net->pooled[l]) {
            gan_avgpool2_forward(net->pooled[l], x, g->c, net->geom[l - 1].oh, net->geom[l - 1].ow);
            x = net->pooled[l];
        }
        /* a map not kept goes to whichever backward buffer the input is not in */
        float *a = net->act[l] ? net->act[l] : x == net->grad[0] ? net->grad[1] : net->grad[0];
        if (winograd(g))
            gan_winograd_conv3x3(a, x, net->wt->weight[l], net->wt->bias[l], g->c, g->oc, g->h, g->w, false,
                                 net->ws, net->ws_floats, pool);
        else
            gan_conv2d_banded_forward(a, x, net->wt->weight[l], net->wt->bias[l], g, net->ws, net->ws_floats,
                                      pool);
        const long n = (long)g->oc * g->oh * g->ow;
        for (long i = 0; i < n; i++) a[i] = a[i] > 0.0f ? a[i] : 0.0f;
        if (net->on[l]) remember_on(net->on[l], a, n);
        x = a;
    }
}

/* The ReLU's backward: g where the map is positive, else 0. */
static void relu_backward(float *g, const float *act, long n)
{
    for (long i = 0; i < n; i++) g[i] = act[i] > 0.0f ? g[i] : 0.0f;
}

/* The same from what remember_on kept. */
static void relu_backward_on(float *g, const uint8_t *on, long n)
{
    for (long i = 0; i < n; i++) g[i] = on[i] ? g[i] : 0.0f;
}

void gan_vgg_backward(gan_vgg_net *net, gan_vgg_tap_fn tap, void *ctx, float *dpicture, gan_pool *pool)
{
    int cur = 0; /* net->grad[cur] holds the gradient of act[l] */
    const gan_conv_geom *top = &net->geom[net->depth];
    memset(net->grad[0], 0, sizeof(float) * (size_t)top->oc * top->oh * top->ow);
    for (int l = net->depth; l >= 0; l--) {
        const gan_conv_geom *g = &net->geom[l];
        tap(ctx, (gan_vgg_layer)l, net->act[l], net->grad[cur]);
        if (net->act[l]) relu_backward(net->grad[cur], net->act[l], (long)g->oc * g->oh * g->ow);
        else relu_backward_on(net->grad[cur], net->on[l], (long)g->oc * g->oh * g->ow);
        float *din = net->grad[1 - cur];
        if (winograd(g)) /* the input gradient: the transposed, turned filters' convolution */
            gan_winograd_conv3x3(din, net->grad[cur], net->wt->weight[l], NULL, g->c, g->oc, g->h, g->w, true,
                                 net->ws, net->ws_floats, pool);
        else
            gan_conv2d_banded_backward_input(din, net->grad[cur], net->wt->weight[l], g, net->ws,
                                             net->ws_floats, pool);
        if (l > 0 && net->pooled[l]) /* back through the pooling, into act[l - 1]'s shape */
            gan_avgpool2_backward(net->grad[cur], din, g->c, net->geom[l - 1].oh, net->geom[l - 1].ow);
        else cur = 1 - cur;
    }
    const long plane = (long)net->h * net->w;
    for (int c = 0; c < 3; c++)
        for (long i = 0; i < plane; i++) dpicture[c * plane + i] = net->grad[cur][c * plane + i] / STD[c];
}
