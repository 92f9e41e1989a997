/* A set of images as the classifier sees them, and two sets compared. */
#include "gan/metrics/eval_set.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/core/check.h"
#include "gan/metrics/class_scores.h"
#include "gan/metrics/fid.h"
#include "gan/nn/layout.h"
#include "gan/nn/progressive.h"

gan_status gan_eval_set_from(gan_eval_set *s, float *features, double *probs, long n, int dim, int classes,
                             gan_error *err)
{
    memset(s, 0, sizeof *s);
    s->n = n, s->dim = dim, s->classes = classes;
    s->features = features, s->probs = probs;
    s->mean = malloc(sizeof(double) * dim);
    s->cov = malloc(sizeof(double) * (size_t)dim * dim);
    s->counts = calloc((size_t)classes, sizeof(long));
    gan_status rc = s->mean && s->cov && s->counts ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; rc == GAN_OK && i < n * dim; i++)
        if (!isfinite(features[i]))
            rc = gan_fail(err, GAN_ERR_NUMERIC, "the classifier's features are not finite");
    for (long i = 0; rc == GAN_OK && i < n; i++) { /* the predicted class: the most probable */
        const double *p = probs + i * classes;
        int best = 0;
        for (int j = 1; j < classes; j++)
            if (p[j] > p[best]) best = j;
        s->counts[best]++;
    }
    if (rc == GAN_OK && gan_gaussian_fit(s->mean, s->cov, features, n, dim) != GAN_OK)
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) {
        s->inception_score = gan_inception_score(probs, n, classes);
        gan_inception_score_splits(probs, n, classes, 10, &s->is_mean, &s->is_std);
    }
    if (rc != GAN_OK) gan_eval_set_free(s);
    return rc;
}

gan_status gan_eval_set_part(gan_eval_set *part, const gan_eval_set *s, long first, long n, gan_error *err)
{
    GAN_ASSERT(first >= 0 && n >= 0 && first + n <= s->n);
    float *f = malloc(sizeof(float) * (size_t)n * s->dim);
    double *p = malloc(sizeof(double) * (size_t)n * s->classes);
    if (!f || !p) {
        free(f), free(p);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    }
    memcpy(f, s->features + first * s->dim, sizeof(float) * (size_t)n * s->dim);
    memcpy(p, s->probs + first * s->classes, sizeof(double) * (size_t)n * s->classes);
    return gan_eval_set_from(part, f, p, n, s->dim, s->classes, err);
}

gan_status gan_eval_set_select(gan_eval_set *part, const gan_eval_set *s, const long *rows, long n,
                               gan_error *err)
{
    float *f = malloc(sizeof(float) * (size_t)(n > 0 ? n : 1) * s->dim);
    double *p = malloc(sizeof(double) * (size_t)(n > 0 ? n : 1) * s->classes);
    if (!f || !p) {
        free(f), free(p);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    }
    for (long i = 0; i < n; i++) {
        GAN_ASSERT(rows[i] >= 0 && rows[i] < s->n);
        memcpy(f + i * s->dim, s->features + rows[i] * s->dim, sizeof(float) * s->dim);
        memcpy(p + i * s->classes, s->probs + rows[i] * s->classes, sizeof(double) * s->classes);
    }
    return gan_eval_set_from(part, f, p, n, s->dim, s->classes, err);
}

gan_status gan_eval_set_compute(gan_eval_set *s, gan_classifier *c, const gan_work *work,
                                gan_image_source src, void *ctx, long n, gan_error *err)
{
    memset(s, 0, sizeof *s);
    if (n < 2) return gan_fail(err, GAN_ERR_INPUT, "evaluation needs at least 2 images, got %ld", n);
    const int B = c->max_batch, d = c->arch.hidden, k = c->arch.classes;
    const long img = (long)c->arch.channels * c->arch.image_size * c->arch.image_size;
    float *batch = malloc(sizeof(float) * (size_t)B * img), *feats = malloc(sizeof(float) * (size_t)n * d);
    double *probs = malloc(sizeof(double) * (size_t)n * k);
    if (!batch || !feats || !probs) {
        free(batch), free(feats), free(probs);
        return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    }
    for (long first = 0; first < n; first += B) {
        const int m = (int)(n - first < B ? n - first : B);
        src(ctx, first, m, batch);
        const float *logits = gan_classifier_forward(c, work, batch, m, GAN_MODE_EVAL);
        memcpy(feats + first * d, c->features, sizeof(float) * (size_t)m * d);
        for (int i = 0; i < m; i++) { /* softmax, from the largest logit */
            const float *l = logits + (size_t)i * k;
            double *p = probs + (first + i) * k, mx = l[0], sum = 0.0;
            for (int j = 1; j < k; j++)
                if (l[j] > mx) mx = l[j];
            for (int j = 0; j < k; j++) sum += p[j] = exp((double)l[j] - mx);
            for (int j = 0; j < k; j++) p[j] /= sum;
        }
    }
    free(batch);
    return gan_eval_set_from(s, feats, probs, n, d, k, err);
}

void gan_eval_set_free(gan_eval_set *s)
{
    free(s->features);
    free(s->probs);
    free(s->mean);
    free(s->cov);
    free(s->counts);
    memset(s, 0, sizeof *s);
}

void gan_generator_images(void *ctx, long first, int n, float *out)
{
    gan_generator_source *src = ctx; /* the latents come from the stream in order */
    gan_net *g = src->g;
    const int side = src->size > 0 ? src->size : g->arch.image_size;
    const long plane = (long)side * side;
    for (int done = 0; done < n;) {
        const int q = n - done < g->max_batch ? n - done : g->max_batch;
        gan_rng_truncated_normal(&src->rng, src->z, (long)g->arch.nz * q, src->truncation);
        int32_t *labels = NULL;
        if (g->arch.classes > 0) {
            labels = src->label_buf;
            if (src->labels) memcpy(labels, src->labels + first + done, sizeof(int32_t) * (size_t)q);
            else if (src->label_data) gan_dataset_draw_labels(src->label_data, &src->rng, labels, q);
            else gan_net_draw_labels(g, &src->rng, labels, q);
        }
        const float *imgs = gan_net_forward(g, src->work, src->z, labels, q, src->bn_mode);
        if (g->size == side)
            gan_copy_images(out + done * plane, gan_layout_cnhw(n, plane), imgs, gan_layout_cnhw(q, plane), q,
                            g->arch.channels, plane);
        else /* a growing G's earlier phase, or a classifier of a smaller side */
            for (long p = 0; p < (long)g->arch.channels * q; p++)
                gan_resample_pow2(out + ((p / q) * n + done + p % q) * plane, imgs + p * g->size * g->size,
                                  g->size, side);
        done += q;
    }
}

void gan_dataset_images(void *ctx, long first, int n, float *out)
{
    const gan_dataset_source *src = ctx;
    gan_dataset_batch(src->data, src->idx + first, n, out);
}

gan_status gan_real_order(const gan_dataset *data, uint64_t seed, gan_stream stream, int32_t **order,
                          gan_error *err)
{
    *order = malloc(sizeof(int32_t) * (size_t)(data->count > 0 ? data->count : 1));
    if (!*order) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    gan_rng rng;
    gan_rng_seed_stream(&rng, seed, stream);
    gan_rng_permutation(&rng, *order, data->count);
    return GAN_OK;
}

static void warn(gan_eval_report *r, const char *text)
{
    if (r->nwarnings < GAN_EVAL_MAX_WARNINGS)
        snprintf(r->warnings[r->nwarnings++], sizeof r->warnings[0], "%s", text);
}

gan_status gan_eval_compare(gan_eval_report *r, const gan_eval_set *real, const gan_eval_set *gen,
                            gan_error *err)
{
    memset(r, 0, sizeof *r);
    if (real->dim != gen->dim || real->classes != gen->classes)
        return gan_fail(err, GAN_ERR_INPUT, "real and generated statistics come from different classifiers");
    const int k = real->classes;
    r->fid = gan_frechet_distance(real->mean, real->cov, gen->mean, gen->cov, real->dim);
    if (isnan(r->fid))
        return gan_fail(err, GAN_ERR_NUMERIC, "FID: the eigensolver failed on the feature covariances");
    r->is_real = real->inception_score;
    r->is_gen = gen->inception_score;
    r->entropy_real = gan_entropy_bits(real->counts, k);
    r->entropy_gen = gan_entropy_bits(gen->counts, k);
    r->entropy_max = log2((double)k);
    char missing[120] = "", line[200];
    int nmissing = 0;
    double missing_share = 0.0;
    for (int j = 0; j < k; j++) {
        const double pr = (double)real->counts[j] / (double)real->n,
                     pg = (double)gen->counts[j] / (double)gen->n;
        if (pr > 0.0 && pg >= 0.25 * pr) r->classes_covered++;
        if (gen->counts[j] == 0 && real->counts[j] > 0) {
            size_t len = strlen(missing);
            if (len + 16 < sizeof missing)
                snprintf(missing + len, sizeof missing - len, "%s%d", nmissing ? ", " : "", j);
            else if (len + 5 < sizeof missing && !strstr(missing, "...")) strcat(missing, ", ...");
            nmissing++;
            missing_share += pr;
        }
        if (pg > 2.0 * pr && pg > 2.0 / k) {
            snprintf(line, sizeof line,
                     "class %d dominates: %.1f%% of the samples against %.1f%% of the real images", j,
                     100.0 * pg, 100.0 * pr);
            warn(r, line);
        }
    }
    if (nmissing) {
        snprintf(line, sizeof line, "%d %s missing from the samples (%s: %.1f%% of the real images)",
                 nmissing, nmissing == 1 ? "class" : "classes", missing, 100.0 * missing_share);
        warn(r, line);
    }
    return GAN_OK;
}
