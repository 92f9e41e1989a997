/* The training job: data, both networks, the alternating Adam updates,
 * progress, sample grids, checkpoints and resume. */
#ifndef GAN_TRAIN_H
#define GAN_TRAIN_H

#include <signal.h> /* sig_atomic_t */
#include <stdio.h>

#include "gan/io/config.h"
#include "gan/core/error.h"
#include "gan/core/pool.h"

typedef struct {
    int quiet;                        /* no progress lines */
    int resume;                       /* continue the run in cfg->out_dir from its state.bin */
    int force;                        /* start afresh even if cfg->out_dir holds a run */
    volatile sig_atomic_t *stop;      /* set asynchronously (Ctrl-C): finish the step, save, return */
    FILE *log;                        /* progress lines go here (stderr when NULL) */
} gan_train_opts;

typedef struct {
    long step;                        /* steps completed */
    long steps_run;                   /* of which in this call */
    double loss_d, loss_g, d_x, d_g_z;
    double seconds;
} gan_train_result;

/* Runs the job. Returns GAN_OK, GAN_INTERRUPTED (checkpoint written) or an error. */
int gan_train(const gan_config *cfg, const gan_train_opts *opts, gan_train_result *result, gan_error *err);

typedef struct {
    int steps;                        /* timed steps */
    double seconds;                   /* wall time of the timed steps */
    double images_per_second;         /* real images through the step per second */
    long peak_rss_kb;                 /* peak resident memory of the process */
    double loss_d, loss_g;            /* after the last step (a sanity check, not a result) */
} gan_bench_result;

/* Times the training step of cfg's architecture and batch on synthetic
 * images: `warmup` untimed steps, then `steps` timed ones. No files. */
int gan_bench(const gan_config *cfg, int warmup, int steps, gan_bench_result *result, gan_error *err);

/* A one-line note when OPENBLAS_CORETYPE forces AVX2-or-older kernels on a
 * CPU with AVX-512 (about half the SGEMM speed), else NULL. gan never
 * changes the variable: OpenBLAS reads it before main, and it is the user's. */
const char *gan_blas_note(void);

/* The thread pool for a job: train.threads threads (0: as many as OpenBLAS
 * would use), with OpenBLAS itself switched to one thread. NULL: serial. */
gan_pool *gan_train_pool(const gan_config *c);

/* File names inside a run folder. */
#define GAN_RUN_STATE "state.bin"
#define GAN_RUN_G "g.bin"
#define GAN_RUN_D "d.bin"
#define GAN_RUN_G_BEST "g_best.bin" /* the generator with the lowest FID so far (eval.classifier) */
#define GAN_RUN_CONFIG "config.json"
#define GAN_RUN_METRICS "metrics.csv"
#define GAN_STATE_FORMAT "gan-train-state-v1"

#endif
