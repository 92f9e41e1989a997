/* The training job: data, both networks, the alternating Adam updates,
 * progress, sample grids, checkpoints and resume. */
#ifndef GAN_JOBS_TRAIN_H
#define GAN_JOBS_TRAIN_H

#include <signal.h> /* sig_atomic_t */
#include <stdbool.h>
#include <stdint.h>

#include "gan/core/comm.h"
#include "gan/core/error.h"
#include "gan/io/config.h"
#include "gan/metrics/eval_set.h"
#include "gan/metrics/kid.h"
#include "gan/metrics/neighbours.h"

typedef enum {
    GAN_RUN_NEW,   /* start in cfg->out_dir, which must not hold a run */
    GAN_RUN_FORCE, /* start afresh even if cfg->out_dir holds a run */
    GAN_RUN_RESUME /* continue the run in cfg->out_dir from its state.bin */
} gan_run_start;

/* What one training step measured, or the means of several (the log
 * interval's): per-sample means over the global batch. */
typedef struct {
    double loss_d, loss_g;   /* D's loss (real + fake) and G's adversarial loss */
    double d_x, d_g_z;       /* D's mean output on real and on fake images (probabilities with bce) */
    double class_d, class_g; /* train.class_loss's cross-entropies, unweighted: D's on real images, G's on
                                its fakes (0 when off) */
} gan_train_losses;

/* What the job reports as it goes. The job prints nothing: a reporter (the
 * CLI's draws a terminal bar or plain lines) turns these into output. */
typedef enum {
    GAN_TRAIN_STARTED,   /* set up, before the first step: .start */
    GAN_TRAIN_EVALUATED, /* an evaluation (eval.classifier): .eval */
    GAN_TRAIN_LOGGED,    /* a row of metrics.csv (output.log_every, evaluations, the last step): .progress */
    GAN_TRAIN_STEPPED    /* after every step, once its files are written: .progress */
} gan_train_event_kind;

typedef struct {
    bool resume; /* continuing a run */
    long images; /* training images */
    int image_size, channels;
    const char *data_path;
    const char *data_note; /* what the data loader skipped, or "" */
    size_t g_params, d_params;
    int batch_size; /* the global batch */
    int64_t step, total_steps;
    const char *blas_core; /* OpenBLAS's kernels */
    const char *blas_note; /* a warning about them, or NULL */
    int threads, ranks, local_batch;
    bool deterministic;  /* sums by fixed partials (train.deterministic) */
    double memory_bytes; /* the job's estimate, data included */
    const char *out_dir;
} gan_train_start;

typedef struct {
    int64_t step, total_steps;
    int64_t session_start_step; /* where this call started (a resume's first step) */
    int64_t epoch, total_epochs;
    gan_train_losses mean;    /* over the log interval so far; the last step's when it just began */
    double images_per_second; /* LOGGED: over the log interval; STEPPED: over this session */
    double elapsed;           /* seconds since this call started */
    bool class_loss;          /* train.class_loss is on: mean.class_* mean something */
    int size;                 /* model.progressive: the side of the last step's phase; 0: not growing */
    float blend;              /* ... and its newest block's weight */
} gan_train_progress;

typedef struct {
    int64_t step;
    const gan_eval_report *report;
    const gan_kid_result *kid;   /* with eval.metrics kid, else NULL */
    const gan_prdc_result *prdc; /* with eval.metrics pr, else NULL */
    bool best;                   /* the lowest FID so far: written to g_best.bin */
    int classes;                 /* the classifier's */
} gan_train_eval;

typedef struct {
    gan_train_event_kind kind;
    union {
        const gan_train_start *start;
        const gan_train_progress *progress;
        const gan_train_eval *eval;
    };
} gan_train_event;

typedef void (*gan_train_reporter)(const gan_train_event *event, void *ctx);

typedef struct {
    gan_run_start start;
    volatile sig_atomic_t *stop; /* set asynchronously (Ctrl-C): finish the step, save, return */
    gan_train_reporter report;   /* NULL: the job reports nothing */
    void *report_ctx;
    gan_comm *comm; /* the ranks of a data-parallel job (rank 0 writes every file); NULL: one process */
} gan_train_opts;

typedef struct {
    int64_t step;      /* steps completed */
    int64_t steps_run; /* of which in this call */
    bool
        outputs_rewritten; /* nothing to train, but g.bin/d.bin were missing or damaged: written from state.bin */
    gan_train_losses last;
    double seconds;
    double comm_seconds; /* of which in exchanges between ranks */
} gan_train_result;

/* Runs the job. Returns GAN_OK, GAN_INTERRUPTED (checkpoint written) or an error. */
gan_status gan_train(const gan_config *cfg, const gan_train_opts *opts, gan_train_result *result,
                     gan_error *err);

/* File names inside a run folder. */
#define GAN_RUN_STATE   "state.bin"
#define GAN_RUN_G       "g.bin"
#define GAN_RUN_D       "d.bin"
#define GAN_RUN_G_BEST  "g_best.bin" /* the generator with the lowest FID so far (eval.classifier) */
#define GAN_RUN_CONFIG  "config.json"
#define GAN_RUN_METRICS "metrics.csv"
#define GAN_RUN_REAL    "real.png"
#define GAN_RUN_SAMPLES "samples"

#endif
