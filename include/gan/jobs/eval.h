/* The job behind gan eval: generated images (from a generator, or a .npy)
 * against real ones, in a classifier's feature space (gan/metrics), each
 * score beside its floor: the same score between two disjoint halves of the
 * real images at the same sample count, what a perfect generator would get. */
#ifndef GAN_JOBS_EVAL_H
#define GAN_JOBS_EVAL_H

#include <stdbool.h>
#include <stdint.h>

#include "gan/core/error.h"
#include "gan/core/path.h"
#include "gan/data/classes.h"
#include "gan/metrics/eval_set.h"
#include "gan/metrics/kid.h"
#include "gan/metrics/neighbours.h"
#include "gan/models/dcgan.h"

enum { GAN_EVAL_MAX_IMAGES = 100000 };

typedef struct {
    const char *classifier;  /* classifier.bin (gan classify train) */
    const char *ckpt, *npy;  /* the generated images: a generator, or a .npy [n, C, H, W] in [-1, 1] */
    const char *data;        /* the real images; NULL: the classifier's training data */
    const char *const *sets; /* "key=value" changes to the real data's config, nsets of them */
    int nsets;
    long n;                  /* images to generate; -1: 5000 (with npy: every image, and -1) */
    long real;               /* real images; -1: as many as generated */
    uint64_t seed;           /* of the latents and of the real subset */
    gan_mode bn_mode;        /* the generator's batchnorm */
    double truncation;       /* the latents' truncation psi; 0: none */
    int kid_subsets;         /* KID's subsets (0: 100) ... */
    int kid_size;            /* ... of this many images each (0: 1000, or fewer when there are fewer) */
    int k;                   /* precision and recall's neighbours (0: 3) */
    bool per_class;          /* within-class scores and floors (always for a conditional generator) */
    int nearest;             /* > 0: the memorisation check, with a grid of this many closest pairs */
    bool nearest_pixels;     /* its distances in pixels instead of features */
    const char *nearest_out; /* the grid of pairs (NULL: nearest.png) */
    bool no_cache;           /* compute the real images' features afresh, and keep no cache */
} gan_eval_request;

/* What the job is doing, for a progress line. */
typedef enum {
    GAN_EVAL_CLASSIFYING_REAL, /* n real images from path */
    GAN_EVAL_GENERATING,       /* n generated images */
    GAN_EVAL_PER_CLASS,        /* n images of each of `classes` classes (a conditional generator) */
    GAN_EVAL_CACHE,            /* the real images' features from the cache file path */
    GAN_EVAL_CACHE_BAD,        /* the cache file path did not hold what its name promises: rebuilt */
    GAN_EVAL_NEAREST           /* the memorisation check: n training images */
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

/* Every score the job gives, for one comparison. */
typedef struct {
    double fid;
    gan_kid_result kid;
    gan_prdc_result prdc;
} gan_eval_scores;

/* The memorisation check: each generated image's nearest training image,
 * against the nearest other training image of real ones. */
typedef struct {
    long train_images, reference_images;
    double threshold;        /* the 1st percentile of the real images' nearest distances */
    double share_below;      /* the share of generated images nearer than that to a training image */
    double median_ratio;     /* the generated images' median nearest distance over the real ones' */
    bool pixels;             /* distances in pixels (else in features) */
    char grid[GAN_PATH_MAX]; /* the pairs' grid */
} gan_nearest_report;

/* Class by class: a conditional generator's classes, or (with per_class) an
 * unconditional one's images grouped by the class the classifier gives them. */
typedef struct {
    int classes;
    bool conditional;             /* agreement measured: the classes asked for */
    double *agreement;            /* [classes]: the share of class-k samples the classifier labels k */
    long *real_count, *gen_count; /* [classes]: the images on each side (the floor: real_count each) */
    gan_eval_scores *scores,
        *floor; /* [classes]: class-k samples against real class-k images; two real halves */
    double mean_agreement, min_agreement;
    int min_class; /* the class of min_agreement */
    double mean_fid, mean_kid, mean_fid_floor, mean_kid_floor;
} gan_class_report;

typedef struct {
    gan_eval_report report; /* FID, IS and the classes, generated against real */
    gan_eval_set real, gen;
    gan_eval_scores scores, floor; /* generated against real; real against the other real half */
    long n_floor;                  /* images in each half of the floor */
    char real_path[GAN_PATH_MAX];  /* where the real images came from */
    char cache_key[24];            /* the real statistics' key (data, classifier, count, seed) */
    int64_t step;                  /* the generator's training step */
    gan_class_report classes;      /* per class (else classes.classes is 0) */
    gan_classes names;             /* the class names */
    long n_per;                    /* images of each class in the per-class measures */
    bool nearest_done;
    gan_nearest_report nearest;
} gan_eval_result;

gan_status gan_eval_run(const gan_eval_request *req, const gan_eval_reporter *reporter, gan_eval_result *out,
                        gan_error *err);
void gan_eval_result_free(gan_eval_result *r);

#endif
