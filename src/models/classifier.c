#include "gan/models/classifier.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/check.h"
#include "gan/nn/activation.h"
#include "gan/nn/adam.h"
#include "gan/nn/layout.h"
#include "gan/nn/linear.h"

gan_status gan_classifier_arch_check(const gan_classifier_arch *a, const char *where, gan_error *err)
{
    if (!gan_image_size_valid(a->image_size))
        return gan_fail(err, GAN_ERR_INPUT, "%simage_size: expected " GAN_IMAGE_SIZES ", got %d", where,
                        a->image_size);
    if (a->channels != 1 && a->channels != 3)
        return gan_fail(err, GAN_ERR_INPUT, "%schannels: expected 1 or 3, got %d", where, a->channels);
    if (a->width < 1 || a->width > 1024)
        return gan_fail(err, GAN_ERR_INPUT, "%swidth: expected an integer from 1 to 1024, got %d", where,
                        a->width);
    if (a->hidden < 1 || a->hidden > 4096)
        return gan_fail(err, GAN_ERR_INPUT, "%shidden: expected an integer from 1 to 4096, got %d", where,
                        a->hidden);
    if (a->classes < 2 || a->classes > 1000)
        return gan_fail(err, GAN_ERR_INPUT, "%sclasses: expected an integer from 2 to 1000, got %d", where,
                        a->classes);
    return GAN_OK;
}

/* The trunk is a DCGAN discriminator's; nz and ngf mean nothing to it. */
static gan_arch trunk_arch(const gan_classifier_arch *a)
{
    return (gan_arch){
        .image_size = a->image_size, .channels = a->channels, .nz = 1, .ngf = 1, .ndf = a->width};
}

size_t gan_classifier_plan_bytes(const gan_classifier_arch *arch, int max_batch, gan_work_plan *work)
{
    gan_net trunk;
    gan_arch ta = trunk_arch(arch);
    const size_t trunk_bytes = gan_net_plan(&trunk, &ta, GAN_NET_TRUNK, max_batch);
    *work = gan_net_work_plan(&trunk);
    const size_t F = (size_t)gan_net_out_size(&trunk), H = (size_t)arch->hidden, K = (size_t)arch->classes;
    const size_t B = (size_t)max_batch, nparams = H * F + H + K * H + K;
    return trunk_bytes + sizeof(float) * (4 * nparams + B * (2 * F + H + K) + B * (F + H));
}

gan_status gan_classifier_build(gan_classifier *c, const gan_classifier_arch *arch, int max_batch)
{
    GAN_ASSERT(gan_classifier_arch_check(arch, "", NULL) == GAN_OK && max_batch >= 1);
    memset(c, 0, sizeof *c);
    c->arch = *arch;
    c->max_batch = max_batch;
    c->slope = 0.2f;
    gan_arch ta = trunk_arch(arch);
    if (gan_net_build(&c->trunk, &ta, GAN_NET_TRUNK, max_batch) != GAN_OK) return GAN_ERR_NOMEM;
    c->flat = (int)gan_net_out_size(&c->trunk);
    const size_t F = (size_t)c->flat, H = (size_t)arch->hidden, K = (size_t)arch->classes,
                 B = (size_t)max_batch;
    c->nparams = H * F + H + K * H + K;
    const size_t total = 4 * c->nparams + B * (2 * F + H + K) + B * (F + H);
    c->block = calloc(total, sizeof(float));
    if (!c->block) {
        gan_net_free(&c->trunk);
        return GAN_ERR_NOMEM;
    }
    /* one table of (pointer, size) walked once: every buffer's place in the block */
    struct {
        float **p;
        size_t n;
    } carve[] = {
        {&c->params, c->nparams}, {&c->grads, c->nparams}, {&c->adam_m, c->nparams}, {&c->adam_v, c->nparams},
        {&c->x_flat, B * F},      {&c->d_flat, B * F},     {&c->features, B * H},    {&c->logits, B * K},
        {&c->d_features, B * H},  {&c->d_trunk, B * F},
    };
    float *p = c->block;
    for (size_t i = 0; i < sizeof carve / sizeof carve[0]; i++) {
        *carve[i].p = p;
        p += carve[i].n;
    }
    GAN_ASSERT((size_t)(p - c->block) == total);
    c->w1 = c->params, c->dw1 = c->grads;
    c->b1 = c->w1 + H * F, c->db1 = c->dw1 + H * F;
    c->w2 = c->b1 + H, c->dw2 = c->db1 + H;
    c->b2 = c->w2 + K * H, c->db2 = c->dw2 + K * H;
    return GAN_OK;
}

void gan_classifier_free(gan_classifier *c)
{
    gan_net_free(&c->trunk);
    free(c->block);
    memset(c, 0, sizeof *c);
}

gan_work_plan gan_classifier_work_plan(const gan_classifier *c) { return gan_net_work_plan(&c->trunk); }

static void uniform(gan_rng *rng, float *out, long n, float bound)
{
    for (long i = 0; i < n; i++) out[i] = (float)((2.0 * gan_rng_uniform(rng) - 1.0) * bound);
}

void gan_classifier_init_weights(gan_classifier *c, gan_rng *rng)
{
    gan_net_init_weights(&c->trunk, rng);
    const int F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    uniform(rng, c->w1, (long)H * F, 1.0f / sqrtf((float)F));
    uniform(rng, c->b1, H, 1.0f / sqrtf((float)F));
    uniform(rng, c->w2, (long)K * H, 1.0f / sqrtf((float)H));
    uniform(rng, c->b2, K, 1.0f / sqrtf((float)H));
}

static int trunk_channels(const gan_classifier *c) { return c->trunk.st[c->trunk.nstages - 1].geom.oc; }

const float *gan_classifier_forward(gan_classifier *c, const gan_work *work, const float *x, int n,
                                    gan_mode mode)
{
    GAN_ASSERT(n >= 1 && n <= c->max_batch);
    const int F = c->flat, H = c->arch.hidden, K = c->arch.classes, ch = trunk_channels(c), plane = F / ch;
    const float *t = gan_net_forward(&c->trunk, work, x, NULL, n, mode);
    /* Linear wants each image's features in one row, in PyTorch's Flatten
     * order (c, y, x): the trunk's channel-major output made image-major. */
    gan_copy_images(c->x_flat, gan_layout_nchw(ch, plane), t, gan_layout_cnhw(n, plane), n, ch, plane);
    gan_linear_forward(c->features, c->x_flat, c->w1, c->b1, n, F, H);
    gan_leakyrelu_forward(c->features, c->features, (long)n * H, c->slope);
    gan_linear_forward(c->logits, c->features, c->w2, c->b2, n, H, K);
    return c->logits;
}

void gan_classifier_backward(gan_classifier *c, const gan_work *work, const float *dlogits)
{
    const int n = c->trunk.last_n, F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    const int ch = trunk_channels(c), plane = F / ch;
    gan_linear_backward(c->d_features, c->dw2, c->db2, dlogits, c->features, c->w2, n, H, K);
    gan_leakyrelu_backward(c->d_features, c->d_features, c->features, (long)n * H, c->slope);
    gan_linear_backward(c->d_flat, c->dw1, c->db1, c->d_features, c->x_flat, c->w1, n, F, H);
    gan_copy_images(c->d_trunk, gan_layout_cnhw(n, plane), c->d_flat, gan_layout_nchw(ch, plane), n, ch,
                    plane);
    gan_net_backward(&c->trunk, work, c->d_trunk, GAN_GRAD_PARAMS);
}

void gan_classifier_zero_grad(gan_classifier *c)
{
    gan_net_zero_grad(&c->trunk);
    memset(c->grads, 0, sizeof(float) * c->nparams);
}

void gan_classifier_adam(gan_classifier *c, float lr, float beta1, float beta2, float eps, int64_t t)
{
    gan_net_adam(&c->trunk, lr, beta1, beta2, eps, t);
    gan_adam_update(c->params, c->grads, c->adam_m, c->adam_v, c->nparams, lr, beta1, beta2, eps, t);
}

void gan_classifier_head_tensors(gan_classifier *c, gan_head_tensor out[4])
{
    const int first = 3 * c->trunk.nstages + 1; /* after the trunk's triples and Flatten */
    const int F = c->flat, H = c->arch.hidden, K = c->arch.classes;
    snprintf(out[0].name, sizeof out[0].name, "%d.weight", first);
    snprintf(out[1].name, sizeof out[1].name, "%d.bias", first);
    snprintf(out[2].name, sizeof out[2].name, "%d.weight", first + 2);
    snprintf(out[3].name, sizeof out[3].name, "%d.bias", first + 2);
    out[0].ndim = 2, out[0].shape[0] = H, out[0].shape[1] = F, out[0].data = c->w1;
    out[1].ndim = 1, out[1].shape[0] = H, out[1].data = c->b1;
    out[2].ndim = 2, out[2].shape[0] = K, out[2].shape[1] = H, out[2].data = c->w2;
    out[3].ndim = 1, out[3].shape[0] = K, out[3].data = c->b2;
}
