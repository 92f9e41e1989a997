/* The memorisation check of gan eval --nearest: does the generator copy its
 * training images? Each generated image's distance to its nearest training
 * image is set against the same distance for real images: a real image's
 * nearest other training image. A generator that draws new images lands in
 * the real images' distribution; one that copies has many samples nearer
 * than almost any real image is to another (the first percentile of the
 * real distances is the line drawn). Distances are in the classifier's
 * features, or in pixels on request; the closest pairs are drawn as a grid
 * to look at. The training set is the real data's every image. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_job.h"
#include "gan/io/image_grid.h"
#include "gan/nn/layout.h"

enum { REFERENCE_MAX = 2000, CHUNK = 1024 };

static long image_floats(const eval_job *j)
{
    return (long)j->cls.arch.channels * j->cls.arch.image_size * j->cls.arch.image_size;
}

/* The generated images again, in their order (the generator's stream
 * replayed from the seed, or the .npy), [first, first + n) as rows [n, D]. */
static void generated_rows(eval_job *j, float *rows, long n, float *cnhw)
{
    const int C = j->cls.arch.channels;
    const long plane = (long)j->cls.arch.image_size * j->cls.arch.image_size;
    if (j->npy) {
        memcpy(rows, j->npy, sizeof(float) * (size_t)n * C * plane);
        return;
    }
    gan_generator_source src = {.g = &j->g,
                                .work = &j->g_work,
                                .bn_mode = j->req->bn_mode,
                                .truncation = j->req->truncation,
                                .z = j->z,
                                .label_buf = j->labels};
    if (j->g.arch.classes > 0 && j->data.labels && j->data.classes.count == j->g.arch.classes)
        src.label_data = &j->data;
    gan_rng_seed(&src.rng, j->req->seed); /* as measure_generated drew them */
    for (long first = 0; first < n; first += GAN_EVAL_BATCH) {
        const int m = (int)(n - first < GAN_EVAL_BATCH ? n - first : GAN_EVAL_BATCH);
        gan_generator_images(&src, first, m, cnhw);
        gan_copy_images(rows + first * C * plane, gan_layout_nchw(C, plane), cnhw, gan_layout_cnhw(m, plane),
                        m, C, plane);
    }
}

/* Training images idx[0..n) as rows [n, D] (pixels in [-1, 1]). */
static void real_rows(const eval_job *j, const int32_t *idx, long n, float *rows, float *cnhw)
{
    const int C = j->cls.arch.channels;
    const long plane = (long)j->cls.arch.image_size * j->cls.arch.image_size;
    gan_dataset_batch(&j->data, idx, (int)n, cnhw);
    gan_copy_images(rows, gan_layout_nchw(C, plane), cnhw, gan_layout_cnhw(n, plane), n, C, plane);
}

/* Nearest training image of each query row in pixels: the training set
 * chunk by chunk (it does not fit in memory at 64 px); skip[i] is the
 * training row query i is (or -1). */
static gan_status nearest_pixels(const eval_job *j, const float *q, long m, const long *skip, long *index,
                                 double *dist, gan_error *err)
{
    const long D = image_floats(j), count = j->data.count;
    float *chunk = malloc(sizeof(float) * CHUNK * (size_t)D),
          *cnhw = malloc(sizeof(float) * CHUNK * (size_t)D);
    long *ci = malloc(sizeof(long) * (size_t)m), *cs = skip ? malloc(sizeof(long) * (size_t)m) : NULL;
    double *cd = malloc(sizeof(double) * (size_t)m);
    gan_status rc =
        chunk && cnhw && ci && cd && (!skip || cs) ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; i < m; i++) dist[i] = INFINITY, index[i] = -1;
    for (long t0 = 0; rc == GAN_OK && t0 < count; t0 += CHUNK) {
        const long n = count - t0 < CHUNK ? count - t0 : CHUNK;
        real_rows(j, j->order + t0, n, chunk, cnhw);
        for (long i = 0; skip && i < m; i++) cs[i] = skip[i] - t0;
        rc = gan_nearest(q, m, chunk, n, (int)D, cs, ci, cd, err);
        for (long i = 0; rc == GAN_OK && i < m; i++)
            if (cd[i] < dist[i]) dist[i] = cd[i], index[i] = t0 + ci[i];
    }
    free(chunk), free(cnhw), free(ci), free(cs), free(cd);
    return rc;
}

static int by_value(const void *a, const void *b)
{
    const double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double quantile(const double *v, long n, double q, double *scratch)
{
    memcpy(scratch, v, sizeof(double) * (size_t)n);
    qsort(scratch, (size_t)n, sizeof(double), by_value);
    return scratch[(long)(q * (double)(n - 1) + 0.5)];
}

/* The grid: a row per pair, the sample then its nearest training image, the
 * closest pairs first. */
static gan_status draw_pairs(eval_job *j, gan_eval_result *out, const long *index, const double *dist,
                             const float *gen_rows, gan_error *err)
{
    const int C = j->cls.arch.channels, S = j->cls.arch.image_size,
              K = (int)(j->req->nearest < out->gen.n ? j->req->nearest : out->gen.n);
    const long D = image_floats(j), plane = (long)S * S;
    long *order = malloc(sizeof(long) * (size_t)out->gen.n);
    double *key = malloc(sizeof(double) * (size_t)out->gen.n);
    float *rows = malloc(sizeof(float) * 2 * (size_t)K * D),
          *cnhw = malloc(sizeof(float) * 2 * (size_t)K * D);
    gan_status rc = order && key && rows && cnhw ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; rc == GAN_OK && i < out->gen.n; i++) order[i] = i, key[i] = dist[i];
    for (int p = 0; rc == GAN_OK && p < K; p++) { /* a selection of the K smallest, in order */
        long best = p;
        for (long i = p + 1; i < out->gen.n; i++)
            if (key[order[i]] < key[order[best]]) best = i;
        const long t = order[p];
        order[p] = order[best], order[best] = t;
        memcpy(rows + (2 * p) * D, gen_rows + order[p] * D, sizeof(float) * (size_t)D);
        real_rows(j, j->order + index[order[p]], 1, rows + (2 * p + 1) * D, cnhw);
    }
    if (rc == GAN_OK) {
        gan_copy_images(cnhw, gan_layout_cnhw(2 * K, plane), rows, gan_layout_nchw(C, plane), 2 * K, C,
                        plane);
        const gan_grid grid = {
            .images = cnhw, .batch = 2 * K, .count = 2 * K, .channels = C, .size = S, .per_row = 2, .pad = 2};
        rc = gan_grid_png(out->nearest.grid, &grid, err);
    }
    free(order), free(key), free(rows), free(cnhw);
    return rc;
}

gan_status gan_eval_nearest(eval_job *j, gan_eval_result *out, gan_error *err)
{
    gan_nearest_report *nr = &out->nearest;
    const long n = out->gen.n, count = j->data.count, nref = count < REFERENCE_MAX ? count : REFERENCE_MAX;
    const long D = image_floats(j);
    snprintf(nr->grid, sizeof nr->grid, "%s", j->req->nearest_out ? j->req->nearest_out : "nearest.png");
    nr->pixels = j->req->nearest_pixels;
    gan_eval_job_report(j, GAN_EVAL_NEAREST, count, 0, NULL);
    float *gen_rows = malloc(sizeof(float) * (size_t)n * D),
          *cnhw = malloc(sizeof(float) * GAN_EVAL_BATCH * (size_t)D);
    float *ref_rows = nr->pixels ? malloc(sizeof(float) * (size_t)nref * D) : NULL;
    long *index = malloc(sizeof(long) * (size_t)n), *rindex = malloc(sizeof(long) * (size_t)nref);
    long *self = malloc(sizeof(long) * (size_t)nref);
    double *dist = malloc(sizeof(double) * (size_t)n), *rdist = malloc(sizeof(double) * (size_t)nref);
    double *scratch = malloc(sizeof(double) * (size_t)(n > nref ? n : nref));
    gan_status rc =
        gen_rows && cnhw && (!nr->pixels || ref_rows) && index && rindex && self && dist && rdist && scratch
            ? GAN_OK
            : gan_fail(err, GAN_ERR_NOMEM, "out of memory for the memorisation check");
    for (long i = 0; i < nref; i++)
        self[i] = i; /* the reference: the first training images, each not its own neighbour */
    if (rc == GAN_OK) generated_rows(j, gen_rows, n, cnhw);
    if (rc == GAN_OK && nr->pixels) {
        for (long i = 0; i < nref; i += GAN_EVAL_BATCH)
            real_rows(j, j->order + i, nref - i < GAN_EVAL_BATCH ? nref - i : GAN_EVAL_BATCH,
                      ref_rows + i * D, cnhw);
        rc = nearest_pixels(j, gen_rows, n, NULL, index, dist, err);
        if (rc == GAN_OK) rc = nearest_pixels(j, ref_rows, nref, self, rindex, rdist, err);
    } else if (rc == GAN_OK) {
        const int d = j->pool.dim;
        rc = gan_nearest(out->gen.features, n, j->pool.features, j->pool_n, d, NULL, index, dist, err);
        if (rc == GAN_OK)
            rc =
                gan_nearest(j->pool.features, nref, j->pool.features, j->pool_n, d, self, rindex, rdist, err);
    }
    if (rc == GAN_OK) {
        nr->train_images = count, nr->reference_images = nref;
        nr->threshold = quantile(rdist, nref, 0.01, scratch);
        long below = 0;
        for (long i = 0; i < n; i++) below += dist[i] < nr->threshold;
        nr->share_below = (double)below / n;
        nr->median_ratio = quantile(dist, n, 0.5, scratch) / quantile(rdist, nref, 0.5, scratch);
        rc = draw_pairs(j, out, index, dist, gen_rows, err);
    }
    out->nearest_done = rc == GAN_OK;
    free(gen_rows), free(cnhw), free(ref_rows), free(index), free(rindex), free(self), free(dist),
        free(rdist), free(scratch);
    return rc;
}
