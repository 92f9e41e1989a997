/* Nearest neighbours by blocks: a block of query rows against a block of
 * reference rows is one DGEMM (the dot products) plus the squared norms;
 * memory stays at one block of distances whatever the set sizes. */
#include "gan/metrics/neighbours.h"

#include <cblas.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { ROWS = 512, COLS = 2048 };

/* What a pass over every (query, reference) pair hands its visitor: a
 * block of squared distances d2[i * cols + j] for query rows [q0, q0 + rows)
 * and reference rows [r0, r0 + cols). */
typedef void (*block_fn)(void *ctx, long q0, int rows, long r0, int cols, const double *d2);

typedef struct {
    double *qd, *rd, *d2; /* [ROWS, d], [COLS, d], [ROWS, COLS] */
    double *qn, *rn;      /* squared norms [ROWS], [COLS] */
} scratch;

static void to_double(const float *x, long first, int rows, int d, double *out, double *norm)
{
    for (int i = 0; i < rows; i++) {
        double s = 0.0;
        for (int c = 0; c < d; c++) {
            const double v = x[(size_t)(first + i) * d + c];
            out[(size_t)i * d + c] = v;
            s += v * v;
        }
        norm[i] = s;
    }
}

static gan_status for_each_block(const float *q, long m, const float *r, long n, int d, block_fn fn,
                                 void *ctx, gan_error *err)
{
    scratch s = {.qd = malloc(sizeof(double) * ROWS * (size_t)d),
                 .rd = malloc(sizeof(double) * COLS * (size_t)d),
                 .d2 = malloc(sizeof(double) * ROWS * (size_t)COLS),
                 .qn = malloc(sizeof(double) * ROWS),
                 .rn = malloc(sizeof(double) * COLS)};
    gan_status rc =
        s.qd && s.rd && s.d2 && s.qn && s.rn ? GAN_OK : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long q0 = 0; rc == GAN_OK && q0 < m; q0 += ROWS) {
        const int rows = (int)(m - q0 < ROWS ? m - q0 : ROWS);
        to_double(q, q0, rows, d, s.qd, s.qn);
        for (long r0 = 0; r0 < n; r0 += COLS) {
            const int cols = (int)(n - r0 < COLS ? n - r0 : COLS);
            to_double(r, r0, cols, d, s.rd, s.rn);
            cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasTrans, rows, cols, d, -2.0, s.qd, d, s.rd, d, 0.0,
                        s.d2, cols);
            for (int i = 0; i < rows; i++)
                for (int j = 0; j < cols; j++) {
                    const double v = s.d2[(size_t)i * cols + j] + s.qn[i] + s.rn[j];
                    s.d2[(size_t)i * cols + j] = v > 0.0 ? v : 0.0; /* rounding, for a row and itself */
                }
            fn(ctx, q0, rows, r0, cols, s.d2);
        }
    }
    free(s.qd), free(s.rd), free(s.d2), free(s.qn), free(s.rn);
    return rc;
}

/* ---- the nearest row */
typedef struct {
    const long *skip;
    long *index;
    double *best; /* squared */
} nearest_job;

static void nearest_block(void *ctx, long q0, int rows, long r0, int cols, const double *d2)
{
    nearest_job *j = ctx;
    for (int i = 0; i < rows; i++)
        for (int c = 0; c < cols; c++) {
            if (j->skip && j->skip[q0 + i] == r0 + c) continue;
            const double v = d2[(size_t)i * cols + c];
            if (v < j->best[q0 + i]) j->best[q0 + i] = v, j->index[q0 + i] = r0 + c;
        }
}

gan_status gan_nearest(const float *q, long m, const float *r, long n, int d, const long *skip, long *index,
                       double *distance, gan_error *err)
{
    for (long i = 0; i < m; i++) distance[i] = INFINITY, index[i] = -1;
    nearest_job j = {skip, index, distance};
    gan_status rc = for_each_block(q, m, r, n, d, nearest_block, &j, err);
    for (long i = 0; i < m; i++) distance[i] = sqrt(distance[i]);
    return rc;
}

/* ---- the k-th nearest other row: each row keeps its k smallest, sorted */
typedef struct {
    int k;
    double *kept; /* [n, k] squared, ascending */
} knn_job;

static void knn_block(void *ctx, long q0, int rows, long r0, int cols, const double *d2)
{
    knn_job *j = ctx;
    for (int i = 0; i < rows; i++) {
        double *kept = j->kept + (size_t)(q0 + i) * j->k;
        for (int c = 0; c < cols; c++) {
            const double v = d2[(size_t)i * cols + c];
            if (q0 + i == r0 + c || v >= kept[j->k - 1]) continue;
            int at = j->k - 1;
            for (; at > 0 && kept[at - 1] > v; at--) kept[at] = kept[at - 1];
            kept[at] = v;
        }
    }
}

gan_status gan_knn_radii(const float *x, long n, int d, int k, double *radius, gan_error *err)
{
    if (k < 1 || k >= n)
        return gan_fail(err, GAN_ERR_INPUT, "k-NN balls of k = %d need more than k images, got %ld", k, n);
    knn_job j = {k, malloc(sizeof(double) * (size_t)n * k)};
    if (!j.kept) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (size_t i = 0; i < (size_t)n * k; i++) j.kept[i] = INFINITY;
    gan_status rc = for_each_block(x, n, x, n, d, knn_block, &j, err);
    for (long i = 0; i < n; i++) radius[i] = sqrt(j.kept[(size_t)i * k + k - 1]);
    free(j.kept);
    return rc;
}

/* ---- precision, recall, density, coverage: one pass over (fake, real) */
typedef struct {
    const double *real_r2, *fake_r2; /* squared radii */
    long *inside;                    /* [m]: real balls each fake is inside */
    bool *recalled, *covered;        /* [n]: a fake ball holds the real / the real ball holds a fake */
} prdc_job;

static void prdc_block(void *ctx, long q0, int rows, long r0, int cols, const double *d2)
{
    prdc_job *j = ctx;
    for (int i = 0; i < rows; i++)
        for (int c = 0; c < cols; c++) {
            const double v = d2[(size_t)i * cols + c];
            if (v < j->real_r2[r0 + c]) j->inside[q0 + i]++, j->covered[r0 + c] = true;
            if (v < j->fake_r2[q0 + i]) j->recalled[r0 + c] = true;
        }
}

gan_status gan_prdc(const float *real, long n, const float *fake, long m, int d, int k, gan_prdc_result *out,
                    gan_error *err)
{
    memset(out, 0, sizeof *out);
    if (k < 1 || k >= n || k >= m)
        return gan_fail(err, GAN_ERR_INPUT,
                        "precision and recall with k = %d need more than k images of each set (%ld real, %ld "
                        "generated)",
                        k, n, m);
    double *rr = malloc(sizeof(double) * (size_t)n), *fr = malloc(sizeof(double) * (size_t)m);
    prdc_job j = {rr, fr, calloc((size_t)m, sizeof(long)), calloc((size_t)n, sizeof(bool)),
                  calloc((size_t)n, sizeof(bool))};
    gan_status rc = rr && fr && j.inside && j.recalled && j.covered
                        ? GAN_OK
                        : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) rc = gan_knn_radii(real, n, d, k, rr, err);
    if (rc == GAN_OK) rc = gan_knn_radii(fake, m, d, k, fr, err);
    for (long i = 0; rc == GAN_OK && i < n; i++) rr[i] *= rr[i];
    for (long i = 0; rc == GAN_OK && i < m; i++) fr[i] *= fr[i];
    if (rc == GAN_OK) rc = for_each_block(fake, m, real, n, d, prdc_block, &j, err);
    if (rc == GAN_OK) {
        long precise = 0, inside = 0, recalled = 0, covered = 0;
        for (long i = 0; i < m; i++) precise += j.inside[i] > 0, inside += j.inside[i];
        for (long i = 0; i < n; i++) recalled += j.recalled[i], covered += j.covered[i];
        *out = (gan_prdc_result){.precision = (double)precise / m,
                                 .recall = (double)recalled / n,
                                 .density = (double)inside / ((double)k * m),
                                 .coverage = (double)covered / n,
                                 .k = k};
    }
    free(rr), free(fr), free(j.inside), free(j.recalled), free(j.covered);
    return rc;
}
