/* gan classify train: fits the classifier of gan/classifier.h to a labelled
 * IDX dataset (data.path + data.labels), holding out classifier.test_split of
 * the images (a seeded draw) to measure accuracy, and writes
 * output.dir/classifier.bin. */
#ifndef GAN_JOBS_CLASSIFY_H
#define GAN_JOBS_CLASSIFY_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "gan/core/error.h"
#include "gan/core/path.h"
#include "gan/io/config.h"

#define GAN_RUN_CLASSIFIER "classifier.bin"

typedef struct {
    bool quiet;                  /* no progress lines */
    volatile sig_atomic_t *stop; /* set asynchronously (Ctrl-C): stop after this batch, write nothing */
    FILE *log;                   /* progress lines (stderr when NULL) */
} gan_classify_opts;

typedef struct {
    long train_count, test_count;
    double test_accuracy; /* fraction of the held-out images classified right */
    double train_loss;    /* mean cross-entropy over the last epoch */
    double seconds;
    char path[GAN_PATH_MAX]; /* the classifier written */
} gan_classify_result;

gan_status gan_classify_train(const gan_config *cfg, const gan_classify_opts *opts,
                              gan_classify_result *result, gan_error *err);

#endif
