/* The feature-space measures on fixed features, printed as JSON for
 * tests/parity/metrics_numpy.py, which computes each with NumPy from the
 * formula and compares: KID (one subset holding every row, so no draw is
 * involved: MMD^2_u does not depend on the rows' order), precision, recall,
 * density and coverage for two k, the nearest neighbours, FID and the IS
 * splits. Then checks of its own: a KID drawn over many subsets has the
 * full set's mean within its spread, and the refusals of counts too small.
 * usage: test_metrics REAL.npy FAKE.npy PROBS.npy */
#include <stdio.h>
#include <stdlib.h>

#include "../common/check.h"
#include "gan/core/rng.h"
#include "gan/io/npy.h"
#include "gan/metrics/class_scores.h"
#include "gan/metrics/fid.h"
#include "gan/metrics/kid.h"
#include "gan/metrics/neighbours.h"

static float *load(const char *path, long *n, int *d)
{
    float *x = NULL;
    int ndim = 0;
    int64_t shape[8];
    gan_error err;
    if (gan_npy_load(path, &x, &ndim, shape, &err) != GAN_OK || ndim != 2) {
        fprintf(stderr, "test_metrics: %s\n", err.msg);
        exit(1);
    }
    *n = (long)shape[0], *d = (int)shape[1];
    return x;
}

static double fid_of(const float *a, long n, const float *b, long m, int d)
{
    double *m1 = malloc(sizeof(double) * d), *m2 = malloc(sizeof(double) * d);
    double *c1 = malloc(sizeof(double) * d * d), *c2 = malloc(sizeof(double) * d * d);
    gan_gaussian_fit(m1, c1, a, n, d);
    gan_gaussian_fit(m2, c2, b, m, d);
    const double f = gan_frechet_distance(m1, c1, m2, c2, d);
    free(m1), free(m2), free(c1), free(c2);
    return f;
}

int main(int argc, char **argv)
{
    if (argc != 4) return 2;
    long n, m, np_;
    int d, d2, k;
    float *real = load(argv[1], &n, &d), *fake = load(argv[2], &m, &d2), *pf = load(argv[3], &np_, &k);
    CHECK(d == d2);
    gan_error err;
    gan_rng rng;
    gan_rng_seed(&rng, 5);
    const long same = n < m ? n : m;
    gan_kid_result kid;
    CHECK(gan_kid(real, same, fake, same, d, 1, (int)same, &rng, &kid, &err) == GAN_OK);
    printf("{\"kid_full\": %.17g, \"n_kid\": %ld,\n", kid.mean, same);
    for (int kk = 3; kk <= 5; kk += 2) {
        gan_prdc_result p;
        CHECK(gan_prdc(real, n, fake, m, d, kk, &p, &err) == GAN_OK);
        printf(" \"prdc_%d\": [%.17g, %.17g, %.17g, %.17g],\n", kk, p.precision, p.recall, p.density,
               p.coverage);
    }
    long *idx = malloc(sizeof(long) * m);
    double *dist = malloc(sizeof(double) * m);
    CHECK(gan_nearest(fake, m, real, n, d, NULL, idx, dist, &err) == GAN_OK);
    printf(" \"nearest_index\": [");
    for (long i = 0; i < m; i++) printf("%s%ld", i ? ", " : "", idx[i]);
    printf("],\n \"nearest_distance\": [");
    for (long i = 0; i < m; i++) printf("%s%.17g", i ? ", " : "", dist[i]);
    printf("],\n \"fid\": %.17g,\n", fid_of(real, n, fake, m, d));
    double *probs = malloc(sizeof(double) * np_ * k);
    for (long i = 0; i < np_ * k; i++) probs[i] = pf[i];
    double is_mean, is_std;
    gan_inception_score_splits(probs, np_, k, 10, &is_mean, &is_std);
    printf(" \"is_splits\": [%.17g, %.17g]}\n", is_mean, is_std);

    /* KID over many subsets: its mean near the full set's, within a few of its spreads */
    gan_kid_result many;
    CHECK(gan_kid(real, n, fake, m, d, 50, (int)(same / 2), &rng, &many, &err) == GAN_OK);
    CHECK_MSG(many.std > 0 && many.mean > kid.mean - 4 * many.std && many.mean < kid.mean + 4 * many.std,
              "KID over 50 subsets %g +- %g, over the whole set %g", many.mean, many.std, kid.mean);
    /* the same generator against itself: KID near 0 */
    gan_kid_result self;
    CHECK(gan_kid(real, n, real, n, d, 20, (int)(n / 2), &rng, &self, &err) == GAN_OK);
    CHECK_MSG(self.mean < 4 * self.std + 1e-12, "KID of a set against itself %g +- %g", self.mean, self.std);
    /* refusals, with the numbers */
    CHECK(gan_kid(real, n, fake, m, d, 10, (int)(same + 1), &rng, &many, &err) == GAN_ERR_INPUT);
    gan_prdc_result p;
    CHECK(gan_prdc(real, 4, fake, m, d, 4, &p, &err) == GAN_ERR_INPUT);
    free(real), free(fake), free(pf), free(idx), free(dist), free(probs);
    return check_exit("test_metrics");
}
