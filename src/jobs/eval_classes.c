/* gan eval class by class. A within-class score compares few images (a
 * class's share of the data), where FID's bias is large, so each class's
 * score stands beside its own floor: the same score between two disjoint
 * halves of that class's real images. A conditional generator draws
 * n_per images of each class (and the classifier's agreement with the class
 * asked for is measured); an unconditional one's images are grouped by the
 * class the classifier gives them. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "eval_job.h"

/* The rows of the real pool whose image is of class c, in the pool's order. */
static long class_rows(const eval_job *j, int c, long *rows)
{
    long m = 0;
    for (long i = 0; i < j->pool_n; i++)
        if (j->data.labels[j->order[i]] == c) rows[m++] = i;
    return m;
}

/* The generated images of class c: drawn with that class (a conditional
 * generator), or the generated set's rows the classifier puts in it. */
static gan_status class_images(eval_job *j, gan_eval_result *out, int c, long *rows, gan_eval_set *gen,
                               gan_error *err)
{
    if (!j->data.labels || j->g.arch.classes == 0) {
        long m = 0;
        for (long i = 0; i < out->gen.n; i++) {
            const double *p = out->gen.probs + i * out->gen.classes;
            int best = 0;
            for (int k = 1; k < out->gen.classes; k++)
                if (p[k] > p[best]) best = k;
            if (best == c) rows[m++] = i;
        }
        return gan_eval_set_select(gen, &out->gen, rows, m, err);
    }
    int32_t *labels = malloc(sizeof(int32_t) * (size_t)out->n_per);
    if (!labels) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    for (long i = 0; i < out->n_per; i++) labels[i] = c;
    gan_generator_source src = {.g = &j->g,
                                .work = &j->g_work,
                                .bn_mode = j->req->bn_mode,
                                .truncation = j->req->truncation,
                                .z = j->z,
                                .labels = labels,
                                .label_buf = j->labels};
    gan_rng_seed(&src.rng, j->req->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(c + 1)));
    gan_status rc =
        gan_eval_set_compute(gen, &j->cls, &j->cls_work, gan_generator_images, &src, out->n_per, err);
    free(labels);
    return rc;
}

/* One class: its samples against half its real images, and the floor. */
static gan_status one_class(eval_job *j, gan_eval_result *out, int c, long *rows, gan_error *err)
{
    gan_class_report *r = &out->classes;
    const long m = class_rows(j, c, rows), half = m / 2 < out->n_per ? m / 2 : out->n_per;
    if (half <= j->k)
        return gan_fail(
            err, GAN_ERR_INPUT,
            "class '%s' has %ld real images among the %ld measured; its scores and floor need more than "
            "%d",
            j->data.classes.names[c], m, j->pool_n, 2 * (j->k + 1));
    gan_eval_set a, b, gen;
    memset(&a, 0, sizeof a), memset(&b, 0, sizeof b), memset(&gen, 0, sizeof gen);
    gan_status rc = gan_eval_set_select(&a, &j->pool, rows, half, err);
    if (rc == GAN_OK) rc = gan_eval_set_select(&b, &j->pool, rows + half, half, err);
    long *gen_rows = rc == GAN_OK ? malloc(sizeof(long) * (size_t)(out->gen.n > 0 ? out->gen.n : 1)) : NULL;
    if (rc == GAN_OK && !gen_rows) rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) rc = class_images(j, out, c, gen_rows, &gen, err);
    r->real_count[c] = half;
    r->gen_count[c] = gen.n;
    if (rc == GAN_OK && gen.n <= j->k) /* an unconditional generator that draws (almost) none of the class */
        r->scores[c] = (gan_eval_scores){.fid = NAN, .kid = {.mean = NAN, .std = NAN}};
    else if (rc == GAN_OK) rc = gan_eval_scores_of(j, &a, &gen, &r->scores[c], err);
    if (rc == GAN_OK) rc = gan_eval_scores_of(j, &a, &b, &r->floor[c], err);
    if (rc == GAN_OK && r->conditional) r->agreement[c] = (double)gen.counts[c] / (double)gen.n;
    free(gen_rows);
    gan_eval_set_free(&a), gan_eval_set_free(&b), gan_eval_set_free(&gen);
    return rc;
}

/* The means over the classes (the classes without samples left out). */
static void class_means(gan_class_report *r)
{
    int scored = 0;
    r->min_agreement = 1.0;
    for (int c = 0; c < r->classes; c++) {
        r->mean_agreement += r->agreement[c] / r->classes;
        if (r->conditional && r->agreement[c] < r->min_agreement)
            r->min_agreement = r->agreement[c], r->min_class = c;
        r->mean_fid_floor += r->floor[c].fid / r->classes;
        r->mean_kid_floor += r->floor[c].kid.mean / r->classes;
        if (r->scores[c].fid != r->scores[c].fid) continue; /* NAN: no samples of the class */
        r->mean_fid += r->scores[c].fid, r->mean_kid += r->scores[c].kid.mean, scored++;
    }
    r->mean_fid /= scored > 0 ? scored : 1;
    r->mean_kid /= scored > 0 ? scored : 1;
}

gan_status gan_eval_per_class(eval_job *j, gan_eval_result *out, gan_error *err)
{
    gan_class_report *r = &out->classes;
    const int k = j->cls.arch.classes;
    if (!j->data.labels || j->data.classes.count != k)
        return gan_fail(err, GAN_ERR_INPUT, "%s: %d classes in the real data, but the classifier %s knows %d",
                        j->cfg.data_path, j->data.labels ? j->data.classes.count : 0, j->req->classifier, k);
    r->classes = k;
    r->conditional = j->g.arch.classes > 0;
    r->agreement = calloc((size_t)k, sizeof(double));
    r->real_count = calloc((size_t)k, sizeof(long)), r->gen_count = calloc((size_t)k, sizeof(long));
    r->scores = calloc((size_t)k, sizeof(gan_eval_scores)),
    r->floor = calloc((size_t)k, sizeof(gan_eval_scores));
    long *rows = malloc(sizeof(long) * (size_t)j->pool_n);
    out->n_per = j->n_gen / k > 1 ? j->n_gen / k : 2;
    gan_status rc = r->agreement && r->real_count && r->gen_count && r->scores && r->floor && rows
                        ? GAN_OK
                        : gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    if (rc == GAN_OK) gan_eval_job_report(j, GAN_EVAL_PER_CLASS, out->n_per, k, NULL);
    for (int c = 0; rc == GAN_OK && c < k; c++) rc = one_class(j, out, c, rows, err);
    if (rc == GAN_OK) class_means(r);
    if (rc == GAN_OK) rc = gan_classes_copy(&out->names, &j->data.classes, err);
    free(rows);
    return rc;
}
