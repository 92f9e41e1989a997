/* gan classify train: fits the classifier of gan/classifier.h to a labelled
 * IDX dataset (data.path + data.labels), holding out classifier.test_split of
 * the images (a seeded draw) to measure accuracy, and writes
 * output.dir/classifier.bin. */
#ifndef GAN_CLASSIFY_TRAIN_H
#define GAN_CLASSIFY_TRAIN_H

#include <signal.h>
#include <stdio.h>

#include "gan/io/config.h"
#include "gan/core/error.h"

#define GAN_RUN_CLASSIFIER "classifier.bin"

typedef struct {
    int quiet;                   /* no progress lines */
    volatile sig_atomic_t *stop; /* set asynchronously (Ctrl-C): stop after this batch, write nothing */
    FILE *log;                   /* progress lines (stderr when NULL) */
} gan_classify_opts;

typedef struct {
    long train_count, test_count;
    double test_accuracy;        /* fraction of the held-out images classified right */
    double train_loss;           /* mean cross-entropy over the last epoch */
    double seconds;
    char path[1100];             /* the classifier written */
} gan_classify_result;

int gan_classify_train(const gan_config *cfg, const gan_classify_opts *opts, gan_classify_result *result,
                       gan_error *err);

#endif
