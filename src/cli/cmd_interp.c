#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "gan/jobs/interp.h"

static const cli_option OPTIONS[] = {
    {"ckpt", 0, "FILE", false, "generator checkpoint"},
    {"rows", 0, "N", false, "rows, i.e. pairs of endpoints (default 8)"},
    {"steps", 0, "N", false, "images per row, endpoints included (default 10)"},
    {"mode", 0, "slerp|lerp", false, "spherical (slerp, default) or linear (lerp) interpolation"},
    {"seed", 0, "N", false, "seed of the endpoints (default 1)"},
    {"out", 0, "FILE", false, "the grid PNG (default interp.png)"},
    {"class", 0, "K", false,
     "a conditional generator's class (name or index): every row walks\n"
     "within it (default: row r is of class r mod classes)"},
    {"bn-batch", 0, NULL, false, "batchnorm from batch statistics instead of running ones"},
    {"quiet", 'q', NULL, false, "print nothing but errors"},
};

const cli_command CLI_INTERP = {
    .name = "interp",
    .usage = "--ckpt G.bin [--rows N] [--steps N] [--mode slerp|lerp] [--seed N] [--out FILE]",
    .about = "Walks the latent space: each grid row goes from one random latent vector to\n"
             "another in --steps images, by spherical (slerp, default) or linear (lerp)\n"
             "interpolation. A conditional generator's rows are named by their class.\n"
             "Prints the path it wrote.",
    .options = OPTIONS,
    .noptions = sizeof OPTIONS / sizeof OPTIONS[0],
};

int cmd_interp(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_INTERP, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *out = cli_get(&CLI_INTERP, &a, "out"), *mode = cli_get(&CLI_INTERP, &a, "mode");
    const bool quiet = cli_flag(&CLI_INTERP, &a, "quiet");
    int64_t rows = 8, steps = 10, seed = 1;
    if (!out) out = "interp.png";
    if (!mode) mode = "slerp";
    code = cli_get_int64(&CLI_INTERP, &a, "rows", 1, 100, &rows);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_INTERP, &a, "steps", 2, 100, &steps);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_INTERP, &a, "seed", 0, INT64_MAX, &seed);
    if (code == EXIT_OK && strcmp(mode, "slerp") != 0 && strcmp(mode, "lerp") != 0)
        code = cli_usage_error(CLI_INTERP.name, "--mode: expected slerp or lerp, got '%s'", mode);
    if (code == EXIT_OK && a.noperands > 0)
        code = cli_usage_error(CLI_INTERP.name, "unexpected argument '%s'", a.operands[0]);
    const gan_interp_request req = {.ckpt = cli_get(&CLI_INTERP, &a, "ckpt"),
                                    .rows = (int)rows,
                                    .steps = (int)steps,
                                    .slerp = strcmp(mode, "slerp") == 0,
                                    .seed = (uint64_t)seed,
                                    .class_name = cli_get(&CLI_INTERP, &a, "class"),
                                    .bn_mode = cli_flag(&CLI_INTERP, &a, "bn-batch") ? GAN_MODE_TRAIN
                                                                                     : GAN_MODE_EVAL,
                                    .out = out};
    if (code == EXIT_OK && !req.ckpt) code = cli_usage_error(CLI_INTERP.name, "--ckpt FILE is required");
    gan_error err;
    gan_status rc = code == EXIT_OK ? gan_interp(&req, &err) : GAN_OK;
    if (code == EXIT_OK && rc != GAN_OK) code = cli_report(rc, &err);
    else if (code == EXIT_OK && !quiet) printf("%s\n", out);
    cli_args_free(&a);
    return code;
}
