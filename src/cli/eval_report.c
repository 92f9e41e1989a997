/* gan eval's report: the table a person reads, every score beside its floor
 * (real against real at the same count), or one JSON object for scripts. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/jobs/eval.h"

/* A score, or "-" for one that could not be taken (NAN: no such images). */
static const char *num(double v, const char *fmt, char *buf, size_t len)
{
    if (isnan(v)) snprintf(buf, len, "-");
    else snprintf(buf, len, fmt, v);
    return buf;
}

static void print_scores(const gan_eval_result *res)
{
    const gan_eval_scores *s = &res->scores, *f = &res->floor;
    const bool floor = res->n_floor > 0;
    char a[32];
    printf("%-16s %10s  %10s\n", "", "generated", floor ? "floor" : "");
    printf("%-16s %10.3f  %10s\n", "FID", s->fid, floor ? num(f->fid, "%.3f", a, sizeof a) : "");
    printf("%-16s %10.5f  %10s   (+- %.5f; %d subsets of %d)\n", "KID", s->kid.mean,
           floor ? num(f->kid.mean, "%.5f", a, sizeof a) : "", s->kid.std, s->kid.subsets,
           s->kid.subset_size);
    const char *names[4] = {"precision", "recall", "density", "coverage"};
    const double g[4] = {s->prdc.precision, s->prdc.recall, s->prdc.density, s->prdc.coverage};
    const double r[4] = {f->prdc.precision, f->prdc.recall, f->prdc.density, f->prdc.coverage};
    for (int i = 0; i < 4; i++)
        printf("%-16s %10.3f  %10s\n", names[i], g[i], floor ? num(r[i], "%.3f", a, sizeof a) : "");
    if (floor)
        printf("(floor: the same scores between two disjoint halves of the real images, %ld each; k-NN balls "
               "of k = %d)\n",
               res->n_floor, s->prdc.k);
}

static void print_classes(const gan_eval_result *res)
{
    const gan_class_report *cr = &res->classes;
    char name[128], a[32], b[32], c[32], d[32], e[32];
    if (cr->conditional)
        printf("class agreement %9.1f%%   (mean over classes; lowest %.1f%%, class %s)\n",
               100.0 * cr->mean_agreement, 100.0 * cr->min_agreement,
               cli_escape(res->names.names[cr->min_class], name, sizeof name));
    printf("intra-class FID %10.3f   (mean over classes; floor %.3f)\n", cr->mean_fid, cr->mean_fid_floor);
    printf("intra-class KID %10.5f   (mean over classes; floor %.5f)\n", cr->mean_kid, cr->mean_kid_floor);
    int width = 10; /* the class column, as wide as the longest name (up to 24 characters) */
    for (int k = 0; k < cr->classes; k++) {
        const int len = (int)strlen(cli_escape(res->names.names[k], name, sizeof name));
        if (len > width) width = len < 24 ? len : 24;
    }
    printf("%-*s agreement        FID      floor        KID      floor   real  generated\n", width, "class");
    for (int k = 0; k < cr->classes; k++)
        printf("%-*.24s %9s  %9s  %9s  %9s  %9s  %5ld  %9ld\n", width,
               cli_escape(res->names.names[k], name, sizeof name),
               cr->conditional ? num(100.0 * cr->agreement[k], "%.1f%%", a, sizeof a) : "-",
               num(cr->scores[k].fid, "%.3f", b, sizeof b), num(cr->floor[k].fid, "%.3f", c, sizeof c),
               num(cr->scores[k].kid.mean, "%.5f", d, sizeof d),
               num(cr->floor[k].kid.mean, "%.5f", e, sizeof e), cr->real_count[k], cr->gen_count[k]);
}

static void print_nearest(const gan_nearest_report *n)
{
    printf(
        "memorisation check (%s): %.1f%% of the samples are nearer a training image than 99%% of real "
        "images are to another (expected about 1%%); median nearest distance %.2f times the real images'\n",
        n->pixels ? "pixels" : "features", 100.0 * n->share_below, n->median_ratio);
    printf(
        "  (%ld training images, %ld of them as the reference; the closest pairs, sample | nearest training "
        "image: %s)\n",
        n->train_images, n->reference_images, n->grid);
}

void cli_eval_table(const gan_eval_request *req, const gan_eval_result *res)
{
    const gan_eval_report *r = &res->report;
    const gan_eval_set *real = &res->real, *gen = &res->gen;
    char path[GAN_PATH_MAX];
    if (req->ckpt)
        printf("generated   %ld images from %s (step %lld)\n", gen->n, req->ckpt, (long long)res->step);
    else printf("generated   %ld images from %s\n", gen->n, req->npy);
    printf("real        %ld images from %s (reference key %s)\n", real->n,
           cli_escape(res->real_path, path, sizeof path), res->cache_key);
    print_scores(res);
    printf("Inception Score %10.3f   (+- %.3f over 10 splits; real %.3f, at most %d)\n", gen->is_mean,
           gen->is_std, real->is_mean, gen->classes);
    printf("class entropy   %10.3f   (real %.3f, at most %.3f bits)\n", r->entropy_gen, r->entropy_real,
           r->entropy_max);
    printf("classes covered %6d/%d\n", r->classes_covered, gen->classes);
    printf("class      real  generated\n");
    for (int j = 0; j < gen->classes; j++)
        printf("%5d  %7.1f%%  %8.1f%%\n", j, 100.0 * real->counts[j] / real->n,
               100.0 * gen->counts[j] / gen->n);
    if (res->classes.classes > 0) print_classes(res);
    if (res->nearest_done) print_nearest(&res->nearest);
}

/* ---- JSON: NAN (a score not taken) is null */
static void add_number(cJSON *o, const char *key, double v)
{
    if (isnan(v)) cJSON_AddNullToObject(o, key);
    else cJSON_AddNumberToObject(o, key, v);
}

static cJSON *scores_json(const gan_eval_scores *s)
{
    cJSON *o = cJSON_CreateObject();
    add_number(o, "fid", s->fid);
    add_number(o, "kid", s->kid.mean);
    add_number(o, "kid_std", s->kid.std);
    cJSON_AddNumberToObject(o, "kid_subsets", s->kid.subsets);
    cJSON_AddNumberToObject(o, "kid_subset_size", s->kid.subset_size);
    add_number(o, "precision", s->prdc.precision);
    add_number(o, "recall", s->prdc.recall);
    add_number(o, "density", s->prdc.density);
    add_number(o, "coverage", s->prdc.coverage);
    cJSON_AddNumberToObject(o, "k", s->prdc.k);
    return o;
}

static void add_classes_json(cJSON *o, const gan_eval_result *res)
{
    const gan_class_report *cr = &res->classes;
    if (cr->conditional) {
        cJSON_AddNumberToObject(o, "class_agreement", cr->mean_agreement);
        cJSON_AddNumberToObject(o, "class_agreement_min", cr->min_agreement);
    }
    add_number(o, "intra_fid_mean", cr->mean_fid);
    add_number(o, "intra_fid_floor_mean", cr->mean_fid_floor);
    add_number(o, "intra_kid_mean", cr->mean_kid);
    add_number(o, "intra_kid_floor_mean", cr->mean_kid_floor);
    cJSON *pc = cJSON_AddArrayToObject(o, "per_class");
    for (int k = 0; k < cr->classes; k++) {
        cJSON *e = cJSON_CreateObject();
        cJSON_AddStringToObject(e, "class", res->names.names[k]);
        if (cr->conditional) cJSON_AddNumberToObject(e, "agreement", cr->agreement[k]);
        add_number(e, "intra_fid", cr->scores[k].fid);
        add_number(e, "intra_kid", cr->scores[k].kid.mean);
        cJSON_AddItemToObject(e, "scores", scores_json(&cr->scores[k]));
        cJSON_AddItemToObject(e, "floor", scores_json(&cr->floor[k]));
        cJSON_AddNumberToObject(e, "n_real", (double)cr->real_count[k]);
        cJSON_AddNumberToObject(e, "n_generated", (double)cr->gen_count[k]);
        cJSON_AddItemToArray(pc, e);
    }
}

static void add_nearest_json(cJSON *o, const gan_nearest_report *n)
{
    cJSON *m = cJSON_AddObjectToObject(o, "memorisation");
    cJSON_AddStringToObject(m, "space", n->pixels ? "pixels" : "features");
    cJSON_AddNumberToObject(m, "share_nearer_than_1st_percentile", n->share_below);
    cJSON_AddNumberToObject(m, "threshold", n->threshold);
    cJSON_AddNumberToObject(m, "median_ratio", n->median_ratio);
    cJSON_AddNumberToObject(m, "training_images", (double)n->train_images);
    cJSON_AddNumberToObject(m, "reference_images", (double)n->reference_images);
    cJSON_AddStringToObject(m, "grid", n->grid);
}

void cli_eval_json(const gan_eval_request *req, const gan_eval_result *res)
{
    const gan_eval_report *r = &res->report;
    const gan_eval_set *real = &res->real, *gen = &res->gen;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, req->ckpt ? "generator" : "npy", req->ckpt ? req->ckpt : req->npy);
    if (req->ckpt) cJSON_AddNumberToObject(o, "step", (double)res->step);
    cJSON_AddStringToObject(o, "classifier", req->classifier);
    cJSON_AddStringToObject(o, "real", res->real_path);
    cJSON_AddStringToObject(o, "reference_key", res->cache_key);
    cJSON_AddNumberToObject(o, "n_generated", (double)gen->n);
    cJSON_AddNumberToObject(o, "n_real", (double)real->n);
    cJSON_AddNumberToObject(o, "fid", r->fid);
    add_number(o, "kid", res->scores.kid.mean);
    add_number(o, "kid_std", res->scores.kid.std);
    cJSON_AddItemToObject(o, "scores", scores_json(&res->scores));
    if (res->n_floor > 0) cJSON_AddItemToObject(o, "floor", scores_json(&res->floor));
    cJSON_AddNumberToObject(o, "n_floor", (double)res->n_floor);
    cJSON_AddNumberToObject(o, "inception_score", r->is_gen);
    cJSON_AddNumberToObject(o, "inception_score_mean", gen->is_mean);
    cJSON_AddNumberToObject(o, "inception_score_std", gen->is_std);
    cJSON_AddNumberToObject(o, "inception_score_real", r->is_real);
    cJSON_AddNumberToObject(o, "class_entropy_bits", r->entropy_gen);
    cJSON_AddNumberToObject(o, "class_entropy_bits_real", r->entropy_real);
    cJSON_AddNumberToObject(o, "class_entropy_bits_max", r->entropy_max);
    cJSON_AddNumberToObject(o, "classes_covered", r->classes_covered);
    cJSON *hr = cJSON_AddArrayToObject(o, "class_counts_real"),
          *hg = cJSON_AddArrayToObject(o, "class_counts_generated");
    for (int j = 0; j < gen->classes; j++) {
        cJSON_AddItemToArray(hr, cJSON_CreateNumber((double)real->counts[j]));
        cJSON_AddItemToArray(hg, cJSON_CreateNumber((double)gen->counts[j]));
    }
    if (res->classes.classes > 0) add_classes_json(o, res);
    if (res->nearest_done) add_nearest_json(o, &res->nearest);
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (int i = 0; i < r->nwarnings; i++) cJSON_AddItemToArray(w, cJSON_CreateString(r->warnings[i]));
    char *s = cJSON_Print(o);
    if (s) puts(s);
    free(s);
    cJSON_Delete(o);
}
