#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/jobs/sample.h"

static const cli_option OPTIONS[] = {
    {"ckpt", 0, "FILE", false, "generator checkpoint (g.bin from gan train)"},
    {"n", 'n', "N", false, "number of images (default 64; at most 10000)"},
    {"out", 0, "FILE", false, "the grid PNG (default samples.png)"},
    {"seed", 0, "N", false, "seed of the latent vectors (default 1: same seed, same images)"},
    {"nrow", 0, "N", false, "images per grid row (default: near-square)"},
    {"each", 0, "DIR", false, "also write one PNG per image: DIR/000000.png, ..."},
    {"z-in", 0, "FILE", false,
     "read the latent vectors from a .npy (float32, [n, nz]) instead of drawing them"},
    {"z-out", 0, "FILE", false, "write the latent vectors used to a .npy (float32, [n, nz])"},
    {"npy", 0, "FILE", false, "write the images to a .npy (float32, [n, C, H, W], values in [-1, 1])"},
    {"truncation", 0, "PSI", false,
     "the truncation trick: draw latent components again while |z| > PSI\n"
     "(smaller: cleaner, less varied images)"},
    {"class", 0, "K", true,
     "a conditional generator's class, by name or index (repeatable: the\n"
     "images are split among them, a row each); 'all': one row per class,\n"
     "--nrow (default 8) images each. Without it, classes are drawn uniformly"},
    {"labels-in", 0, "FILE", false, "read the images' classes from a .npy (int64, [n])"},
    {"labels-out", 0, "FILE", false, "write the images' classes to a .npy (int64, [n])"},
    {"size", 0, "S", false,
     "a growing generator (model.progressive): its images at side S, an\n"
     "earlier phase's (default: the phase it was saved at)"},
    {"bn-batch", 0, NULL, false,
     "batchnorm from the batch's statistics instead of the running ones\n"
     "(as PyTorch in train mode; batches of up to 1024)"},
    {"quiet", 'q', NULL, false, "print nothing but errors"},
};

const cli_command CLI_SAMPLE = {
    .name = "sample",
    .usage = "--ckpt G.bin [-n N] [options]",
    .about = "Generates N images with a generator checkpoint and writes them as a PNG grid.\n"
             "A conditional generator's grid has a row per class, named at its left.\n"
             "Prints every path it wrote, one per line, on stdout.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

/* The request and the outputs from the command line; EXIT_OK or a usage error. */
static int read_args(const cli_args *a, gan_sample_request *req, gan_sample_outputs *out, bool *quiet)
{
    const cli_value *class_opt = &a->opt[cli_find(&CLI_SAMPLE, "class")];
    bool all = false;
    for (int i = 0; i < class_opt->count; i++) all |= strcmp(class_opt->values[i], "all") == 0;
    int64_t n = -1, seed = 1, nrow = 0, size = 0;
    int code = cli_get_int64(&CLI_SAMPLE, a, "n", 1, GAN_SAMPLE_MAX, &n);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_SAMPLE, a, "size", 1, 4096, &size);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_SAMPLE, a, "seed", 0, INT64_MAX, &seed);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_SAMPLE, a, "nrow", 1, GAN_SAMPLE_MAX, &nrow);
    *req =
        (gan_sample_request){.ckpt = cli_get(&CLI_SAMPLE, a, "ckpt"),
                             .n = (long)n,
                             .seed = (uint64_t)seed,
                             .bn_mode = cli_flag(&CLI_SAMPLE, a, "bn-batch") ? GAN_MODE_TRAIN : GAN_MODE_EVAL,
                             .z_in = cli_get(&CLI_SAMPLE, a, "z-in"),
                             .labels_in = cli_get(&CLI_SAMPLE, a, "labels-in"),
                             .classes = all ? NULL : class_opt->values,
                             .nclasses = all ? 0 : class_opt->count,
                             .all_classes = all,
                             .per_class = nrow > 0 ? (int)nrow : 8,
                             .size = (int)size};
    const char *grid = cli_get(&CLI_SAMPLE, a, "out");
    *out = (gan_sample_outputs){.grid = grid ? grid : "samples.png",
                                .per_row = (int)nrow,
                                /* a row per class, unless one class was asked for */
                                .class_rows = !(class_opt->count == 1 && !all),
                                .each = cli_get(&CLI_SAMPLE, a, "each"),
                                .z_out = cli_get(&CLI_SAMPLE, a, "z-out"),
                                .labels_out = cli_get(&CLI_SAMPLE, a, "labels-out"),
                                .npy = cli_get(&CLI_SAMPLE, a, "npy")};
    *quiet = cli_flag(&CLI_SAMPLE, a, "quiet");
    if (code == EXIT_OK) code = cli_get_truncation(&CLI_SAMPLE, a, &req->truncation);
    if (code != EXIT_OK) return code;
    if (req->truncation > 0 && req->z_in)
        return cli_usage_error(CLI_SAMPLE.name, "--truncation draws latents; with --z-in they are given");
    if (a->noperands > 0) return cli_usage_error(CLI_SAMPLE.name, "unexpected argument '%s'", a->operands[0]);
    if (!req->ckpt) return cli_usage_error(CLI_SAMPLE.name, "--ckpt FILE is required");
    if (all && class_opt->count > 1) return cli_usage_error(CLI_SAMPLE.name, "--class all goes alone");
    if (class_opt->count > 0 && req->labels_in)
        return cli_usage_error(CLI_SAMPLE.name, "--class and --labels-in both give the classes; choose one");
    return EXIT_OK;
}

int cmd_sample(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_SAMPLE, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    gan_sample_request req;
    gan_sample_outputs out;
    bool quiet = false;
    code = read_args(&a, &req, &out, &quiet);
    gan_error err;
    gan_samples s;
    gan_sample_written done = {0};
    gan_status rc = code == EXIT_OK ? gan_sample_generate(&req, &s, &err) : GAN_OK;
    if (code == EXIT_OK && rc == GAN_OK) {
        rc = gan_samples_write(&s, &out, &done, &err);
        if (done.plain_grid && !quiet)
            fprintf(stderr,
                    "gan sample: %ld images of %d classes make rows too long or too many to label: a "
                    "plain grid\n",
                    s.n, s.arch.classes);
        gan_samples_free(&s);
    }
    for (int i = 0; i < done.nwritten && !quiet; i++) printf("%s\n", done.written[i]);
    if (code == EXIT_OK && rc == GAN_ERR_USAGE) code = cli_usage_error(CLI_SAMPLE.name, "%s", err.msg);
    else if (code == EXIT_OK && rc != GAN_OK) code = cli_report(rc, &err);
    cli_args_free(&a);
    return code;
}
