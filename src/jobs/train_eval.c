/* Evaluation during training (eval.classifier): FID, IS and classes every
 * eval.every steps and at the end, the lowest-FID generator kept as g_best.bin. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/clock.h"
#include "gan/io/checkpoint.h"
#include "train_run.h"

gan_status gan_run_eval_setup(gan_run *r, gan_error *err)
{
    const gan_config *c = r->t.cfg;
    if (!c->eval_classifier[0]) {
        if (c->eval_every > 0)
            return gan_fail(err, GAN_ERR_INPUT, "config: eval.every needs eval.classifier");
        return GAN_OK;
    }
    gan_status rc = gan_classifier_load(c->eval_classifier, &r->cls, GAN_EVAL_BATCH, NULL, err);
    if (rc != GAN_OK) return rc;
    r->eval_on = true;
    if (gan_work_alloc(&r->cls_work, gan_classifier_work_plan(&r->cls), r->t.pool) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the classifier");
    if (r->cls.arch.image_size != c->image_size || r->cls.arch.channels != c->channels)
        return gan_fail(err, GAN_ERR_INPUT, "%s: reads %dx%dx%d images, but this run makes %dx%dx%d",
                        c->eval_classifier, r->cls.arch.image_size, r->cls.arch.image_size,
                        r->cls.arch.channels, c->image_size, c->image_size, c->channels);
    const gan_dataset *data = &r->t.data;
    const long n = c->eval_samples < data->count ? c->eval_samples : data->count;
    int32_t *idx = NULL; /* a seeded subset of the training images, the same on every resume */
    r->eval_z = malloc(sizeof(float) * (size_t)c->nz * r->t.g.max_batch);
    if (!r->eval_z) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    rc = gan_real_order(data, c->seed, GAN_STREAM_TRAIN_EVAL, &idx, err);
    if (rc != GAN_OK) return rc;
    gan_dataset_source src = {data, idx};
    rc = gan_eval_set_compute(&r->real_stats, &r->cls, &r->cls_work, gan_dataset_images, &src, n, err);
    free(idx);
    return rc;
}

/* eval.metrics: KID over 10 subsets (the same draws at every evaluation),
 * and precision, recall, density and coverage with k = 3. */
static gan_status extra_metrics(gan_run *r, const gan_eval_set *gen, gan_error *err)
{
    const gan_eval_set *real = &r->real_stats;
    const int flags = r->t.cfg->eval_metrics;
    memset(&r->kid, 0, sizeof r->kid), memset(&r->prdc, 0, sizeof r->prdc);
    const long fewest = real->n < gen->n ? real->n : gen->n;
    gan_status rc = GAN_OK;
    if (flags & GAN_EVAL_KID) {
        gan_rng rng;
        gan_rng_seed_stream(&rng, r->t.cfg->seed, GAN_STREAM_EVAL_REAL);
        rc = gan_kid(real->features, real->n, gen->features, gen->n, real->dim, 10,
                     (int)(fewest < 1000 ? fewest : 1000), &rng, &r->kid, err);
    }
    if (rc == GAN_OK && (flags & GAN_EVAL_PR))
        rc = gan_prdc(real->features, real->n, gen->features, gen->n, real->dim, 3, &r->prdc, err);
    return rc;
}

gan_status gan_run_evaluate(gan_run *r, gan_error *err)
{
    const gan_config *c = r->t.cfg;
    const double t0 = gan_seconds();
    gan_generator_source src = {.g = gan_trainer_sampler(&r->t),
                                .work = &r->t.work,
                                .bn_mode = GAN_MODE_EVAL,
                                .z = r->eval_z,
                                .label_buf = r->t.fake_labels,
                                .label_data = &r->t.data}; /* classes as often as in the training data */
    /* the same latents at every evaluation (like the sample grid's fixed
     * noise), so FID changes reflect G, not the draw */
    gan_rng_seed_stream(&src.rng, c->seed, GAN_STREAM_TRAIN_EVAL);
    gan_eval_set gen;
    gan_status rc =
        gan_eval_set_compute(&gen, &r->cls, &r->cls_work, gan_generator_images, &src, c->eval_samples, err);
    if (rc == GAN_OK) rc = gan_eval_compare(&r->report, &r->real_stats, &gen, err);
    if (rc == GAN_OK) rc = extra_metrics(r, &gen, err);
    gan_eval_set_free(&gen);
    if (rc != GAN_OK) return rc;
    r->evaluated = true;
    const bool best = r->report.fid < r->best_fid;
    if (best) {
        rc = gan_model_save(r->paths.g_best, gan_trainer_sampler(&r->t), r->t.step, r->config_json,
                            gan_run_weights_note(r), err);
        if (rc != GAN_OK) return rc;
        r->best_fid = r->report.fid;
    }
    const gan_train_eval done = {.step = r->t.step,
                                 .report = &r->report,
                                 .kid = r->kid.subsets > 0 ? &r->kid : NULL,
                                 .prdc = r->prdc.k > 0 ? &r->prdc : NULL,
                                 .best = best,
                                 .classes = r->cls.arch.classes};
    gan_run_report(r, (gan_train_event){.kind = GAN_TRAIN_EVALUATED, .eval = &done});
    r->t_log += gan_seconds() - t0; /* img/s counts training time only */
    return GAN_OK;
}

void gan_run_eval_free(gan_run *r)
{
    gan_classifier_free(&r->cls);
    gan_work_free(&r->cls_work);
    gan_eval_set_free(&r->real_stats);
    free(r->eval_z);
}
