#include "gan/models/dcgan.h"

#include <stdio.h>
#include <string.h>

#include "dcgan_stage.h"
#include "gan/core/check.h"
#include "gan/nn/activation.h"
#include "gan/nn/adam.h"
#include "gan/nn/batchnorm2d.h"
#include "gan/nn/conditional.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv_transpose2d.h"
#include "gan/nn/loss.h"
#include "gan/nn/spectral_norm.h"

gan_status gan_arch_check(const gan_arch *a, const char *where, gan_error *err)
{
    if (!gan_image_size_valid(a->image_size))
        return gan_fail(err, GAN_ERR_INPUT, "%simage_size: expected " GAN_IMAGE_SIZES ", got %d", where,
                        a->image_size);
    if (a->channels != 1 && a->channels != 3)
        return gan_fail(err, GAN_ERR_INPUT, "%schannels: expected 1 or 3, got %d", where, a->channels);
    if (a->nz < 1 || a->nz > 4096)
        return gan_fail(err, GAN_ERR_INPUT, "%snz: expected an integer from 1 to 4096, got %d", where, a->nz);
    if (a->ngf < 1 || a->ngf > 1024)
        return gan_fail(err, GAN_ERR_INPUT, "%sngf: expected an integer from 1 to 1024, got %d", where,
                        a->ngf);
    if (a->d_norm != GAN_NORM_BATCH && a->d_norm != GAN_NORM_SPECTRAL && a->d_norm != GAN_NORM_NONE)
        return gan_fail(err, GAN_ERR_INPUT, "%sd_norm: expected batchnorm, spectral or none", where);
    if (a->ndf < 1 || a->ndf > 1024)
        return gan_fail(err, GAN_ERR_INPUT, "%sndf: expected an integer from 1 to 1024, got %d", where,
                        a->ndf);
    if (a->classes != 0 && (a->classes < 2 || a->classes > GAN_MAX_CLASSES))
        return gan_fail(err, GAN_ERR_INPUT, "%sclasses: expected 0 (unconditional) or 2 to %d, got %d", where,
                        GAN_MAX_CLASSES, a->classes);
    if (a->g_cond != GAN_GCOND_CONCAT && a->g_cond != GAN_GCOND_BATCHNORM)
        return gan_fail(err, GAN_ERR_INPUT, "%sg_condition: expected concat or batchnorm", where);
    const int g = a->grow_from;
    if (g != 0 && (g < 4 || g > a->image_size || (g & (g - 1)) != 0))
        return gan_fail(err, GAN_ERR_INPUT,
                        "%sstart_size: expected a power of two from 4 to the image size %d, got %d", where,
                        a->image_size, g);
    /* a projection D reads the block before its logit, which a 4x4 phase skips */
    if (g == 4 && a->classes > 0)
        return gan_fail(err, GAN_ERR_INPUT, "%sstart_size: a conditional net grows from 8 or more, got 4",
                        where);
    return GAN_OK;
}

static int log2_int(int x)
{
    int l = 0;
    while ((1 << (l + 1)) <= x) l++;
    return l;
}

static bool growing(const gan_net *net) { return net->arch.grow_from > 0 && net->kind != GAN_NET_TRUNK; }

/* Progressive growing's 1x1 convolutions: G's toRGB after every stage whose
 * output is from grow_from to half the image; D's fromRGB before every stage
 * whose input is from half the image down to grow_from. */
static void plan_rgb(gan_net *net)
{
    const gan_arch *a = &net->arch;
    const int L = net->nstages - 1, B = net->max_batch;
    for (int i = 0; i <= L; i++) {
        gan_stage *r = &net->rgb[i];
        memset(r, 0, sizeof *r);
        if (net->kind == GAN_NET_GENERATOR) {
            const int side = 4 << i;
            if (i == L || side < a->grow_from) continue;
            r->geom = gan_conv_geom_make(B, net->st[i].geom.oc, side, side, a->channels, 1, 1, 0);
            r->act = GAN_ACT_TANH;
        } else {
            const int side = a->image_size >> i;
            if (i == 0 || side < a->grow_from) continue;
            r->geom = gan_conv_geom_make(B, a->channels, side, side, net->st[i].geom.c, 1, 1, 0);
            r->act = GAN_ACT_LEAKY;
            r->sn = a->d_norm == GAN_NORM_SPECTRAL;
        }
    }
}

/* Fills the stage table (geometry, activations, nn.Sequential indices). */
static void plan_stages(gan_net *net)
{
    const gan_arch *a = &net->arch;
    const int L = log2_int(a->image_size / 4), B = net->max_batch;
    const bool generator = net->kind == GAN_NET_GENERATOR, trunk = net->kind == GAN_NET_TRUNK;
    const bool concat = generator && a->classes > 0 && a->g_cond == GAN_GCOND_CONCAT;
    const bool cbn = generator && a->classes > 0 && a->g_cond == GAN_GCOND_BATCHNORM;
    int seq = 0;
    net->nstages = trunk ? L : L + 1;
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *s = &net->st[i];
        memset(s, 0, sizeof *s);
        s->seq_conv = seq++;
        if (generator) {
            const int c = i == 0 ? (concat ? 2 * a->nz : a->nz) : a->ngf << (L - i);
            const int oc = i == L ? a->channels : a->ngf << (L - i - 1);
            const int h = i == 0 ? 1 : 4 << (i - 1);
            s->transposed = true;
            s->geom = i == 0 ? gan_convt_geom_make(B, c, h, h, oc, 4, 1, 0)
                             : gan_convt_geom_make(B, c, h, h, oc, 4, 2, 1);
            s->bn = i < L;
            s->cbn = s->bn && cbn;
            s->act = i < L ? GAN_ACT_RELU : GAN_ACT_TANH;
        } else {
            const int c = i == 0 ? a->channels : a->ndf << (i - 1);
            const int oc = i == L ? 1 : a->ndf << i;
            const int h = a->image_size >> i;
            s->transposed = false;
            s->geom = i == L ? gan_conv_geom_make(B, c, h, h, oc, 4, 1, 0)
                             : gan_conv_geom_make(B, c, h, h, oc, 4, 2, 1);
            const bool d_bn = trunk || a->d_norm == GAN_NORM_BATCH;
            s->bn = (i > 0 || trunk) && i < L && d_bn;
            s->sn = !trunk && a->d_norm == GAN_NORM_SPECTRAL;
            s->act = i < L ? GAN_ACT_LEAKY : GAN_ACT_NONE;
        }
        if (s->bn) s->seq_bn = seq++;
        if (s->act != GAN_ACT_NONE) seq++;
    }
    if (growing(net)) plan_rgb(net);
}

static size_t stage_weight_count(const gan_stage *s)
{
    return (size_t)s->geom.c * s->geom.oc * s->geom.k * s->geom.k;
}

/* The im2col/col2im workspace a stage needs. */
static size_t stage_scratch(const gan_stage *s)
{
    return s->transposed ? gan_convt_col_floats(&s->geom) : gan_conv_col_floats(&s->geom);
}

/* Carves a buffer out of the arena; before the arena exists it only adds up
 * the sizes (the same walk sizes the reservation and hands out the views). */
static float *carve(gan_arena *a, size_t n, size_t *total)
{
    if (!a->base) {
        *total += gan_arena_round(n);
        return NULL;
    }
    return gan_arena_take(a, n);
}

/* Parameters of a stage's batchnorm: gamma and beta, per class when conditional. */
static size_t bn_param_count(const gan_net *net, const gan_stage *s)
{
    return !s->bn ? 0 : 2u * s->geom.oc * (s->cbn ? (size_t)net->arch.classes : 1);
}

/* A conditional net's class embedding: [classes, embed_width] (0: none). */
static int embed_width(const gan_net *net)
{
    if (net->arch.classes == 0 || net->kind == GAN_NET_TRUNK) return 0;
    if (net->kind == GAN_NET_GENERATOR) return net->arch.g_cond == GAN_GCOND_CONCAT ? net->arch.nz : 0;
    return net->st[net->nstages - 2].geom.oc; /* D: the last hidden layer's channels */
}

/* What the net's flat buffers hold: parameter and statistic counts, and
 * the largest spectrally normalised weight and conditional batchnorm. */
typedef struct {
    size_t largest_sn, widest_cbn;
    int embed_width;
    bool embed_sn;
} net_sizes;

static net_sizes count_params(gan_net *net)
{
    net_sizes z = {.embed_width = embed_width(net)};
    const int classes = net->arch.classes;
    z.embed_sn = z.embed_width && net->kind == GAN_NET_DISCRIMINATOR && net->arch.d_norm == GAN_NORM_SPECTRAL;
    net->nparams = net->nstats = 0;
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->st[i];
        net->nparams += stage_weight_count(s) + bn_param_count(net, s);
        net->nstats += s->bn ? 2u * s->geom.oc : 0;
        if (s->sn) {
            net->nstats += (size_t)s->geom.oc + (size_t)s->geom.c * s->geom.k * s->geom.k;
            if (stage_weight_count(s) > z.largest_sn) z.largest_sn = stage_weight_count(s);
        }
        if (s->cbn && (size_t)s->geom.oc > z.widest_cbn) z.widest_cbn = (size_t)s->geom.oc;
    }
    const size_t embed_count = (size_t)classes * z.embed_width;
    net->nparams += embed_count;
    if (z.embed_sn) {
        net->nstats += (size_t)classes + z.embed_width;
        if (embed_count > z.largest_sn) z.largest_sn = embed_count;
    }
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *r = &net->rgb[i];
        if (!r->geom.k) continue;
        net->nparams += stage_weight_count(r);
        if (r->sn) {
            net->nstats += (size_t)r->geom.oc + r->geom.c;
            if (stage_weight_count(r) > z.largest_sn) z.largest_sn = stage_weight_count(r);
        }
    }
    return z;
}

/* Offsets into the flat parameter and statistic buffers, as they are handed out. */
typedef struct {
    size_t params, stats;
} flat_cursor;

/* A stage's views into the flat buffers (parameters in the state_dict's
 * order) and its saved activations from the arena. */
static void carve_stage(gan_net *net, gan_stage *s, flat_cursor *at, bool keep_cols, size_t *total)
{
    gan_arena *a = &net->arena;
    const int oc = s->geom.oc;
    if (net->params) s->w = net->params + at->params, s->dw = net->grads + at->params;
    at->params += stage_weight_count(s);
    if (s->bn) {
        const size_t per = bn_param_count(net, s) / 2; /* oc, or classes x oc */
        if (net->params) {
            s->gamma = net->params + at->params, s->dgamma = net->grads + at->params;
            s->beta = net->params + at->params + per, s->dbeta = net->grads + at->params + per;
            s->running_mean = net->stats + at->stats, s->running_var = net->stats + at->stats + oc;
        }
        at->params += 2 * per;
        at->stats += 2u * oc;
    }
    if (s->sn) {
        if (net->params) s->u = net->stats + at->stats, s->v = net->stats + at->stats + oc;
        at->stats += oc + (size_t)s->geom.c * s->geom.k * s->geom.k;
        s->w_sn = carve(a, stage_weight_count(s), total);
    }
    const size_t act = gan_conv_out_floats(&s->geom);
    s->pre = carve(a, act, total);
    s->out = s->bn ? carve(a, act, total) : s->pre;
    s->col = keep_cols && !s->transposed ? carve(a, stage_scratch(s), total) : NULL;
    if (s->bn) {
        s->mean = carve(a, oc, total);
        s->invstd = carve(a, oc, total);
    }
}

/* A conditional net's class embedding and the buffers around it. */
static void carve_embedding(gan_net *net, const net_sizes *z, flat_cursor *at, size_t *total)
{
    gan_arena *a = &net->arena;
    const int classes = net->arch.classes, ew = z->embed_width;
    const size_t embed_count = (size_t)classes * ew;
    if (net->params) net->embed = net->params + at->params, net->dembed = net->grads + at->params;
    at->params += embed_count;
    if (z->embed_sn) {
        if (net->params)
            net->embed_u = net->stats + at->stats, net->embed_v = net->stats + at->stats + classes;
        at->stats += (size_t)classes + ew;
        net->embed_sn = carve(a, embed_count, total);
    }
    if (net->kind == GAN_NET_GENERATOR) {
        net->x0 = carve(a, (size_t)2 * net->arch.nz * net->max_batch, total);
        return;
    }
    net->pooled = carve(a, (size_t)ew * net->max_batch, total);
    net->class_logits = carve(a, (size_t)classes * net->max_batch, total);
    net->class_dlogits = carve(a, (size_t)classes * net->max_batch, total);
}

/* The fade's buffers, for its largest case (into the full size). */
static void carve_fade(gan_net *net, size_t *total)
{
    gan_arena *a = &net->arena;
    const size_t S = (size_t)net->arch.image_size,
                 image = (size_t)net->arch.channels * S * S * net->max_batch;
    const int L = net->nstages - 1;
    net->fade_small = carve(a, image / 4, total);
    if (net->kind == GAN_NET_GENERATOR) {
        size_t widest = 0; /* the features of a stage whose toRGB is the older image */
        for (int i = 0; i < L; i++)
            if (net->rgb[i].geom.k && gan_conv_out_floats(&net->st[i].geom) > widest)
                widest = gan_conv_out_floats(&net->st[i].geom);
        net->fade_big = carve(a, image, total);
        net->fade_out = carve(a, image, total);
        net->fade_side = carve(a, widest, total);
        return;
    }
    size_t widest = 0; /* the output of a block that fades in over a fromRGB */
    for (int i = 0; i < L; i++)
        if (net->rgb[i + 1].geom.k && gan_conv_out_floats(&net->st[i].geom) > widest)
            widest = gan_conv_out_floats(&net->st[i].geom);
    net->fade_grad = carve(a, image / 4, total);
    net->fade_big = carve(a, widest, total);
    net->fade_side = carve(a, image, total);
}

/* Hands out every buffer of the net from its arena; before the arena
 * exists, only adds up their sizes (the same walk sizes the reservation and
 * hands out the views). Returns the floats it takes. */
static size_t carve_net(gan_net *net)
{
    size_t total = 0;
    gan_arena *a = &net->arena;
    const net_sizes z = count_params(net);
    net->params = carve(a, net->nparams, &total);
    net->grads = carve(a, net->nparams, &total);
    net->adam_m = carve(a, net->nparams, &total);
    net->adam_v = carve(a, net->nparams, &total);
    net->stats = carve(a, net->nstats, &total);
    net->sn_grad = z.largest_sn ? carve(a, z.largest_sn, &total) : NULL;
    /* keep the conv layers' im2col matrices if they are small enough */
    size_t cols_total = 0;
    for (int i = 0; i < net->nstages; i++)
        if (!net->st[i].transposed) cols_total += gan_conv_col_floats(&net->st[i].geom);
    const bool keep_cols = cols_total * sizeof(float) <= GAN_KEEP_COLS_BYTES;
    flat_cursor at = {0, 0};
    for (int i = 0; i < net->nstages; i++) carve_stage(net, &net->st[i], &at, keep_cols, &total);
    if (z.embed_width) carve_embedding(net, &z, &at, &total);
    if (z.widest_cbn) {
        net->ones = carve(a, z.widest_cbn, &total);
        net->zeros = carve(a, z.widest_cbn, &total);
    }
    for (int i = 0; i < net->nstages; i++)
        if (net->rgb[i].geom.k) carve_stage(net, &net->rgb[i], &at, false, &total);
    if (growing(net)) carve_fade(net, &total);
    return total;
}

size_t gan_net_plan(gan_net *net, const gan_arch *arch, gan_net_kind kind, int max_batch)
{
    GAN_ASSERT(gan_arch_check(arch, "", NULL) == GAN_OK && max_batch >= 1);
    memset(net, 0, sizeof *net);
    net->arch = *arch;
    net->kind = kind;
    net->max_batch = max_batch;
    net->slope = 0.2f;
    net->bn_momentum = 0.1f;
    net->bn_eps = 1e-5f;
    net->size = arch->image_size;
    net->blend = 1.0f;
    plan_stages(net);
    return carve_net(net) * sizeof(float);
}

gan_status gan_net_build(gan_net *net, const gan_arch *arch, gan_net_kind kind, int max_batch)
{
    const size_t bytes = gan_net_plan(net, arch, kind, max_batch);
    if (gan_arena_reserve(&net->arena, bytes / sizeof(float)) != GAN_OK) return GAN_ERR_NOMEM;
    carve_net(net);
    for (int i = 0; i < net->nstages; i++)
        if (net->st[i].bn)
            for (int c = 0; c < net->st[i].geom.oc; c++) net->st[i].running_var[c] = 1.0f;
    for (int i = 0; i < net->nstages;
         i++) /* conditional batchnorm's unit affine, as wide as its widest layer */
        for (int c = 0; net->st[i].cbn && c < net->st[i].geom.oc; c++)
            net->ones[c] = 1.0f, net->zeros[c] = 0.0f;
    return GAN_OK;
}

void gan_net_free(gan_net *net)
{
    gan_classes_free(&net->classes);
    gan_arena_free(&net->arena);
    memset(net, 0, sizeof *net);
}

gan_work_plan gan_net_work_plan(const gan_net *net)
{
    /* backward's two gradient buffers each hold the largest activation, the input included (a
     * conditional G's first input is z with the class embeddings) */
    const gan_conv_geom *first = &net->st[0].geom;
    size_t scratch = 0, grad = (size_t)first->c * first->h * first->w * net->max_batch;
    for (int i = 0; i < 2 * net->nstages; i++) {
        const gan_stage *s = i < net->nstages ? &net->st[i] : &net->rgb[i - net->nstages];
        if (!s->geom.k) continue;
        if (stage_scratch(s) > scratch) scratch = stage_scratch(s);
        if (gan_conv_out_floats(&s->geom) > grad) grad = gan_conv_out_floats(&s->geom);
        const size_t in = (size_t)s->geom.c * s->geom.h * s->geom.w * net->max_batch;
        if (in > grad) grad = in; /* a fromRGB's input gradient is the image's */
    }
    return (gan_work_plan){.scratch = scratch, .grad = grad};
}

size_t gan_net_largest_grad(const gan_net *net)
{
    size_t most = (size_t)net->arch.classes * embed_width(net);
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->st[i];
        if (stage_weight_count(s) > most) most = stage_weight_count(s);
        if (bn_param_count(net, s) > most)
            most = bn_param_count(net, s); /* a class affine's gamma and beta */
        if (net->rgb[i].geom.k && stage_weight_count(&net->rgb[i]) > most)
            most = stage_weight_count(&net->rgb[i]);
    }
    return most;
}

/* As PyTorch's spectral norm: u and v drawn from N(0, 1), then normalised. */
static void init_power_iteration(gan_stage *s, gan_rng *rng)
{
    const int oc = s->geom.oc, ckk = s->geom.c * s->geom.k * s->geom.k;
    gan_rng_normal(rng, s->u, oc, 0.0f, 1.0f);
    gan_normalize(s->u, oc);
    gan_rng_normal(rng, s->v, ckk, 0.0f, 1.0f);
    gan_normalize(s->v, ckk);
}

void gan_net_init_weights(gan_net *net, gan_rng *rng)
{
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *s = &net->st[i];
        const int oc = s->geom.oc;
        gan_rng_normal(rng, s->w, (long)stage_weight_count(s), 0.0f, 0.02f);
        if (s->bn) {
            const long per = (long)bn_param_count(net, s) / 2; /* every class's gamma as DCGAN's one */
            gan_rng_normal(rng, s->gamma, per, 1.0f, 0.02f);
            memset(s->beta, 0, sizeof(float) * per);
            memset(s->running_mean, 0, sizeof(float) * oc);
            for (int c = 0; c < oc; c++) s->running_var[c] = 1.0f;
        }
        if (s->sn) init_power_iteration(s, rng);
    }
    /* G's embedding as nn.Embedding's, N(0, 1), on z's scale; D's as its
     * convolutions', N(0, 0.02): N(0, 1) would put logits of about +-100 (a
     * dot with 256 sums of 16 activations) on the projection at the start */
    const int ew = embed_width(net);
    if (ew) {
        const bool g = net->kind == GAN_NET_GENERATOR;
        gan_rng_normal(rng, net->embed, (long)net->arch.classes * ew, 0.0f, g ? 1.0f : 0.02f);
    }
    if (net->embed_u) {
        gan_rng_normal(rng, net->embed_u, net->arch.classes, 0.0f, 1.0f);
        gan_normalize(net->embed_u, net->arch.classes);
        gan_rng_normal(rng, net->embed_v, ew, 0.0f, 1.0f);
        gan_normalize(net->embed_v, ew);
    }
    /* last, so that a net that does not grow draws what it always drew */
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *r = &net->rgb[i];
        if (!r->geom.k) continue;
        gan_rng_normal(rng, r->w, (long)stage_weight_count(r), 0.0f, 0.02f);
        if (r->sn) init_power_iteration(r, rng);
    }
    net->num_batches_tracked = 0;
}

bool gan_arch_side_valid(const gan_arch *a, int size)
{
    if (a->grow_from == 0) return size == a->image_size;
    return size >= a->grow_from && size <= a->image_size && (size & (size - 1)) == 0;
}

bool gan_net_size_valid(const gan_net *net, int size)
{
    return growing(net) ? gan_arch_side_valid(&net->arch, size) : size == net->arch.image_size;
}

void gan_net_set_phase(gan_net *net, int size, float blend)
{
    GAN_ASSERT(gan_net_size_valid(net, size) && blend > 0.0f && blend <= 1.0f);
    net->size = size;
    net->blend = size == (growing(net) ? net->arch.grow_from : net->arch.image_size) ? 1.0f : blend;
}

long gan_net_in_size(const gan_net *net)
{
    const gan_arch *a = &net->arch;
    return net->kind == GAN_NET_GENERATOR ? a->nz : (long)a->channels * net->size * net->size;
}

long gan_net_out_size(const gan_net *net)
{
    if (net->kind == GAN_NET_GENERATOR) return (long)net->arch.channels * net->size * net->size;
    const gan_conv_geom *last = &net->st[net->nstages - 1].geom;
    return (long)last->oc * last->oh * last->ow;
}

/* The activation batchnorm can apply in its own pass (ReLU, LeakyReLU). */
static gan_bn_act fusable(gan_act act, float slope)
{
    switch (act) {
    case GAN_ACT_RELU: return (gan_bn_act){GAN_BN_ACT_RELU, 0.0f};
    case GAN_ACT_LEAKY: return (gan_bn_act){GAN_BN_ACT_LEAKY, slope};
    default: return (gan_bn_act){GAN_BN_ACT_NONE, 0.0f};
    }
}

/* Activations in place, over the pool's threads in fixed chunks (each
 * value is computed on its own, so the bytes do not depend on the split). */
enum { ACT_CHUNK = 16384 };

typedef struct {
    gan_act act;
    float *x;
    const float *out; /* backward: the activation's output */
    long len;
    float slope;
} act_job;

static void activate_chunks(void *arg, long begin, long end)
{
    const act_job *j = arg;
    const long lo = begin * ACT_CHUNK, hi = end * ACT_CHUNK < j->len ? end * ACT_CHUNK : j->len;
    float *x = j->x + lo;
    const long n = hi - lo;
    switch (j->act) {
    case GAN_ACT_RELU: gan_relu_forward(x, x, n); break;
    case GAN_ACT_LEAKY: gan_leakyrelu_forward(x, x, n, j->slope); break;
    case GAN_ACT_TANH: gan_tanh_forward(x, x, n); break;
    case GAN_ACT_NONE: break;
    }
}

static void activate_backward_chunks(void *arg, long begin, long end)
{
    const act_job *j = arg;
    const long lo = begin * ACT_CHUNK, hi = end * ACT_CHUNK < j->len ? end * ACT_CHUNK : j->len;
    float *g = j->x + lo;
    const float *out = j->out + lo;
    const long n = hi - lo;
    switch (j->act) {
    case GAN_ACT_RELU: gan_relu_backward(g, g, out, n); break;
    case GAN_ACT_LEAKY: gan_leakyrelu_backward(g, g, out, n, j->slope); break;
    case GAN_ACT_TANH: gan_tanh_backward(g, g, out, n); break;
    case GAN_ACT_NONE: break;
    }
}

static void activate(gan_act act, float *x, long len, float slope, gan_pool *pool)
{
    act_job j = {act, x, NULL, len, slope};
    if (act != GAN_ACT_NONE) gan_pool_for(pool, (len + ACT_CHUNK - 1) / ACT_CHUNK, 1, activate_chunks, &j);
}

static void activate_backward(gan_act act, float *g, const float *out, long len, float slope, gan_pool *pool)
{
    act_job j = {act, g, out, len, slope};
    if (act != GAN_ACT_NONE)
        gan_pool_for(pool, (len + ACT_CHUNK - 1) / ACT_CHUNK, 1, activate_backward_chunks, &j);
}

/* The work block must hold what this net planned. */
static void check_work(const gan_net *net, const gan_work *w)
{
    const gan_work_plan need = gan_net_work_plan(net);
    GAN_ASSERT(w && w->plan.scratch >= need.scratch && w->plan.grad >= need.grad);
}

/* With a GEMM log in the work (gan bench), the SGEMM of a stage's pass, in
 * the layer's own terms. */
static void log_gemm(const gan_work *work, const gan_stage *s, const gan_conv_geom *g, gan_conv_pass pass)
{
    if (!work->gemm_log) return;
    gan_gemm_log_add(work->gemm_log,
                     s->transposed ? gan_conv_transpose2d_gemm(g, pass) : gan_conv2d_gemm(g, pass));
}

/* D's class embedding as the projection uses it: spectrally normalised
 * when D's convolutions are. */
static const float *projection_embed(gan_net *net, gan_mode mode)
{
    if (!net->embed_sn) return net->embed;
    net->embed_sigma = gan_spectral_norm_forward(net->embed_sn, net->embed_u, net->embed_v, net->embed,
                                                 net->arch.classes, embed_width(net), mode == GAN_MODE_TRAIN);
    return net->embed_sn;
}

void dcgan_stage_forward(gan_net *net, const gan_work *work, gan_stage *s, const float *in,
                         const int32_t *labels, int n, gan_mode mode)
{
    gan_conv_geom g = s->geom;
    g.n = n;
    const float *w = s->w;
    if (s->sn) { /* the weight this forward (and its backward) uses: w / sigma */
        s->sigma = gan_spectral_norm_forward(s->w_sn, s->u, s->v, s->w, g.oc, g.c * g.k * g.k,
                                             mode == GAN_MODE_TRAIN);
        w = s->w_sn;
    }
    log_gemm(work, s, &g, GAN_PASS_FORWARD);
    if (s->transposed)
        gan_conv_transpose2d_forward(s->pre, work->scratch, in, w, NULL, &g, work->pool, work->sync);
    else gan_conv2d_forward(s->pre, s->col ? s->col : work->scratch, in, w, NULL, &g, work->pool, work->sync);
    const long m = (long)n * g.oh * g.ow;
    /* training mode: the activation in batchnorm's pass (not after a class affine) */
    const gan_bn_act fused = s->bn && mode == GAN_MODE_TRAIN && !s->cbn ? fusable(s->act, net->slope)
                                                                        : (gan_bn_act){GAN_BN_ACT_NONE, 0.0f};
    if (s->bn) {
        /* conditional batchnorm: normalise without affine, then each sample's class's */
        const float *gamma = s->cbn ? net->ones : s->gamma, *beta = s->cbn ? net->zeros : s->beta;
        if (mode == GAN_MODE_TRAIN)
            gan_batchnorm2d_forward_train(s->out, s->mean, s->invstd, s->running_mean, s->running_var, s->pre,
                                          gamma, beta, g.oc, m, net->bn_momentum, net->bn_eps, work->pool,
                                          work->sync, fused);
        else
            gan_batchnorm2d_forward_eval(s->out, s->pre, gamma, beta, s->running_mean, s->running_var, g.oc,
                                         m, net->bn_eps);
        if (s->cbn)
            gan_class_affine_forward(s->out, s->out, s->gamma, s->beta, labels, g.oc, n, (long)g.oh * g.ow);
    }
    if (fused.kind == GAN_BN_ACT_NONE) activate(s->act, s->out, (long)g.oc * m, net->slope, work->pool);
}

void dcgan_stage_backward(gan_net *net, const gan_work *work, gan_stage *s, float *g, float *din,
                          const float *in, bool params)
{
    const int n = net->last_n;
    gan_conv_geom geom = s->geom;
    geom.n = n;
    const long m = (long)n * geom.oh * geom.ow;
    /* as the forward: batchnorm without a class affine takes the activation's gradient itself */
    const gan_bn_act fused =
        s->bn && !s->cbn ? fusable(s->act, net->slope) : (gan_bn_act){GAN_BN_ACT_NONE, 0.0f};
    if (fused.kind == GAN_BN_ACT_NONE)
        activate_backward(s->act, g, s->out, (long)geom.oc * m, net->slope, work->pool);
    if (s->cbn) { /* the class affine's backward, then batchnorm's with a unit affine; in place */
        gan_class_affine_backward(g, params ? s->dgamma : NULL, params ? s->dbeta : NULL, g, s->pre, s->mean,
                                  s->invstd, s->gamma, net->labels, geom.oc, n, (long)geom.oh * geom.ow,
                                  net->arch.classes, work->sync);
        gan_batchnorm2d_backward_train(g, NULL, NULL, g, s->pre, s->mean, s->invstd, net->ones, geom.oc, m,
                                       work->pool, work->sync, fused, NULL);
    } else if (s->bn) /* in place: the batchnorm backward reads each dy before writing its dx */
        gan_batchnorm2d_backward_train(g, params ? s->dgamma : NULL, params ? s->dbeta : NULL, g, s->pre,
                                       s->mean, s->invstd, s->gamma, geom.oc, m, work->pool, work->sync,
                                       fused, s->out);
    const float *w = s->sn ? s->w_sn : s->w;
    /* spectral norm: the conv's weight gradient is w_sn's; it becomes w's below */
    float *dw = params ? (s->sn ? net->sn_grad : s->dw) : NULL;
    if (dw && s->sn) memset(dw, 0, sizeof(float) * stage_weight_count(s));
    if (dw) log_gemm(work, s, &geom, GAN_PASS_WEIGHT_GRAD);
    if (din) log_gemm(work, s, &geom, GAN_PASS_INPUT_GRAD);
    if (s->transposed)
        gan_conv_transpose2d_backward(din, dw, NULL, work->scratch, g, in, w, &geom, work->pool, work->sync);
    else gan_conv2d_backward(din, dw, NULL, work->scratch, g, in, s->col, w, &geom, work->pool, work->sync);
    if (dw && s->sn)
        gan_spectral_norm_backward(s->dw, dw, s->w_sn, s->u, s->v, s->sigma, geom.oc,
                                   geom.c * geom.k * geom.k);
}

int dcgan_first_stage(const gan_net *net)
{
    if (net->kind == GAN_NET_GENERATOR || !growing(net)) return 0;
    int j = 0;
    while ((net->arch.image_size >> j) > net->size) j++;
    return j;
}

int dcgan_last_stage(const gan_net *net)
{
    if (net->kind != GAN_NET_GENERATOR || !growing(net)) return net->nstages - 1;
    int i = 0;
    while ((4 << i) < net->size) i++;
    return i;
}

bool dcgan_fading(const gan_net *net) { return growing(net) && net->blend < 1.0f; }

/* D: the last hidden block's output as the logit layer reads it (the blend
 * while that block fades in). */
static const float *last_hidden(const gan_net *net)
{
    const int h = net->nstages - 2;
    return dcgan_fading(net) && dcgan_first_stage(net) == h ? net->fade_big : net->st[h].out;
}

const float *gan_net_forward(gan_net *net, const gan_work *work, const float *input, const int32_t *labels,
                             int n, gan_mode mode)
{
    GAN_ASSERT(n >= 1 && n <= net->max_batch);
    const bool conditional = net->arch.classes > 0 && net->kind != GAN_NET_TRUNK;
    GAN_ASSERT((labels != NULL) == conditional);
    for (int i = 0; labels && i < n; i++) GAN_ASSERT(labels[i] >= 0 && labels[i] < net->arch.classes);
    check_work(net, work);
    net->input = input;
    net->labels = labels;
    net->last_n = n;
    const float *in = input;
    if (net->x0) {
        gan_embed_concat_forward(net->x0, input, net->embed, labels, net->arch.nz, net->arch.nz, n);
        in = net->x0;
    }
    const int first = dcgan_first_stage(net), last = dcgan_last_stage(net);
    if (first > 0) in = dcgan_grow_d_enter(net, work, n, mode);
    for (int i = first; i <= last; i++) {
        dcgan_stage_forward(net, work, &net->st[i], in, labels, n, mode);
        in = net->st[i].out;
        if (i == first && net->kind != GAN_NET_GENERATOR && dcgan_fading(net))
            in = dcgan_grow_d_fade(net, work, n, mode);
    }
    if (net->pooled) { /* projection: the logit gains <embed(y), sum-pooled h> */
        const gan_stage *h = &net->st[net->nstages - 2];
        const float *e = projection_embed(net, mode);
        gan_projection_forward(net->st[net->nstages - 1].out, net->pooled, last_hidden(net), e, labels,
                               h->geom.oc, n, (long)h->geom.oh * h->geom.ow);
        gan_projection_class_logits(net->class_logits, net->pooled, e, net->arch.classes, h->geom.oc, n);
        net->class_grad_pending = false;
    }
    if (net->kind == GAN_NET_GENERATOR && growing(net)) in = dcgan_grow_g_leave(net, work, n, mode);
    if (mode == GAN_MODE_TRAIN) net->num_batches_tracked++;
    return in;
}

/* D's logit layer's share of the projection: into dh (din) and the embedding. */
static void projection_backward(gan_net *net, const gan_work *work, float *din, const float *g, bool params)
{
    const gan_stage *h = &net->st[net->nstages - 2];
    const int n = net->last_n;
    const size_t count = (size_t)net->arch.classes * h->geom.oc;
    const float *e = net->embed_sn ? net->embed_sn : net->embed;
    float *de = !params ? NULL : net->embed_sn ? net->sn_grad : net->dembed;
    if (de && net->embed_sn) memset(de, 0, sizeof(float) * count);
    gan_projection_backward(din, de, g, net->pooled, e, net->labels, h->geom.oc, n,
                            (long)h->geom.oh * h->geom.ow, net->arch.classes, work->sync);
    if (net->class_grad_pending) /* the class loss's share, into the same dh and dE */
        gan_projection_class_backward(din, de, net->class_dlogits, net->pooled, e, net->arch.classes,
                                      h->geom.oc, n, (long)h->geom.oh * h->geom.ow, work->sync);
    net->class_grad_pending = false;
    if (de && net->embed_sn)
        gan_spectral_norm_backward(net->dembed, de, net->embed_sn, net->embed_u, net->embed_v,
                                   net->embed_sigma, net->arch.classes, h->geom.oc);
}

/* The input of stage i in the last forward. */
static const float *stage_input(const gan_net *net, int i)
{
    const int first = dcgan_first_stage(net);
    if (i > first)
        return i == first + 1 && net->kind != GAN_NET_GENERATOR && dcgan_fading(net) ? net->fade_big
                                                                                     : net->st[i - 1].out;
    if (first > 0) return net->rgb[first].out;
    return net->x0 ? net->x0 : net->input;
}

float *gan_net_backward(gan_net *net, const gan_work *work, float *dout, gan_grad grads)
{
    check_work(net, work);
    const bool params = grads & GAN_GRAD_PARAMS, input_grad = grads & GAN_GRAD_INPUT;
    const bool generator = net->kind == GAN_NET_GENERATOR, fading = dcgan_fading(net);
    const int first = dcgan_first_stage(net), last = dcgan_last_stage(net);
    float *g = dout;
    int next = dout == work->grad[0]; /* dout may be another net's input gradient, in the shared work */
    if (generator && growing(net)) g = dcgan_grow_g_leave_backward(net, work, g, work->grad, &next, params);
    for (int i = last; i >= first; i--) {
        /* a conditional G's first layer: its input gradient is the class embedding's */
        const bool embed_grad = i == 0 && net->x0 && params;
        /* a fromRGB before the first block needs that block's input gradient for its own */
        float *din =
            (i > first || input_grad || embed_grad || (first > 0 && params)) ? work->grad[next] : NULL;
        next ^= 1;
        dcgan_stage_backward(net, work, &net->st[i], g, din, stage_input(net, i), params);
        if (net->pooled && i == net->nstages - 1) projection_backward(net, work, din, g, params);
        if (embed_grad)
            gan_embed_concat_backward(net->dembed, din, net->labels, net->arch.nz, net->arch.nz, net->last_n,
                                      net->arch.classes, work->sync);
        if (generator && fading && i == last)
            dcgan_add(din, net->fade_side, dcgan_out_count(&net->st[i - 1], net->last_n));
        if (!generator && fading && i == first + 1) {
            din = dcgan_grow_d_fade_backward(net, work, din, work->grad[next], params, input_grad);
            next ^= 1;
        }
        g = din;
    }
    if (first > 0) {
        float *din = input_grad ? work->grad[next] : NULL;
        dcgan_stage_backward(net, work, &net->rgb[first], g, din, net->input, params);
        g = din;
    }
    if (!generator && fading && input_grad) dcgan_add(g, net->fade_side, gan_net_in_size(net) * net->last_n);
    return input_grad ? g : NULL;
}

double gan_net_class_loss(gan_net *net, float scale)
{
    GAN_ASSERT(net->class_logits && net->labels && net->last_n > 0);
    const int n = net->last_n, k = net->arch.classes;
    const double loss = gan_softmax_ce_forward(net->class_logits, net->labels, n, k);
    gan_softmax_ce_backward(net->class_dlogits, net->class_logits, net->labels, n, k);
    for (long i = 0; i < (long)n * k; i++) net->class_dlogits[i] *= scale;
    net->class_grad_pending = true;
    return loss;
}

double gan_net_class_loss_sum(const gan_net *net, int lo, int hi)
{
    GAN_ASSERT(net->class_logits && net->labels && 0 <= lo && lo <= hi && hi <= net->last_n);
    const int k = net->arch.classes;
    return gan_softmax_ce_sum(net->class_logits + (size_t)lo * k, net->labels + lo, hi - lo, k);
}

void gan_net_draw_labels(const gan_net *net, gan_rng *rng, int32_t *labels, int n)
{
    GAN_ASSERT(net->arch.classes > 0);
    for (int i = 0; i < n; i++) labels[i] = (int32_t)gan_rng_below(rng, (uint64_t)net->arch.classes);
}

void gan_net_measure_bn(gan_net *net, const gan_work *work, gan_rng *rng, float *z, int32_t *labels, int n,
                        int batches)
{
    GAN_ASSERT(net->kind == GAN_NET_GENERATOR && n >= 2 && n <= net->max_batch);
    GAN_ASSERT((labels != NULL) == (net->arch.classes > 0));
    const float momentum = net->bn_momentum;
    for (int k = 1; k <= batches; k++) {
        gan_rng_normal(rng, z, (long)net->arch.nz * n, 0.0f, 1.0f);
        if (labels) gan_net_draw_labels(net, rng, labels, n);
        net->bn_momentum = 1.0f / (float)k;
        gan_net_forward(net, work, z, labels, n, GAN_MODE_TRAIN);
    }
    net->bn_momentum = momentum;
}

void gan_net_zero_grad(gan_net *net) { memset(net->grads, 0, sizeof(float) * net->nparams); }

void gan_net_adam(gan_net *net, float lr, float beta1, float beta2, float eps, int64_t t)
{
    gan_adam_update(net->params, net->grads, net->adam_m, net->adam_v, net->nparams, lr, beta1, beta2, eps,
                    t);
}

int gan_net_tensor_count(const gan_net *net)
{
    int count = 0;
    for (int i = 0; i < net->nstages; i++) count += (net->st[i].bn ? 6 : 1) + (net->st[i].sn ? 2 : 0);
    if (embed_width(net)) count += net->embed_sn ? 3 : 1;
    for (int i = 0; i < net->nstages; i++)
        if (net->rgb[i].geom.k) count += net->rgb[i].sn ? 3 : 1;
    return count;
}

/* The class embedding's tensors: embed.weight, or with spectral norm
 * embed.weight_orig, embed.weight_u, embed.weight_v (index 0, 1, 2). */
static void embed_tensor(const gan_net *net, int index, gan_tensor_ref *r)
{
    const int ew = embed_width(net), classes = net->arch.classes;
    static const char *const sn_names[3] = {"embed.weight_orig", "embed.weight_u", "embed.weight_v"};
    snprintf(r->name, sizeof r->name, "%s", net->embed_sn ? sn_names[index] : "embed.weight");
    if (index == 0) {
        r->kind = GAN_TENSOR_PARAM;
        r->ndim = 2;
        r->shape[0] = classes;
        r->shape[1] = ew;
        r->data = net->embed;
        r->count = (size_t)classes * ew;
    } else {
        r->kind = GAN_TENSOR_RUNNING_STAT;
        r->ndim = 1;
        r->shape[0] = index == 1 ? classes : ew;
        r->data = index == 1 ? net->embed_u : net->embed_v;
        r->count = (size_t)r->shape[0];
    }
}

/* A toRGB's or fromRGB's tensors, named by their resolution
 * ("to_rgb.32.weight"; with spectral norm weight_orig, weight_u, weight_v). */
static void rgb_tensor(const gan_net *net, const gan_stage *s, int index, gan_tensor_ref *r)
{
    const gan_conv_geom *g = &s->geom;
    const char *module = net->kind == GAN_NET_GENERATOR ? "to_rgb" : "from_rgb";
    static const char *const sn_names[3] = {"weight_orig", "weight_u", "weight_v"};
    snprintf(r->name, sizeof r->name, "%s.%d.%s", module, g->h, s->sn ? sn_names[index] : "weight");
    if (index == 0) {
        r->kind = GAN_TENSOR_PARAM;
        r->ndim = 4;
        r->shape[0] = g->oc;
        r->shape[1] = g->c;
        r->shape[2] = r->shape[3] = 1;
        r->data = s->w;
        r->count = stage_weight_count(s);
        return;
    }
    r->kind = GAN_TENSOR_RUNNING_STAT;
    r->ndim = 1;
    r->shape[0] = index == 1 ? g->oc : g->c;
    r->data = index == 1 ? s->u : s->v;
    r->count = (size_t)r->shape[0];
}

void gan_net_tensor(const gan_net *net, int index, gan_tensor_ref *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->st[i];
        const gan_conv_geom *g = &s->geom;
        if (index == 0) {
            /* spectral norm: PyTorch's parametrisation keeps the weight as weight_orig */
            snprintf(r->name, sizeof r->name, "%d.%s", s->seq_conv, s->sn ? "weight_orig" : "weight");
            r->ndim = 4;
            r->shape[0] =
                s->transposed ? g->c : g->oc; /* PyTorch: ConvTranspose2d weights are [C, OC, K, K] */
            r->shape[1] = s->transposed ? g->oc : g->c;
            r->shape[2] = r->shape[3] = g->k;
            r->data = s->w;
            r->count = stage_weight_count(s);
            r->kind = GAN_TENSOR_PARAM;
            return;
        }
        index--;
        if (s->sn) {
            if (index < 2) {
                snprintf(r->name, sizeof r->name, "%d.%s", s->seq_conv, index == 0 ? "weight_u" : "weight_v");
                r->kind = GAN_TENSOR_RUNNING_STAT;
                r->ndim = 1;
                r->shape[0] = index == 0 ? g->oc : (int64_t)g->c * g->k * g->k;
                r->data = index == 0 ? s->u : s->v;
                r->count = (size_t)r->shape[0];
                return;
            }
            index -= 2;
        }
        if (!s->bn) continue;
        if (index < 5) {
            static const char *const names[5] = {"weight", "bias", "running_mean", "running_var",
                                                 "num_batches_tracked"};
            static const gan_tensor_kind kinds[5] = {GAN_TENSOR_PARAM, GAN_TENSOR_PARAM,
                                                     GAN_TENSOR_RUNNING_STAT, GAN_TENSOR_RUNNING_STAT,
                                                     GAN_TENSOR_BATCH_COUNT};
            float *const data[5] = {s->gamma, s->beta, s->running_mean, s->running_var, NULL};
            snprintf(r->name, sizeof r->name, "%d.%s", s->seq_bn, names[index]);
            r->kind = kinds[index];
            r->ndim = r->kind == GAN_TENSOR_BATCH_COUNT ? 0 : 1;
            r->shape[0] = g->oc;
            r->data = data[index];
            r->count = r->kind == GAN_TENSOR_BATCH_COUNT ? 1 : (size_t)g->oc;
            if (s->cbn && index < 2) { /* conditional batchnorm: a gamma and a beta per class */
                r->ndim = 2;
                r->shape[0] = net->arch.classes;
                r->shape[1] = g->oc;
                r->count = (size_t)net->arch.classes * g->oc;
            }
            return;
        }
        index -= 5;
    }
    if (embed_width(net)) {
        if (index < (net->embed_sn ? 3 : 1)) {
            embed_tensor(net, index, r);
            return;
        }
        index -= net->embed_sn ? 3 : 1;
    }
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->rgb[i];
        const int count = s->sn ? 3 : 1;
        if (!s->geom.k) continue;
        if (index < count) {
            rgb_tensor(net, s, index, r);
            return;
        }
        index -= count;
    }
    GAN_ABORT("tensor index out of range");
}
