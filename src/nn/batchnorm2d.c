/* BatchNorm2d over channel-major data: channel ci is the contiguous run
 * in[ci*M .. ci*M + M). Reductions accumulate in double because M reaches
 * N*H*W = 65536 at batch 64 and 32x32, where float sums lose digits.
 * Channels are independent, so a pool splits them across threads. */
#include "gan/nn/batchnorm2d.h"

#include "gan/core/check.h"
#include "gan/core/dispatch.h"
#include "gan/core/partials.h"
#include "gan/nn/activation.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

typedef struct {
    float *out, *mean, *invstd, *running_mean, *running_var, *dgamma, *dbeta;
    const float *in, *dout, *gamma, *beta, *cmean, *cinvstd;
    long m;
    float momentum, eps;
    gan_bn_act act;       /* applied to the output (forward); undone on dout (backward) */
    const float *act_out; /* backward: the activation's output, where act is fused */
} bn_job;

/* The fused activation does the operations of gan/nn/activation.h's
 * functions, in the same order, so fusing changes no bit. With one, dy is
 * taken from the gradient g of the activation's output ao (whose sign is
 * its input's, for slope >= 0). Each helper tests the activation outside its
 * loop, so that no loop carries a branch on it. */
#define FOR_EACH_DY(act, g, ao, m, BODY)                                        \
    switch ((act).kind) {                                                       \
    case GAN_BN_ACT_RELU:                                                       \
        for (long i = 0; i < (m); i++) {                                        \
            const float dy = gan_relu_grad((ao)[i], (g)[i]);                    \
            BODY                                                                \
        }                                                                       \
        break;                                                                  \
    case GAN_BN_ACT_LEAKY:                                                      \
        for (long i = 0; i < (m); i++) {                                        \
            const float dy = gan_leaky_relu_grad((ao)[i], (g)[i], (act).slope); \
            BODY                                                                \
        }                                                                       \
        break;                                                                  \
    default:                                                                    \
        for (long i = 0; i < (m); i++) {                                        \
            const float dy = (g)[i];                                            \
            BODY                                                                \
        }                                                                       \
    }

/* The channel sums run in BN_LANES double accumulators, lane l taking the
 * values at i = l (mod BN_LANES), added at the end in a fixed tree. One
 * chain of dependent double adds waits out the add's latency at every
 * element (it was 8 % of the 2-thread step). The lanes are GCC/Clang vector
 * types because the compilers keep such a loop scalar on their own; each
 * GAN_HOT clone maps them to its own vector width. The order depends on m
 * alone, never on the thread count or the clone. */
#define BN_LANES 8
typedef float bn_floats __attribute__((vector_size(BN_LANES * sizeof(float))));
typedef int bn_mask __attribute__((vector_size(BN_LANES * sizeof(int))));
typedef double bn_doubles __attribute__((vector_size(BN_LANES * sizeof(double))));

/* Vectors go by pointer: by value they would change the ABI between the
 * clones (-Wpsabi). */
static inline void load_lanes(bn_floats *v, const float *p) { memcpy(v, p, sizeof *v); }

#define WIDEN(v) __builtin_convertvector((v), bn_doubles)

static inline double lanes_total(const bn_doubles *v)
{
    const bn_doubles s = *v;
    return ((s[0] + s[1]) + (s[2] + s[3])) + ((s[4] + s[5]) + (s[6] + s[7]));
}

static inline double sum_run(const float *x, long m)
{
    bn_doubles s = {0};
    long i = 0;
    for (; i + BN_LANES <= m; i += BN_LANES) {
        bn_floats v;
        load_lanes(&v, x + i);
        s += WIDEN(v);
    }
    for (int l = 0; i < m; i++, l++) s[l] += x[i];
    return lanes_total(&s);
}

static inline double centred_squares(const float *x, long m, double mu)
{
    bn_doubles s = {0};
    long i = 0;
    for (; i + BN_LANES <= m; i += BN_LANES) {
        bn_floats v;
        load_lanes(&v, x + i);
        const bn_doubles t = WIDEN(v) - mu;
        s += t * t;
    }
    for (int l = 0; i < m; i++, l++) {
        const double t = x[i] - mu;
        s[l] += t * t;
    }
    return lanes_total(&s);
}

/* dy at i for one activation kind (a constant where this is inlined) */
static inline __attribute__((always_inline)) float dy_at(int kind, float slope, const float *g,
                                                         const float *ao, long i)
{
    if (kind == GAN_BN_ACT_RELU) return gan_relu_grad(ao[i], g[i]);
    if (kind == GAN_BN_ACT_LEAKY) return gan_leaky_relu_grad(ao[i], g[i], slope);
    return g[i];
}

/* dy_at for BN_LANES values from i on, as a select of bits (the vector form
 * of gan_relu_grad and gan_leaky_relu_grad, which GCC does not vectorise
 * as a select by itself) */
static inline __attribute__((always_inline)) void dy_lanes(bn_floats *dy, int kind, float slope,
                                                           const float *g, const float *ao, long i)
{
    bn_floats gv, av;
    load_lanes(&gv, g + i);
    if (kind == GAN_BN_ACT_NONE) {
        *dy = gv;
        return;
    }
    load_lanes(&av, ao + i);
    const bn_mask positive = av > 0.0f;
    const bn_floats other = kind == GAN_BN_ACT_LEAKY ? gv * slope : (bn_floats){0};
    *dy = (bn_floats)(((bn_mask)gv & positive) | ((bn_mask)other & ~positive));
}

static inline __attribute__((always_inline)) void grad_sums_of(int kind, float slope, const float *x,
                                                               const float *g, const float *ao, long m,
                                                               float mu, float is, double *sum_dy,
                                                               double *sum_dy_xhat)
{
    bn_doubles s1 = {0}, s2 = {0};
    long i = 0;
    for (; i + BN_LANES <= m; i += BN_LANES) {
        bn_floats dy, xv;
        dy_lanes(&dy, kind, slope, g, ao, i);
        load_lanes(&xv, x + i);
        const bn_floats xhat = (xv - mu) * is;
        s1 += WIDEN(dy);
        s2 += WIDEN(dy) * WIDEN(xhat);
    }
    for (int l = 0; i < m; i++, l++) {
        const float dy = dy_at(kind, slope, g, ao, i);
        s1[l] += dy;
        s2[l] += (double)dy * ((x[i] - mu) * is);
    }
    *sum_dy = lanes_total(&s1);
    *sum_dy_xhat = lanes_total(&s2);
}

/* sum(dy) and sum(dy * xhat) over one channel; one loop per activation.
 * Forced inline so that it is compiled into its GAN_HOT callers' clones. */
static inline __attribute__((always_inline)) void grad_sums(const float *x, const float *g, const float *ao,
                                                            long m, float mu, float is, gan_bn_act act,
                                                            double *sum_dy, double *sum_dy_xhat)
{
    switch (act.kind) {
    case GAN_BN_ACT_RELU:
        grad_sums_of(GAN_BN_ACT_RELU, 0.0f, x, g, ao, m, mu, is, sum_dy, sum_dy_xhat);
        break;
    case GAN_BN_ACT_LEAKY:
        grad_sums_of(GAN_BN_ACT_LEAKY, act.slope, x, g, ao, m, mu, is, sum_dy, sum_dy_xhat);
        break;
    default: grad_sums_of(GAN_BN_ACT_NONE, 0.0f, x, g, ao, m, mu, is, sum_dy, sum_dy_xhat);
    }
}

/* dx = k * (dy - a - xhat * b) over one channel; dx may alias g */
static inline void input_grad_row(float *dx, const float *x, const float *g, const float *ao, long m,
                                  float mu, float is, float k, float a, float b, gan_bn_act act)
{
    FOR_EACH_DY(act, g, ao, m, {
        float xhat = (x[i] - mu) * is;
        dx[i] = k * (dy - a - xhat * b);
    })
}

/* y = act(x * scale + shift) over one channel; the activation's test is
 * outside the loop so each loop vectorises */
static inline void normalise_row(float *y, const float *x, long m, float scale, float shift, gan_bn_act a)
{
    switch (a.kind) {
    case GAN_BN_ACT_RELU:
        for (long i = 0; i < m; i++) {
            y[i] = gan_relu(x[i] * scale + shift);
        }
        break;
    case GAN_BN_ACT_LEAKY:
        for (long i = 0; i < m; i++) {
            y[i] = gan_leaky_relu(x[i] * scale + shift, a.slope);
        }
        break;
    default:
        for (long i = 0; i < m; i++) y[i] = x[i] * scale + shift;
    }
}

GAN_HOT static void forward_train_channels(void *arg, long begin, long end)
{
    const bn_job *j = arg;
    const long m = j->m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->in + ci * m;
        float *y = j->out + ci * m;
        const double mu = sum_run(x, m) / (double)m;
        const double var = centred_squares(x, m, mu) / (double)m;
        const double is = 1.0 / sqrt(var + (double)j->eps);
        j->mean[ci] = (float)mu;
        j->invstd[ci] = (float)is;
        const float scale = (float)(is * j->gamma[ci]);
        const float shift = (float)(j->beta[ci] - mu * is * j->gamma[ci]);
        normalise_row(y, x, m, scale, shift, j->act);
        const double mom = j->momentum;
        j->running_mean[ci] = (float)((1.0 - mom) * j->running_mean[ci] + mom * mu);
        j->running_var[ci] =
            (float)((1.0 - mom) * j->running_var[ci] + mom * var * (double)m / (double)(m - 1));
    }
}

GAN_HOT static void backward_train_channels(void *arg, long begin, long end)
{
    const bn_job *j = arg;
    const long m = j->m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->in + ci * m, *g = j->dout + ci * m;
        const float *ao = j->act_out ? j->act_out + ci * m : g; /* read only with an activation */
        const gan_bn_act act = j->act;
        const float mu = j->cmean[ci], is = j->cinvstd[ci];
        double sum_dy, sum_dy_xhat;
        grad_sums(x, g, ao, m, mu, is, act, &sum_dy, &sum_dy_xhat);
        if (j->dgamma) j->dgamma[ci] += (float)sum_dy_xhat;
        if (j->dbeta) j->dbeta[ci] += (float)sum_dy;
        if (!j->out) continue;
        /* dx = gamma*invstd * (dy - mean(dy) - xhat * mean(dy*xhat)); dx may alias g */
        float *dx = j->out + ci * m;
        const float k = j->gamma[ci] * is;
        const float a = (float)(sum_dy / (double)m);
        const float b = (float)(sum_dy_xhat / (double)m);
        input_grad_row(dx, x, g, ao, m, mu, is, k, a, b, act);
    }
}

GAN_HOT void gan_batchnorm2d_forward_eval(float *out, const float *in, const float *gamma, const float *beta,
                                          const float *running_mean, const float *running_var, int c, long m,
                                          float eps)
{
    for (int ci = 0; ci < c; ci++) {
        const double is = 1.0 / sqrt((double)running_var[ci] + eps);
        const float scale = (float)(is * gamma[ci]);
        const float shift = (float)(beta[ci] - running_mean[ci] * is * gamma[ci]);
        const float *x = in + ci * m;
        float *y = out + ci * m;
        for (long i = 0; i < m; i++) y[i] = x[i] * scale + shift;
    }
}

GAN_HOT void gan_batchnorm2d_backward_eval(float *din, float *dgamma, float *dbeta, const float *dout,
                                           const float *in, const float *gamma, const float *running_mean,
                                           const float *running_var, int c, long m, float eps)
{
    for (int ci = 0; ci < c; ci++) {
        const float is = (float)(1.0 / sqrt((double)running_var[ci] + eps));
        const float mu = running_mean[ci];
        const float *x = in + ci * m, *dy = dout + ci * m;
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (long i = 0; i < m; i++) {
            sum_dy += dy[i];
            sum_dy_xhat += (double)dy[i] * ((x[i] - mu) * is);
        }
        if (dgamma) dgamma[ci] += (float)sum_dy_xhat;
        if (dbeta) dbeta[ci] += (float)sum_dy;
        if (!din) continue;
        const float k = gamma[ci] * is;
        float *dx = din + ci * m;
        for (long i = 0; i < m; i++) dx[i] = k * dy[i];
    }
}

/* ---- a batch split over processes: each sum is taken per channel on this
 * process's slice, then summed over all of them (gan_batch_sync), so the
 * normalisation uses the whole batch's statistics; m is the local count. */
typedef struct {
    bn_job bn;
    double *sums; /* [2c]: the local, then the global, per-channel sums */
    int c;
    double m_all; /* elements per channel over all processes */
    int partials; /* deterministic mode: this process's partials (0: off) */
} bn_sync_job;

/* The sums over a channel's m values: whole, or in deterministic mode per
 * partial (a contiguous run of m / partials: the layout is batch-major within
 * a channel) and added in gan/core/partials.h's tree. */
GAN_HOT static void sync_sum_x(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const long m = j->bn.m, k = j->partials, run = k ? m / k : m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->bn.in + ci * m;
        if (!k) {
            j->sums[ci] = sum_run(x, m);
            continue;
        }
        double leaf[GAN_PARTIALS_MAX];
        for (long p = 0; p < k; p++) leaf[p] = sum_run(x + p * run, run);
        j->sums[ci] = gan_tree_sum_doubles(leaf, (int)k);
    }
}

GAN_HOT static void sync_sum_sq(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const long m = j->bn.m, k = j->partials, run = k ? m / k : m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->bn.in + ci * m;
        const double mu = j->sums[ci] / j->m_all;
        if (!k) {
            j->sums[j->c + ci] = centred_squares(x, m, mu);
            continue;
        }
        double leaf[GAN_PARTIALS_MAX];
        for (long p = 0; p < k; p++) leaf[p] = centred_squares(x + p * run, run, mu);
        j->sums[j->c + ci] = gan_tree_sum_doubles(leaf, (int)k);
    }
}

GAN_HOT static void sync_normalise(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const bn_job *b = &j->bn;
    for (long ci = begin; ci < end; ci++) {
        const double mu = j->sums[ci] / j->m_all, var = j->sums[j->c + ci] / j->m_all;
        const double is = 1.0 / sqrt(var + (double)b->eps);
        b->mean[ci] = (float)mu;
        b->invstd[ci] = (float)is;
        const float scale = (float)(is * b->gamma[ci]);
        const float shift = (float)(b->beta[ci] - mu * is * b->gamma[ci]);
        normalise_row(b->out + ci * b->m, b->in + ci * b->m, b->m, scale, shift, b->act);
        const double mom = b->momentum;
        b->running_mean[ci] = (float)((1.0 - mom) * b->running_mean[ci] + mom * mu);
        b->running_var[ci] =
            (float)((1.0 - mom) * b->running_var[ci] + mom * var * j->m_all / (j->m_all - 1.0));
    }
}

void gan_batchnorm2d_forward_train(float *out, float *mean, float *invstd, float *running_mean,
                                   float *running_var, const float *in, const float *gamma, const float *beta,
                                   int c, long m, float momentum, float eps, gan_pool *pool,
                                   const gan_batch_sync *sync, gan_bn_act act)
{
    if (!sync || (sync->parts <= 1 && !gan_partials_on(sync))) {
        bn_job j = {.out = out,
                    .mean = mean,
                    .invstd = invstd,
                    .running_mean = running_mean,
                    .running_var = running_var,
                    .in = in,
                    .gamma = gamma,
                    .beta = beta,
                    .m = m,
                    .momentum = momentum,
                    .eps = eps,
                    .act = act};
        GAN_ASSERT(m > 1);
        gan_pool_for(pool, c, 1, forward_train_channels, &j);
        return;
    }
    GAN_ASSERT(sync->capacity >= 2 * c);
    bn_sync_job j = {.bn = {.out = out,
                            .mean = mean,
                            .invstd = invstd,
                            .running_mean = running_mean,
                            .running_var = running_var,
                            .in = in,
                            .gamma = gamma,
                            .beta = beta,
                            .m = m,
                            .momentum = momentum,
                            .eps = eps,
                            .act = act},
                     .sums = sync->buffer,
                     .c = c,
                     .m_all = (double)m * sync->parts,
                     .partials = sync->partials};
    GAN_ASSERT(m > 1 && m % (sync->partials ? sync->partials : 1) == 0);
    /* two passes (mean, then the centred squares) as on one process: a
     * one-pass sum of squares would lose digits when the mean is large */
    gan_pool_for(pool, c, 1, sync_sum_x, &j);
    if (sync->parts > 1) sync->sum(sync->ctx, j.sums, c);
    gan_pool_for(pool, c, 1, sync_sum_sq, &j);
    if (sync->parts > 1) sync->sum(sync->ctx, j.sums + c, c);
    gan_pool_for(pool, c, 1, sync_normalise, &j);
}

GAN_HOT static void sync_sum_dy(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const bn_job *b = &j->bn;
    const long m = b->m, k = j->partials, run = k ? m / k : m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = b->in + ci * m, *g = b->dout + ci * m;
        const float *ao = b->act_out ? b->act_out + ci * m : g;
        const float mu = b->cmean[ci], is = b->cinvstd[ci];
        double sum_dy, sum_dy_xhat;
        if (!k) {
            grad_sums(x, g, ao, m, mu, is, b->act, &sum_dy, &sum_dy_xhat);
            /* gamma's and beta's gradients take this slice's share: the
             * gradient sum over the processes adds the rest */
            if (b->dgamma) b->dgamma[ci] += (float)sum_dy_xhat;
            if (b->dbeta) b->dbeta[ci] += (float)sum_dy;
        } else { /* gamma's and beta's gradients: the global sums, below */
            double dy_leaf[GAN_PARTIALS_MAX], dy_xhat_leaf[GAN_PARTIALS_MAX];
            for (long p = 0; p < k; p++)
                grad_sums(x + p * run, g + p * run, ao + p * run, run, mu, is, b->act, &dy_leaf[p],
                          &dy_xhat_leaf[p]);
            sum_dy = gan_tree_sum_doubles(dy_leaf, (int)k);
            sum_dy_xhat = gan_tree_sum_doubles(dy_xhat_leaf, (int)k);
        }
        j->sums[ci] = sum_dy;
        j->sums[j->c + ci] = sum_dy_xhat;
    }
}

GAN_HOT static void sync_input_grad(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const bn_job *b = &j->bn;
    for (long ci = begin; ci < end; ci++) {
        const float *x = b->in + ci * b->m, *g = b->dout + ci * b->m;
        const float *ao = b->act_out ? b->act_out + ci * b->m : g;
        const float mu = b->cmean[ci], is = b->cinvstd[ci];
        float *dx = b->out + ci * b->m;
        const float k = b->gamma[ci] * is;
        const float a = (float)(j->sums[ci] / j->m_all);
        const float bb = (float)(j->sums[j->c + ci] / j->m_all);
        input_grad_row(dx, x, g, ao, b->m, mu, is, k, a, bb, b->act);
    }
}

void gan_batchnorm2d_backward_train(float *din, float *dgamma, float *dbeta, const float *dout,
                                    const float *in, const float *mean, const float *invstd,
                                    const float *gamma, int c, long m, gan_pool *pool,
                                    const gan_batch_sync *sync, gan_bn_act act, const float *act_out)
{
    GAN_ASSERT(act.kind == GAN_BN_ACT_NONE || act_out != NULL);
    if (!sync || (sync->parts <= 1 && !gan_partials_on(sync))) {
        bn_job j = {.out = din,
                    .dgamma = dgamma,
                    .dbeta = dbeta,
                    .dout = dout,
                    .in = in,
                    .cmean = mean,
                    .cinvstd = invstd,
                    .gamma = gamma,
                    .m = m,
                    .act = act,
                    .act_out = act_out};
        gan_pool_for(pool, c, 1, backward_train_channels, &j);
        return;
    }
    GAN_ASSERT(sync->capacity >= 2 * c);
    bn_sync_job j = {.bn = {.out = din,
                            .dgamma = dgamma,
                            .dbeta = dbeta,
                            .dout = dout,
                            .in = in,
                            .cmean = mean,
                            .cinvstd = invstd,
                            .gamma = gamma,
                            .m = m,
                            .act = act,
                            .act_out = act_out},
                     .sums = sync->buffer,
                     .c = c,
                     .m_all = (double)m * sync->parts,
                     .partials = sync->partials};
    GAN_ASSERT(m % (sync->partials ? sync->partials : 1) == 0);
    gan_pool_for(pool, c, 1, sync_sum_dy, &j);
    const bool global_params = gan_partials_on(sync) && (dgamma || dbeta);
    if (!din && !global_params) return; /* only this slice's share of gamma's and beta's: done */
    if (sync->parts > 1) sync->sum(sync->ctx, j.sums, 2 * c);
    if (global_params) /* deterministic mode: the whole batch's, the same on every process */
        for (int ci = 0; ci < c; ci++) {
            if (dgamma) dgamma[ci] += (float)j.sums[c + ci];
            if (dbeta) dbeta[ci] += (float)j.sums[ci];
        }
    if (din) gan_pool_for(pool, c, 1, sync_input_grad, &j);
}
