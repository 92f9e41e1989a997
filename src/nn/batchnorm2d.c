/* BatchNorm2d over channel-major data: channel ci is the contiguous run
 * in[ci*M .. ci*M + M). Reductions accumulate in double because M reaches
 * N*H*W = 65536 at batch 64 and 32x32, where float sums lose digits.
 * Channels are independent, so a pool splits them across threads. */
#include "gan/nn/batchnorm.h"

#include "gan/core/check.h"
#include "gan/core/dispatch.h"

#include <math.h>

typedef struct {
    float *out, *mean, *invstd, *running_mean, *running_var, *dgamma, *dbeta;
    const float *in, *dout, *gamma, *beta, *cmean, *cinvstd;
    long m;
    float momentum, eps;
} bn_job;

GAN_HOT static void forward_train_channels(void *arg, long begin, long end)
{
    const bn_job *j = arg;
    const long m = j->m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->in + ci * m;
        float *y = j->out + ci * m;
        double sum = 0.0;
        for (long i = 0; i < m; i++) sum += x[i];
        const double mu = sum / (double)m;
        double sq = 0.0;
        for (long i = 0; i < m; i++) {
            double t = x[i] - mu;
            sq += t * t;
        }
        const double var = sq / (double)m;
        const double is = 1.0 / sqrt(var + (double)j->eps);
        j->mean[ci] = (float)mu;
        j->invstd[ci] = (float)is;
        const float scale = (float)(is * j->gamma[ci]);
        const float shift = (float)(j->beta[ci] - mu * is * j->gamma[ci]);
        for (long i = 0; i < m; i++) y[i] = x[i] * scale + shift;
        const double mom = j->momentum;
        j->running_mean[ci] = (float)((1.0 - mom) * j->running_mean[ci] + mom * mu);
        j->running_var[ci] =
            (float)((1.0 - mom) * j->running_var[ci] + mom * var * (double)m / (double)(m - 1));
    }
}

void gan_batchnorm2d_forward_train(float *out, float *mean, float *invstd, float *running_mean,
                                   float *running_var, const float *in, const float *gamma, const float *beta,
                                   int c, long m, float momentum, float eps, gan_pool *pool)
{
    GAN_ASSERT(m > 1); /* PyTorch refuses a single value per channel in training too */
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
                .eps = eps};
    gan_pool_for(pool, c, 1, forward_train_channels, &j);
}

GAN_HOT static void backward_train_channels(void *arg, long begin, long end)
{
    const bn_job *j = arg;
    const long m = j->m;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->in + ci * m, *dy = j->dout + ci * m;
        const float mu = j->cmean[ci], is = j->cinvstd[ci];
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (long i = 0; i < m; i++) {
            sum_dy += dy[i];
            sum_dy_xhat += (double)dy[i] * ((x[i] - mu) * is);
        }
        if (j->dgamma) j->dgamma[ci] += (float)sum_dy_xhat;
        if (j->dbeta) j->dbeta[ci] += (float)sum_dy;
        if (!j->out) continue;
        /* dx = gamma*invstd * (dy - mean(dy) - xhat * mean(dy*xhat)); dx may alias dy */
        float *dx = j->out + ci * m;
        const float k = j->gamma[ci] * is;
        const float a = (float)(sum_dy / (double)m);
        const float b = (float)(sum_dy_xhat / (double)m);
        for (long i = 0; i < m; i++) {
            float xhat = (x[i] - mu) * is;
            dx[i] = k * (dy[i] - a - xhat * b);
        }
    }
}

void gan_batchnorm2d_backward_train(float *din, float *dgamma, float *dbeta, const float *dout,
                                    const float *in, const float *mean, const float *invstd,
                                    const float *gamma, int c, long m, gan_pool *pool)
{
    bn_job j = {.out = din,
                .dgamma = dgamma,
                .dbeta = dbeta,
                .dout = dout,
                .in = in,
                .cmean = mean,
                .cinvstd = invstd,
                .gamma = gamma,
                .m = m};
    gan_pool_for(pool, c, 1, backward_train_channels, &j);
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
} bn_sync_job;

GAN_HOT static void sync_sum_x(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->bn.in + ci * j->bn.m;
        double sum = 0.0;
        for (long i = 0; i < j->bn.m; i++) sum += x[i];
        j->sums[ci] = sum;
    }
}

GAN_HOT static void sync_sum_sq(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    for (long ci = begin; ci < end; ci++) {
        const float *x = j->bn.in + ci * j->bn.m;
        const double mu = j->sums[ci] / j->m_all;
        double sq = 0.0;
        for (long i = 0; i < j->bn.m; i++) {
            double t = x[i] - mu;
            sq += t * t;
        }
        j->sums[j->c + ci] = sq;
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
        const float *x = b->in + ci * b->m;
        float *y = b->out + ci * b->m;
        for (long i = 0; i < b->m; i++) y[i] = x[i] * scale + shift;
        const double mom = b->momentum;
        b->running_mean[ci] = (float)((1.0 - mom) * b->running_mean[ci] + mom * mu);
        b->running_var[ci] =
            (float)((1.0 - mom) * b->running_var[ci] + mom * var * j->m_all / (j->m_all - 1.0));
    }
}

void gan_batchnorm2d_forward_train_sync(float *out, float *mean, float *invstd, float *running_mean,
                                        float *running_var, const float *in, const float *gamma,
                                        const float *beta, int c, long m, float momentum, float eps,
                                        gan_pool *pool, const gan_batch_sync *sync)
{
    if (!sync || sync->parts <= 1) {
        gan_batchnorm2d_forward_train(out, mean, invstd, running_mean, running_var, in, gamma, beta, c, m,
                                      momentum, eps, pool);
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
                            .eps = eps},
                     .sums = sync->buffer,
                     .c = c,
                     .m_all = (double)m * sync->parts};
    /* two passes (mean, then the centred squares) as on one process: a
     * one-pass sum of squares would lose digits when the mean is large */
    gan_pool_for(pool, c, 1, sync_sum_x, &j);
    sync->sum(sync->ctx, j.sums, c);
    gan_pool_for(pool, c, 1, sync_sum_sq, &j);
    sync->sum(sync->ctx, j.sums + c, c);
    gan_pool_for(pool, c, 1, sync_normalise, &j);
}

GAN_HOT static void sync_sum_dy(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const bn_job *b = &j->bn;
    for (long ci = begin; ci < end; ci++) {
        const float *x = b->in + ci * b->m, *dy = b->dout + ci * b->m;
        const float mu = b->cmean[ci], is = b->cinvstd[ci];
        double sum_dy = 0.0, sum_dy_xhat = 0.0;
        for (long i = 0; i < b->m; i++) {
            sum_dy += dy[i];
            sum_dy_xhat += (double)dy[i] * ((x[i] - mu) * is);
        }
        /* gamma's and beta's gradients take this slice's share: the
         * gradient sum over the processes adds the rest */
        if (b->dgamma) b->dgamma[ci] += (float)sum_dy_xhat;
        if (b->dbeta) b->dbeta[ci] += (float)sum_dy;
        j->sums[ci] = sum_dy;
        j->sums[j->c + ci] = sum_dy_xhat;
    }
}

GAN_HOT static void sync_input_grad(void *arg, long begin, long end)
{
    const bn_sync_job *j = arg;
    const bn_job *b = &j->bn;
    for (long ci = begin; ci < end; ci++) {
        const float *x = b->in + ci * b->m, *dy = b->dout + ci * b->m;
        const float mu = b->cmean[ci], is = b->cinvstd[ci];
        float *dx = b->out + ci * b->m;
        const float k = b->gamma[ci] * is;
        const float a = (float)(j->sums[ci] / j->m_all);
        const float bb = (float)(j->sums[j->c + ci] / j->m_all);
        for (long i = 0; i < b->m; i++) {
            float xhat = (x[i] - mu) * is;
            dx[i] = k * (dy[i] - a - xhat * bb);
        }
    }
}

void gan_batchnorm2d_backward_train_sync(float *din, float *dgamma, float *dbeta, const float *dout,
                                         const float *in, const float *mean, const float *invstd,
                                         const float *gamma, int c, long m, gan_pool *pool,
                                         const gan_batch_sync *sync)
{
    if (!sync || sync->parts <= 1) {
        gan_batchnorm2d_backward_train(din, dgamma, dbeta, dout, in, mean, invstd, gamma, c, m, pool);
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
                            .m = m},
                     .sums = sync->buffer,
                     .c = c,
                     .m_all = (double)m * sync->parts};
    gan_pool_for(pool, c, 1, sync_sum_dy, &j);
    if (!din) return; /* only gamma's and beta's gradients: nothing global needed */
    sync->sum(sync->ctx, j.sums, 2 * c);
    gan_pool_for(pool, c, 1, sync_input_grad, &j);
}
