#include "gan/models/dcgan.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *gan_arch_check(const gan_arch *a)
{
    int s = a->image_size;
    if (s != 16 && s != 32 && s != 64 && s != 128) return "image_size: expected 16, 32, 64 or 128";
    if (a->channels != 1 && a->channels != 3) return "channels: expected 1 or 3";
    if (a->nz < 1 || a->nz > 4096) return "nz: expected an integer from 1 to 4096";
    if (a->ngf < 1 || a->ngf > 1024) return "ngf: expected an integer from 1 to 1024";
    if (a->ndf < 1 || a->ndf > 1024) return "ndf: expected an integer from 1 to 1024";
    return NULL;
}

static int log2_int(int x)
{
    int l = 0;
    while ((1 << (l + 1)) <= x) l++;
    return l;
}

/* Fills the stage table (sizes, activations, nn.Sequential indices). */
static void plan_stages(gan_net *net)
{
    const gan_arch *a = &net->arch;
    const int L = log2_int(a->image_size / 4);
    int seq = 0;
    net->nstages = net->trunk ? L : L + 1;
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *s = &net->st[i];
        memset(s, 0, sizeof *s);
        s->k = 4;
        s->seq_conv = seq++;
        if (net->generator) {
            s->transpose = 1;
            s->c = i == 0 ? a->nz : a->ngf << (L - i);
            s->oc = i == L ? a->channels : a->ngf << (L - i - 1);
            s->h = i == 0 ? 1 : 4 << (i - 1);
            s->s = i == 0 ? 1 : 2;
            s->p = i == 0 ? 0 : 1;
            s->oh = gan_convt_out(s->h, s->k, s->s, s->p);
            s->bn = i < L;
            s->act = i < L ? GAN_ACT_RELU : GAN_ACT_TANH;
        } else {
            s->transpose = 0;
            s->c = i == 0 ? a->channels : a->ndf << (i - 1);
            s->oc = i == L ? 1 : a->ndf << i;
            s->h = a->image_size >> i;
            s->s = i == L ? 1 : 2;
            s->p = i == L ? 0 : 1;
            s->oh = gan_conv_out(s->h, s->k, s->s, s->p);
            s->bn = (i > 0 || net->trunk) && i < L;
            s->act = i < L ? GAN_ACT_LEAKY : GAN_ACT_NONE;
        }
        if (s->bn) s->seq_bn = seq++;
        if (s->act != GAN_ACT_NONE) seq++;
    }
}

static size_t stage_weight_count(const gan_stage *s) { return (size_t)s->c * s->oc * s->k * s->k; }

/* Carves every buffer; with an empty arena it only adds up the sizes. */
static float *carve(gan_arena *a, size_t n, size_t *total)
{
    if (!a->base) {
        *total += gan_arena_round(n);
        return NULL;
    }
    return gan_arena_take(a, n);
}

static size_t layout(gan_net *net)
{
    size_t total = 0;
    gan_arena *a = &net->arena;
    const size_t B = (size_t)net->max_batch;
    net->nparams = net->nstats = 0;
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->st[i];
        net->nparams += stage_weight_count(s) + (s->bn ? 2u * s->oc : 0);
        net->nstats += s->bn ? 2u * s->oc : 0;
    }
    net->params = carve(a, net->nparams, &total);
    net->grads = carve(a, net->nparams, &total);
    net->adam_m = carve(a, net->nparams, &total);
    net->adam_v = carve(a, net->nparams, &total);
    net->stats = carve(a, net->nstats, &total);
    /* keep the conv layers' im2col matrices if they are small enough */
    size_t cols_total = 0;
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->st[i];
        if (!s->transpose) cols_total += (size_t)s->c * s->k * s->k * B * s->oh * s->oh;
    }
    const int keep_cols = cols_total * sizeof(float) <= GAN_KEEP_COLS_BYTES;
    size_t pofs = 0, sofs = 0, max_act = (size_t)gan_net_in_size(net) * B;
    net->scratch_size = 0;
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *s = &net->st[i];
        size_t wn = stage_weight_count(s);
        if (net->params) {
            s->w = net->params + pofs;
            s->dw = net->grads + pofs;
        }
        pofs += wn;
        if (s->bn) {
            if (net->params) {
                s->gamma = net->params + pofs;
                s->dgamma = net->grads + pofs;
                s->beta = net->params + pofs + s->oc;
                s->dbeta = net->grads + pofs + s->oc;
                s->running_mean = net->stats + sofs;
                s->running_var = net->stats + sofs + s->oc;
            }
            pofs += 2u * s->oc;
            sofs += 2u * s->oc;
        }
        size_t act = (size_t)s->oc * B * s->oh * s->oh;
        if (act > max_act) max_act = act;
        s->pre = carve(a, act, &total);
        s->out = s->bn ? carve(a, act, &total) : s->pre;
        size_t col = s->transpose ? (size_t)s->oc * s->k * s->k * B * s->h * s->h
                                  : (size_t)s->c * s->k * s->k * B * s->oh * s->oh;
        if (col > net->scratch_size) net->scratch_size = col;
        s->col = keep_cols && !s->transpose ? carve(a, col, &total) : NULL;
        if (s->bn) {
            s->mean = carve(a, s->oc, &total);
            s->invstd = carve(a, s->oc, &total);
        }
    }
    net->gbuf_size = gan_arena_round(max_act);
    return total;
}

/* (Re)allocates the net's own working memory: scratch + two gradient buffers. */
static int alloc_work(gan_net *net, size_t scratch, size_t gbuf)
{
    void *p = NULL;
    if (posix_memalign(&p, 64, (scratch + 2 * gbuf) * sizeof(float)) != 0) return -1;
    if (net->owns_work) free(net->work);
    net->work = p;
    net->owns_work = 1;
    net->scratch = net->work;
    net->gbuf[0] = net->work + scratch;
    net->gbuf[1] = net->work + scratch + gbuf;
    net->scratch_size = scratch;
    net->gbuf_size = gbuf;
    return 0;
}

static int build(gan_net *net, const gan_arch *arch, int generator, int trunk, int max_batch)
{
    assert(gan_arch_check(arch) == NULL && max_batch >= 1);
    memset(net, 0, sizeof *net);
    net->arch = *arch;
    net->generator = generator;
    net->trunk = trunk;
    net->max_batch = max_batch;
    net->slope = 0.2f;
    net->bn_momentum = 0.1f;
    net->bn_eps = 1e-5f;
    plan_stages(net);
    size_t total = layout(net);
    if (gan_arena_reserve(&net->arena, total) != 0) return -1;
    layout(net);
    net->scratch_size = gan_arena_round(net->scratch_size);
    if (alloc_work(net, net->scratch_size, net->gbuf_size) != 0) {
        gan_arena_free(&net->arena);
        return -1;
    }
    for (int i = 0; i < net->nstages; i++)
        if (net->st[i].bn)
            for (int c = 0; c < net->st[i].oc; c++) net->st[i].running_var[c] = 1.0f;
    return 0;
}

int gan_net_build(gan_net *net, const gan_arch *arch, int generator, int max_batch)
{
    return build(net, arch, generator, 0, max_batch);
}

int gan_net_build_trunk(gan_net *net, const gan_arch *arch, int max_batch)
{
    return build(net, arch, 0, 1, max_batch);
}

void gan_net_free(gan_net *net)
{
    if (net->owns_work) free(net->work);
    gan_arena_free(&net->arena);
    memset(net, 0, sizeof *net);
}

int gan_net_share_scratch(gan_net *a, gan_net *b)
{
    size_t scratch = a->scratch_size > b->scratch_size ? a->scratch_size : b->scratch_size;
    size_t gbuf = a->gbuf_size > b->gbuf_size ? a->gbuf_size : b->gbuf_size;
    if ((scratch > a->scratch_size || gbuf > a->gbuf_size) && alloc_work(a, scratch, gbuf) != 0) return -1;
    if (b->owns_work) free(b->work);
    b->work = a->work;
    b->owns_work = 0;
    b->scratch = a->scratch;
    b->gbuf[0] = a->gbuf[0];
    b->gbuf[1] = a->gbuf[1];
    b->scratch_size = scratch;
    b->gbuf_size = gbuf;
    return 0;
}

void gan_net_init_weights(gan_net *net, gan_rng *rng)
{
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *s = &net->st[i];
        gan_rng_normal(rng, s->w, (long)stage_weight_count(s), 0.0f, 0.02f);
        if (s->bn) {
            gan_rng_normal(rng, s->gamma, s->oc, 1.0f, 0.02f);
            memset(s->beta, 0, sizeof(float) * s->oc);
            memset(s->running_mean, 0, sizeof(float) * s->oc);
            for (int c = 0; c < s->oc; c++) s->running_var[c] = 1.0f;
        }
    }
    net->num_batches_tracked = 0;
}

long gan_net_in_size(const gan_net *net)
{
    const gan_arch *a = &net->arch;
    return net->generator ? a->nz : (long)a->channels * a->image_size * a->image_size;
}

long gan_net_out_size(const gan_net *net)
{
    const gan_arch *a = &net->arch;
    if (net->trunk) {
        const gan_stage *s = &net->st[net->nstages - 1];
        return (long)s->oc * s->oh * s->oh;
    }
    return net->generator ? (long)a->channels * a->image_size * a->image_size : 1;
}

static gan_conv_dims stage_dims(const gan_stage *s, int n)
{
    return (gan_conv_dims){.n = n, .c = s->c, .h = s->h, .w = s->h, .oc = s->oc, .k = s->k, .s = s->s, .p = s->p};
}

static void activate(gan_act act, float *x, long len, float slope)
{
    switch (act) {
    case GAN_ACT_RELU: gan_relu_forward(x, x, len); break;
    case GAN_ACT_LEAKY: gan_leakyrelu_forward(x, x, len, slope); break;
    case GAN_ACT_TANH: gan_tanh_forward(x, x, len); break;
    case GAN_ACT_NONE: break;
    }
}

static void activate_backward(gan_act act, float *g, const float *out, long len, float slope)
{
    switch (act) {
    case GAN_ACT_RELU: gan_relu_backward(g, g, out, len); break;
    case GAN_ACT_LEAKY: gan_leakyrelu_backward(g, g, out, len, slope); break;
    case GAN_ACT_TANH: gan_tanh_backward(g, g, out, len); break;
    case GAN_ACT_NONE: break;
    }
}

const float *gan_net_forward(gan_net *net, const float *input, int n, int train)
{
    assert(n >= 1 && n <= net->max_batch);
    const float *in = input;
    for (int i = 0; i < net->nstages; i++) {
        gan_stage *s = &net->st[i];
        gan_conv_dims d = stage_dims(s, n);
        if (s->transpose) gan_conv_transpose2d_forward(s->pre, net->scratch, in, s->w, NULL, &d, net->pool);
        else gan_conv2d_forward(s->pre, s->col ? s->col : net->scratch, in, s->w, NULL, &d, net->pool);
        const long m = (long)n * s->oh * s->oh;
        if (s->bn) {
            if (train)
                gan_batchnorm2d_forward_train(s->out, s->mean, s->invstd, s->running_mean, s->running_var, s->pre,
                                              s->gamma, s->beta, s->oc, m, net->bn_momentum, net->bn_eps, net->pool);
            else
                gan_batchnorm2d_forward_eval(s->out, s->pre, s->gamma, s->beta, s->running_mean, s->running_var,
                                             s->oc, m, net->bn_eps);
        }
        activate(s->act, s->out, (long)s->oc * m, net->slope);
        in = s->out;
    }
    if (train) net->num_batches_tracked++;
    net->input = input;
    net->last_n = n;
    return in;
}

const float *gan_net_backward(gan_net *net, float *dout, int param_grads, int input_grad)
{
    const int n = net->last_n;
    float *g = dout;
    int next = dout == net->gbuf[0]; /* dout may be the other net's result in a shared buffer */
    for (int i = net->nstages - 1; i >= 0; i--) {
        gan_stage *s = &net->st[i];
        const long m = (long)n * s->oh * s->oh;
        activate_backward(s->act, g, s->out, (long)s->oc * m, net->slope);
        if (s->bn)  /* in place: the batchnorm backward reads each dy before writing its dx */
            gan_batchnorm2d_backward_train(g, param_grads ? s->dgamma : NULL, param_grads ? s->dbeta : NULL, g,
                                           s->pre, s->mean, s->invstd, s->gamma, s->oc, m, net->pool);
        const float *in = i == 0 ? net->input : net->st[i - 1].out;
        float *din = (i > 0 || input_grad) ? net->gbuf[next] : NULL;
        next ^= 1;
        gan_conv_dims d = stage_dims(s, n);
        if (s->transpose)
            gan_conv_transpose2d_backward(din, param_grads ? s->dw : NULL, NULL, net->scratch, g, in, s->w, &d, net->pool);
        else
            gan_conv2d_backward(din, param_grads ? s->dw : NULL, NULL, net->scratch, g, in, s->col, s->w, &d, net->pool);
        g = din;
    }
    return g;
}

void gan_net_zero_grad(gan_net *net) { memset(net->grads, 0, sizeof(float) * net->nparams); }

void gan_net_adam(gan_net *net, float lr, float beta1, float beta2, float eps, long t)
{
    gan_adam_update(net->params, net->grads, net->adam_m, net->adam_v, net->nparams, lr, beta1, beta2, eps, t);
}

int gan_net_tensor_count(const gan_net *net)
{
    int count = 0;
    for (int i = 0; i < net->nstages; i++) count += net->st[i].bn ? 6 : 1;
    return count;
}

void gan_net_tensor(const gan_net *net, int index, gan_tensor_ref *r)
{
    memset(r, 0, sizeof *r);
    for (int i = 0; i < net->nstages; i++) {
        const gan_stage *s = &net->st[i];
        if (index == 0) {
            snprintf(r->name, sizeof r->name, "%d.weight", s->seq_conv);
            r->ndim = 4;
            r->shape[0] = s->transpose ? s->c : s->oc;
            r->shape[1] = s->transpose ? s->oc : s->c;
            r->shape[2] = r->shape[3] = s->k;
            r->data = s->w;
            r->count = stage_weight_count(s);
            return;
        }
        index--;
        if (!s->bn) continue;
        if (index < 5) {
            static const char *const names[5] = {"weight", "bias", "running_mean", "running_var", "num_batches_tracked"};
            float *const data[5] = {s->gamma, s->beta, s->running_mean, s->running_var, NULL};
            snprintf(r->name, sizeof r->name, "%d.%s", s->seq_bn, names[index]);
            r->ndim = index == 4 ? 0 : 1;
            r->shape[0] = s->oc;
            r->data = data[index];
            r->count = index == 4 ? 1 : (size_t)s->oc;
            r->kind = index < 2 ? 0 : index < 4 ? 1 : 2;
            return;
        }
        index -= 5;
    }
    assert(0 && "tensor index out of range");
}
