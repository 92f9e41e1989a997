/* The pieces of style transfer, each on its own: average pooling (its
 * backward the adjoint of its forward), the Gram matrix and the three
 * losses (gradients against central differences), the banded and the
 * Winograd convolutions (against gan_conv2d's whole-batch forward and
 * backward, bands forced small, odd sizes) and L-BFGS (to the minimum of
 * Rosenbrock's function and of a badly scaled quadratic, where PyTorch's
 * LBFGS with the same history and line search is at 3e-7 after 150 steps). The whole objective through
 * VGG-19 is checked against PyTorch instead (tests/parity/
 * test_style_parity.c): central differences of a random ReLU network at
 * the few-pixel sizes a unit test affords cross too many kinks to agree
 * within a percent. */
#include <string.h>

#include "../common/check.h"
#include "gan/core/rng.h"
#include "gan/nn/avgpool2d.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv2d_banded.h"
#include "gan/nn/gram.h"
#include "gan/nn/lbfgs.h"
#include "gan/nn/style_loss.h"
#include "gan/nn/winograd.h"

static gan_rng rng;

static float *randn(long n, float std)
{
    float *p = malloc(sizeof(float) * (size_t)n);
    gan_rng_normal(&rng, p, n, 0.0f, std);
    return p;
}

static double dot(const float *a, const float *b, long n)
{
    double s = 0;
    for (long i = 0; i < n; i++) s += (double)a[i] * b[i];
    return s;
}

static void test_avgpool(void)
{
    const long planes = 3;
    const int h = 5, w = 7, n = (int)planes * h * w, m = (int)planes * (h / 2) * (w / 2);
    float *x = randn(n, 1), *y = randn(m, 1), *px = malloc(sizeof(float) * m),
          *gy = malloc(sizeof(float) * n);
    gan_avgpool2_forward(px, x, planes, h, w);
    gan_avgpool2_backward(gy, y, planes, h, w);
    const double lhs = dot(px, y, m), rhs = dot(x, gy, n);
    CHECK_MSG(fabs(lhs - rhs) < 1e-5 * fabs(lhs) + 1e-6, "<pool x, y> %.9g != <x, pool^T y> %.9g", lhs, rhs);
    CHECK(fabsf(px[0] - 0.25f * (x[0] + x[1] + x[7] + x[8])) < 1e-6f);
    CHECK(gy[6] == 0.0f && gy[4 * 7] == 0.0f); /* the dropped column and row get no gradient */
    printf("  avgpool2: adjoint to %.1e\n", fabs(lhs - rhs));
    free(x), free(y), free(px), free(gy);
}

/* A loss of one input vector, its gradient, and central differences. */
typedef double (*loss_fn)(const float *x, float *grad, void *ctx);

static void gradcheck(const char *what, loss_fn f, void *ctx, float *x, long n, float h)
{
    float *g = calloc((size_t)n, sizeof(float)), *scratch = calloc((size_t)n, sizeof(float));
    f(x, g, ctx);
    double worst = 0, scale = 1e-6;
    for (long i = 0; i < n; i++) scale = fabs(g[i]) > scale ? fabs(g[i]) : scale;
    for (long i = 0; i < n; i++) {
        const float keep = x[i];
        x[i] = keep + h;
        const double up = f(x, NULL, ctx);
        x[i] = keep - h;
        const double down = f(x, NULL, ctx);
        x[i] = keep;
        const double e = fabs((up - down) / (2.0 * h) - g[i]) / scale;
        worst = e > worst || e != e ? e : worst;
    }
    CHECK_MSG(worst < 1e-2, "%s: gradient off by %.3g of its scale", what, worst);
    printf("  %-22s gradient within %.1e of central differences\n", what, worst);
    free(g), free(scratch);
}

typedef struct {
    const float *target, *weights;
    int c, h, w;
} loss_case;

static double content_case(const float *x, float *g, void *ctx)
{
    const loss_case *k = ctx;
    return gan_content_loss(g, x, k->target, (long)k->c * k->h * k->w, 1.0f);
}

static double tv_case(const float *x, float *g, void *ctx)
{
    const loss_case *k = ctx;
    return gan_tv_loss(g, x, k->c, k->h, k->w, 1.0f);
}

/* sum(W o gram(F)) through gan_gram_loss's gradient shape: the Gram
 * distance to a target, back to F. */
static double gram_case(const float *f, float *g, void *ctx)
{
    const loss_case *k = ctx;
    const long hw = (long)k->h * k->w;
    float gram[16], dgram[16], ws[16];
    gan_gram_forward(gram, f, k->c, hw, 1.0f / (float)(k->c * hw), NULL);
    const double loss = gan_gram_loss(dgram, gram, k->target, k->c, 1.0f);
    if (g) gan_gram_backward(g, dgram, f, k->c, hw, 1.0f / (float)(k->c * hw), ws, NULL);
    return loss;
}

static void test_losses(void)
{
    loss_case k = {.c = 3, .h = 4, .w = 5};
    float *x = randn(60, 1), *t = randn(60, 1), *a = randn(16, 0.3f);
    k.target = t;
    gradcheck("content loss", content_case, &k, x, 60, 1e-2f);
    gradcheck("total variation", tv_case, &k, x, 60, 1e-2f);
    k.target = a; /* a 3x3 Gram target */
    gradcheck("Gram matrix + loss", gram_case, &k, x, 60, 1e-2f);
    free(x), free(t), free(a);
}

static void banded_case(int c, int h, int w, int oc, int k, int s, int p)
{
    const gan_conv_geom g = gan_conv_geom_make(1, c, h, w, oc, k, s, p);
    const long in_n = (long)c * h * w, out_n = (long)oc * g.oh * g.ow;
    float *x = randn(in_n, 1), *wt = randn((long)oc * c * k * k, 0.3f), *b = randn(oc, 1),
          *dy = randn(out_n, 1);
    float *want = malloc(sizeof(float) * out_n), *got = malloc(sizeof(float) * out_n);
    float *col = malloc(sizeof(float) * gan_conv_col_floats(&g)),
          *ws = malloc(sizeof(float) * gan_conv_col_floats(&g));
    float *dx_want = malloc(sizeof(float) * in_n), *dx_got = malloc(sizeof(float) * in_n);
    const size_t band_ws = (size_t)c * k * k * g.ow * 2; /* two output rows a band: several bands */
    gan_conv2d_forward(want, col, x, wt, b, &g, NULL, NULL);
    gan_conv2d_banded_forward(got, x, wt, b, &g, ws, band_ws, NULL);
    const double ef = rel_err(got, want, out_n, 1e-30);
    gan_conv2d_backward(dx_want, NULL, NULL, ws, dy, x, col, wt, &g, NULL, NULL);
    gan_conv2d_banded_backward_input(dx_got, dy, wt, &g, ws, band_ws, NULL);
    const double eb = rel_err(dx_got, dx_want, in_n, 1e-30);
    CHECK_MSG(ef < 1e-5 && eb < 1e-5, "banded conv %dx%d k%d s%d p%d: forward %.3g, backward %.3g", h, w, k,
              s, p, ef, eb);
    printf("  banded conv %2dx%-2d k%d s%d p%d: forward %.1e, input gradient %.1e (%d-row bands)\n", h, w, k,
           s, p, ef, eb, gan_conv2d_band_rows(&g, band_ws));
    free(x), free(wt), free(b), free(dy), free(want), free(got), free(col), free(ws), free(dx_want),
        free(dx_got);
}

/* Winograd's F(2x2, 3x3) against conv2d's im2col: forward, and the input
 * gradient (the transposed pass), bands forced small. */
static void winograd_case(int c, int oc, int h, int w)
{
    const gan_conv_geom g = gan_conv_geom_make(1, c, h, w, oc, 3, 1, 1);
    const long in_n = (long)c * h * w, out_n = (long)oc * h * w;
    float *x = randn(in_n, 1), *wt = randn((long)oc * c * 9, 0.3f), *b = randn(oc, 1), *dy = randn(out_n, 1);
    float *want = malloc(sizeof(float) * out_n), *got = malloc(sizeof(float) * out_n);
    float *col = malloc(sizeof(float) * gan_conv_col_floats(&g)),
          *cws = malloc(sizeof(float) * gan_conv_col_floats(&g));
    float *dx_want = malloc(sizeof(float) * in_n), *dx_got = malloc(sizeof(float) * in_n);
    const size_t ws_n =
        gan_winograd_min_ws(c, oc, w) + gan_winograd_min_ws(oc, c, w); /* about two tile rows */
    float *ws = malloc(sizeof(float) * ws_n);
    gan_conv2d_forward(want, col, x, wt, b, &g, NULL, NULL);
    gan_winograd_conv3x3(got, x, wt, b, c, oc, h, w, false, ws, ws_n, NULL);
    const double ef = rel_err(got, want, out_n, 1e-30);
    gan_conv2d_backward(dx_want, NULL, NULL, cws, dy, x, col, wt, &g, NULL, NULL);
    gan_winograd_conv3x3(dx_got, dy, wt, NULL, c, oc, h, w, true, ws, ws_n, NULL);
    const double eb = rel_err(dx_got, dx_want, in_n, 1e-30);
    CHECK_MSG(ef < 1e-5 && eb < 1e-5, "winograd %dx%d %d->%d: forward %.3g, input gradient %.3g", h, w, c, oc,
              ef, eb);
    printf("  winograd %2dx%-2d %2d -> %-2d: forward %.1e, input gradient %.1e\n", h, w, c, oc, ef, eb);
    free(x), free(wt), free(b), free(dy), free(want), free(got), free(col), free(cws), free(dx_want),
        free(dx_got), free(ws);
}

/* Rosenbrock's function: a curved valley, minimum 0 at (1, 1). */
static double rosenbrock(void *ctx, const float *x, float *g)
{
    (void)ctx;
    const double a = 1.0 - x[0], b = x[1] - (double)x[0] * x[0];
    g[0] = (float)(-2.0 * a - 400.0 * x[0] * b);
    g[1] = (float)(200.0 * b);
    return a * a + 100.0 * b * b;
}

/* sum_i s_i x_i^2 with scales from 1 to 1000: badly conditioned, minimum 0 at 0. */
static double quadratic(void *ctx, const float *x, float *g)
{
    const int n = *(const int *)ctx;
    double f = 0;
    for (int i = 0; i < n; i++) {
        const double s = pow(1000.0, (double)i / (n - 1));
        f += s * x[i] * x[i];
        g[i] = (float)(2.0 * s * x[i]);
    }
    return f;
}

static void minimise(const char *what, gan_objective_fn fn, void *ctx, float *x, int n, double want_f)
{
    gan_lbfgs o;
    gan_error err;
    CHECK(gan_lbfgs_init(&o, n, 10, &err) == GAN_OK);
    float *g = malloc(sizeof(float) * n);
    double f = fn(ctx, x, g);
    int steps = 0, evals = 1;
    while (steps < 200 && !o.converged) evals += gan_lbfgs_step(&o, x, &f, g, fn, ctx), steps++;
    CHECK_MSG(f <= want_f, "%s: f = %.3g after %d steps", what, f, steps);
    printf("  L-BFGS on %-20s f %.2e after %d steps, %d evaluations\n", what, f, steps, evals);
    free(g);
    gan_lbfgs_free(&o);
}

static void test_lbfgs(void)
{
    float x[2] = {-1.2f, 1.0f};
    minimise("Rosenbrock", rosenbrock, NULL, x, 2, 1e-8);
    CHECK(fabsf(x[0] - 1.0f) < 1e-3f && fabsf(x[1] - 1.0f) < 1e-3f);
    int n = 50;
    float *q = randn(n, 1);
    minimise("a 50-d quadratic", quadratic, &n, q, n, 1e-7);
    free(q);
}

int main(void)
{
    gan_rng_seed(&rng, 20261207);
    test_avgpool();
    test_losses();
    banded_case(3, 12, 10, 5, 3, 1, 1);
    banded_case(4, 9, 11, 6, 3, 1, 1);
    banded_case(2, 16, 16, 3, 4, 2, 1);
    winograd_case(3, 5, 8, 8);
    winograd_case(4, 6, 9, 11);
    winograd_case(7, 3, 13, 6);
    winograd_case(20, 33, 7, 9); /* more than one lane block of 16 channels, each way */
    test_lbfgs();
    return check_exit("test_style");
}
