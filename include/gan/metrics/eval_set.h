/* Sample-quality measures in a classifier's feature space: a set of
 * images (real or generated) run through the classifier once, kept as its
 * feature statistics and class histogram, and two sets compared (FID, IS,
 * the classes; gan/metrics/fid.h and class_scores.h). */
#ifndef GAN_METRICS_EVAL_SET_H
#define GAN_METRICS_EVAL_SET_H

#include <stdbool.h>

#include "gan/core/error.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/models/classifier.h"
#include "gan/models/dcgan.h"

/* The classifier's batch when it measures images (training's evaluations and gan eval). */
enum { GAN_EVAL_BATCH = 250 };

/* What a set of images looks like to the classifier. */
typedef struct {
    long n;
    int dim, classes;
    double *mean, *cov;     /* features: [dim], [dim, dim] */
    long *counts;           /* predicted-class histogram [classes] */
    double inception_score; /* over every image */
    double is_mean, is_std; /* over 10 splits (Salimans et al.'s protocol) */
    float *features;        /* [n, dim]: the penultimate features (KID, precision and recall, neighbours) */
    double *probs;          /* [n, classes]: the classifier's softmax */
} gan_eval_set;

/* Fills out[C, n, S, S] (values in [-1, 1]) with images first .. first+n-1. */
typedef void (*gan_image_source)(void *ctx, long first, int n, float *out);
/* Runs n >= 2 images from src through the classifier (inference mode) in
 * batches of its max_batch; work is the classifier's (gan_classifier_work_plan). */
gan_status gan_eval_set_compute(gan_eval_set *s, gan_classifier *c, const gan_work *work,
                                gan_image_source src, void *ctx, long n, gan_error *err);
void gan_eval_set_free(gan_eval_set *s);
/* A set from features [n, dim] and probabilities [n, classes] it takes over
 * (a cache's, or a part of another set's): the statistics are computed here. */
gan_status gan_eval_set_from(gan_eval_set *s, float *features, double *probs, long n, int dim, int classes,
                             gan_error *err);
/* Rows [first, first + n) of a set, as a set of their own. */
gan_status gan_eval_set_part(gan_eval_set *part, const gan_eval_set *s, long first, long n, gan_error *err);
/* The rows rows[0..n) of a set, as a set of their own. */
gan_status gan_eval_set_select(gan_eval_set *part, const gan_eval_set *s, const long *rows, long n,
                               gan_error *err);

/* Image sources for gan_eval_set_compute. */
typedef struct {
    gan_net *g;           /* a generator */
    const gan_work *work; /* its working memory */
    gan_rng rng;          /* draws the latent vectors, N(0, 1) */
    gan_mode bn_mode;     /* GAN_MODE_EVAL: running statistics; GAN_MODE_TRAIN: the batch's */
    double truncation;    /* latents' truncation psi (gan_rng_truncated_normal); 0: none */
    float *z;             /* [nz, g->max_batch], the caller's */
    /* a conditional g: the class of image i is labels[i] (i counted from 0 over
     * the source's images); with labels NULL, drawn from rng as the label of a
     * random image of label_data (as often as its classes are), or uniformly
     * when label_data is NULL too */
    const int32_t *labels;
    const gan_dataset *label_data;
    int32_t *label_buf; /* [g->max_batch], the caller's (a conditional g only) */
    int size; /* the side images are delivered at (a power-of-two ratio to g's, gan_resample_pow2); 0: g's
                           image_size */
} gan_generator_source;
void gan_generator_images(void *ctx, long first, int n, float *out);

typedef struct {
    const gan_dataset *data;
    const int32_t *idx; /* which images, in order */
} gan_dataset_source;

/* *order = the real images in a seeded random order, the stream's own (so
 * that the first n are a fair subset, the same for the same seed); the
 * caller frees it. */
gan_status gan_real_order(const gan_dataset *data, uint64_t seed, gan_stream stream, int32_t **order,
                          gan_error *err);
void gan_dataset_images(void *ctx, long first, int n, float *out);

enum { GAN_EVAL_MAX_WARNINGS = 4 };
typedef struct {
    double fid;
    double is_real, is_gen;
    double entropy_real, entropy_gen, entropy_max; /* bits; max = log2(classes) */
    int classes_covered; /* classes whose generated share is at least a quarter of their real share */
    int nwarnings;
    char warnings[GAN_EVAL_MAX_WARNINGS][200];
} gan_eval_report;

/* Compares generated images with real ones. Warns when a class that real
 * data has is missing from the samples, or when one class takes more than
 * twice its real share and more than 2/classes of the samples. */
gan_status gan_eval_compare(gan_eval_report *r, const gan_eval_set *real, const gan_eval_set *gen,
                            gan_error *err);

#endif
