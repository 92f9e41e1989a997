#include "gan/jobs/style.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/blas.h"
#include "gan/core/clock.h"
#include "gan/core/rng.h"
#include "gan/data/picture.h"
#include "gan/io/atomic_file.h"
#include "gan/io/image_grid.h"
#include "gan/io/vgg_weights.h"
#include "gan/jobs/memory.h"
#include "gan/models/style_transfer.h"
#include "gan/nn/adam.h"
#include "gan/nn/lbfgs.h"

/* The terms of recent evaluations, to report those of the point an L-BFGS
 * step accepts (its line search may evaluate others after it). */
enum { RECENT = 32 };
typedef struct {
    gan_style_terms t[RECENT];
    int next;
} recent_terms;

typedef struct {
    const gan_style_request *req;
    gan_style_problem problem;
    recent_terms recent;
    int evals;
} style_job;

/* L-BFGS's history and buffers, or Adam's two moments. */
static size_t optimiser_bytes(const gan_style_request *r, long n)
{
    return r->optimizer == GAN_OPT_LBFGS ? gan_lbfgs_bytes(n, r->history) : 2 * sizeof(float) * (size_t)n;
}

size_t gan_style_memory(const gan_style_request *req, int out_h, int out_w, int style_h, int style_w)
{
    const long n = 3L * out_h * out_w;
    size_t weights = 0;
    for (int l = 0; l < GAN_VGG_LAYERS; l++)
        weights +=
            (size_t)gan_vgg_channels_out((gan_vgg_layer)l) * (gan_vgg_channels_in((gan_vgg_layer)l) * 9 + 1);
    /* the picture, its gradient, and the optimiser's buffers */
    return weights * sizeof(float) + gan_style_problem_bytes(out_h, out_w, style_h, style_w) +
           optimiser_bytes(req, n) + 2 * sizeof(float) * (size_t)n;
}

/* The loss and its gradient (gan_objective_fn), its terms remembered. */
static double objective(void *ctx, const float *x, float *grad)
{
    style_job *j = ctx;
    gan_style_terms t;
    const double f = gan_style_problem_eval(&j->problem, x, grad, &t);
    j->recent.t[j->recent.next++ % RECENT] = t;
    j->evals++;
    return f;
}

/* The starting picture: the content, or uniform noise from the seed (a
 * stream of its own: the weights stay those of the seed either way). */
static void init_picture(float *x, const gan_picture *content, const gan_style_request *r, long n)
{
    if (content->pixels && !r->init_noise) {
        memcpy(x, content->pixels, sizeof(float) * (size_t)n);
        return;
    }
    gan_rng rng;
    gan_rng_seed(&rng, r->seed ^ 0x6e6f6973652d696eULL);
    for (long i = 0; i < n; i++) x[i] = (float)gan_rng_uniform(&rng);
}

/* OUT's stem + "_stepNNNN.png": an intermediate picture's name. */
static gan_status step_path(char path[GAN_PATH_MAX], const char *out, int step, gan_error *err)
{
    const size_t len = strlen(out);
    const int stem = len > 4 && strcmp(out + len - 4, ".png") == 0 ? (int)len - 4 : (int)len;
    return gan_path_format(path, err, "%.*s_step%04d.png", stem, out, step);
}

static void terms_of(const recent_terms *r, double f, gan_style_event *e)
{
    e->loss = f;
    for (int i = 0; i < RECENT; i++)
        if (r->t[i].loss == f) e->content = r->t[i].content, e->style = r->t[i].style, e->tv = r->t[i].tv;
}

typedef struct {
    gan_lbfgs lbfgs;
    float *m, *v; /* Adam's moments */
    float *g;
    double f;
} optimiser;

static gan_status optimiser_init(optimiser *o, style_job *j, float *x, long n, gan_error *err)
{
    memset(o, 0, sizeof *o);
    o->g = malloc(sizeof(float) * (size_t)n);
    if (!o->g) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (j->req->optimizer == GAN_OPT_ADAM) {
        o->m = calloc((size_t)n, sizeof(float)), o->v = calloc((size_t)n, sizeof(float));
        return o->m && o->v ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory for Adam's moments");
    }
    gan_status rc = gan_lbfgs_init(&o->lbfgs, n, j->req->history, err);
    if (rc == GAN_OK) o->f = objective(j, x, o->g);
    return rc;
}

static void optimiser_free(optimiser *o)
{
    gan_lbfgs_free(&o->lbfgs);
    free(o->m), free(o->v), free(o->g);
}

/* One step; false when L-BFGS has converged (nothing left to gain). */
static bool optimiser_step(optimiser *o, style_job *j, float *x, long n, int step)
{
    if (j->req->optimizer == GAN_OPT_ADAM) {
        o->f = objective(j, x, o->g);
        gan_adam_update(x, o->g, o->m, o->v, (size_t)n, (float)j->req->lr, 0.9f, 0.999f, 1e-8f, step);
        return true;
    }
    gan_lbfgs_step(&o->lbfgs, x, &o->f, o->g, objective, j);
    return !o->lbfgs.converged;
}

static gan_status optimise(style_job *j, float *x, gan_style_progress_fn progress, void *ctx, gan_error *err)
{
    const gan_style_request *r = j->req;
    const long n = 3L * j->problem.h * j->problem.w;
    const double start = gan_seconds();
    optimiser o;
    gan_status rc = optimiser_init(&o, j, x, n, err);
    bool going = true;
    for (int step = 1; rc == GAN_OK && going && step <= r->steps; step++) {
        going = optimiser_step(&o, j, x, n, step);
        gan_style_event e = {.step = step, .steps = r->steps, .evals = j->evals};
        terms_of(&j->recent, o.f, &e);
        char path[GAN_PATH_MAX];
        if (r->save_every > 0 && step % r->save_every == 0 && step < r->steps) {
            rc = step_path(path, r->out, step, err);
            if (rc == GAN_OK) rc = gan_picture_png(path, x, j->problem.h, j->problem.w, err);
            e.saved = rc == GAN_OK ? path : NULL;
        }
        e.elapsed_s = gan_seconds() - start;
        if (rc == GAN_OK && progress && !progress(ctx, &e)) rc = GAN_INTERRUPTED;
    }
    optimiser_free(&o);
    return rc;
}

/* The pictures at their working sizes: the output's is the content's (a
 * texture: the style's). */
static gan_status load_pictures(const gan_style_request *r, gan_picture *content, gan_picture *style,
                                gan_error *err)
{
    gan_status rc = gan_picture_load(r->style, r->size, GAN_VGG_MIN_SIDE, style, err);
    if (rc == GAN_OK && r->content)
        rc = gan_picture_load(r->content, r->size, GAN_VGG_MIN_SIDE, content, err);
    return rc;
}

static gan_status check_memory(const gan_style_request *r, int h, int w, const gan_picture *style,
                               gan_error *err)
{
    const size_t need = gan_style_memory(r, h, w, style->h, style->w), opt = optimiser_bytes(r, 3L * h * w);
    const int threads = r->threads > 0 ? r->threads : gan_default_threads();
    gan_mem_estimate e = {.nets = need - opt,
                          .work = opt,
                          .resident = need,
                          .address = need + (size_t)136 * 1024 * 1024 * (size_t)threads,
                          .remedy = "a smaller --size, or --history",
                          .fewer_threads = "--threads 1"};
    return gan_memory_check(&e, err);
}

/* That --out can be written, before minutes of work: a temporary file made
 * beside it, then dropped. */
static gan_status check_output(const char *out, gan_error *err)
{
    gan_atomic_file probe;
    gan_status rc = gan_atomic_open(&probe, out, err);
    if (rc == GAN_OK) gan_atomic_abort(&probe);
    return rc;
}

static gan_status load_weights(const gan_style_request *r, gan_vgg_weights *wt, gan_error *err)
{
    return r->weights ? gan_vgg_weights_load(wt, r->weights, err) : gan_vgg_weights_random(wt, r->seed, err);
}

gan_status gan_style_run(const gan_style_request *r, gan_style_progress_fn progress, void *ctx,
                         gan_error *err)
{
    style_job j = {.req = r};
    gan_picture content = {0}, style = {0};
    gan_vgg_weights wt = {0};
    gan_pool *pool = NULL;
    gan_status rc = check_output(r->out, err);
    if (rc == GAN_OK) rc = load_pictures(r, &content, &style, err);
    const int h = r->content ? content.h : style.h, w = r->content ? content.w : style.w;
    if (rc == GAN_OK) rc = check_memory(r, h, w, &style, err);
    if (rc == GAN_OK) rc = load_weights(r, &wt, err);
    if (rc == GAN_OK) {
        pool = gan_threads_start(r->threads);
        const gan_style_weights weights = {r->content ? r->content_weight : 0, r->style_weight, r->tv_weight};
        rc = gan_style_problem_init(&j.problem, &wt, content.pixels, h, w, style.pixels, style.h, style.w,
                                    weights, pool, err);
    }
    const long n = 3L * h * w;
    float *x = rc == GAN_OK ? malloc(sizeof(float) * (size_t)n) : NULL;
    if (rc == GAN_OK && !x) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory for the picture");
    if (rc == GAN_OK) {
        init_picture(x, &content, r, n);
        rc = optimise(&j, x, progress, ctx, err);
    }
    if (rc == GAN_OK || rc == GAN_INTERRUPTED) { /* an interrupted job writes what it has */
        gan_status wr = gan_picture_png(r->out, x, h, w, err);
        if (wr != GAN_OK) rc = wr;
    }
    free(x);
    gan_style_problem_free(&j.problem);
    gan_vgg_weights_free(&wt);
    gan_pool_free(pool);
    gan_picture_free(&content), gan_picture_free(&style);
    return rc;
}
