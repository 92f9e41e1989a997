/* The state of a training run, shared by the training job (train.c and its
 * helpers) and the benchmark (bench.c), which times the same step. Private
 * to src/jobs. */
#ifndef GAN_JOBS_TRAINER_H
#define GAN_JOBS_TRAINER_H

#include <stdint.h>
#include <stdio.h>

#include "gan/core/comm.h"
#include "gan/core/path.h"
#include "gan/core/pool.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/jobs/train.h"
#include "gan/metrics/eval_set.h"
#include "gan/models/classifier.h"
#include "gan/models/dcgan.h"
#include "gan/nn/augment.h"
#include "gan/nn/gan_loss.h"

/* The run folder's files, joined (and length-checked) once. */
typedef struct {
    char state[GAN_PATH_MAX], g[GAN_PATH_MAX], d[GAN_PATH_MAX], g_best[GAN_PATH_MAX];
    char config[GAN_PATH_MAX], metrics[GAN_PATH_MAX], real[GAN_PATH_MAX], samples[GAN_PATH_MAX];
} gan_run_paths;

typedef struct {
    const gan_config *cfg;
    gan_dataset data;
    gan_net g, d;
    gan_pool *pool;                        /* gan's own threads (gan_threads_start) */
    gan_work work;                         /* one working block for G and D: they never run at once */
    gan_rng rng;                           /* latent draws */
    int32_t *perm;                         /* this epoch's order of the images */
    int64_t perm_epoch;                    /* epoch perm was made for, -1: none */
    int64_t steps_per_epoch;               /* batches per epoch (the last partial batch is dropped) */
    int64_t step;                          /* generator updates done */
    int64_t cursor;                        /* batches consumed */
    int64_t t_g, t_d;                      /* Adam step counts (D's may lag when updates are skipped) */
    int64_t total_steps;                   /* the run's length, for train.lr_decay_steps; 0: unknown */
    float *real, *z, *dlogits;             /* [C, B, S, S], [nz, B], [B] */
    int32_t *batch_idx;                    /* [B] */
    int32_t *real_labels, *fake_labels;    /* [B] each (model.conditional), else NULL */
    gan_loss_kind loss;                    /* train.loss */
    int augment;                           /* train.augment: GAN_AUG_* policies, 0: none */
    float *aug_real, *aug_fake, *aug_grad; /* [C, B, S, S] each: augmented batches, G's input gradient */
    float *aug_scratch;                    /* [2, C, S, S] */
    gan_aug_draw *aug_draws;               /* [B] */
    gan_train_losses last;                 /* what the last step measured */
    /* Data parallel: rank `rank` of `ranks` takes samples [rank * local_batch,
     * (rank + 1) * local_batch) of every global batch (train.batch_size). */
    gan_comm *comm; /* not owned; NULL: this process alone */
    int rank, ranks, local_batch;
    float *z_local;      /* [nz, local_batch]: this rank's columns of z */
    gan_batch_sync sync; /* batchnorm's sums over the ranks */
    bool deterministic;  /* sums by fixed partials (train.deterministic, "auto" resolved) */
    /* train.ema: an exponential moving average of G's weights */
    bool ema_on;
    gan_net ema;            /* the averaged generator (only its params and BN statistics are used) */
    int64_t ema_stats_step; /* the step its BN statistics were recomputed at; -1: not yet */
    int pinned_size;        /* gan bench: every step at this side, fully blended; 0: the schedule's phases */
} gan_trainer;

/* Progressive growing's phase: the side the nets work at and the newest
 * block's blend. */
typedef struct {
    int size;
    float blend;
} gan_phase;
/* The phase step `step` (0-based) trains at: phase p (side start_size << p)
 * begins at step p * model.phase_steps, its blend rising by
 * 1 / model.fade_steps a step to 1; the last phase lasts to the end. It
 * depends on the step alone, so a resumed run grows as the straight one. */
gan_phase gan_train_phase(const gan_config *cfg, int64_t step);

/* Builds G (for batches up to g_batch) and D (train.batch_size), the shared
 * work block, the threads and the step's buffers, for t->comm's ranks (set it
 * first, or leave it NULL); t->data must be loaded
 * (with its labels and classes when cfg->conditional: the nets take them). */
gan_status gan_trainer_build(gan_trainer *t, const gan_config *cfg, int g_batch, gan_error *err);
void gan_trainer_free(gan_trainer *t);
/* One generator update after cfg->d_steps discriminator updates (and the
 * EMA's update after it). */
void gan_trainer_step(gan_trainer *t);
/* The EMA generator starts as G (after G's initialisation). */
void gan_trainer_ema_start(gan_trainer *t);
/* The generator to sample, evaluate and save as g.bin: the EMA one, its
 * batchnorm statistics recomputed for its own weights at this step, when
 * train.ema is on; else G. */
gan_net *gan_trainer_sampler(gan_trainer *t);

#endif
