/* gan eval's job: the classifier, the generated images (a generator's or a
 * .npy's), a seeded subset of the real images, and the measures of
 * gan/metrics between them; for a conditional generator, class by class. */
#include "gan/jobs/eval.h"

#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_job.h"
#include "gan/core/blas.h"
#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/io/checkpoint.h"
#include "gan/io/config.h"
#include "gan/io/npy.h"
#include "gan/metrics/fid.h"
#include "gan/nn/layout.h"

void gan_eval_job_report(const eval_job *j, gan_eval_stage stage, long n, int classes, const char *path)
{
    const gan_eval_progress p = {.stage = stage, .n = n, .classes = classes, .path = path};
    if (j->reporter && j->reporter->progress) j->reporter->progress(&p, j->reporter->ctx);
}

/* Images from a .npy, batch-major [n, C, H, W], handed out channel-major. */
typedef struct {
    const float *x;
    int channels;
    long plane;
} npy_source;

static void npy_images(void *ctx, long first, int n, float *out)
{
    const npy_source *s = ctx;
    const gan_layout nchw = gan_layout_nchw(s->channels, s->plane);
    gan_copy_images(out, gan_layout_cnhw(n, s->plane), s->x + first * nchw.image, nchw, n, s->channels,
                    s->plane);
}

static gan_status load_npy(const char *path, const gan_classifier_arch *ca, float **x, long *n,
                           gan_error *err)
{
    int ndim = 0;
    int64_t shape[GAN_NPY_MAX_DIMS];
    gan_status rc = gan_npy_load(path, x, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    const int S = ca->image_size, C = ca->channels;
    int ok = (ndim == 4 && shape[1] == C && shape[2] == S && shape[3] == S) ||
             (ndim == 3 && C == 1 && shape[1] == S && shape[2] == S);
    if (!ok)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: expected images of shape [n, %d, %d, %d] for this classifier",
                      path, C, S, S);
    else if (shape[0] < 2 || shape[0] > GAN_EVAL_MAX_IMAGES)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: %lld images; expected 2 to %d", path, (long long)shape[0],
                      GAN_EVAL_MAX_IMAGES);
    const size_t total = ok ? (size_t)shape[0] * C * S * S : 0;
    for (size_t i = 0; i < total && rc == GAN_OK; i++)
        if (!((*x)[i] >= -1.001f && (*x)[i] <= 1.001f))
            rc = gan_fail(
                err, GAN_ERR_INPUT,
                "%s: value %g at index %zu is outside [-1, 1] (scale images as gan sample --npy does)", path,
                (double)(*x)[i], i);
    if (rc != GAN_OK) {
        free(*x);
        *x = NULL;
        return rc;
    }
    *n = (long)shape[0];
    return GAN_OK;
}

/* "data.path=<path as a JSON string>", so that any path is a string. */
static char *data_path_set(const char *path)
{
    cJSON *s = cJSON_CreateString(path);
    char *quoted = s ? cJSON_PrintUnformatted(s) : NULL;
    cJSON_Delete(s);
    char *set = quoted ? malloc(strlen(quoted) + 11) : NULL;
    if (set) sprintf(set, "data.path=%s", quoted);
    free(quoted);
    return set;
}

/* The real data's config: the classifier's own (so fit and format match
 * what it was trained on), then --data and --set, at the classifier's size. */
static gan_status real_config(eval_job *j, gan_error *err)
{
    const gan_eval_request *req = j->req;
    const gan_classifier_arch *ca = &j->cls.arch;
    const char **sets = malloc(sizeof *sets * ((size_t)req->nsets + 3));
    char size_set[64], chan_set[64], *data_set = req->data ? data_path_set(req->data) : NULL;
    if (!sets || (req->data && !data_set)) {
        free(sets), free(data_set);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    }
    int nsets = 0;
    for (int i = 0; i < req->nsets; i++) sets[nsets++] = req->sets[i];
    snprintf(size_set, sizeof size_set, "data.image_size=%d", ca->image_size);
    snprintf(chan_set, sizeof chan_set, "data.channels=%d", ca->channels);
    sets[nsets++] = size_set;
    sets[nsets++] = chan_set;
    if (data_set) sets[nsets++] = data_set;
    gan_status rc = gan_config_parse(&j->cfg, j->cls_config, req->classifier, sets, nsets, err);
    free(sets);
    free(data_set);
    return rc;
}

/* The classifier, and the generator or the .npy, checked against each other. */
static gan_status load_models(eval_job *j, gan_error *err)
{
    const gan_eval_request *req = j->req;
    gan_status rc = gan_classifier_load(req->classifier, &j->cls, GAN_EVAL_BATCH, &j->cls_config, err);
    if (rc != GAN_OK) return rc;
    j->pool_threads = gan_threads_start(0);
    if (gan_work_alloc(&j->cls_work, gan_classifier_work_plan(&j->cls), j->pool_threads) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    const gan_classifier_arch *ca = &j->cls.arch;
    if (req->npy) return load_npy(req->npy, ca, &j->npy, &j->n_gen, err);
    rc = gan_model_load(req->ckpt, &j->g, GAN_NET_GENERATOR, GAN_EVAL_BATCH, &j->step, err);
    if (rc != GAN_OK) return rc;
    if (gan_work_alloc(&j->g_work, gan_net_work_plan(&j->g), j->pool_threads) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    const gan_arch *ga = &j->g.arch;
    /* a larger G's images are box-filtered down to the classifier's side */
    const bool fits = ga->image_size % ca->image_size == 0 &&
                      ((ga->image_size / ca->image_size) & (ga->image_size / ca->image_size - 1)) == 0;
    if (!fits || ga->channels != ca->channels)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: makes %dx%dx%d images, but the classifier %s reads %dx%dx%d (or a side a power of "
            "two smaller)",
            req->ckpt, ga->image_size, ga->image_size, ga->channels, req->classifier, ca->image_size,
            ca->image_size, ca->channels);
    if (ga->classes > 0 && ga->classes != ca->classes)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "%s: %d classes, but the classifier %s knows %d: class agreement needs the same classes",
            req->ckpt, ga->classes, req->classifier, ca->classes);
    return GAN_OK;
}

/* The real images: loaded (with their labels when measured class by
 * class), counted, and their pool through the classifier (from the cache
 * when it holds it). The first n_real of the pool are what the generated
 * images are measured against; the floor takes two halves of it. */
static gan_status measure_real(eval_job *j, gan_eval_result *out, gan_error *err)
{
    const gan_eval_request *req = j->req;
    j->cfg.conditional = j->g.arch.classes > 0 || req->per_class;
    gan_status rc = gan_dataset_load(&j->data, &j->cfg, err);
    if (rc != GAN_OK) return rc;
    snprintf(out->real_path, sizeof out->real_path, "%s", j->cfg.data_path);
    j->n_real = req->real > 0 ? req->real : j->n_gen;
    if (j->n_real > j->data.count) {
        if (req->real > 0)
            return gan_fail(err, GAN_ERR_INPUT, "%s: --real %ld, but it holds %ld images", j->cfg.data_path,
                            req->real, j->data.count);
        j->n_real = j->data.count;
    }
    if (j->n_real < 2) return gan_fail(err, GAN_ERR_INPUT, "%s: fewer than 2 images", j->cfg.data_path);
    j->pool_n = req->nearest > 0 || 2 * j->n_real > j->data.count ? j->data.count : 2 * j->n_real;
    rc = gan_real_order(&j->data, req->seed, GAN_STREAM_EVAL_REAL, &j->order, err);
    if (rc == GAN_OK) rc = gan_eval_real_pool(j, out, err);
    if (rc == GAN_OK) rc = gan_eval_set_part(&out->real, &j->pool, 0, j->n_real, err);
    return rc;
}

/* The generated images, and a conditional generator's per-class measures. */
static gan_status measure_generated(eval_job *j, gan_eval_result *out, gan_error *err)
{
    const gan_eval_request *req = j->req;
    if (req->npy) {
        npy_source src = {j->npy, j->cls.arch.channels,
                          (long)j->cls.arch.image_size * j->cls.arch.image_size};
        return gan_eval_set_compute(&out->gen, &j->cls, &j->cls_work, npy_images, &src, j->n_gen, err);
    }
    const int classes = j->g.arch.classes;
    j->z = malloc(sizeof(float) * (size_t)j->g.arch.nz * GAN_EVAL_BATCH);
    j->labels = classes > 0 ? malloc(sizeof(int32_t) * GAN_EVAL_BATCH) : NULL;
    if (!j->z || (classes > 0 && !j->labels)) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    gan_eval_job_report(j, GAN_EVAL_GENERATING, j->n_gen, 0, NULL);
    gan_generator_source src = {.g = &j->g,
                                .work = &j->g_work,
                                .bn_mode = req->bn_mode,
                                .truncation = req->truncation,
                                .z = j->z,
                                .label_buf = j->labels,
                                .size = j->cls.arch.image_size};
    /* a conditional G's classes come as often as in the real images, when they have the same classes */
    if (classes > 0 && j->data.labels && j->data.classes.count == classes) src.label_data = &j->data;
    gan_rng_seed(&src.rng, req->seed);
    return gan_eval_set_compute(&out->gen, &j->cls, &j->cls_work, gan_generator_images, &src, j->n_gen, err);
}

gan_status gan_eval_scores_of(eval_job *j, const gan_eval_set *a, const gan_eval_set *b, gan_eval_scores *s,
                              gan_error *err)
{
    memset(s, 0, sizeof *s);
    s->fid = gan_frechet_distance(a->mean, a->cov, b->mean, b->cov, a->dim);
    if (isnan(s->fid))
        return gan_fail(err, GAN_ERR_NUMERIC, "FID: the eigensolver failed on the feature covariances");
    const long fewest = a->n < b->n ? a->n : b->n;
    const int size = (int)(j->kid_size < fewest ? j->kid_size : fewest);
    gan_status rc = gan_kid(a->features, a->n, b->features, b->n, a->dim, j->kid_subsets, size, &j->kid_rng,
                            &s->kid, err);
    if (rc == GAN_OK) rc = gan_prdc(a->features, a->n, b->features, b->n, a->dim, j->k, &s->prdc, err);
    return rc;
}

/* The settings of KID and precision/recall, checked against the counts the
 * user asked for (defaults shrink to fit; a value given does not). */
static gan_status settle_measures(eval_job *j, gan_error *err)
{
    const gan_eval_request *req = j->req;
    const long fewest = j->n_real < j->n_gen ? j->n_real : j->n_gen;
    j->kid_subsets = req->kid_subsets > 0 ? req->kid_subsets : 100;
    j->kid_size = req->kid_size > 0 ? req->kid_size : (int)(fewest < 1000 ? fewest : 1000);
    j->k = req->k > 0 ? req->k : 3;
    gan_rng_seed_stream(&j->kid_rng, req->seed, GAN_STREAM_EVAL_REAL);
    if (j->kid_size > fewest)
        return gan_fail(err, GAN_ERR_USAGE, "--kid-size %d: more than the %ld generated and %ld real images",
                        j->kid_size, j->n_gen, j->n_real);
    if (j->k >= fewest)
        return gan_fail(err, GAN_ERR_USAGE,
                        "--k %d: precision and recall need more than k images of each set (%ld, %ld)", j->k,
                        j->n_gen, j->n_real);
    return GAN_OK;
}

/* Generated against real, and the floor: real against the other half. */
static gan_status score(eval_job *j, gan_eval_result *out, gan_error *err)
{
    gan_status rc = gan_eval_compare(&out->report, &out->real, &out->gen, err);
    if (rc == GAN_OK) rc = gan_eval_scores_of(j, &out->real, &out->gen, &out->scores, err);
    out->n_floor = j->pool_n / 2 < j->n_real ? j->pool_n / 2 : j->n_real;
    gan_eval_set a, b;
    memset(&a, 0, sizeof a), memset(&b, 0, sizeof b);
    if (rc == GAN_OK && out->n_floor > j->k) rc = gan_eval_set_part(&a, &j->pool, 0, out->n_floor, err);
    if (rc == GAN_OK && out->n_floor > j->k)
        rc = gan_eval_set_part(&b, &j->pool, out->n_floor, out->n_floor, err);
    if (rc == GAN_OK && out->n_floor > j->k) rc = gan_eval_scores_of(j, &a, &b, &out->floor, err);
    gan_eval_set_free(&a), gan_eval_set_free(&b);
    return rc;
}

gan_status gan_eval_run(const gan_eval_request *req, const gan_eval_reporter *reporter, gan_eval_result *out,
                        gan_error *err)
{
    memset(out, 0, sizeof *out);
    eval_job j;
    memset(&j, 0, sizeof j);
    j.req = req;
    j.reporter = reporter;
    j.n_gen = req->n > 0 ? req->n : 5000;
    gan_status rc = load_models(&j, err);
    j.n_real = req->real > 0 ? req->real : j.n_gen; /* until the data says how many it holds */
    if (rc == GAN_OK)
        rc = settle_measures(&j, err); /* a setting the counts cannot take: said before any work */
    if (rc == GAN_OK) rc = real_config(&j, err);
    if (rc == GAN_OK) rc = measure_real(&j, out, err);
    if (rc == GAN_OK) rc = settle_measures(&j, err);
    if (rc == GAN_OK) rc = measure_generated(&j, out, err);
    if (rc == GAN_OK) rc = score(&j, out, err);
    if (rc == GAN_OK && (j.g.arch.classes > 0 || req->per_class)) rc = gan_eval_per_class(&j, out, err);
    if (rc == GAN_OK && req->nearest > 0) rc = gan_eval_nearest(&j, out, err);
    out->step = j.step;
    gan_eval_set_free(&j.pool);
    gan_dataset_free(&j.data);
    gan_classifier_free(&j.cls);
    gan_net_free(&j.g);
    gan_work_free(&j.cls_work);
    gan_work_free(&j.g_work);
    gan_pool_free(j.pool_threads);
    free(j.cls_config), free(j.npy), free(j.z), free(j.labels), free(j.order);
    if (rc != GAN_OK) gan_eval_result_free(out);
    return rc;
}

void gan_eval_result_free(gan_eval_result *r)
{
    gan_eval_set_free(&r->real);
    gan_eval_set_free(&r->gen);
    gan_class_report *c = &r->classes;
    free(c->agreement), free(c->real_count), free(c->gen_count), free(c->scores), free(c->floor);
    gan_classes_free(&r->names);
    memset(r, 0, sizeof *r);
}
