#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "gan/core/blas.h"
#include "gan/core/path.h"
#include "gan/core/rng.h"
#include "gan/core/work.h"
#include "gan/io/checkpoint.h"
#include "gan/io/image_grid.h"

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

/* Spherical interpolation between a and b, falling back to linear when they
 * are (anti)parallel; the angle is taken between the directions. */
static void slerp(float *out, const float *a, const float *b, int n, double t)
{
    double na = 0, nb = 0, dot = 0;
    for (int i = 0; i < n; i++)
        na += (double)a[i] * a[i], nb += (double)b[i] * b[i], dot += (double)a[i] * b[i];
    double c = dot / (sqrt(na) * sqrt(nb) + 1e-30);
    c = c > 1 ? 1 : c < -1 ? -1 : c;
    const double omega = acos(c), so = sin(omega);
    const double wa = so < 1e-6 ? 1 - t : sin((1 - t) * omega) / so, wb = so < 1e-6 ? t : sin(t * omega) / so;
    for (int i = 0; i < n; i++) out[i] = (float)(wa * a[i] + wb * b[i]);
}

int cmd_interp(int argc, char **argv)
{
    cli_args a;
    int code = cli_parse(&CLI_INTERP, argc, argv, &a);
    if (code != EXIT_OK) return code == CLI_HELP_SHOWN ? EXIT_OK : code;
    const char *ckpt = cli_get(&CLI_INTERP, &a, "ckpt"), *out = cli_get(&CLI_INTERP, &a, "out"),
               *mode = cli_get(&CLI_INTERP, &a, "mode"), *class_name = cli_get(&CLI_INTERP, &a, "class");
    const bool quiet = cli_flag(&CLI_INTERP, &a, "quiet");
    const gan_mode bn_mode = cli_flag(&CLI_INTERP, &a, "bn-batch") ? GAN_MODE_TRAIN : GAN_MODE_EVAL;
    int64_t rows = 8, steps = 10, seed = 1;
    if (!out) out = "interp.png";
    if (!mode) mode = "slerp";
    code = cli_get_int64(&CLI_INTERP, &a, "rows", 1, 100, &rows);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_INTERP, &a, "steps", 2, 100, &steps);
    if (code == EXIT_OK) code = cli_get_int64(&CLI_INTERP, &a, "seed", 0, INT64_MAX, &seed);
    if (code == EXIT_OK && strcmp(mode, "slerp") != 0 && strcmp(mode, "lerp") != 0)
        code = cli_usage_error(CLI_INTERP.name, "--mode: expected slerp or lerp, got '%s'", mode);
    if (code == EXIT_OK && !*out) code = cli_usage_error(CLI_INTERP.name, "--out needs a file name");
    if (code == EXIT_OK && a.noperands > 0)
        code = cli_usage_error(CLI_INTERP.name, "unexpected argument '%s'", a.operands[0]);
    if (code == EXIT_OK && !ckpt) code = cli_usage_error(CLI_INTERP.name, "--ckpt FILE is required");
    const bool use_slerp = strcmp(mode, "slerp") == 0;
    cli_args_free(&a);
    if (code != EXIT_OK) return code;

    const int n = (int)(rows * steps);
    gan_net g;
    gan_work work;
    gan_error err;
    memset(&work, 0, sizeof work);
    gan_status rc = gan_model_load(ckpt, &g, GAN_NET_GENERATOR, n, NULL, &err);
    if (rc != GAN_OK) return cli_report(rc, &err);
    int the_class = -1;
    if (class_name && g.arch.classes == 0)
        rc = gan_fail(&err, GAN_ERR_INPUT,
                      "%s: an unconditional generator has no classes; --class needs one trained with "
                      "model.conditional",
                      ckpt);
    char where[GAN_PATH_MAX + 16];
    snprintf(where, sizeof where, "%s: --class", ckpt);
    if (rc == GAN_OK && class_name) rc = gan_classes_find(&g.classes, class_name, where, &the_class, &err);
    if (rc != GAN_OK) {
        gan_net_free(&g);
        return cli_report(rc, &err);
    }
    const int nz = g.arch.nz;
    gan_pool *pool = gan_threads_start(0);
    float *ends = malloc(sizeof(float) * 2 * rows * nz), *z = malloc(sizeof(float) * (size_t)n * nz);
    float *zi = malloc(sizeof(float) * nz);
    /* a conditional generator: each row's class, and the grid's row names */
    const bool conditional = g.arch.classes > 0;
    int32_t *labels = conditional ? malloc(sizeof(int32_t) * (size_t)n) : NULL;
    int *order = conditional ? malloc(sizeof(int) * (size_t)n) : NULL, *row_count = NULL;
    const char **row_label = conditional ? malloc(sizeof(char *) * (size_t)rows) : NULL;
    row_count = conditional ? malloc(sizeof(int) * (size_t)rows) : NULL;
    if (!ends || !z || !zi || gan_work_alloc(&work, gan_net_work_plan(&g), pool) != GAN_OK ||
        (conditional && (!labels || !order || !row_label || !row_count))) {
        rc = gan_fail(&err, GAN_ERR_NOMEM, "out of memory");
    } else {
        for (int i = 0; conditional && i < n; i++) {
            const int r = i / (int)steps, k = the_class >= 0 ? the_class : r % g.arch.classes;
            labels[i] = k;
            order[i] = i;
            row_count[r] = (int)steps;
            row_label[r] = g.classes.names[k];
        }
        gan_rng rng;
        gan_rng_seed(&rng, (uint64_t)seed);
        gan_rng_normal(&rng, ends, 2 * rows * nz, 0.0f, 1.0f);
        for (long r = 0; r < rows; r++) {
            const float *za = ends + 2 * r * nz, *zb = za + nz;
            for (long s = 0; s < steps; s++) {
                const double t = (double)s / (double)(steps - 1);
                if (use_slerp) slerp(zi, za, zb, nz, t);
                else
                    for (int k = 0; k < nz; k++) zi[k] = (float)((1 - t) * za[k] + t * zb[k]);
                const long col = r * steps + s; /* gan's channel-major latent: z[k * n + sample] */
                for (int k = 0; k < nz; k++) z[(long)k * n + col] = zi[k];
            }
        }
        const float *imgs = gan_net_forward(&g, &work, z, labels, n, bn_mode);
        const gan_grid grid = {.images = imgs,
                               .batch = n,
                               .count = n,
                               .channels = g.arch.channels,
                               .size = g.arch.image_size,
                               .per_row = (int)steps,
                               .pad = 2,
                               .nrows = conditional ? (int)rows : 0,
                               .row_count = row_count,
                               .row_label = row_label,
                               .order = order};
        rc = gan_grid_png(out, &grid, &err);
    }
    free(ends), free(z), free(zi), free(labels), free(order), free(row_count), free(row_label);
    gan_net_free(&g);
    gan_work_free(&work);
    gan_pool_free(pool);
    if (rc != GAN_OK) return cli_report(rc, &err);
    if (!quiet) printf("%s\n", out);
    return EXIT_OK;
}
