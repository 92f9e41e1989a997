/* gan eval's job while it runs (private to src/jobs: eval.c drives it,
 * eval_cache.c keeps the real images' features, eval_classes.c measures
 * class by class, eval_nearest.c checks for copies of the training set). */
#ifndef GAN_JOBS_EVAL_JOB_H
#define GAN_JOBS_EVAL_JOB_H

#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/io/config.h"
#include "gan/jobs/eval.h"
#include "gan/models/classifier.h"

typedef struct {
    const gan_eval_request *req;
    const gan_eval_reporter *reporter;
    gan_pool *pool_threads;
    gan_classifier cls;
    gan_work cls_work, g_work;
    char *cls_config; /* the classifier's training config (JSON) */
    gan_net g;        /* with req->ckpt */
    float *npy;       /* with req->npy: [n, C, H, W] */
    gan_config cfg;   /* the real data's */
    gan_dataset data;
    int32_t *order;    /* the real images, in a seeded order */
    gan_eval_set pool; /* the first pool_n images of that order through the classifier */
    long pool_n;
    float *z;
    int32_t *labels;
    long n_gen, n_real;
    int64_t step; /* the generator's training step */
    int kid_subsets, kid_size, k;
    gan_rng kid_rng;
} eval_job;

void gan_eval_job_report(const eval_job *j, gan_eval_stage stage, long n, int classes, const char *path);

/* eval_cache.c: j->pool, from the cache beside the classifier when it holds
 * it, else classified and written there; out->cache_key names it. */
gan_status gan_eval_real_pool(eval_job *j, gan_eval_result *out, gan_error *err);

/* FID, KID and precision/recall/density/coverage of b against a. */
gan_status gan_eval_scores_of(eval_job *j, const gan_eval_set *a, const gan_eval_set *b, gan_eval_scores *s,
                              gan_error *err);

/* eval_classes.c: within-class scores and floors (and, for a conditional
 * generator, class agreement). */
gan_status gan_eval_per_class(eval_job *j, gan_eval_result *out, gan_error *err);

/* eval_nearest.c: the memorisation check. */
gan_status gan_eval_nearest(eval_job *j, gan_eval_result *out, gan_error *err);

#endif
