/* The Fréchet distance of two Gaussians fitted to feature vectors. */
#include "gan/metrics/fid.h"

#include <cblas.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

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
