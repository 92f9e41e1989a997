#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/jobs/eval.h"

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
    {"kid-subsets", 0, "N", false, "KID's subsets (default 100)"},
    {"kid-size", 0, "N", false, "images in each KID subset (default 1000, or all when fewer)"},
    {"k", 0, "N", false, "neighbours of precision, recall, density and coverage (default 3)"},
    {"per-class", 0, NULL, false,
     "within-class FID and KID beside each class's floor (always for a\n"
     "conditional generator; an unconditional one's images by their class)"},
    {"nearest", 0, "K", false,
     "the memorisation check: each sample's nearest training image, against\n"
     "real images' nearest other; a grid of the K closest pairs"},
    {"nearest-pixels", 0, NULL, false, "the memorisation check in pixels instead of features"},
    {"nearest-out", 0, "FILE", false, "the grid of closest pairs (default nearest.png)"},
    {"no-cache", 0, NULL, false, "classify the real images afresh; read and write no reference cache"},
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
             "  KID              the unbiased kernel distance (Binkowski et al.), mean and\n"
             "                   spread over subsets\n"
             "  precision, recall, density, coverage   k-NN balls in feature space\n"
             "                   (Kynkaanniemi et al., Naeem et al.)\n"
             "Each beside its floor: the same score between two disjoint halves of the real\n"
             "images, what a perfect generator would get at this count. A conditional\n"
             "generator draws its classes as often as the real images hold them, and adds\n"
             "class agreement and within-class FID and KID beside each class's floor. The\n"
             "real images' features are cached beside the classifier under a key of the\n"
             "data, the classifier, the count and the seed, which the report names.\n"
             "Prints a table, or JSON with --json. Warnings go to stderr (and into the JSON).",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

typedef struct {
    gan_eval_request req;
    bool json, quiet;
} eval_args;

static int parse_args(eval_args *e, const cli_args *a)
{
    memset(e, 0, sizeof *e);
    gan_eval_request *r = &e->req;
    int64_t n = -1, real = -1, seed = 1, subsets = 0, size = 0, k = 0, nearest = 0;
    r->classifier = cli_get(&CLI_EVAL, a, "classifier");
    r->ckpt = cli_get(&CLI_EVAL, a, "ckpt");
    r->npy = cli_get(&CLI_EVAL, a, "npy");
    r->data = cli_get(&CLI_EVAL, a, "data");
    r->sets = a->opt[cli_find(&CLI_EVAL, "set")].values;
    r->nsets = a->opt[cli_find(&CLI_EVAL, "set")].count;
    r->bn_mode = cli_flag(&CLI_EVAL, a, "bn-batch") ? GAN_MODE_TRAIN : GAN_MODE_EVAL;
    e->json = cli_flag(&CLI_EVAL, a, "json");
    e->quiet = cli_flag(&CLI_EVAL, a, "quiet");
    int code = cli_get_int64(&CLI_EVAL, a, "n", 2, GAN_EVAL_MAX_IMAGES, &n);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "real", 2, GAN_EVAL_MAX_IMAGES, &real);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "seed", 0, INT64_MAX, &seed);
    if (code == EXIT_OK) code = cli_get_truncation(&CLI_EVAL, a, &r->truncation);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "kid-subsets", 1, 10000, &subsets);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "kid-size", 2, GAN_EVAL_MAX_IMAGES, &size);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "k", 1, 100, &k);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_EVAL, a, "nearest", 1, 256, &nearest);
    if (code != EXIT_OK) return code;
    r->n = (long)n, r->real = (long)real, r->seed = (uint64_t)seed;
    r->kid_subsets = (int)subsets, r->kid_size = (int)size, r->k = (int)k, r->nearest = (int)nearest;
    r->per_class = cli_flag(&CLI_EVAL, a, "per-class");
    r->nearest_pixels = cli_flag(&CLI_EVAL, a, "nearest-pixels");
    r->nearest_out = cli_get(&CLI_EVAL, a, "nearest-out");
    r->no_cache = cli_flag(&CLI_EVAL, a, "no-cache");
    if ((r->nearest_pixels || r->nearest_out) && !r->nearest)
        return cli_usage_error(CLI_EVAL.name, "--nearest-pixels and --nearest-out go with --nearest K");
    if (r->npy && r->truncation > 0)
        return cli_usage_error(CLI_EVAL.name, "--truncation applies to a generator, not to --npy");
    if (a->noperands > 0) return cli_usage_error(CLI_EVAL.name, "unexpected argument '%s'", a->operands[0]);
    if (!r->classifier) return cli_usage_error(CLI_EVAL.name, "--classifier FILE is required");
    if (!r->ckpt == !r->npy)
        return cli_usage_error(CLI_EVAL.name, "give exactly one of --ckpt G.bin and --npy FILE");
    if (r->npy && r->n > 0)
        return cli_usage_error(CLI_EVAL.name, "-n draws from a generator; with --npy every image is used");
    if (r->npy && r->bn_mode == GAN_MODE_TRAIN)
        return cli_usage_error(CLI_EVAL.name, "--bn-batch applies to a generator, not to --npy");
    return EXIT_OK;
}

static void show_progress(const gan_eval_progress *p, void *ctx)
{
    (void)ctx;
    if (p->stage == GAN_EVAL_CLASSIFYING_REAL)
        cli_printf_safe(stderr, "gan: classifying %ld real images from %s", p->n, p->path);
    if (p->stage == GAN_EVAL_CLASSIFYING_REAL) fputc('\n', stderr);
    else if (p->stage == GAN_EVAL_GENERATING)
        fprintf(stderr, "gan: generating and classifying %ld images\n", p->n);
    else if (p->stage == GAN_EVAL_PER_CLASS)
        fprintf(stderr, "gan: and class by class, %ld images of each of the %d classes\n", p->n, p->classes);
    else if (p->stage == GAN_EVAL_NEAREST)
        fprintf(stderr, "gan: the memorisation check, against %ld training images\n", p->n);
    else if (p->stage == GAN_EVAL_CACHE)
        cli_printf_safe(stderr, "gan: the real images' features from %s", p->path);
    else if (p->stage == GAN_EVAL_CACHE_BAD)
        cli_printf_safe(stderr, "gan: warning: %s does not hold what its name says: classified again",
                        p->path);
    if (p->stage == GAN_EVAL_CACHE || p->stage == GAN_EVAL_CACHE_BAD) fputc('\n', stderr);
}

int cmd_eval(int argc, char **argv)
{
    cli_args args;
    int code = cli_parse(&CLI_EVAL, argc, argv, &args);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    eval_args a;
    code = parse_args(&a, &args);
    gan_error err;
    gan_eval_result res;
    const gan_eval_reporter reporter = {.progress = a.quiet ? NULL : show_progress};
    gan_status rc = code == EXIT_OK ? gan_eval_run(&a.req, &reporter, &res, &err) : GAN_OK;
    if (code == EXIT_OK && rc == GAN_OK) {
        if (a.json) cli_eval_json(&a.req, &res);
        else cli_eval_table(&a.req, &res);
        for (int i = 0; i < res.report.nwarnings && !a.quiet; i++)
            fprintf(stderr, "gan: warning: %s\n", res.report.warnings[i]);
        gan_eval_result_free(&res);
    }
    if (code == EXIT_OK && rc == GAN_ERR_USAGE) code = cli_usage_error(CLI_EVAL.name, "%s", err.msg);
    else if (code == EXIT_OK && rc != GAN_OK) code = cli_report(rc, &err);
    cli_args_free(&args);
    return code;
}
