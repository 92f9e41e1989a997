/* The training step's pieces that no file shows: the EMA of G's weights and
 * its batchnorm statistics, on the trainer gan bench also uses. */
#include <string.h>

#include "../../src/jobs/trainer.h"
#include "../common/check.h"
#include "gan/io/config.h"

/* A tiny trainer on noise images, as gan bench builds it; with labels
 * (8 images, labels[i] each, of 2 classes), a conditional one. */
static void build_labelled(gan_trainer *t, gan_config *cfg, double ema, const int32_t *labels)
{
    gan_config_defaults(cfg);
    cfg->image_size = 16, cfg->nz = 4, cfg->ngf = 4, cfg->ndf = 4, cfg->batch_size = 4, cfg->sample_count = 4;
    cfg->threads = 1, cfg->ema = ema, cfg->conditional = labels != NULL;
    memset(t, 0, sizeof *t);
    t->data.count = 8, t->data.size = 16, t->data.channels = 1;
    t->data.pixels = malloc(8 * 256);
    for (int i = 0; i < 8 * 256; i++) t->data.pixels[i] = (uint8_t)(i * 37);
    t->steps_per_epoch = 2;
    gan_error err;
    if (labels) {
        t->data.labels = malloc(sizeof(int32_t) * 8);
        memcpy(t->data.labels, labels, sizeof(int32_t) * 8);
        CHECK(gan_classes_numbered(&t->data.classes, 2, &err) == GAN_OK);
    }
    CHECK_MSG(gan_trainer_build(t, cfg, 4, &err) == GAN_OK, "%s", err.msg);
    gan_rng_seed(&t->rng, 5);
    gan_net_init_weights(&t->g, &t->rng);
    gan_net_init_weights(&t->d, &t->rng);
    gan_trainer_ema_start(t);
}

static void build(gan_trainer *t, gan_config *cfg, double ema) { build_labelled(t, cfg, ema, NULL); }

static void test_ema_update(void)
{
    gan_config cfg;
    gan_trainer t;
    build(&t, &cfg, 0.999);
    CHECK(t.ema_on && memcmp(t.ema.params, t.g.params, sizeof(float) * t.g.nparams) == 0);
    float *ema = malloc(sizeof(float) * t.g.nparams);
    for (int step = 1; step <= 3; step++) {
        memcpy(ema, t.ema.params, sizeof(float) * t.g.nparams);
        gan_trainer_step(&t);
        /* the warm-up: d = min(0.999, (1 + t) / (10 + t)) with t the G step just taken */
        const float d = (float)((1.0 + step) / (10.0 + step)), c = 1.0f - d;
        long bad = 0;
        for (size_t i = 0; i < t.g.nparams; i++) bad += t.ema.params[i] != d * ema[i] + c * t.g.params[i];
        CHECK_MSG(bad == 0, "step %d: %ld EMA weights are not d * ema + (1 - d) * G", step, bad);
    }
    /* Statistics of its own: measured afresh, the same when asked twice at one step, not G's. */
    gan_net *s = gan_trainer_sampler(&t);
    CHECK(s == &t.ema);
    float *stats = malloc(sizeof(float) * t.ema.nstats);
    memcpy(stats, t.ema.stats, sizeof(float) * t.ema.nstats);
    gan_trainer_sampler(&t);
    CHECK(memcmp(stats, t.ema.stats, sizeof(float) * t.ema.nstats) == 0);
    CHECK(memcmp(stats, t.g.stats, sizeof(float) * t.g.nstats) != 0);
    free(ema), free(stats);
    gan_trainer_free(&t);
    /* without train.ema the sampler is G itself */
    build(&t, &cfg, 0.0);
    CHECK(!t.ema_on && gan_trainer_sampler(&t) == &t.g);
    gan_trainer_free(&t);
}

/* gan_net_measure_bn: each running mean is the mean of the passes' batch means. */
static void test_measure_bn(void)
{
    gan_config cfg;
    gan_trainer t;
    build(&t, &cfg, 0.0);
    gan_net *g = &t.g;
    const int passes = 5, n = 4, oc = g->st[0].geom.oc;
    double want[64] = {0};
    gan_rng a, b;
    gan_rng_seed(&a, 11), gan_rng_seed(&b, 11);
    for (int k = 0; k < passes; k++) { /* the same latents, one pass at a time */
        gan_rng_normal(&a, t.z, (long)cfg.nz * n, 0.0f, 1.0f);
        gan_net_forward(g, &t.work, t.z, NULL, n, GAN_MODE_TRAIN);
        for (int c = 0; c < oc; c++) want[c] += g->st[0].mean[c] / passes;
    }
    gan_net_measure_bn(g, &t.work, &b, t.z, NULL, n, passes);
    double worst = 0;
    for (int c = 0; c < oc; c++) worst = fmax(worst, fabs(g->st[0].running_mean[c] - want[c]));
    CHECK_MSG(worst < 1e-6, "running mean off the mean of batch means by %g", worst);
    gan_trainer_free(&t);
}

/* A conditional G's training classes come as often as the data's: with
 * 1 image in 8 of class 1, about 1 in 8 of its classes, not 1 in 2. */
static void test_fake_labels_follow_data(void)
{
    const int32_t labels[8] = {0, 0, 0, 0, 0, 1, 0, 0};
    gan_config cfg;
    gan_trainer t;
    build_labelled(&t, &cfg, 0.0, labels);
    long ones = 0, all = 0;
    for (int step = 0; step < 100; step++) {
        gan_trainer_step(&t);
        for (int i = 0; i < cfg.batch_size; i++) ones += t.fake_labels[i], all++;
    }
    /* 400 draws of p = 1/8: 50 expected, a standard deviation of 6.6 */
    CHECK_MSG(ones > 25 && ones < 75, "%ld of %ld fake labels are class 1; the data has 1 in 8", ones, all);
    gan_trainer_free(&t);
}

int main(void)
{
    test_ema_update();
    test_measure_bn();
    test_fake_labels_follow_data();
    return check_exit("test_train");
}
