/* A training run: the trainer plus everything the job keeps around it
 * (options, the run folder, outputs, evaluation, timing). Private to
 * src/jobs: train.c drives it, train_state.c saves and restores it,
 * train_eval.c measures it. */
#ifndef GAN_JOBS_TRAIN_RUN_H
#define GAN_JOBS_TRAIN_RUN_H

#include <stdbool.h>
#include <stdio.h>

#include "gan/core/work.h"
#include "gan/jobs/memory.h"
#include "gan/metrics/eval_set.h"
#include "gan/metrics/kid.h"
#include "gan/metrics/neighbours.h"
#include "gan/models/classifier.h"
#include "trainer.h"

typedef struct {
    gan_trainer t;
    gan_config cfg; /* the job's config, with the run id filled in */
    const gan_train_opts *opts;
    int lock_fd;          /* holds the run folder's lock; -1: none */
    bool created_dir;     /* this job made the run folder */
    bool have_checkpoint; /* the folder holds a complete checkpoint of this run */
    gan_run_paths paths;
    char *config_json;     /* the resolved config, written into every checkpoint */
    char weights_note[48]; /* g.bin's "weights" metadata ("ema 0.999"), or "" */
    float *fixed_z;        /* [nz, sample_count]: the latents of every sample grid */
    int32_t *fixed_labels; /* [sample_count]: with model.conditional, their classes (column k: class k) */
    int64_t total_steps;
    gan_mem_estimate mem; /* what the job was expected to need */
    FILE *metrics;
    /* evaluation during training (eval.classifier) */
    bool eval_on;
    gan_classifier cls;
    gan_work cls_work;
    gan_eval_set real_stats; /* the real images' statistics, computed once */
    float *eval_z;
    double best_fid;        /* of g_best.bin; INFINITY: none yet */
    bool evaluated;         /* this step was evaluated: */
    gan_eval_report report; /* its results */
    gan_kid_result kid;     /* with eval.metrics kid (else subsets 0) */
    gan_prdc_result prdc;   /* with eval.metrics pr (else k 0) */
    /* the log interval's sums: rows report their means, and reset at
     * multiples of output.log_every only, so a resume (which saves them)
     * continues the interval exactly */
    gan_train_losses interval_sum;
    long interval_steps;
    double train_seconds; /* time spent in training steps, over every session of the run (metrics: train_s) */
    /* timing and progress */
    double t_start, t_log;
    int64_t last_ckpt_step, session_start_step;
    long log_images;
} gan_run;

/* train.c */
/* Hands an event to the job's reporter, if it has one. */
void gan_run_report(const gan_run *r, gan_train_event event);

/* train_state.c */
/* What g.bin's weights are: "ema 0.999" with train.ema, else NULL (G's own). */
const char *gan_run_weights_note(gan_run *r);
gan_status gan_run_save_checkpoint(gan_run *r, gan_error *err);
gan_status gan_run_load_state(gan_run *r, gan_error *err);
gan_status gan_run_open_metrics(gan_run *r, gan_error *err);
/* A finished run's g.bin and d.bin load; when not, they are written again
 * from the state (*rewritten says so). */
gan_status gan_run_check_outputs(gan_run *r, bool *rewritten, gan_error *err);

/* train_ranks.c */
/* Under MPI: the ranks run the same config, data and starting state, or
 * every rank gets the same error (rank 0's message says what differs). */
gan_status gan_run_check_ranks(gan_run *r, gan_error *err);

/* train_eval.c */
gan_status gan_run_eval_setup(gan_run *r, gan_error *err);
gan_status gan_run_evaluate(gan_run *r, gan_error *err);
void gan_run_eval_free(gan_run *r);

#endif
