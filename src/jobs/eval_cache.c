/* The real images as the classifier sees them: the part of gan eval's work
 * that depends only on the data, the classifier, the count and the seed.
 * It is kept beside the classifier in a file named by a hash of those four
 * (eval-KEY.bin, safetensors), so that a second evaluation against the
 * same data reads it instead of classifying again, and so that two people
 * with the same files see the same key and get the same numbers. A cache
 * file is trusted only when its metadata names the same key and its
 * tensors have the shapes the key implies; anything else is rebuilt. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "eval_job.h"
#include "gan/core/path.h"
#include "gan/data/file.h"
#include "gan/io/safetensors.h"

#define CACHE_FORMAT "gan-eval-cache-v1"

static uint64_t fnv64(const void *data, size_t len, uint64_t h)
{
    const unsigned char *p = data;
    for (size_t i = 0; i < len; i++) h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

/* The key: the images (their pixels as gan reads them: what the features
 * depend on, not the labels), the classifier file's bytes, the pool's size
 * and the seed. */
static gan_status cache_key(const eval_job *j, char out[24], gan_error *err)
{
    const gan_dataset *d = &j->data;
    uint64_t h = 0xcbf29ce484222325ULL;
    h = fnv64(d->pixels, (size_t)d->count * gan_dataset_image_bytes(d), h);
    uint8_t *cls = NULL;
    size_t len = 0;
    gan_status rc = gan_read_file(j->req->classifier, (size_t)1 << 30, &cls, &len, err);
    if (rc != GAN_OK) return rc;
    h = fnv64(cls, len, h);
    free(cls);
    const int64_t tail[3] = {j->pool_n, (int64_t)j->req->seed, d->size * 16 + d->channels};
    h = fnv64(tail, sizeof tail, h);
    snprintf(out, 24, "%016llx", (unsigned long long)h);
    return GAN_OK;
}

static gan_status cache_path(const eval_job *j, const char *key, char path[GAN_PATH_MAX], gan_error *err)
{
    const char *cls = j->req->classifier, *slash = strrchr(cls, '/');
    char name[64];
    snprintf(name, sizeof name, "eval-%s.bin", key);
    if (!slash) return gan_path_format(path, err, "%s", name);
    return gan_path_format(path, err, "%.*s/%s", (int)(slash - cls), cls, name);
}

/* The pool from a cache file; false (and nothing kept) when it is not one
 * for this key. */
static bool read_cache(eval_job *j, const char *path, const char *key, gan_error *err)
{
    gan_st_file f;
    if (gan_st_load(&f, path, NULL) != GAN_OK) return false;
    const char *format = gan_st_meta(&f, "format"), *stored = gan_st_meta(&f, "key");
    const int d = j->cls.arch.hidden, k = j->cls.arch.classes;
    const int64_t fshape[2] = {j->pool_n, d}, pshape[2] = {j->pool_n, k};
    float *features = malloc(sizeof(float) * (size_t)j->pool_n * d);
    double *probs = malloc(sizeof(double) * (size_t)j->pool_n * k);
    bool ok = features && probs && format && strcmp(format, CACHE_FORMAT) == 0 && stored &&
              strcmp(stored, key) == 0 &&
              gan_st_read(&f, "features", GAN_DT_F32, 2, fshape, features, NULL) == GAN_OK &&
              gan_st_read(&f, "probs", GAN_DT_F64, 2, pshape, probs, NULL) == GAN_OK;
    gan_st_close(&f);
    if (ok) return gan_eval_set_from(&j->pool, features, probs, j->pool_n, d, k, err) == GAN_OK;
    free(features), free(probs);
    return false;
}

static void write_cache(const eval_job *j, const char *path, const char *key)
{
    gan_st_list list = {.count = 0};
    const int64_t fshape[2] = {j->pool_n, j->pool.dim}, pshape[2] = {j->pool_n, j->pool.classes};
    gan_st_list_add(&list, "features", GAN_DT_F32, 2, fshape, j->pool.features);
    gan_st_list_add(&list, "probs", GAN_DT_F64, 2, pshape, j->pool.probs);
    const char *meta[] = {"format", CACHE_FORMAT, "key", key, "data", j->cfg.data_path};
    /* best effort: a folder gan may not write only costs the next run the time */
    (void)gan_st_save(path, list.e, list.count, meta, 3, NULL);
}

gan_status gan_eval_real_pool(eval_job *j, gan_eval_result *out, gan_error *err)
{
    char path[GAN_PATH_MAX];
    gan_status rc = cache_key(j, out->cache_key, err);
    if (rc == GAN_OK) rc = cache_path(j, out->cache_key, path, err);
    if (rc != GAN_OK) return rc;
    FILE *exists = j->req->no_cache ? NULL : fopen(path, "rb");
    if (exists) {
        fclose(exists);
        if (read_cache(j, path, out->cache_key, err)) {
            gan_eval_job_report(j, GAN_EVAL_CACHE, j->pool_n, 0, path);
            return GAN_OK;
        }
        gan_eval_job_report(j, GAN_EVAL_CACHE_BAD, j->pool_n, 0, path);
    }
    gan_eval_job_report(j, GAN_EVAL_CLASSIFYING_REAL, j->pool_n, 0, j->cfg.data_path);
    gan_dataset_source src = {&j->data, j->order};
    rc = gan_eval_set_compute(&j->pool, &j->cls, &j->cls_work, gan_dataset_images, &src, j->pool_n, err);
    if (rc == GAN_OK && !j->req->no_cache) write_cache(j, path, out->cache_key);
    return rc;
}
