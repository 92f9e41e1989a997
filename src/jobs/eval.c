#include "gan/jobs/eval.h"

#include <cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gan/nn/layout.h"

/* LAPACK's symmetric eigensolver (divide and conquer), as OpenBLAS exports
 * it. There is no C header for it in libopenblas-dev without LAPACKE, so
 * it is declared here with gfortran's calling convention: hidden lengths
 * of the two CHARACTER arguments at the end. */
extern void dsyevd_(const char *jobz, const char *uplo, const int *n, double *a, const int *lda, double *w,
                    double *work, const int *lwork, int *iwork, const int *liwork, int *info, size_t jobz_len,
                    size_t uplo_len);

/* Eigenvalues w (ascending) and, with vectors, eigenvectors as the rows of a
 * (a symmetric matrix reads the same in either order). false: LAPACK failed. */
static bool sym_eigen(double *a, double *w, int d, bool vectors)
{
    const char jobz = vectors ? 'V' : 'N', uplo = 'U';
    int lwork = -1, liwork = -1, info = 0, iwork_query = 0;
    double work_query = 0.0;
    dsyevd_(&jobz, &uplo, &d, a, &d, w, &work_query, &lwork, &iwork_query, &liwork, &info, 1, 1);
    if (info != 0) return false;
    lwork = (int)work_query + 1;
    liwork = iwork_query + 1;
    double *work = malloc(sizeof(double) * (size_t)lwork);
    int *iwork = malloc(sizeof(int) * (size_t)liwork);
    if (work && iwork) dsyevd_(&jobz, &uplo, &d, a, &d, w, work, &lwork, iwork, &liwork, &info, 1, 1);
    else info = -1;
    free(work);
    free(iwork);
    return info == 0;
}

gan_status gan_gaussian_fit(double *mean, double *cov, const float *x, long n, int d)
{
    enum { ROWS = 256 };
    double *xc = malloc(sizeof(double) * ROWS * (size_t)d);
    if (!xc) return GAN_ERR_NOMEM;
    memset(mean, 0, sizeof(double) * d);
    for (long i = 0; i < n; i++)
        for (int j = 0; j < d; j++) mean[j] += x[i * d + j];
    for (int j = 0; j < d; j++) mean[j] /= (double)n;
    /* Centre in blocks of rows and let BLAS form the outer products. */
    memset(cov, 0, sizeof(double) * (size_t)d * d);
    for (long r0 = 0; r0 < n; r0 += ROWS) {
        int rows = (int)(n - r0 < ROWS ? n - r0 : ROWS);
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < d; j++) xc[(size_t)i * d + j] = x[(r0 + i) * d + j] - mean[j];
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, d, rows, 1.0, xc, d, xc, d, 1.0, cov, d);
    }
    free(xc);
    for (size_t i = 0; i < (size_t)d * d; i++) cov[i] /= (double)(n - 1);
    return GAN_OK;
}

gan_status gan_sqrtm_psd(double *out, const double *a, int d)
{
    double *v = malloc(sizeof(double) * (size_t)d * d), *w = malloc(sizeof(double) * d);
    double *sv = malloc(sizeof(double) * (size_t)d * d);
    gan_status rc = GAN_ERR_NOMEM;
    if (v && w && sv) {
        memcpy(v, a, sizeof(double) * (size_t)d * d);
        rc = sym_eigen(v, w, d, 1) ? GAN_OK : GAN_ERR_NUMERIC;
    }
    if (rc == GAN_OK) {
        /* A = V^T diag(w) V with eigenvectors as rows of V: sqrt(A) = V^T diag(sqrt w) V. */
        for (int j = 0; j < d; j++) {
            double s = w[j] > 0.0 ? sqrt(w[j]) : 0.0;
            for (int i = 0; i < d; i++) sv[(size_t)j * d + i] = s * v[(size_t)j * d + i];
        }
        cblas_dgemm(CblasRowMajor, CblasTrans, CblasNoTrans, d, d, d, 1.0, v, d, sv, d, 0.0, out, d);
    }
    free(v);
    free(w);
    free(sv);
    return rc;
}

double gan_frechet_distance(const double *mu1, const double *c1, const double *mu2, const double *c2, int d)
{
    const size_t dd = (size_t)d * d;
    double *s1 = malloc(sizeof(double) * dd), *t = malloc(sizeof(double) * dd),
           *m = malloc(sizeof(double) * dd);
    double *w = malloc(sizeof(double) * d);
    double fid = NAN;
    /* Tr((C1 C2)^(1/2)) = Tr((S C2 S)^(1/2)) with S = C1^(1/2): the same
     * eigenvalues, but S C2 S is symmetric, so a symmetric solver applies. */
    if (s1 && t && m && w && gan_sqrtm_psd(s1, c1, d) == GAN_OK) {
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, s1, d, c2, d, 0.0, t, d);
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, d, d, d, 1.0, t, d, s1, d, 0.0, m, d);
        for (int i = 0; i < d; i++)
            for (int j = 0; j < i; j++) {
                double avg = 0.5 * (m[(size_t)i * d + j] + m[(size_t)j * d + i]);
                m[(size_t)i * d + j] = m[(size_t)j * d + i] = avg;
            }
        if (sym_eigen(m, w, d, false)) {
            double dist = 0.0, trace = 0.0, tr_sqrt = 0.0;
            for (int i = 0; i < d; i++) {
                dist += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
                trace += c1[(size_t)i * d + i] + c2[(size_t)i * d + i];
                tr_sqrt += w[i] > 0.0 ? sqrt(w[i]) : 0.0;
            }
            fid = dist + trace - 2.0 * tr_sqrt;
            if (fid < 0.0) fid = 0.0; /* rounding, when the two sets are the same */
        }
    }
    free(s1);
    free(t);
    free(m);
    free(w);
    return fid;
}

double gan_inception_score(const double *probs, long n, int k)
{
    double *py = calloc((size_t)k, sizeof(double));
    if (!py || n < 1) {
        free(py);
        return NAN;
    }
    for (long i = 0; i < n; i++)
        for (int j = 0; j < k; j++) py[j] += probs[i * k + j] / (double)n;
    double kl = 0.0;
    for (long i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            double p = probs[i * k + j];
            if (p > 0.0) kl += p * (log(p) - log(py[j]));
        }
    free(py);
    return exp(kl / (double)n);
}

double gan_entropy_bits(const long *counts, int k)
{
    double total = 0.0, h = 0.0;
    for (int j = 0; j < k; j++) total += (double)counts[j];
    if (total <= 0.0) return 0.0;
    for (int j = 0; j < k; j++)
        if (counts[j] > 0) {
            double p = (double)counts[j] / total;
            h -= p * log2(p);
        }
    return h;
}

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
