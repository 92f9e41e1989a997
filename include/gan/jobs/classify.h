/* gan classify train: fits the classifier of gan/classifier.h to a labelled
 * IDX dataset (data.path + data.labels), holding out classifier.test_split of
 * the images (a seeded draw) to measure accuracy, and writes
 * output.dir/classifier.bin. */
#ifndef GAN_JOBS_CLASSIFY_H
#define GAN_JOBS_CLASSIFY_H

#include <signal.h>
#include <stdbool.h>

#include "gan/core/error.h"
#include "gan/core/path.h"
#include "gan/io/config.h"

#define GAN_RUN_CLASSIFIER "classifier.bin"

/* What the job reports as it goes (it prints nothing itself). */
typedef enum {
    GAN_CLASSIFY_STARTED, /* the data is split and the net built */
    GAN_CLASSIFY_EPOCH    /* an epoch ended: its loss and accuracies */
} gan_classify_event_kind;

typedef struct {
    gan_classify_event_kind kind;
    long train_count, test_count;
    int image_size, channels;
    const char *data_path;
    size_t params;
    int epoch, epochs;        /* epoch: 1-based (GAN_CLASSIFY_EPOCH) */
    double loss;              /* mean cross-entropy over the epoch */
    double train_accuracy;    /* over the epoch's (shifted) batches */
    double test_accuracy;     /* on the held-out images */
    double images_per_second; /* the epoch's training images */
} gan_classify_event;

typedef struct {
    volatile sig_atomic_t *stop; /* set asynchronously (Ctrl-C): stop after this batch, write nothing */
    void (*report)(const gan_classify_event *event, void *ctx); /* NULL: nothing is reported */
    void *report_ctx;
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
