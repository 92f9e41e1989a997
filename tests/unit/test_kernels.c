/* Exact checks of the indexing-heavy kernels. Inputs are small integer ramps,
 * so every product and sum is an exact float: a stride, padding or layout
 * bug shows as a wrong integer, not as a tolerance question. */
#include <math.h>
#include <string.h>

#include "../common/check.h"
#include "gan/core/gemm.h"
#include "gan/core/pool.h"
#include "gan/core/rng.h"
#include "gan/nn/batchnorm2d.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv_transpose2d.h"

/* Direct convolution in the channel-major layout, written from the definition. */
static void conv_direct(float *out, const float *in, const float *wt, const gan_conv_geom *d)
{
    const int oh = d->oh, ow = d->ow;
    for (int o = 0; o < d->oc; o++)
        for (int n = 0; n < d->n; n++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++) {
                    float acc = 0.0f;
                    for (int c = 0; c < d->c; c++)
                        for (int ky = 0; ky < d->k; ky++)
                            for (int kx = 0; kx < d->k; kx++) {
                                int iy = y * d->s - d->p + ky, ix = x * d->s - d->p + kx;
                                if (iy < 0 || iy >= d->h || ix < 0 || ix >= d->w) continue;
                                acc += in[((c * d->n + n) * d->h + iy) * d->w + ix] *
                                       wt[((o * d->c + c) * d->k + ky) * d->k + kx];
                            }
                    out[((o * d->n + n) * oh + y) * ow + x] = acc;
                }
}

/* Direct transposed convolution: every input pixel scatters a weighted kernel. */
static void convt_direct(float *out, const float *in, const float *wt, const gan_conv_geom *d)
{
    const int oh = d->oh, ow = d->ow;
    memset(out, 0, sizeof(float) * d->oc * d->n * oh * ow);
    for (int c = 0; c < d->c; c++)
        for (int n = 0; n < d->n; n++)
            for (int y = 0; y < d->h; y++)
                for (int x = 0; x < d->w; x++)
                    for (int o = 0; o < d->oc; o++)
                        for (int ky = 0; ky < d->k; ky++)
                            for (int kx = 0; kx < d->k; kx++) {
                                int oy = y * d->s - d->p + ky, ox = x * d->s - d->p + kx;
                                if (oy < 0 || oy >= oh || ox < 0 || ox >= ow) continue;
                                out[((o * d->n + n) * oh + oy) * ow + ox] +=
                                    in[((c * d->n + n) * d->h + y) * d->w + x] *
                                    wt[((c * d->oc + o) * d->k + ky) * d->k + kx];
                            }
}

static void ramp(float *x, long n, int mod, int shift)
{
    for (long i = 0; i < n; i++) x[i] = (float)((i * 7 + shift) % mod - mod / 2);
}

static void test_conv(gan_conv_geom d)
{
    const int oh = d.oh, ow = d.ow;
    long nin = (long)d.c * d.n * d.h * d.w, nw = (long)d.oc * d.c * d.k * d.k,
         nout = (long)d.oc * d.n * oh * ow;
    float *in = malloc(sizeof(float) * nin), *wt = malloc(sizeof(float) * nw);
    float *out = malloc(sizeof(float) * nout), *ref = malloc(sizeof(float) * nout);
    float *col = malloc(sizeof(float) * (long)d.c * d.k * d.k * d.n * oh * ow);
    ramp(in, nin, 9, 1);
    ramp(wt, nw, 5, 3);
    gan_conv2d_forward(out, col, in, wt, NULL, &d, NULL, NULL);
    conv_direct(ref, in, wt, &d);
    long bad = 0;
    for (long i = 0; i < nout; i++) bad += out[i] != ref[i];
    CHECK_MSG(bad == 0, "conv2d c%d n%d %dx%d oc%d k%d s%d p%d: %ld of %ld outputs differ", d.c, d.n, d.h,
              d.w, d.oc, d.k, d.s, d.p, bad, nout);
    free(in), free(wt), free(out), free(ref), free(col);
}

static void test_convt(gan_conv_geom d)
{
    const int oh = d.oh, ow = d.ow;
    long nin = (long)d.c * d.n * d.h * d.w, nw = (long)d.c * d.oc * d.k * d.k,
         nout = (long)d.oc * d.n * oh * ow;
    float *in = malloc(sizeof(float) * nin), *wt = malloc(sizeof(float) * nw);
    float *out = malloc(sizeof(float) * nout), *ref = malloc(sizeof(float) * nout);
    float *col = malloc(sizeof(float) * (long)d.oc * d.k * d.k * d.n * d.h * d.w);
    ramp(in, nin, 9, 2);
    ramp(wt, nw, 5, 1);
    gan_conv_transpose2d_forward(out, col, in, wt, NULL, &d, NULL, NULL);
    convt_direct(ref, in, wt, &d);
    long bad = 0;
    for (long i = 0; i < nout; i++) bad += out[i] != ref[i];
    CHECK_MSG(bad == 0, "convT c%d n%d %dx%d oc%d k%d s%d p%d: %ld of %ld outputs differ", d.c, d.n, d.h, d.w,
              d.oc, d.k, d.s, d.p, bad, nout);
    free(in), free(wt), free(out), free(ref), free(col);
}

static void test_gemm(gan_transpose ta, gan_transpose tb, int m, int n, int k, gan_pool *pool)
{
    gan_rng rng;
    gan_rng_seed(&rng, 7);
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
    float *c = malloc(sizeof(float) * m * n), *r = malloc(sizeof(float) * m * n);
    gan_rng_normal(&rng, a, (long)m * k, 0, 1);
    gan_rng_normal(&rng, b, (long)k * n, 0, 1);
    gan_rng_normal(&rng, c, (long)m * n, 0, 1);
    memcpy(r, c, sizeof(float) * m * n);
    int lda = ta ? m : k, ldb = tb ? k : n;
    gan_gemm(ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 2.0f, c, n, pool);
    gan_gemm_ref(ta, tb, m, n, k, 0.5f, a, lda, b, ldb, 2.0f, r, n);
    double e = rel_err(c, r, (long)m * n, 1e-6);
    CHECK_MSG(e < 1e-5, "gemm ta%d tb%d %dx%dx%d: rel err %g", ta, tb, m, n, k, e);
    free(a), free(b), free(c), free(r);
}

static void test_rng(void)
{
    gan_rng a, b;
    gan_rng_seed(&a, 42);
    gan_rng_seed(&b, 42);
    int same = 1;
    for (int i = 0; i < 100; i++) same &= gan_rng_next(&a) == gan_rng_next(&b);
    CHECK(same);
    /* Moments of 200k normals: mean 0 +- 0.01, std 1 +- 0.01. */
    long n = 200000;
    float *z = malloc(sizeof(float) * n);
    gan_rng_normal(&a, z, n, 0.0f, 1.0f);
    double s = 0, s2 = 0;
    for (long i = 0; i < n; i++) s += z[i], s2 += (double)z[i] * z[i];
    double mean = s / n, sd = sqrt(s2 / n - mean * mean);
    CHECK_MSG(fabs(mean) < 0.01 && fabs(sd - 1.0) < 0.01, "normal mean %g sd %g", mean, sd);
    free(z);
    /* A shuffle is a permutation. */
    int32_t perm[1000];
    int seen[1000] = {0};
    for (int i = 0; i < 1000; i++) perm[i] = i;
    gan_rng_shuffle(&a, perm, 1000);
    int ok = 1, moved = 0;
    for (int i = 0; i < 1000; i++) ok &= !seen[perm[i]]++, moved += perm[i] != i;
    CHECK(ok && moved > 900);
    /* Truncated normals: none above psi, the same for the same seed, untouched without psi. */
    float t1[5000], t2[5000], plain[5000];
    gan_rng_seed(&a, 9), gan_rng_truncated_normal(&a, t1, 5000, 0.7);
    gan_rng_seed(&b, 9), gan_rng_truncated_normal(&b, t2, 5000, 0.7);
    float top = 0;
    for (int i = 0; i < 5000; i++) top = fmaxf(top, fabsf(t1[i]));
    CHECK_MSG(top <= 0.7f && top > 0.69f, "truncated normals reach %g", (double)top);
    CHECK(memcmp(t1, t2, sizeof t1) == 0);
    gan_rng_seed(&a, 9), gan_rng_truncated_normal(&a, t1, 5000, 0.0);
    gan_rng_seed(&b, 9), gan_rng_normal(&b, plain, 5000, 0.0f, 1.0f);
    CHECK(memcmp(t1, plain, sizeof t1) == 0);
}

/* A pool gives bitwise the same results as the serial code. */
/* Batchnorm's channel sums run in vector lanes with a scalar tail. On
 * integer data every sum is exact in double whatever the order, so the
 * mean and beta's gradient must equal a plain loop's exactly; the variance
 * and gamma's gradient (products of a rounded mean) to 1e-6. m = 37 and
 * 5 leave a tail after the lanes and fill none; ReLU is fused. */
static void test_bn_sums(long m)
{
    enum { C = 3 };
    const long n = C * m;
    float *x = malloc(sizeof(float) * n), *y = malloc(sizeof(float) * n), *g = malloc(sizeof(float) * n),
          *dx = malloc(sizeof(float) * n);
    ramp(x, n, 11, 3);
    ramp(g, n, 7, 1);
    float gamma[C] = {1.0f, 0.5f, 2.0f}, beta[C] = {0.0f, 0.25f, -0.5f}, mean[C], is[C], rm[C] = {0},
          rv[C] = {0}, dgamma[C] = {0}, dbeta[C] = {0};
    const gan_bn_act relu = {.kind = GAN_BN_ACT_RELU};
    gan_batchnorm2d_forward_train(y, mean, is, rm, rv, x, gamma, beta, C, m, 1.0f, 0.0f, NULL, NULL, relu);
    gan_batchnorm2d_backward_train(dx, dgamma, dbeta, g, x, mean, is, gamma, C, m, NULL, NULL, relu, y);
    for (int c = 0; c < C; c++) {
        const float *xc = x + c * m, *gc = g + c * m, *yc = y + c * m;
        double sum = 0.0, sq = 0.0, dy_sum = 0.0, dy_xhat = 0.0;
        for (long i = 0; i < m; i++) sum += xc[i];
        const double mu = sum / (double)m;
        for (long i = 0; i < m; i++) sq += (xc[i] - mu) * (xc[i] - mu);
        for (long i = 0; i < m; i++) {
            const float dy = yc[i] > 0.0f ? gc[i] : 0.0f;
            dy_sum += dy;
            dy_xhat += (double)dy * ((xc[i] - mean[c]) * is[c]);
        }
        CHECK_MSG(mean[c] == (float)mu, "m %ld channel %d: mean %g, want %g", m, c, mean[c], mu);
        const double var_unbiased = sq / (double)(m - 1);
        CHECK_MSG(fabs(rv[c] - var_unbiased) <= 1e-6 * var_unbiased, "m %ld channel %d: variance %g, want %g",
                  m, c, rv[c], var_unbiased);
        CHECK_MSG(dbeta[c] == (float)dy_sum, "m %ld channel %d: dbeta %g, want %g", m, c, dbeta[c], dy_sum);
        CHECK_MSG(fabs(dgamma[c] - dy_xhat) <= 1e-6 * (1.0 + fabs(dy_xhat)),
                  "m %ld channel %d: dgamma %g, want %g", m, c, dgamma[c], dy_xhat);
    }
    free(x), free(y), free(g), free(dx);
}

static void test_pool_identity(void)
{
    gan_pool *pool = gan_pool_create(3);
    CHECK(pool != NULL && gan_pool_threads(pool) == 3);
    gan_rng rng;
    gan_rng_seed(&rng, 99);
    const gan_conv_geom d = gan_conv_geom_make(5, 6, 8, 8, 7, 4, 2, 1);
    const long nin = 6 * 5 * 64, nw = 7 * 6 * 16, nout = 7 * 5 * 16, ncol = 6 * 16 * 5 * 16;
    float *in = malloc(sizeof(float) * nin), *w = malloc(sizeof(float) * nw),
          *g = malloc(sizeof(float) * nout);
    gan_rng_normal(&rng, in, nin, 0, 1);
    gan_rng_normal(&rng, w, nw, 0, 1);
    gan_rng_normal(&rng, g, nout, 0, 1);
    float *out[2], *col[2], *din[2], *dw[2], *bn[2], *mean[2], *is[2], *rm[2], *rv[2];
    for (int t = 0; t < 2; t++) {
        gan_pool *p = t ? pool : NULL;
        out[t] = calloc(nout, sizeof(float)), col[t] = calloc(ncol, sizeof(float));
        din[t] = calloc(nin, sizeof(float)), dw[t] = calloc(nw, sizeof(float)),
        bn[t] = calloc(nout, sizeof(float));
        mean[t] = calloc(7, sizeof(float)), is[t] = calloc(7, sizeof(float));
        rm[t] = calloc(7, sizeof(float)), rv[t] = calloc(7, sizeof(float));
        float *dcol = calloc(ncol, sizeof(float)), *gamma = malloc(7 * sizeof(float)),
              *beta = calloc(7, sizeof(float));
        for (int i = 0; i < 7; i++) gamma[i] = 1.0f + 0.1f * i;
        gan_conv2d_forward(out[t], col[t], in, w, NULL, &d, p, NULL);
        gan_conv2d_backward(din[t], dw[t], NULL, dcol, g, in, t ? col[t] : NULL, w, &d, p, NULL);
        gan_batchnorm2d_forward_train(bn[t], mean[t], is[t], rm[t], rv[t], out[t], gamma, beta, 7, 5 * 16,
                                      0.1f, 1e-5f, p, NULL, GAN_BN_NO_ACT);
        gan_batchnorm2d_backward_train(bn[t], NULL, NULL, g, out[t], mean[t], is[t], gamma, 7, 5 * 16, p,
                                       NULL, GAN_BN_NO_ACT, NULL);
        free(dcol), free(gamma), free(beta);
    }
    CHECK(memcmp(out[0], out[1], sizeof(float) * nout) == 0);
    CHECK(memcmp(din[0], din[1], sizeof(float) * nin) == 0);
    CHECK(memcmp(dw[0], dw[1], sizeof(float) * nw) == 0);
    CHECK(memcmp(bn[0], bn[1], sizeof(float) * nout) == 0);
    CHECK(memcmp(rv[0], rv[1], sizeof(float) * 7) == 0);
    /* the transposed direction too */
    const gan_conv_geom t = gan_convt_geom_make(5, 7, 4, 4, 6, 4, 2, 1);
    float *o2[2];
    for (int k = 0; k < 2; k++) {
        o2[k] = calloc(nin, sizeof(float));
        float *tcol = calloc(ncol, sizeof(float));
        gan_conv_transpose2d_forward(o2[k], tcol, out[0], w, NULL, &t, k ? pool : NULL, NULL);
        free(tcol);
    }
    CHECK(memcmp(o2[0], o2[1], sizeof(float) * nin) == 0);
    for (int k = 0; k < 2; k++) {
        free(out[k]), free(col[k]), free(din[k]), free(dw[k]), free(bn[k]), free(mean[k]), free(is[k]);
        free(rm[k]), free(rv[k]), free(o2[k]);
    }
    free(in), free(w), free(g);
    gan_pool_free(pool);
    CHECK(gan_pool_create(1) == NULL && gan_pool_threads(NULL) == 1);
}

/* gan calls single-threaded OpenBLAS from several threads at once (one
 * block of C each); old OpenBLAS releases had races there. Repeat a split
 * SGEMM many times: every result must equal the first, bit for bit. */
static void test_concurrent_gemm(void)
{
    gan_pool *pool = gan_pool_create(2);
    gan_rng rng;
    gan_rng_seed(&rng, 5);
    const int m = 96, n = 512, k = 300;
    float *a = malloc(sizeof(float) * m * k), *b = malloc(sizeof(float) * k * n);
    float *c0 = malloc(sizeof(float) * m * n), *c = malloc(sizeof(float) * m * n);
    gan_rng_normal(&rng, a, (long)m * k, 0, 1);
    gan_rng_normal(&rng, b, (long)k * n, 0, 1);
    gan_gemm(GAN_NO_TRANS, GAN_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, c0, n, pool);
    int differ = 0;
    for (int r = 0; r < 200; r++) {
        gan_gemm(GAN_NO_TRANS, GAN_NO_TRANS, m, n, k, 1.0f, a, k, b, n, 0.0f, c, n, pool);
        differ += memcmp(c, c0, sizeof(float) * m * n) != 0;
    }
    CHECK_MSG(differ == 0, "%d of 200 concurrent SGEMMs differ", differ);
    free(a), free(b), free(c0), free(c);
    gan_pool_free(pool);
}

int main(void)
{
    test_pool_identity();
    test_concurrent_gemm();
    /* Every convolution shape a DCGAN uses, plus odd sizes and padding > 0 with stride 1. */
    test_conv(gan_conv_geom_make(2, 3, 8, 8, 4, 4, 2, 1));
    test_conv(gan_conv_geom_make(3, 2, 4, 4, 1, 4, 1, 0));
    test_conv(gan_conv_geom_make(2, 2, 7, 5, 3, 3, 1, 1));
    test_conv(gan_conv_geom_make(1, 1, 9, 9, 2, 3, 3, 2));
    /* im2col.c's special paths: k4 s2 p1 (non-square, the smallest grid),
     * and a kernel the size of the image */
    test_conv(gan_conv_geom_make(3, 2, 6, 10, 3, 4, 2, 1));
    test_conv(gan_conv_geom_make(2, 2, 4, 4, 2, 4, 2, 1));
    test_conv(gan_conv_geom_make(2, 3, 3, 3, 2, 3, 1, 0));
    test_convt(gan_convt_geom_make(2, 3, 4, 4, 2, 4, 2, 1));
    test_convt(gan_convt_geom_make(3, 5, 1, 1, 4, 4, 1, 0));
    test_convt(gan_convt_geom_make(2, 2, 5, 3, 3, 3, 1, 1));
    test_convt(gan_convt_geom_make(1, 2, 3, 3, 1, 5, 3, 2));
    test_convt(gan_convt_geom_make(2, 3, 3, 5, 2, 4, 2, 1));
    test_convt(gan_convt_geom_make(3, 2, 2, 2, 3, 4, 2, 1));
    test_convt(gan_convt_geom_make(2, 4, 1, 1, 3, 3, 1, 0));
    gan_pool *pool = gan_pool_create(2);
    for (gan_transpose ta = GAN_NO_TRANS; ta <= GAN_TRANS; ta++)
        for (gan_transpose tb = GAN_NO_TRANS; tb <= GAN_TRANS; tb++) {
            test_gemm(ta, tb, 17, 23, 31, NULL);
            test_gemm(ta, tb, 70, 45, 31, pool); /* split by rows, ragged last block */
            test_gemm(ta, tb, 45, 70, 31, pool); /* split by columns */
        }
    gan_pool_free(pool);
    test_rng();
    test_bn_sums(37);
    test_bn_sums(5);
    test_bn_sums(64);
    return check_exit("test_kernels");
}
