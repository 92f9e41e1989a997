/* Deterministic mode (gan/core/partials.h): every sum over the batch by
 * fixed partials, added in one balanced tree. The check that matters is the
 * split: a batch of 4 samples in 4 partials on one process, and the same
 * batch on two "ranks" (threads meeting at a barrier, the way
 * test_batch_sync stands in for MPI) of 2 samples and 2 partials each, must
 * give the same bytes in every layer that sums over the batch: conv2d and
 * its transpose (outputs, input and weight gradients), batchnorm, the class
 * affine, the projection and the class embedding. And the sums stay sums:
 * within float rounding of the plain one-call layers. */
#include <pthread.h>
#include <string.h>

#include "../common/check.h"
#include "gan/core/partials.h"
#include "gan/core/rng.h"
#include "gan/nn/batchnorm2d.h"
#include "gan/nn/conditional.h"
#include "gan/nn/conv2d.h"
#include "gan/nn/conv_transpose2d.h"

enum { N = 4, PARTIALS = 4, SLOT = 512 };
enum { CC = 3, CH = 8, COC = 4, CK = 4 };      /* conv2d: 3x8x8 -> 4x4x4 */
enum { TC = 4, TH = 4, TOC = 3 };              /* transposed: 4x4x4 -> 3x8x8 */
enum { BC = 5, BHW = 12 };                     /* batchnorm */
enum { KC = 4, KHW = 5, CLASSES = 3, NZ = 2 }; /* the conditional pieces */

/* ---- ranks: threads whose sums meet in shared slots, added in rank order */
typedef struct {
    pthread_barrier_t barrier;
    int ranks;
    double d[2][SLOT];
    float f[2][SLOT];
} world;

typedef struct {
    world *w;
    int rank;
} rank_ctx;

static void sum_doubles(void *ctx, double *v, int n)
{
    rank_ctx *r = ctx;
    CHECK(n <= SLOT);
    memcpy(r->w->d[r->rank], v, sizeof(double) * (size_t)n);
    pthread_barrier_wait(&r->w->barrier);
    for (int i = 0; i < n; i++) v[i] = r->w->d[0][i] + r->w->d[1][i];
    pthread_barrier_wait(&r->w->barrier);
}

static void sum_floats(void *ctx, float *v, long n)
{
    rank_ctx *r = ctx;
    CHECK(n <= SLOT);
    memcpy(r->w->f[r->rank], v, sizeof(float) * (size_t)n);
    pthread_barrier_wait(&r->w->barrier);
    for (long i = 0; i < n; i++) v[i] = r->w->f[0][i] + r->w->f[1][i];
    pthread_barrier_wait(&r->w->barrier);
}

/* ---- the global batch */
static float cx[CC * N * CH * CH], cw[COC * CC * CK * CK], cdy[COC * N * 16];
static float tx[TC * N * TH * TH], tw[TC * TOC * CK * CK], tdy[TOC * N * 64];
static float bx[BC * N * BHW], bdy[BC * N * BHW], bgamma[BC], bbeta[BC];
static float kx[KC * N * KHW], kdy[KC * N * KHW], kmean[KC], kinvstd[KC], kgamma[CLASSES * KC];
static float kdlogits[N], kpooled[KC * N], kembed[CLASSES * KC], kdx[(NZ + KC) * N];
static int32_t labels[N] = {2, 0, 2, 1};

/* rows of [rows, N, per]: samples [first, first + n) of each row */
static void slice(float *dst, const float *src, int rows, int per, int first, int n)
{
    for (int r = 0; r < rows; r++)
        memcpy(dst + (size_t)r * n * per, src + ((size_t)r * N + first) * per,
               sizeof(float) * (size_t)n * per);
}

/* what one process computes from its slice; gradients of parameters whole */
typedef struct {
    float c_out[COC * N * 16], c_din[CC * N * CH * CH], c_dw[COC * CC * CK * CK];
    float t_out[TOC * N * 64], t_din[TC * N * TH * TH], t_dw[TC * TOC * CK * CK];
    float b_out[BC * N * BHW], b_dx[BC * N * BHW], b_mean[BC], b_invstd[BC], b_rm[BC], b_rv[BC];
    float b_dgamma[BC], b_dbeta[BC];
    float k_dxhat[KC * N * KHW], k_dgb[2 * CLASSES * KC], k_dh[KC * N * KHW], k_dembed[CLASSES * KC];
    float k_dconcat[CLASSES * KC];
} results;

typedef struct {
    rank_ctx ctx;
    int first, n; /* this process's samples */
    const gan_batch_sync *sync;
    results *res;
} process;

static void run(process *p)
{
    const int first = p->first, n = p->n;
    const gan_batch_sync *s = p->sync;
    results *o = p->res;
    memset(o, 0, sizeof *o);
    static _Thread_local float in[1024], dy[1024], col[4096], ws[4096];
    int32_t lab[N];
    memcpy(lab, labels + first, sizeof(int32_t) * (size_t)n);

    const gan_conv_geom cg = gan_conv_geom_make(n, CC, CH, CH, COC, CK, 2, 1);
    slice(in, cx, CC, CH * CH, first, n), slice(dy, cdy, COC, 16, first, n);
    gan_conv2d_forward(o->c_out, col, in, cw, NULL, &cg, NULL, s);
    gan_conv2d_backward(o->c_din, o->c_dw, NULL, ws, dy, in, col, cw, &cg, NULL, s);

    const gan_conv_geom tg = gan_convt_geom_make(n, TC, TH, TH, TOC, CK, 2, 1);
    slice(in, tx, TC, TH * TH, first, n), slice(dy, tdy, TOC, 64, first, n);
    gan_conv_transpose2d_forward(o->t_out, col, in, tw, NULL, &tg, NULL, s);
    gan_conv_transpose2d_backward(o->t_din, o->t_dw, NULL, ws, dy, in, tw, &tg, NULL, s);

    slice(in, bx, BC, BHW, first, n), slice(dy, bdy, BC, BHW, first, n);
    for (int c = 0; c < BC; c++) o->b_rv[c] = 1.0f;
    const gan_bn_act none = {GAN_BN_ACT_NONE, 0.0f};
    gan_batchnorm2d_forward_train(o->b_out, o->b_mean, o->b_invstd, o->b_rm, o->b_rv, in, bgamma, bbeta, BC,
                                  (long)n * BHW, 0.1f, 1e-5f, NULL, s, none);
    gan_batchnorm2d_backward_train(o->b_dx, o->b_dgamma, o->b_dbeta, dy, in, o->b_mean, o->b_invstd, bgamma,
                                   BC, (long)n * BHW, NULL, s, none, NULL);

    slice(in, kx, KC, KHW, first, n), slice(dy, kdy, KC, KHW, first, n);
    gan_class_affine_backward(o->k_dxhat, o->k_dgb, o->k_dgb + CLASSES * KC, dy, in, kmean, kinvstd, kgamma,
                              lab, KC, n, KHW, CLASSES, s);
    static _Thread_local float pooled[KC * N], dx[(NZ + KC) * N];
    slice(pooled, kpooled, KC, 1, first, n);
    gan_projection_backward(o->k_dh, o->k_dembed, kdlogits + first, pooled, kembed, lab, KC, n, KHW, CLASSES,
                            s);
    slice(dx, kdx, NZ + KC, 1, first, n);
    gan_embed_concat_backward(o->k_dconcat, dx, lab, NZ, KC, n, CLASSES, s);
}

static void *run_thread(void *arg)
{
    run(arg);
    return NULL;
}

/* ---- comparisons: a slice of the one-process result against a rank's */
static int same_slice(const float *whole, const float *part, int rows, int per, int first, int n)
{
    static float cut[4096];
    slice(cut, whole, rows, per, first, n);
    return memcmp(cut, part, sizeof(float) * (size_t)rows * n * per) == 0;
}

static void compare_split(const results *one, const results *two[2])
{
    for (int r = 0; r < 2; r++) {
        const results *p = two[r];
        const int first = r * 2, n = 2;
        CHECK_MSG(same_slice(one->c_out, p->c_out, COC, 16, first, n), "rank %d: conv2d output bytes", r);
        CHECK_MSG(same_slice(one->c_din, p->c_din, CC, CH * CH, first, n), "rank %d: conv2d input gradient",
                  r);
        CHECK_MSG(memcmp(one->c_dw, p->c_dw, sizeof one->c_dw) == 0, "rank %d: conv2d weight gradient bytes",
                  r);
        CHECK_MSG(same_slice(one->t_out, p->t_out, TOC, 64, first, n), "rank %d: transposed output bytes", r);
        CHECK_MSG(same_slice(one->t_din, p->t_din, TC, TH * TH, first, n), "rank %d: transposed input grad",
                  r);
        CHECK_MSG(memcmp(one->t_dw, p->t_dw, sizeof one->t_dw) == 0, "rank %d: transposed weight gradient",
                  r);
        CHECK_MSG(same_slice(one->b_out, p->b_out, BC, BHW, first, n), "rank %d: batchnorm output bytes", r);
        CHECK_MSG(same_slice(one->b_dx, p->b_dx, BC, BHW, first, n), "rank %d: batchnorm input gradient", r);
        CHECK_MSG(memcmp(one->b_rv, p->b_rv, sizeof one->b_rv) == 0 &&
                      memcmp(one->b_rm, p->b_rm, sizeof one->b_rm) == 0,
                  "rank %d: running statistics bytes", r);
        CHECK_MSG(memcmp(one->b_dgamma, p->b_dgamma, sizeof one->b_dgamma) == 0 &&
                      memcmp(one->b_dbeta, p->b_dbeta, sizeof one->b_dbeta) == 0,
                  "rank %d: gamma/beta gradients: the whole batch's, bit for bit", r);
        CHECK_MSG(same_slice(one->k_dxhat, p->k_dxhat, KC, KHW, first, n), "rank %d: class affine dxhat", r);
        CHECK_MSG(memcmp(one->k_dgb, p->k_dgb, sizeof one->k_dgb) == 0, "rank %d: class affine gradients", r);
        CHECK_MSG(same_slice(one->k_dh, p->k_dh, KC, KHW, first, n), "rank %d: projection dh", r);
        CHECK_MSG(memcmp(one->k_dembed, p->k_dembed, sizeof one->k_dembed) == 0, "rank %d: projection dE", r);
        CHECK_MSG(memcmp(one->k_dconcat, p->k_dconcat, sizeof one->k_dconcat) == 0, "rank %d: concat dE", r);
    }
}

/* the tree and the plain sum agree to float rounding */
#define CLOSE(a, b, what)                                                                        \
    CHECK_MSG(rel_err((a), (b), (long)(sizeof(a) / sizeof(float)), 1e-3) < 1e-5, "%s: %g", what, \
              rel_err((a), (b), (long)(sizeof(a) / sizeof(float)), 1e-3))

static void compare_plain(const results *tree, const results *plain)
{
    CLOSE(tree->c_out, plain->c_out, "conv2d output");
    CLOSE(tree->c_dw, plain->c_dw, "conv2d weight gradient");
    CLOSE(tree->c_din, plain->c_din, "conv2d input gradient");
    CLOSE(tree->t_dw, plain->t_dw, "transposed weight gradient");
    CLOSE(tree->t_din, plain->t_din, "transposed input gradient");
    CLOSE(tree->b_out, plain->b_out, "batchnorm output");
    CLOSE(tree->b_dx, plain->b_dx, "batchnorm input gradient");
    CLOSE(tree->b_dgamma, plain->b_dgamma, "batchnorm gamma gradient");
    CLOSE(tree->k_dgb, plain->k_dgb, "class affine gradients");
    CLOSE(tree->k_dembed, plain->k_dembed, "projection embedding gradient");
    CLOSE(tree->k_dconcat, plain->k_dconcat, "concat embedding gradient");
}

static void test_tree_order(void)
{
    /* values where the order of addition shows: the tree is ((0+1)+(2+3))+((4+5)+(6+7)) */
    double a[8] = {1e16, 1.0, -1e16, 1.0, 3.0, 1e-3, 7.0, -2.5};
    const double want = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    CHECK(gan_tree_sum_doubles(a, 8) == want);
    double one[1] = {4.25};
    CHECK(gan_tree_sum_doubles(one, 1) == 4.25);
    CHECK(gan_partials_scratch_floats(1, 10) == 10 && gan_partials_scratch_floats(8, 10) == 40);
}

int main(void)
{
    gan_rng rng;
    gan_rng_seed(&rng, 5);
    float *all[] = {cx, cw, cdy, tx, tw, tdy, bx, bdy, kx, kdy, kdlogits, kpooled, kembed, kdx};
    const long len[] = {sizeof cx,       sizeof cw,      sizeof cdy,    sizeof tx, sizeof tw,
                        sizeof tdy,      sizeof bx,      sizeof bdy,    sizeof kx, sizeof kdy,
                        sizeof kdlogits, sizeof kpooled, sizeof kembed, sizeof kdx};
    for (int i = 0; i < (int)(sizeof all / sizeof *all); i++)
        gan_rng_normal(&rng, all[i], len[i] / (long)sizeof(float), 0.3f, 1.0f);
    gan_rng_normal(&rng, bgamma, BC, 1.0f, 0.3f), gan_rng_normal(&rng, bbeta, BC, 0.0f, 0.3f);
    gan_rng_normal(&rng, kgamma, CLASSES * KC, 1.0f, 0.3f), gan_rng_normal(&rng, kmean, KC, 0.3f, 0.1f);
    for (int c = 0; c < KC; c++) kinvstd[c] = 1.0f + 0.1f * (float)c;
    test_tree_order();

    static results plain, one, two[2];
    /* plain: no partials */
    process p0 = {.first = 0, .n = N, .sync = NULL, .res = &plain};
    run(&p0);
    /* one process, 4 partials */
    static float reduce1[SLOT * 3], reduce2[2][SLOT * 2];
    double buffer1[2 * BC], buffer2[2][2 * BC];
    const gan_batch_sync s1 = {.parts = 1,
                               .buffer = buffer1,
                               .capacity = 2 * BC,
                               .partials = PARTIALS,
                               .reduce = reduce1,
                               .reduce_capacity = gan_partials_scratch_floats(PARTIALS, SLOT)};
    process p1 = {.first = 0, .n = N, .sync = &s1, .res = &one};
    run(&p1);
    compare_plain(&one, &plain);
    /* two ranks of 2 samples and 2 partials each */
    world w = {.ranks = 2};
    pthread_barrier_init(&w.barrier, NULL, 2);
    gan_batch_sync s2[2];
    process p2[2];
    pthread_t tid[2];
    for (int r = 0; r < 2; r++) {
        p2[r] = (process){.ctx = {&w, r}, .first = 2 * r, .n = 2, .res = &two[r]};
        s2[r] = (gan_batch_sync){.sum = sum_doubles,
                                 .sum_floats = sum_floats,
                                 .ctx = &p2[r].ctx,
                                 .parts = 2,
                                 .buffer = buffer2[r],
                                 .capacity = 2 * BC,
                                 .partials = PARTIALS / 2,
                                 .reduce = reduce2[r],
                                 .reduce_capacity = gan_partials_scratch_floats(PARTIALS / 2, SLOT)};
        p2[r].sync = &s2[r];
        CHECK(pthread_create(&tid[r], NULL, run_thread, &p2[r]) == 0);
    }
    for (int r = 0; r < 2; r++) pthread_join(tid[r], NULL);
    pthread_barrier_destroy(&w.barrier);
    const results *pair[2] = {&two[0], &two[1]};
    compare_split(&one, pair);
    return check_exit("test_partials");
}
