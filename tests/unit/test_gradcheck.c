/* Finite-difference checks of every layer's backward.
 *
 * Each case defines a scalar objective L = sum(out * R) with a fixed random R
 * (or the loss itself for BCE), runs backward with dout = R, and compares
 * every analytic gradient entry with the central difference
 * (L(x+h) - L(x-h)) / 2h. The error is measured against the gradient's own
 * scale; the tolerance (1e-2) sits far below what a wrong sign, a missing
 * term or a wrong stride produces (order 1), and far above float rounding.
 * At the kinks of ReLU/LeakyReLU inputs are kept at least 0.1 away from 0. */
#include <string.h>

#include "../common/check.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/models/classifier.h"
#include "gan/models/dcgan.h"
#include "gan/nn/activation.h"
#include "gan/nn/adam.h"
#include "gan/nn/augment.h"
#include "gan/nn/avgpool2d.h"
#include "gan/nn/batchnorm2d.h"
#include "gan/nn/conditional.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv_transpose2d.h"
#include "gan/nn/gan_loss.h"
#include "gan/nn/linear.h"
#include "gan/nn/loss.h"
#include "gan/nn/progressive.h"

typedef double (*objective_fn)(void *ctx);

static double dot(const float *a, const float *b, long n)
{
    double s = 0.0;
    for (long i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

/* Compares grad with central differences of f along each entry of x. */
static void gradcheck(const char *label, objective_fn f, void *ctx, float *x, const float *grad, long n,
                      float h)
{
    double max_err = 0.0, scale = 1e-3;
    for (long i = 0; i < n; i++)
        if (fabs(grad[i]) > scale) scale = fabs(grad[i]);
    for (long i = 0; i < n; i++) {
        float keep = x[i];
        x[i] = keep + h;
        double lp = f(ctx);
        x[i] = keep - h;
        double lm = f(ctx);
        x[i] = keep;
        double num = (lp - lm) / (2.0 * h);
        double e = fabs(num - grad[i]) / scale;
        if (e > max_err || e != e) max_err = e;
    }
    CHECK_MSG(max_err < 1e-2, "%s: max error %.3g of the gradient scale %.3g", label, max_err, scale);
    printf("  %-28s max error %.2e (of scale %.2e, %ld entries)\n", label, max_err, scale, n);
}

static float *randn(gan_rng *rng, long n, float std)
{
    float *p = malloc(sizeof(float) * n);
    gan_rng_normal(rng, p, n, 0.0f, std);
    return p;
}

static float *zeros(long n) { return calloc((size_t)n, sizeof(float)); }

/* ---------------------------------------------------------------- conv2d */
typedef struct {
    gan_conv_geom d;
    float *in, *w, *b, *out, *col, *r;
    long nout;
} conv_case;

static double conv_obj(void *p)
{
    conv_case *c = p;
    gan_conv2d_forward(c->out, c->col, c->in, c->w, c->b, &c->d, NULL, NULL);
    return dot(c->out, c->r, c->nout);
}

static void check_conv(gan_rng *rng, gan_conv_geom d, int bias)
{
    conv_case c = {.d = d};
    const int oh = d.oh, ow = d.ow;
    long nin = (long)d.c * d.n * d.h * d.w, nw = (long)d.oc * d.c * d.k * d.k,
         ncol = (long)d.c * d.k * d.k * d.n * oh * ow;
    c.nout = (long)d.oc * d.n * oh * ow;
    c.in = randn(rng, nin, 1), c.w = randn(rng, nw, 0.5f), c.b = bias ? randn(rng, d.oc, 1) : NULL;
    c.out = zeros(c.nout), c.col = zeros(ncol), c.r = randn(rng, c.nout, 1);
    float *din = zeros(nin), *dw = zeros(nw), *db = zeros(d.oc), *dcol = zeros(ncol);
    conv_obj(&c);
    gan_conv2d_backward(din, dw, bias ? db : NULL, dcol, c.r, c.in, NULL, c.w, &d, NULL, NULL);
    char label[64];
    snprintf(label, sizeof label, "conv2d k%d s%d p%d dinput", d.k, d.s, d.p);
    gradcheck(label, conv_obj, &c, c.in, din, nin, 0.05f);
    snprintf(label, sizeof label, "conv2d k%d s%d p%d dweight", d.k, d.s, d.p);
    gradcheck(label, conv_obj, &c, c.w, dw, nw, 0.05f);
    if (bias) gradcheck("conv2d dbias", conv_obj, &c, c.b, db, d.oc, 0.05f);
    /* Parameter gradients accumulate: a second backward doubles them. */
    float *dw2 = malloc(sizeof(float) * nw);
    memcpy(dw2, dw, sizeof(float) * nw);
    gan_conv2d_backward(NULL, dw2, NULL, dcol, c.r, c.in, c.col, c.w, &d, NULL, NULL);
    long bad = 0;
    for (long i = 0; i < nw; i++) bad += fabsf(dw2[i] - 2 * dw[i]) > 1e-4f * (1 + fabsf(dw[i]));
    CHECK_MSG(bad == 0, "conv2d dweight does not accumulate (%ld entries)", bad);
    free(dw2);
    free(c.in), free(c.w), free(c.b), free(c.out), free(c.col), free(c.r), free(din), free(dw), free(db),
        free(dcol);
}

/* ------------------------------------------------------ transposed conv2d */
static double convt_obj(void *p)
{
    conv_case *c = p;
    gan_conv_transpose2d_forward(c->out, c->col, c->in, c->w, c->b, &c->d, NULL, NULL);
    return dot(c->out, c->r, c->nout);
}

static void check_convt(gan_rng *rng, gan_conv_geom d, int bias)
{
    conv_case c = {.d = d};
    const int oh = d.oh, ow = d.ow;
    long nin = (long)d.c * d.n * d.h * d.w, nw = (long)d.c * d.oc * d.k * d.k,
         ncol = (long)d.oc * d.k * d.k * d.n * d.h * d.w;
    c.nout = (long)d.oc * d.n * oh * ow;
    c.in = randn(rng, nin, 1), c.w = randn(rng, nw, 0.5f), c.b = bias ? randn(rng, d.oc, 1) : NULL;
    c.out = zeros(c.nout), c.col = zeros(ncol), c.r = randn(rng, c.nout, 1);
    float *din = zeros(nin), *dw = zeros(nw), *db = zeros(d.oc), *dcol = zeros(ncol);
    convt_obj(&c);
    gan_conv_transpose2d_backward(din, dw, bias ? db : NULL, dcol, c.r, c.in, c.w, &d, NULL, NULL);
    char label[64];
    snprintf(label, sizeof label, "convT k%d s%d p%d dinput", d.k, d.s, d.p);
    gradcheck(label, convt_obj, &c, c.in, din, nin, 0.05f);
    snprintf(label, sizeof label, "convT k%d s%d p%d dweight", d.k, d.s, d.p);
    gradcheck(label, convt_obj, &c, c.w, dw, nw, 0.05f);
    if (bias) gradcheck("convT dbias", convt_obj, &c, c.b, db, d.oc, 0.05f);
    free(c.in), free(c.w), free(c.b), free(c.out), free(c.col), free(c.r), free(din), free(dw), free(db),
        free(dcol);
}

/* -------------------------------------------------------------- batchnorm */
typedef struct {
    int c, train;
    long m;
    float *in, *gamma, *beta, *out, *mean, *invstd, *rmean, *rvar, *r;
} bn_case;

static double bn_obj(void *p)
{
    bn_case *b = p;
    if (b->train)
        gan_batchnorm2d_forward_train(b->out, b->mean, b->invstd, b->rmean, b->rvar, b->in, b->gamma, b->beta,
                                      b->c, b->m, 0.1f, 1e-5f, NULL, NULL, GAN_BN_NO_ACT);
    else gan_batchnorm2d_forward_eval(b->out, b->in, b->gamma, b->beta, b->rmean, b->rvar, b->c, b->m, 1e-5f);
    return dot(b->out, b->r, (long)b->c * b->m);
}

static void check_bn(gan_rng *rng, int train)
{
    bn_case b = {.c = 3, .m = 2 * 4 * 4, .train = train};
    long n = b.c * b.m;
    b.in = randn(rng, n, 2), b.gamma = randn(rng, b.c, 1), b.beta = randn(rng, b.c, 1);
    b.out = zeros(n), b.mean = zeros(b.c), b.invstd = zeros(b.c), b.r = randn(rng, n, 1);
    b.rmean = randn(rng, b.c, 1), b.rvar = zeros(b.c);
    for (int i = 0; i < b.c; i++) b.rvar[i] = 0.5f + 0.25f * i;
    float *din = zeros(n), *dg = zeros(b.c), *dbeta = zeros(b.c);
    bn_obj(&b);
    if (train)
        gan_batchnorm2d_backward_train(din, dg, dbeta, b.r, b.in, b.mean, b.invstd, b.gamma, b.c, b.m, NULL,
                                       NULL, GAN_BN_NO_ACT, NULL);
    else gan_batchnorm2d_backward_eval(din, dg, dbeta, b.r, b.in, b.gamma, b.rmean, b.rvar, b.c, b.m, 1e-5f);
    gradcheck(train ? "batchnorm2d train dinput" : "batchnorm2d eval dinput", bn_obj, &b, b.in, din, n,
              1e-2f);
    gradcheck(train ? "batchnorm2d train dgamma" : "batchnorm2d eval dgamma", bn_obj, &b, b.gamma, dg, b.c,
              1e-2f);
    gradcheck(train ? "batchnorm2d train dbeta" : "batchnorm2d eval dbeta", bn_obj, &b, b.beta, dbeta, b.c,
              1e-2f);
    free(b.in), free(b.gamma), free(b.beta), free(b.out), free(b.mean), free(b.invstd), free(b.rmean),
        free(b.rvar);
    free(b.r), free(din), free(dg), free(dbeta);
}

/* ------------------------------------------------------------ activations */
enum { ACT_RELU, ACT_LEAKY, ACT_TANH, ACT_SIGMOID };
typedef struct {
    int kind;
    long n;
    float *in, *out, *r;
} act_case;

static void act_forward(act_case *a)
{
    switch (a->kind) {
    case ACT_RELU: gan_relu_forward(a->out, a->in, a->n); break;
    case ACT_LEAKY: gan_leakyrelu_forward(a->out, a->in, a->n, 0.2f); break;
    case ACT_TANH: gan_tanh_forward(a->out, a->in, a->n); break;
    default: gan_sigmoid_forward(a->out, a->in, a->n); break;
    }
}

static double act_obj(void *p)
{
    act_case *a = p;
    act_forward(a);
    return dot(a->out, a->r, a->n);
}

static void check_act(gan_rng *rng, int kind, const char *label)
{
    act_case a = {.kind = kind, .n = 200};
    a.in = randn(rng, a.n, 2), a.out = zeros(a.n), a.r = randn(rng, a.n, 1);
    for (long i = 0; i < a.n; i++)
        if (fabsf(a.in[i]) < 0.1f) a.in[i] += a.in[i] < 0 ? -0.1f : 0.1f;
    float *din = zeros(a.n);
    act_forward(&a);
    switch (kind) {
    case ACT_RELU: gan_relu_backward(din, a.r, a.out, a.n); break;
    case ACT_LEAKY: gan_leakyrelu_backward(din, a.r, a.out, a.n, 0.2f); break;
    case ACT_TANH: gan_tanh_backward(din, a.r, a.out, a.n); break;
    default: gan_sigmoid_backward(din, a.r, a.out, a.n); break;
    }
    gradcheck(label, act_obj, &a, a.in, din, a.n, 1e-2f);
    free(a.in), free(a.out), free(a.r), free(din);
}

/* ----------------------------------------------------------------- linear */
typedef struct {
    int n, in_f, out_f;
    float *in, *w, *b, *out, *r;
} lin_case;

static double lin_obj(void *p)
{
    lin_case *l = p;
    gan_linear_forward(l->out, l->in, l->w, l->b, l->n, l->in_f, l->out_f);
    return dot(l->out, l->r, (long)l->n * l->out_f);
}

static void check_linear(gan_rng *rng)
{
    lin_case l = {.n = 5, .in_f = 7, .out_f = 3};
    l.in = randn(rng, l.n * l.in_f, 1), l.w = randn(rng, l.out_f * l.in_f, 1), l.b = randn(rng, l.out_f, 1);
    l.out = zeros(l.n * l.out_f), l.r = randn(rng, l.n * l.out_f, 1);
    float *din = zeros(l.n * l.in_f), *dw = zeros(l.out_f * l.in_f), *db = zeros(l.out_f);
    lin_obj(&l);
    gan_linear_backward(din, dw, db, l.r, l.in, l.w, l.n, l.in_f, l.out_f);
    gradcheck("linear dinput", lin_obj, &l, l.in, din, l.n * l.in_f, 0.05f);
    gradcheck("linear dweight", lin_obj, &l, l.w, dw, l.out_f * l.in_f, 0.05f);
    gradcheck("linear dbias", lin_obj, &l, l.b, db, l.out_f, 0.05f);
    free(l.in), free(l.w), free(l.b), free(l.out), free(l.r), free(din), free(dw), free(db);
}

/* -------------------------------------------------------------------- BCE */
typedef struct {
    int n;
    float target;
    float *x;
} bce_case;

static double bce_obj(void *p)
{
    bce_case *b = p;
    return gan_bce_logits_forward(b->x, b->target, b->n);
}

static void check_bce(gan_rng *rng)
{
    const float targets[] = {1.0f, 0.0f, 0.9f};
    for (int t = 0; t < 3; t++) {
        bce_case b = {.n = 16, .target = targets[t]};
        b.x = randn(rng, b.n, 3);
        float *dx = zeros(b.n);
        gan_bce_logits_backward(dx, b.x, b.target, b.n, 1.0f);
        char label[64];
        snprintf(label, sizeof label, "bce_logits target %.1f", b.target);
        gradcheck(label, bce_obj, &b, b.x, dx, b.n, 1e-2f);
        free(b.x), free(dx);
    }
    /* Extreme logits: finite loss, exact saturation, no NaN. */
    float big[4] = {100.0f, -100.0f, 1e30f, -1e30f}, d[4];
    float l1 = gan_bce_logits_forward(big, 1.0f, 4);
    gan_bce_logits_backward(d, big, 1.0f, 4, 1.0f);
    CHECK_MSG(isfinite(l1) && fabsf(l1 - (100.0f + 1e30f) / 4) / l1 < 1e-5f, "bce at extreme logits: %g", l1);
    CHECK(d[0] == 0.0f && d[2] == 0.0f && fabsf(d[1] + 0.25f) < 1e-7f && fabsf(d[3] + 0.25f) < 1e-7f);
}

/* ------------------------------------------------ adversarial losses */
typedef struct {
    gan_loss_kind kind;
    gan_loss_term term;
    int n;
    float *x, *scratch;
} adv_case;

static double adv_obj(void *p)
{
    adv_case *a = p;
    return gan_adversarial_loss(a->kind, a->term, a->x, a->n, 0.9f, a->scratch);
}

static void check_adversarial(gan_rng *rng)
{
    static const char *const kinds[] = {"bce", "hinge", "lsgan"}, *const terms[] = {"D real", "D fake", "G"};
    for (int k = 0; k < 3; k++)
        for (int t = 0; t < 3; t++) {
            adv_case a = {.kind = (gan_loss_kind)k, .term = (gan_loss_term)t, .n = 32};
            a.x = randn(rng, a.n, 2);
            for (int i = 0; i < a.n; i++) /* away from hinge's kinks at +-1 */
                if (fabsf(fabsf(a.x[i]) - 1.0f) < 0.1f) a.x[i] += 0.25f;
            a.scratch = zeros(a.n);
            float *dx = zeros(a.n);
            gan_adversarial_loss(a.kind, a.term, a.x, a.n, 0.9f, dx);
            char label[64];
            snprintf(label, sizeof label, "%s loss, %s term", kinds[k], terms[t]);
            gradcheck(label, adv_obj, &a, a.x, dx, a.n, 1e-2f);
            free(a.x), free(a.scratch), free(dx);
        }
}

/* ------------------------------------------------------- softmax + CE */
typedef struct {
    int n, k;
    float *x;
    int32_t *labels;
} ce_case;

static double ce_obj(void *p)
{
    ce_case *c = p;
    return gan_softmax_ce_forward(c->x, c->labels, c->n, c->k);
}

static void check_softmax_ce(gan_rng *rng)
{
    ce_case c = {.n = 6, .k = 5};
    c.x = randn(rng, c.n * c.k, 2);
    c.labels = malloc(sizeof(int32_t) * c.n);
    for (int i = 0; i < c.n; i++) c.labels[i] = (int32_t)gan_rng_below(rng, (uint64_t)c.k);
    float *dx = zeros(c.n * c.k);
    gan_softmax_ce_backward(dx, c.x, c.labels, c.n, c.k);
    gradcheck("softmax_ce dlogits", ce_obj, &c, c.x, dx, c.n * c.k, 1e-2f);
    /* Huge logits: finite, and the right class at +1000 costs nothing. */
    float big[3] = {1000.0f, -1000.0f, 0.0f};
    int32_t lab = 0;
    CHECK(gan_softmax_ce_forward(big, &lab, 1, 3) == 0.0f);
    lab = 1;
    CHECK(fabsf(gan_softmax_ce_forward(big, &lab, 1, 3) - 2000.0f) < 1e-3f);
    free(c.x), free(c.labels), free(dx);
}

/* ------------------------------------------------------------- classifier */
/* The whole classifier (trunk, flatten, two Linear layers, cross-entropy) in
 * training mode: checks that the flatten transpose and its inverse in
 * backward line up with every parameter's gradient. Its hundreds of
 * LeakyReLU inputs cannot all be kept away from the kink, where a finite
 * difference is wrong, so the slope is 1 here: LeakyReLU's own backward is
 * checked above, and the whole classifier at slope 0.2 against PyTorch. */
typedef struct {
    gan_classifier net;
    gan_work work;
    float *x;
    int32_t labels[4];
    int n;
} cls_case;

static double cls_obj(void *p)
{
    cls_case *c = p;
    const float *logits = gan_classifier_forward(&c->net, &c->work, c->x, c->n, GAN_MODE_TRAIN);
    return gan_softmax_ce_forward(logits, c->labels, c->n, c->net.arch.classes);
}

static void check_classifier(gan_rng *rng)
{
    cls_case c = {.n = 4};
    gan_classifier_arch arch = {.image_size = 16, .channels = 1, .width = 2, .hidden = 5, .classes = 3};
    CHECK(gan_classifier_build(&c.net, &arch, c.n) == GAN_OK);
    CHECK(gan_work_alloc(&c.work, gan_classifier_work_plan(&c.net), NULL) == GAN_OK);
    gan_classifier_init_weights(&c.net, rng);
    c.net.slope = c.net.trunk.slope = 1.0f;
    /* Batchnorm makes the loss invariant to each conv weight's scale, so its
     * gradient grows as 1/|w|: at DCGAN's N(0, 0.02) a finite-difference
     * step is a large relative change. Weights near 1 keep it small. */
    for (size_t i = 0; i < c.net.trunk.nparams; i++) c.net.trunk.params[i] *= 50.0f;
    c.x = randn(rng, (long)c.n * 16 * 16, 1);
    for (int i = 0; i < c.n; i++) c.labels[i] = (int32_t)gan_rng_below(rng, 3);
    const float *logits = gan_classifier_forward(&c.net, &c.work, c.x, c.n, GAN_MODE_TRAIN);
    float dlogits[4 * 3];
    gan_softmax_ce_backward(dlogits, logits, c.labels, c.n, 3);
    gan_classifier_zero_grad(&c.net);
    gan_classifier_backward(&c.net, &c.work, dlogits);
    gradcheck("classifier trunk params", cls_obj, &c, c.net.trunk.params, c.net.trunk.grads,
              (long)c.net.trunk.nparams, 1e-2f);
    gradcheck("classifier head params", cls_obj, &c, c.net.params, c.net.grads, (long)c.net.nparams, 3e-3f);
    free(c.x);
    gan_classifier_free(&c.net);
    gan_work_free(&c.work);
}

/* ----------------------------------------------- spectrally normalised D */
/* Backward through W / sigma(W) with u and v held fixed (as in PyTorch): in
 * inference mode the forward leaves u and v alone, so finite differences of
 * it see exactly the function backward differentiates. Slope 1 keeps the
 * LeakyReLU kinks out of the differences (its own backward is checked above). */
typedef struct {
    gan_net d;
    gan_work work;
    float *x, *r;
    int n;
} sn_case;

static double sn_obj(void *p)
{
    sn_case *c = p;
    return dot(gan_net_forward(&c->d, &c->work, c->x, NULL, c->n, GAN_MODE_EVAL), c->r, c->n);
}

static void check_spectral_d(gan_rng *rng)
{
    sn_case c = {.n = 3};
    const gan_arch arch = {
        .image_size = 16, .channels = 1, .nz = 1, .ngf = 1, .ndf = 2, .d_norm = GAN_NORM_SPECTRAL};
    CHECK(gan_net_build(&c.d, &arch, GAN_NET_DISCRIMINATOR, c.n) == GAN_OK);
    CHECK(gan_work_alloc(&c.work, gan_net_work_plan(&c.d), NULL) == GAN_OK);
    gan_net_init_weights(&c.d, rng);
    for (size_t i = 0; i < c.d.nparams; i++) c.d.params[i] *= 10.0f; /* sigma does not care; differences do */
    c.d.slope = 1.0f;
    c.x = randn(rng, (long)c.n * 256, 1);
    c.r = randn(rng, c.n, 1);
    /* a few training forwards move u and v off their random start, towards the top singular vectors */
    for (int i = 0; i < 5; i++) gan_net_forward(&c.d, &c.work, c.x, NULL, c.n, GAN_MODE_TRAIN);
    sn_obj(&c);
    gan_net_zero_grad(&c.d);
    gan_net_backward(&c.d, &c.work, c.r, GAN_GRAD_PARAMS);
    gradcheck("spectral-norm D weights", sn_obj, &c, c.d.params, c.d.grads, (long)c.d.nparams, 1e-2f);
    free(c.x), free(c.r);
    gan_net_free(&c.d);
    gan_work_free(&c.work);
}

/* --------------------------------------------------- conditional pieces */
/* A projection D (batchnorm or spectral norm, LeakyReLU slope 1 so that no
 * kink sits between the differences), labels fixed: every parameter (the
 * class embedding too) and the input. Batchnorm in training mode, spectral
 * norm in inference mode after training forwards (see above). */
typedef struct {
    gan_net d;
    gan_work work;
    float *x, *r;
    int32_t labels[5];
    int n;
    gan_mode mode;
    float class_w; /* the weight of D's class loss in the objective (0: none) */
} proj_case;

static double proj_obj(void *p)
{
    proj_case *c = p;
    double l = dot(gan_net_forward(&c->d, &c->work, c->x, c->labels, c->n, c->mode), c->r, c->n);
    if (c->class_w > 0.0f)
        l += c->class_w * gan_softmax_ce_forward(c->d.class_logits, c->labels, c->n, c->d.arch.classes);
    return l;
}

static void check_projection_d(gan_rng *rng, gan_norm norm, float class_w, const char *label)
{
    proj_case c = {
        .n = 5, .mode = norm == GAN_NORM_SPECTRAL ? GAN_MODE_EVAL : GAN_MODE_TRAIN, .class_w = class_w};
    const gan_arch arch = {
        .image_size = 16, .channels = 1, .nz = 1, .ngf = 1, .ndf = 2, .d_norm = norm, .classes = 3};
    CHECK(gan_net_build(&c.d, &arch, GAN_NET_DISCRIMINATOR, c.n) == GAN_OK);
    CHECK(gan_work_alloc(&c.work, gan_net_work_plan(&c.d), NULL) == GAN_OK);
    gan_net_init_weights(&c.d, rng);
    for (size_t i = 0; i < c.d.nparams; i++) c.d.params[i] *= 10.0f;
    c.d.slope = 1.0f;
    for (int i = 0; i < c.n; i++) c.labels[i] = i % 3;
    const long len = (long)c.n * 256;
    c.x = randn(rng, len, 1);
    c.r = randn(rng, c.n, 1);
    for (int i = 0; norm == GAN_NORM_SPECTRAL && i < 5; i++)
        gan_net_forward(&c.d, &c.work, c.x, c.labels, c.n, GAN_MODE_TRAIN);
    proj_obj(&c);
    if (class_w > 0.0f) gan_net_class_loss(&c.d, class_w); /* joins the backward below */
    gan_net_zero_grad(&c.d);
    const float *dx = gan_net_backward(&c.d, &c.work, c.r, GAN_GRAD_PARAMS | GAN_GRAD_INPUT);
    float *dx_copy = malloc(sizeof(float) * len);
    memcpy(dx_copy, dx, sizeof(float) * len);
    char what[64];
    snprintf(what, sizeof what, "%s weights", label);
    gradcheck(what, proj_obj, &c, c.d.params, c.d.grads, (long)c.d.nparams, 1e-2f);
    snprintf(what, sizeof what, "%s input", label);
    gradcheck(what, proj_obj, &c, c.x, dx_copy, len, 1e-2f);
    free(c.x), free(c.r), free(dx_copy);
    gan_net_free(&c.d);
    gan_work_free(&c.work);
}

/* Conditional batchnorm: batchnorm without affine (training mode), then each
 * sample's class's gamma and beta, against L = sum(out * R). */
typedef struct {
    int c, n, classes;
    long hw;
    float *x, *gamma, *beta, *out, *mean, *invstd, *rm, *rv, *ones, *zeros, *r;
    int32_t labels[6];
} cbn_case;

static double cbn_obj(void *p)
{
    cbn_case *b = p;
    gan_batchnorm2d_forward_train(b->out, b->mean, b->invstd, b->rm, b->rv, b->x, b->ones, b->zeros, b->c,
                                  (long)b->n * b->hw, 0.1f, 1e-5f, NULL, NULL, GAN_BN_NO_ACT);
    gan_class_affine_forward(b->out, b->out, b->gamma, b->beta, b->labels, b->c, b->n, b->hw);
    return dot(b->out, b->r, (long)b->c * b->n * b->hw);
}

static void check_conditional_bn(gan_rng *rng)
{
    cbn_case b = {.c = 3, .n = 6, .classes = 4, .hw = 5};
    const long len = (long)b.c * b.n * b.hw, k = (long)b.classes * b.c;
    b.x = randn(rng, len, 2), b.out = zeros(len), b.r = randn(rng, len, 1);
    b.gamma = randn(rng, k, 1), b.beta = randn(rng, k, 1);
    b.mean = zeros(b.c), b.invstd = zeros(b.c), b.rm = zeros(b.c), b.rv = zeros(b.c);
    b.ones = zeros(b.c), b.zeros = zeros(b.c);
    for (int i = 0; i < b.c; i++) b.ones[i] = 1.0f;
    for (int i = 0; i < b.n; i++) b.labels[i] = (i * 3) % b.classes; /* 0, 3, 2, 1, 0, 3 */
    cbn_obj(&b);
    float *dx = zeros(len), *dg = zeros(k), *db = zeros(k), *g = malloc(sizeof(float) * len);
    memcpy(g, b.r, sizeof(float) * len);
    gan_class_affine_backward(g, dg, db, g, b.x, b.mean, b.invstd, b.gamma, b.labels, b.c, b.n, b.hw,
                              b.classes, NULL);
    gan_batchnorm2d_backward_train(dx, NULL, NULL, g, b.x, b.mean, b.invstd, b.ones, b.c, (long)b.n * b.hw,
                                   NULL, NULL, GAN_BN_NO_ACT, NULL);
    gradcheck("conditional bn input", cbn_obj, &b, b.x, dx, len, 1e-2f);
    gradcheck("conditional bn gamma", cbn_obj, &b, b.gamma, dg, k, 1e-2f);
    gradcheck("conditional bn beta", cbn_obj, &b, b.beta, db, k, 1e-2f);
    free(b.x), free(b.out), free(b.r), free(b.gamma), free(b.beta), free(b.mean), free(b.invstd);
    free(b.rm), free(b.rv), free(b.ones), free(b.zeros), free(dx), free(dg), free(db), free(g);
}

/* The class embedding beside z: L = sum(x * R) over x = [z; E[y]]. */
typedef struct {
    int nz, ne, n;
    float *z, *embed, *x, *r;
    int32_t labels[5];
} concat_case;

static double concat_obj(void *p)
{
    concat_case *c = p;
    gan_embed_concat_forward(c->x, c->z, c->embed, c->labels, c->nz, c->ne, c->n);
    return dot(c->x, c->r, (long)(c->nz + c->ne) * c->n);
}

static void check_embed_concat(gan_rng *rng)
{
    concat_case c = {.nz = 3, .ne = 4, .n = 5};
    const long k = 3L * c.ne;
    c.z = randn(rng, (long)c.nz * c.n, 1), c.embed = randn(rng, k, 1);
    c.x = zeros((long)(c.nz + c.ne) * c.n), c.r = randn(rng, (long)(c.nz + c.ne) * c.n, 1);
    for (int i = 0; i < c.n; i++) c.labels[i] = (i + 1) % 3;
    float *de = zeros(k);
    gan_embed_concat_backward(de, c.r, c.labels, c.nz, c.ne, c.n, 3, NULL);
    gradcheck("class embedding (concat)", concat_obj, &c, c.embed, de, k, 1e-2f);
    free(c.z), free(c.embed), free(c.x), free(c.r), free(de);
}

/* ---------------------------------------------------------- DiffAugment */
typedef struct {
    gan_aug_draw draws[4];
    int policies, channels, n, size;
    float *x, *y, *r, *scratch;
} aug_case;

static double aug_obj(void *p)
{
    aug_case *a = p;
    gan_augment_forward(a->y, a->x, a->draws, a->policies, a->channels, a->n, a->size, a->scratch);
    return dot(a->y, a->r, (long)a->channels * a->n * a->size * a->size);
}

static void check_augment(gan_rng *rng)
{
    static const struct {
        int policies;
        const char *label;
    } cases[] = {{GAN_AUG_COLOR, "augment color"},
                 {GAN_AUG_TRANSLATION, "augment translation"},
                 {GAN_AUG_CUTOUT, "augment cutout"},
                 {GAN_AUG_COLOR | GAN_AUG_TRANSLATION | GAN_AUG_CUTOUT, "augment all three"}};
    for (int k = 0; k < 4; k++) {
        aug_case a = {.policies = cases[k].policies, .channels = 3, .n = 4, .size = 16};
        const long len = (long)a.channels * a.n * a.size * a.size;
        gan_augment_draw(a.draws, a.n, a.policies, a.size, rng);
        a.x = randn(rng, len, 1), a.y = zeros(len), a.r = randn(rng, len, 1);
        a.scratch = zeros(2L * a.channels * a.size * a.size);
        float *dx = zeros(len);
        gan_augment_backward(dx, a.r, a.draws, a.policies, a.channels, a.n, a.size, a.scratch);
        gradcheck(cases[k].label, aug_obj, &a, a.x, dx, len, 1e-2f);
        free(a.x), free(a.y), free(a.r), free(a.scratch), free(dx);
    }
}

/* ------------------------------------------------------------------- Adam */
static void check_adam(void)
{
    /* From zero moments, step 1 moves each weight by lr * g / (|g| + eps): about lr * sign(g). */
    float p[3] = {1.0f, 1.0f, 1.0f}, g[3] = {0.5f, -2.0f, 1e-3f}, m[3] = {0}, v[3] = {0};
    gan_adam_update(p, g, m, v, 3, 0.1f, 0.9f, 0.999f, 1e-8f, 1);
    CHECK_MSG(fabsf(p[0] - 0.9f) < 1e-5f && fabsf(p[1] - 1.1f) < 1e-5f && fabsf(p[2] - 0.9f) < 1e-4f,
              "adam step 1: %g %g %g", p[0], p[1], p[2]);
}

/* ------------------------------------- progressive growing's pieces */
typedef struct {
    int kind; /* 0 upsample, 1 fade (gradient of old, then of new), 2 minibatch std */
    int c, n, h, w, group;
    float a;
    float *in, *in2, *out, *std, *r;
    long nin, nout;
} prog_case;

static void prog_forward(prog_case *p)
{
    if (p->kind == 0) gan_upsample2_forward(p->out, p->in, (long)p->c * p->n, p->h, p->w);
    if (p->kind == 1) gan_fade_forward(p->out, p->in, p->in2, p->a, p->nin);
    if (p->kind == 2) gan_mbstd_forward(p->out, p->std, p->in, p->c, p->n, p->h, p->w, p->group);
}

static double prog_obj(void *ctx)
{
    prog_case *p = ctx;
    prog_forward(p);
    return dot(p->out, p->r, p->nout);
}

static void check_progressive(gan_rng *rng, int kind, const char *label)
{
    prog_case p = {.kind = kind, .c = 3, .n = 8, .h = 4, .w = 5, .group = 4, .a = 0.3f};
    p.nin = (long)p.c * p.n * p.h * p.w;
    p.nout = kind == 0 ? 4 * p.nin : kind == 1 ? p.nin : p.nin + (long)p.n * p.h * p.w;
    p.in = randn(rng, p.nin, 1.0f), p.in2 = randn(rng, p.nin, 1.0f), p.r = randn(rng, p.nout, 1.0f);
    p.out = zeros(p.nout), p.std = zeros(p.nin);
    float *din = zeros(p.nin), *din2 = zeros(p.nin);
    prog_forward(&p);
    if (kind == 0) gan_upsample2_backward(din, p.r, (long)p.c * p.n, p.h, p.w);
    if (kind == 1) gan_fade_backward(din, din2, p.r, p.a, p.nin);
    if (kind == 2) gan_mbstd_backward(din, p.r, p.in, p.std, p.c, p.n, p.h, p.w, p.group);
    gradcheck(label, prog_obj, &p, p.in, din, p.nin, 1e-2f);
    if (kind == 1) gradcheck("fade (new)", prog_obj, &p, p.in2, din2, p.nin, 1e-2f);
    if (kind == 2) { /* the std channel's own gradient, without the copied channels' to hide in */
        memset(p.r, 0, sizeof(float) * (size_t)p.nin);
        gan_mbstd_backward(din, p.r, p.in, p.std, p.c, p.n, p.h, p.w, p.group);
        gradcheck("minibatch std (its channel)", prog_obj, &p, p.in, din, p.nin, 1e-2f);
    }
    free(p.in), free(p.in2), free(p.r), free(p.out), free(p.std), free(din), free(din2);
}

/* The real images' fade in place is the composition it stands for:
 * lerp(up2(avgpool2(x)), x, a). */
static void check_fade_down(gan_rng *rng)
{
    const int planes = 3, h = 6, w = 4;
    const long n = (long)planes * h * w;
    float *x = randn(rng, n, 1), *pooled = zeros(n / 4), *up = zeros(n), *want = zeros(n);
    gan_avgpool2_forward(pooled, x, planes, h, w);
    gan_upsample2_forward(up, pooled, planes, h / 2, w / 2);
    gan_fade_forward(want, up, x, 0.3f, n);
    gan_fade_down(x, planes, h, w, 0.3f);
    double most = 0.0;
    for (long i = 0; i < n; i++) most = fmax(most, fabs((double)x[i] - want[i]));
    CHECK_MSG(most < 1e-6, "fade of the reals: off by %.3g from the composition", most);
    printf("  %-28s max difference %.2e\n", "fade of the reals", most);
    free(x), free(pooled), free(up), free(want);
}

/* ------------------------------------------------ progressive growing */
/* A growing G or D (16 px from 4) at every phase, fading and not: every
 * parameter (the toRGB / fromRGB convolutions too) and D's input. Kinks are
 * kept out of the differences: LeakyReLU slope 1, and G's ReLUs as
 * LeakyReLUs of slope 1 (their own backward is checked above). Batchnorm
 * in training mode, spectral norm in inference mode after training forwards. */
typedef struct {
    gan_net net;
    gan_work work;
    float *x, *r;
    int n;
    gan_mode mode;
} grow_case;

static double grow_obj(void *p)
{
    grow_case *c = p;
    const float *out = gan_net_forward(&c->net, &c->work, c->x, NULL, c->n, c->mode);
    return dot(out, c->r, gan_net_out_size(&c->net) * c->n);
}

static void check_growing(gan_rng *rng, gan_net_kind kind, gan_norm norm, const char *label)
{
    grow_case c = {.n = 3, .mode = norm == GAN_NORM_SPECTRAL ? GAN_MODE_EVAL : GAN_MODE_TRAIN};
    const gan_arch arch = {
        .image_size = 16, .channels = 1, .nz = 2, .ngf = 2, .ndf = 2, .d_norm = norm, .grow_from = 4};
    CHECK(gan_net_build(&c.net, &arch, kind, c.n) == GAN_OK);
    CHECK(gan_work_alloc(&c.work, gan_net_work_plan(&c.net), NULL) == GAN_OK);
    gan_net_init_weights(&c.net, rng);
    /* D's weights large enough for the differences to see (batchnorm does not care) */
    for (size_t i = 0; kind != GAN_NET_GENERATOR && i < c.net.nparams; i++) c.net.params[i] *= 10.0f;
    c.net.slope = 1.0f;
    for (int i = 0; i < c.net.nstages; i++)
        if (c.net.st[i].act == GAN_ACT_RELU) c.net.st[i].act = GAN_ACT_LEAKY;
    const struct {
        int size;
        float blend;
    } phases[5] = {{4, 1.0f}, {8, 0.3f}, {8, 1.0f}, {16, 0.6f}, {16, 1.0f}};
    const long in_most = kind == GAN_NET_GENERATOR ? 2L * c.n : 16L * 16 * c.n;
    c.x = randn(rng, in_most, 1);
    const long out_most = 16L * 16 * c.n;
    c.r = randn(rng, out_most, 1);
    float *dx = malloc(sizeof(float) * in_most), *dout = malloc(sizeof(float) * out_most);
    for (int p = 0; p < 5; p++) {
        gan_net_set_phase(&c.net, phases[p].size, phases[p].blend);
        for (int i = 0; norm == GAN_NORM_SPECTRAL && i < 5; i++)
            gan_net_forward(&c.net, &c.work, c.x, NULL, c.n, GAN_MODE_TRAIN);
        grow_obj(&c);
        gan_net_zero_grad(&c.net);
        const bool d = kind != GAN_NET_GENERATOR;
        memcpy(dout, c.r, sizeof(float) * out_most); /* backward may overwrite its dout */
        const float *g = gan_net_backward(&c.net, &c.work, dout, GAN_GRAD_PARAMS | (d ? GAN_GRAD_INPUT : 0));
        const long in = gan_net_in_size(&c.net) * c.n;
        if (d) memcpy(dx, g, sizeof(float) * in);
        char what[80];
        snprintf(what, sizeof what, "%s %d px a %.1f", label, phases[p].size, phases[p].blend);
        /* G's weights are DCGAN's N(0, 0.02): a smaller step */
        gradcheck(what, grow_obj, &c, c.net.params, c.net.grads, (long)c.net.nparams, d ? 1e-2f : 2e-3f);
        if (d) {
            snprintf(what, sizeof what, "%s %d px a %.1f input", label, phases[p].size, phases[p].blend);
            gradcheck(what, grow_obj, &c, c.x, dx, in, 1e-2f);
        }
    }
    free(c.x), free(c.r), free(dx), free(dout);
    gan_net_free(&c.net);
    gan_work_free(&c.work);
}

int main(void)
{
    gan_rng rng;
    gan_rng_seed(&rng, 1234);
    check_conv(&rng, gan_conv_geom_make(2, 2, 6, 6, 3, 4, 2, 1), 1);
    check_conv(&rng, gan_conv_geom_make(2, 3, 4, 4, 1, 4, 1, 0), 0);
    check_conv(&rng, gan_conv_geom_make(2, 2, 5, 5, 2, 3, 1, 1), 1);
    check_convt(&rng, gan_convt_geom_make(2, 3, 3, 3, 2, 4, 2, 1), 1);
    check_convt(&rng, gan_convt_geom_make(2, 4, 1, 1, 3, 4, 1, 0), 0);
    check_bn(&rng, 1);
    check_bn(&rng, 0);
    check_act(&rng, ACT_RELU, "relu");
    check_act(&rng, ACT_LEAKY, "leakyrelu 0.2");
    check_act(&rng, ACT_TANH, "tanh");
    check_act(&rng, ACT_SIGMOID, "sigmoid");
    check_linear(&rng);
    check_bce(&rng);
    check_softmax_ce(&rng);
    check_adversarial(&rng);
    check_spectral_d(&rng);
    check_projection_d(&rng, GAN_NORM_BATCH, 0.0f, "projection D (batchnorm)");
    check_projection_d(&rng, GAN_NORM_SPECTRAL, 0.0f, "projection D (spectral)");
    check_projection_d(&rng, GAN_NORM_BATCH, 0.7f, "D + class loss (batchnorm)");
    check_projection_d(&rng, GAN_NORM_SPECTRAL, 0.7f, "D + class loss (spectral)");
    check_conditional_bn(&rng);
    check_embed_concat(&rng);
    check_augment(&rng);
    check_classifier(&rng);
    check_adam();
    check_progressive(&rng, 0, "upsample2 nearest");
    check_progressive(&rng, 1, "fade (old)");
    check_progressive(&rng, 2, "minibatch std (groups of 4)");
    check_fade_down(&rng);
    check_growing(&rng, GAN_NET_GENERATOR, GAN_NORM_BATCH, "growing G");
    check_growing(&rng, GAN_NET_DISCRIMINATOR, GAN_NORM_BATCH, "growing D");
    check_growing(&rng, GAN_NET_DISCRIMINATOR, GAN_NORM_SPECTRAL, "growing D (spectral)");
    return check_exit("test_gradcheck");
}
