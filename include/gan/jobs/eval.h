/* The job behind gan eval: generated images (from a generator, or a .npy)
 * against real ones, in a classifier's feature space (gan/metrics). */
#ifndef GAN_JOBS_EVAL_H
#define GAN_JOBS_EVAL_H

#include <stdint.h>

#include "gan/core/error.h"
#include "gan/core/path.h"
#include "gan/data/classes.h"
#include "gan/metrics/eval_set.h"
#include "gan/models/dcgan.h"

enum { GAN_EVAL_MAX_IMAGES = 100000 };

typedef struct {
    const char *classifier;  /* classifier.bin (gan classify train) */
    const char *ckpt, *npy;  /* the generated images: a generator, or a .npy [n, C, H, W] in [-1, 1] */
    const char *data;        /* the real images; NULL: the classifier's training data */
    const char *const *sets; /* "key=value" changes to the real data's config, nsets of them */
    int nsets;
    long n;            /* images to generate; -1: 5000 (with npy: every image, and -1) */
    long real;         /* real images; -1: as many as generated */
    uint64_t seed;     /* of the latents and of the real subset */
    gan_mode bn_mode;  /* the generator's batchnorm */
    double truncation; /* the latents' truncation psi; 0: none */
} gan_eval_request;

/* What the job is doing, for a progress line. */
typedef enum {
    GAN_EVAL_CLASSIFYING_REAL, /* n real images from path */
    GAN_EVAL_GENERATING,       /* n generated images */
    GAN_EVAL_PER_CLASS         /* n images of each of `classes` classes (a conditional generator) */
} gan_eval_stage;

typedef struct {
    gan_eval_stage stage;
    long n;
    int classes;
    const char *path;
} gan_eval_progress;

typedef struct {
    void (*progress)(const gan_eval_progress *p, void *ctx); /* NULL: nothing reported */
    void *ctx;
} gan_eval_reporter;

typedef struct {
    gan_eval_report report;
    gan_eval_set real, gen;
    char real_path[GAN_PATH_MAX]; /* where the real images came from */
    int64_t step;                 /* the generator's training step */
    gan_class_report classes;     /* a conditional generator, class by class (else classes.classes is 0) */
    gan_classes names;            /* its class names */
    long n_per;                   /* images of each class in the per-class measures */
} gan_eval_result;

gan_status gan_eval_run(const gan_eval_request *req, const gan_eval_reporter *reporter, gan_eval_result *out,
                        gan_error *err);
void gan_eval_result_free(gan_eval_result *r);

#endif
