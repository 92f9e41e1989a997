/* The training job: data, both networks, the alternating Adam updates,
 * progress, sample grids, checkpoints and resume. */
#ifndef GAN_JOBS_TRAIN_H
#define GAN_JOBS_TRAIN_H

#include <signal.h> /* sig_atomic_t */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "gan/core/comm.h"
#include "gan/core/error.h"
#include "gan/io/config.h"

typedef enum {
    GAN_RUN_NEW,   /* start in cfg->out_dir, which must not hold a run */
    GAN_RUN_FORCE, /* start afresh even if cfg->out_dir holds a run */
    GAN_RUN_RESUME /* continue the run in cfg->out_dir from its state.bin */
} gan_run_start;

typedef struct {
    gan_run_start start;
    bool quiet;                  /* no progress lines */
    volatile sig_atomic_t *stop; /* set asynchronously (Ctrl-C): finish the step, save, return */
    FILE *log;                   /* progress lines go here (stderr when NULL) */
    int bar_columns; /* > 0: the log is a terminal this wide: one self-updating progress line replaces
                        the periodic lines (evaluations and notes still get lines of their own) */
    gan_comm *comm;  /* the ranks of a data-parallel job (rank 0 writes every file); NULL: one process */
} gan_train_opts;

typedef struct {
    int64_t step;      /* steps completed */
    int64_t steps_run; /* of which in this call */
    bool
        outputs_rewritten; /* nothing to train, but g.bin/d.bin were missing or damaged: written from state.bin */
    double loss_d, loss_g, d_x, d_g_z;
    double seconds;
    double comm_seconds; /* of which in exchanges between ranks */
} gan_train_result;

/* Runs the job. Returns GAN_OK, GAN_INTERRUPTED (checkpoint written) or an error. */
gan_status gan_train(const gan_config *cfg, const gan_train_opts *opts, gan_train_result *result,
                     gan_error *err);

/* File names inside a run folder. */
#define GAN_RUN_STATE    "state.bin"
#define GAN_RUN_G        "g.bin"
#define GAN_RUN_D        "d.bin"
#define GAN_RUN_G_BEST   "g_best.bin" /* the generator with the lowest FID so far (eval.classifier) */
#define GAN_RUN_CONFIG   "config.json"
#define GAN_RUN_METRICS  "metrics.csv"
#define GAN_RUN_REAL     "real.png"
#define GAN_RUN_SAMPLES  "samples"
#define GAN_STATE_FORMAT "gan-train-state-v1"

#endif
