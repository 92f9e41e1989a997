/* A set of images as the classifier sees them, and two sets compared. */
#include "gan/metrics/eval_set.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/metrics/class_scores.h"
#include "gan/metrics/fid.h"
#include "gan/nn/layout.h"

gan_status gan_eval_set_compute(gan_eval_set *s, gan_classifier *c, const gan_work *work,
                                gan_image_source src, void *ctx, long n, gan_error *err)
{
    memset(s, 0, sizeof *s);
    if (n < 2) return gan_fail(err, GAN_ERR_INPUT, "evaluation needs at least 2 images, got %ld", n);
    const int B = c->max_batch, d = c->arch.hidden, k = c->arch.classes;
    const long img = (long)c->arch.channels * c->arch.image_size * c->arch.image_size;
    s->n = n;
    s->dim = d;
    s->classes = k;
    s->mean = malloc(sizeof(double) * d);
    s->cov = malloc(sizeof(double) * (size_t)d * d);
    s->counts = calloc((size_t)k, sizeof(long));
    float *batch = malloc(sizeof(float) * (size_t)B * img), *feats = malloc(sizeof(float) * (size_t)n * d);
    double *probs = malloc(sizeof(double) * (size_t)n * k);
    gan_status rc = GAN_OK;
    if (!s->mean || !s->cov || !s->counts || !batch || !feats || !probs)
        rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long first = 0; first < n && rc == GAN_OK; first += B) {
        const int m = (int)(n - first < B ? n - first : B);
        src(ctx, first, m, batch);
        const float *logits = gan_classifier_forward(c, work, batch, m, GAN_MODE_EVAL);
        memcpy(feats + first * d, c->features, sizeof(float) * (size_t)m * d);
        for (int i = 0; i < m; i++) {
            const float *l = logits + (size_t)i * k;
            double *p = probs + (first + i) * k, mx = l[0], sum = 0.0;
            int best = 0;
            for (int j = 1; j < k; j++)
                if (l[j] > mx) mx = l[j], best = j;
            for (int j = 0; j < k; j++) sum += p[j] = exp((double)l[j] - mx);
            for (int j = 0; j < k; j++) p[j] /= sum;
            s->counts[best]++;
        }
    }
    if (rc == GAN_OK) {
        for (long i = 0; i < n * d && rc == GAN_OK; i++)
            if (!isfinite(feats[i]))
                rc = gan_fail(err, GAN_ERR_NUMERIC, "the classifier's features are not finite");
    }
    if (rc == GAN_OK) {
        if (gan_gaussian_fit(s->mean, s->cov, feats, n, d) != GAN_OK)
            rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        s->inception_score = gan_inception_score(probs, n, k);
    }
    free(batch);
    free(feats);
    free(probs);
    if (rc != GAN_OK) gan_eval_set_free(s);
    return rc;
}

void gan_eval_set_free(gan_eval_set *s)
{
    free(s->mean);
    free(s->cov);
    free(s->counts);
    memset(s, 0, sizeof *s);
}

void gan_generator_images(void *ctx, long first, int n, float *out)
{
    gan_generator_source *src = ctx; /* the latents come from the stream in order */
    gan_net *g = src->g;
    const long plane = (long)g->arch.image_size * g->arch.image_size;
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
        gan_copy_images(out + done * plane, gan_layout_cnhw(n, plane), imgs, gan_layout_cnhw(q, plane), q,
                        g->arch.channels, plane);
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

gan_status gan_eval_classes(gan_class_report *r, gan_classifier *c, const gan_work *work,
                            gan_generator_source *gen, long n_per, const gan_dataset *real,
                            const int32_t *real_idx, long n_real, gan_error *err)
{
    memset(r, 0, sizeof *r);
    const int k = c->arch.classes;
    if (gen->g->arch.classes != k || real->classes.count != k)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "the generator has %d classes, the real data %d and the classifier %d: per-class measures "
            "need the same classes",
            gen->g->arch.classes, real->classes.count, k);
    r->classes = k;
    r->agreement = calloc((size_t)k, sizeof(double));
    r->fid = calloc((size_t)k, sizeof(double));
    r->real_count = calloc((size_t)k, sizeof(long));
    int32_t *labels = malloc(sizeof(int32_t) * (size_t)n_per), *idx = malloc(sizeof(int32_t) * (size_t)n_per);
    gan_status rc = r->agreement && r->fid && r->real_count && labels && idx
                        ? GAN_OK
                        : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    r->min_agreement = 1.0;
    for (int cls = 0; cls < k && rc == GAN_OK; cls++) {
        long m = 0; /* the real images of this class, in real_idx's (seeded) order */
        for (long i = 0; i < n_real && m < n_per; i++)
            if (real->labels[real_idx[i]] == cls) idx[m++] = real_idx[i];
        if (m < 2) {
            rc = gan_fail(err, GAN_ERR_INPUT, "class '%s' has %ld real images; its FID needs at least 2",
                          real->classes.names[cls], m);
            break;
        }
        for (long i = 0; i < n_per; i++) labels[i] = cls;
        gen->labels = labels;
        gan_eval_set gs, rs;
        gan_dataset_source src = {real, idx};
        rc = gan_eval_set_compute(&gs, c, work, gan_generator_images, gen, n_per, err);
        if (rc == GAN_OK) {
            rc = gan_eval_set_compute(&rs, c, work, gan_dataset_images, &src, m, err);
            if (rc == GAN_OK) {
                r->fid[cls] = gan_frechet_distance(rs.mean, rs.cov, gs.mean, gs.cov, rs.dim);
                if (isnan(r->fid[cls]))
                    rc = gan_fail(err, GAN_ERR_NUMERIC,
                                  "FID: the eigensolver failed on the feature covariances");
                gan_eval_set_free(&rs);
            }
            r->agreement[cls] = (double)gs.counts[cls] / (double)n_per;
            r->real_count[cls] = m;
            gan_eval_set_free(&gs);
        }
        r->mean_agreement += r->agreement[cls] / k;
        r->mean_fid += r->fid[cls] / k;
        if (r->agreement[cls] < r->min_agreement) r->min_agreement = r->agreement[cls], r->min_class = cls;
    }
    gen->labels = NULL;
    free(labels), free(idx);
    if (rc != GAN_OK) gan_class_report_free(r);
    return rc;
}

void gan_class_report_free(gan_class_report *r)
{
    free(r->agreement), free(r->fid), free(r->real_count);
    memset(r, 0, sizeof *r);
}
