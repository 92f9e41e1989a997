/* The GEMM-only bound of a training step: every SGEMM gan_trainer_step
 * makes, with the same shapes, transposes and thread split, timed back to
 * back on buffers of their size. No step can beat it; the share of it a
 * step reaches says how much time goes to everything else. */
#include <stdlib.h>
#include <string.h>

#include "gan/core/clock.h"
#include "gan/core/gemm.h"
#include "gan/core/rng.h"
#include "gan/nn/conv.h"
#include "gemm_bound.h"

typedef struct {
    gan_transpose ta, tb;
    int m, n, k;
} shape;

enum { MAX_SHAPES = 128 };

typedef struct {
    shape s[MAX_SHAPES];
    int count;
} shape_list;

static void add(shape_list *l, gan_transpose ta, gan_transpose tb, int m, int n, int k)
{
    if (l->count < MAX_SHAPES) l->s[l->count++] = (shape){ta, tb, m, n, k};
}

/* The GEMMs of one layer's forward, weight gradient and input gradient, as
 * src/nn/conv2d.c and conv_transpose2d.c make them. */
static void layer_forward(shape_list *l, const gan_stage *s, int n)
{
    gan_conv_geom g = s->geom;
    g.n = n;
    if (s->transposed) add(l, GAN_TRANS, GAN_NO_TRANS, g.oc * g.k * g.k, g.n * g.h * g.w, g.c);
    else add(l, GAN_NO_TRANS, GAN_NO_TRANS, g.oc, g.n * g.oh * g.ow, g.c * g.k * g.k);
}

static void layer_backward(shape_list *l, const gan_stage *s, int n, bool weights, bool input)
{
    gan_conv_geom g = s->geom;
    g.n = n;
    if (s->transposed) {
        const int okk = g.oc * g.k * g.k, cols = g.n * g.h * g.w;
        if (weights) add(l, GAN_NO_TRANS, GAN_TRANS, g.c, okk, cols);
        if (input) add(l, GAN_NO_TRANS, GAN_NO_TRANS, g.c, cols, okk);
    } else {
        const int ckk = g.c * g.k * g.k, cols = g.n * g.oh * g.ow;
        if (weights) add(l, GAN_NO_TRANS, GAN_TRANS, g.oc, ckk, cols);
        if (input) add(l, GAN_TRANS, GAN_NO_TRANS, ckk, cols, g.oc);
    }
}

static void net_forward(shape_list *l, const gan_net *net, int n)
{
    for (int i = 0; i < net->nstages; i++) layer_forward(l, &net->st[i], n);
}

/* As gan_net_backward: the first layer's input gradient only when asked. */
static void net_backward(shape_list *l, const gan_net *net, int n, bool weights, bool input)
{
    for (int i = net->nstages - 1; i >= 0; i--) layer_backward(l, &net->st[i], n, weights, i > 0 || input);
}

/* The step of src/jobs/train_step.c, d_steps discriminator updates first. */
static void step_shapes(shape_list *l, const gan_net *g, const gan_net *d, int batch, int d_steps)
{
    for (int k = 0; k < d_steps; k++) {
        net_forward(l, g, batch);
        net_forward(l, d, batch); /* real */
        net_backward(l, d, batch, true, false);
        net_forward(l, d, batch); /* fake */
        net_backward(l, d, batch, true, false);
    }
    net_forward(l, d, batch); /* G through D */
    net_backward(l, d, batch, false, true);
    net_backward(l, g, batch, true, false);
}

gan_status gan_gemm_bound(const gan_net *g, const gan_net *d, int batch, int d_steps, gan_pool *pool,
                          int reps, double *seconds_per_step, int *gemms_per_step, gan_error *err)
{
    shape_list l = {.count = 0};
    step_shapes(&l, g, d, batch, d_steps);
    size_t most_a = 0, most_b = 0, most_c = 0;
    for (int i = 0; i < l.count; i++) {
        const shape *s = &l.s[i];
        if ((size_t)s->m * s->k > most_a) most_a = (size_t)s->m * s->k;
        if ((size_t)s->k * s->n > most_b) most_b = (size_t)s->k * s->n;
        if ((size_t)s->m * s->n > most_c) most_c = (size_t)s->m * s->n;
    }
    float *a = malloc(sizeof(float) * most_a), *b = malloc(sizeof(float) * most_b);
    float *c = calloc(most_c, sizeof(float));
    if (!a || !b || !c) {
        free(a), free(b), free(c);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the GEMM bound");
    }
    gan_rng rng;
    gan_rng_seed(&rng, 1);
    gan_rng_normal(&rng, a, (long)most_a, 0.0f, 1.0f);
    gan_rng_normal(&rng, b, (long)most_b, 0.0f, 1.0f);
    double best = 0.0;
    for (int r = 0; r <= reps; r++) { /* the first pass warms caches and OpenBLAS's buffers */
        const double t0 = gan_seconds();
        for (int i = 0; i < l.count; i++) {
            const shape *s = &l.s[i];
            const int lda = s->ta == GAN_TRANS ? s->m : s->k, ldb = s->tb == GAN_TRANS ? s->k : s->n;
            gan_gemm(s->ta, s->tb, s->m, s->n, s->k, 1.0f, a, lda, b, ldb, 0.0f, c, s->n, pool);
        }
        const double dt = gan_seconds() - t0;
        if (r > 0 && (best == 0.0 || dt < best)) best = dt;
    }
    free(a), free(b), free(c);
    *seconds_per_step = best;
    *gemms_per_step = l.count;
    return GAN_OK;
}
