#include <cjson/cJSON.h>
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

typedef struct {
    gan_eval_request req;
    bool json, quiet;
} eval_args;

static int parse_args(eval_args *e, const cli_args *a)
{
    memset(e, 0, sizeof *e);
    gan_eval_request *r = &e->req;
    int64_t n = -1, real = -1, seed = 1;
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
    if (code != EXIT_OK) return code;
    r->n = (long)n, r->real = (long)real, r->seed = (uint64_t)seed;
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

static void print_classes_table(const gan_class_report *cr, const gan_classes *names, long n_per)
{
    char name[128];
    printf("class agreement %9.1f%%   (mean over classes; lowest %.1f%%, class %s)\n",
           100.0 * cr->mean_agreement, 100.0 * cr->min_agreement,
           cli_escape(names->names[cr->min_class], name, sizeof name));
    printf("intra-class FID %10.3f   (mean over classes, %ld samples of each)\n", cr->mean_fid, n_per);
    int width = 10; /* the class column, as wide as the longest name (up to 24 characters) */
    for (int k = 0; k < cr->classes; k++) {
        const int len = (int)strlen(cli_escape(names->names[k], name, sizeof name));
        if (len > width) width = len < 24 ? len : 24;
    }
    printf("%-*s agreement  intra-class FID  real images\n", width, "class");
    for (int k = 0; k < cr->classes; k++)
        printf("%-*.24s %8.1f%%  %15.3f  %11ld\n", width, cli_escape(names->names[k], name, sizeof name),
               100.0 * cr->agreement[k], cr->fid[k], cr->real_count[k]);
}

static void print_table(const gan_eval_request *a, const gan_eval_result *res)
{
    const gan_eval_report *r = &res->report;
    const gan_eval_set *real = &res->real, *gen = &res->gen;
    if (a->ckpt)
        printf("generated   %ld images from %s (step %lld)\n", gen->n, a->ckpt, (long long)res->step);
    else printf("generated   %ld images from %s\n", gen->n, a->npy);
    char path[GAN_PATH_MAX];
    printf("real        %ld images from %s\n", real->n, cli_escape(res->real_path, path, sizeof path));
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

/* A conditional generator, class by class. */
static void add_classes_json(cJSON *o, const gan_class_report *cr, const gan_classes *names)
{
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

static void print_json(const gan_eval_request *a, const gan_eval_result *res)
{
    const gan_eval_report *r = &res->report;
    const gan_eval_set *real = &res->real, *gen = &res->gen;
    cJSON *o = cJSON_CreateObject();
    cJSON_AddStringToObject(o, a->ckpt ? "generator" : "npy", a->ckpt ? a->ckpt : a->npy);
    if (a->ckpt) cJSON_AddNumberToObject(o, "step", (double)res->step);
    cJSON_AddStringToObject(o, "classifier", a->classifier);
    cJSON_AddStringToObject(o, "real", res->real_path);
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
    if (res->classes.classes > 0) add_classes_json(o, &res->classes, &res->names);
    cJSON *w = cJSON_AddArrayToObject(o, "warnings");
    for (int i = 0; i < r->nwarnings; i++) cJSON_AddItemToArray(w, cJSON_CreateString(r->warnings[i]));
    char *s = cJSON_Print(o);
    if (s) puts(s);
    free(s);
    cJSON_Delete(o);
}

static void show_progress(const gan_eval_progress *p, void *ctx)
{
    (void)ctx;
    if (p->stage == GAN_EVAL_CLASSIFYING_REAL)
        cli_printf_safe(stderr, "gan: classifying %ld real images from %s", p->n, p->path);
    if (p->stage == GAN_EVAL_CLASSIFYING_REAL) fputc('\n', stderr);
    else if (p->stage == GAN_EVAL_GENERATING)
        fprintf(stderr, "gan: generating and classifying %ld images\n", p->n);
    else fprintf(stderr, "gan: and %ld images of each of the %d classes\n", p->n, p->classes);
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
        if (a.json) print_json(&a.req, &res);
        else print_table(&a.req, &res);
        if (!a.json && res.classes.classes > 0) print_classes_table(&res.classes, &res.names, res.n_per);
        for (int i = 0; i < res.report.nwarnings && !a.quiet; i++)
            fprintf(stderr, "gan: warning: %s\n", res.report.warnings[i]);
        gan_eval_result_free(&res);
    }
    if (code == EXIT_OK && rc != GAN_OK) code = cli_report(rc, &err);
    cli_args_free(&args);
    return code;
}
