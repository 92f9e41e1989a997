/* gan eval's measures: the matrix square root and the Fréchet distance on
 * cases with known answers, the Inception Score and entropy at their
 * extremes, and FID with a classifier trained on the bundled digits: two
 * disjoint halves of the real data are close, noise and a constant image
 * are far, and the class report flags a collapsed sample set. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../common/check.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/io/checkpoint.h"
#include "gan/jobs/classify.h"
#include "gan/metrics/class_scores.h"
#include "gan/metrics/eval_set.h"
#include "gan/metrics/fid.h"
#include "gan/models/classifier.h"

/* A random orthogonal matrix (Gram-Schmidt on Gaussian rows), row-major d x d. */
static void random_orthogonal(double *q, int d, gan_rng *rng)
{
    float *g = malloc(sizeof(float) * d * d);
    gan_rng_normal(rng, g, (long)d * d, 0.0f, 1.0f);
    for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) q[i * d + j] = g[i * d + j];
        for (int k = 0; k < i; k++) {
            double dot = 0.0;
            for (int j = 0; j < d; j++) dot += q[i * d + j] * q[k * d + j];
            for (int j = 0; j < d; j++) q[i * d + j] -= dot * q[k * d + j];
        }
        double norm = 0.0;
        for (int j = 0; j < d; j++) norm += q[i * d + j] * q[i * d + j];
        for (int j = 0; j < d; j++) q[i * d + j] /= sqrt(norm);
    }
    free(g);
}

/* out = Q^T diag(w) Q */
static void from_eigen(double *out, const double *q, const double *w, int d)
{
    for (int a = 0; a < d; a++)
        for (int b = 0; b < d; b++) {
            double s = 0.0;
            for (int k = 0; k < d; k++) s += q[k * d + a] * w[k] * q[k * d + b];
            out[a * d + b] = s;
        }
}

static double max_abs_diff(const double *a, const double *b, long n)
{
    double m = 0.0;
    for (long i = 0; i < n; i++)
        if (fabs(a[i] - b[i]) > m) m = fabs(a[i] - b[i]);
    return m;
}

static void check_sqrtm(gan_rng *rng)
{
    /* [[5, 4], [4, 5]] = [[2, 1], [1, 2]]^2 */
    const double a[4] = {5, 4, 4, 5}, want[4] = {2, 1, 1, 2};
    double got[4];
    CHECK(gan_sqrtm_psd(got, a, 2) == GAN_OK);
    CHECK_MSG(max_abs_diff(got, want, 4) < 1e-12, "sqrtm 2x2: %g %g %g %g", got[0], got[1], got[2], got[3]);
    /* a 40 x 40 positive definite matrix with known eigenvalues 0.01 .. 100, and a singular one */
    enum { D = 40 };
    double *q = malloc(sizeof(double) * D * D), *m = malloc(sizeof(double) * D * D),
           *r = malloc(sizeof(double) * D * D);
    double *sq = malloc(sizeof(double) * D * D), w[D], sw[D];
    random_orthogonal(q, D, rng);
    for (int i = 0; i < D; i++) w[i] = pow(10.0, -2.0 + 4.0 * i / (D - 1)), sw[i] = sqrt(w[i]);
    from_eigen(m, q, w, D);
    from_eigen(r, q, sw, D);
    CHECK(gan_sqrtm_psd(sq, m, D) == GAN_OK);
    double e = max_abs_diff(sq, r, (long)D * D);
    CHECK_MSG(e < 1e-10, "sqrtm 40x40: max error %g", e);
    printf("  sqrtm 2x2 exact; 40x40 (eigenvalues 1e-2..1e2) max error %.2e\n", e);
    for (int i = 0; i < D / 2; i++) w[i] = 0.0, sw[i] = 0.0; /* rank 20 */
    from_eigen(m, q, w, D);
    from_eigen(r, q, sw, D);
    CHECK(gan_sqrtm_psd(sq, m, D) == GAN_OK);
    e = max_abs_diff(sq, r, (long)D * D);
    CHECK_MSG(e < 1e-7, "sqrtm of a singular matrix: max error %g", e);
    free(q), free(m), free(r), free(sq);
}

static void check_frechet(gan_rng *rng)
{
    /* Covariances sharing eigenvectors: FID = |mu1 - mu2|^2 + sum (sqrt a_i - sqrt b_i)^2. */
    enum { D = 30 };
    double *q = malloc(sizeof(double) * D * D), *c1 = malloc(sizeof(double) * D * D),
           *c2 = malloc(sizeof(double) * D * D);
    double a[D], b[D], mu1[D], mu2[D], want = 0.0;
    random_orthogonal(q, D, rng);
    for (int i = 0; i < D; i++) {
        a[i] = 0.1 + gan_rng_uniform(rng) * 5.0;
        b[i] = 0.1 + gan_rng_uniform(rng) * 5.0;
        mu1[i] = gan_rng_uniform(rng);
        mu2[i] = gan_rng_uniform(rng);
        want += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]) + (sqrt(a[i]) - sqrt(b[i])) * (sqrt(a[i]) - sqrt(b[i]));
    }
    from_eigen(c1, q, a, D);
    from_eigen(c2, q, b, D);
    double got = gan_frechet_distance(mu1, c1, mu2, c2, D);
    CHECK_MSG(fabs(got - want) < 1e-9 * want, "Frechet distance %.12g, want %.12g", got, want);
    double self = gan_frechet_distance(mu1, c1, mu1, c1, D);
    CHECK_MSG(self >= 0.0 && self < 1e-9, "Frechet distance to itself %g", self);
    /* Symmetric in its two arguments even when the covariances do not commute. */
    random_orthogonal(q, D, rng);
    from_eigen(c2, q, b, D);
    double ab = gan_frechet_distance(mu1, c1, mu2, c2, D), ba = gan_frechet_distance(mu2, c2, mu1, c1, D);
    CHECK_MSG(fabs(ab - ba) < 1e-9 * ab, "not symmetric: %.12g against %.12g", ab, ba);
    printf("  Frechet distance: closed form %.6f, computed %.6f; symmetric to %.1e\n", want, got,
           fabs(ab - ba) / ab);
    /* Mean and covariance from samples: x = (t, 2t) puts all variance on one line. */
    float x[6] = {1, 2, 2, 4, 3, 6};
    double mean[2], cov[4];
    CHECK(gan_gaussian_fit(mean, cov, x, 3, 2) == GAN_OK);
    CHECK(fabs(mean[0] - 2) < 1e-12 && fabs(mean[1] - 4) < 1e-12);
    CHECK(fabs(cov[0] - 1) < 1e-12 && fabs(cov[1] - 2) < 1e-12 && fabs(cov[2] - 2) < 1e-12 &&
          fabs(cov[3] - 4) < 1e-12);
    free(q), free(c1), free(c2);
}

static void check_scores(void)
{
    /* Confident and uniform over classes: IS = K; all alike: IS = 1. */
    enum { K = 4, N = 8 };
    double p[N * K] = {0};
    for (int i = 0; i < N; i++) p[i * K + i % K] = 1.0;
    CHECK(fabs(gan_inception_score(p, N, K) - K) < 1e-12);
    memset(p, 0, sizeof p);
    for (int i = 0; i < N; i++) p[i * K + 2] = 1.0;
    CHECK(fabs(gan_inception_score(p, N, K) - 1.0) < 1e-12);
    for (int i = 0; i < N * K; i++) p[i] = 1.0 / K; /* unsure about everything: also 1 */
    CHECK(fabs(gan_inception_score(p, N, K) - 1.0) < 1e-12);
    long even[4] = {5, 5, 5, 5}, one[4] = {0, 9, 0, 0}, none[4] = {0};
    CHECK(fabs(gan_entropy_bits(even, 4) - 2.0) < 1e-12);
    CHECK(gan_entropy_bits(one, 4) == 0.0 && gan_entropy_bits(none, 4) == 0.0);
}

/* ------------------------------------------------ with a trained classifier */
typedef struct {
    int channels, size;
    float value; /* constant images; NAN: uniform noise */
    gan_rng rng;
} synthetic;

static void synthetic_images(void *ctx, long first, int n, float *out)
{
    (void)first;
    synthetic *s = ctx;
    const long len = (long)s->channels * n * s->size * s->size;
    for (long i = 0; i < len; i++)
        out[i] = isnan(s->value) ? (float)(2.0 * gan_rng_uniform(&s->rng) - 1.0) : s->value;
}

static void check_with_classifier(const char *dir)
{
    gan_config cfg;
    gan_error err;
    char out_dir[300];
    snprintf(out_dir, sizeof out_dir, "output.dir=\"%s\"", dir);
    const char *sets[] = {"data.path=\"" GAN_SOURCE_DIR "/data/mnist10k/images-idx3-ubyte.gz\"",
                          "data.labels=\"" GAN_SOURCE_DIR "/data/mnist10k/labels-idx1-ubyte.gz\"",
                          "data.fit=\"pad\"",
                          "data.limit=3000",
                          "classifier.epochs=3",
                          "classifier.width=16",
                          "classifier.hidden=64",
                          "train.threads=1",
                          out_dir};
    gan_status rc = gan_config_parse(&cfg, NULL, "test", sets, 9, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    gan_classify_opts opts = {0};
    gan_classify_result res;
    rc = gan_classify_train(&cfg, &opts, &res, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc != GAN_OK) return;
    printf("  classifier (3 epochs on 2700 digits): test accuracy %.1f%% on %ld\n", 100.0 * res.test_accuracy,
           res.test_count);
    CHECK_MSG(res.test_accuracy > 0.85, "test accuracy %.3f", res.test_accuracy);

    gan_classifier c;
    gan_work w;
    rc = gan_classifier_load(res.path, &c, 100, NULL, &err);
    CHECK_MSG(rc == GAN_OK, "%s", err.msg);
    if (rc != GAN_OK) return;
    CHECK(gan_work_alloc(&w, gan_classifier_work_plan(&c), NULL) == GAN_OK);
    gan_dataset data;
    CHECK(gan_dataset_load(&data, &cfg, &err) == GAN_OK);
    int32_t *idx = malloc(sizeof(int32_t) * 3000);
    for (int i = 0; i < 3000; i++) idx[i] = i;
    gan_dataset_source half_a = {&data, idx}, half_b = {&data, idx + 1500};
    synthetic noise = {1, 32, NAN, {{0}}}, flat = {1, 32, -0.2f, {{0}}};
    gan_rng_seed(&noise.rng, 7);
    gan_eval_set a, b, n, k;
    CHECK(gan_eval_set_compute(&a, &c, &w, gan_dataset_images, &half_a, 1500, &err) == GAN_OK);
    CHECK(gan_eval_set_compute(&b, &c, &w, gan_dataset_images, &half_b, 1500, &err) == GAN_OK);
    CHECK(gan_eval_set_compute(&n, &c, &w, synthetic_images, &noise, 1500, &err) == GAN_OK);
    CHECK(gan_eval_set_compute(&k, &c, &w, synthetic_images, &flat, 1500, &err) == GAN_OK);
    gan_eval_report halves, vs_noise, vs_flat;
    CHECK(gan_eval_compare(&halves, &a, &b, &err) == GAN_OK);
    CHECK(gan_eval_compare(&vs_noise, &a, &n, &err) == GAN_OK);
    CHECK(gan_eval_compare(&vs_flat, &a, &k, &err) == GAN_OK);
    printf("  FID real half / real half %.3f, real / uniform noise %.3f, real / constant image %.3f\n",
           halves.fid, vs_noise.fid, vs_flat.fid);
    printf("  IS real %.3f, noise %.3f, constant %.3f; class entropy real %.3f, constant %.3f bits\n",
           halves.is_real, vs_noise.is_gen, vs_flat.is_gen, halves.entropy_real, vs_flat.entropy_gen);
    CHECK_MSG(halves.fid * 20.0 < vs_noise.fid && halves.fid * 20.0 < vs_flat.fid,
              "FID does not separate real from fake");
    CHECK(halves.is_real > 5.0 && fabs(vs_flat.is_gen - 1.0) < 1e-6);
    CHECK(halves.classes_covered == 10 && halves.nwarnings == 0);
    /* every constant image gets one class: it dominates and nine are missing */
    CHECK(vs_flat.classes_covered == 1 && vs_flat.entropy_gen == 0.0 && vs_flat.nwarnings == 2);
    for (int i = 0; i < vs_flat.nwarnings; i++)
        printf("  constant images: warning: %s\n", vs_flat.warnings[i]);
    CHECK(strstr(vs_flat.warnings[0], "dominates") && strstr(vs_flat.warnings[1], "9 classes missing"));
    gan_eval_set_free(&a), gan_eval_set_free(&b), gan_eval_set_free(&n), gan_eval_set_free(&k);
    free(idx);
    gan_dataset_free(&data);
    gan_classifier_free(&c);
    gan_work_free(&w);
    unlink(res.path);
}

int main(void)
{
    gan_rng rng;
    gan_rng_seed(&rng, 99);
    check_sqrtm(&rng);
    check_frechet(&rng);
    check_scores();
    char dir[] = "/tmp/gan_test_eval.XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    check_with_classifier(dir);
    rmdir(dir);
    return check_exit("test_eval");
}
