/* gan sample's job: where the latents and the classes come from, the
 * generator's images in memory-sized chunks, and the files written. */
#include "gan/jobs/sample.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gan/core/blas.h"
#include "gan/core/path.h"
#include "gan/core/rng.h"
#include "gan/io/checkpoint.h"
#include "gan/io/image_grid.h"
#include "gan/io/npy.h"
#include "gan/jobs/generate.h"
#include "gan/nn/layout.h"

/* With --bn-batch, batch statistics depend on the chunk: it stays 1024. */
enum { BN_CHUNK = 1024 };

/* Latent vectors from a .npy: [n, nz] or [n, nz, 1, 1], finite, n as asked. */
static gan_status read_latents(const char *path, long want_n, float **z, long *n, int64_t *nz, gan_error *err)
{
    int ndim = 0;
    int64_t shape[GAN_NPY_MAX_DIMS];
    gan_status rc = gan_npy_load(path, z, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    if (ndim != 2 && !(ndim == 4 && shape[2] == 1 && shape[3] == 1))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: shape must be [n, nz] (or [n, nz, 1, 1]), got %d dimensions",
                      path, ndim);
    else if (shape[0] < 1 || shape[0] > GAN_SAMPLE_MAX || (want_n >= 0 && shape[0] != want_n))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: holds %lld latent vectors; expected %s%lld", path,
                      (long long)shape[0], want_n >= 0 ? "-n = " : "1 to ",
                      want_n >= 0 ? (long long)want_n : (long long)GAN_SAMPLE_MAX);
    for (int64_t i = 0; rc == GAN_OK && i < shape[0] * shape[1]; i++)
        if (!isfinite((*z)[i]))
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: row %lld holds a non-finite value (%g)", path,
                          (long long)(i / shape[1]), (double)(*z)[i]);
    if (rc != GAN_OK) {
        free(*z);
        *z = NULL;
        return rc;
    }
    *n = (long)shape[0];
    *nz = shape[1];
    return GAN_OK;
}

/* Class labels from a .npy: int64 [n], each a class of the generator. */
static gan_status read_labels(const char *path, long want_n, int classes, int32_t **labels, long *n,
                              gan_error *err)
{
    int ndim = 0;
    int64_t shape[GAN_NPY_MAX_DIMS], *raw = NULL;
    gan_status rc = gan_npy_load_i64(path, &raw, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    if (ndim != 1) rc = gan_fail(err, GAN_ERR_INPUT, "%s: shape must be [n], got %d dimensions", path, ndim);
    else if (shape[0] < 1 || shape[0] > GAN_SAMPLE_MAX || (want_n >= 0 && shape[0] != want_n))
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: holds %lld labels; expected %s%lld", path, (long long)shape[0],
                      want_n >= 0 ? "n = " : "1 to ",
                      want_n >= 0 ? (long long)want_n : (long long)GAN_SAMPLE_MAX);
    for (int64_t i = 0; rc == GAN_OK && i < shape[0]; i++)
        if (raw[i] < 0 || raw[i] >= classes)
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: label %lld of image %lld is not a class (0 to %d)", path,
                          (long long)raw[i], (long long)i, classes - 1);
    if (rc == GAN_OK) {
        *labels = malloc(sizeof(int32_t) * (size_t)shape[0]);
        if (!*labels) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        for (int64_t i = 0; rc == GAN_OK && i < shape[0]; i++) (*labels)[i] = (int32_t)raw[i];
        *n = (long)shape[0];
    }
    free(raw);
    return rc;
}

/* The image count: -n, or what the inputs hold, or a row of per_class for
 * every class, or 64. */
static gan_status settle_count(const gan_sample_request *req, gan_samples *s, gan_error *err)
{
    if (req->all_classes) {
        const long all = (long)req->per_class * s->arch.classes;
        if (s->n >= 0 && s->n != all)
            return gan_fail(err, GAN_ERR_USAGE,
                            "--class all draws %d classes x %d images (--nrow); -n %ld does not match",
                            s->arch.classes, req->per_class, s->n);
        if (all > GAN_SAMPLE_MAX)
            return gan_fail(err, GAN_ERR_USAGE, "--class all: %ld images, more than %d", all, GAN_SAMPLE_MAX);
        s->n = all;
    }
    if (s->n < 0) s->n = 64;
    if (req->nclasses > s->n)
        return gan_fail(err, GAN_ERR_USAGE,
                        "--class given %d times for %ld images: each class needs one (raise -n)",
                        req->nclasses, s->n);
    return GAN_OK;
}

/* Where sampling chooses a conditional generator's classes: as given
 * (--labels-in, read already), every class in turn (--class all), the
 * classes asked for in blocks (--class K...), or drawn as often as the
 * training data held them when the checkpoint knows no better (uniformly),
 * from a stream of their own so the latents stay those of the seed. */
static gan_status choose_labels(const gan_sample_request *req, gan_samples *s, const gan_net *g,
                                gan_error *err)
{
    if (s->arch.classes == 0 || s->labels) return GAN_OK;
    const long n = s->n;
    s->labels = malloc(sizeof(int32_t) * (size_t)n);
    int *wanted = malloc(sizeof(int) * (size_t)(req->nclasses + 1));
    gan_status rc = s->labels && wanted ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    char where[GAN_PATH_MAX + 16];
    snprintf(where, sizeof where, "%s: --class", req->ckpt);
    for (int i = 0; rc == GAN_OK && i < req->nclasses; i++)
        rc = gan_classes_find(&g->classes, req->classes[i], where, &wanted[i], err);
    if (rc == GAN_OK && req->all_classes) {
        for (long i = 0; i < n; i++) s->labels[i] = (int32_t)(i / req->per_class);
    } else if (rc == GAN_OK && req->nclasses > 0) {
        for (long i = 0; i < n; i++) s->labels[i] = (int32_t)wanted[i * req->nclasses / n];
    } else if (rc == GAN_OK) {
        gan_rng rng;
        gan_rng_seed_stream(&rng, req->seed, GAN_STREAM_SAMPLE_LABELS);
        gan_net_draw_labels(g, &rng, s->labels, (int)n);
    }
    free(wanted);
    return rc;
}

/* The inputs: latents and labels read, the count settled, latents drawn. */
static gan_status prepare(const gan_sample_request *req, gan_samples *s, int64_t *z_nz, gan_error *err)
{
    s->n = req->n;
    gan_status rc = GAN_OK;
    if (req->z_in) rc = read_latents(req->z_in, s->n, &s->z, &s->n, z_nz, err);
    if (rc == GAN_OK) rc = gan_model_peek(req->ckpt, &s->arch, GAN_NET_GENERATOR, err);
    if (rc == GAN_OK && s->arch.classes == 0 && (req->nclasses > 0 || req->all_classes || req->labels_in))
        rc = gan_fail(err, GAN_ERR_INPUT,
                      "%s: an unconditional generator has no classes; %s needs one trained with "
                      "model.conditional",
                      req->ckpt, req->labels_in ? "--labels-in" : "--class");
    if (rc == GAN_OK && req->labels_in)
        rc = read_labels(req->labels_in, s->n, s->arch.classes, &s->labels, &s->n, err);
    if (rc == GAN_OK) rc = settle_count(req, s, err);
    return rc;
}

static gan_status check_size(const gan_sample_request *req, const gan_samples *s, int64_t z_nz,
                             gan_error *err)
{
    const gan_arch *a = &s->arch;
    if (req->z_in && z_nz != a->nz)
        return gan_fail(err, GAN_ERR_INPUT, "%s: latent size %lld, but %s expects nz = %d", req->z_in,
                        (long long)z_nz, req->ckpt, a->nz);
    if ((double)s->n * a->channels * a->image_size * a->image_size > (double)(1L << 28))
        return gan_fail(err, GAN_ERR_USAGE, "-n %ld images of %dx%dx%d need more than 1 GiB; use fewer", s->n,
                        a->image_size, a->image_size, a->channels);
    return GAN_OK;
}

/* --size: a growing generator at an earlier phase's side (its older
 * toRGB, fully blended), or at the side it was saved at. */
static gan_status choose_size(const gan_sample_request *req, gan_net *g, gan_error *err)
{
    if (g->arch.grow_from == 0 && req->size != g->arch.image_size)
        return gan_fail(err, GAN_ERR_USAGE, "--size %d: %s does not grow; it makes %d px images only",
                        req->size, req->ckpt, g->arch.image_size);
    if (!gan_net_size_valid(g, req->size) || req->size > g->size)
        return gan_fail(err, GAN_ERR_USAGE,
                        "--size %d: %s makes sides that are powers of two from %d to %d, the "
                        "phase it has reached",
                        req->size, req->ckpt, g->arch.grow_from, g->size);
    if (req->size < g->size) gan_net_set_phase(g, req->size, 1.0f);
    return GAN_OK;
}

/* The generator's images, in chunks as large as GAN_GENERATE_BUDGET allows
 * (the results do not depend on it); batch statistics do, so --bn-batch
 * keeps chunks of BN_CHUNK. */
static gan_status run_generator(const gan_sample_request *req, gan_samples *s, gan_net *g, gan_error *err)
{
    const long n = s->n;
    const int nz = s->arch.nz;
    const int chunk = req->bn_mode == GAN_MODE_TRAIN ? (int)(n < BN_CHUNK ? n : BN_CHUNK)
                                                     : gan_generate_chunk(&s->arch, n, GAN_GENERATE_BUDGET);
    gan_status rc = gan_model_load(req->ckpt, g, GAN_NET_GENERATOR, chunk, NULL, err);
    if (rc == GAN_OK && req->size) rc = choose_size(req, g, err);
    if (rc != GAN_OK) return rc;
    s->size = g->size;
    gan_pool *pool = gan_threads_start(0);
    gan_work work = {0};
    float *zc = malloc(sizeof(float) * (size_t)chunk * nz);
    if (!s->z) s->z = malloc(sizeof(float) * (size_t)n * nz);
    s->images = malloc(sizeof(float) * (size_t)n * gan_net_out_size(g));
    if (!zc || !s->z || !s->images || gan_work_alloc(&work, gan_net_work_plan(g), pool) != GAN_OK)
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK && !req->z_in) {
        gan_rng rng;
        gan_rng_seed(&rng, req->seed);
        gan_rng_truncated_normal(&rng, s->z, n * nz, req->truncation);
    }
    if (rc == GAN_OK) rc = choose_labels(req, s, g, err);
    if (rc == GAN_OK) gan_generate(g, &work, s->z, s->labels, n, req->bn_mode, zc, s->images);
    free(zc);
    gan_work_free(&work);
    gan_pool_free(pool);
    return rc;
}

gan_status gan_sample_generate(const gan_sample_request *req, gan_samples *s, gan_error *err)
{
    memset(s, 0, sizeof *s);
    s->source = req->ckpt;
    int64_t z_nz = 0;
    gan_status rc = prepare(req, s, &z_nz, err);
    if (rc == GAN_OK) rc = check_size(req, s, z_nz, err);
    gan_net g;
    memset(&g, 0, sizeof g);
    if (rc == GAN_OK) rc = run_generator(req, s, &g, err);
    if (rc == GAN_OK && s->arch.classes > 0) rc = gan_classes_copy(&s->classes, &g.classes, err);
    gan_net_free(&g);
    if (rc != GAN_OK) gan_samples_free(s);
    return rc;
}

void gan_samples_free(gan_samples *s)
{
    gan_classes_free(&s->classes);
    free(s->z), free(s->labels), free(s->images);
    memset(s, 0, sizeof *s);
}

static gan_status make_folder(const char *dir, gan_error *err)
{
    if (mkdir(dir, 0755) == 0) return GAN_OK;
    const int e = errno;
    struct stat st;
    if (e == EEXIST && stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) return GAN_OK;
    return gan_fail(err, GAN_ERR_IO, "%s: cannot create folder: %s", dir,
                    e == EEXIST ? "a file of that name exists" : strerror(e));
}

static gan_status write_grid(const gan_samples *s, const gan_sample_outputs *out, bool *plain, gan_error *err)
{
    const int n = (int)s->n;
    gan_grid_rows rows = {0};
    *plain = false;
    if (s->labels && out->class_rows && !gan_grid_rows_by_class(&rows, s->labels, n, &s->classes))
        *plain = true;
    gan_grid grid = {.images = s->images,
                     .batch = n,
                     .count = n,
                     .channels = s->arch.channels,
                     .size = s->size,
                     .per_row = out->per_row > 0 ? out->per_row : gan_grid_square_row(n),
                     .pad = 2};
    gan_grid_set_rows(&grid, &rows);
    gan_status rc = gan_grid_png(out->grid, &grid, err);
    gan_grid_rows_free(&rows);
    return rc;
}

static gan_status write_each(const gan_samples *s, const char *dir, gan_error *err)
{
    gan_status rc = make_folder(dir, err);
    for (long i = 0; i < s->n && rc == GAN_OK; i++) {
        char path[GAN_PATH_MAX];
        rc = gan_path_format(path, err, "%s/%06ld.png", dir, i);
        const gan_grid one = {.images = s->images,
                              .batch = (int)s->n,
                              .first = (int)i,
                              .count = 1,
                              .channels = s->arch.channels,
                              .size = s->size,
                              .per_row = 1,
                              .pad = 0};
        if (rc == GAN_OK) rc = gan_grid_png(path, &one, err);
    }
    return rc;
}

static gan_status write_labels(const gan_samples *s, const char *path, gan_error *err)
{
    int64_t *wide = malloc(sizeof(int64_t) * (size_t)s->n);
    if (!wide) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; i < s->n; i++) wide[i] = s->labels[i];
    const int64_t shape[1] = {s->n};
    gan_status rc = gan_npy_save_i64(path, wide, 1, shape, err);
    free(wide);
    return rc;
}

/* The images as a .npy: batch-major [n, C, H, W]. */
static gan_status write_images(const gan_samples *s, const char *path, gan_error *err)
{
    const int C = s->arch.channels, S = s->size;
    const long plane = (long)S * S, n = s->n;
    float *nchw = malloc(sizeof(float) * (size_t)n * C * plane);
    if (!nchw) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    gan_copy_images(nchw, gan_layout_nchw(C, plane), s->images, gan_layout_cnhw(n, plane), n, C, plane);
    const int64_t shape[4] = {n, C, S, S};
    gan_status rc = gan_npy_save(path, nchw, 4, shape, err);
    free(nchw);
    return rc;
}

gan_status gan_samples_write(const gan_samples *s, const gan_sample_outputs *out, gan_sample_written *done,
                             gan_error *err)
{
    memset(done, 0, sizeof *done);
    gan_status rc = GAN_OK;
    if (out->labels_out && !s->labels)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: an unconditional generator has no classes for --labels-out",
                      s->source);
    if (rc == GAN_OK && out->grid) rc = write_grid(s, out, &done->plain_grid, err);
    if (rc == GAN_OK && out->grid) done->written[done->nwritten++] = out->grid;
    if (rc == GAN_OK && out->each) rc = write_each(s, out->each, err);
    if (rc == GAN_OK && out->each) done->written[done->nwritten++] = out->each;
    const int64_t zshape[2] = {s->n, s->arch.nz};
    if (rc == GAN_OK && out->z_out) rc = gan_npy_save(out->z_out, s->z, 2, zshape, err);
    if (rc == GAN_OK && out->z_out) done->written[done->nwritten++] = out->z_out;
    if (rc == GAN_OK && out->labels_out) rc = write_labels(s, out->labels_out, err);
    if (rc == GAN_OK && out->labels_out) done->written[done->nwritten++] = out->labels_out;
    if (rc == GAN_OK && out->npy) rc = write_images(s, out->npy, err);
    if (rc == GAN_OK && out->npy) done->written[done->nwritten++] = out->npy;
    return rc;
}
