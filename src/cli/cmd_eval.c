#include <cjson/cJSON.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/io/checkpoint.h"
#include "gan/models/classifier.h"
#include "gan/io/config.h"
#include "gan/data/dataset.h"
#include "gan/jobs/eval.h"
#include "gan/io/npy.h"

static const char HELP[] =
    "usage: gan eval --classifier C.bin (--ckpt G.bin | --npy FILE) [options]\n"
    "\n"
    "Measures generated images against real ones with a classifier from\n"
    "'gan classify train':\n"
    "  FID              Frechet distance of the classifier's penultimate features\n"
    "                   (lower is better; 0 for identical statistics)\n"
    "  Inception Score  exp(E KL(p(y|x) || p(y))) with the classifier in Inception's\n"
    "                   place: from 1 to the number of classes, higher is better\n"
    "  classes          histogram of predicted classes, real against generated, and\n"
    "                   its entropy; a missing or dominant class is a warning\n"
    "Prints a table, or JSON with --json. Warnings go to stderr (and into the JSON).\n"
    "\n"
    "  --classifier FILE  classifier checkpoint (classifier.bin)\n"
    "  --ckpt FILE        generator checkpoint: samples are drawn from it\n"
    "  --npy FILE         or images from elsewhere: float32 [n, C, H, W] (or [n, H, W]\n"
    "                     when grey) in [-1, 1], as 'gan sample --npy' writes\n"
    "  --data PATH        real images (default: the classifier's training data);\n"
    "                     format and fit as in the classifier's config\n"
    "  --set KEY=VALUE    change the real data's config, e.g. --set data.format=folder\n"
    "  -n, --n N          images to generate (default 5000; with --npy, all of them)\n"
    "  --real N           real images to compare with (default: as many as generated)\n"
    "  --seed N           seed of the latents and of the real subset (default 1)\n"
    "  --bn-batch         generator batchnorm from batch statistics (as in gan sample)\n"
    "  --json             print one JSON object instead of the table\n"
    "  --quiet            no progress or warning lines on stderr\n";

enum { MAX_N = 100000, BATCH = 250 };

typedef struct {
    const char *classifier, *ckpt, *npy, *data;
    const char *sets[64];
    int nsets;
    long n, real, seed;
    int bn_batch, json, quiet;
} eval_args;

static int parse_args(eval_args *a, int argc, char **argv)
{
    memset(a, 0, sizeof *a);
    a->n = -1, a->real = -1, a->seed = 1;
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        if (cli_is_help(argv[i])) {
            cli_help(HELP);
            return -1; /* done: exit 0 */
        } else if (cli_is_quiet(argv[i])) {
            a->quiet = 1;
        } else if (strcmp(argv[i], "--json") == 0) {
            a->json = 1;
        } else if (strcmp(argv[i], "--bn-batch") == 0) {
            a->bn_batch = 1;
        } else if (cli_opt(argc, argv, &i, "--classifier", &v)) {
            if (!v) return cli_usage_error("eval", "--classifier needs a file");
            a->classifier = v;
        } else if (cli_opt(argc, argv, &i, "--ckpt", &v)) {
            if (!v) return cli_usage_error("eval", "--ckpt needs a file");
            a->ckpt = v;
        } else if (cli_opt(argc, argv, &i, "--npy", &v)) {
            if (!v) return cli_usage_error("eval", "--npy needs a file");
            a->npy = v;
        } else if (cli_opt(argc, argv, &i, "--data", &v)) {
            if (!v || !*v) return cli_usage_error("eval", "--data needs a path");
            a->data = v;
        } else if (cli_opt(argc, argv, &i, "--set", &v)) {
            if (!v) return cli_usage_error("eval", "--set needs KEY=VALUE");
            if (a->nsets == 62) return cli_usage_error("eval", "too many --set options");
            a->sets[a->nsets++] = v;
        } else if (cli_opt(argc, argv, &i, "-n", &v) || cli_opt(argc, argv, &i, "--n", &v)) {
            if (cli_long(v, 2, MAX_N, &a->n) != 0)
                return cli_usage_error("eval", "-n: expected an integer from 2 to %d, got '%s'", MAX_N, v ? v : "");
        } else if (cli_opt(argc, argv, &i, "--real", &v)) {
            if (cli_long(v, 2, MAX_N, &a->real) != 0)
                return cli_usage_error("eval", "--real: expected an integer from 2 to %d, got '%s'", MAX_N, v ? v : "");
        } else if (cli_opt(argc, argv, &i, "--seed", &v)) {
            if (cli_long(v, 0, 0x7fffffffffffffffL, &a->seed) != 0)
                return cli_usage_error("eval", "--seed: expected a non-negative integer, got '%s'", v ? v : "");
        } else {
            return cli_usage_error("eval", "unknown option '%s'", argv[i]);
        }
    }
    if (!a->classifier) return cli_usage_error("eval", "--classifier FILE is required");
    if (!a->ckpt == !a->npy) return cli_usage_error("eval", "give exactly one of --ckpt G.bin and --npy FILE");
    if (a->npy && a->n > 0) return cli_usage_error("eval", "-n draws from a generator; with --npy every image is used");
    if (a->npy && a->bn_batch) return cli_usage_error("eval", "--bn-batch applies to a generator, not to --npy");
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
    for (int i = 0; i < n; i++)
        for (int c = 0; c < s->channels; c++)
            memcpy(out + ((size_t)c * n + i) * s->plane, s->x + ((size_t)(first + i) * s->channels + c) * s->plane,
                   sizeof(float) * (size_t)s->plane);
}

static int load_npy(const char *path, const gan_classifier_arch *ca, float **x, long *n, gan_error *err)
{
    int ndim = 0;
    int64_t shape[8];
    int rc = gan_npy_load(path, x, &ndim, shape, err);
    if (rc != GAN_OK) return rc;
    const int S = ca->image_size, C = ca->channels;
    int ok = (ndim == 4 && shape[1] == C && shape[2] == S && shape[3] == S) ||
             (ndim == 3 && C == 1 && shape[1] == S && shape[2] == S);
    if (!ok) rc = gan_fail(err, GAN_ERR_INPUT, "%s: expected images of shape [n, %d, %d, %d] for this classifier", path, C, S, S);
    else if (shape[0] < 2 || shape[0] > MAX_N)
        rc = gan_fail(err, GAN_ERR_INPUT, "%s: %lld images; expected 2 to %d", path, (long long)shape[0], MAX_N);
    const size_t total = ok ? (size_t)shape[0] * C * S * S : 0;
    for (size_t i = 0; i < total && rc == GAN_OK; i++)
        if (!((*x)[i] >= -1.001f && (*x)[i] <= 1.001f))
            rc = gan_fail(err, GAN_ERR_INPUT, "%s: value %g at index %zu is outside [-1, 1] (scale images as gan sample --npy does)",
                          path, (double)(*x)[i], i);
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
static int real_config(gan_config *cfg, const eval_args *a, const char *classifier_config, const gan_classifier_arch *ca,
                       gan_error *err)
{
    const char *sets[64];
    int nsets = 0;
    char data_set[1100], size_set[64], chan_set[64];
    for (int i = 0; i < a->nsets; i++) sets[nsets++] = a->sets[i];
    snprintf(size_set, sizeof size_set, "data.image_size=%d", ca->image_size);
    snprintf(chan_set, sizeof chan_set, "data.channels=%d", ca->channels);
    sets[nsets++] = size_set;
    sets[nsets++] = chan_set;
    cJSON *path = a->data ? cJSON_CreateString(a->data) : NULL; /* quoted, so any path is a string */
    char *quoted = path ? cJSON_PrintUnformatted(path) : NULL;
    cJSON_Delete(path);
    if (a->data) {
        if (!quoted || strlen(quoted) + 11 > sizeof data_set) {
            free(quoted);
            return gan_fail(err, GAN_ERR_INPUT, "--data: path too long");
        }
        snprintf(data_set, sizeof data_set, "data.path=%s", quoted);
        sets[nsets++] = data_set;
    }
    int rc = gan_config_parse(cfg, classifier_config, a->classifier, sets, nsets, err);
    free(quoted);
    return rc;
}

static void print_table(const eval_args *a, const gan_eval_report *r, const gan_eval_set *real, const gan_eval_set *gen,
                        const char *real_path, long step)
{
    if (a->ckpt) printf("generated   %ld images from %s (step %ld)\n", gen->n, a->ckpt, step);
    else printf("generated   %ld images from %s\n", gen->n, a->npy);
    printf("real        %ld images from %s\n", real->n, real_path);
    printf("FID             %10.3f\n", r->fid);
    printf("Inception Score %10.3f   (real %.3f, at most %d)\n", r->is_gen, r->is_real, gen->classes);
    printf("class entropy   %10.3f   (real %.3f, at most %.3f bits)\n", r->entropy_gen, r->entropy_real, r->entropy_max);
    printf("classes covered %6d/%d\n", r->classes_covered, gen->classes);
    printf("class      real  generated\n");
    for (int j = 0; j < gen->classes; j++)
        printf("%5d  %7.1f%%  %8.1f%%\n", j, 100.0 * real->counts[j] / real->n, 100.0 * gen->counts[j] / gen->n);
}

static void print_json(const eval_args *a, const gan_eval_report *r, const gan_eval_set *real, const gan_eval_set *gen,
                       const char *real_path, long step)
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
    cJSON *hr = cJSON_AddArrayToObject(o, "class_counts_real"), *hg = cJSON_AddArrayToObject(o, "class_counts_generated");
    for (int j = 0; j < gen->classes; j++) {
        cJSON_AddItemToArray(hr, cJSON_CreateNumber((double)real->counts[j]));
        cJSON_AddItemToArray(hg, cJSON_CreateNumber((double)gen->counts[j]));
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
    eval_args a;
    int rc = parse_args(&a, argc, argv);
    if (rc != EXIT_OK) return rc < 0 ? EXIT_OK : rc;
    gan_error err;
    gan_classifier cls;
    gan_net g;
    gan_dataset data;
    gan_eval_set real, gen;
    memset(&g, 0, sizeof g), memset(&data, 0, sizeof data), memset(&real, 0, sizeof real), memset(&gen, 0, sizeof gen);
    char *cls_config = NULL;
    float *npy = NULL, *z = NULL;
    int32_t *idx = NULL;
    long step = 0, n_gen = a.n > 0 ? a.n : 5000;
    gan_config cfg;

    rc = gan_classifier_load(a.classifier, &cls, BATCH, &cls_config, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    const gan_classifier_arch *ca = &cls.arch;
    if (a.ckpt) {
        rc = gan_model_load(a.ckpt, &g, 1, BATCH, &step, &err);
        if (rc == GAN_OK && (g.arch.image_size != ca->image_size || g.arch.channels != ca->channels))
            rc = gan_fail(&err, GAN_ERR_INPUT, "%s: makes %dx%dx%d images, but the classifier %s reads %dx%dx%d", a.ckpt,
                          g.arch.image_size, g.arch.image_size, g.arch.channels, a.classifier, ca->image_size,
                          ca->image_size, ca->channels);
    } else {
        rc = load_npy(a.npy, ca, &npy, &n_gen, &err);
    }
    if (rc == GAN_OK) rc = real_config(&cfg, &a, cls_config, ca, &err);
    if (rc == GAN_OK) rc = gan_dataset_load(&data, &cfg, &err);
    long n_real = a.real > 0 ? a.real : n_gen;
    if (rc == GAN_OK && n_real > data.count) {
        if (a.real > 0)
            rc = gan_fail(&err, GAN_ERR_INPUT, "%s: --real %ld, but it holds %ld images", cfg.data_path, a.real, data.count);
        n_real = data.count;
    }
    if (rc == GAN_OK && n_real < 2) rc = gan_fail(&err, GAN_ERR_INPUT, "%s: fewer than 2 images", cfg.data_path);
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
        rc = gan_eval_set_compute(&real, &cls, gan_dataset_images, &src, n_real, &err);
    }
    if (rc == GAN_OK && a.ckpt) {
        z = malloc(sizeof(float) * (size_t)g.arch.nz * BATCH);
        if (!z) rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
        if (rc == GAN_OK && !a.quiet) fprintf(stderr, "gan: generating and classifying %ld images\n", n_gen);
        gan_generator_source src = {.g = &g, .bn_batch = a.bn_batch, .z = z};
        gan_rng_seed(&src.rng, (uint64_t)a.seed);
        if (rc == GAN_OK) rc = gan_eval_set_compute(&gen, &cls, gan_generator_images, &src, n_gen, &err);
    } else if (rc == GAN_OK) {
        npy_source src = {npy, ca->channels, (long)ca->image_size * ca->image_size};
        rc = gan_eval_set_compute(&gen, &cls, npy_images, &src, n_gen, &err);
    }
    gan_eval_report report;
    if (rc == GAN_OK) rc = gan_eval_compare(&report, &real, &gen, &err);
    if (rc == GAN_OK) {
        if (a.json) print_json(&a, &report, &real, &gen, cfg.data_path, step);
        else print_table(&a, &report, &real, &gen, cfg.data_path, step);
        if (!a.quiet)
            for (int i = 0; i < report.nwarnings; i++) fprintf(stderr, "gan: warning: %s\n", report.warnings[i]);
    }
    gan_eval_set_free(&real);
    gan_eval_set_free(&gen);
    gan_dataset_free(&data);
    gan_classifier_free(&cls);
    gan_net_free(&g);
    free(cls_config), free(npy), free(z), free(idx);
    return rc == GAN_OK ? EXIT_OK : cli_report(rc, &err);
}
