/* The training step, readable top to bottom in gan_trainer_step(): D on a
 * real batch, D on a fake batch, D update, G through D, G update. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/blas.h"
#include "gan/core/dispatch.h"
#include "gan/core/partials.h"
#include "gan/nn/avgpool2d.h"
#include "gan/nn/gan_loss.h"
#include "gan/nn/progressive.h"
#include "trainer.h"

static void sum_over_ranks(void *ctx, double *v, int n) { gan_comm_sum_doubles(ctx, v, n); }
static void sum_floats_over_ranks(void *ctx, float *v, long n) { gan_comm_sum_floats(ctx, v, n); }

/* Deterministic mode's demands on the batch and the ranks (gan/core/partials.h). */
static gan_status check_partials(const gan_trainer *t, gan_error *err)
{
    const int B = t->cfg->batch_size, P = t->ranks;
    if (B % GAN_PARTIALS != 0)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "config: train.deterministic cuts the batch into %d equal partials; train.batch_size %d "
            "is not a multiple of %d",
            GAN_PARTIALS, B, GAN_PARTIALS);
    if (GAN_PARTIALS % P != 0)
        return gan_fail(err, GAN_ERR_INPUT,
                        "config: train.deterministic needs 1, 2, 4 or %d ranks (each holds whole partials of "
                        "the %d), not %d",
                        GAN_PARTIALS, GAN_PARTIALS, P);
    return GAN_OK;
}

/* What the config asks of the batch and the ranks. */
static gan_status check_batch(gan_trainer *t, const gan_config *c, gan_error *err)
{
    const int B = c->batch_size;
    if (B % t->ranks != 0)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "config: train.batch_size %d does not divide among %d ranks (each takes an equal slice); "
            "use a multiple of %d",
            B, t->ranks, t->ranks);
    if (c->deterministic == GAN_ON) {
        gan_status rc = check_partials(t, err);
        if (rc != GAN_OK) return rc;
    }
    if (c->class_loss > 0.0 && !c->conditional)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "config: train.class_loss needs model.conditional true (it learns the data's classes)");
    return GAN_OK;
}

/* G (for batches up to g_batch), D and the EMA generator, with the data's
 * classes when conditional, and the threads and working memory they share. */
static gan_status build_nets(gan_trainer *t, const gan_config *c, int g_batch, gan_error *err)
{
    gan_arch arch = gan_config_arch(c);
    if (c->conditional) arch.classes = t->data.classes.count;
    gan_status rc = gan_arch_check(&arch, "config: model.", err);
    if (rc != GAN_OK) return rc;
    t->ema_on = c->ema > 0.0;
    t->ema_stats_step = -1;
    if (gan_net_build(&t->g, &arch, GAN_NET_GENERATOR, g_batch) != GAN_OK ||
        gan_net_build(&t->d, &arch, GAN_NET_DISCRIMINATOR, c->batch_size) != GAN_OK ||
        (t->ema_on && gan_net_build(&t->ema, &arch, GAN_NET_GENERATOR, g_batch) != GAN_OK))
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory building the networks");
    if (c->conditional) { /* every net that is saved names its classes */
        rc = gan_classes_copy(&t->g.classes, &t->data.classes, err);
        if (rc == GAN_OK) rc = gan_classes_copy(&t->d.classes, &t->data.classes, err);
        if (rc == GAN_OK && t->ema_on) rc = gan_classes_copy(&t->ema.classes, &t->data.classes, err);
        if (rc != GAN_OK) return rc;
    }
    t->pool = gan_threads_start(c->threads);
    const gan_work_plan plan = gan_work_plan_max(gan_net_work_plan(&t->g), gan_net_work_plan(&t->d));
    if (gan_work_alloc(&t->work, plan, t->pool) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the networks' working memory");
    return GAN_OK;
}

/* The step's batches: images, latents, labels, the data order, DiffAugment's. */
static gan_status alloc_batches(gan_trainer *t, const gan_config *c, int g_batch, gan_error *err)
{
    const int B = c->batch_size, most = B > g_batch ? B : g_batch;
    const long img = (long)c->channels * c->image_size * c->image_size;
    t->real = malloc(sizeof(float) * (size_t)B * img);
    t->z = malloc(sizeof(float) * (size_t)B * c->nz);
    t->dlogits = malloc(sizeof(float) * (size_t)B);
    t->batch_idx = malloc(sizeof(int32_t) * (size_t)B);
    t->perm = malloc(sizeof(int32_t) * (size_t)(t->data.count > 0 ? t->data.count : 1));
    t->perm_epoch = -1;
    if (!t->real || !t->z || !t->dlogits || !t->batch_idx || !t->perm)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (c->conditional) {
        t->real_labels = malloc(sizeof(int32_t) * (size_t)most);
        t->fake_labels = malloc(sizeof(int32_t) * (size_t)most);
        if (!t->real_labels || !t->fake_labels) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    }
    t->augment = c->augment; /* the config's GAN_AUGMENT_* flags are nn's GAN_AUG_* */
    if (!t->augment) return GAN_OK;
    t->aug_real = malloc(sizeof(float) * (size_t)B * img);
    t->aug_fake = malloc(sizeof(float) * (size_t)B * img);
    t->aug_grad = malloc(sizeof(float) * (size_t)B * img);
    t->aug_scratch = malloc(sizeof(float) * 2 * (size_t)img);
    t->aug_draws = malloc(sizeof *t->aug_draws * (size_t)B);
    if (!t->aug_real || !t->aug_fake || !t->aug_grad || !t->aug_scratch || !t->aug_draws)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    return GAN_OK;
}

/* Sums over the ranks (batchnorm's, the gradients') and deterministic
 * mode's fixed partials. */
static gan_status setup_sync(gan_trainer *t, const gan_config *c, gan_error *err)
{
    int widest = 1; /* channels of the widest batchnorm: its sums go through the sync buffer */
    for (int i = 0; i < t->g.nstages; i++)
        if (t->g.st[i].geom.oc > widest) widest = t->g.st[i].geom.oc;
    for (int i = 0; i < t->d.nstages; i++)
        if (t->d.st[i].geom.oc > widest) widest = t->d.st[i].geom.oc;
    t->sync = (gan_batch_sync){.sum = sum_over_ranks,
                               .sum_floats = sum_floats_over_ranks,
                               .ctx = t->comm,
                               .parts = t->ranks,
                               .buffer = malloc(sizeof(double) * 2 * (size_t)widest),
                               .capacity = 2 * widest};
    if (!t->sync.buffer) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    size_t most = gan_net_largest_grad(&t->g); /* the largest single gradient tree */
    if (gan_net_largest_grad(&t->d) > most) most = gan_net_largest_grad(&t->d);
    if (t->deterministic) {
        t->sync.partials = GAN_PARTIALS / t->ranks;
        t->sync.reduce_capacity = gan_partials_scratch_floats(t->sync.partials, most);
        t->sync.reduce = malloc(sizeof(float) * t->sync.reduce_capacity);
        if (!t->sync.reduce)
            return gan_fail(err, GAN_ERR_NOMEM, "out of memory for train.deterministic's sums");
    }
    if (t->ranks == 1) return GAN_OK;
    t->z_local = malloc(sizeof(float) * (size_t)t->local_batch * c->nz);
    if (!t->z_local) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    const size_t params = t->g.nparams > t->d.nparams ? t->g.nparams : t->d.nparams;
    return gan_comm_reserve(t->comm, (long)(params > (size_t)widest * 2 ? params : (size_t)widest * 2), err);
}

gan_status gan_trainer_build(gan_trainer *t, const gan_config *c, int g_batch, gan_error *err)
{
    t->cfg = c;
    t->loss = c->loss;
    t->rank = gan_comm_rank(t->comm);
    t->ranks = gan_comm_size(t->comm);
    gan_status rc = check_batch(t, c, err);
    if (rc != GAN_OK) return rc;
    /* "auto": deterministic sums under MPI, where they cost least (the ranks
     * exchange per tensor anyway), when the batch and rank count allow them */
    t->deterministic =
        c->deterministic == GAN_ON || (c->deterministic == GAN_AUTO && t->ranks > 1 &&
                                       c->batch_size % GAN_PARTIALS == 0 && GAN_PARTIALS % t->ranks == 0);
    t->local_batch = c->batch_size / t->ranks;
    rc = build_nets(t, c, g_batch, err);
    if (rc == GAN_OK) rc = alloc_batches(t, c, g_batch, err);
    if (rc == GAN_OK && (t->ranks > 1 || t->deterministic)) rc = setup_sync(t, c, err);
    return rc;
}

void gan_trainer_free(gan_trainer *t)
{
    gan_dataset_free(&t->data);
    gan_net_free(&t->d);
    gan_net_free(&t->g);
    gan_net_free(&t->ema);
    gan_work_free(&t->work);
    gan_pool_free(t->pool);
    free(t->real), free(t->z), free(t->dlogits), free(t->batch_idx), free(t->perm);
    free(t->real_labels), free(t->fake_labels);
    free(t->aug_real), free(t->aug_fake), free(t->aug_grad), free(t->aug_scratch), free(t->aug_draws);
    free(t->z_local), free(t->sync.buffer), free(t->sync.reduce);
    memset(t, 0, sizeof *t);
}

/* G's learning rate at this step: train.lr_g_early for the first
 * train.lr_g_early_steps steps. It depends on the step alone, so a resumed
 * run uses the rate the uninterrupted one would. */
static double g_learning_rate(const gan_trainer *t)
{
    const gan_config *c = t->cfg;
    return c->lr_g_early > 0.0 && t->step < c->lr_g_early_steps ? c->lr_g_early : c->lr_g;
}

/* Both rates' factor at this step: train.lr_decay_steps before the run's end
 * it falls linearly, (steps left) / N, to 1/N at the last step. It depends on
 * the step and the run's length alone, so a resumed run decays as the
 * uninterrupted one would (as long as the length is kept). */
static double decay_factor(const gan_trainer *t)
{
    const int64_t n = t->cfg->lr_decay_steps, left = t->total_steps - t->step;
    if (n <= 0 || t->total_steps <= 0 || left >= n) return 1.0;
    return left > 0 ? (double)left / (double)n : 1.0 / (double)n;
}

/* ema = d ema + (1 - d) G, with a warm-up: d = min(train.ema, (1 + t) / (10 + t)), so the
 * average is not dominated by the random initial weights in a short run. */
GAN_HOT static void ema_update(gan_trainer *t)
{
    const double tt = (double)t->t_g;
    const double warm = (1.0 + tt) / (10.0 + tt);
    const float d = (float)(t->cfg->ema < warm ? t->cfg->ema : warm), c = 1.0f - d;
    float *e = t->ema.params;
    const float *g = t->g.params;
    for (size_t i = 0; i < t->g.nparams; i++) e[i] = d * e[i] + c * g[i];
}

/* Data order: a permutation per epoch drawn from (seed, epoch) alone, so a
 * resumed run sees exactly the batches the uninterrupted one would. */
static void ensure_perm(gan_trainer *t, int64_t epoch)
{
    if (t->perm_epoch == epoch) return;
    gan_rng r;
    gan_rng_seed_indexed(&r, t->cfg->seed, GAN_STREAM_EPOCH_ORDER, epoch);
    gan_rng_permutation(&r, t->perm, t->data.count);
    t->perm_epoch = epoch;
}

/* This rank's slice of the next global batch, at the phase's size. */
static void next_real_batch(gan_trainer *t)
{
    const int B = t->cfg->batch_size, n = t->local_batch;
    const int64_t epoch = t->cursor / t->steps_per_epoch, b = t->cursor % t->steps_per_epoch;
    ensure_perm(t, epoch);
    memcpy(t->batch_idx, t->perm + b * B + (int64_t)t->rank * n, sizeof(int32_t) * n);
    gan_dataset_batch(&t->data, t->batch_idx, n, t->real);
    /* box-filtered down, in place (each 2x2 block is read before its mean is
     * written, at an index no later than the block's) */
    for (int side = t->cfg->image_size; side > t->d.size; side /= 2)
        gan_avgpool2_forward(t->real, t->real, (long)t->cfg->channels * n, side, side);
    /* in a fade, real images are blended across the two sides as G's are
     * (ProGAN): else D tells a half-blocky fake from a sharp real by that alone */
    if (t->d.blend < 1.0f)
        gan_fade_down(t->real, (long)t->cfg->channels * n, t->d.size, t->d.size, t->d.blend);
    if (t->real_labels) gan_dataset_batch_labels(&t->data, t->batch_idx, n, t->real_labels);
    t->cursor++;
}

/* The global batch's latents [nz, B] are drawn whole, from the one stream,
 * so every rank's stream stays in step; this rank's columns are its z. */
static const float *next_latents(gan_trainer *t)
{
    const int B = t->cfg->batch_size, n = t->local_batch, nz = t->cfg->nz;
    gan_rng_normal(&t->rng, t->z, (long)nz * B, 0.0f, 1.0f);
    if (t->ranks == 1) return t->z;
    for (int k = 0; k < nz; k++)
        memcpy(t->z_local + (size_t)k * n, t->z + (size_t)k * B + (size_t)t->rank * n, sizeof(float) * n);
    return t->z_local;
}

/* The class of every fake in the global batch, drawn whole; this rank's
 * start at the returned pointer. */
static const int32_t *next_fake_labels(gan_trainer *t)
{
    if (!t->fake_labels) return NULL;
    /* Each the label of a random training image, so that G's classes come
     * as often as the data's: with uniform classes, a data set whose classes
     * differ in size would let D tell fakes by their class alone (a real
     * "Component" emoji is 1 in 760, a fake one 1 in 10). */
    gan_dataset_draw_labels(&t->data, &t->rng, t->fake_labels, t->cfg->batch_size);
    return t->fake_labels + (size_t)t->rank * t->local_batch;
}

/* Over the ranks: the gradient sum, once per phase, one flat buffer.
 * Deterministic mode's gradients come out of backward summed over the ranks
 * already, one tree per tensor. */
static void sum_grads(gan_trainer *t, gan_net *net)
{
    if (t->ranks > 1 && !t->deterministic) gan_comm_sum_floats(t->comm, net->grads, (long)net->nparams);
}

/* The logged numbers, and train.d_loss_floor's, are means over the global
 * batch of per-sample values: this rank's sum, summed over the ranks, over
 * the batch size. Deterministic mode takes this rank's sum per partial, in
 * its tree, so that they too have the same bytes for any rank count. */
typedef enum { STAT_LOSS, STAT_D_OUTPUT, STAT_CLASS_LOSS } stat_kind;

static double local_stat_sum(const gan_trainer *t, stat_kind what, gan_loss_term term, const float *logits)
{
    const int k = gan_partials_on(&t->sync) ? t->sync.partials : 1, per = t->local_batch / k;
    const float real_target = (float)(1.0 - t->cfg->label_smoothing);
    double part[GAN_PARTIALS_MAX];
    for (int j = 0; j < k; j++) {
        const int lo = j * per;
        part[j] = what == STAT_LOSS ? gan_adversarial_loss_sum(t->loss, term, logits + lo, per, real_target)
                  : what == STAT_D_OUTPUT ? gan_d_output_sum(t->loss, logits + lo, per)
                                          : gan_net_class_loss_sum(&t->d, lo, lo + per);
    }
    return gan_tree_sum_doubles(part, k);
}

static void global_means(gan_trainer *t, double *v, int n)
{
    if (t->ranks > 1) gan_comm_sum_doubles(t->comm, v, n);
    for (int i = 0; i < n; i++) v[i] /= t->cfg->batch_size;
}

/* The loss's gradient is a mean over this rank's slice; over the global
 * batch each sample weighs 1/B, not 1/local_batch. */
static void scale_to_global(gan_trainer *t)
{
    if (t->ranks == 1) return;
    const float s = 1.0f / (float)t->ranks;
    for (int i = 0; i < t->local_batch; i++) t->dlogits[i] *= s;
}

_Static_assert((int)GAN_AUGMENT_COLOR == (int)GAN_AUG_COLOR &&
                   (int)GAN_AUGMENT_TRANSLATION == (int)GAN_AUG_TRANSLATION &&
                   (int)GAN_AUGMENT_CUTOUT == (int)GAN_AUG_CUTOUT,
               "train.augment's flags are nn/augment.h's");

/* What D sees of a batch: the batch itself, or a DiffAugment of it (fresh
 * draws from the run's stream each time, as DiffAugment draws per call). */
static const float *augmented(gan_trainer *t, const float *x, float *out)
{
    if (!t->augment) return x;
    const gan_config *c = t->cfg;
    gan_augment_draw(t->aug_draws, c->batch_size, t->augment, t->d.size, &t->rng); /* the global batch's */
    gan_augment_forward(out, x, t->aug_draws + (size_t)t->rank * t->local_batch, t->augment, c->channels,
                        t->local_batch, t->d.size, t->aug_scratch);
    return out;
}

/* D's sums over the batch, per sample once divided by it (global_means):
 * named for reading, an array for the sum over ranks. */
typedef union {
    struct {
        double loss_real, loss_fake; /* D's loss on real and on fake images */
        double d_x, d_g_z;           /* D's outputs */
        double class_d;              /* D's class loss on real images */
    };
    double v[5];
} d_sums;

typedef union {
    struct {
        double adversarial, class_g;
    };
    double v[2];
} g_sums;

/* One discriminator update: D on a real batch, on a fake one, and Adam
 * (unless D already wins by more than train.d_loss_floor). Returns the
 * fakes, which G's update reuses. */
static const float *d_update(gan_trainer *t, const gan_work *w, d_sums *sums, const int32_t **fake_labels)
{
    const gan_config *c = t->cfg;
    const int B = t->local_batch; /* this rank's slice (the global batch with one process) */
    const float real_label = (float)(1.0 - c->label_smoothing);
    next_real_batch(t);
    *fake_labels = next_fake_labels(t);
    const float *fake = gan_net_forward(&t->g, w, next_latents(t), *fake_labels, B, GAN_MODE_TRAIN);

    /* D on real, then D on fake: weight gradients only (no input gradient). */
    gan_net_zero_grad(&t->d);
    const float *logits =
        gan_net_forward(&t->d, w, augmented(t, t->real, t->aug_real), t->real_labels, B, GAN_MODE_TRAIN);
    gan_adversarial_loss(t->loss, GAN_LOSS_D_REAL, logits, B, real_label, t->dlogits);
    sums->loss_real = local_stat_sum(t, STAT_LOSS, GAN_LOSS_D_REAL, logits);
    sums->d_x = local_stat_sum(t, STAT_D_OUTPUT, GAN_LOSS_D_REAL, logits);
    scale_to_global(t);
    if (c->class_loss > 0.0) { /* D learns the classes of real images only */
        gan_net_class_loss(&t->d, (float)c->class_loss / (float)t->ranks);
        sums->class_d = local_stat_sum(t, STAT_CLASS_LOSS, GAN_LOSS_D_REAL, NULL);
    }
    gan_net_backward(&t->d, w, t->dlogits, GAN_GRAD_PARAMS);

    logits = gan_net_forward(&t->d, w, augmented(t, fake, t->aug_fake), *fake_labels, B, GAN_MODE_TRAIN);
    gan_adversarial_loss(t->loss, GAN_LOSS_D_FAKE, logits, B, real_label, t->dlogits);
    sums->loss_fake = local_stat_sum(t, STAT_LOSS, GAN_LOSS_D_FAKE, logits);
    sums->d_g_z = local_stat_sum(t, STAT_D_OUTPUT, GAN_LOSS_D_FAKE, logits);
    scale_to_global(t);
    gan_net_backward(&t->d, w, t->dlogits, GAN_GRAD_PARAMS);
    global_means(t, sums->v, 5); /* every rank decides on the floor from the same loss */

    /* D update, unless it is already winning by more than the floor. */
    if (!(c->d_loss_floor > 0.0 && sums->loss_real + sums->loss_fake < c->d_loss_floor)) {
        t->t_d++;
        sum_grads(t, &t->d);
        gan_net_adam(&t->d, (float)(c->lr_d * decay_factor(t)), (float)c->beta1, (float)c->beta2,
                     (float)c->adam_eps, t->t_d);
    }
    return fake;
}

/* G through D: D's input gradient only, then G's weight gradients (G's
 * first layer computes no input gradient), and Adam. */
static void g_update(gan_trainer *t, const gan_work *w, const float *fake, const int32_t *fake_labels,
                     g_sums *sums)
{
    const gan_config *c = t->cfg;
    const int B = t->local_batch;
    gan_net_zero_grad(&t->g);
    const float *logits =
        gan_net_forward(&t->d, w, augmented(t, fake, t->aug_fake), fake_labels, B, GAN_MODE_TRAIN);
    gan_adversarial_loss(t->loss, GAN_LOSS_G, logits, B, (float)(1.0 - c->label_smoothing), t->dlogits);
    sums->adversarial = local_stat_sum(t, STAT_LOSS, GAN_LOSS_G, logits);
    scale_to_global(t);
    if (c->class_loss > 0.0) { /* G: its images should be of the classes it was asked for */
        gan_net_class_loss(&t->d, (float)c->class_loss / (float)t->ranks);
        sums->class_g = local_stat_sum(t, STAT_CLASS_LOSS, GAN_LOSS_G, NULL);
    }
    float *dfake = gan_net_backward(&t->d, w, t->dlogits, GAN_GRAD_INPUT);
    if (t->augment) { /* back through the augmentation to G's output */
        gan_augment_backward(t->aug_grad, dfake, t->aug_draws + (size_t)t->rank * t->local_batch, t->augment,
                             c->channels, B, t->d.size, t->aug_scratch);
        dfake = t->aug_grad;
    }
    gan_net_backward(&t->g, w, dfake, GAN_GRAD_PARAMS);
    global_means(t, sums->v, 2);
    t->t_g++;
    sum_grads(t, &t->g);
    gan_net_adam(&t->g, (float)(g_learning_rate(t) * decay_factor(t)), (float)c->beta1, (float)c->beta2,
                 (float)c->adam_eps, t->t_g);
}

gan_phase gan_train_phase(const gan_config *c, int64_t step)
{
    if (!c->progressive) return (gan_phase){c->image_size, 1.0f};
    int p = 0;
    while ((c->start_size << p) < c->image_size && step >= (p + 1) * c->phase_steps) p++;
    const int64_t into = step - p * c->phase_steps; /* steps into phase p */
    const bool fading = p > 0 && into < c->fade_steps;
    return (gan_phase){c->start_size << p,
                       fading ? (float)((double)(into + 1) / (double)c->fade_steps) : 1.0f};
}

/* The phase a step trains at, on G and D. A phase's first step starts
 * Adam afresh, as ProGAN does (its reset_opt_for_new_lod): the new block's
 * moments are zero, and without a new step count for the bias correction
 * its first updates would be (1 - beta1) / sqrt(1 - beta2) times the rate
 * (16 times with 0.5 and 0.999), fading over a thousand steps: harmless in
 * a block batchnorm follows, ruinous in G's last layer and D's first,
 * which have none (faces-128 fell apart on growing to 128 px). The
 * restarted count restarts the EMA's warm-up too, so the average follows
 * the new block instead of lagging a phase behind. */
static void set_phase(gan_trainer *t, int64_t step)
{
    const gan_phase ph = t->pinned_size ? (gan_phase){t->pinned_size, 1.0f} : gan_train_phase(t->cfg, step);
    gan_net_set_phase(&t->g, ph.size, ph.blend);
    gan_net_set_phase(&t->d, ph.size, ph.blend);
    const gan_config *c = t->cfg;
    if (!c->progressive || t->pinned_size || ph.size == c->start_size || step % c->phase_steps != 0 ||
        gan_train_phase(c, step - 1).size == ph.size)
        return;
    memset(t->g.adam_m, 0, sizeof(float) * t->g.nparams);
    memset(t->g.adam_v, 0, sizeof(float) * t->g.nparams);
    memset(t->d.adam_m, 0, sizeof(float) * t->d.nparams);
    memset(t->d.adam_v, 0, sizeof(float) * t->d.nparams);
    t->t_g = t->t_d = 0;
}

void gan_trainer_step(gan_trainer *t)
{
    set_phase(t, t->step);
    gan_work step_work = t->work; /* the step's passes share batchnorm's sums over the ranks */
    step_work.sync = t->ranks > 1 || t->deterministic ? &t->sync : NULL;
    const float *fake = NULL;
    const int32_t *fake_labels = NULL;
    d_sums d = {.v = {0}};
    g_sums g = {.v = {0}};
    for (int k = 0; k < t->cfg->d_steps; k++) fake = d_update(t, &step_work, &d, &fake_labels);
    g_update(t, &step_work, fake, fake_labels, &g);
    if (t->ema_on) ema_update(t);
    t->step++;
    t->last = (gan_train_losses){.loss_d = d.loss_real + d.loss_fake,
                                 .loss_g = g.adversarial,
                                 .d_x = d.d_x,
                                 .d_g_z = d.d_g_z,
                                 .class_d = d.class_d,
                                 .class_g = g.class_g};
}

void gan_trainer_ema_start(gan_trainer *t)
{
    if (!t->ema_on) return;
    memcpy(t->ema.params, t->g.params, sizeof(float) * t->g.nparams);
    memcpy(t->ema.stats, t->g.stats, sizeof(float) * t->g.nstats);
}

/* Batches of latents its batchnorm statistics are recomputed over (8 x B). */
enum { EMA_STATS_BATCHES = 8 };

gan_net *gan_trainer_sampler(gan_trainer *t)
{
    /* the phase of the last step taken: what G has learnt so far */
    const gan_phase ph = gan_train_phase(t->cfg, t->step > 0 ? t->step - 1 : 0);
    gan_net_set_phase(&t->g, ph.size, ph.blend);
    if (!t->ema_on) return &t->g;
    gan_net_set_phase(&t->ema, ph.size, ph.blend);
    if (t->ema_stats_step == t->step) return &t->ema;
    /* Averaged weights need statistics of their own: G's running statistics
     * belong to G's weights, and an average of statistics is not the
     * statistics of the averaged net. So they are measured afresh: the
     * running mean and variance become the mean over EMA_STATS_BATCHES
     * training-mode passes (momentum 1/k on pass k, PyTorch's momentum=None),
     * on latents drawn from (seed, step) alone, so a resumed run measures
     * the same numbers. */
    gan_net *e = &t->ema;
    gan_rng rng;
    gan_rng_seed_indexed(&rng, t->cfg->seed, GAN_STREAM_EMA_STATS, t->step);
    gan_net_measure_bn(e, &t->work, &rng, t->z, t->fake_labels, t->cfg->batch_size, EMA_STATS_BATCHES);
    e->num_batches_tracked = t->g.num_batches_tracked; /* PyTorch counts G's batches, not these */
    t->ema_stats_step = t->step;
    return e;
}
