/* Batchnorm's two other forms. Over a batch split between processes
 * (gan_batch_sync): two
 * threads stand in for two ranks, each holding half of every channel, with
 * a sum that meets at a barrier. Forward outputs, saved statistics, running
 * statistics, the input gradient and the (summed) gamma/beta gradients must
 * match batchnorm on the whole batch in one call. The whole-batch call is
 * the one checked against PyTorch and finite differences elsewhere. And
 * with ReLU or LeakyReLU fused into its pass: the bytes of the two apart. */
#include <pthread.h>
#include <string.h>

#include "../common/check.h"
#include "gan/core/rng.h"
#include "gan/nn/activation.h"
#include "gan/nn/batchnorm2d.h"

enum { C = 5, M = 96, HALF = M / 2 };
static const gan_bn_act NO_ACT = {GAN_BN_ACT_NONE, 0.0f};

/* the two "ranks" meet here: each adds its values to the shared slot, then
 * both read the total (in a fixed order: rank 0's + rank 1's) */
typedef struct {
    pthread_barrier_t barrier;
    double slot[2][2 * C];
} meeting;

typedef struct {
    meeting *m;
    int rank;
} rank_ctx;

static void sum_two(void *ctx, double *v, int n)
{
    rank_ctx *r = ctx;
    memcpy(r->m->slot[r->rank], v, sizeof(double) * (size_t)n);
    pthread_barrier_wait(&r->m->barrier);
    for (int i = 0; i < n; i++) v[i] = r->m->slot[0][i] + r->m->slot[1][i];
    pthread_barrier_wait(&r->m->barrier); /* both have read before either writes again */
}

typedef struct {
    rank_ctx ctx;
    const float *x, *dy, *gamma, *beta; /* this rank's half: [C, HALF] */
    float out[C * HALF], dx[C * HALF], mean[C], invstd[C], rm[C], rv[C], dgamma[C], dbeta[C];
} rank_job;

static void *run_rank(void *arg)
{
    rank_job *j = arg;
    double buffer[2 * C];
    const gan_batch_sync sync = {
        .sum = sum_two, .ctx = &j->ctx, .parts = 2, .buffer = buffer, .capacity = 2 * C};
    gan_batchnorm2d_forward_train(j->out, j->mean, j->invstd, j->rm, j->rv, j->x, j->gamma, j->beta, C, HALF,
                                  0.1f, 1e-5f, NULL, &sync, NO_ACT);
    gan_batchnorm2d_backward_train(j->dx, j->dgamma, j->dbeta, j->dy, j->x, j->mean, j->invstd, j->gamma, C,
                                   HALF, NULL, &sync, NO_ACT, NULL);
    return NULL;
}

/* An activation fused into batchnorm gives the bytes of batchnorm then the
 * activation (forward), and of the activation's backward then batchnorm's. */
static void test_fused(const float *x, const float *dy, const float *gamma, const float *beta)
{
    static const gan_bn_act acts[2] = {{GAN_BN_ACT_RELU, 0.0f}, {GAN_BN_ACT_LEAKY, 0.2f}};
    for (int a = 0; a < 2; a++) {
        static float out[2][C * M], dx[2][C * M], mean[2][C], is[2][C], rm[2][C], rv[2][C], dg[2][C],
            db[2][C];
        memset(rm, 0, sizeof rm), memset(dg, 0, sizeof dg), memset(db, 0, sizeof db);
        for (int c = 0; c < C; c++) rv[0][c] = rv[1][c] = 1.0f;
        /* separate */
        gan_batchnorm2d_forward_train(out[0], mean[0], is[0], rm[0], rv[0], x, gamma, beta, C, M, 0.1f, 1e-5f,
                                      NULL, NULL, GAN_BN_NO_ACT);
        if (a == 0) gan_relu_forward(out[0], out[0], C * M);
        else gan_leakyrelu_forward(out[0], out[0], C * M, 0.2f);
        memcpy(dx[0], dy, sizeof dx[0]);
        if (a == 0) gan_relu_backward(dx[0], dx[0], out[0], C * M);
        else gan_leakyrelu_backward(dx[0], dx[0], out[0], C * M, 0.2f);
        gan_batchnorm2d_backward_train(dx[0], dg[0], db[0], dx[0], x, mean[0], is[0], gamma, C, M, NULL, NULL,
                                       GAN_BN_NO_ACT, NULL);
        /* fused, in place as gan_net_backward runs it */
        gan_batchnorm2d_forward_train(out[1], mean[1], is[1], rm[1], rv[1], x, gamma, beta, C, M, 0.1f, 1e-5f,
                                      NULL, NULL, acts[a]);
        memcpy(dx[1], dy, sizeof dx[1]);
        gan_batchnorm2d_backward_train(dx[1], dg[1], db[1], dx[1], x, mean[1], is[1], gamma, C, M, NULL, NULL,
                                       acts[a], out[1]);
        CHECK_MSG(memcmp(out[0], out[1], sizeof out[0]) == 0, "fused activation %d: forward bytes", a);
        CHECK_MSG(memcmp(dx[0], dx[1], sizeof dx[0]) == 0, "fused activation %d: input gradient bytes", a);
        CHECK_MSG(memcmp(dg[0], dg[1], sizeof dg[0]) == 0 && memcmp(db[0], db[1], sizeof db[0]) == 0,
                  "fused activation %d: gamma and beta gradient bytes", a);
        CHECK_MSG(memcmp(rv[0], rv[1], sizeof rv[0]) == 0, "fused activation %d: running statistics", a);
    }
}

int main(void)
{
    static float x[C * M], dy[C * M], gamma[C], beta[C];
    gan_rng rng;
    gan_rng_seed(&rng, 11);
    gan_rng_normal(&rng, x, C * M, 0.5f, 2.0f); /* a mean away from 0: the two-pass variance matters */
    gan_rng_normal(&rng, dy, C * M, 0.0f, 1.0f);
    gan_rng_normal(&rng, gamma, C, 1.0f, 0.3f);
    gan_rng_normal(&rng, beta, C, 0.0f, 0.3f);

    /* the whole batch in one call */
    static float out[C * M], dx[C * M], mean[C], invstd[C], rm[C], rv[C], dgamma[C], dbeta[C];
    for (int c = 0; c < C; c++) rm[c] = 0.0f, rv[c] = 1.0f, dgamma[c] = dbeta[c] = 0.0f;
    gan_batchnorm2d_forward_train(out, mean, invstd, rm, rv, x, gamma, beta, C, M, 0.1f, 1e-5f, NULL, NULL,
                                  GAN_BN_NO_ACT);
    gan_batchnorm2d_backward_train(dx, dgamma, dbeta, dy, x, mean, invstd, gamma, C, M, NULL, NULL,
                                   GAN_BN_NO_ACT, NULL);

    /* the same batch as two halves of every channel, one per "rank" */
    static float xs[2][C * HALF], dys[2][C * HALF];
    static rank_job jobs[2];
    meeting m;
    pthread_barrier_init(&m.barrier, NULL, 2);
    pthread_t tid[2];
    for (int r = 0; r < 2; r++) {
        for (int c = 0; c < C; c++) {
            memcpy(xs[r] + c * HALF, x + c * M + r * HALF, sizeof(float) * HALF);
            memcpy(dys[r] + c * HALF, dy + c * M + r * HALF, sizeof(float) * HALF);
        }
        rank_job *j = &jobs[r];
        j->ctx = (rank_ctx){&m, r};
        j->x = xs[r], j->dy = dys[r], j->gamma = gamma, j->beta = beta;
        for (int c = 0; c < C; c++) j->rm[c] = 0.0f, j->rv[c] = 1.0f, j->dgamma[c] = j->dbeta[c] = 0.0f;
        CHECK(pthread_create(&tid[r], NULL, run_rank, j) == 0);
    }
    for (int r = 0; r < 2; r++) pthread_join(tid[r], NULL);
    pthread_barrier_destroy(&m.barrier);

    for (int r = 0; r < 2; r++) {
        const rank_job *j = &jobs[r];
        for (int c = 0; c < C; c++) {
            CHECK_MSG(fabsf(j->mean[c] - mean[c]) <= 1e-6f, "rank %d mean[%d] %g vs %g", r, c, j->mean[c],
                      mean[c]);
            CHECK_MSG(fabsf(j->invstd[c] - invstd[c]) <= 1e-6f * invstd[c], "rank %d invstd[%d]", r, c);
            CHECK_MSG(fabsf(j->rm[c] - rm[c]) <= 1e-6f && fabsf(j->rv[c] - rv[c]) <= 1e-6f * rv[c],
                      "rank %d running statistics of channel %d", r, c);
            for (int i = 0; i < HALF; i++) {
                const long whole = (long)c * M + r * HALF + i, half = (long)c * HALF + i;
                CHECK_MSG(fabsf(j->out[half] - out[whole]) <= 1e-5f, "rank %d out[%d][%d]", r, c, i);
                CHECK_MSG(fabsf(j->dx[half] - dx[whole]) <= 1e-5f, "rank %d dx[%d][%d] %g vs %g", r, c, i,
                          j->dx[half], dx[whole]);
            }
        }
        /* both ranks hold the same statistics, bit for bit */
        CHECK(memcmp(jobs[0].mean, jobs[1].mean, sizeof mean) == 0);
        CHECK(memcmp(jobs[0].invstd, jobs[1].invstd, sizeof invstd) == 0);
    }
    /* gamma's and beta's gradients: each rank holds its share; their sum is the whole */
    for (int c = 0; c < C; c++) {
        CHECK_MSG(fabsf(jobs[0].dgamma[c] + jobs[1].dgamma[c] - dgamma[c]) <= 1e-4f, "dgamma[%d]", c);
        CHECK_MSG(fabsf(jobs[0].dbeta[c] + jobs[1].dbeta[c] - dbeta[c]) <= 1e-4f, "dbeta[%d]", c);
        CHECK(fabsf(jobs[0].dbeta[c] - dbeta[c]) > 1e-3f); /* a share, not the whole */
    }
    /* parts 1 (or no sync) is exactly the one-process function */
    static float out1[C * M], mean1[C], invstd1[C], rm1[C], rv1[C];
    for (int c = 0; c < C; c++) rm1[c] = 0.0f, rv1[c] = 1.0f;
    const gan_batch_sync one = {.parts = 1};
    gan_batchnorm2d_forward_train(out1, mean1, invstd1, rm1, rv1, x, gamma, beta, C, M, 0.1f, 1e-5f, NULL,
                                  &one, NO_ACT);
    CHECK(memcmp(out1, out, sizeof out) == 0);
    test_fused(x, dy, gamma, beta);
    return check_exit("test_batch_sync");
}
