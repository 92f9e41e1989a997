#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/core/blas.h"
#include "gan/core/work.h"
#include "gan/data/dataset.h"
#include "gan/io/checkpoint.h"
#include "gan/io/config.h"
#include "gan/io/npy.h"
#include "gan/jobs/eval.h"
#include "gan/models/classifier.h"
#include "gan/nn/layout.h"

static const cli_option OPTIONS[] = {
    {"classifier", 0, "FILE", false, "classifier checkpoint (classifier.bin)"},
    {"ckpt", 0, "FILE", false, "generator checkpoint: samples are drawn from it"},
    {"npy", 0, "FILE", false,
     "or images from elsewhere: float32 [n, C, H, W] (or [n, H, W]\n"
     "when grey) in [-1, 1], as 'gan sample --npy' writes"},
    {"data", 0, "PATH", false,
     "real images (default: the classifier's training data);\n"
     "format and fit as in the classifier's config"},
    {"set", 0, "KEY=VALUE", true, "change the real data's config, e.g. --set data.format=folder"},
    {"n", 'n', "N", false, "images to generate (default 5000; with --npy, all of them)"},
    {"real", 0, "N", false, "real images to compare with (default: as many as generated)"},
    {"seed", 0, "N", false, "seed of the latents and of the real subset (default 1)"},
    {"bn-batch", 0, NULL, false, "generator batchnorm from batch statistics (as in gan sample)"},
    {"truncation", 0, "PSI", false, "draw latent components again while |z| > PSI (as in gan sample)"},
    {"json", 0, NULL, false, "print one JSON object instead of the table"},
    {"quiet", 'q', NULL, false, "no progress or warning lines on stderr"},
};

const cli_command CLI_EVAL = {
    .name = "eval",
    .usage = "--classifier C.bin (--ckpt G.bin | --npy FILE) [options]",
    .about = "Measures generated images against real ones with a classifier from\n"
             "'gan classify train':\n"
             "  FID              Frechet distance of the classifier's penultimate features\n"
             "                   (lower is better; 0 for identical statistics)\n"
             "  Inception Score  exp(E KL(p(y|x) || p(y))) with the classifier in Inception's\n"
             "                   place: from 1 to the number of classes, higher is better\n"
             "  classes          histogram of predicted classes, real against generated, and\n"
             "                   its entropy; a missing or dominant class is a warning\n"
             "A conditional generator draws its classes as often as the real images hold\n"
             "them, and adds class agreement and intra-class FID, overall and per class.\n"
             "Prints a table, or JSON with --json. Warnings go to stderr (and into the JSON).",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

enum { MAX_N = 100000, BATCH = 250 };

typedef struct {
    const char *classifier, *ckpt, *npy, *data;
    const char *const *sets;
    int nsets;
    int64_t n, real, seed;
    gan_mode bn_mode;
    double truncation; /* 0: none */
    bool json, quiet;
} eval_args;

static int parse_args(eval_args *e, const cli_args *a)
{
    memset(e, 0, sizeof *e);
    e->n = -1, e->real = -1, e->seed = 1;
    e->classifier = cli_get(&CLI_EVAL, a, "classifier");
    e->ckpt = cli_get(&CLI_EVAL, a, "ckpt");
    e->npy = cli_get(&CLI_EVAL, a, "npy");
    e->data = cli_get(&CLI_EVAL, a, "data");
    e->sets = a->opt[cli_find(&CLI_EVAL, "set")].values;
    e->nsets = a->opt[cli_find(&CLI_EVAL, "set")].count;
    e->bn_mode = cli_flag(&CLI_EVAL, a, "bn-batch") ? GAN_MODE_TRAIN : GAN_MODE_EVAL;
    e->json = cli_flag(&CLI_EVAL, a, "json");
    e->quiet = cli_flag(&CLI_EVAL, a, "quiet");
    int code = cli_get_int64(&CLI_EVAL, a, "n", 2, MAX_N, &e->n);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "real", 2, MAX_N, &e->real);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "seed", 0, INT64_MAX, &e->seed);
    if (code == EXIT_OK) code = cli_get_truncation(&CLI_EVAL, a, &e->truncation);
    if (code != EXIT_OK) return code;
    if (e->npy && e->truncation > 0)
        return cli_usage_error(CLI_EVAL.name, "--truncation applies to a generator, not to --npy");
    if (a->noperands > 0) return cli_usage_error(CLI_EVAL.name, "unexpected argument '%s'", a->operands[0]);
    if (e->data && !*e->data) return cli_usage_error(CLI_EVAL.name, "--data needs a path");
    if (!e->classifier) return cli_usage_error(CLI_EVAL.name, "--classifier FILE is required");
    if (!e->ckpt == !e->npy)
        return cli_usage_error(CLI_EVAL.name, "give exactly one of --ckpt G.bin and --npy FILE");
    if (e->npy && e->n > 0)
        return cli_usage_error(CLI_EVAL.name, "-n draws from a generator; with --npy every image is used");
    if (e->npy && e->bn_mode == GAN_MODE_TRAIN)
        return cli_usage_error(CLI_EVAL.name, "--bn-batch applies to a generator, not to --npy");
    return EXIT_OK;
}

/* Images from a .npy, batch-major [n, C, H, W], handed out channel-major. */
typedef struct {
    const float *x;
    int channels;
    long plane;
} npy_source;

static void npy_images(void *ctx, long first, int n, float *out)
{
    const npy_source *s = ctx;
    const gan_layout nchw = gan_layout_nchw(s->channels, s->plane);
    gan_copy_images(out, gan_layout_cnhw(n, s->plane), s->x + first * nchw.image, nchw, n, s->channels,
                    s->plane);
}

static gan_status load_npy(const char *path, const gan_classifier_arch *ca, float **x, long *n,
                           gan_error *err)
{
    int ndim = 0;
    int64_t shape[8];
    gan_status rc = gan_npy_load(path, x, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    const int S = ca->image_size, C = ca->channels;
    int ok = (ndim == 4 && shape[1] == C && shape[2] == S && shape[3] == S) ||
             (ndim == 3 && C == 1 && shape[1] == S && shape[2] == S);
    if (!ok)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: expected images of shape [n, %d, %d, %d] for this classifier",
                      path, C, S, S);
    else if (shape[0] < 2 || shape[0] > MAX_N)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: %lld images; expected 2 to %d", path, (long long)shape[0],
                      MAX_N);
    const size_t total = ok ? (size_t)shape[0] * C * S * S : 0;
    for (size_t i = 0; i < total && rc == GAN_OK; i++)
        if (!((*x)[i] >= -1.001f && (*x)[i] <= 1.001f))
            rc = gan_fail(
                err, GAN_ERR_INPUT,
                "%s: value %g at index %zu is outside [-1, 1] (scale images as gan sample --npy does)", path,
                (double)(*x)[i], i);
    if (rc != GAN_OK) {
        free(*x);
        *x = NULL;
        return rc;
    }
    *n = (long)shape[0];
    return GAN_OK;
}

/* The real data's config: the classifier's own (so fit and format match what it
 * was trained on), then --data and --set, at the classifier's size. */
static gan_status real_config(gan_config *cfg, const eval_args *a, const char *classifier_config,
                              const gan_classifier_arch *ca, gan_error *err)
{
    /* the user's --set values, then three of ours: as many as there are, no fixed array */
    const char **sets = malloc(sizeof *sets * ((size_t)a->nsets + 3));
    char size_set[64], chan_set[64], *data_set = NULL;
    if (!sets) return gan_fail(err, GAN_ERR_NOMEM, "out of memory");
    int nsets = 0;
    for (int i = 0; i < a->nsets; i++) sets[nsets++] = a->sets[i];
    snprintf(size_set, sizeof size_set, "data.image_size=%d", ca->image_size);
    snprintf(chan_set, sizeof chan_set, "data.channels=%d", ca->channels);
    sets[nsets++] = size_set;
    sets[nsets++] = chan_set;
    gan_status rc = GAN_OK;
    if (a->data) {
        cJSON *path = cJSON_CreateString(a->data); /* quoted, so any path is a string */
        char *quoted = path ? cJSON_PrintUnformatted(path) : NULL;
        cJSON_Delete(path);
        data_set = quoted ? malloc(strlen(quoted) + 11) : NULL;
        if (data_set) {
            sprintf(data_set, "data.path=%s", quoted);
            sets[nsets++] = data_set;
        } else {
            rc = gan_fail(err, GAN_ERR_NOMEM, "out of memory");
        }
        free(quoted);
    }
    if (rc == GAN_OK) rc = gan_config_parse(cfg, classifier_config, a->classifier, sets, nsets, err);
    free(sets);
    free(data_set);
    return rc;
}

static void print_classes_table(const gan_class_report *cr, const gan_classes *names, long n_per)
{
    printf("class agreement %9.1f%%   (mean over classes; lowest %.1f%%, class %s)\n",
           100.0 * cr->mean_agreement, 100.0 * cr->min_agreement, names->names[cr->min_class]);
    printf("intra-class FID %10.3f   (mean over classes, %ld samples of each)\n", cr->mean_fid, n_per);
    int width = 10; /* the class column, as wide as the longest name (up to 24 characters) */
    for (int k = 0; k < cr->classes; k++) {
        const int len = (int)strlen(names->names[k]);
        if (len > width) width = len < 24 ? len : 24;
    }
    printf("%-*s agreement  intra-class FID  real images\n", width, "class");
    for (int k = 0; k < cr->classes; k++)
        printf("%-*.24s %8.1f%%  %15.3f  %11ld\n", width, names->names[k], 100.0 * cr->agreement[k],
               cr->fid[k], cr->real_count[k]);
}

static void print_table(const eval_args *a, const gan_eval_report *r, const gan_eval_set *real,
                        const gan_eval_set *gen, const char *real_path, int64_t step)
{
    if (a->ckpt) printf("generated   %ld images from %s (step %lld)\n", gen->n, a->ckpt, (long long)step);
    else printf("generated   %ld images from %s\n", gen->n, a->npy);
    printf("real        %ld images from %s\n", real->n, real_path);
    printf("FID             %10.3f\n", r->fid);
    printf("Inception Score %10.3f   (real %.3f, at most %d)\n", r->is_gen, r->is_real, gen->classes);
    printf("class entropy   %10.3f   (real %.3f, at most %.3f bits)\n", r->entropy_gen, r->entropy_real,
           r->entropy_max);
    printf("classes covered %6d/%d\n", r->classes_covered, gen->classes);
    printf("class      real  generated\n");
    for (int j = 0; j < gen->classes; j++)
        printf("%5d  %7.1f%%  %8.1f%%\n", j, 100.0 * real->counts[j] / real->n,
               100.0 * gen->counts[j] / gen->n);
}

static void print_json(const eval_args *a, const gan_eval_report *r, const gan_eval_set *real,
                       const gan_eval_set *gen, const char *real_path, int64_t step,
                       const gan_class_report *cr, const gan_classes *names)
{
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, a->ckpt ? "generator" : "npy", a->ckpt ? a->ckpt : a->npy);
    if (a->ckpt) cJSON_AddNumberToObject(o, "step", (double)step);
    cJSON_AddStringToObject(o, "classifier", a->classifier);
    cJSON_AddStringToObject(o, "real", real_path);
    cJSON_AddNumberToObject(o, "n_generated", (double)gen->n);
    cJSON_AddNumberToObject(o, "n_real", (double)real->n);
    cJSON_AddNumberToObject(o, "fid", r->fid);
    cJSON_AddNumberToObject(o, "inception_score", r->is_gen);
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
    if (cr && cr->classes > 0) { /* a conditional generator, class by class */
        cJSON_AddNumberToObject(o, "class_agreement", cr->mean_agreement);
        cJSON_AddNumberToObject(o, "class_agreement_min", cr->min_agreement);
        cJSON_AddNumberToObject(o, "intra_fid_mean", cr->mean_fid);
        cJSON *pc = cJSON_AddArrayToObject(o, "per_class");
        for (int k = 0; k < cr->classes; k++) {
            cJSON *e = cJSON_CreateObject();
            cJSON_AddStringToObject(e, "class", names->names[k]);
            cJSON_AddNumberToObject(e, "agreement", cr->agreement[k]);
            cJSON_AddNumberToObject(e, "intra_fid", cr->fid[k]);
            cJSON_AddNumberToObject(e, "n_real", (double)cr->real_count[k]);
            cJSON_AddItemToArray(pc, e);
        }
    }
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (int i = 0; i < r->nwarnings; i++) cJSON_AddItemToArray(w, cJSON_CreateString(r->warnings[i]));
    char *s = cJSON_Print(o);
    if (s) puts(s);
    free(s);
    cJSON_Delete(o);
}

int cmd_eval(int argc, char **argv)
{
    cli_args args;
    int code = cli_parse(&CLI_EVAL, argc, argv, &args);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    eval_args a;
    code = parse_args(&a, &args);
    if (code != EXIT_OK) {
        cli_args_free(&args);
        return code;
    }
    gan_error err;
    gan_work cls_work, g_work;
    memset(&cls_work, 0, sizeof cls_work), memset(&g_work, 0, sizeof g_work);
    gan_classifier cls;
    gan_net g;
    gan_dataset data;
    gan_eval_set real, gen;
    memset(&g, 0, sizeof g), memset(&data, 0, sizeof data), memset(&real, 0, sizeof real),
        memset(&gen, 0, sizeof gen);
    char *cls_config = NULL;
    float *npy = NULL, *z = NULL;
    int32_t *idx = NULL, *labels = NULL;
    int64_t step = 0;
    gan_class_report classes = {0};
    long n_per = 0;
    long n_gen = a.n > 0 ? (long)a.n : 5000;
    gan_config cfg;

    gan_status rc = gan_classifier_load(a.classifier, &cls, BATCH, &cls_config, &err);
    if (rc != GAN_OK) {
        cli_args_free(&args);
        return cli_report(rc, &err);
    }
    gan_pool *pool = gan_threads_start(0);
    if (gan_work_alloc(&cls_work, gan_classifier_work_plan(&cls), pool) != GAN_OK)
        rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
    const gan_classifier_arch *ca = &cls.arch;
    if (rc == GAN_OK && a.ckpt) {
        rc = gan_model_load(a.ckpt, &g, GAN_NET_GENERATOR, BATCH, &step, &err);
        if (rc == GAN_OK && gan_work_alloc(&g_work, gan_net_work_plan(&g), pool) != GAN_OK)
            rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        if (rc == GAN_OK && (g.arch.image_size != ca->image_size || g.arch.channels != ca->channels))
            rc = gan_fail(&err, GAN_ERR_INPUT,
                          "%s: makes %dx%dx%d images, but the classifier %s reads %dx%dx%d", a.ckpt,
                          g.arch.image_size, g.arch.image_size, g.arch.channels, a.classifier, ca->image_size,
                          ca->image_size, ca->channels);
    } else if (rc == GAN_OK) {
        rc = load_npy(a.npy, ca, &npy, &n_gen, &err);
    }
    if (rc == GAN_OK) rc = real_config(&cfg, &a, cls_config, ca, &err);
    const bool conditional = a.ckpt && g.arch.classes > 0;
    if (rc == GAN_OK && conditional && g.arch.classes != ca->classes)
        rc =
            gan_fail(&err, GAN_ERR_INPUT,
                     "%s: %d classes, but the classifier %s knows %d: class agreement needs the same classes",
                     a.ckpt, g.arch.classes, a.classifier, ca->classes);
    cfg.conditional = conditional; /* the real images' labels too, for the per-class measures */
    if (rc == GAN_OK) rc = gan_dataset_load(&data, &cfg, &err);
    long n_real = a.real > 0 ? (long)a.real : n_gen;
    if (rc == GAN_OK && n_real > data.count) {
        if (a.real > 0)
            rc = gan_fail(&err, GAN_ERR_INPUT, "%s: --real %lld, but it holds %ld images", cfg.data_path,
                          (long long)a.real, data.count);
        n_real = data.count;
    }
    if (rc == GAN_OK && n_real < 2)
        rc = gan_fail(&err, GAN_ERR_INPUT, "%s: fewer than 2 images", cfg.data_path);
    if (rc == GAN_OK) {
        /* A seeded random subset of the real images, so that a small n is not just the first digits. */
        idx = malloc(sizeof(int32_t) * (size_t)data.count);
        if (!idx) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
    }
    if (rc == GAN_OK) {
        for (long i = 0; i < data.count; i++) idx[i] = (int32_t)i;
        gan_rng r;
        gan_rng_seed(&r, (uint64_t)a.seed ^ 0x5eedf00dULL);
        gan_rng_shuffle(&r, idx, data.count);
        if (!a.quiet) fprintf(stderr, "gan: classifying %ld real images from %s\n", n_real, cfg.data_path);
        gan_dataset_source src = {&data, idx};
        rc = gan_eval_set_compute(&real, &cls, &cls_work, gan_dataset_images, &src, n_real, &err);
    }
    if (rc == GAN_OK && a.ckpt) {
        z = malloc(sizeof(float) * (size_t)g.arch.nz * BATCH);
        if (!z) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        if (rc == GAN_OK && !a.quiet) fprintf(stderr, "gan: generating and classifying %ld images\n", n_gen);
        labels = conditional ? malloc(sizeof(int32_t) * BATCH) : NULL;
        if (conditional && !labels) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        gan_generator_source src = {.g = &g,
                                    .work = &g_work,
                                    .bn_mode = a.bn_mode,
                                    .truncation = a.truncation,
                                    .z = z,
                                    .label_buf = labels};
        /* a conditional G's classes come as often as in the real images, when they have the same classes */
        if (conditional && data.labels && data.classes.count == g.arch.classes) src.label_data = &data;
        gan_rng_seed(&src.rng, (uint64_t)a.seed);
        if (rc == GAN_OK)
            rc = gan_eval_set_compute(&gen, &cls, &cls_work, gan_generator_images, &src, n_gen, &err);
        if (conditional) n_per = n_gen / g.arch.classes > 1 ? n_gen / g.arch.classes : 2;
        if (rc == GAN_OK && conditional && !a.quiet)
            fprintf(stderr, "gan: and %ld images of each of the %d classes\n", n_per, g.arch.classes);
        if (rc == GAN_OK && conditional)
            rc = gan_eval_classes(&classes, &cls, &cls_work, &src, n_per, &data, idx, data.count, &err);
    } else if (rc == GAN_OK) {
        npy_source src = {npy, ca->channels, (long)ca->image_size * ca->image_size};
        rc = gan_eval_set_compute(&gen, &cls, &cls_work, npy_images, &src, n_gen, &err);
    }
    gan_eval_report report;
    if (rc == GAN_OK) rc = gan_eval_compare(&report, &real, &gen, &err);
    if (rc == GAN_OK) {
        if (a.json) print_json(&a, &report, &real, &gen, cfg.data_path, step, &classes, &g.classes);
        else {
            print_table(&a, &report, &real, &gen, cfg.data_path, step);
            if (classes.classes > 0) print_classes_table(&classes, &g.classes, n_per);
        }
        if (!a.quiet)
            for (int i = 0; i < report.nwarnings; i++)
                fprintf(stderr, "gan: warning: %s\n", report.warnings[i]);
    }
    gan_eval_set_free(&real);
    gan_eval_set_free(&gen);
    gan_dataset_free(&data);
    gan_classifier_free(&cls);
    gan_net_free(&g);
    gan_work_free(&cls_work);
    gan_work_free(&g_work);
    gan_pool_free(pool);
    free(cls_config), free(npy), free(z), free(idx), free(labels);
    gan_class_report_free(&classes);
    code = rc == GAN_OK ? EXIT_OK : cli_report(rc, &err);
    cli_args_free(&args);
    return code;
}
