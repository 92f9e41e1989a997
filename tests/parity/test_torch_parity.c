/* Parity with PyTorch: runs every layer on the weights and inputs that
 * tests/parity/torch_reference.py used and compares outputs and gradients with
 * torch.nn's. Prints the largest relative error per layer (error scaled by
 * the reference's largest magnitude) and fails above 1e-5.
 * usage: test_torch_parity REF.safetensors   (exit 77 = skipped: no file) */
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "gan/io/checkpoint.h"
#include "gan/io/safetensors.h"
#include "gan/models/classifier.h"
#include "gan/nn/activation.h"
#include "gan/nn/adam.h"
#include "gan/nn/augment.h"
#include "gan/nn/batchnorm2d.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv_transpose2d.h"
#include "gan/nn/gan_loss.h"
#include "gan/nn/linear.h"
#include "gan/nn/loss.h"
#include "gan/nn/progressive.h"

static const gan_st_file *ref;
static const double TOL = 1e-5;

/* A tensor from the reference file as a malloc'ed float array (F32 or I64 converted). */
static float *get(const char *prefix, const char *name, long *count)
{
    char key[GAN_ST_MAX_NAME];
    snprintf(key, sizeof key, "%s.%s", prefix, name);
    const gan_st_tensor *t = gan_st_find(ref, key);
    if (!t) {
        fprintf(stderr, "reference tensor %s missing\n", key);
        exit(1);
    }
    float *p = malloc(sizeof(float) * (t->nelem ? t->nelem : 1));
    if (t->dtype == GAN_DT_F32) {
        memcpy(p, ref->buf + t->offset, 4 * t->nelem);
    } else {
        for (size_t i = 0; i < t->nelem; i++) {
            int64_t v;
            memcpy(&v, ref->buf + t->offset + 8 * i, 8);
            p[i] = (float)v;
        }
    }
    if (count) *count = (long)t->nelem;
    return p;
}

static double worst_overall = 0.0;

static void compare(const char *layer, const char *what, const float *mine, const float *theirs, long n)
{
    double e = rel_err(mine, theirs, n, 1e-12);
    CHECK_MSG(e <= TOL, "%s %s: relative error %.3g > %.0e", layer, what, e, TOL);
    printf("  %-14s %-14s %.2e\n", layer, what, e);
    if (e > worst_overall) worst_overall = e;
}

static void conv_case(const char *prefix, int transpose)
{
    float *dims = get(prefix, "dims", NULL);
    /* dims: n, c, h (= w), w, oc, k, s, p */
    const gan_conv_geom d = (transpose ? gan_convt_geom_make : gan_conv_geom_make)(
        (int)dims[0], (int)dims[1], (int)dims[2], (int)dims[3], (int)dims[4], (int)dims[5], (int)dims[6],
        (int)dims[7]);
    long nx, nw, nout, nb = 0;
    float *x = get(prefix, "x", &nx), *w = get(prefix, "w", &nw), *want = get(prefix, "out", &nout);
    float *g = get(prefix, "g", NULL), *dx_ref = get(prefix, "dx", NULL), *dw_ref = get(prefix, "dw", NULL);
    char key[GAN_ST_MAX_NAME];
    snprintf(key, sizeof key, "%s.b", prefix);
    int has_bias = gan_st_find(ref, key) != NULL;
    float *b = has_bias ? get(prefix, "b", &nb) : NULL, *db_ref = has_bias ? get(prefix, "db", NULL) : NULL;
    const int oh = d.oh, ow = d.ow;
    long ncol = transpose ? (long)d.oc * d.k * d.k * d.n * d.h * d.w : (long)d.c * d.k * d.k * d.n * oh * ow;
    CHECK(nout == (long)d.oc * d.n * oh * ow);
    float *y = calloc(nout, sizeof(float)), *col = calloc(ncol, sizeof(float)),
          *dcol = calloc(ncol, sizeof(float));
    float *dx = calloc(nx, sizeof(float)), *dw = calloc(nw, sizeof(float)),
          *db = calloc(nb + 1, sizeof(float));
    if (transpose) {
        gan_conv_transpose2d_forward(y, col, x, w, b, &d, NULL, NULL);
        gan_conv_transpose2d_backward(dx, dw, has_bias ? db : NULL, dcol, g, x, w, &d, NULL, NULL);
    } else {
        gan_conv2d_forward(y, col, x, w, b, &d, NULL, NULL);
        gan_conv2d_backward(dx, dw, has_bias ? db : NULL, dcol, g, x, NULL, w, &d, NULL, NULL);
    }
    compare(prefix, "output", y, want, nout);
    compare(prefix, "dinput", dx, dx_ref, nx);
    compare(prefix, "dweight", dw, dw_ref, nw);
    if (has_bias) compare(prefix, "dbias", db, db_ref, nb);
    free(dims), free(x), free(w), free(want), free(g), free(dx_ref), free(dw_ref), free(b), free(db_ref);
    free(y), free(col), free(dcol), free(dx), free(dw), free(db);
}

static void bn_case(const char *prefix, int train)
{
    long n, c;
    float *x = get(prefix, "x", &n), *gamma = get(prefix, "gamma", &c), *beta = get(prefix, "beta", NULL);
    float *rm = get(prefix, "running_mean0", NULL), *rv = get(prefix, "running_var0", NULL);
    float *want = get(prefix, "out", NULL), *g = get(prefix, "g", NULL), *dx_ref = get(prefix, "dx", NULL);
    float *dg_ref = get(prefix, "dgamma", NULL), *dbeta_ref = get(prefix, "dbeta", NULL);
    float *rm_ref = get(prefix, "running_mean", NULL), *rv_ref = get(prefix, "running_var", NULL);
    long m = n / c;
    float *y = calloc(n, sizeof(float)), *dx = calloc(n, sizeof(float));
    float *mean = calloc(c, sizeof(float)), *invstd = calloc(c, sizeof(float));
    float *dg = calloc(c, sizeof(float)), *dbeta = calloc(c, sizeof(float));
    if (train) {
        gan_batchnorm2d_forward_train(y, mean, invstd, rm, rv, x, gamma, beta, (int)c, m, 0.1f, 1e-5f, NULL,
                                      NULL, GAN_BN_NO_ACT);
        gan_batchnorm2d_backward_train(dx, dg, dbeta, g, x, mean, invstd, gamma, (int)c, m, NULL, NULL,
                                       GAN_BN_NO_ACT, NULL);
    } else {
        gan_batchnorm2d_forward_eval(y, x, gamma, beta, rm, rv, (int)c, m, 1e-5f);
        gan_batchnorm2d_backward_eval(dx, dg, dbeta, g, x, gamma, rm, rv, (int)c, m, 1e-5f);
    }
    compare(prefix, "output", y, want, n);
    compare(prefix, "dinput", dx, dx_ref, n);
    compare(prefix, "dgamma", dg, dg_ref, c);
    compare(prefix, "dbeta", dbeta, dbeta_ref, c);
    compare(prefix, "running_mean", rm, rm_ref, c);
    compare(prefix, "running_var", rv, rv_ref, c);
    free(x), free(gamma), free(beta), free(rm), free(rv), free(want), free(g), free(dx_ref), free(dg_ref);
    free(dbeta_ref), free(rm_ref), free(rv_ref), free(y), free(dx), free(mean), free(invstd), free(dg),
        free(dbeta);
}

enum { ACT_RELU, ACT_LEAKY, ACT_TANH, ACT_SIGMOID };

static void act_case(const char *prefix, int kind)
{
    long n;
    float *x = get(prefix, "x", &n), *want = get(prefix, "out", NULL), *g = get(prefix, "g", NULL);
    float *dx_ref = get(prefix, "dx", NULL), *y = calloc(n, sizeof(float)), *dx = calloc(n, sizeof(float));
    switch (kind) {
    case ACT_RELU: gan_relu_forward(y, x, n), gan_relu_backward(dx, g, y, n); break;
    case ACT_LEAKY: gan_leakyrelu_forward(y, x, n, 0.2f), gan_leakyrelu_backward(dx, g, y, n, 0.2f); break;
    case ACT_TANH: gan_tanh_forward(y, x, n), gan_tanh_backward(dx, g, y, n); break;
    default: gan_sigmoid_forward(y, x, n), gan_sigmoid_backward(dx, g, y, n); break;
    }
    compare(prefix, "output", y, want, n);
    compare(prefix, "dinput", dx, dx_ref, n);
    free(x), free(want), free(g), free(dx_ref), free(y), free(dx);
}

static void linear_case(void)
{
    long nx, nw, nb, nout;
    float *x = get("linear", "x", &nx), *w = get("linear", "w", &nw), *b = get("linear", "b", &nb);
    float *want = get("linear", "out", &nout), *g = get("linear", "g", NULL);
    float *dx_ref = get("linear", "dx", NULL), *dw_ref = get("linear", "dw", NULL),
          *db_ref = get("linear", "db", NULL);
    int out_f = (int)nb, in_f = (int)(nw / nb), n = (int)(nx / in_f);
    float *y = calloc(nout, sizeof(float)), *dx = calloc(nx, sizeof(float));
    float *dw = calloc(nw, sizeof(float)), *db = calloc(nb, sizeof(float));
    gan_linear_forward(y, x, w, b, n, in_f, out_f);
    gan_linear_backward(dx, dw, db, g, x, w, n, in_f, out_f);
    compare("linear", "output", y, want, nout);
    compare("linear", "dinput", dx, dx_ref, nx);
    compare("linear", "dweight", dw, dw_ref, nw);
    compare("linear", "dbias", db, db_ref, nb);
    free(x), free(w), free(b), free(want), free(g), free(dx_ref), free(dw_ref), free(db_ref);
    free(y), free(dx), free(dw), free(db);
}

static void bce_case(const char *prefix)
{
    long n;
    float *x = get(prefix, "x", &n), *loss_ref = get(prefix, "loss", NULL), *dx_ref = get(prefix, "dx", NULL);
    float *target = get(prefix, "target", NULL), *dx = calloc(n, sizeof(float));
    float loss = gan_bce_logits_forward(x, target[0], (int)n);
    gan_bce_logits_backward(dx, x, target[0], (int)n, 1.0f);
    compare(prefix, "loss", &loss, loss_ref, 1);
    compare(prefix, "dlogits", dx, dx_ref, n);
    free(x), free(loss_ref), free(dx_ref), free(target), free(dx);
}

/* One term of a hinge or least-squares loss (real target 0.9 for lsgan). */
static void adversarial_case(const char *prefix, gan_loss_kind kind, gan_loss_term term)
{
    long n;
    float *x = get(prefix, "x", &n), *loss_ref = get(prefix, "loss", NULL), *dx_ref = get(prefix, "dx", NULL);
    float *dx = calloc(n, sizeof(float));
    const float loss = (float)gan_adversarial_loss(kind, term, x, (int)n, 0.9f, dx);
    compare(prefix, "loss", &loss, loss_ref, 1);
    compare(prefix, "dlogits", dx, dx_ref, n);
    free(x), free(loss_ref), free(dx_ref), free(dx);
}

static void softmax_ce_case(void)
{
    long n, nl;
    float *x = get("softmax_ce", "x", &n), *loss_ref = get("softmax_ce", "loss", NULL);
    float *dx_ref = get("softmax_ce", "dx", NULL), *lab = get("softmax_ce", "labels", &nl);
    int32_t *labels = malloc(sizeof(int32_t) * nl);
    for (long i = 0; i < nl; i++) labels[i] = (int32_t)lab[i];
    const int k = (int)(n / nl);
    float *dx = calloc(n, sizeof(float));
    float loss = gan_softmax_ce_forward(x, labels, (int)nl, k);
    gan_softmax_ce_backward(dx, x, labels, (int)nl, k);
    compare("softmax_ce", "loss", &loss, loss_ref, 1);
    compare("softmax_ce", "dlogits", dx, dx_ref, n);
    free(x), free(loss_ref), free(dx_ref), free(lab), free(labels), free(dx);
}

static void adam_case(const char *prefix)
{
    long n;
    float *p = get(prefix, "p0", &n), *h = get(prefix, "hyper", NULL), *grads = get(prefix, "grads", NULL);
    float *m = calloc(n, sizeof(float)), *v = calloc(n, sizeof(float));
    double worst = 0.0;
    for (int t = 1; t <= 5; t++) {
        char key[16];
        snprintf(key, sizeof key, "p%d", t);
        float *want = get(prefix, key, NULL);
        gan_adam_update(p, grads + (t - 1) * n, m, v, (size_t)n, h[0], h[1], h[2], h[3], t);
        double e = rel_err(p, want, n, 1e-12);
        if (e > worst) worst = e;
        free(want);
    }
    CHECK_MSG(worst <= TOL, "%s: relative error %.3g over 5 steps", prefix, worst);
    printf("  %-14s %-14s %.2e\n", prefix, "5 steps", worst);
    free(p), free(h), free(grads), free(m), free(v);
}

/* Compares every parameter gradient / running stat of net with "<tag>.<what>.<name>". */
static void compare_net_as(gan_net *net, const char *tag, const char *layer)
{
    for (int i = 0; i < gan_net_tensor_count(net); i++) {
        gan_tensor_ref r;
        gan_net_tensor(net, i, &r);
        char key[GAN_ST_MAX_NAME], label[64];
        const char *what = r.kind == GAN_TENSOR_PARAM          ? "grad"
                           : r.kind == GAN_TENSOR_RUNNING_STAT ? "after"
                                                               : NULL;
        if (!what) continue;
        snprintf(key, sizeof key, "%s.%s", what, r.name);
        float *want = get(tag, key, NULL);
        const float *mine = r.kind == GAN_TENSOR_PARAM ? net->grads + (r.data - net->params) : r.data;
        snprintf(label, sizeof label, "%s %s", tag, r.name);
        compare(layer, label, mine, want, (long)r.count);
        free(want);
    }
}

static void compare_net(gan_net *net, const char *tag)
{
    compare_net_as(net, tag, tag[0] == 'C' ? "classifier" : "dcgan");
}

/* DiffAugment (colour, translation, cutout) with the draws the PyTorch twin used. */
static void augment_case(const char *prefix, int channels)
{
    long nx, nd;
    float *x = get(prefix, "x", &nx), *want = get(prefix, "out", NULL), *g = get(prefix, "g", NULL);
    float *dx_ref = get(prefix, "dx", NULL), *dr = get(prefix, "draws", &nd);
    const int n = (int)(nd / 7), size = 16;
    gan_aug_draw draws[8];
    for (int i = 0; i < n; i++)
        draws[i] = (gan_aug_draw){.brightness = dr[7 * i],
                                  .saturation = dr[7 * i + 1],
                                  .contrast = dr[7 * i + 2],
                                  .tx = (int)dr[7 * i + 3],
                                  .ty = (int)dr[7 * i + 4],
                                  .cx = (int)dr[7 * i + 5],
                                  .cy = (int)dr[7 * i + 6]};
    const int all = GAN_AUG_COLOR | GAN_AUG_TRANSLATION | GAN_AUG_CUTOUT;
    float *y = calloc(nx, sizeof(float)), *dx = calloc(nx, sizeof(float));
    float *scratch = calloc(2 * (size_t)channels * size * size, sizeof(float));
    gan_augment_forward(y, x, draws, all, channels, n, size, scratch);
    gan_augment_backward(dx, g, draws, all, channels, n, size, scratch);
    compare(prefix, "output", y, want, nx);
    compare(prefix, "dinput", dx, dx_ref, nx);
    free(x), free(want), free(g), free(dx_ref), free(dr), free(y), free(dx), free(scratch);
}

/* A spectrally normalised D over 3 training steps (hinge loss, Adam) against
 * torch.nn.utils.spectral_norm: logits of every forward, then weight_orig,
 * weight_u and weight_v of every layer. */
static void spectral_norm_case(void)
{
    const gan_arch arch = {
        .image_size = 16, .channels = 1, .nz = 1, .ngf = 1, .ndf = 4, .d_norm = GAN_NORM_SPECTRAL};
    const int n = 5;
    gan_net d;
    gan_work w;
    gan_error err;
    CHECK(gan_net_build(&d, &arch, GAN_NET_DISCRIMINATOR, n) == GAN_OK);
    CHECK(gan_work_alloc(&w, gan_net_work_plan(&d), NULL) == GAN_OK);
    gan_status rc = gan_net_read_tensors(&d, ref, "sn.init.", &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    float *real = get("sn", "real", NULL), *fake = get("sn", "fake", NULL), dl[5];
    for (int t = 0; t < 3; t++) {
        char name[32];
        gan_net_zero_grad(&d);
        const float *logits = gan_net_forward(&d, &w, real + (long)t * n * 256, NULL, n, GAN_MODE_TRAIN);
        snprintf(name, sizeof name, "logits_real%d", t);
        float *want = get("sn", name, NULL);
        compare("spectral", name, logits, want, n);
        free(want);
        gan_adversarial_loss(GAN_LOSS_HINGE, GAN_LOSS_D_REAL, logits, n, 1.0f, dl);
        gan_net_backward(&d, &w, dl, GAN_GRAD_PARAMS);
        logits = gan_net_forward(&d, &w, fake + (long)t * n * 256, NULL, n, GAN_MODE_TRAIN);
        snprintf(name, sizeof name, "logits_fake%d", t);
        want = get("sn", name, NULL);
        compare("spectral", name, logits, want, n);
        free(want);
        gan_adversarial_loss(GAN_LOSS_HINGE, GAN_LOSS_D_FAKE, logits, n, 1.0f, dl);
        gan_net_backward(&d, &w, dl, GAN_GRAD_PARAMS);
        gan_net_adam(&d, 2e-3f, 0.5f, 0.999f, 1e-8f, t + 1);
    }
    for (int i = 0; i < gan_net_tensor_count(&d); i++) {
        gan_tensor_ref r;
        gan_net_tensor(&d, i, &r);
        char key[64];
        snprintf(key, sizeof key, "final.%s", r.name);
        float *want = get("sn", key, NULL);
        compare("spectral", r.name, r.data, want, (long)r.count);
        free(want);
    }
    free(real), free(fake);
    gan_net_free(&d);
    gan_work_free(&w);
}

/* A whole G phase of a DCGAN step against PyTorch's nn.Sequential twins. */
static void dcgan_case(void)
{
    float *a = get("dcgan", "arch", NULL);
    gan_arch arch = {
        .image_size = (int)a[0], .channels = (int)a[1], .nz = (int)a[2], .ngf = (int)a[3], .ndf = (int)a[4]};
    int n = (int)a[5];
    free(a);
    gan_net g, d;
    gan_work w;
    gan_error err;
    CHECK(gan_net_build(&g, &arch, GAN_NET_GENERATOR, n) == GAN_OK);
    CHECK(gan_net_build(&d, &arch, GAN_NET_DISCRIMINATOR, n) == GAN_OK);
    CHECK(gan_work_alloc(&w, gan_work_plan_max(gan_net_work_plan(&g), gan_net_work_plan(&d)), NULL) ==
          GAN_OK);
    gan_status rc = gan_net_read_tensors(&g, ref, "G.", &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    rc = gan_net_read_tensors(&d, ref, "D.", &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    long nz, nfake;
    float *z = get("dcgan", "z", &nz), *fake_ref = get("dcgan", "fake", &nfake);
    float *logits_ref = get("dcgan", "logits", NULL), *loss_ref = get("dcgan", "loss", NULL);
    const float *fake = gan_net_forward(&g, &w, z, NULL, n, GAN_MODE_TRAIN);
    compare("dcgan", "G(z)", fake, fake_ref, nfake);
    const float *logits = gan_net_forward(&d, &w, fake, NULL, n, GAN_MODE_TRAIN);
    compare("dcgan", "D(G(z))", logits, logits_ref, n);
    float loss = gan_bce_logits_forward(logits, 1.0f, n);
    compare("dcgan", "loss", &loss, loss_ref, 1);
    float *dlogits = calloc(n, sizeof(float));
    gan_bce_logits_backward(dlogits, logits, 1.0f, n, 1.0f);
    gan_net_zero_grad(&g);
    gan_net_zero_grad(&d);
    float *dfake = gan_net_backward(&d, &w, dlogits, GAN_GRAD_PARAMS | GAN_GRAD_INPUT);
    CHECK(dfake != NULL);
    CHECK(gan_net_backward(&g, &w, dfake, GAN_GRAD_PARAMS) == NULL);
    compare_net(&g, "G");
    compare_net(&d, "D");
    CHECK(g.num_batches_tracked == 1 && d.num_batches_tracked == 1);
    free(z), free(fake_ref), free(logits_ref), free(loss_ref), free(dlogits);
    gan_net_free(&g);
    gan_net_free(&d);
    gan_work_free(&w);
}

/* A conditional G phase (scripts/torch/cond_dcgan.py): G with a class
 * embedding beside z or conditional batchnorm, a projection D, class labels,
 * and D's class loss where the reference has a weight for it. */
static void cond_case(const char *tag, gan_g_cond g_cond, gan_norm d_norm)
{
    float *a = get(tag, "arch", NULL);
    const gan_arch arch = {.image_size = (int)a[0],
                           .channels = (int)a[1],
                           .nz = (int)a[2],
                           .ngf = (int)a[3],
                           .ndf = (int)a[4],
                           .d_norm = d_norm,
                           .classes = (int)a[6],
                           .g_cond = g_cond};
    const int n = (int)a[5];
    free(a);
    gan_net g, d;
    gan_work w;
    gan_error err;
    CHECK(gan_net_build(&g, &arch, GAN_NET_GENERATOR, n) == GAN_OK);
    CHECK(gan_net_build(&d, &arch, GAN_NET_DISCRIMINATOR, n) == GAN_OK);
    CHECK(gan_work_alloc(&w, gan_work_plan_max(gan_net_work_plan(&g), gan_net_work_plan(&d)), NULL) ==
          GAN_OK);
    char gtag[8], dtag[8];
    snprintf(gtag, sizeof gtag, "%sG", tag);
    snprintf(dtag, sizeof dtag, "%sD", tag);
    char gp[16], dp[16];
    snprintf(gp, sizeof gp, "%s.", gtag);
    snprintf(dp, sizeof dp, "%s.", dtag);
    gan_status rc = gan_net_read_tensors(&g, ref, gp, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    rc = gan_net_read_tensors(&d, ref, dp, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    long nfake;
    float *z = get(tag, "z", NULL), *fake_ref = get(tag, "fake", &nfake),
          *labels_f = get(tag, "labels", NULL);
    float *logits_ref = get(tag, "logits", NULL), *loss_ref = get(tag, "loss", NULL);
    float *class_w = get(tag, "class_w", NULL);
    int32_t labels[64];
    for (int i = 0; i < n; i++) labels[i] = (int32_t)labels_f[i];
    const float *fake = gan_net_forward(&g, &w, z, labels, n, GAN_MODE_TRAIN);
    compare(tag, "G(z, y)", fake, fake_ref, nfake);
    const float *logits = gan_net_forward(&d, &w, fake, labels, n, GAN_MODE_TRAIN);
    compare(tag, "D(G(z, y), y)", logits, logits_ref, n);
    float loss = gan_bce_logits_forward(logits, 1.0f, n);
    if (class_w[0] > 0.0f) loss += class_w[0] * (float)gan_net_class_loss(&d, class_w[0]);
    compare(tag, "loss", &loss, loss_ref, 1);
    float *dlogits = calloc(n, sizeof(float));
    gan_bce_logits_backward(dlogits, logits, 1.0f, n, 1.0f);
    gan_net_zero_grad(&g);
    gan_net_zero_grad(&d);
    float *dfake = gan_net_backward(&d, &w, dlogits, GAN_GRAD_PARAMS | GAN_GRAD_INPUT);
    CHECK(dfake != NULL);
    CHECK(gan_net_backward(&g, &w, dfake, GAN_GRAD_PARAMS) == NULL);
    compare_net_as(&g, gtag, tag);
    compare_net_as(&d, dtag, tag);
    free(z), free(fake_ref), free(labels_f), free(logits_ref), free(loss_ref), free(dlogits), free(class_w);
    gan_net_free(&g);
    gan_net_free(&d);
    gan_work_free(&w);
}

/* A classifier training step (trunk, Flatten, Linear, LeakyReLU, Linear,
 * cross-entropy) against the nn.Sequential of scripts/torch/dcgan_torch.py. */
static void classifier_case(void)
{
    float *a = get("classifier", "arch", NULL);
    gan_classifier_arch arch = {(int)a[0], (int)a[1], (int)a[2], (int)a[3], (int)a[4]};
    const int n = (int)a[5];
    free(a);
    gan_classifier c;
    gan_work w;
    gan_error err;
    CHECK(gan_classifier_build(&c, &arch, n) == GAN_OK);
    CHECK(gan_work_alloc(&w, gan_classifier_work_plan(&c), NULL) == GAN_OK);
    gan_status rc = gan_classifier_read_tensors(&c, ref, "C.", &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    long nx, nlogits, nfeat;
    float *x = get("classifier", "x", &nx), *labels_f = get("classifier", "labels", NULL);
    float *logits_ref = get("classifier", "logits", &nlogits),
          *feat_ref = get("classifier", "features", &nfeat);
    float *loss_ref = get("classifier", "loss", NULL);
    int32_t labels[64];
    for (int i = 0; i < n; i++) labels[i] = (int32_t)labels_f[i];
    const float *logits = gan_classifier_forward(&c, &w, x, n, GAN_MODE_TRAIN);
    compare("classifier", "logits", logits, logits_ref, nlogits);
    compare("classifier", "features", c.features, feat_ref, nfeat);
    float loss = gan_softmax_ce_forward(logits, labels, n, arch.classes);
    compare("classifier", "loss", &loss, loss_ref, 1);
    float *dlogits = calloc((size_t)nlogits, sizeof(float));
    gan_softmax_ce_backward(dlogits, logits, labels, n, arch.classes);
    gan_classifier_zero_grad(&c);
    gan_classifier_backward(&c, &w, dlogits);
    compare_net(&c.trunk, "C");
    /* the head: the entries after the trunk's in the classifier's tensor list */
    gan_st_list list = {.count = 0};
    gan_classifier_list_tensors(&c, "", &list);
    for (int i = gan_net_tensor_count(&c.trunk); i < list.count; i++) {
        const gan_st_entry *e = &list.e[i];
        const long count = e->ndim == 2 ? (long)(e->shape[0] * e->shape[1]) : (long)e->shape[0];
        char key[GAN_ST_MAX_NAME], label[64];
        snprintf(key, sizeof key, "grad.%s", e->name);
        float *want = get("C", key, NULL);
        snprintf(label, sizeof label, "C %s", e->name);
        compare("classifier", label, c.grads + ((const float *)e->data - c.params), want, count);
        free(want);
    }
    free(x), free(labels_f), free(logits_ref), free(feat_ref), free(loss_ref), free(dlogits);
    gan_classifier_free(&c);
    gan_work_free(&w);
}

/* The minibatch standard deviation; dims: N, C, H, W, the group size. */
static void mbstd_case(const char *prefix)
{
    long n, nout;
    float *d = get(prefix, "dims", NULL), *x = get(prefix, "x", &n), *want = get(prefix, "out", &nout);
    float *g = get(prefix, "g", NULL), *dx_ref = get(prefix, "dx", NULL);
    const int N = (int)d[0], C = (int)d[1], H = (int)d[2], W = (int)d[3], group = (int)d[4];
    float *std = calloc(n, sizeof(float)), *y = calloc(nout, sizeof(float)), *dx = calloc(n, sizeof(float));
    gan_mbstd_forward(y, std, x, C, N, H, W, group);
    gan_mbstd_backward(dx, g, x, std, C, N, H, W, group);
    compare(prefix, "output", y, want, nout);
    compare(prefix, "dinput", dx, dx_ref, n);
    free(d), free(x), free(want), free(g), free(dx_ref), free(std), free(y), free(dx);
}

/* Progressive growing's pieces: nearest 2x upsampling, the fade, the
 * minibatch standard deviation (dims: the shapes). */
static void progressive_cases(void)
{
    long n;
    float *d = get("upsample2", "dims", NULL), *x = get("upsample2", "x", &n),
          *want = get("upsample2", "out", NULL);
    float *g = get("upsample2", "g", NULL), *dx_ref = get("upsample2", "dx", NULL);
    float *y = calloc(4 * n, sizeof(float)), *dx = calloc(n, sizeof(float));
    gan_upsample2_forward(y, x, (long)(d[0] * d[1]), (int)d[2], (int)d[3]);
    gan_upsample2_backward(dx, g, (long)(d[0] * d[1]), (int)d[2], (int)d[3]);
    compare("upsample2", "output", y, want, 4 * n);
    compare("upsample2", "dinput", dx, dx_ref, n);
    free(d), free(x), free(want), free(g), free(dx_ref), free(y), free(dx);

    float *old = get("fade", "old", &n), *new_ = get("fade", "new", NULL);
    want = get("fade", "out", NULL), g = get("fade", "g", NULL);
    float *dold_ref = get("fade", "dold", NULL), *dnew_ref = get("fade", "dnew", NULL);
    float *dold = calloc(n, sizeof(float)), *dnew = calloc(n, sizeof(float));
    y = calloc(n, sizeof(float));
    gan_fade_forward(y, old, new_, 0.3f, n);
    gan_fade_backward(dold, dnew, g, 0.3f, n);
    compare("fade", "output", y, want, n);
    compare("fade", "dold", dold, dold_ref, n);
    compare("fade", "dnew", dnew, dnew_ref, n);
    free(old), free(new_), free(want), free(g), free(dold_ref), free(dnew_ref), free(dold), free(dnew),
        free(y);

    mbstd_case("mbstd");
    mbstd_case("mbstd_channel");
}

int main(int argc, char **argv)
{
    if (argc < 2 || access(argv[1], R_OK) != 0) {
        fprintf(stderr,
                "test_torch_parity: no reference file (run tests/parity/torch_reference.py): skipped\n");
        return 77;
    }
    gan_st_file f;
    gan_error err;
    if (gan_st_load(&f, argv[1], &err) != GAN_OK) {
        fprintf(stderr, "test_torch_parity: %s\n", err.msg);
        return 1;
    }
    ref = &f;
    printf("largest relative error against PyTorch %s, per layer and quantity:\n", gan_st_meta(&f, "torch"));
    conv_case("conv_s2p1", 0);
    conv_case("conv_s1p0", 0);
    conv_case("conv_k3s1p1", 0);
    conv_case("convt_s2p1", 1);
    conv_case("convt_s1p0", 1);
    bn_case("bn_train", 1);
    bn_case("bn_eval", 0);
    act_case("leakyrelu", ACT_LEAKY);
    act_case("relu", ACT_RELU);
    act_case("tanh", ACT_TANH);
    act_case("sigmoid", ACT_SIGMOID);
    linear_case();
    bce_case("bce_t1");
    bce_case("bce_t0");
    bce_case("bce_t09");
    adversarial_case("hinge_d_real", GAN_LOSS_HINGE, GAN_LOSS_D_REAL);
    adversarial_case("hinge_d_fake", GAN_LOSS_HINGE, GAN_LOSS_D_FAKE);
    adversarial_case("hinge_g", GAN_LOSS_HINGE, GAN_LOSS_G);
    adversarial_case("lsgan_d_real", GAN_LOSS_LSGAN, GAN_LOSS_D_REAL);
    adversarial_case("lsgan_d_fake", GAN_LOSS_LSGAN, GAN_LOSS_D_FAKE);
    adversarial_case("lsgan_g", GAN_LOSS_LSGAN, GAN_LOSS_G);
    spectral_norm_case();
    augment_case("aug_rgb", 3);
    augment_case("aug_grey", 1);
    softmax_ce_case();
    adam_case("adam_dcgan");
    adam_case("adam_default");
    dcgan_case();
    cond_case("cc", GAN_GCOND_CONCAT, GAN_NORM_BATCH);
    cond_case("cb", GAN_GCOND_BATCHNORM, GAN_NORM_SPECTRAL);
    cond_case("ac", GAN_GCOND_CONCAT, GAN_NORM_SPECTRAL);
    classifier_case();
    progressive_cases();
    printf("worst overall: %.2e\n", worst_overall);
    gan_st_close(&f);
    return check_exit("test_torch_parity");
}
