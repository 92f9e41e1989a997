/* gan interp's job: endpoints drawn from the seed, the walks between
 * them, the generator's images as one grid row per walk. */
#include "gan/jobs/interp.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/blas.h"
#include "gan/core/path.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/io/checkpoint.h"
#include "gan/io/image_grid.h"

void gan_slerp(float *out, const float *a, const float *b, int n, double t)
{
    double na = 0, nb = 0, dot = 0;
    for (int i = 0; i < n; i++)
        na += (double)a[i] * a[i], nb += (double)b[i] * b[i], dot += (double)a[i] * b[i];
    double c = dot / (sqrt(na) * sqrt(nb) + 1e-30);
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    const double omega = acos(c), so = sin(omega);
    const double wa = so < 1e-6 ? 1 - t : sin((1 - t) * omega) / so, wb = so < 1e-6 ? t : sin(t * omega) / so;
    for (int i = 0; i < n; i++) out[i] = (float)(wa * a[i] + wb * b[i]);
}

/* z [nz, rows * steps], gan's channel-major latents: walk r's image s is
 * column r * steps + s. */
static void walk_latents(const gan_interp_request *req, int nz, float *ends, float *zi, float *z)
{
    const long n = (long)req->rows * req->steps;
    gan_rng rng;
    gan_rng_seed(&rng, req->seed);
    gan_rng_normal(&rng, ends, 2L * req->rows * nz, 0.0f, 1.0f);
    for (long r = 0; r < req->rows; r++) {
        const float *za = ends + 2 * r * nz, *zb = za + nz;
        for (long s = 0; s < req->steps; s++) {
            const double t = (double)s / (double)(req->steps - 1);
            if (req->slerp) gan_slerp(zi, za, zb, nz, t);
            else
                for (int k = 0; k < nz; k++) zi[k] = (float)((1 - t) * za[k] + t * zb[k]);
            for (int k = 0; k < nz; k++) z[(long)k * n + r * req->steps + s] = zi[k];
        }
    }
}

/* A conditional generator's class of each walk. */
static gan_status walk_classes(const gan_interp_request *req, const gan_net *g, int32_t *labels,
                               gan_error *err)
{
    int the_class = -1;
    char where[GAN_PATH_MAX + 16];
    snprintf(where, sizeof where, "%s: --class", req->ckpt);
    if (req->class_name) {
        gan_status rc = gan_classes_find(&g->classes, req->class_name, where, &the_class, err);
        if (rc != GAN_OK) return rc;
    }
    for (long i = 0; i < (long)req->rows * req->steps; i++) {
        const int r = (int)(i / req->steps);
        labels[i] = the_class >= 0 ? the_class : r % g->arch.classes;
    }
    return GAN_OK;
}

static gan_status draw(const gan_interp_request *req, gan_net *g, const float *z, const int32_t *labels,
                       gan_error *err)
{
    const int n = req->rows * req->steps;
    gan_pool *pool = gan_threads_start(0);
    gan_work work = {0};
    gan_grid_rows rows = {0};
    gan_status rc = GAN_OK;
    if (gan_work_alloc(&work, gan_net_work_plan(g), pool) != GAN_OK ||
        (labels && !gan_grid_rows_in_order(&rows, labels, n, req->steps, &g->classes)))
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) {
        gan_grid grid = {.images = gan_net_forward(g, &work, z, labels, n, req->bn_mode),
                         .batch = n,
                         .count = n,
                         .channels = g->arch.channels,
                         .size = g->size,
                         .per_row = req->steps,
                         .pad = 2};
        gan_grid_set_rows(&grid, &rows);
        rc = gan_grid_png(req->out, &grid, err);
    }
    gan_grid_rows_free(&rows);
    gan_work_free(&work);
    gan_pool_free(pool);
    return rc;
}

gan_status gan_interp(const gan_interp_request *req, gan_error *err)
{
    const int n = req->rows * req->steps;
    gan_net g;
    gan_status rc = gan_model_load(req->ckpt, &g, GAN_NET_GENERATOR, n, NULL, err);
    if (rc != GAN_OK) return rc;
    const bool conditional = g.arch.classes > 0;
    if (req->class_name && !conditional)
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: an unconditional generator has no classes; --class needs one trained with "
                      "model.conditional",
                      req->ckpt);
    const int nz = g.arch.nz;
    float *ends = malloc(sizeof(float) * 2 * (size_t)req->rows * nz),
          *z = malloc(sizeof(float) * (size_t)n * nz);
    float *zi = malloc(sizeof(float) * (size_t)nz);
    int32_t *labels = conditional ? malloc(sizeof(int32_t) * (size_t)n) : NULL;
    if (rc == GAN_OK && (!ends || !z || !zi || (conditional && !labels)))
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK && conditional) rc = walk_classes(req, &g, labels, err);
    if (rc == GAN_OK) walk_latents(req, nz, ends, zi, z);
    if (rc == GAN_OK) rc = draw(req, &g, z, labels, err);
    free(ends), free(z), free(zi), free(labels);
    gan_net_free(&g);
    return rc;
}
