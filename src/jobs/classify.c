/* The classifier's training job: Adam on softmax cross-entropy over shuffled
 * mini-batches of randomly shifted images, accuracy on the held-out split
 * after every epoch. */
#include "gan/jobs/classify.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/blas.h"
#include "gan/core/clock.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/data/file.h"
#include "gan/data/idx.h"
#include "gan/io/atomic_file.h"
#include "gan/io/checkpoint.h"
#include "gan/models/classifier.h"
#include "gan/nn/loss.h"

/* Moves each image of a channel-major batch [C, n, S, S] by its own random
 * (dx, dy) in [-shift, shift], filling the uncovered border with -1 (black):
 * the classifier then does not depend on exact centring, which generated
 * digits do not promise. */
static void random_shift(float *x, int n, int channels, int size, int shift, gan_rng *rng, float *tmp)
{
    const size_t plane = (size_t)size * size;
    for (int i = 0; i < n; i++) {
        const int dx = (int)gan_rng_below(rng, 2u * shift + 1) - shift;
        const int dy = (int)gan_rng_below(rng, 2u * shift + 1) - shift;
        if (dx == 0 && dy == 0) continue;
        for (int c = 0; c < channels; c++) {
            float *img = x + ((size_t)c * n + i) * plane;
            for (int y = 0; y < size; y++)
                for (int xx = 0; xx < size; xx++) {
                    const int sy = y - dy, sx = xx - dx;
                    tmp[(size_t)y * size + xx] =
                        (sy >= 0 && sy < size && sx >= 0 && sx < size) ? img[(size_t)sy * size + sx] : -1.0f;
                }
            memcpy(img, tmp, sizeof(float) * plane);
        }
    }
}

static int argmax(const float *v, int k)
{
    int best = 0;
    for (int j = 1; j < k; j++)
        if (v[j] > v[best]) best = j;
    return best;
}

/* Accuracy of c (inference mode) on the images idx[0..n). */
static double accuracy(gan_classifier *c, const gan_work *work, const gan_dataset *ds, const int32_t *labels,
                       const int32_t *idx, long n, float *batch)
{
    const int B = c->max_batch, k = c->arch.classes;
    long right = 0;
    for (long first = 0; first < n; first += B) {
        const int m = (int)(n - first < B ? n - first : B);
        gan_dataset_batch(ds, idx + first, m, batch);
        const float *logits = gan_classifier_forward(c, work, batch, m, GAN_MODE_EVAL);
        for (int i = 0; i < m; i++) right += argmax(logits + (size_t)i * k, k) == labels[idx[first + i]];
    }
    return (double)right / (double)n;
}

typedef struct {
    const gan_config *cfg;
    const gan_classify_opts *opts;
    gan_dataset data;
    int32_t *labels, *order, *batch_labels;
    float *batch, *dlogits, *tmp;
    long ntrain, ntest;
    int32_t *test, *train; /* the held-out images first in order, the rest for training */
    gan_classifier net;
    gan_pool *pool;
    gan_work work;
    gan_rng rng;
    int64_t adam_step;
    char *config_json;
} job;

/* The images and their labels: data.labels for IDX; the class folders of an
 * image folder, or CIFAR-10's label bytes, for the others (the labels
 * model.conditional trains on). */
static gan_status load_data(job *j, const gan_config *cfg, gan_error *err)
{
    if (cfg->data_format != GAN_DATA_IDX) {
        gan_config labelled = *cfg;
        labelled.conditional = true;
        gan_status rc = gan_dataset_load(&j->data, &labelled, err);
        if (rc != GAN_OK) return rc;
        if (j->data.classes.count != cfg->cls_classes)
            return gan_fail(err, GAN_ERR_INPUT, "%s: %d classes in the data, but classifier.classes is %d",
                            cfg->data_path, j->data.classes.count, cfg->cls_classes);
        j->labels = malloc(sizeof(int32_t) * (size_t)j->data.count);
        if (!j->labels) return gan_fail(err, GAN_ERR_NOMEM, "out of memory for the labels");
        memcpy(j->labels, j->data.labels, sizeof(int32_t) * (size_t)j->data.count);
        return GAN_OK;
    }
    gan_status rc = gan_dataset_load(&j->data, cfg, err);
    long nlabels = 0;
    if (rc == GAN_OK) {
        rc = gan_idx_labels_read(cfg->data_labels, cfg->cls_classes, &j->labels, &nlabels, err);
        if (rc == GAN_ERR_IO) gan_hint_relative_path(err, "data.labels", cfg->data_labels);
    }
    if (rc != GAN_OK) return rc;
    /* data.limit keeps the first images; their labels are the first labels. */
    if (nlabels < j->data.count || (cfg->data_limit == 0 && nlabels != j->data.count))
        return gan_fail(err, GAN_ERR_INPUT, "%s: %ld labels for the %ld images of %s", cfg->data_labels,
                        nlabels, j->data.count, cfg->data_path);
    return GAN_OK;
}

/* The split, the net, its buffers and working memory; the output folder. */
static gan_status build(job *j, gan_error *err)
{
    const gan_config *cfg = j->cfg;
    const int B = cfg->batch_size, S = cfg->image_size, C = cfg->channels, K = cfg->cls_classes;
    const long count = j->data.count;
    j->ntest = (long)llround(cfg->cls_test_split * (double)count);
    j->ntrain = count - j->ntest;
    if (j->ntest < 1 || j->ntrain < B)
        return gan_fail(err, GAN_ERR_INPUT,
                        "%s: %ld images: too few for a test split of %g and batches of %d", cfg->data_path,
                        count, cfg->cls_test_split, B);
    gan_classifier_arch arch = {S, C, cfg->cls_width, cfg->cls_hidden, K};
    gan_status rc = gan_classifier_arch_check(&arch, "config: classifier.", err);
    if (rc != GAN_OK) return rc;
    j->order = malloc(sizeof(int32_t) * (size_t)count);
    j->batch_labels = malloc(sizeof(int32_t) * (size_t)B);
    j->batch = malloc(sizeof(float) * (size_t)B * C * S * S);
    j->dlogits = malloc(sizeof(float) * (size_t)B * K);
    j->tmp = malloc(sizeof(float) * (size_t)S * S);
    j->config_json = gan_config_to_json(cfg);
    if (!j->order || !j->batch_labels || !j->batch || !j->dlogits || !j->tmp || !j->config_json ||
        gan_classifier_build(&j->net, &arch, B) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory building the classifier");
    rc = gan_mkdir_p(cfg->out_dir, err);
    if (rc != GAN_OK) return rc;
    j->pool = gan_threads_start(cfg->threads);
    if (gan_work_alloc(&j->work, gan_classifier_work_plan(&j->net), j->pool) != GAN_OK)
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory building the classifier");
    gan_rng_seed(&j->rng, cfg->seed);
    gan_classifier_init_weights(&j->net, &j->rng);
    /* The split: a seeded shuffle, test images first, the rest for training. */
    gan_rng_permutation(&j->rng, j->order, count);
    j->test = j->order;
    j->train = j->order + j->ntest;
    return GAN_OK;
}

/* One Adam step on the batch of images idx[0..B); adds its loss and the
 * images it classified right. */
static gan_status train_batch(job *j, const int32_t *idx, float lr, double *loss_sum, long *right,
                              gan_error *err)
{
    const gan_config *cfg = j->cfg;
    const int B = cfg->batch_size, K = cfg->cls_classes;
    gan_dataset_batch(&j->data, idx, B, j->batch);
    if (cfg->cls_shift > 0)
        random_shift(j->batch, B, cfg->channels, cfg->image_size, cfg->cls_shift, &j->rng, j->tmp);
    for (int i = 0; i < B; i++) j->batch_labels[i] = j->labels[idx[i]];
    const float *logits = gan_classifier_forward(&j->net, &j->work, j->batch, B, GAN_MODE_TRAIN);
    const float loss = gan_softmax_ce_forward(logits, j->batch_labels, B, K);
    if (!isfinite(loss)) return gan_fail(err, GAN_ERR_NUMERIC, "loss %g: training diverged", (double)loss);
    *loss_sum += loss;
    for (int i = 0; i < B; i++) *right += argmax(logits + (size_t)i * K, K) == j->batch_labels[i];
    gan_softmax_ce_backward(j->dlogits, logits, j->batch_labels, B, K);
    gan_classifier_zero_grad(&j->net);
    gan_classifier_backward(&j->net, &j->work, j->dlogits);
    gan_classifier_adam(&j->net, lr, 0.9f, 0.999f, 1e-8f, ++j->adam_step);
    return GAN_OK;
}

static gan_status train_epoch(job *j, int epoch, gan_classify_result *result, gan_error *err)
{
    const gan_config *cfg = j->cfg;
    const int B = cfg->batch_size;
    const double t0 = gan_seconds();
    /* Last quarter of the epochs at a tenth of the rate: a short fine-tuning phase. */
    const float lr =
        (float)(epoch > cfg->cls_epochs - cfg->cls_epochs / 4 ? cfg->cls_lr / 10.0 : cfg->cls_lr);
    gan_rng_shuffle(&j->rng, j->train, j->ntrain);
    const long steps = j->ntrain / B;
    double loss_sum = 0.0;
    long right = 0;
    for (long b = 0; b < steps; b++) {
        if (j->opts->stop && *j->opts->stop)
            return gan_fail(err, GAN_INTERRUPTED, "interrupted in epoch %d; no classifier written", epoch);
        gan_status rc = train_batch(j, j->train + b * B, lr, &loss_sum, &right, err);
        if (rc != GAN_OK) {
            char why[sizeof err->msg];
            snprintf(why, sizeof why, "%s", err->msg);
            return gan_fail(err, rc, "epoch %d: %.200s; no classifier written", epoch, why);
        }
    }
    result->train_loss = loss_sum / (double)steps;
    result->test_accuracy = accuracy(&j->net, &j->work, &j->data, j->labels, j->test, j->ntest, j->batch);
    if (j->opts->report) {
        const gan_classify_event e = {.kind = GAN_CLASSIFY_EPOCH,
                                      .epoch = epoch,
                                      .epochs = cfg->cls_epochs,
                                      .loss = result->train_loss,
                                      .train_accuracy = (double)right / (double)(steps * B),
                                      .test_accuracy = result->test_accuracy,
                                      .images_per_second = (double)(steps * B) / (gan_seconds() - t0)};
        j->opts->report(&e, j->opts->report_ctx);
    }
    return GAN_OK;
}

static void report_start(const job *j)
{
    if (!j->opts->report) return;
    const gan_config *cfg = j->cfg;
    const gan_classify_event e = {.kind = GAN_CLASSIFY_STARTED,
                                  .train_count = j->ntrain,
                                  .test_count = j->ntest,
                                  .image_size = cfg->image_size,
                                  .channels = cfg->channels,
                                  .data_path = cfg->data_path,
                                  .params = j->net.trunk.nparams + j->net.nparams,
                                  .epochs = cfg->cls_epochs};
    j->opts->report(&e, j->opts->report_ctx);
}

gan_status gan_classify_train(const gan_config *cfg, const gan_classify_opts *opts,
                              gan_classify_result *result, gan_error *err)
{
    job j;
    memset(&j, 0, sizeof j);
    memset(result, 0, sizeof *result);
    j.cfg = cfg;
    j.opts = opts;
    const double t0 = gan_seconds();
    gan_status rc = load_data(&j, cfg, err);
    if (rc == GAN_OK) rc = build(&j, err);
    if (rc == GAN_OK) report_start(&j);
    for (int epoch = 1; epoch <= cfg->cls_epochs && rc == GAN_OK; epoch++)
        rc = train_epoch(&j, epoch, result, err);
    result->train_count = j.ntrain;
    result->test_count = j.ntest;
    if (rc == GAN_OK) rc = gan_path_join(result->path, cfg->out_dir, GAN_RUN_CLASSIFIER, err);
    if (rc == GAN_OK)
        rc = gan_classifier_save(result->path, &j.net, result->test_accuracy, j.config_json, err);
    result->seconds = gan_seconds() - t0;
    gan_classifier_free(&j.net);
    gan_work_free(&j.work);
    gan_pool_free(j.pool);
    gan_dataset_free(&j.data);
    free(j.labels), free(j.order), free(j.batch_labels), free(j.batch), free(j.dlogits), free(j.tmp);
    free(j.config_json);
    return rc;
}
